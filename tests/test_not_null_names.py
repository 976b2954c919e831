"""Named NOT NULL constraints (PostgreSQL 18 keeps a name for each NOT NULL; older servers none).

`x int CONSTRAINT my_nn NOT NULL`, a table constraint `CONSTRAINT my_nn NOT NULL x` and
`ALTER TABLE ... ADD CONSTRAINT my_nn NOT NULL x` name it; the server's default name is
<table>_<column>_not_null.  The name is kept from the files and from the server, planned
(RENAME CONSTRAINT, or named where the column is created) and dumped; a NOT NULL the files leave
unnamed keeps whatever name the server has, and a server older than 18 is never asked for one.
"""
from __future__ import annotations

import pytest

from schemadiff.apply import apply_plan
from schemadiff.dump import dump_database
from schemadiff.introspect.catalog import inspect_database
from schemadiff.model import QualifiedName
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import PlanOptions, plan_migration

NAMED = """
CREATE TABLE t (
    a int NOT NULL,
    b int CONSTRAINT b_nn NOT NULL,
    c int,
    d int,
    e int CONSTRAINT t_e_not_null NOT NULL,
    CONSTRAINT d_nn NOT NULL d
);
ALTER TABLE t ADD CONSTRAINT c_nn NOT NULL c;
"""
# The same on a server older than 18 (no table-level NOT NULL there; the names are accepted, not kept).
NAMED_15 = """
CREATE TABLE t (a int NOT NULL, b int CONSTRAINT b_nn NOT NULL, c int CONSTRAINT c_nn NOT NULL,
                d int CONSTRAINT d_nn NOT NULL, e int CONSTRAINT t_e_not_null NOT NULL);
"""


def loaded(pg) -> str:
    return pg.create_database(NAMED if pg.version_num >= 180000 else NAMED_15)


def names(catalog) -> dict[str, str | None]:
    return {c.name: c.not_null_name for c in catalog.tables[QualifiedName("public", "t")].columns if c.not_null}


def test_the_name_is_read_from_every_form_and_the_default_name_is_no_name():
    assert names(catalog_from_sql(NAMED)) == {"a": None, "b": "b_nn", "c": "c_nn", "d": "d_nn", "e": None}


def test_drop_not_null_forgets_the_name_and_a_rename_keeps_it():
    c = catalog_from_sql(NAMED + "ALTER TABLE t ALTER COLUMN b DROP NOT NULL;\nALTER TABLE t ALTER COLUMN b SET NOT NULL;\n"
                         "ALTER TABLE t RENAME COLUMN c TO c2;\n")
    assert names(c) == {"a": None, "b": None, "c2": "c_nn", "d": "d_nn", "e": None}


def test_drop_and_rename_constraint_reach_a_not_null_by_its_name_or_the_default_one():
    base = "CREATE TABLE t (a int NOT NULL, b int CONSTRAINT b_nn NOT NULL);\n"
    assert names(catalog_from_sql(base + "ALTER TABLE t DROP CONSTRAINT b_nn;")) == {"a": None}
    assert names(catalog_from_sql(base + "ALTER TABLE t DROP CONSTRAINT t_a_not_null;")) == {"b": "b_nn"}
    assert names(catalog_from_sql(base + "ALTER TABLE t RENAME CONSTRAINT b_nn TO bb;")) == {"a": None, "b": "bb"}


@pytest.mark.db
def test_no_false_drift_on_either_server(pg):
    dsn = loaded(pg)
    live = inspect_database(dsn)
    expected = {"a": None, "b": "b_nn", "c": "c_nn", "d": "d_nn", "e": None}
    assert names(live) == (expected if pg.version_num >= 180000 else dict.fromkeys(expected))
    plan = plan_migration(live, catalog_from_sql(NAMED))
    assert not plan, "\n".join(s.sql for s in plan.steps)
    # Unnamed in the files: whatever name the server has is kept.
    plan = plan_migration(live, catalog_from_sql(NAMED.replace("CONSTRAINT b_nn ", "")))
    assert not plan, "\n".join(s.sql for s in plan.steps)


@pytest.mark.db
def test_the_dump_keeps_the_names_and_reads_back_the_same(pg, tmp_path):
    dsn = loaded(pg)
    text = "\n".join(f.read_text() for f in dump_database(dsn, tmp_path))
    if pg.version_num >= 180000:
        assert "CONSTRAINT b_nn NOT NULL" in text and "CONSTRAINT c_nn NOT NULL" in text
        assert "t_e_not_null" not in text and "t_a_not_null" not in text
    assert not plan_migration(inspect_database(dsn), catalog_from_sql(text))


@pytest.mark.db
def test_names_are_planned_and_applied(pg):
    dsn = pg.create_database("CREATE TABLE t (a int NOT NULL, b int CONSTRAINT old_b NOT NULL, c int);")
    want = catalog_from_sql("CREATE TABLE t (a int CONSTRAINT a_nn NOT NULL, b int CONSTRAINT new_b NOT NULL,"
                            " c int CONSTRAINT c_nn NOT NULL, d int CONSTRAINT d_nn NOT NULL DEFAULT 0);\n"
                            "CREATE TABLE u (x int CONSTRAINT x_nn NOT NULL);")
    plan = plan_migration(inspect_database(dsn), want)
    sql = "\n".join(s.sql for s in plan.steps)
    if pg.version_num >= 180000:
        assert 'ALTER TABLE public.t RENAME CONSTRAINT t_a_not_null TO a_nn;' in sql
        assert 'ALTER TABLE public.t RENAME CONSTRAINT old_b TO new_b;' in sql
        assert sql.index("ALTER COLUMN c SET NOT NULL") < sql.index("RENAME CONSTRAINT t_c_not_null TO c_nn")
    else:
        assert "RENAME CONSTRAINT" not in sql
    assert "CONSTRAINT d_nn NOT NULL" in sql and "CONSTRAINT x_nn NOT NULL" in sql
    apply_plan(dsn, plan)
    again = plan_migration(inspect_database(dsn), want)
    assert not again, "\n".join(s.sql for s in again.steps)
    if pg.version_num >= 180000:
        assert names(inspect_database(dsn)) == {"a": "a_nn", "b": "new_b", "c": "c_nn", "d": "d_nn"}


@pytest.mark.db
def test_expand_then_contract_gives_a_new_column_its_name(pg):
    """Expand adds the column nullable; contract sets NOT NULL, which the server names
    <table>_<column>_not_null, then gives it the files' name (none to give before 18)."""
    dsn = pg.create_database("CREATE TABLE t (a int);")
    want = catalog_from_sql("CREATE TABLE t (a int, b int CONSTRAINT b_required NOT NULL);")
    live = inspect_database(dsn)  # both halves planned up front, as `migrate` and a review do
    for phase in ("expand", "contract"):
        plan = plan_migration(live, want, PlanOptions(phase=phase))
        renames = [s.sql for s in plan.steps if "RENAME CONSTRAINT" in s.sql]
        if phase == "contract" and pg.version_num >= 180000:
            assert renames == ["ALTER TABLE public.t RENAME CONSTRAINT t_b_not_null TO b_required;"]
        else:
            assert renames == []
        apply_plan(dsn, plan)
    again = plan_migration(inspect_database(dsn), want)
    assert not again, "\n".join(s.sql for s in again.steps)
