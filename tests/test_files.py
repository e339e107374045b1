"""Files are never clobbered (issue 11 §2): letters, exports and backups go through files.write.

An existing file is replaced only with --force (unless it already holds the very bytes);
a link, device, FIFO, socket or folder never is; a file is written aside and renamed, so
an error, a full disk or Ctrl-C leaves the old file and no temporary one; and a letters
folder belongs to one database.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import stat
from pathlib import Path

import pytest

from sosa_cli import files
from sosa_cli.errors import SosaError


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- files.write ---------------------------------------------------------------------------------


def test_a_new_file_is_written_whole_and_nothing_else_is_left(tmp_path):
    path = files.write(tmp_path / "sub" / "letter.md", b"text")
    assert path == tmp_path / "sub" / "letter.md" and path.read_bytes() == b"text"
    assert leftovers(tmp_path / "sub") == []


def test_an_existing_file_is_refused_unless_forced_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "usg.csv"
    path.write_bytes(b"old")
    path.chmod(0o640)
    with pytest.raises(SosaError) as refused:
        files.write(path, b"new")
    assert str(refused.value) == f"{path} already exists (add --force to replace it)"
    assert path.read_bytes() == b"old"
    files.write(path, b"new", force=True)
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_file_that_already_holds_the_bytes_is_fine(tmp_path):
    path = tmp_path / "L-0001-enrollment-C-0001.md"
    path.write_bytes(b"same")
    before = path.stat()
    assert files.write(path, b"same") == path
    assert path.stat().st_ino == before.st_ino, "left as it was, not rewritten"


def test_a_symbolic_link_is_never_written_through_even_with_force(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "out.md"
    link.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(SosaError, match="is a symbolic link"):
            files.write(link, b"letter", force=force)
    assert link.is_symlink() and victim.read_bytes() == b"precious"
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere" / "x")
    with pytest.raises(SosaError, match="is a symbolic link"):
        files.write(dangling, b"letter", force=True)
    assert not (tmp_path / "nowhere").exists()


def test_a_fifo_a_socket_and_a_device_are_refused_even_with_force(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for path, kind in ((fifo, "a FIFO"), (sock_path, "a socket")):
            with pytest.raises(SosaError, match=f"is {kind}; sosa writes regular files only"):
                files.write(path, b"x", force=True)
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    finally:
        server.close()
    device = tmp_path / "full"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # /dev/full's numbers
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here (not root)")
    with pytest.raises(SosaError, match="is a device"):
        files.write(device, b"x", force=True)
    assert stat.S_ISCHR(os.lstat(device).st_mode), "the device node is still a device"


def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "usg.csv"
    path.write_bytes(b"old")
    real_write = os.write

    def half_then_full(fd, data):
        if len(data) > 4:
            real_write(fd, bytes(data[:4]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(files.os, "write", half_then_full)
    with pytest.raises(SosaError, match=f"cannot write {path}: No space left on device"):
        files.write(path, b"new content, longer", force=True)
    monkeypatch.undo()
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_ctrl_c_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "letter.md"
    path.write_bytes(b"old")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write(path, b"new", force=True)
    monkeypatch.undo()
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_content_written_by_a_function_is_renamed_only_if_it_succeeds(tmp_path):
    path = tmp_path / "backup.db"

    def failing(temp: Path) -> None:
        temp.write_bytes(b"half a copy")
        raise SosaError("the backup failed its integrity check")

    with pytest.raises(SosaError, match="integrity"):
        files.write(path, failing, private=True)
    assert not path.exists() and leftovers(tmp_path) == []
    files.write(path, lambda temp: temp.write_bytes(b"copy"), private=True)
    assert path.read_bytes() == b"copy" and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path):
    """Two officers writing the same file at once: the second is refused, not silently kept."""
    path = tmp_path / "usg.csv"

    def meanwhile(temp: Path) -> None:
        temp.write_bytes(b"mine")
        path.write_bytes(b"theirs")

    with pytest.raises(SosaError, match="already exists"):
        files.write(path, meanwhile)
    assert path.read_bytes() == b"theirs" and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        (None, "letters/L-0001.md"),
        ("-", None),
        ("new-folder/", "new-folder/L-0001.md"),
        ("existing", "existing/L-0001.md"),
        ("named.md", "named.md"),
    ],
)
def test_where_a_file_goes(tmp_path, monkeypatch, out, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "existing").mkdir()
    found = files.target(out, "L-0001.md", Path("letters"))
    assert found == (None if expected is None else Path(expected))
    assert files.target(None, "L-0001.md") is None, "no --out and no folder: standard output"


def test_out_carries_force_through_the_domain():
    out = files.out_option("usg.csv", True)
    assert out == "usg.csv" and files.forced(out) and not files.forced("usg.csv") and files.out_option(None, True) is None


# --- the letters folder belongs to one database --------------------------------------------------


def test_a_letters_folder_is_claimed_and_refused_to_another_database(tmp_path):
    folder = tmp_path / "letters"
    assert files.claim(folder, tmp_path / "a.db") and not folder.exists(), "nobody's yet: only checked"
    files.mark(folder, tmp_path / "a.db")
    assert not files.claim(folder, tmp_path / "a.db")
    marker = json.loads((folder / files.MARKER).read_text(encoding="utf-8"))
    assert marker["database"] == str(tmp_path / "a.db") and marker["relative"] == "../a.db"
    with pytest.raises(SosaError) as refused:
        files.claim(folder, tmp_path / "b.db")
    assert f"the letters folder {folder} belongs to another database, {tmp_path / 'a.db'}" in str(refused.value)
    assert "letters_dir" in str(refused.value)


def test_a_desk_folder_moved_whole_keeps_its_letters_folder(tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "a.db").write_bytes(b"")
    files.mark(desk / "a-letters", desk / "a.db")
    moved = tmp_path / "moved"
    shutil.move(desk, moved)
    assert not files.claim(moved / "a-letters", moved / "a.db")


# --- the commands ---------------------------------------------------------------------------------


COMMANDS_WITH_OUT = [
    ["letter", "render"],
    ["letter", "export"],
    ["relay"],
    ["ask", "remind"],
    ["ask", "reply"],
    ["request", "send"],
    ["company", "export"],
    ["db", "backup"],
]


@pytest.mark.parametrize("command", COMMANDS_WITH_OUT, ids=" ".join)
def test_every_command_that_writes_a_file_takes_force(sosa, command):
    assert "--force" in sosa(*command, "--help").stdout


def test_every_out_option_comes_with_force():
    """A command given --out later must take --force too (issue 11 §2)."""
    for module in (Path(files.__file__).parent / "cli").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        # each --out option declared in place, plus each use of a module's shared `Out` option
        outs = text.count('"--out"') - text.count("Out = Annotated[") + text.count("out: Out = None")
        assert text.count("force: ForceOption = False") >= outs, module.name


def test_letter_render_refuses_another_file_and_renders_the_same_letter_again(sosa, configured, tmp_path):
    target = tmp_path / "mine.md"
    target.write_text("the officer's own notes", encoding="utf-8")
    refused = sosa("letter", "render", "enrollment", "C-0001", "--out", str(target), ok=False)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == f"sosa: {target} already exists (add --force to replace it)"
    assert target.read_text(encoding="utf-8") == "the officer's own notes"
    assert json.loads(sosa("letter", "list", "--json").stdout) == [], "refused: no number issued"

    issued = tmp_path / "issued.md"
    sosa("letter", "render", "enrollment", "C-0001", "--out", str(issued))
    first = issued.read_bytes()
    again = sosa("letter", "render", "enrollment", "C-0001", "--out", str(issued))
    assert "rendered again" in again.stderr and issued.read_bytes() == first

    sosa("letter", "render", "enrollment", "C-0001", "--out", str(target), "--force")
    assert target.read_bytes() == first


def test_letter_export_into_a_new_folder_and_over_a_file_with_force(sosa, configured, tmp_path):
    sosa("letter", "render", "enrollment", "C-0001", "--out", "-")
    written = sosa("letter", "export", "L-0001", "--format", "html", "--out", str(tmp_path / "out") + "/")
    path = tmp_path / "out" / "L-0001-enrollment-C-0001.html"
    assert written.stdout.strip() == str(path) and path.exists()
    other = tmp_path / "other.html"
    other.write_text("x", encoding="utf-8")
    assert "add --force" in sosa("letter", "export", "L-0001", "--format", "html", "--out", str(other), ok=False).stderr
    sosa("letter", "export", "L-0001", "--format", "html", "--out", str(other), "--force")
    assert other.read_bytes() == path.read_bytes()


def test_a_letter_is_never_written_onto_a_fifo_or_through_a_link(sosa, configured, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = sosa("letter", "render", "enrollment", "C-0001", "--out", str(fifo), "--force", ok=False)
    assert refused.exit_code == 1 and "is a FIFO" in refused.stderr and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "config.yaml")
    before = (tmp_path / "config.yaml").read_bytes()
    refused = sosa("letter", "render", "enrollment", "C-0001", "--out", str(link), "--force", ok=False)
    assert "is a symbolic link" in refused.stderr and (tmp_path / "config.yaml").read_bytes() == before
    assert json.loads(sosa("letter", "list", "--json").stdout) == []


def test_a_stale_file_in_the_letters_folder_refuses_the_letter_and_issues_nothing(sosa, configured, tmp_path):
    folder = tmp_path / "desk-letters"
    folder.mkdir()
    stale = folder / "L-0001-enrollment-C-0001.md"
    stale.write_text("another letter", encoding="utf-8")
    refused = sosa("letter", "render", "enrollment", "C-0001", ok=False)
    assert refused.exit_code == 1 and f"{stale} already exists" in refused.stderr
    assert stale.read_text(encoding="utf-8") == "another letter"
    assert json.loads(sosa("letter", "list", "--json").stdout) == []


def test_two_databases_in_one_folder_keep_their_letters_apart(sosa, configured, tmp_path):
    from tests.conftest import SAMPLE_COMPANIES

    other = tmp_path / "rehearsal.db"
    sosa("enroll", "--from", str(SAMPLE_COMPANIES), "--db", str(other))
    mine = Path(sosa("letter", "render", "enrollment", "C-0001").stdout.strip())
    theirs = Path(sosa("letter", "render", "enrollment", "C-0001", "--db", str(other)).stdout.strip())
    assert mine == tmp_path / "desk-letters" / "L-0001-enrollment-C-0001.md"
    assert theirs == tmp_path / "rehearsal-letters" / "L-0001-enrollment-C-0001.md"
    assert json.loads((tmp_path / "desk-letters" / files.MARKER).read_text(encoding="utf-8"))["database"] == str(tmp_path / "desk.db")

    # One letters_dir for both: the folder is the first one's, and the second is refused whole.
    sosa("config", "set", "letters_dir", str(tmp_path / "shared"))
    sosa("letter", "render", "enrollment", "C-0002")
    refused = sosa("letter", "render", "enrollment", "C-0002", "--db", str(other), ok=False)
    assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert f"the letters folder {tmp_path / 'shared'} belongs to another database, {tmp_path / 'desk.db'}" in refused.stderr
    assert [row["key"] for row in json.loads(sosa("letter", "list", "--json", "--db", str(other)).stdout)] == ["L-0001"]


def test_company_export_refuses_an_existing_file_and_records_nothing(sosa, enrolled, tmp_path):
    out = tmp_path / "usg.csv"
    out.write_text("last month's", encoding="utf-8")
    entries = len(json.loads(sosa("log", "--json").stdout))
    refused = sosa("company", "export", "--to", "usg", "--out", str(out), ok=False)
    assert refused.stderr.strip() == f"sosa: {out} already exists (add --force to replace it)"
    assert out.read_text(encoding="utf-8") == "last month's"
    assert len(json.loads(sosa("log", "--json").stdout)) == entries, "a refused export is not recorded"
    sosa("company", "export", "--to", "usg", "--out", str(out), "--force")
    assert out.read_bytes().startswith("\ufeff".encode())
    sosa("company", "export", "--to", "usg", "--out", str(tmp_path / "exports") + "/")
    assert (tmp_path / "exports" / "sosa-usg-2026-11-26.csv").exists()


def test_db_backup_refuses_an_existing_file_unless_forced_and_writes_into_a_folder(sosa, enrolled, tmp_path):
    copy = tmp_path / "backup.db"
    copy.write_bytes(b"an older backup")
    refused = sosa("db", "backup", str(copy), ok=False)
    assert refused.stderr.strip() == f"sosa: {copy} already exists (add --force to replace it)"
    assert copy.read_bytes() == b"an older backup"
    sosa("db", "backup", str(copy), "--force")
    assert len(sosa("company", "list", "--no-header", "--db", str(copy)).stdout.splitlines()) == 10
    sosa("db", "backup", str(tmp_path / "backups") + "/")
    made = tmp_path / "backups" / "desk-2026-11-26.db"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == ["desk-2026-11-26.db"], "no temporary or journal file left"


def test_a_relay_into_a_folder_refuses_a_file_of_the_same_name_unless_forced(sosa, configured, tmp_path):
    from tests.test_asks import ASK

    sosa("ask", "record", *ASK)
    folder = tmp_path / "relay"
    folder.mkdir()
    (folder / "L-0001-relay-A-0001-C-0002.md").write_text("a stale letter", encoding="utf-8")
    refused = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--out", str(folder), ok=False)
    assert refused.exit_code == 1 and "already exists (add --force to replace it)" in refused.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["L-0001-relay-A-0001-C-0002.md"], "all or nothing"
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--out", str(folder), "--force")
    assert sorted(p.name for p in folder.iterdir()) == ["L-0001-relay-A-0001-C-0002.md", "L-0002-relay-A-0001-C-0005.md"]
    assert "a stale letter" not in (folder / "L-0001-relay-A-0001-C-0002.md").read_text(encoding="utf-8")


# --- a file --force replaced is put back if the command fails afterwards -------------------


def _held(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("outcome", ["commits", "fails"])
def test_a_letter_written_over_a_file_with_force_puts_it_back_if_the_command_fails(sosa, configured, db_path, tmp_path, monkeypatch, outcome):
    import sqlite3

    from sosa_cli import audit

    target = tmp_path / "out" / "letter.md"
    target.parent.mkdir()
    target.write_text("an officer's own note\n", encoding="utf-8")
    with monkeypatch.context() as patched:
        if outcome == "fails":
            # A failure after the file was written (here: the check that every change was audited).
            patched.setattr(audit, "unrecorded", lambda conn: ["letters"])
        result = sosa("letter", "render", "enrollment", "C-0001", "--format", "md", "--out", str(target), "--force", ok=False)
    issued = sqlite3.connect(db_path).execute("SELECT count(*) FROM letters").fetchone()[0]
    if outcome == "fails":
        assert result.exit_code == 1 and issued == 0
        assert target.read_text(encoding="utf-8") == "an officer's own note\n", "the replaced file is put back"
    else:
        assert result.exit_code == 0 and issued == 1
        assert "第1号" in target.read_text(encoding="utf-8")
    assert _held(target.parent) == ["letter.md"], "no copy or temporary file is left beside it"
