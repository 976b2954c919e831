"""Migration folders of real projects as schemadiff's source (issue 18): measured, not kept.

For each project of PROJECTS, at its pinned commit:
  built    a database built by running the migrations in order (as the migration tool would),
           after `setup` (the tool's own bookkeeping table, which `exclude` leaves out);
  parse    the folder read in file order (sources.py "files"): ok, or how many problems;
  mode     "files" when it reads in file order and plans nothing against `built`
           (files_vs_built = 0), else "replay" (run on a throwaway database, read back);
           everything below uses that mode;
  replay_vs_built  the replayed folder planned against `built`: steps (expected 0);
  from_empty       plan from an empty database, applied in one transaction (stops at the first
                   error), re-planned: steps (expected 0);
  pairs    the first K-10 vs K-5, K-5 vs K, K-40 vs K migrations (K = all), both directions: a
           database built with one prefix, planned to the other's, applied, re-planned; or
           "refused" when its live rows make a step fail (checked before apply, as `apply` does).

A project whose migrations create an extension the server lacks is skipped with that reason:
give --url an admin URL of a server that has it (replays then run there too).  Lemmy's one
adaptation to the servers at hand is listed in PROJECTS and reported in the results.

The folders are other projects' work: extract them from local clones (or bare git directories)
into a directory of your choice, outside the repository:

    python bench/migration_folders.py --repo harbor=/path/to/harbor.git --repo documenso=... \
        --work /tmp/mg-folders [--url ADMIN_URL] [--only NAME]
    python bench/migration_folders.py --table      # the markdown table of bench/README.md

Results go to bench/results_migration_folders.json (merged by project) and are printed.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from schemadiff.apply import apply_plan  # noqa: E402
from schemadiff.cli.config import exclusion  # noqa: E402
from schemadiff.embedded import drop_database, scratch_database, start_owned_server  # noqa: E402
from schemadiff.errors import SchemaDiffError  # noqa: E402
from schemadiff.introspect.catalog import inspect_database  # noqa: E402
from schemadiff.plan import plan_migration  # noqa: E402
from schemadiff.plan.live_checks import with_row_checks  # noqa: E402
from schemadiff.replay import run_file  # noqa: E402
from schemadiff.sources import Source, declared_catalog, schema_files  # noqa: E402

GOLANG_MIGRATE_TABLE = ("CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);\n")

DIESEL_TABLE = ("CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version varchar(50) PRIMARY KEY NOT NULL, "
                "run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);\n")

PROJECTS = {
    "harbor": {"repo": "goharbor/harbor", "commit": "c50c7ddd6ea4", "dir": "make/migrations/postgresql",
               "migrations": "*.up.sql", "order": "numeric", "setup": GOLANG_MIGRATE_TABLE,
               "exclude": ["schema_migrations"], "needs": []},
    "documenso": {"repo": "documenso/documenso", "commit": "75330166cc00", "dir": "packages/prisma/migrations",
                  "migrations": "*/migration.sql", "order": "name", "setup": "", "exclude": ["_prisma_migrations"],
                  "needs": ["pgcrypto"]},
    "lemmy": {"repo": "LemmyNet/lemmy", "commit": "439734dd638a", "dir": "migrations",
              "migrations": "*/up.sql", "order": "name", "setup": DIESEL_TABLE, "exclude": ["__diesel_schema_migrations"],
              "needs": ["ltree", "pg_trgm"],
              # lemmy needs PostgreSQL 16+ (a subquery in FROM without an alias) and creates pgcrypto,
              # which the embedded PostgreSQL 18 does not ship (and the Debian 15 server is too old).
              # It calls no pgcrypto function (gen_random_uuid() is core since 13): that one line is
              # taken out, and the results say so.
              "adapt": [("2021-09-20-112945_jwt-secret/up.sql", "CREATE EXTENSION IF NOT EXISTS pgcrypto;",
                         "-- (bench) CREATE EXTENSION IF NOT EXISTS pgcrypto; -- uses none of it")]},
    "authelia": {"repo": "authelia/authelia", "commit": "23572030b404", "dir": "internal/storage/migrations/postgres",
                 "migrations": "*.up.sql", "order": "numeric", "setup": "", "exclude": ["migrations"], "needs": []},
}


def extract(name: str, git_dir: str, work: Path) -> Path:
    p = PROJECTS[name]
    out = work / name
    listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", p["commit"], p["dir"] + "/"],
                             check=True, capture_output=True, text=True).stdout.split()
    for path in listing:
        if not path.endswith(".sql"):
            continue
        text = subprocess.run(["git", "--git-dir", git_dir, "show", f"{p['commit']}:{path}"],
                              check=True, capture_output=True).stdout
        target = out / "migrations" / Path(path).relative_to(p["dir"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
    return out


class Bench:
    def __init__(self, admin: str, folder: Path, p: dict):
        self.admin = admin
        self.setup = (folder / "setup.sql",)
        self.files_source = Source("files", p["migrations"], p["order"])
        self.replay_source = Source("replay", p["migrations"], p["order"], self.setup)
        self.files = schema_files([folder / "migrations"], self.files_source)
        self.keep = exclusion(p["exclude"])
        self.made: list[str] = []

    def build(self, files) -> str:
        name, dsn = scratch_database(self.admin)
        self.made.append(name)
        with psycopg.connect(dsn, autocommit=True) as conn:
            for f in [*self.setup, *files]:
                run_file(conn, self.admin, f)
        return dsn

    def replayed(self, files):
        return declared_catalog(files, self.replay_source).filtered(self.keep)

    def parsed(self, files):
        return declared_catalog(files, self.files_source, ignore_data_statements=True).filtered(self.keep)

    def plan(self, dsn: str, desired):
        return plan_migration(inspect_database(dsn).filtered(self.keep), desired)

    def converge(self, dsn: str, desired) -> dict:
        # As `apply` does: the live rows are checked first, and a step they would make fail is refused.
        plan = with_row_checks(self.plan(dsn, desired), dsn)
        out = {"steps": len(plan.steps)}
        if plan.failing_steps:
            out["refused"] = [f"{s.sql.splitlines()[0][:120]} -- {h.reason}"
                              for s in plan.failing_steps for h in s.hazards if h.kind == "will-fail"]
            return out
        try:
            apply_plan(dsn, plan)
        except SchemaDiffError as exc:
            out["apply_error"] = str(exc).splitlines()[-1][:300]
            return out
        again = self.plan(dsn, desired)
        out["replan"] = len(again.steps)
        if again.steps:
            out["left"] = [s.sql.splitlines()[0][:160] for s in again.steps[:5]]
        return out

    def cleanup(self) -> None:
        for name in self.made:
            drop_database(self.admin, name)


def adapt(name: str, folder: Path) -> list[str]:
    """The project's listed one-line adaptations to the bench's servers (idempotent), as said in results."""
    done = []
    for rel, old, new in PROJECTS[name].get("adapt", ()):
        f = folder / "migrations" / rel
        text = f.read_text()
        if old in text and new not in text:
            f.write_text(text.replace(old, new))
        done.append(f"{rel}: {old!r} -> {new!r}")
    return done


def server_version(admin: str) -> str:
    with psycopg.connect(admin) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


def missing_extensions(admin: str, names: list[str]) -> list[str]:
    with psycopg.connect(admin) as conn:
        there = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
    return [n for n in names if n not in there]


def measure(name: str, folder: Path, admin: str) -> dict:
    p = PROJECTS[name]
    b = Bench(admin, folder, p)
    k = len(b.files)
    r: dict = {"project": f"{p['repo']}@{p['commit']}", "migrations": k,
               "server": server_version(admin)}
    (folder / "setup.sql").write_text(p["setup"] or "-- nothing\n")  # what the migration tool makes first
    if p.get("adapt"):
        r["adapted"] = adapt(name, folder)
    missing = missing_extensions(admin, p["needs"])
    if missing:
        r["skipped"] = (f"the server lacks extension(s) {', '.join(missing)} the migrations create: "
                        f"run with --url of a server that has them")
        return r
    t0 = time.monotonic()
    try:
        built = b.build(b.files)
        # File order when the folder reads statically and means what running it built; else replay.
        desired = b.replayed
        try:
            parsed = b.parsed(b.files)
            r["parse"] = "ok"
            r["files_vs_built"] = len(b.plan(built, parsed).steps)
            if r["files_vs_built"] == 0:
                desired = b.parsed
        except SchemaDiffError as exc:
            r["parse"] = f"{len(getattr(exc, 'problems', [None]))} problem(s); first: {str(exc).splitlines()[0][:200]}"
        r["mode"] = "files" if desired == b.parsed else "replay"
        everything = desired(b.files)
        r["replay_vs_built"] = len(b.plan(built, b.replayed(b.files)).steps)
        name_, empty = scratch_database(admin)
        b.made.append(name_)
        r["from_empty"] = b.converge(empty, everything)
        pairs = {}
        for lo, hi in ((k - 10, k - 5), (k - 5, k), (k - 40, k)):
            lo = max(lo, 1)
            for a, z in ((lo, hi), (hi, lo)):
                pairs[f"{a}->{z}"] = b.converge(b.build(b.files[:a]), desired(b.files[:z]))
        r["pairs"] = pairs
    except SchemaDiffError as exc:
        r["error"] = str(exc)[:500]
    finally:
        b.cleanup()
    r["seconds"] = round(time.monotonic() - t0, 1)
    return r


def table(results: dict) -> str:
    """The README's table: one row per project."""
    def cell(r: dict | None) -> str:
        if r is None:
            return "-"
        if "refused" in r:
            return f"{r['steps']} / refused ({len(r['refused'])} step(s): rows)"
        if "apply_error" in r:
            return f"{r['steps']} / apply failed"
        return f"{r['steps']} / {r['replan']}"
    rows = ["| project | migrations | server | mode | replay vs built | from empty | pairs (steps / re-plan) | time |",
            "|---|---:|---|---|---:|---|---|---:|"]
    for name, r in results.items():
        if "error" in r or "skipped" in r:
            rows.append(f"| {r['project']} | {r['migrations']} | {r.get('server', '')} | | | "
                        f"{r.get('error') or r['skipped']} | | |")
            continue
        pairs = "; ".join(f"{k}: {cell(v)}" for k, v in r["pairs"].items())
        rows.append(f"| {r['project']} | {r['migrations']} | {r['server']} | {r['mode']} | {r['replay_vs_built']} "
                    f"| {cell(r['from_empty'])} | {pairs} | {r['seconds']:.0f} s |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", action="append", default=[], metavar="NAME=GITDIR")
    ap.add_argument("--work", type=Path, help="where the folders are (or are extracted to)")
    ap.add_argument("--url", help="admin URL of a server for the throwaway databases (default: an embedded one)")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--table", action="store_true", help="print the results as a markdown table and stop")
    args = ap.parse_args()
    results_path = HERE / "results_migration_folders.json"
    if args.table:
        print(table(json.loads(results_path.read_text())))
        return
    if args.work is None:
        ap.error("--work is required")
    for spec in args.repo:
        name, git_dir = spec.split("=", 1)
        extract(name, git_dir, args.work)
    admin = args.url or start_owned_server("schemadiff-bench-folders-").get_uri("postgres")
    import os
    os.environ["SCHEMADIFF_SCRATCH_URL"] = admin  # replays on the same server
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    for name in args.only or list(PROJECTS):
        folder = args.work / name
        if not (folder / "migrations").is_dir():
            print(f"{name}: not extracted (pass --repo {name}=GITDIR)", file=sys.stderr)
            continue
        results[name] = measure(name, folder, admin)
        print(json.dumps({name: results[name]}, indent=1))
        results_path.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
