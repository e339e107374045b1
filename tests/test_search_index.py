"""A bulk enrollment indexes its companies for `--search` at once (enrollment.search_index_in_bulk):
every one is found, the index agrees with the table, and the schema is what it was."""

from __future__ import annotations

import sqlite3

import pytest

from benchmarks.bench_intake import write_csv
from benchmarks.fixtures import write_companies
from sosa_cli.enrollment import BULK_INDEX


def schema(db) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").fetchall()
    finally:
        conn.close()


def index_agrees(db) -> None:
    conn = sqlite3.connect(db)
    try:  # FTS5 compares its index with the external content table, row by row
        conn.execute("INSERT INTO companies_fts (companies_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


def found(sosa, term: str) -> list[str]:
    return [line.split("\t")[0] for line in sosa("company", "list", "--search", term, "--no-header").stdout.splitlines()]


@pytest.mark.parametrize("kind", ["yaml", "csv"])
def test_a_bulk_enrollment_is_searchable_and_leaves_the_schema_as_it_was(sosa, db_path, tmp_path, kind):
    sosa("init")
    before = schema(db_path)
    n = BULK_INDEX + 10
    source = write_companies(tmp_path / "c.yaml", n) if kind == "yaml" else write_csv(tmp_path / "c.csv", n)
    sosa("enroll", "--from", str(source))
    assert schema(db_path) == before
    index_agrees(db_path)
    for i in (1, 17, 42, n):  # company j is named "…株式会社j"
        assert found(sosa, f"株式会社{i}") == [f"C-{j:04d}" for j in range(1, n + 1) if str(j).startswith(str(i))]
    # The trigger is back: a company enrolled alone afterwards is indexed as it is inserted.
    sosa("enroll", "--name-ja", "株式会社有明電装", "--name-en", "Ariake Denso Co., Ltd.", "--corporate-number", "8010401135790")
    assert found(sosa, "有明電装") == [f"C-{n + 1:04d}"]
    index_agrees(db_path)


def test_a_refused_bulk_enrollment_leaves_the_index_and_the_trigger_as_they_were(sosa, db_path, tmp_path):
    sosa("init")
    before = schema(db_path)
    source = write_csv(tmp_path / "c.csv", BULK_INDEX + 10)
    text = source.read_text(encoding="utf-8").splitlines()
    text[-1] = text[-1].replace("2025-04-", "2025-13-")  # the last row's date does not exist
    source.write_text("\r\n".join(text) + "\r\n", encoding="utf-8")
    assert sosa("enroll", "--from", str(source), ok=False).exit_code == 1
    assert schema(db_path) == before
    index_agrees(db_path)
    assert found(sosa, "株式会社1") == []
