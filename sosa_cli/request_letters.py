"""The letters of the JP→US flow: the request to DoD and the outcome notice to the company.

The request letter is ATLA's sponsorship of the request (15 CFR 700.57): it must show
the urgent need and the efforts already made (700.53), item by item, and mark the
company's data as business confidential (BIS-999 practice).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from . import config
from .errors import SosaError
from .letters import EN_SETTINGS, JA_SETTINGS, RECORDS, LetterFacts, Target, company_addressee, company_fields, letter_kind

REQUEST_SUBJECT = "Request for Priority Delivery Support under the Japan–U.S. Security of Supply Arrangement"
OUTCOME_SUBJECT = "米国製品の納入遅延に係る優先支援の要請結果について（通知）"

ACTION_EN = {
    "rating": "a priority rating (DPAS) of the orders below",
    "spa": "special priorities assistance for the orders below",
    "expedite": "expedited delivery of the orders below",
}
URGENCY_EN = {
    "routine": "Routine: the delay affects planned production or maintenance.",
    "urgent": "Urgent: the delay will affect the readiness of the Japan Self-Defense Forces.",
    "critical": "Critical: the delay is affecting, or will shortly affect, operations of the Japan Self-Defense Forces.",
}
OUTCOME_JA = {
    "resolved": "米国側の支援により納期が改善され、必要時期に間に合う見込みとなりました。",
    "partial": "米国側の支援により納期は一部改善されましたが、必要時期に間に合わない品目が残っています。",
    "unresolved": "米国側に要請を行いましたが、納期の改善には至りませんでした。",
    "withdrawn": "本要請は取り下げました。",
}
ACTION_JA = {"rating": "優先格付（DPAS）", "spa": "特別優先支援", "expedite": "納期の早期化"}


def _request_target(conn: sqlite3.Connection, record: str, company: str | None) -> Target:
    from .requests import get_request

    request = get_request(conn, record)
    company_id = conn.execute("SELECT company_id FROM requests WHERE id = ?", (request.id,)).fetchone()[0]
    return Target(request.key, company_id, request.company_key)


RECORDS["R"] = _request_target


def _delay_item(delay) -> dict[str, Any]:
    return {
        "key": delay.key,
        "program": delay.program,
        "supplier": delay.supplier,
        "supplier_cage": delay.supplier_cage,
        "po": delay.po,
        "part_number": delay.part_number,
        "nsn": delay.nsn,
        "description": delay.description,
        "quantity": delay.quantity,
        "need_date": delay.need_date,
        "original_promised_date": delay.original_promised_date,
        "promised_date": delay.promised_date,
        "impact": delay.impact,
        "efforts": delay.efforts,
        "status": delay.status,
    }


def _facts(conn: sqlite3.Connection, target: Target) -> tuple[Any, Any, dict[str, Any]]:
    from .register import get_company
    from .requests import get_request

    request = get_request(conn, target.record)
    company = get_company(conn, request.company_key)
    fields = {
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
    return request, company, fields


def _sent_by_send(conn: sqlite3.Connection, target: Target) -> None:
    """The request letter is issued by `sosa request send`, which marks the request sent
    in the same step: issued on its own, it would be a letter DoD has that the register
    says was never sent (and a draft's letter would go stale as its delays change)."""
    from .requests import get_request

    request = get_request(conn, target.record)
    if request.status == "draft":
        raise SosaError(
            f"{request.key} is a draft: its letter is issued when it is sent",
            hint=f"sosa request send {request.key} (or --draft to preview the letter)",
        )


@letter_kind("request", language="en", record="R", subject=REQUEST_SUBJECT, settings=EN_SETTINGS, guard=_sent_by_send)
def _request(conn: sqlite3.Connection, target: Target) -> LetterFacts:
    """Request to DoD for priority support (ATLA's sponsorship under the SoSA)."""
    request, company, fields = _facts(conn, target)
    if request.status in ("closed", "withdrawn"):
        raise SosaError(f"{request.key} is {request.status}: a finished request is not sent")
    fields["request"]["action_en"] = ACTION_EN[request.action]
    fields["request"]["urgency_en"] = URGENCY_EN[request.urgency]
    addressee = (config.load().get("dod_addressee") or "U.S. Department of Defense").splitlines()[0]
    return LetterFacts(addressee=addressee, to={"organisation": addressee}, fields=fields)


@letter_kind("outcome", language="ja", record="R", subject=OUTCOME_SUBJECT, settings=JA_SETTINGS)
def _outcome(conn: sqlite3.Connection, target: Target) -> LetterFacts:
    """Notice (通知) to the company behind a request of what came of it."""
    request, company, fields = _facts(conn, target)
    if request.status not in ("closed", "withdrawn"):
        raise SosaError(
            f"{request.key} is {request.status}: the outcome notice follows the close",
            hint=f"sosa request close {request.key} --outcome …",
        )
    if request.sent_on is None:
        raise SosaError(f"{request.key} was withdrawn before it was sent: DoD was never asked, so there is no outcome to notify")
    fields["request"]["outcome_ja"] = OUTCOME_JA[request.outcome]
    fields["request"]["action_ja"] = ACTION_JA[request.action]
    addressee, to = company_addressee(company)
    return LetterFacts(addressee=addressee, to=to, fields=fields)
