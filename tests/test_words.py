"""Words the officer reads (issue 12 §5): a company without a Code of Conduct date is
recorded as applied, counts agree with their nouns, and a state is said once."""

from __future__ import annotations

import pytest

from sosa_cli.words import count
from tests.test_delays import with_option as delay_with
from tests.test_enrollment import GOOD


@pytest.mark.parametrize(
    ("number", "singular", "plural", "said"),
    [
        (0, "{n} company", "{n} companies", "0 companies"),
        (1, "{n} company", "{n} companies", "1 company"),
        (2, "{n} company", "{n} companies", "2 companies"),
        (1, "{n} day", "{n} days", "1 day"),
        (105, "{n} day", "{n} days", "105 days"),
        (2500, "{n} draft request", "{n} draft requests", "2,500 draft requests"),
        (1, "{n} company's answer", "{n} companies' answers", "1 company's answer"),
    ],
)
def test_count(number, singular, plural, said):
    assert count(number, singular, plural) == said


@pytest.mark.parametrize(("number", "said"), [(1, "1社"), (2, "2社"), (2500, "2,500社")])
def test_count_in_japanese_is_the_catalogs_one_form(number, said):
    from sosa_cli.i18n import use

    use("ja")
    try:
        assert count(number, "{n} company", "{n} companies") == said
    finally:
        use("en")


def test_one_of_four_companies_has_not_answered():
    """The verb follows the part, the noun the whole (asks.not_answered)."""
    from sosa_cli.asks import not_answered

    assert not_answered(1, 4, "A-0001", "C-0002") == "1 of 4 companies has not answered A-0001 (C-0002)"
    assert not_answered(2, 4, "A-0001", "C-0002, C-0003") == "2 of 4 companies have not answered A-0001 (C-0002, C-0003)"
    assert not_answered(1, 1, "A-0001", "C-0002") == "1 of 1 company has not answered A-0001 (C-0002)"


def test_a_company_without_a_code_of_conduct_date_is_recorded_as_applied(sosa):
    result = sosa("enroll", *GOOD)
    assert result.stdout.split() == ["C-0001"]
    assert result.stderr.splitlines() == [
        "Recorded 1 company as applied, not yet enrolled: C-0001; "
        "`sosa company update KEY --coc-accepted-on DATE` enrolls it once the Code of Conduct is accepted."
    ]
    assert "nrolled 1" not in result.stderr


def test_a_file_says_how_many_were_enrolled_and_how_many_recorded_as_applied(sosa, enrolled, tmp_path):
    # The sample register: C-0008 gave no Code of Conduct date.
    source = tmp_path / "two.yaml"
    source.write_text(
        '- name_ja: 甲\n  name_en: Ko\n  corporate_number: "7000012050002"\n  coc_accepted_on: "2026-11-02"\n'
        '- name_ja: 乙\n  name_en: Otsu\n  corporate_number: "8010401135790"\n',
        encoding="utf-8",
    )
    result = sosa("enroll", "--from", str(source))
    assert "Enrolled 1 company: C-0011." in result.stderr
    assert "Recorded 1 company as applied, not yet enrolled: C-0012;" in result.stderr


def test_one_day_late_is_one_day(sosa, enrolled):
    result = sosa("delay", "add", *delay_with("--promised-date", "2027-01-16"))
    assert "1 day late." in result.stderr and "1 days" not in result.stderr
    updated = sosa("delay", "update", "D-0001", "--promised-date", "2027-01-18")
    assert "3 days late (2 slips kept)." in updated.stderr


def test_a_state_is_said_once(sosa, enrolled):
    sosa("delay", "add", *delay_with("--part-number", "P-1"))
    sosa("request", "open", "D-0001")
    result = sosa("request", "close", "R-0001", "--outcome", "withdrawn")
    assert result.stderr.startswith("R-0001 is withdrawn; delays: D-0001 open")
    assert "(withdrawn)" not in result.stderr
    card = dict(line.split("\t", 1) for line in sosa("request", "show", "R-0001").stdout.splitlines() if line.startswith("Status"))
    assert card["Status"] == "withdrawn"
    sosa("company", "withdraw", "C-0002", "--reason", "company request")
    company = dict(line.split("\t", 1) for line in sosa("company", "show", "C-0002").stdout.splitlines() if line.startswith("Status"))
    assert company["Status"] == "withdrawn (company request)"


def test_one_company_exported_and_relayed_is_one_company(sosa, configured, tmp_path):
    from tests.test_asks import ASK

    for key in ("C-0001", "C-0002", "C-0003", "C-0004", "C-0006", "C-0007", "C-0009", "C-0010"):
        sosa("company", "update", key, "--no-share-usg")
    exported = sosa("company", "export", "--to", "usg", "--out", str(tmp_path / "usg.csv"))
    assert "Exported 1 company for usg as csv" in exported.stderr
    sosa("ask", "record", *ASK)
    relayed = sosa("relay", "A-0001", "--to", "C-0002")
    assert "Relayed A-0001 to 1 company (C-0002)" in relayed.stderr
    shown = dict(line.split("\t", 1) for line in sosa("ask", "show", "A-0001").stdout.splitlines() if line.startswith("Relayed to"))
    assert shown["Relayed to"].startswith("1 company; 0 answered")


def test_an_update_says_the_company_is_recorded_as_applied(sosa, enrolled):
    assert sosa("company", "update", "C-0008", "--ncage", "SZ118").stderr == "Updated C-0008 東都通信機株式会社 (recorded as applied).\n"
    enrolled_now = sosa("company", "update", "C-0008", "--coc-accepted-on", "2026-11-20")
    assert enrolled_now.stderr == "Updated C-0008 東都通信機株式会社 (enrolled).\n"
