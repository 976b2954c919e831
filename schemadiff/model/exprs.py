"""Canonical expressions: compare meaning, not spelling.

Defaults, checks, index expressions and predicates, generated columns and
partition bounds arrive in two spellings: the user's (`status IN ('a','b')`,
`price > 0`, `'x'`) and the catalog's (`status = ANY (ARRAY['a'::text,
'b'::text])`, `(price > (0)::numeric)`, `'x'::text`).  Both are parsed with
pglast (the C parser's JSON output: cheap) and normalized by `canonical()`;
the result is the comparison key.  Rules, each undoing one rewrite the
server does when it stores an expression:

- locations and parentheses vanish (they are not in the AST);
- casts of constants and of arrays of constants are dropped, since the
  column or operator type coerces them anyway (`'x'::text`, `(0)::numeric`,
  `'-1'::integer`), as are casts of bare columns (the server adds implicit
  ones: `(id)::double precision`);
- constants compare by their text (`-1` and `'-1'`);
- `x IN (...)` is `x = ANY (ARRAY[...])`, `NOT IN` is `<> ALL`, BETWEEN is
  the pair of comparisons, LIKE is the `~~` operator;
- nested AND/OR are flattened; `pg_catalog.` and the default schema are
  dropped from function, operator and type names;
- type names are spelled as format_type() spells them;
- bit strings compare as their bits (x'1F' is 00011111), money as its amount
  in cents, `interval '90' minute` as the interval its field qualifier makes;
- a VARIADIC call's array is spread into arguments (f(a, VARIADIC ARRAY[x, y])
  is f(a, x, y)); an index's default operator class is dropped.
"""
from __future__ import annotations

from typing import Any

import orjson

# Printing lives in printers.py (Expr.sql needs it without this module); importing it registers
# the corrected pglast printers.  to_sql and to_node stay importable from here.
from .printers import to_node as to_node, to_sql as to_sql
from .objects import Expr
from .returns import RETURNS
from .types import DEFAULT_SCHEMA, format_type

_DROP_KEYS = frozenset({"location", "rexpr_list_start", "rexpr_list_end", "stmt_location", "stmt_len",
                        "list_start", "list_end", "funcformat", "row_format"})
_TEXT_TYPES = frozenset({"text", "character varying", "character", "bpchar", "name"})
_SEQUENCE_FUNCS = frozenset({"nextval", "currval", "setval"})


# Operator classes the server leaves out of pg_get_indexdef, per access method: the defaults
# (pg_opclass.opcdefault) of the built-in types.  `name text_ops` is `name`.
_DEFAULT_OPCLASSES = {
    "btree": frozenset("""array_ops bit_ops bool_ops bpchar_ops bytea_ops char_ops date_ops enum_ops float4_ops
        float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops macaddr8_ops macaddr_ops money_ops
        multirange_ops name_ops numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops tid_ops
        time_ops timestamp_ops timestamptz_ops timetz_ops tsquery_ops tsvector_ops uuid_ops varbit_ops
        xid8_ops""".split()),
    "hash": frozenset("""aclitem_ops array_ops bool_ops bpchar_ops bytea_ops char_ops cid_ops date_ops enum_ops
        float4_ops float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops macaddr8_ops macaddr_ops
        multirange_ops name_ops numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops tid_ops
        time_ops timestamp_ops timestamptz_ops timetz_ops uuid_ops xid8_ops xid_ops""".split()),
    "gin": frozenset({"array_ops", "jsonb_ops", "tsvector_ops"}),
    "gist": frozenset({"box_ops", "circle_ops", "multirange_ops", "point_ops", "poly_ops", "range_ops",
                       "tsquery_ops", "tsvector_ops"}),
    "spgist": frozenset({"box_ops", "inet_ops", "poly_ops", "quad_point_ops", "range_ops", "text_ops"}),
    "brin": frozenset("""bit_minmax_ops box_inclusion_ops bpchar_minmax_ops bytea_minmax_ops char_minmax_ops
        date_minmax_ops float4_minmax_ops float8_minmax_ops inet_inclusion_ops int2_minmax_ops int4_minmax_ops
        int8_minmax_ops interval_minmax_ops macaddr8_minmax_ops macaddr_minmax_ops name_minmax_ops
        numeric_minmax_ops oid_minmax_ops pg_lsn_minmax_ops range_inclusion_ops text_minmax_ops tid_minmax_ops
        time_minmax_ops timestamp_minmax_ops timestamptz_minmax_ops timetz_minmax_ops uuid_minmax_ops
        varbit_minmax_ops""".split()),
}


def _const(node: dict[str, Any]) -> Any:
    """A_Const -> its value as text (None for NULL)."""
    if node.get("isnull"):
        return None
    for k in ("ival", "fval", "sval", "bsval"):
        if k in node:
            v = node[k].get(k, 0 if k == "ival" else "")
            return _bits(v) if k == "bsval" else str(v)
    if "boolval" in node:
        return "true" if node["boolval"].get("boolval") else "false"
    return None


def _bits(literal: str) -> str:
    """x'1F' and b'00011111' (pglast: "x1F", "b00011111") as the server prints them: 00011111."""
    if literal[:1] in ("x", "X"):
        return "".join(f"{int(c, 16):04b}" for c in literal[1:])
    return literal[1:] if literal[:1] in ("b", "B") else literal


def _names(items: list[Any]) -> list[str]:
    return [i["String"]["sval"] if "String" in i else "*" for i in items]


def _strip_schema(names: list[str], default_schema: str) -> list[str]:
    if len(names) >= 2 and names[-2] in ("pg_catalog", default_schema):
        return names[-1:]
    return names


class _Normalizer:
    __slots__ = ("default_schema",)

    def __init__(self, default_schema: str):
        self.default_schema = default_schema

    def __call__(self, x: Any) -> Any:
        # The hottest function of a big schema's load (every node of every expression): type
        # tests by class, handlers from a table made once, scalars returned first.
        cls = x.__class__
        if cls is dict:
            if len(x) == 1:
                for kind, body in x.items():
                    if body.__class__ is dict and kind[:1].isupper():
                        handler = _NODE_HANDLERS.get(kind)
                        if handler is not None:
                            return handler(self, body)
                        return {kind: self._fields(body)}
            return self._fields(x)
        if cls is list:
            return [self(i) for i in x]
        return x

    def _fields(self, body: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in body.items():
            if k in _DROP_KEYS:
                continue
            if v.__class__ is dict:
                if k in _TYPE_KEYS and "names" in v:
                    out[k] = format_type(v, self.default_schema)
                else:
                    out[k] = self(v)
            elif v.__class__ is list:
                out[k] = [self(i) for i in v]
            else:
                out[k] = v
        return out

    # -- leaves ---------------------------------------------------------------
    def n_A_Const(self, body: dict[str, Any]) -> Any:
        return {"C": _const(body)}

    def n_String(self, body: dict[str, Any]) -> Any:
        return body.get("sval", "")

    def n_Integer(self, body: dict[str, Any]) -> Any:
        return str(body.get("ival", 0))

    def n_List(self, body: dict[str, Any]) -> Any:
        return [self(i) for i in body.get("items", ())]

    def n_TypeName(self, body: dict[str, Any]) -> Any:
        return {"T": format_type(body, self.default_schema)}

    def n_ColumnRef(self, body: dict[str, Any]) -> Any:
        return {"Col": _names(body.get("fields", ()))}

    # -- rewrites the server does on storing an expression -----------------------
    def n_TypeCast(self, body: dict[str, Any]) -> Any:
        arg = self(body.get("arg"))
        target = format_type(body["typeName"], self.default_schema)
        if _is_constant(arg):
            if target.startswith("interval ") and arg.get("C") is not None:
                # interval '1.5' year: the field qualifier is part of the value (1 year).
                value = _qualified_interval(arg["C"], target)
                if value is not None:
                    return {"C": value}
            if isinstance(arg.get("C"), str) and target in _REG_TYPES:
                # 'public.cfg'::regconfig is stored as the object's OID and printed back by name,
                # qualified only where the reading session would not see it: compare as printed.
                return {"C": reg_constant(arg["C"], target, self.default_schema)}
            if isinstance(arg.get("C"), str) and target in _OUTPUT_FORM_TYPES:
                # '1 month'::interval is stored as '1 mon'::interval: compare in the type's terms.
                return {"C": constant_text(arg["C"], target)}
            return arg
        if isinstance(arg, dict) and "Col" in arg:
            # The server writes the implicit casts it adds to columns ((id)::double precision);
            # the user did not.  An explicit cast of a bare column compares equal too.
            return arg
        if isinstance(arg, dict) and "Array" in arg and target.endswith("[]") and arg["Array"] and all(
                isinstance(e, dict) and "Cast" in e and e["Cast"]["type"] == target[:-2] for e in arg["Array"]):
            # ARRAY[x::text]::text[]: the array already has the type; the server drops the cast.
            return arg
        if isinstance(arg, dict) and target in _result_types(arg):
            # A cast to the type the expression already has is no coercion: the server drops it
            # (current_setting('x')::text, (x::text)::text).
            return arg
        return {"Cast": {"arg": arg, "type": target}}

    def n_A_ArrayExpr(self, body: dict[str, Any]) -> Any:
        return {"Array": [self(e) for e in body.get("elements", ())]}

    def n_A_Expr(self, body: dict[str, Any]) -> Any:
        kind = body.get("kind", "AEXPR_OP")
        name = _strip_schema(_names(body.get("name", ())), self.default_schema)
        lexpr: Any = body.get("lexpr")  # JSON nodes: the parser guarantees the shape per kind
        rexpr: Any = body.get("rexpr")
        if kind == "AEXPR_IN":
            items = rexpr["List"]["items"] if isinstance(rexpr, dict) and "List" in rexpr else rexpr
            if len(items) == 1:  # the server stores x IN (a) as x = a
                return self.n_A_Expr({"kind": "AEXPR_OP", "name": body["name"], "lexpr": lexpr, "rexpr": items[0]})
            array = {"A_ArrayExpr": {"elements": items}}
            kind = "AEXPR_OP_ANY" if name == ["="] else "AEXPR_OP_ALL"
            return self.n_A_Expr({"kind": kind, "name": body["name"], "lexpr": lexpr, "rexpr": array})
        if kind in ("AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM"):
            lo, hi = rexpr["List"]["items"] if "List" in rexpr else rexpr
            if kind.startswith("AEXPR_NOT"):
                parts = [("<", lo), (">", hi)]
                op = "OR_EXPR"
            else:
                parts = [(">=", lo), ("<=", hi)]
                op = "AND_EXPR"
            args = [{"A_Expr": {"kind": "AEXPR_OP", "name": [{"String": {"sval": o}}], "lexpr": lexpr,
                                "rexpr": v}} for o, v in parts]
            return self.n_BoolExpr({"boolop": op, "args": args})
        if kind in ("AEXPR_LIKE", "AEXPR_ILIKE"):
            kind = "AEXPR_OP"
        out: dict[str, Any] = {"k": kind, "op": name}
        compares = kind == "AEXPR_OP" and name in _COMPARISONS
        if lexpr is not None:
            out["l"] = _without_widening(self(lexpr)) if compares else self(lexpr)
        if rexpr is not None:
            out["r"] = _without_widening(self(rexpr)) if compares else self(rexpr)
        return {"Op": out}

    def n_CaseExpr(self, body: dict[str, Any]) -> Any:
        out = self._fields(body)
        if out.get("defresult") == {"C": None}:
            del out["defresult"]  # CASE without ELSE is stored with ELSE NULL
        return {"CaseExpr": out}

    def n_BoolExpr(self, body: dict[str, Any]) -> Any:
        op = body.get("boolop", "AND_EXPR")
        args = []
        for a in body.get("args", ()):
            n = self(a)
            if op != "NOT_EXPR" and isinstance(n, dict) and "Bool" in n and n["Bool"]["op"] == op:
                args.extend(n["Bool"]["args"])
            else:
                args.append(n)
        return {"Bool": {"op": op, "args": args}}

    def n_IndexStmt(self, body: dict[str, Any]) -> Any:
        out = self._fields(body)
        defaults = _DEFAULT_OPCLASSES.get(out.get("accessMethod") or "btree", frozenset())
        for param in out.get("indexParams") or ():
            elem = param.get("IndexElem") if isinstance(param, dict) else None
            opclass = elem.get("opclass") if elem else None
            if elem and opclass and not elem.get("opclassopts") \
                    and _strip_schema(opclass, "pg_catalog")[-1] in defaults \
                    and len(_strip_schema(opclass, "pg_catalog")) == 1:
                del elem["opclass"]  # the server does not print a default operator class
        return {"IndexStmt": out}

    def n_FuncCall(self, body: dict[str, Any]) -> Any:
        name = _strip_schema(_names(body.get("funcname", ())), self.default_schema)
        out = self._fields({k: v for k, v in body.items() if k != "funcname"})
        out["name"] = name
        if out.get("args"):
            out["args"] = [_without_widening(a, of_results=False) for a in out["args"]]
        args = out.get("args")
        if out.get("func_variadic") and args and isinstance(args[-1], dict) and "Array" in args[-1]:
            # f(a, 'x', 'y') of a VARIADIC function is stored as f(a, VARIADIC ARRAY['x', 'y'])
            args[-1:] = args[-1]["Array"]
            del out["func_variadic"]
        if name[-1] in _SEQUENCE_FUNCS and args and isinstance(args[0], dict) and isinstance(args[0].get("C"), str):
            args[0] = {"C": reg_constant(args[0]["C"], "regclass", self.default_schema)}
        elif name[-1] in _CONFIG_FIRST and args and len(args) >= 2 and isinstance(args[0], dict) \
                and isinstance(args[0].get("C"), str):
            # to_tsvector('english', body): the server takes the first argument as a regconfig
            args[0] = {"C": reg_constant(args[0]["C"], "regconfig", self.default_schema)}
        return {"Func": out}


_NODE_HANDLERS = {name[2:]: fn for name, fn in vars(_Normalizer).items() if name.startswith("n_")}
_TYPE_KEYS = frozenset({"typeName", "ofType"})

_COMPARISONS = (["="], ["<>"], ["<"], ["<="], [">"], [">="])
# Numeric types in the order the server's implicit casts widen them.
_WIDENING = ("smallint", "integer", "bigint", "numeric", "real", "double precision")


# reg* types whose constants print as (possibly qualified) names.
_REG_TYPES = frozenset({"regclass", "regconfig", "regdictionary", "regproc", "regtype", "regnamespace", "regrole",
                        "regcollation", "regoper"})
# Text search functions whose two-or-more-argument form starts with a regconfig.
_CONFIG_FIRST = frozenset({"to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery",
                           "websearch_to_tsquery", "json_to_tsvector", "jsonb_to_tsvector"})


def reg_constant(text: str, reg_type: str, default_schema: str = DEFAULT_SCHEMA) -> str:
    """A reg* constant as the server prints it back: identifiers folded, the schema left out
    where the reading session (search_path = the default schema) sees the object: pg_catalog
    and the default schema.  regtype constants are type names, spelled as format_type does."""
    if reg_type == "regtype":
        from pglast import parser
        try:
            tree = orjson.loads(parser.parse_sql_json(f"SELECT NULL::{text}"))
            type_name = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"][
                "TypeCast"]["typeName"]
        except (parser.ParseError, KeyError, IndexError, TypeError):
            return text
        return format_type(type_name, default_schema)
    parts = _identifier_parts(text)
    if parts is None:
        return text
    if len(parts) == 2 and parts[0] in ("pg_catalog", default_schema) and reg_type not in ("regnamespace",
                                                                                           "regrole"):
        parts = parts[1:]
    from .names import quote_ident
    return ".".join(quote_ident(p) for p in parts)


def _identifier_parts(text: str) -> list[str] | None:
    """'app."Cfg"' -> ['app', 'Cfg'] (unquoted parts folded to lower case); None if it is not
    a dotted name (regoper's '+', a function's argument list)."""
    parts, i, text = [], 0, text.strip()
    while i <= len(text):
        if text[i:i + 1] == '"':
            end = i + 1
            while True:
                end = text.find('"', end)
                if end < 0:
                    return None
                if text[end + 1:end + 2] == '"':
                    end += 2
                    continue
                break
            parts.append(text[i + 1:end].replace('""', '"'))
            i = end + 1
        else:
            end = text.find(".", i)
            end = len(text) if end < 0 else end
            word = text[i:end]
            if not word or not all(c.isalnum() or c in "_$" for c in word):
                return None
            parts.append(word.lower())
            i = end
        if i == len(text):
            return parts
        if text[i] != ".":
            return None
        i += 1
    return None


def _without_widening(n: Any, of_results: bool = True) -> Any:
    """A function argument or a comparison operand without the widening cast the server adds.

    Why: the server stores the implicit cast it adds there ((length(foo))::double precision <
    bar, to_timestamp((x::bigint)::double precision), to_char((CURRENT_DATE)::timestamp with
    time zone, ...)), and the user did not write it; written or not, it compares and calls the
    same. Dropped: a numeric cast of a narrower numeric cast, CURRENT_DATE cast to a timestamp,
    and (in comparisons, `of_results`) a numeric cast of a function's or an operator's result
    (score <= ((100 * n))::numeric). Casts of columns are dropped already; other casts may
    change a value or pick another function, and stay."""
    if not (isinstance(n, dict) and "Cast" in n):
        return n
    arg, target = n["Cast"]["arg"], n["Cast"]["type"]
    if not isinstance(arg, dict):
        return n
    if target.startswith("timestamp") and arg.get("SQLValueFunction", {}).get("op") == "SVFOP_CURRENT_DATE":
        return arg
    if target not in _WIDENING:
        return n
    if "Cast" in arg and arg["Cast"]["type"] in _WIDENING \
            and _WIDENING.index(arg["Cast"]["type"]) < _WIDENING.index(target):
        return arg
    if of_results and ("Func" in arg or "Op" in arg):
        return arg
    return n


def _is_constant(n: Any) -> bool:
    if isinstance(n, dict):
        if "C" in n:
            return True
        if "Array" in n:
            return all(_is_constant(e) for e in n["Array"])
    return False


def canonical(node: dict[str, Any], default_schema: str = DEFAULT_SCHEMA, type_hint: str | None = None) -> str:
    """The comparison key of an expression given as pglast JSON.

    `type_hint` is the type a constant is coerced to (a column's, for its default): the server
    stores the type's output form ('f' -> false, '2 hours' -> '02:00:00', -1e10 -> -10000000000).
    """
    normal = _Normalizer(default_schema)(node)
    if type_hint is not None and isinstance(normal, dict) and "C" in normal and normal["C"] is not None:
        normal = {"C": constant_text(normal["C"], type_hint)}
    return orjson.dumps(normal, option=orjson.OPT_SORT_KEYS).decode()


def without_default_opclasses(key: str, defaults: frozenset[tuple[str, str, str]]) -> str:
    """An index's or exclusion constraint's comparison key without the operator classes that are
    their column type's default, given as (access method, schema, name): extensions bring
    defaults of their own (btree_gist's gist_int4_ops), which only the server knows and
    pg_get_indexdef leaves out."""
    prefix, brace, body = key.partition("{")
    tree = orjson.loads(brace + body)
    for node in tree.values():
        if isinstance(node, dict):
            method = node.get("accessMethod") or node.get("access_method") or "btree"
            _drop_opclasses(node, method, defaults)
    return prefix + orjson.dumps(tree, option=orjson.OPT_SORT_KEYS).decode()


def _drop_opclasses(x: Any, method: str, defaults: frozenset[tuple[str, str, str]]) -> None:
    if isinstance(x, dict):
        elem = x.get("IndexElem")
        if isinstance(elem, dict):
            opclass = elem.get("opclass")
            if opclass and len(opclass) == 2 and not elem.get("opclassopts") \
                    and (method, opclass[0], opclass[1]) in defaults:
                del elem["opclass"]
        for v in x.values():
            _drop_opclasses(v, method, defaults)
    elif isinstance(x, list):
        for v in x:
            _drop_opclasses(v, method, defaults)


def functions_called(key: str) -> frozenset[str]:
    """The names of the functions a canonical expression calls, read from its structure: a
    string constant that happens to spell a function's name is not a call."""
    found: set[str] = set()
    todo: list[Any] = [orjson.loads(key)]
    while todo:
        n = todo.pop()
        if isinstance(n, dict):
            call = n.get("Func")
            if isinstance(call, dict) and isinstance(call.get("name"), list) and call["name"]:
                found.add(".".join(call["name"]))
            todo.extend(n.values())
        elif isinstance(n, list):
            todo.extend(n)
    return frozenset(found)


def make_expr(node: dict[str, Any], default_schema: str = DEFAULT_SCHEMA, type_hint: str | None = None) -> Expr:
    return Expr(canonical(node, default_schema, type_hint), node)


_TRUE = {"t", "true", "y", "yes", "on", "1"}
_FALSE = {"f", "false", "n", "no", "off", "0"}
_NUMERIC = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}


def _result_types(n: dict[str, Any]) -> frozenset[str]:
    """The types a normalized expression may have, where its form alone tells: a cast's target,
    or those a built-in function's overloads return (model/returns.py)."""
    if "Cast" in n:
        return frozenset((n["Cast"]["type"],))
    if "Func" in n:
        name = n["Func"]["name"]
        return RETURNS.get(name[-1], frozenset()) if len(name) == 1 else frozenset()
    return frozenset()


# Types whose constants constant_text() puts in their output form, wherever a cast names the type.
_OUTPUT_FORM_TYPES = frozenset({"interval", "boolean", "money"})


def constant_text(text: str, type_text: str) -> str:
    """A constant in the output form of its type, where that form is cheap to know."""
    base = type_text.split("(")[0].strip()
    low = text.strip().lower()
    if base == "boolean":
        return "true" if low in _TRUE else "false" if low in _FALSE else text
    if base in _NUMERIC:
        from decimal import Decimal, InvalidOperation
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            return text
        if base in ("real", "double precision") or "e" in low:
            return format(value.normalize(), "f") if value == value.to_integral_value() else str(value.normalize())
        return text.strip()
    if base == "money":
        return _money(text)
    if base.startswith("interval") and not low.startswith("@interval "):
        parts = _interval_parts(low)
        return _interval_key(parts) if parts is not None else text
    if base.startswith(("date", "time")):
        from .datetimes import datetime_key
        from .types import base_name
        # The server stores the constant as the type without its modifier (timestamp(0) DEFAULT
        # '03:04:05.6' keeps the .6; rows are rounded when inserted): no precision here.
        key = datetime_key(text, base_name(type_text), None)
        return text if key is None else key
    return text


def _money(text: str) -> str:
    """'$1,000.5', '1000.50' and '1000.499' all store $1,000.50: compare the amount in cents
    (rounded half away from zero, as the server's input function does)."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
    raw = text.strip().replace("$", "").replace(",", "")
    negative = raw.startswith("(") and raw.endswith(")")
    try:
        value = Decimal(raw.strip("()")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return text
    return f"@money {-value if negative else value}"


# An interval is stored as three numbers (months, days, microseconds) that add to a timestamp
# apart: '1 day' is not '24 hours' across a DST change, nor '1 mon' '30 days'.  Each unit and
# each field qualifier in those terms.
_USEC = 1_000_000
_INTERVAL_UNITS = {"millennium": (12000, 0, 0), "centur": (1200, 0, 0), "decade": (120, 0, 0), "y": (12, 0, 0),
                   "mon": (1, 0, 0), "w": (0, 7, 0), "d": (0, 1, 0), "h": (0, 0, 3600 * _USEC),
                   "min": (0, 0, 60 * _USEC), "ms": (0, 0, 1000), "msec": (0, 0, 1000), "millisecond": (0, 0, 1000),
                   "us": (0, 0, 1), "usec": (0, 0, 1), "microsecond": (0, 0, 1), "s": (0, 0, _USEC)}
_FIELDS = {"year": (12, 0, 0), "month": (1, 0, 0), "day": (0, 1, 0), "hour": (0, 0, 3600 * _USEC),
           "minute": (0, 0, 60 * _USEC), "second": (0, 0, _USEC)}


def _interval_key(parts: tuple[int, int, int]) -> str:
    return "@interval {} {} {}".format(*parts)


def _scaled(amount: float, unit: tuple[int, int, int]) -> tuple[int, int, int]:
    """`amount` of `unit`, with fractions spilling down as the server does (a month is 30 days
    there, a day 24 hours): '1.5 mon' is 1 mon 15 days, '1.5 day' 1 day 12:00:00."""
    import math
    months_f = amount * unit[0]
    months = math.trunc(months_f)
    days_f = amount * unit[1] + (months_f - months) * 30
    days = math.trunc(days_f)
    usec = round(amount * unit[2] + (days_f - days) * 86400 * _USEC)
    return months, days, usec


def _unit(word: str) -> tuple[int, int, int] | None:
    for prefix in ("millennium", "centur", "decade", "millisecond", "microsecond", "msec", "usec", "ms", "us",
                   "mon", "min"):
        if word.startswith(prefix):
            return _INTERVAL_UNITS[prefix]
    return _INTERVAL_UNITS.get(word[:1]) if word[:1] in ("y", "w", "d", "h", "s") else None


def _qualified_interval(text: str, type_text: str) -> str | None:
    """The value of interval 'text' FIELDS: a bare number counts in the last field's unit
    (interval '90' minute), and everything below that field is dropped (interval '1.5' year
    is 1 year)."""
    import re
    fields = [w for w in re.split(r"[\s(]+", type_text) if w in _FIELDS]
    if not fields:
        return None
    unit = _FIELDS[fields[-1]]
    low = text.strip().lower()
    if re.fullmatch(r"[-+]?\d+(\.\d+)?", low):
        parts = _scaled(float(low), unit)
    else:
        parsed = _interval_parts(low)
        if parsed is None:
            return None
        parts = parsed
    months, days, usec = parts
    if unit[0]:  # year or month: days and time go
        months = months - months % unit[0] if months >= 0 else -((-months) - (-months) % unit[0])
        days = usec = 0
    elif unit[1]:
        usec = 0
    else:
        usec = usec - usec % unit[2] if usec >= 0 else -((-usec) - (-usec) % unit[2])
    return _interval_key((months, days, usec))


def _interval_parts(text: str) -> tuple[int, int, int] | None:
    """'2 hours', '1 day 02:00:00', '1 year 2 mons', '02:00:00' -> (months, days, microseconds);
    None for a spelling not understood here (then the text is compared)."""
    import re
    months = days = usec = 0
    rest = text.replace("@", " ").replace(",", " ")
    m = re.search(r"([-+]?)(\d+):(\d\d)(?::(\d\d(?:\.\d+)?))?", rest)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        usec += sign * round((int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4) or 0)) * _USEC)
        rest = rest[:m.start()] + rest[m.end():]
    for amount, word in re.findall(r"([-+]?\d+(?:\.\d+)?)\s*([a-z]+)", rest):
        unit = _unit(word)
        if unit is None:
            return None
        dm, dd, du = _scaled(float(amount), unit)
        months, days, usec = months + dm, days + dd, usec + du
    if re.sub(r"([-+]?\d+(?:\.\d+)?)\s*([a-z]+)", "", rest).strip().removesuffix("ago").strip():
        return None
    if rest.strip().endswith("ago"):
        months, days, usec = -months, -days, -usec
    return months, days, usec
