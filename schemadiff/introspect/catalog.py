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


def inspect_connection(conn: psycopg.Connection) -> Catalog:
    conn.execute("SET TIME ZONE 'UTC'")
    statements = dump_schema_sql(conn)
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
