/*
 * tinbao: the store's part in fault handling.
 *
 * Start-up check.  `tinbao serve` would otherwise find a damaged or locked
 * database only at the first commit, with an SMS in hand: by then it can
 * only leave the message on the phone and retry forever.  Before anything
 * is read, store_check_start() runs SQLite's quick_check (every page and
 * index of the file reachable and well formed: a truncated copy or a file
 * overwritten in the middle fails here) and takes and releases the write
 * lock once (another process holding it, such as an operator's sqlite3
 * shell left in a transaction, fails here after the busy timeout).  Each
 * failure is one log line that names the file and says what to do.
 *
 * Retry now.  While a transport is down every send fails and each message
 * backs off (30 s doubling to 1 h); when the transport is seen back,
 * store_outbox_retry_now() makes the waiting messages due at once, so an
 * urgent alert does not wait out an hour's backoff after a short outage.
 *
 * Like store_stats.c, it reaches the connection through store.h
 * (store_db, store_prepare) and is part of the store's SQLite code.
 */
#include <string.h>

#include "store.h"

static int	store_check_busy(int);

/* True for the result codes that mean another connection holds a lock. */
static int
store_check_busy(int rc)
{
	return ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED);
}

/*
 * Checks that the database at path, opened as st, is intact and writable
 * by us.  Returns 0 if so, -1 after one log line otherwise.
 */
int
store_check_start(struct store *st, const char *path)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s = NULL;
	const char	*res;
	char		 what[128] = "", *p;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(s, 0);
		if (res == NULL || strcmp(res, "ok") != 0)
			(void)strlcpy_checked(what, res ? res : "no answer",
			    sizeof(what));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK && store_check_busy(sqlite3_extended_errcode(db)))
		goto locked;
	if (rc != SQLITE_OK)
		(void)strlcpy_checked(what, sqlite3_errmsg(db), sizeof(what));
	if (what[0] != '\0') {
		/* quick_check's report spans lines: keep the log to one. */
		for (p = what; (p = strpbrk(p, "\r\n")) != NULL; p++)
			*p = ' ';
		log_warnx("database=%s is damaged (%s): stop here, keep the "
		    "file, restore the last 'tinbao backup' copy", path, what);
		return (-1);
	}

	/* BEGIN IMMEDIATE waits up to the busy timeout for the write lock. */
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return (0);
	if (store_check_busy(sqlite3_extended_errcode(db)))
		goto locked;
	log_warnx("database=%s cannot be written: %s", path,
	    sqlite3_errmsg(db));
	return (-1);
locked:
	log_warnx("database=%s is locked by another process: close the "
	    "sqlite3 shell or the other tinbao that holds it, then start "
	    "again", path);
	return (-1);
}

/*
 * Makes every queued message that is waiting out a backoff due at now.
 * Returns how many, or -1 (logged).
 */
int
store_outbox_retry_now(struct store *st, int64_t now)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "UPDATE outbox SET next_at = ?1"
	    " WHERE status = 'queued' AND attempts > 0 AND next_at > ?1")) ==
	    NULL) {
		log_warnx("store: retry now: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_int64(s, 1, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: retry now: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (sqlite3_changes(db));
}
