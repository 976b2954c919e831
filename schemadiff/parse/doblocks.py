"""DO blocks: the DDL statements of a block that only runs DDL are read as if written in place.

Why: schema files and dumps wrap DDL in DO blocks to make it tolerant (`EXCEPTION WHEN
duplicate_object THEN NULL`, `WHEN OTHERS THEN RAISE NOTICE` for an optional extension) or
idempotent (`IF NOT EXISTS (SELECT 1 FROM pg_type WHERE ...) THEN CREATE TYPE ...`). What such a
block declares is the DDL inside it. The rule, read with pglast's PL/pgSQL parser:

- the block's statements are SQL statements without variables (CREATE, ALTER, COMMENT, ...), nested
  BEGIN ... END blocks, NULL, and RAISE of a notice or warning;
- an EXCEPTION section may only RAISE a notice or warning, or do nothing;
- `IF [NOT] EXISTS (SELECT ... FROM pg_catalog ...) THEN <those statements> END IF` with no ELSE is
  the create-if-missing idiom: its statements are taken as declared.

Anything else (variables, loops, EXECUTE of built strings, data statements, conditions on other
data) is logic that cannot be read statically: an error names the block's file:line.
"""
from __future__ import annotations

import re

import orjson
from pglast import parser

from ..errors import Location, ParseError
from .source import Statement, parse_statements

_CATALOG_TABLE = re.compile(r"\b(pg_catalog\s*\.|pg_\w+|information_schema\s*\.)", re.I)
_NOTICE_LEVELS = {18, 19}  # NOTICE, WARNING (elog.h); EXCEPTION (21) makes the block fail
_DO_NOT_READ = "DO block with logic schemadiff cannot read statically"


class _NotPlain(Exception):
    pass


def statements_of_do(stmt: Statement) -> list[Statement]:
    """The DDL statements of a plain DO block, each located at its line in the file."""
    body = stmt.body
    language = "plpgsql"
    code = None
    for arg in body.get("args", ()):
        elem = arg.get("DefElem", {})
        value = elem.get("arg", {}).get("String", {}).get("sval")
        if elem.get("defname") == "as":
            code = value
        elif elem.get("defname") == "language":
            language = value
    if language != "plpgsql" or code is None:
        raise ParseError([(stmt.location, f"unsupported statement: DO ({_DO_NOT_READ}: language {language})")])
    try:
        tree = orjson.loads(parser.parse_plpgsql_json(
            f"CREATE FUNCTION do_block() RETURNS void LANGUAGE plpgsql AS $do_block${code}$do_block$"))
        action = tree[0]["PLpgSQL_function"]["action"]["PLpgSQL_stmt_block"]
        queries: list[tuple[int, str]] = []
        _block(action, queries)
    except _NotPlain as exc:
        raise ParseError([(stmt.location, f"unsupported statement: DO ({_DO_NOT_READ}: {exc})")]) from None
    except Exception as exc:  # the PL/pgSQL parser's own complaint
        raise ParseError([(stmt.location, f"DO block: {exc}")]) from None
    first_line = stmt.location.line or 1
    # The body starts after `DO $$`: count the lines before it in the statement's text.
    offset = stmt.text.find(code)
    body_line = first_line + stmt.text[:offset].count("\n") if offset >= 0 else first_line
    out: list[Statement] = []
    for lineno, query in queries:
        where = Location(stmt.location.file, body_line + max(lineno, 1) - 1, 1)
        for s in parse_statements([query], stmt.location.file):
            out.append(Statement(s.kind, s.raw, where, s.text))
    from .session import DATA_KINDS
    for s in out:
        if s.kind in DATA_KINDS or s.kind == "DoStmt":
            raise ParseError([(s.location, f"unsupported statement: DO ({_DO_NOT_READ}: "
                                           f"{s.kind.removesuffix('Stmt').upper()} inside)")])
    return out


def _block(block: dict, out: list[tuple[int, str]]) -> None:
    for s in block.get("body", ()):
        _statement(s, out)
    handlers = (block.get("exceptions") or {}).get("PLpgSQL_exception_block", {}).get("exc_list", ())
    for h in handlers:
        for s in h.get("PLpgSQL_exception", {}).get("action", ()):
            kind, body = next(iter(s.items()))
            if not (kind == "PLpgSQL_stmt_raise" and body.get("elog_level") in _NOTICE_LEVELS) \
                    and kind != "PLpgSQL_stmt_null":
                raise _NotPlain("an exception handler that does more than RAISE NOTICE or NULL")


def _statement(s: dict, out: list[tuple[int, str]]) -> None:
    kind, body = next(iter(s.items()))
    if kind == "PLpgSQL_stmt_execsql":
        if body.get("into"):
            raise _NotPlain("SELECT ... INTO")
        out.append((body.get("lineno", 1), body["sqlstmt"]["PLpgSQL_expr"]["query"]))
    elif kind == "PLpgSQL_stmt_block":
        _block(body, out)
    elif kind in ("PLpgSQL_stmt_null", "PLpgSQL_stmt_return") or (
            kind == "PLpgSQL_stmt_raise" and body.get("elog_level") in _NOTICE_LEVELS):
        return
    elif kind == "PLpgSQL_stmt_if":
        cond = body.get("cond", {}).get("PLpgSQL_expr", {}).get("query", "")
        if body.get("else_body") or body.get("elsif_list") or not _is_catalog_check(cond):
            raise _NotPlain(f"IF {' '.join(cond.split())[:60]}")
        for t in body.get("then_body", ()):
            _statement(t, out)
    else:
        name = kind.removeprefix("PLpgSQL_stmt_")
        raise _NotPlain(_KIND_NAMES.get(name, name.upper()))


_KIND_NAMES = {"fori": "FOR loop", "fors": "FOR loop", "forc": "FOR loop", "foreach_a": "FOREACH loop",
               "loop": "LOOP", "while": "WHILE loop", "assign": "assignment", "dynexecute": "EXECUTE of a string",
               "dynfors": "FOR loop over EXECUTE", "perform": "PERFORM", "call": "CALL", "case": "CASE",
               "return_query": "RETURN QUERY", "getdiag": "GET DIAGNOSTICS"}


def _is_catalog_check(cond: str) -> bool:
    """`[NOT] EXISTS (SELECT ... FROM pg_catalog...)`: whether an object exists, the create-if-missing idiom."""
    text = " ".join(cond.split())
    return bool(re.match(r"(NOT\s+)?EXISTS\s*\(\s*SELECT\b", text, re.I)) and bool(_CATALOG_TABLE.search(text))
