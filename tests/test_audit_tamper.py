"""The audit trail against a forger with `sqlite3`: every column of an entry, and its head row.

Each test drops the append-only triggers the way a forger would, edits the file behind the
tool's back, and checks that `sosa audit verify` and `sosa db check` both name the entry.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from sosa_cli import audit
from sosa_cli.store import open_db, transaction

GENESIS = "0" * 64


def canonical_hash(prev_hash: str, row) -> str:  # type: ignore[no-untyped-def]
    """The chain's hash, written out here from audit.py's documented form rather than imported.

    SHA-256 over the previous entry's hash followed by the compact JSON array (UTF-8, not
    ASCII-escaped) of the entry's id, at, user, command, action, record, before and after,
    then rows if the entry has any, where before, after and rows are the JSON text as stored.
    """
    content = [row["id"], row["at"], row["user"], row["command"], row["action"], row["record"], row["before"], row["after"]]
    if row["rows"] is not None:
        content.append(row["rows"])
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def _raw(path) -> sqlite3.Connection:
    raw = sqlite3.connect(path)
    raw.row_factory = sqlite3.Row
    return raw


def _tamper(path, *statements: str) -> None:
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER IF EXISTS audit_no_update")
    raw.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for sql in statements:
        raw.execute(sql)
    raw.commit()
    raw.close()


def _assert_named(sosa, path, entry: int, problem: str) -> audit.Verification:
    result = audit.verify(open_db(path))
    assert not result.ok
    assert result.broken_at == entry, result.problem
    assert isinstance(result.rows, int) and result.rows > 0, "the count of entries walked"
    assert problem in (result.problem or "")
    for command in (("audit", "verify"), ("db", "check")):
        cli = sosa(*command, ok=False)
        assert cli.exit_code == 1, f"sosa {' '.join(command)} passed a forged trail"
        assert f"audit entry {entry} is broken" in cli.stderr, cli.stderr
    return result


@pytest.fixture
def trail(sosa, enrolled):
    """Twelve entries: ten enrollments, then C-0002 suspended (with before and after) and reinstated."""
    sosa("company", "suspend", "C-0002", "--reason", "export licence review")
    sosa("company", "reinstate", "C-0002")
    rows = _raw(enrolled).execute("SELECT id, action, before, after FROM audit ORDER BY id").fetchall()
    suspend = [r for r in rows if r["action"] == "suspend"]
    assert len(suspend) == 1 and suspend[0]["before"] and suspend[0]["after"]
    assert rows[-1]["id"] > suspend[0]["id"], "the suspension must not be the newest entry"
    intact = audit.verify(open_db(enrolled))
    assert intact.ok and intact.rows == len(rows) == rows[-1]["id"]
    return enrolled


def _suspension(path) -> int:
    return _raw(path).execute("SELECT id FROM audit WHERE action = 'suspend'").fetchone()["id"]


# Each column of the suspension's entry, changed to something a forger might want.
COLUMN_EDITS = {
    "at": "at = '2026-01-05T09:00:00+00:00'",
    "user": "user = 'nobody'",
    "command": "command = 'sosa company reinstate'",
    "action": "action = 'reinstate'",
    "record": "record = 'C-0003'",
    "before": "before = replace(before, 'enrolled', 'applied')",
    "before (erased)": "before = NULL",
    "after": "after = replace(after, 'export licence review', 'company request')",
    "after (erased)": "after = NULL",
    "rows": "rows = replace(rows, 'export licence review', 'company request')",
    "rows (erased)": "rows = NULL",
    "hash": "hash = '" + "f" * 64 + "'",
}


def test_every_column_of_an_entry_is_covered() -> None:
    columns = set(audit.FIELDS) | {audit.ROWS, "prev_hash", "hash"}
    edited = {name.split(" ")[0] for name in COLUMN_EDITS} | {"id", "prev_hash"}  # id and prev_hash below
    assert columns <= edited, f"a column no test edits: {columns - edited}"


@pytest.mark.parametrize("assignment", COLUMN_EDITS.values(), ids=list(COLUMN_EDITS))
def test_an_edit_to_any_column_names_the_entry(sosa, trail, assignment):
    entry = _suspension(trail)
    _tamper(trail, f"UPDATE audit SET {assignment} WHERE id = {entry}")
    _assert_named(sosa, trail, entry, "changed")


def test_an_entry_pointed_at_another_predecessor_is_named(sosa, trail):
    entry = _suspension(trail)
    _tamper(trail, f"UPDATE audit SET prev_hash = '{GENESIS}' WHERE id = {entry}")
    _assert_named(sosa, trail, entry, "does not follow")


def test_an_entry_renumbered_is_named(sosa, trail):
    entry = _suspension(trail)
    _tamper(trail, f"UPDATE audit SET id = 1000 WHERE id = {entry}")
    # The walk meets the next entry where the renumbered one should stand.
    _assert_named(sosa, trail, entry + 1, f"entries {entry}–{entry} are missing")


def test_an_edit_with_its_own_hash_recomputed_breaks_the_next_link(sosa, trail):
    """The forger who knows the canonical form re-hashes the edited entry: the next one no longer follows."""
    entry = _suspension(trail)
    row = dict(_raw(trail).execute("SELECT * FROM audit WHERE id = ?", (entry,)).fetchone())
    row["record"] = "C-0003"
    forged = canonical_hash(row["prev_hash"], row)
    _tamper(trail, f"UPDATE audit SET record = 'C-0003', hash = '{forged}' WHERE id = {entry}")
    _assert_named(sosa, trail, entry + 1, "does not follow")


def test_every_stored_hash_is_the_documented_sha256(trail):
    prev_hash = GENESIS
    rows = _raw(trail).execute("SELECT * FROM audit ORDER BY id").fetchall()
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert row["prev_hash"] == prev_hash
        assert row["hash"] == canonical_hash(prev_hash, row), f"entry {row['id']} is not hashed as documented"
        prev_hash = row["hash"]


def test_one_entrys_hash_is_pinned(db_path, monkeypatch):
    """A change in what is hashed, or how, changes this value: every existing trail would break."""
    monkeypatch.setattr(audit, "now_utc", lambda: "2026-11-26T00:30:00+00:00")
    conn = open_db(db_path)
    conn.user, conn.command = "tester", "sosa company suspend"
    with transaction(conn):
        # Keys given out of order and Japanese text: stored sorted and unescaped (the canonical JSON).
        audit.record(conn, "suspend", "C-0002", before={"status": "enrolled"}, after={"status_reason": "輸出許可の確認", "status": "suspended"})
    row = _raw(db_path).execute("SELECT * FROM audit").fetchone()
    assert dict(row) | {"hash": None} == {
        "id": 1,
        "at": "2026-11-26T00:30:00+00:00",
        "user": "tester",
        "command": "sosa company suspend",
        "action": "suspend",
        "record": "C-0002",
        "before": '{"status":"enrolled"}',
        "after": '{"status":"suspended","status_reason":"輸出許可の確認"}',
        "rows": None,
        "prev_hash": GENESIS,
        "hash": None,
    }
    assert row["hash"] == canonical_hash(GENESIS, row)
    # sha256("0" * 64 + '[1,"2026-11-26T00:30:00+00:00","tester","sosa company suspend","suspend","C-0002",…]')
    assert row["hash"] == "6f266bb7f039e2a6cc7ce6b2ba737a1bee7813fcd558b27293311b7cb1e75285"


# --- the head row: the newest entry's id and hash, kept by trigger ------------------------


def _head(path) -> sqlite3.Row:
    return _raw(path).execute("SELECT id, hash FROM audit_head").fetchone()


def test_the_head_row_follows_the_newest_entry(trail):
    newest = _raw(trail).execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(_head(trail)) == tuple(newest)


def test_a_head_row_with_another_hash_is_named(sosa, trail):
    newest = _head(trail)["id"]
    _tamper(trail, "UPDATE audit_head SET hash = '" + "f" * 64 + "'")
    walked = _assert_named(sosa, trail, newest, "does not match the recorded head")
    assert walked.rows == newest, "every entry was walked before the head row was read"


def test_a_head_row_pointing_at_an_older_entry_is_named(sosa, trail):
    newest = _head(trail)["id"]
    _tamper(trail, f"UPDATE audit_head SET id = {newest - 1}, hash = (SELECT hash FROM audit WHERE id = {newest - 1})")
    walked = _assert_named(sosa, trail, newest - 1, "does not match the recorded head")
    assert walked.rows == newest, "every entry was walked before the head row was read"


def test_a_head_row_ahead_of_the_trail_is_named(sosa, trail):
    newest = _head(trail)["id"]
    _tamper(trail, f"UPDATE audit_head SET id = {newest + 2}")
    walked = _assert_named(sosa, trail, newest + 1, f"entries {newest + 1}–{newest + 2} are missing")
    assert walked.rows == newest, "every entry was walked before the head row was read"


def test_a_deleted_head_row_is_named(sosa, trail):
    newest = _head(trail)["id"]
    _tamper(trail, "DELETE FROM audit_head")
    walked = _assert_named(sosa, trail, newest, "the record of the newest entry is missing")
    assert walked.rows == newest, "every entry was walked before the head row was read"


def test_a_truncated_tail_is_named_against_the_head_row(sosa, trail):
    newest = _head(trail)["id"]
    _tamper(trail, f"DELETE FROM audit WHERE id = {newest}")
    _assert_named(sosa, trail, newest, f"entries {newest}–{newest} are missing")
