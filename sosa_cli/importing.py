"""Reading officers' files safely: YAML, CSV and Excel.

`yaml.safe_load` turns `NO` into False, `010` into 8 and `12:30` into 750, and keeps the
last of two duplicate keys without a word (NOTES.md). Here the file is composed with
the C base loader, so every scalar stays the text the officer typed, and the node tree
is walked by hand: duplicate keys and aliases (the "billion laughs" bomb) are refused,
and every value keeps its line number for error messages.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from .errors import SosaError
from .i18n import _

MAX_BYTES = 50 * 1024 * 1024
# What the base loader gives untagged nodes; any explicit tag (!!python/object, !!int) is refused.
PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


@dataclass
class Document:
    """One record read from a file: its values (text, lists, mappings) and their lines."""

    values: Any
    lines: dict[str, int]


def _loader():
    import yaml

    return getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def read_text(data: bytes, source: str) -> str:
    if len(data) > MAX_BYTES:
        raise SosaError(
            _("{source}: {size} bytes is too large for one file (at most {most})").format(source=source, size=f"{len(data):,}", most=f"{MAX_BYTES:,}")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SosaError(
            _("{source}: not UTF-8 text (byte {byte} cannot be read)").format(source=source, byte=exc.start), hint=_("save the file as UTF-8")
        ) from None


def compose(text: str, source: str):
    import yaml

    try:
        return yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = ", ".join(part for part in (exc.context, exc.problem) if part)
        raise SosaError(_("{where}: malformed YAML: {detail}").format(where=f"{source}{line}", detail=what)) from None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        raise SosaError(_("{where}: malformed YAML: {detail}").format(where=source, detail=str(exc).splitlines()[0])) from None


class _Walker:
    """Turns the node tree into text, lists and mappings, keeping each value's line."""

    def __init__(self, source: str):
        import yaml

        self.source = source
        self.seen: set[int] = set()
        self.scalar, self.sequence, self.mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode

    def value(self, node: Any, path: str, lines: dict[str, int]) -> Any:
        source = self.source
        # A mapping's value is reported at its key's line, set by the caller.
        line = lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.seen:
            # The composer hands back the same node for every alias of an anchor.
            raise SosaError(_("{where}: anchors and aliases (&, *) are not accepted; write the values out").format(where=f"{source}:{line}"))
        self.seen.add(id(node))
        if node.tag not in PLAIN_TAGS:
            raise SosaError(
                _("{where}: {path}: YAML tags such as {tag} are not accepted").format(where=f"{source}:{line}", path=path or _("value"), tag=node.tag)
            )
        kind = node.__class__
        if kind is self.scalar:
            return node.value
        prefix = f"{path}." if path else ""
        if kind is self.sequence:
            return [self.value(item, f"{prefix}{i}", lines) for i, item in enumerate(node.value, start=1)]
        if kind is self.mapping:
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not self.scalar:
                    raise SosaError(_("{where}: a key must be plain text").format(where=f"{source}:{key_node.start_mark.line + 1}"))
                key = key_node.value
                child = prefix + key
                if key in result:
                    raise SosaError(
                        _("{where}: {key}: duplicate key (first given at line {line})").format(
                            where=f"{source}:{key_node.start_mark.line + 1}", key=key, line=lines.get(child)
                        )
                    )
                lines[child] = key_node.start_mark.line + 1
                result[key] = self.value(value_node, child, lines)
            return result
        raise SosaError(_("{where}: unsupported YAML node").format(where=f"{source}:{line}"))


def read_records(data: bytes, source: str) -> list[Document]:
    """The records in a file holding one mapping or a list of mappings."""
    root = compose(read_text(data, source), source)
    if root is None:
        raise SosaError(_("{source}: the file holds no records").format(source=source))
    import yaml

    walker = _Walker(source)
    items = root.value if isinstance(root, yaml.SequenceNode) else [root]
    documents = []
    for node in items:
        lines: dict[str, int] = {}
        values = walker.value(node, "", lines)
        if not isinstance(values, dict):
            if isinstance(values, list):
                wrong = _("{where}: expected a record (a mapping such as `name_ja: …`), found a list")
            else:
                wrong = _("{where}: expected a record (a mapping such as `name_ja: …`), found plain text")
            raise SosaError(wrong.format(where=f"{source}:{lines['']}"))
        documents.append(Document(values, lines))
    return documents


# --- CSV and Excel ---------------------------------------------------------------------
# A spreadsheet reaches the desk as UTF-8 (with or without a BOM, as Excel's "CSV UTF-8"
# writes it) or as CP932 (Windows Shift_JIS, Excel's plain "CSV"), or as an .xlsx
# workbook. Rows are read one at a time, never the whole file at once.

TABULAR = ("csv", "xlsx")
FILE_FORMATS = ("yaml", "csv", "xlsx")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}
# The largest integer a spreadsheet's number (an IEEE double) holds exactly: every
# 13-digit 法人番号 typed as a number is below it, so it is recovered digit for digit.
EXACT_INTEGER = 2**53
_CHUNK = 1 << 20


def file_format(name: str, given: str | None) -> str:
    """The format of `name`: `--format` if given (needed for standard input), else its extension."""
    if given is not None:
        fmt = given.lower().lstrip(".")
        fmt = "yaml" if fmt == "yml" else fmt
        if fmt not in FILE_FORMATS:
            raise SosaError(_("{value!r} is not a file format").format(value=given), hint=_("use --format {choices}").format(choices=", ".join(FILE_FORMATS)))
        return fmt
    from pathlib import PurePath

    suffix = PurePath(name).suffix.lower() if name != "-" else ""
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers"):
        raise SosaError(
            _("{name}: sosa reads .xlsx workbooks, not {suffix}").format(name=name, suffix=suffix),
            hint=_("save it from Excel as .xlsx (Excel ブック), or as CSV UTF-8"),
        )
    # Any other name is YAML, as sosa has always read it (standard input too, unless --format says).
    return EXTENSIONS.get(suffix, "yaml")


def text_encoding(stream, source: str) -> str:
    """`utf-8-sig` or `cp932`, whichever decodes the whole stream (UTF-8 tried first, strictly).

    Reads the stream through once in chunks (an incremental decoder: no copy of the file
    in memory) and rewinds it. A file in neither is refused in one line.
    """
    import codecs

    for encoding in ("utf-8-sig", "cp932"):
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        offset = 0
        try:
            while chunk := stream.read(_CHUNK):
                if b"\x00" in chunk:
                    raise SosaError(
                        _("{source}: holds NUL bytes (UTF-16 text?), not a CSV file in UTF-8 or Shift_JIS (CP932)").format(source=source),
                        hint=_("save it as CSV UTF-8 from Excel"),
                    )
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            bad = offset + exc.start
            continue
        stream.seek(0)
        return encoding
    raise SosaError(
        _("{source}: neither UTF-8 nor Shift_JIS (CP932) text (byte {byte} cannot be read in either)").format(source=source, byte=f"{bad:,}"),
        hint=_("save it as CSV UTF-8 from Excel"),
    )


def column_letter(index: int) -> str:
    """A spreadsheet's name for the column at `index` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def csv_rows(stream, source: str):
    """The rows of a CSV file (binary stream) as lists of text, the header first."""
    import csv
    import io

    encoding = text_encoding(stream, source)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    except csv.Error as exc:
        raise SosaError(_("{source}: malformed CSV: {detail}").format(source=source, detail=exc)) from None
    finally:
        # Hand the stream back to its owner open (it closes it); a generator left behind
        # may finish after that owner already closed it.
        with contextlib.suppress(ValueError):
            text.detach()


def xlsx_rows(stream, source: str):
    """The rows of a workbook's first sheet as lists of cell values, read in read-only mode."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SosaError(
            _("{source}: not an Excel workbook (.xlsx) ({detail})").format(source=source, detail=exc), hint=_("save it from Excel as .xlsx, or as CSV UTF-8")
        ) from None
    try:
        sheet = book.worksheets[0]
        yield from (list(row) for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def cell_text(value: Any, *, number_as_text: bool = True) -> str | None:
    """A cell as the text an officer typed: a date as ISO, a whole number without `.0`.

    A number too large to be exact (beyond 2**53) or with a fraction is given as Python
    writes it, and the field's rule refuses it. `number_as_text=False` (a phone number)
    refuses numbers: a phone typed as a number has lost its leading 0.
    """
    from datetime import date, datetime

    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if not number_as_text:
            raise SosaError(
                _("was typed as a number ({value}), which drops a leading 0; format the column as text (文字列) and type it again").format(value=f"{value:g}")
            )
        if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_INTEGER:
            return str(int(value))
        return str(value)
    return str(value)
