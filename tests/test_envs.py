"""Environments: [tool.schemadiff.env.NAME] over [tool.schemadiff], chosen with --env or $SCHEMADIFF_ENV."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from schemadiff.cli.config import load_config
from schemadiff.cli.main import cli
from schemadiff.errors import ConfigError
from fix_scratch import ScratchDatabases

PYPROJECT = """
[tool.schemadiff]
schema = ["schema"]
exclude = ["scratch_*"]
lock_timeout = "5s"

[tool.schemadiff.env.staging]
database_url_env = "STAGING_URL"

[tool.schemadiff.env.prod]
database_url_env = "PROD_URL"
online = true
lock_timeout = "2s"
statement_timeout = "1min"
exclude = ["scratch_*", "audit_*"]
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("DATABASE_URL", "PROD_URL", "STAGING_URL", "SCHEMADIFF_ENV"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "schema").mkdir()
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_env_overrides_only_its_keys(project, monkeypatch):
    base = load_config()
    assert (base.online, base.lock_timeout, base.exclude, base.env) == (False, "5s", ["scratch_*"], None)
    prod = load_config(env="prod")
    assert (prod.online, prod.lock_timeout, prod.statement_timeout) == (True, "2s", "1min")
    assert prod.exclude == ["scratch_*", "audit_*"] and prod.database_url_env == "PROD_URL"
    assert prod.schema == ["schema"] and prod.env == "prod"
    monkeypatch.setenv("SCHEMADIFF_ENV", "staging")
    assert load_config().database_url_env == "STAGING_URL"


def test_unknown_env_is_an_error(project):
    with pytest.raises(ConfigError, match=r"unknown environment 'qa' \(defined: prod, staging\)"):
        load_config(env="qa")
    result = run("plan", "--env", "qa")
    assert result.exit_code == 2
    assert "unknown environment 'qa'" in result.output and "Traceback" not in result.output


def test_bad_key_in_an_env_names_the_env(project):
    (project / "pyproject.toml").write_text(PYPROJECT + '\n[tool.schemadiff.env.dev]\nonline = "yes"\nfoo = 1\n')
    result = run("check", "--env", "dev")
    assert result.exit_code == 2
    assert "[tool.schemadiff.env.dev] keys: foo" in result.output
    (project / "pyproject.toml").write_text(PYPROJECT + '\n[tool.schemadiff.env.dev]\nonline = "yes"\n')
    result = run("check", "--env", "dev")
    assert result.exit_code == 2 and "[tool.schemadiff.env.dev] online must be true or false" in result.output


def test_env_url_variable_unset_is_an_error_not_the_embedded_database(project):
    (project / "schema" / "s.sql").write_text("CREATE TABLE t (a int);")
    result = run("plan", "--env", "prod")
    assert result.exit_code == 2
    assert "[tool.schemadiff.env.prod] database_url_env names $PROD_URL, which is not set" in result.output


@pytest.mark.db
def test_env_picks_its_database_and_online_mode(project, pg, monkeypatch):
    pool = ScratchDatabases(pg)
    try:
        prod = pool.load("env-prod", "CREATE TABLE t (a int); CREATE TABLE audit_log (x int);")
        staging = pool.load("env-staging", "CREATE TABLE t (a int, b int);")
        monkeypatch.setenv("PROD_URL", prod)
        monkeypatch.setenv("STAGING_URL", staging)
        (project / "schema" / "s.sql").write_text("CREATE TABLE t (a int, b int);\nCREATE INDEX t_a ON t (a);\n")
        out = run("plan", "--env", "prod").output
        assert "CREATE INDEX CONCURRENTLY t_a ON public.t" in out  # online = true
        assert "SET lock_timeout = '2s';" in out and "ADD COLUMN b integer" in out
        assert "audit_log" not in out  # the env's exclude
        # before the command's name too, and from $SCHEMADIFF_ENV
        staging_out = run("--env", "staging", "plan").output
        assert "CREATE INDEX t_a ON public.t" in staging_out and "ADD COLUMN" not in staging_out
        monkeypatch.setenv("SCHEMADIFF_ENV", "staging")
        assert run("plan").output == staging_out
        assert run("check", "--env", "prod").exit_code == 1
    finally:
        pool.close()
