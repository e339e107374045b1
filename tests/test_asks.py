"""`sosa ask …`: a DoD ask from its recording to the reply, and every input the desk refuses."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from sosa_cli import asks, lifecycle
from sosa_cli.errors import SosaError
from sosa_cli.store import open_db
from tests.conftest import assert_lines_in_order

# Today is pinned to 2026-11-26 (conftest); DoD wants the reply within the month.
ASK = [
    "--dod-ref",
    "IBP-2026-0311",
    "--received-on",
    "2026-11-25",
    "--program",
    "AN/TPY-2 radar sustainment",
    "--part-number",
    "MC-4410",
    "--nsn",
    "5962-01-456-7890",
    "--description",
    "Microcircuit, hybrid",
    "--quantity",
    "12",
    "--current-date",
    "2027-06-30",
    "--requested-date",
    "2027-03-31",
    "--reason",
    "Radar readiness for an exercise",
    "--reply-by",
    "2026-12-25",
]


def with_option(option: str, value: str | None) -> list[str]:
    """ASK with one option replaced (or dropped, when value is None)."""
    args = list(ASK)
    i = args.index(option)
    if value is None:
        del args[i : i + 2]
    else:
        args[i + 1] = value
    return args


def dump(db: Path) -> str:
    return "\n".join(sqlite3.connect(db).iterdump())


def show(sosa, key: str = "A-0001") -> dict:
    return json.loads(sosa("ask", "show", key, "--json").stdout)


def relays_by_company(data: dict) -> dict[str, dict]:
    return {r["company_key"]: r for r in data["relays"]}


@pytest.fixture
def recorded(sosa, configured):
    sosa("ask", "record", *ASK)
    return configured


@pytest.fixture
def relayed(sosa, recorded):
    """A-0001 relayed on 2026-11-26 to C-0002, C-0003, C-0005, C-0010; answers due 2026-12-10."""
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--to", "C-0005", "--to", "C-0010")
    return recorded


# --- the whole flow --------------------------------------------------------------------


def test_from_record_to_reply_and_close(sosa, configured, desk_env, monkeypatch):
    recorded = sosa("ask", "record", *ASK)
    assert recorded.stdout.strip() == "A-0001"
    assert "reply to DoD by 2026-12-25" in recorded.stderr
    data = show(sosa)
    assert data["status"] == "received" and data["dod_ref"] == "IBP-2026-0311"
    assert data["items"] == [
        {
            "position": 1,
            "quantity": 12,
            "current_date": "2027-06-30",
            "requested_date": "2027-03-31",
            "part_number": "MC-4410",
            "nsn": "5962-01-456-7890",
            "description": "Microcircuit, hybrid",
            "fsc": "5962",
            "customer": None,
            "order_number": None,
            "service": False,
            "psc": None,
        }
    ]

    relayed = sosa("relay", "A-0001", "--to", "C-0002", "--to", "c-5", "--to", "C-0010", "--to", "C-0003")
    assert len(relayed.stdout.splitlines()) == 4
    assert "answers due by 2026-12-10" in relayed.stderr  # 10 開庁日 after 2026-11-26
    data = show(sosa)
    assert data["status"] == "relayed"
    assert {r["company_key"]: r["status"] for r in data["relays"]} == {"C-0002": "sent", "C-0003": "sent", "C-0005": "sent", "C-0010": "sent"}
    assert [letter["kind"] for letter in data["letters"]] == ["relay"] * 4

    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "accept", "--committed-date", "令和9年3月31日")
    sosa(
        "ask",
        "respond",
        "A-0001",
        "C-0005",
        "--decision",
        "partial",
        "--committed-date",
        "2027-04-30",
        "--quantity",
        "5",
        "--note",
        "残りは当初納期",
        "--note-en",
        "The rest at the current date.",
    )
    declined = sosa("ask", "respond", "A-0001", "C-0010", "--decision", "decline")
    assert declined.stderr.strip() == "Recorded C-0010's answer to A-0001: declined."
    relays = relays_by_company(show(sosa))
    assert relays["C-0002"]["decision"] == "accept" and relays["C-0002"]["committed_date"] == "2027-03-31" and relays["C-0002"]["quantity"] == 12
    assert relays["C-0005"]["decision"] == "partial" and relays["C-0005"]["quantity"] == 5
    assert relays["C-0010"]["status"] == "answered" and relays["C-0010"]["decision"] == "decline"

    # Past the answer-by date, C-0003 is overdue and is reminded; the others are not.
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    assert relays_by_company(show(sosa))["C-0003"]["status"] == "overdue"
    reminded = sosa("ask", "remind", "A-0001")
    assert reminded.stdout.strip().endswith("reminder-A-0001-C-0003.md")
    assert "Reminded C-0003" in reminded.stderr and "new answer-by date 2026-12-18" in reminded.stderr
    c3 = relays_by_company(show(sosa))["C-0003"]
    assert (c3["status"], c3["reminders"], c3["last_reminded_on"], c3["answer_by"], c3["original_answer_by"]) == (
        "reminded",
        1,
        "2026-12-11",
        "2026-12-18",
        "2026-12-10",
    )

    # While C-0003's reminded answer-by date is ahead, the reply waits (or goes --partial:
    # tests/test_late_answers.py); past it, C-0003 is reported as no response.
    assert "C-0003 (answer-by date 2026-12-18)" in sosa("ask", "reply", "A-0001", "--yes", ok=False).stderr
    monkeypatch.setenv("SOSA_TODAY", "2026-12-21")
    replied = sosa("ask", "reply", "A-0001", "--yes")
    assert "recorded C-0003 as no response" in replied.stderr
    data = show(sosa)
    assert data["status"] == "replied" and data["replied_on"] == "2026-12-21"
    assert relays_by_company(data)["C-0003"]["status"] == "no-response"
    reply = Path(replied.stdout.strip()).read_text(encoding="utf-8")
    assert_lines_in_order(
        reply.splitlines(),
        [
            "Reference: ATLA-EPD No. 6",
            "21 December 2026",
            "Office of the Assistant Secretary of Defense for Industrial Base Policy",
            "Dear Sir or Madam:",
            "SUBJECT: Reply to the Department of Defense Request IBP-2026-0311 for Priority Delivery Support",
            "1. Reference is made to the Department's request IBP-2026-0311, received on 25 November 2026",
            "3. One company accepted, one company partially accepted, one company declined and one company did not answer.",
            "| Company | Answer | Committed date | Quantity | Conditions and notes |",
            "best-effort estimates, not binding commitments",
            "Cooperation by Japanese companies under the Code of Conduct of the Arrangement is voluntary",
            "business confidential and commercially sensitive",
            "The point of contact at ATLA is Taro Yamada",
            "Sincerely,",
            "ICHIRO SUZUKI",
        ],
    )
    for row in (
        "| Hokuto Denshi Kogyo K.K. (NCAGE SZ102) | accepted | 31 March 2027 | 12 |",
        "| Kobe Marine Electric Co., Ltd. (NCAGE SZ105) | partially accepted | 30 April 2027 | 5 of 12 | The rest at the current date. |",
        "| Hokkaido Defense Electric Co., Ltd. (NCAGE SZ110) | declined |",
        "| Chubu Aero Parts Corporation (NCAGE SZ103) | no response |",
    ):
        assert row in reply, row
    for absent in ("Enclosure:", "cc:", "残り"):
        assert absent not in reply, absent
    assert "fail" not in reply.lower()

    sosa("ask", "close", "A-0001")
    assert show(sosa)["status"] == "closed"
    history = [e["action"] for e in show(sosa)["history"]]
    assert history[:6] == ["record", "relay C-0002", "relay C-0005", "relay C-0010", "relay C-0003", "relay"]
    assert history[-3:] == ["no response C-0003", "reply", "close"]
    assert sosa("audit", "verify").exit_code == 0


def test_list_filters_and_json(sosa, relayed, monkeypatch):
    sosa("ask", "record", *with_option("--dod-ref", "IBP-2026-0400"))
    rows = json.loads(sosa("ask", "list", "--json").stdout)
    assert [(r["key"], r["status"], r["relay_count"]) for r in rows] == [("A-0001", "relayed", 4), ("A-0002", "received", 0)]
    assert {"key", "dod_ref", "status", "received_on", "reply_by", "items", "relays", "answered", "overdue", "reply_overdue"} <= set(rows[0])
    assert [r["key"] for r in json.loads(sosa("ask", "list", "--status", "received", "--json").stdout)] == ["A-0002"]
    assert json.loads(sosa("ask", "list", "--overdue", "--json").stdout) == []
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    overdue = json.loads(sosa("ask", "list", "--overdue", "--json").stdout)
    assert [(r["key"], r["overdue"]) for r in overdue] == [("A-0001", 4)]
    piped = sosa("ask", "list").stdout.splitlines()
    assert piped[0].split("\t")[:3] == ["Key", "DoD ref", "Status"]
    assert piped[1].split("\t")[:3] == ["A-0001", "IBP-2026-0311", "relayed"]
    bad = sosa("ask", "list", "--status", "open", ok=False)
    assert bad.exit_code == 1 and "'open' is not an ask status" in bad.stderr


def test_show_card_lists_relays_letters_and_history(sosa, relayed):
    sosa("ask", "respond", "A-0001", "C-0010", "--decision", "decline")
    lines = sosa("ask", "show", "A-0001").stdout.splitlines()
    assert "Status\trelayed" in lines
    assert any(line.startswith("Relays\tC-0010\t北海道防衛電装株式会社\tanswered\t2026-11-26\t2026-12-10\t0\tdecline") for line in lines)
    assert any(line.startswith("Letters\tL-0001\trelay\tC-0002\t装備政策第1号") for line in lines)
    assert any(line.startswith("History\t") and "answer C-0010" in line for line in lines)


def test_record_from_a_yaml_file_with_several_items(sosa, configured, tmp_path):
    source = tmp_path / "asks.yaml"
    source.write_text(
        """\
- dod_ref: IBP-2026-0500
  reply_by: 令和8年12月18日
  items:
    - part_number: A-1
      nsn: 5985-01-111-2222
      quantity: 3
      current_date: 2027-05-01
      requested_date: 2027-03-01
    - part_number: A-2
      quantity: 1
      current_date: 2027-06-01
      requested_date: 2027-04-01
- dod_ref: IBP-2026-0501
  reply_by: 2026-12-18
  part_number: B-1
  quantity: 2
  current_date: 2027-05-01
  requested_date: 2027-02-01
""",
        encoding="utf-8",
    )
    result = sosa("ask", "record", "--from", str(source))
    assert result.stdout.split() == ["A-0001", "A-0002"]
    assert [i["part_number"] for i in show(sosa)["items"]] == ["A-1", "A-2"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "dod_ref: X\nreply_by: 2026-12-18\nitems:\n  - part_number: C-1\n    quantity: 2\n    current_date: 2027-01-01\n    requested_date: ASAP\n",
        encoding="utf-8",
    )
    refused = sosa("ask", "record", "--from", str(bad), ok=False)
    assert refused.exit_code == 1 and "bad.yaml:7: items.1.requested_date" in refused.stderr


# --- refused input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--requested-date", "ASAP", '"ASAP" is not a date'),
        ("--requested-date", "至急", '"至急" is not a date'),
        ("--current-date", "2027-02-30", "2027-02-30"),
        ("--reply-by", "immediately", '"immediately" is not a date'),
        ("--requested-date", "2027-06-30", "is not earlier than the current delivery date 2027-06-30: nothing would be brought forward"),
        ("--requested-date", "2027-07-15", "is not earlier than the current delivery date"),
        ("--quantity", "0", "is not a positive whole number"),
        ("--nsn", "5962-01-456", "nsn"),
        ("--reply-by", "2026-11-01", "is before the ask was received"),
        ("--dod-ref", None, "missing --dod-ref"),
        ("--reply-by", None, "missing --reply-by"),
    ],
)
def test_record_refuses(sosa, configured, db_path, option, value, message):
    before = dump(db_path)
    result = sosa("ask", "record", *with_option(option, value), ok=False)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert dump(db_path) == before


def test_record_needs_a_part_number_or_an_nsn(sosa, configured):
    args = with_option("--part-number", None)
    args = args[: args.index("--nsn")] + args[args.index("--nsn") + 2 :]
    result = sosa("ask", "record", *args, ok=False)
    assert "give the part number or the NSN" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--decision", "accept"], "an answer of accept needs the date the company commits to (--committed-date)"),
        (["--decision", "partial", "--quantity", "3"], "needs the date the company commits to"),
        (["--decision", "accept", "--committed-date", "2027-06-30"], "is not earlier than the current delivery date 2027-06-30: it brings nothing forward"),
        (["--decision", "accept", "--committed-date", "2027-08-01"], "it brings nothing forward"),
        (["--decision", "accept", "--committed-date", "ASAP"], '"ASAP" is not a date'),
        (["--decision", "partial", "--committed-date", "2027-04-01"], "a partial answer needs the quantity"),
        (["--decision", "partial", "--committed-date", "2027-04-01", "--quantity", "12"], "12 is not less than the 12 asked"),
        (["--decision", "partial", "--committed-date", "2027-04-01", "--quantity", "-1"], "is not a positive whole number"),
        (["--decision", "accept", "--committed-date", "2027-04-01", "--quantity", "5"], "record --decision partial"),
        (["--decision", "decline", "--committed-date", "2027-04-01"], "commits to no date"),
        (["--decision", "maybe"], "'maybe' is not an answer"),
    ],
)
def test_respond_refuses(sosa, relayed, db_path, args, message):
    before = dump(db_path)
    result = sosa("ask", "respond", "A-0001", "C-0002", *args, ok=False)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert dump(db_path) == before


def test_unknown_keys_are_refused(sosa, relayed, db_path):
    before = dump(db_path)
    for args, message in [
        (["ask", "show", "A-0009"], "no ask A-0009"),
        (["ask", "show", "R-0001"], "'R-0001' is not a"),
        (["ask", "respond", "A-0001", "C-0099", "--decision", "decline"], "C-0099"),
        (["ask", "respond", "A-0001", "C-0001", "--decision", "decline"], "A-0001 was not relayed to C-0001"),
        (["ask", "respond", "A-0002", "C-0002", "--decision", "decline"], "no ask A-0002"),
        (["relay", "A-0002", "--to", "C-0002"], "no ask A-0002"),
        (["ask", "reply", "A-0002", "--yes"], "no ask A-0002"),
        (["ask", "close", "A-0002"], "no ask A-0002"),
    ]:
        result = sosa(*args, ok=False)
        assert result.exit_code == 1 and message in result.stderr, (args, result.stderr)
    assert dump(db_path) == before


def test_a_decline_is_a_normal_answer_and_can_be_corrected(sosa, relayed):
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline", "--note", "生産能力に余裕なし")
    result = sosa("ask", "respond", "A-0001", "C-0002", "--decision", "accept", "--committed-date", "2027-04-15")
    assert "accepted: 12 by 2027-04-15" in result.stderr
    data = show(sosa)
    relay = relays_by_company(data)["C-0002"]
    assert (relay["decision"], relay["committed_date"], relay["note"]) == ("accept", "2027-04-15", None)
    answers = [e for e in data["history"] if e["action"] in ("answer C-0002", "correct answer of C-0002")]
    assert [e["after"]["decision"] for e in answers] == ["decline", "accept"]
    assert answers[1]["before"]["decision"] == "decline"


# --- the life cycles, as tables ----------------------------------------------------------

ASK_MOVES = {
    ("received", "relayed"),
    ("received", "replied"),
    ("received", "cancelled"),
    ("relayed", "replied"),
    ("relayed", "partly-replied"),  # sosa ask reply --partial
    ("relayed", "cancelled"),
    ("partly-replied", "replied"),  # sosa ask reply --supplement
    ("partly-replied", "cancelled"),
    ("replied", "closed"),
    ("replied", "cancelled"),
}
RELAY_MOVES = {
    ("sent", "overdue"),
    ("sent", "answered"),
    ("sent", "no-response"),
    ("overdue", "reminded"),
    ("overdue", "answered"),
    ("overdue", "no-response"),
    ("reminded", "overdue"),
    ("reminded", "answered"),
    ("reminded", "no-response"),
    ("answered", "answered"),
    ("answered", "no-response"),
    ("no-response", "answered"),
}


@pytest.mark.parametrize(("table", "allowed"), [(lifecycle.ASK, ASK_MOVES), (lifecycle.RELAY, RELAY_MOVES)], ids=["ask", "relay"])
def test_life_cycle_tables_enumerated(table, allowed):
    for state, target in itertools.product(table.states, repeat=2):
        if (state, target) in allowed:
            table.check("X", state, target)
        else:
            with pytest.raises(SosaError):
                table.check("X", state, target)


def test_commands_follow_the_ask_life_cycle(sosa, recorded, db_path):
    for args, message in [
        (["ask", "close", "A-0001"], "A-0001 is received and cannot become closed: from received it can move to relayed, replied, cancelled"),
        (["ask", "reply", "A-0001", "--yes"], "A-0001 has not been relayed, and C-0002 supplies its class"),
        (["ask", "remind", "A-0001"], "A-0001 is received: reminders are sent while an ask is being relayed"),
        (["ask", "respond", "A-0001", "C-0002", "--decision", "decline"], "A-0001 is received: answers are recorded"),
    ]:
        before = dump(db_path)
        result = sosa(*args, ok=False)
        assert result.exit_code == 1 and message in result.stderr, (args, result.stderr)
        assert dump(db_path) == before
    refused = sosa("ask", "cancel", "A-0001", ok=False)
    assert refused.exit_code == 2  # --reason is required
    sosa("ask", "cancel", "A-0001", "--reason", "DoD withdrew the ask by e-mail")
    data = show(sosa)
    assert (data["status"], data["cancel_reason"]) == ("cancelled", "DoD withdrew the ask by e-mail")
    for args in (["relay", "A-0001", "--to", "C-0002"], ["ask", "cancel", "A-0001", "--reason", "again"], ["ask", "close", "A-0001"]):
        result = sosa(*args, ok=False)
        assert result.exit_code == 1 and "A-0001 is cancelled" in result.stderr


def test_relay_moves_the_table_refuses(sosa, relayed):
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "no-response")
    again = sosa("ask", "respond", "A-0001", "C-0002", "--decision", "no-response", ok=False)
    assert "the relay of A-0001 to C-0002 is no-response and cannot become no-response" in again.stderr
    # A late answer replaces "no response".
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    assert relays_by_company(show(sosa))["C-0002"]["status"] == "answered"


def test_overdue_is_computed_not_stored(configured, sosa, monkeypatch):
    sosa("ask", "record", *ASK)
    sosa("relay", "A-0001", "--to", "C-0002")
    conn = open_db()
    assert conn.execute("SELECT status, answer_by FROM relays").fetchone()[:] == ("sent", "2026-12-10")
    assert asks.relay_state("sent", "2026-12-10", "relayed", date(2026, 12, 10)) == "sent"
    assert asks.relay_state("sent", "2026-12-10", "relayed", date(2026, 12, 11)) == "overdue"
    assert asks.relay_state("reminded", "2026-12-10", "relayed", date(2026, 12, 11)) == "overdue"
    assert asks.relay_state("sent", "2026-12-10", "cancelled", date(2026, 12, 11)) == "sent"
    assert asks.relay_state("answered", "2026-12-10", "relayed", date(2026, 12, 11)) == "answered"


# --- the reply's confirmation is checked where the no-responses are written ------------------


def test_reply_refuses_when_the_unanswered_companies_changed(sosa, relayed, db_path, monkeypatch):
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")  # past the answer-by date: the silent are no response
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    sosa("ask", "respond", "A-0001", "C-0003", "--decision", "decline")
    conn = open_db()
    before = dump(db_path)
    # The officer confirmed C-0005 only; C-0010 is silent too.
    with pytest.raises(SosaError) as fewer:
        asks.reply(conn, "A-0001", silent_ok=frozenset({"C-0005"}))
    assert fewer.value.message == "the unanswered companies changed since you confirmed: C-0010 now unanswered too; run the command again"
    # The officer confirmed C-0002, which has answered meanwhile.
    with pytest.raises(SosaError) as answered:
        asks.reply(conn, "A-0001", silent_ok=frozenset({"C-0002", "C-0005", "C-0010"}))
    assert "C-0002 answered since" in answered.value.message
    with pytest.raises(SosaError, match="2 of 4 companies have not answered"):
        asks.reply(conn, "A-0001")
    assert dump(db_path) == before
    done = asks.reply(conn, "A-0001", silent_ok=frozenset({"C-0005", "C-0010"}))
    assert sorted(r.company_key for r in done.relays) == ["C-0005", "C-0010"]


def test_a_relay_added_after_the_confirmation_refuses_the_reply(sosa, recorded, monkeypatch):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")  # C-0005 is past its answer-by date
    original = asks.reply

    def another_officer_relays_first(conn, ref, **options):
        # Between the CLI's reading of the silent companies and the reply's transaction.
        asks.relay(conn, ref, ["C-0010"])
        return original(conn, ref, **options)

    monkeypatch.setattr(asks, "reply", another_officer_relays_first)
    result = sosa("ask", "reply", "A-0001", "--yes", ok=False)
    assert result.exit_code == 1
    # Relayed just now, C-0010 may still answer: the reply waits for it (or goes --partial).
    assert "1 of 3 companies may still answer A-0001: C-0010 (answer-by date 2026-12-25)" in result.stderr
    data = show(sosa)
    assert data["status"] == "relayed"
    assert relays_by_company(data)["C-0010"]["status"] == "sent"  # not recorded as no response unseen


def test_saving_no_changes_writes_nothing(sosa, relayed, db_path):
    conn = open_db()
    ask = asks.get_ask(conn, "A-0001")
    before = dump(db_path)
    asks._save(conn, ask, {}, action="nothing")
    asks._save_relay(conn, ask.relays[0], {}, action="nothing")
    conn.commit()
    assert dump(db_path) == before


# --- what English letters need (issue 10) ------------------------------------------------


def test_an_item_keeps_its_us_customer_and_order(sosa, configured):
    sosa("ask", "record", *ASK, "--customer", "Raytheon, Andover", "--order-number", "N00024-26-C-5301")
    item = show(sosa)["items"][0]
    assert (item["customer"], item["order_number"]) == ("Raytheon, Andover", "N00024-26-C-5301")
    card = sosa("ask", "show", "A-0001").stdout
    assert "Items\t1\tMC-4410\t5962-01-456-7890\tMicrocircuit, hybrid\t12\t2027-06-30\t2027-03-31\tRaytheon, Andover\tN00024-26-C-5301" in card
    found = asks.get_ask(open_db(), "A-0001").items[0]
    assert (found.customer, found.order_number) == ("Raytheon, Andover", "N00024-26-C-5301")


def test_yaml_items_take_customer_and_order_number(sosa, configured, tmp_path):
    source = tmp_path / "asks.yaml"
    source.write_text(
        """\
dod_ref: IBP-2026-0502
reply_by: 2026-12-18
items:
  - part_number: A-1
    quantity: 3
    current_date: 2027-05-01
    requested_date: 2027-03-01
    customer: General Dynamics Land Systems
    order_number: W56HZV-26-C-0007
  - part_number: A-2
    quantity: 1
    current_date: 2027-06-01
    requested_date: 2027-04-01
""",
        encoding="utf-8",
    )
    sosa("ask", "record", "--from", str(source))
    items = show(sosa)["items"]
    assert [(i["customer"], i["order_number"]) for i in items] == [("General Dynamics Land Systems", "W56HZV-26-C-0007"), (None, None)]
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.read_text(encoding="utf-8").replace("General Dynamics Land Systems", "米陸軍"), encoding="utf-8")
    refused = sosa("ask", "record", "--from", str(bad), ok=False)
    assert refused.exit_code == 1 and "bad.yaml:8: items.1.customer: has Japanese or full-width characters (「米」)" in refused.stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        # DoD's ask is in English and the reply to DoD prints these: no Japanese form is kept.
        ("--program", "AN/TPY-2 レーダー", "program: has Japanese or full-width characters (「レ」); --program is printed in English letters"),
        ("--description", "マイクロ回路", "description: has Japanese or full-width characters (「マ」); --description"),
        ("--customer", "ロッキード・マーチン", "customer: has Japanese or full-width characters (「ロ」); --customer is printed in English letters"),
        ("--order-number", "Ｎ００２４", "order_number: has Japanese or full-width characters (「Ｎ」); --order-number"),
    ],
)
def test_what_the_reply_prints_takes_no_japanese(sosa, configured, db_path, option, value, message):
    before = dump(db_path)
    args = with_option(option, value) if option in ASK else [*ASK, option, value]
    result = sosa("ask", "record", *args, ok=False)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert dump(db_path) == before


def test_an_answer_keeps_its_note_in_english(sosa, relayed, db_path):
    sosa(
        "ask",
        "respond",
        "A-0001",
        "C-0005",
        "--decision",
        "partial",
        "--committed-date",
        "2027-04-30",
        "--quantity",
        "5",
        "--note",
        "残りは当初納期",
        "--note-en",
        "The rest at the original delivery date",
    )
    data = show(sosa)
    answer = relays_by_company(data)["C-0005"]
    assert (answer["note"], answer["note_en"]) == ("残りは当初納期", "The rest at the original delivery date")
    assert data["history"][-1]["after"]["note_en"] == "The rest at the original delivery date"
    assert "\t残りは当初納期\tThe rest at the original delivery date" in sosa("ask", "show", "A-0001").stdout
    relay = asks.get_relay(asks.get_ask(open_db(), "A-0001"), "C-0005")
    assert relay.note_en == "The rest at the original delivery date"

    before = dump(db_path)
    refused = sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline", "--note-en", "生産能力に余裕がない", ok=False)
    assert refused.exit_code == 1
    assert "note_en: has Japanese or full-width characters (「生」); --note-en is printed in English letters" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert dump(db_path) == before
