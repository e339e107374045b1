"""The `sosa` command: the top-level app, error handling, and the database commands."""

import contextlib
import errno
import os
import signal
import sqlite3
import sys
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from ..errors import SosaError
from ..i18n import C_, N_, _, ngettext, strerror
from .clicks import ClickException, Command, Context, HelpFormatter, NoArgsIsHelpError, UsageError, get_current_context
from .options import DbOption, ForceOption, JsonOption, add_habits, open_desk
from .output import count, message, print_json, print_table, silence_stdout

# A full disk or quota, a file grown too large, a device failing: output that cannot be
# written. Raised unnamed by the data a command prints; files are named by the domain.
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


# Whether Ctrl-C was pressed during the command. SQLite turns a KeyboardInterrupt raised in
# one of sosa's SQL functions (the audit trail's row tracker) into "user-defined function
# raised exception"; the officer pressed Ctrl-C, and must be told so, not of a database error.
_interrupted = False


def _note_interrupt(signum: int, frame: Any) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def _fail(text: str) -> None:
    typer.echo(f"sosa: {text}", err=True)


def _usage(exc: UsageError) -> NoReturn:
    """A usage error in one line, like every other error: what was wrong, and where help is."""
    if isinstance(exc, NoArgsIsHelpError):  # `sosa company` alone: the help is the answer
        raise exc
    from .language import usage_message

    where = exc.ctx.command_path if exc.ctx else "sosa"
    _fail(_("{message} (see `{command} --help`)").format(message=usage_message(exc), command=where))
    raise typer.Exit(exc.exit_code) from None


# The commands kept in their own modules, loaded only when named: `sosa company list`
# builds the company commands alone, and `sosa --help` lists every command from this
# table without importing them (a test keeps each line equal to the command's help).
# name: (module in sosa_cli.cli, Typer app or command function, help line)
LAZY: dict[str, tuple[str, str, str]] = {
    "enroll": ("company", "enroll", "Enroll a company as a SoSA participant, from options or from a YAML file."),
    "company": ("company", "app", "The participant register: list, show, correct, suspend, withdraw, export."),
    "delay": ("delay", "app", "Delays of US-made parts and services: add, list, show, update, close."),
    "request": ("request", "app", "JP→US requests to DoD: open, send, update, close, list, show."),
    "ask": ("ask", "app", "US asks from DoD: record, list, show, respond, remind, reply, close, cancel."),
    "relay": ("ask", "relay", "Relay a US ask to participants: one relay and one Japanese relay letter per company."),
    "letter": ("letter", "app", "Letters: render and issue them (文書番号), list, show, export, cancel, verify the files; the templates in use."),
    "status": ("status", "status", "What needs attention today, most urgent first."),
    "report": ("report", "report", "Write one self-contained HTML page of where the arrangement stands in a period."),
    "calendar": ("calendar", "calendar", "Write every deadline as an iCalendar (.ics) file to import into Outlook or any calendar."),
    "config": ("config", "app", "The office profile: sender, 担当 contact, 文書番号 prefix, folders."),
    "demo": ("demo", "demo", "Run the whole workflow on sample data in a fresh database, and show the register."),
}


def load_command(name: str, table: dict[str, tuple[str, str, str]] | None = None) -> Command:
    """The click command of a lazily kept sub-app or command."""
    import importlib

    from typer.main import get_command

    module, attribute, _line = (LAZY if table is None else table)[name]
    target = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
    if not isinstance(target, typer.Typer):
        holder = typer.Typer()
        holder.command(name)(target)
        target = holder
    # Plain help like the top level's (no Rich to import for a --help), and shell
    # completion offered once, at the top.
    target.rich_markup_mode = None
    target._add_completion = False
    command = get_command(target)
    command.name = name
    return command


class SosaGroup(TyperGroup):
    """Turns the domain's refusals into one line on stderr and exit status 1, and loads
    the lazily kept commands when they are named.

    `SOSA_DEBUG=1` lets the traceback through for developers.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built once per run: the language is chosen here (SOSA_LANG, the profile, LANG).
        from ..i18n import use
        from .language import install

        use()
        install()
        add_habits(self, top=True)

    def list_commands(self, ctx: Context) -> list[str]:
        return [*LAZY, *(name for name in super().list_commands(ctx) if name not in LAZY)]

    def get_command(self, ctx: Context, name: str) -> Command | None:
        if name in LAZY and name not in self.commands:
            self.commands[name] = load_command(name)
        command = super().get_command(ctx, name)
        if command is not None:
            add_habits(command, path=name)
        return command

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        from .language import short_help

        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is not None and command.hidden:
                continue
            text = command.get_short_help_str(limit) if command is not None else short_help(_(LAZY[name][2]), limit)
            rows.append((name, text))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def make_context(self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any) -> Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as exc:
            _usage(exc)

    def invoke(self, ctx: Context) -> Any:
        from ..clock import one_day

        global _interrupted
        _interrupted = False
        # Only where Ctrl-C is Python's to handle (a job in the background ignores it), and
        # only from the main thread, the one place a handler may be set.
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGINT, _note_interrupt)
        try:
            with one_day():  # a command runs on one day, however long it takes
                return super().invoke(ctx)
        except UsageError as exc:
            _usage(exc)
        except (typer.Exit, ClickException, typer.Abort):
            raise
        except SosaError as exc:
            if os.environ.get("SOSA_DEBUG"):
                raise
            _fail(str(exc))
            raise typer.Exit(1) from None
        except sqlite3.OperationalError as exc:
            if _interrupted:
                _fail(_("interrupted; nothing was changed by the unfinished command"))
                raise typer.Exit(130) from None
            if os.environ.get("SOSA_DEBUG"):
                raise
            if "locked" in str(exc):
                _fail(_("database error: {error} (another officer is holding the database; try again)").format(error=exc))
            else:
                _fail(_("database error: {error}").format(error=exc))
            raise typer.Exit(1) from None
        except sqlite3.DatabaseError as exc:  # corruption SQLite finds only while reading rows
            if os.environ.get("SOSA_DEBUG"):
                raise
            _fail(_("the database is damaged: {error}; restore it from a backup (`sosa db backup` copies; `sosa db check` tells)").format(error=exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            _fail(_("interrupted; nothing was changed by the unfinished command"))
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader left (`sosa company list | head -1`)
            _end_quietly()
        except OSError as exc:
            if os.environ.get("SOSA_DEBUG") or exc.errno not in OUTPUT_ERRNOS:
                raise
            # Files are written by the domain, which names them; what reaches here unnamed
            # is the data the command was printing, e.g. `sosa company list > /dev/full`.
            silence_stdout()
            _fail(_("cannot write the output: {error}").format(error=strerror(exc)))
            raise typer.Exit(1) from None
        except Exception as exc:  # a bug: still one line, never a traceback for officers
            if os.environ.get("SOSA_DEBUG"):
                raise
            _fail(_("unexpected error: {error} (run with SOSA_DEBUG=1 for details)").format(error=f"{type(exc).__name__}: {exc}"))
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=SosaGroup,
    name="sosa",
    help="Desk tool of ATLA's Japan–US Security of Supply Arrangement (SoSA) desk.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if not value:
        return
    # pyproject.toml holds the one version string; importlib.metadata costs start-up
    # time, so only `--version` pays for it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        typer.echo(f"sosa {version('sosa-cli')}")
    except PackageNotFoundError:
        _fail(_("the version is known once sosa is installed (python3 -m pip install .)"))
        raise typer.Exit(1) from None
    raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: DbOption = None,
    version: Annotated[bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = None,
) -> None:
    """Keep the SoSA participant register, delays, requests, US asks and letters.

    Example: sosa enroll --from companies.yaml
    """
    ctx.obj = {"db": db}


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database, or upgrade it to this version's schema (safe to repeat).

    Example: sosa init --db ~/sosa/desk.db
    """
    from ..migrations import LATEST

    conn = open_desk(db, create=True)
    message(_("Database ready at {path} (schema {version}).").format(path=conn.path, version=LATEST))


# `sosa db replica …` and `sosa db restore` (replica.py), loaded only when named, as LAZY.
DB_LAZY: dict[str, tuple[str, str, str]] = {
    "replica": ("replica", "app", "A continuous copy of the database with Litestream: set it up, see how far it has got."),
    "restore": ("replica", "restore", "Restore a copy from the Litestream replica into FILE, then check it."),
}


class DbGroup(TyperGroup):
    """`sosa db`: its own commands, and the replica's loaded when named."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in DB_LAZY if name not in self.commands)]

    def get_command(self, ctx: Context, name: str) -> Command | None:
        if name in DB_LAZY and name not in self.commands:
            command = load_command(name, DB_LAZY)
            add_habits(command, path=f"db {name}")
            self.commands[name] = command
        return super().get_command(ctx, name)


db_app = typer.Typer(cls=DbGroup, help="Where the database lives; back it up, copy it continuously, restore and check it.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("path")
def db_path(db: DbOption = None) -> None:
    """Print the database file in use.

    Example: sosa db path
    """
    from ..store import resolve_path

    ctx = get_current_context().find_root()
    typer.echo(str(resolve_path(db or (ctx.obj or {}).get("db"))))


@db_app.command("backup")
def db_backup(
    file: Annotated[str, typer.Argument(help="File to write the copy to, or a folder (DIR/) for <database>-<date>.db.")],
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Copy the database while it is in use, then check the copy's integrity.

    Example: sosa db backup ~/backups/sosa-2026-11-26.db
    """
    from ..store import backup, short_hash

    conn = open_desk(db, create=False)
    copy = backup(conn, file, force=force)
    if copy.head_id:
        head = _("the audit trail up to entry #{id}, hash {hash}").format(id=copy.head_id, hash=short_hash(copy.head_hash))
    else:
        head = _("no audit entries yet")
    message(_("Backed up {path} to {copy}; the copy passed its integrity check and holds {head}.").format(path=conn.path, copy=copy.path, head=head))
    message(_("Later, `sosa audit verify --against {copy}` proves the live trail still extends it.").format(copy=copy.path))


@db_app.command("check")
def db_check(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the database's integrity, walk the audit trail's hash chain, and check the
    letter files on disk against their recorded SHA-256 (as `sosa letter verify`).

    Example: sosa db check
    """
    from ..audit import verify
    from ..letters import verify_files
    from ..replay import Replay, replay
    from ..store import integrity_problems

    conn = open_desk(db, create=False)
    problems = integrity_problems(conn)
    chain = verify(conn)
    # The tables are replayed only from an intact trail: a broken one proves nothing.
    tables = replay(conn) if chain.ok and not problems else Replay()
    letter_files = verify_files(conn)
    if as_json:
        print_json(
            {
                "integrity": problems or "ok",
                "audit_entries": chain.rows,
                "audit_ok": chain.ok,
                "audit_problem": chain.problem,
                "audit_broken_at": chain.broken_at,
                "tables_ok": tables.ok,
                "table_differences": [d.as_dict() for d in tables.differences],
                "letter_files": letter_files.files,
                "letter_files_ok": letter_files.ok,
                "letter_file_problems": [p.as_dict() for p in letter_files.problems],
            }
        )
    if problems:
        raise SosaError(_("integrity check failed: {problem}").format(problem=problems[0]))
    # Both findings on the one line: a forger who edits the trail may have edited a letter too.
    failures = [] if chain.ok else [_("audit entry {id} is broken: {problem}").format(id=chain.broken_at, problem=chain.problem)]
    if not tables.ok:
        failures.append(_("the tables differ from the audit trail: {summary}").format(summary=tables.summary()))
    if not letter_files.ok:
        failures.append(letter_files.summary())
    if failures:
        raise SosaError(_("; ").join(failures))
    if not as_json:
        message(
            _("{path}: integrity ok; audit trail of {entries} intact; {tables}; {letters}.").format(
                path=conn.path, entries=count(chain.rows, "{n} entry", "{n} entries"), tables=tables.summary(), letters=letter_files.summary()
            )
        )


audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    against: Annotated[
        str | None,
        typer.Option("--against", metavar="BACKUP", help="A copy `sosa db backup` made: prove the live trail extends the copy's, entry by entry."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Walk the audit trail's hash chain and report the first broken entry; then replay the
    trail and name every row of the tables it does not account for (changed, added or
    deleted behind sosa's back: table, record, field, what the trail says, what is there).

    With --against BACKUP, also prove that the live trail holds every entry of the backup's
    with the same hash (nothing cut off its end or rewritten since), and name the first
    entry where they part.

    Example: sosa audit verify --against ~/backups/sosa-2026-11-26.db
    """
    from ..audit import verify

    conn = open_desk(db, create=False)
    result = verify(conn)
    if not result.ok:
        raise SosaError(
            _("audit entry {id} is broken: {problem}").format(id=result.broken_at, problem=result.problem),
            hint=_("the log was changed outside sosa; restore from a backup and report it"),
        )
    from ..replay import replay

    tables = replay(conn)
    differ = _("the tables differ from the audit trail: {summary}").format(summary=tables.summary())
    changed_outside = _("a row was changed outside sosa; `sosa db check --json` lists every difference; compare with a backup and report it")
    entries = count(result.rows, "{n} entry", "{n} entries")
    if against is None:
        if not tables.ok:
            raise SosaError(differ, hint=changed_outside)
        message(_("Audit trail intact: {entries}, each chained to the one before; {tables}.").format(entries=entries, tables=tables.summary()))
        return
    from ..store import open_backup, short_hash, trail_extends

    copy = open_backup(against)
    try:
        own = verify(copy)
        if not own.ok:
            raise SosaError(
                _("the backup's audit entry {id} is broken: {problem}").format(id=own.broken_at, problem=own.problem),
                hint=_("this copy cannot vouch for the live trail; verify against another backup"),
            )
        extension = trail_extends(conn, copy)
    finally:
        copy.close()
    if not extension.ok:
        # A trail cut back also leaves rows it no longer accounts for: the backup's finding first.
        parted = _("the live audit trail does not extend the backup {copy}: {problem}").format(copy=copy.path, problem=extension.problem)
        raise SosaError(
            parted if tables.ok else _("; ").join([parted, differ]),
            hint=_("the live trail lost or changed entries the backup holds; compare the two with `sosa log` and report it"),
        )
    if not tables.ok:
        raise SosaError(differ, hint=changed_outside)
    if extension.backup_entries:
        head = _("#{id}, hash {hash}").format(id=extension.backup_entries, hash=short_hash(extension.backup_head_hash))
    else:
        head = _("no entries")
    message(
        ngettext(
            "Audit trail intact: {entries}, each chained to the one before; {tables}; it extends the backup {copy} (up to {head}) with {n} entry since.",
            "Audit trail intact: {entries}, each chained to the one before; {tables}; it extends the backup {copy} (up to {head}) with {n} entries since.",
            extension.beyond,
        ).format(entries=entries, tables=tables.summary(), copy=copy.path, head=head, n=extension.beyond)
    )


LOG_COLUMNS = [("id", "#"), ("at", N_("When")), ("user", N_("Who")), ("action", C_("audit", "Action")), ("record", N_("Record")), ("change", N_("Change"))]


@app.command()
def log(
    record: Annotated[str | None, typer.Argument(help="A record key (C-0001, L-0003, …); all records if omitted.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="How many of the latest entries, without RECORD.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the audit trail: a record's whole history, or the latest entries.

    Example: sosa log C-0001
    """
    from ..keys import normalise_key
    from ..register import get_company
    from .history import entries as history
    from .history import rows as history_rows

    conn = open_desk(db, create=False)
    key = normalise_key(record) if record else None
    if record and (key is None or key[0] == "C"):  # a company is also found by its 法人番号
        key = get_company(conn, record).key
    entries = history(conn, key, limit=limit)
    if as_json:
        print_json([e.as_dict() for e in entries])
        return
    title = _("History of {key}").format(key=key) if key else _("Latest audit entries")
    print_table(history_rows(entries), LOG_COLUMNS, title=title, empty=_("no entries"))


def _end_quietly() -> NoReturn:
    """`sosa company list | head -1`: the reader has what it wanted and left.

    Python's docs (signal module, "Note on SIGPIPE"): point stdout at devnull so the
    flush at exit cannot fail again; end as a tool killed by SIGPIPE would (128 + 13),
    without a word, so `set -o pipefail` still sees that the output was cut short.
    """
    silence_stdout()
    raise SystemExit(141)


def run() -> None:
    """Console-script entry point."""
    try:
        try:
            app(prog_name="sosa")
        finally:
            # What is still buffered must fail here, where it is handled, and not at
            # interpreter exit ("Exception ignored … BrokenPipeError", exit status 120).
            sys.stdout.flush()
    except BrokenPipeError:  # found by the last flush
        _end_quietly()
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRNOS:
            raise
        silence_stdout()
        _fail(_("cannot write the output: {error}").format(error=strerror(exc)))
        sys.exit(1)
