"""The audit trail: an append-only, hash-chained log of every change.

Each row stores SHA-256 over the previous row's hash and its own content, so a row
edited or deleted behind the tool's back (triggers dropped, then a raw `sqlite3`
edit) breaks the chain at that row, and `sosa audit verify` names it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .clock import now_utc

GENESIS = "0" * 64
FIELDS = ("id", "at", "user", "command", "action", "record", "before", "after")


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _digest(prev_hash: str, row: dict[str, Any]) -> str:
    content = json.dumps([row[f] for f in FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def record(
    conn: sqlite3.Connection,
    action: str,
    record: str,
    *,
    before: Any = None,
    after: Any = None,
) -> int:
    """Append one entry; call it inside the transaction that makes the change."""
    if not conn.in_transaction:
        raise RuntimeError("audit.record() must run inside the change's transaction")
    last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = last["hash"] if last else GENESIS
    entry_id: int = (last["id"] + 1) if last else 1
    row = {
        "id": entry_id,
        "at": now_utc(),
        "user": getattr(conn, "user", "") or "",
        "command": getattr(conn, "command", "") or "",
        "action": action,
        "record": record,
        "before": _canonical(before),
        "after": _canonical(after),
    }
    conn.execute(
        "INSERT INTO audit (id, at, user, command, action, record, before, after, prev_hash, hash)"
        " VALUES (:id, :at, :user, :command, :action, :record, :before, :after, :prev_hash, :hash)",
        {**row, "prev_hash": prev_hash, "hash": _digest(prev_hash, row)},
    )
    return entry_id


@dataclass
class Entry:
    id: int
    at: str
    user: str
    command: str
    action: str
    record: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "user": self.user,
            "command": self.command,
            "action": self.action,
            "record": self.record,
            "before": self.before,
            "after": self.after,
        }


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        id=row["id"],
        at=row["at"],
        user=row["user"],
        command=row["command"],
        action=row["action"],
        record=row["record"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
    )


def history(conn: sqlite3.Connection, record: str | None = None, *, limit: int | None = None) -> list[Entry]:
    """A record's entries, oldest first; without a record, the latest `limit` entries."""
    if record:
        rows = conn.execute("SELECT * FROM audit WHERE record = ? ORDER BY id", (record,)).fetchall()
        return [_entry(r) for r in rows]
    rows = conn.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit or 50,)).fetchall()
    return [_entry(r) for r in reversed(rows)]


@dataclass
class Verification:
    rows: int
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(conn: sqlite3.Connection) -> Verification:
    """Walk the chain from the first row and report the first row that does not fit."""
    prev_hash = GENESIS
    expected_id = 1
    count = 0
    cursor = conn.execute(f"SELECT {', '.join(FIELDS)}, prev_hash, hash FROM audit ORDER BY id")
    for row in cursor:
        count += 1
        data = {f: row[f] for f in FIELDS}
        if row["id"] != expected_id:
            return Verification(count, row["id"], f"entries {expected_id}–{row['id'] - 1} are missing")
        if row["prev_hash"] != prev_hash:
            return Verification(count, row["id"], "it does not follow the entry before it")
        if _digest(prev_hash, data) != row["hash"]:
            return Verification(count, row["id"], "its content was changed after it was written")
        prev_hash = row["hash"]
        expected_id += 1
    head = conn.execute("SELECT id, hash FROM audit_head").fetchone()
    last_id = expected_id - 1
    if head is not None and (head["id"] != last_id or head["hash"] != prev_hash):
        if head["id"] > last_id:
            return Verification(count, last_id + 1, f"entries {last_id + 1}–{head['id']} are missing")
        return Verification(count, head["id"], "the newest entry does not match the recorded head")
    if head is None and count:
        return Verification(count, last_id, "the record of the newest entry is missing")
    return Verification(count)
