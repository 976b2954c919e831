"""`schemadiff lint`: schema rules on the files (or --db), plan rules on the migration plan (--plan)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .main import EXIT_CHANGES, EXIT_OK, cli, env_option, source_option, resolve


@cli.command()
@env_option
@source_option
@click.option("--schema", "schema_paths", multiple=True, type=click.Path(path_type=Path),
              help="schema file or directory (repeatable; default from [tool.schemadiff], else ./schema)")
@click.option("--db", "db_url", help="lint this database's schema instead of the files; with --plan, the "
                                     "database the plan starts from (default: $DATABASE_URL, else embedded)")
@click.option("--exclude", multiple=True, help="leave out objects matching this pattern (schema.name, globs)")
@click.option("--plan", "with_plan", is_flag=True,
              help="also lint the plan from the database to the files: its hazards, weighed by table size")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="exit 1 when a finding is at least this severe (default from [tool.schemadiff.lint], "
                   "else warning)")
@click.option("--enable", multiple=True, help="run this opt-in rule too (repeatable)")
@click.option("--disable", multiple=True, help="do not run this rule (repeatable)")
@click.option("--list-rules", is_flag=True, help="list the rules and exit")
def lint(schema_paths, db_url, exclude, with_plan, fmt, fail_on, enable, disable, list_rules) -> None:
    """Check the schema (and, with --plan, the migration) and explain each finding with its fix.

    Exit 0 when no finding reaches --fail-on, 1 when one does, 2 on errors.
    """
    from ..lint import RULES, lint_catalog, lint_config
    from ..lint.output import findings_github, findings_json, findings_text, summary
    if list_rules:
        for r in sorted(RULES.values(), key=lambda r: (r.target, r.id)):
            flag = ", opt-in" if r.opt_in else ""
            click.echo(f"{r.id:48} {r.target:6} {r.severity}{flag}: {r.summary}")
        return
    cfg, paths, url, keep = _resolve(schema_paths, db_url, exclude, needs_db=with_plan)
    config = lint_config(cfg.lint, disable=disable, enable=enable, fail_on=fail_on,
                         where=f"{cfg.project_dir / 'pyproject.toml'}: [tool.schemadiff.lint]")
    from ..parse import load_schema
    if db_url and not with_plan:
        from ..introspect.catalog import inspect_database
        catalog = inspect_database(db_url).filtered(keep)
    else:
        from ..sources import declared_catalog
        catalog = declared_catalog(paths, cfg.source_spec(),
                                   ignore_data_statements=cfg.ignore_data_statements).filtered(keep)
    findings = lint_catalog(catalog, config)
    if with_plan:
        findings += _plan_findings(cfg, catalog, url, keep, config)
    failed = [f for f in findings if config.fail_on != "never" and f.at_least(config.fail_on)]
    if fmt == "json":
        click.echo(findings_json(findings, config.fail_on), nl=False)
    elif fmt == "github":
        click.echo(findings_github(findings), nl=False)
    else:
        click.echo(findings_text(findings), nl=False)
    click.echo(f"schemadiff: {summary(findings)}"
               + (f"; {len(failed)} at or above {config.fail_on}" if failed else ""), err=True)
    sys.exit(EXIT_CHANGES if failed else EXIT_OK)


def _resolve(schema_paths, db_url, exclude, needs_db: bool):
    if db_url or needs_db:
        return resolve(schema_paths, db_url, exclude)
    # Files only: no database, not even the embedded one.
    from .config import exclusion, load_config
    from .main import apply_flags
    cfg = apply_flags(load_config())
    paths = list(schema_paths) or [cfg.project_dir / p for p in cfg.schema]
    return cfg, paths, None, exclusion(list(cfg.exclude) + list(exclude))


def _plan_findings(cfg, desired, url: str, keep, config):
    from ..introspect.catalog import inspect_database
    from ..lint import PlanContext, lint_plan, table_sizes, tables_of
    from ..plan import plan_migration
    from .main import plan_options
    current = inspect_database(url).filtered(keep)
    from ..plan.live_checks import with_row_checks
    plan = with_row_checks(plan_migration(current, desired, plan_options(cfg, None)), url)
    touched = {t for s in plan.steps if s.change is not None for t in tables_of(s.change) if t in current.tables}
    sizes = table_sizes(url, touched)
    context = PlanContext(plan, sizes, config.big_table_rows, config.big_table_bytes, desired)
    return lint_plan(context, config)
