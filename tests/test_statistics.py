"""Extended statistics (CREATE STATISTICS): read from the server, planned, dumped.

A carried kind (parse/carried.py): compared by its definition, re-created when that changes.
Its sampling target (ALTER STATISTICS ... SET STATISTICS n, which pg_dump writes after the
CREATE) is part of the definition; a file-order ALTER of statistics declared nowhere is an error.
"""
from __future__ import annotations

import pytest

from schemadiff.apply import apply_plan
from schemadiff.dump import dump_database
from schemadiff.errors import ParseError
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration

FIRST = """CREATE TABLE t (a int, b int, c int);
CREATE STATISTICS s1 (ndistinct) ON a, b FROM t;
CREATE STATISTICS s2 ON a, (b + c) FROM t;
ALTER STATISTICS s2 SET STATISTICS 500;
COMMENT ON STATISTICS s1 IS 'pair';
"""
SECOND = """CREATE TABLE t (a int, b int, c int);
CREATE STATISTICS s1 (mcv) ON a, b FROM t;
CREATE STATISTICS s3 (dependencies) ON b, c FROM t;
"""


def steps(dsn: str, want) -> list[str]:
    return [s.sql for s in plan_migration(inspect_database(dsn), want).steps]


def test_the_sampling_target_is_part_of_the_definition():
    plain = catalog_from_sql(FIRST.replace("ALTER STATISTICS s2 SET STATISTICS 500;\n", ""))
    assert catalog_from_sql(FIRST).carried != plain.carried
    back = catalog_from_sql(FIRST + "ALTER STATISTICS s2 SET STATISTICS DEFAULT;\n")
    assert back.carried == plain.carried
    with pytest.raises(ParseError, match="statistics nope is declared nowhere"):
        catalog_from_sql(FIRST + "ALTER STATISTICS nope SET STATISTICS 10;\n")
    assert catalog_from_sql(FIRST + "ALTER STATISTICS IF EXISTS nope SET STATISTICS 10;\n").carried == \
        catalog_from_sql(FIRST).carried


@pytest.mark.db
def test_created_read_back_dumped_and_changed(pg, tmp_path):
    dsn = pg.create_database()
    want = catalog_from_sql(FIRST)
    plan = plan_migration(inspect_database(dsn), want)
    sql = [s.sql for s in plan.steps]
    assert "ALTER STATISTICS public.s2 SET STATISTICS 500;" in sql
    apply_plan(dsn, plan)
    assert steps(dsn, want) == []
    dumped = "\n".join(f.read_text() for f in dump_database(dsn, tmp_path))
    assert "CREATE STATISTICS public.s1" in dumped and "SET STATISTICS 500" in dumped
    assert steps(dsn, catalog_from_sql(dumped)) == []
    want = catalog_from_sql(SECOND)
    sql = steps(dsn, want)
    assert sorted(s.split(" (")[0].split("(")[0] for s in sql) == [
        "CREATE STATISTICS public.s1", "CREATE STATISTICS public.s3", "DROP STATISTICS public.s1;",
        "DROP STATISTICS public.s2;"]
    apply_plan(dsn, plan_migration(inspect_database(dsn), want))
    assert steps(dsn, want) == []
