"""The audit trail proves the data (issue 11 §4): replayed, it must give back every row of
the record tables; a row changed, added or deleted behind sosa's back is named by table,
record and field, with what the trail says and what the table holds.

The database is the demo's: every command of the desk has written it (enrollment, delays
and their slips, requests, asks and their items, relays and answers, letters), so a
write path whose audit entry lacked its rows would show here as a difference.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sosa_cli import audit
from sosa_cli.replay import replay
from sosa_cli.store import open_db, transaction
from tests.conftest import copy_database, tamper


@pytest.fixture
def demo(demo_desk, tmp_path, monkeypatch) -> Path:
    """A copy of the demo's database (conftest.demo_desk), its letters folder beside it
    (recorded relative to it)."""
    shutil.copytree(demo_desk / "sosa-letters", tmp_path / "sosa-letters")
    copy = copy_database(demo_desk / "sosa.db", tmp_path / "desk.db")
    monkeypatch.setenv("SOSA_DB", str(copy))
    return copy


def _refusal(sosa, *args: str) -> str:
    result = sosa(*args, ok=False)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sosa: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_the_demo_replays_to_its_tables(demo, sosa):
    conn = open_db(demo)
    result = replay(conn)
    assert result.ok, result.summary()
    tables = {t for (t,) in conn.execute("SELECT DISTINCT tbl FROM (SELECT json_extract(value, '$[0]') AS tbl FROM audit, json_each(audit.rows))")}
    # Every record table was written through a command, and each write carried its rows.
    assert {"companies", "contacts", "company_fsc", "letters", "delays", "delay_slips", "requests", "request_delays", "asks", "ask_items", "relays"} <= tables
    assert f"the {result.rows} rows of the tables match the trail" in sosa("audit", "verify").stderr
    assert "rows of the tables match the trail" in sosa("db", "check").stderr


def test_only_exports_leave_the_tables_alone(demo):
    """Every entry but an export's carries the rows it wrote."""
    conn = open_db(demo)
    bare = {action for (action,) in conn.execute("SELECT DISTINCT action FROM audit WHERE rows IS NULL")}
    assert bare <= {"export"}, bare


# (what is done behind sosa's back, what `sosa audit verify` must say)
EDITS = {
    "company name changed": (
        ["UPDATE companies SET name_en = 'Forged Trading Co.' WHERE key = 'C-0003'"],
        'companies C-0003: name_en is "Forged Trading Co.", the audit trail says "Chubu Aero Parts Corporation"',
    ),
    "company consent flag set": (
        ["UPDATE companies SET share_usg = 1 - share_usg WHERE key = 'C-0004'"],
        "companies C-0004: share_usg is",
    ),
    "company added": (
        [
            "INSERT INTO companies (key, name_ja, name_en, corporate_number, status, created_at, updated_at)"
            " VALUES ('C-0099', '偽装商事株式会社', 'Forged Trading', '1234567890128', 'enrolled', 'x', 'x')"
        ],
        "companies C-0099 is not in the audit trail (added behind sosa's back)",
    ),
    "contact's e-mail changed": (
        ["UPDATE contacts SET email = 'attacker@example.com' WHERE id = (SELECT min(id) FROM contacts WHERE company_id = 2)"],
        'of C-0002: email is "attacker@example.com"',
    ),
    "FSC code removed": (
        ["DELETE FROM company_fsc WHERE rowid = (SELECT min(rowid) FROM company_fsc WHERE company_id = 1)"],
        "is missing (deleted behind sosa's back)",
    ),
    "delay's promised date moved": (
        ["UPDATE delays SET promised_date = '2026-12-01' WHERE key = 'D-0001'"],
        'delays D-0001: promised_date is "2026-12-01", the audit trail says "2027-01-12"',
    ),
    "slip deleted": (
        ["DELETE FROM delay_slips WHERE id = (SELECT max(id) FROM delay_slips)"],
        "delay_slips #",
    ),
    "request's rating changed": (
        ["UPDATE requests SET rating = 'DX-A1' WHERE key = 'R-0001'"],
        'requests R-0001: rating is "DX-A1", the audit trail says "DO-A1"',
    ),
    "request deleted": (
        ["DELETE FROM request_delays WHERE request_id = 2", "DELETE FROM requests WHERE key = 'R-0002'"],
        "requests R-0002 is missing (deleted behind sosa's back)",
    ),
    "ask's reply-by date changed": (
        ["UPDATE asks SET reply_by = '2027-03-31' WHERE key = 'A-0001'"],
        'asks A-0001: reply_by is "2027-03-31"',
    ),
    "ask item's quantity changed": (
        ["UPDATE ask_items SET quantity = quantity + 100 WHERE ask_id = 1 AND position = 1"],
        "ask_items #1/1 of A-0001: quantity is",
    ),
    "company's answer changed": (
        ["UPDATE relays SET decision = 'accept', committed_date = NULL WHERE decision = 'decline'"],
        'decision is "accept", the audit trail says "decline"',
    ),
    "letter's addressee changed": (
        ["UPDATE letters SET addressee = '偽装商事株式会社 御中' WHERE key = 'L-0001'"],
        'letters L-0001: addressee is "偽装商事株式会社 御中"',
    ),
}


@pytest.mark.parametrize("how", EDITS)
def test_a_row_edited_behind_sosas_back_is_named(demo, sosa, how):
    statements, expected = EDITS[how]
    tamper(demo, *statements)
    for command in (("audit", "verify"), ("db", "check")):
        line = _refusal(sosa, *command)
        assert "the tables differ from the audit trail: " in line
        assert expected in line, line


def test_every_difference_is_listed_with_its_values(demo, sosa):
    tamper(demo, "UPDATE companies SET name_en = 'X', products = 'Y' WHERE key = 'C-0001'", "DELETE FROM delay_slips")
    result = sosa("db", "check", "--json", ok=False)
    report = json.loads(result.stdout)
    assert report["audit_ok"] is True and report["tables_ok"] is False
    changed = [d for d in report["table_differences"] if d["kind"] == "changed"]
    assert [(d["table"], d["record"], d["field"], d["found"]) for d in changed] == [
        ("companies", "C-0001", "name_en", "X"),
        ("companies", "C-0001", "products", "Y"),
    ]
    assert changed[0]["expected"] == "Shinonome Seiki Co., Ltd."
    slips = open_db(demo).execute("SELECT count(*) FROM audit, json_each(audit.rows) WHERE json_extract(value, '$[0]') = 'delay_slips'").fetchone()[0]
    assert slips > 0 and [d["kind"] for d in report["table_differences"] if d["table"] == "delay_slips"] == ["deleted"] * _slips_alive(demo)
    # The one line names three and counts the rest.
    line = _refusal(sosa, "audit", "verify")
    assert line.count(" is missing (deleted behind sosa's back)") + line.count(": name_en is ") + line.count(": products is ") == 3
    assert f"; and {len(report['table_differences']) - 3} more difference" in line


def _slips_alive(path: Path) -> int:
    """How many slips the trail says exist (all were deleted behind its back)."""
    conn = open_db(path)
    state: dict[str, object] = {}
    for (text,) in conn.execute("SELECT rows FROM audit WHERE rows IS NOT NULL ORDER BY id"):
        for table, key, row in json.loads(text):
            if table == "delay_slips":
                state[json.dumps(key)] = row
    return sum(1 for row in state.values() if row is not None)


def test_a_change_put_back_by_hand_is_no_difference(demo, sosa):
    tamper(demo, "UPDATE companies SET name_en = 'X' WHERE key = 'C-0003'")
    _refusal(sosa, "audit", "verify")
    tamper(demo, "UPDATE companies SET name_en = 'Chubu Aero Parts Corporation' WHERE key = 'C-0003'")
    assert "rows of the tables match the trail" in sosa("audit", "verify").stderr


def test_a_write_without_its_audit_entry_is_not_committed(demo):
    conn = open_db(demo)
    before = conn.execute("SELECT name_en FROM companies WHERE key = 'C-0001'").fetchone()[0]
    with pytest.raises(RuntimeError, match="rows of companies were written without an audit entry"), transaction(conn):
        conn.execute("UPDATE companies SET name_en = 'unrecorded' WHERE key = 'C-0001'")
    assert conn.execute("SELECT name_en FROM companies WHERE key = 'C-0001'").fetchone()[0] == before
    assert replay(conn).ok


def test_an_entry_carries_the_rows_as_its_change_left_them(demo):
    conn = open_db(demo)
    with transaction(conn):
        conn.execute("UPDATE companies SET products = 'first' WHERE key = 'C-0002'")
        conn.execute("UPDATE companies SET products = 'second' WHERE key = 'C-0002'")
        entry = audit.record(conn, "update", "C-0002", after={"products": "second"})
    text = conn.execute("SELECT rows FROM audit WHERE id = ?", (entry,)).fetchone()[0]
    [[table, key, row]] = json.loads(text)
    assert (table, key, row["key"], row["products"]) == ("companies", [2], "C-0002", "second")
    assert replay(conn).ok


def test_a_rolled_back_change_leaves_nothing_to_replay(demo):
    conn = open_db(demo)
    with pytest.raises(ValueError), transaction(conn):
        conn.execute("UPDATE companies SET products = 'gone' WHERE key = 'C-0002'")
        raise ValueError("refused half-way")
    with transaction(conn):
        conn.execute("UPDATE companies SET coc_signatory = '代表取締役 山田 一郎' WHERE key = 'C-0005'")
        entry = audit.record(conn, "update", "C-0005")
    rows = json.loads(conn.execute("SELECT rows FROM audit WHERE id = ?", (entry,)).fetchone()[0])
    assert [(t, r["key"]) for t, _, r in rows] == [("companies", "C-0005")], "the rolled-back C-0002 write is not carried"
    assert replay(conn).ok


def test_replay_needs_the_rows_in_the_hash(demo, sosa):
    """Editing an entry's rows to match a forged table breaks the chain at that entry."""
    conn = open_db(demo)
    entry, text = conn.execute("SELECT id, rows FROM audit WHERE action = 'enroll' AND record = 'C-0003'").fetchone()
    conn.close()
    assert "Chubu Aero Parts Corporation" in text
    tamper(
        demo,
        f"UPDATE audit SET rows = replace(rows, 'Chubu Aero Parts Corporation', 'Forged Trading Co.') WHERE id = {entry}",
        "UPDATE companies SET name_en = 'Forged Trading Co.' WHERE key = 'C-0003'",
    )
    line = _refusal(sosa, "audit", "verify")
    assert f"audit entry {entry} is broken: its content was changed after it was written" in line


def test_a_backup_replays_too(demo, tmp_path, sosa):
    copy = tmp_path / "backup.db"
    sosa("db", "backup", str(copy))
    assert replay(open_db(copy)).ok
