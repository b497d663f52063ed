/*
 * tinbao: the parts of outgoing SMS and their delivery reports
 * (table outbox_parts, sql/008_pool.sql).
 *
 * A modem gives one message reference per part sent; the delivery report
 * of a part names that reference and nothing else.  References are per
 * SIM and wrap at 256, so a report is matched to the newest part with
 * that reference on the modem it came from: an older part with the same
 * number is from before the wrap and is never marked by it.  The store
 * then says whether the whole message is settled (every part delivered,
 * or one failed).
 */
#include <string.h>

#include "store.h"

/*
 * Records the references of the n parts of outbox message id, sent
 * through transport at now.  0, or -1.
 */
int
store_outbox_parts_add(struct store *st, int64_t id, const char *transport,
    const int *refs, int n, int64_t now)
{
	sqlite3_stmt	*s;
	int		 i;

	for (i = 0; i < n; i++) {
		if (refs[i] < 0)
			continue;
		if ((s = store_prepare(st, "INSERT OR REPLACE INTO outbox_parts"
		    " (outbox_id, part, transport, reference, sent_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5)")) == NULL)
			return (-1);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int(s, 2, i + 1);
		sqlite3_bind_text(s, 3, transport, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, refs[i]);
		sqlite3_bind_int64(s, 5, now);
		if (sqlite3_step(s) != SQLITE_DONE) {
			log_warnx("store: outbox parts: %s",
			    sqlite3_errmsg(store_db(st)));
			sqlite3_reset(s);
			return (-1);
		}
		sqlite3_reset(s);
	}
	return (0);
}

/*
 * Records a delivery report for reference on transport: the newest part
 * with it becomes delivered or failed (a final state is kept).  Fills
 * *id with its message and *settled with 1 when every part is delivered,
 * -1 when a part failed, 0 while some part has no report yet.  Returns 1
 * when a part matched, 0 when none did, -1 on error.
 */
int
store_outbox_part_delivery(struct store *st, const char *transport,
    int reference, int delivered, int64_t *id, int *part, int *settled)
{
	sqlite3_stmt	*s;
	int		 rc, total, ok, bad;

	if ((s = store_prepare(st, "SELECT outbox_id, part FROM outbox_parts"
	    " WHERE transport = ?1 AND reference = ?2"
	    " ORDER BY sent_at DESC, rowid DESC LIMIT 1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, transport, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, reference);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*part = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return (rc == SQLITE_DONE ? 0 : -1);
	if ((s = store_prepare(st, "UPDATE outbox_parts SET status = ?3"
	    " WHERE outbox_id = ?1 AND part = ?2 AND status IS NULL")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, *id);
	sqlite3_bind_int(s, 2, *part);
	sqlite3_bind_text(s, 3, delivered ? "delivered" : "failed", -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	if ((s = store_prepare(st, "SELECT count(*),"
	    " count(CASE WHEN status = 'delivered' THEN 1 END),"
	    " count(CASE WHEN status = 'failed' THEN 1 END)"
	    " FROM outbox_parts WHERE outbox_id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, *id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return (-1);
	}
	total = sqlite3_column_int(s, 0);
	ok = sqlite3_column_int(s, 1);
	bad = sqlite3_column_int(s, 2);
	sqlite3_reset(s);
	*settled = bad > 0 ? -1 : ok == total ? 1 : 0;
	return (1);
}
