"""Date/time constants in the server's output form.

Why: `DEFAULT '2024-1-2'` on a date column is stored as the value, and read back as
`'2024-01-02'::date`; `'epoch'` comes back as `'1970-01-01 00:00:00+00'`.  Comparing the
literal's text plans a SET DEFAULT on every run.  This module runs the part of the
server's date/time input parser whose result does not depend on the session (DateStyle's
field order, TimeZone): ISO dates (year first), dates with a month name, times, an explicit
UTC offset, and the special value `epoch`.  Anything else (`1/2/2024`, a timestamptz without
an offset, `now`) returns None: the caller keeps the text, so a difference is reported
rather than hidden.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import ROUND_HALF_EVEN, Decimal

_MONTHS = {name: i + 1 for i, name in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?")
_ZONE = re.compile(r"(?:z|utc|gmt|([+-])(\d{1,2})(?::?(\d{2}))?)")
_EPOCH = _dt.datetime(1970, 1, 1)


def datetime_key(text: str, base: str, precision: int | None) -> str | None:
    """The comparison key of a constant of type `base` (format_type's spelling without
    modifier), or None when its value cannot be known without the session."""
    low = " ".join(text.strip().lower().split())
    if low in ("infinity", "-infinity", "+infinity"):
        return low.lstrip("+")
    if base == "date":
        day = _EPOCH.date() if low == "epoch" else _date(low)
        return None if day is None else f"@date {day.isoformat()}"
    if base == "time without time zone":
        clock = _time(low, precision)
        return None if clock is None or clock[1] else f"@time {clock[0]}"
    if base in ("timestamp without time zone", "timestamp with time zone"):
        with_zone = base == "timestamp with time zone"
        if low == "epoch":
            return f"@ts {_EPOCH.isoformat()}" + ("+00:00" if with_zone else "")
        stamp = _timestamp(low, precision, with_zone)
        return None if stamp is None else f"@ts {stamp}"
    return None


def _date(text: str) -> _dt.date | None:
    m = _ISO_DATE.fullmatch(text)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    tokens = [t for t in re.split(r"[\s,\-/.]+", text) if t]
    if len(tokens) != 3:
        return None
    months = [t for t in tokens if t in _MONTHS]
    years = [t for t in tokens if re.fullmatch(r"\d{4}", t)]
    days = [t for t in tokens if re.fullmatch(r"\d{1,2}", t)]
    if len(months) == 1 and len(years) == 1 and len(days) == 1:
        return _valid(int(years[0]), _MONTHS[months[0]], int(days[0]))
    return None


def _valid(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _time(text: str, precision: int | None) -> tuple[str, str] | None:
    """('HH:MM:SS[.ffffff]', the rest of the text after the time) or None."""
    m = _TIME.match(text)
    if not m:
        return None
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    micro = _micro(m[4] or "", precision)
    if micro >= 1_000_000:  # rounding carried into the seconds: leave it to the server
        return None
    clock = f"{hour:02}:{minute:02}:{second:02}" + (f".{micro:06}".rstrip("0") if micro else "")
    return clock, text[m.end():].strip()


def _micro(fraction: str, precision: int | None) -> int:
    if not fraction:
        return 0
    digits = 6 if precision is None else min(precision, 6)
    value = Decimal(fraction).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    return int(value * 1_000_000)


def _timestamp(text: str, precision: int | None, with_zone: bool) -> str | None:
    m = _ISO_DATE.match(text)
    if m:
        day, rest = _valid(int(m[1]), int(m[2]), int(m[3])), text[m.end():]
    else:  # a date with a month name, then the time
        parts = re.split(r"(?=\s\d{1,2}:)", text, maxsplit=1)
        day, rest = _date(parts[0]), (parts[1] if len(parts) > 1 else "")
    if day is None:
        return None
    rest = rest.strip()
    if rest.startswith("t"):
        rest = rest[1:]
    clock, zone = ("00:00:00", rest) if not rest or not rest[0].isdigit() else (_time(rest, precision) or (None, ""))
    if clock is None:
        return None
    naive = _dt.datetime.fromisoformat(f"{day.isoformat()}T{clock}")
    zone = zone.strip()
    if not with_zone:
        # timestamp without time zone ignores a zone it is given
        return naive.isoformat() if not zone or _ZONE.fullmatch(zone) else None
    z = _ZONE.fullmatch(zone)
    if not zone or z is None:
        return None  # read in the session's TimeZone when it was loaded: unknown here
    offset = _dt.timedelta(0) if z[1] is None else (-1 if z[1] == "-" else 1) * _dt.timedelta(
        hours=int(z[2]), minutes=int(z[3] or 0))
    utc = (naive - offset).replace(tzinfo=_dt.timezone.utc)
    return utc.isoformat()
