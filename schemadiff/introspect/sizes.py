"""How big the live tables are: what makes a lock or a scan cost seconds or hours.

Read for the tables a plan touches only, in one query: pg_class.reltuples (the planner's
estimate, refreshed by ANALYZE) and pg_total_relation_size, summed over partitions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..model import QualifiedName


@dataclass(frozen=True)
class TableSize:
    rows: int | None  # pg_class.reltuples summed over partitions; None when never analyzed
    bytes: int  # pg_total_relation_size summed over partitions

    def describe(self) -> str:
        rows = "row count unknown (never analyzed)" if self.rows is None else f"~{_count(self.rows)} rows"
        return f"{rows}, {_bytes(self.bytes)}"


def _count(n: int) -> str:
    for unit, div in (("G", 10 ** 9), ("M", 10 ** 6), ("k", 10 ** 3)):
        if n >= div:
            return f"{n / div:.1f}{unit}"
    return str(n)


def _bytes(n: int) -> str:
    for unit, div in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("kB", 1024)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} bytes"


TABLE_SIZES_SQL = """
SELECT t.name,
       coalesce(sum(c.reltuples) FILTER (WHERE c.reltuples >= 0 AND c.relkind IN ('r', 'm')), 0)::bigint,
       bool_or(c.reltuples < 0 AND c.relkind IN ('r', 'm')),
       coalesce(sum(pg_catalog.pg_total_relation_size(c.oid)), 0)::bigint,
       count(c.oid)
FROM unnest(%(tables)s::text[]) AS t(name)
CROSS JOIN LATERAL (SELECT pg_catalog.to_regclass(t.name) AS relid
                    UNION
                    SELECT pt.relid FROM pg_catalog.pg_partition_tree(pg_catalog.to_regclass(t.name)) pt) tree
JOIN pg_catalog.pg_class c ON c.oid = tree.relid
GROUP BY t.name
"""


def table_sizes(dsn: str, tables: Iterable[QualifiedName], lock_timeout: str | None = "5s"
                ) -> dict[QualifiedName, TableSize]:
    """The size of each table that exists (tables a plan creates have none).

    pg_total_relation_size locks the table it measures: the wait is bounded like the catalog's."""
    from ..locks import bounded_read
    wanted = {str(qn): qn for qn in set(tables)}
    if not wanted:
        return {}
    rows = bounded_read(dsn, lock_timeout, "cannot read the sizes of the tables the plan changes",
                        lambda conn: conn.execute(TABLE_SIZES_SQL, {"tables": sorted(wanted)}).fetchall())
    return {wanted[name]: TableSize(None if unknown and not n_rows else int(n_rows), int(size))
            for name, n_rows, unknown, size, n in rows if n}
