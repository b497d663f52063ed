-- tinbao schema, version 3: the dashboard's accounts, the API's tokens and
-- the audit log.
--
-- A password is kept only as a libsodium Argon2id string (crypto_pwhash_str).
-- Session and API tokens are kept only as keyed hashes: a copied database
-- gives nobody a way in.  The audit log is append-only by convention: no
-- code path updates or deletes a row of it.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN ('bureau', 'admin')),
	pw_hash		TEXT NOT NULL,
	disabled	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL
);

CREATE TABLE sessions (
	token_hash	BLOB PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id),
	csrf		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	seen_at		INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	token_hash	BLOB NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN ('bureau', 'admin')),
	created_at	INTEGER NOT NULL,
	used_at		INTEGER,
	revoked		INTEGER NOT NULL DEFAULT 0
);

-- Who saw or did what: every view of a case and every action, from the
-- dashboard, the API and the command line.
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	actor		TEXT NOT NULL,		-- user:NAME, token:NAME, cli
	action		TEXT NOT NULL,
	case_id		INTEGER REFERENCES cases(id),
	detail		TEXT NOT NULL DEFAULT '',
	addr		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_case ON audit(case_id, at);
CREATE INDEX audit_at ON audit(at);
