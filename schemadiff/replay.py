"""Replay: a migration folder's schema is what running it gives.

Why: a migration folder holds what no static reading can follow — DO blocks with loops over the
catalog, DDL that depends on the rows, data fixes between two ALTERs. Running the files, in
order, on a throwaway database and reading the result with the introspector gives the schema
the folder means, whatever it contains; everything downstream sees an ordinary Catalog.

Where: $SCHEMADIFF_SCRATCH_URL (an admin URL of a server where databases may be created and
dropped: another major version, a server with the extensions the project needs), else an
embedded server started for this run. Each statement runs on its own in autocommit, as psql
and most migration tools run a file, so CREATE INDEX CONCURRENTLY and the files' own
BEGIN/COMMIT work. A role the files grant to or hand objects to is created (NOLOGIN) when the
server does not have it. A failing statement is an error naming its file and line.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg
from psycopg import sql

from .embedded import drop_database, scratch_database, start_owned_server
from .errors import Location, ParseError
from .model import Catalog

_server = None
_MISSING_ROLE = re.compile(r'role "([^"]+)" does not exist')
# PostgreSQL 16+ says "is not available"; 15 "could not open extension control file".
_NO_EXTENSION = re.compile(r'extension "[^"]+" is not available|could not open extension control file')


def scratch_admin(project_dir: Path | None = None) -> str:
    """$SCHEMADIFF_SCRATCH_URL; else the project's embedded server (.schemadiff/pgdata, which
    plan and check start anyway: one server start, not two); else a server for this run."""
    global _server
    if os.environ.get("SCHEMADIFF_SCRATCH_URL"):
        return os.environ["SCHEMADIFF_SCRATCH_URL"]
    if project_dir is not None:
        from .embedded import start_server
        return start_server(Path(project_dir) / ".schemadiff" / "pgdata").get_uri("postgres")
    if _server is None:
        _server = start_owned_server("schemadiff-replay-")
    return _server.get_uri("postgres")


@contextmanager
def replayed_database(files: list[Path], setup: tuple[Path, ...] = (),
                      project_dir: Path | None = None) -> Iterator[str]:
    """The DSN of a throwaway database the files have been run on, dropped afterwards."""
    admin = scratch_admin(project_dir)
    name, dsn = scratch_database(admin)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for f in [*setup, *files]:
                run_file(conn, admin, f)
        yield dsn
    finally:
        drop_database(admin, name)


def replay_catalog(files: list[Path], setup: tuple[Path, ...] = (), project_dir: Path | None = None) -> Catalog:
    from .introspect.catalog import inspect_database
    with replayed_database(files, setup, project_dir) as dsn:
        return inspect_database(dsn)


def run_file(conn: psycopg.Connection, admin: str, f: Path) -> None:
    from .parse.source import read_source, split_statements
    for stmt in split_statements(read_source(f), str(f)):
        _run(conn, admin, stmt.text, stmt.location)
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.execute("ROLLBACK")  # a file that left a transaction open: as a migration tool would, none kept
        raise ParseError([(Location(str(f)), "the file leaves a transaction open (BEGIN without COMMIT)")])


def _run(conn: psycopg.Connection, admin: str, text: str, where: Location) -> None:
    created: set[str] = set()
    while True:
        try:
            conn.execute(text, prepare=False)
            return
        except psycopg.errors.UndefinedObject as exc:
            role = _MISSING_ROLE.search(str(exc))
            if role is None or role.group(1) in created:
                raise _failed(conn, text, where, exc) from None
            created.add(role.group(1))
            with psycopg.connect(admin, autocommit=True) as admin_conn:
                admin_conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role.group(1))))
        except psycopg.Error as exc:
            raise _failed(conn, text, where, exc) from None


def _failed(conn: psycopg.Connection, text: str, where: Location, exc: psycopg.Error) -> ParseError:
    """The server's message at the statement's file:line (the line of the error's position within
    the statement when the server gives one)."""
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
        conn.execute("ROLLBACK")
    message = (exc.diag.message_primary or str(exc)).strip()
    if _NO_EXTENSION.search(message):
        # The files are fine; the throwaway server is not the one they are written for.
        where_from = ("$SCHEMADIFF_SCRATCH_URL's server" if os.environ.get("SCHEMADIFF_SCRATCH_URL")
                      else "the embedded server")
        message += (f" on {where_from} (PostgreSQL {conn.info.server_version // 10000}): replay on a server that "
                    f"has it by setting $SCHEMADIFF_SCRATCH_URL to an admin URL of that server")
    line, col = where.line, where.column
    position = exc.diag.statement_position
    if position and position.isdigit() and line:
        before = text[:int(position) - 1]
        if "\n" in before:
            line, col = line + before.count("\n"), len(before) - before.rindex("\n")
    return ParseError([(Location(where.file, line, col), f"replay failed: {message}")])
