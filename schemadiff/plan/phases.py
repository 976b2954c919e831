"""Expand / contract: the additive half of a migration first, the destructive half last.

Why: a live migration copies data between the two halves (new tables filled, old ones still
read by the running application).  Expand holds everything that only adds or widens;
contract holds drops, data loss, revocations and constraint tightening (NOT NULL, new
constraints), which may only run once the data is in place.  A change that needs a contract
change to run first moves to contract with it, so each half stays orderable on its own.
"""
from __future__ import annotations

from ..diff import Change
from .hazards import hazards_of
from .ordering import dependency_edges

CONTRACT_KINDS = frozenset({"add_constraint", "revoke", "revoke_default", "detach_partition", "rebuild_enum"})


def is_contract(change: Change) -> bool:
    if change.kind.startswith("drop_") or change.kind in CONTRACT_KINDS:
        return True
    if change.kind == "set_not_null" and change.new.not_null:
        return True
    return any(h.kind == "data-loss" for h in hazards_of(change))


def split_phases(changes: list[Change]) -> tuple[list[Change], list[Change]]:
    contract = {i for i, c in enumerate(changes) if is_contract(c)}
    edges = dependency_edges(changes)
    moved = True
    while moved:
        moved = False
        for before, after in edges:
            if before in contract and after not in contract:
                contract.add(after)
                moved = True
    expand = [c for i, c in enumerate(changes) if i not in contract]
    return expand, [c for i, c in enumerate(changes) if i in contract]
