"""What a DROP takes along: the objects declared so far that depend on the dropped one.

Why: `DROP TABLE t CASCADE` in a file drops the views over t, the foreign keys to it, the
defaults that call a dropped function, as the server does when the statement runs; without
CASCADE the server refuses.  Declaring the dependents anyway (today's behaviour before this
module) made a plan that re-creates them against nothing.  Dependencies are found in the
parse trees (relations, functions and types named, nextval's sequence), resolved the way the
statement that declared them resolved them: through its search_path.
"""
from __future__ import annotations

from typing import Any, Callable

from ..errors import ParseError
from ..model import FunctionName, QualifiedName
from ..model.types import format_type, without_typmod
from ..model.types import type_schema
from .builder import Builder, Context
from .nodes import strings
from .qualify import builtin_function_first

# ("relation" | "type" | "sequence", name) or ("function", FunctionName: its signature)
Target = tuple[str, QualifiedName | FunctionName]


def check_and_cascade(b: Builder, target: Target, cascade: bool, ctx: Context, label: str,
                      drop: Callable[[], None]) -> None:
    """Drop `target` (with `drop`) and, under CASCADE, what depends on it; without CASCADE a
    dependent is an error naming it, as the server gives."""
    found = dependents(b, target)
    if found and not cascade:
        raise ParseError([(ctx.location, f"cannot drop {label} because {found[0][0]} depends on it "
                                         "(DROP ... CASCADE drops it too)")])
    drop()
    for _, remove in found:
        remove()


def dependents(b: Builder, target: Target) -> list[tuple[str, Callable[[], None]]]:
    kind, qn = target
    out: list[tuple[str, Callable[[], None]]] = []
    for vqn, d in list(b.views.items()):
        if (kind, qn) != ("relation", vqn) and _uses(d["query"], d.get("search_path") or ("public",), target, b):
            out.append((f"view {vqn.display}", _view_remover(b, vqn)))
    for tqn, t in list(b.tables.items()):
        path = (tqn.schema, "public")
        for col in list(t.columns.values()):
            if kind == "type" and isinstance(qn, QualifiedName) and _type_is(col.type, qn):
                out.append((f"column {tqn.display}.{col.name}", _pop(t.columns, col.name)))
            elif col.generated is not None and _uses(col.generated, path, target, b):
                out.append((f"column {tqn.display}.{col.name}", _pop(t.columns, col.name)))
            elif col.default is not None and _uses(col.default, path, target, b):
                out.append((f"default of {tqn.display}.{col.name}", _clear_default(col)))
        for con in list(t.constraints.values()):
            node = con.node
            if tqn != qn and (node.get("contype") == "CONSTR_FOREIGN" and kind == "relation"
                              and _relation(node.get("pktable") or {}, path, b) == qn
                              or node.get("raw_expr") is not None and _uses(node["raw_expr"], path, target, b)):
                out.append((f"constraint {con.name} on {tqn.display}", _pop(t.constraints, con.name)))
    for iqn, ix in list(b.indexes.items()):
        if ix.table != qn and _uses({k: v for k, v in ix.node.items() if k != "relation"},
                                    ix.search_path, target, b):
            out.append((f"index {iqn.display}", _pop(b.indexes, iqn)))
    if kind == "function" and isinstance(qn, FunctionName):
        for key, d in list(b.triggers.items()):
            names = strings(d["node"].get("funcname"))
            # A trigger calls the function of its name that takes no arguments.
            if qn.args == "" and _function(names, d.get("search_path") or ("public",), b) == qn.qualified:
                out.append((f"trigger {key[1]} on {key[0].display}", _pop(b.triggers, key)))
    if kind in ("type", "relation"):
        for fn, d in list(b.functions.items()):
            node = d["node"]
            types = [p for p in node.get("parameters", ())] + [node.get("returnType") or {}]
            if _uses(types, d.get("search_path") or ("public",), ("type", qn), b):
                out.append((f"function {fn.display}", _pop(b.functions, fn)))
    return out


def _pop(pool: dict, key) -> Callable[[], None]:
    return lambda: pool.pop(key, None)


def _clear_default(col) -> Callable[[], None]:
    def clear() -> None:
        col.default = None
    return clear


def _view_remover(b: Builder, qn: QualifiedName) -> Callable[[], None]:
    def remove() -> None:
        if qn in b.views:  # a view over it goes too (CASCADE is recursive)
            from .drops import drop_view
            for _, more in dependents(b, ("relation", qn)):
                more()
            drop_view(b, qn)
    return remove


def _type_is(type_text: str, qn: QualifiedName) -> bool:
    found = type_schema(type_text.removeprefix("SETOF "))
    return found is not None and QualifiedName(*found) == qn


def _uses(node: Any, path: tuple[str, ...], target: Target, b: Builder) -> bool:
    kind, qn = target
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, list):
            stack.extend(x)
            continue
        if not isinstance(x, dict):
            continue
        for key, v in x.items():
            if key == "RangeVar" and kind in ("relation", "type") and isinstance(v, dict) \
                    and _relation(v, path, b) == qn:
                return True
            if key == "FuncCall" and isinstance(v, dict):
                names = strings(v.get("funcname"))
                if kind == "function" and isinstance(qn, FunctionName) and _function(names, path, b) == qn.qualified \
                        and _calls(v, qn, b):
                    return True
                if kind == "sequence" and names and names[-1] in ("nextval", "currval", "setval"):
                    if _sequence_argument(v, path, b) == qn:
                        return True
            if key in ("TypeName", "typeName", "argType", "returnType") and kind in ("type", "relation") \
                    and isinstance(v, dict) and "names" in v:
                names = strings(v["names"])
                if names and _type_name(names, path, b) == qn:
                    return True
            if isinstance(v, (dict, list)):
                stack.append(v)
    return False


def _resolve(names: list[str], path: tuple[str, ...], pool) -> QualifiedName:
    if len(names) >= 2:
        return QualifiedName(names[-2], names[-1])
    for schema in path:
        if QualifiedName(schema, names[-1]) in pool:
            return QualifiedName(schema, names[-1])
    return QualifiedName(path[0] if path else "public", names[-1])


def _relation(rv: dict, path: tuple[str, ...], b: Builder) -> QualifiedName | None:
    if not rv.get("relname"):
        return None
    names = [rv["schemaname"], rv["relname"]] if rv.get("schemaname") else [rv["relname"]]
    return _resolve(names, path, b.relations)


def _function(names: list[str], path: tuple[str, ...], b: Builder) -> QualifiedName | None:
    if not names:
        return None
    found = _resolve(names, path, {fn.qualified for fn in b.functions})
    if len(names) == 1 and builtin_function_first(names[0], path, found.schema):
        return QualifiedName("pg_catalog", names[0])
    return found


def _calls(call: dict, fn: FunctionName, b: Builder) -> bool:
    """Whether a call of fn's name reaches this overload of it, as the server chooses: by the
    number of arguments, then by the types of those whose type is written (a cast, a literal).
    A call the parse trees cannot settle is taken as calling another overload."""
    overloads = [f for f in b.functions if f.qualified == fn.qualified]
    if overloads == [fn]:
        return True
    args = call.get("args") or ()
    fitting = [f for f in overloads if _takes(b.functions[f]["node"], len(args))]
    if fitting == [fn]:
        return True
    if fn not in fitting:
        return False
    written = [_written_type(a) for a in args]
    def agreement(f: FunctionName) -> int:
        types = f.args.split(", ") if f.args else []
        return sum(1 for w, t in zip(written, types) if w is not None and w == t)
    best = max(agreement(f) for f in fitting)
    return agreement(fn) == best and [agreement(f) for f in fitting].count(best) == 1


def _takes(node: dict, count: int) -> bool:
    """Whether a function accepts `count` positional arguments (defaults and VARIADIC counted)."""
    inputs = [p.get("FunctionParameter", {}) for p in node.get("parameters", ())]
    inputs = [p for p in inputs if p.get("mode", "FUNC_PARAM_DEFAULT") in
              ("FUNC_PARAM_DEFAULT", "FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC")]
    required = sum(1 for p in inputs if not p.get("defexpr") and p.get("mode") != "FUNC_PARAM_VARIADIC")
    variadic = any(p.get("mode") == "FUNC_PARAM_VARIADIC" for p in inputs)
    return required <= count and (variadic or count <= len(inputs))


_LITERAL_TYPES = {"ival": "integer", "fval": "numeric", "sval": None, "boolval": "boolean"}


def _written_type(arg: Any) -> str | None:
    """The type an argument states: a cast's, or an integer, numeric or boolean literal's
    (a string literal is of unknown type until resolved)."""
    if not isinstance(arg, dict):
        return None
    if "TypeCast" in arg:
        return without_typmod(format_type(arg["TypeCast"]["typeName"]))
    const = arg.get("A_Const")
    if const:
        return next((_LITERAL_TYPES[k] for k in _LITERAL_TYPES if k in const), None)
    return None


def _type_name(names: list[str], path: tuple[str, ...], b: Builder) -> QualifiedName:
    pool = set(b.enums) | set(b.domains) | set(b.composites) | set(b.ranges) | set(b.tables)
    return _resolve([n for n in names if n != "pg_catalog"] or names, path, pool)


def _sequence_argument(call: dict, path: tuple[str, ...], b: Builder) -> QualifiedName | None:
    args = call.get("args") or ()
    const = args[0].get("A_Const") if args and isinstance(args[0], dict) else None
    text = ((const or {}).get("sval") or {}).get("sval")
    if not text:
        return None
    names = [p.strip('"') if p.startswith('"') else p.lower() for p in text.split(".")]
    return _resolve(names, path, b.sequences)
