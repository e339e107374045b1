"""Reading officers' YAML: values stay text, duplicates and aliases refused, lines reported."""

from __future__ import annotations

import pytest

from sosa_cli.errors import SosaError
from sosa_cli.importing import read_records


def test_values_stay_as_typed():
    data = "name_ja: テスト\nncage: NO\nfsc: [010, 5962]\ntime: 12:30\nshare_usg: yes\ncoc_accepted_on: 2026-11-01\n"
    [doc] = read_records(data.encode(), "t.yaml")
    assert doc.values == {
        "name_ja": "テスト",
        "ncage": "NO",
        "fsc": ["010", "5962"],
        "time": "12:30",
        "share_usg": "yes",
        "coc_accepted_on": "2026-11-01",
    }
    assert doc.lines["fsc.2"] == 3 and doc.lines["coc_accepted_on"] == 6


def test_a_list_gives_one_record_each_with_its_own_lines():
    data = "- name_ja: 甲\n  contacts:\n    - name: 佐藤\n      email: x\n- name_ja: 乙\n"
    docs = read_records(data.encode(), "t.yaml")
    assert [d.values["name_ja"] for d in docs] == ["甲", "乙"]
    assert docs[0].lines["contacts.1.email"] == 4
    assert docs[1].lines[""] == 5


@pytest.mark.parametrize(
    "data, message",
    [
        ("name_ja: 甲\nname_ja: 乙\n", "t.yaml:2: name_ja: duplicate key (first given at line 1)"),
        ("a: &x [1, 2]\nb: *x\n", "t.yaml:2: anchors and aliases"),
        ("name_ja: [unclosed\n", "t.yaml:2: malformed YAML"),
        ("- a: 1\n- just text\n", "t.yaml:2: expected a record"),
        ("just text\n", "t.yaml:1: expected a record"),
        ("", "t.yaml: the file holds no records"),
        ("a: 1\n---\nb: 2\n", "malformed YAML: expected a single document"),
        ("a: !!python/object:os.system echo\n", "t.yaml:1: a: YAML tags such as"),
        ("n: !!int 010\n", "YAML tags such as tag:yaml.org,2002:int"),
    ],
)
def test_bad_files_are_refused_with_file_and_line(data, message):
    with pytest.raises(SosaError) as exc:
        read_records(data.encode(), "t.yaml")
    assert message in str(exc.value)


def test_billion_laughs_is_refused_quickly():
    lol = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        lol += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(SosaError, match="aliases"):
        read_records(lol.encode(), "bomb.yaml")


def test_invalid_utf8_is_refused():
    with pytest.raises(SosaError, match="not UTF-8"):
        read_records("name_ja: 東雲".encode("shift_jis"), "sjis.yaml")
