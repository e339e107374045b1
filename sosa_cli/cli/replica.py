"""`sosa db replica init|status` and `sosa db restore`: continuous copies with Litestream."""

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .options import DbOption, JsonOption, open_desk
from .output import message, print_card

app = typer.Typer(help="A continuous copy of the database with Litestream: set it up, see how far it has got.", no_args_is_help=True)


def _database(db: Path | None) -> Path:
    """The database in use, by --db / SOSA_DB / the top-level --db / the default."""
    from ..store import resolve_path
    from .clicks import get_current_context

    ctx = get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    if db is None and root is not None and root.obj:
        db = root.obj.get("db")
    return resolve_path(db).absolute()


@app.command("init")
def init(
    target: Annotated[
        str,
        typer.Argument(
            help="Where the copies go: a folder (on the office file server) or an s3:// URL (…?endpoint=https://HOST:PORT for a store on premises)."
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace a Litestream configuration already there.")] = False,
    db: DbOption = None,
) -> None:
    """Write Litestream's configuration for the database in use, beside the office profile.

    Nothing is copied until Litestream runs it: the command prints how, and the README
    gives the systemd unit and the Windows service that keep it running.

    Example: sosa db replica init /mnt/fileserver/sosa-replica
    """
    from .. import replica
    from ..errors import SosaError

    conn = open_desk(db)  # the database must exist and be sosa's
    database = Path(conn.path).absolute()
    conn.close()
    found = replica.parse_target(target, database=database)
    config = replica.write_config(database, found, force=force)
    message(_("Wrote {config}: Litestream copies {database} to {target}.").format(config=config, database=database, target=found))
    try:
        replica.require_litestream()
    except SosaError as exc:  # the configuration is written all the same: say what is missing
        message(str(exc))
    message(
        _("Run it with `litestream replicate -config {config}`, as a service that starts with the computer (README: systemd unit, Windows service).").format(
            config=config
        )
    )
    message(_("Then `sosa db replica status` shows its newest copy."))


@app.command("status")
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show where the replica goes, its newest copy (Litestream's position) and how old it is.

    Example: sosa db replica status --json
    """
    from .. import replica
    from ..clock import local_time
    from ..errors import SosaError
    from ..store import short_hash

    conn = open_desk(db)
    setup = replica.configured(Path(conn.path).absolute())
    if setup is None:
        raise SosaError(
            _("no replica is configured: there is no {path}").format(path=replica.config_file()),
            hint=_("`sosa db replica init TARGET` sets one up"),
        )
    if setup.target is None:
        raise SosaError(
            _("{config} configures no replica for {database}").format(config=setup.config, database=setup.database),
            hint=_("it names {others}; `sosa db replica init TARGET --force` writes one for this database").format(others=", ".join(setup.others) or "—"),
        )
    found = replica.status(conn, setup)
    if found.problem is not None and not as_json:
        raise SosaError(found.problem)
    position = found.position
    if position is None:
        copy = _("none yet: is Litestream running?")
    else:
        assert found.age is not None
        copy = _("{time} ({age} ago), Litestream position {txid}").format(
            time=local_time(position.at.isoformat()), age=replica.span(found.age), txid=position.txid
        )
    if found.newest is None:
        newest = _("no audit entries yet")
    else:
        newest = _("#{id} at {time}, hash {hash}").format(id=found.newest.id, time=local_time(found.newest.at), hash=short_hash(found.newest.hash))
    if position is None:
        waiting = "—"
    elif found.oldest_waiting is None:
        waiting = _("none: the replica holds every change")
    else:
        waiting = _("{n} since #{id} at {time}").format(n=found.waiting, id=found.oldest_waiting.id, time=local_time(found.oldest_waiting.at))
    if position is None:
        verdict = _("no copy yet")
    elif found.stale:
        verdict = _("behind: older than {max_age}, with changes since").format(max_age=replica.span(found.max_age))
    else:
        verdict = _("ok")
    fields = [
        (N_("Database"), str(setup.database)),
        (
            N_("Replica"),
            _("{target} (a folder)").format(target=setup.target) if setup.target.kind == "folder" else _("{target} (S3)").format(target=setup.target),
        ),
        (N_("Configuration"), str(setup.config)),
        (N_("Newest copy"), copy),
        (N_("Newest audit entry"), newest),
        (N_("Changes not yet copied"), waiting),
        (N_("State"), verdict),
    ]
    print_card(_("Replica of {name}").format(name=setup.database.name), fields, data=found.as_dict(), as_json=as_json)


def restore(
    file: Annotated[str, typer.Argument(help="The new file to restore into; never an existing file, never the database in use.")],
    source: Annotated[
        str | None,
        typer.Option("--from", metavar="TARGET", help="The replica: a folder or an s3:// URL (default: the one `sosa db replica init` configured)."),
    ] = None,
    timestamp: Annotated[
        str | None,
        typer.Option("--timestamp", metavar="T", help="Restore the database as it was at T: 2026-11-26T09:30 (the desk's time zone) or ISO with a zone (…Z)."),
    ] = None,
    letters_in: Annotated[
        Path | None,
        typer.Option("--letters-in", metavar="DIR", help="The folder the letter files' recorded relative paths start from (default: FILE's folder)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Restore a copy from the Litestream replica into FILE, then check it: integrity, the
    audit trail's chain and replay, and the letter files; and name the newest audit entry it holds.

    Litestream copies the database only. A letter file the register records relative to the
    database's folder (the letters folder beside it) is looked for beside FILE, or under
    --letters-in DIR; one recorded with an absolute path is checked where it is.

    Example: sosa db restore --from /mnt/fileserver/sosa-replica /tmp/drill.db
    """
    from .. import replica
    from ..clock import local_time
    from ..errors import SosaError
    from ..store import short_hash
    from .output import count

    in_use = _database(db)
    if source is None:
        setup = replica.configured(in_use)
        if setup is None or setup.target is None:
            raise SosaError(_("no replica is configured for {database}").format(database=in_use), hint=_("name the replica with --from TARGET"))
        target = setup.target
    else:
        target = replica.parse_target(source)
    done = replica.restore(target, file, in_use=in_use, timestamp=timestamp, letters_in=letters_in)
    when = local_time(done.asked.isoformat()) if done.asked is not None else _("its newest copy")
    message(
        _("Restored {target} as of {when} into {path} (Litestream position {txid}).").format(target=target, when=when, path=done.path, txid=done.position.txid)
    )
    failures = []
    if done.foreign_keys:
        failures.append(_("integrity check failed: {problem}").format(problem=done.foreign_keys[0]))
    if not done.chain.ok:
        failures.append(_("audit entry {id} is broken: {problem}").format(id=done.chain.broken_at, problem=done.chain.problem))
    if not done.tables.ok:
        failures.append(_("the tables differ from the audit trail: {summary}").format(summary=done.tables.summary()))
    if not done.letters.ok:
        failures.append(_("letter files (relative paths under {folder}): {summary}").format(folder=done.letters_base, summary=done.letters.summary()))
    if failures:
        raise SosaError(
            _("the restored copy {path} fails its checks: {failures}").format(path=done.path, failures=_("; ").join(failures)),
            hint=_("the copy is kept for inspection; restore an earlier --timestamp, or another replica"),
        )
    entries = count(done.chain.rows, "{n} entry", "{n} entries")
    message(
        _("The copy passed: integrity ok; audit trail of {entries} intact; {tables}; letter files (relative paths under {folder}): {letters}.").format(
            entries=entries, tables=done.tables.summary(), folder=done.letters_base, letters=done.letters.summary()
        )
    )
    if done.head is None:
        message(_("It holds no audit entries yet."))
    else:
        message(
            _("Its newest audit entry is #{id} of {time}, hash {hash}: every change up to it is in the copy.").format(
                id=done.head.id, time=local_time(done.head.at), hash=short_hash(done.head.hash)
            )
        )
