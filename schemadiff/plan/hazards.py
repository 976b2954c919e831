"""Hazards: what can go wrong when a statement runs on a live database.

Why data: `apply` refuses data loss unless allowed, `lint` turns hazards into
findings, and every renderer prints them; none of them search SQL text.
Each hazard kind is documented next to its code: what it means, why it
matters, and the fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..diff import Change
from ..model.exprs import functions_called
from ..render.ddl import needs_using


@dataclass(frozen=True, slots=True, order=True)
class Hazard:
    kind: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"


HAZARD_KINDS = {
    "data-loss": "The statement destroys data that no later statement brings back (a dropped table, "
                 "column, sequence or enum value, a narrowing type change). Refused by `apply` unless "
                 "--allow-destructive. Fix: copy the data first, or keep the object.",
    "table-rewrite": "The server rewrites the whole table (and its indexes) under an ACCESS EXCLUSIVE lock; "
                     "time grows with the table. Fix: add a new column, backfill in batches, swap.",
    "blocks-writes": "The statement holds a lock that blocks writes to the table while it runs.",
    "blocks-reads": "The statement holds an ACCESS EXCLUSIVE lock: even reads wait while it runs.",
    "index-build": "Building an index scans the table; a plain CREATE INDEX blocks writes meanwhile. "
                   "Fix: CREATE INDEX CONCURRENTLY (online mode).",
    "validates": "Adding the constraint scans the table to validate it while holding a lock. "
                 "Fix: add it NOT VALID, then VALIDATE CONSTRAINT separately (online mode).",
    "will-fail": "Rows in the live database make the statement fail (NULLs under a new NOT NULL, values too "
                 "long or out of range for a narrower type, rows that violate a new CHECK, UNIQUE or FOREIGN KEY, "
                 "an enum value still in use), found by a bounded query while planning. `apply` refuses the "
                 "plan. Fix: clean or backfill the data first (a data step), or change the declaration.",
    "unverified": "A check of the live rows (see will-fail) could not run: a timeout, a missing privilege, or "
                  "an object the plan has not made yet. The statement may still fail on the rows.",
    "suggested-rename": "A column, index or constraint is dropped while one of the same shape is added in the same "
                        "table: probably a rename. Fix: add the comment it names (`-- schemadiff: renamed from "
                        "OLD`) on the new object's line; the plan then renames it and keeps its data.",
    "irreversible": "The change cannot be undone by running the reverse plan (enum values cannot be removed "
                    "in place).",
}

_HazardRule = Callable[[Change], list[Hazard]]
_RULES: dict[str, _HazardRule] = {}


def hazard_rule(*kinds: str) -> Callable[[_HazardRule], _HazardRule]:
    def register(fn: _HazardRule) -> _HazardRule:
        for k in kinds:
            if k in _RULES:
                raise RuntimeError(f"two hazard rules for {k}")
            _RULES[k] = fn
        return fn
    return register


def hazards_of(change: Change) -> tuple[Hazard, ...]:
    rule = _RULES.get(change.kind)
    return tuple(sorted(set(rule(change)))) if rule else ()


@hazard_rule("drop_table")
def _(c: Change) -> list[Hazard]:
    return [Hazard("data-loss", f"drops table {c.old.name.display} and all its rows"),
            Hazard("blocks-reads", "ACCESS EXCLUSIVE lock")]


@hazard_rule("drop_column")
def _(c: Change) -> list[Hazard]:
    if c.arg("recomputed"):  # a generated column dropped to be added again: its values are computed anew
        return [Hazard("blocks-reads", "ACCESS EXCLUSIVE lock (brief)")]
    return [Hazard("data-loss", f"drops column {c.old.name} of {c.arg('table').display} and its values"),
            Hazard("blocks-reads", "ACCESS EXCLUSIVE lock (brief)"), *_suggested(c)]


def _suggested(c: Change) -> list[Hazard]:
    """The rename hint that would turn this drop and an add of the same shape into a rename."""
    if c.arg("suggest") is None:
        return []
    from ..diff.renames import suggestion_text
    return [Hazard("suggested-rename", suggestion_text(*c.arg("suggest")))]


@hazard_rule("rename_table", "rename_column", "rename_view", "rename_index", "rename_constraint",
             "rename_sequence", "rename_type", "rename_function", "rename_schema", "rename_enum_value")
def _(c: Change) -> list[Hazard]:
    """A rename is instant and keeps the data, but a client still using the old name fails."""
    if c.kind in ("rename_table", "rename_column", "rename_view", "rename_index", "rename_constraint",
                  "rename_sequence"):
        return [Hazard("blocks-reads", "ACCESS EXCLUSIVE lock (brief)")]
    return []


@hazard_rule("drop_sequence")
def _(c: Change) -> list[Hazard]:
    return [Hazard("data-loss", f"drops sequence {c.old.name.display} and its current value")]


@hazard_rule("alter_sequence", "alter_identity")
def _(c: Change) -> list[Hazard]:
    value = next((v for k, v in c.args if k == "restart"), None)
    if value is None:
        return []  # no restart, or one of a sequence that never handed a value out
    return [Hazard("data-loss", f"restarts the sequence, whose value {value} is outside its new bounds: "
                                "values it handed out may come again")]


@hazard_rule("drop_enum", "rebuild_enum")
def _(c: Change) -> list[Hazard]:
    if c.kind == "drop_enum":
        return [Hazard("data-loss", f"drops type {c.old.name.display}")]
    gone = [v for v in c.old.labels if v not in c.new.labels]
    out = [Hazard("table-rewrite", f"rebuilds type {c.new.name.display}; every column of it is rewritten"),
           Hazard("blocks-reads", "ACCESS EXCLUSIVE lock on every table with a column of this type")]
    if gone:
        out.append(Hazard("data-loss", f"removes enum value(s) {', '.join(gone)}: rows holding them make it fail"))
    return out


@hazard_rule("add_enum_value")
def _(c: Change) -> list[Hazard]:
    return [Hazard("irreversible", f"enum value {c.arg('value')!r} cannot be removed in place")]


@hazard_rule("drop_schema", "drop_extension")
def _(c: Change) -> list[Hazard]:
    return [Hazard("data-loss", f"drops {c.target}")]


_WIDENING = {("smallint", "integer"), ("smallint", "bigint"), ("integer", "bigint"),
             ("smallint", "numeric"), ("integer", "numeric"), ("bigint", "numeric"),
             ("real", "double precision"), ("character varying", "text")}


def _typmod(t: str) -> tuple[str, list[int]]:
    if "(" not in t:
        return t, []
    stem = t[: t.index("(")] + t[t.index(")") + 1:]
    return stem, [int(x) for x in t[t.index("(") + 1: t.index(")")].split(",") if x.strip().isdigit()]


def narrowing(old: str, new: str) -> bool:
    """Could values of `old` not fit `new` (data loss or failure)?"""
    if old == new:
        return False
    (os_, om), (ns, nm) = _typmod(old), _typmod(new)
    if os_ == ns:
        if not nm:
            return False  # varchar(10) -> varchar, numeric(10,2) -> numeric
        if om and len(om) == len(nm) and all(n >= o for o, n in zip(om, nm)) and (
                len(om) < 2 or om[1] == nm[1]):
            return False
        return True
    if (os_, ns) in _WIDENING or ns == "text":
        return False
    return True


def _rewrites(old: str, new: str) -> bool:
    """Binary-coercible changes are metadata-only; the rest rewrite the table."""
    (os_, om), (ns, nm) = _typmod(old), _typmod(new)
    if os_ == ns and (not nm or (om and nm >= om)) and os_ in ("character varying", "numeric", "bit varying"):
        return False
    if (os_, ns) in (("character varying", "text"), ("text", "character varying")) and not nm:
        return False
    return True


@hazard_rule("alter_column_type")
def _(c: Change) -> list[Hazard]:
    table = c.arg("table").display
    old, new = c.old.type, c.new.type
    out = []
    if narrowing(old, new):
        out.append(Hazard("data-loss", f"{table}.{c.new.name}: {old} -> {new} may truncate or reject values"))
    if _rewrites(old, new) or c.old.collation != c.new.collation:
        out.append(Hazard("table-rewrite", f"{table}.{c.new.name}: {old} -> {new} rewrites the table"
                                           + (" (explicit USING cast)" if needs_using(old, new) else "")))
    out.append(Hazard("blocks-reads", f"ACCESS EXCLUSIVE lock on {table}"))
    return out


@hazard_rule("add_column")
def _(c: Change) -> list[Hazard]:
    col = c.new
    out = [Hazard("blocks-reads", f"ACCESS EXCLUSIVE lock on {c.arg('table').display} (brief)")]
    if col.generated is not None or col.identity:
        out.append(Hazard("table-rewrite", f"a {'generated' if col.generated else 'identity'} column "
                                           "is computed for every row"))
    elif col.default is not None and _volatile(col.default.key):
        out.append(Hazard("table-rewrite", "a volatile default is evaluated for every existing row"))
    return out


_VOLATILE_BUILTINS = frozenset({"random", "gen_random_uuid", "uuidv4", "uuidv7", "nextval", "clock_timestamp",
                                "uuid_generate_v1", "uuid_generate_v4", "timeofday", "statement_timestamp"})


def _volatile(key: str) -> bool:
    return any(name.rpartition(".")[2] in _VOLATILE_BUILTINS for name in functions_called(key))


@hazard_rule("set_not_null")
def _(c: Change) -> list[Hazard]:
    if c.new.not_null:
        return [Hazard("validates", f"scans {c.arg('table').display} to check {c.new.name} has no NULLs"),
                Hazard("blocks-reads", f"ACCESS EXCLUSIVE lock on {c.arg('table').display} during the scan")]
    return []


@hazard_rule("add_constraint")
def _(c: Change) -> list[Hazard]:
    con = c.new
    table = c.arg("table").display
    if con.kind in ("p", "u", "x"):
        return [Hazard("index-build", f"builds the index of {con.name} on {table}"),
                Hazard("blocks-writes", f"SHARE lock on {table} while the index builds")]
    if con.kind == "f":
        return [Hazard("validates", f"scans {table} to validate {con.name}"),
                Hazard("blocks-writes", f"SHARE ROW EXCLUSIVE lock on {table} and {con.ref_table.display}")]
    return [Hazard("validates", f"scans {table} to validate {con.name}"),
            Hazard("blocks-reads", f"ACCESS EXCLUSIVE lock on {table} during the scan")]


@hazard_rule("set_generated_expression")
def _(c: Change) -> list[Hazard]:
    table = c.arg("table").display
    return [Hazard("table-rewrite", f"recomputes {c.new.name} for every row of {table}"),
            Hazard("blocks-reads", f"ACCESS EXCLUSIVE lock on {table} during the rewrite")]


@hazard_rule("validate_constraint")
def _(c: Change) -> list[Hazard]:
    table = c.arg("table").display
    return [Hazard("validates", f"scans {table} to validate {c.new.name} (SHARE UPDATE EXCLUSIVE: writes go on)")]


@hazard_rule("create_index")
def _(c: Change) -> list[Hazard]:
    return [Hazard("index-build", f"builds {c.new.name.display}"),
            Hazard("blocks-writes", f"SHARE lock on {c.new.table.display} while it builds")]


@hazard_rule("drop_index")
def _(c: Change) -> list[Hazard]:
    return [Hazard("blocks-reads", f"ACCESS EXCLUSIVE lock on {c.old.table.display} (brief)"), *_suggested(c)]


@hazard_rule("drop_constraint")
def _(c: Change) -> list[Hazard]:
    return _suggested(c)


@hazard_rule("attach_partition", "detach_partition")
def _(c: Change) -> list[Hazard]:
    t = c.new if c.kind == "attach_partition" else c.old
    out = [Hazard("blocks-writes", f"locks {t.partition_of.display} and {t.name.display}")]
    if c.kind == "attach_partition":
        out.append(Hazard("validates", f"scans {t.name.display} to check the partition bound"))
    return out
