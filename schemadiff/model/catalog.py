"""Catalog: the whole schema as one immutable value.

Both producers (parse/, introspect/) return one; diff/ compares two.  Objects
are keyed by identity in plain dicts wrapped read-only; iteration order is
sorted by identity so that everything downstream is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

from .names import QualifiedName
from .objects import EnumType, Extension, Index, Schema, Sequence, Table

DEFAULT_SCHEMA = "public"


def _frozen(d: Mapping) -> Mapping:
    return MappingProxyType(dict(sorted(d.items())))


@dataclass(frozen=True)
class Catalog:
    schemas: Mapping[str, Schema] = field(default_factory=dict)
    extensions: Mapping[str, Extension] = field(default_factory=dict)
    enums: Mapping[QualifiedName, EnumType] = field(default_factory=dict)
    sequences: Mapping[QualifiedName, Sequence] = field(default_factory=dict)
    tables: Mapping[QualifiedName, Table] = field(default_factory=dict)
    indexes: Mapping[QualifiedName, Index] = field(default_factory=dict)
    server_version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for f in ("schemas", "extensions", "enums", "sequences", "tables", "indexes"):
            object.__setattr__(self, f, _frozen(getattr(self, f)))

    def filtered(self, keep: Callable[[QualifiedName], bool]) -> "Catalog":
        """The catalog without the tables, sequences, indexes and types that `keep` rejects.

        Why here: --exclude must act on both sides identically.
        """
        tables = {k: t for k, t in self.tables.items() if keep(k)}
        return Catalog(
            schemas=self.schemas,
            extensions=self.extensions,
            enums={k: v for k, v in self.enums.items() if keep(k)},
            sequences={k: v for k, v in self.sequences.items() if keep(k)},
            tables=tables,
            indexes={k: v for k, v in self.indexes.items() if keep(k) and v.table in tables},
            server_version=self.server_version,
        )

    def indexes_of(self, table: QualifiedName) -> list[Index]:
        return [i for i in self.indexes.values() if i.table == table]

    def partitions_of(self, table: QualifiedName) -> list[Table]:
        return [t for t in self.tables.values() if t.partition_of == table]

    def object_count(self) -> int:
        return (len(self.schemas) + len(self.extensions) + len(self.enums) + len(self.sequences)
                + len(self.tables) + len(self.indexes))
