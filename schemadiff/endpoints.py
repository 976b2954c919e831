"""Where a plan's two sides come from (--from/--to): a database URL, SQL files, or the SQL files of a git revision.

    postgresql://app@db/app        a live database (introspected)
    schema/ or schema.sql          files and directories of SQL (parsed)
    git:main  git:v1.2:db/schema   the files at a git revision (by default the configured
                                   schema paths), read with `git archive`, parsed

Why one parser for every file source: a plan from files to files (main against a pull
request's branch) needs no database, and it compares like with like: both sides are read by
the same parser with the same normalization as a plan against a live database, whose catalog
is itself DDL text read by that parser (introspect/catalog.py).
"""
from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import SchemaDiffError
from .model import Catalog

_URL_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://", "postgresql+psycopg2://")


class SourceError(SchemaDiffError):
    """A --from/--to source that is none of the kinds, or that cannot be read (a bad git revision)."""


@dataclass(frozen=True)
class Source:
    kind: str  # "database" | "files" | "git"
    text: str  # as given
    url: str | None = None
    paths: tuple[Path, ...] = ()
    rev: str | None = None

    @property
    def is_database(self) -> bool:
        return self.kind == "database"

    def __str__(self) -> str:
        if self.kind == "database":
            from .connect import describe
            assert self.url is not None  # a database source is made with its URL
            return describe(self.url)
        return self.text


def parse_source(text: str, default_paths: list[Path]) -> Source:
    """What a --from/--to value names; `default_paths` are the schema paths a bare git:REV means."""
    if text.startswith("git:"):
        rev, _, under = text[4:].partition(":")
        if not rev:
            raise SourceError(f"{text!r}: name a revision, as in git:main or git:HEAD~1:db/schema")
        return Source("git", text, rev=rev, paths=(Path(under),) if under else tuple(default_paths))
    if text.startswith(_URL_PREFIXES) or ("=" in text and ("dbname" in text or "host" in text)):
        return Source("database", text, url=text)
    path = Path(text)
    if path.exists():
        return Source("files", text, paths=(path,))
    raise SourceError(f"{text!r} is not a database URL (postgresql://...), an existing SQL file or directory, "
                      f"or git:REV[:PATH]")


def load_source(source: Source, *, project_dir: Path, lock_timeout: str | None = "5s",
                ignore_data_statements: bool = False) -> Catalog:
    if source.is_database:
        from .connect import remember
        from .introspect.catalog import inspect_database
        assert source.url is not None  # a database source is made with its URL
        remember(source.url)
        return inspect_database(source.url, lock_timeout)
    from .parse import load_schema
    from .parse.source import require_sql_files
    if source.kind == "files":
        require_sql_files(list(source.paths))
        return load_schema(list(source.paths), ignore_data_statements=ignore_data_statements)
    assert source.rev is not None  # a git source is made with its revision (parse_source)
    with tempfile.TemporaryDirectory(prefix="schemadiff-git-") as tmp:
        paths = checkout_files(source.rev, list(source.paths), project_dir, Path(tmp))
        try:
            return load_schema(paths, ignore_data_statements=ignore_data_statements)
        except SchemaDiffError as exc:  # name the revision, not the temporary directory
            raise SourceError(str(exc).replace(tmp + "/", f"{source.rev}:")) from None


def checkout_files(rev: str, paths: list[Path], project_dir: Path, into: Path) -> list[Path]:
    """The files under `paths` (relative to `project_dir`) as they are at `rev`, written under `into`."""
    top = _git(["rev-parse", "--show-toplevel"], project_dir).decode().strip()
    root = Path(top).resolve()
    specs = []
    for p in paths:
        full = (project_dir / p).resolve() if not p.is_absolute() else p.resolve()
        try:
            specs.append(str(full.relative_to(root)) or ".")
        except ValueError:
            raise SourceError(f"{p} is outside the git repository at {root}") from None
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root,
         f"git:{rev}: no such revision in {root}")
    data = _git(["archive", "--format=tar", rev, "--", *specs], root,
                f"git:{rev}: {', '.join(specs)} not found at that revision")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    out = [into / s for s in specs]
    from .parse.source import require_sql_files
    require_sql_files(out)
    return out


def _git(args: list[str], cwd: Path, failure: str | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise SourceError("`git` not found on PATH: it is needed to read git:REV sources") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise SourceError(failure or (f"git {args[0]} failed in {cwd}: {reason[-1] if reason else ''}"))
    return done.stdout
