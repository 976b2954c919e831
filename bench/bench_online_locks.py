"""Locks while a plan adds NOT NULL and a foreign key to a table of a million rows, offline vs online.

The table `big` (N rows, set-based) gets `parent_id ... NOT NULL REFERENCES parent`.  While
schemadiff applies the plan in one thread, two more sessions run against the same database:

- a monitor samples pg_locks every few milliseconds (joined to pg_stat_activity, for the
  statement text of each lock holder): who holds ACCESS EXCLUSIVE on `big`, and for how long;
  whether a VALIDATE CONSTRAINT was running at that moment;
- a writer INSERTs and UPDATEs rows of `big` one at a time and times each write.

Offline, SET NOT NULL and ADD FOREIGN KEY scan the table in one transaction that holds
ACCESS EXCLUSIVE throughout: writes (and reads) wait for the whole scan.  Online, the scans
are VALIDATE CONSTRAINT statements under SHARE UPDATE EXCLUSIVE, and ACCESS EXCLUSIVE is
only taken by statements that do not scan.

    python bench/bench_online_locks.py                     # 1,000,000 rows, throwaway embedded PostgreSQL
    python bench/bench_online_locks.py --rows 200000 --dsn URL --json out.json

tests/test_online.py runs the online measurement and asserts on it.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemadiff.apply import apply_plan  # noqa: E402
from schemadiff.embedded import drop_database, scratch_database, start_server  # noqa: E402
from schemadiff.introspect.catalog import inspect_database  # noqa: E402
from schemadiff.parse import load_schema  # noqa: E402
from schemadiff.plan import Plan, PlanOptions, plan_migration  # noqa: E402

PARENTS = 1000

LIVE_SQL = """
CREATE TABLE parent (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE big (id bigint PRIMARY KEY, parent_id integer, payload text NOT NULL);
INSERT INTO parent SELECT g, 'parent ' || g FROM generate_series(1, {parents}) g;
INSERT INTO big SELECT g, 1 + g % {parents}, md5(g::text) FROM generate_series(1, {rows}) g;
"""

SCHEMA_SQL = """
CREATE TABLE parent (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE big (
    id bigint PRIMARY KEY,
    parent_id integer NOT NULL REFERENCES parent (id),
    payload text NOT NULL
);
"""

# Each sample reads the other sessions' activity, then the locks on `big`, then the
# activity again: a statement seen running in both reads, with the same start time,
# ran during the whole lock read.
_ACTIVITY = """
SELECT pid, state, query, query_start FROM pg_stat_activity
WHERE datname = current_database() AND pid <> ALL(%s)
"""
_LOCKS = """
SELECT l.pid, l.mode, a.query FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.relation = %s AND l.granted
"""


def _validating(rows) -> set[tuple]:
    return {(r[0], r[3]) for r in rows if r[1] == "active" and "VALIDATE CONSTRAINT" in (r[2] or "").upper()}


@dataclass
class Sample:
    t: float
    validating: bool                   # a VALIDATE CONSTRAINT ran before, during and after the lock read
    access_exclusive: list[tuple]      # (pid, statement text) of each ACCESS EXCLUSIVE holder on big


@dataclass
class Measurement:
    online: bool
    rows: int
    plan: list[str]
    steps: list[tuple[float, float, str]] = field(default_factory=list)   # (start, end, sql)
    samples: list[Sample] = field(default_factory=list)
    writes: list[tuple[float, float]] = field(default_factory=list)       # (start, end)
    write_errors: list[str] = field(default_factory=list)

    # -- what the scan is: VALIDATE statements online; offline, the one transaction
    def scan_windows(self) -> list[tuple[float, float]]:
        if self.online:
            return [(s, e) for s, e, sql in self.steps if "VALIDATE CONSTRAINT" in sql]
        alters = [(s, e) for s, e, sql in self.steps if sql.startswith("ALTER TABLE")]
        return [(alters[0][0], alters[-1][1])] if alters else []

    @property
    def validation_seconds(self) -> float:
        return sum(e - s for s, e in self.scan_windows())

    @property
    def longest_validation_seconds(self) -> float:
        return max((e - s for s, e in self.scan_windows()), default=0.0)

    def writes_during_validation(self) -> list[float]:
        windows = self.scan_windows()
        return [we - ws for ws, we in self.writes if any(ws < e and we > s for s, e in windows)]

    @property
    def max_write_latency(self) -> float:
        return max(self.writes_during_validation(), default=0.0)

    def access_exclusive_holds(self) -> list[tuple[float, float, int, str]]:
        """(at least, at most, pid, statement) for each run of consecutive samples in which one
        backend held ACCESS EXCLUSIVE on big, longest first.  At least: from the first sample
        that saw it to the last; at most: from the sample before to the sample after."""
        runs: list[tuple[int, int, int, str]] = []  # (first index, last index, pid, statement)
        open_: dict[int, tuple[int, int, int, str]] = {}
        for i, s in enumerate(self.samples):
            holders = dict(s.access_exclusive)
            for pid in [p for p in open_ if p not in holders]:
                runs.append(open_.pop(pid))
            for pid, stmt in holders.items():
                first, _, _, first_stmt = open_.get(pid, (i, i, pid, stmt))
                open_[pid] = (first, i, pid, first_stmt)
        runs += open_.values()
        t = [s.t for s in self.samples]
        holds = [(t[last] - t[first], t[min(last + 1, len(t) - 1)] - t[max(first - 1, 0)], pid, stmt)
                 for first, last, pid, stmt in runs]
        return sorted(holds, key=lambda h: (h[1], h[0]), reverse=True)

    @property
    def longest_access_exclusive(self) -> float:
        """The longest hold, at most (the sampling resolution included)."""
        return max((h[1] for h in self.access_exclusive_holds()), default=0.0)

    def violations(self) -> list[Sample]:
        """Samples in which a VALIDATE CONSTRAINT ran while some backend held ACCESS EXCLUSIVE on big."""
        return [s for s in self.samples if s.validating and s.access_exclusive]

    @property
    def sample_period_ms(self) -> float:
        if len(self.samples) < 2:
            return float("nan")
        return 1000 * (self.samples[-1].t - self.samples[0].t) / (len(self.samples) - 1)

    def figures(self) -> dict:
        holds = self.access_exclusive_holds()
        return {
            "mode": "online" if self.online else "offline",
            "rows": self.rows,
            "statements": len(self.plan),
            "validation_s": round(self.validation_seconds, 3),
            "longest_validation_s": round(self.longest_validation_seconds, 3),
            "writes_during_validation": len(self.writes_during_validation()),
            "max_write_latency_s": round(self.max_write_latency, 4),
            "longest_access_exclusive_s": round(self.longest_access_exclusive, 4),
            "longest_access_exclusive_seen_s": round(holds[0][0], 4) if holds else 0.0,
            "access_exclusive_holder": holds[0][3].splitlines()[0] if holds else None,
            "samples": len(self.samples),
            "sample_period_ms": round(self.sample_period_ms, 2),
            "samples_during_validate": sum(s.validating for s in self.samples),
            "violations": len(self.violations()),
        }


def load(dsn: str, rows: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(LIVE_SQL.format(rows=rows, parents=PARENTS))
        conn.execute("VACUUM ANALYZE parent, big")  # hint bits set now, not by the first scan


def plan_for(dsn: str, schema_dir: Path, online: bool) -> Plan:
    (schema_dir / "schema.sql").write_text(SCHEMA_SQL)
    return plan_migration(inspect_database(dsn), load_schema([schema_dir]), PlanOptions(online=online))


def measure(dsn: str, plan: Plan, *, online: bool, rows: int, pause: float = 0.002) -> Measurement:
    """Apply `plan` to `dsn` while a monitor samples locks and a writer writes to big."""
    m = Measurement(online=online, rows=rows, plan=[s.sql for s in plan.steps])
    stop = threading.Event()
    with psycopg.connect(dsn, autocommit=True) as monitor, psycopg.connect(dsn, autocommit=True) as writer:
        big = monitor.execute("SELECT 'public.big'::regclass::oid").fetchone()[0]
        ours = [monitor.info.backend_pid, writer.info.backend_pid]
        ready = threading.Barrier(3)

        def sample() -> None:
            ready.wait()
            while not stop.is_set():
                before = _validating(monitor.execute(_ACTIVITY, (ours,)).fetchall())
                t = time.monotonic()
                locks = monitor.execute(_LOCKS, (big,)).fetchall()
                after = _validating(monitor.execute(_ACTIVITY, (ours,)).fetchall())
                m.samples.append(Sample(t, bool(before & after),
                                        [(pid, query or "") for pid, mode, query in locks
                                         if mode == "AccessExclusiveLock"]))
                time.sleep(pause)

        def write() -> None:
            next_id = rows + 1
            ready.wait()
            i = 0
            while not stop.is_set():
                i += 1
                t0 = time.monotonic()
                try:
                    if i % 2:
                        writer.execute("INSERT INTO big (id, parent_id, payload) VALUES (%s, %s, 'written')",
                                       (next_id, 1 + next_id % PARENTS))
                        next_id += 1
                    else:
                        writer.execute("UPDATE big SET payload = 'updated' WHERE id = %s", (1 + (i * 7919) % rows,))
                except psycopg.Error as exc:
                    m.write_errors.append(str(exc).strip())
                m.writes.append((t0, time.monotonic()))
                time.sleep(pause)

        threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=write, daemon=True)]
        for th in threads:
            th.start()
        ready.wait()
        time.sleep(0.2)  # a baseline before the plan starts

        def progress(message: str) -> None:
            end = time.monotonic()
            seconds, sql = message.strip().split("s  ", 1)
            m.steps.append((end - float(seconds), end, sql))

        try:
            apply_plan(dsn, plan, progress=progress)
            time.sleep(0.2)
        finally:
            stop.set()
            for th in threads:
                th.join(timeout=60)
    return m


def run(admin: str, rows: int, online: bool) -> Measurement:
    name, dsn = scratch_database(admin)
    try:
        t0 = time.perf_counter()
        load(dsn, rows)
        loaded = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as d:
            plan = plan_for(dsn, Path(d), online)
            m = measure(dsn, plan, online=online, rows=rows)
            print(f"bench: {'online' if online else 'offline'}: loaded {rows:,} rows in {loaded:.1f}s; "
                  f"{len(plan.steps)} statement(s)", file=sys.stderr)
            for start, end, sql in m.steps:
                print(f"bench:   {end - start:7.3f}s  {sql.splitlines()[0]}", file=sys.stderr)
            again = plan_migration(inspect_database(dsn), load_schema([Path(d)]), PlanOptions(online=online))
            if again.steps:
                raise SystemExit(f"bench: the plan did not converge: {[s.sql for s in again.steps]}")
        return m
    finally:
        drop_database(admin, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dsn", help="admin DSN of a server to use (default: a throwaway embedded one)")
    ap.add_argument("--mode", choices=["both", "offline", "online"], default="both")
    ap.add_argument("--json", help="write the figures here")
    a = ap.parse_args()
    admin = a.dsn
    if admin is None:
        server = start_server(Path(tempfile.mkdtemp(prefix="schemadiff-bench-")) / "pgdata", delete_on_exit=True)
        admin = server.get_uri("postgres")
    modes = {"both": [False, True], "offline": [False], "online": [True]}[a.mode]
    results = []
    for online in modes:
        figures = run(admin, a.rows, online).figures()
        results.append(figures)
        print(json.dumps(figures), flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
