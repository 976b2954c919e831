"""A constraint NOT VALID in the database but valid in the files is a difference: VALIDATE it.

The reverse is none: NOT VALID in the files only says the rows were not checked yet, and a
database that checked them already has what the files ask for.
"""
from __future__ import annotations

import pytest

from schemadiff.apply import apply_plan
from schemadiff.diff import diff_catalogs
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import PlanOptions, plan_migration
from schemadiff.render.text import plan_sql

pytestmark = pytest.mark.db

TABLES = "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE t (id int, p int, n int);"
NOT_VALID = TABLES + """
ALTER TABLE t ADD CONSTRAINT t_n CHECK (n > 0) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p) REFERENCES p (id) NOT VALID;"""
VALID = TABLES + """
ALTER TABLE t ADD CONSTRAINT t_n CHECK (n > 0);
ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p) REFERENCES p (id);"""


def _plan(dsn: str, sql: str):
    return plan_migration(inspect_database(dsn), catalog_from_sql(sql), PlanOptions(lock_timeout=None))


def test_not_valid_in_the_database_is_validated(pg):
    dsn = pg.create_database(NOT_VALID)
    changes = diff_catalogs(inspect_database(dsn), catalog_from_sql(VALID))
    assert sorted(c.kind for c in changes) == ["validate_constraint", "validate_constraint"]
    plan = _plan(dsn, VALID)
    sql = plan_sql(plan)
    assert "ALTER TABLE public.t VALIDATE CONSTRAINT t_n;" in sql
    assert "ALTER TABLE public.t VALIDATE CONSTRAINT t_p;" in sql
    assert "DROP CONSTRAINT" not in sql and "ADD CONSTRAINT" not in sql
    assert all(h.kind == "validates" for s in plan.steps for h in s.hazards)
    apply_plan(dsn, plan)
    assert not _plan(dsn, VALID).steps


def test_not_valid_in_the_files_asks_nothing_of_a_validated_database(pg):
    dsn = pg.create_database(VALID)
    assert not _plan(dsn, NOT_VALID).steps
    assert not _plan(dsn, VALID).steps


def test_a_not_valid_check_on_a_partitioned_parent_is_read_back(pg):
    """Partitions made after a NOT VALID CHECK on their parent get a validated copy; the live side
    says so with ALTER TABLE partition VALIDATE CONSTRAINT, which names the parent's constraint."""
    sql = """CREATE TABLE p (id int, fizz int) PARTITION BY LIST (id);
             ALTER TABLE p ADD CONSTRAINT p_fizz CHECK (fizz > 0) NOT VALID;
             CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);"""
    dsn = pg.create_database(sql)
    assert not _plan(dsn, sql).steps
    validated = sql + "ALTER TABLE p1 VALIDATE CONSTRAINT p_fizz;"
    assert catalog_from_sql(validated) == catalog_from_sql(sql)
