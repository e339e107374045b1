"""Every deadline sosa knows, as an iCalendar file for the officer's calendar (`sosa calendar`).

(`calendar.py` is the other calendar: 開庁日, holidays and 和暦.)

Four kinds of deadline, each an all-day event on its Japan date (DOMAIN.md §7):

- a company's answer-by date for a relayed US ask (`relay-A-0001-C-0003`);
- DoD's reply-by date of an ask (`reply-A-0001`);
- a US supplier's deadline to accept or reject a rated order, 15 CFR 700.13(d)
  (`supplier-R-0001`);
- a JP→US request's follow-up date (`follow-up-R-0001`).

Each event's UID is its name above at a domain drawn from the database's first audit
entry, so importing a newer file updates the events of the same database, and two
databases that began with different changes (the desk's and the demo's) do not overwrite
each other's. A deadline that is met
stays in every later file as `STATUS:CANCELLED` under the same UID, which takes it off the
calendar that imported it; an event that merely vanished from the file would stay there.
Met means, as `sosa status` reads the same facts:

- a relay: answered or recorded as no response, or no longer chased (the ask replied to,
  closed or cancelled; the company withdrawn or suspended: asks.relay_state);
- a reply-by date: the ask is no longer `received` or `relayed`;
- a supplier's deadline: the request has left `rated` (accepted, closed, withdrawn);
- a follow-up: the request has left `sent` and `acknowledged`.

`SEQUENCE` is how many audit entries the record has: it only grows, and grows with every
change of the record, so a calendar takes the newer file's event over the older one's.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from . import files
from .status import REQUEST_COLUMNS, REQUESTS

PRODID = "-//ATLA SoSA desk//sosa//JA"
CALENDAR_NAME = "SoSA 期限"


@dataclass
class Deadline:
    """One event: when, which record and company, what to do, and whether it is still open."""

    uid: str  # without the domain: relay-A-0001-C-0003
    due: str  # ISO date, Japan's
    kind: str  # relay, reply, supplier, follow-up
    record: str
    company: str | None
    summary: str  # Japanese, as the calendar shows it
    description: str  # English: what it is and what to do
    open: bool
    sequence: int

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items()}


def _domain(conn: sqlite3.Connection) -> str:
    """The UIDs' domain: this database's first audit entry, fixed from its first change on."""
    row = conn.execute("SELECT hash FROM audit ORDER BY id LIMIT 1").fetchone()
    return f"{row[0][:16] if row else 'empty'}.sosa.invalid"


def _sequences(conn: sqlite3.Connection) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute("SELECT record, COUNT(*) FROM audit GROUP BY record")}


def _deadline(kind: str, record: str, company: str | None, due: str, summary: str, todo: str, met: str | None, seq: dict[str, int]) -> Deadline:
    """One deadline; `met` says why it is met, None while it is open."""
    uid = f"{kind}-{record}" + (f"-{company}" if kind == "relay" else "")
    description = todo if met is None else f"Met: {met}; nothing to do."
    return Deadline(uid, due, kind, record, company, summary, description, met is None, seq.get(record, 0))


def _relays(conn: sqlite3.Connection, seq: dict[str, int]) -> list[Deadline]:
    from .asks import relay_state

    rows = conn.execute(
        "SELECT a.key AS ask, a.dod_ref, a.status AS ask_status, c.key AS company, c.name_ja, c.name_en, c.status AS company_status,"
        " r.status, r.answer_by, r.reminders FROM relays r JOIN asks a ON a.id = r.ask_id JOIN companies c ON c.id = r.company_id"
        " ORDER BY r.answer_by, a.id, c.id"
    ).fetchall()
    found = []
    for row in rows:
        ask, company = row["ask"], row["company"]
        # Chased, as `sosa status` chases it: overdue on the day after every date.
        chased = relay_state(row["status"], row["answer_by"], row["ask_status"], date.max, company_status=row["company_status"]) == "overdue"
        again = f"（再依頼{row['reminders']}回目）" if row["reminders"] else ""
        found.append(
            _deadline(
                "relay",
                ask,
                company,
                row["answer_by"],
                f"回答期限{again}: {company} {row['name_ja']}（{ask} 協力依頼）",
                f"Answer-by date of {company} {row['name_en'] or row['name_ja']} to the relay of US ask {ask} (DoD ref {row['dod_ref']})."
                f" Record the answer: sosa ask respond {ask} {company} --decision …; if none has come, remind: sosa ask remind {ask}.",
                None if chased else f"{company}'s answer to {ask} is {_relay_met(row)}",
                seq,
            )
        )
    return found


def _relay_met(row: sqlite3.Row) -> str:
    if row["status"] in ("answered", "no-response"):
        return "recorded" if row["status"] == "answered" else "recorded as no response"
    if row["company_status"] != "enrolled":
        return f"no longer chased ({row['company']} is {row['company_status']})"
    return f"no longer chased ({row['ask']} is {row['ask_status']})"


def _replies(conn: sqlite3.Connection, seq: dict[str, int]) -> list[Deadline]:
    rows = conn.execute("SELECT key, dod_ref, status, reply_by FROM asks ORDER BY reply_by, id").fetchall()
    return [
        _deadline(
            "reply",
            row["key"],
            None,
            row["reply_by"],
            f"米国への回答期限: {row['key']}（{row['dod_ref']}）",
            f"DoD's reply-by date for US ask {row['key']} (DoD ref {row['dod_ref']}). Reply with the companies' answers: sosa ask reply {row['key']}.",
            None if row["status"] in ("received", "relayed") else f"{row['key']} is {row['status']}",
            seq,
        )
        for row in rows
    ]


def _requests(conn: sqlite3.Connection, seq: dict[str, int]) -> list[Deadline]:
    rows = conn.execute(
        f"SELECT {REQUEST_COLUMNS}, c.name_en FROM {REQUESTS} r.supplier_deadline IS NOT NULL OR r.follow_up_on IS NOT NULL ORDER BY r.id"
    ).fetchall()
    found = []
    for row in rows:
        key = row["key"]
        who = f"{row['company']} {row['name_ja']}"
        ref = f" (DoD ref {row['dod_ref']})" if row["dod_ref"] else ""
        who_en = f"{row['company']} {row['name_en'] or row['name_ja']}{ref}"
        met = f"{key} is {row['status']}"
        if row["supplier_deadline"]:
            found.append(
                _deadline(
                    "supplier",
                    key,
                    row["company"],
                    row["supplier_deadline"],
                    f"供給企業の受否期限: {key} {who}（DPAS {row['rating']}）",
                    f"The US supplier's deadline to accept or reject the {row['rating']}-rated order of request {key} for {who_en} (15 CFR 700.13(d))."
                    f" Ask DoD whether it accepted, and record it: sosa request update {key} --status supplier-accepted.",
                    None if row["status"] == "rated" else met,
                    seq,
                )
            )
        if row["follow_up_on"]:
            found.append(
                _deadline(
                    "follow-up",
                    key,
                    row["company"],
                    row["follow_up_on"],
                    f"要請のフォローアップ: {key} {who}",
                    f"Follow up with DoD on request {key} for {who_en}, {row['status']} so far. Record DoD's answer: sosa request update {key} --status ….",
                    None if row["status"] in ("sent", "acknowledged") else met,
                    seq,
                )
            )
    return found


def deadlines(conn: sqlite3.Connection) -> list[Deadline]:
    """Every deadline, met or not, by date then kind and record."""
    seq = _sequences(conn)
    found = [*_relays(conn, seq), *_replies(conn, seq), *_requests(conn, seq)]
    found.sort(key=lambda d: (d.due, d.kind, d.uid))
    return found


def build(conn: sqlite3.Connection, *, stamp: datetime | None = None) -> tuple[bytes, list[Deadline]]:
    """The iCalendar file (bytes, CRLF lines as RFC 5545 has them) and the deadlines in it."""
    import icalendar

    domain = _domain(conn)
    from .clock import now

    stamp = stamp or now().astimezone(UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    found = deadlines(conn)
    for deadline in found:
        due = date.fromisoformat(deadline.due)
        event = icalendar.Event()
        event.add("uid", f"{deadline.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)  # a date: VALUE=DATE, an all-day event on Japan's date
        event.add("dtend", due + timedelta(days=1))
        # Marked in the title as well: a calendar that keeps cancelled events shows them so.
        event.add("summary", deadline.summary if deadline.open else f"【済】{deadline.summary}")
        event.add("description", deadline.description)
        event.add("categories", ["SoSA", deadline.kind])
        event.add("status", "CONFIRMED" if deadline.open else "CANCELLED")
        event.add("sequence", deadline.sequence)
        event.add("transp", "TRANSPARENT")  # a deadline does not make the officer busy
        cal.add_component(event)
    return cal.to_ical(), found


@dataclass
class CalendarFile:
    destination: str  # a path, or "stdout"
    content: bytes
    deadlines: list[Deadline]

    @property
    def open(self) -> int:
        return sum(1 for d in self.deadlines if d.open)


def file_name() -> str:
    """The usual name, used when `--out` names a folder: `sosa-deadlines-2026-11-30.ics`."""
    from .clock import today

    return f"sosa-deadlines-{today().isoformat()}.ics"


def export(conn: sqlite3.Connection, out: str | Path | None = None) -> CalendarFile:
    """Build the calendar and write it where `--out` says (files.write rules); no `--out`
    or `-` leaves it to the caller to print."""
    path = files.target(out, file_name())
    content, found = build(conn)
    if path is None:
        return CalendarFile("stdout", content, found)
    written = files.write(path, content, force=files.forced(out))
    return CalendarFile(str(written), content, found)
