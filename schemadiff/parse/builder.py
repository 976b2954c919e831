"""Statements -> drafts: one handler per pglast statement kind.

Statements run in passes (schemas and extensions, then types and sequences,
then tables, then partitions, then ALTERs and indexes, then comments) so that
files can come in any order.  Each statement keeps the search_path that was in
force where it was written.
"""
from __future__ import annotations

from typing import Callable, Protocol

from ..errors import Location, ParseError
from ..model import QualifiedName
from ..model.types import SERIAL_TYPES, format_type
from .drafts import ColumnDraft, ConstraintDraft, IndexDraft, SequenceDraft, TableDraft
from .naming import choose_name, index_column_names, name_addition
from .nodes import const_value, def_elems, strings, unwrap
from .source import Statement
from .qualify import Declared, needs_qualifying, qualify_statement

Handler = Callable[["Builder", dict, "Context"], None]
_HANDLERS: dict[str, tuple[int, Handler]] = {}


def handles(kind: str, phase: int) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        if kind in _HANDLERS:
            raise RuntimeError(f"two handlers for {kind}")
        _HANDLERS[kind] = (phase, fn)
        return fn
    return register


class Unsupported(Exception):
    """Raised by handlers for a statement or clause schemadiff does not manage (yet)."""


class Context:
    """Where a statement was written: its location, text and search_path."""

    def __init__(self, stmt: Statement, search_path: tuple[str, ...], settings: tuple = ()):
        self.stmt = stmt
        self.location = stmt.location
        self.search_path = search_path or ("public",)
        self.settings = dict(settings)  # other session settings in force (see session.py)

    @property
    def schema(self) -> str:
        return self.search_path[0]


class NameScope(Protocol):
    """What resolving a name takes: a Context, or a table's own scope (freeze._ConstraintContext)."""

    @property
    def search_path(self) -> tuple[str, ...]: ...

    @property
    def schema(self) -> str: ...


def statement_label(stmt: Statement) -> str:
    """'CREATE VIEW', 'ALTER TABLE ... OWNER TO' style names for messages."""
    words = stmt.text.split()
    head = []
    for w in words[:4]:
        if not w.replace("_", "").isalpha() or w.upper() in ("IF", "ONLY"):
            break
        head.append(w.upper())
        if len(head) >= 2 and head[0] in ("CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE") \
                and head[-1] not in ("OR", "REPLACE", "UNIQUE", "UNLOGGED", "TEMPORARY", "TEMP",
                                     "MATERIALIZED", "DEFAULT", "CONSTRAINT", "EVENT", "FOREIGN", "TEXT", "SEARCH"):
            break
    return " ".join(head) or stmt.kind


class Builder:
    def __init__(self, ignore_data_statements: bool = False) -> None:
        self.ignore_data_statements = ignore_data_statements  # INSERT, SELECT setval ...: skip, not refuse
        self.schemas: dict[str, tuple[Location, str | None]] = {}
        self.extensions: dict[str, tuple[Location, str | None, str | None]] = {}
        self.enums: dict[QualifiedName, dict] = {}
        self.sequences: dict[QualifiedName, SequenceDraft] = {}
        self.tables: dict[QualifiedName, TableDraft] = {}
        self.indexes: dict[QualifiedName, IndexDraft] = {}
        self.relation_names: dict[str, set[str]] = {}  # schema -> relation names taken
        self.constraint_names: dict[str, set[str]] = {}  # schema -> constraint names taken
        self.problems: list[tuple[Location, str]] = []
        # Programmable objects and other types: finished values plus their comments (see programs.py).
        self.views: dict[QualifiedName, dict] = {}
        self.functions: dict = {}  # FunctionName -> dict
        self.triggers: dict[tuple[QualifiedName, str], dict] = {}
        self.domains: dict[QualifiedName, dict] = {}
        self.composites: dict[QualifiedName, dict] = {}
        self.ranges: dict[QualifiedName, dict] = {}
        self.policies: dict[tuple[QualifiedName, str], dict] = {}
        self.grants: list = []
        self.revokes: list = []
        self.default_privileges: list = []
        self.owners: dict = {}  # ObjectRef -> Owner (see owners.py)
        self.roles_named: set[str] = set()
        self.extension_versions: dict[str, str] = {}
        self.carried: dict[tuple[str, str], dict] = {}  # (KIND, name) -> draft (see carried.py)
        self.rename_hints: list = []  # RenameHint, from `renamed from` comments (see hints.py)

    # -- entry point -------------------------------------------------------------
    def run(self, statements: list[Statement]) -> None:
        """Run every statement; see session.py for what file order means."""
        from .session import run_statements
        run_statements(self, statements)
        if self.problems:
            raise ParseError(self.problems)

    def run_segment(self, planned: list[tuple[int, int, Statement, tuple[str, ...], tuple]]) -> None:
        """Statements that may come in any order among themselves: run by phase, then position."""
        planned.sort(key=lambda p: (p[0], p[1]))
        declared = self._declared_for_paths(planned)
        deferred = planned
        # Partitions of partitions: retry those whose parent is not declared yet.
        for _ in range(8):
            retry = []
            for item in deferred:
                _, _, stmt, path, settings = item
                try:
                    body = stmt.body
                    if declared is not None and needs_qualifying(path):
                        body = qualify_statement(body, path, declared)
                    _HANDLERS[stmt.kind][1](self, body, Context(stmt, path, settings))
                    if stmt.hints:
                        from .hints import note_hints
                        note_hints(self, stmt, Context(stmt, path, settings))
                except _ParentNotYet:
                    retry.append(item)
                except Unsupported as exc:
                    self.problems.append((stmt.location, f"unsupported: {exc} in {statement_label(stmt)}"))
                except ParseError as exc:
                    self.problems.extend(exc.problems)
            if not retry or len(retry) == len(deferred):
                for _, _, stmt, path, settings in retry:
                    parent = _partition_parent(stmt, Context(stmt, path, settings))
                    self.problems.append((stmt.location, f"partition of {parent.display}, which is declared nowhere"))
                break
            deferred = retry

    def _declared_for_paths(self, planned: list) -> "Declared | None":
        """What unqualified names may mean, when some statement runs under a search_path that
        names other schemas than public (parse/qualify.py); None when none does."""
        if not any(needs_qualifying(p[3]) for p in planned):
            return None
        declared = Declared()
        declared.add_builder(self)
        for _, _, stmt, path, _ in planned:
            declared.add_statement(stmt, path)
        return declared

    # -- name resolution -------------------------------------------------------------
    @property
    def relations(self) -> "_Union":
        """Tables and views as one lookup pool, without copying either (a copy per COMMENT ON
        COLUMN made big schemas quadratic)."""
        return _Union(self.tables, self.views)

    def qualify(self, rv: dict, ctx: NameScope, existing: "dict | _Union | None" = None) -> QualifiedName:
        """A RangeVar -> QualifiedName, resolved through the search_path like the server does."""
        if rv.get("schemaname"):
            return QualifiedName(rv["schemaname"], rv["relname"])
        if existing is not None:
            for schema in ctx.search_path:
                qn = QualifiedName(schema, rv["relname"])
                if qn in existing:
                    return qn
        return QualifiedName(ctx.schema, rv["relname"])

    def qualify_names(self, names: list[str], ctx: NameScope, existing: "dict | _Union | None" = None) -> QualifiedName:
        if len(names) >= 2:
            return QualifiedName(names[-2], names[-1])
        return self.qualify({"relname": names[0]}, ctx, existing)

    def resolve_type(self, type_text: str, ctx: Context) -> str:
        """An unqualified user type found through the search_path gets its schema, as the server does."""
        if ctx.search_path == ("public",):
            return type_text
        from ..model.types import BUILTIN_TYPES, base_name, type_schema
        name = base_name(type_text)
        if "." in name or name in BUILTIN_TYPES or ctx.search_path == ("public",):
            return type_text
        found = type_schema(name)
        bare = found[1] if found else name
        for schema in ctx.search_path:
            qn = QualifiedName(schema, bare)
            if qn in self.enums or qn in self.domains or qn in self.composites or qn in self.ranges \
                    or qn in self.tables:
                if schema == "public":
                    return type_text
                from ..model.names import quote_ident
                return f"{quote_ident(schema)}.{type_text}"
        return type_text

    def table(self, rv: dict, ctx: Context) -> TableDraft:
        qn = self.qualify(rv, ctx, self.tables)
        t = self.tables.get(qn)
        if t is None:
            raise ParseError([(ctx.location, f"table {qn.display} is declared nowhere")])
        return t

    def take_relation_name(self, schema: str, name: str, ctx: Context) -> None:
        taken = self.relation_names.setdefault(schema, set())
        if name in taken:
            raise ParseError([(ctx.location, f"relation {QualifiedName(schema, name).display} is declared twice")])
        taken.add(name)

    def choose_relation_name(self, schema: str, name1: str, name2: str | None, label: str) -> str:
        return choose_name(name1, name2, label, self.relation_names.setdefault(schema, set()))

    # -- constraints (shared by CREATE TABLE and ALTER TABLE) ---------------------
    def add_constraint(self, table: TableDraft, node: dict, ctx: Context,
                       column: str | None = None) -> ConstraintDraft | None:
        contype = node["contype"]
        if contype in ("CONSTR_NOTNULL", "CONSTR_NULL", "CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"):
            if column is None:
                if contype == "CONSTR_NOTNULL" and node.get("keys"):
                    for col in strings(node["keys"]):
                        self.apply_column_constraint(table, self.column(table, col, ctx), node, ctx)
                    return None
                raise Unsupported(f"{contype} as a table constraint")
            self.apply_column_constraint(table, self.column(table, column, ctx), node, ctx)
            return None
        if contype.startswith("CONSTR_ATTR_"):
            return None  # folded into the constraint before them by _fold_attributes
        node = dict(node)
        attached_to = None  # USING INDEX of a partition index attached to a parent's: the key is
        if node.get("indexname") and contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            used = self.indexes.get(QualifiedName(table.name.schema, node["indexname"]))
            attached_to = used.parent if used is not None else None
            node = self._adopt_index(table, node, ctx)
        if column is not None and contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            node["keys"] = [{"String": {"sval": column}}]
        if column is not None and contype == "CONSTR_FOREIGN":
            node["fk_attrs"] = [{"String": {"sval": column}}]
        if contype == "CONSTR_PRIMARY":
            for col in strings(node.get("keys")):
                if col in table.columns:
                    table.columns[col].not_null = True
                elif table.partition_of is not None:
                    self.column(table, col, ctx).not_null = True
        columns = _constraint_columns(node)
        name = node.get("conname")
        schema = table.name.schema
        if name:
            named = True
            if contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
                self.relation_names.setdefault(schema, set()).add(name)
            self.constraint_names.setdefault(schema, set()).add(name)
        else:
            named = False
            name = self._implicit_constraint_name(table, node, columns)
        if name in table.constraints:
            raise ParseError([(ctx.location, f"constraint {name} on {table.name.display} is declared twice")])
        table.constraints[name] = ConstraintDraft(name, named, node, ctx.location, columns, parent=attached_to)
        return table.constraints[name]

    def _adopt_index(self, table: TableDraft, node: dict, ctx: Context) -> dict:
        """ADD PRIMARY KEY / UNIQUE USING INDEX i: the index becomes the constraint's (and takes its name)."""
        qn = QualifiedName(table.name.schema, node["indexname"])
        index = self.indexes.pop(qn, None)
        if index is None:
            raise ParseError([(ctx.location, f"index {qn.display} is declared nowhere")])
        self.relation_names.get(qn.schema, set()).discard(qn.name)
        body = index.node
        node = {k: v for k, v in node.items() if k != "indexname"}
        node["keys"] = [{"String": {"sval": unwrap(e)[1]["name"]}} for e in body.get("indexParams", ())]
        if body.get("indexIncludingParams"):
            node["including"] = [{"String": {"sval": unwrap(e)[1]["name"]}} for e in body["indexIncludingParams"]]
        if body.get("nulls_not_distinct"):
            node["nulls_not_distinct"] = True
        node.setdefault("conname", node.get("conname") or qn.name)
        return node

    def _implicit_constraint_name(self, table: TableDraft, node: dict, columns: list[str]) -> str:
        contype, schema, rel = node["contype"], table.name.schema, table.name.name
        cons_taken = self.constraint_names.setdefault(schema, set())
        if contype == "CONSTR_PRIMARY":
            return self.choose_relation_name(schema, rel, None, "pkey")
        if contype in ("CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
            cols: list[str | None] = [*strings(node.get("keys"))] if contype == "CONSTR_UNIQUE" else [
                _index_elem_column(e) for e in _exclusion_elems(node)]
            cols += strings(node.get("including"))
            label = "key" if contype == "CONSTR_UNIQUE" else "excl"
            return self.choose_relation_name(schema, rel, name_addition(index_column_names(cols)), label)
        if contype == "CONSTR_FOREIGN":
            return choose_name(rel, name_addition(strings(node.get("fk_attrs"))), "fkey", cons_taken)
        if contype == "CONSTR_CHECK":
            refs = _column_refs(node.get("raw_expr"))
            return choose_name(rel, refs[0] if len(refs) == 1 else None, "check", cons_taken)
        raise Unsupported(f"constraint type {contype}")

    def column(self, table: TableDraft, name: str, ctx: Context) -> ColumnDraft:
        col = table.columns.get(name)
        if col is None and table.partition_of is not None:
            # A partition's columns are its parent's. Its own NOT NULL (implied by a key of its
            # own, or set per partition) is kept in partition_columns; its own default is not
            # modelled: the parent's stands.
            if name in table.partition_columns:
                return table.partition_columns[name]
            parent = self.tables.get(table.partition_of)
            while parent is not None and parent.partition_of is not None and name not in parent.columns:
                parent = self.tables.get(parent.partition_of)
            if parent is not None and name in parent.columns:
                col = ColumnDraft(name, parent.columns[name].type, ctx.location)
                table.partition_columns[name] = col
                return col
        if col is None:
            raise ParseError([(ctx.location, f"column {name} of {table.name.display} is declared nowhere")])
        return col

    def apply_column_constraint(self, table: TableDraft, col: ColumnDraft, node: dict, ctx: Context) -> None:
        contype = node["contype"]
        if contype == "CONSTR_NOTNULL":
            if not col.not_null or node.get("conname"):
                col.not_null_name = node.get("conname")  # a second NOT NULL keeps the first's name
            col.not_null = True
        elif contype == "CONSTR_NULL":
            col.not_null, col.not_null_name = False, None
        elif contype == "CONSTR_DEFAULT":
            col.default = node.get("raw_expr")
        elif contype == "CONSTR_IDENTITY":
            col.identity = "always" if node.get("generated_when") == "a" else "by default"
            opts = def_elems(node.get("options"))
            col.identity_options = {k: const_value(v) for k, v in opts.items() if k != "sequence_name"}
            if "as" in opts:
                col.identity_options["as"] = format_type(unwrap(opts["as"])[1] if "TypeName" in opts["as"]
                                                         else opts["as"])
            col.not_null = True
        elif contype == "CONSTR_GENERATED":
            col.generated = node.get("raw_expr")
            col.generated_kind = "virtual" if node.get("generated_kind") in ("v", "ATTRIBUTE_GENERATED_VIRTUAL") \
                else "stored"


class _ParentNotYet(Exception):
    pass


def not_null_named(table: TableDraft, name: str) -> ColumnDraft | None:
    """The column whose NOT NULL constraint (PostgreSQL 18) is called `name`: its own name, or the
    server's default <table>_<column>_not_null for an unnamed one."""
    from .naming import make_object_name
    for col in table.columns.values():
        if col.not_null and (col.not_null_name or make_object_name(table.name.name, col.name, "not_null")) == name:
            return col
    return None


def _partition_parent(stmt: Statement, ctx: Context) -> QualifiedName:
    rv = stmt.body["inhRelations"][0]["RangeVar"]
    return QualifiedName(rv.get("schemaname") or ctx.schema, rv["relname"])


def _constraint_columns(node: dict) -> list[str]:
    contype = node["contype"]
    if contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
        return strings(node.get("keys"))
    if contype == "CONSTR_FOREIGN":
        return strings(node.get("fk_attrs"))
    if contype == "CONSTR_CHECK":
        return _column_refs(node.get("raw_expr"))
    if contype == "CONSTR_EXCLUSION":
        return [c for c in (_index_elem_column(e) for e in _exclusion_elems(node)) if c]
    return []


def _exclusion_elems(node: dict) -> list[dict]:
    out = []
    for pair in node.get("exclusions", ()):
        items = pair["List"]["items"] if "List" in pair else pair
        out.append(items[0])
    return out


def _index_elem_column(elem: dict) -> str | None:
    return unwrap(elem)[1].get("name")


def _column_refs(node) -> list[str]:
    """Distinct column names referenced by an expression, in order of appearance."""
    found: list[str] = []
    _collect_column_refs(node, found)
    return found


def _collect_column_refs(x, found: list[str]) -> None:
    # Module-level, not a nested function: a recursive closure is a reference cycle (gcpause.py).
    if isinstance(x, dict):
        if "ColumnRef" in x:
            names = strings(x["ColumnRef"].get("fields"))
            if names and names[-1] not in found:
                found.append(names[-1])
            return
        for v in x.values():
            _collect_column_refs(v, found)
    elif isinstance(x, list):
        for v in x:
            _collect_column_refs(v, found)


def fold_attributes(constraints: list[dict]) -> list[dict]:
    """Column constraints list DEFERRABLE / INITIALLY DEFERRED as separate items; fold them in."""
    out: list[dict] = []
    for c in constraints:
        kind, body = unwrap(c)
        contype = body.get("contype", "")
        if contype.startswith("CONSTR_ATTR_") and out:
            prev = dict(out[-1])
            if contype == "CONSTR_ATTR_DEFERRABLE":
                prev["deferrable"] = True
            elif contype == "CONSTR_ATTR_NOT_DEFERRABLE":
                prev.pop("deferrable", None)
            elif contype == "CONSTR_ATTR_DEFERRED":
                prev["initdeferred"] = True
            elif contype == "CONSTR_ATTR_IMMEDIATE":
                prev.pop("initdeferred", None)
            out[-1] = prev
        else:
            out.append(body)
    return out


def serial_type(type_name: dict) -> str | None:
    names = strings(type_name.get("names"))
    if len(names) == 1 and names[0] in SERIAL_TYPES and not type_name.get("arrayBounds"):
        return SERIAL_TYPES[names[0]]
    return None


class _Union:
    """Membership in any of several dicts."""
    __slots__ = ("pools",)

    def __init__(self, *pools: dict):
        self.pools = pools

    def __contains__(self, key) -> bool:
        return any(key in p for p in self.pools)
