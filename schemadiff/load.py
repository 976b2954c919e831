"""Both catalogs of a plan, read at the same time.

Why: on a big schema, parsing the files and reading the live database each take seconds,
and neither needs the other. The server answers the catalog queries while a thread waits
for it, and on Linux the files are parsed in a forked process, so that a plan costs about
the longer of the two sides rather than their sum.

Measured at 10,000 tables on 2 cores: threads alone (files parsed here while the server
answers) load both sides in 13.6 s but peak at 1.17 GB, since both parses' working sets meet
in one process; the fork takes 15.7 s (the parsed catalog is pickled and sent back: 53 MB,
3.5 s at both ends) and keeps each process's peak apart, about 0.8 GB. The fork is kept: the
memory is the harder limit on a developer laptop or a CI runner.
"""
from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .errors import SchemaDiffError
from .gcpause import gc_paused
from .model import Catalog

# Below this much SQL, a second process costs more than it saves.
_FORK_ABOVE_BYTES = 2_000_000


@gc_paused  # unpickling the parsed catalog allocates as much as parsing it did
def load_catalogs(paths: list[Path], dsn: str) -> tuple[Catalog, Catalog]:
    """(live, declared)."""
    from .introspect.catalog import live_catalog, read_database
    from .parse import load_schema
    from .parse.source import find_sql_files

    files = find_sql_files([Path(p) for p in paths])
    declared = _ForkedParse(files) if _fork_pays(files) else None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="introspect") as pool:
        live = pool.submit(read_database, dsn)
        try:
            desired = declared.result() if declared else load_schema(files)
        except BaseException:
            live.cancel()
            raise
        return live_catalog(live.result()), desired


def _fork_pays(files: list[Path]) -> bool:
    if not sys.platform.startswith("linux"):
        return False  # fork is the only start method that needs no re-import; elsewhere, stay serial
    return sum(f.stat().st_size for f in files) > _FORK_ABOVE_BYTES


class _ForkedParse:
    """load_schema(files) in a forked child; the result (or the error) comes back pickled.

    Forked before any thread or connection exists, so the child inherits neither."""

    def __init__(self, files: list[Path]):
        ctx = multiprocessing.get_context("fork")
        self._receive, send = ctx.Pipe(duplex=False)
        self._child = ctx.Process(target=_parse_in_child, args=(files, send), daemon=True)
        self._child.start()
        send.close()

    def result(self) -> Catalog:
        try:
            kind, value = self._receive.recv()
        except EOFError:
            self._child.join()
            raise SchemaDiffError(f"the schema parser process died (exit code {self._child.exitcode})") from None
        finally:
            self._receive.close()
        self._child.join()
        if kind == "error":
            raise _revive(*value)
        if kind == "crash":
            raise RuntimeError(f"parsing the schema files failed in a child process:\n{value}")
        return value


def _parse_in_child(files: list[Path], send) -> None:
    from .parse import load_schema
    try:
        send.send(("ok", load_schema(files)))
    except SchemaDiffError as exc:
        # Our errors take their own constructor arguments; ship the message and state instead.
        send.send(("error", (type(exc), str(exc), exc.__dict__)))
    except BaseException:
        import traceback
        send.send(("crash", traceback.format_exc()))
    finally:
        send.close()


def _revive(cls: type, message: str, state: dict) -> Exception:
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.__dict__.update(state)
    return exc
