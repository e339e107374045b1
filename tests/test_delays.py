"""`sosa delay …`: recording late US parts, keeping every slip, closing."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sosa_cli import lifecycle

DELAY = [
    "--company",
    "C-0001",
    "--program",
    "F-15J 近代化改修",
    "--program-en",
    "F-15J modernization",
    "--supplier",
    "Acme Hydraulics Inc.",
    "--supplier-cage",
    "1abc2",
    "--po",
    "PO-2026-0042",
    "--part-number",
    "123-456-789",
    "--nsn",
    "1650012345678",
    "--description",
    "Servo valve",
    "--quantity",
    "4",
    "--need-date",
    "令和9年1月15日",
    "--promised-date",
    "2027-04-30",
    "--impact",
    "Two aircraft grounded",
    "--efforts",
    "Weekly calls with the supplier since October",
]


def with_option(option: str, value: str) -> list[str]:
    args = list(DELAY)
    args[args.index(option) + 1] = value
    return args


def dump(db) -> str:
    return "\n".join(sqlite3.connect(db).iterdump())


def test_add_prints_the_key_and_normalises(sosa, enrolled):
    result = sosa("delay", "add", *DELAY)
    assert result.stdout.strip() == "D-0001"
    assert "105 days late" in result.stderr
    data = json.loads(sosa("delay", "show", "d-1", "--json").stdout)
    assert data["supplier_cage"] == "1ABC2"
    assert data["nsn"] == "1650-01-234-5678"
    assert data["need_date"] == "2027-01-15"
    assert data["status"] == "open" and data["company_key"] == "C-0001"
    assert [s["promised_date"] for s in data["slips"]] == ["2027-04-30"]


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--need-date", "ASAP", 'need_date: "ASAP" is not a date'),
        ("--promised-date", "immediately", "promised_date"),
        ("--need-date", "令和9年2月30日", "need_date"),
        ("--quantity", "0", "quantity: '0' is not a positive whole number"),
        ("--quantity", "2.5", "quantity"),
        ("--nsn", "1650-01-234", "nsn"),
        ("--supplier-cage", "1ABC", "supplier_cage"),
        ("--part-number", " ", "part_number: is required"),
        ("--promised-date", "2027-01-15", "not later than the need date"),
        ("--promised-date", "2026-12-01", "nothing is late"),
        ("--company", "C-0099", "no company C-0099"),
        ("--company", "C-0008", "C-0008 東都通信機株式会社 is recorded as applied: only enrolled companies can report delays"),
    ],
)
def test_bad_delays_are_refused_and_nothing_is_written(sosa, enrolled, option, value, message):
    before = dump(enrolled)
    result = sosa("delay", "add", *with_option(option, value), ok=False)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert dump(enrolled) == before


def test_a_missing_option_is_named(sosa, enrolled):
    result = sosa("delay", "add", "--company", "C-0001", "--supplier", "X", ok=False)
    assert result.exit_code == 1 and "missing --part-number" in result.stderr


def test_a_new_promised_date_is_kept_as_a_slip(sosa, enrolled):
    sosa("delay", "add", *DELAY)
    sosa("delay", "update", "D-0001", "--promised-date", "R9.5.31", "--note", "supplier letter of 2026-12-01")
    data = json.loads(sosa("delay", "show", "D-0001", "--json").stdout)
    assert data["original_promised_date"] == "2027-04-30"
    assert data["promised_date"] == "2027-05-31"
    assert [(s["promised_date"], s["note"]) for s in data["slips"]] == [
        ("2027-04-30", None),
        ("2027-05-31", "supplier letter of 2026-12-01"),
    ]
    assert data["history"][-1]["before"] == {"promised_date": "2027-04-30"}
    piped = sosa("delay", "show", "D-0001").stdout
    assert "Slips\t2027-05-31\t" in piped
    recovered = sosa("delay", "update", "D-0001", "--promised-date", "2027-01-01")
    assert "now meets the need date (3 slips kept)" in recovered.stderr


def test_list_filters(sosa, enrolled, monkeypatch):
    sosa("delay", "add", *DELAY)
    sosa("delay", "add", *with_option("--company", "C-0003"))
    sosa("delay", "add", *with_option("--supplier", "Widget Corp"))
    keys = lambda result: [line.split("\t")[0] for line in result.stdout.splitlines()[1:]]  # noqa: E731
    assert keys(sosa("delay", "list", "--company", "C-0001")) == ["D-0001", "D-0003"]
    assert keys(sosa("delay", "list", "--supplier", "widget")) == ["D-0003"]
    assert keys(sosa("delay", "list", "--supplier", "1ABC2")) == ["D-0001", "D-0002", "D-0003"]
    assert keys(sosa("delay", "list", "--overdue")) == []
    monkeypatch.setenv("SOSA_TODAY", "2027-01-16")
    sosa("delay", "close", "D-0002", "--reason", "withdrawn")
    assert keys(sosa("delay", "list", "--overdue")) == ["D-0001", "D-0003"]
    assert keys(sosa("delay", "list", "--status", "closed")) == ["D-0002"]
    rows = json.loads(sosa("delay", "list", "--json").stdout)
    assert rows[0]["days_late"] == 105 and "slips" not in rows[0]


def test_close_reasons(sosa, enrolled):
    sosa("delay", "add", *DELAY)
    bad = sosa("delay", "close", "D-0001", "--reason", "fixed", ok=False)
    assert "not a reason to close a delay" in bad.stderr and "recovered, withdrawn, not-eligible" in bad.stderr
    sosa("delay", "close", "D-0001", "--reason", "recovered")
    data = json.loads(sosa("delay", "show", "D-0001", "--json").stdout)
    assert data["status"] == "closed" and data["close_reason"] == "recovered"
    again = sosa("delay", "close", "D-0001", "--reason", "recovered", ok=False)
    assert "D-0001 is closed and cannot become closed: closed is final" in again.stderr
    frozen = sosa("delay", "update", "D-0001", "--quantity", "3", ok=False)
    assert "finished delay cannot be changed" in frozen.stderr


ALLOWED = {
    ("open", "escalated"),
    ("open", "closed"),
    ("escalated", "resolved"),
    ("escalated", "unresolved"),
    ("escalated", "open"),
}


@pytest.mark.parametrize("state, target", [(a, b) for a in lifecycle.DELAY.states for b in lifecycle.DELAY.states])
def test_delay_life_cycle_table(state, target):
    if (state, target) in ALLOWED:
        lifecycle.DELAY.check("D-0001", state, target)
    else:
        with pytest.raises(Exception, match="cannot become"):
            lifecycle.DELAY.check("D-0001", state, target)


# --- what English letters need (issue 10) ------------------------------------------------

LETTER_DATA = [
    "--program-en",
    "F-15J modernization",
    "--service-branch",
    "asdf",
    "--contract",
    "装備庁契約第2026-0123号",
    "--supplier-address",
    "100 Industrial Way, Wichita, KS 67202, USA",
    "--supplier-contact",
    "Jane Doe, Contracts Manager",
    "--unit",
    "se",
    "--rating-sought",
    "do a1",
]
# DELAY without any of them, whatever DELAY itself gives.
PLAIN = [part for option, value in zip(DELAY[::2], DELAY[1::2], strict=True) if option not in LETTER_DATA[::2] for part in (option, value)]


def test_add_keeps_what_english_letters_need(sosa, enrolled):
    from sosa_cli.delays import get_delay
    from sosa_cli.store import open_db

    sosa("delay", "add", *PLAIN, *LETTER_DATA)
    data = json.loads(sosa("delay", "show", "D-0001", "--json").stdout)
    assert {k: data[k] for k in ("program", "program_en", "service_branch", "contract", "supplier_address", "supplier_contact", "unit", "rating_sought")} == {
        "program": "F-15J 近代化改修",
        "program_en": "F-15J modernization",
        "service_branch": "asdf",
        "contract": "装備庁契約第2026-0123号",
        "supplier_address": "100 Industrial Way, Wichita, KS 67202, USA",
        "supplier_contact": "Jane Doe, Contracts Manager",
        "unit": "SE",
        "rating_sought": "DO-A1",
    }
    assert (data["service_branch_ja"], data["service_branch_en"]) == ("航空自衛隊", "Japan Air Self-Defense Force")
    card = sosa("delay", "show", "D-0001").stdout
    for line in ["Program (en)\tF-15J modernization", "Service\t航空自衛隊 (Japan Air Self-Defense Force)", "Quantity\t4 SE", "Rating sought\tDO-A1"]:
        assert line in card, line
    delay = get_delay(open_db(), "D-0001")
    assert (delay.program_en, delay.unit, delay.rating_sought) == ("F-15J modernization", "SE", "DO-A1")
    assert delay.service_branch_en == "Japan Air Self-Defense Force"
    listed = json.loads(sosa("delay", "list", "--json").stdout)[0]
    assert listed["unit"] == "SE" and listed["service_branch"] == "asdf"


def test_without_them_a_delay_is_counted_in_each(sosa, enrolled):
    sosa("delay", "add", *PLAIN)
    data = json.loads(sosa("delay", "show", "D-0001", "--json").stdout)
    assert data["unit"] == "EA"
    assert data["program_en"] is data["service_branch"] is data["service_branch_ja"] is data["rating_sought"] is None


@pytest.mark.parametrize(("given", "code"), [("gsdf", "gsdf"), ("MSDF", "msdf"), ("航空自衛隊", "asdf"), ("Joint Staff", "joint"), ("統合", "joint")])
def test_the_service_is_stored_as_its_code(sosa, enrolled, given, code):
    sosa("delay", "add", *PLAIN, "--service-branch", given)
    assert json.loads(sosa("delay", "show", "D-0001", "--json").stdout)["service_branch"] == code


def test_update_corrects_them_with_one_audit_entry(sosa, enrolled):
    sosa("delay", "add", *PLAIN)
    sosa("delay", "update", "D-0001", "--program-en", "F-15J modernization", "--unit", "ＬＯ", "--service-branch", "gsdf", "--rating-sought", "DX-A7")
    data = json.loads(sosa("delay", "show", "D-0001", "--json").stdout)
    assert (data["program_en"], data["unit"], data["service_branch"], data["rating_sought"]) == ("F-15J modernization", "LO", "gsdf", "DX-A7")
    last = data["history"][-1]
    assert last["action"] == "update"
    assert last["before"] == {"program_en": None, "unit": "EA", "service_branch": None, "rating_sought": None}
    assert last["after"] == {"program_en": "F-15J modernization", "unit": "LO", "service_branch": "gsdf", "rating_sought": "DX-A7"}
    # An empty value clears a field; the unit goes back to each.
    sosa("delay", "update", "D-0001", "--program-en", "", "--unit", "")
    data = json.loads(sosa("delay", "show", "D-0001", "--json").stdout)
    assert (data["program_en"], data["unit"]) == (None, "EA")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--program-en", "F-15J 近代化改修", "program_en: has Japanese or full-width characters (「近」); --program-en is printed in English letters"),
        ("--program-en", "ＦＸ", "(「Ｆ」)"),
        ("--supplier-address", "東京都港区1-1", "supplier_address: has Japanese or full-width characters (「東」); --supplier-address is printed"),
        ("--supplier-contact", "ジェーン・ドウ", "supplier_contact: has Japanese or full-width characters (「ジ」); --supplier-contact"),
        ("--supplier-contact", "Jane\u3000Doe", "(a full-width space)"),
        ("--unit", "EACHS", "unit: 'EACHS' is not a unit of issue: give 1 to 4 letters"),
        ("--unit", "1", "is not a unit of issue"),
        ("--rating-sought", "DO-A9", 'rating_sought: DPAS rating "DO-A9": A9 is not a program code'),
        ("--rating-sought", "DZ-A1", "the symbol must be DO or DX"),
        ("--service-branch", "navy", "service_branch: 'navy' is not a JSDF service: use one of gsdf (陸上自衛隊), msdf (海上自衛隊), asdf (航空自衛隊)"),
    ],
)
def test_bad_letter_data_is_refused_in_one_line_and_nothing_is_written(sosa, enrolled, option, value, message):
    before = dump(enrolled)
    added = sosa("delay", "add", *PLAIN, option, value, ok=False)
    assert added.exit_code == 1
    assert message in added.stderr and len(added.stderr.strip().splitlines()) == 1
    assert dump(enrolled) == before
    sosa("delay", "add", *PLAIN)
    before = dump(enrolled)
    updated = sosa("delay", "update", "D-0001", option, value, ok=False)
    assert updated.exit_code == 1 and message in updated.stderr
    assert dump(enrolled) == before
