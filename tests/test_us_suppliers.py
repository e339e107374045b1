"""Issue 12 §3: a US supplier's CAGE code, a supplier outside the US, and DoD references.

Through the CLI, as the officer types it: each refusal is one line naming what is wrong,
and changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sosa_cli.identifiers import COUNTRIES, cage, country, supplier_code

DELAY = [
    "delay",
    "add",
    "--company",
    "C-0001",
    "--supplier",
    "Acme Hydraulics Inc.",
    "--part-number",
    "HV-2210-7",
    "--quantity",
    "4",
    "--need-date",
    "2027-01-15",
    "--promised-date",
    "2027-04-30",
]


def dump(db: Path) -> str:
    return "\n".join(sqlite3.connect(db).iterdump())


def delay_json(sosa, key: str = "D-0001") -> dict:
    return json.loads(sosa("delay", "show", key, "--json").stdout)


# --- the identifiers ------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [("1ABC2", "1ABC2"), ("81755", "81755"), (" 0a1b2 ", "0A1B2"), ("１ＡＢＣ２", "1ABC2")])
def test_a_us_cage_code_has_the_us_form(typed, stored):
    assert cage(typed) == stored
    assert supplier_code(typed, None) == stored == supplier_code(typed, "US")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABCDE", "a digit, three letters or digits, and a digit"),
        ("1ABCD", "does not have the form of a US CAGE code"),
        ("K1234", "give --supplier-country and its NCAGE code"),
        ("1IBC2", "has no letter I"),
        ("1ABO2", "has no letter O"),
        ("1ABC", "must be 5 characters"),
    ],
)
def test_a_code_not_of_the_us_form_is_no_us_cage_code(typed, message):
    with pytest.raises(Exception, match=message):
        cage(typed)


@pytest.mark.parametrize(("code", "where"), [("K1234", "GB"), ("SZ101", "JP"), ("D1234", "DE"), ("ABCDE", "AU")])
def test_a_supplier_outside_the_us_has_an_ncage_code(code, where):
    assert supplier_code(code, where) == code


def test_an_ncage_code_is_never_of_the_us_form():
    with pytest.raises(Exception, match="has the form of a US CAGE code, which only the US issues: a supplier in GB"):
        supplier_code("1ABC2", "GB")


@pytest.mark.parametrize(("typed", "stored"), [("gb", "GB"), (" JP ", "JP"), ("ｄｅ", "DE"), ("us", "US")])
def test_a_country_is_an_iso_3166_code(typed, stored):
    assert country(typed) == stored


@pytest.mark.parametrize(("typed", "message"), [("UK", "the ISO 3166 code is GB"), ("XX", "not an ISO 3166 two-letter code"), ("GBR", "not an ISO")])
def test_a_country_that_is_no_iso_3166_code_is_refused(typed, message):
    with pytest.raises(Exception, match=message):
        country(typed)


def test_the_country_list_is_iso_3166s_assigned_codes():
    assert len(COUNTRIES) == 249
    assert {"US", "JP", "GB", "AX", "SS", "BQ"} <= COUNTRIES and not {"UK", "EU", "XK", "AN"} & COUNTRIES


# --- through the CLI -------------------------------------------------------------------


def test_abcde_is_refused_naming_the_us_form(sosa, enrolled):
    before = dump(enrolled)
    result = sosa(*DELAY, "--supplier-cage", "ABCDE", ok=False)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.output
    assert 'CAGE "ABCDE" does not have the form of a US CAGE code: a digit, three letters or digits, and a digit, as 1ABC2 or 81755' in line
    assert dump(enrolled) == before


@pytest.mark.parametrize("code", ["1ABC2", "81755"])
def test_a_us_supplier_is_recorded_with_its_cage_code(sosa, enrolled, code):
    sosa(*DELAY, "--supplier-cage", code.lower())
    data = delay_json(sosa)
    assert data["supplier_cage"] == code
    assert f"US supplier\tAcme Hydraulics Inc. (CAGE {code})" in sosa("delay", "show", "D-0001").stdout


def test_a_cage_code_with_the_letter_o_is_refused(sosa, enrolled):
    result = sosa(*DELAY, "--supplier-cage", "1O5C2", ok=False)
    assert result.exit_code == 1
    assert 'CAGE "1O5C2": a US CAGE code has no letter O' in result.stderr


def test_a_supplier_outside_the_us_is_recorded_with_its_country_and_ncage(sosa, enrolled):
    sosa(*DELAY, "--supplier-country", "gb", "--supplier-cage", "k1234")
    data = delay_json(sosa)
    assert (data["supplier_country"], data["supplier_cage"]) == ("GB", "K1234")
    assert "Supplier\tAcme Hydraulics Inc. (NCAGE K1234, GB)" in sosa("delay", "show", "D-0001").stdout
    # Moving it to the US needs a US CAGE code: the stored NCAGE code is checked against the new country.
    result = sosa("delay", "update", "D-0001", "--supplier-country", "US", ok=False)
    assert 'CAGE "K1234" does not have the form of a US CAGE code' in result.stderr
    sosa("delay", "update", "D-0001", "--supplier-country", "US", "--supplier-cage", "81755")
    assert (delay_json(sosa)["supplier_country"], delay_json(sosa)["supplier_cage"]) == ("US", "81755")


def test_a_supplier_outside_the_us_with_a_us_form_code_is_refused(sosa, enrolled):
    before = dump(enrolled)
    result = sosa(*DELAY, "--supplier-country", "DE", "--supplier-cage", "1ABC2", ok=False)
    assert result.exit_code == 1
    assert 'NCAGE "1ABC2" has the form of a US CAGE code, which only the US issues: a supplier in DE' in result.stderr
    assert dump(enrolled) == before


def test_the_code_given_alone_is_checked_against_the_stored_country(sosa, enrolled):
    sosa(*DELAY, "--supplier-country", "JP", "--supplier-cage", "SZ101")
    result = sosa("delay", "update", "D-0001", "--supplier-cage", "1ABC2", ok=False)
    assert "a supplier in JP has an NCAGE code of its own country" in result.stderr
    sosa("delay", "update", "D-0001", "--supplier-cage", "SZ102")
    assert delay_json(sosa)["supplier_cage"] == "SZ102"


def test_a_us_cage_code_given_alone_is_checked_on_update(sosa, enrolled):
    sosa(*DELAY, "--supplier-cage", "1ABC2")
    before = dump(enrolled)
    result = sosa("delay", "update", "D-0001", "--supplier-cage", "ABCDE", ok=False)
    assert result.exit_code == 1 and "a digit, three letters or digits, and a digit" in result.stderr
    assert dump(enrolled) == before


@pytest.mark.parametrize(("typed", "message"), [("UK", 'supplier_country: country "UK": the ISO 3166 code is GB'), ("Japan", "not an ISO 3166")])
def test_a_country_is_refused_unless_iso_3166(sosa, enrolled, typed, message):
    result = sosa(*DELAY, "--supplier-country", typed, "--supplier-cage", "K1234", ok=False)
    assert result.exit_code == 1 and message in result.stderr


# --- DoD references ---------------------------------------------------------------------

ASK = [
    "ask",
    "record",
    "--dod-ref",
    "IBP-2026-0311",
    "--received-on",
    "2026-11-25",
    "--part-number",
    "MC-4410",
    "--nsn",
    "5962-01-456-7890",
    "--quantity",
    "12",
    "--current-date",
    "2027-06-30",
    "--requested-date",
    "2027-03-31",
    "--reply-by",
    "2026-12-25",
]


def test_an_ask_under_a_recorded_dod_reference_is_refused_naming_the_ask(sosa, enrolled):
    sosa(*ASK)
    before = dump(enrolled)
    again = list(ASK)
    again[again.index("IBP-2026-0311")] = "ibp-2026-0311 "  # the same reference, however typed
    result = sosa(*again, ok=False)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert "DoD reference ibp-2026-0311 is already recorded: A-0001 (received 2026-11-25, not yet relayed)" in line
    assert "add --yes" in line
    assert dump(enrolled) == before


def test_the_officer_confirms_a_separate_ask_with_yes(sosa, enrolled):
    sosa(*ASK)
    result = sosa(*ASK, "--yes")
    assert result.stdout.strip() == "A-0002"
    rows = json.loads(sosa("ask", "list", "--json").stdout)
    assert [r["dod_ref"] for r in rows] == ["IBP-2026-0311", "IBP-2026-0311"]
    # The trail says it was confirmed as separate, and from which ask.
    trail = sosa("log", "A-0002", "--json").stdout
    assert "separate_from" in trail and "A-0001" in trail


def test_a_prompt_on_a_terminal_confirms_or_refuses(sosa, enrolled, monkeypatch):
    from sosa_cli.cli import ask

    sosa(*ASK)
    monkeypatch.setattr(ask, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sosa_cli.cli.output.stdin_is_terminal", lambda: True)  # where options.confirm looks
    refused = sosa(*ASK, input="n\n", ok=False)
    assert refused.exit_code == 1
    assert "DoD reference IBP-2026-0311 is already recorded: A-0001" in refused.stderr and "Nothing was done." in refused.stderr
    # The typed answer is echoed to the runner's one output stream; the key is the last line.
    assert sosa(*ASK, input="y\n").stdout.splitlines()[-1] == "A-0002"


def test_a_file_is_refused_whole_for_a_reference_recorded_or_repeated(sosa, enrolled, tmp_path):
    sosa(*ASK)
    record = "  part_number: X-1\n  quantity: 1\n  current_date: 2027-06-30\n  requested_date: 2027-03-31\n  reply_by: 2026-12-25\n"
    path = tmp_path / "asks.yaml"
    path.write_text(f"- dod_ref: IBP-2026-0900\n{record}- dod_ref: IBP-2026-0900\n{record}- dod_ref: IBP-2026-0311\n{record}", encoding="utf-8")
    before = dump(enrolled)
    result = sosa("ask", "record", "--from", str(path), ok=False)
    assert result.exit_code == 1
    assert f"{path}:7: dod_ref: DoD reference IBP-2026-0900 is also that of the ask at line 1" in result.stderr
    assert f"{path}:13: dod_ref: DoD reference IBP-2026-0311 is already recorded: A-0001" in result.stderr
    assert dump(enrolled) == before
    assert sosa("ask", "record", "--from", str(path), "--yes").stdout.split() == ["A-0002", "A-0003", "A-0004"]
