"""Live database -> Catalog: the catalog's own DDL text, read by the same parser as the files.

Why through text: one parser and one set of normalization rules serve both
sides, so a schema loaded from the files always compares equal to itself.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import psycopg

from ..connect import scalar
from ..errors import IntrospectError, ParseError
from ..gcpause import gc_paused
from ..model import Catalog, QualifiedName
from ..parse import catalog_from_statements
from .inspector import dump_schema_sql, server_version_num
from .programs import program_queries


def live_schema_sql(conn: psycopg.Connection) -> list[str]:
    """The live schema as declarative statements (tables family, then programmable objects)."""
    conn.execute("SET TIME ZONE 'UTC'")
    return dump_schema_sql(conn, program_queries(server_version_num(conn)))


@dataclass(frozen=True)
class LiveSchema:
    """What introspection reads from the server, before any parsing: the schema as statements."""
    statements: list[str]
    server_version: int
    current_user: str
    invalid_indexes: frozenset[QualifiedName] = frozenset()
    extension_comments: tuple[tuple[str, str], ...] = ()
    default_opclasses: frozenset[tuple[str, str, str]] = frozenset()
    # (schema, name, owner table schema, owner table, owner column, last value or None).
    sequence_positions: tuple[tuple, ...] = ()
    extension_types: tuple[tuple[str, str, str], ...] = ()  # (schema, type, extension)
    extension_default_versions: tuple[tuple[str, str], ...] = ()  # (name, default_version)


def read_live_schema(conn: psycopg.Connection) -> LiveSchema:
    """The catalog queries and the DDL text they become: mostly waiting on the server, so it can
    run in a thread while the schema files are parsed."""
    statements = live_schema_sql(conn)
    user = scalar(conn, "SELECT current_user")
    invalid = frozenset(QualifiedName(schema, name) for schema, name in conn.execute(_INVALID_INDEXES))
    available = conn.execute(_AVAILABLE_EXTENSIONS).fetchall()
    comments = tuple(sorted((name, comment) for name, comment, _ in available if comment is not None))
    defaults = tuple(sorted((name, version) for name, _, version in available if version is not None))
    opclasses = frozenset(tuple(row) for row in conn.execute(_DEFAULT_OPCLASSES))
    positions = tuple(tuple(row) for row in conn.execute(_SEQUENCE_POSITIONS))
    ext_types = tuple(tuple(row) for row in conn.execute(_EXTENSION_TYPES))
    return LiveSchema(statements, server_version_num(conn), user, invalid, comments, opclasses, positions,
                      ext_types, defaults)


# Plain indexes only: a partitioned table's index is invalid on purpose while its partitions'
# indexes are being attached, and the DDL text says so (CREATE INDEX ... ON ONLY).
_INVALID_INDEXES = """
SELECT n.nspname, c.relname
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid AND c.relkind = 'i'
  -- An index some session is building CONCURRENTLY is invalid until the build ends: it is not
  -- a failed build, and dropping it would break that session's build (deadlock detected).
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)
"""

# The comment and the version CREATE EXTENSION gives each extension the server has (its control
# file's), installed or not: a file that restates them, or says nothing, asks for what the server
# does anyway.
_AVAILABLE_EXTENSIONS = """
SELECT name, comment, default_version FROM pg_catalog.pg_available_extensions
"""

# Default operator classes outside pg_catalog (extensions'): pg_get_indexdef leaves them out.
_DEFAULT_OPCLASSES = """
SELECT am.amname, n.nspname, o.opcname
FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_am am ON am.oid = o.opcmethod
JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace
WHERE o.opcdefault AND n.nspname <> 'pg_catalog'
"""

# Where each sequence stands, for a change of bounds that leaves its value outside (the plan
# restarts it): the value pg_sequences shows, NULL when it never handed one out.  Sequences the
# role may not read are left out (their position is unknown).
_SEQUENCE_POSITIONS = """
SELECT n.nspname, c.relname, tn.nspname, t.relname, a.attname, pg_catalog.pg_sequence_last_value(c.oid)
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
     AND d.objsubid = 0 AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'i'
LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE c.relkind = 'S'
  AND CASE WHEN c.relkind = 'S' THEN pg_catalog.has_sequence_privilege(c.oid, 'SELECT,USAGE') END
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
"""

# Types that belong to an extension (citext, hstore): a column of one must change type, or go,
# before DROP EXTENSION (graph.type_dependency).
_EXTENSION_TYPES = """
SELECT n.nspname, t.typname, e.extname
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
JOIN pg_catalog.pg_type t ON t.oid = d.objid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
  AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'
"""


def _positions(rows: tuple[tuple, ...]) -> dict[object, int | None]:
    out: dict[object, int | None] = {}
    for schema, name, table_schema, table, column, value in rows:
        out[QualifiedName(schema, name)] = value
        if column is not None:
            out[(QualifiedName(table_schema, table), column)] = value
    return out


@gc_paused
def live_catalog(live: LiveSchema, cache=None) -> Catalog:
    """The live schema's catalog; its statements' parse goes through `cache` (a
    schemadiff.cache.CatalogCache) when given."""
    from ..cache import cached, statements_key
    try:
        catalog = cached(cache, lambda: statements_key(live.statements),
                         lambda: catalog_from_statements(live.statements, "database"))
    except ParseError as exc:
        raise IntrospectError(f"could not read the live schema: {exc}") from None
    # schemadiff's own bookkeeping (schemadiff.data_steps) is never part of a user's schema.
    catalog = catalog.filtered(lambda qn: qn.schema != "schemadiff")
    schemas = {k: v for k, v in catalog.schemas.items() if k != "schemadiff"}
    # ALTER DEFAULT PRIVILEGES without FOR ROLE is for the role that runs it: the one connected.
    defaults = frozenset(dp if dp.role != live.current_user else replace(dp, role=None)
                         for dp in catalog.default_privileges)
    return replace(catalog, schemas=schemas, default_privileges=defaults, server_version=live.server_version,
                   invalid_indexes=live.invalid_indexes, default_owner=live.current_user,
                   extension_comments=dict(live.extension_comments), default_opclasses=live.default_opclasses,
                   extension_default_versions=dict(live.extension_default_versions),
                   sequence_positions=_positions(live.sequence_positions),
                   extension_types={QualifiedName(schema, name): ext for schema, name, ext in live.extension_types})


def inspect_connection(conn: psycopg.Connection) -> Catalog:
    return live_catalog(read_live_schema(conn))


READ_LOCK_TIMEOUT = "5s"


def read_database(dsn: str, lock_timeout: str | None = READ_LOCK_TIMEOUT) -> LiveSchema:
    """The live schema, read with every lock wait bounded by `lock_timeout`.

    Why bounded: some catalog functions (pg_get_viewdef, pg_get_indexdef, ...) lock the
    relation they describe, and a session holding ACCESS EXCLUSIVE on one (a migration
    waiting on something, a forgotten transaction) would make plan and check wait forever.
    When the bound runs out, the error names the session that holds the lock.
    """
    from ..locks import bounded_read
    return bounded_read(dsn, lock_timeout, "cannot read the live schema", read_live_schema)


def inspect_database(dsn: str, lock_timeout: str | None = READ_LOCK_TIMEOUT) -> Catalog:
    return live_catalog(read_database(dsn, lock_timeout))
