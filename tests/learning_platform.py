"""Load the learning platform schema (schema/*.sql) into a database, strictly.

Why a helper of its own: schemadiff reads schema/ in any order, but a plain
load needs the files in dependency order.  That order is written once, here,
and every test that needs the schema goes through `load_schema`, which treats
any server WARNING or NOTICE as a failure: a clean schema loads silently.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
QUERIES_DIR = ROOT / "docs" / "queries"

# Dependency order: functions first (the triggers need set_updated_at), then
# each file after the files it references.
SCHEMA_FILES: list[str] = [
    "functions.sql",
    "users.sql",
    "courses.sql",  # courses -> users
    "content.sql",  # content_items -> course_modules
    "interactions.sql",  # user_sessions -> users, user_interactions -> content_items, courses
    "analytics.sql",  # user_progress -> users, courses; content_engagement_metrics, quiz_question_daily -> content_items
]


class SchemaLoadError(AssertionError):
    """The schema did not load cleanly: an error, or a warning/notice."""


def _describe(diag: psycopg.errors.Diagnostic) -> str:
    return f"{diag.severity}: {diag.message_primary}"


def load_schema(dsn: str, paths: Sequence[Path] | None = None) -> None:
    """Run the files of SCHEMA_FILES (or `paths`), in order, in one transaction on one connection.

    Raises SchemaLoadError (an AssertionError, so the calling test fails) on
    the first error, or as soon as the server sent a notice or a warning.
    Nothing is committed unless every file loaded silently.
    """
    if paths is None:
        paths = [SCHEMA_DIR / name for name in SCHEMA_FILES]
    notices: list[str] = []
    with psycopg.connect(dsn) as conn:
        conn.add_notice_handler(lambda diag: notices.append(_describe(diag)))
        # Make sure nothing is filtered out, and that PL/pgSQL bodies are checked.
        conn.execute("SET client_min_messages = notice")
        conn.execute("SET check_function_bodies = on")
        for path in paths:
            label = _label(path)
            try:
                conn.execute(path.read_text(encoding="utf-8"))
            except psycopg.Error as exc:
                raise SchemaLoadError(f"{label} failed to load: {exc}") from exc
            if notices:
                raise SchemaLoadError(f"{label} raised server messages: {notices}")


def _label(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def read_query(name: str) -> str:
    """The text of docs/queries/<name>.sql, as the application runs it."""
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
