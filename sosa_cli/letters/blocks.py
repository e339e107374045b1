"""What a letter is made of, read from its wording: the one description every format is drawn from.

A kind's wording is one Jinja template (`templates/<language>/<kind>.xml.j2`) that
extends its language's letterhead and renders to a small XML vocabulary. The values are
escaped as they are filled in (Jinja's autoescape), so a company called `A & <B>` is
text, never markup. The XML is read here into blocks; `text.py`, `html.py` and
`word.py` lay the blocks out as Markdown, HTML and Word, and a PDF is the HTML printed.
A sentence changed in the wording therefore changes every format at once.

The vocabulary (every element may carry only the attributes named):

    <letter lang="ja|en">            the whole letter
    <line align="left|right|center" bold="yes" rule="yes">   one line of the frame
    <space/>                          an empty line
    <subject prefix="SUBJECT: ">      the 件名 / SUBJECT line (its text is the register's subject)
    <p>                               a body paragraph (Japanese: first line indented one 字)
    <para>                            a numbered paragraph of an English letter: 1., 2., …;
                                      text first, then any <items>, <facts> or <grid> it holds
    <ki>記</ki>                       the centred 記 that opens the itemised part
    <items>  <item label="…">         numbered items: 1　 then （1） then ア (Japanese),
                                      1. then (a) then (i) (English); an item holds text,
                                      then any <items>, <facts> or <grid>
    <facts>  <fact label="…">         a ruled table of label and value (one item's particulars)
    <grid>   <head><cell nowrap="yes" width="30">…</cell>…</head>
             <row><cell>…</cell>…</row>   a ruled table with a header row
    <closing>以上</closing>           flush right, kept with what comes before it
    <block align="right|left">        lines kept together (the 担当 block, the signature);
             <line>…</line>…</block>  `align="right"` sets the block against the right margin
    <br/>                             a line break inside any text

Text is joined across the template's source lines: in Japanese a line break and the
indentation after it vanish, in English they become one space, so a long sentence may be
written over several lines of the template.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import SosaError
from ..i18n import _

LANGUAGES = ("ja", "en")
ALIGNS = ("left", "right", "center")


# --- the blocks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    align: str = "left"
    bold: bool = False
    rule: bool = False  # a rule under the line (the English letterhead)


@dataclass(frozen=True)
class Space:
    pass


@dataclass(frozen=True)
class Subject:
    text: str
    prefix: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; `number` is set on the numbered paragraphs of English letters."""

    text: str
    number: str = ""
    children: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Item:
    number: str  # as printed: "1", "（1）", "ア", "1.", "(a)"
    label: str
    text: str
    depth: int  # 1, 2, 3
    children: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Items:
    entries: tuple[Item, ...]
    depth: int


@dataclass(frozen=True)
class Facts:
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    header: str
    width: float | None = None  # mm; None shares out what is left
    nowrap: bool = False  # dates, quantities, outcomes: never broken inside


@dataclass(frozen=True)
class Grid:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Ki:
    text: str


@dataclass(frozen=True)
class Closing:
    text: str


@dataclass(frozen=True)
class Group:
    """Lines kept together on one page; `right` sets the block against the right margin."""

    lines: tuple[str, ...]
    align: str = "left"


Block = Line | Space | Subject | Paragraph | Items | Facts | Grid | Ki | Closing | Group


@dataclass(frozen=True)
class Letter:
    language: str
    subject: str
    blocks: tuple[Block, ...] = field(default=())

    def walk(self) -> Iterator[Block]:
        """Every block, nested ones included, in reading order."""

        def visit(blocks: tuple[Block, ...]) -> Iterator[Block]:
            for block in blocks:
                yield block
                if isinstance(block, Paragraph):
                    yield from visit(block.children)
                elif isinstance(block, Items):
                    for item in block.entries:
                        yield from visit(item.children)

        return visit(self.blocks)

    def text(self) -> str:
        """All the words of the letter, in reading order (for checks such as 'no Japanese')."""
        parts: list[str] = []
        for block in self.walk():
            if isinstance(block, Line | Subject | Ki | Closing):
                parts.append(getattr(block, "prefix", "") + block.text)
            elif isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, Items):
                parts.extend(f"{i.label} {i.text}" for i in block.entries)
            elif isinstance(block, Facts):
                parts.extend(f"{label} {value}" for label, value in block.rows)
            elif isinstance(block, Grid):
                parts.extend(c.header for c in block.columns)
                parts.extend(" ".join(row) for row in block.rows)
            elif isinstance(block, Group):
                parts.extend(block.lines)
        return "\n".join(parts)


# --- numbering --------------------------------------------------------------------------------

_IROHA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]


def _full_width(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def item_number(language: str, depth: int, n: int) -> str:
    """公用文 numbering: 1, then （1）, then ア (the printed 「1　」 adds the full-width space);
    English: 1., then (a), then (i)."""
    if language == "ja":
        if depth == 1:
            return str(n)
        if depth == 2:
            return f"（{n}）"
        return _IROHA[n - 1] if n <= len(_IROHA) else f"（{_full_width(n)}）"
    if depth == 1:
        return f"{n}."
    if depth == 2:
        letter = "abcdefghijklmnopqrstuvwxyz"[n - 1] if n <= 26 else str(n)
        return f"({letter})"
    return f"({_ROMAN[n - 1]})" if n <= len(_ROMAN) else f"({n})"


# --- reading the XML --------------------------------------------------------------------------


class LetterMarkupError(SosaError):
    pass


_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "letter": ("lang",),
    "line": ("align", "bold", "rule"),
    "space": (),
    "subject": ("prefix",),
    "p": (),
    "para": (),
    "ki": (),
    "items": (),
    "item": ("label",),
    "facts": (),
    "fact": ("label",),
    "grid": (),
    "head": (),
    "row": (),
    "cell": ("nowrap", "width"),
    "closing": (),
    "block": ("align",),
    "br": (),
}
_LAYOUT = " \t\r\n"
_BREAK = "\u2028"  # a <br/> while the source's own line breaks are joined
# Elements that may hold blocks after their text.
_NESTED = ("items", "facts", "grid")


class _Reader:
    def __init__(self, source: str, language: str, where: str):
        self.source = source
        self.where = where
        self.language = language
        self.paragraphs = 0

    def fail(self, element: ET.Element | None, message: str) -> LetterMarkupError:
        if element is None:
            return LetterMarkupError(_("{where}: {problem}").format(where=self.where, problem=message))
        return LetterMarkupError(_("{where} (<{tag}>): {problem}").format(where=self.where, tag=element.tag, problem=message))

    def check(self, element: ET.Element) -> None:
        allowed = _ATTRIBUTES.get(element.tag)
        if allowed is None:
            raise self.fail(None, _("<{tag}> is not part of a letter").format(tag=element.tag))
        for name in element.attrib:
            if name not in allowed:
                raise self.fail(element, _("has no attribute {name!r}").format(name=name))

    # Text -------------------------------------------------------------------------------

    def join(self, raw: str) -> str:
        """Source line breaks vanish (Japanese) or become one space (English)."""
        glue = "" if self.language == "ja" else " "
        text = re.sub(r"[ \t]*\n[ \t\u3000]*", glue, raw)
        if self.language == "en":
            text = re.sub(r"[ \t]{2,}", " ", text)
        return text

    def text(self, element: ET.Element, *, stop_at_blocks: bool = False) -> tuple[str, list[ET.Element]]:
        """The element's text (with <br/> as a newline), and its block children if allowed."""
        pieces = [element.text or ""]
        blocks: list[ET.Element] = []
        for child in element:
            self.check(child)
            if child.tag == "br" and not blocks:
                pieces.append(_BREAK)
                pieces.append(child.tail or "")
            elif stop_at_blocks and child.tag in _NESTED:
                blocks.append(child)
                if (child.tail or "").strip():
                    raise self.fail(element, _("text after a table or list inside it; start a new paragraph instead"))
            else:
                raise self.fail(element, _("may not contain <{tag}>").format(tag=child.tag))
        # Strip what the template's layout adds, not the full-width spaces a line may
        # start with on purpose (the 担当 block's indent).
        joined = "\n".join(self.join(part).strip(_LAYOUT) for part in "".join(pieces).split(_BREAK))
        return joined.strip(_LAYOUT), blocks

    def plain(self, element: ET.Element) -> str:
        return self.text(element)[0]

    def flag(self, element: ET.Element, name: str) -> bool:
        value = element.get(name)
        if value is None:
            return False
        if value not in ("yes", "no"):
            raise self.fail(element, _('{name}="{value}": use yes or no').format(name=name, value=value))
        return value == "yes"

    def align(self, element: ET.Element) -> str:
        value = element.get("align", "left")
        if value not in ALIGNS:
            raise self.fail(element, _('align="{value}": use left, right or center').format(value=value))
        return value

    # Blocks ------------------------------------------------------------------------------

    def blocks(self, parent: ET.Element, depth: int = 0) -> list[Block]:
        out: list[Block] = []
        stray = (parent.text or "").strip()
        if stray and parent.tag == "letter":
            raise self.fail(parent, _("text outside any paragraph: {text!r}").format(text=stray[:30]))
        for element in parent:
            self.check(element)
            stray = (element.tail or "").strip()
            if stray:
                raise self.fail(parent, _("text outside any paragraph: {text!r}").format(text=stray[:30]))
            out.append(self.block(element, depth))
        return out

    def block(self, element: ET.Element, depth: int) -> Block:
        tag = element.tag
        if tag == "line":
            return Line(self.plain(element), self.align(element), self.flag(element, "bold"), self.flag(element, "rule"))
        if tag == "space":
            return Space()
        if tag == "subject":
            return Subject(self.plain(element).replace("\n", ""), element.get("prefix", ""))
        if tag == "p":
            return Paragraph(self.plain(element))
        if tag == "para":
            self.paragraphs += 1
            body, nested = self.text(element, stop_at_blocks=True)
            # Lists under a numbered paragraph are its sub-points: (a), (b), …
            return Paragraph(body, f"{self.paragraphs}.", tuple(self.block(n, depth + 1) for n in nested))
        if tag == "ki":
            return Ki(self.plain(element))
        if tag == "closing":
            return Closing(self.plain(element))
        if tag == "block":
            lines = []
            for child in element:
                if child.tag != "line":
                    raise self.fail(element, _("holds only <line> elements, not <{tag}>").format(tag=child.tag))
                self.check(child)
                lines.append(self.plain(child))
            return Group(tuple(lines), self.align(element))
        if tag == "items":
            return self.items(element, depth + 1)
        if tag == "facts":
            rows = []
            for child in element:
                if child.tag != "fact":
                    raise self.fail(element, _("holds only <fact> elements, not <{tag}>").format(tag=child.tag))
                self.check(child)
                rows.append((child.get("label", ""), self.plain(child)))
            return Facts(tuple(rows))
        if tag == "grid":
            return self.grid(element)
        raise self.fail(element, _("belongs inside another element"))

    def items(self, element: ET.Element, depth: int) -> Items:
        if depth > 3:
            raise self.fail(element, _("items nest three deep at most (1, （1）, ア)"))
        entries = []
        for n, child in enumerate(element, start=1):
            if child.tag != "item":
                raise self.fail(element, _("holds only <item> elements, not <{tag}>").format(tag=child.tag))
            self.check(child)
            body, nested = self.text(child, stop_at_blocks=True)
            children = tuple(self.items(x, depth + 1) if x.tag == "items" else self.block(x, depth) for x in nested)
            entries.append(Item(item_number(self.language, depth, n), child.get("label", ""), body, depth, children))
        return Items(tuple(entries), depth)

    def grid(self, element: ET.Element) -> Grid:
        heads = [c for c in element if c.tag == "head"]
        if len(heads) != 1 or element[0].tag != "head":
            raise self.fail(element, _("starts with one <head> row"))
        columns = []
        for cell in heads[0]:
            if cell.tag != "cell":
                raise self.fail(heads[0], _("holds only <cell> elements, not <{tag}>").format(tag=cell.tag))
            self.check(cell)
            width = cell.get("width")
            try:
                mm = float(width) if width is not None else None
            except ValueError:
                raise self.fail(cell, _('width="{width}" is not a number of millimetres').format(width=width)) from None
            columns.append(Column(self.plain(cell), mm, self.flag(cell, "nowrap")))
        rows = []
        for row in list(element)[1:]:
            if row.tag != "row":
                raise self.fail(element, _("holds <head> then <row> elements, not <{tag}>").format(tag=row.tag))
            self.check(row)
            cells = []
            for cell in row:
                if cell.tag != "cell":
                    raise self.fail(row, _("holds only <cell> elements, not <{tag}>").format(tag=cell.tag))
                self.check(cell)
                cells.append(self.plain(cell))
            if len(cells) != len(columns):
                raise self.fail(
                    row,
                    _("has {cells} cells for {n} columns").format(cells=len(cells), n=len(columns)),
                )
            rows.append(tuple(cells))
        return Grid(tuple(columns), tuple(rows))


def parse(source: str, *, where: str | None = None) -> Letter:
    """Read a rendered wording template into a Letter; a malformed one is a one-line error."""
    where = where or _("the letter")
    try:
        root = ET.fromstring(source)
    except ET.ParseError as exc:
        line, column = exc.position
        text_line = source.splitlines()[line - 1].strip() if 0 < line <= len(source.splitlines()) else ""
        raise LetterMarkupError(
            _("{where} is not well-formed after filling in: line {line}, column {column}: {text!r}").format(
                where=where, line=line, column=column, text=text_line[:60]
            ),
            hint=_("check that every <element> is closed and that the template writes & < > only through fields"),
        ) from None
    if root.tag != "letter":
        raise LetterMarkupError(_("{where} must be one <letter> element, not <{tag}>").format(where=where, tag=root.tag))
    language = root.get("lang", "")
    if language not in LANGUAGES:
        raise LetterMarkupError(_('{where}: <letter lang="{language}">: use ja or en').format(where=where, language=language))
    reader = _Reader(source, language, where)
    blocks = tuple(reader.blocks(root))
    subjects = [b for b in blocks if isinstance(b, Subject)]
    if len(subjects) != 1:
        raise LetterMarkupError(_("{where} needs exactly one <subject>, not {n}").format(where=where, n=len(subjects)))
    return Letter(language, subjects[0].text, blocks)


# --- the subject line --------------------------------------------------------------------------

# Where a Japanese subject may break: after a phrase that ends a modifier (strong), else
# after a particle (weak); never inside a word, a Latin name, or the closing （通知）.
_STRONG_BREAKS = ("からの", "に係る", "に基づく", "に関する", "における", "に対する", "による")
_WEAK_BREAKS = ("の", "を", "、", "への", "及び")
SUBJECT_WIDTH_JA = 30  # full-width characters a centred 件名 line holds (4 字 margins each side)


# Names a line never breaks inside: the arrangement's name as ATLA writes it.
UNBREAKABLE = ("防衛装備品等の供給の安定化に係る取決め（SoSA）", "防衛装備品等の供給の安定化に係る取決め")


def _breaks(text: str, endings: tuple[str, ...], limit: int) -> list[int]:
    inside: set[int] = set()
    for name in UNBREAKABLE:
        for found in re.finditer(re.escape(name), text):
            inside.update(range(found.start() + 1, found.end()))
    return [i for i in range(1, limit + 1) if i not in inside and any(text[:i].endswith(e) for e in endings)]


def subject_lines(text: str, language: str, width: int = SUBJECT_WIDTH_JA) -> tuple[str, ...]:
    """A Japanese 件名 cut into centred lines at phrase boundaries; English as one line.

    Every format prints these same lines, so a subject breaks at the same place in the
    Markdown, HTML, PDF and Word letter, and never inside 「（依頼）」 or a word. Among the
    places a line may end, a strong phrase boundary wins over a particle, and then the
    cut that leaves the longest line shortest.
    """
    if language != "ja" or len(text) <= width:
        return (text,)
    tail = re.search(r"（[^（）]*）$", text)
    limit = min(width, tail.start() if tail else len(text), len(text) - 1)
    for endings in (_STRONG_BREAKS, _WEAK_BREAKS):
        candidates = [i for i in _breaks(text, endings, limit) if len(text) - i <= width * 2]
        if candidates:
            cut = min(candidates, key=lambda i: (max(i, len(text) - i), -i))
            return (text[:cut], *subject_lines(text[cut:], language, width))
    return (text,)  # no good place: let the page wrap it
