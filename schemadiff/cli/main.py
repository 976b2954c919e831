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

from typing import TYPE_CHECKING, Callable

from ..errors import SchemaDiffError
from .config import Config, database_url, exclusion, load_config

if TYPE_CHECKING:  # the model imports pglast: `schemadiff --help` needs neither
    from ..endpoints import Source
    from ..model import Catalog, QualifiedName

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    """Every error ends here: one line (or a few) on stderr, passwords masked, exit 2."""

    def invoke(self, ctx):
        from ..cache import writes_deferred
        from ..connect import redact
        try:
            with _sigterm_as_interrupt(), writes_deferred():
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


def _remember_env(ctx, _param, value):
    if value:
        ctx.meta["schemadiff.env"] = value


def env_option(fn):
    """--env NAME: [tool.schemadiff.env.NAME] over [tool.schemadiff] (cli/config.py), before or after
    the command's name."""
    return click.option("--env", "env", metavar="NAME", expose_value=False, callback=_remember_env,
                        is_eager=True, help="use [tool.schemadiff.env.NAME] over [tool.schemadiff] "
                                            "(default: $SCHEMADIFF_ENV)")(fn)


@click.group(cls=_Group)
@click.version_option(package_name="schemadiff")
@env_option
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
    return env_option(source_option(data_statements_option(fn)))


def source_option(fn):
    """--source files|replay: stored on the click context, folded into the config by apply_flags()."""
    def remember(ctx, _param, value):
        if value:
            ctx.meta["schemadiff.source"] = value
    return click.option("--source", type=click.Choice(["files", "replay"]), default=None, expose_value=False,
                        callback=remember,
                        help="files: read the schema files in file order; replay: run them in order on a "
                             "throwaway database and read the result (default from [tool.schemadiff] source)")(fn)


def apply_flags(cfg: Config) -> Config:
    """The flags no command spells out (--ignore-data-statements, --source) folded into the config."""
    ctx = click.get_current_context(silent=True)
    cfg.ignore_data_statements = cfg.ignore_data_statements or _ignore_data_flag()
    if ctx and ctx.meta.get("schemadiff.source"):
        cfg.source = ctx.meta["schemadiff.source"]
    return cfg


def data_statements_option(fn):
    """--ignore-data-statements: stored on the click context, read by resolve() (no command spells it out)."""
    def remember(ctx, _param, value):
        if value:
            ctx.meta["schemadiff.ignore_data_statements"] = True
    return click.option("--ignore-data-statements", is_flag=True, expose_value=False, callback=remember,
                        help="skip INSERT/UPDATE/DELETE/SELECT setval(...) in the schema files instead of "
                             "refusing them (default from [tool.schemadiff] ignore_data_statements)")(fn)


def _ignore_data_flag() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("schemadiff.ignore_data_statements"))


def resolve(schema_paths, db_url, exclude, lock_timeout=None, allow_empty=True
            ) -> tuple[Config, list[Path], str, Callable[[QualifiedName], bool]]:
    from ..connect import remember
    cfg = apply_flags(load_config())
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
    ignore = cfg.ignore_data_statements if cfg is not None else _ignore_data_flag()
    declare = None
    if cfg is not None and (cfg.source != "files" or cfg.migrations or cfg.migrations_order != "name"):
        from ..sources import declared_catalog
        source = cfg.source_spec()
        declare = lambda: declared_catalog(paths, source, ignore_data_statements=ignore)  # noqa: E731
    current, desired = load_catalogs(paths, url, lock_timeout=cfg.lock_timeout if cfg else "5s",
                                     ignore_data_statements=ignore, declare=declare,
                                     cache_dir=cfg.cache_dir() if cfg is not None else None)
    return current.filtered(keep), desired.filtered(keep)


def sized(p, url: str, cfg: Config | None = None, rows: bool = True):
    """The plan with the live size of each table its hazards concern, and (`rows`) the steps
    that the live rows will make fail."""
    if not p:
        return p
    from ..introspect.sizes import table_sizes
    from ..plan.live_checks import with_row_checks
    from ..plan.sizes import tables_touched, with_table_sizes
    p = with_table_sizes(p, table_sizes(url, tables_touched(p), cfg.lock_timeout if cfg else "5s"))
    return with_row_checks(p, url) if rows else p


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
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="also write the plan to this file, with fingerprints of the live schema and of the files; "
                   "`schemadiff apply FILE` runs exactly it")
@click.option("--from", "from_source", metavar="SOURCE", default=None,
              help="what the plan starts from: a database URL, a SQL file or directory, or git:REV[:PATH] "
                   "(default: the database)")
@click.option("--to", "to_source", metavar="SOURCE", default=None,
              help="what the plan arrives at, the same kinds (default: the schema files)")
@click.option("--diagram", "diagram_path", metavar="FILE", default=None,
              help="also draw what the plan changes (as `diagram --changes`) to FILE (.svg, .png, .dot); "
                   "--format markdown shows it")
def plan(schema_paths, db_url, exclude, lock_timeout, allow_empty, online, phase, fmt, exit_code, reverse,
         verify, output, from_source, to_source, diagram_path) -> None:
    """Print the DDL that makes the database match the schema files.

    With --from/--to, between any two sources: two databases, two sets of files (no database
    needed), the files of a git revision and those of the working tree, ..."""
    from ..plan import plan_migration
    from ..render.markdown import plan_markdown
    from ..render.text import plan_json, plan_sql
    if from_source or to_source:
        p, cfg, current, desired = _plan_between(from_source, to_source, schema_paths, db_url, exclude,
                                                 lock_timeout, allow_empty, online, phase, reverse, verify, output)
        _draw_plan(diagram_path, p, current, desired, cfg)
        _print_plan(p, fmt, exit_code, "the two schemas match; nothing to do", diagram_path)
        return
    cfg, paths, url, keep = resolve(schema_paths, db_url, exclude, lock_timeout, allow_empty)
    current, desired = load_both(paths, url, keep, cfg)
    live = current
    if reverse:
        current, desired = desired, current
    p = sized(plan_migration(current, desired, plan_options(cfg, online, phase)), url, cfg, rows=not reverse)
    if verify and p and phase is None:
        from ..verify import verify_plan
        verify_plan(url, p, desired, keep, progress=lambda m: click.echo(m, err=True))
    if output is not None:
        from ..connect import describe
        from ..parse.source import find_sql_files
        from ..planfile import write_plan_file
        write_plan_file(output, p, live, find_sql_files(paths), list(cfg.exclude) + list(exclude), describe(url))
        click.echo(f"schemadiff: wrote the plan to {output}; run it with `schemadiff apply {output}`", err=True)
    _draw_plan(diagram_path, p, current, desired, cfg)
    _print_plan(p, fmt, exit_code, diagram=diagram_path)


def _draw_plan(path: str | None, p, current: Catalog, desired: Catalog, cfg: Config) -> None:
    """plan --diagram: the diagram of the plan's own changes."""
    if path is None:
        return
    from .diagram import write_changes_diagram
    changes = list(dict.fromkeys(s.change for s in p.steps if s.change is not None))
    written, _ = write_changes_diagram(current, desired, changes, path, cfg)
    if written is not None:
        click.echo(f"schemadiff: wrote the plan's diagram to {written}", err=True)


def _print_plan(p, fmt: str, exit_code: bool, empty: str = "the database matches the schema; nothing to do",
                diagram: str | None = None) -> None:
    from ..render.markdown import plan_markdown
    from ..render.text import plan_json, plan_sql
    if fmt == "markdown":
        out = plan_markdown(p, diagram=diagram)
    else:
        out = {"json": plan_json}.get(fmt, plan_sql)(p)
    if out:
        click.echo(out, nl=False)
    if not p:
        click.echo(f"schemadiff: {empty}", err=True)
    sys.exit(EXIT_CHANGES if exit_code and p else EXIT_OK)


def sources_of(from_source, to_source, schema_paths, db_url, exclude, lock_timeout, allow_empty):
    """(config, from, to, keep) for --from/--to: the source not given is today's default (the
    database for --from, the schema files for --to); only a database source touches a server."""
    from ..endpoints import Source, parse_source
    if db_url and from_source and to_source:
        raise click.UsageError("--db names the database of a plan; with both --from and --to it has no role")
    cfg = load_config()
    cfg.ignore_data_statements = cfg.ignore_data_statements or _ignore_data_flag()
    if lock_timeout is not None:
        from ..settings import check_duration
        cfg.lock_timeout = check_duration(lock_timeout, "--lock-timeout")
    paths = list(schema_paths) or [cfg.project_dir / p for p in cfg.schema]
    keep = exclusion(list(cfg.exclude) + list(exclude))
    if from_source:
        start = parse_source(from_source, paths)
    else:
        _, _, url, _ = resolve(schema_paths, db_url, (), lock_timeout)
        start = Source("database", url, url=url)
    if to_source:
        end = parse_source(to_source, paths)
    else:
        if not allow_empty:
            from ..parse.source import require_sql_files
            require_sql_files(paths)
        end = Source("files", " ".join(str(p) for p in paths), paths=tuple(paths))
    return cfg, start, end, keep


def load_sources(cfg: Config, start, end, keep):
    from ..endpoints import load_source

    def load(source: Source) -> Catalog:
        return load_source(source, project_dir=cfg.project_dir, lock_timeout=cfg.lock_timeout,
                           ignore_data_statements=cfg.ignore_data_statements).filtered(keep)
    return load(start), load(end)


def _plan_between(from_source, to_source, schema_paths, db_url, exclude, lock_timeout, allow_empty, online, phase,
                  reverse, verify, output):
    from ..plan import plan_migration
    cfg, start, end, keep = sources_of(from_source, to_source, schema_paths, db_url, exclude, lock_timeout,
                                       allow_empty)
    if output is not None and not start.is_database:
        raise click.UsageError("-o writes a plan to apply to a database: --from must be one")
    if verify and not (end if reverse else start).is_database:
        raise click.UsageError("--verify rehearses the plan on a copy of the database it starts from: "
                               "that source must be a database")
    current, desired = load_sources(cfg, start, end, keep)
    live = current
    if reverse:
        current, desired = desired, current
    p = plan_migration(current, desired, plan_options(cfg, online, phase))
    url = (end if reverse else start).url if (end if reverse else start).is_database else None
    if url is not None:
        p = sized(p, url, cfg, rows=not reverse)
    if verify and p and phase is None:
        from ..verify import verify_plan
        assert url is not None  # --verify: the source it starts from is a database (checked above)
        verify_plan(url, p, desired, keep, progress=lambda m: click.echo(m, err=True))
    if output is not None:
        from ..connect import describe
        from ..parse.source import find_sql_files
        from ..planfile import write_plan_file
        files = find_sql_files(list(end.paths)) if end.kind == "files" else []
        write_plan_file(output, p, live, files, list(cfg.exclude) + list(exclude), describe(start.url))
        click.echo(f"schemadiff: wrote the plan to {output}; run it with `schemadiff apply {output}`", err=True)
    return p, cfg, current, desired


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
@click.argument("plan_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
def apply(schema_paths, db_url, exclude, lock_timeout, allow_empty, online, phase, allow_destructive, yes, dry_run,
          verify, lock_retries, plan_file) -> None:
    """Apply the plan in a transaction; stop at the first error.

    With PLAN_FILE (from `schemadiff plan -o`), run exactly that plan, provided the live schema
    is still the one it was made from.  The database's apply lock is held from before the live
    schema is read to the end, every statement runs under lock_timeout, and a statement that
    runs out of it is retried.  Every apply is recorded in schemadiff.history."""
    from contextlib import nullcontext

    from ..apply import apply_plan_on, apply_session
    from ..errors import HazardError
    from ..plan import plan_migration
    from ..render.text import plan_sql
    if plan_file is not None and (schema_paths or online is not None or phase or verify):
        raise click.UsageError("a plan file is applied as it is: --schema, --online, --phase and --verify "
                               "belong to `schemadiff plan -o`")
    cfg, paths, url, keep = resolve(schema_paths, db_url, exclude, lock_timeout,
                                    allow_empty or plan_file is not None)
    if lock_retries is not None:
        cfg.lock_retries = lock_retries
    settings = apply_settings(cfg)
    say = lambda msg: click.echo(msg, err=True)  # noqa: E731
    if plan_file is not None:
        _apply_plan_file(plan_file, cfg, url, settings, allow_destructive, yes, dry_run, say)
        return
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
        if p.failing_steps:
            from ..errors import RowsViolateError
            raise RowsViolateError([(s.sql, h.reason) for s in p.failing_steps for h in s.hazards
                                    if h.kind == "will-fail"])
        if phase is None and (verify or (verify is None and (db_url or database_url(cfg)))):
            from ..verify import verify_plan
            verify_plan(url, p, desired, keep, progress=say)
        if not yes:
            if not sys.stdin.isatty():
                raise click.UsageError("not a terminal: pass --yes to apply without confirmation")
            click.confirm("Apply these statements?", abort=True)
        t0 = time.monotonic()
        assert conn is not None  # only a dry run has none, and it returned above
        apply_plan_on(conn, url, p, settings, progress=say)
    click.echo(f"schemadiff: applied {len(p.steps)} statement(s) in {time.monotonic() - t0:.2f}s", err=True)


def _apply_plan_file(path: Path, cfg: Config, url: str, settings, allow_destructive: bool, yes: bool,
                     dry_run: bool, say) -> None:
    from ..apply import apply_plan_on, apply_session
    from ..errors import HazardError
    from ..introspect.catalog import inspect_database
    from ..planfile import PlanFileError, read_plan_file, schema_fingerprint
    from ..render.text import plan_sql
    pf = read_plan_file(path)
    with apply_session(url, settings, say) as conn:
        fingerprint = schema_fingerprint(inspect_database(url, cfg.lock_timeout).filtered(exclusion(list(pf.exclude))))
        if fingerprint != pf.live_fingerprint:
            raise PlanFileError(f"the database's schema changed since {path} was made ({pf.created_at}, from "
                                f"{pf.source}): its fingerprint was {pf.live_fingerprint[:19]}, it is now "
                                f"{fingerprint[:19]}. The reviewed plan no longer fits: plan again")
        if not pf.plan:
            say("schemadiff: the plan file is empty; nothing to do")
            return
        click.echo(plan_sql(pf.plan), nl=False)
        if dry_run:
            return
        if pf.plan.destructive_steps and not allow_destructive:
            raise HazardError([s.sql for s in pf.plan.destructive_steps], "--allow-destructive")
        if not yes:
            if not sys.stdin.isatty():
                raise click.UsageError("not a terminal: pass --yes to apply without confirmation")
            click.confirm("Apply these statements?", abort=True)
        t0 = time.monotonic()
        apply_plan_on(conn, url, pf.plan, settings, progress=say, live_fingerprint=fingerprint, plan_file=str(path))
    say(f"schemadiff: applied {len(pf.plan.steps)} statement(s) from {path} in {time.monotonic() - t0:.2f}s")


@cli.command()
@env_option
@click.option("--db", "db_url", help="database URL (default: $DATABASE_URL, else the embedded database)")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--statements", "show_statements", is_flag=True, help="list each apply's statements and durations")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history(db_url, limit, show_statements, fmt) -> None:
    """The applies recorded in the database (schemadiff.history), newest first."""
    import json

    from ..connect import connect
    from ..history import read_history
    _, _, url, _ = resolve((), db_url, ())
    with connect(url, lock_timeout=load_config().lock_timeout) as conn:
        entries = read_history(conn, limit)
    if fmt == "json":
        click.echo(json.dumps([{**e.__dict__, "started_at": str(e.started_at), "finished_at": str(e.finished_at),
                                 "seconds": e.seconds} for e in entries], indent=2, default=str))
        return
    if not entries:
        click.echo("no apply recorded in this database")
        return
    for e in entries:
        took = f"{e.seconds:.2f}s" if e.seconds is not None else "-"
        who = f"{e.applied_by}{'@' + e.client if e.client else ''}"
        ok = sum(1 for s in e.statements if s.get("seconds") is not None)
        click.echo(f"#{e.id}  {e.started_at:%Y-%m-%d %H:%M:%S%z}  {took:>8}  {e.outcome:<11}  {who}  "
                   f"{e.application_name or ''}  {ok} statement(s)  plan {e.plan_fingerprint[7:19]}"
                   f"{'  file ' + e.plan_file if e.plan_file else ''}")
        if e.error:
            click.echo(f"    error: {e.error.splitlines()[0]}")
        if show_statements:
            for st in e.statements:
                took = f"{st['seconds']:.3f}s" if st.get("seconds") is not None else "failed"
                click.echo(f"    {took:>9}  {st['sql'].splitlines()[0]}")


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
