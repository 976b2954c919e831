"""The command line: output and exit codes (0 no differences, 1 differences, 2 error).

Every test runs from an empty temporary directory (so the repository's own
pyproject.toml does not leak its [tool.schemadiff] settings in) with
$DATABASE_URL unset, against a scratch database emptied for it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pglast
import psycopg
import pytest
from click.testing import CliRunner

from schemadiff.cli.main import cli
from fix_scratch import ScratchDatabases

pytestmark = pytest.mark.db

UNREACHABLE = "postgresql://nobody:secret@127.0.0.1:1/x"


@pytest.fixture(scope="module")
def _scratch(pg):
    pool = ScratchDatabases(pg)
    yield pool
    pool.close()


@pytest.fixture
def db_with(_scratch):
    """`db_with(sql)`: the DSN of an empty database loaded with sql (the previous one is emptied for it)."""
    return lambda sql="": _scratch.load("cli", sql)


def write_schema(project: Path, sql: str, name: str = "schema.sql") -> Path:
    path = project / "schema" / name
    path.write_text(sql)
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def relations(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S')")}


T_SQL = "CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL);\n"


# -- plan -------------------------------------------------------------------------------
def test_plan_prints_sql_and_changes_nothing(project, db_with):
    dsn = db_with()
    write_schema(project, T_SQL)
    result = run("plan", "--schema", "schema", "--db", dsn)
    assert result.exit_code == 0, result.output
    statements = pglast.parse_sql(result.stdout)
    assert [type(s.stmt).__name__ for s in statements] == ["CreateStmt"]
    assert statements[0].stmt.relation.relname == "t"
    assert relations(dsn) == set()


def test_plan_exit_code_flag(project, db_with):
    write_schema(project, T_SQL)
    empty = db_with()
    result = run("plan", "--schema", "schema", "--db", empty, "--exit-code")
    assert result.exit_code == 1, result.output
    assert "CREATE TABLE" in result.stdout

    same = db_with(T_SQL)
    result = run("plan", "--schema", "schema", "--db", same, "--exit-code")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ""
    assert "nothing to do" in result.stderr


def test_plan_json_lists_each_statement(project, db_with):
    dsn = db_with("CREATE TABLE old (id integer);")
    write_schema(project, T_SQL)
    result = run("plan", "--schema", "schema", "--db", dsn, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    statements = doc["statements"]
    assert len(statements) >= 2
    for s in statements:
        assert isinstance(s["sql"], str) and len(pglast.parse_sql(s["sql"])) == 1
        assert isinstance(s["object"], str) and s["object"]
        assert isinstance(s["transactional"], bool)
        assert isinstance(s["hazards"], list)
        for h in s["hazards"]:
            assert set(h) >= {"kind", "reason"}
    drop = [s for s in statements if s["sql"].startswith("DROP TABLE")]
    assert len(drop) == 1 and "old" in drop[0]["object"]
    assert "data-loss" in {h["kind"] for h in drop[0]["hazards"]}
    create = [s for s in statements if s["sql"].startswith("CREATE TABLE")]
    assert len(create) == 1 and create[0]["object"].endswith("t")
    assert "data-loss" not in {h["kind"] for h in create[0]["hazards"]}


def test_plan_hazards_give_the_live_table_size(project, db_with):
    """A rewrite of a table is told with its size from pg_class.reltuples and
    pg_total_relation_size; a table the plan creates has no size to tell."""
    dsn = db_with("CREATE TABLE big (id integer, note text);"
                  "INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g; ANALYZE big;")
    write_schema(project, "CREATE TABLE big (id bigint, note text);\nCREATE TABLE fresh (id integer);\n")
    result = run("plan", "--schema", "schema", "--db", dsn, "--format", "json")
    assert result.exit_code == 0, result.output
    statements = json.loads(result.stdout)["statements"]
    (retype,) = [s for s in statements if "ALTER COLUMN id TYPE bigint" in s["sql"]]
    rewrite = [h["reason"] for h in retype["hazards"] if h["kind"] == "table-rewrite"]
    assert len(rewrite) == 1
    size = re.search(r"\[big: ~([\d.]+)k rows, ([\d.]+) MB\]", rewrite[0])
    assert size is not None, rewrite[0]
    assert 19 <= float(size.group(1)) <= 21 and 2 <= float(size.group(2)) <= 6
    (create,) = [s for s in statements if s["sql"].startswith("CREATE TABLE")]
    assert all("rows" not in h["reason"] for h in create["hazards"])
    assert "rewrites the table [big: ~20.0k rows" in run("plan", "--schema", "schema", "--db", dsn).stdout


# -- check ------------------------------------------------------------------------------
def test_check_exit_codes_and_json(project, db_with):
    write_schema(project, T_SQL)
    same = db_with(T_SQL)
    result = run("check", "--schema", "schema", "--db", same)
    assert result.exit_code == 0, result.output

    result = run("check", "--schema", "schema", "--db", same, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"drift": False, "differences": []}

    drifted = db_with("CREATE TABLE t (id integer PRIMARY KEY, name text);")
    result = run("check", "--schema", "schema", "--db", drifted)
    assert result.exit_code == 1, result.output
    assert "name" in result.stdout

    result = run("check", "--schema", "schema", "--db", drifted, "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["drift"] is True
    assert len(doc["differences"]) == 1
    assert "name" in doc["differences"][0]["object"]
    assert doc["differences"][0]["change"]


# -- apply ------------------------------------------------------------------------------
def test_apply_dry_run_changes_nothing(project, db_with):
    dsn = db_with()
    write_schema(project, T_SQL)
    result = run("apply", "--schema", "schema", "--db", dsn, "--yes", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE public.t" in result.stdout
    assert relations(dsn) == set()


def test_apply_yes_applies_then_check_is_clean(project, db_with):
    dsn = db_with("CREATE TABLE t (id integer PRIMARY KEY);")
    write_schema(project, T_SQL + "CREATE INDEX ON t (name);\n")
    result = run("apply", "--schema", "schema", "--db", dsn, "--yes", "--no-verify")
    assert result.exit_code == 0, result.output
    assert relations(dsn) == {"t"}
    result = run("check", "--schema", "schema", "--db", dsn)
    assert result.exit_code == 0, result.output


def test_apply_verified_by_default_with_explicit_db(project, db_with):
    dsn = db_with()
    write_schema(project, T_SQL)
    result = run("apply", "--schema", "schema", "--db", dsn, "--yes")
    assert result.exit_code == 0, result.output
    assert relations(dsn) == {"t"}


def test_apply_refuses_data_loss_and_changes_nothing(project, db_with):
    dsn = db_with("CREATE TABLE doomed (id integer); INSERT INTO doomed VALUES (1);")
    write_schema(project, T_SQL)
    result = run("apply", "--schema", "schema", "--db", dsn, "--yes", "--no-verify")
    assert result.exit_code == 2, result.output
    assert "--allow-destructive" in result.stderr
    assert "DROP TABLE public.doomed" in result.stderr
    # Refused before anything ran: the new table was not created either.
    assert relations(dsn) == {"doomed"}
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM doomed").fetchone()[0] == 1

    result = run("apply", "--schema", "schema", "--db", dsn, "--yes", "--no-verify", "--allow-destructive")
    assert result.exit_code == 0, result.output
    assert relations(dsn) == {"t"}


def test_apply_failure_exits_2_and_rolls_back_its_transaction(project, db_with):
    # text -> integer over a value that is no number: no row check foresees it, the server refuses it.
    dsn = db_with("CREATE TABLE t (id integer, a text); INSERT INTO t VALUES (1, 'x');")
    write_schema(project, "CREATE TABLE t (id integer, a integer, b text);\n")
    result = run("apply", "--schema", "schema", "--db", dsn, "--yes", "--no-verify")
    assert result.exit_code == 2, result.output
    assert "TYPE integer" in result.stderr
    assert "Traceback" not in result.output
    with psycopg.connect(dsn) as conn:
        columns = [r[0] for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum")]
    assert columns == ["id", "a"]


# -- errors -----------------------------------------------------------------------------
def test_syntax_error_names_file_line_column(project, db_with):
    dsn = db_with()
    path = write_schema(project, "CREATE TABLE t (\n    id integer,\n    name text,,\n    x int\n);\n")
    result = run("plan", "--schema", str(project / "schema"), "--db", dsn)
    assert result.exit_code == 2, result.output
    assert f"{path}:3:15:" in result.stderr
    assert "syntax error" in result.stderr
    assert "Traceback" not in result.output


def test_all_syntax_errors_are_reported_together(project, db_with):
    dsn = db_with()
    first = write_schema(project, "CREATE TABLE a (id int);\nCREATE TABLE b (id int,);\n", "01.sql")
    second = write_schema(project, "\n\nCREAT TABLE c (id int);\n", "02.sql")
    result = run("check", "--schema", str(project / "schema"), "--db", dsn)
    assert result.exit_code == 2, result.output
    assert f"{first}:2:" in result.stderr
    assert f"{second}:3:1:" in result.stderr


@pytest.mark.parametrize(("statement", "label"), [
    ("CREATE FOREIGN DATA WRAPPER w;", "CREATE FOREIGN"),
    ("CREATE CONVERSION c FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;", "CREATE CONVERSION"),
    ("CREATE ACCESS METHOD am TYPE TABLE HANDLER heap_tableam_handler;", "CREATE ACCESS"),
])
def test_unsupported_statement_is_an_error_naming_it(project, db_with, statement, label):
    dsn = db_with()
    path = write_schema(project, T_SQL + "\n  " + statement + "\n")
    result = run("plan", "--schema", str(project / "schema"), "--db", dsn)
    assert result.exit_code == 2, result.output
    assert f"{path}:3:3:" in result.stderr
    assert label in result.stderr
    assert "Traceback" not in result.output


def test_unreachable_database_names_host_never_password(project):
    write_schema(project, T_SQL)
    for command in ("plan", "check"):
        result = run(command, "--schema", "schema", "--db", UNREACHABLE)
        assert result.exit_code == 2, result.output
        assert "127.0.0.1" in result.stderr
        assert "secret" not in result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize("sql", [
    pytest.param("CREATE TABLE child (id integer, parent_id integer REFERENCES parent);\n",
                 id="no-column-list"),
    pytest.param("CREATE TABLE child (id integer, parent_id integer REFERENCES parent (id));\n",
                 id="column-list"),
    pytest.param("CREATE TABLE child (id integer, parent_id integer,\n"
                 "    FOREIGN KEY (parent_id) REFERENCES parent (id));\n",
                 id="table-constraint"),
    pytest.param("CREATE TABLE parentx (id integer PRIMARY KEY);\n"
                 "CREATE TABLE child (id integer, parent_id integer REFERENCES parent (id));\n",
                 id="similar-name"),
])
def test_reference_to_undeclared_table_is_an_error(project, db_with, sql):
    dsn = db_with()
    path = write_schema(project, sql)
    result = run("plan", "--schema", "schema", "--db", dsn)
    assert result.exit_code == 2, result.output
    assert re.search(r"\bparent\b", result.stderr), result.stderr
    assert f"{path.name}:" in result.stderr
    assert "Traceback" not in result.output


def test_reference_to_undeclared_column_is_an_error(project, db_with):
    dsn = db_with()
    write_schema(project, "CREATE TABLE parent (id integer PRIMARY KEY);\n"
                          "CREATE TABLE child (parent_id integer REFERENCES parent (nope));\n")
    result = run("plan", "--schema", "schema", "--db", dsn)
    assert result.exit_code == 2, result.output
    assert "nope" in result.stderr


def test_missing_schema_path_is_an_error(project, db_with):
    dsn = db_with()
    result = run("plan", "--schema", "nowhere", "--db", dsn)
    assert result.exit_code == 2, result.output
    assert "nowhere" in result.stderr


# -- selection and configuration -----------------------------------------------------------
EXCLUDE_DB = "CREATE TABLE keep (id integer); CREATE TABLE audit_2024 (id integer); CREATE SEQUENCE audit_seq;"
EXCLUDE_FILES = "CREATE TABLE keep (id integer);\nCREATE TABLE audit_new (x text);\n"


def test_exclude_leaves_objects_out_on_both_sides(project, db_with):
    dsn = db_with(EXCLUDE_DB)
    write_schema(project, EXCLUDE_FILES)
    result = run("check", "--schema", "schema", "--db", dsn)
    assert result.exit_code == 1, result.output

    result = run("check", "--schema", "schema", "--db", dsn, "--exclude", "audit_*")
    assert result.exit_code == 0, result.output
    result = run("plan", "--schema", "schema", "--db", dsn, "--exclude", "public.audit_*", "--exit-code")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ""


def test_exclude_does_not_hide_other_drift(project, db_with):
    dsn = db_with(EXCLUDE_DB)
    write_schema(project, EXCLUDE_FILES + "CREATE TABLE extra (id integer);\n")
    result = run("plan", "--schema", "schema", "--db", dsn, "--exclude", "audit_*")
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE public.extra" in result.stdout
    assert "audit" not in result.stdout


def test_pyproject_config_is_honoured(project, db_with, monkeypatch):
    dsn = db_with(EXCLUDE_DB)
    (project / "schema").rmdir()
    files = project / "db" / "declared"
    files.mkdir(parents=True)
    (files / "tables.sql").write_text(EXCLUDE_FILES)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.schemadiff]\nschema = ["db/declared"]\nexclude = ["public.audit_*"]\n')

    result = run("check", "--db", dsn)
    assert result.exit_code == 0, result.output

    # From a subdirectory the project's configuration still applies.
    sub = project / "db"
    monkeypatch.chdir(sub)
    result = run("check", "--db", dsn)
    assert result.exit_code == 0, result.output

    # The configured exclusions add to --exclude; the configured schema path is what is read.
    (files / "tables.sql").write_text(EXCLUDE_FILES + "CREATE TABLE more (id integer);\n")
    result = run("check", "--db", dsn, "--format", "json")
    assert result.exit_code == 1, result.output
    assert [d["object"] for d in json.loads(result.stdout)["differences"]] == ["table public.more"]


def test_pyproject_bad_key_is_an_error(project, db_with):
    dsn = db_with()
    write_schema(project, T_SQL)
    (project / "pyproject.toml").write_text('[tool.schemadiff]\nschemas = ["schema"]\n')
    result = run("check", "--db", dsn)
    assert result.exit_code == 2, result.output
    assert "schemas" in result.stderr


def test_data_statements_are_refused_unless_configured_away(project, db_with):
    dsn = db_with()
    path = write_schema(project, "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n"
                                 "SELECT pg_catalog.setval('s', 1, true);\n")
    refused = run("plan", "--schema", str(project / "schema"), "--db", dsn)
    assert refused.exit_code == 2, refused.output
    assert f"{path}:2:1: unsupported statement: INSERT INTO t" in refused.stderr
    assert f"{path}:3:1: unsupported statement: SELECT pg_catalog.setval(...)" in refused.stderr
    assert "ignore_data_statements" in refused.stderr
    flagged = run("plan", "--schema", str(project / "schema"), "--db", dsn, "--ignore-data-statements")
    assert flagged.exit_code == 0, flagged.output
    assert "CREATE TABLE public.t" in flagged.stdout
    (project / "pyproject.toml").write_text("[tool.schemadiff]\nignore_data_statements = true\n")
    configured = run("check", "--schema", str(project / "schema"), "--db", dsn)
    assert configured.exit_code == 1, configured.output  # t is missing: drift, not an error
    (project / "pyproject.toml").write_text("[tool.schemadiff]\nignore_data_statements = 'yes'\n")
    bad = run("check", "--schema", str(project / "schema"), "--db", dsn)
    assert bad.exit_code == 2 and "ignore_data_statements must be true or false" in bad.stderr


def test_python_dash_m_runs_the_cli_without_a_script_on_path(project):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "schemadiff", "lint", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "Usage: schemadiff lint" in out.stdout, out.stderr
