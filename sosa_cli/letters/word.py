"""Word letters: a letter's blocks (blocks.py) laid out as a .docx.

The .docx is built when the letter is rendered, from the same `blocks.Letter` the
Markdown and HTML letters are drawn from: there is no Word template and no Jinja inside
Word, so a sentence changed in a kind's wording changes the Word letter too, and a value
such as `A & <B>` is text, never markup (lxml escapes what it writes).

* ja: the 公用文 of DOMAIN.md §7: A4, 左横書き, 10.5 pt 明朝, about 40 字 to the line;
  文書番号, 日付 and sender flush right, 件名 centred on the lines `blocks.subject_lines`
  cuts, body indented one 字, 記 centred, items numbered 「1　」 （1） 「ア　」, 以上 flush
  right and the 担当 block set against the right margin.
* en: the business letter to DoD: 12 pt Times New Roman, numbered paragraphs with a
  hanging indent, the signature kept together.

The page geometry and the table styles follow `templates/<language>/letter.css`, so the
Word letter and the PDF look alike. Items are paragraphs with tab stops and a hanging
indent, as an officer sets them in Word by hand, so that editing the letter is ordinary
Word editing; facts and grids are ruled tables.

python-docx opens and saves the package; the paragraphs and tables are written with lxml
directly, which is five times faster than python-docx's element API (a relay writes a
letter per company). An issued letter's recorded SHA-256 must match when it is rendered
again, so the bytes are reproducible: the zip entries and the document properties carry
the letter's date, never the time of writing (`reproducible_zip`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..errors import SosaError
from ..i18n import N_, _
from . import blocks
from .document import Document

WORD_MISSING = N_("Word letters need python-docx, a dependency of sosa-cli")  # translated where it is given
WORD_INSTALL = "pip install 'python-docx>=1.1'"

# The desk's Word is Japanese Windows Office, where ＭＳ 明朝 is the 公用文 face. The font
# table names the faces to use where it is missing (w:altName). LibreOffice ignores
# w:altName (writerfilter's FontTable skips it) and asks fontconfig, which knows no
# ＭＳ 明朝 and answers with the default Japanese face, often a ゴシック; IPAex faces have
# the same full-width metrics, and lines are set at an exact height, so the pages break
# alike. A machine that should print 明朝 there needs a fontconfig alias from ＭＳ 明朝
# to IPAexMincho.
JA_FONT = "ＭＳ 明朝"
JA_FONT_ALTERNATIVES = ("IPAex明朝", "Noto Serif CJK JP")
EN_FONT = "Times New Roman"
EN_FONT_ALTERNATIVE = "Liberation Serif"  # metric-compatible: same line breaks


@dataclass(frozen=True)
class Page:
    """A4 and its text block (mm), the type (pt) and the language of the text."""

    top: float
    right: float
    bottom: float
    left: float
    latin: str
    east_asian: str
    size: float
    line: float | None  # exact distance between baselines; None: single spacing
    # The language of Latin text (w:lang w:val); Japanese text is ja-JP (w:eastAsia) in
    # every letter. A Japanese letter's Latin text is en-US, as in Japanese Word's own
    # documents: marked ja-JP, LibreOffice breaks a Latin word anywhere (「June 202 / 7」).
    lang: str
    facts: float  # pt: the facts tables
    grid: float  # pt: the grids, made smaller still if their columns do not fit

    @property
    def width_mm(self) -> float:
        return 210 - self.left - self.right


PAGES = {
    # The margins of ja/letter.css: 155 mm holds 41 full-width characters of 10.5 pt.
    "ja": Page(30, 25, 27, 30, JA_FONT, JA_FONT, 10.5, 18, "en-US", facts=10.5, grid=9.5),
    "en": Page(25, 25, 25, 25, EN_FONT, JA_FONT, 12, None, "en-US", facts=11, grid=11),
}

# Page numbers in the footer, only on a letter of two pages or more: 「- 2 -」 / "2".
PAGE_NUMBER = {"ja": ("- ", " -"), "en": ("", "")}

# The styles a letter uses; python-docx's template has 160 more.
STYLES = ("Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Header", "HeaderChar", "Footer", "FooterChar")
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ALIGN = {"right": "right", "center": "center", "justify": "both"}

TWIPS_PER_MM = 1440 / 25.4
GRID_SMALLEST = 8.0  # pt: a grid is set smaller to fit its line, but not below this
SHORT_CELL = 6  # ems: a cell this short (「（1）」, 12, 一部協力可能) is never broken
CELL_PADDING = 60  # twips each side of a ruled table's text: 3 pt, as letter.css
CELL_PADDING_V = 20  # twips above and below: 1 pt
SHADE = "F2F2F2"  # the facts' labels and the grids' header row, as letter.css


# --- measuring text -------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def ems(text: str, language: str) -> float:
    """How wide `text` prints, in ems of its type size, erring on the wide side.

    Full-width characters are one em. Latin letters are half an em in ＭＳ 明朝, but
    wider in IPAex明朝, which LibreOffice may print a Japanese letter in (digits 0.62,
    most lower case 0.5, capitals 0.7, m and w 0.9): the classes below take the wider
    face, so that a line measured here fits on either.
    """
    ja = language == "ja"
    total = 0.0
    previous = ""
    for ch in text:
        # Word and LibreOffice set a quarter em between kanji or kana and Latin letters or
        # digits (w:autoSpaceDE/DN, on by default): 令和8年12月25日 is 8.6 em, not 7.1.
        if ja and {_script(previous), _script(ch)} == {"kanji", "latin"}:
            total += 0.25
        previous = ch
        if unicodedata.east_asian_width(ch) in "WF":
            total += 1.0
        elif ch in "MWmw@%&":
            total += 0.92
        elif ch.isupper():
            total += 0.72
        elif ch.isdigit():
            total += 0.62 if ja else 0.5
        elif ch == " ":
            total += 0.5 if ja else 0.25
        elif ch.isalpha():
            total += 0.52 if ja else 0.48
        else:
            total += 0.5 if ja else 0.4
    return total


def _script(ch: str) -> str:
    if not ch:
        return ""
    if ch.isascii():
        return "latin" if ch.isalnum() else ""
    return "kanji" if unicodedata.category(ch) == "Lo" else ""


def _twips_of(text: str, language: str, size: float) -> int:
    """The width of the longest line of `text`, in twips."""
    return max((round(ems(line, language) * size * 20) for line in text.split("\n")), default=0)


def _longest_word(text: str, language: str, size: float) -> int:
    """The widest run a line cannot break inside: Latin letters, digits and the hyphens
    between them (ICU keeps `1680-01-234-5678` whole); Japanese breaks anywhere."""
    words = "".join(" " if unicodedata.east_asian_width(ch) in "WF" else ch for ch in text).split()
    return max((round(ems(word, language) * size * 20) for word in words), default=0)


# --- the letter ------------------------------------------------------------------------------


def _python_docx() -> Any:
    try:
        import docx
    except ImportError:
        raise SosaError(_(WORD_MISSING), hint=WORD_INSTALL) from None
    return docx


def write_word(letter: blocks.Letter, *, dated: date, title: str) -> Document:
    """The letter as a .docx: the same letter and date give the same bytes."""
    docx = _python_docx()
    document = docx.Document(io.BytesIO(_blank(letter.language)))
    writer = _Writer(document, letter.language)
    for block in letter.blocks:
        writer.block(block, left=0)

    properties = document.core_properties
    midnight = datetime(dated.year, dated.month, dated.day)
    properties.title = title
    properties.created = midnight
    properties.modified = midnight
    properties.last_modified_by = ""
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), dated)


@functools.cache
def _blank(language: str) -> bytes:
    """An empty letter: python-docx's template with the page, styles, fonts and footers set.

    Made once per process: the template's 800 KB of styles took 40 ms to read and 50 ms to
    write for every letter, and a letter needs eight of its 160 styles.
    """
    docx = _python_docx()
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    page = PAGES[language]
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.right_margin = Mm(page.top), Mm(page.right)
    section.bottom_margin, section.left_margin = Mm(page.bottom), Mm(page.left)
    section.header_distance = section.footer_distance = Mm(12)

    styles = document.styles
    for element in list(styles.element):
        unused = element.tag == qn("w:style") and element.get(qn("w:styleId")) not in STYLES
        if unused or element.tag == qn("w:latentStyles"):
            styles.element.remove(element)
    defaults = styles.element.find(qn("w:docDefaults"))
    _character(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), page)
    default_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    default_ppr.remove(default_ppr.find(qn("w:spacing")))
    for name in ("Normal", "Footer"):
        style = styles[name]
        style.font.size = Pt(page.size)
        _character(style.element.get_or_add_rPr(), page)
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(page.line) if page.line else 1.0

    compat = document.settings.element.find(qn("w:compat"))
    for setting in compat.findall(qn("w:compatSetting")):
        # Word 2013 layout: a table's indent is measured to its border, as LibreOffice does.
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    _font_table(document)
    # python-docx's template carries a thumbnail of an empty page (not this letter),
    # Word 2010's copy of the styles and an empty custom XML part.
    for rels, unwanted in ((document.part.package.rels, (RT.THUMBNAIL,)), (document.part.rels, (STYLES_WITH_EFFECTS, RT.CUSTOM_XML))):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
            rels.pop(rid)
    _page_numbers(section, language)

    properties = document.core_properties
    properties.author = "sosa"
    properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _character(rpr: Any, page: Page) -> None:
    """The letter's faces and language on a style's run properties."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    # Theme fonts win over named ones: drop them, or Word shows Calibri / 游明朝.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot, name in (("w:ascii", page.latin), ("w:hAnsi", page.latin), ("w:eastAsia", page.east_asian), ("w:cs", page.latin)):
        fonts.set(qn(slot), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.attrib.clear()
    lang.set(qn("w:val"), page.lang)
    lang.set(qn("w:eastAsia"), "ja-JP")


def _font_table(document: Any) -> None:
    """The faces a letter names, each with what to use where it is not installed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    mincho = "<w:panose1 w:val='02020609040205080304'/><w:charset w:val='80'/><w:family w:val='roman'/>"
    first, second = JA_FONT_ALTERNATIVES
    entries = [
        f"<w:font w:name='{JA_FONT}'><w:altName w:val='{first}'/>{mincho}<w:pitch w:val='fixed'/>"
        "<w:sig w:usb0='E00002FF' w:usb1='6AC7FDFB' w:usb2='08000012' w:usb3='00000000' w:csb0='0002009F' w:csb1='00000000'/></w:font>",
        f"<w:font w:name='{first}'><w:altName w:val='{second}'/>{mincho}<w:pitch w:val='variable'/></w:font>",
        f"<w:font w:name='{second}'>{mincho}<w:pitch w:val='variable'/></w:font>",
        f"<w:font w:name='{EN_FONT}'><w:altName w:val='{EN_FONT_ALTERNATIVE}'/><w:panose1 w:val='02020603050405020304'/>"
        "<w:charset w:val='00'/><w:family w:val='roman'/><w:pitch w:val='variable'/></w:font>",
    ]
    part = document.part.part_related_by(RT.FONT_TABLE)
    part._blob = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        "<w:fonts xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>" + "".join(entries) + "</w:fonts>"
    ).encode("utf-8")


def _page_numbers(section: Any, language: str) -> None:
    """「- 2 -」 (ja) or "2" (en) centred in the footer, on letters of two pages or more.

    The first page has a footer of its own, without a number; the others are numbered.
    A second page exists only in a letter of two pages or more, so the condition holds by
    construction, in Word and LibreOffice alike. Word's own way, { IF { NUMPAGES } > 1
    "- { PAGE } -" "" }, would number page 1 as well, but LibreOffice evaluates neither
    PAGE nor NUMPAGES inside an IF (writerfilter refuses the nesting) and prints the inner
    fields side by side: 「11」 on a one-page letter, 「21」 on page 1 of two.
    """
    etree = _lxml()
    section.different_first_page_header_footer = True
    section.first_page_footer.paragraphs[0]  # noqa: B018 - creates the first page's empty footer
    p = section.footer.paragraphs[0]._p
    ppr = p.get_or_add_pPr()
    etree.SubElement(ppr, _W + "jc").set(_W + "val", "center")
    before, after = PAGE_NUMBER[language]
    page = PAGES[language]
    parts: list[tuple[str, str]] = [("text", before), ("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "2"), ("end", ""), ("text", after)]
    for kind, value in parts:
        if kind == "text" and not value:
            continue
        run = etree.SubElement(p, _W + "r")
        _run_properties(etree, run, page.lang)
        if kind == "text":
            _text(etree, run, value)
        elif kind == "instr":
            instr = etree.SubElement(run, _W + "instrText")
            instr.set(_XML_SPACE, "preserve")
            instr.text = value
        else:
            etree.SubElement(run, _W + "fldChar").set(_W + "fldCharType", kind)


def _lxml() -> Any:
    # python-docx's own XML library; it ships without type stubs.
    from lxml import etree

    return etree


def _run_properties(etree: Any, run: Any, lang: str, *, bold: bool = False, size: float | None = None) -> None:
    rpr = etree.SubElement(run, _W + "rPr")
    if bold:
        etree.SubElement(rpr, _W + "b")
    if size:
        half_points = str(round(size * 2))
        etree.SubElement(rpr, _W + "sz").set(_W + "val", half_points)
        etree.SubElement(rpr, _W + "szCs").set(_W + "val", half_points)
    language = etree.SubElement(rpr, _W + "lang")
    # ja-JP on Japanese text turns on 禁則処理 (no 。 or 、 at the start of a line).
    language.set(_W + "val", lang)
    language.set(_W + "eastAsia", "ja-JP")


def _text(etree: Any, run: Any, text: str) -> None:
    """A line's text into a run: its tabs as w:tab."""
    for i, part in enumerate(text.split("\t")):
        if i:
            etree.SubElement(run, _W + "tab")
        if part:
            t = etree.SubElement(run, _W + "t")
            t.set(_XML_SPACE, "preserve")
            t.text = part


class _Writer:
    """Lays the blocks out one after another; remembers where each top-level block ends."""

    def __init__(self, document: Any, language: str):
        self.etree = _lxml()
        self.language = language
        self.page = PAGES[language]
        self.em = round(self.page.size * 20)  # one 字, in twips
        self.width = round(self.page.width_mm * TWIPS_PER_MM)
        self.end = document.element.body[-1]  # the w:sectPr everything goes before
        # (block, its last paragraphs): what keep-with-next binds to what follows.
        self.trail: list[tuple[blocks.Block, list[Any]]] = []

    # Paragraphs -------------------------------------------------------------------------

    def element(self, parent: Any, tag: str, **attributes: str | int) -> Any:
        """A w: element: appended to `parent`, or to the body when `parent` is None."""
        if parent is None:
            new = self.etree.Element(_W + tag)
            self.end.addprevious(new)
        else:
            new = self.etree.SubElement(parent, _W + tag)
        for name, value in attributes.items():
            new.set(_W + name, str(value))
        return new

    def paragraph(
        self,
        text: str = "",
        *,
        parent: Any = None,
        align: str = "left",
        bold: bool = False,
        left: int = 0,
        first_line: int = 0,
        tabs: tuple[int, ...] = (),
        before: float = 0,
        after: float = 0,
        size: float | None = None,
        line: float | None = None,
        keep_lines: bool = False,
        rule: bool = False,
    ) -> Any:
        """One paragraph; `left`, `first_line` (negative: hanging) and `tabs` in twips,
        `before`, `after` and `line` (exact) in points."""
        p = self.element(parent, "p")
        ppr = self.element(p, "pPr")  # always the first child: keep_with_next relies on it
        if keep_lines:
            self.element(ppr, "keepLines")
        if rule:
            border = self.element(ppr, "pBdr")
            self.element(border, "bottom", val="single", sz=6, space=4, color="000000")
        if tabs:
            stops = self.element(ppr, "tabs")
            for stop in tabs:
                self.element(stops, "tab", val="left", pos=stop)
        if before or after or line:
            spacing = self.element(ppr, "spacing")
            if before:
                spacing.set(_W + "before", str(round(before * 20)))
            if after:
                spacing.set(_W + "after", str(round(after * 20)))
            if line:
                spacing.set(_W + "line", str(round(line * 20)))
                spacing.set(_W + "lineRule", "exact")
        if left or first_line:
            indent = self.element(ppr, "ind")
            if left:
                indent.set(_W + "left", str(left))
            if first_line > 0:
                indent.set(_W + "firstLine", str(first_line))
            elif first_line < 0:
                indent.set(_W + "hanging", str(-first_line))
        if align != "left":
            self.element(ppr, "jc", val=_ALIGN[align])
        if text:
            for n, piece in enumerate(text.split("\n")):
                run = self.element(p, "r")
                _run_properties(self.etree, run, self.page.lang, bold=bold, size=size if size != self.page.size else None)
                if n:
                    self.element(run, "br")
                _text(self.etree, run, piece)
        return p

    def keep_with_next(self, paragraphs: list[Any]) -> None:
        for p in paragraphs:
            ppr = p[0]
            if ppr.find(_W + "keepNext") is None:
                ppr.insert(0, self.etree.Element(_W + "keepNext"))

    def _keep_with_previous(self) -> None:
        """Bind the block about to be written to the one before it, over any empty lines."""
        for block, tail in reversed(self.trail):
            self.keep_with_next(tail)
            if not isinstance(block, blocks.Space):
                break

    # Blocks -----------------------------------------------------------------------------

    def block(self, block: blocks.Block, *, left: int) -> list[Any]:
        """Write one block; returns its last paragraphs (what a keep-with-next binds)."""
        ja = self.language == "ja"
        if isinstance(block, blocks.Closing | blocks.Group) and left == 0:
            # 以上 stays with the last item, and the 担当 block or the signature with
            # what comes before it: neither is left alone at the top of a page.
            self._keep_with_previous()
        if isinstance(block, blocks.Line):
            tail = [self.paragraph(block.text, align=block.align, bold=block.bold, left=left, rule=block.rule)]
        elif isinstance(block, blocks.Space):
            tail = [self.paragraph(left=left)]
        elif isinstance(block, blocks.Subject):
            tail = [self._subject(block)]
        elif isinstance(block, blocks.Paragraph):
            tail = self._paragraph(block, left)
        elif isinstance(block, blocks.Ki):
            # letter.css: 0.875 em above and below 記 (ja), 1 em (en).
            gap = self.page.size * (0.875 if ja else 1)
            tail = [self.paragraph(block.text, align="center", before=gap, after=gap)]
            self.keep_with_next(tail)
        elif isinstance(block, blocks.Closing):
            tail = [self.paragraph(block.text, align="right", before=0 if ja else self.page.size)]
        elif isinstance(block, blocks.Group):
            tail = self._group(block, left)
        elif isinstance(block, blocks.Items):
            tail = self._items(block, left)
        elif isinstance(block, blocks.Facts):
            tail = self._facts(block, left)
        elif isinstance(block, blocks.Grid):
            tail = self._grid(block, left)
        else:  # pragma: no cover - a new block type without its writer
            raise TypeError(f"no Word writer for {type(block).__name__}")
        if left == 0:
            self.trail.append((block, tail))
        return tail

    def _subject(self, block: blocks.Subject) -> Any:
        if self.language == "ja":
            # The lines every format prints: cut at phrase boundaries, never inside 「（依頼）」.
            p = self.paragraph("\n".join(blocks.subject_lines(block.text, "ja")), align="center", keep_lines=True)
        elif block.prefix.strip():
            # SUBJECT: in bold, a second line under the subject's first word.
            prefix = block.prefix.strip()
            hang = _twips_of(prefix, "en", self.page.size) + self.em // 4
            p = self.paragraph(f"{prefix}\t{block.text}", bold=True, left=hang, first_line=-hang, tabs=(hang,), keep_lines=True)
        else:
            p = self.paragraph(block.text, bold=True, keep_lines=True)
        self.keep_with_next([p])
        return p

    def _paragraph(self, block: blocks.Paragraph, left: int) -> list[Any]:
        before = self.page.size if self.language == "en" else 0
        if block.number:
            hang = self._number_width([block.number])
            text, inner = f"{block.number}\t{block.text}", left + hang
            p = self.paragraph(text, left=inner, first_line=-hang, tabs=(inner,), before=before)
        elif self.language == "ja":
            p = self.paragraph(block.text, align="justify", left=left, first_line=self.em)
            inner = left + self.em
        else:
            p = self.paragraph(block.text, left=left, before=before)
            inner = left
        tail = [p]
        if block.children:
            # A paragraph that introduces a table or list is never left at the foot of a
            # page without it.
            self.keep_with_next(tail)
            for child in block.children:
                tail = self.block(child, left=inner)
        return tail

    def _whole_em(self, twips: int) -> int:
        return -(-twips // self.em) * self.em

    def _number_width(self, numbers: list[str]) -> int:
        """English numbers hang in a column at least 8 mm wide, with an em after them."""
        widest = max(_twips_of(n, self.language, self.page.size) for n in numbers)
        return max(round(8 * TWIPS_PER_MM), widest + self.em)

    def _group(self, block: blocks.Group, left: int) -> list[Any]:
        """Lines kept together on one page; `right`: as a block against the right margin.

        The lines start at one indent, so they stay aligned with each other, and the
        indent leaves room for the longest one, so an e-mail address never wraps.
        """
        indent = left
        if block.align == "right":
            longest = max((_twips_of(line, self.language, self.page.size) for line in block.lines), default=0)
            indent = max(left, self.width - longest - self.em // 2)
        paragraphs = [self.paragraph(line, left=indent, keep_lines=True) for line in block.lines]
        self.keep_with_next(paragraphs[:-1])
        return paragraphs[-1:]

    def _printed_number(self, item: blocks.Item) -> str:
        # 公用文: 「1　」 and 「ア　」 are followed by a full-width space; 「（1）」 is not.
        if self.language == "ja" and item.depth != 2:
            return item.number + "\u3000"
        return item.number

    def _items(self, block: blocks.Items, left: int) -> list[Any]:
        """Numbered items, one paragraph each: number, label and value at tab stops.

        The columns line up over the whole list and a long value wraps under itself (a
        hanging indent). An item's children (its own items, facts or grid) are written
        under it, indented to its text, and the list goes on below them.
        """
        if not block.entries:
            return []
        size, language = self.page.size, self.language
        numbers = [self._printed_number(item) for item in block.entries]
        if language == "ja":
            # Whole 字, so that every level's text starts on the page's grid of 字.
            number_width = self._whole_em(max(_twips_of(n, "ja", size) for n in numbers))
        else:
            number_width = self._number_width(numbers)
        labelled = [item.label for item in block.entries if item.label and item.text]
        label_width = 0
        if labelled:
            widest = self._whole_em(max(_twips_of(label, language, size) for label in labelled)) + self.em
            label_width = min(widest, (self.width - left - number_width) * 45 // 100)

        tail: list[Any] = []
        for item, number in zip(block.entries, numbers, strict=True):
            # 「ア　」 fills its two 字 exactly: a tab there would jump to the next stop.
            gap = "\t" if _twips_of(number, language, size) < number_width else ""
            stops: tuple[int, ...] = (left + number_width,)
            if label_width and item.label and item.text:
                stops += (left + number_width + label_width,)
                text = f"{number}{gap}{item.label}\t{item.text}"
            else:
                text = f"{number}{gap}{item.label or item.text}"
            # Flush left, not 両端揃え: a value is often Latin text (a program's name, a reason
            # given in English), which justified spreads into gaps between its words.
            p = self.paragraph(text, left=stops[-1], first_line=left - stops[-1], tabs=stops)
            tail = [p]
            if item.children:
                self.keep_with_next(tail)  # the item's heading stays with what it holds
                for child in item.children:
                    tail = self.block(child, left=left + number_width)
        return tail

    # Tables -----------------------------------------------------------------------------

    def _table(self, widths: list[int], left: int, *, ruled: bool) -> Any:
        """A fixed-layout ruled table `left` twips from the margin."""
        previous = self.end.getprevious()
        if previous is not None and previous.tag == _W + "tbl":
            # Two tables with nothing between them are one table to Word and LibreOffice.
            self.paragraph(line=self.page.size / 2)
        tbl = self.element(None, "tbl")
        properties = self.element(tbl, "tblPr")
        self.element(properties, "tblW", w=sum(widths), type="dxa")
        self.element(properties, "tblInd", w=left, type="dxa")
        borders = self.element(properties, "tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            self.element(borders, side, val="single" if ruled else "nil", sz=4, space=0, color="000000")
        self.element(properties, "tblLayout", type="fixed")
        margins = self.element(properties, "tblCellMar")
        for side, width in (("top", CELL_PADDING_V), ("left", CELL_PADDING), ("bottom", CELL_PADDING_V), ("right", CELL_PADDING)):
            self.element(margins, side, w=width, type="dxa")
        self.element(properties, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
        grid = self.element(tbl, "tblGrid")
        for width in widths:
            self.element(grid, "gridCol", w=width)
        return tbl

    def _row(self, tbl: Any, *, header: bool = False) -> Any:
        tr = self.element(tbl, "tr")
        properties = self.element(tr, "trPr")
        self.element(properties, "cantSplit")  # a row is never broken across pages
        if header:
            self.element(properties, "tblHeader")  # printed again on every page
        return tr

    def _cell(self, tr: Any, width: int, text: str, *, size: float, shade: bool = False, nowrap: bool = False) -> Any:
        tc = self.element(tr, "tc")
        properties = self.element(tc, "tcPr")
        self.element(properties, "tcW", w=width, type="dxa")
        if shade:
            self.element(properties, "shd", val="clear", color="auto", fill=SHADE)
        if nowrap:
            self.element(properties, "noWrap")
        # letter.css: ruled tables at a line height of 1.5 (ja); single spacing (en).
        line = size * 1.5 if self.page.line else None
        return self.paragraph(text, parent=tc, size=size, line=line)

    def _facts(self, block: blocks.Facts, left: int) -> list[Any]:
        """A ruled table of label and value; the label column fits its longest label."""
        if not block.rows:
            return []  # a table without rows is a file Word refuses
        size = self.page.facts
        available = self.width - left
        widest = max((_twips_of(label, self.language, size) for label, _ in block.rows), default=0)
        label_width = min(widest + 2 * CELL_PADDING + self.em // 4, available * 45 // 100)
        tbl = self._table([label_width, available - label_width], left, ruled=True)
        rows: list[list[Any]] = []
        for label, value in block.rows:
            tr = self._row(tbl)
            rows.append([self._cell(tr, label_width, label, size=size, shade=True, nowrap=True), self._cell(tr, available - label_width, value, size=size)])
        # A table may run onto the next page between rows, but never leaves one row alone
        # at the foot of a page or at the top of the next.
        for cells in (rows[0], rows[-2]) if len(rows) > 1 else ():
            self.keep_with_next(cells)
        return rows[-1]

    def _grid(self, block: blocks.Grid, left: int) -> list[Any]:
        """A ruled table whose header row is printed again on every page.

        Set in the language's grid size if its columns fit the line without breaking a
        word or a `nowrap` cell, else half a point smaller at a time, down to 8 pt.
        """
        available = self.width - left
        size = self.page.grid
        widths = self._grid_widths(block, available, size)
        while widths is None and size > GRID_SMALLEST:
            size -= 0.5
            widths = self._grid_widths(block, available, size)
        if widths is None:
            widths = self._grid_widths(block, available, size, squeeze=True) or []
        tbl = self._table(widths, left, ruled=True)
        header = self._row(tbl, header=True)
        heads = [self._cell(header, width, column.header, size=size, shade=True) for width, column in zip(widths, block.columns, strict=True)]
        self.keep_with_next(heads)
        rows = [heads]
        for values in block.rows:
            tr = self._row(tbl)
            rows.append([self._cell(tr, w, value, size=size, nowrap=c.nowrap) for w, c, value in zip(widths, block.columns, values, strict=True)])
        if len(rows) > 2:
            self.keep_with_next(rows[-2])  # the last row is not left alone on a page
        return rows[-1]

    def _grid_widths(self, block: blocks.Grid, available: int, size: float, *, squeeze: bool = False) -> list[int] | None:
        """Column widths in twips that add up to `available`, or None if they cannot.

        No column is narrower than its longest word (a part number or an NSN broken in
        the middle misreads) or than a short cell such as 「（1）」. A `nowrap` column is
        as wide as its longest cell (and its header, where there is room), or its
        declared width if wider; the other columns keep their declared width, squeezed if
        need be, and the rest share what is left. With `squeeze`, whatever does not fit
        gives way in proportion.
        """
        language, columns = self.language, block.columns
        pad = 2 * CELL_PADDING + round(size * 5)  # the cell's padding and a quarter em

        def measure(text: str, whole: bool) -> int:
            if whole or ems(text, language) <= SHORT_CELL:
                return _twips_of(text, language, size)
            return _longest_word(text, language, size)

        def widest(i: int, *, whole: bool, header: bool) -> int:
            texts = [row[i] for row in block.rows] + ([columns[i].header] if header else [])
            return max((measure(t, whole) for t in texts), default=0) + pad

        count = range(len(columns))
        declared = [round(c.width * TWIPS_PER_MM) if c.width else 0 for c in columns]
        floor = [max(round(2 * size * 20) + pad, widest(i, whole=False, header=True)) for i in count]
        others = [i for i in count if not columns[i].nowrap]
        widths: dict[int, int] = {}
        for header in (True, False):
            widths = {i: max(declared[i], floor[i], widest(i, whole=True, header=header)) for i in count if columns[i].nowrap}
            if sum(widths.values()) + sum(floor[i] for i in others) <= available:
                break
        else:
            if not squeeze:
                return None
        remaining = available - sum(widths.values())
        sized = [i for i in others if declared[i]]
        free = [i for i in others if not declared[i]]
        room = remaining - sum(floor[i] for i in free)
        wanted = sum(max(declared[i], floor[i]) for i in sized)
        for i in sized:
            width = max(declared[i], floor[i])
            widths[i] = max(floor[i], width * room // wanted) if wanted > room else width
        if free:
            extra = max(0, remaining - sum(widths[i] for i in sized) - sum(floor[i] for i in free)) // len(free)
            widths.update({i: floor[i] + extra for i in free})
        result = [widths[i] for i in count]
        total = sum(result)
        if total > available:  # every column gives way in proportion
            result = [w * available // total for w in result]
        elif total < available:  # the table spans the line
            result[max(free or sized or count)] += available - total
        return result


# --- reproducible bytes ----------------------------------------------------------------------


def reproducible_zip(data: bytes, dated: date) -> Document:
    """The same zip with every entry dated `dated` 00:00 and made on no particular system.

    python-docx stamps each entry with the time of saving, so the same letter saved a
    second later would hash differently and look like a changed letter.
    """
    from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

    source = hashlib.sha256()
    out = io.BytesIO()
    with ZipFile(io.BytesIO(data)) as original, ZipFile(out, "w", ZIP_DEFLATED) as fixed:
        for info in original.infolist():
            content = original.read(info)
            entry = ZipInfo(info.filename, date_time=(dated.year, dated.month, dated.day, 0, 0, 0))
            entry.compress_type = ZIP_DEFLATED
            entry.create_system = 0  # otherwise the OS of the machine that wrote it
            entry.external_attr = 0
            fixed.writestr(entry, content)
            source.update(f"{info.filename}\0{len(content)}\0".encode())
            source.update(content)
    return Document(out.getvalue(), source.hexdigest())
