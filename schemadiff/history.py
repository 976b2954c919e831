"""The apply history: one row per apply in `schemadiff.history` (when, who, what, how long, outcome).

Why in the database: the database is what was changed, so it is where the record of who
changed it belongs; a deploy log on a CI runner is gone when the runner is.  Rows are
written outside the plan's transactions (the session is in autocommit), so a failed and
rolled-back apply is recorded too.  A role that may not create the `schemadiff` schema
still applies; it is told that no history was written.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import psycopg

from .connect import scalar

TABLE = "schemadiff.history"

_DDL = f"""
CREATE SCHEMA IF NOT EXISTS schemadiff;
CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    finished_at timestamptz,
    applied_by text NOT NULL DEFAULT current_user,
    client text DEFAULT pg_catalog.inet_client_addr()::text,
    application_name text DEFAULT pg_catalog.current_setting('application_name'),
    plan_fingerprint text NOT NULL,
    live_fingerprint text,
    plan_file text,
    statements jsonb NOT NULL DEFAULT '[]',
    outcome text NOT NULL DEFAULT 'running',
    error text
)
"""


def plan_fingerprint(statements: list[str]) -> str:
    return "sha256:" + hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()


def start(conn: psycopg.Connection, plan_fp: str, live_fp: str | None, plan_file: str | None) -> int:
    """The id of a new 'running' row; the table is created on first use."""
    conn.execute(_DDL)
    return scalar(conn, f"INSERT INTO {TABLE} (plan_fingerprint, live_fingerprint, plan_file) VALUES (%s, %s, %s) "
                  f"RETURNING id", (plan_fp, live_fp, plan_file))


def finish(conn: psycopg.Connection, row: int, statements: list[dict], outcome: str, error: str | None) -> None:
    conn.execute(f"UPDATE {TABLE} SET finished_at = pg_catalog.clock_timestamp(), statements = %s::jsonb, "
                 f"outcome = %s, error = %s WHERE id = %s", (json.dumps(statements), outcome, error, row))


@dataclass(frozen=True)
class Entry:
    id: int
    started_at: datetime
    finished_at: datetime | None
    applied_by: str
    client: str | None
    application_name: str | None
    plan_fingerprint: str
    live_fingerprint: str | None
    plan_file: str | None
    statements: list
    outcome: str
    error: str | None

    @property
    def seconds(self) -> float | None:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None


def read_history(conn: psycopg.Connection, limit: int = 20) -> list[Entry]:
    """The last `limit` applies, newest first; none when nothing was ever applied."""
    if scalar(conn, "SELECT pg_catalog.to_regclass(%s)", (TABLE,)) is None:
        return []
    rows = conn.execute(f"SELECT id, started_at, finished_at, applied_by, client, application_name, plan_fingerprint, "
                        f"live_fingerprint, plan_file, statements, outcome, error FROM {TABLE} "
                        f"ORDER BY id DESC LIMIT %s", (limit,)).fetchall()
    return [Entry(*r) for r in rows]
