"""Command line: plan, apply, check.  Exit codes follow diff(1) and are mapped here only.

  0  no differences (or success)
  1  differences found (check; plan --exit-code)
  2  error: bad schema files, unreachable database, refused plan, failed statement
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import SchemaDiffError
from ..model import Catalog
from .config import Config, database_url, exclusion, load_config

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    """Every error ends here: one line (or a few) on stderr, passwords masked, exit 2."""

    def invoke(self, ctx):
        from ..connect import redact
        try:
            with _sigterm_as_interrupt():
                return super().invoke(ctx)
        except SchemaDiffError as exc:
            click.echo(redact(f"schemadiff: error: {exc}"), err=True)
            ctx.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("schemadiff: interrupted: the statement in progress was cancelled on the server and its "
                       "transaction rolled back; plan again to see what remains", err=True)
            ctx.exit(EXIT_ERROR)
        except psycopg_errors() as exc:
            click.echo(redact(f"schemadiff: error: {_server_error(exc)}"), err=True)
            ctx.exit(EXIT_ERROR)


def psycopg_errors() -> type[Exception]:
    import psycopg
    return psycopg.Error


def _server_error(exc) -> str:
    """A server error that no stage turned into a SchemaDiffError: its message, and for a missing
    privilege what to do about it."""
    import psycopg
    diag = getattr(exc, "diag", None)
    text = ((diag.message_primary if diag else None) or str(exc)).strip()
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        from ..locks import permission_message
        return f"permission denied: {permission_message(exc)}"
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return f"{text}: another session holds a lock this needs; retry, or raise --lock-timeout"
    return text


@click.group(cls=_Group)
@click.version_option(package_name="schemadiff")
def cli() -> None:
    """Schema-as-code for PostgreSQL: declarative SQL files, diffed against a live database."""


def common_options(fn):
    fn = click.option("--schema", "schema_paths", multiple=True, type=click.Path(path_type=Path),
                      help="schema file or directory (repeatable; default from [tool.schemadiff], else ./schema)")(fn)
    fn = click.option("--db", "db_url", help="database URL (default: $DATABASE_URL, else the embedded database)")(fn)
    fn = click.option("--exclude", multiple=True, help="leave out objects matching this pattern (schema.name, globs)")(fn)
    fn = click.option("--lock-timeout", "lock_timeout", default=None, metavar="DURATION",
                      help="longest wait for any lock, e.g. 5s, 500ms, 0 for none (default from [tool.schemadiff] "
                           "lock_timeout, else 5s)")(fn)
    fn = click.option("--allow-empty", is_flag=True,
                      help="accept schema paths with no .sql file (the plan then drops everything)")(fn)
    return fn


def resolve(schema_paths, db_url, exclude, lock_timeout=None, allow_empty=True
            ) -> tuple[Config, list[Path], str, object]:
    from ..connect import remember
    cfg = load_config()
    if lock_timeout is not None:
        from ..settings import check_duration
        try:
            cfg.lock_timeout = check_duration(lock_timeout, "--lock-timeout")
        except SchemaDiffError as exc:
            raise click.BadParameter(str(exc), param_hint="--lock-timeout") from None
    paths = list(schema_paths) or [cfg.project_dir / p for p in cfg.schema]
    if not allow_empty:
        from ..parse.source import require_sql_files
        require_sql_files(paths)
    url = db_url or database_url(cfg)
    if not url:
        from ..embedded import project_database
        url = project_database(cfg.project_dir)
    remember(url)
    keep = exclusion(list(cfg.exclude) + list(exclude))
    return cfg, paths, url, keep


def load_both(paths: list[Path], url: str, keep, cfg: Config | None = None) -> tuple[Catalog, Catalog]:
    from ..load import load_catalogs
    current, desired = load_catalogs(paths, url, lock_timeout=cfg.lock_timeout if cfg else "5s")
    return current.filtered(keep), desired.filtered(keep)


def sized(p, url: str, cfg: Config | None = None):
    """The plan with the live size of each table its hazards concern."""
    if not p:
        return p
    from ..introspect.sizes import table_sizes
    from ..plan.sizes import tables_touched, with_table_sizes
    return with_table_sizes(p, table_sizes(url, tables_touched(p), cfg.lock_timeout if cfg else "5s"))


def plan_options(cfg: Config, online: bool | None, phase: str | None = None):
    from ..plan import PlanOptions
    return PlanOptions(online=cfg.online if online is None else online, lock_timeout=cfg.lock_timeout,
                       statement_timeout=cfg.statement_timeout, phase=phase)


def online_option(fn):
    fn = click.option("--phase", type=click.Choice(["expand", "contract"]), default=None,
                      help="only the additive changes (expand) or only drops, data loss and constraint "
                           "tightening (contract); data steps run in between")(fn)
    return click.option("--online/--offline", default=None,
                        help="build indexes concurrently, validate constraints separately, set lock_timeout "
                             "(default from [tool.schemadiff] online)")(fn)


@cli.command()
@common_options
@online_option
@click.option("--format", "fmt", type=click.Choice(["sql", "json", "markdown"]), default="sql", show_default=True)
@click.option("--exit-code", is_flag=True, help="exit 1 when the plan is not empty")
@click.option("--reverse", is_flag=True, help="the plan that takes the database back from the files to what it is now")
@click.option("--verify", is_flag=True, help="rehearse the plan on a copy of the live schema in a throwaway database")
def plan(schema_paths, db_url, exclude, lock_timeout, allow_empty, online, phase, fmt, exit_code, reverse,
         verify) -> None:
    """Print the DDL that makes the database match the schema files."""
    from ..plan import plan_migration
    from ..render.markdown import plan_markdown
    from ..render.text import plan_json, plan_sql
    cfg, paths, url, keep = resolve(schema_paths, db_url, exclude, lock_timeout, allow_empty)
    current, desired = load_both(paths, url, keep, cfg)
    if reverse:
        current, desired = desired, current
    p = sized(plan_migration(current, desired, plan_options(cfg, online, phase)), url, cfg)
    if verify and p and phase is None:
        from ..verify import verify_plan
        verify_plan(url, p, desired, keep, progress=lambda m: click.echo(m, err=True))
    out = {"json": plan_json, "markdown": plan_markdown}.get(fmt, plan_sql)(p)
    if out:
        click.echo(out, nl=False)
    if not p:
        click.echo("schemadiff: the database matches the schema; nothing to do", err=True)
    sys.exit(EXIT_CHANGES if exit_code and p else EXIT_OK)


@cli.command()
@common_options
@online_option
@click.option("--allow-destructive", is_flag=True, help="allow statements that lose data")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@click.option("--dry-run", is_flag=True, help="print the plan, change nothing")
@click.option("--verify/--no-verify", default=None,
              help="rehearse the plan on a throwaway copy of the live schema first (default: on when the "
                   "database is not the embedded one)")
@click.option("--lock-retries", type=click.IntRange(0, 100), default=None,
              help="retries of a statement that ran out of lock_timeout, with a doubling delay "
                   "(default from [tool.schemadiff] lock_retries, else 3)")
def apply(schema_paths, db_url, exclude, lock_timeout, allow_empty, online, phase, allow_destructive, yes, dry_run,
          verify, lock_retries) -> None:
    """Apply the plan in a transaction; stop at the first error.

    The database's apply lock is held from before the live schema is read to the end, every
    statement runs under lock_timeout, and a statement that runs out of it is retried."""
    from contextlib import nullcontext

    from ..apply import apply_plan_on, apply_session
    from ..errors import HazardError
    from ..plan import plan_migration
    from ..render.text import plan_sql
    cfg, paths, url, keep = resolve(schema_paths, db_url, exclude, lock_timeout, allow_empty)
    if lock_retries is not None:
        cfg.lock_retries = lock_retries
    settings = apply_settings(cfg)
    say = lambda msg: click.echo(msg, err=True)  # noqa: E731
    with nullcontext() if dry_run else apply_session(url, settings, say) as conn:
        current, desired = load_both(paths, url, keep, cfg)
        p = sized(plan_migration(current, desired, plan_options(cfg, online, phase)), url, cfg)
        if not p:
            click.echo("schemadiff: the database matches the schema; nothing to do", err=True)
            return
        click.echo(plan_sql(p), nl=False)
        if dry_run:
            return
        if p.destructive_steps and not allow_destructive:
            raise HazardError([s.sql for s in p.destructive_steps], "--allow-destructive")
        if phase is None and (verify or (verify is None and (db_url or database_url(cfg)))):
            from ..verify import verify_plan
            verify_plan(url, p, desired, keep, progress=say)
        if not yes:
            if not sys.stdin.isatty():
                raise click.UsageError("not a terminal: pass --yes to apply without confirmation")
            click.confirm("Apply these statements?", abort=True)
        t0 = time.monotonic()
        apply_plan_on(conn, url, p, settings, progress=say)
    click.echo(f"schemadiff: applied {len(p.steps)} statement(s) in {time.monotonic() - t0:.2f}s", err=True)


def apply_settings(cfg: Config):
    from ..apply import ApplySettings
    return ApplySettings(lock_timeout=cfg.lock_timeout, statement_timeout=cfg.statement_timeout,
                         lock_retries=cfg.lock_retries, lock_retry_delay=cfg.lock_retry_delay,
                         apply_lock_wait=cfg.apply_lock_wait)


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (a CI timeout, systemd, kill) acts as Ctrl-C: psycopg then cancels the statement
    on the server, so no lock request stays queued in front of the table's readers, and the
    process ends through its exit handlers, which stop rehearsal servers (verify.py)."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(schema_paths, db_url, exclude, lock_timeout, allow_empty, fmt) -> None:
    """CI drift gate: exit 0 when the database matches the files, 1 on drift, 2 on error."""
    import json

    from ..diff import diff_catalogs
    cfg, paths, url, keep = resolve(schema_paths, db_url, exclude, lock_timeout, allow_empty)
    current, desired = load_both(paths, url, keep, cfg)
    changes = diff_catalogs(current, desired)
    if fmt == "json":
        click.echo(json.dumps({"drift": bool(changes), "differences": [
            {"change": c.kind, "object": str(c.target)} for c in changes]}, indent=2))
    elif changes:
        click.echo(f"drift: {len(changes)} difference(s) between the database and the schema files:")
        for c in changes:
            click.echo(f"  {c.description}")
    else:
        click.echo("no drift: the database matches the schema files")
    sys.exit(EXIT_CHANGES if changes else EXIT_OK)


def main() -> None:
    cli(prog_name="schemadiff")


from . import diagram as _diagram  # noqa: E402,F401
from . import docs as _docs  # noqa: E402,F401
from . import lint as _lint  # noqa: E402,F401
from . import dump as _dump  # noqa: E402,F401
from . import data as _data  # noqa: E402,F401
