"""Lock waits made visible and bounded: who blocks us, and one apply at a time.

Why a watcher: when lock_timeout fires, the server only says "canceling statement due to
lock timeout"; which session held the lock is gone with the wait.  While a statement runs
longer than part of the timeout, a second connection asks pg_blocking_pids() who blocks it,
so the error can name the holder's pid and application_name.  Nothing is opened for the
statements that finish quickly, which is nearly all of them.

Why an advisory lock: two applies at once both plan against the same live schema and then
collide (a duplicate CREATE TYPE; an online apply dropping the index the other is building
concurrently).  A session-level advisory lock on a fixed key, taken before the live schema
is read and held until the apply ends, makes the second one wait a bounded time and then
say who holds it.  A session lock is released by the server when the session ends, even
when the client was killed.
"""
from __future__ import annotations

import hashlib
import threading
import time
from typing import Callable

import psycopg

from .connect import scalar
from .errors import ApplyLocked

# A fixed bigint derived from the tool's name: every schemadiff apply on a database takes this one.
APPLY_LOCK_KEY = int.from_bytes(hashlib.sha256(b"schemadiff").digest()[:8], "big", signed=True)

_BLOCKERS = """
WITH w AS (SELECT locktype, relation, mode FROM pg_catalog.pg_locks WHERE pid = %(pid)s AND NOT granted LIMIT 1)
SELECT a.pid, a.application_name, a.usename, a.state,
       (SELECT w.relation::regclass::text FROM w) AS relation, (SELECT w.mode FROM w) AS wanted,
       (SELECT string_agg(DISTINCT h.mode, ', ') FROM pg_catalog.pg_locks h, w
         WHERE h.pid = a.pid AND h.granted AND h.locktype = w.locktype
           AND h.relation IS NOT DISTINCT FROM w.relation) AS held
FROM pg_catalog.pg_stat_activity a
WHERE a.pid = ANY(pg_catalog.pg_blocking_pids(%(pid)s))
ORDER BY a.pid
"""


def describe_blockers(rows: list[tuple]) -> str:
    if not rows:
        return "the holder had gone when it was looked up"
    relation, wanted = rows[0][4], rows[0][5]
    waiting = f"waiting for {wanted} on {relation}" if relation else (f"waiting for {wanted}" if wanted else "")
    holders = "; ".join(f"pid {pid} (application_name {app!r}, user {user}, {state or 'state unknown'}"
                        f"{', holds ' + held if held else ''})"
                        for pid, app, user, state, _rel, _wanted, held in rows[:5])
    return f"{waiting}{', ' if waiting else ''}blocked by {holders}"


class BlockerWatch:
    """While a `with` block runs longer than `first_ms`, note who blocks backend `pid`, every
    `poll_ms`, through a connection of its own opened on first need."""

    def __init__(self, dsn: str, pid: int, first_ms: float):
        self.dsn = dsn
        self.pid = pid
        self.first = max(first_ms, 50.0) / 1000
        self.poll = max(first_ms / 2, 100.0) / 1000
        self.rows: list[tuple] = []
        self._conn: psycopg.Connection | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "BlockerWatch":
        self.rows = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lock-watch", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def describe(self) -> str:
        return describe_blockers(self.rows)

    def _loop(self) -> None:
        if self._stop.wait(self.first):
            return
        while True:
            try:
                if self._conn is None:
                    from .connect import connect
                    self._conn = connect(self.dsn)
                    self._conn.execute("SELECT pg_catalog.set_config('application_name', 'schemadiff lock watch', "
                                       "false)")
                rows = self._conn.execute(_BLOCKERS, {"pid": self.pid}).fetchall()
                if rows:
                    self.rows = rows
            except Exception:  # noqa: BLE001 - only a better message is lost
                return
            if self._stop.wait(self.poll):
                return


_HOLDER = """
SELECT a.pid, a.application_name, a.usename, a.client_addr::text, a.backend_start
FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.classid::int8 = %s AND l.objid::int8 = %s AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
"""


def acquire_apply_lock(conn: psycopg.Connection, wait_ms: float,
                       progress: Callable[[str], None] = lambda _: None) -> None:
    """Take the apply lock on this session, waiting up to `wait_ms`; ApplyLocked naming the holder."""
    deadline = time.monotonic() + wait_ms / 1000
    told = False
    while True:
        if scalar(conn, "SELECT pg_catalog.pg_try_advisory_lock(%s)", (APPLY_LOCK_KEY,)):
            return
        holder = _holder(conn)
        if time.monotonic() >= deadline:
            raise ApplyLocked(holder, f"{wait_ms / 1000:g}s")
        if not told:
            progress(f"schemadiff: waiting for another apply to finish ({holder})")
            told = True
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))


def release_apply_lock(conn: psycopg.Connection) -> None:
    if not conn.closed:
        conn.execute("SELECT pg_catalog.pg_advisory_unlock(%s)", (APPLY_LOCK_KEY,))


def _holder(conn: psycopg.Connection) -> str:
    key = APPLY_LOCK_KEY & 0xFFFFFFFFFFFFFFFF
    row = conn.execute(_HOLDER, (key >> 32, key & 0xFFFFFFFF)).fetchone()
    if row is None:
        return "its holder could not be seen"
    pid, app, user, addr, started = row
    return (f"pid {pid}, application_name {app!r}, user {user}{', from ' + addr if addr else ''}, "
            f"connected since {started:%Y-%m-%d %H:%M:%S %Z}".rstrip())


def bounded_read(dsn: str, lock_timeout: str | None, what: str, read: Callable[[psycopg.Connection], object]):
    """`read(conn)` on a connection whose lock waits are bounded by `lock_timeout`; running out
    of it is a LockTimeout naming the session that held the lock, a missing privilege a
    PermissionDenied naming the object (reads by plan and check go through here)."""
    from .connect import connect
    from .errors import LockTimeout, PermissionDenied
    from .settings import duration_ms
    with connect(dsn, lock_timeout=lock_timeout) as conn:
        watch = BlockerWatch(dsn, conn.info.backend_pid, duration_ms(lock_timeout) * 0.5 if lock_timeout else 2000)
        try:
            with watch:
                return read(conn)
        except psycopg.errors.LockNotAvailable:
            raise LockTimeout(what, lock_timeout or "0", watch.describe(),
                              "Retry when that session has finished, or raise --lock-timeout") from None
        except psycopg.errors.InsufficientPrivilege as exc:
            raise PermissionDenied(f"{what}: {permission_message(exc)}") from None
        finally:
            watch.close()


def permission_message(exc: psycopg.Error) -> str:
    """The server's 'permission denied for schema x', the privilege it takes, and its hint, in one line."""
    diag = exc.diag
    text = (diag.message_primary or str(exc)).strip()
    needed = _PRIVILEGE_OF.get(text.split(" for ", 1)[1].split(" ", 1)[0] if " for " in text else "", "")
    if needed:
        text += f" (needs {needed})"
    if diag.message_hint:
        text += f"; {diag.message_hint.strip()}"
    return text + "; GRANT it to the connected role, or connect as a role that has it"


# "permission denied for <kind> <name>": the privilege schemadiff's reads and DDL need on that kind.
_PRIVILEGE_OF = {"schema": "USAGE on the schema, and CREATE to create objects in it",
                 "table": "SELECT to read it, ownership to alter it", "sequence": "USAGE or SELECT",
                 "function": "EXECUTE", "type": "USAGE", "database": "CONNECT, and CREATE for new schemas",
                 "language": "USAGE", "tablespace": "CREATE"}
