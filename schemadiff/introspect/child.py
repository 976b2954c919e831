"""`python -m schemadiff.introspect.child`: read one live schema and send it back pickled.

Why a command and not multiprocessing: multiprocessing's "spawn" re-imports the caller's
main module in the child, which breaks any script that calls schemadiff without an
`if __name__ == "__main__"` guard, and "fork" is unsafe in a process that may hold threads.
The DSN (and the lock_timeout of the read) comes on standard input, as JSON, never on the command line, where `ps` would show its
password. The answer is one pickle on standard output: (True, LiveSchema), or (False, the
SchemaDiffError to raise), or (False, the traceback text of a bug).
"""
from __future__ import annotations

import json
import pickle
import sys
import traceback


def main() -> None:
    from ..errors import SchemaDiffError
    from .catalog import read_database
    request = json.loads(sys.stdin.read())
    answer: tuple[bool, object]  # the schema, the user's error, or a bug's traceback
    try:
        answer = (True, read_database(request["dsn"], request["lock_timeout"]))
    except SchemaDiffError as exc:  # the user's to read: sent as it is
        answer = (False, exc)
    except BaseException:  # a bug: its traceback goes with it
        answer = (False, traceback.format_exc())
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
