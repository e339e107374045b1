"""Versioned schema migrations, run by `open_db()` on every connection.

The migrations themselves use sqlite-utils' built-in `Migrations` set. `PRAGMA
user_version` mirrors how many have been applied, so an up-to-date database is
recognised without importing sqlite-utils (~90 ms) and a database written by a newer
sosa is refused before anything touches it.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from .errors import SosaError

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "sosa"


def _company_register(db: Database) -> None:
    db["companies"].create(
        {
            "id": int,
            "key": str,
            "name_ja": str,
            "name_en": str,
            "corporate_number": str,
            "ncage": str,
            "address_ja": str,
            "address_en": str,
            "products": str,
            "us_programs": str,
            "coc_version": str,
            "coc_accepted_on": str,
            "coc_signatory": str,
            "share_usg": int,
            "share_primes": int,
            "status": str,
            "status_reason": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"key", "name_ja", "name_en", "corporate_number", "status", "share_usg", "share_primes"},
        defaults={"share_usg": 0, "share_primes": 0},
    )
    db["companies"].create_index(["key"], unique=True)
    db["companies"].create_index(["corporate_number"], unique=True)
    db["companies"].create_index(["status"])
    db["company_fsc"].create(
        {"company_id": int, "fsc": str},
        pk=("fsc", "company_id"),
        foreign_keys=[("company_id", "companies", "id")],
    )
    db["company_fsc"].create_index(["company_id"])
    db["contacts"].create(
        {
            "id": int,
            "company_id": int,
            "position": int,
            "name": str,
            "title": str,
            "email": str,
            "phone": str,
            "role": str,
            "language": str,
        },
        pk="id",
        foreign_keys=[("company_id", "companies", "id")],
        not_null={"company_id", "position", "name"},
    )
    db["contacts"].create_index(["company_id", "position"], unique=True)
    # Trigram FTS finds Japanese terms of 3+ characters; shorter ones (電子, 航空) fall
    # back to LIKE in the register's search (NOTES.md).
    db["companies"].enable_fts(
        ["name_ja", "name_en", "products", "address_ja", "address_en"],
        tokenize="trigram",
        create_triggers=True,
    )


def _audit_trail(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            command TEXT NOT NULL,
            action TEXT NOT NULL,
            record TEXT NOT NULL,
            before TEXT,
            after TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_record ON audit (record, id);
        -- The newest entry, kept by trigger, so that deleting the tail of the log is seen too.
        CREATE TABLE audit_head (
            only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
            id INTEGER NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_head_follows AFTER INSERT ON audit
        BEGIN
            INSERT INTO audit_head (only_row, id, hash) VALUES (1, NEW.id, NEW.hash)
            ON CONFLICT (only_row) DO UPDATE SET id = excluded.id, hash = excluded.hash;
        END;
        """
    )


def _letters(db: Database) -> None:
    # Statement by statement. (sqlite-utils' own executescript() also does this inside
    # a transaction; sqlite3's executescript() would COMMIT upgrade()'s BEGIN IMMEDIATE.)
    statements = [
        """
        CREATE TABLE letters (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
            record TEXT NOT NULL,
            company_id INTEGER REFERENCES companies (id),
            addressee TEXT NOT NULL,
            subject TEXT NOT NULL,
            doc_number TEXT,
            fiscal_year INTEGER,
            serial INTEGER,
            letter_date TEXT,
            status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'cancelled')),
            cancel_reason TEXT,
            cancelled_at TEXT,
            files TEXT NOT NULL DEFAULT '[]',
            context TEXT,
            created_at TEXT NOT NULL,
            -- Serials restart each 年度 (DOMAIN.md §4) and are never given twice.
            UNIQUE (fiscal_year, serial),
            CHECK (status = 'draft' OR (doc_number IS NOT NULL AND fiscal_year IS NOT NULL
                                        AND serial IS NOT NULL AND letter_date IS NOT NULL))
        )
        """,
        "CREATE INDEX letters_record ON letters (record, kind)",
        "CREATE INDEX letters_company ON letters (company_id)",
        "CREATE INDEX letters_status ON letters (status, kind)",
        # The next serial is MAX(serial) + 1 of its 年度: deleting the newest letter
        # would hand its number out again, so letters are cancelled, never deleted.
        """
        CREATE TRIGGER letters_no_delete BEFORE DELETE ON letters
        BEGIN SELECT RAISE(ABORT, 'letters are never deleted; cancel one instead'); END
        """,
        # Once issued, a letter's number, date and text are what was sent.
        """
        CREATE TRIGGER letters_issued_fixed
        BEFORE UPDATE OF doc_number, fiscal_year, serial, letter_date, context, kind, record ON letters
        WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'an issued letter keeps its number, date and text'); END
        """,
    ]
    for statement in statements:
        db.execute(statement)


def _delays_requests(db: Database) -> None:
    from . import delays, requests

    delays.schema(db)
    requests.schema(db)


def _asks(db: Database) -> None:
    from . import asks

    asks.schema(db)


# In order; never edit or reorder one that has shipped: add a new one.
STEPS = [
    ("0001_company_register", _company_register),
    ("0002_audit_trail", _audit_trail),
    ("0003_letters", _letters),
    ("0004_delays_requests", _delays_requests),
    ("0005_asks", _asks),
]
LATEST = len(STEPS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def upgrade(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; refuse a database from a newer sosa. Returns the version."""
    version = schema_version(conn)
    if version > LATEST:
        raise SosaError(
            f"{getattr(conn, 'path', 'the database')} was written by a newer sosa (schema {version}, this one knows {LATEST})",
            hint="upgrade sosa before using this database",
        )
    if version == LATEST:
        return version
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, step in STEPS:
        migrations(name=name)(step)
    db = Database(conn, execute_plugins=False)
    # Take the write lock first: two commands opening a new database at once must
    # not both try to create the tables.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        if version < LATEST:
            migrations.apply(db)
            conn.execute(f"PRAGMA user_version = {LATEST}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return LATEST
