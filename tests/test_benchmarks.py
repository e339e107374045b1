"""The benchmarks run (short mode); their full figures go in the issue notes, not in tests."""

from __future__ import annotations

import pytest

from benchmarks import bench_enroll, bench_letters, bench_relay, bench_scale, bench_startup


@pytest.mark.parametrize("bench", [bench_startup, bench_enroll, bench_scale, bench_letters, bench_relay], ids=lambda m: m.__name__)
def test_benchmark_runs_in_short_mode(bench, capsys):
    assert bench.main(quick=True) == 0
    out = capsys.readouterr().out
    assert "×" in out
