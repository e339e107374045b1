"""Field rules shared by every record: text, dates, flags, lists, and how problems are reported.

One set of rules serves options, YAML files and corrections, so a value refused in one
place is refused in all of them, and every problem in an input is reported at once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import identifiers
from .calendar import format_wareki, parse_date
from .clock import today
from .errors import SosaError
from .i18n import N_, _, ngettext

Rule = Callable[[Any], Any]
Rules = Mapping[str, tuple[Rule, bool]]  # field name → (rule, required)

MAX_TEXT = 2000
# C0 and C1 controls (U+0085 among them), the line and paragraph separators U+2028 and
# U+2029 (a line break that is not \\n), and the bidirectional embeddings, overrides and
# isolates U+202A–U+202E and U+2066–U+2069, which make a name or a note display in
# another order than the one stored (Trojan Source, CVE-2021-42574).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Zero-width spaces and joiners, the word joiner and the byte-order mark: invisible, they
# make two equal names differ and a search miss; pasted from web pages and PDFs, they go.
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
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
    hint: str | None = dataclasses.field(default=None, kw_only=True)  # what to do, when the rule knows ("drop the T")

    def where(self, source: str | None) -> str:
        return ":".join(str(p) for p in (source, self.line) if p is not None)

    def render(self, source: str | None = None, *, with_hint: bool = True) -> str:
        where = self.where(source)
        # The place and the field stay as they are (a file's path, a key); what is wrong,
        # and the hint around it, in the officer's language, as errors.py words a hint.
        message = _("{message} ({hint})").format(message=self.message, hint=self.hint) if with_hint and self.hint else self.message
        return f"{where + ': ' if where else ''}{self.field}: {message}"


class Invalid(SosaError):
    """Several problems at once: every one of them is reported, not just the first."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = problems
        self.source = source
        if len(problems) == 1:  # one problem: its hint goes where every refusal's hint goes
            super().__init__(problems[0].render(source, with_hint=False), hint=problems[0].hint)
            return
        lines = [p.render(source) for p in problems]
        n = len(lines)
        super().__init__(ngettext("{n} problem:", "{n} problems:", n).format(n=n) + "\n" + "\n".join(lines))


def text(value: Any, *, multiline: bool = False) -> str:
    if isinstance(value, (list, tuple)):
        value = "; ".join(text(v) for v in value)
    if not isinstance(value, str):
        raise SosaError(_("must be text"))
    typed = _ZERO_WIDTH.sub("", value)
    value = typed.strip()
    if len(value) > MAX_TEXT:
        raise SosaError(_("is {n} characters long; at most {most}").format(n=len(value), most=MAX_TEXT))
    if _NOT_UTF8.search(value):
        raise SosaError(_("is not valid UTF-8 text (check the terminal's or the file's encoding)"))
    # Python's strip() also removes U+0085, U+2028 and U+2029 from the ends, so look for
    # controls in the text as typed, less the ordinary spaces and line ends around it.
    found = _CONTROL.search(typed.strip(" \t\n\r"))
    if found:
        raise SosaError(_("contains control characters ({code}); type it again without them").format(code=f"U+{ord(found.group()):04X}"))
    if not multiline and ("\n" in value or "\r" in value):
        raise SosaError(_("contains control characters (a line break); give it on one line"))
    return value


# An officer's name or login, as the audit trail records it on every entry.
MAX_USER = 64


def officer(value: str) -> str:
    """`SOSA_USER`, checked: the audit trail signs every change with it, so it must name
    someone, on one line, in at most MAX_USER characters."""
    try:
        name = text(value)
    except SosaError as exc:
        raise SosaError(_("SOSA_USER {problem}").format(problem=exc.message), hint=_("set it to your name or login")) from None
    if not name or len(name) > MAX_USER:
        if not name:
            why = _("SOSA_USER is blank: the audit trail records who made each change")
        else:
            why = _("SOSA_USER is {n} characters long; at most {most}: the audit trail records who made each change").format(n=len(name), most=MAX_USER)
        raise SosaError(why, hint=_("set it to your name or login, or unset it to use the OS user"))
    return name


def control_character(value: str) -> str | None:
    """The first control, line/paragraph separator or bidi override in `value`, or None."""
    found = _CONTROL.search(value)
    return found.group() if found else None


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
            shown = _("a full-width space") if found.isspace() else f"「{found}」"
            raise SosaError(
                _("has Japanese or full-width characters ({shown}); {option} is printed in English letters, so write it in English").format(
                    shown=shown, option=option
                )
            )
        return clean

    return rule


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SosaError(_("{value!r} is not yes or no").format(value=value))


# The day the Japan–US Security of Supply Arrangement was signed (DOMAIN.md §1): no
# company accepted its Code of Conduct before it.
ARRANGEMENT_SIGNED = date(2023, 1, 12)
# A delivery, an answer or a deadline the desk records lies within this many years of
# today; a date further off is a typo (0001-01-01, 令和100年), not a plan.
PLAUSIBLE_YEARS = 20


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


def _shown(day: date) -> str:
    try:
        return f"{day.isoformat()} ({format_wareki(day)})"
    except SosaError:  # before 昭和: no 和暦 to show
        return day.isoformat()


# The refusals of a date rule as whole sentences, one for each `since` and `what` a rule
# is made with, so that a translation words each one as its language must. A rule made
# with words not listed here still refuses, in the composed English sentence (and
# tests/test_i18n_company.py fails until its sentence is listed here).
_BEFORE = {
    "the arrangement was signed": N_("{day} is before the arrangement was signed ({earliest}); check the year"),
}
_FUTURE = {
    "date": N_("{day} is after today ({today}): a date cannot be in the future"),
    "date received": N_("{day} is after today ({today}): a date received cannot be in the future"),
    "day a rating reached the supplier": N_("{day} is after today ({today}): a day a rating reached the supplier cannot be in the future"),
    "Code of Conduct acceptance": N_("{day} is after today ({today}): a Code of Conduct acceptance cannot be in the future"),
}


def dated(*, earliest: date | None = None, since: str = "", past: bool = False, what: str = "date") -> Rule:
    """The rule for a date field: a real date, within PLAUSIBLE_YEARS of today, and, where
    the field says so, not before `earliest` (`since` says why) and not after today
    (`past`: a day something already happened, such as a date received or sent).

    `since` and `what` name a sentence of `_BEFORE` and `_FUTURE`: add a new one there."""
    before = _BEFORE.get(since) or "{day} is before " + since.replace("{", "{{").replace("}", "}}") + " ({earliest}); check the year"
    future = _FUTURE.get(what) or "{day} is after today ({today}): a " + what.replace("{", "{{").replace("}", "}}") + " cannot be in the future"

    def rule(value: Any) -> str:
        day = parse_date(value)
        now = today()
        if earliest is not None and day < earliest:
            raise SosaError(_(before).format(day=_shown(day), earliest=earliest.isoformat()))
        if past and day > now:
            raise SosaError(_(future).format(day=_shown(day), today=now.isoformat()))
        if day < _years_from(now, -PLAUSIBLE_YEARS):
            raise SosaError(
                _("{day} is more than {years} years before today ({today}); check the year").format(
                    day=_shown(day), years=PLAUSIBLE_YEARS, today=now.isoformat()
                )
            )
        if day > _years_from(now, PLAUSIBLE_YEARS):
            raise SosaError(
                _("{day} is more than {years} years after today ({today}); check the year").format(
                    day=_shown(day), years=PLAUSIBLE_YEARS, today=now.isoformat()
                )
            )
        return day.isoformat()

    return rule


# Any date an officer types for a record: a real date, within PLAUSIBLE_YEARS of today.
iso_date = dated()
# A day something already happened (a letter received, a rating recorded, a relay sent).
past_date = dated(past=True)


def _codes(value: Any, rule: Rule) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value))
    return sorted({rule(str(v)) for v in items if str(v).strip()})


def fsc_list(value: Any) -> list[str]:
    """Supply classes (FSC) of parts, e.g. 5935, as a list or separated by commas or spaces."""
    return _codes(value, identifiers.fsc)


def psc_list(value: Any) -> list[str]:
    """Service codes (PSC), e.g. J015, as a list or separated by commas or spaces."""
    return _codes(value, identifiers.psc)


def language(value: Any) -> str:
    value = text(value).lower()
    if value not in LANGUAGES:
        raise SosaError(_("{value!r} is not a letter language; use ja or en").format(value=value))
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
            problems.append(Problem(path, _("unknown field (known fields: {known})").format(known=known), lines.get(path)))
            continue
        rule, required = rules[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                problems.append(Problem(path, _("is required"), lines.get(path)))
            else:
                clean[name] = None
            continue
        try:
            clean[name] = rule(value)
        except SosaError as exc:
            problems.append(Problem(path, exc.message, lines.get(path), hint=exc.hint))
    if not partial:
        for name, (_rule, required) in rules.items():
            if required and name not in raw:
                problems.append(Problem(prefix + name, _("is required"), lines.get(prefix.rstrip(".")) or lines.get("")))
    return clean
