"""Schema files -> statements with their file:line:column.

Why the JSON route: pglast's C parser emits JSON ten times faster than it
builds Python AST objects; the builder works on the JSON, and only what a plan
prints is turned into AST objects (model/exprs.py).
"""
from __future__ import annotations

import bisect
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
    """Every *.sql under the given paths (files or directories), sorted, each once."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*.sql") if f.is_file()))
        elif p.is_file():
            found.append(p)
        else:
            raise ParseError([(Location(str(p)), "no such file or directory")])
    seen: set[Path] = set()
    return [f for f in found if not (f.resolve() in seen or seen.add(f.resolve()))]


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
    out = []
    for piece in slices:
        statement = text[piece]
        raw = parser.parse_sql_json(statement)
        line, col = lines.at(piece.start)
        out.append(Statement(_KIND.search(raw).group(1), raw, Location(name, line, col), statement))
    return out


def parse_statements(texts: list[str], name: str) -> list[Statement]:
    """Statements that arrive one by one (the introspector's): parsed each on its own, with no
    splitting pass and no line index, which a file needs and a list of statements does not.

    A text that holds more than one statement is split as a file is.
    """
    where = Location(name)
    out = []
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


def read_statements(files: list[Path]) -> list[Statement]:
    """All statements of all files, in file order; every syntax error is collected."""
    statements: list[Statement] = []
    problems = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((Location(str(f)), f"cannot read: {exc}"))
            continue
        try:
            statements.extend(split_statements(text, str(f)))
        except ParseError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ParseError(problems)
    return statements
