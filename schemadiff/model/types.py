"""Canonical type names: one spelling per type, the one `format_type()` prints.

Why: files say `int`, `int4`, `integer` or `pg_catalog.int4`; the catalog says
`integer`.  Both sides go through `format_type` (the introspector feeds the
catalog's own spelling back through the parser), so aliases never make drift.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from .names import quote_ident

DEFAULT_SCHEMA = "public"

# pg_catalog internal name -> what format_type() prints
_DISPLAY = {
    "int4": "integer", "int8": "bigint", "int2": "smallint",
    "float8": "double precision", "float4": "real", "bool": "boolean",
    "varchar": "character varying", "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone", "timetz": "time with time zone",
    "time": "time without time zone", "varbit": "bit varying", "decimal": "numeric",
    "int": "integer", "integer": "integer", "smallint": "smallint", "bigint": "bigint",
    "real": "real", "boolean": "boolean", "bpchar": "character", "char": '"char"',
}
# Types whose typmod prints before a suffix (" with time zone").
_TIME_SUFFIX = {
    "timestamp with time zone": ("timestamp", " with time zone"),
    "timestamp without time zone": ("timestamp", " without time zone"),
    "time with time zone": ("time", " with time zone"),
    "time without time zone": ("time", " without time zone"),
}
SERIAL_TYPES = {"serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint",
                "smallserial": "smallint", "serial2": "smallint"}

# interval field masks (datetime.h): YEAR=1<<2, MONTH=1<<1, DAY=1<<3, HOUR=1<<10, MINUTE=1<<11, SECOND=1<<12
_INTERVAL_FIELDS = {
    4: "year", 2: "month", 8: "day", 1024: "hour", 2048: "minute", 4096: "second",
    6: "year to month", 1032: "day to hour", 3080: "day to minute", 7176: "day to second",
    3072: "hour to minute", 7168: "hour to second", 6144: "minute to second",
}
_INTERVAL_FULL_RANGE = 0x7FFF


def _const_text(node: dict[str, Any]) -> str:
    """A typmod argument as text (they are A_Const integers, or identifiers for some extension types)."""
    if "A_Const" in node:
        c = node["A_Const"]
        if "ival" in c:
            return str(c["ival"].get("ival", 0))
        if "sval" in c:
            return str(c["sval"].get("sval", ""))
        if "fval" in c:
            return str(c["fval"].get("fval", ""))
    if "ColumnRef" in node:
        return ".".join(f["String"]["sval"] for f in node["ColumnRef"]["fields"] if "String" in f)
    return "?"


def qualified_type_name(names: list[str]) -> tuple[str | None, str]:
    """(schema or None for built-ins, name) of a TypeName's name list."""
    if len(names) >= 2:
        schema, name = names[-2], names[-1]
        if schema == "pg_catalog":
            return None, name
        return schema, name
    return None, names[0]


_PLAIN_TYPES: dict[tuple[Any, ...], str] = {}


def format_type(type_name: dict[str, Any], default_schema: str = DEFAULT_SCHEMA) -> str:
    """The canonical spelling of a pglast TypeName (JSON form)."""
    names = [n["String"]["sval"] for n in type_name.get("names", ())]
    if not (type_name.keys() - _PLAIN_TYPE_KEYS):
        # Most columns of a big schema spell a handful of plain types: remember those.
        key = (*names, default_schema)
        text = _PLAIN_TYPES.get(key)
        if text is None:
            text = _PLAIN_TYPES[key] = _format_type(type_name, names, default_schema)
        return text
    return _format_type(type_name, names, default_schema)


_PLAIN_TYPE_KEYS = frozenset({"names", "location", "typemod"})


def _format_type(type_name: dict[str, Any], names: list[str], default_schema: str) -> str:
    if type_name.get("pct_type"):
        return ".".join(names) + "%TYPE"
    schema, name = qualified_type_name(names)
    if schema is None and name.startswith("_") and _DISPLAY.get(name[1:], name[1:]) in BUILTIN_TYPES \
            and not type_name.get("arrayBounds"):
        # _int4 is the array type of int4: the server resolves it there and prints integer[].
        element = {**type_name, "names": [*(type_name.get("names", ())[:-1]), {"String": {"sval": name[1:]}}],
                   "arrayBounds": [{"Integer": {"ival": -1}}]}
        return _format_type(element, [*names[:-1], name[1:]], default_schema)
    typmods = [_const_text(m) for m in type_name.get("typmods", ())]
    qualified_builtin = len(names) >= 2 and names[-2] == "pg_catalog"
    if schema is None:
        if name == "char" and not qualified_builtin:
            base = '"char"'
        elif name == "bpchar" and not qualified_builtin and not typmods:
            base = "bpchar"
        else:
            base = _DISPLAY.get(name, name)
        if base in _TIME_SUFFIX and typmods:
            stem, suffix = _TIME_SUFFIX[base]
            text = f"{stem}({typmods[0]}){suffix}"
        elif base == "interval" and typmods:
            text = _interval(typmods)
        elif base == "numeric" and len(typmods) == 1:
            text = f"numeric({typmods[0]},0)"
        elif typmods:
            text = f"{base}({','.join(typmods)})"
        else:
            # Built-in names such as numeric or interval are keywords; format_type prints them bare.
            text = base if base in _DISPLAY.values() or _plain(base) else quote_ident(base)
    else:
        text = quote_ident(name) if schema == default_schema else f"{quote_ident(schema)}.{quote_ident(name)}"
        if typmods:
            text += f"({','.join(typmods)})"
    if type_name.get("arrayBounds"):
        text += "[]"
    if type_name.get("setof"):
        text = "SETOF " + text
    return text


def _plain(name: str) -> bool:
    return bool(name) and (name[0].islower() or name[0] == "_") and all(
        c.islower() or c.isdigit() or c in "_$" for c in name)


def _interval(typmods: list[str]) -> str:
    try:
        mask = int(typmods[0])
    except ValueError:
        return "interval"
    fields = "" if mask == _INTERVAL_FULL_RANGE else " " + _INTERVAL_FIELDS.get(mask, "")
    precision = f"({typmods[1]})" if len(typmods) > 1 and typmods[1] not in ("65535", "-1") else ""
    return f"interval{fields.rstrip()}{precision}"


@functools.lru_cache(maxsize=8192)
def type_schema(canonical: str, default_schema: str = DEFAULT_SCHEMA) -> tuple[str, str] | None:
    """For a user-defined type's canonical spelling, its (schema, name); None for built-ins.

    Used for dependency edges: a column of type `mood[]` depends on type public.mood.
    """
    text = canonical.removesuffix("[]")
    if "(" in text:
        text = text[: text.index("(")]
    if "." in text:
        schema, _, name = text.partition(".")
        return schema.strip('"'), name.strip('"')
    return default_schema, text.strip('"')


# The built-in types of pg_catalog (PostgreSQL 15, as format_type prints them).  A type outside
# this set and outside the schema's own types is an error unless an extension may provide it.
BUILTIN_TYPES = frozenset({
    '"any"', '"char"', 'aclitem', 'anyarray', 'anycompatible', 'anycompatiblearray',
    'anycompatiblemultirange', 'anycompatiblenonarray', 'anycompatiblerange', 'anyelement', 'anyenum',
    'anymultirange', 'anynonarray', 'anyrange', 'bigint', 'bit', 'bit varying', 'boolean', 'box', 'bpchar',
    'bytea', 'character', 'character varying', 'cid', 'cidr', 'circle', 'cstring', 'date', 'datemultirange',
    'daterange', 'double precision', 'event_trigger', 'fdw_handler', 'gtsvector', 'index_am_handler', 'inet',
    'int4multirange', 'int4range', 'int8multirange', 'int8range', 'integer', 'internal', 'interval', 'json',
    'jsonb', 'jsonpath', 'language_handler', 'line', 'lseg', 'macaddr', 'macaddr8', 'money', 'name',
    'numeric', 'nummultirange', 'numrange', 'oid', 'path', 'pg_brin_bloom_summary',
    'pg_brin_minmax_multi_summary', 'pg_ddl_command', 'pg_dependencies', 'pg_lsn', 'pg_mcv_list',
    'pg_ndistinct', 'pg_node_tree', 'pg_snapshot', 'point', 'polygon', 'real', 'record', 'record[]',
    'refcursor', 'regclass', 'regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper',
    'regoperator', 'regproc', 'regprocedure', 'regrole', 'regtype', 'serial', 'smallint', 'table_am_handler',
    'text', 'tid', 'time with time zone', 'time without time zone', 'timestamp with time zone',
    'timestamp without time zone', 'trigger', 'tsm_handler', 'tsmultirange', 'tsquery', 'tsrange',
    'tstzmultirange', 'tstzrange', 'tsvector', 'txid_snapshot', 'unknown', 'uuid', 'void', 'xid', 'xid8',
    'xml',
})


@functools.lru_cache(maxsize=8192)
def base_name(canonical: str) -> str:
    """`numeric(10,2)[]` -> `numeric`; `timestamp(3) with time zone` -> `timestamp with time zone`."""
    text = canonical.removeprefix("SETOF ").removesuffix("[]")
    if "(" in text:
        text = text[: text.index("(")] + text[text.index(")") + 1:]
    if text.startswith("interval "):
        return "interval"  # interval hour to minute: fields restrict the values, not the type
    return text


_TYPMOD = re.compile(r"\(\s*-?\d+(?:\s*,\s*-?\d+)?\s*\)")


def without_typmod(type_text: str) -> str:
    """A type as a function's argument or result: the server keeps no modifier there
    (RETURNS numeric(12,2) is stored, and printed back, as RETURNS numeric)."""
    return _TYPMOD.sub("", type_text)
