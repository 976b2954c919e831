"""Migration folders as a source (sources.py, replay.py).

Two small folders of the shapes real projects keep (tests/fixtures/migrations): golang-migrate's
numbered `N_name.up.sql` files with DO blocks, data fixes, renames and its own bookkeeping table
(goharbor/harbor's shape); Prisma's `<timestamp>_name/migration.sql` directories with an enum
swap inside BEGIN/COMMIT, a table dropped and created again, a renamed index and a data step
(documenso/documenso's shape); diesel's `<date>_name/up.sql` directories with a trigger made by
a function call, a column renamed and retyped under a view, a table, index, key and sequence
renamed, views and a materialized view (with its indexes) re-defined (LemmyNet/lemmy's shape).

For each: the folder plans nothing against a database built by running it; from empty the plan
applies and re-plans to nothing; and between versions (the first k migrations vs all) the plan
applies and re-plans to nothing in both directions.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemadiff.apply import apply_plan
from schemadiff.cli.config import exclusion
from schemadiff.cli.main import cli
from schemadiff.diff import diff_catalogs
from schemadiff.errors import ParseError
from schemadiff.introspect.catalog import inspect_database
from schemadiff.model import QualifiedName
from schemadiff.plan import plan_migration
from schemadiff.replay import run_file
from schemadiff.sources import Source, declared_catalog, schema_files

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"
GOLANG = FIXTURES / "golang"
PRISMA = FIXTURES / "prisma"
DIESEL = FIXTURES / "diesel"

SHAPES = {
    # name: (folder, source, bookkeeping tables to exclude, setup files)
    "golang-migrate": (GOLANG / "migrations", Source("replay", "*.up.sql", "numeric", (GOLANG / "setup.sql",)),
                       ["schema_migrations"]),
    "prisma": (PRISMA / "migrations", Source("replay", "*/migration.sql"), ["_prisma_migrations"]),
    "prisma-file-order": (PRISMA / "migrations", Source("files", "*/migration.sql"), ["_prisma_migrations"]),
    "diesel": (DIESEL / "migrations", Source("replay", "*/up.sql", setup=(DIESEL / "setup.sql",)),
               ["__diesel_schema_migrations"]),
}


def qn(name: str) -> QualifiedName:
    return QualifiedName("public", name)


# -- which files, in which order (no database) ------------------------------------------------------
def test_numeric_order_puts_2_before_10_and_the_glob_leaves_down_files_out():
    files = schema_files([GOLANG / "migrations"], Source("files", "*.up.sql", "numeric"))
    assert [f.name for f in files] == ["1_init.up.sql", "2_registry.up.sql", "10_artifact.up.sql",
                                       "11_policy.up.sql", "12_cleanup.up.sql"]
    by_name = schema_files([GOLANG / "migrations"], Source("files", "*.up.sql"))
    assert by_name[0].name == "10_artifact.up.sql"


def test_a_directory_per_migration_in_order_of_its_name():
    files = schema_files([PRISMA / "migrations"], Source("files", "*/migration.sql"))
    assert [f.parent.name[:8] for f in files] == ["20230101", "20230215", "20230301", "20230402", "20230510"]


def test_numeric_order_of_directories(tmp_path):
    for d in ("10_late", "2_middle", "1_first"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "up.sql").write_text("SELECT 1;\n")
    files = schema_files([tmp_path], Source("files", "*/up.sql", "numeric"))
    assert [f.parent.name for f in files] == ["1_first", "2_middle", "10_late"]


def test_a_pattern_that_matches_nothing_is_an_error_not_an_empty_schema(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (a int);\n")
    with pytest.raises(ParseError, match="no file matches migrations = '\\*.up.sql'"):
        schema_files([tmp_path], Source("files", "*.up.sql"))


def test_prisma_folder_read_in_file_order():
    c = declared_catalog([PRISMA / "migrations"], Source("files", "*/migration.sql"), ignore_data_statements=True)
    token = c.tables[qn("PasswordResetToken")]
    assert [col.name for col in token.columns] == ["id", "token", "createdAt", "expiry", "userId"]
    assert {QualifiedName("public", "Role")} == set(c.enums)
    assert c.enums[QualifiedName("public", "Role")].labels == ("ADMIN", "USER", "OWNER")
    assert qn("User_email_unique") in c.indexes


# -- replay --------------------------------------------------------------------------------------
@pytest.fixture
def scratch_url(pg, monkeypatch) -> str:
    """Replays make their throwaway databases on the test server."""
    monkeypatch.setenv("SCHEMADIFF_SCRATCH_URL", pg.admin_dsn)
    return pg.admin_dsn


def build(pg, files: list[Path], setup=()) -> str:
    """A database built by running the migrations, as the migration tool would."""
    dsn = pg.create_database()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for f in [*setup, *files]:
            run_file(conn, pg.admin_dsn, f)
    return dsn


def plan_between(current_dsn: str, desired, keep):
    return plan_migration(inspect_database(current_dsn).filtered(keep), desired.filtered(keep))


@pytest.mark.db
def test_replay_reads_what_no_parse_can(scratch_url):
    source = SHAPES["golang-migrate"][1]
    c = declared_catalog([GOLANG / "migrations"], source)
    assert {"registry", "artifact", "tag", "project", "scan_report", "schema_migrations"} <= {
        t.name for t in c.tables}
    registry = c.tables[qn("registry")]
    assert [col.name for col in registry.columns][:4] == ["id", "name", "access_key", "access_secret"]
    assert qn("idx_artifact_digest") in c.indexes
    assert "data_version" in [col.name for col in c.tables[qn("schema_migrations")].columns]


@pytest.mark.db
def test_a_failing_statement_names_its_file_and_line(scratch_url, tmp_path):
    (tmp_path / "1_a.up.sql").write_text("CREATE TABLE a (id int);\n")
    (tmp_path / "2_b.up.sql").write_text("CREATE TABLE b (id int);\n\nALTER TABLE b\n  ADD COLUMN c nosuchtype;\n")
    with pytest.raises(ParseError) as exc:
        declared_catalog([tmp_path], Source("replay", "*.up.sql", "numeric"))
    [(loc, msg)] = exc.value.problems
    assert (Path(loc.file).name, loc.line) == ("2_b.up.sql", 4)
    assert msg == 'replay failed: type "nosuchtype" does not exist'


@pytest.mark.db
def test_an_extension_the_replay_server_lacks_says_where_to_replay_instead(scratch_url, tmp_path):
    (tmp_path / "1_a.up.sql").write_text("CREATE TABLE a (id int);\nCREATE EXTENSION mg_no_such_extension;\n")
    with pytest.raises(ParseError) as exc:
        declared_catalog([tmp_path], Source("replay", "*.up.sql", "numeric"))
    [(loc, msg)] = exc.value.problems
    assert (Path(loc.file).name, loc.line) == ("1_a.up.sql", 2)
    assert msg.startswith("replay failed: ")
    assert "$SCHEMADIFF_SCRATCH_URL's server (PostgreSQL 1" in msg and "a server that has it" in msg


@pytest.mark.db
def test_a_role_the_files_grant_to_is_created_for_the_replay(scratch_url, tmp_path):
    (tmp_path / "1.sql").write_text("CREATE TABLE t (id int);\nGRANT SELECT ON t TO mg_replay_reader;\n")
    c = declared_catalog([tmp_path], Source("replay"))
    assert any(g.grantee == "mg_replay_reader" for g in c.grants)


@pytest.mark.db
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_folder_plans_nothing_against_the_database_it_built(pg, scratch_url, shape):
    folder, source, bookkeeping = SHAPES[shape]
    keep = exclusion(bookkeeping)
    files = schema_files([folder], source)
    dsn = build(pg, files, source.setup)
    desired = declared_catalog([folder], source, ignore_data_statements=True)
    plan = plan_between(dsn, desired, keep)
    assert not plan, "\n".join(s.sql for s in plan.steps)


@pytest.mark.db
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_from_empty_and_between_versions_both_ways(pg, scratch_url, shape):
    folder, source, bookkeeping = SHAPES[shape]
    keep = exclusion(bookkeeping)
    files = schema_files([folder], source)
    everything = declared_catalog([folder], source, ignore_data_statements=True)
    empty = pg.create_database()
    apply_plan(empty, plan_between(empty, everything, keep))
    assert not plan_between(empty, everything, keep)
    for k in (1, len(files) - 2):
        part = declared_catalog(files[:k], source, ignore_data_statements=True)
        for start, target, target_catalog in ((files[:k], files, everything), (files, files[:k], part)):
            dsn = build(pg, start, source.setup)
            plan = plan_between(dsn, target_catalog, keep)
            assert plan, f"first {k} vs all: nothing to do?"
            apply_plan(dsn, plan)
            again = plan_between(dsn, target_catalog, keep)
            assert not again, f"{len(start)} -> {len(target)} migrations: " + "\n".join(s.sql for s in again.steps)


@pytest.mark.db
def test_excluding_a_bookkeeping_table_excludes_the_sequence_of_its_serial(pg, scratch_url, tmp_path):
    # authelia's shape: the migrations create their own bookkeeping table, with a SERIAL id.
    (tmp_path / "V0001.init.up.sql").write_text(
        "CREATE TABLE IF NOT EXISTS migrations (id SERIAL CONSTRAINT migrations_pkey PRIMARY KEY,\n"
        "    version_after integer NOT NULL);\nGRANT SELECT ON migrations_id_seq TO PUBLIC;\n"
        "CREATE TABLE users (id SERIAL PRIMARY KEY, name text);\n")
    source = Source("replay", "*.up.sql", "numeric")
    keep = exclusion(["migrations"])
    desired = declared_catalog([tmp_path], source)
    assert qn("migrations_id_seq") not in desired.filtered(keep).sequences
    assert qn("users_id_seq") in desired.filtered(keep).sequences
    built = build(pg, schema_files([tmp_path], source))
    assert not plan_between(built, desired, keep)
    empty = pg.create_database()
    plan = plan_between(empty, desired, keep)
    assert "migrations" not in "\n".join(s.sql for s in plan.steps)
    apply_plan(empty, plan)
    assert not plan_between(empty, desired, keep)


@pytest.mark.db
def test_diesel_folder_in_file_order_means_what_replaying_it_means_but_the_trigger_a_call_makes(scratch_url):
    keep = exclusion(["__diesel_schema_migrations"])
    replayed = declared_catalog([DIESEL / "migrations"], SHAPES["diesel"][1]).filtered(keep)
    parsed = declared_catalog([DIESEL / "migrations"], Source("files", "*/up.sql"), ignore_data_statements=True)
    assert [c.kind for c in diff_catalogs(replayed, parsed)] == ["drop_trigger"]  # SELECT diesel_manage_updated_at(...)
    assert [c.name for c in parsed.tables[qn("user_")].columns][:4] == ["id", "name", "avatar", "admin"]
    assert parsed.tables[qn("user_")].column("avatar").type == "text"
    assert {qn("community_"), qn("community__id_seq"), qn("idx_community_creator_id")} <= (
        set(parsed.tables) | set(parsed.sequences) | set(parsed.indexes))
    assert "members" in parsed.views[qn("community_view")].query.sql
    assert {i.name.name for i in parsed.indexes_of(qn("community_aggregates"))} == {
        "idx_community_aggregates_id", "idx_community_aggregates_members"}


# -- the command line ----------------------------------------------------------------------------
@pytest.mark.db
def test_cli_plan_diagram_lint_and_dump_on_a_replayed_folder(pg, scratch_url, project, monkeypatch):
    shutil.copytree(GOLANG, project / "db")
    (project / "pyproject.toml").write_text(
        '[tool.schemadiff]\nschema = ["db/migrations"]\nsource = "replay"\nmigrations = "*.up.sql"\n'
        'migrations_order = "numeric"\nreplay_setup = ["db/setup.sql"]\nexclude = ["schema_migrations"]\n')
    files = schema_files([project / "db" / "migrations"], Source("files", "*.up.sql", "numeric"))
    dsn = build(pg, files, (project / "db" / "setup.sql",))
    runner = CliRunner()
    result = runner.invoke(cli, ["plan", "--db", dsn, "--exit-code"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output
    result = runner.invoke(cli, ["check", "--db", dsn], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["diagram", "-o", str(project / "er.dot")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert '"public.registry"' in (project / "er.dot").read_text() or "registry" in (project / "er.dot").read_text()
    result = runner.invoke(cli, ["lint", "--fail-on", "never"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["dump", "--source", "replay", "-o", str(project / "schema")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # The move to declarative files: the config now names the dumped folder, read as files; planned
    # against the database the migrations built, nothing.
    (project / "pyproject.toml").write_text('[tool.schemadiff]\nschema = ["schema"]\nexclude = ["schema_migrations"]\n')
    result = runner.invoke(cli, ["plan", "--db", dsn, "--exit-code"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.mark.db
def test_cli_file_order_source_refuses_what_only_replay_reads(pg, scratch_url, project):
    shutil.copytree(GOLANG, project / "db")
    (project / "pyproject.toml").write_text(
        '[tool.schemadiff]\nschema = ["db/migrations"]\nmigrations = "*.up.sql"\nmigrations_order = "numeric"\n')
    result = CliRunner().invoke(cli, ["plan", "--db", pg.create_database()], catch_exceptions=False)
    assert result.exit_code == 2
    assert "2_registry.up.sql:9:1: unsupported statement: DO" in result.output
