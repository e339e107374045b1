"""Typer apps, one module per noun.

These modules do not use `from __future__ import annotations`: Typer would then have
to evaluate every annotation string at start-up (measured: `sosa --help` 1.32× an
empty Typer app with them, 1.15× without).
"""
