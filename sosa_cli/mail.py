"""An issued letter as an e-mail draft (`sosa letter mail`, `sosa relay --mail`, `sosa ask remind --mail`).

The draft is an RFC 5322 `.eml` file that Outlook and Thunderbird open as a message not
yet sent (`X-Unsent: 1`): addressed to the company's main contact, or for an English
letter to DoD's e-mail address (the `dod_email` setting); its subject is the 文書番号 and
the letter's subject; a short cover note in the letter's language ends with the desk's
signature; the letter is attached, as PDF where this machine prints PDF, else as Word.
Nothing is sent.

The attachment is the issued letter written again from the register (letters.render_issued):
the file beside the draft and the attachment are the same bytes, with the SHA-256 the
register records. Japanese headers are encoded by RFC 2047 and the attachment's name by
RFC 2231, as the `email` package does for any text beyond ASCII.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import config, files
from .errors import SosaError
from .i18n import _

MEDIA = {"pdf": ("application", "pdf"), "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")}
# Characters Windows refuses in a file name, and line breaks.
_UNSAFE = str.maketrans({c: "_" for c in '\\/:*?"<>|\r\n\t'})


@dataclass
class Draft:
    """A draft written: where, to whom, its subject, and the letter file attached."""

    letter: str  # the letter's key
    path: Path | None  # None: printed to standard output
    to: str | None
    subject: str
    attachment: Path | None
    content: bytes
    warnings: list[str] = field(default_factory=list)


def pdf_available() -> bool:
    """Whether this machine prints PDF letters (WeasyPrint installed and able to start)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: WeasyPrint without pango
        return False
    return True


def _recipient(conn: sqlite3.Connection, letter, profile: config.Profile) -> tuple[str | None, str | None, str | None]:
    """(address, display name, why there is none): DoD's for an English letter, else the company's main contact's."""
    if letter.language == "en":
        address = profile.get("dod_email")
        return address, None, None if address else _("no e-mail address for DoD: {command}").format(command=config.set_hint("dod_email"))
    if letter.company is None:
        return None, None, _("{key} is addressed to no company").format(key=letter.key)
    from .letters.kinds import primary_contact
    from .register import get_company

    company = get_company(conn, letter.company)
    contact = primary_contact(company)
    if contact is None or not contact.email:
        return (
            None,
            None,
            _("{company} {name} has no contact e-mail: sosa company update {company} --contact-email …").format(company=company.key, name=company.name_ja),
        )
    return contact.email, contact.name, None


def _cover(letter, number: str, profile: config.Profile) -> str:
    """The note above the attachment, in the letter's language, signed by the desk."""
    get = profile.get
    if letter.language == "en":
        from .calendar import format_english

        dated = format_english(date.fromisoformat(letter.letter_date))
        lines = [
            (get("dod_salutation") or "Dear Sir or Madam:").rstrip(":") + ",",
            "",
            f'Please find attached our letter {number}, "{letter.subject}", dated {dated}.',
            "Please do not hesitate to contact me with any question.",
            "",
            "Sincerely,",
            "",
            get("contact_name_en"),
            get("division_en"),
            f"Tel: {get('telephone_en')}" if get("telephone_en") else None,
            f"E-mail: {get('contact_email')}" if get("contact_email") else None,
        ]
    else:
        from .calendar import format_wareki

        dated = format_wareki(date.fromisoformat(letter.letter_date))
        lines = [
            letter.addressee,
            "",
            f"{get('contact_section') or get('division')}の{get('contact_name')}です。" if get("contact_name") else None,
            f"{dated}付け{number}「{letter.subject}」を添付のとおりお送りします。",
            "御確認くださいますようお願いします。",
            "",
            "――――――――――――――――",
            get("division"),
            get("contact_section"),
            get("contact_name"),
            f"電話　{get('contact_phone')}" if get("contact_phone") else None,
            f"E-mail　{get('contact_email')}" if get("contact_email") else None,
        ]
    return "\n".join(line for line in lines if line is not None) + "\n"


def _attachment_name(number: str, subject: str, fmt: str) -> str:
    return f"{number} {subject}".translate(_UNSAFE).strip()[:120] + f".{fmt}"


def build(letter, attachment: bytes, fmt: str, *, to: str | None, to_name: str | None, profile: config.Profile) -> tuple[bytes, str]:
    """The draft's bytes (CRLF lines, as a mail file has them) and its subject."""
    from email import policy
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime

    from .clock import now

    number = (letter.context or {}).get("letter", {}).get("number_en") if letter.language == "en" else letter.doc_number
    number = number or letter.doc_number
    subject = f"{number} {letter.subject}"
    message = EmailMessage(policy=policy.SMTP)
    message["X-Unsent"] = "1"  # Outlook opens the file as a message to send, not one received
    sender = profile.get("contact_email")
    if sender:
        name = profile.get("contact_name_en" if letter.language == "en" else "contact_name") or ""
        message["From"] = Address(display_name=name, addr_spec=sender)
    if to:
        message["To"] = Address(display_name=to_name or "", addr_spec=to) if to_name else to
    message["Subject"] = subject
    message["Date"] = format_datetime(now())
    message.set_content(_cover(letter, number, profile))
    maintype, subtype = MEDIA[fmt]
    name = _attachment_name(number, letter.subject, fmt)
    # The name in Content-Disposition only: a Japanese `name` added to Content-Type makes
    # Python's folder split the media type itself (application/vnd.…wo rdprocessingml…).
    message.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=name)  # RFC 2231
    message["Content-Language"] = letter.language  # last: content headers set earlier move into the first part
    return message.as_bytes(), subject


def draft(
    conn: sqlite3.Connection,
    ref: str,
    *,
    fmt: str | None = None,
    out: str | Path | None = None,
    folder: Path | None = None,
    profile: config.Profile | None = None,
) -> Draft:
    """Write the draft of an issued letter: the letter's file (PDF by default, else Word)
    in `folder` (default: the letters folder), and beside it the `.eml`, or at `out`.

    A cancelled letter is refused: it must not leave the desk.
    """
    from .letters import get_letter, render_issued
    from .store import transaction

    profile = profile or config.load()
    letter = get_letter(conn, ref)
    if letter.status != "issued":
        raise SosaError(
            _("{key} is {status}: only an issued letter is sent").format(key=letter.key, status=letter.status),
            hint=_("a cancelled letter stays in the register but does not leave the desk; issue a new one"),
        )
    fmt = fmt or ("pdf" if pdf_available() else "docx")
    if fmt not in MEDIA:
        raise SosaError(_("{fmt!r} is not a format to attach").format(fmt=fmt), hint=_("use --format pdf or --format docx"))
    to, to_name, missing = _recipient(conn, letter, profile)
    with transaction(conn):
        # The letter's own file, as the register records it (the same bytes if already there).
        rendered = render_issued(conn, letter.key, fmt=fmt, out=None if folder is None else f"{folder}/", profile=profile)
        data = rendered.content
        if not isinstance(data, bytes):  # pdf and docx are always bytes
            raise SosaError(_("{fmt} letters are files, not text").format(fmt=fmt))
        beside = rendered.path.with_suffix(".eml") if rendered.path is not None else None
        path = files.target(out, beside.name if beside else f"{letter.key}.eml", beside.parent if beside else None)
        content, subject = build(rendered.entry, data, fmt, to=to, to_name=to_name, profile=profile)
        if path is not None:
            path = files.write(path, content, force=files.forced(out))
    warnings = [_("the draft of {key} has no recipient ({reason}); fill in To before sending").format(key=letter.key, reason=missing)] if missing else []
    return Draft(letter.key, path, to, subject, rendered.path, content, warnings)
