"""Round trips for views, functions, triggers, domains, composite/range types, RLS, policies, grants.

Each case in fixtures/programs/<case>/ has a.sql and b.sql (and optionally setup.sql, run
first on every database: roles).  For each of the four directions the plan is applied to a
real database, which must then equal a reference database loaded with the target SQL (the
conformance harness's catalog fingerprint and our own Catalog) and plan to nothing.
"""
from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from fix_harness import TOOLS, harness

from schemadiff.apply import apply_plan
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import catalog_from_sql, load_schema
from schemadiff.plan import PlanOptions, plan_migration
from test_roundtrip import without_own_schema

pytestmark = pytest.mark.db

CASES = Path(__file__).parent / "fixtures" / "programs"
DIRECTIONS = [("a", "b"), ("b", "a"), ("", "b"), ("b", "")]


def _fingerprint(dsn: str) -> dict:
    """The harness's catalog fingerprint, ACLs included (grants are among these kinds)."""
    converge = harness()
    if converge is None:
        pytest.skip(f"the conformance harness is not at {TOOLS}")
    return without_own_schema({k: v for k, v in converge.fingerprint(dsn).items() if k != "validity"})


@pytest.fixture(scope="module")
def references(scratch):
    """A database loaded directly with some SQL, as schemadiff reads it and as the harness does."""
    cache: dict[str, tuple] = {}

    def get(sql: str) -> tuple:
        if sql not in cache:
            dsn = scratch.load("reference", sql)
            cache[sql] = (inspect_database(dsn), _fingerprint(dsn))
        return cache[sql]

    return get


def _sql(case: Path, side: str) -> str:
    return (case / f"{side}.sql").read_text() if side else ""


def _setup(case: Path) -> str:
    setup = case / "setup.sql"
    return setup.read_text() + "\n" if setup.exists() else ""


def _load(pg, case: Path, sql: str) -> str:
    dsn = pg.create_database()
    with psycopg.connect(dsn, autocommit=True) as conn:
        if _setup(case).strip():
            conn.execute(_setup(case))
        if sql.strip():
            conn.execute(sql)
    return dsn


@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: f"{d[0] or 'empty'}-{d[1] or 'empty'}")
@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_round_trip(scratch, references, tmp_path, case, direction):
    """Both modes: the online plan is applied too wherever its statements differ from the offline one's
    (most of these kinds have no online form, and applying the same statements twice proves nothing)."""
    case_dir = CASES / case
    frm, to = direction
    to_sql = _sql(case_dir, to)
    (tmp_path / "schema.sql").write_text(to_sql)
    desired = load_schema([tmp_path])
    reference_catalog, reference_fingerprint = references(_setup(case_dir) + to_sql)
    applied = []
    for online in (False, True):
        migrated = scratch.load("migrated", _setup(case_dir) + _sql(case_dir, frm))
        options = PlanOptions(online=online, lock_timeout=None)
        plan = plan_migration(inspect_database(migrated), desired, options)
        if frm != to:
            assert plan.steps, "different schemas must give a plan"
        shape = [(s.sql, s.transactional, s.group) for s in plan.steps]
        if shape in applied:
            continue
        applied.append(shape)
        apply_plan(migrated, plan)
        after = inspect_database(migrated)
        assert not plan_migration(after, desired, options).steps, f"a second plan must be empty (online={online})"
        assert after == reference_catalog, f"online={online}"
        assert _fingerprint(migrated) == reference_fingerprint, f"online={online}"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_parse_equals_introspect(references, case):
    """The cheapest normalization test: the files and the database loaded with them agree."""
    case_dir = CASES / case
    for side in ("a", "b"):
        introspected, _ = references(_setup(case_dir) + _sql(case_dir, side))
        assert catalog_from_sql(_sql(case_dir, side)) == introspected


def test_view_chain_is_rebuilt_around_a_column_type_change(pg):
    """Dependents that do not change come back exactly as they were, comments included."""
    case = CASES / "view_chain_column_type"
    dsn = _load(pg, case, _sql(case, "a"))
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
