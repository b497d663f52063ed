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

-- Awareness messages (tinbao broadcast): the groups of groups.csv (parents
-- who agreed to the school's safety messages), each broadcast with what it
-- cost, and which outbox rows are its messages (their states are its
-- delivery counts).
CREATE TABLE groups (
	name		TEXT NOT NULL,
	phone		TEXT NOT NULL,			-- E.164
	person		TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (name, phone)
);
CREATE TABLE broadcasts (
	id		INTEGER PRIMARY KEY,
	target		TEXT NOT NULL,		-- group:G, role:R, role:R/commune
	text		TEXT NOT NULL,
	recipients	INTEGER NOT NULL,
	skipped		INTEGER NOT NULL DEFAULT 0,	-- numbers that sent STOP
	parts		INTEGER NOT NULL,		-- per message
	send_at		INTEGER NOT NULL,
	created_by	TEXT NOT NULL,		-- cli:USER, user:NAME
	created_at	INTEGER NOT NULL,
	-- A dashboard broadcast waits for a second Bureau user's approval;
	-- its recipients are listed again then, from these.
	status		TEXT NOT NULL DEFAULT 'queued'
			CHECK (status IN ('pending', 'queued', 'rejected')),
	approved_by	TEXT,
	group_name	TEXT,
	role		TEXT,
	commune		TEXT
);
CREATE TABLE broadcast_messages (
	broadcast_id	INTEGER NOT NULL REFERENCES broadcasts(id),
	outbox_id	INTEGER NOT NULL UNIQUE REFERENCES outbox(id),
	PRIMARY KEY (broadcast_id, outbox_id)
);

-- School plans and models (issue 18): per school year, each school's
-- security plan (received or not, and when), its form of awareness work
-- and the models it runs (camera watch, safe traffic at the gate, a Zalo
-- group for legal awareness, other), and when its principal was last
-- reminded of a late plan.
CREATE TABLE plans (
	school		TEXT NOT NULL REFERENCES schools(code),
	year		TEXT NOT NULL,		-- "2025-2026"
	received_at	INTEGER,		-- NULL: not received
	form		TEXT NOT NULL DEFAULT '',
	models		TEXT NOT NULL DEFAULT '',	-- camera,gate,zalo,custom
	other		TEXT NOT NULL DEFAULT '',
	reminded_at	INTEGER,
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (school, year)
);
