"""Printing pglast JSON as SQL (to_sql), and corrections to pglast's SQL printers, registered
once on import.

Why: plans print what pglast prints, and a printer that puts a clause where the
grammar does not take it makes a plan that fails.  pglast 8 prints an index's
NULLS NOT DISTINCT after its WHERE clause; the grammar wants it right after the
column list and INCLUDE, before WITH, TABLESPACE and WHERE.
"""
from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.printers import node_printer
from pglast.stream import RawStream


@node_printer(ast.IndexStmt, override=True)
def index_stmt(node: ast.IndexStmt, output: RawStream) -> None:
    """pglast's own printer (pglast/printers/ddl.py) with the clauses in the grammar's order."""
    output.write("CREATE ")
    if node.unique:
        output.write("UNIQUE ")
    output.write("INDEX ")
    if node.concurrent:
        output.write("CONCURRENTLY ")
    if node.if_not_exists:
        output.write("IF NOT EXISTS ")
    if node.idxname:
        output.print_name(node.idxname)
    output.newline()
    with output.push_indent(2):
        output.write("ON ")
        output.print_node(node.relation)
        if node.accessMethod != "btree":
            output.write("USING ")
            output.print_name(node.accessMethod)
        output.write(" ")
        with output.expression(True):
            output.print_list(node.indexParams or ())  # never empty: CREATE INDEX takes one at least
        if node.indexIncludingParams:
            output.write(" INCLUDE ")
            with output.expression(True):
                output.print_list(node.indexIncludingParams)
        if node.nulls_not_distinct:
            output.write(" NULLS NOT DISTINCT")
        if node.options:
            output.newline()
            output.write("WITH ")
            with output.expression(True):
                output.print_list(node.options)
        if node.tableSpace:
            output.newline()
            output.write("TABLESPACE ")
            output.print_name(node.tableSpace)
        if node.whereClause:
            output.newline()
            output.write("WHERE ")
            output.print_node(node.whereClause)


# ---------------------------------------------------------------------------
# Printing: JSON form -> pglast nodes -> SQL text.  Only needed for what a plan
# creates, so it is done lazily by callers that render.

_VALUE_NODES = {"ival": "Integer", "sval": "String", "fval": "Float", "boolval": "Boolean", "bsval": "BitString"}
_ABSTRACT = frozenset({"Node", "List", "Expr"})


def _to_pglast(x: Any) -> Any:
    if isinstance(x, list):
        return [_to_pglast(i) for i in x]
    if isinstance(x, dict):
        if len(x) == 1:
            (kind, body), = x.items()
            if kind == "List" and isinstance(body, dict):
                return [_to_pglast(i) for i in body.get("items", ())]
            if isinstance(body, dict) and kind[:1].isupper() and hasattr(ast, kind):
                return _typed(kind, body)
        return {k: _to_pglast(v) for k, v in x.items()}
    return x


def _typed(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    if kind == "A_Const":
        out: dict[str, Any] = {"@": "A_Const"}
        for k, v in body.items():
            if k in _VALUE_NODES:
                default = 0 if k == "ival" else False if k == "boolval" else ""
                out["val"] = {"@": _VALUE_NODES[k], k: v.get(k, default)}
            else:
                out[k] = v
        return out
    out = {"@": kind}
    slots = getattr(ast, kind).__slots__
    for k, v in body.items():
        info = slots.get(k) if isinstance(slots, dict) else None
        c_type = info.c_type if info is not None else ""
        target = c_type[:-1] if c_type.endswith("*") else ""
        if target and target not in _ABSTRACT and hasattr(ast, target) and isinstance(v, dict) and not (
                len(v) == 1 and next(iter(v)) == target):
            out[k] = _typed(target, v)
        else:
            out[k] = _to_pglast(v)
    return out


def to_node(node: dict[str, Any]) -> ast.Node:
    d = _to_pglast(node)
    out: ast.Node = getattr(ast, d["@"])(d)
    return out


def to_sql(node: dict[str, Any]) -> str:
    """Print pglast JSON as SQL.

    Functions written in SQL syntax (`x AT TIME ZONE 'utc'`, `(a, b) OVERLAPS (c, d)`,
    `EXTRACT(...)`) print as written: the server keeps the spelling, so a plan that printed
    `timezone('utc', x)` would leave a catalog that differs from the declared one.
    """
    return RawStream(special_functions=True)(to_node(node))
