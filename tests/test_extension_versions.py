"""Extension versions: a file without VERSION asks for what CREATE EXTENSION installs.

Why: a database made from the files has the server's default version; one that kept an older
version (pg_upgrade keeps them) differs from it, and ALTER EXTENSION ... UPDATE makes them equal.
PostgreSQL only updates upwards, so a lower version named in the files is refused before any
statement runs, never left to fail halfway through an apply.
"""
from __future__ import annotations

import psycopg
import pytest

from schemadiff.apply import apply_plan
from schemadiff.errors import UnsupportedChange
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration

pytestmark = pytest.mark.db


def _versions(dsn: str) -> tuple[str, str]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("SELECT e.extversion, a.default_version FROM pg_extension e"
                            " JOIN pg_available_extensions a ON a.name = e.extname"
                            " WHERE e.extname = 'amcheck'").fetchone()


def _plan(dsn: str, sql: str):
    return plan_migration(inspect_database(dsn), catalog_from_sql(sql, "schema.sql"))


def test_file_without_version_updates_an_older_extension_to_the_default(pg):
    dsn = pg.create_database("CREATE EXTENSION amcheck VERSION '1.1';")
    installed, default = _versions(dsn)
    assert installed == "1.1" != default
    plan = _plan(dsn, "CREATE EXTENSION amcheck;")
    assert [s.sql for s in plan.steps] == [f"ALTER EXTENSION amcheck UPDATE TO '{default}';"]
    apply_plan(dsn, plan)
    assert _versions(dsn)[0] == default
    assert _plan(dsn, "CREATE EXTENSION amcheck;").steps == ()


def test_default_version_plans_nothing(pg):
    dsn = pg.create_database("CREATE EXTENSION amcheck;")
    assert _plan(dsn, "CREATE EXTENSION IF NOT EXISTS amcheck;").steps == ()


def test_a_lower_version_in_the_files_is_refused_with_the_reason(pg):
    dsn = pg.create_database("CREATE EXTENSION amcheck;")
    with pytest.raises(UnsupportedChange, match=r"no downgrade path") as err:
        _plan(dsn, "CREATE EXTENSION amcheck VERSION '1.1';")
    assert "amcheck" in str(err.value) and "1.1" in str(err.value)


def test_explicit_higher_version_is_an_update(pg):
    dsn = pg.create_database("CREATE EXTENSION amcheck VERSION '1.1';")
    plan = _plan(dsn, "CREATE EXTENSION amcheck VERSION '1.2';")
    assert [s.sql for s in plan.steps] == ["ALTER EXTENSION amcheck UPDATE TO '1.2';"]
