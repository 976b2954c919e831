"""Server settings from config and flags: validated, then sent as parameters.

Why: a setting such as lock_timeout comes from pyproject.toml or the command line and ends
on a production server.  Pasted into SQL text, `5s'; DROP TABLE victim; --` runs the DROP;
here every value is checked against the format PostgreSQL itself accepts, so only a number
and a unit ever reach the server, and on a session it goes through set_config() with bound
parameters, never through SQL text.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the command line's config: psycopg's import waits for a connection
    import psycopg

from .errors import ConfigError

# PostgreSQL's time units for GUCs (guc.c: memory_units_map / time_units_map).
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "min": 60_000.0, "h": 3_600_000.0, "d": 86_400_000.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?")


def check_duration(value: object, key: str) -> str | None:
    """The duration as PostgreSQL text ('5s', '500ms', '2min'; an integer is milliseconds),
    None for 0/"0"/off; anything else is a ConfigError naming `key`."""
    if isinstance(value, bool) or value is None:
        raise ConfigError(f"{key} must be a duration such as '5s', '500ms' or '2min', not {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ConfigError(f"{key} must not be negative, not {value!r}")
        text = f"{value}ms"
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ConfigError(f"{key} must be a duration such as '5s', '500ms' or '2min', not {value!r}")
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ConfigError(f"{key} must be a duration such as '5s', '500ms' or '2min' "
                          f"(units us, ms, s, min, h, d), not {value!r}")
    number, unit = match.groups()
    if float(number) == 0:
        return None
    return f"{number}{unit or 'ms'}"


def duration_ms(text: str | None) -> float:
    """Milliseconds of a checked duration; 0 for None (no limit)."""
    if text is None:
        return 0.0
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ConfigError(f"not a duration: {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2) or "ms"]


def duration_literal(text: str | None) -> str:
    """A checked duration as an SQL literal for a plan's text ('0' when unset)."""
    checked = check_duration(text, "duration") if text is not None else None
    return "0" if checked is None else f"'{checked}'"


def check_bool(value: object, key: str) -> bool:
    """A real boolean: the string "false" is a mistake to report, not a truthy value."""
    if not isinstance(value, bool):
        raise ConfigError(f"{key} must be true or false (a TOML boolean, unquoted), not {value!r}")
    return value


def check_count(value: object, key: str, *, maximum: int = 100) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ConfigError(f"{key} must be a whole number from 0 to {maximum}, not {value!r}")
    return value


def set_session(conn: psycopg.Connection, **settings: str | None) -> None:
    """Set each setting for the session through bound parameters; None means no limit (0)."""
    for name, value in settings.items():
        conn.execute("SELECT pg_catalog.set_config(%s, %s, false)", (name, "0" if value is None else value))
