"""Index rules: foreign keys without an index, redundant and duplicate indexes."""
from __future__ import annotations

from typing import Iterator

from ...model import Catalog, quote_ident
from ..findings import Report
from ..registry import rule
from ._common import KeyedIndex, checked_tables, columns_sql, constraint_label, keyed_indexes

_EQUALITY_METHODS = ("btree", "hash")


def _covers(ix: KeyedIndex, columns: tuple[str, ...]) -> bool:
    """Do the index's leading len(columns) key columns, in any order, equal `columns`?"""
    k = len(columns)
    if ix.predicate is not None or ix.method not in _EQUALITY_METHODS or len(ix.columns) < k:
        return False
    if ix.method == "hash" and k != 1:
        return False
    lead = ix.columns[:k]
    return None not in lead and set(lead) == set(columns)


@rule("fk-without-index", severity="warning")
def fk_without_index(catalog: Catalog) -> Iterator[Report]:
    """Foreign key whose columns lead no index.

    What it does:
        Reports a foreign key when no index, primary key or unique constraint of the
        referencing table starts with the foreign key's columns (in any order). Partial
        indexes and expression indexes do not count.

    Why it matters:
        Every DELETE or key UPDATE on the referenced table looks up the referencing rows
        (to cascade, set null or refuse): without an index that is a sequential scan of the
        referencing table per deleted row, under a lock. Joins from parent to children need
        the same index.

    Example:
        CREATE TABLE orders (id bigint PRIMARY KEY,
                             customer_id bigint REFERENCES customers (id));

    Fix:
        Add an index that starts with the foreign key's columns:

            CREATE INDEX orders_customer_id_idx ON orders (customer_id);

        A composite index serves too when the foreign key's columns come first, e.g.
        (customer_id, created_at) for "a customer's latest orders".
    """
    for t in checked_tables(catalog):
        indexes = keyed_indexes(catalog, t)
        for con in t.constraints:
            if con.kind != "f" or any(_covers(ix, con.columns) for ix in indexes):
                continue
            cols = columns_sql(con.columns)
            name = quote_ident(f"{t.name.name}_{'_'.join(con.columns)}_idx"[:63])
            yield Report(constraint_label(t, con), con.origin,
                         f"foreign key {con.name} ({cols}) of {t.name.display} has no index starting with its "
                         f"columns: deletes and key updates on {con.ref_table.display if con.ref_table else '?'} "
                         f"scan {t.name.display}",
                         f"CREATE INDEX {name} ON {t.name} ({cols});")


def _same_shape(a: KeyedIndex, b: KeyedIndex) -> bool:
    return a.method == b.method and a.predicate == b.predicate


def _duplicates(a: KeyedIndex, b: KeyedIndex) -> bool:
    if not (_same_shape(a, b) and a.elements == b.elements and a.include == b.include):
        return False
    if a.unique and b.unique and a.nulls_not_distinct != b.nulls_not_distinct:
        return False
    return True


def _keeper_order(ix: KeyedIndex) -> tuple:
    """Which of two duplicates to keep: a constraint's, then a unique one, then the first by name."""
    return (ix.constraint is None, ix.constraint != "p", not ix.unique, ix.name)


@rule("duplicate-index", severity="warning")
def duplicate_index(catalog: Catalog) -> Iterator[Report]:
    """Two indexes with the same definition.

    What it does:
        Reports an index (or a primary key/unique constraint) that has the same access
        method, key columns and expressions, INCLUDE columns and predicate as another
        one on the same table. Of each set of duplicates, the one kept is a constraint's
        index, else a unique one, else the first by name; the others are reported. A
        unique index is never reported in favour of a non-unique one.

    Why it matters:
        Every duplicate is written on each INSERT and UPDATE, takes disk and cache space
        and vacuum time, and serves no query the other does not.

    Example:
        CREATE TABLE users (id uuid PRIMARY KEY, email text UNIQUE);
        CREATE INDEX users_email_idx ON users (email);  -- same as users_email_key

    Fix:
        Drop the duplicate (remove its CREATE INDEX from the schema files), after checking
        that nothing refers to it by name (hints, CLUSTER, replica identity).
    """
    for t in checked_tables(catalog):
        indexes = sorted(keyed_indexes(catalog, t), key=_keeper_order)
        reported: set[str] = set()
        for i, keep in enumerate(indexes):
            if keep.name in reported:
                continue
            for dup in indexes[i + 1:]:
                if dup.name in reported or not _duplicates(keep, dup):
                    continue
                reported.add(dup.name)
                what = "drop the constraint" if dup.constraint else f"DROP INDEX {quote_ident(t.name.schema)}." \
                                                                   f"{quote_ident(dup.name)};"
                yield Report(dup.label, dup.location,
                             f"{dup.kind_name} {dup.name} on {t.name.display} duplicates {keep.kind_name} {keep.name}",
                             f"{what} ({keep.name} already serves the same lookups)")


def _makes_redundant(big: KeyedIndex, small: KeyedIndex) -> bool:
    """Does `big` serve every lookup `small` does, so that `small` is redundant?"""
    if small.unique or not _same_shape(big, small) or big.method != "btree":
        return False
    if len(small.elements) >= len(big.elements) or big.elements[:len(small.elements)] != small.elements:
        return False
    return small.include <= set(big.columns) | big.include


@rule("redundant-index", severity="warning")
def redundant_index(catalog: Catalog) -> Iterator[Report]:
    """Index whose columns are the left edge of another index.

    What it does:
        Reports a non-unique B-tree index whose key columns (or expressions) are a
        strict left prefix of another B-tree index, primary key or unique constraint on
        the same table, with the same predicate (or none) and INCLUDE columns that the
        longer index also holds. A unique index is never redundant: it enforces a
        constraint the longer index does not.

    Why it matters:
        The longer index answers every query the shorter one does (B-tree lookups use
        any left prefix of the key), so the shorter one only costs writes, disk, cache
        and vacuum time.

    Example:
        CREATE TABLE course_modules (course_id uuid, position int,
                                     UNIQUE (course_id, position));
        CREATE INDEX course_modules_course_id_idx ON course_modules (course_id);

    Fix:
        Drop the shorter index; the longer one serves its queries:

            DROP INDEX course_modules_course_id_idx;  -- i.e. remove it from the schema files

        Keep it only if measurements show the smaller index matters (a very wide longer
        key), and then say why with `-- schemadiff: ignore redundant-index`.
    """
    for t in checked_tables(catalog):
        indexes = keyed_indexes(catalog, t)
        for small in indexes:
            if small.constraint is not None:
                continue
            bigger = [b for b in indexes if b is not small and _makes_redundant(b, small)]
            if not bigger:
                continue
            big = min(bigger, key=lambda b: (b.constraint is None, len(b.elements), b.name))
            yield Report(small.label, small.location,
                         f"index {small.name} on {t.name.display} is a left prefix of {big.kind_name} {big.name}, "
                         "which serves the same lookups",
                         f"DROP INDEX {quote_ident(t.name.schema)}.{quote_ident(small.name)};")
