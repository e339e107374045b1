"""Letter files on disk against the SHA-256 the register recorded (issue 11 §4), and the
tamper corpus: ways of editing the database or the letters folder behind the tool's back,
each found by `sosa db check`."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sosa_cli.letters import verify_files
from sosa_cli.store import open_db
from tests.conftest import needs_pdf, tamper
from tests.test_db_identity import DAMAGE, settle

FORMATS = ["md", "html", "docx", pytest.param("pdf", marks=needs_pdf)]


def issue(sosa, company: str, fmt: str, *extra: str) -> Path:
    result = sosa("letter", "render", "enrollment", company, "--format", fmt, *extra)
    return Path(result.stdout.strip())


@pytest.fixture
def letters(sosa, configured) -> dict[str, Path]:
    """An enrollment letter in each format, each to its own company: format → file."""
    return {fmt: issue(sosa, f"C-{n:04d}", fmt) for n, fmt in enumerate(("md", "html", "docx"), start=1)}


def problems(sosa) -> list[dict]:
    result = sosa("letter", "verify", "--json", ok=False)
    return json.loads(result.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_issued_letter_matches_its_recorded_hash(sosa, configured, db_path, fmt):
    path = issue(sosa, "C-0001", fmt)
    assert path.is_file()
    result = sosa("letter", "verify")
    assert "1 file of 1 letter matches its recorded SHA-256" in result.stderr
    assert result.stdout == ""
    assert sosa("letter", "verify", "--json").stdout.strip() == "[]"
    assert "1 file of 1 letter matches" in sosa("db", "check").stderr
    assert verify_files(open_db(db_path)).ok


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edited_letter_file_is_named_with_both_hashes(sosa, configured, db_path, fmt):
    path = issue(sosa, "C-0001", fmt)
    recorded = json.loads(sosa("letter", "show", "L-0001", "--json").stdout)["files"][0]["sha256"]
    with open(path, "ab") as f:
        f.write(b"\n")
    [found] = problems(sosa)
    assert found["key"] == "L-0001" and found["doc_number"] == "装備政策第1号"
    assert found["format"] == fmt and found["path"] == str(path)
    assert found["problem"].startswith("edited") and recorded[:12] in found["problem"]
    result = sosa("letter", "verify", ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[0].startswith("sosa: 1 of 1 letter file differs from the register")
    check = sosa("db", "check", ok=False)
    assert check.exit_code == 1 and str(path) in check.stderr and "edited" in check.stderr


def test_edited_deleted_and_linked_files_are_each_named(sosa, letters, tmp_path):
    assert "3 files of 3 letters match" in sosa("letter", "verify").stderr
    with open(letters["md"], "ab") as f:
        f.write(b"x")
    letters["html"].unlink()
    elsewhere = tmp_path / "elsewhere.docx"
    elsewhere.write_bytes(letters["docx"].read_bytes())
    letters["docx"].unlink()
    letters["docx"].symlink_to(elsewhere)  # the same bytes behind a link: still not the file written

    found = {p["path"]: p["problem"] for p in problems(sosa)}
    assert found.keys() == {str(p) for p in letters.values()}
    assert found[str(letters["md"])].startswith("edited")
    assert found[str(letters["html"])] == "missing"
    assert found[str(letters["docx"])] == "replaced by a symbolic link"

    table = sosa("letter", "verify", ok=False)
    assert table.exit_code == 1
    rows = [line.split("\t") for line in table.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == ["L-0001", "L-0002", "L-0003"]
    assert [row[2] for row in rows] == ["md", "html", "docx"]
    assert "3 of 3 letter files differ" in table.stderr

    check = sosa("db", "check", ok=False)
    assert check.exit_code == 1
    line = check.stderr.strip()
    assert len(line.splitlines()) == 1
    for path in letters.values():
        assert str(path) in line
    assert "missing" in line and "symbolic link" in line and "edited" in line


def test_a_folder_in_a_letters_place_is_named(sosa, letters):
    letters["md"].unlink()
    letters["md"].mkdir()
    assert [p["problem"] for p in problems(sosa)] == ["replaced by a folder"]


def test_a_letter_printed_to_stdout_is_not_a_problem(sosa, configured, db_path):
    sosa("letter", "render", "enrollment", "C-0001", "--out", "-")
    issue(sosa, "C-0002", "md")
    result = sosa("letter", "verify")
    assert "1 file of 1 letter matches its recorded SHA-256 (1 printed, not kept)" in result.stderr
    check = verify_files(open_db(db_path))
    assert (check.letters, check.files, check.printed, check.ok) == (1, 1, 1, True)
    sosa("db", "check")


def test_a_cancelled_letters_file_is_still_checked(sosa, letters):
    sosa("letter", "cancel", "L-0001", "--reason", "addressed to the wrong contact", "--yes")
    assert "3 files of 3 letters match" in sosa("letter", "verify").stderr
    letters["md"].write_text("something else\n", encoding="utf-8")
    [found] = problems(sosa)
    assert found["key"] == "L-0001" and found["problem"].startswith("edited")
    assert "L-0001" in sosa("db", "check", ok=False).stderr


def test_a_letter_rendered_again_in_another_format_is_checked_too(sosa, configured):
    md = issue(sosa, "C-0001", "md")
    html = Path(sosa("letter", "export", "L-0001", "--format", "html").stdout.strip())
    assert "2 files of 1 letter match" in sosa("letter", "verify").stderr
    html.unlink()
    assert [(p["key"], p["format"], p["path"]) for p in problems(sosa)] == [("L-0001", "html", str(html))]
    assert md.is_file()


def test_a_file_replaced_by_render_with_force_is_checked_against_its_new_hash(sosa, configured, tmp_path):
    """`--out FILE --force` records the bytes it wrote: the latest entry for a path is the one that counts."""
    target = tmp_path / "out.txt"
    issue(sosa, "C-0001", "md", "--out", str(target))
    target.write_text("an officer's own note\n", encoding="utf-8")
    assert [p["problem"][:6] for p in problems(sosa)] == ["edited"]
    sosa("letter", "export", "L-0001", "--format", "html", "--out", str(target), "--force")
    assert "1 file of 1 letter matches" in sosa("letter", "verify").stderr


def test_a_path_written_back_to_an_earlier_format_is_recorded_again(sosa, configured, tmp_path):
    """md, then html over it, then md again: the file holds the md letter the tool wrote,
    but its entry was already in the list, so the latest entry for the path stays html."""
    target = tmp_path / "letter.txt"
    issue(sosa, "C-0001", "md", "--out", str(target))
    sosa("letter", "export", "L-0001", "--format", "html", "--out", str(target), "--force")
    sosa("letter", "export", "L-0001", "--format", "md", "--out", str(target), "--force")
    assert problems(sosa) == []


def test_one_path_written_for_two_letters_holds_the_later_one(sosa, configured, tmp_path):
    target = tmp_path / "letter.md"
    issue(sosa, "C-0001", "md", "--out", str(target))
    issue(sosa, "C-0002", "md", "--out", str(target), "--force")
    assert "1 file of 2 letters matches" in sosa("letter", "verify").stderr


def test_verify_has_help_with_an_example(sosa):
    assert "Example: sosa letter verify" in sosa("letter", "verify", "--help").stdout


# --- the tamper corpus: each found by `sosa db check` ------------------------------------


def _newest(path: Path) -> int:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT MAX(id) FROM audit").fetchone()[0]
    finally:
        raw.close()


def _append(path: Path) -> None:
    with open(path, "ab") as f:
        f.write(b"\0")


def _symlink(path: Path) -> None:
    copy = path.with_name("copy-" + path.name)
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy)


def _damaged(how: str) -> Callable[[Path, dict[str, Path]], str]:
    def damage(db: Path, letters: dict[str, Path]) -> str:
        settle(db)
        DAMAGE[how](db)
        return f"{db} is damaged: "

    return damage


def _edit_audit_row(db: Path, letters: dict[str, Path]) -> str:
    tamper(db, "UPDATE audit SET user = 'nobody' WHERE id = 3")
    return "audit entry 3 is broken: its content was changed"


def _delete_audit_row(db: Path, letters: dict[str, Path]) -> str:
    tamper(db, "DELETE FROM audit WHERE id = 5")
    return "audit entry 6 is broken: entries 5–5 are missing"


def _delete_audit_tail(db: Path, letters: dict[str, Path]) -> str:
    newest = _newest(db)
    tamper(db, f"DELETE FROM audit WHERE id = {newest}")
    return f"audit entry {newest} is broken: entries {newest}–{newest} are missing"


def _delete_audit_head(db: Path, letters: dict[str, Path]) -> str:
    newest = _newest(db)
    tamper(db, "DELETE FROM audit_head")
    return f"audit entry {newest} is broken: the record of the newest entry is missing"


def _edit_letter(db: Path, letters: dict[str, Path]) -> str:
    _append(letters["md"])
    return f"{letters['md']}: edited"


def _delete_letter(db: Path, letters: dict[str, Path]) -> str:
    letters["html"].unlink()
    return f"{letters['html']}: missing"


def _link_letter(db: Path, letters: dict[str, Path]) -> str:
    _symlink(letters["docx"])
    return f"{letters['docx']}: replaced by a symbolic link"


def _empty_letter(db: Path, letters: dict[str, Path]) -> str:
    letters["md"].write_bytes(b"")
    return f"{letters['md']}: edited"


def _edit_company(db: Path, letters: dict[str, Path]) -> str:
    tamper(db, "UPDATE companies SET ncage = 'ZZZZZ' WHERE key = 'C-0004'")
    return 'companies C-0004: ncage is "ZZZZZ", the audit trail says'


def _add_company(db: Path, letters: dict[str, Path]) -> str:
    tamper(
        db,
        "INSERT INTO companies (key, name_ja, name_en, corporate_number, status)"
        " VALUES ('C-0042', '偽装商事株式会社', 'Forged Trading', '1234567890128', 'enrolled')",
    )
    return "companies C-0042 is not in the audit trail (added behind sosa's back)"


def _delete_contact(db: Path, letters: dict[str, Path]) -> str:
    tamper(db, "DELETE FROM contacts WHERE company_id = (SELECT id FROM companies WHERE key = 'C-0006')")
    return "of C-0006 is missing (deleted behind sosa's back)"


def _edit_letter_row(db: Path, letters: dict[str, Path]) -> str:
    tamper(db, "UPDATE letters SET cancel_reason = 'never sent' WHERE key = 'L-0002'")
    return 'letters L-0002: cancel_reason is "never sent", the audit trail says null'


TAMPERING: dict[str, Callable[[Path, dict[str, Path]], str]] = {
    "company row edited": _edit_company,
    "company row added": _add_company,
    "contact rows deleted": _delete_contact,
    "letter row edited": _edit_letter_row,
    "letter file edited": _edit_letter,
    "letter file emptied": _empty_letter,
    "letter file deleted": _delete_letter,
    "letter file replaced by a symlink": _link_letter,
    "audit row edited": _edit_audit_row,
    "audit row deleted": _delete_audit_row,
    "audit tail deleted": _delete_audit_tail,
    "audit head row deleted": _delete_audit_head,
    **{f"database {how}": _damaged(how) for how in ("header overwritten", "cut mid-page", "cut in half")},
}


def test_the_tamper_corpus_has_at_least_eight_cases() -> None:
    assert len(TAMPERING) >= 8
    assert any(name.startswith("letter") for name in TAMPERING) and any(name.startswith("audit") for name in TAMPERING)


@pytest.mark.parametrize("how", TAMPERING)
def test_db_check_detects_tampering(sosa, letters, db_path, how):
    sosa("company", "suspend", "C-0005", "--reason", "export licence review")
    sosa("company", "reinstate", "C-0005")
    assert "audit trail of" in sosa("db", "check").stderr
    expected = TAMPERING[how](db_path, letters)
    result = sosa("db", "check", ok=False)
    assert result.exit_code == 1, f"sosa db check passed after: {how}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sosa: "), result.stderr
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output and "unexpected error" not in result.stderr
    assert os.path.exists(db_path)


def test_the_desk_folder_moved_whole_still_verifies(sosa, letters, db_path, tmp_path, monkeypatch):
    """The letters folder beside the database is recorded relative to it: the officer may
    move or restore the desk's folder elsewhere, and the files are still found and checked."""
    settle(db_path)
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in (db_path.name, f"{db_path.stem}-letters"):
        shutil.move(str(db_path.parent / name), str(moved / name))
    monkeypatch.setenv("SOSA_DB", str(moved / db_path.name))
    assert "3 files of 3 letters match their recorded SHA-256" in sosa("letter", "verify").stderr
    shown = json.loads(sosa("letter", "show", "L-0001", "--json").stdout)
    assert shown["files"][0]["path"] == str(moved / f"{db_path.stem}-letters" / letters["md"].name)
    (moved / f"{db_path.stem}-letters" / letters["md"].name).write_text("edited\n", encoding="utf-8")
    result = sosa("letter", "verify", ok=False)
    assert result.exit_code == 1 and "1 of 3 letter files differs" in result.stderr
    assert str(moved / f"{db_path.stem}-letters" / letters["md"].name) in result.stdout.replace("\n", "")
