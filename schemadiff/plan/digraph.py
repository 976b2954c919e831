"""The little directed graph the plan's ordering needs, with networkx's results.

Why not networkx: importing it takes a quarter of a second idle (a second and more on a busy
machine), more than the rest of a small plan's work, for three algorithms over a graph of
integers 0..n-1. Each function here gives what its networkx namesake gives on such a graph:
edges in insertion order, the same lexicographic topological order (Kahn's algorithm with a
heap on (key, node)), the first cycle found by a depth-first walk from the lowest node.
"""
from __future__ import annotations

import heapq
from typing import Callable, Hashable, Iterator


class DiGraph:
    """Nodes 0..n-1; edges kept per node in insertion order, each once."""

    def __init__(self, n: int):
        self.succ: list[dict[int, None]] = [{} for _ in range(n)]

    def add_edge(self, a: int, b: int) -> None:
        self.succ[a][b] = None

    @property
    def edges(self) -> Iterator[tuple[int, int]]:
        return ((a, b) for a, out in enumerate(self.succ) for b in out)


class Unfeasible(Exception):
    """The graph has a cycle: no topological order."""


def lexicographical_topological_sort(g: DiGraph, key: Callable[[int], Hashable]) -> Iterator[int]:
    indegree = [0] * len(g.succ)
    for out in g.succ:
        for b in out:
            indegree[b] += 1
    heap = [(key(v), v) for v, d in enumerate(indegree) if d == 0]
    heapq.heapify(heap)
    done = 0
    while heap:
        _, v = heapq.heappop(heap)
        yield v
        done += 1
        for b in g.succ[v]:
            indegree[b] -= 1
            if indegree[b] == 0:
                heapq.heappush(heap, (key(b), b))
    if done != len(g.succ):
        raise Unfeasible("the graph has a cycle")


def descendants(g: DiGraph, source: int) -> set[int]:
    seen: set[int] = set()
    todo = list(g.succ[source])
    while todo:
        v = todo.pop()
        if v not in seen:
            seen.add(v)
            todo.extend(g.succ[v])
    seen.discard(source)  # networkx leaves the source out, even on a cycle through it
    return seen


def find_cycle(g: DiGraph) -> list[tuple[int, int]]:
    """The edges of one cycle, from the first node of it the walk met; [] when there is none."""
    finished: set[int] = set()
    for start in range(len(g.succ)):
        if start in finished:
            continue
        path = [start]
        on_path = {start: 0}
        iters = [iter(g.succ[start])]
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                iters.pop()
                done = path.pop()
                del on_path[done]
                finished.add(done)
                continue
            if nxt in on_path:
                cycle = path[on_path[nxt]:] + [nxt]
                return list(zip(cycle, cycle[1:]))
            if nxt in finished:
                continue
            on_path[nxt] = len(path)
            path.append(nxt)
            iters.append(iter(g.succ[nxt]))
    return []
