"""Online mode on a real server: what each rewritten statement does to locks, and that plans converge.

- CREATE INDEX CONCURRENTLY runs outside a transaction block, and writes go on while it
  waits and builds; on a partitioned table the parent index is created ON ONLY, each
  partition's concurrently, then attached, and ends valid.  An interrupted build leaves an
  INVALID index that the next plan drops and rebuilds.
- The session settings of an online plan: no object in JSON, no plan at all when nothing changes.
- apply refuses a plan with data loss before running anything, online included.
- NOT NULL and a foreign key on a table of a million rows: while the scans run (VALIDATE
  CONSTRAINT) nobody holds ACCESS EXCLUSIVE on the table and a concurrent writer is not
  held up.  The measurement lives in bench/bench_online_locks.py, which also prints the
  offline figures for contrast; run with `pytest -s` to see the figures here.
- Each online rewrite, applied to a table with rows: the exact statements, the catalog
  equal to the declared one, an empty second plan, and hazards that name the lock the
  server really takes.
"""
from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pglast
import psycopg
import pytest
from click.testing import CliRunner

from schemadiff.apply import apply_plan
from schemadiff.cli.main import cli
from schemadiff.embedded import drop_database, scratch_database
from schemadiff.errors import ApplyError
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import load_schema
from schemadiff.plan import Plan, PlanOptions, plan_migration

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_online_locks as locks_bench  # noqa: E402

pytestmark = pytest.mark.db

ONLINE = PlanOptions(online=True)


def write_schema(directory: Path, sql: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "schema.sql").write_text(sql)
    return directory


def plan_for(dsn: str, schema_dir: Path, options: PlanOptions = ONLINE) -> Plan:
    return plan_migration(inspect_database(dsn), load_schema([schema_dir]), options)


def scalar(dsn: str, sql: str, params=None):
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()[0]


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_converged(dsn: str, schema_dir: Path) -> None:
    for options in (ONLINE, PlanOptions()):
        again = plan_for(dsn, schema_dir, options)
        assert not again.steps, [s.sql for s in again.steps]


# -- 1. CREATE INDEX CONCURRENTLY --------------------------------------------------------
T_LIVE = """
CREATE TABLE t (id integer PRIMARY KEY, v integer);
INSERT INTO t SELECT g, g % 97 FROM generate_series(1, 20000) g;
"""
T_SCHEMA = "CREATE TABLE t (id integer PRIMARY KEY, v integer);\n"

_WAITING_CIC = """
SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
WHERE a.datname = current_database() AND a.query LIKE 'CREATE INDEX CONCURRENTLY%%'
  AND l.locktype = 'virtualxid' AND NOT l.granted AND l.virtualxid = %s
"""


def _wait_for(conn: psycopg.Connection, sql: str, params, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = conn.execute(sql, params).fetchone()
        if row is not None:
            return row
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for: {sql.strip()}")


def _apply_in_thread(dsn: str, plan: Plan) -> tuple[threading.Thread, list[BaseException]]:
    """apply_plan started in a thread of its own; what it raises lands in the list."""
    errors: list[BaseException] = []

    def apply() -> None:
        try:
            apply_plan(dsn, plan)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    builder = threading.Thread(target=apply)
    builder.start()
    return builder, errors


def test_create_index_concurrently_runs_outside_a_transaction_and_writes_go_on(pg, tmp_path):
    dsn = pg.create_database(T_LIVE)
    schema = write_schema(tmp_path / "schema", T_SCHEMA + "CREATE INDEX t_v_idx ON t (v);\n")
    # No lock_timeout: CREATE INDEX CONCURRENTLY waits for session B below, and that wait
    # (on B's virtualxid) counts against lock_timeout like any lock wait.
    plan = plan_for(dsn, schema, PlanOptions(online=True, lock_timeout=None))
    assert [(s.sql, s.transactional) for s in plan.steps] == [
        ("CREATE INDEX CONCURRENTLY t_v_idx ON public.t (v);", False)]
    assert "blocks-writes" not in {h.kind for h in plan.steps[0].hazards}

    # The server refuses the statement inside a transaction block: that apply succeeds at
    # all shows it ran outside one.
    with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.ActiveSqlTransaction):
        conn.execute("SELECT 1")
        conn.execute(plan.steps[0].sql)

    with psycopg.connect(dsn, autocommit=True) as b, psycopg.connect(dsn, autocommit=True) as c, \
            psycopg.connect(dsn, autocommit=True) as watch:
        # B has written to t and stays open: the build must wait for it.
        b.execute("BEGIN")
        b.execute("INSERT INTO t VALUES (-1, -1)")
        b_vxid = b.execute("SELECT virtualxid FROM pg_locks WHERE pid = pg_backend_pid() "
                           "AND locktype = 'virtualxid' AND granted").fetchone()[0]
        builder, errors = _apply_in_thread(dsn, plan)
        try:
            (cic,) = _wait_for(watch, _WAITING_CIC, (b_vxid,))
            command, phase = watch.execute(
                "SELECT command, phase FROM pg_stat_progress_create_index WHERE pid = %s", (cic,)).fetchone()
            assert (command, phase) == ("CREATE INDEX CONCURRENTLY", "waiting for writers before build")
            # The building session holds SHARE UPDATE EXCLUSIVE on t, never SHARE (a plain
            # CREATE INDEX's, which blocks writes).
            held = watch.execute("SELECT mode, granted FROM pg_locks WHERE pid = %s AND locktype = 'relation' "
                                 "AND relation = 'public.t'::regclass", (cic,)).fetchall()
            assert held == [("ShareUpdateExclusiveLock", True)]

            # Meanwhile C writes to t without waiting (lock_timeout turns a wait into an error).
            c.execute("SET lock_timeout = '3s'")
            t0 = time.monotonic()
            c.execute("INSERT INTO t VALUES (-2, -2)")
            c.execute("UPDATE t SET v = v + 1 WHERE id = 1")
            write_latency = time.monotonic() - t0
            assert builder.is_alive(), "the index build was to be still waiting for B"
            assert watch.execute("SELECT count(*) FROM pg_index WHERE indexrelid = 'public.t_v_idx'::regclass "
                                 "AND NOT indisvalid").fetchone()[0] == 1
            print(f"\nonline: a write during CREATE INDEX CONCURRENTLY took {write_latency * 1000:.1f} ms")
        finally:
            b.execute("COMMIT")
            builder.join(timeout=120)
    assert not builder.is_alive()
    assert errors == []
    assert scalar(dsn, "SELECT indisvalid AND indisready FROM pg_index "
                       "WHERE indexrelid = 'public.t_v_idx'::regclass") is True
    assert scalar(dsn, "SELECT count(*) FROM t WHERE id < 0") == 2
    assert_converged(dsn, schema)


def test_an_interrupted_index_build_is_rebuilt_by_the_next_plan(pg, tmp_path):
    """README: an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index, and the next
    plan drops and rebuilds it.  The build waits for a transaction that has written to the
    table and is cancelled meanwhile (as an operator would, or a statement_timeout).  The plan
    also lifts lock_timeout around the build, which would otherwise interrupt it."""
    dsn = pg.create_database(T_LIVE)
    schema = write_schema(tmp_path / "schema", T_SCHEMA + "CREATE INDEX t_v_idx ON t (v);\n")
    options = PlanOptions(online=True, lock_timeout="200ms")
    plan = plan_for(dsn, schema, options)
    assert [s.sql for s in plan.steps] == ["SET lock_timeout = '200ms';", "SET lock_timeout = 0;",
                                           "CREATE INDEX CONCURRENTLY t_v_idx ON public.t (v);"]
    with psycopg.connect(dsn, autocommit=True) as b, psycopg.connect(dsn, autocommit=True) as watch:
        b.execute("BEGIN")
        b.execute("INSERT INTO t VALUES (-1, -1)")
        b_vxid = b.execute("SELECT virtualxid FROM pg_locks WHERE pid = pg_backend_pid() "
                           "AND locktype = 'virtualxid' AND granted").fetchone()[0]
        builder, errors = _apply_in_thread(dsn, plan)
        try:
            # Still waiting after the 200ms lock_timeout would have fired: the plan lifted it.
            (cic,) = _wait_for(watch, _WAITING_CIC, (b_vxid,))
            time.sleep(0.5)
            assert builder.is_alive()
            watch.execute("SELECT pg_cancel_backend(%s)", (cic,))
            builder.join(timeout=60)
        finally:
            b.execute("ROLLBACK")
    assert len(errors) == 1 and isinstance(errors[0], ApplyError), errors
    assert scalar(dsn, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_v_idx'::regclass") is False
    again = plan_for(dsn, schema, options)
    assert [s.sql for s in again.steps if s.change is not None] == [
        "DROP INDEX CONCURRENTLY public.t_v_idx;", "CREATE INDEX CONCURRENTLY t_v_idx ON public.t (v);"]
    apply_plan(dsn, again)
    assert scalar(dsn, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_v_idx'::regclass") is True
    assert_converged(dsn, schema)


PT_LIVE = """
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text, note text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_old PARTITION OF events DEFAULT;
INSERT INTO events SELECT g, date '2023-06-01' + (g % 900), 'k' || (g % 7), 'n' || g FROM generate_series(1, 9000) g;
"""
PT_SCHEMA = """
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text, note text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_old PARTITION OF events DEFAULT;
CREATE INDEX events_kind_idx ON events (kind, at);
CREATE INDEX events_lower_note_idx ON events (lower(note)) INCLUDE (id);
"""


def test_partitioned_index_is_built_concurrently_per_partition_and_ends_valid(project, pg):
    dsn = pg.create_database(PT_LIVE)
    (project / "schema" / "schema.sql").write_text(PT_SCHEMA)
    result = run_cli("apply", "--schema", "schema", "--db", dsn, "--online", "--yes", "--no-verify")
    assert result.exit_code == 0, result.output
    statements = [s for s in result.stdout.split("\n\n") if not s.startswith("-- schemadiff plan")]
    sql = [s.splitlines()[-1] for s in statements]
    expected = ["SET lock_timeout = '5s';"]
    parts = ("events_2024", "events_2025", "events_old")
    for index, columns, partition_columns in [("events_kind_idx", "(kind, at)", "kind_at"),
                                              ("events_lower_note_idx", "((lower(note))) INCLUDE (id)", "lower_id")]:
        expected.append(f"CREATE INDEX {index} ON ONLY public.events {columns};")
        # Concurrent builds wait for older transactions anywhere: no lock_timeout around them.
        expected.append("SET lock_timeout = 0;")
        expected += [f"CREATE INDEX CONCURRENTLY {part}_{partition_columns}_idx ON public.{part} {columns};"
                     for part in parts]
        expected.append("SET lock_timeout = '5s';")
        expected += [f"ALTER INDEX public.{index} ATTACH PARTITION public.{part}_{partition_columns}_idx;"
                     for part in parts]
    assert sql == expected
    for text in statements:
        last = text.splitlines()[-1]
        assert ("-- runs outside the transaction" in text) == (" CONCURRENTLY " in last or last.startswith("SET "))
    for s in sql:
        pglast.parse_sql(s)

    with psycopg.connect(dsn) as conn:
        for parent in ("events_kind_idx", "events_lower_note_idx"):
            assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass",
                                (f"public.{parent}",)).fetchone()[0] is True
            children = conn.execute(
                "SELECT c.relname, i.indisvalid FROM pg_inherits h JOIN pg_index i ON i.indexrelid = h.inhrelid "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class c ON c.oid = h.inhrelid "
                "WHERE h.inhparent = %s::regclass ORDER BY t.relname", (f"public.{parent}",)).fetchall()
            assert [valid for _, valid in children] == [True, True, True]
        # Every partition has exactly the two attached indexes, no stray one.
        assert conn.execute("SELECT count(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                            "WHERE t.relispartition").fetchone()[0] == 6

    # The partitions' indexes are the parent's, not drift; the online plan is empty.
    result = run_cli("plan", "--schema", "schema", "--db", dsn, "--online", "--exit-code")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert run_cli("check", "--schema", "schema", "--db", dsn).exit_code == 0


def test_online_partitioned_index_reaches_partitions_that_exclude_leaves_out(project, pg):
    """Monthly partitions made by a maintenance job are excluded from drift; an online index build
    on their parent must still give each of them its index, or the parent index stays invalid."""
    dsn = pg.create_database(PT_LIVE + "CREATE TABLE events_2026_01 PARTITION OF events "
                                       "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');")
    (project / "schema" / "schema.sql").write_text(PT_SCHEMA)
    result = run_cli("apply", "--schema", "schema", "--db", dsn, "--online", "--yes", "--no-verify",
                     "--exclude", "public.events_2026_*")
    assert result.exit_code == 0, result.output
    assert "CREATE INDEX CONCURRENTLY events_2026_01_kind_at_idx ON public.events_2026_01" in result.stdout
    with psycopg.connect(dsn) as conn:
        for parent in ("events_kind_idx", "events_lower_note_idx"):
            assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass",
                                (f"public.{parent}",)).fetchone()[0] is True
            assert conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass",
                                (f"public.{parent}",)).fetchone()[0] == 4
    result = run_cli("plan", "--schema", "schema", "--db", dsn, "--online", "--exit-code",
                     "--exclude", "public.events_2026_*")
    assert result.exit_code == 0, result.output


def test_online_plan_json_and_nothing_to_do(project, pg):
    """The session settings at the top of an online plan belong to no change; a database that
    matches the files gets no plan at all, settings included."""
    dsn = pg.create_database(T_LIVE)
    (project / "schema" / "schema.sql").write_text(T_SCHEMA + "CREATE INDEX t_v_idx ON t (v);\n")
    result = run_cli("plan", "--schema", "schema", "--db", dsn, "--online", "--format", "json")
    assert result.exit_code == 0, result.output
    statements = json.loads(result.stdout)["statements"]
    assert [(s["sql"], s["object"], s["change"], s["transactional"]) for s in statements] == [
        ("SET lock_timeout = '5s';", None, None, False),
        ("SET lock_timeout = 0;", None, None, False),
        ("CREATE INDEX CONCURRENTLY t_v_idx ON public.t (v);", "index public.t_v_idx", "create_index", False)]

    result = run_cli("apply", "--schema", "schema", "--db", dsn, "--online", "--yes", "--no-verify")
    assert result.exit_code == 0, result.output
    result = run_cli("plan", "--schema", "schema", "--db", dsn, "--online", "--exit-code")
    assert (result.exit_code, result.stdout) == (0, ""), result.output
    result = run_cli("apply", "--schema", "schema", "--db", dsn, "--online", "--yes", "--no-verify")
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.stderr


# -- 2. a refused destructive plan changes nothing -----------------------------------------
@pytest.mark.parametrize("mode", ["--online", "--offline"])
def test_apply_refuses_a_drop_column_and_changes_nothing(project, pg, mode):
    dsn = pg.create_database("CREATE TABLE t (id integer PRIMARY KEY, legacy text);"
                             "INSERT INTO t VALUES (1, 'keep me');")
    (project / "schema" / "schema.sql").write_text("CREATE TABLE t (id integer PRIMARY KEY, email text);\n")
    before = inspect_database(dsn)
    result = run_cli("apply", "--schema", "schema", "--db", dsn, mode, "--yes", "--no-verify")
    assert result.exit_code == 2, result.output
    assert "ALTER TABLE public.t ADD COLUMN email text;" in result.stdout  # the plan had an additive change
    assert "ALTER TABLE public.t DROP COLUMN legacy;" in result.stderr
    assert "--allow-destructive" in result.stderr
    assert "Traceback" not in result.output
    # Refused before anything ran: the column was not added either, the data is there.
    assert inspect_database(dsn) == before
    assert scalar(dsn, "SELECT legacy FROM t WHERE id = 1") == "keep me"

    result = run_cli("apply", "--schema", "schema", "--db", dsn, mode, "--yes", "--no-verify", "--allow-destructive")
    assert result.exit_code == 0, result.output
    assert run_cli("check", "--schema", "schema", "--db", dsn).exit_code == 0


# -- 3. a million rows: the scans never hold ACCESS EXCLUSIVE ------------------------------
MILLION = 1_000_000


def test_not_null_and_foreign_key_on_a_million_rows_never_block_writes(pg, tmp_path):
    name, dsn = scratch_database(pg.admin_dsn)
    try:
        t0 = time.monotonic()
        locks_bench.load(dsn, MILLION)
        loaded = time.monotonic() - t0
        schema = tmp_path / "schema"
        schema.mkdir()
        plan = locks_bench.plan_for(dsn, schema, online=True)
        assert [s.sql for s in plan.steps] == [
            "SET lock_timeout = '5s';",
            "ALTER TABLE public.big ADD CONSTRAINT big_parent_id_not_null_check "
            "CHECK (parent_id IS NOT NULL) NOT VALID;",
            "ALTER TABLE public.big VALIDATE CONSTRAINT big_parent_id_not_null_check;",
            "ALTER TABLE public.big ALTER COLUMN parent_id SET NOT NULL;",
            "ALTER TABLE public.big DROP CONSTRAINT big_parent_id_not_null_check;",
            "ALTER TABLE public.big ADD CONSTRAINT big_parent_id_fkey FOREIGN KEY (parent_id) "
            "REFERENCES public.parent (id) NOT VALID;",
            "ALTER TABLE public.big VALIDATE CONSTRAINT big_parent_id_fkey;",
        ]
        m = locks_bench.measure(dsn, plan, online=True, rows=MILLION)
        f = m.figures()
        print(f"\nonline, {MILLION:,} rows (loaded in {loaded:.1f}s): validation {f['validation_s']:.3f}s "
              f"(longest VALIDATE {f['longest_validation_s']:.3f}s); {f['writes_during_validation']} writes "
              f"during validation, max latency {f['max_write_latency_s'] * 1000:.1f} ms; longest ACCESS "
              f"EXCLUSIVE hold {f['longest_access_exclusive_seen_s'] * 1000:.1f}-"
              f"{f['longest_access_exclusive_s'] * 1000:.1f} ms ({f['access_exclusive_holder']}); "
              f"{f['samples']} lock samples every {f['sample_period_ms']:.1f} ms, "
              f"{f['samples_during_validate']} during a VALIDATE")
        for start, end, sql in m.steps:
            print(f"  {end - start:7.3f}s  {sql}")
        assert m.write_errors == []

        # (a) While a VALIDATE CONSTRAINT runs, nobody holds ACCESS EXCLUSIVE on big.
        assert f["samples_during_validate"] >= 5, "the monitor must have seen the scans"
        assert m.violations() == []
        # Nor does any other statement hold it for long: SET NOT NULL does not scan again.
        assert m.longest_access_exclusive < 0.5 * m.longest_validation_seconds, m.access_exclusive_holds()[:3]

        # (b) The writer went on during the scans: a blocked write would have waited for
        # (nearly) a whole VALIDATE.
        during = m.writes_during_validation()
        assert len(during) >= 5
        assert m.max_write_latency < 0.5 * m.longest_validation_seconds, f

        # (c) The column is NOT NULL, the foreign key validated, the temporary check gone.
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.big'::regclass "
                                "AND attname = 'parent_id'").fetchone()[0] is True
            assert conn.execute("SELECT contype, convalidated FROM pg_constraint WHERE conrelid = "
                                "'public.big'::regclass AND contype IN ('c', 'f')").fetchall() == [("f", True)]
            assert conn.execute("SELECT count(*) FROM big").fetchone()[0] > MILLION
        assert_converged(dsn, schema)
    finally:
        drop_database(pg.admin_dsn, name)


# -- 4. each online rewrite, applied -------------------------------------------------------
# case -> (live SQL with rows, declared SQL, expected statements as (sql, transactional))
REWRITES = {
    "foreign-key": (
        "CREATE TABLE parent (id integer PRIMARY KEY);"
        "CREATE TABLE child (id integer PRIMARY KEY, parent_id integer);"
        "INSERT INTO parent SELECT generate_series(1, 100);"
        "INSERT INTO child SELECT g, 1 + g % 100 FROM generate_series(1, 5000) g;",
        "CREATE TABLE parent (id integer PRIMARY KEY);\n"
        "CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent ON DELETE CASCADE);\n",
        [("ALTER TABLE public.child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) "
          "REFERENCES public.parent (id) ON DELETE CASCADE NOT VALID;", True),
         ("ALTER TABLE public.child VALIDATE CONSTRAINT child_parent_id_fkey;", True)]),
    "check": (
        "CREATE TABLE t (id integer PRIMARY KEY, qty integer);"
        "INSERT INTO t SELECT g, g FROM generate_series(1, 5000) g;",
        "CREATE TABLE t (id integer PRIMARY KEY, qty integer CONSTRAINT qty_positive CHECK (qty > 0));\n",
        [("ALTER TABLE public.t ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID;", True),
         ("ALTER TABLE public.t VALIDATE CONSTRAINT qty_positive;", True)]),
    "set-not-null": (
        "CREATE TABLE t (id integer PRIMARY KEY, name text);"
        "INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 5000) g;",
        "CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL);\n",
        [("ALTER TABLE public.t ADD CONSTRAINT t_name_not_null_check CHECK (name IS NOT NULL) NOT VALID;", True),
         ("ALTER TABLE public.t VALIDATE CONSTRAINT t_name_not_null_check;", True),
         ("ALTER TABLE public.t ALTER COLUMN name SET NOT NULL;", True),
         ("ALTER TABLE public.t DROP CONSTRAINT t_name_not_null_check;", True)]),
    "primary-key": (
        "CREATE TABLE t (id integer, name text);"
        "INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 5000) g;",
        "CREATE TABLE t (id integer PRIMARY KEY, name text);\n",
        [("ALTER TABLE public.t ADD CONSTRAINT t_id_not_null_check CHECK (id IS NOT NULL) NOT VALID;", True),
         ("ALTER TABLE public.t VALIDATE CONSTRAINT t_id_not_null_check;", True),
         ("ALTER TABLE public.t ALTER COLUMN id SET NOT NULL;", True),
         ("ALTER TABLE public.t DROP CONSTRAINT t_id_not_null_check;", True),
         ("SET lock_timeout = 0;", False),
         ("CREATE UNIQUE INDEX CONCURRENTLY t_pkey ON public.t (id);", False),
         ("SET lock_timeout = '5s';", False),
         ("ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;", True)]),
    "unique": (
        "CREATE TABLE t (id integer PRIMARY KEY, code text, note text);"
        "INSERT INTO t SELECT g, CASE WHEN g > 1 THEN 'c' || g END, 'n' || g FROM generate_series(1, 5000) g;",
        "CREATE TABLE t (id integer PRIMARY KEY, code text, note text,\n"
        "    CONSTRAINT t_code_key UNIQUE NULLS NOT DISTINCT (code) INCLUDE (note));\n",
        [("SET lock_timeout = 0;", False),
         ("CREATE UNIQUE INDEX CONCURRENTLY t_code_key ON public.t (code) INCLUDE (note) NULLS NOT DISTINCT;", False),
         ("SET lock_timeout = '5s';", False),
         ("ALTER TABLE public.t ADD CONSTRAINT t_code_key UNIQUE USING INDEX t_code_key;", True)]),
    "drop-index": (
        "CREATE TABLE t (id integer PRIMARY KEY, v integer); CREATE INDEX t_v_idx ON t (v);"
        "INSERT INTO t SELECT g, g FROM generate_series(1, 5000) g;",
        "CREATE TABLE t (id integer PRIMARY KEY, v integer);\n",
        [("SET lock_timeout = 0;", False), ("DROP INDEX CONCURRENTLY public.t_v_idx;", False)]),
    "create-index": (
        "CREATE TABLE t (id integer PRIMARY KEY, v integer);"
        "INSERT INTO t SELECT g, g FROM generate_series(1, 5000) g;",
        "CREATE TABLE t (id integer PRIMARY KEY, v integer);\nCREATE INDEX t_v_idx ON t (v) WHERE v > 10;\n",
        [("SET lock_timeout = 0;", False), ("CREATE INDEX CONCURRENTLY t_v_idx ON public.t (v) WHERE v > 10;", False)]),
    "partitioned-index": (
        "CREATE TABLE m (id integer, at date) PARTITION BY RANGE (at);"
        "CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
        "CREATE TABLE m_2 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
        "INSERT INTO m SELECT g, date '2024-01-01' + g % 700 FROM generate_series(1, 5000) g;",
        "CREATE TABLE m (id integer, at date) PARTITION BY RANGE (at);\n"
        "CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "CREATE TABLE m_2 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n"
        "CREATE INDEX m_id_idx ON m (id);\n",
        [("CREATE INDEX m_id_idx ON ONLY public.m (id);", True),
         ("SET lock_timeout = 0;", False),
         ("CREATE INDEX CONCURRENTLY m_1_id_idx ON public.m_1 (id);", False),
         ("CREATE INDEX CONCURRENTLY m_2_id_idx ON public.m_2 (id);", False),
         ("SET lock_timeout = '5s';", False),
         ("ALTER INDEX public.m_id_idx ATTACH PARTITION public.m_1_id_idx;", True),
         ("ALTER INDEX public.m_id_idx ATTACH PARTITION public.m_2_id_idx;", True)]),
}


def _rewrite_case(pg, tmp_path, case: str) -> tuple[str, Path, Plan]:
    live, declared, expected = REWRITES[case]
    dsn = pg.create_database(live)
    schema = write_schema(tmp_path / "schema", declared)
    plan = plan_for(dsn, schema)
    assert [(s.sql, s.transactional) for s in plan.steps] == [("SET lock_timeout = '5s';", False), *expected]
    for step in plan.steps:
        assert len(pglast.parse_sql(step.sql)) == 1
    return dsn, schema, plan


@pytest.mark.parametrize("case", sorted(REWRITES))
def test_online_rewrite_applies_and_converges(pg, tmp_path, case):
    dsn, schema, plan = _rewrite_case(pg, tmp_path, case)
    for step in plan.steps:
        assert (" CONCURRENTLY " in step.sql) == (not step.transactional and step.change is not None)
    apply_plan(dsn, plan)
    assert_converged(dsn, schema)
    reference = pg.create_database(REWRITES[case][1])
    assert inspect_database(dsn) == inspect_database(reference)
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE NOT convalidated").fetchone()[0] == 0


# The table locks that block writes, and the one that also blocks reads.
_BLOCKS_WRITES = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}
_TABLE_LOCKS = """
SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
  AND c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
"""


@pytest.mark.parametrize("case", sorted(REWRITES))
def test_online_hazards_name_the_locks_the_server_takes(pg, tmp_path, case):
    """Each transactional statement runs in a transaction of its own, as apply runs it, and the
    locks it took are read before the commit: a lock that blocks writes must be a hazard of
    the statement, and a VALIDATE must take none."""
    dsn, schema, plan = _rewrite_case(pg, tmp_path, case)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for step in plan.steps:
            if not step.transactional:
                conn.execute(step.sql)
                continue
            with conn.transaction():
                conn.execute(step.sql)
                taken = conn.execute(_TABLE_LOCKS).fetchall()
            kinds = {h.kind for h in step.hazards}
            modes = {mode for _, mode in taken}
            if "AccessExclusiveLock" in modes:
                assert "blocks-reads" in kinds, (step.sql, taken, step.hazards)
            elif modes & _BLOCKS_WRITES:
                assert kinds & {"blocks-writes", "blocks-reads"}, (step.sql, taken, step.hazards)
            if "VALIDATE CONSTRAINT" in step.sql:
                assert not modes & _BLOCKS_WRITES, (step.sql, taken)
                assert kinds == {"validates"}
    assert_converged(dsn, schema)
