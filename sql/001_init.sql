-- tinbao schema, version 1.
--
-- Reporters' numbers are never stored in clear: number_enc is a libsodium
-- secretbox (nonce || ciphertext) and number_hash a keyed BLAKE2b hash that
-- recognises the same sender again.  Deduplication of incoming SMS lives in
-- the UNIQUE key of message_parts.dedup_key (a keyed hash over the sender,
-- the SMSC time, the concatenation reference, the part number and the text).

CREATE TABLE reporters (
	id		INTEGER PRIMARY KEY,
	number_hash	BLOB NOT NULL UNIQUE,
	number_enc	BLOB,			-- NULL once purged
	alias		TEXT NOT NULL UNIQUE,
	silent		INTEGER NOT NULL DEFAULT 0,	-- STOP received
	created_at	INTEGER NOT NULL
);

CREATE TABLE schools (
	code		TEXT PRIMARY KEY,
	name		TEXT NOT NULL,
	commune		TEXT NOT NULL DEFAULT '',
	level		TEXT NOT NULL,
	aliases		TEXT NOT NULL DEFAULT ''
);

CREATE TABLE cases (
	id		INTEGER PRIMARY KEY,
	code		TEXT NOT NULL UNIQUE,
	status		TEXT NOT NULL DEFAULT 'open'
			CHECK (status IN ('open', 'acknowledged', 'closed')),
	category	TEXT NOT NULL DEFAULT 'other',
	urgent		INTEGER NOT NULL DEFAULT 0,
	school		TEXT REFERENCES schools(code),
	matched		TEXT NOT NULL DEFAULT '[]',	-- JSON list
	source		TEXT NOT NULL,
	reporter_id	INTEGER REFERENCES reporters(id),
	text		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_status ON cases(status);

-- Every message in or out, with its transport and final state.
CREATE TABLE messages (
	id		INTEGER PRIMARY KEY,
	direction	TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	transport	TEXT NOT NULL,
	reporter_id	INTEGER REFERENCES reporters(id),
	case_id		INTEGER REFERENCES cases(id),
	text		TEXT NOT NULL,
	flags		INTEGER NOT NULL DEFAULT 0,
	concat_ref	INTEGER NOT NULL DEFAULT -1,
	parts_total	INTEGER NOT NULL DEFAULT 1,
	parts_have	INTEGER NOT NULL DEFAULT 1,
	smsc_time	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL
);
CREATE INDEX messages_concat ON messages(reporter_id, concat_ref, parts_total);

-- The physical parts of incoming SMS; dedup_key makes a re-read harmless.
CREATE TABLE message_parts (
	message_id	INTEGER NOT NULL REFERENCES messages(id),
	partno		INTEGER NOT NULL,
	dedup_key	BLOB NOT NULL UNIQUE,
	text		TEXT NOT NULL,
	PRIMARY KEY (message_id, partno)
);

-- The timeline of a case.
CREATE TABLE events (
	id		INTEGER PRIMARY KEY,
	case_id		INTEGER NOT NULL REFERENCES cases(id),
	at		INTEGER NOT NULL,
	type		TEXT NOT NULL,
	detail		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_case ON events(case_id, at);

-- Outgoing SMS.  A reply to a reporter names reporter_id and no number; the
-- number is decrypted only when the message is handed to the modem.
CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	case_id		INTEGER REFERENCES cases(id),
	reporter_id	INTEGER REFERENCES reporters(id),
	number		TEXT,			-- registered contacts only
	text		TEXT NOT NULL,
	kind		TEXT NOT NULL,		-- ack, help, alert, reply, operator
	priority	INTEGER NOT NULL,	-- lower goes first
	charset		INTEGER NOT NULL DEFAULT 0,
	status		TEXT NOT NULL DEFAULT 'queued'
			CHECK (status IN ('queued', 'sending', 'sent',
			    'delivered', 'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_at		INTEGER NOT NULL,
	error		TEXT,
	parts		INTEGER NOT NULL DEFAULT 0,
	reference	INTEGER,
	created_at	INTEGER NOT NULL,
	sent_at		INTEGER,
	CHECK ((reporter_id IS NULL) <> (number IS NULL))
);
CREATE INDEX outbox_queue ON outbox(status, priority, next_at);
