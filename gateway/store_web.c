/*
 * tinbao: the store's side of the dashboard and the API (schema version 3):
 * the audit log, users, sessions.  Same rules as store.c: every value is
 * bound, every write is one short statement or transaction.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "tinbao.h"

/*
 * Appends one row to the audit log: who (user:NAME, token:NAME, cli), did
 * what, to which case (0: none), with a short detail and the peer's address.
 * Never pass a reporter's number or a message text as detail.
 */
int
store_audit(struct store *st, const char *actor, const char *action,
    int64_t case_id, const char *detail, const char *addr)
{
	sqlite3		*db = store_sqlite(st);
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO audit (at, actor, action,"
	    " case_id, detail, addr) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s,
	    NULL) != SQLITE_OK) {
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
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		log_warnx("audit: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}
