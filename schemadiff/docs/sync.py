"""Put a generated Site on disk, or tell how the disk differs from it (`docs --check`).

Pages are compared byte for byte.  An SVG is compared by the DOT text it was
drawn from (its stamp, see diagram.render.stamp_svg), so the check needs no
graphviz and does not depend on graphviz's version; writing leaves an SVG
alone when its stamp already matches.  Files that an earlier run generated
(pages starting with the GENERATED line, stamped SVGs) and that the schema
no longer produces are stale too: writing deletes them.  Nothing else in the
directory is touched.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..diagram.render import render_dot, source_digest, svg_source_digest
from .site import GENERATED, Site


@dataclass(frozen=True, slots=True)
class Difference:
    path: str  # relative to the output directory, POSIX
    reason: str  # "missing" | "changed" | "no longer generated"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _generated_files(out_dir: Path) -> list[str]:
    """Files under out_dir that a run of `schemadiff docs` wrote."""
    found: list[str] = []
    if not out_dir.is_dir():
        return found
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file() or path.suffix not in (".md", ".svg"):
            continue
        try:
            with path.open("rb") as f:
                head = f.read(4096)
        except OSError:
            continue
        if head.startswith(GENERATED.encode()) or svg_source_digest(head) is not None:
            found.append(path.relative_to(out_dir).as_posix())
    return found


def check_site(site: Site, out_dir: Path) -> list[Difference]:
    """How out_dir differs from `site` (empty: up to date)."""
    out_dir = Path(out_dir)
    diffs: list[Difference] = []
    for rel, text in site.pages.items():
        path = out_dir / rel
        if not path.is_file():
            diffs.append(Difference(rel, "missing"))
        elif path.read_bytes() != text.encode("utf-8"):
            diffs.append(Difference(rel, "changed"))
    for rel, dot_text in site.diagrams.items():
        path = out_dir / rel
        if not path.is_file():
            diffs.append(Difference(rel, "missing"))
        elif svg_source_digest(path.read_bytes()) != source_digest(dot_text):
            diffs.append(Difference(rel, "changed"))
    wanted = set(site.paths())
    diffs += [Difference(rel, "no longer generated") for rel in _generated_files(out_dir) if rel not in wanted]
    return sorted(diffs, key=lambda d: d.path)


def write_site(site: Site, out_dir: Path,
               render: Callable[[str, str], bytes] = render_dot) -> list[Difference]:
    """Bring out_dir up to date with `site`; returns what was written or deleted."""
    out_dir = Path(out_dir)
    changes = check_site(site, out_dir)
    for change in changes:
        path = out_dir / change.path
        if change.reason == "no longer generated":
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if change.path in site.pages:
            path.write_bytes(site.pages[change.path].encode("utf-8"))
        else:
            path.write_bytes(render(site.diagrams[change.path], "svg"))
    _remove_empty_dirs(out_dir)
    return changes


def _remove_empty_dirs(out_dir: Path) -> None:
    for sub in ("tables", "views", "functions", "types", "diagrams"):
        d = out_dir / sub
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
