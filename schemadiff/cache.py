"""A content-addressed cache of parsed catalogs under `.schemadiff/cache/`.

Why: parsing is most of a plan's time on a big schema (about 4 s per side at 10,000 tables),
and from one plan to the next the files and the live schema's statements rarely change.
Both sides are cached, each under the SHA-256 of what it was parsed from: the files side
under every file's path and bytes (and ignore_data_statements), the live side under the
statements introspection wrote. The key also holds schemadiff's version, a fingerprint of its
own source files (size and mtime of each, so that an edited checkout never reads a catalog an
older parser made), pglast's and Python's versions. A changed input is a new key: an entry
is never stale, only unused, and the oldest beyond `KEEP` are removed.

Why safe: an entry is written to a temporary file and renamed into place (two runs at once
each write whole files; the last rename wins, and both wrote the same bytes), and it starts
with a header holding its own key: a torn, foreign or corrupt entry fails the header or the
unpickling and is treated as a miss. Nothing the cache does can fail a plan: any error
reading or writing it is a miss.

Why pickle, and who may write there: the entries are pickles, so the directory must be as
private as the project (it is made mode 700, as `.schemadiff/pgdata` is); loading a pickle
someone else wrote runs their code.

Why written at the end of a command (`writes_deferred`, around every CLI command): pickling a
catalog holds a memo entry for each of its objects (17.6 MB for a 1,000-table catalog, so about
180 MB at 10,000); written between the parse and the diff, that memory comes on top of the
diff's. Written once the plan is out, it reuses what the diff and plan freed, and the user reads
the plan first.

Off with `cache = false` in [tool.schemadiff] or SCHEMADIFF_CACHE=0 in the environment.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:  # the model imports pglast; the CLI enters writes_deferred for --help too
    from .model import Catalog

FORMAT = b"schemadiff-catalog-cache 1\n"
KEEP = 16  # entries kept: two per schema and database pair, for a few of them


def cache_enabled(configured: bool = True) -> bool:
    """The config's `cache` key, unless SCHEMADIFF_CACHE turns it off (0, false, off, no)."""
    flag = os.environ.get("SCHEMADIFF_CACHE", "").strip().lower()
    return configured and flag not in ("0", "false", "off", "no")


_CODE_FINGERPRINT: bytes | None = None


def _code_fingerprint() -> bytes:
    """schemadiff's version and the size and mtime of each of its source files, pglast's and
    Python's versions: a catalog is only reused by the code that made it."""
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is None:
        import pglast
        h = hashlib.sha256()
        h.update(f"{pglast.__version__}|{sys.version}|".encode())
        root = Path(__file__).resolve().parent
        for dirpath, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py") or name.endswith(".sql"):
                    st = os.stat(os.path.join(dirpath, name))
                    h.update(f"{os.path.relpath(os.path.join(dirpath, name), root)}|{st.st_size}|"
                             f"{st.st_mtime_ns}\n".encode())
        try:
            from importlib.metadata import version
            h.update(version("schemadiff").encode())
        except Exception:  # not installed: the source fingerprint is enough
            pass
        _CODE_FINGERPRINT = h.digest()
    return _CODE_FINGERPRINT


def files_key(files: list[Path], *, ignore_data_statements: bool) -> str | None:
    """The key of the catalog these files parse to; None when one cannot be read (the parse will
    say why)."""
    h = hashlib.sha256(FORMAT + _code_fingerprint() + b"files\0" + bytes([ignore_data_statements]))
    try:
        for f in files:
            data = Path(f).read_bytes()
            h.update(f"\0{f}\0{len(data)}\0".encode())
            h.update(data)
    except OSError:
        return None
    return h.hexdigest()


def statements_key(statements: list[str]) -> str:
    """The key of the catalog the live side's statements parse to."""
    h = hashlib.sha256(FORMAT + _code_fingerprint() + b"statements\0")
    for s in statements:
        data = s.encode()
        h.update(f"\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


class CatalogCache:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / f"{key}.catalog"

    def get(self, key: str) -> Catalog | None:
        header = FORMAT + key.encode() + b"\n"
        try:
            with open(self._path(key), "rb") as f:
                if f.read(len(header)) != header:
                    return None
                # Streamed from the file, frame by frame: never the whole pickle in memory beside
                # the catalog it makes (50 MB at 10,000 tables).
                catalog = pickle.load(f)
        except Exception:  # missing, torn or corrupt: a miss
            return None
        from .model import Catalog
        if not isinstance(catalog, Catalog):
            return None
        try:
            os.utime(self._path(key))  # recently used: pruned last
        except OSError:
            pass
        return catalog

    def put(self, key: str, catalog: Catalog) -> None:
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".catalog")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(FORMAT + key.encode() + b"\n")
                    # Streamed to the file (pickle frames of 64 KB), not built whole in memory first.
                    pickle.dump(catalog, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self._path(key))
            except BaseException:
                os.unlink(tmp)
                raise
            self._prune()
        except Exception:  # a cache that cannot be written is no cache, never an error
            return

    def _prune(self) -> None:
        entries = []
        for p in self.root.glob("*.catalog"):
            try:
                entries.append((p.stat().st_mtime_ns, p))
            except OSError:
                continue
        for _, p in sorted(entries, reverse=True)[KEEP:]:
            try:
                p.unlink()
            except OSError:
                pass

    def through(self, key: str | None, make: Callable[[], Catalog]) -> Catalog:
        """The cached catalog under `key`, else `make()`'s, stored under it."""
        if key is None:
            return make()
        catalog = self.get(key)
        if catalog is None:
            catalog = make()
            if _pending is not None:
                _pending.append((self, key, catalog))
            else:
                self.put(key, catalog)
        return catalog


def cached(cache: CatalogCache | None, key: Callable[[], str | None], make: Callable[[], Catalog]) -> Catalog:
    """`make()`, through `cache` when there is one (the key is only computed then)."""
    return make() if cache is None else cache.through(key(), make)


_pending: list | None = None


@contextmanager
def writes_deferred() -> Iterator[None]:
    """Cache entries made inside are written when it ends, error or not (the catalogs are
    right either way), unless it ends by an interrupt: the user wants out, not a cache."""
    global _pending
    outer, _pending = _pending, []
    interrupted = False
    try:
        yield
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        pending, _pending = _pending, outer
        if not interrupted:
            for cache, key, catalog in pending:
                cache.put(key, catalog)
