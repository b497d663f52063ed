/*
 * tinbao: unit tests for store.c (migrations and the store).
 *
 * Each test gets a new directory from mkdtemp holding a key file and, for
 * most, a freshly migrated database; both are removed afterwards.  The raw
 * connection (store_db, store.h) is used to look at what the store wrote and to
 * set up states the store's API does not make (a case's status, a newer
 * user_version).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"

#define NUMBER		"+84912345678"
#define NUMBER_DIGITS	"912345678"

struct fixture {
	char		 dir[64];
	char		 db[96];
	char		 key[96];
	struct secret	 sec;
	struct store	*st;
};

struct listed {
	int		 n;
	char		 codes[16][8];
	int64_t		 created[16];
};

static int	 setup_empty(void **);
static int	 setup(void **);
static int	 teardown(void **);
static int64_t	 query_int(struct store *, const char *);
static void	 exec_sql(struct store *, const char *);
static int64_t	 add_message(struct store *);
static int64_t	 add_case(struct store *, int64_t);
static int	 list_cb(const struct store_caserow *, void *);

/* A temporary directory with a key and no database yet. */
static int
setup_empty(void **state)
{
	struct fixture	*f;

	f = xcalloc(1, sizeof(*f));
	*state = f;
	(void)strlcpy_checked(f->dir, "/tmp/tinbao-store-XXXXXX",
	    sizeof(f->dir));
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	(void)snprintf(f->db, sizeof(f->db), "%s/tinbao.db", f->dir);
	(void)snprintf(f->key, sizeof(f->key), "%s/key", f->dir);
	if (secret_create(f->key) != 1 || secret_load(f->key, &f->sec) == -1)
		return (-1);
	return (0);
}

/* The same with a new, migrated database open. */
static int
setup(void **state)
{
	struct fixture	*f;
	int		 from, to;

	if (setup_empty(state) == -1)
		return (-1);
	f = *state;
	if ((f->st = store_open(f->db, 1)) == NULL ||
	    store_migrate(f->st, &from, &to) == -1 ||
	    store_check_version(f->st) == -1)
		return (-1);
	return (0);
}

/* Closes the store and removes every file. */
static int
teardown(void **state)
{
	struct fixture	*f = *state;
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal",
	    NULL };
	char		 path[128];
	int		 i, rc;

	store_close(f->st);
	for (i = 0; sfx[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s%s", f->db, sfx[i]);
		(void)unlink(path);
	}
	(void)unlink(f->key);
	rc = rmdir(f->dir);
	free(f);
	return (rc);
}

/* Runs a query that returns one integer. */
static int64_t
query_int(struct store *st, const char *sql)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*s;
	int64_t		 v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	assert_int_equal(sqlite3_finalize(s), SQLITE_OK);
	return (v);
}

/* Runs SQL directly, or fails the test. */
static void
exec_sql(struct store *st, const char *sql)
{
	assert_int_equal(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL),
	    SQLITE_OK);
}

/* Adds an incoming message with no reporter. */
static int64_t
add_message(struct store *st)
{
	struct store_message	 m;
	int64_t			 id;

	memset(&m, 0, sizeof(m));
	m.direction = "in";
	m.transport = "sms";
	m.text = "hello";
	m.concat_ref = -1;
	m.parts_total = 1;
	m.parts_have = 1;
	m.created_at = 1000;
	assert_true((id = store_message_add(st, &m)) > 0);
	return (id);
}

/* Adds a case created at the given time. */
static int64_t
add_case(struct store *st, int64_t at)
{
	struct store_case	 c;
	int64_t			 id;

	memset(&c, 0, sizeof(c));
	c.category = "other";
	c.source = "sms";
	c.text = "report";
	c.created_at = at;
	assert_true((id = store_case_add(st, &c)) > 0);
	assert_int_equal(casecode_is_valid(c.code), 1);
	return (id);
}

/* Collects listed cases. */
static int
list_cb(const struct store_caserow *c, void *arg)
{
	struct listed	*l = arg;

	if (l->n >= 16)
		return (-1);
	(void)strlcpy_checked(l->codes[l->n], c->code, sizeof(l->codes[0]));
	l->created[l->n] = c->created_at;
	l->n++;
	return (0);
}

/* A new file migrates to the current schema; a second run does nothing. */
static void
test_migrate_new(void **state)
{
	struct fixture	*f = *state;
	int		 from = -1, to = -1;

	assert_true(store_schema_version() >= 1);
	assert_true(nmigrations >= 1);
	assert_non_null(f->st = store_open(f->db, 1));
	assert_int_equal(access(f->db, F_OK), 0);
	assert_int_equal(query_int(f->st, "PRAGMA user_version"), 0);
	/* a fresh, empty database is not a tinbao database */
	assert_int_equal(store_check_version(f->st), -1);

	assert_int_equal(store_migrate(f->st, &from, &to), 0);
	assert_int_equal(from, 0);
	assert_int_equal(to, store_schema_version());
	assert_int_equal(query_int(f->st, "PRAGMA user_version"),
	    store_schema_version());
	assert_int_equal(store_check_version(f->st), 0);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('reporters', 'cases',"
	    " 'messages', 'message_parts', 'events', 'outbox')"), 6);

	from = to = -1;
	assert_int_equal(store_migrate(f->st, &from, &to), 0);
	assert_int_equal(from, store_schema_version());
	assert_int_equal(to, from);

	/* again after reopening, without create */
	store_close(f->st);
	assert_non_null(f->st = store_open(f->db, 0));
	assert_int_equal(store_check_version(f->st), 0);
	assert_int_equal(store_migrate(f->st, &from, &to), 0);
	assert_int_equal(from, to);
}

/* A database newer than this binary is refused, and not migrated. */
static void
test_version_newer(void **state)
{
	struct fixture	*f = *state;
	char		 sql[64];
	int		 from, to;

	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    store_schema_version() + 1);
	exec_sql(f->st, sql);
	assert_int_equal(store_check_version(f->st), -1);
	assert_int_equal(store_migrate(f->st, &from, &to), -1);
	assert_int_equal(query_int(f->st, "PRAGMA user_version"),
	    store_schema_version() + 1);
}

/* Without create, a missing file is an error and is not created. */
static void
test_open_missing(void **state)
{
	struct fixture	*f = *state;

	assert_null(store_open(f->db, 0));
	assert_int_equal(access(f->db, F_OK), -1);
}

/* The journal is in WAL mode, with foreign keys on. */
static void
test_wal(void **state)
{
	struct fixture	*f = *state;
	sqlite3_stmt	*s;

	assert_int_equal(sqlite3_prepare_v2(store_db(f->st),
	    "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	assert_int_equal(query_int(f->st, "PRAGMA foreign_keys"), 1);
	/* synchronous = FULL (2) */
	assert_int_equal(query_int(f->st, "PRAGMA synchronous"), 2);
}

/* A stored part is found by its dedup key; the same key twice fails. */
static void
test_dedup(void **state)
{
	struct fixture	*f = *state;
	unsigned char	 k1[32], k2[32];
	int64_t		 m1, m2;

	secret_mac(&f->sec, "part one", 8, k1);
	secret_mac(&f->sec, "part two", 8, k2);
	assert_int_equal(store_begin(f->st), 0);
	m1 = add_message(f->st);
	m2 = add_message(f->st);
	assert_int_equal(store_part_seen(f->st, k1), 0);
	assert_int_equal(store_part_add(f->st, m1, 1, k1, "hello"), 0);
	assert_int_equal(store_part_seen(f->st, k1), m1);
	assert_int_equal(store_part_seen(f->st, k2), 0);
	/* the same key on another message and part: UNIQUE */
	/* the same part again is no error, and changes nothing */
	assert_int_equal(store_part_add(f->st, m2, 2, k1, "hello"), 0);
	assert_int_equal(store_part_seen(f->st, k1), m1);
	assert_int_equal(store_part_add(f->st, m2, 1, k2, "other"), 0);
	assert_int_equal(store_part_seen(f->st, k2), m2);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(query_int(f->st,
	    "SELECT COUNT(*) FROM message_parts"), 2);
	/* a part needs an existing message (foreign key) */
	secret_mac(&f->sec, "part three", 10, k2);
	assert_int_equal(store_part_add(f->st, m2 + 100, 1, k2, "x"), -1);
}

/* The same number is the same reporter, and no number is kept in clear. */
static void
test_reporter(void **state)
{
	struct fixture	*f = *state;
	sqlite3_stmt	*s;
	char		 alias[24], alias2[24], num[NUMBER_MAX], al3[24];
	int64_t		 id, id2, id3;
	int		 silent = -1, i, rows = 0;
	const void	*p;
	char		 text[64];

	assert_int_equal(store_reporter_lookup(f->st, &f->sec, NUMBER, alias,
	    sizeof(alias), &silent), 0);
	assert_true((id = store_reporter_get(f->st, &f->sec, NUMBER, alias,
	    sizeof(alias), &silent)) > 0);
	assert_int_equal(silent, 0);
	assert_memory_equal(alias, "NB-", 3);
	assert_true((id2 = store_reporter_get(f->st, &f->sec, NUMBER, alias2,
	    sizeof(alias2), &silent)) > 0);
	assert_int_equal(id2, id);
	assert_string_equal(alias2, alias);
	assert_int_equal(store_reporter_lookup(f->st, &f->sec, NUMBER, alias2,
	    sizeof(alias2), &silent), id);
	assert_true((id3 = store_reporter_get(f->st, &f->sec, "+84987654321",
	    al3, sizeof(al3), &silent)) > 0);
	assert_true(id3 != id);
	assert_string_not_equal(al3, alias);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM reporters"), 2);

	/* the number can be read back with the key */
	assert_int_equal(store_reporter_number(f->st, &f->sec, id, num,
	    sizeof(num), alias2, sizeof(alias2), &silent), 0);
	assert_string_equal(num, NUMBER);
	assert_string_equal(alias2, alias);

	/* but appears in no column of any row, as text or bytes */
	assert_int_equal(sqlite3_prepare_v2(store_db(f->st),
	    "SELECT * FROM reporters", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		rows++;
		for (i = 0; i < sqlite3_column_count(s); i++) {
			if (sqlite3_column_type(s, i) == SQLITE_BLOB) {
				p = sqlite3_column_blob(s, i);
				assert_null(memmem(p,
				    sqlite3_column_bytes(s, i),
				    NUMBER_DIGITS, 9));
				assert_null(memmem(p,
				    sqlite3_column_bytes(s, i), "987654321",
				    9));
			} else if (sqlite3_column_type(s, i) != SQLITE_NULL) {
				(void)strlcpy_checked(text, (const char *)
				    sqlite3_column_text(s, i), sizeof(text));
				assert_null(strstr(text, NUMBER_DIGITS));
				assert_null(strstr(text, "987654321"));
			}
		}
	}
	sqlite3_finalize(s);
	assert_int_equal(rows, 2);

	/* another key does not open it */
	{
		struct secret	 other;
		char		 k2[128];

		(void)snprintf(k2, sizeof(k2), "%s.2", f->key);
		assert_int_equal(secret_create(k2), 1);
		assert_int_equal(secret_load(k2, &other), 0);
		(void)unlink(k2);
		assert_int_equal(store_reporter_number(f->st, &other, id, num,
		    sizeof(num), alias2, sizeof(alias2), &silent), -1);
	}
}

/* 500 cases get 500 different valid codes. */
static void
test_case_codes(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	assert_int_equal(store_begin(f->st), 0);
	for (i = 0; i < 500; i++)
		add_case(f->st, 1000 + i);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM cases"), 500);
	assert_int_equal(query_int(f->st,
	    "SELECT COUNT(DISTINCT code) FROM cases"), 500);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM cases"
	    " WHERE length(code) NOT BETWEEN 4 AND 6"), 0);
}

/* A case is read back by its code with every field. */
static void
test_case_get(void **state)
{
	struct fixture		*f = *state;
	struct store_case	 c;
	struct store_caserow	 row;
	char			 alias[24];
	int64_t			 rid, id;
	int			 silent;

	assert_true((rid = store_reporter_get(f->st, &f->sec, NUMBER, alias,
	    sizeof(alias), &silent)) > 0);
	memset(&c, 0, sizeof(c));
	c.category = "bullying";
	c.urgent = 1;
	c.matched = "[\"đánh\"]";
	c.source = "sms";
	c.reporter_id = rid;
	c.text = "Bạn tôi bị đánh";
	c.created_at = 5000;
	c.confidence = 0.75;
	assert_true((id = store_case_add(f->st, &c)) > 0);
	assert_int_equal(store_case_get(f->st, c.code, &row), 1);
	assert_true(row.confidence > 0.749 && row.confidence < 0.751);
	assert_string_equal(row.triage, "untriaged");
	assert_int_equal(row.id, id);
	assert_string_equal(row.code, c.code);
	assert_string_equal(row.status, "open");
	assert_string_equal(row.category, "bullying");
	assert_int_equal(row.urgent, 1);
	assert_string_equal(row.school, "");
	assert_string_equal(row.matched, "[\"đánh\"]");
	assert_string_equal(row.text, "Bạn tôi bị đánh");
	assert_string_equal(row.alias, alias);
	assert_int_equal(row.created_at, 5000);
	assert_int_equal(row.updated_at, 5000);
	store_caserow_free(&row);
	assert_int_equal(store_case_set_text(f->st, id, "longer", 6000), 0);
	assert_int_equal(store_case_get(f->st, c.code, &row), 1);
	assert_string_equal(row.text, "longer");
	assert_int_equal(row.updated_at, 6000);
	store_caserow_free(&row);
	assert_int_equal(store_case_get(f->st, "ZZZZ", &row), 0);
}

/* Adds an untriaged case of a category, a confidence and a time. */
static int64_t
add_queued(struct store *st, const char *category, double confidence,
    int64_t at)
{
	struct store_case	 c;
	int64_t			 id;

	memset(&c, 0, sizeof(c));
	c.category = category;
	c.source = "sms";
	c.text = category;
	c.created_at = at;
	c.confidence = confidence;
	assert_true((id = store_case_add(st, &c)) > 0);
	return (id);
}

static int
queue_cb(const struct store_caserow *c, const struct triage_row *t,
    void *arg)
{
	(void)t;
	return (list_cb(c, arg));
}

/*
 * The triage queue, in `tinbao triage` and in the case list with
 * triage=untriaged: other first, then the least sure (unknown counts as
 * 0), then the oldest; a triaged case is not in it.
 */
static void
test_triage_queue_order(void **state)
{
	struct fixture		*f = *state;
	struct case_filter	 cf;
	struct listed		 q, l;
	int64_t			 id[7];
	int64_t			 created[] = { 200, 50, 400, 150, 300, 100 };
	struct store_caserow	 row;
	int			 i;

	id[0] = add_queued(f->st, "bullying", 0.9, 100);
	id[1] = add_queued(f->st, "other", 0.3, 200);
	id[2] = add_queued(f->st, "violence", 0.2, 300);
	id[3] = add_queued(f->st, "other", 0.8, 50);
	id[4] = add_queued(f->st, "theft", 0.2, 150);
	id[5] = add_queued(f->st, "bullying", 0.0, 10);
	id[6] = add_queued(f->st, "bullying", 0.5, 400);
	exec_sql(f->st, "UPDATE triage SET state = 'triaged' WHERE case_id ="
	    " (SELECT min(id) FROM cases WHERE created_at = 10)");
	/* A case from before schema 10: confidence unknown. */
	exec_sql(f->st, "UPDATE cases SET confidence = NULL WHERE"
	    " created_at = 400");
	assert_int_equal(store_case_by_id(f->st, id[6], &row), 1);
	assert_true(row.confidence < 0);
	store_caserow_free(&row);

	memset(&q, 0, sizeof(q));
	assert_int_equal(store_triage_queue(f->st, queue_cb, &q), 6);
	memset(&cf, 0, sizeof(cf));
	cf.urgent = -1;
	cf.limit = -1;
	cf.triage = "untriaged";
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_search(f->st, &cf, list_cb, &l, NULL), 6);
	assert_int_equal(q.n, 6);
	assert_int_equal(l.n, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(q.created[i], created[i]);
		assert_string_equal(q.codes[i], l.codes[i]);
	}
	cf.triage = "triaged";
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_search(f->st, &cf, list_cb, &l, NULL), 1);
	assert_int_equal(l.created[0], 10);
}

/* The outbox gives the lowest priority number first, then by age. */
static void
test_outbox_order(void **state)
{
	struct fixture		*f = *state;
	struct store_outmsg	 o, t;
	int64_t			 ack, alert, reply, later;

	memset(&o, 0, sizeof(o));
	o.number = "+84900000001";
	o.charset = CHARSET_AUTO;
	o.created_at = 100;
	o.kind = "ack";
	o.text = "ack text";
	o.priority = PRIO_ACK;
	assert_true((ack = store_outbox_add(f->st, &o)) > 0);
	o.kind = "reply";
	o.text = "reply text";
	o.priority = PRIO_REPLY;
	assert_true((reply = store_outbox_add(f->st, &o)) > 0);
	o.kind = "alert";
	o.text = "alert text";
	o.priority = PRIO_ALERT;
	o.created_at = 200;
	assert_true((alert = store_outbox_add(f->st, &o)) > 0);
	/* an alert not yet due */
	o.created_at = 10000;
	assert_true((later = store_outbox_add(f->st, &o)) > 0);
	assert_int_equal(store_outbox_pending(f->st), 4);

	assert_int_equal(store_outbox_take(f->st, 50, &t), 0);
	assert_int_equal(store_outbox_take(f->st, 1000, &t), 1);
	assert_int_equal(t.id, alert);
	assert_string_equal(t.text, "alert text");
	assert_string_equal(t.kindbuf, "alert");
	assert_string_equal(t.numbuf, "+84900000001");
	assert_int_equal(t.attempts, 1);
	free(t.owned);
	assert_int_equal(query_int(f->st,
	    "SELECT COUNT(*) FROM outbox WHERE status = 'sending'"), 1);
	assert_int_equal(query_int(f->st,
	    "SELECT id FROM outbox WHERE status = 'sending'"), alert);

	assert_int_equal(store_outbox_take(f->st, 1000, &t), 1);
	assert_int_equal(t.id, reply);
	free(t.owned);
	assert_int_equal(store_outbox_take(f->st, 1000, &t), 1);
	assert_int_equal(t.id, ack);
	free(t.owned);
	assert_int_equal(store_outbox_take(f->st, 1000, &t), 0);
	assert_int_equal(store_outbox_pending(f->st), 4);

	assert_int_equal(store_outbox_take(f->st, 10000, &t), 1);
	assert_int_equal(t.id, later);
	free(t.owned);
	assert_int_equal(store_outbox_done(f->st, later, "sent", NULL, 1, 7,
	    10001), 0);
	assert_int_equal(store_outbox_pending(f->st), 3);
}

/*
 * Delivery reports per part (sql/008_pool.sql): a reference matches the
 * newest part with it on its own modem, never an older message whose
 * reference wrapped nor another modem's; a message is settled when every
 * part is delivered, or one failed.
 */
static void
test_outbox_parts(void **state)
{
	struct fixture		*f = *state;
	struct store_outmsg	 o;
	int64_t			 old, multi, id;
	int			 oldrefs[1] = { 7 }, refs[3] = { 6, 7, 8 };
	int			 part, settled;

	memset(&o, 0, sizeof(o));
	o.number = "+84911100001";
	o.kind = "alert";
	o.text = "alert";
	o.priority = PRIO_ALERT;
	o.created_at = 100;
	assert_true((old = store_outbox_add(f->st, &o)) > 0);
	assert_true((multi = store_outbox_add(f->st, &o)) > 0);
	/* An old message with reference 7 on both modems, before a wrap. */
	assert_int_equal(store_outbox_parts_add(f->st, old, "modem", oldrefs,
	    1, 100), 0);
	assert_int_equal(store_outbox_parts_add(f->st, old, "modem1",
	    oldrefs, 1, 100), 0);
	assert_int_equal(store_outbox_parts_add(f->st, multi, "modem", refs,
	    3, 200), 0);

	assert_int_equal(store_outbox_part_delivery(f->st, "modem", 7, 1, &id,
	    &part, &settled), 1);
	assert_int_equal(id, multi);
	assert_int_equal(part, 2);
	assert_int_equal(settled, 0);
	assert_int_equal(store_outbox_part_delivery(f->st, "modem", 8, 1, &id,
	    &part, &settled), 1);
	assert_int_equal(settled, 0);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM outbox_parts"
	    " WHERE outbox_id = 1 AND status IS NOT NULL"), 0);
	assert_int_equal(store_outbox_part_delivery(f->st, "modem", 6, 1, &id,
	    &part, &settled), 1);
	assert_int_equal(part, 1);
	assert_int_equal(settled, 1);
	/* The other modem's 7 is its own old message. */
	assert_int_equal(store_outbox_part_delivery(f->st, "modem1", 7, 0,
	    &id, &part, &settled), 1);
	assert_int_equal(id, old);
	assert_int_equal(settled, -1);
	/* Unknown references match nothing. */
	assert_int_equal(store_outbox_part_delivery(f->st, "modem2", 7, 1,
	    &id, &part, &settled), 0);
	assert_int_equal(store_outbox_part_delivery(f->st, "modem", 99, 1,
	    &id, &part, &settled), 0);
}

/* Messages left 'sending' by a crash are queued again. */
static void
test_outbox_recover(void **state)
{
	struct fixture		*f = *state;
	struct store_outmsg	 o, t;
	int64_t			 a, b;

	memset(&o, 0, sizeof(o));
	o.number = "+84900000001";
	o.kind = "alert";
	o.text = "alert";
	o.priority = PRIO_ALERT;
	o.created_at = 100;
	assert_true((a = store_outbox_add(f->st, &o)) > 0);
	assert_true((b = store_outbox_add(f->st, &o)) > 0);
	assert_int_equal(store_outbox_take(f->st, 100, &t), 1);
	assert_int_equal(t.id, a);
	free(t.owned);
	assert_int_equal(store_outbox_take(f->st, 100, &t), 1);
	assert_int_equal(t.id, b);
	free(t.owned);
	assert_int_equal(store_outbox_done(f->st, b, "sent", NULL, 1, -1, 101),
	    0);
	assert_int_equal(store_outbox_take(f->st, 100, &t), 0);

	/* only the one still 'sending' comes back */
	assert_int_equal(store_outbox_recover(f->st, 0), 1);
	assert_int_equal(query_int(f->st,
	    "SELECT COUNT(*) FROM outbox WHERE status = 'sending'"), 0);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM outbox"
	    " WHERE status = 'queued'"), 1);
	assert_int_equal(store_outbox_take(f->st, 100, &t), 1);
	assert_int_equal(t.id, a);
	assert_int_equal(t.attempts, 2);
	free(t.owned);
	assert_int_equal(store_outbox_recover(f->st, 0), 1);
	assert_int_equal(store_outbox_recover(f->st, 0), 0);

	/* a retry is not due before its time */
	assert_int_equal(store_outbox_take(f->st, 100, &t), 1);
	free(t.owned);
	assert_int_equal(store_outbox_retry(f->st, a, "timeout", 500), 0);
	assert_int_equal(store_outbox_take(f->st, 499, &t), 0);
	assert_int_equal(store_outbox_take(f->st, 500, &t), 1);
	assert_int_equal(t.id, a);
	free(t.owned);
}

/* store_case_list filters by status and by creation time. */
static void
test_case_list(void **state)
{
	struct fixture	*f = *state;
	struct listed	 l;
	int64_t		 c1, c2, c3;
	char		 sql[96];

	c1 = add_case(f->st, 1000);
	c2 = add_case(f->st, 2000);
	c3 = add_case(f->st, 3000);
	(void)snprintf(sql, sizeof(sql),
	    "UPDATE cases SET status = 'closed' WHERE id = %lld",
	    (long long)c2);
	exec_sql(f->st, sql);
	(void)c1;
	(void)c3;

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_list(f->st, NULL, 0, list_cb, &l), 3);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.created[0], 1000);
	assert_int_equal(l.created[2], 3000);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_list(f->st, "open", 0, list_cb, &l), 2);
	assert_int_equal(l.created[0], 1000);
	assert_int_equal(l.created[1], 3000);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_list(f->st, "closed", 0, list_cb, &l), 1);
	assert_int_equal(l.created[0], 2000);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_list(f->st, NULL, 2000, list_cb, &l), 2);
	assert_int_equal(l.created[0], 2000);
	assert_int_equal(l.created[1], 3000);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_list(f->st, "open", 1001, list_cb, &l), 1);
	assert_int_equal(l.created[0], 3000);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_case_list(f->st, "acknowledged", 0, list_cb,
	    &l), 0);
	assert_int_equal(store_case_list(f->st, NULL, 3001, list_cb, &l), 0);
	assert_int_equal(l.n, 0);
}

/* A rolled-back transaction leaves nothing. */
static void
test_rollback(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(store_begin(f->st), 0);
	add_case(f->st, 1000);
	add_message(f->st);
	store_rollback(f->st);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM cases"), 0);
	assert_int_equal(query_int(f->st, "SELECT COUNT(*) FROM messages"), 0);
	/* rollback outside a transaction is harmless */
	store_rollback(f->st);
}

/*
 * store_prepare: one statement per SQL text, prepared once and handed back
 * reset with no bindings, even after a caller left it mid-result; the
 * converted meta helpers keep working through it.
 */
static void
test_prepare_cache(void **state)
{
	struct fixture	*f = *state;
	sqlite3_stmt	*s, *t;
	const char	*sql = "SELECT ?1 IS NULL";
	char		 sqlcopy[32], v[16];

	s = store_prepare(f->st, sql);
	assert_non_null(s);
	sqlite3_bind_int(s, 1, 7);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	/* Left mid-result, and asked for by another copy of the text. */
	(void)snprintf(sqlcopy, sizeof(sqlcopy), "%s", sql);
	t = store_prepare(f->st, sqlcopy);
	assert_ptr_equal(s, t);
	assert_int_equal(sqlite3_step(t), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(t, 0), 1);	/* unbound */
	sqlite3_reset(t);
	assert_ptr_not_equal(store_prepare(f->st, "SELECT 2"), s);
	assert_null(store_prepare(f->st, "SELECT FROM nothing"));
	assert_int_equal(store_meta_set(f->st, "k", "one"), 0);
	assert_int_equal(store_meta_set(f->st, "k", "two"), 0);
	assert_int_equal(store_meta_get(f->st, "k", v, sizeof(v)), 1);
	assert_string_equal(v, "two");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_new, setup_empty,
		    teardown),
		cmocka_unit_test_setup_teardown(test_version_newer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_missing, setup_empty,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reporter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_codes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_parts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_recover, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_triage_queue_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_cache, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
