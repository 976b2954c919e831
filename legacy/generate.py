"""Deterministic sample data for the legacy learning platform schema (legacy/schema.sql).

    python legacy/generate.py --events 20000 --db postgresql://...      # a test-sized database
    python legacy/generate.py --events 5000000 --db ...                 # the rehearsal size

Creates the legacy tables in schema public of an empty database and fills them with
--events interactions (20 per session, about 5 sessions per user) spread over 2024 (UTC),
with the legacy schema's mess reproduced on purpose: case-duplicate emails, roles
spelled several ways, text timestamps in two formats, text numbers ('1.5x', '5:42'),
settings that are not JSON, IP addresses that are not addresses, course renames, session
clocks that end before they start.  The same --events and --seed always give the same
rows: every value comes from hashint8extended(row number, seed), never from random().

Everything runs server side (INSERT ... SELECT over generate_series): 5 million events
take a few minutes.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
SCHEMA_SQL = HERE / "schema.sql"

EVENTS_PER_SESSION = 20
COURSES = 24
INSTRUCTORS = 12
PERIOD_START = "2024-01-01 00:00:00"
PERIOD_DAYS = 366  # 2024 is a leap year: events fall in the twelve months of 2024

# h(x, k, m): a deterministic pseudo-random integer in [0, m) for row x and purpose k.
_HELPERS = """
CREATE FUNCTION pg_temp.h(x bigint, k integer, m integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (((hashint8extended(x, k + {seed}) % m) + m) % m)::integer;
"""

_CATALOG = f"""
CREATE TEMP TABLE gen_courses AS
SELECT c AS course_id,
       (ARRAY['Python','SQL','Statistics','Design','Writing','Spanish','Finance','Marketing',
              'Biology','Chemistry','Drawing','Guitar'])[1 + (c - 1) % 12]
         || CASE WHEN c > 12 THEN ' II' ELSE '' END || ' for Everyone' AS name,
       CASE WHEN c % 5 = 0 THEN 'Intro to ' || (ARRAY['Python','SQL','Statistics','Design','Writing','Spanish',
              'Finance','Marketing','Biology','Chemistry','Drawing','Guitar'])[1 + (c - 1) % 12] END AS old_name,
       1 + (c - 1) % {INSTRUCTORS} AS instructor_id,
       3 + c % 3 AS modules
  FROM generate_series(1, {COURSES}) AS c;

CREATE TEMP TABLE gen_content AS
SELECT row_number() OVER (ORDER BY c.course_id, m, k)::integer AS content_id,
       c.course_id, m AS module_no, k AS content_no,
       'Module ' || m || ': ' || (ARRAY['Basics','Practice','Going further','Projects','Review'])[1 + (m - 1) % 5]
         AS module_name,
       CASE WHEN c.course_id % 4 = 0 AND k = 4 THEN 'pdf'
            ELSE (ARRAY['article','video','video','quiz'])[1 + k % 4] END AS content_type,
       'Lesson ' || m || '.' || k AS content_name
  FROM gen_courses AS c,
       generate_series(1, c.modules) AS m,
       generate_series(1, 2 + (c.course_id + m) % 4) AS k;

CREATE TEMP TABLE gen_items AS
SELECT course_id, (row_number() OVER (PARTITION BY course_id ORDER BY content_id) - 1)::integer AS idx,
       count(*) OVER (PARTITION BY course_id)::integer AS n, content_id
  FROM gen_content;
CREATE UNIQUE INDEX ON gen_items (course_id, idx);
ANALYZE gen_courses; ANALYZE gen_content; ANALYZE gen_items;
"""

_USERS = f"""
INSERT INTO users (id, email, name, role, avatar, settings, created, updated)
SELECT u,
       CASE WHEN u > {INSTRUCTORS + 1} AND u % 97 = 0 THEN 'User' || (u - 1) || '@Example.com'
            ELSE 'user' || u || '@example.com' END,
       CASE pg_temp.h(u, 1, 50) WHEN 0 THEN NULL WHEN 1 THEN ''
            ELSE (ARRAY['Ada','Alan','Grace','Edsger','Barbara','Donald','Frances','Ken','Margaret','Niklaus'])[1 + pg_temp.h(u, 2, 10)]
                 || ' ' || (ARRAY['Lovelace','Turing','Hopper','Dijkstra','Liskov','Knuth','Allen','Thompson','Hamilton','Wirth'])[1 + pg_temp.h(u, 3, 10)] END,
       CASE WHEN u <= {INSTRUCTORS} THEN (ARRAY['teacher','Teacher','teacher '])[1 + pg_temp.h(u, 4, 3)]
            WHEN u = {INSTRUCTORS + 1} THEN 'admin'
            ELSE (ARRAY['student','student','student','Student','STUDENT',NULL])[1 + pg_temp.h(u, 4, 6)] END,
       CASE WHEN pg_temp.h(u, 5, 10) < 3 THEN 'https://cdn.example.com/avatars/' || u || '.png' END,
       (ARRAY['{{"locale": "en"}}', '{{"locale":"fr","notifications":false}}', '', 'locale=de', NULL, NULL,
              '{{"locale": "en", "theme": "dark"}}', '[]', NULL, '{{"locale": "es"}}'])[1 + pg_temp.h(u, 6, 10)],
       timestamp '2023-01-01' + make_interval(secs => pg_temp.h(u, 7, 364 * 86400)),
       CASE WHEN pg_temp.h(u, 8, 3) = 0 THEN NULL
            ELSE timestamp '2023-12-31' + make_interval(secs => pg_temp.h(u, 9, 86400)) END
  FROM generate_series(1, %(users)s) AS u;
SELECT setval(pg_get_serial_sequence('users', 'id'), %(users)s);
"""

_SESSIONS = f"""
INSERT INTO user_sessions (session_id, user_id, started, ended, ip, user_agent, device)
SELECT s, x.user_id, x.started,
       CASE WHEN pg_temp.h(s, 12, 100) < 2 THEN NULL
            WHEN pg_temp.h(s, 12, 100) < 3 THEN ''
            WHEN pg_temp.h(s, 12, 1000) < 5 THEN to_char(x.started - interval '2 seconds', 'YYYY-MM-DD HH24:MI:SS')
            WHEN pg_temp.h(s, 13, 4) = 0 THEN to_char(x.started + interval '20 minutes', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            ELSE to_char(x.started + make_interval(secs => {EVENTS_PER_SESSION} * 45 + pg_temp.h(s, 14, 600)),
                         'YYYY-MM-DD HH24:MI:SS') END,
       CASE WHEN pg_temp.h(s, 15, 50) = 0 THEN 'unknown'
            WHEN pg_temp.h(s, 15, 50) = 1 THEN '2001:db8::' || to_hex(pg_temp.h(s, 16, 65535))
            ELSE '10.' || pg_temp.h(s, 16, 256) || '.' || pg_temp.h(s, 17, 256) || '.' || pg_temp.h(s, 18, 256) END,
       (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)',
              'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)', 'LearnApp/3.2 Android', NULL])[1 + pg_temp.h(s, 19, 5)],
       (ARRAY['desktop', 'mobile', 'tablet', 'Mobile', NULL])[1 + pg_temp.h(s, 20, 5)]
  FROM generate_series(1, %(sessions)s) AS s,
       LATERAL (SELECT 1 + pg_temp.h(s, 10, %(users)s) AS user_id,
                       timestamp '{PERIOD_START}'
                         + make_interval(secs => ((s - 1) * ({PERIOD_DAYS}.0 * 86400 - 3600) / %(sessions)s)::bigint
                                                 + pg_temp.h(s, 11, 600)) AS started) AS x;
SELECT setval(pg_get_serial_sequence('user_sessions', 'session_id'), %(sessions)s);
"""

# One row per event with everything both event tables need; unlogged and dropped after.
_EVENTS = f"""
CREATE UNLOGGED TABLE gen_events AS
SELECT e.i, e.s, e.j, ss.user_id, ss.started, c.course_id, c.name AS course_name, c.old_name, c.instructor_id,
       it.content_id, ct.module_no, ct.module_name, ct.content_no, ct.content_name, ct.content_type,
       ss.started + make_interval(secs => e.j * 45 + pg_temp.h(e.i, 21, 30000) / 1000.0) AS t,
       CASE WHEN e.j = 0 THEN CASE WHEN pg_temp.h(e.s, 22, 3) = 0 THEN 'page_view' ELSE 'course_view' END
            WHEN ct.content_type = 'video' THEN
                 CASE e.j % 4 WHEN 1 THEN 'video_play'
                              WHEN 2 THEN CASE WHEN pg_temp.h(e.i, 23, 2) = 0 THEN 'video_pause' ELSE 'video_seek' END
                              WHEN 3 THEN 'video_progress'
                              ELSE CASE WHEN pg_temp.h(e.i, 24, 3) = 0 THEN 'video_complete' ELSE 'video_pause' END END
            WHEN ct.content_type = 'quiz' THEN
                 CASE e.j % 4 WHEN 1 THEN 'quiz_start' WHEN 0 THEN 'quiz_submit' ELSE 'quiz_answer' END
            WHEN ct.content_type = 'article' THEN
                 CASE e.j % 4 WHEN 1 THEN 'content_view' WHEN 0 THEN 'content_complete' ELSE 'page_scroll' END
            ELSE 'file_download' END AS event_type
  FROM (SELECT i, (i - 1) / {EVENTS_PER_SESSION} + 1 AS s, ((i - 1) % {EVENTS_PER_SESSION})::integer AS j
          FROM generate_series(1, %(events)s) AS i) AS e
  JOIN user_sessions AS ss ON ss.session_id = e.s
  JOIN gen_courses AS c ON c.course_id = 1 + pg_temp.h(e.s, 25, {COURSES})
  JOIN gen_items AS it ON it.course_id = c.course_id
   AND it.idx = (pg_temp.h(e.s, 26, 1000) + (e.j - 1) / 4) % it.n
  JOIN gen_content AS ct ON ct.content_id = it.content_id;
"""

_INTERACTIONS = """
INSERT INTO user_interactions (id, session_id, user_id, event_type, event_time, page_url, processed)
SELECT i, s, user_id,
       CASE WHEN pg_temp.h(i, 30, 100) < 8 THEN upper(event_type)
            WHEN pg_temp.h(i, 30, 100) < 11 THEN event_type || ' '
            ELSE event_type END,
       CASE WHEN pg_temp.h(i, 31, 20) = 0 THEN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            ELSE to_char(t, 'YYYY-MM-DD HH24:MI:SS.US') END,
       '/courses/' || course_id || CASE WHEN j > 0 THEN '/content/' || content_id ELSE '' END,
       CASE WHEN t >= timestamp '2024-12-29' THEN 'N' WHEN pg_temp.h(i, 32, 200) = 0 THEN NULL ELSE 'Y' END
  FROM gen_events;
SELECT setval(pg_get_serial_sequence('user_interactions', 'id'), %(events)s);
"""

_DETAILS = """
INSERT INTO interaction_details (
    id, interaction_id, user_id, user_name, user_email, course_id, course_name, module_no, module_name,
    content_id, content_no, content_name, content_type, content_url, video_length, video_position,
    playback_speed, quality, question_id, answer, is_correct, score, attempt, time_spent, extra)
SELECT e.i, e.i, e.user_id, u.name, u.email, e.course_id,
       CASE WHEN e.old_name IS NOT NULL AND e.t < timestamp '2024-07-01' THEN e.old_name ELSE e.course_name END,
       CASE WHEN e.j > 0 THEN e.module_no END, CASE WHEN e.j > 0 THEN e.module_name END,
       CASE WHEN e.j > 0 THEN e.content_id END, CASE WHEN e.j > 0 THEN e.content_no END,
       CASE WHEN e.j > 0 THEN e.content_name END, CASE WHEN e.j > 0 THEN e.content_type END,
       CASE WHEN e.j > 0 THEN 'https://cdn.example.com/c/' || e.content_id
                              || CASE e.content_type WHEN 'video' THEN '/master.m3u8' WHEN 'pdf' THEN '/handout.pdf'
                                                     ELSE '' END END,
       CASE WHEN e.j > 0 AND e.content_type = 'video' THEN
            CASE WHEN e.course_id % 3 = 0 THEN (v.len / 60) || ':' || lpad((v.len % 60)::text, 2, '0')
                 ELSE v.len::text END END,
       CASE WHEN e.j > 0 AND e.content_type = 'video' THEN
            round((pg_temp.h(e.i, 40, v.len * 10) / 10.0)::numeric, 1)::text END,
       CASE WHEN e.j > 0 AND e.content_type = 'video' THEN
            (ARRAY['1', '1.0', '1', '1.25', '1.5x', '2', '0.75', NULL])[1 + pg_temp.h(e.i, 41, 8)] END,
       CASE WHEN e.j > 0 AND e.content_type = 'video' THEN
            (ARRAY['HD', 'SD', 'Auto', '720p', '1080p', NULL])[1 + pg_temp.h(e.i, 42, 6)] END,
       CASE WHEN e.event_type = 'quiz_answer' THEN 'q' || (1 + pg_temp.h(e.i, 43, 8)) END,
       CASE WHEN e.event_type = 'quiz_answer' THEN
            (ARRAY['b', '"a"', '["a", "c"]', 'I am not sure', '3'])[1 + pg_temp.h(e.i, 44, 5)] END,
       CASE WHEN e.event_type = 'quiz_answer' AND q.quiz_type <> 'survey' THEN
            (ARRAY['true', 'false', 't', 'f', '1', '0', 'true'])[1 + pg_temp.h(e.i, 45, 7)] END,
       CASE WHEN e.event_type = 'quiz_answer' AND q.quiz_type <> 'survey' THEN
            (ARRAY['100', '0', '50.0', '100.00', '75'])[1 + pg_temp.h(e.i, 46, 5)] END,
       CASE WHEN e.event_type = 'quiz_answer' THEN 1 + pg_temp.h(e.s, 47, 3) END,
       CASE WHEN pg_temp.h(e.i, 48, 25) = 0 THEN NULL ELSE round(pg_temp.h(e.i, 49, 900) / 10.0, 1)::text END,
       jsonb_strip_nulls(jsonb_build_object(
           'instructor_id', e.instructor_id,
           'fullscreen', CASE WHEN e.content_type = 'video' AND e.j > 0 THEN pg_temp.h(e.i, 50, 4) = 0 END,
           'watched', CASE WHEN e.content_type = 'video' AND e.j > 0 THEN round(pg_temp.h(e.i, 51, 450) / 10.0, 1) END,
           'quiz_type', CASE WHEN e.content_type = 'quiz' AND e.j > 0 THEN q.quiz_type END,
           'passing_score', CASE WHEN e.content_type = 'quiz' AND e.j > 0 THEN q.passing_score END,
           'browser', (ARRAY['chrome', 'firefox', 'safari', NULL])[1 + pg_temp.h(e.i, 52, 4)]))
  FROM gen_events AS e
  JOIN users AS u ON u.id = e.user_id
  CROSS JOIN LATERAL (SELECT 120 + pg_temp.h(e.content_id, 53, 1680) AS len) AS v
  CROSS JOIN LATERAL (SELECT (ARRAY['assessment', 'practice', 'survey'])[1 + pg_temp.h(e.content_id, 54, 3)] AS quiz_type) AS q0
  CROSS JOIN LATERAL (SELECT q0.quiz_type,
                             CASE q0.quiz_type WHEN 'assessment' THEN 70 WHEN 'practice' THEN 50 END AS passing_score) AS q
 WHERE e.event_type <> 'page_view';
SELECT setval(pg_get_serial_sequence('interaction_details', 'id'), %(events)s);
"""


def sizes(events: int) -> dict[str, int]:
    sessions = -(-events // EVENTS_PER_SESSION)
    users = max(INSTRUCTORS + 100, sessions // 5)
    return {"events": events, "sessions": sessions, "users": users}


def generate(dsn: str, events: int, seed: int = 42, progress=lambda _: None) -> dict[str, int]:
    """Load legacy/schema.sql into `dsn` (schema public must not hold it yet) and fill it."""
    params = sizes(events)
    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('public.user_interactions')").fetchone()[0] is not None:
            raise SystemExit("generate: public.user_interactions exists already; use an empty database")
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("SET work_mem = '256MB'")
        with conn.transaction():
            conn.execute(SCHEMA_SQL.read_text())
        conn.execute(_HELPERS.format(seed=int(seed)))
        for label, sql in (("catalog", _CATALOG), ("users", _USERS), ("sessions", _SESSIONS),
                           ("events (staging)", _EVENTS), ("user_interactions", _INTERACTIONS),
                           ("interaction_details", _DETAILS)):
            t0 = time.monotonic()
            for key, value in params.items():
                sql = sql.replace(f"%({key})s", str(int(value)))
            with conn.transaction():
                conn.execute(sql)
            progress(f"  {label}: {time.monotonic() - t0:.1f}s")
        conn.execute("DROP TABLE gen_events")
        t0 = time.monotonic()
        conn.execute("VACUUM ANALYZE users, user_sessions, user_interactions, interaction_details")
        progress(f"  vacuum analyze: {time.monotonic() - t0:.1f}s")
    return params


LEGACY_TABLES = ("users", "user_sessions", "user_interactions", "interaction_details")


def table_checksums(conn: psycopg.Connection, schema: str = "public") -> dict[str, tuple[int, int]]:
    """(row count, sum of a 64-bit hash of each row's text) per legacy table: equal sums, equal contents."""
    out = {}
    for table in LEGACY_TABLES:
        row = conn.execute(f"SELECT count(*), coalesce(sum(hashtextextended(t::text, 0)), 0) "
                           f"FROM {schema}.{table} AS t").fetchone()
        out[table] = (int(row[0]), int(row[1]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="number of interactions to generate")
    parser.add_argument("--seed", type=int, default=42, help="changes every generated value (default 42)")
    parser.add_argument("--db", default=os.environ.get("DATABASE_URL"), help="database URL (default $DATABASE_URL)")
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("--db or $DATABASE_URL is required")
    t0 = time.monotonic()
    n = generate(args.db, args.events, args.seed, progress=lambda m: print(m, file=sys.stderr))
    print(f"generated {n['users']} users, {n['sessions']} sessions, {n['events']} events "
          f"in {time.monotonic() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
