"""Field rules shared by every record: text, dates, flags, lists, and how problems are reported.

One set of rules serves options, YAML files and corrections, so a value refused in one
place is refused in all of them, and every problem in an input is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import identifiers
from .calendar import parse_date
from .errors import SosaError

Rule = Callable[[Any], Any]
Rules = Mapping[str, tuple[Rule, bool]]  # field name → (rule, required)

MAX_TEXT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Bytes that are not UTF-8 reach Python from the command line as lone surrogates.
_NOT_UTF8 = re.compile(r"[\ud800-\udfff]")
# Kana, kanji, Japanese punctuation (、。「」 and the ideographic space) and the full-width
# and half-width forms a Japanese IME types: none of them may reach an English letter
# (DOMAIN.md §7: every name, program and note it prints has an English form).
_JAPANESE = re.compile("[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")
_TRUE = {"true", "yes", "y", "1", "on", "はい"}
_FALSE = {"false", "no", "n", "0", "off", "いいえ"}
LANGUAGES = ("ja", "en")


@dataclass
class Problem:
    """One thing wrong with one field, for reporting as `file:line: field: message`."""

    field: str
    message: str
    line: int | None = None

    def render(self, source: str | None = None) -> str:
        where = ":".join(str(p) for p in (source, self.line) if p is not None)
        return f"{where + ': ' if where else ''}{self.field}: {self.message}"


class Invalid(SosaError):
    """Several problems at once: every one of them is reported, not just the first."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = problems
        self.source = source
        lines = [p.render(source) for p in problems]
        super().__init__(lines[0] if len(lines) == 1 else f"{len(lines)} problems:\n" + "\n".join(lines))


def text(value: Any, *, multiline: bool = False) -> str:
    if isinstance(value, (list, tuple)):
        value = "; ".join(text(v) for v in value)
    if not isinstance(value, str):
        raise SosaError("must be text")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise SosaError(f"is {len(value)} characters long; at most {MAX_TEXT}")
    if _NOT_UTF8.search(value):
        raise SosaError("is not valid UTF-8 text (check the terminal's or the file's encoding)")
    if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        raise SosaError("contains control characters")
    return value


def japanese_character(value: str) -> str | None:
    """The first Japanese or full-width character in `value`, or None."""
    found = _JAPANESE.search(value)
    return found.group() if found else None


def english(option: str, *, multiline: bool = False) -> Rule:
    """The rule for text an English letter prints: refuses Japanese and full-width
    characters, naming `option` (as the officer typed it, e.g. --program-en)."""

    def rule(value: Any) -> str:
        clean = text(value, multiline=multiline)
        found = japanese_character(clean)
        if found:
            shown = "a full-width space" if found.isspace() else f"「{found}」"
            raise SosaError(f"has Japanese or full-width characters ({shown}); {option} is printed in English letters, so write it in English")
        return clean

    return rule


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SosaError(f"{value!r} is not yes or no")


def iso_date(value: Any) -> str:
    return parse_date(value).isoformat()


def fsc_list(value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value))
    codes = [identifiers.fsc(str(v)) for v in items if str(v).strip()]
    return sorted(set(codes))


def language(value: Any) -> str:
    value = text(value).lower()
    if value not in LANGUAGES:
        raise SosaError(f"{value!r} is not a letter language; use ja or en")
    return value


def apply_rules(
    raw: Mapping[str, Any],
    rules: Rules,
    prefix: str,
    lines: Mapping[str, int],
    problems: list[Problem],
    *,
    partial: bool = False,
) -> dict[str, Any]:
    """Check every field of `raw` against `rules`, appending each problem; return the clean values.

    `partial=True` is for corrections: required fields may be absent, not blank.
    """
    clean: dict[str, Any] = {}
    for name, value in raw.items():
        path = prefix + name
        if name not in rules:
            known = ", ".join(rules)
            problems.append(Problem(path, f"unknown field (known fields: {known})", lines.get(path)))
            continue
        rule, required = rules[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                problems.append(Problem(path, "is required", lines.get(path)))
            else:
                clean[name] = None
            continue
        try:
            clean[name] = rule(value)
        except SosaError as exc:
            problems.append(Problem(path, exc.message, lines.get(path)))
    if not partial:
        for name, (_, required) in rules.items():
            if required and name not in raw:
                problems.append(Problem(prefix + name, "is required", lines.get(prefix.rstrip(".")) or lines.get("")))
    return clean
