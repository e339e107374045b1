"""The one door to the database: where it lives, how it is opened, how it is written.

Every connection gets the same pragmas; every write runs in `BEGIN IMMEDIATE`, so two
officers writing at once queue for the lock instead of losing an update (NOTES.md:
Python's implicit transactions kept 313 of 1,200 concurrent increments; an explicit
`BEGIN IMMEDIATE` kept all of them).

Before anything is written, `open_db()` makes sure the file is a sosa database: a file
that is not SQLite, a SQLite database of another program (no sosa mark, no sosa
migrations) and a damaged one (a broken header, a file cut short, SQLite reporting
corruption) are each refused in one line and left as they are. A database the officer
may only read is opened read-only: every read command works, and a write is refused.

A database on a network file system (NFS, SMB/CIFS, sshfs, …) is refused before anything
is created, read or written there (`refuse_network_share`): SQLite's WAL mode shares
memory and byte-range locks between the processes that open it, which only works on one
computer. Reading is refused too, not only writing: a reader on another computer finds
the newest pages through the same shared memory, and may read a page half written.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import audit
from .errors import SosaError
from .filesystems import network_share
from .i18n import _, strerror
from .migrations import APPLICATION_ID, MIGRATION_SET

# Long enough for another officer's bulk enrollment or letter batch to finish;
# `SOSA_BUSY_TIMEOUT` (seconds) changes it, e.g. for tests.
BUSY_TIMEOUT_MS = 60_000
# After this long waiting for the write lock, the officer is told why nothing happens.
WAIT_NOTICE_SECONDS = 1.0

SQLITE_HEADER = b"SQLite format 3\x00"
# Primary result codes (the low byte of an extended code) that say the file itself is at fault.
SQLITE_BUSY, SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_NOTADB = 5, 8, 11, 14, 26


class Damaged(SosaError):
    """A sosa database whose file is broken: only a backup brings its records back."""

    def __init__(self, path: Path | str, what: str):
        path = Path(path)
        name = path.name
        # A -wal file left beside a restored copy would be replayed into it: it goes too.
        super().__init__(
            _(
                "{path} is damaged: {what}; restore it from a backup with `cp BACKUP.db {path}` "
                "(a copy `sosa db backup` made), after moving {name} and any {name}-wal and {name}-shm aside"
            ).format(path=path, what=what, name=name)
        )


class ReadOnly(SosaError):
    """A write asked of a database the officer may only read."""


class Busy(SosaError):
    """The write lock stayed with another command for the whole busy timeout."""


class DeskConnection(sqlite3.Connection):
    """A connection that knows who is working and which command they ran, for the audit trail."""

    user: str = ""
    command: str = ""
    path: Path
    # Undo steps for what a transaction did outside the database (files written),
    # run if the outermost transaction rolls back.
    undo: list[Callable[[], None]]
    # Steps for after a transaction commits (remove the copy of a file it replaced).
    after_commit: list[Callable[[], None]]
    # Why the database may only be read (None when it may be written).
    readonly: str | None = None
    # Seconds a write waits for another command's write lock before giving up.
    busy_timeout: float = BUSY_TIMEOUT_MS / 1000
    # Called once when a write has waited WAIT_NOTICE_SECONDS for the lock (the CLI
    # prints a line; the domain never prints).
    on_wait: Callable[[], None] | None = None
    # (device, inode) of the database file, to know which files this process has open.
    inode: tuple[int, int] | None = None

    def close(self) -> None:
        _OPEN.discard(self)
        super().close()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            refusal = _refusal(self, exc)
            if refusal is None:
                raise
            raise refusal from exc


def _raw(conn: sqlite3.Connection, sql: str) -> sqlite3.Cursor:
    """A statement whose SQLite error the caller reads itself (not turned into a refusal)."""
    return sqlite3.Connection.execute(conn, sql)


# The desk connections of this process that may hold the database file open.
_OPEN: weakref.WeakSet[DeskConnection] = weakref.WeakSet()


def _open_here(path: Path) -> bool:
    """Whether a connection of this process has the file open.

    Closing any descriptor of a file drops every POSIX lock the process holds on it,
    SQLite's included (sqlite.org/howtocorrupt.html §2.2): a connection that lost its
    lock lets another process delete the -wal file under it, and the database is
    corrupted. So the header is read with a descriptor of our own only while none is.
    """
    try:
        st = os.stat(path)
    except OSError:
        return False
    return any(conn.inode == (st.st_dev, st.st_ino) for conn in list(_OPEN))


def _code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _refusal(conn: DeskConnection, exc: sqlite3.DatabaseError) -> SosaError | None:
    """The one-line refusal a SQLite error stands for, when the file itself is at fault."""
    code = _code(exc)
    path = getattr(conn, "path", "the database")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return Damaged(path, _("SQLite reports {error}").format(error=exc))
    if code == SQLITE_READONLY:
        return read_only(path, conn.command, conn.readonly or _("the file system refused to write it"))
    return None


def read_only(path: object, command: str, reason: str) -> ReadOnly:
    return ReadOnly(
        _("{path} is read-only ({reason}): {command} changes nothing").format(path=path, reason=reason, command=command or _("this command")),
        hint=_("make the file and its folder writable, or work on a copy in a folder you may write"),
    )


def busy_timeout() -> float:
    """Seconds to wait for another command's write lock: `SOSA_BUSY_TIMEOUT`, else 60."""
    raw = os.environ.get("SOSA_BUSY_TIMEOUT", "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS / 1000
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise SosaError(_("SOSA_BUSY_TIMEOUT={value} is not a number of seconds").format(value=raw), hint=_("e.g. SOSA_BUSY_TIMEOUT=60, or unset it"))
    return seconds


def refuse_network_share(path: Path) -> None:
    """Refuse a database on a network file system, in one line naming it and the reason.

    `SOSA_ALLOW_NETWORK_FS=1` lets it be opened all the same: for an officer who knows that
    only one computer ever opens the file (a home folder on NFS used from one desk), at
    their own risk; two computers writing it can still corrupt it.
    """
    if os.environ.get("SOSA_ALLOW_NETWORK_FS", "").strip() not in ("", "0"):
        return
    share = network_share(path)
    if share is None:
        return
    if share.kind == "unc":
        where = _("the network share {share}").format(share=share.where)
    elif share.kind == "drive":
        where = _("the network drive {drive}").format(drive=share.where)
    else:
        where = _("a network file system ({fstype}, mounted at {mount})").format(fstype=share.fstype, mount=share.where)
    raise SosaError(
        _(
            "{path} is on {where}, where sosa does not open a database: SQLite's WAL mode needs shared memory "
            "and byte-range locks that network file systems do not give reliably, and two officers' writes could corrupt the register"
        ).format(path=path, where=where),
        hint=_(
            "keep it on the local disk of the one desk computer the officers log into, with Litestream copying it off; "
            'the README\'s "Several officers" says how'
        ),
    )


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("sosa", appauthor=False) / "sosa.db"


def resolve_path(path: str | Path | None = None) -> Path:
    """The database to use: an explicit path, else `SOSA_DB`, else the user's data directory."""
    if path:
        return Path(path).expanduser()
    env = os.environ.get("SOSA_DB")
    if env:
        return Path(env).expanduser()
    return default_path()


def current_user() -> str:
    user = os.environ.get("SOSA_USER")
    if user is not None:  # set, even blank: it must name the officer (fields.officer)
        from .fields import officer

        return officer(user)
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something
        return f"uid:{os.getuid()}"


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only (official records)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _wal_has_frames(path: Path) -> bool:
    """Whether committed changes may wait in the -wal file (beyond its 32-byte header)."""
    try:
        return os.stat(f"{path}-wal").st_size > 32
    except OSError:
        return False


def _mentions_sosa(path: Path) -> bool:
    """Whether a file with a broken header still holds sosa's tables (their names are
    stored as text in the schema, on the first pages)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return False
    return b"_sqlite_migrations" in head and b"CREATE TABLE audit" in head


def _check_file(path: Path) -> bytes:
    """The file's 100-byte SQLite header, once the file is known to be SQLite and whole.

    An empty file gives b"" (a database not made yet). Checked from the bytes alone,
    before SQLite opens the file, so nothing can be written to a file that is refused.
    """
    try:
        with open(path, "rb") as f:
            header = f.read(100)
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise SosaError(
            _("cannot read {path}: {error}").format(path=path, error=strerror(exc)), hint=_("check --db or SOSA_DB and the file's permissions")
        ) from None
    if not header:
        return header
    if not header.startswith(SQLITE_HEADER):
        if header[68:72] == APPLICATION_ID.to_bytes(4, "big") or _mentions_sosa(path):
            raise Damaged(path, _("its header is not a SQLite header"))
        if SQLITE_HEADER.startswith(header[:16]) and len(header) < 16:
            raise Damaged(path, _("the file ends after {size} bytes, inside its header").format(size=size))
        raise SosaError(_("{path} is not a sosa database: it is not a SQLite file at all").format(path=path), hint=_("check --db or SOSA_DB"))
    if len(header) < 100:
        raise Damaged(path, _("the file ends after {size} bytes, inside its header").format(size=size))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1) or header[21:24] != b"\x40\x20\x20":
        raise Damaged(path, _("its header is corrupt"))
    # Checkpoints of a live -wal file write whole pages, and a database's first page
    # (which holds the page count) before the pages that follow: only a file without
    # pending WAL frames is measured against its header.
    if _wal_has_frames(path):
        return header
    if size % page_size:
        raise Damaged(path, _("it is {size} bytes long, not a whole number of {page_size}-byte pages (cut short?)").format(size=size, page_size=page_size))
    pages = int.from_bytes(header[28:32], "big")
    if pages and header[24:28] == header[92:96] and size < pages * page_size:
        raise Damaged(path, _("it is cut short: {left} of its {pages} pages are left").format(left=size // page_size, pages=pages))
    return header


def _read_only_reason(path: Path) -> str | None:
    """Why the officer may only read the database, or None.

    Root may write a file whatever its permission bits say, so a file with no write
    permission bit at all is taken as meant to be read only; `os.access` covers other
    users' files, immutable files (`chattr +i`) and read-only media, where it fails
    even for root.
    """
    if os.environ.get("SOSA_READONLY", "").strip() not in ("", "0"):
        return _("SOSA_READONLY is set")
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not mode & 0o222:
        return _("the file is marked read-only")
    if not os.access(path, os.W_OK):
        return _("you may not write the file")
    # WAL mode keeps -wal and -shm files beside the database: a folder that refuses
    # them leaves the database readable only.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return _("its folder is read-only")
    return None


def _connect(target: str | Path, *, uri: bool = False, timeout: float) -> DeskConnection:
    conn = sqlite3.connect(
        target,
        factory=DeskConnection,
        isolation_level=None,  # we issue BEGIN IMMEDIATE ourselves
        timeout=timeout,
        uri=uri,
    )
    assert isinstance(conn, DeskConnection)
    return conn


def _connect_read_only(path: Path, *, timeout: float) -> DeskConnection:
    """A connection that cannot write the database, and reads its -wal file if it has one.

    SQLite reads a WAL database through its -shm file, which it creates beside the
    database when missing: in a folder that refuses it, `mode=ro` cannot open the
    database. `immutable=1` then reads the file without locks or the -shm, which is
    right only when nothing can be writing it: no -wal file holds changes (it would be
    ignored, and its changes with it) and the folder that refused our -shm refuses
    any writer's -wal and -shm as well, so none can start until the folder changes.
    """
    base = path.absolute().as_uri()
    conn = _connect(f"{base}?mode=ro", uri=True, timeout=timeout)
    try:
        _raw(conn, "SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if _code(exc) not in (SQLITE_CANTOPEN, SQLITE_READONLY):
            raise
    if _wal_has_frames(path):
        raise ReadOnly(
            _("{path} is read-only and its latest changes wait in {name}-wal, which SQLite cannot read without writing beside it").format(
                path=path, name=path.name
            ),
            hint=_("copy the database with its -wal file to a folder you may write, and use the copy"),
        )
    return _connect(f"{base}?mode=ro&immutable=1", uri=True, timeout=timeout)


def _refuse_foreign(path: Path, *, timeout: float) -> None:
    """Refuse a SQLite database that sosa did not make, before anything is written to it.

    A sosa database carries sosa's application_id, or (made before the mark) sosa's
    migrations; a database without tables or a mark is new, and becomes sosa's.
    """
    probe = _connect_read_only(path, timeout=timeout)
    probe.path = path
    try:
        mark = probe.execute("PRAGMA application_id").fetchone()[0]
        if mark == APPLICATION_ID:
            return
        names = {row[0] for row in probe.execute("SELECT name FROM sqlite_master")}
        if mark == 0 and not names:
            return
        if mark == 0 and "_sqlite_migrations" in names:
            if probe.execute("SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? LIMIT 1", (MIGRATION_SET,)).fetchone():
                return
    except sqlite3.OperationalError as exc:
        raise SosaError(_("cannot read {path}: {error}").format(path=path, error=exc)) from None
    finally:
        probe.close()
    raise SosaError(
        _("{path} is a SQLite database of another program, not a sosa database").format(path=path),
        hint=_("check --db or SOSA_DB; the file was left as it is"),
    )


def open_db(
    path: str | Path | None = None,
    *,
    command: str = "",
    create: bool = True,
    migrate: bool = True,
) -> DeskConnection:
    """Open (and if needed create and upgrade) the desk database.

    `create=False` refuses a path that does not exist rather than making an empty
    database there, for commands that only read.
    """
    db_path = resolve_path(path)
    timeout = busy_timeout()
    if db_path.is_dir():
        raise SosaError(_("{path} is a folder, not a database file").format(path=db_path), hint=_("give a file path with --db"))
    refuse_network_share(db_path)
    if not db_path.exists():
        if not create:
            raise SosaError(_("no database at {path}").format(path=db_path), hint=_("check --db or SOSA_DB; `sosa init` creates a new one"))
        try:
            _create_private(db_path)
        except FileExistsError:
            pass  # another process created it a moment ago: use theirs
        except OSError as exc:
            raise SosaError(_("cannot create the database at {path}: {error}").format(path=db_path, error=strerror(exc))) from None
    # A file this process already has open was checked when it was first opened.
    header = b"" if _open_here(db_path) else _check_file(db_path)
    reason = _read_only_reason(db_path)
    if reason and not header and db_path.stat().st_size == 0:
        raise read_only(db_path, command, _("{reason}, and it holds no database yet").format(reason=reason))
    try:
        if header and header[68:72] != APPLICATION_ID.to_bytes(4, "big"):
            # Not (yet) marked in the file itself: a sosa database from before the mark,
            # one whose mark still waits in its -wal file, a new one, or another program's.
            _refuse_foreign(db_path, timeout=timeout)
        conn = _open(db_path, reason, timeout=timeout)
    except sqlite3.DatabaseError as exc:
        if _code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
            raise Damaged(db_path, _("SQLite reports {error}").format(error=exc)) from None
        raise SosaError(_("cannot open {path}: {error}").format(path=db_path, error=exc)) from None
    conn.command = command
    conn.busy_timeout = timeout
    if migrate:
        from . import migrations

        if conn.readonly is None:
            migrations.upgrade(conn)
        elif migrations.schema_version(conn) != migrations.LATEST:
            # upgrade() refuses a newer schema; an older one would need writing to upgrade.
            if migrations.schema_version(conn) > migrations.LATEST:
                migrations.upgrade(conn)
            raise read_only(db_path, command, _("{reason}, and its schema needs an upgrade that writes it").format(reason=conn.readonly))
    return conn


def _open(db_path: Path, reason: str | None, *, timeout: float) -> DeskConnection:
    if reason is None:
        conn = _connect(db_path, timeout=timeout)
        try:
            mode = _raw(conn, "PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            conn.close()
            if _code(exc) not in (SQLITE_READONLY, SQLITE_CANTOPEN):
                raise
            # A write refused though permissions allowed it (a read-only mount seen
            # through a network share, a locked-down container): read only after all.
            reason = _("the file system refused to write it")
        else:
            if mode.lower() != "wal":
                conn.close()
                raise SosaError(_("{path}: cannot switch the database to WAL mode (got {mode})").format(path=db_path, mode=mode))
            conn.execute("PRAGMA synchronous = NORMAL")
    if reason is not None:
        conn = _connect_read_only(db_path, timeout=timeout)
        conn.readonly = reason
    # Off by default and per connection in SQLite; sqlite-utils does not turn it on.
    conn.execute("PRAGMA foreign_keys = ON")
    st = os.stat(db_path)
    conn.inode = (st.st_dev, st.st_ino)
    _OPEN.add(conn)
    conn.row_factory = sqlite3.Row
    conn.path = db_path
    conn.undo = []
    conn.after_commit = []
    conn.user = current_user()
    return conn


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """`BEGIN IMMEDIATE`, waiting for another command's write lock where the officer sees it.

    SQLite waits inside its own busy handler, where nothing can be printed: it is given
    one second first, then the officer is told (`on_wait`), then it is given the rest
    of the busy timeout. Which process holds the lock SQLite cannot say.
    """
    timeout = getattr(conn, "busy_timeout", BUSY_TIMEOUT_MS / 1000)
    first = min(WAIT_NOTICE_SECONDS, timeout)
    conn.execute(f"PRAGMA busy_timeout = {int(first * 1000)}")
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if _code(exc) != SQLITE_BUSY or timeout <= first:
                raise
        on_wait = getattr(conn, "on_wait", None)
        if on_wait is not None:
            on_wait()
        conn.execute(f"PRAGMA busy_timeout = {int((timeout - first) * 1000)}")
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if _code(exc) != SQLITE_BUSY:
            raise
        command = getattr(conn, "command", "") or "this command"
        raise Busy(
            _("{path} stayed busy for {seconds} s: another sosa command is writing it, and {command} changed nothing").format(
                path=getattr(conn, "path", _("the database")), seconds=f"{timeout:g}", command=command
            ),
            hint=_("try again in a moment; `pgrep -af sosa` lists the sosa commands running on this computer"),
        ) from None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One command, one transaction: all of its writes and its audit entries, or nothing.

    `BEGIN IMMEDIATE` takes the write lock at the start, so a read-then-write command
    never finds its read stale when it comes to write. Nested calls join the outer
    transaction; files registered with `on_rollback` are removed if it rolls back.
    A database opened read-only refuses here, before anything is done.
    """
    if conn.in_transaction:  # a domain function called from inside another one
        yield conn
        return
    reason = getattr(conn, "readonly", None)
    if reason:
        raise read_only(getattr(conn, "path", _("the database")), getattr(conn, "command", ""), reason)
    undo = getattr(conn, "undo", None)
    done = getattr(conn, "after_commit", None)
    for steps in (undo, done):
        if steps is not None:
            steps.clear()
    audit.track(conn)
    _begin_immediate(conn)
    try:
        yield conn
        unrecorded = audit.unrecorded(conn)
        if unrecorded:  # every change carries its audit entry, or it is not made
            raise RuntimeError(f"rows of {', '.join(unrecorded)} were written without an audit entry")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        for step in reversed(undo or []):
            step()
        raise
    else:
        for step in done or []:
            with contextlib.suppress(OSError):  # tidying only: the change stands
                step()
    finally:
        for steps in (undo, done):
            if steps is not None:
                steps.clear()


@contextlib.contextmanager
def rehearsal(conn: sqlite3.Connection) -> Iterator[list]:
    """Run part of the command in progress and undo it: yields the letters it would issue.

    Inside the command's transaction, as a savepoint rolled back at the end: the rows
    and audit entries written in the block are gone, and so are the steps it left for a
    commit or a rollback. `conn.rehearsal` tells the letter register to collect each letter
    it issues and to write no file, as `--dry-run` does (cli/dryrun.py) for a whole command.
    """
    if not conn.in_transaction:
        raise RuntimeError("store.rehearsal() runs inside the command's transaction")
    steps = [(hooks, len(hooks)) for hooks in (getattr(conn, "undo", None), getattr(conn, "after_commit", None)) if hooks is not None]
    letters: list = []
    outer = getattr(conn, "rehearsal", None)  # a --dry-run of the whole command
    conn.rehearsal = letters  # type: ignore[attr-defined]
    conn.execute("SAVEPOINT sosa_rehearsal")
    try:
        with audit.forgetting(conn):
            yield letters
    finally:
        conn.execute("ROLLBACK TO sosa_rehearsal")
        conn.execute("RELEASE sosa_rehearsal")
        if outer is None:
            del conn.rehearsal  # type: ignore[attr-defined]
        else:
            conn.rehearsal = outer  # type: ignore[attr-defined]
        for hooks, kept in steps:
            del hooks[kept:]


def on_rollback(conn: sqlite3.Connection, step: Callable[[], None]) -> None:
    """Run `step` if the transaction in progress rolls back (e.g. remove a letter's file:
    a number that was not issued must not be claimed by a file on disk)."""
    undo = getattr(conn, "undo", None)
    if conn.in_transaction and undo is not None:
        undo.append(step)


def after_commit(conn: sqlite3.Connection, step: Callable[[], None]) -> None:
    """Run `step` once the transaction in progress has committed."""
    done = getattr(conn, "after_commit", None)
    if conn.in_transaction and done is not None:
        done.append(step)


def remove_file(path: Path) -> Callable[[], None]:
    return lambda: Path(path).unlink(missing_ok=True)


def backup(conn: sqlite3.Connection, target: str | Path, *, force: bool = False) -> Backup:
    """Copy the live database with SQLite's online backup, then check the copy.

    The copy is made and checked under a temporary name beside `target` and takes its
    name only once it passed (files.write): a failed or interrupted backup leaves nothing,
    and an existing file is replaced only with `force`. A folder (`DIR/`) gets the copy
    under the name `<database>-<date>.db`.

    The copy's newest audit entry is the head of the chain it copied, read from the copy
    itself: `sosa audit verify --against` later proves the live trail still extends it.
    Nothing is added to the live trail, so a backup is a read and the copy is the database
    as it was.
    """
    from . import files
    from .clock import today

    source = Path(getattr(conn, "path", None) or "sosa.db")
    path = files.target(target, f"{source.stem}-{today().isoformat()}{source.suffix or '.db'}")
    if path is None:
        raise SosaError(_("a backup is a file"), hint=_("give its file name, e.g. sosa db backup ~/backups/sosa.db"))
    head: list[tuple[int, str]] = []

    def copy(temp: Path) -> None:
        dest = sqlite3.connect(temp)
        try:
            conn.backup(dest)
            problems = [row[0] for row in dest.execute("PRAGMA integrity_check")]
            head[:] = [tuple(row) for row in dest.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")]
        finally:
            dest.close()
        if problems != ["ok"]:
            raise SosaError(_("the backup failed its integrity check: {problem}").format(problem=problems[0]))

    written = files.write(path, copy, force=force or files.forced(target), private=True)
    return Backup(written, *(head[0] if head else (0, None)))


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """Rows that break a foreign key; a file whose pages or indexes are broken is refused.

    A broken page or index is damage that only a backup repairs (`Damaged`, with the
    first problem SQLite found); a foreign key pointing nowhere is a record to correct.
    """
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except Damaged:
        raise
    except sqlite3.DatabaseError as exc:
        raise Damaged(getattr(conn, "path", _("the database")), _("the integrity check stopped: {error}").format(error=exc)) from None
    if rows != ["ok"]:
        raise Damaged(
            getattr(conn, "path", _("the database")),
            _("the integrity check found {n} problem(s), the first: {problem}").format(n=len(rows), problem=rows[0]),
        )
    return [f"foreign key: {tuple(row)}" for row in conn.execute("PRAGMA foreign_key_check")]


@dataclass(frozen=True)
class Backup:
    """A copy `backup()` made: where it is, and the newest audit entry it holds (the chain head
    it copied; id 0 and no hash when the trail was still empty)."""

    path: Path
    head_id: int
    head_hash: str | None


def open_backup(path: str | Path) -> DeskConnection:
    """Open a copy of a sosa database (a backup) to read only: never written, never upgraded.

    A file that is not a sosa database, or is damaged, is refused in one line.
    """
    backup_path = Path(path).expanduser()
    if backup_path.is_dir():
        raise SosaError(_("{path} is a folder, not a backup file").format(path=backup_path), hint=_("give the file `sosa db backup` wrote"))
    if not backup_path.exists():
        raise SosaError(_("no backup at {path}").format(path=backup_path), hint=_("give the file `sosa db backup` wrote"))
    # Reading the header with a descriptor of our own would drop this process's SQLite
    # locks on a file it has open (the live database given as its own backup).
    if not _open_here(backup_path):
        try:
            with open(backup_path, "rb") as f:
                header = f.read(100)
        except OSError as exc:
            raise SosaError(_("cannot read {path}: {error}").format(path=backup_path, error=strerror(exc))) from None
        if not header.startswith(SQLITE_HEADER):
            what = _("it is empty") if not header else _("it is not a SQLite file at all")
            raise SosaError(_("{path} is not a sosa database: {what}").format(path=backup_path, what=what), hint=_("give the file `sosa db backup` wrote"))
    conn: DeskConnection | None = None
    try:
        if os.path.exists(f"{backup_path}-wal"):  # in use, or left so: read through SQLite's locks
            # and shared memory, which a network share does not give (a copy at rest, below,
            # is read without either, so a backup on the office file server is fine).
            refuse_network_share(backup_path)
            conn = _connect_read_only(backup_path, timeout=busy_timeout())
        else:
            # A copy at rest: read as it is, without the -wal and -shm files a reader of a WAL
            # database otherwise leaves beside it (no writer is at work: one would have a -wal).
            conn = _connect(f"{backup_path.absolute().as_uri()}?mode=ro&immutable=1", uri=True, timeout=busy_timeout())
        conn.path = backup_path
        conn.readonly = _("a backup is only read")
        conn.row_factory = sqlite3.Row
        mark = _raw(conn, "PRAGMA application_id").fetchone()[0]
        names = {row[0] for row in _raw(conn, "SELECT name FROM sqlite_master WHERE type = 'table'")}
        migrated = (
            "_sqlite_migrations" in names
            and sqlite3.Connection.execute(conn, "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? LIMIT 1", (MIGRATION_SET,)).fetchone()
        )
        ours = mark == APPLICATION_ID or (mark == 0 and bool(migrated))
        # Every page read once now, so that damage is named here as the backup's own.
        problems = [row[0] for row in _raw(conn, "PRAGMA quick_check")] if ours else ["ok"]
        if problems != ["ok"]:
            conn.close()
            raise SosaError(
                _("{path} is damaged: SQLite's check found {n} problem(s), the first: {problem}").format(
                    path=backup_path, n=len(problems), problem=problems[0]
                ),
                hint=_("use another backup"),
            )
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if _code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
            raise SosaError(_("{path} is damaged: SQLite reports {error}").format(path=backup_path, error=exc), hint=_("use another backup")) from None
        raise SosaError(_("cannot read {path}: {error}").format(path=backup_path, error=exc)) from None
    if not ours or not {"audit", "audit_head"} <= names:
        conn.close()
        what = _("a sosa database from before the audit trail's head") if ours else _("a SQLite database of another program")
        raise SosaError(
            _("{path} is not a sosa database backup: it is {what}").format(path=backup_path, what=what), hint=_("give the file `sosa db backup` wrote")
        )
    return conn


def short_hash(value: str | None) -> str:
    """The first twelve hex digits of an audit hash, for people to compare by eye."""
    return f"{value[:12]}…" if value else _("(none)")


@dataclass(frozen=True)
class Extension:
    """How the live audit trail stands to a backup's: it extends it (every entry of the backup
    is in the live trail with the same id and hash), or it parts from it at `parted_at`."""

    backup_entries: int
    live_entries: int
    backup_head_hash: str | None
    parted_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.parted_at is None

    @property
    def beyond(self) -> int:
        """Entries the live trail holds after the backup's newest."""
        return max(self.live_entries - self.backup_entries, 0)


def trail_extends(live: sqlite3.Connection, backup: sqlite3.Connection) -> Extension:
    """Whether the live audit trail extends the backup's (a prefix check on (id, hash)),
    naming the first entry where they part.

    Both trails are read once, in id order, side by side. The hash of each entry covers
    the one before it, so equal hashes mean equal histories up to that entry; every entry
    is compared all the same, so a live trail rewritten and re-chained is named at its
    first rewritten entry.
    """
    live_rows = iter(live.execute("SELECT id, hash FROM audit ORDER BY id"))
    compared = 0
    last_live = 0
    head_hash: str | None = None
    for b_id, b_hash in backup.execute("SELECT id, hash FROM audit ORDER BY id"):
        compared += 1
        head_hash = b_hash
        row = next(live_rows, None)
        if row is None:
            ends = _("the live trail ends at #{id}").format(id=last_live) if last_live else _("the live trail is empty")
            return _parted(live, backup, b_id, _("entry #{id} of the backup is missing from the live trail: {ends}").format(id=b_id, ends=ends))
        l_id, l_hash = row[0], row[1]
        last_live = l_id
        if l_id > b_id:
            return _parted(
                live, backup, b_id, _("entry #{id} of the backup is missing from the live trail, which goes on at #{next}").format(id=b_id, next=l_id)
            )
        if l_id < b_id:
            return _parted(live, backup, l_id, _("entry #{id} of the live trail is not in the backup, which goes on at #{next}").format(id=l_id, next=b_id))
        if l_hash != b_hash:
            return _parted(
                live,
                backup,
                b_id,
                _("entry #{id}: the live trail has hash {live}, the backup {backup}").format(id=b_id, live=short_hash(l_hash), backup=short_hash(b_hash)),
            )
    live_total = compared + sum(1 for _row in live_rows)
    return Extension(compared, live_total, head_hash)


def _parted(live: sqlite3.Connection, backup: sqlite3.Connection, at: int, problem: str) -> Extension:
    count = "SELECT count(*) FROM audit"
    head = backup.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return Extension(
        backup.execute(count).fetchone()[0],
        live.execute(count).fetchone()[0],
        head[0] if head else None,
        parted_at=at,
        problem=problem,
    )
