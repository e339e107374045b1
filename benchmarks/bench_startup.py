"""`sosa --help` and `sosa company list` (1,000 companies) against an empty Typer app.

Targets (issue 2): --help within 1.3× of the floor, company list within 2×; issue 13: the
Japanese --help within 1.3× too.
Run: python benchmarks/bench_startup.py [--quick]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

# Last on the path, not first: the checkout's sosa_cli/ must not hide the installed package,
# whose sosa_cli.templates and sosa_cli.data exist only once installed (pyproject.toml).
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import SOSA, bench_env, time_command, write_companies  # noqa: E402

FLOOR_APP = '''
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    """Do nothing."""


app()
'''


def main(quick: bool = False) -> int:
    runs = 3 if quick else 21
    companies = 50 if quick else 1000
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        floor = tmp_path / "floor.py"
        floor.write_text(FLOOR_APP)
        # sosa prints plain help (rich_markup_mode=None); this floor does the same.
        plain_floor = tmp_path / "floor_plain.py"
        plain_floor.write_text(FLOOR_APP.replace("typer.Typer()", "typer.Typer(rich_markup_mode=None)"))
        db = tmp_path / "bench.db"
        env = bench_env(db)
        source = write_companies(tmp_path / "companies.yaml", companies)
        subprocess.run([*SOSA, "enroll", "--from", str(source)], env=env, check=True, capture_output=True)

        floor_help = time_command([sys.executable, str(floor), "--help"], runs, env)
        plain_help = time_command([sys.executable, str(plain_floor), "--help"], runs, env)
        floor_run = time_command([sys.executable, str(floor)], runs, env)
        sosa_help = time_command([*SOSA, "--help"], runs, {**env, "SOSA_LANG": "en"})
        # The Japanese interface (issue 13): the catalog loaded and every help line translated.
        sosa_help_ja = time_command([*SOSA, "--help"], runs, {**env, "SOSA_LANG": "ja"})
        sosa_help_lang = time_command([*SOSA, "--help"], runs, {**{k: v for k, v in env.items() if k != "SOSA_LANG"}, "LANG": "ja_JP.UTF-8"})
        sosa_list = time_command([*SOSA, "company", "list"], runs, env)
        sosa_list_json = time_command([*SOSA, "company", "list", "--json"], runs, env)
        # CPU time, which the other work on a shared machine disturbs far less than wall time.
        plain_cpu = time_command([sys.executable, str(plain_floor), "--help"], runs, env, cpu=True)
        floor_cpu = time_command([sys.executable, str(floor), "--help"], runs, env, cpu=True)
        help_cpu = time_command([*SOSA, "--help"], runs, {**env, "SOSA_LANG": "en"}, cpu=True)
        help_ja_cpu = time_command([*SOSA, "--help"], runs, {**env, "SOSA_LANG": "ja"}, cpu=True)

    print(f"median of {runs} runs, {companies}-company database")
    print(f"floor app --help         {floor_help * 1000:7.1f} ms")
    print(f"floor app --help, plain  {plain_help * 1000:7.1f} ms")
    print(f"floor app (no output)    {floor_run * 1000:7.1f} ms")
    vs_floor, vs_plain = sosa_help / floor_help, sosa_help / plain_help
    print(f"sosa --help              {sosa_help * 1000:7.1f} ms   {vs_floor:4.2f}× floor --help  (target ≤ 1.30×); {vs_plain:4.2f}× plain")
    vs_floor_ja = sosa_help_ja / floor_help
    print(f"sosa --help, Japanese    {sosa_help_ja * 1000:7.1f} ms   {vs_floor_ja:4.2f}× floor --help  (target ≤ 1.30×; SOSA_LANG=ja)")
    print(
        f"sosa --help, LANG=ja_JP  {sosa_help_lang * 1000:7.1f} ms   {sosa_help_lang / floor_help:4.2f}× floor --help  (the profile's language line read too)"
    )
    print(
        f"CPU: floor --help {floor_cpu * 1000:.1f} ms, plain {plain_cpu * 1000:.1f} ms; sosa --help {help_cpu * 1000:.1f} ms"
        f" ({help_cpu / floor_cpu:.2f}× floor, {help_cpu / plain_cpu:.2f}× plain); Japanese {help_ja_cpu * 1000:.1f} ms"
        f" ({help_ja_cpu / floor_cpu:.2f}× floor, {help_ja_cpu / plain_cpu:.2f}× plain)"
    )
    print(f"sosa company list        {sosa_list * 1000:7.1f} ms   {sosa_list / floor_run:4.2f}× floor run     (target ≤ 2.00×)")
    print(f"sosa company list --json {sosa_list_json * 1000:7.1f} ms   {sosa_list_json / floor_run:4.2f}× floor run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(quick="--quick" in sys.argv))
