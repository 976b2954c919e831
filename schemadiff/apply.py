"""Run a plan: transactional statements together in one transaction, the rest one at a time.

A failure stops everything: the failing transaction rolls back, so the
database is left as the last successful group left it, and planning again
gives the rest of the work.

Why bounded waits: DDL needs strong locks, and a statement waiting for one makes every
later reader of the table queue behind it.  Every statement runs under lock_timeout (the
session's, set through set_config), so a long-held lock costs readers at most that long;
a group that ran out of it is rolled back and retried after a backoff (readers run in
between), a few times, each retry printed with the session that held the lock.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

import psycopg

from .connect import connect, scalar
from .errors import ApplyError, LockTimeout
from .locks import BlockerWatch, acquire_apply_lock, permission_message
from .plan import Plan, Step
from .settings import duration_ms, set_session

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ApplySettings:
    """The bounds of an apply (see [tool.schemadiff] in cli/config.py)."""
    lock_timeout: str | None = "5s"
    statement_timeout: str | None = None
    lock_retries: int = 3
    lock_retry_delay: str | None = "1s"  # doubled after each retry
    apply_lock_wait: str | None = "10s"


def _units(plan: Plan) -> list[tuple[bool, list[Step]]]:
    """What is run, and retried, as one: a transaction's steps, or one step outside any."""
    units: list[tuple[bool, list[Step]]] = []
    for step in plan.steps:
        if units and step.transactional and units[-1][0] and units[-1][1][-1].group == step.group:
            units[-1][1].append(step)
        else:
            units.append((step.transactional, [step]))
    return units


@contextmanager
def apply_session(dsn: str, settings: ApplySettings = ApplySettings(), progress: Progress = lambda _: None
                  ) -> Iterator[psycopg.Connection]:
    """A connection that holds the database's apply lock, with its lock and statement bounds set.

    Taken before the live schema is read, so that the plan is made and run with no other apply
    in between.  Closing the connection ends the session, which releases the lock (also when
    the process is killed).
    """
    conn = connect(dsn)
    try:
        if not scalar(conn, "SHOW application_name"):
            set_session(conn, application_name="schemadiff apply")
        set_session(conn, lock_timeout=settings.lock_timeout, statement_timeout=settings.statement_timeout)
        if conn.info.server_version >= 140000:
            # A client killed mid-statement (kill -9, a CI timeout) leaves its query running, or
            # its lock request queued, until the server notices: check for it every second.
            set_session(conn, client_connection_check_interval="1s")
        acquire_apply_lock(conn, duration_ms(settings.apply_lock_wait), progress)
        yield conn
    finally:
        conn.close()


def apply_plan(dsn: str, plan: Plan, progress: Progress = lambda _: None,
               settings: ApplySettings = ApplySettings()) -> None:
    with apply_session(dsn, settings, progress) as conn:
        apply_plan_on(conn, dsn, plan, settings, progress)


def apply_plan_on(conn: psycopg.Connection, dsn: str, plan: Plan, settings: ApplySettings = ApplySettings(),
                  progress: Progress = lambda _: None, *, live_fingerprint: str | None = None,
                  plan_file: str | None = None) -> None:
    """Run `plan` on `conn` (from apply_session); `dsn` is for the watcher that names lock holders.
    The apply is recorded in schemadiff.history (history.py), whatever its outcome."""
    timeout_ms = duration_ms(settings.lock_timeout)
    watch = BlockerWatch(dsn, conn.info.backend_pid, timeout_ms * 0.5 if timeout_ms else 2000)
    row = _history_start(conn, plan, live_fingerprint, plan_file, progress)
    ran: list[dict] = []
    outcome, error = "failed", None
    try:
        for transactional, steps in _units(plan):
            _run_unit(conn, transactional, steps, settings, watch, progress, ran)
        outcome = "applied"
    except KeyboardInterrupt:
        outcome, error = "interrupted", "interrupted (SIGINT/SIGTERM); the statement in progress was cancelled"
        raise
    except Exception as exc:
        error = str(exc)
        raise
    finally:
        watch.close()
        if row is not None and not conn.closed:
            from . import history
            try:
                history.finish(conn, row, ran, outcome, error)
            except psycopg.Error:
                progress("schemadiff: the outcome of this apply could not be written to schemadiff.history")


def _history_start(conn, plan: Plan, live_fingerprint, plan_file, progress: Progress) -> int | None:
    from . import history
    try:
        return history.start(conn, history.plan_fingerprint([s.sql for s in plan.steps]), live_fingerprint,
                             plan_file)
    except psycopg.Error as exc:
        reason = (exc.diag.message_primary or str(exc)).strip()
        progress(f"schemadiff: this apply is not recorded in schemadiff.history ({reason})")
        return None


def _run_unit(conn, transactional: bool, steps: list[Step], settings: ApplySettings, watch: BlockerWatch,
              progress: Progress, ran: list[dict]) -> None:
    delay = duration_ms(settings.lock_retry_delay) / 1000
    # A concurrent index build that failed leaves an INVALID index behind: planning again
    # rebuilds it, a blind retry would fail on the name.
    retries = 0 if any(not s.transactional and " CONCURRENTLY " in s.sql for s in steps) else settings.lock_retries
    for attempt in range(retries + 1):
        done: list[dict] = []
        try:
            with watch:
                if transactional:
                    with conn.transaction():
                        for step in steps:
                            done.append(_run(conn, step, progress))
                else:
                    for step in steps:
                        done.append(_run(conn, step, progress))
                        ran.append(done.pop())
            ran.extend(done)
            return
        except (_LockWaitExpired, ApplyError) as exc:
            failed = exc.step.sql if isinstance(exc, _LockWaitExpired) else exc.statement
            ran.append({"sql": failed, "seconds": None, "attempt": attempt + 1,
                        "error": "lock_timeout" if isinstance(exc, _LockWaitExpired) else exc.server_message,
                        "rolled_back": len(done) if transactional else 0})
            if isinstance(exc, ApplyError):
                raise
            if attempt == retries:
                raise LockTimeout(f"statement not applied: {_first_line(exc.step.sql)}",
                                  _current(conn, "lock_timeout"), watch.describe(),
                                  f"Gave up after {retries} retr{'y' if retries == 1 else 'ies'}; the statements "
                                  f"before it stay applied: run apply again when the lock is free") from None
            progress(f"  lock_timeout ({_current(conn, 'lock_timeout')}) ran out on: {_first_line(exc.step.sql)}; "
                     f"{watch.describe()}; retry {attempt + 1}/{retries} in {delay:g}s")
            time.sleep(delay)
            delay *= 2


class _LockWaitExpired(Exception):
    def __init__(self, step: Step):
        self.step = step


def _run(conn: psycopg.Connection, step: Step, progress: Progress) -> dict:
    t0 = time.monotonic()
    try:
        conn.execute(step.sql)
    except psycopg.errors.LockNotAvailable:
        raise _LockWaitExpired(step) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ApplyError(step.sql, f"permission denied: {permission_message(exc)}") from None
    except psycopg.Error as exc:
        message = (exc.diag.message_primary or str(exc)).strip()
        raise ApplyError(step.sql, message) from None
    seconds = time.monotonic() - t0
    progress(f"  {seconds:7.3f}s  {_first_line(step.sql)}")
    return {"sql": step.sql, "seconds": round(seconds, 4)}


def _current(conn: psycopg.Connection, name: str) -> str:
    return scalar(conn, "SELECT pg_catalog.current_setting(%s)", (name,))


def _first_line(sql: str) -> str:
    return sql.splitlines()[0] if sql else sql
