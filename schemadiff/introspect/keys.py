"""Constraints and indexes: which to state, with or without ONLY, in which order.

Why a module of its own: on partitioned and inheritance trees one statement on
the parent creates objects on every child, and the server adopts a child's
existing look-alike instead of creating a new one.  The dump must state
exactly what the parent's statement does not recreate, and order statements
so that adoption happens where it happened in the live database:

- A partition's index or key that carries the name the server gives the ones
  a parent index makes is left out: the parent's statement makes it again.
- One with another name (the parent adopted the user's index, or it was
  attached) is stated, and before the parent's statement, which adopts it;
  so is a partition's own key that a plain parent index adopted.
- An invalid partitioned index (created ON ONLY, not every partition
  attached) keeps ONLY, and each attached partition index is stated with an
  ALTER INDEX ... ATTACH PARTITION.
- A check a child declares itself and also inherits is stated before the
  parent's, which then merges with it; inherited copies are left out, and
  one that is valid under a NOT VALID parent is validated afterwards.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import IntrospectError
from . import ddl_text

Row = Any


@dataclass(frozen=True, slots=True)
class KeyStatements:
    """Each list already in creation order; the inspector places them."""

    keys: list[str]           # primary, unique and exclusion constraints
    checks: list[str]         # check constraints, then VALIDATE of copies
    indexes: list[str]        # plain indexes, then ATTACH PARTITION
    foreign_keys: list[str]


def key_statements(tables: list[Row], depth: dict[int, int],
                   constraints: list[Row], indexes: list[Row]) -> KeyStatements:
    tree = _Tree(tables, depth, indexes)
    keys: list[tuple[tuple, str]] = []
    checks: list[tuple[tuple, str]] = []
    fks: list[tuple[tuple, str]] = []
    by_name = {(c.table_oid, c.name): c for c in constraints}
    for con in constraints:
        t = tree.table[con.table_oid]
        where = (depth[t.oid], t.schema, t.name, con.name)
        if con.kind == "c":
            checks += _check(tree, t, con, where, by_name)
        elif con.kind == "f":
            if con.is_local and con.parent_oid == 0:  # not a clone of a parent's foreign key
                fks.append((where, ddl_text.add_constraint(t.ident, con, only=t.kind != "p")))
        else:
            ix = tree.index[con.index_oid]
            placement = tree.placement(ix)
            if placement is not None:
                stmt = ddl_text.add_constraint(t.ident, con, only=t.kind != "p" or not ix.valid)
                keys.append((_order(placement, *where), stmt))
    plain = []
    for ix in indexes:
        placement = tree.placement(ix) if ix.constraint_oid is None else None
        if placement == _PARENTS_FIRST and tree.stands_aside(ix):
            placement = _ADOPTED
        if placement is not None:
            t = tree.table[ix.table_oid]
            # Indexes of partitioned tables before the others: created first, they
            # make their own partition indexes instead of adopting a look-alike.
            first = placement == _PARENTS_FIRST and t.kind == "p"
            placement_key, *rest = _order(placement, depth[t.oid], t.schema, t.name, ix.name)
            plain.append(((placement_key, not first, *rest), _create_index(t, ix)))
    return KeyStatements(
        keys=_in_order(keys),
        checks=_in_order(checks),
        indexes=_in_order(plain) + tree.attachments(),
        foreign_keys=_in_order(fks),
    )


_ADOPTED, _PARENTS_FIRST = 0, 1


def _order(placement: int, depth: int, *names: str) -> tuple:
    """Adopted objects first and deepest first (each before the parent that adopts
    it); everything else parents first; then by schema, table and name."""
    return (placement, -depth if placement == _ADOPTED else depth, *names)


def _in_order(keyed: list[tuple[tuple, str]]) -> list[str]:
    return [stmt for _, stmt in sorted(keyed)]


class _Tree:
    def __init__(self, tables: list[Row], depth: dict[int, int], indexes: list[Row]):
        self.table = {t.oid: t for t in tables}
        self.index = {ix.oid: ix for ix in indexes}
        self.depth = depth
        self.parents_of_children = {p for t in tables for p in t.parents}

    def placement(self, ix: Row) -> int | None:
        """None when the parent index's statement recreates `ix`."""
        if ix.parent_oid is None:
            return _PARENTS_FIRST
        parent = self.index.get(ix.parent_oid)
        if parent is None:
            raise IntrospectError(f"index {ix.qualified_ident} is a partition of an index outside the user schema")
        if not parent.valid:
            return _PARENTS_FIRST   # attached explicitly, see attachments()
        if ix.constraint_oid is not None and ix.constraint_parent_oid == 0:
            return _ADOPTED         # the partition's own key, adopted by a plain index
        if not _server_chosen(ix):
            return _ADOPTED
        return None

    def stands_aside(self, ix: Row) -> bool:
        """Is `ix` a partition's own index that no parent index could adopt?

        Such an index is created before the parents' indexes, as it may have
        been in the live database: the server numbers the name of an index it
        makes on the partition (p1_a_idx1) when the plain name is taken, and
        the number comes out the same only if the taker already exists.  An
        index that matches one the partition has from a parent (the same
        definition but for name and storage parameters) stays after the
        parents, or a parent would adopt it.
        """
        t = self.table[ix.table_oid]
        if ix.parent_oid is not None or not t.is_partition:
            return False
        shape = _shape(t, ix)
        return all(_shape(t, other) != shape for other in self.index.values()
                   if other.table_oid == ix.table_oid and other.parent_oid is not None
                   and other.definition is not None)

    def attachments(self) -> list[str]:
        out = []
        for ix in self.index.values():
            parent = self.index.get(ix.parent_oid) if ix.parent_oid is not None else None
            if parent is not None and not parent.valid:
                t = self.table[ix.table_oid]
                out.append(((self.depth[t.oid], t.schema, t.name, ix.name),
                            f"ALTER INDEX {parent.qualified_ident} ATTACH PARTITION {ix.qualified_ident};"))
        return _in_order(out)


_MERGED, _CHECK, _VALIDATE = 0, 1, 2


def _check(tree: _Tree, t: Row, con: Row, where: tuple, by_name: dict) -> list[tuple[tuple, str]]:
    out = []
    if con.is_local:
        recurses = not con.no_inherit and (t.kind == "p" or t.oid in tree.parents_of_children)
        stmt = ddl_text.add_constraint(t.ident, con, only=not recurses)
        if con.inherited_count > 0:  # also inherited: must exist before the parent's arrives
            out.append(((_MERGED, -where[0], *where[1:]), stmt))
        else:
            out.append(((_CHECK, *where), stmt))
    if con.validated and con.inherited_count > 0 and any(
            (p, con.name) in by_name and not by_name[(p, con.name)].validated for p in t.parents):
        out.append(((_VALIDATE, *where), f"ALTER TABLE {t.ident} VALIDATE CONSTRAINT {con.ident};"))
    return out


def _create_index(table: Row, ix: Row) -> str:
    """pg_get_indexdef, the table always qualified, ONLY only for an invalid partitioned index.

    The server prints ON ONLY for every index of a partitioned table; without
    it the index reaches the partitions, as a valid one must.
    """
    unique, rest = _split_definition(table, ix)
    only_kw = "ONLY " if table.kind == "p" and not ix.valid else ""
    return f"{unique}{ix.ident} ON {only_kw}{table.ident} USING {rest};"


def _split_definition(table: Row, ix: Row) -> tuple[str, str]:
    """('CREATE [UNIQUE] INDEX ', what follows 'USING ') of pg_get_indexdef.

    The table is matched in both the qualified and the regclass spelling, as
    servers have printed both.
    """
    for unique in ("CREATE UNIQUE INDEX ", "CREATE INDEX "):
        for only in ("ONLY ", ""):
            for spelled in (table.ident, ix.table_text):
                prefix = f"{unique}{ix.ident} ON {only}{spelled} USING "
                if ix.definition.startswith(prefix):
                    return unique, ix.definition[len(prefix):]
    raise IntrospectError(f"unexpected index definition: {ix.definition}")


_STORAGE_PARAMETERS = re.compile(r" WITH \((?:[^')]|'(?:[^']|'')*')*\)")


def _shape(table: Row, ix: Row) -> tuple[str, str]:
    """What the server compares when it looks for an index to adopt: all but
    the name and the storage parameters."""
    unique, rest = _split_definition(table, ix)
    return unique, _STORAGE_PARAMETERS.sub("", rest, count=1)


def _server_chosen(ix: Row) -> bool:
    """Is the index's name one the server would choose, a number added against a clash included?"""
    if ix.name == _server_chosen_name(ix):
        return True
    label = "pkey" if ix.constraint_kind == "p" else {"u": "key", "x": "excl"}.get(ix.constraint_kind, "idx")
    addition = None if ix.constraint_kind == "p" else _name_addition(_column_names(ix.column_names))
    return any(ix.name == ddl_text.make_object_name(ix.table_name, addition, f"{label}{n}") for n in range(1, 100))


def _server_chosen_name(ix: Row) -> str:
    """The name the server gives the index it makes on a partition for a parent
    index (ChooseIndexName on a cloned index, whose columns keep the index's
    column names, INCLUDE columns too), before any number added against a
    clash.  A wrong guess only makes the dump state an index that the parent's
    statement would have made."""
    if ix.constraint_kind == "p":
        return ddl_text.make_object_name(ix.table_name, None, "pkey")
    label = {"u": "key", "x": "excl"}.get(ix.constraint_kind, "idx")
    return ddl_text.make_object_name(ix.table_name, _name_addition(_column_names(ix.column_names)), label)


def _column_names(names: list[str]) -> list[str]:
    """ChooseIndexColumnNames: a repeated name gets a number."""
    out: list[str] = []
    for name in names:
        chosen, n = name, 0
        while chosen in out:
            n += 1
            chosen = name.encode()[: _NAME_BYTES - len(str(n))].decode("utf-8", errors="ignore") + str(n)
        out.append(chosen)
    return out


def _name_addition(names: list[str]) -> str:
    """ChooseIndexNameAddition: names joined by '_' until NAMEDATALEN is reached."""
    buf = b""
    for name in names:
        if buf:
            buf += b"_"
        buf += name.encode()[:_NAME_BYTES]
        if len(buf) > _NAME_BYTES:
            break
    return buf.decode("utf-8", errors="ignore")


_NAME_BYTES = 63  # NAMEDATALEN - 1
