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
    # schemadiff's own bookkeeping (schemadiff.data_steps) is never part of a user's schema.
    catalog = catalog.filtered(lambda qn: qn.schema != "schemadiff")
    schemas = {k: v for k, v in catalog.schemas.items() if k != "schemadiff"}
    # ALTER DEFAULT PRIVILEGES without FOR ROLE is for the role that runs it: the one connected.
    user = conn.execute("SELECT current_user").fetchone()[0]
    defaults = {dp if dp.role != user else replace(dp, role=None) for dp in catalog.default_privileges}
    return replace(catalog, schemas=schemas, default_privileges=defaults, server_version=version)


def inspect_database(dsn: str) -> Catalog:
    from ..connect import connect
    with connect(dsn) as conn:
        return inspect_connection(conn)
