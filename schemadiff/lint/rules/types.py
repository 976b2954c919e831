"""Column type rules: timestamp without time zone, serial, varchar(n), money."""
from __future__ import annotations

import re
from typing import Iterator

from ...graph import sequences_used
from ...model import Catalog, Column, Table, quote_ident
from ..findings import Report
from ..registry import rule
from ._common import checked_tables, column_label


def _columns(catalog: Catalog) -> Iterator[tuple[Table, Column]]:
    for t in checked_tables(catalog):
        for c in t.columns:
            yield t, c


_TIMESTAMP = re.compile(r"^timestamp(\(\d+\))? without time zone")


@rule("timestamp-without-time-zone", severity="warning")
def timestamp_without_time_zone(catalog: Catalog) -> Iterator[Report]:
    """Column of type timestamp without time zone.

    What it does:
        Reports a column declared `timestamp` (which means `timestamp without time zone`),
        arrays of it included.

    Why it matters:
        A `timestamp` stores a wall-clock reading with no zone: the same value means
        different instants for clients in different time zones, comparisons with now()
        silently convert with the session's TimeZone, and daylight saving transitions
        produce duplicate or missing hours. `timestamptz` stores an instant (UTC inside)
        and takes the same 8 bytes.

    Example:
        CREATE TABLE user_sessions (started_at timestamp NOT NULL DEFAULT now());

    Fix:
        Declare `timestamptz` (`timestamp with time zone`):

            CREATE TABLE user_sessions (started_at timestamptz NOT NULL DEFAULT now());

        On an existing table the type change rewrites it and interprets the stored values in
        the session's TimeZone: set it to the zone the values were written in first.
    """
    for t, c in _columns(catalog):
        if _TIMESTAMP.match(c.type):
            new = c.type.replace("timestamp", "timestamptz", 1).replace(" without time zone", "")
            yield Report(column_label(t, c.name), c.origin,
                         f"{t.name.display}.{c.name} is {c.type}: its values name no time zone",
                         f"declare {quote_ident(c.name)} {new}")


@rule("serial-instead-of-identity", severity="warning")
def serial_instead_of_identity(catalog: Catalog) -> Iterator[Report]:
    """Column filled by a serial sequence instead of an identity.

    What it does:
        Reports a column whose default is nextval() of a sequence OWNED BY that column,
        i.e. what `serial` / `bigserial` create.

    Why it matters:
        A serial column is a plain column with a default: anybody can insert their own
        values and collide with the sequence later, the sequence's grants and ownership
        are separate from the table's, and `CREATE TABLE ... (LIKE ...)` copies share one
        sequence. Identity columns (SQL standard, PostgreSQL 10+) fix all of this.

    Example:
        CREATE TABLE user_interactions (id bigserial PRIMARY KEY);

    Fix:
        Declare an identity column:

            CREATE TABLE user_interactions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);

        (BY DEFAULT instead of ALWAYS when callers must be able to supply ids). On a live
        table: drop the default, drop the sequence, ADD GENERATED ... AS IDENTITY and
        restart it after the current maximum.
    """
    for t, c in _columns(catalog):
        if c.default is None or c.identity:
            continue
        for seq_name in sorted(sequences_used(c.default.key)):
            seq = catalog.sequences.get(seq_name)
            if seq is not None and seq.owned_by == (t.name, c.name):
                yield Report(column_label(t, c.name), c.origin,
                             f"{t.name.display}.{c.name} takes its values from serial sequence {seq_name.display}",
                             f"declare {quote_ident(c.name)} {c.type} GENERATED ALWAYS AS IDENTITY "
                             "(or BY DEFAULT)")
                break


_VARCHAR = re.compile(r"^character varying\((\d+)\)")


@rule("varchar-length", severity="info")
def varchar_length(catalog: Catalog) -> Iterator[Report]:
    """Column of type varchar(n).

    What it does:
        Reports a column declared `varchar(n)` / `character varying(n)`.

    Why it matters:
        In PostgreSQL `text` and `varchar` are stored the same way and perform the same;
        the length limit is a check constraint in disguise, usually an arbitrary number
        (255) that is not the domain's real rule, and raising it later needs an ALTER
        TABLE (lowering it, a rewrite). A check states the real rule and can be
        changed with a NOT VALID constraint and a separate validation.

    Example:
        CREATE TABLE users (email varchar(255) NOT NULL);

    Fix:
        Use `text` with a check that states the actual rule:

            CREATE TABLE users (email text NOT NULL
                                CONSTRAINT users_email_length CHECK (char_length(email) <= 254));

        A length that is a real external limit may stay; this rule is informational.
    """
    for t, c in _columns(catalog):
        m = _VARCHAR.match(c.type)
        if m:
            yield Report(column_label(t, c.name), c.origin,
                         f"{t.name.display}.{c.name} is {c.type}: text with a CHECK states the rule",
                         f"declare {quote_ident(c.name)} text CHECK (char_length({quote_ident(c.name)}) <= "
                         f"{m.group(1)})")


@rule("money-type", severity="warning")
def money_type(catalog: Catalog) -> Iterator[Report]:
    """Column of type money.

    What it does:
        Reports a column declared `money`, arrays of it included.

    Why it matters:
        `money` stores a fixed number of fractional digits that depends on the database's
        lc_monetary setting, prints and parses with the locale's currency symbol, and
        carries no currency: a dump restored under another locale changes values, and
        amounts in several currencies cannot be told apart.

    Example:
        CREATE TABLE invoices (total money NOT NULL);

    Fix:
        Use `numeric` (with the scale the currency needs), and a currency column when
        there can be more than one:

            CREATE TABLE invoices (total numeric(12,2) NOT NULL, currency char(3) NOT NULL);
    """
    for t, c in _columns(catalog):
        if c.type == "money" or c.type.startswith("money["):
            yield Report(column_label(t, c.name), c.origin,
                         f"{t.name.display}.{c.name} is money: locale-dependent and without a currency",
                         f"declare {quote_ident(c.name)} numeric(12,2) (and a currency column if needed)")
