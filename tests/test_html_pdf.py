"""HTML and PDF letters drawn from blocks: the page an officer prints, read back as printed.

The letters here are written in the wording vocabulary (sosa_cli/letters/blocks.py) and
laid out by html.py with the shipped letter.css, then printed by pdf.py. The PDF checks use
poppler: `pdftotext` page by page (what stands on which page), `pdftotext -bbox` (where
a line stands across the page), `pdffonts` (the Japanese font is embedded: with none,
`pdftotext` still reads the right text from a page of empty boxes, NOTES.md) and
`pdfinfo`. They are skipped only on a developer's machine without poppler or WeasyPrint;
in CI (`CI` set) they must run.
"""

from __future__ import annotations

import html as _html
import re
import subprocess
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from sosa_cli.errors import SosaError
from sosa_cli.letters import blocks
from sosa_cli.letters.html import write_html
from tests.conftest import needs_pdf, needs_poppler

REPO = Path(__file__).resolve().parent.parent


# --- letters as the wording templates render them ---------------------------------------------

COMPANY = "A&B <精機> 株式会社"


def _frame_ja(subject: str, body: str) -> str:
    return f"""<letter lang="ja">
<line align="right">装備政策第1234号</line>
<line align="right">令和8年11月26日</line>
<space/>
<line>{escape(COMPANY)}</line>
<line>代表取締役社長　山田　一郎　殿</line>
<space/>
<line align="right">防衛装備庁装備政策部装備政策課長</line>
<line align="right">（公印省略）</line>
<space/>
<subject>{subject}</subject>
<space/>
{body}
<space/>
<block align="right">
<line>（担当）装備政策課国際装備協力室</line>
<line>　　　　佐藤　花子</line>
<line>　　　　電話　03-3268-3111（内線 20645）</line>
<line>　　　　E-mail　sosa-desk@example.go.jp</line>
</block>
</letter>"""


RELAY_SUBJECT = "防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく米国国防省からの納期の前倒しに関する協力について（依頼）"

RELAY_BODY = """<p>標記について、日米間の防衛装備品等の供給の安定化に係る取決め（SoSA）に基づき、
米国国防省から令和8年11月25日付けで、下記の品目の納期の前倒しについて協力の依頼がありました。</p>
<p>つきましては、貴社において下記の納期の前倒しへの協力が可能かどうかを御検討の上、
令和8年12月18日までに下記担当あて御回答くださいますようお願いします。</p>
<p>本依頼への協力は、行動規範に基づく、あくまでも可能な範囲での任意の協力であり、
協力できない場合であっても貴社が不利益を受けることはありません。
協力が困難な場合であっても、その旨を御回答くださいますようお願いします。</p>
<p>なお、御回答いただいた内容は、米国国防省への回答に用い、商業上の機密として取り扱います。</p>
<ki>記</ki>
<items>
<item label="依頼元">米国国防省（整理番号　IBP-2026-0311）</item>
<item label="米国の計画・最終品目">AN/TPY-2 radar sustainment</item>
<item label="依頼の理由">前方配備レーダーの整備計画の前倒しに伴い、交換部品の早期の確保が必要となったため。</item>
<item label="対象品目">
<items>
<item label="MC-4410（Microcircuit, hybrid）">
<facts>
<fact label="NSN">5962-01-456-7890</fact>
<fact label="数量">12</fact>
<fact label="現在の納期">令和9年6月30日</fact>
<fact label="米国が希望する納期">令和9年3月31日</fact>
</facts>
</item>
</items>
</item>
<item label="回答期限">令和8年12月18日</item>
<item label="回答方法">次のいずれかを、下記担当あてE-mailにより御回答くださいますようお願いします。
<items>
<item label="協力可能の場合">
<items>
<item label="前倒し後の納期"></item>
<item label="条件等">（ある場合）</item>
</items>
</item>
<item label="一部協力可能の場合">前倒しが可能な数量及びその納期</item>
<item label="協力困難の場合">その旨（理由の記載は任意です。）</item>
</items>
</item>
<item label="整理番号">A-0001</item>
</items>
<closing>以上</closing>"""


def relay_ja() -> str:
    return _frame_ja(RELAY_SUBJECT, RELAY_BODY)


def notice_ja() -> str:
    """An enrollment notice: one page."""
    body = """<p>標記について、貴社から令和8年11月20日付けで行動規範を受諾する旨の届出があったことから、
防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく参加企業として、下記のとおり登録したので通知します。</p>
<p>なお、本取決めへの参加は任意であり、貴社はいつでも参加の取りやめを申し出ることができます。</p>
<ki>記</ki>
<items>
<item label="企業名（和文）">A&amp;B &lt;精機&gt; 株式会社</item>
<item label="法人番号">1234567890123</item>
<item label="登録情報の提供に関する同意">
<items>
<item label="米国政府への提供">同意する</item>
<item label="米国の主要防衛関連企業への提供">同意しない</item>
</items>
</item>
<item label="登録番号">C-0001</item>
</items>
<closing>以上</closing>"""
    return _frame_ja("防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく参加企業の登録について（通知）", body)


OUTCOMES = ("解消", "未解消", "要請取下げ（継続管理）")


def long_ja(rows: int = 30) -> str:
    """An outcome notice whose table of items runs onto a second page."""
    grid_rows = "\n".join(
        f"<row><cell>HV-{2200 + n}-{n % 9}（油圧弁組立品）</cell><cell>{n * 3 + 1}</cell>"
        f"<cell>Acme Hydraulics Inc.</cell><cell>令和9年{n % 12 + 1}月{n % 27 + 1}日</cell>"
        f"<cell>{OUTCOMES[n % 3]}</cell></row>"
        for n in range(1, rows + 1)
    )
    body = f"""<p>標記について、貴社から報告のあった米国製品の納入遅延に関し、令和8年10月1日付けで
米国国防省に対し優先格付の支援を要請したところ、下記のとおりとなったので通知します。</p>
<p>米国国防省からは、対象品目の大部分について納期の改善が図られた旨の連絡がありました。
引き続き納期の改善が見込まれない品目については、別途御相談させていただきます。</p>
<p>なお、本件に関する情報の取扱いについては、引き続き適切な管理をお願いします。</p>
<ki>記</ki>
<items>
<item label="要請番号">R-0001（米国国防省の整理番号　IBP-2026-117）</item>
<item label="優先格付">DO-A1</item>
<item label="経緯">
<items>
<item label="要請日">令和8年10月1日</item>
<item label="米国国防省の受理">令和8年10月8日</item>
<item label="格付の付与">令和8年10月22日
<items>
<item label="付与された格付">DO-A1</item>
<item label="根拠">15 CFR 700.13</item>
</items>
</item>
</items>
</item>
<item label="対象品目">
<grid>
<head><cell>品名・部品番号</cell><cell nowrap="yes" width="12">数量</cell><cell>米国供給者</cell>
<cell nowrap="yes">現在の納期</cell><cell nowrap="yes">結果</cell></head>
{grid_rows}
</grid>
</item>
<item label="要請の結果">一部解消（令和8年11月20日）</item>
</items>
<closing>以上</closing>"""
    return _frame_ja("優先支援の要請結果について（通知）", body)


def _frame_en(body: str) -> str:
    return f"""<letter lang="en">
<line align="center" bold="yes">Acquisition, Technology and Logistics Agency</line>
<line align="center">5-1 Ichigaya-Honmuracho, Shinjuku-ku, Tokyo 162-8870</line>
<line align="center">Japan</line>
<line align="center" rule="yes">Telephone +81-3-3268-3111</line>
<space/>
<line align="right">Reference: SoSA-2026-1234</line>
<line align="right">26 November 2026</line>
<space/>
<line>Office of the Assistant Secretary of Defense for Industrial Base Policy</line>
<line>3330 Defense Pentagon</line>
<line>Washington, DC 20301-3330</line>
<space/>
<line>Dear Deputy Assistant Secretary:</line>
<space/>
<subject prefix="SUBJECT: ">Request for Priority Delivery Support under the Security of Supply Arrangement for Hydraulic Valve Assemblies</subject>
{body}
<space/>
<block>
<line>Sincerely,</line>
<line></line>
<line></line>
<line>TARO YAMADA</line>
<line>Director, International Equipment Cooperation Division</line>
</block>
<line>Enclosure: none</line>
</letter>"""


def short_en() -> str:
    """A reply of one page."""
    body = """<para>Reference is made to the Department's request IBP-2026-0311 for priority delivery
    support. ATLA relayed the request to 3 participating Japanese companies.</para>
<para>Cooperation by Japanese companies under the Code of Conduct of the Arrangement is voluntary.</para>"""
    return _frame_en(body)


def request_en(rows: int = 3) -> str:
    grid_rows = "\n".join(
        f"<row><cell>HV-{2200 + n}-7</cell><cell>1650-01-234-{5600 + n}</cell><cell>{n * 4}</cell>"
        f"<cell>{n % 27 + 1} January 2027</cell><cell>{n % 27 + 1} April 2027</cell></row>"
        for n in range(1, rows + 1)
    )
    body = f"""<para>Under the Security of Supply Arrangement between the Department of Defense of the
    United States of America and the Ministry of Defense of Japan, the Acquisition, Technology
    and Logistics Agency (ATLA) sponsors the following request for priority delivery support
    made by a participating Japanese company, {escape("Kōki & <Sons> Ltd.")}</para>
<para>Particulars of the request:
<items>
<item label="Applicant">{escape("Kōki & <Sons> Ltd.")} (NCAGE 12345)</item>
<item label="US supplier">Acme Hydraulics Inc. (CAGE 1ABC2)</item>
<item label="Purchase order">PO-2026-0042
<facts>
<fact label="End use">Sustainment of the F-15J fleet</fact>
<fact label="Impact">Two aircraft held on the ground until the valves arrive</fact>
</facts>
</item>
<item label="Urgency">Critical
<items>
<item label="Efforts made">Weekly calls with the supplier since September 2026</item>
</items>
</item>
</items>
</para>
<para>The items concerned are:
<grid>
<head><cell>Part number</cell><cell nowrap="yes">NSN</cell><cell nowrap="yes" width="16">Quantity</cell>
<cell nowrap="yes">Required date</cell><cell nowrap="yes">Promised date</cell></head>
{grid_rows}
</grid>
</para>
<para>The company information in this letter is business confidential and commercially
sensitive, and should be protected from public disclosure.</para>"""
    return _frame_en(body)


def css(language: str) -> str:
    return (REPO / "templates" / language / "letter.css").read_text(encoding="utf-8")


def page_html(source: str) -> str:
    letter = blocks.parse(source)
    return write_html(letter, css=css(letter.language), title=f"装備政策第1234号　{letter.subject}")


def visible_text(page: str) -> str:
    """The page's text as a reader sees it: no style, no tags, entities read."""
    body = page.split("<body", 1)[1]
    return _html.unescape(re.sub(r"<[^>]+>", "\n", body))


def in_order(text: str, parts: list[str]) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


# --- HTML ---------------------------------------------------------------------------------


def test_html_is_one_self_contained_page():
    page = page_html(relay_ja())
    assert page.startswith('<!DOCTYPE html>\n<html lang="ja">')
    assert '<meta charset="utf-8">' in page
    assert "<title>装備政策第1234号　防衛装備品等の供給の安定化" in page
    assert "@page" in page and "IPAexMincho" in page  # the stylesheet inline
    assert not re.search(r"<link|<script|<img|src=|@import|url\(", page)
    assert blocks.parse(request_en()).language == "en"
    assert page_html(request_en()).startswith('<!DOCTYPE html>\n<html lang="en">')


def test_html_escapes_every_text():
    page = page_html(relay_ja())
    assert "A&amp;B &lt;精機&gt; 株式会社" in page
    assert "<精機>" not in page
    english = page_html(request_en())
    assert "Kōki &amp; &lt;Sons&gt; Ltd." in english
    assert "<Sons>" not in english
    title = write_html(blocks.parse(relay_ja()), css="", title="<b>A & B</b>")
    assert "<title>&lt;b&gt;A &amp; B&lt;/b&gt;</title>" in title


def test_html_refuses_a_stylesheet_that_would_end_itself():
    with pytest.raises(SosaError, match="</style"):
        write_html(blocks.parse(relay_ja()), css="p {} </STYLE><script>alert(1)</script>", title="x")


def test_japanese_html_reads_in_order_with_kobunsho_numbers_as_text():
    text = visible_text(page_html(relay_ja()))
    assert in_order(
        text,
        [
            "装備政策第1234号",
            "令和8年11月26日",
            "A&B <精機> 株式会社",
            "防衛装備庁装備政策部装備政策課長",
            "（公印省略）",
            "防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく",
            "標記について、",
            "任意の協力",
            "記",
            "1　",
            "依頼元　",
            "米国国防省",
            "4　",
            "対象品目",
            "（1）",
            "MC-4410",
            "NSN",
            "5962-01-456-7890",
            "6　",
            "回答方法",
            "（1）",
            "協力可能の場合",
            "ア　",
            "前倒し後の納期",
            "イ　",
            "条件等",
            "（2）",
            "一部協力可能の場合",
            "7　",
            "整理番号",
            "以上",
            "（担当）",
            "E-mail　sosa-desk@example.go.jp",
        ],
    ), text
    # Not list markers, which copy and paste and PDF text would lose.
    assert "<ol" not in page_html(relay_ja()) and "<li" not in page_html(relay_ja())


def test_japanese_subject_is_cut_into_centred_lines():
    page = page_html(relay_ja())
    lines = blocks.subject_lines(RELAY_SUBJECT, "ja")
    assert len(lines) >= 2
    for line in lines:
        assert f'<span class="subject-line">{_html.escape(line)}</span>' in page
    assert ".subject-line { display: block; white-space: nowrap; }" in css("ja")


def test_english_html_numbers_paragraphs_and_items():
    letter = blocks.parse(request_en())
    page = page_html(request_en())
    text = visible_text(page)
    particulars = next(b for b in letter.walk() if isinstance(b, blocks.Items))
    a, b, c, d = (item.number for item in particulars.entries)
    nested = next(b for b in particulars.entries[3].children if isinstance(b, blocks.Items))
    assert in_order(
        text,
        [
            "Acquisition, Technology and Logistics Agency",
            "Reference: SoSA-2026-1234",
            "26 November 2026",
            "Dear Deputy Assistant Secretary:",
            "SUBJECT:",
            "Request for Priority Delivery Support",
            "1.",
            "Under the Security of Supply Arrangement",
            "2.",
            "Particulars of the request:",
            a,
            "Applicant",
            b,
            "US supplier",
            c,
            "Purchase order",
            "End use",
            d,
            "Urgency",
            nested.entries[0].number,
            "Efforts made",
            "3.",
            "The items concerned are:",
            "Part number",
            "HV-2201-7",
            "4.",
            "business confidential",
            "Sincerely,",
            "TARO YAMADA",
            "Enclosure: none",
        ],
    ), text
    assert '<span class="number">1.</span>' in page


def test_grid_has_a_repeating_head_widths_and_nowrap_columns():
    page = page_html(long_ja())
    assert "<thead><tr>" in page
    assert '<col style="width: 12mm">' in page
    assert '<th scope="col" class="nowrap" style="width: 12mm">数量</th>' in page
    assert '<td class="nowrap">要請取下げ（継続管理）</td>' in page


def test_item_and_fact_columns_are_measured_not_left_to_the_printer():
    """Fixed column widths from the text: number, then the widest label with its 字 of space."""
    page = page_html(relay_ja())
    # 「1　」: a digit of IPAex明朝 (0.618 em) and a full-width space; 「米国の計画・最終品目　」: 11 字.
    assert '<table class="items depth-1">\n<colgroup><col style="width: 1.618em"><col style="width: 11em"></colgroup>' in page
    assert '<colgroup><col style="width: 2.618em"><col style="width: 0em"></colgroup>' in page  # （1） alone: no label column
    assert '<tr><th scope="row" style="width: 9em">NSN</th>' in page  # 米国が希望する納期
    assert '<td class="nested" colspan="3" style="padding-left: 1.618em">' in page
    # 「　　　　電話　03-3268-3111（内線 20645）」: 10 字, 10 digits, 2 hyphens and a space of IPAex明朝.
    assert '<div class="group right" style="width: 21.15em">' in page
    # (a) hangs in 2 em, as the paragraphs' numbers; "Purchase order" in Times is 5.97 em, and 0.6 em after it.
    assert '<colgroup><col style="width: 2em"><col style="width: 6.57em"></colgroup>' in page_html(request_en())


# --- PDF ----------------------------------------------------------------------------------


def print_pdf(source: str, tmp_path: Path, name: str = "letter") -> Path:
    from sosa_cli.letters.pdf import print_pdf

    document = print_pdf(page_html(source), identifier="L-0001")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(document.data)
    return path


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found, info
    return int(found.group(1))


def page_text(path: Path, n: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_lines(path: Path, n: int) -> list[str]:
    return [line.strip() for line in page_text(path, n).splitlines() if line.strip()]


def page_number(path: Path, n: int) -> str | None:
    """The page number printed at the foot of page n ("- 2 -" read as "-2-" or "- 2 -"), if any."""
    last = page_lines(path, n)[-1]
    return re.sub(r"\s+", " ", last) if re.fullmatch(r"-?\s*\d+\s*-?", last) else None


def words(path: Path, n: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points, from `pdftotext -bbox`."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(_html.unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, out)]


def line_of(path: Path, n: int, start: str) -> tuple[float, float, float]:
    """(left, right, top) of the printed line whose first word starts with `start`."""
    found = words(path, n)
    for word, x0, y0, _, _ in found:
        if word.startswith(start):
            row = [w for w in found if abs(w[2] - y0) < 1 and w[1] >= x0]
            return x0, max(w[3] for w in row), y0
    raise AssertionError(f"no line starts with {start!r} on page {n}: {[w[0] for w in found]}")


A4_WIDTH = 595.276
MM = 72 / 25.4


@needs_pdf
@needs_poppler
def test_japanese_pdf_is_a_kobunsho_page(tmp_path):
    """A4; number, date and sender at the right margin, 件名 and 記 centred, 以上 right, 担当 block right."""
    path = print_pdf(notice_ja(), tmp_path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    assert pages(path) == 1
    left_margin, right_margin = 30 * MM, A4_WIDTH - 25 * MM
    middle = (left_margin + right_margin) / 2
    for part in ("装備政策第1234号", "令和8年11月26日", "防衛装備庁装備政策部装備政策課長", "（公印省略）"):
        _, right, _ = line_of(path, 1, part)
        assert abs(right - right_margin) < 2, (part, right, right_margin)
    left, _, _ = line_of(path, 1, "A&B")
    assert abs(left - left_margin) < 2
    subject = blocks.subject_lines("防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく参加企業の登録について（通知）", "ja")
    assert len(subject) == 2
    for line in subject:
        left, right, _ = line_of(path, 1, line[:8])
        assert abs((left + right) / 2 - middle) < 3, line
    left, right, top_ki = line_of(path, 1, "記")
    assert abs((left + right) / 2 - middle) < 3
    number_left, _, _ = line_of(path, 1, "1")
    assert abs(number_left - left_margin) < 2
    _, right, top_closing = line_of(path, 1, "以上")
    assert abs(right - right_margin) < 2 and top_closing > top_ki
    contact_left, contact_right, top_contact = line_of(path, 1, "（担当）")
    name_left, _, _ = line_of(path, 1, "佐藤")
    rights = [line_of(path, 1, start)[1] for start in ("（担当）", "佐藤", "電話", "E-mail")]
    assert top_contact > top_closing
    assert contact_left > left_margin + 40 * MM  # set against the right margin, not the left
    assert abs(max(rights) - right_margin) < 2  # its longest line ends at the margin
    assert abs(name_left - (contact_left + 4 * 10.5)) < 1.5  # 4 full-width spaces in: the lines are aligned
    assert page_number(path, 1) is None  # a one-page letter has no page number
    text = re.sub(r"[\s\u3000]+", " ", page_text(path, 1))
    assert in_order(text, ["1 企業名（和文） A&B", "3 登録情報の提供に関する同意 （1）米国政府への提供 同意する", "以上"]), text


@needs_pdf
@needs_poppler
def test_items_line_up_and_a_long_part_number_stays_in_its_cell(tmp_path):
    """The values of 記 start one 字 after the widest label, at every depth; a part number too
    long for its cell breaks inside it, in an item or a fact, and an item's long name wraps:
    nothing runs past the margin."""
    long_part = "MC-" + "4410" * 16
    source = relay_ja().replace("12</fact>", f"{long_part}</fact>").replace("A-0001</item>", f"{long_part}</item>")
    source = source.replace("（Microcircuit, hybrid）", "（" + "Microcircuit, hybrid, " * 5 + "radar receiver）")  # a heading alone
    path = print_pdf(source, tmp_path)
    em = 10.5
    number, _, _ = line_of(path, 1, "1")
    label, _, _ = line_of(path, 1, "米国の計画")
    assert abs(label - (number + 1.618 * em)) < 0.5
    _, _, ki = line_of(path, 1, "記")
    for value in ("米国国防省", "AN/TPY-2", "前方配備"):
        left = next(x0 for word, x0, y0, _, _ in words(path, 1) if word.startswith(value) and y0 > ki)
        assert abs(left - (label + 11 * em)) < 0.5, value  # 「米国の計画・最終品目」 and a 字 of space
    found = [w for n in range(1, pages(path) + 1) for w in words(path, n)]
    right_margin = A4_WIDTH - 25 * MM
    assert all(x1 <= right_margin + 1 for _, _, _, x1, _ in found), [w for w in found if w[3] > right_margin + 1]
    text = re.sub(r"\s", "", "".join(page_text(path, n) for n in range(1, pages(path) + 1)))
    assert text.count(long_part) == 2  # whole, read across its lines


@needs_pdf
@needs_poppler
def test_japanese_pdf_embeds_ipaex(tmp_path):
    path = print_pdf(relay_ja(), tmp_path)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:]]
    ipaex = [f for f in fonts if "IPAex" in f[0]]
    assert ipaex and all(f[-5] == "yes" for f in ipaex), out  # emb = yes


@needs_pdf
@needs_poppler
def test_relay_letter_of_two_pages_numbers_both(tmp_path):
    path = print_pdf(relay_ja(), tmp_path)
    assert pages(path) == 2
    assert page_number(path, 1) == "- 1 -" or page_number(path, 1) == "-1-"
    assert page_number(path, 2) in ("- 2 -", "-2-")
    first, second = page_text(path, 1), page_text(path, 2)
    assert in_order(first + second, ["標記について、", "任意の協力", "記", "対象品目", "（1）", "NSN", "回答方法", "ア", "以上", "（担当）"])
    # The number is centred at the foot of the page, in the bottom margin.
    left, right, top = line_of(path, 2, "-")
    assert top > 841.89 - 27 * MM
    assert abs((left + right) / 2 - (30 * MM + A4_WIDTH - 25 * MM) / 2) < 3


@needs_pdf
@needs_poppler
def test_long_letter_numbers_every_page_and_repeats_the_table_head(tmp_path):
    path = print_pdf(long_ja(), tmp_path)
    count = pages(path)
    assert count >= 2
    for n in range(1, count + 1):
        assert page_number(path, n) in (f"- {n} -", f"-{n}-"), (n, page_lines(path, n)[-3:])
    text = "".join(page_text(path, n) for n in range(1, count + 1))
    assert text.count("品名・部品番号") == sum("HV-" in page_text(path, n) for n in range(1, count + 1))
    assert in_order(text, [f"HV-{2200 + n}-" for n in range(1, 31)])
    # 数量, dates and outcomes are never broken inside: each stands whole on its row.
    assert "要請取下げ（継続管理）" in text and "令和9年12月12日" in text


def _heading_pages(path: Path, heading: str) -> list[tuple[int, str]]:
    """(page, what follows the heading on that page) for each page with a line `<number>　<heading>`."""
    found = []
    for n in range(1, pages(path) + 1):
        text = page_text(path, n)
        match = re.search(rf"^\s*\d+\s+{heading}\s*$", text, re.M)
        if match:
            found.append((n, text[match.end() :]))
    return found


@needs_pdf
@needs_poppler
def test_a_heading_stands_on_the_page_of_its_table(tmp_path):
    """However much text stands above it, 「4　対象品目」 is printed with its table's head and first row."""
    seen_on = set()
    for extra in range(0, 14):
        padding = "".join(f"<p>追加の説明文その{n}。</p>" for n in range(extra))
        path = print_pdf(long_ja(rows=8).replace("<ki>記</ki>", padding + "<ki>記</ki>"), tmp_path, f"extra{extra}")
        headings = _heading_pages(path, "対象品目")
        assert len(headings) == 1, extra
        page, after = headings[0]
        assert "品名・部品番号" in after and "HV-2201-" in after, (extra, page, after[:200])
        seen_on.add(page)
    assert seen_on == {1, 2}  # the padding did push the heading across the page break


@needs_pdf
@needs_poppler
def test_the_contact_block_is_never_split_or_left_alone(tmp_path):
    for extra in range(0, 16, 2):
        padding = "".join(f"<p>追加の説明文その{n}。</p>" for n in range(extra))
        path = print_pdf(notice_ja().replace("<ki>記</ki>", padding + "<ki>記</ki>"), tmp_path, f"extra{extra}")
        last = pages(path)
        for n in range(1, last + 1):
            text = page_text(path, n)
            assert ("（担当）" in text) == (n == last), (extra, n)
        text = page_text(path, last)
        assert "sosa-desk@example.go.jp" in text  # the block is whole on one page
        assert page_lines(path, last)[0] != "以上"  # 以上 comes with the item before it
        assert in_order(text, ["登録番号", "以上", "（担当）", "佐藤", "電話", "E-mail"]), (extra, text)


@needs_pdf
@needs_poppler
def test_english_letter_numbers_pages_only_when_there_are_two(tmp_path):
    one = print_pdf(short_en(), tmp_path, "short")
    assert pages(one) == 1
    assert page_number(one, 1) is None
    assert page_lines(one, 1)[-1] == "Enclosure: none"
    long = print_pdf(request_en(rows=30), tmp_path, "long")
    assert pages(long) == 2
    assert page_number(long, 1) == "1"
    assert page_number(long, 2) == "2"
    assert "Part number" in page_text(long, 2)  # the head again
    text = page_text(long, 1) + page_text(long, 2)
    assert in_order(text, ["SUBJECT:", "1.", "Applicant", "3.", "HV-2230-7", "TARO YAMADA"]), text
    # The SUBJECT line is bold and never hyphenated; its second line stands under its text.
    out = subprocess.run(["pdffonts", str(long)], capture_output=True, text=True, check=True).stdout
    assert "Liberation-Serif-Bold" in out, out
    subject_left, _, top = line_of(long, 1, "Request")
    second = [w for w in words(long, 1) if top + 5 < w[2] < top + 25]
    assert second and abs(second[0][1] - subject_left) < 1
    lines = page_text(long, 1).splitlines()
    start = next(i for i, line in enumerate(lines) if "SUBJECT:" in line)
    assert not lines[start].rstrip().endswith("-")


@needs_pdf
@needs_poppler
def test_english_signature_block_stays_together(tmp_path):
    seen = set()
    for rows in range(8, 28, 2):
        path = print_pdf(request_en(rows=rows), tmp_path, f"rows{rows}")
        last = pages(path)
        seen.add(last)
        text = page_text(path, last)
        assert "Sincerely," in text and "TARO YAMADA" in text and "Director, International" in text, rows
        assert page_lines(path, last)[0] != "Sincerely,", rows  # never alone at the top of a page
    assert seen == {1, 2} or seen == {2}


@needs_pdf
@needs_poppler
def test_letter_css_alone_numbers_the_pages_as_the_pdf_does(tmp_path):
    """What a browser prints from the HTML file: the same numbers, from letter.css without pdf.py's rule."""
    import weasyprint

    for source, expected in ((notice_ja(), [None]), (relay_ja(), ["1", "2"]), (short_en(), [None]), (request_en(30), ["1", "2"])):
        path = tmp_path / "bare.pdf"
        path.write_bytes(weasyprint.HTML(string=page_html(source)).write_pdf())
        assert pages(path) == len(expected)
        numbers = [page_number(path, n) for n in range(1, len(expected) + 1)]
        assert [re.sub(r"[-\s]", "", n) if n else None for n in numbers] == expected


@needs_pdf
@needs_poppler
def test_pdf_numbers_pages_whatever_the_letters_css_says(tmp_path):
    """An officer's stylesheet without page numbers, or numbering every page, still prints the rule."""
    from sosa_cli.letters.pdf import print_pdf as pdf

    plain = "@page { size: A4; margin: 25mm; } html { font-family: IPAexMincho; }"
    every_page = plain.replace("25mm;", "25mm; @bottom-center { content: counter(page) }")
    for stylesheet in (plain, every_page):
        for source, expected in ((notice_ja(), [None]), (long_ja(), ["- 1 -", "- 2 -", "- 3 -"])):
            page = write_html(blocks.parse(source), css=stylesheet, title="t")
            path = tmp_path / "officer.pdf"
            path.write_bytes(pdf(page, identifier="L-0001").data)
            count = pages(path)
            numbers = [page_number(path, n) for n in range(1, count + 1)]
            assert [n and re.sub(r"\s", "", n) for n in numbers] == [e and e.replace(" ", "") for e in expected[:count]]


@needs_pdf
@needs_poppler
def test_each_letter_is_printed_with_its_own_stylesheet(tmp_path):
    """letter.css is parsed once per process: a changed stylesheet is still the one each letter
    is printed with, and a letter's @counter-style never reaches the letter after it."""
    from sosa_cli.letters.pdf import print_pdf as pdf

    shipped = css("ja")
    a5 = shipped.replace("size: A4;", "size: A5;")
    uses = "\nbody { counter-reset: mark 2; } p.ki::before { content: counter(mark, sosa-kanji) '・'; }\n"
    defines = "@counter-style sosa-kanji { system: fixed; symbols: 一 二 三; }\n"
    sizes, marks = [], []
    for stylesheet in (shipped, a5, shipped + uses + defines, shipped + uses, shipped):
        path = tmp_path / "letter.pdf"
        path.write_bytes(pdf(write_html(blocks.parse(relay_ja()), css=stylesheet, title="t"), identifier="L-0001").data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        size = re.search(r"Page size:\s+([\d.]+ x [\d.]+)", info)
        sizes.append({"595.276 x 841.89": "A4", "419.528 x 595.276": "A5"}.get(size.group(1) if size else "", info))
        text = "".join(page_text(path, n) for n in range(1, pages(path) + 1))
        marks.append(re.findall(r"(\S*)・記", text))
    assert sizes == ["A4", "A5", "A4", "A4", "A4"]
    assert marks == [[], [], ["二"], ["2"], []]  # without its definition, the style is decimal


@needs_pdf
def test_pdf_is_reproducible_and_hashes_its_html():
    import hashlib

    from sosa_cli.letters.pdf import print_pdf as pdf

    page = page_html(long_ja())
    first, second = pdf(page, identifier="L-0001"), pdf(page, identifier="L-0001")
    assert first.data == second.data
    assert first.source_sha256 == hashlib.sha256(page.encode("utf-8")).hexdigest()
    assert pdf(page, identifier="L-0002").data != first.data  # the /ID is the letter's key


@needs_pdf
@pytest.mark.parametrize(
    "trick",
    [
        lambda page, url: page.replace("<style>", f'<style>\n@import url("{url}");'),
        lambda page, url: page.replace("</h1>", f'</h1><img src="{url}" alt="">'),
    ],
    ids=["css-import", "img"],
)
def test_pdf_refuses_to_load_anything_from_outside(tmp_path, trick):
    from sosa_cli.letters.pdf import print_pdf as pdf

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    with pytest.raises(SosaError, match="may not include files"):
        pdf(trick(page_html(notice_ja()), secret.as_uri()), identifier="L-0001")


@needs_pdf
def test_pdf_refuses_characters_no_font_has():
    from sosa_cli.letters.pdf import print_pdf as pdf

    page = page_html(notice_ja()).replace("法人番号", "法人番号\U000f0001")  # a private-use character
    with pytest.raises(SosaError, match="empty boxes"):
        pdf(page, identifier="L-0001")


@needs_pdf
def test_a_batch_costs_about_what_weasyprint_alone_costs():
    """Relay letters within 1.5× of bare WeasyPrint on the same pages (NOTES.md: it was 2.8×)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from sosa_cli.letters.pdf import print_pdf as pdf

    batch = [page_html(relay_ja().replace("A-0001", f"A-{n:04d}")) for n in range(8)]
    fonts = FontConfiguration()
    pdf(batch[0], identifier="warm")
    weasyprint.HTML(string=batch[0]).write_pdf(font_config=fonts)

    # Interleaved, so that whatever else the machine does weighs on both alike.
    bare = ours = 0.0
    for page in batch:
        start = time.perf_counter()
        weasyprint.HTML(string=page).write_pdf(font_config=fonts)
        middle = time.perf_counter()
        pdf(page, identifier="A-0001")
        bare, ours = bare + middle - start, ours + time.perf_counter() - middle
    assert ours < 1.5 * bare, (ours, bare)
