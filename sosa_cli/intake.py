"""Enrollment and delays from CSV and Excel: `sosa enroll --from FILE`, `sosa delay add --from FILE`.

A file's headers are the YAML keys (`name_ja`, `corporate_number`, `contact_email` …) or
the Japanese headers the internal export writes (`columns.py`), so a workbook the desk
exported enrolls again unchanged. Rows are read one at a time, checked one at a time and
written in one transaction as they come: memory stays flat for 100,000 rows. A large file
of companies is read and checked by a child process (forked.py) while the command writes
the rows already checked: the two halves of the work run side by side. Every
problem in the file is reported at once, as `file:row:column: header: what is wrong`
(row and column as the spreadsheet shows them: the header is row 1, the first column A);
if there is one, nothing is written.

A number typed into a cell reaches sosa as a double: a 13-digit 法人番号 is below 2**53,
so it is recovered digit for digit (and its check digit still checked); a phone number
typed as a number has lost its leading 0 and is refused. A CSV saved by Excel may hold
`1.18E+12`, whose digits are gone: refused, saying how to keep them.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from . import columns, forked, importing
from .errors import SosaError
from .exporting import FORMULA_STARTS
from .fields import Invalid, Problem
from .i18n import _
from .words import count

# Problems listed before the rest are only counted: the first hundreds say what is wrong.
MAX_LISTED = 200
_SHORTENED = re.compile(r"^\s*[+-]?\d+(\.\d+)?[eE][+-]?\d+\s*$")


@dataclass
class CellProblem(Problem):
    """A problem in one cell: `file:row:column: header: what is wrong`."""

    column: str | None = None

    def where(self, source: str | None) -> str:
        return ":".join(str(p) for p in (source, self.line, self.column) if p is not None)


@dataclass
class Sheet:
    """A file's header, understood: which column holds which field."""

    source: str
    keys: list[str | None]  # per column: the field, or None for a column to read past
    headers: list[str]  # as written
    problems: list[CellProblem] = field(default_factory=list)
    # A CSV from sosa's exports carries `'` before a value Excel would read as a formula
    # (`'=…`, `'+81…`): read it back as the value itself, so the round trip is exact.
    unquote: bool = False
    skip: tuple[str, ...] = ()  # columns read past: the register's own (key, status)

    def where(self, key: str) -> tuple[str, str | None]:
        """The header as written and the column letter of field `key`."""
        if key in self.keys:
            index = self.keys.index(key)
            return self.headers[index], importing.column_letter(index)
        return key, None


def _header(row: list[Any], source: str, vocabulary: Mapping[str, str], required: tuple[str, ...], skip: tuple[str, ...]) -> Sheet:
    known = columns.header_map(dict(vocabulary))
    sheet = Sheet(source, [], [], skip=skip)
    for index, cell in enumerate(row):
        header = importing.cell_text(cell) or ""
        header = header.strip().lstrip("\ufeff")
        sheet.headers.append(header)
        key = known.get(header) or known.get(header.lower())
        letter = importing.column_letter(index)
        if not header:
            sheet.keys.append(None)
            continue
        if key is None:
            unknown = _("unknown column (known: {known}, or their Japanese headers)").format(known=", ".join(vocabulary))
            sheet.problems.append(CellProblem(header, unknown, 1, letter))
        elif key in sheet.keys:
            first = importing.column_letter(sheet.keys.index(key))
            sheet.problems.append(CellProblem(header, _("the same column as {column}").format(column=first), 1, letter))
            key = None
        sheet.keys.append(key)
    for key in required:
        if key not in sheet.keys:
            missing = _("no column {key} or {header}: every row needs it").format(key=key, header=vocabulary[key])
            sheet.problems.append(CellProblem(vocabulary[key], missing, 1, None))
    return sheet


def _rows(stream: BinaryIO, source: str, fmt: str) -> Iterator[list[Any]]:
    if fmt == "csv":
        return importing.csv_rows(stream, source)
    if fmt == "xlsx":
        return importing.xlsx_rows(stream, source)
    raise SosaError(_("{format!r} is not a spreadsheet format").format(format=fmt), hint=_("use csv or xlsx"))


def _open_sheet(
    stream: BinaryIO,
    source: str,
    fmt: str,
    vocabulary: Mapping[str, str],
    required: tuple[str, ...],
    skip: tuple[str, ...],
    *,
    example: str | None = None,
) -> tuple[Sheet, Iterator[list[Any]]]:
    """The header row of a CSV or xlsx file, read and checked, and the rows below it; a file
    without a single row is refused, naming the columns its first row should (`example`,
    else the required ones)."""
    rows = _rows(stream, source, fmt)
    first = next(rows, None)
    if first is None:
        raise SosaError(
            _("{source}: the file holds no rows").format(source=source),
            hint=_("the first row names the columns: {columns}, …").format(columns=example or ", ".join(required)),
        )
    sheet = _header(first, source, vocabulary, required, skip)
    sheet.unquote = fmt == "csv"
    return sheet, rows


def _cells(sheet: Sheet, row: list[Any], number: int, problems: list[CellProblem], text_only: frozenset[str]) -> dict[str, str]:
    """A row's non-empty cells by field, as text; a cell that cannot be text is a problem."""
    values: dict[str, str] = {}
    for index, cell in enumerate(row):
        key = sheet.keys[index] if index < len(sheet.keys) else None
        if cell is None or key in sheet.skip:
            continue
        if key is None:
            if str(cell).strip():
                stray = _("a value in a column without a header: name the column in row 1, or clear it")
                problems.append(CellProblem(_("(no header)"), stray, number, importing.column_letter(index)))
            continue
        try:
            # A CSV's cells are text already; a workbook's may be numbers or dates.
            text = cell if cell.__class__ is str else importing.cell_text(cell, number_as_text=key not in text_only)
        except SosaError as exc:
            problems.append(CellProblem(sheet.headers[index], exc.message, number, importing.column_letter(index)))
            continue
        if text is None or not text.strip():
            continue
        if sheet.unquote and text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]
        if key in columns.TEXT_COLUMNS and _SHORTENED.match(text):
            problems.append(
                CellProblem(
                    sheet.headers[index],
                    _("{value} is a number Excel shortened, its digits lost: format the column as text (文字列) and type it again").format(value=text.strip()),
                    number,
                    importing.column_letter(index),
                )
            )
            continue
        values[key] = text
    return values


def _placed(
    sheet: Sheet, found: list[Problem], number: int, to_key: Callable[[str], str] = lambda f: f, already: Sequence[CellProblem] = ()
) -> list[CellProblem]:
    """Problems from the field rules, placed in their row and the column of their field;
    a cell already reported (`already`: it could not be read) is not reported again."""
    placed = []
    seen = {p.column for p in already}
    for problem in found:
        header, letter = sheet.where(to_key(problem.field))
        if letter is None or letter not in seen:
            placed.append(CellProblem(header, problem.message, number, letter, hint=problem.hint))
    return placed


def _in_order(found: list[CellProblem]) -> list[CellProblem]:
    """A row's problems from its first column to its last; those of no column (one missing) last."""
    return sorted(found, key=lambda p: (p.column is None, len(p.column or ""), p.column or ""))


def refuse(problems: list[CellProblem], source: str, rows: int, what: str) -> None:
    """Every problem, a line each (the first MAX_LISTED), then a one-line summary; nothing
    written. `what`: "enrolled" (companies) or "recorded" (delays)."""
    if not problems:
        return
    listed = [p.render(source) for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        listed.append(count(len(problems) - MAX_LISTED, "… and {n} more problem", "… and {n} more problems"))
    found = count(len(problems), "{n} problem", "{n} problems")
    if rows == 0:
        summary = (
            _("{source}: {problems} in the header row; nothing was enrolled")
            if what == "enrolled"
            else _("{source}: {problems} in the header row; nothing was recorded")
        )
    else:
        summary = (
            _("{source}: {problems} in {bad} of {rows}; nothing was enrolled")
            if what == "enrolled"
            else _("{source}: {problems} in {bad} of {rows}; nothing was recorded")
        )
    bad_rows = len({p.line for p in problems})
    summary = summary.format(source=source, problems=found, bad=count(bad_rows, "{n} row", "{n} rows"), rows=count(rows, "{n} row", "{n} rows"))
    raise SosaError("\n".join([*listed, summary]))


# --- companies ------------------------------------------------------------------------


def _company_raw(values: Mapping[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    contact: dict[str, str] = {}
    for key, value in values.items():
        if key.startswith(columns.CONTACT_PREFIX):
            contact[key.removeprefix(columns.CONTACT_PREFIX)] = value
        elif key in columns.LIST_COLUMNS:
            raw[key] = columns.split_list(value)
        else:
            raw[key] = value
    if contact:
        raw["contacts"] = [contact]
    return raw


def _company_column(field_name: str) -> str:
    # contacts.1.email → contact_email; contacts (a contact without a name) → contact_name
    if field_name.startswith("contacts.1."):
        return columns.CONTACT_PREFIX + field_name.removeprefix("contacts.1.")
    return field_name


@dataclass
class Planned:
    """What intake did, or would do, with one row."""

    row: int
    name_ja: str
    name_en: str
    corporate_number: str
    outcome: str  # enrolled, applied, or re-enroll
    key: str | None = None
    back: Any = None  # enrollment.Return, for a withdrawn company enrolled again


def enroll_file(
    conn: sqlite3.Connection,
    stream: BinaryIO,
    source: str,
    fmt: str,
    *,
    dry_run: bool = False,
    returning: bool = False,
    notify: str | None = None,
) -> tuple[list[Planned], list]:
    """Enroll every row of a CSV or xlsx file, all or nothing; with `dry_run`, write nothing.

    A row whose 法人番号 belongs to a withdrawn company re-enrolls it when `returning`
    confirms it, and is refused otherwise (`Unconfirmed`, as for YAML). `notify`: the
    format of each enrolled company's notice (通知), issued in the same transaction.
    Returns the plan of each row and the notices issued.
    """
    from . import enrollment
    from .clock import now_utc
    from .store import transaction

    sheet, rows = _open_sheet(stream, source, fmt, columns.COMPANY, ("name_ja", "name_en", "corporate_number"), columns.COMPANY_READ_ONLY)
    refuse(sheet.problems, source, 0, "enrolled")
    problems: list[CellProblem] = []
    plans: list[Planned] = []
    seen: dict[str, int] = {}
    number = 1
    # A dry run reads the register and writes nothing, so takes no write lock.
    with contextlib.nullcontext(conn) if dry_run else transaction(conn), contextlib.nullcontext() if dry_run else enrollment.search_index_in_bulk(conn):
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM companies").fetchone()[0]
        stamp = now_utc()
        # The 法人番号 already registered, read once (the write lock is held): only a row
        # with one of them needs `sort_out`'s look at the register.
        registered = {number for (number,) in conn.execute("SELECT corporate_number FROM companies")}
        each_row = _checked_companies(sheet, rows)
        # A dry run writes nothing: checking beside it would only add the pipe's cost.
        checked = forked.iterate(lambda: each_row) if not dry_run and _beside(stream) else each_row
        for number, record, found in checked:
            if record is None and not found:
                continue  # a blank row, as spreadsheets end with
            returns: dict[int, Any] = {}
            if record is not None and not found:
                corporate = record.values["corporate_number"]
                if corporate in seen:
                    again = _("法人番号 {number} is also in row {row}").format(number=corporate, row=seen[corporate])
                    found.extend(_placed(sheet, [Problem("corporate_number", again)], number))
                elif corporate not in registered:
                    seen[corporate] = number
                else:
                    seen[corporate] = number
                    try:
                        returns = enrollment.sort_out(conn, [record])
                    except Invalid as exc:
                        found.extend(_placed(sheet, exc.problems, number))
            problems.extend(_in_order(found))
            if found or record is None:
                continue
            values_in = record.values
            plan = Planned(number, values_in["name_ja"], values_in["name_en"], values_in["corporate_number"], enrollment.initial_status(values_in))
            if returns:
                plan.outcome, plan.back = "re-enroll", returns[0]
                plan.key = plan.back.key
            plans.append(plan)
            if problems or dry_run:
                continue
            if plan.back is None:
                plan.key = enrollment.insert_new(conn, record, next_id, stamp)
                next_id += 1
            elif returning:
                enrollment.re_enroll(conn, plan.back, stamp)
        refuse(problems, source, number - 1, "enrolled")
        if not plans:
            raise SosaError(_("{source}: no companies below the header row").format(source=source), hint=_("add a row per company"))
        if dry_run:
            return plans, []
        if not returning:
            backs = [p.back for p in plans if p.back is not None]
            try:
                enrollment.refuse_unconfirmed(dict(enumerate(backs)))
            except SosaError as exc:
                raise Unconfirmed(exc.message, hint=exc.hint, returns=backs) from None
        notices = _notices(conn, plans, notify) if notify else []
    return plans, notices


# A file this large is read and checked beside the command (forked.py) while it writes the
# rows before: below it, starting the child costs more than it saves.
BESIDE_FROM_BYTES = 1 << 20


def _beside(stream: BinaryIO) -> bool:
    """Whether the rows of `stream` are read and checked in a child process."""
    try:
        size = os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):  # not a file of the disk (standard input, a test's bytes)
        return False
    return size >= BESIDE_FROM_BYTES and forked.available()


def _checked_companies(sheet: Sheet, rows: Iterator[list[Any]]) -> Iterator[tuple[int, Any, list[CellProblem]]]:
    """Each row checked by itself: (row number, the company, or None, and its problems).

    A blank row gives (number, None, []). What needs the register (a 法人番号 already in
    it, or twice in the file) is the caller's to check.
    """
    from . import enrollment

    text_only = frozenset({"contact_phone"})
    for number, row in enumerate(rows, start=2):
        found: list[CellProblem] = []
        values = _cells(sheet, row, number, found, text_only)
        if not values and not found:
            yield number, None, found
            continue
        record, invalid = enrollment.validate_company(_company_raw(values), {"": number})
        found.extend(_placed(sheet, invalid, number, _company_column, found))
        yield number, record, found


class Unconfirmed(SosaError):
    """Withdrawn companies in the file, not confirmed: nothing was written."""

    def __init__(self, message: str, *, hint: str | None, returns: list):
        super().__init__(message, hint=hint)
        self.returns = returns


def _notices(conn: sqlite3.Connection, plans: list[Planned], fmt: str) -> list:
    """Each enrolled company's notice (通知), inside the intake's transaction."""
    from . import config, issuing
    from .register import get_company

    profile = config.load()
    companies = [get_company(conn, p.key) for p in plans if p.key and p.outcome != "applied"]
    return issuing.enrollment_notices(conn, companies, profile=profile, fmt=fmt)


# --- delays ---------------------------------------------------------------------------


def add_delays_file(conn: sqlite3.Connection, stream: BinaryIO, source: str, fmt: str, *, dry_run: bool = False) -> list[tuple[int, Any]]:
    """Record every row of a CSV or xlsx file as a delay, all or nothing, by the rules of
    `sosa delay add`; returns (row, the recorded Delay, or its checked values in a dry run)."""
    from . import delays
    from .register import get_company
    from .store import transaction

    sheet, rows = _open_sheet(stream, source, fmt, columns.DELAY, ("supplier", "need_date", "promised_date"), (), example="company, supplier, need_date")
    if "company" not in sheet.keys and "corporate_number" not in sheet.keys:
        missing = _("no column company (参加企業) or corporate_number (法人番号): every delay names its company")
        sheet.problems.append(CellProblem(columns.DELAY["company"], missing, 1))
    refuse(sheet.problems, source, 0, "recorded")
    problems: list[CellProblem] = []
    added: list[tuple[int, Any]] = []
    number = 1
    with contextlib.nullcontext(conn) if dry_run else transaction(conn):
        for number, row in enumerate(rows, start=2):
            found: list[CellProblem] = []
            values: dict[str, Any] = _cells(sheet, row, number, found, frozenset())
            if not values and not found:
                continue
            by_number = values.pop("corporate_number", None)
            company_field = "company" if "company" in values else "corporate_number"
            values.setdefault("company", by_number)
            if values["company"] is None:
                header, letter = sheet.where("company" if "company" in sheet.keys else "corporate_number")
                found.append(CellProblem(header, _("is required: the company's key (C-0001) or 法人番号"), number, letter))
                values.pop("company")
            checked: dict[str, Any] | None = None
            try:
                checked = delays.validate(values)
            except Invalid as exc:
                found.extend(_placed(sheet, [p for p in exc.problems if p.field != "company" or "company" in values], number, already=found))
            if "company" in values:
                try:
                    company = get_company(conn, values["company"])
                    if company.status != "enrolled":
                        raise SosaError(delays.not_enrolled(company))
                except SosaError as exc:
                    found.extend(_placed(sheet, [Problem(company_field, exc.message)], number))
            problems.extend(_in_order(found))
            if found or problems or checked is None:
                continue
            added.append((number, checked if dry_run else delays.add(conn, values)))
        refuse(problems, source, number - 1, "recorded")
        if not added:
            raise SosaError(_("{source}: no delays below the header row").format(source=source), hint=_("add a row per delay"))
    return added
