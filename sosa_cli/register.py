"""The participant register: finding, listing, correcting and changing the status of companies."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import audit, lifecycle
from .errors import NotFound, SosaError
from .i18n import _
from .keys import format_key, looks_like_key, parse_key


@dataclass
class Contact:
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    language: str | None = None


@dataclass
class Company:
    id: int
    key: str
    name_ja: str
    name_en: str
    corporate_number: str
    status: str
    ncage: str | None = None
    address_ja: str | None = None
    address_en: str | None = None
    products: str | None = None
    us_programs: str | None = None
    coc_version: str | None = None
    coc_accepted_on: str | None = None
    coc_signatory: str | None = None
    share_usg: bool = False
    share_primes: bool = False
    status_reason: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    fsc: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    psc: list[str] = field(default_factory=list)  # service codes performed

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("id", "contacts")}
        data["contacts"] = [c.__dict__.copy() for c in self.contacts]
        return data


def _company(row: sqlite3.Row, *, fsc: list[str] | None = None, contacts: list[Contact] | None = None, psc: list[str] | None = None) -> Company:
    data = dict(row)
    data["share_usg"] = bool(data.get("share_usg"))
    data["share_primes"] = bool(data.get("share_primes"))
    return Company(**data, fsc=fsc or [], contacts=contacts or [], psc=psc or [])


def _load(conn: sqlite3.Connection, row: sqlite3.Row) -> Company:
    fsc = [r[0] for r in conn.execute("SELECT fsc FROM company_fsc WHERE company_id = ? ORDER BY fsc", (row["id"],))]
    psc = [r[0] for r in conn.execute("SELECT psc FROM company_psc WHERE company_id = ? ORDER BY psc", (row["id"],))]
    contacts = [
        Contact(r["name"], r["title"], r["email"], r["phone"], r["role"], r["language"])
        for r in conn.execute(
            "SELECT name, title, email, phone, role, language FROM contacts WHERE company_id = ? ORDER BY position",
            (row["id"],),
        )
    ]
    return _company(row, fsc=fsc, contacts=contacts, psc=psc)


def get_company(conn: sqlite3.Connection, ref: str) -> Company:
    """A company by key (`C-0001`, any case) or by 法人番号."""
    ref = (ref or "").strip()
    if looks_like_key(ref, "C"):
        row = conn.execute("SELECT * FROM companies WHERE id = ?", (parse_key(ref, "C"),)).fetchone()
        if row is None:
            raise NotFound(_("no company {key}").format(key=format_key("C", parse_key(ref, "C"))), hint=_("`sosa company list` shows the register"))
        return _load(conn, row)
    digits = re.sub(r"[\s-]", "", ref.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if digits.isdigit() and len(digits) == 13:
        row = conn.execute("SELECT * FROM companies WHERE corporate_number = ?", (digits,)).fetchone()
        if row is None:
            raise NotFound(_("no company with 法人番号 {number}").format(number=digits), hint=_("`sosa company list` shows the register"))
        return _load(conn, row)
    raise SosaError(_("{ref!r} names no company").format(ref=ref), hint=_("give a key such as C-0001 or a 13-digit 法人番号"))


SEARCH_COLUMNS = ("name_ja", "name_en", "products", "address_ja", "address_en")


def fold(value: str | None) -> str:
    """Text as search compares it: NFKC-folded, so a name is found however its width was
    typed (ＡＢＣ is ABC, ｶﾌﾞｼｷ is カブシキ), and case-folded, so abc finds ABC."""
    return unicodedata.normalize("NFKC", value or "").casefold()


def _matches(terms: str, *columns: str | None) -> bool:
    # `terms` are folded and joined by U+001F, which no stored text contains (fields.text
    # refuses control characters), and the columns are joined by it too, so a term never
    # matches across the end of one column and the start of the next.
    row = fold("\x1f".join(c or "" for c in columns))
    return all(term in row for term in terms.split("\x1f"))


def list_companies(
    conn: sqlite3.Connection,
    *,
    status: str | None = None,
    search: str | None = None,
    fsc: str | None = None,
    psc: str | None = None,
) -> list[Company]:
    """The register, in key order, filtered by status, text, supply class and service code."""
    where: list[str] = []
    args: list[Any] = []
    if status:
        if status not in lifecycle.COMPANY.states:
            raise SosaError(
                _("{status!r} is not a company status").format(status=status),
                hint=_("use one of {states}").format(states=", ".join(lifecycle.COMPANY.states)),
            )
        where.append("status = ?")
        args.append(status)
    if fsc:
        where.append("id IN (SELECT company_id FROM company_fsc WHERE fsc = ?)")
        args.append(fsc)
    if psc:
        where.append("id IN (SELECT company_id FROM company_psc WHERE psc = ?)")
        args.append(psc.strip().upper())
    terms = [fold(term) for term in (search or "").split()]
    if terms:
        # Both sides are folded, the register's text as it was stored and the terms as
        # typed, so the comparison runs in Python over every row: the trigram index holds
        # the text unfolded and would miss ｶﾌﾞｼｷ for カブシキ. One call per row, all terms at once.
        conn.create_function("sosa_matches", 1 + len(SEARCH_COLUMNS), _matches, deterministic=True)
        where.append(f"sosa_matches(?, {', '.join(SEARCH_COLUMNS)})")
        args.append("\x1f".join(terms))
    sql = "SELECT * FROM companies"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id"
    return [_company(row) for row in conn.execute(sql, args)]


def change(conn: sqlite3.Connection, ref: str, raw: Mapping[str, Any], *, main_contact: Mapping[str, Any] | None = None) -> Company:
    """Correct fields of a company, validated like enrollment; one audit entry with before and after.

    `contacts` in `raw` replaces every contact; `main_contact` corrects the fields it
    gives of the main (first) contact and keeps its others.
    """
    from .clock import now_utc
    from .enrollment import COMPANY_FIELDS, CONTACT_FIELDS, as_columns, changed, company_snapshot, store_contacts, store_fsc, store_psc
    from .fields import Invalid, apply_rules
    from .store import transaction

    problems: list = []
    raw = dict(raw)
    raw_contacts = raw.pop("contacts", None)
    clean = apply_rules(raw, COMPANY_FIELDS, "", {}, problems, partial=True)
    contacts = None
    if raw_contacts is not None:
        contacts = [apply_rules(c, CONTACT_FIELDS, f"contacts.{i}.", {}, problems) for i, c in enumerate(raw_contacts, 1)]
    if problems:
        raise Invalid(problems)
    if not clean and contacts is None and not main_contact:
        raise SosaError(_("nothing to change"), hint=_("give at least one option, e.g. --name-en or --ncage"))
    with transaction(conn):
        company = get_company(conn, ref)
        before = company_snapshot(company)
        if main_contact:
            # Read and merged inside the transaction, so a correction made meanwhile by
            # another officer is not overwritten with what this one read earlier.
            current = [c.__dict__.copy() for c in company.contacts]
            merged = {**(current[0] if current else {}), **main_contact}
            if not merged.get("name"):
                raise SosaError(_("{key} has no contact yet: a new contact needs a name").format(key=company.key), hint=_("add --contact-name"))
            contacts = [apply_rules(merged, CONTACT_FIELDS, "contacts.1.", {}, problems), *current[1:]]
            if problems:
                raise Invalid(problems)
        if "corporate_number" in clean and clean["corporate_number"] != company.corporate_number:
            other = conn.execute("SELECT key FROM companies WHERE corporate_number = ?", (clean["corporate_number"],)).fetchone()
            if other:
                raise SosaError(_("法人番号 {number} is already registered as {key}").format(number=clean["corporate_number"], key=other["key"]))
        fsc = clean.pop("fsc", None)
        psc = clean.pop("psc", None)
        columns = as_columns(clean)
        # Accepting the Code of Conduct is what turns an application into enrollment.
        if company.status == "applied" and columns.get("coc_accepted_on"):
            lifecycle.COMPANY.check(company.key, company.status, "enrolled")
            columns["status"] = "enrolled"
        columns["updated_at"] = now_utc()
        conn.execute(
            f"UPDATE companies SET {', '.join(f'{c} = :{c}' for c in columns)} WHERE id = :id",
            {**columns, "id": company.id},
        )
        if fsc is not None:
            store_fsc(conn, company.id, fsc)
        if psc is not None:
            store_psc(conn, company.id, psc)
        if contacts is not None:
            store_contacts(conn, company.id, contacts)
        updated = get_company(conn, company.key)
        was, now = changed(before, company_snapshot(updated))
        audit.record(conn, "update", company.key, before=was, after=now)
    return updated


def set_status(conn: sqlite3.Connection, ref: str, target: str, *, reason: str | None = None, action: str) -> Company:
    """Move a company along its life cycle (suspend, reinstate, withdraw)."""
    from .clock import now_utc
    from .store import transaction

    with transaction(conn):
        company = get_company(conn, ref)
        lifecycle.COMPANY.check(company.key, company.status, target, action=action, facts={"corporate_number": company.corporate_number})
        conn.execute(
            "UPDATE companies SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
            (target, reason, now_utc(), company.id),
        )
        audit.record(
            conn,
            action,
            company.key,
            before={"status": company.status, "status_reason": company.status_reason},
            after={"status": target, "status_reason": reason},
        )
        return get_company(conn, company.key)
