"""`sosa demo` builds a fresh database from the sample data and says where it is."""

from __future__ import annotations

import sqlite3


def test_demo_enrolls_the_samples_in_its_own_database(sosa, tmp_path, db_path):
    folder = tmp_path / "demo"
    result = sosa("demo", "--dir", str(folder))
    demo_db = folder / "sosa.db"
    assert f"Demo database: {demo_db}" in result.stderr
    assert "Enrolled 10 sample companies" in result.stderr
    assert result.stdout.splitlines()[0].startswith("C-0001\t東雲精機株式会社")
    assert sqlite3.connect(demo_db).execute("SELECT count(*) FROM companies").fetchone()[0] == 10
    assert not db_path.exists(), "the demo must not touch the officer's own database"
    again = sosa("demo", "--dir", str(folder), ok=False)
    assert again.exit_code == 1 and "already holds a sosa database" in again.stderr
