"""Record keys: `C-0001` company, `D-0001` delay, `R-0001` request, `A-0001` ask, `L-0001` letter.

Keys are case-insensitive on input and printed upper-case with at least four digits.
"""

from __future__ import annotations

import re

from .errors import SosaError

KINDS = {"C": "company", "D": "delay", "R": "request", "A": "ask", "L": "letter"}
_KEY = re.compile(r"^\s*([A-Za-z])-?0*(\d+)\s*$")


def format_key(prefix: str, number: int) -> str:
    return f"{prefix}-{number:04d}"


def parse_key(value: str, prefix: str) -> int:
    """The number inside a key of the given kind; refuses a key of another kind."""
    match = _KEY.match(value or "")
    if not match or match.group(1).upper() != prefix or int(match.group(2)) == 0:
        raise SosaError(
            f"{value!r} is not a {KINDS[prefix]} key",
            hint=f"{KINDS[prefix]} keys look like {format_key(prefix, 1)}",
        )
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
