"""Hazards checked against the live rows: what will fail is said before apply, not found during it.

Why: `ADD COLUMN ... NOT NULL` on a table with rows, `SET NOT NULL` over NULLs, a narrowing
type change, a new CHECK, UNIQUE or FOREIGN KEY that rows violate, an enum value still in use:
each fails on the server halfway through a migration, after a lock was taken and earlier groups
ran.  One cheap bounded query per such step (EXISTS-like counts capped at ROW_CAP, under a
statement_timeout, read-only) tells in advance.  Identifiers are quoted and values passed as
parameters; the only SQL text taken from the schema is the constraint expression, which the plan
itself is about to run.  A check that cannot run (timeout, privilege, an object the plan has not
made yet) says so as an `unverified` hazard rather than guessing.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from psycopg import sql

from ..diff import Change
from ..model import Constraint, QualifiedName
from .hazards import Hazard, narrowing
from .plan import Plan

ROW_CAP = 10_000  # counts stop here: "10,000+ rows" is enough to know
STATEMENT_TIMEOUT_MS = 2_000

_INT_RANGE = {"smallint": (-2 ** 15, 2 ** 15 - 1), "integer": (-2 ** 31, 2 ** 31 - 1),
              "bigint": (-2 ** 63, 2 ** 63 - 1)}
_LENGTH_TYPES = ("character varying", "character", "bit varying", "bit")


def _table(qn: QualifiedName) -> sql.Composable:
    return sql.SQL("{}.{}").format(sql.Identifier(qn.schema), sql.Identifier(qn.name))


def _rows(n: int) -> str:
    return f"{n:,}+ rows" if n >= ROW_CAP else f"{n:,} row" + ("" if n == 1 else "s")


def _message(template: str, n: int) -> str:
    """`template` with the count and its verbs agreeing: "1 row has", "2 rows have"."""
    one = n == 1
    values = _rows(n).replace("row", "value")
    return template.format(n=_rows(n), values=values, have="has" if one else "have", are="is" if one else "are",
                           hold="holds" if one else "hold", violate="violates" if one else "violate",
                           reference="references" if one else "reference")


class _Check:
    """One query: rows matching it make the step fail."""

    def __init__(self, query: sql.Composed, params: tuple[object, ...], message: str):
        self.query, self.params, self.message = query, params, message


def _capped(where: sql.Composable, table: QualifiedName) -> sql.Composed:
    return sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) AS s").format(
        _table(table), where, sql.Literal(ROW_CAP))


def _checks(change: Change, created: set[QualifiedName], new_columns: set[tuple[QualifiedName, str]]
            ) -> list[_Check] | str:
    """The queries for one change, or why it cannot be checked (a message), or [] for nothing to check."""
    kind = change.kind
    table = change.arg("table")
    if table is not None and table in created:
        return []  # a table this plan creates is empty
    if kind == "add_column":
        col = change.new
        if col.not_null and col.default is None and col.identity is None and col.generated is None:
            return [_Check(_capped(sql.SQL("true"), table), (),
                           f"{table.display} has {{n}}, and the new column {col.name} is NOT NULL without a default")]
    elif kind == "set_not_null" and change.new.not_null:
        if (table, change.new.name) in new_columns:
            return []
        return [_Check(_capped(sql.SQL("{} IS NULL").format(sql.Identifier(change.new.name)), table), (),
                       f"{{n}} {{have}} NULL in {table.display}.{change.new.name}")]
    elif kind == "alter_column_type":
        return _narrowing_checks(change, table)
    elif kind == "add_constraint" and change.new.validated:
        if any((table, c) in new_columns for c in change.new.columns):
            return "uses a column this plan adds"
        return _constraint_checks(change.new, table, created)
    elif kind == "rebuild_enum":
        gone = [v for v in change.old.labels if v not in change.new.labels]
        out = []
        for t, col, is_array, *_ in change.arg("columns", ()):
            if gone and t not in created:
                test = "{}::text[] && %s::text[]" if is_array else "{}::text = ANY(%s::text[])"
                out.append(_Check(_capped(sql.SQL(test).format(sql.Identifier(col)), t), (gone,),
                                  f"{{n}} of {t.display}.{col} {{hold}} the removed value(s) {', '.join(gone)}"))
        return out
    return []


def _narrowing_checks(change: Change, table: QualifiedName) -> list[_Check]:
    old, new = change.old.type, change.new.type
    if not narrowing(old, new):
        return []
    col = sql.Identifier(change.new.name)
    stem, _, rest = new.partition("(")
    if stem in _LENGTH_TYPES and rest[:-1].isdigit():
        limit = int(rest[:-1])
        return [_Check(_capped(sql.SQL("length({}::text) > %s").format(col), table), (limit,),
                       f"{{n}} of {table.display}.{change.new.name} {{are}} longer than {limit} ({old} -> {new})")]
    if new in _INT_RANGE and old in ("bigint", "integer", "numeric", "smallint"):
        low, high = _INT_RANGE[new]
        return [_Check(_capped(sql.SQL("{} NOT BETWEEN %s AND %s").format(col), table), (low, high),
                       f"{{n}} of {table.display}.{change.new.name} {{are}} out of range for {new}")]
    return []


def _constraint_checks(con: Constraint, table: QualifiedName, created: set[QualifiedName]) -> list[_Check] | str:
    if con.kind == "c":
        expr = _check_expression(con.definition.sql)
        if expr is None:
            return "its expression could not be read"
        # Rows where the expression is false fail it (NULL passes a CHECK).
        return [_Check(_capped(sql.SQL("NOT ({})").format(sql.SQL(expr)), table), (),
                       f"{{n}} of {table.display} {{violate}} {con.name}")]
    if con.kind in ("p", "u"):
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in con.columns)
        distinct_nulls = con.kind == "u" and not _nulls_not_distinct(con.definition.sql)
        where = sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(sql.Identifier(c)) for c in con.columns) \
            if distinct_nulls else sql.SQL("true")
        query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} GROUP BY {} HAVING count(*) > 1 LIMIT {}) s"
                        ).format(_table(table), where, cols, sql.Literal(ROW_CAP))
        out = [_Check(query, (), f"{{values}} in {table.display} ({', '.join(con.columns)}) {{are}} "
                                 f"duplicated, which {con.name} forbids")]
        if con.kind == "p":
            nulls = sql.SQL(" OR ").join(sql.SQL("{} IS NULL").format(sql.Identifier(c)) for c in con.columns)
            out.append(_Check(_capped(nulls, table), (), f"{{n}} of {table.display} {{have}} NULL in the key of {con.name}"))
        return out
    if con.kind == "f" and con.ref_table is not None and con.columns and len(con.columns) == len(con.ref_columns):
        present = sql.SQL(" AND ").join(sql.SQL("c.{} IS NOT NULL").format(sql.Identifier(c)) for c in con.columns)
        if con.ref_table in created:
            where = present  # the referenced table starts empty: every non-NULL key is an orphan
        else:
            match = sql.SQL(" AND ").join(sql.SQL("r.{} = c.{}").format(sql.Identifier(r), sql.Identifier(c))
                                          for c, r in zip(con.columns, con.ref_columns))
            where = sql.SQL("{} AND NOT EXISTS (SELECT 1 FROM {} AS r WHERE {})").format(
                present, _table(con.ref_table), match)
        query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} AS c WHERE {} LIMIT {}) s").format(
            _table(table), where, sql.Literal(ROW_CAP))
        return [_Check(query, (), f"{{n}} of {table.display} {{reference}} no row of {con.ref_table.display} "
                                  f"({con.name})")]
    return []


def _constraint_node(definition: str) -> dict[str, Any] | None:
    import json

    from pglast import parser
    try:
        tree = json.loads(parser.parse_sql_json(f"ALTER TABLE t ADD CONSTRAINT c {definition}"))
        cmd = tree["stmts"][0]["stmt"]["AlterTableStmt"]["cmds"][0]["AlterTableCmd"]
        node: dict[str, Any] = cmd["def"]["Constraint"]
        return node
    except Exception:  # pglast raises several kinds; unreadable means "not checked"
        return None


def _check_expression(definition: str) -> str | None:
    from pglast import ast, parser
    from pglast.stream import RawStream
    node = _constraint_node(definition)
    if node is None or "raw_expr" not in node:
        return None
    try:
        stmt = parser.parse_sql(f"ALTER TABLE t ADD CONSTRAINT c {definition}")[0].stmt
        assert isinstance(stmt, ast.AlterTableStmt) and stmt.cmds  # what that text parses to
        return RawStream()(stmt.cmds[0].def_.raw_expr)
    except Exception:
        return None


def _nulls_not_distinct(definition: str) -> bool:
    node = _constraint_node(definition)
    return bool(node and node.get("nulls_not_distinct"))


def with_row_checks(plan: Plan, dsn: str) -> Plan:
    """The plan with a `will-fail` hazard on each step that live rows make fail, and an
    `unverified` one where the check could not run."""
    changes = [s.change for s in plan.steps if s.change is not None]
    created = {c.new.name for c in changes if c.kind == "create_table"}
    new_columns = {(c.arg("table"), c.new.name) for c in changes if c.kind == "add_column"}
    found: dict[int, tuple[Hazard, ...]] = {}
    todo = []
    for change in {id(c): c for c in changes}.values():  # a change rendered as several steps: once
        checks = _checks(change, created, new_columns)
        if isinstance(checks, str):
            found[id(change)] = (Hazard("unverified", f"rows not checked: {checks}"),)
        elif checks:
            todo.append((change, checks))
    if todo:
        found.update(_run(dsn, todo))
    if not found:
        return plan
    steps = []
    for step in plan.steps:
        extra = found.get(id(step.change), ()) if step.change is not None else ()
        steps.append(replace(step, hazards=tuple(sorted(set(step.hazards) | set(extra)))) if extra else step)
    return Plan(tuple(steps))


def _run(dsn: str, todo: Iterable[tuple[Change, list[_Check]]]) -> dict[int, tuple[Hazard, ...]]:
    import psycopg

    from ..connect import connect, scalar
    out: dict[int, tuple[Hazard, ...]] = {}
    with connect(dsn) as conn:
        for change, checks in todo:
            hazards = []
            for check in checks:
                try:
                    with conn.transaction():
                        conn.execute("SET TRANSACTION READ ONLY")
                        conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(
                            sql.Literal(STATEMENT_TIMEOUT_MS)))
                        n = scalar(conn, check.query, check.params)
                except psycopg.errors.QueryCanceled:
                    hazards.append(Hazard("unverified", f"rows not checked: the check took over "
                                                        f"{STATEMENT_TIMEOUT_MS / 1000:g}s"))
                    continue
                except psycopg.Error as exc:
                    reason = (exc.diag.message_primary or str(exc)).strip()
                    hazards.append(Hazard("unverified", f"rows not checked: {reason}"))
                    continue
                if n:
                    hazards.append(Hazard("will-fail", _message(check.message, n)))
            if hazards:
                out[id(change)] = tuple(hazards)
    return out
