"""Replay the audit trail against the tables (issue 11 §4).

Every entry that changed rows carries the rows its change left behind (`audit.rows`); a
snapshot entry (written by a schema upgrade) carries all of them. Applied in order from
the latest snapshot, they say what each record table must hold now. Any row that differs
is named (table, record, field, what the trail says and what the table holds), as are
rows the trail never wrote and rows it wrote that are gone.

Replay is only meaningful over a trail whose hash chain is intact: run `audit.verify` first.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .audit import SNAPSHOT, table_rows, tracked_tables
from .i18n import _, ngettext

# Which column names a row's owner, for rows that have no key of their own (a contact,
# an FSC code, an ask's item): shown as "contacts #12 of C-0003".
_OWNERS = {"company_id": "companies", "delay_id": "delays", "request_id": "requests", "ask_id": "asks"}


@dataclass(frozen=True)
class Difference:
    table: str
    record: str
    kind: str  # changed, added or deleted
    field: str | None = None
    expected: Any = None
    found: Any = None

    def describe(self) -> str:
        if self.kind == "added":
            return _("{table} {record} is not in the audit trail (added behind sosa's back)").format(table=self.table, record=self.record)
        if self.kind == "deleted":
            return _("{table} {record} is missing (deleted behind sosa's back)").format(table=self.table, record=self.record)
        return _("{table} {record}: {field} is {found}, the audit trail says {expected}").format(
            table=self.table, record=self.record, field=self.field, found=_show(self.found), expected=_show(self.expected)
        )

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "record": self.record, "kind": self.kind, "field": self.field, "expected": self.expected, "found": self.found}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…" + text[-1]


@dataclass
class Replay:
    entries: int = 0
    rows: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self, most: int = 3) -> str:
        if self.ok:
            return ngettext("the {n} row of the tables matches the trail", "the {n} rows of the tables match the trail", self.rows).format(n=f"{self.rows:,}")
        shown = _("; ").join(d.describe() for d in self.differences[:most])
        more = len(self.differences) - most
        return shown + (ngettext("; and {n} more difference", "; and {n} more differences", more).format(n=f"{more:,}") if more > 0 else "")


def _normal(row: dict[str, Any]) -> dict[str, Any]:
    # What the trail holds is JSON: compare a table's row as JSON would give it back.
    return json.loads(json.dumps(row, ensure_ascii=False, default=str))


def _expected(conn: sqlite3.Connection) -> tuple[dict[tuple[str, str], dict[str, Any] | None], int]:
    """What the trail says each row holds: {(table, key as JSON): row, or None if deleted}."""
    cursor = conn.cursor()
    cursor.row_factory = None
    start = cursor.execute("SELECT coalesce(max(id), 0) FROM audit WHERE action = ? AND rows IS NOT NULL", (SNAPSHOT,)).fetchone()[0]
    state: dict[tuple[str, str], dict[str, Any] | None] = {}
    entries = 0
    for (text,) in cursor.execute("SELECT rows FROM audit WHERE id >= ? AND rows IS NOT NULL ORDER BY id", (start,)):
        entries += 1
        for table, key, row in json.loads(text):
            state[(table, json.dumps(key))] = row
    return state, entries


def _live(conn: sqlite3.Connection) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for table, key in tracked_tables(conn).items():
        for row in table_rows(conn, table, key):
            yield table, json.dumps([row[c] for c in key]), row


class _Names:
    """How a row is named to the officer: its key (C-0003), or its table's key with its owner's."""

    def __init__(self, conn: sqlite3.Connection):
        self.keys: dict[tuple[str, Any], str] = {}
        for table in _OWNERS.values():
            try:
                for row_id, key in conn.execute(f"SELECT id, key FROM {table}"):
                    self.keys[(table, row_id)] = key
            except sqlite3.OperationalError:
                continue

    def __call__(self, table: str, key: str, row: dict[str, Any] | None) -> str:
        if row and isinstance(row.get("key"), str):
            return row["key"]
        values = json.loads(key)
        name = "#" + "/".join(str(v) for v in values)
        for column, owner in _OWNERS.items():
            if row and column in row and (owner, row[column]) in self.keys:
                return _("{row} of {owner}").format(row=name, owner=self.keys[(owner, row[column])])
        return name


def replay(conn: sqlite3.Connection) -> Replay:
    """Rebuild the record tables from the trail and name every row that differs."""
    expected, entries = _expected(conn)
    result = Replay(entries=entries)
    name = _Names(conn)
    seen = set()
    for table, key, row in _live(conn):
        result.rows += 1
        seen.add((table, key))
        if (table, key) not in expected or expected[(table, key)] is None:
            result.differences.append(Difference(table, name(table, key, row), "added"))
            continue
        want = expected[(table, key)]
        assert want is not None
        if row == want:
            continue
        found = _normal(row)
        for column in sorted(set(want) | set(found)):
            if want.get(column) != found.get(column):
                result.differences.append(Difference(table, name(table, key, want), "changed", column, want.get(column), found.get(column)))
    for (table, key), want in expected.items():
        if want is not None and (table, key) not in seen:
            result.differences.append(Difference(table, name(table, key, want), "deleted"))
    return result
