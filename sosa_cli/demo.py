"""`sosa demo`: the desk's workflow on sample data, in a fresh database."""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SosaError
from .shipped import data_file
from .store import open_db

SAMPLE_COMPANIES = "sample/companies.yaml"


@dataclass
class DemoRun:
    folder: Path
    database: Path
    steps: list[str] = field(default_factory=list)
    conn: sqlite3.Connection | None = None


def prepare(folder: str | Path | None) -> DemoRun:
    """A new demo database in `folder` (created if needed) or in a new temporary folder."""
    if folder is None:
        target = Path(tempfile.mkdtemp(prefix="sosa-demo-"))
    else:
        target = Path(folder).expanduser().resolve()
        target.mkdir(parents=True, exist_ok=True)
    database = target / "sosa.db"
    if database.exists():
        raise SosaError(f"{target} already holds a sosa database", hint="give an empty folder with --dir")
    conn = open_db(database, command="sosa demo")
    return DemoRun(folder=target, database=database, conn=conn)


def enroll_samples(run: DemoRun) -> list[str]:
    from .enrollment import enroll, validate_company
    from .fields import Invalid
    from .importing import read_records

    source = SAMPLE_COMPANIES
    records = []
    for doc in read_records(data_file(source).read_bytes(), source):
        record, problems = validate_company(doc.values, doc.lines)
        if problems:  # the shipped sample is tested; this guards an officer's edited copy
            raise Invalid(problems, source)
        records.append(record)
    keys = enroll(run.conn, records, source=source)
    run.steps.append(f"Enrolled {len(keys)} sample companies from data/{source} ({keys[0]}…{keys[-1]}).")
    return keys
