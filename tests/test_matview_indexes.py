"""A materialized view's indexes when the view is rebuilt: made once, with the view.

The view is rebuilt either because its query changes or because something it reads is dropped
or retyped (diff rebuild_blocked); in both, an index the files add or change on it must be
created once after the view, not also by the plan's own index changes.
"""
from __future__ import annotations

import pytest

from schemadiff.apply import apply_plan
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration

BEFORE = """CREATE TABLE t (a int, b int);
CREATE MATERIALIZED VIEW mv AS SELECT a, b FROM t;
CREATE INDEX mv_a ON mv (a);
COMMENT ON INDEX mv_a IS 'by a';
"""
QUERY = BEFORE.replace("SELECT a, b FROM t", "SELECT a, b FROM t WHERE a > 0")
RETYPED = BEFORE.replace("a int", "a bigint")

CASES = {
    "query": (QUERY, ["mv_a"]),
    "query, index added": (QUERY + "CREATE INDEX mv_b ON mv (b);\n", ["mv_a", "mv_b"]),
    "query, index changed": (QUERY.replace("mv (a)", "mv (a, b)"), ["mv_a"]),
    "retyped column": (RETYPED, ["mv_a"]),
    "retyped column, index added": (RETYPED + "CREATE INDEX mv_b ON mv (b);\n", ["mv_a", "mv_b"]),
    "retyped column, index changed, comment changed": (
        RETYPED.replace("mv (a)", "mv (a, b)").replace("'by a'", "'by a, b'"), ["mv_a"]),
    "retyped column, index dropped": (RETYPED.replace("CREATE INDEX mv_a ON mv (a);\nCOMMENT ON INDEX mv_a IS 'by a';\n",
                                                      ""), []),
}


@pytest.mark.db
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_view_is_rebuilt_and_each_index_created_once(scratch, case):
    after, indexes = CASES[case]
    dsn = scratch.load("matview_indexes", BEFORE)
    want = catalog_from_sql(after)
    plan = plan_migration(inspect_database(dsn), want)
    sql = [s.sql for s in plan.steps]
    assert sum(s.startswith("DROP MATERIALIZED VIEW public.mv") for s in sql) == 1, sql
    assert sum(s.startswith("CREATE MATERIALIZED VIEW public.mv") for s in sql) == 1, sql
    created = sorted(s.split()[2] for s in sql if s.startswith("CREATE INDEX"))
    assert created == indexes, sql
    assert not any(s.startswith("DROP INDEX") for s in sql), sql  # they go with the view
    assert sum(s.startswith("COMMENT ON INDEX") for s in sql) == len(indexes and ["mv_a"]), sql
    apply_plan(dsn, plan)
    again = plan_migration(inspect_database(dsn), want)
    assert not again, "\n".join(s.sql for s in again.steps)
