"""Both catalogs of a plan, read at the same time.

Why: on a big schema, parsing the files and reading the live database each take seconds,
and neither needs the other. While the files are parsed here, the live schema is read
elsewhere, so a plan costs about the longer of the two sides rather than their sum.

Why a process for big schemas: reading the live schema is not only waiting on the server.
Turning 200,000 catalog rows into DDL text is Python work too, and a thread doing it holds
the interpreter lock against the parse of the files: at 10,000 tables the two took 10.4 s
side by side in one process against 6.4 s for the parse alone. A process of its own does
it on the other core, and what it sends back is only text (the statements, 14 MB at
10,000 tables), which crosses the pipe in a fraction of a second. Parsing is never moved
out: a parsed catalog pickles slowly (51 MB, about 2 s each way at 10,000 tables).

Why a command (`python -m schemadiff.introspect.child`) and not multiprocessing: see
introspect/child.py.

Why a thread for small ones: a new interpreter takes a few tenths of a second to start,
more than the whole read of a small schema.
"""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .errors import IntrospectError, SchemaDiffError
from .gcpause import gc_paused
from .model import Catalog

# Schema files of this many bytes or more read the live side in a process: where the two ways
# broke even on the benchmark schemas (1,600 tables; at 1,000 the thread was 0.2 s faster, at
# 3,000 the process 0.7 s).
PROCESS_THRESHOLD = 1_500_000


@gc_paused
def load_catalogs(paths: list[Path], dsn: str, *, process_threshold: int = PROCESS_THRESHOLD,
                  lock_timeout: str | None = "5s", ignore_data_statements: bool = False,
                  declare=None, cache_dir: Path | None = None) -> tuple[Catalog, Catalog]:
    """(live, declared); the live side's lock waits are bounded by `lock_timeout`. `declare`, when
    given, makes the declared catalog instead of parsing the files (sources.py: replay, migration
    order). With `cache_dir`, each side's parse goes through the catalog cache there (cache.py)."""
    from .cache import CatalogCache, cached, files_key
    from .introspect.catalog import live_catalog
    from .parse import load_schema
    from .parse.source import find_sql_files

    files = find_sql_files([Path(p) for p in paths])
    # No interpreter to start (an embedded Python has no sys.executable): a thread it is.
    in_process = bool(sys.executable) and sum(f.stat().st_size for f in files) >= process_threshold
    reader = _ProcessReader(dsn, lock_timeout) if in_process else _ThreadReader(dsn, lock_timeout)
    cache = CatalogCache(cache_dir) if cache_dir is not None else None
    try:
        desired = declare() if declare is not None else cached(
            cache, lambda: files_key(files, ignore_data_statements=ignore_data_statements),
            lambda: load_schema(files, ignore_data_statements=ignore_data_statements))
    except BaseException:
        reader.cancel()
        raise
    return live_catalog(reader.result(), cache=cache), desired


class _ThreadReader:
    def __init__(self, dsn: str, lock_timeout: str | None):
        from .introspect.catalog import read_database
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="introspect")
        self._future = self._pool.submit(read_database, dsn, lock_timeout)

    def result(self):
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def cancel(self) -> None:
        self._future.cancel()
        self._pool.shutdown(wait=False)


class _ProcessReader:
    """read_database in a fresh interpreter (schemadiff/introspect/child.py), answering once
    through a pipe."""

    def __init__(self, dsn: str, lock_timeout: str | None):
        package_root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
        self._process = subprocess.Popen([sys.executable, "-m", "schemadiff.introspect.child"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert self._process.stdin is not None and self._process.stdout is not None  # both PIPE
        self._process.stdin.write(json.dumps({"dsn": dsn, "lock_timeout": lock_timeout}).encode())
        self._process.stdin.close()

    def result(self):
        with self._process:
            assert self._process.stdout is not None  # PIPE (__init__)
            answer = self._process.stdout.read()
        try:
            ok, value = pickle.loads(answer)
        except Exception:  # it died before answering: no answer, or half of one
            raise IntrospectError(f"the process reading the live schema ended without an answer "
                                  f"(exit code {self._process.returncode})") from None
        if ok:
            return value
        if isinstance(value, SchemaDiffError):
            raise value
        raise RuntimeError(f"reading the live schema failed in its process:\n{value}")

    def cancel(self) -> None:
        self._process.kill()
        self._process.wait()
        assert self._process.stdout is not None  # PIPE (__init__)
        self._process.stdout.close()
