"""Exports for people (issue 13 §3): the desk's internal export, Excel that reads right, Shift_JIS CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from sosa_cli.columns import COMPANY


def _log(sosa, *args):
    return json.loads(sosa("log", *args, "--json", "--limit", "1000").stdout)


def test_internal_export_is_the_whole_register_in_japanese_and_not_a_sharing_event(sosa, enrolled, tmp_path):
    sosa("company", "suspend", "C-0005", "--reason", "review")
    sosa("company", "withdraw", "C-0009", "--reason", "company request of 2026-11-20")
    out = tmp_path / "register.csv"
    result = sosa("company", "export", "--to", "internal", "--out", str(out))
    assert "recorded as an internal export, not shared" in result.stderr
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # Every status, the applied C-0008 and the suspended and withdrawn ones too.
    assert [r["キー"] for r in rows] == [f"C-{n:04d}" for n in range(1, 11)]
    assert {r["状態"] for r in rows} == {"参加中", "申請中", "参加停止中", "参加取りやめ"}
    first = rows[0]
    assert first["企業名"] == "東雲精機株式会社" and first["法人番号"] == "9010401071234"
    assert first["FSC（補給分類）"] == "1650; 4810" and first["米国政府への提供の同意"] == "はい"
    assert first["行動規範の受諾日"] == "2023-04-03" and first["担当者名"] == "佐藤 花子"
    # The audit trail: one internal-export entry, never an `export` to a recipient.
    entry = _log(sosa)[-1]
    assert entry["action"] == "internal-export" and entry["record"] == "internal"
    assert entry["after"]["shared"] is False and len(entry["after"]["keys"]) == 10 and len(entry["after"]["sha256"]) == 64
    history = _log(sosa, "C-0003")
    assert history[-1]["action"] == "internal-export"
    assert not any(e["action"] == "export" for e in history)


def test_internal_xlsx_has_dates_text_numbers_widths_a_frozen_header_and_a_filter(sosa, enrolled, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "register.xlsx"
    sosa("company", "export", "--to", "internal", "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out).active
    headers = [c.value for c in sheet[1]]
    assert headers == list(COMPANY.values())
    col = {h: i for i, h in enumerate(headers)}
    row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    number = row[col["法人番号"]]
    assert number.value == "9010401071234" and number.data_type == "s" and number.number_format == "@"
    phone = row[col["担当者の電話番号"]]
    assert phone.value == "03-5555-0101" and phone.data_type == "s"
    accepted = row[col["行動規範の受諾日"]]
    assert isinstance(accepted.value, datetime) and accepted.value.date().isoformat() == "2023-04-03"
    assert accepted.number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headers)).column_letter}11"
    # A Japanese name counts double: the name column is wider than the key column and fits its widest name.
    from openpyxl.utils import get_column_letter

    width = {h: sheet.column_dimensions[get_column_letter(i + 1)].width for i, h in enumerate(headers)}
    widest_name = max(len(sheet.cell(r, col["企業名"] + 1).value) for r in range(2, 12))
    assert width["企業名"] >= 2 * widest_name and width["キー"] < width["企業名"]


def test_csv_in_shift_jis_for_older_tools(sosa, enrolled, tmp_path):
    sosa("company", "update", "C-0002", "--name-ja", "髙橋電子工業株式会社", "--products", "① レーダー部品")
    out = tmp_path / "register-sjis.csv"
    sosa("company", "export", "--to", "internal", "--encoding", "cp932", "--out", str(out))
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("cp932")
    assert "髙橋電子工業株式会社" in text and "① レーダー部品" in text and text.startswith("キー,状態,企業名")
    entry = _log(sosa)[-1]
    assert entry["action"] == "internal-export" and entry["after"]["encoding"] == "cp932"


def test_a_character_shift_jis_cannot_hold_is_one_error_naming_the_company_and_field(sosa, enrolled, tmp_path):
    sosa("company", "update", "C-0004", "--address-ja", "東京都𠮷野町1-2")
    before = len(_log(sosa))
    out = tmp_path / "register-sjis.csv"
    result = sosa("company", "export", "--to", "internal", "--encoding", "cp932", "--out", str(out), ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "C-0004" in lines[0] and "所在地" in lines[0] and "𠮷" in lines[0], result.stderr
    assert not out.exists() and len(_log(sosa)) == before


def test_encoding_is_for_csv_only(sosa, enrolled, tmp_path):
    result = sosa("company", "export", "--to", "internal", "--format", "json", "--encoding", "cp932", ok=False)
    assert result.exit_code == 1 and "--encoding is for CSV" in result.stderr
    result = sosa("company", "export", "--to", "internal", "--encoding", "latin-1", ok=False)
    assert result.exit_code == 1 and "not an export encoding" in result.stderr


def test_formulas_stay_text_in_every_internal_path(sosa, enrolled, tmp_path):
    from openpyxl import load_workbook

    sosa("company", "update", "C-0001", "--products", '=HYPERLINK("http://x")')
    for encoding in ("utf-8", "cp932"):
        out = tmp_path / f"r-{encoding}.csv"
        sosa("company", "export", "--to", "internal", "--encoding", encoding, "--out", str(out))
        rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else "cp932"))))
        assert rows[0]["製品・技術"] == '\'=HYPERLINK("http://x")'
    out = tmp_path / "r.xlsx"
    sosa("company", "export", "--to", "internal", "--format", "xlsx", "--out", str(out))
    cell = load_workbook(out).active.cell(2, list(COMPANY).index("products") + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_usg_xlsx_keeps_its_columns_and_gains_the_filter_and_text_numbers(sosa, enrolled, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "usg.xlsx"
    sosa("company", "export", "--to", "usg", "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out).active
    assert sheet.cell(1, 1).value == "key" and sheet.auto_filter.ref is not None
    assert sheet.cell(2, 4).value == "9010401071234" and sheet.cell(2, 4).data_type == "s"
    assert _log(sosa)[-1]["action"] == "export"
