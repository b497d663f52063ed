/*
 * tinbao: the store's side of the JSON API (schema version 3): API tokens
 * and the whole staff directory.
 *
 * A token is kept only as its keyed hash (api_token_hash in api.c), so the
 * api_tokens table can be read by anyone with the database and still let
 * nobody in.  A token is looked up by that hash, which is UNIQUE and
 * indexed: there is no loop comparing secrets, so no timing to measure.
 * A revoked token keeps its row (the audit log names it) with revoked = 1.
 * Same rules as store.c: every value is bound, every write is one short
 * statement.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

static void	store_token_fill(sqlite3_stmt *, struct api_token *);

/* Fills t from columns id, name, role, created_at, used_at, revoked. */
static void
store_token_fill(sqlite3_stmt *s, struct api_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(s, 0);
	(void)strlcpy_checked(t->name, (const char *)sqlite3_column_text(s, 1),
	    sizeof(t->name));
	(void)strlcpy_checked(t->role, (const char *)sqlite3_column_text(s, 2),
	    sizeof(t->role));
	t->created_at = sqlite3_column_int64(s, 3);
	t->used_at = sqlite3_column_int64(s, 4);	/* NULL reads as 0 */
	t->revoked = sqlite3_column_int(s, 5);
}

/*
 * Records a new token under its hash.  Returns 1 when created, 0 when the
 * name is taken (revoked or not: a name always means one token in the
 * audit log), -1 on error.
 */
int
store_token_add(struct store *st, const char *name, const char *role,
    const unsigned char hash[32], int64_t now)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO api_tokens (name, token_hash,"
	    " role, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO"
	    " NOTHING")) == NULL) {
		log_warnx("api_tokens: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("api_tokens: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (sqlite3_changes(db) > 0);
}

/*
 * Finds the token with this hash, revoked or not (the caller refuses a
 * revoked one).  Returns 1 found, 0 not, -1 on error.
 */
int
store_token_find(struct store *st, const unsigned char hash[32],
    struct api_token *t)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "SELECT id, name, role, created_at,"
	    " used_at, revoked FROM api_tokens WHERE token_hash = ?1")) ==
	    NULL) {
		log_warnx("api_tokens: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		store_token_fill(s, t);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	if (rc != SQLITE_DONE)
		log_warnx("api_tokens: %s", sqlite3_errmsg(db));
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Records that a token was used at now. */
int
store_token_used(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "UPDATE api_tokens SET used_at = ?2"
	    " WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Revokes the token called name.  Returns 1 when it was live, 0 when it
 * was already revoked or does not exist (*exists tells which), -1 on
 * error.
 */
int
store_token_revoke(struct store *st, const char *name, int *exists)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 rc, changed;

	*exists = 0;
	if ((s = store_prepare(st, "SELECT revoked FROM api_tokens WHERE"
	    " name = ?1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return (0);
	if (rc != SQLITE_ROW)
		return (-1);
	*exists = 1;
	if ((s = store_prepare(st, "UPDATE api_tokens SET revoked = 1 WHERE"
	    " name = ?1 AND revoked = 0")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	changed = sqlite3_changes(db);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("api_tokens: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (changed > 0);
}

/* Calls cb for every token, by name.  Returns the count or -1. */
int
store_token_list(struct store *st,
    int (*cb)(const struct api_token *, void *), void *arg)
{
	sqlite3_stmt	*s;
	struct api_token t;
	int		 rc, n = 0;

	if ((s = store_prepare(st, "SELECT id, name, role, created_at,"
	    " used_at, revoked FROM api_tokens ORDER BY name")) == NULL)
		return (-1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_token_fill(s, &t);
		n++;
		if (cb(&t, arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? n : -1);
}

/*
 * Calls cb for every contact of the directory, by role, level and name.
 * Returns the count or -1.
 */
int
store_contact_list(struct store *st,
    int (*cb)(const struct contact *, void *), void *arg)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int		 n;

	if ((s = store_prepare(st, "SELECT id, name, phone, role,"
	    " COALESCE(school, ''), commune, level, pin_mac FROM contacts"
	    " ORDER BY role, level, name, id")) == NULL) {
		log_warnx("contacts: %s", sqlite3_errmsg(db));
		return (-1);
	}
	n = store_contact_iter(st, s, cb, arg);
	sqlite3_reset(s);
	return (n);
}
