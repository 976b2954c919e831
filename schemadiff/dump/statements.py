"""The introspector's statements -> items that know which object they belong to.

Why classify parsed statements and not catalog objects: the introspector's text
is exactly what the parser reads back (the round trip is proven there), so the
dump only regroups and reformats that text, never writes DDL of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pglast
from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from ..errors import IntrospectError
from ..model import QualifiedName

# Group kinds, in the order groups appear in a file.
SCHEMA, EXTENSION, TYPE, SEQUENCE, TABLE, VIEW, FUNCTION, DEFAULT_PRIVILEGES, OTHER = (
    "schema", "extension", "type", "sequence", "table", "view", "function", "default_privileges", "other")
GROUP_ORDER = (SCHEMA, EXTENSION, TYPE, SEQUENCE, TABLE, VIEW, FUNCTION, DEFAULT_PRIVILEGES, OTHER)


@dataclass
class Item:
    order: int  # position in the introspector's output
    node: Any  # the pglast statement node
    text: str  # the statement as the introspector wrote it (without ';')
    kind: str = ""  # group kind (GROUP_ORDER)
    owner: Any = None  # the group's object: QualifiedName, schema name, extension name, ...
    subject: QualifiedName | None = None  # the relation or type the statement is about (for --exclude)
    rank: int = 50  # position within the group


def split(statements: list[str]) -> list[Item]:
    """One Item per statement (the introspector sometimes joins two in one string)."""
    items: list[Item] = []
    for chunk in statements:
        try:
            parsed = pglast.parse_sql(chunk)
        except pglast.parser.ParseError as exc:
            raise IntrospectError(f"cannot parse the introspector's statement {chunk[:200]!r}: {exc}") from None
        for raw in parsed:
            data = chunk.encode()
            start = raw.stmt_location or 0
            length = raw.stmt_len or (len(data) - start)
            text = data[start:start + length].decode().strip().rstrip(";").strip()
            items.append(Item(len(items), raw.stmt, text))
    return items


def _qn(rv) -> QualifiedName:
    return QualifiedName(rv.schemaname or "public", rv.relname)


def _names(names) -> QualifiedName:
    parts = [n.sval for n in names]
    return QualifiedName(parts[-2] if len(parts) > 1 else "public", parts[-1])


class _Index:
    """What statements refer to by name: partitions' parents, indexes' tables, sequences' owners."""

    def __init__(self, items: list[Item]):
        self.parent: dict[QualifiedName, QualifiedName] = {}
        self.tables: set[QualifiedName] = set()
        self.views: set[QualifiedName] = set()
        self.index_table: dict[QualifiedName, QualifiedName] = {}
        self.sequence_owner: dict[QualifiedName, QualifiedName] = {}
        self.children_of: set[QualifiedName] = set()  # tables with inheritance children
        for it in items:
            n = it.node
            if isinstance(n, ast.CreateStmt):
                qn = _qn(n.relation)
                self.tables.add(qn)
                if n.partbound is not None and n.inhRelations:
                    self.parent[qn] = _qn(n.inhRelations[0])
                elif n.inhRelations:
                    self.children_of.update(_qn(p) for p in n.inhRelations)
            elif isinstance(n, ast.ViewStmt):
                self.views.add(_qn(n.view))
            elif isinstance(n, ast.CreateTableAsStmt):
                assert n.into is not None  # CREATE MATERIALIZED VIEW / TABLE AS names its relation
                self.views.add(_qn(n.into.rel))
            elif isinstance(n, ast.IndexStmt) and n.idxname:
                rel = _qn(n.relation)
                self.index_table[QualifiedName(rel.schema, n.idxname)] = rel
            elif isinstance(n, ast.AlterTableStmt) and n.objtype == ObjectType.OBJECT_TABLE:
                rel = _qn(n.relation)
                for cmd in n.cmds or ():
                    if cmd.subtype == AlterTableType.AT_AddConstraint and cmd.def_.conname:
                        self.index_table.setdefault(QualifiedName(rel.schema, cmd.def_.conname), rel)
            elif isinstance(n, ast.AlterSeqStmt):
                for opt in n.options or ():
                    if opt.defname == "owned_by":
                        names = [s.sval for s in opt.arg]
                        if names != ["none"]:
                            self.sequence_owner[_qn(n.sequence)] = _names(opt.arg[:-1])

    def root(self, qn: QualifiedName) -> QualifiedName:
        seen = set()
        while qn in self.parent and qn not in seen:
            seen.add(qn)
            qn = self.parent[qn]
        return qn

    def relation_group(self, qn: QualifiedName) -> tuple[str, QualifiedName]:
        if qn in self.views:
            return VIEW, qn
        if qn in self.tables:
            return TABLE, self.root(qn)
        if qn in self.sequence_owner:
            return TABLE, self.root(self.sequence_owner[qn])
        return SEQUENCE, qn


# Ranks inside a table's group: sequences, the table, its partitions, column settings and
# ownership, keys and checks, indexes, foreign keys, table settings, triggers, policies,
# comments, grants.
_R_SEQ, _R_TABLE, _R_PARTITION, _R_COLUMNS, _R_KEYS, _R_INDEX, _R_ATTACH, _R_FK, _R_SETTINGS, _R_TRIGGER, \
    _R_POLICY, _R_COMMENT, _R_GRANT = range(13)


def classify(items: list[Item]) -> list[Item]:
    """Fill in kind, owner, subject and rank of every item."""
    idx = _Index(items)
    for it in items:
        _classify(it, idx)
    return items


def _classify(it: Item, idx: _Index) -> None:  # noqa: C901 - one branch per statement kind
    n = it.node
    if isinstance(n, ast.CreateSchemaStmt):
        it.kind, it.owner, it.rank = SCHEMA, n.schemaname, 0
    elif isinstance(n, ast.CreateExtensionStmt):
        it.kind, it.owner, it.rank = EXTENSION, n.extname, 0
    elif isinstance(n, ast.AlterExtensionStmt):
        it.kind, it.owner, it.rank = EXTENSION, n.extname, 1
    elif isinstance(n, (ast.CreateEnumStmt, ast.CreateRangeStmt)):
        it.kind, it.owner, it.rank = TYPE, _names(n.typeName), 0
    elif isinstance(n, ast.CreateDomainStmt):
        it.kind, it.owner, it.rank = TYPE, _names(n.domainname), 0
    elif isinstance(n, ast.CompositeTypeStmt):
        it.kind, it.owner, it.rank = TYPE, _qn(n.typevar), 0
    elif isinstance(n, ast.CreateSeqStmt):
        qn = _qn(n.sequence)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject, it.rank = qn, _R_SEQ
    elif isinstance(n, ast.AlterSeqStmt):
        qn = _qn(n.sequence)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject, it.rank = qn, _R_COLUMNS
    elif isinstance(n, ast.CreateStmt):
        qn = _qn(n.relation)
        it.kind, it.owner, it.subject = TABLE, idx.root(qn), qn
        it.rank = _R_PARTITION if n.partbound is not None else _R_TABLE
    elif isinstance(n, (ast.ViewStmt, ast.CreateTableAsStmt)):
        if isinstance(n, ast.ViewStmt):
            qn = _qn(n.view)
        else:
            assert n.into is not None  # CREATE MATERIALIZED VIEW / TABLE AS names its relation
            qn = _qn(n.into.rel)
        it.kind, it.owner, it.subject, it.rank = VIEW, qn, qn, 0
    elif isinstance(n, ast.CreateFunctionStmt):
        it.kind, it.owner, it.rank = FUNCTION, _names(n.funcname), 0
    elif isinstance(n, ast.DefineStmt) and n.kind == ObjectType.OBJECT_AGGREGATE:
        it.kind, it.owner, it.rank = FUNCTION, _names(n.defnames), 0
    elif isinstance(n, ast.IndexStmt):
        qn = _qn(n.relation)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject, it.rank = qn, _R_INDEX
    elif isinstance(n, ast.AlterTableStmt):
        qn = _qn(n.relation)
        if n.objtype == ObjectType.OBJECT_INDEX:
            qn = idx.index_table.get(qn, qn)
            it.rank = _R_ATTACH
        else:
            it.rank = _alter_rank(n)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject = qn
    elif isinstance(n, ast.CreateTrigStmt):
        qn = _qn(n.relation)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject, it.rank = qn, _R_TRIGGER
    elif isinstance(n, ast.CreatePolicyStmt):
        qn = _qn(n.table)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject, it.rank = qn, _R_POLICY
    elif isinstance(n, ast.CommentStmt):
        _comment(it, idx)
    elif isinstance(n, ast.GrantStmt):
        _grant(it, idx)
    elif isinstance(n, ast.AlterOwnerStmt):
        _owner(it, idx)
    elif isinstance(n, ast.AlterDefaultPrivilegesStmt):
        it.kind, it.owner, it.rank = DEFAULT_PRIVILEGES, "", 0
    else:  # not produced by the introspector today; kept, in a file of its own
        it.kind, it.owner, it.rank = OTHER, "", 0


def _alter_rank(n) -> int:
    subtypes = {c.subtype for c in n.cmds or ()}
    if subtypes == {AlterTableType.AT_AddConstraint}:
        con = n.cmds[0].def_
        return _R_FK if con.contype == ConstrType.CONSTR_FOREIGN else _R_KEYS
    if subtypes <= {AlterTableType.AT_EnableTrig, AlterTableType.AT_DisableTrig, AlterTableType.AT_EnableAlwaysTrig,
                    AlterTableType.AT_EnableReplicaTrig}:
        return _R_TRIGGER
    if AlterTableType.AT_ValidateConstraint in subtypes:
        return _R_KEYS
    if subtypes & {AlterTableType.AT_ColumnDefault, AlterTableType.AT_SetNotNull, AlterTableType.AT_DropNotNull,
                   AlterTableType.AT_SetStorage, AlterTableType.AT_SetCompression, AlterTableType.AT_SetOptions,
                   AlterTableType.AT_SetStatistics}:
        return _R_COLUMNS
    return _R_SETTINGS


_ROUTINES = (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE, ObjectType.OBJECT_ROUTINE,
             ObjectType.OBJECT_AGGREGATE)
_RELATION_COMMENTS = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW,
                      ObjectType.OBJECT_SEQUENCE, ObjectType.OBJECT_FOREIGN_TABLE}


def _comment(it: Item, idx: _Index) -> None:
    n = it.node
    t, obj = n.objtype, n.object
    it.rank = _R_COMMENT
    if t == ObjectType.OBJECT_SCHEMA:
        it.kind, it.owner, it.rank = SCHEMA, obj.sval, 1
    elif t == ObjectType.OBJECT_EXTENSION:
        it.kind, it.owner, it.rank = EXTENSION, obj.sval, 1
    elif t in (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN):
        it.kind, it.owner, it.rank = TYPE, _names(obj.names), 1
    elif t in _ROUTINES:
        it.kind, it.owner, it.rank = FUNCTION, _names(obj.objname), 1
    elif t in _RELATION_COMMENTS:
        qn = _names(obj)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject = qn
    elif t == ObjectType.OBJECT_INDEX:
        qn = _names(obj)
        table = idx.index_table.get(qn, qn)
        it.kind, it.owner = idx.relation_group(table)
        it.subject = table
    else:  # column, constraint, trigger, policy: the relation is all but the last name
        qn = _names(obj[:-1])
        it.kind, it.owner = idx.relation_group(qn)
        it.subject = qn


def _owner(it: Item, idx: _Index) -> None:
    """ALTER SCHEMA / ROUTINE / TYPE / DOMAIN ... OWNER TO goes with its object, after its grants."""
    _with_object(it, it.node.objectType, it.node.object, 3)


def _grant(it: Item, idx: _Index) -> None:
    n = it.node
    obj = n.objects[0] if n.objects else None
    it.rank = _R_GRANT
    if n.objtype in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_SEQUENCE):
        qn = _qn(obj)
        it.kind, it.owner = idx.relation_group(qn)
        it.subject = qn
    else:
        _with_object(it, n.objtype, obj, 2)


def _with_object(it: Item, objtype, obj, rank: int) -> None:
    """A statement about a schema, routine or type: in its object's group, at `rank`."""
    if objtype == ObjectType.OBJECT_SCHEMA:
        it.kind, it.owner, it.rank = SCHEMA, obj.sval, rank
    elif objtype in _ROUTINES:
        it.kind, it.owner, it.rank = FUNCTION, _names(obj.objname), rank
    elif objtype in (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN):
        it.kind, it.owner, it.rank = TYPE, _names(obj), rank
    else:
        it.kind, it.owner, it.rank = OTHER, "", 0
