"""Readers of a busy table while `apply` waits behind a lock holder: bounded by lock_timeout vs. unbounded.

A session holds ACCESS SHARE on `busy` in an open transaction (a long report, a forgotten
BEGIN) for --hold seconds.  Meanwhile `apply` adds a column to `busy`: ALTER TABLE needs
ACCESS EXCLUSIVE, queues behind the holder, and every reader that arrives after it queues
behind the ALTER.  Reader threads read `busy` in a loop and time every read.

- unbounded (lock_timeout 0, what a plain apply did before): the ALTER waits until the holder
  ends, and so does every reader: the worst read takes about --hold seconds.
- bounded (lock_timeout T, retries with backoff): the ALTER gives up after T, readers run
  during the backoff, and it tries again; no read waits much longer than T.

    python bench/bench_lock_wait.py                       # throwaway embedded PostgreSQL, --hold 20
    python bench/bench_lock_wait.py --dsn ADMIN_URL --timeouts 1s 5s --json out.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemadiff.apply import ApplySettings, apply_plan  # noqa: E402
from schemadiff.embedded import drop_database, scratch_database, start_server  # noqa: E402
from schemadiff.errors import SchemaDiffError  # noqa: E402
from schemadiff.introspect.catalog import inspect_database  # noqa: E402
from schemadiff.parse import catalog_from_statements  # noqa: E402
from schemadiff.plan import plan_migration  # noqa: E402

LIVE = "CREATE TABLE busy (id integer PRIMARY KEY, v text); INSERT INTO busy SELECT g, md5(g::text) FROM generate_series(1, 10000) g;"
DESIRED = "CREATE TABLE busy (id integer PRIMARY KEY, v text, added integer);"


def _reader(dsn: str, stop: threading.Event, latencies: list[float]) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            t0 = time.monotonic()
            conn.execute("SELECT v FROM busy WHERE id = 4242").fetchone()
            latencies.append(time.monotonic() - t0)
            time.sleep(0.01)


def measure(admin: str, lock_timeout: str | None, hold: float, readers: int) -> dict:
    name, dsn = scratch_database(admin)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(LIVE)
        plan = plan_migration(inspect_database(dsn), catalog_from_statements([DESIRED], "bench.sql"))
        holder = psycopg.connect(dsn)
        holder.execute("SELECT count(*) FROM busy").fetchone()  # ACCESS SHARE until the transaction ends
        stop = threading.Event()
        lat: list[list[float]] = [[] for _ in range(readers)]
        threads = [threading.Thread(target=_reader, args=(dsn, stop, lat[i]), daemon=True) for i in range(readers)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        releaser = threading.Timer(hold, holder.rollback)
        releaser.start()
        settings = ApplySettings(lock_timeout=lock_timeout, lock_retries=3, lock_retry_delay="1s")
        t0 = time.monotonic()
        outcome = "applied"
        try:
            apply_plan(dsn, plan, settings=settings)
        except SchemaDiffError as exc:
            outcome = f"refused: {str(exc).splitlines()[0][:60]}"
        apply_s = time.monotonic() - t0
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
        releaser.join()
        holder.close()
        every = sorted(x for part in lat for x in part)
        return {"lock_timeout": lock_timeout or "none", "hold_s": hold, "apply_s": round(apply_s, 2),
                "outcome": outcome, "reads": len(every), "worst_read_s": round(every[-1], 3),
                "p99_read_s": round(every[int(len(every) * 0.99) - 1], 4),
                "median_read_ms": round(statistics.median(every) * 1000, 2),
                "reads_over_100ms": sum(x > 0.1 for x in every)}
    finally:
        drop_database(admin, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dsn", help="admin DSN of a server (default: a throwaway embedded PostgreSQL)")
    ap.add_argument("--hold", type=float, default=20.0, help="seconds the holder keeps its lock (the unbounded cap)")
    ap.add_argument("--timeouts", nargs="+", default=["0", "1s", "5s"], help="lock_timeout values; 0 = unbounded")
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    admin = args.dsn
    if admin is None:
        admin = start_server(Path(tempfile.mkdtemp(prefix="bench-lockwait-")) / "pgdata",
                             delete_on_exit=True).get_uri("postgres")
    results = []
    print("| lock_timeout | holder keeps its lock | apply | apply time | reads | median read | p99 read "
          "| worst read | reads > 100 ms |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for timeout in args.timeouts:
        r = measure(admin, None if timeout in ("0", "none") else timeout, args.hold, args.readers)
        results.append(r)
        print(f"| {r['lock_timeout']} | {r['hold_s']:g} s | {r['outcome']} | {r['apply_s']} s | {r['reads']} "
              f"| {r['median_read_ms']} ms | {r['p99_read_s']} s | **{r['worst_read_s']} s** "
              f"| {r['reads_over_100ms']} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
