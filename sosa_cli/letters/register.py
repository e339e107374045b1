"""The letter register: 文書番号, issuing, rendering again, cancelling.

A letter is rendered from a *kind* (kinds.py), the facts its builder made of the
records, and the office profile. Issuing gives it the next 文書番号 of its 年度
(`<prefix>第<n>号`), fixes its date, writes the file and records it, all in one
`BEGIN IMMEDIATE` transaction with its audit entry, so two officers issuing at once
queue for the number instead of sharing one. A draft (`draft=True`) is rendered with a
blank number and touches nothing in the database.

Every format is drawn from the kind's one wording template: it is filled in
(templates.py), read into blocks (blocks.py) and laid out as text, HTML or Word; a
PDF is the HTML printed. An issued letter is rendered again from its stored snapshot,
never from the live records, so it says what was sent.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import audit, config, files, lifecycle
from ..errors import NotFound, SosaError
from ..i18n import N_, _, ngettext, strerror
from ..keys import format_key, parse_key
from .kinds import KINDS, LANGUAGES, Kind, LetterFacts, Target, get_kind

FORMATS = ("md", "html", "docx", "pdf")
BINARY_FORMATS = ("docx", "pdf")
DRAFT_NUMBER = "第　　号"  # the blank an officer fills in by hand on a paper draft
DRAFT_NUMBER_EN = "No. ____"


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
    # As the register keeps them: a path in the letters folder is relative to `folder`.
    files: list[dict[str, Any]] = field(default_factory=list)
    context: dict[str, Any] | None = field(default=None, repr=False)
    folder: Path | None = field(default=None, repr=False)  # the database's folder

    def located_files(self) -> list[dict[str, Any]]:
        """The files with the paths where they are now (absolute)."""
        return [{**f, "path": str(self.folder / f["path"])} if f.get("path") and self.folder and not Path(f["path"]).is_absolute() else f for f in self.files]

    def as_dict(self) -> dict[str, Any]:
        """Stable keys for `--json`; the context snapshot is left out (it is the letter's text)."""
        data = {k: v for k, v in self.__dict__.items() if k not in ("id", "context", "folder")}
        data["files"] = self.located_files()
        return data


_SELECT = "SELECT l.*, c.key AS company_key FROM letters l LEFT JOIN companies c ON c.id = l.company_id"


def _letter(row: sqlite3.Row, conn: sqlite3.Connection) -> Letter:
    data = dict(row)
    return Letter(
        folder=_desk_folder(conn),
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
        raise NotFound(_("no letter {key}").format(key=format_key("L", number)), hint=_("`sosa letter list` shows the register"))
    return _letter(row, conn)


def list_letters(
    conn: sqlite3.Connection,
    *,
    kind: str | None = None,
    status: str | None = None,
    record: str | None = None,
    company_id: int | None = None,
) -> list[Letter]:
    """The register in key order, filtered by kind, status, the record or the company."""
    where: list[str] = []
    args: list[Any] = []
    if kind:
        where.append("l.kind = ?")
        args.append(get_kind(kind).name)
    if status:
        if status not in lifecycle.LETTER.states:
            raise SosaError(
                _("{status!r} is not a letter status").format(status=status),
                hint=_("use one of {values}").format(values=", ".join(lifecycle.LETTER.states)),
            )
        where.append("l.status = ?")
        args.append(status)
    if record:
        from ..keys import normalise_key

        key = normalise_key(record)
        if key is None:
            raise SosaError(_("{record!r} is not a record key").format(record=record), hint=_("give a key such as C-0001 or R-0002"))
        where.append("l.record = ?")
        args.append(key)
    if company_id is not None:
        where.append("l.company_id = ?")
        args.append(company_id)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY l.id"
    return [_letter(row, conn) for row in conn.execute(sql, args)]


def cancel(conn: sqlite3.Connection, ref: str, reason: str) -> Letter:
    """Cancel an issued letter; its number stays used (DOMAIN.md §5: never reused)."""
    from ..clock import now_utc
    from ..store import transaction

    reason = (reason or "").strip()
    if not reason:
        raise SosaError(_("a cancellation needs a reason"), hint=_('add --reason "…" (e.g. "sent to the wrong company")'))
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


# --- the files on disk against the register -------------------------------------------


@dataclass
class FileProblem:
    """A letter file that no longer holds what the register recorded when it was written."""

    key: str
    doc_number: str | None
    format: str
    path: str
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class FileCheck:
    """What `verify_files` walked: letters and files on disk, entries printed, and what failed."""

    letters: int = 0
    files: int = 0
    printed: int = 0  # entries written to standard output (`--out -`): nothing on disk to check
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for the officer: how many files were checked, and how many failed."""
        from ..words import count

        if self.ok:
            facts = {"files": count(self.files, "{n} file", "{n} files"), "letters": count(self.letters, "{n} letter", "{n} letters"), "printed": self.printed}
            if self.printed:
                return ngettext(
                    "{files} of {letters} matches its recorded SHA-256 ({printed} printed, not kept)",
                    "{files} of {letters} match their recorded SHA-256 ({printed} printed, not kept)",
                    self.files,
                ).format(**facts)
            return ngettext("{files} of {letters} matches its recorded SHA-256", "{files} of {letters} match their recorded SHA-256", self.files).format(
                **facts
            )
        named = _("; ").join(_("{key} {path}: {problem}").format(key=p.key, path=p.path, problem=p.problem) for p in self.problems[:5])
        if len(self.problems) > 5:
            named = _("{named}; and {n} more").format(named=named, n=len(self.problems) - 5)
        return ngettext(
            "{n} of {files} differs from the register: {named}",
            "{n} of {files} differ from the register: {named}",
            len(self.problems),
        ).format(n=len(self.problems), files=count(self.files, "{n} letter file", "{n} letter files"), named=named)


def _on_disk(path: str, sha256: str) -> str | None:
    """What is wrong with the file at `path`, recorded with `sha256`; None when it matches.

    `lstat`, not `stat`: a symbolic link or a folder put in the file's place is not the file
    written, whatever it points to.
    """
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return _("missing")
    except OSError as exc:
        return _("cannot be read ({error})").format(error=strerror(exc))
    if stat.S_ISLNK(mode):
        return _("replaced by a symbolic link")
    if stat.S_ISDIR(mode):
        return _("replaced by a folder")
    if not stat.S_ISREG(mode):
        return _("replaced by something that is not a regular file")
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        return _("cannot be read ({error})").format(error=strerror(exc))
    found = digest.hexdigest()
    if found != sha256:
        return _("edited: SHA-256 {found}…, recorded {recorded}…").format(found=found[:12], recorded=sha256[:12])
    return None


def _desk_folder(conn: sqlite3.Connection) -> Path | None:
    db_path = getattr(conn, "path", None)
    return Path(db_path).resolve().parent if db_path else None


def _recorded_path(conn: sqlite3.Connection, path: Path) -> str:
    """How the register records a letter's file: relative to the database's folder when it
    lies inside it (the letters folder beside the database), so that the desk's folder can
    be moved or restored elsewhere whole; otherwise absolute."""
    resolved = Path(path).resolve()
    folder = _desk_folder(conn)
    if folder is not None and resolved.is_relative_to(folder):
        return resolved.relative_to(folder).as_posix()
    return str(resolved)


def verify_files(conn: sqlite3.Connection) -> FileCheck:
    """Check every letter file on disk, issued and cancelled, against its recorded SHA-256.

    A path's latest entry in a letter is the one that counts: rendering again with `--force`
    replaces the file and records its new hash after the old one. When several letters
    recorded the same path (`--out` with `--force`), the file passes if it holds the latest
    bytes any of them wrote there. Entries printed to standard output are counted, not checked.
    """
    check = FileCheck()
    # path → {letter key: (letter, format, sha256)} in register order; a letter's later entry replaces its earlier one.
    recorded: dict[str, dict[str, tuple[Letter, str, str]]] = {}
    with_files: set[str] = set()
    for letter in list_letters(conn):
        for entry in letter.located_files():
            path = entry.get("path")
            if not path:
                check.printed += 1
                continue
            with_files.add(letter.key)
            recorded.setdefault(path, {})[letter.key] = (letter, str(entry.get("format") or ""), str(entry.get("sha256") or ""))
    check.letters = len(with_files)
    check.files = len(recorded)
    for path, by_letter in recorded.items():
        entries = list(by_letter.values())
        problems = [_on_disk(path, sha256) for _letter, _format, sha256 in entries]
        if any(problem is None for problem in problems):
            continue
        letter, fmt, _sha256 = entries[-1]
        check.problems.append(FileProblem(letter.key, letter.doc_number, fmt, path, problems[-1] or ""))
    return check


# --- rendering and issuing -------------------------------------------------------------


@dataclass
class LetterResult:
    """A rendered letter: the register entry (None for a draft), its text and where it went.

    `content` is text for md and html, bytes for docx and pdf.
    """

    content: str | bytes
    format: str
    path: Path | None
    letter: Letter | None = None
    issued_now: bool = False  # False for a draft, or an issued letter reproduced

    @property
    def draft(self) -> bool:
        return self.letter is None

    @property
    def entry(self) -> Letter:
        """The register entry of an issued letter; a draft has none."""
        if self.letter is None:
            raise SosaError(_("a draft has no number and no entry in the register"))
        return self.letter


def letters_dir(conn: sqlite3.Connection, profile: config.Profile) -> Path:
    """The `letters_dir` setting, else `<name>-letters/` beside the database (CLI.md).

    The default is named after the database (`desk.db` → `desk-letters/`), so two
    databases in one folder keep their letters apart; a folder shared all the same (one
    `letters_dir` for both) is refused by its marker when written to (files.claim).
    """
    chosen = config.folder(profile, "letters_dir")
    if chosen is not None:
        return chosen
    db_path = getattr(conn, "path", None)
    if not db_path:
        return Path.cwd() / "letters"
    return Path(db_path).parent / f"{Path(db_path).stem}-letters"


def _file_name(kind: Kind, target: Target, fmt: str, key: str | None) -> str:
    parts = [key or "draft", kind.name, target.record]
    if kind.takes_company and target.company_key and target.company_key != target.record:
        parts.append(target.company_key)
    return f"{'-'.join(parts)}.{fmt}"


def _destination(out: str | Path | None, default_folder: Path, file_name: str) -> Path | None:
    """The letter's file: `--out` (a file, or a folder to write into), else the letters folder; None for `-`."""
    return files.target(out, file_name, default_folder)


def _write(path: Path, content: bytes, out: str | Path | None, conn: sqlite3.Connection) -> Path:
    """Write the letter's file by the rules of files.write; `--force` comes with `out`.

    A letter going to the letters folder (no `--out`) first checks that the folder is this
    database's own: another database's letters there would share its numbers.
    """
    from ..store import after_commit, on_rollback, remove_file

    if getattr(conn, "rehearsal", None) is not None:  # a dry run (cli/dryrun.py): no file at all
        return path.resolve()
    database = getattr(conn, "path", None) if out is None else None
    unmarked = files.claim(path.parent, database) if database else False
    force = files.forced(out)
    # A file `--force` replaces is kept until the command commits, and put back if it fails.
    aside = files.set_aside(path) if force and conn.in_transaction else None
    try:
        written = files.write(path, content, force=force)
    except BaseException:
        if aside is not None:
            aside.unlink(missing_ok=True)
        raise
    if aside is not None:
        on_rollback(conn, files.put_back(aside, written))
        after_commit(conn, remove_file(aside))
    if unmarked and database:
        files.mark(path.parent, database)
    return written.resolve()  # the path the register records (Rendered.entry)


def _addressee(to: dict[str, Any]) -> str:
    """The one line the register keeps: `<社名> <役職> <氏名> 殿`, `<社名> 御中`, or the office."""
    return " ".join(p for p in (to.get("organisation"), to.get("title"), to.get("name"), to.get("honorific")) if p)


def _context(kind: Kind, target: Target, facts: LetterFacts, profile: config.Profile, on: date, *, key: str | None, serial: int | None) -> dict[str, Any]:
    from ..calendar import fiscal_year, format_english, format_nendo, format_wareki

    fy = fiscal_year(on)
    prefix = profile.get("doc_prefix") or ""
    prefix_en = profile.get("doc_prefix_en") or ""
    to = dict(facts.to)
    if to.get("name") and not to.get("honorific"):
        to["honorific"] = profile.get("addressee_honorific") or "殿"
    return {
        "letter": {
            "key": key,
            "kind": kind.name,
            "language": kind.language,
            "record": target.record,
            "draft": key is None,
            "number": f"{prefix}第{serial}号" if serial is not None else prefix + DRAFT_NUMBER,
            "number_en": (f"{prefix_en} No. {serial}" if serial is not None else f"{prefix_en} {DRAFT_NUMBER_EN}").strip(),
            "serial": serial,
            "date": on.isoformat(),
            "date_ja": format_wareki(on),
            "date_en": format_english(on),
            "fiscal_year": fy,
            "nendo": format_nendo(fy),
        },
        # Folders are this desk's machine, not part of the letter.
        "office": {k: v for k, v in profile.effective().items() if k not in ("letters_dir", "templates_dir")},
        "to": to,
        **facts.fields,
    }


@dataclass(frozen=True)
class Rendered:
    """A letter in one format: what is returned, the bytes written, and the file's register entry."""

    content: str | bytes
    data: bytes
    subject: str
    # What the letter says, for binary formats: compared when it is rendered again.
    source_sha256: str | None = None

    def entry(self, path: Path | None, fmt: str, conn: sqlite3.Connection) -> dict[str, Any]:
        entry = {"path": _recorded_path(conn, path) if path else None, "format": fmt, "sha256": _sha256(self.data)}
        if self.source_sha256 is not None:
            entry["source_sha256"] = self.source_sha256
        return entry


# Japanese script: kana, kanji, the CJK punctuation and full-width forms (not ASCII
# look-alikes such as the en dash an English letter may use).
_JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

# Where an English form comes from: a field's last name → the option or setting that sets it.
# Hints with words are marked N_ and translated where they are given; bare commands stay as they are.
ENGLISH_SOURCES = {
    "program": N_("record the program in English: sosa delay update {key} --program-en …"),
    "program_en": "sosa delay update {key} --program-en …",
    "note": N_("record the company's note in English: sosa ask respond {ask} {company} --decision {decision} --note-en …"),
    "note_en": "sosa ask respond {ask} {company} --decision {decision} --note-en …",
    "impact": N_("record the impact in English: sosa delay update {key} --impact …"),
    "efforts": N_("record the efforts made in English: sosa delay update {key} --efforts …"),
    "description": N_("record the description in English: sosa delay update {key} --description …"),
    "supplier": N_("record the supplier's name in English: sosa delay update {key} --supplier …"),
    "supplier_address": "sosa delay update {key} --supplier-address …",
    "supplier_contact": "sosa delay update {key} --supplier-contact …",
    "contract": "sosa delay update {key} --contract …",
    "name_en": N_("correct the company's English name: sosa company update {key} --name-en …"),
}


def _owner(context: dict[str, Any], path: str) -> dict[str, Any]:
    """The record (dict) a dotted path's field belongs to."""
    value: Any = context
    owner: dict[str, Any] = context
    for part in re.findall(r"[^.\[\]]+", path)[:-1]:
        value = value[int(part)] if isinstance(value, list) else value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dict):
            owner = value
    return owner


def _field_with(context: dict[str, Any], text: str) -> str | None:
    """The dotted path of the first context value containing `text`."""

    def visit(value: Any, path: str) -> str | None:
        if isinstance(value, dict):
            for k, v in value.items():
                found = visit(v, f"{path}.{k}" if path else k)
                if found:
                    return found
        elif isinstance(value, list):
            for i, v in enumerate(value):
                found = visit(v, f"{path}[{i}]")
                if found:
                    return found
        elif isinstance(value, str) and text in value:
            return path
        return None

    return visit(context, "")


def _english_only(kind: Kind, words: str, context: dict[str, Any]) -> None:
    """An English letter prints no Japanese: name the field and where its English form is set."""
    found = _JAPANESE.search(words)
    if found is None:
        return
    text = found.group(0)
    path = _field_with({k: v for k, v in context.items() if k != "letter"}, text)
    if path is None:
        raise SosaError(
            _("the {kind} letter's wording prints Japanese text ({text}); an English letter may not").format(kind=kind.name, text=text[:20]),
            hint=_("correct the template"),
        )
    last = re.sub(r"\[\d+\]", "", path).rsplit(".", 1)[-1]
    if path.startswith("office."):
        hint = f"sosa config set {last}_en …" if not last.endswith("_en") and f"{last}_en" in config.SETTINGS else f"sosa config set {last} …"
    else:
        owner = _owner(context, path)
        names = {
            "key": owner.get("key") or "…",
            "ask": (context.get("ask") or {}).get("key") or "A-…",
            "company": owner.get("company_key") or "C-…",
            "decision": owner.get("decision") or "…",
        }
        hint = _(ENGLISH_SOURCES[last]).format(**names) if last in ENGLISH_SOURCES else _("give {path} in English").format(path=path)
    raise SosaError(
        _("the {kind} letter is in English, but {path} is Japanese ({text}): it needs an English form").format(kind=kind.name, path=path, text=text[:20]),
        hint=hint,
    )


def render_letter(kind: Kind, fmt: str, context: dict[str, Any], profile: config.Profile) -> Rendered:
    """Fill the kind's wording with `context` and lay it out in `fmt`."""
    from .blocks import parse
    from .templates import render, template_name

    officer = config.templates_dir(profile)
    name = template_name(kind.language, kind.name)
    letter = parse(render(name, context, officer=officer), where=_("template {name}").format(name=name))
    if kind.language == "en":
        _english_only(kind, letter.text(), context)
    facts = context["letter"]
    title = f"{facts['number_en'] if kind.language == 'en' else facts['number']} {letter.subject}"
    if fmt == "md":
        from .text import write_text

        text = write_text(letter)
        return Rendered(text, text.encode("utf-8"), letter.subject)
    if fmt == "docx":
        from .word import write_word

        document = write_word(letter, dated=date.fromisoformat(facts["date"]), title=title)
        return Rendered(document.data, document.data, letter.subject, document.source_sha256)
    from .html import write_html
    from .templates import stylesheet

    html = write_html(letter, css=stylesheet(kind.language, officer), title=title)
    if fmt == "html":
        return Rendered(html, html.encode("utf-8"), letter.subject)
    from .pdf import print_pdf

    document = print_pdf(html, identifier=facts["key"] or "draft")
    return Rendered(document.data, document.data, letter.subject, document.source_sha256)


def _check_format(fmt: str) -> str:
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise SosaError(
            _("{format!r} is not a letter format this version writes").format(format=fmt), hint=_("use one of {values}").format(values=", ".join(FORMATS))
        )
    return fmt


def issued(conn: sqlite3.Connection, kind: str, target: Target) -> Letter | None:
    """The latest issued letter of `kind` for the target (record and company), if any."""
    row = conn.execute(
        f"{_SELECT} WHERE l.kind = ? AND l.record = ? AND l.company_id IS ? AND l.status = 'issued' ORDER BY l.id DESC LIMIT 1",
        (kind, target.record, target.company_id),
    ).fetchone()
    return _letter(row, conn) if row else None


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _required(kind: Kind, *, draft: bool) -> tuple[str, ...]:
    # A draft carries a blank number, so it needs no prefix; an issued letter does.
    if draft:
        return tuple(k for k in kind.settings if k != "doc_prefix_en")
    return (*kind.settings, "doc_prefix")


def issue(
    conn: sqlite3.Connection,
    kind: str,
    target: Target,
    build: Callable[[], LetterFacts],
    *,
    profile: config.Profile,
    fmt: str = "md",
    out: str | Path | None = None,
    draft: bool = False,
    on: date | None = None,
    stands: Callable[[Letter], bool] | None = None,
) -> LetterResult:
    """Render a letter of `kind` for `target`, issuing it a 文書番号 unless `draft`.

    `build()` makes the facts from the records the caller loaded; it is called only when
    a new letter is rendered. `out` is a file or folder, `"-"` for no file (the caller
    prints `content`), or None for the letters folder. `on` is the letter's date
    (default: today). If the target already has an issued letter of a kind issued once,
    that letter is rendered again, with the same number, date and text, unless `stands`
    says it no longer stands for the record (the notice of an earlier enrollment of a
    company that withdrew and came back): then a new one is issued.
    """
    from ..calendar import fiscal_year
    from ..clock import now_utc, today
    from ..store import on_rollback, remove_file, transaction

    spec = get_kind(kind)
    fmt = _check_format(fmt)
    letter_date = on or today()
    folder = letters_dir(conn, profile)

    if draft:
        facts = build()
        profile.require(_required(spec, draft=True), _("the {kind} letter").format(kind=spec.name))
        context = _context(spec, target, facts, profile, letter_date, key=None, serial=None)
        rendered = render_letter(spec, fmt, json.loads(json.dumps(context, ensure_ascii=False)), profile)
        path = _destination(out, folder, _file_name(spec, target, fmt, None))
        if path is not None:
            path = _write(path, rendered.data, out, conn)
        return LetterResult(rendered.content, fmt, path)

    with transaction(conn):
        existing = issued(conn, spec.name, target) if spec.once else None
        if existing is not None and (stands is None or stands(existing)):
            return _again(conn, spec, target, existing, fmt, out, folder, profile, on=on)
        profile.require(_required(spec, draft=False), _("the {kind} letter").format(kind=spec.name))
        facts = build()
        fy = fiscal_year(letter_date)
        # 文書番号 order and date order agree (DOMAIN.md §7): no letter is dated before the
        # last one of its series, nor before a letter of a later 年度, so neither SOSA_TODAY
        # nor --date can slip a back-dated letter into a series or a closed 年度.
        last = conn.execute(
            "SELECT key, doc_number, letter_date FROM letters WHERE fiscal_year >= ? ORDER BY letter_date DESC, id DESC LIMIT 1", (fy,)
        ).fetchone()
        if last is not None and last[2] > letter_date.isoformat():
            raise SosaError(
                _("a letter cannot be dated {date}: the last letter issued, {key} ({number}), is dated {last}").format(
                    date=letter_date.isoformat(), key=last[0], number=last[1], last=last[2]
                ),
                hint=_("文書番号 and dates run in order; date it {last} or later").format(last=last[2]),
            )
        # Inside BEGIN IMMEDIATE: no other writer can take the same serial between
        # this read and the insert. Cancelled letters count, so no number returns.
        serial = conn.execute("SELECT COALESCE(MAX(serial), 0) + 1 FROM letters WHERE fiscal_year = ?", (fy,)).fetchone()[0]
        letter_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM letters").fetchone()[0]
        key = format_key("L", letter_id)
        context = _context(spec, target, facts, profile, letter_date, key=key, serial=serial)
        # The letter is rendered from its stored snapshot, never from the live
        # records: an issued letter is what was sent, so rendering it again after
        # the company changes its name or the office its 担当 must give the same
        # text (and bytes, for the recorded hash). Round-tripping through JSON here
        # makes the first render read exactly what a later one will.
        snapshot = json.dumps(context, ensure_ascii=False)
        rendered = render_letter(spec, fmt, json.loads(snapshot), profile)
        path = _destination(out, folder, _file_name(spec, target, fmt, key))
        files = [rendered.entry(path, fmt, conn)]
        row = {
            "id": letter_id,
            "key": key,
            "kind": spec.name,
            "language": spec.language,
            "record": target.record,
            "company_id": target.company_id,
            "addressee": _addressee(context["to"]),
            "subject": rendered.subject,
            "doc_number": context["letter"]["number"],
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
        letter = _letter_from_row(row, target.company_key, _desk_folder(conn))
        rehearsal = getattr(conn, "rehearsal", None)
        if rehearsal is not None:  # a dry run lists what it would issue
            rehearsal.append(letter)
        written = None
        if path is not None:
            written = _write(path, rendered.data, out, conn)
            # The number is issued only if the transaction commits: no file may claim it otherwise.
            on_rollback(conn, remove_file(written))
    return LetterResult(rendered.content, fmt, written, letter, issued_now=True)


def _letter_from_row(row: dict[str, Any], company_key: str | None, folder: Path | None) -> Letter:
    """The register entry just inserted, without reading it back (a relay issues hundreds)."""
    return Letter(
        id=row["id"],
        key=row["key"],
        kind=row["kind"],
        language=row["language"],
        record=row["record"],
        addressee=row["addressee"],
        subject=row["subject"],
        status=row["status"],
        created_at=row["created_at"],
        company=company_key,
        doc_number=row["doc_number"],
        fiscal_year=row["fiscal_year"],
        serial=row["serial"],
        letter_date=row["letter_date"],
        files=json.loads(row["files"]),
        context=json.loads(row["context"]),
        folder=folder,
    )


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
            _("{key} ({number}) was issued dated {date}; an issued letter keeps its date").format(
                key=letter.key, number=letter.doc_number, date=letter.letter_date
            ),
            hint=_("`sosa letter cancel {key} --reason …` first to issue a new letter with another date").format(key=letter.key),
        )
    if letter.context is None:
        raise SosaError(_("{key} has no stored text to render again").format(key=letter.key))
    rendered = render_letter(spec, fmt, letter.context, profile)
    path = _destination(out, folder, _file_name(spec, target, fmt, letter.key))
    entry = rendered.entry(path, fmt, conn)
    recorded = [f for f in letter.files if f.get("format") == fmt]
    # A Word or PDF file is checked by what it says (`source_sha256`): its bytes also
    # depend on zlib, WeasyPrint and the fonts installed, and an upgrade of those is not
    # a changed letter. Text formats are checked byte for byte.
    check = "source_sha256" if "source_sha256" in entry else "sha256"
    if recorded and recorded[0].get(check, recorded[0]["sha256"]) != entry[check]:
        where = recorded[0].get("path") or _("the register")
        raise SosaError(
            _("{key} ({number}) would now render differently from the {format} letter issued ({where}): its template has changed since").format(
                key=letter.key, number=letter.doc_number, format=fmt, where=where
            ),
            hint=_("the issued file stands as sent; to change the text, `sosa letter cancel {key} --reason …` and issue a new letter").format(key=letter.key),
        )
    if path is not None:
        path = _write(path, rendered.data, out, conn)
    # Recorded unless the latest entry for this file already says it: a path written in
    # md, then html, then md again holds the md letter, and its latest entry must say so.
    latest = next((f for f in reversed(letter.files) if f.get("path") == entry["path"]), None)
    if latest != entry:
        files = [*letter.files, entry]
        conn.execute("UPDATE letters SET files = ? WHERE id = ?", (json.dumps(files, ensure_ascii=False), letter.id))
        audit.record(conn, "render", letter.key, before={"files": letter.files}, after={"files": files})
        letter = get_letter(conn, letter.key)
    return LetterResult(rendered.content, fmt, path, letter, issued_now=False)


def render_issued(conn: sqlite3.Connection, ref: str, *, profile: config.Profile, fmt: str = "md", out: str | Path | None = None) -> LetterResult:
    """An issued letter, named by its key, written again in any format from its record.

    This reaches every issued letter, also the kinds a record may have several of
    (reminders), which `issue()` cannot name by kind and record.
    """
    from ..store import transaction

    fmt = _check_format(fmt)
    with transaction(conn):
        letter = get_letter(conn, ref)
        if letter.status != "issued":
            raise SosaError(_("{key} is {status}: only an issued letter is written again").format(key=letter.key, status=letter.status))
        spec = get_kind(letter.kind)
        company_id = conn.execute("SELECT company_id FROM letters WHERE id = ?", (letter.id,)).fetchone()[0]
        target = Target(letter.record, company_id, letter.company)
        return _again(conn, spec, target, letter, fmt, out, letters_dir(conn, profile), profile, on=None)


def snapshot_field(conn: sqlite3.Connection, kind: str, target: Target, path: tuple[str, ...]) -> Any:
    """A value from the latest issued letter's snapshot (e.g. what a relay letter told a company)."""
    letter = issued(conn, kind, target)
    value: Any = letter.context if letter else None
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


# --- templates in use ------------------------------------------------------------------


@dataclass
class TemplateUse:
    kind: str
    language: str
    name: str
    path: str | None
    overridden: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def templates_in_use(profile: config.Profile) -> list[TemplateUse]:
    """Every letterhead, kind and page style per language: the file used, and whether it is the officer's."""
    from .templates import locate, stylesheet_name, template_name

    officer = config.templates_dir(profile)
    wanted = [(kind, language, template_name(language, kind)) for language in LANGUAGES for kind in ("letterhead",)]
    wanted += [(k.name, k.language, template_name(k.language, k.name)) for k in KINDS.values()]
    wanted += [("style", language, stylesheet_name(language)) for language in LANGUAGES]
    result = []
    for kind, language, name in wanted:
        found = locate(name, officer=officer)
        result.append(TemplateUse(kind, language, name, str(found.path) if found else None, bool(found and found.overridden)))
    return result
