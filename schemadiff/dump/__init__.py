"""dump: a live database's schema as declarative files a person would maintain.

The introspector's statements (introspect/catalog.py live_schema_sql) are split,
grouped by the object they belong to (a table with its partitions, sequences,
constraints, indexes, triggers, policies, comments and grants), laid out in
files by schema or by table, reformatted (format.py) and written in a stable
order.  Planning the written files against the same database prints nothing.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Callable

from pglast import ast
from pglast.enums import AlterTableType

from ..errors import ConfigError
from ..model import QualifiedName
from .format import fold_constraints, render, simplify
from .statements import (DEFAULT_PRIVILEGES, EXTENSION, FUNCTION, GROUP_ORDER, OTHER, SCHEMA, SEQUENCE, TABLE,
                         TYPE, VIEW, Item, _Index, classify, split)

LAYOUTS = ("schema", "table")
_SCHEMA_LAYOUT_FILES = {EXTENSION: "extensions.sql", TYPE: "types.sql", FUNCTION: "functions.sql",
                        DEFAULT_PRIVILEGES: "default_privileges.sql", OTHER: "other.sql"}
_TABLE_LAYOUT_FILES = {SCHEMA: "schemas.sql", SEQUENCE: "sequences.sql", VIEW: "views.sql", **_SCHEMA_LAYOUT_FILES}


def _safe(name: str) -> str:
    """A file name for an object name: lowercase letters, digits and _ as they are; anything else
    is folded to that and gets a short hash of the name, so that "Order" and order never collide
    (not even on a case-insensitive file system)."""
    clean = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    if clean != name or not clean:
        clean = f"{clean or 'x'}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
    return clean


def _schema_of(it: Item) -> str:
    return it.owner if it.kind == SCHEMA else it.owner.schema


def _bookkeeping(it: Item) -> bool:
    """schemadiff's own schema (schemadiff.history, schemadiff.data_steps) and what is in it."""
    owner = it.owner
    return (owner == "schemadiff" if it.kind == SCHEMA
            else isinstance(owner, QualifiedName) and owner.schema == "schemadiff")


def _file_of(it: Item, layout: str) -> str:
    if layout == "table":
        if it.kind == TABLE:
            return f"{_safe(it.owner.schema)}/{_safe(it.owner.name)}.sql"
        return _TABLE_LAYOUT_FILES[it.kind]
    if it.kind in _SCHEMA_LAYOUT_FILES:
        return _SCHEMA_LAYOUT_FILES[it.kind]
    name = _safe(_schema_of(it))
    if f"{name}.sql" in _SCHEMA_LAYOUT_FILES.values():
        name += "_schema"
    return f"{name}.sql"


_ROW_SECURITY = {AlterTableType.AT_EnableRowSecurity, AlterTableType.AT_ForceRowSecurity}


def _duplicate_key(it: Item):
    n = it.node
    if isinstance(n, ast.AlterTableStmt) and n.cmds and {c.subtype for c in n.cmds} <= _ROW_SECURITY:
        return ("row security", it.subject, tuple(sorted(c.subtype for c in n.cmds)))
    return it.order


def _kept(it: Item, keep: Callable[[QualifiedName], bool]) -> bool:
    for qn in (it.subject, it.owner):
        if isinstance(qn, QualifiedName) and not keep(qn):
            return False
    return True


def dump_files(statements: list[str], layout: str = "schema",
               keep: Callable[[QualifiedName], bool] = lambda qn: True) -> dict[str, str]:
    """Introspector statements -> {relative file path: SQL text}, in a stable order."""
    if layout not in LAYOUTS:
        raise ConfigError(f"unknown dump layout {layout!r} (one of {', '.join(LAYOUTS)})")
    items = classify(split(statements))
    inheritance_parents = _Index(items).children_of
    # schemadiff's own bookkeeping (schemadiff.history, schemadiff.data_steps) is not the user's schema.
    items = [it for it in items if _kept(it, keep) and not _bookkeeping(it)]
    groups: dict[tuple, list[Item]] = {}
    for it in items:
        groups.setdefault((it.kind, str(it.owner)), []).append(it)
    first = {key: min((it.order for it in g if it.subject is None or it.subject == it.owner),
                      default=min(it.order for it in g)) for key, g in groups.items()}
    files: dict[str, list[str]] = {}
    for key in sorted(groups, key=lambda k: (GROUP_ORDER.index(k[0]), first[k])):
        group = sorted(groups[key], key=lambda it: (it.rank, it.order))
        if key[0] == TABLE:
            group = fold_constraints(group, inheritance_parents)
        seen: set = set()
        rendered = []
        for it in group:
            key = _duplicate_key(it)
            if key in seen:  # row security is stated by two introspector queries
                continue
            seen.add(key)
            simplify(it)
            rendered.append(render(it))
        files.setdefault(_file_of(group[0], layout), []).append("\n\n".join(rendered))
    return {path: "\n\n".join(blocks) + "\n" for path, blocks in sorted(files.items())}


def write_dump(files: dict[str, str], out_dir: Path, force: bool = False) -> list[Path]:
    """Write the files under out_dir; existing *.sql files there are refused unless force (then removed)."""
    out_dir = Path(out_dir)
    existing = sorted(out_dir.rglob("*.sql")) if out_dir.exists() else []
    if existing and not force:
        raise ConfigError(f"{out_dir} already holds .sql files ({existing[0].name}, ...): "
                          "pass --force to replace them")
    for old in existing:
        old.unlink()
    written = []
    for rel, text in files.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def dump_database(dsn: str, out_dir: Path, layout: str = "schema",
                  keep: Callable[[QualifiedName], bool] = lambda qn: True, force: bool = False) -> list[Path]:
    from ..connect import connect
    from ..introspect.catalog import live_schema_sql
    with connect(dsn) as conn:
        statements = live_schema_sql(conn)
    return write_dump(dump_files(statements, layout, keep), out_dir, force)


__all__ = ["LAYOUTS", "dump_database", "dump_files", "write_dump"]
