"""Live database -> Catalog: the catalog's own DDL text, read by the same parser as the files.

Why through text: one parser and one set of normalization rules serve both
sides, so a schema loaded from the files always compares equal to itself.
"""
from __future__ import annotations

from dataclasses import replace

import psycopg

from ..errors import IntrospectError, ParseError
from ..model import Catalog
from ..parse import catalog_from_sql
from .inspector import dump_schema_sql, server_version_num
from .programs import program_statements


def live_schema_sql(conn: psycopg.Connection) -> list[str]:
    """The live schema as declarative statements (tables family, then programmable objects)."""
    conn.execute("SET TIME ZONE 'UTC'")
    return dump_schema_sql(conn) + program_statements(conn, server_version_num(conn))


def inspect_connection(conn: psycopg.Connection) -> Catalog:
    statements = live_schema_sql(conn)
    version = server_version_num(conn)
    try:
        catalog = catalog_from_sql("\n".join(statements), "database")
    except ParseError as exc:
        raise IntrospectError(f"could not read the live schema: {exc}") from None
    return replace(catalog, server_version=version)



def inspect_database(dsn: str) -> Catalog:
    from ..connect import connect
    with connect(dsn) as conn:
        return inspect_connection(conn)
