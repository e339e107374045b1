"""The audit trail: every change recorded in its transaction, and tampering detected."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sosa_cli import audit
from sosa_cli.store import open_db, transaction


def test_every_enrollment_is_in_the_trail_with_who_and_what(sosa, enrolled):
    entries = json.loads(sosa("log", "--json").stdout)
    assert [e["record"] for e in entries] == [f"C-{n:04d}" for n in range(1, 11)]
    first = entries[0]
    assert first["user"] == "tester"
    assert first["action"] == "enroll"
    assert first["command"] == "sosa enroll"
    assert first["after"]["corporate_number"] == "9010401071234"
    assert first["before"] is None


def test_log_of_one_record_shows_its_history(sosa, enrolled):
    sosa("company", "suspend", "C-0002", "--reason", "export licence review")
    sosa("company", "reinstate", "c-2")
    history = json.loads(sosa("log", "C-0002", "--json").stdout)
    assert [e["action"] for e in history] == ["enroll", "suspend", "reinstate"]
    assert history[1]["before"]["status"] == "enrolled"
    assert history[1]["after"] == {"status": "suspended", "status_reason": "export licence review"}
    by_number = json.loads(sosa("log", "2010401082345", "--json").stdout)
    assert by_number == history


def test_the_trail_refuses_update_and_delete(enrolled):
    conn = open_db(enrolled)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET user = 'someone else' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE id = 1")


def _tamper(path, *statements):
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("DROP TRIGGER audit_no_delete")
    for sql in statements:
        raw.execute(sql)
    raw.commit()
    raw.close()


@pytest.mark.parametrize(
    "statements, broken_at, problem",
    [
        (["UPDATE audit SET after = replace(after, 'Shinonome', 'Shinonone') WHERE id = 1"], 1, "changed"),
        (["UPDATE audit SET user = 'nobody' WHERE id = 4"], 4, "changed"),
        (["DELETE FROM audit WHERE id = 5"], 6, "missing"),
        (["DELETE FROM audit WHERE id >= 9"], 9, "missing"),
        (
            # A careful forger recomputes the edited row's own hash: the next row no longer follows it.
            ["UPDATE audit SET user = 'nobody', hash = '" + "f" * 64 + "' WHERE id = 3"],
            3,
            "changed",
        ),
    ],
)
def test_tampering_behind_the_tools_back_is_found(sosa, enrolled, statements, broken_at, problem):
    assert audit.verify(open_db(enrolled)).ok
    _tamper(enrolled, *statements)
    result = audit.verify(open_db(enrolled))
    assert not result.ok
    assert result.broken_at == broken_at
    assert problem in result.problem
    cli = sosa("audit", "verify", ok=False)
    assert cli.exit_code == 1
    assert f"audit entry {broken_at} is broken" in cli.stderr
    assert sosa("db", "check", ok=False).exit_code == 1


def test_recomputed_hash_still_breaks_the_link_to_the_next_entry(enrolled):
    conn = open_db(enrolled)
    row = dict(conn.execute("SELECT * FROM audit WHERE id = 3").fetchone())
    row["user"] = "nobody"
    forged = audit._digest(row["prev_hash"], {f: row[f] for f in (*audit.FIELDS, audit.ROWS)})
    _tamper(enrolled, f"UPDATE audit SET user = 'nobody', hash = '{forged}' WHERE id = 3")
    result = audit.verify(open_db(enrolled))
    assert result.broken_at == 4 and "does not follow" in result.problem


def test_an_entry_outside_a_transaction_is_refused(db_path):
    conn = open_db(db_path)
    with pytest.raises(RuntimeError):
        audit.record(conn, "enroll", "C-0001", after={})
    with transaction(conn):
        audit.record(conn, "note", "C-0001", after={"text": "inside"})
    assert audit.verify(conn).ok and audit.verify(conn).rows == 1
