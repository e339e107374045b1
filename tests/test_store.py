"""The one door to the database: pragmas, permissions, migrations, transactions, backup."""

from __future__ import annotations

import multiprocessing
import sqlite3
import stat

import pytest

from sosa_cli import audit, migrations
from sosa_cli.errors import SosaError
from sosa_cli.replay import replay
from sosa_cli.store import open_db, transaction


def test_new_database_is_private_wal_with_foreign_keys(db_path):
    conn = open_db(db_path)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert migrations.schema_version(conn) == migrations.LATEST


def test_init_is_idempotent(sosa, db_path):
    first = sosa("init")
    second = sosa("init")
    assert "Database ready" in first.stderr and "Database ready" in second.stderr
    conn = sqlite3.connect(db_path)
    applied = conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == migrations.LATEST


def test_database_from_a_newer_sosa_is_refused(sosa, db_path):
    open_db(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    raw.close()
    with pytest.raises(SosaError, match="newer sosa"):
        open_db(db_path)
    result = sosa("company", "list", ok=False)
    assert result.exit_code == 1
    assert "newer sosa" in result.stderr and "Traceback" not in result.output


def test_not_a_database_is_refused_in_one_line(sosa, db_path):
    db_path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    result = sosa("company", "list", ok=False)
    assert result.exit_code == 1
    assert "not a sosa database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_refused_write_changes_nothing(db_path):
    conn = open_db(db_path)
    with pytest.raises(RuntimeError):
        with transaction(conn):
            conn.execute("INSERT INTO company_fsc (company_id, fsc) SELECT 1, '1234' WHERE 0")
            conn.execute("INSERT INTO companies (key, name_ja, name_en, corporate_number, status) VALUES ('C-0001', 'a', 'b', '1', 'applied')")
            raise RuntimeError("refused half-way")
    assert conn.execute("SELECT count(*) FROM companies").fetchone()[0] == 0


def _increment(path: str, times: int) -> None:
    conn = open_db(path)
    for _ in range(times):
        with transaction(conn):
            value = conn.execute("SELECT value FROM counter").fetchone()[0]
            conn.execute("UPDATE counter SET value = ?", (value + 1,))
            audit.record(conn, "count", "counter", after={"value": value + 1})


def test_concurrent_writers_wait_and_lose_nothing(db_path):
    conn = open_db(db_path)
    conn.execute("CREATE TABLE counter (value INTEGER)")
    conn.execute("INSERT INTO counter VALUES (0)")
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_increment, args=(str(db_path), 150)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    assert conn.execute("SELECT value FROM counter").fetchone()[0] == 450
    assert audit.verify(conn).rows == 450 and replay(conn).ok, "each change kept its audit entry, in order"


def test_backup_is_checked_and_opens(sosa, enrolled, tmp_path):
    copy = tmp_path / "backup.db"
    result = sosa("db", "backup", str(copy))
    assert "integrity check" in result.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    listed = sosa("company", "list", "--no-header", "--db", str(copy))
    assert len(listed.stdout.splitlines()) == 10
    # The same database copied again gives the same bytes: the file is already the backup.
    assert sosa("db", "backup", str(copy)).exit_code == 0
    sosa("company", "suspend", "C-0001", "--reason", "audit pending")
    again = sosa("db", "backup", str(copy), ok=False)
    assert again.exit_code == 1 and "already exists (add --force to replace it)" in again.stderr


def test_db_path_follows_option_and_environment(sosa, db_path, tmp_path):
    assert sosa("db", "path").stdout.strip() == str(db_path)
    other = tmp_path / "other.db"
    assert sosa("db", "path", "--db", str(other)).stdout.strip() == str(other)
    assert sosa("--db", str(other), "db", "path").stdout.strip() == str(other)


def test_db_check_passes_on_a_healthy_database(sosa, enrolled):
    result = sosa("db", "check")
    assert "integrity ok" in result.stderr and "10 entries" in result.stderr


def test_files_written_in_a_transaction_that_rolls_back_are_removed(db_path, tmp_path):
    from sosa_cli.store import on_rollback, remove_file

    conn = open_db(db_path)
    letter = tmp_path / "L-0001.md"
    with pytest.raises(RuntimeError):
        with transaction(conn):
            letter.write_text("装備政策第1号")
            on_rollback(conn, remove_file(letter))
            with transaction(conn):  # a nested call joins the outer transaction
                inner = tmp_path / "L-0002.md"
                inner.write_text("装備政策第2号")
                on_rollback(conn, remove_file(inner))
            raise RuntimeError("refused after both letters were written")
    assert not letter.exists() and not inner.exists()
    with transaction(conn):
        letter.write_text("装備政策第1号")
        on_rollback(conn, remove_file(letter))
    assert letter.exists(), "a committed transaction keeps its files"
    assert conn.undo == []
