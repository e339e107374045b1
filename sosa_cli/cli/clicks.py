"""The parts of click that sosa uses, imported here and nowhere else.

Typer ≥ 0.27 ships its own copy of click as `typer._click`, a private module: contexts,
click's exceptions and its helpers come from there, not from the `click` package (another
copy, of another version, which the commands' contexts are not instances of). If Typer
moves or renames it, this is the one file to change.
"""

from typer._click import Command, Context, HelpFormatter, Parameter, echo
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer._click.globals import get_current_context
from typer._click.shell_completion import CompletionItem
from typer._click.utils import make_default_short_help

__all__ = [
    "ClickException",
    "Command",
    "CompletionItem",
    "Context",
    "HelpFormatter",
    "NoArgsIsHelpError",
    "Parameter",
    "UsageError",
    "echo",
    "get_current_context",
    "make_default_short_help",
]
