"""`sosa relay` and `sosa ask remind|reply`: the letters, all-or-nothing batches, chasing, replying."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import assert_lines_in_order
from tests.test_asks import ASK, dump, relays_by_company, show, with_option


@pytest.fixture
def recorded(sosa, configured):
    sosa("ask", "record", *ASK)
    return configured


def letter_files(db: Path) -> list[str]:
    folder = db.parent / "desk-letters"
    return sorted(p.name for p in folder.iterdir() if p.name != ".sosa-letters") if folder.exists() else []


# --- the relay letter ------------------------------------------------------------------


def test_relay_letter_is_a_voluntary_request_in_official_form(sosa, recorded):
    result = sosa("relay", "A-0001", "--to", "C-0002")
    path = Path(result.stdout.strip())
    assert path.name == "L-0001-relay-A-0001-C-0002.md"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    parts = [
        "装備政策第1号",
        "令和8年11月26日",
        "北斗電子工業株式会社",
        "品質保証部長　鈴木 健　殿",
        "防衛装備庁装備政策部装備政策課長",
        "（公印省略）",
        "米国国防省からの要請に係る",
        "納期の前倒しへの御協力について（依頼）",
        "　標記について、防衛装備品等の供給の安定化に係る取決め（SoSA）に基づき、令和8年11月25日付けで米国国防省から",
        "令和8年12月10日までに下記担当あて御回答くださいますようお願いします。",
        "法的な拘束力を新たに生じさせるものではありません。御協力が困難な場合であっても、その旨を御回答くださいますようお願いします。",
        "御回答の内容は、貴社名とともに米国国防省に伝えます。",
        "記",
        "1　要請元　米国国防省（米国側整理番号　IBP-2026-0311）",
        "2　米国の計画・最終品目　AN/TPY-2 radar sustainment",
        "4　対象品目",
        "（1）MC-4410（Microcircuit, hybrid）",
        "NSN　5962-01-456-7890",
        "数量　12",
        "現在の納期　令和9年6月30日",
        "米国が希望する納期　令和9年3月31日",
        "5　回答期限　令和8年12月10日",
        "（3）協力困難",
        "7　当庁整理番号　A-0001",
        "以上",
        "（担当）装備政策課SoSA担当",
        "E-mail　sosa@example.go.jp",
    ]
    # The US makes a 要請, ATLA a 依頼: the word 依頼 appears once, in the subject's type.
    assert text.count("依頼") == 1
    for wrong in ("日米間の", "不利益", "御回答願います", "連絡願います", "1. "):
        assert wrong not in text, wrong

    assert_lines_in_order(lines, parts)
    for right in ("装備政策第1号", "令和8年11月26日", "（公印省略）", "以上"):
        line = next(line for line in lines if line.endswith(right))
        assert line.startswith("\u3000\u3000\u3000"), f"{right} is not pushed to the right"
    for subject in ("米国国防省からの要請に係る", "納期の前倒しへの御協力について（依頼）"):
        line = next(line for line in lines if line.endswith(subject))
        assert line.startswith("\u3000") and not line.startswith("\u3000" * 20), "件名 is centred"


def test_the_relay_tells_only_a_consenting_company_that_dod_learns_its_name(sosa, recorded):
    # C-0004 did not consent to sharing with the US government (share_usg: no).
    text = sosa("relay", "A-0001", "--to", "C-0004", "--out", "-").stdout
    assert "米国国防省には貴社名を伏せて御回答の内容のみを伝えます。" in text
    assert "貴社名とともに" not in text


def test_the_relay_names_the_order_when_dod_gave_it(sosa, configured):
    from tests.test_asks import ASK as ask

    sosa("ask", "record", *ask, "--customer", "Lockheed Martin Rotary and Mission Systems", "--order-number", "PO 4500123456")
    text = sosa("relay", "A-0001", "--to", "C-0002", "--out", "-").stdout
    assert_lines_in_order(
        text.splitlines(), ["数量　12", "米国の発注者　Lockheed Martin Rotary and Mission Systems", "注文番号・契約番号　PO 4500123456", "現在の納期"]
    )


def test_a_short_answer_period_is_allowed_and_named_on_the_terminal(sosa, configured):
    from tests.test_asks import ASK as ask

    # DoD wants the reply by 4 December: the usual 10 開庁日 would run past it.
    sosa("ask", "record", *with_option("--reply-by", "2026-12-04"))
    result = sosa("relay", "A-0001", "--to", "C-0002")
    assert "until 2026-12-03, fewer than the usual 10 (relay_answer_days); DoD's reply-by date is 2026-12-04" in result.stderr
    assert relays_by_company(show(sosa))["C-0002"]["answer_by"] == "2026-12-03"
    assert ask  # the fixture's ask is the one recorded with another reply-by date


def test_relay_letter_in_html(sosa, recorded):
    result = sosa("relay", "A-0001", "--to", "C-0002", "--format", "html")
    text = Path(result.stdout.strip()).read_text(encoding="utf-8")
    assert "米国国防省からの要請に係る" in text and "納期の前倒しへの御協力について（依頼）" in text
    assert "法的な拘束力を新たに生じさせるものではありません" in text and "その旨を御回答くださいますようお願いします" in text
    assert "回答期限" in text and "令和8年12月10日" in text


def test_answer_by_date_from_due_within_or_setting(sosa, recorded):
    sosa("relay", "A-0001", "--to", "C-0002", "--due", "令和8年12月4日")
    sosa("relay", "A-0001", "--to", "C-0003", "--within", "3")
    sosa("config", "set", "relay_answer_days", "5")
    sosa("relay", "A-0001", "--to", "C-0005")
    due = {k: r["answer_by"] for k, r in relays_by_company(show(sosa)).items()}
    # 3 開庁日 after Thursday 2026-11-26 is Tuesday 12-01; 5 is Thursday 12-03.
    assert due == {"C-0002": "2026-12-04", "C-0003": "2026-12-01", "C-0005": "2026-12-03"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--due", "ASAP"], '"ASAP" is not a date'),
        (["--due", "2026-11-26"], "is not after the relay date 2026-11-26"),
        (["--due", "2026-12-28"], "is after DoD's reply-by date 2026-12-25"),
        (["--due", "2026-12-10", "--within", "5"], "give --due or --within, not both"),
        (["--within", "0"], "at least 1 開庁日"),
        # The office is closed: a Saturday, and the year-end holidays (29 Dec – 3 Jan).
        (["--due", "2026-12-05"], "--due 2026-12-05 is not a 開庁日: the office is closed that day (give --due 2026-12-07, the next 開庁日"),
        (["--due", "2026-12-29"], "--due 2026-12-29 is not a 開庁日: the office is closed that day (give --due 2027-01-04, the next 開庁日"),
    ],
)
def test_relay_refuses_answer_by_dates(sosa, recorded, db_path, args, message):
    before = dump(db_path)
    result = sosa("relay", "A-0001", "--to", "C-0002", *args, ok=False)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert dump(db_path) == before and letter_files(db_path) == []


# --- all or nothing ------------------------------------------------------------------------


@pytest.fixture
def mixed_register(sosa, recorded):
    sosa("company", "suspend", "C-0004", "--reason", "audit pending", "--yes")
    sosa("company", "withdraw", "C-0006", "--reason", "company request", "--yes")
    sosa("relay", "A-0001", "--to", "C-0002")
    return recorded


@pytest.mark.parametrize(
    ("company", "message"),
    [
        ("C-0004", "C-0004 浪速特殊鋼株式会社 is suspended; only enrolled companies receive relays"),
        ("C-0006", "C-0006 株式会社丸の内光学 is withdrawn"),
        ("C-0008", "C-0008 東都通信機株式会社 is recorded as applied; only enrolled companies receive relays"),
        ("C-0002", "C-0002 北斗電子工業株式会社 was already relayed A-0001"),
        ("C-0099", "C-0099"),
    ],
)
def test_one_refused_company_refuses_the_whole_relay(sosa, mixed_register, db_path, company, message):
    before = dump(db_path)
    files = letter_files(db_path)
    result = sosa("relay", "A-0001", "--to", "C-0003", "--to", company, "--to", "C-0005", ok=False)
    assert result.exit_code == 1
    assert "nothing was relayed" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output
    assert dump(db_path) == before
    assert letter_files(db_path) == files


def test_every_refused_company_is_named_at_once(sosa, mixed_register):
    result = sosa("relay", "A-0001", "--to", "C-0004", "--to", "C-0006", "--to", "C-0008", ok=False)
    assert all(key in result.stderr for key in ("C-0004", "C-0006", "C-0008"))


def test_a_letter_that_fails_leaves_no_relay_and_no_file(sosa, recorded, db_path, tmp_path, monkeypatch):
    # An officer's template that cannot be filled for the second company only.
    own = tmp_path / "own-templates" / "ja"
    own.mkdir(parents=True)
    shipped = Path(__file__).resolve().parent.parent / "templates" / "ja" / "relay.xml.j2"
    source = shipped.read_text(encoding="utf-8").replace("{% block body %}", '{% block body %}{% if company.key == "C-0005" %}{{ company.fax }}{% endif %}', 1)
    (own / "relay.xml.j2").write_text(source, encoding="utf-8")
    monkeypatch.setenv("SOSA_TEMPLATES", str(own.parent))
    before = dump(db_path)
    result = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--to", "C-0010", ok=False)
    assert result.exit_code == 1 and "company.fax" in result.stderr
    assert dump(db_path) == before
    assert letter_files(db_path) == []


def test_a_missing_setting_leaves_nothing(sosa, recorded, db_path):
    sosa("config", "unset", "doc_prefix")
    before = dump(db_path)
    result = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", ok=False)
    assert result.exit_code == 1 and "doc_prefix" in result.stderr
    assert dump(db_path) == before and letter_files(db_path) == []


def test_several_letters_to_an_out_folder(sosa, recorded, tmp_path):
    out = tmp_path / "batch"
    result = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0002", "--to", "C-0005", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["L-0001-relay-A-0001-C-0002.md", "L-0002-relay-A-0001-C-0005.md"]
    assert "Relayed A-0001 to 2 companies (C-0002, C-0005)" in result.stderr


# --- --match -----------------------------------------------------------------------------


def test_match_proposes_enrolled_companies_by_supply_class(sosa, recorded, db_path):
    # FSC 5962 is made by C-0002 (enrolled) and C-0008 (only applied); add one more maker.
    sosa(
        "enroll",
        "--name-ja",
        "試験半導体株式会社",
        "--name-en",
        "Test Semiconductor K.K.",
        "--corporate-number",
        "1000000000016",
        "--coc-accepted-on",
        "2026-10-01",
        "--fsc",
        "5962",
    )
    before = dump(db_path)
    refused = sosa("relay", "A-0001", "--match", ok=False)
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert "C-0002  北斗電子工業株式会社  (FSC 5962)" in refused.stderr and "C-0011" in refused.stderr
    assert "C-0008" not in refused.stderr
    assert dump(db_path) == before
    result = sosa("relay", "A-0001", "--match", "--yes")
    assert "Relayed A-0001 to 2 companies (C-0002, C-0011)" in result.stderr
    # Already relayed companies are not proposed again.
    again = sosa("relay", "A-0001", "--match", "--yes", ok=False)
    assert "no enrolled company not yet relayed makes the supply class" in again.stderr


def test_match_without_an_nsn_asks_for_to(sosa, configured):
    args = with_option("--nsn", None)
    sosa("ask", "record", *args)
    result = sosa("relay", "A-0001", "--match", "--yes", ok=False)
    assert "has no NSN" in result.stderr and "--to" in result.stderr


# --- reminders ---------------------------------------------------------------------------


def test_remind_only_the_overdue(sosa, recorded, db_path, monkeypatch):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--to", "C-0005")
    none = sosa("ask", "remind", "A-0001")
    assert "No answer to A-0001 is overdue; no reminder sent." in none.stderr and none.stdout == ""
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")

    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    result = sosa("ask", "remind", "A-0001")
    assert [Path(p).name for p in result.stdout.split()] == ["L-0004-reminder-A-0001-C-0003.md", "L-0005-reminder-A-0001-C-0005.md"]
    relays = relays_by_company(show(sosa))
    assert relays["C-0002"]["reminders"] == 0
    assert [(relays[k]["status"], relays[k]["reminders"], relays[k]["answer_by"]) for k in ("C-0003", "C-0005")] == [("reminded", 1, "2026-12-18")] * 2
    text = Path(result.stdout.split()[0]).read_text(encoding="utf-8")
    assert_lines_in_order(
        text.splitlines(),
        [
            "米国国防省からの要請に係る",
            "納期の前倒しへの御協力について（再依頼）",
            "　標記について、令和8年11月26日付け装備政策第2号により御協力をお願いしたところですが、現時点で御回答をいただいておりません。",
            "令和8年12月18日までに下記担当あて御回答くださいますようお願いします。",
            "御協力が困難な場合であっても、その旨を御回答くださいますようお願いします。",
            "記",
            "5　回答期限　令和8年12月18日",
        ],
    )
    # The first letter is referred to once, plainly.
    assert text.count("装備政策第2号") == 1 and "依頼" not in text.replace("（再依頼）", "")

    # The same day again: nobody is overdue any more, nothing is written.
    before = dump(db_path)
    assert "no reminder sent" in sosa("ask", "remind", "A-0001").stderr
    assert dump(db_path) == before

    # Past the new date, a second reminder goes to the one still silent.
    sosa("ask", "respond", "A-0001", "C-0005", "--decision", "partial", "--committed-date", "2027-05-31", "--quantity", "4")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-21")
    second = sosa("ask", "remind", "A-0001")
    assert [Path(p).name for p in second.stdout.split()] == ["L-0006-reminder-A-0001-C-0003.md"]
    c3 = relays_by_company(show(sosa))["C-0003"]
    # Capped at DoD's reply-by date, so the desk can still report the answer.
    # Five 開庁日 would run past DoD's reply-by date (2026-12-25): cut to the 開庁日 before it.
    assert (c3["reminders"], c3["last_reminded_on"], c3["answer_by"]) == (2, "2026-12-21", "2026-12-24")
    assert "until 2026-12-24, fewer than the usual 5" in second.stderr


def test_remind_skips_companies_no_longer_enrolled(sosa, recorded, db_path, monkeypatch):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--to", "C-0005", "--within", "3")
    sosa("company", "withdraw", "C-0005", "--reason", "left", "--yes")
    sosa("company", "suspend", "C-0003", "--reason", "audit pending", "--yes")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-07")
    result = sosa("ask", "remind", "A-0001")
    assert [Path(p).name for p in result.stdout.split()] == ["L-0004-reminder-A-0001-C-0002.md"]
    assert "C-0003 is suspended: not reminded." in result.stderr
    assert "C-0005 is withdrawn: not reminded." in result.stderr
    relays = relays_by_company(show(sosa))
    assert [relays[k]["reminders"] for k in ("C-0002", "C-0003", "C-0005")] == [1, 0, 0]
    # Only the skipped are late: nothing is written, and the command says why.
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-21")
    before = dump(db_path)
    again = sosa("ask", "remind", "A-0001")
    assert "C-0005 is withdrawn: not reminded." in again.stderr and "no reminder sent" in again.stderr
    assert again.stdout == "" and dump(db_path) == before


def test_a_reminder_letter_needs_sosa_ask_remind(sosa, recorded, monkeypatch):
    sosa("relay", "A-0001", "--to", "C-0002")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    result = sosa("letter", "render", "reminder", "A-0001", "--company", "C-0002", ok=False)
    assert "a reminder is sent by `sosa ask remind`" in result.stderr


# --- the reply -----------------------------------------------------------------------------


def test_reply_with_unanswered_relays_needs_yes(sosa, recorded, db_path, monkeypatch):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")  # C-0005's answer-by date has passed
    before = dump(db_path)
    refused = sosa("ask", "reply", "A-0001", ok=False)
    assert refused.exit_code == 1
    assert "1 of 2 companies has not answered A-0001 (C-0005 神戸船舶電機株式会社)" in refused.stderr
    assert "--yes" in refused.stderr
    assert dump(db_path) == before
    result = sosa("ask", "reply", "A-0001", "--yes", "--format", "html")
    text = Path(result.stdout.strip()).read_text(encoding="utf-8")
    assert "Hokuto Denshi Kogyo K.K. (NCAGE SZ102)</td><td" in text and ">declined</td>" in text
    assert "Kobe Marine Electric Co., Ltd. (NCAGE SZ105)</td><td" in text and ">no response</td>" in text
    assert "Cooperation by Japanese companies under the Code of Conduct of the Arrangement is voluntary" in text
    assert "best-effort estimates, not binding commitments" in text and "without any penalty" in text
    relays = relays_by_company(show(sosa))
    assert relays["C-0005"]["status"] == "no-response" and relays["C-0005"]["decision"] == "no-response"


def test_reply_when_all_answered_needs_no_confirmation(sosa, recorded):
    sosa("relay", "A-0001", "--to", "C-0002")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    result = sosa("ask", "reply", "A-0001", "--out", "-")
    assert "| Hokuto Denshi Kogyo K.K. (NCAGE SZ102) | declined |" in result.stdout
    assert "3. One company declined." in result.stdout
    # Rendering it again gives the same letter; it cannot be issued twice.
    again = sosa("letter", "render", "reply", "A-0001", "--out", "-")
    assert again.stdout == result.stdout and "rendered again" in again.stderr
    twice = sosa("ask", "reply", "A-0001", "--yes", ok=False)
    assert "A-0001 is replied and cannot become replied" in twice.stderr


def test_letters_through_letter_render(sosa, recorded):
    premature = sosa("letter", "render", "reply", "A-0001", ok=False)
    assert "A-0001 is received: the reply records every company's answer" in premature.stderr
    not_relayed = sosa("letter", "render", "relay", "A-0001", "--company", "C-0002", ok=False)
    assert "A-0001 was not relayed to C-0002" in not_relayed.stderr
    first = sosa("relay", "A-0001", "--to", "C-0002", "--out", "-")
    again = sosa("letter", "render", "relay", "A-0001", "--company", "C-0002", "--out", "-")
    assert again.stdout == first.stdout
    no_company = sosa("letter", "render", "relay", "A-0001", ok=False)
    assert "goes to one company" in no_company.stderr
    kinds = {row["kind"]: row["language"] for row in json.loads(sosa("letter", "templates", "--json").stdout)}
    assert kinds["relay"] == "ja" and kinds["reminder"] == "ja" and kinds["reply"] == "en"


def exports(db: Path) -> list[tuple[str, dict]]:
    rows = sqlite3.connect(db).execute("SELECT record, after FROM audit WHERE action = 'export' ORDER BY id")
    return [(record, json.loads(after)) for record, after in rows]


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_reply_names_only_companies_that_consented_and_records_the_export(sosa, recorded, db_path, tmp_path, fmt):
    # C-0004 did not consent to sharing with the US government (share_usg: no).
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0004")
    sosa(
        "ask",
        "respond",
        "A-0001",
        "C-0004",
        "--decision",
        "partial",
        "--committed-date",
        "2027-04-30",
        "--quantity",
        "4",
        "--note",
        "no spare capacity for more",
    )
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "accept", "--committed-date", "2027-03-31")
    result = sosa("ask", "reply", "A-0001", "--yes", "--format", fmt, "--out", str(tmp_path / f"reply.{fmt}"))
    path = Path(result.stdout.strip())
    if fmt == "docx":
        from docx import Document

        document = Document(str(path))
        text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for row in t.rows for c in row.cells])
    else:
        text = path.read_text(encoding="utf-8")
    assert "Naniwa" not in text and "SZ104" not in text and "浪速" not in text
    assert "A participating company (not named)" in text
    assert "no spare capacity for more" in text  # its answer is still reported
    assert "Hokuto Denshi Kogyo K.K. (NCAGE SZ102)" in text
    letter = json.loads(sosa("letter", "list", "--json").stdout)[-1]
    # One export entry for the letter, listing the companies it names and the file's hash.
    sha256 = json.loads(sosa("letter", "show", letter["key"], "--json").stdout)["files"][0]["sha256"]
    assert exports(db_path) == [
        ("usg", {"to": "usg", "recipient": "US government", "format": fmt, "destination": letter["key"], "keys": ["C-0002"], "sha256": sha256})
    ]
    # Nor is the name in the letter's stored snapshot, which `letter render` reproduces.
    snapshot = sqlite3.connect(db_path).execute("SELECT context FROM letters WHERE key = ?", (letter["key"],)).fetchone()[0]
    assert "Naniwa" not in snapshot and "SZ104" not in snapshot


def test_reply_reports_a_company_that_withdrew_before_answering(sosa, recorded, db_path):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    sosa("company", "withdraw", "C-0005", "--reason", "left", "--yes")
    refused = sosa("ask", "reply", "A-0001", ok=False)
    assert "C-0005 神戸船舶電機株式会社 (withdrawn)" in refused.stderr
    result = sosa("ask", "reply", "A-0001", "--yes", "--out", "-")
    # Withdrawn, so no longer sharing with the U.S. Government: counted, not named.
    assert "One company declined and one company did not answer." in result.stdout
    assert "One company did not answer; it is not named in this letter, as its name may not be given to the U.S. Government." in result.stdout
    assert "Kobe" not in result.stdout and "SZ105" not in result.stdout
    assert [after["keys"] for _, after in exports(db_path)] == [["C-0002"]]


# --- the demo ------------------------------------------------------------------------------


def test_demo_relays_an_ask_and_ends_with_the_status_table(sosa, tmp_path):
    folder = tmp_path / "demo"
    result = sosa("demo", "--dir", str(folder))
    assert "and relayed it to" in result.stderr and "reminded C-0003, whose answer was overdue" in result.stderr
    # The reminder's answer-by date is still ahead: the reply goes in part (issue 12 §4).
    assert "Replied to DoD in part" in result.stderr and "C-0003's answer, due by" in result.stderr
    data = json.loads(sosa("ask", "show", "A-0001", "--json", "--db", str(folder / "sosa.db")).stdout)
    assert data["status"] == "partly-replied"
    decisions = {r["company_key"]: (r["status"], r["decision"]) for r in data["relays"]}
    assert decisions == {
        "C-0002": ("answered", "accept"),
        "C-0005": ("answered", "partial"),
        "C-0010": ("answered", "decline"),
        "C-0003": ("reminded", None),
    }
    assert "C-0008" not in decisions  # FSC 5962 matches it, but it is only applied
    assert [letter["kind"] for letter in data["letters"]] == ["relay"] * 4 + ["reminder", "reply"]
    status = [line.split("\t") for line in result.stdout.splitlines() if "\t" in line][-2:]
    assert [row[1:3] for row in status] == [["reply to DoD due", "A-0002"], ["supplier's deadline to accept or reject", "R-0002"]]


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_an_ask_no_participant_supplies_is_still_answered(sosa, configured, fmt):
    sosa("ask", "record", *with_option("--nsn", "1005-01-111-2222"))
    nobody = sosa("relay", "A-0001", "--match", ok=False)
    assert "no enrolled company not yet relayed makes the supply class" in nobody.stderr
    sosa("ask", "reply", "A-0001", "--format", fmt)
    data = json.loads(sosa("ask", "show", "A-0001", "--json").stdout)
    assert data["status"] == "replied" and data["relays"] == []
    [letter] = json.loads(sosa("letter", "list", "--kind", "reply", "--json").stdout)
    path = letter["files"][0]["path"]
    if fmt == "docx":
        from docx import Document

        text = "\n".join(p.text for p in Document(path).paragraphs)
    else:
        text = open(path, encoding="utf-8").read()
    assert "found none, so the request could not be relayed" in text
    assert "No participating Japanese company supplies these items" in text
    assert "answered as follows" not in text


def test_the_reply_refuses_a_japanese_note_and_names_the_answer_to_correct(sosa, recorded, db_path):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline", "--note", "生産ラインに余力なし")
    sosa("ask", "respond", "A-0001", "C-0005", "--decision", "accept", "--committed-date", "2027-03-31")
    before = dump(db_path)
    refused = sosa("ask", "reply", "A-0001", ok=False)
    lines = refused.stderr.strip().splitlines()
    assert refused.exit_code == 1 and len(lines) == 1, refused.stderr
    assert "the reply letter is in English, but answers[0].note is Japanese (生産ラインに余力なし)" in lines[0]
    assert "sosa ask respond A-0001 C-0002 --decision decline --note-en" in lines[0]
    assert dump(db_path) == before  # no number taken, the ask not marked replied
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline", "--note", "生産ラインに余力なし", "--note-en", "No spare capacity.")
    text = sosa("ask", "reply", "A-0001", "--out", "-").stdout
    assert "No spare capacity." in text and "生産" not in text
