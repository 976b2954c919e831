"""Order changes with one global topological sort.

Edges are declared from what each change creates, drops and needs:
- a change that needs X runs after the change that creates X;
- a change that drops something X used runs before the change that drops X
  (dependents go first);
- a drop of X runs before a (re)creation of X.
Ties break on a documented key (phase, then object identity) so the same
input always gives the same plan.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

from ..diff import Change
from ..errors import CycleError
from ..model import ObjectRef

# Phase of each change kind: the tie-break when no dependency decides.  Drops of
# dependents first, then the objects they depended on, then creations outward.
PHASE = {
    "revoke": 0, "revoke_default": 0, "drop_policy": 0, "drop_trigger": 0, "drop_view": 0,
    "drop_function": 5, "drop_domain": 5, "drop_composite": 5, "drop_range": 5,
    "create_domain": 12, "alter_domain": 12, "create_composite": 12, "alter_composite": 12, "create_range": 12,
    "create_function": 13, "replace_function": 13, "create_view": 22, "set_view_options": 22,
    "create_trigger": 23, "set_trigger_state": 24, "alter_column_settings": 18, "set_cluster": 24, "set_access_method": 15, "set_replica_identity": 24, "alter_extension_version": 11, "set_row_security": 24, "create_policy": 24,
    "alter_policy": 24, "set_owner": 28, "set_owner_privileges": 29, "grant": 29, "grant_default": 29,
    "drop_constraint": 0, "drop_index": 0, "detach_partition": 1, "drop_table": 2, "drop_column": 2,
    "set_column_default": 3, "drop_sequence": 4, "drop_enum": 4, "drop_extension": 5, "drop_schema": 6,
    "create_schema": 10, "create_extension": 11, "alter_extension_schema": 11, "create_enum": 12,
    "add_enum_value": 12, "rebuild_enum": 12, "create_sequence": 13, "alter_sequence": 13,
    "create_table": 14, "attach_partition": 15, "set_logged": 15, "set_table_options": 15, "add_column": 16,
    "alter_column_type": 17, "alter_identity": 18, "identity_to_serial": 18, "set_not_null": 18, "rename_not_null": 19,
    "set_sequence_owner": 19, "add_constraint": 20, "create_index": 21, "attach_index": 21, "set_comment": 30,
    # Renames first of all (diff/renames.py): the rest of the plan uses the new names.  A schema's
    # before its objects', a table's before its columns'.
    "rename_schema": -3, "rename_table": -2, "rename_view": -2, "rename_sequence": -2, "rename_type": -2,
    "rename_function": -2, "rename_index": -1, "rename_column": -1, "rename_constraint": -1,
    "rename_enum_value": -1,
    "drop_carried_on_table": 0, "drop_carried": 5, "create_carried": 13, "create_carried_on_table": 24,
}


def _tie_key(change: Change) -> tuple[int, str, tuple[str, ...], str]:
    foreign_key = change.kind == "add_constraint" and change.new.kind == "f"
    path = change.target.path
    if change.kind == "add_column":  # new columns keep their declared order
        path = (*path[:-1], f"{change.arg('position', 0):06d}")
    elif change.kind == "set_comment" and len(path) == 3:  # (schema, name, kind): before its members'
        path = (path[0], path[1], "", path[2])
    return (PHASE.get(change.kind, 25) + (1 if foreign_key else 0), change.target.kind, path, change.kind)


def dependency_edges(changes: list[Change]) -> list[tuple[int, int]]:
    """(i, j): change i must run before change j (indexes into `changes`)."""
    return list(_graph(changes).edges)


def with_followers(changes: list[Change], seed: Callable[[Change], bool]) -> set[int]:
    """Positions of the changes matching `seed`, and of every change that must run after one of them.

    Why: splitting a plan into stages (expand/contract, data first/indexes later) must never
    leave a change in a stage that runs before something it needs.
    """
    import networkx as nx
    g = _graph(changes)
    out = {i for i, c in enumerate(changes) if seed(c)}
    for i in list(out):
        out |= nx.descendants(g, i)
    return out


def _graph(changes: list[Change]) -> Any:  # a networkx DiGraph (networkx ships no types)
    import networkx as nx  # imported here: a quarter of a second that an empty plan does not need
    g = nx.DiGraph()
    g.add_nodes_from(range(len(changes)))
    creators: dict[ObjectRef, list[int]] = defaultdict(list)
    droppers: dict[ObjectRef, list[int]] = defaultdict(list)
    for i, c in enumerate(changes):
        for r in c.creates:
            creators[r].append(i)
        for r in c.drops:
            droppers[r].append(i)
    for i, c in enumerate(changes):
        for r in c.requires:
            for j in creators.get(r, ()):
                if j != i:
                    g.add_edge(j, i)
            # Something this change needs is being dropped and not re-created: the need
            # is on the old object, so run before the drop (e.g. DROP DEFAULT before DROP SEQUENCE).
        for r in c.old_requires:
            for j in droppers.get(r, ()):
                if j != i:
                    g.add_edge(i, j)
        for r in c.creates:
            for j in droppers.get(r, ()):
                if j != i:
                    g.add_edge(j, i)
    return g


def order_changes(changes: list[Change]) -> list[Change]:
    if not changes:
        return []
    import networkx as nx
    g = _graph(changes)
    keys = {i: _tie_key(c) for i, c in enumerate(changes)}
    try:
        order = list(nx.lexicographical_topological_sort(g, key=lambda i: keys[i]))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(g)
        raise CycleError([changes[a].description for a, _ in cycle]) from None
    return [changes[i] for i in order]
