"""Letter wording: the sandboxed Jinja environment, its folders, filters and refusals
(sosa_cli/letters/templates.py).

Every kind's wording renders to the XML of sosa_cli/letters/blocks.py; the probes here
are small wording files in an officer's folder, filled with hand-made fields.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sosa_cli.config import MissingSetting
from sosa_cli.errors import SosaError
from sosa_cli.letters import templates
from sosa_cli.letters.blocks import Facts, Paragraph, parse
from sosa_cli.letters.text import LINE_WIDTH, block_right, centre, flush_right, text_width, write_text

REPO = Path(__file__).resolve().parent.parent


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mine(tmp_path) -> Path:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    return folder


def probe(body: str, language: str = "ja") -> str:
    """A wording file that is a whole letter: its subject and `body`."""
    return f'<letter lang="{language}"><subject>件名（通知）</subject>\n{body}</letter>'


def test_shipped_templates_are_the_repository_folder():
    assert templates.shipped_root() == REPO / "templates"
    for language in ("ja", "en"):
        assert (REPO / "templates" / templates.template_name(language, "letterhead")).is_file()
        assert (REPO / "templates" / templates.stylesheet_name(language)).is_file()
    assert templates.template_name("ja", "relay") == "ja/relay.xml.j2"


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "wareki", "english"),
    [
        ("2026-11-26", "令和8年11月26日", "26 November 2026"),
        ("2019-05-01", "令和元年5月1日", "1 May 2019"),
        ("2019-04-30", "平成31年4月30日", "30 April 2019"),
        ("1989-01-08", "平成元年1月8日", "8 January 1989"),
    ],
)
def test_date_filters(iso, wareki, english, mine):
    assert templates.wareki(iso) == wareki
    assert templates.english_date(iso) == english
    write(mine, "ja/probe.xml.j2", "{{ day | wareki }} {{ day | english_date }}")
    assert templates.render("ja/probe.xml.j2", {"day": iso}, officer=mine) == f"{wareki} {english}\n"


@pytest.mark.parametrize(
    ("number", "singular", "plural", "printed"),
    [
        (2, "company", "companies", "two companies"),
        (1, "company", "companies", "one company"),
        (0, "company", "companies", "zero companies"),
        (10, "company", "companies", "ten companies"),
        (11, "company", "companies", "11 companies"),
        (3, "U.S. order", None, "three U.S. orders"),
        (1, "U.S. order", None, "one U.S. order"),
    ],
)
def test_count_spells_out_numbers_to_ten_and_agrees_the_noun(number, singular, plural, printed):
    assert templates.count(number, singular, plural) == printed


def test_sentence_and_and_list_filters(mine):
    assert templates.sentence("one company accepted") == "One company accepted"
    assert templates.sentence("ATLA relayed") == "ATLA relayed"
    assert templates.and_list([]) == "" and templates.and_list(["A"]) == "A"
    assert templates.and_list(["A", "B"]) == "A and B"
    assert templates.and_list(["A", "B", "C"]) == "A, B and C"
    assert templates.number_word(7) == "seven" and templates.number_word(12) == "12"
    write(mine, "en/probe.xml.j2", '{{ names | and_list }}; {{ n | count("company", "companies") | sentence }} declined.')
    text = templates.render("en/probe.xml.j2", {"names": ["Hokuto Denshi", "Kobe Marine"], "n": 2}, officer=mine)
    assert text == "Hokuto Denshi and Kobe Marine; Two companies declined.\n"


def test_text_layout_counts_full_width_characters_twice():
    assert text_width("装備政策第1号") == 13
    line = flush_right("令和8年11月26日")
    assert text_width(line) == LINE_WIDTH * 2
    assert line.endswith("令和8年11月26日")
    block = block_right(["（担当）装備政策課", "　　　　山田 太郎"])
    assert text_width(block[0]) == LINE_WIDTH * 2
    # The block keeps its own left edge: both lines start at the same column.
    assert len(block[0]) - len(block[0].lstrip("\u3000 ")) == len(block[1]) - len(block[1].lstrip("\u3000 ")) - 4
    centred = centre("記")
    assert abs(text_width(centred) - LINE_WIDTH - 1) <= 1


# --- filling in ------------------------------------------------------------------------------


def test_values_are_escaped_into_the_wording_and_read_back_as_typed(mine):
    write(mine, "ja/probe.xml.j2", probe("<p>{{ company.name_ja }}</p>"))
    context = {"company": {"name_ja": "株式会社テスト & <試験>"}}
    source = templates.render("ja/probe.xml.j2", context, officer=mine)
    assert "<p>株式会社テスト &amp; &lt;試験&gt;</p>" in source  # text, never markup
    letter = parse(source)
    assert letter.blocks[-1] == Paragraph("株式会社テスト & <試験>")
    assert "株式会社テスト & <試験>" in write_text(letter)  # the Markdown letter prints it as typed


def test_a_value_cannot_add_an_element_to_the_wording(mine):
    write(mine, "ja/probe.xml.j2", probe("<p>{{ company.name_ja }}</p>"))
    context = {"company": {"name_ja": '</p><img src="file:///etc/passwd"/><p>'}}
    letter = parse(templates.render("ja/probe.xml.j2", context, officer=mine))
    assert letter.blocks[-1] == Paragraph('</p><img src="file:///etc/passwd"/><p>')


def test_loops_and_conditions_on_their_own_lines_leave_no_blank_lines(mine):
    write(
        mine,
        "ja/probe.xml.j2",
        '<facts>\n{% for item in items_list %}\n{% if item %}\n<fact label="品目">{{ item }}</fact>\n{% endif %}\n{% endfor %}\n</facts>\n',
    )
    source = templates.render("ja/probe.xml.j2", {"items_list": ["一", "", "二"]}, officer=mine)
    assert source == '<facts>\n<fact label="品目">一</fact>\n<fact label="品目">二</fact>\n</facts>\n'


def test_a_missing_field_names_the_template_and_the_field(mine):
    write(mine, "ja/probe.xml.j2", "<p>{{ company.name_ja }}</p>\n<p>{{ company.fax }}</p>\n")
    with pytest.raises(SosaError) as caught:
        templates.render("ja/probe.xml.j2", {"company": {"name_ja": "東雲精機株式会社"}}, officer=mine)
    message = str(caught.value)
    assert "probe.xml.j2 line 2" in message
    assert "company.fax" in message


def test_a_missing_field_in_a_nested_record_is_named_with_its_place(mine):
    write(mine, "ja/probe.xml.j2", "{% for item in items %}\n<p>{{ item.customer }}</p>\n{% endfor %}\n")
    with pytest.raises(SosaError, match=r"probe.xml.j2 line 2 uses the field items\[1\].customer"):
        templates.render("ja/probe.xml.j2", {"items": [{"customer": "U.S. Army"}, {}]}, officer=mine)


def test_a_missing_top_level_field_is_named_too(mine):
    write(mine, "ja/probe.xml.j2", "{{ request.dod_ref }}\n")
    with pytest.raises(SosaError, match=r"probe.xml.j2 line 1 uses the field request"):
        templates.render("ja/probe.xml.j2", {}, officer=mine)


def test_optional_fields_can_be_guarded(mine):
    write(mine, "ja/probe.xml.j2", "{% if company.fax is defined %}FAX {{ company.fax }}{% endif %}{{ company.ncage | default('なし') }}\n")
    assert templates.render("ja/probe.xml.j2", {"company": {}}, officer=mine) == "なし\n"


def test_a_field_named_like_a_dict_method_reads_as_the_field(mine):
    write(mine, "ja/probe.xml.j2", "{{ company.path }} {{ company.name }}\n")
    assert templates.render("ja/probe.xml.j2", {"company": {"path": "経路", "name": "名前"}}, officer=mine) == "経路 名前\n"


@pytest.mark.parametrize(
    "expression",
    [
        "{{ company.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ company._sosa_path }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_the_sandbox_stops_templates_reaching_python(mine, expression):
    write(mine, "ja/probe.xml.j2", expression + "\n")
    with pytest.raises(SosaError, match=r"probe.xml.j2 line 1 was stopped by the sandbox"):
        templates.render("ja/probe.xml.j2", {"company": {}}, officer=mine)


# --- the folders ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../secret.xml.j2", "ja/../../secret.xml.j2", "/etc/passwd", "ja\\..\\x.xml.j2", "C:/x.xml.j2", "./ja/relay.xml.j2"])
def test_names_leaving_the_folder_are_refused(name):
    with pytest.raises(SosaError, match="refused"):
        templates.render(name, {})


def test_an_include_leaving_the_folder_is_refused(mine, tmp_path):
    write(tmp_path, "secret.xml.j2", "secret")
    write(mine, "ja/probe.xml.j2", '{% include "../secret.xml.j2" %}\n')
    with pytest.raises(SosaError, match="refused"):
        templates.render("ja/probe.xml.j2", {}, officer=mine)
    write(mine, "ja/probe.xml.j2", '{% extends "/etc/passwd" %}\n')
    with pytest.raises(SosaError, match="refused"):
        templates.render("ja/probe.xml.j2", {}, officer=mine)


def test_a_symlink_out_of_the_folder_is_refused(mine, tmp_path):
    secret = write(tmp_path, "outside/secret.xml.j2", "secret text")
    (mine / "ja").mkdir()
    os.symlink(secret, mine / "ja" / "enrollment.xml.j2")
    with pytest.raises(SosaError, match="outside that folder"):
        templates.render("ja/enrollment.xml.j2", {}, officer=mine)
    with pytest.raises(SosaError, match="outside that folder"):
        templates.locate("ja/enrollment.xml.j2", officer=mine)


def test_a_symlinked_page_style_out_of_the_folder_is_refused(mine, tmp_path):
    secret = write(tmp_path, "outside/letter.css", "body { color: red }")
    (mine / "ja").mkdir()
    os.symlink(secret, mine / "ja" / "letter.css")
    with pytest.raises(SosaError, match="outside that folder"):
        templates.stylesheet("ja", officer=mine)


def test_a_missing_officers_folder_is_named(tmp_path):
    with pytest.raises(SosaError, match="does not exist"):
        templates.render("ja/enrollment.xml.j2", {}, officer=tmp_path / "nowhere")


def test_the_officers_file_replaces_the_shipped_one_and_reaches_its_letterhead(mine):
    write(mine, "ja/letterhead.xml.j2", '{% extends "shipped:ja/letterhead.xml.j2" %}{% block sender %}<line align="right">差出人</line>{% endblock %}')
    located = templates.locate("ja/letterhead.xml.j2", officer=mine)
    assert located.overridden and located.path == mine / "ja" / "letterhead.xml.j2"
    shipped = templates.locate("ja/enrollment.xml.j2", officer=mine)
    assert not shipped.overridden and shipped.path == REPO / "templates" / "ja" / "enrollment.xml.j2"
    assert templates.locate("shipped:ja/letterhead.xml.j2", officer=mine).path == REPO / "templates" / "ja" / "letterhead.xml.j2"

    # A kind's wording asks for "ja/letterhead.xml.j2": it gets the officer's, which wraps the shipped one.
    write(mine, "ja/probe.xml.j2", '{% extends "ja/letterhead.xml.j2" %}{% block subject %}件名（通知）{% endblock %}{% block body %}<p>本文</p>{% endblock %}')
    context = {
        "letter": {"number": "装備政策第3号", "date_ja": "令和8年11月26日"},
        "to": {"organisation": "東雲精機株式会社", "title": None, "name": None, "honorific": "御中"},
        "office": {
            "sender_title": "防衛装備庁装備政策部装備政策課長",
            "contact_section": "装備政策課",
            "contact_name": "山田 太郎",
            "contact_phone": "03-3268-3111",
            "contact_email": "sosa@example.go.jp",
        },
    }
    text = write_text(parse(templates.render("ja/probe.xml.j2", context, officer=mine)))
    assert "差出人" in text and "（公印省略）" not in text and "防衛装備庁装備政策部装備政策課長" not in text
    for shipped_part in ("装備政策第3号", "東雲精機株式会社　御中", "件名（通知）", "本文", "（担当）装備政策課"):
        assert shipped_part in text


def test_a_page_style_of_the_officers_replaces_the_shipped_one(mine):
    assert "size: A4" in templates.stylesheet("ja", officer=mine)
    write(mine, "ja/letter.css", "@page { size: A4; margin: 20mm; }\n")
    assert templates.stylesheet("ja", officer=mine) == "@page { size: A4; margin: 20mm; }\n"
    assert templates.stylesheet("en", officer=mine) == (REPO / "templates" / "en" / "letter.css").read_text(encoding="utf-8")


def test_english_letterhead_needs_a_signatory(mine):
    from sosa_cli import config

    write(
        mine,
        "en/probe.xml.j2",
        '{% extends "en/letterhead.xml.j2" %}{% block subject %}Request for Priority Support{% endblock %}{% block body %}<para>Text.</para>{% endblock %}',
    )
    context = {
        "letter": {"number_en": "ATLA-EPD No. 3", "date_en": "26 November 2026"},
        "office": config.load().effective(),
    }
    with pytest.raises(MissingSetting) as caught:
        templates.render("en/probe.xml.j2", context, officer=mine)
    assert "sender_name_en" in str(caught.value)
    assert "sosa config set sender_name_en" in caught.value.hint
    assert "en/letterhead.xml.j2" in str(caught.value)  # where the setting is printed
    context["office"]["sender_name_en"] = "Ichiro Suzuki"
    text = write_text(parse(templates.render("en/probe.xml.j2", context, officer=mine)))
    parts = (
        "Equipment Policy Division",
        "Reference: ATLA-EPD No. 3",
        "26 November 2026",
        "Office of the Assistant Secretary of Defense for Industrial Base Policy",
        "Dear Sir or Madam:",
        "SUBJECT: Request for Priority Support",
        "1. Text.",
        "Sincerely,",
        "ICHIRO SUZUKI",
        "Director, Equipment Policy Division",
    )
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions)
    assert "Enclosure" not in text and "cc:" not in text  # only when a letter has them


def test_page_styles_are_print_ready():
    for language in ("ja", "en"):
        text = (REPO / "templates" / templates.stylesheet_name(language)).read_text(encoding="utf-8")
        assert "size: A4;" in text[text.index("@page {") :]
        # font-family on html, not body (NOTES.md): a page footer would fall back otherwise.
        html_rule = text[text.index("html {") : text.index("}", text.index("html {"))]
        assert "font-family:" in html_rule and "Noto Serif CJK JP" in html_rule
        assert "body { margin: 0; }" in text
    assert '"IPAexMincho"' in (REPO / "templates" / "ja" / "letter.css").read_text(encoding="utf-8")


def test_every_facts_label_is_kept_with_its_value(mine):
    # A label is an attribute: its value is escaped too.
    write(mine, "ja/probe.xml.j2", '<facts><fact label="{{ label }}">{{ value }}</fact></facts>')
    source = templates.render("ja/probe.xml.j2", {"label": 'A "&" <B>', "value": "1 & 2"}, officer=mine)
    letter_facts = parse(probe(source)).blocks[-1]
    assert letter_facts == Facts((('A "&" <B>', "1 & 2"),))
