"""PDF letters of a relay or reminder printed ahead by worker processes (letters/pdf.py).

What an officer must not be able to tell: the files, their bytes, their numbers and the
register are those one process would have written; a letter that cannot be printed is
refused as before and leaves nothing; a worker that dies costs time, not letters. The
batch is first rehearsed and undone (store.rehearsal), which must leave the transaction
exactly as it found it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sosa_cli import forked
from sosa_cli.letters import pdf
from tests.conftest import needs_pdf
from tests.test_asks import ASK

ENROLLED = [f"C-{n:04d}" for n in range(1, 11) if n != 8]  # the sample's nine enrolled companies


def relay_all(sosa, db: Path, folder: Path, *extra: str, ok: bool = True):
    targets = [arg for key in ENROLLED for arg in ("--to", key)]
    return sosa("--db", str(db), "relay", "A-0001", *targets, "--format", "pdf", "--out", str(folder), *extra, ok=ok)


def copy_of(db: Path, name: str) -> Path:
    target = db.parent / name
    source, copy = sqlite3.connect(db), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def log_of(sosa, db: Path) -> list[tuple[str, str]]:
    entries = json.loads(sosa("--db", str(db), "log", "--json", "--no-pager").stdout)
    return [(e["action"], e["record"]) for e in entries]


@pytest.fixture
def asked(sosa, configured):
    sosa("ask", "record", *ASK)
    return configured


@pytest.fixture
def in_process(monkeypatch):
    """Counts the letters the command's own process prints (a worker's count stays in the worker)."""
    printed: list[str] = []
    real = pdf._print

    def counted(html: str, identifier: str):
        printed.append(identifier)
        return real(html, identifier)

    monkeypatch.setattr(pdf, "_print", counted)
    return printed


@needs_pdf
def test_workers_write_the_letters_one_process_would_byte_for_byte(sosa, asked, tmp_path, monkeypatch, in_process):
    alone = copy_of(asked, "alone.db")
    monkeypatch.setenv("SOSA_PDF_WORKERS", "2")
    relay_all(sosa, asked, tmp_path / "workers")
    assert in_process == []  # every letter came from a worker
    monkeypatch.setenv("SOSA_PDF_WORKERS", "1")
    relay_all(sosa, alone, tmp_path / "alone")
    assert len(in_process) == len(ENROLLED)

    names = sorted(p.name for p in (tmp_path / "workers").iterdir())
    assert names == [f"L-{n:04d}-relay-A-0001-{key}.pdf" for n, key in enumerate(ENROLLED, start=1)]
    assert names == sorted(p.name for p in (tmp_path / "alone").iterdir())
    for name in names:
        assert (tmp_path / "workers" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    # The register and its trail are the same, entry for entry, and check out.
    assert log_of(sosa, asked) == log_of(sosa, alone)
    listed = [json.loads(sosa("--db", str(db), "letter", "list", "--json").stdout) for db in (asked, alone)]
    assert [(letter["key"], letter["doc_number"]) for letter in listed[0]] == [(letter["key"], letter["doc_number"]) for letter in listed[1]]
    checked = sosa("--db", str(asked), "db", "check")
    assert f"{len(ENROLLED)} files of {len(ENROLLED)} letters match their recorded SHA-256" in checked.stderr


@needs_pdf
def test_a_letter_no_font_can_print_is_refused_and_nothing_is_left(sosa, asked, tmp_path, monkeypatch):
    # The officer's wording for the relay prints a private-use character: every letter of
    # the batch would be empty boxes there. Refused as one process refuses it.
    shipped = (Path(__file__).resolve().parent.parent / "templates" / "ja" / "relay.xml.j2").read_text(encoding="utf-8")
    own = tmp_path / "own"
    (own / "ja").mkdir(parents=True)
    assert "御検討の上" in shipped
    (own / "ja" / "relay.xml.j2").write_text(shipped.replace("御検討の上", "御検討\ue000の上", 1), encoding="utf-8")
    monkeypatch.setenv("SOSA_TEMPLATES", str(own))
    monkeypatch.setenv("SOSA_PDF_WORKERS", "2")
    folder = tmp_path / "letters"
    refused = relay_all(sosa, asked, folder, ok=False)
    assert refused.exit_code == 1 and "empty boxes" in refused.stderr and "Traceback" not in refused.output
    assert list(folder.iterdir()) == []
    assert json.loads(sosa("letter", "list", "--json").stdout) == []
    assert json.loads(sosa("ask", "show", "A-0001", "--json").stdout)["status"] == "received"


@needs_pdf
def test_a_worker_that_dies_costs_time_not_letters(sosa, asked, tmp_path, monkeypatch, in_process):
    import os

    def dies(html: str, identifier: str):
        os._exit(3)  # as a worker killed by the system would

    monkeypatch.setattr(pdf, "_print_in_worker", dies)
    monkeypatch.setenv("SOSA_PDF_WORKERS", "2")
    relay_all(sosa, asked, tmp_path / "letters")
    assert len(in_process) == len(ENROLLED)  # each one printed by the command itself instead
    assert len(list((tmp_path / "letters").iterdir())) == len(ENROLLED)
    assert sosa("--db", str(asked), "db", "check").exit_code == 0


@needs_pdf
def test_a_dry_run_prints_nothing_ahead_and_leaves_nothing(sosa, asked, tmp_path, monkeypatch):
    started: list[int] = []
    monkeypatch.setattr(pdf, "_workers", lambda letters: started.append(letters) or 2)
    planned = relay_all(sosa, asked, tmp_path / "letters", "--dry-run")
    assert started == [] and f"{len(ENROLLED)} letters would be issued" in planned.stderr
    assert not (tmp_path / "letters").exists() or list((tmp_path / "letters").iterdir()) == []


def test_the_number_of_workers_is_checked(sosa, asked, tmp_path, monkeypatch):
    monkeypatch.setenv("SOSA_PDF_WORKERS", "many")
    refused = relay_all(sosa, asked, tmp_path / "letters", ok=False)
    if "WeasyPrint" in refused.stderr and "pip install" in refused.stderr:
        pytest.skip("no PDF printing on this machine")
    assert refused.exit_code == 1 and "SOSA_PDF_WORKERS=many is not a number of processes" in refused.stderr
    assert json.loads(sosa("letter", "list", "--json").stdout) == []


def test_small_batches_and_one_cpu_print_in_the_command_itself(monkeypatch):
    monkeypatch.delenv("SOSA_PDF_WORKERS", raising=False)
    assert pdf._workers(pdf.AHEAD_MIN_LETTERS - 1) == 0
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0}, raising=False)
    assert pdf._workers(200) == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert pdf._workers(200) == pdf.AHEAD_MAX_WORKERS
    monkeypatch.setenv("SOSA_PDF_WORKERS", "1")
    assert pdf._workers(200) == 1


# --- store.rehearsal: part of a command, undone ----------------------------------------------


def test_a_rehearsal_leaves_the_transaction_as_it_found_it(asked):
    from sosa_cli import audit
    from sosa_cli.store import after_commit, on_rollback, open_db, rehearsal, transaction

    conn = open_db(asked)
    ran: list[str] = []
    with transaction(conn):
        conn.execute("UPDATE companies SET name_en = 'Before' WHERE key = 'C-0001'")  # noted, not yet recorded
        on_rollback(conn, lambda: ran.append("undo kept"))
        with rehearsal(conn) as rehearsed:
            assert conn.rehearsal is rehearsed
            conn.execute("UPDATE companies SET name_en = 'During' WHERE key = 'C-0002'")
            audit.record(conn, "update", "C-0002")
            on_rollback(conn, lambda: ran.append("undo of the rehearsal"))
            after_commit(conn, lambda: ran.append("commit step of the rehearsal"))
        assert not hasattr(conn, "rehearsal")
        assert conn.execute("SELECT name_en FROM companies WHERE key = 'C-0002'").fetchone()[0] != "During"
        # The write noted before the rehearsal is still waiting for its entry.
        assert audit.unrecorded(conn) == ["companies"]
        audit.record(conn, "update", "C-0001")
    assert ran == []
    entries = conn.execute("SELECT action, record FROM audit ORDER BY id DESC LIMIT 2").fetchall()
    assert [tuple(e) for e in entries] == [("update", "C-0001"), ("record", "A-0001")]
    conn.close()


@needs_pdf
def test_reminders_are_printed_ahead_too(sosa, asked, tmp_path, monkeypatch, in_process):
    targets = [arg for key in ENROLLED for arg in ("--to", key)]
    sosa("relay", "A-0001", *targets, "--out", str(tmp_path / "md"))
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")  # past the answer-by date: all nine are overdue
    monkeypatch.setenv("SOSA_PDF_WORKERS", "2")
    folder = tmp_path / "reminders"
    sosa("ask", "remind", "A-0001", "--format", "pdf", "--out", str(folder))
    assert in_process == []
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"L-{n:04d}-reminder-A-0001-{key}.pdf" for n, key in enumerate(ENROLLED, start=len(ENROLLED) + 1)]
    checked = sosa("db", "check")
    assert f"{2 * len(ENROLLED)} files of {2 * len(ENROLLED)} letters match their recorded SHA-256" in checked.stderr


@needs_pdf
def test_enrollment_notices_of_a_file_are_printed_ahead(sosa, db_path, tmp_path, monkeypatch, in_process):
    from sosa_cli import config
    from tests.conftest import OFFICE, SAMPLE_COMPANIES

    for key, value in OFFICE.items():
        config.set_value(key, value)
    monkeypatch.setenv("SOSA_PDF_WORKERS", "2")
    sosa("enroll", "--from", str(SAMPLE_COMPANIES), "--letter", "--letter-format", "pdf")
    assert in_process == []
    listed = json.loads(sosa("letter", "list", "--json").stdout)
    assert [letter["kind"] for letter in listed] == ["enrollment"] * len(ENROLLED)
    assert [letter["company"] for letter in listed] == ENROLLED
    checked = sosa("db", "check")
    assert f"{len(ENROLLED)} files of {len(ENROLLED)} letters match their recorded SHA-256" in checked.stderr


@needs_pdf
def test_workers_that_die_as_they_start_cost_time_not_letters(sosa, asked, tmp_path, monkeypatch, in_process):
    import os

    def dies():
        os._exit(3)

    # The pool breaks at once: the command prints every letter itself.
    monkeypatch.setattr(forked, "quiet_child", dies)
    monkeypatch.setenv("SOSA_PDF_WORKERS", "2")
    relay_all(sosa, asked, tmp_path / "letters")
    assert len(in_process) == len(ENROLLED)
    assert sosa("--db", str(asked), "db", "check").exit_code == 0

    # A letter handed over once the pool is known to be broken is not refused either.
    import time

    with pdf.printing_ahead(pdf.AHEAD_MIN_LETTERS) as ahead:
        assert ahead is not None
        ahead("<html lang=ja><body><p>一</p></body></html>", "L-9001")  # starts the workers, which die
        time.sleep(1)
        ahead("<html lang=ja><body><p>二</p></body></html>", "L-9002")
        second = pdf.print_pdf("<html lang=ja><body><p>二</p></body></html>", identifier="L-9002")
    assert second.data.startswith(b"%PDF")
