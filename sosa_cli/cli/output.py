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
from typing import TYPE_CHECKING, Any

from ..i18n import _, strerror
from ..words import count

if TYPE_CHECKING:
    from .codes import Words

__all__ = ["code", "count", "habit", "message", "page", "print_card", "print_json", "print_letter", "print_table", "progress", "state"]

Column = tuple[str, str]  # (key in the record, header on the terminal)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def habit(name: str) -> bool:
    """An officer's switch for this run: `--quiet`, `--no-header` or `--no-pager`, given on
    the command or at the top (`sosa --quiet …`); `SOSA_QUIET=1` for the quiet one."""
    from .clicks import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(f"sosa.{name}"):
        return True
    return name == "quiet" and os.environ.get("SOSA_QUIET", "") not in ("", "0")


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
        raise SosaError(
            _("several {format} letters cannot go to one stream").format(format=fmt), hint=_("give --out FOLDER, or leave --out out for the letters folder")
        )
    if stdout_is_terminal():
        raise SosaError(
            _("a {format} letter is a binary file and is not printed on a terminal").format(format=fmt),
            hint=_("give --out FILE or a folder, or redirect: --out - > letter.{format}").format(format=fmt),
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
            _("cannot write to standard output: {error}; nothing was issued or recorded").format(error=strerror(exc)),
            hint=_("write to a file with --out FILE"),
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


def _code(value: Any) -> str:
    """A value as records and scripts have it: codes as stored, yes / no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_code(v) for v in value)
    return str(value)


def _cell(value: Any, words: Words | None = None) -> str:
    """A value as the officer reads it on a terminal: a code the column knows (`words`)
    or a card marked (codes.Coded), and yes / no, in the officer's language (codes.py)."""
    from .codes import Coded, boolean
    from .codes import word as in_words

    if value is None:
        return ""
    if isinstance(value, Coded):
        return value.shown()
    if isinstance(value, bool):
        return boolean(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v, words) for v in value)
    return str(in_words(words, value))


def _plain(value: Any) -> str:
    # Piped: the codes as stored. A tab or newline inside a value would break the
    # line-per-record contract.
    return _code(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def state(status: str, detail: str | None, *, of: str | None = None) -> str:
    """`withdrawn (company request)`: a status and what it came with, the detail left out
    where it would only say the status again ("withdrawn", never "withdrawn (withdrawn)").

    Piped, the codes as stored; on a terminal, the status in the officer's language
    (参加取りやめ（company request）), in the words of the life cycle `of` ("company",
    "request"…, codes.CYCLES), which also says whether the detail is a code (a request's
    outcome) or free text (a reason as the officer typed it).
    """
    from .codes import CYCLES, STATUS, WITH_DETAIL, coded

    words, detail_words, template = CYCLES.get(of or "", (STATUS, None, WITH_DETAIL))
    if detail and detail != status:
        return coded(template.format(value=status, detail=detail), template, value=(words, status), detail=(detail_words, detail))
    return coded(status, None, value=(words, status))


def code(value: str | None, key: str, detail: str | None = None) -> str | None:
    """A coded value for a card, in the words of the table column `key` (codes.COLUMNS):
    `code(request.urgency, "urgency")`; with a detail as typed, `code(letter.kind, "kind",
    letter.language)` → `relay (ja)`, on a Japanese terminal 協力依頼（ja）."""
    from .codes import COLUMNS, WITH_DETAIL, coded

    if value is None:
        return None
    if detail:
        return coded(WITH_DETAIL.format(value=value, detail=detail), WITH_DETAIL, value=(COLUMNS[key], value), detail=(None, detail))
    return coded(value, None, value=(COLUMNS[key], value))


def message(text: str) -> None:
    """A message for the officer (stderr), never data; silent under `--quiet`."""
    if habit("quiet"):
        return
    from .clicks import echo

    echo(text, err=True)


def print_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    as_json: bool = False,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    if as_json:
        print_json(list(rows))
        return
    if not stdout_is_terminal():
        # A header row as the table has (`--no-header` leaves it out), then a line per
        # record; nothing at all when there is nothing, so `[ -z "$(sosa status)" ]` holds.
        lines = [] if habit("no_header") or not rows else ["\t".join(_plain(_(header)) for _key, header in columns)]
        lines += ["\t".join(_plain(row.get(key)) for key, _header in columns) for row in rows]
        sys.stdout.write("".join(line + "\n" for line in lines))
        return
    if not rows:
        message(empty or _("nothing to show"))
        return
    console = _console()
    _show(_table(rows, columns, width=console.width, title=title), console)


# A record key (C-0001, L-0012), a 法人番号 or an ISO date or time: never cut nor wrapped in a table.
_WHOLE = r"(?:[CDRAL]-\d{4,}|\d{13}|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?: [A-Z]{3})?)?|—)"


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, width: int, title: str | None = None, expand: bool | None = None):
    """A Rich table that stays readable in `width` cells (80 on a small terminal).

    A column of keys or dates is as wide as its widest value, and a text column no
    narrower than the keys and dates in its text, so none is ever cut (a header may wrap);
    the rest of the room goes to the text columns, whose text folds onto more lines. A
    table that cannot fit with borders drops the side borders and column lines.
    """
    import re

    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from .codes import column_words

    # Each cell as the officer reads it: a coded column's values in words (codes.COLUMNS).
    cells = [[_cell(row.get(key), column_words(key, header, row)) for key, header in columns] for row in rows]
    coded = [column_words(key, header) is not None for key, header in columns]
    columns = [(key, _(header)) for key, header in columns]  # headers are marked N_ where they are listed
    musts, floors, wants = [], [], []
    for index, (_key, header) in enumerate(columns):
        values = [line[index] for line in cells]
        want = max(cell_len(v) for v in [*header.split(), *values])
        if any(values) and all(re.fullmatch(_WHOLE, v) for v in values if v):
            must = floor = max(cell_len(v) for v in values)
        else:  # room for a key or date inside the text and the comma after it; a short word (a status) whole if it can be
            must = max([min(want, 3), *(len(token) + 1 for v in values for token in re.findall(_WHOLE, v))])
            floor = max(must, min(want, 10, max((cell_len(word) for v in values for word in v.split()), default=0)))
            wide = [cell_len(v) for v in values if cell_len(v) > len(v)] if coded[index] else []
            if wide:  # a code's Japanese word (参加取りやめ, 12 cells) whole if it can be, else two characters a line, not one
                must = max(must, min(4, max(wide)))
                floor = max([floor, must, *(min(n, 12) for n in wide)])
        musts.append(must)
        floors.append(floor)
        wants.append(max(want, floor))
    style: dict[str, Any] = {}
    chrome = 3 * len(columns) + 1
    if sum(floors) + chrome > width:
        style = {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False, "padding": (0, 0)}
        chrome = len(columns) - 1
    room = width - chrome
    widths = _share(musts, floors, room) if sum(floors) > room else _share(floors, wants, room)
    floors = [w or f for w, f in zip(widths, musts, strict=True)]
    if expand is not None:
        style["expand"] = expand
    table = Table(title=Text(title) if title else None, title_justify="left", header_style="bold", **style)
    for (_key, header), floor, fixed in zip(columns, floors, widths, strict=True):
        table.add_column(Text(header), overflow="fold", min_width=floor if fixed else None, width=fixed)
    for line in cells:
        table.add_row(*(Text(cell) for cell in line))
    return table


def _share(floors: list[int], wants: list[int], room: int) -> list[int | None]:
    """Column widths within `room`: None each (Rich's own layout) when everything fits;
    else each column's floor and a share of what is left in proportion to what it wants."""
    if sum(wants) <= room:
        return [None] * len(floors)
    if sum(floors) >= room:
        return list(floors)
    spare = max(0, room - sum(floors))
    grow = [want - floor for floor, want in zip(floors, wants, strict=True)]
    widths = [floor + (g * spare) // (sum(grow) or 1) for floor, g in zip(floors, grow, strict=True)]
    left = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -grow[i]):
        if left <= 0:
            break
        if widths[i] < wants[i]:
            widths[i] += 1
            left -= 1
    return list(widths)


def _show(renderable: Any, console: Any = None) -> None:
    """Print on the terminal, through the pager when it is taller than the screen."""
    console = console or _console()
    # Never cropped: a table wider than the terminal still has every key and date whole.
    if not _pager_wanted():
        console.print(renderable, crop=False)
        return
    with console.capture() as captured:
        console.print(renderable, crop=False)
    text = captured.get()
    if text.count("\n") < console.height or not page(text):
        sys.stdout.write(text)


def _pager_wanted() -> bool:
    """As git does: only when standard output really is a terminal (never piped, never in
    a test runner's stream), and not with `--no-pager`."""
    if habit("no_pager"):
        return False
    try:
        return os.isatty(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def page(text: str) -> bool:
    """Show `text` through `$SOSA_PAGER`, `$PAGER` or `less -FRX` (with LESS=FRX when unset,
    as git sets it). False when there is no pager to run, so the caller prints it."""
    import shlex
    import shutil
    import subprocess

    command = os.environ.get("SOSA_PAGER", os.environ.get("PAGER", "less -FRX")).strip()
    if command in ("", "cat"):
        return False
    try:
        program = shlex.split(command)[0]
    except ValueError:
        return False
    if shutil.which(program) is None:
        return False
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    sys.stdout.flush()
    pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    assert pager.stdin is not None
    try:
        pager.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
        pager.stdin.close()
    except BrokenPipeError:  # the officer quit the pager before the end
        pass
    while True:
        try:
            pager.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager, as in git
            continue
    return True


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
            sys.stdout.write(f"{_(label)}\t{_plain(value)}\n")
        for name, rows, columns in sections:
            for row in rows:
                sys.stdout.write("\t".join([_(name)] + [_plain(row.get(k)) for k, _key in columns]) + "\n")
        return
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = _console()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in fields:
        grid.add_row(Text(_(label)), Text(_cell(value)))
    parts: list[Any] = [grid]
    for name, rows, columns in sections:
        if rows:
            parts.append(_table(rows, columns, width=console.width - 4, title=_(name), expand=False))
    _show(Panel(Group(*parts), title=Text(title), title_align="left"), console)


@contextmanager
def progress(label: str, total: int, *, threshold: int = 50) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long jobs on a terminal; silent otherwise."""
    if total < threshold or not sys.stderr.isatty() or habit("quiet"):
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
