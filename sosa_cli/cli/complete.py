"""Shell completion and `--help` for values: the fixed values of options (statuses, kinds,
formats, recipients, decisions, urgency, action) and record keys from the database.

Nothing here is imported until a command is looked up, and the value lists are read from
the domain only when help is printed or a value completed: start-up stays as it was. An
officer's bad value still gets the domain's one-line error (the option stays a string).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def _cycle(name: str) -> Callable[[], Sequence[str]]:
    def states() -> Sequence[str]:
        from .. import lifecycle

        return tuple(getattr(lifecycle, name).states)

    return states


def _constant(module: str, name: str) -> Callable[[], Sequence[str]]:
    def values() -> Sequence[str]:
        import importlib

        return tuple(getattr(importlib.import_module(f"sosa_cli.{module}"), name))

    return values


LETTER_FORMATS = _constant("letters.register", "FORMATS")

# (command, parameter) → its values. The command is its path under `sosa`.
CHOICES: dict[tuple[str, str], Callable[[], Sequence[str]]] = {
    ("company list", "status"): _cycle("COMPANY"),
    ("company export", "to"): _constant("exporting", "TARGETS"),
    ("company export", "fmt"): _constant("exporting", "FORMATS"),
    ("company export", "encoding"): _constant("exporting", "ENCODINGS"),
    ("enroll", "file_format"): _constant("importing", "FILE_FORMATS"),
    ("delay add", "file_format"): _constant("importing", "FILE_FORMATS"),
    ("delay list", "status"): _cycle("DELAY"),
    ("delay close", "reason"): _constant("delays", "CLOSE_REASONS"),
    ("request open", "action"): _constant("requests", "ACTIONS"),
    ("request open", "urgency"): _constant("requests", "URGENCIES"),
    ("request update", "status"): _constant("requests", "OPEN_STATES"),
    ("request close", "outcome"): _constant("requests", "OUTCOMES"),
    ("request list", "status"): _cycle("REQUEST"),
    ("request send", "fmt"): LETTER_FORMATS,
    ("ask list", "status"): _cycle("ASK"),
    ("ask respond", "decision"): _constant("asks", "DECISIONS"),
    ("letter render", "kind"): _constant("letters.kinds", "KINDS"),
    ("letter list", "kind"): _constant("letters.kinds", "KINDS"),
    ("letter list", "status"): _cycle("LETTER"),
}
# Any other `--format` of a letter-writing command takes the letter formats.
LETTER_COMMANDS = ("relay", "ask remind", "ask reply", "request send", "request close")

# Parameters that name a record, by name: the kind of key they take (None: any record).
KEYS: dict[str, str | None] = {"company": "C", "delay": "D", "delays": "D", "request": "R", "ask": "A", "letter": "L", "record": None}
# `--to` names companies on `relay`.
KEY_OPTIONS = {("relay", "to"): "C"}

_DESCRIBE = {
    "C": "SELECT key, name_ja FROM companies",
    "D": "SELECT key, coalesce(part_number, description, '') FROM delays",
    "R": "SELECT key, status FROM requests",
    "A": "SELECT key, dod_ref FROM asks",
    "L": "SELECT key, coalesce(doc_number, kind) FROM letters",
}


def attach(command: Any, path: str) -> None:
    """Give the parameters of `command` (named `path` under sosa) their values in help
    and completion, and record-key completion where they name a record."""
    for param in command.params:
        name = param.name or ""
        values = CHOICES.get((path, name))
        if values is None and name == "fmt" and path in LETTER_COMMANDS and getattr(param.type, "name", "") in ("text", "str"):
            values = LETTER_FORMATS
        if values is not None:
            _offer(param, values)
            continue
        if (path, name) in KEY_OPTIONS or name in KEYS:
            prefix = KEY_OPTIONS.get((path, name), KEYS.get(name))
            param._custom_shell_complete = _keys(prefix)


def _offer(param: Any, values: Callable[[], Sequence[str]]) -> None:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        return [v for v in values() if v.startswith(incomplete.lower())]

    param._custom_shell_complete = complete
    if param.param_type_name == "option":
        # `--status [applied|enrolled|…]` in --help, as click.Choice shows it.
        param.make_metavar = lambda ctx=None, **_: "[" + "|".join(values()) + "]"


def _keys(prefix: str | None) -> Callable[..., list[Any]]:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[Any]:
        try:
            return record_keys(_database(ctx), prefix, incomplete)
        except Exception:  # completion never fails loudly: nothing is offered
            return []

    return complete


def _database(ctx: Any) -> Any:
    """The database the command line names: its --db, the top level's, else SOSA_DB or the default."""
    from ..store import resolve_path

    while ctx is not None:
        if ctx.params.get("db"):
            return resolve_path(ctx.params["db"])
        ctx = ctx.parent
    return resolve_path(None)


def record_keys(path: Any, prefix: str | None, incomplete: str) -> list[Any]:
    """The keys starting with `incomplete`, each with what it is, from the database opened
    read-only (a missing database offers nothing and is not created)."""
    import sqlite3

    from .clicks import CompletionItem

    if not path.is_file():
        return []
    from ..errors import SosaError
    from ..store import refuse_network_share

    try:  # a database on a network share is not read, even for a completion (store.py)
        refuse_network_share(path)
    except SosaError:
        return []
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    try:
        found = []
        for kind in [prefix] if prefix else list(_DESCRIBE):
            if not kind:
                continue
            query = _DESCRIBE[kind] + " WHERE key LIKE ? ORDER BY key"
            found += [CompletionItem(key, help=str(what or "")) for key, what in conn.execute(query, (incomplete.upper() + "%",))]
        return found
    finally:
        conn.close()
