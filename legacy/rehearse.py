"""Rehearse the whole legacy -> schema/ migration at production size, timed per stage.

    python legacy/rehearse.py --events 5000000                 # on a throwaway embedded PostgreSQL
    python legacy/rehearse.py --events 5000000 --admin-db URL  # on a server of yours (a new database)

Generates the legacy data (legacy/generate.py), runs `schemadiff migrate` through the
Python API exactly as the CLI does (--online by default), checks that nothing is left to
plan, then runs legacy/migration/rollback.sql and checks that the legacy tables are
back with the same contents.  Prints Markdown tables: stage timings, data step timings,
and for each stage the longest hold of the locks that block other sessions, measured by
sampling pg_locks every --sample-ms milliseconds from a second connection (a hold shorter
than one sample may be missed; one seen once is reported as "< sample").
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from schemadiff.cli.config import exclusion  # noqa: E402
from schemadiff.migrate import MigrateOptions, migrate, remaining_plan  # noqa: E402

APP = "schemadiff-rehearsal"
EXCLUDE = ["public.user_interactions_p[0-9]*", "archive.*"]
BLOCKS_WRITES = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}
BLOCKS_READS = {"AccessExclusiveLock"}
OTHER = {"AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock"}
SETTINGS = ("server_version", "shared_buffers", "work_mem", "maintenance_work_mem", "max_wal_size",
            "max_parallel_maintenance_workers", "fsync", "synchronous_commit")


@dataclass
class Hold:
    first: float
    last: float
    samples: int = 1


@dataclass
class LockMonitor:
    """Samples the granted relation locks of the migration's sessions (application_name = APP)."""

    dsn: str
    interval: float
    stage: str = "-"
    holds: dict = field(default_factory=dict)  # (stage, relation, mode) -> longest Hold
    _open: dict = field(default_factory=dict)  # (stage, relation, mode) -> current Hold
    _stop: threading.Event = field(default_factory=threading.Event)
    _mutex: threading.Lock = field(default_factory=threading.Lock)

    _QUERY = """
        SELECT DISTINCT n.nspname || '.' || c.relname, l.mode
          FROM pg_locks AS l
          JOIN pg_stat_activity AS a ON a.pid = l.pid
          JOIN pg_class AS c ON c.oid = l.relation
          JOIN pg_namespace AS n ON n.oid = c.relnamespace
         WHERE a.application_name = %s AND l.granted AND l.locktype = 'relation'
           AND c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'legacy', 'archive')
    """

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        if self.error is not None:
            raise RuntimeError(f"the lock monitor failed: {self.error}")
        with self._mutex:
            self._close_all(time.monotonic())

    def set_stage(self, stage: str) -> None:
        with self._mutex:
            self._close_all(time.monotonic())
            self.stage = stage

    error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._sample()
        except BaseException as exc:  # reported by stop()
            self.error = exc

    def _sample(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True, application_name="rehearsal-monitor") as conn:
            while not self._stop.is_set():
                rows = conn.execute(self._QUERY, (APP,)).fetchall()
                with self._mutex:
                    self._record(rows, time.monotonic())
                self._stop.wait(self.interval)

    def _record(self, rows, now: float) -> None:
        seen = {(self.stage, rel, mode) for rel, mode in rows}
        for key in list(self._open):
            if key not in seen:
                self._close(key)
        for key in seen:
            hold = self._open.get(key)
            if hold is None:
                self._open[key] = Hold(now, now)
            else:
                hold.last, hold.samples = now, hold.samples + 1

    def _close(self, key) -> None:
        hold = self._open.pop(key)
        best = self.holds.get(key)
        if best is None or hold.last - hold.first > best.last - best.first:
            self.holds[key] = hold

    def _close_all(self, _now: float) -> None:
        for key in list(self._open):
            self._close(key)

    def longest(self, stage: str, modes: set[str]) -> tuple[str, str, float, int] | None:
        found = [(rel, mode, h.last - h.first, h.samples) for (s, rel, mode), h in self.holds.items()
                 if s == stage and mode in modes]
        return max(found, key=lambda x: (x[2], x[3])) if found else None


def _fmt_hold(h, interval: float) -> str:
    if h is None:
        return "none seen"
    rel, mode, seconds, samples = h
    mode = mode.replace("Lock", "")
    took = f"< {interval * 1000:.0f} ms" if samples == 1 else f"{seconds:.2f} s"
    return f"{took} ({mode} on {rel})"


def rehearse(admin_dsn: str, events: int, online: bool, interval: float, keep_db: bool) -> int:
    from schemadiff.embedded import drop_database, scratch_database
    name, dsn = scratch_database(admin_dsn)
    out: list[str] = []
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            settings = {s: conn.execute(f"SHOW {s}").fetchone()[0] for s in SETTINGS}
        t0 = time.monotonic()
        generate.generate(dsn, events, progress=lambda m: print(m, file=sys.stderr))
        gen_seconds = time.monotonic() - t0
        with psycopg.connect(dsn, autocommit=True) as conn:
            legacy_size = conn.execute("SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c "
                                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                       "WHERE n.nspname = 'public' AND c.relkind = 'r'").fetchone()[0]
            t0 = time.monotonic()
            before = generate.table_checksums(conn, "public")
            checksum_seconds = time.monotonic() - t0

        monitor = LockMonitor(dsn, interval)
        monitor.start()
        os.environ["PGAPPNAME"] = APP  # every libpq connection of this process from now on
        stage_order: list[str] = []

        def on_stage(stage: str, event: str) -> None:
            if event == "start":
                stage_order.append(stage)
                monitor.set_stage(stage)
            else:
                monitor.set_stage("-")

        keep = exclusion(EXCLUDE)
        t0 = time.monotonic()
        results = migrate(dsn, [ROOT / "schema"], HERE / "migration" / "steps", keep=keep,
                          options=MigrateOptions(online=online, on_stage=on_stage),
                          progress=lambda m: print(m, file=sys.stderr))
        total = time.monotonic() - t0
        monitor.stop()
        os.environ.pop("PGAPPNAME", None)

        left = remaining_plan(dsn, [ROOT / "schema"], keep)
        with psycopg.connect(dsn, autocommit=True) as conn:
            steps = conn.execute("SELECT name, seconds FROM schemadiff.data_steps ORDER BY name").fetchall()
            new_size = conn.execute("SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c "
                                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE n.nspname = 'public' AND c.relkind = 'r'").fetchone()[0]
            counts = conn.execute("SELECT (SELECT count(*) FROM public.users), (SELECT count(*) FROM public.user_sessions),"
                                  " (SELECT count(*) FROM public.user_interactions),"
                                  " (SELECT count(*) FROM public.video_interactions),"
                                  " (SELECT count(*) FROM public.quiz_interactions),"
                                  " (SELECT count(*) FROM public.user_progress),"
                                  " (SELECT count(*) FROM public.content_engagement_metrics),"
                                  " (SELECT count(*) FROM public.aggregated_analytics)").fetchone()
            t0 = time.monotonic()
            conn.execute((HERE / "migration" / "rollback.sql").read_text())
            rollback_seconds = time.monotonic() - t0
            after = generate.table_checksums(conn, "public")

        out.append(f"Rehearsal: {events:,} legacy events, schemadiff migrate {'--online' if online else '--offline'}, "
                   f"{platform.machine()} with {os.cpu_count()} CPUs; PostgreSQL "
                   + ", ".join(f"{k}={v}" for k, v in settings.items()) + ".")
        out.append("")
        out.append(f"Legacy data generated in {gen_seconds:.0f} s ({legacy_size} in public); "
                   f"checksums of the legacy tables in {checksum_seconds:.1f} s.")
        out.append(f"Migrated: {counts[0]:,} users, {counts[1]:,} sessions, {counts[2]:,} interactions, "
                   f"{counts[3]:,} video and {counts[4]:,} quiz details, {counts[5]:,} user_progress, "
                   f"{counts[6]:,} content_engagement_metrics and {counts[7]:,} aggregated_analytics rows "
                   f"({new_size} in public).")
        out.append("")
        out.append("| stage | seconds | work | longest lock blocking writes | longest lock blocking reads "
                   "| longest other lock (blocks DDL only) |")
        out.append("|---|---:|---|---|---|---|")
        for r in results:
            stage = r.stage
            out.append(f"| {stage} | {r.seconds:.1f} | {r.detail} | "
                       f"{_fmt_hold(monitor.longest(stage, BLOCKS_WRITES), interval)} | "
                       f"{_fmt_hold(monitor.longest(stage, BLOCKS_READS), interval)} | "
                       f"{_fmt_hold(monitor.longest(stage, OTHER), interval)} |")
        out.append(f"| **total** | **{total:.1f}** | | | | |")
        out.append("")
        out.append("| data step | seconds |")
        out.append("|---|---:|")
        for step_name, seconds in steps:
            out.append(f"| {step_name} | {float(seconds):.1f} |")
        out.append("")
        out.append(f"Remaining plan after the migration: {len(left.steps)} statement(s).")
        out.append(f"Rollback (legacy/migration/rollback.sql after the whole migration): {rollback_seconds:.1f} s; "
                   f"legacy tables {'identical to before (row counts and row hashes)' if after == before else 'DIFFERENT'}.")
        print("\n".join(out))
        return 0 if after == before and not left else 1
    finally:
        if not keep_db:
            drop_database(admin_dsn, name)
        else:
            print(f"kept the database: {dsn}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--admin-db", help="admin URL of a server to create the rehearsal database on "
                                           "(default: a throwaway embedded PostgreSQL)")
    parser.add_argument("--offline", action="store_true", help="migrate without --online")
    parser.add_argument("--sample-ms", type=float, default=20.0, help="lock sampling interval (default 20 ms)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the rehearsal database")
    args = parser.parse_args(argv)
    admin = args.admin_db
    if not admin:
        from schemadiff.embedded import start_server
        pgdata = Path(tempfile.mkdtemp(prefix="schemadiff-rehearsal-")) / "pgdata"
        server = start_server(pgdata, delete_on_exit=not args.keep_db)
        admin = server.get_uri("postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            # A production-like checkpoint distance: the default 1GB checkpoints every few seconds during the copy.
            conn.execute("ALTER SYSTEM SET max_wal_size = '8GB'")
            conn.execute("SELECT pg_reload_conf()")
    return rehearse(admin, args.events, not args.offline, args.sample_ms / 1000, args.keep_db)


if __name__ == "__main__":
    sys.exit(main())
