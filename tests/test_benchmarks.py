"""The benchmarks run (short mode); their full figures go in the issue notes, not in tests.

Speed is measured by the benchmarks and never asserted here: these tests only check that
each script still runs against the current code and prints its figures.
"""

from __future__ import annotations

import math
import os
import re

import pytest

from benchmarks import bench_enroll, bench_intake, bench_letters, bench_relay, bench_scale, bench_startup, bench_verify

IN_CI = bool(os.environ.get("CI"))

# Every "…×" figure a benchmark prints: a ratio, a target or a bound.
FIGURE = re.compile(r"([^\s(:]+)×")


def assert_ratios_are_numbers(out: str) -> None:
    figures = FIGURE.findall(out)
    assert figures, out
    for figure in figures:
        value = float(figure)  # "nan×" and "inf×" parse: finiteness is checked next
        assert math.isfinite(value) and value >= 0, f"a ratio is {figure}:\n{out}"


@pytest.mark.parametrize("bench", [bench_startup, bench_enroll, bench_scale, bench_letters], ids=lambda m: m.__name__)
def test_benchmark_runs_in_short_mode(bench, capsys):
    assert bench.main(quick=True) == 0
    out = capsys.readouterr().out
    assert "×" in out
    assert_ratios_are_numbers(out)


def test_relay_benchmark_prints_both_ratios(capsys):
    assert bench_relay.main(quick=True) == 0
    out = capsys.readouterr().out
    # md: 20 against 40 companies, each through the installed `sosa relay` on a fresh database.
    assert re.search(r"^  20 companies +\d+\.\d\d s ", out, re.M), out
    assert re.search(r"^  40 companies +\d+\.\d\d s ", out, re.M), out
    assert re.search(r"ratio 40/20: \d+\.\d\d× wall, \d+\.\d\d× cpu", out), out
    # pdf: 10 relay letters against the WeasyPrint floor, unless this machine cannot print
    # them (never in CI, which installs WeasyPrint and the font).
    if bench_relay.pdf_unavailable() is None or IN_CI:
        assert re.search(r"^  sosa relay --format pdf +\d+\.\d\d s ", out, re.M), out
        assert re.search(r"^  floor \(WeasyPrint\) +\d+\.\d\d s ", out, re.M), out
        assert re.search(r"ratio relay/floor: \d+\.\d\d× wall, \d+\.\d\d× cpu", out), out
    else:
        assert "pdf: skipped" in out
    assert_ratios_are_numbers(out)


def test_the_ratio_check_refuses_what_a_crash_printed():
    with pytest.raises(AssertionError, match="a ratio is nan"):
        assert_ratios_are_numbers("status          12ms     nanms   nan×  grows with the data")
    with pytest.raises(ValueError):
        assert_ratios_are_numbers("status   12ms   —×")


def test_a_crashed_command_fails_the_scale_benchmark_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(bench_scale, "COMMANDS", [*bench_scale.COMMANDS[:1], ("company show C-9999", ["company", "show", "C-9999"], False)])
    assert bench_scale.main(quick=True) == 1
    captured = capsys.readouterr()
    assert "nan" not in captured.out.lower()
    # generate() reports its progress on stderr first; the failure is one line, the last.
    lines = [line for line in captured.err.strip().splitlines() if "bench_scale" in line or "Traceback" in line]
    assert len(lines) == 1 and captured.err.strip().endswith(lines[0]), captured.err
    assert lines[0].startswith("bench_scale: `sosa company show C-9999` exited 1 on small.db: "), lines[0]
    assert "C-9999" in lines[0].partition(": ")[2].partition(": ")[2], "the command's own message is kept"


def test_relay_takes_a_warm_up_and_reports_the_median(monkeypatch, capsys):
    """Full mode, its slow parts stubbed: the warm-up run is not counted, and an outlier run is not averaged in."""
    calls: list[tuple[int, str, str]] = []
    walls = {200: iter([1.0, 9.0, 2.0]), 400: iter([3.0, 4.0, 100.0])}

    def relay_time(template, ask, companies, fmt, env, work):  # type: ignore[no-untyped-def]
        calls.append((companies, fmt, work.name))
        if work.name.startswith("warm"):
            return bench_relay.Timing(1000.0, 1000.0)
        wall = next(walls[companies])
        return bench_relay.Timing(wall, wall)

    monkeypatch.setattr(bench_relay, "sosa", lambda env, *args: "")
    monkeypatch.setattr(bench_relay, "prepare", lambda folder, companies, env: (folder / "template.db", "A-0001"))
    monkeypatch.setattr(bench_relay, "relay_time", relay_time)
    assert bench_relay.main(quick=False, runs=3, pdf=False) == 0
    out = capsys.readouterr().out
    assert calls[0] == (2, "md", "warm-md"), "the first relay is the untimed warm-up"
    assert sorted(c[:2] for c in calls[1:]) == [(200, "md")] * 3 + [(400, "md")] * 3
    assert "median of 3 run(s)" in out
    # Medians 2.00 s and 4.00 s: the warm-up's 1000 s and the outliers (9 s, 100 s) do not count.
    assert re.search(r"^  200 companies +2\.00 s ", out, re.M), out
    assert re.search(r"^  400 companies +4\.00 s ", out, re.M), out
    assert "ratio 400/200: 2.00× wall, 2.00× cpu" in out
    assert_ratios_are_numbers(out)


def test_verify_benchmark_prints_verify_the_command_and_the_floor(capsys):
    assert bench_verify.main(quick=True) == 0
    out = capsys.readouterr().out
    assert "5,000 entries" in out
    for line in ("audit.verify (in-process)", "sosa audit verify --db", "floor (select + SHA-256)"):
        assert re.search(rf"^  {re.escape(line)} +\d+\.\d{{3}} s +\d+\.\d\d µs/entry", out, re.M), out
    assert re.search(r"ratio verify/floor: \d+\.\d\d× \(target ≤ 2\.0×\); command/floor: \d+\.\d\d×", out), out
    assert_ratios_are_numbers(out)


def test_intake_benchmark_prints_time_and_peak_memory_of_both(capsys):
    assert bench_intake.main(quick=True) == 0
    out = capsys.readouterr().out
    assert "2,000 companies" in out
    for line in ("sqlite-utils insert --csv", "sosa enroll --from --dry-run", "sosa enroll --from"):
        assert re.search(rf"^  {re.escape(line)} +\d+\.\d\d s  cpu +\d+\.\d\d s +\d+ MiB peak", out, re.M), out
    ratio = r"ratio enroll/sqlite-utils: \d+\.\d\d× wall, \d+\.\d\d× cpu \(target ≤ 2\.0×; each run: \d+\.\d\d\); peak \d+ MiB \(target < 300 MiB\)"
    assert re.search(ratio, out), out
    assert_ratios_are_numbers(out)
