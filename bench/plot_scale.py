"""Plot bench/results.json (from bench_plan.py) into docs/performance-scale.png.

    python bench/plot_scale.py [--json bench/results.json] [--out docs/performance-scale.png]

Left: wall time against N on log-log axes, with a dotted line of slope 1 through the first
point of `schemadiff plan`: a stage that grows faster than linearly bends away from it.
Right: peak memory of `schemadiff plan` (its process tree) against N.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SERIES = [("cli_s", "schemadiff plan (end to end)", "o-"), ("parse_s", "parse files", "s--"),
          ("introspect_s", "introspect", "^--"), ("diff_s", "diff", "v--"), ("plan_s", "plan", "x--"),
          ("pg_dump_s", "pg_dump --schema-only", "d:"), ("migra_s", "migra", "P-")]


def _number(value) -> float | None:
    return value if isinstance(value, (int, float)) else None


def plot(results: list[dict], out: Path) -> None:
    ns = [r["tables"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    for key, label, style in SERIES:
        points = [(r["tables"], _number(r.get(key))) for r in results if _number(r.get(key))]
        if points:
            left.plot(*zip(*points), style, label=label)
    first = results[0]
    left.plot(ns, [first["cli_s"] * n / ns[0] for n in ns], "k:", linewidth=0.8, label="linear in N")
    left.set(xscale="log", yscale="log", xlabel="tables", ylabel="seconds", title="Wall time")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    right.plot(ns, [r["cli_peak_rss_mb"] for r in results], "o-", label="schemadiff plan (process tree)")
    right.set(xscale="log", xlabel="tables", ylabel="MB", title="Peak resident memory")
    right.axhline(1024, color="r", linestyle=":", linewidth=0.8, label="1 GB target")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance-scale.png")
    a = ap.parse_args()
    plot(json.loads(a.json.read_text()), a.out)
    print(a.out)


if __name__ == "__main__":
    main()
