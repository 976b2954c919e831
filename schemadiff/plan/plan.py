"""Plan: the ordered steps that take the live database to the declared schema."""
from __future__ import annotations

from dataclasses import dataclass

from ..diff import Change, diff_catalogs
from ..gcpause import gc_paused
from ..model import Catalog, QualifiedName
from ..render.ddl import Aux, render_change
from ..settings import duration_literal
from .hazards import Hazard, hazards_of
from .ordering import order_changes


@dataclass(frozen=True, slots=True)
class Step:
    sql: str
    change: Change | None  # None for session settings at the top of a plan
    hazards: tuple[Hazard, ...] = ()
    transactional: bool = True
    group: int = 0  # transactional steps of one group run in one transaction

    @property
    def destructive(self) -> bool:
        return any(h.kind == "data-loss" for h in self.hazards)

    @property
    def will_fail(self) -> bool:
        """Live rows make this statement fail (see live_checks.py)."""
        return any(h.kind == "will-fail" for h in self.hazards)


@dataclass(frozen=True, slots=True)
class Plan:
    steps: tuple[Step, ...]

    def __bool__(self) -> bool:
        return bool(self.steps)

    @property
    def destructive_steps(self) -> list[Step]:
        return [s for s in self.steps if s.destructive]

    @property
    def failing_steps(self) -> list[Step]:
        return [s for s in self.steps if s.will_fail]


_ONLY_ON_LIVE_DATA = frozenset({"blocks-reads", "blocks-writes", "validates", "index-build", "table-rewrite"})


def _table_of(change: Change) -> QualifiedName | None:
    table: QualifiedName | None = change.arg("table")
    if table is not None:
        return table
    obj = change.new or change.old
    table = getattr(obj, "table", None) if obj is not None else None
    return table


@dataclass(frozen=True)
class PlanOptions:
    online: bool = False
    lock_timeout: str | None = "5s"  # online mode only
    statement_timeout: str | None = None
    phase: str | None = None  # "expand" | "contract" | None (everything)


@gc_paused
def plan_changes(changes: list[Change], desired: Catalog | None = None,
                 options: PlanOptions = PlanOptions(), live: Catalog | None = None) -> Plan:
    """`live` (the database before the plan) lets online index builds reach partitions the files
    do not declare, such as those --exclude leaves out."""
    from .online import online_statements
    steps: list[Step] = []
    created = {c.new.name for c in changes if c.kind == "create_table"}
    group = 0
    if options.online and changes:  # no changes, no settings: a converged database plans to nothing
        for name in ("lock_timeout", "statement_timeout"):
            value = getattr(options, name)
            if value is not None:  # checked: only a number and a unit reach the plan's text
                steps.append(Step(f"SET {name} = {duration_literal(value)};", None, (), False))
    for change in order_changes(changes):
        hazards = hazards_of(change)
        fresh = _table_of(change) in created
        if fresh:
            # A table made by this plan is empty: locks and scans on it cost nothing.
            hazards = tuple(h for h in hazards if h.kind not in _ONLY_ON_LIVE_DATA)
        online = None
        if options.online and not fresh and desired is not None:
            online = online_statements(change, hazards, desired, live)
        if online is not None:
            for sql, transactional, own_hazards in online:
                group += 1
                steps.append(Step(sql, change, hazards if own_hazards is None else own_hazards, transactional,
                                  group))
            continue
        if options.online:
            group += 1
        statements = render_change(change)
        # A change whose statements are all auxiliary (an enum rebuilt with no column of it
        # left) still says its hazards once, on its first statement: none is ever dropped.
        working = next((i for i, sql in enumerate(statements) if not isinstance(sql, Aux)), 0)
        for i, sql in enumerate(statements):
            transactional = change.kind != "add_enum_value"
            own = hazards
            if isinstance(sql, Aux) and i != working:
                own = () if sql.locks is None or fresh else (
                    Hazard("blocks-reads", f"ACCESS EXCLUSIVE lock on {sql.locks} (brief)"),)
            steps.append(Step(str(sql), change, own, transactional, group))
    if options.online and options.lock_timeout is not None:
        steps = _no_lock_timeout_for_concurrent_builds(steps, options.lock_timeout)
    return Plan(tuple(steps))


def _no_lock_timeout_for_concurrent_builds(steps: list[Step], lock_timeout: str) -> list[Step]:
    """Lift lock_timeout around runs of CONCURRENTLY statements.

    A concurrent index build waits for every older transaction in the database, on any
    table; under lock_timeout one long report query anywhere fails the build and leaves an
    INVALID index behind. These statements never block reads or writes, so waiting is harmless.
    """
    out: list[Step] = []
    lifted = False
    for step in steps:
        concurrent = not step.transactional and " CONCURRENTLY " in step.sql
        if concurrent != lifted:
            value = "0" if concurrent else duration_literal(lock_timeout)
            out.append(Step(f"SET lock_timeout = {value};", None, (), False))
            lifted = concurrent
        out.append(step)
    return out


def plan_migration(current: Catalog, desired: Catalog, options: PlanOptions = PlanOptions()) -> Plan:
    changes = diff_catalogs(current, desired)
    if options.phase is not None:
        from .phases import split_phases
        expand, contract = split_phases(changes, current.server_version)
        changes = expand if options.phase == "expand" else contract
    return plan_changes(changes, desired, options, live=current)
