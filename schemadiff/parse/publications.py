"""CREATE / ALTER PUBLICATION, carried (parse/carried.py): what a publication publishes is its tables
(with column lists and row filters), its schemas and its options, whichever statements built it
(pg_dump writes CREATE PUBLICATION ... WITH (...) and one ALTER PUBLICATION ... ADD per table)."""
from __future__ import annotations

from typing import Any

import orjson

from ..errors import ParseError
from ..model import quote_ident, quote_literal
from ..model.exprs import canonical, to_sql
from .builder import Builder, Context, handles
from .nodes import const_value, strings, unwrap

ALTERS = 4
_ALL_ACTIONS = ("insert", "update", "delete", "truncate")


@handles("CreatePublicationStmt", ALTERS)
def create_publication(b: Builder, node: dict, ctx: Context) -> None:
    name = quote_ident(node["pubname"])
    if ("PUBLICATION", name) in b.carried:
        raise ParseError([(ctx.location, f"publication {node['pubname']} is declared twice")])
    d: dict[str, Any] = {"node": None, "origin": ctx.location, "comment": None, "uses": [],
         "publication": {"all": bool(node.get("for_all_tables")), "tables": {}, "schemas": set(),
                         "publish": set(_ALL_ACTIONS), "via_root": False}}
    b.carried[("PUBLICATION", name)] = d
    _options(d["publication"], node.get("options"))
    _add(b, d, node.get("pubobjects"), ctx)


@handles("AlterPublicationStmt", ALTERS)
def alter_publication(b: Builder, node: dict, ctx: Context) -> None:
    d = b.carried.get(("PUBLICATION", quote_ident(node["pubname"])))
    if d is None:
        raise ParseError([(ctx.location, f"publication {node['pubname']} is declared nowhere")])
    pub = d["publication"]
    _options(pub, node.get("options"))
    action = node.get("action", "AP_AddObjects")
    if action == "AP_SetObjects" and node.get("pubobjects"):
        pub["tables"], pub["schemas"] = {}, set()
    if action == "AP_DropObjects":
        for obj in node.get("pubobjects", ()):
            spec = unwrap(obj)[1]
            if spec["pubobjtype"] == "PUBLICATIONOBJ_TABLE":
                pub["tables"].pop(b.qualify(spec["pubtable"]["relation"], ctx, b.tables), None)
            else:
                pub["schemas"].discard(spec.get("name") or ctx.schema)
        return
    _add(b, d, node.get("pubobjects"), ctx)


def _options(pub: dict, options) -> None:
    for o in options or ():
        elem = unwrap(o)[1]
        value = str(const_value(elem.get("arg"))).lower()
        if elem["defname"] == "publish":
            pub["publish"] = {v.strip() for v in value.split(",") if v.strip()}
        elif elem["defname"] == "publish_via_partition_root":
            pub["via_root"] = value in ("true", "on", "1")


def _add(b: Builder, d: dict, objects, ctx: Context) -> None:
    pub = d["publication"]
    for obj in objects or ():
        spec = unwrap(obj)[1]
        if spec["pubobjtype"] == "PUBLICATIONOBJ_TABLE":
            t = spec["pubtable"]
            qn = b.qualify(t["relation"], ctx, b.tables)
            pub["tables"][qn] = (tuple(strings(t.get("columns"))), t.get("whereClause"))
            d["uses"].append(("relation", [qn.schema, qn.name]))
        else:
            pub["schemas"].add(spec.get("name") or ctx.schema)


def publication_definition(name: str, d: dict) -> tuple[str, str]:
    """(key, SQL) of a publication: the SQL is CREATE PUBLICATION with everything in it."""
    pub = d["publication"]
    tables = sorted(pub["tables"].items())
    key = {"all": pub["all"], "schemas": sorted(pub["schemas"]), "via_root": pub["via_root"],
           "publish": sorted(pub["publish"]),
           "tables": [(str(qn), cols, canonical(where) if where else None) for qn, (cols, where) in tables]}
    parts = []
    for qn, (cols, where) in tables:
        text = f"TABLE ONLY {qn}"
        if cols:
            text += f" ({', '.join(quote_ident(c) for c in cols)})"
        if where:
            text += f" WHERE ({to_sql(where)})"
        parts.append(text)
    parts += [f"TABLES IN SCHEMA {quote_ident(s)}" for s in sorted(pub["schemas"])]
    target = " FOR ALL TABLES" if pub["all"] else (" FOR " + ", ".join(parts) if parts else "")
    publish = ", ".join(a for a in _ALL_ACTIONS if a in pub["publish"])
    options = f"publish = {quote_literal(publish)}"
    if pub["via_root"]:
        options += ", publish_via_partition_root = true"
    return orjson.dumps(key).decode(), f"CREATE PUBLICATION {name}{target} WITH ({options})"


__all__ = ["create_publication", "alter_publication", "publication_definition"]
