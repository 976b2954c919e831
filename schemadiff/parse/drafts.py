"""Mutable drafts the builder fills statement by statement, frozen into the model at the end.

Why drafts: one object's definition may be spread over files (CREATE TABLE in
one, ALTER TABLE ... ADD CONSTRAINT and COMMENT ON in others), so objects stay
mutable until every statement has been seen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Location
from ..model import QualifiedName


@dataclass
class ColumnDraft:
    name: str
    type: str
    origin: Location
    not_null: bool = False
    default: dict | None = None
    identity: str | None = None
    identity_options: dict[str, Any] | None = None
    generated: dict | None = None
    collation: str | None = None
    comment: str | None = None
    generated_kind: str = "stored"
    storage: str | None = None
    compression: str | None = None
    statistics: int | None = None
    options: list[str] = field(default_factory=list)
    not_null_name: str | None = None  # CONSTRAINT name NOT NULL (PostgreSQL 18 keeps it)


@dataclass
class ConstraintDraft:
    name: str
    named: bool
    node: dict  # the pglast Constraint body
    origin: Location
    columns: list[str] = field(default_factory=list)
    comment: str | None = None
    index_comment: str | None = None  # COMMENT ON INDEX of the index behind the constraint
    # The parent table's index that this key's index is attached to (see partitions.py).
    parent: QualifiedName | None = None


@dataclass
class TableDraft:
    name: QualifiedName
    origin: Location
    columns: dict[str, ColumnDraft] = field(default_factory=dict)
    constraints: dict[str, ConstraintDraft] = field(default_factory=dict)
    partition_by: dict | None = None
    partition_of: QualifiedName | None = None
    partition_bound: dict | None = None
    inherits: list[QualifiedName] = field(default_factory=list)
    unlogged: bool = False
    options: list[str] = field(default_factory=list)
    comment: str | None = None
    rls_enabled: bool = False
    rls_forced: bool = False
    replica_identity: str = "d"
    cluster_on: str | None = None
    access_method: str | None = None
    # A partition's own settings of its parent's columns (only NOT NULL is modelled).
    partition_columns: dict[str, ColumnDraft] = field(default_factory=dict)


@dataclass
class SequenceDraft:
    name: QualifiedName
    origin: Location
    options: dict[str, Any] = field(default_factory=dict)
    owned_by: tuple[QualifiedName, str] | None = None
    unlogged: bool = False
    comment: str | None = None
    made_by_serial: bool = False  # a serial column's: logged or not as its table is (PostgreSQL 15+)


@dataclass
class IndexDraft:
    name: QualifiedName
    table: QualifiedName
    node: dict  # the pglast IndexStmt body
    origin: Location
    comment: str | None = None
    statistics: dict = field(default_factory=dict)  # column number -> SET STATISTICS target
    parent: QualifiedName | None = None  # the parent table's index this one is attached to
    search_path: tuple[str, ...] = ("public",)  # where the statement was written: resolves operator classes
