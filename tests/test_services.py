"""Services (役務) as well as parts (issue 12 §1, DOMAIN.md §2): a delayed service, the
service codes (PSC) companies perform, asks that list services, relay --match by PSC, and
every letter kind wording a service as a service. Everything through the CLI."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

SERVICE = [
    "--service",
    "--company",
    "C-0001",
    "--supplier",
    "GE Aerospace",
    "--supplier-cage",
    "07482",
    "--po",
    "PO-2026-0107",
    "--description",
    "F110 engine depot repair",
    "--psc",
    "j028",
    "--program-en",
    "F-2 fighter",
    "--need-date",
    "2027-01-15",
    "--promised-date",
    "2027-05-31",
    "--impact",
    "Two aircraft grounded",
    "--efforts",
    "Weekly calls; no other depot is qualified",
]
SERVICE_ASK = [
    "--dod-ref",
    "IBP-2026-0400",
    "--received-on",
    "2026-11-25",
    "--program",
    "F-16 sustainment",
    "--service",
    "--psc",
    "J028",
    "--description",
    "F110 engine overhaul",
    "--current-date",
    "2027-06-30",
    "--requested-date",
    "2027-03-31",
    "--reply-by",
    "2026-12-25",
]


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def delay(sosa, key: str = "D-0001") -> dict:
    return json.loads(sosa("delay", "show", key, "--json").stdout)


def given(args: list[str], option: str, value: str) -> list[str]:
    """`args` with `option` set to `value`, replacing it or added."""
    args = list(args)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


def refused_in_one_line(sosa, db: Path, *args: str) -> str:
    """Runs a command that must be refused: one line on stderr, exit 1, nothing changed."""
    before = dump(db)
    result = sosa(*args, ok=False)
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    assert dump(db) == before
    return result.stderr


# --- a delayed service ------------------------------------------------------------------


def test_a_delayed_service_is_recorded_without_part_number_as_one_lot(sosa, enrolled):
    added = sosa("delay", "add", *SERVICE)
    assert added.stdout.strip() == "D-0001"
    assert "Recorded D-0001 for C-0001: service: F110 engine depot repair ×1, 136 days late." in added.stderr
    data = delay(sosa)
    assert (data["kind"], data["part_number"], data["nsn"], data["psc"]) == ("service", None, None, "J028")
    assert (data["quantity"], data["unit"], data["what"]) == (1, "LO", "service: F110 engine depot repair")
    card = sosa("delay", "show", "D-0001").stdout
    assert "What\tservice (役務)\n" in card and "Quantity\t1 lot\n" in card and "PSC\tJ028\n" in card
    assert "D-0001\tC-0001\topen\tGE Aerospace\tservice: F110 engine depot repair\t1\t" in sosa("delay", "list").stdout


def test_a_service_may_be_several_lots(sosa, enrolled):
    sosa("delay", "add", *SERVICE, "--quantity", "3")
    assert (delay(sosa)["quantity"], delay(sosa)["unit"]) == (3, "LO")


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--part-number", "HV-1"], "part_number: a service (役務) has no part number: leave out --part-number, or record a part without --service"),
        (["--nsn", "1650-01-234-5678"], "nsn: a service (役務) has no NSN: leave out --nsn"),
        (["--psc", "1560"], "psc: PSC 1560 is a supply class (FSC) of parts: give it as an FSC"),
        (["--psc", "J15"], 'psc: service code "J15" is not a PSC: a letter and three letters or digits, e.g. J015'),
        (["--description", " "], "description: a service needs --description"),
    ],
)
def test_a_service_with_what_only_a_part_has_is_refused(sosa, enrolled, extra, message):
    args = given(SERVICE, *extra)
    assert message in refused_in_one_line(sosa, enrolled, "delay", "add", *args)


def test_a_part_still_needs_its_part_number_and_takes_no_psc(sosa, enrolled):
    part = [a for a in SERVICE if a not in ("--service", "--psc", "j028")]
    assert "missing --part-number" in refused_in_one_line(sosa, enrolled, "delay", "add", *part)
    assert "missing --quantity" in refused_in_one_line(sosa, enrolled, "delay", "add", *part, "--part-number", "HV-1")
    stderr = refused_in_one_line(sosa, enrolled, "delay", "add", *part, "--part-number", "HV-1", "--quantity", "2", "--psc", "J028")
    assert "psc: a service code (PSC) is for a service: add --service" in stderr


def test_a_service_keeps_slips_and_cannot_gain_a_part_number(sosa, enrolled):
    sosa("delay", "add", *SERVICE)
    sosa("delay", "update", "D-0001", "--promised-date", "2027-06-30", "--note", "depot letter")
    assert [s["promised_date"] for s in delay(sosa)["slips"]] == ["2027-05-31", "2027-06-30"]
    stderr = refused_in_one_line(sosa, enrolled, "delay", "update", "D-0001", "--part-number", "HV-1")
    assert "part_number: a service (役務) has no part number" in stderr
    assert "description: a service needs --description" in refused_in_one_line(sosa, enrolled, "delay", "update", "D-0001", "--description", "")


# --- the request to DoD and the outcome notice ---------------------------------------


def test_a_delayed_service_goes_to_dod_and_its_outcome_to_the_company(sosa, configured):
    sosa("delay", "add", *SERVICE)
    sosa("request", "open", "D-0001", "--action", "rating", "--urgency", "urgent")
    sosa("request", "send", "R-0001")
    request = sosa("letter", "render", "request", "R-0001", "--out", "-").stdout
    assert "(a) F110 engine depot repair (ATLA reference D-0001)" in request
    assert "Service: F110 engine depot repair (PSC J028)\n      Quantity: 1 lot\n" in request
    assert "Part number" not in request and "NSN" not in request
    # The DPAS clock runs for a service as for a part (15 US working days for DO).
    sosa("request", "update", "R-0001", "--status", "acknowledged", "--dod-ref", "IBP-2026-201")
    rated = sosa("request", "update", "R-0001", "--status", "rated", "--rating", "DO-A1")
    assert "supplier must accept or reject by 2026-12-17" in rated.stderr
    sosa("request", "update", "R-0001", "--committed-date", "2027-01-12", "--status", "supplier-accepted")
    sosa("request", "close", "R-0001", "--outcome", "resolved")
    assert delay(sosa)["status"] == "resolved"
    outcome = sosa("letter", "render", "outcome", "R-0001", "--out", "-").stdout
    assert "米国の役務の納入遅延に係る米国への要請の結果について（通知）" in outcome
    assert "貴社から報告のあった米国の役務の納入遅延に関し" in outcome
    assert "3　対象の役務\n　（1）役務　F110 engine depot repair　数量　一式\n" in outcome
    assert "NSN" not in outcome and "None" not in outcome
    assert sosa("db", "check").exit_code == 0


def test_a_part_and_a_service_in_one_outcome_notice(sosa, configured):
    sosa("delay", "add", *SERVICE, "--quantity", "2")
    part = [a if a != "F110 engine depot repair" else "Servo valve" for a in SERVICE if a not in ("--service", "--psc", "j028")]
    sosa("delay", "add", *part, "--part-number", "HV-2210-7", "--quantity", "4")
    sosa("request", "open", "D-0001", "D-0002", "--action", "expedite")
    sosa("request", "send", "R-0001")
    sosa("request", "update", "R-0001", "--status", "declined")
    sosa("request", "close", "R-0001", "--outcome", "unresolved")
    outcome = sosa("letter", "render", "outcome", "R-0001", "--out", "-").stdout
    assert "米国製品及び役務の納入遅延" in outcome and "対象品目及び役務" in outcome
    assert "役務　F110 engine depot repair　数量　2式" in outcome and "（2）HV-2210-7（Servo valve）　数量　4\n" in outcome


# --- companies' service codes ----------------------------------------------------------


def test_companies_record_the_service_codes_they_perform(sosa, enrolled, tmp_path):
    data = json.loads(sosa("company", "show", "C-0003", "--json").stdout)
    assert (data["fsc"], data["psc"]) == (["2840", "2915"], ["H228", "J028"])  # from the sample file
    sosa(
        "enroll", "--name-ja", "株式会社有明電装", "--name-en", "Ariake Denso Co., Ltd.", "--corporate-number", "8010401135790",
        "--coc-accepted-on", "2026-11-02", "--share-usg", "--psc", "ｊ０１５", "--psc", "R425",
    )  # fmt: skip
    assert "Service codes\tJ015, R425\n" in sosa("company", "show", "C-0011").stdout
    sosa("company", "update", "C-0011", "--psc", "H215")
    assert json.loads(sosa("company", "show", "C-0011", "--json").stdout)["psc"] == ["H215"]
    assert [c["key"] for c in json.loads(sosa("company", "list", "--psc", "j028", "--json").stdout)] == ["C-0003"]
    rows = list(csv.DictReader(io.StringIO(sosa("company", "export", "--to", "usg").stdout.lstrip("\ufeff"))))
    by_key = {row["key"]: row for row in rows}
    assert by_key["C-0003"]["psc"] == "H228 J028" and by_key["C-0011"]["psc"] == "H215" and by_key["C-0007"]["psc"] == ""
    yaml = tmp_path / "more.yaml"
    yaml.write_text(
        "name_ja: 株式会社相模整備\nname_en: Sagami Maintenance K.K.\ncorporate_number: '5010401000011'\n"
        "coc_accepted_on: '2026-11-02'\nfsc: [2840]\npsc: [J028, h228]\n",
        encoding="utf-8",
    )
    problems = refused_in_one_line(sosa, enrolled, "enroll", "--from", str(yaml))
    assert "corporate_number" in problems  # a made-up 法人番号: the file is refused whole, the PSC list is fine
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("5010401000011", "1010401000010"), encoding="utf-8")
    assert sosa("enroll", "--from", str(yaml)).stdout.strip() == "C-0012"
    assert json.loads(sosa("company", "show", "C-0012", "--json").stdout)["psc"] == ["H228", "J028"]
    assert sosa("db", "check").exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["company", "update", "C-0001", "--psc", "J15"], 'psc: service code "J15" is not a PSC: a letter and three letters or digits, e.g. J015'),
        (["company", "update", "C-0001", "--psc", "5935"], "psc: PSC 5935 is a supply class (FSC) of parts: give it as an FSC"),
        (
            ["enroll", "--name-ja", "株式会社有明電装", "--name-en", "Ariake", "--corporate-number", "8010401135790", "--psc", "J0155"],
            'psc: service code "J0155" is not a PSC',
        ),
    ],
)
def test_a_bad_service_code_is_refused_in_one_line(sosa, enrolled, args, message):
    assert message in refused_in_one_line(sosa, enrolled, *args)


# --- US asks that list services, relayed by PSC -----------------------------------------


def test_an_ask_for_a_service_is_relayed_to_the_companies_performing_its_psc(sosa, configured, monkeypatch):
    recorded = sosa("ask", "record", *SERVICE_ASK)
    assert "Recorded A-0001 (IBP-2026-0400): service: F110 engine overhaul ×1, 2027-06-30 → 2027-03-31" in recorded.stderr
    [item] = json.loads(sosa("ask", "show", "A-0001", "--json").stdout)["items"]
    assert (item["service"], item["psc"], item["part_number"], item["nsn"], item["quantity"], item["fsc"]) == (True, "J028", None, None, 1, None)
    # C-0003 performs J028 (engine repair); C-0001 performs J016 only and is not proposed.
    relayed = sosa("relay", "A-0001", "--match", "--yes", "--out", "-")
    assert "  C-0003  中部航空部品株式会社  (PSC J028)\n" in relayed.stderr and "C-0001" not in relayed.stderr
    letter = relayed.stdout
    assert "米国国防省から下記の役務の納期の前倒しについて要請がありました。" in letter
    assert "4　対象の役務\n　（1）役務　F110 engine overhaul\n　　　役務の区分（PSC）　J028\n　　　数量　一式\n" in letter
    assert "NSN" not in letter and "部品番号なし" not in letter

    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    reminder = sosa("ask", "remind", "A-0001", "--out", "-").stdout
    assert "下記の役務の納期の前倒しが可能かどうか" in reminder and "（1）役務　F110 engine overhaul\n" in reminder
    assert "NSN" not in reminder

    monkeypatch.setenv("SOSA_TODAY", "2026-12-24")
    reply = sosa("ask", "reply", "A-0001", "--yes", "--out", "-").stdout
    assert "(a) Service: F110 engine overhaul (PSC J028); quantity 1 lot; current delivery date 30 June 2027" in reply
    assert "Part number" not in reply and "NSN" not in reply
    assert sosa("db", "check").exit_code == 0


def test_an_ask_in_yaml_may_list_a_part_and_a_service(sosa, configured, tmp_path):
    asks = tmp_path / "asks.yaml"
    asks.write_text(
        """dod_ref: IBP-2026-0500
received_on: "2026-11-25"
program: F-16 sustainment
reply_by: "2027-01-29"
items:
  - part_number: MC-4410
    nsn: 5962-01-456-7890
    quantity: 12
    current_date: "2027-06-30"
    requested_date: "2027-03-31"
  - service: true
    psc: J059
    description: Radar module repair
    quantity: 3
    current_date: "2027-06-30"
    requested_date: "2027-04-30"
""",
        encoding="utf-8",
    )
    sosa("ask", "record", "--from", str(asks))
    relayed = sosa("relay", "A-0001", "--match", "--yes", "--out", "-")
    # C-0002 makes class 5962 and performs J059; C-0008 makes 5962 but is only applied.
    assert "  C-0002  北斗電子工業株式会社  (FSC 5962, PSC J059)\n" in relayed.stderr and "C-0008" not in relayed.stderr
    letter = relayed.stdout
    assert "下記の品目及び役務の納期の前倒し" in letter and "4　対象品目及び役務\n" in letter
    assert "（1）MC-4410\n　　　NSN　5962-01-456-7890\n　　　数量　12\n" in letter
    assert "（2）役務　Radar module repair\n　　　役務の区分（PSC）　J059\n　　　数量　3式\n" in letter


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--part-number", "MC-4410"], "part_number: a service (役務) has no part number"),
        (["--nsn", "5962-01-456-7890"], "nsn: a service (役務) has no NSN"),
        (["--psc", "59620"], 'psc: service code "59620" is not a PSC'),
    ],
)
def test_an_ask_for_a_service_with_a_part_number_or_a_bad_psc_is_refused(sosa, enrolled, extra, message):
    args = given(SERVICE_ASK, *extra)
    assert message in refused_in_one_line(sosa, enrolled, "ask", "record", *args)


def test_a_part_item_takes_no_psc_and_matches_by_fsc_as_before(sosa, enrolled):
    part = [a for a in SERVICE_ASK if a not in ("--service", "--psc", "J028")] + ["--nsn", "5962-01-456-7890", "--quantity", "12"]
    stderr = refused_in_one_line(sosa, enrolled, "ask", "record", *part, "--psc", "J059")
    assert "psc: a service code (PSC) is for a service" in stderr
    sosa("ask", "record", *part)
    refused = sosa("relay", "A-0001", "--match", ok=False)
    assert "  C-0002  北斗電子工業株式会社  (FSC 5962)\n" in refused.stderr


@pytest.mark.parametrize("kind", ["request", "outcome", "relay", "reply"])
def test_a_letter_issued_before_services_renders_as_it_did(sosa, configured, kind, monkeypatch):
    """A letter issued before schema 0008 keeps its snapshot, whose items know no `service`
    or `psc`: re-rendered (`sosa letter export`), it reads as the same letter."""
    from sosa_cli.letters.templates import render, template_name

    part = [a if a != "F110 engine depot repair" else "Servo valve" for a in SERVICE if a not in ("--service", "--psc", "j028")]
    sosa("delay", "add", *part, "--part-number", "HV-2210-7", "--quantity", "4")
    sosa("request", "open", "D-0001", "--action", "expedite")
    sosa("request", "send", "R-0001")
    sosa("request", "update", "R-0001", "--status", "declined")
    sosa("request", "close", "R-0001", "--outcome", "unresolved")
    sosa("letter", "render", "outcome", "R-0001")
    sosa("ask", "record", *[a for a in SERVICE_ASK if a not in ("--service", "--psc", "J028")], "--nsn", "5962-01-456-7890", "--quantity", "12")
    sosa("relay", "A-0001", "--to", "C-0002")
    monkeypatch.setenv("SOSA_TODAY", "2026-12-24")
    sosa("ask", "reply", "A-0001", "--yes")
    conn = sqlite3.connect(configured)
    (text,) = conn.execute("SELECT context FROM letters WHERE kind = ?", (kind,)).fetchone()
    conn.close()
    now = json.loads(text)
    before = json.loads(text)
    for item in before["items"]:
        assert (item.pop("service"), item.pop("psc")) == (False, None)
    name = template_name("en" if kind in ("request", "reply") else "ja", kind)
    assert render(name, before) == render(name, now)
