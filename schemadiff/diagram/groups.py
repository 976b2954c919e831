"""Which group (domain) each table or view belongs to.

Two sources, both declared by the user:

* a `-- group: NAME` comment line in a schema file puts the tables and views
  declared after it in that file into NAME (an empty `-- group:` ends it);
* `[tool.schemadiff.groups]` in pyproject.toml maps a group to patterns
  (`analytics = ["public.user_progress", "public.content_*"]`; a pattern
  without a dot matches the name in any schema).  The first group, in file
  order, with a matching pattern wins, and the configuration wins over the
  markers, so it can regroup without touching the SQL.

Why read the files again: a comment is not part of the schema, so the model
does not keep it; every object keeps its origin (file and line) instead.
"""
from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..model import Catalog, QualifiedName
from . import _kinds

_MARKER = re.compile(r"^\s*--\s*group:\s*(.*?)\s*$", re.IGNORECASE)


def read_markers(path: Path) -> list[tuple[int, str | None]]:
    """(line, group) of every `-- group:` line of a file; None ends a group."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for number, line in enumerate(lines, start=1):
        m = _MARKER.match(line)
        if m:
            found.append((number, m.group(1) or None))
    return found


def marker_groups(objects: Iterable[tuple[QualifiedName, Any]]) -> dict[QualifiedName, str]:
    """Groups from `-- group:` markers for objects that came from .sql files."""
    cache: dict[str, tuple[list[int], list[str | None]]] = {}
    result: dict[QualifiedName, str] = {}
    for qn, obj in objects:
        origin = getattr(obj, "origin", None)
        file = getattr(origin, "file", None)
        line = getattr(origin, "line", 0)
        if not file or not line or not str(file).endswith(".sql"):
            continue
        if file not in cache:
            markers = read_markers(Path(file))
            cache[file] = ([n for n, _ in markers], [g for _, g in markers])
        lines, names = cache[file]
        i = bisect.bisect_right(lines, line) - 1
        if i >= 0 and (name := names[i]) is not None:
            result[qn] = name
    return result


def matches(qn: QualifiedName, pattern: str) -> bool:
    """'schema.name' globs match the qualified name; a pattern without a dot matches the name."""
    if "." in pattern:
        return fnmatch.fnmatchcase(f"{qn.schema}.{qn.name}", pattern)
    return fnmatch.fnmatchcase(qn.name, pattern)


def config_groups(names: Iterable[QualifiedName], mapping: Mapping[str, Iterable[str]]) -> dict[QualifiedName, str]:
    result: dict[QualifiedName, str] = {}
    for qn in names:
        for group, patterns in mapping.items():
            if any(matches(qn, p) for p in patterns):
                result[qn] = group
                break
    return result


def resolve_groups(catalog: Catalog, configured: Mapping[str, Iterable[str]] | None = None) -> dict[QualifiedName, str]:
    """Group of every table and view that has one (partitions are left to their parent)."""
    objects = [(qn, t) for qn, t in catalog.tables.items() if t.partition_of is None]
    objects += list(_kinds.views(catalog).items())
    result = marker_groups(objects)
    result.update(config_groups([qn for qn, _ in objects], configured or {}))
    return dict(sorted(result.items()))
