"""Dates as the desk writes them (DOMAIN.md §4).

Parsing of ISO and 和暦 dates, 和暦 / English formatting, 年度, and working-day
arithmetic on the Japanese government (開庁日) and US federal calendars.

``jpholiday`` and ``holidays`` are imported inside the functions that need them:
together they cost ~45 ms at import, and most commands never touch a calendar.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Final, NamedTuple

from sosa_cli.errors import SosaError
from sosa_cli.i18n import N_, _

__all__ = [
    "add_jp_working_days",
    "add_us_working_days",
    "fiscal_year",
    "format_english",
    "format_nendo",
    "format_wareki",
    "format_wareki_year",
    "is_jp_working_day",
    "is_us_working_day",
    "jp_working_days_between",
    "parse_date",
    "us_working_days_between",
]


class _Era(NamedTuple):
    name: str
    letter: str
    first: date
    last: date | None


# Newest first. The era changes follow 元号法 and the 政令 naming each era.
_ERAS: Final = (
    _Era("令和", "R", date(2019, 5, 1), None),
    _Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    _Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
)
_ERA_BY_KEY: Final = {key: era for era in _ERAS for key in (era.name, era.letter)}
_OLD_ERAS: Final = frozenset({"大正", "T", "明治", "M"})

_EXAMPLE: Final = N_("give a concrete date such as 2026-12-01 or 令和8年12月1日")
_MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
# The same names as the interface says them ("2月"); _MONTHS are English letters' own.
_MONTH_WORDS: Final = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
_WEEKDAYS_JA: Final = "月火水木金土日"

_ERA_WORD: Final = r"(令和|平成|昭和|大正|明治|[RHSTMrhstm])"
_ISO: Final = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_WESTERN_KANJI: Final = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_WAREKI_KANJI: Final = re.compile(_ERA_WORD + r"\s*(元|\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_WAREKI_SHORT: Final = re.compile(_ERA_WORD + r"\s*(元|\d{1,3})([-/.])(\d{1,2})\3(\d{1,2})")
_DAY_FIRST: Final = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")
# Japanese documents often follow a date with its weekday: 令和8年12月1日（火）.
_WEEKDAY_SUFFIX: Final = re.compile(r"\s*\(\s*([月火水木金土日])(?:曜日?)?\s*\)$")

# Words officers write where a date belongs. 15 CFR 700.12: "immediately" or "as soon as
# possible" is not a delivery date, so a rated order (and this tool) needs a real one.
_URGENCY_WORDS: Final = frozenset(
    ["asap", "as soon as possible", "immediately", "immediate", "urgent", "now", "tbd", "tba", "tbc", "n/a"]
    + ["至急", "大至急", "早急", "早急に", "直ちに", "即時", "即日", "速やかに", "可及的速やかに", "できるだけ早く", "なるべく早く", "未定", "調整中"]
)


# --- parsing --------------------------------------------------------------------------


def parse_date(value: str | date) -> date:
    """A date from ISO (``2026-12-01``, ``2026/12/1``) or 和暦 (``令和8年12月1日``, ``R8.12.1``).

    Full-width digits are accepted; impossible dates, dates outside their era and
    words such as ASAP or 至急 are refused with SosaError.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    original = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", original).strip()
    if not text:
        raise SosaError(_("no date given: {example}").format(example=_(_EXAMPLE)))

    weekday = None
    suffix = _WEEKDAY_SUFFIX.search(text)
    if suffix:
        weekday = suffix.group(1)
        text = text[: suffix.start()].rstrip()

    result = _parse_text(text, original)
    if weekday is not None and _WEEKDAYS_JA[result.weekday()] != weekday:
        actual = _WEEKDAYS_JA[result.weekday()]
        raise SosaError(
            _('"{value}": {date} is a {actual}曜日, not {weekday}曜日').format(value=original, date=result.isoformat(), actual=actual, weekday=weekday)
        )
    return result


def _parse_text(text: str, original: str) -> date:
    if m := _ISO.fullmatch(text):
        return _real_date(int(m[1]), int(m[3]), int(m[4]), original)
    if m := _WESTERN_KANJI.fullmatch(text):
        return _real_date(int(m[1]), int(m[2]), int(m[3]), original)
    if m := _WAREKI_KANJI.fullmatch(text):
        return _from_wareki(m[1], m[2], int(m[3]), int(m[4]), original)
    if m := _WAREKI_SHORT.fullmatch(text):
        return _from_wareki(m[1], m[2], int(m[4]), int(m[5]), original)
    if _DAY_FIRST.fullmatch(text):
        raise SosaError(_('"{value}" is ambiguous: write the year first, e.g. 2026-12-01 or 令和8年12月1日').format(value=original))
    hint = None
    if text.casefold().rstrip(".!。！") in _URGENCY_WORDS:
        hint = _("15 CFR 700.12: a rated order needs a concrete delivery date")
    raise SosaError(_('"{value}" is not a date: {example}').format(value=original, example=_(_EXAMPLE)), hint=hint)


def _real_date(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if not 1 <= year <= 9999:
        why = _("there is no year {year}").format(year=year)
    elif not 1 <= month <= 12:
        why = _("there is no month {month}").format(month=month)
    else:
        why = _("{month_name} {year} has {days} days").format(month_name=_(_MONTH_WORDS[month - 1]), year=year, days=_month_length(year, month))
    raise SosaError(_('"{value}" is not a real date: {why}').format(value=original, why=why))


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def _from_wareki(era_word: str, year_word: str, month: int, day: int, original: str) -> date:
    key = era_word.upper() if len(era_word) == 1 else era_word
    if key in _OLD_ERAS:
        raise SosaError(_('"{value}": dates before 昭和 (1926-12-25) are not supported').format(value=original))
    era = _ERA_BY_KEY[key]
    year = 1 if year_word == "元" else int(year_word)
    if year == 0:
        raise SosaError(_('"{value}": there is no {era}0年; the first year is {era}元年').format(value=original, era=era.name))
    result = _real_date(era.first.year + year - 1, month, day, original)
    if result < era.first:
        why = _('"{value}" is before {era} began on {day}').format(value=original, era=era.name, day=era.first.isoformat())
    elif era.last is not None and result > era.last:
        why = _('"{value}" is after {era} ended on {day}').format(value=original, era=era.name, day=era.last.isoformat())
    else:
        return result
    if result >= _ERAS[-1].first:
        why = _("{why}: {date} is {wareki}").format(why=why, date=result.isoformat(), wareki=format_wareki(result))
    raise SosaError(why)


# --- formatting -----------------------------------------------------------------------


def _era_of(d: date) -> _Era:
    for era in _ERAS:
        if d >= era.first:
            return era
    raise SosaError(_("{date}: 和暦 before 昭和 (1926-12-25) is not supported").format(date=d.isoformat()))


def format_wareki_year(d: date) -> str:
    """``令和8年``; the first year of an era prints as 元年 (令和元年)."""
    era = _era_of(d)
    year = d.year - era.first.year + 1
    return f"{era.name}{'元' if year == 1 else year}年"


def format_wareki(d: date) -> str:
    """``令和8年11月26日``: arabic numerals, as horizontal official text writes them."""
    return f"{format_wareki_year(d)}{d.month}月{d.day}日"


def format_english(d: date) -> str:
    """``26 November 2026`` (no leading zero, English month whatever the locale)."""
    # strftime("%B") follows the process locale and would print 11月 on a Japanese desktop.
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def fiscal_year(d: date) -> int:
    """The Gregorian year in which d's 年度 starts: 2027-03-31 → 2026, 2027-04-01 → 2027."""
    # 財政法第11条: 国の会計年度は、毎年四月一日に始まり、翌年三月三十一日に終る。
    return d.year if d.month >= 4 else d.year - 1


def format_nendo(fy: int) -> str:
    """``令和8年度`` for fiscal year 2026; 2019 is 令和元年度 and 1988 昭和63年度.

    The era is the one in force at the end of calendar year ``fy``, which is how the
    government named the 年度 in which an era began.
    """
    if not isinstance(fy, int) or fy < 1927 or fy > 9999:
        raise SosaError(_("年度 {year!r}: give a year from 1927 (昭和2年度) on").format(year=fy))
    return f"{format_wareki_year(date(fy, 12, 31))}度"


# --- working days ---------------------------------------------------------------------


def _as_date(d: date) -> date:
    # A datetime never equals a date, so it would never be found in a holiday set.
    return d.date() if isinstance(d, datetime) else d


HOLIDAY_TABLE: Final = "jp-holidays.csv"
HOLIDAY_YEARS: Final = (1990, 2060)
_TABLE_HEAD: Final = """\
# 国民の祝日 by year (振替休日 and 国民の休日 included), as jpholiday computes them. A year's row
# is read at once, where jpholiday tries every rule on every day of the year (about 0.13 s a
# year, paid by every `sosa status`). tests/test_calendar.py checks the table against jpholiday;
# write it again with: python3 -c "from sosa_cli.calendar import jp_holiday_table as t; print(t(), end='')" > data/jp-holidays.csv
year,holidays
"""


def jp_holiday_table(first: int = HOLIDAY_YEARS[0], last: int = HOLIDAY_YEARS[1]) -> str:
    """The shipped table of national holidays (data/jp-holidays.csv), computed by jpholiday."""
    import jpholiday

    rows = [f"{year},{' '.join(sorted(d.strftime('%m-%d') for d, _name in jpholiday.year_holidays(year)))}" for year in range(first, last + 1)]
    return _TABLE_HEAD + "\n".join(rows) + "\n"


@lru_cache(maxsize=1)
def _holiday_rows() -> dict[int, str]:
    from importlib.resources import files

    text = files("sosa_cli.data").joinpath(HOLIDAY_TABLE).read_text(encoding="utf-8")
    rows = (line.split(",", 1) for line in text.splitlines() if line[:1].isdigit())
    return {int(year): days for year, days in rows}


def _national_holidays(year: int) -> set[date]:
    days = _holiday_rows().get(year)
    if days is None:  # a year the table does not hold
        import jpholiday

        return {d for d, _name in jpholiday.year_holidays(year)}
    return {date(year, int(md[:2]), int(md[3:])) for md in days.split()}


@lru_cache(maxsize=512)
def _jp_closed_days(year: int) -> frozenset[date]:
    days = _national_holidays(year)
    # 行政機関の休日に関する法律 第1条第1項第3号: 12月29日から翌年1月3日まで (jpholiday
    # has the national holidays of 国民の祝日に関する法律 only).
    days.update(date(year, 12, day) for day in (29, 30, 31))
    days.update(date(year, 1, day) for day in (1, 2, 3))
    return frozenset(days)


@lru_cache(maxsize=512)
def _us_closed_days(year: int) -> frozenset[date]:
    import holidays

    # 5 U.S.C. 6103(a) holidays; under 6103(b) and E.O. 11582 a Saturday holiday is
    # observed on the Friday before and a Sunday one on the Monday after. The observed
    # day can fall in the previous year (New Year's Day 2022 on Friday 2021-12-31): the
    # library files it under the year it falls in, and the filter keeps that promise.
    return frozenset(d for d in holidays.US(years=year, observed=True) if d.year == year)


def is_jp_working_day(d: date) -> bool:
    """True on a Japanese government working day (開庁日): not Sat/Sun, a national holiday or 29 Dec–3 Jan."""
    d = _as_date(d)
    # 行政機関の休日に関する法律 第1条第1項第1号: 日曜日及び土曜日.
    return d.weekday() < 5 and d not in _jp_closed_days(d.year)


def is_us_working_day(d: date) -> bool:
    """True on a US federal working day: not a weekend, a federal holiday or its observed day."""
    d = _as_date(d)
    return d.weekday() < 5 and d not in _us_closed_days(d.year)


def _add_working_days(d: date, n: int, is_working: Callable[[date], bool]) -> date:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise SosaError(_("working days to add must be a whole number 0 or more, not {n!r}").format(n=n))
    day = _as_date(d)
    while n:
        day += timedelta(days=1)
        if is_working(day):
            n -= 1
    return day


def _working_days_between(start: date, end: date, is_working: Callable[[date], bool]) -> int:
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -_working_days_between(end, start, is_working)
    return sum(is_working(start + timedelta(days=k)) for k in range(1, (end - start).days + 1))


def add_jp_working_days(d: date, n: int) -> date:
    """The n-th 開庁日 after d (counting starts the next day); n = 0 returns d itself."""
    return _add_working_days(d, n, is_jp_working_day)


def add_us_working_days(d: date, n: int) -> date:
    """The n-th US federal working day after d (counting starts the next day); n = 0 returns d."""
    return _add_working_days(d, n, is_us_working_day)


def jp_working_days_between(start: date, end: date) -> int:
    """開庁日 after start up to and including end; negative when end is before start, 0 when equal.

    ``jp_working_days_between(d, add_jp_working_days(d, n)) == n`` and
    ``between(a, b) == -between(b, a)``.
    """
    return _working_days_between(start, end, is_jp_working_day)


def us_working_days_between(start: date, end: date) -> int:
    """US federal working days after start up to and including end; negative when end is before start."""
    return _working_days_between(start, end, is_us_working_day)
