"""Operator classes of index columns, resolved to the pg_opclass they name.

Why: one operator class has several spellings.  A file says `public.gin_trgm_ops`
(pg_dump qualifies everything) or `gin_trgm_ops` (found through its search_path);
pg_get_indexdef, read with search_path = public, prints it bare.  Both are the
same pg_opclass, so each side is resolved the way the server resolves the name:
a qualified name is what it says (pg_catalog's are written bare), a bare one is
pg_catalog's when pg_catalog has an operator class of that name for the index's
access method (pg_catalog is searched first), and otherwise it lives in a schema
of the search_path: the first one where the files create an extension (operator
classes that are not built in come from extensions), else the first one.

The resolved name is what plans print: qualified, unless it is pg_catalog's (a
default operator class is dropped altogether, see model/exprs.py).
"""
from __future__ import annotations

# pg_catalog's operator classes per access method (the same on PostgreSQL 14 to 18).
_BUILTIN = {
    "btree": """array_ops bit_ops bool_ops bpchar_ops bpchar_pattern_ops bytea_ops char_ops cidr_ops date_ops
        enum_ops float4_ops float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops macaddr8_ops
        macaddr_ops money_ops multirange_ops name_ops numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops
        record_image_ops record_ops text_ops text_pattern_ops tid_ops time_ops timestamp_ops timestamptz_ops
        timetz_ops tsquery_ops tsvector_ops uuid_ops varbit_ops varchar_ops varchar_pattern_ops xid8_ops""",
    "hash": """aclitem_ops array_ops bool_ops bpchar_ops bpchar_pattern_ops bytea_ops char_ops cid_ops cidr_ops
        date_ops enum_ops float4_ops float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops
        macaddr8_ops macaddr_ops multirange_ops name_ops numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops
        record_ops text_ops text_pattern_ops tid_ops time_ops timestamp_ops timestamptz_ops timetz_ops uuid_ops
        varchar_ops varchar_pattern_ops xid8_ops xid_ops""",
    "gin": "array_ops jsonb_ops jsonb_path_ops tsvector_ops",
    "gist": "box_ops circle_ops inet_ops multirange_ops point_ops poly_ops range_ops tsquery_ops tsvector_ops",
    "spgist": "box_ops inet_ops kd_point_ops poly_ops quad_point_ops range_ops text_ops",
    "brin": """bit_minmax_ops box_inclusion_ops bpchar_bloom_ops bpchar_minmax_ops bytea_bloom_ops bytea_minmax_ops
        char_bloom_ops char_minmax_ops date_bloom_ops date_minmax_multi_ops date_minmax_ops float4_bloom_ops
        float4_minmax_multi_ops float4_minmax_ops float8_bloom_ops float8_minmax_multi_ops float8_minmax_ops
        inet_bloom_ops inet_inclusion_ops inet_minmax_multi_ops inet_minmax_ops int2_bloom_ops
        int2_minmax_multi_ops int2_minmax_ops int4_bloom_ops int4_minmax_multi_ops int4_minmax_ops int8_bloom_ops
        int8_minmax_multi_ops int8_minmax_ops interval_bloom_ops interval_minmax_multi_ops interval_minmax_ops
        macaddr8_bloom_ops macaddr8_minmax_multi_ops macaddr8_minmax_ops macaddr_bloom_ops
        macaddr_minmax_multi_ops macaddr_minmax_ops name_bloom_ops name_minmax_ops numeric_bloom_ops
        numeric_minmax_multi_ops numeric_minmax_ops oid_bloom_ops oid_minmax_multi_ops oid_minmax_ops
        pg_lsn_bloom_ops pg_lsn_minmax_multi_ops pg_lsn_minmax_ops range_inclusion_ops text_bloom_ops
        text_minmax_ops tid_bloom_ops tid_minmax_multi_ops tid_minmax_ops time_bloom_ops time_minmax_multi_ops
        time_minmax_ops timestamp_bloom_ops timestamp_minmax_multi_ops timestamp_minmax_ops timestamptz_bloom_ops
        timestamptz_minmax_multi_ops timestamptz_minmax_ops timetz_bloom_ops timetz_minmax_multi_ops
        timetz_minmax_ops uuid_bloom_ops uuid_minmax_multi_ops uuid_minmax_ops varbit_minmax_ops""",
}
BUILTIN_OPCLASSES: dict[str, frozenset[str]] = {am: frozenset(names.split()) for am, names in _BUILTIN.items()}


def resolve_opclass(names: list[str], access_method: str, search_path: tuple[str, ...],
                    extension_schemas: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """[schema, name] of the operator class `names` denotes, or [name] for pg_catalog's."""
    if len(names) >= 2:
        return names[-1:] if names[-2] == "pg_catalog" else names[-2:]
    name = names[0]
    if name in BUILTIN_OPCLASSES.get(access_method, ()):
        return [name]
    path = [s for s in search_path if s != "pg_catalog"] or ["public"]
    schema = next((s for s in path if s in extension_schemas), path[0])
    return [schema, name]
