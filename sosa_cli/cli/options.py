"""Options every command shares, and the one way a command opens the desk database."""

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import _
from .clicks import Command, Context, Parameter, get_current_context

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


def confirm(question: str, yes: bool, *, refusal: str, hint: str) -> None:
    """Ask on a terminal; `--yes` answers; without a terminal, refuse in one line naming --yes."""
    from ..errors import SosaError
    from .output import message, stdin_is_terminal

    if yes:
        return
    if not stdin_is_terminal():
        raise SosaError(_("{refusal}, and there is no terminal to confirm on").format(refusal=refusal), hint=hint)
    if not typer.confirm(question, default=False, err=True):
        message(_("Nothing was done."))
        raise typer.Exit(1)


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

    message(_("waiting for another sosa command to finish writing…"))


def given(values: dict, fields) -> dict:
    """The options the officer gave among a record's `fields` (None or [] means not given).

    Commands call it with `locals()`: their parameters are named after the fields.
    """
    return {k: values[k] for k in fields if values.get(k) is not None and values[k] != []}


def option_name(field: str) -> str:
    return "--" + field.replace("_", "-")


# The terminal habits every command shares, given on the command or at the top
# (`sosa --quiet relay …`): (option, help, which commands take it).
HABITS = [
    ("--quiet", "Print only data and errors: no messages, no progress bars (or SOSA_QUIET=1).", "all"),
    ("--no-header", "Leave the header row out of tab-separated output.", "data"),
    ("--no-pager", "Never page long output on a terminal (PAGER, default `less -FRX`).", "data"),
]


def _remember(ctx: Context, param: Parameter, value: bool) -> None:
    if value and param.name:
        ctx.meta[f"sosa.{param.name}"] = True


def add_habits(command: Command, *, top: bool = False, path: str = "") -> None:
    """Give `command` (and every command under it) the shared habits it lacks: `--quiet`
    everywhere, `--no-header`/`--no-pager` where data is printed (a `--json` command);
    the top level takes all three; and the values its options take, for help and shell
    completion (complete.attach). Done once per command, when it is first looked up."""
    if getattr(command, "_sosa_habits", False):
        return
    command._sosa_habits = True  # type: ignore[attr-defined]
    try:
        _add_habits(command, top=top, path=path)
    finally:
        from .language import translate

        translate(command)


def _add_habits(command: Command, *, top: bool, path: str) -> None:
    from typer.core import TyperOption

    subcommands = getattr(command, "commands", None)
    if subcommands is not None:
        for name, sub in subcommands.items():
            add_habits(sub, path=f"{path} {name}".strip())
        if not top:
            return
    else:
        from .complete import attach

        attach(command, path)
    prints_data = top or any(p.name == "as_json" for p in command.params)
    names = {opt for p in command.params for opt in getattr(p, "opts", ())}
    for flag, text, where in HABITS:
        if flag not in names and (where == "all" or prints_data):
            command.params.append(TyperOption(param_decls=[flag], is_flag=True, default=False, expose_value=False, callback=_remember, help=text))
