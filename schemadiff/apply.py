"""Run a plan: transactional statements together in one transaction, the rest one at a time.

A failure stops everything: the failing transaction rolls back, so the
database is left as the last successful group left it, and planning again
gives the rest of the work.
"""
from __future__ import annotations

import time
from typing import Callable

import psycopg

from .connect import connect
from .errors import ApplyError
from .plan import Plan, Step


def _groups(plan: Plan) -> list[tuple[bool, list[Step]]]:
    groups: list[tuple[bool, list[Step]]] = []
    for step in plan.steps:
        if groups and step.transactional and groups[-1][0] and groups[-1][1][-1].group == step.group:
            groups[-1][1].append(step)
        else:
            groups.append((step.transactional, [step]))
    return groups


def apply_plan(dsn: str, plan: Plan, progress: Callable[[str], None] = lambda _: None) -> None:
    with connect(dsn) as conn:
        for transactional, steps in _groups(plan):
            if transactional:
                with conn.transaction():
                    for step in steps:
                        _run(conn, step, progress)
            else:
                for step in steps:
                    _run(conn, step, progress)


def _run(conn: psycopg.Connection, step: Step, progress) -> None:
    t0 = time.monotonic()
    try:
        conn.execute(step.sql)
    except psycopg.Error as exc:
        message = (exc.diag.message_primary or str(exc)).strip()
        raise ApplyError(step.sql, message) from None
    progress(f"  {time.monotonic() - t0:7.3f}s  {step.sql.splitlines()[0]}")
