"""Two officers at once, a crash half-way, a backup under load: nothing is lost or half-written."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from benchmarks.fixtures import company_yaml, write_companies
from tests.test_delays import DELAY

WRITES_EACH = 200


def _officer(db: str, config_path: str, worker: int, result_queue) -> None:
    """200 mixed writes: enrollments, delay updates and letter issues, in turn."""
    os.environ["SOSA_CONFIG"] = config_path
    os.environ["SOSA_TODAY"] = "2026-11-26"
    from sosa_cli import delays, enrollment, issuing
    from sosa_cli.identifiers import corporate_check_digit
    from sosa_cli.store import open_db

    conn = open_db(db, command=f"officer {worker}")
    counts = {"enroll": 0, "delay": 0, "letter": 0}
    errors = []
    for i in range(WRITES_EACH):
        try:
            if i % 3 == 0:
                base = f"{worker}{i:011d}"
                number = f"{corporate_check_digit(base)}{base}"
                record, problems = enrollment.validate_company(
                    {"name_ja": f"並行株式会社{worker}-{i}", "name_en": f"Parallel {worker}-{i}", "corporate_number": number, "coc_accepted_on": "2026-11-01"}
                )
                assert not problems
                enrollment.enroll(conn, [record])
                counts["enroll"] += 1
            elif i % 3 == 1:
                day = 1 + (i // 3) % 28
                delays.update(conn, "D-0001", {"promised_date": f"2027-06-{day:02d}"}, note=f"officer {worker} #{i}")
                counts["delay"] += 1
            else:
                # Each officer issues the notice of a company only it enrolled, so no issue is a re-render.
                keys = [r[0] for r in conn.execute("SELECT key FROM companies WHERE name_en LIKE ? ORDER BY id", (f"Parallel {worker}-%",))]
                issued = {r[0] for r in conn.execute("SELECT record FROM letters")}
                target = next(k for k in keys if k not in issued)
                issuing.render(conn, "enrollment", target, fmt="md", out="-")
                counts["letter"] += 1
        except Exception as exc:  # collected: the test asserts there are none
            errors.append(f"{type(exc).__name__}: {exc}")
    result_queue.put((worker, counts, errors))


def test_two_officers_writing_at_once_lose_nothing(sosa, configured, desk_env):
    sosa("delay", "add", *DELAY)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_officer, args=(str(configured), str(desk_env / "config.yaml"), w, queue)) for w in (1, 2)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(60)
    for worker, counts, errors in results:
        assert errors == [], f"officer {worker}: {errors[:3]}"
        assert sum(counts.values()) == WRITES_EACH

    conn = sqlite3.connect(configured)
    enrolled = sum(c["enroll"] for _, c, _ in results)
    assert conn.execute("SELECT count(*) FROM companies").fetchone()[0] == 10 + enrolled
    slips = conn.execute("SELECT count(*) FROM delay_slips WHERE delay_id = 1").fetchone()[0]
    updates = sum(c["delay"] for _, c, _ in results)
    # Every update is kept as a slip unless it repeated the date just before it.
    assert slips <= 1 + updates
    assert conn.execute("SELECT count(*) FROM audit WHERE action = 'update' AND record = 'D-0001'").fetchone()[0] == updates
    serials = [s for (s,) in conn.execute("SELECT serial FROM letters ORDER BY serial")]
    issued = sum(c["letter"] for _, c, _ in results)
    assert serials == list(range(1, issued + 1)), "letter numbers distinct and consecutive"
    assert sosa("audit", "verify").exit_code == 0


def _big_file(tmp_path, n=4000):
    return write_companies(tmp_path / "big.yaml", n)


def _sosa_process(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS")}
    env.update(env_extra or {})
    return subprocess.Popen([sys.executable, "-m", "sosa_cli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_bulk_enrollment_killed_half_way_leaves_none_or_all(sosa, db_path, tmp_path):
    source = _big_file(tmp_path)
    sosa("init")
    proc = _sosa_process("enroll", "--from", str(source))
    # Kill it while it holds the write lock, i.e. in the middle of inserting.
    probe = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    deadline = time.time() + 60
    locked_seen = 0
    while time.time() < deadline and proc.poll() is None:
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            locked_seen = 0
        except sqlite3.OperationalError:  # "database is locked": the enrollment is writing
            locked_seen += 1
            if locked_seen >= 3:
                break
        time.sleep(0.01)
    assert proc.poll() is None, "the enrollment finished before it could be killed; make the file larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert sosa("db", "check").exit_code == 0
    count = sqlite3.connect(db_path).execute("SELECT count(*) FROM companies").fetchone()[0]
    assert count in (0, 4000)
    audit_rows = sqlite3.connect(db_path).execute("SELECT count(*) FROM audit").fetchone()[0]
    assert audit_rows == count


def test_a_backup_taken_while_another_officer_writes_is_consistent(sosa, db_path, tmp_path):
    source = _big_file(tmp_path, 3000)
    sosa("init")
    writer = _sosa_process("enroll", "--from", str(source))
    time.sleep(0.3)
    copy = tmp_path / "during.db"
    result = sosa("db", "backup", str(copy))
    assert "passed its integrity check" in result.stderr
    writer.wait(120)
    assert writer.returncode == 0, writer.stderr.read()
    check = sosa("db", "check", "--db", str(copy))
    assert check.exit_code == 0
    rows = json.loads(sosa("company", "list", "--json", "--db", str(copy)).stdout)
    assert len(rows) in (0, 3000), "the copy holds the enrollment whole or not at all"


def test_two_bulk_enrollments_at_once_both_land(sosa, db_path, tmp_path):
    rng = random.Random(2)
    first = write_companies(tmp_path / "first.yaml", 300)
    second = tmp_path / "second.yaml"
    second.write_text("".join(company_yaml(i, rng) for i in range(1001, 1301)), encoding="utf-8")
    sosa("init")
    procs = [_sosa_process("enroll", "--from", str(f)) for f in (first, second)]
    for p in procs:
        p.wait(120)
        assert p.returncode == 0, p.stderr.read().decode()
    keys = [k for (k,) in sqlite3.connect(db_path).execute("SELECT key FROM companies ORDER BY id")]
    assert keys == [f"C-{i:04d}" for i in range(1, 601)]
