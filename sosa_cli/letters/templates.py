"""Letter wording: where the templates are found, and how a letter's fields fill them.

Each kind's wording is one template, `<language>/<kind>.xml.j2`, extending the
language's letterhead `<language>/letterhead.xml.j2`; it renders to the small XML of
blocks.py, from which every format is laid out. Two folders are searched, the officer's own first (`SOSA_TEMPLATES` or the
`templates_dir` setting), then the shipped `templates/`. A file of the same name in the
officer's folder replaces the shipped one, in every format at once; a replacement still
reaches the shipped letterhead by its plain name (`{% extends "ja/letterhead.xml.j2" %}`)
unless the officer replaced the letterhead too, and always by
`shipped:ja/letterhead.xml.j2`. The page style of HTML and PDF letters is
`<language>/letter.css`, found the same way.

Jinja runs sandboxed, with `StrictUndefined`: a field the letter does not have stops
the render with the template's name and the field, instead of printing a blank into an
official letter (NOTES.md). jinja2 costs ~60 ms at import, so it is imported here, inside
the functions, and only commands that render pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import SosaError
from ..i18n import C_, _

SHIPPED_PREFIX = "shipped"


def shipped_root() -> Path:
    from ..shipped import templates_root

    # A regular package on disk (checkout, editable or plain install): a real folder.
    return Path(str(templates_root()))


def template_name(language: str, kind: str) -> str:
    """The one wording file of a kind (or `letterhead`) in a language."""
    return f"{language}/{kind}.xml.j2"


def stylesheet_name(language: str) -> str:
    return f"{language}/letter.css"


# --- the template folders -------------------------------------------------------------


def _check_name(name: str) -> tuple[str, ...]:
    """Refuse names that leave the folder: `..`, absolute paths, drive letters, backslashes."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise SosaError(_("template name {name!r} is refused: give a path inside the templates folder, such as ja/enrollment.xml.j2").format(name=name))
    if any(p in ("..", ".") for p in name.split("/")):
        raise SosaError(_("template name {name!r} is refused: '..' would leave the templates folder").format(name=name))
    return PurePosixPath(name).parts


def _inside(root: Path, name: str) -> Path | None:
    """`name` in `root`, or None; a symlink leading out of the folder is refused.

    Jinja's FileSystemLoader refuses `..` but follows a symlink wherever it points
    (NOTES.md); an officer's folder on a shared drive must not become a way to read
    other files into a letter.
    """
    path = root.joinpath(*_check_name(name))
    if not path.is_file():
        return None
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise SosaError(
            _("template {name} in {folder} is a link to a file outside that folder, which is refused").format(name=name, folder=root),
            hint=_("copy the file into the templates folder instead of linking to it"),
        ) from None
    return path


def _find(name: str, officer: Path | None, shipped: Path) -> tuple[Path, bool] | None:
    """The file a template name means: the officer's first, then the shipped one.

    `shipped:ja/letterhead.xml.j2` always means the shipped file, so an officer's own
    letterhead can extend the one it replaces.
    """
    if name.startswith(SHIPPED_PREFIX + ":"):
        found = _inside(shipped, name[len(SHIPPED_PREFIX) + 1 :])
        return (found, False) if found else None
    if officer is not None:
        found = _inside(officer, name)
        if found is not None:
            return found, True
    found = _inside(shipped, name)
    return (found, False) if found else None


def _loader(officer: Path | None, shipped: Path):
    from jinja2 import BaseLoader, TemplateNotFound

    class LetterLoader(BaseLoader):
        """The officer's folder over the shipped one, as `_find` resolves names."""

        def get_source(self, environment, template):
            found = _find(template, officer, shipped)
            if found is None:
                raise TemplateNotFound(template)
            path = found[0]
            try:
                source = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise SosaError(_("template {path} is not UTF-8 text").format(path=path), hint=_("save it as UTF-8")) from None
            mtime = path.stat().st_mtime

            def uptodate() -> bool:
                # Stale when the file changed, or when a file the officer added now
                # shadows the one cached (the environment lives as long as the process).
                try:
                    again = _find(template, officer, shipped)
                    return again is not None and again[0] == path and path.stat().st_mtime == mtime
                except (OSError, SosaError):
                    return False

            return source, str(path), uptodate

    return LetterLoader()


def _officer_root(officer: Path | None) -> Path | None:
    if officer is None:
        return None
    if not officer.is_dir():
        raise SosaError(
            _("the templates folder {folder} does not exist").format(folder=officer),
            hint=_("create it, or change `sosa config set templates_dir …` / SOSA_TEMPLATES"),
        )
    return officer


# --- filters ---------------------------------------------------------------------------------


def _as_date(value: Any) -> date:
    from ..calendar import parse_date

    return parse_date(value)


def wareki(value: Any) -> str:
    """`2026-11-26` → 令和8年11月26日."""
    from ..calendar import format_wareki

    return format_wareki(_as_date(value))


def english_date(value: Any) -> str:
    """`2026-11-26` → 26 November 2026."""
    from ..calendar import format_english

    return format_english(_as_date(value))


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`2, "company", "companies"` → "two companies": numbers up to ten spelled out in
    running text, the noun agreeing with the number (DoD correspondence style)."""
    n = int(number)
    word = _NUMBER_WORDS[n] if 0 <= n <= 10 else str(n)
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{word} {noun}"


def number_word(number: int) -> str:
    n = int(number)
    return _NUMBER_WORDS[n] if 0 <= n <= 10 else str(n)


def international_phone(number: Any) -> str:
    """`03-5555-0100` → `+81-3-5555-0100`: a Japanese number as a caller abroad dials it."""
    text = str(number).strip()
    if text.startswith("0") and not text.startswith("00"):
        return "+81-" + text[1:]
    return text


def sentence(text: Any) -> str:
    """The first letter upper-cased, the rest as written ("one company…" → "One company…")."""
    text = str(text)
    return text[:1].upper() + text[1:]


def and_list(values: Any) -> str:
    """`["A", "B", "C"]` → "A, B and C"."""
    items = [str(v) for v in values]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- fields the templates see ----------------------------------------------------------


class Fields(dict):
    """A record's fields, remembering where they sit (`company.contact`) for error messages.

    The path lives in an underscore attribute: the sandbox hides those from templates,
    so a field named `path` or `name` still reads as the field.
    """

    _sosa_path: str = ""


class OfficeFields(Fields):
    """The office profile: a setting the officer has not made names the command that sets it."""

    def __missing__(self, key: str):
        from ..config import SETTINGS, MissingSetting

        if key in SETTINGS:
            raise MissingSetting([key], _("the letter"))
        raise KeyError(key)


def wrap(value: Any, path: str = "", cls: type[Fields] = Fields) -> Any:
    if isinstance(value, dict):
        fields = cls({k: wrap(v, f"{path}.{k}" if path else k) for k, v in value.items()})
        fields._sosa_path = path
        return fields
    if isinstance(value, list):
        return [wrap(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _letter_environment(loader, autoescape):
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class LetterUndefined(StrictUndefined):
        """Names the missing field with its place in the record: `company.fax`, not `'fax'`."""

        @property
        def _undefined_message(self) -> str:
            if self._undefined_hint:
                return self._undefined_hint
            owner = getattr(self._undefined_obj, "_sosa_path", None)
            name = self._undefined_name
            if owner:
                return f"{owner}.{name}"
            return str(name)

    env = SandboxedEnvironment(
        loader=loader,
        undefined=LetterUndefined,
        autoescape=autoescape,
        # A `{% if %}` on a line of its own leaves no stray line or indent behind.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        wareki=wareki,
        english_date=english_date,
        count=count,
        number_word=number_word,
        and_list=and_list,
        sentence=sentence,
        international_phone=international_phone,
    )
    return env


@lru_cache(maxsize=8)
def _environment(officer: Path | None, shipped: Path):
    from jinja2.utils import select_autoescape

    # The wording is XML: every value is escaped as it is filled in, so `A & <B>` stays
    # text. select_autoescape() knows no `.xml.j2` by default (NOTES.md): list it.
    autoescape = select_autoescape(enabled_extensions=("xml.j2", "xml"), default_for_string=False, default=False)
    return _letter_environment(_loader(officer, shipped), autoescape)


def environment(officer: Path | None = None):
    """The sandboxed Jinja environment over the officer's folder (if any) and the shipped one."""
    return _environment(_officer_root(officer), shipped_root())


def _failing_template(exc: BaseException, officer: Path | None) -> str | None:
    """The template (and line) where rendering failed, from Jinja's rewritten traceback.

    Shipped templates are named as in `sosa letter templates`; an officer's own file by
    its full path, since that is the file they will open to correct it.
    """
    import traceback

    shipped = shipped_root()
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if not frame.filename.endswith(".j2"):
            continue
        path = Path(frame.filename)
        try:
            name = path.relative_to(shipped).as_posix()
        except ValueError:
            name = str(path)
        found = _("{name} line {line}").format(name=name, line=frame.lineno)
    return found


def render(name: str, context: dict[str, Any], *, officer: Path | None = None) -> str:
    """Fill template `name` with `context`; every failure is a SosaError naming the template."""
    from jinja2 import (
        TemplateError,
        TemplateNotFound,
        TemplateSyntaxError,
        UndefinedError,
    )
    from jinja2.exceptions import SecurityError

    _check_name(name)
    env = environment(officer)
    fields = {k: wrap(v, k, OfficeFields if k == "office" else Fields) for k, v in context.items()}
    try:
        template = env.get_template(name)
        text = template.render(fields)
    except TemplateNotFound as exc:
        missing = exc.name or name
        folders = [str(r) for r in (officer, shipped_root()) if r is not None]
        if len(folders) == 2:
            looked = _("no template {name} (looked in {folder} or {other})").format(name=missing, folder=folders[0], other=folders[1])
        else:
            looked = _("no template {name} (looked in {folder})").format(name=missing, folder=folders[0])
        raise SosaError(looked, hint=_("`sosa letter templates` lists the templates in use")) from None
    except TemplateSyntaxError as exc:
        raise SosaError(
            _("template {name} line {line}: {problem}").format(name=exc.filename or exc.name or name, line=exc.lineno, problem=exc.message)
        ) from None
    except UndefinedError as exc:
        where = _failing_template(exc, officer) or name
        raise SosaError(
            _("template {where} uses the field {field}, which this letter does not have").format(where=where, field=exc.message),
            hint=_("correct the template, or guard an optional field with `{% if … is defined %}`"),
        ) from None
    except SecurityError as exc:
        where = _failing_template(exc, officer) or name
        raise SosaError(_("template {where} was stopped by the sandbox: {problem}").format(where=where, problem=exc)) from None
    except SosaError as exc:  # a missing setting, a refused include
        where = _failing_template(exc, officer) or name
        # Keep the error's type (MissingSetting names its keys); add where it happened.
        exc.message = _("template {where}: {problem}").format(where=where, problem=exc.message)
        exc.args = (exc.message,)
        raise exc.with_traceback(None) from None
    except TemplateError as exc:
        where = _failing_template(exc, officer) or name
        # Jinja's own words, in English: the Japanese quotes them.
        raise SosaError(_(C_("jinja", "template {where}: {problem}")).format(where=where, problem=exc)) from None
    # One newline at the end, whatever the template's last line did.
    return text.rstrip("\n") + "\n"


@dataclass
class TemplateFile:
    name: str
    path: Path
    overridden: bool


def locate(name: str, *, officer: Path | None = None) -> TemplateFile | None:
    """The file that `name` will be read from, and whether the officer's folder supplies it."""
    found = _find(name, _officer_root(officer), shipped_root())
    return TemplateFile(name, found[0], found[1]) if found else None


_STYLES: dict[tuple[Path, float], str] = {}


def stylesheet(language: str, officer: Path | None = None) -> str:
    """The page style of HTML and PDF letters, `<language>/letter.css` (the officer's first).

    Read once per process and file version: a relay prints hundreds of letters.
    """
    name = stylesheet_name(language)
    found = _find(name, _officer_root(officer), shipped_root())
    if found is None:
        raise SosaError(
            _("no page style {name} (the HTML and PDF letters need it)").format(name=name), hint=_("`sosa letter templates` lists the files in use")
        )
    path = found[0]
    key = (path, path.stat().st_mtime)
    if key not in _STYLES:
        try:
            _STYLES[key] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise SosaError(_("page style {path} is not UTF-8 text").format(path=path), hint=_("save it as UTF-8")) from None
    return _STYLES[key]
