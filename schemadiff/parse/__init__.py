"""parse: schema files -> Catalog (pglast)."""
from __future__ import annotations

from pathlib import Path

from ..gcpause import gc_paused
from ..model import Catalog
from . import handlers as _handlers  # noqa: F401 - registers the statement handlers
from . import programs as _programs  # noqa: F401
from . import drops as _drops  # noqa: F401
from . import aggregates as _aggregates  # noqa: F401
from . import carried as _carried  # noqa: F401
from . import publications as _publications  # noqa: F401
from . import renames as _renames  # noqa: F401
from .builder import Builder
from .freeze import freeze
from .source import find_sql_files, parse_statements, read_statements, split_statements


@gc_paused
def load_schema(paths: list[Path] | list[str], *, ignore_data_statements: bool = False) -> Catalog:
    """Read every *.sql file under `paths` into one Catalog.

    INSERT, SELECT setval(...) and other data statements are an error unless
    `ignore_data_statements` (see session.py)."""
    files = find_sql_files([Path(p) for p in paths])
    builder = Builder(ignore_data_statements)
    builder.run(read_statements(files))
    return _with_hints(freeze(builder), builder)


@gc_paused
def catalog_from_sql(text: str, name: str = "<sql>") -> Catalog:
    """One SQL script (the introspector's output, a test's fixture) -> Catalog."""
    builder = Builder()
    builder.run(split_statements(text, name))
    return _with_hints(freeze(builder), builder)


@gc_paused
def catalog_from_statements(statements: list[str], name: str) -> Catalog:
    """Statements that come one by one (the introspector's) -> Catalog, with no splitting pass."""
    builder = Builder()
    builder.run(parse_statements(statements, name))
    return freeze(builder)


def _with_hints(catalog: Catalog, builder: Builder) -> Catalog:
    if not builder.rename_hints:
        return catalog
    from dataclasses import replace

    from .hints import live_hints
    return replace(catalog, rename_hints=live_hints(builder.rename_hints, catalog))


__all__ = ["load_schema", "catalog_from_sql", "catalog_from_statements"]
