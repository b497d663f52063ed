/*
 * tinbao: incidents in the store (cases.incident_id and table incidents,
 * sql/008_pool.sql): urgent reports of one school and category joined to
 * the first report's case, and what the responders were told of them.
 * handlers/incident.c decides; these only read and write.
 */
#include <string.h>

#include "store.h"

/*
 * Finds the open urgent case, first of its incident, of this school and
 * category created since since, other than case_id.  Returns its id, 0
 * when there is none, -1 on error.
 */
int64_t
store_incident_find(struct store *st, const char *school,
    const char *category, int64_t since, int64_t case_id)
{
	sqlite3_stmt	*s;
	int64_t		 id = 0;
	int		 rc;

	if ((s = store_prepare(st, "SELECT id FROM cases WHERE school = ?1"
	    " AND category = ?2 AND created_at >= ?3 AND urgent = 1"
	    " AND incident_id IS NULL AND status <> 'closed' AND id <> ?4"
	    " ORDER BY created_at, id LIMIT 1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, school, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, category, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, since);
	sqlite3_bind_int64(s, 4, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? id : -1);
}

/* Runs one statement binding two ids; 0, or -1. */
static int
store_incident_exec(struct store *st, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: incident: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

/* Joins case_id to lead's incident and counts it; 0, or -1. */
int
store_incident_join(struct store *st, int64_t case_id, int64_t lead)
{
	if (store_incident_exec(st, "UPDATE cases SET incident_id = ?2"
	    " WHERE id = ?1", case_id, lead) == -1)
		return (-1);
	return (store_incident_exec(st, "INSERT INTO incidents (case_id,"
	    " joined) VALUES (?1, ?2) ON CONFLICT (case_id) DO UPDATE SET"
	    " joined = joined + 1", lead, 1));
}

/*
 * Takes case_id out of its incident; *lead is the incident's first case.
 * Returns 1, 0 when it was in none, -1 on error.
 */
int
store_incident_split(struct store *st, int64_t case_id, int64_t *lead)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "SELECT incident_id FROM cases WHERE"
	    " id = ?1 AND incident_id IS NOT NULL")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*lead = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return (rc == SQLITE_DONE ? 0 : -1);
	if (store_incident_exec(st, "UPDATE cases SET incident_id = NULL"
	    " WHERE id = ?1 AND ?2 = ?2", case_id, 0) == -1 ||
	    store_incident_exec(st, "UPDATE incidents SET joined = joined - 1,"
	    " told = MIN(told, joined - 1) WHERE case_id = ?1 AND ?2 = ?2",
	    *lead, 0) == -1)
		return (-1);
	return (1);
}

/*
 * Calls cb(lead, untold, arg) for each incident with joined reports the
 * responders were not told of, last told before since (or never).
 * Returns how many, or -1.
 */
int
store_incident_due(struct store *st, int64_t since,
    int (*cb)(int64_t, int, void *), void *arg)
{
	sqlite3_stmt	*s;
	int64_t		 ids[64];
	int		 untold[64], n = 0, i, rc;

	/* Collected first: cb writes, and this statement must be reset. */
	if ((s = store_prepare(st, "SELECT case_id, joined - told FROM"
	    " incidents WHERE joined > told AND (told_at IS NULL OR"
	    " told_at <= ?1) ORDER BY case_id LIMIT 64")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(s, 0);
		untold[n++] = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (-1);
	for (i = 0; i < n; i++)
		if (cb(ids[i], untold[i], arg) == -1)
			return (-1);
	return (n);
}

/* Notes that the responders of lead's incident know of all joined. */
int
store_incident_told(struct store *st, int64_t lead, int64_t now)
{
	return (store_incident_exec(st, "UPDATE incidents SET told = joined,"
	    " told_at = ?2 WHERE case_id = ?1", lead, now));
}

/* Calls cb for each contact an alert of case_id was queued for. */
int
store_incident_alerted(struct store *st, int64_t case_id,
    int (*cb)(const struct contact *, void *), void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, "SELECT DISTINCT c.id, c.name, c.phone,"
	    " c.role, COALESCE(c.school, ''), c.commune, c.level, c.pin_mac"
	    " FROM outbox o JOIN contacts c ON c.id = o.contact_id"
	    " WHERE o.case_id = ?1 AND o.kind = 'alert' ORDER BY c.id")) ==
	    NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	return (store_contact_iter(st, s, cb, arg));
}
