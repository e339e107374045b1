"""A letter as one HTML page: what a browser shows and prints, and what WeasyPrint turns into the PDF.

The page is self-contained (its stylesheet inline, no image, font or link to fetch), so
the file an officer opens a year later looks as it did the day it was issued. Every text
is escaped here, whatever the wording template did: a company called `A & <B>` stays text.

The layout lives in `templates/<language>/letter.css`; this module only names the parts.
Item numbers (「1　」, （1）, ア) are printed as text, not as list markers, so that they are
in what an officer copies out of the page or the PDF, and items are a table of number,
label and value, so a long value wraps under itself and a label never breaks.

The tables of items and facts are laid out with fixed column widths measured here, not by
the printer from their content: WeasyPrint's automatic table layout sets every cell's text
twice (once to measure it), a fifth of what a relay letter's PDF cost
(benchmarks/bench_relay.py). The measure is the fonts letter.css names first; with another
face a label may stand a little wider or narrower than its column, never broken.
"""

from __future__ import annotations

import html as _html
import math
import re
import unicodedata

from ..errors import SosaError
from ..i18n import _
from .blocks import (
    Block,
    Closing,
    Facts,
    Grid,
    Group,
    Item,
    Items,
    Ki,
    Letter,
    Line,
    Paragraph,
    Space,
    Subject,
    subject_lines,
)

FULL_SPACE = "\u3000"

# How wide the printable ASCII characters (U+0020 to U+007E) print, in thousandths of an em,
# in the face letter.css names first: IPAex明朝 (ja) and Liberation Serif, metrically Times
# New Roman (en), read from their advance widths. Full-width characters are one em in any
# Japanese face.
_ASCII_WIDTHS = {
    "ja": "290 282 353 618 618 784 726 212 365 365 250 678 238 295 238 500 618 618 618 618 618 618 618 618 618 618 288 288 678 678 678 504 899 724 709 730 "
    "787 699 640 782 819 379 472 721 607 954 816 801 642 801 695 614 624 792 718 960 720 685 632 340 500 340 500 500 500 543 601 535 614 558 313 551 616 301 "
    "304 564 293 897 628 589 615 598 405 476 332 609 533 780 520 534 461 339 196 339 500",
    "en": "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 500 500 500 500 278 278 564 564 564 444 921 722 667 667 "
    "722 611 556 722 722 333 389 722 611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 500 444 500 444 333 500 500 278 "
    "278 500 278 778 500 500 500 500 333 389 278 500 500 722 500 500 444 480 200 480 541",
}
_ASCII_EMS = {language: [int(w) / 1000 for w in widths.split()] for language, widths in _ASCII_WIDTHS.items()}
# Neither ASCII nor full-width (é, ō, ①, ※): as wide as the widest letters, erring wide.
_OTHER_EM = {"ja": 1.0, "en": 0.75}
# English items: the number and the label stand 0.6 em clear of what follows them (the
# Japanese ones carry a full-width space, so a text measured a hair short overflows into
# blank space only), and the numbers hang in a column at least 2 em wide, as those of the
# numbered paragraphs do (letter.css, `.para`).
_GAP_EM = {"ja": 0.0, "en": 0.6}
_NUMBER_EM = {"ja": 0.0, "en": 2.0}


def ems(text: str, language: str) -> float:
    """How wide `text` prints on its longest line, in ems of its type size."""
    ascii_ems, other = _ASCII_EMS[language], _OTHER_EM[language]

    def width(line: str) -> float:
        return sum(ascii_ems[ord(c) - 32] if " " <= c <= "~" else 1.0 if unicodedata.east_asian_width(c) in "WF" else other for c in line)

    return max((width(line) for line in text.split("\n")), default=0.0)


def _width(em: float) -> str:
    """A column's CSS width, rounded up to a thousandth of an em."""
    return f"{math.ceil(round(em * 1000, 6)) / 1000:g}em"


def _text(text: str) -> str:
    """Escaped text, a <br/> of the wording kept as a line break."""
    return "<br>".join(_html.escape(part) for part in text.split("\n"))


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def _is_table(block: Block) -> bool:
    return isinstance(block, Facts | Grid)


class _Writer:
    def __init__(self, language: str):
        self.language = language
        self.ja = language == "ja"
        self.out: list[str] = []

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            self.block(block, following)

    def block(self, block: Block, following: Block | None = None) -> None:
        if isinstance(block, Line):
            names = _classes("line", block.align, "bold" if block.bold else "", "rule" if block.rule else "")
            self.out.append(f'<p class="{names}">{_text(block.text)}</p>')
        elif isinstance(block, Space):
            # A blank line before the 以上 or the 担当 block goes with it to the next page,
            # so that neither is left alone at the top of a page.
            keep = isinstance(following, Group | Closing)
            self.out.append(f'<div class="{_classes("space", "keep" if keep else "")}"></div>')
        elif isinstance(block, Subject):
            self.subject(block)
        elif isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Ki):
            self.out.append(f'<p class="ki">{_text(block.text)}</p>')
        elif isinstance(block, Closing):
            self.out.append(f'<p class="closing">{_text(block.text)}</p>')
        elif isinstance(block, Group):
            # Against the right margin: as wide as its longest line, so that the lines stand
            # aligned with each other and the longest ends at the margin.
            width = f' style="width: {_width(max(map(self.ems, block.lines), default=0.0))}"' if block.align == "right" else ""
            self.out.append(f'<div class="{_classes("group", block.align)}"{width}>')
            self.out.extend(f'<p class="line">{_text(line)}</p>' for line in block.lines)
            self.out.append("</div>")
        elif isinstance(block, Items):
            self.items(block)
        elif isinstance(block, Facts):
            self.facts(block)
        elif isinstance(block, Grid):
            self.grid(block)

    def subject(self, block: Subject) -> None:
        if self.ja:
            # The lines are cut where the Markdown and Word letters cut them, never by the page.
            lines = "".join(f'<span class="subject-line">{_text(line)}</span>' for line in subject_lines(block.text, "ja"))
            self.out.append(f'<h1 class="subject">{lines}</h1>')
        else:
            prefix = f'<span class="prefix">{_text(block.prefix.strip())}</span>' if block.prefix.strip() else ""
            self.out.append(f'<h1 class="subject">{prefix}<span class="text">{_text(block.text)}</span></h1>')

    def paragraph(self, block: Paragraph) -> None:
        if not block.number:
            self.out.append(f'<p class="paragraph">{_text(block.text)}</p>')
            return
        # A paragraph that introduces a table or list is never left at the foot of a page
        # without it.
        lead = "text heading" if block.children else "text"
        self.out.append('<div class="para">')
        self.out.append(f'<p class="{lead}"><span class="number">{_text(block.number)}</span>{_text(block.text)}</p>')
        self.blocks(block.children)
        self.out.append("</div>")

    def number(self, item: Item) -> str:
        # 公用文: 「1　」 and 「ア　」 are followed by a full-width space, 「（1）」 carries its own.
        if self.ja and item.depth != 2:
            return item.number + FULL_SPACE
        return item.number

    def items(self, block: Items) -> None:
        # Columns: the widest number, the widest label of an item that also has a value
        # (a heading alone on its line spans both and does not widen them), the value the rest.
        gap = _GAP_EM[self.language]
        number = max([_NUMBER_EM[self.language], *(self.ems(self.number(item)) + gap for item in block.entries)])
        labels = [self.ems(item.label + (FULL_SPACE if self.ja else "")) + gap for item in block.entries if item.label and item.text]
        self.out.append(f'<table class="items depth-{block.depth}">')
        self.out.append(f'<colgroup><col style="width: {_width(number)}"><col style="width: {_width(max(labels, default=0.0))}"></colgroup>')
        for item in block.entries:
            heading = bool(item.children)
            row = _classes("item", "heading" if heading else "")
            cells = f'<td class="number">{_text(self.number(item))}</td>'
            if item.label and item.text:
                space = FULL_SPACE if self.ja else ""
                cells += f'<td class="label">{_text(item.label)}{space}</td><td class="value">{_text(item.text)}</td>'
            elif item.label:
                # A heading alone on its line does not widen the label column of the others.
                cells += f'<td class="label" colspan="2">{_text(item.label)}</td>'
            else:
                cells += f'<td class="value" colspan="2">{_text(item.text)}</td>'
            self.out.append(f'<tr class="{row}">{cells}</tr>')
            if item.children:
                # Under the item's label, past its number column.
                self.out.append(f'<tr class="children"><td class="nested" colspan="3" style="padding-left: {_width(number)}">')
                self.blocks(item.children)
                self.out.append("</td></tr>")
        self.out.append("</table>")

    def facts(self, block: Facts) -> None:
        self.out.append('<table class="facts">')
        # The labels' column as wide as the widest label; its padding is letter.css's.
        label = _width(max((self.ems(label) for label, _ in block.rows), default=0.0))
        for n, (label_text, value) in enumerate(block.rows):
            width = f' style="width: {label}"' if n == 0 else ""
            self.out.append(f'<tr><th scope="row"{width}>{_text(label_text)}</th><td>{_text(value)}</td></tr>')
        self.out.append("</table>")

    def ems(self, text: str) -> float:
        return ems(text, self.language)

    def grid(self, block: Grid) -> None:
        self.out.append('<table class="grid">')
        widths = [f' style="width: {c.width:g}mm"' if c.width else "" for c in block.columns]
        self.out.append("<colgroup>" + "".join(f"<col{w}>" for w in widths) + "</colgroup>")
        nowrap = [' class="nowrap"' if c.nowrap else "" for c in block.columns]
        # A <thead> is printed again at the top of every page the table runs onto.
        head = "".join(f'<th scope="col"{n}{w}>{_text(c.header)}</th>' for c, n, w in zip(block.columns, nowrap, widths, strict=True))
        self.out.append(f"<thead><tr>{head}</tr></thead>")
        self.out.append("<tbody>")
        for cells in block.rows:
            row = "".join(f"<td{n}>{_text(cell)}</td>" for cell, n in zip(cells, nowrap, strict=True))
            self.out.append(f"<tr>{row}</tr>")
        self.out.append("</tbody></table>")


# What would make a browser fetch something when the letter is opened: an @import, or a
# url() that is not a data: URL (fonts, backgrounds). The PDF printer refuses them too.
_FETCHES = re.compile(r"@import|url\(\s*(?![\"']?\s*data:)", re.IGNORECASE)


def _self_contained(css: str) -> None:
    """A letter opened in a browser loads nothing: no file from the desk's disk, no web page."""
    found = _FETCHES.search(re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL))
    if found:
        raise SosaError(
            _("the letter's stylesheet loads something from outside ({found}…): a letter may not include files or web pages").format(
                found=found.group(0).strip()
            ),
            hint=_("keep letter.css to rules; an image or font may only be a data: URL"),
        )


def write_html(letter: Letter, *, css: str, title: str) -> str:
    """The letter as one self-contained HTML5 page, laid out by `css` (the language's letter.css)."""
    if "</style" in css.lower():
        # The stylesheet is an officer's file, pasted into the page as it is.
        raise SosaError(
            _("the letter's stylesheet contains '</style', which would end it inside the page"),
            hint=_("remove it from letter.css"),
        )
    _self_contained(css)
    writer = _Writer(letter.language)
    writer.blocks(letter.blocks)
    body = "\n".join(writer.out)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_html.escape(letter.language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{_html.escape(title)}</title>\n"
        f"<style>\n{css.strip()}\n</style>\n"
        "</head>\n"
        f'<body class="letter {_html.escape(letter.language)}">\n'
        f"{body}\n"
        "</body>\n"
        "</html>\n"
    )
