"""`schemadiff dump`: write a live database's schema as declarative files to maintain."""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import click

from .main import cli, env_option, resolve


@cli.command()
@env_option
@click.option("--db", "db_url", help="database URL (default: $DATABASE_URL, else the embedded database)")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="directory to write the .sql files to")
@click.option("--layout", type=click.Choice(["schema", "table"]), default="schema", show_default=True,
              help="schema: one file per schema plus extensions.sql, types.sql, functions.sql; "
                   "table: one file per table (schema/table.sql) plus files for schemas, types, functions, views")
@click.option("--exclude", multiple=True, help="leave out objects matching this pattern (schema.name, globs)")
@click.option("--force", is_flag=True, help="replace the .sql files the directory already holds")
@click.option("--source", "source", type=click.Choice(["replay"]), default=None,
              help="replay: dump what the migration folder (--schema, else [tool.schemadiff] schema) gives when "
                   "run on a throwaway database, instead of a database: the move to declarative files")
@click.option("--schema", "schema_paths", multiple=True, type=click.Path(path_type=Path),
              help="with --source replay: the migration folder (repeatable)")
def dump(db_url, out_dir, layout, exclude, force, source, schema_paths) -> None:
    """Write the database's schema as declarative SQL files; `plan` against them then prints nothing."""
    from ..dump import dump_database
    if source is None and schema_paths:
        raise click.UsageError("--schema belongs to --source replay: dump reads a database otherwise")
    if source == "replay":
        if db_url:
            raise click.UsageError("--source replay dumps the replayed migration folder, not --db")
        from ..replay import replayed_database
        from ..sources import schema_files
        from .config import exclusion, load_config
        from .main import apply_flags
        cfg = apply_flags(load_config())
        paths = list(schema_paths) or [cfg.project_dir / p for p in cfg.schema]
        files = schema_files(paths, cfg.source_spec())
        if not files:
            raise click.UsageError(f"no migration file found under {', '.join(map(str, paths))}")
        keep = exclusion(list(cfg.exclude) + list(exclude))
        place: AbstractContextManager[str] = replayed_database(files, cfg.source_spec().setup, cfg.project_dir)
    else:
        _, _, url, keep = resolve((), db_url, exclude)
        place = nullcontext(url)
    with place as url:
        written = dump_database(url, out_dir, layout, keep, force)
    click.echo(f"schemadiff: wrote {len(written)} file(s) to {out_dir}", err=True)
