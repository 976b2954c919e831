"""bench/data_gen.py and bench/bench_queries.py at a tiny scale.

Why: the query benchmark is only worth its figures if the generated data is what the queries
expect and the legacy copy says the same thing.  At a few tens of thousands of events this
checks, in seconds, that every query (new and legacy) answers, that both schemas give the same
answer where the query defines one, and that the queries over a time range read only the
monthly partitions of that range.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bench_queries  # noqa: E402
import data_gen  # noqa: E402

pytestmark = pytest.mark.db

SCALE = 0.003          # 300 users, 12 courses, 60,000 events
END = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def databases(pg) -> tuple[str, str]:
    new, legacy = pg.create_database(), pg.create_database()
    data_gen.generate_new(new, scale=SCALE, end_date=END)
    data_gen.generate_legacy(new, legacy)
    return new, legacy


@pytest.fixture(scope="module")
def params(databases) -> tuple[dict[str, str], dict[str, str]]:
    with psycopg.connect(databases[0], autocommit=True) as conn:
        return bench_queries.choose_params(conn)


def test_generated_data_is_complete_and_consistent(databases):
    new, legacy = databases
    sizes = data_gen.sizes(SCALE)
    with psycopg.connect(new) as conn:
        one = lambda q: conn.execute(q).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM user_interactions") == sizes["events"]
        assert one("SELECT count(*) FROM users") == sizes["users"]
        # Twelve months of data, three empty months ahead, nothing in the default partition.
        months = conn.execute("SELECT DISTINCT tableoid::regclass::text FROM user_interactions ORDER BY 1").fetchall()
        assert [m for (m,) in months] == [f"user_interactions_p{y}{m:02d}" for y, m in
                                          [(2025, 12)] + [(2026, i) for i in range(1, 12)]]
        assert one("SELECT count(*) FROM pg_inherits WHERE inhparent = 'user_interactions'::regclass") == 16
        # Every foreign key is there and was validated by the final schemadiff apply.
        assert one("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 AND convalidated") == 14
        # The analytics add up to the events they were computed from.
        assert one("SELECT sum(views) FROM content_engagement_metrics") == one(
            "SELECT count(*) FROM user_interactions WHERE interaction_type IN ('view', 'start', 'play') "
            "AND content_id IS NOT NULL")
        assert one("SELECT sum(metric_value) FROM aggregated_analytics WHERE entity_type = 'course' "
                   "AND metric_name = 'interactions' AND granularity = 'month'") == sizes["events"]
        assert one("SELECT count(*) FROM user_progress") == one(
            "SELECT count(DISTINCT (s.user_id, ui.course_id)) FROM user_interactions AS ui "
            "JOIN user_sessions AS s ON s.id = ui.session_id WHERE ui.is_processed")
        new_counts = conn.execute(
            "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'), count(*) FROM user_interactions "
            "GROUP BY 1 ORDER BY 1").fetchall()
    with psycopg.connect(legacy) as conn:
        legacy_counts = conn.execute(
            "SELECT left(event_time, 7), count(*) FROM user_interactions GROUP BY 1 ORDER BY 1").fetchall()
        assert conn.execute("SELECT count(*) FROM interaction_details").fetchone()[0] == sizes["events"]
    assert legacy_counts == new_counts


def test_every_query_answers_the_same_on_both_schemas(databases, params):
    new_params, legacy_params = params
    with psycopg.connect(databases[0], autocommit=True) as new, \
            psycopg.connect(databases[1], autocommit=True) as legacy:
        for q in bench_queries.QUERIES:
            answers = []
            for conn, side, name, p in ((new, "new", q.name, new_params), (legacy, "legacy", q.legacy, legacy_params)):
                text = bench_queries.render(bench_queries.read_query(side, name), p)
                result = bench_queries.time_query(conn, text, runs=1, min_runs=1, budget=0, check=q.check)
                assert result["rows"] > 0, f"{side}/{name} returned no rows"
                answers.append(result["check"])
            if q.check is not None:
                assert answers[0] == answers[1], f"{q.name}: new {answers[0]} != legacy {answers[1]}"


def test_time_range_queries_read_only_their_partitions(databases, params):
    new_params, _ = params
    assert new_params["window_start"].startswith("2026-10-26") and new_params["month_start"].startswith("2026-10-01")
    with psycopg.connect(databases[0], autocommit=True) as conn:
        for q in bench_queries.QUERIES:
            if q.window is None:
                continue
            text = bench_queries.render(bench_queries.read_query("new", q.name), new_params)
            scanned, removed = bench_queries.scanned_partitions(conn, text)
            expected = bench_queries.expected_partitions(new_params[q.window[0]], new_params[q.window[1]])
            assert scanned == expected, q.name
            assert removed == 0, f"{q.name}: pruned at run time, not at plan time"
    assert bench_queries.expected_partitions("2026-10-26 00:00:00+00:00", "2026-11-25 00:00:00+00:00") == [
        "user_interactions_p202610", "user_interactions_p202611"]
    assert bench_queries.expected_partitions("2026-10-01 00:00:00+00:00", "2026-11-01 00:00:00+00:00") == [
        "user_interactions_p202610"]


def test_query_parameters_are_rendered_as_literals():
    assert bench_queries.render("x = :'a' AND y = :'b'", {"a": "O'Hara", "b": "2"}) == "x = 'O''Hara' AND y = '2'"
    with pytest.raises(KeyError):
        bench_queries.render(":'missing'", {})
