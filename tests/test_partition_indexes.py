"""Indexes and keys of partitioned tables, as the server keeps them (parse/partitions.py,
diff/attachments.py): index attachment, a parent's index or key reaching each partition,
pg_dump's spelling (ON ONLY, ALTER INDEX ... ATTACH PARTITION) and the natural one making one
model, and plans that attach, adopt, detach and drop in the order the server accepts.

Before this was modelled, a database loaded from pg_dump's spelling planned `ADD CONSTRAINT
c_pkey` and `CREATE INDEX c_a_idx` on the partition (applying them: "multiple primary keys"),
and dropping a parent index dropped its partition's attached index first ("cannot drop index
p1_custom because index p_a requires it")."""
from __future__ import annotations

import pytest

from schemadiff.apply import apply_plan
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import PlanOptions, plan_migration
from schemadiff.render.text import plan_sql

pytestmark = pytest.mark.db

PG_DUMP = """
CREATE TABLE p (id bigint NOT NULL, k text NOT NULL, a int) PARTITION BY LIST (k);
CREATE TABLE c (id bigint NOT NULL, k text NOT NULL, a int);
ALTER TABLE ONLY p ATTACH PARTITION c FOR VALUES IN ('x');
ALTER TABLE ONLY p ADD CONSTRAINT p_pkey PRIMARY KEY (id, k);
ALTER TABLE ONLY c ADD CONSTRAINT c_pkey PRIMARY KEY (id, k);
CREATE INDEX p_a_idx ON ONLY p (a);
CREATE INDEX c_a_idx ON c (a);
ALTER INDEX p_pkey ATTACH PARTITION c_pkey;
ALTER INDEX p_a_idx ATTACH PARTITION c_a_idx;
"""
NATURAL = """
CREATE TABLE p (id bigint NOT NULL, k text NOT NULL, a int, PRIMARY KEY (id, k)) PARTITION BY LIST (k);
CREATE TABLE c PARTITION OF p FOR VALUES IN ('x');
CREATE INDEX ON p (a);
"""
# The partition's columns in another order than its parent's, and an index of its own name attached.
COLUMN_ORDER = """
CREATE TABLE p (id bigint NOT NULL, k text NOT NULL, a int) PARTITION BY LIST (k);
CREATE TABLE c (a int, k text NOT NULL, id bigint NOT NULL);
ALTER TABLE ONLY p ATTACH PARTITION c FOR VALUES IN ('x');
ALTER TABLE ONLY p ADD CONSTRAINT p_pkey PRIMARY KEY (id, k);
ALTER TABLE ONLY c ADD CONSTRAINT c_pkey PRIMARY KEY (id, k);
CREATE INDEX p_a_idx ON ONLY p (a);
CREATE INDEX c_custom ON c (a);
ALTER INDEX p_pkey ATTACH PARTITION c_pkey;
ALTER INDEX p_a_idx ATTACH PARTITION c_custom;
"""
COLUMN_ORDER_RENAMED = COLUMN_ORDER.replace("CREATE INDEX c_custom ON c (a);", "CREATE INDEX c_a_idx ON c (a);") \
    .replace("ATTACH PARTITION c_custom;", "ATTACH PARTITION c_a_idx;\nCREATE INDEX c_custom ON c (a);")
THREE = """
CREATE TABLE "Foobar" (id int, foo varchar(255), PRIMARY KEY (foo)) PARTITION BY LIST (foo);
CREATE TABLE foobar_1 PARTITION OF "Foobar" FOR VALUES IN ('foo_1');
CREATE TABLE foobar_2 PARTITION OF "Foobar" FOR VALUES IN ('foo_2');
CREATE TABLE "Foobar_3" PARTITION OF "Foobar" FOR VALUES IN ('foo_3');
CREATE INDEX "Partitioned_Idx" ON ONLY "Foobar" (foo);
CREATE INDEX foobar_1_part ON foobar_1 (foo);
ALTER INDEX "Partitioned_Idx" ATTACH PARTITION foobar_1_part;
CREATE INDEX foobar_2_part ON foobar_2 (foo);
ALTER INDEX "Partitioned_Idx" ATTACH PARTITION foobar_2_part;
CREATE INDEX "Foobar_3_Part" ON "Foobar_3" (foo);
"""
INVALID = THREE  # Partitioned_Idx does not reach Foobar_3: invalid, kept ON ONLY
ALL_ATTACHED = THREE + 'ALTER INDEX "Partitioned_Idx" ATTACH PARTITION "Foobar_3_Part";\n'
RANGE = """
CREATE TABLE p (id int, a int) PARTITION BY RANGE (id);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20);
"""
WITH_CUSTOM = RANGE + "CREATE INDEX p1_custom ON p1 (a);\nCREATE INDEX p_a ON p (a);\n"
# A partition's own primary key, adopted by a plain unique index of the parent.
RANGE_NOT_NULL = RANGE.replace("(id int, a int)", "(id int NOT NULL, a int NOT NULL)")
OWN_KEY = RANGE_NOT_NULL + """
CREATE UNIQUE INDEX p_u ON ONLY p (id, a);
CREATE UNIQUE INDEX p1_pkey ON p1 (id, a);
ALTER TABLE p1 ADD CONSTRAINT p1_pkey PRIMARY KEY USING INDEX p1_pkey;
ALTER INDEX p_u ATTACH PARTITION p1_pkey;
CREATE UNIQUE INDEX p2_id_a_idx ON p2 (id, a);
ALTER INDEX p_u ATTACH PARTITION p2_id_a_idx;
"""
# A partition's index that looks like its parent's but stands apart (created after it).
LOOK_ALIKE = RANGE + "CREATE INDEX p_a ON p (a);\nCREATE INDEX p1_local ON p1 (a);\n"
DETACHED = """
CREATE TABLE p (id bigint NOT NULL, k text NOT NULL, a int, PRIMARY KEY (id, k)) PARTITION BY LIST (k);
CREATE INDEX p_a_idx ON p (a);
CREATE TABLE c (id bigint NOT NULL, k text NOT NULL, a int, CONSTRAINT c_pkey PRIMARY KEY (id, k));
CREATE INDEX c_a_idx ON c (a);
"""


def _plan(dsn: str, sql: str):
    return plan_migration(inspect_database(dsn), catalog_from_sql(sql), PlanOptions(lock_timeout=None))


def _converge(pg, start: str, target: str) -> str:
    dsn = pg.create_database(start)
    plan = _plan(dsn, target)
    apply_plan(dsn, plan)
    again = _plan(dsn, target)
    assert not again.steps, plan_sql(again)
    assert inspect_database(dsn) == catalog_from_sql(target)
    return plan_sql(plan)


def test_pg_dumps_spelling_and_the_natural_one_make_one_model():
    dumped, natural = catalog_from_sql(PG_DUMP), catalog_from_sql(NATURAL)
    assert dumped == natural
    # The partition's key and index are the parent's statements' work: not listed.
    assert dumped.tables[next(q for q in dumped.tables if q.name == "c")].constraints == ()
    assert [i.name.name for i in dumped.indexes.values()] == ["p_a_idx"]


def test_an_attached_index_of_another_name_is_listed_with_its_parent():
    catalog = catalog_from_sql(COLUMN_ORDER)
    custom = next(i for i in catalog.indexes.values() if i.name.name == "c_custom")
    assert custom.parent.name == "p_a_idx"
    invalid = catalog_from_sql(INVALID)
    parent = next(i for i in invalid.indexes.values() if i.name.name == "Partitioned_Idx")
    assert not parent.valid and next(i for i in catalog_from_sql(ALL_ATTACHED).indexes.values()
                                     if i.name.name == "Partitioned_Idx").valid


@pytest.mark.parametrize("sql", [PG_DUMP, NATURAL, COLUMN_ORDER, COLUMN_ORDER_RENAMED, INVALID, ALL_ATTACHED,
                                 WITH_CUSTOM, OWN_KEY, LOOK_ALIKE, DETACHED],
                         ids=["pg_dump", "natural", "column-order", "column-order-renamed", "invalid",
                              "all-attached", "custom-child", "own-key", "look-alike", "detached"])
def test_no_false_drift_and_one_model(pg, sql):
    dsn = pg.create_database(sql)
    plan = _plan(dsn, sql)
    assert not plan.steps, plan_sql(plan)
    assert inspect_database(dsn) == catalog_from_sql(sql)


@pytest.mark.parametrize("a, b", [
    ("", PG_DUMP), ("", COLUMN_ORDER), ("", INVALID), ("", OWN_KEY), ("", LOOK_ALIKE),
    (INVALID, ALL_ATTACHED), (WITH_CUSTOM, RANGE), (COLUMN_ORDER, COLUMN_ORDER_RENAMED), (NATURAL, DETACHED),
    (RANGE_NOT_NULL, OWN_KEY), (RANGE, LOOK_ALIKE),
], ids=["empty-pg_dump", "empty-column-order", "empty-invalid", "empty-own-key", "empty-look-alike",
        "attach-invalid", "drop-custom-child", "rename-child", "detach", "own-key", "look-alike"])
@pytest.mark.parametrize("forward", [True, False], ids=["forward", "back"])
def test_plans_converge(pg, a, b, forward):
    _converge(pg, a, b) if forward else _converge(pg, b, a)


def test_dropping_a_parent_index_leaves_its_attached_children_to_the_server(pg):
    sql = _converge(pg, WITH_CUSTOM, RANGE)
    assert "DROP INDEX public.p_a;" in sql and "p1_custom" not in sql


def test_from_empty_an_invalid_index_is_created_on_only_and_attached(pg):
    sql = _converge(pg, "", INVALID)
    assert 'CREATE INDEX "Partitioned_Idx" ON ONLY public."Foobar"' in sql
    assert 'ALTER INDEX public."Partitioned_Idx" ATTACH PARTITION public.foobar_1_part;' in sql
    assert '"Foobar_3_Part"' in sql and 'ATTACH PARTITION public."Foobar_3_Part"' not in sql


def test_detach_keeps_what_the_parent_made_on_the_partition(pg):
    sql = _converge(pg, NATURAL, DETACHED)
    assert "DETACH PARTITION public.c" in sql
    assert "c_pkey" not in sql and "c_a_idx" not in sql and "ADD COLUMN" not in sql


def test_a_partial_unique_index_with_nulls_not_distinct_is_printed_in_the_grammars_order(pg):
    """pglast prints NULLS NOT DISTINCT after WHERE (a syntax error); lago's structure.sql has one."""
    target = RANGE + "CREATE UNIQUE INDEX p_u ON p (id, a) NULLS NOT DISTINCT WHERE a > 0;\n"
    sql = _converge(pg, "", target)
    assert "(id, a) NULLS NOT DISTINCT WHERE a > 0;" in sql


@pytest.mark.parametrize("layout", ["schema", "table"])
@pytest.mark.parametrize("sql", [INVALID, COLUMN_ORDER_RENAMED, OWN_KEY, LOOK_ALIKE],
                         ids=["invalid", "column-order-renamed", "own-key", "look-alike"])
def test_dump_round_trip(pg, tmp_path, sql, layout):
    """The dump states attachments (ALTER INDEX ... ATTACH PARTITION) where the files it writes
    read them after both indexes."""
    from test_dump import plan_of_dump
    dsn = pg.create_database(sql)
    assert plan_of_dump(dsn, tmp_path / "out", layout) == []


def test_attach_does_not_adopt_an_index_the_files_keep_standalone(pg):
    """ATTACH PARTITION adopts the partition's index that looks like the parent's; where the files
    attach first and create that index after (standalone, beside the one the attach makes), the
    look-alike is dropped before the attach and created after (pg-schema-diff's "partition is not
    attached" case)."""
    unattached = """CREATE TABLE p (id int, foo varchar(255), bar text) PARTITION BY LIST (foo);
                    CREATE TABLE c (id int, foo varchar(255), bar text);
                    CREATE INDEX p_idx ON p (foo, bar);
                    CREATE INDEX c_local ON c (foo, bar);"""
    attached = unattached.replace("CREATE INDEX p_idx", "ALTER TABLE p ATTACH PARTITION c FOR VALUES IN ('x');"
                                                        "CREATE INDEX p_idx")
    sql = _converge(pg, unattached, attached)
    assert sql.index("DROP INDEX public.c_local") < sql.index("ATTACH PARTITION") < sql.index("CREATE INDEX c_local")
    _converge(pg, attached, unattached)
