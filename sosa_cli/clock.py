"""Today's date and the current time, in one place so tests and the demo can pin them.

The desk's "today" is Japan's date (DOMAIN.md §7), whatever the computer's time zone:
at 08:30 JST on 1 April a machine set to UTC is still on 31 March, in the previous 年度
(NOTES.md), but the desk's new 年度 and its new series of 文書番号 have begun. The zone
is the `timezone` setting (default Asia/Tokyo).

`SOSA_TODAY=2026-11-26` fixes the desk's "today" (letters, due dates, status);
`SOSA_NOW=2027-03-31T23:30:00Z` fixes the instant "today" is read from, so tests can
check the zone. Audit timestamps always use the real clock and are stored in UTC, since
they record when a change happened; `local_time` shows them in the desk's zone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from .errors import SosaError
from .i18n import _

DEFAULT_ZONE = "Asia/Tokyo"


# The day of each `one_day` block being run, innermost last (None until it is asked).
_DAYS: list[dt.date | None] = []


@contextlib.contextmanager
def one_day() -> Iterator[None]:
    """Within the block, `today()` is one day: the day it was first asked in the block.

    The CLI runs each command in one (cli/main.py): an intake of 100,000 rows that runs
    past midnight checks every date against the same today, and asks the clock once
    rather than once a row (about 80 µs each, the office profile's time zone included).
    """
    _DAYS.append(None)
    try:
        yield
    finally:
        _DAYS.pop()


def today() -> dt.date:
    if _DAYS and _DAYS[-1] is not None:
        return _DAYS[-1]
    pinned = os.environ.get("SOSA_TODAY")
    day = _pinned(pinned) if pinned else now().astimezone(zone()).date()
    if _DAYS:
        _DAYS[-1] = day
    return day


@functools.lru_cache(maxsize=8)
def _pinned(value: str) -> dt.date:
    # A relay of hundreds of letters asks for today hundreds of times (NOTES.md).
    from .calendar import parse_date

    try:
        return parse_date(value)
    except SosaError as exc:
        raise SosaError(f"SOSA_TODAY: {exc.message}", hint=exc.hint) from None


def now() -> dt.datetime:
    """The current instant, aware and in UTC; `SOSA_NOW` (an ISO instant) pins it for tests."""
    pinned = os.environ.get("SOSA_NOW")
    if pinned:
        return _instant(pinned)
    return dt.datetime.now(dt.UTC)


@functools.lru_cache(maxsize=8)
def _instant(value: str) -> dt.datetime:
    try:
        instant = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise SosaError(_("SOSA_NOW {value!r} is not an ISO instant").format(value=value), hint=_("e.g. SOSA_NOW=2027-03-31T23:30:00Z")) from None
    if instant.tzinfo is None:
        raise SosaError(_("SOSA_NOW {value!r} has no time zone").format(value=value), hint=_("end it with Z or +09:00")) from None
    return instant.astimezone(dt.UTC)


def zone() -> ZoneInfo:
    """The desk's time zone: the `timezone` setting, else Asia/Tokyo."""
    from . import config

    path = config.config_path()
    try:
        stat = path.stat()
    except OSError:
        return zone_named(DEFAULT_ZONE)
    # Read the settings file again only when it changes: today() is asked often.
    return _zone_of_file(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _zone_of_file(path: str, mtime_ns: int, size: int) -> ZoneInfo:
    from pathlib import Path

    from . import config

    return zone_named(config.load(Path(path)).get("timezone") or DEFAULT_ZONE)


@functools.lru_cache(maxsize=8)
def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name` (Asia/Tokyo), refused in one line when this computer does not know it."""
    from zoneinfo import ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SosaError(
            _("{name!r} is not a time zone this computer knows").format(name=name),
            hint=_("give an IANA name such as Asia/Tokyo; on Windows, `pip install tzdata` provides them"),
        ) from None


def now_utc() -> str:
    """The current UTC time as ISO 8601 with seconds, for audit entries."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def local_time(stamp: str | None) -> str:
    """A stored UTC timestamp as the desk's local time (`2026-11-26 18:30 JST`), for terminals.

    Anything that is not a timestamp comes back unchanged, so a display never fails on it.
    """
    if not stamp:
        return stamp or ""
    try:
        instant = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    local = instant.astimezone(zone())
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}"
