"""Exporting the register to the US government or to US primes.

Only enrolled companies that consented to that recipient go out (the Code of Conduct
makes sharing with the US government and with primes two separate consents), and every
export writes one audit entry: to whom, in which format, the keys sent and the SHA-256 of
what was sent (one entry per company grew a 10,000-company trail by 80 % in 24 exports).

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

from . import audit, files
from .errors import SosaError
from .store import transaction

RECIPIENTS = {
    "usg": ("share_usg", "US government"),
    "primes": ("share_primes", "US prime contractors"),
}
FORMATS = ("csv", "json", "xlsx")
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
DATE_COLUMNS = ("coc_accepted_on",)
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


def neutralise(value: Any) -> Any:
    """A CSV value Excel would read as a formula, prefixed with `'` so it shows as typed (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(conn: sqlite3.Connection, consent_column: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"""
        SELECT c.*, (SELECT group_concat(fsc, ' ') FROM
                       (SELECT fsc FROM company_fsc WHERE company_id = c.id ORDER BY fsc)) AS fsc,
               (SELECT group_concat(psc, ' ') FROM
                       (SELECT psc FROM company_psc WHERE company_id = c.id ORDER BY psc)) AS psc,
               k.name AS contact_name, k.title AS contact_title,
               k.email AS contact_email, k.phone AS contact_phone
        FROM companies c
        LEFT JOIN contacts k ON k.company_id = c.id AND k.position = 1
        WHERE c.status = 'enrolled' AND c.{consent_column} = 1
        ORDER BY c.id
        """
    ).fetchall()
    return [{col: row[col] for col in COLUMNS} for row in rows]


def _encode(rows: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
        # The BOM lets Excel on a Japanese Windows desk open UTF-8 CSV without mojibake.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    return _workbook(rows)


def _workbook(rows: list[dict[str, Any]]) -> bytes:
    """The export as one sheet: text as strings, dates as dates.

    openpyxl stores a string beginning with `=` as a formula (`data_type 'f'`) unless the
    cell is told it is a string; write-only mode lets each cell be told, and is 1.6×
    faster besides.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("SoSA participants")
    sheet.freeze_panes = "A2"

    def cell(column: str, value: Any) -> Any:
        if column in DATE_COLUMNS and isinstance(value, str) and value:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"
        elif isinstance(value, date):
            written.number_format = "yyyy-mm-dd"
        return written

    sheet.append([cell("", c) for c in COLUMNS])
    for row in rows:
        sheet.append([cell(c, row[c]) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def exports_including(conn: sqlite3.Connection, key: str) -> list[audit.Entry]:
    """The export entries whose keys include the company `key`, oldest first.

    An export writes one entry under its recipient (`usg`, `primes`) listing the keys
    it sent, so a company's history finds its exports here, by the audit index on record.
    """
    rows = conn.execute(
        f"""
        SELECT id, at, user, command, action, record, before, after FROM audit
        WHERE record IN ({", ".join("?" for _ in RECIPIENTS)}) AND action = 'export'
          AND EXISTS (SELECT 1 FROM json_each(audit.after, '$.keys') WHERE value = ?)
        ORDER BY id
        """,
        (*RECIPIENTS, key),
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


def record_export(conn: sqlite3.Connection, recipient: str, *, fmt: str, destination: str, keys: list[str], sha256: str) -> None:
    """The one audit entry of an export, filed under its recipient; also the reply to DoD's."""
    label = RECIPIENTS[recipient][1]
    after = {"to": recipient, "recipient": label, "format": fmt, "destination": destination, "keys": keys, "sha256": sha256}
    audit.record(conn, "export", recipient, after=after)


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
) -> Export:
    """Build the export and record it; the file is written before the transaction commits.

    With no file, `emit` (the CLI's writer to standard output) is handed the content
    inside the transaction: an export that could not be delivered is not recorded.
    """
    if recipient not in RECIPIENTS:
        raise SosaError(f"{recipient!r} is not a recipient", hint="use --to usg or --to primes")
    if fmt not in FORMATS:
        raise SosaError(f"{fmt!r} is not an export format", hint=f"use one of {', '.join(FORMATS)}")
    if fmt == "xlsx" and (out is None or str(out) == "-"):
        raise SosaError("an Excel export needs a file", hint="add --out FILE.xlsx")
    consent_column = RECIPIENTS[recipient][0]
    # `--out DIR/` or an existing folder: the file takes its usual name there.
    path = files.target(out, file_name(recipient, fmt))
    destination = "stdout" if path is None else str(path.absolute())
    with transaction(conn):
        rows = _rows(conn, consent_column)
        content = _encode(rows, fmt)
        keys = [r["key"] for r in rows]
        digest = hashlib.sha256(content).hexdigest()
        record_export(conn, recipient, fmt=fmt, destination=destination, keys=keys, sha256=digest)
        if destination == "stdout":
            if emit is not None:
                emit(content)
        else:
            files.write(Path(destination), content, force=files.forced(out))
    return Export(recipient, fmt, destination, keys, content, digest)
