"""Rename hints in the schema files: which object a `renamed from` comment is on.

    CREATE TABLE customers (           -- schemadiff: renamed from clients
        id bigint PRIMARY KEY,
        display_name text              -- @renamed from=full_name   (sqldef's spelling)
    );

Why comments: the files say what the schema is, and a rename is the one change that a
declaration alone cannot tell from a drop and an add. A comment keeps the files plain SQL
that any tool still runs, and it can stay after the rename is applied (diff/renames.py).

Where a hint belongs: after code on a line, to the member (column, constraint, enum label)
that code belongs to, or to the statement's object when no member has started yet (the
`CREATE TABLE x (` line); on a line of its own inside the statement, to the member on the next
line; before the statement or after its end on its last line, to the statement's object. The parser drops comments, so the scanner finds them.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from pglast import parser

from ..errors import Location, ParseError
from ..model import QualifiedName, RenameHint
from .nodes import strings, unwrap

# The cheap test a file passes before it is scanned for comments.
MARK = re.compile(r"renamed", re.I)
_HINT = re.compile(r"(?:schemadiff\s*:\s*renamed\s+from\s+|@renamed\s+from\s*=\s*)(\"(?:[^\"]|\"\")+\"|[^\s*/]+)",
                   re.I)


def hint_comments(text: str, name: str, slices: Sequence[slice]) -> list[tuple]:
    """For each statement slice of a file, its hint comments as (offset from the statement's
    start, old name, location): negative before the statement, past its end after it."""
    out: list[list] = [[] for _ in slices]
    if not slices or not MARK.search(text):
        return [()] * len(slices)
    from .source import _LineIndex
    lines = _LineIndex(text)
    for tok in parser.scan(text):
        if tok.name not in ("SQL_COMMENT", "C_COMMENT"):
            continue
        found = _HINT.search(text, tok.start, tok.end + 1)
        if found is None:
            continue
        where = Location(name, *lines.at(tok.start))
        k = next((i for i, s in enumerate(slices) if s.stop > tok.start), None)
        if k is not None and slices[k].start <= tok.start:
            owner = k  # inside the statement
        elif k is not None and (k == 0 or "\n" in text[slices[k - 1].stop:tok.start]):
            owner = k  # on the lines before it
        elif k is None and "\n" in text[slices[-1].stop:tok.start]:
            raise ParseError([(where, "rename hint after the last statement: put it on the object it renames")])
        else:
            owner = (k if k is not None else len(slices)) - 1  # after a statement's end, on its last line
        out[owner].append((tok.start - slices[owner].start, found.group(1), where))
    return [tuple(h) for h in out]


def _names(text: str) -> list[str]:
    """A (possibly dotted) name as the server folds it: quoted parts as written, bare ones in
    lower case; `"a.b"` is one name, `app.q` two."""
    parts = re.findall(r'"((?:[^"]|"")*)"|([^."]+)', text.rstrip(";,"))
    return [quoted.replace('""', '"') if quoted or not bare else bare.lower() for quoted, bare in parts]


def note_hints(builder, stmt, ctx) -> None:
    """Record the statement's hints on the builder (see Builder.rename_hints)."""
    body = stmt.body
    members = _members(stmt, body, builder, ctx)
    whole = _statement_object(stmt.kind, body, builder, ctx)
    for offset, text, where in stmt.hints:
        found = _member_at(stmt.text, offset, members) or whole
        *qualifier, old = _names(text)
        if found is None:
            builder.problems.append((where, "rename hint on a statement that declares nothing renamable: put it "
                                            "on the CREATE of the table, column, index, constraint, view, "
                                            "function, type, schema or sequence, or on an enum label"))
            continue
        kind, path = found
        if qualifier:  # schema.name: the same schema only (a hint renames, it does not move)
            if len(path) == 3 or qualifier[-1] != path[0]:
                builder.problems.append((where, f"rename hint from {text}: an object is renamed within its "
                                                f"{'table or type' if len(path) == 3 else 'schema'}; "
                                                f"moving it is not a rename"))
                continue
        builder.rename_hints.append(RenameHint(kind, path, old, where))


def _member_at(text: str, offset: int, members: list[tuple[int, str, tuple]]):
    """The member the comment at `offset` is on (see the module's docstring); None: the statement's."""
    if offset < 0:
        return None
    if offset >= len(text):  # after the statement's end, on its last line
        last_line = text.rfind("\n") + 1
        if last_line == 0:
            return None  # a statement on one line: the comment is on the statement's object
        offset = len(text)
    line_start = text.rfind("\n", 0, offset) + 1
    if text[line_start:offset].strip():  # code before it on its line: the member that code is part of
        before = [m for m in members if m[0] < offset]
        return before[-1][1:] if before else None
    after = [m for m in members if m[0] > offset]
    if after:
        between = text[offset:after[0][0]]
        gap = between[between.find("\n"):] if "\n" in between else "x"
        if not any(t.name not in ("SQL_COMMENT", "C_COMMENT") for t in parser.scan(gap)):
            return after[0][1:]
    return None


def _members(stmt, body: dict, builder, ctx) -> list[tuple[int, str, tuple]]:
    """(offset, kind, path) of each column, constraint or enum label the statement declares."""
    out: list[tuple[int, str, tuple]] = []
    if stmt.kind in ("CreateStmt", "AlterTableStmt"):
        table = builder.qualify(body["relation"], ctx, builder.relations)
        elements = body.get("tableElts") or [unwrap(c)[1].get("def") for c in body.get("cmds") or ()]
        for element in elements:
            kind, node = unwrap(element)
            if kind == "ColumnDef":
                out.append((node.get("location", -1), "column", (*table, node["colname"])))
            elif kind == "Constraint" and node.get("conname"):
                out.append((node.get("location", -1), "constraint", (*table, node["conname"])))
    elif stmt.kind == "CreateEnumStmt":
        qn = builder.qualify_names(strings(body["typeName"]), ctx)
        labels = [t.start for t in parser.scan(stmt.text) if t.name == "SCONST"]
        out.extend((at, "enum_value", (*qn, label)) for at, label in zip(labels, strings(body.get("vals"))))
    return sorted(m for m in out if m[0] >= 0)


def _statement_object(kind: str, body: dict, builder, ctx) -> tuple[str, tuple] | None:
    if kind == "CreateStmt":
        return "table", tuple(builder.qualify(body["relation"], ctx))
    if kind == "ViewStmt":
        return "view", tuple(builder.qualify(body["view"], ctx))
    if kind == "CreateTableAsStmt" and body.get("objtype") == "OBJECT_MATVIEW":
        return "view", tuple(builder.qualify(body["into"]["rel"], ctx))
    if kind == "CreateSeqStmt":
        return "sequence", tuple(builder.qualify(body["sequence"], ctx))
    if kind == "IndexStmt" and body.get("idxname"):
        table = builder.qualify(body["relation"], ctx, builder.relations)
        return "index", (table.schema, body["idxname"])
    if kind == "CreateSchemaStmt":
        return "schema", (body["schemaname"],)
    if kind == "CreateFunctionStmt":
        return "function", tuple(builder.qualify_names(strings(body["funcname"]), ctx))
    if kind in ("CreateEnumStmt", "CreateDomainStmt", "CreateRangeStmt"):
        names = strings(body.get("typeName") if kind != "CreateDomainStmt" else body.get("domainname"))
        return "type", tuple(builder.qualify_names(names, ctx))
    if kind == "CompositeTypeStmt":
        return "type", tuple(builder.qualify(body["typevar"], ctx))
    if kind == "AlterTableStmt":  # ALTER TABLE t ADD COLUMN / ADD CONSTRAINT: the one thing it adds
        cmds: Sequence[dict] = body.get("cmds") or ()
        if len(cmds) == 1:
            what, node = unwrap(unwrap(cmds[0])[1].get("def"))
            table = tuple(builder.qualify(body["relation"], ctx, builder.relations))
            if what == "ColumnDef":
                return "column", (*table, node["colname"])
            if what == "Constraint" and node.get("conname"):
                return "constraint", (*table, node["conname"])
    return None


def live_hints(hints: list[RenameHint], catalog) -> tuple[RenameHint, ...]:
    """The hints whose object the files still declare at the end (a later DROP leaves it inert)."""
    def declared(h: RenameHint) -> bool:
        qn = QualifiedName(*h.path[:2]) if len(h.path) > 1 else None
        if h.kind == "schema":
            return h.path[0] in catalog.schemas
        if h.kind == "table":
            return qn in catalog.tables
        if h.kind == "view":
            return qn in catalog.views
        if h.kind == "sequence":
            return qn in catalog.sequences
        if h.kind == "type":
            return qn in catalog.types()
        if h.kind == "index":
            return qn in catalog.indexes
        if h.kind == "function":
            return any(f.qualified == qn for f in catalog.functions)
        if h.kind == "column":
            t = catalog.tables.get(qn)
            return t is not None and t.column(h.path[2]) is not None
        if h.kind == "constraint":
            t = catalog.tables.get(qn)
            return t is not None and any(c.name == h.path[2] for c in t.constraints)
        if h.kind == "enum_value":
            e = catalog.enums.get(qn)
            return e is not None and h.path[2] in e.labels
        return False
    first: dict[tuple, RenameHint] = {}
    for h in hints:  # one hint per object: the first in file order (a second one is a leftover)
        first.setdefault((h.kind, h.path), h)
    return tuple(sorted((h for h in first.values() if declared(h)), key=lambda h: (h.kind, h.path)))
