"""Ownership: ALTER ... OWNER TO in the files is planned, applied and converges; an object the
files give no owner keeps the one it has (pg_dump output states every owner, most hand-written
schemas none)."""
from __future__ import annotations

import psycopg
import pytest

from schemadiff.apply import apply_plan
from schemadiff.diff import diff_catalogs
from schemadiff.dump import dump_files
from schemadiff.errors import ParseError
from schemadiff.introspect.catalog import inspect_database, live_schema_sql
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import PlanOptions, plan_migration
from schemadiff.render.text import plan_sql

ROLE = "schemadiff_owner_test"

OBJECTS = """
CREATE SCHEMA app;
CREATE TABLE app.users (id bigint PRIMARY KEY, name text);
CREATE VIEW app.user_names AS SELECT name FROM app.users;
CREATE MATERIALIZED VIEW app.user_count AS SELECT count(*) AS n FROM app.users;
CREATE SEQUENCE app.tickets;
CREATE FUNCTION app.double(x integer) RETURNS integer LANGUAGE sql AS $$ SELECT x * 2 $$;
CREATE PROCEDURE app.noop() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TYPE app.mood AS ENUM ('ok', 'meh');
CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
"""

OWNERS = f"""
ALTER SCHEMA app OWNER TO {ROLE};
ALTER TABLE app.users OWNER TO {ROLE};
ALTER VIEW app.user_names OWNER TO {ROLE};
ALTER MATERIALIZED VIEW app.user_count OWNER TO {ROLE};
ALTER SEQUENCE app.tickets OWNER TO {ROLE};
ALTER FUNCTION app.double(int) OWNER TO {ROLE};
ALTER PROCEDURE app.noop OWNER TO {ROLE};
ALTER TYPE app.mood OWNER TO {ROLE};
ALTER DOMAIN app.positive OWNER TO {ROLE};
"""


def test_every_owner_statement_is_read():
    owners = {(o.keyword, o.object_name, o.role) for o in catalog_from_sql(OBJECTS + OWNERS).owners}
    assert owners == {("SCHEMA", "app", ROLE), ("TABLE", "app.users", ROLE), ("VIEW", "app.user_names", ROLE),
                      ("MATERIALIZED VIEW", "app.user_count", ROLE), ("SEQUENCE", "app.tickets", ROLE),
                      ("ROUTINE", "app.double(integer)", ROLE), ("ROUTINE", "app.noop()", ROLE),
                      ("TYPE", "app.mood", ROLE), ("DOMAIN", "app.positive", ROLE)}


def test_owner_of_an_undeclared_object_is_an_error_with_its_location():
    with pytest.raises(ParseError) as err:
        catalog_from_sql("CREATE TABLE t (a int);\nALTER TABLE nope OWNER TO someone;", "s.sql")
    assert "s.sql:2:1: OWNER TO on nope, which is declared nowhere" in str(err.value)


def _owners(dsn: str) -> dict[str, str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("""
            SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c
             WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S')
            UNION ALL SELECT p.proname, pg_get_userbyid(p.proowner) FROM pg_proc p
             WHERE p.pronamespace = 'app'::regnamespace
            UNION ALL SELECT t.typname, pg_get_userbyid(t.typowner) FROM pg_type t
             WHERE t.typnamespace = 'app'::regnamespace AND t.typtype IN ('e', 'd')
            UNION ALL SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'app'""")
        return dict(rows.fetchall())


@pytest.fixture
def role(pg):
    with psycopg.connect(pg.admin_dsn, autocommit=True) as conn:
        conn.execute(f"DO $$ BEGIN CREATE ROLE {ROLE}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    return ROLE


def _plan(dsn: str, sql: str):
    return plan_migration(inspect_database(dsn), catalog_from_sql(sql), PlanOptions(lock_timeout=None))


@pytest.mark.db
def test_owners_are_planned_applied_and_converge(pg, role):
    dsn = pg.create_database(OBJECTS)
    me = inspect_database(dsn).default_owner
    assert set(_owners(dsn).values()) == {me}
    plan = _plan(dsn, OBJECTS + OWNERS)
    sql = plan_sql(plan)
    assert sql.count(" OWNER TO ") == 9, sql
    assert "ALTER ROUTINE app.double(integer) OWNER TO" in sql and "ALTER DOMAIN app.positive OWNER TO" in sql
    apply_plan(dsn, plan)
    owned = _owners(dsn)
    assert owned.pop("user_count") == ROLE and owned.pop("positive") == ROLE
    assert set(owned.values()) == {ROLE}
    assert not _plan(dsn, OBJECTS + OWNERS).steps
    # Files that state no owner leave every owner as it is.
    assert not _plan(dsn, OBJECTS).steps
    # CURRENT_USER in the files is the role that connects.
    back = _plan(dsn, OBJECTS + "ALTER TABLE app.users OWNER TO CURRENT_USER;")
    assert plan_sql(back).count(" OWNER TO ") == 1 and "ALTER TABLE app.users OWNER TO CURRENT_USER;" in plan_sql(back)
    apply_plan(dsn, back)
    assert _owners(dsn)["users"] == me


@pytest.mark.db
def test_a_created_object_gets_its_declared_owner(pg, role):
    dsn = pg.create_database()
    sql = f"CREATE TABLE t (a int);\nALTER TABLE t OWNER TO {ROLE};"
    plan = _plan(dsn, sql)
    assert [s.sql for s in plan.steps][-1] == f"ALTER TABLE public.t OWNER TO {ROLE};"
    apply_plan(dsn, plan)
    assert not _plan(dsn, sql).steps


@pytest.mark.db
def test_dump_states_owners_other_than_the_connected_role_and_reads_back(pg, role):
    dsn = pg.create_database(OBJECTS + OWNERS)
    with psycopg.connect(dsn, autocommit=True) as conn:
        files = dump_files(live_schema_sql(conn))
    text = "\n".join(files.values())
    assert text.count(" OWNER TO ") == 9
    assert not diff_catalogs(inspect_database(dsn), catalog_from_sql(text))


@pytest.mark.db
def test_verify_rehearses_objects_owned_by_roles_the_scratch_server_lacks(pg, role):
    """The rehearsal loads the live schema, owners included, on a server of its own: the roles the
    live schema names must be made there first."""
    from schemadiff.verify import verify_plan
    with psycopg.connect(pg.admin_dsn, autocommit=True) as conn:  # any live role, however it is spelled
        conn.execute("""DO $$ BEGIN CREATE ROLE "odd""Role"; EXCEPTION WHEN duplicate_object THEN NULL; END $$""")
    dsn = pg.create_database(OBJECTS + OWNERS)
    sql = OBJECTS + OWNERS + "CREATE TABLE app.more (id int);"
    plan = _plan(dsn, sql)
    assert plan.steps
    messages: list[str] = []
    verify_plan(dsn, plan, catalog_from_sql(sql), keep=lambda qn: True, progress=messages.append)
    assert any("converges" in m for m in messages), messages


@pytest.mark.db
def test_create_schema_authorization_sets_the_owner(pg, role):
    files = f"CREATE SCHEMA app AUTHORIZATION {ROLE}; CREATE SCHEMA AUTHORIZATION {ROLE};"
    assert {o.object_name: o.role for o in catalog_from_sql(files).owners} == {"app": ROLE, ROLE: ROLE}
    dsn = pg.create_database()
    plan = _plan(dsn, files)
    assert plan_sql(plan).count(" OWNER TO ") == 2, plan_sql(plan)
    apply_plan(dsn, plan)
    assert _owners(dsn)["app"] == ROLE
    assert not _plan(dsn, files).steps
    loaded = pg.create_database(files)
    assert not _plan(loaded, files).steps
