"""Renames (diff/renames.py) -> ALTER ... RENAME statements."""
from __future__ import annotations

from ..diff import Change
from ..model import QualifiedName, quote_ident, quote_literal
from .base import renders

q = quote_ident


def _qn(path: tuple) -> QualifiedName:
    return QualifiedName(path[0], path[1])


@renders("rename_schema")
def _(c: Change) -> list[str]:
    return [f"ALTER SCHEMA {q(c.old[0])} RENAME TO {q(c.new[0])};"]


def _relation(keyword: str):
    def render(c: Change) -> list[str]:
        kw = "MATERIALIZED VIEW" if keyword == "VIEW" and c.arg("materialized") else keyword
        if keyword == "TYPE" and c.arg("domain"):
            kw = "DOMAIN"
        return [f"ALTER {kw} {_qn(c.old)} RENAME TO {q(c.new[1])};"]
    return render


for _kind, _keyword in (("table", "TABLE"), ("view", "VIEW"), ("sequence", "SEQUENCE"), ("type", "TYPE"),
                        ("index", "INDEX")):
    renders(f"rename_{_kind}")(_relation(_keyword))


@renders("rename_function")
def _(c: Change) -> list[str]:
    return [f"ALTER {kind.upper()} {_qn(c.old)}({args}) RENAME TO {q(c.new[1])};"
            for args, kind in c.arg("signatures", ())]


@renders("rename_column")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {_qn(c.old)} RENAME COLUMN {q(c.old[2])} TO {q(c.new[2])};"]


@renders("rename_constraint")
def _(c: Change) -> list[str]:
    return [f"ALTER TABLE {_qn(c.old)} RENAME CONSTRAINT {q(c.old[2])} TO {q(c.new[2])};"]


@renders("rename_enum_value")
def _(c: Change) -> list[str]:
    return [f"ALTER TYPE {_qn(c.old)} RENAME VALUE {quote_literal(c.old[2])} TO {quote_literal(c.new[2])};"]
