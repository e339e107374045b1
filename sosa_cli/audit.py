"""The audit trail: an append-only, hash-chained log of every change.

Each row stores SHA-256 over the previous row's hash and its own content, so a row
edited or deleted behind the tool's back (triggers dropped, then a raw `sqlite3`
edit) breaks the chain at that row, and `sosa audit verify` names it.

Each entry also carries the rows its change left behind (`rows`: table, primary key and
the whole row, or null for a row deleted), so that `replay.replay()` can rebuild what
the tables must hold and name a row changed, added or deleted behind the tool's back.
The rows are gathered, not listed by hand: `track()` puts temporary triggers on the
connection (only sosa's own connections have them) that note each row a command
writes, and `record()` takes the rows noted since the entry before.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sqlite3
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .clock import now_utc
from .i18n import _

GENESIS = "0" * 64
FIELDS = ("id", "at", "user", "command", "action", "record", "before", "after")
# Hashed after FIELDS when present; entries from before schema 7 have none.
ROWS = "rows"
SNAPSHOT = "snapshot"
# Tables that are not records: the trail itself, sqlite-utils' list of migrations, and
# full-text indexes (rebuilt from `companies` by their own triggers).
# Litestream keeps two tables of its own in the database it replicates (_litestream_seq,
# _litestream_lock): its bookkeeping, not records.
_UNTRACKED = ("audit", "audit_head", "_sqlite_migrations", "_litestream_seq", "_litestream_lock")


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _digest(prev_hash: str, row: dict[str, Any]) -> str:
    values = [row[f] for f in FIELDS]
    if row.get(ROWS) is not None:
        values.append(row[ROWS])
    content = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


# --- which rows a command wrote ---------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# conn → (PRAGMA schema_version, its tracked tables): read once per connection and schema.
_TABLES: weakref.WeakKeyDictionary[sqlite3.Connection, tuple[int, dict[str, tuple[str, ...]]]] = weakref.WeakKeyDictionary()


def tracked_tables(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """The tables that hold records, each with its primary key's columns (`rowid` if none)."""
    version = conn.execute("PRAGMA main.schema_version").fetchone()[0]
    cached = _TABLES.get(conn)
    if cached is not None and cached[0] == version:
        return cached[1]
    tables = _read_tables(conn)
    with contextlib.suppress(TypeError):  # a plain sqlite3 connection cannot be a weak key
        _TABLES[conn] = (version, tables)
    return tables


def _read_tables(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    schema = conn.execute("SELECT name, sql FROM main.sqlite_schema WHERE type = 'table' ORDER BY name").fetchall()
    virtual = [name for name, sql in schema if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    tables: dict[str, tuple[str, ...]] = {}
    for name, _sql in schema:
        if name.startswith("sqlite_") or name in _UNTRACKED or any(name == v or name.startswith(v + "_") for v in virtual):
            continue
        columns = conn.execute(f"PRAGMA main.table_info({_quote(name)})").fetchall()
        key = tuple(column[1] for column in sorted((c for c in columns if c[5]), key=lambda c: c[5]))
        tables[name] = key or ("rowid",)
    return tables


# conn → (id, hash) of the trail's last entry, as this transaction wrote it: the next entry
# chains to it without reading it back (a bulk intake appends 100,000). Forgotten when a
# transaction begins (`track`) and when a rehearsal is undone (`forgetting`).
_HEAD: weakref.WeakKeyDictionary[sqlite3.Connection, tuple[int, str]] = weakref.WeakKeyDictionary()

# conn → {(table, key as JSON): the row as JSON, or None if deleted}, for each row written
# since its last entry, as the write left it (the last write of a row wins). Only sosa's own
# connections (which can be weak keys) are tracked; their triggers call `sosa_touched()`.
_WRITTEN: weakref.WeakKeyDictionary[sqlite3.Connection, dict[tuple[str, str], str | None]] = weakref.WeakKeyDictionary()


def _json_of(prefix: str, columns: list[str]) -> str:
    # SQLite's json_object(): the row as JSON text, built where the row is (no read-back).
    return "json_object(" + ", ".join(f"'{c}', {prefix}.{_quote(c)}" for c in columns) + ")"


def track(conn: sqlite3.Connection) -> None:
    """Note every row this connection writes in the record tables: temporary triggers hand
    each row, as written, to a Python callback (nothing for another connection to see).

    Run outside a transaction (the temporary schema is the connection's own and needs no
    write lock). A connection already tracking forgets what it noted: a new change begins.
    """
    _HEAD.pop(conn, None)
    written = _WRITTEN.get(conn)
    if written is not None:
        written.clear()
        return
    try:
        written = _WRITTEN.setdefault(conn, {})
    except TypeError:  # a plain sqlite3 connection: not sosa's, not tracked
        return
    conn.create_function("sosa_touched", 3, lambda table, key, row: written.__setitem__((table, key), row))
    for n, (table, key) in enumerate(tracked_tables(conn).items()):
        columns = [c[1] for c in conn.execute(f"PRAGMA main.table_info({_quote(table)})")]
        if key == ("rowid",):
            columns.insert(0, "rowid")
        literal = "'" + table.replace("'", "''") + "'"
        new_key = "json_array(" + ", ".join(f"NEW.{_quote(c)}" for c in key) + ")"
        old_key = "json_array(" + ", ".join(f"OLD.{_quote(c)}" for c in key) + ")"
        written_row = f"SELECT sosa_touched({literal}, {new_key}, {_json_of('NEW', columns)});"
        for suffix, event, body in (
            ("i", "INSERT", written_row),
            # A row whose key changes leaves its old key behind, deleted.
            ("u", "UPDATE", f"SELECT sosa_touched({literal}, {old_key}, NULL) WHERE {old_key} IS NOT {new_key}; {written_row}"),
            ("d", "DELETE", f"SELECT sosa_touched({literal}, {old_key}, NULL);"),
        ):
            conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS sosa_touch_{n}_{suffix} AFTER {event} ON main.{_quote(table)} BEGIN {body} END")


@contextlib.contextmanager
def forgetting(conn: sqlite3.Connection) -> Iterator[None]:
    """The rows noted while the block runs are forgotten after it: its writes were undone
    (store.rehearsal rolls them back), and what was noted before it is noted again."""
    written = _WRITTEN.get(conn)
    noted = dict(written) if written is not None else {}
    try:
        yield
    finally:
        _HEAD.pop(conn, None)  # the entries of the block are gone with it
        if written is not None:
            written.clear()
            written.update(noted)


def table_rows(conn: sqlite3.Connection, table: str, key: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """A record table's rows as {column: value}."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(f"SELECT {'rowid AS rowid, *' if key == ('rowid',) else '*'} FROM main.{_quote(table)}")
    names = [d[0] for d in cursor.description]
    for found in cursor:
        yield dict(zip(names, found, strict=True))


def _written_rows(conn: sqlite3.Connection) -> str | None:
    """The rows written since the last entry, as JSON text: [[table, key, row or null], …]
    in table and key order; None if none were."""
    written = _WRITTEN.get(conn)
    if not written:
        return None
    noted = sorted(written.items())
    written.clear()
    return "[" + ",".join(f"[{_json_name(table)},{key},{'null' if row is None else row}]" for (table, key), row in noted) + "]"


@functools.lru_cache(maxsize=64)
def _json_name(table: str) -> str:
    return json.dumps(table, ensure_ascii=False)


def unrecorded(conn: sqlite3.Connection) -> list[str]:
    """Tables written since the last entry: a change without its audit entry (a bug)."""
    return sorted({table for table, _ in _WRITTEN.get(conn, {})})


def snapshot(conn: sqlite3.Connection, reason: str) -> int | None:
    """Record every row of the record tables as they stand: the replay's new starting
    point (written by an upgrade that reshapes them). Nothing is written if there are no rows."""
    rows = [[table, [row[c] for c in key], row] for table, key in tracked_tables(conn).items() for row in table_rows(conn, table, key)]
    if not rows:
        return None
    return _append(conn, SNAPSHOT, "database", after={"reason": reason, "rows": len(rows)}, rows=_canonical(rows))


def record(
    conn: sqlite3.Connection,
    action: str,
    record: str,
    *,
    before: Any = None,
    after: Any = None,
) -> int:
    """Append one entry; call it inside the transaction that makes the change, after its writes."""
    return _append(conn, action, record, before=before, after=after, rows=_written_rows(conn))


def _append(conn: sqlite3.Connection, action: str, record: str, *, before: Any = None, after: Any = None, rows: str | None = None) -> int:
    """Append an entry; `rows` is JSON text already (as the triggers wrote it, or a snapshot's)."""
    if not conn.in_transaction:
        raise RuntimeError("audit.record() must run inside the change's transaction")
    head = _HEAD.get(conn)
    if head is None:
        last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        head = (last["id"], last["hash"]) if last else (0, GENESIS)
    entry_id: int = head[0] + 1
    prev_hash = head[1]
    row = {
        "id": entry_id,
        "at": now_utc(),
        "user": getattr(conn, "user", "") or "",
        "command": getattr(conn, "command", "") or "",
        "action": action,
        "record": record,
        "before": _canonical(before),
        "after": _canonical(after),
        ROWS: rows,
    }
    conn.execute(
        "INSERT INTO audit (id, at, user, command, action, record, before, after, rows, prev_hash, hash)"
        " VALUES (:id, :at, :user, :command, :action, :record, :before, :after, :rows, :prev_hash, :hash)",
        {**row, "prev_hash": prev_hash, "hash": (digest := _digest(prev_hash, row))},
    )
    with contextlib.suppress(TypeError):  # a plain sqlite3 connection cannot be a weak key
        _HEAD[conn] = (entry_id, digest)
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
_CHAIN_SQL = (
    f"SELECT id, prev_hash, hash, CAST(CASE WHEN rows IS NULL THEN json_array({', '.join(FIELDS)})"
    f" ELSE json_array({', '.join(FIELDS)}, rows) END AS BLOB) FROM audit ORDER BY id"
)
_CHAIN_PY = f"SELECT {', '.join(FIELDS)}, rows, prev_hash, hash FROM audit ORDER BY id"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # = _digest's json.dumps


def _tuples(conn: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


def _python_digest(conn: sqlite3.Connection, prev_hash: str, entry_id: int) -> str:
    row = _tuples(conn).execute(f"SELECT {', '.join(FIELDS)}, rows FROM audit WHERE id = ?", (entry_id,)).fetchone()
    return _digest(prev_hash, dict(zip((*FIELDS, ROWS), row, strict=True)))


def _walk_in_sqlite(conn: sqlite3.Connection) -> tuple[Verification | None, int, str]:
    sha256 = hashlib.sha256
    prev_hash = GENESIS
    expected_id = 1
    for entry_id, prev, stored, content in _tuples(conn).execute(_CHAIN_SQL):
        if entry_id != expected_id:
            return Verification(expected_id, entry_id, _("entries {first}–{last} are missing").format(first=expected_id, last=entry_id - 1)), 0, ""
        if prev != prev_hash:
            return Verification(expected_id, entry_id, _("it does not follow the entry before it")), 0, ""
        if sha256(prev_hash.encode() + content).hexdigest() != stored and _python_digest(conn, prev_hash, entry_id) != stored:
            return Verification(expected_id, entry_id, _("its content was changed after it was written")), 0, ""
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
            return Verification(expected_id, entry_id, _("entries {first}–{last} are missing").format(first=expected_id, last=entry_id - 1)), 0, ""
        if row[9] != prev_hash:
            return Verification(expected_id, entry_id, _("it does not follow the entry before it")), 0, ""
        content = encode(row[:8] if row[8] is None else row[:9])
        if sha256((prev_hash + content).encode("utf-8")).hexdigest() != row[10]:
            return Verification(expected_id, entry_id, _("its content was changed after it was written")), 0, ""
        prev_hash = row[10]
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
            return Verification(count, last_id + 1, _("entries {first}–{last} are missing").format(first=last_id + 1, last=head[0]))
        return Verification(count, head[0], _("the newest entry does not match the recorded head"))
    if head is None and count:
        return Verification(count, last_id, _("the record of the newest entry is missing"))
    return Verification(count)
