"""The letters of the US→JP flow: the relay to a company, the reminder, and the reply to DoD.

A relay letter must say that cooperation is voluntary and that a company which cannot
help should still answer (DOMAIN.md §7; the flyer's Q3: 「あくまでも、可能な範囲での任意の
協力」): a US priority rating binds nobody in Japan, and the desk owes DoD an answer for
every company it asked. The reply to DoD restates that cooperation is voluntary and
marks the companies' data as business confidential (BIS-999 practice).

The reply goes to the US government, so it names a company only where `sosa company
export --to usg` would send it (exporting.py): enrolled, with consent to share with
the US government. Any other company's answer is still reported, without its name or
NCAGE, so DoD learns the outcome without the company's identity; asks.reply records an
`export` for each company named.

The builders only read: the commands in asks.py record the relay, the reminder or the
reply first, then issue the letter in the same transaction, so a letter rendered through
`sosa letter render` for a record that has not reached that point is refused.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from . import config
from .errors import SosaError
from .letters import (
    EN_SETTINGS,
    JA_SETTINGS,
    RECORDS,
    LetterFacts,
    Target,
    company_addressee,
    company_fields,
    letter_kind,
)

RELAY_SUBJECT = "米国国防省からの納期の前倒しに係る協力依頼について（依頼）"
REMINDER_SUBJECT = "米国国防省からの納期の前倒しに係る協力依頼への回答について（再依頼）"
REPLY_SUBJECT = "Reply to the Department of Defense Request for Priority Delivery Support under the Japan–U.S. Security of Supply Arrangement"

DECISION_JA = {"accept": "協力可能", "partial": "一部協力可能", "decline": "協力困難", "no-response": "回答なし"}
DECISION_EN = {"accept": "accepted", "partial": "partially accepted", "decline": "declined", "no-response": "no response"}
# A company that withdrew before answering was not chased (asks.py): it owes no answer
# any more, so the reply says it left rather than that it stayed silent.
WITHDRAWN_EN = "withdrew from the Arrangement before answering"
# Why a company's name is kept out of the reply; the first that applies is printed.
WITHHELD_EN = {
    "withdrawn": "A former participating company (name withheld: withdrawn from the Arrangement)",
    "no-consent": "A participating company (name withheld: no consent to share with the U.S. Government)",
    "suspended": "A participating company (name withheld: participation suspended)",
}


def _ask_target(conn: sqlite3.Connection, record: str, company: str | None) -> Target:
    from .asks import get_ask, get_relay
    from .register import get_company

    ask = get_ask(conn, record)
    if company is None:
        return Target(ask.key)
    found = get_company(conn, company)
    get_relay(ask, found.key)  # refuses a company this ask was not relayed to
    return Target(ask.key, found.id, found.key)


RECORDS["A"] = _ask_target


def _ask_fields(ask) -> dict[str, Any]:
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


def _items(ask) -> list[dict[str, Any]]:
    return [
        {
            "position": i.position,
            "part_number": i.part_number,
            "nsn": i.nsn,
            "description": i.description,
            "quantity": i.quantity,
            "current_date": i.current_date,
            "requested_date": i.requested_date,
        }
        for i in ask.items
    ]


def _relay_fields(relay) -> dict[str, Any]:
    return {
        "status": relay.status,
        "sent_on": relay.sent_on,
        "answer_by": relay.answer_by,
        "original_answer_by": relay.original_answer_by,
        "reminders": relay.reminders,
        "last_reminded_on": relay.last_reminded_on,
    }


def _company_facts(conn: sqlite3.Connection, target: Target, kind: str):
    from .asks import get_ask, get_relay
    from .register import get_company

    if target.company_key is None:
        raise SosaError(f"a {kind} letter goes to one company", hint="add --company C-…")
    ask = get_ask(conn, target.record)
    relay = get_relay(ask, target.company_key)
    company = get_company(conn, target.company_key)
    addressee, to = company_addressee(company)
    fields = {
        "ask": _ask_fields(ask),
        "items": _items(ask),
        "relay": _relay_fields(relay),
        "company": company_fields(company),
    }
    return ask, relay, addressee, to, fields


@letter_kind("relay", language="ja", record="A", subject=RELAY_SUBJECT, settings=JA_SETTINGS, takes_company=True)
def _relay(conn: sqlite3.Connection, target: Target) -> LetterFacts:
    """Relay (依頼) of a US ask to one company: voluntary cooperation, answer by a date."""
    _, _, addressee, to, fields = _company_facts(conn, target, "relay")
    return LetterFacts(addressee=addressee, to=to, fields=fields)


def _first_letter(conn: sqlite3.Connection, ask_key: str, company_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT doc_number, letter_date FROM letters WHERE kind = 'relay' AND record = ? AND company_id = ? AND status = 'issued'"
        " ORDER BY id DESC LIMIT 1",
        (ask_key, company_id),
    ).fetchone()
    return {"number": row["doc_number"], "date": row["letter_date"]} if row else None


@letter_kind(
    "reminder", language="ja", record="A", subject=REMINDER_SUBJECT, settings=JA_SETTINGS, takes_company=True, once=False
)
def _reminder(conn: sqlite3.Connection, target: Target) -> LetterFacts:
    """Reminder (再依頼) to a company that has not answered a relay by its answer-by date."""
    ask, relay, addressee, to, fields = _company_facts(conn, target, "reminder")
    # remind() records the reminder (count, new answer-by date) before issuing this letter.
    if relay.status != "reminded":
        raise SosaError(
            f"the relay of {ask.key} to {target.company_key} is {relay.status}: a reminder is sent by `sosa ask remind`",
            hint=f"`sosa ask remind {ask.key}` reminds the companies whose answers are overdue",
        )
    fields["first_letter"] = _first_letter(conn, ask.key, target.company_id)
    return LetterFacts(addressee=addressee, to=to, fields=fields)


def _withheld(company) -> str | None:
    """Why the reply may not name a company (a WITHHELD_EN key), or None: it may.

    The rule of `sosa company export --to usg`: enrolled and consenting. Withdrawal ends
    the participation the consent was given under.
    """
    if company["status"] == "withdrawn":
        return "withdrawn"
    if not company["share_usg"]:
        return "no-consent"
    if company["status"] != "enrolled":
        return "suspended"
    return None


@letter_kind("reply", language="en", record="A", subject=REPLY_SUBJECT, settings=EN_SETTINGS)
def _reply(conn: sqlite3.Connection, target: Target) -> LetterFacts:
    """Reply to DoD with every company's answer to a relayed ask."""
    from .asks import get_ask

    if target.company_key is not None:
        raise SosaError("the reply goes to DoD, not to a company", hint="drop --company")
    ask = get_ask(conn, target.record)
    if ask.status not in ("replied", "closed"):
        raise SosaError(
            f"{ask.key} is {ask.status}: the reply records every company's answer",
            hint=f"`sosa ask reply {ask.key}` issues it",
        )
    companies = {
        r["key"]: r
        for r in conn.execute(
            "SELECT c.key, c.name_en, c.ncage, c.status, c.share_usg FROM relays r JOIN companies c ON c.id = r.company_id WHERE r.ask_id = ?",
            (ask.id,),
        )
    }
    answers = []
    for relay in ask.relays:
        company = companies[relay.company_key]
        decision = relay.decision or "no-response"
        if decision == "no-response" and company["status"] == "withdrawn":
            decision, decision_en = "withdrawn", WITHDRAWN_EN
        else:
            decision_en = DECISION_EN[decision]
        withheld = _withheld(company)
        # The snapshot is what went to DoD: a withheld company's name is not in it at
        # all, and `name_en` carries the placeholder, so an officer's own template
        # printing `a.name_en` cannot disclose it either.
        answers.append(
            {
                "company_key": relay.company_key,  # the desk's own key: the templates do not print it
                "named": withheld is None,
                "withheld": withheld,
                "name_en": company["name_en"] if withheld is None else WITHHELD_EN[withheld],
                "name_ja": relay.company_name if withheld is None else None,
                "ncage": company["ncage"] if withheld is None else None,
                "decision": decision,
                "decision_en": decision_en,
                "committed_date": relay.committed_date,
                "quantity": relay.quantity,
                "note": relay.note,
            }
        )
    counts = {d.replace("-", "_"): sum(1 for a in answers if a["decision"] == d) for d in (*DECISION_EN, "withdrawn")}
    relayed_on = min((r.sent_on for r in ask.relays), default=None)
    addressee = (config.load().get("dod_addressee") or "U.S. Department of Defense").splitlines()[0]
    return LetterFacts(
        addressee=addressee,
        to={"organisation": addressee},
        fields={
            "ask": {**_ask_fields(ask), "relayed_on": relayed_on},
            "items": _items(ask),
            "answers": answers,
            "counts": {**counts, "total": len(answers)},
        },
    )

