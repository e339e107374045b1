"""How sosa words what it counts on the terminal: "1 company", "2 companies", "2,500
draft requests", "1 day late" (issue 12 §5), in the officer's language (i18n.py).

Everything an officer reads on the terminal with a number in it goes through `count` here
or through a whole `ngettext` sentence, so no message says "1 companies" or
"compan(y|ies)", and the Japanese says "2社", "2,500件": a count is an ngettext whose
forms carry the number as `{n}`, written with thousands separators.
"""

from __future__ import annotations

from .i18n import _, ngettext


def count(number: int, singular: str, plural: str) -> str:
    """`2500, "{n} draft request", "{n} draft requests"` → "2,500 draft requests" (Japanese:
    the catalog's one form, e.g. "2,500件の要請案")."""
    number = int(number)
    return ngettext(singular, plural, number).format(n=f"{number:,}")


def company_status(status: str) -> str:
    """A company's status as a sentence says it: "recorded as applied" for a company without
    a Code of Conduct date (it has applied, it is not enrolled), else the status itself."""
    return _("recorded as applied") if status == "applied" else status
