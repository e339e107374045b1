"""Stored codes on a Japanese terminal (issue 13 §1): a table or card shows `enrolled` as
参加中, `partial` as 一部協力可能 (an answer) or 一部解消 (an outcome), yes as はい — the
GLOSSARY words, through the catalog (cli/codes.py). Piped lines and --json keep the codes,
English is as before, and free text that happens to be a code prints as typed."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import copy_database

# The codes no Japanese terminal shows in a coded column.
STATUS_CODES = re.compile(
    r"(?<![\w-])(enrolled|applied|suspended|withdrawn|issued|draft|escalated|resolved|closed|rated|partly-replied|answered|reminded)(?![\w-])"
)


@pytest.fixture
def desk(demo_desk, tmp_path, monkeypatch):
    """A copy of the demo's database for this test (some tests change it)."""
    copy_database(demo_desk / "sosa.db", tmp_path / "demo.db")
    monkeypatch.setenv("SOSA_DB", str(tmp_path / "demo.db"))
    monkeypatch.setenv("COLUMNS", "80")
    return tmp_path / "demo.db"


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("sosa_cli.cli.output.stdout_is_terminal", lambda: True)


def row(text: str, key: str) -> str:
    """The first line of a table that starts with (or holds, in a card) `key`."""
    for line in text.splitlines():
        if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", line):
            return line
    raise AssertionError(f"no {key} in:\n{text}")


def card_line(text: str, label: str) -> str:
    """A card's field: its label and value, borders dropped."""
    for line in text.splitlines():
        cells = line.strip("│ ").split(None, 1)
        if cells and cells[0] == label:
            return cells[1].strip("│ ") if len(cells) > 1 else ""
    raise AssertionError(f"no {label} in:\n{text}")


# --- A Japanese terminal ---------------------------------------------------------------


def test_company_list_shows_the_glossary_words_and_yes_no(sosa, desk, ja, terminal):
    sosa("company", "withdraw", "C-0004", "--reason", "company request", "--yes")
    sosa("company", "suspend", "C-0005", "--reason", "audit pending", "--yes")
    shown = sosa("company", "list").stdout
    assert re.search(r"参加中\s+はい\s+はい", row(shown, "C-0001")), shown
    assert re.search(r"参加中\s+はい\s+いいえ", row(shown, "C-0002")), shown
    assert "参加取りやめ" in row(shown, "C-0004").replace(" ", "") or "参加取りやめ" in re.sub(r"\s", "", shown), shown
    assert "参加停止中" in row(shown, "C-0005"), shown
    assert "申請中" in row(shown, "C-0008"), shown
    assert not STATUS_CODES.search(shown), shown
    assert not re.search(r"(?<![\w.-])(yes|no)(?![\w.-])", shown), shown


def test_company_show_says_the_status_and_consents_in_japanese_and_the_reason_as_typed(sosa, desk, ja, terminal):
    sosa("company", "withdraw", "C-0004", "--reason", "closed", "--yes")
    shown = sosa("company", "show", "C-0004").stdout
    # The reason is free text: "closed" as typed, not the word for a closed record (終了).
    assert card_line(shown, "状態") == "参加取りやめ（closed）", shown
    assert card_line(shown, "提供の同意（米国政府）") == "いいえ", shown
    assert "発出済み" in row(shown, "L-0004") and "参加の通知" in row(shown, "L-0004"), shown
    assert card_line(sosa("company", "show", "C-0001").stdout, "状態") == "参加中"


def test_delay_list_and_show(sosa, desk, ja, terminal):
    shown = sosa("delay", "list").stdout
    assert "遅延解消" in row(shown, "D-0001") and "要請中" in row(shown, "D-0003"), shown
    assert not STATUS_CODES.search(shown), shown
    assert card_line(sosa("delay", "show", "D-0003").stdout, "状態") == "要請中"


def test_a_delay_closed_without_a_request_says_why_in_japanese_and_piped_as_coded(sosa, desk, ja, terminal, monkeypatch):
    added = ["--supplier", "Acme", "--part-number", "123-456", "--quantity", "4", "--need-date", "2027-01-15", "--promised-date", "2027-04-30"]
    sosa("delay", "add", "--company", "C-0001", *added)
    sosa("delay", "close", "D-0005", "--reason", "recovered")
    assert card_line(sosa("delay", "show", "D-0005").stdout, "状態") == "終了（遅延回復）"
    monkeypatch.setattr("sosa_cli.cli.output.stdout_is_terminal", lambda: False)
    assert "状態\tclosed (recovered)\n" in sosa("delay", "show", "D-0005").stdout


def test_request_show_the_status_outcome_urgency_and_its_sections(sosa, desk, ja, terminal):
    shown = sosa("request", "show", "R-0001").stdout
    assert card_line(shown, "状態") == "終了（遅延解消）", shown
    assert card_line(shown, "緊急度") == "緊急", shown
    assert "遅延解消" in row(shown, "D-0001"), shown
    assert "米国への要請" in row(shown, "L-0010") and "発出済み" in row(shown, "L-0010"), shown
    assert "結果の通知" in row(shown, "L-0011"), shown
    assert re.search(r"│ close +│", shown), shown  # the audit trail's action is a record: as recorded
    # "partial" as an outcome is 一部解消; as a company's answer (below) 一部協力可能.
    sosa("request", "close", "R-0002", "--outcome", "partial")
    shown = sosa("request", "show", "R-0002").stdout
    assert card_line(shown, "状態") == "終了（一部解消）", shown
    assert card_line(shown, "緊急度") == "至急", shown
    listed = sosa("request", "list").stdout
    assert "優先" in row(listed, "R-0001") and "rating" not in listed, listed


def test_a_withdrawn_request_is_torisage_not_a_companys_withdrawal(sosa, desk, ja, terminal):
    sosa("request", "close", "R-0002", "--outcome", "withdrawn")
    assert card_line(sosa("request", "show", "R-0002").stdout, "状態") == "取下げ"


def test_ask_show_the_state_and_each_companys_answer(sosa, desk, ja, terminal, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # room for every relay's words on one line
    shown = sosa("ask", "show", "A-0001").stdout
    assert card_line(shown, "状態") == "一部回答済み", shown
    assert re.search(r"回答済み .* 協力可能 ", row(shown, "C-0002")), shown
    assert re.search(r"回答済み .* 一部協力可能 ", row(shown, "C-0005")), shown
    assert re.search(r"回答済み .* 協力困難 ", row(shown, "C-0010")), shown
    assert "再依頼済み" in row(shown, "C-0003"), shown
    relays = "\n".join(row(shown, key) for key in ("C-0002", "C-0003", "C-0005", "C-0010"))
    assert not re.search(r"(?<![\w-])(accept|partial|decline|answered|reminded)(?![\w-])", relays), shown


def test_ask_show_a_relay_to_a_company_that_withdrew(sosa, desk, ja, terminal, monkeypatch):
    monkeypatch.setenv("COLUMNS", "240")
    sosa("company", "withdraw", "C-0003", "--reason", "company request", "--yes")
    shown = sosa("ask", "show", "A-0001").stdout
    assert "再依頼済み（企業は参加取りやめ）" in row(shown, "C-0003"), shown
    assert not re.search(r"(?<![\w-])(reminded|withdrawn)(?![\w-])", row(shown, "C-0003")), shown  # the history keeps its record


def test_letter_list_shows_kinds_and_states(sosa, desk, ja, terminal):
    shown = sosa("letter", "list").stdout
    flat = re.sub(r"[ │┃]", "", shown)
    for word in ("参加の通知", "米国への要請", "結果の通知", "協力依頼", "再依頼", "発出済み"):
        assert word in flat, (word, shown)
    assert not re.search(r"(?<![\w/-])(enrollment|outcome|relay|reminder|issued)(?![\w.-])", shown), shown
    card = sosa("letter", "show", "L-0012").stdout
    assert card_line(card, "種類") == "協力依頼（ja）" and card_line(card, "状態") == "発出済み", card


TABLES = [["company", "list"], ["delay", "list"], ["request", "list"], ["ask", "list"], ["letter", "list"], ["letter", "templates"], ["status"]]


@pytest.mark.parametrize("command", TABLES, ids=[" ".join(c) for c in TABLES])
def test_japanese_tables_fit_80_columns(sosa, desk, ja, terminal, command):
    from rich.cells import cell_len

    sosa("company", "withdraw", "C-0004", "--reason", "company request", "--yes")
    lines = sosa(*command).stdout.splitlines()
    assert lines
    assert max(cell_len(line) for line in lines) <= 80, "\n".join(lines)


# --- Piped and JSON: the codes -----------------------------------------------------------


def test_piped_lists_and_cards_keep_the_codes_in_japanese(sosa, desk, ja):
    listed = [line.split("\t") for line in sosa("company", "list").stdout.splitlines()]
    assert listed[0][5:] == ["状態", "米国政府", "主要企業"], listed[0]  # the headers are the officer's
    assert listed[1][0] == "C-0001" and listed[1][5:] == ["enrolled", "yes", "yes"], listed[1]
    assert listed[2][5:] == ["enrolled", "yes", "no"], listed[2]
    assert "\tapplied\t" in sosa("company", "list").stdout
    card = dict(line.split("\t", 1) for line in sosa("company", "show", "C-0001").stdout.splitlines() if line.count("\t") == 1)
    assert card["状態"] == "enrolled" and card["提供の同意（米国政府）"] == "yes", card
    request = dict(line.split("\t", 1) for line in sosa("request", "show", "R-0001").stdout.splitlines() if line.count("\t") == 1)
    assert request["状態"] == "closed (resolved)" and request["緊急度"] == "critical", request
    letters = sosa("letter", "list").stdout
    assert "\tenrollment\t" in letters and "\tissued" in letters
    sosa("company", "withdraw", "C-0003", "--reason", "company request", "--yes")
    ask = sosa("ask", "show", "A-0001").stdout
    assert "\taccept\t" in ask and "\tpartial\t" in ask and "\tdecline\t" in ask, ask
    assert "\treminded (company withdrawn)\t" in ask, ask


def test_json_keeps_the_codes_on_a_japanese_terminal(sosa, desk, ja, terminal):
    companies = json.loads(sosa("company", "list", "--json").stdout)
    assert companies[0]["status"] == "enrolled" and companies[0]["share_usg"] is True
    request = json.loads(sosa("request", "show", "R-0001", "--json").stdout)
    assert (request["status"], request["outcome"], request["urgency"], request["action"]) == ("closed", "resolved", "critical", "rating")
    ask = json.loads(sosa("ask", "show", "A-0001", "--json").stdout)
    assert {r["decision"] for r in ask["relays"]} >= {"accept", "partial", "decline"}
    assert {r["kind"] for r in json.loads(sosa("letter", "list", "--json").stdout)} >= {"enrollment", "relay"}


# --- English, and free text -------------------------------------------------------------


def test_english_terminal_shows_the_codes_as_before(sosa, desk, terminal, monkeypatch):
    listed = sosa("company", "list").stdout
    assert re.search(r"enrolled\s+yes\s+yes", row(listed, "C-0001")), listed
    assert "applied" in row(listed, "C-0008"), listed
    request = sosa("request", "show", "R-0001").stdout
    assert card_line(request, "Status") == "closed (resolved)" and card_line(request, "Urgency") == "critical", request
    assert card_line(sosa("letter", "show", "L-0012").stdout, "Kind") == "relay (ja)"
    sosa("company", "withdraw", "C-0003", "--reason", "company request", "--yes")
    monkeypatch.setenv("COLUMNS", "240")
    ask = sosa("ask", "show", "A-0001").stdout
    assert card_line(ask, "Status") == "partly-replied", ask
    assert "reminded (company withdrawn)" in row(ask, "C-0003"), ask
    assert re.search(r"answered .* accept ", row(ask, "C-0002")) and re.search(r"answered .* decline ", row(ask, "C-0010")), ask
    assert not re.search(r"[\u3040-\u30ff]", re.sub(r"[^\n]*[\u4e00-\u9fff][^\n]*", "", ask))  # no kana outside the Japanese names and notes


def test_a_company_named_like_a_code_prints_as_typed(sosa, desk, ja, terminal):
    sosa(
        "enroll",
        "--corporate-number",
        "7010001008844",
        "--name-ja",
        "オープン株式会社",
        "--name-en",
        "withdrawn",
        "--coc-accepted-on",
        "2026-11-20",
        "--yes",
    )
    shown = sosa("company", "list").stdout
    line = row(shown, "C-0011")
    assert "withdrawn" in line and "参加中" in line and "参加取りやめ" not in line, line
    card = sosa("company", "show", "C-0011").stdout
    assert card_line(card, "企業名（英語）") == "withdrawn", card


# --- The vocabulary is whole ---------------------------------------------------------------


def test_every_code_of_the_domain_has_a_japanese_word(ja):
    from sosa_cli import asks, delays, exporting, lifecycle, requests, status
    from sosa_cli.cli import codes
    from sosa_cli.i18n import _, use
    from sosa_cli.letters.kinds import KINDS

    use("ja")
    wanted = [
        *(
            (codes.COMPANY_STATUS if cycle is lifecycle.COMPANY else codes.STATUS, s)
            for cycle in vars(lifecycle).values()
            if isinstance(cycle, lifecycle.LifeCycle)
            for s in cycle.states
        ),
        *((codes.ANSWER, d) for d in asks.DECISIONS),
        *((codes.OUTCOME, o) for o in requests.OUTCOMES),
        *((codes.URGENCY, u) for u in requests.URGENCIES),
        *((codes.REQUEST_ACTION, a) for a in requests.ACTIONS),
        *((codes.KIND, k) for k in [*KINDS, *status.RANK, "part", "service"]),
        *((codes.CLOSE_REASON, r) for r in delays.CLOSE_REASONS),
        *((codes.RECIPIENT, r) for r in exporting.TARGETS),
    ]
    missing = [(value, words.get(value)) for words, value in wanted if value not in words or _(words[value]) == value]
    assert not missing, missing
    for words, value in wanted:
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", _(words[value])), value
    # One English code, two Japanese words where the desk says two.
    assert _(codes.ANSWER["partial"]) == "一部協力可能" and _(codes.OUTCOME["partial"]) == "一部解消"
    assert _(codes.COMPANY_STATUS["withdrawn"]) == "参加取りやめ" and _(codes.STATUS["withdrawn"]) == "取下げ"
    assert [_(codes.STATUS[s]) for s in ("applied", "enrolled", "suspended")] == ["申請中", "参加中", "参加停止中"]
    assert [_(codes.ANSWER[a]) for a in asks.DECISIONS] == ["協力可能", "一部協力可能", "協力困難", "未回答"]
    assert [_(codes.OUTCOME[o]) for o in ("resolved", "partial", "unresolved")] == ["遅延解消", "一部解消", "未解消"]
    assert (_(codes.STATUS["draft"]), _(codes.YES), _(codes.NO)) == ("案", "はい", "いいえ")
