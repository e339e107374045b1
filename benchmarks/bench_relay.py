"""`sosa relay` of one US ask to 200 companies in one command, as PDF and as Markdown.

Target (issue 6): a PDF letter costs at most 0.15 s once the process is warm; the
command's whole time divided by the letters includes start-up and the imports, so it
is an upper bound of the warm figure.
Run: python benchmarks/bench_relay.py [--quick]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import SOSA, bench_env  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

ASK = [
    "--received-on", "2026-11-25", "--program", "AN/TPY-2 radar sustainment", "--part-number", "MC-4410",
    "--nsn", "5962-01-456-7890", "--quantity", "12", "--current-date", "2027-06-30",
    "--requested-date", "2027-03-31", "--reply-by", "2027-01-29",
]


def relay_time(db: Path, env: dict, companies: int, fmt: str, number: int, out: Path) -> float:
    ask = subprocess.run([*SOSA, "--db", str(db), "ask", "record", "--dod-ref", f"BENCH-{fmt}-{number}", *ASK],
                         env=env, check=True, capture_output=True, text=True).stdout.strip()
    targets = [arg for i in range(1, companies + 1) for arg in ("--to", f"C-{i:04d}")]
    out.mkdir()
    start = time.perf_counter()
    subprocess.run([*SOSA, "--db", str(db), "relay", ask, *targets, "--format", fmt, "--out", str(out)], env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    assert len(list(out.iterdir())) == companies
    return elapsed


def main(quick: bool = False) -> int:
    companies = 10 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        db = tmp_path / "relay.db"
        generate(db, companies + 20, 50)
        env = bench_env(db)
        env["SOSA_CONFIG"] = str(db.with_suffix(".config.yaml"))
        env["SOSA_TODAY"] = "2026-11-26"
        md = relay_time(db, env, companies, "md", 1, tmp_path / "md")
        pdf = relay_time(db, env, companies, "pdf", 2, tmp_path / "pdf")
    print(f"one `sosa relay` to {companies} companies (start-up included)")
    print(f"md   {md:6.2f} s   {md / companies * 1000:6.1f} ms per letter")
    print(f"pdf  {pdf:6.2f} s   {pdf / companies * 1000:6.1f} ms per letter   {pdf / md:4.1f}× md  (target ≤ 150 ms per PDF letter)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(quick="--quick" in sys.argv))
