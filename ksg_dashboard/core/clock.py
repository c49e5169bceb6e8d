"""Clock times and dates written in the curated YAML files (pure): one parser for 'HH:MM'."""

from __future__ import annotations

import datetime as dt
import re

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def parse_clock(value: object) -> dt.time:
    """'HH:MM' (00:00–23:59, hour also with one digit) as a time; ValueError otherwise.

    Only quoted strings count: YAML reads an unquoted 14:00 as the number 840."""
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"time {value!r} is not a quoted 'HH:MM'")
    return dt.time(int(match.group(1)), int(match.group(2)))


def minutes_of_day(value: object) -> int | None:
    """Minutes since midnight of an 'HH:MM' string, None when it is not one."""
    try:
        clock = parse_clock(value)
    except ValueError:
        return None
    return clock.hour * 60 + clock.minute


def parse_date(value: object) -> dt.date:
    """'YYYY-MM-DD' (or a YAML date) as a date; raises ValueError otherwise."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
