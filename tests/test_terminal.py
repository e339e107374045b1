"""The terminal habits people expect (issue 13 §4): a header row on piped lists,
tables readable at 80 columns, --quiet, the pager, completion, confirmations."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest
from typer.testing import CliRunner

from sosa_cli.cli.main import app


def test_piped_lists_have_a_header_row_that_no_header_leaves_out(sosa, enrolled):
    piped = sosa("company", "list").stdout.splitlines()
    assert piped[0].split("\t") == ["Key", "Name (ja)", "Name (en)", "法人番号", "NCAGE", "Status", "USG", "Primes"]
    assert len(piped) == 11 and piped[1].startswith("C-0001\t")
    assert sosa("company", "list", "--no-header").stdout.splitlines() == piped[1:]
    assert sosa("--no-header", "company", "list").stdout.splitlines() == piped[1:]
    log = sosa("log", "C-0001").stdout.splitlines()
    assert log[0] == "#\tWhen\tWho\tAction\tRecord\tChange" and log[1].split("\t")[4] == "C-0001"
    # Nothing to list: no lines at all, so `[ -z "$(sosa status)" ]` still holds.
    assert sosa("company", "list", "--status", "suspended").stdout == ""


@pytest.fixture
def demo_db(demo_desk):
    """The demo's desk (conftest.demo_desk), only read here."""
    return demo_desk / "sosa.db"


TABLES = [
    (["company", "list"], "key", "corporate_number"),
    (["delay", "list"], "key", "need_date"),
    (["request", "list"], "key", "sent_on"),
    (["ask", "list"], "key", "reply_by"),
    (["letter", "list"], "key", "letter_date"),
    (["letter", "templates"], None, None),
    (["log", "--limit", "20"], "record", None),
    (["status"], "record", "due"),
]


@pytest.mark.parametrize(("command", "key", "date"), TABLES, ids=[" ".join(t[0]) for t in TABLES])
def test_tables_fit_80_columns_with_keys_and_dates_whole(sosa, demo_db, monkeypatch, command, key, date):
    monkeypatch.setenv("SOSA_DB", str(demo_db))
    monkeypatch.setenv("SOSA_CONFIG", str(demo_db.parent / "config.yaml"))
    monkeypatch.setenv("COLUMNS", "80")
    records = json.loads(sosa(*command, "--json").stdout)
    assert records, command
    monkeypatch.setattr("sosa_cli.cli.output.stdout_is_terminal", lambda: True)
    lines = sosa(*command).stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    text = "\n".join(lines)
    # A key or date the table shows stands whole on one line: never cut, never wrapped.
    shown = [str(r[field]) for r in records for field in (key, date) if field and r.get(field)]
    wanted = {value[:10] if re.match(r"\d{4}-\d{2}-\d{2}T", value) else value for value in shown}
    assert bool(wanted) == bool(key), command
    for value in wanted:
        assert re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text), f"{value} is cut or missing:\n{text}"
    # No cell holds a key or date cut short.
    for line in lines:
        for cell in re.split(r"[│┃ ]+", line):
            assert not re.fullmatch(r"[CDRAL]-\d{1,3}|\d{4}-\d{1,2}-?|\d{1,2}-\d{2}", cell.rstrip(",")), f"cut: {cell!r} in {line!r}"


def test_quiet_silences_messages_but_not_data_nor_errors(sosa, db_path, monkeypatch):
    from conftest import SAMPLE_COMPANIES

    loud = sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    assert loud.stderr and "C-0001" in loud.stdout
    quiet = sosa("--quiet", "company", "update", "C-0001", "--products", "valves")
    assert quiet.stderr == ""
    assert sosa("company", "suspend", "C-0002", "--reason", "audit", "--quiet").stderr == ""
    monkeypatch.setenv("SOSA_QUIET", "1")
    assert sosa("company", "reinstate", "C-0002").stderr == ""
    assert sosa("company", "list", "--no-header").stdout.startswith("C-0001\t")
    refused = sosa("company", "show", "C-0999", ok=False)
    assert refused.exit_code == 1 and refused.stderr.startswith("sosa: ")


def _on_a_terminal(args: list[str], env: dict[str, str], rows: int = 10) -> tuple[int, str]:
    """Run `sosa ARGS` with its standard output on a pseudo-terminal of 80×rows; what it printed there."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 80, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "sosa_cli", *args], stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    child.wait(timeout=60)
    return child.returncode, shown.decode("utf-8", "replace")


def test_long_output_on_a_terminal_goes_through_the_pager(enrolled, tmp_path):
    paged = tmp_path / "paged.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env |= {"PAGER": f"cat > {paged}", "TERM": "xterm"}
    code, shown = _on_a_terminal(["log"], env)
    assert code == 0 and "C-0001" not in shown, shown
    assert "Latest audit entries" in paged.read_text() and "C-0010" in paged.read_text()
    paged.unlink()
    code, shown = _on_a_terminal(["log", "--no-pager"], env)
    assert code == 0 and "C-0010" in shown and not paged.exists()
    code, shown = _on_a_terminal(["--no-pager", "company", "show", "C-0001"], env)
    assert code == 0 and "9010401071234" in shown and not paged.exists()
    # Short output is printed as it is, and piped output never meets the pager.
    code, shown = _on_a_terminal(["company", "list", "--status", "applied"], env, rows=40)
    assert code == 0 and "C-0008" in shown and not paged.exists()
    piped = subprocess.run([sys.executable, "-m", "sosa_cli", "log"], env=env, capture_output=True, text=True, check=True)
    assert "C-0010" in piped.stdout and not paged.exists()


def _complete(words: str, *, shell: str = "bash", env: dict[str, str] | None = None) -> list[str]:
    """What `sosa` offers at the end of `words`, through Click's completion protocol."""
    parts = words.split(" ")
    variables = {"_SOSA_COMPLETE": f"complete_{shell}", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1), "_TYPER_COMPLETE_ARGS": words}
    result = CliRunner().invoke(app, [], env={**variables, **(env or {})}, prog_name="sosa")
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        ("sosa company list --status ", ["applied", "enrolled", "suspended", "withdrawn"]),
        ("sosa ask respond A-0001 C-0001 --decision ", ["accept", "partial", "decline", "no-response"]),
        ("sosa request open D-0001 --urgency ", ["routine", "urgent", "critical"]),
        ("sosa request open D-0001 --action e", ["expedite"]),
        ("sosa request close R-0001 --outcome ", ["resolved", "partial", "unresolved", "withdrawn"]),
        ("sosa company export --to ", ["usg", "primes", "internal"]),
        ("sosa company export --to usg --format ", ["csv", "json", "xlsx"]),
        ("sosa ask reply A-0001 --format ", ["md", "html", "docx", "pdf"]),
        ("sosa letter render ", ["enrollment", "request", "outcome", "relay", "reminder", "reply", "reply-supplement"]),
    ],
)
def test_options_with_fixed_values_complete_them(words, offered):
    assert _complete(words) == offered


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("company list", "--status [applied|enrolled|suspended|withdrawn]"),
        ("ask respond", "--decision [accept|partial|decline|no-response]"),
        ("request open", "--urgency [routine|urgent|critical]"),
        ("request open", "--action [rating|spa|expedite]"),
        ("company export", "--to [usg|primes|internal]"),
        ("ask remind", "--format [md|html|docx|pdf]"),
        ("relay", "--format [md|html|docx|pdf]"),
    ],
)
def test_help_lists_the_fixed_values(sosa, command, shown):
    assert shown in sosa(*command.split(), "--help").stdout


def test_record_keys_complete_from_the_database_with_what_they_are(sosa, enrolled):
    assert _complete("sosa company show C-000") == [f"C-{n:04d}" for n in range(1, 10)]
    assert _complete("sosa company show c-001") == ["C-0010"]
    zsh = "\n".join(_complete("sosa company show C-0001", shell="zsh"))
    assert '"C-0001":"東雲精機株式会社"' in zsh
    assert _complete("sosa log C-000")[:1] == ["C-0001"]
    assert _complete("sosa relay A-0001 --to C-0002") == ["C-0002"]
    assert _complete("sosa delay show D-") == []  # no delays yet


def test_key_completion_never_fails_loudly_nor_creates_a_database(tmp_path):
    missing = tmp_path / "nowhere.db"
    assert _complete("sosa company show C-", env={"SOSA_DB": str(missing)}) == []
    assert not missing.exists()
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    assert _complete("sosa company show C-", env={"SOSA_DB": str(broken)}) == []
    assert _complete(f"sosa company show --db {broken} C-") == []


def test_a_bad_fixed_value_is_still_one_line(sosa, enrolled):
    bad = sosa("company", "list", "--status", "active", ok=False)
    assert bad.exit_code == 1 and len(bad.stderr.strip().splitlines()) == 1


def _trail(sosa) -> list:
    return json.loads(sosa("log", "--limit", "100000", "--json").stdout)


def test_letter_cancel_asks_first_and_yes_answers(sosa, configured, monkeypatch):
    sosa("letter", "render", "enrollment", "C-0001")
    before = _trail(sosa)
    refused = sosa("letter", "cancel", "L-0001", "--reason", "宛先誤り", ok=False)
    assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "cancelling L-0001 装備政策第1号 needs confirmation" in refused.stderr and "add --yes" in refused.stderr
    assert _trail(sosa) == before
    monkeypatch.setattr("sosa_cli.cli.output.stdin_is_terminal", lambda: True)
    kept = sosa("letter", "cancel", "L-0001", "--reason", "宛先誤り", input="n\n", ok=False)
    assert kept.exit_code == 1 and "Cancel L-0001 装備政策第1号 (enrollment, 2026-11-26) to 東雲精機株式会社" in kept.output
    assert "Nothing was done." in kept.stderr and _trail(sosa) == before
    assert json.loads(sosa("letter", "show", "L-0001", "--json").stdout)["status"] == "issued"
    sosa("letter", "cancel", "L-0001", "--reason", "宛先誤り", input="y\n")
    assert json.loads(sosa("letter", "show", "L-0001", "--json").stdout)["status"] == "cancelled"
    # Already cancelled: the refusal says so, without asking.
    again = sosa("letter", "cancel", "L-0001", "--reason", "again", "--yes", ok=False)
    assert again.exit_code == 1 and "cancelled" in again.stderr
