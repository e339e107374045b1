"""Issue 12 §4: answers that come late.

A reminder's new answer-by date is never after DoD's reply-by date, and when no 開庁日 is
left before that date the desk replies instead (the Japanese government calendar: 年末年始
29 Dec – 3 Jan and Golden Week close the office). A reply while some company may still
answer waits, or goes in part (--partial) saying which answers are awaited; the supplement
(--supplement) sends them as a further numbered letter, and `sosa status` lists the ask
until it has gone. Everything through the CLI, as the officer types it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest


def dump(db: Path) -> str:
    return "\n".join(sqlite3.connect(db).iterdump())


def record_ask(sosa, received: str, reply_by: str) -> None:
    sosa(
        "ask",
        "record",
        "--dod-ref",
        "IBP-2026-0311",
        "--received-on",
        received,
        "--program",
        "AN/TPY-2 radar sustainment",
        "--part-number",
        "MC-4410",
        "--nsn",
        "5962-01-456-7890",
        "--quantity",
        "12",
        "--current-date",
        "2027-09-30",
        "--requested-date",
        "2027-06-30",
        "--reply-by",
        reply_by,
    )


def show(sosa) -> dict:
    return json.loads(sosa("ask", "show", "A-0001", "--json").stdout)


def relays(sosa) -> dict[str, dict]:
    return {r["company_key"]: r for r in show(sosa)["relays"]}


def status_lines(sosa) -> list[list[str]]:
    return [line.split("\t") for line in sosa("status").stdout.splitlines() if "\t" in line]


def on(monkeypatch, day: str) -> None:
    monkeypatch.setenv("SOSA_TODAY", day)


# --- reminders never run past DoD's reply-by date -----------------------------------------


@pytest.fixture
def before_new_year(sosa, configured, monkeypatch):
    """DoD wants the reply on 4 January 2027, the first 開庁日 after 年末年始; relayed to
    C-0002 on 14 December with three 開庁日 to answer (until 17 December)."""
    on(monkeypatch, "2026-12-14")
    record_ask(sosa, "2026-12-10", "2027-01-04")
    sosa("relay", "A-0001", "--to", "C-0002", "--within", "3")
    assert relays(sosa)["C-0002"]["answer_by"] == "2026-12-17"
    return configured


def test_a_reminder_before_new_year_is_cut_to_the_last_open_day_before_the_reply_by_date(sosa, before_new_year, monkeypatch):
    # On Thursday 24 December, five 開庁日 would run to 6 January, past DoD's 4 January:
    # the companies answer by Monday 28 December, the last 開庁日 before 年末年始.
    on(monkeypatch, "2026-12-24")
    result = sosa("ask", "remind", "A-0001")
    assert "new answer-by date 2026-12-28" in result.stderr
    assert "Note: the companies have 2 開庁日 to answer, until 2026-12-28, fewer than the usual 5" in result.stderr
    assert "DoD's reply-by date is 2027-01-04" in result.stderr
    c2 = relays(sosa)["C-0002"]
    assert (c2["status"], c2["reminders"], c2["answer_by"]) == ("reminded", 1, "2026-12-28")


def test_no_open_day_left_before_the_reply_by_date_refuses_the_reminder(sosa, before_new_year, monkeypatch):
    # Monday 28 December is the last 開庁日 before 4 January: nothing is left after it.
    on(monkeypatch, "2026-12-28")
    before = dump(before_new_year)
    result = sosa("ask", "remind", "A-0001", ok=False)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.output
    assert "no 開庁日 is left before DoD's reply-by date 2027-01-04" in line and "reply to DoD now" in line
    assert "sosa ask reply A-0001" in line
    assert dump(before_new_year) == before
    # The desk replies: the overdue company is reported as no response.
    replied = sosa("ask", "reply", "A-0001", "--yes")
    assert "recorded C-0002 as no response" in replied.stderr


def test_an_explicit_reminder_period_past_the_reply_by_date_is_refused(sosa, before_new_year, monkeypatch):
    on(monkeypatch, "2026-12-28")
    before = dump(before_new_year)
    # One 開庁日 after 28 December is 4 January itself (29 Dec – 3 Jan are closed): not after it.
    too_long = sosa("ask", "remind", "A-0001", "--within", "2", ok=False)
    assert "--within 2: the new answer-by date 2027-01-05 would be after DoD's reply-by date 2027-01-04" in too_long.stderr
    assert dump(before_new_year) == before
    sosa("ask", "remind", "A-0001", "--within", "1")
    assert relays(sosa)["C-0002"]["answer_by"] == "2027-01-04"


@pytest.mark.parametrize(
    ("reminded_on", "answer_by", "days"),
    [
        # Wednesday 28 April 2027: 29 April (昭和の日) is closed, 30 April is the last 開庁日
        # before Golden Week; DoD wants the reply on Thursday 6 May, right after it.
        ("2027-04-28", "2027-04-30", 1),
        ("2027-04-27", "2027-04-30", 2),
    ],
)
def test_a_reminder_before_golden_week(sosa, configured, monkeypatch, reminded_on, answer_by, days):
    on(monkeypatch, "2027-04-19")
    record_ask(sosa, "2027-04-16", "2027-05-06")
    sosa("relay", "A-0001", "--to", "C-0002", "--within", "2")
    on(monkeypatch, reminded_on)
    result = sosa("ask", "remind", "A-0001")
    assert f"the companies have {days} 開庁日 to answer, until {answer_by}" in result.stderr
    assert relays(sosa)["C-0002"]["answer_by"] == answer_by


def test_no_reminder_on_the_last_open_day_before_golden_week(sosa, configured, monkeypatch):
    on(monkeypatch, "2027-04-19")
    record_ask(sosa, "2027-04-16", "2027-05-06")
    sosa("relay", "A-0001", "--to", "C-0002", "--within", "2")
    on(monkeypatch, "2027-04-30")
    result = sosa("ask", "remind", "A-0001", ok=False)
    assert result.exit_code == 1
    assert "no 開庁日 is left before DoD's reply-by date 2027-05-06" in result.stderr and "reply to DoD now" in result.stderr


# --- the reply waits, or goes in part -----------------------------------------------------


@pytest.fixture
def relayed(sosa, configured, monkeypatch):
    """A-0001 relayed on 26 November to C-0002, C-0003 and C-0004 (C-0004 did not consent to
    sharing with the U.S. Government); answers due by 10 December; C-0002 accepted."""
    record_ask(sosa, "2026-11-25", "2026-12-25")
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--to", "C-0004")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "accept", "--committed-date", "2027-06-30")
    return configured


def test_a_reply_while_answers_may_still_come_is_refused_unless_partial(sosa, relayed, monkeypatch):
    on(monkeypatch, "2026-12-01")
    before = dump(relayed)
    result = sosa("ask", "reply", "A-0001", "--yes", ok=False)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert "2 of 3 companies may still answer A-0001: C-0003 (answer-by date 2026-12-10), C-0004 (answer-by date 2026-12-10)" in line
    assert "--partial" in line and "--supplement" in line
    assert dump(relayed) == before
    assert show(sosa)["status"] == "relayed"


def test_a_partial_reply_says_which_answers_are_awaited(sosa, relayed, monkeypatch):
    on(monkeypatch, "2026-12-01")
    result = sosa("ask", "reply", "A-0001", "--partial", "--out", "-")
    letter = result.stdout
    assert "SUBJECT: Reply to the Department of Defense Request IBP-2026-0311 for Priority Delivery Support" in letter
    assert "relayed the request on 26 November 2026 to three participating Japanese companies" in letter
    assert "3. One company accepted." in letter
    assert "| Hokuto Denshi Kogyo K.K. (NCAGE SZ102) | accepted | 30 June 2027 | 12 |" in letter
    # The awaited: C-0003 by name; C-0004, which did not consent, only counted.
    assert (
        "4. Chubu Aero Parts Corporation and one participating company not named in this letter have not yet answered, "
        "and their time to answer runs until 10 December 2026. ATLA will forward their answers to the Department "
        "in a supplement to this letter as soon as they are received."
    ) in letter
    assert "Naniwa" not in letter and "no response" not in letter
    assert "Replied to DoD on A-0001: L-0004 装備政策第4号." in result.stderr
    assert "Awaited: C-0003 (by 2026-12-10), C-0004 (by 2026-12-10); send their answers with `sosa ask reply A-0001 --supplement`." in result.stderr
    # Naming C-0003 as awaited gives its name to DoD: an export of company data, in its log;
    # C-0004, not named, is in no export.
    assert "destination=L-0004" in sosa("log", "C-0003").stdout
    assert "destination=L-0004" not in sosa("log", "C-0004").stdout
    data = show(sosa)
    assert data["status"] == "partly-replied" and data["replied_on"] == "2026-12-01"
    assert {k: r["status"] for k, r in relays(sosa).items()} == {"C-0002": "answered", "C-0003": "sent", "C-0004": "sent"}
    # The ask cannot close, nor be replied again, before its supplement.
    assert "cannot become closed" in sosa("ask", "close", "A-0001", ok=False).stderr
    again = sosa("ask", "reply", "A-0001", "--yes", ok=False)
    assert "A-0001 was replied in part on 2026-12-01" in again.stderr and "sosa ask reply A-0001 --supplement" in again.stderr


def test_a_partial_reply_with_nothing_awaited_is_refused(sosa, relayed, monkeypatch):
    on(monkeypatch, "2026-12-11")  # every answer-by date has passed
    before = dump(relayed)
    result = sosa("ask", "reply", "A-0001", "--partial", "--yes", ok=False)
    assert "no company's answer-by date on A-0001 is still ahead" in result.stderr and "drop --partial" in result.stderr
    assert dump(relayed) == before


def test_a_reminded_answer_by_date_ahead_also_holds_the_reply(sosa, relayed, monkeypatch):
    sosa("ask", "respond", "A-0001", "C-0004", "--decision", "decline")
    on(monkeypatch, "2026-12-11")
    sosa("ask", "remind", "A-0001")  # C-0003, overdue, gets until 18 December
    result = sosa("ask", "reply", "A-0001", "--yes", ok=False)
    assert "1 of 3 companies may still answer A-0001: C-0003 (answer-by date 2026-12-18)" in result.stderr
    partial = sosa("ask", "reply", "A-0001", "--partial", "--out", "-")
    assert "Chubu Aero Parts Corporation has not yet answered, and its time to answer runs until 18 December 2026." in partial.stdout
    assert "ATLA will forward its answer to the Department in a supplement to this letter" in partial.stdout


# --- the supplement ------------------------------------------------------------------------


@pytest.fixture
def partly_replied(sosa, relayed, monkeypatch):
    on(monkeypatch, "2026-12-01")
    sosa("ask", "reply", "A-0001", "--partial")
    return relayed


def test_status_lists_a_partial_reply_until_its_supplement_is_sent(sosa, partly_replied, monkeypatch):
    rows = [row for row in status_lines(sosa) if row[2] == "A-0001"]
    assert [row[:2] for row in rows] == [["2026-12-10", "supplement to DoD: answers awaited"]]
    assert "replied in part on 2026-12-01; 0 answered since; awaiting C-0003 (answer-by date 2026-12-10), C-0004" in rows[0][-1]
    assert "sosa ask reply A-0001 --supplement --partial" in rows[0][-1]
    sosa("ask", "respond", "A-0001", "C-0003", "--decision", "decline", "--note-en", "No spare capacity.")
    on(monkeypatch, "2026-12-11")  # C-0004's date has passed: the supplement can go
    rows = [row for row in status_lines(sosa) if row[2] == "A-0001"]
    assert [row[:2] for row in rows] == [["2026-12-10", "supplement to DoD due"]]
    assert "1 answered since" in rows[0][-1] and "`sosa ask reply A-0001 --supplement`" in rows[0][-1]
    sosa("ask", "reply", "A-0001", "--supplement", "--yes")
    assert not [row for row in status_lines(sosa) if row[2] == "A-0001"]
    status = json.loads(sosa("status", "--json").stdout)
    assert not [item for item in status if item["record"] == "A-0001"]


def test_the_supplement_sends_the_late_answers_as_a_further_numbered_letter(sosa, partly_replied, monkeypatch):
    on(monkeypatch, "2026-12-08")
    sosa("ask", "respond", "A-0001", "C-0003", "--decision", "partial", "--committed-date", "2027-07-31", "--quantity", "6")
    sosa("ask", "respond", "A-0001", "C-0004", "--decision", "decline")
    result = sosa("ask", "reply", "A-0001", "--supplement", "--out", "-")
    letter = result.stdout
    assert "Reference: ATLA-EPD No. 5" in letter and "8 December 2026" in letter  # the reply was No. 4
    assert "SUBJECT: Supplement to the Reply to the Department of Defense Request IBP-2026-0311 for Priority Delivery Support" in letter
    assert (
        "1. Further to ATLA's letter ATLA-EPD No. 4 of 1 December 2026, which replied to the Department's request IBP-2026-0311 "
        "for priority delivery support for AN/TPY-2 radar sustainment and said that the answers of two participating Japanese "
        "companies were still awaited, ATLA forwards the answers received since."
    ) in letter
    assert "2. One company partially accepted and one company declined." in letter
    assert "| Chubu Aero Parts Corporation (NCAGE SZ103) | partially accepted | 31 July 2027 | 6 of 12 |" in letter
    assert "3. One company declined; it is not named in this letter" in letter
    assert "Hokuto" not in letter  # answered before the reply: not sent again
    assert "Naniwa" not in letter and "not yet answered" not in letter
    assert "Cooperation by Japanese companies under the Code of Conduct of the Arrangement is voluntary" in letter
    assert "Sent DoD the supplement on A-0001: L-0005 装備政策第5号." in result.stderr
    assert show(sosa)["status"] == "replied"
    [entry] = json.loads(sosa("letter", "list", "--kind", "reply-supplement", "--json").stdout)
    assert (entry["key"], entry["doc_number"], entry["record"]) == ("L-0005", "装備政策第5号", "A-0001")
    # The reply letter is the same as it was; the ask closes now.
    assert "Chubu Aero Parts Corporation and one participating company" in sosa("letter", "export", "L-0004", "--format", "md", "--out", "-").stdout
    sosa("ask", "close", "A-0001")
    assert sosa("audit", "verify").exit_code == 0


def test_a_supplement_before_the_awaited_answers_are_in_waits_or_goes_in_part(sosa, partly_replied, monkeypatch):
    on(monkeypatch, "2026-12-08")
    before = dump(partly_replied)
    waiting = sosa("ask", "reply", "A-0001", "--supplement", ok=False)
    assert "2 of 3 companies may still answer A-0001" in waiting.stderr and "send the supplement when they have answered" in waiting.stderr
    # Nothing arrived yet: a partial supplement would forward nothing.
    nothing = sosa("ask", "reply", "A-0001", "--supplement", "--partial", ok=False)
    assert "no answer awaited on A-0001 has arrived since ATLA-EPD No. 4: there is nothing to forward" in nothing.stderr
    assert dump(partly_replied) == before
    sosa("ask", "respond", "A-0001", "C-0003", "--decision", "decline", "--note-en", "No spare capacity.")
    first = sosa("ask", "reply", "A-0001", "--supplement", "--partial", "--out", "-")
    assert "| Chubu Aero Parts Corporation (NCAGE SZ103) | declined |" in first.stdout
    assert "One participating company not named in this letter has not yet answered" in first.stdout
    assert show(sosa)["status"] == "partly-replied"
    # Past C-0004's date, a second supplement reports it as no response, after a confirmation.
    on(monkeypatch, "2026-12-11")
    unconfirmed = sosa("ask", "reply", "A-0001", "--supplement", ok=False)
    assert "1 of 3 companies has not answered A-0001 (C-0004" in unconfirmed.stderr and "--yes" in unconfirmed.stderr
    second = sosa("ask", "reply", "A-0001", "--supplement", "--yes", "--out", "-")
    assert "Further to ATLA's letter ATLA-EPD No. 5 of 8 December 2026" in second.stdout
    assert "the answers of one participating Japanese company were still awaited" in second.stdout
    assert "One company did not answer." in second.stdout and "Chubu" not in second.stdout
    assert "recorded C-0004 as no response" in second.stderr
    assert show(sosa)["status"] == "replied"


def test_a_supplement_needs_a_partial_reply(sosa, relayed, monkeypatch):
    result = sosa("ask", "reply", "A-0001", "--supplement", "--yes", ok=False)
    assert "A-0001 is relayed: a supplement follows a reply made in part" in result.stderr
    assert "sosa ask reply A-0001 --partial" in result.stderr
    on(monkeypatch, "2026-12-11")
    sosa("ask", "reply", "A-0001", "--yes")
    done = sosa("ask", "reply", "A-0001", "--supplement", "--yes", ok=False)
    assert "A-0001 is replied: a supplement follows a reply made in part" in done.stderr


def test_a_supplement_is_issued_by_the_ask_command_only(sosa, partly_replied):
    result = sosa("letter", "render", "reply-supplement", "A-0001", ok=False)
    assert result.exit_code == 1
    assert "a supplement to the reply is issued by `sosa ask reply A-0001 --supplement`" in result.stderr
