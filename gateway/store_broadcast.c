/*
 * tinbao: the SQL of awareness messages (broadcast.c): groups.csv's rows,
 * a broadcast and its messages, the delivery counts, and moving queued
 * broadcast messages out of quiet hours.
 */
#include <stdint.h>
#include <string.h>

#include "store.h"

/* Empties a group before its rows are written again (one transaction). */
int
store_group_clear(struct store *st, const char *group)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "DELETE FROM groups WHERE name = ?1")) ==
	    NULL)
		return (-1);
	sqlite3_bind_text(s, 1, group, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Adds one member to a group (the same phone twice is one row). */
int
store_group_add(struct store *st, const char *group, const char *phone,
    const char *person)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO groups (name, phone, person)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (name, phone) DO UPDATE SET"
	    " person = excluded.person")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, person, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Calls cb(phone) for each member of a group.  Returns the count or -1. */
int
store_group_members(struct store *st, const char *group,
    int (*cb)(const char *, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_prepare(st, "SELECT phone FROM groups WHERE name = ?1"
	    " ORDER BY phone")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, group, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0), arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? n : -1);
}

/* Records a broadcast; returns its id or -1. */
int64_t
store_broadcast_add(struct store *st, const struct broadcast *b)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO broadcasts (target, text,"
	    " recipients, skipped, parts, send_at, created_by, created_at,"
	    " status, group_name, role, commune)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")) ==
	    NULL)
		return (-1);
	sqlite3_bind_text(s, 9, b->status != NULL ? b->status : "queued", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 10, b->group, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, b->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, b->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 1, b->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, b->text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, b->recipients);
	sqlite3_bind_int(s, 4, b->skipped);
	sqlite3_bind_int(s, 5, b->parts);
	sqlite3_bind_int64(s, 6, b->send_at);
	sqlite3_bind_text(s, 7, b->created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, b->created_at);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	return (sqlite3_last_insert_rowid(store_db(st)));
}

/* Links an outbox row to its broadcast and holds it until send_at. */
int
store_broadcast_link(struct store *st, int64_t bid, int64_t outbox_id,
    int64_t send_at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "INSERT INTO broadcast_messages"
	    " (broadcast_id, outbox_id) VALUES (?1, ?2)")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, bid);
	sqlite3_bind_int64(s, 2, outbox_id);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	if ((s = store_prepare(st, "UPDATE outbox SET next_at = ?2"
	    " WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, outbox_id);
	sqlite3_bind_int64(s, 2, send_at);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Calls cb for each broadcast (id 0), or the one with that id, newest
 * first, with its delivery counts: n[0] queued (or sending), n[1] sent,
 * n[2] delivered, n[3] failed.  Returns how many, or -1.
 */
int
store_broadcast_get(struct store *st, int64_t id,
    int (*cb)(const struct broadcast *, const int64_t[4], void *), void *arg)
{
	sqlite3_stmt		*s;
	struct broadcast	 b;
	int64_t			 n[4];
	int			 rc, k, cnt = 0;

	if ((s = store_prepare(st, "SELECT b.id, b.target, b.text,"
	    " b.recipients, b.skipped, b.parts, b.send_at, b.created_by,"
	    " b.created_at, coalesce(sum(o.status IN ('queued', 'sending')), 0),"
	    " coalesce(sum(o.status = 'sent'), 0),"
	    " coalesce(sum(o.status = 'delivered'), 0),"
	    " coalesce(sum(o.status = 'failed'), 0), b.status, b.approved_by,"
	    " b.group_name, b.role, b.commune"
	    " FROM broadcasts b LEFT JOIN broadcast_messages m"
	    " ON m.broadcast_id = b.id LEFT JOIN outbox o ON o.id = m.outbox_id"
	    " WHERE ?1 = 0 OR b.id = ?1 GROUP BY b.id ORDER BY b.id DESC")) ==
	    NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&b, 0, sizeof(b));
		b.id = sqlite3_column_int64(s, 0);
		b.target = (const char *)sqlite3_column_text(s, 1);
		b.text = (const char *)sqlite3_column_text(s, 2);
		b.recipients = sqlite3_column_int(s, 3);
		b.skipped = sqlite3_column_int(s, 4);
		b.parts = sqlite3_column_int(s, 5);
		b.send_at = sqlite3_column_int64(s, 6);
		b.created_by = (const char *)sqlite3_column_text(s, 7);
		b.created_at = sqlite3_column_int64(s, 8);
		for (k = 0; k < 4; k++)
			n[k] = sqlite3_column_int64(s, 9 + k);
		b.status = (const char *)sqlite3_column_text(s, 13);
		b.approved_by = (const char *)sqlite3_column_text(s, 14);
		b.group = (const char *)sqlite3_column_text(s, 15);
		b.role = (const char *)sqlite3_column_text(s, 16);
		b.commune = (const char *)sqlite3_column_text(s, 17);
		cnt++;
		if (cb(&b, n, arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? cnt : -1);
}

/* Every broadcast, newest first, with its delivery counts. */
int
store_broadcast_list(struct store *st, int (*cb)(const struct broadcast *,
    const int64_t[4], void *), void *arg)
{
	return (store_broadcast_get(st, 0, cb, arg));
}

/*
 * Decides a pending broadcast: status queued (with b's recipients, skipped
 * and send_at as listed at approval) or rejected, by who.  Returns 1 when
 * it was pending, 0 when not, -1 on error.
 */
int
store_broadcast_decide(struct store *st, int64_t id, const char *status,
    const char *who, const struct broadcast *b)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "UPDATE broadcasts SET status = ?2,"
	    " approved_by = ?3, recipients = ?4, skipped = ?5, send_at = ?6"
	    " WHERE id = ?1 AND status = 'pending'")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, b->recipients);
	sqlite3_bind_int(s, 5, b->skipped);
	sqlite3_bind_int64(s, 6, b->send_at);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	return (sqlite3_changes(store_db(st)) > 0);
}

/*
 * Takes back the queued broadcast messages to a number that sent STOP:
 * failed, with the reason.  Returns how many, or -1.
 */
int
store_broadcast_cancel(struct store *st, const char *number)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "UPDATE outbox SET status = 'failed',"
	    " error = 'STOP' WHERE kind = 'broadcast' AND status = 'queued'"
	    " AND number = ?1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	return (sqlite3_changes(store_db(st)));
}

/*
 * Moves the queued broadcast messages due before until to until (the end
 * of quiet hours).  Returns how many moved, or -1.
 */
int
store_broadcast_defer(struct store *st, int64_t until)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "UPDATE outbox SET next_at = ?1"
	    " WHERE kind = 'broadcast' AND status = 'queued'"
	    " AND next_at < ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, until);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	return (sqlite3_changes(store_db(st)));
}
