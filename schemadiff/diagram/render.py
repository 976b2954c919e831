"""DOT text -> SVG, PNG or PDF with graphviz's `dot`; `.dot` is written as is.

Why the binary and not a Python binding: graphviz is one `apt-get install`
away everywhere, and the DOT text stays the tested artifact (the image is
graphviz's business).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from ..errors import ConfigError, RenderError, ToolMissing

FORMATS = ("svg", "png", "pdf", "dot")
INSTALL_GRAPHVIZ = ("Install graphviz: `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
                    "(macOS), `choco install graphviz` (Windows), or see https://graphviz.org/download/; "
                    "`-o FILE.dot` works without it.")
_STAMP = "<!-- schemadiff: dot source sha256 {} -->"


def format_of(path: Path | str) -> str:
    """The output format named by a file's extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("gv",):
        return "dot"
    if suffix not in FORMATS:
        raise ConfigError(f"{path}: unknown diagram format {suffix or '(no extension)'}; "
                          f"use one of {', '.join('.' + f for f in FORMATS)}")
    return suffix


def find_dot() -> str:
    found = shutil.which("dot")
    if found is None:
        raise ToolMissing("dot", "to draw diagrams as images (graphviz)", INSTALL_GRAPHVIZ)
    return found


def source_digest(dot_text: str) -> str:
    return hashlib.sha256(dot_text.encode("utf-8")).hexdigest()


def stamp_svg(svg: bytes, dot_text: str) -> bytes:
    """Record which DOT text an SVG was drawn from, after its XML declaration.

    Why: `docs --check` then knows an SVG is current without running graphviz,
    whose output differs between versions.
    """
    stamp = _STAMP.format(source_digest(dot_text)).encode()
    head, sep, rest = svg.partition(b"?>\n")
    if not sep:
        return stamp + b"\n" + svg
    return head + sep + stamp + b"\n" + rest


def svg_source_digest(svg: bytes) -> str | None:
    """The digest stamp_svg left in an SVG, if any."""
    start = svg.find(b"<!-- schemadiff: dot source sha256 ", 0, 4096)
    if start < 0:
        return None
    end = svg.find(b" -->", start)
    return svg[start:end].rsplit(b" ", 1)[-1].decode("ascii", "replace")


def render_dot(dot_text: str, fmt: str) -> bytes:
    """DOT text -> image bytes in `fmt` (svg, png, pdf; dot returns the text)."""
    if fmt == "dot":
        return dot_text.encode("utf-8")
    if fmt not in FORMATS:
        raise ConfigError(f"unknown diagram format {fmt}; use one of {', '.join(FORMATS)}")
    exe = find_dot()
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=dot_text.encode("utf-8"), capture_output=True,
                              check=False, timeout=300)
    except OSError as exc:
        raise ToolMissing("dot", "to draw diagrams as images (graphviz)", f"{exc}. {INSTALL_GRAPHVIZ}") from None
    except subprocess.TimeoutExpired:
        raise RenderError("graphviz `dot` ran for more than 300 s; draw less (--table, --include)") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"graphviz `dot -T{fmt}` failed: {message}")
    out = done.stdout
    if fmt == "svg":
        out = stamp_svg(out, dot_text)
    return out


def write_diagram(dot_text: str, path: Path | str) -> Path:
    """Write the diagram to `path` in the format its extension names."""
    path = Path(path)
    data = render_dot(dot_text, format_of(path))
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
