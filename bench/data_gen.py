"""The learning platform at data scale: schema/ filled with a year of activity, and the same data
in the legacy schema (legacy/schema.sql) in a second database, for bench/bench_queries.py.

    python bench/data_gen.py --create        # lp_new and lp_legacy on the benchmark server (lp_server.py)
    python bench/data_gen.py --db postgresql:///lp_new --legacy-db postgresql:///lp_legacy --create
    python bench/data_gen.py --db URL --legacy-db URL2 --scale 0.01 --create      # seconds, not minutes

At --scale 1: 100,000 users (1 % instructors), 2,000 courses, about 55,000 content items in
4-7 modules per course, 20,000,000 user_interactions in about a million sessions over the
12 UTC months that end at --end-date (midnight UTC, default today), the matching
video_interactions and quiz_interactions, and the analytics tables computed from them with
the rollup jobs' definitions (legacy/migration/steps/0008_analytics.sql; for
content_engagement_metrics.sessions_reaching and quiz_question_daily, the nightly rollup
refresh_content_daily_metrics() in schema/analytics.sql, which gives the same rows).

The new database is loaded the way `schemadiff migrate` loads production: `schemadiff apply
--phase expand` (tables, checks, primary and unique keys; its secondary indexes are dropped
again until the end), the monthly partitions from create_monthly_partitions() (the twelve
months and the three ahead), the rows, then `schemadiff apply` (the secondary indexes, one
sorted build each, and the foreign keys, validated once over the loaded tables), then VACUUM
ANALYZE.

Every value comes from hashint8extended(row key, purpose + seed), never from random(): the same
--scale, --seed and --end-date give the same rows.  Everything runs server side (INSERT ...
SELECT over generate_series); the legacy tables are filled by COPY streams out of the new
database, each row mapped the way legacy/migration/steps map legacy to new, in reverse
(bench/README.md, "How the two data sets correspond").

Skew, on purpose: course popularity is a power law (the top 1 % of courses get about a fifth
of the sessions), learners too (a few power users with thousands of sessions), learners drop
out along a course (later modules see fewer of them), and activity grows towards the end of the
year (the last 30 days hold about a fifth of the events).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
LEGACY_SCHEMA = ROOT / "legacy" / "schema.sql"
PARTITION_EXCLUDE = "public.user_interactions_p[0-9]*"
MONTHS = 12          # months with data, the last one ending at --end-date
MONTHS_AHEAD = 3     # empty partitions after it, as the daily maintenance job keeps them

NEW_TABLES = ("users", "courses", "course_modules", "content_items", "video_content", "quiz_content",
              "user_sessions", "user_interactions", "video_interactions", "quiz_interactions",
              "user_progress", "content_engagement_metrics", "quiz_question_daily", "aggregated_analytics")
LEGACY_TABLES = ("users", "user_sessions", "user_interactions", "interaction_details")

Progress = Callable[[str], None]


def sizes(scale: float) -> dict[str, int]:
    """Entity counts at `scale` (1.0: the issue's sizes); never so small that a query has nothing to find."""
    users = max(300, round(100_000 * scale))
    courses = max(12, round(2_000 * scale))
    return {
        "users": users,
        "instructors": max(5, users // 100),
        "courses": courses,
        "active_courses": max(10, round(courses * 0.97)),   # the last 3 % are drafts nobody sees
        "events": max(20_000, round(20_000_000 * scale)),
    }


# h(x, k, m): integer in [0, m); u(x, k): float in [0, 1).  x is the row's key, k the purpose.
_HELPERS = """
CREATE FUNCTION pg_temp.h(x bigint, k integer, m integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (((hashint8extended(x, k + {seed}) % m) + m) % m)::integer;
CREATE FUNCTION pg_temp.u(x bigint, k integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint8extended(x, k + {seed}) >> 11) & 9007199254740991)::double precision / 9007199254740992.0;
"""

_TOPICS = ("'Python','SQL','Statistics','Design','Writing','Spanish','Finance','Marketing','Biology',"
           "'Chemistry','Drawing','Guitar','Physics','History','Cooking','Photography'")

# The catalog, staged with the integer numbers the legacy ids become (course n, module number
# inside its course, content n), so every uuid is md5(prefix || legacy id), as in the migration.
_CATALOG = f"""
CREATE TEMP TABLE g_course AS
SELECT c AS n, md5('learning-platform/course/' || c::text)::uuid AS id,
       4 + pg_temp.h(c, 1, 4) AS modules,
       CASE WHEN c > %(active_courses)s THEN 'draft'
            WHEN pg_temp.h(c, 2, 33) = 0 THEN 'archived' ELSE 'published' END AS status,
       1 + pg_temp.h(c, 3, %(instructors)s) AS instructor_n,
       (ARRAY[{_TOPICS}])[1 + pg_temp.h(c, 4, 16)]
         || (ARRAY[' for Everyone', ': the Basics', ' in Practice', ' II', ': Advanced Topics'])[1 + pg_temp.h(c, 5, 5)]
         || ' (' || c || ')' AS title
  FROM generate_series(1, %(courses)s) AS c;

CREATE TEMP TABLE g_module AS
SELECT c.n AS course_n, m AS module_no, md5('learning-platform/module/' || c.n::text || '/' || m::text)::uuid AS id,
       3 + pg_temp.h(c.n * 16 + m, 6, 5) AS items
  FROM g_course AS c, generate_series(1, c.modules) AS m;

CREATE TEMP TABLE g_item AS
SELECT x.*, md5('learning-platform/content/' || x.n::text)::uuid AS id,
       CASE WHEN pg_temp.h(x.n, 7, 10) < 4 THEN 'video' WHEN pg_temp.h(x.n, 7, 10) < 6 THEN 'quiz'
            WHEN pg_temp.h(x.n, 7, 10) < 9 THEN 'reading' ELSE 'attachment' END AS content_type,
       120 + pg_temp.h(x.n, 8, 1680) AS duration,
       4 + pg_temp.h(x.n, 9, 7) AS questions,
       (ARRAY['assessment','assessment','assessment','practice','practice','survey'])[1 + pg_temp.h(x.n, 10, 6)] AS quiz_type
  FROM (SELECT (row_number() OVER (ORDER BY m.course_n, m.module_no, k))::integer AS n,
               m.course_n, m.module_no, m.id AS module_id, k AS content_no,
               (row_number() OVER (PARTITION BY m.course_n ORDER BY m.module_no, k) - 1)::integer AS idx
          FROM g_module AS m, generate_series(1, m.items) AS k) AS x;
ALTER TABLE g_item ADD COLUMN is_required boolean, ADD COLUMN estimated_duration integer;
UPDATE g_item SET is_required = NOT (content_type = 'attachment' OR (content_type = 'quiz' AND quiz_type <> 'assessment')),
                  estimated_duration = CASE content_type WHEN 'video' THEN round(duration * 1.2)::integer
                                                         WHEN 'quiz' THEN questions * 60
                                                         WHEN 'reading' THEN 300 + pg_temp.h(n, 55, 900) END;
CREATE UNIQUE INDEX ON g_item (course_n, idx);
CREATE TEMP TABLE g_course_items AS SELECT course_n, count(*)::integer AS items FROM g_item GROUP BY course_n;
ANALYZE g_course; ANALYZE g_module; ANALYZE g_item; ANALYZE g_course_items;
"""

# Sessions.  Candidates are drawn until their events add up to exactly %(events)s; ids then
# follow the start time, and each session owns a contiguous range of interaction ids.
#   learner: a power law over students (rank ~ N * u^2: user 1 has thousands of sessions);
#   course: one of the learner's 1-3 enrollments (6 for the top 1 %), each a power law over
#           courses (rank ~ N * u^3: a few courses get most of the traffic);
#   where in the course: before the learner's "reach" (how far they ever get, mostly early),
#           front-loaded, so each module sees fewer learners than the one before;
#   when: end - span * u^1.6 (recent months busier), in whole seconds.
# (OFFSET 0 keeps each level a subquery of its own: flattened, the planner would copy every
# derived expression into each place that uses it, and compute it that many times.)
_SESSIONS = """
CREATE TEMP TABLE g_session_c AS
SELECT x.cand, x.user_n, x.course_n, x.started, x.gap, x.start_idx,
       least(8 + pg_temp.h(x.cand, 16, 25), 1 + 4 * (x.items - x.start_idx)) AS events
  FROM (SELECT e.cand, e.user_n, e.course_n, e.gap, ci.items,
               floor(least(ci.items, 1 + floor(ci.items * pg_temp.u(e.user_n::bigint * 100003 + e.course_n, 14) ^ 0.6))
                     * pg_temp.u(e.cand, 15) ^ 1.5)::integer AS start_idx,
               date_trunc('second', timestamptz %(end_ts)s - interval '1 hour'
                        - (timestamptz %(end_ts)s - interval '1 hour' - timestamptz %(start_ts)s)
                          * (pg_temp.u(e.cand, 17) ^ 1.6)) AS started
          FROM (SELECT l.cand, l.user_n, l.gap,
                       1 + floor(%(active_courses)s
                                 * pg_temp.u(l.user_n * 8 + pg_temp.h(l.cand, 12, l.enrollments), 13) ^ 3)::integer
                         AS course_n
                  FROM (SELECT cand, user_n, 20 + pg_temp.h(cand, 18, 70) AS gap,
                               1 + pg_temp.h(user_n, 11, 3)
                                 + CASE WHEN user_n - %(first_student)s < %(students)s / 100 THEN 3 ELSE 0 END
                                 AS enrollments
                          FROM (SELECT cand, %(first_student)s + floor(%(students)s * pg_temp.u(cand, 10) ^ 2)::integer
                                         AS user_n
                                  FROM generate_series(1, %(candidates)s) AS cand OFFSET 0) AS l0 OFFSET 0) AS l
                OFFSET 0) AS e
          JOIN g_course_items AS ci ON ci.course_n = e.course_n OFFSET 0) AS x;

CREATE TEMP TABLE g_session AS
SELECT id, cand, user_n, md5('learning-platform/user/' || user_n::text)::uuid AS user_id, course_n, started, gap,
       start_idx, events, (sum(events) OVER (ORDER BY id) - events + 1)::bigint AS first_event
  FROM (SELECT row_number() OVER (ORDER BY started, cand) AS id, cand, user_n, course_n, started, gap, start_idx,
               least(events, %(events)s - (total - events))::integer AS events
          FROM (SELECT *, sum(events) OVER (ORDER BY cand) AS total FROM g_session_c) AS t
         WHERE total - events < %(events)s) AS s
 ORDER BY id;
DROP TABLE g_session_c;
ALTER TABLE g_session ADD PRIMARY KEY (id);
ANALYZE g_session;
"""

# Every event of every session, computed (never stored): the inserts and the analytics read
# this view, and get identical values because nothing in it is random.  Within a session the
# learner walks the course's items in order from start_idx, four events per item (j = 0 is a
# course-level view):
#   video       play, progress, pause or seek, then complete when the watch fraction wf >= 0.9
#               (else pause); positions at 0, 0.5 wf, 0.85 wf and wf of the length
#   quiz        start, answer, submit, then complete when passed (else a second-attempt answer)
#   reading     view, progress, progress, complete (80 %) or progress
#   attachment  view, download, view, download
_EVENT_VIEW = """
CREATE TEMP VIEW g_event AS
SELECT e.*,
       CASE WHEN e.content_type = 'video' AND e.interaction_type IN ('play', 'pause', 'seek', 'progress', 'complete')
            THEN CASE WHEN e.interaction_type = 'complete' THEN e.duration
                      ELSE round((e.duration * e.wf * (ARRAY[0.0, 0.5, 0.85, 1.0])[1 + e.k])::numeric, 1) END
            END::numeric(10,3) AS position_seconds,
       CASE WHEN e.content_type = 'video'
            THEN round((e.duration * e.wf * (ARRAY[0.0, 0.5, 0.35, 0.15])[1 + e.k] / e.rate)::numeric, 1)
            END::numeric(10,3) AS watched_seconds,
       CASE WHEN e.interaction_type = 'answer' AND e.quiz_type <> 'survey'
            THEN pg_temp.u(e.id, 27) < 0.3 + 0.65 * pg_temp.u(e.content_n * 32 + e.question_no, 28) END AS is_correct
  FROM (SELECT s.first_event + j AS id,
               s.started + make_interval(secs => j * s.gap + pg_temp.h(s.first_event + j, 20, 15000) / 1000.0)
                 AS created_at,
               s.id AS session_id, s.user_n, s.user_id, s.course_n, c.id AS course_id,
               i.n AS content_n, i.id AS content_id, i.idx, i.module_no, i.module_id, i.content_type, i.duration,
               i.estimated_duration,
               i.questions, i.quiz_type, i.is_required, (j - 1) % 4 AS k,
               CASE WHEN j = 0 THEN 'view'
                    WHEN i.content_type = 'video' THEN
                         CASE (j - 1) % 4 WHEN 0 THEN 'play' WHEN 1 THEN 'progress'
                                          WHEN 2 THEN CASE WHEN pg_temp.h(s.first_event + j, 32, 2) = 0 THEN 'pause' ELSE 'seek' END
                                          ELSE CASE WHEN pg_temp.u(s.id * 64 + i.idx, 21) ^ 0.6 >= 0.9 THEN 'complete'
                                                    ELSE 'pause' END END
                    WHEN i.content_type = 'quiz' THEN
                         CASE (j - 1) % 4 WHEN 0 THEN 'start' WHEN 1 THEN 'answer' WHEN 2 THEN 'submit'
                                          ELSE CASE WHEN i.quiz_type = 'survey' OR pg_temp.u(s.id * 64 + i.idx, 25) < 0.7
                                                    THEN 'complete' ELSE 'answer' END END
                    WHEN i.content_type = 'reading' THEN
                         CASE (j - 1) % 4 WHEN 0 THEN 'view' WHEN 3 THEN
                              CASE WHEN pg_temp.u(s.id * 64 + i.idx, 31) < 0.8 THEN 'complete' ELSE 'progress' END
                              ELSE 'progress' END
                    ELSE CASE (j - 1) % 2 WHEN 0 THEN 'view' ELSE 'download' END END AS interaction_type,
               pg_temp.u(s.id * 64 + i.idx, 21) ^ 0.6 AS wf,
               (ARRAY[1, 1, 1, 1, 1.25, 1.5, 2, 0.75])[1 + pg_temp.h(s.id, 22, 8)] AS rate,
               (ARRAY['auto', '480p', '720p', '1080p', NULL])[1 + pg_temp.h(s.id, 23, 5)] AS quality,
               pg_temp.h(s.id * 64 + i.idx, 24, 4) = 0 AS is_fullscreen,
               1 + pg_temp.h(s.first_event + j, 26, i.questions) AS question_no,
               CASE WHEN (j - 1) % 4 = 3 THEN 2 ELSE 1 END AS attempt_number,
               (5 + pg_temp.h(s.first_event + j, 29, 116000) / 1000.0)::numeric(10,3) AS time_taken_seconds,
               chr(97 + pg_temp.h(s.first_event + j, 30, 4)) AS answer
          FROM g_session AS s
          CROSS JOIN LATERAL generate_series(0, s.events - 1) AS j
          JOIN g_course AS c ON c.n = s.course_n
          LEFT JOIN g_item AS i ON j > 0 AND i.course_n = s.course_n AND i.idx = s.start_idx + (j - 1) / 4
        OFFSET 0) AS e;
"""

_USERS = """
INSERT INTO users (id, email, full_name, avatar_url, user_role, metadata, created_at, updated_at)
SELECT md5('learning-platform/user/' || u.n::text)::uuid,
       'user' || u.n || '@example.com',
       (ARRAY['Ada','Alan','Grace','Edsger','Barbara','Donald','Frances','Ken','Margaret','Niklaus'])[1 + pg_temp.h(u.n, 40, 10)]
         || ' ' || (ARRAY['Lovelace','Turing','Hopper','Dijkstra','Liskov','Knuth','Allen','Thompson','Hamilton','Wirth'])[1 + pg_temp.h(u.n, 41, 10)],
       CASE WHEN pg_temp.h(u.n, 42, 10) < 3 THEN 'https://cdn.example.com/avatars/' || u.n || '.png' END,
       CASE WHEN u.n <= %(instructors)s THEN 'instructor' WHEN u.n = %(instructors)s + 1 THEN 'admin' ELSE 'student' END,
       (ARRAY['{}', '{"locale": "en"}', '{"locale": "fr", "notifications": false}', '{"locale": "es"}',
              '{"locale": "en", "theme": "dark"}'])[1 + pg_temp.h(u.n, 43, 5)]::jsonb,
       t.created, t.created + make_interval(secs => pg_temp.h(u.n, 45, 86400 * 30))
  FROM generate_series(1, %(users)s) AS u (n)
  LEFT JOIN (SELECT user_n, min(started) AS first_seen FROM g_session GROUP BY user_n) AS f ON f.user_n = u.n
 CROSS JOIN LATERAL (SELECT date_trunc('second', coalesce(f.first_seen, timestamptz %(end_ts)s)
                            - make_interval(secs => pg_temp.h(u.n, 44, 86400 * 365))) AS created) AS t;
"""

_CATALOG_ROWS = """
INSERT INTO courses (id, title, description, instructor_id, thumbnail_url, status, metadata, created_at, updated_at)
SELECT id, title, 'What you will learn in ' || title || '.',
       md5('learning-platform/user/' || instructor_n::text)::uuid,
       'https://cdn.example.com/courses/' || n || '.jpg', status,
       jsonb_build_object('legacy_course_id', n, 'language', (ARRAY['en','en','en','fr','es'])[1 + pg_temp.h(n, 50, 5)],
                          'level', (ARRAY['beginner','intermediate','advanced'])[1 + pg_temp.h(n, 51, 3)]),
       timestamptz %(start_ts)s - make_interval(days => 30 + pg_temp.h(n, 52, 700)),
       timestamptz %(start_ts)s - make_interval(days => pg_temp.h(n, 53, 30))
  FROM g_course;

INSERT INTO course_modules (id, course_id, title, description, position, is_published, created_at, updated_at)
SELECT m.id, c.id,
       'Module ' || m.module_no || ': ' || (ARRAY['Basics','Practice','Going further','Projects','Review','Case studies','Wrap-up'])[m.module_no],
       NULL, m.module_no - 1, c.status <> 'draft',
       timestamptz %(start_ts)s - interval '30 days', timestamptz %(start_ts)s - interval '30 days'
  FROM g_module AS m JOIN g_course AS c ON c.n = m.course_n;

INSERT INTO content_items (id, module_id, title, content_type, position, estimated_duration_seconds, is_required,
                           created_at, updated_at)
SELECT id, module_id,
       'Lesson ' || module_no || '.' || content_no || ' (' || content_type || ' ' || n || ')',
       content_type, content_no - 1, estimated_duration, is_required, timestamptz %(start_ts)s - interval '30 days', timestamptz %(start_ts)s - interval '30 days'
  FROM g_item;

INSERT INTO video_content (content_id, video_url, thumbnail_url, captions, duration_seconds, encoding_details)
SELECT id, 'https://cdn.example.com/c/' || n || '/master.m3u8', 'https://cdn.example.com/c/' || n || '/poster.jpg',
       CASE WHEN pg_temp.h(n, 56, 2) = 0 THEN '[{"lang": "en", "url": "captions/en.vtt"}]' ELSE '[]' END::jsonb,
       duration, '{"renditions": ["480p", "720p", "1080p"], "codec": "h264"}'
  FROM g_item WHERE content_type = 'video';

INSERT INTO quiz_content (content_id, quiz_type, passing_score, time_limit_seconds, randomize_questions, questions)
SELECT i.id, i.quiz_type, CASE i.quiz_type WHEN 'assessment' THEN 70 WHEN 'practice' THEN 50 END,
       CASE WHEN i.quiz_type = 'assessment' THEN i.questions * 90 END, pg_temp.h(i.n, 57, 2) = 0,
       (SELECT jsonb_agg(jsonb_build_object('id', 'q' || q, 'prompt', 'Question ' || q || ' of ' || i.questions,
                                            'choices', '["a", "b", "c", "d"]'::jsonb,
                                            'answer', chr(97 + pg_temp.h(i.n * 32 + q, 58, 4))) ORDER BY q)
          FROM generate_series(1, i.questions) AS q)
  FROM g_item AS i WHERE i.content_type = 'quiz';
"""

_SESSION_ROWS = """
INSERT INTO user_sessions (id, user_id, started_at, ended_at, device_info, ip_address, metadata)
OVERRIDING SYSTEM VALUE
SELECT s.id, s.user_id, s.started,
       s.started + make_interval(secs => s.events * s.gap + 15 + pg_temp.h(s.id, 60, 600)),
       jsonb_build_object('user_agent', (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)',
                                               'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)', 'LearnApp/3.2 Android'])[1 + pg_temp.h(s.user_n, 61, 4)],
                          'device', (ARRAY['desktop', 'mobile', 'desktop', 'tablet'])[1 + pg_temp.h(s.user_n, 61, 4)]),
       ('10.' || pg_temp.h(s.user_n, 62, 256) || '.' || pg_temp.h(s.user_n, 63, 256) || '.' || pg_temp.h(s.id, 64, 256))::inet,
       '{}'
  FROM g_session AS s ORDER BY s.id;
SELECT setval(pg_get_serial_sequence('user_sessions', 'id'), (SELECT max(id) FROM g_session));
"""

_INTERACTION_ROWS = """
INSERT INTO user_interactions (id, created_at, session_id, interaction_type, content_id, course_id, metadata, is_processed)
OVERRIDING SYSTEM VALUE
SELECT id, created_at, session_id, interaction_type, content_id, course_id, '{}',
       created_at < timestamptz %(end_ts)s - interval '30 minutes'
  FROM g_event;
SELECT setval(pg_get_serial_sequence('user_interactions', 'id'), %(events)s);
"""

_DETAIL_ROWS = """
INSERT INTO video_interactions (interaction_id, interaction_created_at, position_seconds, watched_seconds, playback_rate,
                                quality, is_fullscreen)
SELECT id, created_at, position_seconds, watched_seconds, rate, quality, is_fullscreen
  FROM g_event WHERE position_seconds IS NOT NULL;

-- The answers, and in the same pass their daily sums per quiz and question (the nightly
-- rollup's quiz_question_daily, as refresh_content_daily_metrics() defines it).
WITH answer AS MATERIALIZED (
    SELECT id, created_at, content_id, 'q' || question_no AS question_id, to_jsonb(answer) AS user_answer, is_correct,
           time_taken_seconds, attempt_number, CASE WHEN is_correct THEN 100 WHEN NOT is_correct THEN 0 END AS score
      FROM g_event WHERE interaction_type = 'answer'
), inserted AS (
    INSERT INTO quiz_interactions (interaction_id, interaction_created_at, question_id, user_answer, is_correct,
                                   time_taken_seconds, attempt_number, score)
    SELECT id, created_at, question_id, user_answer, is_correct, time_taken_seconds, attempt_number, score
      FROM answer
)
INSERT INTO quiz_question_daily (content_id, metric_date, question_id, answers, graded, correct, time_taken_seconds,
                                 scored, score_sum, created_at, updated_at)
SELECT content_id, (created_at AT TIME ZONE 'UTC')::date, question_id, count(*), count(is_correct),
       count(*) FILTER (WHERE is_correct), sum(time_taken_seconds), count(score), coalesce(sum(score), 0),
       (created_at AT TIME ZONE 'UTC')::date + interval '1 day 2 hours',
       (created_at AT TIME ZONE 'UTC')::date + interval '1 day 2 hours'
  FROM answer
 GROUP BY 1, 2, 3;
"""

# The analytics, with the rollup jobs' definitions (as in data step 0008, which computes them
# from migrated events): user_progress from the processed events (the last half hour is the
# rollup job's queue), the daily and monthly figures from all events.  One staging pass folds
# the events per session, item and UTC day (about a quarter of the rows), which every aggregate
# below can be computed from exactly: sums of sums, distinct learners counted over it, and each
# viewing session's furthest position on a video that day.
_FACTS = """
CREATE TEMP TABLE g_facts AS
SELECT a.*, i.module_id, i.is_required
  FROM (SELECT session_id, user_id, course_id, content_id, (created_at AT TIME ZONE 'UTC')::date AS day,
               created_at < timestamptz %(end_ts)s - interval '30 minutes' AS is_processed,
               count(*) AS events,
               count(*) FILTER (WHERE interaction_type IN ('view', 'start', 'play')) AS views,
               count(*) FILTER (WHERE interaction_type = 'complete') AS completions,
               sum(coalesce(watched_seconds, 0) + CASE WHEN interaction_type = 'answer' THEN time_taken_seconds ELSE 0 END)
                 AS seconds,
               sum(CASE WHEN is_correct THEN 100 WHEN NOT is_correct THEN 0 END) AS score_sum,
               count(is_correct) AS graded,
               count(*) FILTER (WHERE NOT is_correct) AS wrong,
               min(created_at) AS first_at, max(created_at) AS last_at,
               max(position_seconds) AS position
          FROM g_event
         GROUP BY 1, 2, 3, 4, 5, 6) AS a
  LEFT JOIN g_item AS i ON i.id = a.content_id;
ANALYZE g_facts;
"""

_ANALYTICS = """
INSERT INTO user_progress (user_id, course_id, completed_items, total_items, last_activity_at, time_spent_seconds,
                           average_score, created_at, updated_at)
SELECT f.user_id, f.course_id,
       count(DISTINCT f.content_id) FILTER (WHERE f.completions > 0 AND f.is_required),
       t.items, max(f.last_at), round(sum(f.seconds))::bigint, round(sum(f.score_sum) / nullif(sum(f.graded), 0), 2),
       min(f.first_at), max(f.last_at)
  FROM g_facts AS f
  JOIN (SELECT c.id AS course_id, count(*) FILTER (WHERE i.is_required)::integer AS items
          FROM g_item AS i JOIN g_course AS c ON c.n = i.course_n GROUP BY c.id) AS t ON t.course_id = f.course_id
 WHERE f.is_processed
 GROUP BY f.user_id, f.course_id, t.items;

-- engagement_score as in 0008: 50 x completion rate + 30 x time ratio + 20 x repeat rate.
-- sessions_reaching (videos): per day, the viewing sessions whose furthest position reached
-- each tenth of the video, as refresh_content_daily_metrics() defines it.
INSERT INTO content_engagement_metrics (content_id, metric_date, views, completions, average_time_seconds,
                                        average_score, difficulty, engagement_score, sessions_reaching,
                                        created_at, updated_at)
SELECT d.content_id, d.metric_date, d.views, d.completions, round(d.seconds / d.learners, 2),
       round(d.score_sum / nullif(d.graded, 0), 2), round(d.wrong::numeric / nullif(d.graded, 0), 3),
       round(50 * least(1, d.completions::numeric / d.learners)
             + 30 * least(1, d.seconds / d.learners / coalesce(nullif(d.length, 0), 600))
             + 20 * greatest(0, (d.views - d.learners)::numeric / greatest(d.views, 1)), 2),
       CASE WHEN d.is_video THEN coalesce(r.sessions_reaching, array_fill(0, ARRAY[11])) END,
       d.metric_date + interval '1 day 2 hours', d.metric_date + interval '1 day 2 hours'
  FROM (SELECT f.content_id, f.day AS metric_date, sum(f.views) AS views, sum(f.completions) AS completions,
               count(DISTINCT f.user_id) AS learners, sum(f.seconds) AS seconds, sum(f.score_sum) AS score_sum,
               sum(f.graded) AS graded, sum(f.wrong) AS wrong,
               max(CASE WHEN i.content_type = 'video' THEN i.duration ELSE i.estimated_duration END) AS length,
               bool_or(i.content_type = 'video') AS is_video
          FROM g_facts AS f
          JOIN g_item AS i ON i.id = f.content_id
         GROUP BY 1, 2) AS d
  LEFT JOIN (SELECT t.content_id, t.day,
                    ARRAY[count(*),
                          count(*) FILTER (WHERE t.tenth >= 1), count(*) FILTER (WHERE t.tenth >= 2),
                          count(*) FILTER (WHERE t.tenth >= 3), count(*) FILTER (WHERE t.tenth >= 4),
                          count(*) FILTER (WHERE t.tenth >= 5), count(*) FILTER (WHERE t.tenth >= 6),
                          count(*) FILTER (WHERE t.tenth >= 7), count(*) FILTER (WHERE t.tenth >= 8),
                          count(*) FILTER (WHERE t.tenth >= 9), count(*) FILTER (WHERE t.tenth >= 10)]::integer[]
                      AS sessions_reaching
               FROM (SELECT f.content_id, f.day, f.session_id,
                            least(10, floor(10 * max(f.position) / max(i.duration)))::integer AS tenth
                       FROM g_facts AS f
                       JOIN g_item AS i ON i.id = f.content_id AND i.content_type = 'video'
                      WHERE f.position IS NOT NULL
                      GROUP BY 1, 2, 3) AS t
              GROUP BY 1, 2) AS r ON r.content_id = d.content_id AND r.day = d.metric_date;

-- Per course and UTC day and month (0008's four metrics), and per module and month
-- (active_learners, completers: learners with at least one completed item), the rows the
-- course dashboards read.
INSERT INTO aggregated_analytics (entity_type, entity_id, metric_name, granularity, period_start, period_end,
                                  metric_value, created_at, updated_at)
SELECT 'course', a.course_id, m.metric_name, a.granularity, a.period_start,
       a.period_start + CASE a.granularity WHEN 'day' THEN interval '1 day' ELSE interval '1 month' END,
       m.metric_value, a.period_start, a.period_start
  FROM (SELECT course_id,
               CASE WHEN GROUPING(day) = 0 THEN 'day' ELSE 'month' END AS granularity,
               coalesce(day, month)::timestamptz AS period_start,
               count(DISTINCT user_id) AS active_learners,
               sum(events) AS interactions,
               sum(completions) AS completions,
               sum(seconds) AS watch_seconds
          FROM (SELECT course_id, user_id, events, completions, seconds, day,
                       date_trunc('month', day)::date AS month
                  FROM g_facts) AS f
         GROUP BY GROUPING SETS ((course_id, day), (course_id, month))) AS a
 CROSS JOIN LATERAL (VALUES ('active_learners', a.active_learners::numeric),
                            ('interactions', a.interactions::numeric),
                            ('completions', a.completions::numeric),
                            ('watch_seconds', a.watch_seconds)) AS m (metric_name, metric_value);

INSERT INTO aggregated_analytics (entity_type, entity_id, metric_name, granularity, period_start, period_end,
                                  metric_value, created_at, updated_at)
SELECT 'module', a.module_id, m.metric_name, 'month', a.month, a.month + interval '1 month', m.metric_value,
       a.month, a.month
  FROM (SELECT module_id, date_trunc('month', day)::date::timestamptz AS month,
               count(DISTINCT user_id) AS active_learners,
               count(DISTINCT user_id) FILTER (WHERE completions > 0) AS completers
          FROM g_facts
         WHERE module_id IS NOT NULL
         GROUP BY 1, 2) AS a
 CROSS JOIN LATERAL (VALUES ('active_learners', a.active_learners::numeric),
                            ('completers', a.completers::numeric)) AS m (metric_name, metric_value);
"""

# Secondary indexes are built after the load, like `schemadiff migrate --defer-indexes` does:
# dropped right after expand created them, re-created by the final `schemadiff apply` (one
# sorted build per partition instead of millions of random insertions).
_SECONDARY_INDEXES = """
SELECT format('DROP INDEX %s', i.indexrelid::regclass)
  FROM pg_index AS i
  JOIN pg_class AS ic ON ic.oid = i.indexrelid
  JOIN pg_namespace AS n ON n.oid = ic.relnamespace
 WHERE n.nspname = 'public' AND NOT i.indisunique AND NOT ic.relispartition
   AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
 ORDER BY 1
"""


def _substitute(text: str, params: dict[str, object]) -> str:
    for key, value in params.items():
        literal = f"'{value}'" if isinstance(value, str) else str(value)
        text = text.replace(f"%({key})s", literal)
    return text


def run_schemadiff(args: list[str]) -> None:
    """`schemadiff <args>` in a child process, from the repository root (its [tool.schemadiff])."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-c", "from schemadiff.cli.main import main; main()", *args]
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"data_gen: schemadiff {' '.join(args)} failed (exit {p.returncode}):\n"
                         f"{p.stderr.strip()[-3000:]}")


def _apply(dsn: str, *extra: str) -> None:
    run_schemadiff(["apply", "--schema", str(SCHEMA_DIR), "--db", dsn, "--exclude", PARTITION_EXCLUDE,
                    "--yes", "--no-verify", *extra])


def month_bounds(end_date: dt.date) -> tuple[dt.date, dt.date]:
    """(first day of the first month with data, end date): MONTHS calendar months, the last one
    ending at end_date (partial unless end_date is the 1st)."""
    last_month = end_date.replace(day=1) if end_date.day > 1 else (end_date.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    y, m = last_month.year, last_month.month - (MONTHS - 1)
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1), end_date


def generate_new(dsn: str, scale: float = 1.0, seed: int = 42, end_date: dt.date | None = None,
                 progress: Progress = lambda _: None) -> dict[str, object]:
    """Load schema/ into the empty database `dsn` with schemadiff and fill it; returns timings and parameters."""
    end_date = end_date or dt.datetime.now(dt.timezone.utc).date()
    start, end = month_bounds(end_date)
    n = sizes(scale)
    first_student = n["instructors"] + 2
    params: dict[str, object] = {
        **n, "first_student": first_student, "students": n["users"] - first_student + 1,
        "candidates": round(n["events"] / 10) + 100,
        "start_ts": f"{start.isoformat()} 00:00:00+00", "end_ts": f"{end.isoformat()} 00:00:00+00",
    }
    timings: dict[str, float] = {}

    def step(label: str, fn: Callable[[], None]) -> None:
        t0 = time.monotonic()
        fn()
        timings[label] = round(time.monotonic() - t0, 1)
        progress(f"  {label}: {timings[label]:.1f}s")

    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('public.users')").fetchone()[0] is not None:
            raise SystemExit("data_gen: public.users exists already; use an empty database (--create)")
    step("schemadiff apply --phase expand", lambda: _apply(dsn, "--phase", "expand"))
    with psycopg.connect(dsn, autocommit=True) as conn:
        for (drop,) in conn.execute(_SECONDARY_INDEXES).fetchall():
            conn.execute(drop)

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("SET work_mem = '1GB'")
        conn.execute("SET temp_buffers = '1GB'")
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute(_HELPERS.format(seed=int(seed)))

        def run(text: str) -> None:
            with conn.transaction():
                conn.execute(_substitute(text, params))

        step("partitions", lambda: run(
            f"SELECT count(*) FROM create_monthly_partitions('user_interactions', date '{start.isoformat()}', "
            f"{MONTHS - 1 + MONTHS_AHEAD})"))
        step("catalog staging", lambda: run(_CATALOG))
        step("sessions staging", lambda: run(_SESSIONS))
        run(_EVENT_VIEW)
        step("users", lambda: run(_USERS))
        step("courses, modules, content", lambda: run(_CATALOG_ROWS))
        step("user_sessions", lambda: run(_SESSION_ROWS))
        step("user_interactions", lambda: run(_INTERACTION_ROWS))
        step("video/quiz interactions", lambda: run(_DETAIL_ROWS))
        step("analytics staging", lambda: run(_FACTS))
        step("analytics", lambda: run(_ANALYTICS))
        conn.execute("DROP TABLE g_facts")
    step("schemadiff apply (indexes, foreign keys)", lambda: _apply(dsn))
    with psycopg.connect(dsn, autocommit=True) as conn:
        step("vacuum analyze", lambda: conn.execute("VACUUM (ANALYZE)"))
    return {"scale": scale, "seed": seed, "start": start.isoformat(), "end": end.isoformat(),
            "sizes": n, "timings_s": timings}


# ---------------------------------------------------------------------------------------------
# The legacy copy: the new rows mapped back to the legacy tables.  Runs on a connection to the
# new database; the legacy ids come from the numbering behind the new uuids, recomputed and
# checked against the uuids (md5 of the same prefixes as in data step 0001).

_LEGACY_MAPS = """
CREATE TEMP TABLE m_user AS
SELECT u.id, g.n
  FROM generate_series(1, (SELECT count(*) FROM users)) AS g (n)
  JOIN users AS u ON u.id = md5('learning-platform/user/' || g.n::text)::uuid;
ALTER TABLE m_user ADD PRIMARY KEY (id);
CREATE TEMP TABLE m_course AS
SELECT c.id, (c.metadata ->> 'legacy_course_id')::integer AS n, c.title, i.n AS instructor_n
  FROM courses AS c JOIN m_user AS i ON i.id = c.instructor_id
 WHERE c.id = md5('learning-platform/course/' || (c.metadata ->> 'legacy_course_id'))::uuid;
ALTER TABLE m_course ADD PRIMARY KEY (id);
CREATE TEMP TABLE m_content AS
SELECT ci.id, (row_number() OVER (ORDER BY mc.n, cm.position, ci.position))::integer AS n, mc.n AS course_n,
       cm.id AS module_id, cm.position + 1 AS module_no, cm.title AS module_name,
       ci.position + 1 AS content_no, ci.title, ci.content_type,
       CASE ci.content_type WHEN 'reading' THEN 'article' WHEN 'attachment' THEN 'pdf' ELSE ci.content_type END
         AS legacy_type,
       vc.video_url, vc.duration_seconds, qc.quiz_type, qc.passing_score
  FROM content_items AS ci
  JOIN course_modules AS cm ON cm.id = ci.module_id
  JOIN m_course AS mc ON mc.id = cm.course_id
  LEFT JOIN video_content AS vc ON vc.content_id = ci.id
  LEFT JOIN quiz_content AS qc ON qc.content_id = ci.id;
ALTER TABLE m_content ADD PRIMARY KEY (id);
ANALYZE m_user; ANALYZE m_course; ANALYZE m_content;
"""

_LEGACY_MAP_CHECK = """
SELECT (SELECT count(*) FROM users) - (SELECT count(*) FROM m_user),
       (SELECT count(*) FROM courses) - (SELECT count(*) FROM m_course),
       (SELECT count(*) FROM content_items) - (SELECT count(*) FROM m_content),
       (SELECT count(*) FROM m_content
         WHERE id <> md5('learning-platform/content/' || n::text)::uuid
            OR module_id <> md5('learning-platform/module/' || course_n::text || '/' || module_no::text)::uuid)
"""

# One SELECT per legacy table, its columns in the legacy table's order.  The legacy
# generator's mess is reproduced at its rates (legacy/generate.py), choosing only spellings
# the migration maps back to the same values: event names upper-cased (8 %) or with a
# trailing blank (3 %), ISO 8601 times with 'Z' (5 %), roles 'teacher'/'Teacher', speeds
# '1.5x', qualities 'HD'/'SD'/'Auto', booleans 't'/'1'/'true', scores '50.0'.
_LEGACY_COPY = {
    "users": """
SELECT m.n, u.email, u.full_name,
       CASE u.user_role WHEN 'instructor' THEN (ARRAY['teacher', 'Teacher'])[1 + (m.n % 2)]
                        ELSE u.user_role END,
       u.avatar_url, u.metadata::text, u.created_at AT TIME ZONE 'UTC', u.updated_at AT TIME ZONE 'UTC'
  FROM users AS u JOIN m_user AS m ON m.id = u.id
 ORDER BY m.n""",
    "user_sessions": """
SELECT s.id, m.n, s.started_at AT TIME ZONE 'UTC',
       CASE WHEN s.id % 4 = 0 THEN to_char(s.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            ELSE to_char(s.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') END,
       host(s.ip_address), s.device_info ->> 'user_agent', s.device_info ->> 'device'
  FROM user_sessions AS s JOIN m_user AS m ON m.id = s.user_id
 ORDER BY s.id""",
    "user_interactions": """
SELECT ui.id, ui.session_id, m.n,
       CASE WHEN ((ui.id * 2654435761) % 100) < 8 THEN upper(e.name)
            WHEN ((ui.id * 2654435761) % 100) < 11 THEN e.name || ' ' ELSE e.name END,
       CASE WHEN ((ui.id * 40503) % 20) = 0 THEN to_char(ui.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            ELSE to_char(ui.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') END,
       '/courses/' || mc.n || coalesce('/content/' || ct.n, ''),
       CASE WHEN ui.is_processed THEN 'Y' ELSE 'N' END
  FROM user_interactions AS ui
  JOIN user_sessions AS s ON s.id = ui.session_id
  JOIN m_user AS m ON m.id = s.user_id
  LEFT JOIN m_course AS mc ON mc.id = ui.course_id
  LEFT JOIN m_content AS ct ON ct.id = ui.content_id
 CROSS JOIN LATERAL (SELECT CASE ui.interaction_type
            WHEN 'view' THEN CASE WHEN ui.content_id IS NULL THEN 'course_view' ELSE 'content_view' END
            WHEN 'start' THEN 'quiz_start' WHEN 'play' THEN 'video_play' WHEN 'pause' THEN 'video_pause'
            WHEN 'seek' THEN 'video_seek'
            WHEN 'progress' THEN CASE WHEN ct.content_type = 'video' THEN 'video_progress' ELSE 'page_scroll' END
            WHEN 'complete' THEN CASE WHEN ct.content_type = 'video' THEN 'video_complete' ELSE 'content_complete' END
            WHEN 'answer' THEN 'quiz_answer' WHEN 'submit' THEN 'quiz_submit' WHEN 'download' THEN 'file_download'
            END AS name) AS e""",
    "interaction_details": """
SELECT ui.id, ui.id, m.n, u.full_name, u.email, mc.n, mc.title,
       ct.module_no, ct.module_name, ct.n, ct.content_no, ct.title, ct.legacy_type,
       CASE ct.content_type WHEN 'video' THEN ct.video_url WHEN 'attachment' THEN 'https://cdn.example.com/c/' || ct.n || '/handout.pdf'
                            ELSE 'https://cdn.example.com/c/' || ct.n END,
       CASE WHEN ct.content_type = 'video' THEN
            CASE WHEN mc.n % 3 = 0 THEN (ct.duration_seconds / 60) || ':' || lpad((ct.duration_seconds % 60)::text, 2, '0')
                 ELSE ct.duration_seconds::text END END,
       v.position_seconds::text,
       CASE WHEN v.playback_rate IS NULL THEN NULL
            WHEN v.playback_rate = 1 THEN (ARRAY['1', '1.0'])[1 + ui.id % 2]
            WHEN v.playback_rate = 1.5 AND ui.id % 2 = 0 THEN '1.5x'
            ELSE rtrim(rtrim(v.playback_rate::text, '0'), '.') END,
       CASE v.quality WHEN '720p' THEN (ARRAY['HD', '720p'])[1 + ui.id % 2] WHEN '480p' THEN 'SD' WHEN 'auto' THEN 'Auto'
                      ELSE v.quality END,
       q.question_id,
       CASE jsonb_typeof(q.user_answer) WHEN 'string' THEN q.user_answer #>> '{}' ELSE q.user_answer::text END,
       CASE WHEN q.is_correct THEN (ARRAY['true', 't', '1'])[1 + ui.id % 3]
            WHEN NOT q.is_correct THEN (ARRAY['false', 'f', '0'])[1 + ui.id % 3] END,
       CASE WHEN q.score = 100 THEN (ARRAY['100', '100.00'])[1 + ui.id % 2]
            WHEN q.score IS NOT NULL THEN rtrim(rtrim(q.score::text, '0'), '.') END,
       q.attempt_number, q.time_taken_seconds::text,
       '{"instructor_id": ' || mc.instructor_n
         || coalesce(', "fullscreen": ' || v.is_fullscreen || ', "watched": ' || v.watched_seconds, '')
         || CASE WHEN ct.content_type = 'quiz'
                 THEN ', "quiz_type": "' || ct.quiz_type || '"' || coalesce(', "passing_score": ' || ct.passing_score, '')
                 ELSE '' END || '}'
  FROM user_interactions AS ui
  JOIN user_sessions AS s ON s.id = ui.session_id
  JOIN m_user AS m ON m.id = s.user_id
  JOIN users AS u ON u.id = s.user_id
  JOIN m_course AS mc ON mc.id = ui.course_id
  LEFT JOIN m_content AS ct ON ct.id = ui.content_id
  LEFT JOIN video_interactions AS v ON v.interaction_id = ui.id AND v.interaction_created_at = ui.created_at
  LEFT JOIN quiz_interactions AS q ON q.interaction_id = ui.id AND q.interaction_created_at = ui.created_at""",
}


def generate_legacy(new_dsn: str, legacy_dsn: str, progress: Progress = lambda _: None) -> dict[str, float]:
    """Load legacy/schema.sql into the empty database `legacy_dsn` and fill it from `new_dsn`."""
    timings: dict[str, float] = {}
    with psycopg.connect(new_dsn, autocommit=True) as src, psycopg.connect(legacy_dsn, autocommit=True) as dst:
        if dst.execute("SELECT to_regclass('public.user_interactions')").fetchone()[0] is not None:
            raise SystemExit("data_gen: the legacy database is not empty; use an empty database (--create)")
        for conn in (src, dst):
            conn.execute("SET TIME ZONE 'UTC'")
            conn.execute("SET work_mem = '512MB'")
            conn.execute("SET temp_buffers = '256MB'")
        t0 = time.monotonic()
        with dst.transaction():
            dst.execute(LEGACY_SCHEMA.read_text())
        with src.transaction():
            src.execute(_LEGACY_MAPS)
        missing = src.execute(_LEGACY_MAP_CHECK).fetchone()
        if any(missing):
            raise SystemExit(f"data_gen: {new_dsn} was not made by data_gen.py (unmapped users, courses, items, "
                             f"ids: {missing})")
        timings["legacy schema and id maps"] = round(time.monotonic() - t0, 1)
        for table, query in _LEGACY_COPY.items():
            t0 = time.monotonic()
            with dst.transaction():
                with src.cursor().copy(sql.SQL("COPY ({}) TO STDOUT").format(sql.SQL(query))) as out, \
                        dst.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as into:
                    for chunk in out:
                        into.write(chunk)
            timings[f"legacy {table}"] = round(time.monotonic() - t0, 1)
            progress(f"  legacy {table}: {timings[f'legacy {table}']:.1f}s")
        for table, column in (("users", "id"), ("user_sessions", "session_id"), ("user_interactions", "id"),
                              ("interaction_details", "id")):
            dst.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"(SELECT coalesce(max({column}), 1) FROM {table}))")
        t0 = time.monotonic()
        dst.execute("VACUUM (ANALYZE)")
        timings["legacy vacuum analyze"] = round(time.monotonic() - t0, 1)
        progress(f"  legacy vacuum analyze: {timings['legacy vacuum analyze']:.1f}s")
    return timings


def table_stats(dsn: str, tables: tuple[str, ...]) -> dict[str, object]:
    """Rows (exact) and total size (heap, indexes, TOAST; partitions included) per table, and the database size."""
    out: dict[str, object] = {"tables": {}}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in tables:
            rows = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            size = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(r)), 0) FROM ("
                " SELECT %s::regclass AS r UNION ALL"
                " SELECT relid FROM pg_partition_tree(%s::regclass) WHERE relid <> %s::regclass) AS t",
                (table, table, table)).fetchone()[0]
            out["tables"][table] = {"rows": int(rows), "bytes": int(size)}
        out["database_bytes"] = int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
    return out


def recreate_database(dsn: str) -> None:
    """Drop and create the database named in `dsn`, through database postgres of the same server."""
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    name = params["dbname"]
    params["dbname"] = "postgres"
    with psycopg.connect(psycopg.conninfo.make_conninfo(**params), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="the new-schema database (empty, or use --create); default: lp_new on the "
                                 "benchmark server (bench/lp_server.py), with lp_legacy as --legacy-db")
    ap.add_argument("--legacy-db", help="the legacy database to fill from --db (empty, or use --create)")
    ap.add_argument("--scale", type=float, default=1.0, help="1.0: 100k users, 20M interactions (default)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--end-date", type=dt.date.fromisoformat, help="the data ends at this UTC midnight (default: today)")
    ap.add_argument("--create", action="store_true", help="drop and create the databases first")
    ap.add_argument("--json", type=Path, help="write counts, sizes and timings here (e.g. bench/results_datagen.json)")
    a = ap.parse_args(argv)
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    from lp_server import urls_or_default
    a.db, a.legacy_db = urls_or_default(a.db, a.legacy_db)
    if a.create:
        recreate_database(a.db)
        if a.legacy_db:
            recreate_database(a.legacy_db)
    t0 = time.monotonic()
    say(f"new schema ({a.db}):")
    report = generate_new(a.db, a.scale, a.seed, a.end_date, progress=say)
    report["new_seconds"] = round(time.monotonic() - t0, 1)
    report["new"] = table_stats(a.db, NEW_TABLES)
    if a.legacy_db:
        t1 = time.monotonic()
        say(f"legacy schema ({a.legacy_db}):")
        report["legacy_timings_s"] = generate_legacy(a.db, a.legacy_db, progress=say)
        report["legacy_seconds"] = round(time.monotonic() - t1, 1)
        report["legacy"] = table_stats(a.legacy_db, LEGACY_TABLES)
    report["total_seconds"] = round(time.monotonic() - t0, 1)
    text = json.dumps(report, indent=2)
    if a.json:
        a.json.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
