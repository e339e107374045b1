"""Japan's date, in order (issue 11 §6): the desk's "today" is the date in Asia/Tokyo
whatever the computer's time zone, and letters are dated in the order they are numbered.

The fixed instant 2027-03-31T23:30Z is 08:30 JST on 1 April 2027: a machine set to UTC
is still on 31 March, in 令和8年度, while the desk has begun 令和9年度 and a new series
of 文書番号 (DOMAIN.md §7).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from zoneinfo import ZoneInfo

import pytest

from sosa_cli import clock
from sosa_cli.calendar import fiscal_year, format_nendo
from tests.conftest import OFFICE

FIRST_OF_APRIL_JST = "2027-03-31T23:30:00Z"


@pytest.fixture
def utc_machine(monkeypatch):
    """A computer whose own zone is UTC, and the real clock free (no SOSA_TODAY)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.delenv("SOSA_TODAY")
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def office(sosa, enrolled):
    for key, value in OFFICE.items():
        sosa("config", "set", key, value)
    return enrolled


def dump(db) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


# --- today ------------------------------------------------------------------------------


def test_today_is_japans_date_on_a_utc_machine(utc_machine, monkeypatch):
    monkeypatch.setenv("SOSA_NOW", FIRST_OF_APRIL_JST)
    assert dt.datetime.fromisoformat(FIRST_OF_APRIL_JST).date() == dt.date(2027, 3, 31)  # the machine's date
    assert clock.today() == dt.date(2027, 4, 1)
    assert format_nendo(fiscal_year(clock.today())) == "令和9年度"


def test_the_real_clock_is_read_in_tokyo(utc_machine):
    before = dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()
    today = clock.today()
    after = dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()
    assert today in (before, after)


def test_sosa_today_still_pins_the_date(utc_machine, monkeypatch):
    monkeypatch.setenv("SOSA_NOW", FIRST_OF_APRIL_JST)
    monkeypatch.setenv("SOSA_TODAY", "令和8年11月26日")
    assert clock.today() == dt.date(2026, 11, 26)


def test_the_timezone_setting_moves_the_desk(utc_machine, monkeypatch, sosa):
    monkeypatch.setenv("SOSA_NOW", FIRST_OF_APRIL_JST)
    sosa("config", "set", "timezone", "UTC")
    assert clock.today() == dt.date(2027, 3, 31)
    sosa("config", "set", "timezone", "America/New_York")
    assert clock.today() == dt.date(2027, 3, 31)
    sosa("config", "unset", "timezone")
    assert clock.today() == dt.date(2027, 4, 1)


@pytest.mark.parametrize("zone", ["Tokyo", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Asia/Tokyo\\x"])
def test_an_unknown_timezone_is_refused(sosa, desk_env, zone):
    result = sosa("config", "set", "timezone", zone, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("sosa: timezone: ") and "not a time zone" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (desk_env / "config.yaml").exists()


def test_the_timezone_defaults_to_tokyo(sosa):
    shown = json.loads(sosa("config", "show", "--json").stdout)["settings"]
    assert shown["timezone"] == {"value": "Asia/Tokyo", "source": "default"}


@pytest.mark.parametrize("value", ["yesterday", "2027-03-31T23:30:00"])
def test_a_bad_sosa_now_is_one_line(utc_machine, monkeypatch, sosa, enrolled, value):
    monkeypatch.setenv("SOSA_NOW", value)
    result = sosa("status", ok=False)
    assert result.exit_code == 1 and result.stderr.startswith("sosa: SOSA_NOW")


def test_audit_times_show_in_the_desks_zone(utc_machine):
    assert clock.local_time("2027-03-31T23:30:00+00:00") == "2027-04-01 08:30:00 JST"
    assert clock.local_time("not a time") == "not a time"


# --- letters ----------------------------------------------------------------------------


def test_a_letter_issued_at_0830_on_1_april_opens_the_new_series(utc_machine, monkeypatch, sosa, office):
    monkeypatch.setenv("SOSA_TODAY", "2027-03-30")
    sosa("letter", "render", "enrollment", "C-0001")
    monkeypatch.delenv("SOSA_TODAY")
    monkeypatch.setenv("SOSA_NOW", FIRST_OF_APRIL_JST)
    text = sosa("letter", "render", "enrollment", "C-0002", "--out", "-").stdout
    assert "令和9年4月1日" in text and "装備政策第1号" in text
    rows = json.loads(sosa("letter", "list", "--json").stdout)
    assert [(r["doc_number"], r["fiscal_year"], r["letter_date"]) for r in rows] == [
        ("装備政策第1号", 2026, "2027-03-30"),
        ("装備政策第1号", 2027, "2027-04-01"),
    ]


@pytest.mark.parametrize(
    ("how", "value"),
    [("SOSA_TODAY", "2026-12-01"), ("--date", "2026-12-01"), ("--date", "令和8年12月10日")],
)
def test_a_letter_is_never_dated_before_the_last_of_its_series(monkeypatch, sosa, office, how, value):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    sosa("letter", "render", "enrollment", "C-0001")
    before = dump(office)
    args = ["letter", "render", "enrollment", "C-0002"]
    if how == "SOSA_TODAY":
        monkeypatch.setenv("SOSA_TODAY", value)
    else:
        args += ["--date", value]
    result = sosa(*args, ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "L-0001 (装備政策第1号)" in lines[0] and "dated 2026-12-11" in lines[0]
    assert dump(office) == before


def test_the_same_day_and_later_days_are_fine(monkeypatch, sosa, office):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    sosa("letter", "render", "enrollment", "C-0001")
    sosa("letter", "render", "enrollment", "C-0002")
    sosa("letter", "render", "enrollment", "C-0003", "--date", "2026-12-14")
    rows = json.loads(sosa("letter", "list", "--json").stdout)
    assert [r["letter_date"] for r in rows] == ["2026-12-11", "2026-12-11", "2026-12-14"]


def test_a_cancelled_letter_still_holds_its_date(monkeypatch, sosa, office):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    sosa("letter", "render", "enrollment", "C-0001")
    sosa("letter", "cancel", "L-0001", "--reason", "宛先誤り", "--yes")
    result = sosa("letter", "render", "enrollment", "C-0002", "--date", "2026-12-10", ok=False)
    assert result.exit_code == 1 and "L-0001" in result.stderr


def test_a_closed_nendo_takes_no_back_dated_letter(monkeypatch, sosa, office):
    """Once 令和9年度 has a letter, no letter can be slipped into 令和8年度's series."""
    monkeypatch.setenv("SOSA_TODAY", "2027-03-30")
    sosa("letter", "render", "enrollment", "C-0001")
    monkeypatch.setenv("SOSA_TODAY", "2027-04-01")
    sosa("letter", "render", "enrollment", "C-0002")
    before = dump(office)
    monkeypatch.setenv("SOSA_TODAY", "2027-03-31")
    result = sosa("letter", "render", "enrollment", "C-0003", ok=False)
    assert result.exit_code == 1
    assert "L-0002 (装備政策第1号)" in result.stderr and "dated 2027-04-01" in result.stderr
    assert dump(office) == before


def test_a_draft_may_carry_any_date(monkeypatch, sosa, office):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    sosa("letter", "render", "enrollment", "C-0001")
    draft = sosa("letter", "render", "enrollment", "C-0002", "--draft", "--date", "2026-12-01", "--out", "-").stdout
    assert "令和8年12月1日" in draft


def test_a_command_runs_on_one_day_and_asks_the_clock_once(monkeypatch):
    """clock.one_day (every CLI command runs in one): a long intake that runs past midnight
    checks every row against the day it began, and the time zone is looked up once."""
    from sosa_cli import clock

    monkeypatch.delenv("SOSA_TODAY", raising=False)
    monkeypatch.setenv("SOSA_NOW", "2026-12-31T14:59:59Z")  # 23:59:59 in Tokyo
    asked = []
    real_zone = clock.zone
    monkeypatch.setattr(clock, "zone", lambda: asked.append(1) or real_zone())
    with clock.one_day():
        assert clock.today().isoformat() == "2026-12-31"
        monkeypatch.setenv("SOSA_NOW", "2026-12-31T15:00:01Z")  # midnight has passed
        assert clock.today().isoformat() == "2026-12-31"
        assert len(asked) == 1
    assert clock.today().isoformat() == "2027-01-01"  # outside a command, the clock again
