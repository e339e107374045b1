"""What needs the desk's attention today, most urgent first (`sosa status`).

Gathered with one query per kind of work, whatever the number of records, and without
Jinja, YAML or sqlite-utils, so the command an officer runs every morning starts fast.

- overdue relays: a company's answer to a relayed US ask is past its answer-by date
  (asks.relay_state; remind with `sosa ask remind`), for enrolled companies only: one
  that withdrew or is suspended is not chased;
- asks whose DoD reply-by date is past, or within `ask_reply_warning_days` 開庁日
  (default 5), and not yet replied;
- asks replied in part (`sosa ask reply --partial`), until the supplement is sent;
- JP→US requests past their follow-up date (sent or acknowledged, as
  `requests.list_requests(overdue=True)`);
- US suppliers' deadlines to accept or reject a rated order (15 CFR 700.13(d)),
  nearest first;
- draft requests not yet sent (no date: listed last).

And first, before any of these: the Litestream replica of the database (replica.py), when
one is configured and its newest copy is older than `replica_max_age` (default one hour)
while the database has changed since, or when it was never written.

A long list stays readable, and cheap to gather, on a large register: more than `LONG`
items of one kind show as their count and the `FEW` most urgent (`every=True`, `sosa
status --all`, lists them all). Each query fetches at most `LONG + 1` rows, and counts the
rest only when there are more. Working days are counted from one table of the 開庁日
ahead, built once, not day by day for each ask.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .clock import today as desk_today
from .i18n import _
from .words import count

DEFAULT_REPLY_WARNING_DAYS = 5
LONG = 10  # more items than this of one kind are summarised…
FEW = 5  # …as their count and this many, the most urgent
# Among items due the same day: the ones the desk acts on first.
RANK = {
    "relay-overdue": 0,
    "reply-due": 1,
    "supplement-due": 1,
    "request-follow-up": 2,
    "supplier-deadline": 3,
    "draft-request": 4,
    "replica": 5,  # listed before everything else (attention())
}


@dataclass
class Attention:
    """One thing to do: when it is due, what it is, the record, and a line of detail."""

    due: str | None  # ISO date; None for work without a date (a draft request)
    kind: str  # one of RANK
    what: str
    record: str | None  # None on the line that counts a long list
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


# How each kind's count reads: "2,500 draft requests not sent".
COUNTED = {
    "relay-overdue": lambda n: count(n, "{n} company's answer overdue", "{n} companies' answers overdue"),
    "reply-due": lambda n: count(n, "{n} reply to DoD due or overdue", "{n} replies to DoD due or overdue"),
    "supplement-due": lambda n: count(n, "{n} supplement to a reply awaited by DoD", "{n} supplements to replies awaited by DoD"),
    "request-follow-up": lambda n: count(n, "{n} request follow-up overdue", "{n} request follow-ups overdue"),
    "supplier-deadline": lambda n: count(
        n, "{n} supplier's deadline to accept or reject a rated order", "{n} suppliers' deadlines to accept or reject a rated order"
    ),
    "draft-request": lambda n: count(n, "{n} draft request not sent", "{n} draft requests not sent"),
}


def _gather(conn: sqlite3.Connection, columns: str, source: str, args: Any, order: str, limit: int | None) -> tuple[list[sqlite3.Row], int]:
    """The rows of one kind of work, most urgent first, at most `limit` of them; and how many there are."""
    rows = conn.execute(f"SELECT {columns} FROM {source} ORDER BY {order}" + ("" if limit is None else f" LIMIT {limit}"), args).fetchall()
    if limit is None or len(rows) < limit:
        return rows, len(rows)
    return rows, conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {source})", args).fetchone()[0]


def _summarised(kind: str, items: list[Attention], total: int) -> list[Attention]:
    if total <= LONG:
        return items
    first = items[0]
    return [
        Attention(
            due=first.due,
            kind=kind,
            what=COUNTED[kind](total),
            record=None,
            detail=_("the {few} most urgent follow; `sosa status --all` lists every one").format(few=FEW),
            overdue=first.overdue,
        ),
        *items[:FEW],
    ]


def _overdue_relays(conn: sqlite3.Connection, day: date, reply_days: int, limit: int | None) -> tuple[list[Attention], int]:
    # Stored sent/reminded, ask still relayed, company still enrolled, answer-by date
    # passed (the same rule as asks.relay_state).
    rows, total = _gather(
        conn,
        "a.key AS ask, a.dod_ref, c.key AS company, c.name_ja, r.answer_by, r.reminders, r.last_reminded_on",
        "relays r JOIN asks a ON a.id = r.ask_id JOIN companies c ON c.id = r.company_id"
        " WHERE a.status = 'relayed' AND c.status = 'enrolled' AND r.status IN ('sent', 'reminded') AND r.answer_by < ?",
        (day.isoformat(),),
        "r.answer_by, a.id, c.id",
        limit,
    )
    items = []
    for row in rows:
        who = {"company": row["company"], "name": row["name_ja"], "ref": row["dod_ref"]}
        if row["reminders"]:
            detail = _("{company} {name} has not answered {ref}; reminded {n}× (last {last})").format(**who, n=row["reminders"], last=row["last_reminded_on"])
        else:
            detail = _("{company} {name} has not answered {ref}; not yet reminded").format(**who)
        items.append(
            Attention(
                due=row["answer_by"],
                kind="relay-overdue",
                what=_("company's answer overdue"),
                record=row["ask"],
                company=row["company"],
                detail=detail,
                overdue=True,
            )
        )
    return items, total


def _replies_due(conn: sqlite3.Connection, day: date, reply_days: int, limit: int | None) -> tuple[list[Attention], int]:
    """Asks not yet replied whose DoD reply-by date is past or within `reply_days` 開庁日."""
    from .calendar import add_jp_working_days, is_jp_working_day

    # A reply-by date before the (reply_days + 1)-th 開庁日 ahead is at most reply_days
    # away; the days up to it are counted once here, for every ask.
    cutoff = add_jp_working_days(day, reply_days + 1)
    ahead: dict[str, int] = {}
    counted, current = 0, day
    while current < cutoff:
        current += timedelta(days=1)
        counted += is_jp_working_day(current)
        ahead[current.isoformat()] = counted
    iso = day.isoformat()
    rows, total = _gather(
        conn,
        "a.key, a.dod_ref, a.status, a.reply_by, COUNT(r.id) AS relays, SUM(CASE WHEN r.status IN ('answered', 'no-response') THEN 1 ELSE 0 END) AS answered",
        "asks a LEFT JOIN relays r ON r.ask_id = a.id WHERE a.status IN ('received', 'relayed') AND a.reply_by < ? GROUP BY a.id",
        (cutoff.isoformat(),),
        "a.reply_by, a.id",
        limit,
    )
    items = []
    for row in rows:
        past = row["reply_by"] < iso
        if row["status"] == "received":
            progress = _("not yet relayed to any company")
        else:
            companies = count(row["relays"], "{n} company", "{n} companies")
            progress = _("{answered} of {companies} answered").format(answered=row["answered"] or 0, companies=companies)
        if past:
            when = _("passed")
        elif row["reply_by"] == iso:
            when = _("today")
        else:
            days = ahead[row["reply_by"]]
            when = _("in {days} 開庁日").format(days=days) if days else _("before the next 開庁日")
        items.append(
            Attention(
                due=row["reply_by"],
                kind="reply-due",
                what=_("reply to DoD overdue") if past else _("reply to DoD due"),
                record=row["key"],
                detail=_("{ref}: reply-by date {when}; {progress}").format(ref=row["dod_ref"], when=when, progress=progress),
                overdue=past,
            )
        )
    return items, total


def _supplements_due(conn: sqlite3.Connection, day: date, reply_days: int, limit: int | None) -> tuple[list[Attention], int]:
    """Asks replied with --partial: listed until the supplement forwards the answers awaited."""
    if conn.execute("SELECT 1 FROM asks WHERE status = 'partly-replied' LIMIT 1").fetchone() is None:
        return [], 0  # the asks module (~50 ms to import) only when one is
    from .asks import awaiting_supplement

    found = awaiting_supplement(conn)
    items = [
        Attention(
            due=a.due,
            kind="supplement-due",
            what=_("supplement to DoD due") if a.ready(day) else _("supplement to DoD: answers awaited"),
            record=a.key,
            detail=a.detail(day),
            overdue=a.ready(day) and a.due < day.isoformat(),
        )
        for a in sorted(found, key=lambda a: (a.due, a.key))
    ]
    return items[:limit] if limit is not None else items, len(items)


REQUESTS = "requests r JOIN companies c ON c.id = r.company_id WHERE "
REQUEST_COLUMNS = "r.key, r.status, r.follow_up_on, r.supplier_deadline, r.rating, r.dod_ref, r.created_at, c.key AS company, c.name_ja"


def _follow_ups(conn: sqlite3.Connection, day: date, reply_days: int, limit: int | None) -> tuple[list[Attention], int]:
    """Requests sent or acknowledged and past their follow-up date (as `requests.list_requests(overdue=True)`)."""
    where = "r.status IN ('sent', 'acknowledged') AND r.follow_up_on < ?"
    rows, total = _gather(conn, REQUEST_COLUMNS, REQUESTS + where, (day.isoformat(),), "r.follow_up_on, r.id", limit)
    items = [
        Attention(
            due=row["follow_up_on"],
            kind="request-follow-up",
            what=_("request follow-up overdue"),
            record=row["key"],
            company=row["company"],
            detail=(_("{status} for {company} {name}; DoD ref {ref}") if row["dod_ref"] else _("{status} for {company} {name}")).format(
                status=row["status"], company=row["company"], name=row["name_ja"], ref=row["dod_ref"]
            ),
            overdue=True,
        )
        for row in rows
    ]
    return items, total


def _supplier_deadlines(conn: sqlite3.Connection, day: date, reply_days: int, limit: int | None) -> tuple[list[Attention], int]:
    """Rated orders' deadlines to accept or reject (15 CFR 700.13(d)), nearest first."""
    where = "r.status = 'rated' AND r.supplier_deadline IS NOT NULL"
    rows, total = _gather(conn, REQUEST_COLUMNS, REQUESTS + where, (), "r.supplier_deadline, r.id", limit)
    iso = day.isoformat()
    items = []
    for row in rows:
        past = row["supplier_deadline"] < iso
        items.append(
            Attention(
                due=row["supplier_deadline"],
                kind="supplier-deadline",
                what=_("supplier's deadline to accept or reject"),
                record=row["key"],
                company=row["company"],
                detail=(_("{rating} order for {company} {name}; the deadline has passed") if past else _("{rating} order for {company} {name}")).format(
                    rating=row["rating"], company=row["company"], name=row["name_ja"]
                ),
                overdue=past,
            )
        )
    return items, total


def _drafts(conn: sqlite3.Connection, day: date, reply_days: int, limit: int | None) -> tuple[list[Attention], int]:
    """Draft requests not yet sent, oldest first (no date: listed last)."""
    rows, total = _gather(conn, REQUEST_COLUMNS, REQUESTS + "r.status = 'draft'", (), "r.created_at, r.id", limit)
    items = [
        Attention(
            due=None,
            kind="draft-request",
            what=_("draft request not sent"),
            record=row["key"],
            company=row["company"],
            detail=_("for {company} {name}, opened {opened}; send with `sosa request send {key}`").format(
                company=row["company"], name=row["name_ja"], opened=row["created_at"][:10], key=row["key"]
            ),
        )
        for row in rows
    ]
    return items, total


def _replica(conn: sqlite3.Connection, profile) -> list[Attention]:
    """The replica line: a copy never written, or changes the replica has not had for too long.

    Nothing (one `stat`) when no Litestream configuration exists beside the office profile;
    nothing for a database the configuration does not name (the demo's, a copy's).
    """
    from . import replica
    from .errors import SosaError

    path = getattr(conn, "path", None)
    if path is None or not replica.config_file().exists():
        return []
    try:
        setup = replica.configured(path)
    except SosaError as exc:
        return [Attention(due=None, kind="replica", what=_("replica configuration unreadable"), record=None, detail=str(exc), overdue=True)]
    if setup is None or setup.target is None:
        return []
    found = replica.status(conn, setup, profile=profile)
    if found.problem is not None:
        return [Attention(due=None, kind="replica", what=_("replica not checked"), record=None, detail=found.problem, overdue=True)]
    if not found.stale:
        return []
    command = f"litestream replicate -config {setup.config}"
    if found.position is None:
        detail = _("{target} holds no copy of the database yet: is `{command}` running?").format(target=setup.target, command=command)
        return [Attention(due=None, kind="replica", what=_("replica never written"), record=None, detail=detail, overdue=True)]
    waiting = found.oldest_waiting
    assert found.age is not None and waiting is not None
    from .clock import local_time

    detail = _(
        "the newest copy in {target} is {age} old, and {changes} made since (the first #{id} at {time}) are not in it: is `{command}` running? "
        "(`sosa db replica status`)"
    ).format(
        target=setup.target,
        age=replica.span(found.age),
        changes=count(found.waiting, "{n} change", "{n} changes"),
        id=waiting.id,
        time=local_time(waiting.at),
        command=command,
    )
    return [Attention(due=None, kind="replica", what=_("replica behind"), record=None, detail=detail, overdue=True)]


KINDS = (_overdue_relays, _replies_due, _supplements_due, _follow_ups, _supplier_deadlines, _drafts)


def attention(
    conn: sqlite3.Connection,
    *,
    on: date | None = None,
    reply_days: int | None = None,
    profile=None,
    every: bool = False,
) -> list[Attention]:
    """Everything that needs attention on `on` (default today), most urgent first.

    A kind with more than `LONG` items shows as one line counting them and the `FEW`
    most urgent, unless `every`.
    """
    day = on or desk_today()
    if reply_days is None:
        if profile is None:
            from . import config

            profile = config.load()
        reply_days = _reply_warning_days(profile)
    found: list[Attention] = []
    for gather in KINDS:
        items, total = gather(conn, day, reply_days, None if every else LONG + 1)
        found.extend(items if every else _summarised(items[0].kind, items, total) if items else [])
    # Dated work by date (the overdue come first, being earliest), undated last; a
    # count stands before the items it counts.
    found.sort(key=lambda a: (a.due is None, a.due or "", RANK[a.kind], a.record or "", a.company or ""))
    # A register at risk of being lost comes before the work in it.
    return _replica(conn, profile) + found
