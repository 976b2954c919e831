"""Every error schemadiff raises on purpose derives from SchemaDiffError.

Why: the CLI maps exception classes to exit codes and one-line messages in one
place (cli/main.py); anything else that escapes is a bug and shows a traceback.
Subclasses carry structured fields so that callers can do more than print.
"""
from __future__ import annotations

from dataclasses import dataclass


class SchemaDiffError(Exception):
    """Root of schemadiff's errors; str() is the one-line message for users."""

    def __reduce__(self):
        # Subclasses take structured arguments, not the message: pickling (an error crossing from
        # the process that reads the live schema) rebuilds them from their message and fields.
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type[SchemaDiffError], args: tuple[object, ...], fields: dict[str, object]) -> "SchemaDiffError":
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(fields)
    return error


@dataclass(frozen=True, slots=True)
class Location:
    """Where a declaration came from: a file position, or the live database."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


class ParseError(SchemaDiffError):
    """One or more problems in the schema files, each with file:line:column."""

    def __init__(self, problems: list[tuple[Location, str]]):
        self.problems = sorted(problems, key=lambda p: (p[0].file, p[0].line, p[0].column))
        super().__init__("\n".join(f"{loc}: {msg}" for loc, msg in self.problems))


class UnresolvedReference(SchemaDiffError):
    """The schema refers to an object that is declared nowhere."""

    def __init__(self, location: Location, what: str):
        self.location = location
        self.what = what
        super().__init__(f"{location}: {what}")


class RenameError(SchemaDiffError):
    """A rename hint of the files that does not fit the database (see diff/renames.py)."""

    def __init__(self, location: Location, message: str):
        self.location = location
        super().__init__(f"{location}: {message}")


class ConnectionFailed(SchemaDiffError):
    """Could not reach the database; the message names the host, never the password."""

    def __init__(self, host: str, reason: str):
        self.host = host
        self.reason = reason
        super().__init__(f"cannot connect to {host}: {reason}")


class IntrospectError(SchemaDiffError):
    """The live database holds something schemadiff cannot read."""


class CycleError(SchemaDiffError):
    """The plan's dependency graph has a cycle that cannot be broken."""

    def __init__(self, members: list[str]):
        self.members = members
        super().__init__("dependency cycle between: " + " -> ".join(members))


class UnsupportedChange(SchemaDiffError):
    """A difference no statement of the server can make in place, and that schemadiff will not make
    by dropping data (a partition key column changing type: the partitioned table would have to be
    re-created and its rows copied)."""

    def __init__(self, target: str, reason: str):
        self.target, self.reason = target, reason
        super().__init__(f"cannot change {target}: {reason}")


class HazardError(SchemaDiffError):
    """The plan holds statements the user has not allowed (e.g. data loss)."""

    def __init__(self, statements: list[str], flag: str):
        self.statements = statements
        self.flag = flag
        listed = "\n".join(f"  {s}" for s in statements)
        super().__init__(f"refusing {len(statements)} destructive statement(s); pass {flag} to allow them:\n{listed}")


class RowsViolateError(SchemaDiffError):
    """Live rows make statements of the plan fail (will-fail hazards): refused before anything runs."""

    def __init__(self, failures: list[tuple[str, str]]):
        self.failures = failures  # (statement, reason)
        listed = "\n".join(f"  {stmt}\n    will fail: {reason}" for stmt, reason in failures)
        super().__init__(f"refusing the plan: {len(failures)} statement(s) will fail on the live rows; "
                         f"fix the data (or the declaration) first:\n{listed}")


class ApplyError(SchemaDiffError):
    """A statement of the plan failed on the server; earlier groups stay applied."""

    def __init__(self, statement: str, message: str):
        self.statement = statement
        self.server_message = message
        super().__init__(f"statement failed: {statement}\n{message}")


class ConfigError(SchemaDiffError):
    """Bad [tool.schemadiff] configuration or command-line combination."""


class ToolMissing(SchemaDiffError):
    """An external program schemadiff needs is not installed (graphviz's `dot`, ...)."""

    def __init__(self, tool: str, purpose: str, install: str):
        self.tool = tool
        self.purpose = purpose
        self.install = install
        super().__init__(f"`{tool}` not found on PATH: it is needed {purpose}. {install}")


class RenderError(SchemaDiffError):
    """An external renderer failed on input schemadiff generated."""


class DataStepError(SchemaDiffError):
    """A data step cannot be loaded or run: a bad file name or header, a changed or out-of-order step."""


class DataStepFailed(DataStepError):
    """A statement of a data step failed; a transactional step was rolled back and is not recorded."""

    def __init__(self, step: str, location: str, statement: str, message: str, rolled_back: bool):
        self.step = step
        self.location = location
        self.statement = statement
        self.server_message = message
        self.rolled_back = rolled_back
        outcome = ("rolled back, not recorded" if rolled_back
                   else "NOT rolled back (transaction=false): statements before it stay applied")
        super().__init__(f"data step {step} failed at {location} ({outcome}):\n  {statement}\n{message}")


class VerificationFailed(SchemaDiffError):
    """Verification queries returned rows: each row is a violation."""

    def __init__(self, violations: list):
        self.violations = violations
        steps = sorted({v.step for v in violations})
        super().__init__(f"verification failed: {len(violations)} violation(s) in {', '.join(steps)}")


class MigrationFailed(SchemaDiffError):
    """`schemadiff migrate` stopped at a stage; the stages before it are complete."""

    def __init__(self, stage: str, cause: str, resume: str):
        self.stage = stage
        self.cause = cause
        self.resume = resume
        super().__init__(f"migration stopped at stage '{stage}': {cause}\n{resume}")


class LockTimeout(SchemaDiffError):
    """A statement or a catalog read waited longer than lock_timeout; `holders` names who held the lock."""

    def __init__(self, what: str, timeout: str, holders: str, advice: str):
        self.what = what
        self.timeout = timeout
        self.holders = holders
        super().__init__(f"{what}: waited longer than lock_timeout ({timeout}) for a lock; {holders}. {advice}")


class ApplyLocked(SchemaDiffError):
    """Another apply holds the database's apply lock."""

    def __init__(self, holder: str, waited: str):
        self.holder = holder
        super().__init__(f"another schemadiff apply is running on this database ({holder}); waited {waited} "
                         f"for it to finish. Retry when it is done (apply_lock_wait sets how long to wait)")


class PermissionDenied(SchemaDiffError):
    """The connected role lacks a privilege schemadiff needs; the message names the object and privilege."""
