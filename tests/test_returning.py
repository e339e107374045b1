"""A company that left can come back (issue 12 §2): enrolling the 法人番号 of a withdrawn
company again re-enrolls the same record, confirmed with --yes."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sosa_cli import lifecycle
from sosa_cli.errors import SosaError

# C-0005 in the sample register: 神戸船舶電機株式会社, Code of Conduct accepted 2024-01-10.
KOBE = "1140001085678"
BACK = ["enroll", "--corporate-number", KOBE, "--name-ja", "神戸船舶電機株式会社", "--name-en", "Kobe Marine Electric Co., Ltd."]


def show(sosa, key: str) -> dict:
    return json.loads(sosa("company", "show", key, "--json").stdout)


def dump(db_path) -> str:
    return "\n".join(sqlite3.connect(db_path).iterdump())


@pytest.fixture
def withdrawn(sosa, configured):
    """C-0005 with its enrollment notice, then withdrawn at its request."""
    sosa("letter", "render", "enrollment", "C-0005")
    sosa("company", "withdraw", "C-0005", "--reason", "company request of 2026-11-20")
    return configured


def test_without_yes_one_line_says_what_would_happen_and_changes_nothing(sosa, withdrawn):
    before = dump(withdrawn)
    refused = sosa(*BACK, "--coc-accepted-on", "2026-11-25", ok=False)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "sosa: 法人番号 1140001085678 is C-0005 神戸船舶電機株式会社, which withdrew (company request of 2026-11-20): "
        "enrolling it again re-enrolls C-0005, its history kept, with the Code of Conduct accepted on 2026-11-25; "
        "nothing was changed (add --yes to re-enroll it)"
    ]
    assert dump(withdrawn) == before


def test_with_yes_the_same_record_comes_back_with_its_history(sosa, withdrawn):
    result = sosa(*BACK, "--coc-accepted-on", "2026-11-25", "--coc-version", "1.1", "--share-usg", "--yes")
    assert result.stdout.split() == ["C-0005"]
    assert "Re-enrolled C-0005 神戸船舶電機株式会社: the same record, its history kept; Code of Conduct accepted anew on 2026-11-25." in result.stderr
    assert "Enrolled" not in result.stderr, "no new company was enrolled"
    company = show(sosa, "C-0005")
    assert (company["status"], company["status_reason"], company["coc_accepted_on"], company["coc_version"]) == ("enrolled", None, "2026-11-25", "1.1")
    # Consents are given anew (off unless given); what it did not give again is kept.
    assert company["share_usg"] is True and company["share_primes"] is False
    assert company["address_ja"] == "兵庫県神戸市中央区港島10-11" and company["fsc"] == ["5925", "6110", "6115"]
    assert [c["name"] for c in company["contacts"]] == ["山本 大輔"]
    assert [entry["action"] for entry in company["history"]] == ["enroll", "withdraw", "re-enroll"]
    assert len(json.loads(sosa("company", "list", "--json").stdout)) == 10


def test_the_audit_shows_the_return(sosa, withdrawn):
    sosa(*BACK, "--coc-accepted-on", "2026-11-25", "--yes")
    log = sosa("log", "C-0005").stdout.splitlines()
    assert log[-1].split("\t")[3:5] == ["re-enroll", "C-0005"]
    assert "status: 'withdrawn' → 'enrolled'" in log[-1] and "coc_accepted_on: '2024-01-10' → '2026-11-25'" in log[-1]
    assert sosa("audit", "verify").exit_code == 0


def test_a_new_enrollment_notice_is_issued_and_the_earlier_one_kept(sosa, withdrawn):
    sosa(*BACK, "--coc-accepted-on", "2026-11-25", "--yes")
    first = sosa("letter", "render", "enrollment", "C-0005", "--out", "-").stdout
    again = sosa("letter", "render", "enrollment", "C-0005", "--out", "-").stdout
    assert first == again, "rendered again, the new notice keeps its number"
    letters = json.loads(sosa("letter", "list", "--json").stdout)
    assert [(entry["key"], entry["record"], entry["doc_number"], entry["status"]) for entry in letters] == [
        ("L-0001", "C-0005", "装備政策第1号", "issued"),
        ("L-0002", "C-0005", "装備政策第2号", "issued"),
    ]
    assert "装備政策第2号" in first and "令和8年11月25日" in first or "2026" in first


def test_enroll_yes_letter_issues_the_new_notice_at_once(sosa, withdrawn):
    result = sosa(*BACK, "--coc-accepted-on", "2026-11-25", "--yes", "--letter")
    assert "Issued L-0002 装備政策第2号 to 神戸船舶電機株式会社" in result.stderr


def test_a_return_needs_a_new_code_of_conduct_date(sosa, withdrawn):
    missing = sosa(*BACK, "--yes", ok=False)
    assert missing.exit_code == 1
    assert (
        "C-0005 神戸船舶電機株式会社, which withdrew (company request of 2026-11-20): enrolling it again needs the date it accepted the Code of Conduct anew"
        in missing.stderr
    )
    earlier = sosa(*BACK, "--coc-accepted-on", "2024-01-10", "--yes", ok=False)
    assert "2024-01-10 is not after C-0005's earlier acceptance of 2024-01-10" in earlier.stderr
    assert show(sosa, "C-0005")["status"] == "withdrawn"


def test_reinstate_still_refuses_a_withdrawn_company_and_points_to_enroll(sosa, withdrawn):
    refused = sosa("company", "reinstate", "C-0005", ok=False)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "sosa: C-0005 is withdrawn and cannot become enrolled this way: a company that withdrew comes back by enrolling again, "
        "with the date it accepted the Code of Conduct anew "
        "(sosa enroll --corporate-number 1140001085678 --name-ja … --name-en … --coc-accepted-on DATE --yes)"
    )
    suspend = sosa("company", "suspend", "C-0005", ok=False)
    assert "C-0005 is withdrawn and cannot become suspended: from withdrawn it can move to enrolled (by re-enroll)" in suspend.stderr


def test_a_company_that_has_not_withdrawn_is_still_already_registered(sosa, withdrawn):
    refused = sosa("enroll", "--corporate-number", "9010401071234", "--name-ja", "甲", "--name-en", "Ko", "--coc-accepted-on", "2026-11-25", "--yes", ok=False)
    assert "法人番号 9010401071234 is already registered as C-0001" in refused.stderr


def _file(tmp_path, *numbers_and_dates: tuple[str, str]):
    path = tmp_path / "back.yaml"
    path.write_text(
        "".join(f'- name_ja: 会社{n}\n  name_en: Company {n}\n  corporate_number: "{n}"\n  coc_accepted_on: "{d}"\n' for n, d in numbers_and_dates),
        encoding="utf-8",
    )
    return str(path)


def test_a_bulk_file_with_a_withdrawn_company_is_refused_without_yes(sosa, withdrawn, tmp_path):
    # 7000012050002 is new; KOBE withdrew.
    source = _file(tmp_path, ("7000012050002", "2026-11-24"), (KOBE, "2026-11-25"))
    before = dump(withdrawn)
    refused = sosa("enroll", "--from", source, ok=False)
    assert refused.exit_code == 1 and "C-0005" in refused.stderr and "add --yes to re-enroll it" in refused.stderr
    assert dump(withdrawn) == before, "all or nothing: the new company is not enrolled either"
    plan = sosa("enroll", "--from", source, "--dry-run")
    assert [line.split("\t")[-1] for line in plan.stdout.splitlines()[1:]] == ["enrolled", "re-enrolled as C-0005"]
    assert "Dry run: 1 company would be enrolled; 1 company would be re-enrolled (with --yes); nothing was written." in plan.stderr
    done = sosa("enroll", "--from", source, "--yes")
    assert done.stdout.split() == ["C-0011", "C-0005"]
    assert "Enrolled 1 company: C-0011." in done.stderr and "Re-enrolled C-0005" in done.stderr


def test_several_returns_in_a_file_are_named_in_one_line(sosa, withdrawn, tmp_path):
    sosa("company", "withdraw", "C-0006", "--reason", "merger")
    source = _file(tmp_path, (KOBE, "2026-11-25"), ("8010001096789", "2026-11-25"))
    refused = sosa("enroll", "--from", source, ok=False)
    assert refused.stderr.splitlines() == [
        "sosa: 2 companies in this input withdrew earlier (C-0005, C-0006): enrolling them again re-enrolls each under its key, "
        "its history kept, with its new Code of Conduct date; nothing was changed (add --yes to re-enroll them)"
    ]


def test_the_life_cycle_allows_the_return_only_by_re_enrollment():
    lifecycle.COMPANY.check("C-0001", "withdrawn", "enrolled", action="re-enroll")
    for action in (None, "reinstate", "update"):
        with pytest.raises(SosaError, match="cannot become enrolled this way"):
            lifecycle.COMPANY.check("C-0001", "withdrawn", "enrolled", action=action)
    with pytest.raises(SosaError, match="from withdrawn it can move to enrolled"):
        lifecycle.COMPANY.check("C-0001", "withdrawn", "suspended", action="suspend")


@pytest.mark.parametrize(("answer", "back"), [("y\n", True), ("n\n", False)])
def test_on_a_terminal_the_officer_is_asked(sosa, withdrawn, monkeypatch, answer, back):
    from sosa_cli.cli import company

    monkeypatch.setattr(company, "stdin_is_terminal", lambda: True)
    result = sosa(*BACK, "--coc-accepted-on", "2026-11-25", input=answer, ok=False)
    assert "1140001085678 is C-0005 神戸船舶電機株式会社, which withdrew (company request of 2026-11-20)." in result.stderr
    assert "Re-enroll 1 company under the same key, its history kept? [y/N]" in result.output
    assert (result.exit_code == 0) is back
    assert show(sosa, "C-0005")["status"] == ("enrolled" if back else "withdrawn")
