"""Frozen migrations: a shipped migration never changes, and a fresh database has the schema
checked in beside this file (tests/schema.sql).

After adding a migration, write the new expected schema with

    python3 -c "from tests.test_migrations import write_schema; write_schema()"

and add the migration's fingerprint to SHIPPED; read the diff of schema.sql before
committing it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from sosa_cli import audit, migrations
from sosa_cli.replay import replay
from sosa_cli.store import open_db

EXPECTED_SCHEMA = Path(__file__).with_name("schema.sql")

# The SHA-256 of each migration's SQL as it shipped. A migration that has shipped is
# never edited: a changed fingerprint means a database created today would differ from
# one created before, with nothing to bring the older one up to date.
SHIPPED = {
    "0001_company_register": "226404f90f4d3b65ce1966836724c7a9a06fb71791188f22e02eb143f07a14dc",
    "0002_audit_trail": "a799c2e2c7e8f1839f698bb77dcf0c1612fd17c5460fbd0e5dac7053926be8fd",
    "0003_letters": "d740b426ea6c2e2aba6de68fc4698893f5bf06d496d7a94f8a38b77a9ded3746",
    "0004_delays_requests": "22a3135d1752e226e35fbb4180a59857f96632fe5070a75136f19a247a9db771",
    "0005_asks": "21e575dfb5cde111b14135b4d5f0c3fcca148491ee3906c1f29388627ad08e0a",
    "0006_english_letter_data": "4eaed717f945303f4e7595b6330afa530538c76949b0c7a453499b20c518da4d",
    "0007_audit_rows": "5bb334aedbb2d5d5afc571d206450379f6160db9e2d7d41942c7cb4c22fd13ab",
    "0008_services": "3240dc332b1a430f91f484f0806807bb29b59c04ccf651242619135fcf27ed6b",
}


def fingerprint(script: str) -> str:
    return hashlib.sha256(script.encode("utf-8")).hexdigest()


def schema_text(conn: sqlite3.Connection) -> str:
    """Every table, index, trigger and view as SQLite stores it, in the order created.

    `_sqlite_migrations` is left out: it is sqlite-utils' bookkeeping, not a migration's.
    """
    rows = conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name <> '_sqlite_migrations' ORDER BY rowid").fetchall()
    return "".join(f"{row[0]};\n" for row in rows)


def fresh_schema(path: Path) -> str:
    conn = open_db(path)
    try:
        return schema_text(conn)
    finally:
        conn.close()


def write_schema() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        EXPECTED_SCHEMA.write_text(fresh_schema(Path(folder) / "fresh.db"), encoding="utf-8")


def test_a_fresh_database_has_the_checked_in_schema(db_path):
    assert fresh_schema(db_path) == EXPECTED_SCHEMA.read_text(encoding="utf-8")


def test_no_shipped_migration_was_edited():
    names = [name for name, _ in migrations.STEPS]
    assert names[: len(SHIPPED)] == list(SHIPPED), "shipped migrations keep their names and order"
    assert len(names) == len(set(names))
    for name, script in migrations.STEPS:
        assert name in SHIPPED, f"{name}: add its fingerprint to SHIPPED once it is final"
        assert fingerprint(script) == SHIPPED[name], f"{name} has shipped: never edit it, add a migration"


def test_each_migration_is_sql_text_of_its_own():
    """The migrations call no domain module: changing delays.py cannot change a schema."""
    for name, script in migrations.STEPS:
        assert isinstance(script, str), name
        statements = list(migrations._statements(script))
        assert statements and all(s.endswith(";") for s in statements), name
    from sosa_cli import asks, delays, requests

    assert not any(hasattr(module, "schema") for module in (asks, delays, requests))


def test_an_unfinished_statement_is_refused():
    with pytest.raises(ValueError, match="unfinished statement"):
        list(migrations._statements("CREATE TABLE t (a TEXT);\nCREATE TABLE u (b TEXT"))


def test_applied_migrations_are_recorded_by_name_and_version(db_path):
    conn = open_db(db_path)
    applied = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'sosa' ORDER BY id")]
    assert applied == [name for name, _ in migrations.STEPS]
    assert migrations.schema_version(conn) == migrations.LATEST == len(migrations.STEPS)


def _database_at(version: int, db_path, monkeypatch, rows: str) -> None:
    """A database as the sosa of schema `version` left it, holding `rows` (SQL inserts)."""
    with monkeypatch.context() as old_sosa:
        old_sosa.setattr(migrations, "STEPS", migrations.STEPS[:version])
        old_sosa.setattr(migrations, "LATEST", version)
        conn = open_db(db_path)
        assert migrations.schema_version(conn) == version
        conn.executescript(rows)
        conn.close()


def test_a_database_of_the_previous_version_is_upgraded_and_keeps_its_rows(db_path, monkeypatch, tmp_path):
    """A database from before 0006: its delays, ask items and relays gain the columns English
    letters need, every row kept, and its schema ends as a fresh database's."""
    _database_at(
        5,
        db_path,
        monkeypatch,
        """
            INSERT INTO companies (id, key, name_ja, name_en, corporate_number, status) VALUES (1, 'C-0001', '甲', 'Ko', '8010401135790', 'enrolled');
            INSERT INTO delays (id, key, company_id, status, supplier, part_number, quantity, need_date, original_promised_date,
                                promised_date, created_at, updated_at)
                VALUES (1, 'D-0001', 1, 'open', 'Acme', 'HV-1', 4, '2027-01-15', '2027-04-30', '2027-04-30', 'x', 'x');
            INSERT INTO asks (id, key, status, dod_ref, received_on, reply_by, created_at, updated_at)
                VALUES (1, 'A-0001', 'relayed', 'IBP-1', '2026-11-25', '2026-12-25', 'x', 'x');
            INSERT INTO ask_items (ask_id, position, part_number, quantity, current_delivery, requested_delivery)
                VALUES (1, 1, 'MC-4410', 12, '2027-06-30', '2027-03-31');
            INSERT INTO relays (id, ask_id, company_id, status, sent_on, answer_by, original_answer_by, note, created_at, updated_at)
                VALUES (1, 1, 1, 'answered', '2026-11-26', '2026-12-10', '2026-12-10', '残りは当初納期', 'x', 'x');
            """,
    )
    conn = open_db(db_path)
    assert migrations.schema_version(conn) == migrations.LATEST
    delay = dict(conn.execute("SELECT * FROM delays").fetchone())
    assert (delay["part_number"], delay["unit"], delay["program_en"], delay["service_branch"]) == ("HV-1", "EA", None, None)
    item = dict(conn.execute("SELECT * FROM ask_items").fetchone())
    assert (item["part_number"], item["customer"], item["order_number"]) == ("MC-4410", None, None)
    relay = dict(conn.execute("SELECT * FROM relays").fetchone())
    assert (relay["note"], relay["note_en"]) == ("残りは当初納期", None)
    assert schema_text(conn) == fresh_schema(tmp_path / "fresh.db")
    # The upgrade recorded the tables as it found them: the replay starts there and agrees.
    snapshot = conn.execute("SELECT action, record, rows FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert (snapshot["action"], snapshot["record"]) == ("snapshot", "database")
    assert {(table, tuple(key)) for table, key, _ in json.loads(snapshot["rows"])} == {
        ("companies", (1,)),
        ("delays", (1,)),
        ("asks", (1,)),
        ("ask_items", (1, 1)),
        ("relays", (1,)),
    }
    assert audit.verify(conn).ok and replay(conn).ok
    conn.execute("UPDATE relays SET note = '全数前倒し' WHERE id = 1")
    assert [d.describe() for d in replay(conn).differences] == ['relays #1 of C-0001: note is "全数前倒し", the audit trail says "残りは当初納期"']


def test_a_fresh_database_needs_no_snapshot(db_path):
    conn = open_db(db_path)
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
    assert replay(conn).ok


def _schema_7_database(db_path, monkeypatch) -> None:
    """A database as sosa left it at schema 7: two delays, their slips, a request covering one."""
    _database_at(
        7,
        db_path,
        monkeypatch,
        """
            INSERT INTO companies (id, key, name_ja, name_en, corporate_number, status) VALUES (1, 'C-0001', '甲', 'Ko', '8010401135790', 'enrolled');
            INSERT INTO company_fsc (company_id, fsc) VALUES (1, '1650');
            INSERT INTO delays (id, key, company_id, status, supplier, supplier_cage, part_number, nsn, quantity, need_date,
                                original_promised_date, promised_date, impact, efforts, created_at, updated_at, program_en, unit)
                VALUES (1, 'D-0001', 1, 'escalated', 'Acme', '1ABC2', 'HV-1', '1650-01-234-5678', 4, '2027-01-15', '2027-04-30',
                        '2027-05-31', 'two aircraft held', 'weekly calls', 'x', 'x', 'F-2 fighter', 'EA'),
                       (2, 'D-0002', 1, 'open', 'Bravo', NULL, 'BR-9', NULL, 1, '2027-02-01', '2027-03-01', '2027-03-01', NULL, NULL,
                        'x', 'x', NULL, 'SE');
            INSERT INTO delay_slips (delay_id, promised_date, recorded_at, source) VALUES (1, '2027-04-30', 'x', 'reported'),
                (1, '2027-05-31', 'x', 'reported'), (2, '2027-03-01', 'x', 'reported');
            INSERT INTO requests (id, key, company_id, status, action, urgency, created_at, updated_at)
                VALUES (1, 'R-0001', 1, 'draft', 'rating', 'critical', 'x', 'x');
            INSERT INTO request_delays (request_id, delay_id) VALUES (1, 1);
            """,
    )


def test_a_database_of_schema_7_keeps_its_delays_and_may_record_services(db_path, monkeypatch, tmp_path, sosa):
    """0008 rebuilds the delays table (a part number is no longer required of a service):
    every delay comes through with its columns, its slips and its request, and is a part."""
    _schema_7_database(db_path, monkeypatch)
    conn = open_db(db_path)
    assert migrations.schema_version(conn) == migrations.LATEST
    delays = [dict(row) for row in conn.execute("SELECT * FROM delays ORDER BY id")]
    assert [(d["key"], d["kind"], d["part_number"], d["nsn"], d["quantity"], d["unit"], d["promised_date"]) for d in delays] == [
        ("D-0001", "part", "HV-1", "1650-01-234-5678", 4, "EA", "2027-05-31"),
        ("D-0002", "part", "BR-9", None, 1, "SE", "2027-03-01"),
    ]
    first = delays[0]
    assert (first["supplier_cage"], first["program_en"], first["impact"], first["status"]) == ("1ABC2", "F-2 fighter", "two aircraft held", "escalated")
    assert all(d["supplier_country"] is None and d["psc"] is None for d in delays)
    assert conn.execute("SELECT count(*) FROM delay_slips").fetchone()[0] == 3
    assert [tuple(r) for r in conn.execute("SELECT request_id, delay_id FROM request_delays")] == [(1, 1)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert [r[1] for r in conn.execute("PRAGMA index_list(delays)") if not r[1].startswith("sqlite_")] == ["delays_status", "delays_company"]
    assert schema_text(conn) == fresh_schema(tmp_path / "fresh.db")
    snapshot = conn.execute("SELECT action, rows FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert snapshot["action"] == "snapshot"
    assert {(table, tuple(key)) for table, key, _ in json.loads(snapshot["rows"]) if table == "delays"} == {("delays", (1,)), ("delays", (2,))}
    conn.close()

    assert "Traceback" not in sosa("db", "check").output
    shown = json.loads(sosa("delay", "show", "D-0001", "--json").stdout)
    assert (shown["kind"], shown["part_number"], shown["request_key"], len(shown["slips"])) == ("part", "HV-1", "R-0001", 2)
    sosa(
        "delay",
        "add",
        "--service",
        "--company",
        "C-0001",
        "--supplier",
        "GE Aerospace",
        "--description",
        "F110 engine depot repair",
        "--need-date",
        "2027-01-15",
        "--promised-date",
        "2027-06-30",
    )
    assert sosa("db", "check").exit_code == 0


def test_a_delay_lost_in_the_rebuild_would_fail_the_upgrade(db_path, monkeypatch):
    """The deferred check of delay_slips' and request_delays' references is what makes the
    rebuild safe: were a delay not put back, the COMMIT fails and the database stays at 7."""
    _schema_7_database(db_path, monkeypatch)
    broken = migrations.SERVICES.replace("FROM temp.delays_0008 ORDER BY id;", "FROM temp.delays_0008 WHERE id = 2;")
    assert broken != migrations.SERVICES
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS[:7], ("0008_services", broken)])
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        open_db(db_path)
    monkeypatch.undo()
    conn = sqlite3.connect(db_path)
    assert migrations.schema_version(conn) == 7
    assert conn.execute("SELECT count(*) FROM delays").fetchone()[0] == 2
    conn.close()
