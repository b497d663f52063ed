/*
 * tinbao: the store's side of the Bureau's desk (schema version 9): who a
 * case is assigned to, internal notes, cases excluded from the statistics
 * (invalid, duplicate, merged) and reopened, and the needs-attention list.
 *
 * The writes are single statements inside the caller's transaction
 * (caseact.c opens it); the rules (who may, when) are caseact.c's.  Same
 * conventions as store.c (store.h): statements from store_prepare(), every
 * value bound, reset after use.
 */
#include <stdint.h>
#include <string.h>

#include "store.h"

/* The three parts of the needs-attention list, in the order shown. */
#define ATTENTION_FROM	" FROM cases c LEFT JOIN reporters r"		\
	" ON r.id = c.reporter_id LEFT JOIN triage t ON t.case_id = c.id"
#define ATTN_SQL_URGENT " c.status = 'open' AND c.urgent <> 0"
#define ATTN_SQL_UNTRIAGED " t.state = 'untriaged' AND c.status <> 'closed'"

static int	store_desk_done(struct store *, sqlite3_stmt *, const char *);

/* Steps a write statement to its end and resets it; 0 or -1. */
static int
store_desk_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	 rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s: %s", what, sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

/* Assigns a case to the user named name ("": to nobody). */
int
store_case_assign(struct store *st, int64_t id, const char *name,
    int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE cases SET assigned_to = NULLIF(?2,"
	    " ''), updated_at = ?3 WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	return (store_desk_done(st, s, "case assign"));
}

/* Adds an internal note to a case. */
int
store_note_add(struct store *st, int64_t id, const char *author,
    const char *text, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "INSERT INTO notes (case_id, at, author,"
	    " text) VALUES (?1, ?2, ?3, ?4)")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, author, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
	return (store_desk_done(st, s, "note add"));
}

/*
 * Closes a case as excluded from the statistics: kind is "invalid",
 * "duplicate" or "merged", other the case it duplicates or was merged into
 * (0: none).  Its escalation stops.  Returns 1, 0 when the case was closed
 * meanwhile, or -1.
 */
int
store_case_exclude(struct store *st, int64_t id, const char *kind,
    int64_t other, const char *outcome, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE cases SET status = 'closed',"
	    " exclusion = ?2, duplicate_of = NULLIF(?3, 0), outcome = ?4,"
	    " esc_at = NULL, updated_at = ?5 WHERE id = ?1 AND"
	    " status <> 'closed'")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, other);
	sqlite3_bind_text(s, 4, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	if (store_desk_done(st, s, "case exclude") == -1)
		return (-1);
	return (sqlite3_changes(store_db(st)) > 0);
}

/*
 * Reopens a closed case as acknowledged (the officer who reopens it has it
 * in hand; its escalation does not start again): its outcome and any
 * exclusion are cleared.  Returns 1, 0 when it was not closed, or -1.
 */
int
store_case_reopen(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE cases SET status = 'acknowledged',"
	    " outcome = NULL, exclusion = NULL, duplicate_of = NULL,"
	    " updated_at = ?2 WHERE id = ?1 AND status = 'closed'")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if (store_desk_done(st, s, "case reopen") == -1)
		return (-1);
	return (sqlite3_changes(store_db(st)) > 0);
}

/*
 * Calls cb for each case that needs attention, part by part
 * (ATTENTION_URGENT_UNACKED: urgent and nobody acknowledged it, oldest
 * first; ATTENTION_UNTRIAGED: "other" first, then oldest first;
 * ATTENTION_MINE: open cases assigned to user, oldest first).  A case is
 * listed once, in its first part.  Returns the number listed, or -1.
 */
int
store_attention(struct store *st, const char *user,
    int (*cb)(int, const struct store_caserow *, void *), void *arg)
{
	static const char *const sql[] = {
		[ATTENTION_URGENT_UNACKED] = CASE_COLUMNS ATTENTION_FROM
		    " WHERE" ATTN_SQL_URGENT
		    " ORDER BY c.created_at, c.id LIMIT 100",
		[ATTENTION_UNTRIAGED] = CASE_COLUMNS ATTENTION_FROM
		    " WHERE" ATTN_SQL_UNTRIAGED " AND NOT (" ATTN_SQL_URGENT
		    ") ORDER BY c.category = 'other' DESC, c.created_at, c.id"
		    " LIMIT 100",
		[ATTENTION_MINE] = CASE_COLUMNS ATTENTION_FROM
		    " WHERE c.assigned_to = ?1 AND c.status <> 'closed'"
		    " AND NOT (" ATTN_SQL_URGENT ") AND NOT (COALESCE("
		    ATTN_SQL_UNTRIAGED ", 0)) ORDER BY c.created_at, c.id"
		    " LIMIT 100",
	};
	sqlite3_stmt		*s;
	struct store_caserow	 c;
	int			 part, rc, n = 0;

	for (part = 0; part < ATTENTION_NPARTS; part++) {
		if ((s = store_prepare(st, sql[part])) == NULL)
			return (-1);
		if (part == ATTENTION_MINE)
			sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			store_case_fill(s, &c);
			rc = cb(part, &c, arg);
			store_caserow_free(&c);
			n++;
			if (rc == -1)
				break;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE && rc != -1) {
			log_warnx("store: attention: %s",
			    sqlite3_errmsg(store_db(st)));
			return (-1);
		}
	}
	return (n);
}

/* Returns how many cases need user's attention (store_attention), or -1. */
int
store_attention_count(struct store *st, const char *user)
{
	sqlite3_stmt	*s;
	int		 n = -1;

	if ((s = store_prepare(st, "SELECT count(*)" ATTENTION_FROM " WHERE ("
	    ATTN_SQL_URGENT ") OR (" ATTN_SQL_UNTRIAGED ") OR"
	    " (c.assigned_to = ?1 AND c.status <> 'closed')")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return (n);
}
