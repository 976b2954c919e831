"""bench/data_gen.py and bench/bench_queries.py at a tiny scale.

Why: the query benchmark is only worth its figures if the generated data is what the queries
expect and the legacy copy says the same thing.  At a few tens of thousands of events this
checks, in seconds, that every query (new and legacy) answers, that both schemas give the same
answer where the query defines one, and that the queries over a time range read only the
monthly partitions of that range.
"""
from __future__ import annotations

import datetime as dt
import math
import sys
from decimal import Decimal
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
        assert one("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 AND convalidated") == 15
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


def _sessions_reaching(rows) -> dict[tuple, list[int]]:
    """Per (video, UTC day): the viewing sessions whose furthest position reached each tenth."""
    furthest: dict[tuple, tuple[Decimal, int]] = {}
    for content_id, day, session_id, position, duration in rows:
        key = (content_id, day, session_id)
        furthest[key] = (max(position, furthest.get(key, (position, duration))[0]), duration)
    out: dict[tuple, list[int]] = {}
    for (content_id, day, _), (position, duration) in furthest.items():
        tenth = min(10, math.floor(10 * position / duration))
        counts = out.setdefault((content_id, day), [0] * 11)
        for k in range(tenth + 1):
            counts[k] += 1
    return out


def test_rollups_match_the_raw_interactions(databases):
    """sessions_reaching and quiz_question_daily, recomputed here in Python from the raw events."""
    with psycopg.connect(databases[0]) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        raw_video = conn.execute("""
            SELECT ui.content_id, (ui.created_at AT TIME ZONE 'UTC')::date, ui.session_id, vi.position_seconds,
                   vc.duration_seconds
              FROM user_interactions AS ui
              JOIN video_interactions AS vi ON vi.interaction_id = ui.id AND vi.interaction_created_at = ui.created_at
              JOIN video_content AS vc ON vc.content_id = ui.content_id""").fetchall()
        expected = _sessions_reaching(raw_video)
        stored = {(c, d): r for c, d, r in conn.execute(
            "SELECT cem.content_id, cem.metric_date, cem.sessions_reaching FROM content_engagement_metrics AS cem "
            "JOIN content_items AS ci ON ci.id = cem.content_id WHERE ci.content_type = 'video'")}
        assert len(expected) > 1000
        assert stored == expected
        assert conn.execute("SELECT count(*) FROM content_engagement_metrics AS cem JOIN content_items AS ci "
                            "ON ci.id = cem.content_id WHERE ci.content_type <> 'video' "
                            "AND cem.sessions_reaching IS NOT NULL").fetchone()[0] == 0

        answers: dict[tuple, list] = {}
        for content_id, day, question, is_correct, seconds, score in conn.execute("""
                SELECT ui.content_id, (ui.created_at AT TIME ZONE 'UTC')::date, qi.question_id, qi.is_correct,
                       qi.time_taken_seconds, qi.score
                  FROM user_interactions AS ui
                  JOIN quiz_interactions AS qi ON qi.interaction_id = ui.id AND qi.interaction_created_at = ui.created_at
                 WHERE ui.interaction_type = 'answer'"""):
            a = answers.setdefault((content_id, day, question), [0, 0, 0, Decimal(0), 0, Decimal(0)])
            a[0] += 1
            a[1] += is_correct is not None
            a[2] += bool(is_correct)
            a[3] += seconds
            a[4] += score is not None
            a[5] += score or 0
        stored_quiz = {(c, d, q): [n, g, k, t, s, ss] for c, d, q, n, g, k, t, s, ss in conn.execute(
            "SELECT content_id, metric_date, question_id, answers, graded, correct, time_taken_seconds, scored, "
            "score_sum FROM quiz_question_daily")}
        assert len(answers) > 100
        assert stored_quiz == answers


def test_rollup_function_reproduces_the_generated_rollups_and_is_idempotent(databases):
    """refresh_content_daily_metrics() over the whole year changes nothing in what data_gen made
    (two independent computations of the same definitions), and repairs what was changed."""
    start, end = data_gen.month_bounds(END)
    refresh = "SELECT table_name, rows_written, rows_deleted FROM refresh_content_daily_metrics(%s, %s) ORDER BY 1"
    with psycopg.connect(databases[0]) as conn:
        assert conn.execute(refresh, (start, end)).fetchall() == [
            ("content_engagement_metrics", 0, 0), ("quiz_question_daily", 0, 0)]
        video, day = conn.execute(
            "SELECT content_id, metric_date FROM content_engagement_metrics WHERE sessions_reaching[1] > 0 "
            "ORDER BY 1, 2 LIMIT 1").fetchone()
        before = conn.execute("SELECT * FROM content_engagement_metrics WHERE content_id = %s AND metric_date = %s",
                              (video, day)).fetchone()
        conn.execute("UPDATE content_engagement_metrics SET sessions_reaching = array_fill(0, ARRAY[11]), views = 0 "
                     "WHERE content_id = %s AND metric_date = %s", (video, day))
        conn.execute("DELETE FROM quiz_question_daily WHERE (content_id, metric_date, question_id) = "
                     "(SELECT content_id, metric_date, question_id FROM quiz_question_daily ORDER BY 1, 2, 3 LIMIT 1)")
        conn.execute("INSERT INTO quiz_question_daily (content_id, metric_date, question_id, answers, graded, correct, "
                     "time_taken_seconds, scored, score_sum) SELECT content_id, metric_date, 'q-gone', 1, 0, 0, 1, 0, 0 "
                     "FROM quiz_question_daily ORDER BY 1, 2 LIMIT 1")
        assert conn.execute(refresh, (start, end)).fetchall() == [
            ("content_engagement_metrics", 1, 0), ("quiz_question_daily", 1, 1)]
        after = conn.execute("SELECT * FROM content_engagement_metrics WHERE content_id = %s AND metric_date = %s",
                             (video, day)).fetchone()
        assert after[:-2] == before[:-2]   # all but created_at, updated_at
        assert conn.execute(refresh, (start, end)).fetchall() == [
            ("content_engagement_metrics", 0, 0), ("quiz_question_daily", 0, 0)]
        conn.rollback()


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
                assert bench_queries.same_answer(q, *answers), f"{q.name}: new {answers[0]} != legacy {answers[1]}"


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


def test_reporting_queries_are_read_from_docs_with_now_pinned():
    docs = Path(__file__).resolve().parent.parent / "docs" / "queries"
    for q in bench_queries.QUERIES:
        if q.kind != "report":
            continue
        assert bench_queries.query_path("new", q.name) == docs / f"{q.name}.sql"
        text = bench_queries.read_query("new", q.name)
        assert "now()" not in text
        assert text.replace(":'now'::timestamptz", "now()") == (docs / f"{q.name}.sql").read_text(encoding="utf-8")
    assert bench_queries.query_path("new", "video_dropoff").parent.name == "new"
