"""Partitioning rules: keys without the partition key, default partitions."""
from __future__ import annotations

from typing import Iterator

from ...model import Catalog, quote_ident
from ..findings import Report
from ..registry import rule
from ._common import (checked_tables, columns_sql, constraint_label, keyed_indexes, partition_key,
                      partition_strategy, table_label)


def _missing(key: list[str | None], columns) -> list[str]:
    have = set(columns)
    return ["(expression)" if k is None else k for k in key if k is None or k not in have]


@rule("partitioned-unique-without-partition-key", severity="error")
def partitioned_unique_without_partition_key(catalog: Catalog) -> Iterator[Report]:
    """Primary key or unique constraint of a partitioned table without the partition key.

    What it does:
        Reports a primary key, unique constraint or unique index on a partitioned table
        whose key columns do not include every column of the partition key (or when the
        partition key is an expression).

    Why it matters:
        PostgreSQL enforces uniqueness per partition only, so it refuses such a key:
        the CREATE TABLE or ALTER TABLE fails ("unique constraint on partitioned table
        must include all partitioning columns") and the table does not exist at all.

    Example:
        CREATE TABLE user_interactions (id bigint PRIMARY KEY, created_at timestamptz)
            PARTITION BY RANGE (created_at);

    Fix:
        Add the partition key columns to the key, and to the foreign keys that reference it:

            CREATE TABLE user_interactions (id bigint, created_at timestamptz,
                                            PRIMARY KEY (id, created_at))
                PARTITION BY RANGE (created_at);

        If the other columns must be unique on their own, enforce it in each partition or
        with a separate non-partitioned table of keys.
    """
    for t in checked_tables(catalog):
        key = partition_key(t)
        if not key:
            continue
        for ix in keyed_indexes(catalog, t):
            if not ix.unique:
                continue
            missing = _missing(key, [c for c in ix.columns if c])
            if missing:
                yield Report(ix.label, ix.location,
                             f"{ix.kind_name} {ix.name} on partitioned table {t.name.display} lacks partition key "
                             f"column(s) {', '.join(missing)}: PostgreSQL refuses it",
                             f"add {', '.join(missing)} to the key ({ix.kind_name} {ix.name})")


@rule("fk-to-partitioned-table-without-partition-key", severity="error")
def fk_to_partitioned_without_partition_key(catalog: Catalog) -> Iterator[Report]:
    """Foreign key to a partitioned table that leaves out its partition key.

    What it does:
        Reports a foreign key referencing a partitioned table by columns that do not
        include every column of that table's partition key.

    Why it matters:
        A foreign key needs a unique key on the referenced columns, and a partitioned
        table's unique keys must contain the partition key: such a foreign key cannot be
        created. Referencing `id` alone also loses the partition pruning that makes
        lookups from the child cheap.

    Example:
        CREATE TABLE video_interactions (
            interaction_id bigint REFERENCES user_interactions (id));  -- partitioned by created_at

    Fix:
        Store the partition key in the referencing table and reference both columns:

            CREATE TABLE video_interactions (
                interaction_id bigint, interaction_created_at timestamptz,
                FOREIGN KEY (interaction_id, interaction_created_at)
                    REFERENCES user_interactions (id, created_at));
    """
    for t in checked_tables(catalog):
        for con in t.constraints:
            if con.kind != "f" or con.ref_table is None:
                continue
            target = catalog.tables.get(con.ref_table)
            key = partition_key(target) if target is not None else None
            if not key:
                continue
            missing = _missing(key, con.ref_columns)
            if missing:
                yield Report(constraint_label(t, con), con.origin,
                             f"foreign key {con.name} of {t.name.display} references partitioned table "
                             f"{con.ref_table.display} ({columns_sql(con.ref_columns)}) without its partition key "
                             f"column(s) {', '.join(missing)}",
                             f"add a column for {', '.join(missing)} to {t.name.display} and reference "
                             f"({columns_sql([*con.ref_columns, *missing])})")


@rule("partitioned-without-default-partition", severity="warning")
def partitioned_without_default_partition(catalog: Catalog) -> Iterator[Report]:
    """Range or list partitioned table without a default partition.

    What it does:
        Reports a table partitioned by RANGE or LIST that has no DEFAULT partition
        (hash partitioning cannot have one and covers every value anyway).

    Why it matters:
        An INSERT whose key falls outside every partition fails with "no partition of
        relation found for row". With partitions created ahead of time by a job, a late
        or failed job turns into failed writes for the application.

    Example:
        CREATE TABLE events (created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
        CREATE TABLE events_2023_01 PARTITION OF events
            FOR VALUES FROM ('2023-01-01') TO ('2023-02-01');

    Fix:
        Add a default partition, and keep it nearly empty by creating partitions ahead of time:

            CREATE TABLE events_default PARTITION OF events DEFAULT;

        (Creating a partition scans the default partition for rows that belong to the new
        one, so it must stay small.)
    """
    for t in catalog.tables.values():
        if t.partition_by is None or partition_strategy(t) == "hash":
            continue
        if any(p.partition_bound is not None and '"is_default":true' in p.partition_bound.key
               for p in catalog.partitions_of(t.name)):
            continue
        default = quote_ident(f"{t.name.name}_default"[:63])
        yield Report(table_label(t), t.origin,
                     f"partitioned table {t.name.display} has no default partition: rows outside every "
                     "partition are refused",
                     f"CREATE TABLE {quote_ident(t.name.schema)}.{default} PARTITION OF {t.name} DEFAULT;")
