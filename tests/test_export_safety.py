"""Exports are safe to open: no value is read as a formula by Excel (issue 11, §1), and an
export is one audit entry that each company's history still finds (§4)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3

import pytest

from sosa_cli.exporting import COLUMNS

NAME = '=HYPERLINK("http://x","y")'
CONTACT = "@SUM(1+1)"


@pytest.fixture
def hostile(sosa, db_path):
    """A company whose name and contact Excel would run as formulas, enrolled the usual way."""
    sosa(
        "enroll",
        "--name-ja",
        NAME,
        "--name-en",
        NAME,
        "--corporate-number",
        "8010401135790",
        "--coc-accepted-on",
        "2026-11-02",
        "--share-usg",
        "--share-primes",
        "--contact-name",
        CONTACT,
        "--contact-email",
        "desk@example.co.jp",
        "--address-en",
        "-1 Ariake, Koto-ku, Tokyo",
        "--products",
        "+5V power units",
    )
    return db_path


def test_csv_cells_that_excel_would_evaluate_are_neutralised(sosa, hostile, tmp_path):
    out = tmp_path / "usg.csv"
    sosa("company", "export", "--to", "usg", "--format", "csv", "--out", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["name_en"] == "'" + NAME and row["name_ja"] == "'" + NAME
    assert row["contact_name"] == "'" + CONTACT
    assert row["address_en"] == "'-1 Ariake, Koto-ku, Tokyo" and row["products"] == "'+5V power units"
    # Nothing else changes: keys, numbers, dates and e-mail addresses go as they are.
    assert row["key"] == "C-0001" and row["corporate_number"] == "8010401135790"
    assert row["coc_accepted_on"] == "2026-11-02" and row["contact_email"] == "desk@example.co.jp"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_same_export_to_stdout_is_neutralised(sosa, hostile):
    row = next(csv.DictReader(io.StringIO(sosa("company", "export", "--to", "primes").stdout.lstrip("\ufeff"))))
    assert row["contact_name"] == "'" + CONTACT and row["name_en"] == "'" + NAME


@pytest.mark.parametrize(
    "value, safe",
    [
        ("=1+2", "'=1+2"),
        ("+81-3-5555-0100", "'+81-3-5555-0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("Ariake Denso", "Ariake Denso"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (5, 5),
    ],
)
def test_neutralise_follows_owasp(value, safe):
    from sosa_cli.exporting import neutralise

    assert neutralise(value) == safe


def test_xlsx_text_is_never_a_formula_and_dates_stay_dates(sosa, hostile, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "usg.xlsx"
    sosa("company", "export", "--to", "usg", "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells), [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    header, data = list(sheet.iter_rows(values_only=True))
    assert list(header) == COLUMNS
    row = dict(zip(COLUMNS, data, strict=True))
    by_column = {COLUMNS[cell.column - 1]: cell for cell in sheet[2]}
    # In a workbook a string cell is shown as typed: no quote is added.
    assert row["name_en"] == NAME and by_column["name_en"].data_type == "s"
    assert row["contact_name"] == CONTACT and by_column["contact_name"].data_type == "s"
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    assert by_column["coc_accepted_on"].is_date and row["coc_accepted_on"] == dt.datetime(2026, 11, 2)
    assert sheet.freeze_panes == "A2"


def test_json_keeps_the_values_as_typed(sosa, hostile):
    rows = json.loads(sosa("company", "export", "--to", "usg", "--format", "json").stdout)
    assert rows[0]["name_en"] == NAME and rows[0]["contact_name"] == CONTACT


def test_an_export_is_one_audit_entry_with_the_keys_and_the_file_hash(sosa, enrolled, tmp_path):
    before = sqlite3.connect(enrolled).execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    out = tmp_path / "primes.csv"
    sosa("company", "export", "--to", "primes", "--out", str(out))
    conn = sqlite3.connect(enrolled)
    assert conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == before + 1
    record, after = conn.execute("SELECT record, after FROM audit WHERE action = 'export'").fetchone()
    assert record == "primes"
    assert json.loads(after) == {
        "to": "primes",
        "recipient": "US prime contractors",
        "format": "csv",
        "destination": str(out),
        "keys": ["C-0001", "C-0003", "C-0005", "C-0007", "C-0009"],
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
    }


def test_a_company_history_lists_each_export_that_included_it(sosa, enrolled, tmp_path):
    sosa("company", "export", "--to", "usg", "--out", str(tmp_path / "usg.csv"))
    sosa("company", "export", "--to", "primes", "--format", "json", "--out", str(tmp_path / "primes.json"))
    sosa("company", "update", "C-0007", "--ncage", "SZ107")

    def exports(key: str) -> list[str]:
        return [e["after"]["to"] for e in json.loads(sosa("log", key, "--json").stdout) if e["action"] == "export"]

    assert exports("C-0007") == ["usg", "primes"]  # share_usg and share_primes
    assert exports("C-0002") == ["usg"]
    assert exports("C-0009") == ["primes"]
    assert exports("C-0004") == []  # consented to neither
    history = json.loads(sosa("log", "C-0007", "--json").stdout)
    assert [e["id"] for e in history] == sorted(e["id"] for e in history)  # in the order written
    assert history[-1]["action"] == "update"
    card = json.loads(sosa("company", "show", "C-0007", "--json").stdout)
    assert [e["action"] for e in card["history"]].count("export") == 2
    # The whole trail still shows every entry once.
    latest = json.loads(sosa("log", "--json", "--limit", "3").stdout)
    assert [e["action"] for e in latest] == ["export", "export", "update"]
    assert "to=usg" in sosa("log", "C-0002").stdout


def test_the_reply_to_dod_is_one_export_found_in_each_named_company_history(sosa, configured):
    from tests.test_asks import ASK

    sosa("ask", "record", *ASK)
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--to", "C-0004")
    for company in ("C-0002", "C-0003", "C-0004"):
        sosa("ask", "respond", "A-0001", company, "--decision", "decline")
    sosa("ask", "reply", "A-0001", "--out", "-")
    exports = [e for e in json.loads(sosa("log", "--json").stdout) if e["action"] == "export"]
    # C-0004 did not consent to sharing with the US government: counted in the letter, not named.
    assert len(exports) == 1 and exports[0]["after"]["keys"] == ["C-0002", "C-0003"]
    letter = exports[0]["after"]["destination"]
    for key, named in (("C-0002", True), ("C-0003", True), ("C-0004", False)):
        history = json.loads(sosa("log", key, "--json").stdout)
        assert any(e["action"] == "export" and e["after"]["destination"] == letter for e in history) is named
