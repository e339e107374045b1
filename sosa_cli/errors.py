"""The one error type the domain raises.

Domain functions never print: they raise :class:`SosaError` with a message an
officer can act on, and the CLI turns it into one line on stderr and exit 1.
"""

from __future__ import annotations

from .i18n import _


class SosaError(Exception):
    """A refused action, with a one-line message saying what was wrong and how to fix it."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return _("{message} ({hint})").format(message=self.message, hint=self.hint) if self.hint else self.message


class NotFound(SosaError):
    """A key or 法人番号 that names no record."""
