"""Defects found on real schemas (issue 15), each proven on a real server.

Each test loads a database, plans to the files, applies the plan and re-plans: a real
difference must be planned and converge, the same schema spelled another way must plan
nothing.  The databases come from one shared pool (ScratchDatabases) to keep the suite fast.
"""
from __future__ import annotations

import psycopg
import pytest

from schemadiff.apply import apply_plan
from schemadiff.introspect.catalog import inspect_database
from schemadiff.model.datetimes import datetime_key
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import PlanOptions, plan_migration
from schemadiff.render.text import plan_sql
from test_roundtrip import ScratchDatabases


@pytest.fixture(scope="module")
def scratch(pg):
    pool = ScratchDatabases(pg)
    yield pool
    pool.close()


def _plan(dsn: str, sql: str):
    return plan_migration(inspect_database(dsn), catalog_from_sql(sql), PlanOptions(lock_timeout=None))


def converge(dsn: str, sql: str) -> str:
    """Plan `dsn` to `sql`, apply, and check that nothing is left; the plan's SQL."""
    plan = _plan(dsn, sql)
    text = plan_sql(plan)
    apply_plan(dsn, plan)
    again = _plan(dsn, sql)
    assert not again.steps, f"first plan:\n{text}\nleft after applying it:\n{plan_sql(again)}"
    return text


def scalar(dsn: str, sql: str):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchone()[0]


# -- date/time constants ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "type_text", "key"), [
    ("2024-1-2", "date", "@date 2024-01-02"),
    ("Jan 5, 2024", "date", "@date 2024-01-05"),
    ("5 March 2024", "date", "@date 2024-03-05"),
    ("epoch", "date", "@date 1970-01-01"),
    ("2024-01-02T3:04", "timestamp without time zone", "@ts 2024-01-02T03:04:00"),
    ("2024-01-02 03:04+05", "timestamp without time zone", "@ts 2024-01-02T03:04:00"),
    ("2024-01-02 05:04:00+02", "timestamp with time zone", "@ts 2024-01-02T03:04:00+00:00"),
    ("epoch", "timestamp with time zone", "@ts 1970-01-01T00:00:00+00:00"),
    ("1:02:03.5", "time without time zone", "@time 01:02:03.5"),
    ("infinity", "date", "infinity"),
    # read through the session's DateStyle or TimeZone: unknown, so never equal to anything else
    ("1/2/2024", "date", None),
    ("2024-01-02 03:04", "timestamp with time zone", None),
    ("now", "timestamp with time zone", None),
    ("2024-02-30", "date", None),
])
def test_datetime_constants_read_as_the_server_reads_them(text, type_text, key):
    assert datetime_key(text, type_text, None) == key


@pytest.mark.db
def test_a_different_date_default_is_still_planned(scratch):
    dsn = scratch.load("db", "CREATE TABLE t (d date DEFAULT '2024-01-02', s timestamptz DEFAULT 'epoch');")
    sql = converge(dsn, "CREATE TABLE t (d date DEFAULT '2024-1-3', s timestamptz DEFAULT '1970-01-01 01:00+00');")
    assert "ALTER COLUMN d SET DEFAULT" in sql and "ALTER COLUMN s SET DEFAULT" in sql
    assert scalar(dsn, "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adnum = 1") \
        == "'2024-01-03'::date"
