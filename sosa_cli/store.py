"""The one door to the database: where it lives, how it is opened, how it is written.

Every connection gets the same pragmas; every write runs in `BEGIN IMMEDIATE`, so two
officers writing at once queue for the lock instead of losing an update (NOTES.md:
Python's implicit transactions kept 313 of 1,200 concurrent increments; an explicit
`BEGIN IMMEDIATE` kept all of them).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import SosaError

# Long enough for another officer's bulk enrollment or letter batch to finish.
BUSY_TIMEOUT_MS = 60_000


class DeskConnection(sqlite3.Connection):
    """A connection that knows who is working and which command they ran, for the audit trail."""

    user: str = ""
    command: str = ""
    path: Path
    # Undo steps for what a transaction did outside the database (files written),
    # run if the outermost transaction rolls back.
    undo: list[Callable[[], None]]


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
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something
        return f"uid:{os.getuid()}"


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only (official records)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


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
    if db_path.is_dir():
        raise SosaError(f"{db_path} is a folder, not a database file", hint="give a file path with --db")
    if not db_path.exists():
        if not create:
            raise SosaError(f"no database at {db_path}", hint="check --db or SOSA_DB; `sosa init` creates a new one")
        try:
            _create_private(db_path)
        except FileExistsError:
            pass  # another process created it a moment ago: use theirs
        except OSError as exc:
            raise SosaError(f"cannot create the database at {db_path}: {exc.strerror}") from None
    try:
        conn = sqlite3.connect(
            db_path,
            factory=DeskConnection,
            isolation_level=None,  # we issue BEGIN IMMEDIATE ourselves
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        assert isinstance(conn, DeskConnection)
        conn.row_factory = sqlite3.Row
        conn.path = db_path
        conn.undo = []
        conn.user = current_user()
        conn.command = command
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Off by default and per connection in SQLite; sqlite-utils does not turn it on.
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise SosaError(f"{db_path}: cannot switch the database to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise SosaError(f"{db_path} is not a sosa database ({exc})") from None
    if migrate:
        from . import migrations

        migrations.upgrade(conn)
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One command, one transaction: all of its writes and its audit entries, or nothing.

    `BEGIN IMMEDIATE` takes the write lock at the start, so a read-then-write command
    never finds its read stale when it comes to write. Nested calls join the outer
    transaction; files registered with `on_rollback` are removed if it rolls back.
    """
    if conn.in_transaction:  # a domain function called from inside another one
        yield conn
        return
    undo = getattr(conn, "undo", None)
    if undo is not None:
        undo.clear()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        for step in reversed(undo or []):
            step()
        raise
    finally:
        if undo is not None:
            undo.clear()


def on_rollback(conn: sqlite3.Connection, step: Callable[[], None]) -> None:
    """Run `step` if the transaction in progress rolls back (e.g. remove a letter's file:
    a number that was not issued must not be claimed by a file on disk)."""
    undo = getattr(conn, "undo", None)
    if conn.in_transaction and undo is not None:
        undo.append(step)


def remove_file(path: Path) -> Callable[[], None]:
    return lambda: Path(path).unlink(missing_ok=True)


def backup(conn: sqlite3.Connection, target: str | Path, *, force: bool = False) -> Path:
    """Copy the live database with SQLite's online backup, then check the copy.

    The copy is made and checked under a temporary name beside `target` and takes its
    name only once it passed (files.write): a failed or interrupted backup leaves nothing,
    and an existing file is replaced only with `force`. A folder (`DIR/`) gets the copy
    under the name `<database>-<date>.db`.
    """
    from . import files
    from .clock import today

    source = Path(getattr(conn, "path", None) or "sosa.db")
    path = files.target(target, f"{source.stem}-{today().isoformat()}{source.suffix or '.db'}")
    if path is None:
        raise SosaError("a backup is a file", hint="give its file name, e.g. sosa db backup ~/backups/sosa.db")

    def copy(temp: Path) -> None:
        dest = sqlite3.connect(temp)
        try:
            conn.backup(dest)
            problems = [row[0] for row in dest.execute("PRAGMA integrity_check")]
        finally:
            dest.close()
        if problems != ["ok"]:
            raise SosaError(f"the backup failed its integrity check: {problems[0]}")

    return files.write(path, copy, force=force or files.forced(target), private=True)


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    rows += [f"foreign key: {tuple(row)}" for row in conn.execute("PRAGMA foreign_key_check")]
    return [] if rows == ["ok"] else [r for r in rows if r != "ok"]
