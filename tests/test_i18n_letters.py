"""What a Japanese officer sees of requests, letters and the files they write (issue 13 §1).

With SOSA_LANG=ja every help page, refusal, message, table header and card label of
`sosa request …` and `sosa letter …` is Japanese; the letters themselves are not: a letter
is a document in its own language, and renders byte for byte as it does in English.
"""

from __future__ import annotations

import pytest

from tests.test_delays import DELAY, with_option
from tests.test_i18n import flat, japanese
from tests.test_letters import asks_for_a_missing_field


@pytest.fixture
def delays(sosa, configured):
    sosa("delay", "add", *DELAY)
    sosa("delay", "add", *with_option("--part-number", "987-654"))
    return configured


def refused(sosa, *args: str) -> str:
    result = sosa(*args, ok=False)
    assert result.exit_code != 0, result.output
    message = result.stderr.strip()
    japanese(message)
    return message


# --- help pages ---------------------------------------------------------------------------

HELP = {
    ("request",): "米国国防省への要請: 作成、送付、更新、終了、一覧、表示。",
    ("request", "open"): "未解決の納入遅延（1件以上）について、米国国防省への要請の案を作成し、そのキーを表示します。",
    ("request", "send"): "米国国防省あての英文の要請文書を発出し、要請を送付済み（sent）にします。",
    ("request", "update"): "米国国防省と供給企業の回答を記録し、要請を状態の遷移に沿って進めます。",
    ("request", "close"): "要請を終了し、その納入遅延の結果を確定します（withdrawn では納入遅延を open に戻します）。",
    ("request", "list"): "要請を一覧にします。状態、参加企業、照会予定日の経過で絞り込めます。",
    ("request", "show"): "要請を表示します。納入遅延、状態、期限、文書、変更履歴を示します。",
    ("letter",): "文書: 作成と発出（文書番号）、一覧、表示、書き出し、取消し、ファイルの検証、使用中のテンプレート。",
    ("letter", "render"): "文書を作成し、その年度の次の文書番号で発出します。--draft では何も発出しません。",
    ("letter", "export"): "発出済みの文書を、その記録から任意の形式で書き出し直します。番号、日付、本文は同じです。",
    ("letter", "mail"): "発出済みの文書を添付した電子メールの下書き（.eml）を書き出します。送信はしません。",
    ("letter", "list"): "文書台帳を一覧にします。文書番号、日付、種類、記録、あて先、状態を示します。",
    ("letter", "show"): "文書を1通表示します。文書番号、日付、あて先、ファイルとそのハッシュ、変更履歴を示します。",
    ("letter", "cancel"): "発出済みの文書を取り消します。その文書番号は使用済みのまま残り、再び付けることはありません。",
    ("letter", "verify"): "ディスク上の全ての文書ファイルを、書き出したときに記録した SHA-256 と照合します。",
    ("letter", "templates"): "種類と言語ごとに使う文面と、そのうち独自に用意したファイルを一覧にします。",
}


def _first_paragraph(page: str) -> str:
    """The help page's first paragraph (after the usage line), its wrapped lines joined."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("使い方:")) + 1
    while not lines[start].strip():
        start += 1
    paragraph = []
    for line in lines[start:]:
        if not line.strip():
            break
        paragraph.append(line.strip())
    return "".join(paragraph)


@pytest.mark.parametrize("command", list(HELP), ids=" ".join)
def test_each_help_page_is_japanese(sosa, ja, command):
    page = sosa(*command, "--help").stdout
    # Wrapping may break a line at a space; the words are what must match.
    assert flat(_first_paragraph(page)) == flat(HELP[command])
    assert "Usage:" not in page and "Options" not in page
    for line in page.splitlines():
        if line.strip().startswith("-") and "  " in line.strip():  # an option and its help
            japanese(line.strip().split("  ", 1)[1] + "。")


def test_option_help_is_japanese(sosa, ja):
    page = flat(sosa("letter", "render", "--help").stdout)
    assert "番号を空欄にして作成します。何も記録しません。" in page
    assert "文書の日付。ISO形式又は和暦（既定:今日）。" in page


# --- requests -------------------------------------------------------------------------------


def test_request_messages_headers_and_card(sosa, delays, ja):
    opened = sosa("request", "open", "D-0001", "D-0002")
    assert opened.stdout.strip() == "R-0001"
    assert opened.stderr.strip() == "C-0001 の D-0001, D-0002 について R-0001（案）を作成しました。"

    listed = sosa("request", "list").stdout.splitlines()
    assert listed[0] == "キー\t企業\t状態\t要請内容\t緊急度\t納入遅延\t送付日\t照会予定日\t優先格付\t供給企業の回答期限\t結果"
    assert listed[1].startswith("R-0001\tC-0001\tdraft\trating\turgent\t")

    card = sosa("request", "show", "R-0001").stdout.splitlines()
    assert "キー\tR-0001" in card and "状態\tdraft" in card
    assert "要請内容\t注文への優先格付（DPAS）" in card
    assert any(line.startswith("納入遅延\tD-0001\t") for line in card)  # the section's rows

    sent = sosa("request", "send", "R-0001")
    assert "R-0001 を送付しました。" in sent.stderr and "照会予定日は 2026-12-10 です。" in sent.stderr
    japanese(sent.stderr)


def test_a_move_the_life_cycle_does_not_allow(sosa, delays, ja):
    sosa("request", "open", "D-0001")
    message = refused(sosa, "request", "update", "R-0001", "--status", "rated")
    assert message == "sosa: R-0001 は draft のため rated にできません。draft から移せるのは sent, withdrawn です"
    message = refused(sosa, "request", "close", "R-0001", "--outcome", "resolved")
    assert "R-0001 は draft のため closed にできません。" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["request", "show", "R-0009"], "要請 R-0009 はありません（`sosa request list` で要請を一覧にできます）"),
        (["request", "list", "--status", "lost"], "'lost' は要請の状態ではありません（次のいずれかを指定してください: draft, sent,"),
        (["request", "open", "D-0001", "--urgency", "soon"], "'soon' は緊急度ではありません"),
        (["request", "update", "R-0001"], "変更する項目がありません（--status、--dod-ref、--rating、--committed-date 又は --note を指定してください）"),
        (["request", "update", "R-0001", "--status", "withdrawn"], "要請を withdrawn にするには `sosa request close` を使います"),
    ],
)
def test_request_refusals(sosa, delays, ja, args, expected):
    sosa("request", "open", "D-0002")
    assert expected in refused(sosa, *args)


# --- letters ---------------------------------------------------------------------------------


def test_letter_messages_headers_and_card(sosa, configured, ja, tmp_path):
    issued = sosa("letter", "render", "enrollment", "C-0001")
    assert "L-0001 装備政策第1号（令和8年11月26日付け）を" in issued.stderr and issued.stderr.strip().endswith("あてに発出しました。")
    again = sosa("letter", "render", "enrollment", "C-0001")
    assert again.stderr.strip() == "L-0001 装備政策第1号 は 令和8年11月26日付けで発出済みです。記録から変更なしで作成し直しました。"

    draft = sosa("letter", "render", "enrollment", "C-0002", "--draft", "--out", "-")
    assert draft.stderr.strip() == "番号を空欄にした案を作成しました。何も記録していません。"

    listed = sosa("letter", "list").stdout.splitlines()
    assert listed[0] == "キー\t文書番号\t日付\t種類\t記録\tあて先\t状態"
    card = sosa("letter", "show", "L-0001").stdout.splitlines()
    assert "文書番号\t装備政策第1号" in card and "種類\tenrollment (ja)" in card
    assert any(line.startswith("ファイル\tmd\t") for line in card)

    assert sosa("letter", "verify").stderr.strip() == "文書1通のファイル1件が記録した SHA-256 と一致します。"
    templates = sosa("letter", "templates").stdout.splitlines()
    assert templates[0] == "種類\t言語\tテンプレート\t区分\t使用するファイル"
    assert "\t同梱\t" in templates[1]

    cancelled = sosa("letter", "cancel", "L-0001", "--reason", "宛先誤り", "--yes")
    assert cancelled.stderr.strip() == "L-0001 装備政策第1号 を取り消しました。番号は使用済みのまま残ります。"


def test_letter_refusals(sosa, configured, ja, tmp_path, monkeypatch):
    sosa("letter", "render", "enrollment", "C-0001")
    assert refused(sosa, "letter", "show", "L-0099") == "sosa: 文書 L-0099 はありません（`sosa letter list` で文書台帳を表示できます）"
    assert refused(sosa, "letter", "cancel", "L-0001", "--reason", " ", "--yes").startswith("sosa: 取消しには理由が必要です（--reason")
    # The confirmation refused without a terminal names --yes.
    assert "L-0001 装備政策第1号 の取消しには確認が必要です" in refused(sosa, "letter", "cancel", "L-0001", "--reason", "誤り")
    assert "'memo' はこの版で作成できる文書の種類ではありません" in refused(sosa, "letter", "render", "memo", "C-0001")
    assert "relay の文書のあて先は1社です" in refused(sosa, "letter", "render", "relay", "A-0001")
    message = refused(sosa, "letter", "list", "--status", "lost")
    assert message.startswith("sosa: 'lost' は文書の状態ではありません（次のいずれかを指定してください: draft, issued, cancelled）")

    # A file already at --out is refused; --force replaces it.
    target = tmp_path / "letter.md"
    target.write_text("mine\n", encoding="utf-8")
    message = refused(sosa, "letter", "export", "L-0001", "--format", "md", "--out", str(target))
    assert message == f"sosa: {target} は既にあります（置き換えるには --force を付けてください）"
    link = tmp_path / "link.md"
    link.symlink_to(target)
    message = refused(sosa, "letter", "export", "L-0001", "--format", "md", "--out", str(link), "--force")
    assert message == (
        f"sosa: {link} はシンボリックリンクです。sosa はリンクを通して書き込みません（通常のファイルのパスを指定するか、--out - で出力してください）"
    )
    message = refused(sosa, "letter", "export", "L-0001", "--format", "md", "--out", "/dev/null", "--force")
    assert message.startswith("sosa: /dev/null はデバイスです。sosa が書き込むのは通常のファイルだけです（")
    assert target.read_text(encoding="utf-8") == "mine\n"

    # A template that asks for a field the letter does not have.
    mine = asks_for_a_missing_field(tmp_path, monkeypatch)
    message = refused(sosa, "letter", "render", "enrollment", "C-0002")
    assert f"テンプレート {mine / 'ja' / 'enrollment.xml.j2'}（2行目）で項目 company.fax を使っていますが、この文書にはその項目がありません" in message


def test_verify_names_the_files_that_differ_in_japanese(sosa, configured, ja, db_path):
    sosa("letter", "render", "enrollment", "C-0001")
    letter = db_path.parent / "desk-letters" / "L-0001-enrollment-C-0001.md"
    letter.write_text("edited\n", encoding="utf-8")
    result = sosa("letter", "verify", ok=False)
    assert result.stdout.splitlines()[0] == "文書\t文書番号\t形式\tファイル\t問題"
    assert "\t編集されています: SHA-256 " in result.stdout
    assert result.stderr.strip().startswith("sosa: 文書ファイル1件のうち1件が文書台帳と異なります（")
    japanese(result.stderr)


def test_the_letters_themselves_stay_in_their_own_language(sosa, configured, monkeypatch):
    """Only the interface speaks the officer's language: a letter reads the same either way."""
    monkeypatch.setenv("SOSA_LANG", "en")
    english = sosa("letter", "render", "enrollment", "C-0001", "--draft", "--out", "-").stdout
    monkeypatch.setenv("SOSA_LANG", "ja")
    japanese_ui = sosa("letter", "render", "enrollment", "C-0001", "--draft", "--out", "-").stdout
    assert english == japanese_ui and "参加" in english


def test_the_same_commands_in_english_are_unchanged(sosa, delays, monkeypatch):
    monkeypatch.setenv("SOSA_LANG", "en")
    opened = sosa("request", "open", "D-0001")
    assert opened.stderr.strip() == "Opened R-0001 (draft) for C-0001, covering D-0001."
    assert sosa("request", "list").stdout.splitlines()[0].startswith("Key\tCompany\tStatus\tAction\tUrgency\tDelays")
    result = sosa("request", "update", "R-0001", "--status", "rated", ok=False)
    assert result.stderr.strip() == "sosa: R-0001 is draft and cannot become rated: from draft it can move to sent, withdrawn"
    sosa("letter", "render", "enrollment", "C-0001")
    assert sosa("letter", "verify").stderr.strip() == "1 file of 1 letter matches its recorded SHA-256."
    assert sosa("letter", "show", "L-0009", ok=False).stderr.strip() == "sosa: no letter L-0009 (`sosa letter list` shows the register)"
