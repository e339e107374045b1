"""Ctrl-C during a command: one line saying so, exit 130, nothing changed.

SQLite turns an exception raised inside one of sosa's SQL functions (the audit trail's row
tracker runs on every row written) into "user-defined function raised exception". A
Ctrl-C that lands there must still read as an interruption, not as a database error: the
CLI notes that Ctrl-C was pressed (cli/main.py) and says so.
"""

from __future__ import annotations

import json
import signal
import sqlite3

from tests.conftest import SAMPLE_COMPANIES


def _pressed_inside_a_sql_function(*args, **kwargs):
    """What SQLite leaves of a Ctrl-C pressed while a row is being written."""
    from sosa_cli.cli import main

    handler = signal.getsignal(signal.SIGINT)
    assert handler is main._note_interrupt  # the CLI's own, for the command's duration
    try:
        handler(signal.SIGINT, None)
    except KeyboardInterrupt:
        raise sqlite3.OperationalError("user-defined function raised exception") from None


def test_ctrl_c_while_rows_are_written_is_reported_as_an_interruption(sosa, db_path, monkeypatch):
    from sosa_cli import enrollment

    monkeypatch.setattr(enrollment, "insert_new", _pressed_inside_a_sql_function)
    result = sosa("enroll", "--from", str(SAMPLE_COMPANIES), ok=False)
    assert result.exit_code == 130
    assert result.stderr.strip() == "sosa: interrupted; nothing was changed by the unfinished command"
    assert json.loads(sosa("company", "list", "--json").stdout) == []


def test_the_same_database_error_without_ctrl_c_is_still_a_database_error(sosa, db_path, monkeypatch):
    from sosa_cli import enrollment

    def failed(*args, **kwargs):
        raise sqlite3.OperationalError("user-defined function raised exception")

    # A Ctrl-C in the command before is not carried into the next.
    monkeypatch.setattr(enrollment, "insert_new", _pressed_inside_a_sql_function)
    assert sosa("enroll", "--from", str(SAMPLE_COMPANIES), ok=False).exit_code == 130
    monkeypatch.setattr(enrollment, "insert_new", failed)
    result = sosa("enroll", "--from", str(SAMPLE_COMPANIES), ok=False)
    assert result.exit_code == 1 and "database error: user-defined function raised exception" in result.stderr
