-- tinbao schema 6: the reporting regime (SPEC sections 6, 7 and 11).
--
-- The commune People's Committee's contact, role commune_committee (it
-- needs a commune): SQLite cannot change a CHECK constraint in place, so
-- the contacts table is rebuilt with the same columns, rows and ids.  The
-- migration runs in one transaction with foreign keys on: deferred until
-- the commit, the references from cases, messages and outbox to the
-- dropped table are satisfied again once the rows are back under the same
-- ids in the new one.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE contacts_006 AS SELECT * FROM contacts;
DROP TABLE contacts;
CREATE TABLE contacts (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,
	phone		TEXT NOT NULL UNIQUE,		-- E.164
	role		TEXT NOT NULL CHECK (role IN ('police', 'teacher',
			    'principal', 'counselor', 'bureau', 'admin',
			    'commune_committee')),
	school		TEXT REFERENCES schools(code),
	commune		TEXT NOT NULL DEFAULT '',
	level		INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3),
	pin_mac		BLOB,
	updated_at	INTEGER NOT NULL
);
INSERT INTO contacts (id, name, phone, role, school, commune, level, pin_mac,
    updated_at)
	SELECT id, name, phone, role, school, commune, level, pin_mac,
	    updated_at FROM contacts_006;
DROP TABLE contacts_006;
CREATE INDEX contacts_route ON contacts(role, level, commune);
