"""`sosa delay …`: delays of US-made parts and services reported by participants."""

from typing import Annotated

import typer

from .options import DbOption, JsonOption, given, open_desk, option_name
from .output import count, message, print_card, print_table, state

app = typer.Typer(help="Delays of US-made parts and services: add, list, show, update, close.", no_args_is_help=True)

LIST_COLUMNS = [
    ("key", "Key"),
    ("company_key", "Company"),
    ("status", "Status"),
    ("supplier", "US supplier"),
    ("what", "Part number / service"),
    ("quantity", "Qty"),
    ("need_date", "Need"),
    ("promised_date", "Promised"),
    ("days_late", "Days late"),
    ("request_key", "Request"),
]
SLIP_COLUMNS = [("promised_date", "Promised date"), ("recorded_at", "Recorded (UTC)"), ("source", "Source"), ("note", "Note")]

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
    return f"{count(days, 'day')} late" if days > 0 else "now meets the need date"


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
            raise SosaError(f"missing {option_name(name)}", hint="see `sosa delay add --help`")
    delay = add_delay(open_desk(db), raw)
    typer.echo(delay.key)
    message(f"Recorded {delay.key} for {delay.company_key}: {delay.what} ×{delay.quantity}, {lateness(delay.days_late)}.")


def _add_from_file(from_file: str | None, file_format: str | None, dry_run: bool, raw: dict, service: bool, db) -> None:
    """`sosa delay add --from FILE`: every row a delay, all or nothing."""
    from ..errors import SosaError
    from ..importing import TABULAR
    from ..importing import file_format as format_of
    from ..intake import add_delays_file
    from .company import _open_input, _source

    if from_file is None:
        raise SosaError("--format and --dry-run are for a file", hint="add --from FILE")
    if service or len(raw) > 1:
        raise SosaError("--from reads every field from the file", hint="drop the other options or drop --from")
    fmt = format_of(from_file, file_format or ("csv" if from_file == "-" else None))
    if fmt not in TABULAR:
        raise SosaError(f"{from_file}: delays are read from CSV or Excel (.xlsx) files", hint="save it as .csv or .xlsx, or add --format csv")
    conn = open_desk(db)
    with _open_input(from_file) as stream:
        added = add_delays_file(conn, stream, _source(from_file), fmt, dry_run=dry_run)
    if dry_run:
        message(f"Dry run: {count(len(added), 'delay')} would be recorded; nothing was written.")
        return
    for _, delay in added:
        typer.echo(delay.key)
    message(f"Recorded {count(len(added), 'delay')}" + (f": {added[0][1].key}…{added[-1][1].key}." if len(added) > 1 else "."))


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
    if as_json:
        for row in rows:
            row.pop("slips")
    print_table(rows, LIST_COLUMNS, as_json=as_json, title=count(len(rows), "delay"), empty="no delays match")


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
    fields = [
        ("Key", found.key),
        ("Status", state(found.status, found.close_reason)),
        ("Company", f"{found.company_key} {found.company_name}"),
        ("Program", found.program),
        ("Program (en)", found.program_en),
        ("Service", found.service_branch and f"{found.service_branch_ja} ({found.service_branch_en})"),
        ("Contract", found.contract),
        ("US supplier" if found.supplier_country in (None, "US") else "Supplier", _supplier(found)),
        ("Supplier address", found.supplier_address),
        ("Supplier contact", found.supplier_contact),
        ("PO", found.po),
        ("What", "service (役務)" if found.is_service else "part"),
        ("Part number", found.part_number),
        ("NSN", found.nsn),
        ("PSC", found.psc),
        ("Description", found.description),
        ("Quantity", count(found.quantity, "lot") if found.is_service else f"{found.quantity} {found.unit}"),
        ("Rating sought", found.rating_sought),
        ("Need date", found.need_date),
        ("Promised date", f"{found.promised_date} (originally {found.original_promised_date}; {lateness(found.days_late)})"),
        ("Impact", found.impact),
        ("Efforts", found.efforts),
        ("Request", found.request_key),
    ]
    print_card(
        f"{found.key} {found.what}",
        fields,
        data=data,
        as_json=as_json,
        sections=[("Slips", data["slips"], SLIP_COLUMNS), history_section],
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
    message(f"Updated {found.key}: promised {found.promised_date}, {lateness(found.days_late)} ({count(len(found.slips), 'slip')} kept).")


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
    message(f"Closed {found.key} ({reason}).")
