"""Word letters (letters/word.py): a letter's blocks laid out as a .docx, read back as an officer would."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from sosa_cli.errors import SosaError
from sosa_cli.letters import blocks, word
from tests.conftest import assert_lines_in_order

DATED = date(2026, 11, 26)
SUBJECT = "米国国防省からの要請に係る防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく納期の前倒しへの御協力について（依頼）"
EMAIL = "sosa-desk.equipment-policy@atla.mod.go.jp"

GRID_ROW = (
    "<row><cell>（{n}）</cell><cell>MC-4410-{n}（Microcircuit, hybrid）</cell><cell>5962-01-456-78{n:02d}</cell>"
    "<cell>12</cell><cell>一部協力可能</cell><cell>令和8年12月25日</cell></row>"
)

# A relay letter as ja/relay.xml.j2 renders it, with a table of answers as a grid.
JA = """<letter lang="ja">
<line align="right">装備政策第12号</line>
<line align="right">令和8年11月26日</line>
<space/>
<line>株式会社A&amp;B精機</line>
<line>代表取締役　山田　太郎　殿</line>
<space/>
<line align="right">防衛装備庁装備政策部装備政策課長</line>
<line align="right">（公印省略）</line>
<space/>
<subject>{subject}</subject>
<space/>
<p>標記について、防衛装備品等の供給の安定化に係る取決め（SoSA）に基づき、令和8年11月20日付けで
米国国防省から下記の品目の納期の前倒しについて要請がありました。</p>
<p>つきましては、令和8年12月10日までに下記担当あて御回答くださいますようお願いします。</p>
<ki>記</ki>
<items>
<item label="要請元">米国国防省（米国側整理番号　IBP-SoSA-2026-0230）</item>
<item label="米国の計画・最終品目">F-35A &lt;Block 4&gt; 整備用部品</item>
<item label="対象品目">
<items>
<item>MC-4410-2（Microcircuit, hybrid, radar receiver）
<facts>
<fact label="NSN">5962-01-456-7890</fact>
<fact label="数量">12</fact>
<fact label="米国が希望する納期">令和9年5月31日</fact>
</facts>
</item>
</items>
</item>
<item label="これまでの回答">
<grid>
<head><cell width="12"></cell><cell>部品番号（品名）</cell><cell width="30">NSN</cell><cell nowrap="yes">数量</cell>
<cell nowrap="yes">回答</cell><cell nowrap="yes">回答期限</cell></head>
{rows}
</grid>
</item>
<item label="回答方法">次のいずれかを、下記担当あてE-mailにより御回答くださいますようお願いします。
<items>
<item label="協力可能">前倒し後の納期</item>
<item label="一部協力可能">前倒しが可能な数量及びその納期
<items>
<item>数量</item>
<item>納期</item>
</items>
</item>
</items>
</item>
<item label="当庁整理番号">A-0001</item>
</items>
<closing>以上</closing>
<space/>
<block align="right">
<line>（担当）装備政策課SoSA担当</line>
<line>　　　　佐藤　花子</line>
<line>　　　　電話　03-3268-3111（内線12345）</line>
<line>　　　　E-mail　{email}</line>
</block>
</letter>"""

EN = """<letter lang="en">
<line align="center" bold="yes">Equipment Policy Division, Acquisition, Technology and Logistics Agency (ATLA)</line>
<line align="center">5-1 Ichigaya-Honmuracho, Shinjuku-ku, Tokyo 162-8870</line>
<line align="center" rule="yes">Telephone +81-3-3268-3111</line>
<space/>
<line align="right">Reference: ATLA-EPD No. 10</line>
<line align="right">26 November 2026</line>
<space/>
<line>Office of the Assistant Secretary of Defense for Industrial Base Policy</line>
<line>Washington, DC 20301</line>
<space/>
<line>Dear Sir or Madam:</line>
<space/>
<subject prefix="SUBJECT: ">Request for Support of Priority Ratings under the Security of Supply Arrangement</subject>
<para>The Acquisition, Technology and Logistics Agency (ATLA) sponsors this request on behalf of
the Government of Japan under 15 CFR 700.57.</para>
<para>The orders:
<items>
<item label="Servo valve, flight control (ATLA reference D-0001)">
<facts>
<fact label="Applicant">A &amp; &lt;B&gt; Precision Co., Ltd., NCAGE SZ101</fact>
<fact label="Part number / NSN">HV-2210-7 / 1650-01-234-5678</fact>
<fact label="Required delivery date">15 January 2027</fact>
</facts>
</item>
</items>
</para>
<para>The companies answered as follows:
<grid>
<head><cell>Company</cell><cell nowrap="yes" width="30">Answer</cell><cell nowrap="yes" width="34">Committed date</cell>
<cell nowrap="yes" width="18">Quantity</cell><cell>Conditions and notes</cell></head>
<row><cell>A &amp; &lt;B&gt; Precision Co., Ltd. (NCAGE SZ101)</cell><cell>partially accepted</cell>
<cell>26 November 2026</cell><cell>6 of 12</cell><cell>The other six at the current delivery date.</cell></row>
</grid>
</para>
<space/>
<block>
<line>Sincerely,</line>
<line></line>
<line></line>
<line>ICHIRO SUZUKI</line>
<line>Director, Equipment Policy Division</line>
</block>
<space/>
<line>cc: A &amp; &lt;B&gt; Precision Co., Ltd.</line>
</letter>"""


def ja_letter(rows: int = 2, subject: str = SUBJECT) -> blocks.Letter:
    grid = "\n".join(GRID_ROW.format(n=n) for n in range(1, rows + 1))
    return blocks.parse(JA.format(subject=subject, rows=grid, email=EMAIL))


def write(letter: blocks.Letter, dated: date = DATED) -> word.Document:
    return word.write_word(letter, dated=dated, title=f"装備政策第12号 {letter.subject}")


def read(document: word.Document):
    return open_docx(io.BytesIO(document.data))


def contents(docx) -> list[Paragraph | Table]:
    return list(docx.iter_inner_content())


def lines(docx) -> list[str]:
    """What an officer reads, top to bottom: each paragraph, each table row as `cell | cell`."""
    out: list[str] = []
    for part in contents(docx):
        if isinstance(part, Paragraph):
            out.extend(part.text.split("\n"))
        else:
            out.extend(" | ".join(cell.text for cell in row.cells) for row in part.rows)
    return out


def all_runs(docx) -> list:
    cells = [cell for table in docx.tables for row in table.rows for cell in row.cells]
    return [run for p in docx.paragraphs + [p for cell in cells for p in cell.paragraphs] for run in p.runs]


def paragraph(docx, starting: str) -> Paragraph:
    return next(p for p in docx.paragraphs if p.text.startswith(starting))


def table_with(docx, text: str) -> Table:
    return next(t for t in docx.tables if any(text in cell.text for row in t.rows for cell in row.cells))


def start_of(p: Paragraph) -> int:
    """Where the paragraph's first line starts, in twips from the margin."""
    fmt = p.paragraph_format
    return round(((fmt.left_indent or 0) + (fmt.first_line_indent or 0)) / 635)


# --- the Japanese letter ------------------------------------------------------------------------


def test_a_japanese_letter_reads_in_the_order_of_a_kobunsho():
    docx = read(write(ja_letter()))
    assert_lines_in_order(
        lines(docx),
        [
            "装備政策第12号",
            "令和8年11月26日",
            "株式会社A&B精機",
            "代表取締役　山田　太郎　殿",
            "防衛装備庁装備政策部装備政策課長",
            "（公印省略）",
            "米国国防省からの要請に係る",
            "納期の前倒しへの御協力について（依頼）",
            "標記について、防衛装備品等",
            "記",
            "1\u3000\t要請元\t米国国防省（米国側整理番号\u3000IBP-SoSA-2026-0230）",
            "2\u3000\t米国の計画・最終品目\tF-35A <Block 4> 整備用部品",
            "3\u3000\t対象品目",
            "（1）\tMC-4410-2（Microcircuit, hybrid, radar receiver）",
            "NSN | 5962-01-456-7890",
            "米国が希望する納期 | 令和9年5月31日",
            "4\u3000\tこれまでの回答",
            " | 部品番号（品名） | NSN | 数量 | 回答 | 回答期限",
            "（2） | MC-4410-2（Microcircuit, hybrid） | 5962-01-456-7802 | 12 | 一部協力可能 | 令和8年12月25日",
            "5\u3000\t回答方法\t次のいずれかを",
            "（1）\t協力可能\t前倒し後の納期",
            "（2）\t一部協力可能\t前倒しが可能な数量及びその納期",
            "ア\u3000数量",
            "イ\u3000納期",
            "6\u3000\t当庁整理番号\tA-0001",
            "以上",
            "（担当）装備政策課SoSA担当",
            f"\u3000\u3000\u3000\u3000E-mail\u3000{EMAIL}",
        ],
    )


def test_number_date_and_sender_stand_right_the_addressee_left_subject_and_ki_centred():
    docx = read(write(ja_letter()))
    for text in ("装備政策第12号", "令和8年11月26日", "防衛装備庁装備政策部装備政策課長", "（公印省略）", "以上"):
        assert paragraph(docx, text).alignment == WD_ALIGN_PARAGRAPH.RIGHT, text
    assert paragraph(docx, "株式会社A&B精機").alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
    assert paragraph(docx, "米国国防省からの要請").alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert next(p for p in docx.paragraphs if p.text == "記").alignment == WD_ALIGN_PARAGRAPH.CENTER
    # The body: 両端揃え, its first line indented one 字 of 10.5 pt.
    body = paragraph(docx, "標記について")
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent == Pt(10.5)


def test_the_subject_is_centred_on_the_lines_every_format_cuts_and_kept_whole():
    docx = read(write(ja_letter()))
    subject = paragraph(docx, "米国国防省からの要請")
    assert subject.text.split("\n") == list(blocks.subject_lines(SUBJECT, "ja"))
    assert subject.text.split("\n")[-1].endswith("について（依頼）")
    assert subject.paragraph_format.keep_together and subject.paragraph_format.keep_with_next
    short = read(write(ja_letter(subject="参加企業の登録について（通知）")))
    assert paragraph(short, "参加企業の登録").text == "参加企業の登録について（通知）"


def test_items_are_numbered_1_then_paren_then_a_each_level_further_in():
    docx = read(write(ja_letter()))
    first = paragraph(docx, "1\u3000")
    second = paragraph(docx, "（1）\t協力可能")
    third = paragraph(docx, "ア\u3000数量")
    assert start_of(first) == 0
    assert 0 < start_of(second) < start_of(third)
    # A long value wraps under itself: the hanging indent is where the value starts.
    method = paragraph(docx, "5\u3000\t回答方法")
    stops = [round(stop.position / 635) for stop in method.paragraph_format.tab_stops]
    assert round(method.paragraph_format.left_indent / 635) == stops[-1] and method.paragraph_format.first_line_indent < 0
    # The value of every item of one list starts at the same tab stop.
    assert {round(paragraph(docx, f"{n}\u3000").paragraph_format.left_indent / 635) for n in (1, 2, 6)} == {stops[-1]}


def test_facts_and_grid_are_ruled_tables_the_grid_header_repeated_on_every_page():
    docx = read(write(ja_letter(rows=3)))
    facts = table_with(docx, "5962-01-456-7890")
    assert [[cell.text for cell in row.cells] for row in facts.rows] == [
        ["NSN", "5962-01-456-7890"],
        ["数量", "12"],
        ["米国が希望する納期", "令和9年5月31日"],
    ]
    grid = table_with(docx, "部品番号（品名）")
    assert [cell.text for cell in grid.rows[0].cells] == ["", "部品番号（品名）", "NSN", "数量", "回答", "回答期限"]
    assert [cell.text for cell in grid.rows[3].cells] == [
        "（3）",
        "MC-4410-3（Microcircuit, hybrid）",
        "5962-01-456-7803",
        "12",
        "一部協力可能",
        "令和8年12月25日",
    ]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in grid.rows)
    borders = grid._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:insideH")).get(qn("w:val")) == "single"
    # Both tables end at the right margin, indented under their item's text.
    text_width = round(Mm(210 - 30 - 25) / 635)
    for table in (facts, grid):
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        indent = int(table._tbl.tblPr.find(qn("w:tblInd")).get(qn("w:w")))
        assert indent > 0 and abs(indent + sum(widths) - text_width) <= 2


def test_a_nowrap_column_is_as_wide_as_its_longest_cell_and_no_column_breaks_an_nsn():
    docx = read(write(ja_letter()))
    grid = table_with(docx, "部品番号（品名）")
    size = int(grid.rows[1].cells[5].paragraphs[0].runs[0]._r.rPr.find(qn("w:sz")).get(qn("w:val"))) / 2
    widths = [int(col.get(qn("w:w"))) for col in grid._tbl.tblGrid.findall(qn("w:gridCol"))]
    padding = 2 * word.CELL_PADDING
    for column, text in ((3, "12"), (4, "一部協力可能"), (5, "令和8年12月25日"), (2, "5962-01-456-7801")):
        assert widths[column] >= word.ems(text, "ja") * size * 20 + padding, text
    assert grid.rows[1].cells[5]._tc.tcPr.find(qn("w:noWrap")) is not None
    # 令和8年12月25日: 7 full-width characters and digits, and a quarter em each time they meet.
    assert word.ems("令和8年12月25日", "ja") >= 5 + 5 * 0.5 + 6 * 0.25


def test_a_heading_keeps_with_its_table_and_the_closing_and_contact_block_stay_together():
    docx = read(write(ja_letter()))
    for heading in ("3\u3000\t対象品目", "（1）\tMC-4410-2", "4\u3000\tこれまでの回答", "記"):
        assert paragraph(docx, heading).paragraph_format.keep_with_next, heading
    parts = contents(docx)
    closing = next(i for i, p in enumerate(parts) if isinstance(p, Paragraph) and p.text == "以上")
    # The last item before 以上, 以上 itself and the blank line keep with the 担当 block.
    for part in parts[closing - 1 : closing + 2]:
        assert part.paragraph_format.keep_with_next, part.text
    contact = parts[closing + 2 : closing + 6]
    assert [p.text.lstrip("\u3000") for p in contact] == [
        "（担当）装備政策課SoSA担当",
        "佐藤\u3000花子",
        "電話\u300003-3268-3111（内線12345）",
        f"E-mail\u3000{EMAIL}",
    ]
    assert all(p.paragraph_format.keep_together for p in contact)
    assert [bool(p.paragraph_format.keep_with_next) for p in contact] == [True, True, True, False]


def test_the_contact_block_lines_up_against_the_right_margin_and_its_email_fits_on_its_line():
    docx = read(write(ja_letter()))
    contact = [p for p in docx.paragraphs if p.text.lstrip("\u3000").startswith(("（担当）", "佐藤", "電話", "E-mail"))]
    indents = {p.paragraph_format.left_indent for p in contact}
    assert len(indents) == 1 and all(p.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT) for p in contact)
    indent = round(indents.pop() / 635)
    text_width = round(Mm(210 - 30 - 25) / 635)
    # Room for the longest line (the e-mail address) at the widths of IPAex明朝, wider than
    # ＭＳ 明朝's half em a Latin letter, and no more than an em to spare.
    room = text_width - indent - word.ems(contact[-1].text, "ja") * 10.5 * 20
    assert 0 <= room <= 10.5 * 20


def test_fonts_are_ms_mincho_with_ipaex_and_noto_named_where_it_is_missing():
    document = write(ja_letter())
    docx = read(document)
    normal = docx.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "ＭＳ 明朝" and normal.get(qn("w:ascii")) == "ＭＳ 明朝"
    assert normal.get(qn("w:eastAsiaTheme")) is None and normal.get(qn("w:asciiTheme")) is None
    assert docx.styles["Normal"].font.size == Pt(10.5)
    fonts = zipfile.ZipFile(io.BytesIO(document.data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="ＭＳ 明朝"><w:altName w:val="IPAex明朝"/>' in fonts.replace("'", '"')
    assert '<w:font w:name="IPAex明朝"><w:altName w:val="Noto Serif CJK JP"/>' in fonts.replace("'", '"')
    section = docx.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.right_margin, section.bottom_margin, section.left_margin)
    assert [round(size.mm) for size in sizes] == [210, 297, 30, 25, 27, 30]


def test_every_run_of_a_japanese_letter_is_japanese_for_its_kanji_and_english_for_its_latin_words():
    docx = read(write(ja_letter()))
    runs = all_runs(docx)
    assert runs
    for run in runs:
        lang = run._r.rPr.find(qn("w:lang"))
        # ja-JP turns on 禁則処理; Latin text as en-US is broken only between words
        # (marked ja-JP, LibreOffice breaks 「June 2027」 inside 2027).
        assert (lang.get(qn("w:eastAsia")), lang.get(qn("w:val"))) == ("ja-JP", "en-US")


def test_page_numbers_are_fields_from_page_2_and_page_1_has_none():
    docx = read(write(ja_letter()))
    section = docx.sections[0]
    assert section.different_first_page_header_footer
    first = section.first_page_footer._element
    assert first.xpath(".//w:fldChar | .//w:instrText | .//w:fldSimple") == [] and "".join(first.itertext()).strip() == ""
    footer = section.footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [c.get(qn("w:fldCharType")) for c in footer._p.xpath(".//w:fldChar")] == ["begin", "separate", "end"]
    assert [i.text.strip() for i in footer._p.xpath(".//w:instrText")] == ["PAGE"]
    assert footer.text == "- 2 -"  # the field's result as stored; Word and LibreOffice count afresh
    english = read(write(blocks.parse(EN))).sections[0].footer.paragraphs[0]
    assert english.text == "2" and [i.text.strip() for i in english._p.xpath(".//w:instrText")] == ["PAGE"]


def test_the_same_letter_gives_the_same_bytes_dated_by_the_letter():
    letter = ja_letter()
    one, two = write(letter), write(letter)
    assert one.data == two.data and one.source_sha256 == two.source_sha256
    later = write(letter, date(2026, 11, 27))
    assert later.data != one.data
    with zipfile.ZipFile(io.BytesIO(one.data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 26, 0, 0, 0)}
        # No thumbnail of python-docx's empty page, no 800 KB of unused styles.
        assert "docProps/thumbnail.jpeg" not in archive.namelist()
        assert len(archive.read("word/styles.xml")) < 10_000
    properties = read(one).core_properties
    assert properties.title == f"装備政策第12号 {SUBJECT}"
    assert properties.created == properties.modified == datetime(2026, 11, 26, tzinfo=UTC)
    assert properties.last_modified_by == "" and properties.revision == 1


def test_ampersands_and_angle_brackets_in_values_stay_text():
    japanese = write(ja_letter())
    english = write(blocks.parse(EN))
    assert "株式会社A&B精機" in lines(read(japanese))
    assert any("F-35A <Block 4> 整備用部品" in line for line in lines(read(japanese)))
    text = lines(read(english))
    assert "cc: A & <B> Precision Co., Ltd." in text
    assert any("A & <B> Precision Co., Ltd., NCAGE SZ101" in line for line in text)
    xml = zipfile.ZipFile(io.BytesIO(english.data)).read("word/document.xml").decode()
    assert "A &amp; &lt;B&gt; Precision" in xml and "<B>" not in xml


# --- the English letter --------------------------------------------------------------------------


def test_an_english_letter_reads_in_order_with_numbered_paragraphs_and_lettered_items():
    docx = read(write(blocks.parse(EN)))
    assert_lines_in_order(
        lines(docx),
        [
            "Equipment Policy Division",
            "Telephone +81-3-3268-3111",
            "Reference: ATLA-EPD No. 10",
            "26 November 2026",
            "Office of the Assistant Secretary of Defense for Industrial Base Policy",
            "Dear Sir or Madam:",
            "SUBJECT:\tRequest for Support of Priority Ratings under the Security of Supply Arrangement",
            "1.\tThe Acquisition, Technology and Logistics Agency (ATLA) sponsors this request on behalf of the Government of Japan",
            "2.\tThe orders:",
            "(a)\tServo valve, flight control (ATLA reference D-0001)",
            "Applicant | A & <B> Precision Co., Ltd., NCAGE SZ101",
            "Required delivery date | 15 January 2027",
            "3.\tThe companies answered as follows:",
            "Company | Answer | Committed date | Quantity | Conditions and notes",
            "partially accepted | 26 November 2026 | 6 of 12",
            "Sincerely,",
            "ICHIRO SUZUKI",
            "Director, Equipment Policy Division",
            "cc: A & <B> Precision Co., Ltd.",
        ],
    )


def test_the_english_letterhead_subject_and_paragraphs_are_laid_out_as_a_business_letter():
    docx = read(write(blocks.parse(EN)))
    head = paragraph(docx, "Equipment Policy Division")
    assert head.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(run.bold for run in head.runs)
    rule = paragraph(docx, "Telephone")
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"
    assert paragraph(docx, "Reference:").alignment == WD_ALIGN_PARAGRAPH.RIGHT
    subject = paragraph(docx, "SUBJECT:")
    assert all(run.bold for run in subject.runs if run.text) and subject.paragraph_format.keep_with_next
    # A second line of the subject stands under its first word.
    assert subject.paragraph_format.first_line_indent == -subject.paragraph_format.left_indent
    first = paragraph(docx, "1.\t")
    assert first.paragraph_format.first_line_indent < 0 and start_of(first) == 0
    orders = paragraph(docx, "2.\tThe orders")
    item = paragraph(docx, "(a)\t")
    assert orders.paragraph_format.keep_with_next and item.paragraph_format.keep_with_next
    assert start_of(item) == round(orders.paragraph_format.left_indent / 635)
    facts = table_with(docx, "Applicant")
    assert int(facts._tbl.tblPr.find(qn("w:tblInd")).get(qn("w:w"))) > start_of(item)
    assert docx.styles["Normal"].font.size == Pt(12)
    normal = docx.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:ascii")) == "Times New Roman" and normal.get(qn("w:hAnsi")) == "Times New Roman"


def test_the_signature_is_kept_together_and_with_the_last_paragraph():
    docx = read(write(blocks.parse(EN)))
    parts = contents(docx)
    start = next(i for i, p in enumerate(parts) if isinstance(p, Paragraph) and p.text == "Sincerely,")
    signature = parts[start : start + 5]
    assert [p.text for p in signature] == ["Sincerely,", "", "", "ICHIRO SUZUKI", "Director, Equipment Policy Division"]
    assert [bool(p.paragraph_format.keep_with_next) for p in signature] == [True, True, True, True, False]
    assert parts[start - 1].text == "" and parts[start - 1].paragraph_format.keep_with_next
    # The grid's last row, at the end of paragraph 3, goes with it.
    last_row = parts[start - 2].rows[-1]
    assert all(p.paragraph_format.keep_with_next for cell in last_row.cells for p in cell.paragraphs)


def test_every_run_of_an_english_letter_is_marked_en_us():
    docx = read(write(blocks.parse(EN)))
    runs = all_runs(docx)
    assert runs and all(run._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-US" for run in runs)
    assert read(write(blocks.parse(EN))).styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-US"


def test_empty_lists_and_tables_leave_a_file_word_opens():
    letter = blocks.parse(
        "<letter lang='ja'><subject>件名について（通知）</subject><items></items><facts></facts>"
        "<grid><head><cell>品名</cell><cell nowrap='yes'>数量</cell></head></grid><block align='right'></block></letter>"
    )
    docx = read(write(letter))
    assert [[cell.text for cell in row.cells] for table in docx.tables for row in table.rows] == [["品名", "数量"]]
    assert all(len(table.rows) for table in docx.tables)


def test_without_python_docx_a_word_letter_is_refused_with_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(SosaError) as refused:
        write(ja_letter())
    assert "python-docx" in refused.value.message and "pip install" in (refused.value.hint or "")
    assert "\n" not in str(refused.value)


# --- through LibreOffice ---------------------------------------------------------------------------


# LibreOffice takes some 8 s to start and convert: the check runs where it is asked for
# (SOSA_TEST_LIBREOFFICE=1) and the Debian packages libreoffice-writer-nogui and
# poppler-utils are installed.
@pytest.mark.skipif(
    not (os.environ.get("SOSA_TEST_LIBREOFFICE") and shutil.which("soffice") and shutil.which("pdftotext")),
    reason="set SOSA_TEST_LIBREOFFICE=1, with LibreOffice (libreoffice-writer-nogui) and poppler-utils installed",
)
def test_libreoffice_prints_page_numbers_from_page_2_and_keeps_nowrap_cells_whole(tmp_path):
    """LibreOffice opens the letters as Word would: one page unnumbered, a long one numbered from page 2."""
    (tmp_path / "short.docx").write_bytes(write(blocks.parse(EN.replace("<row>", "<!--").replace("</row>", "-->"))).data)
    (tmp_path / "long.docx").write_bytes(write(ja_letter(rows=40)).data)
    # A profile of its own: two LibreOffice processes cannot share one.
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "short.docx"), str(tmp_path / "long.docx")],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )

    def pages(name: str) -> list[list[str]]:
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"], check=True, capture_output=True, text=True).stdout
        return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f") if page.strip()]

    short = pages("short")
    assert len(short) == 1 and short[0][-1] != "1"
    long = pages("long")
    assert len(long) >= 2
    assert "- 1 -" not in long[0]
    for number, page in enumerate(long[1:], start=2):
        assert page[-1].replace(" ", "") == f"-{number}-"
    # The grid's header row stands again at the top of page 2, and no date or answer
    # (nowrap cells) is broken over two lines.
    assert "部品番号（品名）" in long[1][0].replace(" ", "")
    flat = [line.replace(" ", "") for page in long for line in page]
    rows = [line for line in flat if line.startswith("（") and "5962-01-456-78" in line]
    assert len(rows) == 40 and all("一部協力可能令和8年12月25日" in line for line in rows)
