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
