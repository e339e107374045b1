"""`sosa enroll` and `sosa company …`: the participant register."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import SosaError
from ..i18n import C_, N_, _, ngettext
from ..words import company_status
from .options import DbOption, ForceOption, JsonOption, YesOption, given, open_desk, option_name, out_option
from .output import count, message, print_card, print_letter, print_table, progress, state, stdin_is_terminal

app = typer.Typer(help="The participant register: list, show, correct, suspend, withdraw, export.", no_args_is_help=True)

# Headers are marked here and translated where they are shown (output.print_table).
LIST_COLUMNS = [
    ("key", N_("Key")),
    ("name_ja", N_("Name (ja)")),
    ("name_en", N_("Name (en)")),
    ("corporate_number", "法人番号"),
    ("ncage", "NCAGE"),
    ("status", N_("Status")),
    ("share_usg", N_("USG")),
    ("share_primes", N_("Primes")),
]
DELAY_COLUMNS = [
    ("key", N_("Delay")),
    ("status", N_("Status")),
    ("what", N_("Part number / service")),
    ("need_date", N_("Need")),
    ("promised_date", N_("Promised")),
    ("request_key", N_("Request")),
]
LETTER_COLUMNS = [
    ("key", N_("Letter")),
    ("kind", N_("Kind")),
    ("doc_number", "文書番号"),
    ("letter_date", N_("Date")),
    ("record", N_("Record")),
    ("status", N_("Status")),
]
CONTACT_COLUMNS = [
    ("name", C_("person", "Name")),
    ("title", N_("Title")),
    ("email", N_("E-mail")),
    ("phone", N_("Phone")),
    ("role", N_("Role")),
    ("language", N_("Lang")),
]
PLAN_COLUMNS = [("name_ja", N_("Name (ja)")), ("name_en", N_("Name (en)")), ("corporate_number", "法人番号"), ("status", N_("Would be"))]

# Options shared by `sosa enroll` and `sosa company update` (CLI.md fixes these names).
NameJa = Annotated[str | None, typer.Option("--name-ja", help="Company name in Japanese.")]
NameEn = Annotated[str | None, typer.Option("--name-en", help="Company name in English.")]
CorporateNumber = Annotated[str | None, typer.Option("--corporate-number", help="法人番号, 13 digits.")]
Ncage = Annotated[str | None, typer.Option("--ncage", help="NCAGE code, 5 characters.")]
AddressJa = Annotated[str | None, typer.Option("--address-ja", help="Address in Japanese.")]
AddressEn = Annotated[str | None, typer.Option("--address-en", help="Address in English.")]
Products = Annotated[str | None, typer.Option("--products", help="Products and capabilities.")]
UsPrograms = Annotated[str | None, typer.Option("--us-programs", help="US programs or primes supplied.")]
Fsc = Annotated[list[str] | None, typer.Option("--fsc", help="Supply class (FSC) made; repeat for several.")]
Psc = Annotated[list[str] | None, typer.Option("--psc", help="Service code (PSC) performed, e.g. J015; repeat for several.")]
CocOn = Annotated[str | None, typer.Option("--coc-accepted-on", help="Date the Code of Conduct was accepted (ISO or 和暦).")]
CocVersion = Annotated[str | None, typer.Option("--coc-version", help="Code of Conduct version accepted.")]
CocSignatory = Annotated[str | None, typer.Option("--coc-signatory", help="Who signed the Code of Conduct.")]
ShareUsg = Annotated[bool | None, typer.Option("--share-usg/--no-share-usg", help="Consent to share with the US government.")]
SharePrimes = Annotated[bool | None, typer.Option("--share-primes/--no-share-primes", help="Consent to share with US primes.")]
ContactName = Annotated[str | None, typer.Option("--contact-name", help="Contact person.")]
ContactTitle = Annotated[str | None, typer.Option("--contact-title", help="Contact's title.")]
ContactEmail = Annotated[str | None, typer.Option("--contact-email", help="Contact's e-mail.")]
ContactPhone = Annotated[str | None, typer.Option("--contact-phone", help="Contact's phone.")]

REQUIRED_FIELDS = ("name_ja", "name_en", "corporate_number")
# What `sosa enroll` asks for on a terminal when a required field is not given.
PROMPTS = {"name_ja": N_("Name ja"), "name_en": N_("Name en"), "corporate_number": N_("Corporate number")}


def _contact(name, title, email, phone) -> dict[str, Any] | None:
    contact = given({"name": name, "title": title, "email": email, "phone": phone}, ("name", "title", "email", "phone"))
    if contact and "name" not in contact:
        raise SosaError(_("a contact needs a name"), hint=_("add --contact-name"))
    return contact or None


def enroll(
    from_file: Annotated[str | None, typer.Option("--from", help="YAML, CSV or Excel (.xlsx) file of companies; - for stdin.")] = None,
    file_format: Annotated[str | None, typer.Option("--format", help="yaml, csv or xlsx: the file's format when its name does not say (stdin).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the input and show what would be enrolled; write nothing.")] = False,
    letter: Annotated[bool, typer.Option("--letter", help="Also issue each enrolled company's notice (通知) at once.")] = False,
    letter_format: Annotated[str, typer.Option("--letter-format", help="Format of the notices: md, html, docx (Word) or pdf (needs the pdf extra).")] = "md",
    name_ja: NameJa = None,
    name_en: NameEn = None,
    corporate_number: CorporateNumber = None,
    ncage: Ncage = None,
    address_ja: AddressJa = None,
    address_en: AddressEn = None,
    products: Products = None,
    us_programs: UsPrograms = None,
    fsc: Fsc = None,
    psc: Psc = None,
    coc_accepted_on: CocOn = None,
    coc_version: CocVersion = None,
    coc_signatory: CocSignatory = None,
    share_usg: ShareUsg = None,
    share_primes: SharePrimes = None,
    contact_name: ContactName = None,
    contact_title: ContactTitle = None,
    contact_email: ContactEmail = None,
    contact_phone: ContactPhone = None,
    yes: YesOption = False,
    db: DbOption = None,
) -> None:
    """Enroll a company as a SoSA participant, from options or from a YAML file.

    A CSV or .xlsx file has a header row of the YAML keys (name_ja, corporate_number,
    contact_name, contact_email …) or the Japanese headers of `sosa company export --to
    internal`; a CSV may be UTF-8 or Shift_JIS (CP932). Every problem in the file is
    listed as file:row:column; nothing is enrolled unless every row is right.

    A company with a Code of Conduct acceptance date is enrolled; without one it is
    recorded as applied. Consent to share with the US government and with US primes
    is off unless given.

    A company that withdrew comes back by enrolling its 法人番号 again with the date it
    accepted the Code of Conduct anew, confirmed with --yes: the same record (same key,
    its history kept) is enrolled again, with the consents now given and any other
    field given corrected.

    With --letter, each enrolled company's notice (通知) is issued in the same step.

    Example: sosa enroll --name-ja 株式会社有明電装 --name-en "Ariake Denso Co., Ltd."
    --corporate-number 8010401135790 --coc-accepted-on 2026-11-02 --share-usg --letter
    """
    from ..enrollment import COMPANY_FIELDS, enroll_and_notify, initial_status, refuse_unconfirmed, sort_out, validate_company
    from ..enrollment import enroll as enroll_records
    from ..fields import Invalid

    if from_file is not None:
        if given(locals(), COMPANY_FIELDS) or contact_name:
            raise SosaError(_("--from reads every field from the file"), hint=_("drop the other options or drop --from"))
        from ..importing import file_format as format_of

        fmt = format_of(from_file, file_format)
        if fmt != "yaml":
            _enroll_sheet(from_file, fmt, db, dry_run=dry_run, yes=yes, letter_format=letter_format if letter else None)
            return
        records, source = _read_file(from_file)
    elif file_format is not None:
        raise SosaError(_("--format is for a file"), hint=_("add --from FILE"))
    else:
        raw = given(locals(), COMPANY_FIELDS)
        for field in REQUIRED_FIELDS:
            if field not in raw:
                if not stdin_is_terminal():
                    raise SosaError(_("missing {option}").format(option=option_name(field)), hint=_("give it as an option, or use --from FILE"))
                raw[field] = typer.prompt(_(PROMPTS[field]))
        contact = _contact(contact_name, contact_title, contact_email, contact_phone)
        if contact:
            raw["contacts"] = [contact]
        record, problems = validate_company(raw)
        if problems:
            raise Invalid(problems)
        records, source = [record], None

    conn = open_desk(db, create=True)
    returns = sort_out(conn, records, source)
    if dry_run:
        outcomes = [("re-enroll", returns[i].key) if i in returns else (initial_status(r.values), None) for i, r in enumerate(records)]
        _show_plan(
            [
                {**{k: r.values[k] for k in ("name_ja", "name_en", "corporate_number")}, "status": _would_be(*outcome)}
                for r, outcome in zip(records, outcomes, strict=True)
            ],
            [outcome for outcome, _key in outcomes],
        )
        return
    if returns and not yes:
        if not stdin_is_terminal():
            refuse_unconfirmed(returns)
        for back in returns.values():
            message(_("{number} is {company}.").format(number=back.record.values["corporate_number"], company=back.describe()))
        typer.confirm(_re_enroll_question(len(returns)), abort=True)
    # Confirmed for the returns seen here; one that appears meanwhile is still refused.
    returning = yes or bool(returns)
    with progress(_("Enrolling"), len(records)) as tick:
        if letter:
            keys, notices = enroll_and_notify(conn, records, fmt=letter_format, source=source, progress=tick, returning=returning)
        else:
            keys, notices = enroll_records(conn, records, source=source, progress=tick, returning=returning), []
    for key in keys:
        typer.echo(key)
    _say_issued(notices)
    new = [(key, initial_status(rec.values)) for index, (key, rec) in enumerate(zip(keys, records, strict=True)) if index not in returns]
    _summarise(new, list(returns.values()))


def _re_enroll_question(n: int) -> str:
    return ngettext(
        "Re-enroll {n} company under the same key, its history kept?",
        "Re-enroll {n} companies under the same key, its history kept?",
        n,
    ).format(n=f"{n:,}")


def _say_issued(notices: list) -> None:
    for notice in notices:
        letter = notice.letter
        message(
            _("Issued {key} {number} to {addressee}: {path}").format(key=letter.key, number=letter.doc_number, addressee=letter.addressee, path=notice.path)
        )


def _summarise(new: list[tuple[str, str]], returned: list) -> None:
    """What an enrollment did: the companies re-enrolled, enrolled, and recorded as applied."""
    for back in returned:
        name, accepted = back.record.values["name_ja"], back.record.values["coc_accepted_on"]
        message(
            _("Re-enrolled {key} {name}: the same record, its history kept; Code of Conduct accepted anew on {accepted}.").format(
                key=back.key, name=name, accepted=accepted
            )
        )
    enrolled = [key for key, status in new if status == "enrolled"]
    applied = [key for key, status in new if status == "applied"]
    if enrolled:
        n = len(enrolled)
        message(ngettext("Enrolled {n} company: {keys}.", "Enrolled {n} companies: {keys}.", n).format(n=f"{n:,}", keys=_span(enrolled)))
    if applied:
        # Enrollment is the Code of Conduct accepted (DOMAIN.md §5): without its date a company has applied.
        n = len(applied)
        message(
            ngettext(
                "Recorded {n} company as applied, not yet enrolled: {keys}; "
                "`sosa company update KEY --coc-accepted-on DATE` enrolls it once the Code of Conduct is accepted.",
                "Recorded {n} companies as applied, not yet enrolled: {keys}; "
                "`sosa company update KEY --coc-accepted-on DATE` enrolls it once the Code of Conduct is accepted.",
                n,
            ).format(n=f"{n:,}", keys=_span(applied))
        )


def _span(keys: list[str]) -> str:
    """`C-0001`, `C-0001, C-0002`, or `C-0001…C-0010` for a longer run."""
    return ", ".join(keys) if len(keys) <= 2 else f"{keys[0]}…{keys[-1]}"


def _enroll_sheet(name: str, fmt: str, db, *, dry_run: bool, yes: bool, letter_format: str | None) -> None:
    """`sosa enroll --from FILE.csv|.xlsx`: rows streamed, checked and written in one transaction."""
    from ..intake import Unconfirmed, enroll_file

    conn = open_desk(db, create=True)

    def run(returning: bool):
        with _open_input(name) as stream:
            return enroll_file(conn, stream, _source(name), fmt, dry_run=dry_run, returning=returning, notify=letter_format)

    try:
        plans, notices = run(yes)
    except Unconfirmed as exc:
        if not stdin_is_terminal() or name == "-":
            raise
        for back in exc.returns:
            message(_("{number} is {company}.").format(number=back.record.values["corporate_number"], company=back.describe()))
        typer.confirm(_re_enroll_question(len(exc.returns)), abort=True)
        plans, notices = run(True)
    if dry_run:
        rows = [{"name_ja": p.name_ja, "name_en": p.name_en, "corporate_number": p.corporate_number, "status": _would_be(p.outcome, p.key)} for p in plans]
        _show_plan(rows, [p.outcome for p in plans])
        return
    for plan in plans:
        typer.echo(plan.key)
    _say_issued(notices)
    _summarise([(p.key, p.outcome) for p in plans if p.back is None], [p.back for p in plans if p.back is not None])


def _source(name: str) -> str:
    return "<stdin>" if name == "-" else name


def _open_input(name: str):
    """The file to read, as a binary stream; standard input is read into memory (it cannot be rewound)."""
    import io

    if name == "-":
        return io.BytesIO(sys.stdin.buffer.read())
    path = Path(name).expanduser()
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise SosaError(_("{name}: no such file").format(name=name)) from None
    except IsADirectoryError:
        raise SosaError(_("{name} is a folder, not a file").format(name=name)) from None
    except OSError as exc:
        raise SosaError(_("{name}: cannot read ({reason})").format(name=name, reason=exc.strerror)) from None


def _would_be(outcome: str, key: str | None) -> str:
    if outcome == "re-enroll":
        return _("re-enrolled as {key}").format(key=key)
    return _("recorded as applied") if outcome == "applied" else _("enrolled")


def _would_be_sentence(outcome: str, n: int) -> str:
    """What a dry run would do to `n` companies with this outcome (enrolled, applied, re-enroll)."""
    if outcome == "re-enroll":
        said = ngettext("{n} company would be re-enrolled (with --yes)", "{n} companies would be re-enrolled (with --yes)", n)
    elif outcome == "applied":
        said = ngettext("{n} company would be recorded as applied", "{n} companies would be recorded as applied", n)
    else:
        said = ngettext("{n} company would be enrolled", "{n} companies would be enrolled", n)
    return said.format(n=f"{n:,}")


def _show_plan(rows: list[dict], outcomes: list[str]) -> None:
    """What `sosa enroll --dry-run` would do, record by record (`outcomes`: enrolled, applied
    or re-enroll, one for each row)."""
    print_table(rows, PLAN_COLUMNS, title=_("Dry run: nothing written"))
    tally: dict[str, int] = {}
    for outcome in outcomes:
        tally[outcome] = tally.get(outcome, 0) + 1
    parts = [_would_be_sentence(outcome, n) for outcome, n in tally.items()]
    message(_("Dry run: {outcomes}; nothing was written.").format(outcomes=_("; ").join(parts)))


def _read_file(name: str):
    from ..enrollment import Invalid, validate_company
    from ..importing import read_records

    with _open_input(name) as stream:
        try:
            data = stream.read()
        except IsADirectoryError:
            raise SosaError(_("{name} is a folder, not a file").format(name=name)) from None
        except OSError as exc:
            raise SosaError(_("{name}: cannot read ({reason})").format(name=name, reason=exc.strerror)) from None
    source = _source(name)
    documents = read_records(data, source)
    records, problems = [], []
    for doc in documents:
        record, found = validate_company(doc.values, doc.lines)
        problems.extend(found)
        if record:
            records.append(record)
    if problems:
        raise Invalid(problems, source)
    return records, source


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="Only this status: applied, enrolled, suspended, withdrawn.")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Text in a name, product or address (ja or en).")] = None,
    fsc: Annotated[str | None, typer.Option(help="Only companies making this supply class.")] = None,
    psc: Annotated[str | None, typer.Option(help="Only companies performing this service code.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the register, filtered by status, text or supply class.

    Example: sosa company list --status enrolled --search 電子
    """
    from ..register import list_companies

    conn = open_desk(db)
    companies = list_companies(conn, status=status, search=search, fsc=fsc, psc=psc)
    rows = [c.as_dict() for c in companies]
    if as_json:
        for row in rows:
            row.pop("contacts", None)
            row.pop("fsc", None)
            row.pop("psc", None)
    print_table(rows, LIST_COLUMNS, as_json=as_json, title=count(len(rows), "{n} company", "{n} companies"), empty=_("no companies match"))


def company_card(conn, ref: str, as_json: bool) -> None:
    from ..delays import list_delays
    from ..letters import list_letters
    from ..register import get_company
    from .history import record_history

    company = get_company(conn, ref)
    data = company.as_dict()
    data["delays"] = [d.as_dict() for d in list_delays(conn, company=company.key)]
    for delay in data["delays"]:
        delay.pop("slips")
    data["letters"] = [letter.as_dict() for letter in list_letters(conn, company_id=company.id)]
    data["history"], history_section = record_history(conn, company.key)
    accepted_on = company.coc_accepted_on and _("accepted {date}").format(date=company.coc_accepted_on)
    code_of_conduct = [company.coc_version, accepted_on, company.coc_signatory and _("by {signatory}").format(signatory=company.coc_signatory)]
    # Labels and section names are marked here and translated where they are shown (print_card).
    fields = [
        (N_("Key"), company.key),
        (N_("Status"), state(company.status, company.status_reason, of="company")),
        (N_("Name (ja)"), company.name_ja),
        (N_("Name (en)"), company.name_en),
        ("法人番号", company.corporate_number),
        ("NCAGE", company.ncage),
        (N_("Address (ja)"), company.address_ja),
        (N_("Address (en)"), company.address_en),
        (N_("Products"), company.products),
        (N_("Supply classes"), company.fsc),
        (N_("Service codes"), company.psc),
        (N_("US programs"), company.us_programs),
        (N_("Code of Conduct"), " ".join(filter(None, code_of_conduct)) or _("not accepted")),
        (N_("Share with USG"), company.share_usg),
        (N_("Share with primes"), company.share_primes),
    ]
    print_card(
        f"{company.key} {company.name_ja}",
        fields,
        data=data,
        as_json=as_json,
        sections=[
            (N_("Contacts"), data["contacts"], CONTACT_COLUMNS),
            (N_("Delays"), data["delays"], DELAY_COLUMNS),
            (N_("Letters"), data["letters"], LETTER_COLUMNS),
            history_section,
        ],
    )


@app.command()
def show(
    company: Annotated[str, typer.Argument(help="Key (C-0001) or 法人番号.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one company: its record, contacts, consents, status, delays, letters and history.

    Example: sosa company show C-0001
    """
    company_card(open_desk(db), company, as_json)


@app.command()
def update(
    company: Annotated[str, typer.Argument(help="Key (C-0001) or 法人番号.")],
    name_ja: NameJa = None,
    name_en: NameEn = None,
    corporate_number: CorporateNumber = None,
    ncage: Ncage = None,
    address_ja: AddressJa = None,
    address_en: AddressEn = None,
    products: Products = None,
    us_programs: UsPrograms = None,
    fsc: Fsc = None,
    psc: Psc = None,
    coc_accepted_on: CocOn = None,
    coc_version: CocVersion = None,
    coc_signatory: CocSignatory = None,
    share_usg: ShareUsg = None,
    share_primes: SharePrimes = None,
    contact_name: ContactName = None,
    contact_title: ContactTitle = None,
    contact_email: ContactEmail = None,
    contact_phone: ContactPhone = None,
    db: DbOption = None,
) -> None:
    """Correct a company's record; every value is checked as at enrollment.

    Contact options correct the main contact's fields they name. Setting
    --coc-accepted-on on an applied company enrolls it.

    Example: sosa company update C-0001 --ncage 7A123 --no-share-primes
    """
    from ..enrollment import COMPANY_FIELDS
    from ..register import change

    raw = given(locals(), COMPANY_FIELDS)
    contact = given({"name": contact_name, "title": contact_title, "email": contact_email, "phone": contact_phone}, ("name", "title", "email", "phone"))
    updated = change(open_desk(db), company, raw, main_contact=contact)
    message(_("Updated {key} {name} ({status}).").format(key=updated.key, name=updated.name_ja, status=company_status(updated.status)))


def _status_command(target: str, action: str, verb: str):
    def command(
        company: Annotated[str, typer.Argument(help="Key (C-0001) or 法人番号.")],
        reason: Annotated[str | None, typer.Option(help="Why; kept in the record and the audit trail.")] = None,
        yes: YesOption = False,
        db: DbOption = None,
    ) -> None:
        from ..register import get_company, set_status

        if action == "withdraw" and not reason:
            raise SosaError(_("a withdrawal needs a reason"), hint=_('add --reason "…" (e.g. "company request of 2026-11-20")'))
        conn = open_desk(db)
        if stdin_is_terminal() and not yes:
            current = get_company(conn, company)
            typer.confirm(_(STATUS_QUESTIONS[verb]).format(key=current.key, name=current.name_ja), abort=True)
        updated = set_status(conn, company, target, reason=reason, action=action)
        message(_(NOW_STATUS[updated.status]).format(key=updated.key, name=updated.name_ja))

    return command


# The question before each status change, and what the company is after it: whole sentences.
STATUS_QUESTIONS = {"suspend": N_("Suspend {key} {name}?"), "reinstate": N_("Reinstate {key} {name}?"), "withdraw": N_("Withdraw {key} {name}?")}
NOW_STATUS = {
    "suspended": N_("{key} {name} is now suspended."),
    "enrolled": N_("{key} {name} is now enrolled."),
    "withdrawn": N_("{key} {name} is now withdrawn."),
}
STATUS_COMMANDS = {
    "suspend": ("suspended", 'Suspend an enrolled company (it stays in the register).\n\nExample: sosa company suspend C-0003 --reason "audit pending"'),
    "reinstate": ("enrolled", "Reinstate a suspended company.\n\nExample: sosa company reinstate C-0003"),
    "withdraw": (
        "withdrawn",
        "Record a company's voluntary withdrawal (final); --reason is required.\n\n"
        'Example: sosa company withdraw C-0003 --reason "company request of 2026-11-20"',
    ),
}
for _action, (_target, _doc) in STATUS_COMMANDS.items():
    _fn = _status_command(_target, _action, _action)
    _fn.__doc__ = _doc
    app.command(_action)(_fn)


@app.command("export")
def export(
    to: Annotated[str, typer.Option("--to", help="usg (US government), primes (US prime contractors) or internal (the desk's own copy).")],
    fmt: Annotated[str, typer.Option("--format", help="csv, json or xlsx.")] = "csv",
    out: Annotated[str | None, typer.Option("--out", help="File or folder (DIR/) to write; stdout if omitted (csv, json).")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="CSV: utf-8 (with a BOM, the default) or cp932 (Shift_JIS).")] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Export enrolled companies that consented to the recipient; the audit trail records who went where.

    --to internal writes the whole register (every status) with Japanese headers for
    the desk's own 回覧 and 決裁; it is recorded as an internal export, not as sharing,
    and `sosa enroll --from` reads it back.

    Example: sosa company export --to usg --format xlsx --out usg-2026-11.xlsx
    """
    from ..exporting import INTERNAL
    from ..exporting import export as run_export

    conn = open_desk(db)
    # Standard output is written inside the export's transaction: an export that cannot
    # be delivered (a closed pipe, a full disk) is not recorded as sent.
    result = run_export(conn, to, fmt, out_option(out, force), emit=print_letter, encoding=encoding)
    n, to_stdout = len(result.keys), result.destination == "stdout"
    if to == INTERNAL and to_stdout:
        said = ngettext(
            "Exported {n} company for the desk as {fmt}; recorded as an internal export, not shared.",
            "Exported {n} companies for the desk as {fmt}; recorded as an internal export, not shared.",
            n,
        )
    elif to == INTERNAL:
        said = ngettext(
            "Exported {n} company for the desk as {fmt} to {destination}; recorded as an internal export, not shared.",
            "Exported {n} companies for the desk as {fmt} to {destination}; recorded as an internal export, not shared.",
            n,
        )
    elif to_stdout:
        said = ngettext(
            "Exported {n} company for {to} as {fmt}; recorded in the audit trail.", "Exported {n} companies for {to} as {fmt}; recorded in the audit trail.", n
        )
    else:
        said = ngettext(
            "Exported {n} company for {to} as {fmt} to {destination}; recorded in the audit trail.",
            "Exported {n} companies for {to} as {fmt} to {destination}; recorded in the audit trail.",
            n,
        )
    message(said.format(n=f"{n:,}", to=to, fmt=fmt, destination=result.destination))
