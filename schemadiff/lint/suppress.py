"""Per-object suppression: `-- schemadiff: ignore rule-a, rule-b` directly above a statement.

Why comments in the schema files: the reason for an exception belongs next to the
object it excuses, and moves and disappears with it.  The comment lines right
above the statement that declares the object (no blank line in between) are
read; findings about objects read from a database cannot be suppressed this way.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import Location

_DIRECTIVE = re.compile(r"schemadiff:\s*ignore\b\s*(.*)$", re.IGNORECASE)


@lru_cache(maxsize=256)
def _lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def ignored_rules(location: Location) -> frozenset[str]:
    """Rule ids named by ignore directives in the comment lines just above `location`."""
    if not location.line:
        return frozenset()
    lines = _lines(location.file)
    found: set[str] = set()
    n = location.line - 2  # index of the line above
    while 0 <= n < len(lines):
        text = lines[n].strip()
        if not text.startswith("--"):
            break
        m = _DIRECTIVE.search(text[2:])
        if m:
            found.update(r for r in re.split(r"[\s,]+", m.group(1).split("--")[0].strip()) if r)
        n -= 1
    return frozenset(found)


def clear_cache() -> None:
    _lines.cache_clear()
