"""What each audit entry carries for the replay, and the two chain walks agreeing on every
kind of break (written for the mutation run of issue 11 §9: each test fails on a small
plausible change to sosa_cli/audit.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sosa_cli import audit
from sosa_cli.replay import replay
from sosa_cli.store import open_db, transaction
from tests.conftest import tamper


def _rows(conn: sqlite3.Connection, entry: int) -> list:
    return json.loads(conn.execute("SELECT rows FROM audit WHERE id = ?", (entry,)).fetchone()[0])


@pytest.fixture
def odd_tables(db_path) -> Path:
    """Two tables of the kind sosa may grow: one without a declared key (rows found by
    rowid) and one whose name holds a quote."""
    conn = open_db(db_path)
    conn.execute("CREATE TABLE notes (body TEXT, author TEXT)")
    conn.execute('CREATE TABLE "o\'hara" (id INTEGER PRIMARY KEY, "say ""hi""" TEXT)')
    conn.close()
    return db_path


def test_an_entry_carries_each_row_it_wrote_in_full(odd_tables):
    conn = open_db(odd_tables)
    conn.user, conn.command = "tester", "sosa test"
    with transaction(conn):
        conn.execute("INSERT INTO notes (body, author) VALUES ('調達の遅延', '鈴木')")
        conn.execute('INSERT INTO "o\'hara" (id, "say ""hi""") VALUES (7, \'こんにちは\')')
        entry = audit.record(conn, "add", "N-1", after={"body": "調達の遅延"})
    rows = _rows(conn, entry)
    assert rows == [
        ["notes", [1], {"rowid": 1, "body": "調達の遅延", "author": "鈴木"}],
        ["o'hara", [7], {"id": 7, 'say "hi"': "こんにちは"}],
    ]
    # Stored as written (not ASCII-escaped), and the hash covers it.
    text = conn.execute("SELECT rows FROM audit WHERE id = ?", (entry,)).fetchone()[0]
    assert "調達の遅延" in text and "\\u" not in text
    row = dict(conn.execute("SELECT * FROM audit WHERE id = ?", (entry,)).fetchone())
    assert (row["user"], row["command"], row["action"], row["record"]) == ("tester", "sosa test", "add", "N-1")
    assert audit.verify(conn).ok and replay(conn).ok


def test_a_row_updated_deleted_or_rekeyed_is_carried_as_it_was_left(odd_tables):
    conn = open_db(odd_tables)
    with transaction(conn):
        conn.execute('INSERT INTO "o\'hara" (id, "say ""hi""") VALUES (1, \'a\'), (2, \'b\'), (3, \'c\')')
        audit.record(conn, "add", "O")
    with transaction(conn):
        conn.execute('UPDATE "o\'hara" SET "say ""hi""" = \'A\' WHERE id = 1')
        conn.execute('DELETE FROM "o\'hara" WHERE id = 2')
        conn.execute('UPDATE "o\'hara" SET id = 30 WHERE id = 3')
        entry = audit.record(conn, "change", "O")
    assert _rows(conn, entry) == [
        ["o'hara", [1], {"id": 1, 'say "hi"': "A"}],
        ["o'hara", [2], None],
        ["o'hara", [30], {"id": 30, 'say "hi"': "c"}],  # in the order of the key's JSON text
        ["o'hara", [3], None],
    ]
    assert replay(conn).ok
    tamper(odd_tables, 'INSERT INTO "o\'hara" (id) VALUES (2)', "DELETE FROM notes")
    found = {(d.table, d.record, d.kind) for d in replay(open_db(odd_tables)).differences}
    assert found == {("o'hara", "#2", "added")}


def test_an_entry_without_writes_carries_no_rows_and_a_new_change_starts_afresh(odd_tables):
    conn = open_db(odd_tables)
    with transaction(conn):
        entry = audit.record(conn, "export", "usg", after={"keys": []})
    assert conn.execute("SELECT rows FROM audit WHERE id = ?", (entry,)).fetchone()[0] is None
    with transaction(conn):
        conn.execute("INSERT INTO notes (body) VALUES ('x')")
        assert audit.unrecorded(conn) == ["notes"]
        audit.record(conn, "add", "N-1")
        assert audit.unrecorded(conn) == []


def test_a_change_without_its_entry_names_every_table_it_wrote(odd_tables):
    conn = open_db(odd_tables)
    with pytest.raises(RuntimeError, match=r"^rows of notes, o'hara were written without an audit entry$"), transaction(conn):
        conn.execute('INSERT INTO "o\'hara" (id) VALUES (5)')
        conn.execute("INSERT INTO notes (body) VALUES ('x')")
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_an_entry_outside_a_transaction_is_refused(db_path):
    conn = open_db(db_path)
    with pytest.raises(RuntimeError, match=r"^audit.record\(\) must run inside the change's transaction$"):
        audit.record(conn, "add", "C-0001")


def test_the_record_tables_and_their_keys(odd_tables):
    tables = audit.tracked_tables(open_db(odd_tables))
    assert tables["companies"] == ("id",)
    assert tables["company_fsc"] == ("fsc", "company_id")
    assert tables["ask_items"] == ("ask_id", "position")
    assert tables["notes"] == ("rowid",)
    assert tables["o'hara"] == ("id",)
    assert not {"audit", "audit_head", "_sqlite_migrations", "companies_fts", "companies_fts_data", "sqlite_sequence"} & set(tables)


def test_a_snapshot_holds_every_row_and_replays_from_there(enrolled):
    conn = open_db(enrolled)
    with transaction(conn):
        entry = audit.snapshot(conn, "test")
    rows = _rows(conn, entry)
    companies = [r for r in rows if r[0] == "companies"]
    assert len(companies) == 10 and companies[0][1] == [1] and companies[0][2]["key"] == "C-0001"
    assert {r[0] for r in rows} >= {"companies", "contacts", "company_fsc"}
    snapshot = dict(conn.execute("SELECT action, record, after FROM audit WHERE id = ?", (entry,)).fetchone())
    assert snapshot == {"action": "snapshot", "record": "database", "after": json.dumps({"reason": "test", "rows": len(rows)}, separators=(",", ":"))}
    assert replay(conn).ok
    # The replay starts at the latest snapshot: an edit made before it is taken as it stands.
    tamper(enrolled, "UPDATE companies SET products = 'edited' WHERE id = 3")
    assert not replay(open_db(enrolled)).ok
    conn = open_db(enrolled)
    with transaction(conn):
        audit.snapshot(conn, "again")
    assert replay(conn).ok and replay(conn).entries == 1


def test_an_empty_database_needs_no_snapshot(db_path):
    conn = open_db(db_path)
    with transaction(conn):
        assert audit.snapshot(conn, "nothing") is None
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0


def test_history_gives_a_records_entries_and_the_latest(enrolled, sosa):
    sosa("company", "suspend", "C-0002", "--reason", "export licence review")
    conn = open_db(enrolled)
    entries = audit.history(conn, "C-0002")
    assert [(e.id, e.action, e.record, e.user) for e in entries] == [(2, "enroll", "C-0002", "tester"), (11, "suspend", "C-0002", "tester")]
    suspend = entries[1]
    assert suspend.before == {"status": "enrolled", "status_reason": None}
    assert suspend.after == {"status": "suspended", "status_reason": "export licence review"}
    assert suspend.as_dict() == {
        "id": 11,
        "at": suspend.at,
        "user": "tester",
        "command": suspend.command,
        "action": "suspend",
        "record": "C-0002",
        "before": suspend.before,
        "after": suspend.after,
    }
    assert suspend.command.startswith("sosa company suspend")
    assert [e.id for e in audit.history(conn, limit=3)] == [9, 10, 11]
    assert [e.id for e in audit.history(conn)][-1] == 11 and len(audit.history(conn)) == 11


# --- the walk in Python and the walk in SQLite agree on every break ---------------------


CHANGED = "its content was changed after it was written"
BREAKS = {
    "content changed": ("UPDATE audit SET user = 'x' WHERE id = 4", audit.Verification(4, 4, CHANGED)),
    "rows changed": (
        "UPDATE audit SET rows = replace(rows, 'C-0004', 'C-0099') WHERE id = 4",
        audit.Verification(4, 4, CHANGED),
    ),
    "link broken": ("UPDATE audit SET prev_hash = '" + "0" * 64 + "' WHERE id = 5", audit.Verification(5, 5, "it does not follow the entry before it")),
    "entries removed": ("DELETE FROM audit WHERE id IN (5, 6)", audit.Verification(5, 7, "entries 5–6 are missing")),
    "tail cut": ("DELETE FROM audit WHERE id = 10", audit.Verification(9, 10, "entries 10–10 are missing")),
    "head moved": ("UPDATE audit_head SET hash = 'f'", audit.Verification(10, 10, "the newest entry does not match the recorded head")),
    "head gone": ("DELETE FROM audit_head", audit.Verification(10, 10, "the record of the newest entry is missing")),
}


@pytest.mark.parametrize("how", BREAKS)
def test_both_walks_name_the_same_break(enrolled, how):
    statement, expected = BREAKS[how]
    tamper(enrolled, statement)
    conn = open_db(enrolled)
    assert audit.verify(conn) == expected
    assert audit.verify(conn, in_sqlite=False) == expected


def test_both_walks_pass_an_intact_trail_and_count_it(enrolled):
    conn = open_db(enrolled)
    assert audit.verify(conn) == audit.verify(conn, in_sqlite=False) == audit.Verification(10)
    assert audit.verify(conn).ok and not audit.Verification(10, 3, "x").ok


def test_a_rolled_back_change_is_not_carried_by_the_next_entry(odd_tables):
    conn = open_db(odd_tables)
    with pytest.raises(ValueError), transaction(conn):
        conn.execute("INSERT INTO notes (body) VALUES ('rolled back')")
        raise ValueError("refused half-way")
    with transaction(conn):
        conn.execute('INSERT INTO "o\'hara" (id) VALUES (1)')
        entry = audit.record(conn, "add", "O-1")
    assert _rows(conn, entry) == [["o'hara", [1], {"id": 1, 'say "hi"': None}]]
    assert replay(conn).ok


def test_history_reads_each_entry_as_stored_and_shows_the_latest_fifty(db_path):
    conn = open_db(db_path)
    with transaction(conn):
        for n in range(1, 56):
            audit.record(conn, "note", f"N-{n}", before={"n": n - 1} if n % 2 else None)
    stored = conn.execute("SELECT at FROM audit WHERE id = 55").fetchone()[0]
    latest = audit.history(conn)
    assert [e.id for e in latest] == list(range(6, 56)), "the latest fifty, oldest first"
    newest = latest[-1]
    assert (newest.at, newest.before, newest.after) == (stored, {"n": 54}, None)
    assert audit.history(conn, "N-2")[0].before is None
