"""`sosa audit verify` against a floor measured side by side (issue 11 §4).

A fresh database gets N audit entries (unicode, nested before/after, NULLs, numbers) written
through `audit.record` in one transaction, each after writing a company row (a quarter of
them new, the rest updates), so each entry carries its row as the desk's entries do.
Then, median of several runs each:

1. `audit.verify(conn)` in-process (the hash chain), and the installed `sosa audit verify
   --db` (start-up, chain and replay included) as a second line;
2. the floor: a plain loop selecting the same rows (`SELECT … FROM audit ORDER BY id`) and
   chaining SHA-256 over them exactly as `audit._digest` does, with no other check;
3. `replay.replay(conn)` in-process: the rows of every entry read back and compared with
   the tables (no target; reported so its cost is known).

Target (issue 11 §4): verify ≤ 2.0× the floor, in µs per entry.

Run: python benchmarks/bench_verify.py [--quick] [--entries N] [--runs N]
(--quick: 5,000 entries, fewer runs; the tests use it.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import SOSA, bench_env, time_command  # noqa: E402
from sosa_cli import audit  # noqa: E402
from sosa_cli.replay import replay  # noqa: E402
from sosa_cli.store import open_db, transaction  # noqa: E402

TARGET = 2.0


def build(path: Path, entries: int) -> None:
    """N entries as the tool writes them, each after its row, in one transaction."""
    companies = max(entries // 4, 1)
    conn = open_db(path)
    with transaction(conn):
        for i in range(1, entries + 1):
            n = (i - 1) % companies + 1
            name = f"東雲精機株式会社{i}"
            if i <= companies:
                conn.execute(
                    "INSERT INTO companies (id, key, name_ja, name_en, corporate_number, status, products, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, 'enrolled', 'サーボバルブ、アクチュエータ', ?, ?)",
                    (n, f"C-{n:05d}", name, f"Shinonome Seiki {n}", f"{n:013d}", "2026-11-30T00:00:00+00:00", "2026-11-30T00:00:00+00:00"),
                )
            else:
                conn.execute("UPDATE companies SET name_ja = ?, updated_at = ? WHERE id = ?", (name, f"2026-12-01T00:00:{i % 60:02d}+00:00", n))
            before = None if i % 3 == 0 else {"name_ja": f"東雲精機株式会社{i}", "fsc": ["1650", "5962"], "share_usg": i % 2 == 0}
            after = {"name_ja": name, "qty": i, "price": i / 7, "contacts": [{"name": "担当", "phone": None}]}
            audit.record(conn, "company.update", f"C-{n:05d}", before=before, after=after)
    conn.close()


def floor(conn) -> int:  # type: ignore[no-untyped-def]
    """Select the same rows and chain SHA-256 over them exactly as `_digest` does."""
    cursor = conn.cursor()
    cursor.row_factory = None
    prev_hash = audit.GENESIS
    count = 0
    for row in cursor.execute(f"SELECT {', '.join(audit.FIELDS)}, rows FROM audit ORDER BY id"):
        values = list(row) if row[-1] is not None else list(row[:-1])  # as _digest: rows when present
        content = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        prev_hash = hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()
        count += 1
    return count


def median_time(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up: page cache and imports
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(quick: bool = False, entries: int | None = None, runs: int | None = None) -> int:
    entries = entries or (5_000 if quick else 200_000)
    runs = runs or (3 if quick else 5)
    with tempfile.TemporaryDirectory(prefix="sosa-bench-verify-") as tmp:
        db = Path(tmp) / "audit.db"
        start = time.perf_counter()
        build(db, entries)
        print(f"audit verify: {entries:,} entries (built in {time.perf_counter() - start:.1f} s), median of {runs} run(s)")

        conn = open_db(db, create=False)
        result = audit.verify(conn)
        if not result.ok or result.rows != entries:
            print(f"bench_verify: the trail did not verify: {result}", file=sys.stderr)
            return 1
        if floor(conn) != entries:
            print("bench_verify: the floor did not walk every entry", file=sys.stderr)
            return 1
        checked = replay(conn)
        if not checked.ok or checked.entries != entries:
            print(f"bench_verify: the replay did not agree: {checked.summary()}", file=sys.stderr)
            return 1
        t_verify = median_time(lambda: audit.verify(conn), runs)
        t_floor = median_time(lambda: floor(conn), runs)
        t_replay = median_time(lambda: replay(conn), runs)
        conn.close()

        argv = [*SOSA, "audit", "verify", "--db", str(db)]
        env = bench_env()
        done = subprocess.run(argv, env=env, capture_output=True)
        if done.returncode != 0:
            print(f"bench_verify: `sosa audit verify` exited {done.returncode}: {done.stderr.decode().strip()}", file=sys.stderr)
            return 1
        t_cli = time_command(argv, runs, env)

    def per_entry(seconds: float) -> str:
        return f"{seconds / entries * 1e6:6.2f} µs/entry"

    print(f"  audit.verify (in-process)   {t_verify:7.3f} s  {per_entry(t_verify)}")
    print(f"  replay.replay (in-process)  {t_replay:7.3f} s  {per_entry(t_replay)}  ({checked.rows:,} rows compared)")
    print(f"  sosa audit verify --db      {t_cli:7.3f} s  {per_entry(t_cli)}  (start-up, chain and replay)")
    print(f"  floor (select + SHA-256)    {t_floor:7.3f} s  {per_entry(t_floor)}")
    print(f"  ratio verify/floor: {t_verify / t_floor:.2f}× (target ≤ {TARGET:.1f}×); command/floor: {t_cli / t_floor:.2f}×")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 entries, 3 runs")
    parser.add_argument("--entries", type=int, help="how many audit entries (default 200,000)")
    parser.add_argument("--runs", type=int, help="timed runs per figure (default 5)")
    args = parser.parse_args()
    sys.exit(main(quick=args.quick, entries=args.entries, runs=args.runs))
