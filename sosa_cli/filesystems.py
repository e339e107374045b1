"""Whether a path lies on a network file system, where SQLite's WAL mode is not safe.

WAL mode keeps an index of the -wal file in shared memory (the -shm file, mapped into
every process that opens the database) and takes byte-range locks on it. Both work only
between processes of one computer: across the computers of a network share nothing
makes the shared memory shared, and NFS and SMB locks are known to be lost or ignored
(sqlite.org/wal.html, "WAL does not work over a network filesystem";
sqlite.org/howtocorrupt.html §2.1). `store.open_db()` refuses such a database.

Linux: the mount holding the path is read from /proc/self/mountinfo (one read of a
small file per open, no subprocess), the longest mount point that is a prefix of the
resolved path, the later of two mounts on one mount point. Windows: a UNC path
(\\\\server\\share\\…) or a drive letter Windows reports as a network drive
(GetDriveTypeW: DRIVE_REMOTE). Other systems (macOS, the BSDs) are not checked:
their file system type needs statfs(2), whose structure differs by system.
"""

from __future__ import annotations

import ntpath
import os
import sys
from collections.abc import Callable, Iterable
from typing import NamedTuple

MOUNTINFO = "/proc/self/mountinfo"
# The system whose rules apply (tests set it to check Windows' rules on Linux).
PLATFORM = sys.platform

# Linux file system types whose files may be shared between computers: network file
# systems, cluster file systems, and host shares of virtual machines and WSL (9p, vboxsf),
# where SQLite's shared memory and locks are not reliable either.
NETWORK_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "ncpfs", "ncp", "afs", "coda", "9p", "vboxsf",
        "ceph", "glusterfs", "lustre", "gpfs", "beegfs", "orangefs", "pvfs2", "ocfs2", "gfs2", "davfs",
    }
)  # fmt: skip
# FUSE file systems (type `fuse.<name>`) that reach another computer.
NETWORK_FUSE = frozenset(
    {
        "sshfs", "rclone", "s3fs", "gcsfuse", "goofys", "blobfuse", "blobfuse2", "juicefs", "glusterfs", "ceph", "ceph-fuse",
        "cephfs", "davfs2", "smbnetfs", "curlftpfs", "gvfsd-fuse", "vmhgfs-fuse", "mfs", "lizardfs", "nfs", "cifs",
    }
)  # fmt: skip

DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a network drive


# A NamedTuple, not a dataclass: making a dataclass costs about a millisecond at import,
# and every sosa command that opens the database imports this module.
class Share(NamedTuple):
    """Where a path is shared over the network.

    `kind` is "mount" (Linux: `fstype` mounted at `where`), "unc" (Windows: the share
    `where`, e.g. \\\\server\\desk) or "drive" (Windows: the network drive `where`, e.g. Z:).
    """

    kind: str
    where: str
    fstype: str = ""


def is_network_type(fstype: str) -> bool:
    fstype = fstype.lower()
    if fstype in NETWORK_TYPES:
        return True
    main, _dot, sub = fstype.partition(".")
    return main == "fuse" and sub in NETWORK_FUSE


def _unescape(field: str) -> str:
    r"""A mountinfo path: space, tab, newline and backslash are written as octal (\040)."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and all(c in "01234567" for c in code):
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[tuple[str, str, str]]:
    """(mount point, file system type, source) of each line of /proc/self/mountinfo.

    A line: `36 35 98:0 /root /mount/point options [optional fields…] - fstype source superoptions`.
    """
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        try:
            dash = fields.index("-", 6)
            mounts.append((_unescape(fields[4]), fields[dash + 1], _unescape(fields[dash + 2]) if len(fields) > dash + 2 else ""))
        except (ValueError, IndexError):
            continue  # not a mount line: skip it rather than refuse the database
    return mounts


def mount_of(path: str, mounts: Iterable[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The mount that holds the absolute `path`: the longest mount point that is a prefix
    of it, component by component; of two mounts on one mount point the later (on top)."""
    best: tuple[str, str, str] | None = None
    for mount in mounts:
        point = mount[0].rstrip("/") or "/"
        if point == "/" or path == point or path.startswith(point + "/"):
            if best is None or len(point) >= len(best[0].rstrip("/") or "/"):
                best = mount
    return best


def read_mountinfo() -> str | None:
    """This process's mount table, or None where there is none (not Linux, no /proc)."""
    try:
        with open(MOUNTINFO, encoding="utf-8", errors="surrogateescape") as f:
            return f.read()
    except OSError:
        return None


def _linux_share(path: str) -> Share | None:
    text = read_mountinfo()
    if text is None:
        return None
    mount = mount_of(path, parse_mountinfo(text))
    if mount is None or not is_network_type(mount[1]):
        return None
    return Share("mount", mount[0], mount[1])


def windows_share(path: str, drive_type: Callable[[str], int]) -> Share | None:
    """A UNC path's share, or a network drive's letter (`drive_type` is GetDriveTypeW)."""
    p = path.replace("/", "\\")
    upper = p.upper()
    if upper.startswith(("\\\\?\\UNC\\", "\\\\.\\UNC\\")):
        p = "\\\\" + p[8:]
    elif upper.startswith(("\\\\?\\", "\\\\.\\")):
        p = p[4:]  # \\?\C:\… : a local path written for long names
    drive, _rest = ntpath.splitdrive(p)
    if drive.startswith("\\\\"):
        return Share("unc", drive)
    if len(drive) == 2 and drive[1] == ":" and drive_type(drive + "\\") == DRIVE_REMOTE:
        return Share("drive", drive.upper())
    return None


def _get_drive_type(root: str) -> int:
    if sys.platform != "win32":
        return 0  # DRIVE_UNKNOWN
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))


def network_share(path: str | os.PathLike[str]) -> Share | None:
    """The network share holding `path` (which need not exist yet), or None for a local disk
    or a system that is not checked."""
    if PLATFORM == "win32":
        # realpath turns a mapped drive into its UNC path where Windows can tell.
        return windows_share(ntpath.realpath(os.fspath(path)), _get_drive_type)
    if PLATFORM.startswith("linux"):
        return _linux_share(os.path.realpath(path))
    return None
