"""Exporting the register to the US government or to US primes.

Only enrolled companies that consented to that recipient go out (the Code of Conduct
makes sharing with the US government and with primes two separate consents), and every
export writes into the audit trail which companies went to whom.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass
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
    "us_programs",
    "coc_version",
    "coc_accepted_on",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
]


@dataclass
class Export:
    recipient: str
    format: str
    destination: str
    keys: list[str]
    content: bytes


def _rows(conn: sqlite3.Connection, consent_column: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"""
        SELECT c.*, (SELECT group_concat(fsc, ' ') FROM
                       (SELECT fsc FROM company_fsc WHERE company_id = c.id ORDER BY fsc)) AS fsc,
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
        writer.writerows(rows)
        # The BOM lets Excel on a Japanese Windows desk open UTF-8 CSV without mojibake.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one (and active) sheet
    sheet.title = "SoSA participants"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_name(recipient: str, fmt: str) -> str:
    """An export's usual name, used when `--out` names a folder: `sosa-usg-2026-11-30.csv`."""
    from .clock import today

    return f"sosa-{recipient}-{today().isoformat()}.{fmt}"


def export(conn: sqlite3.Connection, recipient: str, fmt: str = "csv", out: str | Path | None = None) -> Export:
    """Build the export and record it; the file is written before the transaction commits."""
    if recipient not in RECIPIENTS:
        raise SosaError(f"{recipient!r} is not a recipient", hint="use --to usg or --to primes")
    if fmt not in FORMATS:
        raise SosaError(f"{fmt!r} is not an export format", hint=f"use one of {', '.join(FORMATS)}")
    if fmt == "xlsx" and (out is None or str(out) == "-"):
        raise SosaError("an Excel export needs a file", hint="add --out FILE.xlsx")
    consent_column, label = RECIPIENTS[recipient]
    # `--out DIR/` or an existing folder: the file takes its usual name there.
    path = files.target(out, file_name(recipient, fmt))
    destination = "stdout" if path is None else str(path.absolute())
    with transaction(conn):
        rows = _rows(conn, consent_column)
        content = _encode(rows, fmt)
        keys = [r["key"] for r in rows]
        for key in keys:
            audit.record(conn, "export", key, after={"to": recipient, "recipient": label, "format": fmt, "destination": destination})
        if destination != "stdout":
            files.write(Path(destination), content, force=files.forced(out))
    return Export(recipient, fmt, destination, keys, content)
