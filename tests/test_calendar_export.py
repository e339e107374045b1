"""`sosa calendar`: every deadline as iCalendar, read back with the `icalendar` library.

Today is pinned to 2026-11-26 (conftest). A-0001 is relayed today with answers due
2026-12-10 and DoD's reply due 2026-12-25; R-0001 is sent today (follow-up 2026-12-10,
ten US working days) and later rated DO-A1 as of 2026-11-20 (supplier's deadline 2026-12-14).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import icalendar
import pytest

from tests.test_asks import ASK
from tests.test_delays import DELAY


def events(content: bytes) -> dict[str, icalendar.Event]:
    """The events by UID, less the database's domain (UIDs are `<name>@<domain>`)."""
    cal = icalendar.Calendar.from_ical(content)
    found = {}
    domains = set()
    for event in cal.walk("VEVENT"):
        name, _, domain = str(event["UID"]).partition("@")
        domains.add(domain)
        found[name] = event
    assert len(domains) <= 1, f"one database, one UID domain: {domains}"
    return found


def day(event: icalendar.Event) -> date:
    start = event["DTSTART"]
    # An all-day event: a date, not a time, so no time zone can move it off Japan's date.
    assert start.params.get("VALUE") == "DATE" and type(start.dt) is date
    return start.dt


@pytest.fixture
def busy(sosa, configured):
    sosa("ask", "record", *ASK)
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    sosa("delay", "add", *DELAY)
    sosa("request", "open", "D-0001")
    sosa("request", "send", "R-0001")
    return configured


def test_every_deadline_is_an_all_day_event_naming_record_company_and_what_to_do(sosa, busy):
    result = sosa("calendar")
    found = events(result.stdout_bytes)
    assert sorted(found) == ["follow-up-R-0001", "relay-A-0001-C-0002", "relay-A-0001-C-0005", "reply-A-0001"]
    assert "Wrote 4 open deadlines." in result.stderr

    relay = found["relay-A-0001-C-0002"]
    assert day(relay) == date(2026, 12, 10) and relay["DTEND"].dt == date(2026, 12, 11)
    assert str(relay["STATUS"]) == "CONFIRMED"
    assert str(relay["SUMMARY"]) == "回答期限: C-0002 北斗電子工業株式会社（A-0001 協力依頼）"
    assert "sosa ask remind A-0001" in str(relay["DESCRIPTION"]) and "IBP-2026-0311" in str(relay["DESCRIPTION"])

    reply = found["reply-A-0001"]
    assert day(reply) == date(2026, 12, 25)
    assert str(reply["SUMMARY"]) == "米国への回答期限: A-0001（IBP-2026-0311）"
    assert "sosa ask reply A-0001" in str(reply["DESCRIPTION"])

    follow = found["follow-up-R-0001"]
    assert day(follow) == date(2026, 12, 10)
    assert str(follow["SUMMARY"]).startswith("要請のフォローアップ: R-0001 C-0001 ")
    assert "Follow up with DoD on request R-0001" in str(follow["DESCRIPTION"])


def test_a_newer_file_updates_the_same_events_and_cancels_the_deadlines_met(sosa, busy, tmp_path):
    first = tmp_path / "deadlines.ics"
    written = sosa("calendar", "--out", str(first))
    assert written.stdout.strip() == str(first)
    before = events(first.read_bytes())

    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    sosa("request", "update", "R-0001", "--status", "acknowledged")
    sosa("request", "update", "R-0001", "--status", "rated", "--rating", "DO-A1", "--rated-on", "2026-11-20")
    second = tmp_path / "later.ics"
    result = sosa("calendar", "--out", str(second))
    after = events(second.read_bytes())
    assert "Wrote 3 open deadlines and 2 met ones marked cancelled" in result.stderr

    # Same UIDs (and the same domain: `events` checks one per file), plus the new deadline.
    assert set(before) < set(after)
    assert {str(e["UID"]) for e in before.values()} <= {str(e["UID"]) for e in after.values()}
    assert set(after) - set(before) == {"supplier-R-0001"}

    answered = after["relay-A-0001-C-0002"]
    assert str(answered["STATUS"]) == "CANCELLED" and str(answered["SUMMARY"]).startswith("【済】回答期限")
    assert answered["SEQUENCE"] > before["relay-A-0001-C-0002"]["SEQUENCE"], "the calendar must take the newer event"
    assert day(answered) == date(2026, 12, 10)
    assert str(after["follow-up-R-0001"]["STATUS"]) == "CANCELLED"  # rated: no follow-up any more
    for still in ("relay-A-0001-C-0005", "reply-A-0001"):
        assert str(after[still]["STATUS"]) == "CONFIRMED"

    supplier = after["supplier-R-0001"]
    assert day(supplier) == date(2026, 12, 14) and str(supplier["STATUS"]) == "CONFIRMED"
    assert str(supplier["SUMMARY"]).startswith("供給企業の受否期限: R-0001 C-0001 ") and "DO-A1" in str(supplier["SUMMARY"])
    assert "--status supplier-accepted" in str(supplier["DESCRIPTION"])

    # Accepted: the supplier's deadline is met in the third file.
    sosa("request", "update", "R-0001", "--status", "supplier-accepted")
    third = events(sosa("calendar").stdout_bytes)
    assert str(third["supplier-R-0001"]["STATUS"]) == "CANCELLED"
    assert third["supplier-R-0001"]["SEQUENCE"] > supplier["SEQUENCE"]


def test_a_reminder_moves_the_date_under_the_same_uid(sosa, busy, monkeypatch):
    before = events(sosa("calendar").stdout_bytes)
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    sosa("ask", "remind", "A-0001")
    after = events(sosa("calendar").stdout_bytes)
    moved = after["relay-A-0001-C-0002"]
    assert day(moved) > date(2026, 12, 10) and str(moved["STATUS"]) == "CONFIRMED"
    assert "再依頼1回目" in str(moved["SUMMARY"])
    assert moved["SEQUENCE"] > before["relay-A-0001-C-0002"]["SEQUENCE"]


def test_a_withdrawn_companys_relay_is_no_longer_chased(sosa, busy):
    sosa("company", "withdraw", "C-0005", "--reason", "left the arrangement")
    event = events(sosa("calendar").stdout_bytes)["relay-A-0001-C-0005"]
    assert str(event["STATUS"]) == "CANCELLED" and "withdrawn" in str(event["DESCRIPTION"])


def test_out_follows_the_file_rules(sosa, busy, tmp_path):
    target = tmp_path / "deadlines.ics"
    target.write_text("my own calendar")
    refused = sosa("calendar", "--out", str(target), ok=False)
    assert refused.exit_code == 1 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.output and target.read_text() == "my own calendar"
    sosa("calendar", "--out", str(target), "--force")
    assert len(events(target.read_bytes())) == 4

    folder = tmp_path / "cal"
    path = Path(sosa("calendar", "--out", f"{folder}/").stdout.strip())
    assert path.parent == folder and path.name == "sosa-deadlines-2026-11-26.ics"
    assert events(sosa("calendar", "--out", "-").stdout_bytes).keys() == events(path.read_bytes()).keys()


def test_two_databases_do_not_share_uids(sosa, busy, tmp_path, monkeypatch):
    # The UIDs' domain is drawn from the database's first audit entry: another database
    # (the demo's, a colleague's) began with another change.
    first = {str(e["UID"]) for e in events(sosa("calendar").stdout_bytes).values()}
    monkeypatch.setenv("SOSA_DB", str(tmp_path / "other.db"))
    sosa("enroll", "--name-ja", "株式会社別台帳", "--name-en", "Betsu Daicho K.K.", "--corporate-number", "8010401135790", "--coc-accepted-on", "2026-11-01")
    sosa("ask", "record", *ASK)
    second = {str(e["UID"]) for e in events(sosa("calendar").stdout_bytes).values()}
    assert second and not first & second


def test_an_empty_register_writes_an_empty_calendar(sosa, enrolled):
    result = sosa("calendar")
    assert events(result.stdout_bytes) == {}
    assert icalendar.Calendar.from_ical(result.stdout_bytes)["PRODID"]
    assert "Wrote 0 open deadlines." in result.stderr
