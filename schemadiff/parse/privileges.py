"""GRANT / REVOKE / ALTER DEFAULT PRIVILEGES -> sets of Grant values.

Why expanded to one value per (object, grantee, privilege): the live side's
ACLs come back that way, so comparing sets is exact and the diff is a set
difference.  `ALL` stays one token: what it expands to depends on the server
version (PostgreSQL 17 added MAINTAIN), and the introspector writes ALL when a
grantee holds every privilege.
"""
from __future__ import annotations

from ..errors import ParseError
from ..model import DefaultPrivilege, FunctionName, Grant, QualifiedName
from ..model.types import format_type
from .builder import Builder, Context, Unsupported
from .nodes import strings, unwrap
from .programs import _role_name, function_name

# What `ALL` means where a REVOKE takes part of it away (MAINTAIN left out: not on every version).
_ALL = {"table": ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
        "sequence": ["USAGE", "SELECT", "UPDATE"], "function": ["EXECUTE"], "procedure": ["EXECUTE"],
        "schema": ["USAGE", "CREATE"], "type": ["USAGE"], "domain": ["USAGE"]}
_KINDS = {"OBJECT_TABLE": "table", "OBJECT_SEQUENCE": "sequence", "OBJECT_FUNCTION": "function",
          "OBJECT_PROCEDURE": "procedure", "OBJECT_ROUTINE": "function", "OBJECT_SCHEMA": "schema",
          "OBJECT_TYPE": "type", "OBJECT_DOMAIN": "type"}


_SINGLE = {"function": "EXECUTE", "type": "USAGE"}
# ALTER DEFAULT PRIVILEGES ... ON FUNCTIONS / TYPES: ALL is their one privilege, as the server stores it.
_DEFAULT_KIND = {"functions": "function", "types": "type"}


def _privileges(node: dict, kind: str | None = None) -> list[tuple[str, str | None]]:
    privs = node.get("privileges")
    if not privs:
        return [(_SINGLE.get(kind, "ALL") if kind is not None else "ALL", None)]
    out: list[tuple[str, str | None]] = []
    for p in privs:
        body = unwrap(p)[1]
        name = (body.get("priv_name") or "all").upper()
        if name == "ALL" and kind in _SINGLE:
            name = _SINGLE[kind]
        cols: list[str | None] = [*strings(body.get("cols"))] or [None]
        out.extend((name, c) for c in cols)
    return out


def _objects(b: Builder, node: dict, ctx: Context, kind: str) -> list[str]:
    """The canonical names of the objects a GRANT names."""
    if node.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
        schemas = set(strings(node.get("objects")))
        if kind == "table":
            rels = [qn for qn in list(b.tables) + list(b.views) if qn.schema in schemas]
            return [str(qn) for qn in rels if not (qn in b.tables and b.tables[qn].partition_of)]
        if kind == "sequence":
            return [str(qn) for qn in b.sequences if qn.schema in schemas]
        if kind in ("function", "procedure"):
            return [str(fn) for fn in b.functions if fn.schema in schemas]
        raise Unsupported(f"GRANT ON ALL {kind.upper()}S")
    out = []
    for obj in node.get("objects", ()):
        okind, body = unwrap(obj)
        if kind in ("table", "sequence"):
            pool = b.tables if kind == "table" else b.sequences
            qn = b.qualify(body, ctx, {**pool, **b.views} if kind == "table" else pool)
            if qn not in pool and qn not in b.views:
                raise ParseError([(ctx.location, f"GRANT on {qn.display}, which is declared nowhere")])
            out.append(str(qn))
        elif kind in ("function", "procedure"):
            out.append(str(declared_function(b, body, ctx, "GRANT on")))
        elif kind == "schema":
            out.append(_quote(const_text(obj)))
        elif kind == "type":
            names = strings(body.get("names")) if okind == "TypeName" else strings([obj])
            out.append(str(_qualify(b, names, ctx)))
    return out


def declared_function(b: Builder, body: dict, ctx: Context, statement: str) -> FunctionName:
    """The declared function an ObjectWithArgs names (`f` alone when only one has that name);
    `statement` starts the error messages ("GRANT on")."""
    names = strings(body.get("objname"))
    if body.get("args_unspecified"):
        matches = [fn for fn in b.functions if fn.qualified == _qualify(b, names, ctx)]
        if len(matches) != 1:
            raise ParseError([(ctx.location, f"{statement} {'.'.join(names)}: give the argument types")])
        return matches[0]
    fn = function_name(names, body.get("objargs"), ctx)
    if fn not in b.functions:
        raise ParseError([(ctx.location, f"{statement} function {fn.display}, which is declared nowhere")])
    return fn


def _items(arg) -> list:
    """A DefElem argument that is a list: bare, or wrapped as {"List": {"items": [...]}}."""
    if not arg:
        return []
    if isinstance(arg, dict) and "List" in arg:
        return arg["List"].get("items", [])
    return arg if isinstance(arg, list) else [arg]


def const_text(obj) -> str:
    kind, body = unwrap(obj)
    return body.get("sval", "")


def _quote(name: str) -> str:
    from ..model import quote_ident
    return quote_ident(name)


def _qualify(b: Builder, names: list[str], ctx: Context) -> QualifiedName:
    if len(names) >= 2:
        return QualifiedName(names[-2], names[-1])
    return QualifiedName(ctx.schema, names[-1])


def grant_statement(b: Builder, node: dict, ctx: Context) -> None:
    objtype = node.get("objtype")
    kind = _KINDS.get(objtype or "")
    if kind is None:
        raise Unsupported(f"GRANT ON {str(objtype).removeprefix('OBJECT_')}")
    if kind == "procedure":
        kind = "function"
    grantees = [_role_name(g) for g in node.get("grantees", ())]
    b.roles_named.update(grantees)
    option = bool(node.get("grant_option"))
    for name in _objects(b, node, ctx, kind):
        for priv, col in _privileges(node, kind):
            for grantee in grantees:
                g = Grant(kind, name, grantee, priv, col, option)
                if node.get("is_grant"):
                    b.grants.append(g)
                else:  # with how many grants came before it: statements act in file order
                    b.revokes.append((g, option, len(b.grants)))


def default_privileges_statement(b: Builder, node: dict, ctx: Context) -> None:
    opts = {unwrap(o)[1]["defname"]: unwrap(o)[1].get("arg") for o in node.get("options", ())}
    roles: list[str | None] = [_role_name(r) for r in _items(opts.get("roles"))] or [None]
    schemas: list[str | None] = [*strings(_items(opts.get("schemas")))] or [None]
    action = node["action"].get("GrantStmt", node["action"])  # a bare GrantStmt body (typed field)
    kind = {"OBJECT_TABLE": "tables", "OBJECT_SEQUENCE": "sequences", "OBJECT_FUNCTION": "functions",
            "OBJECT_ROUTINE": "functions", "OBJECT_TYPE": "types", "OBJECT_SCHEMA": "schemas"}.get(action["objtype"])
    if kind is None:
        raise Unsupported(f"ALTER DEFAULT PRIVILEGES ... ON {action['objtype']}")
    grantees = [_role_name(g) for g in action.get("grantees", ())]
    b.roles_named.update(grantees)
    for role in roles:
        for schema in schemas:
            for priv, _ in _privileges(action, _DEFAULT_KIND.get(kind)):
                for grantee in grantees:
                    dp = DefaultPrivilege(role, schema, kind, grantee, priv, bool(action.get("grant_option")))
                    _default_privilege(b, dp, bool(action.get("is_grant")))


# What every role's new functions and types grant PUBLIC without any ALTER DEFAULT PRIVILEGES.
_BUILT_IN_DEFAULTS = {("functions", "public", "EXECUTE"), ("types", "public", "USAGE")}


def _default_privilege(b: Builder, dp: DefaultPrivilege, is_grant: bool) -> None:
    """One GRANT or REVOKE of ALTER DEFAULT PRIVILEGES, kept as a difference from the built-in
    defaults as the server keeps it (pg_default_acl has no entry for a role's restated default)."""
    built_in = dp.schema is None and not dp.grantable and (dp.object_kind, dp.grantee, dp.privilege) \
        in _BUILT_IN_DEFAULTS
    same = [d for d in b.default_privileges if (d.role, d.schema, d.object_kind, d.grantee) == (
        dp.role, dp.schema, dp.object_kind, dp.grantee) and d.privilege in (dp.privilege, "ALL")]
    if is_grant:
        b.default_privileges = [d for d in b.default_privileges if not (d.revoked and d in same)]
        if not built_in:
            b.default_privileges.append(dp)
        return
    b.default_privileges = [d for d in b.default_privileges if d not in same]
    if built_in:
        b.default_privileges.append(DefaultPrivilege(dp.role, None, dp.object_kind, dp.grantee, dp.privilege,
                                                     revoked=True))


def fold_all(grants: set[Grant]) -> set[Grant]:
    """Every privilege of an object kind held by one grantee is ALL, however it was spelled.

    MAINTAIN (PostgreSQL 17+) is part of ALL where it exists and ignored otherwise.
    """
    groups: dict[tuple, set[str]] = {}
    for g in grants:
        groups.setdefault((g.object_kind, g.object_name, g.grantee, g.column, g.grantable), set()).add(g.privilege)
    out: set[Grant] = set()
    for (kind, name, grantee, column, grantable), privs in groups.items():
        full = set(_ALL.get(kind, ()))
        if kind not in _SINGLE and column is None and full and (privs >= full or "ALL" in privs):
            privs = {"ALL"}
        out |= {Grant(kind, name, grantee, p, column, grantable) for p in privs}
    return out


def apply_acl(base: set[Grant], grants: list[Grant], revokes: list[tuple[Grant, bool, int]]) -> set[Grant]:
    """What `base` (the privileges objects have when created) becomes under the GRANT and REVOKE
    statements, in file order: each revoke carries the number of grants written before it, so
    `REVOKE ALL ... FROM PUBLIC; GRANT USAGE ... TO PUBLIC` leaves the USAGE (pg_dump's order)."""
    out = set(base)
    pending = sorted(revokes, key=lambda r: r[2])
    i = 0
    for n, g in enumerate(grants):
        while i < len(pending) and pending[i][2] <= n:
            _revoke(out, *pending[i][:2])
            i += 1
        out.add(g)
    for r, option_only, _ in pending[i:]:
        _revoke(out, r, option_only)
    return out


def _revoke(grants: set[Grant], r: Grant, option_only: bool) -> None:
    """Take one revoke away from `grants`; a partial revoke of ALL leaves the rest of ALL."""
    for g in list(grants):
        if (g.object_kind, g.object_name, g.grantee, g.column) != (r.object_kind, r.object_name, r.grantee,
                                                                   r.column):
            continue
        if r.privilege in (g.privilege, "ALL"):
            grants.discard(g)
            if option_only:
                grants.add(Grant(g.object_kind, g.object_name, g.grantee, g.privilege, g.column, False))
        elif g.privilege == "ALL":
            grants.discard(g)
            # MAINTAIN stays with the rest where the server has it (17+); the diff drops it elsewhere.
            for p in _ALL.get(g.object_kind, []) + (["MAINTAIN"] if g.object_kind == "table" else []):
                if p != r.privilege:
                    grants.add(Grant(g.object_kind, g.object_name, g.grantee, p, g.column, g.grantable))


__all__ = ["grant_statement", "default_privileges_statement", "apply_acl", "format_type"]
