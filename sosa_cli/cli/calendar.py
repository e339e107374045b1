"""`sosa calendar`: every deadline sosa knows, as an iCalendar file for Outlook and the like."""

from typing import Annotated

import typer

from ..i18n import _
from .options import DbOption, ForceOption, open_desk, out_option
from .output import count, message, print_letter


def calendar(
    out: Annotated[str | None, typer.Option("--out", help="File or folder (DIR/) to write, e.g. deadlines.ics; - or omitted: stdout.")] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Write every deadline as an iCalendar (.ics) file to import into Outlook or any calendar.

    Companies' answer-by dates, DoD's reply-by dates, US suppliers' DPAS deadlines to
    accept or reject a rated order, and request follow-ups: each an all-day event on its
    Japan date, naming the record, the company and what to do. Import a newer file over
    an older one: the events keep their UIDs and are updated, and a deadline met since is
    marked cancelled.

    Example: sosa calendar --out ~/sosa/deadlines.ics
    """
    from ..calendar_export import export

    conn = open_desk(db)
    result = export(conn, out_option(out, force))
    if result.destination == "stdout":
        print_letter(result.content)
    else:
        typer.echo(result.destination)
    met = len(result.deadlines) - result.open
    shown = {
        "open": count(result.open, "{n} open deadline", "{n} open deadlines"),
        "met": count(met, "{n} met one", "{n} met ones"),
        "destination": result.destination,
    }
    if result.destination == "stdout":
        said = _("Wrote {open} and {met} marked cancelled.") if met else _("Wrote {open}.")
    else:
        said = _("Wrote {open} and {met} marked cancelled to {destination}.") if met else _("Wrote {open} to {destination}.")
    message(said.format(**shown))
