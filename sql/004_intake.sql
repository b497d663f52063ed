-- tinbao schema 4: an index for the intake's per-report lookups.
--
-- Repeat and flood control (handlers/h_report.c, store_case_recent) asks
-- for a reporter's latest open case since a time.  With only
-- cases(created_at) SQLite walked every case of that window, which in a
-- burst of reports (issue 8, bench/INTAKE.md) is all of them: each report
-- cost time in proportion to the reports before it.

CREATE INDEX cases_reporter ON cases(reporter_id, created_at);
