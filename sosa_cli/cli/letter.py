"""`sosa letter …`: render and issue letters, and keep the register of 文書番号."""

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from ..i18n import N_, _, ngettext
from .dryrun import DryRunOption
from .dryrun import dry_run as dry_run_letters
from .options import DbOption, ForceOption, JsonOption, YesOption, confirm, open_desk, out_option
from .output import check_letter_destination, code, count, letter_sink, message, print_card, print_letter, print_table, state

app = typer.Typer(help="Letters: render and issue them (文書番号), list, show, export, cancel, verify the files; the templates in use.", no_args_is_help=True)


class LetterFormat(StrEnum):
    md = "md"
    html = "html"
    docx = "docx"
    pdf = "pdf"


FORMAT_HELP = "md (Markdown), html (print-ready, A4), docx (Word) or pdf (A4; needs the pdf extra)."


LIST_COLUMNS = [
    ("key", N_("Key")),
    ("doc_number", N_("文書番号")),
    ("letter_date", N_("Date")),
    ("kind", N_("Kind")),
    ("record", N_("Record")),
    ("addressee", N_("Addressee")),
    ("status", N_("Status")),
]
FILE_COLUMNS = [("format", N_("Format")), ("path", N_("File")), ("sha256", N_("SHA-256"))]
VERIFY_COLUMNS = [("key", N_("Letter")), ("doc_number", N_("文書番号")), ("format", N_("Format")), ("path", N_("File")), ("problem", N_("Problem"))]
TEMPLATE_COLUMNS = [("kind", N_("Kind")), ("language", N_("Lang")), ("name", N_("Template")), ("source", N_("Source")), ("path", N_("File used"))]


@app.command()
def render(
    kind: Annotated[str, typer.Argument(help="Kind of letter: enrollment, request, outcome, relay, reminder or reply.")],
    record: Annotated[
        str,
        typer.Argument(
            help="The record it belongs to: a company (C-0001 or 法人番号) for enrollment, "
            "a request (R-0001) for request and outcome, an ask (A-0001) for relay, reminder and reply."
        ),
    ],
    company: Annotated[str | None, typer.Option("--company", help="The company a relay or reminder goes to.")] = None,
    fmt: Annotated[LetterFormat, typer.Option("--format", help=FORMAT_HELP)] = LetterFormat.md,
    out: Annotated[
        str | None, typer.Option("--out", help="File or folder to write; - prints the letter (docx and pdf only into a pipe; default: the letters folder).")
    ] = None,
    force: ForceOption = False,
    draft: Annotated[bool, typer.Option("--draft", help="Render with a blank number; nothing is recorded.")] = False,
    on: Annotated[str | None, typer.Option("--date", help="The letter's date, ISO or 和暦 (default: today).")] = None,
    dry_run: DryRunOption = False,
    db: DbOption = None,
) -> None:
    """Render a letter and issue it the next 文書番号 of its 年度; --draft issues nothing.

    Rendering a letter that was already issued gives it again, with the same number,
    date and text.

    Example: sosa letter render enrollment C-0001 --format pdf
    """
    from ..calendar import format_wareki
    from ..issuing import render as render_letter

    check_letter_destination(fmt.value, out)
    conn = open_desk(db)
    if dry_run:
        dry_run_letters(conn, lambda: render_letter(conn, kind, record, company=company, fmt=fmt.value, draft=draft, on=on))
        return
    result = render_letter(conn, kind, record, company=company, fmt=fmt.value, out=out_option(out, force), draft=draft, on=on, emit=letter_sink(out))
    if result.path is not None:
        typer.echo(str(result.path))
    letter = result.letter
    if letter is None:
        if result.path:
            message(_("Draft rendered with a blank number; nothing was recorded. Written to {path}.").format(path=result.path))
        else:
            message(_("Draft rendered with a blank number; nothing was recorded."))
        return
    when = format_wareki(date.fromisoformat(str(letter.letter_date)))
    facts = {"key": letter.key, "number": letter.doc_number, "date": when, "addressee": letter.addressee}
    if result.issued_now:
        message(_("Issued {key} {number} dated {date} to {addressee}.").format(**facts))
    else:
        message(_("{key} {number} was issued dated {date}; rendered again from its record, unchanged.").format(**facts))


@app.command("export")
def export(
    letter: Annotated[str, typer.Argument(help="Letter key, e.g. L-0001.")],
    fmt: Annotated[LetterFormat, typer.Option("--format", help=FORMAT_HELP)] = LetterFormat.pdf,
    out: Annotated[
        str | None, typer.Option("--out", help="File or folder to write; - prints it (docx and pdf only into a pipe; default: the letters folder).")
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Write an issued letter again, in any format, from its record: same number, date and text.

    Example: sosa letter export L-0017 --format pdf
    """
    from ..config import load
    from ..letters import render_issued
    from ..store import transaction

    check_letter_destination(fmt.value, out)
    conn = open_desk(db)
    # Printed inside the transaction that records the new format, so a letter that
    # cannot be printed records nothing.
    with transaction(conn):
        result = render_issued(conn, letter, fmt=fmt.value, out=out_option(out, force), profile=load())
        if result.path is None:
            print_letter(result.content)
    if result.path is not None:
        typer.echo(str(result.path))
    issued = result.entry
    facts = {"key": issued.key, "number": issued.doc_number, "format": fmt.value, "path": result.path}
    if result.path:
        message(_("{key} {number} written as {format} to {path}.").format(**facts))
    else:
        message(_("{key} {number} written as {format}.").format(**facts))


class MailFormat(StrEnum):
    pdf = "pdf"
    docx = "docx"


@app.command()
def mail(
    letter: Annotated[str, typer.Argument(help="Letter key, e.g. L-0001.")],
    fmt: Annotated[
        MailFormat | None, typer.Option("--format", help="The attachment: pdf (the default where PDF is installed) or docx.", show_default=False)
    ] = None,
    out: Annotated[str | None, typer.Option("--out", help="File or folder for the .eml; - prints it (default: beside the letter).")] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Write an issued letter as an e-mail draft (.eml) with the letter attached; nothing is sent.

    Addressed to the company's main contact (for an English letter: the dod_email
    setting), with the 文書番号 and subject as its subject and a short note signed by the
    desk. Outlook and Thunderbird open it as a message ready to send.

    Example: sosa letter mail L-0001
    """
    from ..mail import draft

    conn = open_desk(db)
    result = draft(conn, letter, fmt=fmt.value if fmt else None, out=out_option(out, force))
    if result.path is None:
        print_letter(result.content)
    else:
        typer.echo(str(result.path))
    for warning in result.warnings:
        message(_("Note: {warning}.").format(warning=warning))
    facts = {"letter": result.letter, "to": result.to or _("no recipient yet"), "path": result.path, "attachment": result.attachment}
    if result.path:
        message(_("Draft of {letter} to {to} written to {path}, with {attachment} attached; nothing was sent.").format(**facts))
    else:
        message(_("Draft of {letter} to {to} printed, with {attachment} attached; nothing was sent.").format(**facts))


@app.command("list")
def list_(
    kind: Annotated[str | None, typer.Option(help="Only this kind (enrollment, …).")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status: issued or cancelled.")] = None,
    record: Annotated[str | None, typer.Option(help="Only letters belonging to this record (C-0001, R-0002, …).")] = None,
    company: Annotated[str | None, typer.Option(help="Only letters to this company (key or 法人番号).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the letter register: number, date, kind, record, addressee, status.

    Example: sosa letter list --kind enrollment --status issued
    """
    from ..letters import list_letters
    from ..register import get_company

    conn = open_desk(db)
    company_id = get_company(conn, company).id if company else None
    rows = [letter.as_dict() for letter in list_letters(conn, kind=kind, status=status, record=record, company_id=company_id)]
    print_table(rows, LIST_COLUMNS, as_json=as_json, title=count(len(rows), "{n} letter", "{n} letters"), empty=_("no letters match"))


@app.command()
def show(
    letter: Annotated[str, typer.Argument(help="Letter key, e.g. L-0001.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one letter: number, date, addressee, files and their hashes, history.

    Example: sosa letter show L-0001
    """
    from ..letters import get_letter
    from .history import record_history

    conn = open_desk(db)
    found = get_letter(conn, letter)
    data = found.as_dict()
    data["history"], history_section = record_history(conn, found.key)
    fields = [
        (N_("Key"), found.key),
        (N_("文書番号"), found.doc_number),
        (N_("Date"), found.letter_date),
        (N_("Status"), state(found.status, found.cancel_reason, of="letter")),
        (N_("Kind"), code(found.kind, "kind", found.language)),
        (N_("Record"), found.record),
        (N_("Company"), found.company),
        (N_("Addressee"), found.addressee),
        (N_("Subject"), found.subject),
    ]
    files = [{**f, "path": f.get("path") or _("(printed)")} for f in data["files"]]
    print_card(
        f"{found.key} {found.doc_number or ''}".strip(),
        fields,
        data=data,
        as_json=as_json,
        sections=[(N_("Files"), files, FILE_COLUMNS), history_section],
    )


@app.command()
def cancel(
    letter: Annotated[str, typer.Argument(help="Letter key, e.g. L-0001.")],
    reason: Annotated[str, typer.Option("--reason", help="Why; kept in the register and the audit trail.")],
    yes: YesOption = False,
    db: DbOption = None,
) -> None:
    """Cancel an issued letter; its 文書番号 stays used and is never given again.

    Asks first on a terminal; --yes answers for scripts.

    Example: sosa letter cancel L-0003 --reason "addressed to the wrong contact" --yes
    """
    from ..letters import cancel as cancel_letter
    from ..letters import get_letter

    conn = open_desk(db)
    found = get_letter(conn, letter)
    if found.status == "issued" and reason.strip():  # else the refusal says what is wrong, unasked
        facts = {"key": found.key, "number": found.doc_number, "kind": found.kind, "date": found.letter_date, "addressee": found.addressee}
        confirm(
            _("Cancel {key} {number} ({kind}, {date}) to {addressee}? Its 文書番号 stays used.").format(**facts),
            yes,
            refusal=_("cancelling {key} {number} needs confirmation").format(**facts),
            hint=_("add --yes: sosa letter cancel {key} --reason … --yes").format(**facts),
        )
    cancelled = cancel_letter(conn, letter, reason)
    message(_("Cancelled {key} {number}; the number stays used.").format(key=cancelled.key, number=cancelled.doc_number))


@app.command()
def verify(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check every letter file on disk against the SHA-256 recorded when it was written.

    Issued and cancelled letters alike: a file edited, removed, or replaced by a link or a
    folder is named, and the command fails. Letters printed with --out - have no file.

    Example: sosa letter verify
    """
    from ..errors import SosaError
    from ..letters import verify_files

    conn = open_desk(db, create=False)
    check = verify_files(conn)
    rows = [p.as_dict() for p in check.problems]
    if rows or as_json:
        print_table(rows, VERIFY_COLUMNS, as_json=as_json, title=_("Letter files that differ from the register"), empty=_("no problems"))
    if not check.ok:
        raise SosaError(
            ngettext("{n} of {files} differs from the register", "{n} of {files} differ from the register", len(rows)).format(
                n=len(rows), files=count(check.files, "{n} letter file", "{n} letter files")
            ),
            hint=_("`sosa letter export L-… --format … --force` writes an issued letter again from its record"),
        )
    message(_("{summary}.").format(summary=check.summary()))


@app.command()
def templates(as_json: JsonOption = False) -> None:
    """List the wording used for each kind and language, and which files are your own.

    Each kind's wording is one file, from which its md, html, docx and pdf letters are
    all drawn. Your own folder (`sosa config set templates_dir …` or SOSA_TEMPLATES) is
    searched first; a file of the same name there replaces the shipped one.

    Example: sosa letter templates
    """
    from ..config import load
    from ..letters import templates_in_use

    rows = [t.as_dict() for t in templates_in_use(load())]
    for row in rows:
        row["source"] = _("yours") if row["overridden"] else (_("shipped") if row["path"] else _("missing"))
    if as_json:
        for row in rows:
            del row["source"]
    print_table(rows, TEMPLATE_COLUMNS, as_json=as_json, title=_("Letter templates"), empty=_("no templates"))
