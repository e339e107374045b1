"""Templates: the sandboxed Jinja environment, its folders, filters and refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sosa_cli import render
from sosa_cli.config import MissingSetting
from sosa_cli.errors import SosaError

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


def test_shipped_templates_are_the_repository_folder():
    assert render.shipped_root() == REPO / "templates"
    for language in ("ja", "en"):
        for fmt in ("md", "html"):
            assert (REPO / "templates" / language / f"letterhead.{fmt}.j2").is_file()


@pytest.mark.parametrize(
    ("iso", "wareki", "english"),
    [
        ("2026-11-26", "令和8年11月26日", "26 November 2026"),
        ("2019-05-01", "令和元年5月1日", "1 May 2019"),
        ("2019-04-30", "平成31年4月30日", "30 April 2019"),
        ("1989-01-08", "平成元年1月8日", "8 January 1989"),
    ],
)
def test_date_filters(iso, wareki, english):
    assert render.wareki(iso) == wareki
    assert render.english_date(iso) == english


def test_layout_filters_count_full_width_characters_twice():
    assert render.text_width("装備政策第1号") == 13
    line = render.flush_right("令和8年11月26日")
    assert render.text_width(line) == render.LINE_WIDTH * 2
    assert line.endswith("令和8年11月26日")
    block = render.block_right("（担当）装備政策課\n　　　　山田 太郎").split("\n")
    assert render.text_width(block[0]) == render.LINE_WIDTH * 2
    # The block keeps its own left edge: both lines start at the same column.
    assert len(block[0]) - len(block[0].lstrip("\u3000 ")) == len(block[1]) - len(block[1].lstrip("\u3000 ")) - 4
    centred = render.centre("記")
    assert abs(render.text_width(centred) - render.LINE_WIDTH - 1) <= 1


def test_html_is_escaped_and_markdown_is_not(mine):
    write(mine, "ja/probe.html.j2", "<p>{{ company.name_ja }}</p>")
    write(mine, "ja/probe.md.j2", "{{ company.name_ja }}")
    context = {"company": {"name_ja": "株式会社テスト & <試験>"}}
    assert render.render("ja/probe.html.j2", context, officer=mine) == "<p>株式会社テスト &amp; &lt;試験&gt;</p>\n"
    assert render.render("ja/probe.md.j2", context, officer=mine) == "株式会社テスト & <試験>\n"


def test_markdown_loops_leave_no_blank_lines(mine):
    write(mine, "ja/probe.md.j2", "記\n{% for item in items_list %}\n{% if item %}\n- {{ item }}\n{% endif %}\n{% endfor %}\n以上\n")
    assert render.render("ja/probe.md.j2", {"items_list": ["一", "", "二"]}, officer=mine) == "記\n- 一\n- 二\n以上\n"


def test_a_missing_field_names_the_template_and_the_field(mine):
    write(mine, "ja/probe.md.j2", "{{ company.name_ja }}\n{{ company.fax }}\n")
    with pytest.raises(SosaError) as caught:
        render.render("ja/probe.md.j2", {"company": {"name_ja": "東雲精機株式会社"}}, officer=mine)
    message = str(caught.value)
    assert "probe.md.j2 line 2" in message
    assert "company.fax" in message


def test_a_missing_top_level_field_is_named_too(mine):
    write(mine, "ja/probe.md.j2", "{{ request.dod_ref }}\n")
    with pytest.raises(SosaError, match=r"probe.md.j2 line 1 uses the field request"):
        render.render("ja/probe.md.j2", {}, officer=mine)


def test_optional_fields_can_be_guarded(mine):
    write(mine, "ja/probe.md.j2", "{% if company.fax is defined %}FAX {{ company.fax }}{% endif %}{{ company.ncage | default('なし') }}\n")
    assert render.render("ja/probe.md.j2", {"company": {}}, officer=mine) == "なし\n"


def test_the_sandbox_stops_templates_reaching_python(mine):
    write(mine, "ja/probe.md.j2", "{{ company.__class__.__mro__ }}{{ ''.__class__.__subclasses__() }}\n")
    with pytest.raises(SosaError, match="probe.md.j2"):
        render.render("ja/probe.md.j2", {"company": {}}, officer=mine)


@pytest.mark.parametrize("name", ["../secret.md.j2", "ja/../../secret.md.j2", "/etc/passwd", "ja\\..\\x.j2", "C:/x.j2"])
def test_names_leaving_the_folder_are_refused(name):
    with pytest.raises(SosaError, match="refused"):
        render.render(name, {})


def test_an_include_leaving_the_folder_is_refused(mine, tmp_path):
    write(tmp_path, "secret.md.j2", "secret")
    write(mine, "ja/probe.md.j2", '{% include "../secret.md.j2" %}\n')
    with pytest.raises(SosaError, match="refused"):
        render.render("ja/probe.md.j2", {}, officer=mine)


def test_a_symlink_out_of_the_folder_is_refused(mine, tmp_path):
    secret = write(tmp_path, "outside/secret.md.j2", "secret text")
    (mine / "ja").mkdir()
    os.symlink(secret, mine / "ja" / "enrollment.md.j2")
    with pytest.raises(SosaError, match="outside that folder"):
        render.render("ja/enrollment.md.j2", {}, officer=mine)


def test_the_officers_file_replaces_the_shipped_one_and_reaches_its_letterhead(mine):
    write(mine, "ja/letterhead.md.j2", '{% extends "shipped:ja/letterhead.md.j2" %}{% block sender %}差出人{% endblock %}')
    located = render.locate("ja/letterhead.md.j2", officer=mine)
    assert located.overridden and located.path == mine / "ja" / "letterhead.md.j2"
    shipped = render.locate("ja/enrollment.md.j2", officer=mine)
    assert not shipped.overridden and shipped.path == REPO / "templates" / "ja" / "enrollment.md.j2"


def test_english_letterhead_needs_a_signatory(mine):
    from sosa_cli import config

    write(mine, "en/probe.md.j2", '{% extends "en/letterhead.md.j2" %}{% block body %}1. Text.\n{% endblock %}')
    context = {
        "letter": {"number": "装備政策第3号", "date_en": "26 November 2026", "subject": "Request for Priority Support"},
        "office": config.load().effective(),
    }
    with pytest.raises(MissingSetting) as caught:
        render.render("en/probe.md.j2", context, officer=mine)
    assert "sender_name_en" in str(caught.value)
    assert "sosa config set sender_name_en" in str(caught.value)
    context["office"]["sender_name_en"] = "Taro Yamada"
    text = render.render("en/probe.md.j2", context, officer=mine)
    for part in ("Reference: 装備政策第3号", "26 November 2026", "Office of the Assistant Secretary of Defense for Industrial Base Policy", "Dear Sir or Madam:", "SUBJECT: Request for Priority Support", "1. Text.", "Sincerely,", "TARO YAMADA", "Director, Equipment Policy Division"):
        assert part in text
    positions = [text.index(p) for p in ("Reference:", "Office of the Assistant", "Dear Sir", "SUBJECT:", "1. Text.", "Sincerely,", "TARO YAMADA")]
    assert positions == sorted(positions)


def test_html_letterheads_are_print_ready():
    for language in ("ja", "en"):
        text = (REPO / "templates" / language / "letterhead.html.j2").read_text(encoding="utf-8")
        assert "@page { size: A4;" in text
        # font-family on html, not body (NOTES.md): a page footer would fall back otherwise.
        html_rule = text[text.index("html {"):text.index("}", text.index("html {"))]
        assert "font-family:" in html_rule and "Noto Serif CJK JP" in html_rule
        assert "body { margin: 0; }" in text
    assert '"IPAexMincho"' in (REPO / "templates" / "ja" / "letterhead.html.j2").read_text(encoding="utf-8")
