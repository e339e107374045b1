"""Calendars: date parsing, 和暦, 年度 and working days (DOMAIN.md §4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sosa_cli.calendar import (
    add_jp_working_days,
    add_us_working_days,
    fiscal_year,
    format_english,
    format_nendo,
    format_wareki,
    format_wareki_year,
    is_jp_working_day,
    is_us_working_day,
    jp_working_days_between,
    parse_date,
    us_working_days_between,
)
from sosa_cli.errors import SosaError

D = date.fromisoformat

# --- parsing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-01", "2026-12-01"),
        ("2026/12/1", "2026-12-01"),
        ("2026.12.01", "2026-12-01"),
        ("2026年12月1日", "2026-12-01"),
        ("令和8年12月1日", "2026-12-01"),
        ("令和8年11月26日", "2026-11-26"),
        ("令和 8年 12月 1日", "2026-12-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("令和1年5月1日", "2019-05-01"),
        ("R8.12.1", "2026-12-01"),
        ("R8/12/1", "2026-12-01"),
        ("r8.12.1", "2026-12-01"),
        ("R08.12.01", "2026-12-01"),
        ("R元.5.1", "2019-05-01"),
        ("H31.4.30", "2019-04-30"),
        ("h1.1.8", "1989-01-08"),
        ("平成31年4月30日", "2019-04-30"),
        ("平成元年1月8日", "1989-01-08"),
        ("昭和64年1月7日", "1989-01-07"),
        ("S64.1.7", "1989-01-07"),
        ("昭和元年12月25日", "1926-12-25"),
        ("令和８年１２月１日", "2026-12-01"),  # full-width digits
        ("２０２６－１２－０１", "2026-12-01"),
        ("Ｒ８．１２．１", "2026-12-01"),
        ("㋿8年12月1日", "2026-12-01"),  # the one-character era sign U+32FF
        ("  2026-12-01  ", "2026-12-01"),
        ("令和8年12月1日（火）", "2026-12-01"),  # weekday as written in letters
        ("2026-12-01 (火曜日)", "2026-12-01"),
        ("2028-02-29", "2028-02-29"),
        ("令和10年2月29日", "2028-02-29"),
    ],
)
def test_parse_date(typed: str, expected: str) -> None:
    assert parse_date(typed) == D(expected)


def test_parse_date_passes_dates_through() -> None:
    assert parse_date(date(2026, 12, 1)) == date(2026, 12, 1)
    assert parse_date(datetime(2026, 12, 1, 15, 30)) == date(2026, 12, 1)
    assert type(parse_date(datetime(2026, 12, 1, 15, 30))) is date


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", '"2026-02-30" is not a real date: February 2026 has 28 days'),
        ("令和8年2月30日", '"令和8年2月30日" is not a real date: February 2026 has 28 days'),
        ("2027-02-29", "February 2027 has 28 days"),
        ("2026-04-31", "April 2026 has 30 days"),
        ("2026-13-01", "there is no month 13"),
        ("2026-00-10", "there is no month 0"),
        ("2026-12-00", "December 2026 has 31 days"),
        ("R8.2.30", "February 2026 has 28 days"),
        ("平成31年5月1日", '"平成31年5月1日" is after 平成 ended on 2019-04-30: 2019-05-01 is 令和元年5月1日'),
        ("H31.5.1", "is after 平成 ended"),
        ("令和1年4月30日", '"令和1年4月30日" is before 令和 began on 2019-05-01: 2019-04-30 is 平成31年4月30日'),
        ("令和元年4月1日", "is before 令和 began"),
        ("平成1年1月7日", '"平成1年1月7日" is before 平成 began on 1989-01-08: 1989-01-07 is 昭和64年1月7日'),
        ("昭和64年1月8日", "is after 昭和 ended on 1989-01-07: 1989-01-08 is 平成元年1月8日"),
        ("昭和1年12月24日", "is before 昭和 began on 1926-12-25"),
        ("令和0年5月1日", "there is no 令和0年; the first year is 令和元年"),
        ("R0.5.1", "there is no 令和0年"),
        ("大正15年1月1日", "dates before 昭和 .* are not supported"),
        ("T15.1.1", "dates before 昭和"),
        ("12/01/2026", '"12/01/2026" is ambiguous: write the year first'),
        ("01.12.2026", "is ambiguous"),
        ("令和8年12月1日（水）", "2026-12-01 is a 火曜日, not 水曜日"),
        ("", "no date given: give a concrete date such as 2026-12-01 or 令和8年12月1日"),
        ("   ", "no date given"),
        ("26-12-01", '"26-12-01" is not a date'),
        ("2026-12-01T09:00", "is not a date"),
        ("2026-12/01", "is not a date"),
        ("令和八年十二月一日", "is not a date"),
        ("next Tuesday", "is not a date"),
    ],
)
def test_parse_date_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message):
        parse_date(typed)


@pytest.mark.parametrize(
    "word",
    ["ASAP", "asap", "ASAP!", "As soon as possible", "immediately", "Immediately.", "TBD", "至急", "大至急", "早急に", "直ちに", "可及的速やかに", "未定"],
)
def test_urgency_words_are_not_dates(word: str) -> None:
    with pytest.raises(SosaError) as caught:
        parse_date(word)
    assert caught.value.message == f'"{word}" is not a date: give a concrete date such as 2026-12-01 or 令和8年12月1日'
    assert caught.value.hint is not None and "15 CFR 700.12" in caught.value.hint


def test_none_is_no_date() -> None:
    with pytest.raises(SosaError, match="no date given"):
        parse_date(None)  # type: ignore[arg-type]


# --- formatting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "wareki", "year", "english"),
    [
        ("2026-11-26", "令和8年11月26日", "令和8年", "26 November 2026"),
        ("2026-12-01", "令和8年12月1日", "令和8年", "1 December 2026"),
        ("2019-05-01", "令和元年5月1日", "令和元年", "1 May 2019"),
        ("2019-04-30", "平成31年4月30日", "平成31年", "30 April 2019"),
        ("2020-01-01", "令和2年1月1日", "令和2年", "1 January 2020"),
        ("1989-01-08", "平成元年1月8日", "平成元年", "8 January 1989"),
        ("1989-01-07", "昭和64年1月7日", "昭和64年", "7 January 1989"),
        ("1926-12-25", "昭和元年12月25日", "昭和元年", "25 December 1926"),
    ],
)
def test_formatting(day: str, wareki: str, year: str, english: str) -> None:
    assert format_wareki(D(day)) == wareki
    assert format_wareki_year(D(day)) == year
    assert format_english(D(day)) == english


def test_wareki_before_showa_is_refused() -> None:
    with pytest.raises(SosaError, match="before 昭和"):
        format_wareki(date(1926, 12, 24))


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        ("2026-04-01", 2026),
        ("2026-03-31", 2025),
        ("2027-03-31", 2026),
        ("2027-04-01", 2027),
        ("2026-12-31", 2026),
        ("2027-01-01", 2026),
    ],
)
def test_fiscal_year(day: str, fy: int) -> None:
    assert fiscal_year(D(day)) == fy


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2026, "令和8年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1927, "昭和2年度"),
        (9999, "令和7981年度"),
    ],
)
def test_format_nendo(fy: int, label: str) -> None:
    assert format_nendo(fy) == label


@pytest.mark.parametrize("fy", [1926, 0, -1, 10000])
def test_format_nendo_refuses_years_before_showa(fy: int) -> None:
    with pytest.raises(SosaError, match="年度"):
        format_nendo(fy)


# --- Japanese government working days -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        ("2026-11-23", False, "勤労感謝の日 (Monday)"),
        ("2026-11-03", False, "文化の日"),
        ("2026-09-21", False, "敬老の日"),
        ("2026-09-22", False, "国民の休日 between 敬老の日 and 秋分の日"),
        ("2026-09-23", False, "秋分の日"),
        ("2026-05-06", False, "振替休日 for 憲法記念日 on Sunday"),
        ("2027-01-11", False, "成人の日"),
        ("2027-03-22", False, "振替休日 for 春分の日 on Sunday"),
        ("2019-05-01", False, "天皇の即位の日"),
        ("2019-10-22", False, "即位礼正殿の儀"),
        ("2026-12-28", True, "last working day of the year (御用納め)"),
        ("2026-12-29", False, "year-end closure"),
        ("2026-12-31", False, "year-end closure"),
        ("2027-01-02", False, "Saturday, and closure"),
        ("2027-01-03", False, "Sunday, and closure"),
        ("2027-01-04", True, "first working day of the year (御用始め)"),
        ("2031-01-03", False, "closure on a Friday"),
        ("2026-11-28", False, "Saturday"),
        ("2026-11-29", False, "Sunday"),
        ("2026-11-26", True, "US Thanksgiving is a Japanese working day"),
        ("2026-11-24", True, "ordinary Tuesday"),
    ],
)
def test_is_jp_working_day(day: str, working: bool, why: str) -> None:
    assert is_jp_working_day(D(day)) is working, why


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-12-25", 10, "2027-01-15"),  # DOMAIN.md §4 example
        ("2026-12-25", 0, "2026-12-25"),
        ("2026-12-25", 1, "2026-12-28"),
        ("2026-12-25", 2, "2027-01-04"),
        ("2026-12-26", 0, "2026-12-26"),  # n = 0 returns d even on a Saturday
        ("2026-11-20", 1, "2026-11-24"),  # over a weekend and 勤労感謝の日
        ("2026-09-18", 1, "2026-09-24"),  # over the 2026 silver week
        ("2026-04-28", 5, "2026-05-11"),  # over Golden Week
    ],
)
def test_add_jp_working_days(start: str, n: int, expected: str) -> None:
    assert add_jp_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-12-25", "2027-01-15", 10),
        ("2027-01-15", "2026-12-25", -10),
        ("2026-12-25", "2026-12-25", 0),
        ("2026-12-28", "2027-01-03", 0),
        ("2026-11-20", "2026-11-24", 1),
        ("2026-11-21", "2026-11-23", 0),
    ],
)
def test_jp_working_days_between(start: str, end: str, count: int) -> None:
    assert jp_working_days_between(D(start), D(end)) == count


# --- US federal working days ----------------------------------------------------------


def test_the_shipped_holiday_table_is_what_jpholiday_computes() -> None:
    """data/jp-holidays.csv spares every command jpholiday's day-by-day year (issue 12 §5);
    a jpholiday that learns a new holiday makes this fail until the table is written again."""
    from sosa_cli.calendar import jp_holiday_table
    from sosa_cli.shipped import data_file

    assert data_file("jp-holidays.csv").read_text(encoding="utf-8") == jp_holiday_table(), "write data/jp-holidays.csv again (its first lines say how)"


def test_a_year_outside_the_table_is_computed() -> None:
    from sosa_cli import calendar

    calendar._jp_closed_days.cache_clear()
    try:
        assert not is_jp_working_day(date(2061, 1, 10))  # 成人の日, the second Monday of January
        assert is_jp_working_day(date(2061, 1, 11))
        assert not is_jp_working_day(date(1989, 2, 24))  # 昭和天皇の大喪の礼
    finally:
        calendar._jp_closed_days.cache_clear()


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        ("2026-06-19", False, "Juneteenth (Friday)"),
        ("2027-06-18", False, "Juneteenth observed: 19 June 2027 is a Saturday"),
        ("2026-07-03", False, "Independence Day observed: 4 July 2026 is a Saturday"),
        ("2026-07-04", False, "Saturday"),
        ("2027-07-05", False, "Independence Day observed: 4 July 2027 is a Sunday"),
        ("2026-01-19", False, "Martin Luther King Jr. Day"),
        ("2026-02-16", False, "Washington's Birthday"),
        ("2026-05-25", False, "Memorial Day"),
        ("2026-09-07", False, "Labor Day"),
        ("2026-10-12", False, "Columbus Day"),
        ("2026-11-11", False, "Veterans Day (Wednesday)"),
        ("2026-11-26", False, "Thanksgiving Day"),
        ("2026-11-27", True, "day after Thanksgiving is not a federal holiday"),
        ("2026-12-24", True, "Christmas Eve is not a federal holiday"),
        ("2026-12-25", False, "Christmas Day (Friday)"),
        ("2027-01-01", False, "New Year's Day (Friday)"),
        ("2027-12-24", False, "Christmas observed: 25 December 2027 is a Saturday"),
        ("2027-12-31", False, "New Year's Day 2028 observed: 1 January 2028 is a Saturday"),
        ("2021-12-31", False, "New Year's Day 2022 observed in the previous year"),
        ("2026-11-23", True, "勤労感謝の日 is a US working day"),
        ("2026-12-29", True, "Japanese year-end closure is a US working day"),
    ],
)
def test_is_us_working_day(day: str, working: bool, why: str) -> None:
    assert is_us_working_day(D(day)) is working, why


# Spans where only one calendar closes a day: the supplier's DPAS clock (10 days DX, 15 DO).
US_ONLY_CROSSINGS = [
    ("2026-06-12", 10, "2026-06-29"),  # Juneteenth, Friday 19 June 2026
    ("2026-06-22", 15, "2026-07-14"),  # Independence Day observed, Friday 3 July 2026
    ("2026-10-23", 10, "2026-11-06"),  # 文化の日, Tuesday 3 November 2026: the US works
    ("2026-04-24", 15, "2026-05-15"),  # Golden Week 2026: the US works
]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-12-22", 10, "2027-01-07"),  # DOMAIN.md §4 example
        ("2026-12-22", 0, "2026-12-22"),
        ("2026-12-24", 1, "2026-12-28"),
        ("2026-07-02", 1, "2026-07-06"),
        ("2026-06-18", 1, "2026-06-22"),
        ("2026-11-25", 1, "2026-11-27"),
        ("2027-12-23", 1, "2027-12-27"),
        ("2027-12-30", 1, "2028-01-03"),
        *US_ONLY_CROSSINGS,
    ],
)
def test_add_us_working_days(start: str, n: int, expected: str) -> None:
    assert add_us_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(("start", "n", "expected"), US_ONLY_CROSSINGS)
def test_the_two_calendars_part_on_these_spans(start: str, n: int, expected: str) -> None:
    # So a US count done on the Japanese calendar by mistake cannot pass these cases.
    assert add_jp_working_days(D(start), n) != D(expected)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-12-22", "2027-01-07", 10),
        ("2027-01-07", "2026-12-22", -10),
        ("2026-07-02", "2026-07-06", 1),
        ("2026-07-03", "2026-07-03", 0),
    ],
)
def test_us_working_days_between(start: str, end: str, count: int) -> None:
    assert us_working_days_between(D(start), D(end)) == count


@pytest.mark.parametrize("add", [add_jp_working_days, add_us_working_days])
@pytest.mark.parametrize("n", [-1, -10, 1.5, "3", True])
def test_add_working_days_refuses_bad_counts(add, n) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SosaError, match="working days to add"):
        add(date(2026, 12, 1), n)


def test_datetimes_are_treated_as_their_date() -> None:
    assert is_jp_working_day(datetime(2026, 11, 23, 9)) is False
    assert is_us_working_day(datetime(2026, 11, 26, 9)) is False
    assert add_jp_working_days(datetime(2026, 12, 25, 17), 10) == date(2027, 1, 15)


# --- properties -----------------------------------------------------------------------

SINCE_SHOWA = st.dates(min_value=date(1926, 12, 25), max_value=date(2100, 12, 31))
ANY_DATE = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
WORKING_SPAN = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


@given(SINCE_SHOWA)
def test_wareki_round_trip(d: date) -> None:
    assert parse_date(format_wareki(d)) == d


@given(SINCE_SHOWA)
def test_short_wareki_round_trip(d: date) -> None:
    wareki_year = format_wareki_year(d)
    era, year = wareki_year[:2], wareki_year[2:-1]
    letter = {"令和": "R", "平成": "H", "昭和": "S"}[era]
    assert parse_date(f"{letter}{1 if year == '元' else year}.{d.month}.{d.day}") == d


@given(ANY_DATE)
def test_iso_round_trip(d: date) -> None:
    assert parse_date(d.isoformat()) == d


@given(SINCE_SHOWA)
def test_fiscal_year_contains_the_day(d: date) -> None:
    fy = fiscal_year(d)
    assert date(fy, 4, 1) <= d <= date(fy + 1, 3, 31)


@given(st.integers(1927, 2200))
def test_fiscal_year_boundaries(year: int) -> None:
    assert fiscal_year(date(year, 3, 31)) == year - 1
    assert fiscal_year(date(year, 4, 1)) == year
    assert format_nendo(year).endswith("年度")


@given(st.integers(1990, 2100), st.sampled_from(["12-29", "12-30", "12-31", "01-01", "01-02", "01-03"]))
def test_year_end_closure_is_never_a_jp_working_day(year: int, month_day: str) -> None:
    assert not is_jp_working_day(D(f"{year}-{month_day}"))


@settings(max_examples=200)
@given(WORKING_SPAN, st.integers(0, 60))
def test_add_jp_working_days_properties(d: date, n: int) -> None:
    result = add_jp_working_days(d, n)
    if n == 0:
        assert result == d
    else:
        assert result > d
        assert is_jp_working_day(result)
        assert add_jp_working_days(d, n - 1) < result
    assert jp_working_days_between(d, result) == n
    assert jp_working_days_between(result, d) == -n


@settings(max_examples=200)
@given(WORKING_SPAN, st.integers(0, 60))
def test_add_us_working_days_properties(d: date, n: int) -> None:
    result = add_us_working_days(d, n)
    if n == 0:
        assert result == d
    else:
        assert result > d
        assert is_us_working_day(result)
        # the day before the result is not skipped over: counting one fewer lands earlier
        assert add_us_working_days(d, n - 1) < result
    assert us_working_days_between(d, result) == n


@given(WORKING_SPAN, st.integers(0, 40))
def test_working_day_counts_agree_with_a_day_by_day_walk(d: date, span: int) -> None:
    end = d + timedelta(days=span)
    days = [d + timedelta(days=k) for k in range(1, span + 1)]
    assert jp_working_days_between(d, end) == sum(map(is_jp_working_day, days))
    assert us_working_days_between(d, end) == sum(map(is_us_working_day, days))
