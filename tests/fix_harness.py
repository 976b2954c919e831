"""The shared conformance harness (../shared/tools/converge.py) and script loading, for the
tests that judge schemadiff by the harness's own catalog fingerprint rather than by its own eyes.

Kept in one module so that test modules import fixtures, not each other's private helpers.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import pglast
import psycopg
import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
TOOLS = SHARED / "tools"


@functools.cache
def harness():
    """converge.py of the shared conformance harness, or None when it is not checked out."""
    if not (TOOLS / "converge.py").is_file():
        return None
    sys.path.insert(0, str(TOOLS))
    import converge  # noqa: PLC0415 - lives outside the repository

    return converge


def harness_or_skip():
    found = harness()
    if found is None:
        pytest.skip(f"the conformance harness is not checked out next to the repository ({TOOLS})")
    return found


def load_script(conn: psycopg.Connection, sql: str) -> None:
    """Run a script; statement by statement only if it cannot run as one
    (CREATE INDEX CONCURRENTLY refuses the implicit transaction)."""
    if not sql.strip():
        return
    try:
        conn.execute(sql)
    except psycopg.errors.ActiveSqlTransaction:
        for stmt in pglast.split(sql):
            conn.execute(stmt)


def load_dump(conn: psycopg.Connection, statements: list[str]) -> None:
    """Load the introspector's statements; on failure, name the statement that does not load."""
    conn.execute("SET search_path = public")
    try:
        conn.execute("\n".join(statements))
    except psycopg.Error:
        for stmt in statements:
            try:
                conn.execute(stmt)
            except psycopg.Error as exc:
                raise AssertionError(f"dumped statement does not load: {stmt}\n{exc}") from exc
        raise


def fingerprint_without_acl(dsn: str) -> dict[str, list[str]]:
    """The harness's fingerprint without owners and privileges (the dump writes neither for
    the reading role's objects)."""
    fp = harness_or_skip().fingerprint(dsn)
    fp.pop("acl", None)
    return fp
