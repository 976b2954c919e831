"""The schema model: immutable values that the parser and the introspector both produce.

Why frozen dataclasses: diffing is equality, so equality must mean "same schema".
Fields that must not take part in it (where a declaration came from, the text
to print, NOT VALID state, dependencies) are `compare=False`.
"""
from __future__ import annotations

from dataclasses import field
from typing import cast

import orjson

from ..errors import Location
from .names import ObjectRef, QualifiedName
from .values import value

DATABASE = Location("database")


@value
class Expr:
    """An SQL expression: compared by its canonical form, printed as written.

    The second argument is SQL text, or the pglast JSON node it was parsed from. A node is
    kept packed as JSON bytes (a tenth of the memory of the dicts, and a big schema has a
    hundred thousand expressions) and printed on first use: only what a plan creates is
    ever printed.
    """

    key: str
    packed: object = field(compare=False, repr=False)
    _printed: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.packed, (str, bytes)):
            # A copy: orjson returns its 4 KB working buffer as the bytes object, whatever the length.
            object.__setattr__(self, "packed", memoryview(orjson.dumps(self.packed)).tobytes())

    @property
    def source(self) -> object:
        """The SQL text, or a fresh copy of the node (callers may change it)."""
        # cast: __post_init__ keeps anything but text packed as bytes.
        return self.packed if isinstance(self.packed, str) else orjson.loads(cast(bytes, self.packed))

    @property
    def sql(self) -> str:
        if isinstance(self.packed, str):
            return self.packed
        printed = self._printed
        if printed is None:
            from .printers import to_sql
            printed = to_sql(orjson.loads(cast(bytes, self.packed)))  # the node, as `source` reads it
            object.__setattr__(self, "_printed", printed)
        return printed

    def __str__(self) -> str:
        return self.sql


@value
class Schema:
    name: str
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@value
class Extension:
    name: str
    schema: str | None = None  # None: wherever the server puts it
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)
    version: str | None = field(default=None, compare=False)  # compared only where the files pin one


@value
class EnumType:
    name: QualifiedName
    labels: tuple[str, ...]
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@value
class SequenceOptions:
    """Options shared by sequences and identity columns, defaults filled in."""

    data_type: str = "bigint"
    increment: int = 1
    minvalue: int = 1
    maxvalue: int = 9223372036854775807
    start: int = 1
    cache: int = 1
    cycle: bool = False


@value
class Sequence:
    name: QualifiedName
    options: SequenceOptions
    owned_by: tuple[QualifiedName, str] | None = None  # (table, column)
    unlogged: bool = False
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@value
class Column:
    name: str
    type: str  # canonical, as format_type prints it (public types unqualified)
    not_null: bool = False
    default: Expr | None = None
    identity: str | None = None  # "always" | "by default"
    identity_options: SequenceOptions | None = None
    generated: Expr | None = None  # generated column expression
    collation: str | None = None
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)
    generated_kind: str = "stored"  # or "virtual" (PostgreSQL 18)
    storage: str | None = None  # SET STORAGE, when not the type's default
    compression: str | None = None
    statistics: int | None = None
    options: tuple[str, ...] = ()  # attribute options (n_distinct=...)
    # The NOT NULL constraint's name (PostgreSQL 18 keeps one) when it is not the server's default
    # <table>_<column>_not_null; None also where the files leave the name to the server.
    # Not compared: the diff compares it where the files give one (diff/compare.py _not_null_name).
    not_null_name: str | None = field(default=None, compare=False)


CONSTRAINT_KINDS = {"p": "primary key", "u": "unique", "c": "check", "f": "foreign key", "x": "exclusion"}


@value
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
    # Keys of partitioned trees: the parent table's index that this key's index is attached to
    # (a parent key: the key is inherited; a plain unique index: the partition's own key was
    # adopted), and whether a parent's key reaches every partition (False: added with ONLY and
    # not yet attached everywhere).  A partition's key the parent's creates under the server's
    # name is not listed at all: the parent's statement makes it.
    parent: QualifiedName | None = None
    index_valid: bool = True


@value
class Index:
    name: QualifiedName  # schema is the table's
    table: QualifiedName
    definition: Expr  # canonical key of everything after the table name; sql = whole CREATE INDEX
    unique: bool = False
    columns: tuple[str, ...] = ()  # plain key columns, in order (expressions as "")
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)
    # ALTER INDEX ... ALTER COLUMN n SET STATISTICS m, as (n, m) pairs: set without a rebuild.
    statistics: tuple[tuple[int, int], ...] = ()
    # Partitioned trees (see Constraint.parent): the parent table's index this one is attached
    # to, and whether an index of a partitioned table reaches every partition (False: created
    # ON ONLY and not yet attached everywhere).  A partition's index that the parent's creates
    # under the server's name is not listed: the parent's statement makes it.
    parent: QualifiedName | None = None
    valid: bool = True


@value
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
    rls_enabled: bool = False
    rls_forced: bool = False
    replica_identity: str = "d"  # d default, f full, n nothing, or the name of the index
    cluster_on: str | None = None  # index name
    access_method: str | None = None  # None: the default (heap)
    # A partition's columns are its parent's; these it holds NOT NULL on its own (a key of its
    # own implies them, and they outlive the key: the server keeps them when it is dropped).
    partition_not_null: tuple[str, ...] = ()

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


# -- programmable objects and types (views, functions, triggers, domains, ...) -------------------

@value(order=True)
class FunctionName:
    """A function's identity: name plus its input argument types (overloads differ by them)."""

    schema: str
    name: str
    args: str  # canonical input argument types, "integer, text"

    def __str__(self) -> str:
        from .names import quote_ident
        return f"{quote_ident(self.schema)}.{quote_ident(self.name)}({self.args})"

    @property
    def display(self) -> str:
        base = self.name if self.schema == "public" else f"{self.schema}.{self.name}"
        return f"{base}({self.args})"

    @property
    def qualified(self) -> QualifiedName:
        return QualifiedName(self.schema, self.name)


@value
class Function:
    name: FunctionName
    kind: str  # "function" | "procedure"
    definition: Expr  # key: everything that defines it; sql: CREATE OR REPLACE ... text
    returns: str | None  # canonical result type ("SETOF record", "TABLE(...)"); None for procedures
    signature: str = ""  # parameter names, modes and defaults: changing them needs DROP + CREATE
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)
    depends_on: frozenset[ObjectRef] = field(default=frozenset(), compare=False)
    # The files' `SET search_path` it was created under, where it names schemas besides public:
    # a body given as a string is resolved through it (SQL bodies when created, PL/pgSQL
    # declarations too), so the plan creates the function under it.  Not part of the function:
    # the server keeps no trace of it.
    search_path: tuple[str, ...] = field(default=(), compare=False)


@value
class View:
    name: QualifiedName
    query: Expr  # canonical SELECT; sql is the SELECT as written
    materialized: bool = False
    columns: tuple[str, ...] = ()  # explicit column names, if any
    options: tuple[str, ...] = ()  # security_barrier=true, security_invoker=true, ...
    check_option: str | None = None  # "local" | "cascaded"
    with_data: bool = field(default=True, compare=False)
    comment: str | None = None
    column_comments: tuple[tuple[str, str], ...] = ()
    origin: Location = field(default=DATABASE, compare=False)
    depends_on: frozenset[ObjectRef] = field(default=frozenset(), compare=False)


@value
class Trigger:
    table: QualifiedName
    name: str
    definition: Expr  # canonical CREATE TRIGGER minus its name and table; sql is the whole statement
    function: QualifiedName
    enabled: str = "O"  # O origin (enabled), D disabled, R replica, A always
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)

    @property
    def sql(self) -> str:
        """The CREATE TRIGGER statement. pglast prints the pre-11 EXECUTE PROCEDURE; every
        supported server takes EXECUTE FUNCTION, the form users write (the clause comes last)."""
        head, sep, tail = self.definition.sql.rpartition(" EXECUTE PROCEDURE ")
        return head + " EXECUTE FUNCTION " + tail if sep else tail


@value
class DomainCheck:
    name: str
    expr: Expr
    validated: bool = field(default=True, compare=False)


@value
class Domain:
    name: QualifiedName
    base_type: str
    not_null: bool = False
    default: Expr | None = None
    collation: str | None = None
    checks: tuple[DomainCheck, ...] = ()
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@value
class CompositeType:
    name: QualifiedName
    attributes: tuple[tuple[str, str, str | None], ...]  # (name, type, collation)
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@value
class RangeType:
    name: QualifiedName
    subtype: str
    options: tuple[tuple[str, str], ...] = ()  # subtype_opclass, collation, canonical, subtype_diff
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@value
class Policy:
    table: QualifiedName
    name: str
    command: str = "all"  # all | select | insert | update | delete
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: Expr | None = None
    with_check: Expr | None = None
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)


@value(order=True)
class Grant:
    """One privilege of one grantee on one object (column grants name the column)."""

    object_kind: str  # table, sequence, function, schema, type (as GRANT ... ON <kind> spells it)
    object_name: str  # rendered, qualified name ("public.t", "public.f(integer)", "app")
    grantee: str  # role name, or "public"
    privilege: str  # SELECT, INSERT, ... USAGE, EXECUTE
    column: str | None = None
    grantable: bool = False


@value(order=True)
class OwnerPrivileges:
    """What `role` keeps on an object after revoking from itself, if `role` owns it.

    Why "if": an owner holds every privilege until it revokes its own (pg_dump writes
    `REVOKE ALL ON t FROM app; GRANT SELECT ON t TO app`), but the files name the owner only
    when they say ALTER ... OWNER TO; the deployer is known when the plan is made.  The parser
    records one of these for every role a REVOKE names; the diff keeps the owner's
    (diff/programs.py)."""

    object_kind: str  # as Grant.object_kind
    object_name: str
    role: str
    privileges: tuple[str, ...]  # sorted; ("ALL",) when nothing was taken away for good


@value(order=True)
class Owner:
    """Who owns one object, where the files say so (ALTER ... OWNER TO).

    Why only where stated: most schemas leave ownership to whoever deploys them; an
    object the files give no owner keeps the one it has."""

    target: ObjectRef  # the object, as plan steps name it
    keyword: str  # how ALTER names its kind: TABLE, VIEW, MATERIALIZED VIEW, SEQUENCE, ROUTINE, SCHEMA, TYPE, DOMAIN
    object_name: str  # rendered, qualified ("public.t", "public.f(integer)", "app")
    role: str


@value(order=True)
class DefaultPrivilege:
    """One entry of ALTER DEFAULT PRIVILEGES, as a difference from the server's built-in
    defaults: EXECUTE on functions and USAGE on types for PUBLIC are there without an entry
    (granting them again is no entry), and taking one away is an entry with `revoked`."""

    role: str | None  # FOR ROLE (None: the current role)
    schema: str | None  # IN SCHEMA
    object_kind: str  # tables, sequences, functions, types, schemas
    grantee: str
    privilege: str
    grantable: bool = False
    revoked: bool = False


@value
class Carried:
    """An object of a kind schemadiff carries without modelling its parts: an operator, a cast,
    a collation, extended statistics, a rule, an event trigger.

    Why whole: these are rare in schemas and changed by re-creation; what matters is that the
    same definition compares equal on both sides (the key is the parsed CREATE statement with
    positions and public/pg_catalog qualifications left out, parse/carried.py) and that a changed
    one is dropped and created again, in dependency order."""

    kind: str  # as DROP / COMMENT ON spell it: OPERATOR, CAST, COLLATION, STATISTICS, RULE, EVENT TRIGGER
    name: str  # as DROP names it: "public.~<< (text, text)", "(text AS public.t)", "r ON public.t"
    definition: Expr  # key: canonical statement; sql: the CREATE statement
    comment: str | None = None
    origin: Location = field(default=DATABASE, compare=False)
    depends_on: frozenset[ObjectRef] = field(default=frozenset(), compare=False)


# The carried kinds made after tables (on them); the others before tables (they need functions and types at most).
CARRIED_ON_TABLES = frozenset({"STATISTICS", "RULE", "PUBLICATION"})

