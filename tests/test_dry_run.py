"""`--dry-run` on the commands that use up a 文書番号 (issue 13 §4): the letters that would
be issued (kind, addressee, date, answer-by), and nothing written: no row, no audit
entry, no file. The real command then issues what the plan said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_asks import ASK, dump
from tests.test_delays import DELAY


def state(db: Path) -> tuple[str, list[str]]:
    """Every row of the database and every file beside it."""
    return dump(db), sorted(str(p.relative_to(db.parent)) for p in db.parent.rglob("*") if not p.name.startswith("desk.db"))


def plan(result) -> list[dict[str, str]]:
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == ["Kind", "Record", "Company", "Addressee", "Date", "Answer by", "文書番号 if issued now"]
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def dry(sosa, db_path, *args: str) -> list[dict[str, str]]:
    before = state(db_path)
    result = sosa(*args, "--dry-run")
    assert state(db_path) == before, "a dry run wrote something"
    rows = plan(result)
    assert f"Dry run: {len(rows)} letter{'s' if len(rows) != 1 else ''} would be issued; nothing was written." in result.stderr
    return rows


@pytest.fixture
def recorded(sosa, configured):
    sosa("ask", "record", *ASK)
    return configured


def test_letter_render_dry_run_lists_the_letter_and_issues_nothing(sosa, configured, db_path):
    [row] = dry(sosa, db_path, "letter", "render", "enrollment", "C-0001", "--format", "html")
    assert row == {
        "Kind": "enrollment",
        "Record": "C-0001",
        "Company": "C-0001",
        "Addressee": "東雲精機株式会社 防衛事業部 営業課長 佐藤 花子 殿",
        "Date": "2026-11-26",
        "Answer by": "",
        "文書番号 if issued now": "装備政策第1号",
    }
    # Printed to standard output, the letter itself is not: only the plan is.
    assert dry(sosa, db_path, "letter", "render", "enrollment", "C-0001", "--out", "-") == [row]
    sosa("letter", "render", "enrollment", "C-0001")
    assert sosa("letter", "list", "--no-header").stdout.split("\t")[:3] == ["L-0001", "装備政策第1号", "2026-11-26"]


def test_relay_dry_run_lists_a_letter_per_company_with_its_answer_by_date(sosa, recorded, db_path):
    rows = dry(sosa, db_path, "relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--within", "5")
    assert [(r["Kind"], r["Company"], r["Date"], r["Answer by"], r["文書番号 if issued now"]) for r in rows] == [
        ("relay", "C-0002", "2026-11-26", "2026-12-03", "装備政策第1号"),
        ("relay", "C-0003", "2026-11-26", "2026-12-03", "装備政策第2号"),
    ]
    assert rows[0]["Addressee"].startswith("北斗電子工業株式会社")
    done = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--within", "5")
    assert "answers due by 2026-12-03" in done.stderr and len(done.stdout.split()) == 2


def test_a_dry_run_is_refused_as_the_command_would_be(sosa, recorded, db_path):
    before = state(db_path)
    refused = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0008", "--dry-run", ok=False)
    assert refused.exit_code == 1 and refused.stderr.startswith("sosa: ") and "C-0008" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and refused.stdout == ""
    assert state(db_path) == before


def test_remind_and_reply_dry_runs(sosa, recorded, db_path, monkeypatch):
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    [reminder] = dry(sosa, db_path, "ask", "remind", "A-0001")
    assert (reminder["Kind"], reminder["Company"], reminder["Date"], reminder["Answer by"]) == ("reminder", "C-0003", "2026-12-11", "2026-12-18")
    assert reminder["文書番号 if issued now"] == "装備政策第3号"
    # The reply would report C-0003 as no response: a dry run needs no --yes to show it.
    [reply] = dry(sosa, db_path, "ask", "reply", "A-0001")
    assert (reply["Kind"], reply["Record"], reply["Date"], reply["文書番号 if issued now"]) == ("reply", "A-0001", "2026-12-11", "装備政策第3号")


def test_request_send_dry_run(sosa, configured, db_path):
    sosa("delay", "add", *DELAY)
    sosa("request", "open", "D-0001")
    [row] = dry(sosa, db_path, "request", "send", "R-0001", "--format", "docx", "--out", str(db_path.parent / "out.docx"))
    assert (row["Kind"], row["Record"], row["Date"], row["文書番号 if issued now"]) == ("request", "R-0001", "2026-11-26", "装備政策第1号")
    assert json.loads(sosa("request", "show", "R-0001", "--json").stdout)["status"] == "draft"
    assert not (db_path.parent / "out.docx").exists()
