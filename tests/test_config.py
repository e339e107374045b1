"""The office profile: `sosa config show|set|unset|path` and the settings file they keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sosa_cli import config
from sosa_cli.errors import SosaError


@pytest.fixture
def config_file(desk_env) -> Path:
    return desk_env / "config.yaml"


def test_path_follows_sosa_config(sosa, config_file):
    assert sosa("config", "path").stdout.strip() == str(config_file)


def test_path_defaults_to_the_user_config_folder(monkeypatch):
    from platformdirs import user_config_path

    monkeypatch.delenv("SOSA_CONFIG")
    assert config.config_path() == user_config_path("sosa", appauthor=False) / "config.yaml"


def test_without_a_file_every_setting_is_at_its_default(config_file):
    profile = config.load()
    assert not config_file.exists()
    assert profile.get("sender_title") == "防衛装備庁装備政策部装備政策課長"
    assert profile.get("division") == "防衛装備庁装備政策部装備政策課"
    assert profile.get("dod_salutation") == "Dear Sir or Madam:"
    assert profile.get("dod_addressee").startswith("Office of the Assistant Secretary of Defense for Industrial Base Policy\n")
    # DOMAIN.md §7: the desk's own prefix is unconfirmed, so it has no default.
    assert profile.get("doc_prefix") is None
    assert profile.get("sender_name_en") is None
    assert profile.source("doc_prefix") == "not set"
    assert profile.source("sender_title") == "default"


def test_set_writes_the_file_and_show_reads_it(sosa, config_file):
    result = sosa("config", "set", "contact_name", "山田 太郎")
    assert "contact_name = 山田 太郎" in result.stderr
    assert "contact_name: 山田 太郎" in config_file.read_text(encoding="utf-8")
    shown = json.loads(sosa("config", "show", "--json").stdout)
    assert shown["file"] == str(config_file)
    assert shown["settings"]["contact_name"] == {"value": "山田 太郎", "source": "set"}
    assert shown["settings"]["sender_title"] == {"value": "防衛装備庁装備政策部装備政策課長", "source": "default"}
    assert shown["settings"]["doc_prefix"] == {"value": None, "source": "not set"}
    assert list(shown["settings"]) == list(config.SETTINGS)


def test_show_as_plain_lines_when_piped(sosa):
    sosa("config", "set", "doc_prefix", "装備政策")
    lines = sosa("config", "show").stdout.splitlines()
    assert "doc_prefix\t装備政策\tset\t" in "\n".join(lines)
    assert any(line.startswith("sender_title\t防衛装備庁装備政策部装備政策課長\tdefault\t") for line in lines)


def test_unknown_keys_are_refused_by_set(sosa, config_file):
    result = sosa("config", "set", "doc_prefx", "装備政策", ok=False)
    assert result.exit_code == 1
    assert "'doc_prefx' is not a setting" in result.stderr
    assert "doc_prefix" in result.stderr  # the hint lists the real keys
    assert not config_file.exists()


def test_unknown_keys_in_the_file_are_refused_with_their_line(config_file):
    config_file.write_text("contact_name: 山田\ndoc_prefx: 装備政策\n", encoding="utf-8")
    with pytest.raises(SosaError, match=r"config.yaml:2: 'doc_prefx' is not a setting"):
        config.load()


def test_duplicate_keys_are_refused(config_file):
    config_file.write_text("doc_prefix: 装備政策\ndoc_prefix: 装官総\n", encoding="utf-8")
    with pytest.raises(SosaError, match="duplicate key"):
        config.load()


def test_values_stay_the_text_typed(config_file):
    # yaml.safe_load would make NO False and 0120 the number 120 (NOTES.md).
    config_file.write_text("contact_section: NO\ncontact_phone: 0120-000-000\ndoc_prefix: 010\n", encoding="utf-8")
    profile = config.load()
    assert profile.get("contact_section") == "NO"
    assert profile.get("contact_phone") == "0120-000-000"
    assert profile.get("doc_prefix") == "010"


def test_doc_prefix_keeps_one_dai(sosa):
    sosa("config", "set", "doc_prefix", "装備政策第")
    assert config.load().get("doc_prefix") == "装備政策"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("contact_email", "sosa at example.go.jp", "not an e-mail address"),
        ("contact_phone", "03-xxxx", "is not allowed"),
        ("doc_prefix", "装備 政策", "contains a space"),
        ("contact_name", "山田\n太郎", "line breaks"),
    ],
)
def test_bad_values_are_refused(sosa, config_file, key, value, message):
    result = sosa("config", "set", key, value, ok=False)
    assert result.exit_code == 1
    assert message in result.stderr
    assert not config_file.exists()


def test_an_address_keeps_its_lines(sosa, config_file):
    sosa("config", "set", "dod_addressee", "Office of Industrial Base Policy\nThe Pentagon\nWashington, DC 20301")
    assert config.load().get("dod_addressee") == "Office of Industrial Base Policy\nThe Pentagon\nWashington, DC 20301"
    assert "dod_addressee: |" in config_file.read_text(encoding="utf-8")


def test_unset_returns_to_the_default(sosa):
    sosa("config", "set", "sender_title", "防衛装備庁装備政策部長")
    assert config.load().get("sender_title") == "防衛装備庁装備政策部長"
    result = sosa("config", "unset", "sender_title")
    assert "the default applies" in result.stderr
    assert config.load().get("sender_title") == "防衛装備庁装備政策部装備政策課長"


def test_missing_settings_name_the_command_that_sets_them():
    profile = config.load()
    with pytest.raises(config.MissingSetting) as caught:
        profile.require(["contact_name", "doc_prefix", "sender_title"], "the enrollment letter")
    error = str(caught.value)
    assert "contact_name, doc_prefix" in error
    assert "sender_title" not in error.split("(")[0]  # it has a default
    assert "`sosa config set contact_name" in error
    assert "`sosa config set doc_prefix 装備政策`" in error


def test_templates_dir_from_setting_or_environment(sosa, tmp_path, monkeypatch):
    assert config.templates_dir() is None
    sosa("config", "set", "templates_dir", str(tmp_path / "mine"))
    assert config.templates_dir() == tmp_path / "mine"
    monkeypatch.setenv("SOSA_TEMPLATES", str(tmp_path / "env"))
    assert config.templates_dir() == tmp_path / "env"


@pytest.mark.parametrize("command", ["show", "set", "unset", "path"])
def test_config_commands_have_help_with_an_example(sosa, command):
    result = sosa("config", command, "--help")
    assert "Example: sosa config" in result.stdout
