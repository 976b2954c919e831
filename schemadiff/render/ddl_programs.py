"""SQL for views, functions, triggers, domains, composite/range types, policies and privileges."""
from __future__ import annotations

from ..diff import Change
from ..model import Grant, Policy, quote_ident, quote_literal
from .base import options_delta, renders

q = quote_ident


@renders("create_function")
def _(c: Change) -> list[str]:
    return _under_path(c.new, c.new.definition.sql + ";")


@renders("replace_function")
def _(c: Change) -> list[str]:
    return _under_path(c.new, c.new.definition.sql + ";")


def _under_path(f, sql: str) -> list[str]:
    """A function the files created under their own search_path is created under it again: its
    body's unqualified names are resolved through it (model Function.search_path)."""
    if not f.search_path:
        return [sql]
    path = ", ".join(quote_ident(s) for s in f.search_path)
    return [f"SET search_path = {path};", sql, "RESET search_path;"]


@renders("drop_function")
def _(c: Change) -> list[str]:
    return [f"DROP {c.old.kind.upper()} {c.old.name};"]


@renders("create_trigger")
def _(c: Change) -> list[str]:
    return [c.new.sql + ";"]


@renders("drop_trigger")
def _(c: Change) -> list[str]:
    return [f"DROP TRIGGER {q(c.old.name)} ON {c.old.table};"]


_TRIGGER_STATE = {"O": "ENABLE TRIGGER", "D": "DISABLE TRIGGER", "R": "ENABLE REPLICA TRIGGER",
                  "A": "ENABLE ALWAYS TRIGGER"}


@renders("set_trigger_state")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {c.new.table} {_TRIGGER_STATE[c.new.enabled]} {q(c.new.name)};"]


@renders("create_view")
def _(c: Change) -> list[str]:
    v = c.new
    cols = f" ({', '.join(q(x) for x in v.columns)})" if v.columns else ""
    opts = f" WITH ({', '.join(v.options)})" if v.options else ""
    if v.materialized:
        data = "" if v.with_data else " WITH NO DATA"
        return [f"CREATE MATERIALIZED VIEW {v.name}{cols}{opts} AS\n{v.query.sql}{data};"]
    check = f"\nWITH {v.check_option.upper()} CHECK OPTION" if v.check_option else ""
    return [f"CREATE VIEW {v.name}{cols}{opts} AS\n{v.query.sql}{check};"]


@renders("drop_view")
def _(c: Change) -> list[str]:
    return [f"DROP {'MATERIALIZED VIEW' if c.old.materialized else 'VIEW'} {c.old.name};"]


@renders("set_view_options")
def _(c: Change) -> list[str]:
    kind = "MATERIALIZED VIEW" if c.new.materialized else "VIEW"
    return options_delta(f"ALTER {kind} {c.new.name}", c.old.options, c.new.options)


# -- types ------------------------------------------------------------------------------------------
@renders("create_domain")
def _(c: Change) -> list[str]:
    d = c.new
    parts = [f"CREATE DOMAIN {d.name} AS {d.base_type}"]
    if d.collation:
        parts.append(f"COLLATE {d.collation}")
    if d.default is not None:
        parts.append(f"DEFAULT {d.default.sql}")
    if d.not_null:
        parts.append("NOT NULL")
    for chk in d.checks:
        parts.append(f"CONSTRAINT {q(chk.name)} CHECK ({chk.expr.sql})")
    return [" ".join(parts) + ";"]


@renders("alter_domain")
def _(c: Change) -> list[str]:
    old, new = c.old, c.new
    alter = f"ALTER DOMAIN {new.name}"
    out = []
    if old.default != new.default:
        out.append(f"{alter} DROP DEFAULT;" if new.default is None else f"{alter} SET DEFAULT {new.default.sql};")
    if old.not_null != new.not_null:
        out.append(f"{alter} {'SET' if new.not_null else 'DROP'} NOT NULL;")
    before = {k.name: k for k in old.checks}
    after = {k.name: k for k in new.checks}
    for name, chk in before.items():
        if name not in after or after[name] != chk:
            out.append(f"{alter} DROP CONSTRAINT {q(name)};")
    for name, chk in after.items():
        if name not in before or before[name] != chk:
            out.append(f"{alter} ADD CONSTRAINT {q(name)} CHECK ({chk.expr.sql});")
    return out


@renders("drop_domain")
def _(c: Change) -> list[str]:
    return [f"DROP DOMAIN {c.old.name};"]


def _attribute(a: tuple[str, str, str | None]) -> str:
    name, type_, collation = a
    return f"{q(name)} {type_}" + (f" COLLATE {collation}" if collation else "")


@renders("create_composite")
def _(c: Change) -> list[str]:
    return [f"CREATE TYPE {c.new.name} AS ({', '.join(_attribute(a) for a in c.new.attributes)});"]


@renders("alter_composite")
def _(c: Change) -> list[str]:
    """Attributes are added and dropped in place; an attribute's type cannot change while a column
    holds the type, so those columns go to text and back around it."""
    before = {a[0]: a for a in c.old.attributes}
    after = {a[0]: a for a in c.new.attributes}
    retype = [f"ALTER ATTRIBUTE {q(n)} TYPE {a[1]}" + (f" COLLATE {a[2]}" if a[2] else "")
              for n, a in after.items() if n in before and before[n] != a]
    out = []
    columns = c.arg("columns", ()) if retype else ()
    for table, col, is_array in columns:
        out.append(f"ALTER TABLE {table} ALTER COLUMN {q(col)} TYPE text{'[]' if is_array else ''} "
                   f"USING {q(col)}::text{'[]' if is_array else ''};")
    if retype:
        out.append(f"ALTER TYPE {c.new.name} {', '.join(retype)};")
    for table, col, is_array in columns:
        t = f"{c.new.name}{'[]' if is_array else ''}"
        out.append(f"ALTER TABLE {table} ALTER COLUMN {q(col)} TYPE {t} USING {q(col)}::{t};")
    actions = [f"DROP ATTRIBUTE {q(n)}" for n in before if n not in after]
    actions += [f"ADD ATTRIBUTE {_attribute(a)}" for n, a in after.items() if n not in before]
    if actions:
        out.append(f"ALTER TYPE {c.new.name} {', '.join(actions)};")
    return out


@renders("drop_composite")
def _(c: Change) -> list[str]:
    return [f"DROP TYPE {c.old.name};"]


@renders("create_range")
def _(c: Change) -> list[str]:
    opts = [f"SUBTYPE = {c.new.subtype}"] + [f"{k.upper()} = {v}" for k, v in c.new.options]
    return [f"CREATE TYPE {c.new.name} AS RANGE ({', '.join(opts)});"]


@renders("drop_range")
def _(c: Change) -> list[str]:
    return [f"DROP TYPE {c.old.name};"]


# -- row-level security --------------------------------------------------------------------------
@renders("set_row_security")
def _(c: Change) -> list[str]:
    out = []
    if c.old.rls_enabled != c.new.rls_enabled:
        out.append(f"ALTER TABLE {c.new.name} {'ENABLE' if c.new.rls_enabled else 'DISABLE'} ROW LEVEL SECURITY;")
    if c.old.rls_forced != c.new.rls_forced:
        out.append(f"ALTER TABLE {c.new.name} {'' if c.new.rls_forced else 'NO '}FORCE ROW LEVEL SECURITY;")
    return out


def _roles(roles) -> str:
    return ", ".join("PUBLIC" if r == "public" else r.upper() if r in ("current_user", "session_user",
                                                                          "current_role") else q(r) for r in roles)


@renders("create_policy")
def _(c: Change) -> list[str]:
    return renders_policy(c.new)


def renders_policy(p: Policy) -> list[str]:
    sql = f"CREATE POLICY {q(p.name)} ON {p.table} AS {'PERMISSIVE' if p.permissive else 'RESTRICTIVE'} " \
          f"FOR {p.command.upper()} TO {_roles(p.roles)}"
    if p.using is not None:
        sql += f" USING ({p.using.sql})"
    if p.with_check is not None:
        sql += f" WITH CHECK ({p.with_check.sql})"
    return [sql + ";"]


@renders("alter_policy")
def _(c: Change) -> list[str]:
    p = c.new
    sql = f"ALTER POLICY {q(p.name)} ON {p.table} TO {_roles(p.roles)}"
    if p.using is not None:
        sql += f" USING ({p.using.sql})"
    if p.with_check is not None:
        sql += f" WITH CHECK ({p.with_check.sql})"
    out = [sql + ";"]
    if (c.old.using is not None and p.using is None) or (c.old.with_check is not None and p.with_check is None):
        # ALTER POLICY cannot remove a clause: recreate.
        out = [f"DROP POLICY {q(p.name)} ON {p.table};"] + renders_policy(p)
    return out


@renders("drop_policy")
def _(c: Change) -> list[str]:
    return [f"DROP POLICY {q(c.old.name)} ON {c.old.table};"]


# -- privileges --------------------------------------------------------------------------------------
def _on(g: Grant) -> str:
    kind = {"table": "TABLE", "sequence": "SEQUENCE", "function": "ROUTINE", "schema": "SCHEMA",
            "type": "TYPE"}[g.object_kind]
    return f"{kind} {g.object_name}"


def _privilege(g: Grant) -> str:
    priv = "ALL PRIVILEGES" if g.privilege == "ALL" else g.privilege
    return f"{priv} ({q(g.column)})" if g.column else priv


@renders("grant")
def _(c: Change) -> list[str]:
    g = c.new
    option = " WITH GRANT OPTION" if g.grantable else ""
    return [f"GRANT {_privilege(g)} ON {_on(g)} TO {_roles([g.grantee])}{option};"]


@renders("set_owner")
def _(c: Change) -> list[str]:
    o = c.new
    return [f"ALTER {o.keyword} {o.object_name} OWNER TO {_roles([o.role])};"]


@renders("revoke")
def _(c: Change) -> list[str]:
    g = c.old
    return [f"REVOKE {_privilege(g)} ON {_on(g)} FROM {_roles([g.grantee])};"]


@renders("set_owner_privileges")
def _(c: Change) -> list[str]:
    role, privileges = c.new
    on = _on(Grant(c.arg("kind"), c.arg("name"), role, "ALL"))
    if privileges is None:  # back to every privilege, an owner's default
        return [f"GRANT ALL ON {on} TO {_roles([role])};"]
    kept = [p for p in privileges if p != "ALL"]
    return [f"REVOKE ALL ON {on} FROM {_roles([role])};"] + (
        [f"GRANT {', '.join(kept)} ON {on} TO {_roles([role])};"] if kept else [])


def _default_target(p) -> str:
    role = f" FOR ROLE {q(p.role)}" if p.role else ""
    schema = f" IN SCHEMA {q(p.schema)}" if p.schema else ""
    return role + schema


@renders("grant_default")
def _(c: Change) -> list[str]:
    return [_default_statement(c.new, grant=not c.new.revoked)]


@renders("revoke_default")
def _(c: Change) -> list[str]:
    return [_default_statement(c.old, grant=c.old.revoked)]


def _default_statement(p, grant: bool) -> str:
    """ALTER DEFAULT PRIVILEGES that grants or revokes `p` (taking a revoked built-in default
    away grants it back)."""
    priv = "ALL PRIVILEGES" if p.privilege == "ALL" else p.privilege
    if grant:
        option = " WITH GRANT OPTION" if p.grantable else ""
        return (f"ALTER DEFAULT PRIVILEGES{_default_target(p)} GRANT {priv} ON {p.object_kind.upper()} "
                f"TO {_roles([p.grantee])}{option};")
    return (f"ALTER DEFAULT PRIVILEGES{_default_target(p)} REVOKE {priv} ON {p.object_kind.upper()} "
            f"FROM {_roles([p.grantee])};")


__all__ = ["quote_literal"]
