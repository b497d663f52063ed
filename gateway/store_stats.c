/*
 * tinbao: the SQL behind `tinbao stats`.
 *
 * Counts cases created in a half-open time range [from, to), grouped by
 * any subset of school, category and month.  It reads counts only: no
 * column holding message text is selected, so nothing a reporter wrote
 * can leave through this path.  One static statement serves every subset:
 * a key not asked for is bound off and collapses to NULL, so the GROUP BY
 * merges it away.  The month is computed by SQLite in local time, the same
 * time zone the command used to turn dates into bounds.
 */
#include <stdint.h>
#include <string.h>

#include "store.h"

static void	store_stats_text(sqlite3_stmt *, int, char *, size_t, int *);

/* Copies a text column into buf; NULL or '' leaves is_set at 0. */
static void
store_stats_text(sqlite3_stmt *s, int col, char *buf, size_t bufsz,
    int *is_set)
{
	const unsigned char	*v = sqlite3_column_text(s, col);

	buf[0] = '\0';
	*is_set = 0;
	if (v == NULL || *v == '\0')
		return;
	(void)strlcpy_checked(buf, (const char *)v, bufsz);
	*is_set = 1;
}

/*
 * Calls cb for each group of cases created in [from, to), keyed by the
 * STATS_BY_* bits in by, excluded cases (invalid, duplicate, merged) left
 * out, only a commune's schools when commune is not NULL.  Returns the number of groups or -1.
 */
int
store_stats_groups(struct store *st, int64_t from, int64_t to, int by,
    const char *commune, int (*cb)(const struct stats_row *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT CASE WHEN ?3 THEN NULLIF(school, '') END,"
	    " CASE WHEN ?4 THEN category END,"
	    " CASE WHEN ?5 THEN strftime('%Y-%m', created_at, 'unixepoch',"
	    " 'localtime') END,"
	    " count(*), sum(urgent <> 0)"
	    " FROM cases WHERE created_at >= ?1 AND created_at < ?2"
	    " AND exclusion IS NULL AND (?6 IS NULL OR school IN"
	    " (SELECT code FROM schools WHERE commune = ?6))"
	    " GROUP BY 1, 2, 3";
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	struct stats_row r;
	int		 rc, n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		log_warnx("stats: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int(s, 3, (by & STATS_BY_SCHOOL) != 0);
	sqlite3_bind_int(s, 4, (by & STATS_BY_CATEGORY) != 0);
	sqlite3_bind_int(s, 5, (by & STATS_BY_MONTH) != 0);
	if (commune != NULL)
		sqlite3_bind_text(s, 6, commune, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		store_stats_text(s, 0, r.school, sizeof(r.school),
		    &r.has_school);
		store_stats_text(s, 1, r.category, sizeof(r.category),
		    &r.has_category);
		store_stats_text(s, 2, r.month, sizeof(r.month), &r.has_month);
		r.cases = sqlite3_column_int64(s, 3);
		r.urgent = sqlite3_column_int64(s, 4);
		n++;
		if (cb(&r, arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_warnx("stats: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(s);
	return (n);
}
