"""How commands show what they return: tables and cards on a terminal, tab-separated
lines when piped, stable JSON with `--json`. Data goes to stdout, messages to stderr.

User text is never read as Rich markup: every value is printed as a `Text`, so a note
saying `[urgent]` prints as typed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..words import count, noun, part_of

__all__ = ["count", "message", "noun", "part_of", "print_card", "print_json", "print_letter", "print_table", "progress", "state"]

Column = tuple[str, str]  # (key in the record, header on the terminal)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def check_letter_destination(fmt: str, out: object, *, several: bool = False) -> None:
    """Refuse, before a number is issued, to print a Word or PDF letter on a terminal.

    Its bytes would scramble the terminal and the letter would be lost; piped
    (`--out - > letter.pdf`) they are written as they are. Several such letters (a
    relay batch) cannot share one stream at all.
    """
    from ..errors import SosaError

    if out is None or str(out) != "-" or fmt not in ("docx", "pdf"):
        return
    if several:
        raise SosaError(f"several {fmt} letters cannot go to one stream", hint="give --out FOLDER, or leave --out out for the letters folder")
    if stdout_is_terminal():
        raise SosaError(
            f"a {fmt} letter is a binary file and is not printed on a terminal",
            hint=f"give --out FILE or a folder, or redirect: --out - > letter.{fmt}",
        )


def print_letter(content: str | bytes) -> None:
    """A letter or export given with `--out -`: text as text, a Word or PDF file as its bytes.

    Handed to the domain as its `emit` so it runs inside the command's transaction: a
    letter that cannot be written (a closed pipe, a full disk) refuses the command, and
    the letter is not issued nor the export recorded. Flushed here, not at exit, so the
    failure is seen while the transaction can still roll back.
    """
    from ..errors import SosaError

    try:
        if isinstance(content, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(content)
            sys.stdout.flush()
    except OSError as exc:
        silence_stdout()
        raise SosaError(
            f"cannot write to standard output: {exc.strerror or exc}; nothing was issued or recorded",
            hint="write to a file with --out FILE",
        ) from None


def letter_sink(out: object) -> Callable[[str | bytes], None] | None:
    """The `emit` for a domain call: print_letter when `--out -`, else None (files)."""
    return print_letter if out is not None and str(out) == "-" else None


def silence_stdout() -> None:
    """Point standard output at /dev/null once writing to it has failed.

    Python flushes stdout again at exit; what is left in its buffer would fail again
    and print "Exception ignored …" under the one-line error (the Python docs' advice
    for SIGPIPE, in the signal module's notes).
    """
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a test runner's in-memory stream
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    finally:
        os.close(devnull)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, no_color=bool(os.environ.get("NO_COLOR")) or None)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def _plain(value: Any) -> str:
    # A tab or newline inside a value would break the line-per-record contract.
    return _cell(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def state(status: str, detail: str | None) -> str:
    """`withdrawn (company request)`: a status and what it came with, the detail left out
    where it would only say the status again ("withdrawn", never "withdrawn (withdrawn)")."""
    return f"{status} ({detail})" if detail and detail != status else status


def message(text: str) -> None:
    """A message for the officer (stderr), never data."""
    from .clicks import echo

    echo(text, err=True)


def print_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    as_json: bool = False,
    title: str | None = None,
    empty: str = "nothing to show",
) -> None:
    if as_json:
        print_json(list(rows))
        return
    if not stdout_is_terminal():
        for row in rows:
            sys.stdout.write("\t".join(_plain(row.get(key)) for key, _ in columns) + "\n")
        return
    if not rows:
        message(empty)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, title_justify="left", header_style="bold")
    for _, header in columns:
        table.add_column(Text(header))
    for row in rows:
        table.add_row(*(Text(_cell(row.get(key))) for key, _ in columns))
    _console().print(table)


Section = tuple[str, Sequence[dict[str, Any]], Sequence[Column]]


def print_card(
    title: str,
    fields: Sequence[tuple[str, Any]],
    *,
    data: dict[str, Any],
    as_json: bool = False,
    sections: Iterable[Section] = (),
) -> None:
    """One record: a card on a terminal, `label<TAB>value` lines when piped."""
    if as_json:
        print_json(data)
        return
    sections = list(sections)
    if not stdout_is_terminal():
        for label, value in fields:
            sys.stdout.write(f"{label}\t{_plain(value)}\n")
        for name, rows, columns in sections:
            for row in rows:
                sys.stdout.write("\t".join([name] + [_plain(row.get(k)) for k, _ in columns]) + "\n")
        return
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in fields:
        grid.add_row(Text(label), Text(_cell(value)))
    parts: list[Any] = [grid]
    for name, rows, columns in sections:
        if not rows:
            continue
        table = Table(title=Text(name), title_justify="left", header_style="bold", expand=False)
        for _, header in columns:
            table.add_column(Text(header))
        for row in rows:
            table.add_row(*(Text(_cell(row.get(k))) for k, _ in columns))
        parts.append(table)
    _console().print(Panel(Group(*parts), title=Text(title), title_align="left"))


@contextmanager
def progress(label: str, total: int, *, threshold: int = 50) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long jobs on a terminal; silent otherwise."""
    if total < threshold or not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)
