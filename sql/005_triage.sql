-- tinbao schema 5: the triage net (SPEC sections 3 [triage] and 7).
--
-- Every case is 'untriaged' until a Bureau user triages it (confirming or
-- correcting category and urgency: gateway/triage.c) or a responder
-- acknowledges or closes it.  One row per case, made by a trigger when the
-- case is inserted, so that no way of opening a case (SMS, USSD, Kannel, a
-- teacher's code, a later API) can forget it; a second trigger records an
-- acknowledgement or a close as the triage, with who and when.
--
-- since is when the case became untriaged: its creation, or for the cases
-- of a database that had them already, this migration (so that an upgrade
-- does not escalate every old open case at once).
-- checked is 0 until the housekeeping tick has read the case's text (is
-- school staff accused?) and armed due_at, the end of untriaged_timeout of
-- office time; a change of the text (a late part) clears it again.
-- class_category / class_urgent keep what the classifier (or the reporter)
-- said before a Bureau user corrected it; category / urgent are the values
-- after triage, the ones statistics should count.

CREATE TABLE triage (
	case_id		INTEGER PRIMARY KEY REFERENCES cases(id),
	state		TEXT NOT NULL DEFAULT 'untriaged'
			CHECK (state IN ('untriaged', 'triaged')),
	checked		INTEGER NOT NULL DEFAULT 0,
	since		INTEGER NOT NULL,	-- untriaged from (office time counts)
	staff_accused	TEXT,			-- NULL: no; else the words
	due_at		INTEGER,		-- untriaged escalation; NULL none
	notified_at	INTEGER,		-- listed in a triage notice
	triaged_by	TEXT,			-- user:NAME, contact:ID, cli:USER
	triaged_at	INTEGER,
	how		TEXT,			-- triage, ack, close
	class_category	TEXT,
	class_urgent	INTEGER,
	category	TEXT,
	urgent		INTEGER
);
CREATE INDEX triage_unchecked ON triage(case_id) WHERE checked = 0;
CREATE INDEX triage_due ON triage(due_at)
	WHERE state = 'untriaged' AND due_at IS NOT NULL;
CREATE INDEX triage_pending ON triage(case_id)
	WHERE state = 'untriaged' AND notified_at IS NULL;

CREATE TRIGGER triage_case_new AFTER INSERT ON cases
BEGIN
	INSERT INTO triage (case_id, since) VALUES (NEW.id, NEW.created_at);
END;

CREATE TRIGGER triage_case_text AFTER UPDATE OF text ON cases
BEGIN
	UPDATE triage SET checked = 0 WHERE case_id = NEW.id;
END;

CREATE TRIGGER triage_case_ack AFTER UPDATE OF status ON cases
	WHEN OLD.status = 'open' AND NEW.status <> 'open'
BEGIN
	UPDATE triage SET state = 'triaged',
	    triaged_by = CASE WHEN NEW.ack_contact_id IS NULL THEN 'dashboard'
		ELSE 'contact:' || NEW.ack_contact_id END,
	    triaged_at = NEW.updated_at,
	    how = CASE NEW.status WHEN 'closed' THEN 'close' ELSE 'ack' END,
	    class_category = NEW.category, class_urgent = NEW.urgent,
	    category = NEW.category, urgent = NEW.urgent, due_at = NULL
	WHERE case_id = NEW.id AND state = 'untriaged';
END;

-- The cases of an existing database: those already acknowledged or closed
-- count as triaged by it; the open ones are untriaged, counted from the
-- migration (checked = 0 arms them at the next start) and listed in the
-- first triage notice.
INSERT INTO triage (case_id, since, state, triaged_at, how, class_category,
    class_urgent, category, urgent)
	SELECT id, CAST(strftime('%s', 'now') AS INTEGER), CASE status WHEN 'open' THEN 'untriaged' ELSE 'triaged' END,
	    CASE status WHEN 'open' THEN NULL ELSE updated_at END,
	    CASE status WHEN 'open' THEN NULL WHEN 'closed' THEN 'close'
		ELSE 'ack' END,
	    CASE status WHEN 'open' THEN NULL ELSE category END,
	    CASE status WHEN 'open' THEN NULL ELSE urgent END,
	    CASE status WHEN 'open' THEN NULL ELSE category END,
	    CASE status WHEN 'open' THEN NULL ELSE urgent END
	FROM cases;
UPDATE triage SET checked = 1 WHERE state = 'triaged';
