"""Delays: a participant's report that a US-made part or service for a JSDF product is late.

DPAS covers services (役務: a repair, an overhaul, a test) as well as parts (DOMAIN.md §2):
a delayed service is recorded like a part, but has a description and no part number or
NSN, and is counted in lots (one unless given).

Every change of the supplier's promised date is kept as a slip, never overwritten: the
history of slips is what ATLA shows DoD as the efforts already made (15 CFR 700.53).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import audit, identifiers, lifecycle
from .clock import now_utc, today
from .errors import NotFound, SosaError
from .fields import Invalid, Problem, Rules, apply_rules, english, flag, iso_date, text
from .i18n import _
from .keys import format_key, parse_key
from .store import transaction
from .words import company_status

# A quantity of parts or lots; far beyond any order, and within SQLite's 64-bit integers
# (a larger Python int cannot be stored at all).
MAX_QUANTITY = 999_999_999


def quantity(value: Any) -> int:
    # Full-width digits from a Japanese IME count; "²" and other digit-like signs do not.
    raw = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    if not (raw.isascii() and raw.isdigit()) or not raw.strip("0"):
        raise SosaError(_("{value!r} is not a positive whole number").format(value=value))
    # Count the digits before converting: Python refuses to read an int of 4,300 digits.
    if len(raw.lstrip("0")) > len(str(MAX_QUANTITY)) or int(raw) > MAX_QUANTITY:
        shown = raw if len(raw) <= 30 else _("a number of {digits} digits").format(digits=len(raw))
        raise SosaError(_("{number} is more than {most}; check the quantity").format(number=shown, most=f"{MAX_QUANTITY:,}"))
    return int(raw)


# The unit of issue when none is given: each (EA), as most US parts are ordered; a
# service is ordered as a lot (LO), worded 一式 / "1 lot" in letters.
DEFAULT_UNIT = "EA"
SERVICE_UNIT = "LO"
# The JSDF service a delay's program belongs to: code → (Japanese name, English name).
SERVICE_BRANCHES = {
    "gsdf": ("陸上自衛隊", "Japan Ground Self-Defense Force"),
    "msdf": ("海上自衛隊", "Japan Maritime Self-Defense Force"),
    "asdf": ("航空自衛隊", "Japan Air Self-Defense Force"),
    "joint": ("統合", "Joint Staff"),
}


def unit_of_issue(value: Any) -> str:
    """A unit of issue as US orders write it (EA, SE, LO, PR …): 1 to 4 letters, upper-cased."""
    # Full-width letters from a Japanese IME become ASCII, as for the other codes.
    unit = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if not (unit.isascii() and unit.isalpha() and 1 <= len(unit) <= 4):
        raise SosaError(_("{value!r} is not a unit of issue: give 1 to 4 letters, e.g. EA (each), SE (set), LO (lot)").format(value=value))
    return unit


def service_branch(value: Any) -> str:
    """A SERVICE_BRANCHES code, from the code or either name (航空自衛隊 → asdf)."""
    given = str(value).strip()
    for code, names in SERVICE_BRANCHES.items():
        if given.lower() == code or given in names:
            return code
    known = ", ".join(f"{c} ({ja})" for c, (ja, _en) in SERVICE_BRANCHES.items())
    raise SosaError(_("{value!r} is not a JSDF service: use one of {known}").format(value=value, known=known))


DELAY_FIELDS: Rules = {
    "company": (text, True),
    "program": (text, False),
    # Printed in the English request to DoD, so no Japanese (DOMAIN.md §7).
    "program_en": (english("--program-en"), False),
    "service_branch": (service_branch, False),
    "contract": (text, False),
    "supplier": (text, True),
    # A US supplier's CAGE code, or the NCAGE code of one in `supplier_country` (ISO 3166
    # alpha-2; none given is the US): the pair is checked together (supplier_problem).
    "supplier_cage": (identifiers.ncage, False),
    "supplier_country": (identifiers.country, False),
    "supplier_address": (english("--supplier-address", multiline=True), False),
    "supplier_contact": (english("--supplier-contact"), False),
    "po": (text, False),
    # `service`: a service (役務), not a part; stored as `kind`. A part needs its part
    # number and quantity, a service neither (PART_REQUIRED, checked in `_kind_problems`).
    "service": (flag, False),
    "part_number": (text, False),
    "nsn": (identifiers.nsn, False),
    "psc": (identifiers.psc, False),  # a service's code, e.g. J015
    "description": (text, False),
    "quantity": (quantity, False),
    "unit": (unit_of_issue, False),  # default DEFAULT_UNIT
    "need_date": (iso_date, True),
    "promised_date": (iso_date, True),
    "impact": (lambda v: text(v, multiline=True), False),
    "efforts": (lambda v: text(v, multiline=True), False),
    "rating_sought": (identifiers.dpas_rating, False),
}
PART_REQUIRED = ("part_number", "quantity")
COLUMNS = [f for f in DELAY_FIELDS if f not in ("company", "promised_date", "service")] + ["kind"]


def required_fields(service: bool) -> list[str]:
    """The fields `sosa delay add` must be given, in the order of its options."""
    return [name for name, (_rule, required) in DELAY_FIELDS.items() if required or (not service and name in PART_REQUIRED)]


CLOSE_REASONS = ("recovered", "withdrawn", "not-eligible")


@dataclass
class Slip:
    promised_date: str
    recorded_at: str
    source: str
    note: str | None = None


@dataclass
class Delay:
    id: int
    key: str
    company_key: str
    company_name: str
    status: str
    supplier: str
    part_number: str | None
    quantity: int
    need_date: str
    original_promised_date: str
    promised_date: str
    kind: str = "part"  # part or service (役務)
    psc: str | None = None  # a service's code
    program: str | None = None
    program_en: str | None = None
    service_branch: str | None = None  # a SERVICE_BRANCHES code
    contract: str | None = None
    unit: str = DEFAULT_UNIT
    rating_sought: str | None = None
    supplier_cage: str | None = None
    supplier_country: str | None = None  # ISO 3166 alpha-2; None: the US
    supplier_address: str | None = None
    supplier_contact: str | None = None
    po: str | None = None
    nsn: str | None = None
    description: str | None = None
    impact: str | None = None
    efforts: str | None = None
    close_reason: str | None = None
    request_key: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    slips: list[Slip] = field(default_factory=list)

    @property
    def days_late(self) -> int:
        """How far the current promise lies beyond the need date."""
        return (date.fromisoformat(self.promised_date) - date.fromisoformat(self.need_date)).days

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def what(self) -> str:
        """What is late, in a line: the part number, or `service: <description>`."""
        if self.is_service:
            return f"service: {self.description}"
        return self.part_number or ""

    @property
    def service_branch_ja(self) -> str | None:
        return SERVICE_BRANCHES[self.service_branch][0] if self.service_branch else None

    @property
    def service_branch_en(self) -> str | None:
        return SERVICE_BRANCHES[self.service_branch][1] if self.service_branch else None

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("id", "slips")}
        data["days_late"] = self.days_late
        data["what"] = self.what
        data["service_branch_ja"] = self.service_branch_ja
        data["service_branch_en"] = self.service_branch_en
        data["slips"] = [s.__dict__.copy() for s in self.slips]
        return data


def _check_dates(need: str, promised: str, problems: list[Problem]) -> None:
    if promised <= need:
        problems.append(
            Problem(
                "promised_date",
                _("{promised} is not later than the need date {need}: nothing is late, so there is no delay to record").format(promised=promised, need=need),
            )
        )


def supplier_problem(cage: str | None, country: str | None) -> Problem | None:
    """A supplier's code that does not fit its country: a US CAGE code for the US, else an NCAGE code."""
    if cage is None:
        return None
    try:
        identifiers.supplier_code(cage, country)
    except SosaError as exc:
        return Problem("supplier_cage", exc.message)
    return None


def _kind_problems(kind: str, values: Mapping[str, Any], *, partial: bool = False) -> list[Problem]:
    """A part has its part number; a service (役務) has a description and neither a part
    number nor an NSN (DOMAIN.md §5). `partial`: a correction, checked against the kind stored."""

    def cleared(name: str) -> bool:
        return (name in values and values[name] is None) or (not partial and name not in values)

    problems = []
    if kind == "service":
        not_for_service = {
            "part_number": _("a service (役務) has no part number: leave out {option}, or record a part without --service"),
            "nsn": _("a service (役務) has no NSN: leave out {option}, or record a part without --service"),
        }
        for name, wording in not_for_service.items():
            if values.get(name) is not None:
                option = "--" + name.replace("_", "-")
                problems.append(Problem(name, wording.format(option=option)))
        if cleared("description"):
            problems.append(Problem("description", _('a service needs --description: what is done, e.g. "F110 engine depot repair"')))
    else:
        if cleared("part_number"):
            problems.append(Problem("part_number", _("is required")))
        if values.get("psc") is not None:
            problems.append(
                Problem("psc", _("a service code (PSC) is for a service: add --service, or leave it out for a part (its class comes from the NSN)"))
            )
    return problems


def validate(raw: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check a delay as given; `partial`: a correction, whose part or service fields
    `update` checks against the kind stored."""
    problems: list[Problem] = []
    kind = None
    clean = apply_rules(raw, DELAY_FIELDS, "", {}, problems, partial=partial)
    service = clean.pop("service", None)
    if partial and service is not None:
        problems.append(Problem("service", _("a delay stays a part or a service: close it as withdrawn and add a new one")))
    if not partial:
        kind = "service" if service else "part"
        clean["kind"] = kind
        if clean.get("quantity") is None and not any(p.field == "quantity" for p in problems):
            if kind == "service":
                clean["quantity"] = 1  # one lot
            else:
                problems.append(Problem("quantity", _("is required")))
    if kind is not None:
        problems.extend(_kind_problems(kind, clean, partial=partial))
    if not partial and not any(p.field.startswith("supplier_c") for p in problems):
        problems.extend(filter(None, [supplier_problem(clean.get("supplier_cage"), clean.get("supplier_country"))]))
    # Not given at `add`, or cleared with --unit "": each, or a lot for a service.
    if ("unit" in clean or not partial) and clean.get("unit") is None:
        clean["unit"] = SERVICE_UNIT if kind == "service" else DEFAULT_UNIT
    if not partial and "need_date" in clean and "promised_date" in clean:
        _check_dates(clean["need_date"], clean["promised_date"], problems)
    if problems:
        raise Invalid(problems)
    return clean


_SELECT = """
    SELECT d.*, c.key AS company_key, c.name_ja AS company_name,
           (SELECT r.key FROM request_delays rd JOIN requests r ON r.id = rd.request_id
             WHERE rd.delay_id = d.id ORDER BY r.id DESC LIMIT 1) AS request_key
    FROM delays d JOIN companies c ON c.id = d.company_id
"""


def _delay(row: sqlite3.Row, slips: list[Slip] | None = None) -> Delay:
    data = {k: row[k] for k in row.keys() if k not in ("company_id",)}
    return Delay(**data, slips=slips or [])


def get_delay(conn: sqlite3.Connection, ref: str) -> Delay:
    number = parse_key(ref, "D")
    row = conn.execute(_SELECT + " WHERE d.id = ?", (number,)).fetchone()
    if row is None:
        raise NotFound(_("no delay {key}").format(key=format_key("D", number)), hint=_("`sosa delay list` shows the delays"))
    slips = [
        Slip(r["promised_date"], r["recorded_at"], r["source"], r["note"])
        for r in conn.execute("SELECT promised_date, recorded_at, source, note FROM delay_slips WHERE delay_id = ? ORDER BY id", (number,))
    ]
    return _delay(row, slips)


def list_delays(
    conn: sqlite3.Connection,
    *,
    company: str | None = None,
    status: str | None = None,
    supplier: str | None = None,
    overdue: bool = False,
) -> list[Delay]:
    """Delays in key order; `overdue`: still open or escalated and past the need date."""
    where: list[str] = []
    args: list[Any] = []
    if company:
        from .register import get_company

        where.append("d.company_id = ?")
        args.append(get_company(conn, company).id)
    if status:
        if status not in lifecycle.DELAY.states:
            raise SosaError(
                _("{status!r} is not a delay status").format(status=status), hint=_("use one of {choices}").format(choices=", ".join(lifecycle.DELAY.states))
            )
        where.append("d.status = ?")
        args.append(status)
    if supplier:
        where.append("(d.supplier LIKE ? ESCAPE '\\' OR d.supplier_cage = ?)")
        args.extend([f"%{_like(supplier)}%", supplier.strip().upper()])
    if overdue:
        where.append("d.status IN ('open', 'escalated') AND d.need_date < ?")
        args.append(today().isoformat())
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.id"
    return [_delay(row) for row in conn.execute(sql, args)]


def _like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def not_enrolled(company: Any) -> str:
    """Why a company that is not enrolled cannot report a delay (`add`, and each row of a file)."""
    return _("{key} {name} is {status}: only enrolled companies can report delays").format(
        key=company.key, name=company.name_ja, status=company_status(company.status)
    )


def add(conn: sqlite3.Connection, raw: Mapping[str, Any]) -> Delay:
    """Record a delay reported by an enrolled company."""
    from .register import get_company

    values = validate(raw)
    with transaction(conn):
        company = get_company(conn, values.pop("company"))
        if company.status != "enrolled":
            raise SosaError(not_enrolled(company))
        promised = values.pop("promised_date")
        number = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM delays").fetchone()[0]
        key = format_key("D", number)
        stamp = now_utc()
        row = {c: values.get(c) for c in COLUMNS}
        row.update(
            id=number,
            key=key,
            company_id=company.id,
            status="open",
            original_promised_date=promised,
            promised_date=promised,
            created_at=stamp,
            updated_at=stamp,
        )
        conn.execute(f"INSERT INTO delays ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})", row)
        conn.execute(
            "INSERT INTO delay_slips (delay_id, promised_date, recorded_at, source, note) VALUES (?, ?, ?, 'reported', NULL)",
            (number, promised, stamp),
        )
        audit.record(conn, "add", key, after={**row, "company": company.key})
        return get_delay(conn, key)


def record_slip(conn: sqlite3.Connection, delay: Delay, promised: str, *, source: str, note: str | None = None) -> None:
    """Keep a new promised date as a slip (inside the caller's transaction)."""
    stamp = now_utc()
    conn.execute(
        "INSERT INTO delay_slips (delay_id, promised_date, recorded_at, source, note) VALUES (?, ?, ?, ?, ?)",
        (delay.id, promised, stamp, source, note),
    )
    conn.execute("UPDATE delays SET promised_date = ?, updated_at = ? WHERE id = ?", (promised, stamp, delay.id))


def update(conn: sqlite3.Connection, ref: str, raw: Mapping[str, Any], *, note: str | None = None) -> Delay:
    """Correct a delay; a new promised date is kept as a slip, whichever way it moved."""
    if "company" in raw:
        raise SosaError(_("a delay cannot move to another company"), hint=_("close it as withdrawn and add a new one"))
    values = validate(raw, partial=True)
    if not values:
        raise SosaError(_("nothing to change"), hint=_("give at least one option, e.g. {option}").format(option="--promised-date"))
    with transaction(conn):
        delay = get_delay(conn, ref)
        if delay.status not in ("open", "escalated"):
            raise SosaError(_("{key} is {status}: a finished delay cannot be changed").format(key=delay.key, status=delay.status))
        problems = _kind_problems(delay.kind, values, partial=True)
        if problems:
            raise Invalid(problems)
        if "supplier_cage" in values or "supplier_country" in values:
            # The code and the country are checked together, the one given against the one stored.
            problem = supplier_problem(values.get("supplier_cage", delay.supplier_cage), values.get("supplier_country", delay.supplier_country))
            if problem is not None:
                raise Invalid([problem])
        # Unlike at `add`, a promise that now meets the need date is accepted: that is
        # what a recovery looks like, and the officer then closes the delay or request.
        promised = values.pop("promised_date", None)
        before = {k: getattr(delay, k) for k in values}
        if promised is not None and promised != delay.promised_date:
            before["promised_date"] = delay.promised_date
            record_slip(conn, delay, promised, source="reported", note=note)
        if values:
            values["updated_at"] = now_utc()
            conn.execute(f"UPDATE delays SET {', '.join(f'{c} = :{c}' for c in values)} WHERE id = :id", {**values, "id": delay.id})
        after = {k: v for k, v in values.items() if k != "updated_at"}
        if promised is not None:
            after["promised_date"] = promised
        audit.record(conn, "update", delay.key, before=before, after={**after, **({"note": note} if note else {})})
        return get_delay(conn, delay.key)


def set_status(conn: sqlite3.Connection, delay: Delay, target: str, *, action: str, reason: str | None = None, close_reason: str | None = None) -> None:
    """Move a delay along its life cycle (inside the caller's transaction).

    `reason` is kept in the audit trail; `close_reason` on the delay itself.
    """
    lifecycle.DELAY.check(delay.key, delay.status, target)
    conn.execute(
        "UPDATE delays SET status = ?, close_reason = ?, updated_at = ? WHERE id = ?",
        (target, close_reason, now_utc(), delay.id),
    )
    audit.record(conn, action, delay.key, before={"status": delay.status}, after={"status": target, "reason": reason or close_reason})


def close(conn: sqlite3.Connection, ref: str, reason: str) -> Delay:
    """Close an open delay that needs no request: recovered, withdrawn or not eligible."""
    if reason not in CLOSE_REASONS:
        raise SosaError(
            _("{reason!r} is not a reason to close a delay").format(reason=reason), hint=_("use one of {choices}").format(choices=", ".join(CLOSE_REASONS))
        )
    with transaction(conn):
        delay = get_delay(conn, ref)
        if delay.status == "escalated":
            raise SosaError(
                _("{key} is in request {request}").format(key=delay.key, request=delay.request_key),
                hint=_("close or withdraw {request} with `sosa request close`").format(request=delay.request_key),
            )
        set_status(conn, delay, "closed", close_reason=reason, action="close")
        return get_delay(conn, delay.key)
