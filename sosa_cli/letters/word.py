"""The Word templates of the letters, generated: `python -m sosa_cli.docx_templates`.

This module is the source of truth of `templates/<language>/<kind>.docx`; nobody edits
those binaries by hand. Each kind is a short description below, a list of paragraphs
and tables whose text carries the same Jinja fields as the kind's `.md.j2` and
`.html.j2` templates, inside one shared frame per language:

* ja: the 公用文 of DOMAIN.md §7, A4, 左横書き: 文書番号 and 日付 right, addressee,
  sender right with （公印省略）, 件名 centred, body, 記 centred, numbered items, 以上
  right, the 担当 block at the bottom right.
* en: the business letter to DoD: letterhead, reference and date right, inside address,
  salutation, SUBJECT, numbered paragraphs, Sincerely, signature, Enclosure, cc.

A new kind gets its Word template by adding an entry to `LETTERS` and running this
module again (`--check` tells whether the shipped files are current; a test runs it).
docxtpl reads `{%p … %}` as a tag that replaces its whole paragraph and `{%tr … %}` its
whole table row, so conditions and loops over items are paragraphs or rows of their own.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# The desk's Word is Japanese Windows Office, where ＭＳ 明朝 is the 公用文 face; the font
# table names IPAex明朝 as its alternative for machines without it (LibreOffice on Linux).
JA_FONT = "ＭＳ 明朝"
JA_FONT_ALT = "IPAex明朝"
EN_FONT = "Times New Roman"
# Fixed, so that running the generator again gives the same bytes (and no git churn).
GENERATED_ON = date(2026, 1, 1)


# --- what a letter is made of ------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One paragraph. `indent` is a first-line indent in characters (1 for 公用文 body text)."""

    text: str = ""
    align: str = "left"  # left, right, center
    indent: float = 0
    left: float = 0  # left indent in mm
    bold: bool = False
    rule_below: bool = False  # the letterhead's line


@dataclass(frozen=True)
class Tag:
    """A docxtpl paragraph tag such as `{%p for item in items %}`: the paragraph itself goes."""

    text: str


@dataclass(frozen=True)
class Numbered:
    """A numbered paragraph with a hanging indent: `1.` then text (English letters)."""

    number: str
    text: str


@dataclass(frozen=True)
class Items:
    """記's numbered items as a borderless table: number, label, value.

    A row is (number, label, value), or a string holding a `{%tr … %}` tag.
    """

    rows: list[tuple[str, str, str] | str]
    left: float = 0


@dataclass(frozen=True)
class Facts:
    """One item's particulars as a ruled table of label and value (the HTML `table.item`)."""

    rows: list[tuple[str, str] | str]
    left: float = 0


@dataclass(frozen=True)
class Grid:
    """A ruled table with a header row and one row per element of `loop` (`a in answers`)."""

    headers: list[str]
    cells: list[str]
    loop: str
    widths: list[float] = field(default_factory=list)  # mm; the rest shared out


Block = Line | Tag | Numbered | Items | Facts | Grid
BLANK = Line()


# --- the Japanese frame -------------------------------------------------------------------


def ja_letter(*body: Block) -> list[Block]:
    return [
        Line("{{ letter.number }}", "right"),
        Line("{{ letter.date_ja }}", "right"),
        BLANK,
        Tag("{%p if to.name %}"),
        Line("{{ to.organisation }}"),
        Line("{% if to.title %}{{ to.title }}　{% endif %}{{ to.name }}　{{ to.honorific }}"),
        Tag("{%p else %}"),
        Line("{{ to.organisation }}　{{ to.honorific }}"),
        Tag("{%p endif %}"),
        BLANK,
        Line("{{ office.sender_title }}", "right"),
        Line("（公印省略）", "right"),
        BLANK,
        Line("{{ letter.subject }}", "center"),
        BLANK,
        *body,
        BLANK,
        BLANK,
        # The 担当 block: lines aligned with each other, set towards the right margin.
        Line("（担当）{{ office.contact_section }}", left=JA_CONTACT_LEFT),
        Line("　　　　{{ office.contact_name }}", left=JA_CONTACT_LEFT),
        Line("　　　　電話　{{ office.contact_phone }}", left=JA_CONTACT_LEFT),
        Line("　　　　E-mail　{{ office.contact_email }}", left=JA_CONTACT_LEFT),
    ]


JA_CONTACT_LEFT = 80  # mm from the left margin: 75 mm of the 155 mm line, ~20 字


def text(line: str) -> Line:
    """A body paragraph of a 公用文: first line indented one character."""
    return Line(line, indent=1)


KI = [BLANK, Line("記", "center"), BLANK]
IJO = [BLANK, Line("以上", "right")]


def en_letter(*body: Block, enclosure: str, cc: str) -> list[Block]:
    return [
        Line("{{ office.division_en }}", "center", bold=True, rule_below=True),
        BLANK,
        Line("Reference: {{ letter.number }}", "right"),
        Line("{{ letter.date_en }}", "right"),
        BLANK,
        Tag("{%p for line in office.dod_addressee.split('\\n') %}"),
        Line("{{ line }}"),
        Tag("{%p endfor %}"),
        BLANK,
        Line("{{ office.dod_salutation }}"),
        BLANK,
        Line("SUBJECT: {{ letter.subject }}", bold=True),
        BLANK,
        *body,
        Line("Sincerely,"),
        BLANK,
        BLANK,
        BLANK,
        Line("{{ office.sender_name_en | upper }}"),
        Line("{{ office.sender_title_en }}"),
        BLANK,
        Line(f"Enclosure: {enclosure}"),
        Line(f"cc: {cc}"),
    ]


def paragraph(number: int, line: str) -> list[Block]:
    return [Numbered(f"{number}.", line), BLANK]


# --- the kinds ----------------------------------------------------------------------------

ENROLLMENT = ja_letter(
    text("標記について、貴社から{% if company.coc_accepted_on %}{{ company.coc_accepted_on | wareki }}付けで{% endif %}行動規範を受諾する旨の届出があったことから、日米間の防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく参加企業として、下記のとおり登録したので通知します。"),
    text("なお、登録情報は、下記の同意の範囲内で米国政府及び米国の主要な防衛関連企業と共有します。本取決めへの参加は任意であり、貴社はいつでも参加の取りやめを申し出ることができます。登録内容に変更が生じた場合は、下記担当まで連絡願います。"),
    *KI,
    Items([
        ("1.", "企業名（和文）", "{{ company.name_ja }}"),
        ("2.", "企業名（英文）", "{{ company.name_en }}"),
        ("3.", "法人番号", "{{ company.corporate_number }}"),
        ("4.", "NCAGEコード", "{{ company.ncage or '（登録なし）' }}"),
        ("5.", "行動規範", "{% if company.coc_version %}第{{ company.coc_version }}版　{% endif %}{{ company.coc_accepted_on | wareki }}受諾"),
        ("6.", "登録情報の共有に関する同意", ""),
        ("", "・米国政府への提供", "{{ '同意する' if company.share_usg else '同意しない' }}"),
        ("", "・米国の主要防衛関連企業への提供", "{{ '同意する' if company.share_primes else '同意しない' }}"),
        ("7.", "登録番号", "{{ company.key }}"),
    ]),
    *IJO,
)

OUTCOME = ja_letter(
    text("標記について、貴社から報告のあった米国製品の納入遅延に関し、{% if request.sent_on %}{{ request.sent_on | wareki }}付けで{% endif %}米国国防省に対し{{ request.action_ja }}の支援を要請したところ、下記のとおりとなったので通知します。"),
    text("{{ request.outcome_ja }}"),
    text("なお、本件に関する情報の取扱いについては、引き続き適切な管理をお願いします。"),
    *KI,
    Items([
        ("1.", "要請番号", "{{ request.key }}{% if request.dod_ref %}（米国国防省の整理番号　{{ request.dod_ref }}）{% endif %}"),
        ("2.", "優先格付", "{{ request.rating or 'なし' }}"),
        ("3.", "対象品目", ""),
    ]),
    Tag("{%p for item in items %}"),
    Line("({{ loop.index }}) {{ item.part_number }}{% if item.description %}（{{ item.description }}）{% endif %}　数量 {{ item.quantity }}", left=8),
    Facts([
        ("米国供給者", "{{ item.supplier }}"),
        ("必要時期", "{{ item.need_date | wareki }}"),
        ("当初の納期", "{{ item.original_promised_date | wareki }}"),
        ("現在の納期", "{{ item.promised_date | wareki }}"),
        ("結果", "{{ {'resolved': '解消', 'unresolved': '未解消', 'open': '要請取下げ（継続管理）'}.get(item.status, item.status) }}"),
    ], left=8),
    Tag("{%p endfor %}"),
    Items([
        ("4.", "要請の結果", "{{ {'resolved': '解消', 'partial': '一部解消', 'unresolved': '未解消', 'withdrawn': '取下げ'}[request.outcome] }}（{{ request.closed_on | wareki }}）"),
    ]),
    *IJO,
)

REQUEST = en_letter(
    *paragraph(1, "The Acquisition, Technology and Logistics Agency (ATLA) of the Ministry of Defense of Japan sponsors the following request under the Security of Supply Arrangement between the Department of Defense of the United States of America and the Ministry of Defense of Japan, signed on 12 January 2023. On behalf of {{ company.name_en }}, a participant in the Arrangement, ATLA requests {{ request.action_en }}, in support of the Japan Self-Defense Forces."),
    *paragraph(2, "Urgency. {{ request.urgency_en }} The items below are needed by the required dates shown; the supplier's current promised dates do not meet them, and the company has made the efforts described without success."),
    Numbered("3.", "Items ({{ items | length }}):"),
    Tag("{%p for item in items %}"),
    Line("Item {{ loop.index }} ({{ item.key }})", left=8, bold=True),
    Facts([
        ("Applicant", "{{ company.name_en }} ({{ company.name_ja }}){% if company.ncage %}, NCAGE {{ company.ncage }}{% endif %}"),
        ("U.S. supplier", "{{ item.supplier }}{% if item.supplier_cage %}, CAGE {{ item.supplier_cage }}{% endif %}"),
        ("Purchase order", "{{ item.po or 'not given' }}"),
        ("Part number / NSN", "{{ item.part_number }} / {{ item.nsn or 'none' }}{% if item.description %} ({{ item.description }}){% endif %}"),
        ("Quantity", "{{ item.quantity }}"),
        ("Required delivery date", "{{ item.need_date | english_date }}"),
        ("Current promised delivery date", "{{ item.promised_date | english_date }}{% if item.original_promised_date != item.promised_date %} (originally {{ item.original_promised_date | english_date }}){% endif %}"),
        ("End use and impact", "{{ item.program or 'Japan Self-Defense Forces' }}{% if item.impact %}; {{ item.impact }}{% endif %}"),
        ("Efforts made", "{{ item.efforts or 'none reported' }}"),
    ], left=8),
    Tag("{%p endfor %}"),
    BLANK,
    *paragraph(4, "The company information in this letter is business confidential and commercially sensitive. It is provided to the Department of Defense solely for the purpose of this request and should be protected from public disclosure."),
    *paragraph(5, "ATLA would be grateful for the Department's support. Please address any questions to {{ office.contact_name }} ({{ office.contact_email }}, {{ office.contact_phone }}){% if request.dod_ref %}, quoting reference {{ request.dod_ref }}{% endif %}."),
    enclosure="Delay report(s) {{ items | map(attribute='key') | join(', ') }} from {{ company.name_en }}",
    cc="{{ company.name_en }}",
)

RELAY = ja_letter(
    text("標記について、日米間の防衛装備品等の供給の安定化に係る取決め（SoSA）に基づき、米国国防省から{{ ask.received_on | wareki }}付けで、下記の品目の納期の前倒しについて協力の依頼がありました。"),
    text("つきましては、貴社において下記の納期の前倒しへの協力が可能かどうかを御検討の上、{{ relay.answer_by | wareki }}までに下記担当あて御回答願います。"),
    text("本依頼への協力は、行動規範に基づく、あくまでも可能な範囲での任意の協力であり、協力できない場合であっても貴社が不利益を受けることはありません。協力が困難な場合であっても、その旨を御回答願います。"),
    text("なお、御回答いただいた内容は、米国国防省への回答に用い、商業上の機密として取り扱います。"),
    *KI,
    Items([
        ("1.", "依頼元", "米国国防省（整理番号　{{ ask.dod_ref }}）"),
        ("2.", "米国の計画・最終品目", "{{ ask.program or '（記載なし）' }}"),
        ("3.", "依頼の理由", "{{ ask.reason or '（記載なし）' }}"),
        ("4.", "対象品目", ""),
    ]),
    Grid(
        ["", "部品番号（品名）", "NSN", "数量", "現在の納期", "米国が希望する納期"],
        [
            "({{ loop.index }})",
            "{{ item.part_number or '部品番号なし' }}{% if item.description %}（{{ item.description }}）{% endif %}",
            "{{ item.nsn or 'なし' }}",
            "{{ item.quantity }}",
            "{{ item.current_date | wareki }}",
            "{{ item.requested_date | wareki }}",
        ],
        "item in items",
        widths=[10, 0, 28, 12, 30, 30],
    ),
    Items([
        ("5.", "回答期限", "{{ relay.answer_by | wareki }}"),
        ("6.", "回答方法", "次のいずれかを、下記担当あてE-mailにより御回答願います。"),
        ("", "", "ア　協力可能　前倒し後の納期"),
        ("", "", "イ　一部協力可能　前倒しが可能な数量及びその納期"),
        ("", "", "ウ　協力困難（理由の記載は任意です。）"),
        ("", "", "いずれの場合も、条件等があれば併せて御記載願います。"),
        ("7.", "整理番号", "{{ ask.key }}"),
    ]),
    *IJO,
)

REMINDER = ja_letter(
    text("標記について、{% if first_letter %}{{ first_letter.date | wareki }}付け{{ first_letter.number }}により{% else %}{{ relay.sent_on | wareki }}付けで{% endif %}依頼した米国国防省からの納期の前倒しに係る協力依頼について、{{ relay.original_answer_by | wareki }}までの御回答をお願いしていたところですが、現時点で貴社からの御回答を確認できておりません。"),
    text("つきましては、お手数ですが、{{ relay.answer_by | wareki }}までに下記担当あて御回答願います。"),
    text("本依頼への協力は、あくまでも可能な範囲での任意の協力です。協力が困難な場合であっても、その旨を御回答いただければ結構です。なお、本書と行き違いに御回答いただいている場合は、御容赦願います。"),
    *KI,
    Items([
        ("1.", "当初の依頼", "{% if first_letter %}{{ first_letter.date | wareki }}付け{{ first_letter.number }}{% else %}{{ relay.sent_on | wareki }}付け{% endif %}"),
        ("2.", "依頼元", "米国国防省（整理番号　{{ ask.dod_ref }}）"),
        ("3.", "対象品目", ""),
    ]),
    Grid(
        ["", "部品番号（品名）", "数量", "現在の納期", "米国が希望する納期"],
        [
            "({{ loop.index }})",
            "{{ item.part_number or '部品番号なし' }}{% if item.description %}（{{ item.description }}）{% endif %}",
            "{{ item.quantity }}",
            "{{ item.current_date | wareki }}",
            "{{ item.requested_date | wareki }}",
        ],
        "item in items",
        widths=[10, 0, 14, 32, 32],
    ),
    Items([
        ("4.", "当初の回答期限", "{{ relay.original_answer_by | wareki }}"),
        ("5.", "新たな回答期限", "{{ relay.answer_by | wareki }}"),
        ("6.", "回答方法", "協力可能、一部協力可能（数量及び納期）又は協力困難のいずれかを、下記担当あてE-mailにより御回答願います。"),
        ("7.", "整理番号", "{{ ask.key }}"),
    ]),
    *IJO,
)

REPLY = en_letter(
    *paragraph(1, "Reference is made to the Department's request {{ ask.dod_ref }}, received on {{ ask.received_on | english_date }}, for priority delivery support{% if ask.program %} for {{ ask.program }}{% endif %}. Under the Security of Supply Arrangement between the Department of Defense of the United States of America and the Ministry of Defense of Japan, the Acquisition, Technology and Logistics Agency (ATLA) {% if counts.total %}relayed the request{% if ask.relayed_on %} on {{ ask.relayed_on | english_date }}{% endif %} to {{ counts.total }} participating Japanese {{ 'company' if counts.total == 1 else 'companies' }}{% else %}looked for participating Japanese companies that supply the items requested and found none, so the request could not be relayed{% endif %}."),
    Numbered("2.", "Items requested:"),
    Tag("{%p for item in items %}"),
    Line("Item {{ loop.index }}: part number {{ item.part_number or 'not given' }}, NSN {{ item.nsn or 'none' }}{% if item.description %} ({{ item.description }}){% endif %}; quantity {{ item.quantity }}; current delivery date {{ item.current_date | english_date }}; requested delivery date {{ item.requested_date | english_date }}.", left=8),
    Tag("{%p endfor %}"),
    BLANK,
    Tag("{%p if not answers %}"),
    Numbered("3.", "No participating Japanese company supplies these items; ATLA is therefore unable to offer support for this request."),
    Tag("{%p else %}"),
    Numbered("3.", "The companies answered as follows ({{ counts.accept }} accepted, {{ counts.partial }} partially accepted, {{ counts.decline }} declined, {{ counts.no_response }} no response{% if counts.withdrawn is defined and counts.withdrawn %}, {{ counts.withdrawn }} withdrew from the Arrangement before answering{% endif %}):"),
    Grid(
        ["Company", "Answer", "Committed date", "Quantity", "Conditions and notes"],
        [
            "{{ a.name_en }}{% if a.ncage %} (NCAGE {{ a.ncage }}){% endif %}",
            "{{ a.decision_en }}",
            "{{ a.committed_date | english_date if a.committed_date else '' }}",
            "{% if a.quantity %}{{ a.quantity }} of {{ ask.asked_quantity }}{% endif %}",
            "{{ a.note or ('no answer was received by the date of this letter' if a.decision == 'no-response' else '') }}",
        ],
        "a in answers",
        widths=[0, 24, 30, 20, 40],
    ),
    Tag("{%p endif %}"),
    BLANK,
    *paragraph(4, "Cooperation by Japanese companies under the Code of Conduct of the Arrangement is voluntary. A Japanese company may decline a request, and a company that declined or did not answer has acted within the Arrangement. The dates committed above are the companies' own undertakings to the extent they are able."),
    *paragraph(5, "The company information in this letter is business confidential and commercially sensitive. It is provided to the Department of Defense solely for the purpose of this request and should be protected from public disclosure."),
    *paragraph(6, "Please address any questions to {{ office.contact_name }} ({{ office.contact_email }}, {{ office.contact_phone }}), quoting reference {{ ask.dod_ref }}."),
    enclosure="none",
    cc="none",
)

# (language, kind) → its description. The kinds come from letters.KINDS; a kind missing
# here has no Word template, and `--format docx` says so.
LETTERS: dict[tuple[str, str], list[Block]] = {
    ("ja", "enrollment"): ENROLLMENT,
    ("ja", "outcome"): OUTCOME,
    ("en", "request"): REQUEST,
    ("ja", "relay"): RELAY,
    ("ja", "reminder"): REMINDER,
    ("en", "reply"): REPLY,
}


# --- the page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A4 with the margins of the HTML letters, so Word and PDF letters look alike."""

    top: float
    right: float
    bottom: float
    left: float
    font: str
    east_asian_font: str
    size: float  # pt
    line: float  # pt between baselines


PAGES = {
    "ja": Page(30, 25, 27, 30, JA_FONT, JA_FONT, 10.5, 18),
    "en": Page(25, 25, 25, 25, EN_FONT, JA_FONT, 11, 15),
}


def _set_fonts(rpr, latin: str, east_asian: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    # Theme fonts win over named ones: drop them, or Word shows Calibri / 游明朝.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian), ("w:cs", latin)):
        fonts.set(qn(slot), name)


def _language(rpr, language: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    # ja-JP on East Asian text turns on 禁則処理 (no 。or 、at the start of a line).
    lang.set(qn("w:val"), "ja-JP" if language == "ja" else "en-GB")
    lang.set(qn("w:eastAsia"), "ja-JP")


def _declare_alternative_font(document) -> None:
    """Name IPAex明朝 in the font table as what to use where ＭＳ 明朝 is not installed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    part = document.part.part_related_by(RT.FONT_TABLE)
    xml = part.blob.decode("utf-8")
    entry = (
        f'<w:font w:name="{JA_FONT}"><w:altName w:val="{JA_FONT_ALT}"/><w:panose1 w:val="02020609040205080304"/>'
        '<w:charset w:val="80"/><w:family w:val="roman"/><w:pitch w:val="fixed"/></w:font>'
    )
    if f'w:name="{JA_FONT}"' not in xml:
        xml = xml.replace("</w:fonts>", entry + "</w:fonts>")
    part._blob = xml.encode("utf-8")
    parse_xml(part._blob)  # still well-formed


def _new_document(language: str):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    page = PAGES[language]
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.right_margin = Mm(page.top), Mm(page.right)
    section.bottom_margin, section.left_margin = Mm(page.bottom), Mm(page.left)

    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(default_rpr, page.font, page.east_asian_font)
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = page.font
        style.font.size = Pt(page.size)
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, page.font, page.east_asian_font)
        _language(rpr, language)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = Pt(0)
    normal.line_spacing = Pt(page.line)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "sosa"
    properties.title = "{{ letter.number }} {{ letter.subject }}"
    properties.comments = "Generated by python -m sosa_cli.docx_templates; edit that module, not this file."
    properties.created = properties.modified = properties.last_printed = _midnight(GENERATED_ON)
    properties.revision = 1
    if language == "ja":
        _declare_alternative_font(document)
    return document


def _midnight(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def _text_width(language: str):
    from docx.shared import Mm

    page = PAGES[language]
    return Mm(210 - page.left - page.right)


def _paragraph(container, line: Line, language: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    p = container.add_paragraph()
    if line.text:
        run = p.add_run(line.text)
        run.bold = line.bold or None
    p.alignment = {"left": None, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}[line.align]
    if line.indent:
        p.paragraph_format.first_line_indent = Pt(PAGES[language].size * line.indent)
    if line.left:
        p.paragraph_format.left_indent = Mm(line.left)
    if line.rule_below:
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "000000")):
            bottom.set(qn(k), v)
        borders.append(bottom)
        p._p.get_or_add_pPr().append(borders)
    return p


def _numbered(document, block: Numbered, language: str) -> None:
    from docx.shared import Mm

    p = document.add_paragraph()
    p.add_run(f"{block.number}\t{block.text}")
    fmt = p.paragraph_format
    fmt.left_indent = Mm(8)
    fmt.first_line_indent = Mm(-8)
    fmt.tab_stops.add_tab_stop(Mm(8))


def _cell(cell, content: str, *, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    if content:
        run = p.add_run(content)
        run.bold = bold or None


def _table(document, rows: int, widths_mm: list[float], language: str, *, ruled: bool, left: float = 0):
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    total = _text_width(language) - Mm(left)
    fixed = sum(Mm(w) for w in widths_mm if w)
    free = [i for i, w in enumerate(widths_mm) if not w]
    share = (total - fixed) // max(len(free), 1)
    widths = [Mm(w) if w else share for w in widths_mm]
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"] if ruled else document.styles["Normal Table"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    if left:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(int(Mm(left).twips)))
        indent.set(qn("w:type"), "dxa")
        tbl_pr.append(indent)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    for column, width in zip(table.columns, widths):
        column.width = width
    return table


def _row_tag(table, index: int, tag: str) -> None:
    # A `{%tr … %}` tag in the row's first cell: docxtpl drops the row and keeps the tag.
    table.rows[index].cells[0].paragraphs[0].add_run(tag)


def _items(document, block: Items, language: str) -> None:
    label = 48 if language == "ja" else 55
    table = _table(document, len(block.rows), [9, label, 0], language, ruled=False, left=block.left)
    for i, row in enumerate(block.rows):
        if isinstance(row, str):
            _row_tag(table, i, row)
            continue
        for cell, content in zip(table.rows[i].cells, row):
            _cell(cell, content)


def _facts(document, block: Facts, language: str) -> None:
    table = _table(document, len(block.rows), [50 if language == "en" else 35, 0], language, ruled=True, left=block.left)
    for i, row in enumerate(block.rows):
        if isinstance(row, str):
            _row_tag(table, i, row)
            continue
        for cell, content in zip(table.rows[i].cells, row):
            _cell(cell, content)


def _grid(document, block: Grid, language: str) -> None:
    widths = block.widths or [0] * len(block.headers)
    table = _table(document, 4, widths, language, ruled=True)
    for cell, header in zip(table.rows[0].cells, block.headers):
        _cell(cell, header)
    _row_tag(table, 1, f"{{%tr for {block.loop} %}}")
    for cell, content in zip(table.rows[2].cells, block.cells):
        _cell(cell, content)
    _row_tag(table, 3, "{%tr endfor %}")


def build(language: str, blocks: list[Block]):
    """A python-docx Document of one kind's template."""
    document = _new_document(language)
    for block in blocks:
        if isinstance(block, Line):
            _paragraph(document, block, language)
        elif isinstance(block, Tag):
            document.add_paragraph().add_run(block.text)
        elif isinstance(block, Numbered):
            _numbered(document, block, language)
        elif isinstance(block, Items):
            _items(document, block, language)
        elif isinstance(block, Facts):
            _facts(document, block, language)
        elif isinstance(block, Grid):
            _grid(document, block, language)
        else:  # pragma: no cover - a new block type without its writer
            raise TypeError(f"no writer for {type(block).__name__}")
    return document


def generate(language: str, kind: str) -> bytes:
    """The bytes of `<language>/<kind>.docx`, the same on every run."""
    import io

    from .documents import reproducible_zip

    buffer = io.BytesIO()
    build(language, LETTERS[(language, kind)]).save(buffer)
    return reproducible_zip(buffer.getvalue(), GENERATED_ON).data


def template_path(root: Path, language: str, kind: str) -> Path:
    return root / language / f"{kind}.docx"


def main(argv: list[str] | None = None) -> int:
    from .render import shipped_root

    parser = argparse.ArgumentParser(prog="python -m sosa_cli.docx_templates", description="Write the Word letter templates.")
    parser.add_argument("--out", type=Path, default=None, help="templates folder (default: the shipped templates/)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a shipped file differs")
    args = parser.parse_args(argv)
    root = args.out or shipped_root()
    stale = []
    for language, kind in LETTERS:
        path = template_path(root, language, kind)
        data = generate(language, kind)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(path)
    for path in stale:
        print(f"out of date: {path} (run python -m sosa_cli.docx_templates)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
