"""Word and PDF letters of every kind, read back as an officer would see them printed.

The PDF checks use poppler (`pdffonts`, `pdftotext`, `pdftoppm`): a PDF with no Japanese
font still gives the right text to `pdftotext` while printing empty boxes (NOTES.md),
so the font must be seen embedded and the page seen inked. They are skipped only on a
developer's machine without poppler or WeasyPrint; in CI (`CI` set) they must run.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sosa_cli import documents, docx_templates, letters
from sosa_cli.errors import SosaError

IN_CI = bool(os.environ.get("CI"))
needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None and not IN_CI, reason="poppler-utils not installed")


def _has_weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


needs_pdf = pytest.mark.skipif(not _has_weasyprint() and not IN_CI, reason="the pdf extra is not installed")

DELAY = [
    "delay", "add", "--company", "C-0001", "--supplier", "Acme Hydraulics Inc.", "--supplier-cage", "1ABC2",
    "--po", "PO-2026-0042", "--part-number", "HV-2210-7", "--nsn", "1650-01-234-5678", "--quantity", "4",
    "--need-date", "2027-01-15", "--promised-date", "2027-04-30", "--impact", "two aircraft held",
    "--efforts", "weekly calls with the supplier",
]
ASK = [
    "ask", "record", "--dod-ref", "IBP-2026-0311", "--received-on", "2026-11-25", "--program", "AN/TPY-2 radar sustainment",
    "--part-number", "MC-4410", "--nsn", "5962-01-456-7890", "--description", "Microcircuit, hybrid", "--quantity", "12",
    "--current-date", "2027-06-30", "--requested-date", "2027-03-31", "--reply-by", "2026-12-25",
]


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


ISSUE = {"enrollment": _enrollment, "request": _request, "outcome": _outcome, "relay": _relay, "reminder": _reminder, "reply": _reply}


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


def expected_parts(letter: dict) -> list[str]:
    """What an officer looks for, top to bottom: number, date, addressee, the closing."""
    from sosa_cli.calendar import format_english, format_wareki

    day = date.fromisoformat(letter["letter_date"])
    kind = letters.KINDS[letter["kind"]]
    if kind.language == "ja":
        organisation = letter["addressee"].split(" ")[0]
        return [letter["doc_number"], format_wareki(day), organisation, "以上"]
    return [letter["doc_number"], format_english(day), letter["addressee"], "Sincerely,"]


def in_order(text: str, parts: list[str]) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


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


def word_text(path: Path) -> str:
    """The Word letter's paragraphs and table cells in the order they stand in the document."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(str(path))
    lines = []
    for element in document.element.body.iterchildren():
        name = element.tag.rsplit("}", 1)[-1]
        if name == "p":
            lines.append(Paragraph(element, document).text)
        elif name == "tbl":
            for row in Table(element, document).rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


# --- PDF ----------------------------------------------------------------------------------


@needs_pdf
@needs_poppler
@pytest.mark.parametrize("kind", list(letters.KINDS))
def test_pdf_letter_embeds_a_japanese_font_and_reads_in_order(sosa, configured, kind, monkeypatch, tmp_path):
    path, letter = issue(sosa, kind, "pdf", monkeypatch)
    assert path.read_bytes().startswith(b"%PDF-")
    fonts = pdf_fonts(path)
    japanese = [f for f in fonts if any(name in f[0] for name in ("IPAex", "IPA", "CJK", "Mincho", "Gothic"))]
    assert japanese and all(f[-5] == "yes" for f in japanese), fonts  # emb = yes
    text = pdf_text(path)
    assert in_order(text, expected_parts(letter)), (expected_parts(letter), text)
    if kind == "relay":
        assert "任意の協力" in text
    assert inked_fraction(path, tmp_path) > 0.01


@needs_pdf
@needs_poppler
def test_japanese_pdf_is_a_kobunsho_page(sosa, configured, monkeypatch, tmp_path):
    """A4; number and date at the right, 件名 centred, 担当 block at the bottom right."""
    path, _ = issue(sosa, "enrollment", "pdf", monkeypatch)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    lines = pdf_text(path).splitlines()
    width = max(len(line) for line in lines)

    def line_with(part: str) -> str:
        return next(line for line in lines if part in line)

    for right in ("装備政策第1号", "令和8年11月26日", "（公印省略）", "以上"):
        line = line_with(right)
        assert line.rstrip().endswith(right) and line.index(right) > width // 2, line
    # Centred: 件名's last line and 記 stand well in from the left margin.
    for centred in ("（通知）", "記"):
        line = next(line for line in lines if line.strip().endswith(centred))
        assert line.index(line.strip()) > width // 4, line
    contact = line_with("（担当）")
    assert contact.index("（担当）") > width // 3, contact
    assert lines.index(contact) > lines.index(line_with("以上"))


@needs_pdf
@needs_poppler
def test_english_pdf_carries_the_english_date_and_signature(sosa, configured, monkeypatch):
    path, _ = issue(sosa, "request", "pdf", monkeypatch)
    text = pdf_text(path)
    assert in_order(text, ["Reference: 装備政策第1号", "26 November 2026", "Dear Sir or Madam:", "SUBJECT:", "Sincerely,", "TARO YAMADA", "Enclosure:", "cc:"])
    assert "東雲精機株式会社" in text  # the company's Japanese name, in the Mincho face


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
def test_pdf_and_html_of_a_letter_are_checked_against_the_same_text(sosa, configured, tmp_path, monkeypatch):
    sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf")
    own = tmp_path / "own"
    (own / "ja").mkdir(parents=True)
    shipped = (Path(letters.__file__).parent.parent / "templates" / "ja" / "enrollment.html.j2").read_text(encoding="utf-8")
    (own / "ja" / "enrollment.html.j2").write_text(shipped.replace("通知します。", "通知する。"), encoding="utf-8")
    monkeypatch.setenv("SOSA_TEMPLATES", str(own))
    refused = sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf", ok=False)
    assert refused.exit_code == 1 and "would now render differently from the pdf letter issued" in refused.stderr


@needs_pdf
def test_pdf_refuses_characters_no_font_has():
    with pytest.raises(SosaError, match="empty boxes"):
        documents.print_pdf("<html><body><p>\ue000</p></body></html>", identifier="draft")


def test_pdf_without_the_extra_says_how_to_install_it(sosa, configured, monkeypatch, db_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails
    result = sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf", ok=False)
    assert result.exit_code == 1
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1
    assert "pip install 'sosa-cli[pdf]'" in error and "fonts-ipaexfont" in error and "libharfbuzz-subset0" in error
    # The number was not used up by the letter that could not be made.
    assert json.loads(sosa("letter", "list", "--json").stdout) == []


# --- Word ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(letters.KINDS))
def test_word_letter_holds_the_same_parts_in_order(sosa, configured, kind, monkeypatch):
    path, letter = issue(sosa, kind, "docx", monkeypatch)
    text = word_text(path)
    assert in_order(text, expected_parts(letter)), (expected_parts(letter), text)
    assert "{{" not in text and "{%" not in text
    if letters.KINDS[kind].language == "ja":
        assert in_order(text, ["（公印省略）", letter["subject"], "記", "以上", "（担当）"])
    else:
        assert in_order(text, ["SUBJECT: " + letter["subject"], "1.\t", "Sincerely,", "Enclosure:", "cc:"])


def test_word_letter_is_a4_with_japanese_fonts(sosa, configured, monkeypatch):
    from docx import Document
    from docx.oxml.ns import qn

    path, _ = issue(sosa, "enrollment", "docx", monkeypatch)
    document = Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == docx_templates.JA_FONT
    paragraphs = {p.text: p for p in document.paragraphs}
    assert paragraphs["装備政策第1号"].alignment == 2 and paragraphs["以上"].alignment == 2  # right
    assert paragraphs["記"].alignment == 1  # centred
    assert document.core_properties.created.date() == date(2026, 11, 26)
    assert document.tables and document.tables[0].rows[0].cells[1].text == "企業名（和文）"


def test_word_letter_of_an_issued_letter_is_reproduced_byte_for_byte(sosa, configured, monkeypatch):
    path, letter = issue(sosa, "enrollment", "docx", monkeypatch)
    first = path.read_bytes()
    sosa("letter", "render", "enrollment", "C-0001", "--format", "docx")
    assert path.read_bytes() == first
    shown = json.loads(sosa("letter", "show", letter["key"], "--json").stdout)
    assert [(f["format"], f["sha256"]) for f in shown["files"]] == [("docx", hashlib.sha256(first).hexdigest())]


def test_an_officers_word_template_that_changed_cannot_rewrite_an_issued_letter(sosa, configured, tmp_path, monkeypatch):
    sosa("letter", "render", "enrollment", "C-0001", "--format", "docx")
    own = tmp_path / "own"
    (own / "ja").mkdir(parents=True)
    blocks = [*docx_templates.ENROLLMENT[:-1], docx_templates.Line("電話番号が変わりました")]
    document = docx_templates.build("ja", blocks)
    document.save(str(own / "ja" / "enrollment.docx"))
    monkeypatch.setenv("SOSA_TEMPLATES", str(own))
    refused = sosa("letter", "render", "enrollment", "C-0001", "--format", "docx", ok=False)
    assert refused.exit_code == 1 and "would now render differently from the docx letter issued" in refused.stderr
    # A draft uses the officer's template.
    draft = sosa("letter", "render", "enrollment", "C-0002", "--format", "docx", "--draft", "--out", str(tmp_path / "d.docx"))
    assert draft.exit_code == 0 and "電話番号が変わりました" in word_text(tmp_path / "d.docx")


def test_shipped_word_templates_are_what_the_generator_writes():
    assert docx_templates.main(["--check"]) == 0, "run python -m sosa_cli.docx_templates"


def test_every_kind_has_a_word_template():
    assert {(k.language, k.name) for k in letters.KINDS.values()} <= set(docx_templates.LETTERS)


# --- values that are markup elsewhere -----------------------------------------------------

AWKWARD = "株式会社テスト & <試験>"


@pytest.fixture
def awkward(sosa, configured) -> str:
    from sosa_cli.identifiers import corporate_check_digit

    base = f"{424242:012d}"
    key = sosa(
        "enroll", "--name-ja", AWKWARD, "--name-en", "Test & <Co> K.K.", "--corporate-number", f"{corporate_check_digit(base)}{base}",
        "--coc-accepted-on", "2026-10-01", "--contact-name", "試験 太郎", "--contact-title", "部長 <代理>",
    ).stdout.strip()
    return key


def test_word_letter_keeps_ampersands_and_angle_brackets(sosa, awkward):
    path = Path(sosa("letter", "render", "enrollment", awkward, "--format", "docx").stdout.strip())
    text = word_text(path)  # python-docx opens it: the XML is well-formed
    assert AWKWARD in text and "Test & <Co> K.K." in text and "部長 <代理>" in text
    assert "&amp;" not in text


@needs_pdf
@needs_poppler
def test_pdf_letter_keeps_ampersands_and_angle_brackets(sosa, awkward):
    path = Path(sosa("letter", "render", "enrollment", awkward, "--format", "pdf").stdout.strip())
    text = pdf_text(path)
    assert AWKWARD in text and "Test & <Co> K.K." in text and "&amp;" not in text


# --- where the bytes go -------------------------------------------------------------------


@needs_pdf
def test_binary_letter_goes_into_a_pipe_but_not_onto_a_terminal(sosa, configured, monkeypatch):
    piped = sosa("letter", "render", "enrollment", "C-0001", "--format", "pdf", "--out", "-")
    assert piped.stdout_bytes.startswith(b"%PDF-")
    word = sosa("letter", "render", "enrollment", "C-0002", "--format", "docx", "--out", "-")
    from docx import Document

    assert Document(io.BytesIO(word.stdout_bytes)).paragraphs[0].text == "装備政策第2号"

    monkeypatch.setattr("sosa_cli.cli.output.stdout_is_terminal", lambda: True)
    refused = sosa("letter", "render", "enrollment", "C-0003", "--format", "pdf", "--out", "-", ok=False)
    assert refused.exit_code == 1 and "is not printed on a terminal" in refused.stderr and "--out" in refused.stderr
    # Refused before a number was issued.
    assert [row["record"] for row in json.loads(sosa("letter", "list", "--json").stdout)] == ["C-0001", "C-0002"]


def test_enroll_can_issue_word_notices(sosa, configured, tmp_path):
    from sosa_cli.identifiers import corporate_check_digit

    base = f"{515151:012d}"
    result = sosa(
        "enroll", "--name-ja", "株式会社ワード", "--name-en", "Word K.K.", "--corporate-number", f"{corporate_check_digit(base)}{base}",
        "--coc-accepted-on", "2026-10-01", "--letter", "--letter-format", "docx",
    )
    assert ".docx" in result.stderr
    listed = json.loads(sosa("letter", "list", "--json").stdout)
    assert listed[-1]["files"][0]["format"] == "docx"
    assert "株式会社ワード" in word_text(Path(listed[-1]["files"][0]["path"]))


def test_templates_listing_names_the_word_templates(sosa, configured):
    listed = json.loads(sosa("letter", "templates", "--json").stdout)
    word = {(t["kind"], t["language"]) for t in listed if t["format"] == "docx"}
    assert word == {(k.name, k.language) for k in letters.KINDS.values()}
    assert all(t["path"] for t in listed if t["format"] == "docx")


@needs_pdf
def test_a_relay_batch_writes_one_pdf_per_company(sosa, configured, tmp_path):
    sosa(*ASK)
    folder = tmp_path / "batch"
    folder.mkdir()
    piped = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--format", "pdf", "--out", "-", ok=False)
    assert piped.exit_code == 1 and "several pdf letters cannot go to one stream" in piped.stderr
    result = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--to", "C-0010", "--format", "pdf", "--out", str(folder))
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == 3 and all(name.endswith(".pdf") for name in written)
    assert all(p.read_bytes().startswith(b"%PDF") for p in folder.iterdir())
    assert [line for line in result.stdout.splitlines()] == [str(folder / name) for name in written]


@needs_pdf
@pytest.mark.parametrize("tag", ['<link rel="attachment" href="file://{secret}">', '<img src="file://{secret}">', '<img src="http://127.0.0.1:9/x.png">'])
def test_an_officers_template_cannot_pull_files_into_a_pdf(sosa, configured, tmp_path, monkeypatch, tag):
    secret = tmp_path / "secret.txt"
    secret.write_text("another desk's file")
    own = tmp_path / "own" / "ja"
    own.mkdir(parents=True)
    (own / "enrollment.html.j2").write_text(
        '{% extends "shipped:ja/enrollment.html.j2" %}{% block style %}' + "{% endblock %}{% block body %}" + tag.format(secret=secret) + "{% endblock %}",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOSA_TEMPLATES", str(tmp_path / "own"))
    result = sosa("letter", "render", "enrollment", "C-0002", "--format", "pdf", "--out", str(tmp_path / "x.pdf"), ok=False)
    assert result.exit_code == 1
    assert "a letter may not include files or web pages" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    assert json.loads(sosa("letter", "list", "--json").stdout) == []
