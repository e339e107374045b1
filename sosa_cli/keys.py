"""Record keys: `C-0001` company, `D-0001` delay, `R-0001` request, `A-0001` ask, `L-0001` letter.

Keys are case-insensitive on input and printed upper-case with at least four digits.
"""

from __future__ import annotations

import re

from .errors import SosaError
from .i18n import N_, _

KINDS = {"C": "company", "D": "delay", "R": "request", "A": "ask", "L": "letter"}
# A key of the wrong kind, and what one of the right kind looks like: a whole sentence
# for each kind, so that each language words the kind as it must.
_NOT_A_KEY = {
    "C": (N_("{value!r} is not a company key"), N_("company keys look like {example}")),
    "D": (N_("{value!r} is not a delay key"), N_("delay keys look like {example}")),
    "R": (N_("{value!r} is not a request key"), N_("request keys look like {example}")),
    "A": (N_("{value!r} is not a ask key"), N_("ask keys look like {example}")),
    "L": (N_("{value!r} is not a letter key"), N_("letter keys look like {example}")),
}
_KEY = re.compile(r"^\s*([A-Za-z])-?0*(\d+)\s*$")


def format_key(prefix: str, number: int) -> str:
    return f"{prefix}-{number:04d}"


def parse_key(value: str, prefix: str) -> int:
    """The number inside a key of the given kind; refuses a key of another kind."""
    match = _KEY.match(value or "")
    if not match or match.group(1).upper() != prefix or int(match.group(2)) == 0:
        refusal, hint = _NOT_A_KEY[prefix]
        raise SosaError(_(refusal).format(value=value), hint=_(hint).format(example=format_key(prefix, 1)))
    return int(match.group(2))


def looks_like_key(value: str, prefix: str) -> bool:
    match = _KEY.match(value or "")
    return match is not None and match.group(1).upper() == prefix


def normalise_key(value: str) -> str | None:
    """`d-1` → `D-0001` for any kind of key; None when it is not a key at all."""
    match = _KEY.match(value or "")
    if not match or match.group(1).upper() not in KINDS or int(match.group(2)) == 0:
        return None
    return format_key(match.group(1).upper(), int(match.group(2)))
