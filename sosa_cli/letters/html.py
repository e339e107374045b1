"""A letter as one HTML page: what a browser shows and prints, and what WeasyPrint turns into the PDF.

The page is self-contained (its stylesheet inline, no image, font or link to fetch), so
the file an officer opens a year later looks as it did the day it was issued. Every text
is escaped here, whatever the wording template did: a company called `A & <B>` stays text.

The layout lives in `templates/<language>/letter.css`; this module only names the parts.
Item numbers (「1　」, （1）, ア) are printed as text, not as list markers, so that they are
in what an officer copies out of the page or the PDF, and items are a table of number,
label and value, so a long value wraps under itself and a label never breaks.
"""

from __future__ import annotations

import html as _html
import re

from ..errors import SosaError
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


def _text(text: str) -> str:
    """Escaped text, a <br/> of the wording kept as a line break."""
    return "<br>".join(_html.escape(part) for part in text.split("\n"))


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def _is_table(block: Block) -> bool:
    return isinstance(block, Facts | Grid)


class _Writer:
    def __init__(self, language: str):
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
            self.out.append(f'<div class="{_classes("group", block.align)}">')
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
        self.out.append(f'<table class="items depth-{block.depth}">')
        for item in block.entries:
            heading = bool(item.children)
            row = _classes("item", "heading" if heading else "")
            cells = f'<td class="number">{_text(self.number(item))}</td>'
            if item.label and item.text:
                gap = FULL_SPACE if self.ja else ""
                cells += f'<td class="label">{_text(item.label)}{gap}</td><td class="value">{_text(item.text)}</td>'
            elif item.label:
                # A heading alone on its line does not widen the label column of the others.
                cells += f'<td class="label" colspan="2">{_text(item.label)}</td>'
            else:
                cells += f'<td class="value" colspan="2">{_text(item.text)}</td>'
            self.out.append(f'<tr class="{row}">{cells}</tr>')
            if item.children:
                self.out.append('<tr class="children"><td class="number"></td><td class="nested" colspan="2">')
                self.blocks(item.children)
                self.out.append("</td></tr>")
        self.out.append("</table>")

    def facts(self, block: Facts) -> None:
        self.out.append('<table class="facts">')
        for label, value in block.rows:
            self.out.append(f'<tr><th scope="row">{_text(label)}</th><td>{_text(value)}</td></tr>')
        self.out.append("</table>")

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
            f"the letter's stylesheet loads something from outside ({found.group(0).strip()}…): a letter may not include files or web pages",
            hint="keep letter.css to rules; an image or font may only be a data: URL",
        )


def write_html(letter: Letter, *, css: str, title: str) -> str:
    """The letter as one self-contained HTML5 page, laid out by `css` (the language's letter.css)."""
    if "</style" in css.lower():
        # The stylesheet is an officer's file, pasted into the page as it is.
        raise SosaError(
            "the letter's stylesheet contains '</style', which would end it inside the page",
            hint="remove it from letter.css",
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
