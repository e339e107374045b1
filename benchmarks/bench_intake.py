"""`sosa enroll --from FILE.csv` of 100,000 companies against `sqlite-utils insert --csv` of the same rows.

Targets (issue 13 §2): within 2× the time of `sqlite-utils insert` and under 300 MiB peak
RSS. sqlite-utils only copies the rows into one table; sosa checks every field, writes
companies, contacts and supply classes, and one audit entry per company. Peak memory is
the child's own, from `resource.getrusage(RUSAGE_CHILDREN)` (each command runs in a fresh
child of a fresh `python -c` wrapper, so one run's peak never hides another's).
Run: python benchmarks/bench_intake.py [--quick]
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

# Last on the path, not first: the checkout's sosa_cli/ must not hide the installed package.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import FSC, SOSA, TRADES_EN, TRADES_JA, WORDS_EN, WORDS_JA, bench_env, corporate_number  # noqa: E402

TARGET_RATIO = 2.0
TARGET_MIB = 300
HEADER = [
    "name_ja",
    "name_en",
    "corporate_number",
    "ncage",
    "address_ja",
    "address_en",
    "products",
    "fsc",
    "coc_version",
    "coc_accepted_on",
    "share_usg",
    "share_primes",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
]
# Runs `argv` as its child and prints the child's wall time and peak RSS (ru_maxrss is KiB on Linux).
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
wall = time.perf_counter() - start
if done.returncode:
    sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
    raise SystemExit(done.returncode)
print(json.dumps({"wall": wall, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def write_csv(path: Path, n: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(1, n + 1):
            w, t = rng.randrange(len(WORDS_JA)), rng.randrange(len(TRADES_JA))
            writer.writerow(
                [
                    f"{WORDS_JA[w]}{TRADES_JA[t]}株式会社{i}",
                    f"{WORDS_EN[w]} {TRADES_EN[t]} Co., Ltd. {i}",
                    corporate_number(i),
                    f"B{i % 10000:04d}",
                    f"東京都大田区東雲{i % 9 + 1}丁目{i % 30 + 1}番",
                    f"{i % 9 + 1}-{i % 30 + 1} Shinonome, Ota-ku, Tokyo",
                    f"航空機用部品 {TRADES_EN[t]} parts",
                    f"{FSC[i % len(FSC)]}; {FSC[(i * 7) % len(FSC)]}",
                    "1.0",
                    f"2025-04-{i % 28 + 1:02d}",
                    "yes" if i % 3 else "no",
                    "yes" if i % 2 else "no",
                    f"担当 {i}",
                    "営業部",
                    f"contact{i}@example.jp",
                    f"03-5555-{i % 10000:04d}",
                ]
            )
    return path


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one run of `argv`."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench_intake: `{' '.join(argv[:3])} …` exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}")
    figures = json.loads(done.stdout)
    return figures["wall"], figures["rss_kib"] / 1024


def main(quick: bool = False) -> int:
    n = 2_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_csv(folder / "companies.csv", n)
        size = source.stat().st_size
        env = bench_env()
        floor, floor_mib = measure(["sqlite-utils", "insert", str(folder / "floor.db"), "companies", str(source), "--csv"], env)
        dry, dry_mib = measure([*SOSA, "--db", str(folder / "dry.db"), "enroll", "--from", str(source), "--dry-run"], env)
        enroll, enroll_mib = measure([*SOSA, "--db", str(folder / "sosa.db"), "enroll", "--from", str(source)], env)
        count = subprocess.run([*SOSA, "--db", str(folder / "sosa.db"), "company", "list", "--json"], env=env, capture_output=True, check=True).stdout
        if len(json.loads(count)) != n:
            raise SystemExit(f"bench_intake: {n} rows given, {len(json.loads(count))} companies enrolled")
    print(f"{n:,} companies ({size / 1e6:.1f} MB of CSV), one run each on this machine")
    print(f"  sqlite-utils insert --csv      {floor:7.2f} s  {floor_mib:6.0f} MiB peak")
    print(f"  sosa enroll --from --dry-run   {dry:7.2f} s  {dry_mib:6.0f} MiB peak")
    print(f"  sosa enroll --from             {enroll:7.2f} s  {enroll_mib:6.0f} MiB peak  {enroll / n * 1000:.3f} ms/company")
    print(f"ratio enroll/sqlite-utils: {enroll / floor:.2f}× (target ≤ {TARGET_RATIO:.1f}×); peak {enroll_mib:.0f} MiB (target < {TARGET_MIB} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(quick="--quick" in sys.argv))
