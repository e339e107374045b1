"""Exports to the US government and to US primes respect consent and are audited."""

from __future__ import annotations

import csv
import io
import json

import pytest


def test_usg_export_holds_only_enrolled_consenting_companies(sosa, enrolled):
    sosa("company", "suspend", "C-0005", "--reason", "review")
    result = sosa("company", "export", "--to", "usg", "--format", "json")
    rows = json.loads(result.stdout)
    # share_usg: C-0001,2,3,5,6,7,10; C-0005 is suspended; C-0008 only applied.
    assert [r["key"] for r in rows] == ["C-0001", "C-0002", "C-0003", "C-0006", "C-0007", "C-0010"]
    assert rows[0]["contact_name"] == "佐藤 花子" and rows[0]["fsc"] == "1650 4810"
    assert "Exported 6 companies for usg" in result.stderr


def test_primes_export_as_csv_opens_in_excel_and_is_audited(sosa, enrolled, tmp_path):
    out = tmp_path / "primes.csv"
    sosa("company", "export", "--to", "primes", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["key"] for r in rows] == ["C-0001", "C-0003", "C-0005", "C-0007", "C-0009"]
    history = json.loads(sosa("log", "C-0003", "--json").stdout)
    assert history[-1]["action"] == "export"
    assert history[-1]["after"]["to"] == "primes" and history[-1]["after"]["destination"] == str(out)
    assert json.loads(sosa("log", "C-0002", "--json").stdout)[-1]["action"] == "enroll"


def test_xlsx_export(sosa, enrolled, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "usg.xlsx"
    sosa("company", "export", "--to", "usg", "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out).active
    values = list(sheet.values)
    assert values[0][0] == "key" and len(values) == 8
    assert values[1][1] == "Shinonome Seiki Co., Ltd."


@pytest.mark.parametrize(
    "args, message",
    [
        (["--to", "china"], "not a recipient"),
        (["--to", "usg", "--format", "pdf"], "not an export format"),
        (["--to", "usg", "--format", "xlsx"], "needs a file"),
    ],
)
def test_bad_export_requests_are_refused_and_not_audited(sosa, enrolled, args, message):
    before = len(json.loads(sosa("log", "--json", "--limit", "1000").stdout))
    result = sosa("company", "export", *args, ok=False)
    assert result.exit_code == 1 and message in result.stderr
    assert len(json.loads(sosa("log", "--json", "--limit", "1000").stdout)) == before
