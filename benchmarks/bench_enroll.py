"""`sosa enroll --from` on a 10,000-company YAML file against parsing it alone.

Target (issue 2): the whole enrollment within 2× of PyYAML's C loader parsing the file.
Run: python benchmarks/bench_enroll.py [--quick]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Last on the path, not first: the checkout's sosa_cli/ must not hide the installed package,
# whose sosa_cli.templates and sosa_cli.data exist only once installed (pyproject.toml).
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import SOSA, bench_env, write_companies  # noqa: E402

PARSE_ONLY = "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8'), Loader=yaml.CSafeLoader)"


def timed(argv, env) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main(quick: bool = False) -> int:
    n = 300 if quick else 10_000
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = write_companies(tmp_path / "companies.yaml", n)
        size = source.stat().st_size
        env = bench_env()
        parse = min(timed([sys.executable, "-c", PARSE_ONLY, str(source)], env) for _ in range(runs))
        enroll_times = []
        for i in range(runs):
            db = tmp_path / f"bench{i}.db"
            enroll_times.append(timed([*SOSA, "--db", str(db), "enroll", "--from", str(source)], env))
        dry = timed([*SOSA, "--db", str(tmp_path / "dry.db"), "enroll", "--from", str(source), "--dry-run"], env)
    enroll = min(enroll_times)
    print(f"{n} companies ({size / 1e6:.1f} MB of YAML), best of {runs}")
    print(f"parse only (yaml CSafeLoader)  {parse:6.2f} s")
    print(f"sosa enroll --from --dry-run   {dry:6.2f} s")
    print(f"sosa enroll --from             {enroll:6.2f} s   {enroll / parse:4.2f}× parse  (target ≤ 2.00×)")
    print(f"per company                    {enroll / n * 1000:6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(quick="--quick" in sys.argv))
