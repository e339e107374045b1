"""Exporting the register to the US government or to US primes, or for the desk itself.

Only enrolled companies that consented to that recipient go out (the Code of Conduct
makes sharing with the US government and with primes two separate consents), and every
export writes one audit entry: to whom, in which format, the keys sent and the SHA-256 of
what was sent (one entry per company grew a 10,000-company trail by 80 % in 24 exports).

The internal export (`--to internal`) is the whole register, every status, under the
Japanese headers of `columns.COMPANY`, for the desk's own 回覧 and 決裁: nothing leaves
the ministry, so it is recorded as an `internal-export` under `internal`, never as an
`export` (a sharing event) under a recipient. `sosa enroll --from` reads it back.

The files go to people who open them in Excel, so no value may be read as a formula: a
CSV cell that Excel would evaluate is neutralised the way OWASP recommends ("CSV
injection"), and every text cell of a workbook is written as a string.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import audit, columns, files
from .errors import SosaError
from .i18n import _
from .store import transaction

RECIPIENTS = {
    "usg": ("share_usg", "US government"),
    "primes": ("share_primes", "US prime contractors"),
}
# The desk's own copy: not a recipient, not a sharing event.
INTERNAL = "internal"
INTERNAL_ACTION = "internal-export"
TARGETS = (*RECIPIENTS, INTERNAL)
FORMATS = ("csv", "json", "xlsx")
ENCODINGS = ("utf-8", "cp932")
# What goes to the US: the register's fields less its status and the consents themselves.
COLUMNS = [
    "key",
    "name_en",
    "name_ja",
    "corporate_number",
    "ncage",
    "address_en",
    "address_ja",
    "products",
    "fsc",
    "psc",
    "us_programs",
    "coc_version",
    "coc_accepted_on",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
]
# The internal export: every field enrollment reads, in the vocabulary's order.
INTERNAL_COLUMNS = list(columns.COMPANY)
# A workbook column is at most this wide (in Excel's character units); longer text wraps in the cell.
MAX_WIDTH = 60
# Excel (and LibreOffice) read a cell beginning with one of these as a formula or a DDE
# call, also `-2+3` and `@SUM(…)`; a tab or carriage return before one hides it from a
# reader's eye but not from the spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Export:
    recipient: str
    format: str
    destination: str
    keys: list[str]
    content: bytes
    sha256: str = ""
    encoding: str = "utf-8"


def neutralise(value: Any) -> Any:
    """A CSV value Excel would read as a formula, prefixed with `'` so it shows as typed (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(conn: sqlite3.Connection, where: str, wanted: list[str], separator: str = " ") -> list[dict[str, Any]]:
    rows = conn.execute(
        f"""
        SELECT c.*, (SELECT group_concat(fsc, :sep) FROM
                       (SELECT fsc FROM company_fsc WHERE company_id = c.id ORDER BY fsc)) AS fsc,
               (SELECT group_concat(psc, :sep) FROM
                       (SELECT psc FROM company_psc WHERE company_id = c.id ORDER BY psc)) AS psc,
               k.name AS contact_name, k.title AS contact_title,
               k.email AS contact_email, k.phone AS contact_phone,
               k.role AS contact_role, k.language AS contact_language
        FROM companies c
        LEFT JOIN contacts k ON k.company_id = c.id AND k.position = 1
        WHERE {where}
        ORDER BY c.id
        """,
        {"sep": separator},
    ).fetchall()
    return [{col: row[col] for col in wanted} for row in rows]


def _internal_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every company, every status, as the desk reads it: 参加中, はい / いいえ, `1650; 4810`."""
    rows = _rows(conn, "1 = 1", INTERNAL_COLUMNS, columns.LIST_JOIN)
    for row in rows:
        row["status"] = columns.STATUS_JA.get(row["status"], row["status"])
        for consent in ("share_usg", "share_primes"):
            row[consent] = columns.YES_NO_JA[bool(row[consent])]
    return rows


def _csv(rows: list[dict[str, Any]], wanted: list[str], headers: list[str], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([neutralise(row[c]) for c in wanted] for row in rows)
    if encoding == "cp932":
        return _shift_jis(out.getvalue(), rows, wanted, headers)
    # The BOM lets Excel on a Japanese Windows desk open UTF-8 CSV without mojibake.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _shift_jis(text: str, rows: list[dict[str, Any]], wanted: list[str], headers: list[str]) -> bytes:
    """The CSV in CP932 (Windows Shift_JIS), or one error naming the first company and field it cannot hold."""
    try:
        return text.encode("cp932")
    except UnicodeEncodeError:
        pass
    for row in rows:
        for column, header in zip(wanted, headers, strict=True):
            value = row[column]
            if not isinstance(value, str):
                continue
            for char in value:
                try:
                    char.encode("cp932")
                except UnicodeEncodeError:
                    name = row.get("name_ja") or row.get("key")
                    raise SosaError(
                        _("{key} {name}: {header} has 「{char}」 ({code}), which Shift_JIS (CP932) cannot hold; nothing was exported").format(
                            key=row.get("key"), name=name, header=header, char=char, code=f"U+{ord(char):04X}"
                        ),
                        hint=_("export as UTF-8 (leave out --encoding), or correct the value with `sosa company update`"),
                    ) from None
    raise SosaError(_("the export cannot be written in Shift_JIS (CP932)"), hint=_("leave out --encoding"))  # pragma: no cover - headers are CP932


def display_width(value: Any) -> int:
    """How many columns a value takes in a spreadsheet: East Asian wide characters count double."""
    import unicodedata

    text = value.isoformat() if isinstance(value, date) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _workbook(rows: list[dict[str, Any]], wanted: list[str], headers: list[str], title: str) -> bytes:
    """The export as one sheet: text as strings, dates as dates, widths that fit, the header
    row frozen and filtered.

    openpyxl stores a string beginning with `=` as a formula (`data_type 'f'`) unless the
    cell is told it is a string; write-only mode lets each cell be told, and is 1.6×
    faster besides. A 法人番号 or a phone number is text (`@`): Excel never shows it as
    1.18E+12 nor drops a leading 0.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    typed = [[_typed(c, row[c]) for c in wanted] for row in rows]
    # Column widths are written before the first row in write-only mode: measure first.
    for index, header in enumerate(headers):
        widest = max([display_width(header), *(display_width(r[index]) for r in typed if r[index] is not None)])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(widest + 2, MAX_WIDTH)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"

    def cell(column: str, value: Any) -> Any:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, date):
            written.number_format = "yyyy-mm-dd"
        elif isinstance(value, str):
            written.data_type = "s"
            if column in columns.TEXT_COLUMNS:
                written.number_format = "@"
        return written

    sheet.append([cell("", h) for h in headers])
    for row in typed:
        sheet.append([cell(c, v) for c, v in zip(wanted, row, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _typed(column: str, value: Any) -> Any:
    """A date column's ISO text as a date; anything else as it is."""
    if column in columns.DATE_COLUMNS and isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _encode(rows: list[dict[str, Any]], fmt: str, *, internal: bool = False, encoding: str = "utf-8") -> bytes:
    wanted = INTERNAL_COLUMNS if internal else COLUMNS
    headers = [columns.COMPANY[c] for c in wanted] if internal else wanted
    if fmt == "json":
        return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        return _csv(rows, wanted, headers, encoding)
    return _workbook(rows, wanted, headers, "参加企業" if internal else "SoSA participants")


def exports_including(conn: sqlite3.Connection, key: str) -> list[audit.Entry]:
    """The export entries whose keys include the company `key`, oldest first.

    An export writes one entry under its recipient (`usg`, `primes`) listing the keys
    it sent, so a company's history finds its exports here, by the audit index on record.
    The desk's internal exports are found too, under their own action (`internal-export`),
    so they never read as sharing.
    """
    rows = conn.execute(
        f"""
        SELECT id, at, user, command, action, record, before, after FROM audit
        WHERE ((record IN ({", ".join("?" for _recipient in RECIPIENTS)}) AND action = 'export') OR (record = ? AND action = ?))
          AND EXISTS (SELECT 1 FROM json_each(audit.after, '$.keys') WHERE value = ?)
        ORDER BY id
        """,
        (*RECIPIENTS, INTERNAL, INTERNAL_ACTION, key),
    ).fetchall()
    return [
        audit.Entry(
            id=r["id"],
            at=r["at"],
            user=r["user"],
            command=r["command"],
            action=r["action"],
            record=r["record"],
            before=json.loads(r["before"]) if r["before"] else None,
            after=json.loads(r["after"]) if r["after"] else None,
        )
        for r in rows
    ]


def record_internal(conn: sqlite3.Connection, *, fmt: str, destination: str, keys: list[str], sha256: str, encoding: str = "utf-8") -> None:
    """The one audit entry of an internal export: the desk's own copy, not shared with anyone."""
    after = {"to": INTERNAL, "shared": False, "format": fmt, "destination": destination, "keys": keys, "sha256": sha256}
    audit.record(conn, INTERNAL_ACTION, INTERNAL, after=after | ({"encoding": encoding} if encoding != "utf-8" else {}))


def record_export(conn: sqlite3.Connection, recipient: str, *, fmt: str, destination: str, keys: list[str], sha256: str, encoding: str = "utf-8") -> None:
    """The one audit entry of an export, filed under its recipient; also the reply to DoD's."""
    label = RECIPIENTS[recipient][1]
    after = {"to": recipient, "recipient": label, "format": fmt, "destination": destination, "keys": keys, "sha256": sha256}
    audit.record(conn, "export", recipient, after=after | ({"encoding": encoding} if encoding != "utf-8" else {}))


def file_name(recipient: str, fmt: str) -> str:
    """An export's usual name, used when `--out` names a folder: `sosa-usg-2026-11-30.csv`."""
    from .clock import today

    return f"sosa-{recipient}-{today().isoformat()}.{fmt}"


def export(
    conn: sqlite3.Connection,
    recipient: str,
    fmt: str = "csv",
    out: str | Path | None = None,
    *,
    emit: Callable[[bytes], None] | None = None,
    encoding: str | None = None,
) -> Export:
    """Build the export and record it; the file is written before the transaction commits.

    With no file, `emit` (the CLI's writer to standard output) is handed the content
    inside the transaction: an export that could not be delivered is not recorded.
    `encoding` (CSV only): utf-8 with a BOM (the default) or cp932 (Shift_JIS).
    """
    if recipient not in TARGETS:
        raise SosaError(
            _("{recipient!r} is not a recipient").format(recipient=recipient), hint=_("use --to usg, --to primes or --to internal (the desk's own copy)")
        )
    if fmt not in FORMATS:
        raise SosaError(_("{format!r} is not an export format").format(format=fmt), hint=_("use one of {choices}").format(choices=", ".join(FORMATS)))
    if encoding is not None and encoding.lower().replace("_", "-") in ("shift-jis", "sjis", "windows-31j"):
        encoding = "cp932"
    if encoding is not None and encoding.lower() not in ENCODINGS:
        raise SosaError(_("{encoding!r} is not an export encoding").format(encoding=encoding), hint=_("use --encoding utf-8 or --encoding cp932 (Shift_JIS)"))
    if encoding is not None and fmt != "csv":
        raise SosaError(_("--encoding is for CSV; {format} is always UTF-8").format(format=fmt), hint=_("drop --encoding, or add --format csv"))
    encoding = (encoding or "utf-8").lower()
    if fmt == "xlsx" and (out is None or str(out) == "-"):
        raise SosaError(_("an Excel export needs a file"), hint=_("add --out FILE.xlsx"))
    internal = recipient == INTERNAL
    # `--out DIR/` or an existing folder: the file takes its usual name there.
    path = files.target(out, file_name(recipient, fmt))
    destination = "stdout" if path is None else str(path.absolute())
    with transaction(conn):
        if internal:
            rows = _internal_rows(conn)
        else:
            rows = _rows(conn, f"c.status = 'enrolled' AND c.{RECIPIENTS[recipient][0]} = 1", COLUMNS)
        content = _encode(rows, fmt, internal=internal, encoding=encoding)
        keys = [r["key"] for r in rows]
        digest = hashlib.sha256(content).hexdigest()
        if internal:
            record_internal(conn, fmt=fmt, destination=destination, keys=keys, sha256=digest, encoding=encoding)
        else:
            record_export(conn, recipient, fmt=fmt, destination=destination, keys=keys, sha256=digest, encoding=encoding)
        if destination == "stdout":
            if emit is not None:
                emit(content)
        else:
            files.write(Path(destination), content, force=files.forced(out))
    return Export(recipient, fmt, destination, keys, content, digest, encoding)
