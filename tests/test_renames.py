"""Rename hints (`-- schemadiff: renamed from OLD`, sqldef's `-- @renamed from=OLD`) on a real server.

Each kind is applied to a database holding rows: the rows are counted before and after, the
plan is ALTER ... RENAME only, the next plan is empty (the hint stays, inert), and the
reverse plan renames back.  The guard's refusals and the suggestion for an unhinted rename
go through the CLI, for the exit code and the message.
"""
from __future__ import annotations


import psycopg
import pytest
from click.testing import CliRunner

from schemadiff.apply import apply_plan
from schemadiff.cli.main import cli
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration

pytestmark = pytest.mark.db


def count(dsn: str, query: str):
    with psycopg.connect(dsn) as conn:
        return conn.execute(query).fetchone()[0]


# (kind, the database, the files, a query whose answer the rename must keep (before, after))
CASES = [
    ("table",
     "CREATE TABLE clients (id serial PRIMARY KEY, name text); INSERT INTO clients (name) SELECT 'n' FROM generate_series(1, 7);",
     "CREATE TABLE customers (  -- schemadiff: renamed from clients\n  id serial PRIMARY KEY,\n  name text\n);",
     "SELECT count(*) FROM clients", "SELECT count(*) FROM customers"),
    ("column",
     "CREATE TABLE users (id int PRIMARY KEY, full_name text NOT NULL); CREATE INDEX users_name ON users (full_name);"
     "INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 5) g;",
     "CREATE TABLE users (\n  id int PRIMARY KEY,\n  display_name text NOT NULL  -- @renamed from=full_name\n);\n"
     "CREATE INDEX users_name ON users (display_name);",
     "SELECT count(full_name) FROM users", "SELECT count(display_name) FROM users"),
    ("index",
     "CREATE TABLE t (a int); CREATE INDEX t_a_old ON t (a); INSERT INTO t SELECT generate_series(1, 3);",
     "CREATE TABLE t (a int);\n-- schemadiff: renamed from t_a_old\nCREATE INDEX t_a ON t (a);",
     "SELECT count(*) FROM t", "SELECT count(*) FROM t WHERE to_regclass('t_a') IS NOT NULL"),
    ("constraint",
     "CREATE TABLE t (a int, CONSTRAINT a_chk CHECK (a > 0), CONSTRAINT a_uq UNIQUE (a)); INSERT INTO t VALUES (1), (2);",
     "CREATE TABLE t (\n  a int,\n  CONSTRAINT a_positive CHECK (a > 0),  -- schemadiff: renamed from a_chk\n"
     "  CONSTRAINT a_unique UNIQUE (a)  -- schemadiff: renamed from a_uq\n);",
     "SELECT count(*) FROM t", "SELECT count(*) FROM t"),
    ("view",
     "CREATE TABLE t (a int); INSERT INTO t SELECT generate_series(1, 4);"
     "CREATE MATERIALIZED VIEW report_old AS SELECT a FROM t; DELETE FROM t;",
     "CREATE TABLE t (a int);\nCREATE MATERIALIZED VIEW report AS SELECT a FROM t;  -- @renamed from=report_old",
     "SELECT count(*) FROM report_old", "SELECT count(*) FROM report"),
    ("function",
     "CREATE FUNCTION answer_old(x int) RETURNS int LANGUAGE sql AS 'SELECT 42 + x';",
     "CREATE FUNCTION answer(x int) RETURNS int LANGUAGE sql AS 'SELECT 42 + x';  -- schemadiff: renamed from answer_old",
     "SELECT answer_old(0)", "SELECT answer(0)"),
    ("type",
     "CREATE TYPE mood_old AS ENUM ('ok', 'meh'); CREATE TABLE t (m mood_old); INSERT INTO t VALUES ('ok'), ('meh');",
     "-- schemadiff: renamed from mood_old\nCREATE TYPE mood AS ENUM ('ok', 'meh');\nCREATE TABLE t (m mood);",
     "SELECT count(m) FROM t", "SELECT count(m) FROM t WHERE m::text IN ('ok', 'meh')"),
    ("schema",
     "CREATE SCHEMA legacy; CREATE TABLE legacy.t (a int); INSERT INTO legacy.t SELECT generate_series(1, 6);",
     "CREATE SCHEMA app;  -- schemadiff: renamed from legacy\nCREATE TABLE app.t (a int);",
     "SELECT count(*) FROM legacy.t", "SELECT count(*) FROM app.t"),
    ("sequence",
     "CREATE SEQUENCE ids_old; SELECT setval('ids_old', 1234);",
     "CREATE SEQUENCE ids;  -- @renamed from=ids_old",
     "SELECT last_value FROM ids_old", "SELECT last_value FROM ids"),
    ("enum_value",
     "CREATE TYPE mood AS ENUM ('glad', 'sad'); CREATE TABLE t (m mood); INSERT INTO t VALUES ('glad'), ('glad'), ('sad');",
     "CREATE TYPE mood AS ENUM (\n  'happy',  -- schemadiff: renamed from glad\n  'sad'\n);\nCREATE TABLE t (m mood);",
     "SELECT count(*) FROM t WHERE m = 'glad'", "SELECT count(*) FROM t WHERE m = 'happy'"),
]


@pytest.mark.parametrize("kind, before, files, counted_before, counted_after", CASES, ids=[c[0] for c in CASES])
def test_each_rename_kind_keeps_its_data_and_reverses(scratch, kind, before, files, counted_before, counted_after):
    dsn = scratch.load("renames", before)
    rows = count(dsn, counted_before)
    original = inspect_database(dsn)
    desired = catalog_from_sql(files, "schema.sql")
    plan = plan_migration(original, desired)
    statements = [s.sql for s in plan.steps]
    assert statements and all(" RENAME " in s for s in statements), statements
    assert not plan.destructive_steps
    apply_plan(dsn, plan)
    assert count(dsn, counted_after) == rows
    after = inspect_database(dsn)
    assert after == desired
    assert not plan_migration(after, desired), "the hint is inert once the rename is applied"
    back = plan_migration(desired, original)  # --reverse: from the files back to the database as it was
    assert back and all(" RENAME " in s.sql for s in back.steps)
    apply_plan(dsn, back)
    assert count(dsn, counted_before) == rows
    assert inspect_database(dsn) == original


def test_table_and_column_renamed_together_with_foreign_keys_and_view(scratch):
    dsn = scratch.load("renames", """
        CREATE TABLE clients (id bigserial PRIMARY KEY, full_name text);
        CREATE TABLE orders (id int PRIMARY KEY, client_id bigint REFERENCES clients (id));
        CREATE VIEW client_names AS SELECT id, full_name FROM clients;
        INSERT INTO clients (full_name) VALUES ('a'), ('b');
        INSERT INTO orders VALUES (1, 1), (2, 2);""")
    desired = catalog_from_sql("""
        CREATE TABLE customers (  -- schemadiff: renamed from clients
            id bigserial PRIMARY KEY,
            name text  -- schemadiff: renamed from full_name
        );
        CREATE TABLE orders (id int PRIMARY KEY, client_id bigint REFERENCES customers (id));
        CREATE VIEW client_names AS SELECT id, name FROM customers;""", "schema.sql")
    plan = plan_migration(inspect_database(dsn), desired)
    assert not plan.destructive_steps
    sql = "\n".join(s.sql for s in plan.steps)
    assert "ALTER TABLE public.clients RENAME TO customers;" in sql
    assert "RENAME COLUMN full_name TO name" in sql
    assert "ALTER SEQUENCE public.clients_id_seq RENAME TO customers_id_seq;" in sql
    assert "RENAME CONSTRAINT clients_pkey TO customers_pkey" in sql
    assert "DROP TABLE" not in sql and "DROP COLUMN" not in sql
    apply_plan(dsn, plan)
    assert count(dsn, "SELECT count(*) FROM customers JOIN orders ON client_id = customers.id") == 2
    assert not plan_migration(inspect_database(dsn), desired)


# -- the CLI: the guard, the suggestion, --reverse ----------------------------------------------

def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("live, files, message", [
    ("CREATE TABLE users (id int, full_name text, display_name text);",
     "CREATE TABLE users (\n  id int,\n  display_name text  -- schemadiff: renamed from full_name\n);",
     "the database has both public.users.full_name and public.users.display_name"),
    ("CREATE TABLE users (id int, name text);",
     "CREATE TABLE users (\n  id int,\n  display_name text  -- schemadiff: renamed from fullname\n);",
     "the database has no column public.users.fullname"),
    ("CREATE TABLE users (id int, full_name text);",
     "CREATE TABLE users (\n  id int,\n  display_name varchar(20)  -- schemadiff: renamed from full_name\n);",
     "full_name is text and display_name is character varying(20): not a rename"),
    ("CREATE TABLE t (a int); CREATE VIEW clients AS SELECT a FROM t;",
     "CREATE TABLE t (a int);\nCREATE TABLE customers (a int);  -- schemadiff: renamed from clients",
     "clients is a view in the database, not a table"),
], ids=["both-exist", "old-absent", "types-differ", "kinds-differ"])
def test_guard_refuses_a_hint_that_does_not_fit(project, scratch, live, files, message):
    dsn = scratch.load("renames", live)
    (project / "schema" / "s.sql").write_text(files)
    result = run("plan", "--db", dsn)
    assert result.exit_code == 2
    assert message in result.output
    assert "s.sql:" in result.output  # where the hint is
    assert "Traceback" not in result.output


def test_hint_whose_old_name_the_files_still_declare_is_inert(project, scratch):
    dsn = scratch.load("renames", "CREATE TABLE users (username text, user_name varchar(50));")
    (project / "schema" / "s.sql").write_text(
        "CREATE TABLE users (\n  username text,\n  user_name varchar(100)  -- @renamed from=username\n);")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 0, result.output
    assert "ALTER COLUMN user_name TYPE character varying(100)" in result.output and "RENAME" not in result.output


def test_hint_on_an_object_of_a_new_database_is_inert(project, scratch):
    dsn = scratch.load("renames", "")
    (project / "schema" / "s.sql").write_text("CREATE TABLE customers (id int);  -- @renamed from=clients")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 0
    assert "CREATE TABLE public.customers" in result.output and "RENAME" not in result.output


def test_unhinted_rename_is_suggested_next_to_the_data_loss(project, scratch):
    dsn = scratch.load("renames", "CREATE TABLE users (id int, full_name text, age int);")
    (project / "schema" / "s.sql").write_text("CREATE TABLE users (id int, display_name text, years int);")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 0
    out = result.output
    drop = out.index("DROP COLUMN full_name")
    block = out[out.rindex("\n\n", 0, drop):drop]
    assert "hazard data-loss" in block
    assert "hazard suggested-rename: if display_name is full_name renamed, add " \
           "`-- schemadiff: renamed from full_name`" in block
    assert "renamed from age" in out  # age integer -> years integer: one to one too
    # taking the suggestion makes it a rename
    (project / "schema" / "s.sql").write_text(
        "CREATE TABLE users (\n  id int,\n  display_name text,  -- schemadiff: renamed from full_name\n  years int\n);")
    out = run("plan", "--db", dsn).output
    assert "ALTER TABLE public.users RENAME COLUMN full_name TO display_name;" in out
    assert "DROP COLUMN full_name" not in out and "DROP COLUMN age" in out


def test_reverse_plan_undoes_the_rename(project, scratch):
    dsn = scratch.load("renames", "CREATE TABLE users (id int, full_name text); INSERT INTO users VALUES (1, 'x');")
    (project / "schema" / "s.sql").write_text(
        "CREATE TABLE users (\n  id int,\n  display_name text  -- schemadiff: renamed from full_name\n);")
    reverse = run("plan", "--db", dsn, "--reverse")  # the rollback plan, made before the release
    assert reverse.exit_code == 0
    assert run("apply", "--db", dsn, "--yes", "--no-verify").exit_code == 0
    assert count(dsn, "SELECT display_name FROM users") == "x"
    assert "ALTER TABLE public.users RENAME COLUMN display_name TO full_name;" in reverse.output
    assert "DROP" not in reverse.output
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(reverse.output)
    assert count(dsn, "SELECT full_name FROM users") == "x"


def test_hint_parse_errors_name_the_file(project, scratch):
    dsn = scratch.load("renames", "")
    (project / "schema" / "s.sql").write_text("CREATE TABLE t (a int);\nCOMMENT ON TABLE t IS 'x';  -- @renamed from=u\n")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 2
    assert "s.sql:2:" in result.output and "rename hint" in result.output


# -- where a hint belongs (no database) --------------------------------------------------------
@pytest.mark.parametrize("sql, expected", [
    ("CREATE INDEX new_idx /* @renamed from=old_idx */ ON t (a);", ("index", ("public", "new_idx"), "old_idx")),
    ("CREATE TYPE st AS ENUM ( /* @renamed from=state */ 'a', 'b');", ("type", ("public", "st"), "state")),
    ("CREATE TABLE u (\n  a int,\n  b text -- @renamed from=bb\n);", ("column", ("public", "u", "b"), "bb")),
    ("CREATE TABLE u (\n  a int,\n  -- schemadiff: renamed from aa\n  b text\n);", ("column", ("public", "u", "b"), "aa")),
    ("CREATE TABLE u (  -- schemadiff: renamed from v\n  a int\n);", ("table", ("public", "u"), "v")),
    ("-- schemadiff: renamed from v\nCREATE TABLE u (a int);", ("table", ("public", "u"), "v")),
    ("CREATE TABLE u (a int);  -- schemadiff: renamed from v", ("table", ("public", "u"), "v")),
    ("CREATE TABLE u (\n  a int\n); -- schemadiff: renamed from aa", ("column", ("public", "u", "a"), "aa")),
    ('CREATE TABLE u (\n  "B" int -- schemadiff: renamed from "Old B"\n);', ("column", ("public", "u", "B"), "Old B")),
    ("CREATE TABLE u (\n  a int,\n  CONSTRAINT c CHECK (a > 0) -- @renamed from=c_old\n);",
     ("constraint", ("public", "u", "c"), "c_old")),
    ("CREATE TYPE m AS ENUM (\n  'x',\n  'y' -- @renamed from=z\n);", ("enum_value", ("public", "m", "y"), "z")),
    ("SET search_path = app;\nCREATE SCHEMA app;\nCREATE SEQUENCE s; -- @renamed from=app.q",
     ("sequence", ("app", "s"), "q")),
    ('CREATE TABLE u (\n  b text -- @renamed from="special.column"\n);', ("column", ("public", "u", "b"), "special.column")),
    ("CREATE TYPE s /* @renamed from=a */ AS ENUM ( /* @renamed from=b */\n  'x'\n);", ("type", ("public", "s"), "a")),
])
def test_where_a_hint_belongs(sql, expected):
    setup = "CREATE TABLE t (a int);\n" if " ON t " in sql else ""
    hints = catalog_from_sql(setup + sql, "s.sql").rename_hints
    assert [(h.kind, h.path, h.old) for h in hints] == [expected]
