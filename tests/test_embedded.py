"""The embedded server's first use on a fresh machine, where the suite's workers start at once."""
from __future__ import annotations

import os
import pwd
import subprocess
import sys
import uuid

import pytest

from schemadiff.embedded import ensure_system_user

pytestmark = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                                reason="only root creates the server's system user")

_RACE = """
import sys
from schemadiff.embedded import ensure_system_user
print(ensure_system_user(sys.argv[1]))
"""


@pytest.fixture
def fresh_user():
    name = f"sdtest_{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["userdel", name], capture_output=True)


def test_concurrent_first_use_creates_the_user_once(fresh_user):
    procs = [subprocess.Popen([sys.executable, "-c", _RACE, fresh_user], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, [err for _, err in results]
    uids = {int(out) for out, _ in results}
    assert uids == {pwd.getpwnam(fresh_user).pw_uid}
    with open("/etc/passwd") as passwd:
        assert sum(line.startswith(fresh_user + ":") for line in passwd) == 1


def test_existing_user_is_reused(fresh_user):
    first = ensure_system_user(fresh_user)
    assert ensure_system_user(fresh_user) == first > 0
