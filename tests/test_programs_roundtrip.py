"""Round trips for views, functions, triggers, domains, composite/range types, RLS, policies, grants.

Each case in fixtures/programs/<case>/ has a.sql and b.sql (and optionally setup.sql, run
first on every database: roles).  For each of the four directions the plan is applied to a
real database, which must then equal a reference database loaded with the target SQL (the
conformance harness's catalog fingerprint and our own Catalog) and plan to nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

from schemadiff.apply import apply_plan
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import load_schema
from schemadiff.plan import PlanOptions, plan_migration

pytestmark = pytest.mark.db

CASES = Path(__file__).parent / "fixtures" / "programs"
SHARED_TOOLS = Path(__file__).resolve().parents[2] / "shared" / "tools"
DIRECTIONS = [("a", "b"), ("b", "a"), ("", "b"), ("b", "")]


def _fingerprint(dsn: str) -> dict:
    if not SHARED_TOOLS.is_dir():
        pytest.skip(f"the conformance harness is not at {SHARED_TOOLS}")
    sys.path.insert(0, str(SHARED_TOOLS))
    import converge
    fp = converge.fingerprint(dsn)
    from test_roundtrip import without_own_schema
    return without_own_schema({k: v for k, v in fp.items() if k not in ("validity",)})


def _sql(case: Path, side: str) -> str:
    return (case / f"{side}.sql").read_text() if side else ""


def _load(pg, case: Path, sql: str) -> str:
    setup = case / "setup.sql"
    dsn = pg.create_database()
    with psycopg.connect(dsn, autocommit=True) as conn:
        if setup.exists():
            conn.execute(setup.read_text())
        if sql.strip():
            conn.execute(sql)
    return dsn


@pytest.mark.parametrize("online", [False, True], ids=["offline", "online"])
@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: f"{d[0] or 'empty'}-{d[1] or 'empty'}")
@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_round_trip(pg, tmp_path, case, direction, online):
    case_dir = CASES / case
    frm, to = direction
    to_sql = _sql(case_dir, to)
    (tmp_path / "schema.sql").write_text(to_sql)
    migrated = _load(pg, case_dir, _sql(case_dir, frm))
    reference = _load(pg, case_dir, to_sql)
    desired = load_schema([tmp_path])
    options = PlanOptions(online=online, lock_timeout=None)
    plan = plan_migration(inspect_database(migrated), desired, options)
    if frm != to:
        assert plan.steps, "different schemas must give a plan"
    apply_plan(migrated, plan)
    after = inspect_database(migrated)
    assert not plan_migration(after, desired, options).steps, "a second plan must be empty"
    assert after == inspect_database(reference)
    assert _fingerprint(migrated) == _fingerprint(reference)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_parse_equals_introspect(pg, case):
    """The cheapest normalization test: the files and the database loaded with them agree."""
    case_dir = CASES / case
    for side in ("a", "b"):
        dsn = _load(pg, case_dir, _sql(case_dir, side))
        from schemadiff.parse import catalog_from_sql
        assert catalog_from_sql(_sql(case_dir, side)) == inspect_database(dsn)


def test_view_chain_is_rebuilt_around_a_column_type_change(pg):
    """Dependents that do not change come back exactly as they were, comments included."""
    case = CASES / "view_chain_column_type"
    dsn = _load(pg, case, _sql(case, "a"))
    from schemadiff.parse import catalog_from_sql
    plan = plan_migration(inspect_database(dsn), catalog_from_sql(_sql(case, "b")))
    sql = [s.sql.split("\n")[0] for s in plan.steps]
    drops = [i for i, s in enumerate(sql) if s.startswith("DROP VIEW")]
    alter = next(i for i, s in enumerate(sql) if "ALTER COLUMN balance TYPE" in s)
    creates = [i for i, s in enumerate(sql) if s.startswith("CREATE VIEW")]
    assert len(drops) == 3 and len(creates) == 3
    assert max(drops) < alter < min(creates)
    assert [s for s in sql if s.startswith("DROP VIEW")] == [
        "DROP VIEW public.v3;", "DROP VIEW public.v2;", "DROP VIEW public.v1;"]
    assert any(s.startswith("COMMENT ON VIEW public.v2") for s in sql)
    assert any(s.startswith("COMMENT ON COLUMN public.v3.total") for s in sql)
