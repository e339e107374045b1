"""Stored codes as a desk officer reads them on a terminal (issue 13 §1).

A record keeps its codes (`enrolled`, `partial`, `no-response`, `rating`…): the database,
piped lines, `--json`, exports and the audit trail carry them as they are, and scripts
depend on them. A TERMINAL table or card shows each known code in the officer's language,
through the catalog: `C_("value", "enrolled")` → 参加中 (GLOSSARY.md's words). English
shows the code itself, as before.

Which values are codes is decided by the column's key (`COLUMNS`), never by the value:
a company named "open" prints as typed. A value a column does not know prints as it is.
Cards mark their coded values themselves: `output.state()` for a status and what came
with it, `output.code()` for one coded value, `coded()` for a sentence with coded parts.

One context, "value", serves every code that has one Japanese word wherever it stands;
a code that needs two words has a context of its own for one of them: "partial" is an
"answer" (一部協力可能) and an "outcome" (一部解消), "withdrawn" a "company status"
(参加取りやめ) and elsewhere 取下げ.

The life cycles are tables in the domain (lifecycle.py, requests.py, asks.py, …); the
words are listed here one by one so that Babel finds them. tests/test_i18n_values.py
checks that every code of the domain has its word here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import C_, N_, _, language

Words = Mapping[str, str]

# The states of every life cycle (lifecycle.py): one word per code across the cycles,
# a company's "withdrawn" apart (COMPANY_STATUS).
STATUS: Words = {
    # company
    "applied": C_("value", "applied"),
    "enrolled": C_("value", "enrolled"),
    "suspended": C_("value", "suspended"),
    # letter
    "draft": C_("value", "draft"),
    "issued": C_("value", "issued"),
    "cancelled": C_("value", "cancelled"),
    # delay
    "open": C_("value", "open"),
    "escalated": C_("value", "escalated"),
    "resolved": C_("value", "resolved"),
    "unresolved": C_("value", "unresolved"),
    "closed": C_("value", "closed"),
    # request
    "sent": C_("value", "sent"),
    "acknowledged": C_("value", "acknowledged"),
    "rated": C_("value", "rated"),
    "supplier-accepted": C_("value", "supplier-accepted"),
    "declined": C_("value", "declined"),
    "withdrawn": C_("value", "withdrawn"),
    # ask
    "received": C_("value", "received"),
    "relayed": C_("value", "relayed"),
    "partly-replied": C_("value", "partly-replied"),
    "replied": C_("value", "replied"),
    # relay (a company's copy of an ask)
    "overdue": C_("value", "overdue"),
    "reminded": C_("value", "reminded"),
    "answered": C_("value", "answered"),
    "no-response": C_("value", "no-response"),
}
# A company's states where its word differs from the other cycles'.
COMPANY_STATUS: Words = {**STATUS, "withdrawn": C_("company status", "withdrawn")}

# A company's answer to a relayed ask (asks.DECISIONS).
ANSWER: Words = {
    "accept": C_("value", "accept"),
    "partial": C_("answer", "partial"),
    "decline": C_("value", "decline"),
    "no-response": C_("value", "no-response"),
}
# What came of a request (requests.OUTCOMES).
OUTCOME: Words = {
    "resolved": C_("value", "resolved"),
    "partial": C_("outcome", "partial"),
    "unresolved": C_("value", "unresolved"),
    "withdrawn": C_("value", "withdrawn"),
}
# How urgent a request is (requests.URGENCIES).
URGENCY: Words = {
    "routine": C_("value", "routine"),
    "urgent": C_("value", "urgent"),
    "critical": C_("value", "critical"),
}
# What a request asks DoD for (requests.ACTIONS): the column whose header is
# C_("request", "Action"); the audit trail's Action is a record and stays as recorded.
REQUEST_ACTION: Words = {
    "rating": C_("value", "rating"),
    "spa": C_("value", "spa"),
    "expedite": C_("value", "expedite"),
}
# Kinds: of letter (letters/kinds.py, and the letterhead and style of `letter templates`),
# of delay (part or service), and of work in `sosa status` (status.RANK).
KIND: Words = {
    "enrollment": C_("value", "enrollment"),
    "request": C_("value", "request"),
    "outcome": C_("value", "outcome"),
    "relay": C_("value", "relay"),
    "reminder": C_("value", "reminder"),
    "reply": C_("value", "reply"),
    "reply-supplement": C_("value", "reply-supplement"),
    "letterhead": C_("value", "letterhead"),
    "style": C_("value", "style"),
    "part": C_("value", "part"),
    "service": C_("value", "service"),
    "relay-overdue": C_("value", "relay-overdue"),
    "reply-due": C_("value", "reply-due"),
    "supplement-due": C_("value", "supplement-due"),
    "request-follow-up": C_("value", "request-follow-up"),
    "supplier-deadline": C_("value", "supplier-deadline"),
    "draft-request": C_("value", "draft-request"),
    "replica": C_("value", "replica"),
}
# Why a delay was closed without a request (delays.CLOSE_REASONS).
CLOSE_REASON: Words = {
    "recovered": C_("value", "recovered"),
    "withdrawn": C_("value", "withdrawn"),
    "not-eligible": C_("value", "not-eligible"),
}
# Who an export went to (exporting.TARGETS).
RECIPIENT: Words = {
    "usg": C_("value", "usg"),
    "primes": C_("value", "primes"),
    "internal": C_("value", "internal"),
}
# Where a later promised date came from (a delay's slips).
SLIP_SOURCE: Words = {
    "reported": C_("value", "reported"),
    "supplier": C_("value", "supplier"),
}
# True and False, as the desk's own export writes them (columns.YES_NO_JA).
YES = C_("value", "yes")
NO = C_("value", "no")

# The columns whose values are codes, by their key in the record.
COLUMNS: dict[str, Words] = {
    "status": STATUS,
    "decision": ANSWER,
    "answer": ANSWER,
    "outcome": OUTCOME,
    "urgency": URGENCY,
    "kind": KIND,
    "close_reason": CLOSE_REASON,
    "recipient": RECIPIENT,
    "to": RECIPIENT,
    "source": SLIP_SOURCE,
}
# Columns whose key means two things: coded only under the header of this context.
BY_HEADER: dict[tuple[str, str], Words] = {("action", "request"): REQUEST_ACTION}
# A status column's words by the record the row is (its key's letter): a company's own.
STATUS_OF: dict[str, Words] = {"C": COMPANY_STATUS}
# A card's status: the life cycle's words for the status, for what came with it (None:
# free text, shown as typed), and how the two stand together.
WITH_DETAIL = N_("{value} ({detail})")
CYCLES: dict[str, tuple[Words, Words | None, str]] = {
    "company": (COMPANY_STATUS, None, WITH_DETAIL),
    "letter": (STATUS, None, WITH_DETAIL),
    "delay": (STATUS, CLOSE_REASON, WITH_DETAIL),
    "request": (STATUS, OUTCOME, WITH_DETAIL),
    "ask": (STATUS, None, WITH_DETAIL),
    # A relay whose company is no longer enrolled (`sosa ask show`): sent (company withdrawn).
    "relay": (STATUS, COMPANY_STATUS, N_("{value} (company {detail})")),
}


def word(words: Words | None, value: Any) -> Any:
    """`value` in the officer's language if `words` knows it as a code, else as it is."""
    if words is not None and isinstance(value, str) and value in words:
        return _(words[value])
    return value


def column_words(key: str, header: str, row: Mapping[str, Any] | None = None) -> Words | None:
    """The codes a table column holds, from its key (and its header's context, and for a
    status the record the row is), or None for a column of free text."""
    context = str(getattr(header, "context", ""))
    if (key, context) in BY_HEADER:
        return BY_HEADER[key, context]
    if key == "status" and row is not None:
        record = row.get("key")
        if isinstance(record, str) and record[1:2] == "-" and record[:1] in STATUS_OF:
            return STATUS_OF[record[0]]
    return COLUMNS.get(key)


def boolean(value: bool) -> str:
    """はい / いいえ on a Japanese terminal; yes / no in English and when piped."""
    return _(YES if value else NO)


class Coded(str):
    """A card's value made of codes: the text as piped and as before (`str`), and the
    template and coded parts it is shown with on a terminal (`shown`)."""

    template: str | None
    parts: dict[str, tuple[Words | None, Any]]

    def shown(self) -> str:
        if language() == "en":
            return str(self)
        words = {name: word(known, value) for name, (known, value) in self.parts.items()}
        if self.template is None:  # one value, no sentence around it
            return str(next(iter(words.values())))
        return _(self.template).format(**words)


def coded(text: str, template: str | None, **parts: tuple[Words | None, Any]) -> Coded:
    """`text` as it is piped, shown on a terminal as `_(template)` (marked N_ where it is
    written) with each part `name=(words, value)` in words; a part whose words are None is
    free text. A template None shows the one part alone."""
    made = Coded(text)
    made.template = template
    made.parts = dict(parts)
    return made
