"""Options every command shares, and the one way a command opens the desk database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import click
import typer

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="SOSA_DB", help="Database file (default: `sosa db path`).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON with stable keys instead of a table.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Answer yes to every confirmation.")]


def command_path() -> str:
    ctx = click.get_current_context(silent=True)
    return ctx.command_path if ctx else "sosa"


def open_desk(db: Path | None, *, create: bool = True):
    """Open the database named by --db / SOSA_DB / the top-level --db / the default."""
    from ..store import open_db

    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    if db is None and root is not None and root.obj:
        db = root.obj.get("db")
    return open_db(db, command=command_path(), create=create)
