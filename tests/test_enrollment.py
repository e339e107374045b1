"""`sosa enroll`: from options and from YAML, validated, all or nothing."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import SAMPLE_COMPANIES

GOOD = ["--name-ja", "株式会社テスト精工", "--name-en", "Test Seiko K.K.", "--corporate-number", "7000012050002"]


def count(db_path, table="companies") -> int:
    return sqlite3.connect(db_path).execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def dump(db_path) -> str:
    return "\n".join(sqlite3.connect(db_path).iterdump())


def test_enroll_from_options_prints_the_key_and_stores_the_row(sosa, db_path):
    result = sosa(
        "enroll",
        *GOOD,
        *["--ncage", "sz999", "--coc-accepted-on", "令和8年11月1日", "--coc-version", "1.0"],
        *["--share-usg", "--fsc", "5962", "--fsc", "5998"],
        *["--contact-name", "佐藤 花子", "--contact-email", "Sato@Example.CO.JP", "--contact-phone", "03-5555-0101"],
    )
    assert result.stdout.strip() == "C-0001"
    company = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert company["status"] == "enrolled"
    assert company["ncage"] == "SZ999"
    assert company["coc_accepted_on"] == "2026-11-01"
    assert company["share_usg"] is True and company["share_primes"] is False
    assert company["fsc"] == ["5962", "5998"]
    assert company["contacts"][0]["email"] == "Sato@example.co.jp"


def test_without_code_of_conduct_date_the_company_has_applied(sosa):
    sosa("enroll", *GOOD)
    company = json.loads(sosa("company", "show", "7000012050002", "--json").stdout)
    assert company["status"] == "applied"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--corporate-number", "7000012050003"], "check digit"),
        (["--corporate-number", "700001205000"], "13 digits"),
        (["--coc-accepted-on", "ASAP"], "coc_accepted_on"),
        (["--coc-accepted-on", "令和8年2月30日"], "coc_accepted_on"),
        (["--coc-accepted-on", "平成31年5月1日"], "coc_accepted_on"),
        (["--ncage", "SZ99"], "ncage"),
        (["--fsc", "59X2"], "fsc"),
        (["--contact-name", "佐藤", "--contact-email", "not-an-address"], "contacts.1.email"),
        (["--contact-email", "a@example.jp"], "--contact-name"),
        (["--name-ja", "bad\x07name"], "control characters"),
    ],
)
def test_bad_values_are_refused_in_one_line_and_nothing_is_written(sosa, db_path, args, message):
    base = dict(zip(GOOD[::2], GOOD[1::2], strict=True))
    for option, value in zip(args[::2], args[1::2], strict=True):
        base[option] = value
    flat = [x for pair in base.items() for x in pair]
    result = sosa("enroll", *flat, ok=False)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not db_path.exists() or count(db_path) == 0


def test_missing_required_option_names_it_when_not_on_a_terminal(sosa):
    result = sosa("enroll", "--name-ja", "株式会社テスト", ok=False)
    assert result.exit_code == 1
    assert "missing --name-en" in result.stderr


def test_a_registered_corporate_number_is_refused_naming_the_key(sosa, enrolled):
    result = sosa("enroll", "--name-ja", "別会社", "--name-en", "Other", "--corporate-number", "9010401071234", ok=False)
    assert result.exit_code == 1
    assert "already registered as C-0001" in result.stderr


def test_enroll_from_yaml_enrolls_every_company(sosa, db_path):
    result = sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    assert result.stdout.split() == [f"C-{n:04d}" for n in range(1, 11)]
    assert count(db_path) == 10 and count(db_path, "contacts") == 12
    statuses = json.loads(sosa("company", "list", "--json").stdout)
    assert [c["status"] for c in statuses].count("applied") == 1


def test_enroll_from_stdin(sosa, db_path):
    result = sosa("enroll", "--from", "-", input=SAMPLE_COMPANIES.read_bytes())
    assert len(result.stdout.split()) == 10


def test_dry_run_validates_and_writes_nothing(sosa, db_path):
    sosa("init")
    before = dump(db_path)
    result = sosa("enroll", "--from", str(SAMPLE_COMPANIES), "--dry-run")
    # C-0008 gives no Code of Conduct date: it has applied, it is not enrolled (issue 12 §5).
    assert "Dry run: 9 companies would be enrolled; 1 company would be recorded as applied; nothing was written." in result.stderr
    assert "Shinonome Seiki" in result.stdout
    assert dump(db_path) == before


def test_every_problem_in_a_file_is_reported_with_its_line_and_nothing_is_written(sosa, db_path, sample_copy):
    text = sample_copy.read_text(encoding="utf-8")
    text = text.replace('corporate_number: "2010401082345"', 'corporate_number: "2010401082346"', 1)
    text = text.replace("email: suzuki@hokuto-denshi.example.co.jp", "email: suzuki-at-hokuto", 1)
    text = text.replace("coc_accepted_on: R5.9.1", "coc_accepted_on: ASAP", 1)
    sample_copy.write_text(text, encoding="utf-8")
    sosa("init")
    before = dump(db_path)
    result = sosa("enroll", "--from", str(sample_copy), ok=False)
    assert result.exit_code == 1
    lines = text.splitlines()

    def line_of(fragment):
        return next(i for i, line in enumerate(lines, start=1) if fragment in line)

    assert f"{sample_copy}:{line_of('2010401082346')}: corporate_number: " in result.stderr
    assert f"{sample_copy}:{line_of('suzuki-at-hokuto')}: contacts.1.email: " in result.stderr
    assert f"{sample_copy}:{line_of('coc_accepted_on: ASAP')}: coc_accepted_on: " in result.stderr
    assert "3 problems" in result.stderr
    assert dump(db_path) == before


def test_unknown_field_and_duplicate_key_are_refused(sosa, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name_ja: 甲\nname_en: A\ncorporate_number: '7000012050002'\nnmae_en: typo\n", encoding="utf-8")
    result = sosa("enroll", "--from", str(bad), ok=False)
    assert f"{bad}:4: nmae_en: unknown field" in result.stderr
    bad.write_text("name_ja: 甲\nname_ja: 乙\n", encoding="utf-8")
    result = sosa("enroll", "--from", str(bad), ok=False)
    assert f"{bad}:2: name_ja: duplicate key" in result.stderr


def test_the_same_company_twice_in_one_file_is_refused(sosa, tmp_path, db_path):
    twice = tmp_path / "twice.yaml"
    record = "- name_ja: 甲\n  name_en: A\n  corporate_number: '7000012050002'\n"
    twice.write_text(record + record, encoding="utf-8")
    result = sosa("enroll", "--from", str(twice), ok=False)
    assert "appears twice in this input (first at line 1)" in result.stderr
    assert count(db_path) == 0


def test_a_missing_file_is_one_line(sosa, tmp_path):
    result = sosa("enroll", "--from", str(tmp_path / "nope.yaml"), ok=False)
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_enroll_with_letter_issues_each_enrolled_companys_notice(sosa, db_path, desk_env):
    from sosa_cli import config

    for key, value in {"contact_name": "山田 太郎", "contact_phone": "03-3268-3111", "contact_email": "sosa@example.go.jp"}.items():
        config.set_value(key, value)
    before_missing = sosa("enroll", "--from", str(SAMPLE_COMPANIES), "--letter", ok=False)
    assert "doc_prefix" in before_missing.stderr
    assert count(db_path) == 0, "a notice that cannot be issued leaves nobody enrolled"
    config.set_value("doc_prefix", "装備政策")
    result = sosa("enroll", "--from", str(SAMPLE_COMPANIES), "--letter", "--letter-format", "html")
    assert len(result.stdout.split()) == 10
    letters = json.loads(sosa("letter", "list", "--json").stdout)
    # C-0008 has not accepted the Code of Conduct: an applicant gets no notice.
    assert [entry["record"] for entry in letters] == [f"C-{n:04d}" for n in range(1, 11) if n != 8]
    assert letters[0]["doc_number"] == "装備政策第1号" and letters[-1]["doc_number"] == "装備政策第9号"
    assert "Issued L-0001 装備政策第1号 to 東雲精機株式会社" in result.stderr
    html = (desk_env / "desk-letters").glob("L-0001-*.html")
    assert "登録について（通知）" in next(html).read_text(encoding="utf-8")


def test_a_fields_hint_reaches_the_officer(sosa, db_path):
    """A rule's hint (what to do) is kept when the field is checked with the others."""
    result = sosa("enroll", "--name-ja", "テスト株式会社", "--name-en", "Test K.K.", "--corporate-number", "T7000012050002", ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        'sosa: corporate_number: 法人番号 "T7000012050002": only digits are allowed, not "T"'
        " (an invoice registration number (登録番号) is T + 法人番号: drop the T)"
    )
