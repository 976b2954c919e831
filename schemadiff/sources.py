"""Where the declared schema comes from: schema files read in file order, or a migration folder
replayed on a throwaway database (replay.py).

Why one place: every command (plan, check, apply, diagram, docs, lint, dump) needs the declared
catalog, and a migration-based project must get the same one in each, from the same files in
the same order.

Which files, in which order:
- `migrations` (a glob, e.g. "*.up.sql" for golang-migrate, "*/migration.sql" for Prisma,
  "*/up.sql" for diesel) picks the migration files under each schema path; without it every
  *.sql file is taken.
- `migrations_order = "name"` sorts by path; "numeric" sorts by the first number in the
  first part of the path under the schema path (Flyway's `V10__x.sql` too) (a file name `10_x.up.sql`, or a directory
  `10_add_users/` holding the migration), so 2 comes before 10; ties and names without a
  number go by name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import ConfigError, Location, ParseError
from .model import Catalog

SOURCES = ("files", "replay")
ORDERS = ("name", "numeric")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Source:
    kind: str = "files"  # "files": parsed in file order; "replay": run on a throwaway database
    migrations: str | None = None  # glob under each schema path
    order: str = "name"
    setup: tuple[Path, ...] = field(default_factory=tuple)  # replay: run first (the tool's own tables, roles)
    project_dir: Path | None = None  # replay: whose embedded server holds the throwaway database

    def __post_init__(self) -> None:
        if self.kind not in SOURCES:
            raise ConfigError(f"source must be one of {', '.join(SOURCES)}, not {self.kind!r}")
        if self.order not in ORDERS:
            raise ConfigError(f"migrations_order must be one of {', '.join(ORDERS)}, not {self.order!r}")


def schema_files(paths: list[Path], source: Source) -> list[Path]:
    """The files of the schema paths, in the order they take effect."""
    from .parse.source import find_sql_files
    if source.migrations is None and source.order == "name":
        return find_sql_files([Path(p) for p in paths])
    out: list[Path] = []
    for root in (Path(p) for p in paths):
        if root.is_file():
            out.append(root)
            continue
        if not root.is_dir():
            find_sql_files([root])  # the error it gives for a missing path or a dangling link
        found = [f for f in find_sql_files([root])
                 if source.migrations is None or PurePosixPath(f.relative_to(root).as_posix()).match(source.migrations)]
        if not found and source.migrations is not None and find_sql_files([root]):
            # Planning against no files would drop everything: a pattern that matches nothing is an error.
            raise ParseError([(Location(str(root)), f"no file matches migrations = {source.migrations!r} "
                                                    f"(set in [tool.schemadiff])")])
        out.extend(sorted(found, key=lambda f: _order_key(f.relative_to(root), source.order)))
    return out


def _order_key(rel: Path, order: str) -> tuple:
    head = rel.parts[0]
    if order == "numeric":
        m = _NUMBER.search(head)  # 10_x.up.sql, V10__x.sql (Flyway), V0010.x.up.sql
        return (0, int(m.group()), rel.as_posix()) if m else (1, 0, rel.as_posix())
    return (0, 0, rel.as_posix())


def declared_catalog(paths: list[Path], source: Source, *, ignore_data_statements: bool = False) -> Catalog:
    """The catalog the schema paths declare, read the way `source` says."""
    files = schema_files(paths, source)
    if source.kind == "replay":
        if not files:
            shown = ", ".join(str(p) for p in paths) or "(no paths)"
            raise ParseError([(Location(shown), "no migration file found to replay"
                                                + (f" (migrations = {source.migrations!r})" if source.migrations else ""))])
        from .replay import replay_catalog
        return replay_catalog(files, source.setup, source.project_dir)
    from .parse import load_schema
    return load_schema(files, ignore_data_statements=ignore_data_statements)
