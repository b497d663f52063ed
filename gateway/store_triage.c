/*
 * tinbao: the store's side of the triage net (schema version 5).
 *
 * One row per case in the triage table, made and updated by the triggers of
 * sql/005_triage.sql (a new case, a changed text, an acknowledgement); the
 * functions here read it for the housekeeping tick (triage.c) and record
 * the Bureau's triage.  Same rules as store.c (store.h): statements come
 * from store_prepare() and are reset after use, every value is bound,
 * every write is one short statement inside the caller's transaction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "category.h"
#include "store.h"

static int	store_triage_ids(struct store *, const char *, int64_t,
		    int64_t *, int);
static int	store_triage_done(struct store *, sqlite3_stmt *,
		    const char *);
static void	store_triage_copy(char *, size_t, sqlite3_stmt *, int);

/* Copies a text column into buf, "" when NULL. */
static void
store_triage_copy(char *buf, size_t bufsz, sqlite3_stmt *s, int col)
{
	const unsigned char	*v = sqlite3_column_text(s, col);

	(void)strlcpy_checked(buf, v != NULL ? (const char *)v : "", bufsz);
}

/* Steps a write statement to its end and resets it; 0 or -1. */
static int
store_triage_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	 rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s: %s", what, sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

/*
 * Runs a query of case ids: ?1 is the time when the query has two
 * parameters, the limit is the last.  Fills ids, returns the count or -1.
 */
static int
store_triage_ids(struct store *st, const char *sql, int64_t t, int64_t *ids,
    int max)
{
	sqlite3_stmt	*s;
	int		 n = 0, rc = SQLITE_DONE;

	if ((s = store_prepare(st, sql)) == NULL)
		return (-1);
	if (sqlite3_bind_parameter_count(s) == 2)
		sqlite3_bind_int64(s, 1, t);
	sqlite3_bind_int(s, sqlite3_bind_parameter_count(s), max);
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1);
}

/* Reads a case's triage row; 1 found, 0 not, -1 error. */
int
store_triage_get(struct store *st, int64_t case_id, struct triage_row *t)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((s = store_prepare(st, "SELECT case_id, state, since,"
	    " COALESCE(due_at, 0), COALESCE(notified_at, 0),"
	    " COALESCE(staff_accused, ''), COALESCE(triaged_by, ''),"
	    " COALESCE(triaged_at, 0), COALESCE(how, '') FROM triage"
	    " WHERE case_id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t->case_id = sqlite3_column_int64(s, 0);
		store_triage_copy(t->state, sizeof(t->state), s, 1);
		t->since = sqlite3_column_int64(s, 2);
		t->due_at = sqlite3_column_int64(s, 3);
		t->notified_at = sqlite3_column_int64(s, 4);
		store_triage_copy(t->staff_accused, sizeof(t->staff_accused),
		    s, 5);
		store_triage_copy(t->triaged_by, sizeof(t->triaged_by), s, 6);
		t->triaged_at = sqlite3_column_int64(s, 7);
		store_triage_copy(t->how, sizeof(t->how), s, 8);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Lists the ids of cases whose text the tick has not read yet. */
int
store_triage_unchecked(struct store *st, int64_t *ids, int max)
{
	return (store_triage_ids(st, "SELECT case_id FROM triage WHERE"
	    " checked = 0 ORDER BY case_id LIMIT ?1", 0, ids, max));
}

/*
 * Marks a case's text read: staff is what accused_is_staff() found (NULL
 * or "" when nothing), due the end of its untriaged time (0: leave it).
 */
int
store_triage_set_checked(struct store *st, int64_t case_id, const char *staff,
    int64_t due)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE triage SET checked = 1,"
	    " staff_accused = ?2, due_at = COALESCE(?3, due_at)"
	    " WHERE case_id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	if (staff != NULL && staff[0] != '\0')
		sqlite3_bind_text(s, 2, staff, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 2);
	if (due > 0)
		sqlite3_bind_int64(s, 3, due);
	else
		sqlite3_bind_null(s, 3);
	return (store_triage_done(st, s, "triage checked"));
}

/* Lists the ids of untriaged cases whose untriaged time has run out. */
int
store_triage_due(struct store *st, int64_t now, int64_t *ids, int max)
{
	return (store_triage_ids(st, "SELECT case_id FROM triage WHERE"
	    " state = 'untriaged' AND due_at IS NOT NULL AND due_at <= ?1"
	    " ORDER BY due_at LIMIT ?2", now, ids, max));
}

/* Disarms a case's untriaged timer. */
int
store_triage_clear_due(struct store *st, int64_t case_id)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE triage SET due_at = NULL"
	    " WHERE case_id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	return (store_triage_done(st, s, "triage due"));
}

/*
 * Fills items with the open, non-urgent, untriaged cases not yet listed in
 * a notice, in the queue's order (TRIAGE_QUEUE_ORDER), at most max; *total
 * is how many there are in all.  Returns how many were filled, or -1.
 */
int
store_triage_pending(struct store *st, struct triage_item *items, int max,
    int *total)
{
	sqlite3_stmt	*s;
	int		 n = 0, rc;

	*total = 0;
	if ((s = store_prepare(st, "SELECT c.code, c.category FROM triage t"
	    " JOIN cases c ON c.id = t.case_id WHERE t.state = 'untriaged'"
	    " AND t.notified_at IS NULL AND c.urgent = 0 AND c.status = 'open'"
	    " ORDER BY" TRIAGE_QUEUE_ORDER("?1"))) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, category_table[CATEGORY_OTHER].code, -1,
	    SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n < max) {
			store_triage_copy(items[n].code,
			    sizeof(items[n].code), s, 0);
			store_triage_copy(items[n].category,
			    sizeof(items[n].category), s, 1);
			n++;
		}
		(*total)++;
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? n : -1);
}

/* Records that a case was listed in a triage notice. */
int
store_triage_set_notified(struct store *st, const char *code, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE triage SET notified_at = ?2"
	    " WHERE case_id = (SELECT id FROM cases WHERE code = ?1)")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	return (store_triage_done(st, s, "triage notified"));
}

/*
 * Records a triage: who, how (triage, ack, close), the values before (the
 * case row c as it was) and after.  Disarms the untriaged timer.
 */
int
store_triage_set(struct store *st, int64_t case_id, const char *who,
    const char *how, const struct store_caserow *c, const char *category,
    int urgent, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE triage SET state = 'triaged',"
	    " triaged_by = ?2, how = ?3, triaged_at = ?4, class_category = ?5,"
	    " class_urgent = ?6, category = ?7, urgent = ?8, due_at = NULL"
	    " WHERE case_id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, how, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_text(s, 5, c->category, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 6, c->urgent);
	sqlite3_bind_text(s, 7, category, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 8, urgent);
	return (store_triage_done(st, s, "triage set"));
}

/*
 * Calls cb for each open untriaged case in the triage queue's order
 * (TRIAGE_QUEUE_ORDER): "other" first, then the least sure, then the
 * oldest.  The ids are read first (one cursor at a time: cb and the row
 * reads use statements of their own).
 */
int
store_triage_queue(struct store *st, int (*cb)(const struct store_caserow *,
    const struct triage_row *, void *), void *arg)
{
	sqlite3_stmt		*s;
	struct store_caserow	 c;
	struct triage_row	 t;
	int64_t			*ids = NULL;
	size_t			 n = 0, cap = 0, i;
	int			 r = 0;

	if ((s = store_prepare(st, "SELECT c.id FROM triage t JOIN cases c"
	    " ON c.id = t.case_id WHERE t.state = 'untriaged' AND"
	    " c.status = 'open' ORDER BY" TRIAGE_QUEUE_ORDER("?1"))) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, category_table[CATEGORY_OTHER].code, -1,
	    SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	for (i = 0; i < n && r == 0; i++) {
		if (store_case_by_id(st, ids[i], &c) != 1)
			continue;
		if (store_triage_get(st, ids[i], &t) == 1)
			r = cb(&c, &t, arg);
		store_caserow_free(&c);
	}
	free(ids);
	return (r == -1 ? -1 : (int)n);
}
