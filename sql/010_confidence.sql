-- tinbao schema 10: the classifier's confidence with each case (issue 14).
--
-- confidence is how sure the classifier was of the case's category, 0..1
-- (struct classify_result): the triage queue lists `other` first, then the
-- least sure, then the oldest.  A teacher's coded report and a USSD report
-- chose their category themselves: 1.  A late part that reclassifies the
-- case sets it again.  NULL for the cases of a database from before this
-- migration (nobody knows): the queue counts that as 0, unsure, so an old
-- case is looked at rather than sorted last.

ALTER TABLE cases ADD COLUMN confidence REAL
	CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1));
