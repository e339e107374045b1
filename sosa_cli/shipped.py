"""Files shipped inside the package: sample data and the letter templates.

`templates/` and `data/` sit at the top of the repository and are mapped into the
package (`sosa_cli.templates`, `sosa_cli.data`) by pyproject.toml, so they are found
the same way from a checkout, an editable install and a plain `pip install .`.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def data_file(relative: str) -> Traversable:
    return files("sosa_cli.data").joinpath(relative)


def templates_root() -> Traversable:
    return files("sosa_cli.templates")
