"""Defects found on real schemas (issue 15), each proven on a real server.

Each test loads a database, plans to the files, applies the plan and re-plans: a real
difference must be planned and converge, the same schema spelled another way must plan
nothing.  The databases come from one shared pool (ScratchDatabases) to keep the suite fast.
"""
from __future__ import annotations

import psycopg
import pytest

from schemadiff.apply import apply_plan
from schemadiff.errors import ParseError
from schemadiff.introspect.catalog import inspect_database
from schemadiff.model import QualifiedName
from schemadiff.model.datetimes import datetime_key
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import PlanOptions, plan_migration
from schemadiff.render.text import plan_sql


def _plan(dsn: str, sql: str):
    return plan_migration(inspect_database(dsn), catalog_from_sql(sql), PlanOptions(lock_timeout=None))


def converge(dsn: str, sql: str) -> str:
    """Plan `dsn` to `sql`, apply, and check that nothing is left; the plan's SQL."""
    plan = _plan(dsn, sql)
    text = plan_sql(plan)
    apply_plan(dsn, plan)
    again = _plan(dsn, sql)
    assert not again.steps, f"first plan:\n{text}\nleft after applying it:\n{plan_sql(again)}"
    return text


def scalar(dsn: str, sql: str):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchone()[0]


# -- date/time constants ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "type_text", "key"), [
    ("2024-1-2", "date", "@date 2024-01-02"),
    ("Jan 5, 2024", "date", "@date 2024-01-05"),
    ("5 March 2024", "date", "@date 2024-03-05"),
    ("epoch", "date", "@date 1970-01-01"),
    ("2024-01-02T3:04", "timestamp without time zone", "@ts 2024-01-02T03:04:00"),
    ("2024-01-02 03:04+05", "timestamp without time zone", "@ts 2024-01-02T03:04:00"),
    ("2024-01-02 05:04:00+02", "timestamp with time zone", "@ts 2024-01-02T03:04:00+00:00"),
    ("epoch", "timestamp with time zone", "@ts 1970-01-01T00:00:00+00:00"),
    ("1:02:03.5", "time without time zone", "@time 01:02:03.5"),
    ("infinity", "date", "infinity"),
    # read through the session's DateStyle or TimeZone: unknown, so never equal to anything else
    ("1/2/2024", "date", None),
    ("2024-01-02 03:04", "timestamp with time zone", None),
    ("now", "timestamp with time zone", None),
    ("2024-02-30", "date", None),
])
def test_datetime_constants_read_as_the_server_reads_them(text, type_text, key):
    assert datetime_key(text, type_text, None) == key


@pytest.mark.db
def test_a_different_date_default_is_still_planned(scratch):
    dsn = scratch.load("db", "CREATE TABLE t (d date DEFAULT '2024-01-02', s timestamptz DEFAULT 'epoch');")
    sql = converge(dsn, "CREATE TABLE t (d date DEFAULT '2024-1-3', s timestamptz DEFAULT '1970-01-01 01:00+00');")
    assert "ALTER COLUMN d SET DEFAULT" in sql and "ALTER COLUMN s SET DEFAULT" in sql
    assert scalar(dsn, "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adnum = 1") \
        == "'2024-01-03'::date"


# -- an owner's own privileges -----------------------------------------------------------------

OWNER_REVOKES = """
CREATE TABLE t (id int);
REVOKE ALL ON t FROM {me};
GRANT SELECT, INSERT ON t TO {me};
CREATE TABLE nothing_left (id int);
REVOKE ALL ON TABLE nothing_left FROM {me};
CREATE SEQUENCE s;
REVOKE UPDATE ON SEQUENCE s FROM {me};
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
REVOKE ALL ON FUNCTION f() FROM {me};
CREATE TABLE restated (id int);
GRANT SELECT ON restated TO {me};
CREATE TYPE mood AS ENUM ('ok');
REVOKE ALL ON TYPE mood FROM {me};
"""


def _me(dsn: str) -> str:
    return scalar(dsn, "SELECT current_user")


@pytest.mark.db
def test_an_owner_that_revoked_its_own_privileges_plans_nothing(scratch):
    dsn = scratch.load("db", "")
    sql = OWNER_REVOKES.format(me=_me(dsn))
    dsn = scratch.load("db", sql)
    assert not _plan(dsn, sql).steps, plan_sql(_plan(dsn, sql))


@pytest.mark.db
def test_an_owners_own_privileges_are_planned_both_ways(scratch):
    dsn = scratch.load("db", "")
    me = _me(dsn)
    plain = "CREATE TABLE t (id int); CREATE TABLE nothing_left (id int); CREATE SEQUENCE s;\n" \
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TABLE restated (id int);\n" \
            "CREATE TYPE mood AS ENUM ('ok');"
    dsn = scratch.load("db", plain)
    sql = converge(dsn, OWNER_REVOKES.format(me=me))
    assert f"REVOKE ALL ON TABLE public.t FROM {me};" in sql and "GRANT INSERT, SELECT ON TABLE public.t" in sql
    assert "restated" not in sql  # granting an owner what it holds changes nothing
    assert scalar(dsn, "SELECT relacl::text FROM pg_class WHERE relname = 't'") == f"{{{me}=ar/{me}}}"
    back = converge(dsn, plain)
    assert f"GRANT ALL ON TABLE public.t TO {me};" in back
    assert f"{me}=arwd" in scalar(dsn, "SELECT relacl::text FROM pg_class WHERE relname = 'nothing_left'")


# -- default privileges against the built-in defaults -----------------------------------------

RESTATED_DEFAULTS = """
ALTER DEFAULT PRIVILEGES GRANT ALL ON TYPES TO PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO {me};
"""
TAKEN_AWAY = """
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE ALL ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {me};
"""


@pytest.mark.db
def test_default_privileges_that_restate_the_built_in_ones_are_no_entry(scratch):
    dsn = scratch.load("db", "")
    me = _me(dsn)
    assert not _plan(dsn, RESTATED_DEFAULTS.format(me=me)).steps
    taken = TAKEN_AWAY.format(me=me)
    sql = converge(dsn, taken)
    assert "REVOKE USAGE ON TYPES FROM PUBLIC" in sql and "REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC" in sql
    assert scalar(dsn, "SELECT count(*) FROM pg_default_acl") == 3
    back = converge(dsn, RESTATED_DEFAULTS.format(me=me))
    assert "GRANT USAGE ON TYPES TO PUBLIC" in back and "GRANT EXECUTE ON FUNCTIONS TO PUBLIC" in back
    assert scalar(dsn, "SELECT count(*) FROM pg_default_acl") == 0


# -- reg* constants ------------------------------------------------------------------------------

@pytest.mark.db
def test_a_configuration_of_the_schema_named_qualified_plans_nothing(pg):
    sql = """CREATE TEXT SEARCH CONFIGURATION public.cfg (PARSER = pg_catalog."default");
             CREATE TABLE docs (body text);
             CREATE INDEX docs_a ON docs USING gin (to_tsvector('public.cfg'::regconfig, body));"""
    dsn = pg.create_database(sql)  # a database of its own: the scratch pool keeps no text search objects
    assert not _plan(dsn, sql).steps


@pytest.mark.db
def test_another_text_search_configuration_is_still_planned(scratch):
    dsn = scratch.load("db", "CREATE TABLE docs (body text);\n"
                             "CREATE INDEX docs_a ON docs USING gin (to_tsvector('english'::regconfig, body));")
    sql = converge(dsn, "CREATE TABLE docs (body text);\n"
                        "CREATE INDEX docs_a ON docs USING gin (to_tsvector('pg_catalog.simple', body));")
    assert "DROP INDEX public.docs_a" in sql and "'pg_catalog.simple'" in sql


# -- identity -> serial ------------------------------------------------------------------------

@pytest.mark.db
def test_identity_to_serial_goes_on_from_the_counter_and_back(scratch):
    dsn = scratch.load("db", "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text);\n"
                             "INSERT INTO t (v) VALUES ('a'), ('b'), ('c');")
    sql = converge(dsn, "CREATE TABLE t (id serial PRIMARY KEY, v text);")
    assert "setval" in sql
    assert scalar(dsn, "INSERT INTO t (v) VALUES ('d') RETURNING id") == 4
    converge(dsn, "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text);")
    assert scalar(dsn, "INSERT INTO t (v) VALUES ('e') RETURNING id") == 5


# -- SET search_path in the files ------------------------------------------------------------

SEARCH_PATH = """
CREATE SCHEMA app;
CREATE TABLE public.audit (id int);
SET search_path = app, public;
CREATE TYPE mood AS ENUM ('ok', 'meh');
CREATE TABLE people (id int PRIMARY KEY, m mood DEFAULT 'ok');
CREATE SEQUENCE ticket;
CREATE FUNCTION next_id() RETURNS int LANGUAGE sql AS $$ SELECT coalesce(max(id), 0) + 1 FROM people $$;
CREATE FUNCTION happy(p people) RETURNS boolean LANGUAGE sql AS $$ SELECT p.m = 'ok' $$;
CREATE FUNCTION count_mood(x mood) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM people WHERE m = x $$;
CREATE FUNCTION plpgsql_count() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE r people; BEGIN RETURN (SELECT count(*) FROM people); END $$;
CREATE TABLE things (id int DEFAULT next_id(), n mood DEFAULT 'meh'::mood, t bigint DEFAULT nextval('ticket'),
                     CONSTRAINT ok CHECK (n <> 'ok'::mood));
CREATE VIEW happy_people AS SELECT p.id, a.id AS audit_id FROM people p, audit a WHERE p.m = 'ok'::mood;
CREATE INDEX people_m ON people (m) WHERE m <> 'meh'::mood;
"""


@pytest.mark.db
def test_a_search_path_in_the_files_plans_nothing_against_itself(scratch):
    dsn = scratch.load("db", SEARCH_PATH)
    plan = _plan(dsn, SEARCH_PATH)
    assert not plan.steps, plan_sql(plan)


@pytest.mark.db
def test_a_search_path_in_the_files_applies_from_empty(scratch):
    dsn = scratch.load("db", "")
    sql = converge(dsn, SEARCH_PATH)
    assert "DEFAULT app.next_id()" in sql and "FROM app.people" in sql and "x app.mood" in sql
    assert "SET search_path = app, public;" in sql  # string bodies are resolved when created
    with psycopg.connect(dsn) as conn:  # a body relies on the caller's path, as when the file was loaded
        conn.execute("SET search_path = app, public")
        assert conn.execute("SELECT next_id(), plpgsql_count()").fetchone() == (1, 0)
    assert scalar(dsn, "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'app.things'::regclass "
                       "AND adnum = 3") == "nextval('app.ticket'::regclass)"


# -- DROP ... CASCADE in the files ---------------------------------------------------------------

CASCADE = """
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int, a_id int REFERENCES a);
CREATE VIEW va AS SELECT id FROM a;
CREATE VIEW vva AS SELECT id FROM va;
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TABLE c (x int DEFAULT f(), y int);
CREATE SEQUENCE s;
CREATE TABLE e (n bigint DEFAULT nextval('s'));
CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE d (id int, m mood);
CREATE FUNCTION g(m mood) RETURNS int LANGUAGE sql AS 'SELECT 1';
DROP TABLE a CASCADE;
DROP FUNCTION f() CASCADE;
DROP SEQUENCE s CASCADE;
DROP TYPE mood CASCADE;
"""


def test_drop_cascade_takes_the_dependents_along():
    c = catalog_from_sql(CASCADE)
    assert not c.views and not c.functions and not c.sequences
    assert [x.name for x in c.tables[QualifiedName("public", "d")].columns] == ["id"]
    assert c.tables[QualifiedName("public", "c")].column("x").default is None
    assert c.tables[QualifiedName("public", "e")].column("n").default is None
    assert not c.tables[QualifiedName("public", "b")].constraints


@pytest.mark.parametrize(("drop", "named"), [
    ("DROP TABLE a;", "cannot drop table a because view va depends on it"),
    ("DROP FUNCTION f();", "cannot drop function f() because default of c.x depends on it"),
    ("DROP TYPE mood;", "cannot drop type mood because column d.m depends on it"),
])
def test_drop_without_cascade_names_the_dependent(drop, named):
    head = CASCADE[:CASCADE.index("DROP TABLE a CASCADE")]
    with pytest.raises(ParseError) as err:
        catalog_from_sql(head + drop, "s.sql")
    assert named in str(err.value) and "s.sql:" in str(err.value)


@pytest.mark.db
def test_drop_cascade_in_the_files_matches_the_server(scratch):
    dsn = scratch.load("db", CASCADE)
    assert not _plan(dsn, CASCADE).steps


OVERLOADS = """
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a';
CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT a';
CREATE FUNCTION f(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE FUNCTION trg(x int) RETURNS int LANGUAGE sql AS 'SELECT x';
CREATE TABLE t (x int DEFAULT f(1, 2), y text DEFAULT f('a'::text), z int DEFAULT f(3));
CREATE VIEW v AS SELECT f(1, 2) AS s;
CREATE VIEW w AS SELECT f(1) AS s;
CREATE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
DROP FUNCTION f(int, int) CASCADE;
DROP FUNCTION trg(int);
DROP FUNCTION f(text) CASCADE;
"""


def test_drop_cascade_follows_the_overload_a_call_reaches():
    """Calls are matched to an overload by argument count and written types, not by name."""
    c = catalog_from_sql(OVERLOADS)
    t = c.tables[QualifiedName("public", "t")]
    assert (t.column("x").default, t.column("y").default) == (None, None)
    assert t.column("z").default is not None
    assert set(c.views) == {QualifiedName("public", "w")} and len(c.triggers) == 1
    with pytest.raises(ParseError, match=r"cannot drop function f\(integer\) because view w depends"):
        catalog_from_sql(OVERLOADS + "DROP FUNCTION f(int);")


@pytest.mark.db
def test_drop_cascade_of_an_overload_matches_the_server(scratch):
    dsn = scratch.load("db", OVERLOADS)
    assert not _plan(dsn, OVERLOADS).steps


def test_unqualified_calls_of_built_in_names_reach_pg_catalog():
    """pg_catalog is searched first: dropping a user's lower(text) leaves lower(name) callers be."""
    sql = """CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS 'SELECT upper($1)';
             CREATE TABLE t (name text DEFAULT lower('X'), other text DEFAULT public.lower('Y'));
             DROP FUNCTION public.lower(text) CASCADE;"""
    t = catalog_from_sql(sql).tables[QualifiedName("public", "t")]
    assert t.column("name").default is not None and t.column("other").default is None


@pytest.mark.db
def test_revoking_from_a_role_that_does_not_own_schema_public_plans_nothing(scratch):
    dsn = scratch.load("db", "")
    # pg_dump of a PostgreSQL 14 database, where public belonged to the bootstrap superuser
    sql = f"REVOKE ALL ON SCHEMA public FROM {_me(dsn)};\nGRANT USAGE ON SCHEMA public TO PUBLIC;"
    dsn = scratch.load("db", sql)
    assert not _plan(dsn, sql).steps
