"""Letters: the kinds the desk writes, the register of 文書番号, and rendering them.

A letter is rendered from a *kind* (enrollment, request, relay, …) and the record it
belongs to. Issuing gives it the next 文書番号 of its 年度 (`<prefix>第<n>号`), fixes its
date, writes the file and records it, all in one `BEGIN IMMEDIATE` transaction with its
audit entry, so two officers issuing at once queue for the number instead of sharing
one. A draft (`draft=True`) is rendered with a blank number and touches nothing in the
database.

Adding a kind (issues 4–6) means writing one builder and its templates::

    @letter_kind("outcome", language="ja", record="R", subject="…について（通知）",
                 settings=JA_SETTINGS)
    def _outcome(conn, target): -> LetterFacts(addressee=…, to={…}, fields={…})

plus `templates/ja/outcome.md.j2` and `.html.j2` extending the letterhead, an entry in
`docx_templates.LETTERS` for its Word template, and (for a new record type) a resolver
in `RECORDS`. A PDF letter is the HTML one printed (documents.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import audit, config, lifecycle
from .errors import NotFound, SosaError
from .keys import format_key, parse_key

FORMATS = ("md", "html", "docx", "pdf")
BINARY_FORMATS = ("docx", "pdf")
# The formats with a template of their own; a PDF is printed from the HTML letter.
TEMPLATE_FORMATS = ("md", "html", "docx")
LANGUAGES = ("ja", "en")
# Settings every Japanese letter prints: sender, 担当 block.
JA_SETTINGS = ("sender_title", "division", "contact_section", "contact_name", "contact_phone", "contact_email")
# Settings every English letter to DoD prints: letterhead, inside address, signature.
EN_SETTINGS = ("division_en", "dod_addressee", "dod_salutation", "sender_name_en", "sender_title_en")
DRAFT_NUMBER = "第　　号"  # the blank an officer fills in by hand on a paper draft


# --- the kinds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The record a letter belongs to, resolved from what the officer typed."""

    record: str  # its key, e.g. C-0001
    company_id: int | None = None
    company_key: str | None = None


@dataclass
class LetterFacts:
    """What a kind's builder hands the templates: the addressee and the record's fields.

    `addressee` is the one line kept in the register; `to` is the addressee as the
    letterhead lays it out (organisation, title, name, honorific); `fields` are merged
    into the template context. Everything must be JSON (it is the issued letter's
    snapshot), and no field may be named like a dict method (`items`, `keys`, `values`,
    `get`): Jinja would find the method first.
    """

    addressee: str
    to: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[sqlite3.Connection, Target], LetterFacts]
Resolver = Callable[[sqlite3.Connection, str, "str | None"], Target]


@dataclass(frozen=True)
class Kind:
    name: str
    language: str
    record: str  # key prefix of the record it belongs to: C, R, A
    subject: str  # 件名 / SUBJECT line
    build: Builder
    settings: tuple[str, ...] = ()
    takes_company: bool = False  # relay, reminder: one letter per (ask, company)
    # Whether a record has at most one issued letter of this kind, so that rendering
    # it again reproduces that letter instead of issuing another number.
    once: bool = True
    description: str = ""
    # Checked before a number is issued (not for drafts): a kind that only one command
    # may issue says so here.
    guard: Callable[[sqlite3.Connection, Target], None] | None = None


KINDS: dict[str, Kind] = {}


def letter_kind(
    name: str,
    *,
    language: str,
    record: str,
    subject: str,
    settings: tuple[str, ...] = (),
    takes_company: bool = False,
    once: bool = True,
    description: str = "",
    guard: Callable[[sqlite3.Connection, Target], None] | None = None,
) -> Callable[[Builder], Builder]:
    """Register a kind of letter: its language, the record type it takes, its builder."""

    def register(build: Builder) -> Builder:
        if language not in LANGUAGES:
            raise ValueError(f"letter language {language!r}")
        if record not in RECORDS:
            raise ValueError(f"no resolver for {record}- records")
        KINDS[name] = Kind(name, language, record, subject, build, settings, takes_company, once, description or build.__doc__ or "", guard)
        return build

    return register


def get_kind(name: str) -> Kind:
    kind = KINDS.get((name or "").strip().lower())
    if kind is None:
        raise SosaError(f"{name!r} is not a kind of letter this version writes", hint=f"kinds: {', '.join(KINDS)}")
    return kind


def _company_target(conn: sqlite3.Connection, record: str, company: str | None) -> Target:
    from .register import get_company

    found = get_company(conn, record)
    if company is not None and get_company(conn, company).id != found.id:
        raise SosaError(f"this letter goes to the company {found.key} itself", hint="drop --company")
    return Target(found.key, found.id, found.key)


# Record type (key prefix) → how the RECORD argument is found.
RECORDS: dict[str, Resolver] = {"C": _company_target}


def _primary_contact(company) -> Any:
    # The contact marked `role: primary`; otherwise the first one, which is the main
    # contact `sosa company update --contact-…` replaces.
    for contact in company.contacts:
        if (contact.role or "").strip().lower() in ("primary", "主担当"):
            return contact
    return company.contacts[0] if company.contacts else None


def company_addressee(company) -> tuple[str, dict[str, Any]]:
    """`<社名> <役職> <氏名> 殿` to a named contact, else `<社名> 御中` (DOMAIN.md §7)."""
    contact = _primary_contact(company)
    if contact is None:
        to = {"organisation": company.name_ja, "title": None, "name": None, "honorific": "御中"}
        return f"{company.name_ja} 御中", to
    to = {"organisation": company.name_ja, "title": contact.title, "name": contact.name, "honorific": "殿"}
    return " ".join(p for p in (company.name_ja, contact.title, contact.name, "殿") if p), to


def company_fields(company) -> dict[str, Any]:
    """What any letter may print of a company (the same keys in every kind's context)."""
    return {
        "key": company.key,
        "name_ja": company.name_ja,
        "name_en": company.name_en,
        "corporate_number": company.corporate_number,
        "ncage": company.ncage,
        "address_ja": company.address_ja,
        "address_en": company.address_en,
        "coc_version": company.coc_version,
        "coc_accepted_on": company.coc_accepted_on,
        "share_usg": company.share_usg,
        "share_primes": company.share_primes,
    }


ENROLLMENT_SUBJECT = "日米間の防衛装備品等の供給の安定化に係る取決めに基づく参加企業の登録について（通知）"


@letter_kind("enrollment", language="ja", record="C", subject=ENROLLMENT_SUBJECT, settings=JA_SETTINGS)
def _enrollment(conn: sqlite3.Connection, target: Target) -> LetterFacts:
    """Notice (通知) to a company that it is registered as a SoSA participant."""
    from .register import get_company

    company = get_company(conn, target.record)
    if company.status != "enrolled":
        hint = "`sosa company update … --coc-accepted-on DATE` enrolls it" if company.status == "applied" else None
        raise SosaError(f"{company.key} {company.name_ja} is {company.status}; an enrollment notice goes to an enrolled company", hint=hint)
    addressee, to = company_addressee(company)
    contact = _primary_contact(company)
    return LetterFacts(
        addressee=addressee,
        to=to,
        fields={
            "company": company_fields(company),
            "contact": None if contact is None else {"name": contact.name, "title": contact.title, "email": contact.email, "phone": contact.phone},
        },
    )


# --- the register --------------------------------------------------------------------


@dataclass
class Letter:
    id: int
    key: str
    kind: str
    language: str
    record: str
    addressee: str
    subject: str
    status: str
    created_at: str
    company: str | None = None  # the company's key
    doc_number: str | None = None
    fiscal_year: int | None = None
    serial: int | None = None
    letter_date: str | None = None
    cancel_reason: str | None = None
    cancelled_at: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    context: dict[str, Any] | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """Stable keys for `--json`; the context snapshot is left out (it is the letter's text)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("id", "context")}


_SELECT = "SELECT l.*, c.key AS company_key FROM letters l LEFT JOIN companies c ON c.id = l.company_id"


def _letter(row: sqlite3.Row) -> Letter:
    data = dict(row)
    return Letter(
        id=data["id"],
        key=data["key"],
        kind=data["kind"],
        language=data["language"],
        record=data["record"],
        addressee=data["addressee"],
        subject=data["subject"],
        status=data["status"],
        created_at=data["created_at"],
        company=data["company_key"],
        doc_number=data["doc_number"],
        fiscal_year=data["fiscal_year"],
        serial=data["serial"],
        letter_date=data["letter_date"],
        cancel_reason=data["cancel_reason"],
        cancelled_at=data["cancelled_at"],
        files=json.loads(data["files"] or "[]"),
        context=json.loads(data["context"]) if data["context"] else None,
    )


def get_letter(conn: sqlite3.Connection, ref: str) -> Letter:
    number = parse_key(ref, "L")
    row = conn.execute(f"{_SELECT} WHERE l.id = ?", (number,)).fetchone()
    if row is None:
        raise NotFound(f"no letter {format_key('L', number)}", hint="`sosa letter list` shows the register")
    return _letter(row)


def list_letters(
    conn: sqlite3.Connection,
    *,
    kind: str | None = None,
    status: str | None = None,
    record: str | None = None,
    company: str | None = None,
) -> list[Letter]:
    """The register in key order, filtered by kind, status, the record or the company."""
    where: list[str] = []
    args: list[Any] = []
    if kind:
        where.append("l.kind = ?")
        args.append(get_kind(kind).name)
    if status:
        if status not in lifecycle.LETTER.states:
            raise SosaError(f"{status!r} is not a letter status", hint=f"use one of {', '.join(lifecycle.LETTER.states)}")
        where.append("l.status = ?")
        args.append(status)
    if record:
        from .keys import normalise_key

        key = normalise_key(record)
        if key is None:
            raise SosaError(f"{record!r} is not a record key", hint="give a key such as C-0001 or R-0002")
        where.append("l.record = ?")
        args.append(key)
    if company:
        from .register import get_company

        where.append("l.company_id = ?")
        args.append(get_company(conn, company).id)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY l.id"
    return [_letter(row) for row in conn.execute(sql, args)]


def cancel(conn: sqlite3.Connection, ref: str, reason: str) -> Letter:
    """Cancel an issued letter; its number stays used (DOMAIN.md §5: never reused)."""
    from .clock import now_utc
    from .store import transaction

    reason = (reason or "").strip()
    if not reason:
        raise SosaError("a cancellation needs a reason", hint='add --reason "…" (e.g. "sent to the wrong company")')
    with transaction(conn):
        letter = get_letter(conn, ref)
        lifecycle.LETTER.check(letter.key, letter.status, "cancelled")
        conn.execute(
            "UPDATE letters SET status = 'cancelled', cancel_reason = ?, cancelled_at = ? WHERE id = ?",
            (reason, now_utc(), letter.id),
        )
        audit.record(
            conn,
            "cancel",
            letter.key,
            before={"status": letter.status},
            after={"status": "cancelled", "cancel_reason": reason, "doc_number": letter.doc_number},
        )
        return get_letter(conn, letter.key)


# --- rendering and issuing -------------------------------------------------------------


@dataclass
class LetterResult:
    """A rendered letter: the register entry (None for a draft), its text and where it went.

    `content` is text for md and html, bytes for docx and pdf.
    """

    content: str | bytes
    format: str
    path: Path | None  # None when printed to stdout
    letter: Letter | None = None
    issued_now: bool = False  # False: a draft, or an issued letter reproduced

    @property
    def draft(self) -> bool:
        return self.letter is None


def letters_dir(conn: sqlite3.Connection, profile: config.Profile) -> Path:
    """The `letters_dir` setting, else `letters/` beside the database (CLI.md)."""
    chosen = config.folder(profile, "letters_dir")
    if chosen is not None:
        return chosen
    db_path = getattr(conn, "path", None)
    return (Path(db_path).parent if db_path else Path.cwd()) / "letters"


def _file_name(kind: Kind, target: Target, fmt: str, key: str | None) -> str:
    parts = [key or "draft", kind.name, target.record]
    if kind.takes_company and target.company_key and target.company_key != target.record:
        parts.append(target.company_key)
    return f"{'-'.join(parts)}.{fmt}"


def _destination(out: str | Path | None, default_folder: Path, file_name: str) -> Path | None:
    if out is not None and str(out) == "-":
        return None
    if out is None:
        return default_folder / file_name
    path = Path(out).expanduser()
    return path / file_name if path.is_dir() else path


def _write(path: Path, content: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write aside and rename: a letter file is either the old one or the whole new one.
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(content)
        os.replace(temp, path)
    except OSError as exc:
        raise SosaError(f"cannot write the letter to {path}: {exc.strerror}") from None
    return path.resolve()


def _context(kind: Kind, target: Target, facts: LetterFacts, profile: config.Profile, on: date, *, key: str | None, number: str, serial: int | None) -> dict[str, Any]:
    from .calendar import fiscal_year, format_english, format_nendo, format_wareki

    fy = fiscal_year(on)
    return {
        "letter": {
            "key": key,
            "kind": kind.name,
            "language": kind.language,
            "record": target.record,
            "draft": key is None,
            "number": number,
            "serial": serial,
            "date": on.isoformat(),
            "date_ja": format_wareki(on),
            "date_en": format_english(on),
            "fiscal_year": fy,
            "nendo": format_nendo(fy),
            "subject": kind.subject,
        },
        # Folders are this desk's machine, not part of the letter.
        "office": {k: v for k, v in profile.effective().items() if k not in ("letters_dir", "templates_dir")},
        "to": facts.to,
        **facts.fields,
    }


@dataclass(frozen=True)
class Rendered:
    """A letter in one format: what is returned, the bytes written, and the file's register entry."""

    content: str | bytes
    data: bytes
    # What the letter says, for binary formats (documents.py): compared when it is rendered again.
    source_sha256: str | None = None

    def entry(self, path: Path | None, fmt: str) -> dict[str, Any]:
        entry = {"path": str(path.resolve()) if path else None, "format": fmt, "sha256": _sha256(self.data)}
        if self.source_sha256 is not None:
            entry["source_sha256"] = self.source_sha256
        return entry


def _render(kind: Kind, fmt: str, context: dict[str, Any], profile: config.Profile) -> Rendered:
    from .render import locate, render, template_name

    officer = config.templates_dir(profile)
    letter = context["letter"]
    if fmt == "docx":
        from .documents import fill_word

        name = template_name(kind.language, kind.name, fmt)
        found = locate(name, officer=officer)
        if found is None:
            raise SosaError(f"no Word template {name} for the {kind.name} letter", hint="`python -m sosa_cli.docx_templates` writes the shipped ones")
        title = f"{letter['number']} {letter['subject']}"
        document = fill_word(found.path, context, dated=date.fromisoformat(letter["date"]), title=title)
        return Rendered(document.data, document.data, document.source_sha256)
    text = render(template_name(kind.language, kind.name, "html" if fmt == "pdf" else fmt), context, officer=officer)
    if fmt == "pdf":
        from .documents import print_pdf

        document = print_pdf(text, identifier=letter["key"] or "draft")
        return Rendered(document.data, document.data, document.source_sha256)
    return Rendered(text, text.encode("utf-8"))


def _check_format(fmt: str) -> str:
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise SosaError(f"{fmt!r} is not a letter format this version writes", hint=f"use one of {', '.join(FORMATS)}")
    return fmt


def _issued(conn: sqlite3.Connection, kind: Kind, target: Target) -> Letter | None:
    row = conn.execute(
        f"{_SELECT} WHERE l.kind = ? AND l.record = ? AND l.company_id IS ? AND l.status = 'issued' ORDER BY l.id DESC LIMIT 1",
        (kind.name, target.record, target.company_id),
    ).fetchone()
    return _letter(row) if row else None


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def issue(
    conn: sqlite3.Connection,
    kind: str,
    record: str,
    *,
    company: str | None = None,
    fmt: str = "md",
    out: str | Path | None = None,
    draft: bool = False,
    on: str | date | None = None,
    profile: config.Profile | None = None,
) -> LetterResult:
    """Render a letter of `kind` for `record`, issuing it a 文書番号 unless `draft`.

    `out` is a file or folder, `"-"` for no file (the caller prints `content`), or None
    for the letters folder. `on` is the letter's date (default: today). If the record
    already has an issued letter of this kind, that letter is rendered again, with the
    same number, date and text.
    """
    from .calendar import fiscal_year, parse_date
    from .clock import now_utc, today
    from .store import on_rollback, remove_file, transaction

    spec = get_kind(kind)
    fmt = _check_format(fmt)
    profile = profile or config.load()
    letter_date = parse_date(on) if on is not None else today()
    if spec.takes_company and not company:
        raise SosaError(f"a {spec.name} letter goes to one company", hint="add --company C-…")
    if company and not spec.takes_company and spec.record != "C":
        raise SosaError(f"a {spec.name} letter takes no --company", hint="drop --company")
    resolve = RECORDS[spec.record]
    folder = letters_dir(conn, profile)

    if draft:
        target = resolve(conn, record, company)
        facts = spec.build(conn, target)
        profile.require(spec.settings, f"the {spec.name} letter")
        prefix = profile.get("doc_prefix") or ""
        context = _context(spec, target, facts, profile, letter_date, key=None, number=prefix + DRAFT_NUMBER, serial=None)
        rendered = _render(spec, fmt, context, profile)
        path = _destination(out, folder, _file_name(spec, target, fmt, None))
        if path is not None:
            path = _write(path, rendered.data)
        return LetterResult(rendered.content, fmt, path)

    with transaction(conn):
        target = resolve(conn, record, company)
        existing = _issued(conn, spec, target) if spec.once else None
        if existing is not None:
            return _again(conn, spec, target, existing, fmt, out, folder, profile, on=parse_date(on) if on is not None else None)
        if spec.guard is not None:
            spec.guard(conn, target)
        missing = [k for k in (*spec.settings, "doc_prefix") if not profile.get(k)]
        if missing:
            raise config.MissingSetting(missing, f"issuing the {spec.name} letter")
        facts = spec.build(conn, target)
        fy = fiscal_year(letter_date)
        # Inside BEGIN IMMEDIATE: no other writer can take the same serial between
        # this read and the insert. Cancelled letters count, so no number returns.
        serial = conn.execute("SELECT COALESCE(MAX(serial), 0) + 1 FROM letters WHERE fiscal_year = ?", (fy,)).fetchone()[0]
        letter_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM letters").fetchone()[0]
        key = format_key("L", letter_id)
        number = f"{profile.get('doc_prefix')}第{serial}号"
        context = _context(spec, target, facts, profile, letter_date, key=key, number=number, serial=serial)
        # The letter is rendered from its stored snapshot, never from the live
        # records: an issued letter is what was sent, so rendering it again after
        # the company changes its name or the office its 担当 must give the same
        # text (and bytes, for the recorded hash). Round-tripping through JSON here
        # makes the first render read exactly what a later one will.
        snapshot = json.dumps(context, ensure_ascii=False)
        rendered = _render(spec, fmt, json.loads(snapshot), profile)
        path = _destination(out, folder, _file_name(spec, target, fmt, key))
        files = [rendered.entry(path, fmt)]
        row = {
            "id": letter_id,
            "key": key,
            "kind": spec.name,
            "language": spec.language,
            "record": target.record,
            "company_id": target.company_id,
            "addressee": facts.addressee,
            "subject": spec.subject,
            "doc_number": number,
            "fiscal_year": fy,
            "serial": serial,
            "letter_date": letter_date.isoformat(),
            "status": "issued",
            "files": json.dumps(files, ensure_ascii=False),
            "context": snapshot,
            "created_at": now_utc(),
        }
        conn.execute(f"INSERT INTO letters ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})", row)
        audit.record(
            conn,
            "issue",
            key,
            after={k: row[k] for k in ("kind", "record", "addressee", "doc_number", "letter_date")} | {"company": target.company_key, "files": files},
        )
        letter = get_letter(conn, key)
        written = None
        if path is not None:
            written = _write(path, rendered.data)
            # The number is issued only if the transaction commits: no file may claim it otherwise.
            on_rollback(conn, remove_file(written))
    return LetterResult(rendered.content, fmt, written, letter, issued_now=True)


def _again(
    conn: sqlite3.Connection,
    spec: Kind,
    target: Target,
    letter: Letter,
    fmt: str,
    out: str | Path | None,
    folder: Path,
    profile: config.Profile,
    *,
    on: date | None,
) -> LetterResult:
    """An issued letter rendered again from its snapshot: same number, date and text."""
    if on is not None and on.isoformat() != letter.letter_date:
        raise SosaError(
            f"{letter.key} ({letter.doc_number}) was issued dated {letter.letter_date}; an issued letter keeps its date",
            hint=f"`sosa letter cancel {letter.key} --reason …` first to issue a new letter with another date",
        )
    if letter.context is None:
        raise SosaError(f"{letter.key} has no stored text to render again")
    rendered = _render(spec, fmt, letter.context, profile)
    path = _destination(out, folder, _file_name(spec, target, fmt, letter.key))
    entry = rendered.entry(path, fmt)
    recorded = [f for f in letter.files if f.get("format") == fmt]
    # A Word or PDF file is checked by what it says (`source_sha256`): its bytes also
    # depend on zlib, WeasyPrint and the fonts installed, and an upgrade of those is not
    # a changed letter (documents.py). Text formats are checked byte for byte.
    check = "source_sha256" if "source_sha256" in entry else "sha256"
    if recorded and recorded[0].get(check, recorded[0]["sha256"]) != entry[check]:
        where = recorded[0].get("path") or "the register"
        raise SosaError(
            f"{letter.key} ({letter.doc_number}) would now render differently from the {fmt} letter issued ({where}): its template has changed since",
            hint=f"the issued file stands as sent; to change the text, `sosa letter cancel {letter.key} --reason …` and issue a new letter",
        )
    if path is not None:
        path = _write(path, rendered.data)
    if entry not in letter.files:
        files = [*letter.files, entry]
        conn.execute("UPDATE letters SET files = ? WHERE id = ?", (json.dumps(files, ensure_ascii=False), letter.id))
        audit.record(conn, "render", letter.key, before={"files": letter.files}, after={"files": files})
        letter = get_letter(conn, letter.key)
    return LetterResult(rendered.content, fmt, path, letter, issued_now=False)


def render_issued(
    conn: sqlite3.Connection, ref: str, *, fmt: str = "md", out: str | Path | None = None, profile: config.Profile | None = None
) -> LetterResult:
    """An issued letter, named by its key, written again in any format from its record.

    This reaches every issued letter, also the kinds a record may have several of
    (reminders), which `issue()` cannot name by kind and record.
    """
    from .store import transaction

    fmt = _check_format(fmt)
    profile = profile or config.load()
    with transaction(conn):
        letter = get_letter(conn, ref)
        if letter.status != "issued":
            raise SosaError(f"{letter.key} is {letter.status}: only an issued letter is written again")
        spec = get_kind(letter.kind)
        company_id = conn.execute("SELECT company_id FROM letters WHERE id = ?", (letter.id,)).fetchone()[0]
        target = Target(letter.record, company_id, letter.company)
        return _again(conn, spec, target, letter, fmt, out, letters_dir(conn, profile), profile, on=None)


# --- templates in use ------------------------------------------------------------------


@dataclass
class TemplateUse:
    kind: str
    language: str
    format: str
    name: str
    path: str | None
    overridden: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def templates(profile: config.Profile | None = None) -> list[TemplateUse]:
    """Every letterhead and kind, per language and format: the file used, and whether it is the officer's."""
    from .render import locate, template_name

    officer = config.templates_dir(profile or config.load())
    wanted = [("letterhead", lang) for lang in LANGUAGES] + [(k.name, k.language) for k in KINDS.values()]
    result = []
    for kind, language in wanted:
        # The Word templates are whole letters, generated with their letterhead inside.
        for fmt in TEMPLATE_FORMATS if kind != "letterhead" else ("md", "html"):
            name = template_name(language, kind, fmt)
            found = locate(name, officer=officer)
            result.append(TemplateUse(kind, language, fmt, name, str(found.path) if found else None, bool(found and found.overridden)))
    return result


# The other flows register their kinds (and record resolvers) from their own modules.
from . import request_letters  # noqa: E402,F401
from . import ask_letters  # noqa: E402,F401  registers its kinds
