"""View queries in one canonical shape, whoever wrote them.

The server stores a view as a parse tree and prints it back (pg_get_viewdef)
with every column qualified, `*` expanded, output names spelled out, GROUP BY
and ORDER BY positions replaced by expressions, set-operation branches after
the first given the first one's names, and range aliases renamed to be unique
(`o` becomes `o_1` in a subquery).  A user writes none of that.  So both
spellings are rewritten here into one shape, using the catalog's columns:
aliases become positional (r1, r2, ... in the order of a fixed walk), every
column reference is qualified with the alias it resolves to, stars are
expanded, and every output column has its name.  The result then goes
through the ordinary expression canonicalizer.
"""
from __future__ import annotations

import copy
from typing import Callable

from ..model import QualifiedName
from .nodes import strings, unwrap

Columns = Callable[[QualifiedName], list[str] | None]


class _Scope:
    def __init__(self, parent: "_Scope | None"):
        self.parent = parent
        self.entries: list[tuple[str, str, list[str] | None]] = []  # (original alias, canonical alias, columns)
        self.ctes: dict[str, list[str] | None] = parent.ctes.copy() if parent else {}

    def find_alias(self, alias: str | None) -> tuple[str, list[str] | None] | None:
        s: _Scope | None = self
        while s is not None:
            for orig, canon, cols in reversed(s.entries):
                if orig == alias:
                    return canon, cols
            s = s.parent
        return None

    def find_column(self, col: str) -> str | None:
        s: _Scope | None = self
        while s is not None:
            hits = [canon for _, canon, cols in s.entries if cols is not None and col in cols]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1 or any(cols is None for _, _, cols in s.entries):
                return None  # ambiguous (USING joins) or unknown relation: leave it as written
            s = s.parent
        return None


class ViewNormalizer:
    def __init__(self, columns_of: Columns, default_schema: str = "public"):
        self.columns_of = columns_of
        self.default_schema = default_schema
        self.counter = 0

    def normalize(self, query: dict, names: list[str] | None = None) -> tuple[dict, list[str]]:
        """(canonical-shaped copy of a SELECT, its output column names)."""
        self.counter = 0
        q = copy.deepcopy(query)
        out = self._select(q, None)
        if names:
            self._rename_outputs(q, names)
            out = names + out[len(names):]
        return q, out

    # -- statements ---------------------------------------------------------------------------
    def _select(self, node: dict, parent: _Scope | None) -> list[str]:
        s = _select_body(node)
        if s is None:
            return []
        scope = _Scope(parent)
        wc = s.get("withClause")
        if wc:
            for cte in unwrap(wc)[1].get("ctes", ()) if "WithClause" in wc else wc.get("ctes", ()):
                c = unwrap(cte)[1]
                cols = self._select(c["ctequery"], scope)
                scope.ctes[c["ctename"]] = strings(c.get("aliascolnames")) or cols
        if s.get("op") and s["op"] != "SETOP_NONE":
            left = self._select(s["larg"], scope)
            self._select(s["rarg"], scope)
            self._drop_names(s["rarg"])
            for k in ("sortClause",):
                for item in s.get(k, ()):
                    self._expr(item, scope, [])
            return left
        for item in s.get("fromClause", ()):
            self._from(item, scope)
        targets = s.get("targetList", ())
        s["targetList"] = targets = self._expand_stars(targets, scope)
        outputs = []
        for t in targets:
            rt = unwrap(t)[1]
            if "val" in rt:
                self._expr(rt["val"], scope, [])
                if not rt.get("name"):
                    rt["name"] = _natural_name(rt["val"])
                outputs.append(rt["name"])
        for k in ("whereClause", "havingClause"):
            if s.get(k):
                self._expr(s[k], scope, [])
        target_vals = [unwrap(t)[1].get("val") for t in targets]
        for k in ("groupClause", "sortClause", "distinctClause"):
            items = s.get(k)
            if not items:
                continue
            for i, item in enumerate(items):
                if k == "sortClause":
                    sb = unwrap(item)[1]
                    sb["node"] = self._positional(sb["node"], target_vals, outputs, scope)
                    if sb.get("sortby_dir") == "SORTBY_ASC":
                        sb.pop("sortby_dir")
                elif item:
                    items[i] = self._positional(item, target_vals, outputs, scope)
        for k in ("limitCount", "limitOffset"):
            if s.get(k):
                self._expr(s[k], scope, [])
        for v in s.get("valuesLists", ()) or ():
            self._expr(v, scope, [])
        return outputs

    def _positional(self, node: dict, target_vals: list, outputs: list[str], scope: _Scope) -> dict:
        """GROUP BY 1 / ORDER BY alias -> the target expression itself (as the server prints it)."""
        if "A_Const" in node and "ival" in node["A_Const"]:
            n = node["A_Const"]["ival"].get("ival", 0)
            if 1 <= n <= len(target_vals) and target_vals[n - 1] is not None:
                return copy.deepcopy(target_vals[n - 1])
        if "ColumnRef" in node:
            fields = strings(node["ColumnRef"].get("fields"))
            if len(fields) == 1 and fields[0] in outputs and scope.find_column(fields[0]) is None:
                return copy.deepcopy(target_vals[outputs.index(fields[0])])
        self._expr(node, scope, [])
        return node

    def _drop_names(self, node: dict) -> None:
        s = _select_body(node)
        if s is None:  # as _select: a query (or set-operation branch) is always a select body
            return
        if s.get("op") and s["op"] != "SETOP_NONE":
            self._drop_names(s["larg"])
            self._drop_names(s["rarg"])
            return
        for t in s.get("targetList", ()):
            unwrap(t)[1].pop("name", None)

    def _rename_outputs(self, node: dict, names: list[str]) -> None:
        s = _select_body(node)
        if s is None:  # as _select: a query (or set-operation branch) is always a select body
            return
        if s.get("op") and s["op"] != "SETOP_NONE":
            self._rename_outputs(s["larg"], names)
            return
        for t, name in zip(s.get("targetList", ()), names):
            unwrap(t)[1]["name"] = name

    # -- FROM ----------------------------------------------------------------------------------
    def _alias(self) -> str:
        self.counter += 1
        return f"r{self.counter}"

    def _from(self, item: dict, scope: _Scope) -> None:
        kind, f = unwrap(item)
        if kind == "RangeVar":
            orig = (f.get("alias") or {}).get("aliasname") or f["relname"]
            canon = self._alias()
            if f.get("schemaname") in (self.default_schema,):
                f.pop("schemaname")
            cols = None
            if not f.get("schemaname") and f["relname"] in scope.ctes:
                cols = scope.ctes[f["relname"]]
            else:
                cols = self.columns_of(QualifiedName(f.get("schemaname") or self.default_schema, f["relname"]))
            alias_cols = strings((f.get("alias") or {}).get("colnames"))
            if alias_cols and cols:
                cols = alias_cols + cols[len(alias_cols):]
            f["alias"] = {"aliasname": canon, **({"colnames": (f.get("alias") or {}).get("colnames")}
                                                 if alias_cols else {})}
            f.pop("inh", None)
            f.pop("relpersistence", None)
            f.pop("location", None)
            scope.entries.append((orig, canon, cols))
        elif kind == "RangeSubselect":
            inner = self._select(f["subquery"], scope if f.get("lateral") else scope.parent or _Scope(None))
            orig = f["alias"]["aliasname"]
            canon = self._alias()
            alias_cols = strings(f["alias"].get("colnames"))
            cols = alias_cols + inner[len(alias_cols):] if alias_cols else inner
            f["alias"] = {"aliasname": canon, **({"colnames": f["alias"]["colnames"]} if alias_cols else {})}
            scope.entries.append((orig, canon, cols))
        elif kind == "JoinExpr":
            self._from(f["larg"], scope)
            self._from(f["rarg"], scope)
            if f.get("quals"):
                self._expr(f["quals"], scope, [])
            if f.get("alias"):
                f["alias"]["aliasname"] = self._alias()
        elif kind == "RangeFunction":
            orig = ((f.get("alias") or {}).get("aliasname"))
            self._expr(f.get("functions"), scope, [])
            if orig:
                canon = self._alias()
                f["alias"]["aliasname"] = canon
                scope.entries.append((orig, canon, strings(f["alias"].get("colnames")) or None))
            else:
                scope.entries.append(("", "", None))

    # -- expressions ------------------------------------------------------------------------------
    def _expr(self, x, scope: _Scope, path: list) -> None:
        if isinstance(x, list):
            for v in x:
                self._expr(v, scope, path)
            return
        if not isinstance(x, dict):
            return
        if "ColumnRef" in x:
            self._column_ref(x["ColumnRef"], scope)
            return
        if "SubLink" in x:
            sl = x["SubLink"]
            if sl.get("testexpr"):
                self._expr(sl["testexpr"], scope, path)
            self._select(sl["subselect"], scope)
            return
        if "SelectStmt" in x:
            self._select(x, scope)
            return
        for v in x.values():
            self._expr(v, scope, path)

    def _column_ref(self, ref: dict, scope: _Scope) -> None:
        fields = ref.get("fields", [])
        names = [unwrap(f)[1].get("sval") if "String" in f else None for f in fields]
        if len(names) >= 2 and names[0] is not None:
            hit = scope.find_alias(names[-2] if len(names) == 3 else names[0])
            if hit is not None:
                rest = fields[-1:] if len(names) == 3 else fields[1:]
                ref["fields"] = [{"String": {"sval": hit[0]}}, *rest]
        elif len(names) == 1 and names[0] is not None:
            canon = scope.find_column(names[0])
            if canon is not None:
                ref["fields"] = [{"String": {"sval": canon}}, *fields]

    def _expand_stars(self, targets: list, scope: _Scope) -> list:
        out = []
        for t in targets:
            rt = unwrap(t)[1]
            val = rt.get("val", {})
            fields = val.get("ColumnRef", {}).get("fields") if isinstance(val, dict) else None
            if fields and "A_Star" in fields[-1]:
                prefix = [unwrap(f)[1].get("sval") for f in fields[:-1]]
                entries: list[tuple[str | None, str, list[str] | None]]
                if prefix:
                    hit = scope.find_alias(prefix[-1])
                    entries = [(prefix[-1], hit[0], hit[1])] if hit else []
                else:
                    entries = list(scope.entries)
                if entries and all(cols is not None for _, _, cols in entries):
                    for _, canon, cols in entries:
                        for col in cols or ():  # not None: all() above
                            out.append({"ResTarget": {"val": {"ColumnRef": {"fields": [
                                {"String": {"sval": canon}}, {"String": {"sval": col}}]}}, "name": col}})
                    continue
            out.append(t)
        return out


def _select_body(node: dict) -> dict | None:
    """SelectStmt bodies come wrapped ({"SelectStmt": {...}}) or bare (set-operation branches)."""
    if len(node) == 1 and "SelectStmt" in node:
        return node["SelectStmt"]
    if "targetList" in node or "op" in node or "valuesLists" in node:
        return node
    return None


def _natural_name(val: dict) -> str:
    """The output name the server gives an unnamed target (FigureColname)."""
    kind, v = unwrap(val)
    if kind == "ColumnRef":
        last = v["fields"][-1]
        return unwrap(last)[1].get("sval", "?column?") if "String" in last else "?column?"
    if kind == "FuncCall":
        return strings(v["funcname"])[-1]
    if kind == "TypeCast":
        inner = _natural_name(v["arg"])
        if inner != "?column?":
            return inner
        names = strings(v["typeName"].get("names"))
        return names[-1] if names else "?column?"
    if kind == "CoalesceExpr":
        return "coalesce"
    if kind == "CaseExpr":
        return "case"
    if kind == "MinMaxExpr":
        return "greatest" if v.get("op") == "IS_GREATEST" else "least"
    if kind == "SubLink":
        if v.get("subLinkType") == "EXISTS_SUBLINK":
            return "exists"
        if v.get("subLinkType") == "ARRAY_SUBLINK":
            return "array"
        sub = _select_body(v["subselect"]) or {}
        targets = sub.get("targetList") or ()
        if targets:
            rt = unwrap(targets[0])[1]
            return rt.get("name") or _natural_name(rt["val"])
    if kind == "A_ArrayExpr":
        return "array"
    if kind == "SQLValueFunction":
        return v.get("op", "").removeprefix("SVFOP_").lower()
    if kind == "RowExpr":
        return "row"
    return "?column?"
