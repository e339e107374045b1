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


# `verify` builds each entry's JSON array inside SQLite (`json_array()` escapes exactly as
# `json.dumps(..., ensure_ascii=False)` does: `\"`, `\\`, `\b\f\n\r\t`, other controls as
# `\u00xx`, everything else as is) and hashes it here, without a Python object per column.
# Any entry whose SQLite digest differs is hashed again by `_digest` itself before it is
# called broken, so the verdict is always `_digest`'s; `_CHAIN_PY` is the pure-Python walk.
_CHAIN_SQL = f"SELECT id, prev_hash, hash, CAST(json_array({', '.join(FIELDS)}) AS BLOB) FROM audit ORDER BY id"
_CHAIN_PY = f"SELECT {', '.join(FIELDS)}, prev_hash, hash FROM audit ORDER BY id"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # = _digest's json.dumps


def _tuples(conn: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


def _python_digest(conn: sqlite3.Connection, prev_hash: str, entry_id: int) -> str:
    row = _tuples(conn).execute(f"SELECT {', '.join(FIELDS)} FROM audit WHERE id = ?", (entry_id,)).fetchone()
    return _digest(prev_hash, dict(zip(FIELDS, row, strict=True)))


def _walk_in_sqlite(conn: sqlite3.Connection) -> tuple[Verification | None, int, str]:
    sha256 = hashlib.sha256
    prev_hash = GENESIS
    expected_id = 1
    for entry_id, prev, stored, content in _tuples(conn).execute(_CHAIN_SQL):
        if entry_id != expected_id:
            return Verification(expected_id, entry_id, f"entries {expected_id}–{entry_id - 1} are missing"), 0, ""
        if prev != prev_hash:
            return Verification(expected_id, entry_id, "it does not follow the entry before it"), 0, ""
        if sha256(prev_hash.encode() + content).hexdigest() != stored and _python_digest(conn, prev_hash, entry_id) != stored:
            return Verification(expected_id, entry_id, "its content was changed after it was written"), 0, ""
        prev_hash = stored
        expected_id += 1
    return None, expected_id - 1, prev_hash


def _walk_in_python(conn: sqlite3.Connection) -> tuple[Verification | None, int, str]:
    sha256 = hashlib.sha256
    encode = _ENCODE
    prev_hash = GENESIS
    expected_id = 1
    for row in _tuples(conn).execute(_CHAIN_PY):
        entry_id = row[0]
        if entry_id != expected_id:
            return Verification(expected_id, entry_id, f"entries {expected_id}–{entry_id - 1} are missing"), 0, ""
        if row[8] != prev_hash:
            return Verification(expected_id, entry_id, "it does not follow the entry before it"), 0, ""
        if sha256((prev_hash + encode(row[:8])).encode("utf-8")).hexdigest() != row[9]:
            return Verification(expected_id, entry_id, "its content was changed after it was written"), 0, ""
        prev_hash = row[9]
        expected_id += 1
    return None, expected_id - 1, prev_hash


def verify(conn: sqlite3.Connection, *, in_sqlite: bool = True) -> Verification:
    """Walk the chain from the first row and report the first row that does not fit.

    Each entry's id must follow the one before, its prev_hash be that entry's hash, and its
    hash be `_digest` of its content; then the head row must name the last entry.
    `in_sqlite=False` walks in Python only (the two agree; the tests hold them to it).
    """
    broken: Verification | None
    if in_sqlite:
        try:
            broken, last_id, prev_hash = _walk_in_sqlite(conn)
        except sqlite3.OperationalError:  # no JSON functions, or a value JSON cannot hold
            broken, last_id, prev_hash = _walk_in_python(conn)
    else:
        broken, last_id, prev_hash = _walk_in_python(conn)
    if broken is not None:
        return broken
    count = last_id
    head = _tuples(conn).execute("SELECT id, hash FROM audit_head").fetchone()
    if head is not None and (head[0] != last_id or head[1] != prev_hash):
        if head[0] > last_id:
            return Verification(count, last_id + 1, f"entries {last_id + 1}–{head[0]} are missing")
        return Verification(count, head[0], "the newest entry does not match the recorded head")
    if head is None and count:
        return Verification(count, last_id, "the record of the newest entry is missing")
    return Verification(count)
