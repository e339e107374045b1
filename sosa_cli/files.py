"""Writing files: letters, exports and backups, never clobbering what is already there.

Every command that writes a file goes through :func:`write`:

- a file already at the path is refused unless the officer said `--force`, except one that
  already holds exactly the bytes to be written (an issued letter rendered again);
- a symbolic link, a device, a FIFO, a socket or a folder at the path is refused even with
  `--force`: running as root, permissions do not stop a write, and `--out /dev/full` once
  replaced the device node with a regular file (NOTES.md);
- the bytes go to a temporary file in the same folder (created with `O_EXCL`), which is
  renamed into place: the path holds the old file or the whole new one, never half of it,
  and the temporary file is removed after an error, a full disk or Ctrl-C.

Where a file goes is :func:`target`: `--out -` is standard output, `--out DIR/` (a trailing
slash; the folder is created) or an existing folder is "into that folder, under the usual
name", anything else is the file itself.

A letters folder belongs to one database (:func:`claim`): a marker file inside it names the
database, and a folder that belongs to another is refused, so two databases never number
their letters into each other's files.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from .errors import SosaError
from .i18n import N_, _, strerror

MARKER = ".sosa-letters"
FORCE_HINT = N_("add --force to replace it")  # translated where it is given

# What may fill the temporary file: the bytes themselves, or a function that writes the
# file at the path it is given (SQLite's online backup writes a database that way).
Content = bytes | Callable[[Path], None]


class Out(str):
    """The path an officer gave with `--out`, carrying whether `--force` came with it.

    It is a `str`, so it passes unchanged through the domain functions that take
    `out: str | Path | None` down to the one that writes the file.
    """

    force: bool

    def __new__(cls, value: str | os.PathLike[str], *, force: bool = False) -> Out:
        made = super().__new__(cls, os.fspath(value))
        made.force = force
        return made


def out_option(out: str | os.PathLike[str] | None, force: bool) -> Out | None:
    """`--out` and `--force` as one value for the domain; None when `--out` was not given."""
    return None if out is None else Out(out, force=force)


def forced(out: object) -> bool:
    """Whether the officer allowed replacing the file at `out` (`--force`)."""
    return bool(getattr(out, "force", False))


def target(out: str | os.PathLike[str] | None, name: str, default: Path | None = None) -> Path | None:
    """The file to write for `--out out` (None: standard output).

    No `--out` means `default / name` (the letters folder), or standard output when there
    is no default; `-` is standard output; `DIR/` with its trailing slash or an existing
    folder is `DIR/name`.
    """
    if out is None:
        return None if default is None else default / name
    raw = os.fspath(out)
    if raw == "-":
        return None
    path = Path(raw).expanduser()
    if raw.endswith(os.sep) or (os.altsep is not None and raw.endswith(os.altsep)) or path.is_dir():
        return path / name
    return path


def write(path: Path, content: Content, *, force: bool = False, private: bool = False) -> Path:
    """Write `content` at `path` and return its absolute path; the rules are the module's.

    `private` creates the file readable by its owner only (a database backup); otherwise
    the umask decides, as for any file the officer creates. With `force` an existing file
    is replaced and its permissions kept.
    """
    path = Path(path)
    existing = _existing(path)
    if existing is not None and isinstance(content, bytes):
        if _holds(path, content):
            return path.absolute()
        if not force:
            raise SosaError(_("{path} already exists").format(path=path), hint=_(FORCE_HINT))
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SosaError(_("cannot write {path}: a file is in the way of its folder {folder}").format(path=path, folder=folder)) from None
    except OSError as exc:
        raise SosaError(_("cannot write {path}: cannot create its folder {folder} ({error})").format(path=path, folder=folder, error=strerror(exc))) from None
    temp: Path | None = None
    try:
        temp = _temporary(folder, path.name, private)
        if isinstance(content, bytes):
            _fill(temp, content)
        else:
            content(temp)
            if existing is not None and _same_files(temp, path):
                return path.absolute()
        _place(temp, path, force=force, private=private)
        temp = None
    except OSError as exc:
        raise SosaError(_("cannot write {path}: {error}").format(path=path, error=strerror(exc))) from None
    finally:
        # Reached after an error, a full disk or Ctrl-C as well: no temporary file stays.
        if temp is not None:
            temp.unlink(missing_ok=True)
    return path.absolute()


def set_aside(path: Path) -> Path | None:
    """Keep the file at `path` under a hidden name beside it, before `--force` replaces it,
    so that a command that fails afterwards can put it back (`put_back`); None if there is
    no file there. A hard link costs nothing; where links are refused, a copy."""
    path = Path(path)
    if _existing(path) is None:
        return None
    folder = path.parent
    for _attempt in range(16):
        aside = folder / f".{path.name}.{secrets.token_hex(4)}.old"
        try:
            os.link(path, aside, follow_symlinks=False)
            return aside
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise SosaError(_("cannot keep a copy of {path} before replacing it: {error}").format(path=path, error=strerror(exc))) from None
            try:
                write(aside, path.read_bytes(), private=True)
            except OSError as exc:
                raise SosaError(_("cannot keep a copy of {path} before replacing it: {error}").format(path=path, error=strerror(exc))) from None
            return aside
    raise SosaError(_("cannot keep a copy of {path} in {folder}").format(path=path, folder=folder))


def put_back(aside: Path, path: Path) -> Callable[[], None]:
    """The step that gives a file set aside its name again (the replacement is discarded)."""
    return lambda: os.replace(aside, path)


def _existing(path: Path) -> os.stat_result | None:
    """The file at `path` (not following a link), or None; refuses what is not a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise SosaError(_("cannot write {path}: {folder} is not a folder").format(path=path, folder=path.parent)) from None
    except OSError as exc:
        raise SosaError(_("cannot write {path}: {error}").format(path=path, error=strerror(exc))) from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return st
    if stat.S_ISLNK(mode):
        raise SosaError(
            _("{path} is a symbolic link; sosa does not write through links").format(path=path),
            hint=_("give the path of a regular file, or --out - to print"),
        )
    if stat.S_ISDIR(mode):
        raise SosaError(_("{path} is a folder").format(path=path), hint=_("give a file name, or end --out with / to write into the folder"))
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        refusal = N_("{path} is a device; sosa writes regular files only")
    elif stat.S_ISFIFO(mode):
        refusal = N_("{path} is a FIFO; sosa writes regular files only")
    elif stat.S_ISSOCK(mode):
        refusal = N_("{path} is a socket; sosa writes regular files only")
    else:
        refusal = N_("{path} is not a file; sosa writes regular files only")
    raise SosaError(_(refusal).format(path=path), hint=_("give the path of a regular file, or --out - to print"))


def _holds(path: Path, content: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(content):
            return False
        with open(path, "rb") as existing:
            return existing.read(len(content) + 1) == content
    except OSError:
        return False


def _same_files(a: Path, b: Path) -> bool:
    try:
        if os.path.getsize(a) != os.path.getsize(b):
            return False
        with open(a, "rb") as one, open(b, "rb") as other:
            while True:
                x, y = one.read(1 << 20), other.read(1 << 20)
                if x != y:
                    return False
                if not x:
                    return True
    except OSError:
        return False


def _temporary(folder: Path, name: str, private: bool) -> Path:
    """A new, empty file beside the target, ours alone (O_EXCL refuses anything already there)."""
    for _attempt in range(16):
        temp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise SosaError(_("cannot create a temporary file in {folder}").format(folder=folder))


def _fill(temp: Path, content: bytes) -> None:
    fd = os.open(temp, os.O_WRONLY | os.O_TRUNC)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        # On the disk before it takes the file's name: a crash then leaves the old file.
        os.fsync(fd)
    finally:
        os.close(fd)


# link() not supported by the file system (some network shares and FUSE mounts).
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}


def _place(temp: Path, path: Path, *, force: bool, private: bool) -> None:
    """Give the temporary file its name: replace the old file only with `force`."""
    if force:
        replaced = _existing(path)  # looked at again: something may have appeared meanwhile
        if replaced is not None and not private:
            os.chmod(temp, stat.S_IMODE(replaced.st_mode))
        os.replace(temp, path)
        return
    # A hard link fails if the name exists, so a file that appears between the check and
    # now (another officer writing the same file) is refused, never replaced.
    try:
        os.link(temp, path, follow_symlinks=False)
    except FileExistsError:
        _existing(path)
        raise SosaError(_("{path} already exists").format(path=path), hint=_(FORCE_HINT)) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if _existing(path) is not None:
            raise SosaError(_("{path} already exists").format(path=path), hint=_(FORCE_HINT)) from None
        os.replace(temp, path)
        return
    temp.unlink()


# --- the letters folder and the database it belongs to ---------------------------------------


def claim(folder: Path, database: str | os.PathLike[str]) -> bool:
    """Refuse the letters folder `folder` if it belongs to another database than `database`.

    Returns True when the folder is nobody's yet: the caller marks it (:func:`mark`) once
    its letter is written, so a refused command leaves no marker behind either.
    """
    database = Path(database).absolute()
    recorded = _owner(folder / MARKER)
    if recorded is None:
        return True
    candidates = [Path(recorded.get("database") or "")]
    if recorded.get("relative"):
        candidates.append(folder / recorded["relative"])
    if not any(_same_database(c, database) for c in candidates):
        raise SosaError(
            _("the letters folder {folder} belongs to another database, {database}").format(folder=folder, database=recorded.get("database")),
            hint=_("set letters_dir to a folder of its own for {name} (sosa config set letters_dir …), or give --out").format(name=database.name),
        )
    return False


def mark(folder: Path, database: str | os.PathLike[str]) -> None:
    """Record in `folder` that it holds the letters of `database`.

    The marker keeps the database's absolute path and its path from the folder, so a
    folder moved together with its database (the whole desk folder copied) stays its own.
    """
    database = Path(database).absolute()
    note = {
        "database": str(database),
        "relative": os.path.relpath(database, folder.absolute()),
        "note": "The letters of one sosa database; sosa refuses to write another database's letters here.",
    }
    try:
        write(folder / MARKER, (json.dumps(note, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    except SosaError:
        if claim(folder, database):  # not another command marking it a moment ago: a real failure
            raise


def _owner(marker: Path) -> dict[str, str] | None:
    try:
        if not stat.S_ISREG(os.lstat(marker).st_mode):
            raise SosaError(
                _("{marker} is not a regular file").format(marker=marker), hint=_("remove it; sosa marks its letters folders with a file of that name")
            )
        data = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise SosaError(
            _("cannot read {marker}: {error}").format(marker=marker, error=strerror(exc) if isinstance(exc, OSError) else exc),
            hint=_("it marks which database the letters folder belongs to"),
        ) from None
    if not isinstance(data, dict):
        raise SosaError(_("cannot read {marker}: not a letters folder marker").format(marker=marker))
    return {k: str(v) for k, v in data.items()}


def _same_database(recorded: Path, database: Path) -> bool:
    if str(recorded) in ("", "."):
        return False
    try:
        return os.path.samefile(recorded, database)
    except OSError:
        return os.path.normpath(recorded.absolute()) == os.path.normpath(database)
