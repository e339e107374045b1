"""The maintainers' workflow for sosa's Japanese catalog (issue 13 §1), with Babel.

    python tools/messages.py extract     # sosa_cli/locale/sosa.pot from the code and the command tree
    python tools/messages.py update      # the ja catalog (.po) takes in new messages, keeps translations
    python tools/messages.py check [FILE…]  # messages with no Japanese yet (only those in FILE…)
    python tools/messages.py compile     # the .mo that ships in the package
    python tools/messages.py merge PART.po…  # add the translations of other .po files to the ja catalog

A change that adds or rewords a message: `extract`, `update`, translate in the `.po`,
`compile`, commit all four files. tests/test_i18n.py fails when a message has no Japanese
or the compiled catalog is older than the `.po`.
"""

from __future__ import annotations

import contextlib
import fcntl
import inspect
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sosa_cli"
POT = PACKAGE / "locale" / "sosa.pot"
PO = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "sosa.po"
MO = PO.with_suffix(".mo")

# `_`, `N_` and `ngettext` as gettext has them; `count(n, "{n} company", "{n} companies")`
# (words.py) is an ngettext whose forms are its second and third arguments.
KEYWORDS = {"_": None, "N_": None, "C_": ((1, "c"), 2), "ngettext": (1, 2), "count": (2, 3)}

# A message in the code: (msgid, plural or None, where, context or None).
Found = tuple[str, str | None, str, str | None]


def code_messages() -> Iterator[Found]:
    """Every marked message in sosa_cli/, by Babel's Python extractor."""
    from babel.messages.extract import extract_from_dir

    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        where = f"sosa_cli/{filename}:{lineno}"
        if isinstance(message, tuple):
            yield message[0], message[1], where, context
        else:
            yield message, None, where, context


def help_messages() -> Iterator[Found]:
    """Every help text of every command and option, from the command tree the CLI builds."""
    sys.path.insert(0, str(ROOT))
    from typer.main import get_command

    from sosa_cli.cli.clicks import Context
    from sosa_cli.cli.language import all_commands, texts
    from sosa_cli.cli.main import LAZY, app
    from sosa_cli.i18n import use

    use("en")
    top = get_command(app)
    ctx = Context(top, info_name="sosa")
    for command in all_commands(top, ctx):
        where = f"help of sosa {command.name}"
        if command.callback is not None:
            code = inspect.unwrap(command.callback).__code__
            where = f"{Path(code.co_filename).resolve().relative_to(ROOT)}:{code.co_firstlineno}"
        for text in texts(command):
            yield text, None, where, None
    for _module, _attribute, line in LAZY.values():
        yield line, None, "sosa --help", None


def all_messages() -> list[Found]:
    return [*code_messages(), *help_messages()]


def catalog_of(found: Iterable[Found]):
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="sosa", domain="sosa", charset="utf-8")
    for msgid, plural, where, context in found:
        path, _, line = where.partition(":")
        location = (path, int(line)) if line.isdigit() else (where, 0)
        catalog.add((msgid, plural) if plural else msgid, locations=[location], context=context)
    return catalog


def read_po(path: Path = PO):
    from babel.messages.pofile import read_po as read

    with path.open("rb") as handle:
        return read(handle, locale="ja", domain="sosa")


def write_po(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po as write

    path.parent.mkdir(parents=True, exist_ok=True)
    # A message the code no longer has is dropped, not kept as a `#~` comment: git keeps it.
    with path.open("wb") as handle:
        write(handle, catalog, width=100, sort_output=False, omit_header=False, ignore_obsolete=True)


def compiled(catalog) -> bytes:
    """The .mo of `catalog`, as `compile` writes it (no fuzzy translations)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(catalog, found: Iterable[Found]) -> list[Found]:
    """The messages of `found` the catalog has no (or only a fuzzy) Japanese for."""
    missing = []
    for msgid, plural, where, context in found:
        entry = catalog.get(msgid, context=context)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple):
            strings = strings[0]
        if entry is None or entry.fuzzy or not strings:
            missing.append((msgid, plural, where, context))
    return missing


def extract() -> None:
    write_po(catalog_of(all_messages()), POT)
    print(f"wrote {POT.relative_to(ROOT)}")


def update() -> None:
    from babel.messages.catalog import Catalog

    template = catalog_of(all_messages())
    with locked():
        catalog = read_po() if PO.exists() else Catalog(locale="ja", domain="sosa", project="sosa")
        catalog.update(template, no_fuzzy_matching=True)
        write_po(catalog, PO)
    print(f"updated {PO.relative_to(ROOT)}: {len(untranslated(catalog, all_messages()))} messages without Japanese")


def check(files: list[str]) -> int:
    missing = untranslated(read_po(), all_messages())
    if files:
        missing = [m for m in missing if any(f in m[2] for f in files)]
    for msgid, plural, where, context in missing:
        print(f"{where}: {msgid!r}" + (f" / {plural!r}" if plural else "") + (f" (context {context!r})" if context else ""))
    print(f"{len(missing)} messages without Japanese")
    return 1 if missing else 0


def compile_mo() -> None:
    MO.write_bytes(compiled(read_po()))
    print(f"wrote {MO.relative_to(ROOT)}")


@contextlib.contextmanager
def locked() -> Iterator[None]:
    """One writer of the ja catalog at a time (several maintainers' tools may merge at once)."""
    with (PO.parent / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def merge(parts: list[str]) -> None:
    """Add each part's translations to the ja catalog (a part's entry wins), then compile."""
    with locked():
        _merge(parts)
        compile_mo()


def _merge(parts: list[str]) -> None:
    catalog = read_po()
    for part in parts:
        for entry in read_po(Path(part)):
            if not entry.id or not entry.string:
                continue
            mine = catalog.get(entry.id, context=entry.context)
            if mine is None:
                catalog.add(entry.id, entry.string, locations=entry.locations, context=entry.context)
            elif not mine.string or mine.fuzzy or mine.string != entry.string:
                mine.string = entry.string
                mine.flags.discard("fuzzy")
    write_po(catalog, PO)
    print(f"merged {len(parts)} part(s) into {PO.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "check":
        return check(rest)
    elif command == "compile":
        compile_mo()
    elif command == "merge":
        merge(rest)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
