"""Measure the schema changes recommended for the dashboard queries that miss their target, on
the benchmark database itself, then undo them (nothing in schema/ changes).

    python bench/try_recommendations.py --db postgresql:///lp_new --json bench/results_recommendations.json

Each experiment times the query as it is (baseline), applies a change by hand, times the query
that would use it, and undoes the change (DROP, or ROLLBACK of the transaction that made it):

  course_daily_interactions  index aggregated_analytics (entity_type, metric_name, granularity,
                             period_start) INCLUDE (entity_id, metric_value)
  quiz_difficulty            user_interactions_content_id_created_at_idx made covering:
                             (content_id, created_at) INCLUDE (interaction_type, session_id, id)
                             (built on the two partitions the query reads)
  video_dropoff              the same covering index; then a rollup instead: a column
                             content_engagement_metrics.sessions_reaching integer[11] (viewing
                             sessions of the day whose furthest position reached each tenth),
                             filled by the nightly job (here: for the benchmarked video only)
  quiz_difficulty            a rollup instead: quiz_question_daily (content_id, metric_date,
                             question_id) with answers, graded, correct, seconds, score sums

The rollups are filled for the benchmarked video and the last 30 days only (what the measured
queries read).  Interrupted, it may leave indexes named bench_try_*: drop them.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_queries as bq  # noqa: E402

VIDEO_ROLLUP_QUERY = """
SELECT k * 10                                                                     AS percent_of_video,
       coalesce(sum(cem.sessions_reaching[k + 1]), 0)                              AS sessions_reaching,
       round(100.0 * coalesce(sum(cem.sessions_reaching[k + 1]), 0)
                   / nullif(sum(cem.sessions_reaching[1]), 0), 1)                  AS percent_of_sessions
  FROM content_engagement_metrics AS cem
 CROSS JOIN generate_series(0, 10) AS k
 WHERE cem.content_id = :'video_id'
   AND cem.metric_date >= :'window_start'::date
   AND cem.metric_date < :'now'::date
 GROUP BY k
 ORDER BY k;
"""

# The nightly job's computation, for one video: per UTC day, each viewing session's furthest
# position, as a cumulative count per tenth.
VIDEO_ROLLUP_FILL = """
ALTER TABLE content_engagement_metrics ADD COLUMN sessions_reaching integer[];
UPDATE content_engagement_metrics AS cem
   SET sessions_reaching = r.reaching
  FROM (SELECT d.day, array_agg(d.sessions ORDER BY d.k) AS reaching
          FROM (SELECT f.day, k, (count(*) FILTER (WHERE f.tenth >= k))::integer AS sessions
                  FROM furthest AS f CROSS JOIN generate_series(0, 10) AS k
                 GROUP BY f.day, k) AS d
         GROUP BY d.day) AS r
 WHERE cem.content_id = :'video_id' AND cem.metric_date = r.day;
"""

QUIZ_ROLLUP_QUERY = """
SELECT q.question_id,
       sum(q.answers)                                                     AS answers,
       round(100.0 * sum(q.correct) / nullif(sum(q.graded), 0), 1)        AS percent_correct,
       round(sum(q.seconds) / sum(q.answers), 1)                          AS mean_seconds,
       round(sum(q.score_sum) / nullif(sum(q.graded), 0), 1)              AS mean_score
  FROM quiz_question_daily AS q
 WHERE q.content_id = :'quiz_id'
   AND q.metric_date >= :'window_start'::date
   AND q.metric_date < :'now'::date
 GROUP BY q.question_id
 ORDER BY percent_correct NULLS LAST, q.question_id;
"""

QUIZ_ROLLUP_FILL = """
CREATE TABLE quiz_question_daily (
    content_id   uuid    NOT NULL,
    metric_date  date    NOT NULL,
    question_id  text    NOT NULL,
    answers      integer NOT NULL,
    graded       integer NOT NULL,
    correct      integer NOT NULL,
    seconds      numeric NOT NULL,
    score_sum    numeric,
    PRIMARY KEY (content_id, metric_date, question_id)
);
INSERT INTO quiz_question_daily
SELECT ui.content_id, (ui.created_at AT TIME ZONE 'UTC')::date, qi.question_id, count(*), count(qi.is_correct),
       count(*) FILTER (WHERE qi.is_correct), sum(qi.time_taken_seconds), sum(qi.score)
  FROM user_interactions AS ui
  JOIN quiz_interactions AS qi ON qi.interaction_id = ui.id AND qi.interaction_created_at = ui.created_at
 WHERE ui.interaction_type = 'answer' AND ui.created_at >= :'window_start' AND ui.created_at < :'now'
 GROUP BY 1, 2, 3;
ANALYZE quiz_question_daily;
"""


def _time(conn: psycopg.Connection, text: str, runs: int, check: str | None) -> dict[str, object]:
    conn.execute("SELECT 1")
    bq.explain_analyze(conn, text)  # warm
    return bq.time_query(conn, text, runs, 3, 60.0, check)


def _plan_head(conn: psycopg.Connection, text: str, lines: int = 40) -> str:
    return "\n".join(bq.explain_analyze(conn, text).splitlines()[:lines])


def run(dsn: str, runs: int) -> dict[str, object]:
    out: dict[str, object] = {}
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        params, _ = bq.choose_params(conn)
        query = {q.name: q for q in bq.QUERIES}

        def base(name: str) -> tuple[str, dict[str, object]]:
            text = bq.render(bq.read_query("new", name), params)
            return text, _time(conn, text, runs, query[name].check)

        # 1. course_daily_interactions: an index for "one metric of every entity over a period".
        text, before = base("course_daily_interactions")
        t0 = time.monotonic()
        conn.execute("CREATE INDEX bench_try_aa_metric_period ON aggregated_analytics "
                     "(entity_type, metric_name, granularity, period_start) INCLUDE (entity_id, metric_value)")
        conn.execute("VACUUM (ANALYZE) aggregated_analytics")
        build = time.monotonic() - t0
        size = conn.execute("SELECT pg_relation_size('bench_try_aa_metric_period')").fetchone()[0]
        after = _time(conn, text, runs, "interactions")
        plan = _plan_head(conn, text)
        conn.execute("DROP INDEX bench_try_aa_metric_period")
        out["course_daily_interactions"] = {
            "change": "CREATE INDEX ON aggregated_analytics (entity_type, metric_name, granularity, period_start) "
                      "INCLUDE (entity_id, metric_value)",
            "before": before, "after": after, "build_s": round(build, 1), "index_bytes": size, "plan_after": plan}

        # 2. The content index made covering (quiz_difficulty, video_dropoff), on the window's partitions.
        parts = bq.expected_partitions(params["window_start"], params["now"])
        q_text, q_before = base("quiz_difficulty")
        v_text, v_before = base("video_dropoff")
        t0 = time.monotonic()
        for p in parts:
            conn.execute(f"CREATE INDEX bench_try_{p}_content_cover ON {p} (content_id, created_at) "
                         f"INCLUDE (interaction_type, session_id, id)")
            conn.execute(f"VACUUM (ANALYZE) {p}")
        build = time.monotonic() - t0
        size = sum(conn.execute(f"SELECT pg_relation_size('bench_try_{p}_content_cover')").fetchone()[0] for p in parts)
        q_after = _time(conn, q_text, runs, "answers")
        q_plan = _plan_head(conn, q_text)
        v_after = _time(conn, v_text, runs, "sessions_reaching")
        v_plan = _plan_head(conn, v_text)
        for p in parts:
            conn.execute(f"DROP INDEX bench_try_{p}_content_cover")
        change = ("user_interactions_content_id_created_at_idx as (content_id, created_at) "
                  "INCLUDE (interaction_type, session_id, id)")
        out["quiz_difficulty_covering_index"] = {
            "change": change, "before": q_before, "after": q_after, "build_s_two_partitions": round(build, 1),
            "index_bytes_two_partitions": size, "plan_after": q_plan}
        out["video_dropoff_covering_index"] = {
            "change": change, "before": v_before, "after": v_after, "plan_after": v_plan}

    # 3. Rollups, each in a transaction that is rolled back.
    with psycopg.connect(dsn, prepare_threshold=None) as conn:
        try:
            conn.execute(bq.render("""
                CREATE TEMP TABLE furthest AS
                SELECT (ui.created_at AT TIME ZONE 'UTC')::date AS day, ui.session_id,
                       least(10, floor(10 * max(vi.position_seconds) / max(vc.duration_seconds)))::integer AS tenth
                  FROM user_interactions AS ui
                  JOIN video_interactions AS vi ON vi.interaction_id = ui.id AND vi.interaction_created_at = ui.created_at
                  JOIN video_content AS vc ON vc.content_id = ui.content_id
                 WHERE ui.content_id = :'video_id' AND ui.created_at >= :'window_start' AND ui.created_at < :'now'
                 GROUP BY 1, 2""", params))
            conn.execute(bq.render(VIDEO_ROLLUP_FILL, params))
            text = bq.render(VIDEO_ROLLUP_QUERY, params)
            after = _time(conn, text, runs, "sessions_reaching")
            out["video_dropoff_rollup"] = {
                "change": "content_engagement_metrics.sessions_reaching integer[11], filled by the nightly job",
                "before": v_before, "after": after, "plan_after": _plan_head(conn, text)}
        finally:
            conn.rollback()
        try:
            conn.execute(bq.render(QUIZ_ROLLUP_FILL, params))
            text = bq.render(QUIZ_ROLLUP_QUERY, params)
            after = _time(conn, text, runs, "answers")
            out["quiz_difficulty_rollup"] = {
                "change": "table quiz_question_daily (content_id, metric_date, question_id) PRIMARY KEY, "
                          "with answers, graded, correct, seconds, score_sum",
                "before": q_before, "after": after, "plan_after": _plan_head(conn, text)}
        finally:
            conn.rollback()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="the new-schema database made by bench/data_gen.py")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--json", type=Path, help="write the results here (bench/results_recommendations.json)")
    a = ap.parse_args(argv)
    out = run(a.db, a.runs)
    if a.json:
        a.json.write_text(json.dumps(out, indent=2, default=str) + "\n")
    for name, r in out.items():
        b, f = r["before"], r["after"]
        print(f"| {name} | {r['change']} | {b['median_ms']} / {b['p95_ms']} ms | {f['median_ms']} / {f['p95_ms']} ms | "
              f"same answer: {b['check'] == f['check'] if b['check'] is not None else '-'} |")


if __name__ == "__main__":
    main()
