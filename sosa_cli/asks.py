"""US asks: DoD asking Japan for priority support, relayed to participants (DOMAIN.md §1, flow 2).

A US priority rating has no legal force in Japan (15 CFR Part 700 binds US persons
only), so an ask relayed to a company is a request for *voluntary* help: the company may
bring a delivery forward, do part of it, or decline, and a decline is a normal answer,
recorded and reported to DoD like any other (the flyer's Q3: 「あくまでも、可能な範囲での
任意の協力」).

Life cycles (lifecycle.ASK, lifecycle.RELAY): an ask is received → relayed → replied →
closed, or cancelled by DoD; replied while some company may still answer, it is
partly-replied until a supplement forwards the late answers (`reply`). A relay is sent → answered, or sent → overdue → reminded →
answered | no-response. *Overdue* is not stored: a relay is overdue while its ask is
relayed, it has no answer and its answer-by date has passed, so it becomes overdue
with the calendar, never by a command; `reminded` (with the count and date of the
reminders) is stored. A reminder gives the company a new answer-by date, and a reminded
relay that passes that one is overdue again and may be reminded again.

Only enrolled companies are chased: a company that withdrew (voluntarily, at any time,
DOMAIN.md §6) or is suspended is no longer a participant the desk may press, so its
unanswered relay is never overdue, never reminded, and the reply to DoD reports it
without chasing it (letters/kinds.py, reply).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from . import audit, identifiers, lifecycle
from .clock import now_utc, today
from .delays import quantity as positive_quantity
from .errors import NotFound, SosaError
from .fields import Invalid, Problem, Rules, apply_rules, dated, english, flag, iso_date, text
from .i18n import N_, _, ngettext, strerror
from .keys import format_key, parse_key
from .store import transaction
from .words import company_status

DECISIONS = ("accept", "partial", "decline", "no-response")
# Relay states in which the company has not answered yet.
WAITING = ("sent", "overdue", "reminded")
# Translators: what stands between the values of a list the officer may choose from ("accept, partial, …").
LIST_APART = N_(", ")
# Translators: what stands between two reasons in one refusal ("C-0008 … is applied; C-0099 …").
REASONS_APART = N_("; ")
DEFAULT_RELAY_ANSWER_DAYS = 10
DEFAULT_REMINDER_ANSWER_DAYS = 5
# The most 開庁日 an answer period may run: about a year and a half, far beyond any ask
# DoD makes (and the same ceiling as the *_answer_days settings' 365 working days).
MAX_ANSWER_DAYS = 365


def answer_days(days: int) -> int:
    """`--within N`: a whole number of 開庁日 the company has to answer, 1 to MAX_ANSWER_DAYS."""
    if days < 1:
        raise SosaError(_("--within {days}: a company needs at least 1 開庁日 to answer").format(days=days))
    if days > MAX_ANSWER_DAYS:
        raise SosaError(_("--within {days}: an answer period is at most {most} 開庁日").format(days=days, most=MAX_ANSWER_DAYS))
    return days


def _multiline(value: Any) -> str:
    return text(value, multiline=True)


# An ask comes from DoD in English, and the reply to DoD prints its program and each
# item's description, customer and order: those take no Japanese (DOMAIN.md §7), so
# they need no separate English form.
ASK_FIELDS: Rules = {
    "dod_ref": (text, True),
    "received_on": (dated(past=True, what=N_("date received")), False),  # default: today
    "program": (english("--program"), False),
    "reason": (_multiline, False),
    "reply_by": (iso_date, True),
}
ITEM_FIELDS: Rules = {
    # A service (役務: a repair, an overhaul, a test) has a description and its service
    # code (PSC), and no part number or NSN (DOMAIN.md §2).
    "service": (flag, False),
    "part_number": (text, False),
    "nsn": (identifiers.nsn, False),
    "psc": (identifiers.psc, False),
    "description": (english("--description"), False),
    "quantity": (positive_quantity, False),  # required of a part; a service is one lot unless given
    "current_date": (iso_date, True),
    "requested_date": (iso_date, True),
    # The US customer (a prime or a buyer) the order is owed to, and the order or
    # contract number DoD gave.
    "customer": (english("--customer"), False),
    "order_number": (english("--order-number"), False),
}


# --- the records ---------------------------------------------------------------------


@dataclass
class Item:
    position: int
    quantity: int
    current_date: str
    requested_date: str
    part_number: str | None = None
    nsn: str | None = None
    description: str | None = None
    customer: str | None = None
    order_number: str | None = None
    service: bool = False
    psc: str | None = None  # a service's code

    @property
    def fsc(self) -> str | None:
        return identifiers.nsn_class(self.nsn) if self.nsn else None

    @property
    def what(self) -> str:
        """The item in a line: `service: <description>`, or its part number or NSN."""
        if self.service:
            return _("service: {description}").format(description=self.description)
        return self.part_number or self.nsn or ""

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "fsc": self.fsc}


@dataclass
class Relay:
    """One company's copy of an ask and its answer. `status` is the state today (overdue computed)."""

    id: int
    ask_key: str
    company_key: str
    company_name: str
    status: str
    sent_on: str
    answer_by: str
    original_answer_by: str
    reminders: int = 0
    last_reminded_on: str | None = None
    decision: str | None = None
    committed_date: str | None = None
    quantity: int | None = None
    note: str | None = None
    note_en: str | None = None  # the answer's note in English, for the reply to DoD
    answered_on: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    company_status: str = "enrolled"  # the company's register status today

    @property
    def chased(self) -> bool:
        """Whether the desk may press the company for an answer: only while it is enrolled."""
        return self.company_status == "enrolled"

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def label(self) -> str:
        return _("the relay of {ask} to {company}").format(ask=self.ask_key, company=self.company_key)

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "id"}
        data["overdue"] = self.overdue
        return data


@dataclass
class Ask:
    id: int
    key: str
    status: str
    dod_ref: str
    received_on: str
    reply_by: str
    program: str | None = None
    reason: str | None = None
    replied_on: str | None = None
    closed_on: str | None = None
    cancel_reason: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    items: list[Item] = field(default_factory=list)
    relays: list[Relay] = field(default_factory=list)

    @property
    def reply_overdue(self) -> bool:
        return self.status in ("received", "relayed") and self.reply_by < today().isoformat()

    @property
    def waiting(self) -> list[Relay]:
        """Relays with no answer yet (sent, overdue or reminded)."""
        return [r for r in self.relays if r.status in WAITING]

    @property
    def overdue_relays(self) -> list[Relay]:
        return [r for r in self.relays if r.overdue]

    @property
    def asked_quantity(self) -> int:
        return sum(i.quantity for i in self.items)

    @property
    def latest_current_date(self) -> str:
        return max(i.current_date for i in self.items)

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("id", "items", "relays")}
        data["reply_overdue"] = self.reply_overdue
        data["items"] = [i.as_dict() for i in self.items]
        data["relays"] = [r.as_dict() for r in self.relays]
        data["answered"] = sum(1 for r in self.relays if r.status == "answered")
        data["overdue"] = len(self.overdue_relays)
        return data


def relay_state(stored: str, answer_by: str, ask_status: str, on: date | None = None, *, company_status: str = "enrolled") -> str:
    """The relay's state on a day: the stored one, or `overdue` once its answer-by date has passed.

    Only a relay of an ask still being relayed, to a company still enrolled, is chased:
    after the reply to DoD or a cancellation nothing is overdue any more, and a company
    that withdrew or is suspended is not pressed for an answer.
    """
    if stored in ("sent", "reminded") and ask_status == "relayed" and company_status == "enrolled" and answer_by < (on or today()).isoformat():
        return "overdue"
    return stored


_RELAY_SELECT = """
    SELECT r.*, a.key AS ask_key, a.status AS ask_status, c.key AS company_key, c.name_ja AS company_name,
           c.status AS company_status
    FROM relays r JOIN asks a ON a.id = r.ask_id JOIN companies c ON c.id = r.company_id
"""


def _relay(row: sqlite3.Row, on: date | None = None) -> Relay:
    data = {k: v for k, v in dict(row).items() if k not in ("ask_id", "company_id", "ask_status")}
    data["status"] = relay_state(row["status"], row["answer_by"], row["ask_status"], on, company_status=row["company_status"])
    return Relay(**data)


def _item(row: sqlite3.Row) -> Item:
    return Item(
        position=row["position"],
        quantity=row["quantity"],
        current_date=row["current_delivery"],
        requested_date=row["requested_delivery"],
        part_number=row["part_number"],
        nsn=row["nsn"],
        description=row["description"],
        customer=row["customer"],
        order_number=row["order_number"],
        service=bool(row["service"]),
        psc=row["psc"],
    )


def _asks(conn: sqlite3.Connection, where: str = "", args: Sequence[Any] = ()) -> list[Ask]:
    """Asks with their items and relays, in three queries whatever their number."""
    rows = conn.execute(f"SELECT * FROM asks {where} ORDER BY id", args).fetchall()
    if not rows:
        return []
    found = {row["id"]: Ask(**dict(row)) for row in rows}
    marks = ", ".join("?" * len(found))
    ids = list(found)
    for row in conn.execute(f"SELECT * FROM ask_items WHERE ask_id IN ({marks}) ORDER BY ask_id, position", ids):
        found[row["ask_id"]].items.append(_item(row))
    for row in conn.execute(f"{_RELAY_SELECT} WHERE r.ask_id IN ({marks}) ORDER BY r.ask_id, c.id", ids):
        found[row["ask_id"]].relays.append(_relay(row))
    return list(found.values())


def get_ask(conn: sqlite3.Connection, ref: str) -> Ask:
    number = parse_key(ref, "A")
    found = _asks(conn, "WHERE id = ?", (number,))
    if not found:
        raise NotFound(_("no ask {key}").format(key=format_key("A", number)), hint=_("`sosa ask list` shows the asks"))
    return found[0]


def list_asks(conn: sqlite3.Connection, *, status: str | None = None, overdue: bool = False) -> list[Ask]:
    """Asks in key order; `overdue`: a relay is overdue, or DoD's reply-by date has passed unanswered."""
    where, args = "", []
    if status:
        status = status.strip().lower()
        if status not in lifecycle.ASK.states:
            raise SosaError(
                _("{value!r} is not an ask status").format(value=status), hint=_("use one of {states}").format(states=_(LIST_APART).join(lifecycle.ASK.states))
            )
        where, args = "WHERE status = ?", [status]
    asks = _asks(conn, where, args)
    if overdue:
        asks = [a for a in asks if a.reply_overdue or a.overdue_relays]
    return asks


def get_relay(ask: Ask, company_key: str) -> Relay:
    for relay in ask.relays:
        if relay.company_key == company_key:
            return relay
    raise NotFound(
        _("{key} was not relayed to {company}").format(key=ask.key, company=company_key),
        hint=_("relay it with `sosa relay {key} --to {company}`; `sosa ask show {key}` lists the relays").format(key=ask.key, company=company_key),
    )


# --- recording an ask ------------------------------------------------------------------


def validate(raw: Mapping[str, Any], lines: Mapping[str, int] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check an ask as given by options or a YAML mapping; every problem at once.

    One item may be given flat (part_number, nsn, … beside dod_ref), several as `items:`.
    """
    lines = lines or {}
    problems: list[Problem] = []
    raw = dict(raw)
    flat = {k: raw.pop(k) for k in list(raw) if k in ITEM_FIELDS}
    raw_items = raw.pop("items", None)
    if flat and raw_items:
        problems.append(Problem("items", _("give the item either as fields of the ask or as a list under items:, not both"), lines.get("items")))
    if raw_items is None:
        raw_items = [flat] if flat else []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(Problem("items", _("an ask needs at least one item (part number or NSN, quantity, current and requested dates)"), lines.get("items")))
        raw_items = []
    values = apply_rules(raw, ASK_FIELDS, "", lines, problems)
    items: list[dict[str, Any]] = []
    for index, item in enumerate(raw_items, start=1):
        prefix = "" if flat else f"items.{index}."
        if not isinstance(item, Mapping):
            problems.append(Problem(f"items.{index}", _("must be a mapping with part_number, quantity, current_date, …"), lines.get(f"items.{index}")))
            continue
        clean = apply_rules(item, ITEM_FIELDS, prefix, lines, problems)
        where = prefix.rstrip(".") or None
        if clean.get("quantity") is None and not any(p.field == prefix + "quantity" for p in problems):
            if clean.get("service"):
                clean["quantity"] = 1
            else:
                problems.append(Problem(prefix + "quantity", _("is required"), lines.get(prefix + "quantity") or lines.get(where or "")))
        if clean.get("service"):
            problems.extend(_service_problems(clean, prefix, lines.get(where or "")))
        elif not clean.get("part_number") and not clean.get("nsn") and not any(p.field.startswith(prefix + "nsn") for p in problems):
            problems.append(Problem(prefix + "part_number", _("give the part number or the NSN (or both)"), lines.get(where or "")))
        elif clean.get("psc"):
            problems.append(
                Problem(prefix + "psc", _("a service code (PSC) is for a service: add --service (service: true), or leave it out"), lines.get(prefix + "psc"))
            )
        current, requested = clean.get("current_date"), clean.get("requested_date")
        if current and requested and requested >= current:
            # DOMAIN.md §1: the ask is to bring deliveries forward; 15 CFR 700.53 refuses
            # delivery earlier than needed, and a later date needs no help at all.
            problems.append(
                Problem(
                    prefix + "requested_date",
                    _("{requested} is not earlier than the current delivery date {current}: nothing would be brought forward").format(
                        requested=requested, current=current
                    ),
                    lines.get(prefix + "requested_date"),
                )
            )
        items.append(clean)
    received = values.get("received_on") or today().isoformat()
    values["received_on"] = received
    if values.get("reply_by") and values["reply_by"] < received:
        problems.append(
            Problem(
                "reply_by",
                _("{reply_by} is before the ask was received ({received})").format(reply_by=values["reply_by"], received=received),
                lines.get("reply_by"),
            )
        )
    if problems:
        raise Invalid(problems)
    return values, items


def _service_problems(item: Mapping[str, Any], prefix: str, line: int | None) -> list[Problem]:
    """A service item has a description and no part number or NSN."""
    said = {
        "part_number": N_("a service (役務) has no part number: leave it out, or give the item as a part"),
        "nsn": N_("a service (役務) has no NSN: leave it out, or give the item as a part"),
    }
    problems = [Problem(prefix + name, _(said[name]), line) for name in ("part_number", "nsn") if item.get(name)]
    if not item.get("description"):
        problems.append(Problem(prefix + "description", _('a service needs its description, e.g. "F110 engine depot repair"'), line))
    return problems


def _insert(
    conn: sqlite3.Connection,
    values: dict[str, Any],
    items: list[dict[str, Any]],
    *,
    source: str | None = None,
    same_reference: list[str] | None = None,
) -> str:
    number = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM asks").fetchone()[0]
    key = format_key("A", number)
    stamp = now_utc()
    row = {
        "id": number,
        "key": key,
        "status": "received",
        "dod_ref": values["dod_ref"],
        "received_on": values["received_on"],
        "program": values.get("program"),
        "reason": values.get("reason"),
        "reply_by": values["reply_by"],
        "created_at": stamp,
        "updated_at": stamp,
    }
    conn.execute(f"INSERT INTO asks ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})", row)
    for position, item in enumerate(items, start=1):
        conn.execute(
            "INSERT INTO ask_items (ask_id, position, part_number, nsn, description, quantity, current_delivery, requested_delivery,"
            " customer, order_number, service, psc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                position,
                item.get("part_number"),
                item.get("nsn"),
                item.get("description"),
                item["quantity"],
                item["current_date"],
                item["requested_date"],
                item.get("customer"),
                item.get("order_number"),
                int(bool(item.get("service"))),
                item.get("psc"),
            ),
        )
    after = {k: v for k, v in row.items() if k not in ("id", "key", "created_at", "updated_at")}
    # The trail says when the officer confirmed a reference already recorded as a separate ask.
    extra: dict[str, Any] = {"source": source} if source else {}
    if same_reference:
        extra["separate_from"] = same_reference
    audit.record(conn, "record", key, after={**after, "items": items, **extra})
    return key


def _reference(dod_ref: str) -> str:
    # DoD's reference as the desk compares it: `ibp-2026-0311` is IBP-2026-0311.
    return " ".join(unicodedata.normalize("NFKC", dod_ref).upper().split())


def _same_rows(conn: sqlite3.Connection, dod_ref: str) -> list[sqlite3.Row]:
    wanted = _reference(dod_ref)
    return [row for row in conn.execute("SELECT key, dod_ref, received_on, status FROM asks ORDER BY id") if _reference(row["dod_ref"]) == wanted]


def same_reference(conn: sqlite3.Connection, dod_ref: str) -> list[str]:
    """The asks already recorded under DoD's reference `dod_ref`, each as `A-0001 (received …, status)`.

    In English whatever the officer's language: the audit trail records them (`separate_from`).
    """
    return [
        f"{row['key']} (received {row['received_on']}, {'not yet relayed' if row['status'] == 'received' else row['status']})"
        for row in _same_rows(conn, dod_ref)
    ]


def duplicate_reference(conn: sqlite3.Connection, dod_ref: str) -> str | None:
    """The refusal of a DoD reference already recorded, naming its asks (None if it is new)."""
    rows = _same_rows(conn, dod_ref)
    if not rows:
        return None
    found = [
        _("{key} (received {date}, not yet relayed)").format(key=row["key"], date=row["received_on"])
        if row["status"] == "received"
        else _("{key} (received {date}, {status})").format(key=row["key"], date=row["received_on"], status=row["status"])
        for row in rows
    ]
    return _("DoD reference {dod_ref} is already recorded: {asks}").format(dod_ref=dod_ref.strip(), asks=", ".join(found))


SEPARATE_HINT = N_("if DoD sent a separate ask under the same reference, add --yes to record it as well")


def record_ask(conn: sqlite3.Connection, raw: Mapping[str, Any], *, separate: bool = False) -> Ask:
    """Record an ask received from DoD; its items must each ask for an earlier delivery.

    A DoD reference already recorded is refused, naming the ask that has it, unless the
    officer confirmed that this is a separate ask (`separate`): the same ask recorded twice
    would be relayed and answered twice.
    """
    values, items = validate(raw)
    with transaction(conn):
        found = same_reference(conn, values["dod_ref"])
        if found and not separate:
            raise SosaError(duplicate_reference(conn, values["dod_ref"]) or "", hint=_(SEPARATE_HINT))
        return get_ask(conn, _insert(conn, values, items, same_reference=found))


def record_asks(conn: sqlite3.Connection, documents: Sequence[Any], *, source: str, separate: bool = False) -> list[str]:
    """Record every ask of a YAML file (importing.Document), or none if any is wrong.

    A DoD reference already recorded, or given twice in the file, is a problem of its
    record unless `separate` confirms them all as separate asks.
    """
    problems: list[Problem] = []
    checked = []
    for doc in documents:
        try:
            checked.append((validate(doc.values, doc.lines), doc.lines))
        except Invalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise Invalid(problems, source)
    with transaction(conn):
        seen: dict[str, list[str]] = {}
        duplicates: list[list[str]] = []
        for (values, _items), lines in checked:
            ref = values["dod_ref"]
            found = same_reference(conn, ref)
            earlier = seen.setdefault(_reference(ref), [])
            if not separate and (found or earlier):
                said = duplicate_reference(conn, ref) if found else None
                said = said or _("DoD reference {dod_ref} is also that of the ask at line {line}").format(dod_ref=ref, line=earlier[0])
                problems.append(Problem("dod_ref", _("{refusal}; {hint}").format(refusal=said, hint=_(SEPARATE_HINT)), lines.get("dod_ref")))
            duplicates.append(found + [f"line {n} of {source}" for n in earlier])
            earlier.append(str(lines.get("dod_ref", "?")))
        if problems:
            raise Invalid(problems, source)
        return [_insert(conn, values, items, source=source, same_reference=found) for ((values, items), _lines), found in zip(checked, duplicates, strict=True)]


# --- moving an ask -------------------------------------------------------------------


def _save(conn: sqlite3.Connection, ask: Ask, changes: dict[str, Any], *, action: str) -> None:
    """Write an ask's changes and one audit entry; no changes write nothing (there is no `SET` to build)."""
    if not changes:
        return
    if "status" in changes:
        lifecycle.ASK.check(ask.key, ask.status, changes["status"])
    before = {k: getattr(ask, k) for k in changes}
    conn.execute(
        f"UPDATE asks SET {', '.join(f'{c} = :{c}' for c in changes)}, updated_at = :updated_at WHERE id = :id",
        {**changes, "updated_at": now_utc(), "id": ask.id},
    )
    audit.record(conn, action, ask.key, before=before, after=changes)


def close(conn: sqlite3.Connection, ref: str) -> Ask:
    """Close an ask once DoD has had ATLA's reply."""
    with transaction(conn):
        ask = get_ask(conn, ref)
        _save(conn, ask, {"status": "closed", "closed_on": today().isoformat()}, action="close")
        return get_ask(conn, ask.key)


def cancel(conn: sqlite3.Connection, ref: str, reason: str) -> Ask:
    """Record that DoD withdrew the ask; the reason is kept on the ask."""
    reason = (reason or "").strip()
    if not reason:
        raise SosaError(_("a cancellation needs a reason"), hint=_('add --reason "…" (e.g. "DoD withdrew the ask by e-mail of 2026-12-01")'))
    reason = text(reason, multiline=True)
    with transaction(conn):
        ask = get_ask(conn, ref)
        _save(conn, ask, {"status": "cancelled", "cancel_reason": reason, "closed_on": today().isoformat()}, action="cancel")
        return get_ask(conn, ask.key)


# --- relaying to participants -----------------------------------------------------------


def _whole_days(profile, key: str, default: int) -> int:
    value = profile.get(key) if profile is not None else None
    return int(value) if value else default


def matching_companies(conn: sqlite3.Connection, ref: str) -> list[dict[str, Any]]:
    """Enrolled companies not yet relayed this ask that make a part item's supply class
    (the FSC of its NSN) or perform a service item's code (PSC); `matched` names the codes."""
    ask = get_ask(conn, ref)
    classes = sorted({i.fsc for i in ask.items if i.fsc})
    services = sorted({i.psc for i in ask.items if i.psc})
    if not classes and not services:
        raise SosaError(
            _("{key} has no NSN or service code (PSC), so no company can be matched to it").format(key=ask.key), hint=_("name the companies with --to")
        )
    rows = conn.execute(
        f"""
        SELECT c.key, c.name_ja, group_concat(m.code, ', ') AS matched
        FROM companies c JOIN (
            SELECT company_id, 'FSC ' || fsc AS code FROM company_fsc WHERE fsc IN ({", ".join("?" * len(classes))})
            UNION ALL
            SELECT company_id, 'PSC ' || psc FROM company_psc WHERE psc IN ({", ".join("?" * len(services))})
        ) m ON m.company_id = c.id
        WHERE c.status = 'enrolled' AND c.id NOT IN (SELECT company_id FROM relays WHERE ask_id = ?)
        GROUP BY c.id ORDER BY c.id
        """,
        [*classes, *services, ask.id],
    ).fetchall()
    return [{"key": r["key"], "name_ja": r["name_ja"], "matched": r["matched"]} for r in rows]


def answer_by_date(on: date, *, due: str | date | None = None, within: int | None = None, profile=None) -> date:
    """The date a company must answer by: `due`, else `within` (or the setting) 開庁日 after `on`."""
    from .calendar import add_jp_working_days, is_jp_working_day, parse_date

    if due is not None and within is not None:
        raise SosaError(_("give --due or --within, not both"))
    if due is not None:
        try:
            answer_by = parse_date(iso_date(due))
        except SosaError as exc:
            raise SosaError(f"--due: {exc.message}", hint=exc.hint) from None
        # The company answers to the desk: a day the office is closed (weekend, holiday,
        # 29 Dec – 3 Jan) is a deadline nobody is there to receive.
        if not is_jp_working_day(answer_by):
            following = add_jp_working_days(answer_by, 1)
            raise SosaError(
                _("--due {date} is not a 開庁日: the office is closed that day").format(date=answer_by.isoformat()),
                hint=_("give --due {date}, the next 開庁日, or an earlier one").format(date=following.isoformat()),
            )
    else:
        days = answer_days(within if within is not None else _whole_days(profile, "relay_answer_days", DEFAULT_RELAY_ANSWER_DAYS))
        answer_by = add_jp_working_days(on, days)
    if answer_by <= on:
        raise SosaError(
            _("the answer-by date {date} is not after the relay date {relay_date}").format(date=answer_by.isoformat(), relay_date=on.isoformat()),
            hint=_("give a later --due"),
        )
    return answer_by


@dataclass
class Issued:
    """What a relay, reminder or reply command did: the ask, the relays it touched, the letters."""

    ask: Ask
    relays: list[Relay]
    letters: list[Any]  # letters.LetterResult, in the order of `relays` (one for a reply)
    # Relays the command left alone, one line each saying why (a reminder skips the
    # companies no longer enrolled: "C-0005 is withdrawn: not reminded").
    skipped: list[str] = field(default_factory=list)
    # What the officer should know but that does not stop the command (a short answer period).
    warnings: list[str] = field(default_factory=list)


def _issue_each(
    conn: sqlite3.Connection,
    kind: str,
    ask: Ask,
    relays: list[Relay],
    *,
    fmt: str,
    out: str | Path | None,
    on: date,
    profile,
    progress: Callable[[int], None] | None,
) -> list[Any]:
    """Issue one letter per relay inside the caller's transaction, from the records in hand.

    The ask and the companies are loaded once for the whole batch, so a relay to 400
    companies costs twice one to 200. Each letter's file is removed if the transaction
    rolls back (store.on_rollback), so a refused batch leaves no letter behind.

    PDF letters are printed ahead by worker processes (issuing.printed_ahead).
    """
    from . import issuing
    from .register import get_company

    issue = issuing.relay if kind == "relay" else issuing.reminder
    companies = [get_company(conn, relay_.company_key) for relay_ in relays]

    def issue_all(fmt: str, progress: Callable[[int], None] | None) -> list[Any]:
        results: list[Any] = []
        for done, (relay_, company) in enumerate(zip(relays, companies, strict=True), start=1):
            results.append(issue(conn, ask, relay_, company, profile=profile, fmt=fmt, out=out, on=on))
            if progress is not None:
                progress(done)
        return results

    return issuing.printed_ahead(conn, fmt, len(relays), issue_all, progress)


def _emit(emit: Callable[[str | bytes], None] | None, results: list[Any]) -> None:
    """Hand the letters going to standard output to the CLI's `emit`, inside the transaction:
    a letter that cannot be printed (a closed pipe, a full disk) is not issued."""
    if emit is None:
        return
    for result in results:
        if result.path is None:
            emit(result.content)


def _out_folder(out: str | Path | None, count: int) -> str | Path | None:
    """Several letters need a folder: create it, so each letter keeps its own file name."""
    if out is None or str(out) == "-" or count < 2:
        return out
    path = Path(out).expanduser()
    if path.exists() and not path.is_dir():
        raise SosaError(
            ngettext("--out {out} is a file; {n} letter needs a folder", "--out {out} is a file; {n} letters need a folder", count).format(out=out, n=count),
            hint=_("give a folder with --out"),
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SosaError(_("cannot create the folder {path}: {reason}").format(path=path, reason=strerror(exc))) from None
    return out  # the folder exists now, so each letter goes into it; `out` keeps its --force (files.Out)


def relay(
    conn: sqlite3.Connection,
    ref: str,
    companies: Sequence[str],
    *,
    due: str | date | None = None,
    within: int | None = None,
    on: str | date | None = None,
    fmt: str = "md",
    out: str | Path | None = None,
    profile=None,
    progress: Callable[[int], None] | None = None,
    emit: Callable[[str | bytes], None] | None = None,
) -> Issued:
    """Relay an ask to enrolled companies: one relay and one Japanese relay letter each.

    All or nothing: a company that is not enrolled, or was already relayed this ask,
    refuses the whole batch, and so does any letter that cannot be issued. `on` is the
    relay date (default today): the letters' date and the start of the answer period.
    """
    from . import config
    from .calendar import jp_working_days_between, parse_date
    from .register import get_company

    if not companies:
        raise SosaError(_("name at least one company"), hint=_("add --to C-0001, or --match to find companies by supply class"))
    profile = profile or config.load()
    sent_on = parse_date(on) if on is not None else today()
    answer_by = answer_by_date(sent_on, due=due, within=within, profile=profile)
    usual = _whole_days(profile, "relay_answer_days", DEFAULT_RELAY_ANSWER_DAYS)
    out = _out_folder(out, len(companies))
    warnings: list[str] = []
    with transaction(conn):
        ask = get_ask(conn, ref)
        if ask.status not in ("received", "relayed"):
            raise SosaError(_("{key} is {status}: only an ask received or being relayed can be relayed").format(key=ask.key, status=ask.status))
        if answer_by.isoformat() > ask.reply_by:
            if due is not None or within is not None:
                raise SosaError(
                    _("the answer-by date {date} is after DoD's reply-by date {reply_by}: ATLA could not reply in time").format(
                        date=answer_by.isoformat(), reply_by=ask.reply_by
                    ),
                    hint=_("give --due {reply_by} or earlier (or --within fewer 開庁日)").format(reply_by=ask.reply_by),
                )
            # The usual period would run past DoD's date: the companies get what is left,
            # up to the last 開庁日 before it, so the desk has a day to write the reply.
            answer_by = _last_working_day_before(date.fromisoformat(ask.reply_by))
            if answer_by <= sent_on:
                raise SosaError(
                    _("DoD's reply-by date {reply_by} leaves no 開庁日 for the companies to answer after {date}").format(
                        reply_by=ask.reply_by, date=sent_on.isoformat()
                    ),
                    hint=_("reply to DoD now: sosa ask reply {key}").format(key=ask.key),
                )
        given = jp_working_days_between(sent_on, answer_by)
        if given < usual:
            warnings.append(
                _(
                    "the companies have {days} 開庁日 to answer, until {date}, fewer than the usual {usual} "
                    "(relay_answer_days); DoD's reply-by date is {reply_by}"
                ).format(days=given, date=answer_by.isoformat(), usual=usual, reply_by=ask.reply_by)
            )
        found, refused, seen = [], [], set()
        relayed = {r.company_key for r in ask.relays}
        for name in companies:
            try:
                company = get_company(conn, name)
            except SosaError as exc:
                refused.append(exc.message)
                continue
            if company.key in seen:
                continue
            seen.add(company.key)
            if company.status != "enrolled":
                refused.append(
                    _("{key} {name} is {status}; only enrolled companies receive relays").format(
                        key=company.key, name=company.name_ja, status=company_status(company.status)
                    )
                )
            elif company.key in relayed:
                refused.append(_("{key} {name} was already relayed {ask}").format(key=company.key, name=company.name_ja, ask=ask.key))
            else:
                found.append(company)
        if refused:
            raise SosaError(
                _("nothing was relayed: {reasons}").format(reasons=_(REASONS_APART).join(refused)),
                hint=_("drop those companies from --to; a reminder for a company already relayed is `sosa ask remind`"),
            )
        stamp = now_utc()
        for company in found:
            conn.execute(
                "INSERT INTO relays (ask_id, company_id, status, sent_on, answer_by, original_answer_by, reminders, created_at, updated_at)"
                " VALUES (?, ?, 'sent', ?, ?, ?, 0, ?, ?)",
                (ask.id, company.id, sent_on.isoformat(), answer_by.isoformat(), answer_by.isoformat(), stamp, stamp),
            )
            audit.record(conn, f"relay {company.key}", ask.key, after={"status": "sent", "sent_on": sent_on.isoformat(), "answer_by": answer_by.isoformat()})
        if ask.status == "received":
            _save(conn, ask, {"status": "relayed"}, action="relay")
        ask = get_ask(conn, ask.key)
        keys = {c.key for c in found}
        relays = [r for r in ask.relays if r.company_key in keys]
        results = _issue_each(conn, "relay", ask, relays, fmt=fmt, out=out, on=sent_on, profile=profile, progress=progress)
        _emit(emit, results)
    return Issued(ask, relays, results, warnings=warnings)


def _last_working_day_before(day: date) -> date:
    from .calendar import is_jp_working_day

    day -= timedelta(days=1)
    while not is_jp_working_day(day):
        day -= timedelta(days=1)
    return day


# --- answers ---------------------------------------------------------------------------


def _check_answer(ask: Ask, decision: str, committed_date: str | None, qty: int | None) -> list[Problem]:
    problems: list[Problem] = []
    asked = ask.asked_quantity
    if decision in ("accept", "partial"):
        if committed_date is None:
            problems.append(
                Problem("committed_date", _("an answer of {decision} needs the date the company commits to (--committed-date)").format(decision=decision))
            )
        elif committed_date >= ask.latest_current_date:
            problems.append(
                Problem(
                    "committed_date",
                    _("{committed} is not earlier than the current delivery date {current}: it brings nothing forward").format(
                        committed=committed_date, current=ask.latest_current_date
                    ),
                )
            )
    elif committed_date is not None:
        problems.append(Problem("committed_date", _("an answer of {decision} commits to no date; drop --committed-date").format(decision=decision)))
    if decision == "partial":
        if qty is None:
            problems.append(
                Problem("quantity", _("a partial answer needs the quantity the company can bring forward (--quantity, less than {asked})").format(asked=asked))
            )
        elif qty >= asked:
            problems.append(
                Problem(
                    "quantity", _("{quantity} is not less than the {asked} asked; the whole quantity is an answer of accept").format(quantity=qty, asked=asked)
                )
            )
    elif decision == "accept":
        if qty is not None and qty != asked:
            problems.append(
                Problem("quantity", _("accept covers the whole {asked} asked; for {quantity} record --decision partial").format(asked=asked, quantity=qty))
            )
    elif qty is not None:
        problems.append(Problem("quantity", _("an answer of {decision} commits to no quantity; drop --quantity").format(decision=decision)))
    return problems


def respond(
    conn: sqlite3.Connection,
    ref: str,
    company: str,
    decision: str,
    *,
    committed_date: str | None = None,
    quantity: str | int | None = None,
    note: str | None = None,
    note_en: str | None = None,
) -> Relay:
    """Record a company's answer: accept, partial or decline, or that it gave none.

    A decline is a normal answer. An answer may be corrected later; the audit trail keeps
    every version. `note_en` is the note in English, for the reply to DoD.
    """
    from .register import get_company

    decision = (decision or "").strip().lower()
    if decision not in DECISIONS:
        raise SosaError(_("{value!r} is not an answer").format(value=decision), hint=_("use one of {states}").format(states=_(LIST_APART).join(DECISIONS)))
    problems: list[Problem] = []
    clean = apply_rules(
        {"committed_date": committed_date, "quantity": quantity, "note": note, "note_en": note_en},
        {
            "committed_date": (iso_date, False),
            "quantity": (positive_quantity, False),
            "note": (_multiline, False),
            "note_en": (english("--note-en", multiline=True), False),
        },
        "",
        {},
        problems,
    )
    if problems:
        raise Invalid(problems)
    with transaction(conn):
        ask = get_ask(conn, ref)
        if ask.status not in ("relayed", "partly-replied", "replied"):
            raise SosaError(_("{key} is {status}: answers are recorded while it is relayed or replied").format(key=ask.key, status=ask.status))
        found = get_company(conn, company)
        current = get_relay(ask, found.key)
        problems = _check_answer(ask, decision, clean["committed_date"], clean["quantity"])
        if problems:
            raise Invalid(problems)
        target = "no-response" if decision == "no-response" else "answered"
        lifecycle.RELAY.check(current.label, current.status, target)
        changes = {
            "status": target,
            "decision": decision,
            "committed_date": clean["committed_date"],
            "quantity": ask.asked_quantity if decision == "accept" else clean["quantity"],
            "note": clean["note"],
            "note_en": clean["note_en"],
            "answered_on": today().isoformat(),
        }
        _save_relay(conn, current, changes, action="correct answer of" if current.decision else "answer")
        return get_relay(get_ask(conn, ask.key), found.key)


def _save_relay(conn: sqlite3.Connection, relay_: Relay, changes: dict[str, Any], *, action: str) -> None:
    """Write a relay's changes and one audit entry on its ask, the action naming the company.

    No changes write nothing: there is no `SET` to build and nothing to audit.
    """
    if not changes:
        return
    before = {k: getattr(relay_, k) for k in changes}
    conn.execute(
        f"UPDATE relays SET {', '.join(f'{c} = :{c}' for c in changes)}, updated_at = :updated_at WHERE id = :id",
        {**changes, "updated_at": now_utc(), "id": relay_.id},
    )
    changed = [k for k in changes if changes[k] != before[k]]
    audit.record(
        conn,
        f"{action} {relay_.company_key}",
        relay_.ask_key,
        before={k: before[k] for k in changed},
        after={k: changes[k] for k in changed},
    )


# --- chasing ---------------------------------------------------------------------------


def remind(
    conn: sqlite3.Connection,
    ref: str,
    *,
    within: int | None = None,
    on: str | date | None = None,
    fmt: str = "md",
    out: str | Path | None = None,
    profile=None,
    progress: Callable[[int], None] | None = None,
    emit: Callable[[str | bytes], None] | None = None,
) -> Issued:
    """Send a reminder (再依頼) to every company whose answer is overdue, with a new answer-by date.

    A company no longer enrolled is not reminded, however late: `Issued.skipped` names
    each one past its answer-by date and why. Returns an `Issued` with no relays when no
    relay is overdue; nothing is written then.

    The new answer-by date is never after DoD's reply-by date. As for a relay, an
    explicit `within` that runs past it is refused, and the usual period is cut to the
    last 開庁日 before it (with a warning), so the desk has a day to write the reply; when
    no 開庁日 is left before it, the reminder is refused: the desk replies to DoD now.
    """
    from . import config
    from .calendar import add_jp_working_days, jp_working_days_between, parse_date

    profile = profile or config.load()
    reminded_on = parse_date(on) if on is not None else today()
    days = answer_days(within if within is not None else _whole_days(profile, "reminder_answer_days", DEFAULT_REMINDER_ANSWER_DAYS))
    new_answer_by = add_jp_working_days(reminded_on, days)
    warnings: list[str] = []
    with transaction(conn):
        ask = get_ask(conn, ref)
        if ask.status != "relayed":
            raise SosaError(_("{key} is {status}: reminders are sent while an ask is being relayed").format(key=ask.key, status=ask.status))
        overdue = [r for r in ask.relays if relay_state_on(r, ask, reminded_on) == "overdue"]
        skipped = [
            _("{company} is {status}: not reminded").format(company=r.company_key, status=r.company_status)
            for r in ask.relays
            if not r.chased and r.status in WAITING and r.answer_by < reminded_on.isoformat()
        ]
        if not overdue:
            return Issued(ask, [], [], skipped)
        if new_answer_by.isoformat() > ask.reply_by:
            if within is not None:
                raise SosaError(
                    _("--within {days}: the new answer-by date {date} would be after DoD's reply-by date {reply_by}").format(
                        days=within, date=new_answer_by.isoformat(), reply_by=ask.reply_by
                    ),
                    hint=_("give a shorter --within, or reply to DoD now: sosa ask reply {key}").format(key=ask.key),
                )
            # As for a relay: the companies get what is left, up to the last 開庁日 before
            # DoD's date, so the desk has a day to write the reply.
            latest = _last_working_day_before(date.fromisoformat(ask.reply_by))
            if latest <= reminded_on:
                raise SosaError(
                    _("no 開庁日 is left before DoD's reply-by date {reply_by} for the companies to answer a reminder sent {date}: reply to DoD now").format(
                        reply_by=ask.reply_by, date=reminded_on.isoformat()
                    ),
                    hint=_("sosa ask reply {key} (the overdue companies are reported as no response)").format(key=ask.key),
                )
            warnings.append(
                _(
                    "the companies have {days} 開庁日 to answer, until {date}, "
                    "fewer than the usual {usual} (reminder_answer_days); DoD's reply-by date is {reply_by}"
                ).format(days=jp_working_days_between(reminded_on, latest), date=latest.isoformat(), usual=days, reply_by=ask.reply_by)
            )
            new_answer_by = latest
        folder = _out_folder(out, len(overdue))
        answer_by = new_answer_by.isoformat()
        for r in overdue:
            lifecycle.RELAY.check(r.label, "overdue", "reminded")
            changes = {"status": "reminded", "reminders": r.reminders + 1, "last_reminded_on": reminded_on.isoformat(), "answer_by": answer_by}
            _save_relay(conn, r, changes, action="remind")
        ask = get_ask(conn, ask.key)
        keys = {r.company_key for r in overdue}
        relays = [r for r in ask.relays if r.company_key in keys]
        results = _issue_each(conn, "reminder", ask, relays, fmt=fmt, out=folder, on=reminded_on, profile=profile, progress=progress)
        _emit(emit, results)
    return Issued(ask, relays, results, skipped, warnings)


def relay_state_on(relay_: Relay, ask: Ask, on: date) -> str:
    """A loaded relay's state on another day (the desk may date a reminder)."""
    if relay_.status not in ("sent", "reminded", "overdue"):
        return relay_.status
    stored = "reminded" if relay_.reminders else "sent"
    return relay_state(stored, relay_.answer_by, ask.status, on, company_status=relay_.company_status)


# --- the reply to DoD -------------------------------------------------------------------


def split_unanswered(ask: Ask, on: date) -> tuple[list[Relay], list[Relay]]:
    """The relays still unanswered on `on`, in two lists: `pending`, whose answer-by date
    (first or reminded) is still ahead, so the company may yet answer; and `silent`, past
    that date or of a company no longer chased, which the reply reports as no response."""
    pending = [r for r in ask.waiting if r.chased and r.answer_by >= on.isoformat()]
    return pending, [r for r in ask.waiting if r not in pending]


def not_answered(part: int, whole: int, key: str, names: str, *, listed: bool = False) -> str:
    """`2 of 4 companies have not answered A-0001 (C-0002, C-0003)`, the verb agreeing with the
    part and the noun with the whole; `listed`: the sentence said before a confirmation,
    `… not answered A-0001: C-0002 …, C-0003 ….`"""
    said = {"part": f"{part:,}", "whole": f"{whole:,}", "key": key, "names": names}
    if listed:
        if whole == 1:
            return _("{part} of {whole} company has not answered {key}: {names}.").format(**said)
        return ngettext(
            "{part} of {whole} companies has not answered {key}: {names}.", "{part} of {whole} companies have not answered {key}: {names}.", part
        ).format(**said)
    if whole == 1:
        return _("{part} of {whole} company has not answered {key} ({names})").format(**said)
    return ngettext(
        "{part} of {whole} companies has not answered {key} ({names})", "{part} of {whole} companies have not answered {key} ({names})", part
    ).format(**said)


def _settle(conn: sqlite3.Connection, ask: Ask, day: date, *, silent_ok: frozenset[str] | None, partial: bool, what: str) -> list[Relay]:
    """Check who a reply (or supplement) leaves out, and record the silent companies as no response.

    A company whose answer-by date is still ahead may yet answer: replying without its
    answer needs `partial`, and the letter then says the answer is awaited. The silent
    companies must be exactly `silent_ok`, the set the officer confirmed: it is compared
    inside the transaction that records them, so a relay answered by another officer
    after the confirmation refuses the reply instead of being reported unconfirmed.
    """
    pending, silent = split_unanswered(ask, day)
    flag = " --supplement" if what == "supplement" else ""
    whole = len(ask.relays)
    if pending and not partial:
        names = ", ".join(_("{company} (answer-by date {date})").format(company=r.company_key, date=r.answer_by) for r in pending)
        n = len(pending)
        if what == "supplement":
            hint = ngettext(
                "send the supplement when it has answered or its date has passed, "
                "or now with --partial and its answer later with `sosa ask reply {key} --supplement`",
                "send the supplement when they have answered or their dates have passed, "
                "or now with --partial and their answers later with `sosa ask reply {key} --supplement`",
                n,
            )
        else:
            hint = ngettext(
                "send the reply when it has answered or its date has passed, "
                "or now with --partial and its answer later with `sosa ask reply {key} --supplement`",
                "send the reply when they have answered or their dates have passed, "
                "or now with --partial and their answers later with `sosa ask reply {key} --supplement`",
                n,
            )
        raise SosaError(
            ngettext("{part} of {whole} company may still answer {key}: {names}", "{part} of {whole} companies may still answer {key}: {names}", whole).format(
                part=f"{n:,}", whole=f"{whole:,}", key=ask.key, names=names
            ),
            hint=hint.format(key=ask.key),
        )
    if partial and not pending:
        if what == "supplement":
            refusal = _("no company's answer-by date on {key} is still ahead: a partial supplement would leave nothing to forward")
        else:
            refusal = _("no company's answer-by date on {key} is still ahead: a partial reply would leave nothing to forward")
        raise SosaError(refusal.format(key=ask.key), hint=_("drop --partial: {command}").format(command=f"sosa ask reply {ask.key}{flag}"))
    keys = {r.company_key for r in silent}
    if silent_ok is None:
        if silent:
            raise SosaError(
                not_answered(len(silent), whole, ask.key, ", ".join(sorted(keys))), hint=_("confirm, or add --yes, to reply with them as no response")
            )
    elif keys != set(silent_ok):
        changes = [_("{company} now unanswered too").format(company=k) for k in sorted(keys - silent_ok)]
        changes += [_("{company} answered since").format(company=k) for k in sorted(silent_ok - keys)]
        raise SosaError(
            _("the unanswered companies changed since you confirmed: {changes}; run the command again").format(changes=_(REASONS_APART).join(changes)),
            hint=_("`sosa ask show {key}` lists the relays and their answers").format(key=ask.key),
        )
    for r in silent:
        lifecycle.RELAY.check(r.label, r.status, "no-response")
        _save_relay(conn, r, {"status": "no-response", "decision": "no-response", "answered_on": day.isoformat()}, action="no response")
    return silent


def reply(
    conn: sqlite3.Connection,
    ref: str,
    *,
    silent_ok: frozenset[str] | None = None,
    partial: bool = False,
    supplement: bool = False,
    on: str | date | None = None,
    fmt: str = "md",
    out: str | Path | None = None,
    profile=None,
    emit: Callable[[str | bytes], None] | None = None,
) -> Issued:
    """Issue the consolidated English reply to DoD and mark the ask replied.

    Companies past their answer-by date without an answer are reported as no response
    (and recorded so); that needs `silent_ok`, the keys of exactly those companies as the
    officer confirmed them (`_settle`). While a company's answer-by date is still ahead
    the reply waits, or is made in part (`partial`): the letter says which answers are
    awaited, and the ask is `partly-replied` until a `supplement` — a further numbered
    letter, under the same rules — forwards them; a partial supplement leaves it so.

    The letter names only the companies that may be disclosed to the US government
    (letters/kinds.py, reply); each one named is an export of company data, recorded like
    `sosa company export` does. Returns the relays recorded as no response now, and
    the letter.
    """
    from . import config, issuing
    from .calendar import parse_date

    profile = profile or config.load()
    day = parse_date(on) if on is not None else today()
    with transaction(conn):
        ask = get_ask(conn, ref)
        if supplement:
            _check_supplement(ask)
        else:
            _check_reply(conn, ask, partial)
        silent = _settle(conn, ask, day, silent_ok=silent_ok, partial=partial, what="supplement" if supplement else "reply")
        if not supplement:
            _save(conn, ask, {"status": "partly-replied" if partial else "replied", "replied_on": day.isoformat()}, action="reply")
        elif not partial:
            _save(conn, ask, {"status": "replied"}, action="supplement")
        issue = issuing.reply_supplement if supplement else issuing.reply
        results = [issue(conn, get_ask(conn, ask.key), on=day, profile=profile, fmt=fmt, out=out)]
        _record_disclosures(conn, results[0])
        _emit(emit, results)
        ask = get_ask(conn, ask.key)
        keys = {r.company_key for r in silent}
    return Issued(ask, [r for r in ask.relays if r.company_key in keys], results)


def _check_reply(conn: sqlite3.Connection, ask: Ask, partial: bool) -> None:
    if ask.status == "partly-replied":
        raise SosaError(
            _("{key} was replied in part on {date}: the answers it said were awaited go in a supplement").format(key=ask.key, date=ask.replied_on),
            hint=_("sosa ask reply {key} --supplement").format(key=ask.key),
        )
    lifecycle.ASK.check(ask.key, ask.status, "partly-replied" if partial else "replied")
    if ask.status == "received" and any(i.fsc or i.psc for i in ask.items):
        # Answering without relaying is for an ask no participant supplies; where
        # one does, it must be asked first (cooperation is theirs to offer).
        candidates = [row["key"] for row in matching_companies(conn, ask.key)]
        if candidates:
            raise SosaError(
                ngettext(
                    "{key} has not been relayed, and {companies} supplies its class",
                    "{key} has not been relayed, and {companies} supply its class",
                    len(candidates),
                ).format(key=ask.key, companies=", ".join(candidates)),
                hint=_("relay it first: sosa relay {key} --match").format(key=ask.key),
            )


def _check_supplement(ask: Ask) -> None:
    if ask.status != "partly-replied":
        raise SosaError(
            _("{key} is {status}: a supplement follows a reply made in part, which said some answers were awaited").format(key=ask.key, status=ask.status),
            hint=_("`sosa ask reply {key} --partial` makes such a reply").format(key=ask.key) if ask.status == "relayed" else None,
        )


@dataclass
class AwaitingSupplement:
    """An ask replied in part: DoD was told some answers would follow (`sosa status`)."""

    key: str
    dod_ref: str
    replied_on: str
    awaited: list[Relay]  # still unanswered
    arrived: int  # answered since the last letter to DoD, not yet forwarded

    def ready(self, on: date) -> bool:
        """Whether the supplement can go without --partial: no answer-by date still ahead."""
        return not any(r.chased and r.answer_by >= on.isoformat() for r in self.awaited)

    @property
    def due(self) -> str:
        """The last answer-by date awaited: the supplement is due then (at once if none is left)."""
        return max((r.answer_by for r in self.awaited), default=self.replied_on)

    def detail(self, on: date) -> str:
        """The line `sosa status` shows for the ask, in the officer's language."""
        awaited = ", ".join(_("{company} (answer-by date {date})").format(company=r.company_key, date=r.answer_by) for r in self.awaited)
        flag = "--supplement" if self.ready(on) else "--supplement --partial"
        said = {"dod_ref": self.dod_ref, "date": self.replied_on, "arrived": self.arrived, "awaited": awaited, "key": self.key, "flag": flag}
        if awaited:
            return _("{dod_ref}: replied in part on {date}; {arrived} answered since; awaiting {awaited}; send with `sosa ask reply {key} {flag}`").format(
                **said
            )
        return _("{dod_ref}: replied in part on {date}; {arrived} answered since; send with `sosa ask reply {key} {flag}`").format(**said)


def awaiting_supplement(conn: sqlite3.Connection) -> list[AwaitingSupplement]:
    """Asks replied with --partial whose supplement has not been sent, in key order."""
    asks = _asks(conn, "WHERE status = 'partly-replied'")
    if not asks:
        return []  # `sosa status` loads the letters package only when there is one
    from .issuing import last_reply

    found = []
    for ask in asks:
        letter = last_reply(conn, ask.key)
        keys = set(((letter.context or {}).get("pending") or {}).get("company_keys") or []) if letter else set()
        awaited = [r for r in ask.relays if r.status in WAITING]
        arrived = sum(1 for r in ask.relays if r.company_key in keys and r.status not in WAITING)
        found.append(AwaitingSupplement(ask.key, ask.dod_ref, ask.replied_on or "", awaited, arrived))
    return found


def _record_disclosures(conn: sqlite3.Connection, result) -> None:
    """One `export` audit entry for the companies a reply or supplement names, as exporting.export writes.

    Read from the letter's snapshot, so the trail records what the letter says, not a
    second guess at who was named. The entry lists their keys and the letter file's
    SHA-256; `sosa log C-…` finds it by the key.
    """
    from .exporting import record_export

    letter = result.letter
    keys = letter.context["disclosed"]
    if not keys:
        return
    # result.format is the format as letters.issue normalised it ("HTML" → "html").
    written = [f for f in letter.files if f.get("format") == result.format]
    sha256 = written[-1]["sha256"] if written else ""
    record_export(conn, "usg", fmt=result.format, destination=letter.key, keys=keys, sha256=sha256)
