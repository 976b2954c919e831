"""Data steps: the SQL a schema diff cannot infer, run between the expand and contract phases.

Why: a diff knows that a table appears and another one goes, never how rows move from
one to the other.  A data step is a plain SQL file that does it, kept next to the schema
in version control, run once per database and recorded, so that

- a step never runs twice (its name is the key of ``schemadiff.data_steps``);
- a step that was edited after it ran is an error, not a silent divergence (checksum);
- a failed step leaves nothing behind: it runs in one transaction with its record;
- what a step promised can be checked afterwards, and again later (``.verify.sql``).

Files, in one directory (``migrations/`` by default)::

    0001_split_names.sql            the step; runs in number order
    0001_split_names.verify.sql     optional: queries that must return no row

Header comments, anywhere in the file's leading comment block::

    -- schemadiff: phase=between            before-expand | between (default) | before-contract
    -- schemadiff: transaction=false        run statement by statement, outside a transaction

The phase only matters to ``schemadiff migrate``, which interleaves steps with the DDL:
before-expand steps, expand, between steps, verification, before-contract steps, contract.
Every row a verification query returns is a violation, reported with the query's leading
comment as its description.  A step's verification is recorded (``verified_at``) when it
passes, so ``migrate`` verifies each step once, right after it ran, even when it is
resumed later.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

import psycopg

from .connect import connect, scalar
from .errors import DataStepError, DataStepFailed, VerificationFailed

PHASES = ("before-expand", "between", "before-contract")
DEFAULT_PHASE = "between"
DEFAULT_DIR = "migrations"
TABLE = "schemadiff.data_steps"
MAX_ROWS_REPORTED = 20  # per verification query; the rest are counted

# A fixed advisory lock key: two runs against one database never interleave.
_LOCK_KEY = 0x5CD1FF_DA7A

_STEP_FILE = re.compile(r"^(?P<number>\d+)_(?P<slug>[A-Za-z0-9][A-Za-z0-9_-]*)\.sql$")
_VERIFY_FILE = re.compile(r"^(?P<stem>\d+_[A-Za-z0-9][A-Za-z0-9_-]*)\.verify\.sql$")
_HEADER = re.compile(r"^--\s*schemadiff:\s*(?P<body>.*)$")
_TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|END|ABORT)\b", re.I)

_DDL = f"""
CREATE SCHEMA IF NOT EXISTS schemadiff;
CREATE TABLE IF NOT EXISTS {TABLE} (
    name         text PRIMARY KEY,
    checksum     text NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now(),
    seconds      numeric NOT NULL,
    verified_at  timestamptz
);
COMMENT ON TABLE {TABLE} IS 'Data steps applied to this database by schemadiff data run / schemadiff migrate: one row per step file, never run twice.';
"""


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a script, with the line it starts on (1-based) and its leading comment."""

    sql: str
    line: int
    comment: str = ""

    @property
    def summary(self) -> str:
        first = next((ln.strip() for ln in self.sql.splitlines() if ln.strip()), "")
        return first if len(first) <= 100 else first[:97] + "..."


@dataclass(frozen=True, slots=True)
class DataStep:
    """A step file: its name is the file name without `.sql`; its number orders it."""

    name: str
    number: int
    path: Path
    checksum: str
    phase: str = DEFAULT_PHASE
    transactional: bool = True
    verify_path: Path | None = None

    def statements(self) -> list[Statement]:
        return split_statements(self.path.read_text())

    def verify_queries(self) -> list[Statement]:
        return split_statements(self.verify_path.read_text()) if self.verify_path else []


@dataclass(frozen=True, slots=True)
class AppliedStep:
    """A row of schemadiff.data_steps."""

    name: str
    checksum: str
    applied_at: datetime
    seconds: Decimal
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class StepStatus:
    """A step file next to its record: applied, pending, changed (edited after it ran) or missing (file gone)."""

    name: str
    state: str
    step: DataStep | None
    applied: AppliedStep | None


@dataclass(frozen=True, slots=True)
class Violation:
    """One row returned by a verification query."""

    step: str
    location: str  # file:line of the query
    description: str  # the query's leading comment, or its first line
    row: tuple[tuple[str, object], ...]

    def __str__(self) -> str:
        values = ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in self.row)
        return f"{self.location}: {self.description}: {values}"


@dataclass(frozen=True, slots=True)
class StepRun:
    step: DataStep
    seconds: float


# -- files -----------------------------------------------------------------------------------------

def checksum(path: Path) -> str:
    """sha256 of the file with line endings normalized (a checkout with CRLF is the same step)."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def split_statements(text: str) -> list[Statement]:
    """The statements of a script (PostgreSQL's own scanner through pglast: dollar quotes, comments)."""
    from pglast import split
    out: list[Statement] = []
    for sl in split(text, with_parser=False, only_slices=True):
        raw = text[sl]
        body_offset = _skip_comments(raw)
        body = raw[body_offset:].strip()
        if not body:
            continue
        comment_lines = [ln.strip()[2:].strip() for ln in raw[:body_offset].splitlines()
                         if ln.strip().startswith("--") and not _HEADER.match(ln.strip())]
        line = text.count("\n", 0, sl.start + body_offset) + 1
        out.append(Statement(body, line, " ".join(c for c in comment_lines if c)))
    return out


def _skip_comments(raw: str) -> int:
    """Offset of the first character of `raw` that is neither blank nor inside a leading comment."""
    i = 0
    while i < len(raw):
        if raw[i].isspace():
            i += 1
        elif raw.startswith("--", i):
            j = raw.find("\n", i)
            i = len(raw) if j < 0 else j + 1
        elif raw.startswith("/*", i):
            j = raw.find("*/", i + 2)
            i = len(raw) if j < 0 else j + 2
        else:
            break
    return i


def _header(path: Path) -> tuple[str, bool]:
    phase, transactional = DEFAULT_PHASE, True
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break  # the header is the leading comment block only
        m = _HEADER.match(stripped)
        if not m:
            continue
        for item in re.split(r"[,\s]+", m["body"].strip()):
            if not item:
                continue
            key, sep, value = item.partition("=")
            if key == "phase" and sep and value in PHASES:
                phase = value
            elif key == "transaction" and sep and value.lower() in ("true", "false"):
                transactional = value.lower() == "true"
            else:
                raise DataStepError(f"{path}:{lineno}: unknown schemadiff header {item!r}; expected "
                                    f"phase={'|'.join(PHASES)} or transaction=true|false")
    return phase, transactional


def load_steps(directory: Path | str) -> tuple[DataStep, ...]:
    """The steps of a directory in number order; every `.sql` file must be a step or a step's verification."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataStepError(f"{directory}: no such directory of data steps")
    steps: dict[str, DataStep] = {}
    verifies: dict[str, Path] = {}
    problems: list[str] = []
    for path in sorted(directory.iterdir()):
        if not path.is_file() or not path.name.endswith(".sql"):
            continue
        if m := _VERIFY_FILE.match(path.name):
            verifies[m["stem"]] = path
        elif m := _STEP_FILE.match(path.name):
            try:
                phase, transactional = _header(path)
            except DataStepError as exc:
                problems.append(str(exc))
                continue
            steps[path.stem] = DataStep(path.stem, int(m["number"]), path, checksum(path), phase, transactional)
        else:
            problems.append(f"{path}: not a data step name (expected NNNN_name.sql or NNNN_name.verify.sql)")
    for stem, path in sorted(verifies.items()):
        if stem not in steps:
            problems.append(f"{path}: verifies a step that does not exist ({stem}.sql)")
        else:
            s = steps[stem]
            steps[stem] = DataStep(s.name, s.number, s.path, s.checksum, s.phase, s.transactional, path)
    by_number: dict[int, list[str]] = {}
    for s in steps.values():
        by_number.setdefault(s.number, []).append(s.name)
    for number, names in sorted(by_number.items()):
        if len(names) > 1:
            problems.append(f"{directory}: steps {', '.join(sorted(names))} share the number {number}")
    for s in steps.values():
        if s.transactional:
            for st in s.statements():
                if _TRANSACTION_CONTROL.match(st.sql):
                    problems.append(f"{s.path}:{st.line}: transaction control in a transactional step "
                                    f"(the step already runs in one transaction; remove it, or declare "
                                    f"-- schemadiff: transaction=false)")
    if problems:
        raise DataStepError("\n".join(problems))
    return tuple(sorted(steps.values(), key=lambda s: (s.number, s.name)))


def select_until(steps: Iterable[DataStep], until: str | None) -> list[DataStep]:
    """The steps up to and including `until` (a step name, or its number)."""
    steps = list(steps)
    if until is None:
        return steps
    for i, s in enumerate(steps):
        if until in (s.name, s.path.name) or (until.isdigit() and int(until) == s.number):
            return steps[: i + 1]
    raise DataStepError(f"--until {until}: no such step (known: {', '.join(s.name for s in steps) or 'none'})")


# -- the record ------------------------------------------------------------------------------------

def ensure_table(conn: psycopg.Connection) -> None:
    if scalar(conn, "SELECT to_regclass(%s)", (TABLE,)) is None:
        with conn.transaction():
            conn.execute(_DDL)


def applied_steps(conn: psycopg.Connection) -> dict[str, AppliedStep]:
    """What the database has run; empty when the record table does not exist (nothing is created)."""
    if scalar(conn, "SELECT to_regclass(%s)", (TABLE,)) is None:
        return {}
    rows = conn.execute(f"SELECT name, checksum, applied_at, seconds, verified_at FROM {TABLE} ORDER BY name")
    return {r[0]: AppliedStep(*r) for r in rows}


def step_status(conn: psycopg.Connection, steps: Iterable[DataStep]) -> list[StepStatus]:
    applied = applied_steps(conn)
    out: list[StepStatus] = []
    for s in steps:
        a = applied.pop(s.name, None)
        state = "pending" if a is None else ("changed" if a.checksum != s.checksum else "applied")
        out.append(StepStatus(s.name, state, s, a))
    out += [StepStatus(name, "missing", None, a) for name, a in sorted(applied.items())]
    return out


def pending_steps(conn: psycopg.Connection, steps: Iterable[DataStep]) -> list[DataStep]:
    """The steps still to run, after checking that no applied step was edited or skipped over."""
    statuses = step_status(conn, steps)
    # The `is not None` tests hold by construction (step_status): they tell the type checker so.
    changed = [(st.step, st.applied) for st in statuses
               if st.state == "changed" and st.step is not None and st.applied is not None]
    if changed:
        raise DataStepError("data step(s) changed after they were applied (checksum differs):\n" + "\n".join(
            f"  {s.path}: applied {a.applied_at:%Y-%m-%d %H:%M:%S%z} with {a.checksum[:12]}, "
            f"file now {s.checksum[:12]}" for s, a in changed)
            + "\nA step runs once: restore the file, and put the new work in a new step.")
    applied = [st.step for st in statuses if st.state == "applied" and st.step is not None]
    pending = [st.step for st in statuses if st.state == "pending" and st.step is not None]
    if applied:
        last = max(s.number for s in applied)
        late = [s for s in pending if s.number < last]
        if late:
            top = max(s.name for s in applied)
            raise DataStepError("pending data step(s) numbered before an applied one: "
                                + ", ".join(s.name for s in late)
                                + f"; steps run in number order: renumber them after {top}")
    return pending


def check_phase_order(steps: Iterable[DataStep]) -> None:
    """Pending steps must be numbered in the order `migrate` runs their phases."""
    steps = list(steps)
    for a, b in zip(steps, steps[1:]):
        if PHASES.index(b.phase) < PHASES.index(a.phase):
            raise DataStepError(f"{b.name} (phase={b.phase}) is numbered after {a.name} (phase={a.phase}), "
                                f"but migrate runs {b.phase} steps first: renumber the steps in the order they run")


# -- running ---------------------------------------------------------------------------------------

def run_steps(dsn: str, steps: Iterable[DataStep], *, phases: Iterable[str] | None = None,
              until: str | None = None, progress: Progress = _quiet) -> list[StepRun]:
    """Run the pending steps (of `phases`, up to `until`) in number order; stop at the first failure.

    A transactional step runs in one transaction with its record, so it is either
    applied and recorded, or neither.  A step with transaction=false runs statement
    by statement and is recorded after the last one succeeds.
    """
    steps = select_until(steps, until)
    wanted = set(phases) if phases is not None else set(PHASES)
    done: list[StepRun] = []
    with connect(dsn) as conn, _RunLock(conn):
        ensure_table(conn)
        conn.add_notice_handler(lambda d: progress(f"    {d.severity}: {d.message_primary}"))
        for step in pending_steps(conn, steps):
            if step.phase not in wanted:
                continue
            progress(f"  data step {step.name} ({step.phase}"
                     + ("" if step.transactional else ", outside a transaction") + ")")
            seconds = _run_one(conn, step, progress)
            done.append(StepRun(step, seconds))
            progress(f"  data step {step.name}: done in {seconds:.2f}s")
    return done


def _run_one(conn: psycopg.Connection, step: DataStep, progress: Progress) -> float:
    statements = step.statements()
    t0 = time.monotonic()
    record = f"INSERT INTO {TABLE} (name, checksum, seconds) VALUES (%s, %s, %s)"
    if step.transactional:
        with conn.transaction():
            for st in statements:
                _execute(conn, step, st, progress, rolled_back=True)
            seconds = time.monotonic() - t0
            conn.execute(record, (step.name, step.checksum, Decimal(f"{seconds:.3f}")))
        return seconds
    for st in statements:
        _execute(conn, step, st, progress, rolled_back=False)
    seconds = time.monotonic() - t0
    conn.execute(record, (step.name, step.checksum, Decimal(f"{seconds:.3f}")))
    return seconds


def _execute(conn: psycopg.Connection, step: DataStep, st: Statement, progress: Progress, rolled_back: bool) -> None:
    t0 = time.monotonic()
    try:
        conn.execute(st.sql)
    except psycopg.Error as exc:
        message = (exc.diag.message_primary or str(exc)).strip()
        for extra in (exc.diag.message_detail, exc.diag.message_hint, exc.diag.context):
            if extra:
                message += f"\n{extra.strip()}"
        raise DataStepFailed(step.name, f"{step.path}:{st.line}", st.summary, message, rolled_back) from None
    progress(f"    {time.monotonic() - t0:8.3f}s  {step.path.name}:{st.line}  {st.summary}")


class _RunLock:
    """Session advisory lock for the duration of a run; a second run fails fast instead of waiting."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def __enter__(self):
        if not scalar(self.conn, "SELECT pg_try_advisory_lock(%s)", (_LOCK_KEY,)):
            raise DataStepError("another schemadiff data run or verify is in progress on this database")
        return self

    def __exit__(self, *exc):
        if not self.conn.closed and not self.conn.broken:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
        return False


# -- verifying -------------------------------------------------------------------------------------

def verify_steps(dsn: str, steps: Iterable[DataStep], *, until: str | None = None, unverified_only: bool = False,
                 progress: Progress = _quiet) -> list[Violation]:
    """Run the verification files of the applied steps; return every violation found.

    Each file runs in a read-only REPEATABLE READ transaction (one snapshot, no writes).
    A step whose file returns no row is marked verified.  Steps not applied yet are
    not verified: their promises do not hold yet.
    """
    steps = [s for s in select_until(steps, until) if s.verify_path is not None]
    violations: list[Violation] = []
    with connect(dsn) as conn, _RunLock(conn):
        applied = applied_steps(conn)
        for step in steps:
            record = applied.get(step.name)
            if record is None or (unverified_only and record.verified_at is not None):
                continue
            if record.checksum != step.checksum:
                raise DataStepError(f"{step.path}: changed after it was applied; restore it before verifying")
            t0 = time.monotonic()
            found = _verify_one(conn, step)
            violations += found
            progress(f"  verify {step.name}: "
                     + (f"{len(found)} violation(s)" if found else "ok")
                     + f" ({len(step.verify_queries())} queries, {time.monotonic() - t0:.2f}s)")
            if not found:
                conn.execute(f"UPDATE {TABLE} SET verified_at = now() WHERE name = %s", (step.name,))
    return violations


def _verify_one(conn: psycopg.Connection, step: DataStep) -> list[Violation]:
    found: list[Violation] = []
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for q in step.verify_queries():
            location = f"{step.verify_path}:{q.line}"
            try:
                cur = conn.execute(q.sql)
            except psycopg.Error as exc:
                message = (exc.diag.message_primary or str(exc)).strip()
                raise DataStepError(f"{location}: verification query failed: {message}") from None
            if cur.description is None:
                continue  # SET and the like
            names = [c.name for c in cur.description]
            rows = cur.fetchall()
            description = q.comment or q.summary
            for row in rows[:MAX_ROWS_REPORTED]:
                found.append(Violation(step.name, location, description, tuple(zip(names, row))))
            if len(rows) > MAX_ROWS_REPORTED:
                found.append(Violation(step.name, location, description,
                                       (("more_rows_not_shown", len(rows) - MAX_ROWS_REPORTED),)))
    return found


def require_verified(violations: list[Violation]) -> None:
    if violations:
        raise VerificationFailed(violations)
