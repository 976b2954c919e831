"""Both catalogs of a plan, read at the same time.

Why: on a big schema, parsing the files and reading the live database each take seconds,
and neither needs the other. The server answers the catalog queries while a thread waits
for it and the files are parsed here, so a plan costs about the longer of the two sides
rather than their sum.

Why no second process: parsing the files in a forked child was tried. Its catalog had to
come back pickled (51 MB at 10,000 tables, 1.9 s to dump and as long to load), which cost
more than the overlap saved once a parse's working set fit in memory next to the other
side's (778 MB at 10,000 tables for the whole plan, threads only).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .gcpause import gc_paused
from .model import Catalog


@gc_paused
def load_catalogs(paths: list[Path], dsn: str) -> tuple[Catalog, Catalog]:
    """(live, declared)."""
    from .introspect.catalog import live_catalog, read_database
    from .parse import load_schema
    from .parse.source import find_sql_files

    files = find_sql_files([Path(p) for p in paths])
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="introspect") as pool:
        live = pool.submit(read_database, dsn)
        try:
            desired = load_schema(files)
        except BaseException:
            live.cancel()
            raise
        return live_catalog(live.result()), desired
