"""Word and PDF letters of every kind, read back as an officer would see them printed, and
an officer's own wording and page style reaching every format.

Each kind's wording is one file, `templates/<language>/<kind>.xml.j2`, from which the md,
html, docx and pdf letters are all drawn (sosa_cli/letters/__init__.py). So the Word letter
is checked against the Markdown letter of the same issued letter, and an officer's copy of
one file must change all four formats.

The PDF checks use poppler (`pdffonts`, `pdftotext`, `pdftoppm`): a PDF with no Japanese
font still gives the right text to `pdftotext` while printing empty boxes (NOTES.md),
so the font must be seen embedded and the page seen inked. They are skipped only on a
developer's machine without poppler or WeasyPrint; in CI (`CI` set) they must run.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sosa_cli import letters
from sosa_cli.calendar import format_english, format_wareki
from sosa_cli.letters import word
from sosa_cli.letters.blocks import subject_lines
from sosa_cli.letters.templates import stylesheet_name, template_name
from tests.conftest import assert_lines_in_order, needs_pdf, needs_poppler
from tests.test_asks import ASK as ASK_OPTIONS

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "templates"

DELAY = [
    "delay",
    "add",
    "--company",
    "C-0001",
    "--supplier",
    "Acme Hydraulics Inc.",
    "--supplier-cage",
    "1ABC2",
    "--po",
    "PO-2026-0042",
    "--part-number",
    "HV-2210-7",
    "--nsn",
    "1650-01-234-5678",
    "--quantity",
    "4",
    "--need-date",
    "2027-01-15",
    "--promised-date",
    "2027-04-30",
    "--impact",
    "two aircraft held",
    "--efforts",
    "weekly calls with the supplier",
]
ASK = ["ask", "record", *ASK_OPTIONS]
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


# --- one letter of each kind, issued the way the desk issues it --------------------------


def _enrollment(sosa, fmt, monkeypatch):
    sosa("letter", "render", "enrollment", "C-0001", "--format", fmt)


def _request(sosa, fmt, monkeypatch):
    sosa(*DELAY)
    sosa("request", "open", "D-0001", "--action", "rating", "--urgency", "critical")
    sosa("request", "send", "R-0001", "--format", fmt)


def _outcome(sosa, fmt, monkeypatch):
    _request(sosa, "md", monkeypatch)
    sosa("request", "update", "R-0001", "--status", "acknowledged", "--dod-ref", "IBP-2026-117")
    sosa("request", "update", "R-0001", "--status", "rated", "--rating", "DO-A1")
    sosa("request", "update", "R-0001", "--status", "supplier-accepted", "--committed-date", "2027-01-12")
    sosa("request", "close", "R-0001", "--outcome", "resolved")
    sosa("letter", "render", "outcome", "R-0001", "--format", fmt)


def _relay(sosa, fmt, monkeypatch):
    sosa(*ASK)
    sosa("relay", "A-0001", "--to", "C-0002", "--format", fmt)


def _reminder(sosa, fmt, monkeypatch):
    _relay(sosa, "md", monkeypatch)
    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    sosa("ask", "remind", "A-0001", "--format", fmt)


def _reply(sosa, fmt, monkeypatch):
    _relay(sosa, "md", monkeypatch)
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    sosa("ask", "reply", "A-0001", "--format", fmt)


def _reply_supplement(sosa, fmt, monkeypatch):
    _relay(sosa, "md", monkeypatch)
    sosa("ask", "reply", "A-0001", "--partial")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "decline")
    sosa("ask", "reply", "A-0001", "--supplement", "--format", fmt)


ISSUE = {
    "enrollment": _enrollment,
    "request": _request,
    "outcome": _outcome,
    "relay": _relay,
    "reminder": _reminder,
    "reply": _reply,
    "reply-supplement": _reply_supplement,
}


def test_every_kind_has_a_way_here_to_issue_it():
    # A new kind must be added to ISSUE, so its Word and PDF letters are checked too.
    assert set(letters.KINDS) <= set(ISSUE)


def issue(sosa, kind: str, fmt: str, monkeypatch) -> tuple[Path, dict]:
    """Issue a letter of `kind` in `fmt`; its file and its register entry."""
    ISSUE[kind](sosa, fmt, monkeypatch)
    listed = json.loads(sosa("letter", "list", "--kind", kind, "--json").stdout)
    letter = listed[-1]
    files = [f for f in letter["files"] if f["format"] == fmt]
    assert files, letter
    return Path(files[0]["path"]), letter


def exported(sosa, letter: dict, fmt: str, folder: Path) -> Path:
    """The issued letter written again in `fmt`, from its record (`sosa letter export`)."""
    path = folder / f"{letter['key']}.{fmt}"
    sosa("letter", "export", letter["key"], "--format", fmt, "--out", str(path))
    return path


def expected_parts(letter: dict) -> list[str]:
    """What an officer looks for, top to bottom: number, date, addressee, 件名, 記 … 以上, 担当;
    in English: letterhead, reference, date, inside address, SUBJECT, Sincerely, the Director."""
    day = date.fromisoformat(letter["letter_date"])
    if letters.KINDS[letter["kind"]].language == "ja":
        organisation = letter["addressee"].split(" ")[0]
        return [
            letter["doc_number"],
            format_wareki(day),
            organisation,
            "（公印省略）",
            *subject_lines(letter["subject"], "ja"),
            "記",
            "以上",
            "（担当）",
        ]
    return [
        "Equipment Policy Division",
        f"Reference: ATLA-EPD No. {letter['serial']}",
        format_english(day),
        "Office of the Assistant Secretary of Defense for Industrial Base Policy",
        letter["addressee"],
        "Dear Sir or Madam:",
        "SUBJECT:",
        "Sincerely,",
        "ICHIRO SUZUKI",
        "Director, Equipment Policy Division",
    ]


def squeezed(text: str) -> str:
    """Without any space: a PDF justifies lines and breaks them where the page ends."""
    return re.sub(r"[\s\u3000]+", "", text)


def lines_of(text: str) -> list[str]:
    """Lines as an officer reads them, spaces squeezed out (Japanese) or to one (English)."""
    return [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in text.splitlines()]


def parts_in_order(text: str, parts: list[str], language: str) -> None:
    if language == "ja":
        assert_lines_in_order([squeezed(line) for line in text.splitlines()], [squeezed(p) for p in parts])
    else:
        assert_lines_in_order(lines_of(text), [" ".join(p.split()) for p in parts])


def pdf_text(path: Path, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def inked_fraction(path: Path, tmp_path: Path) -> float:
    """Share of page 1 that is not white, at 50 dpi."""
    from PIL import Image

    stem = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(stem)], check=True)
    with Image.open(f"{stem}.png") as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return 1 - sum(histogram[240:]) / sum(histogram)


def word_text(path: Path | bytes) -> str:
    """The Word letter's paragraphs and table cells in the order they stand in the document."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    lines = []
    for element in document.element.body.iterchildren():
        name = element.tag.rsplit("}", 1)[-1]
        if name == "p":
            lines.append(Paragraph(element, document).text)
        elif name == "tbl":
            for row in Table(element, document).rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def words(text: str) -> str:
    """A letter's words in order, whatever the layout: no spaces, tabs, table rules or the
    colon the Markdown letter sets after a label where Word has a table cell."""
    return re.sub(r"[\s|:\-]", "", text)


# --- PDF ----------------------------------------------------------------------------------


@needs_pdf
@needs_poppler
@pytest.mark.parametrize("kind", list(letters.KINDS))
def test_pdf_letter_embeds_its_fonts_and_reads_in_order(sosa, configured, kind, monkeypatch, tmp_path):
    path, letter = issue(sosa, kind, "pdf", monkeypatch)
    assert path.read_bytes().startswith(b"%PDF-")
    fonts = pdf_fonts(path)
    assert fonts and all(f[-5] == "yes" for f in fonts), fonts  # emb = yes: it prints the same anywhere
    text = pdf_text(path)
    language = letters.KINDS[kind].language
    parts_in_order(text, expected_parts(letter), language)
    if language == "ja":
        japanese = [f for f in fonts if any(name in f[0] for name in ("IPAex", "IPA", "CJK", "Mincho", "Gothic"))]
        assert japanese, fonts
    else:
        # DOMAIN.md §7: an English letter contains no Japanese characters.
        assert not JAPANESE.search(text), JAPANESE.search(text)
    if kind in ("relay", "reminder"):
        assert "任意のものです" in squeezed(text) and "法的な拘束力を新たに生じさせるものではありません" in squeezed(text)
    assert inked_fraction(path, tmp_path) > 0.01


A4_WIDTH = 595.276
MM = 72 / 25.4


def printed_line(path: Path, start: str) -> tuple[float, float, float]:
    """(left, right, top) in points of the first line on page 1 whose first word starts
    with `start`, from `pdftotext -bbox`."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    found = [(html.unescape(w), float(a), float(b), float(c)) for a, b, c, _, w in re.findall(pattern, out)]
    for text, x0, y0, _ in found:
        if text.startswith(start):
            row = [w for w in found if abs(w[2] - y0) < 1 and w[1] >= x0]
            return x0, max(w[3] for w in row), y0
    raise AssertionError(f"no line starts with {start!r}: {[w[0] for w in found]}")


@needs_pdf
@needs_poppler
def test_japanese_pdf_is_a_kobunsho_page(sosa, configured, monkeypatch, tmp_path):
    """A4; number, date and sender at the right margin, 件名 and 記 centred, 以上 at the
    right, the 担当 block below it against the right margin."""
    path, letter = issue(sosa, "enrollment", "pdf", monkeypatch)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info and re.search(r"^Pages:\s+1$", info, re.M)
    left_margin, right_margin = 30 * MM, A4_WIDTH - 25 * MM
    middle = (left_margin + right_margin) / 2
    for right in ("装備政策第1号", "令和8年11月26日", "防衛装備庁装備政策部装備政策課長", "（公印省略）", "以上"):
        _, end, _ = printed_line(path, right)
        assert abs(end - right_margin) < 2, (right, end, right_margin)
    left, _, _ = printed_line(path, "東雲精機株式会社")
    assert abs(left - left_margin) < 2
    for line in subject_lines(letter["subject"], "ja"):
        left, right, _ = printed_line(path, line[:8])
        assert abs((left + right) / 2 - middle) < 3, line
    left, right, top_ki = printed_line(path, "記")
    assert abs((left + right) / 2 - middle) < 3
    _, _, top_closing = printed_line(path, "以上")
    contact_left, _, top_contact = printed_line(path, "（担当）")
    assert top_ki < top_closing < top_contact
    assert contact_left > middle  # set against the right margin, not the left
    longest = max(printed_line(path, start)[1] for start in ("（担当）", "山田", "電話", "E-mail"))
    assert abs(longest - right_margin) < 2


@needs_pdf
@needs_poppler
def test_english_pdf_carries_the_english_date_and_signature(sosa, configured, monkeypatch):
    path, _ = issue(sosa, "request", "pdf", monkeypatch)
    text = pdf_text(path)
    parts_in_order(
        text,
        [
            "Reference: ATLA-EPD No. 1",
            "26 November 2026",
            "Dear Sir or Madam:",
            "SUBJECT:",
            "Sincerely,",
            "ICHIRO SUZUKI",
            "Director, Equipment Policy Division",
            "cc: Shinonome Seiki Co., Ltd.",
        ],
        "en",
    )
    # The company by its English name; its Japanese name, the 文書番号 and no Japanese anywhere.
    assert "Shinonome Seiki Co., Ltd." in text
    assert "東雲精機株式会社" not in text and "装備政策" not in text and not JAPANESE.search(text)
    # The Director signs; the desk officer is the point of contact.
    assert "point of contact at ATLA is Taro Yamada" in " ".join(text.split())
    # No Enclosure line when there is no enclosure.
    assert "Enclosure" not in text


@needs_pdf
def test_pdf_of_an_issued_letter_is_reproduced_byte_for_byte(sosa, configured, monkeypatch, db_path):
    path, letter = issue(sosa, "enrollment", "pdf", monkeypatch)
    first = path.read_bytes()
    sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf")
    assert path.read_bytes() == first
    shown = json.loads(sosa("letter", "show", letter["key"], "--json").stdout)
    assert [f["format"] for f in shown["files"]] == ["pdf"]
    assert shown["files"][0]["sha256"] == hashlib.sha256(first).hexdigest()


@needs_pdf
def test_pdf_refuses_characters_no_font_has(sosa, configured, tmp_path, monkeypatch):
    # An officer's wording with a character from the private use area: no font has it,
    # and a letter of empty boxes must not be posted.
    own = tmp_path / "own"
    text = (SHIPPED / "ja" / "enrollment.xml.j2").read_text(encoding="utf-8")
    write(own, "ja/enrollment.xml.j2", text.replace("通知します。", "通知します\ue000。"))
    monkeypatch.setenv("SOSA_TEMPLATES", str(own))
    refused = sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf", ok=False)
    assert refused.exit_code == 1 and "empty boxes" in refused.stderr and "fonts-ipaexfont" in refused.stderr
    assert json.loads(sosa("letter", "list", "--json").stdout) == []  # no number used up


def test_pdf_without_weasyprint_says_how_to_install_it(sosa, configured, monkeypatch, db_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails
    monkeypatch.setattr("sosa_cli.letters.pdf._printer", None)  # as in a process that printed none yet
    result = sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf", ok=False)
    assert result.exit_code == 1
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1
    assert "pip install 'sosa-cli[pdf]'" in error and "fonts-ipaexfont" in error and "libharfbuzz-subset0" in error
    # The number was not used up by the letter that could not be made.
    assert json.loads(sosa("letter", "list", "--json").stdout) == []


# --- Word ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(letters.KINDS))
def test_word_letter_holds_the_same_parts_in_order_as_its_markdown_letter(sosa, configured, kind, monkeypatch, tmp_path):
    path, letter = issue(sosa, kind, "docx", monkeypatch)
    text = word_text(path)
    language = letters.KINDS[kind].language
    parts_in_order(text, expected_parts(letter), language)
    assert "{{" not in text and "{%" not in text and "</" not in text
    if language == "en":
        assert "SUBJECT:\t" + letter["subject"] in text and "\n1.\t" in text
        assert not JAPANESE.search(text)
    # Drawn from the same wording: word for word what the Markdown letter of the same
    # issued letter says, in the same order.
    markdown = exported(sosa, letter, "md", tmp_path).read_text(encoding="utf-8")
    assert words(text) == words(markdown)


def test_word_letter_is_a4_with_japanese_fonts(sosa, configured, monkeypatch):
    from docx import Document
    from docx.oxml.ns import qn

    path, letter = issue(sosa, "enrollment", "docx", monkeypatch)
    document = Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == word.JA_FONT == "ＭＳ 明朝"
    paragraphs = {p.text: p for p in document.paragraphs}
    assert paragraphs["装備政策第1号"].alignment == 2 and paragraphs["令和8年11月26日"].alignment == 2  # right
    assert paragraphs["以上"].alignment == 2 and paragraphs["（公印省略）"].alignment == 2
    assert paragraphs["記"].alignment == 1  # centred
    subject = paragraphs["\n".join(subject_lines(letter["subject"], "ja"))]
    assert subject.alignment == 1
    # Items numbered 「1　」, then （1）: number, label and value at tab stops.
    assert "1\u3000\t企業名（和文）\t東雲精機株式会社" in paragraphs
    assert "（1）\t米国政府への提供\t同意する" in paragraphs
    assert document.core_properties.created.date() == date(2026, 11, 26)
    assert document.core_properties.title == f"{letter['doc_number']} {letter['subject']}"


def test_english_word_letter_is_a4_in_times(sosa, configured, monkeypatch):
    from docx import Document
    from docx.oxml.ns import qn

    path, _ = issue(sosa, "request", "docx", monkeypatch)
    document = Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Times New Roman"
    paragraphs = {p.text: p for p in document.paragraphs}
    assert paragraphs["Reference: ATLA-EPD No. 1"].alignment == 2 and paragraphs["26 November 2026"].alignment == 2


def test_word_letter_of_an_issued_letter_is_reproduced_byte_for_byte(sosa, configured, monkeypatch):
    path, letter = issue(sosa, "enrollment", "docx", monkeypatch)
    first = path.read_bytes()
    sosa("letter", "render", "enrollment", "C-0001", "--format", "docx")
    assert path.read_bytes() == first
    shown = json.loads(sosa("letter", "show", letter["key"], "--json").stdout)
    assert [(f["format"], f["sha256"]) for f in shown["files"]] == [("docx", hashlib.sha256(first).hexdigest())]


def test_shipped_templates_are_the_wording_and_nothing_generated():
    """One wording file per kind, a letterhead and a page style per language: no Word
    template, no per-format template, nothing generated that could fall behind the wording."""
    files = sorted(p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert not [f for f in files if f.endswith((".docx", ".dotx", ".md.j2", ".html.j2"))], files
    for kind in letters.KINDS.values():
        assert [f for f in files if f.rsplit("/", 1)[-1].split(".")[0] == kind.name] == [template_name(kind.language, kind.name)]
    for language in ("ja", "en"):
        assert template_name(language, "letterhead") in files and stylesheet_name(language) in files
    wording = {template_name(k.language, k.name) for k in letters.KINDS.values()}
    frame = {template_name(lang, "letterhead") for lang in ("ja", "en")} | {stylesheet_name(lang) for lang in ("ja", "en")}
    assert set(files) == wording | frame | {"__init__.py"}


# --- values that are markup elsewhere -----------------------------------------------------

AWKWARD = "株式会社テスト & <試験>"


@pytest.fixture
def awkward(sosa, configured) -> str:
    from sosa_cli.identifiers import corporate_check_digit

    base = f"{424242:012d}"
    key = sosa(
        "enroll",
        "--name-ja",
        AWKWARD,
        "--name-en",
        "Test & <Co> K.K.",
        "--corporate-number",
        f"{corporate_check_digit(base)}{base}",
        "--coc-accepted-on",
        "2026-10-01",
        "--contact-name",
        "試験 太郎",
        "--contact-title",
        "部長 <代理>",
    ).stdout.strip()
    return key


def test_word_letter_keeps_ampersands_and_angle_brackets(sosa, awkward):
    path = Path(sosa("letter", "render", "enrollment", awkward, "--format", "docx").stdout.strip())
    text = word_text(path)  # python-docx opens it: the XML is well-formed
    assert AWKWARD in text and "Test & <Co> K.K." in text and "部長 <代理>" in text
    assert "&amp;" not in text and "&lt;" not in text


@needs_pdf
@needs_poppler
def test_pdf_letter_keeps_ampersands_and_angle_brackets(sosa, awkward):
    path = Path(sosa("letter", "render", "enrollment", awkward, "--format", "pdf").stdout.strip())
    text = pdf_text(path)
    assert squeezed(AWKWARD) in squeezed(text) and "Test & <Co> K.K." in text
    assert "&amp;" not in text and "&lt;" not in text


# --- where the bytes go -------------------------------------------------------------------


@needs_pdf
def test_binary_letter_goes_into_a_pipe_but_not_onto_a_terminal(sosa, configured, monkeypatch):
    piped = sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf", "--out", "-")
    assert piped.stdout_bytes.startswith(b"%PDF-")
    word_letter = sosa("letter", "render", "enrollment", "C-0002", "--format", "docx", "--out", "-")
    assert word_text(word_letter.stdout_bytes).splitlines()[0] == "装備政策第2号"

    monkeypatch.setattr("sosa_cli.cli.output.stdout_is_terminal", lambda: True)
    for fmt in ("pdf", "docx"):
        refused = sosa("letter", "render", "enrollment", "C-0003", "--format", fmt, "--out", "-", ok=False)
        assert refused.exit_code == 1 and "is not printed on a terminal" in refused.stderr and "--out" in refused.stderr
    # Refused before a number was issued.
    assert [row["record"] for row in json.loads(sosa("letter", "list", "--json").stdout)] == ["C-0001", "C-0002"]


def test_enroll_can_issue_word_notices(sosa, configured, tmp_path):
    from sosa_cli.identifiers import corporate_check_digit

    base = f"{515151:012d}"
    result = sosa(
        "enroll",
        "--name-ja",
        "株式会社ワード",
        "--name-en",
        "Word K.K.",
        "--corporate-number",
        f"{corporate_check_digit(base)}{base}",
        "--coc-accepted-on",
        "2026-10-01",
        "--letter",
        "--letter-format",
        "docx",
    )
    assert ".docx" in result.stderr
    listed = json.loads(sosa("letter", "list", "--json").stdout)
    assert listed[-1]["files"][0]["format"] == "docx"
    text = word_text(Path(listed[-1]["files"][0]["path"]))
    assert "株式会社ワード\u3000御中" in text.splitlines()  # no contact: addressed to the company
    assert listed[-1]["doc_number"] in text.splitlines()


def test_templates_listing_names_one_wording_file_per_kind(sosa, configured):
    expected = [("letterhead", lang, template_name(lang, "letterhead")) for lang in ("ja", "en")]
    expected += [(k.name, k.language, template_name(k.language, k.name)) for k in letters.KINDS.values()]
    expected += [("style", lang, stylesheet_name(lang)) for lang in ("ja", "en")]
    listed = json.loads(sosa("letter", "templates", "--json").stdout)
    assert [(t["kind"], t["language"], t["name"]) for t in listed] == expected
    assert all(t["path"] == str(SHIPPED / t["name"]) and t["overridden"] is False for t in listed)
    # Piped: one tab-separated line each, kind, language, name, source, path.
    lines = sosa("letter", "templates").stdout.splitlines()
    rows = [line.split("\t") for line in lines if line.split("\t")[0] in {e[0] for e in expected}]
    assert [tuple(r) for r in rows] == [(kind, lang, name, "shipped", str(SHIPPED / name)) for kind, lang, name in expected]


@needs_pdf
def test_a_relay_batch_writes_one_pdf_per_company(sosa, configured, tmp_path):
    sosa(*ASK)
    folder = tmp_path / "batch"
    folder.mkdir()
    piped = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--format", "pdf", "--out", "-", ok=False)
    assert piped.exit_code == 1 and "several pdf letters cannot go to one stream" in piped.stderr
    result = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--to", "C-0010", "--format", "pdf", "--out", str(folder))
    written = sorted(p.name for p in folder.iterdir())
    assert written == [f"L-000{n}-relay-A-0001-{c}.pdf" for n, c in ((1, "C-0002"), (2, "C-0005"), (3, "C-0010"))]
    assert all(p.read_bytes().startswith(b"%PDF") for p in folder.iterdir())
    assert [line for line in result.stdout.splitlines()] == [str(folder / name) for name in written]


# --- an officer's own wording and page style ------------------------------------------------


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def own_copy(tmp_path: Path, monkeypatch, name: str, old: str, new: str) -> Path:
    """The officer's copy of one shipped file, with `old` changed to `new`, in SOSA_TEMPLATES."""
    shipped = (SHIPPED / name).read_text(encoding="utf-8")
    assert shipped.count(old) == 1, f"{old!r} is not once in {name}"
    own = tmp_path / "own"
    write(own, name, shipped.replace(old, new))
    monkeypatch.setenv("SOSA_TEMPLATES", str(own))
    return own


def every_format(sosa, letter: dict, folder: Path) -> dict[str, str]:
    """The issued letter's words in md, html, docx (python-docx) and pdf (pdftotext)."""
    paths = {fmt: exported(sosa, letter, fmt, folder) for fmt in letters.FORMATS}
    return {
        "md": paths["md"].read_text(encoding="utf-8"),
        "html": paths["html"].read_text(encoding="utf-8"),
        "docx": word_text(paths["docx"]),
        "pdf": pdf_text(paths["pdf"], layout=False),
    }


# One sentence of one file, as an officer would reword it (issue 10: "done when").
CHANGES = {
    "kind": (
        "relay",
        "ja/relay.xml.j2",
        "御協力が困難な場合であっても、その旨を御回答くださいますようお願いします。",
        "御協力が難しい場合にも、その旨を御回答くださいますようお願いします。",
    ),
    "letterhead": ("enrollment", "ja/letterhead.xml.j2", "（公印省略）", "（公印押印省略）"),
    "english": (
        "request",
        "en/request.xml.j2",
        "ATLA would be grateful for the Department's support.",
        "ATLA thanks the Department for its continued support.",
    ),
}


@needs_pdf
@needs_poppler
@pytest.mark.parametrize("change", list(CHANGES))
def test_an_officers_copy_of_one_file_changes_all_four_formats(sosa, configured, tmp_path, monkeypatch, change):
    kind, name, old, new = CHANGES[change]
    own_copy(tmp_path, monkeypatch, name, old, new)
    listed = {t["name"]: t for t in json.loads(sosa("letter", "templates", "--json").stdout)}
    assert listed[name]["overridden"] is True and listed[name]["path"] == str(tmp_path / "own" / name)
    _, letter = issue(sosa, kind, "md", monkeypatch)
    for fmt, text in every_format(sosa, letter, tmp_path).items():
        assert squeezed(new) in squeezed(text), fmt
        assert squeezed(old) not in squeezed(text), fmt
    if change == "kind":
        # The reminder's wording extends the relay's: the officer's sentence is there too.
        monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
        reminder = sosa("ask", "remind", "A-0001", "--out", "-").stdout
        assert squeezed(new) in squeezed(reminder)


def test_an_officers_letterhead_reaches_the_shipped_one_and_changes_word_letters(sosa, configured, tmp_path, monkeypatch):
    own = tmp_path / "own"
    write(
        own,
        "ja/letterhead.xml.j2",
        '{% extends "shipped:ja/letterhead.xml.j2" %}{% block sender %}\n<line align="right">防衛装備庁装備政策部長</line>\n{% endblock %}',
    )
    monkeypatch.setenv("SOSA_TEMPLATES", str(own))
    path, _ = issue(sosa, "enrollment", "docx", monkeypatch)
    text = word_text(path).splitlines()
    assert "防衛装備庁装備政策部長" in text and "（公印省略）" not in text
    assert "記" in text and "（担当）装備政策課" in "\n".join(text)  # the rest is the shipped letter


@pytest.mark.parametrize(
    ("fmt", "name", "old", "new"),
    [
        ("docx", "ja/enrollment.xml.j2", "登録したので通知します。", "登録しましたので、お知らせします。"),
        pytest.param("pdf", "ja/enrollment.xml.j2", "登録したので通知します。", "登録しましたので、お知らせします。", marks=needs_pdf),
        pytest.param("pdf", "ja/letter.css", "font-size: 10.5pt;\n  line-height: 1.75;", "font-size: 12pt;\n  line-height: 1.75;", marks=needs_pdf),
    ],
    ids=["docx-wording", "pdf-wording", "pdf-page-style"],
)
def test_an_officers_wording_that_changed_cannot_rewrite_an_issued_letter(sosa, configured, tmp_path, monkeypatch, fmt, name, old, new):
    path, letter = issue(sosa, "enrollment", fmt, monkeypatch)
    issued = path.read_bytes()
    own_copy(tmp_path, monkeypatch, name, old, new)
    refused = sosa("letter", "render", "enrollment", "C-0001", "--format", fmt, ok=False)
    assert refused.exit_code == 1 and f"would now render differently from the {fmt} letter issued" in refused.stderr
    assert letter["key"] in refused.stderr and "sosa letter cancel" in refused.stderr
    assert path.read_bytes() == issued  # the issued file stands as sent
    exported_again = sosa("letter", "export", letter["key"], "--format", fmt, "--out", str(tmp_path / f"again.{fmt}"), ok=False)
    assert exported_again.exit_code == 1 and not (tmp_path / f"again.{fmt}").exists()
    # A draft uses the officer's file.
    draft = tmp_path / f"draft.{fmt}"
    sosa("letter", "render", "enrollment", "C-0002", "--format", fmt, "--draft", "--out", str(draft))
    if name.endswith(".j2"):
        text = word_text(draft) if fmt == "docx" else pdf_text(draft, layout=False)
        assert squeezed(new) in squeezed(text)


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file://{secret}"/>',
        '<link rel="attachment" href="file://{secret}"/>',
        '<img src="http://127.0.0.1:9/x.png"/>',
        '<p>標記について、<img src="file://{secret}"/>通知します。</p>',
        '<p>標記について、<a href="http://127.0.0.1:9/">こちら</a>を御覧ください。</p>',
    ],
)
def test_an_officers_wording_cannot_hold_html_elements(sosa, configured, tmp_path, monkeypatch, markup):
    """The wording's XML has no image, link or anchor: a file or web page cannot be named in a letter."""
    secret = write(tmp_path, "secret.txt", "another desk's file")
    own = tmp_path / "own"
    write(
        own,
        "ja/enrollment.xml.j2",
        '{% extends "shipped:ja/enrollment.xml.j2" %}{% block body %}' + markup.replace("{secret}", str(secret)) + "{{ super() }}{% endblock %}",
    )
    monkeypatch.setenv("SOSA_TEMPLATES", str(own))
    element = re.match(r"(?:<p>[^<]*)?<(\w+)", markup).group(1)
    for fmt in letters.FORMATS:
        out = tmp_path / f"x.{fmt}"
        result = sosa("letter", "render", "enrollment", "C-0002", "--format", fmt, "--out", str(out), ok=False)
        assert result.exit_code == 1, fmt
        error = result.stderr.strip()
        assert len(error.splitlines()) == 1 and f"<{element}>" in error, error
        assert not out.exists()
    assert json.loads(sosa("letter", "list", "--json").stdout) == []


@needs_pdf
@pytest.mark.parametrize(
    "trick",
    [
        ("prepend", "@import url({secret});\n"),
        ("prepend", '@import url("http://127.0.0.1:9/x.css");\n'),
        ("append", "\nbody { background: url(http://127.0.0.1:9/x.png); }\n"),
        ("append", "\nhtml { background-image: url({secret}); }\n"),
        ("append", '\n@font-face { font-family: "Leak"; src: url({secret}); }\nhtml { font-family: "Leak", serif; }\n'),
    ],
    ids=["import-file", "import-http", "background-http", "background-file", "font-face-file"],
)
def test_an_officers_page_style_cannot_pull_files_into_a_pdf(sosa, configured, tmp_path, monkeypatch, trick):
    where, rule = trick
    secret = write(tmp_path, "secret.css", "body { color: red }")
    rule = rule.replace("{secret}", secret.as_uri())
    shipped = (SHIPPED / "ja" / "letter.css").read_text(encoding="utf-8")
    write(tmp_path / "own", "ja/letter.css", rule + shipped if where == "prepend" else shipped + rule)
    monkeypatch.setenv("SOSA_TEMPLATES", str(tmp_path / "own"))
    result = sosa("letter", "render", "enrollment", "C-0002", "--format", "pdf", "--out", str(tmp_path / "x.pdf"), ok=False)
    assert result.exit_code == 1
    assert "a letter may not include files or web pages" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    assert json.loads(sosa("letter", "list", "--json").stdout) == []
