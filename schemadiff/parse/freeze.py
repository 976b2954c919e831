"""Drafts -> the immutable model: fill in what the server fills in, canonicalize expressions."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import replace
from typing import Any

from ..errors import Location, ParseError
from ..model import (Catalog, Column, Constraint, EnumType, Expr, Extension, Index, ObjectRef, QualifiedName,
                     Schema, Sequence, SequenceOptions, Table, View, ref)
from ..model.exprs import canonical, make_expr
from .builder import Builder
from .freeze_programs import freeze_programs
from .views import ViewNormalizer
from .drafts import ColumnDraft, ConstraintDraft, IndexDraft, SequenceDraft, TableDraft
from .handlers import _reloptions
from .nodes import strings, unwrap
from .partitions import Settled, key_kind
from .opclasses import resolve_opclass

_TYPE_RANGE = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
               "bigint": (-9223372036854775808, 9223372036854775807)}
_CONTYPE = {"CONSTR_PRIMARY": "p", "CONSTR_UNIQUE": "u", "CONSTR_CHECK": "c", "CONSTR_FOREIGN": "f",
            "CONSTR_EXCLUSION": "x"}
# Keys that say nothing about what a constraint is.
_CONSTRAINT_NOISE = {"conname", "location", "initially_valid", "skip_validation", "indexspace",
                     "cooked_expr", "old_pktable_oid", "fk_del_set_cols_len"}


def sequence_options(opts: dict[str, Any], default_type: str = "bigint") -> SequenceOptions:
    """SequenceOptions with the server's defaults for whatever was not given."""
    data_type = opts.get("as") or default_type
    lo, hi = _TYPE_RANGE.get(data_type, _TYPE_RANGE["bigint"])
    inc = int(opts.get("increment") or 1)
    minv = opts.get("minvalue")
    maxv = opts.get("maxvalue")
    minv = int(minv) if minv is not None else (1 if inc > 0 else lo)
    maxv = int(maxv) if maxv is not None else (hi if inc > 0 else -1)
    start = opts.get("start")
    start = int(start) if start is not None else (minv if inc > 0 else maxv)
    return SequenceOptions(data_type, inc, minv, maxv, start, int(opts.get("cache") or 1), bool(opts.get("cycle")))


def _is_null(node: dict | None, type_text: str = "") -> bool:
    """A NULL default the server does not store.  It keeps one that is not a bare NULL once
    coerced: to a type with a modifier (varchar(16): NULL::character varying) or through a
    chain of casts ((NULL::text)::integer)."""
    casts = 0
    while node and "TypeCast" in node:
        node = node["TypeCast"].get("arg")
        casts += 1
    if casts > 1 or "(" in type_text:
        return False
    return node is not None and "A_Const" in node and bool(node["A_Const"].get("isnull"))


def freeze(b: Builder) -> Catalog:
    problems: list[tuple[Location, str]] = []
    schemas = {n: Schema(n, comment, loc) for n, (loc, comment) in b.schemas.items()}
    for qn in list(b.tables) + list(b.sequences) + list(b.enums) + list(b.indexes):
        if qn.schema not in schemas and qn.schema not in ("public", "pg_catalog"):
            obj = b.tables.get(qn) or b.sequences.get(qn) or b.indexes.get(qn)
            loc = obj.origin if obj is not None else b.enums[qn]["origin"]
            problems.append((loc, f"schema {qn.schema} is declared nowhere"))
    extensions = {n: Extension(n, schema or "public", comment, loc, b.extension_versions.get(n))
                  for n, (loc, schema, comment) in b.extensions.items()}
    enums = {qn: EnumType(qn, tuple(e["labels"]), e["comment"], e["origin"]) for qn, e in b.enums.items()}
    sequences = {qn: _sequence(s, b) for qn, s in b.sequences.items()}
    settled = Settled(b)
    tables = {}
    for qn, t in b.tables.items():
        try:
            tables[qn] = _table(t, b, settled)
        except ParseError as exc:
            problems.extend(exc.problems)
    extension_schemas = _extension_schemas(b)
    indexes = {qn: _index(i, settled, extension_schemas) for qn, i in b.indexes.items()
               if qn not in settled.implied}
    shaper = _ViewShaper(b)
    views = _views(b, shaper)
    programs = freeze_programs(b, shaper.columns_of)
    for s in sequences.values():
        if s.owned_by and (s.owned_by[0] not in b.tables or s.owned_by[1] not in b.tables[s.owned_by[0]].columns):
            problems.append((s.origin, f"sequence {s.name.display} is owned by {s.owned_by[0].display}."
                                       f"{s.owned_by[1]}, which is declared nowhere"))
    if not extensions:  # an extension may bring types of its own: then nothing can be checked
        problems.extend(_unknown_types(tables, programs, set(enums) | set(tables) | set(views)))
    if problems:
        raise ParseError(problems)
    return Catalog(schemas, extensions, enums, sequences, tables, indexes, views, **programs)


def _unknown_types(tables, programs, known_names) -> list[tuple[Location, str]]:
    """Columns, domains and composite attributes of types declared nowhere."""
    from ..model.types import BUILTIN_TYPES, base_name, type_schema
    known = set(known_names) | set(programs["domains"]) | set(programs["composites"]) | set(programs["ranges"])

    def unknown(type_text: str) -> bool:
        name = base_name(type_text)
        if name in BUILTIN_TYPES or name.strip('"') in BUILTIN_TYPES:
            return False
        qn = type_schema(name)
        return qn is None or QualifiedName(*qn) not in known

    out = []
    for t in tables.values():
        for c in t.columns:
            if unknown(c.type):
                out.append((c.origin, f"column {t.name.display}.{c.name}: type {c.type} is declared nowhere"))
    for d in programs["domains"].values():
        if unknown(d.base_type):
            out.append((d.origin, f"domain {d.name.display}: type {d.base_type} is declared nowhere"))
    for ct in programs["composites"].values():
        for name, type_text, _ in ct.attributes:
            if unknown(type_text):
                out.append((ct.origin, f"type {ct.name.display}.{name}: type {type_text} is declared nowhere"))
    return out


def _sequence(s: SequenceDraft, b: Builder) -> Sequence:
    unlogged = s.unlogged
    if s.made_by_serial and s.owned_by is not None and s.owned_by[0] in b.tables:
        unlogged = unlogged or b.tables[s.owned_by[0]].unlogged  # CREATE UNLOGGED TABLE t (id serial)
    return Sequence(s.name, sequence_options(s.options), s.owned_by, unlogged, s.comment, s.origin)


def _column(c: ColumnDraft, table: str) -> Column:
    default = None if c.default is None or _is_null(c.default, c.type) else make_expr(c.default, type_hint=c.type)
    identity_options = None
    if c.identity:
        identity_options = sequence_options(c.identity_options or {}, c.type if c.type in _TYPE_RANGE else "bigint")
    generated = make_expr(c.generated) if c.generated is not None else None
    return Column(c.name, c.type, c.not_null, default, c.identity, identity_options, generated, c.collation,
                  c.comment, c.origin, c.generated_kind, c.storage, c.compression, c.statistics, tuple(c.options),
                  _not_null_name(c, table))


def _not_null_name(c: ColumnDraft, table: str) -> str | None:
    """The NOT NULL's name, None when it is the one the server would choose."""
    from .naming import make_object_name
    if not c.not_null or c.not_null_name is None or c.not_null_name == make_object_name(table, c.name, "not_null"):
        return None
    return c.not_null_name


def _table(t: TableDraft, b: Builder, settled: Settled) -> Table:
    constraints = tuple(_constraint(t, c, b, settled) for _, c in sorted(t.constraints.items())
                        if QualifiedName(t.name.schema, c.name) not in settled.implied or key_kind(c) is None)
    partition_by = None
    if t.partition_by is not None:
        partition_by = Expr(canonical(t.partition_by), t.partition_by)
    bound = None
    if t.partition_bound is not None:
        spec = t.partition_bound["PartitionBoundSpec"]
        if spec.get("strategy") == "h":  # the parser leaves out a zero remainder
            spec.setdefault("remainder", 0)
        bound = Expr(canonical(_normalize_bound(t.partition_bound)), t.partition_bound)
    columns = tuple(_column(_with_inherited_not_null(c, t, b), t.name.name) for c in t.columns.values())
    return Table(t.name, columns, constraints, partition_by,
                 t.partition_of, bound, tuple(t.inherits), t.unlogged, tuple(t.options), t.comment, t.origin,
                 t.rls_enabled, t.rls_forced, t.replica_identity, t.cluster_on, t.access_method,
                 _partition_not_null(t, b))


def _with_inherited_not_null(c: ColumnDraft, t: TableDraft, b: Builder) -> ColumnDraft:
    """A column merged with an ancestor's NOT NULL column is NOT NULL too (the server ORs them),
    under the ancestor's constraint name when the child states none (PostgreSQL 18)."""
    if c.not_null or not t.inherits:
        return c
    name = _ancestor_not_null(c.name, t.inherits, b, set())
    if name is None:
        return c
    return replace(c, not_null=True, not_null_name=name)


def _ancestor_not_null(column: str, parents: list[QualifiedName], b: Builder, seen: set) -> str | None:
    """The name of the first ancestor's NOT NULL on `column`, in the order the server merges them."""
    from .naming import make_object_name
    for qn in parents:
        parent = b.tables.get(qn)
        if parent is None or qn in seen:
            continue
        seen.add(qn)
        col = parent.columns.get(column)
        if col is not None and col.not_null:
            return col.not_null_name or make_object_name(qn.name, column, "not_null")
        found = _ancestor_not_null(column, parent.inherits, b, seen)
        if found is not None:
            return found
    return None


def _partition_not_null(t: TableDraft, b: Builder) -> tuple[str, ...]:
    """The NOT NULL columns of a partition beyond those it has from its ancestors."""
    if t.partition_of is None:
        return ()
    inherited: set[str] = set()
    parent = b.tables.get(t.partition_of)
    while parent is not None:
        inherited |= {c.name for c in parent.columns.values() if c.not_null}
        inherited |= {n for n, c in parent.partition_columns.items() if c.not_null}
        parent = b.tables.get(parent.partition_of) if parent.partition_of is not None else None
    return tuple(sorted(n for n, c in t.partition_columns.items() if c.not_null and n not in inherited))


def _constraint(t: TableDraft, c: ConstraintDraft, b: Builder, settled: Settled) -> Constraint:
    node = {k: v for k, v in c.node.items() if k not in _CONSTRAINT_NOISE}
    kind = _CONTYPE[node["contype"]]
    ref_table: QualifiedName | None = None
    ref_columns: tuple[str, ...] = ()
    if kind == "f":
        ref_table = b.qualify(node["pktable"], _ConstraintContext(c, t), b.tables)
        ref_columns = tuple(strings(node.get("pk_attrs")))
        target = b.tables.get(ref_table)
        if target is None:
            raise ParseError([(c.origin, f"foreign key {c.name} references {ref_table.display}, "
                                         f"which is declared nowhere")])
        missing = [col for col in ref_columns if col not in _table_columns(b, target)]
        if missing:
            raise ParseError([(c.origin, f"foreign key {c.name} references {ref_table.display}"
                                         f"({', '.join(missing)}), which is declared nowhere")])
        if not ref_columns:
            ref_columns = _primary_key_columns(b, ref_table, c)
            node["pk_attrs"] = [{"String": {"sval": col}} for col in ref_columns]
        pktable = {"relname": ref_table.name, "schemaname": ref_table.schema, "inh": True, "relpersistence": "p"}
        node["pktable"] = pktable
    if kind == "x":
        node.setdefault("access_method", "btree")
        opclasses = _OpclassContext(node["access_method"], (t.name.schema, "public"), _extension_schemas(b))
        node["exclusions"] = [_exclusion_pair(p, opclasses) for p in node.get("exclusions", ())]
    key_node = dict(node)
    if kind == "f":
        key_node["pktable"] = str(ref_table)
    if "options" in key_node:
        key_node["options"] = _reloptions(key_node["options"])
    definition = Expr(kind + canonical({"Constraint": key_node}), {"Constraint": node})
    validated = not c.node.get("skip_validation") and c.node.get("initially_valid", True) is not False
    index_valid = kind not in ("p", "u", "x") or settled.valid(QualifiedName(t.name.schema, c.name))
    return Constraint(c.name, kind, definition, tuple(c.columns), ref_table, ref_columns, c.named, validated,
                      c.comment, c.index_comment, c.origin, c.parent if kind in ("p", "u", "x") else None,
                      index_valid)


def _table_columns(b: Builder, t: TableDraft) -> dict:
    while t.partition_of is not None and t.partition_of in b.tables:
        t = b.tables[t.partition_of]
    return t.columns


class _ConstraintContext:
    """Where a table's constraint resolves names: the table's schema, then public."""

    __slots__ = ("search_path", "schema", "location")

    def __init__(self, c: ConstraintDraft, t: TableDraft):
        self.search_path = (t.name.schema, "public")
        self.schema = t.name.schema
        self.location = c.origin


def _primary_key_columns(b: Builder, table: QualifiedName, c: ConstraintDraft) -> tuple[str, ...]:
    target = b.tables.get(table)
    if target is None:
        raise ParseError([(c.origin, f"foreign key {c.name} references {table.display}, which is declared nowhere")])
    for con in target.constraints.values():
        if con.node["contype"] == "CONSTR_PRIMARY":
            return tuple(strings(con.node.get("keys")))
    raise ParseError([(c.origin, f"foreign key {c.name} references {table.display}, which has no primary key")])


def _exclusion_pair(pair: Any, opclasses: "_OpclassContext") -> Any:
    items = pair["List"]["items"] if isinstance(pair, dict) and "List" in pair else pair
    elem, ops = items[0], items[1]
    return {"List": {"items": [_normalize_index_elem(elem, opclasses), ops]}}


class _OpclassContext:
    """What resolving an index column's operator class needs (see opclasses.py)."""

    __slots__ = ("access_method", "search_path", "extension_schemas")

    def __init__(self, access_method: str, search_path: tuple[str, ...], extension_schemas: frozenset[str]):
        self.access_method = access_method
        self.search_path = search_path
        self.extension_schemas = extension_schemas


def _extension_schemas(b: Builder) -> frozenset[str]:
    return frozenset(schema or "public" for _, schema, _ in b.extensions.values())


def _normalize_index_elem(elem: dict, opclasses: "_OpclassContext | None" = None) -> dict:
    kind, body = unwrap(elem)
    body = dict(body)
    ordering = body.get("ordering", "SORTBY_DEFAULT")
    if ordering == "SORTBY_ASC":  # ASC is the default order: spelled out or not, the same index
        ordering = "SORTBY_DEFAULT"
    body["ordering"] = ordering
    nulls = body.get("nulls_ordering", "SORTBY_NULLS_DEFAULT")
    if (nulls == "SORTBY_NULLS_LAST" and ordering != "SORTBY_DESC") or (
            nulls == "SORTBY_NULLS_FIRST" and ordering == "SORTBY_DESC"):
        nulls = "SORTBY_NULLS_DEFAULT"
    body["nulls_ordering"] = nulls
    if body.get("opclass"):
        names = strings(body["opclass"])
        if opclasses is not None:
            names = resolve_opclass(names, opclasses.access_method, opclasses.search_path,
                                    opclasses.extension_schemas)
        elif len(names) == 2 and names[0] == "pg_catalog":
            names = names[1:]
        body["opclass"] = [{"String": {"sval": n}} for n in names]
    if body.get("collation"):
        names = strings(body["collation"])
        if len(names) == 2 and names[0] == "pg_catalog":
            body["collation"] = [{"String": {"sval": names[1]}}]
    return {kind: body}


def _index(i: IndexDraft, settled: Settled, extension_schemas: frozenset[str]) -> Index:
    node = dict(i.node)
    for k in ("concurrent", "if_not_exists", "tableSpace", "idxcomment", "oldNumber", "oldCreateSubid",
              "oldFirstRelfilelocatorSubid", "transformed", "reset_default_tblspc"):
        node.pop(k, None)
    node["idxname"] = i.name.name
    node["relation"] = {"relname": i.table.name, "schemaname": i.table.schema, "inh": True,
                        "relpersistence": "p"}
    node.setdefault("accessMethod", "btree")
    opclasses = _OpclassContext(node["accessMethod"], i.search_path, extension_schemas)
    node["indexParams"] = [_normalize_index_elem(e, opclasses) for e in node.get("indexParams", ())]
    node["indexIncludingParams"] = [_normalize_index_elem(e) for e in node.get("indexIncludingParams", ())]
    key_node = {k: v for k, v in node.items() if k not in ("idxname", "relation")}
    if "options" in key_node:
        key_node["options"] = _reloptions(key_node["options"])
    columns = tuple(unwrap(e)[1].get("name") or "" for e in node["indexParams"])
    return Index(i.name, i.table, Expr(canonical({"IndexStmt": key_node}), {"IndexStmt": node}),
                 bool(node.get("unique")), columns, i.comment, i.origin, tuple(sorted(i.statistics.items())),
                 i.parent, settled.valid(i.name))


def _normalize_bound(bound: dict) -> dict:
    """Timestamps in partition bounds compare as instants: '2023-01-01' == '2023-01-01 00:00:00+00'."""
    if isinstance(bound, dict):
        if "A_Const" in bound and "sval" in bound["A_Const"]:
            instant = _as_instant(bound["A_Const"]["sval"].get("sval", ""))
            if instant is not None:
                return {"A_Const": {"sval": {"sval": instant}}}
        return {k: _normalize_bound(v) for k, v in bound.items()}
    if isinstance(bound, list):
        return [_normalize_bound(v) for v in bound]
    return bound


def _as_instant(text: str) -> str | None:
    if not (len(text) >= 10 and text[4] == "-" and text[:4].isdigit()):
        return None
    try:
        value = _dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc).isoformat()


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)


def _views(b: Builder, shaper: "_ViewShaper") -> dict[QualifiedName, View]:
    """Views, normalized against the tables' and other views' columns (see views.py)."""
    shaped, outputs = shaper.shaped, shaper.outputs
    out = {}
    for qn, d in b.views.items():
        if qn not in shaped:
            shaper.shape(qn)
        options = _reloptions(d["options"])
        check = {"LOCAL_CHECK_OPTION": "local", "CASCADED_CHECK_OPTION": "cascaded"}.get(d["check"])
        if check:
            options = sorted(set(options) | {f"check_option={check}"})
        check = next((o.split("=", 1)[1] for o in options if o.startswith("check_option=")), None)
        options = [o for o in options if not o.startswith("check_option=")]
        deps = _view_dependencies(shaped[qn], b, outputs)
        out[qn] = View(qn, Expr(canonical(shaped[qn]), d["query"]), d["materialized"],
                       tuple(d["columns"]), tuple(options), check, d["with_data"], d["comment"],
                       tuple(sorted(d["column_comments"].items())), d["origin"], frozenset(deps))
    return out


class _ViewShaper:
    """Normalizes each view once, the views it reads from first.

    A class rather than two nested functions that call each other: those would form a
    reference cycle through their closures, and with the collector paused the cycle would
    keep the whole builder alive."""

    def __init__(self, b: Builder):
        self.b = b
        self.outputs: dict[QualifiedName, list[str]] = {}
        self.shaped: dict[QualifiedName, dict] = {}
        self.in_progress: set[QualifiedName] = set()

    def columns_of(self, qn: QualifiedName) -> list[str] | None:
        b = self.b
        t = b.tables.get(qn)
        if t is not None:
            while t.partition_of is not None and t.partition_of in b.tables:
                t = b.tables[t.partition_of]
            return list(t.columns)
        if qn in b.views:
            if qn not in self.outputs and qn not in self.in_progress:
                self.shape(qn)
            return self.outputs.get(qn)
        return None

    def shape(self, qn: QualifiedName) -> None:
        self.in_progress.add(qn)
        d = self.b.views[qn]
        q, names = ViewNormalizer(self.columns_of).normalize(d["query"], d["columns"] or None)
        self.shaped[qn], self.outputs[qn] = q, names
        self.in_progress.discard(qn)


def _collect_references(x: Any, rels: set, columns: set, funcs: set) -> None:
    """Relations, column names and function names a view's query mentions.

    Module-level, not a nested function: a recursive closure is a reference cycle (see gcpause.py)."""
    if isinstance(x, dict):
        if "RangeVar" in x:
            rv = x["RangeVar"]
            rels.add(QualifiedName(rv.get("schemaname") or "public", rv["relname"]))
        elif "ColumnRef" in x:
            names = strings(x["ColumnRef"].get("fields"))
            if names:
                columns.add(names[-1])
        elif "FuncCall" in x:
            names = strings(x["FuncCall"].get("funcname"))
            funcs.add(".".join(names[-2:]) if len(names) > 1 else "public." + names[-1])
        for v in x.values():
            _collect_references(v, rels, columns, funcs)
    elif isinstance(x, list):
        for v in x:
            _collect_references(v, rels, columns, funcs)


def _view_dependencies(query: dict, b: Builder, outputs: dict) -> set[ObjectRef]:
    rels: set[QualifiedName] = set()
    columns: set[str] = set()
    funcs: set[str] = set()
    _collect_references(query, rels, columns, funcs)
    deps: set[ObjectRef] = set()
    for qn in rels:
        if qn in b.tables:
            deps.add(ref("table", qn.schema, qn.name))
            deps |= {ref("column", qn.schema, qn.name, c) for c in columns if c in b.tables[qn].columns}
        elif qn in b.views:
            deps.add(ref("view", qn.schema, qn.name))
    for fn in b.functions:
        if f"{fn.schema}.{fn.name}" in funcs:
            deps.add(ref("function", fn.schema, fn.name, fn.args))
    return deps
