"""Catalog: the whole schema as one immutable value.

Both producers (parse/, introspect/) return one; diff/ compares two.  Objects
are keyed by identity in plain dicts wrapped read-only; iteration order is
sorted by identity so that everything downstream is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping

from .names import QualifiedName
from .renames import RenameHint
from .objects import (Carried, CompositeType, DefaultPrivilege, Domain, EnumType, Extension, Function, FunctionName,
                      Grant, Index, Owner, OwnerPrivileges, Policy, RangeType, Schema, Sequence, Table, Trigger, View)

DEFAULT_SCHEMA = "public"


def _grant_kept(grant: Grant | OwnerPrivileges, keep: Callable[[QualifiedName], bool]) -> bool:
    """A grant goes with its object: kept when the object's name passes `keep`."""
    name = grant.object_name
    if grant.object_kind == "schema":
        return keep(QualifiedName(name.strip('"'), ""))
    base = name.split("(", 1)[0]
    schema, _, rel = base.partition(".")
    if not rel:
        return True
    return keep(QualifiedName(schema.strip('"'), rel.strip('"')))


def _and_not_in(keep: Callable[[QualifiedName], bool], names: set[QualifiedName]) -> Callable[[QualifiedName], bool]:
    return lambda qn: keep(qn) and qn not in names


def _owner_name(owner: Owner) -> QualifiedName:
    """The name --exclude patterns see for an owned object (a schema's is (schema, ""))."""
    path = owner.target.path
    return QualifiedName(path[0], path[1] if len(path) > 1 else "")


def _restore_catalog(values: tuple[Any, ...]) -> "Catalog":
    catalog = object.__new__(Catalog)
    for name, v in zip(_FIELD_NAMES, values):
        object.__setattr__(catalog, name, MappingProxyType(v) if name in Catalog._MAPPINGS else v)
    return catalog


def _frozen(d: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(sorted(d.items())))


@dataclass(frozen=True)
class Catalog:
    schemas: Mapping[str, Schema] = field(default_factory=dict)
    extensions: Mapping[str, Extension] = field(default_factory=dict)
    enums: Mapping[QualifiedName, EnumType] = field(default_factory=dict)
    sequences: Mapping[QualifiedName, Sequence] = field(default_factory=dict)
    tables: Mapping[QualifiedName, Table] = field(default_factory=dict)
    indexes: Mapping[QualifiedName, Index] = field(default_factory=dict)
    views: Mapping[QualifiedName, View] = field(default_factory=dict)
    functions: Mapping[FunctionName, Function] = field(default_factory=dict)
    triggers: Mapping[tuple[QualifiedName, str], Trigger] = field(default_factory=dict)
    domains: Mapping[QualifiedName, Domain] = field(default_factory=dict)
    composites: Mapping[QualifiedName, CompositeType] = field(default_factory=dict)
    ranges: Mapping[QualifiedName, RangeType] = field(default_factory=dict)
    policies: Mapping[tuple[QualifiedName, str], Policy] = field(default_factory=dict)
    grants: frozenset[Grant] = frozenset()
    default_privileges: frozenset[DefaultPrivilege] = frozenset()
    owners: frozenset[Owner] = frozenset()
    # What a role keeps of its own privileges after revoking them, should it own the object.
    owner_privileges: frozenset[OwnerPrivileges] = frozenset()
    # Operators, casts, collations, statistics, rules, event triggers: by (kind, name) (parse/carried.py).
    carried: Mapping[tuple[str, str], Carried] = field(default_factory=dict)
    # The grants on schema public under PostgreSQL 14's defaults (PUBLIC had CREATE too); `grants`
    # has them under 15's.  The diff takes these against a server older than 15.
    public_schema_grants_14: frozenset[Grant] = field(default=frozenset(), compare=False)
    # Who owns what `owners` does not list: the live side's connected role (None for files).
    default_owner: str | None = field(default=None, compare=False)
    server_version: int | None = field(default=None, compare=False)
    # Live indexes left INVALID by a failed CREATE INDEX CONCURRENTLY: present, but to be rebuilt.
    invalid_indexes: frozenset[QualifiedName] = field(default=frozenset(), compare=False)
    # Partitions that --exclude took out, by parent: an online index build must still reach them.
    excluded_partitions: Mapping[QualifiedName, tuple[Table, ...]] = field(default_factory=dict, compare=False)
    # Live side: the comment CREATE EXTENSION sets, by extension name (see diff extensions()).
    extension_comments: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Live side: the version CREATE EXTENSION installs, by extension name: what a file without
    # VERSION asks for (see diff extensions()).
    extension_default_versions: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Live side: where each readable sequence stands, by sequence name and, for an identity's, by
    # (table, column): its last value, or None when it never handed one out.  ALTER SEQUENCE checks
    # that value against new bounds (see diff sequences()).
    sequence_positions: Mapping[object, int | None] = field(default_factory=dict, compare=False)
    # Live side: the types extensions bring, by name -> extension (they are not in `enums` & co.).
    extension_types: Mapping[QualifiedName, str] = field(default_factory=dict, compare=False)
    # Live side: default operator classes outside pg_catalog, as (access method, schema, name).
    default_opclasses: frozenset[tuple[str, str, str]] = field(default=frozenset(), compare=False)
    # Files side: `-- schemadiff: renamed from OLD` comments (model/renames.py, diff/renames.py).
    rename_hints: tuple[RenameHint, ...] = field(default=(), compare=False)

    _MAPPINGS = ("schemas", "extensions", "enums", "sequences", "tables", "indexes", "views", "functions",
                 "triggers", "domains", "composites", "ranges", "policies", "carried")

    def __post_init__(self) -> None:
        for f in self._MAPPINGS:
            object.__setattr__(self, f, _frozen(getattr(self, f)))
        object.__setattr__(self, "grants", frozenset(self.grants))
        object.__setattr__(self, "default_privileges", frozenset(self.default_privileges))
        object.__setattr__(self, "owners", frozenset(self.owners))
        object.__setattr__(self, "owner_privileges", frozenset(self.owner_privileges))

    def __reduce__(self) -> tuple[Callable[..., Catalog], tuple[tuple[object, ...]]]:
        """Pickled as its field values, the read-only mappings as plain dicts (a mappingproxy does
        not pickle); restored without sorting them again: they are sorted already."""
        return _restore_catalog, (tuple(dict(v) if type(v) is MappingProxyType else v
                                        for v in (getattr(self, f) for f in _FIELD_NAMES)),)

    def filtered(self, keep: Callable[[QualifiedName], bool]) -> "Catalog":
        """The catalog without the tables, sequences, indexes and types that `keep` rejects.

        Why here: --exclude must act on both sides identically.
        """
        tables = {k: t for k, t in self.tables.items() if keep(k)}
        # What belongs to a table left out goes with it: a sequence OWNED BY one of its columns (a
        # SERIAL's), with its grants and owner.  Kept, a plan would create it and attach it to a
        # table it does not create (a migration tool's bookkeeping table is the usual case).
        owned = {k for k, s in self.sequences.items()
                 if s.owned_by is not None and s.owned_by[0] in self.tables and s.owned_by[0] not in tables}
        if owned:
            keep = _and_not_in(keep, owned)
        excluded: dict[QualifiedName, list[Table]] = {}
        for k, t in self.tables.items():
            if k not in tables and t.partition_of is not None:
                excluded.setdefault(t.partition_of, []).append(t)
        kept: dict[str, Any]  # field name -> its mapping filtered, for replace()
        kept = {"schemas": {k: v for k, v in self.schemas.items() if keep(QualifiedName(k, ""))},
                "enums": {k: v for k, v in self.enums.items() if keep(k)},
                "sequences": {k: v for k, v in self.sequences.items() if keep(k)},
                "tables": tables,
                "indexes": {k: v for k, v in self.indexes.items()
                            if keep(k) and (v.table in tables or v.table in self.views)},
                "views": {k: v for k, v in self.views.items() if keep(k)},
                "functions": {k: v for k, v in self.functions.items() if keep(k.qualified)},
                "triggers": {k: v for k, v in self.triggers.items() if k[0] in tables or k[0] in self.views},
                "domains": {k: v for k, v in self.domains.items() if keep(k)},
                "composites": {k: v for k, v in self.composites.items() if keep(k)},
                "ranges": {k: v for k, v in self.ranges.items() if keep(k)},
                "policies": {k: v for k, v in self.policies.items() if k[0] in tables}}
        grants = frozenset(g for g in self.grants if _grant_kept(g, keep))
        owner_privileges = frozenset(p for p in self.owner_privileges if _grant_kept(p, keep))
        owners = frozenset(o for o in self.owners if keep(_owner_name(o)))
        if not excluded and len(grants) == len(self.grants) and len(owners) == len(self.owners) \
                and len(owner_privileges) == len(self.owner_privileges) and all(
                len(v) == len(getattr(self, k)) for k, v in kept.items()):
            return self  # nothing left out: no second copy of a big catalog
        return replace(
            self,
            excluded_partitions={**self.excluded_partitions, **{k: tuple(v) for k, v in excluded.items()}},
            # A pattern that takes a whole schema ("archive.*") takes the schema too (see "schemas").
            **kept, grants=grants, owners=owners, owner_privileges=owner_privileges,
        )

    def indexes_of(self, table: QualifiedName) -> list[Index]:
        return [i for i in self.indexes.values() if i.table == table]

    def partitions_of(self, table: QualifiedName) -> list[Table]:
        return [t for t in self.tables.values() if t.partition_of == table]

    def object_count(self) -> int:
        return sum(len(getattr(self, f)) for f in self._MAPPINGS) + len(self.grants)

    def types(self) -> set[QualifiedName]:
        """Every user-defined type name: enums, domains, composite and range types."""
        return set(self.enums) | set(self.domains) | set(self.composites) | set(self.ranges)



_FIELD_NAMES = tuple(f.name for f in fields(Catalog))
