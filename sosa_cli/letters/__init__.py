"""Everything about letters and nothing else.

* kinds.py — the kinds of letter and the facts each is filled with, built from records
  the domain modules hand in (this package imports no domain module);
* register.py — the register of 文書番号: issue, render again, cancel, list, and its
  files on disk checked against their recorded SHA-256;
* templates.py — the officer's and the shipped wording, the sandbox that fills it;
* blocks.py — the letter read from its wording: the one description of every format;
* text.py, html.py, word.py, pdf.py — the formats (a PDF is the HTML printed).

A letter rule is in this folder; when and to whom a letter is issued is the domain's.
"""

from .kinds import KINDS, Kind, LetterFacts, Target, get_kind
from .register import (
    BINARY_FORMATS,
    FORMATS,
    FileCheck,
    FileProblem,
    Letter,
    LetterResult,
    TemplateUse,
    cancel,
    get_letter,
    issue,
    issued,
    letters_dir,
    list_letters,
    render_issued,
    snapshot_field,
    templates_in_use,
    verify_files,
)

__all__ = [
    "BINARY_FORMATS",
    "FORMATS",
    "FileCheck",
    "FileProblem",
    "KINDS",
    "Kind",
    "Letter",
    "LetterFacts",
    "LetterResult",
    "Target",
    "TemplateUse",
    "cancel",
    "get_kind",
    "get_letter",
    "issue",
    "issued",
    "letters_dir",
    "list_letters",
    "render_issued",
    "snapshot_field",
    "templates_in_use",
    "verify_files",
]
