/*
 * tinbao: the store's side of the Bureau's desk (schema version 9): who a
 * case is assigned to, internal notes, cases excluded from the statistics
 * (invalid, duplicate, merged) and reopened, the needs-attention list,
 * and the free-text index (case_fts, sql/009_desk.sql) kept folded with
 * the classifier's normaliser.
 *
 * The writes are single statements inside the caller's transaction
 * (caseact.c opens it); the rules (who may, when) are caseact.c's.  Same
 * conventions as store.c (store.h): statements from store_prepare(), every
 * value bound, reset after use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "store.h"

#define FTS_BATCH	256		/* cases indexed per statement round */

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
	if (store_desk_done(st, s, "note add") == -1)
		return (-1);
	/* A new updated_at: the search index takes the note in. */
	if ((s = store_prepare(st, "UPDATE cases SET updated_at ="
	    " max(updated_at + 1, ?2) WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return (store_desk_done(st, s, "note touch"));
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
 * first; ATTENTION_UNTRIAGED: in the triage queue's order, store.h's
 * TRIAGE_QUEUE_ORDER: "other" first, then the classifier's least sure,
 * then oldest first;
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
		    ") ORDER BY" TRIAGE_QUEUE_ORDER("'other'")
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

/* Indexes one case: its report and notes, folded. */
static int
store_fts_one(struct store *st, int64_t id, const char *text,
    const char *notes, int64_t at)
{
	sqlite3_stmt	*s;
	char		*all = NULL, *fold;
	int		 r = -1;

	(void)xasprintf(&all, "%s\n%s", text, notes != NULL ? notes : "");
	fold = normalize_fold(all, strlen(all));
	free(all);
	if ((s = store_prepare(st, "DELETE FROM case_fts WHERE rowid = ?1")) ==
	    NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (store_desk_done(st, s, "fts delete") == -1 ||
	    (s = store_prepare(st, "INSERT INTO case_fts (rowid, body)"
	    " VALUES (?1, ?2)")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, fold, -1, SQLITE_STATIC);
	if (store_desk_done(st, s, "fts insert") == -1 ||
	    (s = store_prepare(st, "INSERT OR REPLACE INTO case_fts_at"
	    " (case_id, updated_at) VALUES (?1, ?2)")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	r = store_desk_done(st, s, "fts at");
out:
	free(fold);
	return (r);
}

/*
 * Brings the search index up to date: every case whose updated_at is not
 * the one indexed is folded again, FTS_BATCH at a time, each batch in one
 * transaction.  Returns the number of cases indexed, or -1.
 */
int
store_fts_refresh(struct store *st)
{
	sqlite3_stmt	*s;
	struct {
		int64_t	 id, at;
		char	*text, *notes;
	}		*b;
	const unsigned char *v;
	int		 n, i, total = 0, r = 0;

	b = xcalloc(FTS_BATCH, sizeof(*b));
	do {
		if ((s = store_prepare(st, "SELECT c.id, c.text, c.updated_at,"
		    " (SELECT group_concat(text, ' ') FROM notes"
		    " WHERE case_id = c.id) FROM cases c LEFT JOIN case_fts_at f"
		    " ON f.case_id = c.id WHERE f.updated_at IS NOT c.updated_at"
		    " LIMIT 256")) == NULL) {
			r = -1;
			break;
		}
		/* One cursor at a time: read the batch, then write it. */
		for (n = 0; n < FTS_BATCH && sqlite3_step(s) == SQLITE_ROW; n++) {
			b[n].id = sqlite3_column_int64(s, 0);
			b[n].text = xstrdup((const char *)sqlite3_column_text(s,
			    1));
			b[n].at = sqlite3_column_int64(s, 2);
			v = sqlite3_column_text(s, 3);
			b[n].notes = v != NULL ? xstrdup((const char *)v) : NULL;
		}
		sqlite3_reset(s);
		if (n > 0 && store_begin(st) == -1)
			r = -1;
		for (i = 0; i < n; i++) {
			if (r == 0 && store_fts_one(st, b[i].id, b[i].text,
			    b[i].notes, b[i].at) == -1)
				r = -1;
			free(b[i].text);
			free(b[i].notes);
		}
		if (n > 0 && r == 0 && store_commit(st) == -1)
			r = -1;
		else if (n > 0 && r == -1)
			store_rollback(st);
		total += n;
	} while (r == 0 && n == FTS_BATCH);
	free(b);
	return (r == -1 ? -1 : total);
}

/*
 * Returns a new FTS5 query for the words of text folded as the index is:
 * every word, each as a prefix ("bi"* "dan"*).  Words that fold to nothing
 * give a query that matches nothing.
 */
char *
store_fts_query(const char *text)
{
	char	*fold, *q, *w, *save = NULL;
	size_t	 cap, len = 0;

	fold = normalize_fold(text, strlen(text));
	cap = strlen(fold) * 5 + 8;	/* a word of 1 grows to 5: "w"* */
	q = xmalloc(cap);
	q[0] = '\0';
	for (w = strtok_r(fold, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (strchr(w, '"') != NULL)
			continue;	/* never in a fold; never in a query */
		len += (size_t)snprintf(q + len, cap - len, "%s\"%s\"*",
		    len > 0 ? " " : "", w);
	}
	if (len == 0)
		(void)snprintf(q, cap, "\"\"");
	free(fold);
	return (q);
}

/* Shares a case's text with its commune's accounts (once). */
int
store_case_share(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "UPDATE cases SET shared_at ="
	    " COALESCE(shared_at, ?2) WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if (store_desk_done(st, s, "case share") == -1)
		return (-1);
	return (sqlite3_changes(store_db(st)) > 0);
}

/*
 * Copies the commune of a case's school into buf ("" when it has no
 * school) and returns 1 when the case is shared, 0 when not, -1 on error.
 */
int
store_case_commune(struct store *st, int64_t id, char *buf, size_t bufsz)
{
	sqlite3_stmt		*s;
	const unsigned char	*v;
	int			 rc, shared = 0;

	buf[0] = '\0';
	if ((s = store_prepare(st, "SELECT COALESCE(sc.commune, ''),"
	    " c.shared_at IS NOT NULL FROM cases c LEFT JOIN schools sc"
	    " ON sc.code = c.school WHERE c.id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = sqlite3_column_text(s, 0);
		(void)strlcpy_checked(buf, v != NULL ? (const char *)v : "",
		    bufsz);
		shared = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	return (rc == SQLITE_ROW ? shared : rc == SQLITE_DONE ? 0 : -1);
}
