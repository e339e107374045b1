"""The README's tour is run command by command, so it cannot go stale."""

from __future__ import annotations

import re
import shlex
import shutil

from tests.conftest import REPO, SAMPLE_COMPANIES


def tour_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## A short tour", 1)[1].split("```console", 1)[1].split("```", 1)[0]
    block = block.replace("\\\n", " ")
    commands = []
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line.startswith("sosa "):
            commands.append(shlex.split(line)[1:])
    return commands


def test_readme_tour_runs(sosa, desk_env, monkeypatch):
    monkeypatch.chdir(desk_env)
    shutil.copy(SAMPLE_COMPANIES, desk_env / "companies.yaml")
    commands = tour_commands()
    assert len(commands) >= 15
    for args in commands:
        result = sosa(*args)
        assert result.exit_code == 0, (args, result.output)
    assert (desk_env / "usg.xlsx").exists() and (desk_env / "backup.db").exists()


def test_readme_setup_commands_match_ci():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_line = next(line for line in readme.splitlines() if "pytest" in line and line.startswith("python3"))
    test_command = test_line.split("&&")[-1].strip()
    assert test_command in ci
    assert "sosa demo" in readme
