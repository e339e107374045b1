"""`audit.verify` hashes JSON built by SQLite's `json_array()`: byte for byte `_digest`'s JSON.

Entries with unicode, nested before/after, NULLs, numbers, floats and every character JSON
escapes are written through `audit.record`; SQLite's array must equal `json.dumps`'s for
each, and the SQLite walk and the pure-Python walk must agree on intact and forged trails.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from sosa_cli import audit
from sosa_cli.store import open_db, transaction

AWKWARD = "".join(chr(c) for c in range(0x20)) + '"\\/ \x7f é 東雲 \u2028\u2029 \ufeff 😀 \U0010fffd'

VALUES = [
    None,
    {},
    [],
    {"name_ja": "東雲精機株式会社", "fsc": ["1650", "5962"], "share_usg": True, "phone": None},
    {"nested": {"deeper": [1, 2.5, -0.0, 1e300, 1e-7, 3.141592653589793, 10**30, {"x": None}]}},
    {"text": AWKWARD, AWKWARD: AWKWARD},
    {"float": 0.1 + 0.2, "int": -(2**63), "big": 2**64, "bool": False},
    "a bare string with \n newline and 'quotes' \"double\"",
    12345,
    6.02e23,
    [None, "", " ", "\x00nul\x00"],
]


def _fill(path) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    conn = open_db(path)
    with transaction(conn):
        for i, before in enumerate(VALUES):
            for j, after in enumerate(VALUES):
                conn.user = AWKWARD if (i + j) % 2 else "tester"
                conn.command = f"sosa {AWKWARD[i:j]}"
                audit.record(conn, f"action-{AWKWARD[j:]}", f"C-{i:02d}{AWKWARD[:i]}", before=before, after=after)
    return conn


def test_sqlite_json_array_is_digest_json_for_every_entry(db_path):
    conn = _fill(db_path)
    cursor = conn.cursor()
    cursor.row_factory = None
    columns = ", ".join(audit.FIELDS)
    rows = cursor.execute(f"SELECT {columns}, CAST(json_array({columns}) AS BLOB) FROM audit ORDER BY id").fetchall()
    assert len(rows) == len(VALUES) ** 2
    for row in rows:
        python = json.dumps(list(row[:8]), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        assert row[8] == python, row[0]
    assert audit.verify(conn).ok and audit.verify(conn, in_sqlite=False).ok
    assert audit.verify(conn).rows == audit.verify(conn, in_sqlite=False).rows == len(rows)


def test_the_sqlite_and_python_walks_agree_on_a_forged_trail(db_path):
    conn = _fill(db_path)
    conn.close()
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute('UPDATE audit SET after = \'{"a":"\\u0001"}\' WHERE id = 7')
    raw.commit()
    raw.close()
    conn = open_db(db_path)
    in_sqlite, in_python = audit.verify(conn), audit.verify(conn, in_sqlite=False)
    assert (in_sqlite.rows, in_sqlite.broken_at, in_sqlite.problem) == (in_python.rows, in_python.broken_at, in_python.problem)
    assert in_sqlite.broken_at == 7 and "changed" in (in_sqlite.problem or "")


def test_an_entry_sqlite_hashes_differently_is_judged_by_digest(db_path, monkeypatch):
    """If SQLite's JSON ever differed from `_digest`'s, the entry is hashed again in Python, not called broken."""
    conn = _fill(db_path)
    wrong = audit._CHAIN_SQL.replace("json_array(", "json_array('not what _digest hashes', ")
    monkeypatch.setattr(audit, "_CHAIN_SQL", wrong)
    result = audit.verify(conn)
    assert result.ok and result.rows == len(VALUES) ** 2


def test_without_sqlite_json_the_walk_is_in_python(db_path, monkeypatch):
    conn = _fill(db_path)
    monkeypatch.setattr(audit, "_CHAIN_SQL", audit._CHAIN_SQL.replace("json_array(", "no_such_function("))
    result = audit.verify(conn)
    assert result.ok and result.rows == len(VALUES) ** 2


@pytest.mark.parametrize("in_sqlite", [True, False])
def test_an_empty_trail_verifies(db_path, in_sqlite):
    result = audit.verify(open_db(db_path), in_sqlite=in_sqlite)
    assert result.ok and result.rows == 0
