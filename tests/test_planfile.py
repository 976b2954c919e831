"""Plan files (`plan -o`, `apply FILE`) and the apply history (schemadiff.history), on a real server."""
from __future__ import annotations

import psycopg
import pytest

from test_safety import T_SQL, columns, relations, run, schema

pytestmark = pytest.mark.db

def test_apply_runs_exactly_the_reviewed_plan_file_and_records_it(project, pg):
    dsn = pg.create_database(T_SQL)
    schema(project, "CREATE TABLE t (id integer PRIMARY KEY, v text, added integer);\n")
    result = run("plan", "--db", dsn, "-o", "plan.json")
    assert result.exit_code == 0 and "ADD COLUMN added" in result.output
    schema(project, T_SQL + "CREATE TABLE later (id integer);\n")  # the files move on: the file is what runs
    result = run("apply", "plan.json", "--yes", "--db", dsn)
    assert result.exit_code == 0, result.output
    assert columns(dsn) == ["id", "v", "added"] and "later" not in relations(dsn)
    result = run("history", "--db", dsn, "--statements")
    assert result.exit_code == 0 and "applied" in result.output and "file plan.json" in result.output
    assert "ADD COLUMN added" in result.output
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT outcome, jsonb_array_length(statements), live_fingerprint IS NOT NULL "
                           "FROM schemadiff.history").fetchall()
    assert row == [("applied", 1, True)]
    assert run("check", "--db", dsn).exit_code == 1  # schemadiff's own schema is never drift; `later` is
    assert "schemadiff" not in run("check", "--db", dsn).output


def test_a_plan_file_is_refused_when_the_database_changed(project, pg):
    dsn = pg.create_database(T_SQL)
    schema(project, "CREATE TABLE t (id integer PRIMARY KEY, v text, added integer);\n")
    assert run("plan", "--db", dsn, "-o", "plan.json").exit_code == 0
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE INDEX hotfix ON t (v)")  # someone changed the database since the review
    result = run("apply", "plan.json", "--yes", "--db", dsn)
    assert result.exit_code == 2 and "schema changed since plan.json was made" in result.output, result.output
    assert columns(dsn) == ["id", "v"]
    plan = (project / "plan.json").read_text().replace("ADD COLUMN added integer", "DROP COLUMN v")
    (project / "plan.json").write_text(plan)
    result = run("apply", "plan.json", "--yes", "--db", dsn)
    assert result.exit_code == 2 and "edited after it was written" in result.output
    (project / "plan.json").write_text("{}")
    assert run("apply", "plan.json", "--yes", "--db", dsn).exit_code == 2
    assert columns(dsn) == ["id", "v"]


def test_history_records_a_failed_apply(project, pg):
    # A failure the plan's row checks do not foresee (they would refuse SET NOT NULL over a NULL
    # before anything runs): a text that is no integer.
    dsn = pg.create_database("CREATE TABLE t (id integer PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'x');")
    schema(project, "CREATE TABLE t (id integer PRIMARY KEY, v integer);\n")
    result = run("apply", "--yes", "--no-verify", "--allow-destructive", "--db", dsn)
    assert result.exit_code == 2
    with psycopg.connect(dsn) as conn:
        outcome, error = conn.execute("SELECT outcome, error FROM schemadiff.history").fetchone()
    assert outcome == "failed" and "integer" in error.lower()
    assert "failed" in run("history", "--db", dsn).output
