/*
 * tinbao: the store (SQLite).
 *
 * This file owns the database connection.  Every statement is static text
 * here, prepared once on first use, reset after each use and finalized at
 * close: the hot paths (intake, outbox) by an enum into store_sql[], the
 * others, and the other store files', by their SQL text through
 * store_prepare() (store.h).  Every value goes through sqlite3_bind_*.
 * The database runs in WAL mode with synchronous=FULL, so a committed
 * report survives a power cut, and a busy timeout, so an operator's sqlite3
 * shell cannot stall the daemon.  Writes are short transactions begun
 * with BEGIN IMMEDIATE.
 *
 * The schema is the list of numbered migrations in sql/, compiled in; the
 * schema version is PRAGMA user_version.  tinbao refuses to run on a
 * database that is older (run `tinbao db migrate`) or newer than itself.
 *
 * Idempotency lives in the schema: message_parts.dedup_key is UNIQUE, so the
 * same SMS read twice (a crash between commit and delete, or seen by both a
 * notification and a poll) is recognised and becomes one case.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "category.h"

#define STORE_BUSY_MS		5000
#define STORE_SLOW_MS		200	/* log statements slower than this */

enum store_stmt {
	S_PART_SEEN,
	S_REPORTER_BY_HASH,
	S_REPORTER_INSERT,
	S_REPORTER_GET,
	S_MESSAGE_INSERT,
	S_MESSAGE_FIND_INCOMPLETE,
	S_MESSAGE_UPDATE,
	S_MESSAGE_GET,
	S_MESSAGE_SET_CASE,
	S_PART_INSERT,
	S_PARTS_OF,
	S_CASE_INSERT,
	S_CASE_SET_TEXT,
	S_CASE_BY_CODE,
	S_CASE_BY_ID,
	S_EVENT_INSERT,
	S_OUTBOX_INSERT,
	S_OUTBOX_NEXT,
	S_OUTBOX_SET_SENDING,
	S_OUTBOX_SET_DONE,
	S_OUTBOX_SET_RETRY,
	S_OUTBOX_RECOVER,
	S_EVENTS_OF,
	S_OUTBOX_COUNT,
	S_CONTACT_BY_PHONE,
	S_CONTACT_UPSERT,
	S_SCHOOL_UPSERT,
	S_SCHOOL_GET,
	S_CASE_BY_ID_FULL,
	S_CASE_ACK,
	S_CASE_CLOSE,
	S_CASE_SET_ESC,
	S_CASE_ESC_CAS,
	S_CASE_RECENT,
	S_REPORTER_BUCKET,
	S_REPORTER_SET_BUCKET,
	S_REPORTER_SET_SILENT,
	S_ROUTE,
	S_ALERTED,
	S_CONTACT_BY_ID,
	S_OUTBOX_BY_REF,
	S_OUTBOX_DELIVERED,
	S_MAX
};

static const char *store_sql[S_MAX] = {
	[S_PART_SEEN] =
	    "SELECT message_id FROM message_parts WHERE dedup_key = ?1",
	[S_REPORTER_BY_HASH] =
	    "SELECT id, alias, silent FROM reporters WHERE number_hash = ?1",
	[S_REPORTER_INSERT] =
	    "INSERT INTO reporters (number_hash, number_enc, alias, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[S_REPORTER_GET] =
	    "SELECT number_enc, alias, silent FROM reporters WHERE id = ?1",
	[S_MESSAGE_INSERT] =
	    "INSERT INTO messages (direction, transport, reporter_id, case_id,"
	    " text, flags, concat_ref, parts_total, parts_have, smsc_time,"
	    " created_at, contact_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[S_MESSAGE_FIND_INCOMPLETE] =
	    "SELECT id FROM messages WHERE direction = 'in'"
	    " AND reporter_id IS ?1 AND contact_id IS ?6"
	    " AND concat_ref = ?2 AND parts_total = ?3"
	    " AND parts_have < parts_total AND created_at >= ?4"
	    " AND NOT EXISTS (SELECT 1 FROM message_parts p"
	    "  WHERE p.message_id = messages.id AND p.partno = ?5)"
	    " ORDER BY id DESC LIMIT 1",
	[S_MESSAGE_UPDATE] =
	    "UPDATE messages SET text = ?2, parts_have = ?3, flags = ?4,"
	    " case_id = ?5 WHERE id = ?1",
	[S_MESSAGE_GET] =
	    "SELECT case_id, flags, parts_total FROM messages WHERE id = ?1",
	[S_MESSAGE_SET_CASE] =
	    "UPDATE messages SET case_id = ?2 WHERE id = ?1",
	[S_PART_INSERT] =
	    "INSERT INTO message_parts (message_id, partno, dedup_key, text)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[S_PARTS_OF] =
	    "SELECT partno, text FROM message_parts WHERE message_id = ?1"
	    " ORDER BY partno",
	[S_CASE_INSERT] =
	    "INSERT INTO cases (code, category, urgent, school, matched, source,"
	    " reporter_id, text, created_at, updated_at, contact_id,"
	    " confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10,"
	    " ?11)",
	[S_CASE_SET_TEXT] =
	    "UPDATE cases SET text = ?2, updated_at = ?3 WHERE id = ?1",
	[S_CASE_BY_CODE] =
	    CASE_COLUMNS " FROM cases c"
	    " LEFT JOIN reporters r ON r.id = c.reporter_id WHERE c.code = ?1",
	[S_CASE_BY_ID] =
	    "SELECT code FROM cases WHERE id = ?1",
	[S_EVENT_INSERT] =
	    "INSERT INTO events (case_id, at, type, detail)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[S_OUTBOX_INSERT] =
	    "INSERT INTO outbox (case_id, reporter_id, number, text, kind,"
	    " priority, charset, next_at, created_at, contact_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
	[S_OUTBOX_NEXT] =
	    "SELECT id, case_id, reporter_id, number, text, kind, charset,"
	    " attempts, priority FROM outbox WHERE status = 'queued'"
	    " AND next_at <= ?1"
	    " AND priority <= ?2 ORDER BY priority, next_at, id LIMIT 1",
	[S_OUTBOX_SET_SENDING] =
	    "UPDATE outbox SET status = 'sending', attempts = attempts + 1"
	    " WHERE id = ?1 AND status = 'queued'",
	[S_OUTBOX_SET_DONE] =
	    "UPDATE outbox SET status = CASE WHEN status IN ('delivered',"
	    " 'failed') AND ?2 = 'sent' THEN status ELSE ?2 END,"
	    " error = COALESCE(?3, error), parts = ?4,"
	    " reference = ?5, sent_at = ?6 WHERE id = ?1",
	[S_OUTBOX_SET_RETRY] =
	    "UPDATE outbox SET status = 'queued', error = ?2, next_at = ?3"
	    " WHERE id = ?1",
	[S_OUTBOX_RECOVER] =
	    "UPDATE outbox SET status = 'queued' WHERE status = 'sending'"
	    " AND id NOT IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	    " ?12, ?13, ?14, ?15, ?16)",
	[S_EVENTS_OF] =
	    "SELECT at, type, detail FROM events WHERE case_id = ?1"
	    " ORDER BY at, id",
	[S_OUTBOX_COUNT] =
	    "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')",
	[S_CONTACT_BY_PHONE] =
	    "SELECT id, name, phone, role, COALESCE(school, ''), commune,"
	    " level, pin_mac FROM contacts WHERE phone = ?1",
	[S_CONTACT_UPSERT] =
	    "INSERT INTO contacts (name, phone, role, school, commune, level,"
	    " pin_mac, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (phone) DO UPDATE SET name = excluded.name,"
	    " role = excluded.role, school = excluded.school,"
	    " commune = excluded.commune, level = excluded.level,"
	    " pin_mac = excluded.pin_mac, updated_at = excluded.updated_at",
	[S_SCHOOL_UPSERT] =
	    "INSERT INTO schools (code, name, commune, level, aliases)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET"
	    " name = excluded.name, commune = excluded.commune,"
	    " level = excluded.level, aliases = excluded.aliases",
	[S_CASE_BY_ID_FULL] =
	    CASE_COLUMNS " FROM cases c"
	    " LEFT JOIN reporters r ON r.id = c.reporter_id WHERE c.id = ?1",
	[S_CASE_ACK] =
	    "UPDATE cases SET status = 'acknowledged', ack_contact_id = ?2,"
	    " esc_at = NULL, updated_at = ?3 WHERE id = ?1 AND status = 'open'",
	[S_CASE_CLOSE] =
	    "UPDATE cases SET status = 'closed', outcome = ?2, esc_at = NULL,"
	    " ack_contact_id = COALESCE(ack_contact_id, ?4), updated_at = ?3"
	    " WHERE id = ?1 AND status <> 'closed'",
	[S_CASE_SET_ESC] =
	    "UPDATE cases SET esc_step = ?2, esc_at = ?3 WHERE id = ?1",
	[S_CASE_ESC_CAS] =
	    "UPDATE cases SET esc_step = ?3, esc_at = ?4 WHERE id = ?1"
	    " AND esc_step = ?2 AND status = 'open'",
	[S_CASE_RECENT] =
	    "SELECT id FROM cases WHERE reporter_id = ?1 AND created_at >= ?2"
	    " AND status <> 'closed' AND (?3 IS NULL OR text = ?3)"
	    " ORDER BY id DESC LIMIT 1",
	[S_REPORTER_BUCKET] =
	    "SELECT bucket, bucket_at FROM reporters WHERE id = ?1",
	[S_REPORTER_SET_BUCKET] =
	    "UPDATE reporters SET bucket = ?2, bucket_at = ?3 WHERE id = ?1",
	[S_REPORTER_SET_SILENT] =
	    "UPDATE reporters SET silent = ?2 WHERE id = ?1",
	[S_ROUTE] =
	    "SELECT id, name, phone, role, COALESCE(school, ''), commune,"
	    " level, pin_mac FROM contacts WHERE"
	    " (role = 'police' AND level = ?1 AND (?2 IS NULL OR commune = ?2"
	    "   OR (?1 > 1 AND commune = '')))"
	    " OR (role = 'bureau' AND level = ?1)"
	    " OR (?1 = 1 AND role = 'principal' AND school = ?3)"
	    " OR (?1 = 1 AND ?4 AND role = 'counselor' AND school = ?3)"
	    /* The police, who can act, first; the Bureau last (SPEC 7). */
	    " ORDER BY CASE role WHEN 'police' THEN 0 WHEN 'principal' THEN 1"
	    " WHEN 'counselor' THEN 2 ELSE 3 END, commune = '', id",
	[S_ALERTED] =
	    "SELECT DISTINCT c.id, c.name, c.phone, c.role,"
	    " COALESCE(c.school, ''), c.commune, c.level, c.pin_mac"
	    " FROM outbox o JOIN contacts c ON c.id = o.contact_id"
	    " WHERE o.case_id = ?1 AND o.kind = 'alert' AND c.role = ?2"
	    " ORDER BY c.id",
	[S_CONTACT_BY_ID] =
	    "SELECT id, name, phone, role, COALESCE(school, ''), commune,"
	    " level, pin_mac FROM contacts WHERE id = ?1",
	[S_OUTBOX_BY_REF] =
	    "SELECT id, COALESCE(case_id, 0) FROM outbox WHERE reference = ?1"
	    " AND status = 'sent' ORDER BY sent_at DESC LIMIT 1",
	[S_OUTBOX_DELIVERED] =
	    "UPDATE outbox SET status = ?2, delivered_at = ?3,"
	    " error = COALESCE(?4, error) WHERE id = ?1"
	    " AND status IN ('sending', 'sent')",
	[S_SCHOOL_GET] =
	    "SELECT code, name, commune, level, aliases FROM schools"
	    " WHERE code = ?1",
};

/* One statement of store_prepare's cache, by its SQL text. */
struct store_cached {
	char		*sql;
	sqlite3_stmt	*stmt;
};

struct store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stmt[S_MAX];
	struct store_cached *cache;
	size_t		 ncache;
	size_t		 cachecap;
	int		 in_tx;
	int		 batch;		/* in a group commit: see store_batch_* */
	int		 batch_ready;	/* temp_store set for savepoints */
};

static sqlite3_stmt	*store_stmt(struct store *, enum store_stmt);
static int		 store_busy_ms(void);
static int		 store_sp_begin(struct store *);
static int		 store_sp_release(struct store *);
static void		 store_sp_rollback(struct store *);
static int		 store_exec(struct store *, const char *);
static int		 store_user_version(struct store *, int *);
static void		 store_case_search_bind(sqlite3_stmt *,
			    const struct case_filter *, const char *);
static int		 store_step_done(struct store *, sqlite3_stmt *,
			    const char *);

/* Returns the schema version this binary expects. */
int
store_schema_version(void)
{
	if (nmigrations == 0)
		return (0);
	return (migrations[nmigrations - 1].version);
}

/*
 * Opens the database.  With create, a missing file is created (for `db
 * init`); without it a missing file is an error naming the command to run.
 */
struct store *
store_open(const char *path, int create)
{
	struct store	*st;
	int		 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
	int		 rc;

	if (!create && access(path, F_OK) == -1) {
		log_warnx("database=%s does not exist; run 'tinbao db init'",
		    path);
		return (NULL);
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		log_warnx("database=%s open failed: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, store_busy_ms());
	/* A corrupt or foreign file fails here, with SQLite's own words. */
	if (store_exec(st, "PRAGMA journal_mode = WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous = FULL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys = ON") == -1)
		goto fail;
	return (st);
fail:
	store_close(st);
	return (NULL);
}

/* Finalizes every statement and closes the connection. */
void
store_close(struct store *st)
{
	size_t	 n;
	int	 i;

	if (st == NULL)
		return;
	for (i = 0; i < S_MAX; i++)
		if (st->stmt[i] != NULL)
			sqlite3_finalize(st->stmt[i]);
	for (n = 0; n < st->ncache; n++) {
		sqlite3_finalize(st->cache[n].stmt);
		free(st->cache[n].sql);
	}
	free(st->cache);
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/* Returns the connection, for the store's files only (store.h). */
sqlite3 *
store_db(struct store *st)
{
	return (st->db);
}

/*
 * Returns the statement for this SQL text, prepared on its first use and
 * kept until store_close, reset and with no bindings; NULL (logged) when
 * it does not prepare.  The caller resets it after use.
 */
sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;
	size_t		 i;

	for (i = 0; i < st->ncache; i++) {
		if (strcmp(st->cache[i].sql, sql) != 0)
			continue;
		s = st->cache[i].stmt;
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (s);
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		log_warnx("database=%s prepare failed: %s", st->path,
		    sqlite3_errmsg(st->db));
		return (NULL);
	}
	if (st->ncache == st->cachecap) {
		st->cachecap = st->cachecap ? st->cachecap * 2 : 32;
		st->cache = xreallocarray(st->cache, st->cachecap,
		    sizeof(*st->cache));
	}
	st->cache[st->ncache].sql = xstrdup(sql);
	st->cache[st->ncache].stmt = s;
	st->ncache++;
	return (s);
}

static int
store_exec(struct store *st, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		/*
		 * A damaged page of the schema itself fails the first
		 * statement, before the start-up quick_check: say it as
		 * that check would (store_fault.c).
		 */
		if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CORRUPT)
			log_warnx("database=%s is damaged (%s): stop here, keep "
			    "the file, restore the last 'tinbao backup' copy",
			    st->path, err ? err : sqlite3_errmsg(st->db));
		else
			log_warnx("database=%s: %s: %s", st->path, sql,
			    err ? err : sqlite3_errmsg(st->db));
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

static int
store_user_version(struct store *st, int *version)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK) {
		log_warnx("database=%s: %s", st->path, sqlite3_errmsg(st->db));
		return (-1);
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		log_warnx("database=%s: %s", st->path, sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return (-1);
	}
	*version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return (0);
}

/*
 * Applies every migration newer than the database, each in its own
 * transaction together with the new user_version.  Reports the versions
 * before and after.  A database newer than this binary is refused.
 */
int
store_migrate(struct store *st, int *from, int *to)
{
	int	 version;
	size_t	 i;
	char	 pragma[64];

	if (store_user_version(st, &version) == -1)
		return (-1);
	*from = *to = version;
	if (version > store_schema_version()) {
		log_warnx("database=%s has schema version %d, newer than this "
		    "tinbao (%d); upgrade tinbao", st->path, version,
		    store_schema_version());
		return (-1);
	}
	for (i = 0; i < nmigrations; i++) {
		if (migrations[i].version <= version)
			continue;
		if (store_exec(st, "BEGIN IMMEDIATE") == -1)
			return (-1);
		(void)snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    migrations[i].version);
		if (store_exec(st, migrations[i].sql) == -1 ||
		    store_exec(st, pragma) == -1) {
			log_warnx("database=%s migration=%s failed", st->path,
			    migrations[i].name);
			(void)store_exec(st, "ROLLBACK");
			return (-1);
		}
		if (store_exec(st, "COMMIT") == -1)
			return (-1);
		log_info("database=%s migration=%s applied", st->path,
		    migrations[i].name);
		*to = migrations[i].version;
	}
	return (0);
}

/* Checks that the database has exactly the schema this binary expects. */
int
store_check_version(struct store *st)
{
	int	 version;

	if (store_user_version(st, &version) == -1)
		return (-1);
	if (version == store_schema_version())
		return (0);
	if (version == 0)
		log_warnx("database=%s is not a tinbao database (no schema); "
		    "run 'tinbao db init'", st->path);
	else if (version < store_schema_version())
		log_warnx("database=%s has schema version %d, this tinbao "
		    "needs %d; run 'tinbao db migrate'", st->path, version,
		    store_schema_version());
	else
		log_warnx("database=%s has schema version %d, newer than this "
		    "tinbao (%d); upgrade tinbao", st->path, version,
		    store_schema_version());
	return (-1);
}

/* Begins a write transaction. */
int
store_begin(struct store *st)
{
	if (st->batch)
		return (store_sp_begin(st));
	if (store_exec(st, "BEGIN IMMEDIATE") == -1)
		return (-1);
	st->in_tx = 1;
	return (0);
}

/* Commits the transaction; on failure it is rolled back. */
int
store_commit(struct store *st)
{
	if (st->batch)
		return (store_sp_release(st));
	st->in_tx = 0;
	if (store_exec(st, "COMMIT") == -1) {
		(void)store_exec(st, "ROLLBACK");
		return (-1);
	}
	return (0);
}

/* Rolls the transaction back. */
void
store_rollback(struct store *st)
{
	if (!st->in_tx)
		return;
	if (st->batch) {
		store_sp_rollback(st);
		return;
	}
	st->in_tx = 0;
	(void)store_exec(st, "ROLLBACK");
}

/*
 * Group commit (the Kannel intake).  Between store_batch_begin and
 * store_batch_commit the connection holds one write transaction, and
 * store_begin/commit/rollback, as the router calls them once per message,
 * become a savepoint each: a message that fails is undone alone and the
 * others of the batch stay; nothing is durable before the one COMMIT.
 * SQLite may roll the whole transaction back on its own (I/O error, disk
 * full, no memory): store_batch_alive tells, and the batch is then lost
 * as a whole.
 */

/* The busy timeout; $TINBAO_BUSY_MS (1 to 60000) shortens it for tests. */
static int
store_busy_ms(void)
{
	const char	*e = getenv("TINBAO_BUSY_MS");
	long		 v;
	char		*end;

	if (e == NULL || *e == '\0')
		return (STORE_BUSY_MS);
	v = strtol(e, &end, 10);
	if (*end != '\0' || v < 1 || v > 60000)
		return (STORE_BUSY_MS);
	return ((int)v);
}

static int
store_sp_begin(struct store *st)
{
	if (sqlite3_get_autocommit(st->db) ||
	    store_exec(st, "SAVEPOINT msg") == -1)
		return (-1);
	st->in_tx = 1;
	return (0);
}

static int
store_sp_release(struct store *st)
{
	st->in_tx = 0;
	if (store_exec(st, "RELEASE msg") == -1) {
		if (!sqlite3_get_autocommit(st->db)) {
			(void)store_exec(st, "ROLLBACK TO msg");
			(void)store_exec(st, "RELEASE msg");
		}
		return (-1);
	}
	return (0);
}

static void
store_sp_rollback(struct store *st)
{
	st->in_tx = 0;
	if (sqlite3_get_autocommit(st->db))
		return;
	(void)store_exec(st, "ROLLBACK TO msg");
	(void)store_exec(st, "RELEASE msg");
}

/*
 * Opens the batch's write transaction.  A savepoint keeps the pages it
 * changes in a sub-journal, a temporary file by default: a pwrite per
 * first change of a page, a quarter of the intake's time under load.
 * In memory it is a copy; it holds one batch's pages at most.  The WAL
 * is checkpointed every 4000 pages rather than 1000: under a burst the
 * same index pages are copied back to the database a quarter as often.
 */
int
store_batch_begin(struct store *st)
{
	if (!st->batch_ready) {
		if (store_exec(st, "PRAGMA temp_store = MEMORY") == -1 ||
		    store_exec(st, "PRAGMA wal_autocheckpoint = 4000") == -1)
			return (-1);
		st->batch_ready = 1;
	}
	if (store_exec(st, "BEGIN IMMEDIATE") == -1)
		return (-1);
	st->batch = 1;
	return (0);
}

/* Returns 1 while the batch's transaction is still open. */
int
store_batch_alive(struct store *st)
{
	return (st->batch && !sqlite3_get_autocommit(st->db));
}

/* Commits the batch, all or nothing; on failure nothing of it is kept. */
int
store_batch_commit(struct store *st)
{
	st->batch = 0;
	st->in_tx = 0;
	if (sqlite3_get_autocommit(st->db))
		return (-1);	/* SQLite already rolled it back */
	if (store_exec(st, "COMMIT") == -1) {
		if (!sqlite3_get_autocommit(st->db))
			(void)store_exec(st, "ROLLBACK");
		return (-1);
	}
	return (0);
}

/* Abandons the batch. */
void
store_batch_rollback(struct store *st)
{
	st->batch = 0;
	st->in_tx = 0;
	if (!sqlite3_get_autocommit(st->db))
		(void)store_exec(st, "ROLLBACK");
}

static sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt which)
{
	sqlite3_stmt	*s = st->stmt[which];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, store_sql[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
			log_warnx("database=%s prepare failed: %s",
			    st->path, sqlite3_errmsg(st->db));
			return (NULL);
		}
		st->stmt[which] = s;
	}
	return (s);
}

/* Steps a statement that returns no row, then resets it. */
static int
store_step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	 rc = sqlite3_step(s);

	if (rc != SQLITE_DONE) {
		log_warnx("database=%s %s failed: %s", st->path, what,
		    sqlite3_errmsg(st->db));
		sqlite3_reset(s);
		return (-1);
	}
	sqlite3_reset(s);
	return (0);
}

/* Returns the message holding a part with this dedup key, 0 if none, -1. */
int64_t
store_part_seen(struct store *st, const unsigned char key[32])
{
	sqlite3_stmt	*s = store_stmt(st, S_PART_SEEN);
	int64_t		 id = 0;
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_blob(s, 1, key, 32, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_reset(s);
	return (id);
}

/*
 * Finds the reporter for a number without creating one.  Returns the id,
 * 0 when the number is not a known reporter, or -1.
 */
int64_t
store_reporter_lookup(struct store *st, const struct secret *sec,
    const char *number, char *alias, size_t aliassz, int *silent)
{
	sqlite3_stmt	*s;
	unsigned char	 hash[32];
	int64_t		 id = 0;
	int		 rc;

	number_hash(sec, number, hash);
	if ((s = store_stmt(st, S_REPORTER_BY_HASH)) == NULL)
		return (-1);
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		(void)strlcpy_checked(alias,
		    (const char *)sqlite3_column_text(s, 1), aliassz);
		*silent = sqlite3_column_int(s, 2);
	} else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_reset(s);
	return (id);
}

/*
 * Finds the reporter for a number, or creates one with the number sealed.
 * Fills the alias and the silent flag.  Returns the reporter id or -1.
 */
int64_t
store_reporter_get(struct store *st, const struct secret *sec,
    const char *number, char *alias, size_t aliassz, int *silent)
{
	sqlite3_stmt	*s;
	unsigned char	 hash[32], *box;
	size_t		 boxlen;
	int64_t		 id = -1;
	int		 rc;

	if ((id = store_reporter_lookup(st, sec, number, alias, aliassz,
	    silent)) != 0)
		return (id);
	number_hash(sec, number, hash);
	if (number_seal(sec, number, &box, &boxlen) == -1)
		return (-1);
	number_alias(hash, alias, aliassz);
	*silent = 0;
	if ((s = store_stmt(st, S_REPORTER_INSERT)) == NULL) {
		free(box);
		return (-1);
	}
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 2, box, boxlen, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, alias, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, time(NULL));
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		/* Two hashes share an alias prefix: lengthen it. */
		char	 longer[32];

		(void)snprintf(longer, sizeof(longer), "%s%02X%02X", alias,
		    hash[6], hash[7]);
		(void)strlcpy_checked(alias, longer, aliassz);
		sqlite3_bind_text(s, 3, alias, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	free(box);
	if (rc != SQLITE_DONE) {
		log_warnx("database=%s reporter insert failed: %s", st->path,
		    sqlite3_errmsg(st->db));
		return (-1);
	}
	return (sqlite3_last_insert_rowid(st->db));
}

/*
 * Reads a reporter's number back (for sending a reply) into buf, with the
 * alias and silent flag.  Returns 0, or -1 when it is gone or unreadable.
 */
int
store_reporter_number(struct store *st, const struct secret *sec, int64_t id,
    char *buf, size_t bufsz, char *alias, size_t aliassz, int *silent)
{
	sqlite3_stmt	*s = store_stmt(st, S_REPORTER_GET);
	int		 rc, ret = -1;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		(void)strlcpy_checked(alias,
		    (const char *)sqlite3_column_text(s, 1), aliassz);
		*silent = sqlite3_column_int(s, 2);
		if (sqlite3_column_type(s, 0) == SQLITE_BLOB)
			ret = number_open(sec, sqlite3_column_blob(s, 0),
			    sqlite3_column_bytes(s, 0), buf, bufsz);
	}
	sqlite3_reset(s);
	return (ret);
}

/* Inserts a message row and returns its id, or -1. */
int64_t
store_message_add(struct store *st, const struct store_message *m)
{
	sqlite3_stmt	*s = store_stmt(st, S_MESSAGE_INSERT);

	if (s == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, m->direction, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, m->transport, -1, SQLITE_STATIC);
	if (m->reporter_id > 0)
		sqlite3_bind_int64(s, 3, m->reporter_id);
	else
		sqlite3_bind_null(s, 3);
	if (m->case_id > 0)
		sqlite3_bind_int64(s, 4, m->case_id);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, m->text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, m->flags);
	sqlite3_bind_int(s, 7, m->concat_ref);
	sqlite3_bind_int(s, 8, m->parts_total);
	sqlite3_bind_int(s, 9, m->parts_have);
	sqlite3_bind_int64(s, 10, m->smsc_time);
	sqlite3_bind_int64(s, 11, m->created_at);
	if (m->contact_id > 0)
		sqlite3_bind_int64(s, 12, m->contact_id);
	else
		sqlite3_bind_null(s, 12);
	if (store_step_done(st, s, "message insert") == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

/*
 * Finds a recent incomplete message from the same reporter with the same
 * concatenation reference that still lacks part partno; 0 when none.
 */
int64_t
store_message_find_incomplete(struct store *st, int64_t reporter_id,
    int64_t contact_id, int concat_ref, int parts_total, int partno,
    int64_t since)
{
	sqlite3_stmt	*s = store_stmt(st, S_MESSAGE_FIND_INCOMPLETE);
	int64_t		 id = 0;
	int		 rc;

	if (s == NULL)
		return (-1);
	if (reporter_id > 0)
		sqlite3_bind_int64(s, 1, reporter_id);
	else
		sqlite3_bind_null(s, 1);
	sqlite3_bind_int(s, 2, concat_ref);
	sqlite3_bind_int(s, 3, parts_total);
	sqlite3_bind_int64(s, 4, since);
	sqlite3_bind_int(s, 5, partno);
	if (contact_id > 0)
		sqlite3_bind_int64(s, 6, contact_id);
	else
		sqlite3_bind_null(s, 6);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_reset(s);
	return (id);
}

/* Reads a message's case, flags and expected part count. */
int
store_message_get(struct store *st, int64_t id, int64_t *case_id, int *flags,
    int *parts_total)
{
	sqlite3_stmt	*s = store_stmt(st, S_MESSAGE_GET);
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*case_id = sqlite3_column_int64(s, 0);
		*flags = sqlite3_column_int(s, 1);
		*parts_total = sqlite3_column_int(s, 2);
	}
	sqlite3_reset(s);
	return (rc == SQLITE_ROW ? 0 : -1);
}

/* Links a message to its case. */
int
store_message_set_case(struct store *st, int64_t id, int64_t case_id)
{
	sqlite3_stmt	*s = store_stmt(st, S_MESSAGE_SET_CASE);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, case_id);
	return (store_step_done(st, s, "message case"));
}

/* Stores one physical part of an incoming message. */
int
store_part_add(struct store *st, int64_t message_id, int partno,
    const unsigned char key[32], const char *text)
{
	sqlite3_stmt	*s = store_stmt(st, S_PART_INSERT);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, message_id);
	sqlite3_bind_int(s, 2, partno);
	sqlite3_bind_blob(s, 3, key, 32, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
	return (store_step_done(st, s, "part insert"));
}

/*
 * Rebuilds a message's text from its stored parts, in part order, updates
 * the message row (no longer incomplete once total parts are there) and
 * returns the text (the caller frees it) with the count
 * of parts present.
 */
char *
store_message_rejoin(struct store *st, int64_t id, int64_t case_id, int flags,
    int total, int *have)
{
	sqlite3_stmt	*s = store_stmt(st, S_PARTS_OF), *u;
	char		*text = xstrdup(""), *t;
	int		 n = 0;

	if (s == NULL) {
		free(text);
		return (NULL);
	}
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		xasprintf(&t, "%s%s", text,
		    (const char *)sqlite3_column_text(s, 1));
		free(text);
		text = t;
		n++;
	}
	sqlite3_reset(s);
	if ((u = store_stmt(st, S_MESSAGE_UPDATE)) == NULL) {
		free(text);
		return (NULL);
	}
	sqlite3_bind_int64(u, 1, id);
	sqlite3_bind_text(u, 2, text, -1, SQLITE_STATIC);
	if (n >= total)
		flags &= ~SMS_F_INCOMPLETE;	/* the last part came */
	sqlite3_bind_int(u, 3, n);
	sqlite3_bind_int(u, 4, flags);
	if (case_id > 0)
		sqlite3_bind_int64(u, 5, case_id);
	else
		sqlite3_bind_null(u, 5);
	if (store_step_done(st, u, "message update") == -1) {
		free(text);
		return (NULL);
	}
	*have = n;
	return (text);
}

/*
 * Creates a case with a new random code (written into c->code) and returns
 * its id.  A code collision retries; after a few, codes get longer.
 */
int64_t
store_case_add(struct store *st, struct store_case *c)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_INSERT);
	int		 tries, rc;

	if (s == NULL)
		return (-1);
	for (tries = 0; tries < 30; tries++) {
		if (casecode_generate(c->code, sizeof(c->code),
		    4 + tries / 10) == -1)
			return (-1);
		sqlite3_bind_text(s, 1, c->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, c->category, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, c->urgent);
		if (c->school[0] != '\0')
			sqlite3_bind_text(s, 4, c->school, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, 4);
		sqlite3_bind_text(s, 5, c->matched ? c->matched : "[]", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 6, c->source, -1, SQLITE_STATIC);
		if (c->reporter_id > 0)
			sqlite3_bind_int64(s, 7, c->reporter_id);
		else
			sqlite3_bind_null(s, 7);
		sqlite3_bind_text(s, 8, c->text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 9, c->created_at);
		if (c->contact_id > 0)
			sqlite3_bind_int64(s, 10, c->contact_id);
		else
			sqlite3_bind_null(s, 10);
		sqlite3_bind_double(s, 11, c->confidence);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc == SQLITE_DONE)
			return (sqlite3_last_insert_rowid(st->db));
		if (rc != SQLITE_CONSTRAINT_UNIQUE) {
			log_warnx("database=%s case insert failed: %s",
			    st->path, sqlite3_errmsg(st->db));
			return (-1);
		}
	}
	log_warnx("database=%s no free case code", st->path);
	return (-1);
}

/* Replaces a case's text (a late part arrived). */
int
store_case_set_text(struct store *st, int64_t id, const char *text,
    int64_t now)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_SET_TEXT);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	return (store_step_done(st, s, "case update"));
}

/* Adds an event to a case's timeline. */
int
store_event_add(struct store *st, int64_t case_id, int64_t at,
    const char *type, const char *detail)
{
	sqlite3_stmt	*s = store_stmt(st, S_EVENT_INSERT);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail ? detail : "", -1, SQLITE_STATIC);
	return (store_step_done(st, s, "event insert"));
}

/* Queues an outgoing SMS and returns its id, or -1. */
int64_t
store_outbox_add(struct store *st, const struct store_outmsg *o)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_INSERT);

	if (s == NULL)
		return (-1);
	if (o->case_id > 0)
		sqlite3_bind_int64(s, 1, o->case_id);
	else
		sqlite3_bind_null(s, 1);
	if (o->reporter_id > 0)
		sqlite3_bind_int64(s, 2, o->reporter_id);
	else
		sqlite3_bind_null(s, 2);
	if (o->number != NULL)
		sqlite3_bind_text(s, 3, o->number, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 3);
	sqlite3_bind_text(s, 4, o->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, o->priority);
	sqlite3_bind_int(s, 7, o->charset);
	sqlite3_bind_int64(s, 8, o->created_at);
	if (o->contact_id > 0)
		sqlite3_bind_int64(s, 9, o->contact_id);
	else
		sqlite3_bind_null(s, 9);
	if (store_step_done(st, s, "outbox insert") == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

/*
 * Takes the most urgent queued message that is due and marks it 'sending'.
 * Returns 1 with o filled (o->owned is the caller's to free), 0 when nothing
 * is due, -1 on error.
 */
int
store_outbox_take(struct store *st, int64_t now, struct store_outmsg *o)
{
	return (store_outbox_take_upto(st, now, INT_MAX, o));
}

/* The same, among messages of priority maxprio or more urgent only. */
int
store_outbox_take_upto(struct store *st, int64_t now, int maxprio,
    struct store_outmsg *o)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_NEXT), *u;
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, maxprio);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return (rc == SQLITE_DONE ? 0 : -1);
	}
	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(s, 0);
	o->case_id = sqlite3_column_int64(s, 1);
	o->reporter_id = sqlite3_column_int64(s, 2);
	if (sqlite3_column_type(s, 3) != SQLITE_NULL)
		(void)strlcpy_checked(o->numbuf,
		    (const char *)sqlite3_column_text(s, 3),
		    sizeof(o->numbuf));
	o->text = o->owned = xstrdup((const char *)sqlite3_column_text(s, 4));
	(void)strlcpy_checked(o->kindbuf,
	    (const char *)sqlite3_column_text(s, 5), sizeof(o->kindbuf));
	o->charset = sqlite3_column_int(s, 6);
	o->attempts = sqlite3_column_int(s, 7) + 1;
	o->priority = sqlite3_column_int(s, 8);
	sqlite3_reset(s);

	if ((u = store_stmt(st, S_OUTBOX_SET_SENDING)) == NULL) {
		free(o->owned);
		o->text = o->owned = NULL;
		return (-1);
	}
	sqlite3_bind_int64(u, 1, o->id);
	if (store_step_done(st, u, "outbox take") == -1) {
		free(o->owned);
		o->text = o->owned = NULL;
		return (-1);
	}
	return (1);
}

/* Records the final state of an outgoing message. */
int
store_outbox_done(struct store *st, int64_t id, const char *status,
    const char *error, int parts, int reference, int64_t now)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_SET_DONE);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	if (error != NULL)
		sqlite3_bind_text(s, 3, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 3);
	sqlite3_bind_int(s, 4, parts);
	if (reference >= 0)
		sqlite3_bind_int(s, 5, reference);
	else
		sqlite3_bind_null(s, 5);
	sqlite3_bind_int64(s, 6, now);
	return (store_step_done(st, s, "outbox done"));
}

/* Puts a message back in the queue to be retried at next_at. */
int
store_outbox_retry(struct store *st, int64_t id, const char *error,
    int64_t next_at)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_SET_RETRY);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, next_at);
	return (store_step_done(st, s, "outbox retry"));
}

/*
 * Requeues messages left 'sending', except the one in flight: after a
 * crash (they may or may not have left the modem, and at-least-once is the
 * promise for alerts), or when recording an outcome failed (a full disk).
 */
int
store_outbox_recover(struct store *st, int64_t inflight)
{
	return (store_outbox_recover_set(st, &inflight, 1));
}

/*
 * The same, except the n (at most 16) messages in flight on the
 * transports of a SIM pool.
 */
int
store_outbox_recover_set(struct store *st, const int64_t *inflight, int n)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_RECOVER);
	int		 i;

	if (s == NULL)
		return (-1);
	/* Unused places hold 0, never NULL: NOT IN with a NULL is NULL. */
	for (i = 0; i < 16; i++)
		sqlite3_bind_int64(s, i + 1, i < n ? inflight[i] : 0);
	if (store_step_done(st, s, "outbox recover") == -1)
		return (-1);
	return (sqlite3_changes(st->db));
}

/* Returns how many messages wait in the outbox, or -1. */
int
store_outbox_pending(struct store *st)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_COUNT);
	int		 n = -1;

	if (s == NULL)
		return (-1);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return (n);
}

/* Fills a case row from the current row of a CASE_COLUMNS query. */
void
store_case_fill(sqlite3_stmt *s, struct store_caserow *c)
{
	const unsigned char	*v;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	(void)strlcpy_checked(c->code, (const char *)sqlite3_column_text(s, 1),
	    sizeof(c->code));
	(void)strlcpy_checked(c->status,
	    (const char *)sqlite3_column_text(s, 2), sizeof(c->status));
	(void)strlcpy_checked(c->category,
	    (const char *)sqlite3_column_text(s, 3), sizeof(c->category));
	c->urgent = sqlite3_column_int(s, 4);
	if ((v = sqlite3_column_text(s, 5)) != NULL)
		(void)strlcpy_checked(c->school, (const char *)v,
		    sizeof(c->school));
	c->matched = xstrdup((const char *)sqlite3_column_text(s, 6));
	(void)strlcpy_checked(c->source,
	    (const char *)sqlite3_column_text(s, 7), sizeof(c->source));
	c->text = xstrdup((const char *)sqlite3_column_text(s, 8));
	c->created_at = sqlite3_column_int64(s, 9);
	c->updated_at = sqlite3_column_int64(s, 10);
	(void)strlcpy_checked(c->alias,
	    (const char *)sqlite3_column_text(s, 11), sizeof(c->alias));
	c->reporter_id = sqlite3_column_int64(s, 12);
	c->contact_id = sqlite3_column_int64(s, 13);
	c->ack_contact_id = sqlite3_column_int64(s, 14);
	c->esc_step = sqlite3_column_int(s, 15);
	c->esc_at = sqlite3_column_int64(s, 16);
	(void)strlcpy_checked(c->outcome,
	    (const char *)sqlite3_column_text(s, 17), sizeof(c->outcome));
	(void)strlcpy_checked(c->assigned,
	    (const char *)sqlite3_column_text(s, 18), sizeof(c->assigned));
	(void)strlcpy_checked(c->excluded,
	    (const char *)sqlite3_column_text(s, 19), sizeof(c->excluded));
	(void)strlcpy_checked(c->duplicate_of,
	    (const char *)sqlite3_column_text(s, 20), sizeof(c->duplicate_of));
	c->shared_at = sqlite3_column_int64(s, 21);
	c->confidence = sqlite3_column_double(s, 22);
	(void)strlcpy_checked(c->triage,
	    (const char *)sqlite3_column_text(s, 23), sizeof(c->triage));
}

/* Frees the strings of a case row. */
void
store_caserow_free(struct store_caserow *c)
{
	free(c->matched);
	free(c->text);
	c->matched = c->text = NULL;
}

/* Looks a case up by code; 1 found, 0 not found, -1 error. */
int
store_case_get(struct store *st, const char *code, struct store_caserow *c)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_BY_CODE);
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_case_fill(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Calls cb for each case matching the filters (status may be NULL, since 0
 * for all), oldest first.  Returns the count, or -1.
 */
int
store_case_list(struct store *st, const char *status, int64_t since,
    int (*cb)(const struct store_caserow *, void *), void *arg)
{
	struct case_filter	 f;

	memset(&f, 0, sizeof(f));
	f.status = status;
	f.urgent = -1;
	f.from = since;
	f.limit = -1;
	f.oldest_first = 1;
	return (store_case_search(st, &f, cb, arg, NULL));
}

/* Binds the desk's filters (?9 to ?13) of store_case_search. */
static void
store_case_search_bind(sqlite3_stmt *s, const struct case_filter *f,
    const char *match)
{
	if (f->commune != NULL)
		sqlite3_bind_text(s, 9, f->commune, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 10, f->level);
	if (f->assigned != NULL)
		sqlite3_bind_text(s, 11, f->assigned, -1, SQLITE_STATIC);
	if (f->triage != NULL)
		sqlite3_bind_text(s, 12, f->triage, -1, SQLITE_STATIC);
	if (f->text != NULL)
		sqlite3_bind_text(s, 13, match, -1, SQLITE_STATIC);
}

/*
 * Calls cb for each case matching f, newest first (or oldest first), from
 * f->offset for at most f->limit rows (-1: all); stores the number of
 * matching cases in *total when it is not NULL.
 * Returns the number of rows given to cb, or -1.
 */
int
store_case_search(struct store *st, const struct case_filter *f,
    int (*cb)(const struct store_caserow *, void *), void *arg,
    int64_t *total)
{
	static const char where[] =
	    " WHERE (?1 IS NULL OR c.status = ?1)"
	    " AND (?2 IS NULL OR c.category = ?2)"
	    " AND (?3 IS NULL OR (?3 = '' AND c.school IS NULL) OR c.school = ?3)"
	    " AND (?4 < 0 OR c.urgent = ?4)"
	    " AND c.created_at >= ?5 AND (?6 = 0 OR c.created_at < ?6)"
	    " AND (?9 IS NULL OR c.school IN (SELECT code FROM schools"
	    " WHERE commune = ?9))"
	    " AND (?10 = 0 OR c.esc_step >= ?10)"
	    " AND (?11 IS NULL OR (?11 = '' AND c.assigned_to IS NULL)"
	    " OR c.assigned_to = ?11)"
	    " AND (?12 IS NULL OR EXISTS (SELECT 1 FROM triage t"
	    " WHERE t.case_id = c.id AND t.state = ?12))"
	    " AND (?13 IS NULL OR c.id IN (SELECT rowid FROM case_fts"
	    " WHERE case_fts MATCH ?13))";
	char			 sql[2048], order[160], *match = NULL;
	sqlite3_stmt		*s;
	struct store_caserow	 c;
	int			 pass, rc = SQLITE_DONE, n = 0, queue;

	/* The untriaged cases are listed as the triage queue is. */
	queue = f->triage != NULL && strcmp(f->triage, "untriaged") == 0;
	if (queue)
		(void)strlcpy_checked(order, TRIAGE_QUEUE_ORDER("?14"),
		    sizeof(order));
	else
		(void)snprintf(order, sizeof(order), " c.created_at %s,"
		    " c.id %s", f->oldest_first ? "ASC" : "DESC",
		    f->oldest_first ? "ASC" : "DESC");

	/* Free text: the index brought up to date, the words folded alike. */
	if (f->text != NULL) {
		if (store_fts_refresh(st) == -1)
			return (-1);
		match = store_fts_query(f->text);
	}
	for (pass = total == NULL; pass < 2; pass++) {
		if (pass == 0)
			(void)snprintf(sql, sizeof(sql), "SELECT count(*) FROM"
			    " cases c%s", where);
		else
			(void)snprintf(sql, sizeof(sql), "%s FROM cases c LEFT"
			    " JOIN reporters r ON r.id = c.reporter_id%s ORDER"
			    " BY%s LIMIT ?7 OFFSET ?8", CASE_COLUMNS, where,
			    order);
		if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) !=
		    SQLITE_OK) {
			log_warnx("database=%s: %s", st->path,
			    sqlite3_errmsg(st->db));
			free(match);
			return (-1);
		}
		store_case_search_bind(s, f, match);
		if (f->status != NULL)
			sqlite3_bind_text(s, 1, f->status, -1, SQLITE_STATIC);
		if (f->category != NULL)
			sqlite3_bind_text(s, 2, f->category, -1, SQLITE_STATIC);
		if (f->school != NULL)
			sqlite3_bind_text(s, 3, f->school, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, f->urgent);
		sqlite3_bind_int64(s, 5, f->from);
		sqlite3_bind_int64(s, 6, f->to);
		if (pass == 0) {
			rc = sqlite3_step(s);
			if (rc == SQLITE_ROW && total != NULL)
				*total = sqlite3_column_int64(s, 0);
			sqlite3_finalize(s);
			if (rc != SQLITE_ROW) {
				free(match);
				return (-1);
			}
			continue;
		}
		sqlite3_bind_int(s, 7, f->limit > 0 ? f->limit :
		    f->limit < 0 ? -1 : 50);
		sqlite3_bind_int(s, 8, f->offset > 0 ? f->offset : 0);
		if (queue)
			sqlite3_bind_text(s, 14,
			    category_table[CATEGORY_OTHER].code, -1,
			    SQLITE_STATIC);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			store_case_fill(s, &c);
			rc = cb(&c, arg);
			store_caserow_free(&c);
			n++;
			if (rc == -1)
				break;
		}
		sqlite3_finalize(s);
	}
	free(match);
	return (rc == SQLITE_DONE || rc == -1 || rc == 0 ? n : -1);
}

/*
 * Calls cb for everything that happened to a case, oldest first (within
 * one second: messages in, then events, then SMS out): its events, the
 * messages that came in for it (their text) and every SMS queued for it
 * with its state.  An outgoing SMS names its recipient by
 * role and name, or as "reporter"; never by a reporter's number.
 */
int
store_case_timeline(struct store *st, int64_t case_id,
    int (*cb)(const struct timeline_item *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT at, 'event', type, detail, '', '', 1, id FROM events"
	    " WHERE case_id = ?1"
	    " UNION ALL SELECT m.created_at, 'in', m.transport, m.text,"
	    " CASE WHEN m.parts_have < m.parts_total THEN 'partial' ELSE ''"
	    " END, COALESCE(k.role || ': ' || k.name, 'reporter'), 0, m.id"
	    " FROM messages m LEFT JOIN contacts k ON k.id = m.contact_id"
	    " WHERE m.case_id = ?1 AND m.direction = 'in'"
	    " UNION ALL SELECT o.created_at, 'out', o.kind, o.text, o.status,"
	    " CASE WHEN o.reporter_id IS NOT NULL THEN 'reporter' ELSE"
	    " COALESCE(k.role || ': ' || k.name, 'operator') END, 2, o.id"
	    " FROM outbox o LEFT JOIN contacts k ON k.id = o.contact_id"
	    " WHERE o.case_id = ?1"
	    " ORDER BY 1, 7, 8";
	sqlite3_stmt		*s;
	struct timeline_item	 t;
	int			 rc, n = 0;

	if ((s = store_prepare(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t.at = sqlite3_column_int64(s, 0);
		t.source = (const char *)sqlite3_column_text(s, 1);
		t.type = (const char *)sqlite3_column_text(s, 2);
		t.detail = (const char *)sqlite3_column_text(s, 3);
		t.status = (const char *)sqlite3_column_text(s, 4);
		t.who = (const char *)sqlite3_column_text(s, 5);
		n++;
		if (cb(&t, arg) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? n : -1);
}

/* Calls cb for each event of a case, in order.  Returns the count or -1. */
int
store_event_list(struct store *st, int64_t case_id,
    int (*cb)(int64_t, const char *, const char *, void *), void *arg)
{
	sqlite3_stmt	*s = store_stmt(st, S_EVENTS_OF);
	int		 n = 0;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		if (cb(sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2), arg) == -1)
			break;
	}
	sqlite3_reset(s);
	return (n);
}

/* Fills a contact from the current row of a S_CONTACT_BY_PHONE query. */
void
store_contact_fill(sqlite3_stmt *s, struct contact *c)
{

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	(void)strlcpy_checked(c->name, (const char *)sqlite3_column_text(s, 1),
	    sizeof(c->name));
	(void)strlcpy_checked(c->phone,
	    (const char *)sqlite3_column_text(s, 2), sizeof(c->phone));
	(void)strlcpy_checked(c->role, (const char *)sqlite3_column_text(s, 3),
	    sizeof(c->role));
	(void)strlcpy_checked(c->school,
	    (const char *)sqlite3_column_text(s, 4), sizeof(c->school));
	(void)strlcpy_checked(c->commune,
	    (const char *)sqlite3_column_text(s, 5), sizeof(c->commune));
	c->level = sqlite3_column_int(s, 6);
	if (sqlite3_column_type(s, 7) == SQLITE_BLOB &&
	    sqlite3_column_bytes(s, 7) == (int)sizeof(c->pin_mac)) {
		c->has_pin = 1;
		memcpy(c->pin_mac, sqlite3_column_blob(s, 7),
		    sizeof(c->pin_mac));
	}
}

/* Looks up a registered number; 1 found, 0 not registered, -1 error. */
int
store_contact_by_phone(struct store *st, const char *phone, struct contact *c)
{
	sqlite3_stmt	*s = store_stmt(st, S_CONTACT_BY_PHONE);
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, phone, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_contact_fill(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Inserts a contact or updates the one with the same phone. */
int
store_contact_upsert(struct store *st, const struct contact *c, int64_t now)
{
	sqlite3_stmt	*s = store_stmt(st, S_CONTACT_UPSERT);

	if (s == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, c->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->role, -1, SQLITE_STATIC);
	if (c->school[0] != '\0')
		sqlite3_bind_text(s, 4, c->school, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, c->commune, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, c->level);
	if (c->has_pin)
		sqlite3_bind_blob(s, 7, c->pin_mac, sizeof(c->pin_mac),
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 7);
	sqlite3_bind_int64(s, 8, now);
	return (store_step_done(st, s, "contact upsert"));
}

/* Inserts a school or updates the one with the same code. */
int
store_school_upsert(struct store *st, const struct school *sc)
{
	sqlite3_stmt	*s = store_stmt(st, S_SCHOOL_UPSERT);

	if (s == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, sc->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, sc->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, sc->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, sc->level, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, sc->aliases, -1, SQLITE_STATIC);
	return (store_step_done(st, s, "school upsert"));
}

static void
store_school_fill(sqlite3_stmt *s, struct school *sc)
{
	memset(sc, 0, sizeof(*sc));
	(void)strlcpy_checked(sc->code, (const char *)sqlite3_column_text(s, 0),
	    sizeof(sc->code));
	(void)strlcpy_checked(sc->name, (const char *)sqlite3_column_text(s, 1),
	    sizeof(sc->name));
	(void)strlcpy_checked(sc->commune,
	    (const char *)sqlite3_column_text(s, 2), sizeof(sc->commune));
	(void)strlcpy_checked(sc->level,
	    (const char *)sqlite3_column_text(s, 3), sizeof(sc->level));
	(void)strlcpy_checked(sc->aliases,
	    (const char *)sqlite3_column_text(s, 4), sizeof(sc->aliases));
}

/* Looks a school up by code; 1 found, 0 not found, -1 error. */
int
store_school_get(struct store *st, const char *code, struct school *sc)
{
	sqlite3_stmt	*s = store_stmt(st, S_SCHOOL_GET);
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_school_fill(s, sc);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Calls cb for every school, by code.  Returns the count or -1. */
int
store_school_list(struct store *st, int (*cb)(const struct school *, void *),
    void *arg)
{
	sqlite3_stmt	*s;
	struct school	 sc;
	int		 n = 0;

	if ((s = store_prepare(st, "SELECT code, name, commune, level,"
	    " aliases FROM schools ORDER BY code")) == NULL)
		return (-1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		store_school_fill(s, &sc);
		n++;
		if (cb(&sc, arg) == -1)
			break;
	}
	sqlite3_reset(s);
	return (n);
}

/* Calls cb for every row of the operators' keyword table. */
int
store_keyword_list(struct store *st, int (*cb)(const char *, const char *,
    double, const char *, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	if ((s = store_prepare(st, "SELECT category, kind, weight, phrase"
	    " FROM keywords ORDER BY id")) == NULL) {
		log_warnx("database=%s: %s", st->path, sqlite3_errmsg(st->db));
		return (-1);
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_double(s, 2),
		    (const char *)sqlite3_column_text(s, 3), arg) == -1)
			break;
	}
	sqlite3_reset(s);
	return (n);
}

/* Looks a case up by id; 1 found, 0 not found, -1 error. */
int
store_case_by_id(struct store *st, int64_t id, struct store_caserow *c)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_BY_ID_FULL);
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_case_fill(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Marks an open case acknowledged; 1 when it was open, 0 if not, -1. */
int
store_case_ack(struct store *st, int64_t id, int64_t contact_id, int64_t now)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_ACK);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	if (contact_id > 0)
		sqlite3_bind_int64(s, 2, contact_id);
	else
		sqlite3_bind_null(s, 2);	/* the dashboard or the API */
	sqlite3_bind_int64(s, 3, now);
	if (store_step_done(st, s, "case ack") == -1)
		return (-1);
	return (sqlite3_changes(st->db) > 0);
}

/* Closes a case with its outcome; 1 when it was not closed yet, 0, -1. */
int
store_case_close(struct store *st, int64_t id, const char *outcome,
    int64_t contact_id, int64_t now)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_CLOSE);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	if (contact_id > 0)
		sqlite3_bind_int64(s, 4, contact_id);
	else
		sqlite3_bind_null(s, 4);
	if (store_step_done(st, s, "case close") == -1)
		return (-1);
	return (sqlite3_changes(st->db) > 0);
}

/* Sets a case's escalation step and when the next is due (0: none). */
int
store_case_set_esc(struct store *st, int64_t id, int step, int64_t at)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_SET_ESC);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, step);
	if (at > 0)
		sqlite3_bind_int64(s, 3, at);
	else
		sqlite3_bind_null(s, 3);
	return (store_step_done(st, s, "case escalation"));
}

/*
 * Advances an open case's escalation from step from to step to, only if it
 * is still at from: the compare-and-set that keeps a step from firing
 * twice.  Returns 1 when advanced, 0 when another run did it, -1.
 */
int
store_case_esc_advance(struct store *st, int64_t id, int from, int to,
    int64_t next_at)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_ESC_CAS);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, from);
	sqlite3_bind_int(s, 3, to);
	if (next_at > 0)
		sqlite3_bind_int64(s, 4, next_at);
	else
		sqlite3_bind_null(s, 4);
	if (store_step_done(st, s, "case escalation") == -1)
		return (-1);
	return (sqlite3_changes(st->db) > 0);
}

/* Lists the ids of open cases whose escalation is due, at most max. */
int
store_case_esc_due(struct store *st, int64_t now, int64_t *ids, int max)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	if ((s = store_prepare(st, "SELECT id FROM cases WHERE esc_at <= ?1"
	    " AND status = 'open' ORDER BY esc_at LIMIT ?2")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, max);
	while (n < max && sqlite3_step(s) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (n);
}

/*
 * Finds the reporter's most recent case that is not closed, created since
 * since, with exactly this text when text is not NULL; 0 when none.
 */
int64_t
store_case_recent(struct store *st, int64_t reporter_id, const char *text,
    int64_t since)
{
	sqlite3_stmt	*s = store_stmt(st, S_CASE_RECENT);
	int64_t		 id = 0;
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, reporter_id);
	sqlite3_bind_int64(s, 2, since);
	if (text != NULL)
		sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 3);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_reset(s);
	return (id);
}

/*
 * Takes one token from a reporter's bucket (capacity cap, one token back
 * every period seconds).  Returns 1 when there was one, 0 when the bucket
 * is empty, -1 on error.
 */
int
store_reporter_take(struct store *st, int64_t id, int64_t now, double cap,
    double period)
{
	sqlite3_stmt	*s = store_stmt(st, S_REPORTER_BUCKET), *u;
	double		 tokens;
	int64_t		 at;
	int		 rc, ok;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return (-1);
	}
	tokens = sqlite3_column_double(s, 0);
	at = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	if (at > 0 && now > at)
		tokens += (double)(now - at) / period;
	if (at == 0)
		tokens = cap;
	if (tokens > cap)
		tokens = cap;
	ok = tokens >= 1.0;
	if (ok)
		tokens -= 1.0;
	if ((u = store_stmt(st, S_REPORTER_SET_BUCKET)) == NULL)
		return (-1);
	sqlite3_bind_int64(u, 1, id);
	sqlite3_bind_double(u, 2, tokens);
	sqlite3_bind_int64(u, 3, now);
	if (store_step_done(st, u, "reporter bucket") == -1)
		return (-1);
	return (ok);
}

/* Sets or clears a reporter's silent mode (STOP / START). */
int
store_reporter_set_silent(struct store *st, int64_t id, int silent)
{
	sqlite3_stmt	*s = store_stmt(st, S_REPORTER_SET_SILENT);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, silent);
	return (store_step_done(st, s, "reporter silent"));
}

/*
 * Steps a contacts query (the columns store_contact_fill reads), calling
 * cb for each row, and resets it.  Returns the count, or -1.
 */
int
store_contact_iter(struct store *st, sqlite3_stmt *s,
    int (*cb)(const struct contact *, void *), void *arg)
{
	struct contact	 c;
	int		 rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_contact_fill(s, &c);
		n++;
		if (cb(&c, arg) == -1) {
			n = -1;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("database=%s: %s", st->path, sqlite3_errmsg(st->db));
		n = -1;
	}
	sqlite3_reset(s);
	return (n);
}

/*
 * Calls cb for each recipient of an alert at this escalation step (SPEC
 * section 7): police of that level in the commune (any commune when it is
 * NULL; district-wide police too from step 2), the Bureau of that level,
 * and at step 1 the school's principal and, with counselor, its counselor.
 * Returns the count or -1.
 */
int
store_route_recipients(struct store *st, int step, const char *commune,
    const char *school, int counselor,
    int (*cb)(const struct contact *, void *), void *arg)
{
	sqlite3_stmt	*s = store_stmt(st, S_ROUTE);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int(s, 1, step);
	if (commune != NULL)
		sqlite3_bind_text(s, 2, commune, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 2);
	if (school != NULL)
		sqlite3_bind_text(s, 3, school, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 3);
	sqlite3_bind_int(s, 4, counselor);
	return (store_contact_iter(st, s, cb, arg));
}

/* Calls cb for each contact of a role who was alerted about a case. */
int
store_case_alerted(struct store *st, int64_t case_id, const char *role,
    int (*cb)(const struct contact *, void *), void *arg)
{
	sqlite3_stmt	*s = store_stmt(st, S_ALERTED);

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_TRANSIENT);
	return (store_contact_iter(st, s, cb, arg));
}

/* Looks a contact up by id; 1 found, 0 not, -1 error. */
int
store_contact_by_id(struct store *st, int64_t id, struct contact *c)
{
	sqlite3_stmt	*s = store_stmt(st, S_CONTACT_BY_ID);
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		store_contact_fill(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Records a delivery report for the most recent sent message with this
 * reference.  Returns the outbox id (and its case in *case_id), 0 when no
 * message matches, -1 on error.
 */
int64_t
store_outbox_delivery(struct store *st, int reference, int delivered,
    const char *error, int64_t now, int64_t *case_id)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_BY_REF), *u;
	int64_t		 id = 0;
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int(s, 1, reference);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		*case_id = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return (rc == SQLITE_DONE ? 0 : -1);
	if ((u = store_stmt(st, S_OUTBOX_DELIVERED)) == NULL)
		return (-1);
	sqlite3_bind_int64(u, 1, id);
	sqlite3_bind_text(u, 2, delivered ? "delivered" : "failed", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(u, 3, now);
	if (error != NULL)
		sqlite3_bind_text(u, 4, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(u, 4);
	if (store_step_done(st, u, "outbox delivery") == -1)
		return (-1);
	return (id);
}

/* Reads a fact kept between runs into buf; 1 found, 0 not, -1 error. */
int
store_meta_get(struct store *st, const char *k, char *buf, size_t bufsz)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, "SELECT v FROM meta WHERE k = ?1")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		(void)strlcpy_checked(buf, (const char *)sqlite3_column_text(s,
		    0), bufsz);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Writes a fact kept between runs. */
int
store_meta_set(struct store *st, const char *k, const char *v)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_prepare(st, "INSERT INTO meta (k, v) VALUES (?1, ?2)"
	    " ON CONFLICT (k) DO UPDATE SET v = excluded.v")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, v, -1, SQLITE_STATIC);
	r = store_step_done(st, s, "meta");
	sqlite3_reset(s);
	return (r);
}

/* Calls cb for each contact of a role (and level, when level > 0). */
int
store_contacts_by_role(struct store *st, const char *role, int level,
    int (*cb)(const struct contact *, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 n;

	if ((s = store_prepare(st, "SELECT id, name, phone, role,"
	    " COALESCE(school, ''), commune, level, pin_mac FROM contacts"
	    " WHERE role = ?1 AND (?2 = 0 OR level = ?2) ORDER BY id")) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, role, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, level);
	n = store_contact_iter(st, s, cb, arg);
	sqlite3_reset(s);
	return (n);
}

/*
 * Calls cb with the code and category of every non-urgent case created
 * since since, of one school or of all (school NULL), oldest first.
 */
int
store_digest_cases(struct store *st, int64_t since, const char *school,
    int (*cb)(const char *, const char *, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	if ((s = store_prepare(st, "SELECT code, category FROM cases"
	    " WHERE urgent = 0 AND created_at >= ?1 AND (?2 IS NULL OR"
	    " (school = ?2 AND id NOT IN (SELECT case_id FROM triage"
	    " WHERE staff_accused IS NOT NULL)))"	/* staff: not the principal */
	    " ORDER BY created_at, id")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, since);
	if (school != NULL)
		sqlite3_bind_text(s, 2, school, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1), arg) == -1)
			break;
	}
	sqlite3_reset(s);
	return (n);
}

/*
 * Erases the sealed numbers of reporters whose cases are all closed and
 * untouched since before cutoff (SPEC: retention).  Their cases stay, with
 * the alias; nobody can be answered any more.  Returns how many numbers
 * were erased, or -1.
 */
int
store_purge_numbers(struct store *st, int64_t cutoff)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_prepare(st, "UPDATE reporters SET number_enc = NULL"
	    " WHERE number_enc IS NOT NULL"
	    " AND id IN (SELECT reporter_id FROM cases WHERE status = 'closed'"
	    "  AND updated_at < ?1)"
	    " AND id NOT IN (SELECT reporter_id FROM cases"
	    "  WHERE reporter_id IS NOT NULL AND (status <> 'closed'"
	    "  OR updated_at >= ?1))")) == NULL) {
		log_warnx("database=%s: %s", st->path, sqlite3_errmsg(st->db));
		return (-1);
	}
	sqlite3_bind_int64(s, 1, cutoff);
	r = store_step_done(st, s, "purge");
	sqlite3_reset(s);
	return (r == -1 ? -1 : sqlite3_changes(st->db));
}

/* Calls cb with each (label, label, count) of a metric's GROUP BY. */
int
store_metric_groups(struct store *st, int which,
    int (*cb)(const char *, const char *, int64_t, void *), void *arg)
{
	static const char *sql[] = {
		[STORE_METRIC_CASES] = "SELECT category, CASE urgent WHEN 0"
		    " THEN 'false' ELSE 'true' END, count(*) FROM cases"
		    " GROUP BY 1, 2 ORDER BY 1, 2",
		[STORE_METRIC_OUTBOX] = "SELECT kind, status, count(*)"
		    " FROM outbox GROUP BY 1, 2 ORDER BY 1, 2",
	};
	sqlite3_stmt	*s;
	int		 n = 0;

	if (which != STORE_METRIC_CASES && which != STORE_METRIC_OUTBOX)
		return (-1);
	if ((s = store_prepare(st, sql[which])) == NULL)
		return (-1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int64(s, 2), arg) == -1)
			break;
	}
	sqlite3_reset(s);
	return (n);
}

/*
 * Records a delivery report for an outbox id; returns the id when the
 * message was 'sent' and is now final, 0 when nothing changed, -1.
 */
int64_t
store_outbox_delivery_id(struct store *st, int64_t id, int delivered,
    const char *error, int64_t now, int64_t *case_id)
{
	sqlite3_stmt	*s = store_stmt(st, S_OUTBOX_DELIVERED), *q;
	int		 rc;

	if (s == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, delivered ? "delivered" : "failed", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	if (error != NULL)
		sqlite3_bind_text(s, 4, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	if (store_step_done(st, s, "outbox delivery") == -1)
		return (-1);
	if (sqlite3_changes(st->db) == 0)
		return (0);
	if ((q = store_prepare(st, "SELECT COALESCE(case_id, 0) FROM outbox"
	    " WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	*case_id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	return (id);
}

/* Sets a case's classification (a late part completed its text). */
int
store_case_set_class(struct store *st, int64_t id, const char *category,
    int urgent, const char *school, const char *matched, int64_t now)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_prepare(st, "UPDATE cases SET category = ?2,"
	    " urgent = ?3, school = ?4, matched = ?5, updated_at = ?6"
	    " WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, category, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, urgent);
	if (school != NULL && school[0] != '\0')
		sqlite3_bind_text(s, 4, school, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, matched, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, now);
	r = store_step_done(st, s, "case class");
	sqlite3_reset(s);
	return (r);
}

/* Sets how sure the classifier is of a case's category (0..1). */
int
store_case_set_confidence(struct store *st, int64_t id, double confidence)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_prepare(st, "UPDATE cases SET confidence = ?2"
	    " WHERE id = ?1")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_double(s, 2, confidence);
	r = store_step_done(st, s, "case confidence");
	sqlite3_reset(s);
	return (r);
}

/*
 * Copies the live database into path with SQLite's online backup API, in
 * steps so that a running gateway keeps writing meanwhile.  The copy is
 * written to path.tmp and renamed, so path is never half a database.
 */
int
store_backup(struct store *st, const char *path)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*b;
	char		*tmp;
	int		 rc;

	xasprintf(&tmp, "%s.tmp", path);
	(void)unlink(tmp);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_warnx("backup=%s: %s", tmp, dst ? sqlite3_errmsg(dst) :
		    "cannot open");
		goto fail;
	}
	if ((b = sqlite3_backup_init(dst, "main", st->db, "main")) == NULL) {
		log_warnx("backup=%s: %s", tmp, sqlite3_errmsg(dst));
		goto fail;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		log_warnx("backup=%s: %s", tmp, sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		dst = NULL;
		goto fail;
	}
	dst = NULL;
	if (chmod(tmp, 0600) == -1 || rename(tmp, path) == -1) {
		log_warn("backup=%s", path);
		goto fail;
	}
	free(tmp);
	return (0);
fail:
	if (dst != NULL)
		sqlite3_close(dst);
	(void)unlink(tmp);
	free(tmp);
	return (-1);
}
