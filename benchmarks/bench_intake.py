"""`sosa enroll --from FILE.csv` of 100,000 companies against `sqlite-utils insert --csv` of the same rows.

Targets (issue 13 §2): within 2× the time of `sqlite-utils insert` and under 300 MiB peak
RSS. sqlite-utils only copies the rows into one table; sosa checks every field, writes
companies, contacts and supply classes, and one audit entry per company. Peak memory is
the child's own, from `resource.getrusage(RUSAGE_CHILDREN)` (each command runs in a fresh
child of a fresh `python -c` wrapper, so one run's peak never hides another's).
Each figure is the median of --runs runs (default 3), the commands taking turns, in wall
time and in CPU time (user + system, steadier on a machine others are using).
Run: python benchmarks/bench_intake.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
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
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss}))
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


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one run of `argv`."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench_intake: `{' '.join(argv[:3])} …` exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}")
    figures = json.loads(done.stdout)
    return figures["wall"], figures["cpu"], figures["rss_kib"] / 1024


def main(quick: bool = False, runs: int = 3) -> int:
    n = 2_000 if quick else 100_000
    runs = 1 if quick else runs
    figures: dict[str, list[tuple[float, float, float]]] = {"floor": [], "dry": [], "enroll": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_csv(folder / "companies.csv", n)
        size = source.stat().st_size
        env = bench_env()
        for run in range(runs):
            for name in ("floor", "dry", "enroll") if run % 2 == 0 else ("enroll", "dry", "floor"):
                db = folder / f"{name}-{run}.db"
                argv = {
                    "floor": ["sqlite-utils", "insert", str(db), "companies", str(source), "--csv"],
                    "dry": [*SOSA, "--db", str(db), "enroll", "--from", str(source), "--dry-run"],
                    "enroll": [*SOSA, "--db", str(db), "enroll", "--from", str(source)],
                }[name]
                figures[name].append(measure(argv, env))
            listed = subprocess.run(
                [*SOSA, "--db", str(folder / f"enroll-{run}.db"), "company", "list", "--json"], env=env, capture_output=True, check=True
            ).stdout
            if len(json.loads(listed)) != n:
                raise SystemExit(f"bench_intake: {n} rows given, {len(json.loads(listed))} companies enrolled")
    wall, cpu, mib = ({name: statistics.median(f[i] for f in runs_) for name, runs_ in figures.items()} for i in range(3))
    print(f"{n:,} companies ({size / 1e6:.1f} MB of CSV), median of {runs} run(s) each on this machine")
    print(f"  sqlite-utils insert --csv      {wall['floor']:7.2f} s  cpu {cpu['floor']:7.2f} s  {mib['floor']:6.0f} MiB peak")
    print(f"  sosa enroll --from --dry-run   {wall['dry']:7.2f} s  cpu {cpu['dry']:7.2f} s  {mib['dry']:6.0f} MiB peak")
    per = wall["enroll"] / n * 1000
    print(f"  sosa enroll --from             {wall['enroll']:7.2f} s  cpu {cpu['enroll']:7.2f} s  {mib['enroll']:6.0f} MiB peak  {per:.3f} ms/company")
    each = " ".join(f"{f[0] / g[0]:.2f}" for f, g in zip(figures["enroll"], figures["floor"], strict=True))
    print(
        f"ratio enroll/sqlite-utils: {wall['enroll'] / wall['floor']:.2f}× wall, {cpu['enroll'] / cpu['floor']:.2f}× cpu "
        f"(target ≤ {TARGET_RATIO:.1f}×; each run: {each}); peak {mib['enroll']:.0f} MiB (target < {TARGET_MIB} MiB)"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 rows, one run")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    raise SystemExit(main(quick=args.quick, runs=args.runs))
