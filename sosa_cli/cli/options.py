"""Options every command shares, and the one way a command opens the desk database."""

from pathlib import Path
from typing import Annotated

import typer

from .clicks import get_current_context

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file; else $SOSA_DB; else `sosa db path`.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON with stable keys instead of a table.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Answer yes to every confirmation.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace a file already at --out (never a link, a device or a folder).")]


def out_option(out: str | None, force: bool):
    """`--out` and `--force` as the one value the domain passes down to the file it writes."""
    from ..files import out_option as carrying

    return carrying(out, force)


def command_path() -> str:
    ctx = get_current_context(silent=True)
    return ctx.command_path if ctx else "sosa"


def open_desk(db: Path | None, *, create: bool = False):
    """Open the database named by --db / SOSA_DB / the top-level --db / the default.

    Only `init` and `enroll` create a missing database: anything else at a mistyped
    path would otherwise show an empty register and leave a stray file behind. A write
    that has to wait for another command's write lock says so on stderr after a second.
    """
    from ..store import open_db

    ctx = get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    if db is None and root is not None and root.obj:
        db = root.obj.get("db")
    conn = open_db(db, command=command_path(), create=create)
    conn.on_wait = _say_waiting
    return conn


def _say_waiting() -> None:
    """Another officer's command holds the write lock: say why nothing seems to happen."""
    from .output import message

    message("waiting for another sosa command to finish writing…")


def given(values: dict, fields) -> dict:
    """The options the officer gave among a record's `fields` (None or [] means not given).

    Commands call it with `locals()`: their parameters are named after the fields.
    """
    return {k: values[k] for k in fields if values.get(k) is not None and values[k] != []}


def option_name(field: str) -> str:
    return "--" + field.replace("_", "-")
