"""Markdown text helpers: escaping for GitHub-flavored Markdown (and mkdocs), links, file names."""
from __future__ import annotations

import hashlib
import posixpath
import re

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_UNSAFE_CHAR = re.compile(r"[^A-Za-z0-9_.-]+")
_SPECIAL = re.compile(r"([\\`*\[\]|])")
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def text(value: str | None) -> str:
    """Inline text (a comment) safe in a paragraph or a table cell: no markup, one line."""
    if not value:
        return ""
    out = _SPECIAL.sub(r"\\\1", value)
    out = _EDGE_UNDERSCORE.sub(r"\\_", out)
    out = out.replace("<", "&lt;").replace(">", "&gt;")
    lines = [line.strip() for line in out.splitlines()]
    return "<br>".join(line for line in lines if line)


def paragraph(value: str | None) -> str:
    """A comment as paragraphs (blank lines kept, other line breaks joined)."""
    if not value:
        return ""
    paragraphs = re.split(r"\n\s*\n", value.strip())
    out = []
    for p in paragraphs:
        line = text(" ".join(p.split()))
        if re.match(r"^([#>+-]|\d+[.)]\s)", line):
            line = "\\" + line  # would start a heading, quote or list
        out.append(line)
    return "\n\n".join(out)


def code(value: str | None, in_table: bool = True) -> str:
    """An inline code span (that survives inside a GFM table cell unless in_table is False)."""
    if value is None or value == "":
        return ""
    one_line = " ".join(value.split())
    longest = max((len(m) for m in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    if in_table:
        one_line = one_line.replace("|", "\\|")
    return f"{fence}{pad}{one_line}{pad}{fence}"


def fenced(value: str, language: str = "sql") -> str:
    """A fenced code block."""
    longest = max((len(m) for m in re.findall(r"^`{3,}", value, flags=re.M)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{value.rstrip()}\n{fence}"


def link(label: str, target: str) -> str:
    return f"[{text(label)}]({target})"


def slug(name: str) -> str:
    """A file name for an object: the name itself when it is plain, else cleaned plus a short hash."""
    if _SAFE_NAME.match(name) and not name.startswith("."):
        return name
    cleaned = _UNSAFE_CHAR.sub("_", name).strip("._") or "object"
    return f"{cleaned}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def relative(target: str, start: str) -> str:
    """Link from the page at `start` to `target`, both relative to the site root (POSIX paths)."""
    return posixpath.relpath(target, posixpath.dirname(start) or ".")


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table; cells must already be escaped."""
    if not rows:
        return ""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell if cell else " " for cell in row).rstrip() + " |" for row in rows]
    return "\n".join(lines)
