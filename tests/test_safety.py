"""Fault injection for the deploy path, against a real server: lock holders, concurrent applies,
signals, hostile config, secrets in URLs, missing or broken input, a role without privileges.

Every test asserts what the database holds afterwards, not only the exit code.  Waits use
short bounds (hundreds of milliseconds) so that the module stays quick.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import conninfo, sql

from schemadiff.cli.main import cli
from schemadiff.errors import ConfigError
from schemadiff.locks import APPLY_LOCK_KEY

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[1]
T_SQL = "CREATE TABLE t (id integer PRIMARY KEY, v text);\n"
TIMINGS: list[tuple[str, str, float]] = []  # (scenario, outcome, seconds): printed with -s


def record(scenario: str, outcome: str, seconds: float) -> None:
    TIMINGS.append((scenario, outcome, seconds))
    print(f"\nTIMING | {scenario} | {outcome} | {seconds:.2f}s")


def run(*args: str, env: dict | None = None):
    return CliRunner(env=env).invoke(cli, list(args))


def cli_process(project: Path, *args: str, **popen) -> subprocess.Popen:
    """The CLI in a process of its own: signals, and a real second client."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    env.pop("DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-c", "from schemadiff.cli.main import main; main()", *args],
                            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def configure(project: Path, text: str) -> None:
    (project / "pyproject.toml").write_text("[tool.schemadiff]\n" + text)


def schema(project: Path, text: str, name: str = "schema.sql") -> None:
    (project / "schema" / name).write_text(text)


def session(dsn: str, app: str) -> psycopg.Connection:
    conn = psycopg.connect(dsn)
    conn.execute("SELECT set_config('application_name', %s, false)", (app,))
    conn.commit()
    return conn


def columns(dsn: str, table: str = "t") -> list[str]:
    with psycopg.connect(dsn) as conn:
        return [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                           "ORDER BY ordinal_position", (table,))]


def relations(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute("SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('r', 'i', 'v') "
                                           "AND relnamespace NOT IN ('pg_catalog'::regnamespace, "
                                           "'information_schema'::regnamespace, 'pg_toast'::regnamespace)")}


class Reader(threading.Thread):
    """Reads the table in a loop, with no timeout of its own: the longest read is how long an
    apply waiting for a lock made the table's readers queue."""

    def __init__(self, dsn: str):
        super().__init__(daemon=True)
        self.dsn, self.worst, self.reads = dsn, 0.0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.stop.is_set():
                t0 = time.monotonic()
                conn.execute("SELECT count(*) FROM t").fetchone()
                self.worst = max(self.worst, time.monotonic() - t0)
                self.reads += 1
                time.sleep(0.02)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.join(10)


def apply_waiting_for_a_lock(project: Path, dsn: str) -> subprocess.Popen:
    """An apply with an unbounded lock_timeout, started and seen waiting for a lock on the server."""
    proc = cli_process(project, "apply", "--yes", "--no-verify", "--db", dsn, "--lock-timeout", "0")
    deadline = time.monotonic() + 30
    while not waiting_applies(dsn):
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() else ""
        time.sleep(0.1)
    return proc


def until_no_apply_waits(dsn: str, seconds: float, message: str) -> None:
    """The server drops a cancelled or orphaned lock request within moments, not at once."""
    deadline = time.monotonic() + seconds
    while waiting_applies(dsn):
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def waiting_applies(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        # One server may run other tests' applies at once (SCHEMADIFF_TEST_DSN): only this database's count.
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'schemadiff apply' "
                            "AND wait_event_type = 'Lock' AND datname = current_database()").fetchone()[0]


# -- lock waits --------------------------------------------------------------------------------
def test_apply_times_out_retries_and_never_blocks_readers_longer_than_the_timeout(project, pg):
    dsn = pg.create_database(T_SQL)
    schema(project, "CREATE TABLE t (id integer PRIMARY KEY, v text, added integer);\n")
    configure(project, 'lock_retry_delay = "200ms"\n')
    holder = session(dsn, "holder-app")
    holder.execute("SELECT * FROM t")  # ACCESS SHARE, held: idle in transaction
    pid = holder.info.backend_pid
    try:
        with Reader(dsn) as reader:
            time.sleep(0.2)
            t0 = time.monotonic()
            proc = cli_process(project, "apply", "--yes", "--no-verify", "--db", dsn, "--lock-timeout", "500ms",
                               "--lock-retries", "2")
            out, err = proc.communicate(timeout=60)
            elapsed = time.monotonic() - t0
        assert proc.returncode == 2, err
        assert "retry 1/2" in err and "retry 2/2" in err, err
        assert f"pid {pid}" in err and "'holder-app'" in err and "AccessShareLock" in err, err
        assert "Traceback" not in err
        assert reader.reads > 5
        assert reader.worst < 0.5 + 0.8, f"a reader waited {reader.worst:.2f}s behind a 500ms lock_timeout"
        assert columns(dsn) == ["id", "v"]  # nothing applied
        record("apply behind an ACCESS SHARE holder (lock_timeout 500ms, 2 retries)",
               f"exit 2 after 3 attempts naming pid/application_name; worst reader wait {reader.worst:.2f}s",
               elapsed)
    finally:
        holder.rollback()
        holder.close()
    t0 = time.monotonic()
    result = run("apply", "--yes", "--no-verify", "--db", dsn, "--lock-timeout", "500ms")
    assert result.exit_code == 0, result.output
    assert columns(dsn) == ["id", "v", "added"]
    record("the same apply once the holder is gone", "exit 0, column added", time.monotonic() - t0)


@pytest.mark.parametrize("command", ["plan", "check"])
def test_plan_and_check_are_bounded_behind_an_access_exclusive_holder(project, pg, command):
    dsn = pg.create_database(T_SQL + "CREATE VIEW tv AS SELECT id FROM t;\n")
    schema(project, T_SQL + "CREATE VIEW tv AS SELECT id FROM t;\nCREATE TABLE u (id integer);\n")
    holder = session(dsn, "migration-in-progress")
    holder.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
    try:
        t0 = time.monotonic()
        result = run(command, "--db", dsn, "--lock-timeout", "500ms")
        elapsed = time.monotonic() - t0
        assert result.exit_code == 2, result.output
        assert "lock_timeout (500ms)" in result.output and "'migration-in-progress'" in result.output
        assert "AccessExclusiveLock" in result.output and f"pid {holder.info.backend_pid}" in result.output
        assert elapsed < 10
        record(f"{command} behind an ACCESS EXCLUSIVE holder (lock_timeout 500ms)",
               "exit 2 naming the holder", elapsed)
    finally:
        holder.rollback()
        holder.close()
    assert run(command, "--db", dsn).exit_code in (0, 1)
    assert "u" not in relations(dsn)


def test_sigterm_cancels_the_waiting_statement_on_the_server(project, pg):
    dsn = pg.create_database(T_SQL)
    schema(project, "CREATE TABLE t (id integer PRIMARY KEY, v text, added integer);\n")
    holder = session(dsn, "holder-app")
    holder.execute("SELECT * FROM t")
    try:
        proc = apply_waiting_for_a_lock(project, dsn)  # unbounded: only the signal ends the wait
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 2 and "interrupted" in err, err
        # Cancelled on the server, not left queued (a loaded PostgreSQL 15 in CI took a moment).
        until_no_apply_waits(dsn, 5, "the apply's lock request is still queued")
        with psycopg.connect(dsn, autocommit=True) as reader:
            reader.execute("SET lock_timeout = '1s'")
            assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 0
        record("SIGTERM to an apply waiting for a lock", "exit 2, server-side wait cancelled",
               time.monotonic() - t0)
    finally:
        holder.rollback()
        holder.close()
    assert columns(dsn) == ["id", "v"]


def test_kill_9_leaves_no_lock_request_queued(project, pg):
    if pg.version_num < 140000:
        pytest.skip("client_connection_check_interval is PostgreSQL 14+")
    dsn = pg.create_database(T_SQL)
    schema(project, "CREATE TABLE t (id integer PRIMARY KEY, v text, added integer);\n")
    holder = session(dsn, "holder-app")
    holder.execute("SELECT * FROM t")
    try:
        proc = apply_waiting_for_a_lock(project, dsn)
        t0 = time.monotonic()
        proc.kill()
        proc.communicate(timeout=30)
        until_no_apply_waits(dsn, 10, "the killed client's lock request is still queued")
        record("kill -9 of an apply waiting for a lock (unbounded)", "server dropped the request",
               time.monotonic() - t0)
    finally:
        holder.rollback()
        holder.close()
    assert columns(dsn) == ["id", "v"]
    assert run("apply", "--yes", "--no-verify", "--db", dsn).exit_code == 0  # the next run completes the work
    assert columns(dsn) == ["id", "v", "added"]


# -- one apply at a time -----------------------------------------------------------------------
def test_second_apply_waits_then_names_the_holder(project, pg):
    dsn = pg.create_database()
    schema(project, T_SQL)
    configure(project, 'apply_lock_wait = "300ms"\n')
    first = session(dsn, "first-apply")
    first.autocommit = True
    first.execute("SELECT pg_advisory_lock(%s)", (APPLY_LOCK_KEY,))
    try:
        t0 = time.monotonic()
        result = run("apply", "--yes", "--no-verify", "--db", dsn)
        elapsed = time.monotonic() - t0
        assert result.exit_code == 2, result.output
        assert f"pid {first.info.backend_pid}" in result.output and "'first-apply'" in result.output
        assert "t" not in relations(dsn)
        record("apply while another holds the apply lock (wait 300ms)", "exit 2 naming pid/application_name",
               elapsed)
    finally:
        first.close()
    assert run("apply", "--yes", "--no-verify", "--db", dsn).exit_code == 0
    assert "t" in relations(dsn)


@pytest.mark.parametrize("mode", ["--offline", "--online"])
def test_two_concurrent_applies_never_collide(project, pg, mode):
    """Before the apply lock: a duplicate CREATE TYPE (plain), or the second online apply dropping
    the index the first was building concurrently (deadlock detected)."""
    dsn = pg.create_database("CREATE TABLE u (id integer, m text);")
    schema(project, "CREATE TYPE mood AS ENUM ('ok', 'sad');\n" + T_SQL
           + "CREATE TABLE u (id integer, m text);\nCREATE INDEX u_m ON u (m);\n")
    t0 = time.monotonic()
    procs = [cli_process(project, "apply", "--yes", "--no-verify", mode, "--db", dsn) for _ in range(2)]
    results = [p.communicate(timeout=90) + (p.returncode,) for p in procs]
    elapsed = time.monotonic() - t0
    assert [rc for _, _, rc in results] == [0, 0], results
    assert sum("applied" in err for _, err, _ in results) == 1, results
    assert sum("nothing to do" in err for _, err, _ in results) == 1, results
    assert {"t", "u", "u_m"} <= relations(dsn)
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_m'::regclass").fetchone()[0]
    record(f"two applies started together ({mode})", "one applies, the other finds nothing to do", elapsed)


def test_an_index_being_built_concurrently_is_not_a_failed_one(project, pg):
    from schemadiff.introspect.catalog import inspect_database
    dsn = pg.create_database(T_SQL)
    schema(project, T_SQL + "CREATE INDEX t_v ON t (v);\n")
    old = session(dsn, "old-transaction")
    old.execute("INSERT INTO t VALUES (1, 'a')")  # a writer the concurrent build must wait for
    errors: list[BaseException] = []

    def build():
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("CREATE INDEX CONCURRENTLY t_v ON t (v)")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
    builder = threading.Thread(target=build)
    builder.start()
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            deadline = time.monotonic() + 20
            while not conn.execute("SELECT 1 FROM pg_stat_progress_create_index WHERE index_relid <> 0").fetchone():
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert conn.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 't_v'::regclass").fetchone()[0]
        assert inspect_database(dsn).invalid_indexes == frozenset()
        result = run("plan", "--online", "--db", dsn, "--lock-timeout", "500ms")
        assert result.exit_code == 0 and "DROP INDEX" not in result.output, result.output
    finally:
        old.rollback()
        old.close()
        builder.join(30)
    assert not errors, errors
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v'::regclass").fetchone()[0]


# -- hostile and malformed configuration -------------------------------------------------------
def test_sql_injection_through_the_config_is_refused(project, pg):
    dsn = pg.create_database(T_SQL + "CREATE TABLE victim (id integer);\n")
    schema(project, T_SQL + "CREATE INDEX t_v ON t (v);\n")  # victim is not declared: the plan would drop it
    configure(project, "online = true\nlock_timeout = \"5s'; DROP TABLE victim; --\"\n")
    result = run("apply", "--yes", "--no-verify", "--db", dsn)
    assert result.exit_code == 2
    assert "lock_timeout must be a duration" in result.output
    assert "victim" in relations(dsn) and "t_v" not in relations(dsn)
    configure(project, "online = true\n")
    result = run("apply", "--yes", "--no-verify", "--db", dsn, "--lock-timeout", "1s'; DROP TABLE victim; --")
    assert result.exit_code == 2 and "--lock-timeout" in result.output
    assert "victim" in relations(dsn)


def test_plan_options_refuse_an_unchecked_setting():
    from schemadiff.model import Catalog
    from schemadiff.parse import catalog_from_statements
    from schemadiff.plan import PlanOptions, plan_migration
    desired = catalog_from_statements([T_SQL], "x.sql")
    with pytest.raises(ConfigError):
        plan_migration(Catalog(), desired, PlanOptions(online=True, lock_timeout="5s'; DROP TABLE victim; --"))


@pytest.mark.parametrize("toml, named", [
    ('online = "false"\n', "online must be true or false"),
    ('online = 1\n', "online must be true or false"),
    ('lock_timeout = "5 seconds"\n', "lock_timeout must be a duration"),
    ('lock_timeout = true\n', "lock_timeout must be a duration"),
    ('statement_timeout = "-1s"\n', "statement_timeout must be a duration"),
    ('lock_retries = "3"\n', "lock_retries must be a whole number"),
    ('lock_retries = 1000\n', "lock_retries must be a whole number"),
    ('apply_lock_wait = [1]\n', "apply_lock_wait must be a duration"),
    ('database_url_env = "X; rm -rf /"\n', "database_url_env must name an environment variable"),
    ('schema = 5\n', "schema must be a string or a list"),
    ('lock_timout = "5s"\n', "unknown [tool.schemadiff] keys: lock_timout"),
])
def test_bad_config_values_name_the_key(project, toml, named):
    schema(project, T_SQL)
    configure(project, toml)
    result = run("plan", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.exit_code == 2, result.output
    assert named in result.output and "Traceback" not in result.output
    assert not (project / ".schemadiff").exists()


def test_config_files_that_are_not_tables_or_not_text(project):
    schema(project, T_SQL)
    (project / "pyproject.toml").write_text("tool = 5\n")
    result = run("plan")
    assert result.exit_code == 2 and "`tool` must be a table" in result.output, result.output
    (project / "pyproject.toml").write_bytes(b"[tool.schemadiff]\nschema = ['sch\xe9ma']\n")
    result = run("plan")
    assert result.exit_code == 2 and "not UTF-8" in result.output, result.output
    assert not (project / ".schemadiff").exists()


def test_unset_database_url_env_is_an_error_not_the_embedded_database(project, monkeypatch):
    schema(project, T_SQL)
    configure(project, 'database_url_env = "SCHEMADIFF_TEST_PROD_URL"\n')
    monkeypatch.delenv("SCHEMADIFF_TEST_PROD_URL", raising=False)
    for command in (["plan"], ["apply", "--yes"], ["check"]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert "$SCHEMADIFF_TEST_PROD_URL" in result.output and "not set" in result.output
    assert not (project / ".schemadiff").exists()  # no embedded database was created


# -- secrets -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "postgresql+psycopg://u:Hunter2Secret@127.0.0.1:1/db",
    "postgres+psycopg2://u:Hunter2Secret@127.0.0.1:1/db",
    "postgresql://u:Hunter2/Secret@127.0.0.1:1/db",
    "postgresql://u:Hunter2@Secret@127.0.0.1:1/db",
    "postgresql://u:Hunter2%zzSecret@127.0.0.1:1/db",
    "postgresql://u:Hunter2%Secret@127.0.0.1:1/db",
    "postgresql://u:Hunter2Secret@127.0.0.1:1/db",
    "postgresql://127.0.0.1:1/db?user=u&password=Hunter2Secret",
    "host=127.0.0.1 port=1 dbname=db user=u password=Hunter2Secret",
    "host=127.0.0.1 port=1 dbname=db user=u password='Hunter2Secret'",
    "host=127.0.0.1 port=1 dbname=db user=u password = Hunter2Secret connect_timeout=bad",
])
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_no_url_form_prints_its_password(project, url, command):
    schema(project, T_SQL)
    result = run(command, "--yes" if command == "apply" else "--exit-code", "--db", url)
    assert result.exit_code == 2, result.output
    assert "Hunter2" not in result.output and "Secret" not in result.output, result.output
    assert "127.0.0.1" in result.output and "Traceback" not in result.output


def test_pgpassword_is_never_printed(project):
    schema(project, T_SQL)
    result = run("plan", "--db", "host=127.0.0.1 port=1 dbname=db user=u",
                 env={"PGPASSWORD": "Hunter2Secret"})
    assert result.exit_code == 2 and "Hunter2Secret" not in result.output


def test_redact_and_describe_on_every_form():
    from schemadiff.connect import describe, redact, remember
    assert describe("postgresql+psycopg://u:pw%2Fx@h:5433/db") == "u@h:5433/db"
    assert describe("postgresql://u:p/w@x@h/db") == "u@h/db"
    assert describe("host=h port=5 dbname=d user=u password=zzsecret") == "u@h:5/d"
    remember("postgresql://u:zz-Secret-99@h/db")
    assert "zz-Secret-99" not in redact("failed: postgresql://u:zz-Secret-99@h/db")


# -- missing and broken input ------------------------------------------------------------------
def test_no_schema_file_is_an_error_unless_allowed(project, pg):
    dsn = pg.create_database(T_SQL)
    result = run("apply", "--yes", "--no-verify", "--allow-destructive", "--db", dsn)
    assert result.exit_code == 2 and "no .sql file found" in result.output
    (project / "schema" / "notes.txt").write_text("CREATE TABLE t (id int);")
    assert run("plan", "--db", dsn).exit_code == 2
    assert "t" in relations(dsn)
    result = run("plan", "--allow-empty", "--db", dsn)
    assert result.exit_code == 0 and "DROP TABLE" in result.output


def test_nul_bom_and_undecodable_files(project, pg):
    dsn = pg.create_database(T_SQL)
    (project / "schema" / "a.sql").write_bytes(b"\xef\xbb\xbf" + T_SQL.encode())
    result = run("plan", "--db", dsn)
    assert result.exit_code == 0 and "nothing to do" in result.output, result.output
    (project / "schema" / "b.sql").write_bytes(b"CREATE TABLE b (id int);\nCREATE TABLE c\0 (id int);\n")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 2 and "b.sql:2:15: NUL byte" in result.output, result.output
    (project / "schema" / "b.sql").write_bytes(b"CREATE TABLE b (id int, v text DEFAULT '\xff');\n")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 2 and "b.sql:1:" in result.output and "not UTF-8" in result.output, result.output
    assert relations(dsn) == {"t", "t_pkey"}


def test_symlinks_followed_loops_ended_dangling_refused(project, pg):
    dsn = pg.create_database(T_SQL + "CREATE TABLE u (id integer);\n")
    shared = project / "shared"
    (shared / "deeper").mkdir(parents=True)
    (shared / "deeper" / "u.sql").write_text("CREATE TABLE u (id integer);\n")
    (shared / "deeper" / "loop").symlink_to(shared, target_is_directory=True)  # a link back up
    schema(project, T_SQL)
    (project / "schema" / "linked").symlink_to(shared, target_is_directory=True)
    result = run("plan", "--db", dsn)
    assert result.exit_code == 0 and "nothing to do" in result.output, result.output
    (project / "schema" / "gone.sql").symlink_to(project / "nowhere.sql")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 2 and "gone.sql: dangling symbolic link" in result.output, result.output
    (project / "schema" / "gone.sql").unlink()
    (project / "schema" / "self.sql").symlink_to(project / "schema" / "self.sql")
    result = run("plan", "--db", dsn)
    assert result.exit_code == 2 and "self.sql: symbolic link loop" in result.output, result.output
    assert {"t", "u"} <= relations(dsn)


# -- privileges --------------------------------------------------------------------------------
def test_role_without_usage_on_a_schema_gets_a_clear_error(project, pg):
    role = f"nousage_{uuid.uuid4().hex[:8]}"
    dsn = pg.create_database("CREATE SCHEMA s; CREATE TABLE s.x (a integer);" + T_SQL)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw-nousage'").format(sql.Identifier(role)))
    params = conninfo.conninfo_to_dict(dsn)
    params.update(user=role, password="pw-nousage")
    as_role = conninfo.make_conninfo(**params)
    schema(project, "CREATE SCHEMA s;\nCREATE TABLE s.x (a integer, b integer);\n" + T_SQL)
    try:
        for command in (["plan"], ["apply", "--yes", "--no-verify"]):
            result = run(*command, "--db", as_role)
            assert result.exit_code == 2, result.output
            assert "permission denied for schema s" in result.output and "USAGE" in result.output
            assert "Traceback" not in result.output and "pw-nousage" not in result.output
        assert columns(dsn, "x") == ["a"]
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


# -- an apply cut off midway -------------------------------------------------------------------
TWO_TABLES = T_SQL + "CREATE TABLE u (id integer PRIMARY KEY);\n"


def _start_apply_blocked_on_t(project: Path, dsn: str):
    """An apply whose first statement (on t) has run and whose second waits for u's lock."""
    schema(project, "CREATE TABLE t (id integer PRIMARY KEY, v text, added integer);\n"
                    "CREATE TABLE u (id integer PRIMARY KEY, added integer);\n")
    holder = session(dsn, "holder-app")
    holder.execute("SELECT * FROM u")
    proc = apply_waiting_for_a_lock(project, dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:  # the plan's first statement has run: t is locked
        assert conn.execute("SELECT count(*) FROM pg_locks WHERE relation = 't'::regclass "
                            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                            "AND mode = 'AccessExclusiveLock' AND granted").fetchone()[0] == 1
    return holder, proc


def test_server_ending_the_session_mid_apply_rolls_back_and_the_next_apply_finishes(project, pg):
    """What a server restart or an administrator's pg_terminate_backend does to a running apply:
    the transaction is gone, the database is as before, the error is one line, and the next apply
    does the whole work."""
    dsn = pg.create_database(TWO_TABLES)
    holder, proc = _start_apply_blocked_on_t(project, dsn)
    try:
        t0 = time.monotonic()
        holder.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE application_name = 'schemadiff apply' AND wait_event_type = 'Lock' "
                       "AND datname = current_database()")
        _, err = proc.communicate(timeout=30)
        record("server ends the apply's session mid-transaction", f"exit {proc.returncode}, rolled back",
               time.monotonic() - t0)
    finally:
        holder.rollback()
        holder.close()
    assert proc.returncode == 2 and "Traceback" not in err and "schemadiff: error:" in err
    assert columns(dsn) == ["id", "v"] and columns(dsn, "u") == ["id"]  # t's statement rolled back too
    assert run("apply", "--yes", "--no-verify", "--db", dsn).exit_code == 0
    assert columns(dsn) == ["id", "v", "added"] and columns(dsn, "u") == ["id", "added"]


def test_kill_9_after_some_statements_ran_rolls_them_back(project, pg):
    if pg.version_num < 140000:
        pytest.skip("client_connection_check_interval is PostgreSQL 14+")
    dsn = pg.create_database(TWO_TABLES)
    holder, proc = _start_apply_blocked_on_t(project, dsn)
    try:
        proc.kill()
        proc.communicate(timeout=30)
        until_no_apply_waits(dsn, 10, "the killed client's transaction is still open")
    finally:
        holder.rollback()
        holder.close()
    assert columns(dsn) == ["id", "v"]  # t's statement had run in the transaction that died
    assert run("apply", "--yes", "--no-verify", "--db", dsn).exit_code == 0
    assert columns(dsn) == ["id", "v", "added"] and columns(dsn, "u") == ["id", "added"]
