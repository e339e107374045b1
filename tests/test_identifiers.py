"""Identifiers: 法人番号, NCAGE, NSN/FSC, DPAS ratings, e-mail and phone (DOMAIN.md §3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sosa_cli.errors import SosaError
from sosa_cli.identifiers import (
    ACCEPTANCE_WORKING_DAYS,
    PROGRAM_CODES,
    corporate_check_digit,
    corporate_number,
    dpas_rating,
    email,
    fsc,
    is_us_cage,
    ncage,
    nsn,
    nsn_class,
    phone,
    rating_symbol,
)

# Real 法人番号 from the 国税庁 法人番号公表サイト.
REAL_CORPORATE_NUMBERS = [
    pytest.param("7000012050002", id="国税庁"),
    pytest.param("1180301018771", id="トヨタ自動車"),
    pytest.param("8010401050387", id="三菱重工業"),
    pytest.param("7010401022916", id="日本電気"),
]


# --- 法人番号 -------------------------------------------------------------------------


@pytest.mark.parametrize("number", REAL_CORPORATE_NUMBERS)
def test_real_corporate_numbers_pass(number: str) -> None:
    assert corporate_check_digit(number[1:]) == int(number[0])
    assert corporate_number(number) == number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("７００００１２０５０００２", "7000012050002"),  # full-width, from a Japanese IME
        ("7000 0120 5000 2", "7000012050002"),
        ("7-0000-1205-0002", "7000012050002"),
        ("7000‐0120‐5000‐2", "7000012050002"),  # U+2010 hyphen
        ("７０００ー０１２０ー５０００２", "7000012050002"),  # katakana long-vowel mark
        ("　1180301018771　", "1180301018771"),  # ideographic spaces
    ],
)
def test_corporate_number_normalises(typed: str, stored: str) -> None:
    assert corporate_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567890123", "法人番号 1234567890123: check digit should be 9, not 1"),
        ("8000012050002", "法人番号 8000012050002: check digit should be 7, not 8"),
        ("0180301018771", "check digit should be 1, not 0"),
        ("700001205000", "法人番号 700001205000: must be 13 digits, not 12"),
        ("70000120500021", "must be 13 digits, not 14"),
        ("70000120500O2", 'only digits are allowed, not "O"'),
        ("T7000012050002", 'only digits are allowed, not "T"'),
        ("", "no 法人番号 given"),
        ("   ", "no 法人番号 given"),
        ("٧000012050002", "only digits are allowed"),  # Arabic-Indic seven: isdigit() but not 0-9
    ],
)
def test_corporate_number_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message.replace("(", r"\(")):
        corporate_number(typed)


def test_invoice_number_gets_a_hint() -> None:
    with pytest.raises(SosaError) as caught:
        corporate_number("T7000012050002")
    assert caught.value.hint is not None and "drop the T" in caught.value.hint


@pytest.mark.parametrize("base", ["12345678901", "1234567890123", "12345678901a", ""])
def test_check_digit_needs_12_digits(base: str) -> None:
    with pytest.raises(SosaError, match="must be 12 digits"):
        corporate_check_digit(base)


BASES = st.text(alphabet="0123456789", min_size=12, max_size=12)


@given(BASES)
def test_computed_check_digit_always_validates(base: str) -> None:
    check = corporate_check_digit(base)
    assert 1 <= check <= 9
    assert corporate_number(f"{check}{base}") == f"{check}{base}"


@given(BASES, st.integers(0, 12), st.integers(1, 9))
def test_single_digit_change_is_refused_except_0_for_9(base: str, position: int, step: int) -> None:
    valid = f"{corporate_check_digit(base)}{base}"
    old = int(valid[position])
    new = (old + step) % 10
    changed = f"{valid[:position]}{new}{valid[position + 1 :]}"
    if position > 0 and {old, new} == {0, 9}:
        # A mod-9 check cannot tell 0 from 9: 9×Qn is 0 mod 9 for Qn = 1 or 2.
        assert corporate_number(changed) == changed
    else:
        with pytest.raises(SosaError):
            corporate_number(changed)


def test_zero_nine_blind_spot_on_a_real_number() -> None:
    # 国税庁 7000012050002 with its third digit 0 typed as 9 still passes the check.
    assert corporate_number("7090012050002") == "7090012050002"


# --- NCAGE ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "us"),
    [
        ("81755", "81755", True),
        (" 1abc5 ", "1ABC5", True),
        ("０Ａ１Ｂ２", "0A1B2", True),
        ("SAJ12", "SAJ12", False),
        ("1ABCD", "1ABCD", False),
        ("K1234", "K1234", False),
    ],
)
def test_ncage(typed: str, stored: str, us: bool) -> None:
    assert ncage(typed) == stored
    assert is_us_cage(typed) is us


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1ABC", 'NCAGE "1ABC": must be 5 characters, not 4'),
        ("1ABC56", "must be 5 characters, not 6"),
        ("1AB-5", 'only A–Z and 0–9 are allowed, not "-"'),
        ("1A B5", 'not " "'),
        ("", "no NCAGE code given"),
    ],
)
def test_ncage_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message):
        ncage(typed)


@pytest.mark.parametrize("code", ["1ABC", "", "1AB-5", "ABCDE"])
def test_is_us_cage_false_for_non_us_or_invalid(code: str) -> None:
    assert is_us_cage(code) is False


# --- NSN / FSC ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["5935-01-234-5678", "5935012345678", "5935 01 234 5678", "５９３５－０１－２３４－５６７８", " 5935-012345678 "],
)
def test_nsn_normalises(typed: str) -> None:
    assert nsn(typed) == "5935-01-234-5678"
    assert nsn_class(typed) == "5935"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("5935-01-234-567", "must be 13 digits, not 12"),
        ("5935-01-234-56789", "must be 13 digits, not 14"),
        ("01-234-5678", "NSN 012345678: must be 13 digits, not 9"),
        ("5935-O1-234-5678", 'only digits are allowed, not "O"'),
        ("", "no NSN given"),
    ],
)
def test_nsn_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message):
        nsn(typed)


def test_niin_gets_a_hint() -> None:
    with pytest.raises(SosaError) as caught:
        nsn("012345678")
    assert caught.value.hint is not None and "NIIN" in caught.value.hint


@pytest.mark.parametrize(("typed", "stored"), [("5935", "5935"), (" 1560 ", "1560"), ("５９９９", "5999")])
def test_fsc(typed: str, stored: str) -> None:
    assert fsc(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("593", "must be 4 digits, not 3"), ("59350", "not 5"), ("59A5", 'not "A"'), ("", "no supply class")],
)
def test_fsc_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message):
        fsc(typed)


# --- DPAS -----------------------------------------------------------------------------


def test_program_codes_cover_the_domain_list() -> None:
    domain = {"A1", "A2", "A3", "A4", "A5", "A6", "A7", "B1", "B8", "B9", "C2", "C3", "C9", "H7", "G1", "G2", "G3", "G4", "J1"}
    assert set(PROGRAM_CODES) == domain
    assert all(PROGRAM_CODES.values())


@pytest.mark.parametrize(
    ("typed", "stored", "symbol"),
    [
        ("do-a1", "DO-A1", "DO"),
        ("DO A1", "DO-A1", "DO"),
        ("DOA1", "DO-A1", "DO"),
        (" dx-a7 ", "DX-A7", "DX"),
        ("ＤＯ－Ｇ２", "DO-G2", "DO"),
        ("DO–G3", "DO-G3", "DO"),  # en dash pasted from a PDF
        ("dx j1", "DX-J1", "DX"),
    ],
)
def test_dpas_rating(typed: str, stored: str, symbol: str) -> None:
    assert dpas_rating(typed) == stored
    assert rating_symbol(typed) == symbol


@pytest.mark.parametrize("code", sorted(PROGRAM_CODES))
@pytest.mark.parametrize("symbol", ["DO", "DX"])
def test_every_program_code_is_accepted(symbol: str, code: str) -> None:
    assert dpas_rating(f"{symbol.lower()}{code.lower()}") == f"{symbol}-{code}"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("DZ-A1", "the symbol must be DO or DX, not DZ"),
        ("DO-A9", r"A9 is not a program code \(valid: A1–A7, B1, B8, B9, C2, C3, C9, G1–G4, H7, J1\)"),
        ("DO-D1", "D1 is not a program code"),
        ("A1", "write DO or DX and a program code"),
        ("DO", "write DO or DX and a program code"),
        ("DO-A12", "write DO or DX and a program code"),
        ("", "no DPAS rating given"),
    ],
)
def test_dpas_rating_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message):
        dpas_rating(typed)


def test_acceptance_periods() -> None:
    # 15 CFR 700.13(d): 15 working days for DO, 10 for DX.
    assert ACCEPTANCE_WORKING_DAYS == {"DO": 15, "DX": 10}


# --- e-mail and phone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sosa@atla.mod.go.jp", "sosa@atla.mod.go.jp"),
        ("Taro.Yamada@ATLA.MOD.GO.JP", "Taro.Yamada@atla.mod.go.jp"),  # local part keeps its case
        ("  someone+tag@example.co.jp ", "someone+tag@example.co.jp"),
        ("ｓｏｓａ＠ａｔｌａ．ｍｏｄ．ｇｏ．ｊｐ", "sosa@atla.mod.go.jp"),
    ],
)
def test_email(typed: str, stored: str) -> None:
    assert email(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("sosa.atla.mod.go.jp", "it has no @"),
        ("a@b@atla.go.jp", "it has 2 @ signs"),
        ("@atla.go.jp", "nothing before the @"),
        ("sosa@localhost", 'the domain "localhost" has no dot'),
        ("taro yamada@atla.go.jp", "it contains a space"),
        ("sosa@atla..go.jp", "is not a domain name"),
        ("sosa@atla.go.jp.", "is not a domain name"),
        ("Taro <sosa@atla.go.jp>", "it contains a space"),
        ("a,b@atla.go.jp", '"," before the @'),
        ("", "no e-mail address given"),
    ],
)
def test_email_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message):
        email(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("03-3268-3111", "03-3268-3111"),
        ("+81 3-3268-3111", "+81 3-3268-3111"),
        ("(03) 3268-3111", "(03) 3268-3111"),
        ("０３－３２６８－３１１１", "03-3268-3111"),
        ("03ー3268ー3111", "03-3268-3111"),
        ("+1 (703) 555  0100", "+1 (703) 555 0100"),
        ("123456", "123456"),
    ],
)
def test_phone(typed: str, stored: str) -> None:
    assert phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", "needs at least 6 digits, has 5"),
        ("03-3268-3111 ext. 5", '"e" is not allowed'),
        ("03-3268-3111+", "may only come first"),
        ("1234567890123456", "has 16 digits"),
        ("", "no phone number given"),
    ],
)
def test_phone_refusals(typed: str, message: str) -> None:
    with pytest.raises(SosaError, match=message):
        phone(typed)
