"""What a Japanese officer sees of `sosa delay …`, spreadsheet and YAML intake and the exports
(issue 13 §1): help, refusals, problem lines, tables, cards and messages in Japanese; the
English unchanged."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_i18n import flat, japanese

DELAY = [
    "--company",
    "C-0001",
    "--supplier",
    "Acme Hydraulics Inc.",
    "--part-number",
    "123-456-789",
    "--quantity",
    "4",
    "--need-date",
    "令和9年1月15日",
    "--promised-date",
    "2027-04-30",
]
CSV_HEADER = "company,supplier,part_number,quantity,need_date,promised_date\r\n"
GOOD_ROW = "C-0001,Acme,123-456,4,2027-01-15,2027-04-30\r\n"
BAD_ROW = "C-0001,Acme,123-457,0,2027-01-15,2027-04-30\r\n"

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


# --- help -------------------------------------------------------------------------------

HELP_FIRST_LINES = {
    # The group's page lists each command by its Japanese summary.
    (): "add参加中の企業が報告した部品の納入遅延",
    ("add",): "参加中の企業が報告した部品の納入遅延（--service では役務の納入遅延）を記録し、そのキーを表示します。",
    ("list",): "納入遅延を一覧表示します。企業、状態、供給企業、必要時期の超過で絞り込めます。",
    ("show",): "納入遅延を、回答納期の全ての再延期と変更履歴とともに表示します。",
    ("update",): "納入遅延を訂正します。新しい回答納期は上書きせず、納期の再延期として残します。",
    ("close",): "米国への要請が要らない open の納入遅延を終了します",
}


@pytest.mark.parametrize("command", list(HELP_FIRST_LINES))
def test_each_delay_help_page_is_japanese(sosa, ja, command):
    page = sosa("delay", *command, "--help").stdout
    assert flat(HELP_FIRST_LINES[command]) in flat(page)
    # No option is left explained in English: every help line with an option has Japanese.
    for line in page.splitlines():
        if line.strip().startswith("--") and "  " in line.strip():
            assert CJK.search(line), line


def test_the_add_help_explains_its_options_and_example_in_japanese(sosa, ja):
    page = flat(sosa("delay", "add", "--help").stdout)
    assert flat("必要時期（ISO 形式又は和暦。ASAP は不可）。") in page
    assert flat("米国外の供給企業の国（ISO 3166 のコード。例: GB）。既定は US。") in page
    assert flat('例: sosa delay add --company C-0001 --supplier "Acme Hydraulics"') in page
    assert "Example:" not in page and "Record a delay" not in page


# --- messages, tables, cards --------------------------------------------------------------


def test_add_update_close_speak_japanese(sosa, enrolled, ja):
    result = sosa("delay", "add", *DELAY)
    assert result.stdout == "D-0001\n"
    japanese(result.stderr)
    assert result.stderr == "C-0001の納入遅延D-0001を記録しました: 123-456-789 ×4、105日の遅延。\n"
    result = sosa("delay", "update", "D-0001", "--promised-date", "2027-05-31", "--note", "supplier letter")
    japanese(result.stderr)
    assert result.stderr == "D-0001を更新しました: 回答納期 2027-05-31、136日の遅延（納期の再延期2件を記録）。\n"
    result = sosa("delay", "update", "D-0001", "--promised-date", "2027-01-10")
    japanese(result.stderr)
    assert "必要時期に間に合う見込み" in result.stderr
    result = sosa("delay", "close", "D-0001", "--reason", "recovered")
    japanese(result.stderr)
    assert result.stderr == "D-0001を終了しました（recovered）。\n"


def test_the_list_has_japanese_headers_and_title_words(sosa, enrolled, ja):
    sosa("delay", "add", *DELAY)
    sosa("delay", "add", "--company", "C-0002", "--service", "--description", "F110 repair", *DELAY[2:4], *DELAY[8:])
    lines = sosa("delay", "list").stdout.splitlines()
    headers = lines[0].split("\t")
    assert len(headers) == 10 and "米国の供給企業" in headers and "遅延日数" in headers
    for header in headers:
        assert CJK.search(header) and not re.search(r"[A-Za-z]", header), header
    assert lines[2].split("\t")[4] == "役務: F110 repair"
    result = sosa("delay", "list", "--status", "closed")
    assert result.stdout == ""
    result = sosa("delay", "list", "--status", "lost", ok=False)
    japanese(result.stderr)
    assert "'lost'は納入遅延の状態ではありません" in result.stderr


def test_the_card_labels_and_values_are_japanese(sosa, enrolled, ja):
    sosa("delay", "add", "--company", "C-0002", "--service", "--description", "F110 repair", *DELAY[2:4], *DELAY[8:])
    card = dict(line.split("\t", 1) for line in sosa("delay", "show", "D-0001").stdout.splitlines() if line.count("\t") == 1)
    assert card["供給企業の回答納期"] == "2027-04-30（当初 2027-04-30、105日の遅延）"
    assert card["米国の供給企業"] == "Acme Hydraulics Inc." and card["必要時期"] == "2027-01-15"
    assert "1式" in card.values() and "役務" in card.values()
    # Every label in Japanese but the codes' own names.
    for label in card:
        assert CJK.search(label) or label in ("NSN", "PSC"), label
    slips = [line for line in sosa("delay", "show", "D-0001").stdout.splitlines() if line.startswith("納期の再延期\t")]
    assert len(slips) == 1 and "\t2027-04-30\t" in slips[0]


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["delay", "show", "D-0999"], "納入遅延D-0999はありません"),
        (["delay", "close", "D-0001", "--reason", "lost"], "'lost'は納入遅延を終了する理由として使えません"),
        (["delay", "add", "--company", "C-0001"], "--supplier が"),
        (["delay", "add", *DELAY[:-1], "2027-01-01"], "2027-01-01は必要時期2027-01-15より後ではありません"),
        (["delay", "add", *DELAY[:7], "0", *DELAY[8:]], "'0'は正の整数ではありません"),
        (["delay", "add", *DELAY, "--unit", "EACH5"], "'EACH5'は発注単位ではありません"),
        (["delay", "add", *DELAY, "--service-branch", "navy"], "'navy'は自衛隊の区分ではありません"),
        (["delay", "add", *DELAY, "--psc", "J015"], "役務コード（PSC）は役務に使います"),
        (["delay", "add", "--company", "C-0008", *DELAY[2:]], "）: 納入遅延を報告できるのは参加中の企業だけです"),
        (["delay", "add", "--dry-run"], "--format と --dry-run はファイルを読み込むときに使います"),
        (["delay", "add", "--from", "delays.xls"], "delays.xls: sosaが読めるのは.xlsxのブックで、.xlsは読めません"),
        (["delay", "add", "--from", "delays.yaml"], "delays.yaml: 納入遅延は CSV 又は Excel（.xlsx）ファイルから読み込みます"),
        (["company", "export", "--to", "usg", "--format", "xlsx"], "Excelでの出力にはファイルが必要です"),
        (["company", "export", "--to", "usg", "--format", "json", "--encoding", "cp932"], "--encoding はCSV用です。jsonは常にUTF-8です"),
        (["company", "export", "--to", "everyone"], "'everyone'は提供先ではありません"),
        (["company", "export", "--to", "usg", "--encoding", "latin-1"], "'latin-1'は出力の文字コードではありません"),
    ],
)
def test_refusals_are_japanese(sosa, enrolled, ja, args, expected):
    if args[:2] in (["delay", "close"], ["delay", "update"]):
        sosa("delay", "add", *DELAY)
    result = sosa(*args, ok=False)
    assert result.exit_code == 1
    japanese(result.stderr)
    assert expected in result.stderr


def test_a_finished_delay_and_an_escalated_one_are_refused_in_japanese(sosa, enrolled, ja):
    sosa("delay", "add", *DELAY)
    sosa("delay", "close", "D-0001", "--reason", "recovered")
    result = sosa("delay", "update", "D-0001", "--promised-date", "2027-06-01", ok=False)
    japanese(result.stderr)
    assert "D-0001の状態はclosedです: 終了した納入遅延は変更できません" in result.stderr
    result = sosa("delay", "update", "D-0001", ok=False)
    japanese(result.stderr)
    assert "変更する" in result.stderr


# --- spreadsheets and YAML --------------------------------------------------------------


def test_a_csv_with_a_bad_row_gives_japanese_problem_lines(sosa, enrolled, ja, tmp_path):
    source = tmp_path / "delays.csv"
    source.write_text(CSV_HEADER + GOOD_ROW + BAD_ROW, encoding="utf-8")
    result = sosa("delay", "add", "--from", str(source), ok=False)
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"sosa: {source}:3:D: quantity: '0'は正の整数ではありません",
        f"{source}: 2行中1行に1件の問題があります。何も記録していません",
    ]
    for line in lines:
        japanese(line)
    assert sosa("delay", "list").stdout == ""


def test_a_csv_header_and_a_stray_cell_are_explained_in_japanese(sosa, enrolled, ja, tmp_path):
    source = tmp_path / "delays.csv"
    source.write_text(CSV_HEADER.replace("quantity", "qty") + GOOD_ROW, encoding="utf-8")
    result = sosa("delay", "add", "--from", str(source), ok=False)
    japanese(result.stderr)
    assert f"{source}:1:D: qty: 不明な列です（使える列: company, corporate_number," in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"{source}: 見出し行に1件の問題があります。何も記録していません"
    source.write_text(CSV_HEADER + GOOD_ROW.replace("\r\n", ",x\r\n") + "C-0008," + GOOD_ROW[7:], encoding="utf-8")
    lines = sosa("delay", "add", "--from", str(source), ok=False).stderr.strip().splitlines()
    assert lines[0] == f"sosa: {source}:2:G: （見出しなし）: 見出しのない列に値があります: 1行目に列名を書くか、値を消してください"
    assert lines[1].startswith(f"{source}:3:A: company: C-0008 ")
    assert lines[-1] == f"{source}: 2行中2行に2件の問題があります。何も記録していません"
    for line in lines:
        japanese(line)


def test_a_csv_of_delays_is_recorded_with_japanese_messages(sosa, enrolled, ja, tmp_path):
    source = tmp_path / "delays.csv"
    source.write_text(CSV_HEADER + GOOD_ROW + GOOD_ROW.replace("123-456", "123-999"), encoding="utf-8")
    result = sosa("delay", "add", "--from", str(source), "--dry-run")
    japanese(result.stderr)
    assert result.stderr == "試行: 納入遅延2件を記録できます。何も書き込んでいません。\n"
    result = sosa("delay", "add", "--from", str(source))
    assert result.stdout.split() == ["D-0001", "D-0002"]
    japanese(result.stderr)
    assert result.stderr == "納入遅延2件を記録しました: D-0001…D-0002。\n"


def test_unreadable_files_are_refused_in_japanese(sosa, enrolled, ja, tmp_path):
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes((CSV_HEADER + GOOD_ROW).encode("utf-16"))
    result = sosa("delay", "add", "--from", str(utf16), ok=False)
    japanese(result.stderr)
    assert f"{utf16}: NULバイトを含んでいます" in result.stderr
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    result = sosa("delay", "add", "--from", str(fake), ok=False)
    japanese(result.stderr)
    assert f"{fake}: Excelのブック（.xlsx）ではありません" in result.stderr
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = sosa("delay", "add", "--from", str(empty), ok=False)
    japanese(result.stderr)
    assert f"{empty}: ファイルに行がありません" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name_ja: [a\n", ":2: YAMLの書き方が正しくありません: 「"),
        ("name_ja: &x a\nname_en: *x\n", ":2: アンカーとエイリアス（&、*）は使えません。値をそのまま書いてください"),
        ("name_ja: a\nname_ja: b\n", ":2: name_ja: キーが重複しています（最初は1行目）"),
        ("name_ja: !!int 1\n", ":1: name_ja: tag:yaml.org,2002:intのようなYAMLのタグは使えません"),
        ("- a\n- b\n", ":1: レコード（`name_ja: …` のようなマッピング）を書くところにテキストがあります"),
        ("", ": ファイルにレコードがありません"),
    ],
)
def test_yaml_problems_are_japanese(sosa, db_path, ja, tmp_path, text, expected):
    source = tmp_path / "companies.yaml"
    source.write_text(text, encoding="utf-8")
    result = sosa("enroll", "--from", str(source), ok=False)
    japanese(result.stderr)
    assert f"{source}{expected}" in result.stderr


def test_yaml_that_is_not_utf8_is_refused_in_japanese(sosa, db_path, ja, tmp_path):
    source = tmp_path / "companies.yaml"
    source.write_bytes("name_ja: 有明\n".encode("cp932"))
    result = sosa("enroll", "--from", str(source), ok=False)
    japanese(result.stderr)
    assert f"sosa: {source}: UTF-8のテキストではありません（バイト位置9が読めません）" in result.stderr
    assert "ファイルをUTF-8で保存してください" in result.stderr


def test_a_cp932_export_names_the_character_it_cannot_hold_in_japanese(sosa, enrolled, ja, tmp_path):
    sosa("company", "update", "C-0001", "--products", "髙橋式ポンプ 🚀")
    result = sosa("company", "export", "--to", "usg", "--encoding", "cp932", "--out", str(tmp_path / "x.csv"), ok=False)
    japanese(result.stderr)
    assert "の「🚀」（U+1F680）はShift_JIS（CP932）で表せません。何も出力していません" in result.stderr
    assert not (tmp_path / "x.csv").exists()


# --- English unchanged ------------------------------------------------------------------


def test_the_same_commands_in_english_are_unchanged(sosa, enrolled, tmp_path):
    result = sosa("delay", "add", *DELAY)
    assert result.stderr == "Recorded D-0001 for C-0001: 123-456-789 ×4, 105 days late.\n"
    lines = sosa("delay", "list").stdout.splitlines()
    assert lines[0] == "Key\tCompany\tStatus\tUS supplier\tPart number / service\tQty\tNeed\tPromised\tDays late\tRequest"
    card = dict(line.split("\t", 1) for line in sosa("delay", "show", "D-0001").stdout.splitlines() if line.count("\t") == 1)
    assert card["Promised date"] == "2027-04-30 (originally 2027-04-30; 105 days late)" and card["Quantity"] == "4 EA"
    result = sosa("delay", "show", "D-0999", ok=False)
    assert result.stderr == "sosa: no delay D-0999 (`sosa delay list` shows the delays)\n"
    source = tmp_path / "delays.csv"
    source.write_text(CSV_HEADER + GOOD_ROW + BAD_ROW, encoding="utf-8")
    lines = sosa("delay", "add", "--from", str(source), ok=False).stderr.strip().splitlines()
    assert lines == [
        f"sosa: {source}:3:D: quantity: '0' is not a positive whole number",
        f"{source}: 1 problem in 1 row of 2 rows; nothing was recorded",
    ]
    page = sosa("delay", "add", "--help").stdout
    assert "Record a delay of a part, or with --service of a service (役務)" in page and "必要時期（" not in page


def test_every_message_of_this_area_has_japanese():
    """`tools/messages.py check` for the delay, intake, import and export files finds nothing left in English."""
    root = Path(__file__).resolve().parent.parent
    files = ["sosa_cli/cli/delay.py", "sosa_cli/delays.py", "sosa_cli/intake.py", "sosa_cli/importing.py", "sosa_cli/exporting.py"]
    done = subprocess.run([sys.executable, "tools/messages.py", "check", *files], cwd=root, capture_output=True, text=True, check=False)
    assert done.stdout.strip().splitlines()[-1] == "0 messages without Japanese", done.stdout
