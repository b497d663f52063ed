-- tinbao schema 9: the Bureau's desk (issue 17; gateway/caseact.c).
--
-- assigned_to names the dashboard user (users.name) a case is assigned to.
-- exclusion says why a case does not count in the statistics: 'invalid'
-- (a test, a misread SMS), 'duplicate' (of duplicate_of) or 'merged' (into
-- duplicate_of); such a case is closed without a word to its reporter, and
-- reopening it (the one action a closed case takes) clears both.
-- notes are the officers' internal notes: never sent to anyone.

ALTER TABLE cases ADD COLUMN assigned_to TEXT;
ALTER TABLE cases ADD COLUMN exclusion TEXT
	CHECK (exclusion IN ('invalid', 'duplicate', 'merged'));
ALTER TABLE cases ADD COLUMN duplicate_of INTEGER REFERENCES cases(id);
-- (How sure the classifier was of the category, which the needs-attention
-- list sorts the untriaged on, is cases.confidence of schema 10.)
CREATE INDEX cases_assigned ON cases(assigned_to)
	WHERE assigned_to IS NOT NULL;

CREATE TABLE notes (
	id		INTEGER PRIMARY KEY,
	case_id		INTEGER NOT NULL REFERENCES cases(id),
	at		INTEGER NOT NULL,
	author		TEXT NOT NULL,		-- user:NAME, token:NAME
	text		TEXT NOT NULL
);
CREATE INDEX notes_case ON notes(case_id);

-- Free-text search over a case's report and its notes (the dashboard's and
-- the API's q=): one row per case, rowid the case's id, holding the text
-- folded by the classifier's normaliser (handlers/normalize.c: no marks,
-- đ as d, teen spellings expanded), so that "bi danh" finds "bị đánh".
-- The folding is C, so the store fills the index (store_desk.c,
-- store_fts_refresh) before a search, for the cases whose updated_at is
-- not the one indexed in case_fts_at.
CREATE VIRTUAL TABLE case_fts USING fts5(body);
CREATE TABLE case_fts_at (
	case_id		INTEGER PRIMARY KEY REFERENCES cases(id),
	updated_at	INTEGER NOT NULL
);

-- Commune accounts (SPEC section 2: `tinbao user add NAME --role commune
-- --commune NAME`): read-only, their commune's cases, no report text
-- unless the Bureau shares the case (cases.shared_at, the share action).
-- SQLite cannot change users' CHECK in place, so the table is rebuilt with
-- the same rows and ids (as 006 rebuilds contacts); foreign keys are
-- checked at the commit, when sessions' users are back under their ids.
-- A commune account's commune is set with it, in one transaction (cmd_user.c);
-- one left without sees nothing.
ALTER TABLE cases ADD COLUMN shared_at INTEGER;
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE users_009 AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL
			CHECK (role IN ('bureau', 'admin', 'commune')),
	pw_hash		TEXT NOT NULL,
	disabled	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	commune		TEXT NOT NULL DEFAULT '',
	CHECK (role = 'commune' OR commune = '')
);
INSERT INTO users (id, name, role, pw_hash, disabled, created_at)
	SELECT id, name, role, pw_hash, disabled, created_at FROM users_009;
DROP TABLE users_009;
