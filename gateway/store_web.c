/*
 * tinbao: the store's side of the dashboard and the API (schema version 3):
 * the audit log, users, sessions.  Same rules as store.c: every value is
 * bound, every write is one short statement or transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/*
 * Appends one row to the audit log: who (user:NAME, token:NAME, cli), did
 * what, to which case (0: none), with a short detail and the peer's address.
 * Never pass a reporter's number or a message text as detail.
 */
int
store_audit(struct store *st, const char *actor, const char *action,
    int64_t case_id, const char *detail, const char *addr)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO audit (at, actor, action,"
	    " case_id, detail, addr) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) ==
	    NULL) {
		log_warnx("audit: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(s, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
	if (case_id > 0)
		sqlite3_bind_int64(s, 4, case_id);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, detail ? detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, addr ? addr : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("audit: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}

/* Fills u from columns id, name, role, pw_hash, disabled of s. */
static void
store_user_fill(sqlite3_stmt *s, struct web_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	(void)strlcpy_checked(u->name, (const char *)sqlite3_column_text(s, 1),
	    sizeof(u->name));
	(void)strlcpy_checked(u->role, (const char *)sqlite3_column_text(s, 2),
	    sizeof(u->role));
	(void)strlcpy_checked(u->pw_hash,
	    (const char *)sqlite3_column_text(s, 3), sizeof(u->pw_hash));
	u->disabled = sqlite3_column_int(s, 4);
}

/*
 * Creates a dashboard user, or replaces the role and password of an
 * existing one when replace is set.  Returns 1 created, 0 when the name is
 * taken (and replace is not set) or was updated, -1 on error.
 */
int
store_user_put(struct store *st, const char *name, const char *role,
    const char *pw_hash, int replace, int64_t now)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, replace ?
	    "INSERT INTO users (name, role, pw_hash, created_at) VALUES"
	    " (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET role ="
	    " excluded.role, pw_hash = excluded.pw_hash, disabled = 0" :
	    "INSERT INTO users (name, role, pw_hash, created_at) VALUES"
	    " (?1, ?2, ?3, ?4) ON CONFLICT (name) DO NOTHING")) == NULL) {
		log_warnx("users: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("users: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (sqlite3_changes(db) > 0 && !replace);
}

/* Finds a user by name; 1 found, 0 not, -1 error. */
int
store_user_get(struct store *st, const char *name, struct web_user *u)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "SELECT id, name, role, pw_hash, disabled"
	    " FROM users WHERE name = ?1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		store_user_fill(s, u);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Records a new session under the hash of its token. */
int
store_session_add(struct store *st, const unsigned char hash[32],
    int64_t user_id, const char *csrf, int64_t now, int64_t expires)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO sessions (token_hash, user_id,"
	    " csrf, created_at, seen_at, expires_at) VALUES (?1, ?2, ?3, ?4,"
	    " ?4, ?5)")) == NULL)
		return (-1);
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, expires);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Finds the live session with this token hash and its user (not disabled).
 * Fills u, csrf and *seen.  Returns 1, 0 when none, -1 on error.
 */
int
store_session_get(struct store *st, const unsigned char hash[32],
    int64_t now, struct web_user *u, char *csrf, size_t csrfsz,
    int64_t *seen, int64_t *created)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "SELECT u.id, u.name, u.role, u.pw_hash,"
	    " u.disabled, s.csrf, s.seen_at, s.created_at FROM sessions s"
	    " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND"
	    " s.expires_at > ?2 AND u.disabled = 0")) == NULL)
		return (-1);
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_user_fill(s, u);
		(void)strlcpy_checked(csrf,
		    (const char *)sqlite3_column_text(s, 5), csrfsz);
		*seen = sqlite3_column_int64(s, 6);
		*created = sqlite3_column_int64(s, 7);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Moves a session's idle expiry forward. */
int
store_session_touch(struct store *st, const unsigned char hash[32],
    int64_t now, int64_t expires)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "UPDATE sessions SET seen_at = ?2,"
	    " expires_at = ?3 WHERE token_hash = ?1")) == NULL)
		return (-1);
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, expires);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Ends one session (hash given) or every expired one (hash NULL). */
int
store_session_end(struct store *st, const unsigned char *hash, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, hash != NULL ?
	    "DELETE FROM sessions WHERE token_hash = ?1" :
	    "DELETE FROM sessions WHERE expires_at <= ?2")) == NULL)
		return (-1);
	if (hash != NULL)
		sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Calls cb for the newest audit rows, newest first. */
int
store_audit_list(struct store *st, int limit, int offset,
    int (*cb)(int64_t, const char *, const char *, const char *,
    const char *, const char *, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_prepare(st, "SELECT a.at, a.actor, a.action,"
	    " COALESCE(c.code, ''), a.detail, a.addr FROM audit a LEFT JOIN"
	    " cases c ON c.id = a.case_id ORDER BY a.id DESC LIMIT ?1"
	    " OFFSET ?2")) == NULL)
		return (-1);
	sqlite3_bind_int(s, 1, limit);
	sqlite3_bind_int(s, 2, offset);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cb(sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5), arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? n : -1);
}

/*
 * Ends every session of the user called name (a new password, a disabled
 * account).  Returns the number ended, or -1.
 */
int
store_user_sessions_end(struct store *st, const char *name)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "DELETE FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE name = ?1)")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? sqlite3_changes(store_db(st)) : -1);
}

/*
 * Disables (disabled 1) or enables (0) the user called name; disabling
 * also ends its sessions.  Returns 1 done, 0 no such user, -1 error.
 */
int
store_user_set_disabled(struct store *st, const char *name, int disabled)
{
	sqlite3_stmt	*s;
	int		 rc, n;

	if ((s = store_prepare(st, "UPDATE users SET disabled = ?2 WHERE"
	    " name = ?1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, disabled != 0);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	if ((n = sqlite3_changes(store_db(st))) == 0)
		return (0);
	if (disabled && store_user_sessions_end(st, name) == -1)
		return (-1);
	return (1);
}

/*
 * Calls cb for every user, by name: name, role, disabled, created_at and
 * the number of live sessions.  Returns the number of users, or -1.
 */
int
store_user_list(struct store *st, int64_t now, int (*cb)(const char *,
    const char *, int, int64_t, int, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_prepare(st, "SELECT u.name, u.role, u.disabled,"
	    " u.created_at, (SELECT count(*) FROM sessions s WHERE s.user_id ="
	    " u.id AND s.expires_at > ?1) FROM users u ORDER BY u.name")) ==
	    NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, now);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int(s, 2), sqlite3_column_int64(s, 3),
		    sqlite3_column_int(s, 4), arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? n : -1);
}
