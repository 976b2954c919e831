"""Handlers for views, functions, triggers, domains, composite and range types, policies and grants.

These objects are whole in one statement (bar comments, grants and ALTER
TABLE ... ENABLE/DISABLE), so their drafts are plain dicts; freeze.py makes
model values of them once every table is known (view normalization needs the
tables' columns).
"""
from __future__ import annotations

from ..errors import ParseError
from ..model import FunctionName, QualifiedName
from ..model.types import format_type, without_typmod
from .builder import Builder, Context, Unsupported, handles
from .nodes import const_value, def_elems, strings, unwrap

TYPES, PROGRAMS, ALTERS, LAST = 1, 3, 4, 5


# -- functions and procedures ----------------------------------------------------------------
_IDENTITY_MODES = ("FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC", "FUNC_PARAM_DEFAULT")


def function_name(names: list[str], params: list | None, ctx: Context) -> FunctionName:
    qn = QualifiedName(names[-2], names[-1]) if len(names) >= 2 else QualifiedName(ctx.schema, names[-1])
    types = []
    for p in params or ():
        kind, body = unwrap(p)
        if kind == "FunctionParameter":
            if body.get("mode", "FUNC_PARAM_DEFAULT") in _IDENTITY_MODES:
                types.append(without_typmod(format_type(body["argType"])))
        else:  # ObjectWithArgs carry bare TypeNames
            types.append(without_typmod(format_type(body)))
    return FunctionName(qn.schema, qn.name, ", ".join(types))


@handles("CreateFunctionStmt", PROGRAMS)
def create_function(b: Builder, node: dict, ctx: Context) -> None:
    name = function_name(strings(node["funcname"]), node.get("parameters"), ctx)
    if name in b.functions and not node.get("replace"):
        raise ParseError([(ctx.location, f"function {name.display} is declared twice")])
    b.functions[name] = {"node": node, "origin": ctx.location, "comment": None, "search_path": ctx.search_path}


# -- triggers -----------------------------------------------------------------------------
@handles("CreateTrigStmt", PROGRAMS)
def create_trigger(b: Builder, node: dict, ctx: Context) -> None:
    if node.get("isconstraint"):
        pass  # constraint triggers are triggers with deferral options; same model
    table = b.qualify(node["relation"], ctx, b.relations)
    key = (table, node["trigname"])
    if key in b.triggers and not node.get("replace"):
        raise ParseError([(ctx.location, f"trigger {node['trigname']} on {table.display} is declared twice")])
    if table not in b.tables and table not in b.views:
        raise ParseError([(ctx.location, f"trigger {node['trigname']}: table {table.display} is declared nowhere")])
    b.triggers[key] = {"node": node, "origin": ctx.location, "comment": None, "enabled": "O",
                       "search_path": ctx.search_path}


# -- views -----------------------------------------------------------------------------------
@handles("ViewStmt", PROGRAMS)
def create_view(b: Builder, node: dict, ctx: Context) -> None:
    rv = node["view"]
    if rv.get("relpersistence") == "t":
        raise Unsupported("temporary views")
    qn = b.qualify(rv, ctx)
    if qn in b.views and not node.get("replace"):
        raise ParseError([(ctx.location, f"view {qn.display} is declared twice")])
    b.take_relation_name(qn.schema, qn.name, ctx) if qn not in b.views else None
    b.views[qn] = {"query": node["query"], "materialized": False, "columns": strings(node.get("aliases")),
                   "options": node.get("options"), "check": node.get("withCheckOption", "NO_CHECK_OPTION"),
                   "origin": ctx.location, "comment": None, "column_comments": {}, "search_path": ctx.search_path,
                   "with_data": True}


@handles("CreateTableAsStmt", PROGRAMS)
def create_materialized_view(b: Builder, node: dict, ctx: Context) -> None:
    if node.get("objtype") != "OBJECT_MATVIEW":
        raise Unsupported("CREATE TABLE ... AS (declare the table, load data separately)")
    into = node["into"]
    qn = b.qualify(into["rel"], ctx)
    if qn in b.views:
        if node.get("if_not_exists"):
            return
        raise ParseError([(ctx.location, f"materialized view {qn.display} is declared twice")])
    b.take_relation_name(qn.schema, qn.name, ctx)
    b.views[qn] = {"query": node["query"], "materialized": True, "columns": strings(into.get("colNames")),
                   "options": into.get("options"), "check": "NO_CHECK_OPTION", "origin": ctx.location,
                   "comment": None, "column_comments": {}, "search_path": ctx.search_path,
                   "with_data": not into.get("skipData")}


# -- domains, composite and range types --------------------------------------------------------
@handles("CreateDomainStmt", TYPES)
def create_domain(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify_names(strings(node["domainname"]), ctx)
    if qn in b.domains:
        raise ParseError([(ctx.location, f"domain {qn.display} is declared twice")])
    checks, not_null, default = [], False, None
    for c in node.get("constraints", ()):
        body = unwrap(c)[1]
        t = body["contype"]
        if t == "CONSTR_NOTNULL":
            not_null = True
        elif t == "CONSTR_NULL":
            not_null = False
        elif t == "CONSTR_DEFAULT":
            default = body.get("raw_expr")
        elif t == "CONSTR_CHECK":
            checks.append(body)
        else:
            raise Unsupported(f"domain constraint {t}")
    collation = None
    if node.get("collClause"):
        from .handlers import _collation
        collation = _collation(node["collClause"])
    b.domains[qn] = {"base": format_type(node["typeName"]), "not_null": not_null, "default": default,
                     "checks": checks, "collation": collation, "origin": ctx.location, "comment": None}


@handles("AlterDomainStmt", ALTERS)
def alter_domain(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify_names(strings(node["typeName"]), ctx, b.domains)
    d = b.domains.get(qn)
    if d is None:
        raise ParseError([(ctx.location, f"domain {qn.display} is declared nowhere")])
    sub = node.get("subtype")
    if sub == "C":
        d["checks"].append(unwrap(node["def"])[1])
    elif sub == "X":
        d["checks"] = [c for c in d["checks"] if c.get("conname") != node.get("name")]
    elif sub == "T":
        d["default"] = node.get("def")
    elif sub in ("N", "O"):
        d["not_null"] = sub == "O"
    else:
        raise Unsupported(f"ALTER DOMAIN ({sub})")


@handles("CompositeTypeStmt", TYPES)
def create_composite(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify(node["typevar"], ctx)
    if qn in b.composites:
        raise ParseError([(ctx.location, f"type {qn.display} is declared twice")])
    attrs = []
    for c in node.get("coldeflist", ()):
        body = unwrap(c)[1]
        collation = None
        if body.get("collClause"):
            from .handlers import _collation
            collation = _collation(body["collClause"])
        attrs.append((body["colname"], format_type(body["typeName"]), collation))
    b.take_relation_name(qn.schema, qn.name, ctx)
    b.composites[qn] = {"attributes": attrs, "origin": ctx.location, "comment": None}


@handles("CreateRangeStmt", TYPES)
def create_range(b: Builder, node: dict, ctx: Context) -> None:
    qn = b.qualify_names(strings(node["typeName"]), ctx)
    opts = def_elems(node.get("params"))
    subtype = format_type(opts["subtype"]["TypeName"] if "TypeName" in opts["subtype"] else opts["subtype"])
    options = []
    for key in ("subtype_opclass", "collation", "canonical", "subtype_diff", "multirange_type_name"):
        if key in opts:
            value = opts[key]
            text = ".".join(strings(value["List"]["items"])) if isinstance(value, dict) and "List" in value \
                else const_value(value) if not (isinstance(value, dict) and "TypeName" in value) \
                else format_type(value["TypeName"])
            options.append((key, str(text)))
    b.ranges[qn] = {"subtype": subtype, "options": options, "origin": ctx.location, "comment": None}


# -- row-level security ---------------------------------------------------------------------
@handles("CreatePolicyStmt", ALTERS)
def create_policy(b: Builder, node: dict, ctx: Context) -> None:
    table = b.table(node["table"], ctx)
    key = (table.name, node["policy_name"])
    if key in b.policies:
        raise ParseError([(ctx.location, f"policy {node['policy_name']} on {table.name.display} is declared twice")])
    roles = sorted(_role_name(r) for r in node.get("roles", ()) or ())
    b.roles_named.update(r for r in roles if r != "public")
    b.policies[key] = {"command": node.get("cmd_name", "all"), "permissive": node.get("permissive", False),
                       "roles": roles or ["public"], "using": node.get("qual"), "check": node.get("with_check"),
                       "origin": ctx.location, "comment": None}


@handles("AlterPolicyStmt", LAST)
def alter_policy(b: Builder, node: dict, ctx: Context) -> None:
    table = b.table(node["table"], ctx)
    p = b.policies.get((table.name, node["policy_name"]))
    if p is None:
        raise ParseError([(ctx.location, f"policy {node['policy_name']} is declared nowhere")])
    if node.get("roles"):
        p["roles"] = sorted(_role_name(r) for r in node["roles"])
    if node.get("qual"):
        p["using"] = node["qual"]
    if node.get("with_check"):
        p["check"] = node["with_check"]


def _role_name(spec: dict) -> str:
    body = unwrap(spec)[1]
    kind = body.get("roletype", "ROLESPEC_CSTRING")
    if kind == "ROLESPEC_PUBLIC":
        return "public"
    if kind == "ROLESPEC_CSTRING":
        return body["rolename"]
    return {"ROLESPEC_CURRENT_USER": "current_user", "ROLESPEC_SESSION_USER": "session_user",
            "ROLESPEC_CURRENT_ROLE": "current_role"}.get(kind, kind)


# -- privileges ------------------------------------------------------------------------------
@handles("GrantStmt", LAST)
def grant(b: Builder, node: dict, ctx: Context) -> None:
    from .privileges import grant_statement
    grant_statement(b, node, ctx)


@handles("AlterOwnerStmt", LAST)
def alter_owner(b: Builder, node: dict, ctx: Context) -> None:
    from .owners import owner_statement
    owner_statement(b, node, ctx)


@handles("AlterDefaultPrivilegesStmt", LAST)
def default_privileges(b: Builder, node: dict, ctx: Context) -> None:
    from .privileges import default_privileges_statement
    default_privileges_statement(b, node, ctx)
