"""Life-cycle refusals that `mutmut` showed the suite would not notice (issue 11 §9).

A move only one action makes is refused to any other with a hint that is a command to
type: the facts the caller knows are filled in, the ones it does not are left as
placeholders in capitals the officer can see and replace.
"""

from __future__ import annotations

import pytest

from sosa_cli import lifecycle
from sosa_cli.errors import SosaError
from sosa_cli.lifecycle import LifeCycle, OnlyBy

WHY = "a company that withdrew comes back by enrolling again, with the date it accepted the Code of Conduct anew"


def test_a_return_refused_without_the_number_shows_where_it_goes() -> None:
    with pytest.raises(SosaError) as refused:
        lifecycle.COMPANY.check("C-0005", "withdrawn", "enrolled", action="reinstate")
    assert refused.value.message == f"C-0005 is withdrawn and cannot become enrolled this way: {WHY}"
    assert refused.value.hint == "sosa enroll --corporate-number CORPORATE_NUMBER --name-ja … --name-en … --coc-accepted-on DATE --yes"


def test_the_key_refused_is_named_in_the_hint() -> None:
    # OnlyBy.how may name the record itself: `{key}` is the key given to check().
    letters = LifeCycle(
        "letter",
        {"issued": ("cancelled", "replaced"), "cancelled": (), "replaced": ()},
        only_by={("issued", "replaced"): OnlyBy("reissue", "a letter is replaced by issuing its successor", "sosa letter reissue {key}")},
    )
    with pytest.raises(SosaError) as refused:
        letters.check("L-0007", "issued", "replaced", action="cancel")
    assert refused.value.message == "L-0007 is issued and cannot become replaced this way: a letter is replaced by issuing its successor"
    assert refused.value.hint == "sosa letter reissue L-0007"
    letters.check("L-0007", "issued", "replaced", action="reissue")
    with pytest.raises(SosaError) as final:
        letters.check("L-0007", "replaced", "cancelled", action="cancel")
    assert final.value.message == "L-0007 is replaced and cannot become cancelled: replaced is final"
