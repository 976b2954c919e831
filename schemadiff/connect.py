"""Connections: one place that turns a URL into a connection or a clear error.

Why: a failed connection must say which host and why, and never print the
password that may be in the URL.
"""
from __future__ import annotations

import psycopg
from psycopg import conninfo

from .errors import ConnectionFailed


def describe(dsn: str) -> str:
    """host[:port]/dbname of a DSN, for messages; never the password."""
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "the database (unparsable URL)"
    host = params.get("host") or "localhost"
    if str(host).startswith("/"):
        host = f"socket {host}"
    port = params.get("port")
    db = params.get("dbname") or params.get("user") or ""
    return f"{host}{':' + str(port) if port else ''}/{db}"


def connect(dsn: str, *, autocommit: bool = True) -> psycopg.Connection:
    try:
        return psycopg.connect(dsn, autocommit=autocommit, connect_timeout=10)
    except psycopg.ProgrammingError as exc:
        raise ConnectionFailed(describe(dsn), f"invalid connection URL ({_first_line(exc)})") from None
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(describe(dsn), _first_line(exc)) from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # libpq prefixes "connection failed: connection to server at ... failed:"; keep the reason.
    reason = lines[-1] if lines else type(exc).__name__
    if "password" in reason.lower() and "@" in reason:
        reason = "authentication failed"
    return reason
