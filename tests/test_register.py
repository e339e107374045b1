"""The participant register: list, search, show, correct, and the company life cycle."""

from __future__ import annotations

import json

import pytest

from sosa_cli import lifecycle


def keys(result) -> list[str]:
    """The keys of a piped listing, under its header row."""
    return [line.split("\t")[0] for line in result.stdout.splitlines()[1:]]


@pytest.mark.parametrize(
    "term, expected",
    [
        ("電子", ["C-0002", "C-0008"]),  # 2 characters: below the trigram size
        ("航空", ["C-0001", "C-0003"]),
        ("光学レンズ", ["C-0006"]),
        ("aero", ["C-0003"]),
        ("AERO", ["C-0003"]),
        ("Kobe", ["C-0005"]),
        ("東京都", ["C-0001", "C-0002", "C-0006", "C-0008"]),
        ("steel plate", ["C-0004"]),
        ("見つからない会社", []),
        ('"[urgent]', []),
        ("%", []),
    ],
)
def test_search_finds_companies_in_japanese_and_english(sosa, enrolled, term, expected):
    assert keys(sosa("company", "list", "--search", term)) == expected


def test_filter_by_status_and_supply_class(sosa, enrolled):
    assert keys(sosa("company", "list", "--status", "applied")) == ["C-0008"]
    assert keys(sosa("company", "list", "--fsc", "5962")) == ["C-0002", "C-0008"]
    bad = sosa("company", "list", "--status", "active", ok=False)
    assert bad.exit_code == 1 and "not a company status" in bad.stderr


def test_list_json_has_stable_keys(sosa, enrolled):
    rows = json.loads(sosa("company", "list", "--json").stdout)
    assert len(rows) == 10
    assert set(rows[0]) >= {"key", "name_ja", "name_en", "corporate_number", "ncage", "status", "share_usg", "share_primes"}
    assert rows[0]["key"] == "C-0001"


def test_show_is_a_card_with_contacts_consents_and_history(sosa, enrolled):
    piped = sosa("company", "show", "c-0001").stdout
    assert "Key\tC-0001" in piped
    assert "Share with USG\tyes" in piped
    assert "Contacts\t佐藤 花子" in piped
    assert "History\t" in piped and "\tenroll\t" in piped
    data = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert data["history"][0]["action"] == "enroll"
    assert [c["name"] for c in data["contacts"]] == ["佐藤 花子", "Kenji Ito"]


@pytest.mark.parametrize("ref, message", [("C-0099", "no company C-0099"), ("D-0001", "names no company"), ("1234567890123", "no company with 法人番号")])
def test_unknown_company_is_one_line(sosa, enrolled, ref, message):
    result = sosa("company", "show", ref, ok=False)
    assert result.exit_code == 1 and message in result.stderr


def test_update_validates_and_keeps_before_and_after(sosa, enrolled):
    sosa("company", "update", "C-0002", "--ncage", "sz200", "--share-primes", "--fsc", "5962")
    data = json.loads(sosa("company", "show", "C-0002", "--json").stdout)
    assert data["ncage"] == "SZ200" and data["share_primes"] is True and data["fsc"] == ["5962"]
    last = data["history"][-1]
    assert last["action"] == "update"
    assert last["before"]["ncage"] == "SZ102" and last["after"]["ncage"] == "SZ200"
    assert "name_ja" not in last["after"]
    refused = sosa("company", "update", "C-0002", "--corporate-number", "2010401082346", ok=False)
    assert refused.exit_code == 1 and "check digit" in refused.stderr
    taken = sosa("company", "update", "C-0002", "--corporate-number", "9010401071234", ok=False)
    assert "already registered as C-0001" in taken.stderr
    nothing = sosa("company", "update", "C-0002", ok=False)
    assert "nothing to change" in nothing.stderr


def test_update_contact_replaces_the_main_contact_only(sosa, enrolled):
    sosa("company", "update", "C-0001", "--contact-name", "新担当 太郎", "--contact-email", "new@shinonome-seiki.example.jp")
    data = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert [c["name"] for c in data["contacts"]] == ["新担当 太郎", "Kenji Ito"]


def test_accepting_the_code_of_conduct_enrolls_an_applicant(sosa, enrolled):
    sosa("company", "update", "C-0008", "--coc-accepted-on", "R8.11.20")
    data = json.loads(sosa("company", "show", "C-0008", "--json").stdout)
    assert data["status"] == "enrolled" and data["coc_accepted_on"] == "2026-11-20"


def test_suspend_reinstate_withdraw(sosa, enrolled):
    sosa("company", "suspend", "C-0001", "--reason", "audit")
    assert json.loads(sosa("company", "show", "C-0001", "--json").stdout)["status"] == "suspended"
    sosa("company", "reinstate", "C-0001")
    needs_reason = sosa("company", "withdraw", "C-0001", ok=False)
    assert "needs a reason" in needs_reason.stderr
    sosa("company", "withdraw", "C-0001", "--reason", "company request")
    data = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert data["status"] == "withdrawn" and data["status_reason"] == "company request"
    refused = sosa("company", "reinstate", "C-0001", ok=False)
    assert refused.exit_code == 1
    assert "C-0001 is withdrawn and cannot become enrolled this way: a company that withdrew comes back by enrolling again" in refused.stderr


def test_refused_transition_names_the_allowed_ones(sosa, enrolled):
    result = sosa("company", "reinstate", "C-0002", ok=False)
    assert "C-0002 is enrolled and cannot become enrolled: from enrolled it can move to suspended, withdrawn" in result.stderr


ALL_MOVES = [(a, b) for a in lifecycle.COMPANY.states for b in lifecycle.COMPANY.states]


@pytest.mark.parametrize("state, target", ALL_MOVES)
def test_company_life_cycle_table(state, target):
    allowed = {
        ("applied", "enrolled"),
        ("applied", "withdrawn"),
        ("enrolled", "suspended"),
        ("enrolled", "withdrawn"),
        ("suspended", "enrolled"),
        ("suspended", "withdrawn"),
    }
    if (state, target) in allowed:
        lifecycle.COMPANY.check("C-0001", state, target)
    else:
        with pytest.raises(Exception, match="cannot become"):
            lifecycle.COMPANY.check("C-0001", state, target)


def test_a_contact_correction_keeps_the_contacts_other_fields(sosa, enrolled):
    sosa("company", "update", "C-0001", "--contact-phone", "03-1111-2222")
    data = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    main = data["contacts"][0]
    assert main["phone"] == "03-1111-2222"
    assert (main["name"], main["title"], main["email"], main["role"]) == ("佐藤 花子", "防衛事業部 営業課長", "h.sato@shinonome-seiki.example.jp", "primary")
    assert [c["name"] for c in data["contacts"]] == ["佐藤 花子", "Kenji Ito"]
    assert data["history"][-1]["after"]["contacts"][0]["phone"] == "03-1111-2222"
    bad = sosa("company", "update", "C-0001", "--contact-email", "nope", ok=False)
    assert "contacts.1.email" in bad.stderr


def test_list_json_carries_every_field_it_names(sosa, enrolled):
    listed = json.loads(sosa("company", "list", "--json").stdout)[0]
    shown = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert {k: v for k, v in listed.items()} == {k: shown[k] for k in listed}


def test_read_commands_do_not_create_a_database(sosa, tmp_path):
    typo = tmp_path / "typo.db"
    for args in (["company", "list"], ["status"], ["delay", "list"], ["log"]):
        result = sosa(*args, "--db", str(typo), ok=False)
        assert result.exit_code == 1 and f"no database at {typo}" in result.stderr
    assert not typo.exists()


def test_show_lists_the_companys_delays_and_letters(sosa, configured):
    from tests.test_delays import DELAY

    sosa("delay", "add", *DELAY)
    sosa("letter", "render", "enrollment", "C-0001")
    data = json.loads(sosa("company", "show", "C-0001", "--json").stdout)
    assert [d["key"] for d in data["delays"]] == ["D-0001"]
    assert [(entry["key"], entry["kind"]) for entry in data["letters"]] == [("L-0001", "enrollment")]
    piped = sosa("company", "show", "C-0001").stdout
    assert "Delays\tD-0001\topen\t123-456-789" in piped
    assert "Letters\tL-0001\tenrollment\t装備政策第1号" in piped
