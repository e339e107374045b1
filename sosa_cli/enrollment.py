"""Enrollment: validating a company's record and adding it to the participant register."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import audit, identifiers, lifecycle
from .clock import now_utc
from .errors import SosaError
from .fields import ARRANGEMENT_SIGNED, Invalid, Problem, Rules, apply_rules, dated, flag, fsc_list, language, psc_list, text
from .i18n import _, ngettext
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
    "psc": (psc_list, False),  # the services (役務) it performs, by their codes
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
COMPANY_COLUMNS = [f for f in COMPANY_FIELDS if f not in ("fsc", "psc")]


@dataclass
class CompanyInput:
    """A validated company record, ready to store."""

    values: dict[str, Any]
    contacts: list[dict[str, Any]] = field(default_factory=list)
    fsc: list[str] = field(default_factory=list)
    line: int | None = None
    psc: list[str] = field(default_factory=list)


def validate_company(raw: Mapping[str, Any], lines: Mapping[str, int] | None = None) -> tuple[CompanyInput | None, list[Problem]]:
    """Check one record as given by options or a YAML mapping; all problems at once."""
    lines = lines or {}
    problems: list[Problem] = []
    raw = dict(raw)
    raw_contacts = raw.pop("contacts", None) or []
    values = apply_rules(raw, COMPANY_FIELDS, "", lines, problems)
    contacts: list[dict[str, Any]] = []
    if not isinstance(raw_contacts, list):
        problems.append(Problem("contacts", _("must be a list of contacts"), lines.get("contacts")))
        raw_contacts = []
    for index, contact in enumerate(raw_contacts, start=1):
        prefix = f"contacts.{index}."
        if not isinstance(contact, Mapping):
            problems.append(Problem(f"contacts.{index}", _("must be a mapping with name, title, email, …"), lines.get(f"contacts.{index}")))
            continue
        contacts.append(apply_rules(contact, CONTACT_FIELDS, prefix, lines, problems))
    if problems:
        return None, problems
    fsc = values.pop("fsc", None) or []
    psc = values.pop("psc", None) or []
    values.setdefault("share_usg", False)
    values.setdefault("share_primes", False)
    return CompanyInput(values=values, contacts=contacts, fsc=fsc, line=lines.get(""), psc=psc), []


# --- storing -------------------------------------------------------------------------


def initial_status(values: Mapping[str, Any]) -> str:
    # Enrollment means accepting the Code of Conduct: without the date it is an application.
    return "enrolled" if values.get("coc_accepted_on") else "applied"


RE_ENROLL = "re-enroll"
# What a returning company gives anew: the Code of Conduct it accepts again and the
# consents that go with it (off unless given, as at a first enrollment). Every other
# field it gives corrects the register; one it leaves out keeps what the register knew.
GIVEN_ANEW = ("coc_version", "coc_accepted_on", "coc_signatory", "share_usg", "share_primes")


@dataclass
class Return:
    """A withdrawn company whose 法人番号 is enrolled again: the same record comes back."""

    record: CompanyInput
    key: str
    name_ja: str
    reason: str | None  # why it withdrew

    def describe(self) -> str:
        """`C-0003 株式会社…, which withdrew (company request)`: the company, as a sentence names it."""
        if self.reason:
            return _("{key} {name}, which withdrew ({reason})").format(key=self.key, name=self.name_ja, reason=self.reason)
        return _("{key} {name}, which withdrew").format(key=self.key, name=self.name_ja)


def sort_out(conn: sqlite3.Connection, records: list[CompanyInput], source: str | None = None) -> dict[int, Return]:
    """Which records are new and which bring back a withdrawn company (by position).

    Refuses, all problems at once: a 法人番号 registered to a company that has not
    withdrawn, one given twice, and a return without a new Code of Conduct date.
    """
    problems: list[Problem] = []
    seen: dict[str, CompanyInput] = {}
    returns: dict[int, Return] = {}
    for index, rec in enumerate(records):
        number = rec.values["corporate_number"]
        row = conn.execute("SELECT key, name_ja, status, status_reason, coc_accepted_on FROM companies WHERE corporate_number = ?", (number,)).fetchone()
        if number in seen:
            first = seen[number].line
            twice = (
                _("法人番号 {number} appears twice in this input (first at line {first})").format(number=number, first=first)
                if first
                else _("法人番号 {number} appears twice in this input").format(number=number)
            )
            problems.append(Problem("corporate_number", twice, rec.line))
            continue
        seen[number] = rec
        if row is None:
            continue
        if row["status"] != "withdrawn":
            problems.append(Problem("corporate_number", _("法人番号 {number} is already registered as {key}").format(number=number, key=row["key"]), rec.line))
            continue
        back = Return(rec, row["key"], row["name_ja"], row["status_reason"])
        accepted, earlier = rec.values.get("coc_accepted_on"), row["coc_accepted_on"]
        if not accepted:
            why = _("法人番号 {number} is {company}: enrolling it again needs the date it accepted the Code of Conduct anew").format(
                number=number, company=back.describe()
            )
        elif earlier and accepted <= earlier:
            why = _(
                "{accepted} is not after {key}'s earlier acceptance of {earlier}: enrolling it again needs the date it accepted the Code of Conduct anew"
            ).format(accepted=accepted, key=row["key"], earlier=earlier)
        else:
            returns[index] = back
            continue
        problems.append(Problem("coc_accepted_on", why, rec.line))
    if problems:
        raise Invalid(problems, source)
    return returns


def refuse_unconfirmed(returns: Mapping[int, Return]) -> None:
    """A return changes a withdrawn company's record: say what would happen, and how to confirm."""
    if not returns:
        return
    if len(returns) == 1:
        [back] = returns.values()
        number, accepted = back.record.values["corporate_number"], back.record.values["coc_accepted_on"]
        raise SosaError(
            _(
                "法人番号 {number} is {company}: enrolling it again re-enrolls {key}, its history kept, "
                "with the Code of Conduct accepted on {accepted}; nothing was changed"
            ).format(number=number, company=back.describe(), key=back.key, accepted=accepted),
            hint=_("add --yes to re-enroll it"),
        )
    keys = ", ".join(back.key for back in returns.values())
    n = len(returns)
    raise SosaError(
        ngettext(
            "{n} company in this input withdrew earlier ({keys}): enrolling them again re-enrolls each "
            "under its key, its history kept, with its new Code of Conduct date; nothing was changed",
            "{n} companies in this input withdrew earlier ({keys}): enrolling them again re-enrolls each "
            "under its key, its history kept, with its new Code of Conduct date; nothing was changed",
            n,
        ).format(n=f"{n:,}", keys=keys),
        hint=_("add --yes to re-enroll them"),
    )


def issued_since_return(conn: sqlite3.Connection, company_key: str, letter_key: str) -> bool:
    """Whether a letter was issued after the company last came back (True if it never left).

    Told apart by the order of their audit entries, not their times: both may fall in
    the same second, as with `sosa enroll --yes --letter`.
    """
    row = conn.execute(
        "SELECT (SELECT MAX(id) FROM audit WHERE record = ? AND action = ?), (SELECT MAX(id) FROM audit WHERE record = ? AND action = 'issue')",
        (company_key, RE_ENROLL, letter_key),
    ).fetchone()
    returned, issued = row
    return returned is None or (issued is not None and issued > returned)


def store_contacts(conn: sqlite3.Connection, company_id: int, contacts: Iterable[Mapping[str, Any]], *, fresh: bool = False) -> None:
    """A company's contacts, replacing those it had (`fresh`: a new company, it had none)."""
    if not fresh:
        conn.execute("DELETE FROM contacts WHERE company_id = ?", (company_id,))
    conn.executemany(
        "INSERT INTO contacts (company_id, position, name, title, email, phone, role, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (company_id, pos, c.get("name"), c.get("title"), c.get("email"), c.get("phone"), c.get("role"), c.get("language"))
            for pos, c in enumerate(contacts, start=1)
        ],
    )


def _store_codes(conn: sqlite3.Connection, column: str, company_id: int, codes: Iterable[str], *, fresh: bool = False) -> None:
    # `column` is fsc or psc, each in its table company_<column>: never a value typed.
    if not fresh:
        conn.execute(f"DELETE FROM company_{column} WHERE company_id = ?", (company_id,))
    conn.executemany(f"INSERT INTO company_{column} (company_id, {column}) VALUES (?, ?)", [(company_id, c) for c in codes])


def store_fsc(conn: sqlite3.Connection, company_id: int, codes: Iterable[str]) -> None:
    _store_codes(conn, "fsc", company_id, codes)


def store_psc(conn: sqlite3.Connection, company_id: int, codes: Iterable[str]) -> None:
    _store_codes(conn, "psc", company_id, codes)


def snapshot(values: Mapping[str, Any], contacts: Sequence[Mapping[str, Any]], fsc: list[str], psc: Sequence[str] = ()) -> dict[str, Any]:
    """What the audit trail keeps of a company: every field, its contacts, classes and service codes."""
    return {
        **{c: values.get(c) for c in COMPANY_COLUMNS},
        "status": values.get("status"),
        "fsc": list(fsc),
        "psc": list(psc),
        "contacts": [dict(c) for c in contacts],
    }


def company_snapshot(company: Any) -> dict[str, Any]:
    """`snapshot` of a stored company (a `register.Company`)."""
    data = company.as_dict()
    return snapshot(data, data["contacts"], company.fsc, company.psc)


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ, as the audit trail keeps a correction: (before, after)."""
    keys = [k for k in after if after[k] != before.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def as_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the companies table stores them: the consents as 0 or 1."""
    columns = dict(values)
    for name in ("share_usg", "share_primes"):
        if name in columns:
            columns[name] = int(bool(columns[name]))
    return columns


def re_enroll(conn: sqlite3.Connection, back: Return, stamp: str) -> None:
    from .register import get_company

    rec = back.record
    company = get_company(conn, back.key)
    # Checked again inside the transaction: another officer may have changed it meanwhile.
    lifecycle.COMPANY.check(company.key, company.status, "enrolled", action=RE_ENROLL)
    before = company_snapshot(company)
    values = {c: rec.values[c] for c in COMPANY_COLUMNS if rec.values.get(c) is not None}
    values.update({c: rec.values.get(c) for c in GIVEN_ANEW})
    columns = as_columns(values) | {"status": "enrolled", "status_reason": None, "updated_at": stamp}
    conn.execute(f"UPDATE companies SET {', '.join(f'{c} = :{c}' for c in columns)} WHERE id = :id", {**columns, "id": company.id})
    if rec.contacts:
        store_contacts(conn, company.id, rec.contacts)
    if rec.fsc:
        store_fsc(conn, company.id, rec.fsc)
    if rec.psc:
        store_psc(conn, company.id, rec.psc)
    was, now = changed(before, company_snapshot(get_company(conn, company.key)))
    audit.record(conn, RE_ENROLL, company.key, before=was, after=now)


def insert_new(conn: sqlite3.Connection, rec: CompanyInput, number: int, stamp: str) -> str:
    """Add one new company as C-<number>, with its audit entry (inside the caller's transaction)."""
    key = format_key("C", number)
    values = {c: rec.values.get(c) for c in COMPANY_COLUMNS}
    values.update(id=number, key=key, status=initial_status(values), created_at=stamp, updated_at=stamp)
    values = as_columns(values)
    columns = ", ".join(values)
    conn.execute(f"INSERT INTO companies ({columns}) VALUES ({', '.join(':' + c for c in values)})", values)
    # A new company has no contacts or codes to replace: only what it brings is written
    # (a bulk intake of 100,000 rows pays for every statement).
    if rec.contacts:
        store_contacts(conn, number, rec.contacts, fresh=True)
    for column, codes in (("fsc", rec.fsc), ("psc", rec.psc)):
        if codes:
            _store_codes(conn, column, number, codes, fresh=True)
    audit.record(conn, "enroll", key, after=snapshot(values, rec.contacts, rec.fsc, rec.psc))
    return key


# How many new companies make an enrollment a bulk one, whose search index is built at once.
BULK_INDEX = 50
_SEARCH_COLUMNS = "name_ja, name_en, products, address_ja, address_en"


@contextlib.contextmanager
def search_index_in_bulk(conn: sqlite3.Connection) -> Iterator[None]:
    """Index the companies added inside the block for `company list --search` in one
    statement at its end, rather than row by row (inside the caller's transaction).

    The register's trigram index (migration 0001, `companies_ai`) indexes each new row
    as it is inserted, and FTS5 flushes and merges its segments for every row: measured,
    40,000 companies took 5.5 s of CPU indexed row by row and 1.2 s indexed at once. The
    trigger is dropped for the block and created again from its own stored SQL, so the
    schema is byte for byte what it was; the transaction makes the three steps one (a
    failure rolls the trigger back with the rows), and the write lock keeps any other
    writer out meanwhile.
    """
    found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'companies_ai'").fetchone()
    if found is None or not conn.in_transaction:
        yield
        return
    first = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM companies").fetchone()[0]
    conn.execute('DROP TRIGGER "companies_ai"')
    yield
    conn.execute(
        f"INSERT INTO companies_fts (rowid, {_SEARCH_COLUMNS}) SELECT rowid, {_SEARCH_COLUMNS} FROM companies WHERE rowid >= ?",
        (first,),
    )
    conn.execute(found[0])


def enroll(
    conn: sqlite3.Connection,
    records: list[CompanyInput],
    *,
    source: str | None = None,
    progress: Callable[[int], None] | None = None,
    returning: bool = False,
) -> list[str]:
    """Add validated companies to the register, all or nothing; returns their keys.

    A record whose 法人番号 belongs to a withdrawn company re-enrolls that company (same
    key, its history kept) when `returning` confirms it, and is refused otherwise.
    """
    from .store import transaction

    keys: list[str] = []
    with transaction(conn):
        returns = sort_out(conn, records, source)
        if not returning:
            refuse_unconfirmed(returns)
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM companies").fetchone()[0]
        stamp = now_utc()
        bulk = len(records) - len(returns) >= BULK_INDEX
        with search_index_in_bulk(conn) if bulk else contextlib.nullcontext():
            for done, rec in enumerate(records, start=1):
                if done - 1 in returns:
                    re_enroll(conn, returns[done - 1], stamp)
                    keys.append(returns[done - 1].key)
                else:
                    keys.append(insert_new(conn, rec, next_id, stamp))
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
    returning: bool = False,
) -> tuple[list[str], list]:
    """Enroll and issue each enrolled company's notice (通知) in the same transaction.

    If a notice cannot be issued (an office setting is missing, say), nobody is enrolled.
    Applicants (no Code of Conduct date yet) get no notice; a returning company gets a
    new one. Returns the keys and the
    `letters.LetterResult` of each notice.
    """
    from . import config, issuing
    from .register import get_company
    from .store import transaction

    profile = config.load()
    with transaction(conn):
        keys = enroll(conn, records, source=source, progress=progress, returning=returning)
        enrolled = [k for k, rec in zip(keys, records, strict=True) if initial_status(rec.values) == "enrolled"]
        notices = issuing.enrollment_notices(conn, [get_company(conn, key) for key in enrolled], profile=profile, fmt=fmt)
    return keys, notices
