"""The command line in the officer's language: help texts, click's own words, usage errors.

Help texts stay plain English strings in the Typer decorators and docstrings, where a
reader of the code expects them. When a command is first looked up (options.add_habits)
its help, its short help and its options' help are replaced by their translation
(`translate`); `tools/messages.py extract` collects the same strings from the same tree
(`texts`), so the catalog holds every one of them.

Typer's copy of click words its usage errors in English f-strings, not through gettext.
`usage_message` rewords each kind of error from the exception's own attributes, and the
words click puts in a help page ("Usage:", "Options", "[default: …]") come through
`Formatter` and `typer.core`'s gettext hook.
"""

import re
from collections.abc import Iterator
from typing import Any

from ..i18n import N_, _
from .clicks import Command, Context, HelpFormatter, UsageError

# What typer.core passes to gettext (its `_`), listed so that Babel extracts them.
TYPER_WORDS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Show this message and exit."),
)

# click's usage errors as typer._click words them, most specific first. `{name}` stands
# for any text; the Japanese puts it where Japanese puts it.
CLICK_MESSAGES = (
    N_("Invalid value for {name}: {reason}"),
    N_("Invalid value: {reason}"),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
    N_("Missing parameter {name}."),
    N_("Missing argument {name}. Choose from: {choices}"),
    N_("Missing option {name}. Choose from: {choices}"),
    N_("No such option: {name} (Possible options: {choices})"),
    N_("No such option: {name}"),
    N_("Missing command."),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {n} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {n} values."),
    N_("{value} is not one of {choices}."),
    N_("{value} is not a valid integer."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid boolean. Recognized values: {choices}"),
    N_("{value} is not in the range {range}."),
    N_("{value} does not match the formats {formats}."),
    N_("{value} is not a valid UUID."),
    N_("{value}: {reason}"),
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)(?:![rs])?\}", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(regex, re.DOTALL)


_PATTERNS = [(template, _pattern(template)) for template in CLICK_MESSAGES]


def reword(text: str) -> str:
    """One of click's messages in the officer's language; anything else as it is."""
    text = " ".join(text.replace("\n\t", " ").split())  # "Choose from:\n\ta, b" on one line
    for template, pattern in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            values = found.groupdict()
            if "reason" in values:
                values["reason"] = reword(values["reason"])
            return _(template).format(**values)
    return text


def usage_message(exc: UsageError) -> str:
    """A usage error's one line, in the officer's language, without its final stop."""
    return reword(exc.format_message()).rstrip(".。")


class Formatter(HelpFormatter):
    """click's help page with its own words translated: "Usage:" and the help option's."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _(text) if text else text) for term, text in rows], col_max, col_spacing)


N_("Usage: ")


def install() -> None:
    """Point typer.core's gettext at sosa's catalog and click's help pages at `Formatter`."""
    import typer.core

    typer.core._ = _
    Context.formatter_class = Formatter


def texts(command: Command) -> Iterator[str]:
    """Every help text `command` shows of its own (not its subcommands')."""
    for text in (command.help, command.short_help, command.epilog):
        if text:
            yield text
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            yield text


def translate(command: Command) -> None:
    """Put `command`'s help texts in the officer's language (once: the tree is built per run)."""
    if getattr(command, "_sosa_language", False):
        return
    command._sosa_language = True  # type: ignore[attr-defined]
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute)
        if text:
            setattr(command, attribute, _(text))
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            param.help = _(text)  # type: ignore[attr-defined]


def all_commands(command: Command, ctx: Context | None = None) -> Iterator[Command]:
    """`command` and every command under it, the lazily kept ones loaded."""
    yield command
    group: Any = command
    if hasattr(group, "list_commands"):
        for name in group.list_commands(ctx):
            sub = group.get_command(ctx, name)
            if sub is not None:
                yield from all_commands(sub, ctx)
