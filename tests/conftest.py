"""Shared fixtures: every test gets its own database, settings and a pinned environment."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from sosa_cli.cli.main import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE_COMPANIES = REPO / "data" / "sample" / "companies.yaml"


@pytest.fixture(autouse=True)
def desk_env(tmp_path, monkeypatch):
    """A clean environment: no colour forcing, a private database and settings file."""
    for name in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "NO_COLOR", "SOSA_DEBUG", "SOSA_TEMPLATES", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOSA_DB", str(tmp_path / "desk.db"))
    monkeypatch.setenv("SOSA_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("SOSA_USER", "tester")
    monkeypatch.setenv("SOSA_TODAY", "2026-11-26")
    # English unless a test asks for Japanese (SOSA_LANG=ja), whatever this machine's LANG.
    monkeypatch.setenv("SOSA_LANG", "en")
    # A command chooses the language for the rest of the process; domain code a test calls
    # directly speaks English again, whatever the test before chose.
    from sosa_cli.i18n import use

    use("en")
    return tmp_path


@pytest.fixture(scope="session")
def demo_desk(tmp_path_factory) -> Path:
    """The demo's desk folder (companies, delays, requests, asks and letters with long text),
    built once for the whole run: read it, or `copy_database` it before changing anything."""
    folder = tmp_path_factory.mktemp("demo")
    env = {
        "SOSA_CONFIG": str(folder / "config.yaml"),
        "SOSA_USER": "tester",
        "SOSA_TODAY": "2026-11-26",
        "SOSA_LANG": "en",
        "SOSA_DB": str(folder / "unused.db"),
    }
    result = CliRunner().invoke(app, ["demo", "--dir", str(folder / "desk")], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "desk"


def copy_database(source: Path, target: Path) -> Path:
    """`source` copied to `target` through SQLite, not as a file: a connection still open on
    it may hold its last writes in the write-ahead log."""
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    original.close()
    copy.close()
    return target


@pytest.fixture
def db_path(desk_env) -> Path:
    return desk_env / "desk.db"


class Sosa:
    """Runs `sosa …` in-process the way an officer types it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None, ok: bool = True):
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(f"sosa {' '.join(args)} exited {result.exit_code}:\n{result.output}")
        return result


@pytest.fixture
def sosa() -> Sosa:
    return Sosa()


@pytest.fixture
def ja(monkeypatch):
    """The interface in Japanese for this test (SOSA_LANG=ja)."""
    monkeypatch.setenv("SOSA_LANG", "ja")
    yield
    # The language a command chose stays chosen in this process: a test after this one
    # that calls the domain directly, without a command, must read English again.
    from sosa_cli.i18n import use

    use("en")


@pytest.fixture
def enrolled(sosa, db_path):
    """The sample register: ten companies, C-0001…C-0010 (C-0008 applied, the rest enrolled)."""
    sosa("enroll", "--from", str(SAMPLE_COMPANIES))
    return db_path


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    target = tmp_path / "companies.yaml"
    shutil.copy(SAMPLE_COMPANIES, target)
    return target


OFFICE = {
    "contact_name": "山田 太郎",
    "contact_phone": "03-3268-3111",
    "contact_email": "sosa@example.go.jp",
    "doc_prefix": "装備政策",
    "doc_prefix_en": "ATLA-EPD",
    # The Director signs English letters; the desk officer is their point of contact.
    "sender_name_en": "Ichiro Suzuki",
    "contact_name_en": "Taro Yamada",
}


@pytest.fixture
def configured(enrolled):
    """The sample register and an office profile complete enough for every letter."""
    from sosa_cli import config

    for key, value in OFFICE.items():
        config.set_value(key, value)
    return enrolled


def tamper(path: Path, *statements: str) -> None:
    """Edit the database file as someone with `sqlite3` would, behind sosa's back: the
    append-only triggers of the audit trail dropped first, no audit entry written."""
    import sqlite3

    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER IF EXISTS audit_no_update")
    raw.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for sql in statements:
        raw.execute(sql)
    raw.commit()
    raw.close()


def assert_lines_in_order(lines: list[str], parts: list[str]) -> list[int]:
    """Each part stands on a line at or below the previous part's, as an officer reads a letter;
    returns the line of each part.

    記 and 以上 (two characters or fewer) must stand alone on their line: 標記 in the body is not 記.
    """

    def holds(line: str, part: str) -> bool:
        return line.strip("\u3000 ") == part if len(part) <= 2 else part in line

    found: list[int] = []
    for part in parts:
        at = found[-1] if found else 0
        index = next((i for i, line in enumerate(lines) if i >= at and holds(line, part)), None)
        assert index is not None, f"{part!r} is missing" + (f", or stands before {parts[len(found) - 1]!r}" if found else "")
        found.append(index)
    return found


# Speed is measured in benchmarks, not in tests: Hypothesis's per-example deadline only
# makes property tests fail on a busy machine (seen when the suite ran beside others).
settings.register_profile("sosa", deadline=None)
settings.load_profile("sosa")


def _has_weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


# PDF tests skip on a machine without WeasyPrint or poppler, never in CI (.ci/run installs both).
_IN_CI = bool(os.environ.get("CI"))
needs_poppler = pytest.mark.skipif((shutil.which("pdftotext") is None or shutil.which("pdffonts") is None) and not _IN_CI, reason="poppler-utils not installed")
needs_pdf = pytest.mark.skipif(not _has_weasyprint() and not _IN_CI, reason="the pdf extra is not installed")
