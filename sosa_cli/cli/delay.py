"""`sosa delay …`: delays of US-made parts and services reported by participants."""

from typing import Annotated

import typer

from ..i18n import N_, _, ngettext
from .options import DbOption, JsonOption, given, open_desk, option_name
from .output import count, message, print_card, print_table, state

app = typer.Typer(help="Delays of US-made parts and services: add, list, show, update, close.", no_args_is_help=True)

LIST_COLUMNS = [
    ("key", N_("Key")),
    ("company_key", N_("Company")),
    ("status", N_("Status")),
    ("supplier", N_("US supplier")),
    ("what", N_("Part number / service")),
    ("quantity", N_("Qty")),
    ("need_date", N_("Need")),
    ("promised_date", N_("Promised")),
    ("days_late", N_("Days late")),
    ("request_key", N_("Request")),
]
SLIP_COLUMNS = [("promised_date", N_("Promised date")), ("recorded_at", N_("Recorded (UTC)")), ("source", N_("Source")), ("note", N_("Note"))]

Company = Annotated[str | None, typer.Option("--company", help="Reporting company: key or 法人番号.")]
Program = Annotated[str | None, typer.Option("--program", help="JSDF program or end item.")]
ProgramEn = Annotated[str | None, typer.Option("--program-en", help="JSDF program or end item in English, for letters to DoD.")]
ServiceBranch = Annotated[str | None, typer.Option("--service-branch", help="JSDF service: gsdf, msdf, asdf or joint.")]
Contract = Annotated[str | None, typer.Option("--contract", help="JSDF contract number.")]
SupplierAddress = Annotated[str | None, typer.Option("--supplier-address", help="US supplier's address, in English.")]
SupplierContact = Annotated[str | None, typer.Option("--supplier-contact", help="US supplier's point of contact, in English.")]
Unit = Annotated[str | None, typer.Option("--unit", help="Unit of issue, 1–4 letters: EA, SE, LO … (default EA).")]
RatingSought = Annotated[str | None, typer.Option("--rating-sought", help="DPAS rating to ask DoD for, e.g. DO-A1 or DX-A7.")]
Supplier = Annotated[str | None, typer.Option("--supplier", help="US supplier's name.")]
SupplierCage = Annotated[
    str | None, typer.Option("--supplier-cage", help="Supplier's CAGE code (US form: digit, 3 letters or digits, digit), or its NCAGE code.")
]
SupplierCountry = Annotated[str | None, typer.Option("--supplier-country", help="Supplier's country outside the US (ISO 3166 code, e.g. GB); default US.")]
Po = Annotated[str | None, typer.Option("--po", help="Purchase order number.")]
Service = Annotated[bool, typer.Option("--service", help="A service (役務: repair, overhaul, test), not a part: no part number or NSN.")]
Psc = Annotated[str | None, typer.Option("--psc", help="A service's code (PSC), e.g. J015.")]
PartNumber = Annotated[str | None, typer.Option("--part-number", help="Part number (not for a service).")]
Nsn = Annotated[str | None, typer.Option("--nsn", help="NSN, with or without hyphens.")]
Description = Annotated[str | None, typer.Option("--description", help="What the part is, or what the service does.")]
Quantity = Annotated[str | None, typer.Option("--quantity", help="Quantity late (a positive whole number; a service: lots, default 1).")]
NeedDate = Annotated[str | None, typer.Option("--need-date", help="Date the part is needed (ISO or 和暦; no ASAP).")]
PromisedDate = Annotated[str | None, typer.Option("--promised-date", help="Date the supplier now promises.")]
Impact = Annotated[str | None, typer.Option("--impact", help="Impact on operations if late.")]
Efforts = Annotated[str | None, typer.Option("--efforts", help="What the company has already done.")]


def _supplier(delay) -> str:
    """`Acme Hydraulics Inc. (CAGE 1ABC2)`, or `… (NCAGE K1234, GB)` for a supplier outside the US."""
    if delay.supplier_country in (None, "US"):
        code = delay.supplier_cage and f"(CAGE {delay.supplier_cage})"
    else:
        code = f"({'NCAGE ' + delay.supplier_cage + ', ' if delay.supplier_cage else ''}{delay.supplier_country})"
    return " ".join(filter(None, [delay.supplier, code]))


def lateness(days: int) -> str:
    return count(days, "{n} day late", "{n} days late") if days > 0 else _("now meets the need date")


def what(delay) -> str:
    """What is late, in the officer's language: the part number, or `service: <description>`
    (`Delay.what` keeps the English for `--json`)."""
    return _("service: {description}").format(description=delay.description) if delay.is_service else delay.what


@app.command()
def add(
    company: Company = None,
    program: Program = None,
    program_en: ProgramEn = None,
    service_branch: ServiceBranch = None,
    contract: Contract = None,
    supplier: Supplier = None,
    supplier_cage: SupplierCage = None,
    supplier_country: SupplierCountry = None,
    supplier_address: SupplierAddress = None,
    supplier_contact: SupplierContact = None,
    po: Po = None,
    service: Service = False,
    part_number: PartNumber = None,
    nsn: Nsn = None,
    psc: Psc = None,
    description: Description = None,
    quantity: Quantity = None,
    unit: Unit = None,
    need_date: NeedDate = None,
    promised_date: PromisedDate = None,
    impact: Impact = None,
    efforts: Efforts = None,
    rating_sought: RatingSought = None,
    from_file: Annotated[str | None, typer.Option("--from", help="CSV or Excel (.xlsx) file of delays, a row each; - for stdin.")] = None,
    file_format: Annotated[str | None, typer.Option("--format", help="csv or xlsx: the file's format when its name does not say (stdin).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --from: check every row and write nothing.")] = False,
    db: DbOption = None,
) -> None:
    """Record a delay of a part, or with --service of a service (役務), reported by an enrolled company; prints its key.

    With --from FILE (.csv or .xlsx), every row is a delay, by the same rules: the
    header row gives the option names in snake_case (company or corporate_number,
    supplier, part_number, need_date …) or their Japanese headers (参加企業, 法人番号,
    米国の供給企業, 必要時期 …); a service has yes in its service (役務) column. Every
    problem is listed as file:row:column, and nothing is recorded unless every row is right.

    A service has a description and no part number or NSN; its quantity is in lots (1
    unless given).

    The promised date must be later than the need date (otherwise nothing is late). A US
    supplier's CAGE code has the US form (1ABC2); a supplier outside the US is given
    with --supplier-country and its NCAGE code.

    Example: sosa delay add --company C-0001 --supplier "Acme Hydraulics" --supplier-cage 1ABC2
    --part-number 123-456 --quantity 4 --need-date 2027-01-15 --promised-date 2027-04-30
    """
    from ..delays import DELAY_FIELDS, required_fields
    from ..delays import add as add_delay
    from ..errors import SosaError

    raw = given(locals(), DELAY_FIELDS)
    if from_file is not None or file_format is not None or dry_run:
        _add_from_file(from_file, file_format, dry_run, raw, service, db)
        return
    if not service:
        raw.pop("service")
    for name in required_fields(service):
        if name not in raw:
            raise SosaError(_("missing {option}").format(option=option_name(name)), hint=_("see `sosa delay add --help`"))
    delay = add_delay(open_desk(db), raw)
    typer.echo(delay.key)
    message(
        _("Recorded {key} for {company}: {what} ×{quantity}, {lateness}.").format(
            key=delay.key, company=delay.company_key, what=what(delay), quantity=delay.quantity, lateness=lateness(delay.days_late)
        )
    )


def _add_from_file(from_file: str | None, file_format: str | None, dry_run: bool, raw: dict, service: bool, db) -> None:
    """`sosa delay add --from FILE`: every row a delay, all or nothing."""
    from ..errors import SosaError
    from ..importing import TABULAR
    from ..importing import file_format as format_of
    from ..intake import add_delays_file
    from .company import _open_input, _source

    if from_file is None:
        raise SosaError(_("--format and --dry-run are for a file"), hint=_("add --from FILE"))
    if service or len(raw) > 1:
        raise SosaError(_("--from reads every field from the file"), hint=_("drop the other options or drop --from"))
    fmt = format_of(from_file, file_format or ("csv" if from_file == "-" else None))
    if fmt not in TABULAR:
        raise SosaError(
            _("{file}: delays are read from CSV or Excel (.xlsx) files").format(file=from_file), hint=_("save it as .csv or .xlsx, or add --format csv")
        )
    conn = open_desk(db)
    with _open_input(from_file) as stream:
        added = add_delays_file(conn, stream, _source(from_file), fmt, dry_run=dry_run)
    n = len(added)
    if dry_run:
        message(
            ngettext("Dry run: {n} delay would be recorded; nothing was written.", "Dry run: {n} delays would be recorded; nothing was written.", n).format(
                n=f"{n:,}"
            )
        )
        return
    for _row, delay in added:
        typer.echo(delay.key)
    if n > 1:
        message(
            ngettext("Recorded {n} delay: {first}…{last}.", "Recorded {n} delays: {first}…{last}.", n).format(
                n=f"{n:,}", first=added[0][1].key, last=added[-1][1].key
            )
        )
    else:
        message(ngettext("Recorded {n} delay.", "Recorded {n} delays.", n).format(n=f"{n:,}"))


@app.command("list")
def list_(
    company: Company = None,
    status: Annotated[str | None, typer.Option(help="open, escalated, resolved, unresolved, closed.")] = None,
    supplier: Annotated[str | None, typer.Option(help="US supplier name (part of it) or CAGE.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open or escalated delays past their need date.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List delays, filtered by company, status, supplier or overdue.

    Example: sosa delay list --company C-0001 --overdue
    """
    from ..delays import list_delays

    delays = list_delays(open_desk(db), company=company, status=status, supplier=supplier, overdue=overdue)
    rows = [d.as_dict() for d in delays]
    for row, found in zip(rows, delays, strict=True):
        if as_json:
            row.pop("slips")
        else:
            row["what"] = what(found)
    print_table(rows, LIST_COLUMNS, as_json=as_json, title=count(len(rows), "{n} delay", "{n} delays"), empty=_("no delays match"))


@app.command()
def show(delay: Annotated[str, typer.Argument(help="Delay key, e.g. D-0001.")], db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show a delay with every slip of the promised date and its history.

    Example: sosa delay show D-0001
    """
    from ..delays import get_delay
    from .history import record_history

    conn = open_desk(db)
    found = get_delay(conn, delay)
    data = found.as_dict()
    data["history"], history_section = record_history(conn, found.key)
    promised = _("{promised} (originally {original}; {lateness})").format(
        promised=found.promised_date, original=found.original_promised_date, lateness=lateness(found.days_late)
    )
    fields = [
        (N_("Key"), found.key),
        (N_("Status"), state(found.status, found.close_reason, of="delay")),
        (N_("Company"), f"{found.company_key} {found.company_name}"),
        (N_("Program"), found.program),
        (N_("Program (en)"), found.program_en),
        (N_("Service"), found.service_branch and f"{found.service_branch_ja} ({found.service_branch_en})"),
        (N_("Contract"), found.contract),
        (N_("US supplier") if found.supplier_country in (None, "US") else N_("Supplier"), _supplier(found)),
        (N_("Supplier address"), found.supplier_address),
        (N_("Supplier contact"), found.supplier_contact),
        (N_("PO"), found.po),
        (N_("What"), _("service (役務)") if found.is_service else _("part")),
        (N_("Part number"), found.part_number),
        (N_("NSN"), found.nsn),
        (N_("PSC"), found.psc),
        (N_("Description"), found.description),
        (N_("Quantity"), count(found.quantity, "{n} lot", "{n} lots") if found.is_service else f"{found.quantity} {found.unit}"),
        (N_("Rating sought"), found.rating_sought),
        (N_("Need date"), found.need_date),
        (N_("Promised date"), promised),
        (N_("Impact"), found.impact),
        (N_("Efforts"), found.efforts),
        (N_("Request"), found.request_key),
    ]
    print_card(
        f"{found.key} {what(found)}",
        fields,
        data=data,
        as_json=as_json,
        sections=[(N_("Slips"), data["slips"], SLIP_COLUMNS), history_section],
    )


@app.command()
def update(
    delay: Annotated[str, typer.Argument(help="Delay key, e.g. D-0001.")],
    program: Program = None,
    program_en: ProgramEn = None,
    service_branch: ServiceBranch = None,
    contract: Contract = None,
    supplier: Supplier = None,
    supplier_cage: SupplierCage = None,
    supplier_country: SupplierCountry = None,
    supplier_address: SupplierAddress = None,
    supplier_contact: SupplierContact = None,
    po: Po = None,
    part_number: PartNumber = None,
    nsn: Nsn = None,
    psc: Psc = None,
    description: Description = None,
    quantity: Quantity = None,
    unit: Unit = None,
    need_date: NeedDate = None,
    promised_date: PromisedDate = None,
    impact: Impact = None,
    efforts: Efforts = None,
    rating_sought: RatingSought = None,
    note: Annotated[str | None, typer.Option(help="Why the date moved; kept with the slip.")] = None,
    db: DbOption = None,
) -> None:
    """Correct a delay; a new promised date is kept as a slip, not an overwrite.

    Example: sosa delay update D-0001 --promised-date 2027-05-31 --note "supplier letter of 2026-12-01"
    """
    from ..delays import DELAY_FIELDS
    from ..delays import update as update_delay

    raw = given(locals(), DELAY_FIELDS)
    found = update_delay(open_desk(db), delay, raw, note=note)
    message(
        _("Updated {key}: promised {promised}, {lateness} ({slips} kept).").format(
            key=found.key, promised=found.promised_date, lateness=lateness(found.days_late), slips=count(len(found.slips), "{n} slip", "{n} slips")
        )
    )


@app.command()
def close(
    delay: Annotated[str, typer.Argument(help="Delay key, e.g. D-0001.")],
    reason: Annotated[str, typer.Option(help="recovered, withdrawn or not-eligible.")],
    db: DbOption = None,
) -> None:
    """Close an open delay that needs no request: recovered, withdrawn or not eligible.

    Example: sosa delay close D-0002 --reason recovered
    """
    from ..delays import close as close_delay

    found = close_delay(open_desk(db), delay, reason)
    message(_("Closed {key} ({reason}).").format(key=found.key, reason=reason))
