"""Hazards that say how big the table is: "rewrites public.events" means little until it says
"~48.0M rows, 12.3 GB"."""
from __future__ import annotations

from dataclasses import replace

from ..diff import Change
from ..introspect.sizes import TableSize
from ..model import QualifiedName, Table
from .hazards import Hazard
from .plan import Plan

# The hazards whose cost grows with the table: a lock held while it is scanned or rewritten,
# an index built over it, rows lost with it.
SIZED = frozenset({"table-rewrite", "blocks-writes", "blocks-reads", "validates", "index-build", "data-loss"})


def tables_touched(plan: Plan) -> set[QualifiedName]:
    """The tables the plan's hazardous statements lock, scan or rewrite."""
    found: set[QualifiedName] = set()
    for step in plan.steps:
        if step.change is not None and any(h.kind in SIZED for h in step.hazards):
            found.update(tables_of(step.change))
    return found


def with_table_sizes(plan: Plan, sizes: dict[QualifiedName, TableSize]) -> Plan:
    steps = []
    for step in plan.steps:
        known = [(qn, sizes[qn]) for qn in tables_of(step.change) if qn in sizes] if step.change is not None else []
        if known and any(h.kind in SIZED for h in step.hazards):
            text = "; ".join(f"{qn.display}: {size.describe()}" for qn, size in known)
            step = replace(step, hazards=tuple(Hazard(h.kind, f"{h.reason} [{text}]") if h.kind in SIZED else h
                                               for h in step.hazards))
        steps.append(step)
    return Plan(tuple(steps))


def tables_of(change: Change) -> list[QualifiedName]:
    """The existing tables a change locks or scans (a partition's parent included)."""
    out: list[QualifiedName] = []
    table = change.arg("table")
    if isinstance(table, QualifiedName):
        out.append(table)
    for obj in (change.new, change.old):
        if isinstance(obj, Table):
            out += [obj.name] + ([obj.partition_of] if obj.partition_of else [])
        elif isinstance(getattr(obj, "table", None), QualifiedName):
            out.append(obj.table)
    return list(dict.fromkeys(out))
