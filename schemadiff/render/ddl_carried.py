"""SQL for carried kinds (model/objects.py `Carried`): their CREATE statement, DROP by name."""
from __future__ import annotations

from ..diff import Change
from .ddl import renders


@renders("create_carried")
@renders("create_carried_on_table")
def _(c: Change) -> list[str]:
    return [c.new.definition.sql + ";"]


@renders("drop_carried")
@renders("drop_carried_on_table")
def _(c: Change) -> list[str]:
    return [f"DROP {c.old.kind} {c.old.name};"]
