"""The office profile's settings for English letters (issue 10): what the letterhead,
reference line and contact print, and the honorific of Japanese letters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sosa_cli import config
from sosa_cli.errors import SosaError


@pytest.fixture
def config_file(desk_env) -> Path:
    return desk_env / "config.yaml"


def test_defaults(config_file):
    profile = config.load()
    assert not config_file.exists()
    assert profile.get("addressee_honorific") == "殿"
    assert profile.get("address_en") == "5-1 Ichigaya-Honmuracho, Shinjuku-ku, Tokyo 162-8801"
    assert profile.get("telephone_en") == "+81-3-3268-3111"
    assert profile.get("country_en") == "Japan"
    # The desk's own English prefix and the officer's name have no sensible default.
    assert profile.get("doc_prefix_en") is None and profile.source("doc_prefix_en") == "not set"
    assert profile.get("contact_name_en") is None
    assert "to be confirmed" in config.SETTINGS["address_en"].description


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("doc_prefix_en", "ATLA-EPD"),
        ("contact_name_en", "Taro Yamada"),
        ("addressee_honorific", "様"),
        ("address_en", "5-1 Ichigaya-Honmuracho, Shinjuku-ku\nTokyo 162-8870"),
        ("telephone_en", "+81-3-3268-3111"),
        ("country_en", "Japan"),
    ],
)
def test_set_and_show(sosa, config_file, key, value):
    result = sosa("config", "set", key, value)
    assert result.exit_code == 0
    assert config.load().get(key) == value
    shown = json.loads(sosa("config", "show", "--json").stdout)
    assert shown["settings"][key] == {"value": value, "source": "set"}


def test_show_lists_them_in_the_profile(sosa):
    lines = sosa("config", "show").stdout.splitlines()
    for key in ("doc_prefix_en", "contact_name_en", "addressee_honorific", "address_en", "telephone_en", "country_en"):
        assert any(line.startswith(f"{key}\t") for line in lines), key


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("doc_prefix_en", "装備政策", "doc_prefix_en: must be plain ASCII letters, digits and punctuation (English letters print it), e.g. ATLA-EPD"),
        ("doc_prefix_en", "ＡＴＬＡ", "「Ａ」 is not"),
        ("contact_name_en", "山田 太郎", "contact_name_en: must be plain ASCII"),
        ("contact_name_en", "Tarō Yamada", "「ō」 is not"),
        ("addressee_honorific", "御中", "addressee_honorific: '御中' is not an honorific for a company addressee; use 殿 or 様"),
        ("addressee_honorific", "さま", "use 殿 or 様"),
        ("address_en", "東京都新宿区市谷本村町5-1", "address_en: has Japanese or full-width characters (「東」); English letters print it"),
        ("address_en", "5-1 Ichigaya\n〒162-8870", "(「〒」)"),
        ("telephone_en", "０３-３２６８-３１１１", "telephone_en: has Japanese or full-width characters (「０」)"),
        ("telephone_en", "+81-3-xxxx", "telephone_en:"),
        ("country_en", "日本", "country_en: has Japanese or full-width characters (「日」)"),
        # Every setting English letters print refuses Japanese, not only the new ones.
        ("sender_name_en", "山田 太郎", "sender_name_en: has Japanese or full-width characters"),
        ("sender_title_en", "装備政策課長", "sender_title_en: has Japanese"),
        ("division_en", "Equipment Policy Division、ATLA", "(「、」)"),
        ("dod_salutation", "Dear Sir or Madam：", "(「：」)"),
        ("dod_addressee", "米国国防省\nWashington, DC", "dod_addressee: has Japanese"),
    ],
)
def test_bad_values_are_refused_in_one_line(sosa, config_file, key, value, message):
    result = sosa("config", "set", key, value, ok=False)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not config_file.exists()


def test_a_file_with_japanese_in_an_english_setting_is_refused_with_its_line(config_file):
    config_file.write_text("doc_prefix: 装備政策\naddress_en: 東京都新宿区\n", encoding="utf-8")
    with pytest.raises(SosaError, match=r"config.yaml:2: address_en: has Japanese"):
        config.load()


def test_japanese_settings_still_take_japanese(sosa):
    # The Japanese letters' settings are untouched by the English checks.
    sosa("config", "set", "contact_name", "山田 太郎")
    sosa("config", "set", "sender_title", "防衛装備庁装備政策部装備政策課長")
    assert config.load().get("contact_name") == "山田 太郎"
