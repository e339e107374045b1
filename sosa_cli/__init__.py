"""sosa: the desk tool of ATLA's Security of Supply Arrangement (SoSA) desk.

The version is written once, in pyproject.toml; `sosa --version` reads it from the
installed package's metadata.
"""
