"""The catalog cache (schemadiff/cache.py): a repeated plan reads both sides' catalogs from
.schemadiff/cache, and gives the same plan; any change to the files or the live schema is a
new key; corrupt entries are misses; `cache = false` and SCHEMADIFF_CACHE=0 turn it off.

tests/conftest.py turns the cache off for the rest of the suite (SCHEMADIFF_CACHE=0): a test
that patches the parser must see its patch run. These tests turn it back on.
"""
from __future__ import annotations

import pickle
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemadiff.cache import FORMAT, CatalogCache, files_key, statements_key
from schemadiff.cli.main import cli
from schemadiff.parse import catalog_from_sql

pytestmark = pytest.mark.db

SCHEMA = ("CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL DEFAULT 'x');\n"
          "CREATE INDEX t_name ON t (lower(name)) WHERE id > 0;\n"
          "CREATE VIEW v AS SELECT id FROM t;\n")


@pytest.fixture
def cached_project(project, monkeypatch) -> Path:
    monkeypatch.setenv("SCHEMADIFF_CACHE", "1")
    (project / "schema" / "schema.sql").write_text(SCHEMA)
    return project


def plan(dsn: str) -> str:
    result = CliRunner().invoke(cli, ["plan", "--schema", "schema", "--db", dsn], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def entries(project: Path) -> list[Path]:
    return sorted((project / ".schemadiff" / "cache").glob("*.catalog"))


def test_a_repeated_plan_reads_both_catalogs_from_the_cache_and_plans_the_same(cached_project, db, monkeypatch):
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, name text)")
    first = plan(db)
    assert "ALTER TABLE" in first and "CREATE VIEW" in first
    assert len(entries(cached_project)) == 2  # the files' catalog and the live one
    assert (cached_project / ".schemadiff" / "cache").stat().st_mode & 0o077 == 0

    # Warm: neither side is parsed again.
    import schemadiff.introspect.catalog as live_module
    import schemadiff.parse as parse_module

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed although cached")
    monkeypatch.setattr(parse_module, "load_schema", no_parse)
    monkeypatch.setattr(live_module, "catalog_from_statements", no_parse)
    assert plan(db) == first


def test_a_changed_file_or_live_schema_is_a_new_key_never_a_stale_plan(cached_project, db):
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(SCHEMA)
    assert plan(db).strip() == ""
    (cached_project / "schema" / "schema.sql").write_text(SCHEMA + "CREATE TABLE u (id int);\n")
    assert "CREATE TABLE public.u" in plan(db)
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE TABLE u (id int); ALTER TABLE t ADD COLUMN extra int")
    after = plan(db)
    assert "CREATE TABLE" not in after and "DROP COLUMN extra" in after
    assert len(entries(cached_project)) == 4


def test_corrupt_torn_or_foreign_entries_are_misses(cached_project, db):
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(SCHEMA)
    plan(db)
    files, live = entries(cached_project)
    files.write_bytes(files.read_bytes()[: len(files.read_bytes()) // 2])  # torn
    live.write_bytes(FORMAT + b"another key\n" + pickle.dumps(catalog_from_sql("CREATE TABLE z (a int);")))
    assert plan(db).strip() == ""  # not planned from the broken entries
    # and both were rewritten whole
    assert all(CatalogCache(p.parent).get(p.stem) is not None for p in entries(cached_project))


def test_the_config_key_or_the_environment_turns_it_off(cached_project, db, monkeypatch):
    (cached_project / "pyproject.toml").write_text("[tool.schemadiff]\ncache = false\n")
    plan(db)
    assert not (cached_project / ".schemadiff" / "cache").exists()
    (cached_project / "pyproject.toml").write_text("[tool.schemadiff]\ncache = true\n")
    monkeypatch.setenv("SCHEMADIFF_CACHE", "off")
    plan(db)
    assert not (cached_project / ".schemadiff" / "cache").exists()
    (cached_project / "pyproject.toml").write_text("[tool.schemadiff]\ncache = 'no'\n")
    result = CliRunner().invoke(cli, ["plan", "--schema", "schema", "--db", db])
    assert result.exit_code == 2 and "cache must be true or false" in result.output


def test_keys_follow_content_and_an_unwritable_cache_is_no_error(tmp_path):
    a, b = tmp_path / "a.sql", tmp_path / "b.sql"
    a.write_text("CREATE TABLE a (id int);")
    b.write_text("CREATE TABLE b (id int);")
    key = files_key([a, b], ignore_data_statements=False)
    assert key == files_key([a, b], ignore_data_statements=False)
    assert key != files_key([a, b], ignore_data_statements=True)
    assert key != files_key([b, a], ignore_data_statements=False)
    assert files_key([tmp_path / "missing.sql"], ignore_data_statements=False) is None
    assert statements_key(["ab", "c"]) != statements_key(["a", "bc"])
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the directory should be")
    cache = CatalogCache(blocked / "cache")
    catalog = catalog_from_sql("CREATE TABLE a (id int);")
    cache.put("k", catalog)  # no error
    assert cache.get("k") is None
    assert cache.through("k", lambda: catalog) is catalog


def test_entries_are_written_when_the_command_ends_and_not_after_an_interrupt(tmp_path):
    from schemadiff.cache import writes_deferred
    cache = CatalogCache(tmp_path / "cache")
    catalog = catalog_from_sql("CREATE TABLE a (id int);")
    with writes_deferred():
        cache.through("k", lambda: catalog)
        assert cache.get("k") is None  # not yet
    assert cache.get("k") == catalog
    with pytest.raises(KeyboardInterrupt):
        with writes_deferred():
            cache.through("j", lambda: catalog)
            raise KeyboardInterrupt
    assert cache.get("j") is None
