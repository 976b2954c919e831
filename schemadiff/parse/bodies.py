"""SQL-standard function bodies (BEGIN ATOMIC ... END, RETURN expr) in one canonical shape.

The server keeps such a body as parse trees and prints them back (pg_get_functiondef) the way it
prints a view: columns qualified with their relation, output names spelled out (`count(*) AS
count`), an INSERT's target columns listed, and every argument qualified with the function's
name (`f.x`) as soon as the statement has a range table.  A file writes none of that, so both
spellings go through the view normalizer (views.py) statement by statement, and arguments are
then written one way: their bare name, whether the text said `f.x`, `x` or `$1`.
"""
from __future__ import annotations

import copy

from ..model import QualifiedName
from .nodes import strings, unwrap
from .views import Columns, ViewNormalizer, _Scope

_DML = ("InsertStmt", "UpdateStmt", "DeleteStmt")


def normalize_body(body: dict, function: str, inputs: list[str | None], columns_of: Columns) -> dict:
    """A canonical-shaped copy of a CreateFunctionStmt's sql_body.

    `inputs` are the names of the input arguments in order ($1, $2 ...; None when unnamed)."""
    out = copy.deepcopy(body)
    normalizer = ViewNormalizer(columns_of)
    if "ReturnStmt" in out:
        normalizer._expr(out["ReturnStmt"].get("returnval"), _Scope(None), [])
    else:
        for stmt in _statements(out):
            _statement(normalizer, stmt, columns_of)
    _unqualify_arguments(out, function, inputs)
    return out


def _statements(body: dict) -> list[dict]:
    """The statements of a BEGIN ATOMIC body: a List holding one List of statements."""
    items = body.get("List", {}).get("items", [])
    if len(items) == 1 and "List" in items[0]:
        items = items[0]["List"].get("items", [])
    return [s for s in items if isinstance(s, dict)]


def _statement(normalizer: ViewNormalizer, stmt: dict, columns_of: Columns) -> None:
    kind, node = unwrap(stmt)
    normalizer.counter = 0
    if kind == "SelectStmt":
        normalizer._select(stmt, None)
    elif kind in _DML:
        _dml(normalizer, kind, node, columns_of)


def _dml(normalizer: ViewNormalizer, kind: str, node: dict, columns_of: Columns) -> None:
    """INSERT / UPDATE / DELETE: the target relation (and USING / FROM items) are the scope of
    the statement's expressions; an INSERT's source query does not see its target."""
    scope = _Scope(None)
    if kind == "InsertStmt":
        source = node.get("selectStmt")
        if source:
            normalizer._select(source, None)
        if not node.get("cols"):
            rel = node["relation"]
            columns = columns_of(QualifiedName(rel.get("schemaname") or normalizer.default_schema, rel["relname"]))
            width = _width(source)
            if columns and width is not None and width <= len(columns):
                node["cols"] = [{"ResTarget": {"name": c}} for c in columns[:width]]
    normalizer._from({"RangeVar": node["relation"]}, scope)
    for key in ("usingClause", "fromClause"):
        for item in node.get(key) or ():
            normalizer._from(item, scope)
    for key, value in node.items():
        if key not in ("relation", "usingClause", "fromClause", "selectStmt", "cols", "withClause"):
            normalizer._expr(value, scope, [])


def _width(source: dict | None) -> int | None:
    """How many columns an INSERT's VALUES or SELECT gives (None when a star hides it)."""
    if not source:
        return None
    s = source.get("SelectStmt", source)
    if s.get("valuesLists"):
        first = s["valuesLists"][0]
        return len(first.get("List", {}).get("items", []))
    targets = s.get("targetList") or []
    if any("A_Star" in str(unwrap(t)[1].get("val", "")) for t in targets):
        return None
    return len(targets) or None


def _unqualify_arguments(x, function: str, inputs: list[str | None]) -> None:
    """`f.x` and `$1` -> `x`, in place."""
    names = {n for n in inputs if n}
    if isinstance(x, list):
        for i, v in enumerate(x):
            if isinstance(v, dict) and "ParamRef" in v:
                x[i] = _named_param(v, inputs)
            else:
                _unqualify_arguments(v, function, inputs)
        return
    if not isinstance(x, dict):
        return
    ref = x.get("ColumnRef")
    if ref is not None:
        fields = strings(ref.get("fields"))
        if len(fields) == 2 and fields[0] == function and fields[1] in names and len(ref["fields"]) == 2:
            ref["fields"] = ref["fields"][1:]
        return
    for k, v in x.items():
        if isinstance(v, dict) and "ParamRef" in v:
            x[k] = _named_param(v, inputs)
        else:
            _unqualify_arguments(v, function, inputs)


def _named_param(node: dict, inputs: list[str | None]) -> dict:
    number = node["ParamRef"].get("number", 0)
    if 1 <= number <= len(inputs) and inputs[number - 1]:
        return {"ColumnRef": {"fields": [{"String": {"sval": inputs[number - 1]}}]}}
    return node
