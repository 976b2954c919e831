"""Documentation rules: objects without a comment (opt-in)."""
from __future__ import annotations

from typing import Iterator

from ...model import Catalog, quote_ident
from ..findings import Report
from ..registry import rule
from ._common import checked_tables, column_label, table_label


@rule("missing-comment", severity="info", opt_in=True)
def missing_comment(catalog: Catalog) -> Iterator[Report]:
    """Table, column, view or function without a comment.

    What it does:
        Reports every table (partitions excepted), column, view and function that has
        no COMMENT. Off unless enabled (`enable = ["missing-comment"]` in
        `[tool.schemadiff.lint]`, or `--enable missing-comment`).

    Why it matters:
        Comments live in the database next to what they describe: `\\d+` shows them,
        `schemadiff docs` turns them into the schema's documentation, and they are the
        only place where units, allowed values and the meaning of NULL are written down
        for the next person.

    Example:
        CREATE TABLE user_progress (user_id uuid, completion_percentage numeric(5,2));

    Fix:
        Add a COMMENT next to the declaration:

            COMMENT ON TABLE user_progress IS 'One row per learner and course they started.';
            COMMENT ON COLUMN user_progress.completion_percentage IS 'Percent of required items completed (0 to 100).';
    """
    for t in checked_tables(catalog):
        if not t.comment:
            yield Report(table_label(t), t.origin, f"table {t.name.display} has no comment",
                         f"COMMENT ON TABLE {t.name} IS '...';")
        for c in t.columns:
            if not c.comment:
                yield Report(column_label(t, c.name), c.origin, f"column {t.name.display}.{c.name} has no comment",
                             f"COMMENT ON COLUMN {t.name}.{quote_ident(c.name)} IS '...';")
    for v in catalog.views.values():
        if not v.comment:
            kind = "materialized view" if v.materialized else "view"
            yield Report(f"view {v.name}", v.origin, f"{kind} {v.name.display} has no comment",
                         f"COMMENT ON {kind.upper()} {v.name} IS '...';")
    for f in catalog.functions.values():
        if not f.comment:
            yield Report(f"{f.kind} {f.name}", f.origin, f"{f.kind} {f.name.display} has no comment",
                         f"COMMENT ON {f.kind.upper()} {f.name} IS '...';")
