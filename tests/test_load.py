"""Both catalogs of a plan: the live side read in a thread (small schemas) or in a process of
its own (big ones) gives the same catalogs, and errors cross from the process intact."""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from schemadiff.errors import ConnectionFailed, CycleError, IntrospectError, Location, ParseError
from schemadiff.introspect.catalog import inspect_database
from schemadiff.load import load_catalogs
from schemadiff.parse import catalog_from_sql, catalog_from_statements, load_schema

ROOT = Path(__file__).resolve().parents[1]
IN_PROCESS, IN_THREAD = 0, 10**12  # process_threshold: every schema, none

pytestmark = pytest.mark.db


@pytest.mark.parametrize("threshold", [IN_PROCESS, IN_THREAD], ids=["process", "thread"])
def test_both_ways_read_the_same_catalogs(pg, threshold):
    sql = (ROOT / "tests/fixtures/dump/every_kind.sql").read_text()
    dsn = pg.create_database(sql)
    live, declared = load_catalogs([ROOT / "schema"], dsn, process_threshold=threshold)
    assert live == inspect_database(dsn)
    assert declared == load_schema([ROOT / "schema"])
    assert live.tables and live.server_version == pg.version_num


def test_connection_failure_crosses_the_process_as_itself(tmp_path):
    (tmp_path / "a.sql").write_text("CREATE TABLE t (id int);")
    url = "postgresql://someone:secret@127.0.0.1:1/nowhere?connect_timeout=3"
    with pytest.raises(ConnectionFailed) as info:
        load_catalogs([tmp_path], url, process_threshold=IN_PROCESS)
    assert info.value.host == "someone@127.0.0.1:1/nowhere"
    assert "secret" not in str(info.value)


def test_a_file_error_stops_the_reading_process(pg, tmp_path):
    (tmp_path / "a.sql").write_text("CREATE TABLE t (id int;")
    with pytest.raises(ParseError, match=r"a\.sql:1:"):
        load_catalogs([tmp_path], pg.create_database(), process_threshold=IN_PROCESS)
    assert not _children_reading()


@pytest.mark.parametrize("error", [
    ConnectionFailed("db.internal:5432/app", "timeout expired"),
    ParseError([(Location("a.sql", 3, 7), "syntax error at or near \")\"")]),
    IntrospectError("could not read the live schema"),
    CycleError(["table a", "table b"]),
], ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_fields(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


def test_statements_one_by_one_read_like_a_script():
    statements = ["CREATE TABLE t (id int PRIMARY KEY, a text DEFAULT 'x')",
                  "CREATE INDEX t_a_idx ON t (a);",
                  "COMMENT ON TABLE t IS 'two; statements'; COMMENT ON COLUMN t.a IS 'in one text'",
                  "-- nothing but a comment"]
    assert catalog_from_statements(statements, "database") == catalog_from_sql("\n".join(
        s if s.rstrip().endswith(";") else s + ";" for s in statements))
    with pytest.raises(ParseError, match=r"^database: syntax error .* in: CREATE TABLE u \(id int$"):
        catalog_from_statements(["CREATE TABLE u (id int"], "database")


def _children_reading() -> list[str]:
    """Processes of ours still running schemadiff.introspect.child."""
    found = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as f:
            for pid in f.read().split():
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as cmd:
                        if b"schemadiff.introspect.child" in cmd.read():
                            found.append(pid)
                except OSError:
                    pass
    return found


def test_a_script_without_a_main_guard_can_read_in_a_process(pg, tmp_path):
    """The reading process must not re-run the caller's script (multiprocessing's spawn would)."""
    import subprocess
    import sys
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id int);")
    script = tmp_path / "unguarded.py"
    script.write_text("from schemadiff.load import load_catalogs\n"
                      f"live, declared = load_catalogs([{str(tmp_path)!r}], {pg.create_database()!r}, "
                      "process_threshold=0)\n"
                      "print(sorted(map(str, declared.tables)), sorted(map(str, live.tables)))\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['public.t'] []"
