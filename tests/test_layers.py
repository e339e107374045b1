"""The import layers of pyproject.toml (checked by `lint-imports` in CI) name every module.

import-linter checks only the modules a contract names: a new module left out of the
layers could import anything, so this test makes the contract say where it belongs.
"""

from __future__ import annotations

import pkgutil
import re
import tomllib
from pathlib import Path

import sosa_cli

REPO = Path(__file__).resolve().parent.parent


def test_every_module_sits_in_a_layer():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    placed = {name.strip().strip("()") for layer in contract["layers"] for name in re.split(r"[:|]", layer)}
    shipped_files = {"templates", "data"}  # letter templates and sample data, not code
    modules = {m.name for m in pkgutil.iter_modules(sosa_cli.__path__)} - shipped_files
    assert sorted(modules - placed) == [], "add these modules to a layer of [tool.importlinter] in pyproject.toml"
