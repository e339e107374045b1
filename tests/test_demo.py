"""`sosa demo` builds a fresh database from the sample data and says where it is."""

from __future__ import annotations

import json
import os
import sqlite3


def test_demo_runs_the_desk_in_its_own_folder(sosa, tmp_path, db_path, desk_env):
    folder = tmp_path / "demo"
    result = sosa("demo", "--dir", str(folder))
    demo_db = folder / "sosa.db"
    assert f"Demo database: {demo_db}" in result.stderr
    assert "Enrolled 10 sample companies" in result.stderr and "issued 9 enrollment notices" in result.stderr
    assert "closed it resolved and issued the outcome notice" in result.stderr
    assert result.stdout.splitlines()[0].startswith("C-0001\t東雲精機株式会社")
    conn = sqlite3.connect(demo_db)
    assert conn.execute("SELECT count(*) FROM companies").fetchone()[0] == 10
    assert conn.execute("SELECT status, outcome FROM requests ORDER BY id").fetchall() == [("closed", "resolved"), ("rated", None)]
    kinds = [k for (k,) in conn.execute("SELECT kind FROM letters ORDER BY id")]
    assert kinds == ["enrollment"] * 9 + ["request", "outcome", "request"] + ["relay"] * 4 + ["reminder", "reply", "relay"]
    letters = {p.name for p in (folder / "letters").iterdir()}
    assert "L-0010-request-R-0001.md" in letters and "L-0011-outcome-R-0001.html" in letters
    # The demo's office profile lives in its folder; the officer's is untouched.
    assert (folder / "config.yaml").exists()
    assert os.environ["SOSA_CONFIG"] == str(desk_env / "config.yaml")
    assert not (desk_env / "config.yaml").exists()
    assert not db_path.exists(), "the demo must not touch the officer's own database"
    shown = json.loads(sosa("request", "show", "R-0001", "--json", "--db", str(demo_db)).stdout)
    assert shown["rating"] == "DO-A1" and [d["status"] for d in shown["delays"]] == ["resolved", "resolved"]
    assert sosa("audit", "verify", "--db", str(demo_db)).exit_code == 0


def test_demo_refuses_a_folder_that_holds_a_database(sosa, tmp_path):
    folder = tmp_path / "demo"
    sosa("demo", "--dir", str(folder))
    again = sosa("demo", "--dir", str(folder), ok=False)
    assert again.exit_code == 1 and "already holds a sosa database" in again.stderr
