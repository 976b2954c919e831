"""SQL for carried kinds (model/objects.py `Carried`): their CREATE statement, DROP by name."""
from __future__ import annotations

from ..diff import Change
from .base import renders


@renders("create_carried")
@renders("create_carried_on_table")
def _(c: Change) -> list[str]:
    # A text search configuration is its CREATE and its ADD MAPPINGs: one statement per step.
    return [s + ";" for s in c.new.definition.sql.split(";\n")]


@renders("drop_carried")
@renders("drop_carried_on_table")
def _(c: Change) -> list[str]:
    return [f"DROP {c.old.kind} {c.old.name};"]


@renders("set_index_statistics")
def _(c: Change) -> list[str]:
    """ALTER INDEX ... ALTER COLUMN n SET STATISTICS m (pg_dump writes it for expression columns)."""
    before = dict(c.old.statistics) if c.old is not None else {}
    after = dict(c.new.statistics)
    out = [f"ALTER INDEX {c.new.name} ALTER COLUMN {n} SET STATISTICS {m};"
           for n, m in sorted(after.items()) if before.get(n) != m]
    out += [f"ALTER INDEX {c.new.name} ALTER COLUMN {n} SET STATISTICS -1;" for n in sorted(before) if n not in after]
    return out
