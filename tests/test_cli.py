"""Behaviour every command shares: help, output modes, errors, markup, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer
from typer.main import get_command

from sosa_cli.cli.main import app


def all_commands():
    """Every command, each (path, command), the lazily loaded ones included."""
    root = get_command(app)

    def walk(group, path):
        ctx = typer.Context(group)
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            yield path + [name], cmd
            if hasattr(cmd, "commands"):
                yield from walk(cmd, path + [name])

    return list(walk(root, []))


@pytest.mark.parametrize("path, command", all_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_commands_have_help(sosa, path, command):
    assert command.help, f"sosa {' '.join(path)} has no help text"
    result = sosa(*path, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout
    if not hasattr(command, "commands"):
        assert "Example:" in command.help, f"sosa {' '.join(path)} help gives no example"


def test_piped_list_is_tab_separated_without_decoration(sosa, enrolled):
    out = sosa("company", "list").stdout
    header, first = (line.split("\t") for line in out.splitlines()[:2])
    assert header[:4] == ["Key", "Name (ja)", "Name (en)", "法人番号"]
    assert first[:4] == ["C-0001", "東雲精機株式会社", "Shinonome Seiki Co., Ltd.", "9010401071234"]
    assert sosa("company", "list", "--no-header").stdout == out.split("\n", 1)[1]
    assert "\x1b[" not in out and "┃" not in out


def test_user_text_is_never_read_as_markup(sosa, enrolled):
    sosa("company", "update", "C-0001", "--products", "[urgent] servo valves [/urgent] [bold]x[/bold]")
    out = sosa("company", "show", "C-0001").stdout
    assert "Products\t[urgent] servo valves [/urgent] [bold]x[/bold]" in out


def test_usage_errors_exit_2(sosa):
    result = sosa("company", "frobnicate", ok=False)
    assert result.exit_code == 2
    result = sosa("company", "list", "--no-such-option", ok=False)
    assert result.exit_code == 2


def run_sosa(*args, env_extra=None, tmp=None):
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "sosa_cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_python_dash_m_and_a_real_error_have_no_traceback(enrolled):
    ok = run_sosa("company", "list", "--json")
    assert ok.returncode == 0 and len(json.loads(ok.stdout)) == 10
    bad = run_sosa("company", "show", "C-0999")
    assert bad.returncode == 1
    assert bad.stderr.strip() == "sosa: no company C-0999 (`sosa company list` shows the register)"
    assert bad.stdout == ""


def test_debug_shows_the_traceback(enrolled):
    bad = run_sosa("company", "show", "C-0999", env_extra={"SOSA_DEBUG": "1"})
    assert "Traceback" in bad.stderr


def test_version_is_pyprojects(sosa):
    """pyproject.toml holds the version; `sosa --version` reads the installed metadata."""
    import tomllib
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    declared = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert sosa("--version").stdout == f"sosa {declared}\n"
    written_again = [str(p.relative_to(repo)) for p in (repo / "sosa_cli").rglob("*.py") if f'"{declared}"' in p.read_text(encoding="utf-8")]
    assert written_again == [], "the version is written in pyproject.toml only"


def test_help_does_not_read_the_package_metadata():
    # importlib.metadata costs start-up time that only `sosa --version` needs.
    code = """
import sys
from sosa_cli.cli.main import run
sys.argv = ['sosa', '--help']
try:
    run()
except SystemExit:
    pass
print('importlib.metadata' in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout.splitlines()[-1]
    assert out == "False"


@pytest.mark.parametrize(
    "path, command",
    [(p, c) for p, c in all_commands() if p[-1] in ("list", "show")],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_every_list_and_show_takes_json(path, command):
    assert any("--json" in param.opts for param in command.params), f"sosa {' '.join(path)} has no --json"


def test_every_command_takes_db(sosa):
    missing = [
        " ".join(p)
        for p, c in all_commands()
        if not hasattr(c, "commands")
        and p[-1] not in ("demo",)
        and p[:2] not in (["config", "show"], ["config", "set"], ["config", "unset"], ["config", "path"], ["letter", "templates"])
        and not any("--db" in param.opts for param in c.params)
    ]
    assert missing == []


def test_the_top_level_help_lines_are_the_commands_own():
    from sosa_cli.cli.main import LAZY, load_command

    for name, (_, _, line) in LAZY.items():
        assert load_command(name).help.strip().splitlines()[0] == line, name


def test_help_does_not_load_the_command_modules():
    code = """
import sys
from sosa_cli.cli.main import run
sys.argv = ['sosa', '--help']
try:
    run()
except SystemExit:
    pass
print(sorted(m for m in sys.modules if m.startswith('sosa_cli.cli.')))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout.splitlines()[-1]
    # complete.py (the values of options, stdlib only) is looked at as commands are listed;
    # language.py translates the help texts.
    loaded = ["clicks", "complete", "language", "main", "options", "output"]
    assert out == str([f"sosa_cli.cli.{name}" for name in loaded])
