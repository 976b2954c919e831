"""Verified plans over the conformance corpora: does `plan --verify` tell converging plans from
the others?

    python bench/verify_sweep.py [--jobs 3] [--limit N] [--out bench/verify_sweep.json] CORPUS.jsonl...

Runs ../shared/tools/converge.py with this script as the tool: each plan is rehearsed
(verify_plan, on one scratch server for the whole sweep via $SCHEMADIFF_SCRATCH_URL), its
verdict written as the plan's first line (`-- verify: ...`, a comment, so the plan applies as
before), then converge applies the plan for real and judges it. Each direction lands in one of:

- verified + converged: the rehearsal vouched for a plan that works;
- caught: the rehearsal rejected a plan that indeed does not converge;
- false alarm: rejected, but the plan converges (a bug in verify);
- missed: vouched for, but the plan does not converge (a bug in verify, or drift that only
  converge's fingerprint sees);
- nothing to verify: the plan was empty, or planning itself failed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONVERGE = ROOT.parent / "shared" / "tools" / "converge.py"


def tool(schema: str, db: str) -> int:
    """One plan, as `schemadiff plan --verify` makes it, with the verdict as a comment on top."""
    from schemadiff.errors import SchemaDiffError
    from schemadiff.load import load_catalogs
    from schemadiff.plan import plan_migration
    from schemadiff.render.text import plan_sql
    from schemadiff.verify import VerifyError, verify_plan
    try:
        current, desired = load_catalogs([Path(schema)], db)
        plan = plan_migration(current, desired)
        if not plan:
            return 0
        try:
            verify_plan(db, plan, desired, keep=lambda qn: True, progress=lambda m: None)
            verdict = "verified"
        except VerifyError as exc:
            verdict = "rejected: " + " ".join(str(exc).split())[:300]
        print(f"-- verify: {verdict}")
        print(plan_sql(plan), end="")
        return 0
    except SchemaDiffError as exc:
        print(f"schemadiff: error: {exc}", file=sys.stderr)
        return 2


def classify(result: dict) -> str:
    first = (result.get("plan") or "").split("\n", 1)[0]
    if not first.startswith("-- verify: "):
        return "nothing to verify"
    verified = first == "-- verify: verified"
    converged = result["verdict"] == "pass"
    if verified:
        return "verified + converged" if converged else "missed"
    return "false alarm" if converged else "caught"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "tool":
        sys.exit(tool(sys.argv[2], sys.argv[3]))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="+")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--filter", action="append", default=[], help="only cases whose id contains this (repeatable)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "verify_sweep.json")
    ap.add_argument("--results", type=Path, help="classify an earlier run's converge --out file instead")
    a = ap.parse_args()
    if a.results is None:
        from schemadiff.embedded import start_server
        server = start_server(Path(tempfile.mkdtemp(prefix="schemadiff-sweep-")) / "pgdata", delete_on_exit=True)
        env = {**os.environ, "SCHEMADIFF_SCRATCH_URL": server.get_uri("postgres")}
        a.results = Path(tempfile.mkdtemp(prefix="sweep-")) / "converge.json"
        cmd = [sys.executable, str(CONVERGE), "--cmd", f"{sys.executable} {Path(__file__).resolve()} tool {{schema}} {{db}}",
               "--jobs", str(a.jobs), "--out", str(a.results), *(["--limit", str(a.limit)] if a.limit else []),
               *[x for f in a.filter for x in ("--filter", f)],
               *a.corpora]
        subprocess.run(cmd, env=env, check=False)
    results = json.loads(a.results.read_text())
    results = results["results"] if isinstance(results, dict) else results
    counts = Counter(classify(r) for r in results)
    bad = [{"case": f"{r['corpus']}/{r['case_id']}", "direction": r["direction"], "class": classify(r),
            "converge": r["verdict"], "verify": (r.get("plan") or "").split("\n", 1)[0]}
           for r in results if classify(r) in ("false alarm", "missed")]
    summary = {"directions": len(results), "counts": dict(counts), "wrong": bad}
    a.out.write_text(json.dumps(summary, indent=2) + "\n")
    for k, v in sorted(counts.items()):
        print(f"{k:>22}: {v}")
    print(f"verify sweep: {len(bad)} wrong verdict(s) out of "
          f"{sum(v for k, v in counts.items() if k != 'nothing to verify')} verified plan(s)")


if __name__ == "__main__":
    main()
