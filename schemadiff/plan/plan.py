"""Plan: the ordered steps that take the live database to the declared schema."""
from __future__ import annotations

from dataclasses import dataclass

from ..diff import Change, diff_catalogs
from ..model import Catalog
from ..render.ddl import render_change
from .hazards import Hazard, hazards_of
from .ordering import order_changes


@dataclass(frozen=True, slots=True)
class Step:
    sql: str
    change: Change
    hazards: tuple[Hazard, ...] = ()
    transactional: bool = True

    @property
    def destructive(self) -> bool:
        return any(h.kind == "data-loss" for h in self.hazards)


@dataclass(frozen=True, slots=True)
class Plan:
    steps: tuple[Step, ...]

    def __bool__(self) -> bool:
        return bool(self.steps)

    @property
    def destructive_steps(self) -> list[Step]:
        return [s for s in self.steps if s.destructive]


_ONLY_ON_LIVE_DATA = frozenset({"blocks-reads", "blocks-writes", "validates", "index-build", "table-rewrite"})


def _table_of(change: Change):
    for name in ("table",):
        if change.arg(name) is not None:
            return change.arg(name)
    obj = change.new or change.old
    return getattr(obj, "table", None) if obj is not None else None


def plan_changes(changes: list[Change]) -> Plan:
    steps = []
    created = {c.new.name for c in changes if c.kind == "create_table"}
    for change in order_changes(changes):
        hazards = hazards_of(change)
        if _table_of(change) in created:
            # A table made by this plan is empty: locks and scans on it cost nothing.
            hazards = tuple(h for h in hazards if h.kind not in _ONLY_ON_LIVE_DATA)
        for sql in render_change(change):
            transactional = not (change.kind == "add_enum_value")
            steps.append(Step(sql, change, hazards, transactional))
    return Plan(tuple(steps))


def plan_migration(current: Catalog, desired: Catalog) -> Plan:
    return plan_changes(diff_catalogs(current, desired))
