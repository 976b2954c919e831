"""The learning platform schema (schema/*.sql) on a real PostgreSQL server.

What is proved here: the schema loads silently, the partition lifecycle works
(default partition, create_monthly_partitions), the two reporting queries of
docs/queries/ use the partial indexes meant for them on a realistically filled
database, the database enforces the integrity rules, and the catalog-wide rules
hold: everything commented, every foreign key indexed, no redundant index.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import json
import tomllib
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from pglast import ast, parse_sql
from pglast.enums import ObjectType
from pglast.visitors import Visitor

from learning_platform import ROOT, SCHEMA_DIR, SCHEMA_FILES, SchemaLoadError, load_schema, read_query

pytestmark = pytest.mark.db

# Fixed ids for the small seed graph used by the integrity tests.
ADA = "00000000-0000-4000-8000-000000000001"  # instructor
BOB = "00000000-0000-4000-8000-000000000002"  # learner
COURSE = "00000000-0000-4000-8000-0000000000c1"
MODULE = "00000000-0000-4000-8000-0000000000d1"
VIDEO = "00000000-0000-4000-8000-0000000000e1"
QUIZ = "00000000-0000-4000-8000-0000000000e2"

SEED = f"""
INSERT INTO users (id, email, full_name, user_role) VALUES
    ('{ADA}', 'Ada@Example.com', 'Ada Instructor', 'instructor'),
    ('{BOB}', 'bob@example.com', 'Bob Learner', 'student');
INSERT INTO courses (id, title, instructor_id, status) VALUES ('{COURSE}', 'SQL 101', '{ADA}', 'published');
INSERT INTO course_modules (id, course_id, title, position) VALUES ('{MODULE}', '{COURSE}', 'Basics', 0);
INSERT INTO content_items (id, module_id, title, content_type, position) VALUES
    ('{VIDEO}', '{MODULE}', 'Intro video', 'video', 0),
    ('{QUIZ}', '{MODULE}', 'Check yourself', 'quiz', 1);
INSERT INTO video_content (content_id, video_url, duration_seconds) VALUES ('{VIDEO}', 'https://cdn.example.com/v1.m3u8', 300);
INSERT INTO quiz_content (content_id, quiz_type, passing_score) VALUES ('{QUIZ}', 'assessment', 70);
INSERT INTO user_sessions (user_id, started_at) VALUES ('{BOB}', now() - interval '1 hour');
INSERT INTO user_interactions (session_id, interaction_type, content_id, course_id)
    SELECT id, 'play', '{VIDEO}', '{COURSE}' FROM user_sessions;
INSERT INTO video_interactions (interaction_id, interaction_created_at, position_seconds, watched_seconds)
    SELECT id, created_at, 12.5, 12.5 FROM user_interactions;
INSERT INTO user_progress (user_id, course_id, completed_items, total_items) VALUES ('{BOB}', '{COURSE}', 1, 2);
INSERT INTO content_engagement_metrics (content_id, metric_date, views, sessions_reaching)
    VALUES ('{VIDEO}', '2025-01-01', 1, '{{1,1,1,1,0,0,0,0,0,0,0}}');
INSERT INTO quiz_question_daily (content_id, metric_date, question_id, answers, graded, correct, time_taken_seconds,
                                 scored, score_sum)
    VALUES ('{QUIZ}', '2025-01-01', 'q1', 2, 2, 1, 41.5, 2, 100);
INSERT INTO aggregated_analytics (entity_type, entity_id, metric_name, granularity, period_start, period_end, metric_value)
    VALUES ('course', '{COURSE}', 'active_learners', 'day', '2025-01-01 00:00+00', '2025-01-02 00:00+00', 1);
"""


@pytest.fixture(scope="module")
def seeded(pg) -> str:
    """One database for the whole module: the schema plus the small seed graph.

    Tests that use it must not leave changes behind: they work inside
    `rolled_back`, or only read the catalog.
    """
    dsn = pg.create_database()
    load_schema(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SEED)
    return dsn


@pytest.fixture
def rolled_back(seeded) -> Iterator[psycopg.Connection]:
    """A connection to the seeded database inside a transaction that is always rolled back."""
    with psycopg.connect(seeded) as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def schema_db(db) -> str:
    """A fresh database with the schema loaded, for tests that change it."""
    load_schema(db)
    return db


def scalar(conn: psycopg.Connection, sql: str, params: Any = None) -> Any:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


# --- 1. The schema loads cleanly ------------------------------------------------------------


ALLOWED_STATEMENTS = {
    ast.CreateExtensionStmt,
    ast.CreateEnumStmt,
    ast.CreateStmt,
    ast.IndexStmt,
    ast.CreateFunctionStmt,
    ast.CreateTrigStmt,
    ast.CommentStmt,
}


class _QualifiedNames(Visitor):
    """Collects every relation name written with a schema."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_RangeVar(self, ancestors, node):  # noqa: N802 - pglast visitor protocol
        if node.schemaname:
            self.found.append(f"{node.schemaname}.{node.relname}")


def _comment_target_is_unqualified(stmt: ast.CommentStmt) -> bool:
    obj = stmt.object
    if stmt.objtype == ObjectType.OBJECT_FUNCTION:
        return len(obj.objname) == 1
    if stmt.objtype == ObjectType.OBJECT_COLUMN:
        return len(obj) == 2
    if isinstance(obj, tuple):
        return len(obj) == 1
    return True


def test_schema_files_are_exactly_the_load_order():
    on_disk = sorted(str(p.relative_to(SCHEMA_DIR)) for p in SCHEMA_DIR.rglob("*.sql"))
    assert on_disk == sorted(SCHEMA_FILES)
    assert len(set(SCHEMA_FILES)) == len(SCHEMA_FILES)


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_file_uses_only_declarative_statements_and_unqualified_names(name):
    statements = parse_sql((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    for raw in statements:
        stmt = raw.stmt
        assert type(stmt) in ALLOWED_STATEMENTS, f"{name}: {type(stmt).__name__} is not allowed in schema/"
        names = _QualifiedNames()
        names(stmt)
        assert names.found == [], f"{name}: schema-qualified names {names.found}"
        if isinstance(stmt, ast.CommentStmt):
            assert _comment_target_is_unqualified(stmt), f"{name}: qualified COMMENT target {stmt.object}"
        if isinstance(stmt, ast.CreateTrigStmt):
            assert len(stmt.funcname) == 1, f"{name}: qualified trigger function"


def test_schema_loads_into_an_empty_database_without_error_or_notice(db):
    load_schema(db)  # raises SchemaLoadError on any error, warning or notice
    with psycopg.connect(db) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')")}
        partitions = {r[0] for r in conn.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'user_interactions'::regclass")}
    assert tables == {
        "users", "courses", "course_modules", "content_items", "video_content", "quiz_content",
        "user_sessions", "user_interactions", "user_interactions_default", "video_interactions",
        "quiz_interactions", "user_progress", "content_engagement_metrics", "quiz_question_daily",
        "aggregated_analytics",
    }
    # The declared schema has the default partition only; months come from the function.
    assert partitions == {"user_interactions_default"}


def test_load_schema_fails_on_an_error_and_on_a_notice(db, tmp_path):
    # The helper itself is what test 1 relies on: prove it is strict.
    noisy = tmp_path / "noisy.sql"
    noisy.write_text("CREATE EXTENSION IF NOT EXISTS plpgsql;\n")  # installed already: NOTICE
    with pytest.raises(SchemaLoadError, match="NOTICE"):
        load_schema(db, [noisy])
    broken = tmp_path / "broken.sql"
    broken.write_text("CREATE TABLE t (a int);\nCREATE TABLE t (a int);\n")
    with pytest.raises(SchemaLoadError, match="broken.sql failed to load"):
        load_schema(db, [broken])
    with psycopg.connect(db) as conn:  # nothing of a failed load is committed
        assert scalar(conn, "SELECT to_regclass('t')") is None


# --- 2. Partitions: the default partition and create_monthly_partitions ----------------------


def _exclude_patterns() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["schemadiff"]["exclude"]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _new_session(conn: psycopg.Connection) -> int:
    user_id = scalar(conn, "INSERT INTO users (email, full_name) VALUES ('p@example.com', 'P') RETURNING id")
    return scalar(conn, "INSERT INTO user_sessions (user_id) VALUES (%s) RETURNING id", (user_id,))


def _insert_interaction(conn: psycopg.Connection, session_id: int, created_at: str) -> tuple[int, dt.datetime, str]:
    """Insert one interaction; returns (id, created_at, the partition it landed in)."""
    return conn.execute(
        "INSERT INTO user_interactions (session_id, interaction_type, created_at)"
        " VALUES (%s, 'view', %s::timestamptz) RETURNING id, created_at, tableoid::regclass::text",
        (session_id, created_at),
    ).fetchone()


def _partition_of(conn: psycopg.Connection, interaction_id: int) -> str:
    return scalar(conn, "SELECT tableoid::regclass::text FROM user_interactions WHERE id = %s", (interaction_id,))


def _monthly_partitions(conn: psycopg.Connection) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits"
        " WHERE inhparent = 'user_interactions'::regclass AND inhrelid <> 'user_interactions_default'::regclass")}


def test_interaction_for_any_date_lands_in_the_default_partition(schema_db):
    with psycopg.connect(schema_db, autocommit=True) as conn:
        session_id = _new_session(conn)
        for created_at in ("1970-01-01 00:00:00+00", "now", "2999-12-31 23:59:59.999999+00"):
            _, _, partition = _insert_interaction(conn, session_id, created_at)
            assert partition == "user_interactions_default", created_at


def test_create_monthly_partitions_is_idempotent_and_moves_default_rows(schema_db):
    with psycopg.connect(schema_db, autocommit=True) as conn:
        session_id = _new_session(conn)
        now_id, now_at, _ = _insert_interaction(conn, session_id, "now")
        answer_id, answer_at, _ = _insert_interaction(conn, session_id, "now")
        conn.execute(
            "INSERT INTO video_interactions (interaction_id, interaction_created_at, position_seconds, playback_rate)"
            " VALUES (%s, %s, 42.5, 1.5)", (now_id, now_at))
        conn.execute(
            "INSERT INTO quiz_interactions (interaction_id, interaction_created_at, question_id, user_answer,"
            " is_correct, time_taken_seconds, score) VALUES (%s, %s, 'q1', '\"b\"', true, 3.2, 100)",
            (answer_id, answer_at))
        old_id, _, _ = _insert_interaction(conn, session_id, "2001-01-15 12:00:00+00")
        future_id, _, _ = _insert_interaction(conn, session_id, "2999-12-31 12:00:00+00")

        month = scalar(conn, "SELECT date_trunc('month', %s AT TIME ZONE 'UTC')::date", (now_at,))
        expected = [f"public.user_interactions_p{_add_months(month, k):%Y%m}" for k in range(3)]

        made = conn.execute(
            "SELECT partition_name, rows_moved FROM create_monthly_partitions('user_interactions', %s, 2)",
            (month,)).fetchall()
        assert made == [(expected[0], 2), (expected[1], 0), (expected[2], 0)]

        # The two rows of this month moved, with the rows that reference them.
        this_month = expected[0].removeprefix("public.")
        assert _partition_of(conn, now_id) == this_month
        assert _partition_of(conn, answer_id) == this_month
        assert conn.execute(
            "SELECT position_seconds, playback_rate FROM video_interactions WHERE interaction_id = %s",
            (now_id,)).fetchone() == (pytest.approx(42.5), pytest.approx(1.5))
        assert conn.execute(
            "SELECT question_id, user_answer, score FROM quiz_interactions WHERE interaction_id = %s",
            (answer_id,)).fetchone() == ("q1", "b", 100)
        # Rows of other months stay where they were.
        assert _partition_of(conn, old_id) == "user_interactions_default"
        assert _partition_of(conn, future_id) == "user_interactions_default"

        # Idempotent: a second run creates nothing and fails on nothing.
        partitions = _monthly_partitions(conn)
        assert conn.execute(
            "SELECT * FROM create_monthly_partitions('user_interactions', %s, 2)", (month,)).fetchall() == []
        assert _monthly_partitions(conn) == partitions == {name.removeprefix("public.") for name in expected}

        # New rows of a covered month go straight to its partition.
        _, _, partition = _insert_interaction(conn, session_id, "now")
        assert partition == this_month

        # A past month can be created later too (backfill): its row moves.
        made = conn.execute(
            "SELECT * FROM create_monthly_partitions('user_interactions', '2001-01-31', 0)").fetchall()
        assert made == [("public.user_interactions_p200101", 1)]
        assert _partition_of(conn, old_id) == "user_interactions_p200101"
        assert scalar(conn, "SELECT count(*) FROM user_interactions_default") == 1

        # Monthly partitions (and their indexes) match the drift exclude pattern;
        # nothing declared in schema/ does.
        patterns = _exclude_patterns()
        rels = conn.execute(
            "SELECT n.nspname || '.' || c.relname, c.relkind, c.relname LIKE 'user_interactions\\_p______%%'"
            " FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'i', 'I')").fetchall()
        for name, _kind, is_month in rels:
            excluded = any(fnmatch.fnmatchcase(name, p) for p in patterns)
            assert excluded == is_month, name


def test_partition_boundaries_are_utc_months_whatever_the_session_settings(schema_db):
    with psycopg.connect(schema_db, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'Pacific/Auckland'")
        conn.execute("SET DateStyle = 'SQL, DMY'")
        conn.execute("SELECT * FROM create_monthly_partitions('user_interactions', %s, 1)", (dt.date(2030, 1, 1),))
        conn.execute("RESET DateStyle")  # psycopg cannot read timestamps back in the SQL style
        session_id = _new_session(conn)
        cases = {
            "2029-12-31 23:59:59.999999+00": "user_interactions_default",
            "2030-01-01 00:00:00+00": "user_interactions_p203001",
            "2030-01-31 23:30:00+00": "user_interactions_p203001",
            "2030-02-01 00:30:00+00": "user_interactions_p203002",
            "2030-03-01 00:00:00+00": "user_interactions_default",
        }
        for created_at, partition in cases.items():
            assert _insert_interaction(conn, session_id, created_at)[2] == partition, created_at


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("SELECT * FROM create_monthly_partitions('user_interactions', '2030-01-01', -1)",
         psycopg.errors.InvalidParameterValue),
        ("SELECT * FROM create_monthly_partitions('users', '2030-01-01', 1)", psycopg.errors.WrongObjectType),
        ("SELECT * FROM create_monthly_partitions('user_interactions', NULL, 1)", psycopg.errors.NullValueNotAllowed),
        ("CREATE TABLE user_interactions_p203501 (a int);"
         " SELECT * FROM create_monthly_partitions('user_interactions', '2035-01-01', 0)",
         psycopg.errors.DuplicateTable),
    ],
    ids=["negative-months", "not-partitioned", "null-argument", "name-taken-by-another-table"],
)
def test_create_monthly_partitions_rejects_bad_calls_clearly(rolled_back, call, error):
    with pytest.raises(error, match="create_monthly_partitions"):
        rolled_back.execute(call)


# --- 3. The reporting queries use their partial indexes ----------------------------------------


# Sizes for the EXPLAIN test: enough rows that a sequential scan plus sort
# clearly loses to the partial indexes, small enough to load in a few seconds.
FILL_SIZES = {"students": 6000, "courses": 150, "days": 14, "courses_per_student": 8}

FILL = """
INSERT INTO users (email, full_name, user_role)
SELECT format('user%%s@example.com', g), format('User %%s', g),
       CASE WHEN g <= 50 THEN 'instructor' ELSE 'student' END
  FROM generate_series(1, 50 + %(students)s) AS g;

INSERT INTO courses (title, instructor_id, status)
SELECT format('Course %%s', g), i.id, CASE WHEN g %% 10 = 0 THEN 'archived' ELSE 'published' END
  FROM generate_series(1, %(courses)s) AS g
  JOIN (SELECT id, row_number() OVER (ORDER BY email) AS n FROM users WHERE user_role = 'instructor') AS i
    ON i.n = 1 + g %% 50;

INSERT INTO course_modules (course_id, title, position, is_published)
SELECT c.id, format('Module %%s', p), p, true
  FROM courses AS c CROSS JOIN generate_series(0, 4) AS p;

-- 8 items per module, 40 %% of them videos.
INSERT INTO content_items (module_id, title, content_type, position, estimated_duration_seconds)
SELECT m.id, format('Item %%s', p), (ARRAY['video', 'video', 'quiz', 'reading', 'exercise'])[1 + p %% 5], p, 600
  FROM course_modules AS m CROSS JOIN generate_series(0, 7) AS p;

-- Every item on each of the last UTC days, 0 to 30 views a day.
INSERT INTO content_engagement_metrics (content_id, metric_date, views, completions, average_time_seconds, engagement_score)
SELECT ci.id, d.day, v.views, v.views / 2, round((random() * 600)::numeric, 2), round((random() * 100)::numeric, 2)
  FROM content_items AS ci
 CROSS JOIN (SELECT ((now() AT TIME ZONE 'UTC')::date - k) AS day FROM generate_series(1, %(days)s) AS k) AS d
 CROSS JOIN LATERAL (SELECT (random() * 30)::integer + (ci.id IS NULL)::integer AS views) AS v;

-- Each learner in several courses, about 30 %% completed, active over the last 90 days.
INSERT INTO user_progress (user_id, course_id, completed_items, total_items, last_activity_at, time_spent_seconds)
SELECT s.id, c.id, p.done, 40, now() - random() * interval '90 days', p.done * 300
  FROM (SELECT id, row_number() OVER (ORDER BY email) AS n FROM users WHERE user_role = 'student') AS s
 CROSS JOIN generate_series(0, %(courses_per_student)s - 1) AS k
  JOIN (SELECT id, row_number() OVER (ORDER BY title) - 1 AS n FROM courses) AS c
    ON c.n = (s.n * 7 + k * 37) %% %(courses)s
 CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.3 THEN 40 ELSE (random() * 39)::integer END
                            + (s.id IS NULL)::integer AS done) AS p;
""" % FILL_SIZES


@pytest.fixture(scope="module")
def filled(pg) -> str:
    """A database with enough rows that index choices matter (about 135 000 rows)."""
    dsn = pg.create_database()
    load_schema(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(FILL)
        conn.execute("VACUUM ANALYZE")
    return dsn


def _index_names(plan: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found.add(plan["Index Name"])
        for value in plan.values():
            found |= _index_names(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= _index_names(item)
    return found


def _explain(conn: psycopg.Connection, sql: str) -> Any:
    raw = scalar(conn, "EXPLAIN (FORMAT JSON) " + sql.strip().rstrip(";"))
    return json.loads(raw) if isinstance(raw, str) else raw


@pytest.mark.parametrize(
    ("query", "index", "rows"),
    [
        ("learner_inactive", "user_progress_inactive_idx", 50),
        ("top_videos_yesterday", "content_engagement_metrics_top_daily_idx", 20),
    ],
)
def test_reporting_query_uses_its_partial_index(filled, query, index, rows):
    sql = read_query(query)
    with psycopg.connect(filled) as conn:
        plan = _explain(conn, sql)
        assert index in _index_names(plan), json.dumps(plan, indent=1)
        result = conn.execute(sql).fetchall()
        # Same answer without any index: the partial index changes speed, not results.
        conn.execute("SET LOCAL enable_indexscan = off")
        conn.execute("SET LOCAL enable_bitmapscan = off")
        conn.execute("SET LOCAL enable_indexonlyscan = off")
        assert conn.execute(sql).fetchall() == result
        assert len(result) == rows


# --- 4. Integrity rules enforced by the database ---------------------------------------------


CHECK_VIOLATIONS = [
    ("UPDATE quiz_content SET passing_score = 101", "quiz_content_passing_score_range"),
    (f"INSERT INTO content_engagement_metrics (content_id, metric_date, average_score) VALUES ('{VIDEO}', '2025-02-01', 101)",
     "content_engagement_metrics_average_score_range"),
    (f"UPDATE content_engagement_metrics SET engagement_score = 100.01 WHERE content_id = '{VIDEO}'",
     "content_engagement_metrics_engagement_score_range"),
    (f"UPDATE content_engagement_metrics SET sessions_reaching = '{{1,1,1}}' WHERE content_id = '{VIDEO}'",
     "content_engagement_metrics_sessions_reaching_tenths"),
    (f"UPDATE content_engagement_metrics SET sessions_reaching = '{{1,1,1,1,1,1,1,1,1,1,NULL}}' WHERE content_id = '{VIDEO}'",
     "content_engagement_metrics_sessions_reaching_tenths"),
    (f"UPDATE content_engagement_metrics SET sessions_reaching = '[0:10]={{1,1,1,1,1,1,1,1,1,1,1}}' WHERE content_id = '{VIDEO}'",
     "content_engagement_metrics_sessions_reaching_tenths"),
    (f"UPDATE content_engagement_metrics SET sessions_reaching[11] = -1 WHERE content_id = '{VIDEO}'",
     "content_engagement_metrics_sessions_reaching_tenths"),
    ("UPDATE quiz_question_daily SET correct = 3", "quiz_question_daily_correct_range"),
    ("UPDATE quiz_question_daily SET graded = 3", "quiz_question_daily_graded_range"),
    ("UPDATE quiz_question_daily SET score_sum = 200.01", "quiz_question_daily_score_sum_range"),
    ("UPDATE quiz_question_daily SET answers = 0, graded = 0, correct = 0, scored = 0, score_sum = 0",
     "quiz_question_daily_answers_positive"),
    ("UPDATE video_interactions SET watched_seconds = -1", "video_interactions_watched_non_negative"),
    ("UPDATE video_interactions SET playback_rate = 0", "video_interactions_playback_rate_range"),
    (f"UPDATE content_items SET estimated_duration_seconds = -5 WHERE id = '{VIDEO}'",
     "content_items_estimated_duration_non_negative"),
    ("UPDATE video_content SET duration_seconds = 0", "video_content_duration_positive"),
    ("UPDATE user_sessions SET ended_at = started_at - interval '1 second'", "user_sessions_ended_after_started"),
    ("UPDATE user_progress SET completed_items = 3", "user_progress_items_range"),
    ("UPDATE user_progress SET time_spent_seconds = -1", "user_progress_time_spent_non_negative"),
    ("UPDATE aggregated_analytics SET period_end = period_start", "aggregated_analytics_period_order"),
    ("UPDATE aggregated_analytics SET granularity = 'year'", "aggregated_analytics_granularity_valid"),
    ("INSERT INTO users (email, full_name) VALUES ('not-an-email', 'X')", "users_email_format"),
    ("INSERT INTO users (email, full_name) VALUES ('x@example.com', '')", "users_full_name_length"),
    ("UPDATE users SET user_role = 'superuser'", "users_user_role_valid"),
    ("UPDATE courses SET status = 'deleted'", "courses_status_valid"),
    ("UPDATE quiz_content SET quiz_type = 'survey'", "quiz_content_survey_has_no_passing_score"),
    ("UPDATE user_interactions SET interaction_type = 'teleport'", "user_interactions_interaction_type_valid"),
    ("UPDATE users SET metadata = '[]'", "users_metadata_is_object"),
]


@pytest.mark.parametrize(("sql", "constraint"), CHECK_VIOLATIONS, ids=[c for _, c in CHECK_VIOLATIONS])
def test_check_constraint_rejects_bad_rows(rolled_back, sql, constraint):
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        rolled_back.execute(sql)
    assert caught.value.diag.constraint_name == constraint


def test_boundary_values_are_accepted(rolled_back):
    conn = rolled_back
    conn.execute("UPDATE quiz_content SET passing_score = 100")
    conn.execute("UPDATE user_sessions SET ended_at = started_at")
    conn.execute("UPDATE user_progress SET completed_items = total_items")
    assert scalar(conn, "SELECT completion_percentage FROM user_progress") == 100
    conn.execute("UPDATE video_interactions SET watched_seconds = 0, position_seconds = 0, playback_rate = 4")
    conn.execute("UPDATE content_engagement_metrics SET sessions_reaching = array_fill(0, ARRAY[11])")
    conn.execute("UPDATE quiz_question_daily SET correct = graded, score_sum = 100 * scored")


def test_completion_percentage_is_generated_from_the_counts(rolled_back):
    conn = rolled_back
    assert scalar(conn, "SELECT completion_percentage FROM user_progress") == 50
    conn.execute("UPDATE user_progress SET completed_items = 1, total_items = 3")
    assert float(scalar(conn, "SELECT completion_percentage FROM user_progress")) == 33.33
    conn.execute("UPDATE user_progress SET completed_items = 0, total_items = 0")
    assert scalar(conn, "SELECT completion_percentage FROM user_progress") == 0


def test_email_is_unique_case_insensitively(rolled_back):
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        rolled_back.execute("INSERT INTO users (email, full_name) VALUES ('ADA@example.COM', 'Impostor')")
    assert caught.value.diag.constraint_name == "users_email_lower_key"


def test_positions_are_unique_per_parent_but_renumbering_works(rolled_back):
    conn = rolled_back
    with pytest.raises(psycopg.errors.UniqueViolation):
        with conn.transaction():
            conn.execute(f"UPDATE content_items SET position = 0 WHERE id = '{QUIZ}'")
    # One statement shifting every position: checked at the end of the statement.
    conn.execute(f"UPDATE content_items SET position = position + 1 WHERE module_id = '{MODULE}'")
    assert [r[0] for r in conn.execute("SELECT position FROM content_items ORDER BY position")] == [1, 2]


def test_updated_at_is_maintained_by_the_trigger(rolled_back):
    conn = rolled_back
    tables = [r[0] for r in conn.execute(
        "SELECT c.relname FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid"
        " JOIN pg_namespace AS n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
        " AND a.attname = 'updated_at' ORDER BY 1")]
    assert len(tables) == 10
    now = scalar(conn, "SELECT now()")  # this transaction started after the seed was committed
    for table in tables:
        before = scalar(conn, f"SELECT max(updated_at) FROM {table}")
        assert before < now, table
        # Touch a real column; even an explicit updated_at from the client is overridden.
        column = scalar(conn, f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'"
                              " AND column_name IN ('title', 'email', 'video_url', 'quiz_type', 'total_items',"
                              " 'views', 'answers', 'metric_value')")
        conn.execute(f"UPDATE {table} SET {column} = {column}, updated_at = '2000-01-01'")
        assert scalar(conn, f"SELECT min(updated_at) FROM {table}") == now, table
        # created_at is left alone.
        if table != "aggregated_analytics":
            assert scalar(conn, f"SELECT max(created_at) FROM {table}") < now, table


def test_deleting_a_user_cascades_to_sessions_interactions_and_progress(rolled_back):
    conn = rolled_back
    assert scalar(conn, "SELECT count(*) FROM video_interactions") == 1
    conn.execute(f"DELETE FROM users WHERE id = '{BOB}'")
    for table in ("user_sessions", "user_interactions", "video_interactions", "user_progress"):
        assert scalar(conn, f"SELECT count(*) FROM {table}") == 0, table


def test_deleting_an_instructor_with_courses_is_refused(rolled_back):
    # PostgreSQL 18 reports ON DELETE RESTRICT as restrict_violation (23001), older versions as 23503.
    with pytest.raises((psycopg.errors.RestrictViolation, psycopg.errors.ForeignKeyViolation)) as caught:
        rolled_back.execute(f"DELETE FROM users WHERE id = '{ADA}'")
    assert caught.value.diag.constraint_name == "courses_instructor_id_fkey"


def test_deleting_content_keeps_interactions_with_content_id_null(rolled_back):
    conn = rolled_back
    conn.execute(f"DELETE FROM content_items WHERE id = '{VIDEO}'")
    assert conn.execute("SELECT content_id, course_id::text FROM user_interactions").fetchall() == [(None, COURSE)]
    assert scalar(conn, "SELECT count(*) FROM video_interactions") == 1  # history is kept
    assert scalar(conn, "SELECT count(*) FROM video_content") == 0
    assert scalar(conn, "SELECT count(*) FROM content_engagement_metrics") == 0
    assert scalar(conn, "SELECT count(*) FROM quiz_question_daily") == 1  # the quiz's own rows stay


def test_deleting_a_course_cascades_to_its_content_and_nulls_interactions(rolled_back):
    conn = rolled_back
    conn.execute(f"DELETE FROM courses WHERE id = '{COURSE}'")
    assert conn.execute("SELECT content_id, course_id FROM user_interactions").fetchall() == [(None, None)]
    for table in ("course_modules", "content_items", "quiz_content", "user_progress", "quiz_question_daily"):
        assert scalar(conn, f"SELECT count(*) FROM {table}") == 0, table


# --- 5. Everything is commented ---------------------------------------------------------------


def test_every_table_column_index_and_function_has_a_comment(seeded):
    with psycopg.connect(seeded) as conn:
        missing = conn.execute("""
            SELECT 'table ' || c.relname
              FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
               AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''
            UNION ALL
            -- A partition's columns are its parent's: they are documented there.
            SELECT 'column ' || c.relname || '.' || a.attname
              FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
              JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND coalesce(col_description(c.oid, a.attnum), '') = ''
            UNION ALL
            -- Indexes of a partition are created from the parent's index, documented there.
            SELECT 'index ' || c.relname
              FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('i', 'I') AND NOT c.relispartition
               AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''
            UNION ALL
            SELECT 'function ' || p.oid::regprocedure
              FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''
             ORDER BY 1
        """).fetchall()
        assert [m[0] for m in missing] == []
        # The indexes made for the two reporting queries name them.
        for index, query in (("user_progress_inactive_idx", "learner_inactive"),
                             ("content_engagement_metrics_top_daily_idx", "top_videos_yesterday")):
            assert query in scalar(conn, "SELECT obj_description(%s::regclass, 'pg_class')", (index,))


# --- 6. Catalog rules: foreign keys are indexed, no index is redundant -------------------------


def uncovered_foreign_keys(conn: psycopg.Connection, schema: str = "public") -> list[str]:
    """Foreign keys with no plain b-tree index whose leading columns are the key's columns (any order).

    A partial index does not count: the lookups an ON DELETE action makes are
    not restricted to its predicate.  For a partitioned table the partitioned
    index is checked, once, against the top-level constraint.
    """
    fks = conn.execute("""
        SELECT con.conname, con.conrelid::regclass::text, con.conrelid, con.conkey::int2[]
          FROM pg_constraint AS con JOIN pg_namespace AS n ON n.oid = con.connamespace
         WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname = %s
    """, (schema,)).fetchall()
    indexes: dict[int, list[list[int]]] = {}
    for relid, keys in conn.execute("""
        SELECT i.indrelid, (string_to_array(i.indkey::text, ' ')::int2[])[1:i.indnkeyatts]
          FROM pg_index AS i JOIN pg_class AS ic ON ic.oid = i.indexrelid JOIN pg_am AS am ON am.oid = ic.relam
         WHERE am.amname = 'btree' AND i.indpred IS NULL
    """):
        indexes.setdefault(relid, []).append(keys)
    missing = []
    for name, table, relid, conkey in fks:
        wanted = sorted(conkey)
        if not any(sorted(keys[: len(wanted)]) == wanted for keys in indexes.get(relid, [])):
            missing.append(f"{table}.{name}")
    return sorted(missing)


def redundant_indexes(conn: psycopg.Connection, schema: str = "public") -> list[str]:
    """Indexes whose job another index (or a primary key / unique constraint) already does.

    Index A is redundant given B on the same table when both use the same
    access method and predicate, A has no INCLUDE columns, and A's key columns
    (expressions, operator classes, collations, and sort directions beyond the
    first column) are a left prefix of B's.  A unique A is redundant only when
    B is unique on exactly the same keys, since it enforces something B does
    not.  Non-b-tree indexes count only when identical.  Partition indexes are
    skipped: they mirror the partitioned index.
    """
    rows = conn.execute("""
        SELECT ic.relname, i.indrelid, am.amname, i.indisunique, i.indnkeyatts, i.indnatts,
               ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k),
               (string_to_array(i.indclass::text, ' ')::oid[])[1:i.indnkeyatts],
               (string_to_array(i.indcollation::text, ' ')::oid[])[1:i.indnkeyatts],
               (string_to_array(i.indoption::text, ' ')::int2[])[1:i.indnkeyatts],
               pg_get_expr(i.indpred, i.indrelid)
          FROM pg_index AS i
          JOIN pg_class AS ic ON ic.oid = i.indexrelid
          JOIN pg_namespace AS n ON n.oid = ic.relnamespace
          JOIN pg_am AS am ON am.oid = ic.relam
         WHERE n.nspname = %s AND NOT ic.relispartition
    """, (schema,)).fetchall()
    found = []
    for a in rows:
        a_name, a_rel, a_am, a_unique, a_nkey, a_natts, a_defs, a_ops, a_colls, a_opts, a_pred = a
        for b in rows:
            b_name, b_rel, b_am, b_unique, b_nkey, _, b_defs, b_ops, b_colls, b_opts, b_pred = b
            if a_name == b_name or a_rel != b_rel or a_am != b_am or a_pred != b_pred or a_natts != a_nkey:
                continue
            if a_nkey > b_nkey or (a_am != "btree" and a_nkey != b_nkey):
                continue
            k = a_nkey
            if a_defs != b_defs[:k] or a_ops != b_ops[:k] or a_colls != b_colls[:k]:
                continue
            if k > 1 and a_opts != b_opts[:k]:
                continue
            if a_unique and not (b_unique and k == b_nkey):
                continue
            found.append(f"{a_name} (covered by {b_name})")
            break
    return sorted(found)


def test_every_foreign_key_has_a_covering_index(seeded):
    with psycopg.connect(seeded) as conn:
        assert uncovered_foreign_keys(conn) == []


def test_no_index_is_redundant(seeded):
    with psycopg.connect(seeded) as conn:
        assert redundant_indexes(conn) == []


def test_catalog_checks_catch_what_they_are_for(db):
    # The two checks above pass vacuously if they are broken: show them a bad schema.
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("""
            CREATE TABLE a (id int PRIMARY KEY, x int, y int, UNIQUE (x, y));
            CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a, a2 int REFERENCES a,
                            x int, y int, FOREIGN KEY (x, y) REFERENCES a (x, y));
            CREATE INDEX b_a2_partial ON b (a2) WHERE a2 > 0;      -- partial: does not cover a2
            CREATE INDEX b_y_x ON b (y, x, id);                     -- covers (x, y), any order
            CREATE INDEX a_x ON a (x);                              -- prefix of UNIQUE (x, y)
            CREATE INDEX a_x_partial ON a (x) WHERE y > 0;          -- partial: kept
            CREATE INDEX a_lower_x ON a ((x + 1));                  -- different expression: kept
            CREATE INDEX b_y ON b (y DESC);                         -- prefix of b_y_x: direction irrelevant
            CREATE UNIQUE INDEX b_y_x_id ON b (y, x, id);           -- unique duplicate of b_y_x: b_y_x redundant
        """)
        assert uncovered_foreign_keys(conn) == ["b.b_a2_fkey", "b.b_a_id_fkey"]
        assert redundant_indexes(conn) == ["a_x (covered by a_x_y_key)", "b_y (covered by b_y_x)",
                                           "b_y_x (covered by b_y_x_id)"]
