"""Read commands on a 100-company database against a 10,000-company / 100,000-delay one.

Target (issue 7): single-record work and searches cost under 2× their figure on the
100-company database. Listing the whole register necessarily grows with it; that figure
is printed too, marked as such.

A measured command that fails stops the run: exit status 1 and one line on stderr naming it.

    python benchmarks/bench_scale.py [--quick] [--small DB --large DB]
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

# Last on the path, not first: the checkout's sosa_cli/ must not hide the installed package,
# whose sosa_cli.templates and sosa_cli.data exist only once installed (pyproject.toml).
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import SOSA, bench_env, time_command  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

# (label, arguments, grows with the register?)
COMMANDS = [
    ("company show C-0050", ["company", "show", "C-0050"], False),
    ("company list --search 防衛電装株式会社50 (FTS)", ["company", "list", "--search", "防衛電装株式会社50"], False),
    ("company list --search 'Co., Ltd. 50' (FTS)", ["company", "list", "--search", "Ltd. 50"], False),
    ("company list --search 乙丙 (2 chars: LIKE scan)", ["company", "list", "--search", "乙丙"], True),
    ("delay list --company C-0050", ["delay", "list", "--company", "C-0050"], False),
    ("delay show D-0050", ["delay", "show", "D-0050"], False),
    ("request list --overdue", ["request", "list", "--overdue"], True),
    ("status", ["status"], True),
    ("company list (all rows)", ["company", "list"], True),
    ("audit verify (all entries)", ["audit", "verify"], True),
]


class CommandFailed(RuntimeError):
    """A measured command exited non-zero: its time would measure an error message, not the work."""


def measure(db: Path, runs: int) -> dict[str, float]:
    env = bench_env(db)
    env["SOSA_CONFIG"] = str(db.with_suffix(".config.yaml"))
    env["SOSA_TODAY"] = "2026-11-26"
    figures = {}
    for label, args, _ in COMMANDS:
        try:
            figures[label] = time_command([*SOSA, *args], runs, env)
        except subprocess.CalledProcessError as error:
            # Fail the run rather than print NaN: a ratio of a crash is no figure at all.
            said = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()
            raise CommandFailed(f"`sosa {shlex.join(args)}` exited {error.returncode} on {db.name}: {said[-1] if said else 'no message'}") from None
    return figures


def main(quick: bool = False, small: Path | None = None, large: Path | None = None) -> int:
    runs = 1 if quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if small is None:
            small = tmp_path / "small.db"
            generate(small, 100, 1000)
        if large is None:
            large = tmp_path / "large.db"
            generate(large, 200 if quick else 10_000, 2000 if quick else 100_000)
        try:
            base = measure(small, runs)
            big = measure(large, runs)
        except CommandFailed as error:
            print(f"bench_scale: {error}", file=sys.stderr)
            return 1
    print(f"median of {runs} runs: small = {small.name}, large = {large.name}")
    print(f"{'command':50} {'small':>9} {'large':>9}  ratio")
    for label, _, grows in COMMANDS:
        ratio = big[label] / base[label]
        verdict = "grows with the data" if grows else ("ok (≤ 2×)" if ratio <= 2 else "OVER 2×")
        print(f"{label:50} {base[label] * 1000:7.0f}ms {big[label] * 1000:7.0f}ms  {ratio:4.2f}×  {verdict}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--small", type=Path)
    parser.add_argument("--large", type=Path)
    args = parser.parse_args()
    raise SystemExit(main(args.quick, args.small, args.large))
