"""How sosa words what it counts on the terminal: "1 company", "2 companies", "2,500
draft requests", "1 day late" (issue 12 §5). Letters spell small numbers out in their
own style (letters/templates.py `count`); everything an officer reads on the terminal
goes through `count` here, so no message says "1 companies" or "compan(y|ies)".
"""

from __future__ import annotations


def noun(number: int, singular: str, plural: str | None = None) -> str:
    """The noun that agrees with `number`: `plural` (default: singular + "s") unless it is 1."""
    return singular if int(number) == 1 else (plural or singular + "s")


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`2500, "draft request"` → "2,500 draft requests"; `1, "company", "companies"` → "1 company"."""
    return f"{int(number):,} {noun(number, singular, plural)}"


def part_of(part: int, whole: int, singular: str, plural: str | None = None, verbs: tuple[str, str] = ("has", "have")) -> str:
    """`1, 4, "company", "companies"` → "1 of 4 companies has"; `2, 4, …` → "2 of 4 companies have"."""
    return f"{int(part):,} of {count(whole, singular, plural)} {noun(part, *verbs)}"


def company_status(status: str) -> str:
    """A company's status as a sentence says it: "recorded as applied" for a company without
    a Code of Conduct date (it has applied, it is not enrolled), else the status itself."""
    return "recorded as applied" if status == "applied" else status
