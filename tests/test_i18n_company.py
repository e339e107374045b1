"""`sosa enroll` and `sosa company …` in Japanese (issue 13 §1): what an officer reads with
SOSA_LANG=ja — the help pages, the refusals of the register, its field rules and
identifiers, the tables, cards and messages — and the same commands in English, word for
word as before."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_COMPANIES
from tests.test_i18n import english_run, flat, japanese

ROOT = Path(__file__).resolve().parent.parent


def test_the_checker_finds_an_english_phrase():
    assert english_run("sosa: corporate_number: 法人番号 1234567890123: 検査用数字は1ではなく9のはずです") is None
    assert english_run("/tmp/a b/companies.yaml:5: name_ja: 必須です") is None
    assert english_run("sosa: no company with 法人番号 9010401071234") == "no company with"
    assert english_run("sosa: nothing to change") == "nothing to change"


# --- help pages ------------------------------------------------------------------------------

HELP = [
    (("enroll",), "参加企業を登録します（オプション又はYAMLファイルから）。", "参加中となった各社への通知も同時に発出します。"),
    (
        ("company", "list"),
        "参加企業の一覧を表示します（状態、文字列又は補給分類で絞り込み）。",
        "企業名、製品又は所在地に含まれる文字列（日本語又は英語）。",
    ),
    (
        ("company", "show"),
        "参加企業1社の記録、担当者、同意、状態、納入遅延、文書及び変更履歴を表示します。",
        "キー（C-0001）又は法人番号。",
    ),
    (("company", "update"), "参加企業の記録を訂正します。全ての値を登録時と同じく検査します。", "行動規範の受諾日（ISO形式又は和暦）。"),
    (("company", "suspend"), "参加中の企業を参加停止中にします（登録簿には残ります）。", "理由。記録と変更履歴に残ります。"),
    (("company", "reinstate"), "参加停止中の企業を参加中に戻します。", "理由。記録と変更履歴に残ります。"),
    (("company", "withdraw"), "参加企業の任意の参加取りやめを記録します（最終）。--reason が必要です。", "理由。記録と変更履歴に残ります。"),
    (
        ("company", "export"),
        "提供先への提供に同意した参加中の企業を出力します。",
        "usg（米国政府）、primes（米国主要防衛関連企業）又は internal（担当課の控え）。",
    ),
]


@pytest.mark.parametrize(("command", "summary", "option"), HELP, ids=[" ".join(c) for c, _s, _o in HELP])
def test_help_pages_are_japanese(sosa, ja, command, summary, option):
    page = sosa(*command, "--help").stdout
    assert page.startswith("使い方: sosa")
    first = next(line.strip() for line in page.splitlines()[1:] if line.strip())
    assert summary.startswith(first) or first.startswith(summary), first
    assert flat(summary) in flat(page)
    assert flat(option) in flat(page)
    assert "Example:" not in page
    prose = "\n".join(line for line in page.splitlines() if not line.lstrip().startswith(("使い方", "例:", "sosa ", "--")))
    assert english_run(prose) is None, english_run(prose)


def test_the_company_group_and_the_top_page_name_the_register_in_japanese(sosa, ja):
    page = sosa("company", "--help").stdout
    assert "参加企業の登録簿: 一覧、表示、訂正、参加停止、参加取りやめ、出力。" in page
    assert re.search(r"suspend\s+参加中の企業を参加停止中にします", page)
    top = sosa("--help").stdout
    assert re.search(r"enroll\s+参加企業を登録します", top)
    assert re.search(r"company\s+参加企業の登録簿", top)


# --- refusals --------------------------------------------------------------------------------

REFUSALS = [
    (("company", "show", "C-0042"), "sosa: 参加企業 C-0042 は登録されていません（`sosa company list` で参加企業の一覧を確認できます）"),
    (("company", "show", "5835678256246"), "sosa: 法人番号 5835678256246 の参加企業は登録されていません（`sosa company list` で参加企業の一覧を確認できます）"),
    (("company", "show", "東雲"), "sosa: '東雲' に当たる参加企業はありません（C-0001 のようなキー又は13桁の法人番号を指定してください）"),
    # Messages other commands share are worded by their area: the hint here is the register's own.
    (("company", "update", "C-0001"), ...),
    (("company", "withdraw", "C-0001"), """sosa: 参加取りやめには理由が必要です（--reason "…" を付けてください。例: "company request of 2026-11-20"）"""),
    (("company", "list", "--status", "gone"), ...),
    (("company", "update", "C-0001", "--corporate-number", "2010401082345"), "sosa: 法人番号 2010401082345 は既にC-0002として登録されています"),
    (("company", "update", "C-0001", "--ncage", "1AB"), "sosa: ncage: NCAGE「1AB」: 5文字で指定してください（3文字あります）"),
    (
        ("company", "update", "C-0001", "--corporate-number", "1234567890123"),
        "sosa: corporate_number: 法人番号 1234567890123: 検査用数字は1ではなく9のはずです",
    ),
    (
        ("company", "update", "C-0001", "--corporate-number", "T9010401071234"),
        "sosa: corporate_number: 法人番号「T9010401071234」: 数字以外（「T」）は使えません"
        "（適格請求書発行事業者の登録番号は T + 法人番号です。T を除いてください）",
    ),
    (
        ("company", "update", "C-0001", "--contact-email", "sato.example.jp"),
        "sosa: contacts.1.email: 「sato.example.jp」はメールアドレスではありません。@ がありません",
    ),
    (("company", "update", "C-0001", "--contact-phone", "03"), "sosa: contacts.1.phone: 電話番号「03」: 数字が6桁以上必要です（2桁あります）"),
    (("company", "update", "C-0001", "--fsc", "59"), "sosa: fsc: 補給分類 59: 4桁で指定してください（2桁あります）"),
    (
        ("company", "update", "C-0001", "--psc", "5935"),
        "sosa: psc: PSC 5935 は部品の補給分類（FSC）です。FSCとして指定してください。役務コードは英字で始まります（例: J015）",
    ),
    (
        ("company", "update", "C-0001", "--coc-accepted-on", "2027-01-05"),
        "sosa: coc_accepted_on: 2027-01-05 (令和9年1月5日) は今日（2026-11-26）より後です。行動規範の受諾日に将来の日付は指定できません",
    ),
    (
        ("company", "update", "C-0001", "--coc-accepted-on", "2022-12-01"),
        "sosa: coc_accepted_on: 2022-12-01 (令和4年12月1日) は取決めの署名日（2023-01-12）より前です。年を確認してください",
    ),
    (("company", "update", "C-0001", "--name-en", "a\x07b"), "sosa: name_en: 制御文字（U+0007）が含まれています。制御文字を除いて入力し直してください"),
    (("enroll", "--format", "csv"), "sosa: --format はファイルを読み込むときに指定します（--from FILE を付けてください）"),
    (("enroll", "--from", "nowhere.yaml"), "sosa: nowhere.yaml: ファイルがありません"),
    (
        ("enroll", "--name-ja", "株式会社", "--contact-title", "課長"),
        "sosa: --name-en が指定されていません（オプションで指定するか、--from FILE を使ってください）",
    ),
]


@pytest.mark.parametrize(("args", "expected"), REFUSALS, ids=[" ".join(a) for a, _e in REFUSALS])
def test_refusals_are_japanese(sosa, enrolled, ja, args, expected):
    refused = sosa(*args, ok=False)
    assert refused.exit_code == 1
    if expected is not ...:
        assert refused.stderr.strip() == expected
    japanese(refused.stderr.removeprefix("sosa: "), every_line=True)


def test_refusals_with_words_other_commands_share_are_japanese_too(sosa, enrolled, ja):
    nothing = sosa("company", "update", "C-0001", ok=False).stderr.strip()
    assert nothing.endswith("（少なくとも一つのオプションを指定してください。例: --name-en、--ncage）"), nothing
    unknown = sosa("company", "list", "--status", "gone", ok=False).stderr.strip()
    assert unknown.startswith("sosa: 'gone' は参加企業の状態ではありません（"), unknown
    assert "applied, enrolled, suspended, withdrawn" in unknown


def test_every_problem_of_a_file_keeps_its_place_and_field_and_says_what_is_wrong_in_japanese(sosa, ja, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- name_ja: 株式会社甲\n  name_en: Ko\n  corporate_number: '1234567890123'\n  colour: red\n"
        "- name_ja: 株式会社乙\n  corporate_number: '9010401071234'\n  share_usg: maybe\n",
        encoding="utf-8",
    )
    refused = sosa("enroll", "--from", str(bad), ok=False)
    lines = refused.stderr.strip().splitlines()
    assert lines[0] == "sosa: 4件の問題があります："
    assert f"{bad}:3: corporate_number: 法人番号 1234567890123: 検査用数字は1ではなく9のはずです" in lines
    assert any(line.startswith(f"{bad}:4: colour: 不明な項目です（指定できる項目: name_ja, name_en, ") for line in lines)
    assert f"{bad}:7: share_usg: 'maybe' は yes 又は no ではありません" in lines
    assert any(re.fullmatch(re.escape(str(bad)) + r":\d+: name_en: 必須です", line) for line in lines)
    for line in lines[1:]:
        japanese(line.split(": ", 2)[2])


def test_a_withdrawn_company_coming_back_is_told_in_japanese(sosa, enrolled, ja):
    sosa("company", "withdraw", "C-0005", "--reason", "申出", "--yes")
    back = ["enroll", "--corporate-number", "1140001085678", "--name-ja", "神戸船舶電機株式会社", "--name-en", "Kobe Marine"]
    refused = sosa(*back, "--coc-accepted-on", "2026-11-25", ok=False)
    assert refused.stderr.strip() == (
        "sosa: 法人番号 1140001085678 は参加を取りやめたC-0005 神戸船舶電機株式会社（理由: 申出）です。"
        "登録すると、C-0005が変更履歴を保ったまま、2026-11-25の行動規範の受諾により再び参加中となります。何も変更していません"
        "（再び参加させるには --yes を付けてください）"
    )
    undated = sosa(*back, ok=False)
    assert "coc_accepted_on: 法人番号 1140001085678 は参加を取りやめたC-0005 神戸船舶電機株式会社（理由: 申出）です。" in undated.stderr
    assert "再び参加させるには、行動規範を改めて受諾した日付が必要です" in undated.stderr
    done = sosa(*back, "--coc-accepted-on", "2026-11-25", "--yes")
    assert "C-0005 神戸船舶電機株式会社を再び参加中としました（同じ記録で変更履歴を保持。2026-11-25に行動規範を改めて受諾）。" in done.stderr


def test_key_refusals_name_the_kind_in_japanese():
    from sosa_cli.errors import SosaError
    from sosa_cli.i18n import use
    from sosa_cli.keys import parse_key

    use("ja")
    try:
        for prefix, kind in (("C", "参加企業"), ("D", "納入遅延"), ("R", "米国への要請"), ("A", "米国からの要請"), ("L", "文書")):
            with pytest.raises(SosaError) as refused:
                parse_key("X-1", prefix)
            assert str(refused.value) == f"'X-1' は{kind}のキーではありません（{kind}のキーは {prefix}-0001 のような形です）"
    finally:
        use("en")


def test_every_date_rule_refuses_in_a_whole_sentence_of_its_own():
    """A `dated(what=…, since=…)` made anywhere in sosa has its sentence in fields.py, so that
    it is translated whole, not an English phrase glued into a Japanese one."""
    from sosa_cli.fields import _BEFORE, _FUTURE

    made = []
    for path in (ROOT / "sosa_cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dated":
                made += [(k.arg, k.value.value) for k in node.keywords if k.arg in ("what", "since") and isinstance(k.value, ast.Constant)]
    assert ("what", "Code of Conduct acceptance") in made
    for argument, words in made:
        assert words in (_FUTURE if argument == "what" else _BEFORE), (argument, words)


# --- tables, cards and messages ---------------------------------------------------------------


def test_enrolling_says_what_it_did_in_japanese(sosa, ja):
    done = sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    assert done.stdout.split()[0] == "C-0001"
    said = done.stderr.strip().splitlines()
    assert said == [
        "9社を参加中として登録しました: C-0001…C-0010。",
        "1社を申請中として記録しました（まだ参加中ではありません）: C-0008。"
        "行動規範の受諾後、`sosa company update KEY --coc-accepted-on DATE` で参加中になります。",
    ]


def test_a_dry_run_is_told_in_japanese(sosa, ja):
    plan = sosa("enroll", "--from", str(SAMPLE_COMPANIES), "--dry-run")
    assert plan.stdout.splitlines()[0] == "企業名\t企業名（英語）\t法人番号\t登録後の状態"
    assert plan.stdout.splitlines()[1].endswith("\t参加中")
    assert "\t申請中として記録" in plan.stdout
    said = plan.stderr.strip()
    assert said.startswith("試行: 9社が参加中となる予定") and said.endswith("1社が申請中として記録される予定。何も書き込んでいません。"), said
    japanese(said, every_line=True)


def test_the_register_table_and_card_are_japanese(sosa, enrolled, ja):
    table = sosa("company", "list").stdout.splitlines()
    assert table[0] == "キー\t企業名\t企業名（英語）\t法人番号\tNCAGE\t状態\t米国政府\t主要企業"
    assert table[1].startswith("C-0001\t東雲精機株式会社\t")
    card = dict(line.split("\t", 1) for line in sosa("company", "show", "C-0001").stdout.splitlines() if line.count("\t") == 1)
    assert card["キー"] == "C-0001"
    assert card["行動規範"] == "1.0 2023-04-03受諾 署名者: 代表取締役社長 東雲 一郎"
    assert {"状態", "企業名", "所在地", "補給分類（FSC）", "役務コード（PSC）", "提供の同意（米国政府）", "提供の同意（主要企業）"} <= set(card)
    contacts = [line for line in sosa("company", "show", "C-0001").stdout.splitlines() if line.startswith("担当者\t")]
    assert len(contacts) == 2
    assert sosa("company", "show", "C-0008").stdout.count("行動規範\t1.0\n") == 1  # a version, not yet accepted
    sosa("company", "update", "C-0008", "--coc-version", "")
    assert sosa("company", "show", "C-0008").stdout.count("行動規範\t未受諾\n") == 1


def test_changes_to_the_register_are_told_in_japanese(sosa, enrolled, ja):
    assert sosa("company", "update", "C-0001", "--ncage", "7A123").stderr.strip() == "C-0001 東雲精機株式会社を更新しました（enrolled）。"
    assert re.fullmatch(r"C-0008 \S+を更新しました（申請中として記録）。", sosa("company", "update", "C-0008", "--ncage", "7A124").stderr.strip())
    assert sosa("company", "suspend", "C-0002", "--yes").stderr.strip() == "C-0002 北斗電子工業株式会社は参加停止中になりました。"
    assert sosa("company", "reinstate", "C-0002", "--yes").stderr.strip() == "C-0002 北斗電子工業株式会社は参加中になりました。"
    assert sosa("company", "withdraw", "C-0002", "--reason", "申出", "--yes").stderr.strip() == "C-0002 北斗電子工業株式会社は参加取りやめになりました。"
    assert sosa("company", "list", "--search", "存在しない企業").stdout == ""


def test_an_export_is_told_in_japanese(sosa, enrolled, ja, tmp_path):
    out = tmp_path / "usg.csv"
    said = sosa("company", "export", "--to", "usg", "--out", str(out)).stderr.strip()
    assert re.fullmatch(r"\d+社をusg向けにcsv形式で \S+usg\.csv に出力しました。変更履歴に記録しました。", said), said
    internal = sosa("company", "export", "--to", "internal", "--format", "json").stderr.strip()
    assert internal == "10社を担当課用にjson形式で出力しました。提供ではなく内部用の出力として記録しました。"


# --- English, as before ------------------------------------------------------------------------


def test_the_same_commands_in_english_are_unchanged(sosa, tmp_path):
    done = sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    assert done.stderr.strip().splitlines() == [
        "Enrolled 9 companies: C-0001…C-0010.",
        "Recorded 1 company as applied, not yet enrolled: C-0008; "
        "`sosa company update KEY --coc-accepted-on DATE` enrolls it once the Code of Conduct is accepted.",
    ]
    assert sosa("company", "list").stdout.splitlines()[0] == "Key\tName (ja)\tName (en)\t法人番号\tNCAGE\tStatus\tUSG\tPrimes"
    assert sosa("company", "show", "C-0042", ok=False).stderr.strip() == "sosa: no company C-0042 (`sosa company list` shows the register)"
    assert sosa("company", "suspend", "C-0002", "--yes").stderr.strip() == "C-0002 北斗電子工業株式会社 is now suspended."
    card = sosa("company", "show", "C-0001").stdout
    assert "Code of Conduct\t1.0 accepted 2023-04-03 by 代表取締役社長 東雲 一郎\n" in card
    refused = sosa("enroll", "--name-ja", "株式会社丁", "--name-en", "Tei", "--corporate-number", "123", "--ncage", "1AB", ok=False)
    assert refused.stderr.strip().splitlines() == [
        "sosa: 2 problems:",
        "corporate_number: 法人番号 123: must be 13 digits, not 3",
        'ncage: NCAGE "1AB": must be 5 characters, not 3',
    ]
    dated = sosa("company", "update", "C-0001", "--coc-accepted-on", "2027-01-05", ok=False)
    assert (
        dated.stderr.strip()
        == "sosa: coc_accepted_on: 2027-01-05 (令和9年1月5日) is after today (2026-11-26): a Code of Conduct acceptance cannot be in the future"
    )
    plan = sosa("enroll", "--name-ja", "株式会社丙", "--name-en", "Hei", "--corporate-number", "7000012050002", "--dry-run")
    assert plan.stderr.strip() == "Dry run: 1 company would be recorded as applied; nothing was written."
    assert sosa("company", "--help").stdout.count("The participant register: list, show, correct, suspend, withdraw, export.") == 1
