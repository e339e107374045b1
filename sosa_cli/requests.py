"""JP→US requests: ATLA asking DoD for priority (DPAS) support on delayed US parts.

ATLA's request letter is the foreign government's sponsorship of the request
(15 CFR 700.57). Once DoD has the Department of Commerce rate the order, the US
supplier must accept or reject it within 15 working days (DO) or 10 (DX)
(15 CFR 700.13(d)); the request keeps that deadline.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import audit, identifiers, lifecycle
from .calendar import add_us_working_days, parse_date
from .clock import now_utc, today
from .delays import Delay, get_delay, record_slip
from .delays import set_status as set_delay_status
from .errors import NotFound, SosaError
from .fields import dated, iso_date, text
from .i18n import N_, _
from .keys import format_key, parse_key
from .store import transaction

# What each action asks DoD for, as `request show` prints it (translated there).
ACTIONS = {
    "rating": N_("priority rating (DPAS) of the order"),
    "spa": N_("special priorities assistance"),
    "expedite": N_("expediting of delivery"),
}
URGENCIES = ("routine", "urgent", "critical")
OUTCOMES = ("resolved", "partial", "unresolved", "withdrawn")
# The outcomes a request may close with, from the state it is in. A request DoD
# declined, or whose rated order the supplier has not accepted, resolved nothing by
# DoD's help; the outcome notice must not tell the company otherwise.
CLOSE_OUTCOMES = {
    "declined": ("unresolved",),
    "rated": ("partial", "unresolved"),
    "supplier-accepted": ("resolved", "partial", "unresolved"),
}
# Statuses a request may be moved to with `request update --status`; closing and
# withdrawing go through `request close`, which also settles the delays.
SETTLED_BY_CLOSE = ("closed", "withdrawn")
OPEN_STATES = tuple(s for s in lifecycle.REQUEST.states if s not in SETTLED_BY_CLOSE)
DEFAULT_FOLLOW_UP_DAYS = 10
# A delay that lacks what a request must show (15 CFR 700.53), by the fields it lacks.
_NO_IMPACT_OR_EFFORTS = {
    ("impact",): N_("{delay} records no impact: a request must show the impact and the efforts already made"),
    ("efforts",): N_("{delay} records no efforts: a request must show the impact and the efforts already made"),
    ("impact", "efforts"): N_("{delay} records no impact and no efforts: a request must show the impact and the efforts already made"),
}


@dataclass
class Request:
    id: int
    key: str
    status: str
    action: str
    urgency: str
    company_key: str
    company_name: str
    dod_ref: str | None = None
    rating: str | None = None
    rated_on: str | None = None
    supplier_deadline: str | None = None
    committed_date: str | None = None
    sent_on: str | None = None
    follow_up_on: str | None = None
    outcome: str | None = None
    note: str | None = None
    closed_on: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    delays: list[Delay] = field(default_factory=list)

    @property
    def follow_up_overdue(self) -> bool:
        return self.follow_up_on is not None and self.status in ("sent", "acknowledged") and self.follow_up_on < today().isoformat()

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("id", "delays")}
        data["follow_up_overdue"] = self.follow_up_overdue
        data["delays"] = [d.as_dict() for d in self.delays]
        return data


_SELECT = """
    SELECT r.*, c.key AS company_key, c.name_ja AS company_name
    FROM requests r JOIN companies c ON c.id = r.company_id
"""


def _request(conn: sqlite3.Connection, row: sqlite3.Row, *, with_delays: bool = True) -> Request:
    data = {k: row[k] for k in row.keys() if k != "company_id"}
    delays = []
    if with_delays:
        delays = [
            get_delay(conn, d["key"])
            for d in conn.execute(
                "SELECT d.key FROM request_delays rd JOIN delays d ON d.id = rd.delay_id WHERE rd.request_id = ? ORDER BY d.id",
                (row["id"],),
            )
        ]
    return Request(**data, delays=delays)


def get_request(conn: sqlite3.Connection, ref: str) -> Request:
    number = parse_key(ref, "R")
    row = conn.execute(_SELECT + " WHERE r.id = ?", (number,)).fetchone()
    if row is None:
        raise NotFound(_("no request {key}").format(key=format_key("R", number)), hint=_("`sosa request list` shows the requests"))
    return _request(conn, row)


def list_requests(conn: sqlite3.Connection, *, status: str | None = None, company: str | None = None, overdue: bool = False) -> list[Request]:
    """Requests in key order; `overdue`: sent or acknowledged and past the follow-up date."""
    where: list[str] = []
    args: list[Any] = []
    if status:
        if status not in lifecycle.REQUEST.states:
            raise SosaError(
                _("{status!r} is not a request status").format(status=status),
                hint=_("use one of {values}").format(values=", ".join(lifecycle.REQUEST.states)),
            )
        where.append("r.status = ?")
        args.append(status)
    if company:
        from .register import get_company

        where.append("r.company_id = ?")
        args.append(get_company(conn, company).id)
    if overdue:
        where.append("r.status IN ('sent', 'acknowledged') AND r.follow_up_on < ?")
        args.append(today().isoformat())
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.id"
    return [_request(conn, row) for row in conn.execute(sql, args)]


def _choice(value: str, allowed, refusal: str) -> str:
    """`value` if it is one of `allowed`; else `refusal` (marked with N_, `{value!r}` in it)."""
    value = (value or "").strip().lower()
    if value not in allowed:
        raise SosaError(_(refusal).format(value=value), hint=_("use one of {values}").format(values=", ".join(allowed)))
    return value


def open_request(conn: sqlite3.Connection, delay_refs: list[str], *, action: str = "rating", urgency: str = "urgent") -> Request:
    """Open a draft request covering open delays of one company."""
    action = _choice(action, ACTIONS, N_("{value!r} is not a requested action"))
    urgency = _choice(urgency, URGENCIES, N_("{value!r} is not a urgency"))
    if not delay_refs:
        raise SosaError(_("a request needs at least one delay"), hint=_("e.g. sosa request open D-0001"))
    with transaction(conn):
        # The same delay named twice (D-0001, d-1) is one delay.
        delays = list({d.id: d for d in (get_delay(conn, ref) for ref in delay_refs)}.values())
        for delay in delays:
            if delay.status == "escalated":
                raise SosaError(
                    _("{delay} is already in request {request}").format(delay=delay.key, request=delay.request_key),
                    hint=_("a delay sits in one open request at a time"),
                )
            if delay.status != "open":
                raise SosaError(_("{delay} is {status}: only open delays can be put in a request").format(delay=delay.key, status=delay.status))
            if delay.days_late <= 0:
                # 15 CFR 700.53: no assistance for delivery earlier than needed.
                raise SosaError(
                    _("{delay} is now promised for {promised}, by its need date {need}: there is nothing to ask DoD for").format(
                        delay=delay.key, promised=delay.promised_date, need=delay.need_date
                    ),
                    hint=_("close it with `sosa delay close {delay} --reason recovered`").format(delay=delay.key),
                )
            missing = [name for name in ("impact", "efforts") if not getattr(delay, name)]
            if missing:
                # 15 CFR 700.53: DoD assists only where the urgent need and the efforts
                # already made are shown; the letter must not claim what is not recorded.
                raise SosaError(
                    _(_NO_IMPACT_OR_EFFORTS[tuple(missing)]).format(delay=delay.key),
                    hint=f"sosa delay update {delay.key} " + " ".join(f'--{name} "…"' for name in missing),
                )
        companies = {d.company_key for d in delays}
        if len(companies) > 1:
            raise SosaError(
                _("these delays come from {n} companies ({companies})").format(n=len(companies), companies=", ".join(sorted(companies))),
                hint=_("open one request per company, so each outcome notice has one addressee"),
            )
        company_id = conn.execute("SELECT company_id FROM delays WHERE key = ?", (delays[0].key,)).fetchone()[0]
        _require_enrolled(conn, company_id, N_("{company} {name} is {status}: a request is opened only for an enrolled company"))
        number = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM requests").fetchone()[0]
        key = format_key("R", number)
        stamp = now_utc()
        conn.execute(
            "INSERT INTO requests (id, key, company_id, status, action, urgency, created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)",
            (number, key, company_id, action, urgency, stamp, stamp),
        )
        conn.executemany("INSERT INTO request_delays (request_id, delay_id) VALUES (?, ?)", [(number, delay.id) for delay in delays])
        # The request's entry first, carrying its rows; then each delay's, carrying the delay's.
        audit.record(conn, "open", key, after={"status": "draft", "action": action, "urgency": urgency, "delays": [d.key for d in delays]})
        for delay in delays:
            set_delay_status(conn, delay, "escalated", action="escalate", reason=key)
        return get_request(conn, key)


def _require_enrolled(conn: sqlite3.Connection, company_id: int, refusal: str) -> None:
    """Refuse with `refusal` (marked with N_: `{company}`, `{name}`, `{status}`) unless the company is enrolled."""
    # A company that withdrew or is suspended has its data sent to DoD no more.
    row = conn.execute("SELECT key, name_ja, status FROM companies WHERE id = ?", (company_id,)).fetchone()
    if row["status"] != "enrolled":
        raise SosaError(_(refusal).format(company=row["key"], name=row["name_ja"], status=row["status"]))


def _move(request: Request, target: str, changes: dict[str, Any]) -> None:
    lifecycle.REQUEST.check(request.key, request.status, target)
    changes["status"] = target


def mark_sent(conn: sqlite3.Connection, ref: str, *, follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS) -> Request:
    """Mark a draft request sent and set its follow-up date (US working days ahead).

    Call it inside the transaction that issues the request letter.
    """
    with transaction(conn):
        request = get_request(conn, ref)
        changes: dict[str, Any] = {}
        _move(request, "sent", changes)
        _require_enrolled(
            conn,
            conn.execute("SELECT company_id FROM requests WHERE id = ?", (request.id,)).fetchone()[0],
            N_("{company} {name} is {status}: a request is sent only for an enrolled company"),
        )
        sent_on = today()
        changes["sent_on"] = sent_on.isoformat()
        changes["follow_up_on"] = add_us_working_days(sent_on, follow_up_days).isoformat()
        _save(conn, request, changes, action="send")
        return get_request(conn, request.key)


def send(conn: sqlite3.Connection, ref: str, *, fmt: str = "md", out: str | None = None, emit: Callable[[str | bytes], None] | None = None):
    """Issue the English request letter to DoD and mark the request sent, as one change.

    Returns the request and the letter (`letters.LetterResult`). With `out="-"`, `emit`
    prints the letter inside the transaction: a letter that cannot be printed is not sent.
    """
    from . import config, issuing
    from .register import get_company

    profile = config.load()
    days = int(profile.get("request_follow_up_days") or DEFAULT_FOLLOW_UP_DAYS)
    with transaction(conn):
        request = mark_sent(conn, ref, follow_up_days=days)
        company = get_company(conn, request.company_key)
        result = issuing.request_letter(conn, request, company, profile=profile, fmt=fmt, out=out)
        if emit is not None and result.path is None:
            emit(result.content)
    return request, result


def _save(conn: sqlite3.Connection, request: Request, changes: dict[str, Any], *, action: str) -> None:
    if not changes:
        raise SosaError(_("nothing to change: {key} is already {status}").format(key=request.key, status=request.status))
    before = {k: getattr(request, k) for k in changes}
    conn.execute(
        f"UPDATE requests SET {', '.join(f'{c} = :{c}' for c in changes)}, updated_at = :updated_at WHERE id = :id",
        {**changes, "updated_at": now_utc(), "id": request.id},
    )
    audit.record(conn, action, request.key, before=before, after=changes)


def update(
    conn: sqlite3.Connection,
    ref: str,
    *,
    status: str | None = None,
    dod_ref: str | None = None,
    rating: str | None = None,
    committed_date: str | None = None,
    follow_up_on: str | None = None,
    note: str | None = None,
    rated_on: str | None = None,
) -> Request:
    """Record what DoD and the supplier answered, and move the request along its life cycle.

    `rated_on` is the day the rated order reached the supplier, which starts its
    accept-or-reject clock; by default, the day the desk records the rating.
    """
    changes: dict[str, Any] = {}
    if dod_ref is not None:
        changes["dod_ref"] = text(dod_ref)
    if rating is not None:
        changes["rating"] = identifiers.dpas_rating(rating)
    if committed_date is not None:
        changes["committed_date"] = iso_date(committed_date)
    if follow_up_on is not None:
        changes["follow_up_on"] = iso_date(follow_up_on)
    if note is not None:
        changes["note"] = text(note, multiline=True)
    if rated_on is not None:
        try:
            rated_on = _RATED_ON(rated_on)
        except SosaError as exc:
            raise SosaError(_("--rated-on: {problem}").format(problem=exc.message), hint=exc.hint) from None
    if status is not None:
        status = status.strip().lower()
        if status in SETTLED_BY_CLOSE:
            raise SosaError(_("a request is {status} with `sosa request close`").format(status=status), hint=f"sosa request close {ref} --outcome …")
    if not changes and status is None and rated_on is None:
        raise SosaError(_("nothing to change"), hint=_("give --status, --dod-ref, --rating, --committed-date or --note"))
    with transaction(conn):
        request = get_request(conn, ref)
        if request.status in SETTLED_BY_CLOSE:
            raise SosaError(_("{key} is {status}: a finished request cannot be changed").format(key=request.key, status=request.status))
        if status is not None and status != request.status:
            _move(request, status, changes)
        if changes.get("status") == "rated" and not (changes.get("rating") or request.rating):
            raise SosaError(_("{key} cannot be rated without the rating").format(key=request.key), hint=_("add --rating DO-A1 (or the rating DoD gave)"))
        rating = changes.get("rating") or request.rating
        if rated_on is not None and not rating:
            raise SosaError(_("--rated-on needs the rating"), hint=_("add --rating DO-A1 (or the rating DoD gave)"))
        if ("rating" in changes and changes["rating"] != request.rating) or rated_on is not None:
            # 15 CFR 700.13(d): the supplier's clock starts when the rated order reaches
            # it; unless told that day, the desk takes the day it records the rating.
            start = parse_date(rated_on) if rated_on is not None else today()
            # A rating is at hand here: a new one in `changes`, or --rated-on for the recorded one.
            granted = str(changes.get("rating") or request.rating)
            days = identifiers.ACCEPTANCE_WORKING_DAYS[identifiers.rating_symbol(granted)]
            changes["rated_on"] = start.isoformat()
            changes["supplier_deadline"] = add_us_working_days(start, days).isoformat()
        if "committed_date" in changes:
            for delay in request.delays:
                if delay.promised_date != changes["committed_date"]:
                    record_slip(conn, delay, changes["committed_date"], source="supplier", note=f"committed under {request.key}")
        _save(conn, request, changes, action="update")
        return get_request(conn, request.key)


# The day the rated order reached the supplier has already come (15 CFR 700.13(d)).
_RATED_ON = dated(past=True, what=N_("day a rating reached the supplier"))


def close(conn: sqlite3.Connection, ref: str, outcome: str, *, note: str | None = None) -> Request:
    """Close a request and settle its delays.

    resolved → every delay resolved; unresolved → every delay unresolved; partial →
    each delay by its current promise: resolved when it now meets the need date;
    withdrawn → the request is withdrawn and its delays are open again.
    """
    outcome = _choice(outcome, OUTCOMES, N_("{value!r} is not a request outcome"))
    with transaction(conn):
        request = get_request(conn, ref)
        target = "withdrawn" if outcome == "withdrawn" else "closed"
        changes: dict[str, Any] = {"outcome": outcome, "closed_on": today().isoformat()}
        if note is not None:
            changes["note"] = text(note, multiline=True)
        _move(request, target, changes)
        if target == "closed":
            allowed = CLOSE_OUTCOMES[request.status]
            if outcome not in allowed:
                raise SosaError(
                    _("{key} is {status}: it can close {allowed}, not {outcome}").format(
                        key=request.key, status=request.status, allowed=_(" or ").join(allowed), outcome=outcome
                    ),
                    hint=f"sosa request close {request.key} --outcome {allowed[0]}",
                )
            late = [d for d in request.delays if d.promised_date > d.need_date]
            if outcome == "resolved" and late:
                first = late[0]
                raise SosaError(
                    _("{delay} is still promised for {promised}, after its need date {need}: {key} did not resolve it").format(
                        delay=first.key, promised=first.promised_date, need=first.need_date, key=request.key
                    ),
                    hint=_("close with --outcome partial, or record the supplier's date first: sosa request update {key} --committed-date …").format(
                        key=request.key
                    ),
                )
        for delay in request.delays:
            if outcome == "withdrawn":
                settled = "open"
            elif outcome == "partial":
                settled = "resolved" if delay.promised_date <= delay.need_date else "unresolved"
            else:
                settled = outcome
            set_delay_status(conn, delay, settled, action="settle", reason=f"{request.key} {outcome}")
        _save(conn, request, changes, action="close" if target == "closed" else "withdraw")
        return get_request(conn, request.key)
