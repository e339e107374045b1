"""Plausible input (issue 11 §7): dates that could be true, text without hidden controls,
search that ignores how wide a name was typed, numbers that fit, an officer's name.

The refusals of the CLI are also cases of the bad-input corpus (test_bad_input.py); here
are the rules themselves, table by table, and what is kept when input is accepted.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from sosa_cli import fields
from sosa_cli.delays import quantity
from sosa_cli.errors import SosaError

# Today is pinned to 2026-11-26 for every test (conftest).

# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0001-01-01", "more than 20 years before today"),
        ("1900-01-01", "more than 20 years before today"),
        ("令和100年1月1日", "more than 20 years after today"),
        ("R100.1.1", "2118-01-01 (令和100年1月1日)"),
        ("2046-11-27", "more than 20 years after today (2026-11-26)"),
        ("9999-12-31", "check the year"),
    ],
)
def test_a_date_far_from_today_is_refused_with_the_reason(typed, reason):
    with pytest.raises(SosaError) as refused:
        fields.iso_date(typed)
    assert reason in refused.value.message


@pytest.mark.parametrize("typed", ["2006-11-26", "2046-11-26", "令和8年11月26日", "2027-01-15"])
def test_a_date_within_twenty_years_is_kept(typed):
    assert fields.iso_date(typed)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2023-01-11", "before the arrangement was signed (2023-01-12)"),
        ("令和4年12月1日", "before the arrangement was signed"),
        ("2026-11-27", "after today (2026-11-26)"),
        ("令和9年1月1日", "cannot be in the future"),
    ],
)
def test_a_code_of_conduct_acceptance_lies_between_the_arrangement_and_today(typed, reason):
    from sosa_cli.enrollment import COMPANY_FIELDS

    rule, _ = COMPANY_FIELDS["coc_accepted_on"]
    with pytest.raises(SosaError) as refused:
        rule(typed)
    assert reason in refused.value.message


@pytest.mark.parametrize("typed", ["2023-01-12", "2026-11-26", "令和5年4月3日"])
def test_a_code_of_conduct_acceptance_on_the_edges_is_kept(typed):
    from sosa_cli.enrollment import COMPANY_FIELDS

    rule, _ = COMPANY_FIELDS["coc_accepted_on"]
    assert rule(typed)


def test_an_ask_is_not_received_in_the_future():
    from sosa_cli.asks import ASK_FIELDS

    rule, _ = ASK_FIELDS["received_on"]
    assert rule("2026-11-26") == "2026-11-26"
    with pytest.raises(SosaError, match="after today"):
        rule("2026-11-27")


@pytest.mark.parametrize("field", ["need_date", "promised_date"])
def test_need_and_promised_dates_lie_within_twenty_years(field):
    from sosa_cli.delays import DELAY_FIELDS

    rule, _ = DELAY_FIELDS[field]
    assert rule("2046-11-26") == "2046-11-26"
    with pytest.raises(SosaError, match="20 years after today"):
        rule("2046-11-27")


def test_a_rating_is_not_recorded_for_a_day_to_come(sosa, enrolled):
    sosa("config", "set", "doc_prefix", "装備政策")
    sosa(
        *["delay", "add", "--company", "C-0001", "--supplier", "Acme", "--part-number", "HV-1", "--quantity", "4"],
        *["--need-date", "2027-01-15", "--promised-date", "2027-04-30", "--impact", "two aircraft held", "--efforts", "weekly calls"],
    )
    sosa("request", "open", "D-0001")
    result = sosa("request", "update", "R-0001", "--rating", "DO-A1", "--rated-on", "2026-11-27", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("sosa: --rated-on: 2026-11-27 (令和8年11月27日) is after today (2026-11-26)")
    assert "cannot be in the future" in result.stderr


# --- text -------------------------------------------------------------------------------

CONTROLS = {
    "NEL": "\x85",
    "C1 CSI": "\x9b",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    **{f"bidi U+{c:04X}": chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]},
    "escape": "\x1b",
}


@pytest.mark.parametrize("char", CONTROLS.values(), ids=CONTROLS.keys())
@pytest.mark.parametrize("where", ["inside", "at the end"])
def test_single_line_text_refuses_control_characters(char, where):
    value = f"東雲{char}精密" if where == "inside" else f"東雲精密{char}"
    with pytest.raises(SosaError) as refused:
        fields.text(value)
    assert refused.value.message.startswith("contains control characters")
    assert f"U+{ord(char):04X}" in refused.value.message


@pytest.mark.parametrize("char", ["\u2028", "\u202e", "\x85"])
def test_multiline_text_refuses_them_too(char):
    with pytest.raises(SosaError, match="control characters"):
        fields.text(f"line one\nline {char}two", multiline=True)


def test_line_breaks_stay_allowed_where_text_has_lines():
    assert fields.text("one\ntwo\n", multiline=True) == "one\ntwo"
    with pytest.raises(SosaError, match="line break"):
        fields.text("one\ntwo")


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_zero_width_characters_are_removed(char):
    assert fields.text(f"{char}東雲{char}精密{char}") == "東雲精密"


def test_an_enrolled_name_keeps_no_zero_width_character(sosa):
    sosa("enroll", "--name-ja", "\ufeff東雲\u200b精密", "--name-en", "Shino\u200dnome", "--corporate-number", "8010401135790")
    shown = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert (shown["name_ja"], shown["name_en"]) == ("東雲精密", "Shinonome")


# --- search -----------------------------------------------------------------------------


@pytest.fixture
def widths(sosa):
    """Names as the companies typed them: half-width kana, full-width and ASCII letters."""
    sosa("enroll", "--name-ja", "ABC工業株式会社", "--name-en", "ABC Industries", "--corporate-number", "8010401135790")
    sosa("enroll", "--name-ja", "ｶﾌﾞｼｷｶﾞｲｼｬ東雲", "--name-en", "Shinonome", "--corporate-number", "7010401135791")
    sosa("enroll", "--name-ja", "ＸＹＺ電子㈱", "--name-en", "Kanto Denshi", "--corporate-number", "6010401135792")


def found(sosa, term: str) -> list[str]:
    return [row["key"] for row in json.loads(sosa("company", "list", "--search", term, "--json").stdout)]


@pytest.mark.parametrize(
    ("term", "keys"),
    [
        ("ＡＢＣ", ["C-0001"]),  # full-width query, ASCII name
        ("ABC", ["C-0001"]),
        ("abc", ["C-0001"]),
        ("ａｂｃ工業", ["C-0001"]),
        ("カブシキ", ["C-0002"]),  # full-width query, half-width name
        ("ｶﾌﾞｼｷ", ["C-0002"]),
        ("カブ", ["C-0002"]),  # two characters: below the trigram size
        ("XYZ", ["C-0003"]),  # ASCII query, full-width name
        ("xyz電子", ["C-0003"]),
        ("(株)", ["C-0003"]),  # ㈱ is (株)
        ("東雲 ｶﾌﾞｼｷ", ["C-0002"]),  # every term must match
        ("東雲 ABC", []),
        ("工業株式会社", ["C-0001"]),
    ],
)
def test_search_finds_a_name_however_its_width_was_typed(sosa, widths, term, keys):
    assert found(sosa, term) == keys


def test_a_term_does_not_match_across_two_fields(sosa, widths):
    # name_ja ends in 東雲 and name_en begins with Shinonome: "雲S" is in neither.
    assert found(sosa, "雲Shi") == []


def test_fold():
    from sosa_cli.register import fold

    assert fold("ＡＢＣ") == "abc"
    assert fold("ｶﾌﾞｼｷ") == fold("カブシキ") == "カブシキ"


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["99999999999999999999", "1000000000", "9" * 5000])
def test_a_quantity_out_of_range_is_one_line(typed):
    with pytest.raises(SosaError) as refused:
        quantity(typed)
    assert "is more than 999,999,999" in refused.value.message
    assert len(refused.value.message) < 120


@pytest.mark.parametrize(("typed", "kept"), [("4", 4), ("１２", 12), ("1,000", 1000), ("999999999", 999_999_999), ("007", 7)])
def test_a_quantity_in_range_is_kept(typed, kept):
    assert quantity(typed) == kept


def test_a_huge_quantity_leaves_the_database_unchanged(sosa, enrolled):
    result = sosa(
        *["delay", "add", "--company", "C-0001", "--supplier", "Acme", "--part-number", "HV-1", "--quantity", "99999999999999999999"],
        *["--need-date", "2027-01-15", "--promised-date", "2027-04-30"],
        ok=False,
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("sosa: quantity: 99999999999999999999 is more than 999,999,999")
    assert "OverflowError" not in result.output
    conn = sqlite3.connect(enrolled)
    assert conn.execute("SELECT count(*) FROM delays").fetchone()[0] == 0


# --- the officer's name -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "reason"),
    [("", "is blank"), ("   ", "is blank"), ("x" * 65, "is 65 characters long; at most 64"), ("山田\x1b[2J", "control characters")],
)
def test_sosa_user_must_name_someone(sosa, enrolled, monkeypatch, user, reason):
    monkeypatch.setenv("SOSA_USER", user)
    result = sosa("company", "suspend", "C-0001", "--reason", "audit", ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sosa: SOSA_USER ") and reason in lines[0]


def test_sosa_user_of_64_characters_signs_the_trail(sosa, enrolled, monkeypatch):
    monkeypatch.setenv("SOSA_USER", " " + "山" * 64 + " ")
    sosa("company", "suspend", "C-0001", "--reason", "audit")
    conn = sqlite3.connect(enrolled)
    assert conn.execute("SELECT user FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0] == "山" * 64
