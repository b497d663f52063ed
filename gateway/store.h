/*
 * tinbao: what the store's files share, and nobody else sees.
 *
 * store.c owns the SQLite connection; store_api.c, store_web.c,
 * store_stats.c and store_fault.c are the store too, split by what they
 * serve.  They include this header (and so sqlite3.h) and reach the
 * connection through store_db(); every other file sees only the opaque
 * struct store and the store_* prototypes in tinbao.h.
 *
 * Statements are prepared once: store_prepare() keeps each SQL text's
 * statement in a small cache on the store, hands it back reset and with
 * its bindings cleared, and store_close() finalizes them all.  The caller
 * binds, steps and resets it (sqlite3_reset, never sqlite3_finalize).
 * One statement is one cursor: a function must not fetch a statement that
 * a caller up the stack is still stepping.  SQL built at run time (the
 * case search's filters, the stats grouping) is prepared and finalized
 * by its caller instead, so that it does not fill the cache.
 */
#ifndef STORE_H
#define STORE_H

#include <sqlite3.h>

#include "tinbao.h"

sqlite3		*store_db(struct store *);
sqlite3_stmt	*store_prepare(struct store *, const char *);
void		 store_contact_fill(sqlite3_stmt *, struct contact *);

/*
 * The triage queue's order, wherever untriaged cases are listed (`tinbao
 * triage`, the triage notice, the case list with triage=untriaged): the
 * cases the classifier did not recognise first (the parameter p is bound
 * to the `other` code), then the least sure (a confidence not known, from
 * before schema 10, counts as 0), then the oldest.  Over cases as c.
 */
#define TRIAGE_QUEUE_ORDER(p)						\
	" c.category = " p " DESC, COALESCE(c.confidence, 0),"		\
	" c.created_at, c.id"
int		 store_contact_iter(struct store *, sqlite3_stmt *,
		    int (*)(const struct contact *, void *), void *);

#endif /* STORE_H */
