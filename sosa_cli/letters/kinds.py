"""The kinds of letter the desk writes, and the facts each one is filled with.

A builder receives records (the company, the request, the ask and its relay) that the
domain modules have loaded, never keys, and never reads the settings file: the office
profile reaches the letter through `register.issue()`. What a builder returns is the
letter's snapshot, kept in the register, so it is plain JSON.

The wording of each kind is one template, `templates/<language>/<kind>.xml.j2`; this
module decides only *which facts* a letter may print. Two rules live here because they
decide what leaves the desk:

* The reply to DoD names a company only where `sosa company export --to usg` would send
  it (enrolled, consenting to share with the U.S. Government) *and* its relay letter told
  it that its answer and name would be given to DoD (DOMAIN.md §7). Any other company's
  acceptance is reported without its name; its decline or silence is only counted.
* Refusals that depend on a record's state (an outcome notice before the close, a
  request letter for a draft) are checked by the builder, since every path that issues
  the letter comes through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import SosaError
from ..i18n import _

LANGUAGES = ("ja", "en")
# Settings every Japanese letter prints: sender, 担当 block.
JA_SETTINGS = ("sender_title", "division", "contact_section", "contact_name", "contact_phone", "contact_email")
# Settings every English letter to DoD prints: letterhead, reference, inside address,
# signature, and the desk officer named as the point of contact.
EN_SETTINGS = (
    "division_en",
    "address_en",
    "telephone_en",
    "country_en",
    "doc_prefix_en",
    "dod_addressee",
    "dod_salutation",
    "sender_name_en",
    "sender_title_en",
    "contact_name_en",
    "contact_phone",
    "contact_email",
)


@dataclass(frozen=True)
class Target:
    """The record a letter belongs to: its key, and the company for per-company kinds."""

    record: str  # its key, e.g. C-0001
    company_id: int | None = None
    company_key: str | None = None


@dataclass
class LetterFacts:
    """What a builder hands the wording: the addressee and the record's fields.

    `to` is the addressee as the letterhead lays it out (organisation, title, name,
    honorific; a None honorific is the office's `addressee_honorific`); `fields` are
    merged into the template context. Everything must be JSON, and no field may be named
    like a dict method (`items`, `keys`, `values`, `get`) where a template reads it with
    a dot.
    """

    to: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str
    language: str
    record: str  # key prefix of the record it belongs to: C, R, A
    description: str
    settings: tuple[str, ...] = ()
    takes_company: bool = False  # relay, reminder: one letter per (ask, company)
    # Whether a record has at most one issued letter of this kind, so that rendering it
    # again reproduces that letter instead of issuing another number.
    once: bool = True


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("enrollment", "ja", "C", "Notice (通知) to a company that it is registered as a SoSA participant.", JA_SETTINGS),
        Kind("request", "en", "R", "Request to DoD for priority support (ATLA's sponsorship under the SoSA, 15 CFR 700.57).", EN_SETTINGS),
        Kind("outcome", "ja", "R", "Notice (通知) to the company behind a request of what came of it.", JA_SETTINGS),
        Kind("relay", "ja", "A", "Relay (依頼) of a US ask to one company: voluntary cooperation, answer by a date.", JA_SETTINGS, takes_company=True),
        Kind(
            "reminder",
            "ja",
            "A",
            "Reminder (再依頼) to a company that has not answered a relay by its answer-by date.",
            JA_SETTINGS,
            takes_company=True,
            once=False,
        ),
        Kind("reply", "en", "A", "Reply to DoD with every company's answer to a relayed ask.", EN_SETTINGS),
        # Issued by `sosa ask reply --supplement` alone, after a partial reply; one per batch of late answers.
        Kind("reply-supplement", "en", "A", "Further letter to DoD forwarding the answers a partial reply said were awaited.", EN_SETTINGS, once=False),
    )
}


def get_kind(name: str) -> Kind:
    kind = KINDS.get((name or "").strip().lower())
    if kind is None:
        raise SosaError(_("{name!r} is not a kind of letter this version writes").format(name=name), hint=_("kinds: {kinds}").format(kinds=", ".join(KINDS)))
    return kind


# --- companies ------------------------------------------------------------------------------


def primary_contact(company: Any) -> Any:
    # The contact marked `role: primary`; otherwise the first one, which is the main
    # contact `sosa company update --contact-…` replaces.
    for contact in company.contacts:
        if (contact.role or "").strip().lower() in ("primary", "主担当"):
            return contact
    return company.contacts[0] if company.contacts else None


def company_to(company: Any) -> dict[str, Any]:
    """`<社名> <役職> <氏名> 殿` to a named contact, else `<社名> 御中` (DOMAIN.md §7).

    The honorific of a person is left to the office (`addressee_honorific`: 殿 or 様).
    """
    contact = primary_contact(company)
    if contact is None:
        return {"organisation": company.name_ja, "title": None, "name": None, "honorific": "御中"}
    return {"organisation": company.name_ja, "title": contact.title, "name": contact.name, "honorific": None}


def company_fields(company: Any) -> dict[str, Any]:
    """What any letter may print of a company (the same keys in every kind's context)."""
    return {
        "key": company.key,
        "name_ja": company.name_ja,
        "name_en": company.name_en,
        "corporate_number": company.corporate_number,
        "ncage": company.ncage,
        "address_ja": company.address_ja,
        "address_en": company.address_en,
        "coc_version": company.coc_version,
        "coc_accepted_on": company.coc_accepted_on,
        "share_usg": bool(company.share_usg),
        "share_primes": bool(company.share_primes),
    }


def enrollment(company: Any) -> LetterFacts:
    if company.status != "enrolled":
        hint = _("`sosa company update … --coc-accepted-on DATE` enrolls it") if company.status == "applied" else None
        raise SosaError(
            _("{company} {name} is {status}; an enrollment notice goes to an enrolled company").format(
                company=company.key, name=company.name_ja, status=company.status
            ),
            hint=hint,
        )
    contact = primary_contact(company)
    return LetterFacts(
        to=company_to(company),
        fields={
            "company": company_fields(company),
            "contact": None if contact is None else {"name": contact.name, "title": contact.title, "email": contact.email, "phone": contact.phone},
        },
    )


# --- JP→US requests ---------------------------------------------------------------------------

ACTION_EN = {
    "rating": "priority ratings under the Defense Priorities and Allocations System (DPAS) for the orders listed below",
    "spa": "special priorities assistance under the Defense Priorities and Allocations System (DPAS) for the orders listed below",
    "expedite": "expedited delivery of the orders listed below",
}
URGENCY_EN = {
    "routine": "The delay affects planned production or maintenance for the Japan Self-Defense Forces.",
    "urgent": "The delay will affect the readiness of the Japan Self-Defense Forces.",
    "critical": "The delay is affecting, or will shortly affect, operations of the Japan Self-Defense Forces.",
}
ACTION_JA = {
    "rating": "米国の国防優先度・割当制度（DPAS）に基づく優先格付の付与",
    "spa": "米国の国防優先度・割当制度（DPAS）に基づく特別優先支援",
    "expedite": "納期の早期化に係る支援",
}
OUTCOME_JA = {"resolved": "遅延解消", "partial": "一部解消", "unresolved": "未解消", "withdrawn": "要請取下げ"}
OUTCOME_TEXT_JA = {
    "resolved": "米国側の支援により納期が改善され、必要時期に間に合う見込みとなりました。",
    "partial": "米国側の支援により納期は一部改善されましたが、必要時期に間に合わない品目が残っています。",
    "unresolved": "米国側に要請を行いましたが、納期の改善には至りませんでした。",
    "withdrawn": "本要請は取り下げました。",
}
# A delay's state after its request closed, as the outcome notice words it.
DELAY_OUTCOME_JA = {"resolved": "遅延解消", "unresolved": "未解消", "open": "要請取下げ（引き続き管理）"}


def _delay_item(delay: Any) -> dict[str, Any]:
    return {
        "key": delay.key,
        "program": delay.program,
        "program_en": getattr(delay, "program_en", None),
        "supplier": delay.supplier,
        "supplier_cage": delay.supplier_cage,
        "supplier_address": getattr(delay, "supplier_address", None),
        "supplier_contact": getattr(delay, "supplier_contact", None),
        "po": delay.po,
        # A service (役務) has a description and its code (PSC), no part number or NSN.
        "service": getattr(delay, "kind", "part") == "service",
        "psc": getattr(delay, "psc", None),
        "part_number": delay.part_number,
        "nsn": delay.nsn,
        "description": delay.description,
        "quantity": delay.quantity,
        "unit": getattr(delay, "unit", None) or "EA",
        "rating_sought": getattr(delay, "rating_sought", None),
        # The delay record names its JSDF service itself (delays.SERVICE_BRANCHES).
        "service_branch_ja": getattr(delay, "service_branch_ja", None),
        "service_branch_en": getattr(delay, "service_branch_en", None),
        "contract": getattr(delay, "contract", None),
        "need_date": delay.need_date,
        "original_promised_date": delay.original_promised_date,
        "promised_date": delay.promised_date,
        "impact": delay.impact,
        "efforts": delay.efforts,
        "status": delay.status,
        "outcome_ja": DELAY_OUTCOME_JA.get(delay.status, delay.status),
    }


def _request_fields(request: Any, company: Any) -> dict[str, Any]:
    return {
        "request": {
            "key": request.key,
            "status": request.status,
            "action": request.action,
            "urgency": request.urgency,
            "dod_ref": request.dod_ref,
            "rating": request.rating,
            "committed_date": request.committed_date,
            "sent_on": request.sent_on,
            "outcome": request.outcome,
            "closed_on": request.closed_on,
        },
        "company": company_fields(company),
        "items": [_delay_item(d) for d in request.delays],
    }


def request(request: Any, company: Any) -> LetterFacts:
    """The request to DoD; issued by `sosa request send`, which marks it sent in the same step."""
    if request.status in ("closed", "withdrawn"):
        raise SosaError(_("{key} is {status}: a finished request is not sent").format(key=request.key, status=request.status))
    fields = _request_fields(request, company)
    fields["request"]["action_en"] = ACTION_EN[request.action]
    fields["request"]["urgency_en"] = URGENCY_EN[request.urgency]
    return LetterFacts(to={"organisation": "U.S. Department of Defense", "honorific": None}, fields=fields)


def request_guard(request: Any) -> None:
    """Only `sosa request send` issues the request letter: issued on its own, it would be a
    letter DoD has that the register says was never sent."""
    if request.status == "draft":
        raise SosaError(
            _("{key} is a draft: its letter is issued when it is sent").format(key=request.key),
            hint=_("sosa request send {key} (or --draft to preview the letter)").format(key=request.key),
        )


def outcome(request: Any, company: Any) -> LetterFacts:
    if request.status not in ("closed", "withdrawn"):
        raise SosaError(
            _("{key} is {status}: the outcome notice follows the close").format(key=request.key, status=request.status),
            hint=f"sosa request close {request.key} --outcome …",
        )
    if request.sent_on is None:
        raise SosaError(_("{key} was withdrawn before it was sent: DoD was never asked, so there is no outcome to notify").format(key=request.key))
    fields = _request_fields(request, company)
    fields["request"]["outcome_ja"] = OUTCOME_JA[request.outcome]
    fields["request"]["outcome_text_ja"] = OUTCOME_TEXT_JA[request.outcome]
    fields["request"]["action_ja"] = ACTION_JA[request.action]
    return LetterFacts(to=company_to(company), fields=fields)


# --- US asks ---------------------------------------------------------------------------------

DECISION_JA = {"accept": "協力可能", "partial": "一部協力可能", "decline": "協力困難", "no-response": "未回答"}
DECISION_EN = {"accept": "accepted", "partial": "partially accepted", "decline": "declined", "no-response": "no response"}


def _ask_fields(ask: Any) -> dict[str, Any]:
    return {
        "key": ask.key,
        "status": ask.status,
        "dod_ref": ask.dod_ref,
        "received_on": ask.received_on,
        "program": ask.program,
        "reason": ask.reason,
        "reply_by": ask.reply_by,
        "replied_on": ask.replied_on,
        "asked_quantity": ask.asked_quantity,
    }


def _ask_items(ask: Any) -> list[dict[str, Any]]:
    return [
        {
            "position": i.position,
            "service": bool(getattr(i, "service", False)),
            "psc": getattr(i, "psc", None),
            "part_number": i.part_number,
            "nsn": i.nsn,
            "description": i.description,
            "quantity": i.quantity,
            "current_date": i.current_date,
            "requested_date": i.requested_date,
            "customer": getattr(i, "customer", None),
            "order_number": getattr(i, "order_number", None),
        }
        for i in ask.items
    ]


def _relay_fields(relay: Any) -> dict[str, Any]:
    return {
        "status": relay.status,
        "sent_on": relay.sent_on,
        "answer_by": relay.answer_by,
        "original_answer_by": relay.original_answer_by,
        "reminders": relay.reminders,
        "last_reminded_on": relay.last_reminded_on,
    }


def relay(ask: Any, relay_: Any, company: Any) -> LetterFacts:
    """The relay letter: it tells a company that consented to sharing with the U.S.
    Government that its answer, with its name, will be given to DoD; the reply names only
    companies so told (`disclose_to_dod` in the snapshot)."""
    fields = {
        "ask": _ask_fields(ask),
        "items": _ask_items(ask),
        "relay": {**_relay_fields(relay_), "disclose_to_dod": bool(company.share_usg)},
        "company": company_fields(company),
    }
    return LetterFacts(to=company_to(company), fields=fields)


def reminder(ask: Any, relay_: Any, company: Any, first_letter: dict[str, Any] | None) -> LetterFacts:
    # remind() records the reminder (count, new answer-by date) before issuing this letter.
    if relay_.status != "reminded":
        raise SosaError(
            _("the relay of {ask} to {company} is {status}: a reminder is sent by `sosa ask remind`").format(
                ask=ask.key, company=company.key, status=relay_.status
            ),
            hint=_("`sosa ask remind {ask}` reminds the companies whose answers are overdue").format(ask=ask.key),
        )
    facts = relay(ask, relay_, company)
    facts.fields["first_letter"] = first_letter
    return facts


# Why the reply may not name a company; the first that applies is printed.
WITHHELD_EN = {
    "withdrawn": "withdrawn from the Arrangement",
    "no-consent": "no consent to share with the U.S. Government",
    "suspended": "participation suspended",
    "not-told": "not told when asked that its name would be given to the Department",
}


def _withheld(company: Any, told: bool) -> str | None:
    """Why the reply may not name a company (a WITHHELD_EN key), or None: it may."""
    if company.status == "withdrawn":
        return "withdrawn"
    if not company.share_usg:
        return "no-consent"
    if company.status != "enrolled":
        return "suspended"
    if not told:
        return "not-told"
    return None


# Relay states in which the company has not answered yet (asks.WAITING).
_WAITING = ("sent", "overdue", "reminded")


def _answer(relay_: Any, company: Any, told: bool) -> dict[str, Any]:
    """One company's answer as a reply may give it; a withheld company's name is not in it at all,
    so an officer's own template cannot disclose it either."""
    decision = relay_.decision or "no-response"
    withheld = _withheld(company, told)
    return {
        "company_key": relay_.company_key,  # the desk's own key: the wording does not print it
        "named": withheld is None,
        "withheld": withheld,
        "name_en": company.name_en if withheld is None else None,
        "ncage": company.ncage if withheld is None else None,
        "left": company.status == "withdrawn",
        "decision": decision,
        "decision_en": DECISION_EN[decision],
        "committed_date": relay_.committed_date,
        "quantity": relay_.quantity,
        "note": relay_.note,
        "note_en": getattr(relay_, "note_en", None),
        "reminded": bool(relay_.reminders),
        "answer_by": relay_.answer_by,
    }


def _answer_fields(ask: Any, reported: list[Any], waiting: list[Any], companies: dict[str, Any], told: Callable[[str], bool]) -> dict[str, Any]:
    """What a reply or its supplement says of the companies: the answers it reports, and the
    answers still awaited (`pending`: a partial reply promises to forward them)."""
    answers = [_answer(r, companies[r.company_key], told(r.company_key)) for r in reported]
    counts = {d.replace("-", "_"): sum(1 for a in answers if a["decision"] == d) for d in DECISION_EN}
    unnamed = [a for a in answers if not a["named"] and a["decision"] in ("decline", "no-response")]
    awaited = [_answer(r, companies[r.company_key], told(r.company_key)) for r in waiting]
    return {
        "ask": {**_ask_fields(ask), "relayed_on": min((r.sent_on for r in ask.relays), default=None), "relayed_to": len(ask.relays)},
        "items": _ask_items(ask),
        "answers": [a for a in answers if a["named"] or a["decision"] in ("accept", "partial")],
        "counts": {**counts, "total": len(answers)},
        "unnamed": {
            "decline": sum(1 for a in unnamed if a["decision"] == "decline"),
            "no_response": sum(1 for a in unnamed if a["decision"] == "no-response"),
        },
        "pending": {
            "count": len(awaited),
            "answer_by": max((a["answer_by"] for a in awaited), default=None),
            "named": [{k: a[k] for k in ("company_key", "name_en", "ncage", "answer_by")} for a in awaited if a["named"]],
            "unnamed": sum(1 for a in awaited if not a["named"]),
            # The desk's own keys (not printed): what a supplement must forward.
            "company_keys": [a["company_key"] for a in awaited],
        },
        # Every company the letter names, with its answer or as still awaited.
        "disclosed": [a["company_key"] for a in answers + awaited if a["named"]],
    }


def reply(ask: Any, companies: dict[str, Any], told: Callable[[str], bool], *, on: str) -> LetterFacts:
    """The reply to DoD. `companies` maps each relayed company's key to its record;
    `told(key)` says whether that company's relay letter said its name would be given.

    A company still waiting for its answer-by date when the ask was replied in part
    (`sosa ask reply --partial`) is not reported: the letter says its answer is awaited
    and will be forwarded in a supplement (`reply_supplement`).
    """
    if ask.status not in ("replied", "partly-replied", "closed"):
        raise SosaError(
            _("{ask} is {status}: the reply records every company's answer").format(ask=ask.key, status=ask.status),
            hint=_("`sosa ask reply {ask}` issues it").format(ask=ask.key),
        )
    waiting = [r for r in ask.relays if r.status in _WAITING]
    reported = [r for r in ask.relays if r.status not in _WAITING]
    return LetterFacts(to={"organisation": "U.S. Department of Defense", "honorific": None}, fields=_answer_fields(ask, reported, waiting, companies, told))


def reply_supplement(ask: Any, companies: dict[str, Any], told: Callable[[str], bool], *, earlier: dict[str, Any]) -> LetterFacts:
    """A further letter to DoD after a partial reply: the answers of the companies the
    earlier letter (`earlier`: its snapshot) said were still awaited, as they stand now,
    and those still awaited if this supplement is partial too."""
    awaited = set(earlier.get("pending", {}).get("company_keys") or [])
    if ask.status not in ("replied", "partly-replied") or not awaited:
        raise SosaError(
            _("{ask} is {status}: a supplement forwards answers a partial reply said were awaited").format(ask=ask.key, status=ask.status),
            hint=_("`sosa ask reply {ask} --supplement` sends one after `sosa ask reply {ask} --partial`").format(ask=ask.key),
        )
    relays = [r for r in ask.relays if r.company_key in awaited]
    waiting = [r for r in relays if r.status in _WAITING]
    reported = [r for r in relays if r.status not in _WAITING]
    if not reported:
        raise SosaError(
            _("no answer awaited on {ask} has arrived since {number}: there is nothing to forward").format(ask=ask.key, number=earlier["letter"]["number_en"])
        )
    fields = _answer_fields(ask, reported, waiting, companies, told)
    fields["earlier"] = {
        "number_en": earlier["letter"]["number_en"],
        "date": earlier["letter"]["date"],
        "awaited": len(awaited),
    }
    return LetterFacts(to={"organisation": "U.S. Department of Defense", "honorific": None}, fields=fields)
