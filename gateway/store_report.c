/*
 * tinbao: the SQL behind `tinbao report` and its dashboard page.
 *
 * One row per case created in a half-open range [from, to): its school,
 * the school's name and commune, category, urgency, whether it was
 * acknowledged and closed, and the time of its first acknowledgement (the
 * first `acknowledged` event, written by NHAN, TL, the dashboard and the
 * API alike).  No column holding message text, an outcome or a number is
 * selected: what report.c sums cannot carry what a pupil wrote.
 */
#include <stdint.h>
#include <string.h>

#include "store.h"

static void	store_report_text(sqlite3_stmt *, int, char *, size_t);

static void
store_report_text(sqlite3_stmt *s, int col, char *buf, size_t bufsz)
{
	const unsigned char	*v = sqlite3_column_text(s, col);

	buf[0] = '\0';
	if (v != NULL)
		(void)strlcpy_checked(buf, (const char *)v, bufsz);
}

/*
 * Calls cb for each case created in [from, to).  Returns the number of
 * cases or -1.
 */
int
store_report_cases(struct store *st, int64_t from, int64_t to,
    int (*cb)(const struct report_case *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT coalesce(c.school, ''), coalesce(s.name, ''),"
	    " coalesce(s.commune, ''), c.category, c.urgent <> 0,"
	    " c.status <> 'open', c.status = 'closed', c.created_at,"
	    " (SELECT min(e.at) FROM events e WHERE e.case_id = c.id"
	    "  AND e.type = 'acknowledged')"
	    " FROM cases c LEFT JOIN schools s ON s.code = c.school"
	    " WHERE c.created_at >= ?1 AND c.created_at < ?2"
	    " ORDER BY c.created_at, c.id";
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	struct report_case c;
	int		 rc, n = 0;

	if ((s = store_prepare(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		store_report_text(s, 0, c.school, sizeof(c.school));
		store_report_text(s, 1, c.school_name, sizeof(c.school_name));
		store_report_text(s, 2, c.commune, sizeof(c.commune));
		store_report_text(s, 3, c.category, sizeof(c.category));
		c.urgent = sqlite3_column_int(s, 4);
		c.acked = sqlite3_column_int(s, 5);
		c.closed = sqlite3_column_int(s, 6);
		c.created_at = sqlite3_column_int64(s, 7);
		c.ack_at = sqlite3_column_int64(s, 8);
		if (c.ack_at != 0)
			c.acked = 1;
		n++;
		if (cb(&c, arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_warnx("report: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_reset(s);
	return (n);
}

/* Calls cb(code, name, commune) for each school, by code. */
int
store_report_schools(struct store *st,
    int (*cb)(const char *, const char *, const char *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT code, name, commune FROM schools ORDER BY code";
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_prepare(st, sql)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2), arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_warnx("report: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_reset(s);
	return (n);
}

/*
 * Calls cb(code, category, school name) for each non-urgent case created
 * in [since, until) at a school of the commune, oldest first: the commune
 * committee's daily digest.  Returns the number of cases or -1.
 */
int
store_commune_cases(struct store *st, const char *commune, int64_t since,
    int64_t until, int (*cb)(const char *, const char *, const char *,
    void *), void *arg)
{
	static const char sql[] =
	    "SELECT c.code, c.category, s.name FROM cases c"
	    " JOIN schools s ON s.code = c.school"
	    " WHERE s.commune = ?1 AND c.urgent = 0 AND c.created_at >= ?2"
	    " AND c.created_at < ?3 ORDER BY c.created_at, c.id";
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_prepare(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, commune, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2), arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_warnx("commune: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_reset(s);
	return (n);
}
