"""A database on a network file system is refused (issue 15 §3): SQLite's WAL mode needs shared
memory and byte-range locks that NFS and SMB do not give between computers.

The mount table is a file written here (`filesystems.MOUNTINFO` points at it), laid out as
Linux writes /proc/self/mountinfo; Windows' rules run on any system with `PLATFORM` set.
"""

from __future__ import annotations

import gc
import os
import stat
from pathlib import Path

import pytest

from sosa_cli import filesystems
from sosa_cli.errors import SosaError
from sosa_cli.filesystems import Share, is_network_type, mount_of, network_share, parse_mountinfo, windows_share
from sosa_cli.store import open_backup, open_db
from tests.conftest import SAMPLE_COMPANIES


@pytest.fixture(autouse=True)
def no_escape_hatch(monkeypatch):
    monkeypatch.delenv("SOSA_ALLOW_NETWORK_FS", raising=False)


def _escape(path: Path | str) -> str:
    return str(path).replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011")


def mounts(tmp_path: Path, monkeypatch, *entries: tuple[Path | str, str, str]) -> None:
    """A mount table with the root on ext4 and `entries` (mount point, type, source) on top."""
    lines = ["27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard"]
    for n, (point, fstype, source) in enumerate(entries, start=90):
        lines.append(f"{n} 27 0:{n} / {_escape(point)} rw,relatime shared:{n} master:1 - {fstype} {_escape(source)} rw")
    table = tmp_path / "mountinfo"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(filesystems, "PLATFORM", "linux")
    monkeypatch.setattr(filesystems, "MOUNTINFO", str(table))


@pytest.fixture
def nfs(tmp_path, monkeypatch) -> Path:
    """A folder that the mount table says is an NFS share of the file server."""
    share = tmp_path / "share"
    share.mkdir()
    mounts(tmp_path, monkeypatch, (share, "nfs4", "fileserver:/export/desk"))
    return share


def refused_in_one_line(result, *names: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0]
    return lines[0]


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- the mount table -------------------------------------------------------------------


def test_mountinfo_lines_are_read_with_optional_fields_and_escapes():
    text = (
        "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
        "90 27 0:50 / /srv/desk\\040share rw,relatime shared:5 master:2 - cifs //files/desk\\040share rw,vers=3.1.1\n"
        "91 27 0:51 / /srv/back\\134slash rw - nfs4 files:/x rw\n"
        "a line that is not a mount\n"
    )
    assert parse_mountinfo(text) == [
        ("/mnt/parent", "ext3", "/dev/root"),
        ("/srv/desk share", "cifs", "//files/desk share"),
        ("/srv/back\\slash", "nfs4", "files:/x"),
    ]


TABLE = [("/", "ext4", "/dev/vda"), ("/srv", "nfs4", "files:/srv"), ("/srv/local", "ext4", "/dev/vdb"), ("/home", "tmpfs", "tmpfs")]


@pytest.mark.parametrize(
    ("path", "point"),
    [
        ("/srv/desk/sosa.db", "/srv"),
        ("/srv", "/srv"),
        ("/srv/local/sosa.db", "/srv/local"),  # the longest mount point wins
        ("/srv/localer/sosa.db", "/srv"),  # component by component: /srv/local does not hold /srv/localer
        ("/srvx/sosa.db", "/"),
        ("/home/officer/sosa.db", "/home"),
    ],
)
def test_the_longest_mount_point_holds_the_path(path, point):
    mount = mount_of(path, TABLE)
    assert mount is not None and mount[0] == point


def test_of_two_mounts_on_one_point_the_later_is_on_top():
    assert mount_of("/srv/x.db", [("/", "ext4", ""), ("/srv", "ext4", ""), ("/srv", "cifs", "")]) == ("/srv", "cifs", "")
    assert mount_of("/srv/x.db", [("/", "ext4", ""), ("/srv", "cifs", ""), ("/srv", "ext4", "")]) == ("/srv", "ext4", "")


@pytest.mark.parametrize(
    "fstype", ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "fuse.sshfs", "fuse.rclone", "fuse.glusterfs", "NFS4"]
)
def test_network_file_systems(fstype):
    assert is_network_type(fstype)


@pytest.mark.parametrize("fstype", ["ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "vfat", "ntfs3", "fuseblk", "fuse.portal", "fuse"])
def test_local_file_systems(fstype):
    assert not is_network_type(fstype)


# --- refused through the CLI -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("init",),
        ("enroll", "--from", str(SAMPLE_COMPANIES)),
        ("company", "list"),
        ("db", "check"),
    ],
)
def test_a_database_on_nfs_is_refused_and_nothing_is_created(sosa, nfs, monkeypatch, args):
    monkeypatch.setenv("SOSA_DB", str(nfs / "desk.db"))
    line = refused_in_one_line(sosa(*args, ok=False), f"{nfs / 'desk.db'} is on a network file system (nfs4, mounted at {nfs})", "WAL mode", "Several officers")
    assert "shared memory and byte-range locks" in line
    assert list(nfs.iterdir()) == []


def test_an_existing_database_on_a_share_is_left_as_it_is(sosa, tmp_path, monkeypatch):
    share = tmp_path / "share"
    share.mkdir()
    db = share / "desk.db"
    monkeypatch.setenv("SOSA_DB", str(db))
    sosa("enroll", "--from", str(SAMPLE_COMPANIES))  # made while the folder was still local
    # The in-process command's connection closes when it is collected, and its close folds the
    # -wal file into the database: closed now, so that nothing changes the files later.
    gc.collect()
    before = listing(share)
    assert sorted(before) == ["desk.db"], sorted(before)
    mounts(tmp_path, monkeypatch, (share, "cifs", "//fileserver/desk"))
    for args in [("company", "list"), ("company", "show", "C-0001"), ("db", "check"), ("company", "suspend", "C-0001", "--reason", "test"), ("init",)]:
        refused_in_one_line(sosa(*args, ok=False), "(cifs, mounted at", "WAL mode")
    assert listing(share) == before  # no -wal or -shm beside it, not a byte changed


def test_reading_is_refused_too_when_the_file_is_read_only(sosa, tmp_path, monkeypatch):
    """Read-only is no way around it: a reader on another computer finds the newest pages
    through the -shm shared memory too, and may read a page half written."""
    share = tmp_path / "share"
    share.mkdir()
    db = share / "desk.db"
    monkeypatch.setenv("SOSA_DB", str(db))
    sosa("init")
    db.chmod(stat.S_IRUSR)
    mounts(tmp_path, monkeypatch, (share, "nfs", "fileserver:/desk"))
    refused_in_one_line(sosa("company", "list", ok=False), "(nfs, mounted at")
    monkeypatch.setenv("SOSA_READONLY", "1")
    refused_in_one_line(sosa("company", "list", ok=False), "(nfs, mounted at")
    with pytest.raises(SosaError, match="network file system"):
        open_db(db, create=False)


def test_a_share_whose_mount_point_has_spaces(sosa, tmp_path, monkeypatch):
    share = tmp_path / "desk share" / "sosa files"
    share.mkdir(parents=True)
    mounts(tmp_path, monkeypatch, (tmp_path / "desk share", "cifs", "//fileserver/desk share"))
    monkeypatch.setenv("SOSA_DB", str(share / "desk.db"))
    refused_in_one_line(sosa("init", ok=False), f"(cifs, mounted at {tmp_path / 'desk share'})")
    assert list(share.iterdir()) == []


def test_a_symlink_to_a_share_is_followed(sosa, nfs, tmp_path, monkeypatch):
    link = tmp_path / "looks-local"
    link.symlink_to(nfs)
    monkeypatch.setenv("SOSA_DB", str(link / "desk.db"))
    refused_in_one_line(sosa("init", ok=False), "(nfs4, mounted at")
    assert list(nfs.iterdir()) == []


@pytest.mark.parametrize("fstype", ["ext4", "tmpfs", "overlay", "xfs"])
def test_a_local_disk_is_accepted(sosa, tmp_path, monkeypatch, fstype):
    mounts(tmp_path, monkeypatch, (tmp_path, fstype, "none"))
    sosa("init")
    sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    assert "C-0010" in sosa("company", "list").stdout


def test_a_local_disk_mounted_inside_a_share_is_accepted(sosa, tmp_path, monkeypatch):
    share = tmp_path / "share"
    local = share / "local"
    local.mkdir(parents=True)
    mounts(tmp_path, monkeypatch, (share, "nfs4", "fileserver:/desk"), (local, "ext4", "/dev/vdb"))
    monkeypatch.setenv("SOSA_DB", str(local / "desk.db"))
    sosa("init")
    assert (local / "desk.db").exists()
    monkeypatch.setenv("SOSA_DB", str(share / "desk.db"))
    refused_in_one_line(sosa("init", ok=False), "(nfs4, mounted at")


def test_the_mount_table_is_read_once_per_open(sosa, db_path, monkeypatch):
    sosa("init")
    reads = []
    real = filesystems.read_mountinfo
    monkeypatch.setattr(filesystems, "PLATFORM", "linux")
    monkeypatch.setattr(filesystems, "read_mountinfo", lambda: reads.append(1) or real())
    sosa("company", "list")
    assert len(reads) == 1


def test_no_mount_table_means_no_check(sosa, tmp_path, monkeypatch):
    monkeypatch.setattr(filesystems, "PLATFORM", "linux")
    monkeypatch.setattr(filesystems, "MOUNTINFO", str(tmp_path / "no-proc" / "mountinfo"))
    sosa("init")


@pytest.mark.parametrize("platform", ["darwin", "freebsd14"])
def test_other_systems_are_not_checked(tmp_path, monkeypatch, platform):
    mounts(tmp_path, monkeypatch, (tmp_path, "nfs4", "fileserver:/desk"))
    monkeypatch.setattr(filesystems, "PLATFORM", platform)
    assert network_share(tmp_path / "desk.db") is None


# --- the escape hatch --------------------------------------------------------------------


def test_sosa_allow_network_fs_opens_it_all_the_same(sosa, nfs, monkeypatch):
    monkeypatch.setenv("SOSA_DB", str(nfs / "desk.db"))
    monkeypatch.setenv("SOSA_ALLOW_NETWORK_FS", "0")
    refused_in_one_line(sosa("init", ok=False), "network file system")
    monkeypatch.setenv("SOSA_ALLOW_NETWORK_FS", "1")
    sosa("init")
    sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    assert "C-0001" in sosa("company", "list").stdout


# --- backups on the file server ----------------------------------------------------------


def test_a_backup_on_the_file_server_is_written_and_read(sosa, db_path, nfs):
    """A copy at rest is read without locks or shared memory: keeping backups on the file
    server is fine. A copy with a -wal file beside it is in use, and refused like the database."""
    sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    copy = nfs / "backup.db"
    sosa("db", "backup", str(copy))
    assert sosa("audit", "verify", "--against", str(copy)).exit_code == 0
    open_backup(copy).close()
    Path(f"{copy}-wal").write_bytes(b"")
    refused_in_one_line(sosa("audit", "verify", "--against", str(copy), ok=False), f"{copy} is on a network file system (nfs4")


# --- Windows -----------------------------------------------------------------------------


def drive_types(remote: str = "Z:\\"):
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return filesystems.DRIVE_REMOTE if root.upper() == remote else 3  # DRIVE_FIXED

    return drive_type, asked


@pytest.mark.parametrize(
    ("path", "share"),
    [
        ("\\\\fileserver\\desk\\sosa.db", Share("unc", "\\\\fileserver\\desk")),
        ("//fileserver/desk/sosa.db", Share("unc", "\\\\fileserver\\desk")),
        ("\\\\?\\UNC\\fileserver\\desk\\sosa.db", Share("unc", "\\\\fileserver\\desk")),
        ("\\\\.\\UNC\\fileserver\\desk share\\sosa.db", Share("unc", "\\\\fileserver\\desk share")),
        ("Z:\\desk\\sosa.db", Share("drive", "Z:")),
        ("z:\\desk\\sosa.db", Share("drive", "Z:")),
        ("C:\\Users\\officer\\sosa.db", None),
        ("\\\\?\\C:\\Users\\officer\\sosa.db", None),
    ],
)
def test_windows_unc_paths_and_network_drives(path, share):
    drive_type, _asked = drive_types()
    assert windows_share(path, drive_type) == share


def test_windows_asks_for_the_drive_of_the_path(monkeypatch):
    drive_type, asked = drive_types()
    monkeypatch.setattr(filesystems, "PLATFORM", "win32")
    monkeypatch.setattr(filesystems, "_get_drive_type", drive_type)
    assert network_share("D:\\sosa\\desk.db") is None
    assert asked == ["D:\\"]


@pytest.mark.parametrize(
    ("db", "named"),
    [
        ("\\\\fileserver\\desk\\sosa.db", "is on the network share \\\\fileserver\\desk, where sosa does not open a database: "),
        ("Z:\\desk\\sosa.db", "is on the network drive Z:, where sosa does not open a database: "),
    ],
)
def test_windows_share_is_refused_through_the_cli(sosa, tmp_path, monkeypatch, db, named):
    monkeypatch.chdir(tmp_path)  # on this system such a path is a relative name: nothing must appear here
    monkeypatch.setattr(filesystems, "PLATFORM", "win32")
    monkeypatch.setattr(filesystems, "_get_drive_type", drive_types()[0])
    monkeypatch.setenv("SOSA_DB", db)
    before = sorted(os.listdir(tmp_path))
    refused_in_one_line(sosa("init", ok=False), named, "WAL mode")
    assert sorted(os.listdir(tmp_path)) == before


# --- in Japanese -------------------------------------------------------------------------


def test_the_refusal_in_japanese(sosa, nfs, monkeypatch):
    monkeypatch.setenv("SOSA_LANG", "ja")
    db = nfs / "desk.db"
    monkeypatch.setenv("SOSA_DB", str(db))
    line = refused_in_one_line(sosa("init", ok=False))
    assert line == (
        f"sosa: {db} はネットワークファイルシステム（nfs4、{nfs} にマウント）にあります。"
        "SQLite の WAL モードに必要な共有メモリとバイト範囲ロックがネットワークファイルシステムでは確実には働かず、"
        "複数の担当者の書き込みで台帳が壊れるおそれがあるため、sosa はこのデータベースを開きません"
        "（データベースは担当者がログインして使う1台の端末のローカルディスクに置き、Litestream で別の場所へ複製してください。"
        "手順は README の「Several officers」にあります）"
    )


def test_the_windows_refusal_in_japanese(sosa, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOSA_LANG", "ja")
    monkeypatch.setattr(filesystems, "PLATFORM", "win32")
    monkeypatch.setattr(filesystems, "_get_drive_type", drive_types()[0])
    monkeypatch.setenv("SOSA_DB", "Z:\\desk\\sosa.db")
    assert refused_in_one_line(sosa("company", "list", ok=False)).startswith("sosa: Z:\\desk\\sosa.db はネットワークドライブ（Z:）にあります。")
    monkeypatch.setenv("SOSA_DB", "\\\\fileserver\\desk\\sosa.db")
    assert "はネットワーク共有（\\\\fileserver\\desk）にあります。" in refused_in_one_line(sosa("company", "list", ok=False))


def test_the_real_mount_table_is_read(tmp_path):
    """This system's own table parses, and the test folder is on a disk it lists."""
    text = filesystems.read_mountinfo()
    if text is None:
        pytest.skip("no /proc/self/mountinfo here")
    table = parse_mountinfo(text)
    assert any(point == "/" for point, _fstype, _source in table)
    assert mount_of(os.path.realpath(tmp_path), table) is not None


def test_shell_completion_reads_no_database_on_a_share(sosa, tmp_path, monkeypatch):
    from sosa_cli.cli.complete import record_keys

    share = tmp_path / "share"
    share.mkdir()
    db = share / "desk.db"
    monkeypatch.setenv("SOSA_DB", str(db))
    sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    gc.collect()
    assert [item.value for item in record_keys(db, "C", "C-000")][:1] == ["C-0001"]
    mounts(tmp_path, monkeypatch, (share, "nfs4", "fileserver:/desk"))
    before = listing(share)
    assert record_keys(db, "C", "C-000") == []
    assert listing(share) == before
