"""Hazards name what a statement does, no more: planned from files alone, no server needed.

Why: `apply` refuses a plan with data loss, `lint` and reviewers read the hazards line by line;
a hazard on the wrong statement (a DROP DEFAULT called a table rewrite) or a hazard read from a
string constant (DEFAULT 'random') teaches users to ignore them.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from schemadiff.model.exprs import functions_called
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration


def _plan(before: str, after: str):
    current = replace(catalog_from_sql(before, "from.sql"), server_version=180000)
    return plan_migration(current, catalog_from_sql(after, "to.sql"))


def _kinds(plan) -> dict[str, set[str]]:
    return {s.sql: {h.kind for h in s.hazards} for s in plan.steps}


@pytest.mark.parametrize(("default", "rewrites"), [
    ("'random'", False),  # a string, not a call
    ("'nextval'::text", False),
    ("random()", True),
    ("(random() * 10)::int", True),
    ("gen_random_uuid()::text", True),
    ("now()", False),  # stable: the server stores one value for every row (a "fast default")
    ("lower('X')", False),
])
def test_volatile_default_is_found_in_calls_not_in_text(default, rewrites):
    plan = _plan("CREATE TABLE t (a int);", f"CREATE TABLE t (a int, b text DEFAULT {default});")
    [step] = plan.steps
    assert ("table-rewrite" in {h.kind for h in step.hazards}) is rewrites, step.sql


def test_functions_called_reads_the_structure():
    catalog = catalog_from_sql("CREATE TABLE t (a text DEFAULT coalesce(lower('random'), md5('x')));", "f.sql")
    [table] = catalog.tables.values()
    assert functions_called(table.columns[0].default.key) >= {"lower", "md5"}
    assert "random" not in functions_called(table.columns[0].default.key)


def test_type_change_hazards_sit_on_the_alter_type_only():
    plan = _plan("CREATE TABLE t (n bigint DEFAULT 0);", "CREATE TABLE t (n int DEFAULT 0);")
    kinds = _kinds(plan)
    assert kinds == {
        "ALTER TABLE public.t ALTER COLUMN n DROP DEFAULT;": {"blocks-reads"},
        "ALTER TABLE public.t ALTER COLUMN n TYPE integer;": {"blocks-reads", "data-loss", "table-rewrite"},
        "ALTER TABLE public.t ALTER COLUMN n SET DEFAULT 0;": {"blocks-reads"},
    }
    assert sum(s.destructive for s in plan.steps) == 1


def test_enum_rebuild_hazards_sit_on_the_column_moves_only():
    before = "CREATE TYPE c AS ENUM ('r', 'g', 'b'); CREATE TABLE p (x c DEFAULT 'r', y c);"
    after = "CREATE TYPE c AS ENUM ('r', 'b'); CREATE TABLE p (x c DEFAULT 'r', y c);"
    plan = _plan(before, after)
    moves = [s for s in plan.steps if " TYPE public.c USING " in s.sql]
    assert len(moves) == 2
    assert all({"data-loss", "table-rewrite"} <= {h.kind for h in s.hazards} for s in moves)
    others = [s for s in plan.steps if s not in moves]
    assert others and all(not s.destructive for s in others)
    assert {h.kind for s in others for h in s.hazards} <= {"blocks-reads"}
