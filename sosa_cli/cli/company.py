"""`sosa enroll` and `sosa company …`: the participant register."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import SosaError
from ..words import company_status
from .options import DbOption, ForceOption, JsonOption, YesOption, given, open_desk, option_name, out_option
from .output import count, message, print_card, print_letter, print_table, progress, state, stdin_is_terminal

app = typer.Typer(help="The participant register: list, show, correct, suspend, withdraw, export.", no_args_is_help=True)

LIST_COLUMNS = [
    ("key", "Key"),
    ("name_ja", "Name (ja)"),
    ("name_en", "Name (en)"),
    ("corporate_number", "法人番号"),
    ("ncage", "NCAGE"),
    ("status", "Status"),
    ("share_usg", "USG"),
    ("share_primes", "Primes"),
]
DELAY_COLUMNS = [
    ("key", "Delay"),
    ("status", "Status"),
    ("what", "Part number / service"),
    ("need_date", "Need"),
    ("promised_date", "Promised"),
    ("request_key", "Request"),
]
LETTER_COLUMNS = [("key", "Letter"), ("kind", "Kind"), ("doc_number", "文書番号"), ("letter_date", "Date"), ("record", "Record"), ("status", "Status")]
CONTACT_COLUMNS = [("name", "Name"), ("title", "Title"), ("email", "E-mail"), ("phone", "Phone"), ("role", "Role"), ("language", "Lang")]

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


def _contact(name, title, email, phone) -> dict[str, Any] | None:
    contact = given({"name": name, "title": title, "email": email, "phone": phone}, ("name", "title", "email", "phone"))
    if contact and "name" not in contact:
        raise SosaError("a contact needs a name", hint="add --contact-name")
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
            raise SosaError("--from reads every field from the file", hint="drop the other options or drop --from")
        from ..importing import file_format as format_of

        fmt = format_of(from_file, file_format)
        if fmt != "yaml":
            _enroll_sheet(from_file, fmt, db, dry_run=dry_run, yes=yes, letter_format=letter_format if letter else None)
            return
        records, source = _read_file(from_file)
    elif file_format is not None:
        raise SosaError("--format is for a file", hint="add --from FILE")
    else:
        raw = given(locals(), COMPANY_FIELDS)
        for field in REQUIRED_FIELDS:
            if field not in raw:
                if not stdin_is_terminal():
                    raise SosaError(f"missing {option_name(field)}", hint="give it as an option, or use --from FILE")
                raw[field] = typer.prompt(field.replace("_", " ").capitalize())
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
            ]
        )
        return
    if returns and not yes:
        if not stdin_is_terminal():
            refuse_unconfirmed(returns)
        for back in returns.values():
            message(f"{back.record.values['corporate_number']} is {back.describe()}.")
        typer.confirm(f"Re-enroll {count(len(returns), 'company', 'companies')} under the same key, its history kept?", abort=True)
    # Confirmed for the returns seen here; one that appears meanwhile is still refused.
    returning = yes or bool(returns)
    with progress("Enrolling", len(records)) as tick:
        if letter:
            keys, notices = enroll_and_notify(conn, records, fmt=letter_format, source=source, progress=tick, returning=returning)
        else:
            keys, notices = enroll_records(conn, records, source=source, progress=tick, returning=returning), []
    for key in keys:
        typer.echo(key)
    for notice in notices:
        message(f"Issued {notice.letter.key} {notice.letter.doc_number} to {notice.letter.addressee}: {notice.path}")
    new = [(key, initial_status(rec.values)) for index, (key, rec) in enumerate(zip(keys, records, strict=True)) if index not in returns]
    _summarise(new, list(returns.values()))


def _summarise(new: list[tuple[str, str]], returned: list) -> None:
    """What an enrollment did: the companies re-enrolled, enrolled, and recorded as applied."""
    for back in returned:
        name, accepted = back.record.values["name_ja"], back.record.values["coc_accepted_on"]
        message(f"Re-enrolled {back.key} {name}: the same record, its history kept; Code of Conduct accepted anew on {accepted}.")
    enrolled = [key for key, status in new if status == "enrolled"]
    applied = [key for key, status in new if status == "applied"]
    if enrolled:
        message(f"Enrolled {count(len(enrolled), 'company', 'companies')}: {_span(enrolled)}.")
    if applied:
        # Enrollment is the Code of Conduct accepted (DOMAIN.md §5): without its date a company has applied.
        message(
            f"Recorded {count(len(applied), 'company', 'companies')} as applied, not yet enrolled: {_span(applied)}; "
            "`sosa company update KEY --coc-accepted-on DATE` enrolls it once the Code of Conduct is accepted."
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
            message(f"{back.record.values['corporate_number']} is {back.describe()}.")
        typer.confirm(f"Re-enroll {count(len(exc.returns), 'company', 'companies')} under the same key, its history kept?", abort=True)
        plans, notices = run(True)
    if dry_run:
        rows = [{"name_ja": p.name_ja, "name_en": p.name_en, "corporate_number": p.corporate_number, "status": _would_be(p.outcome, p.key)} for p in plans]
        _show_plan(rows)
        return
    for plan in plans:
        typer.echo(plan.key)
    for notice in notices:
        message(f"Issued {notice.letter.key} {notice.letter.doc_number} to {notice.letter.addressee}: {notice.path}")
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
        raise SosaError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SosaError(f"{name} is a folder, not a file") from None
    except OSError as exc:
        raise SosaError(f"{name}: cannot read ({exc.strerror})") from None


def _would_be(outcome: str, key: str | None) -> str:
    if outcome == "re-enroll":
        return f"re-enrolled as {key}"
    return "recorded as applied" if outcome == "applied" else "enrolled"


def _show_plan(rows: list[dict]) -> None:
    """What `sosa enroll --dry-run` would do, record by record."""
    print_table(
        rows,
        [("name_ja", "Name (ja)"), ("name_en", "Name (en)"), ("corporate_number", "法人番号"), ("status", "Would be")],
        title="Dry run: nothing written",
    )
    tally: dict[str, int] = {}
    for row in rows:
        outcome = "re-enrolled (with --yes)" if row["status"].startswith("re-enrolled") else row["status"]
        tally[outcome] = tally.get(outcome, 0) + 1
    parts = [f"{count(n, 'company', 'companies')} would be {outcome}" for outcome, n in tally.items()]
    message(f"Dry run: {'; '.join(parts)}; nothing was written.")


def _read_file(name: str):
    from ..enrollment import Invalid, validate_company
    from ..importing import read_records

    with _open_input(name) as stream:
        try:
            data = stream.read()
        except IsADirectoryError:
            raise SosaError(f"{name} is a folder, not a file") from None
        except OSError as exc:
            raise SosaError(f"{name}: cannot read ({exc.strerror})") from None
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
    print_table(rows, LIST_COLUMNS, as_json=as_json, title=count(len(rows), "company", "companies"), empty="no companies match")


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
    accepted_on = company.coc_accepted_on and f"accepted {company.coc_accepted_on}"
    code_of_conduct = [company.coc_version, accepted_on, company.coc_signatory and f"by {company.coc_signatory}"]
    fields = [
        ("Key", company.key),
        ("Status", state(company.status, company.status_reason)),
        ("Name (ja)", company.name_ja),
        ("Name (en)", company.name_en),
        ("法人番号", company.corporate_number),
        ("NCAGE", company.ncage),
        ("Address (ja)", company.address_ja),
        ("Address (en)", company.address_en),
        ("Products", company.products),
        ("Supply classes", company.fsc),
        ("Service codes", company.psc),
        ("US programs", company.us_programs),
        ("Code of Conduct", " ".join(filter(None, code_of_conduct)) or "not accepted"),
        ("Share with USG", company.share_usg),
        ("Share with primes", company.share_primes),
    ]
    print_card(
        f"{company.key} {company.name_ja}",
        fields,
        data=data,
        as_json=as_json,
        sections=[
            ("Contacts", data["contacts"], CONTACT_COLUMNS),
            ("Delays", data["delays"], DELAY_COLUMNS),
            ("Letters", data["letters"], LETTER_COLUMNS),
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
    message(f"Updated {updated.key} {updated.name_ja} ({company_status(updated.status)}).")


def _status_command(target: str, action: str, verb: str):
    def command(
        company: Annotated[str, typer.Argument(help="Key (C-0001) or 法人番号.")],
        reason: Annotated[str | None, typer.Option(help="Why; kept in the record and the audit trail.")] = None,
        yes: YesOption = False,
        db: DbOption = None,
    ) -> None:
        from ..register import get_company, set_status

        if action == "withdraw" and not reason:
            raise SosaError("a withdrawal needs a reason", hint='add --reason "…" (e.g. "company request of 2026-11-20")')
        conn = open_desk(db)
        if stdin_is_terminal() and not yes:
            current = get_company(conn, company)
            typer.confirm(f"{verb.capitalize()} {current.key} {current.name_ja}?", abort=True)
        updated = set_status(conn, company, target, reason=reason, action=action)
        message(f"{updated.key} {updated.name_ja} is now {updated.status}.")

    return command


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
    where = "" if result.destination == "stdout" else f" to {result.destination}"
    if to == INTERNAL:
        message(f"Exported {count(len(result.keys), 'company', 'companies')} for the desk as {fmt}{where}; recorded as an internal export, not shared.")
        return
    message(f"Exported {count(len(result.keys), 'company', 'companies')} for {to} as {fmt}{where}; recorded in the audit trail.")
