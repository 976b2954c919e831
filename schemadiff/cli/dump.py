"""`schemadiff dump`: write a live database's schema as declarative files to maintain."""
from __future__ import annotations

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
def dump(db_url, out_dir, layout, exclude, force) -> None:
    """Write the database's schema as declarative SQL files; `plan` against them then prints nothing."""
    from ..dump import dump_database
    _, _, url, keep = resolve((), db_url, exclude)
    written = dump_database(url, out_dir, layout, keep, force)
    click.echo(f"schemadiff: wrote {len(written)} file(s) to {out_dir}", err=True)
