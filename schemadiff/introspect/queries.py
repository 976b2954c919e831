"""Catalog queries of the introspector: one query per object kind, never one per object.

Why batched: a database with 10,000 tables must be read in seconds, so each
query returns every object of its kind at once and Python joins the rows.

Every query runs with `search_path = public`, so the pg_get_*def functions,
format_type and regclass print public names bare and all other names
qualified; the names of the objects being declared are quoted here with the
server's own quote_ident (it knows the server's keyword list) and always carry
their schema.  Sorting happens in Python on the raw names, so that the order
does not depend on the database's collation.

The queries use only columns that exist in PostgreSQL 14 to 18; where a
catalog differs between versions (attstattarget became nullable in 17,
attgenerated 'v' and contype 'n' are new in 18) the SQL is written to read
both shapes.
"""
from __future__ import annotations


def _qualified(nsp: str, name: str) -> str:
    return f"quote_ident({nsp}.nspname) || '.' || quote_ident({name})"


def _not_extension_member(catalog: str, oid: str) -> str:
    """Objects created by CREATE EXTENSION belong to the extension, not to the schema."""
    return (f"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass"
            f" AND e.objid = {oid} AND e.objsubid = 0 AND e.deptype = 'e')")


_USER_NAMESPACE = f"""n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_)'
  AND {_not_extension_member('pg_namespace', 'n.oid')}"""

# A user table: kind r or p, in a user schema, not part of an extension.
_USER_TABLE = f"""c.relkind IN ('r', 'p') AND {_USER_NAMESPACE}
  AND {_not_extension_member('pg_class', 'c.oid')}"""


SERVER_VERSION_NUM = "SELECT current_setting('server_version_num')::int"

SCHEMAS = f"""
SELECT n.nspname AS name, quote_ident(n.nspname) AS ident
FROM pg_namespace n
WHERE {_USER_NAMESPACE}
"""

# `requires`: the extensions this one was created after (CREATE EXTENSION
# records them as normal dependencies), so that they can be created first.
EXTENSIONS = """
SELECT x.oid, x.extname AS name, quote_ident(x.extname) AS ident,
       quote_ident(n.nspname) AS schema_ident, quote_literal(x.extversion) AS version_literal,
       ARRAY(SELECT d.refobjid FROM pg_depend d
             WHERE d.classid = 'pg_extension'::regclass AND d.objid = x.oid
               AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'n') AS requires
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'
"""

ENUMS = f"""
SELECT n.nspname AS schema, t.typname AS name, {_qualified('n', 't.typname')} AS ident,
       ARRAY(SELECT quote_literal(e.enumlabel) FROM pg_enum e
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND {_USER_NAMESPACE} AND {_not_extension_member('pg_type', 't.oid')}
"""

# Every sequence, identity sequences included: their options go into the
# identity clause of their column.  owner_kind is 'a' (OWNED BY, e.g. serial)
# or 'i' (identity), owner_* name the owning column.
SEQUENCES = f"""
SELECT c.oid, n.nspname AS schema, c.relname AS name, {_qualified('n', 'c.relname')} AS ident,
       c.relpersistence AS persistence, format_type(s.seqtypid, NULL) AS type_name,
       s.seqincrement AS increment, s.seqmin AS minvalue, s.seqmax AS maxvalue,
       s.seqstart AS start, s.seqcache AS cache, s.seqcycle AS cycle,
       d.deptype AS owner_kind, d.refobjid AS owner_table, d.refobjsubid AS owner_attnum,
       {_qualified('tn', 't.relname')} || '.' || quote_ident(a.attname) AS owner_column_ident
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.objsubid = 0
     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE {_USER_NAMESPACE} AND {_not_extension_member('pg_class', 'c.oid')}
"""

# Tables and partitions with what the CREATE TABLE needs, plus the table-level
# settings that are emitted as ALTER TABLE after the indexes (replica
# identity, clustering index, row security).
TABLES = f"""
SELECT c.oid, n.nspname AS schema, c.relname AS name, {_qualified('n', 'c.relname')} AS ident,
       c.relkind AS kind, c.relpersistence AS persistence, c.relispartition AS is_partition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       ARRAY(SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid
             ORDER BY i.inhseqno) AS parents,
       c.reloptions AS options, tc.reloptions AS toast_options,
       CASE WHEN c.relam <> 0 AND am.amname <> 'heap' THEN quote_ident(am.amname) END AS access_method,
       c.relreplident AS replica_identity,
       (SELECT quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_index,
       (SELECT quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisclustered) AS cluster_index,
       c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
LEFT JOIN pg_am am ON am.oid = c.relam
WHERE {_USER_TABLE}
"""

# Columns of all tables (ordered in Python: a server-side sort of 100,000
# wide rows spills to disk).  collation_ident is set only when the
# column's collation is not its type's; storage only when it is not the
# type's default.
COLUMNS = f"""
SELECT a.attrelid AS table_oid, a.attnum, a.attname AS name, quote_ident(a.attname) AS ident,
       format_type(a.atttypid, a.atttypmod) AS type_name,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
            (SELECT CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace THEN quote_ident(co.collname)
                         ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
             FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
             WHERE co.oid = a.attcollation) END AS collation_ident,
       a.attnotnull AS not_null, a.attidentity AS identity, a.attgenerated AS generated,
       pg_get_expr(d.adbin, d.adrelid) AS expr,
       a.attislocal AS is_local, a.attinhcount AS inherited_count,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS storage,
       a.attcompression AS compression, a.attoptions AS options,
       coalesce(a.attstattarget::int, -1) AS statistics, nn.conname AS not_null_name,
       quote_ident(nn.conname) AS not_null_ident
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND {_USER_TABLE}
"""

# Constraints of user tables, including the copies a parent's constraint put
# on children (conislocal false, or conparentid set on partitions): keys.py
# decides which of them the parent's statement recreates.  'n' (PostgreSQL 18
# NOT NULL) is the column's NOT NULL; 't' (constraint triggers) is not part of
# a table.  pg_get_constraintdef leaves out the index's storage parameters,
# so they are read here.
CONSTRAINTS = f"""
SELECT con.oid, con.conrelid AS table_oid, con.conname AS name, quote_ident(con.conname) AS ident,
       con.contype AS kind, pg_get_constraintdef(con.oid) AS definition,
       con.conislocal AS is_local, con.coninhcount AS inherited_count, con.connoinherit AS no_inherit,
       con.convalidated AS validated, con.conparentid AS parent_oid,
       CASE WHEN con.contype IN ('p', 'u', 'x') THEN con.conindid END AS index_oid,
       CASE WHEN con.contype IN ('p', 'u', 'x') THEN ic.reloptions END AS index_options,
       CASE WHEN con.contype = 'x' THEN pg_get_expr(ix.indpred, ix.indrelid) END AS index_predicate
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class ic ON ic.oid = con.conindid
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid
WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND {_USER_TABLE}
"""

# Every index of a user table, with the index it is a partition of and the
# constraint it backs; the definition only where the index is not a
# constraint's (the constraint's definition creates it).  For partition
# indexes, the index's column names: the server names the indexes it makes
# on partitions after them, which tells its names from the user's.
INDEXES = f"""
SELECT i.indexrelid AS oid, i.indrelid AS table_oid, ic.relname AS name, quote_ident(ic.relname) AS ident,
       {_qualified('n', 'ic.relname')} AS qualified_ident, c.oid::regclass::text AS table_text,
       c.relname AS table_name, i.indisvalid AS valid, h.inhparent AS parent_oid,
       k.oid AS constraint_oid, k.contype AS constraint_kind, k.conparentid AS constraint_parent_oid,
       CASE WHEN k.oid IS NULL THEN pg_get_indexdef(i.indexrelid) END AS definition,
       CASE WHEN h.inhparent IS NOT NULL THEN
            ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indexrelid
                  ORDER BY a.attnum) END AS column_names
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits h ON h.inhrelid = i.indexrelid
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')
WHERE {_USER_TABLE}
"""

# Comments, one branch per commented kind; `rank` orders the kinds, the
# remaining sort keys order objects within a kind.  Two comments are defaults
# of a fresh database rather than schema: the public schema's and the one
# an extension's control file sets.
COMMENTS = f"""
SELECT 0 AS rank, n.nspname AS k1, '' AS k2, 0 AS k3, '' AS k4,
       'SCHEMA ' || quote_ident(n.nspname) AS target, quote_literal(d.description) AS text
FROM pg_description d JOIN pg_namespace n ON n.oid = d.objoid
WHERE d.classoid = 'pg_namespace'::regclass AND {_USER_NAMESPACE}
  AND NOT (n.nspname = 'public' AND d.description = 'standard public schema')
UNION ALL
SELECT 1, x.extname, '', 0, '', 'EXTENSION ' || quote_ident(x.extname), quote_literal(d.description)
FROM pg_description d JOIN pg_extension x ON x.oid = d.objoid
WHERE d.classoid = 'pg_extension'::regclass
  AND d.description IS DISTINCT FROM (SELECT ae.comment FROM pg_available_extensions ae WHERE ae.name = x.extname)
UNION ALL
SELECT 2, n.nspname, t.typname, 0, '', 'TYPE ' || {_qualified('n', 't.typname')}, quote_literal(d.description)
FROM pg_description d JOIN pg_type t ON t.oid = d.objoid JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE d.classoid = 'pg_type'::regclass AND t.typtype = 'e' AND {_USER_NAMESPACE}
  AND {_not_extension_member('pg_type', 't.oid')}
UNION ALL
SELECT 3, n.nspname, c.relname, 0, '', 'SEQUENCE ' || {_qualified('n', 'c.relname')}, quote_literal(d.description)
FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_class'::regclass AND c.relkind = 'S' AND {_USER_NAMESPACE}
  AND {_not_extension_member('pg_class', 'c.oid')}
UNION ALL
SELECT 4, n.nspname, c.relname, d.objsubid, '',
       CASE WHEN d.objsubid = 0 THEN 'TABLE ' || {_qualified('n', 'c.relname')}
            ELSE 'COLUMN ' || {_qualified('n', 'c.relname')} || '.' || quote_ident(a.attname) END,
       quote_literal(d.description)
FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
WHERE d.classoid = 'pg_class'::regclass AND {_USER_TABLE}
  AND (d.objsubid = 0 OR (a.attnum IS NOT NULL AND NOT a.attisdropped))
UNION ALL
SELECT 5, n.nspname, c.relname, 0, con.conname,
       'CONSTRAINT ' || quote_ident(con.conname) || ' ON ' || {_qualified('n', 'c.relname')},
       quote_literal(d.description)
FROM pg_description d JOIN pg_constraint con ON con.oid = d.objoid
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_constraint'::regclass AND con.contype NOT IN ('n', 't') AND {_USER_TABLE}
UNION ALL
SELECT 6, n.nspname, c.relname, 0, ic.relname, 'INDEX ' || {_qualified('n', 'ic.relname')},
       quote_literal(d.description)
FROM pg_description d JOIN pg_index i ON i.indexrelid = d.objoid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND {_USER_TABLE}
"""
