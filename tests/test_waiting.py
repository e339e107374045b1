"""Waiting is visible (issue 11 §8): a write that waits for another officer's write lock
says so after about a second, and gives up after the busy timeout in one line that says
what to do, having changed nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from sosa_cli import audit, store
from sosa_cli.errors import SosaError
from sosa_cli.store import open_db, transaction

WAITING = "waiting for another sosa command to finish writing…"
ENROLL = ["enroll", "--name-ja", "株式会社待機", "--name-en", "Taiki K.K.", "--corporate-number", "8010401135790", "--coc-accepted-on", "2026-11-01"]

# Another officer's command: takes the write lock, says so, holds it, lets go.
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def _hold(path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def _sosa(*args: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "sosa_cli", *args], capture_output=True, text=True, env=env, timeout=120)
    return result, time.monotonic() - started


@pytest.fixture
def desk(sosa, db_path):
    sosa("init")
    env = {**os.environ}
    env.pop("SOSA_BUSY_TIMEOUT", None)
    return db_path, env


def _counts(path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    return conn.execute("SELECT count(*) FROM companies").fetchone()[0], conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_a_write_that_waits_says_so_and_then_succeeds(desk):
    path, env = desk
    holder = _hold(path, 2)
    result, took = _sosa(*ENROLL, env=env)
    holder.wait(10)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(WAITING) == 1, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"sosa: {WAITING}" or lines[0] == WAITING
    assert "Enrolled" in result.stderr or "C-0001" in result.stdout + result.stderr
    assert took >= 1.5, "it waited for the other command"
    assert _counts(path) == (1, 1)


def test_after_the_busy_timeout_a_write_fails_in_one_line_and_changes_nothing(desk):
    path, env = desk
    before = _counts(path)
    holder = _hold(path, 4)
    result, _ = _sosa(*ENROLL, env={**env, "SOSA_BUSY_TIMEOUT": "1"})
    assert holder.poll() is None, "it gave up after its timeout, while the other command still wrote"
    assert holder.wait(10) == 0
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{path} stayed busy for 1 s: another sosa command is writing it, and sosa enroll changed nothing" in lines[0]
    assert "try again" in lines[0] and "pgrep -af sosa" in lines[0]
    assert _counts(path) == before


def test_a_write_that_finds_the_lock_free_says_nothing_about_waiting(desk):
    path, env = desk
    result, _ = _sosa(*ENROLL, env=env)
    assert result.returncode == 0 and WAITING not in result.stderr


def test_reads_never_wait_for_a_writer(desk):
    path, env = desk
    holder = _hold(path, 4)
    result, _ = _sosa("company", "list", env={**env, "SOSA_BUSY_TIMEOUT": "1"})
    assert holder.poll() is None, "the list did not wait for the writer to finish"
    holder.wait(10)
    assert result.returncode == 0 and WAITING not in result.stderr


def test_the_notice_comes_once_after_a_second_and_the_wait_goes_on(db_path, monkeypatch):
    monkeypatch.setenv("SOSA_BUSY_TIMEOUT", "5")
    conn = open_db(db_path)
    conn.execute("CREATE TABLE probe (x INTEGER)")
    calls: list[float] = []
    started = time.monotonic()
    conn.on_wait = lambda: calls.append(time.monotonic() - started)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.6, lambda: other.execute("COMMIT"))
    release.start()
    with transaction(conn):
        conn.execute("INSERT INTO probe VALUES (1)")
        audit.record(conn, "probe", "probe")
    release.join()
    assert len(calls) == 1 and 0.9 <= calls[0] < 1.6
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000, "the timeout is restored after the wait"


def test_a_short_timeout_gives_up_without_a_notice(db_path, monkeypatch):
    monkeypatch.setenv("SOSA_BUSY_TIMEOUT", "0.3")
    conn = open_db(db_path, command="sosa company update")
    calls: list[int] = []
    conn.on_wait = lambda: calls.append(1)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(store.Busy, match="stayed busy for 0.3 s.*sosa company update changed nothing"):
        with transaction(conn):
            pass
    other.execute("COMMIT")
    assert calls == [] and not conn.in_transaction


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_busy_timeout_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOSA_BUSY_TIMEOUT", value)
    with pytest.raises(SosaError, match="SOSA_BUSY_TIMEOUT"):
        store.busy_timeout()


def test_the_default_busy_timeout_is_a_minute(monkeypatch):
    monkeypatch.delenv("SOSA_BUSY_TIMEOUT", raising=False)
    assert store.busy_timeout() == 60
