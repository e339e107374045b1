"""Today's date and the current time, in one place so tests and the demo can pin them.

`SOSA_TODAY=2026-11-26` fixes the desk's "today" (letters, due dates, status);
audit timestamps always use the real clock, since they record when a change happened.
"""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    pinned = os.environ.get("SOSA_TODAY")
    if pinned:
        from .calendar import parse_date

        return parse_date(pinned)
    return dt.date.today()


def now_utc() -> str:
    """The current UTC time as ISO 8601 with seconds, for audit entries."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
