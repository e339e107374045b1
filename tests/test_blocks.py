"""The letter's one description: the XML a wording renders to, read into blocks, and the text layout."""

from __future__ import annotations

import pytest

from sosa_cli.errors import SosaError
from sosa_cli.letters import blocks
from sosa_cli.letters.blocks import Facts, Grid, Group, Items, Paragraph, Subject, item_number, parse, subject_lines
from sosa_cli.letters.text import LINE_WIDTH, text_width, write_text

JA = """<letter lang="ja">
<line align="right">装備政策第1号</line>
<space/>
<subject>米国国防省からの要請に係る納期の前倒しへの御協力について（依頼）</subject>
<p>標記について、
   米国国防省から要請がありました。</p>
<ki>記</ki>
<items>
<item label="要請元">米国国防省</item>
<item label="対象品目">
<items>
<item>MC-4410-2
<facts><fact label="数量">12</fact></facts>
</item>
<item label="回答方法">次のいずれか
<items><item label="協力可能">前倒し後の納期</item></items>
</item>
</items>
</item>
</items>
<closing>以上</closing>
<block align="right"><line>（担当）装備政策課</line><line>　　　　山田 太郎</line></block>
</letter>"""


def test_a_japanese_letter_reads_into_blocks_numbered_in_kobunsho_style():
    letter = parse(JA)
    assert letter.language == "ja"
    assert letter.subject == "米国国防省からの要請に係る納期の前倒しへの御協力について（依頼）"
    # A source line break inside Japanese text vanishes with its indent.
    assert [b.text for b in letter.blocks if isinstance(b, Paragraph)] == ["標記について、米国国防省から要請がありました。"]
    items = next(b for b in letter.blocks if isinstance(b, Items))
    assert [(i.number, i.label) for i in items.entries] == [("1", "要請元"), ("2", "対象品目")]
    nested = items.entries[1].children[0]
    assert isinstance(nested, Items) and [i.number for i in nested.entries] == ["（1）", "（2）"]
    assert isinstance(nested.entries[0].children[0], Facts)
    assert nested.entries[1].children[0].entries[0].number == "ア"
    # The 担当 block keeps the full-width spaces that align its lines.
    group = next(b for b in letter.blocks if isinstance(b, Group))
    assert group.lines == ("（担当）装備政策課", "　　　　山田 太郎") and group.align == "right"


def test_the_text_layout_numbers_items_1_then_paren_then_a_with_full_width_spaces():
    text = write_text(parse(JA))
    lines = text.splitlines()
    assert "1　要請元　米国国防省" in lines
    assert "2　対象品目" in lines
    assert "　（1）MC-4410-2" in lines
    assert any(line.startswith("　（2）回答方法") for line in lines)
    assert any(line.endswith("ア　協力可能　前倒し後の納期") for line in lines)
    assert not any(line.startswith("1.") for line in lines)
    # Right-aligned parts end on the 40-字 margin.
    assert text_width(lines[0]) == LINE_WIDTH * 2 and lines[0].endswith("装備政策第1号")
    closing = next(line for line in lines if line.endswith("以上"))
    assert text_width(closing) == LINE_WIDTH * 2


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("米国国防省からの要請に係る納期の前倒しへの御協力について（依頼）", ("米国国防省からの要請に係る", "納期の前倒しへの御協力について（依頼）")),
        (
            "防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく参加企業の登録について（通知）",
            ("防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく", "参加企業の登録について（通知）"),
        ),
        ("米国製品の納入遅延に係る米国への要請の結果について（通知）", ("米国製品の納入遅延に係る米国への要請の結果について（通知）",)),
    ],
)
def test_a_long_subject_breaks_at_a_phrase_never_inside_a_word_or_its_type(subject, expected):
    assert subject_lines(subject, "ja") == expected


@pytest.mark.parametrize(
    "subject",
    [
        "米国国防省からの要請に係る納期の前倒しへの御協力について（再依頼）",
        "防衛装備品等の供給の安定化に係る取決め（SoSA）に基づく米国への要請に係る追加の資料の提出について（依頼）",
        "ＡＢＣ株式会社からの報告に基づく米国製品の納入遅延に係る米国国防省への要請の取下げについて（通知）",
    ],
)
def test_every_subject_line_fits_and_the_type_stays_whole(subject):
    lines = subject_lines(subject, "ja")
    assert "".join(lines) == subject
    assert all(len(line) <= blocks.SUBJECT_WIDTH_JA for line in lines)
    assert lines[-1].endswith(subject[subject.rindex("（") :])
    assert all("（SoSA" not in line or "）" in line for line in lines)


def test_english_text_joins_source_lines_with_one_space_and_numbers_paragraphs():
    letter = parse(
        """<letter lang="en"><subject prefix="SUBJECT: ">Reply</subject>
        <para>First   paragraph
              continues here.</para>
        <para>Second:<items><item>one</item><item>two</item></items></para>
        </letter>"""
    )
    paras = [b for b in letter.blocks if isinstance(b, Paragraph)]
    assert [(p.number, p.text) for p in paras] == [("1.", "First paragraph continues here."), ("2.", "Second:")]
    assert [i.number for i in paras[1].children[0].entries] == ["(a)", "(b)"]
    assert isinstance(letter.blocks[0], Subject) and letter.blocks[0].prefix == "SUBJECT: "


def test_a_grid_needs_a_header_and_rows_of_its_width():
    letter = parse(
        """<letter lang="en"><subject>S</subject><grid><head><cell width="30" nowrap="yes">Answer</cell><cell>Note</cell></head>
        <row><cell>accepted</cell><cell>A &amp; B &lt;x&gt;</cell></row></grid></letter>"""
    )
    grid = next(b for b in letter.blocks if isinstance(b, Grid))
    assert grid.columns[0].width == 30 and grid.columns[0].nowrap and not grid.columns[1].nowrap
    assert grid.rows == (("accepted", "A & B <x>"),)
    with pytest.raises(SosaError, match="has 1 cells for 2 columns"):
        parse("""<letter lang="en"><subject>S</subject><grid><head><cell>a</cell><cell>b</cell></head><row><cell>x</cell></row></grid></letter>""")


@pytest.mark.parametrize(
    "source, message",
    [
        ("<letter lang='ja'><subject>S</subject><p>unclosed</letter>", "not well-formed"),
        ("<letter lang='fr'><subject>S</subject></letter>", 'lang="fr"'),
        ("<letter lang='ja'><p>x</p></letter>", "exactly one <subject>"),
        ("<letter lang='ja'><subject>S</subject><script>x</script></letter>", "<script> is not part of a letter"),
        ("<letter lang='ja'><subject>S</subject><line align='justify'>x</line></letter>", 'align="justify"'),
        ("<letter lang='ja'><subject>S</subject><p onclick='x'>x</p></letter>", "no attribute 'onclick'"),
        ("<letter lang='ja'><subject>S</subject>stray text</letter>", "text outside any paragraph"),
        (
            "<letter lang='ja'><subject>S</subject><items><item><items><item><items><item><items><item>x</item></items>"
            "</item></items></item></items></item></items></letter>",
            "three deep",
        ),
    ],
)
def test_a_malformed_wording_is_one_clear_error(source, message):
    with pytest.raises(SosaError, match=message):
        parse(source)


@pytest.mark.parametrize(
    "language, depth, n, printed",
    [("ja", 1, 1, "1"), ("ja", 2, 3, "（3）"), ("ja", 3, 2, "イ"), ("en", 1, 2, "2."), ("en", 2, 1, "(a)"), ("en", 3, 4, "(iv)")],
)
def test_item_numbers(language, depth, n, printed):
    assert item_number(language, depth, n) == printed


def test_letter_text_lists_every_word_for_the_english_check():
    letter = parse(JA)
    words = letter.text()
    for part in ("装備政策第1号", "要請元 米国国防省", "数量 12", "以上", "山田 太郎"):
        assert part in words


@pytest.mark.parametrize(
    ("number", "dialled"),
    [("03-5555-0100", "+81-3-5555-0100"), ("+81-3-3268-3111", "+81-3-3268-3111"), ("090-1234-5678", "+81-90-1234-5678")],
)
def test_an_english_letter_gives_the_desks_number_as_dialled_from_abroad(number, dialled):
    from sosa_cli.letters.templates import international_phone

    assert international_phone(number) == dialled
