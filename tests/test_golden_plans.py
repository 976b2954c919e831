"""Plans from files alone, held to golden files that a person has read.

Why: the other plan tests need a server and prove a plan by applying it; these show what a plan
says (statements, their order, hazards, what runs outside the transaction) in milliseconds, and a
change to the planner shows in review as a diff of tests/fixtures/plans/<case>.sql.  Rewrite them
with `pytest tests/test_golden_plans.py --update-goldens`, then read the diff before committing.

The cases are round-trip fixtures (tests/fixtures/roundtrip/<case>/{a,b}.sql, where applying the
same plans is proved on a server); each golden holds both directions, planned for PostgreSQL 18.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from schemadiff.errors import UnsupportedChange
from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration
from schemadiff.render.text import plan_sql

FIXTURES = Path(__file__).parent / "fixtures"
ROUNDTRIP = FIXTURES / "roundtrip"
GOLDENS = FIXTURES / "plans"
SERVER_VERSION = 180000

CASES = [
    "column_not_null_set_drop",
    "column_type_int_to_bigint",
    "column_type_text_to_integer",
    "enum_add_value_middle",
    "enum_remove_value_rebuild",
    "exclusion_constraint_change",
    "fk_options_change",
    "generated_column_expression_change",
    "identity_add",
    "indexes_change",
    "partition_key_change",
    "pk_change_with_fk",
    "serial_to_identity",
    "table_to_partitioned",
]


def _direction(title: str, source: str, target: str) -> str:
    # As planned against a PostgreSQL 18 database: what the round trips run on by default.
    current = replace(catalog_from_sql(source, "from.sql"), server_version=SERVER_VERSION)
    desired = catalog_from_sql(target, "to.sql")
    try:
        body = plan_sql(plan_migration(current, desired)) or "-- (nothing to do)\n"
    except UnsupportedChange as exc:
        body = f"-- refused: {exc}\n"
    return f"-- {title}\n{body}"


def offline_plans(case: str) -> str:
    a = (ROUNDTRIP / case / "a.sql").read_text()
    b = (ROUNDTRIP / case / "b.sql").read_text()
    return _direction("a.sql -> b.sql", a, b) + "\n" + _direction("b.sql -> a.sql", b, a)


@pytest.mark.parametrize("case", CASES)
def test_offline_plan_matches_its_golden(case, update_goldens):
    text = offline_plans(case)
    golden = GOLDENS / f"{case}.sql"
    if update_goldens:
        golden.write_text(text)
    assert golden.exists(), f"no golden for {case}: run with --update-goldens and read {golden}"
    assert text == golden.read_text()


def test_every_golden_has_its_case():
    assert sorted(p.stem for p in GOLDENS.glob("*.sql")) == sorted(CASES)
