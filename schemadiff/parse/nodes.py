"""Small readers for pglast's JSON nodes."""
from __future__ import annotations

from typing import Any


def strings(items: Any) -> list[str]:
    """[{"String": {"sval": "a"}}, ...] -> ["a", ...]"""
    out = []
    for i in items or ():
        if isinstance(i, dict) and "String" in i:
            out.append(i["String"].get("sval", ""))
        elif isinstance(i, dict) and "List" in i:
            out.extend(strings(i["List"].get("items")))
    return out


def unwrap(node: dict | None) -> tuple[str, dict]:
    """{"Kind": {...}} -> ("Kind", {...})"""
    if not node:
        return "", {}
    (kind, body), = node.items()
    return kind, body


def def_elems(options: Any) -> dict[str, Any]:
    """A list of DefElem -> {defname: arg JSON (None when absent)}."""
    out = {}
    for o in options or ():
        kind, body = unwrap(o)
        if kind == "DefElem":
            out[body["defname"]] = body.get("arg")
    return out


def const_value(node: Any) -> Any:
    """The Python value of an Integer/Float/String/Boolean/A_Const/TypeName-as-name node."""
    if node is None:
        return None
    if isinstance(node, list):
        return [const_value(n) for n in node]
    kind, body = unwrap(node)
    if kind == "Integer":
        return body.get("ival", 0)
    if kind == "Float":
        return body.get("fval", "0")
    if kind == "String":
        return body.get("sval", "")
    if kind == "Boolean":
        return bool(body.get("boolval", False))
    if kind == "A_Const":
        for k in ("ival", "fval", "sval", "boolval"):
            if k in body:
                return const_value({k[0].upper() + {"ival": "nteger", "fval": "loat", "sval": "tring",
                                                       "boolval": "oolean"}[k]: body[k]})
        return None
    if kind == "TypeName":
        return ".".join(strings(body.get("names")))
    if kind == "List":
        return [const_value(i) for i in body.get("items", ())]
    return None


def def_names(arg) -> list[str]:
    """The dotted name a DefElem argument spells (`SFUNC = app.step`, `PARSER = pg_catalog.default`),
    whether pglast gives it as a TypeName, a List or a String."""
    kind, body = unwrap(arg)
    if kind == "TypeName":
        return strings(body.get("names"))
    if kind == "List":
        return strings(body.get("items"))
    if kind == "String":
        return [body["sval"]]
    return [str(const_value(arg))]
