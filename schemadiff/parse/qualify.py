"""Unqualified names under `SET search_path`, resolved as the server resolves them.

Why: a file that says `SET search_path = app, public` and then `CREATE VIEW v AS SELECT *
FROM people` means app.people; the server stores the view with the table's OID and prints
it back as `app.people` (the introspector reads with search_path = public).  Column
defaults (`DEFAULT next_id()`), casts (`'ok'::mood`), function signatures (`f(p people)`)
and BEGIN ATOMIC bodies are the same.  Each statement written under a path that names
schemas other than public gets its unqualified relation, function and type names
qualified with the first schema of the path that declares them, before it is handled: both
the comparison and the plan's SQL then mean what the file meant, whatever path the plan
runs under.  Names found nowhere (built-ins, objects of extensions) are left as written.
Function bodies given as strings are not SQL the parser sees: see Function.search_path.
"""
from __future__ import annotations

from typing import Any

from ..model import QualifiedName
from ..model.returns import RETURNS
from ..model.types import BUILTIN_TYPES, _DISPLAY
from .source import Statement

# Schemas whose objects the default path (public) finds, or which are always searched.
_DEFAULT_SCHEMAS = frozenset({"public", "pg_catalog", "$user"})


# Names of pg_catalog's functions: those returning a type (model/returns.py, generated from pg_proc)
# and the trigger functions a user may name.  An unqualified call of one of them reaches
# pg_catalog's, which the server searches first unless the path names pg_catalog later, even
# when a schema of the path declares a function of the same name and argument types.
BUILTIN_FUNCTIONS = frozenset(RETURNS) | frozenset({"tsvector_update_trigger", "tsvector_update_trigger_column",
                                                    "suppress_redundant_updates_trigger"})


def builtin_function_first(name: str, search_path: tuple[str, ...], schema: str) -> bool:
    """Whether an unqualified call of `name` finds pg_catalog's function before `schema`'s."""
    if name not in BUILTIN_FUNCTIONS:
        return False
    if "pg_catalog" not in search_path:
        return True
    return schema not in search_path or search_path.index("pg_catalog") < search_path.index(schema)


def needs_qualifying(search_path: tuple[str, ...]) -> bool:
    return any(s not in _DEFAULT_SCHEMAS for s in search_path)


class Declared:
    """The relation, function and type names declared so far or in the statements to come."""

    def __init__(self) -> None:
        self.relations: set[QualifiedName] = set()
        self.functions: set[QualifiedName] = set()
        self.types: set[QualifiedName] = set()

    def add_builder(self, b) -> None:
        self.relations |= set(b.tables) | set(b.views) | set(b.sequences)
        self.functions |= {fn.qualified for fn in b.functions}
        self.types |= set(b.enums) | set(b.domains) | set(b.composites) | set(b.ranges) | set(b.tables)

    def add_statement(self, stmt: Statement, search_path: tuple[str, ...]) -> None:
        kind = stmt.kind
        if kind not in _DECLARING:
            return
        body = stmt.body
        schema = (search_path or ("public",))[0]
        if kind in ("CreateStmt", "ViewStmt", "CreateTableAsStmt", "CreateSeqStmt"):
            rv = body.get("relation") or body.get("view") or body.get("sequence") or (body.get("into") or {}).get("rel")
            if rv:
                qn = QualifiedName(rv.get("schemaname") or schema, rv["relname"])
                self.relations.add(qn)
                if kind == "CreateStmt":
                    self.types.add(qn)
        elif kind == "CreateFunctionStmt":
            self.functions.add(_qualified(_strings(body.get("funcname")), schema))
        else:
            names = body.get("typeName") or body.get("domainname") or (body.get("typevar") and [
                {"String": {"sval": n}} for n in (body["typevar"].get("schemaname"), body["typevar"]["relname"]) if n])
            if names:
                self.types.add(_qualified(_strings(names), schema))


_DECLARING = frozenset({"CreateStmt", "ViewStmt", "CreateTableAsStmt", "CreateSeqStmt", "CreateFunctionStmt",
                        "CreateEnumStmt", "CreateDomainStmt", "CompositeTypeStmt", "CreateRangeStmt"})


def _strings(items) -> list[str]:
    return [i["String"]["sval"] for i in items or () if "String" in i]


def _qualified(names: list[str], schema: str) -> QualifiedName:
    return QualifiedName(names[-2], names[-1]) if len(names) >= 2 else QualifiedName(schema, names[-1])


def qualify_statement(body: dict, search_path: tuple[str, ...], declared: Declared) -> dict:
    """`body` with its unqualified names qualified through `search_path` (changed in place)."""
    ctes: set[str] = set()
    _collect_ctes(body, ctes)
    _Qualifier(search_path, declared, ctes).walk(body)
    return body


def _collect_ctes(x: Any, out: set[str]) -> None:
    if isinstance(x, dict):
        if "CommonTableExpr" in x:
            out.add(x["CommonTableExpr"].get("ctename", ""))
        for v in x.values():
            _collect_ctes(v, out)
    elif isinstance(x, list):
        for v in x:
            _collect_ctes(v, out)


class _Qualifier:
    def __init__(self, search_path: tuple[str, ...], declared: Declared, ctes: set[str]):
        self.search_path = search_path
        self.path = [s for s in search_path if s not in ("$user", "pg_catalog")]
        self.declared = declared
        self.ctes = ctes

    def _find(self, name: str, pool: set[QualifiedName]) -> str | None:
        for schema in self.path:
            if QualifiedName(schema, name) in pool:
                return None if schema == "public" else schema
        return None

    def walk(self, x: Any) -> None:
        if isinstance(x, dict):
            for key, v in x.items():
                if key == "RangeVar" and isinstance(v, dict):
                    self._range_var(v)
                elif key == "FuncCall" and isinstance(v, dict):
                    self._function(v)
                    self._sequence_argument(v)
                elif key == "TypeName" and isinstance(v, dict):
                    self._type(v)
                elif key in ("typeName", "returnType", "argType") and isinstance(v, dict) and "names" in v:
                    self._type(v)
                self.walk(v)
        elif isinstance(x, list):
            for v in x:
                self.walk(v)

    def _range_var(self, rv: dict) -> None:
        if rv.get("schemaname") or rv.get("relname") in self.ctes or "relname" not in rv:
            return
        schema = self._find(rv["relname"], self.declared.relations)
        if schema is not None:
            rv["schemaname"] = schema

    def _sequence_argument(self, call: dict) -> None:
        """nextval('seq'): the text is read as a regclass when the statement runs."""
        names = _strings(call.get("funcname"))
        args = call.get("args") or ()
        if not names or names[-1] not in ("nextval", "currval", "setval") or not args:
            return
        const = args[0].get("A_Const") if isinstance(args[0], dict) else None
        text = (const or {}).get("sval", {}).get("sval")
        if const is None or not text or "." in text or '"' in text:
            return
        schema = self._find(text.lower(), self.declared.relations)
        if schema is not None:
            const["sval"]["sval"] = f"{schema}.{text}"

    def _function(self, call: dict) -> None:
        names = _strings(call.get("funcname"))
        if len(names) == 1:
            schema = self._find(names[0], self.declared.functions) or "public"
            if builtin_function_first(names[0], self.search_path, schema):
                return
        self._names(call, "funcname", self.declared.functions)

    def _type(self, tn: dict) -> None:
        names = _strings(tn.get("names"))
        if len(names) != 1 or names[0] in BUILTIN_TYPES or names[0] in _DISPLAY:
            return
        self._names(tn, "names", self.declared.types)

    def _names(self, node: dict, key: str, pool: set[QualifiedName]) -> None:
        items = node.get(key)
        if not items or len(items) != 1 or "String" not in items[0]:
            return
        schema = self._find(items[0]["String"]["sval"], pool)
        if schema is not None:
            node[key] = [{"String": {"sval": schema}}, items[0]]
