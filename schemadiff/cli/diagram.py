"""`schemadiff diagram`: an ER diagram of the schema files (or of a live database)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .config import Config, exclusion, load_config
from .main import cli, env_option, source_option

if TYPE_CHECKING:  # the model imports pglast: `schemadiff --help` needs neither
    from ..model import Catalog, QualifiedName


def load_catalog(schema_paths, db_url: str | None) -> tuple[Config, Catalog]:
    """The files (default: [tool.schemadiff] schema) or, with --db, the live database; config excludes applied."""
    from .main import apply_flags
    cfg = apply_flags(load_config())
    if db_url:
        from ..introspect.catalog import inspect_database
        catalog = inspect_database(db_url)
    else:
        from ..sources import declared_catalog
        paths = list(schema_paths) or [cfg.project_dir / p for p in cfg.schema]
        catalog = declared_catalog(paths, cfg.source_spec(), ignore_data_statements=cfg.ignore_data_statements)
    if cfg.exclude:
        catalog = catalog.filtered(exclusion(list(cfg.exclude)))
    return cfg, catalog


def table_groups(cfg: Config, catalog: Catalog) -> dict[QualifiedName, str]:
    """`-- group:` markers of the files, overridden by [tool.schemadiff.groups]."""
    from ..diagram import resolve_groups
    return resolve_groups(catalog, cfg.groups)


@cli.command()
@env_option
@source_option
@click.option("--schema", "schema_paths", multiple=True, type=click.Path(path_type=Path),
              help="schema file or directory (repeatable; default from [tool.schemadiff], else ./schema)")
@click.option("--db", "db_url", help="draw this live database instead of the schema files")
@click.option("-o", "--output", required=True,
              help="output file; the format follows the extension: .svg, .png, .pdf or .dot (- : DOT to stdout)")
@click.option("--table", "focus", metavar="NAME", help="draw this table (or view) and its neighbors only")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="with --table: how many foreign key hops to follow")
@click.option("--include", multiple=True, metavar="PATTERN",
              help="draw only tables matching this pattern (schema.name or name, globs; repeatable)")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="leave out tables matching this pattern (repeatable)")
@click.option("--group-by", type=click.Choice(["group", "schema", "none"]), default=None,
              help="clusters: declared groups (default when any), schemas, or none")
@click.option("--title", help="a title above the diagram")
@click.option("--changes", is_flag=True,
              help="draw what a plan changes: the schema it arrives at, with added, dropped and altered tables, "
                   "columns and foreign keys marked, the touched tables and their neighbors only")
@click.option("--from", "from_source", metavar="SOURCE", default=None,
              help="with --changes: where the plan starts (a database URL, SQL files, git:REV[:PATH]; default: "
                   "the database)")
@click.option("--to", "to_source", metavar="SOURCE", default=None,
              help="with --changes: where the plan arrives (default: the schema files)")
def diagram(schema_paths, db_url, output, focus, depth, include, exclude, group_by, title, changes, from_source,
            to_source) -> None:
    """Draw an ER diagram: tables, columns, keys and foreign keys (with crow's-foot cardinality), views."""
    from ..diagram import DiagramOptions, catalog_to_dot, select, write_diagram
    from ..diagram.render import format_of
    if output != "-":
        format_of(output)  # a bad extension fails before any work
    if depth != 1 and not focus:
        raise click.UsageError("--depth needs --table")
    if (from_source or to_source) and not changes:
        raise click.UsageError("--from and --to go with --changes")
    if changes:
        _changes_diagram(schema_paths, db_url, output, from_source, to_source, include, exclude, group_by, title)
        return
    cfg, catalog = load_catalog(schema_paths, db_url)
    options = DiagramOptions(group_by=group_by, groups=table_groups(cfg, catalog), focus=focus, depth=depth,
                             include=tuple(include), exclude=tuple(exclude), title=title)
    text = catalog_to_dot(catalog, options)
    if output == "-":
        sys.stdout.write(text)
        return
    path = write_diagram(text, output)
    names, _ = select(catalog, options)
    click.echo(f"schemadiff: wrote {path} ({len(names)} table(s) and view(s))", err=True)


def _changes_diagram(schema_paths, db_url, output, from_source, to_source, include, exclude, group_by, title) -> None:
    from ..diff import diff_catalogs
    from .main import load_sources, sources_of
    cfg, start, end, keep = sources_of(from_source, to_source, schema_paths, db_url, (), None, True)
    current, desired = load_sources(cfg, start, end, keep)
    path, marks = write_changes_diagram(current, desired, diff_catalogs(current, desired), output, cfg,
                                        include=tuple(include), exclude=tuple(exclude), group_by=group_by,
                                        title=title)
    if path is not None:
        counts = {m: sum(1 for v in marks.relations.values() if v == m) for m in ("added", "dropped", "altered")}
        click.echo(f"schemadiff: wrote {path} ({counts['added']} added, {counts['dropped']} dropped, "
                   f"{counts['altered']} altered table(s) and view(s))", err=True)


def write_changes_diagram(current: Catalog, desired: Catalog, changes, output: str, cfg: Config, **options):
    """The diagram of `changes` (diagram/changes.py) to `output` ('-': DOT on stdout)."""
    from ..diagram import DiagramOptions, write_diagram
    from ..diagram.changes import changed_diagram
    opts = DiagramOptions(groups=table_groups(cfg, desired), **options)
    text, marks = changed_diagram(current, desired, list(changes), opts)
    if output == "-":
        sys.stdout.write(text)
        return None, marks
    return write_diagram(text, output), marks
