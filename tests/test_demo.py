"""`sosa demo` builds a fresh database from the sample data and says where it is."""

from __future__ import annotations

import json
import os
import sqlite3


def _pdf_available() -> bool:
    from sosa_cli.demo import formats_available

    return "pdf" in formats_available()[0]


def test_demo_runs_the_desk_in_its_own_folder(sosa, tmp_path, db_path, desk_env):
    folder = tmp_path / "demo"
    result = sosa("demo", "--dir", str(folder))
    demo_db = folder / "sosa.db"
    assert f"Demo database: {demo_db}" in result.stderr
    assert "Enrolled 9 sample companies" in result.stderr and "recorded C-0008, without a Code of Conduct date, as applied" in result.stderr
    assert "issued 9 enrollment notices" in result.stderr
    assert "C-0007 瀬戸内化工株式会社 withdrew four weeks ago and came back today: re-enrolled under the same key" in result.stderr
    assert "closed resolved and issued the outcome notice" in result.stderr
    assert result.stdout.splitlines()[1].startswith("C-0001\t東雲精機株式会社")
    conn = sqlite3.connect(demo_db)
    assert conn.execute("SELECT count(*) FROM companies").fetchone()[0] == 10
    assert conn.execute("SELECT status, outcome FROM requests ORDER BY id").fetchall() == [("closed", "resolved"), ("rated", None)]
    kinds = [k for (k,) in conn.execute("SELECT kind FROM letters ORDER BY id")]
    # In the order of their dates: the desk's work over seven weeks.
    assert kinds == ["enrollment"] * 9 + ["request", "outcome"] + ["relay"] * 4 + ["request", "reminder", "reply", "relay", "enrollment"]
    # Numbers follow the dates: the first day's letters come first.
    dates = [d for (d,) in conn.execute("SELECT letter_date FROM letters ORDER BY serial")]
    assert dates == sorted(dates)
    # The demo's database is sosa.db: its letters folder is sosa-letters/, marked as its own.
    drafts = {p.name for p in (folder / "sosa-letters").glob("*.eml")}
    letters = {p.name for p in (folder / "sosa-letters").iterdir()} - {".sosa-letters"} - drafts
    formats = ["md", "html", "docx", "pdf"] if _pdf_available() else ["md", "html", "docx"]
    assert len(letters) == len(kinds) * len(formats)
    assert {f"L-0010-request-R-0001.{fmt}" for fmt in formats} <= letters
    assert {f"L-0017-reminder-A-0001-C-0003.{fmt}" for fmt in formats} <= letters
    # A request, its outcome and its resolution each have a day of their own.
    request, outcome = conn.execute("SELECT sent_on, closed_on FROM requests WHERE key = 'R-0001'").fetchone()
    assert request < outcome
    written = result.stdout.splitlines()
    assert str(folder / "sosa-letters" / f"L-0020-enrollment-C-0007.{formats[-1]}") in written
    # The demo ends with what the desk hands on: the report, the deadlines and the e-mail drafts.
    assert "Wrote the desk report (sosa-report-" in result.stderr
    report = next(folder.glob("sosa-report-*.html"))
    assert "参加企業の状況" in report.read_text(encoding="utf-8")
    calendar = next(folder.glob("sosa-deadlines-*.ics")).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar and "A-0001" in calendar
    assert {"L-0012-relay-A-0001-C-0002.eml", "L-0017-reminder-A-0001-C-0003.eml"} <= drafts
    assert written[-len(drafts) :] == sorted(str(folder / "sosa-letters" / name) for name in drafts)
    # C-0007 came back: one record, two enrollment notices, the return in its history.
    returned = json.loads(sosa("company", "show", "C-0007", "--json", "--db", str(demo_db)).stdout)
    assert returned["status"] == "enrolled" and [h["action"] for h in returned["history"]] == ["enroll", "withdraw", "re-enroll"]
    assert [entry["kind"] for entry in returned["letters"]] == ["enrollment", "enrollment"]
    # The demo's office profile lives in its folder; the officer's is untouched.
    assert (folder / "config.yaml").exists()
    assert os.environ["SOSA_CONFIG"] == str(desk_env / "config.yaml")
    assert not (desk_env / "config.yaml").exists()
    assert not db_path.exists(), "the demo must not touch the officer's own database"
    shown = json.loads(sosa("request", "show", "R-0001", "--json", "--db", str(demo_db)).stdout)
    assert shown["rating"] == "DO-A1" and [d["status"] for d in shown["delays"]] == ["resolved", "resolved"]
    # A delayed service (役務) goes to DoD beside a part: no part number or NSN, one lot.
    assert "Recorded D-0004, a delayed service (F110 engine depot repair: 役務, no part number)" in result.stderr
    second = json.loads(sosa("request", "show", "R-0002", "--json", "--db", str(demo_db)).stdout)
    assert [(d["key"], d["kind"], d["part_number"], d["psc"]) for d in second["delays"]] == [
        ("D-0003", "part", "TB-88120", None),
        ("D-0004", "service", None, "J028"),
    ]
    letter = (folder / "sosa-letters" / "L-0016-request-R-0002.md").read_text(encoding="utf-8")
    assert "Service: F110 engine depot repair (PSC J028)\n      Quantity: 1 lot\n" in letter
    assert sosa("audit", "verify", "--db", str(demo_db)).exit_code == 0


def test_demo_refuses_a_folder_that_holds_a_database(sosa, tmp_path):
    folder = tmp_path / "demo"
    sosa("demo", "--dir", str(folder))
    again = sosa("demo", "--dir", str(folder), ok=False)
    assert again.exit_code == 1 and "already holds a sosa database" in again.stderr


def test_demo_goes_on_without_pdf_when_the_machine_cannot_print_one(sosa, tmp_path, monkeypatch):
    from sosa_cli.errors import SosaError
    from sosa_cli.letters import pdf as documents

    def no_font(*args, **kwargs):
        raise SosaError("the PDF would print 12 character(s) as empty boxes (東雲…): no installed font has them")

    monkeypatch.setattr(documents, "print_pdf", no_font)
    folder = tmp_path / "demo"
    result = sosa("demo", "--dir", str(folder))
    assert "as md, html, docx into" in result.stderr and "PDF left out: the PDF would print" in result.stderr
    assert not any(p.suffix == ".pdf" for p in (folder / "sosa-letters").iterdir())
