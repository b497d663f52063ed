-- tinbao schema 7: responders' PIN lockout (SPEC section 4, issue 15).
--
-- Every wrong (or missing) PIN a registered contact sends is one row of
-- pin_failures; five of them within 15 minutes lock the number's commands
-- for 15 minutes (handlers/pinlock.c), which is one row of pin_locks.
-- Rows are kept as the history the Bureau may want to read; old failures
-- no longer count, they are not deleted.

CREATE TABLE pin_failures (
	id		INTEGER PRIMARY KEY,
	contact_id	INTEGER NOT NULL REFERENCES contacts(id)
			    ON DELETE CASCADE,
	at		INTEGER NOT NULL,
	answered	INTEGER NOT NULL DEFAULT 0	-- a reply was sent
);
CREATE INDEX pin_failures_contact ON pin_failures(contact_id, at);

CREATE TABLE pin_locks (
	contact_id	INTEGER PRIMARY KEY REFERENCES contacts(id)
			    ON DELETE CASCADE,
	locked_at	INTEGER NOT NULL,
	locked_until	INTEGER NOT NULL
);
