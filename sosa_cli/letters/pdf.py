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
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from .. import forked
from ..errors import SosaError
from ..i18n import N_, _, ngettext
from .document import Document

PDF_MISSING = N_(
    "PDF letters need WeasyPrint: pip install 'sosa-cli[pdf]' (on Debian/Ubuntu also: apt-get install fonts-ipaexfont libharfbuzz-subset0)"
)  # translated where it is given


# --- PDF ----------------------------------------------------------------------------------

# Page numbers (DOMAIN.md §7): 「- 2 -」 in Japanese, 「2」 in English, centred at the foot,
# on every page of a letter of two pages or more and on no page of a one-page letter.
# A page cannot ask how many pages follow it, but its footer can print the page count,
# counter(pages), through a counter style that prints 2 and more as the first page's
# number and 1 as nothing (out of its range, it falls back to an empty symbol). WeasyPrint
# fills footers in after the pages are laid out, so this costs no second layout. The
# letter's CSS says the same for a browser; this user stylesheet, with !important,
# outranks whatever an officer's CSS says.
_PAGE_NUMBERS = {"ja": ('"- " counter(page) " -"', "- 1 -"), "en": ("counter(page)", "1")}
_PAGE_NUMBER_CSS = """
@counter-style sosa-pdf-none {{ system: cyclic; symbols: ""; }}
@counter-style sosa-pdf-first-{language} {{ system: cyclic; symbols: "{first}"; range: 2 infinite; fallback: sosa-pdf-none; }}
@page {{ @bottom-center {{ content: {number} !important; }} }}
@page :first {{ @bottom-center {{ content: counter(pages, sosa-pdf-first-{language}) !important; }} }}
"""


class _Printer:
    """What every letter of a process shares: building it per letter made a batch 2.8× slower.

    One FontConfiguration (the system's fonts are looked up once), the page-number
    stylesheets and each letter.css parsed once, and the fetcher that keeps a letter
    self-contained.
    """

    def __init__(self, weasyprint) -> None:
        from weasyprint.css.counters import CounterStyle
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
        # The page-number counter styles live in this dictionary; each letter is laid out
        # with a copy, so that no letter's own @counter-style reaches the next one.
        self.counter_styles = CounterStyle()
        self.page_numbers = {
            language: weasyprint.CSS(
                string=_PAGE_NUMBER_CSS.format(language=language, number=number, first=first),
                font_config=self.fonts,
                counter_style=self.counter_styles,
                url_fetcher=self.fetcher,
            )
            for language, (number, first) in _PAGE_NUMBERS.items()
        }
        self.styles: dict[tuple[str, ...], tuple[list, dict]] = {}

    def lay_out(self, html: str):
        page = self.weasyprint.HTML(string=html, url_fetcher=self.fetcher)
        language = "ja" if (page.etree_element.get("lang") or "").lower().startswith("ja") else "en"
        sheets, counter_styles = self.inline_styles(page)
        # Laid out once: `write_pdf` is then called on this document, as HTML.write_pdf
        # would lay the letter out again.
        return page.render(
            font_config=self.fonts,
            counter_style=type(counter_styles)(counter_styles),
            stylesheets=[*sheets, self.page_numbers[language]],
        )

    def inline_styles(self, page) -> tuple[list, dict]:
        """The page's <style> sheets, parsed once per process and text, and their counter styles.

        Every letter of a relay carries the same letter.css; WeasyPrint would parse it
        again for each. Each plain <style> is handed to WeasyPrint already parsed and
        marked so that it is not read twice. Passed as the first of the render's
        stylesheets, its rules keep their order and weight: no other sheet of the page is
        left beside them, a `style` attribute still outranks them as before, and the
        page-number rules, given after them, still win.
        """
        elements = [e for e in page.etree_element.iter("style") if not e.attrib]
        texts = tuple("".join([e.text or "", *(child.tail or "" for child in e)]) for e in elements)
        if texts not in self.styles:
            # The letter's own @counter-style rules are kept with its sheets, apart from
            # every other letter's.
            counter_styles = type(self.counter_styles)(self.counter_styles)
            sheets = [self.weasyprint.CSS(string=text, font_config=self.fonts, counter_style=counter_styles, url_fetcher=self.fetcher) for text in texts]
            if len(self.styles) >= 8:  # an officer editing letter.css while a batch runs
                self.styles.clear()
            self.styles[texts] = sheets, counter_styles
        for element in elements:
            element.set("type", "text/x-sosa-parsed")  # WeasyPrint reads only text/css
        return self.styles[texts]


_printer: _Printer | None = None


def _weasyprint_printer() -> _Printer:
    global _printer
    if _printer is None:
        try:
            import weasyprint
        except ImportError:
            raise SosaError(_(PDF_MISSING)) from None
        except OSError as exc:  # installed, but pango/harfbuzz are not on this machine
            raise SosaError(_("WeasyPrint cannot start here ({error}); {missing}").format(error=exc, missing=_(PDF_MISSING))) from None
        _printer = _Printer(weasyprint)
    return _printer


def _print(html: str, identifier: str) -> tuple[bytes, list[str]]:
    """The PDF's bytes, and the characters no installed font had (printed as empty boxes).

    Raises the printer's `refused` when the letter asks to load a file or a web page.
    """
    printer = _weasyprint_printer()
    document = printer.lay_out(html)
    # Attachments are fetched only now, when the file is written.
    data = document.write_pdf(pdf_identifier=identifier.encode("ascii", "replace"))
    # `Font.missing` (WeasyPrint ≥ 53) holds the code points a font had no glyph for.
    fonts = getattr(document, "fonts", {}).values()
    return data, sorted({chr(c) for font in fonts for c in getattr(font, "missing", {})})


def print_pdf(html: str, *, identifier: str) -> Document:
    """Print an HTML letter to A4 PDF (the page size and margins are the letter's CSS).

    `identifier` (the letter's key, or "draft") becomes the PDF's /ID, which WeasyPrint
    otherwise draws at random. Pages are numbered when there are two or more. Refused
    when the letter asks to load anything but a data: URL, and when a character would
    print as an empty box: with no Japanese font installed WeasyPrint substitutes one
    that lacks the kanji and says nothing (NOTES.md), and an officer would post a letter
    of blank squares. A letter printed ahead (`printing_ahead`) is taken from its worker.
    """
    printer = _weasyprint_printer()
    printing = _ahead.pop((html, identifier), None)
    printed: tuple[bytes, list[str]] | None = None
    refused: str | None = None
    if printing is not None:
        try:
            printed, refused = printing.result()
        except Exception:  # its worker died or failed: printed here, as if never handed over
            printing = None
    if printing is None:
        try:
            printed, refused = _print(html, identifier), None
        except printer.refused as exc:
            printed, refused = None, str(exc)
    if refused is not None or printed is None:
        raise SosaError(
            _("the letter's template asks to load {url}: a letter may not include files or web pages").format(url=refused),
            hint=_("put the content in the template itself, or an image as a data: URL"),
        )
    data, missing = printed
    if missing:
        shown = "".join(missing[:10]) + ("…" if len(missing) > 10 else "")
        raise SosaError(
            ngettext(
                "the PDF would print {n} character as empty boxes ({shown}): no installed font has them",
                "the PDF would print {n} characters as empty boxes ({shown}): no installed font has them",
                len(missing),
            ).format(n=f"{len(missing):,}", shown=shown),
            hint=_("install a Japanese font: apt-get install fonts-ipaexfont"),
        )
    return Document(data, hashlib.sha256(html.encode("utf-8")).hexdigest())


# --- printing ahead, in several processes ----------------------------------------------------

# A relay of 200 letters spends nine tenths of its time in WeasyPrint, one letter after
# another on one CPU. `printing_ahead` hands the letters to worker processes as soon as
# their HTML is known, and `print_pdf` takes each one's PDF from its worker when the
# command comes to it: the letters, their numbers and their order are the command's as
# before, and the bytes are those the command's own process would print (the same
# WeasyPrint, fonts and identifier). SOSA_PDF_WORKERS sets how many (1: no workers).
AHEAD_MIN_LETTERS = 8  # below this, starting the workers costs more than it saves
AHEAD_MAX_WORKERS = 4
_ahead: dict[tuple[str, str], Any] = {}


def _workers(letters: int) -> int:
    """How many processes print a batch of `letters`: one per CPU this process may use, at most 4."""
    import os

    if letters < AHEAD_MIN_LETTERS or not forked.fork_safe():
        return 0
    setting = os.environ.get("SOSA_PDF_WORKERS", "").strip()
    if setting:
        try:
            return max(0, min(int(setting), letters))
        except ValueError:
            raise SosaError(
                _("SOSA_PDF_WORKERS={value} is not a number of processes").format(value=setting), hint=_("give a whole number, e.g. SOSA_PDF_WORKERS=2")
            ) from None
    return min(forked.cpus(), AHEAD_MAX_WORKERS, letters)


def _print_in_worker(html: str, identifier: str) -> tuple[tuple[bytes, list[str]] | None, str | None]:
    printer = _weasyprint_printer()
    try:
        return _print(html, identifier), None
    except printer.refused as exc:
        return None, str(exc)


@contextlib.contextmanager
def printing_ahead(letters: int) -> Iterator[Callable[[str, str], None] | None]:
    """Worker processes to print a batch of `letters` PDF letters, or None when one process is best.

    Yields `ahead(html, identifier)`, which starts printing a letter the batch will ask
    `print_pdf` for. The workers are forked from this process once WeasyPrint is set up
    here, so each starts at once with its fonts ready; they are stopped when the block
    ends, whether the batch was issued or refused.
    """
    workers = _workers(letters)
    if workers < 2:
        yield None
        return
    import multiprocessing
    import warnings
    from concurrent.futures import ProcessPoolExecutor

    _weasyprint_printer()  # before the fork: every worker has it ready
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=forked.quiet_child)

    def ahead(html: str, identifier: str) -> None:
        with warnings.catch_warnings():
            # Python ≥ 3.12 warns of fork beside a thread (the progress bar's): the workers
            # write nowhere and touch none of its locks (forked.quiet_child).
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                _ahead[(html, identifier)] = pool.submit(_print_in_worker, html, identifier)
            except RuntimeError:  # the pool broke (a worker died): the command prints this one itself
                pass

    try:
        yield ahead
    finally:
        _ahead.clear()
        pool.shutdown(wait=True, cancel_futures=True)
