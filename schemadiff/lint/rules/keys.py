"""Key rules: tables without a primary key, nullable columns in unique keys."""
from __future__ import annotations

from typing import Iterator

from ...model import Catalog
from ..findings import Report
from ..registry import rule
from ._common import checked_tables, columns_sql, keyed_indexes, table_label


@rule("table-without-primary-key", severity="warning")
def table_without_primary_key(catalog: Catalog) -> Iterator[Report]:
    """Table without a primary key.

    What it does:
        Reports a table (partitions excepted: they share their parent's key) that
        declares no PRIMARY KEY.

    Why it matters:
        Without a key nothing stops duplicate rows, rows cannot be addressed one by one
        (updates, deletes, foreign keys pointing at them), and logical replication cannot
        replicate its updates and deletes without REPLICA IDENTITY FULL.

    Example:
        CREATE TABLE events (happened_at timestamptz, payload jsonb);

    Fix:
        Declare the natural key, or add a surrogate one:

            CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                 happened_at timestamptz, payload jsonb);

        A table that truly needs none (a staging or log table written once and read in
        bulk) can say so with `-- schemadiff: ignore table-without-primary-key`.
    """
    for t in checked_tables(catalog):
        if not any(c.kind == "p" for c in t.constraints):
            unique = [c.name for c in t.constraints if c.kind == "u"]
            hint = f" (unique constraint {unique[0]} could become it)" if unique else ""
            yield Report(table_label(t), t.origin, f"table {t.name.display} has no primary key{hint}",
                         "declare a PRIMARY KEY: the natural key, or a GENERATED ALWAYS AS IDENTITY column")


@rule("nullable-unique-identifier", severity="warning")
def nullable_unique_identifier(catalog: Catalog) -> Iterator[Report]:
    """Nullable column in a unique constraint or unique index.

    What it does:
        Reports a unique constraint or unique index with a key column that can be NULL,
        unless it is declared NULLS NOT DISTINCT or its predicate requires the column
        IS NOT NULL. Expression keys are not checked.

    Why it matters:
        NULL is distinct from every value, NULL included: a unique key meant to identify
        a row accepts any number of rows that agree on every other column and have NULL
        in this one, and ON CONFLICT on it never fires for them. The duplicates surface
        later, as wrong counts or failed upserts.

    Example:
        CREATE TABLE content_items (module_id uuid NOT NULL, position int,
                                    UNIQUE (module_id, position));
        -- two rows (m, NULL) are both accepted

    Fix:
        Make the column NOT NULL when the key identifies rows. When NULL means "no value"
        and at most one such row may exist, declare the key NULLS NOT DISTINCT
        (PostgreSQL 15+). When several are fine, say so with a partial index
        `WHERE column IS NOT NULL` or `-- schemadiff: ignore nullable-unique-identifier`.
    """
    for t in checked_tables(catalog):
        for ix in keyed_indexes(catalog, t):
            if not ix.unique or ix.constraint == "p" or ix.nulls_not_distinct:
                continue
            nullable: list[str] = []
            for c in ix.columns:
                col = t.column(c) if c else None
                if c and col is not None and not col.not_null and c not in ix.predicate_not_null and c not in nullable:
                    nullable.append(c)
            if nullable:
                yield Report(ix.label, ix.location,
                             f"{ix.kind_name} {ix.name} on {t.name.display} has nullable column(s) "
                             f"{', '.join(nullable)}: rows with NULL there never conflict",
                             f"declare {columns_sql(nullable)} NOT NULL, or the key NULLS NOT DISTINCT")
