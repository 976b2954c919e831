"""`schemadiff data status|run|verify` and `schemadiff migrate`: data steps and the staged migration."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .config import database_url, load_config
from .main import EXIT_CHANGES, EXIT_OK, cli, resolve


def _dir_option(fn):
    return click.option("--dir", "steps_dir", type=click.Path(path_type=Path), default=None,
                        help="directory of data steps NNNN_name.sql (default: migrations/ in the project)")(fn)


def _db_option(fn):
    return click.option("--db", "db_url", help="database URL (default: $DATABASE_URL, else the embedded database)")(fn)


def _resolve(db_url: str | None, steps_dir: Path | None) -> tuple[str, Path]:
    from ..datasteps import DEFAULT_DIR
    cfg = load_config()
    url = db_url or database_url(cfg)
    if not url:
        from ..embedded import project_database
        url = project_database(cfg.project_dir)
    return url, steps_dir if steps_dir is not None else cfg.project_dir / DEFAULT_DIR


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


@cli.group()
def data() -> None:
    """Data steps: SQL files that move data between the expand and contract phases, each run once.

    Files are NNNN_name.sql in --dir, run in number order and recorded in
    schemadiff.data_steps; an optional NNNN_name.verify.sql holds queries that must
    return no row.  Header comments: `-- schemadiff: phase=before-expand|between|before-contract`
    (for `schemadiff migrate`) and `-- schemadiff: transaction=false`.
    """


@data.command()
@_db_option
@_dir_option
@click.option("--exit-code", is_flag=True, help="exit 1 when a step is pending")
def status(db_url, steps_dir, exit_code) -> None:
    """List the steps: applied (and verified), pending, changed since applied, or missing."""
    from ..connect import connect
    from ..datasteps import load_steps, step_status
    url, directory = _resolve(db_url, steps_dir)
    steps = load_steps(directory)
    with connect(url) as conn:
        statuses = step_status(conn, steps)
    width = max([len(s.name) for s in statuses] + [4])
    for st in statuses:
        phase = st.step.phase if st.step else ""
        if st.state in ("applied", "changed", "missing"):
            a = st.applied
            assert a is not None  # step_status: every state but "pending" comes with its record
            when = f"{a.applied_at:%Y-%m-%d %H:%M:%S %Z}  {a.seconds:>9}s"
            verified = ""
            if st.step is not None and st.step.verify_path is not None:
                verified = "  verified" if a.verified_at else "  not verified"
            note = {"changed": "  file changed since it was applied", "missing": "  file not found"}.get(st.state, "")
            click.echo(f"{st.state:8} {st.name:{width}}  {phase:15} {when}{verified}{note}")
        else:
            assert st.step is not None  # step_status: "pending" is a file without a record
            click.echo((f"{st.state:8} {st.name:{width}}  {phase:15}"
                        + ("" if st.step.transactional else " (outside a transaction)")).rstrip())
    counts = {s: sum(1 for st in statuses if st.state == s) for s in ("applied", "pending", "changed", "missing")}
    click.echo(f"schemadiff: {len(statuses)} step(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
               if statuses else "schemadiff: no data steps", err=True)
    sys.exit(EXIT_CHANGES if exit_code and counts["pending"] else EXIT_OK)


@data.command()
@_db_option
@_dir_option
@click.option("--until", help="stop after this step (name or number)")
@click.option("--phase", "phases", multiple=True, type=click.Choice(["before-expand", "between", "before-contract"]),
              help="run only the steps of this phase (repeatable; default: all)")
def run(db_url, steps_dir, until, phases) -> None:
    """Run the pending steps in order; stop at the first failure (exit 2, the step rolled back)."""
    from ..datasteps import load_steps, run_steps
    url, directory = _resolve(db_url, steps_dir)
    done = run_steps(url, load_steps(directory), phases=phases or None, until=until, progress=_echo_err)
    click.echo(f"schemadiff: ran {len(done)} data step(s)"
               + (f" in {sum(r.seconds for r in done):.2f}s" if done else "; nothing pending"), err=True)


@data.command()
@_db_option
@_dir_option
@click.option("--until", help="verify the steps up to this one (name or number)")
@click.option("--unverified", is_flag=True, help="only the steps whose verification has not passed yet")
def verify(db_url, steps_dir, until, unverified) -> None:
    """Run the verification queries of the applied steps: exit 0 when none returns a row, 1 otherwise."""
    from ..datasteps import load_steps, verify_steps
    url, directory = _resolve(db_url, steps_dir)
    violations = verify_steps(url, load_steps(directory), until=until, unverified_only=unverified,
                              progress=_echo_err)
    for v in violations:
        click.echo(str(v))
    click.echo(f"schemadiff: {len(violations)} violation(s)" if violations else "schemadiff: verification passed",
               err=True)
    sys.exit(EXIT_CHANGES if violations else EXIT_OK)


@cli.command()
@click.option("--schema", "schema_paths", multiple=True, type=click.Path(path_type=Path),
              help="schema file or directory (repeatable; default from [tool.schemadiff], else ./schema)")
@_db_option
@click.option("--exclude", multiple=True, help="leave out objects matching this pattern (schema.name, globs)")
@_dir_option
@click.option("--online/--offline", default=None,
              help="build deferred indexes concurrently, add constraints NOT VALID then VALIDATE, set "
                   "lock_timeout (default from [tool.schemadiff] online)")
@click.option("--defer-indexes/--no-defer-indexes", default=True, show_default=True,
              help="build new non-unique indexes after the data steps instead of before them")
@click.option("--allow-destructive", is_flag=True, help="allow statements that lose data in the contract stage")
@click.option("--yes", is_flag=True, help="do not ask for confirmation before each DDL stage")
def migrate(schema_paths, db_url, exclude, steps_dir, online, defer_indexes, allow_destructive, yes) -> None:
    """Expand, run the data steps, verify them, contract: stop at the first failure, resume by re-running.

    Stages: before-expand steps, expand (new objects), between steps, verification,
    deferred indexes, before-contract steps (verified), contract (drops and new
    constraints).  Each one starts only when the previous one succeeded.
    """
    from .. import migrate as m
    from ..render.text import plan_sql
    cfg, paths, url, keep = resolve(schema_paths, db_url, exclude)
    _, directory = _resolve(url, steps_dir)
    if not yes and not sys.stdin.isatty():
        raise click.UsageError("not a terminal: pass --yes to migrate without confirmation")

    def confirm(stage, plan) -> bool:
        click.echo(plan_sql(plan), nl=False)
        return yes or click.confirm(f"Run the {stage} stage?", default=False)

    options = m.MigrateOptions(online=cfg.online if online is None else online, allow_destructive=allow_destructive,
                               defer_indexes=defer_indexes, lock_timeout=cfg.lock_timeout,
                               statement_timeout=cfg.statement_timeout, confirm=confirm)
    results = m.migrate(url, paths, directory, keep=keep, options=options, progress=_echo_err)
    if not results:
        click.echo("schemadiff: nothing to do: every step is applied and the database matches the schema", err=True)
        return
    click.echo("schemadiff: migration complete: " + ", ".join(f"{r.stage} {r.seconds:.1f}s" for r in results),
               err=True)
