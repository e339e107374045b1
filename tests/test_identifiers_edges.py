"""Identifier edges that `mutmut` showed the suite would not notice (issue 11 §9).

Each case is something an officer pastes or leaves out, and what the desk must answer:
the exact refusal and, where one helps, the hint that says what to do.
"""

from __future__ import annotations

import pytest

from sosa_cli import identifiers
from sosa_cli.errors import SosaError

INVOICE_HINT = "an invoice registration number (登録番号) is T + 法人番号: drop the T"


@pytest.mark.parametrize(
    ("typed", "letter"),
    [
        ("T7000012050002", "T"),  # the 登録番号 of the 国税庁 as printed on an invoice
        ("t7000012050002", "t"),  # typed in lower case
        ("Ｔ７００００１２０５０００２", "T"),  # full-width, from a Japanese IME
        ("T8-0104-0105-0387", "T"),  # 三菱重工業, hyphenated
    ],
)
def test_an_invoice_number_is_refused_with_the_way_out(typed: str, letter: str) -> None:
    with pytest.raises(SosaError) as refused:
        identifiers.corporate_number(typed)
    assert refused.value.message == f'法人番号 "{typed}": only digits are allowed, not "{letter}"'
    assert refused.value.hint == INVOICE_HINT


def test_a_letter_before_a_short_number_is_no_invoice_number() -> None:
    # T + 12 digits is not T + 法人番号: the hint would send the officer the wrong way.
    with pytest.raises(SosaError) as refused:
        identifiers.corporate_number("T700001205000")
    assert refused.value.message == '法人番号 "T700001205000": only digits are allowed, not "T"'
    assert refused.value.hint is None


@pytest.mark.parametrize("typed", ["", "　", None])
def test_a_missing_corporate_number_says_what_one_looks_like(typed: str | None) -> None:
    # Nothing given (None) is refused like a blank, as `parse_date(None)` is.
    with pytest.raises(SosaError) as refused:
        identifiers.corporate_number(typed)  # type: ignore[arg-type]
    assert refused.value.message == "no 法人番号 given: give its 13 digits, e.g. 7000012050002"


@pytest.mark.parametrize("letter", list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
def test_a_us_cage_code_may_hold_any_letter_but_i_and_o(letter: str) -> None:
    # DLA leaves out only I and O (read as 1 and 0); 1XYZ5-style codes are ordinary.
    assert identifiers.cage(f"1{letter.lower()}{letter}A5") == f"1{letter}{letter}A5"


@pytest.mark.parametrize("typed", ["", " ", None])
def test_a_missing_country_says_what_one_looks_like(typed: str | None) -> None:
    with pytest.raises(SosaError) as refused:
        identifiers.country(typed)  # type: ignore[arg-type]
    assert refused.value.message == "no country given: give its ISO 3166 two-letter code, e.g. GB"


@pytest.mark.parametrize(
    "typed",
    [
        "J02.",  # a full stop copied with the code
        "\u0408028",  # Cyrillic Ј, which looks like J, pasted from a document
    ],
)
def test_a_service_code_with_a_mark_or_a_look_alike_letter_is_no_psc(typed: str) -> None:
    with pytest.raises(SosaError) as refused:
        identifiers.psc(typed)
    assert refused.value.message == f'service code "{typed}" is not a PSC: a letter and three letters or digits, e.g. J015'


@pytest.mark.parametrize("typed", ["", "　"])
def test_a_missing_service_code_says_what_one_looks_like(typed: str) -> None:
    with pytest.raises(SosaError) as refused:
        identifiers.psc(typed)
    assert refused.value.message == "no service code given: give its PSC, a letter and three letters or digits, e.g. J015"
