"""Synthetic registers for the benchmarks: N fictional companies with valid 法人番号."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from sosa_cli.identifiers import corporate_check_digit

WORDS_JA = ["東雲", "北斗", "中部", "浪速", "神戸", "丸の内", "瀬戸内", "東都", "仙台", "北海道", "富士", "信濃"]
TRADES_JA = ["精機", "電子工業", "航空部品", "特殊鋼", "船舶電機", "光学", "化工", "通信機", "精密工業", "防衛電装"]
WORDS_EN = ["Shinonome", "Hokuto", "Chubu", "Naniwa", "Kobe", "Marunouchi", "Setouchi", "Toto", "Sendai", "Hokkaido", "Fuji", "Shinano"]
TRADES_EN = ["Seiki", "Denshi Kogyo", "Aero Parts", "Special Steel", "Marine Electric", "Optics", "Chemical", "Communications", "Precision", "Defense Electric"]
FSC = ["1650", "2840", "5962", "5998", "5985", "6110", "6650", "6810", "9515", "2540"]


def corporate_number(i: int) -> str:
    base = f"{1000000 + i:012d}"
    return f"{corporate_check_digit(base)}{base}"


def company_yaml(i: int, rng: random.Random) -> str:
    w, t = rng.randrange(len(WORDS_JA)), rng.randrange(len(TRADES_JA))
    return (
        f"- name_ja: {WORDS_JA[w]}{TRADES_JA[t]}株式会社{i}\n"
        f"  name_en: {WORDS_EN[w]} {TRADES_EN[t]} Co., Ltd. {i}\n"
        f'  corporate_number: "{corporate_number(i)}"\n'
        f"  ncage: B{i % 10000:04d}\n"
        f"  address_ja: 東京都大田区東雲{i % 9 + 1}丁目{i % 30 + 1}番\n"
        f"  address_en: {i % 9 + 1}-{i % 30 + 1} Shinonome, Ota-ku, Tokyo\n"
        f"  products: 航空機用部品 {TRADES_EN[t]} parts\n"
        f"  fsc: [{FSC[i % len(FSC)]}, {FSC[(i * 7) % len(FSC)]}]\n"
        f'  coc_version: "1.0"\n'
        f"  coc_accepted_on: 2025-04-{i % 28 + 1:02d}\n"
        f"  share_usg: {'yes' if i % 3 else 'no'}\n"
        f"  share_primes: {'yes' if i % 2 else 'no'}\n"
        f"  contacts:\n"
        f"    - name: 担当 {i}\n"
        f"      title: 営業部\n"
        f"      email: contact{i}@example.jp\n"
        f"      phone: 03-5555-{i % 10000:04d}\n"
    )


def write_companies(path: Path, n: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    path.write_text("".join(company_yaml(i, rng) for i in range(1, n + 1)), encoding="utf-8")
    return path


def bench_env(db: Path | None = None) -> dict[str, str]:
    """The environment of an installed tool: bytecode cached, no colour forcing."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS")}
    if db is not None:
        env["SOSA_DB"] = str(db)
    return env


def time_command(argv: list[str], runs: int, env: dict[str, str], stdin: bytes | None = None, *, cpu: bool = False) -> float:
    """Median wall time of a whole command, in seconds, after one warm-up run; with `cpu`,
    its median CPU time (user + system), which a busy machine disturbs far less."""
    subprocess.run(argv, env=env, input=stdin, capture_output=True, check=True)
    samples = []
    for _ in range(runs):
        start, used = time.perf_counter(), _children_cpu()
        subprocess.run(argv, env=env, input=stdin, capture_output=True, check=True)
        samples.append(_children_cpu() - used if cpu else time.perf_counter() - start)
    return statistics.median(samples)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def installed_sosa() -> list[str]:
    """The `sosa` command installed for this Python, started as an officer starts it.

    Not `python -m sosa_cli`: `-m` puts the current folder first on sys.path, so run from
    a checkout it imports the checkout's `sosa_cli/`, which lacks `sosa_cli.templates` and
    `sosa_cli.data` (pyproject.toml maps them in from the top-level folders at install
    time), instead of the installed package. `-P` (Python 3.11+) keeps the fallback safe.
    """
    scripts = Path(sysconfig.get_path("scripts"))
    if os.name == "nt" and (scripts / "sosa.exe").is_file():
        return [str(scripts / "sosa.exe")]
    script = scripts / "sosa"
    if script.is_file():
        first_line = script.read_bytes()[:512].split(b"\n", 1)[0]
        interpreter = first_line[2:].strip().decode(errors="replace") if first_line.startswith(b"#!") else ""
        if interpreter and Path(interpreter).resolve() == Path(sys.executable).resolve():  # not another install's
            return [str(script)]
    return [sys.executable, "-P", "-m", "sosa_cli"]


SOSA = installed_sosa()
