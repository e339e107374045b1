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
CREATE TABLE 'companies_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'companies_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE 'companies_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'companies_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
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
        , rows TEXT);
CREATE INDEX audit_record ON audit (record, id);
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
CREATE TRIGGER letters_no_delete BEFORE DELETE ON letters
        BEGIN SELECT RAISE(ABORT, 'letters are never deleted; cancel one instead'); END;
CREATE TRIGGER letters_issued_fixed
        BEFORE UPDATE OF doc_number, fiscal_year, serial, letter_date, context, kind, record ON letters
        WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'an issued letter keeps its number, date and text'); END;
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
CREATE TABLE ask_items (
            ask_id INTEGER NOT NULL REFERENCES asks(id),
            position INTEGER NOT NULL,
            part_number TEXT,
            nsn TEXT,
            description TEXT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            current_delivery TEXT NOT NULL,
            requested_delivery TEXT NOT NULL CHECK (requested_delivery < current_delivery), customer TEXT, order_number TEXT, service INTEGER NOT NULL DEFAULT 0 CHECK (service IN (0, 1)), psc TEXT,
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
            updated_at TEXT NOT NULL, note_en TEXT,
            UNIQUE (ask_id, company_id)
        );
CREATE INDEX relays_company ON relays (company_id);
CREATE INDEX relays_waiting ON relays (status, answer_by);
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
CREATE INDEX delays_company ON delays (company_id, id);
CREATE INDEX delays_status ON delays (status, need_date);
CREATE TABLE company_psc (
            company_id INTEGER NOT NULL REFERENCES companies(id),
            psc TEXT NOT NULL,
            PRIMARY KEY (psc, company_id)
        );
CREATE INDEX company_psc_company ON company_psc (company_id);
