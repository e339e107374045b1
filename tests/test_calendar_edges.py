"""Calendar edges that `mutmut` showed the suite would not notice (issue 11 §9).

Each case is a date an officer could type or a day the desk counts on: the refusal must
quote what was typed and give the real reason, and a working-day count must land on the
day the calendar says.
"""

from __future__ import annotations

import sys
from datetime import date

import pytest

from sosa_cli import calendar
from sosa_cli.calendar import add_jp_working_days, is_jp_working_day, parse_date
from sosa_cli.errors import SosaError

D = date.fromisoformat


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # The refusal quotes the date as it was typed, in every form the desk accepts.
        ("2026年2月30日", '"2026年2月30日" is not a real date: February 2026 has 28 days'),
        ("R8.2.30", '"R8.2.30" is not a real date: February 2026 has 28 days'),
        ("２０２６年２月３０日", '"２０２６年２月３０日" is not a real date: February 2026 has 28 days'),
        # January is a month: a 32nd day is the day's fault, not the month's.
        ("2026-01-32", '"2026-01-32" is not a real date: January 2026 has 31 days'),
        ("令和9年1月32日", '"令和9年1月32日" is not a real date: January 2027 has 31 days'),
        # Year 0 does not exist; years 1 and 9999 do, so there the day is what is wrong.
        ("0000-04-01", '"0000-04-01" is not a real date: there is no year 0'),
        ("0001-02-29", '"0001-02-29" is not a real date: February 1 has 28 days'),
        ("9999-12-32", '"9999-12-32" is not a real date: December 9999 has 31 days'),
    ],
)
def test_an_impossible_date_is_quoted_with_its_reason(typed: str, message: str) -> None:
    with pytest.raises(SosaError) as refused:
        parse_date(typed)
    assert refused.value.message == message
    assert refused.value.hint is None


@pytest.mark.parametrize("word", ["ASAP", "至急", "immediately!"])
def test_an_urgency_word_is_answered_with_the_rule(word: str) -> None:
    with pytest.raises(SosaError) as refused:
        parse_date(word)
    assert refused.value.hint == "15 CFR 700.12: a rated order needs a concrete delivery date"


def test_the_years_of_the_shipped_table_need_no_holiday_computation(monkeypatch) -> None:
    # 1990–2060 are read from data/jp-holidays.csv: computing them with jpholiday made every
    # `sosa status` 0.13–0.3 s slower a year (issue 12 §5). With jpholiday unavailable, the
    # desk still knows 2026's holidays.
    monkeypatch.setitem(sys.modules, "jpholiday", None)
    calendar._jp_closed_days.cache_clear()
    try:
        assert [is_jp_working_day(D(d)) for d in ("2026-11-23", "2026-09-22", "2026-05-06", "2026-11-24")] == [False, False, False, True]
        assert add_jp_working_days(D("2026-12-25"), 10) == D("2027-01-15")
    finally:
        calendar._jp_closed_days.cache_clear()
