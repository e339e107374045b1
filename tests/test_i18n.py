"""The Japanese interface (issue 13 §1): the catalog is whole and current, the language is
chosen as documented, click's own words and every help page read as Japanese at 80 columns."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import messages  # noqa: E402  (tools/messages.py, the maintainers' workflow)

KANA = re.compile(r"[\u3040-\u30ff]")

# What may stand in a Japanese sentence as it is: quoted values, commands in backticks, 「」,
# a `sosa …` command to type (and the `sosa:` of an error), file paths, option names, e-mail
# addresses and placeholders. Each is taken out whole and breaks a run of words. Quotes end
# on their line (an apostrophe is no quote); backticks and 「」 may wrap on a help page.
_NOT_PROSE = re.compile(
    r"`[^`]*`|「[^」]*」|(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])|\"[^\"\n]*\""
    r"|\bsosa(?: [a-z][a-z-]*){1,3}"
    r"|\S*[/\\]\S*|--?[\w-]+|\S+@\S+|\{[^}]*\}"
)
# Three English words in a row, across spaces and line breaks (a word may be "company's").
# A list of codes ("applied, enrolled, suspended") is no sentence.
_ENGLISH_WORDS = re.compile(r"\b[A-Za-z]+(?:'[A-Za-z]+)?(?:\s+[A-Za-z]+(?:'[A-Za-z]+)?){2,}\b")


def english_run(text: str) -> str | None:
    """Three English words in a row outside quotes, backticks, 「」, `sosa …` commands, paths
    and option names: a sentence left untranslated, or an English phrase glued into a Japanese
    one. None when there is none.

    Option names, keys, field names, file paths and stored values (a status such as
    `enrolled`) may stand in a Japanese sentence; an English phrase may not.
    """
    found = _ENGLISH_WORDS.search(_NOT_PROSE.sub(" | ", text))
    return found.group(0) if found else None


def japanese(text: str, *, every_line: bool = False) -> None:
    """`text` (a refusal, a message, a line of a help page) reads as Japanese: it has kana (with
    `every_line`, each line that is not blank has) and no English phrase (`english_run`)."""
    assert KANA.search(text), f"no Japanese in {text!r}"
    if every_line:
        for line in text.splitlines():
            assert not line.strip() or KANA.search(line), f"no Japanese in the line {line!r} of {text!r}"
    found = english_run(text)
    assert found is None, f"English left in {text!r}: {found!r}"


def flat(text: str) -> str:
    """A help page, or a text in it, with its wrapping undone: click wraps Japanese at any
    character, so texts are compared without spaces and line breaks."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def found():
    return messages.all_messages()


@pytest.fixture(scope="module")
def catalog():
    return messages.read_po()


def test_every_message_and_help_text_has_japanese(found, catalog):
    missing = messages.untranslated(catalog, found)
    shown = "\n".join(f"{where}: {msgid!r}" for msgid, _plural, where, _context in missing[:40])
    assert not missing, f"{len(missing)} messages without Japanese (python tools/messages.py check):\n{shown}"


def test_the_compiled_catalog_is_the_po_compiled(catalog):
    assert messages.MO.read_bytes() == messages.compiled(catalog), "run: python tools/messages.py compile"


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[^{}]*\}", text))


def test_each_translation_uses_only_the_placeholders_of_its_message(catalog):
    wrong = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for string in strings:
            # A placeholder the English has not would fail (KeyError) as the message is shown.
            if string and not _placeholders(string) <= _placeholders(ids[0]) | _placeholders(ids[-1]):
                wrong.append((ids[0], string))
    assert not wrong, wrong[:10]


def test_the_japanese_is_japanese(catalog):
    """A translation left in English (a copy of the msgid) is no translation, except for
    the words that are the same in both (a key, a code, a separator)."""
    copied = [e.id for e in catalog if e.id and e.string and e.string == e.id and re.search(r"[a-z]{3,} [a-z]{3,}", str(e.id))]
    assert not copied, copied[:10]


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"SOSA_LANG": "ja"}, "ja"),
        ({"SOSA_LANG": "ja_JP.UTF-8"}, "ja"),
        ({"SOSA_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "C.UTF-8"}, "ja"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LC_ALL": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_comes_from_sosa_lang_then_the_locale(monkeypatch, env, expected):
    from sosa_cli.i18n import detect

    for name in ("SOSA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert detect() == expected


def test_the_profile_setting_chooses_the_language_and_sosa_lang_wins(sosa, monkeypatch):
    monkeypatch.delenv("SOSA_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert sosa("company", "show", "C-0404", ok=False).stderr.startswith("sosa: no database at")
    sosa("config", "set", "language", "ja")
    assert "データベースがありません" in sosa("company", "show", "C-0404", ok=False).stderr
    monkeypatch.setenv("SOSA_LANG", "en")
    assert sosa("company", "show", "C-0404", ok=False).stderr.startswith("sosa: no database at")
    refused = sosa("config", "set", "language", "fr", ok=False)
    assert refused.exit_code == 1 and "'fr' is not a language sosa speaks" in refused.stderr


def test_the_office_profile_path_without_platformdirs_is_platformdirs_own(monkeypatch, tmp_path):
    from platformdirs import user_config_path

    from sosa_cli.config import _default_path

    monkeypatch.delenv("SOSA_CONFIG")
    for xdg in ("", str(tmp_path / "xdg"), "   "):
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
        _default_path.cache_clear()
        assert _default_path(xdg) == user_config_path("sosa", appauthor=False) / "config.yaml"


CLICK_ERRORS = [
    (["frobnicate"], "sosa: 'frobnicate' というコマンドはありません（`sosa --help` を参照してください）"),
    (["company", "list", "--bogus"], "sosa: --bogus というオプションはありません（`sosa company list --help` を参照してください）"),
    (["company", "show"], "sosa: 引数 'company' を指定してください（`sosa company show --help` を参照してください）"),
    (["log", "--limit", "many"], "sosa: '--limit' の値が正しくありません: 'many' は整数ではありません（`sosa log --help` を参照してください）"),
    (["log", "--limit", "0"], "sosa: '--limit' の値が正しくありません: 0 は範囲 1<=x<=100000 の外です（`sosa log --help` を参照してください）"),
    (["db", "path", "extra"], "sosa: 余分な引数があります（extra）（`sosa db path --help` を参照してください）"),
    (["log", "--limit"], "sosa: オプション '--limit' には値が必要です（`sosa --help` を参照してください）"),
]


@pytest.mark.parametrize("args, expected", CLICK_ERRORS, ids=[" ".join(a) for a, _e in CLICK_ERRORS])
def test_clicks_own_errors_are_japanese(sosa, monkeypatch, args, expected):
    monkeypatch.setenv("SOSA_LANG", "ja")
    result = sosa(*args, ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == expected


def test_a_bad_choice_names_the_choices_in_japanese(sosa, monkeypatch):
    monkeypatch.setenv("SOSA_LANG", "ja")
    line = sosa("letter", "render", "enrollment", "C-0001", "--format", "rtf", ok=False).stderr.strip()
    assert line.startswith("sosa: '--format' の値が正しくありません: 'rtf' は 'md', 'html', 'docx', 'pdf' のいずれでもありません")
    assert "のいずれでもありません" in line and english_run(line) is None


def _cells(text: str) -> int:
    from sosa_cli.cli.language import cells

    return cells(text)


def test_every_help_page_is_japanese_and_fits_80_columns(sosa, monkeypatch):
    from tests.test_cli import all_commands

    monkeypatch.setenv("SOSA_LANG", "ja")
    monkeypatch.setenv("COLUMNS", "80")
    pages = [[]] + [path for path, _command in all_commands()]
    for path in pages:
        page = sosa(*path, "--help").stdout
        assert page.startswith("使い方: sosa"), path
        assert "オプション:" in page, path
        # An option's list of values is one word click does not break, in English as well.
        wide = [line for line in page.splitlines() if _cells(line) > 80 and not re.fullmatch(r"\s+--[\w-]+ \[[^\]\s]+\]", line)]
        assert not wide, (path, wide)
        # The words of the page are Japanese: no English sentence outside code and names.
        prose = "\n".join(line for line in page.splitlines() if not line.lstrip().startswith(("使い方", "例:", "sosa ")))
        assert english_run(prose) is None, (path, english_run(prose))


def test_english_stays_english(sosa):
    page = sosa("--help").stdout
    assert page.startswith("Usage: sosa") and "Commands:" in page and not KANA.search(page.split("Commands:")[0])
    assert sosa("company", "show", ok=False).stderr.strip() == "sosa: Missing argument 'company' (see `sosa company show --help`)"


def test_the_operating_systems_words_are_japanese(sosa, monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("SOSA_LANG", "ja")
    line = sosa("init", "--db", str(tmp_path / "a-file" / "new.db"), ok=False).stderr.strip()
    assert "フォルダではありません" in line, line
    assert english_run(line) is None, line


def test_a_japanese_locale_alone_gives_japanese_help_in_a_fresh_process(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "ja_JP.UTF-8", "SOSA_CONFIG": str(tmp_path / "none.yaml")}
    out = subprocess.run([sys.executable, "-m", "sosa_cli", "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.startswith("使い方: sosa"), out.stdout[:200] + out.stderr[-500:]
    assert "コマンド:" in out.stdout
