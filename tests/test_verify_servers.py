"""Rehearsal servers (verify.py) are stopped on every exit path: SIGTERM ends the owning process
through its exit handlers, and the server of a process killed with SIGKILL is reaped by the next start.

Each case starts an embedded server of its own (a few seconds each), so these live apart from the
fault-injection suite (test_safety.py) to keep that one quick.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg

from test_safety import ROOT, record

_OWNED = """
import sys, time
from schemadiff.cli.main import _sigterm_as_interrupt
from schemadiff.embedded import start_owned_server
with _sigterm_as_interrupt():
    server = start_owned_server(sys.argv[1])
    print(server.get_uri("postgres"), flush=True)
    try:
        time.sleep(120)
    except KeyboardInterrupt:
        sys.exit(2)
"""


def _postmaster_pid(uri: str) -> int:
    with psycopg.connect(uri) as conn:
        data = conn.execute("SHOW data_directory").fetchone()[0]
    return int((Path(data) / "postmaster.pid").read_text().splitlines()[0])


def test_rehearsal_servers_stop_on_sigterm_and_are_reaped_after_kill_9(tmp_path):
    import tempfile

    from schemadiff.embedded import _alive, reap_stale_servers
    prefix = f"schemadiff-test-owned-{uuid.uuid4().hex[:6]}-"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    dirs = lambda: list(Path(tempfile.gettempdir()).glob(f"{prefix}*"))  # noqa: E731
    for how in (signal.SIGTERM, signal.SIGKILL):
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", _OWNED, prefix], env=env, stdout=subprocess.PIPE, text=True)
        postmaster = _postmaster_pid(proc.stdout.readline().strip())
        assert len(dirs()) == 1
        proc.send_signal(how)
        proc.wait(60)
        if how == signal.SIGKILL:
            assert _alive(postmaster) and len(dirs()) == 1  # nothing ran in the killed process
            assert len(reap_stale_servers(prefix)) == 1
        deadline = time.monotonic() + 10
        while _alive(postmaster):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert dirs() == []
        record(f"rehearsal server, owner ended by {how.name}",
               "server stopped, directory removed" + (" (by the next start's reaping)" if how == signal.SIGKILL
                                                      else ""), time.monotonic() - t0)


