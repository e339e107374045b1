"""`sosa status`: what needs attention today, most urgent first."""

from __future__ import annotations

import json

import pytest

from sosa_cli import status
from sosa_cli.store import open_db
from tests.test_asks import with_option
from tests.test_delays import with_option as delay_with

KEYS = ["due", "kind", "what", "record", "company", "detail", "overdue"]


def attention(sosa) -> list[dict]:
    return json.loads(sosa("status", "--json").stdout)


def test_nothing_to_do(sosa, enrolled):
    assert attention(sosa) == []
    assert sosa("status").stdout == ""


@pytest.fixture
def busy_desk(sosa, configured, monkeypatch):
    """On 2026-11-26: an ask relayed with 3 開庁日 to answer, and three requests.

    R-0001 sent (follow-up 2026-12-10), R-0002 rated DO-A1 (supplier's deadline
    2026-12-17), R-0003 a draft.
    """
    sosa("ask", "record", *with_option("--reply-by", "2026-12-14"))
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--within", "3")
    sosa("ask", "respond", "A-0001", "C-0005", "--decision", "decline")
    for part in ("P-1", "P-2", "P-3"):
        sosa("delay", "add", *delay_with("--part-number", part))
    sosa("request", "open", "D-0001")
    sosa("request", "send", "R-0001")
    sosa("request", "open", "D-0002")
    sosa("request", "send", "R-0002")
    sosa("request", "update", "R-0002", "--status", "acknowledged")
    sosa("request", "update", "R-0002", "--status", "rated", "--rating", "DO-A1")
    sosa("request", "open", "D-0003")
    return configured


def test_most_urgent_first_with_stable_json_keys(sosa, busy_desk, monkeypatch):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    items = attention(sosa)
    assert all(list(item) == KEYS for item in items)
    assert [(i["due"], i["kind"], i["record"], i["company"], i["overdue"]) for i in items] == [
        ("2026-12-01", "relay-overdue", "A-0001", "C-0002", True),
        ("2026-12-10", "request-follow-up", "R-0001", "C-0001", True),
        ("2026-12-14", "reply-due", "A-0001", None, False),
        ("2026-12-17", "supplier-deadline", "R-0002", "C-0001", False),
        (None, "draft-request", "R-0003", "C-0001", False),
    ]
    assert "C-0002 北斗電子工業株式会社 has not answered IBP-2026-0311; not yet reminded" in items[0]["detail"]
    assert items[2]["detail"] == "IBP-2026-0311: reply-by date in 1 開庁日; 1 of 2 companies answered"
    assert items[3]["detail"] == "DO-A1 order for C-0001 東雲精機株式会社"
    table = sosa("status").stdout.splitlines()
    assert table[0].split("\t") == ["Due", "What", "Record", "Company", "Detail"]
    assert table[1].split("\t")[:3] == ["2026-12-01", "company's answer overdue", "A-0001"]
    assert table[-1].split("\t")[:3] == ["—", "draft request not sent", "R-0003"]


def test_reply_by_window_follows_the_setting(sosa, busy_desk, monkeypatch):
    # On 2026-12-01 the reply-by date 2026-12-14 is 9 開庁日 ahead: outside 5, inside 10.
    monkeypatch.setenv("SOSA_TODAY", "2026-12-01")
    assert "reply-due" not in [i["kind"] for i in attention(sosa)]
    sosa("config", "set", "ask_reply_warning_days", "10")
    due = [i for i in attention(sosa) if i["kind"] == "reply-due"]
    assert due[0]["detail"].startswith("IBP-2026-0311: reply-by date in 9 開庁日")


def test_past_reply_by_and_answered_or_replied_asks(sosa, busy_desk, monkeypatch):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-15")
    [reply] = [i for i in attention(sosa) if i["kind"] == "reply-due"]
    assert reply["what"] == "reply to DoD overdue" and reply["overdue"] is True
    sosa("ask", "reply", "A-0001", "--yes")
    kinds = [i["kind"] for i in attention(sosa)]
    assert "reply-due" not in kinds and "relay-overdue" not in kinds


def test_a_received_ask_not_yet_relayed_shows_when_near(sosa, configured):
    sosa("ask", "record", *with_option("--reply-by", "2026-11-30"))
    [item] = attention(sosa)
    assert item["kind"] == "reply-due" and "not yet relayed to any company" in item["detail"]


def test_queries_do_not_grow_with_the_records(sosa, busy_desk, monkeypatch):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    for n in range(5):
        sosa("ask", "record", *with_option("--dod-ref", f"IBP-{n}"))
    conn = open_db()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    status.attention(conn, reply_days=5)
    few = len([s for s in statements if s.lstrip().upper().startswith("SELECT")])
    for n in range(5, 30):
        near = with_option("--reply-by", "2026-12-14")
        near[near.index("--dod-ref") + 1] = f"IBP-{n}"
        sosa("ask", "record", *near)
    for n in range(20):
        sosa("delay", "add", *delay_with("--part-number", f"Q-{n}"))
        sosa("request", "open", f"D-{n + 4:04d}")
    statements.clear()
    status.attention(conn, reply_days=5)
    # One query per kind of work, and one count for each long list (asks and drafts).
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == few + 2


@pytest.mark.parametrize("command", ["withdraw", "suspend"])
def test_a_company_no_longer_enrolled_is_not_chased(sosa, configured, monkeypatch, command):
    sosa("ask", "record", *with_option("--reply-by", "2026-12-14"))
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--within", "3")
    sosa("company", command, "C-0005", "--reason", "left", "--yes")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-05")
    overdue = [(i["record"], i["company"]) for i in attention(sosa) if i["kind"] == "relay-overdue"]
    assert overdue == [("A-0001", "C-0002")]
    # The ask's own view agrees: the relay is late, but not overdue.
    data = json.loads(sosa("ask", "show", "A-0001", "--json").stdout)
    assert {r["company_key"]: r["status"] for r in data["relays"]} == {"C-0002": "overdue", "C-0005": "sent"}
    assert data["overdue"] == 1


@pytest.fixture
def twelve_drafts(sosa, configured):
    """Twelve draft requests R-0001…R-0012, one for each delay."""
    for n in range(12):
        sosa("delay", "add", *delay_with("--part-number", f"P-{n}"))
        sosa("request", "open", f"D-{n + 1:04d}")
    return configured


def test_a_long_list_shows_as_its_count_and_the_most_urgent_few(sosa, twelve_drafts):
    lines = [line.split("\t") for line in sosa("status", "--no-header").stdout.splitlines()]
    assert lines[0][:5] == ["—", "12 draft requests not sent", "", "", "the 5 most urgent follow; `sosa status --all` lists every one"]
    assert [line[2] for line in lines[1:]] == ["R-0001", "R-0002", "R-0003", "R-0004", "R-0005"]
    items = attention(sosa)
    assert [(i["record"], i["what"]) for i in items[:2]] == [(None, "12 draft requests not sent"), ("R-0001", "draft request not sent")]
    assert len(items) == 6
    every = json.loads(sosa("status", "--all", "--json").stdout)
    assert [i["record"] for i in every] == [f"R-{n:04d}" for n in range(1, 13)]
    assert len(sosa("status", "--all", "--no-header").stdout.splitlines()) == 12


def test_ten_of_a_kind_are_listed_in_full(sosa, twelve_drafts):
    sosa("request", "close", "R-0011", "--outcome", "withdrawn")
    sosa("request", "close", "R-0012", "--outcome", "withdrawn")
    assert [i["record"] for i in attention(sosa)] == [f"R-{n:04d}" for n in range(1, 11)]


def test_counts_agree_with_their_nouns(sosa, configured, monkeypatch):
    sosa("ask", "record", *with_option("--reply-by", "2026-12-14"))
    sosa("relay", "A-0001", "--to", "C-0002", "--within", "3")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    [reply] = [i for i in attention(sosa) if i["kind"] == "reply-due"]
    assert reply["detail"] == "IBP-2026-0311: reply-by date in 1 開庁日; 0 of 1 company answered"
