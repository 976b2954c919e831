"""Data steps (schemadiff data, schemadiff migrate) and the learning platform's legacy migration.

The unit tests build small step directories in tmp_path; the migration tests generate
20 000 legacy events (legacy/generate.py), run the whole migration of legacy/migration/
through the CLI or the API, and check the data independently of the verification files.
"""
from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemadiff import datasteps
from schemadiff.cli.config import exclusion
from schemadiff.cli.main import cli
from schemadiff.errors import DataStepError, MigrationFailed
from schemadiff.migrate import MigrateOptions, migrate, remaining_plan

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema"
STEPS = ROOT / "legacy" / "migration" / "steps"
ROLLBACK = ROOT / "legacy" / "migration" / "rollback.sql"
EXCLUDE = ["public.user_interactions_p[0-9]*", "archive.*"]
EVENTS = 20_000


def _load_generate():
    spec = importlib.util.spec_from_file_location("legacy_generate", ROOT / "legacy" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load_generate()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """An empty working directory (the repository's pyproject.toml stays out); no $DATABASE_URL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_steps(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text).lstrip())
    return directory


def scalar(dsn: str, sql: str):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchone()[0]


# -- loading step files ------------------------------------------------------------------------

def test_steps_load_in_number_order_with_headers_and_verify_files(tmp_path):
    d = write_steps(tmp_path / "m", {
        "0010_last.sql": "-- schemadiff: phase=before-contract\nSELECT 1;\n",
        "0002_second.sql": "-- a comment\n-- schemadiff: transaction=false, phase=before-expand\nSELECT 1;\n",
        "0001_first.sql": "SELECT 1;\n",
        "0001_first.verify.sql": "SELECT 1 WHERE false;\n",
        "README.md": "not a step, not SQL: ignored",
    })
    steps = datasteps.load_steps(d)
    assert [s.name for s in steps] == ["0001_first", "0002_second", "0010_last"]
    assert [(s.phase, s.transactional) for s in steps] == [
        ("between", True), ("before-expand", False), ("before-contract", True)]
    assert steps[0].verify_path == d / "0001_first.verify.sql" and steps[1].verify_path is None


@pytest.mark.parametrize("files, message", [
    ({"01-bad.sql": "SELECT 1;"}, "not a data step name"),
    ({"0001_a.sql": "-- schemadiff: phase=later\nSELECT 1;"}, "0001_a.sql:1: unknown schemadiff header 'phase=later'"),
    ({"0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 1;"}, "share the number 1"),
    ({"0002_x.verify.sql": "SELECT 1;"}, "verifies a step that does not exist"),
    ({"0001_a.sql": "SELECT 1;\nCOMMIT;\n"}, "0001_a.sql:2: transaction control in a transactional step"),
])
def test_bad_step_directories_are_refused_with_the_file(tmp_path, files, message):
    d = write_steps(tmp_path / "m", files)
    with pytest.raises(DataStepError, match=message.replace("(", r"\(").replace(")", r"\)")):
        datasteps.load_steps(d)


def test_statements_keep_their_line_and_comment():
    text = "-- schemadiff: phase=between\n\n-- count the rows\nSELECT 1;\nDO $$ BEGIN PERFORM 1; END $$;\n"
    st = datasteps.split_statements(text)
    assert [(s.line, s.comment) for s in st] == [(4, "count the rows"), (5, "")]
    assert st[1].sql.startswith("DO $$")


# -- running -----------------------------------------------------------------------------------

COUNTER = {"0001_counter.sql": """
    CREATE TABLE counter (n integer NOT NULL);
    INSERT INTO counter VALUES (1);
"""}


def test_a_step_never_runs_twice(project, db):
    d = write_steps(project / "migrations", COUNTER)
    first = run("data", "run", "--db", db)
    assert first.exit_code == 0, first.output
    assert "ran 1 data step(s)" in first.stderr
    second = run("data", "run", "--db", db)
    assert second.exit_code == 0, second.output
    assert "nothing pending" in second.stderr
    assert scalar(db, "SELECT count(*) FROM counter") == 1
    row = psycopg.connect(db).execute("SELECT name, checksum, seconds >= 0 FROM schemadiff.data_steps").fetchall()
    assert row == [("0001_counter", datasteps.checksum(d / "0001_counter.sql"), True)]


def test_a_changed_step_is_an_error(project, db):
    d = write_steps(project / "migrations", COUNTER)
    assert run("data", "run", "--db", db).exit_code == 0
    (d / "0001_counter.sql").write_text((d / "0001_counter.sql").read_text() + "INSERT INTO counter VALUES (2);\n")
    result = run("data", "run", "--db", db)
    assert result.exit_code == 2
    assert "changed after they were applied" in result.stderr and "0001_counter.sql" in result.stderr
    status = run("data", "status", "--db", db)
    assert status.stdout.startswith("changed  0001_counter")
    assert scalar(db, "SELECT count(*) FROM counter") == 1


def test_a_failed_step_rolls_back_and_stops(project, db):
    write_steps(project / "migrations", {
        "0001_ok.sql": "CREATE TABLE a (id integer);\n",
        "0002_fails.sql": "CREATE TABLE b (id integer);\nINSERT INTO b VALUES (1);\nSELECT 1 / 0;\n",
        "0003_never.sql": "CREATE TABLE c (id integer);\n",
    })
    result = run("data", "run", "--db", db)
    assert result.exit_code == 2
    assert "data step 0002_fails failed at" in result.stderr and "0002_fails.sql:3" in result.stderr
    assert "division by zero" in result.stderr and "rolled back, not recorded" in result.stderr
    assert scalar(db, "SELECT to_regclass('a') IS NOT NULL") is True
    assert scalar(db, "SELECT to_regclass('b') IS NULL AND to_regclass('c') IS NULL") is True
    assert scalar(db, "SELECT string_agg(name, ',') FROM schemadiff.data_steps") == "0001_ok"


def test_a_step_outside_a_transaction_can_build_an_index_concurrently(project, db):
    write_steps(project / "migrations", {
        "0001_table.sql": "CREATE TABLE t (id integer);\n",
        "0002_index.sql": "-- schemadiff: transaction=false\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\n",
    })
    result = run("data", "run", "--db", db)
    assert result.exit_code == 0, result.output
    assert scalar(db, "SELECT to_regclass('t_id_idx') IS NOT NULL") is True


def test_until_phases_and_out_of_order_steps(project, db):
    d = write_steps(project / "migrations", {
        "0001_a.sql": "CREATE TABLE a (id integer);\n",
        "0002_b.sql": "CREATE TABLE b (id integer);\n",
        "0003_c.sql": "-- schemadiff: phase=before-contract\nCREATE TABLE c (id integer);\n",
    })
    assert run("data", "run", "--db", db, "--until", "0001_a").exit_code == 0
    assert run("data", "run", "--db", db, "--phase", "between").exit_code == 0
    assert scalar(db, "SELECT string_agg(name, ',' ORDER BY name) FROM schemadiff.data_steps") == "0001_a,0002_b"
    assert run("data", "run", "--db", db, "--until", "9").exit_code == 2  # no such step
    assert run("data", "run", "--db", db).exit_code == 0
    (d / "0000_late.sql").write_text("SELECT 1;\n")
    result = run("data", "run", "--db", db)
    assert result.exit_code == 2 and "numbered before an applied one: 0000_late" in result.stderr


def test_status_lists_applied_pending_and_verified(project, db):
    write_steps(project / "migrations", {
        "0001_a.sql": "CREATE TABLE a (id integer);\n",
        "0001_a.verify.sql": "SELECT id FROM a WHERE id IS NULL;\n",
        "0002_b.sql": "-- schemadiff: transaction=false\nCREATE TABLE b (id integer);\n",
    })
    before = run("data", "status", "--db", db, "--exit-code")
    assert before.exit_code == 1
    assert before.stdout.splitlines() == ["pending  0001_a  between",
                                          "pending  0002_b  between         (outside a transaction)"]
    assert scalar(db, "SELECT to_regclass('schemadiff.data_steps') IS NULL") is True  # status creates nothing
    run("data", "run", "--db", db, "--until", "0001_a")
    run("data", "verify", "--db", db)
    lines = run("data", "status", "--db", db).stdout.splitlines()
    assert lines[0].startswith("applied  0001_a  between") and lines[0].endswith("verified")
    assert lines[1].startswith("pending  0002_b")


def test_verify_reports_each_row_as_a_violation(project, db):
    write_steps(project / "migrations", {
        "0001_rows.sql": "CREATE TABLE t (id integer, amount integer);\nINSERT INTO t VALUES (1, 5), (2, -1), (3, -7);\n",
        "0001_rows.verify.sql": """
            SET LOCAL work_mem = '8MB';

            -- amounts are never negative
            SELECT id, amount FROM t WHERE amount < 0 ORDER BY id;

            -- ids are unique
            SELECT id FROM t GROUP BY id HAVING count(*) > 1;
        """,
    })
    assert run("data", "run", "--db", db).exit_code == 0
    result = run("data", "verify", "--db", db)
    assert result.exit_code == 1
    verify_file = project / "migrations" / "0001_rows.verify.sql"
    assert result.stdout.splitlines() == [
        f"{verify_file}:4: amounts are never negative: id=2, amount=-1",
        f"{verify_file}:4: amounts are never negative: id=3, amount=-7",
    ]
    assert "2 violation(s)" in result.stderr
    assert scalar(db, "SELECT verified_at IS NULL FROM schemadiff.data_steps") is True
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("UPDATE t SET amount = 0 WHERE amount < 0")
    result = run("data", "verify", "--db", db)
    assert result.exit_code == 0 and "verification passed" in result.stderr
    assert scalar(db, "SELECT verified_at IS NOT NULL FROM schemadiff.data_steps") is True


def test_verification_cannot_write(project, db):
    write_steps(project / "migrations", {
        "0001_t.sql": "CREATE TABLE t (id integer);\n",
        "0001_t.verify.sql": "INSERT INTO t VALUES (1) RETURNING id;\n",
    })
    run("data", "run", "--db", db)
    result = run("data", "verify", "--db", db)
    assert result.exit_code == 2 and "read-only transaction" in result.stderr
    assert scalar(db, "SELECT count(*) FROM t") == 0


def test_the_bookkeeping_schema_is_never_planned(project, db):
    (project / "schema").mkdir()
    (project / "schema" / "t.sql").write_text("CREATE TABLE t (id integer);\n")
    write_steps(project / "migrations", {"0001_noop.sql": "SELECT 1;\n"})
    assert run("apply", "--db", db, "--yes", "--no-verify").exit_code == 0
    assert run("data", "run", "--db", db).exit_code == 0
    result = run("plan", "--db", db, "--exit-code")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


# -- migrate: a small generic migration --------------------------------------------------------

OLD = "CREATE TABLE person (id integer PRIMARY KEY, name text);\nINSERT INTO person VALUES (1, 'Ada Lovelace'), (2, 'Alan Turing');\n"
NEW = """
CREATE TABLE person (id integer PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);
CREATE INDEX person_last_name_idx ON person (last_name);
"""
SPLIT = {
    "0001_split_names.sql": """
        UPDATE person SET first_name = split_part(name, ' ', 1), last_name = split_part(name, ' ', 2);
    """,
    "0001_split_names.verify.sql": """
        -- every name is split
        SELECT id FROM person WHERE first_name || ' ' || last_name IS DISTINCT FROM name;
    """,
}


def _project_with(project: Path, schema: str, steps: dict[str, str]) -> None:
    (project / "schema").mkdir(exist_ok=True)
    (project / "schema" / "person.sql").write_text(schema)
    write_steps(project / "migrations", steps)


def test_migrate_expands_moves_data_verifies_and_contracts(project, pg):
    dsn = pg.create_database(OLD)
    _project_with(project, NEW, SPLIT)
    result = run("migrate", "--db", dsn, "--yes", "--allow-destructive", "--online")
    assert result.exit_code == 0, result.output
    stages = [ln.split(":")[0] for ln in result.stderr.splitlines() if ln.startswith("== ") and "done" not in ln]
    assert stages == ["== expand", "== data", "== verify", "== indexes", "== contract"]
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT id, first_name, last_name FROM person ORDER BY id").fetchall() == [
            (1, "Ada", "Lovelace"), (2, "Alan", "Turing")]
    assert run("plan", "--db", dsn, "--exit-code").exit_code == 0
    again = run("migrate", "--db", dsn, "--yes")
    assert again.exit_code == 0 and "nothing to do" in again.stderr


def test_migrate_refuses_data_loss_without_the_flag_and_says_how_to_resume(project, pg):
    dsn = pg.create_database(OLD)
    _project_with(project, NEW, SPLIT)
    result = run("migrate", "--db", dsn, "--yes")
    assert result.exit_code == 2
    assert "migration stopped at stage 'contract'" in result.stderr
    assert "DROP COLUMN name" in result.stderr and "--allow-destructive" in result.stderr
    assert "run the same `schemadiff migrate` command again" in result.stderr
    assert scalar(dsn, "SELECT count(*) FROM person WHERE first_name IS NOT NULL") == 2  # data stage done
    resumed = run("migrate", "--db", dsn, "--yes", "--allow-destructive")
    assert resumed.exit_code == 0, resumed.output
    assert "== data" not in resumed.stderr and "== contract" in resumed.stderr


def test_migrate_stops_at_a_failed_verification_before_contract(project, pg):
    dsn = pg.create_database(OLD + "INSERT INTO person VALUES (3, 'Plato');\n")
    _project_with(project, NEW, SPLIT)
    result = run("migrate", "--db", dsn, "--yes", "--allow-destructive")
    assert result.exit_code == 2
    assert "migration stopped at stage 'verify'" in result.stderr
    assert "every name is split: id=3" in result.stderr
    assert scalar(dsn, "SELECT count(*) FROM information_schema.columns "
                       "WHERE table_name = 'person' AND column_name = 'name'") == 1  # no contract
    # The rule was wrong (single names exist): correct the verification file, which is not
    # checksummed; migrate resumes, verifies the step again and contracts.
    (project / "migrations" / "0001_split_names.verify.sql").write_text(
        "-- every name is split\n"
        "SELECT id FROM person WHERE rtrim(first_name || ' ' || last_name) IS DISTINCT FROM name;\n")
    resumed = run("migrate", "--db", dsn, "--yes", "--allow-destructive")
    assert resumed.exit_code == 0, resumed.output
    assert "== verify" in resumed.stderr and "== data" not in resumed.stderr


def test_migrate_stops_at_a_failed_step_with_the_stage_and_the_resume_hint(project, pg):
    dsn = pg.create_database(OLD)
    _project_with(project, NEW, {"0001_split_names.sql": "UPDATE person SET first_name = no_such_column;\n"})
    with pytest.raises(MigrationFailed) as failure:
        migrate(dsn, [project / "schema"], project / "migrations")
    assert failure.value.stage == "data"
    assert "0001_split_names.sql:1" in failure.value.cause
    assert "rolled back and is not recorded" in failure.value.resume
    # expand stays applied: the new columns exist, still nullable
    assert scalar(dsn, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'person'") == 4


def test_phases_must_be_numbered_in_the_order_migrate_runs_them(project, pg):
    dsn = pg.create_database(OLD)
    _project_with(project, NEW, {"0001_late.sql": "-- schemadiff: phase=before-contract\nSELECT 1;\n",
                                 "0002_early.sql": "SELECT 1;\n"})
    with pytest.raises(DataStepError, match="0002_early \\(phase=between\\) is numbered after 0001_late"):
        migrate(dsn, [project / "schema"], project / "migrations")


# -- the learning platform's migration ---------------------------------------------------------

@pytest.fixture
def legacy_db(pg) -> tuple[str, dict]:
    """A database holding the legacy schema with EVENTS generated events, and its checksums."""
    dsn = pg.create_database()
    generate.generate(dsn, EVENTS)
    with psycopg.connect(dsn) as conn:
        return dsn, generate.table_checksums(conn, "public")


def _migrate_cli(dsn: str, *extra: str):
    args = ["migrate", "--db", dsn, "--schema", str(SCHEMA), "--dir", str(STEPS), "--yes", "--online"]
    for pattern in EXCLUDE:
        args += ["--exclude", pattern]
    return run(*args, *extra)


def test_legacy_migration_moves_every_event_and_archives_the_old_tables(project, legacy_db):
    dsn, before = legacy_db
    result = _migrate_cli(dsn)
    assert result.exit_code == 0, result.output
    assert "migration complete" in result.stderr

    # Every step applied and verified (the verification files ran, and passed, as the steps ran).
    status = run("data", "status", "--db", dsn, "--dir", str(STEPS)).stdout.splitlines()
    assert len(status) == 9 and all(ln.startswith("applied") and ln.endswith(" verified") for ln in status)

    with psycopg.connect(dsn) as conn:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        # The old tables are in archive, untouched; schema legacy is gone.
        assert generate.table_checksums(conn, "archive") == before
        assert q("SELECT count(*) FROM pg_namespace WHERE nspname = 'legacy'") == [(0,)]
        # No event lost: same ids, same times, per month.
        assert q("SELECT count(*) FROM archive.user_interactions AS l "
                 "FULL JOIN public.user_interactions AS n ON n.id = l.id "
                 "WHERE l.id IS NULL OR n.id IS NULL OR n.created_at <> archive.parse_time(l.event_time)") == [(0,)]
        per_month_legacy = q("SELECT to_char(archive.parse_time(event_time) AT TIME ZONE 'UTC', 'YYYY-MM'), count(*) "
                             "FROM archive.user_interactions GROUP BY 1 ORDER BY 1")
        per_month_new = q("SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'), count(*) "
                          "FROM public.user_interactions GROUP BY 1 ORDER BY 1")
        assert per_month_new == per_month_legacy and len(per_month_new) == 12
        assert sum(n for _, n in per_month_new) == EVENTS
        assert q("SELECT count(*) FROM ONLY public.user_interactions_default") == [(0,)]
        # Sums of moved values are equal.
        assert q("SELECT sum(archive.parse_number(video_position)) FROM archive.interaction_details "
                 "WHERE video_position IS NOT NULL") == q("SELECT sum(position_seconds) FROM public.video_interactions")
        assert q("SELECT sum(archive.parse_number(score)), count(*) FROM archive.interaction_details "
                 "WHERE question_id IS NOT NULL") == q("SELECT sum(score), count(*) FROM public.quiz_interactions")
        # Users merged by case-insensitive email, sessions kept.
        assert q("SELECT count(DISTINCT lower(email)) FROM archive.users") == q("SELECT count(*) FROM public.users")
        assert q("SELECT count(*) FROM archive.user_sessions") == q("SELECT count(*) FROM public.user_sessions")
        # The constraints of schema/ hold: contract added and validated every foreign key
        # (top-level ones: PostgreSQL 15 leaves the flag of the clones made for each partition
        # of a referenced partitioned table unset after VALIDATE).
        assert q("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 "
                 "AND connamespace = 'public'::regnamespace") == [(15,)]
        assert q("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated AND conparentid = 0 "
                 "AND connamespace = 'public'::regnamespace") == [(0,)]

    # Nothing is left to plan, through the API and through the CLI.
    assert not remaining_plan(dsn, [SCHEMA], exclusion(EXCLUDE))
    again = _migrate_cli(dsn)
    assert again.exit_code == 0 and "nothing to do" in again.stderr
    args = ["plan", "--db", dsn, "--schema", str(SCHEMA), "--exit-code"]
    for pattern in EXCLUDE:
        args += ["--exclude", pattern]
    planned = run(*args)
    assert planned.exit_code == 0 and planned.stdout == "", planned.output

    # After the switch-over, the rollback refuses to lose the new application's writes.
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO public.users (email, full_name) VALUES ('new@example.com', 'New Learner')")
        with pytest.raises(psycopg.errors.RaiseException, match=r"written after the switch-over \(1 user\(s\)\)"):
            conn.execute(ROLLBACK.read_text())


@pytest.mark.parametrize("stop_before", ["expand", "indexes", "contract"])
def test_rollback_before_contract_restores_the_legacy_data(project, legacy_db, stop_before):
    dsn, before = legacy_db
    with pytest.raises(MigrationFailed) as failure:
        migrate(dsn, [SCHEMA], STEPS, keep=exclusion(EXCLUDE),
                options=MigrateOptions(online=True, confirm=lambda stage, plan: stage != stop_before))
    assert failure.value.stage == stop_before

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ROLLBACK.read_text())
        assert generate.table_checksums(conn, "public") == before
        leftovers = conn.execute(
            "SELECT string_agg(format('%s.%s', n.nspname, c.relname), ', ') FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
            "AND c.relname NOT IN ('users', 'user_sessions', 'user_interactions', 'interaction_details', 'data_steps', "
            "'history')"
        ).fetchone()[0]
        assert leftovers is None
        assert conn.execute("SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace "
                            "WHERE nspname IN ('legacy', 'archive')").fetchone()[0] is None
        assert conn.execute("SELECT count(*) FROM schemadiff.data_steps").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace").fetchone()[0] == 0
