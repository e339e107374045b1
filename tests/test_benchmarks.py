"""The benchmarks run (short mode); their full figures go in the issue notes, not in tests.

Speed is measured by the benchmarks and never asserted here: these tests only check that
each script still runs against the current code and prints its figures.
"""

from __future__ import annotations

import os
import re

import pytest

from benchmarks import bench_enroll, bench_letters, bench_relay, bench_scale, bench_startup

IN_CI = bool(os.environ.get("CI"))


@pytest.mark.parametrize("bench", [bench_startup, bench_enroll, bench_scale, bench_letters], ids=lambda m: m.__name__)
def test_benchmark_runs_in_short_mode(bench, capsys):
    assert bench.main(quick=True) == 0
    out = capsys.readouterr().out
    assert "×" in out


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
