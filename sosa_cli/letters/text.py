"""A letter as plain text (the `md` format): what an officer reads in a terminal or pastes into mail.

Japanese letters are laid out on a 40-字 line, the customary 公用文 page: the 文書番号,
date and sender pushed to the right margin with full-width spaces, the 件名 and 記
centred, the 担当 block set against the right margin with its lines aligned. English
letters are plain paragraphs, as a letter reads in an e-mail. Tables become indented
label–value lines (facts) or a Markdown table (grids).
"""

from __future__ import annotations

import unicodedata

from .blocks import Closing, Facts, Grid, Group, Items, Ki, Letter, Line, Paragraph, Space, Subject, subject_lines

# Line width of a Japanese A4 letter in full-width characters (40 字 × 30 行).
LINE_WIDTH = 40
FULL_SPACE = "\u3000"


def text_width(line: str) -> int:
    """Width in half-width columns: a kanji or full-width space counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _pad(columns: int) -> str:
    columns = max(columns, 0)
    return FULL_SPACE * (columns // 2) + " " * (columns % 2)


def flush_right(line: str, width: int = LINE_WIDTH) -> str:
    return _pad(width * 2 - text_width(line)) + line if line else line


def centre(line: str, width: int = LINE_WIDTH) -> str:
    return _pad((width * 2 - text_width(line)) // 2) + line if line else line


def block_right(lines: tuple[str, ...] | list[str], width: int = LINE_WIDTH) -> list[str]:
    """Lines kept aligned with each other, the block set against the right margin (担当)."""
    pad = _pad(width * 2 - max((text_width(line) for line in lines), default=0))
    return [pad + line if line else line for line in lines]


class _Writer:
    def __init__(self, language: str):
        self.ja = language == "ja"
        self.out: list[str] = []

    def emit(self, *lines: str) -> None:
        for line in lines:
            self.out.extend(line.split("\n"))

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def block(self, block, indent: str = "") -> None:
        if isinstance(block, Line):
            if not self.ja:
                self.emit(*(indent + part for part in block.text.split("\n")))
            elif block.align == "right":
                self.emit(*(flush_right(part) for part in block.text.split("\n")))
            elif block.align == "center":
                self.emit(*(centre(part) for part in block.text.split("\n")))
            else:
                self.emit(indent + block.text)
        elif isinstance(block, Space):
            self.out.append("")
        elif isinstance(block, Subject):
            if self.ja:
                self.emit(*(centre(line) for line in subject_lines(block.text, "ja")))
            else:
                self.emit(f"{block.prefix}{block.text}")
        elif isinstance(block, Paragraph):
            self.paragraph(block, indent)
        elif isinstance(block, Ki):
            self.blank()
            self.emit(centre(block.text) if self.ja else block.text)
            self.out.append("")
        elif isinstance(block, Closing):
            self.blank()
            self.emit(flush_right(block.text) if self.ja else block.text)
        elif isinstance(block, Group):
            lines = list(block.lines)
            self.emit(*(block_right(lines) if self.ja and block.align == "right" else lines))
        elif isinstance(block, Items):
            self.items(block, indent)
        elif isinstance(block, Facts):
            self.facts(block, indent)
        elif isinstance(block, Grid):
            self.grid(block, indent)

    def paragraph(self, block: Paragraph, indent: str) -> None:
        if block.number:
            self.blank()
            self.emit(f"{indent}{block.number} {block.text}")
            child_indent = indent + "   "
            for child in block.children:
                self.block(child, child_indent)
        else:
            self.emit(f"{indent}{FULL_SPACE if self.ja else ''}{block.text}")

    def items(self, block: Items, indent: str) -> None:
        gap = FULL_SPACE if self.ja else " "
        for item in block.entries:
            number = item.number + (FULL_SPACE if self.ja and item.depth != 2 else "")
            if not self.ja:
                number += " "
            head = number + item.label
            if item.label and item.text:
                head += gap + item.text
            elif item.text:
                head += item.text
            self.emit(indent + head)
            # Children sit under the item's text, past its number.
            child_indent = indent + (FULL_SPACE * (2 if item.depth == 2 else 1) if self.ja else "   ")
            for child in item.children:
                self.block(child, child_indent)

    def facts(self, block: Facts, indent: str) -> None:
        gap = FULL_SPACE if self.ja else ": "
        for label, value in block.rows:
            first, *rest = value.split("\n") if value else [""]
            self.emit(f"{indent}{label}{gap}{first}")
            pad = indent + _pad(text_width(label + gap))
            self.emit(*(pad + more for more in rest))

    def grid(self, block: Grid, indent: str) -> None:
        def row(cells) -> str:
            return indent + "| " + " | ".join(c.replace("\n", " ").replace("|", "\\|") for c in cells) + " |"

        self.blank()
        self.emit(row(c.header for c in block.columns))
        self.emit(indent + "|" + "|".join("---" for _ in block.columns) + "|")
        for cells in block.rows:
            self.emit(row(cells))
        self.out.append("")


def write_text(letter: Letter) -> str:
    writer = _Writer(letter.language)
    for block in letter.blocks:
        writer.block(block)
    lines = writer.out
    # No run of blank lines longer than the letter asks for, none at either end.
    while lines and lines[0] == "":
        lines.pop(0)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(line.rstrip(" ") for line in lines) + "\n"
