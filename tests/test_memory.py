"""Loading a catalog leaves no reference cycles of schemadiff's making.

Why it matters: the loaders run with the cyclic collector paused and, when they return,
hand what survived to gc.freeze() (gcpause.py). An object in a cycle is then never freed:
a recursive closure over the builder once kept a 10,000-table parse's drafts (250 MB)
alive through the whole plan. pglast's printer leaves a few small cycles of its own per
printed tree (pglast.visitors.Ancestor); those are not counted here.
"""
from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

import pytest

from schemadiff.introspect.catalog import inspect_database
from schemadiff.load import load_catalogs
from schemadiff.parse import load_schema

ROOT = Path(__file__).resolve().parents[1]


def _cyclic_garbage(fn) -> Counter:
    """Kinds of objects only the cyclic collector would free after `fn()`, by module and name."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = fn()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found = Counter(_kind(o) for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert result is not None
    return found


def _kind(o) -> str:
    if hasattr(o, "__code__"):
        return f"function {o.__module__}.{o.__qualname__}"
    if isinstance(o, type):
        return f"class {o.__module__}.{o.__qualname__}"
    return f"{type(o).__module__}.{type(o).__qualname__}"


def _ours(found: Counter) -> dict:
    return {k: n for k, n in found.items() if "schemadiff" in k}


def test_parsing_the_learning_platform_leaves_no_cycles_of_ours():
    found = _cyclic_garbage(lambda: load_schema([ROOT / "schema"]))
    assert _ours(found) == {}
    # Nothing else keeps drafts or parse trees: what is left is a handful of pglast's own.
    assert sum(found.values()) < 500, found.most_common(10)


LIVE_SQL = """
CREATE TABLE parent (id bigint PRIMARY KEY, note text DEFAULT 'x');
CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent, CHECK (id > 0)) ;
CREATE TABLE grandchild (extra int) INHERITS (child);
CREATE TABLE events (at timestamptz NOT NULL, n int) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW parents_with_children AS SELECT p.id, count(c.id) AS n FROM parent p JOIN child c ON c.parent_id = p.id GROUP BY p.id;
CREATE VIEW busy_parents AS SELECT id FROM parents_with_children WHERE n > 1;
CREATE INDEX ON child (parent_id) WHERE parent_id IS NOT NULL;
"""


@pytest.mark.db
def test_loading_both_sides_leaves_no_cycles_of_ours(pg):
    """The live side too: foreign keys, inheritance depth, partition bounds, views over views."""
    dsn = pg.create_database(LIVE_SQL)
    found = _cyclic_garbage(lambda: inspect_database(dsn))
    assert _ours(found) == {}
    found = _cyclic_garbage(lambda: load_catalogs([ROOT / "schema"], dsn))
    assert _ours(found) == {}
