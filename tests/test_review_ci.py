"""CI integration: the GitHub Action's script steps run as a runner would run them, and the
pre-commit hooks run through `pre-commit try-repo` in a temporary git repository."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemadiff.cli.main import cli
from fix_scratch import ScratchDatabases

ROOT = Path(__file__).resolve().parents[1]
OLD = "CREATE TABLE users (id int PRIMARY KEY, name text);\n"
NEW = "CREATE TABLE users (id int PRIMARY KEY, name text, email text);\n"


def action_steps() -> dict[str, dict]:
    yaml = pytest.importorskip("yaml")
    spec = yaml.safe_load((ROOT / "action.yml").read_text())
    assert spec["runs"]["using"] == "composite"
    return {s.get("id") or s.get("name") or s.get("uses"): s for s in spec["runs"]["steps"]}


def run_step(step: dict, cwd: Path, tmp: Path, inputs: dict[str, str], path: str | None = None,
             extra_env: dict[str, str] | None = None):
    """One `run:` step under bash, as the runner runs it: its env: with the inputs put in, and the
    files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY; returns (exit code, stdout, outputs, summary)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHEMADIFF_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's schemadiff, whatever is installed
    if path:
        env["PATH"] = f"{path}{os.pathsep}{env['PATH']}"
    env.update(extra_env or {})
    for name, value in step.get("env", {}).items():
        for key, given in inputs.items():
            value = value.replace("${{ inputs.%s }}" % key, given)
        value = value.replace("${{ github.action_path }}", str(ROOT))
        assert "${{" not in value, f"input {value} not given"
        env[name] = value
    output, summary = tmp / "output", tmp / "summary"
    output.write_text("")
    summary.write_text("")
    env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(tmp))
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done.returncode, done.stdout + done.stderr, outputs, summary.read_text()


INPUTS = {"command": "plan", "database-url": "", "env": "", "from": "", "to": "", "args": "",
          "working-directory": "."}


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "schema").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '0'\n\n[tool.schemadiff]\n"
                                         "schema = ['schema']\n")
    (root / "old.sql").write_text(OLD)
    (root / "schema" / "s.sql").write_text(NEW)
    return root


def test_action_inputs_reach_scripts_only_through_env():
    for name, step in action_steps().items():
        if "run" in step:
            assert "${{" not in step["run"], f"step {name}: an expression pasted into the script"


def test_action_plan_step_writes_the_summary_and_outputs(project, tmp_path):
    step = action_steps()["run"]
    code, out, outputs, summary = run_step(step, project, tmp_path, {**INPUTS, "from": "old.sql"})
    assert code == 0, out
    assert outputs["exit-code"] == "0"
    assert summary.startswith("### schemadiff plan")
    assert "ALTER TABLE public.users ADD COLUMN email text;" in summary
    assert Path(outputs["plan-file"]).read_text() == summary
    # extra arguments, split on whitespace; --exit-code makes a non-empty plan exit 1
    code, out, outputs, _ = run_step(step, project, tmp_path, {**INPUTS, "from": "old.sql", "args": "--exit-code"})
    assert (code, outputs["exit-code"]) == (1, "1")
    code, out, outputs, _ = run_step(step, project, tmp_path, {**INPUTS, "command": "deploy"})
    assert code == 2 and "::error::schemadiff action: command must be plan, check or lint" in out
    # a hostile input is data, not shell
    code, out, _, _ = run_step(step, project, tmp_path, {**INPUTS, "from": "old.sql; touch pwned"})
    assert code == 2 and not (project / "pwned").exists()


@pytest.mark.db
def test_action_check_and_lint_steps_against_a_database(project, tmp_path, pg):
    step = action_steps()["run"]
    pool = ScratchDatabases(pg)
    try:
        dsn = pool.load("action", OLD)
        code, out, outputs, summary = run_step(step, project, tmp_path,
                                               {**INPUTS, "command": "check", "database-url": dsn})
        assert (code, outputs["exit-code"]) == (1, "1"), out
        assert "### schemadiff check" in summary and "drift: 1 difference(s)" in summary
        (project / "schema" / "s.sql").write_text(NEW.replace("email text", "email text NOT NULL"))
        code, out, outputs, _ = run_step(step, project, tmp_path,
                                         {**INPUTS, "command": "lint", "database-url": dsn, "args": "--fail-on never"})
        assert code == 0, out
        assert "::" in out and "users" in out  # findings as GitHub annotations
    finally:
        pool.close()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_action_install_step_installs_this_checkout(tmp_path):
    """The install step in a virtualenv that sees the installed dependencies (no download)."""
    virtualenv = pytest.importorskip("virtualenv")
    venv = tmp_path / "venv"
    virtualenv.cli_run([str(venv), "--system-site-packages", "--quiet"])
    step = action_steps()["Install schemadiff"]
    # No download: the dependencies are those installed here, the build backend the virtualenv's own.
    code, out, _, _ = run_step(step, tmp_path, tmp_path, INPUTS, path=str(venv / "bin"),
                               extra_env={"PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"})
    assert code == 0, out
    assert "schemadiff, version" in out
    assert (venv / "bin" / "schemadiff").exists()


# -- pre-commit --------------------------------------------------------------------------------
def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home),
               # The hooks' virtualenv sees the dependencies installed here, and builds this checkout
               # with the setuptools installed here: no download, a few seconds.
               VIRTUALENV_SYSTEM_SITE_PACKAGES="1", PIP_NO_BUILD_ISOLATION="0")
    env.pop("PYTHONPATH", None)  # the hooks run the schemadiff pre-commit installed, nothing else
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files"], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=600)


def test_pre_commit_hooks_through_try_repo(tmp_path):
    pytest.importorskip("pre_commit")
    repo = tmp_path / "repo"
    (repo / "schema").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '0'\n\n[tool.schemadiff]\n"
                                         "schema = ['schema']\n")
    (repo / "schema" / "s.sql").write_text(
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
        "COMMENT ON TABLE users IS 'People who sign in.';\n")
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        assert CliRunner().invoke(cli, ["docs", "-o", "docs/schema"]).exit_code == 0
    finally:
        os.chdir(cwd)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "schema")
    home = tmp_path / "pre-commit-home"
    good = try_repo(repo, home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "schemadiff lint" in good.stdout and "schemadiff docs --check" in good.stdout
    assert good.stdout.count("Passed") == 2
    # the schema changes: the docs are stale, and a table without a primary key is a finding
    (repo / "schema" / "s.sql").write_text((repo / "schema" / "s.sql").read_text()
                                           + "CREATE TABLE events (at timestamptz, payload jsonb);\n")
    git(repo, "add", "-A")
    bad = try_repo(repo, home)
    assert bad.returncode == 1
    assert bad.stdout.count("Failed") == 2, bad.stdout
    assert "docs in docs/schema are stale" in bad.stdout
    assert "events" in bad.stdout
