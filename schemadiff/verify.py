"""Verified plans: rehearse a plan on a throwaway copy of the live schema before it runs for real.

The live schema (as the introspector reads it) is loaded into a scratch database on
an embedded PostgreSQL, the plan is applied there, and the result must plan to
nothing against the files.  A plan that does not converge is an error that lists
what would remain different, before anyone runs it on the real database.
"""
from __future__ import annotations

import os
from typing import Callable

import psycopg
from psycopg import sql

from .apply import apply_plan
from .connect import connect
from .diff import diff_catalogs
from .embedded import drop_database, scratch_database, start_owned_server
from .errors import ApplyError, SchemaDiffError
from .introspect.catalog import inspect_database, live_schema_sql
from .model import Catalog
from .plan import Plan, plan_migration

_server = None


class VerifyError(SchemaDiffError):
    """The rehearsal failed, or did not converge."""


def _scratch_admin() -> str:
    """Where rehearsals run: $SCHEMADIFF_SCRATCH_URL (an admin URL of a server where throwaway
    databases may be created, e.g. a CI service), else an embedded server started for this run."""
    global _server
    if os.environ.get("SCHEMADIFF_SCRATCH_URL"):
        return os.environ["SCHEMADIFF_SCRATCH_URL"]
    if _server is None:
        _server = start_owned_server("schemadiff-verify-")
    return _server.get_uri("postgres")


def verify_plan(live_dsn: str, plan: Plan, desired: Catalog, keep, progress: Callable[[str], None] = print) -> None:
    with connect(live_dsn) as conn:
        statements = live_schema_sql(conn)
        # The live schema names its roles (owners, grantees, policies): the rehearsal server needs them too.
        live_roles = {r for r, in conn.execute("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'")}
    admin = _scratch_admin()
    name, dsn = scratch_database(admin)
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            for role in sorted(_roles(plan, desired) | live_roles):
                if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        problem = _load_statements(dsn, statements)
        if problem is not None:
            # The catalog's text comes grouped by kind, not in dependency order (a SQL function
            # body that reads a table, a domain check calling a function); rebuild it instead
            # with the planner's own ordering, from an empty database.
            drop_database(admin, name)
            name, dsn = scratch_database(admin)
            try:
                apply_plan(dsn, plan_migration(Catalog(), inspect_database(live_dsn)))
            except ApplyError as exc:
                raise VerifyError(f"cannot rehearse the plan: the live schema does not load into the scratch "
                                  f"database ({problem}; rebuilt in dependency order: {exc}); use --no-verify") from None
        try:
            apply_plan(dsn, plan)
        except ApplyError as exc:
            raise VerifyError(f"the plan fails in rehearsal: {exc}") from None
        remaining = diff_catalogs(inspect_database(dsn).filtered(keep), desired)
        if remaining:
            listed = "\n".join(f"  {c.description}" for c in remaining[:30])
            raise VerifyError(f"the plan does not converge: after applying it, {len(remaining)} difference(s) "
                              f"remain:\n{listed}")
        progress(f"schemadiff: plan verified: rehearsed on a copy of the live schema, it converges "
                 f"({len(plan.steps)} statement(s))")
    finally:
        drop_database(admin, name)


def _load_statements(dsn: str, statements: list[str]) -> str | None:
    """Run the live schema's statements in order; the server's message when one fails."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for stmt in statements:
            try:
                conn.execute(stmt)
            except psycopg.Error as exc:
                return exc.diag.message_primary or str(exc)
    return None


def _roles(plan: Plan, desired: Catalog) -> set[str]:
    roles = {g.grantee for g in desired.grants} | {p.grantee for p in desired.default_privileges}
    roles |= {r for p in desired.policies.values() for r in p.roles} | {o.role for o in desired.owners}
    return {r for r in roles if r not in ("public", "current_user", "session_user", "current_role")}
