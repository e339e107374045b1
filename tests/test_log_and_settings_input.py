"""Input the audit log and the office profile refuse in one line, and times shown in Japan's zone."""

from __future__ import annotations

import json

import pytest


def test_log_limit_out_of_range_is_a_usage_error(sosa, enrolled):
    result = sosa("log", "--limit", "99999999999999999999", ok=False)
    assert result.exit_code == 2 and "Traceback" not in result.output and "unexpected error" not in result.output


@pytest.mark.parametrize(
    ("key", "value"),
    [("relay_answer_days", "²"), ("relay_answer_days", "١٠"), ("contact_name", "山田\u2028太郎"), ("contact_name", "山田\u202e太郎")],
)
def test_a_setting_with_a_digit_or_control_it_cannot_use_is_refused(sosa, desk_env, key, value):
    result = sosa("config", "set", key, value, ok=False)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1 and "unexpected error" not in result.stderr
    assert not (desk_env / "config.yaml").exists() or value not in (desk_env / "config.yaml").read_text(encoding="utf-8")


def test_a_letter_dated_a_century_ahead_is_refused(sosa, configured):
    result = sosa("letter", "render", "enrollment", "C-0001", "--date", "2118-01-01", ok=False)
    assert result.exit_code == 1 and "more than 20 years after today" in result.stderr
    assert json.loads(sosa("letter", "list", "--json").stdout) == []


def test_the_log_shows_times_in_japan_json_keeps_utc(sosa, enrolled, monkeypatch):
    rows = json.loads(sosa("log", "C-0001", "--json").stdout)
    assert rows[0]["at"].endswith(("Z", "+00:00"))
    piped = sosa("log", "C-0001", "--no-header").stdout.splitlines()
    assert piped and all(line.split("\t")[1].endswith(" JST") for line in piped)
