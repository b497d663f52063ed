/*
 * tinbao: the SQL of school plans (plans.c): one row per school and
 * school year, read with every school of the directory (a school with no
 * row has sent nothing), written by `tinbao plan set`, and the reminder's
 * time.
 */
#include <stdint.h>
#include <string.h>

#include "store.h"

static void	store_plan_text(sqlite3_stmt *, int, char *, size_t);

static void
store_plan_text(sqlite3_stmt *s, int col, char *buf, size_t bufsz)
{
	const unsigned char	*v = sqlite3_column_text(s, col);

	buf[0] = '\0';
	if (v != NULL)
		(void)strlcpy_checked(buf, (const char *)v, bufsz);
}

/* Calls cb for every school with its plan for a year (empty when none). */
int
store_plans_list(struct store *st, const char *year,
    int (*cb)(const struct plan *, void *), void *arg)
{
	sqlite3_stmt	*s;
	struct plan	 p;
	int		 rc, n = 0;

	if ((s = store_prepare(st, "SELECT s.code, s.name, s.commune,"
	    " coalesce(p.received_at, 0), coalesce(p.form, ''),"
	    " coalesce(p.models, ''), coalesce(p.other, ''),"
	    " coalesce(p.reminded_at, 0) FROM schools s LEFT JOIN plans p"
	    " ON p.school = s.code AND p.year = ?1 ORDER BY s.code")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, year, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		store_plan_text(s, 0, p.school, sizeof(p.school));
		store_plan_text(s, 1, p.name, sizeof(p.name));
		store_plan_text(s, 2, p.commune, sizeof(p.commune));
		p.received_at = sqlite3_column_int64(s, 3);
		store_plan_text(s, 4, p.form, sizeof(p.form));
		store_plan_text(s, 5, p.models, sizeof(p.models));
		store_plan_text(s, 6, p.other, sizeof(p.other));
		p.reminded_at = sqlite3_column_int64(s, 7);
		(void)strlcpy_checked(p.year, year, sizeof(p.year));
		n++;
		if (cb(&p, arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? n : -1);
}

/* Writes a school's plan for a year (received_at 0: not received). */
int
store_plan_set(struct store *st, const struct plan *p, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO plans (school, year,"
	    " received_at, form, models, other, updated_at)"
	    " VALUES (?1, ?2, nullif(?3, 0), ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (school, year) DO UPDATE SET"
	    " received_at = excluded.received_at, form = excluded.form,"
	    " models = excluded.models, other = excluded.other,"
	    " updated_at = excluded.updated_at")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, p->school, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p->year, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, p->received_at);
	sqlite3_bind_text(s, 4, p->form, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, p->models, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->other, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Records that a school's principal was reminded (the row made if new). */
int
store_plan_reminded(struct store *st, const char *school, const char *year,
    int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO plans (school, year,"
	    " reminded_at, updated_at) VALUES (?1, ?2, ?3, ?3)"
	    " ON CONFLICT (school, year) DO UPDATE SET"
	    " reminded_at = excluded.reminded_at")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, school, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, year, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}
