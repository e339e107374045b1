"""Enrollment: validating a company's record and adding it to the participant register."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import audit, identifiers
from .clock import now_utc
from .fields import ARRANGEMENT_SIGNED, Invalid, Problem, Rules, apply_rules, dated, flag, fsc_list, language, text
from .keys import format_key

COMPANY_FIELDS: Rules = {
    "name_ja": (text, True),
    "name_en": (text, True),
    "corporate_number": (identifiers.corporate_number, True),
    "ncage": (identifiers.ncage, False),
    "address_ja": (text, False),
    "address_en": (text, False),
    "products": (text, False),
    "us_programs": (text, False),
    "fsc": (fsc_list, False),
    "coc_version": (text, False),
    # The Code of Conduct exists since the arrangement was signed, and an acceptance is a
    # fact already past: a later date is a typo, and would enroll the company early.
    "coc_accepted_on": (dated(earliest=ARRANGEMENT_SIGNED, since="the arrangement was signed", past=True, what="Code of Conduct acceptance"), False),
    "coc_signatory": (text, False),
    "share_usg": (flag, False),
    "share_primes": (flag, False),
}
CONTACT_FIELDS: Rules = {
    "name": (text, True),
    "title": (text, False),
    "email": (identifiers.email, False),
    "phone": (identifiers.phone, False),
    "role": (text, False),
    "language": (language, False),
}
COMPANY_COLUMNS = [f for f in COMPANY_FIELDS if f != "fsc"]


@dataclass
class CompanyInput:
    """A validated company record, ready to store."""

    values: dict[str, Any]
    contacts: list[dict[str, Any]] = field(default_factory=list)
    fsc: list[str] = field(default_factory=list)
    line: int | None = None


def validate_company(raw: Mapping[str, Any], lines: Mapping[str, int] | None = None) -> tuple[CompanyInput | None, list[Problem]]:
    """Check one record as given by options or a YAML mapping; all problems at once."""
    lines = lines or {}
    problems: list[Problem] = []
    raw = dict(raw)
    raw_contacts = raw.pop("contacts", None) or []
    values = apply_rules(raw, COMPANY_FIELDS, "", lines, problems)
    contacts: list[dict[str, Any]] = []
    if not isinstance(raw_contacts, list):
        problems.append(Problem("contacts", "must be a list of contacts", lines.get("contacts")))
        raw_contacts = []
    for index, contact in enumerate(raw_contacts, start=1):
        prefix = f"contacts.{index}."
        if not isinstance(contact, Mapping):
            problems.append(Problem(f"contacts.{index}", "must be a mapping with name, title, email, …", lines.get(f"contacts.{index}")))
            continue
        contacts.append(apply_rules(contact, CONTACT_FIELDS, prefix, lines, problems))
    if problems:
        return None, problems
    fsc = values.pop("fsc", None) or []
    values.setdefault("share_usg", False)
    values.setdefault("share_primes", False)
    return CompanyInput(values=values, contacts=contacts, fsc=fsc, line=lines.get("")), []


# --- storing -------------------------------------------------------------------------


def initial_status(values: Mapping[str, Any]) -> str:
    # Enrollment means accepting the Code of Conduct: without the date it is an application.
    return "enrolled" if values.get("coc_accepted_on") else "applied"


def _existing_key(conn: sqlite3.Connection, corporate_number: str) -> str | None:
    row = conn.execute("SELECT key FROM companies WHERE corporate_number = ?", (corporate_number,)).fetchone()
    return row["key"] if row else None


def check_new(conn: sqlite3.Connection, records: list[CompanyInput], source: str | None = None) -> None:
    """Refuse 法人番号 already registered or given twice, naming the existing key or line."""
    problems: list[Problem] = []
    seen: dict[str, CompanyInput] = {}
    for rec in records:
        number = rec.values["corporate_number"]
        key = _existing_key(conn, number)
        if key:
            problems.append(Problem("corporate_number", f"法人番号 {number} is already registered as {key}", rec.line))
        elif number in seen:
            first = seen[number].line
            problems.append(
                Problem("corporate_number", f"法人番号 {number} appears twice in this input" + (f" (first at line {first})" if first else ""), rec.line)
            )
        else:
            seen[number] = rec
    if problems:
        raise Invalid(problems, source)


def store_contacts(conn: sqlite3.Connection, company_id: int, contacts: Iterable[Mapping[str, Any]]) -> None:
    conn.execute("DELETE FROM contacts WHERE company_id = ?", (company_id,))
    conn.executemany(
        "INSERT INTO contacts (company_id, position, name, title, email, phone, role, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (company_id, pos, c.get("name"), c.get("title"), c.get("email"), c.get("phone"), c.get("role"), c.get("language"))
            for pos, c in enumerate(contacts, start=1)
        ],
    )


def store_fsc(conn: sqlite3.Connection, company_id: int, codes: Iterable[str]) -> None:
    conn.execute("DELETE FROM company_fsc WHERE company_id = ?", (company_id,))
    conn.executemany("INSERT INTO company_fsc (company_id, fsc) VALUES (?, ?)", [(company_id, c) for c in codes])


def snapshot(values: Mapping[str, Any], contacts: Sequence[Mapping[str, Any]], fsc: list[str]) -> dict[str, Any]:
    """What the audit trail keeps of a company: every field, its contacts and classes."""
    return {**{c: values.get(c) for c in COMPANY_COLUMNS}, "status": values.get("status"), "fsc": list(fsc), "contacts": [dict(c) for c in contacts]}


def enroll(
    conn: sqlite3.Connection,
    records: list[CompanyInput],
    *,
    source: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Add validated companies to the register, all or nothing; returns their keys."""
    from .store import transaction

    keys: list[str] = []
    with transaction(conn):
        check_new(conn, records, source)
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM companies").fetchone()[0]
        stamp = now_utc()
        for done, rec in enumerate(records, start=1):
            key = format_key("C", next_id)
            values = {c: rec.values.get(c) for c in COMPANY_COLUMNS}
            values.update(id=next_id, key=key, status=initial_status(values), created_at=stamp, updated_at=stamp)
            values["share_usg"] = int(bool(values["share_usg"]))
            values["share_primes"] = int(bool(values["share_primes"]))
            columns = ", ".join(values)
            conn.execute(f"INSERT INTO companies ({columns}) VALUES ({', '.join(':' + c for c in values)})", values)
            store_contacts(conn, next_id, rec.contacts)
            store_fsc(conn, next_id, rec.fsc)
            audit.record(conn, "enroll", key, after=snapshot(values, rec.contacts, rec.fsc))
            keys.append(key)
            next_id += 1
            if progress:
                progress(done)
    return keys


def enroll_and_notify(
    conn: sqlite3.Connection,
    records: list[CompanyInput],
    *,
    fmt: str = "md",
    source: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[str], list]:
    """Enroll and issue each enrolled company's notice (通知) in the same transaction.

    If a notice cannot be issued (an office setting is missing, say), nobody is enrolled.
    Applicants (no Code of Conduct date yet) get no notice. Returns the keys and the
    `letters.LetterResult` of each notice.
    """
    from . import config, issuing
    from .register import get_company
    from .store import transaction

    profile = config.load()
    with transaction(conn):
        keys = enroll(conn, records, source=source, progress=progress)
        enrolled = [k for k, rec in zip(keys, records, strict=True) if initial_status(rec.values) == "enrolled"]
        notices = [issuing.enrollment(conn, get_company(conn, key), profile=profile, fmt=fmt) for key in enrolled]
    return keys, notices
