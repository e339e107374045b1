"""The language sosa speaks to the officer: Japanese or English (issue 13 §1).

Every message, error, prompt, help text and table header is written in English in the code
and looked up in a gettext catalog (`sosa_cli/locale/ja/LC_MESSAGES/sosa.mo`, compiled from
the `.po` beside it by `python tools/messages.py compile`). The language is, first found:

1. `SOSA_LANG` (`ja` or `en`),
2. the office profile's `language` setting (`sosa config set language ja`),
3. the locale: `LC_ALL`, else `LC_MESSAGES`, else `LANG` (`ja_JP.UTF-8` → Japanese).

Anything else is English. Letters are not affected: each letter has its own language.

Four ways to mark a message, all found by Babel (`tools/messages.py extract`):

- `_("No company {key}").format(key=key)`: translated now. Placeholders are named, so a
  translation can put them in its own order; never an f-string, which cannot be looked up.
- `N_("When")`: marked only, for module-level constants (column headers, setting
  descriptions); whoever shows it translates it with `_()` then.
- `C_("person", "Name")`: as N_, for a word with two meanings; the catalog has a
  translation for each context.
- `ngettext("{n} company", "{n} companies", n).format(n=n)` and `words.count(n, "{n}
  company", "{n} companies")` for a number: Japanese has one form ("{n}社").

Help texts of commands and options are plain strings in the Typer decorators and
docstrings: the CLI translates the whole click command tree when it is built
(`cli/language.py`), and `tools/messages.py extract` collects them from that tree.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

DOMAIN = "sosa"
LANGUAGES = ("en", "ja")
LOCALE_DIR = Path(__file__).parent / "locale"


class _Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def pgettext(self, context: str, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class _English:
    """No catalog: the messages as the code writes them."""

    def gettext(self, message: str, /) -> str:
        return message

    def pgettext(self, context: str, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural


_state: dict[str, object] = {}


def _code(value: str | None) -> str | None:
    """`ja_JP.UTF-8`, `ja`, `JA` → "ja"; `C.UTF-8`, `POSIX` → "en"; empty → None."""
    value = (value or "").strip()
    if not value:
        return None
    head = re.split(r"[_.@-]", value, maxsplit=1)[0].lower()
    return head if head in LANGUAGES else "en"


def _profile_language() -> str | None:
    """The office profile's `language` line, read without parsing the YAML.

    `sosa --help` must start within 1.3× an empty Typer app (issue 13): a YAML parse and
    platformdirs would cost more than the rest of the help. `sosa config set` writes one
    `key: value` line per setting, and a full load (config.py) checks the value whenever a
    command reads the profile, so a line scan finds what that load would.
    """
    from .config import config_path

    try:
        text = config_path().read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r"""^language:[ \t]*["']?([A-Za-z_]+)["']?[ \t]*(?:#.*)?$""", text, re.MULTILINE)
    return _code(found.group(1)) if found else None


def detect() -> str:
    """The language sosa should speak, from the environment and the office profile."""
    chosen = _code(os.environ.get("SOSA_LANG")) or _profile_language()
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        found = _code(os.environ.get(name))
        if found:
            return found
    return "en"


def use(language: str | None = None) -> str:
    """Speak `language` (default: what `detect` finds) from now on; returns it.

    The CLI calls this once per command, so a test may change `SOSA_LANG` between two
    invocations in one process.
    """
    language = language or detect()
    catalog: _Catalog = _English()
    if language != "en":
        import gettext

        catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    _state["language"] = language
    _state["catalog"] = catalog
    return language


def language() -> str:
    """ "ja" or "en": the language in use (chosen on first use if no command chose it)."""
    if "language" not in _state:
        use()
    return str(_state["language"])


def _catalog() -> _Catalog:
    if "catalog" not in _state:
        use()
    return _state["catalog"]  # type: ignore[return-value]


class Contextual(str):
    """A message marked with `C_`: English text that carries the context it is meant in."""

    context: str


def _(message: str) -> str:
    """`message` in the officer's language (in its context, when `C_` marked it)."""
    if isinstance(message, Contextual):
        return _catalog().pgettext(message.context, message)
    return _catalog().gettext(message)


def N_(message: str) -> str:
    """Marks `message` for translation without translating it: `_()` it where it is shown."""
    return message


def C_(context: str, message: str) -> str:
    """As `N_`, for an English word that means two things: "Name" of a company (名称) and of
    a person (氏名), "Action" of the audit trail (操作) and of a request (要請内容). The
    catalog holds one translation for each context; `_()` finds the right one."""
    marked = Contextual(message)
    marked.context = context
    return marked


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of the message that agrees with `n`, in the officer's language."""
    return _catalog().ngettext(singular, plural, n)


# The operating system's words for the errors files meet, as glibc gives them in English.
_OS_ERRORS = {
    "ENOENT": N_("No such file or directory"),
    "EACCES": N_("Permission denied"),
    "EPERM": N_("Operation not permitted"),
    "ENOSPC": N_("No space left on device"),
    "EDQUOT": N_("Disk quota exceeded"),
    "EISDIR": N_("Is a directory"),
    "ENOTDIR": N_("Not a directory"),
    "EROFS": N_("Read-only file system"),
    "EEXIST": N_("File exists"),
    "EIO": N_("Input/output error"),
    "EFBIG": N_("File too large"),
    "ENAMETOOLONG": N_("File name too long"),
    "ELOOP": N_("Too many levels of symbolic links"),
    "EBUSY": N_("Device or resource busy"),
    "ETXTBSY": N_("Text file busy"),
    "EINVAL": N_("Invalid argument"),
}


def strerror(exc: OSError) -> str:
    """What the operating system says went wrong, in the officer's language where sosa knows
    the words (an unknown error keeps the system's own)."""
    import errno

    own = exc.strerror or str(exc)
    name = errno.errorcode.get(exc.errno or 0, "")
    if language() == "en" or name not in _OS_ERRORS:
        return own
    return _(_OS_ERRORS[name])
