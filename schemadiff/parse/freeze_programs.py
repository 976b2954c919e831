"""Freeze functions, triggers, domains, composite/range types, policies and grants into model values."""
from __future__ import annotations

import json
import re
from typing import Any

from pglast import parser

from ..model import (CompositeType, Domain, DomainCheck, Expr, Function, FunctionName, Grant, OwnerPrivileges, Policy,
                     QualifiedName, RangeType, Trigger, quote_ident)
from ..model.exprs import canonical, make_expr, to_sql
from ..model.types import format_type, without_typmod
from .bodies import normalize_body
from .builder import Builder
from .naming import choose_name
from .nodes import const_value, strings, unwrap
from .privileges import apply_acl, fold_all
from .qualify import needs_qualifying
from .views import Columns

_PARAM_MODES = {"FUNC_PARAM_DEFAULT": "in", "FUNC_PARAM_IN": "in", "FUNC_PARAM_OUT": "out",
                "FUNC_PARAM_INOUT": "inout", "FUNC_PARAM_VARIADIC": "variadic", "FUNC_PARAM_TABLE": "table"}
_WS = re.compile(r"\s+")


def _strip_positions(x):
    if isinstance(x, dict):
        return {k: _strip_positions(v) for k, v in x.items() if k not in ("lineno", "location", "stmt_location",
                                                                            "stmt_len")}
    if isinstance(x, list):
        return [_strip_positions(v) for v in x]
    if isinstance(x, str):
        return _WS.sub(" ", x).strip()
    return x


def _body_key(language: str, body: str, statement_sql: str) -> str:
    """Bodies compare by their parsed form when pglast can parse them, else by exact text."""
    try:
        if language == "sql":
            stmts = json.loads(parser.parse_sql_json(body)).get("stmts", [])
            return "sql:" + canonical({"List": {"items": [s["stmt"] for s in stmts]}})
        if language == "plpgsql":
            tree = json.loads(parser.parse_plpgsql_json(statement_sql))
            return "plpgsql:" + json.dumps(_strip_positions(tree), sort_keys=True)
    except Exception:  # pglast raises several kinds; any failure means "compare the text"
        pass
    return "text:" + body


def _function(name: FunctionName, d: dict, columns_of: Columns) -> Function:
    node = dict(d["node"])
    params = []
    for p in node.get("parameters", ()):
        body = unwrap(p)[1]
        params.append({"mode": _PARAM_MODES[body.get("mode", "FUNC_PARAM_DEFAULT")], "name": body.get("name"),
                       "type": without_typmod(format_type(body["argType"])),
                       "default": canonical(body["defexpr"]) if body.get("defexpr") else None})
    returns = without_typmod(format_type(node["returnType"])) if node.get("returnType") else None
    if any(p["mode"] == "table" for p in params):
        returns = "TABLE(" + ", ".join(f"{p['name']} {p['type']}" for p in params if p["mode"] == "table") + ")"
    attrs: dict = {"volatility": "volatile", "strict": False, "security": False, "leakproof": False,
                   "parallel": "unsafe", "window": False}
    body_text, set_options = None, []
    for o in node.get("options", ()):
        opt = unwrap(o)[1]
        key = opt["defname"]
        arg: Any = opt.get("arg")  # a node whose shape the option gives
        if key == "as":
            parts = strings(arg["List"]["items"] if isinstance(arg, dict) and "List" in arg else arg)
            body_text = parts[0] if len(parts) == 1 else "\n".join(parts)
        elif key == "set":
            vs = unwrap(arg)[1]
            # Setting names are case-insensitive; the server stores its own spelling (TimeZone).
            set_options.append(f"{vs.get('name', '').lower()}={','.join(str(const_value(a)) for a in vs.get('args', ()))}")
        elif key in ("strict", "security", "leakproof", "window"):
            attrs[key] = bool(const_value(arg))
        elif key in ("cost", "rows"):
            attrs[key] = float(const_value(arg))
        elif key == "support":
            attrs[key] = ".".join(strings(arg["List"]["items"] if "List" in arg else [arg]))
        else:
            attrs[key] = str(const_value(arg)).lower() if const_value(arg) is not None else None
    language = attrs.pop("language", "sql")
    attrs.setdefault("cost", 1.0 if language in ("c", "internal") else 100.0)
    if returns and returns.startswith(("SETOF", "TABLE")):
        attrs.setdefault("rows", 1000.0)
    node["funcname"] = [{"String": {"sval": name.schema}}, {"String": {"sval": name.name}}]
    node["replace"] = True
    sql = to_sql({"CreateFunctionStmt": node})
    if node.get("sql_body"):
        inputs = [p["name"] for p in params if p["mode"] in ("in", "inout", "variadic")]
        body_key = "atomic:" + canonical(normalize_body(node["sql_body"], name.name, inputs, columns_of))
    else:
        body_key = _body_key(language, body_text or "", sql)
    key = {"kind": "procedure" if node.get("is_procedure") else "function", "params": params, "returns": returns,
           "language": language, "attrs": attrs, "set": sorted(set_options), "body": body_key}
    signature = json.dumps([(p["mode"], p["name"], p["default"]) for p in params])
    path = tuple(d["search_path"]) if needs_qualifying(d["search_path"]) else ()
    return Function(name, key["kind"], Expr(json.dumps(key, sort_keys=True), sql), returns, signature,
                    d["comment"], d["origin"], search_path=path)


def _strip_default_schema(names: list[str]) -> list[str]:
    return names[-1:] if len(names) == 2 and names[0] in ("public", "pg_catalog") else names


# pg_catalog's trigger functions a user may name (the RI_FKey_* ones are the server's own).
_BUILTIN_TRIGGER_FUNCTIONS = frozenset({"tsvector_update_trigger", "tsvector_update_trigger_column",
                                        "suppress_redundant_updates_trigger"})


def _trigger_function(names: list[str], search_path: tuple[str, ...], declared: set[QualifiedName]) -> QualifiedName:
    """The function a trigger executes, found as the server finds it: pg_catalog first, then the
    search_path (a function the files declare there, else the path's first schema)."""
    if len(names) >= 2:
        return QualifiedName(names[-2], names[-1])
    if names[-1] in _BUILTIN_TRIGGER_FUNCTIONS:
        return QualifiedName("pg_catalog", names[-1])
    found = (QualifiedName(s, names[-1]) for s in search_path)
    return next((qn for qn in found if qn in declared), QualifiedName(search_path[0], names[-1]))


def _trigger(table: QualifiedName, name: str, d: dict, declared: set[QualifiedName]) -> Trigger:
    node = dict(d["node"])
    function = _trigger_function(strings(node["funcname"]), d["search_path"], declared)
    key_node = {k: v for k, v in node.items() if k not in ("trigname", "relation", "replace", "funcname")}
    bare = function.schema in ("public", "pg_catalog")
    key_node["function"] = [function.name] if bare else [function.schema, function.name]
    if node.get("constrrel"):
        rv = node["constrrel"]
        key_node["constrrel"] = [rv.get("schemaname") or "public", rv["relname"]]
    node["relation"] = {"relname": table.name, "schemaname": table.schema, "inh": True, "relpersistence": "p"}
    # pg_catalog's functions are printed bare, as the server prints them.
    node["funcname"] = [{"String": {"sval": n}} for n in
                        ([function.name] if function.schema == "pg_catalog" else [function.schema, function.name])]
    node.pop("replace", None)
    return Trigger(table, name, Expr(canonical({"CreateTrigStmt": key_node}), {"CreateTrigStmt": node}),
                   function, d["enabled"], d["comment"], d["origin"])


def _domain(qn: QualifiedName, d: dict, taken: set[str]) -> Domain:
    checks = []
    for c in d["checks"]:
        name = c.get("conname") or choose_name(qn.name, None, "check", taken)
        validated = not c.get("skip_validation") and c.get("initially_valid", True) is not False
        checks.append(DomainCheck(name, make_expr(c["raw_expr"]), validated))
    default = make_expr(d["default"]) if d["default"] is not None else None
    return Domain(qn, d["base"], d["not_null"], default, d["collation"], tuple(sorted(checks, key=lambda c: c.name)),
                  d["comment"], d["origin"])


def _policy(table: QualifiedName, name: str, d: dict) -> Policy:
    using = make_expr(d["using"]) if d["using"] else None
    check = make_expr(d["check"]) if d["check"] else None
    return Policy(table, name, d["command"], bool(d["permissive"]), tuple(d["roles"]), using, check,
                  d["comment"], d["origin"])


def freeze_programs(b: Builder, columns_of: Columns) -> dict:
    """The new catalog fields (functions, triggers, ...) from the builder's drafts; `columns_of`
    gives a relation's columns to SQL-standard bodies (bodies.py)."""
    from .aggregates import freeze_aggregate
    from .carried import freeze_carried
    functions = {fn: freeze_aggregate(fn, d, b.functions) if d.get("aggregate") else _function(fn, d, columns_of)
                 for fn, d in b.functions.items()}
    declared = {fn.qualified for fn in functions}
    triggers = {k: _trigger(k[0], k[1], d, declared) for k, d in b.triggers.items()}
    domains = {}
    for qn, d in b.domains.items():
        domains[qn] = _domain(qn, d, b.constraint_names.setdefault(qn.schema, set()))
    composites = {qn: CompositeType(qn, tuple(d["attributes"]), d["comment"], d["origin"])
                  for qn, d in b.composites.items()}
    ranges = {qn: RangeType(qn, d["subtype"], tuple(d["options"]), d["comment"], d["origin"])
              for qn, d in b.ranges.items()}
    policies = {k: _policy(k[0], k[1], d) for k, d in b.policies.items()}
    # What every function and type grants by default: EXECUTE / USAGE to PUBLIC, unless revoked;
    # and what PUBLIC has on schema public in a new database (see public_schema_grants).
    base = {Grant("function", str(fn), "public", "EXECUTE") for fn in functions}
    base |= {Grant("type", str(qn), "public", "USAGE")
             for qn in list(b.enums) + list(domains) + list(composites) + list(ranges)}
    grants = fold_all(apply_acl(base | _PUBLIC_SCHEMA_DEFAULT, b.grants, b.revokes))
    return {"functions": functions, "triggers": triggers, "domains": domains, "composites": composites,
            "ranges": ranges, "policies": policies, "grants": frozenset(grants), "owners": frozenset(b.owners.values()),
            "default_privileges": frozenset(b.default_privileges), "carried": freeze_carried(b),
            "owner_privileges": frozenset(owner_privileges(b)),
            "public_schema_grants_14": frozenset(public_schema_grants(b, _PUBLIC_SCHEMA_DEFAULT_14))}


# PUBLIC's privileges on schema public in a new database: USAGE since PostgreSQL 15, CREATE too
# before.  A file that says nothing about them means the server's default, whichever it is, so
# the files' grants on schema public are worked out from both (Catalog.public_schema_grants_14).
_PUBLIC_SCHEMA_DEFAULT = frozenset({Grant("schema", "public", "public", "USAGE")})
_PUBLIC_SCHEMA_DEFAULT_14 = frozenset({Grant("schema", "public", "public", "ALL")})


def owner_privileges(b: Builder) -> list[OwnerPrivileges]:
    """For every role a REVOKE of a whole object names: what it keeps if it owns the object,
    replaying that role's GRANTs and REVOKEs on the object from every privilege (an owner's
    start).  The diff keeps the one of the owner (model OwnerPrivileges)."""
    from bisect import bisect_left
    targets = {(r.object_kind, r.object_name, r.grantee) for r, option, _ in b.revokes
               if r.column is None and not option and r.grantee != "public"}
    if not targets:
        return []
    grants: dict[tuple, list[tuple[int, Grant]]] = {}
    for i, g in enumerate(b.grants):
        key = (g.object_kind, g.object_name, g.grantee)
        if key in targets and g.column is None:
            grants.setdefault(key, []).append((i, g))
    revoked: dict[tuple, list[tuple[Grant, bool, int]]] = {}
    for r, option, n in b.revokes:
        if r.column is None:
            revoked.setdefault((r.object_kind, r.object_name, r.grantee), []).append((r, option, n))
    out = []
    for key in sorted(targets):
        kind, name, role = key
        mine = grants.get(key, [])
        at = [i for i, _ in mine]
        revokes = [(r, option, bisect_left(at, n)) for r, option, n in revoked[key]]
        kept = fold_all(apply_acl({Grant(kind, name, role, "ALL")}, [g for _, g in mine], revokes))
        out.append(OwnerPrivileges(kind, name, role, tuple(sorted({g.privilege for g in kept}))))
    return out


def _on_public_schema(g: Grant) -> bool:
    return g.object_kind == "schema" and g.object_name == "public"


def public_schema_grants(b: Builder, base: frozenset[Grant]) -> set[Grant]:
    """The grants on schema public that the files' GRANT and REVOKE statements leave from `base`."""
    grants = [g for g in b.grants if _on_public_schema(g)]
    revokes = [(r, option, sum(1 for g in b.grants[:n] if _on_public_schema(g)))
               for r, option, n in b.revokes if _on_public_schema(r)]
    return fold_all(apply_acl(set(base), grants, revokes))


__all__ = ["freeze_programs", "quote_ident"]
