/*
 * tinbao: the SQL behind the responders' side of the SMS (issue 15).
 *
 * The PIN lockout's rows (sql/007_responders.sql: pin_failures,
 * pin_locks) for handlers/pinlock.c; whether a contact was alerted about
 * a case (a principal's or a counselor's NHAN and TT); how many replies of
 * a kind went to a contact lately (the help's throttle); whether a commune
 * has police of a level (route.c); and the directory's gaps (a commune
 * with schools and no level-1 police, a school with no principal, one
 * number given two roles by the last import) for `tinbao import`, the
 * dashboard's directory page and /healthz.
 *
 * Like store_stats.c, it reaches the connection through store.h
 * (store_db, store_prepare) and is part of the store's SQLite code.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

static int	store_resp_count(struct store *, sqlite3_stmt *, const char *);
static int	store_resp_exec(struct store *, sqlite3_stmt *, const char *);
static int	store_gaps_of(struct store *, const char *, enum dirgap_kind,
		    int (*)(const struct dirgap *, void *), void *);

/* Steps a statement that returns one integer; the integer, or -1. */
static int
store_resp_count(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	 rc, n = 0;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: %s: %s", what, sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (n);
}

/* Steps a statement that changes rows; 0 or -1. */
static int
store_resp_exec(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	 rc;

	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s: %s", what, sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

/* Records a wrong PIN of a contact (answered: a reply was queued). */
int
store_pin_failure_add(struct store *st, int64_t contact_id, int64_t now,
    int answered)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "INSERT INTO pin_failures (contact_id, at,"
	    " answered) VALUES (?1, ?2, ?3)")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, contact_id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int(s, 3, answered);
	return (store_resp_exec(st, s, "pin failure"));
}

/*
 * Counts a contact's wrong PINs since a time, not counting those before
 * its last lock (a lock starts a new count); *answered gets how many of
 * them were answered.  Returns the count or -1.
 */
int
store_pin_failures(struct store *st, int64_t contact_id, int64_t since,
    int *answered)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	*answered = 0;
	if ((s = store_prepare(st, "SELECT count(*), COALESCE(sum(answered),"
	    " 0) FROM pin_failures WHERE contact_id = ?1 AND at >= ?2 AND"
	    " at >= COALESCE((SELECT locked_until FROM pin_locks WHERE"
	    " contact_id = ?1), 0)")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, contact_id);
	sqlite3_bind_int64(s, 2, since);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		n = sqlite3_column_int(s, 0);
		*answered = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		log_warnx("store: pin failures: %s",
		    sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (n);
}

/* Locks a contact's commands until a time; 0 or -1. */
int
store_pin_lock(struct store *st, int64_t contact_id, int64_t now,
    int64_t until)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "INSERT INTO pin_locks (contact_id,"
	    " locked_at, locked_until) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(contact_id) DO UPDATE SET locked_at = ?2,"
	    " locked_until = ?3")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, contact_id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, until);
	return (store_resp_exec(st, s, "pin lock"));
}

/* Returns when a contact's lock ends (0: none, or past), or -1. */
int64_t
store_pin_locked_until(struct store *st, int64_t contact_id, int64_t now)
{
	sqlite3_stmt	*s;
	int64_t		 until = 0;
	int		 rc;

	if ((s = store_prepare(st, "SELECT locked_until FROM pin_locks"
	    " WHERE contact_id = ?1 AND locked_until > ?2")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, contact_id);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		until = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: pin lock: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (until);
}

/* Returns 1 when a contact was alerted about a case, 0 if not, -1. */
int
store_contact_alerted(struct store *st, int64_t case_id, int64_t contact_id)
{
	sqlite3_stmt	*s;
	int		 n;

	if ((s = store_prepare(st, "SELECT count(*) FROM outbox WHERE"
	    " case_id = ?1 AND contact_id = ?2 AND kind = 'alert'")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, contact_id);
	if ((n = store_resp_count(st, s, "alerted")) == -1)
		return (-1);
	return (n > 0);
}

/* Counts the SMS of a kind queued to a contact since a time, or -1. */
int
store_contact_sent_since(struct store *st, int64_t contact_id,
    const char *kind, int64_t since)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "SELECT count(*) FROM outbox WHERE"
	    " contact_id = ?1 AND kind = ?2 AND created_at >= ?3")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, contact_id);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, since);
	return (store_resp_count(st, s, "sent since"));
}

/* Counts the police contacts of a commune at a level, or -1. */
int
store_commune_police(struct store *st, const char *commune, int level)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "SELECT count(*) FROM contacts WHERE"
	    " role = 'police' AND level = ?2 AND commune = ?1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, commune, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, level);
	return (store_resp_count(st, s, "commune police"));
}

/* Calls cb for each gap of one query (subject, detail columns). */
static int
store_gaps_of(struct store *st, const char *sql, enum dirgap_kind kind,
    int (*cb)(const struct dirgap *, void *), void *arg)
{
	struct dirgap	 g;
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_prepare(st, sql)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&g, 0, sizeof(g));
		g.kind = kind;
		(void)strlcpy_checked(g.subject,
		    (const char *)sqlite3_column_text(s, 0), sizeof(g.subject));
		(void)strlcpy_checked(g.detail,
		    (const char *)sqlite3_column_text(s, 1), sizeof(g.detail));
		n++;
		if (cb(&g, arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: directory gaps: %s",
		    sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (n);
}

/*
 * Calls cb for each gap of the directory: communes with schools and no
 * level-1 police, schools with no principal, numbers the last contacts
 * import gave two roles (kept in meta by directory.c).  Returns how many,
 * or -1.
 */
int
store_directory_gaps(struct store *st,
    int (*cb)(const struct dirgap *, void *), void *arg)
{
	struct dirgap	 g;
	char		 two[1024], *line, *next, *tab;
	int		 a, b, r, n = 0;

	if ((a = store_gaps_of(st, "SELECT commune, group_concat(code, ' ')"
	    " FROM (SELECT commune, code FROM schools s WHERE commune <> ''"
	    " AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.role ="
	    " 'police' AND c.level = 1 AND c.commune = s.commune)"
	    " ORDER BY commune, code) GROUP BY commune ORDER BY commune",
	    DIRGAP_NO_POLICE, cb, arg)) == -1)
		return (-1);
	if ((b = store_gaps_of(st, "SELECT code, name FROM schools s WHERE"
	    " NOT EXISTS (SELECT 1 FROM contacts c WHERE c.role ="
	    " 'principal' AND c.school = s.code) ORDER BY code",
	    DIRGAP_NO_PRINCIPAL, cb, arg)) == -1)
		return (-1);
	n = a + b;
	if ((r = store_meta_get(st, DIRGAP_META_TWO_ROLES, two,
	    sizeof(two))) == -1)
		return (-1);
	for (line = two; r == 1 && line != NULL && *line != '\0';
	    line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		memset(&g, 0, sizeof(g));
		g.kind = DIRGAP_TWO_ROLES;
		if ((tab = strchr(line, '\t')) != NULL) {
			*tab = '\0';
			(void)strlcpy_checked(g.detail, tab + 1,
			    sizeof(g.detail));
		}
		(void)strlcpy_checked(g.subject, line, sizeof(g.subject));
		n++;
		if (cb(&g, arg) == -1)
			break;
	}
	return (n);
}
