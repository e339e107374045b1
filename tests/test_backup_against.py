"""A truncated or rewritten trail caught against a backup (issue 11 §4, second point).

`sosa db backup` says which audit entry the copy ends at (the chain head it copied), and
`sosa audit verify --against BACKUP` proves the live trail holds every entry of the
backup's with the same hash, naming the first entry where they part. The forgeries here
fool the chain alone: the tail cut off with the head row moved back, an entry rewritten
with every later hash recomputed. Only the earlier copy tells.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from sosa_cli import audit
from sosa_cli.store import open_db
from tests.conftest import SAMPLE_COMPANIES

FIELDS = ("id", "at", "user", "command", "action", "record", "before", "after")


def _entries(path) -> list[sqlite3.Row]:
    raw = sqlite3.connect(path)
    raw.row_factory = sqlite3.Row
    try:
        return raw.execute("SELECT * FROM audit ORDER BY id").fetchall()
    finally:
        raw.close()


def _chain_holds(path) -> bool:
    conn = open_db(path, create=False)
    try:
        return audit.verify(conn).ok
    finally:
        conn.close()


def _forge(path, *statements: str, params: list[tuple] | None = None) -> None:
    """Edit the live file behind the tool's back, the append-only triggers dropped first."""
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER IF EXISTS audit_no_update")
    raw.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for sql in statements:
        raw.execute(sql)
    for sql, *args in params or []:
        raw.execute(sql, args)
    raw.commit()
    raw.close()


def _one_line_refusal(result, *parts: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sosa: ")
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def backed_up(sosa, enrolled, tmp_path):
    """The sample register (entries #1–#10) backed up, then two more changes (#11, #12)."""
    copy = tmp_path / "backup.db"
    sosa("db", "backup", str(copy))
    sosa("company", "suspend", "C-0001", "--reason", "export licence review")
    sosa("company", "reinstate", "C-0001")
    return copy


def test_backup_names_the_chain_head_it_copied(sosa, enrolled, tmp_path):
    copy = tmp_path / "backup.db"
    result = sosa("db", "backup", str(copy))
    head = _entries(enrolled)[-1]
    assert head["id"] == 10
    assert f"holds the audit trail up to entry #10, hash {head['hash'][:12]}…" in result.stderr
    assert "passed its integrity check" in result.stderr
    assert f"sosa audit verify --against {copy}" in result.stderr
    # The copy's own newest entry is that head: the backup itself carries what it copied.
    assert [(e["id"], e["hash"]) for e in _entries(copy)] == [(e["id"], e["hash"]) for e in _entries(enrolled)]
    # Taking a backup is a read: the live trail does not grow.
    assert len(_entries(enrolled)) == 10


def test_a_backup_of_an_empty_trail_says_so(sosa, db_path, tmp_path):
    sosa("init")
    assert _entries(db_path) == []
    result = sosa("db", "backup", str(tmp_path / "empty.db"))
    assert "holds no audit entries yet" in result.stderr
    assert "extends the backup" in sosa("audit", "verify", "--against", str(tmp_path / "empty.db")).stderr


def test_the_live_trail_extends_its_backup(sosa, backed_up, enrolled, tmp_path):
    result = sosa("audit", "verify", "--against", str(backed_up))
    assert result.exit_code == 0
    head = _entries(backed_up)[-1]
    assert "Audit trail intact: 12 entries" in result.stderr
    assert f"extends the backup {backed_up} (up to #10, hash {head['hash'][:12]}…) with 2 entries since" in result.stderr
    # Read as it is: no -wal or -shm file left beside the copy, and its bytes unchanged.
    before = backed_up.read_bytes()
    sosa("audit", "verify", "--against", str(backed_up))
    assert backed_up.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == ["backup.db"]
    # The live database as its own backup: nothing since.
    same = sosa("audit", "verify", "--against", str(enrolled))
    assert "with 0 entries since" in same.stderr
    # Plain verify is unchanged.
    plain = sosa("audit", "verify").stderr
    assert "Audit trail intact: 12 entries, each chained to the one before; the " in plain
    assert " rows of the tables match the trail." in plain


def test_a_tail_cut_off_behind_the_tools_back_is_named_against_the_backup(sosa, enrolled, tmp_path):
    sosa("company", "suspend", "C-0001", "--reason", "export licence review")
    sosa("company", "reinstate", "C-0001")
    copy = tmp_path / "backup.db"
    sosa("db", "backup", str(copy))  # entries #1–#12
    sosa("company", "suspend", "C-0002", "--reason", "audit pending")
    sosa("company", "reinstate", "C-0002")  # #13, #14
    eighth = _entries(enrolled)[7]
    # The tail cut back past the backup's head, and the head row moved back with it.
    _forge(enrolled, "DELETE FROM audit WHERE id > 8", params=[("UPDATE audit_head SET id = ?, hash = ?", 8, eighth["hash"])])
    assert _chain_holds(enrolled), "the forgery fools the chain: only the backup can tell"
    result = sosa("audit", "verify", "--against", str(copy), ok=False)
    _one_line_refusal(
        result,
        f"the live audit trail does not extend the backup {copy}",
        "entry #9 of the backup is missing from the live trail: the live trail ends at #8",
    )


def test_a_whole_database_rolled_back_to_an_older_copy_is_named(sosa, enrolled, tmp_path):
    """A tail lost without any forgery: the live file replaced by an older one."""
    older = tmp_path / "older.db"
    sosa("db", "backup", str(older))  # #1–#10
    sosa("company", "suspend", "C-0001", "--reason", "export licence review")
    newer = tmp_path / "newer.db"
    sosa("db", "backup", str(newer))  # #1–#11
    # The older copy restored over the live file (through SQLite, as another process is open on it).
    source, live = sqlite3.connect(older), sqlite3.connect(enrolled)
    source.backup(live)
    source.close()
    live.close()
    assert "Audit trail intact: 10 entries" in sosa("audit", "verify").stderr
    result = sosa("audit", "verify", "--against", str(newer), ok=False)
    _one_line_refusal(result, "entry #11 of the backup is missing from the live trail: the live trail ends at #10")
    # The older copy is still extended by the live trail (it is that copy).
    assert "with 0 entries since" in sosa("audit", "verify", "--against", str(older)).stderr


def test_an_entry_rewritten_and_rechained_is_named_against_the_backup(sosa, backed_up, enrolled):
    rows = [dict(r) for r in _entries(enrolled)]
    backup_third = _entries(backed_up)[2]
    # A careful forger: entry #3's officer changed, its hash and every later prev_hash and
    # hash recomputed from the documented form, and the head row moved to the new last hash.
    rows[2]["user"] = "nobody"
    prev = "0" * 64
    updates = []
    for row in rows:
        values = [row[f] for f in FIELDS] + ([row["rows"]] if row["rows"] is not None else [])
        text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
        updates.append(("UPDATE audit SET user = ?, prev_hash = ?, hash = ? WHERE id = ?", row["user"], prev, digest, row["id"]))
        row["prev_hash"], row["hash"] = prev, digest
        prev = digest
    updates.append(("UPDATE audit_head SET id = ?, hash = ?", rows[-1]["id"], prev))
    _forge(enrolled, params=updates)
    assert _chain_holds(enrolled), "the forgery fools the chain: only the backup can tell"
    assert sosa("audit", "verify").exit_code == 0
    result = sosa("audit", "verify", "--against", str(backed_up), ok=False)
    _one_line_refusal(
        result,
        f"entry #3: the live trail has hash {rows[2]['hash'][:12]}…, the backup {backup_third['hash'][:12]}…",
    )


def test_a_backup_of_another_database_parts_at_the_first_entry(sosa, enrolled, tmp_path, monkeypatch):
    """Another desk's copy: the same companies, enrolled by another officer."""
    other = tmp_path / "other.db"
    monkeypatch.setenv("SOSA_USER", "another officer")
    sosa("enroll", "--from", str(SAMPLE_COMPANIES), "--db", str(other))
    sosa("db", "backup", str(tmp_path / "other-backup.db"), "--db", str(other))
    monkeypatch.setenv("SOSA_USER", "tester")
    result = sosa("audit", "verify", "--against", str(tmp_path / "other-backup.db"), ok=False)
    _one_line_refusal(result, "entry #1: the live trail has hash")


def test_a_backup_whose_own_chain_is_broken_is_refused(sosa, backed_up):
    _forge(backed_up, "UPDATE audit SET user = 'nobody' WHERE id = 4")
    result = sosa("audit", "verify", "--against", str(backed_up), ok=False)
    _one_line_refusal(result, "the backup's audit entry 4 is broken", "verify against another backup")


def test_a_broken_live_trail_is_named_before_any_backup(sosa, backed_up, enrolled):
    _forge(enrolled, "UPDATE audit SET user = 'nobody' WHERE id = 11")
    result = sosa("audit", "verify", "--against", str(backed_up), ok=False)
    _one_line_refusal(result, "audit entry 11 is broken")


def _another_programs_database(path) -> None:
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    raw.commit()
    raw.close()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_text("company: C-0001\n"), "is not a sosa database: it is not a SQLite file at all"),
        (lambda p: p.write_bytes(b""), "is not a sosa database: it is empty"),
        (_another_programs_database, "is not a sosa database backup: it is a SQLite database of another program"),
        (lambda p: p.mkdir(), "is a folder, not a backup file"),
        (lambda p: None, "no backup at"),
    ],
    ids=["text", "empty", "other-program", "folder", "missing"],
)
def test_what_is_not_a_sosa_backup_is_refused_in_one_line(sosa, enrolled, tmp_path, make, said):
    target = tmp_path / "not-a-backup.db"
    make(target)
    before = target.read_bytes() if target.is_file() else None
    result = sosa("audit", "verify", "--against", str(target), ok=False)
    _one_line_refusal(result, said)
    if before is not None:
        assert target.read_bytes() == before, "the file is left as it was"


def test_a_damaged_backup_is_called_damaged(sosa, backed_up, tmp_path):
    cut = tmp_path / "cut.db"
    cut.write_bytes(backed_up.read_bytes()[: 5 * 4096])
    result = sosa("audit", "verify", "--against", str(cut), ok=False)
    _one_line_refusal(result, f"{cut} is damaged", "use another backup")
