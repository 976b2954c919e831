"""Corrections to pglast's SQL printers, registered once on import (model/exprs.py imports this).

Why: plans print what pglast prints, and a printer that puts a clause where the
grammar does not take it makes a plan that fails.  pglast 8 prints an index's
NULLS NOT DISTINCT after its WHERE clause; the grammar wants it right after the
column list and INCLUDE, before WITH, TABLESPACE and WHERE.
"""
from __future__ import annotations

from pglast import ast
from pglast.printers import node_printer


@node_printer(ast.IndexStmt, override=True)
def index_stmt(node, output):
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
            output.print_list(node.indexParams)
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
