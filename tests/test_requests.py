"""`sosa request …`: a delay followed from its report to the outcome notice."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from sosa_cli import lifecycle, requests
from sosa_cli.calendar import add_jp_working_days
from sosa_cli.store import open_db
from tests.conftest import assert_lines_in_order
from tests.test_delays import DELAY, with_option


def dump(db) -> str:
    return "\n".join(sqlite3.connect(db).iterdump())


@pytest.fixture
def two_delays(sosa, configured):
    sosa("delay", "add", *DELAY)
    sosa("delay", "add", *with_option("--part-number", "987-654"))
    return configured


def show(sosa, key="R-0001") -> dict:
    return json.loads(sosa("request", "show", key, "--json").stdout)


def test_from_delay_report_to_outcome_notice(sosa, two_delays, desk_env):
    opened = sosa("request", "open", "D-0001", "d-2", "--action", "rating", "--urgency", "critical")
    assert opened.stdout.strip() == "R-0001"
    data = show(sosa)
    assert data["status"] == "draft" and [d["status"] for d in data["delays"]] == ["escalated", "escalated"]

    sent = sosa("request", "send", "R-0001")
    # 2026-11-26 is Thanksgiving: 10 US working days on is 10 December.
    assert "follow up on 2026-12-10" in sent.stderr
    data = show(sosa)
    assert data["status"] == "sent" and data["sent_on"] == "2026-11-26" and data["follow_up_on"] == "2026-12-10"
    [letter] = data["letters"]
    assert letter["kind"] == "request" and letter["doc_number"] == "装備政策第1号"
    text = open(letter["files"][0]["path"], encoding="utf-8").read()
    assert_lines_in_order(
        text.splitlines(),
        [
            "Equipment Policy Division",
            "Japan",
            "Telephone +81-3-3268-3111",
            "Reference: ATLA-EPD No. 1",
            "26 November 2026",
            "Office of the Assistant Secretary of Defense for Industrial Base Policy",
            "SUBJECT: Request for Support of Priority Ratings under the Security of Supply Arrangement",
            "1. The Acquisition, Technology and Logistics Agency (ATLA), Ministry of Defense of Japan, "
            "sponsors this request on behalf of the Government of Japan under 15 CFR 700.57",
            "2. ATLA asks the Department to support priority ratings under the Defense Priorities and Allocations System (DPAS) for the orders listed below.",
            "3. Urgency and efforts made (15 CFR 700.53). The delay is affecting, or will shortly affect, operations",
            "4. The orders:",
            "(a) Servo valve (ATLA reference D-0001)",
            "Applicant: Shinonome Seiki Co., Ltd., NCAGE SZ101",
            "U.S. supplier: Acme Hydraulics Inc., CAGE 1ABC2",
            "Purchase order: PO-2026-0042",
            "Part number / NSN: 123-456-789 / 1650-01-234-5678 (Servo valve)",
            "Quantity: 4 EA",
            "Rating sought: DO rating, as the Department determines",
            "Required delivery date: 15 January 2027",
            "Current promised date: 30 April 2027",
            "End use: F-15J modernization",
            "Impact: Two aircraft grounded",
            "Efforts made: Weekly calls with the supplier since October",
            "(b) Servo valve (ATLA reference D-0002)",
            "Part number / NSN: 987-654 / 1650-01-234-5678",
            "5. The company information in this letter is business confidential and commercially sensitive.",
            "6. ATLA would be grateful for the Department's support. The point of contact at ATLA is Taro Yamada",
            "Sincerely,",
            "ICHIRO SUZUKI",
            "Director, Equipment Policy Division",
            "cc: Shinonome Seiki Co., Ltd.",
        ],
    )
    # Two U.S. orders, in words; no machine phrasing, no Japanese, no empty enclosure.
    assert "reports that two U.S. orders on which it depends" in text
    for absent in ("Items (", "Delay report(s)", "without success", "Enclosure:", "東雲", "近代化"):
        assert absent not in text, absent

    sosa("request", "update", "R-0001", "--status", "acknowledged", "--dod-ref", "IBP-2026-117")
    rated = sosa("request", "update", "R-0001", "--status", "rated", "--rating", "do-a1")
    # DO: 15 US working days (15 CFR 700.13) from 26 Nov 2026 (Thanksgiving) → 17 Dec 2026.
    assert "supplier must accept or reject by 2026-12-17" in rated.stderr
    sosa("request", "update", "R-0001", "--committed-date", "2027-01-10")
    sosa("request", "update", "R-0001", "--status", "supplier-accepted")
    data = show(sosa)
    assert data["rating"] == "DO-A1" and data["supplier_deadline"] == "2026-12-17"
    assert [d["promised_date"] for d in data["delays"]] == ["2027-01-10", "2027-01-10"]
    assert data["delays"][0]["slips"][-1]["source"] == "supplier"

    closed = sosa("request", "close", "R-0001", "--outcome", "resolved")
    assert "D-0001 resolved, D-0002 resolved" in closed.stderr
    notice = sosa("letter", "render", "outcome", "R-0001", "--out", "-").stdout
    assert_lines_in_order(
        notice.splitlines(),
        [
            "装備政策第2号",
            "令和8年11月26日",
            "東雲精機株式会社",
            "佐藤 花子　殿",
            "（公印省略）",
            "米国への要請の結果について（通知）",
            "米国国防省に対し米国の国防優先度・割当制度（DPAS）に基づく優先格付の付与を要請したところ",
            "記",
            "1　当庁整理番号　R-0001（米国側整理番号　IBP-2026-117）",
            "2　優先格付　DO-A1",
            "3　対象品目",
            "（1）123-456-789",
            "米国の供給企業　Acme Hydraulics Inc.",
            "必要時期　令和9年1月15日",
            "結果　遅延解消",
            "4　要請の結果　遅延解消（令和8年11月26日）",
            "以上",
        ],
    )
    history = [e["action"] for e in show(sosa)["history"]]
    assert history == ["open", "send", "update", "update", "update", "update", "close"]


def test_a_delay_sits_in_one_open_request(sosa, two_delays):
    sosa("request", "open", "D-0001")
    again = sosa("request", "open", "D-0001", "D-0002", ok=False)
    assert "D-0001 is already in request R-0001" in again.stderr
    assert json.loads(sosa("delay", "show", "D-0002", "--json").stdout)["status"] == "open"
    closing = sosa("delay", "close", "D-0001", "--reason", "recovered", ok=False)
    assert "D-0001 is in request R-0001" in closing.stderr


def test_one_company_per_request(sosa, configured):
    sosa("delay", "add", *DELAY)
    sosa("delay", "add", *with_option("--company", "C-0003"))
    result = sosa("request", "open", "D-0001", "D-0002", ok=False)
    assert "from 2 companies (C-0001, C-0003)" in result.stderr


def test_withdrawing_hands_the_delays_back(sosa, two_delays):
    sosa("request", "open", "D-0001", "D-0002")
    sosa("request", "close", "R-0001", "--outcome", "withdrawn")
    data = show(sosa)
    assert data["status"] == "withdrawn" and [d["status"] for d in data["delays"]] == ["open", "open"]
    assert sosa("request", "open", "D-0001").stdout.strip() == "R-0002"


def test_partial_settles_each_delay_by_its_promise(sosa, two_delays):
    sosa("request", "open", "D-0001", "D-0002")
    sosa("request", "send", "R-0001")
    sosa("request", "update", "R-0001", "--status", "acknowledged")
    sosa("request", "update", "R-0001", "--status", "rated", "--rating", "DX-A7")
    sosa("delay", "update", "D-0001", "--promised-date", "2027-01-12")
    sosa("request", "close", "R-0001", "--outcome", "partial")
    data = show(sosa)
    assert [d["status"] for d in data["delays"]] == ["resolved", "unresolved"]
    # DX: 10 US working days from 26 Nov 2026.
    assert data["supplier_deadline"] == "2026-12-10"


@pytest.mark.parametrize(
    "args, message",
    [
        (["request", "update", "R-0001", "--status", "rated"], "R-0001 is draft and cannot become rated: from draft it can move to sent, withdrawn"),
        (["request", "update", "R-0001", "--rating", "DO-Z9"], "DO-Z9"),
        (["request", "update", "R-0001", "--rating", "AA-A1"], "AA-A1"),
        (["request", "update", "R-0001", "--committed-date", "ASAP"], "ASAP"),
        (["request", "update", "R-0001", "--status", "closed"], "request close"),
        (["request", "update", "R-0001", "--status", "finished"], "'finished' is not a request state"),
        (["request", "update", "R-0001"], "nothing to change"),
        (["request", "close", "R-0001", "--outcome", "resolved"], "R-0001 is draft and cannot become closed"),
        (["request", "close", "R-0001", "--outcome", "great"], "'great' is not a request outcome"),
        (["request", "open", "D-0001", "--action", "beg"], "'beg' is not a requested action"),
        (["request", "open", "D-0001", "--urgency", "asap"], "'asap' is not a urgency"),
        (["request", "open", "D-0099"], "no delay D-0099"),
        (["request", "show", "R-0099"], "no request R-0099"),
        (["letter", "render", "outcome", "R-0001"], "the outcome notice follows the close"),
    ],
)
def test_refused_requests_change_nothing(sosa, two_delays, args, message):
    if args[1] != "open" or "D-0099" in args or "--action" in args or "--urgency" in args:
        sosa("request", "open", "D-0002")
    before = dump(two_delays)
    result = sosa(*args, ok=False)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert dump(two_delays) == before


def test_a_delay_that_no_longer_is_late_is_not_requested(sosa, two_delays):
    sosa("delay", "update", "D-0001", "--promised-date", "2027-01-10")
    result = sosa("request", "open", "D-0001", ok=False)
    assert "D-0001 is now promised for 2027-01-10, by its need date 2027-01-15: there is nothing to ask DoD for" in result.stderr
    assert "sosa delay close D-0001 --reason recovered" in result.stderr


def test_send_without_the_office_profile_writes_nothing(sosa, enrolled):
    sosa("delay", "add", *DELAY)
    sosa("request", "open", "D-0001")
    before = dump(enrolled)
    result = sosa("request", "send", "R-0001", ok=False)
    assert result.exit_code == 1 and "sosa config set" in result.stderr
    assert dump(enrolled) == before


def test_list_filters_and_overdue_follow_up(sosa, two_delays, monkeypatch):
    sosa("request", "open", "D-0001")
    sosa("request", "send", "R-0001")
    sosa("request", "open", "D-0002")
    keys = lambda result: [line.split("\t")[0] for line in result.stdout.splitlines()[1:]]  # noqa: E731
    assert keys(sosa("request", "list")) == ["R-0001", "R-0002"]
    assert keys(sosa("request", "list", "--status", "draft")) == ["R-0002"]
    assert keys(sosa("request", "list", "--overdue")) == []
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    assert keys(sosa("request", "list", "--overdue")) == ["R-0001"]
    rows = json.loads(sosa("request", "list", "--json").stdout)
    assert rows[0]["follow_up_overdue"] is True and rows[0]["delay_keys"] == ["D-0001"]


ALLOWED = {
    ("draft", "sent"),
    ("draft", "withdrawn"),
    ("sent", "acknowledged"),
    ("sent", "declined"),
    ("sent", "withdrawn"),
    ("acknowledged", "rated"),
    ("acknowledged", "declined"),
    ("acknowledged", "withdrawn"),
    ("rated", "supplier-accepted"),
    ("rated", "closed"),
    ("rated", "withdrawn"),
    ("supplier-accepted", "closed"),
    ("supplier-accepted", "withdrawn"),
    ("declined", "closed"),
}


@pytest.mark.parametrize("state, target", [(a, b) for a in lifecycle.REQUEST.states for b in lifecycle.REQUEST.states])
def test_request_life_cycle_table(state, target):
    if (state, target) in ALLOWED:
        lifecycle.REQUEST.check("R-0001", state, target)
    else:
        with pytest.raises(Exception, match="cannot become"):
            lifecycle.REQUEST.check("R-0001", state, target)


def _sent_and(sosa, *statuses):
    sosa("request", "open", "D-0001")
    sosa("request", "send", "R-0001")
    for status in statuses:
        extra = ["--rating", "DO-A1"] if status == "rated" else []
        sosa("request", "update", "R-0001", "--status", status, *extra)


@pytest.mark.parametrize(
    "statuses, outcome, message",
    [
        (["declined"], "resolved", "R-0001 is declined: it can close unresolved, not resolved"),
        (["declined"], "partial", "it can close unresolved, not partial"),
        (["acknowledged", "rated"], "resolved", "R-0001 is rated: it can close partial or unresolved, not resolved"),
        (["acknowledged", "rated", "supplier-accepted"], "resolved", "D-0001 is still promised for 2027-04-30, after its need date 2027-01-15"),
    ],
)
def test_an_outcome_the_facts_do_not_support_is_refused(sosa, two_delays, statuses, outcome, message):
    _sent_and(sosa, *statuses)
    before = dump(two_delays)
    result = sosa("request", "close", "R-0001", "--outcome", outcome, ok=False)
    assert result.exit_code == 1 and message in result.stderr
    assert dump(two_delays) == before


def test_a_declined_request_closes_unresolved_and_says_so(sosa, two_delays):
    _sent_and(sosa, "declined")
    sosa("request", "close", "R-0001", "--outcome", "unresolved")
    notice = sosa("letter", "render", "outcome", "R-0001", "--out", "-").stdout
    assert "納期の改善には至りませんでした" in notice and "間に合う見込み" not in notice


def test_the_request_letter_is_issued_by_send_alone(sosa, two_delays):
    sosa("request", "open", "D-0001")
    refused = sosa("letter", "render", "request", "R-0001", ok=False)
    assert "R-0001 is a draft: its letter is issued when it is sent" in refused.stderr
    preview = sosa("letter", "render", "request", "R-0001", "--draft", "--out", "-")
    assert "Reference: ATLA-EPD No. ____" in preview.stdout
    assert json.loads(sosa("letter", "list", "--json").stdout) == []
    sosa("request", "send", "R-0001")
    assert [entry["kind"] for entry in json.loads(sosa("letter", "list", "--json").stdout)] == ["request"]


def test_no_outcome_notice_for_a_request_never_sent(sosa, two_delays):
    sosa("request", "open", "D-0001")
    sosa("request", "close", "R-0001", "--outcome", "withdrawn")
    result = sosa("letter", "render", "outcome", "R-0001", ok=False)
    assert "was withdrawn before it was sent" in result.stderr


def test_a_withdrawn_companys_delay_is_not_sent_to_dod(sosa, two_delays):
    sosa("request", "open", "D-0001")
    sosa("company", "withdraw", "C-0001", "--reason", "left the arrangement")
    before = dump(two_delays)
    result = sosa("request", "send", "R-0001", ok=False)
    assert "C-0001 東雲精機株式会社 is withdrawn: a request is sent only for an enrolled company" in result.stderr
    assert dump(two_delays) == before
    opened = sosa("request", "open", "D-0002", ok=False)
    assert "a request is opened only for an enrolled company" in opened.stderr


def test_a_request_must_show_impact_and_efforts(sosa, configured):
    sosa("delay", "add", *[a for a in DELAY if a not in ("--efforts", "Weekly calls with the supplier since October")])
    result = sosa("request", "open", "D-0001", ok=False)
    assert "D-0001 records no efforts" in result.stderr and 'sosa delay update D-0001 --efforts "…"' in result.stderr


def test_the_same_delay_named_twice_is_one(sosa, two_delays):
    sosa("request", "open", "D-0001", "d-1")
    assert [d["key"] for d in show(sosa)["delays"]] == ["D-0001"]


def test_the_same_status_again_is_nothing_to_change(sosa, two_delays):
    _sent_and(sosa)
    result = sosa("request", "update", "R-0001", "--status", "sent", ok=False)
    assert result.exit_code == 1 and "nothing to change: R-0001 is already sent" in result.stderr


def test_rated_on_starts_the_suppliers_clock(sosa, two_delays):
    _sent_and(sosa, "acknowledged")
    # DO: 15 US working days from Friday 20 November 2026 (Thanksgiving on the 26th) → 14 December.
    sosa("request", "update", "R-0001", "--status", "rated", "--rating", "DO-A1", "--rated-on", "令和8年11月20日")
    data = show(sosa)
    assert data["rated_on"] == "2026-11-20" and data["supplier_deadline"] == "2026-12-14"


def test_the_request_refuses_japanese_and_names_the_field_and_its_option(sosa, configured, db_path):
    sosa("delay", "add", *[a for a in with_option("--program-en", "x") if a not in ("--program-en", "x")])
    sosa("request", "open", "D-0001")
    before = dump(db_path)
    refused = sosa("request", "send", "R-0001", ok=False)
    assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "the request letter is in English, but items[0].program is Japanese (近代化改修)" in refused.stderr
    assert "sosa delay update D-0001 --program-en" in refused.stderr
    assert dump(db_path) == before
    sosa("delay", "update", "D-0001", "--impact", "二機が飛べない", "--program-en", "F-15J modernization")
    refused = sosa("request", "send", "R-0001", ok=False)
    assert "items[0].impact is Japanese (二機が飛べない)" in refused.stderr and "sosa delay update D-0001 --impact" in refused.stderr
    sosa("delay", "update", "D-0001", "--impact", "Two aircraft grounded")
    assert "F-15J modernization" in sosa("letter", "render", "request", "R-0001", "--draft", "--out", "-").stdout


def test_english_letters_need_their_english_settings(sosa, two_delays):
    sosa("config", "unset", "doc_prefix_en")
    sosa("config", "unset", "contact_name_en")
    sosa("request", "open", "D-0001")
    refused = sosa("request", "send", "R-0001", ok=False)
    assert refused.exit_code == 1
    assert "doc_prefix_en" in refused.stderr and "contact_name_en" in refused.stderr and "sosa config set doc_prefix_en" in refused.stderr


# 15 CFR 700.13(d) counts the supplier's days on the US federal calendar. Each case crosses a
# day that only one of the two calendars closes, so the Japanese calendar gives another date.
US_DEADLINES = [
    # DX: 10 US working days from Friday 12 June 2026; Juneteenth (Fri 19 June) is a federal holiday.
    ("DX-A1", "2026-06-12", "2026-06-29"),
    # DO: 15 from Monday 22 June; Independence Day observed on Friday 3 July (the 4th is a Saturday).
    ("DO-A3", "2026-06-22", "2026-07-14"),
    # DX: 10 from Friday 23 October; 文化の日 (Tue 3 November) is a Japanese holiday the US works.
    ("DX-A7", "2026-10-23", "2026-11-06"),
    # DO: 15 from Friday 24 April; Golden Week (29 April, 4–6 May) is worked in the US.
    ("DO-A1", "2026-04-24", "2026-05-15"),
]


def _japanese_answer(rating: str, rated_on: str) -> str:
    days = 10 if rating.startswith("DX") else 15
    return add_jp_working_days(date.fromisoformat(rated_on), days).isoformat()


@pytest.mark.parametrize("rating, rated_on, due", US_DEADLINES)
def test_the_suppliers_deadline_is_counted_on_the_us_calendar(sosa, two_delays, rating, rated_on, due):
    assert _japanese_answer(rating, rated_on) != due, "the case must tell the two calendars apart"
    _sent_and(sosa, "acknowledged")
    rated = sosa("request", "update", "R-0001", "--status", "rated", "--rating", rating, "--rated-on", rated_on)
    assert f"supplier must accept or reject by {due}" in rated.stderr
    data = show(sosa)
    assert data["rating"] == rating and data["rated_on"] == rated_on and data["supplier_deadline"] == due


@pytest.mark.parametrize("rating, rated_on, due", US_DEADLINES)
def test_the_domain_counts_the_suppliers_deadline_on_the_us_calendar(sosa, two_delays, rating, rated_on, due):
    _sent_and(sosa, "acknowledged")
    request = requests.update(open_db(two_delays), "R-0001", status="rated", rating=rating.lower(), rated_on=rated_on)
    assert request.status == "rated" and request.rating == rating
    assert request.rated_on == rated_on and request.supplier_deadline == due


@pytest.mark.parametrize(
    ("sent_on", "follow_up_on"),
    [
        # Juneteenth 2027 falls on a Saturday and is observed on Friday 18 June: a US-only
        # closed day (on Japan's calendar the tenth working day would be 25 June).
        ("2027-06-11", "2027-06-28"),
        # Golden Week is Japan's only: 昭和の日 and 3–5 May are US working days (on Japan's
        # calendar the tenth working day would be 18 May).
        ("2027-04-28", "2027-05-12"),
    ],
)
def test_the_follow_up_date_counts_us_working_days(sosa, two_delays, monkeypatch, sent_on, follow_up_on):
    sosa("request", "open", "D-0001", "--action", "rating", "--urgency", "critical")
    monkeypatch.setenv("SOSA_TODAY", sent_on)
    assert f"follow up on {follow_up_on}" in sosa("request", "send", "R-0001").stderr
    assert show(sosa)["follow_up_on"] == follow_up_on
