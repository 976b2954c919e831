"""Schema files -> statements with their file:line:column.

Why the JSON route: pglast's C parser emits JSON ten times faster than it
builds Python AST objects; the builder works on the JSON, and only what a plan
prints is turned into AST objects (model/exprs.py).
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path

from pglast import parser

from ..errors import Location, ParseError


@dataclass(frozen=True, slots=True)
class Statement:
    kind: str  # pglast node name, e.g. "CreateStmt"
    body: dict  # the node's JSON
    location: Location
    text: str  # the statement's source text


class _LineIndex:
    def __init__(self, data: bytes):
        self.starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
        self.data = data

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        start = self.starts[line - 1]
        return line, len(self.data[start:offset].decode("utf-8", errors="replace")) + 1


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
        parsed = json.loads(parser.parse_sql_json(text))
    except parser.ParseError as exc:
        message, char_offset = exc.args[0], exc.args[1] if len(exc.args) > 1 else 0
        offset = len(text[:char_offset].encode())
        line, col = _LineIndex(text.encode()).at(offset)
        raise ParseError([(Location(name, line, col), message)]) from None
    data = text.encode()
    lines = _LineIndex(data)
    out = []
    for raw in parsed.get("stmts", ()):
        start = raw.get("stmt_location", 0)
        length = raw.get("stmt_len") or (len(data) - start)
        chunk = data[start:start + length]
        # The statement starts after leading whitespace and comments.
        stripped = chunk.decode("utf-8", errors="replace")
        lead = len(stripped) - len(stripped.lstrip())
        line, col = lines.at(start + len(stripped[:lead].encode()))
        (kind, body), = raw["stmt"].items()
        out.append(Statement(kind, body, Location(name, line, col), stripped.strip()))
    return out


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
