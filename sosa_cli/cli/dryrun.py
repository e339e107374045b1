"""`--dry-run` for the commands that use up a 文書番号 (relay, ask remind, ask reply,
request send, letter render): the command itself runs, inside one transaction that is
rolled back, with its letter files written nowhere. The plan it shows is what the real
command would do, not what a parallel code path guesses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from ..i18n import N_, _, ngettext
from .output import message, print_table

DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="List the letters that would be issued (kind, addressee, date, answer-by) and write nothing."),
]

PLAN_COLUMNS = [
    ("kind", N_("Kind")),
    ("record", N_("Record")),
    ("company", N_("Company")),
    ("addressee", N_("Addressee")),
    ("letter_date", N_("Date")),
    ("answer_by", N_("Answer by")),
    ("doc_number", N_("文書番号 if issued now")),
]


class _Rehearsed(Exception):
    """Raised at the end of a dry run so that its transaction rolls back."""


def rehearse(conn: Any, work: Callable[[], object]) -> list:
    """Run `work` (the command's domain call) and undo it: the letters it would issue.

    `conn.rehearsal` tells the letter register to collect each letter it issues and to
    write no file (letters.register._write); the outer transaction joins the domain's own
    and rolls back every row and audit entry. A refusal is raised as the command's would be.
    """
    from ..store import transaction

    conn.rehearsal = []
    try:
        with transaction(conn):
            work()
            raise _Rehearsed
    except _Rehearsed:
        pass
    finally:
        letters = conn.rehearsal
        del conn.rehearsal
    return letters


def show_plan(letters: list, *, as_json: bool = False) -> None:
    """The letters a dry run would issue, as a table (stdout), and a line saying nothing was written."""
    rows = [
        {
            "kind": letter.kind,
            "record": letter.record,
            "company": letter.company,
            "addressee": letter.addressee,
            "letter_date": letter.letter_date,
            "answer_by": ((letter.context or {}).get("relay") or {}).get("answer_by"),
            "doc_number": letter.doc_number,
        }
        for letter in letters
    ]
    print_table(rows, PLAN_COLUMNS, as_json=as_json, title=_("Letters that would be issued"), empty=_("no letter would be issued"))
    n = len(rows)
    message(
        ngettext("Dry run: {n} letter would be issued; nothing was written.", "Dry run: {n} letters would be issued; nothing was written.", n).format(
            n=f"{n:,}"
        )
    )


def dry_run(conn: Any, work: Callable[[], object]) -> None:
    """Rehearse `work` and show its plan."""
    show_plan(rehearse(conn, work))
