"""plan/digraph.py gives what networkx gives on the same graphs (it replaced networkx in the
plan's ordering: the import alone cost more than a small plan's work)."""
from __future__ import annotations

import random

import networkx as nx
import pytest

from schemadiff.plan.digraph import DiGraph, Unfeasible, descendants, find_cycle, lexicographical_topological_sort


def _pair(n: int, edges: list[tuple[int, int]]):
    ours, theirs = DiGraph(n), nx.DiGraph()
    theirs.add_nodes_from(range(n))
    for a, b in edges:
        ours.add_edge(a, b)
        theirs.add_edge(a, b)
    return ours, theirs


@pytest.mark.parametrize("seed", range(40))
def test_same_order_descendants_and_edges_as_networkx_on_random_dags(seed):
    rnd = random.Random(seed)
    n = rnd.randint(1, 60)
    perm = list(range(n))
    rnd.shuffle(perm)
    edges = [(perm[a], perm[b]) for a in range(n) for b in range(a + 1, n) if rnd.random() < 0.08]
    ours, theirs = _pair(n, edges)
    keys = {i: (rnd.choice("abc"), rnd.randint(0, 3)) for i in range(n)}  # ties on purpose
    assert list(lexicographical_topological_sort(ours, key=keys.__getitem__)) == \
        list(nx.lexicographical_topological_sort(theirs, key=keys.__getitem__))
    assert list(ours.edges) == list(theirs.edges)
    for v in range(n):
        assert descendants(ours, v) == nx.descendants(theirs, v)
    assert find_cycle(ours) == []


@pytest.mark.parametrize("seed", range(40))
def test_a_cycle_is_refused_and_the_one_found_is_networkx_s(seed):
    rnd = random.Random(seed)
    n = rnd.randint(2, 30)
    edges = [(a, b) for a in range(n) for b in range(n) if a != b and rnd.random() < 0.1]
    edges.append((n - 1, 0))
    edges.append((0, n - 1))
    ours, theirs = _pair(n, edges)
    with pytest.raises(Unfeasible):
        list(lexicographical_topological_sort(ours, key=lambda i: i))
    assert find_cycle(ours) == nx.find_cycle(theirs)
    for v in range(n):
        assert descendants(ours, v) == nx.descendants(theirs, v)
