"""`schemadiff docs`: a Markdown documentation site with diagrams; `--check` for CI."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .diagram import load_catalog, table_groups
from .main import EXIT_CHANGES, EXIT_OK, cli, env_option, source_option


@cli.command()
@env_option
@source_option
@click.option("--schema", "schema_paths", multiple=True, type=click.Path(path_type=Path),
              help="schema file or directory (repeatable; default from [tool.schemadiff], else ./schema)")
@click.option("--db", "db_url", help="document this live database instead of the schema files")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="output directory (works as an mkdocs docs_dir)")
@click.option("--check", is_flag=True, help="write nothing; exit 1 when the files in the directory are stale")
@click.option("--title", default="Schema", show_default=True, help="title of the index page")
def docs(schema_paths, db_url, out_dir, check, title) -> None:
    """Generate Markdown docs: an index with the whole diagram, a page per table, view, function and type."""
    from ..docs import build_site, check_site, write_site
    cfg, catalog = load_catalog(schema_paths, db_url)
    site = build_site(catalog, table_groups(cfg, catalog), title=title)
    if check:
        stale = check_site(site, out_dir)
        if stale:
            click.echo(f"docs in {out_dir} are stale: {len(stale)} file(s) differ from the schema; "
                       f"run `schemadiff docs -o {out_dir}`:")
            for d in stale:
                click.echo(f"  {d}")
            sys.exit(EXIT_CHANGES)
        click.echo(f"docs in {out_dir} are up to date ({len(site.paths())} files)")
        sys.exit(EXIT_OK)
    changes = write_site(site, out_dir)
    for d in changes:
        verb = "deleted" if d.reason == "no longer generated" else "wrote"
        click.echo(f"  {verb} {d.path}", err=True)
    click.echo(f"schemadiff: {len(changes)} file(s) updated in {out_dir} ({len(site.paths())} files)", err=True)
