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

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from ..i18n import N_, _, language
from .clicks import Command, Context, HelpFormatter, UsageError, make_default_short_help

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
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {n} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {n} values."),
    N_("{value} is not one of {choices}."),
    N_("{value} is not a valid integer."),
    N_("{value} is not a valid int range."),
    N_("{value} is not a valid float range."),
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


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    # Compiled when a usage error is met, not at every start-up.
    return [(template, _pattern(template)) for template in CLICK_MESSAGES]


def reword(text: str) -> str:
    """One of click's messages in the officer's language; anything else as it is."""
    text = " ".join(text.replace("\n\t", " ").split())  # "Choose from:\n\ta, b" on one line
    for template, pattern in _patterns():
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


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def cells(text: str) -> int:
    """Terminal cells `text` takes: two for each full-width (Japanese) character."""
    return sum(2 if _wide(c) else 1 for c in text)


# Kinsoku: what may not begin a line (closing brackets, stops) and what may not end one.
_NO_START = set("、。，．・：；？！）」』】〕］｝〉》ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ…,.;:!?)]}")
_NO_END = set("（「『【〔［｛〈《([{")


_TOKEN = re.compile(r"\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|.")


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words or between Japanese
    characters, never before a closing bracket or stop nor after an opening one.
    textwrap breaks only at spaces, and counts a Japanese character as one cell."""
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        if tokens and not tokens[-1].isspace() and (token[0] in _NO_START or tokens[-1][-1] in _NO_END) and not token.isspace():
            tokens[-1] += token
        else:
            tokens.append(token)
    lines: list[str] = []
    line, used = "", 0
    for token in tokens:
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        size = cells(token)
        if line and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _paragraphs(text: str) -> list[str]:
    """The paragraphs of a help text, each on one line: a line break inside a Japanese
    sentence joins without a space, one between English words with a space."""
    joined = []
    for block in re.split(r"\n\s*\n", text.strip()):
        out = ""
        for part in (p.strip() for p in block.splitlines()):
            if out and part and not (_wide(out[-1]) and _wide(part[0])):
                out += " "
            out += part
        joined.append(out)
    return joined


class Formatter(HelpFormatter):
    """click's help page with its own words translated ("Usage:", the help option's), and,
    in Japanese, wrapped by terminal cells rather than by characters and spaces."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_text(self, text: str) -> None:
        if language() == "en":
            return super().write_text(text)
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 20)
        blocks = ["\n".join(indent + line for line in wrap(p, width)) for p in _paragraphs(text)]
        self.write("\n\n".join(blocks) + "\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, _(text) if text else text) for term, text in rows]
        if language() == "en":
            return super().write_dl(rows, col_max, col_spacing)
        first_col = min(max((cells(term) for term, _text in rows), default=0), col_max) + col_spacing
        width = max(self.width - first_col - 2, 10)
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if cells(term) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = [line for p in _paragraphs(text) for line in wrap(p, width)] or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def short_help(text: str, limit: int) -> str:
    """A command's line in a list of commands: click's shortening for English; the first
    sentence of the Japanese, which the list then wraps."""
    if language() == "en":
        return make_default_short_help(text, limit)
    first = _paragraphs(text)[0] if text.strip() else ""
    return first.split("。", 1)[0] + ("。" if "。" in first else "")


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
    if language() != "en" and command.help and not command.short_help:  # click would cut it by characters
        command.short_help = short_help(command.help, 0)
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
