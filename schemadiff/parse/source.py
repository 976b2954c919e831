"""Schema files -> statements with their file:line:column.

Why the JSON route: pglast's C parser emits JSON ten times faster than it
builds Python AST objects; the builder works on the JSON, and only what a plan
prints is turned into AST objects (model/exprs.py).
"""
from __future__ import annotations

import bisect
import errno
import os
import re
from pathlib import Path

import orjson
from pglast import parser

from ..errors import Location, ParseError
from ..model.values import value


@value
class Statement:
    """One statement of a file. Its parse tree is kept as the parser's JSON text and decoded
    each time `body` is read: a 10,000-table schema's trees as Python dicts would take most of a
    gigabyte, while each is needed only while its statement is handled."""

    kind: str  # pglast node name, e.g. "CreateStmt"
    raw: str  # the parser's JSON for this statement alone
    location: Location
    text: str  # the statement's source text
    hints: tuple = ()  # its rename hint comments (parse/hints.py)

    @property
    def body(self) -> dict:
        """A fresh decoded copy of the node: callers may keep or change it."""
        return orjson.loads(self.raw)["stmts"][0]["stmt"][self.kind]

    def mentions(self, key: str) -> bool:
        """Whether the node has a field `key`, without decoding it."""
        return f'"{key}":' in self.raw


class _LineIndex:
    def __init__(self, text: str):
        self.starts = [0]
        self.starts.extend(m.end() for m in _NEWLINE.finditer(text))

    def at(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


_NEWLINE = re.compile("\n")
_KIND = re.compile(r'"stmt":\{"(\w+)"')


def find_sql_files(paths: list[Path]) -> list[Path]:
    """Every *.sql under the given paths (files or directories), sorted, each once.

    Symlinked directories are followed (a schema folder assembled from links is common),
    each real directory once, so a link loop ends; a dangling link is an error, never a
    silently missing file (what it pointed to would be planned as dropped).
    """
    found: list[Path] = []
    problems: list[tuple[Location, str]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(_walk(p, problems))
        elif p.is_file():
            found.append(p)
        elif p.is_symlink():
            problems.append((Location(str(p)), f"dangling symbolic link (to {os.readlink(p)})"))
        else:
            problems.append((Location(str(p)), "no such file or directory"))
    if problems:
        raise ParseError(problems)
    seen: set[Path] = set()
    unique = []
    for f in found:
        if (real := f.resolve()) not in seen:
            seen.add(real)
            unique.append(f)
    return unique


def _walk(top: Path, problems: list[tuple[Location, str]]) -> list[Path]:
    out: list[Path] = []
    visited: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in visited:  # a link back up the tree: seen already
            dirs[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        dirs.sort()
        for name in files:
            if not name.endswith(".sql") or name.startswith(".#"):  # .#x.sql: an editor's lock link
                continue
            f = Path(root, name)
            if f.is_file():
                out.append(f)
            elif f.is_symlink():
                target = os.readlink(f)
                what = "symbolic link loop" if os.path.lexists(f) and not f.exists() and _loops(f) else \
                    f"dangling symbolic link (to {target})"
                problems.append((Location(str(f)), what))
    return sorted(out)


def _loops(link: Path) -> bool:
    try:
        link.resolve(strict=True)
    except RuntimeError:
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def require_sql_files(paths: list[Path]) -> list[Path]:
    """The schema files, or an error when there are none: planning against no files means
    dropping every object, which is never what a missing or misnamed folder meant."""
    files = find_sql_files(paths)
    if not files:
        shown = ", ".join(str(p) for p in paths) or "(no paths)"
        raise ParseError([(Location(shown), "no .sql file found: the plan would drop every object; pass "
                                            "--allow-empty if that is what you want")])
    return files


def split_statements(text: str, name: str) -> list[Statement]:
    """Parse one file; a syntax error is raised as ParseError with file:line:column."""
    try:
        slices = parser.split(text, with_parser=True, only_slices=True)
    except parser.ParseError as exc:
        message, offset = exc.args[0], exc.args[1] if len(exc.args) > 1 else None
        # The parser gives no position for "syntax error at end of input": the end it is.
        line, col = _LineIndex(text).at(len(text) if offset is None else offset)
        raise ParseError([(Location(name, line, col), message)]) from None
    lines = _LineIndex(text)
    from .hints import hint_comments
    hints = hint_comments(text, name, slices)
    out = []
    for piece, hinted in zip(slices, hints):
        statement = text[piece]
        raw = parser.parse_sql_json(statement)
        line, col = lines.at(piece.start)
        kind = _KIND.search(raw)
        assert kind is not None  # the splitter yields no empty statement: each slice holds one
        out.append(Statement(kind.group(1), raw, Location(name, line, col), statement, hinted))
    return out


def parse_statements(texts: list[str], name: str) -> list[Statement]:
    """Statements that arrive one by one (the introspector's): parsed each on its own, with no
    splitting pass and no line index, which a file needs and a list of statements does not.

    A text that holds more than one statement is split as a file is.
    """
    where = Location(name)
    out: list[Statement] = []
    for text in texts:
        try:
            raw = parser.parse_sql_json(text)
        except parser.ParseError as exc:
            raise ParseError([(where, f"{exc.args[0]} in: {_excerpt(text)}")]) from None
        kinds = _KIND.findall(raw)
        if len(kinds) != 1:
            out.extend(split_statements(text, name) if kinds else ())
            continue
        out.append(Statement(kinds[0], raw, where, text))
    return out


def _excerpt(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + " ..."


def read_source(f: Path) -> str:
    """A schema file's text: UTF-8, its byte-order mark dropped; a NUL byte or undecodable
    bytes are errors with their line (the parser would stop at a NUL, and everything after
    it would be planned as dropped)."""
    try:
        data = f.read_bytes()
    except OSError as exc:
        raise ParseError([(Location(str(f)), f"cannot read: {exc.strerror or exc}")]) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        column = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        raise ParseError([(Location(str(f), line, column), "NUL byte in the file: is it a binary or a UTF-16 "
                                                           "file? schema files are UTF-8 text")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError([(Location(str(f), line, column), f"not UTF-8 text (byte 0x{data[exc.start]:02x}): "
                                                           f"schema files are UTF-8")]) from None


def read_statements(files: list[Path]) -> list[Statement]:
    """All statements of all files, in file order; every syntax error is collected."""
    statements: list[Statement] = []
    problems = []
    for f in files:
        try:
            text = read_source(f)
        except ParseError as exc:
            problems.extend(exc.problems)
            continue
        try:
            statements.extend(split_statements(text, str(f)))
        except ParseError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ParseError(problems)
    return statements
