-- tinbao schema, version 2: the directory, routing and abuse control.
--
-- Contacts are the registered numbers (teachers, principals, counselors,
-- police, the Bureau, admins).  Their numbers are staff numbers and are kept
-- in clear, so that alerts can be sent and commands recognised; a PIN is
-- kept only as a keyed hash.  A reporter is never a contact.

CREATE TABLE contacts (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,
	phone		TEXT NOT NULL UNIQUE,		-- E.164
	role		TEXT NOT NULL CHECK (role IN ('police', 'teacher',
			    'principal', 'counselor', 'bureau', 'admin')),
	school		TEXT REFERENCES schools(code),
	commune		TEXT NOT NULL DEFAULT '',
	level		INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3),
	pin_mac		BLOB,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX contacts_route ON contacts(role, level, commune);

-- Who opened a case when it was not an anonymous reporter.
ALTER TABLE cases ADD COLUMN contact_id INTEGER REFERENCES contacts(id);
-- Escalation: the step reached (1..3) and when the next one is due.  The
-- timer lives here, so a restart re-arms it; the step is advanced with a
-- compare-and-set, so it never fires twice.
ALTER TABLE cases ADD COLUMN esc_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN esc_at INTEGER;
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN ack_contact_id INTEGER REFERENCES contacts(id);
CREATE INDEX cases_esc ON cases(esc_at) WHERE esc_at IS NOT NULL;

-- Per-reporter token bucket (SPEC: abuse control that keeps anonymity).
ALTER TABLE reporters ADD COLUMN bucket REAL NOT NULL DEFAULT 5;
ALTER TABLE reporters ADD COLUMN bucket_at INTEGER NOT NULL DEFAULT 0;

-- Who an outgoing message went to, for relays and delivery reports.
ALTER TABLE outbox ADD COLUMN contact_id INTEGER REFERENCES contacts(id);
ALTER TABLE messages ADD COLUMN contact_id INTEGER REFERENCES contacts(id);
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
CREATE INDEX outbox_reference ON outbox(reference) WHERE reference IS NOT NULL;

-- Operators' additions to the classifier's built-in keyword tables
-- (handlers/keywords.txt): same columns as that file; rows are added to the
-- built-in ones when the classifier is loaded (at start and on SIGHUP).
CREATE TABLE keywords (
	id		INTEGER PRIMARY KEY,
	category	TEXT NOT NULL,
	kind		TEXT NOT NULL,
	weight		REAL NOT NULL DEFAULT 1,
	phrase		TEXT NOT NULL,
	UNIQUE (category, kind, phrase)
);

-- Small facts the daemon keeps between runs (the last digest's date).
CREATE TABLE meta (
	k		TEXT PRIMARY KEY,
	v		TEXT NOT NULL
);
