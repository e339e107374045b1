"""`sosa status`: what needs attention today, most urgent first."""

from typing import Annotated

import typer

from ..i18n import N_, _
from .options import DbOption, JsonOption, open_desk
from .output import print_table

COLUMNS = [("due", N_("Due")), ("what", N_("What")), ("record", N_("Record")), ("company", N_("Company")), ("detail", N_("Detail"))]


def print_status(items, *, as_json: bool = False) -> None:
    """The attention list as a table (or JSON); shared with `sosa demo`."""
    rows = [item.as_dict() for item in items]
    if not as_json:
        rows = [{**row, "due": row["due"] or "—"} for row in rows]
    print_table(rows, COLUMNS, as_json=as_json, title=_("Needs attention, most urgent first"), empty=_("nothing needs attention today"))


def status(
    every: Annotated[bool, typer.Option("--all", help="List every item of a long list, not its count and the most urgent few.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What needs attention today, most urgent first.

    Overdue answers to relayed asks, replies due to DoD, request follow-ups, US
    suppliers' DPAS deadlines and draft requests not yet sent. More than 10 of one kind
    show as their count and the 5 most urgent; --all lists every one.

    Example: sosa status --json
    """
    from ..status import attention

    print_status(attention(open_desk(db), every=every), as_json=as_json)
