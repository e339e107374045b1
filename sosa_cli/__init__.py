"""sosa: the desk tool of ATLA's Security of Supply Arrangement (SoSA) desk."""

__version__ = "0.1.0"
