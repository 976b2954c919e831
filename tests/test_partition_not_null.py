"""A partition's own NOT NULL columns (Table.partition_not_null): set by a key of its own or by
hand, they outlive the key (the server keeps them when the key is dropped), so the plan must
drop them itself. Converge found 13 directions of pg-schema-diff's partition cases failing on
this before it was modelled."""
from __future__ import annotations

import pytest

from schemadiff.apply import apply_plan
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import PlanOptions, plan_migration
from schemadiff.render.text import plan_sql

pytestmark = pytest.mark.db

PARENT = "CREATE TABLE events (id int, kind text, note text) PARTITION BY LIST (kind);\n"
WITH_KEY = PARENT + "CREATE TABLE events_a PARTITION OF events (CONSTRAINT events_a_pk PRIMARY KEY (id, kind)) " \
                    "FOR VALUES IN ('a');\n"
WITHOUT_KEY = PARENT + "CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a');\n"


def _plan(dsn: str, sql: str):
    return plan_migration(inspect_database(dsn), catalog_from_sql(sql), PlanOptions(lock_timeout=None))


def _converge(dsn: str, sql: str) -> str:
    plan = _plan(dsn, sql)
    apply_plan(dsn, plan)
    assert not _plan(dsn, sql).steps, plan_sql(_plan(dsn, sql))
    return plan_sql(plan)


def _not_null(dsn: str, table: str) -> list[str]:
    import psycopg
    with psycopg.connect(dsn) as conn:
        return [r[0] for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND attnotnull "
            "ORDER BY attname", (table,))]


def test_the_model_holds_what_a_partition_adds_to_its_parent():
    catalog = catalog_from_sql(WITH_KEY + "CREATE TABLE events_b PARTITION OF events (note NOT NULL) "
                                          "FOR VALUES IN ('b');\n"
                                          "CREATE TABLE events_c PARTITION OF events FOR VALUES IN ('c');\n"
                                          "ALTER TABLE ONLY events_c ALTER COLUMN id SET NOT NULL;")
    assert {t.name.name: t.partition_not_null for t in catalog.tables.values()} == {
        "events": (), "events_a": ("id", "kind"), "events_b": ("note",), "events_c": ("id",)}


def test_dropping_a_partitions_key_drops_the_not_null_it_implied(pg):
    dsn = pg.create_database(WITH_KEY)
    assert _not_null(dsn, "events_a") == ["id", "kind"]
    sql = _converge(dsn, WITHOUT_KEY)
    assert sql.index("DROP CONSTRAINT events_a_pk") < sql.index("ALTER COLUMN id DROP NOT NULL")
    assert _not_null(dsn, "events_a") == []


def test_a_partitions_own_not_null_is_created_and_kept(pg):
    dsn = pg.create_database()
    sql = WITHOUT_KEY + "ALTER TABLE ONLY events_a ALTER COLUMN note SET NOT NULL;"
    _converge(dsn, sql)
    assert _not_null(dsn, "events_a") == ["note"]
    assert _not_null(dsn, "events") == []


def test_not_null_the_parent_takes_over_is_not_dropped_from_the_partition(pg):
    dsn = pg.create_database(WITH_KEY)
    # The parent gets NOT NULL on id itself: the partition's stays, now inherited.
    sql = _converge(dsn, WITHOUT_KEY.replace("(id int,", "(id int NOT NULL,"))
    assert "ALTER TABLE public.events_a ALTER COLUMN id DROP NOT NULL" not in sql
    assert "ALTER TABLE public.events_a ALTER COLUMN kind DROP NOT NULL" in sql
    assert _not_null(dsn, "events_a") == ["id"]
