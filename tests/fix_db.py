"""Real PostgreSQL for the tests: a throwaway embedded server, or SCHEMADIFF_TEST_DSN.

Why a module of its own: every test that touches a database goes through the
same two fixtures, so pointing the whole suite at another server (PostgreSQL 15
in CI) is one environment variable.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
import pytest

from schemadiff.embedded import drop_database, env_flag, scratch_database, start_server


class PgServer:
    """One server for the session; each test gets databases of its own."""

    def __init__(self, admin_dsn: str, *, throwaway: bool):
        self.admin_dsn = admin_dsn
        # Each DROP DATABASE forces a checkpoint: dropping the ~2,000 databases of a run at the end
        # took 100-165 s per test process.  A throwaway cluster is deleted whole instead.
        self.throwaway = throwaway
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            self.version_num = int(conn.execute("SHOW server_version_num").fetchone()[0])
            self.version = conn.execute("SHOW server_version").fetchone()[0]
        self._made: list[str] = []

    def create_database(self, sql: str = "") -> str:
        """A new empty database (optionally loaded with `sql`); returns its DSN."""
        name, dsn = scratch_database(self.admin_dsn)
        self._made.append(name)
        if sql.strip():
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(sql)
        return dsn

    def drop_all(self) -> None:
        if self.throwaway:
            return
        for name in self._made:
            drop_database(self.admin_dsn, name)
        self._made.clear()


def _start() -> PgServer:
    dsn = os.environ.get("SCHEMADIFF_TEST_DSN")
    if dsn:
        # SCHEMADIFF_TEST_THROWAWAY=1: the server is deleted after the run (CI), so leave its databases.
        return PgServer(dsn, throwaway=env_flag("SCHEMADIFF_TEST_THROWAWAY"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    pgdata = Path(tempfile.mkdtemp(prefix=f"schemadiff-test-{worker}-")) / "pgdata"
    server = start_server(pgdata, delete_on_exit=True)
    admin = server.get_uri("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        # Durability buys nothing for throwaway databases.
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
            conn.execute(f"ALTER SYSTEM SET {setting}")
        conn.execute("SELECT pg_reload_conf()")
    return PgServer(admin, throwaway=True)


@pytest.fixture(scope="session")
def pg() -> PgServer:
    server = _start()
    yield server
    server.drop_all()


@pytest.fixture
def db(pg: PgServer) -> str:
    """DSN of a fresh, empty database."""
    return pg.create_database()
