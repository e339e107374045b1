"""Word letters: a letter's blocks (blocks.py) laid out as a .docx with python-docx.

The .docx is built when the letter is rendered, from the same `blocks.Letter` the
Markdown and HTML letters are drawn from: there is no Word template and no Jinja inside
Word, so a sentence changed in a kind's wording changes the Word letter too, and a value
such as `A & <B>` is text, never markup (python-docx escapes what it writes).

* ja: the 公用文 of DOMAIN.md §7: A4, 左横書き, 10.5 pt 明朝, 40 字 to the line; 文書番号,
  日付 and sender flush right, 件名 centred on the lines `blocks.subject_lines` cuts, body
  indented one 字, 記 centred, items numbered 「1　」 （1） 「ア　」, 以上 flush right and
  the 担当 block set against the right margin.
* en: the business letter to DoD: 12 pt Times New Roman, numbered paragraphs with a
  hanging indent, the signature kept together.

An issued letter's recorded SHA-256 must match when it is rendered again, so the bytes
are reproducible: the zip entries and the document properties carry the letter's date,
never the time of writing (`reproducible_zip`).
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
from . import blocks

WORD_MISSING = "Word letters need python-docx, a dependency of sosa-cli"
WORD_INSTALL = "pip install 'python-docx>=1.1'"

# The desk's Word is Japanese Windows Office, where ＭＳ 明朝 is the 公用文 face. The font
# table names the faces to use where it is missing; LibreOffice ignores w:altName (its
# writerfilter skips it) and substitutes from its own table and fontconfig, which on
# Debian with fonts-ipaexfont gives IPAex明朝, the face the PDF letters are printed in.
JA_FONT = "ＭＳ 明朝"
JA_FONT_ALTERNATIVES = ("IPAex明朝", "Noto Serif CJK JP")
EN_FONT = "Times New Roman"
EN_FONT_ALTERNATIVE = "Liberation Serif"  # metric-compatible: same line breaks


@dataclass(frozen=True)
class Document:
    """A letter as a file: its bytes, and the hash of what it says (the uncompressed parts)."""

    data: bytes
    source_sha256: str


@dataclass(frozen=True)
class Page:
    """A4 and its text block, in mm; the type in pt."""

    top: float
    right: float
    bottom: float
    left: float
    latin: str
    east_asian: str
    size: float
    line: float | None  # exact distance between baselines; None: single spacing
    lang: str

    @property
    def width_mm(self) -> float:
        return 210 - self.left - self.right


PAGES = {
    # 150 mm holds 40 full-width characters of 10.5 pt (148 mm), the 公用文's line.
    "ja": Page(30, 30, 27, 30, JA_FONT, JA_FONT, 10.5, 18, "ja-JP"),
    "en": Page(25, 25, 25, 25, EN_FONT, JA_FONT, 12, None, "en-US"),
}

# The styles a letter uses; python-docx's template has 160 more.
STYLES = ("Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Header", "HeaderChar", "Footer", "FooterChar")

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# Page numbers in the footer, only on a letter of two pages or more: 「- 2 -」 / "2".
PAGE_NUMBER = {"ja": ("- ", " -"), "en": ("", "")}


# --- measuring text -------------------------------------------------------------------------

TWIPS_PER_MM = 1440 / 25.4
GRID_SMALLEST = 8.0  # pt: a table is set smaller to fit its line, but not below this
SHORT_CELL = 6  # ems: a cell this short (「（1）」, 12, 一部協力可能) is never broken
CELL_PADDING = 57  # twips each side of a ruled table's cell: 1 mm (Word's default is 1.9 mm)


@functools.lru_cache(maxsize=4096)
def ems(text: str, language: str) -> float:
    """How wide `text` prints, in ems of the letter's type, erring on the wide side.

    Full-width characters are one em. Latin letters are half an em in ＭＳ 明朝, but
    wider in IPAex明朝, which LibreOffice prints a Japanese letter in (digits 0.62, most
    lower case 0.5, capitals 0.7, m and w 0.9): the classes below take the wider face,
    so that a line measured here fits on either.
    """
    ja = language == "ja"
    total = 0.0
    previous = ""
    for ch in text:
        # Word and LibreOffice set a quarter em between kanji or kana and Latin letters or
        # digits (w:autoSpaceDE/DN, on by default): 令和8年12月25日 is 8.1 em, not 6.9.
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


def _longest_word(text: str, language: str, size: float) -> int:
    """The widest run that a line cannot break inside: Latin letters, digits and the
    hyphens between them (ICU keeps `1680-01-234-5678` whole); Japanese breaks anywhere."""
    words = "".join(" " if unicodedata.east_asian_width(ch) in "WF" else ch for ch in text).split()
    return max((round(ems(word, language) * size * 20) for word in words), default=0)


def _twips_of(text: str, language: str, size: float) -> int:
    """The width of the longest line of `text`, in twips."""
    return max((round(ems(line, language) * size * 20) for line in text.split("\n")), default=0)


# --- the writer ------------------------------------------------------------------------------


def _python_docx() -> Any:
    try:
        import docx
    except ImportError:
        raise SosaError(WORD_MISSING, hint=WORD_INSTALL) from None
    return docx


def write_word(letter: blocks.Letter, *, dated: date, title: str) -> Document:
    """The letter as a .docx: the same letter and date give the same bytes."""
    docx = _python_docx()
    writer = _Writer(docx.Document(io.BytesIO(_blank(letter.language))), letter.language)
    for block in letter.blocks:
        writer.block(block, left=0)
    writer.page_numbers()

    properties = writer.document.core_properties
    midnight = datetime(dated.year, dated.month, dated.day)
    properties.title = title
    properties.author = "sosa"
    properties.comments = ""
    properties.created = midnight
    properties.modified = midnight
    properties.last_modified_by = ""
    properties.revision = 1
    buffer = io.BytesIO()
    writer.document.save(buffer)
    return reproducible_zip(buffer.getvalue(), dated)


@functools.cache
def _blank(language: str) -> bytes:
    """An empty letter: python-docx's template with the page, styles and fonts set up.

    Made once per process: the template's 800 KB of styles took 40 ms to read and 50 ms
    to write for every letter, and a letter needs six of its 160 styles.
    """
    docx = _python_docx()
    document = docx.Document()
    _Writer(document, language).set_up()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _Writer:
    """Lays the blocks out one after another; remembers where each top-level block ends."""

    def __init__(self, document: Any, language: str):
        self.document = document
        self.language = language
        self.page = PAGES[language]
        self.em = round(self.page.size * 20)  # one 字, in twips
        self.width = round(self.page.width_mm * TWIPS_PER_MM)
        # (block, its last paragraphs): what keep-with-next binds to what follows.
        self.trail: list[tuple[blocks.Block, list[Any]]] = []

    # The document ---------------------------------------------------------------------

    def set_up(self) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        page = self.page
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.right_margin = Mm(page.top), Mm(page.right)
        section.bottom_margin, section.left_margin = Mm(page.bottom), Mm(page.left)
        section.header_distance = section.footer_distance = Mm(12)

        styles = self.document.styles
        for element in list(styles.element):
            if element.tag == qn("w:latentStyles") or (element.tag == qn("w:style") and element.get(qn("w:styleId")) not in STYLES):
                styles.element.remove(element)
        defaults = styles.element.find(qn("w:docDefaults"))
        self._character(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
        default_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        default_ppr.remove(default_ppr.find(qn("w:spacing")))
        for name in ("Normal", "Footer"):
            style = styles[name]
            style.font.size = Pt(page.size)
            self._character(style.element.get_or_add_rPr())
            fmt = style.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            if page.line:
                fmt.line_spacing = Pt(page.line)
            else:
                fmt.line_spacing = 1.0
        settings = self.document.settings.element
        compat = settings.find(qn("w:compat"))
        for setting in compat.findall(qn("w:compatSetting")):
            # Word 2013 layout: a table's indent is measured to its border, as LibreOffice does.
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), "15")
        self._font_table()
        # python-docx's template carries a thumbnail of an empty page (not this letter),
        # Word 2010's copy of the styles and an empty custom XML part.
        for rels, unwanted in (
            (self.document.part.package.rels, (RT.THUMBNAIL,)),
            (self.document.part.rels, (STYLES_WITH_EFFECTS, RT.CUSTOM_XML)),
        ):
            for rid in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
                rels.pop(rid)

    def _character(self, rpr: Any) -> None:
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
        page = self.page
        for slot, name in (("w:ascii", page.latin), ("w:hAnsi", page.latin), ("w:eastAsia", page.east_asian), ("w:cs", page.latin)):
            fonts.set(qn(slot), name)
        self._language(rpr)

    def _language(self, rpr: Any) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        # ja-JP on Japanese text turns on 禁則処理 (no 。 or 、 at the start of a line).
        lang.set(qn("w:val"), self.page.lang)
        lang.set(qn("w:eastAsia"), "ja-JP")
        lang.attrib.pop(qn("w:bidi"), None)

    def _font_table(self) -> None:
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
        part = self.document.part.part_related_by(RT.FONT_TABLE)
        part._blob = (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            "<w:fonts xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>" + "".join(entries) + "</w:fonts>"
        ).encode("utf-8")

    # Paragraphs -------------------------------------------------------------------------

    def paragraph(
        self,
        container: Any,
        text: str = "",
        *,
        align: str = "left",
        bold: bool = False,
        left: int = 0,
        first_line: int = 0,
        before: float = 0,
        after: float = 0,
        existing: Any = None,
        size: float | None = None,
    ) -> Any:
        """One paragraph; `left` and `first_line` in twips (negative first line: hanging)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, Twips

        p = existing if existing is not None else container.add_paragraph()
        self.text(p, text, bold=bold, size=size)
        if align != "left" or self.language == "ja":
            # Japanese text runs to both margins (両端揃え) unless set otherwise.
            p.alignment = {
                "left": WD_ALIGN_PARAGRAPH.LEFT,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
                "center": WD_ALIGN_PARAGRAPH.CENTER,
                "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            }[align]
        fmt = p.paragraph_format
        if left:
            fmt.left_indent = Twips(left)
        if first_line:
            fmt.first_line_indent = Twips(first_line)
        if before:
            fmt.space_before = Pt(before)
        if after:
            fmt.space_after = Pt(after)
        if size and size != self.page.size and self.page.line:
            fmt.line_spacing = Pt(self.page.line * size / self.page.size)
        return p

    def text(self, p: Any, text: str, *, bold: bool = False, size: float | None = None) -> None:
        """Text with its line breaks (w:br) and tabs (w:tab); every run marked with the
        letter's language, and set in `size` where a table is set smaller."""
        if not text:
            return
        for n, line in enumerate(text.split("\n")):
            run = p.add_run()
            if n:
                run.add_break()
            for i, part in enumerate(line.split("\t")):
                if i:
                    run.add_tab()
                if part:
                    run.add_text(part)
            if bold:
                run.bold = True
            if size and size != self.page.size:
                run.font.size = _pt(size)
            self._language(run._r.get_or_add_rPr())

    @staticmethod
    def keep_with_next(paragraphs: list[Any]) -> None:
        for p in paragraphs:
            p.paragraph_format.keep_with_next = True

    def _keep_with_previous(self) -> None:
        """Bind the block about to be written to the one before it, over any empty lines."""
        for block, tail in reversed(self.trail):
            self.keep_with_next(tail)
            if not isinstance(block, blocks.Space):
                break

    # Blocks -----------------------------------------------------------------------------

    def block(self, block: blocks.Block, *, left: int) -> list[Any]:
        """Write one block; returns its last paragraphs (what a keep-with-next binds)."""
        body = self.document
        if isinstance(block, blocks.Closing | blocks.Group) and left == 0:
            self._keep_with_previous()
        if isinstance(block, blocks.Line):
            p = self.paragraph(body, block.text, align=block.align, bold=block.bold, left=left)
            if block.rule:
                self._rule_below(p)
            tail = [p]
        elif isinstance(block, blocks.Space):
            tail = [self.paragraph(body, left=left)]
        elif isinstance(block, blocks.Subject):
            tail = [self._subject(block)]
        elif isinstance(block, blocks.Paragraph):
            tail = self._paragraph(block, left)
        elif isinstance(block, blocks.Ki):
            line = self.page.line or self.page.size
            p = self.paragraph(body, block.text, align="center", before=line, after=line)
            self.keep_with_next([p])
            tail = [p]
        elif isinstance(block, blocks.Closing):
            p = self.paragraph(body, block.text, align="right", before=self.page.line or self.page.size)
            tail = [p]
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

    def _rule_below(self, p: Any) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        border = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="4" w:color="000000"/></w:pBdr>')
        successors = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:spacing", "w:ind", "w:jc")
        p._p.get_or_add_pPr().insert_element_before(border, *successors)

    def _subject(self, block: blocks.Subject) -> Any:
        if self.language == "ja":
            # The lines every format prints: broken at phrase boundaries, never inside 「（依頼）」.
            p = self.paragraph(self.document, "\n".join(blocks.subject_lines(block.text, "ja")), align="center")
        else:
            p = self.paragraph(self.document, block.prefix + block.text, bold=True)
        p.paragraph_format.keep_together = True
        self.keep_with_next([p])
        return p

    def _paragraph(self, block: blocks.Paragraph, left: int) -> list[Any]:
        if block.number:
            hang = self._number_width([block.number])
            p = self.paragraph(self.document, f"{block.number}\t{block.text}", left=left + hang, first_line=-hang)
            p.paragraph_format.tab_stops.add_tab_stop(_twips(left + hang))
            inner = left + hang
        elif self.language == "ja":
            p = self.paragraph(self.document, block.text, align="justify", left=left, first_line=self.em)
            inner = left + self.em
        else:
            p = self.paragraph(self.document, block.text, left=left)
            inner = left
        if self.language == "en":
            p.paragraph_format.space_before = _pt(self.page.size)
        tail = [p]
        if block.children:
            # A heading is never left at the foot of a page without its table.
            self.keep_with_next([p])
            if self.language == "en":
                p.paragraph_format.space_after = _pt(self.page.size / 2)
            for child in block.children:
                tail = self.block(child, left=inner)
        return tail

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
            indent = max(left, self.width - longest - self.em)  # an em to spare
        paragraphs = [self.paragraph(self.document, line, align="left", left=indent) for line in block.lines]
        for p in paragraphs:
            p.paragraph_format.keep_together = True
        self.keep_with_next(paragraphs[:-1])
        return paragraphs[-1:]

    # Tables -----------------------------------------------------------------------------

    def _table(self, widths: list[int], left: int, *, ruled: bool, rows: int) -> Any:
        """A fixed-layout table `left` twips from the margin; every row kept on one page."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        body = self.document.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1] if len(body) else None
        if last is not None and last.tag == qn("w:tbl"):
            # Two tables with nothing between them are one table to Word and LibreOffice.
            spacer = self.paragraph(self.document)
            spacer.paragraph_format.line_spacing = _pt(self.page.size / 2)
        table = self.document.add_table(rows=rows, cols=len(widths))
        tbl = table._tbl
        edge = "single" if ruled else "nil"
        sides = ("top", "left", "bottom", "right", "insideH", "insideV")
        borders = "".join(f'<w:{side} w:val="{edge}" w:sz="4" w:space="0" w:color="000000"/>' for side in sides)
        padding = CELL_PADDING if ruled else 0
        vertical = 28 if ruled else 0  # half a millimetre above and below ruled text
        tbl_pr = parse_xml(
            f"<w:tblPr {nsdecls('w')}>"
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:tblInd w:w="{left}" w:type="dxa"/>'
            f"<w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:top w:w="{vertical}" w:type="dxa"/><w:left w:w="{padding}" w:type="dxa"/>'
            f'<w:bottom w:w="{vertical}" w:type="dxa"/><w:right w:w="{padding}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
            "</w:tblPr>"
        )
        tbl.replace(tbl.tblPr, tbl_pr)
        for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            grid_col.set(qn("w:w"), str(width))
        for row in table.rows:
            row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = _twips(width)
        return table

    def _cell(self, cell: Any, text: str, *, align: str = "left", bold: bool = False, nowrap: bool = False, size: float | None = None) -> Any:
        p = self.paragraph(cell, text, align=align, bold=bold, existing=cell.paragraphs[0], size=size)
        if nowrap:
            from docx.oxml import parse_xml
            from docx.oxml.ns import nsdecls

            successors = ("w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
            cell._tc.get_or_add_tcPr().insert_element_before(parse_xml(f"<w:noWrap {nsdecls('w')}/>"), *successors)
        return p

    @staticmethod
    def _row_paragraphs(row: Any) -> list[Any]:
        return [p for cell in row.cells for p in cell.paragraphs]

    def _whole_em(self, twips: int) -> int:
        return -(-twips // self.em) * self.em

    def _printed_number(self, item: blocks.Item) -> str:
        # 公用文: 「1　」 and 「ア　」 are followed by a full-width space; 「（1）」 is not.
        if self.language == "ja" and item.depth in (1, 3):
            return item.number + "　"
        return item.number

    def _items(self, block: blocks.Items, left: int) -> list[Any]:
        """Numbered items, one paragraph each: number, label and value at tab stops.

        The columns line up over the whole list and a long value wraps under itself
        (a hanging indent), as an officer would set them in Word by hand; an item's
        children (its own items, facts or grid) are written under it, indented.
        """
        size, language = self.page.size, self.language
        numbers = [self._printed_number(item) for item in block.entries]
        widest_number = max(_twips_of(n, language, size) for n in numbers)
        # Japanese: whole 字, so every level's text starts on the 40-字 grid.
        number_width = self._whole_em(widest_number) if language == "ja" else self._number_width(numbers)
        available = self.width - left
        labelled = [item.label for item in block.entries if item.label and item.text]
        label_width = 0
        if labelled:
            widest = self._whole_em(max(_twips_of(label, language, size) for label in labelled)) + self.em
            label_width = min(widest, (available - number_width) * 45 // 100)
        align = "justify" if language == "ja" else "left"

        tail: list[Any] = []
        for item, number in zip(block.entries, numbers, strict=True):
            # 「ア　」 fills its two 字 exactly; a tab there would jump to the next stop.
            gap = "\t" if _twips_of(number, language, size) < number_width else ""
            stops = [left + number_width]
            if label_width and item.label and item.text:
                stops.append(left + number_width + label_width)
                text = f"{number}{gap}{item.label}\t{item.text}"
            else:
                text = f"{number}{gap}{item.label or item.text}"
            p = self.paragraph(self.document, text, align=align, left=stops[-1], first_line=left - stops[-1])
            for stop in stops:
                p.paragraph_format.tab_stops.add_tab_stop(_twips(stop))
            tail = [p]
            if not item.children:
                continue
            self.keep_with_next(tail)  # the item's heading stays with what it holds
            for child in item.children:
                if isinstance(child, blocks.Items) and language == "ja":
                    inner = left + self.em  # 公用文: each level one 字 further in
                else:
                    inner = left + number_width
                tail = self.block(child, left=inner)
        return tail

    def _facts(self, block: blocks.Facts, left: int) -> list[Any]:
        """A ruled table of label and value; the label column fits its longest label."""
        available = self.width - left
        widest = max((_twips_of(label, self.language, self.page.size) for label, _ in block.rows), default=0)
        label_width = min(widest + 2 * CELL_PADDING + self.em // 2, available * 45 // 100)
        table = self._table([label_width, available - label_width], left, ruled=True, rows=len(block.rows))
        for row, (label, value) in zip(table.rows, block.rows, strict=True):
            self._cell(row.cells[0], label, nowrap=True)
            self._cell(row.cells[1], value)
        # One item's particulars are read together: the table is kept on one page.
        for row in table.rows[:-1]:
            self.keep_with_next(self._row_paragraphs(row))
        return self._row_paragraphs(table.rows[-1])

    def _grid(self, block: blocks.Grid, left: int) -> list[Any]:
        """A ruled table whose header row repeats on every page.

        Set in the letter's size if its columns fit the line without breaking a word or
        a `nowrap` cell, else a half point smaller at a time, down to 8 pt.
        """
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        available = self.width - left
        size = self.page.size
        widths = self._grid_widths(block, available, size)
        while widths is None and size > GRID_SMALLEST:
            size -= 0.5
            widths = self._grid_widths(block, available, size)
        if widths is None:
            widths = self._grid_widths(block, available, size, squeeze=True) or []
        table = self._table(widths, left, ruled=True, rows=len(block.rows) + 1)
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        for cell, column in zip(header.cells, block.columns, strict=True):
            self._cell(cell, column.header, align="center", bold=self.language == "en", size=size)
        self.keep_with_next(self._row_paragraphs(header))
        for row, values in zip(table.rows[1:], block.rows, strict=True):
            for cell, column, value in zip(row.cells, block.columns, values, strict=True):
                self._cell(cell, value, nowrap=column.nowrap, size=size)
        return self._row_paragraphs(table.rows[-1])

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

    # The footer -------------------------------------------------------------------------

    def page_numbers(self) -> None:
        """「- 2 -」 (ja) or "2" (en) centred in the footer, on letters of two pages or more.

        The first page has a footer of its own, without a number; the others are numbered.
        A second page exists only in a letter of two pages or more, so the condition holds
        by construction, in Word and LibreOffice alike. Word's own way, { IF { NUMPAGES } > 1
        "- { PAGE } -" "" }, would number page 1 too, but LibreOffice does not evaluate PAGE
        or NUMPAGES inside an IF (writerfilter refuses the nesting): it prints the inner
        fields side by side, 「11」 on a one-page letter.
        """
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        first = section.first_page_footer
        self.paragraph(first, align="center", existing=first.paragraphs[0])
        before, after = PAGE_NUMBER[self.language]
        rest = self.paragraph(section.footer, align="center", existing=section.footer.paragraphs[0])
        self.text(rest, before)
        self._field(rest, self._simple_field("PAGE", "2"))
        self.text(rest, after)

    @staticmethod
    def _simple_field(code: str, shown: str) -> list[tuple[str, str | None]]:
        return [("begin", None), ("instr", f" {code} "), ("separate", None), ("text", shown), ("end", None)]

    def _field(self, p: Any, parts: list[tuple[str, str | None]]) -> None:
        """Runs of a complex field: w:fldChar begin/separate/end around w:instrText."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        for kind, value in parts:
            run = p.add_run()
            self._language(run._r.get_or_add_rPr())
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instr.text = value
                run._r.append(instr)
            elif kind == "text":
                run.add_text(value or "")
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)


def _twips(value: int) -> Any:
    from docx.shared import Twips

    return Twips(value)


def _pt(value: float) -> Any:
    from docx.shared import Pt

    return Pt(value)


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
