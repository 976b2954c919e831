"""Diffs of views, functions, triggers, domains, composite/range types, policies and privileges.

Separate from compare.py only to keep modules small; the _Differ calls these.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from ..graph import (function_dependencies, function_ref, functions_used, policy_dependencies, schema_ref,
                     table_ref, trigger_dependencies, type_dependencies, type_dependency, type_ref, view_ref)
from ..model import (Catalog, CompositeType, DefaultPrivilege, Domain, Grant, ObjectRef, Policy, QualifiedName,
                     RangeType, Trigger, ref)

if TYPE_CHECKING:
    from .compare import _Differ


def diff_functions(d: _Differ) -> None:
    old, new = d.old.functions, d.new.functions
    for fn, f in new.items():
        prev = old.get(fn)
        target = function_ref(fn)
        deps = function_dependencies(f, d.new)
        if prev is None:
            d.add("create_function", target, None, f, creates=[target], requires=deps)
        elif prev.definition != f.definition:
            if prev.returns == f.returns and prev.signature == f.signature and prev.kind == f.kind \
                    and f.kind != "aggregate":  # an aggregate is re-created, never replaced
                # Before what the old body used is dropped (the server tracks SQL bodies' uses).
                d.add("replace_function", target, prev, f, requires=deps | {target},
                      old_requires=function_dependencies(prev, d.old) - deps - {target})
            else:
                d.add("drop_function", target, prev, None, drops=[target],
                      old_requires=function_dependencies(prev, d.old))
                d.add("create_function", target, None, f, creates=[target], requires=deps)
        d.comment(f"{f.kind.upper()} {fn}", target, prev.comment if prev else None, f.comment)
    for fn, f in old.items():
        if fn not in new:
            d.add("drop_function", function_ref(fn), f, None, drops=[function_ref(fn)],
                  old_requires=function_dependencies(f, d.old))


def diff_triggers(d: _Differ) -> None:
    old, new = d.old.triggers, d.new.triggers
    gone_tables = {c.target for c in d.changes if c.kind in ("drop_table", "drop_view")}
    for key, t in new.items():
        prev = old.get(key)
        target = ref("trigger", t.table.schema, t.table.name, t.name)
        if prev is not None and (prev.definition != t.definition or _owner(prev, d.old) in gone_tables):
            if _owner(prev, d.old) not in gone_tables:
                d.add("drop_trigger", target, prev, None, drops=[target],
                      old_requires=trigger_dependencies(prev, d.old))
            prev = None
        if prev is None:
            d.add("create_trigger", target, None, t, creates=[target], requires=trigger_dependencies(t, d.new))
            if t.enabled != "O":
                d.add("set_trigger_state", ref("trigger_state", *target.path), None, t, requires=[target])
        elif prev.enabled != t.enabled:
            d.add("set_trigger_state", ref("trigger_state", *target.path), prev, t, requires=[target])
        d.comment(f"TRIGGER {_q(t.name)} ON {t.table}", target, prev.comment if prev else None, t.comment)
    for key, t in old.items():
        if key not in new and _owner(t, d.old) not in gone_tables:
            target = ref("trigger", t.table.schema, t.table.name, t.name)
            d.add("drop_trigger", target, t, None, drops=[target], old_requires=trigger_dependencies(t, d.old))


def _owner(t: Trigger | Policy, catalog: Catalog) -> ObjectRef:
    return view_ref(t.table) if t.table in catalog.views else table_ref(t.table)


def diff_views(d: _Differ) -> None:
    old, new = d.old.views, d.new.views
    for qn, v in new.items():
        prev = old.get(qn)
        target = view_ref(qn)
        if prev is not None and (prev.query != v.query or prev.materialized != v.materialized
                                 or prev.check_option != v.check_option):
            d.add("drop_view", target, prev, None, drops=[target], old_requires=prev.depends_on)
            prev = None
        if prev is None:
            d.add("create_view", target, None, v, creates=[target], requires=v.depends_on | {schema_ref(qn.schema)})
        elif prev.options != v.options:
            d.add("set_view_options", target, prev, v, requires=[target])
        kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
        d.comment(f"{kind} {qn}", target, prev.comment if prev else None, v.comment)
        before = dict(prev.column_comments) if prev else {}
        for col, text in dict(v.column_comments).items():
            d.comment(f"COLUMN {qn}.{_q(col)}", ref("column", qn.schema, qn.name, col), before.pop(col, None),
                      text, requires=[target])
        for col, text in before.items():
            d.comment(f"COLUMN {qn}.{_q(col)}", ref("column", qn.schema, qn.name, col), text, None,
                      requires=[target])
    for qn, v in old.items():
        if qn not in new:
            d.add("drop_view", view_ref(qn), v, None, drops=[view_ref(qn)], old_requires=v.depends_on)


def diff_types(d: _Differ) -> None:
    for kind, attr in (("domain", "domains"), ("composite", "composites"), ("range", "ranges")):
        old, new = getattr(d.old, attr), getattr(d.new, attr)
        for qn, t in new.items():
            prev = old.get(qn)
            target = type_ref(qn)
            deps = {schema_ref(qn.schema)} | _type_deps(t, d.new)
            if prev is not None and prev != t and _recreate_type(kind, prev, t):
                d.add(f"drop_{kind}", target, prev, None, drops=[target], old_requires=_type_deps(prev, d.old))
                prev = None
            if prev is None:
                d.add(f"create_{kind}", target, None, t, creates=[target], requires=deps)
            elif prev != t and _comparable(prev) != _comparable(t):
                d.add(f"alter_{kind}", target, prev, t, requires=deps | {target},
                      args=(("columns", _columns_of_type(qn, d.old)),))
            d.comment(f"{'DOMAIN' if kind == 'domain' else 'TYPE'} {qn}", target, prev.comment if prev else None,
                      t.comment)
        for qn, t in old.items():
            if qn not in new:
                d.add(f"drop_{kind}", type_ref(qn), t, None, drops=[type_ref(qn)],
                      old_requires=_type_deps(t, d.old))


def _columns_of_type(qn: QualifiedName, catalog: Catalog) -> tuple[Any, ...]:
    """(table, column, is_array) of every column whose type is `qn`: they block ALTER ATTRIBUTE TYPE."""
    from ..model.types import type_schema
    out = []
    for t in catalog.tables.values():
        for c in t.columns:
            ts = type_schema(c.type)
            if ts is not None and QualifiedName(*ts) == qn:
                out.append((t.name, c.name, c.type.endswith("[]")))
    return tuple(out)


_Type = TypeVar("_Type", Domain, CompositeType, RangeType)


def _comparable(t: _Type) -> _Type:
    from dataclasses import replace
    return replace(t, comment=None)


def _recreate_type(kind: str, prev: _Type, t: _Type) -> bool:
    if isinstance(prev, Domain) and isinstance(t, Domain):  # kind "domain"
        return prev.base_type != t.base_type or prev.collation != t.collation
    if kind == "range":
        return _comparable(prev) != _comparable(t)
    return False


def _type_deps(t: Domain | CompositeType | RangeType, catalog: Catalog) -> set[ObjectRef]:
    return type_dependencies(t, catalog)


def diff_policies(d: _Differ) -> None:
    old, new = d.old.policies, d.new.policies
    dropped_tables = {c.target for c in d.changes if c.kind == "drop_table"}
    for key, p in new.items():
        prev = old.get(key)
        target = ref("policy", p.table.schema, p.table.name, p.name)
        if prev is not None and table_ref(p.table) in dropped_tables:
            prev = None  # the policy went with its table: create it on the new one
        if prev is not None and (prev.command != p.command or prev.permissive != p.permissive):
            d.add("drop_policy", target, prev, None, drops=[target], old_requires=policy_dependencies(prev, d.old))
            prev = None
        deps = policy_dependencies(p, d.new)
        if prev is None:
            d.add("create_policy", target, None, p, creates=[target], requires=deps)
        elif (prev.roles, prev.using, prev.with_check) != (p.roles, p.using, p.with_check):
            # After the columns it will read exist, before the columns it read go.
            d.add("alter_policy", target, prev, p, requires=deps | {target},
                  old_requires=policy_dependencies(prev, d.old) - deps)
        d.comment(f"POLICY {_q(p.name)} ON {p.table}", target, prev.comment if prev else None, p.comment)
    for key, p in old.items():
        if key not in new and table_ref(p.table) not in dropped_tables:
            d.add("drop_policy", ref("policy", p.table.schema, p.table.name, p.name), p, None,
                  drops=[ref("policy", p.table.schema, p.table.name, p.name)],
                  old_requires=policy_dependencies(p, d.old))


# What ALL is, per kind, where a plan takes part of it away or adds the rest.
_ALL_OF = {"table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
           "sequence": ("USAGE", "SELECT", "UPDATE"), "schema": ("USAGE", "CREATE")}


def _all_against_parts(have: set[Grant], wanted: set[Grant], version: int | None) -> tuple[set[Grant], set[Grant]]:
    """ALL on one side and some of its privileges on the other, as the privileges: REVOKE CREATE,
    not REVOKE ALL then GRANT USAGE (a moment without USAGE), and GRANT ALL without revoking
    the parts first."""
    def key(g: Grant) -> tuple[Any, ...]:
        return (g.object_kind, g.object_name, g.grantee, g.column, g.grantable)

    def parts(g: Grant) -> set[Grant]:
        privs = _ALL_OF[g.object_kind] + (("MAINTAIN",) if g.object_kind == "table" and (version or 0) >= 170000
                                          else ())
        return {Grant(g.object_kind, g.object_name, g.grantee, p, g.column, g.grantable) for p in privs}

    wanted_keys = {key(g) for g in wanted}
    have_all = {key(g): g for g in have if g.privilege == "ALL" and g.object_kind in _ALL_OF and g.column is None}
    wanted_all = {key(g) for g in wanted if g.privilege == "ALL"}
    have, wanted = set(have), set(wanted)
    for k, g in have_all.items():
        if k not in wanted_all and k in wanted_keys:
            have.discard(g)
            have |= parts(g)
    for g in list(have):
        if key(g) in wanted_all and g.privilege != "ALL":
            have.discard(g)  # GRANT ALL gives it again
    return have, wanted


def _grants(catalog: Catalog, server_version: int | None) -> set[Grant]:
    """The catalog's grants as the given server has them: no MAINTAIN before PostgreSQL 17, and
    those on schema public as the server starts them (PUBLIC could CREATE in schema public before
    PostgreSQL 15: see Catalog.public_schema_grants_14)."""
    grants = set(catalog.grants)
    if server_version is not None and server_version < 170000:  # no MAINTAIN before 17
        grants = {g for g in grants if g.privilege != "MAINTAIN"}
    if server_version is None or server_version >= 150000:
        return grants
    return {g for g in grants if not (g.object_kind == "schema" and g.object_name == "public")} \
        | set(catalog.public_schema_grants_14)


def _grant_target(g: Grant, catalog: Catalog) -> ObjectRef | None:
    """The object a grant is on, as a plan reference (so GRANT runs after CREATE)."""
    if g.object_kind == "schema":
        return schema_ref(g.object_name.strip('"'))
    for pool, make in ((catalog.tables, table_ref), (catalog.views, view_ref)):
        for qn in pool:
            if str(qn) == g.object_name:
                return make(qn)
    for qn in catalog.sequences:
        if str(qn) == g.object_name:
            return ref("sequence", qn.schema, qn.name)
    for fn in catalog.functions:
        if str(fn) == g.object_name:
            return function_ref(fn)
    for qn in catalog.types():
        if str(qn) == g.object_name:
            return type_ref(qn)
    return None


def diff_grants(d: _Differ) -> None:
    """Privileges as a set difference, for the roles the files name (and PUBLIC).

    An object this plan creates starts with the server's defaults (EXECUTE on functions
    and USAGE on types for PUBLIC) and none of the grants its previous incarnation had.
    """
    roles = {g.grantee for g in d.new.grants} | {p.grantee for p in d.new.default_privileges} | {"public"}
    version = d.old.server_version or d.new.server_version
    me = d.old.default_owner or d.new.default_owner
    old_owners, new_owners = _owner_roles(d.old, me), _owner_roles(d.new, me)
    wanted = _not_to_owner(_grants(d.new, version), new_owners, me)
    created: set[Any] = set()
    dropped: set[Any] = set()
    for c in d.changes:
        created |= c.creates
        dropped |= c.drops
    _diff_owner_privileges(d, old_owners, new_owners, me, created, dropped)
    have = set()
    for g in _not_to_owner(_grants(d.old, version), old_owners, me):
        target = _grant_target(g, d.old)
        if g.grantee in roles and not (target is not None and (target in dropped or target in created)):
            have.add(g)
    for fn in d.new.functions:
        if function_ref(fn) in created:
            have.add(Grant("function", str(fn), "public", "EXECUTE"))
    for qn in d.new.types():
        if type_ref(qn) in created:
            have.add(Grant("type", str(qn), "public", "USAGE"))
    have, wanted = _all_against_parts(have, wanted, version)
    for g in sorted(have - wanted):
        target = _grant_target(g, d.new) or _grant_target(g, d.old)
        d.add("revoke", ref("grant", g.object_kind, g.object_name, g.grantee, g.privilege, g.column or ""), g, None,
              requires=[target] if target is not None and target in created else [],
              old_requires=[target] if target is not None and target not in created else [])
    for g in sorted(wanted - have):
        target = _grant_target(g, d.new)
        d.add("grant", ref("grant", g.object_kind, g.object_name, g.grantee, g.privilege, g.column or ""), None, g,
              requires=[target] if target is not None else [])
    # FOR ROLE <the connected role> is what no FOR ROLE means (the live side writes it so).

    def mine(p: DefaultPrivilege) -> DefaultPrivilege:
        return replace(p, role=None) if p.role == me or p.role in _DEPLOYER else p

    def owners_own(p: DefaultPrivilege) -> bool:  # a role's own privileges on what it creates: there without an entry
        return p.schema is None and not p.revoked and p.grantee == (p.role or me)
    want_dp = {mine(p) for p in d.new.default_privileges}
    have_dp = {mine(p) for p in d.old.default_privileges if p.grantee in roles}
    want_dp, have_dp = ({p for p in ps if not owners_own(p)} for ps in (want_dp, have_dp))
    for p in sorted(have_dp - want_dp, key=repr):
        d.add("revoke_default", ref("default_privilege", str(p)), p, None)
    for p in sorted(want_dp - have_dp, key=repr):
        d.add("grant_default", ref("default_privilege", str(p)), None, p)


_DEPLOYER = ("current_user", "current_role", "session_user")

# Owner.keyword -> Grant.object_kind
_OWNED_KIND = {"TABLE": "table", "VIEW": "table", "MATERIALIZED VIEW": "table", "SEQUENCE": "sequence",
               "ROUTINE": "function", "AGGREGATE": "function", "SCHEMA": "schema", "TYPE": "type", "DOMAIN": "type"}


def _object_key(kind: str, name: str) -> tuple[str, str]:
    return kind, name.strip('"') if kind == "schema" else name


def _owner_roles(catalog: Catalog, me: str | None) -> dict[tuple[str, str], str | None]:
    """The owners the catalog states, by (grant kind, object name); the rest belong to `me`, but
    schema public, which comes with the database (pg_database_owner's since PostgreSQL 15)."""
    out: dict[tuple[str, str], str | None] = {("schema", "public"): "pg_database_owner"}
    for o in catalog.owners:
        kind = _OWNED_KIND.get(o.keyword)
        if kind is not None:
            out[_object_key(kind, o.object_name)] = me if o.role in _DEPLOYER else o.role
    return out


def _not_to_owner(grants: set[Grant], owners: dict[tuple[str, str], str | None], me: str | None) -> set[Grant]:
    """Grants without those to the object's owner: its own privileges are OwnerPrivileges'
    business (a GRANT to the owner of what it holds changes nothing)."""
    return {g for g in grants if g.column is not None
            or g.grantee != owners.get(_object_key(g.object_kind, g.object_name), me)}


def _kept_by_owner(catalog: Catalog, owners: dict[tuple[str, str], str | None], me: str | None
                   ) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(kind, name) -> (owner, privileges it kept) where the owner revoked some of its own."""
    out = {}
    for p in catalog.owner_privileges:
        key = _object_key(p.object_kind, p.object_name)
        if p.role == owners.get(key, me) and p.privileges != ("ALL",):
            out[key] = (p.role, p.privileges)
    return out


def _diff_owner_privileges(d: _Differ, old_owners: dict[tuple[str, str], str | None],
                           new_owners: dict[tuple[str, str], str | None], me: str | None, created: set[ObjectRef],
                           dropped: set[ObjectRef]) -> None:
    """An owner's own privileges: all of them unless it revoked some (model OwnerPrivileges)."""
    have = _kept_by_owner(d.old, old_owners, me)
    want = _kept_by_owner(d.new, new_owners, me)
    for key in sorted(set(have) | set(want)):
        kind, name = key
        probe = Grant(kind, name if kind != "schema" else _q(name), "", "ALL")
        target = _grant_target(probe, d.new)
        if target is None or target in dropped:
            continue
        old = None if target in created else have.get(key)
        new = want.get(key)
        if (old or (None, None))[1] == (new or (None, None))[1]:
            continue
        role = new_owners.get(key, me)  # the owner once set_owner ran
        d.add("set_owner_privileges", ref("owner_privileges", kind, probe.object_name), old,
              (role, new[1] if new is not None else None), args=(("kind", kind), ("name", probe.object_name)),
              requires=[target])


def diff_owners(d: _Differ) -> None:
    """Ownership where the new side states it; an object it gives no owner keeps the one it has.

    An object this plan creates belongs to the role that runs it: the live side's connected
    role (Catalog.default_owner), which is also who CURRENT_USER means in the files.
    """
    deployer = d.old.default_owner or d.new.default_owner
    created: set[Any] = set()
    for c in d.changes:
        created |= c.creates
    have = {o.target: o.role for o in d.old.owners}
    for o in sorted(d.new.owners):
        wanted = deployer if o.role in _DEPLOYER else o.role
        current = deployer if o.target in created else have.get(o.target, deployer)
        current = deployer if current in _DEPLOYER else current
        if wanted is None or wanted == current:
            continue
        d.add("set_owner", ref("owner", o.target.kind, *o.target.path), current, o, requires=[o.target])


def _recreated(d: _Differ, target: ObjectRef) -> bool:
    return any(target in c.creates for c in d.changes)


def _q(name: str) -> str:
    from ..model import quote_ident
    return quote_ident(name)


__all__ = ["diff_functions", "diff_triggers", "diff_views", "diff_types", "diff_policies", "diff_grants", "diff_owners",
           "QualifiedName"]
