"""The schema model: immutable values that the parser and the introspector both produce.

Why frozen dataclasses: diffing is equality, so equality must mean "same schema".
Fields that must not take part in it (where a declaration came from, the text
to print, NOT VALID state, dependencies) are `compare=False`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Location
from .names import ObjectRef, QualifiedName

DATABASE = Location("database")


@dataclass(frozen=True, slots=True)
class Expr:
    """An SQL expression: compared by its canonical form, printed as written."""

    key: str
    sql: str = field(compare=False)

    def __str__(self) -> str:
        return self.sql


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    schema: str | None = None  # None: wherever the server puts it
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@dataclass(frozen=True, slots=True)
class EnumType:
    name: QualifiedName
    labels: tuple[str, ...]
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@dataclass(frozen=True, slots=True)
class SequenceOptions:
    """Options shared by sequences and identity columns, defaults filled in."""

    data_type: str = "bigint"
    increment: int = 1
    minvalue: int = 1
    maxvalue: int = 9223372036854775807
    start: int = 1
    cache: int = 1
    cycle: bool = False


@dataclass(frozen=True, slots=True)
class Sequence:
    name: QualifiedName
    options: SequenceOptions
    owned_by: tuple[QualifiedName, str] | None = None  # (table, column)
    unlogged: bool = False
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # canonical, as format_type prints it (public types unqualified)
    not_null: bool = False
    default: Expr | None = None
    identity: str | None = None  # "always" | "by default"
    identity_options: SequenceOptions | None = None
    generated: Expr | None = None  # stored generated column expression
    collation: str | None = None
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


CONSTRAINT_KINDS = {"p": "primary key", "u": "unique", "c": "check", "f": "foreign key", "x": "exclusion"}


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str  # one of CONSTRAINT_KINDS
    definition: Expr  # canonical key + the text that follows ADD CONSTRAINT name
    columns: tuple[str, ...] = ()  # columns of this table it involves
    ref_table: QualifiedName | None = None  # foreign keys
    ref_columns: tuple[str, ...] = ()
    named: bool = field(default=True, compare=False)  # False: the name was generated
    validated: bool = field(default=True, compare=False)  # NOT VALID in the live database is not drift
    comment: str | None = None
    index_comment: str | None = None  # on the index that implements a primary key/unique/exclusion
    origin: Location = field(default=DATABASE, compare=False)


@dataclass(frozen=True, slots=True)
class Index:
    name: QualifiedName  # schema is the table's
    table: QualifiedName
    definition: Expr  # canonical key of everything after the table name; sql = whole CREATE INDEX
    unique: bool = False
    columns: tuple[str, ...] = ()  # plain key columns, in order (expressions as "")
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@dataclass(frozen=True, slots=True)
class Table:
    name: QualifiedName
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()  # sorted by name
    partition_by: Expr | None = None  # "RANGE (created_at)"
    partition_of: QualifiedName | None = None
    partition_bound: Expr | None = None  # "FOR VALUES ..." / "DEFAULT"
    inherits: tuple[QualifiedName, ...] = ()
    unlogged: bool = False
    options: tuple[str, ...] = ()  # reloptions, "key=value", sorted
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    @property
    def is_partition(self) -> bool:
        return self.partition_of is not None

    def ref(self) -> ObjectRef:
        return ObjectRef("table", (self.name.schema, self.name.name))
