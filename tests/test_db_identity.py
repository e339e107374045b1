"""The database knows itself (issue 11 §5): sosa's mark, another program's file, a damaged
file, a database the officer may only read. Each case is built in its own folder, and a
refused file is checked byte for byte afterwards."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess

import pytest

from sosa_cli import migrations, store
from sosa_cli.errors import SosaError
from sosa_cli.store import open_db

SOSA_MARK = b"SoSA"  # PRAGMA application_id 0x536F5341, bytes 68–71 of the file

READ_COMMANDS = [
    ("company", "list"),
    ("company", "list", "--json"),
    ("company", "show", "C-0001"),
    ("company", "show", "C-0001", "--json"),
    ("delay", "list"),
    ("request", "list"),
    ("ask", "list"),
    ("letter", "list"),
    ("status",),
    ("log",),
    ("log", "C-0001"),
    ("audit", "verify"),
    ("db", "check"),
]
WRITE_COMMANDS = [
    ("company", "update", "C-0001", "--ncage", "SZ999"),
    ("company", "suspend", "C-0002", "--reason", "audit pending"),
    ("enroll", "--name-ja", "株式会社読取", "--name-en", "Yomitori K.K.", "--corporate-number", "8010401135790", "--coc-accepted-on", "2026-11-01"),
]


def settle(path) -> None:
    """Close what the in-process commands left open and fold the -wal file into the
    database, so the file alone is the database (as after the last officer logs off)."""
    gc.collect()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists() and (suffix == "-shm" or extra.stat().st_size == 0):
            extra.unlink()


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output and "unexpected error" not in result.stderr
    return lines[0]


def refused_unchanged(sosa, path, command, expected: str) -> str:
    before = path.read_bytes()
    result = sosa(*command, "--db", str(path), ok=False)
    assert result.exit_code == 1, (command, result.output)
    line = one_line(result)
    assert expected in line, (command, line)
    assert path.read_bytes() == before, f"{command} changed the file"
    return line


# --- the mark ---------------------------------------------------------------------------


def test_a_new_database_carries_sosas_mark(sosa, db_path):
    sosa("init")
    settle(db_path)
    assert db_path.read_bytes()[68:72] == SOSA_MARK
    assert sqlite3.connect(db_path).execute("PRAGMA application_id").fetchone()[0] == 0x536F5341


def test_a_sosa_database_from_before_the_mark_is_marked_on_upgrade(sosa, enrolled):
    settle(enrolled)
    raw = sqlite3.connect(enrolled)
    raw.execute("PRAGMA application_id = 0")
    raw.close()
    assert enrolled.read_bytes()[68:72] == bytes(4)
    listed = sosa("company", "list", "--no-header")
    assert len(listed.stdout.splitlines()) == 10
    settle(enrolled)
    assert enrolled.read_bytes()[68:72] == SOSA_MARK


def test_an_older_schema_without_the_mark_is_upgraded_and_marked(db_path, monkeypatch):
    with monkeypatch.context() as old_sosa:
        old_sosa.setattr(migrations, "STEPS", migrations.STEPS[:5])
        old_sosa.setattr(migrations, "LATEST", 5)
        open_db(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA application_id = 0")
    raw.close()
    conn = open_db(db_path)
    assert migrations.schema_version(conn) == migrations.LATEST
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x536F5341


def test_an_empty_file_and_an_empty_sqlite_database_become_sosa_databases(sosa, tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).execute("VACUUM").connection.close()
    assert blank.stat().st_size > 0
    for path in (empty, blank):
        sosa("init", "--db", str(path))
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x536F5341
        assert conn.execute("SELECT count(*) FROM companies").fetchone()[0] == 0


# --- another program's file -----------------------------------------------------------


def _other_programs_database(path, *, journal="delete", mark=0):
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    if mark:
        conn.execute(f"PRAGMA application_id = {mark}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [(f"note {i}",) for i in range(50)])
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "command",
    [("company", "list"), ("init",), ("status",), ("db", "check"), ("audit", "verify"), ("log",), WRITE_COMMANDS[2]],
    ids=lambda c: " ".join(c[:2]),
)
def test_another_programs_database_is_refused_and_left_unchanged(sosa, tmp_path, command):
    path = tmp_path / "photos.db"
    _other_programs_database(path)
    refused_unchanged(sosa, path, command, f"{path} is a SQLite database of another program, not a sosa database")
    tables = [row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")]
    assert tables == ["notes"], "not one table added"


@pytest.mark.parametrize("journal, mark", [("wal", 0), ("delete", 0x0F055112)], ids=["wal", "fossil mark"])
def test_another_programs_database_in_wal_mode_or_with_its_own_mark_is_refused(sosa, tmp_path, journal, mark):
    path = tmp_path / "other.db"
    _other_programs_database(path, journal=journal, mark=mark)
    refused_unchanged(sosa, path, ("company", "list"), "is a SQLite database of another program, not a sosa database")


def test_a_file_that_is_not_sqlite_is_named_as_such(sosa, tmp_path):
    for name, content in [("sheet.db", b"this is a spreadsheet, not a database\n" * 100), ("short.db", b"hello"), ("zip.db", b"PK\x03\x04" + bytes(200))]:
        path = tmp_path / name
        path.write_bytes(content)
        line = refused_unchanged(sosa, path, ("company", "list"), "is not a sosa database: it is not a SQLite file at all")
        assert "damaged" not in line


# --- a damaged sosa database ----------------------------------------------------------


def _damaged_copy(enrolled, tmp_path, name):
    settle(enrolled)
    path = tmp_path / name
    shutil.copyfile(enrolled, path)
    return path


def _damage(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


DAMAGE = {
    "header overwritten": lambda p: _damage(p, 0, bytes(16)),
    "page size corrupt": lambda p: _damage(p, 16, b"\x00\x03"),
    "cut in half": lambda p: os.truncate(p, (p.stat().st_size // 4096 // 2) * 4096),
    "cut mid-page": lambda p: os.truncate(p, p.stat().st_size - 1000),
    "cut inside the header": lambda p: os.truncate(p, 60),
    "first page zeroed": lambda p: _damage(p, 0, bytes(4096)),
}


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_sosa_database_is_called_damaged_not_foreign(sosa, enrolled, tmp_path, how):
    path = _damaged_copy(enrolled, tmp_path, "damaged.db")
    DAMAGE[how](path)
    for command in [("company", "list"), ("db", "check"), WRITE_COMMANDS[0]]:
        line = refused_unchanged(sosa, path, command, f"{path} is damaged: ")
        assert "restore it from a backup with `cp BACKUP.db" in line
        assert "not a sosa database" not in line and "another program" not in line


def _index_page(path, index):
    conn = sqlite3.connect(path)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    conn.close()
    return page


def _alter_index_entry(path, start, number):
    data = bytearray(path.read_bytes())
    at = data.index(number.encode(), start, start + 4096)
    data[at] = ord("0") if data[at] != ord("0") else ord("1")
    path.write_bytes(bytes(data))


def _zero_index_page(path, start, number):
    _damage(path, start, bytes(4096))


@pytest.mark.parametrize("damage, check", [(_alter_index_entry, "integrity_check"), (_zero_index_page, "quick_check")], ids=["entry altered", "page zeroed"])
def test_a_database_failing_its_integrity_check_is_called_damaged(sosa, enrolled, tmp_path, damage, check):
    """A broken index: the register still lists, and `sosa db check` says the file is damaged."""
    path = _damaged_copy(enrolled, tmp_path, "broken-index.db")
    number = sqlite3.connect(path).execute("SELECT corporate_number FROM companies WHERE key = 'C-0001'").fetchone()[0]
    page = _index_page(path, "idx_companies_corporate_number")
    damage(path, (page - 1) * 4096, number)
    assert sqlite3.connect(path).execute(f"PRAGMA {check}").fetchone()[0] != "ok"

    assert len(sosa("company", "list", "--no-header", "--db", str(path)).stdout.splitlines()) == 10
    line = refused_unchanged(sosa, path, ("db", "check"), f"{path} is damaged: the integrity check")
    assert "idx_companies_corporate_number" in line or "malformed" in line
    with pytest.raises(store.Damaged):
        store.integrity_problems(open_db(path))


# --- a database the officer may only read ----------------------------------------------


@pytest.fixture
def read_only_desk(sosa, enrolled):
    """The sample register with a delay, a request, an ask and a letter, then settled."""
    from tests.conftest import OFFICE

    for key, value in OFFICE.items():
        sosa("config", "set", key, value)
    sosa("letter", "render", "enrollment", "C-0001", "--format", "md")
    settle(enrolled)
    return enrolled


def _reads_work_and_writes_are_refused(sosa, path, reason):
    before = path.read_bytes()
    for command in READ_COMMANDS:
        result = sosa(*command, ok=False)
        assert result.exit_code == 0, (command, result.output)
    assert "10 entries" in sosa("db", "check").stderr or "entries" in sosa("db", "check").stderr
    for command in WRITE_COMMANDS:
        result = sosa(*command, ok=False)
        assert result.exit_code == 1, (command, result.output)
        line = one_line(result)
        assert f"{path} is read-only ({reason}" in line and "changes nothing" in line, line
    assert path.read_bytes() == before


def test_a_file_marked_read_only_serves_reads_and_refuses_writes(sosa, read_only_desk):
    os.chmod(read_only_desk, 0o444)
    _reads_work_and_writes_are_refused(sosa, read_only_desk, "the file is marked read-only")
    export = read_only_desk.parent / "usg.csv"
    result = sosa("company", "export", "--to", "usg", "--format", "csv", "--out", str(export), ok=False)
    assert result.exit_code == 1 and "is read-only" in one_line(result)
    assert not export.exists(), "a refused export leaves no file"


def test_sosa_readonly_opens_a_writable_file_read_only(sosa, read_only_desk, monkeypatch):
    monkeypatch.setenv("SOSA_READONLY", "1")
    _reads_work_and_writes_are_refused(sosa, read_only_desk, "SOSA_READONLY is set")


def test_a_file_the_officer_may_not_write_is_opened_read_only(sosa, read_only_desk, monkeypatch):
    """What a desk officer meets with another officer's file (root passes os.access, so it is
    simulated): SQLite is asked for a read-only connection, not told after a failed write."""
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if os.fspath(path) == os.fspath(read_only_desk) and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    _reads_work_and_writes_are_refused(sosa, read_only_desk, "you may not write the file")


def _chattr(flag, path) -> bool:
    return shutil.which("chattr") is not None and subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.fixture
def frozen_folder(tmp_path):
    """Freeze a folder with `chattr +i` (even root cannot create a -wal or -shm file in it:
    a read-only medium as far as SQLite is concerned), and thaw it afterwards."""
    frozen = []

    def freeze(folder):
        if not _chattr("+i", folder):
            pytest.skip("chattr +i is not available on this file system")
        frozen.append(folder)

    yield freeze
    for folder in frozen:
        _chattr("-i", folder)


def test_a_database_in_a_read_only_folder_is_read_with_immutable(sosa, read_only_desk, frozen_folder):
    for suffix in ("-wal", "-shm"):
        assert not read_only_desk.with_name(read_only_desk.name + suffix).exists()
    frozen_folder(read_only_desk.parent)
    _reads_work_and_writes_are_refused(sosa, read_only_desk, "its folder is read-only")
    assert sorted(p.name for p in read_only_desk.parent.iterdir() if p.name.startswith("desk.db")) == ["desk.db"]


def test_a_read_only_folder_with_unread_changes_in_the_wal_is_refused(sosa, enrolled, tmp_path, frozen_folder):
    """immutable=1 would silently ignore the -wal file's changes: refuse instead."""
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "desk.db"
    settle(enrolled)
    shutil.copyfile(enrolled, path)
    script = (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('PRAGMA wal_autocheckpoint = 0'); "
        "c.execute(\"UPDATE companies SET ncage = 'WAL01' WHERE key = 'C-0001'\"); os._exit(0)"
    )
    subprocess.run([os.sys.executable, "-c", script, str(path)], check=True)
    assert path.with_name("desk.db-wal").stat().st_size > 32
    path.with_name("desk.db-shm").unlink()
    frozen_folder(folder)
    before = path.read_bytes()
    result = sosa("company", "show", "C-0001", "--db", str(path), ok=False)
    assert result.exit_code == 1
    assert "is read-only and its latest changes wait in desk.db-wal" in one_line(result)
    assert path.read_bytes() == before


def test_a_read_only_database_of_an_older_schema_is_refused_not_misread(db_path, monkeypatch):
    with monkeypatch.context() as old_sosa:
        old_sosa.setattr(migrations, "STEPS", migrations.STEPS[:5])
        old_sosa.setattr(migrations, "LATEST", 5)
        open_db(db_path).close()
    settle(db_path)
    os.chmod(db_path, 0o444)
    with pytest.raises(store.ReadOnly, match="its schema needs an upgrade that writes it"):
        open_db(db_path)


def test_an_empty_read_only_file_is_refused(db_path):
    db_path.write_bytes(b"")
    os.chmod(db_path, 0o444)
    with pytest.raises(SosaError, match="holds no database yet"):
        open_db(db_path)


def test_opening_the_database_again_keeps_the_locks_of_this_process(db_path):
    """Reading the header with a descriptor of our own would drop every POSIX lock this
    process holds on the file (closing any descriptor does): another process closing
    then thinks it is the last, and deletes the -wal file under the connection still
    open here, which corrupts the database."""
    first = open_db(db_path)
    assert first.execute("SELECT count(*) FROM companies").fetchone()[0] == 0
    open_db(db_path).close()  # a second command in the same process (the demo, a test)
    script = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM companies').fetchone(); c.close()"
    subprocess.run([os.sys.executable, "-c", script, str(db_path)], check=True)
    assert db_path.with_name("desk.db-wal").exists(), "the other process saw this one's lock and left the -wal file"
    first.close()


def test_a_read_only_database_in_a_folder_with_uri_characters_in_its_name(sosa, read_only_desk, tmp_path):
    """The read-only connection names the file as a URI: `?`, `#`, `%` and spaces stay part of the path."""
    folder = tmp_path / "共有 #1?a=b%20"
    folder.mkdir()
    path = folder / "desk.db"
    shutil.copyfile(read_only_desk, path)
    os.chmod(path, 0o444)
    listed = sosa("company", "list", "--no-header", "--db", str(path))
    assert len(listed.stdout.splitlines()) == 10
    result = sosa(*WRITE_COMMANDS[0], "--db", str(path), ok=False)
    assert f"{path} is read-only (the file is marked read-only)" in one_line(result)
