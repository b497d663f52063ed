-- tinbao schema 8 (a SIM pool, issue 19): each part of an outgoing SMS, with the transport that
-- sent it and the network's message reference (issue 19).
--
-- A delivery report names one part by its reference, a number from 0 to
-- 255 that each SIM counts on its own: with several modems two SIMs give
-- the same reference, and a multipart message has one per part.  outbox
-- .reference kept only the first part's, so the report of a second part
-- matched whichever message had that number first.  A report now matches
-- the newest part with that reference on that transport (an older one
-- with the same number is a reference that wrapped), and a message is
-- delivered when all its parts are, failed when one of them failed.

CREATE TABLE outbox_parts (
	outbox_id	INTEGER NOT NULL REFERENCES outbox(id),
	part		INTEGER NOT NULL,	-- 1-based
	transport	TEXT NOT NULL,		-- modem, modem1, ...
	reference	INTEGER NOT NULL,
	sent_at		INTEGER NOT NULL,
	status		TEXT,			-- NULL, delivered, failed
	PRIMARY KEY (outbox_id, part)
);
CREATE INDEX outbox_parts_ref ON outbox_parts(transport, reference, sent_at);

-- One incident, one alert: an urgent report of the same school and
-- category as an open urgent case of the last [escalation]
-- incident_window joins that case's incident (cases.incident_id, the
-- first report's case) instead of alerting everyone again.  incidents
-- counts, per first case, the reports joined and how many of them the
-- responders were told of, and when ("+N tin bao nua ve CODE").

ALTER TABLE cases ADD COLUMN incident_id INTEGER REFERENCES cases(id);
CREATE TABLE incidents (
	case_id		INTEGER PRIMARY KEY REFERENCES cases(id),
	joined		INTEGER NOT NULL DEFAULT 0,
	told		INTEGER NOT NULL DEFAULT 0,
	told_at		INTEGER
);
CREATE INDEX cases_incident ON cases(school, category, created_at);
