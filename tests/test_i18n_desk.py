"""The desk area in Japanese (issue 13 §1): the office profile, dates, `sosa status`
(本日の要対応事項), the report, the calendar, mail drafts, dry runs and the demo, as an
officer with SOSA_LANG=ja (or `language: ja` in the profile) reads them; and the same
commands in English, unchanged."""

from __future__ import annotations

import re

import pytest

from tests.test_i18n import flat, japanese
from tests.test_status import busy_desk  # noqa: F401  (a fixture)


def headers(line: str) -> list[str]:
    """A table's header row, each header checked to be Japanese (no Latin letter left)."""
    found = line.split("\t")
    assert all(header and not re.search(r"[A-Za-z]", header) for header in found), found
    return found


def refusal(sosa, *args: str) -> str:
    result = sosa(*args, ok=False)
    assert result.exit_code != 0 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("sosa: ")
    return line


HELP = {
    ("config",): "担当課の設定: 差出人、担当の連絡先、文書番号の記号、フォルダ。",
    ("config", "show"): "全ての設定項目について、値と、設定済み・既定値・未設定の別を表示します。",
    ("config", "set"): "設定項目を1つ変更します。このバージョンにない項目は受け付けません。",
    ("config", "unset"): "設定項目をファイルから削除し、既定値（あれば）に戻します。",
    ("config", "path"): "使用中の設定ファイルを表示します（SOSA_CONFIG、なければユーザーの設定フォルダ）。",
    ("status",): "本日の要対応事項を、急ぐものから表示します。",
    ("report",): "期間中の取決めの実施状況を、1ページで完結するHTMLに書き出します。",
    ("calendar",): "全ての期限を、Outlook などのカレンダーに取り込める iCalendar（.ics）ファイルに書き出します。",
    ("demo",): "サンプルデータで業務の流れ全体を新しいデータベース上で実行し、登録簿を表示します。",
}


@pytest.mark.parametrize("command", list(HELP), ids=" ".join)
def test_help_pages_are_japanese(sosa, ja, monkeypatch, command):
    page = sosa(*command, "--help").stdout
    paragraphs = ["".join(line.strip() for line in part.splitlines()) for part in page.split("\n\n") if part.strip()]
    assert paragraphs[0].startswith("使い方: sosa " + " ".join(command))
    assert paragraphs[1] == HELP[command]  # click wraps Japanese without spaces: joined back here
    assert "Usage" not in page and "Show this message" not in page


def test_option_help_is_japanese(sosa, ja):
    page = flat(sosa("report", "--help").stdout)
    assert flat("年度（令和8年度、2026年度）又は FROM..TO（2026-04-01..2026-09-30）。既定: 今年度。") in page
    assert flat("見出しの言語: ja（既定）又は en。") in page
    assert flat("例: sosa report --period 令和8年度 --out ~/sosa/ --open") in page
    assert flat("件数の多い種類も、件数と最も急ぐ数件ではなく、全て表示します。") in flat(sosa("status", "--help").stdout)


EXACT_REFUSALS = [
    (("config", "set", "relay_answer_days", "ASAP"), "sosa: relay_answer_days: 'ASAP' は日数として正しくありません（1～365の執務日数）"),
    (("config", "set", "doc_prefix", "装 備"), "sosa: doc_prefix: doc_prefix '装 備' に空白が含まれています。文書番号に空白は入りません"),
    (
        ("config", "set", "addressee_honorific", "御中"),
        "sosa: addressee_honorific: '御中' は企業の宛名に付ける敬称ではありません。殿又は様を指定してください",
    ),
    (("config", "set", "language", "fr"), "sosa: language: 'fr' は sosa が使える言語ではありません。ja 又は en を指定してください"),
    (("config", "set", "contact_name", " "), "sosa: contact_name の値が指定されていません（`sosa config unset contact_name` で既定値に戻せます）"),
    (
        ("report", "--period", "ASAP"),
        "sosa: --period 'ASAP' は期間ではありません（年度（令和8年度、2026年度）又は FROM..TO（2026-04-01..2026-09-30）を指定してください）",
    ),
    (("report", "--lang", "fr"), "sosa: --lang 'fr' は報告の言語ではありません（ja 又は en を指定してください）"),
    (("report", "--format", "xlsx"), "sosa: Excelのブックはファイルに書き出す必要があります（--out FILE.xlsx（又は --out DIR/）を付けてください）"),
]


@pytest.mark.parametrize(("args", "expected"), EXACT_REFUSALS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_refusals_in_japanese(sosa, ja, configured, args, expected):
    line = refusal(sosa, *args)
    assert line == expected
    japanese(line)


def test_asap_is_no_date_in_japanese(sosa, ja, configured, monkeypatch):
    monkeypatch.setenv("SOSA_TODAY", "ASAP")
    line = refusal(sosa, "status")
    assert line == (
        "sosa: SOSA_TODAY: 「ASAP」は日付ではありません。2026-12-01 や 令和8年12月1日 のように具体的な日付を指定してください"
        "（15 CFR 700.12により、優先格付の注文には具体的な納期が必要です）"
    )
    monkeypatch.setenv("SOSA_TODAY", "2026-11-26")
    line = refusal(sosa, "report", "--period", "2026-02-30..2027-01-01")
    assert "「2026-02-30」は実在しない日付です。2026年2月は28日までです" in line
    japanese(line)
    line = refusal(sosa, "report", "--period", "平成32年度")
    assert line.startswith("sosa: --period '平成32年度': 「平成32年4月1日」は平成の終わり（2019-04-30）より後です。2020-04-01は令和2年4月1日です")


@pytest.mark.parametrize(
    "args",
    [
        ("config", "set", "no_such_key", "x"),
        ("config", "set", "timezone", "Mars/Olympus"),
        ("config", "set", "contact_name_en", "山田"),
        ("config", "set", "sender_title_en", "Director　EPD"),
        ("config", "set", "reminder_answer_days", "0"),
        ("config", "unset", "no_such_key"),
        ("report", "--period", "2027-03-31..2026-04-01"),
        ("report", "--period", "2026-04-01..ASAP"),
        ("report", "--period", "1900年度"),
        ("report", "--format", "pdf"),
    ],
    ids=" ".join,
)
def test_every_refusal_reads_japanese(sosa, ja, configured, args):
    japanese(refusal(sosa, *args))


def test_a_broken_profile_and_clock_in_japanese(sosa, ja, configured, monkeypatch, tmp_path):
    monkeypatch.setenv("SOSA_NOW", "yesterday")
    monkeypatch.delenv("SOSA_TODAY")
    line = refusal(sosa, "status")
    assert line == "sosa: SOSA_NOW 'yesterday' はISO形式の日時ではありません（例: SOSA_NOW=2027-03-31T23:30:00Z）"
    monkeypatch.delenv("SOSA_NOW")
    monkeypatch.setenv("SOSA_TODAY", "2026-11-26")
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    monkeypatch.setenv("SOSA_CONFIG", str(folder))
    line = refusal(sosa, "config", "show")
    assert line == f"sosa: {folder} はフォルダです。設定ファイルではありません（SOSA_CONFIG にはファイルを指定してください）"


def test_settings_table_and_messages_in_japanese(sosa, ja, configured):
    lines = sosa("config", "show").stdout.splitlines()
    assert headers(lines[0])[0] == "設定項目"
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert rows["division"][2:] == ["既定値", "担当課の名称（日本語）"]
    assert rows["doc_prefix"][2:] == ["設定済み", "文書番号の記号: 番号は <prefix>第<n>号 と印字"]
    assert rows["dod_email"][2] == "未設定"
    for row in rows.values():
        japanese(row[3])
    said = sosa("config", "set", "letters_dir", "~/sosa/letters").stderr.strip()
    assert said.startswith("letters_dir = ~/sosa/letters（") and said.endswith("）")
    said = sosa("config", "unset", "letters_dir").stderr.strip()
    assert said.endswith("から letters_dir を削除しました。現在は未設定です")
    said = sosa("config", "unset", "division").stderr.strip()
    assert said.endswith("から division を削除しました。既定値が適用されます: 防衛装備庁装備政策部装備政策課")
    # --json keeps its words: keys and the source of each value.
    assert '"source": "default"' in sosa("config", "show", "--json").stdout


def test_status_in_japanese(sosa, busy_desk, ja, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    table = [line.split("\t") for line in sosa("status").stdout.splitlines()]
    assert len(headers("\t".join(table[0]))) == 5
    assert table[1] == [
        "2026-12-01",
        "企業の回答期限を超過",
        "A-0001",
        "C-0002",
        "C-0002 北斗電子工業株式会社 は IBP-2026-0311 に未回答です。再依頼はまだしていません",
    ]
    assert table[2][:3] == ["2026-12-10", "要請のフォローアップ期限を超過", "R-0001"]
    assert table[3][1:] == ["米国への回答期限が近い", "A-0001", "", "IBP-2026-0311: 米国への回答期限 あと1開庁日。2社中1社が回答済み"]
    assert table[4][1:] == ["供給企業の受否期限", "R-0002", "C-0001", "C-0001 東雲精機株式会社 のための DO-A1 の注文"]
    assert table[5][:3] == ["—", "未送付の要請案", "R-0003"]
    for row in table[1:]:
        japanese(row[1])


def test_status_on_a_terminal_in_japanese(sosa, ja, configured, monkeypatch):
    monkeypatch.setattr("sosa_cli.cli.output.stdout_is_terminal", lambda: True)
    assert sosa("status").stderr.strip() == "本日の要対応事項はありません"
    monkeypatch.setenv("COLUMNS", "160")
    shown = sosa("config", "show").stdout
    assert "担当課の設定（" in shown and "設定項目" in shown and "Setting" not in shown


def test_calendar_and_report_messages_in_japanese(sosa, busy_desk, ja, tmp_path):  # noqa: F811
    result = sosa("calendar", "--out", f"{tmp_path}/")
    target = result.stdout.strip()
    assert result.stderr.strip() == f"{target} に未対応の期限4件と、取消しとした対応済みの期限2件を書き出しました。"
    result = sosa("report", "--out", f"{tmp_path}/")
    assert result.stderr.strip() == f"令和8年度の報告を {result.stdout.strip()} に書き出しました。"


def test_the_report_page_does_not_follow_the_terminal(sosa, busy_desk, monkeypatch):  # noqa: F811
    """The report is a document: the terminal's language leaves every byte as it was."""
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    english = {lang: sosa("report", "--lang", lang).stdout for lang in ("ja", "en")}
    monkeypatch.setenv("SOSA_LANG", "ja")
    japanese_terminal = {lang: sosa("report", "--lang", lang).stdout for lang in ("ja", "en")}
    assert japanese_terminal == english
    assert "company&#x27;s answer overdue" in english["en"] and "企業の回答期限を超過" in english["ja"]


def test_dry_run_plan_in_japanese(sosa, ja, configured):
    result = sosa("letter", "render", "enrollment", "C-0001", "--format", "html", "--dry-run")
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert headers("\t".join(lines[0]))[-1] == "今発出した場合の文書番号"
    assert lines[1][0] == "enrollment"  # a stored value stays as it is
    assert "試行: 1通の文書が発出されます。何も書き込んでいません。" in result.stderr


def test_mail_refusal_in_japanese(sosa, ja, configured):
    sosa("letter", "render", "enrollment", "C-0002")
    sosa("letter", "cancel", "L-0001", "--reason", "wrong contact", "--yes")
    line = refusal(sosa, "letter", "mail", "L-0001", "--format", "docx")
    assert line == (
        "sosa: L-0001 は cancelled です。送付できるのは発出済みの文書だけです"
        "（取り消した文書は登録簿に残りますが、送付はできません。新しい文書を発出してください）"
    )


def test_the_language_setting_makes_the_next_command_japanese(sosa, configured, monkeypatch):
    monkeypatch.delenv("SOSA_LANG")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(name, "C.UTF-8")
    english = refusal(sosa, "config", "set", "relay_answer_days", "ASAP")
    assert english == "sosa: relay_answer_days: 'ASAP' is not a number of working days (1 to 365)"
    sosa("config", "set", "language", "ja")
    assert refusal(sosa, "config", "set", "relay_answer_days", "ASAP") == "sosa: relay_answer_days: 'ASAP' は日数として正しくありません（1～365の執務日数）"
    assert headers(sosa("config", "show").stdout.splitlines()[0])[0] == "設定項目"
    # SOSA_LANG wins over the setting.
    monkeypatch.setenv("SOSA_LANG", "en")
    assert sosa("config", "show").stdout.splitlines()[0] == "Setting\tValue\tSource\tMeaning"
    monkeypatch.delenv("SOSA_LANG")
    sosa("config", "set", "language", "en")
    assert refusal(sosa, "config", "set", "relay_answer_days", "ASAP") == english


def test_the_same_commands_in_english_are_unchanged(sosa, busy_desk, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    table = [line.split("\t") for line in sosa("status").stdout.splitlines()]
    assert table[0] == ["Due", "What", "Record", "Company", "Detail"]
    assert table[1][1:] == ["company's answer overdue", "A-0001", "C-0002", "C-0002 北斗電子工業株式会社 has not answered IBP-2026-0311; not yet reminded"]
    assert table[3][4] == "IBP-2026-0311: reply-by date in 1 開庁日; 1 of 2 companies answered"
    assert refusal(sosa, "report", "--period", "ASAP") == (
        "sosa: --period 'ASAP' is not a period (give a 年度 (令和8年度, 2026年度) or FROM..TO (2026-04-01..2026-09-30))"
    )
    assert refusal(sosa, "config", "set", "addressee_honorific", "御中") == (
        "sosa: addressee_honorific: '御中' is not an honorific for a company addressee; use 殿 or 様"
    )
    result = sosa("calendar", "--out", f"{tmp_path}/")
    assert result.stderr.strip() == f"Wrote 4 open deadlines and 2 met ones marked cancelled to {result.stdout.strip()}."
    assert sosa("config", "show").stdout.splitlines()[1].split("\t")[2:] == ["default", "the desk's division (課), Japanese"]
    monkeypatch.setenv("SOSA_TODAY", "ASAP")
    assert refusal(sosa, "status") == (
        'sosa: SOSA_TODAY: "ASAP" is not a date: give a concrete date such as 2026-12-01 or 令和8年12月1日'
        " (15 CFR 700.12: a rated order needs a concrete delivery date)"
    )


def test_the_demo_narrates_in_japanese(sosa, ja, tmp_path):
    result = sosa("demo", "--dir", str(tmp_path / "demo"))
    said = result.stderr.splitlines()
    assert said[0] == f"デモのデータベース: {tmp_path / 'demo' / 'sosa.db'}"
    steps = [line[2:] for line in said if line.startswith("• ")]
    # The sample data and the format names are as the officer typed them.
    steps = [step.replace("F110 engine depot repair", "").replace("md, html, docx", "") for step in steps]
    assert len(steps) >= 10
    for step in steps:
        japanese(step)
    assert steps[0].startswith("data/sample/companies.yaml からサンプル企業9社を参加企業として登録し（C-0001…C-0010）")
    assert any(line.startswith("書き出したファイル") and line.endswith("件:") for line in said)
    assert said[-1].startswith("次のコマンドで確認できます: SOSA_DB=")
