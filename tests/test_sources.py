"""Any-to-any plans: `plan --from SOURCE --to SOURCE`, a source being a database URL, SQL files,
or git:REV[:PATH].  File-to-file plans must need no database at all."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemadiff.cli.main import cli
from fix_scratch import ScratchDatabases

UNREACHABLE = "postgresql://nobody:secret@127.0.0.1:1/x"
V1 = "CREATE TABLE users (id int PRIMARY KEY, name text);\n"
V2 = "CREATE TABLE users (id integer PRIMARY KEY, name text, email text);\nCREATE INDEX users_email ON users (email);\n"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project whose $DATABASE_URL is unreachable: a plan that tries to use it fails loudly."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    (tmp_path / "schema").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.schemadiff]\nschema = ['schema']\n")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_files_to_files_needs_no_database(project):
    old = write(project / "old" / "s.sql", V1)
    new = write(project / "new.sql", V2)
    result = run("plan", "--from", str(old.parent), "--to", str(new))
    assert result.exit_code == 0, result.output
    assert "ALTER TABLE public.users ADD COLUMN email text;" in result.output
    assert "CREATE INDEX users_email ON public.users" in result.output
    assert "127.0.0.1" not in result.output
    # --to defaults to the schema files
    write(project / "schema" / "s.sql", V2)
    assert run("plan", "--from", str(old.parent)).output == result.output
    # --reverse goes back; the same schema spelled otherwise (int / integer) plans nothing
    back = run("plan", "--from", str(old.parent), "--to", str(new), "--reverse").output
    assert "DROP COLUMN email" in back and "DROP INDEX public.users_email" in back
    write(project / "same.sql", V1.replace("int ", "integer "))
    same = run("plan", "--from", str(old), "--to", str(project / "same.sql"), "--exit-code")
    assert same.exit_code == 0 and same.output.strip() == "schemadiff: the two schemas match; nothing to do"


def test_files_to_files_takes_rename_hints(project):
    old = write(project / "a.sql", "CREATE TABLE t (full_name text);")
    new = write(project / "b.sql", "CREATE TABLE t (\n  display_name text  -- schemadiff: renamed from full_name\n);")
    out = run("plan", "--from", str(old), "--to", str(new)).output
    assert out.strip().endswith("ALTER TABLE public.t RENAME COLUMN full_name TO display_name;")


def test_bad_sources_are_errors(project):
    result = run("plan", "--from", "nowhere/at/all", "--to", "schema")
    assert result.exit_code == 2 and "is not a database URL" in result.output
    write(project / "empty" / "README", "")
    result = run("plan", "--from", str(project / "empty"), "--to", "schema")
    assert result.exit_code == 2 and "no .sql file found" in result.output
    result = run("plan", "--from", "schema", "--to", "schema", "--verify")
    assert result.exit_code == 2 and "that source must be a database" in result.output


def test_git_revisions(project):
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "t@example.com")
    git(project, "config", "user.name", "t")
    write(project / "schema" / "s.sql", V1)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "v1")
    write(project / "schema" / "s.sql", V2)
    git(project, "commit", "-qam", "v2")
    write(project / "schema" / "s.sql", V2 + "CREATE TABLE audit (at timestamptz);\n")  # not committed
    between = run("plan", "--from", "git:HEAD~1", "--to", "git:main")
    assert between.exit_code == 0, between.output
    assert "ADD COLUMN email text" in between.output and "audit" not in between.output
    # the working tree against a revision, and an explicit path at a revision
    worktree = run("plan", "--from", "git:HEAD").output
    assert "CREATE TABLE public.audit" in worktree and "email" not in worktree
    explicit = run("plan", "--from", "git:HEAD~1:schema/s.sql", "--to", "git:HEAD:schema").output
    assert explicit == between.output
    bad = run("plan", "--from", "git:nope", "--to", "schema")
    assert bad.exit_code == 2 and "git:nope: no such revision" in bad.output
    missing = run("plan", "--from", "git:HEAD:db/schema", "--to", "schema")
    assert missing.exit_code == 2 and "db/schema not found at that revision" in missing.output
    broken = write(project / "schema" / "s.sql", "CREATE TABLE (;")
    git(project, "commit", "-qam", "broken")
    error = run("plan", "--from", "git:HEAD", "--to", "git:HEAD~1")
    assert error.exit_code == 2 and "HEAD:schema/s.sql:1:" in error.output and str(broken) not in error.output


@pytest.mark.db
def test_databases_and_files_in_every_direction(project, pg):
    pool = ScratchDatabases(pg)
    try:
        a = pool.load("src-a", V1)
        b = pool.load("src-b", V2)
        write(project / "schema" / "s.sql", V2)
        db_to_db = run("plan", "--from", a, "--to", b)
        assert db_to_db.exit_code == 0, db_to_db.output
        assert "ADD COLUMN email text" in db_to_db.output
        db_to_files = run("plan", "--from", a)  # --to: the schema files
        assert db_to_files.output == db_to_db.output
        files_to_db = run("plan", "--from", "schema", "--to", a)
        assert "DROP COLUMN email" in files_to_db.output
        assert run("plan", "--from", b, "--to", "schema", "--exit-code").exit_code == 0
        # --to alone starts from the database (--db here)
        assert run("plan", "--db", a, "--to", b).output == db_to_db.output
        git(project, "init", "-q")
        git(project, "add", "-A")
        git(project, "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "v2")
        assert run("plan", "--from", a, "--to", "git:HEAD").output == db_to_db.output
        assert run("plan", "--from", "git:HEAD", "--to", b, "--exit-code").exit_code == 0
    finally:
        pool.close()
