"""Output that fails, fails the command (issue 11, §3).

A letter or an export printed with `--out -` into a closed pipe or onto a full disk was
issued (or recorded as sent) all the same. These tests run the real `sosa` in its own
process, since only a real file descriptor can be closed or full, and read the database
with sqlite3 afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_asks import ASK
from tests.test_delays import DELAY

SOSA = [sys.executable, "-m", "sosa_cli"]


def _full_disk() -> int:
    return os.open("/dev/full", os.O_WRONLY)


def _closed_pipe() -> int:
    read, write = os.pipe()
    os.close(read)  # no reader: the first write fails with EPIPE
    return write


SINKS = {"full disk": _full_disk, "closed pipe": _closed_pipe}


def run(args: list[str], sink: str | None) -> subprocess.CompletedProcess:
    """`sosa ARGS` with stdout on a full disk, a closed pipe, or (None) a working pipe."""
    if sink is None:
        return subprocess.run([*SOSA, *args], capture_output=True, timeout=120)
    fd = SINKS[sink]()
    try:
        return subprocess.run([*SOSA, *args], stdout=fd, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(fd)


def state(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    try:
        return {
            "letters": conn.execute("SELECT key, files FROM letters ORDER BY id").fetchall(),
            "audit": conn.execute("SELECT id, action, record FROM audit ORDER BY id").fetchall(),
            "requests": conn.execute("SELECT status, sent_on FROM requests ORDER BY id").fetchall(),
            "relays": conn.execute("SELECT status, reminders FROM relays ORDER BY id").fetchall(),
            "asks": conn.execute("SELECT status FROM asks ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


def _letter(sosa) -> list[str]:
    return ["letter", "render", "enrollment", "C-0001", "--out", "-"]


def _word_letter(sosa) -> list[str]:
    return ["letter", "render", "enrollment", "C-0002", "--format", "docx", "--out", "-"]


def _letter_again(sosa) -> list[str]:
    sosa("letter", "render", "enrollment", "C-0001")  # issued, into the letters folder
    return ["letter", "export", "L-0001", "--format", "html", "--out", "-"]


def _export_csv(sosa) -> list[str]:
    return ["company", "export", "--to", "usg"]


def _export_json(sosa) -> list[str]:
    return ["company", "export", "--to", "primes", "--format", "json", "--out", "-"]


def _request(sosa) -> list[str]:
    sosa("delay", "add", *DELAY)
    sosa("request", "open", "D-0001")
    return ["request", "send", "R-0001", "--out", "-"]


def _relay(sosa) -> list[str]:
    sosa("ask", "record", *ASK)
    return ["relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--out", "-"]


def _reminder(sosa) -> list[str]:
    sosa("ask", "record", *ASK)
    sosa("relay", "A-0001", "--to", "C-0002", "--due", "2026-12-04")
    os.environ["SOSA_TODAY"] = "2026-12-10"  # the answer is overdue; read by the subprocess
    return ["ask", "remind", "A-0001", "--out", "-"]


def _reply(sosa) -> list[str]:
    sosa("ask", "record", *ASK)
    sosa("relay", "A-0001", "--to", "C-0002")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "accept", "--committed-date", "2027-03-31")
    return ["ask", "reply", "A-0001", "--yes", "--out", "-"]


COMMANDS = {
    "letter render": _letter,
    "letter render docx": _word_letter,
    "letter export": _letter_again,
    "company export csv": _export_csv,
    "company export json": _export_json,
    "request send": _request,
    "relay": _relay,
    "ask remind": _reminder,
    "ask reply": _reply,
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_letter_or_export_that_cannot_be_printed_is_not_issued_or_recorded(sosa, configured, monkeypatch, command):
    monkeypatch.setenv("SOSA_TODAY", os.environ["SOSA_TODAY"])  # restored after _reminder changes it
    args = COMMANDS[command](sosa)
    before = state(configured)
    for sink in SINKS:
        failed = run(args, sink)
        stderr = failed.stderr.decode("utf-8")
        assert failed.returncode == 1, (sink, stderr)
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("sosa: cannot write to standard output"), (sink, stderr)
        assert state(configured) == before, sink
    # The same command into a working pipe prints and records: the failure was the output's.
    done = run(args, None)
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert done.stdout and state(configured) != before


@pytest.fixture(scope="module")
def register_of_2000(tmp_path_factory) -> Path:
    """2,000 companies, enrolled once for the module: more than a pipe holds (64 KiB)."""
    from benchmarks.fixtures import write_companies
    from tests.conftest import Sosa

    folder = tmp_path_factory.mktemp("register")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOSA_DB", str(folder / "desk.db"))
        env.setenv("SOSA_CONFIG", str(folder / "config.yaml"))
        Sosa()("enroll", "--from", str(write_companies(folder / "companies.yaml", 2000)))
    return folder / "desk.db"


@pytest.fixture
def big_register(register_of_2000, db_path) -> Path:
    source, target = sqlite3.connect(register_of_2000), sqlite3.connect(db_path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return db_path


def test_a_listing_cut_short_by_its_reader_ends_quietly(big_register):
    # `sosa company list | head -1`: head leaves after one line, sosa is still writing.
    lister = subprocess.Popen([*SOSA, "company", "list", "--no-header"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert lister.stdout is not None and lister.stderr is not None
    head = subprocess.run(["head", "-1"], stdin=lister.stdout, capture_output=True, timeout=120)
    lister.stdout.close()
    stderr = lister.stderr.read().decode("utf-8")
    lister.wait(timeout=120)
    assert head.stdout.decode("utf-8").startswith("C-0001\t")
    assert stderr == "", stderr  # no "unexpected error", no traceback, no "Exception ignored"
    assert lister.returncode in (0, 141)


@pytest.mark.parametrize("args", [["company", "list"], ["log", "--json", "--limit", "5000"]])
def test_a_listing_onto_a_full_disk_fails_in_one_line(big_register, args):
    failed = run(args, "full disk")
    stderr = failed.stderr.decode("utf-8")
    assert failed.returncode == 1
    assert stderr.splitlines() == ["sosa: cannot write the output: No space left on device"], stderr


def test_a_short_listing_into_a_closed_pipe_ends_quietly(sosa, enrolled):
    # All of it sits in the buffer until exit: the failure comes at the last flush.
    failed = run(["company", "list"], "closed pipe")
    assert failed.stderr.decode("utf-8") == ""
    assert failed.returncode in (0, 141)
