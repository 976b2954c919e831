"""CREATE AGGREGATE: carried as a routine of kind "aggregate".

Why as a routine: an aggregate lives in pg_proc, is called like a function (a view that uses
it needs it first: graph.functions_used finds it among the catalog's functions), is dropped
with DROP AGGREGATE name(args), owned with ALTER ROUTINE and granted with GRANT EXECUTE ON
FUNCTION. What defines it is its option list; the key compares the options by meaning (names
lower case, types canonical, support functions resolved through the search_path as the server
does), so the live side's text (introspect/aggregates.py, pg_dump's form) and the files' agree.
"""
from __future__ import annotations

import json

from ..errors import ParseError
from ..model import Expr, Function, FunctionName, QualifiedName, quote_ident, quote_literal
from ..model.types import format_type
from .builder import Builder, Context, Unsupported, handles
from .nodes import const_value, def_names, strings, unwrap

PROGRAMS = 3

# Options naming a support function, an operator, a type; the rest are words or numbers.
_FUNCTIONS = ("sfunc", "finalfunc", "combinefunc", "serialfunc", "deserialfunc", "msfunc", "minvfunc",
              "mfinalfunc")
_TYPES = ("stype", "mstype")
_TEXTS = ("initcond", "minitcond")
# The server's defaults: stating one is the same aggregate as leaving it out.
_DEFAULTS = {"parallel": "unsafe", "finalfunc_modify": "read_only", "mfinalfunc_modify": "read_only",
             "sspace": "0", "msspace": "0"}
# Old-style spellings (CREATE AGGREGATE name (BASETYPE = ..., SFUNC1 = ...)).
_ALIASES = {"sfunc1": "sfunc", "stype1": "stype", "initcond1": "initcond"}
_ORDER = ("sfunc", "stype", "sspace", "finalfunc", "finalfunc_extra", "finalfunc_modify", "combinefunc",
          "serialfunc", "deserialfunc", "initcond", "msfunc", "minvfunc", "mstype", "msspace", "mfinalfunc",
          "mfinalfunc_extra", "mfinalfunc_modify", "minitcond", "sortop", "parallel", "hypothetical")


@handles("DefineStmt", PROGRAMS)
def define(b: Builder, node: dict, ctx: Context) -> None:
    if node.get("kind") != "OBJECT_AGGREGATE":
        from .carried import define_other
        define_other(b, node, ctx)
        return
    if node.get("oldstyle"):
        raise Unsupported("old-style CREATE AGGREGATE (BASETYPE = ...)")
    names = strings(node["defnames"])
    qn = QualifiedName(names[-2], names[-1]) if len(names) > 1 else QualifiedName(ctx.schema, names[-1])
    args, direct = _arguments(node.get("args") or [])
    name = FunctionName(qn.schema, qn.name, ", ".join(args))
    if name in b.functions and not node.get("replace"):
        raise ParseError([(ctx.location, f"aggregate {name.display} is declared twice")])
    options = {}
    for d in node.get("definition", ()):
        elem = unwrap(d)[1]
        key = _ALIASES.get(elem["defname"].lower(), elem["defname"].lower())
        options[key] = elem.get("arg")
    b.functions[name] = {"aggregate": True, "args": args, "direct": direct, "options": options,
                         "origin": ctx.location, "comment": None, "search_path": ctx.search_path, "node": node}


def _arguments(args: list) -> tuple[list[str], int]:
    """Argument types as function_name() spells them (COMMENT ON / ALTER AGGREGATE name them so)."""
    params = unwrap(args[0])[1].get("items", ()) if args and args[0] else ()
    direct = int(unwrap(args[1])[1].get("ival", -1)) if len(args) > 1 and args[1] else -1
    return [format_type(unwrap(p)[1]["argType"]) for p in params], direct


def freeze_aggregate(name: FunctionName, d: dict, functions: dict) -> Function:
    """The model value; `functions` (every declared routine) resolves unqualified support functions."""
    opts: dict[str, str] = {}
    for key, arg in d["options"].items():
        if key in _FUNCTIONS:
            opts[key] = _function_name(def_names(arg), d["search_path"], functions)
        elif key in _TYPES:
            opts[key] = format_type(unwrap(arg)[1])
        elif key == "sortop":
            opts[key] = ".".join(def_names(arg)).removeprefix("pg_catalog.")
        elif key in _TEXTS:
            opts[key] = str(const_value(arg))
        elif arg is None:
            opts[key] = "true"
        else:
            value = const_value(arg) if "TypeName" not in arg else ".".join(def_names(arg))
            opts[key] = str(value).lower()
    for key, default in _DEFAULTS.items():
        if opts.get(key) == default:
            del opts[key]
    uses = sorted({opts[k] if "." in opts[k] else f"public.{opts[k]}" for k in _FUNCTIONS if k in opts})
    key = {"kind": "aggregate", "params": [{"type": t} for t in d["args"]], "direct": d["direct"],
           "options": sorted(opts.items()), "uses": uses, "body": "aggregate"}
    sql = _create_sql(name, d["args"], d["direct"], opts)
    return Function(name, "aggregate", Expr(json.dumps(key, sort_keys=True), sql), None, "", d["comment"],
                    d["origin"])




def _function_name(names: list[str], search_path, functions: dict) -> str:
    """schema.name as the server resolves it (the first search_path schema declaring it), with
    public and pg_catalog left out: the live side prints regproc with search_path = public, where
    a function of an extension in public is unqualified too."""
    if len(names) > 1:
        return names[-1] if names[-2] in ("public", "pg_catalog") else ".".join(names[-2:])
    for schema in search_path or ("public",):
        if any((f.schema, f.name) == (schema, names[0]) for f in functions):
            return names[0] if schema == "public" else f"{schema}.{names[0]}"
    return names[0]


def _create_sql(name: FunctionName, args: list[str], direct: int, opts: dict) -> str:
    if not args:
        arglist = "*"  # count(*)-like: no arguments
    elif direct >= 0:
        arglist = ", ".join(args[:direct]) + " ORDER BY " + ", ".join(args[direct:])
    else:
        arglist = ", ".join(args)
    parts = []
    for key in sorted(opts, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER)):
        value = opts[key]
        if key in _FUNCTIONS:
            value = ".".join(quote_ident(p) for p in value.split("."))
        elif key in _TEXTS:
            value = quote_literal(value)
        elif key == "sortop":
            value = f"OPERATOR({value})" if "." in value else value
        elif key in ("hypothetical", "finalfunc_extra", "mfinalfunc_extra") and value == "true":
            parts.append(key.upper())
            continue
        parts.append(f"{key.upper()} = {value}")
    return f"CREATE AGGREGATE {quote_ident(name.schema)}.{quote_ident(name.name)}({arglist}) ({', '.join(parts)})"
