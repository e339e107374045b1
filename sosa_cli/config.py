"""The office profile: who signs the desk's letters, how they are numbered, where they go.

One small YAML file per officer (`SOSA_CONFIG`, else `config.yaml` in the user's config
folder). It is read with the C base loader, so every value stays the text the officer
typed (`NO` stays `NO`, `0120` keeps its zero), and a key this version does not know is
refused rather than ignored: a misspelt `doc_prefx` must not silently leave letters
without their prefix.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from .errors import SosaError
from .i18n import N_, _


@dataclass(frozen=True)
class Setting:
    key: str
    description: str
    default: str | None = None
    example: str = "…"
    multiline: bool = False


def _doc_prefix(value: str) -> str:
    # Numbers print as `<prefix>第<n>号` (装官総第3号). Officers naturally type the prefix
    # with its 第 ("装備政策第"); keep one 第, not two.
    value = value.strip()
    while value.endswith("第"):
        value = value[:-1].rstrip()
    if not value:
        raise SosaError(_("doc_prefix needs the characters before 第, e.g. 装備政策"))
    if re.search(r"\s", value):
        raise SosaError(_("doc_prefix {value!r} contains a space; a 文書番号 has none").format(value=value))
    return value


def _english(value: str) -> str:
    # DOMAIN.md §7: an English letter contains no Japanese characters.
    from .fields import japanese_character

    found = japanese_character(value)
    if found:
        shown = _("a full-width space") if found.isspace() else f"「{found}」"
        raise SosaError(_("has Japanese or full-width characters ({shown}); English letters print it, so write it in English").format(shown=shown))
    return value


def _ascii(example: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        bad = next((c for c in value if not c.isascii()), None)
        if bad is not None:
            raise SosaError(
                _("must be plain ASCII letters, digits and punctuation (English letters print it), e.g. {example}; 「{bad}」 is not").format(
                    example=example, bad=bad
                )
            )
        return value

    return check


def _honorific(value: str) -> str:
    # DOMAIN.md §7: 殿 or 様 after a company's addressee is the desk's choice.
    if value not in HONORIFICS:
        raise SosaError(
            _("{value!r} is not an honorific for a company addressee; use {first} or {second}").format(value=value, first=HONORIFICS[0], second=HONORIFICS[1])
        )
    return value


def _english_phone(value: str) -> str:
    return _phone(_english(value))


def _email(value: str) -> str:
    from .identifiers import email

    return email(value)


def _phone(value: str) -> str:
    from .identifiers import phone

    return phone(value)


HONORIFICS = ("殿", "様")

# The order here is the order `sosa config show` prints.
SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("division", N_("the desk's division (課), Japanese"), "防衛装備庁装備政策部装備政策課"),
        Setting("sender_title", N_("sender of Japanese letters (差出人)"), "防衛装備庁装備政策部装備政策課長"),
        Setting("addressee_honorific", N_("honorific after a company addressee's name in Japanese letters: 殿 or 様"), "殿", "様"),
        Setting(
            "division_en",
            N_("the desk's office, English letterhead"),
            "Equipment Policy Division, Acquisition, Technology and Logistics Agency (ATLA), Ministry of Defense, Japan",
        ),
        # ATLA's Ichigaya address as its SoSA flyer prints it (〒162-8801 東京都新宿区市谷本村町5-1)
        # and the Ministry's switchboard; to be confirmed by the desk.
        Setting(
            "address_en",
            N_("postal address on the English letterhead (default to be confirmed by the desk)"),
            "5-1 Ichigaya-Honmuracho, Shinjuku-ku, Tokyo 162-8801",
            multiline=True,
        ),
        Setting("telephone_en", N_("telephone on the English letterhead, international form"), "+81-3-3268-3111"),
        Setting("country_en", N_("country on the English letterhead"), "Japan"),
        Setting("sender_name_en", N_("signatory of English letters (printed in capitals)"), None, '"Taro Yamada"'),
        Setting("sender_title_en", N_("signatory's title in English letters"), "Director, Equipment Policy Division"),
        Setting("contact_section", N_("担当 section in the contact block"), "装備政策課SoSA担当"),
        Setting("contact_name", N_("担当 officer's name in the contact block"), None, '"山田 太郎"'),
        Setting("contact_name_en", N_("担当 officer's name in English letters (the point of contact), ASCII"), None, '"Taro Yamada"'),
        Setting("contact_phone", N_("担当 phone in the contact block"), None, "03-3268-3111"),
        Setting("contact_email", N_("担当 e-mail in the contact block"), None, "sosa@example.go.jp"),
        # DOMAIN.md §7: the desk's own prefix is unconfirmed, so there is no default.
        Setting("doc_prefix", N_("文書番号 prefix: numbers print as <prefix>第<n>号"), None, "装備政策"),
        Setting("doc_prefix_en", N_("the 文書番号 prefix as English letters' reference line prints it, ASCII"), None, "ATLA-EPD"),
        Setting(
            "dod_addressee",
            N_("inside address of English letters to DoD"),
            "Office of the Assistant Secretary of Defense for Industrial Base Policy\n"
            "U.S. Department of Defense\n"
            "Washington, DC 20301\n"
            "United States of America",
            multiline=True,
        ),
        Setting("dod_salutation", N_("salutation of English letters to DoD"), "Dear Sir or Madam:"),
        Setting("dod_email", N_("DoD's e-mail address that drafts of English letters are addressed to (sosa letter mail)"), None, "osd.ibp@example.mil"),
        Setting("request_follow_up_days", N_("US working days from sending a request to DoD to its follow-up"), "10"),
        Setting("letters_dir", N_("folder rendered letters are written to (default: <database name>-letters/ beside the database)"), None, "~/sosa/letters"),
        Setting("templates_dir", N_("the officer's own templates, searched before the shipped ones (SOSA_TEMPLATES wins)"), None, "~/sosa/templates"),
        # US asks (asks.py): how long companies get to answer, and when `sosa status` warns.
        Setting("relay_answer_days", N_("開庁日 a company is given to answer a relayed US ask"), "10", "10"),
        Setting("reminder_answer_days", N_("開庁日 a reminder (再依頼) gives for the new answer-by date"), "5", "5"),
        Setting("ask_reply_warning_days", N_("開庁日 before DoD's reply-by date that `sosa status` lists an ask"), "5", "5"),
        # DOMAIN.md §7: the desk's dates are Japan's, whatever the computer's own zone.
        Setting("timezone", N_("time zone of the desk's date (today, letters, deadlines) and of audit times shown"), "Asia/Tokyo", "Asia/Tokyo"),
        # i18n.py: the interface's language, not the letters' (each letter has its own).
        Setting("language", N_("language of sosa's messages, help and tables: ja or en (SOSA_LANG wins; unset: the locale, LANG)"), None, "ja"),
        # replica.py: how old the Litestream replica's newest copy may grow, while the database
        # has changed since, before `sosa status` warns (the work the desk accepts to lose).
        Setting(
            "replica_max_age",
            N_("how old the replica's newest copy may be, with changes since, before `sosa status` warns: minutes (90m) or hours (2h)"),
            "1h",
            "2h",
        ),
    )
}


def _timezone(value: str) -> str:
    from .clock import zone_named

    return zone_named(value).key


def _days(value: str) -> str:
    if not (value.strip().isascii() and value.strip().isdigit()) or not 0 < int(value) <= 365:
        raise SosaError(_("{value!r} is not a number of working days (1 to 365)").format(value=value))
    return str(int(value))


_DURATION = re.compile(r"^(\d+)\s*(m|min|minutes?|分|h|hours?|時間)?$", re.IGNORECASE)


def duration(value: str) -> timedelta:
    """A span in minutes (`90m`, or a bare number) or hours (`2h`), from 1 minute to 7 days."""
    match = _DURATION.match(value.strip())
    if match is None:
        raise SosaError(_("{value!r} is not a span of minutes or hours").format(value=value), hint=_("e.g. 90m or 2h"))
    unit = (match.group(2) or "m").lower()
    span = timedelta(hours=int(match.group(1))) if unit.startswith("h") or unit == "時間" else timedelta(minutes=int(match.group(1)))
    if not timedelta(minutes=1) <= span <= timedelta(days=7):
        raise SosaError(_("{value!r} is out of range: from 1 minute to 7 days").format(value=value), hint=_("e.g. 90m or 2h"))
    return span


def _duration(value: str) -> str:
    minutes = int(duration(value).total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def _language(value: str) -> str:
    from .i18n import LANGUAGES

    if value.strip().lower() not in LANGUAGES:
        raise SosaError(_("{value!r} is not a language sosa speaks; use ja or en").format(value=value))
    return value.strip().lower()


_CHECKS: dict[str, Callable[[str], str]] = {
    "language": _language,
    "replica_max_age": _duration,
    "relay_answer_days": _days,
    "reminder_answer_days": _days,
    "ask_reply_warning_days": _days,
    "request_follow_up_days": _days,
    "timezone": _timezone,
    "doc_prefix": _doc_prefix,
    "contact_email": _email,
    "dod_email": _email,
    "contact_phone": _phone,
    "addressee_honorific": _honorific,
    # What English letters print: no Japanese characters; the two the desk types in
    # English for them, ASCII only.
    "doc_prefix_en": _ascii("ATLA-EPD"),
    "contact_name_en": _ascii("Taro Yamada"),
    "division_en": _english,
    "sender_name_en": _english,
    "sender_title_en": _english,
    "address_en": _english,
    "telephone_en": _english_phone,
    "country_en": _english,
    "dod_addressee": _english,
    "dod_salutation": _english,
}


def config_path() -> Path:
    """`SOSA_CONFIG`, else `config.yaml` in the user's config folder."""
    env = os.environ.get("SOSA_CONFIG")
    if env:
        return Path(env).expanduser()
    # platformdirs costs ~0.1 ms a call and `clock.today()` asks for the profile's time zone
    # on every date checked (an enrollment of 10,000 companies asks 10,000 times): the
    # folder depends only on these variables, so it is worked out once for each of their values.
    return _default_path(*(os.environ.get(name) for name in ("XDG_CONFIG_HOME", "HOME", "APPDATA", "LOCALAPPDATA")))


@functools.lru_cache(maxsize=8)
def _default_path(*environment: str | None) -> Path:
    if sys.platform == "linux":
        # platformdirs' own rule on Linux (XDG), without its import: every start-up reads
        # the `language` line (i18n.py), and importing platformdirs costs 6 ms of a 70 ms
        # `sosa --help`. A test keeps the two equal.
        base = os.environ.get("XDG_CONFIG_HOME", "")
        return Path(base if base.strip() else os.path.expanduser("~/.config")) / "sosa" / "config.yaml"
    from platformdirs import user_config_path

    return user_config_path("sosa", appauthor=False) / "config.yaml"


def set_hint(key: str) -> str:
    """The command that fixes a missing setting, for error messages."""
    return f"sosa config set {key} {SETTINGS[key].example}"


class MissingSetting(SosaError):
    """A letter needs a setting the officer has not made."""

    def __init__(self, keys: list[str], what: str | None = None):
        self.keys = keys
        what = what or _("this letter")
        if len(keys) == 1:
            message = _("{what} needs the setting {key}, which is not set").format(what=what, key=keys[0])
            hint = _("set it with `{command}`").format(command=set_hint(keys[0]))
        else:
            commands = "; ".join(f"`{set_hint(k)}`" for k in keys)
            message = _("{what} needs settings that are not set: {keys}").format(what=what, keys=", ".join(keys))
            hint = _("set them with {commands}").format(commands=commands)
        if "doc_prefix" in keys:
            # DOMAIN.md §7: the desk's prefix is unconfirmed, so it has no default.
            hint = _("{hint}; use the prefix your 文書管理 register assigns, or render with --draft for a letter without a number").format(hint=hint)
        super().__init__(message, hint=hint)


@dataclass
class Profile:
    """The settings as read: `values` holds what the file sets; the rest fall back to defaults."""

    path: Path
    values: dict[str, str]

    def get(self, key: str) -> str | None:
        if key not in SETTINGS:
            raise KeyError(key)
        value = self.values.get(key)
        return value if value else SETTINGS[key].default

    def require(self, keys: list[str] | tuple[str, ...], what: str | None = None) -> None:
        """Refuse, naming every missing setting and the command that sets it."""
        missing = [k for k in keys if not self.get(k)]
        if missing:
            raise MissingSetting(missing, what)

    def effective(self) -> dict[str, str]:
        """Every setting that has a value, set or default."""
        return {k: v for k in SETTINGS if (v := self.get(k))}

    def source(self, key: str) -> str:
        """`set`, `default` or `not set` (the JSON keeps these; `sosa config show` translates them)."""
        if self.values.get(key):
            return N_("set")
        return N_("default") if SETTINGS[key].default else N_("not set")


def _check_value(key: str, value: str) -> str:
    setting = SETTINGS[key]
    value = value.strip() if not setting.multiline else "\n".join(line.rstrip() for line in value.strip().splitlines())
    from .fields import control_character

    lines = value.split("\n") if setting.multiline else [value]
    if any(control_character(line) for line in lines) or (not setting.multiline and "\n" in value):
        raise SosaError(_("{key}: the value contains control characters or line breaks").format(key=key))
    check = _CHECKS.get(key)
    if not (check and value):
        return value
    try:
        return check(value)
    except SosaError as exc:
        if exc.message.startswith(f"{key}:"):
            raise
        raise SosaError(f"{key}: {exc.message}", hint=exc.hint) from None


def _unknown(key: str, where: str) -> SosaError:
    return SosaError(_("{where}{key!r} is not a setting").format(where=where, key=key), hint=_("settings are: {keys}").format(keys=", ".join(SETTINGS)))


def load(path: Path | None = None) -> Profile:
    """Read the settings file; a missing file means every setting is at its default."""
    path = path or config_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Profile(path, {})
    except IsADirectoryError:
        raise SosaError(_("{path} is a folder, not a settings file").format(path=path), hint=_("point SOSA_CONFIG at a file")) from None
    except OSError as exc:
        raise SosaError(_("cannot read the settings file {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    import yaml

    from .importing import compose, read_records, read_text

    source = str(path)
    root = compose(read_text(data, source), source)
    if root is None:  # empty, or only comments
        return Profile(path, {})
    if not isinstance(root, yaml.MappingNode):
        raise SosaError(_("{source}: expected `key: value` lines").format(source=source), hint=_("`sosa config set KEY VALUE` writes the file for you"))
    # read_records refuses duplicate keys, aliases and tags, and keeps each key's line.
    document = read_records(data, source)[0]
    raw, lines = document.values, document.lines
    values: dict[str, str] = {}
    for key, value in raw.items():
        if key not in SETTINGS:
            raise _unknown(key, f"{source}:{lines.get(key)}: ")
        if not isinstance(value, str):
            raise SosaError(_("{source}:{line}: {key} must be plain text").format(source=source, line=lines.get(key), key=key))
        try:
            values[key] = _check_value(key, value)
        except SosaError as exc:
            raise SosaError(f"{source}:{lines.get(key)}: {exc.message}", hint=exc.hint) from None
    return Profile(path, values)


def _write(profile: Profile) -> None:
    import yaml

    path = profile.path
    ordered = {k: profile.values[k] for k in SETTINGS if profile.values.get(k)}

    class Dumper(yaml.SafeDumper):
        pass

    def text_block(dumper, value: str):
        # An address keeps its lines as a readable `|` block rather than "…\n…".
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    Dumper.add_representer(str, text_block)
    text = "# sosa office profile; change it with `sosa config set KEY VALUE`.\n"
    if ordered:
        text += yaml.dump(ordered, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write aside and rename, so a crash never leaves half a settings file.
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    except OSError as exc:
        raise SosaError(_("cannot write the settings file {path}: {reason}").format(path=path, reason=exc.strerror)) from None


def set_value(key: str, value: str, path: Path | None = None) -> Profile:
    """Check and store one setting; refuses keys this version does not know."""
    if key not in SETTINGS:
        raise _unknown(key, "")
    profile = load(path)
    clean = _check_value(key, value)
    if not clean:
        raise SosaError(_("no value given for {key}").format(key=key), hint=_("`sosa config unset {key}` returns it to its default").format(key=key))
    profile.values[key] = clean
    _write(profile)
    return profile


def unset(key: str, path: Path | None = None) -> Profile:
    """Remove a setting from the file, so its default (if any) applies again."""
    if key not in SETTINGS:
        raise _unknown(key, "")
    profile = load(path)
    profile.values.pop(key, None)
    _write(profile)
    return profile


def folder(profile: Profile, key: str) -> Path | None:
    value = profile.get(key)
    return Path(value).expanduser() if value else None


def templates_dir(profile: Profile | None = None) -> Path | None:
    """The officer's own templates: `SOSA_TEMPLATES`, else the `templates_dir` setting."""
    env = os.environ.get("SOSA_TEMPLATES")
    if env:
        return Path(env).expanduser()
    return folder(profile or load(), "templates_dir")
