"""PDF letters: the HTML letter printed by WeasyPrint (the `pdf` extra), as an officer files it.

WeasyPrint is imported inside the functions: it alone costs ~450 ms at start-up, which
`sosa status` must not pay. What it needs for every letter (the font configuration, the
page-number stylesheets) is built once per process, so a batch of relay letters costs
little more than WeasyPrint laying out the same pages in a bare loop.

An issued letter's recorded SHA-256 must match when it is rendered again, so the output
is reproducible: a PDF carries the letter's key as its identifier and no creation time.
Bytes still depend on the libraries (zlib's compressor, WeasyPrint's layout and the fonts
installed), so each document also has a `source_sha256`: the hash of what the letter says
(the HTML a PDF was printed from), which stays the same across such upgrades and is what
a later render is checked against.

(The Word half below, `fill_word` and `reproducible_zip`, is moving to word.py.)
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import SosaError

BINARY_FORMATS = ("docx", "pdf")

PDF_MISSING = (
    "PDF letters need WeasyPrint: pip install 'sosa-cli[pdf]'"
    " (on Debian/Ubuntu also: apt-get install fonts-ipaexfont libharfbuzz-subset0)"
)
WORD_MISSING = "Word letters need docxtpl, a dependency of sosa-cli: pip install 'docxtpl>=0.20'"


@dataclass(frozen=True)
class Document:
    """A letter as a file: its bytes, and the hash of what it says (see the module notes)."""

    data: bytes
    source_sha256: str


# --- PDF ----------------------------------------------------------------------------------

# Page numbers (DOMAIN.md §7): 「- 2 -」 in Japanese, 「2」 in English, centred at the foot,
# on every page of a letter of two pages or more and on no page of a one-page letter.
# A user stylesheet with !important outranks the letter's own CSS (which numbers pages
# from the second on, for a browser), whatever it says.
_PAGE_NUMBERS = {"ja": '"- " counter(page) " -"', "en": "counter(page)"}
_NO_PAGE_NUMBERS = "@page { @bottom-center { content: none !important } }"


class _Printer:
    """What every letter of a process shares: building it per letter made a batch 2.8× slower.

    One FontConfiguration (the system's fonts are looked up once), the page-number
    stylesheets parsed once, and the fetcher that keeps a letter self-contained.
    """

    def __init__(self, weasyprint) -> None:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError, URLFetcher

        class SelfContained(URLFetcher):
            # A letter is self-contained (its CSS is inline, its fonts are the system's).
            # An officer's template must not pull a local file or a web page into a
            # letter: a PDF would carry it along, past the template folder's own guard.
            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                raise FatalURLFetchingError(url)

        self.weasyprint = weasyprint
        self.refused = FatalURLFetchingError
        self.fetcher = SelfContained()
        self.fonts = FontConfiguration()

        def sheet(css: str):
            return weasyprint.CSS(string=css, font_config=self.fonts, url_fetcher=self.fetcher)

        self.unnumbered = sheet(_NO_PAGE_NUMBERS)
        self.numbered = {
            language: sheet(f"@page {{ @bottom-center {{ content: {content} !important }} }}")
            for language, content in _PAGE_NUMBERS.items()
        }

    def lay_out(self, html: str):
        page = self.weasyprint.HTML(string=html, url_fetcher=self.fetcher)
        # Laid out once without page numbers; only a letter that runs to two pages or more
        # is laid out again with them (a footer does not move the text, so the pages stay
        # the same). `write_pdf` is then called on the laid-out document: HTML.write_pdf
        # would lay the letter out once more.
        document = page.render(font_config=self.fonts, stylesheets=[self.unnumbered])
        if len(document.pages) >= 2:
            language = "ja" if (page.etree_element.get("lang") or "").lower().startswith("ja") else "en"
            document = page.render(font_config=self.fonts, stylesheets=[self.numbered[language]])
        return document


_printer: _Printer | None = None


def _weasyprint_printer() -> _Printer:
    global _printer
    if _printer is None:
        try:
            import weasyprint
        except ImportError:
            raise SosaError(PDF_MISSING) from None
        except OSError as exc:  # installed, but pango/harfbuzz are not on this machine
            raise SosaError(f"WeasyPrint cannot start here ({exc}); {PDF_MISSING}") from None
        _printer = _Printer(weasyprint)
    return _printer


def print_pdf(html: str, *, identifier: str) -> Document:
    """Print an HTML letter to A4 PDF (the page size and margins are the letter's CSS).

    `identifier` (the letter's key, or "draft") becomes the PDF's /ID, which WeasyPrint
    otherwise draws at random. Pages are numbered when there are two or more. Refused
    when the letter asks to load anything but a data: URL, and when a character would
    print as an empty box: with no Japanese font installed WeasyPrint substitutes one
    that lacks the kanji and says nothing (NOTES.md), and an officer would post a letter
    of blank squares.
    """
    printer = _weasyprint_printer()
    try:
        document = printer.lay_out(html)
        # Attachments are fetched only now, when the file is written.
        data = document.write_pdf(pdf_identifier=identifier.encode("ascii", "replace"))
    except printer.refused as exc:
        raise SosaError(
            f"the letter's template asks to load {exc}: a letter may not include files or web pages",
            hint="put the content in the template itself, or an image as a data: URL",
        ) from None
    # `Font.missing` (WeasyPrint ≥ 53) holds the code points a font had no glyph for.
    fonts = getattr(document, "fonts", {}).values()
    missing = sorted({chr(c) for font in fonts for c in getattr(font, "missing", {})})
    if missing:
        shown = "".join(missing[:10]) + ("…" if len(missing) > 10 else "")
        raise SosaError(
            f"the PDF would print {len(missing)} character(s) as empty boxes ({shown}): no installed font has them",
            hint="install a Japanese font: apt-get install fonts-ipaexfont",
        )
    return Document(data, hashlib.sha256(html.encode("utf-8")).hexdigest())


# --- Word ---------------------------------------------------------------------------------


def _docxtpl():
    try:
        import docxtpl
    except ImportError:
        raise SosaError(WORD_MISSING) from None
    return docxtpl


def fill_word(template: Path, context: dict[str, Any], *, dated: date, title: str) -> Document:
    """Fill a Word template with a letter's fields; every value is escaped for the XML.

    Without `autoescape` a company called `A & <B>` would lose text or leave a file Word
    refuses to open (NOTES.md). The environment is render.py's sandbox, so a Word
    template can do no more than a Markdown one.
    """
    docxtpl = _docxtpl()
    from jinja2 import TemplateError, UndefinedError
    from jinja2.exceptions import SecurityError

    from .render import Fields, OfficeFields, word_environment, wrap

    fields = {k: wrap(v, k, OfficeFields if k == "office" else Fields) for k, v in context.items()}
    try:
        word = docxtpl.DocxTemplate(str(template))
        word.render(fields, jinja_env=word_environment(), autoescape=True)
    except UndefinedError as exc:
        raise SosaError(
            f"Word template {template} uses the field {exc.message}, which this letter does not have",
            hint="regenerate it with `python -m sosa_cli.docx_templates`, or correct your own",
        ) from None
    except SecurityError as exc:
        raise SosaError(f"Word template {template} was stopped by the sandbox: {exc}") from None
    except TemplateError as exc:
        raise SosaError(f"Word template {template}: {exc}") from None
    except SosaError as exc:  # a missing setting
        exc.message = f"Word template {template}: {exc.message}"
        exc.args = (exc.message,)
        raise exc.with_traceback(None) from None
    except (OSError, KeyError, ValueError) as exc:  # not a Word file at all
        raise SosaError(f"{template} is not a Word template python-docx can read: {exc}") from None
    properties = word.docx.core_properties
    midnight = datetime(dated.year, dated.month, dated.day)
    properties.title = title
    properties.created = midnight
    properties.modified = midnight
    properties.last_modified_by = ""
    properties.revision = 1
    buffer = io.BytesIO()
    word.save(buffer)
    return reproducible_zip(buffer.getvalue(), dated)


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
