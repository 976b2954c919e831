"""Plan rules: the hazards of a migration plan as findings (`schemadiff lint --plan`).

Why rules of their own: the planner records hazards as data (plan/hazards.py);
lint decides how much each matters here, with the size of the table concerned,
so that CI can fail on a lock of a big table or on data loss and merely mention
the rest.  One rule per hazard kind, so each can be disabled or ignored per object.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ...errors import Location
from ...introspect.sizes import TableSize
from ...plan.sizes import tables_of
from ...model import Catalog, QualifiedName
from ...plan import Plan
from ..findings import Report
from ..registry import rule


@dataclass(frozen=True)
class PlanContext:
    """A plan with what lint needs to judge it: the size of the live tables it touches."""

    plan: Plan
    sizes: dict[QualifiedName, TableSize] = field(default_factory=dict)
    big_table_rows: int = 100_000
    big_table_bytes: int = 100 * 1024 * 1024
    desired: Catalog | None = None  # the files: where a dropped object's table is declared

    def is_big(self, size: TableSize | None) -> bool:
        if size is None:
            return False
        return (size.rows is not None and size.rows >= self.big_table_rows) or size.bytes >= self.big_table_bytes


def _location(change, desired: Catalog | None) -> Location:
    """Where the change is declared; for a drop, where its table still is."""
    for obj in (change.new, change.old):
        origin = getattr(obj, "origin", None)
        if isinstance(origin, Location) and origin.line and origin.file != "database":
            return origin
    if desired is not None:
        for t in tables_of(change):
            table = desired.tables.get(t)
            if table is not None and table.origin.line:
                return table.origin
    return Location("database")


def _statement(sql: str) -> str:
    first = sql.strip().splitlines()[0] if sql.strip() else ""
    return first if len(first) <= 100 else first[:97] + "..."


def _hazards(ctx: PlanContext, kind: str, fix: str, big: str | None, small: str | None) -> Iterator[Report]:
    """One report per step carrying a hazard of `kind`.

    `big`/`small`: the severity on a big / not big (or new, or unknown) table; None keeps the rule's.
    """
    seen: set[tuple[str, str]] = set()
    for step in ctx.plan.steps:
        if step.change is None:
            continue
        for hazard in step.hazards:
            if hazard.kind != kind:
                continue
            target = str(step.change.target)
            if (target, hazard.reason) in seen:
                continue
            seen.add((target, hazard.reason))
            sizes = [(t, ctx.sizes[t]) for t in tables_of(step.change) if t in ctx.sizes]
            large = [(t, s) for t, s in sizes if ctx.is_big(s)]
            size_text = "; ".join(f"{t.display}: {s.describe()}" for t, s in (large or sizes))
            message = f"{hazard.reason} ({size_text})" if size_text else hazard.reason
            message += f" in: {_statement(step.sql)}"
            yield Report(target, _location(step.change, ctx.desired), message, fix, big if large else small)


@rule("data-loss", severity="error", target="plan")
def data_loss(ctx: PlanContext) -> Iterator[Report]:
    """The plan destroys data.

    What it does:
        Reports every step of the plan that drops a table, column, sequence, type or enum
        value, or narrows a column type, i.e. every step with the `data-loss` hazard.

    Why it matters:
        Nothing later in the plan brings the data back; `apply` refuses such steps unless
        given --allow-destructive, and a CI check should stop them before review.

    Example:
        -- the schema files no longer declare users.avatar_url
        ALTER TABLE users DROP COLUMN avatar_url;

    Fix:
        If the data must survive, copy it first (or keep the object and stop using it),
        then remove the declaration in a later change. If the loss is intended, approve it
        explicitly: `apply --allow-destructive`, and disable the rule for that CI run.
    """
    yield from _hazards(ctx, "data-loss", "copy the data first or keep the object; apply needs "
                                          "--allow-destructive", None, None)


@rule("blocks-writes", severity="warning", target="plan")
def blocks_writes(ctx: PlanContext) -> Iterator[Report]:
    """The plan blocks writes to a big table while a statement runs.

    What it does:
        Reports steps that hold a lock blocking INSERT, UPDATE and DELETE (a plain CREATE
        INDEX, adding a foreign key or a unique key, attaching a partition). A warning on a
        big table (`big-table-rows` rows or `big-table-size`, read from pg_class and
        pg_total_relation_size), info otherwise.

    Why it matters:
        The lock is held for as long as the statement scans the table: minutes on a big
        table, during which every write waits, and so does every request behind it.

    Example:
        CREATE INDEX user_interactions_course_id_idx ON user_interactions (course_id);

    Fix:
        Plan in online mode (`--online` or `online = true`): indexes are built
        CONCURRENTLY and constraints added NOT VALID then validated, which only blocks
        briefly. Otherwise run it in a maintenance window.
    """
    yield from _hazards(ctx, "blocks-writes", "plan with --online (CREATE INDEX CONCURRENTLY, NOT VALID + "
                                              "VALIDATE), or run it in a maintenance window", "warning", "info")


@rule("blocks-reads", severity="warning", target="plan")
def blocks_reads(ctx: PlanContext) -> Iterator[Report]:
    """The plan takes an ACCESS EXCLUSIVE lock on a big table.

    What it does:
        Reports steps that hold an ACCESS EXCLUSIVE lock (most ALTER TABLE forms, DROP
        INDEX, SET NOT NULL with its scan). A warning on a big table, info otherwise.

    Why it matters:
        Even SELECTs wait for the lock, and the lock request itself queues behind any
        long-running query: a "brief" lock can stall all traffic to the table.

    Example:
        ALTER TABLE user_interactions ALTER COLUMN metadata SET NOT NULL;

    Fix:
        Set a lock_timeout (online mode does) and retry; for NOT NULL, add a CHECK (column
        IS NOT NULL) NOT VALID, validate it, then SET NOT NULL (which then skips the scan).
    """
    yield from _hazards(ctx, "blocks-reads", "set lock_timeout (online mode) and retry; avoid scans under the lock",
                        "warning", "info")


@rule("table-rewrite", severity="warning", target="plan")
def table_rewrite(ctx: PlanContext) -> Iterator[Report]:
    """The plan rewrites a big table.

    What it does:
        Reports steps that make the server rewrite the whole table and its indexes (a
        type change that is not binary-compatible, a volatile default, a new identity or
        generated column). A warning on a big table, info otherwise.

    Why it matters:
        The rewrite holds an ACCESS EXCLUSIVE lock for its whole duration and needs disk
        for a second copy of the table: on a big table, an outage.

    Example:
        ALTER TABLE user_interactions ALTER COLUMN id TYPE bigint;

    Fix:
        Add a new column, backfill it in batches, switch readers and writers, then drop
        the old column.
    """
    yield from _hazards(ctx, "table-rewrite", "add a new column, backfill in batches, then swap", "warning", "info")


@rule("index-build", severity="info", target="plan")
def index_build(ctx: PlanContext) -> Iterator[Report]:
    """The plan builds an index on an existing table.

    What it does:
        Reports steps that build an index (CREATE INDEX, or a primary key/unique
        constraint) on a table that already exists.

    Why it matters:
        The build reads the whole table and takes time and I/O; without CONCURRENTLY it
        also blocks writes (see blocks-writes).

    Example:
        CREATE INDEX CONCURRENTLY user_progress_course_id_idx ON user_progress (course_id);

    Fix:
        Nothing to fix: schedule it; use online mode on busy tables.
    """
    yield from _hazards(ctx, "index-build", "use online mode (CONCURRENTLY) on busy tables", None, None)


@rule("validates", severity="info", target="plan")
def validates(ctx: PlanContext) -> Iterator[Report]:
    """The plan validates a constraint by scanning an existing table.

    What it does:
        Reports steps that scan a table to check a new constraint, NOT NULL or partition
        bound.

    Why it matters:
        The scan takes time on a big table and, unless the constraint was added NOT VALID
        first, holds a lock meanwhile; rows that violate the constraint make the step fail.

    Example:
        ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_ended_after_started
            CHECK (ended_at >= started_at);

    Fix:
        Check for violating rows beforehand; in online mode the constraint is added NOT
        VALID and validated separately, with a weaker lock.
    """
    yield from _hazards(ctx, "validates", "check for violating rows first; online mode validates separately",
                        None, None)


@rule("irreversible", severity="info", target="plan")
def irreversible(ctx: PlanContext) -> Iterator[Report]:
    """The plan makes a change the reverse plan cannot undo in place.

    What it does:
        Reports steps that cannot be undone by running the reverse plan, such as adding an
        enum value (PostgreSQL cannot remove one in place).

    Why it matters:
        A rollback of the release will leave the change behind, or need a rebuild of the
        type and every column of it.

    Example:
        ALTER TYPE mood ADD VALUE 'ecstatic';

    Fix:
        Nothing to fix: make sure the change is wanted before it ships.
    """
    yield from _hazards(ctx, "irreversible", "make sure the change is wanted before it ships", None, None)


@rule("suggested-rename", severity="warning", target="plan")
def suggested_rename(ctx: PlanContext) -> Iterator[Report]:
    """A drop and an add of the same shape in one table: probably a rename.

    What it does:
        Reports a column, index or constraint that the plan drops while it adds one of the
        same type (or definition) to the same table, with the comment that makes it a rename.

    Why it matters:
        Renaming a column in the files looks like a new column to a diff: the plan drops the
        old one with its values and adds an empty one.

    Example:
        ALTER TABLE users DROP COLUMN full_name;  -- and ADD COLUMN display_name text

    Fix:
        Add `-- schemadiff: renamed from full_name` on the line of display_name in the files.
    """
    yield from _hazards(ctx, "suggested-rename", "add the rename hint to the files", None, None)


@rule("will-fail", severity="error", target="plan")
def will_fail(ctx: PlanContext) -> Iterator[Report]:
    """The live rows make a step of the plan fail.

    What it does:
        Reports every step that a bounded query on the live rows found will fail: a NOT NULL
        over NULLs (or a new NOT NULL column without a default on a table with rows), values too
        long or out of range for a narrower type, rows violating a new CHECK, UNIQUE, PRIMARY
        KEY or FOREIGN KEY, an enum value removed while rows hold it.

    Why it matters:
        The migration would stop halfway, after taking its locks; `apply` refuses the plan.

    Example:
        ALTER TABLE users ALTER COLUMN email SET NOT NULL;  -- 1,204 rows have NULL in users.email

    Fix:
        Clean or backfill the rows first (a data step), or change the declaration.
    """
    yield from _hazards(ctx, "will-fail", "clean or backfill the rows first, or change the declaration", None, None)


@rule("unverified", severity="info", target="plan")
def unverified(ctx: PlanContext) -> Iterator[Report]:
    """A check of the live rows could not run.

    What it does:
        Reports steps whose rows could not be checked (see will-fail): the query timed out,
        lacked a privilege, or needs an object the plan has not made yet.

    Why it matters:
        The step may still fail on the rows; nothing was guessed.

    Example:
        ALTER TABLE item ADD CONSTRAINT item_qty_check CHECK (positive(qty));  -- positive() is new

    Fix:
        Check the rows by hand, or run the plan on a copy first (`plan --verify`).
    """
    yield from _hazards(ctx, "unverified", "check the rows by hand, or rehearse on a copy (plan --verify)",
                        None, None)
