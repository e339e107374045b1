"""`sosa ask …` and `sosa relay` in Japanese (issue 13 §1): what an officer reads with
SOSA_LANG=ja — the help pages, the refusals, the tables and cards, the messages — and the
same commands in English, word for word as before."""

from __future__ import annotations

import pytest

from tests.test_asks import ASK, dump, with_option
from tests.test_i18n import _cells, english_run, flat, japanese

# --- help pages ------------------------------------------------------------------------------

HELP = [
    (("ask", "record"), "米国国防省から受けた要請を記録し、その番号を表示します。", "要請の米国側整理番号。"),
    (("ask", "list"), "米国からの要請の一覧を表示します。", "回答期限を過ぎた協力依頼があるか、米国への回答期限を過ぎた要請だけを表示します。"),
    (("ask", "show"), "米国からの要請を表示します（品目、各協力依頼の状態・回答・回答期限、文書、変更履歴）。", "要請の番号。例: A-0001。"),
    (("ask", "respond"), "協力依頼に対する企業の回答を記録します。", "回答した企業（番号又は法人番号）。"),
    (("ask", "remind"), "回答期限を過ぎた全ての企業に再依頼します。", "新しい回答期限までの開庁日数（省略時は設定 reminder_answer_days、5）。"),
    (
        ("ask", "reply"),
        "全ての企業の回答をまとめた米国国防省への回答（英語）を発出し、要請を回答済みにします。",
        "一部回答の後に、回答待ちとした回答を米国国防省に送ります。",
    ),
    (("ask", "close"), "米国国防省に回答が届いた要請を終了します。", "例: sosa ask close A-0001"),
    (("ask", "cancel"), "米国国防省が要請を取り下げたことを記録します。", "理由。例: 米国国防省が何日付のメールで要請を取り下げた。"),
    (("relay",), "米国からの要請を参加企業に協力依頼します", "協力依頼する企業（番号又は法人番号。繰り返し指定できます）。"),
]


@pytest.mark.parametrize(("command", "summary", "option"), HELP, ids=[" ".join(c) for c, _s, _o in HELP])
def test_help_pages_are_japanese(sosa, ja, command, summary, option):
    page = sosa(*command, "--help").stdout
    first = next(line.strip() for line in page.splitlines()[1:] if line.strip())
    assert summary.startswith(first) or first.startswith(summary[: len(first)]), first
    assert flat(page).count(flat(summary)) == 1
    assert flat(option) in flat(page)
    assert "Example:" not in page and "(default:" not in page


@pytest.mark.parametrize("command", [("ask",), *(c for c, _s, _o in HELP)], ids=lambda c: " ".join(c))
def test_help_pages_have_no_english_prose_and_fit_80_columns(sosa, ja, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "80")
    page = sosa(*command, "--help").stdout
    assert page.startswith("使い方: sosa") and "オプション:" in page
    assert not [line for line in page.splitlines() if _cells(line) > 80]
    prose = "\n".join(line for line in page.splitlines() if not line.lstrip().startswith(("使い方", "例:", "sosa ")))
    assert english_run(prose) is None, english_run(prose)


def test_the_ask_group_lists_its_commands_in_japanese(sosa, ja):
    page = sosa("ask", "--help").stdout
    assert "record   米国国防省から受けた要請を記録し、その番号を表示します。" in page
    assert "close    米国国防省に回答が届いた要請を終了します。" in page


# --- a whole ask in Japanese -------------------------------------------------------------------


@pytest.fixture
def recorded(sosa, configured, ja):
    result = sosa("ask", "record", *ASK)
    assert result.stdout == "A-0001\n"
    assert result.stderr == "A-0001（IBP-2026-0311）を記録しました: MC-4410 ×12、2027-06-30 → 2027-03-31。米国への回答期限は2026-12-25です。\n"
    return configured


def test_an_ask_from_relay_to_close_speaks_japanese(sosa, recorded, monkeypatch):
    relayed = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    assert relayed.stderr == "A-0001を2社に協力依頼しました（C-0002, C-0005）。文書 装備政策第1号…装備政策第2号、回答期限は2026-12-10です。\n"
    answered = sosa("ask", "respond", "A-0001", "C-0002", "--decision", "partial", "--quantity", "4", "--committed-date", "2027-04-30")
    assert answered.stderr == "A-0001に対するC-0002の回答を記録しました: 一部協力可能（2027-04-30までに4）。\n"
    none = sosa("ask", "remind", "A-0001")
    assert none.stderr == "A-0001に回答期限を過ぎた企業はありません。再依頼はしていません。\n"

    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    reminded = sosa("ask", "remind", "A-0001")
    assert reminded.stderr.splitlines()[-1] == "C-0005に再依頼しました（L-0003 装備政策第3号）。新しい回答期限は2026-12-18です。"
    monkeypatch.setenv("SOSA_TODAY", "2026-12-21")
    replied = sosa("ask", "reply", "A-0001", "--yes")
    assert replied.stderr == "A-0001について米国国防省に回答しました: L-0004 装備政策第4号。C-0005を未回答として記録しました。\n"
    closed = sosa("ask", "close", "A-0001")
    assert closed.stderr == "A-0001を終了しました。\n"


def test_the_list_and_the_card_have_japanese_headers_and_labels(sosa, recorded):
    sosa("relay", "A-0001", "--to", "C-0002")
    header = sosa("ask", "list").stdout.splitlines()[0].split("\t")
    assert header[1:] == ["米国側整理番号", "状態", "受領日", "米国への回答期限", "品目", "協力依頼", "回答済み", "期限超過"]
    card = sosa("ask", "show", "A-0001").stdout.splitlines()
    assert "米国側整理番号\tIBP-2026-0311" in card
    assert "米国への回答期限\t2026-12-25" in card
    assert "協力依頼先\t1社（回答済み0社、期限超過0社）" in card
    assert any(line.startswith("協力依頼\tC-0002\t") for line in card)
    assert any(line.startswith("文書\tL-0001\t") for line in card)
    assert not any(line.startswith(("Relays", "Items", "Letters", "Reply to DoD by")) for line in card)


def test_an_empty_list_says_so_in_japanese(sosa, configured, ja, monkeypatch):
    monkeypatch.setattr("sosa_cli.cli.output.stdout_is_terminal", lambda: True)
    result = sosa("ask", "list")
    assert result.stderr == "該当する要請はありません\n"


# --- refusals --------------------------------------------------------------------------------

REFUSALS = [
    (("ask", "show", "A-0009"), "sosa: 米国からの要請 A-0009 はありません（`sosa ask list` で要請の一覧を表示できます）"),
    (("ask", "remind", "A-0001"), "sosa: A-0001 の状態は received です。再依頼できるのは協力依頼中の要請だけです"),
    (
        ("relay", "A-0001"),
        "sosa: 企業を1社以上指定してください（--to C-0001 のように企業を指定するか、--match で補給分類から企業を提案させてください）",
    ),
    (("ask", "respond", "A-0001", "C-0002", "--decision", "maybe"), None),
    (("ask", "list", "--status", "pending"), "sosa: 'pending' は要請の状態ではありません"),
    (("ask", "cancel", "A-0001", "--reason", " "), "sosa: 取消しには理由が必要です"),
    (("relay", "A-0001", "--to", "C-0002", "--due", "2026-12-26"), "sosa: --due 2026-12-26 は開庁日ではありません。その日は閉庁日です"),
    (("relay", "A-0001", "--to", "C-0002", "--within", "0"), "sosa: --within 0: 企業の回答には1開庁日以上が必要です"),
    (("relay", "A-0001", "--to", "C-0002", "--due", "2026-12-01", "--within", "3"), "sosa: --due と --within はどちらか一方だけを指定してください"),
    (("relay", "A-0001", "--to", "C-0008"), "sosa: 協力依頼は行っていません: C-0008 東都通信機株式会社（"),
    (("ask", "record", *ASK), "sosa: 米国側整理番号 IBP-2026-0311 は既に記録されています: A-0001（2026-11-25受領、協力依頼前）"),
    (
        ("ask", "record", *with_option("--requested-date", "2027-07-31")),
        "2027-07-31 は現在の納期 2027-06-30 より前ではありません。これでは何も前倒しされません",
    ),
    (("ask", "record", "--dod-ref", "X-1"), "sosa: --quantity "),
    (("ask", "record", "--from", "asks.yaml", "--dod-ref", "X-1"), "sosa: 要請はファイル（--from）かオプションのどちらか一方で指定してください"),
    (("ask", "reply", "A-0001", "--supplement"), "sosa: A-0001の状態はreceivedです。追加回答は、回答待ちの企業があると伝えた一部回答の後に送るものです"),
]


@pytest.mark.parametrize(("args", "said"), REFUSALS, ids=[" ".join(a[:3]) + f" #{i}" for i, (a, _s) in enumerate(REFUSALS)])
def test_refusals_are_japanese(sosa, recorded, db_path, args, said):
    before = dump(db_path)
    result = sosa(*args, ok=False)
    assert result.exit_code != 0
    if said is not None:
        assert said in result.stderr
    japanese(result.stderr)
    assert dump(db_path) == before


def test_a_wrong_answer_names_the_answers(sosa, recorded):
    sosa("relay", "A-0001", "--to", "C-0002")
    result = sosa("ask", "respond", "A-0001", "C-0002", "--decision", "maybe", ok=False)
    assert result.stderr.startswith("sosa: 'maybe' は回答ではありません（")
    partial = sosa("ask", "respond", "A-0001", "C-0002", "--decision", "partial", ok=False)
    assert "quantity: 一部協力可能の回答には、企業が前倒しできる数量（--quantity、12未満）が必要です" in partial.stderr
    assert "committed_date: 回答が partial の場合は、企業が約束する納期（--committed-date）が必要です" in partial.stderr


def test_a_reply_with_silent_companies_is_refused_in_japanese(sosa, recorded, monkeypatch):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    early = sosa("ask", "reply", "A-0001", ok=False)
    assert "A-0001について、2社中2社はまだ回答期限前です: C-0002（回答期限 2026-12-10）, C-0005（回答期限 2026-12-10）" in early.stderr
    japanese(early.stderr)
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    refused = sosa("ask", "reply", "A-0001", ok=False)
    assert "A-0001について、2社中1社から回答がありません（C-0005 神戸船舶電機株式会社）" in refused.stderr
    japanese(refused.stderr)


def test_match_proposes_and_asks_in_japanese(sosa, recorded):
    result = sosa("relay", "A-0001", "--match", ok=False)
    assert "A-0001の補給分類又は役務コードに該当する参加中の企業:" in result.stderr
    assert "--match はA-0001について1社を提案しています" in result.stderr
    japanese(result.stderr)
    done = sosa("relay", "A-0001", "--match", "--yes")
    assert "A-0001を1社に協力依頼しました（C-0002）。文書 装備政策第1号、回答期限は2026-12-10です。" in done.stderr


def test_a_short_answer_period_is_noted_in_japanese(sosa, configured, ja):
    sosa("ask", "record", *with_option("--reply-by", "2026-12-04"))
    result = sosa("relay", "A-0001", "--to", "C-0002")
    assert (
        "注意: 企業の回答期間は2026-12-03までの5開庁日で、通常の10開庁日（relay_answer_days）より短くなります。米国への回答期限は2026-12-04です。"
        in result.stderr
    )


# --- English unchanged -----------------------------------------------------------------------


def test_the_same_commands_in_english_are_unchanged(sosa, configured, monkeypatch):
    recorded = sosa("ask", "record", *ASK)
    assert recorded.stderr == "Recorded A-0001 (IBP-2026-0311): MC-4410 ×12, 2027-06-30 → 2027-03-31; reply to DoD by 2026-12-25.\n"
    assert sosa("ask", "remind", "A-0001", ok=False).stderr == "sosa: A-0001 is received: reminders are sent while an ask is being relayed\n"
    relayed = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005")
    assert relayed.stderr == "Relayed A-0001 to 2 companies (C-0002, C-0005); letters 装備政策第1号…装備政策第2号; answers due by 2026-12-10.\n"
    early = sosa("ask", "reply", "A-0001", ok=False)
    assert "2 of 2 companies may still answer A-0001: C-0002 (answer-by date 2026-12-10), C-0005 (answer-by date 2026-12-10)" in early.stderr
    assert "send the reply when they have answered or their dates have passed, or now with --partial" in early.stderr
    answered = sosa("ask", "respond", "A-0001", "C-0002", "--decision", "partial", "--quantity", "4", "--committed-date", "2027-04-30")
    assert answered.stderr == "Recorded C-0002's answer to A-0001: partially accepted: 4 by 2027-04-30.\n"
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    refused = sosa("ask", "reply", "A-0001", ok=False)
    assert "sosa: 1 of 2 companies has not answered A-0001 (C-0005 神戸船舶電機株式会社)" in refused.stderr
    assert "Relayed to\t2 companies; 1 answered, 1 overdue" in sosa("ask", "show", "A-0001").stdout
    assert sosa("ask", "list").stdout.splitlines()[0] == "Key\tDoD ref\tStatus\tReceived\tReply by\tItem\tRelayed\tAnswered\tOverdue"
    page = sosa("ask", "record", "--help").stdout
    assert "Record an ask received from DoD; prints its key." in page and "DoD's reference for the ask." in page
