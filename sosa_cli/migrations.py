"""Versioned schema migrations, run by `open_db()` on every connection.

Each migration is frozen SQL text kept here; sqlite-utils' built-in `Migrations` set
records which ones a database has had. `PRAGMA user_version` mirrors how many have
been applied, so an up-to-date database is recognised without importing sqlite-utils
(~90 ms) and a database written by a newer sosa is refused before anything touches it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from . import audit
from .errors import SosaError
from .i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "sosa"

# sosa's mark in the SQLite header (`PRAGMA application_id`, bytes 68–71 of the file):
# the ASCII of "SoSA" read as a big-endian 32-bit number, 0x536F5341 = 1399804737. Set
# with the schema, so a database carries it from its creation or its first upgrade;
# `store.open_db()` refuses a SQLite file that carries neither it nor sosa's migrations.
APPLICATION_ID = 0x536F5341


def _statements(script: str) -> Iterator[str]:
    """The statements of a frozen script, one at a time.

    `sqlite3.executescript` would COMMIT upgrade()'s BEGIN IMMEDIATE first, so each
    statement is executed on its own inside the migration's transaction. SQLite stores
    a CREATE statement's text from its CREATE keyword on: a comment before it is not
    kept, and the indentation inside it is, which is why the scripts below keep theirs.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            statement = ""
    if statement.strip():
        raise ValueError(f"unfinished statement in a migration: {statement.strip()[:60]}")


# The frozen migrations. Each is the SQL text a shipped sosa ran, so that the schema of
# a database never depends on the code of the sosa that created it (llm's migrations.py
# keeps its own table definitions for the same reason). Never edit or reorder one that
# has shipped: change the schema with a new one at the end. tests/test_migrations.py
# compares each with its fingerprint and a fresh database with tests/schema.sql.

# 0001: the SQL sqlite-utils 4's Table.create(), create_index() and
# enable_fts(tokenize="trigram", create_triggers=True) generated when it shipped.
# Trigram FTS finds Japanese terms of 3+ characters; shorter ones (電子, 航空) fall back
# to LIKE in the register's search (NOTES.md).
COMPANY_REGISTER = """
CREATE TABLE "companies" (
   "id" INTEGER PRIMARY KEY,
   "key" TEXT NOT NULL,
   "name_ja" TEXT NOT NULL,
   "name_en" TEXT NOT NULL,
   "corporate_number" TEXT NOT NULL,
   "ncage" TEXT,
   "address_ja" TEXT,
   "address_en" TEXT,
   "products" TEXT,
   "us_programs" TEXT,
   "coc_version" TEXT,
   "coc_accepted_on" TEXT,
   "coc_signatory" TEXT,
   "share_usg" INTEGER NOT NULL DEFAULT 0,
   "share_primes" INTEGER NOT NULL DEFAULT 0,
   "status" TEXT NOT NULL,
   "status_reason" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
);
CREATE UNIQUE INDEX "idx_companies_key"
    ON "companies" ("key");
CREATE UNIQUE INDEX "idx_companies_corporate_number"
    ON "companies" ("corporate_number");
CREATE INDEX "idx_companies_status"
    ON "companies" ("status");
CREATE TABLE "company_fsc" (
   "company_id" INTEGER REFERENCES "companies"("id"),
   "fsc" TEXT,
   PRIMARY KEY ("fsc", "company_id")
);
CREATE INDEX "idx_company_fsc_company_id"
    ON "company_fsc" ("company_id");
CREATE TABLE "contacts" (
   "id" INTEGER PRIMARY KEY,
   "company_id" INTEGER NOT NULL REFERENCES "companies"("id"),
   "position" INTEGER NOT NULL,
   "name" TEXT NOT NULL,
   "title" TEXT,
   "email" TEXT,
   "phone" TEXT,
   "role" TEXT,
   "language" TEXT
);
CREATE UNIQUE INDEX "idx_contacts_company_id_position"
    ON "contacts" ("company_id", "position");
CREATE VIRTUAL TABLE "companies_fts" USING FTS5 (
    "name_ja", "name_en", "products", "address_ja", "address_en",
    tokenize='trigram',
    content="companies"
);
CREATE TRIGGER "companies_ai" AFTER INSERT ON "companies" BEGIN
  INSERT INTO "companies_fts" (rowid, "name_ja", "name_en", "products", "address_ja", "address_en") VALUES (new.rowid, new."name_ja", new."name_en", new."products", new."address_ja", new."address_en");
END;
CREATE TRIGGER "companies_ad" AFTER DELETE ON "companies" BEGIN
  INSERT INTO "companies_fts" ("companies_fts", rowid, "name_ja", "name_en", "products", "address_ja", "address_en") VALUES('delete', old.rowid, old."name_ja", old."name_en", old."products", old."address_ja", old."address_en");
END;
CREATE TRIGGER "companies_au" AFTER UPDATE ON "companies" BEGIN
  INSERT INTO "companies_fts" ("companies_fts", rowid, "name_ja", "name_en", "products", "address_ja", "address_en") VALUES('delete', old.rowid, old."name_ja", old."name_en", old."products", old."address_ja", old."address_en");
  INSERT INTO "companies_fts" (rowid, "name_ja", "name_en", "products", "address_ja", "address_en") VALUES (new.rowid, new."name_ja", new."name_en", new."products", new."address_ja", new."address_en");
END;
"""  # noqa: E501  (the triggers as generated, one line each)

AUDIT_TRAIL = """
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

LETTERS = """
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
        );
        CREATE INDEX letters_record ON letters (record, kind);
        CREATE INDEX letters_company ON letters (company_id);
        CREATE INDEX letters_status ON letters (status, kind);
        -- The next serial is MAX(serial) + 1 of its 年度: deleting the newest letter
        -- would hand its number out again, so letters are cancelled, never deleted.
        CREATE TRIGGER letters_no_delete BEFORE DELETE ON letters
        BEGIN SELECT RAISE(ABORT, 'letters are never deleted; cancel one instead'); END;
        -- Once issued, a letter's number, date and text are what was sent.
        CREATE TRIGGER letters_issued_fixed
        BEFORE UPDATE OF doc_number, fiscal_year, serial, letter_date, context, kind, record ON letters
        WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'an issued letter keeps its number, date and text'); END;
"""

# Every change of a delay's promised date is kept in delay_slips, never overwritten.
DELAYS_REQUESTS = """
        CREATE TABLE delays (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            company_id INTEGER NOT NULL REFERENCES companies(id),
            status TEXT NOT NULL,
            program TEXT,
            supplier TEXT NOT NULL,
            supplier_cage TEXT,
            po TEXT,
            part_number TEXT NOT NULL,
            nsn TEXT,
            description TEXT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            need_date TEXT NOT NULL,
            original_promised_date TEXT NOT NULL,
            promised_date TEXT NOT NULL,
            impact TEXT,
            efforts TEXT,
            close_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX delays_company ON delays (company_id, id);
        CREATE INDEX delays_status ON delays (status, need_date);
        CREATE TABLE delay_slips (
            id INTEGER PRIMARY KEY,
            delay_id INTEGER NOT NULL REFERENCES delays(id),
            promised_date TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source TEXT NOT NULL,
            note TEXT
        );
        CREATE INDEX delay_slips_delay ON delay_slips (delay_id, id);
        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            company_id INTEGER NOT NULL REFERENCES companies(id),
            status TEXT NOT NULL,
            action TEXT NOT NULL,
            urgency TEXT NOT NULL,
            dod_ref TEXT,
            rating TEXT,
            rated_on TEXT,
            supplier_deadline TEXT,
            committed_date TEXT,
            sent_on TEXT,
            follow_up_on TEXT,
            outcome TEXT,
            note TEXT,
            closed_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX requests_status ON requests (status, follow_up_on);
        CREATE INDEX requests_company ON requests (company_id, id);
        CREATE TABLE request_delays (
            request_id INTEGER NOT NULL REFERENCES requests(id),
            delay_id INTEGER NOT NULL REFERENCES delays(id),
            PRIMARY KEY (request_id, delay_id)
        );
        CREATE INDEX request_delays_delay ON request_delays (delay_id);
"""

ASKS = """
        CREATE TABLE asks (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            dod_ref TEXT NOT NULL,
            received_on TEXT NOT NULL,
            program TEXT,
            reason TEXT,
            reply_by TEXT NOT NULL,
            replied_on TEXT,
            closed_on TEXT,
            cancel_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX asks_status ON asks (status, reply_by);
        -- current_date is an SQL keyword: the columns say what the dates are of.
        CREATE TABLE ask_items (
            ask_id INTEGER NOT NULL REFERENCES asks(id),
            position INTEGER NOT NULL,
            part_number TEXT,
            nsn TEXT,
            description TEXT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            current_delivery TEXT NOT NULL,
            requested_delivery TEXT NOT NULL CHECK (requested_delivery < current_delivery),
            PRIMARY KEY (ask_id, position)
        );
        CREATE TABLE relays (
            id INTEGER PRIMARY KEY,
            ask_id INTEGER NOT NULL REFERENCES asks(id),
            company_id INTEGER NOT NULL REFERENCES companies(id),
            -- stored: sent, reminded, answered, no-response; overdue is computed (asks.relay_state)
            status TEXT NOT NULL CHECK (status IN ('sent', 'reminded', 'answered', 'no-response')),
            sent_on TEXT NOT NULL,
            answer_by TEXT NOT NULL,
            original_answer_by TEXT NOT NULL,
            reminders INTEGER NOT NULL DEFAULT 0,
            last_reminded_on TEXT,
            decision TEXT CHECK (decision IN ('accept', 'partial', 'decline', 'no-response')),
            committed_date TEXT,
            quantity INTEGER,
            note TEXT,
            answered_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (ask_id, company_id)
        );
        CREATE INDEX relays_company ON relays (company_id);
        CREATE INDEX relays_waiting ON relays (status, answer_by);
"""

# What English letters print (issue 10): a delay's program in English, unit of issue,
# the DPAS rating asked for, the US supplier's address and point of contact, the JSDF
# service and contract; an ask item's US customer and order number; a company's answer
# in English. ALTER TABLE keeps every row; SQLite appends each column to the table's
# stored CREATE TABLE text.
ENGLISH_LETTER_DATA = """
        ALTER TABLE delays ADD COLUMN program_en TEXT;
        ALTER TABLE delays ADD COLUMN unit TEXT NOT NULL DEFAULT 'EA';
        ALTER TABLE delays ADD COLUMN rating_sought TEXT;
        ALTER TABLE delays ADD COLUMN supplier_address TEXT;
        ALTER TABLE delays ADD COLUMN supplier_contact TEXT;
        ALTER TABLE delays ADD COLUMN service_branch TEXT CHECK (service_branch IN ('gsdf', 'msdf', 'asdf', 'joint'));
        ALTER TABLE delays ADD COLUMN contract TEXT;
        ALTER TABLE ask_items ADD COLUMN customer TEXT;
        ALTER TABLE ask_items ADD COLUMN order_number TEXT;
        ALTER TABLE relays ADD COLUMN note_en TEXT;
"""


# What the audit trail's replay needs (issue 11 §4): each entry that changed rows
# carries the rows it left behind (`audit.rows`), table and primary key with the whole
# row, or null for a deleted one, and the hash covers them. Entries written before this
# migration have none; `upgrade()` then records the tables as they stand (a snapshot
# entry) so that the replay has a starting point.
AUDIT_ROWS = """
        ALTER TABLE audit ADD COLUMN rows TEXT;
"""


# Services as well as parts (issue 12 §1): DPAS covers 役務 (a repair, an overhaul, a test)
# like parts (DOMAIN.md §2), and a service has no part number or NSN. `delays.part_number`
# was NOT NULL, which SQLite cannot relax in place, so the table is rebuilt: its rows are
# kept aside, the table dropped and created anew, the rows put back, the indexes made
# again. Inside upgrade()'s transaction `PRAGMA foreign_keys` cannot be switched off, so
# the check of delay_slips' and request_delays' references is deferred to the COMMIT:
# dropping delays counts their rows as orphans, and putting each delay back under its own
# id counts them found again (a delay lost on the way would fail the COMMIT). Also: the
# supplier's country (ISO 3166; NULL is the US), a delayed service's code (PSC), an ask
# item that is a service and its PSC, and the service codes a company performs, beside
# the supply classes (FSC) it makes.
SERVICES = """
        PRAGMA defer_foreign_keys = ON;
        CREATE TEMP TABLE delays_0008 AS SELECT * FROM main.delays;
        DROP TABLE delays;
        CREATE TABLE delays (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            company_id INTEGER NOT NULL REFERENCES companies(id),
            status TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'part' CHECK (kind IN ('part', 'service')),
            program TEXT,
            program_en TEXT,
            service_branch TEXT CHECK (service_branch IN ('gsdf', 'msdf', 'asdf', 'joint')),
            contract TEXT,
            supplier TEXT NOT NULL,
            supplier_cage TEXT,
            supplier_country TEXT,
            supplier_address TEXT,
            supplier_contact TEXT,
            po TEXT,
            part_number TEXT,
            nsn TEXT,
            psc TEXT,
            description TEXT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit TEXT NOT NULL DEFAULT 'EA',
            rating_sought TEXT,
            need_date TEXT NOT NULL,
            original_promised_date TEXT NOT NULL,
            promised_date TEXT NOT NULL,
            impact TEXT,
            efforts TEXT,
            close_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            -- A part has its part number; a service (役務) has neither part number nor NSN.
            CHECK (kind = 'service' OR part_number IS NOT NULL),
            CHECK (kind = 'part' OR (part_number IS NULL AND nsn IS NULL))
        );
        INSERT INTO delays (id, key, company_id, status, program, program_en, service_branch, contract, supplier,
                            supplier_cage, supplier_address, supplier_contact, po, part_number, nsn, description,
                            quantity, unit, rating_sought, need_date, original_promised_date, promised_date, impact,
                            efforts, close_reason, created_at, updated_at)
            SELECT id, key, company_id, status, program, program_en, service_branch, contract, supplier,
                   supplier_cage, supplier_address, supplier_contact, po, part_number, nsn, description,
                   quantity, unit, rating_sought, need_date, original_promised_date, promised_date, impact,
                   efforts, close_reason, created_at, updated_at
            FROM temp.delays_0008 ORDER BY id;
        DROP TABLE temp.delays_0008;
        CREATE INDEX delays_company ON delays (company_id, id);
        CREATE INDEX delays_status ON delays (status, need_date);
        ALTER TABLE ask_items ADD COLUMN service INTEGER NOT NULL DEFAULT 0 CHECK (service IN (0, 1));
        ALTER TABLE ask_items ADD COLUMN psc TEXT;
        CREATE TABLE company_psc (
            company_id INTEGER NOT NULL REFERENCES companies(id),
            psc TEXT NOT NULL,
            PRIMARY KEY (psc, company_id)
        );
        CREATE INDEX company_psc_company ON company_psc (company_id);
"""


def _step(script: str) -> Callable[[Database], None]:
    def run(db: Database) -> None:
        for statement in _statements(script):
            db.execute(statement)

    return run


# In order; never edit or reorder one that has shipped: add a new one.
STEPS: list[tuple[str, str]] = [
    ("0001_company_register", COMPANY_REGISTER),
    ("0002_audit_trail", AUDIT_TRAIL),
    ("0003_letters", LETTERS),
    ("0004_delays_requests", DELAYS_REQUESTS),
    ("0005_asks", ASKS),
    ("0006_english_letter_data", ENGLISH_LETTER_DATA),
    ("0007_audit_rows", AUDIT_ROWS),
    ("0008_services", SERVICES),
]
LATEST = len(STEPS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def application_id(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA application_id").fetchone()[0]


def upgrade(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date and mark the file as sosa's; refuse a database from a newer sosa.

    Returns the version.
    """
    version = schema_version(conn)
    if version > LATEST:
        raise SosaError(
            _("{path} was written by a newer sosa (schema {version}, this one knows {latest})").format(
                path=getattr(conn, "path", _("the database")), version=version, latest=LATEST
            ),
            hint=_("upgrade sosa before using this database"),
        )
    if version == LATEST and application_id(conn) == APPLICATION_ID:
        return version
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, script in STEPS:
        migrations(name=name)(_step(script))
    db = Database(conn, execute_plugins=False)
    # Take the write lock first: two commands opening a new database at once must
    # not both try to create the tables.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        if version < LATEST:
            migrations.apply(db)
            conn.execute(f"PRAGMA user_version = {LATEST}")
            # The replay's new starting point: the tables as this upgrade found them, in
            # the new schema's shape (nothing is written for a database with no rows).
            audit.snapshot(conn, f"upgrade to schema {LATEST}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return LATEST
