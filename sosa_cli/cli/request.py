"""`sosa request …`: JP→US requests for priority support on delayed US parts."""

from typing import Annotated

import typer

from ..i18n import C_, N_, _
from .dryrun import DryRunOption
from .dryrun import dry_run as dry_run_letters
from .options import DbOption, ForceOption, JsonOption, open_desk, out_option
from .output import check_letter_destination, code, count, letter_sink, message, print_card, print_table, state

app = typer.Typer(help="JP→US requests to DoD: open, send, update, close, list, show.", no_args_is_help=True)

LIST_COLUMNS = [
    ("key", N_("Key")),
    ("company_key", N_("Company")),
    ("status", N_("Status")),
    ("action", C_("request", "Action")),  # what it asks DoD for (要請内容), not the audit trail's Action
    ("urgency", N_("Urgency")),
    ("delay_keys", N_("Delays")),
    ("sent_on", N_("Sent")),
    ("follow_up_on", N_("Follow up")),
    ("rating", N_("Rating")),
    ("supplier_deadline", N_("Supplier must answer by")),
    ("outcome", N_("Outcome")),
]
DELAY_COLUMNS = [
    ("key", N_("Delay")),
    ("what", N_("Part number / service")),
    ("supplier", N_("US supplier")),
    ("quantity", N_("Qty")),
    ("need_date", N_("Need")),
    ("promised_date", N_("Promised")),
    ("status", N_("Status")),
]
LETTER_COLUMNS = [("key", N_("Letter")), ("kind", N_("Kind")), ("doc_number", N_("文書番号")), ("letter_date", N_("Date")), ("status", N_("Status"))]

RequestKey = Annotated[str, typer.Argument(help="Request key, e.g. R-0001.")]
Format = Annotated[str, typer.Option("--format", help="Letter format: md, html, docx (Word) or pdf (needs the pdf extra).")]
Out = Annotated[str | None, typer.Option("--out", help="File or folder for the letter (default: the letters folder); - for stdout.")]


def _row(request) -> dict:
    data = request.as_dict()
    data["delay_keys"] = [d["key"] for d in data["delays"]]
    return data


@app.command("open")
def open_(
    delays: Annotated[list[str], typer.Argument(help="Delay keys (D-0001 …), all of one company.")],
    action: Annotated[str, typer.Option(help="rating (DPAS priority rating), spa (special priorities assistance) or expedite.")] = "rating",
    urgency: Annotated[str, typer.Option(help="routine, urgent or critical.")] = "urgent",
    db: DbOption = None,
) -> None:
    """Open a draft request to DoD covering one or more open delays; prints its key.

    Example: sosa request open D-0001 D-0002 --action rating --urgency critical
    """
    from ..requests import open_request

    request = open_request(open_desk(db), delays, action=action, urgency=urgency)
    typer.echo(request.key)
    message(
        _("Opened {key} (draft) for {company}, covering {delays}.").format(
            key=request.key, company=request.company_key, delays=", ".join(d.key for d in request.delays)
        )
    )


@app.command()
def send(
    request: RequestKey,
    fmt: Format = "md",
    out: Out = None,
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    db: DbOption = None,
) -> None:
    """Issue the English request letter to DoD and mark the request sent.

    The follow-up date is set a number of US working days ahead (setting
    request_follow_up_days, default 10).

    Example: sosa request send R-0001 --format html
    """
    from ..requests import send as send_request

    check_letter_destination(fmt, out)
    if dry_run:
        conn = open_desk(db)
        dry_run_letters(conn, lambda: send_request(conn, request, fmt=fmt))
        return
    sent, letter = send_request(open_desk(db), request, fmt=fmt, out=out_option(out, force), emit=letter_sink(out))
    facts = {"key": sent.key, "letter": letter.entry.key, "number": letter.entry.doc_number, "path": letter.path, "date": sent.follow_up_on}
    if letter.path:
        message(_("Sent {key}: letter {letter} {number} written to {path}; follow up on {date}.").format(**facts))
    else:
        message(_("Sent {key}: letter {letter} {number}; follow up on {date}.").format(**facts))


@app.command()
def update(
    request: RequestKey,
    status: Annotated[str | None, typer.Option(help="acknowledged, rated, supplier-accepted, declined, … (see the life cycle).")] = None,
    dod_ref: Annotated[str | None, typer.Option("--dod-ref", help="DoD's reference for the request.")] = None,
    rating: Annotated[str | None, typer.Option(help="DPAS rating granted, e.g. DO-A1 or DX-A7.")] = None,
    rated_on: Annotated[str | None, typer.Option("--rated-on", help="Day the rated order reached the supplier (default: today); starts its deadline.")] = None,
    committed_date: Annotated[str | None, typer.Option("--committed-date", help="Supplier's new committed delivery date.")] = None,
    follow_up: Annotated[str | None, typer.Option("--follow-up", help="Next follow-up date.")] = None,
    note: Annotated[str | None, typer.Option(help="A note for the record.")] = None,
    db: DbOption = None,
) -> None:
    """Record DoD's and the supplier's answers and move the request along its life cycle.

    A rating starts the supplier's accept-or-reject deadline: 15 US working days for DO,
    10 for DX (15 CFR 700.13).

    Example: sosa request update R-0001 --status rated --rating DO-A1 --dod-ref "DoD-IBP-2026-0142"
    """
    from ..requests import update as update_request

    found = update_request(
        open_desk(db),
        request,
        status=status,
        dod_ref=dod_ref,
        rating=rating,
        committed_date=committed_date,
        follow_up_on=follow_up,
        note=note,
        rated_on=rated_on,
    )
    if found.supplier_deadline and (rating or rated_on):
        message(
            _("Updated {key}: {status}; supplier must accept or reject by {date}.").format(key=found.key, status=found.status, date=found.supplier_deadline)
        )
    else:
        message(_("Updated {key}: {status}.").format(key=found.key, status=found.status))


@app.command()
def close(
    request: RequestKey,
    outcome: Annotated[str, typer.Option(help="resolved, partial, unresolved or withdrawn.")],
    note: Annotated[str | None, typer.Option(help="A note for the record.")] = None,
    db: DbOption = None,
) -> None:
    """Close a request and settle its delays (withdrawn hands them back as open).

    Then issue the outcome notice with `sosa letter render outcome R-…`.

    Example: sosa request close R-0001 --outcome resolved
    """
    from ..requests import close as close_request

    found = close_request(open_desk(db), request, outcome, note=note)
    settled = ", ".join(f"{d.key} {d.status}" for d in found.delays)
    message(_("{key} is {state}; delays: {delays}.").format(key=found.key, state=state(found.status, found.outcome), delays=settled))


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    company: Annotated[str | None, typer.Option(help="Only this company's requests.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only requests past their follow-up date.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List requests, filtered by status, company or an overdue follow-up.

    Example: sosa request list --overdue
    """
    from ..requests import list_requests

    rows = [_row(r) for r in list_requests(open_desk(db), status=status, company=company, overdue=overdue)]
    print_table(rows, LIST_COLUMNS, as_json=as_json, title=count(len(rows), "{n} request", "{n} requests"), empty=_("no requests match"))


@app.command()
def show(request: RequestKey, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show a request: its delays, state, deadlines, letters and history.

    Example: sosa request show R-0001
    """
    from ..letters import list_letters
    from ..requests import ACTIONS, get_request
    from .history import record_history

    conn = open_desk(db)
    found = get_request(conn, request)
    data = _row(found)
    letters = [letter.as_dict() for letter in list_letters(conn, record=found.key)]
    data["letters"] = letters
    data["history"], history_section = record_history(conn, found.key)
    follow_up = found.follow_up_on or ""
    if found.follow_up_overdue:
        follow_up = _("{date} (overdue)").format(date=follow_up)
    fields = [
        (N_("Key"), found.key),
        (N_("Status"), state(found.status, found.outcome, of="request")),
        (N_("Company"), f"{found.company_key} {found.company_name}"),
        (C_("request", "Action"), _(ACTIONS[found.action])),
        (N_("Urgency"), code(found.urgency, "urgency")),
        (N_("DoD reference"), found.dod_ref),
        (N_("Sent"), found.sent_on),
        (N_("Follow up"), follow_up),
        (N_("Rating"), found.rating and _("{rating} recorded {date}").format(rating=found.rating, date=found.rated_on)),
        (N_("Supplier must accept or reject by"), found.supplier_deadline),
        (N_("Supplier committed date"), found.committed_date),
        (N_("Closed"), found.closed_on),
        (N_("Note"), found.note),
    ]
    print_card(
        _("{key} request to DoD").format(key=found.key),
        fields,
        data=data,
        as_json=as_json,
        sections=[(N_("Delays"), data["delays"], DELAY_COLUMNS), (N_("Letters"), letters, LETTER_COLUMNS), history_section],
    )
