"""Hazards checked against the live rows (plan/live_checks.py): each statement that the data will
make fail is reported as `will-fail` with a row count before anything runs, and `apply` refuses
the plan; a check that cannot run says so (`unverified`)."""
from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner

from schemadiff.cli.main import cli
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration
from schemadiff.plan.live_checks import ROW_CAP, with_row_checks
from schemadiff.render.text import plan_json

pytestmark = pytest.mark.db


@pytest.fixture
def db_with(scratch):
    return lambda sql="": scratch.load("rows", sql)


def checked(dsn: str, target_sql: str):
    return with_row_checks(plan_migration(inspect_database(dsn), catalog_from_sql(target_sql)), dsn)


def will_fail(plan) -> list[str]:
    return [h.reason for s in plan.steps for h in s.hazards if h.kind == "will-fail"]


def unverified(plan) -> list[str]:
    return [h.reason for s in plan.steps for h in s.hazards if h.kind == "unverified"]


@pytest.mark.parametrize(("live", "target", "expected"), [
    ("CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, NULL), (2, NULL), (3, 'a');",
     "CREATE TABLE users (id int, email text NOT NULL);",
     "2 rows have NULL in users.email"),
    ("CREATE TABLE users (id int); INSERT INTO users VALUES (1);",
     "CREATE TABLE users (id int, email text NOT NULL);",
     "users has 1 row, and the new column email is NOT NULL without a default"),
    ("CREATE TABLE users (id int, name varchar(50)); INSERT INTO users VALUES (1, repeat('x', 20)), (2, 'short');",
     "CREATE TABLE users (id int, name varchar(10));",
     "1 row of users.name is longer than 10"),
    ("CREATE TABLE big (n bigint); INSERT INTO big VALUES (1), (3000000000), (-3000000000);",
     "CREATE TABLE big (n integer);",
     "2 rows of big.n are out of range for integer"),
    ("CREATE TABLE item (qty int); INSERT INTO item VALUES (1), (-1), (NULL);",
     "CREATE TABLE item (qty int, CONSTRAINT qty_positive CHECK (qty > 0));",
     "1 row of item violates qty_positive"),
    ("CREATE TABLE item (code text); INSERT INTO item VALUES ('a'), ('a'), ('b'), (NULL), (NULL);",
     "CREATE TABLE item (code text UNIQUE);",
     "1 value in item (code) is duplicated"),
    ("CREATE TABLE item (code text); INSERT INTO item VALUES ('a'), (NULL);",
     "CREATE TABLE item (code text PRIMARY KEY);",
     "1 row of item has NULL in the key of item_pkey"),
    ("CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (p int); "
     "INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1), (2), (NULL);",
     "CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (p int REFERENCES parent);",
     "1 row of child references no row of parent"),
    ("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE person (m mood, ms mood[]); "
     "INSERT INTO person VALUES ('sad', '{ok}'), ('ok', '{sad}');",
     "CREATE TYPE mood AS ENUM ('ok', 'happy'); CREATE TABLE person (m mood, ms mood[]);",
     "1 row of person.m holds the removed value(s) sad"),
], ids=["set-not-null", "add-not-null-column", "varchar-narrowed", "bigint-to-int", "check", "unique",
        "primary-key-nulls", "foreign-key-orphans", "enum-value-removed"])
def test_rows_that_make_a_step_fail_are_reported_before_apply(db_with, live, target, expected):
    plan = checked(db_with(live), target)
    assert any(r.startswith(expected) for r in will_fail(plan)), [(s.sql, s.hazards) for s in plan.steps]
    assert plan.failing_steps
    assert "will-fail" in plan_json(plan)


@pytest.mark.parametrize(("live", "target"), [
    ("CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, 'a');",
     "CREATE TABLE users (id int, email text NOT NULL);"),
    ("CREATE TABLE users (id int);", "CREATE TABLE users (id int, email text NOT NULL);"),
    ("CREATE TABLE users (id int, name varchar(50)); INSERT INTO users VALUES (1, 'short');",
     "CREATE TABLE users (id int, name varchar(10));"),
    ("CREATE TABLE item (qty int); INSERT INTO item VALUES (1), (NULL);",
     "CREATE TABLE item (qty int CHECK (qty > 0));"),
    ("CREATE TABLE item (code text); INSERT INTO item VALUES ('a'), (NULL), (NULL);",
     "CREATE TABLE item (code text UNIQUE);"),
    ("CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE person (m mood); INSERT INTO person VALUES ('ok');",
     "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE person (m mood);"),
    ("", "CREATE TABLE users (id int, email text NOT NULL CHECK (email <> ''));"),
], ids=["no-nulls", "empty-table", "short-values", "null-passes-check", "nulls-distinct", "enum-unused",
        "created-table"])
def test_rows_that_fit_give_no_hazard(db_with, live, target):
    plan = checked(db_with(live), target)
    assert plan
    assert not will_fail(plan) and not unverified(plan), [(s.sql, s.hazards) for s in plan.steps]


def test_counts_are_capped(db_with):
    dsn = db_with(f"CREATE TABLE t (a int); INSERT INTO t SELECT NULL FROM generate_series(1, {ROW_CAP + 5});")
    assert will_fail(checked(dsn, "CREATE TABLE t (a int NOT NULL);")) == [f"{ROW_CAP:,}+ rows have NULL in t.a"]


def test_a_check_that_cannot_run_says_so(db_with):
    # The CHECK calls a function the plan creates: it does not exist yet while planning.
    dsn = db_with("CREATE TABLE item (qty int); INSERT INTO item VALUES (1);")
    plan = checked(dsn, "CREATE FUNCTION positive(x int) RETURNS boolean LANGUAGE sql AS $$ SELECT x > 0 $$; "
                        "CREATE TABLE item (qty int CHECK (positive(qty)));")
    assert not will_fail(plan)
    assert [r for r in unverified(plan) if "positive" in r], [(s.sql, s.hazards) for s in plan.steps]


def test_apply_refuses_a_plan_that_will_fail_and_changes_nothing(project, db_with):
    dsn = db_with("CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, NULL);")
    (project / "schema" / "schema.sql").write_text("CREATE TABLE users (id int, email text NOT NULL, age int);\n")
    result = CliRunner().invoke(cli, ["apply", "--schema", "schema", "--db", dsn, "--yes", "--no-verify"],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "1 row has NULL in users.email" in result.stderr
    assert "SET NOT NULL" in result.stderr
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
                            ).fetchone()[0] == 2
    plan = CliRunner().invoke(cli, ["plan", "--schema", "schema", "--db", dsn], catch_exceptions=False)
    assert "will-fail: 1 row has NULL in users.email" in plan.output
