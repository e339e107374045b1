"""Letters: the enrollment notice as an officer reads it, and the register of 文書番号."""

from __future__ import annotations

import itertools
import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sosa_cli import config, issuing, letters
from sosa_cli.errors import SosaError
from sosa_cli.identifiers import corporate_check_digit
from sosa_cli.store import open_db
from tests.conftest import assert_lines_in_order

REPO = Path(__file__).resolve().parent.parent

OFFICE = {
    "contact_name": "山田 太郎",
    "contact_phone": "03-3268-3111",
    "contact_email": "sosa@example.go.jp",
    "doc_prefix": "装備政策",
}


@pytest.fixture
def office(desk_env):
    """The settings an officer makes once: 担当 contact and the 文書番号 prefix."""
    for key, value in OFFICE.items():
        config.set_value(key, value)
    return desk_env / "config.yaml"


@pytest.fixture
def desk(enrolled, office):
    """The sample register (C-0001…C-0010) and a configured office; returns the database."""
    return enrolled


@pytest.fixture
def letters_dir(desk) -> Path:
    return desk.parent / "desk-letters"


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (
            conn.execute("SELECT COUNT(*) FROM letters").fetchone()[0],
            conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0],
        )


def corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return f"{corporate_check_digit(base)}{base}"


def enroll_one(sosa, name_ja: str, n: int, *, contact: bool = False) -> str:
    args = [
        "enroll",
        "--name-ja",
        name_ja,
        "--name-en",
        f"Test {n} K.K.",
        "--corporate-number",
        corporate_number(n),
        "--coc-accepted-on",
        "2026-10-01",
        "--coc-version",
        "1.0",
    ]
    if contact:
        args += ["--contact-name", "試験 太郎", "--contact-title", "営業部長"]
    return sosa(*args).stdout.strip()


def render(sosa, *args: str, ok: bool = True):
    return sosa("letter", "render", *args, ok=ok)


# --- the enrollment notice, read as an officer reads it --------------------------------


def test_enrollment_notice_has_every_part_in_order(sosa, desk, letters_dir):
    result = render(sosa, "enrollment", "C-0001")
    path = letters_dir / "L-0001-enrollment-C-0001.md"
    assert result.stdout.strip() == str(path)
    assert "Issued L-0001 装備政策第1号 dated 令和8年11月26日" in result.stderr
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    parts = [
        "装備政策第1号",
        "令和8年11月26日",
        "東雲精機株式会社",
        "防衛事業部 営業課長　佐藤 花子　殿",
        "防衛装備庁装備政策部装備政策課長",
        "（公印省略）",
        "防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく",
        "参加企業の登録について（通知）",
        "　標記について、",
        "貴社の登録情報は、貴社の同意に基づき、米国政府及び米国の主要防衛関連企業に提供します。",
        "下記担当まで御連絡くださいますようお願いします。",
        "記",
        "1　企業名（和文）　東雲精機株式会社",
        "2　企業名（英文）　Shinonome Seiki Co., Ltd.",
        "3　法人番号　9010401071234",
        "4　NCAGEコード　SZ101",
        "5　行動規範　第1.0版　令和5年4月3日受諾",
        "6　登録情報の提供に関する同意",
        "（1）米国政府への提供　同意する",
        "（2）米国の主要防衛関連企業への提供　同意する",
        "7　登録番号　C-0001",
        "以上",
        "（担当）装備政策課SoSA担当",
        "山田 太郎",
        "電話　03-3268-3111",
        "E-mail　sosa@example.go.jp",
    ]
    for wrong in ("日米間の", "連絡願います", "1. "):
        assert wrong not in text, wrong
    found = assert_lines_in_order(lines, parts)
    # Number and date top right; sender and 公印省略 flush right; 件名 on its own line.
    for right in ("装備政策第1号", "令和8年11月26日", "防衛装備庁装備政策部装備政策課長", "（公印省略）", "以上"):
        line = next(line for line in lines if line.endswith(right))
        assert line.startswith("\u3000\u3000\u3000") and line.strip("\u3000 ") == right
    assert lines[found[2]] == "東雲精機株式会社"  # addressee at the left margin
    assert lines[found[7]].strip("\u3000 ") == "参加企業の登録について（通知）"  # the 件名's type is never split
    assert lines[found[11]].strip("\u3000 ") == "記"
    assert lines[found[8]].startswith("　標記について、")


@pytest.mark.parametrize(
    ("usg", "primes", "sentence"),
    [
        ("yes", "yes", "貴社の登録情報は、貴社の同意に基づき、米国政府及び米国の主要防衛関連企業に提供します。"),
        ("yes", "no", "貴社の登録情報は、貴社の同意に基づき、米国政府に提供します。米国の主要防衛関連企業には提供しません。"),
        ("no", "yes", "貴社の登録情報は、貴社の同意に基づき、米国の主要防衛関連企業に提供します。米国政府には提供しません。"),
        ("no", "no", "貴社から登録情報の提供への同意がなかったため、貴社の登録情報は、米国政府及び米国の主要防衛関連企業のいずれにも提供しません。"),
    ],
)
def test_the_sharing_sentence_follows_the_companys_consents(sosa, desk, usg, primes, sentence):
    key = enroll_one(sosa, "株式会社同意試験", 900100)
    sosa("company", "update", key, f"--{'' if usg == 'yes' else 'no-'}share-usg", f"--{'' if primes == 'yes' else 'no-'}share-primes")
    text = render(sosa, "enrollment", key, "--out", "-").stdout
    assert sentence in text
    assert f"米国政府への提供　{'同意する' if usg == 'yes' else '同意しない'}" in text


def test_the_honorific_is_the_desks_choice(sosa, desk):
    sosa("config", "set", "addressee_honorific", "様")
    text = render(sosa, "enrollment", "C-0001", "--out", "-").stdout
    assert "防衛事業部 営業課長　佐藤 花子　様" in text and "殿" not in text
    refused = sosa("config", "set", "addressee_honorific", "さん", ok=False)
    assert refused.exit_code == 1


def test_markdown_has_no_stray_blank_lines_or_trailing_spaces(sosa, desk, letters_dir):
    render(sosa, "enrollment", "C-0001")
    text = (letters_dir / "L-0001-enrollment-C-0001.md").read_text(encoding="utf-8")
    assert "\n\n\n" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert not text.startswith("\n")
    assert all(line == line.rstrip() for line in text.splitlines())


def test_html_notice_is_print_ready_with_the_same_parts(sosa, desk, letters_dir):
    render(sosa, "enrollment", "C-0002", "--format", "html")
    html = (letters_dir / "L-0001-enrollment-C-0002.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="ja">' in html and "size: A4;" in html
    order = [
        "装備政策第1号",
        "令和8年11月26日",
        "北斗電子工業株式会社",
        "品質保証部長　鈴木 健　殿",
        "防衛装備庁装備政策部装備政策課長",
        "（公印省略）",
        "防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく",
        "参加企業の登録について（通知）",
        "標記について、",
        ">記<",
        ">1　<",
        ">企業名（和文）",
        ">北斗電子工業株式会社<",
        ">（1）<",
        ">米国政府への提供",
        ">同意する<",
        ">米国の主要防衛関連企業への提供",
        ">同意しない<",
        ">C-0002<",
        ">以上<",
        "（担当）装備政策課SoSA担当",
    ]
    body = html[html.index("<body") :]
    at = 0
    for part in order:
        at = body.index(part, at)  # each part after the one before it
    # Numbers are text in 公用文 style, not list markers a browser would draw as "1.".
    assert "<ol" not in body and ">1.<" not in body


def test_a_company_without_a_contact_is_addressed_onchu(sosa, desk, letters_dir):
    key = enroll_one(sosa, "株式会社無連絡", 900001)
    render(sosa, "enrollment", key)
    text = next(letters_dir.glob(f"*-enrollment-{key}.md")).read_text(encoding="utf-8")
    assert "\n株式会社無連絡　御中\n" in text
    assert "殿" not in text


def test_html_escapes_what_markdown_prints_as_typed(sosa, desk, letters_dir):
    key = enroll_one(sosa, "株式会社テスト & <試験>", 900002, contact=True)
    render(sosa, "enrollment", key, "--format", "html")
    render(sosa, "enrollment", key, "--format", "md")
    html = next(letters_dir.glob("*.html")).read_text(encoding="utf-8")
    md = next(letters_dir.glob("*.md")).read_text(encoding="utf-8")
    assert "株式会社テスト &amp; &lt;試験&gt;" in html
    assert "<試験>" not in html
    assert "株式会社テスト & <試験>" in md


@pytest.mark.parametrize(
    ("day", "printed"),
    [("2019-05-01", "令和元年5月1日"), ("2019-04-30", "平成31年4月30日"), ("令和8年11月26日", "令和8年11月26日"), ("R9.3.31", "令和9年3月31日")],
)
def test_dates_print_in_wareki_across_the_era_boundary(sosa, desk, day, printed):
    text = render(sosa, "enrollment", "C-0001", "--date", day, "--out", "-").stdout
    assert printed in text.splitlines()[1]


def test_numbering_restarts_on_1_april(sosa, desk):
    render(sosa, "enrollment", "C-0001", "--date", "2027-03-30")
    render(sosa, "enrollment", "C-0002", "--date", "2027-03-31")
    render(sosa, "enrollment", "C-0003", "--date", "2027-04-01")
    render(sosa, "enrollment", "C-0004", "--date", "2027-04-02")
    rows = json.loads(sosa("letter", "list", "--json").stdout)
    assert [(r["doc_number"], r["fiscal_year"], r["letter_date"]) for r in rows] == [
        ("装備政策第1号", 2026, "2027-03-30"),
        ("装備政策第2号", 2026, "2027-03-31"),
        ("装備政策第1号", 2027, "2027-04-01"),
        ("装備政策第2号", 2027, "2027-04-02"),
    ]


def test_a_cancelled_number_is_never_given_again(sosa, desk):
    render(sosa, "enrollment", "C-0001")
    render(sosa, "enrollment", "C-0002")
    result = sosa("letter", "cancel", "L-0002", "--reason", "宛先誤り", "--yes")
    assert "Cancelled L-0002 装備政策第2号" in result.stderr
    render(sosa, "enrollment", "C-0002")  # issued again: a new letter, a new number
    rows = json.loads(sosa("letter", "list", "--json").stdout)
    assert [(r["key"], r["doc_number"], r["status"]) for r in rows] == [
        ("L-0001", "装備政策第1号", "issued"),
        ("L-0002", "装備政策第2号", "cancelled"),
        ("L-0003", "装備政策第3号", "issued"),
    ]
    assert rows[1]["cancel_reason"] == "宛先誤り"
    again = sosa("letter", "cancel", "L-0002", "--reason", "again", ok=False)
    assert again.exit_code == 1 and "L-0002 is cancelled and cannot become cancelled" in again.stderr


def test_cancel_needs_a_reason(sosa, desk, db_path):
    render(sosa, "enrollment", "C-0001")
    before = counts(db_path)
    result = sosa("letter", "cancel", "L-0001", "--reason", " ", ok=False)
    assert result.exit_code == 1 and "needs a reason" in result.stderr
    assert counts(db_path) == before


def test_issue_and_cancel_write_one_audit_entry_each(sosa, desk, db_path):
    render(sosa, "enrollment", "C-0001")
    sosa("letter", "cancel", "L-0001", "--reason", "差し替え", "--yes")
    entries = json.loads(sosa("log", "L-0001", "--json").stdout)
    assert [e["action"] for e in entries] == ["issue", "cancel"]
    assert entries[0]["after"]["doc_number"] == "装備政策第1号"
    assert entries[0]["user"] == "tester"
    assert entries[1]["after"] == {"status": "cancelled", "cancel_reason": "差し替え", "doc_number": "装備政策第1号"}
    sosa("audit", "verify")


def test_a_draft_changes_nothing_in_the_database(sosa, desk, db_path, letters_dir):
    render(sosa, "enrollment", "C-0001")  # the register has something in it
    before = counts(db_path)
    result = render(sosa, "enrollment", "C-0002", "--draft")
    assert counts(db_path) == before
    assert "nothing was recorded" in result.stderr
    text = (letters_dir / "draft-enrollment-C-0002.md").read_text(encoding="utf-8")
    assert text.splitlines()[0].strip("\u3000 ") == "装備政策第　　号"
    # The next issued letter still gets the next number.
    render(sosa, "enrollment", "C-0002")
    assert json.loads(sosa("letter", "show", "L-0002", "--json").stdout)["doc_number"] == "装備政策第2号"


def test_a_draft_needs_no_prefix_but_issuing_does(sosa, enrolled, db_path):
    for key in ("contact_name", "contact_phone", "contact_email"):
        config.set_value(key, OFFICE[key])
    draft = render(sosa, "enrollment", "C-0001", "--draft", "--out", "-")
    assert draft.stdout.splitlines()[0].strip("\u3000 ") == "第　　号"
    before = counts(db_path)
    refused = render(sosa, "enrollment", "C-0001", ok=False)
    assert refused.exit_code == 1
    assert "needs the setting doc_prefix" in refused.stderr
    assert "`sosa config set doc_prefix 装備政策`" in refused.stderr
    assert counts(db_path) == before
    assert not (db_path.parent / "desk-letters").exists()


def test_missing_contact_settings_are_all_named(sosa, enrolled):
    result = render(sosa, "enrollment", "C-0001", "--draft", ok=False)
    assert result.exit_code == 1
    assert "needs settings that are not set: contact_name, contact_phone, contact_email" in result.stderr
    assert "sosa config set contact_email" in result.stderr


def test_rendering_an_issued_letter_again_gives_the_same_bytes(sosa, desk, db_path, letters_dir):
    render(sosa, "enrollment", "C-0001", "--date", "2026-11-20")
    path = letters_dir / "L-0001-enrollment-C-0001.md"
    issued = path.read_bytes()
    # Later changes to the company and the office do not touch the issued letter.
    sosa("company", "update", "C-0001", "--name-ja", "東雲精密株式会社")
    config.set_value("contact_name", "鈴木 次郎")
    before = counts(db_path)
    result = render(sosa, "enrollment", "C-0001")
    assert "rendered again from its record, unchanged" in result.stderr
    assert path.read_bytes() == issued
    assert render(sosa, "enrollment", "C-0001", "--out", "-").stdout.encode("utf-8") == issued
    assert counts(db_path)[0] == before[0]
    shown = json.loads(sosa("letter", "show", "L-0001", "--json").stdout)
    import hashlib

    assert shown["files"][0] == {"path": str(path), "format": "md", "sha256": hashlib.sha256(issued).hexdigest()}
    # A draft shows the record as it is now.
    draft = render(sosa, "enrollment", "C-0001", "--draft", "--out", "-").stdout
    assert "東雲精密株式会社" in draft and "鈴木 次郎" in draft
    assert "東雲精密株式会社" not in issued.decode("utf-8")


def test_an_issued_letter_keeps_its_date(sosa, desk):
    render(sosa, "enrollment", "C-0001", "--date", "2026-11-20")
    result = render(sosa, "enrollment", "C-0001", "--date", "2026-11-26", ok=False)
    assert result.exit_code == 1 and "was issued dated 2026-11-20" in result.stderr


def test_another_format_of_an_issued_letter_is_recorded_once(sosa, desk, letters_dir):
    render(sosa, "enrollment", "C-0001")
    render(sosa, "enrollment", "C-0001", "--format", "html")
    render(sosa, "enrollment", "C-0001", "--format", "html")
    shown = json.loads(sosa("letter", "show", "L-0001", "--json").stdout)
    assert [f["format"] for f in shown["files"]] == ["md", "html"]
    assert [h["action"] for h in shown["history"]] == ["issue", "render"]
    assert "装備政策第1号" in (letters_dir / "L-0001-enrollment-C-0001.html").read_text(encoding="utf-8")


def test_a_changed_template_cannot_rewrite_an_issued_letter(sosa, desk, tmp_path, monkeypatch, letters_dir):
    render(sosa, "enrollment", "C-0001")
    issued = (letters_dir / "L-0001-enrollment-C-0001.md").read_bytes()
    mine = tmp_path / "mine" / "ja"
    mine.mkdir(parents=True)
    (mine / "enrollment.xml.j2").write_text(
        '{% extends "ja/letterhead.xml.j2" %}{% block subject %}件名（通知）{% endblock %}{% block body %}<p>別の本文</p>{% endblock %}', encoding="utf-8"
    )
    monkeypatch.setenv("SOSA_TEMPLATES", str(mine.parent))
    result = render(sosa, "enrollment", "C-0001", ok=False)
    assert result.exit_code == 1 and "its template has changed" in result.stderr
    assert (letters_dir / "L-0001-enrollment-C-0001.md").read_bytes() == issued


def test_out_to_a_file_a_folder_and_stdout(sosa, desk, tmp_path):
    target = tmp_path / "out" / "notice.md"
    assert render(sosa, "enrollment", "C-0001", "--out", str(target)).stdout.strip() == str(target)
    assert "装備政策第1号" in target.read_text(encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    render(sosa, "enrollment", "C-0002", "--out", str(folder))
    assert (folder / "L-0002-enrollment-C-0002.md").is_file()
    printed = render(sosa, "enrollment", "C-0003", "--out", "-")
    assert printed.stdout.splitlines()[0].endswith("装備政策第3号")
    shown = json.loads(sosa("letter", "show", "L-0003", "--json").stdout)
    assert shown["files"][0]["path"] is None


def test_letters_dir_setting(sosa, desk, tmp_path):
    config.set_value("letters_dir", str(tmp_path / "official"))
    render(sosa, "enrollment", "C-0001")
    assert (tmp_path / "official" / "L-0001-enrollment-C-0001.md").is_file()


# --- refusals --------------------------------------------------------------------------


def test_an_applied_company_gets_no_enrollment_notice(sosa, desk, db_path):
    before = counts(db_path)
    result = render(sosa, "enrollment", "C-0008", ok=False)
    assert result.exit_code == 1 and "C-0008" in result.stderr and "is applied" in result.stderr
    assert counts(db_path) == before


def test_unknown_kind_and_format(sosa, desk):
    unknown = render(sosa, "memo", "C-0001", ok=False)
    assert unknown.exit_code == 1 and "'memo' is not a kind of letter this version writes" in unknown.stderr
    rtf = render(sosa, "enrollment", "C-0001", "--format", "rtf", ok=False)
    assert rtf.exit_code == 2
    with pytest.raises(SosaError, match="'rtf' is not a letter format"):
        issuing.render(open_db(desk), "enrollment", "C-0001", fmt="rtf")


def test_an_enrollment_notice_goes_to_its_own_company(sosa, desk, db_path):
    before = counts(db_path)
    result = render(sosa, "enrollment", "C-0001", "--company", "C-0002", ok=False)
    assert result.exit_code == 1 and "goes to the company C-0001 itself" in result.stderr
    assert counts(db_path) == before
    render(sosa, "enrollment", "C-0001", "--company", "c-1")  # the same company: accepted


def test_unknown_company(sosa, desk):
    result = render(sosa, "enrollment", "C-0099", ok=False)
    assert result.exit_code == 1 and "no company C-0099" in result.stderr


def asks_for_a_missing_field(tmp_path: Path, monkeypatch) -> Path:
    """An officer's enrollment wording that prints `company.fax`, a field no company has;
    returns the officer's template folder (SOSA_TEMPLATES)."""
    mine = tmp_path / "mine"
    (mine / "ja").mkdir(parents=True)
    (mine / "ja" / "enrollment.xml.j2").write_text(
        '{% extends "ja/letterhead.xml.j2" %}{% block subject %}件名（通知）{% endblock %}{% block body %}\n<p>FAX {{ company.fax }}</p>\n{% endblock %}',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOSA_TEMPLATES", str(mine))
    return mine


def test_a_template_field_the_record_lacks_is_named(sosa, desk, tmp_path, monkeypatch, db_path):
    asks_for_a_missing_field(tmp_path, monkeypatch)
    before = counts(db_path)
    result = render(sosa, "enrollment", "C-0001", ok=False)
    assert result.exit_code == 1
    assert "enrollment.xml.j2 line 2 uses the field company.fax" in result.stderr
    assert counts(db_path) == before  # a refused letter takes no number
    assert not (db_path.parent / "desk-letters" / "L-0001-enrollment-C-0001.md").exists()


def test_the_register_refuses_deleting_or_renumbering(sosa, desk, db_path):
    render(sosa, "enrollment", "C-0001")
    conn = open_db(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM letters")
    with pytest.raises(sqlite3.IntegrityError, match="keeps its number"):
        conn.execute("UPDATE letters SET serial = 9")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(
            "INSERT INTO letters (key, kind, language, record, addressee, subject, doc_number, fiscal_year, serial, letter_date, status, created_at)"
            " VALUES ('L-0009', 'enrollment', 'ja', 'C-0002', 'x', 'x', '装備政策第1号', 2026, 1, '2026-11-26', 'issued', 'now')"
        )


# --- officers' own templates ---------------------------------------------------------------


def test_an_officers_template_replaces_the_shipped_one_and_extends_its_letterhead(sosa, desk, tmp_path, letters_dir):
    mine = tmp_path / "mine"
    (mine / "ja").mkdir(parents=True)
    (mine / "ja" / "enrollment.xml.j2").write_text(
        '{% extends "ja/letterhead.xml.j2" %}\n{% block subject %}参加企業の登録について（通知）{% endblock %}\n'
        "{% block body %}\n<p>標記について、{{ company.name_ja }}を登録しました。</p>\n{% endblock %}\n",
        encoding="utf-8",
    )
    sosa("config", "set", "templates_dir", str(mine))
    listed = json.loads(sosa("letter", "templates", "--json").stdout)
    used = {(t["kind"], t["language"]): t for t in listed}
    assert used[("enrollment", "ja")] == {
        "kind": "enrollment",
        "language": "ja",
        "name": "ja/enrollment.xml.j2",
        "path": str(mine / "ja" / "enrollment.xml.j2"),
        "overridden": True,
    }
    assert used[("relay", "ja")]["overridden"] is False
    assert used[("letterhead", "ja")]["path"] == str(REPO / "templates" / "ja" / "letterhead.xml.j2")
    assert used[("style", "ja")]["name"] == "ja/letter.css"
    assert {(t["kind"], t["language"]) for t in listed} >= {("letterhead", "en"), ("style", "en"), ("reply", "en")}
    render(sosa, "enrollment", "C-0001")
    text = (letters_dir / "L-0001-enrollment-C-0001.md").read_text(encoding="utf-8")
    assert "　標記について、東雲精機株式会社を登録しました。" in text
    assert "（公印省略）" in text and "（担当）装備政策課SoSA担当" in text  # from the shipped letterhead
    assert "企業名（和文）" not in text  # the shipped body is gone
    assert not any(line.strip("\u3000 ") == "記" for line in text.splitlines())
    shown = json.loads(sosa("letter", "show", "L-0001", "--json").stdout)
    assert shown["subject"] == "参加企業の登録について（通知）"  # the register keeps the subject the letter printed

    # Overriding the letterhead too: the officer's letterhead wraps the shipped one.
    (mine / "ja" / "letterhead.xml.j2").write_text(
        '{% extends "shipped:ja/letterhead.xml.j2" %}{% block sender %}\n<line align="right">防衛装備庁装備政策部長</line>\n{% endblock %}',
        encoding="utf-8",
    )
    printed = render(sosa, "enrollment", "C-0002", "--out", "-").stdout
    assert "防衛装備庁装備政策部長" in printed and "（公印省略）" not in printed
    assert "東雲" not in printed and "北斗電子工業株式会社を登録しました。" in printed


def test_templates_listing_when_piped(sosa, desk):
    lines = sosa("letter", "templates").stdout.splitlines()
    assert "enrollment\tja\tja/enrollment.xml.j2\tshipped\t" + str(REPO / "templates" / "ja" / "enrollment.xml.j2") in lines


# --- the register ------------------------------------------------------------------------


def test_list_filters_and_show(sosa, desk):
    render(sosa, "enrollment", "C-0001")
    render(sosa, "enrollment", "C-0002")
    sosa("letter", "cancel", "L-0001", "--reason", "誤送付", "--yes")
    issued = json.loads(sosa("letter", "list", "--status", "issued", "--json").stdout)
    assert [r["key"] for r in issued] == ["L-0002"]
    by_record = json.loads(sosa("letter", "list", "--record", "c-1", "--json").stdout)
    assert [r["key"] for r in by_record] == ["L-0001"]
    by_company = json.loads(sosa("letter", "list", "--company", "2010401082345", "--json").stdout)
    assert [r["key"] for r in by_company] == ["L-0002"]
    assert json.loads(sosa("letter", "list", "--kind", "enrollment", "--json").stdout)[0]["key"] == "L-0001"
    shown = json.loads(sosa("letter", "show", "l-2", "--json").stdout)
    assert {k: shown[k] for k in ("key", "kind", "language", "record", "company", "doc_number", "fiscal_year", "serial", "letter_date", "status")} == {
        "key": "L-0002",
        "kind": "enrollment",
        "language": "ja",
        "record": "C-0002",
        "company": "C-0002",
        "doc_number": "装備政策第2号",
        "fiscal_year": 2026,
        "serial": 2,
        "letter_date": "2026-11-26",
        "status": "issued",
    }
    assert shown["addressee"] == "北斗電子工業株式会社 品質保証部長 鈴木 健 殿"
    assert "context" not in shown
    piped = sosa("letter", "list").stdout.splitlines()
    assert piped[2].split("\t")[:3] == ["L-0002", "装備政策第2号", "2026-11-26"]
    bad = sosa("letter", "list", "--status", "sent", ok=False)
    assert bad.exit_code == 1 and "not a letter status" in bad.stderr


def test_show_an_unknown_letter(sosa, desk):
    result = sosa("letter", "show", "L-0042", ok=False)
    assert result.exit_code == 1 and "no letter L-0042" in result.stderr


@pytest.mark.parametrize("command", ["render", "list", "show", "cancel", "templates"])
def test_letter_commands_have_help_with_an_example(sosa, command):
    assert "Example: sosa letter" in sosa("letter", command, "--help").stdout


def test_kind_registry_describes_each_kind():
    kind = letters.get_kind("Enrollment")
    assert (kind.name, kind.language, kind.record, kind.once) == ("enrollment", "ja", "C", True)
    assert "contact_email" in kind.settings
    assert "contact_name_en" in letters.get_kind("reply").settings and "doc_prefix_en" in letters.get_kind("request").settings
    with pytest.raises(SosaError, match="kinds: enrollment"):
        letters.get_kind("memo")


def test_issue_from_the_domain_returns_the_letter(desk):
    conn = open_db(desk)
    result = issuing.render(conn, "enrollment", "9010401071234", fmt="html", out="-", on="2026-12-01")
    assert result.issued_now and not result.draft and result.path is None
    assert result.letter.key == "L-0001" and result.letter.doc_number == "装備政策第1号"
    assert "令和8年12月1日" in result.content
    again = issuing.render(conn, "enrollment", "C-0001", fmt="html", out="-")
    assert not again.issued_now and again.content == result.content
    draft = issuing.render(conn, "enrollment", "C-0002", draft=True, out="-")
    assert draft.draft and draft.letter is None


def test_the_letters_package_takes_records_and_the_profile_it_is_given(desk, tmp_path):
    """A profile handed to the letters package is the one used: it never reads the settings file."""
    from sosa_cli.letters.kinds import Target
    from sosa_cli.register import get_company

    conn = open_db(desk)
    company = get_company(conn, "C-0001")
    profile = config.Profile(tmp_path / "elsewhere.yaml", {**OFFICE, "contact_name": "別人 次郎", "doc_prefix": "別記号"})
    result = letters.issue(
        conn, "enrollment", Target(company.key, company.id, company.key), lambda: letters.kinds.enrollment(company), profile=profile, out="-"
    )
    assert "別記号第1号" in result.content and "別人 次郎" in result.content and "山田 太郎" not in result.content


# --- two officers issuing at once --------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sosa_cli.issuing import render
    from sosa_cli.store import open_db

    conn = open_db(sys.argv[1], command="test worker")
    first, last = int(sys.argv[2]), int(sys.argv[3])
    go = Path(sys.argv[4])
    while not go.exists():  # both start together, so their transactions interleave
        time.sleep(0.005)
    for n in range(first, last + 1):
        render(conn, "enrollment", f"C-{n:04d}", out="-")
        time.sleep(0.01)  # an officer's pause: lets the other process take its turn
    """
)


def test_two_processes_issuing_at_once_never_share_a_number(desk_env, office, db_path, tmp_path):
    from sosa_cli.enrollment import enroll, validate_company

    conn = open_db(db_path)
    records = []
    for n in range(1, 101):
        record, problems = validate_company(
            {
                "name_ja": f"試験工業{n}株式会社",
                "name_en": f"Test Industries {n}",
                "corporate_number": corporate_number(800000 + n),
                "coc_accepted_on": "2026-10-01",
            }
        )
        assert not problems
        records.append(record)
    enroll(conn, records)
    conn.close()
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, str(script), str(db_path), first, last, str(go)], cwd=REPO, stderr=subprocess.PIPE)
        for first, last in (("1", "50"), ("51", "100"))
    ]
    time.sleep(0.5)  # let both import and open the database
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()
    with sqlite3.connect(db_path) as check:
        rows = check.execute("SELECT serial, doc_number, record FROM letters ORDER BY serial").fetchall()
        audit_count = check.execute("SELECT COUNT(*) FROM audit WHERE action = 'issue'").fetchone()[0]
    assert [r[0] for r in rows] == list(range(1, 101))
    assert len({r[1] for r in rows}) == 100
    assert len({r[2] for r in rows}) == 100
    assert audit_count == 100
    # The two really took turns at the lock (not one after the other).
    second = [int(r[2][2:]) > 50 for r in rows]
    assert sum(a != b for a, b in itertools.pairwise(second)) > 1


@pytest.mark.parametrize(
    "rule", ["@import url(file:///etc/passwd);", "body { background: url('http://127.0.0.1:9/x.png'); }", "@font-face { src: url(/etc/fonts/x.ttf); }"]
)
def test_an_html_letter_loads_nothing_when_opened(sosa, desk, tmp_path, monkeypatch, db_path, rule):
    """A browser opening the letter must fetch nothing: the officer's letter.css is checked for HTML too."""
    mine = tmp_path / "mine" / "ja"
    mine.mkdir(parents=True)
    (mine / "letter.css").write_text((REPO / "templates" / "ja" / "letter.css").read_text(encoding="utf-8") + "\n" + rule, encoding="utf-8")
    monkeypatch.setenv("SOSA_TEMPLATES", str(mine.parent))
    before = counts(db_path)
    result = render(sosa, "enrollment", "C-0001", "--format", "html", ok=False)
    assert result.exit_code == 1 and "a letter may not include files or web pages" in result.stderr
    assert counts(db_path) == before
    data = "body { background: url(data:image/png;base64,iVBORw0KGgo=); }"
    (mine / "letter.css").write_text((REPO / "templates" / "ja" / "letter.css").read_text(encoding="utf-8") + "\n" + data, encoding="utf-8")
    assert render(sosa, "enrollment", "C-0001", "--format", "html").exit_code == 0
