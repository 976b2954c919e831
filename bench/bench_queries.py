"""The learning platform's queries at data scale: each query of bench/queries/ on the new schema
and its legacy version on the legacy schema, side by side (databases made by bench/data_gen.py).

    python bench/bench_queries.py                 # lp_new and lp_legacy on the benchmark server (lp_server.py)
    python bench/bench_queries.py --db postgresql:///lp_new --legacy-db postgresql:///lp_legacy
    python bench/bench_queries.py ... --runs 30 --budget 60 --json bench/results_queries.json \\
        --explain-dir bench/explain --plot docs/performance-queries.png
    python bench/bench_queries.py --plot-only --json bench/results_queries.json --plot docs/performance-queries.png

For each query and database: a warm-up run, then timed runs on a warm connection, and one
EXPLAIN (ANALYZE, BUFFERS) saved as bench/explain/<query>.new.txt and .legacy.txt (on the
legacy database, whose queries take seconds to minutes, the EXPLAIN is the warm-up).  Timed
runs: --runs of them, or fewer when a query's runs exceed --budget seconds (at least
--min-runs).  A run is the wall time of sending the query text and fetching every row, planning
included (no prepared statements).  Reports median and p95 (nearest rank), the speed-up of the
medians, whether new and legacy give the same answer (a column summed over the rows), and for
queries over a time range the user_interactions partitions the plan reads, against the months
the range touches.

Queries are files with psql variables (:'name'): bench/queries/<side>/<query>.sql, except the
new side of the two reporting queries, which is read from docs/queries/ as the application runs
it, with now() replaced by :'now'::timestamptz.  The parameters are chosen from the data,
deterministically: "now" is the end of the generated data, the learner is the one with the
most sessions in the last 30 days, the course the one with the most interactions last month,
the video and the quiz those with the most views in the last 30 days.  Legacy ids are the
integers behind the new uuids (bench/README.md).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
QUERY_DIR = HERE / "queries"
DOCS_QUERY_DIR = HERE.parent / "docs" / "queries"
TARGET_MS = 50.0
TARGET_SPEEDUP = 10.0


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    kind: str                     # report (docs/queries), dashboard, reference (not a target)
    legacy: str                   # file name under queries/legacy/
    window: tuple[str, str] | None = None   # parameters bounding user_interactions.created_at
    check: str | None = None      # column summed over the rows to compare the two answers
    tolerance: float = 0.0        # relative difference of the sums still counted as the same answer


QUERIES: tuple[Query, ...] = (
    Query("learner_inactive", "Inactive learners (docs)", "report", "learner_inactive"),
    Query("top_videos_yesterday", "Top videos yesterday (docs)", "report", "top_videos_yesterday", check="views"),
    Query("learner_recent_activity", "Learner's recent activity", "dashboard", "learner_recent_activity",
          window=("window_start", "now")),
    Query("course_funnel", "Course completion funnel", "dashboard", "course_funnel", check="learners"),
    # From the daily rollup, which counts a session that crosses midnight on both days.
    Query("video_dropoff", "Video drop-off by position", "dashboard", "video_dropoff",
          check="sessions_reaching", tolerance=0.01),
    Query("quiz_difficulty", "Quiz item difficulty", "dashboard", "quiz_difficulty", check="answers"),
    Query("daily_active_learners", "Daily active learners (course)", "dashboard", "daily_active_learners",
          check="active_learners"),
    Query("course_daily_interactions", "Interactions per course per day", "dashboard",
          "course_daily_interactions", check="interactions"),
    Query("course_funnel_raw", "Funnel from raw events", "reference", "course_funnel",
          window=("month_start", "month_end"), check="learners"),
    Query("daily_active_learners_platform", "Daily active learners (platform)", "reference",
          "daily_active_learners_platform", window=("month_start", "month_end"), check="active_learners"),
)

_VARIABLE = re.compile(r":'(\w+)'")


def render(text: str, params: dict[str, str]) -> str:
    """Substitute psql variables :'name' with quoted literals (so the plan sees constants, and
    prunes partitions at plan time, as psql -v would)."""
    def literal(m: re.Match[str]) -> str:
        if m.group(1) not in params:
            raise KeyError(f"query parameter {m.group(1)!r} is not set")
        return "'" + str(params[m.group(1)]).replace("'", "''") + "'"
    return _VARIABLE.sub(literal, text)


_NOW = re.compile(r"\bnow\(\)")


def query_path(side: str, name: str) -> Path:
    """bench/queries/<side>/<name>.sql, or for the new side of a report docs/queries/<name>.sql."""
    own = QUERY_DIR / side / f"{name}.sql"
    docs = DOCS_QUERY_DIR / f"{name}.sql"
    return docs if side == "new" and not own.exists() and docs.exists() else own


def read_query(side: str, name: str) -> str:
    """The query's text.  A docs query is run as the application runs it, with now() pinned to
    the :'now' parameter (the end of the data), the only change."""
    path = query_path(side, name)
    text = path.read_text(encoding="utf-8")
    if path.parent == DOCS_QUERY_DIR:
        text, found = _NOW.subn(":'now'::timestamptz", text)
        if not found:
            raise ValueError(f"{path}: no now() to pin to the end of the data")
    return text


def same_answer(query: Query, new: float | None, legacy: float | None) -> bool:
    """Whether the two sums of query.check agree (exactly, or within query.tolerance)."""
    if new is None or legacy is None:
        return new == legacy
    return abs(new - legacy) <= query.tolerance * max(abs(new), abs(legacy))


# ---------------------------------------------------------------------------------------------
# Parameters

def _one(conn: psycopg.Connection, query: str, args: Iterable[object] = ()) -> object:
    row = conn.execute(query, tuple(args)).fetchone()
    if row is None or row[0] is None:
        raise SystemExit(f"bench: no data for a parameter: {query.split(chr(10))[0]} ...")
    return row[0]


def choose_params(new: psycopg.Connection) -> tuple[dict[str, str], dict[str, str]]:
    """(parameters of the new queries, of the legacy ones), chosen from the new database."""
    now = _one(new, "SELECT max(period_end) FROM aggregated_analytics WHERE entity_type = 'course' AND granularity = 'day'")
    assert isinstance(now, dt.datetime)
    now = now.astimezone(dt.timezone.utc)
    window_start = now - dt.timedelta(days=30)
    month_end = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month_start = (month_end - dt.timedelta(days=1)).replace(day=1)
    yesterday = (now - dt.timedelta(days=1)).date()
    learner = _one(new, "SELECT user_id FROM user_sessions WHERE started_at >= %s AND started_at < %s "
                        "GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1", (window_start, now))
    course = _one(new, "SELECT entity_id FROM aggregated_analytics WHERE entity_type = 'course' "
                       "AND metric_name = 'interactions' AND granularity = 'month' AND period_start = %s "
                       "ORDER BY metric_value DESC, entity_id LIMIT 1", (month_start,))
    popular = ("SELECT cem.content_id FROM content_engagement_metrics AS cem "
               "JOIN content_items AS ci ON ci.id = cem.content_id {join} "
               "WHERE ci.content_type = %s AND cem.metric_date >= %s AND cem.metric_date < %s "
               "GROUP BY cem.content_id ORDER BY sum(cem.views) DESC, cem.content_id LIMIT 1")
    video = _one(new, popular.format(join=""), ("video", window_start.date(), now.date()))
    quiz = _one(new, popular.format(join="JOIN quiz_content AS qc ON qc.content_id = ci.id AND qc.quiz_type <> 'survey'"),
                ("quiz", window_start.date(), now.date()))

    def legacy_id(kind: str, table: str, uuid: object) -> int:
        return int(_one(new, f"SELECT n FROM generate_series(1, (SELECT count(*) FROM {table})) AS n "
                             f"WHERE md5('learning-platform/{kind}/' || n::text)::uuid = %s", (uuid,)))

    def course_of(content: object) -> int:
        return int(_one(new, "SELECT (c.metadata ->> 'legacy_course_id')::integer FROM content_items AS ci "
                             "JOIN course_modules AS cm ON cm.id = ci.module_id JOIN courses AS c ON c.id = cm.course_id "
                             "WHERE ci.id = %s", (content,)))

    iso = lambda t: t.isoformat(sep=" ")  # noqa: E731
    common = {"now": iso(now), "window_start": iso(window_start), "month_start": iso(month_start),
              "month_end": iso(month_end), "yesterday": yesterday.isoformat()}
    new_params = {**common, "learner_id": str(learner), "course_id": str(course), "video_id": str(video),
                  "quiz_id": str(quiz)}
    legacy_params = {**common,
                     "now_date": now.date().isoformat(), "window_start_date": window_start.date().isoformat(),
                     "month_start_date": month_start.date().isoformat(), "month_end_date": month_end.date().isoformat(),
                     "learner_id": str(legacy_id("user", "users", learner)),
                     "course_id": str(_one(new, "SELECT metadata ->> 'legacy_course_id' FROM courses WHERE id = %s",
                                           (course,))),
                     "video_id": str(legacy_id("content", "content_items", video)),
                     "course_of_video": str(course_of(video)),
                     "quiz_id": str(legacy_id("content", "content_items", quiz)),
                     "course_of_quiz": str(course_of(quiz))}
    return new_params, legacy_params


# ---------------------------------------------------------------------------------------------
# Plans

def _walk(node: dict) -> Iterable[dict]:
    yield node
    for child in node.get("Plans", ()):
        yield from _walk(child)


def scanned_partitions(conn: psycopg.Connection, text: str) -> tuple[list[str], int]:
    """(user_interactions partitions the plan reads, subplans removed at run time)."""
    plan = conn.execute("EXPLAIN (FORMAT JSON) " + text).fetchone()[0][0]["Plan"]
    names: set[str] = set()
    removed = 0
    for node in _walk(plan):
        rel = node.get("Relation Name", "")
        if rel.startswith("user_interactions_"):
            names.add(rel)
        removed += int(node.get("Subplans Removed", 0))
    return sorted(names), removed


def expected_partitions(start: str, end: str) -> list[str]:
    """The monthly partitions a half-open range [start, end) touches."""
    lo = dt.datetime.fromisoformat(start)
    hi = dt.datetime.fromisoformat(end) - dt.timedelta(microseconds=1)
    out, y, m = [], lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        out.append(f"user_interactions_p{y:04d}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def explain_analyze(conn: psycopg.Connection, text: str) -> str:
    return "\n".join(r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + text).fetchall())


# ---------------------------------------------------------------------------------------------
# Runs

def _percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def _sum_column(cur: psycopg.Cursor, rows: list[tuple], column: str | None) -> float | None:
    if column is None or not rows:
        return None
    names = [d.name for d in cur.description]
    i = names.index(column)
    return float(sum((r[i] or 0) for r in rows))


def time_query(conn: psycopg.Connection, text: str, runs: int, min_runs: int, budget: float,
               check: str | None) -> dict[str, object]:
    times: list[float] = []
    started = time.perf_counter()
    rows: list[tuple] = []
    answer = None
    while len(times) < runs and (len(times) < min_runs or time.perf_counter() - started < budget):
        with conn.cursor() as cur:
            t0 = time.perf_counter()
            cur.execute(text)
            rows = cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
            answer = _sum_column(cur, rows, check)
    ordered = sorted(times)
    return {"runs": len(times), "median_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(_percentile(ordered, 95), 3), "min_ms": round(ordered[0], 3),
            "max_ms": round(ordered[-1], 3), "rows": len(rows), "check": answer}


def run_benchmark(new_dsn: str, legacy_dsn: str | None, *, runs: int = 30, min_runs: int = 3, budget: float = 60.0,
                  explain_dir: Path | None = None, only: Iterable[str] = (), statement_timeout: str = "15min",
                  progress=lambda _: None) -> dict[str, object]:
    selected = [q for q in QUERIES if not only or q.name in set(only)]
    load_before = os.getloadavg()
    with psycopg.connect(new_dsn, autocommit=True, prepare_threshold=None) as new:
        new_params, legacy_params = choose_params(new)
        legacy = psycopg.connect(legacy_dsn, autocommit=True, prepare_threshold=None) if legacy_dsn else None
        try:
            for conn in filter(None, (new, legacy)):
                conn.execute(f"SET statement_timeout = '{statement_timeout}'")
            settings = {name: new.execute(f"SHOW {name}").fetchone()[0]
                        for name in ("server_version", "shared_buffers", "work_mem", "effective_cache_size",
                                     "max_parallel_workers_per_gather", "jit", "random_page_cost")}
            results = []
            for q in selected:
                entry: dict[str, object] = {"name": q.name, "title": q.title, "kind": q.kind}
                text = render(read_query("new", q.name), new_params)
                time_query(new, text, 1, 1, 0.0, None)  # warm-up, not counted
                if q.window is not None:
                    parts, removed = scanned_partitions(new, text)
                    expected = expected_partitions(new_params[q.window[0]], new_params[q.window[1]])
                    entry["partitions"] = {"scanned": parts, "expected": expected, "removed_at_run_time": removed,
                                           "pruned_as_expected": parts == expected}
                entry["new"] = time_query(new, text, runs, min_runs, budget, q.check)
                if explain_dir is not None:
                    (explain_dir / f"{q.name}.new.txt").write_text(
                        f"-- {q.title}: {query_path('new', q.name).relative_to(HERE.parent)}\n"
                        f"-- EXPLAIN (ANALYZE, BUFFERS) after the timed runs (warm cache)\n"
                        f"{text.strip()}\n\n{explain_analyze(new, text)}\n")
                progress(f"  {q.name} new: median {entry['new']['median_ms']} ms ({entry['new']['runs']} runs)")
                if legacy is not None:
                    ltext = render(read_query("legacy", q.legacy), legacy_params)
                    lplan = explain_analyze(legacy, ltext)  # also the warm-up: legacy runs take seconds to minutes
                    entry["legacy"] = time_query(legacy, ltext, runs, min_runs, budget, q.check)
                    if explain_dir is not None:
                        (explain_dir / f"{q.name}.legacy.txt").write_text(
                            f"-- {q.title}: bench/queries/legacy/{q.legacy}.sql\n"
                            f"-- EXPLAIN (ANALYZE, BUFFERS) before the timed runs, as their warm-up (cache as the "
                            f"previous query left it)\n{ltext.strip()}\n\n{lplan}\n")
                    entry["speedup"] = round(entry["legacy"]["median_ms"] / entry["new"]["median_ms"], 1)
                    if q.check is not None:
                        entry["same_answer"] = same_answer(q, entry["new"]["check"], entry["legacy"]["check"])
                        if entry["new"]["check"] != entry["legacy"]["check"] and entry["legacy"]["check"]:
                            entry["answer_difference"] = round(
                                entry["new"]["check"] / entry["legacy"]["check"] - 1, 5)
                    progress(f"  {q.name} legacy: median {entry['legacy']['median_ms']} ms "
                             f"({entry['legacy']['runs']} runs), speed-up {entry['speedup']}x")
                if q.kind != "reference":
                    entry["target_met"] = (entry["new"]["median_ms"] < TARGET_MS
                                           and entry.get("speedup", TARGET_SPEEDUP) >= TARGET_SPEEDUP)
                results.append(entry)
        finally:
            if legacy is not None:
                legacy.close()
    return {"measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "load_average_1_5_15": {"before": [round(x, 2) for x in load_before],
                                    "after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()},
            "settings": settings, "params": {"new": new_params, "legacy": legacy_params},
            "runs": runs, "min_runs": min_runs, "budget_s": budget, "queries": results}


# ---------------------------------------------------------------------------------------------
# Reports

def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 10_000:
        return f"{value / 1000:,.1f} s"
    if value >= 100:
        return f"{value:,.0f} ms"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def markdown_table(report: dict[str, object]) -> str:
    lines = ["| query | kind | new median | new p95 | legacy median | legacy p95 | speed-up | runs (new/legacy) "
             "| partitions read | same answer | target |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for e in report["queries"]:  # type: ignore[union-attr]
        new, legacy = e["new"], e.get("legacy") or {}
        parts = e.get("partitions")
        part_text = ("-" if parts is None else
                     ", ".join(p.removeprefix("user_interactions_") for p in parts["scanned"])
                     + ("" if parts["pruned_as_expected"] else " (expected " + ", ".join(parts["expected"]) + ")"))
        same = {True: "yes", False: "no"}.get(e.get("same_answer"), "-")
        if "answer_difference" in e:
            same += f" ({e['answer_difference']:+.2%})"
        target = {True: "met", False: "**missed**"}.get(e.get("target_met"), "(reference)")
        speed = f"{e['speedup']:,.0f}x" if e.get("speedup", 0) >= 10 else (f"{e['speedup']}x" if "speedup" in e else "-")
        lines.append(f"| {e['name']} | {e['kind']} | {_ms(new['median_ms'])} | {_ms(new['p95_ms'])} | "
                     f"{_ms(legacy.get('median_ms'))} | {_ms(legacy.get('p95_ms'))} | {speed} | "
                     f"{new['runs']}/{legacy.get('runs', '-')} | {part_text} | {same} | {target} |")
    return "\n".join(lines)


def plot(report: dict[str, object], path: Path) -> None:
    import matplotlib  # noqa: PLC0415 - optional, only for the figure
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    queries = [e for e in report["queries"] if "legacy" in e]  # type: ignore[union-attr]
    names = [e["name"] + (" *" if e["kind"] == "reference" else "") for e in queries]
    x = range(len(queries))
    fig, ax = plt.subplots(figsize=(12, 5.5))
    width = 0.38
    for offset, side, color in ((-width / 2, "new", "#2a7ab9"), (width / 2, "legacy", "#c8553d")):
        med = [e[side]["median_ms"] for e in queries]
        p95 = [e[side]["p95_ms"] for e in queries]
        ax.bar([i + offset for i in x], med, width, color=color, label=f"{side} schema, median")
        ax.errorbar([i + offset for i in x], med, yerr=[[0] * len(med), [p - m for p, m in zip(p95, med)]],
                    fmt="none", ecolor="black", capsize=3, linewidth=1, label="p95 (whisker)" if side == "new" else None)
        for i, (m, v) in enumerate(zip(med, p95)):
            ax.text(i + offset, v * 1.15, _ms(m), ha="center", va="bottom", fontsize=7, rotation=90)
    ax.axhline(TARGET_MS, color="gray", linestyle="--", linewidth=1)
    ax.text(-0.45, TARGET_MS * 1.12, "50 ms target", ha="left", fontsize=8, color="gray")
    ax.set_yscale("log")
    ax.set_ylabel("latency per query (ms, log scale)")
    ax.set_xticks(list(x))
    ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(top=max(e["legacy"]["p95_ms"] for e in queries) * 400)
    ax.set_title("Learning platform queries: new schema vs legacy (median, whisker to p95; * = reference)", fontsize=10)
    ax.legend(fontsize=8, loc="upper center", ncol=3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="the new-schema database (bench/data_gen.py --db); default: lp_new on the "
                                 "benchmark server (bench/lp_server.py), with lp_legacy as --legacy-db")
    ap.add_argument("--legacy-db", help="the legacy database (bench/data_gen.py --legacy-db)")
    ap.add_argument("--runs", type=int, default=30, help="timed runs per query and database (default 30)")
    ap.add_argument("--min-runs", type=int, default=3, help="at least this many, whatever the budget (default 3)")
    ap.add_argument("--budget", type=float, default=60.0,
                    help="stop timing a query after this many seconds once --min-runs are done (default 60)")
    ap.add_argument("--only", action="append", default=[], help="run only this query (repeatable)")
    ap.add_argument("--json", type=Path, help="write the results here (bench/results_queries.json)")
    ap.add_argument("--explain-dir", type=Path, help="write EXPLAIN (ANALYZE, BUFFERS) here (bench/explain)")
    ap.add_argument("--plot", type=Path, help="draw median/p95 per query here (docs/performance-queries.png)")
    ap.add_argument("--plot-only", action="store_true", help="redraw --plot and the table from --json, run nothing")
    a = ap.parse_args(argv)
    if a.plot_only:
        if a.json is None:
            ap.error("--plot-only needs --json")
        report = json.loads(a.json.read_text())
    else:
        from lp_server import urls_or_default
        a.db, a.legacy_db = urls_or_default(a.db, a.legacy_db)
        if a.explain_dir is not None:
            a.explain_dir.mkdir(parents=True, exist_ok=True)
        report = run_benchmark(a.db, a.legacy_db, runs=a.runs, min_runs=a.min_runs, budget=a.budget,
                               explain_dir=a.explain_dir, only=a.only,
                               progress=lambda m: print(m, file=sys.stderr, flush=True))
        if a.json is not None:
            a.json.write_text(json.dumps(report, indent=2, default=lambda o: float(o) if isinstance(o, Decimal) else str(o))
                              + "\n")
    if a.plot is not None:
        plot(report, a.plot)
    print(markdown_table(report))


if __name__ == "__main__":
    main()
