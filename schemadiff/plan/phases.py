"""Expand / contract: the additive half of a migration first, the destructive half last.

Why: a live migration copies data between the two halves (new tables filled, old ones still
read by the running application).  Expand holds everything that only adds or widens;
contract holds drops, data loss, revocations and constraint tightening (NOT NULL, new
constraints), which may only run once the data is in place.  A change that needs a contract
change to run first moves to contract with it, so each half stays orderable on its own.
"""
from __future__ import annotations

from dataclasses import replace

from ..diff import Change
from ..model import ref
from .hazards import hazards_of
from .ordering import with_followers

CONTRACT_KINDS = frozenset({"add_constraint", "validate_constraint", "revoke", "revoke_default", "detach_partition",
                            "rebuild_enum"})


def is_contract(change: Change) -> bool:
    if change.kind.startswith("drop_") or change.kind in CONTRACT_KINDS:
        return True
    if change.kind == "set_not_null" and change.new.not_null:
        return True
    return any(h.kind == "data-loss" for h in hazards_of(change))


def _split_not_null_columns(changes: list[Change], server_version: int | None) -> list[Change]:
    """A NOT NULL column without a default cannot be added to a table with rows: expand adds it
    nullable, contract sets NOT NULL once the data steps have filled it (and, from PostgreSQL 18
    on, gives that NOT NULL the name the files give it: SET NOT NULL names it <table>_<column>_not_null)."""
    from ..model.naming import make_object_name
    out = []
    for c in changes:
        col = c.new if c.kind == "add_column" else None
        if col is not None and col.not_null and col.default is None and col.identity is None \
                and col.generated is None:
            nullable = replace(col, not_null=False)
            named = ref("column_not_null_set", *c.target.path)
            out.append(replace(c, new=nullable))
            out.append(Change("set_not_null", ref("column_not_null", *c.target.path), nullable, col, c.args,
                              requires=frozenset({c.target}), creates=frozenset({named})))
            if col.not_null_name is not None and (server_version is None or server_version >= 180000):
                default = make_object_name(c.arg("table").name, col.name, "not_null")
                out.append(Change("rename_not_null", ref("column_not_null_name", *c.target.path), nullable, col,
                                  c.args + (("from", default),), requires=frozenset({c.target, named})))
        else:
            out.append(c)
    return out


def split_phases(changes: list[Change], server_version: int | None = None) -> tuple[list[Change], list[Change]]:
    changes = _split_not_null_columns(changes, server_version)
    contract = with_followers(changes, is_contract)
    expand = [c for i, c in enumerate(changes) if i not in contract]
    return expand, [c for i, c in enumerate(changes) if i in contract]
