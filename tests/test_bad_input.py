"""The inputs people and files get wrong, fed to every command.

For each: exit status 1 (refused) or 2 (usage), one line on stderr saying what was wrong,
no traceback, and the database and the settings byte-for-byte as they were.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OFFICE, SAMPLE_COMPANIES, Sosa

DELAY = [
    *["delay", "add", "--company", "C-0001", "--supplier", "Acme Hydraulics Inc.", "--part-number", "HV-1"],
    *["--quantity", "4", "--need-date", "2027-01-15", "--promised-date", "2027-04-30"],
    *["--impact", "two aircraft held", "--efforts", "weekly calls"],
]
ASK = [
    *["ask", "record", "--dod-ref", "IBP-1", "--received-on", "2026-11-25", "--part-number", "MC-4410"],
    *["--nsn", "5962-01-456-7890", "--quantity", "12", "--current-date", "2027-06-30"],
    *["--requested-date", "2027-03-31", "--reply-by", "2026-12-25"],
]


def with_value(args: list[str], option: str, value: str) -> list[str]:
    args = list(args)
    args[args.index(option) + 1] = value
    return args


@pytest.fixture(scope="module")
def prepared_desk(tmp_path_factory):
    """The register, a suspended and a withdrawn company, a delay in a draft request, an
    issued notice and an ask relayed to one company: something for every command to refuse."""
    folder = tmp_path_factory.mktemp("desk")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOSA_DB", str(folder / "desk.db"))
        mp.setenv("SOSA_CONFIG", str(folder / "config.yaml"))
        mp.setenv("SOSA_TODAY", "2026-11-26")
        for name in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "NO_COLOR", "SOSA_TEMPLATES"):
            mp.delenv(name, raising=False)
        sosa = Sosa()
        sosa("enroll", "--from", str(SAMPLE_COMPANIES))
        for key, value in OFFICE.items():
            sosa("config", "set", key, value)
        sosa("company", "suspend", "C-0004", "--reason", "audit")
        sosa("company", "withdraw", "C-0005", "--reason", "company request")
        sosa(*DELAY)
        sosa("request", "open", "D-0001")
        sosa("letter", "render", "enrollment", "C-0001")
        sosa(*ASK)
        sosa("relay", "A-0001", "--to", "C-0002")
    conn = sqlite3.connect(folder / "desk.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return folder


@pytest.fixture
def desk(prepared_desk, desk_env):
    for name in ("desk.db", "config.yaml"):
        shutil.copy(prepared_desk / name, desk_env / name)
    return desk_env


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


# Files the cases read, written into the test's folder.
FILES = {
    "malformed.yaml": "name_ja: [甲\nname_en: A\n",
    "duplicate.yaml": "name_ja: 甲\nname_ja: 乙\nname_en: A\ncorporate_number: '8010401135790'\n",
    "bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
    "wrong_type.yaml": "name_ja: 甲\nname_en: A\ncorporate_number: '8010401135790'\ncontacts: 佐藤さん\n",
    "nested.yaml": "name_ja: {first: 甲}\nname_en: A\ncorporate_number: '8010401135790'\n",
    "python_tag.yaml": "name_ja: !!python/object/apply:os.system [echo hacked]\nname_en: A\ncorporate_number: '8010401135790'\n",
    "long.yaml": "name_ja: " + "長" * 5000 + "\nname_en: A\ncorporate_number: '8010401135790'\n",
    "control.yaml": 'name_ja: "甲\\x1b[31m"\nname_en: A\ncorporate_number: "8010401135790"\n',
    "empty.yaml": "",
    "two_docs.yaml": "name_ja: 甲\n---\nname_ja: 乙\n",
}
BINARY_FILES = {"shift_jis.yaml": "name_ja: 東雲精機\nname_en: A\ncorporate_number: '8010401135790'\n".encode("shift_jis")}
TEMPLATES = {
    "missing_field": '{% extends "ja/letterhead.xml.j2" %}{% block subject %}S{% endblock %}{% block body %}<p>FAX {{ company.fax }}</p>{% endblock %}',
    "not_a_letter": '{% extends "ja/letterhead.xml.j2" %}{% block subject %}S{% endblock %}{% block body %}<img src="file:///etc/passwd"/>{% endblock %}',
    "malformed": '{% extends "ja/letterhead.xml.j2" %}{% block subject %}S{% endblock %}{% block body %}<p>unclosed{% endblock %}',
    "python_internals": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "format_escape": "{{ '{0.__class__.__mro__}'.format(company) }}",
    "leave_folder": "{% include '../../../../etc/passwd' %}",
    "absolute": "{% include '/etc/passwd' %}",
    "syntax": "{% if %}",
}

CASES = [
    # enroll
    ("check digit", ["enroll", "--name-ja", "甲", "--name-en", "A", "--corporate-number", "9010401071235"], "check digit"),
    ("ASAP", ["enroll", "--name-ja", "甲", "--name-en", "A", "--corporate-number", "8010401135790", "--coc-accepted-on", "ASAP"], "ASAP"),
    (
        "impossible date",
        ["enroll", "--name-ja", "甲", "--name-en", "A", "--corporate-number", "8010401135790", "--coc-accepted-on", "令和8年2月30日"],
        "coc_accepted_on",
    ),
    (
        "out of era",
        ["enroll", "--name-ja", "甲", "--name-en", "A", "--corporate-number", "8010401135790", "--coc-accepted-on", "平成31年5月1日"],
        "coc_accepted_on",
    ),
    ("registered twice", ["enroll", "--name-ja", "甲", "--name-en", "A", "--corporate-number", "9010401071234"], "already registered as C-0001"),
    ("very long", ["enroll", "--name-ja", "長" * 3000, "--name-en", "A", "--corporate-number", "8010401135790"], "characters long"),
    ("control characters", ["enroll", "--name-ja", "甲\x1b[2J", "--name-en", "A", "--corporate-number", "8010401135790"], "control characters"),
    (
        "bad e-mail",
        ["enroll", "--name-ja", "甲", "--name-en", "A", "--corporate-number", "8010401135790", "--contact-name", "佐藤", "--contact-email", "sato(at)example"],
        "contacts.1.email",
    ),
    ("missing option", ["enroll", "--name-ja", "甲"], "missing --name-en"),
    ("malformed YAML", ["enroll", "--from", "{tmp}/malformed.yaml"], "malformed YAML"),
    ("duplicate key", ["enroll", "--from", "{tmp}/duplicate.yaml"], "duplicate key"),
    ("billion laughs", ["enroll", "--from", "{tmp}/bomb.yaml"], "aliases"),
    ("wrong type", ["enroll", "--from", "{tmp}/wrong_type.yaml"], "contacts: must be a list"),
    ("mapping for text", ["enroll", "--from", "{tmp}/nested.yaml"], "name_ja: must be text"),
    ("python tag", ["enroll", "--from", "{tmp}/python_tag.yaml"], "tags"),
    ("long text in YAML", ["enroll", "--from", "{tmp}/long.yaml"], "characters long"),
    ("control characters in YAML", ["enroll", "--from", "{tmp}/control.yaml"], "control characters"),
    ("empty file", ["enroll", "--from", "{tmp}/empty.yaml"], "no records"),
    ("two documents", ["enroll", "--from", "{tmp}/two_docs.yaml"], "single document"),
    ("not UTF-8", ["enroll", "--from", "{tmp}/shift_jis.yaml"], "not UTF-8"),
    ("no such file", ["enroll", "--from", "{tmp}/nope.yaml"], "no such file"),
    ("a folder", ["enroll", "--from", "{tmp}"], "is a folder"),
    ("from plus options", ["enroll", "--from", "{tmp}/malformed.yaml", "--name-ja", "甲"], "--from reads every field"),
    # company
    ("unknown key", ["company", "show", "C-9999"], "no company C-9999"),
    ("key of another kind", ["company", "show", "D-0001"], "names no company"),
    ("unknown 法人番号", ["company", "update", "1234567890123", "--ncage", "AB123"], "no company with 法人番号"),
    ("bad NCAGE", ["company", "update", "C-0001", "--ncage", "TOOLONG"], "ncage"),
    ("bad FSC", ["company", "update", "C-0001", "--fsc", "59"], "fsc"),
    ("nothing to change", ["company", "update", "C-0001"], "nothing to change"),
    ("suspend twice", ["company", "suspend", "C-0004"], "cannot become suspended"),
    ("reinstate withdrawn", ["company", "reinstate", "C-0005"], "cannot become enrolled this way"),
    ("withdraw without reason", ["company", "withdraw", "C-0001"], "needs a reason"),
    ("unknown status", ["company", "list", "--status", "active"], "not a company status"),
    ("unknown recipient", ["company", "export", "--to", "china"], "not a recipient"),
    ("xlsx to stdout", ["company", "export", "--to", "usg", "--format", "xlsx"], "needs a file"),
    ("unwritable export", ["company", "export", "--to", "usg", "--out", "/proc/sosa/usg.csv"], "cannot write"),
    # delay
    ("delay ASAP", with_value(DELAY, "--need-date", "ASAP"), "ASAP"),
    ("delay 至急", with_value(DELAY, "--promised-date", "至急"), "promised_date"),
    ("delay of a suspended company", with_value(DELAY, "--company", "C-0004"), "only enrolled companies"),
    ("delay bad NSN", [*DELAY, "--nsn", "5935-01"], "nsn"),
    ("delay bad CAGE", [*DELAY, "--supplier-cage", "1-AB"], "supplier_cage"),
    ("delay negative quantity", with_value(DELAY, "--quantity", "-4"), "quantity"),
    ("delay not late", with_value(DELAY, "--promised-date", "2027-01-01"), "nothing is late"),
    ("unknown delay", ["delay", "update", "D-0099", "--quantity", "2"], "no delay D-0099"),
    ("bad close reason", ["delay", "close", "D-0001", "--reason", "fixed"], "not a reason to close"),
    ("close an escalated delay", ["delay", "close", "D-0001", "--reason", "recovered"], "in request R-0001"),
    ("malformed key", ["delay", "show", "D-x"], "not a delay key"),
    # request
    ("delay in two requests", ["request", "open", "D-0001"], "already in request R-0001"),
    ("request of no delay", ["request", "open", "D-0099"], "no delay D-0099"),
    ("refused transition", ["request", "update", "R-0001", "--status", "rated"], "cannot become rated"),
    ("unknown rating", ["request", "update", "R-0001", "--rating", "DO-Q9"], "DO-Q9"),
    ("immediately", ["request", "update", "R-0001", "--committed-date", "immediately"], "immediately"),
    ("close a draft", ["request", "close", "R-0001", "--outcome", "resolved"], "cannot become closed"),
    ("unknown outcome", ["request", "close", "R-0001", "--outcome", "great"], "not a request outcome"),
    ("send unknown", ["request", "send", "R-0099"], "no request R-0099"),
    ("bad urgency", ["request", "open", "D-0001", "--urgency", "asap"], "urgency"),
    # ask and relay
    ("ask accelerates nothing", with_value(ASK, "--requested-date", "2027-07-31"), "earlier"),
    ("ask reply-by ASAP", with_value(ASK, "--reply-by", "ASAP"), "ASAP"),
    ("relay to a withdrawn company", ["relay", "A-0001", "--to", "C-0005"], "withdrawn"),
    ("relay to a suspended company", ["relay", "A-0001", "--to", "C-0004"], "suspended"),
    ("relay to an applicant", ["relay", "A-0001", "--to", "C-0008"], "applied"),
    ("relay twice", ["relay", "A-0001", "--to", "C-0002"], "already"),
    ("relay to nobody", ["relay", "A-0001"], "name at least one company"),
    ("relay --match finds nobody", ["relay", "A-0001", "--match"], "name companies with --to"),
    ("relay due ASAP", ["relay", "A-0001", "--to", "C-0003", "--due", "ASAP"], "ASAP"),
    ("accept without a date", ["ask", "respond", "A-0001", "C-0002", "--decision", "accept"], "committed"),
    ("accept later than now", ["ask", "respond", "A-0001", "C-0002", "--decision", "accept", "--committed-date", "2027-12-01"], "earlier"),
    ("answer of a company not relayed", ["ask", "respond", "A-0001", "C-0006", "--decision", "decline"], "C-0006"),
    ("unknown decision", ["ask", "respond", "A-0001", "C-0002", "--decision", "maybe"], "maybe"),
    ("close before the reply", ["ask", "close", "A-0001"], "cannot become closed"),
    ("reply while an answer is still due", ["ask", "reply", "A-0001"], "--partial"),
    ("unknown ask", ["ask", "show", "A-0099"], "no ask A-0099"),
    ("cancel without reason", ["ask", "cancel", "A-0001"], "reason"),
    # letters
    ("unknown kind", ["letter", "render", "memo", "C-0001"], "not a kind of letter"),
    ("notice to an applicant", ["letter", "render", "enrollment", "C-0008"], "applied"),
    ("issued letter's date", ["letter", "render", "enrollment", "C-0001", "--date", "2026-12-01"], "keeps its date"),
    ("unknown letter", ["letter", "show", "L-0099"], "no letter L-0099"),
    ("cancel without reason", ["letter", "cancel", "L-0001"], "reason"),
    ("unknown format", ["letter", "export", "L-0001", "--format", "rtf"], "rtf"),
    ("unknown letter to mail", ["letter", "mail", "L-0099"], "no letter L-0099"),
    ("mail attachment format", ["letter", "mail", "L-0001", "--format", "md"], "md"),
    ("calendar over a file", ["calendar", "--out", "{tmp}/config.yaml"], "already exists"),
    ("report over a file", ["report", "--out", "{tmp}/config.yaml"], "already exists"),
    ("report period not a period", ["report", "--period", "今年"], "is not a period"),
    ("report period backwards", ["report", "--period", "2026-10-01..2026-04-01"], "ends before it starts"),
    ("report language", ["report", "--lang", "fr"], "--lang"),
    ("report workbook to stdout", ["report", "--format", "xlsx"], "needs a file"),
    ("report format", ["report", "--format", "pdf", "--out", "{tmp}/r.pdf"], "--format 'pdf'"),
    ("bad DoD e-mail", ["config", "set", "dod_email", "dod at mil"], "dod_email"),
    ("missing template field", ["letter", "render", "enrollment", "C-0002", "@missing_field"], "company.fax"),
    ("template reaches Python internals", ["letter", "render", "enrollment", "C-0002", "@python_internals"], "unsafe"),
    ("template format escape", ["letter", "render", "enrollment", "C-0002", "@format_escape"], "unsafe"),
    ("template leaves its folder", ["letter", "render", "enrollment", "C-0002", "@leave_folder"], "template"),
    ("template absolute path", ["letter", "render", "enrollment", "C-0002", "@absolute"], "template"),
    ("template syntax error", ["letter", "render", "enrollment", "C-0002", "@syntax"], "template"),
    ("wording with an element no letter has", ["letter", "render", "enrollment", "C-0002", "@not_a_letter"], "<img> is not part of a letter"),
    ("wording that is not well-formed", ["letter", "render", "enrollment", "C-0002", "@malformed"], "not well-formed"),
    # settings, log, database
    ("unknown setting", ["config", "set", "colour", "blue"], "not a setting"),
    ("bad setting value", ["config", "set", "contact_email", "nope"], "contact_email"),
    ("bad days", ["config", "set", "relay_answer_days", "ten"], "working days"),
    ("log of no company", ["log", "C-0099"], "no company C-0099"),
    ("backup over a file", ["db", "backup", "{tmp}/config.yaml"], "already exists"),
    ("database is a folder", ["company", "list", "--db", "{tmp}"], "is a folder"),
    ("not a database", ["company", "list", "--db", "{tmp}/malformed.yaml"], "not a sosa database"),
    # plausible input (issue 11 §6, §7)
    ("CoC before the arrangement", ["company", "update", "C-0008", "--coc-accepted-on", "2022-12-01"], "before the arrangement was signed (2023-01-12)"),
    ("CoC in the future", ["company", "update", "C-0008", "--coc-accepted-on", "令和8年12月1日"], "cannot be in the future"),
    ("need date 令和100年", with_value(DELAY, "--need-date", "令和100年1月1日"), "more than 20 years after today"),
    ("promised date in 2050", with_value(DELAY, "--promised-date", "2050-01-01"), "promised_date"),
    ("reply-by 0001-01-01", with_value(ASK, "--reply-by", "0001-01-01"), "more than 20 years before today"),
    ("ask received tomorrow", [*ASK, "--received-on", "2026-11-27"], "received_on"),
    ("rated on a day to come", ["request", "update", "R-0001", "--rating", "DO-A1", "--rated-on", "2026-12-01"], "--rated-on"),
    ("relay due in year 1", ["relay", "A-0001", "--to", "C-0003", "--due", "0001-01-01"], "--due"),
    ("line separator in a name", ["company", "update", "C-0001", "--name-ja", "東雲\u2028精密"], "U+2028"),
    ("paragraph separator", ["company", "update", "C-0001", "--name-en", "Shinonome\u2029"], "U+2029"),
    ("next line (NEL)", with_value(DELAY, "--supplier", "Acme\x85Hydraulics"), "U+0085"),
    ("bidi override", ["enroll", "--name-ja", "甲", "--name-en", "evil\u202egnp.exe", "--corporate-number", "8010401135790"], "U+202E"),
    ("bidi isolate", ["ask", "respond", "A-0001", "C-0002", "--decision", "decline", "--note", "\u2067no\u2069"], "U+2067"),
    ("huge quantity", with_value(DELAY, "--quantity", "99999999999999999999"), "is more than 999,999,999"),
    ("huge answer quantity", ["ask", "respond", "A-0001", "C-0002", "--decision", "partial", "--quantity", "9" * 30], "quantity"),
    ("huge --within", ["relay", "A-0001", "--to", "C-0003", "--within", "99999999999999999999"], "at most 365"),
    ("back-dated letter", ["letter", "render", "enrollment", "C-0002", "--date", "2026-11-01"], "the last letter issued"),
    ("unknown time zone", ["config", "set", "timezone", "Mars/Olympus"], "not a time zone"),
    # usage errors
    ("unknown command", ["frobnicate"], "No such command"),
    ("unknown option", ["status", "--bogus"], "No such option"),
    ("missing argument", ["company", "show"], "Missing argument"),
    ("bad choice", ["letter", "render", "enrollment", "C-0001", "--format", "rtf"], "rtf"),
    # the replica and the restore drill (issue 15)
    ("replica without a bucket", ["db", "replica", "init", "s3://"], "names no bucket"),
    ("replica of another kind", ["db", "replica", "init", "ftp://x/y"], "is not a replica target"),
    ("replica status unset", ["db", "replica", "status"], "no replica is configured"),
    ("restore from nothing", ["db", "restore", "--from", "{tmp}/nowhere", "{tmp}/copy.db"], "holds no replica"),
    ("restore over the desk", ["db", "restore", "--from", "{tmp}", "{tmp}/desk.db"], "is the database in use"),
    ("restore ASAP", ["db", "restore", "--from", "{tmp}", "{tmp}/copy.db", "--timestamp", "ASAP"], "is not a point in time"),
]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("name, args, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_in_one_line_and_changes_nothing(sosa, desk, monkeypatch, name, args, expected, language):
    """Every case in English and in Japanese (SOSA_LANG=ja, as LANG=ja_JP.UTF-8 would): in
    Japanese the line has Japanese in it and no English sentence left untranslated."""
    monkeypatch.setenv("SOSA_LANG", language)
    for file, text in FILES.items():
        (desk / file).write_text(text, encoding="utf-8")
    for file, data in BINARY_FILES.items():
        (desk / file).write_bytes(data)
    if args[-1].startswith("@"):
        templates = desk / "own-templates"
        (templates / "ja").mkdir(parents=True)
        (templates / "ja" / "enrollment.xml.j2").write_text(TEMPLATES[args[-1][1:]], encoding="utf-8")
        monkeypatch.setenv("SOSA_TEMPLATES", str(templates))
        args = args[:-1]
    args = [a.replace("{tmp}", str(desk)) for a in args]
    database, settings = dump(desk / "desk.db"), (desk / "config.yaml").read_bytes()
    letters_before = sorted(p.name for p in (desk / "desk-letters").iterdir()) if (desk / "desk-letters").exists() else []

    result = sosa(*args, ok=False)

    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("sosa: ")
    if language == "en":
        assert expected in lines[0]
    else:
        from tests.test_i18n import japanese

        japanese(lines[0])
    assert dump(desk / "desk.db") == database
    assert (desk / "config.yaml").read_bytes() == settings
    letters_after = sorted(p.name for p in (desk / "desk-letters").iterdir()) if (desk / "desk-letters").exists() else []
    assert letters_after == letters_before


def test_every_command_meets_bad_input():
    """The corpus reaches every command the CLI has."""
    from tests.test_cli import all_commands

    # Commands whose only inputs are the shared ones (--db, --json) are met by those cases.
    shared_only = {
        "init",
        "status",
        "demo",
        "db path",
        "db check",
        "audit verify",
        "letter list",
        "letter templates",
        "letter verify",
        "config show",
        "config path",
        "config unset",
        "ask list",
        "delay list",
        "request list",
        "request show",
        "delay show",
        "letter show",
        "company list",
        "ask show",
        "ask remind",
        "letter export",
    }
    reached = {
        " ".join(a for a in args[: 3 if args[:2] == ["db", "replica"] else 2] if not a.startswith("-"))
        if args[0] in ("company", "delay", "request", "ask", "letter", "config", "db", "audit")
        else args[0]
        for _, args, _ in CASES
    }
    leaves = {" ".join(path) for path, command in all_commands() if not hasattr(command, "commands")}
    missing = leaves - reached - shared_only
    assert not missing, f"no bad input for: {sorted(missing)}"


def test_invalid_utf8_on_the_command_line(desk):
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS")}
    before = dump(desk / "desk.db")
    name = b"\xff\xfe\x93\x8c".decode("utf-8", "surrogateescape")
    result = subprocess.run(
        [sys.executable, "-m", "sosa_cli", "company", "update", "C-0001", "--name-ja", name],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "sosa: name_ja: is not valid UTF-8 text (check the terminal's or the file's encoding)"
    assert dump(desk / "desk.db") == before
