"""Small mistakes that `mutmut` showed the suite would not notice, each pinned by a case.

The run over identifiers, calendar, audit and lifecycle (issue 11 §9) left mutants alive; the
ones that stand for a plausible slip — a refusal that loses its reason or its hint, a
boundary moved by one, a character list that grew — get a case here. Mutants that cannot
change behaviour (SQL keywords in lower case; sqlite3.Row keys, which ignore case) are not
chased.
"""

from __future__ import annotations

import pytest

from sosa_cli import audit, identifiers, lifecycle
from sosa_cli.errors import SosaError
from sosa_cli.store import open_db, transaction


@pytest.mark.parametrize(
    ("check", "typed", "message"),
    [
        # An empty field says which identifier is missing and what one looks like.
        (identifiers.nsn, "", "no NSN given: give its 13 digits, e.g. 5935-01-234-5678"),
        (identifiers.fsc, " ", "no supply class given: give its 4 digits, e.g. 5935"),
        (identifiers.dpas_rating, "", "no DPAS rating given: give DO or DX and a program code, e.g. DO-A1"),
        (identifiers.email, "", "no e-mail address given"),
        (identifiers.ncage, "", "no NCAGE code given: give its 5 letters or digits, e.g. 1ABC5"),
        (identifiers.phone, " ", "no phone number given"),
        # Characters that sort between the letters and digits allowed are still refused.
        (identifiers.ncage, "1ab_5", 'NCAGE "1ab_5": only A–Z and 0–9 are allowed, not "_"'),
        (identifiers.ncage, "1AB:5", 'NCAGE "1AB:5": only A–Z and 0–9 are allowed, not ":"'),
        (identifiers.phone, "03-5555-X100", 'phone number "03-5555-X100": "X" is not allowed (digits, spaces, - ( ) and a leading +)'),
        (identifiers.phone, "0+3-5555-0100", 'phone number "0+3-5555-0100": + may only come first'),
        # The refusal names the first character that is not a digit, whatever it is.
        (identifiers.fsc, "59X5", 'supply class "59X5": only digits are allowed, not "X"'),
        (identifiers.nsn, "5935-01-234-567X", 'NSN "5935-01-234-567X": only digits are allowed, not "X"'),
        (identifiers.email, "taro.example.com", '"taro.example.com" is not an e-mail address: it has no @'),
        (identifiers.email, "taro@@example.com", '"taro@@example.com" is not an e-mail address: it has 2 @ signs'),
        (identifiers.email, "ta;ro@example.com", '"ta;ro@example.com" is not an e-mail address: ";" before the @'),
    ],
)
def test_refusals_say_exactly_what_is_wrong(check, typed, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SosaError) as refused:
        check(typed)
    assert refused.value.message == message


def test_a_niin_typed_for_an_nsn_gets_the_hint() -> None:
    with pytest.raises(SosaError) as refused:
        identifiers.nsn("01-234-5678")
    assert refused.value.message == "NSN 012345678: must be 13 digits, not 9"
    assert refused.value.hint == "that looks like a NIIN: put the 4-digit supply class (FSC) in front"


@pytest.mark.parametrize("address", ["Xavier.X@example.com", "x_y+z@example.co.jp", "XX@example.com"])
def test_ordinary_letters_are_allowed_before_the_at(address: str) -> None:
    assert identifiers.email(address) == address


def test_a_phone_number_may_have_fifteen_digits_and_no_more() -> None:
    # ITU-T E.164: at most 15 digits, country code included.
    assert identifiers.phone("+81-3-1234-5678-9012") == "+81-3-1234-5678-9012"
    with pytest.raises(SosaError, match="has 16 digits"):
        identifiers.phone("+81-3-1234-5678-90123")


def test_an_unknown_state_is_refused_with_the_states_listed() -> None:
    with pytest.raises(SosaError) as refused:
        lifecycle.REQUEST.check("R-0001", "draft", "lost")
    assert refused.value.message == "'lost' is not a request state"
    assert refused.value.hint == "states are: " + ", ".join(lifecycle.REQUEST.states)
    assert "draft, sent" in refused.value.hint


def test_the_log_keeps_each_entrys_number_and_the_latest_few(db_path) -> None:
    conn = open_db(db_path)
    for n in range(1, 61):
        with transaction(conn):
            audit.record(conn, "note", f"C-{n % 3 + 1:04d}", after={"n": n})
    with transaction(conn):
        audit.record(conn, "erase", "C-0009", before={"n": 0})  # an entry with nothing after
    latest = audit.history(conn, limit=3)
    assert [e.id for e in latest] == [59, 60, 61]
    assert [e.as_dict()["id"] for e in latest] == [59, 60, 61]
    assert latest[-1].as_dict()["after"] is None and latest[-1].before == {"n": 0}
    assert isinstance(latest[-1].at, str) and latest[-1].as_dict()["at"] == latest[-1].at and latest[-1].at[:4] >= "2026"
    assert [e.id for e in audit.history(conn)][:2] == [12, 13], "without a limit, the latest 50"
    assert len(audit.history(conn)) == 50
    one = audit.history(conn, "C-0002")
    assert [e.id for e in one] == list(range(1, 61, 3)) and one[0].after == {"n": 1}
