"""A letter as a file: what the Word and PDF writers return."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """The file's bytes, and the hash of what the letter says.

    Bytes of a Word or PDF file also depend on zlib, WeasyPrint and the fonts installed;
    `source_sha256` (the HTML a PDF was printed from, the uncompressed parts of a Word
    file) does not, and is what a later render of an issued letter is checked against.
    """

    data: bytes
    source_sha256: str
