"""What a run of statements means: file order, session settings, data statements.

The rule (docs/schema-files.md, "File order"):

- Statements take effect in the order of the files (sorted by path) and within them.
- Between two DROPs, order does not matter: the statements of such a stretch run by phase
  (schemas, types, tables, ..., comments), so a declarative folder may reference in a.sql a
  type declared in b.sql. A folder without DROPs is one stretch.
- A DROP (`DROP ...`, `ALTER TABLE IF EXISTS ...`, `ALTER TABLE ... DROP CONSTRAINT/COLUMN`)
  is a barrier: it acts on what was declared before it, and what comes after it comes after.
  So `DROP TABLE IF EXISTS t; CREATE TABLE t (...)` declares t, and a pg_dump --clean prologue
  drops nothing. A DROP without IF EXISTS of something not declared before it is an error.
- ALTER ... RENAME is a barrier too: it renames what was declared before it, and the statements
  after it use the new name (renames.py).
- SET search_path / set_config('search_path', ...) changes name resolution for the following
  statements of the same file; SET default_table_access_method gives the access method of the
  tables created after it; the settings pg_dump writes that shape no object are no-ops.
- INSERT, UPDATE, DELETE, SELECT (setval, ...) are data, not schema: an error naming the
  statement, unless [tool.schemadiff] ignore_data_statements = true (or
  --ignore-data-statements) says to skip them.
- DO blocks of plain DDL are read in place (doblocks.py).
- BEGIN / COMMIT (a migration's own transaction) are no-ops; ROLLBACK stays unsupported.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import ParseError
from .builder import _HANDLERS, Builder, statement_label
from .nodes import const_value, strings
from .source import Statement

# Settings that shape no object (pg_dump writes most of them at the top of a dump): a SET of one
# of them is skipped.  Settings that do (timezone and datestyle for literals, role) stay unsupported.
_SESSION_SETTINGS = frozenset({
    "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "transaction_timeout",
    "idle_session_timeout", "client_encoding", "standard_conforming_strings", "check_function_bodies",
    "client_min_messages", "xmloption", "row_security", "synchronous_commit", "work_mem",
    "maintenance_work_mem", "application_name", "escape_string_warning", "max_parallel_maintenance_workers",
    "search_path", "default_tablespace", "default_table_access_method", "default_with_oids",
})

# Statements that change or read rows, never the schema.
DATA_KINDS = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "SelectStmt", "CopyStmt",
                        "TruncateStmt", "CallStmt"})

_DATA_HINT = ("data, not schema: set ignore_data_statements = true in [tool.schemadiff] "
              "(or pass --ignore-data-statements) to have such statements skipped")

# BEGIN, START TRANSACTION, COMMIT: a migration file's own transaction keeps what it does.
_KEPT_TRANSACTION_KINDS = frozenset({"TRANS_STMT_BEGIN", "TRANS_STMT_START", "TRANS_STMT_COMMIT"})

# ALTER TABLE subcommands that remove something: file order decides what they remove.
_DROPPING_COMMANDS = ('"subtype":"AT_DropConstraint"', '"subtype":"AT_DropColumn"')


def run_statements(b: Builder, statements: list[Statement]) -> None:
    session = _Session(b)
    for stmt in statements:
        session.take(stmt)
    session.flush()


class _Session:
    def __init__(self, b: Builder):
        self.b = b
        self.segment: list = []
        self.paths: dict[str, tuple[str, ...]] = {}
        self.settings: dict[str, tuple] = {}
        self.position = 0

    def flush(self) -> None:
        if self.segment:
            segment, self.segment = self.segment, []
            self.b.run_segment(segment)

    def take(self, stmt: Statement) -> None:
        b, file = self.b, stmt.location.file
        self.position += 1
        if stmt.kind == "VariableSetStmt":
            self._set(stmt)
            return
        if stmt.kind == "SelectStmt":
            config = _set_config(stmt)
            if config is not None:
                name, value = config
                if name == "search_path":
                    self.paths[file] = _path_list(value)
                return
        if stmt.kind == "TransactionStmt" and stmt.body.get("kind") in _KEPT_TRANSACTION_KINDS:
            return  # BEGIN ... COMMIT around a migration: what is inside takes effect in order all the same
        if stmt.kind == "DoStmt":
            from .doblocks import statements_of_do
            try:
                inner = statements_of_do(stmt)
            except ParseError as exc:
                b.problems.extend(exc.problems)
                return
            for s in inner:
                self.take(s)
            return
        if stmt.kind in DATA_KINDS:
            if not b.ignore_data_statements:
                b.problems.append((stmt.location, f"unsupported statement: {data_label(stmt)} ({_DATA_HINT})"))
            return
        if stmt.kind not in _HANDLERS:
            b.problems.append((stmt.location, f"unsupported statement: {statement_label(stmt)}"))
            return
        phase = _HANDLERS[stmt.kind][0]
        if stmt.kind == "CreateStmt" and stmt.mentions("partbound"):
            phase += 1
        item = (phase, self.position, stmt, self.paths.get(file, ("public",)), self.settings.get(file, ()))
        if _is_barrier(stmt):
            self.flush()
            b.run_segment([item])
        else:
            self.segment.append(item)

    def _set(self, stmt: Statement) -> None:
        body, file = stmt.body, stmt.location.file
        name = body.get("name")
        kind = body.get("kind", "VAR_SET_VALUE")
        if kind == "VAR_RESET_ALL":
            self.paths.pop(file, None)
            self.settings.pop(file, None)
            return
        if name not in _SESSION_SETTINGS:
            self.b.problems.append((stmt.location, f"unsupported statement: {statement_label(stmt)}"))
            return
        values = [const_value(a) for a in body.get("args", ())]
        reset = kind in ("VAR_SET_DEFAULT", "VAR_RESET") or not values
        if name == "search_path":
            if reset:
                self.paths.pop(file, None)
            else:
                self.paths[file] = tuple(str(v) for v in values if v) or ("public",)
        elif name == "default_tablespace" and not reset and values[0] not in ("", "pg_default"):
            self.b.problems.append((stmt.location, f"unsupported: SET default_tablespace = {values[0]!r} "
                                                   "(tablespaces are not managed)"))
        elif name == "default_table_access_method":
            settings = dict(self.settings.get(file, ()))
            if reset:
                settings.pop(name, None)
            else:
                settings[name] = str(values[0])
            self.settings[file] = tuple(sorted(settings.items()))


def _is_barrier(stmt: Statement) -> bool:
    if stmt.kind in ("DropStmt", "RenameStmt"):
        return True
    # ALTER TABLE IF EXISTS, DROP CONSTRAINT / COLUMN [IF EXISTS], ADD COLUMN IF NOT EXISTS: what
    # they do depends on what was declared before them.
    return stmt.kind == "AlterTableStmt" and (
        '"missing_ok":true' in stmt.raw or any(c in stmt.raw for c in _DROPPING_COMMANDS))


def _set_config(stmt: Statement) -> tuple[str, str] | None:
    """(name, value) of `SELECT [pg_catalog.]set_config(name, value, is_local)`, else None."""
    targets: Sequence[dict] = stmt.body.get("targetList") or ()
    if len(targets) != 1 or stmt.body.get("fromClause"):
        return None
    fn = targets[0].get("ResTarget", {}).get("val", {}).get("FuncCall")
    if not fn or strings(fn.get("funcname"))[-1:] != ["set_config"]:
        return None
    args = [const_value(a) for a in fn.get("args", ())]
    if len(args) < 2 or not isinstance(args[0], str):
        return None
    return args[0], str(args[1] or "")


def _path_list(value: str) -> tuple[str, ...]:
    return tuple(s.strip().strip('"') for s in value.split(",") if s.strip()) or ("public",)


def data_label(stmt: Statement) -> str:
    """'INSERT INTO schema_migrations', 'SELECT pg_catalog.setval(...)' for messages."""
    body = stmt.body
    if stmt.kind == "SelectStmt":
        targets: Sequence[dict] = body.get("targetList") or ()
        fn = targets[0].get("ResTarget", {}).get("val", {}).get("FuncCall") if len(targets) == 1 else None
        if fn:
            return f"SELECT {'.'.join(strings(fn.get('funcname')))}(...)"
        return "SELECT"
    rel = body.get("relation") or {}
    if stmt.kind == "InsertStmt":
        return f"INSERT INTO {rel.get('relname', '')}".rstrip()
    if stmt.kind == "UpdateStmt":
        return f"UPDATE {rel.get('relname', '')}".rstrip()
    if stmt.kind == "DeleteStmt":
        return f"DELETE FROM {rel.get('relname', '')}".rstrip()
    return statement_label(stmt)
