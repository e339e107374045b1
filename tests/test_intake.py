"""Enrollment and delays from Excel and CSV (issue 13 §2), through the CLI as an officer uses it."""

from __future__ import annotations

import json

import pytest

from sosa_cli.columns import COMPANY

HEADER = "name_ja,name_en,corporate_number,contact_name,contact_phone,fsc,coc_accepted_on,share_usg\r\n"
GOOD = "有明電装株式会社,Ariake Denso Co.,8010401135790,山田 一郎,03-5555-0301,5935; 5961,2026-11-02,yes\r\n"


@pytest.fixture(params=["here", "beside"], autouse=True)
def checked(request, monkeypatch) -> list[str]:
    """Every test twice: the rows checked in the command's own process, and in a child
    beside it (intake.BESIDE_FROM_BYTES, forked.py), as a file of 1 MiB or more is.
    Lists the intakes that handed their rows to a child."""
    from sosa_cli import forked, intake

    handed: list[str] = []
    if request.param == "beside":
        monkeypatch.setattr(intake, "BESIDE_FROM_BYTES", 0)
        monkeypatch.setattr(forked, "available", lambda: True)
        iterate = forked.iterate

        def counted(work):
            handed.append("child")
            return iterate(work)

        monkeypatch.setattr(forked, "iterate", counted)
    else:
        monkeypatch.setattr(intake, "BESIDE_FROM_BYTES", float("inf"))
    return handed


def test_a_file_is_checked_beside_the_command_only_when_it_should(sosa, db_path, tmp_path, checked, request):
    beside = request.node.callspec.params["checked"] == "beside"
    source = tmp_path / "two.csv"
    source.write_text(HEADER + GOOD + GOOD.replace("8010401135790", "1010001000006").replace("有明", "東雲"), encoding="utf-8")
    sosa("enroll", "--from", str(source))
    assert checked == (["child"] if beside else [])
    assert [c["corporate_number"] for c in _companies(sosa)] == ["8010401135790", "1010001000006"]
    # Nor is a dry run's (it writes nothing beside which to check), nor standard input,
    # which is read where it arrives.
    fourth = GOOD.replace("8010401135790", "3010001000004").replace("有明", "南海")
    (tmp_path / "dry.csv").write_text(HEADER + fourth, encoding="utf-8")
    sosa("enroll", "--from", str(tmp_path / "dry.csv"), "--dry-run")
    assert checked == (["child"] if beside else [])
    third = GOOD.replace("8010401135790", "2010001000005").replace("有明", "北斗")
    sosa("enroll", "--from", "-", "--format", "csv", input=(HEADER + third).encode())
    assert checked == (["child"] if beside else []) and len(_companies(sosa)) == 3


def _companies(sosa, db=None):
    args = ["--db", str(db)] if db else []
    return json.loads(sosa("company", "list", "--json", *args).stdout)


def _cells(path):
    from openpyxl import load_workbook

    return [[c for c in row] for row in load_workbook(path).active.values]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_internal_export_enrolls_into_a_fresh_database_unchanged(sosa, enrolled, tmp_path, fmt):
    first, again = tmp_path / f"register.{fmt}", tmp_path / f"again.{fmt}"
    sosa("company", "export", "--to", "internal", "--format", fmt, "--out", str(first))
    fresh = tmp_path / "fresh.db"
    result = sosa("enroll", "--db", str(fresh), "--from", str(first))
    assert result.stdout.split() == [f"C-{n:04d}" for n in range(1, 11)]
    sosa("company", "export", "--db", str(fresh), "--to", "internal", "--format", fmt, "--out", str(again))
    if fmt == "csv":
        assert again.read_bytes() == first.read_bytes()
    else:
        assert _cells(again) == _cells(first)
    # Every field of the export came back, the main contact's included.
    original = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    copy = json.loads(sosa("company", "show", "C-0001", "--json", "--db", str(fresh)).stdout)
    for field in (k for k in COMPANY if not k.startswith("contact_")):
        assert copy[field] == original[field], field
    assert copy["contacts"][0] == original["contacts"][0]


def test_values_the_csv_export_neutralised_come_back_as_they_were(sosa, enrolled, tmp_path):
    """The export writes '+81… and '=… so Excel shows them as typed; intake reads the value itself."""
    sosa("company", "update", "C-0001", "--products", "=1+1 (not a formula)", "--contact-phone", "+81-3-5555-0101")
    first, again, fresh = tmp_path / "r.csv", tmp_path / "again.csv", tmp_path / "fresh.db"
    sosa("company", "export", "--to", "internal", "--out", str(first))
    assert "'+81-3-5555-0101" in first.read_text(encoding="utf-8-sig")
    sosa("enroll", "--db", str(fresh), "--from", str(first))
    copy = json.loads(sosa("company", "show", "C-0001", "--json", "--db", str(fresh)).stdout)
    assert copy["products"] == "=1+1 (not a formula)" and copy["contacts"][0]["phone"] == "+81-3-5555-0101"
    sosa("company", "export", "--db", str(fresh), "--to", "internal", "--out", str(again))
    assert again.read_bytes() == first.read_bytes()


def test_shift_jis_with_nec_and_ibm_characters_is_read_without_being_told(sosa, db_path, tmp_path):
    source = tmp_path / "sjis.csv"
    row = "髙橋精工株式会社,Takahashi Seiko K.K.,8010401135790,髙橋 ①郎,03-5555-0301,5935、5961,令和8年11月2日,はい\r\n"
    source.write_bytes((HEADER + row).encode("cp932"))
    result = sosa("enroll", "--from", str(source))
    assert result.stdout.split() == ["C-0001"]
    company = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert company["name_ja"] == "髙橋精工株式会社" and company["contacts"][0]["name"] == "髙橋 ①郎"
    assert company["fsc"] == ["5935", "5961"] and company["coc_accepted_on"] == "2026-11-02" and company["share_usg"]


def test_a_utf8_csv_with_a_bom_and_japanese_headers(sosa, db_path, tmp_path):
    source = tmp_path / "bom.csv"
    headers = ",".join(COMPANY[k] for k in ("name_ja", "name_en", "corporate_number", "contact_name", "contact_phone", "fsc", "coc_accepted_on", "share_usg"))
    source.write_bytes(("\ufeff" + headers + "\r\n" + GOOD).encode("utf-8"))
    sosa("enroll", "--from", str(source))
    [company] = _companies(sosa)
    assert company["corporate_number"] == "8010401135790" and company["status"] == "enrolled"


def test_standard_input_needs_its_format_said(sosa, db_path):
    result = sosa("enroll", "--from", "-", "--format", "csv", input=(HEADER + GOOD).encode("cp932"))
    assert result.stdout.split() == ["C-0001"]


def test_a_file_in_neither_utf8_nor_shift_jis_is_refused_in_one_line(sosa, db_path, tmp_path):
    source = tmp_path / "latin.csv"
    # 0x81 begins a two-byte character in Shift_JIS, and a space cannot end one; nor is it UTF-8.
    source.write_bytes(HEADER.encode() + b"\x81 ,x,y\r\n")
    result = sosa("enroll", "--from", str(source), ok=False)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.stderr
    assert "neither UTF-8 nor Shift_JIS (CP932)" in lines[0] and "CSV UTF-8" in lines[0]


def test_a_bad_row_among_good_ones_enrolls_nothing_and_lists_every_problem(sosa, db_path, tmp_path):
    source = tmp_path / "mixed.csv"
    bad = "東雲精機株式会社,Shinonome,1234567890123,佐藤,03-5555-0101,12,2030-01-01,maybe\r\n"
    other = "北斗電子工業株式会社,Hokuto,1.18E+12,鈴木,042-555-0201,5962,2023-06-15,no\r\n"
    source.write_text(HEADER + GOOD + bad + other + GOOD, encoding="utf-8")
    result = sosa("enroll", "--from", str(source), ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("sosa: mixed.csv:3:C: corporate_number: ") or lines[0].startswith(f"sosa: {source}:3:C: corporate_number: ")
    text = result.stderr
    for where in ("3:C: corporate_number", "3:F: fsc", "3:G: coc_accepted_on", "3:H: share_usg", "4:C: corporate_number", "5:C: corporate_number"):
        assert f"{source}:{where}: " in text, (where, text)
    assert "1.18E+12 is a number Excel shortened" in text and "is also in row 2" in text
    assert lines[-1] == f"{source}: 6 problems in 3 rows of 4 rows; nothing was enrolled"
    assert _companies(sosa) == []


def test_dry_run_checks_every_row_and_writes_nothing(sosa, db_path, tmp_path):
    source = tmp_path / "one.csv"
    source.write_text(HEADER + GOOD, encoding="utf-8")
    result = sosa("enroll", "--from", str(source), "--dry-run")
    assert "1 company would be enrolled; nothing was written" in result.stderr
    assert _companies(sosa) == []
    assert json.loads(sosa("log", "--json").stdout) == []


def test_unknown_and_missing_columns_are_named_in_the_header_row(sosa, db_path, tmp_path):
    source = tmp_path / "cols.csv"
    source.write_text("name_ja,会社名英語,法人番号\r\nA,B,8010401135790\r\n", encoding="utf-8")
    result = sosa("enroll", "--from", str(source), ok=False)
    assert f"{source}:1:B: 会社名英語: unknown column" in result.stderr
    assert f"{source}:1: 企業名（英語）: no column name_en or 企業名（英語）" in result.stderr
    assert result.stderr.strip().endswith(f"{source}: 2 problems in the header row; nothing was enrolled")


def test_a_header_alone_and_a_value_without_a_header_are_refused(sosa, db_path, tmp_path):
    source = tmp_path / "empty.csv"
    source.write_text(HEADER + ",,,,,,,\r\n", encoding="utf-8")
    result = sosa("enroll", "--from", str(source), ok=False)
    assert result.exit_code == 1 and "no companies below the header row" in result.stderr
    source.write_text(HEADER + GOOD.rstrip() + ",stray\r\n", encoding="utf-8")
    result = sosa("enroll", "--from", str(source), ok=False)
    assert f"{source}:2:I: (no header): a value in a column without a header" in result.stderr
    assert _companies(sosa) == []


def _workbook(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def test_xlsx_with_a_corporate_number_typed_as_a_number_is_recovered_exactly(sosa, db_path, tmp_path):
    """Excel shows 8010401135790 typed as a number as 8.01E+12, but the cell holds the double
    8010401135790.0: exact (below 2**53), so it is read back digit for digit, check digit checked."""
    from datetime import datetime

    source = tmp_path / "numbers.xlsx"
    header = ["name_ja", "name_en", "corporate_number", "coc_accepted_on"]
    _workbook(source, [header, ["有明電装株式会社", "Ariake Denso", 8010401135790.0, datetime(2026, 11, 2)]])
    sosa("enroll", "--from", str(source))
    [company] = _companies(sosa)
    assert company["corporate_number"] == "8010401135790"
    assert json.loads(sosa("company", "show", "C-0001", "--json").stdout)["coc_accepted_on"] == "2026-11-02"


def test_xlsx_phone_typed_as_a_number_is_refused_it_lost_its_zero(sosa, db_path, tmp_path):
    source = tmp_path / "phone.xlsx"
    _workbook(source, [["name_ja", "name_en", "corporate_number", "contact_name", "contact_phone"], ["有明電装", "Ariake", "8010401135790", "山田", 355550301]])
    result = sosa("enroll", "--from", str(source), ok=False)
    assert f"{source}:2:E: contact_phone: was typed as a number" in result.stderr and "leading 0" in result.stderr
    assert _companies(sosa) == []


def test_an_old_excel_file_is_refused_with_what_to_do(sosa, db_path, tmp_path):
    source = tmp_path / "old.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0")
    result = sosa("enroll", "--from", str(source), ok=False)
    assert result.exit_code == 1 and "reads .xlsx workbooks, not .xls" in result.stderr


def test_a_company_already_registered_is_refused_by_row_and_column(sosa, db_path, tmp_path):
    source = tmp_path / "one.csv"
    source.write_text(HEADER + GOOD, encoding="utf-8")
    sosa("enroll", "--from", str(source))
    result = sosa("enroll", "--from", str(source), ok=False)
    assert f"{source}:2:C: corporate_number: 法人番号 8010401135790 is already registered as C-0001" in result.stderr
    assert len(_companies(sosa)) == 1


def test_a_withdrawn_company_in_a_csv_comes_back_only_with_yes(sosa, db_path, tmp_path):
    source = tmp_path / "one.csv"
    source.write_text(HEADER + GOOD, encoding="utf-8")
    sosa("enroll", "--from", str(source))
    sosa("company", "withdraw", "C-0001", "--reason", "company request", "--yes")
    back = tmp_path / "back.csv"
    back.write_text(HEADER + GOOD.replace("2026-11-02", "2026-11-20"), encoding="utf-8")
    result = sosa("enroll", "--from", str(back), ok=False)
    assert result.exit_code == 1 and "add --yes" in result.stderr
    assert _companies(sosa)[0]["status"] == "withdrawn"
    result = sosa("enroll", "--from", str(back), "--yes")
    assert result.stdout.split() == ["C-0001"] and "Re-enrolled C-0001" in result.stderr
    assert _companies(sosa)[0]["status"] == "enrolled"
    sosa("audit", "verify")


# --- delays ----------------------------------------------------------------------------

DELAY_HEADER = "参加企業,法人番号,米国の供給企業,CAGEコード,部品番号,数量,必要時期,供給企業の回答納期,役務,品名・役務内容\r\n"


def test_delays_from_a_shift_jis_csv_with_japanese_headers(sosa, enrolled, tmp_path):
    source = tmp_path / "delays.csv"
    rows = [
        "C-0001,,Acme Hydraulics,1ABC2,123-456,4,2027-01-15,2027-04-30,,\r\n",
        ",2010401082345,Acme Turbine,,,,令和9年1月15日,2027-03-01,はい,F110 エンジン修理 ①\r\n",
    ]
    source.write_bytes((DELAY_HEADER + "".join(rows)).encode("cp932"))
    before = len(json.loads(sosa("log", "--json", "--limit", "1000").stdout))
    result = sosa("delay", "add", "--from", str(source), "--dry-run")
    assert "Dry run: 2 delays would be recorded; nothing was written." in result.stderr
    assert len(json.loads(sosa("log", "--json", "--limit", "1000").stdout)) == before
    result = sosa("delay", "add", "--from", str(source))
    assert result.stdout.split() == ["D-0001", "D-0002"]
    second = json.loads(sosa("delay", "show", "D-0002", "--json").stdout)
    assert second["company_key"] == "C-0002" and second["kind"] == "service" and second["quantity"] == 1
    assert second["description"] == "F110 エンジン修理 ①" and second["need_date"] == "2027-01-15"


def test_delays_from_xlsx_all_or_nothing(sosa, enrolled, tmp_path):
    source = tmp_path / "delays.xlsx"
    header = ["company", "supplier", "part_number", "quantity", "need_date", "promised_date"]
    _workbook(
        source,
        [
            header,
            ["C-0001", "Acme", "123-456", 4, "2027-01-15", "2027-04-30"],
            ["C-0008", "Acme", "123-457", 1, "2027-01-15", "2027-04-30"],
            ["C-0099", "Acme", None, "x", "2027-05-15", "2027-04-30"],
            [None, "Acme", "1", 1, "2027-01-15", "2027-04-30"],
        ],
    )
    result = sosa("delay", "add", "--from", str(source), ok=False)
    text = result.stderr
    assert f"{source}:3:A: company: C-0008 " in text and "only enrolled companies" in text
    assert f"{source}:4:A: company: no company C-0099" in text
    assert f"{source}:4:C: part_number: is required" in text and f"{source}:4:D: quantity: " in text
    assert f"{source}:4:F: promised_date: " in text and f"{source}:5:A: company: is required" in text
    assert text.strip().splitlines()[-1] == f"{source}: 6 problems in 3 rows of 4 rows; nothing was recorded"
    assert json.loads(sosa("delay", "list", "--json").stdout) == []
    result = sosa("delay", "add", "--from", str(source), "--dry-run", ok=False)
    assert result.exit_code == 1


def test_delay_add_from_refuses_other_options_and_yaml(sosa, enrolled, tmp_path):
    source = tmp_path / "delays.yaml"
    source.write_text("company: C-0001\n", encoding="utf-8")
    result = sosa("delay", "add", "--from", str(source), ok=False)
    assert "delays are read from CSV or Excel" in result.stderr
    result = sosa("delay", "add", "--from", str(tmp_path / "d.csv"), "--supplier", "Acme", ok=False)
    assert "--from reads every field from the file" in result.stderr


def test_past_200_problems_the_rest_are_counted(sosa, db_path, tmp_path):
    source = tmp_path / "many.csv"
    source.write_text(HEADER + "".join(f"社{i},Co {i},123,,,,,\r\n" for i in range(205)), encoding="utf-8")
    result = sosa("enroll", "--from", str(source), ok=False)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 202 and lines[-2] == "… and 5 more problems", lines[-3:]
    assert lines[-1] == f"{source}: 205 problems in 205 rows of 205 rows; nothing was enrolled"
