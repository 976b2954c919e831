"""schemadiff manages schema/: from an empty database the plan applies cleanly and re-plans to nothing."""
from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from schemadiff.apply import apply_plan
from schemadiff.cli.config import exclusion, load_config
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import load_schema
from schemadiff.plan import PlanOptions, plan_migration

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("online", [False, True], ids=["offline", "online"])
def test_schema_plans_from_empty_and_converges(pg, online):
    keep = exclusion(load_config(ROOT).exclude)
    desired = load_schema([ROOT / "schema"]).filtered(keep)
    dsn = pg.create_database()
    options = PlanOptions(online=online, lock_timeout=None)
    plan = plan_migration(inspect_database(dsn).filtered(keep), desired, options)
    assert len(plan.steps) > 100
    assert not plan.destructive_steps
    apply_plan(dsn, plan)
    assert not plan_migration(inspect_database(dsn).filtered(keep), desired, options).steps
    # The maintenance job's monthly partitions are excluded from drift by pyproject's pattern.
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT * FROM create_monthly_partitions('user_interactions', date '2026-01-01', 2)")
        made = conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'user\\_interactions\\_p%'").fetchone()[0]
    assert made >= 3
    assert not plan_migration(inspect_database(dsn).filtered(keep), desired, options).steps
