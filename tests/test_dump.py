"""dump: live schema -> files a person maintains; planning the files against the same database is empty.

The round trip is the whole contract: load a schema into a database, dump it
(both layouts), read the files back with the parser and plan them against the
database's own catalog: the plan must be empty.  It runs on schemas of our own
with every object kind and on the learning platform's schema/ here; on every schema of the
conformance corpora in test_corpus_roundtrip.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pglast
import psycopg
import pytest
from click.testing import CliRunner

from learning_platform import load_schema as load_learning_platform
from schemadiff.cli.config import exclusion, load_config
from schemadiff.cli.main import cli
from schemadiff.dump import dump_database, dump_files, write_dump
from schemadiff.errors import ConfigError
from schemadiff.introspect.catalog import inspect_database, live_schema_sql
from schemadiff.parse import load_schema
from schemadiff.plan import plan_migration

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "dump"
LAYOUTS = ("schema", "table")


def plan_of_dump(dsn: str, out: Path, layout: str, keep=lambda qn: True) -> list[str]:
    """Dump `dsn` into `out`, then plan the files against the same database: the statements."""
    dump_database(dsn, out, layout, keep)
    current = inspect_database(dsn).filtered(keep)
    desired = load_schema([out]).filtered(keep)
    return [s.sql for s in plan_migration(current, desired).steps]


# ---------------------------------------------------------------------------
# our own schemas

OWN = ["every_kind", "quoting"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", OWN)
def test_roundtrip_own_schemas(pg, tmp_path, name, layout):
    dsn = pg.create_database((FIXTURES / f"{name}.sql").read_text())
    assert plan_of_dump(dsn, tmp_path / "out", layout) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_roundtrip_default_privileges(pg, tmp_path, layout):
    dsn = pg.create_database((FIXTURES / "default_privileges.sql").read_text())
    assert plan_of_dump(dsn, tmp_path / "out", layout) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_roundtrip_learning_platform(pg, tmp_path, layout):
    dsn = pg.create_database()
    load_learning_platform(dsn)
    cfg = load_config(ROOT)
    keep = exclusion(cfg.exclude)
    with psycopg.connect(dsn, autocommit=True) as conn:  # maintenance partitions: excluded from the dump
        conn.execute("SELECT create_monthly_partitions('user_interactions', DATE '2024-01-01', 2)")
    assert plan_of_dump(dsn, tmp_path / "out", layout, keep) == []
    text = "\n".join(p.read_text() for p in sorted((tmp_path / "out").rglob("*.sql")))
    assert "user_interactions_p2024" not in text
    assert "user_interactions_default" in text
    if layout == "table":
        names = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.sql")}
        assert {"functions.sql", "public/users.sql", "public/user_interactions.sql"} <= names


def test_extension_older_than_the_default_version_loads_again(pg, tmp_path):
    """An update path only goes upwards: the dump must create the version, not update to it."""
    dsn = pg.create_database("CREATE EXTENSION amcheck VERSION '1.3';")
    with psycopg.connect(dsn, autocommit=True) as conn:
        default = conn.execute("SELECT default_version FROM pg_available_extensions"
                               " WHERE name = 'amcheck'").fetchone()[0]
    assert default != "1.3", "the server's default must differ for this test to mean anything"
    dump_database(dsn, tmp_path / "out", "schema")
    text = "\n".join(p.read_text() for p in sorted((tmp_path / "out").rglob("*.sql")))
    assert "UPDATE TO" not in text
    restored = pg.create_database(text)  # fails if the dump asks for an update the server has no path for
    with psycopg.connect(restored, autocommit=True) as conn:
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'amcheck'").fetchone()[0] == "1.3"
    assert plan_of_dump(restored, tmp_path / "again", "schema") == []


# ---------------------------------------------------------------------------
# what the files look like

@pytest.fixture(scope="module")
def every_kind(pg) -> list[str]:
    dsn = pg.create_database((FIXTURES / "every_kind.sql").read_text())
    with psycopg.connect(dsn, autocommit=True) as conn:
        return live_schema_sql(conn)


def test_schema_layout_files(every_kind):
    files = dump_files(every_kind, "schema")
    assert list(files) == ["app.sql", "audit.sql", "extensions.sql", "functions.sql", "public.sql", "types.sql"]
    assert files["app.sql"].startswith("CREATE SCHEMA app;\n\nCOMMENT ON SCHEMA app\n")
    assert re.search(r"CREATE EXTENSION IF NOT EXISTS citext\n  WITH SCHEMA app VERSION '[0-9.]+';",
                     files["extensions.sql"])
    assert "CREATE FUNCTION" not in files["public.sql"] and "CREATE OR REPLACE FUNCTION public.add(" in files[
        "functions.sql"]


def test_table_layout_files(every_kind):
    files = dump_files(every_kind, "table")
    assert set(files) == {
        "schemas.sql", "extensions.sql", "types.sql", "functions.sql", "sequences.sql", "views.sql",
        "app/users.sql", "audit/log.sql", "audit/log_2024.sql", "public/buckets.sql", "public/events.sql",
        "public/orders.sql", "public/scratch.sql", "public/serials.sql"}
    users = files["app/users.sql"]
    # the table with its keys inline, then indexes, row security, policies, comments, grants
    order = ["CREATE TABLE app.users (", "CONSTRAINT users_pkey PRIMARY KEY (id)", "CREATE INDEX users_recent",
             "ENABLE ROW LEVEL SECURITY", "CREATE POLICY users_self", "COMMENT ON TABLE app.users",
             "COMMENT ON INDEX app.users_pkey", "GRANT SELECT\n  ON TABLE app.users\n  TO dump_reader;"]
    positions = [users.index(s) for s in order]
    assert positions == sorted(positions)
    assert users.count("ENABLE ROW LEVEL SECURITY") == 1
    # partitions live with their parent
    assert "CREATE TABLE public.events_2024_h1 PARTITION OF public.events_2024" in files["public/events.sql"]
    # triggers with the table, their function in functions.sql
    assert "CREATE TRIGGER orders_touch" in files["public/orders.sql"]
    assert "ALTER TABLE public.orders DISABLE TRIGGER orders_touch_disabled;" in files["public/orders.sql"]
    # a view's trigger and a materialized view's index with the view
    assert "CREATE TRIGGER order_totals_instead" in files["views.sql"]
    assert "CREATE UNIQUE INDEX daily_day_key" in files["views.sql"]
    assert "GRANT SELECT, USAGE\n  ON SEQUENCE public.counter" in files["sequences.sql"]


def test_readable_formatting(every_kind):
    files = dump_files(every_kind, "table")
    users, serials, orders = files["app/users.sql"], files["public/serials.sql"], files["public/orders.sql"]
    # one column per line, keys and checks inside CREATE TABLE, casts as ::
    assert "CREATE TABLE app.users (\n  id bigint GENERATED ALWAYS AS IDENTITY (INCREMENT BY 10\n" in users
    assert "\n  mood app.mood DEFAULT 'ok',\n" in users  # the constant's cast to the column's type is implied
    assert "CAST(" not in "".join(files.values())
    assert "WHERE mood <> 'sad'::app.mood" in users
    # serial columns as serial, when that is exactly what they are
    assert "  id serial,\n  big bigserial,\n  small smallserial,\n" in serials
    assert "CREATE SEQUENCE public.serials_id_seq" not in "".join(files.values())
    # default sequence options left out, the others kept
    assert "CREATE SEQUENCE public.counter;" in files["sequences.sql"]
    assert "INCREMENT BY 5 MINVALUE 10 MAXVALUE 100000 START WITH 20 CACHE 3 CYCLE" in files["sequences.sql"]
    # NOT VALID stays an ALTER TABLE, so that it stays NOT VALID
    assert "ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0::numeric) " \
           "NOT VALID;" in orders
    # inheritance parents keep their checks outside CREATE TABLE (ONLY decides what children get)
    assert "ALTER TABLE audit.log ADD CONSTRAINT log_id_check" in files["audit/log.sql"]
    for text in files.values():
        assert "\n\n\n" not in text and text.endswith(";\n")
        pglast.parse_sql(text)  # every file is valid SQL


def test_dump_is_deterministic(every_kind):
    assert dump_files(every_kind, "schema") == dump_files(list(every_kind), "schema")
    assert dump_files(every_kind, "table") == dump_files(every_kind, "table")


def test_file_names_of_quoted_names(pg):
    dsn = pg.create_database((FIXTURES / "quoting.sql").read_text())
    with psycopg.connect(dsn, autocommit=True) as conn:
        statements = live_schema_sql(conn)
    assert set(dump_files(statements, "schema")) == {"public.sql", "sales_data-e7470a.sql", "types_schema.sql"}
    names = set(dump_files(statements, "table"))
    assert {"public/upper.sql", "public/upper-1dacd1.sql", "sales_data-e7470a/order-1d7577.sql"} <= names


def test_unknown_layout():
    with pytest.raises(ConfigError, match="layout"):
        dump_files([], "flat")


def test_write_refuses_to_mix_with_existing_files(tmp_path):
    (tmp_path / "old.sql").write_text("CREATE TABLE old ();\n")
    (tmp_path / "notes.txt").write_text("kept")
    with pytest.raises(ConfigError, match="--force"):
        write_dump({"public.sql": "CREATE TABLE t ();\n"}, tmp_path)
    write_dump({"public.sql": "CREATE TABLE t ();\n"}, tmp_path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "public.sql"]


# ---------------------------------------------------------------------------
# the command line: dump, then `plan` those files against the same database prints nothing

def test_cli_dump_then_plan_prints_nothing(pg, tmp_path, monkeypatch):
    dsn = pg.create_database((FIXTURES / "every_kind.sql").read_text())
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "schema"
    runner = CliRunner()
    result = runner.invoke(cli, ["dump", "--db", dsn, "-o", str(out), "--layout", "table"])
    assert result.exit_code == 0, result.output
    assert "wrote 14 file(s)" in result.stderr
    result = runner.invoke(cli, ["plan", "--db", dsn, "--schema", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    again = runner.invoke(cli, ["dump", "--db", dsn, "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    again = runner.invoke(cli, ["dump", "--db", dsn, "-o", str(out), "--force"])
    assert again.exit_code == 0
    assert not (out / "app").exists() or not list((out / "app").glob("*.sql"))  # the table layout's files are gone
    assert (out / "app.sql").is_file()


def test_cli_dump_exclude(pg, tmp_path):
    dsn = pg.create_database("""
        CREATE TABLE e (id int, ts date NOT NULL, PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);
        CREATE TABLE e_default PARTITION OF e DEFAULT;
        CREATE TABLE e_p202401 PARTITION OF e FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
        COMMENT ON TABLE e_p202401 IS 'maintenance';
        """)
    result = CliRunner().invoke(cli, ["dump", "--db", dsn, "-o", str(tmp_path), "--exclude", "e_p2*"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "public.sql").read_text()
    assert "e_default" in text and "e_p202401" not in text
