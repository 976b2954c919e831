"""`schemadiff migrate`: expand, data steps, verification, contract, in that order, resumable.

Why one command: a migration that moves data is a sequence (the new tables must exist
before rows are copied into them, and the old ones may only go, and the constraints only
tighten, once the copy is verified).  Run by hand, a stage gets skipped or run twice.
Here each stage starts only when the one before it succeeded, and everything is
recomputed from the database on every run: plans are diffs of what is there, data steps
are recorded in schemadiff.data_steps, verifications too.  So resuming after a failure is
running the same command again.

Stages, in order (a stage with nothing to do is skipped):

  before-expand    data steps with phase=before-expand (e.g. move clashing old tables aside)
  expand           the additive half of the plan: new tables, columns, functions, triggers;
                   new non-unique indexes wait for the `indexes` stage (defer_indexes)
  data             data steps with phase=between (the default phase)
  verify           verification files of every applied step not verified yet
  indexes          the deferred indexes, built once the data is in (concurrently with --online,
                   except on partitioned tables: see _Runner._plans)
  before-contract  data steps with phase=before-contract, then their verification
  contract         drops, NOT NULL, new constraints (NOT VALID + VALIDATE with --online)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from . import datasteps
from .errors import DataStepFailed, HazardError, SchemaDiffError, VerificationFailed
from .model import Catalog, QualifiedName
from .plan import Plan, PlanOptions, plan_changes

STAGES = ("before-expand", "expand", "data", "verify", "indexes", "before-contract", "contract")

Keep = Callable[[QualifiedName], bool]


@dataclass(frozen=True)
class MigrateOptions:
    online: bool = False
    allow_destructive: bool = False
    defer_indexes: bool = True
    lock_timeout: str | None = "5s"
    statement_timeout: str | None = None
    # Asked before a DDL stage runs, with the stage name and its plan; False stops the migration.
    confirm: Callable[[str, Plan], bool] | None = None
    # Called with (stage, "start" | "end") around every stage that has work to do.
    on_stage: Callable[[str, str], None] | None = None


@dataclass(frozen=True)
class StageResult:
    stage: str
    seconds: float
    detail: str


def migrate(dsn: str, schema_paths: Sequence[Path], steps_dir: Path | str, *, keep: Keep = lambda _: True,
            options: MigrateOptions = MigrateOptions(),
            progress: Callable[[str], None] = lambda _: None) -> list[StageResult]:
    """Run every stage that has work left; raise MigrationFailed naming the stage that failed."""
    steps = datasteps.load_steps(steps_dir)
    with _connect(dsn) as conn:
        pending = datasteps.pending_steps(conn, steps)
    datasteps.check_phase_order(pending)
    results: list[StageResult] = []
    runner = _Runner(dsn, schema_paths, steps, keep, options, progress, results)
    runner.data_stage("before-expand", "before-expand")
    runner.ddl_stage("expand")
    runner.data_stage("data", "between")
    runner.verify_stage("verify")
    runner.ddl_stage("indexes")
    runner.data_stage("before-contract", "before-contract")
    runner.verify_stage("before-contract")
    runner.ddl_stage("contract")
    return results


def remaining_plan(dsn: str, schema_paths: Sequence[Path], keep: Keep = lambda _: True,
                   options: PlanOptions = PlanOptions()) -> Plan:
    """What is left to do between the database and the files, as `migrate` sees it."""
    current, desired = load_catalogs(dsn, schema_paths, keep)
    from .plan import plan_migration
    return plan_migration(current, desired, options)


def load_catalogs(dsn: str, schema_paths: Sequence[Path], keep: Keep) -> tuple[Catalog, Catalog]:
    from .introspect.catalog import inspect_database
    from .parse import load_schema
    return _filtered(inspect_database(dsn), keep), _filtered(load_schema(list(schema_paths)), keep)


_KEYED = ("tables", "sequences", "views", "enums", "domains", "composites", "ranges", "functions")


def _filtered(catalog: Catalog, keep: Keep) -> Catalog:
    """catalog.filtered(keep), without the privileges of what it left out.

    Workaround: Catalog.filtered() keeps every grant, so excluding 'archive.*' still plans
    REVOKE EXECUTE ON ROUTINE archive.f() FROM PUBLIC for the implicit EXECUTE of the
    functions in schema archive.  A grant goes with its object (or schema).
    """
    kept = catalog.filtered(keep)
    removed = {str(k) for field in _KEYED for k in getattr(catalog, field) if k not in getattr(kept, field)}
    gone = set(catalog.schemas) - set(kept.schemas)
    grants = frozenset(g for g in catalog.grants
                       if g.object_name not in removed and not (g.object_kind == "schema" and g.object_name in gone))
    defaults = frozenset(d for d in catalog.default_privileges if d.schema not in gone)
    return replace(kept, grants=grants, default_privileges=defaults)


def _connect(dsn: str):
    from .connect import connect
    return connect(dsn)


class _Runner:
    def __init__(self, dsn, schema_paths, steps, keep, options: MigrateOptions, progress, results):
        self.dsn = dsn
        self.schema_paths = list(schema_paths)
        self.steps = steps
        self.keep = keep
        self.options = options
        self.progress = progress
        self.results: list[StageResult] = results

    # -- stages ------------------------------------------------------------------------------------

    def data_stage(self, stage: str, phase: str) -> None:
        try:
            with _connect(self.dsn) as conn:
                todo = [s for s in datasteps.pending_steps(conn, self.steps) if s.phase == phase]
        except SchemaDiffError as exc:
            self._fail(stage, str(exc))
        if not todo:
            return
        self._start(stage, f"{len(todo)} data step(s): {', '.join(s.name for s in todo)}")
        t0 = time.monotonic()
        try:
            datasteps.run_steps(self.dsn, self.steps, phases=[phase], progress=self.progress)
        except DataStepFailed as exc:
            self._fail(stage, str(exc),
                       "The failed step was rolled back and is not recorded; the steps before it are. "
                       if exc.rolled_back else
                       "The failed step ran outside a transaction: check what its earlier statements did. ")
        except SchemaDiffError as exc:
            self._fail(stage, str(exc))
        self._end(stage, t0, f"{len(todo)} step(s)")

    def verify_stage(self, stage: str) -> None:
        with _connect(self.dsn) as conn:
            applied = datasteps.applied_steps(conn)
        todo = [s for s in self.steps if s.verify_path and s.name in applied and applied[s.name].verified_at is None]
        if not todo:
            return
        label = "verify" if stage == "verify" else f"{stage} (verify)"
        self._start(label, f"{len(todo)} verification file(s)")
        t0 = time.monotonic()
        try:
            violations = datasteps.verify_steps(self.dsn, self.steps, unverified_only=True, progress=self.progress)
            datasteps.require_verified(violations)
        except VerificationFailed as exc:
            shown = "\n".join(f"  {v}" for v in exc.violations[:50])
            self._fail(label, f"{exc}\n{shown}",
                       "Verification changes nothing. Correct the data with a new data step (or roll back). ")
        except SchemaDiffError as exc:
            self._fail(label, str(exc))
        self._end(label, t0, f"{len(todo)} file(s), no violation")

    def ddl_stage(self, stage: str) -> None:
        # A plan of session settings only (SET lock_timeout in online mode) has nothing to do.
        plans = [p for p in self._plans(stage) if any(s.change is not None for s in p.steps)]
        if not plans:
            return
        n = sum(len(p.steps) for p in plans)
        self._start(stage, f"{n} statement(s)")
        destructive = [s.sql for p in plans for s in p.destructive_steps]
        if destructive and not self.options.allow_destructive:
            self._fail(stage, str(HazardError(destructive, "--allow-destructive")),
                       "Nothing of this stage ran; pass --allow-destructive to allow these statements. ")
        if self.options.confirm is not None:
            shown = Plan(tuple(s for p in plans for s in p.steps))  # for display: the stage as one plan
            if not self.options.confirm(stage, shown):
                self._fail(stage, "not confirmed", "Nothing of this stage ran. ")
        t0 = time.monotonic()
        from .apply import apply_plan
        try:
            for plan in plans:
                apply_plan(self.dsn, plan, progress=self.progress)
        except SchemaDiffError as exc:
            self._fail(stage, str(exc), "The failing statement's transaction was rolled back; earlier ones stay "
                                        "applied. ")
        self._end(stage, t0, f"{n} statement(s)")

    # -- planning ----------------------------------------------------------------------------------

    def _plans(self, stage: str) -> list[Plan]:
        from .diff import diff_catalogs
        from .plan.ordering import with_followers
        from .plan.phases import split_phases
        current, desired = load_catalogs(self.dsn, self.schema_paths, self.keep)
        expand, contract = split_phases(diff_catalogs(current, desired), current.server_version)
        expand = [_nullable_first(c, current) for c in expand]
        options = PlanOptions(online=self.options.online, lock_timeout=self.options.lock_timeout,
                              statement_timeout=self.options.statement_timeout)
        if stage == "contract":
            # Workaround: PostgreSQL refuses NOT VALID foreign keys on a partitioned table
            # before version 18, and the online rewrite emits them anyway: add those the
            # ordinary way there (SHARE ROW EXCLUSIVE lock while the partitions are scanned).
            old_server = (current.server_version or 0) < 180000
            offline = with_followers(contract, lambda c: old_server
                               and c.kind == "add_constraint" and c.new.kind == "f"
                               and getattr(desired.tables.get(c.arg("table")), "partition_by", None) is not None)
            return [plan_changes([c for i, c in enumerate(contract) if i not in offline], desired, options),
                    plan_changes([c for i, c in enumerate(contract) if i in offline], desired,
                                 replace(options, online=False))]
        deferred = with_followers(expand, _is_deferrable) if self.options.defer_indexes else set()
        if stage == "expand":
            return [plan_changes([c for i, c in enumerate(expand) if i not in deferred], desired, options)]
        # indexes: what expand left, on tables that now hold data.  Workaround: the online
        # rewrite of an index on a partitioned table names each partition's index itself
        # (not as PostgreSQL would) and knows only the partitions declared in the files, so
        # the next plan drops the declared partitions' copies and the monthly ones get none.
        # Those are built the ordinary way (CREATE INDEX on the parent: SHARE lock, writes
        # wait; reads go on), the others online.
        partitioned = with_followers(expand, lambda c: c.kind == "create_index"
                               and getattr(desired.tables.get(c.new.table), "partition_by", None) is not None)
        return [plan_changes([c for i, c in enumerate(expand) if i in partitioned], desired,
                             replace(options, online=False)),
                plan_changes([c for i, c in enumerate(expand) if i not in partitioned], desired, options)]

    # -- reporting ---------------------------------------------------------------------------------

    def _start(self, stage: str, what: str) -> None:
        self.progress(f"== {stage}: {what}")
        if self.options.on_stage:
            self.options.on_stage(stage, "start")

    def _end(self, stage: str, t0: float, detail: str) -> None:
        seconds = time.monotonic() - t0
        self.results.append(StageResult(stage, seconds, detail))
        self.progress(f"== {stage}: done in {seconds:.2f}s")
        if self.options.on_stage:
            self.options.on_stage(stage, "end")

    def _fail(self, stage: str, cause: str, note: str = "") -> None:
        from .errors import MigrationFailed
        done = [r.stage for r in self.results]
        resume = (note + "To resume, fix the cause and run the same `schemadiff migrate` command again: "
                  "applied data steps are skipped and plans are recomputed from the database."
                  + (f" Completed in this run: {', '.join(done)}." if done else ""))
        raise MigrationFailed(stage, cause, resume)


def _nullable_first(change, current: Catalog):
    """Workaround: expand adds a NOT NULL column without a default to a table that has rows as
    declared (ADD COLUMN ... NOT NULL), which fails on any non-empty table.  Add it nullable:
    the data steps fill it, and contract (planned from the database then) sets NOT NULL."""
    col = change.new
    if (change.kind == "add_column" and col.not_null and col.default is None and not col.identity
            and col.generated is None and change.arg("table") in current.tables):
        return replace(change, new=replace(col, not_null=False))
    return change


def _is_deferrable(change) -> bool:
    """A new non-unique index: nothing but reads depends on it, so it can wait for the data."""
    return change.kind == "create_index" and not change.new.unique
