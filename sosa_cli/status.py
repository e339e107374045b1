"""What needs the desk's attention today, most urgent first (`sosa status`).

Gathered with one query per kind of work, whatever the number of records, and without
Jinja, YAML or sqlite-utils, so the command an officer runs every morning starts fast.

- overdue relays: a company's answer to a relayed US ask is past its answer-by date
  (asks.relay_state; remind with `sosa ask remind`), for enrolled companies only: one
  that withdrew or is suspended is not chased;
- asks whose DoD reply-by date is past, or within `ask_reply_warning_days` 開庁日
  (default 5), and not yet replied;
- JP→US requests past their follow-up date (sent or acknowledged, as
  `requests.list_requests(overdue=True)`);
- US suppliers' deadlines to accept or reject a rated order (15 CFR 700.13(d)),
  nearest first;
- draft requests not yet sent (no date: listed last).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from .clock import today as desk_today

DEFAULT_REPLY_WARNING_DAYS = 5
# Among items due the same day: the ones the desk acts on first.
RANK = {
    "relay-overdue": 0,
    "reply-due": 1,
    "request-follow-up": 2,
    "supplier-deadline": 3,
    "draft-request": 4,
}


@dataclass
class Attention:
    """One thing to do: when it is due, what it is, the record, and a line of detail."""

    due: str | None  # ISO date; None for work without a date (a draft request)
    kind: str  # one of RANK
    what: str
    record: str
    detail: str
    company: str | None = None
    overdue: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "kind": self.kind,
            "what": self.what,
            "record": self.record,
            "company": self.company,
            "detail": self.detail,
            "overdue": self.overdue,
        }


def _reply_warning_days(profile) -> int:
    value = profile.get("ask_reply_warning_days") if profile is not None else None
    return int(value) if value else DEFAULT_REPLY_WARNING_DAYS


def attention(conn: sqlite3.Connection, *, on: date | None = None, reply_days: int | None = None, profile=None) -> list[Attention]:
    """Everything that needs attention on `on` (default today), most urgent first."""
    from .calendar import jp_working_days_between

    day = on or desk_today()
    iso = day.isoformat()
    if reply_days is None:
        if profile is None:
            from . import config

            profile = config.load()
        reply_days = _reply_warning_days(profile)
    found: list[Attention] = []

    # Overdue relays: stored sent/reminded, ask still relayed, company still enrolled,
    # answer-by date passed (the same rule as asks.relay_state).
    for row in conn.execute(
        """
        SELECT a.key AS ask, a.dod_ref, c.key AS company, c.name_ja, r.answer_by, r.reminders, r.last_reminded_on
        FROM relays r JOIN asks a ON a.id = r.ask_id JOIN companies c ON c.id = r.company_id
        WHERE a.status = 'relayed' AND c.status = 'enrolled' AND r.status IN ('sent', 'reminded') AND r.answer_by < ?
        """,
        (iso,),
    ):
        reminded = f"; reminded {row['reminders']}× (last {row['last_reminded_on']})" if row["reminders"] else "; not yet reminded"
        found.append(
            Attention(
                due=row["answer_by"],
                kind="relay-overdue",
                what="company's answer overdue",
                record=row["ask"],
                company=row["company"],
                detail=f"{row['company']} {row['name_ja']} has not answered {row['dod_ref']}{reminded}",
                overdue=True,
            )
        )

    # Asks not yet replied whose DoD reply-by date is near or past.
    for row in conn.execute(
        """
        SELECT a.key, a.dod_ref, a.status, a.reply_by,
               COUNT(r.id) AS relays,
               SUM(CASE WHEN r.status IN ('answered', 'no-response') THEN 1 ELSE 0 END) AS answered
        FROM asks a LEFT JOIN relays r ON r.ask_id = a.id
        WHERE a.status IN ('received', 'relayed')
        GROUP BY a.id
        """
    ):
        ahead = jp_working_days_between(day, date.fromisoformat(row["reply_by"]))
        if ahead > reply_days:
            continue
        past = row["reply_by"] < iso
        if row["status"] == "received":
            progress = "not yet relayed to any company"
        else:
            progress = f"{row['answered'] or 0} of {row['relays']} companies answered"
        if past:
            when = "passed"
        elif row["reply_by"] == iso:
            when = "today"
        else:
            when = f"in {ahead} 開庁日" if ahead else "before the next 開庁日"
        found.append(
            Attention(
                due=row["reply_by"],
                kind="reply-due",
                what="reply to DoD overdue" if past else "reply to DoD due",
                record=row["key"],
                detail=f"{row['dod_ref']}: reply-by date {when}; {progress}",
                overdue=past,
            )
        )

    # JP→US requests: follow-ups past, suppliers' deadlines, drafts. One query.
    for row in conn.execute(
        """
        SELECT r.key, r.status, r.follow_up_on, r.supplier_deadline, r.rating, r.dod_ref, r.created_at,
               c.key AS company, c.name_ja
        FROM requests r JOIN companies c ON c.id = r.company_id
        WHERE (r.status IN ('sent', 'acknowledged') AND r.follow_up_on < ?)
           OR (r.status = 'rated' AND r.supplier_deadline IS NOT NULL)
           OR r.status = 'draft'
        """,
        (iso,),
    ):
        if row["status"] == "draft":
            found.append(
                Attention(
                    due=None,
                    kind="draft-request",
                    what="draft request not sent",
                    record=row["key"],
                    company=row["company"],
                    detail=f"for {row['company']} {row['name_ja']}, opened {row['created_at'][:10]}; send with `sosa request send {row['key']}`",
                )
            )
        elif row["status"] == "rated":
            past = row["supplier_deadline"] < iso
            found.append(
                Attention(
                    due=row["supplier_deadline"],
                    kind="supplier-deadline",
                    what="supplier's deadline to accept or reject",
                    record=row["key"],
                    company=row["company"],
                    detail=f"{row['rating']} order for {row['company']} {row['name_ja']}" + ("; the deadline has passed" if past else ""),
                    overdue=past,
                )
            )
        else:
            found.append(
                Attention(
                    due=row["follow_up_on"],
                    kind="request-follow-up",
                    what="request follow-up overdue",
                    record=row["key"],
                    company=row["company"],
                    detail=f"{row['status']} for {row['company']} {row['name_ja']}" + (f"; DoD ref {row['dod_ref']}" if row["dod_ref"] else ""),
                    overdue=True,
                )
            )

    # Dated work by date (the overdue come first, being earliest), undated last.
    found.sort(key=lambda a: (a.due is None, a.due or "", RANK[a.kind], a.record, a.company or ""))
    return found
