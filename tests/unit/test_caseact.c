/*
 * tinbao: unit tests for caseact.c, the rules of the actions on a case,
 * against a real store in a temporary directory (no daemon, no door).
 *
 * Each action is run on an open, an acknowledged and a closed case, and
 * what it left is read back through the store's own functions: the case's
 * status and outcome, its timeline (events and the SMS queued for it) and
 * the audit log.  A refused action must leave all three as they were.
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

#include "tinbao.h"

struct fixture {
	char		 dir[64];
	char		 db[96];
	char		 key[96];
	struct secret	 sec;
	struct config	 conf;
	struct store	*st;
	int64_t		 reporter;
};

/* What a case holds after actions: counted through the store's API. */
struct seen {
	char		 code[8];
	char		 status[16];
	char		 outcome[256];
	char		 events[512];	/* the event types, comma-separated */
	int		 relays;	/* SMS of kind relay */
	int		 thanks;	/* SMS of kind closed */
	int		 audit;		/* case.* audit rows */
};

static int
setup(void **state)
{
	struct fixture	*f;
	char		 alias[24];
	int		 from, to, silent = 0;

	f = xcalloc(1, sizeof(*f));
	*state = f;
	(void)strlcpy_checked(f->dir, "/tmp/tinbao-caseact-XXXXXX",
	    sizeof(f->dir));
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	(void)snprintf(f->db, sizeof(f->db), "%s/tinbao.db", f->dir);
	(void)snprintf(f->key, sizeof(f->key), "%s/key", f->dir);
	if (secret_create(f->key) != 1 || secret_load(f->key, &f->sec) == -1 ||
	    (f->st = store_open(f->db, 1)) == NULL ||
	    store_migrate(f->st, &from, &to) == -1 ||
	    store_check_version(f->st) == -1)
		return (-1);
	f->conf.alert_charset = CHARSET_AUTO;
	f->reporter = store_reporter_get(f->st, &f->sec, "+84987000001", alias,
	    sizeof(alias), &silent);
	return (f->reporter > 0 ? 0 : -1);
}

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

/* Adds a case from the reporter (0: from nobody) and returns its code. */
static void
add_case(struct fixture *f, int64_t reporter, char code[8])
{
	struct store_case	 c;

	memset(&c, 0, sizeof(c));
	c.category = "other";
	c.source = "sms";
	c.text = "report";
	c.reporter_id = reporter;
	c.created_at = 1000;
	assert_true(store_case_add(f->st, &c) > 0);
	memcpy(code, c.code, 8);
}

/* Runs one action by the dashboard user "user:lan". */
static int
act(struct fixture *f, const char *code, enum caseact_type type,
    const char *text)
{
	struct store_caserow	 c;
	struct caseact		 a;
	int			 r;

	assert_int_equal(store_case_get(f->st, code, &c), 1);
	memset(&a, 0, sizeof(a));
	a.store = f->st;
	a.secret = &f->sec;
	a.conf = &f->conf;
	a.type = type;
	a.actor = "user:lan";
	a.addr = "127.0.0.1";
	a.text = text;
	a.now = 2000;
	r = caseact_run(&a, &c);
	store_caserow_free(&c);
	return (r);
}

static int
seen_event_cb(int64_t at, const char *type, const char *detail, void *arg)
{
	struct seen	*s = arg;
	size_t		 n = strlen(s->events);

	(void)at;
	(void)detail;
	(void)snprintf(s->events + n, sizeof(s->events) - n, "%s%s",
	    n > 0 ? "," : "", type);
	return (0);
}

static int
seen_timeline_cb(const struct timeline_item *t, void *arg)
{
	struct seen	*s = arg;

	if (strcmp(t->source, "out") == 0 && strcmp(t->type, "relay") == 0)
		s->relays++;
	if (strcmp(t->source, "out") == 0 && strcmp(t->type, "closed") == 0)
		s->thanks++;
	return (0);
}

static int
seen_audit_cb(int64_t at, const char *actor, const char *action,
    const char *code, const char *detail, const char *addr, void *arg)
{
	struct seen	*s = arg;

	(void)at;
	(void)detail;
	(void)addr;
	if (strcmp(actor, "user:lan") == 0 && strncmp(action, "case.", 5) == 0 &&
	    strcmp(code, s->code) == 0)
		s->audit++;
	return (0);
}

/* Reads back what the case holds. */
static void
seen(struct fixture *f, const char *code, struct seen *s)
{
	struct store_caserow	 c;

	memset(s, 0, sizeof(*s));
	assert_int_equal(store_case_get(f->st, code, &c), 1);
	(void)strlcpy_checked(s->status, c.status, sizeof(s->status));
	assert_true(store_event_list(f->st, c.id, seen_event_cb, s) >= 0);
	assert_true(store_case_timeline(f->st, c.id, seen_timeline_cb,
	    s) >= 0);
	(void)strlcpy_checked(s->code, code, sizeof(s->code));
	assert_true(store_audit_list(f->st, 1000, 0, seen_audit_cb, s) >= 0);
	(void)strlcpy_checked(s->outcome, c.outcome, sizeof(s->outcome));
	store_caserow_free(&c);
}

/* Open, acknowledged, closed: the table in caseact.c's header. */
static void
test_rules(void **state)
{
	struct fixture	*f = *state;
	struct seen	 s, closed;
	char		 code[8];

	add_case(f, f->reporter, code);
	assert_int_equal(act(f, code, CASEACT_ACK, NULL), CASEACT_DONE);
	seen(f, code, &s);
	assert_string_equal(s.status, "acknowledged");
	assert_string_equal(s.events, "acknowledged");
	assert_int_equal(s.audit, 1);

	assert_int_equal(act(f, code, CASEACT_ACK, NULL), CASEACT_ALREADY);
	assert_int_equal(act(f, code, CASEACT_REPLY, "Công an đang tới"),
	    CASEACT_DONE);
	assert_int_equal(act(f, code, CASEACT_REPLY, "  "), CASEACT_NO_TEXT);
	assert_int_equal(act(f, code, CASEACT_CLOSE, "Đã xử lý"),
	    CASEACT_DONE);
	seen(f, code, &closed);
	assert_string_equal(closed.status, "closed");
	assert_string_equal(closed.outcome, "Đã xử lý");
	assert_string_equal(closed.events, "acknowledged,acknowledged_again,"
	    "relay_to_reporter,reply_queued,closed,reply_queued");
	assert_int_equal(closed.relays, 1);
	assert_int_equal(closed.thanks, 1);
	assert_int_equal(closed.audit, 4);

	/* A closed case is final: every action refused, nothing written. */
	assert_int_equal(act(f, code, CASEACT_ACK, NULL), CASEACT_CLOSED);
	assert_int_equal(act(f, code, CASEACT_REPLY, "còn đó không?"),
	    CASEACT_CLOSED);
	assert_int_equal(act(f, code, CASEACT_CLOSE, "lại"), CASEACT_CLOSED);
	seen(f, code, &s);
	assert_memory_equal(&s, &closed, sizeof(s));
}

/* Answering an open case acknowledges it; a silent reporter gets nothing. */
static void
test_reply(void **state)
{
	struct fixture	*f = *state;
	struct seen	 s;
	char		 code[8];

	add_case(f, f->reporter, code);
	assert_int_equal(act(f, code, CASEACT_REPLY, "Em ở yên trong lớp"),
	    CASEACT_DONE);
	seen(f, code, &s);
	assert_string_equal(s.status, "acknowledged");
	assert_string_equal(s.events,
	    "acknowledged,relay_to_reporter,reply_queued");
	assert_int_equal(s.relays, 1);

	assert_int_equal(store_reporter_set_silent(f->st, f->reporter, 1), 0);
	assert_int_equal(act(f, code, CASEACT_REPLY, "Còn đó không?"),
	    CASEACT_DONE);
	seen(f, code, &s);
	assert_string_equal(s.events, "acknowledged,relay_to_reporter,"
	    "reply_queued,relay_to_reporter,reply_suppressed");
	assert_int_equal(s.relays, 1);
}

/* Refusals before anything is written: text, nobody to answer. */
static void
test_refused(void **state)
{
	struct fixture	*f = *state;
	struct seen	 before, after;
	char		 code[8], nobody[8], *longtext;

	add_case(f, f->reporter, code);
	add_case(f, 0, nobody);
	seen(f, code, &before);
	longtext = xcalloc(CASEACT_REPLY_CHARS + 2, 1);
	memset(longtext, 'a', CASEACT_REPLY_CHARS + 1);
	assert_int_equal(act(f, code, CASEACT_REPLY, longtext),
	    CASEACT_TOO_LONG);
	free(longtext);
	assert_int_equal(act(f, code, CASEACT_REPLY, ""), CASEACT_NO_TEXT);
	assert_int_equal(act(f, code, CASEACT_REPLY, NULL), CASEACT_NO_TEXT);
	assert_int_equal(act(f, code, CASEACT_CLOSE, "\xff"),
	    CASEACT_BAD_TEXT);
	seen(f, code, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_string_equal(after.status, "open");

	/* An operator's case: nobody to answer, but it can be closed. */
	assert_int_equal(act(f, nobody, CASEACT_REPLY, "x"), CASEACT_NOBODY);
	assert_int_equal(act(f, nobody, CASEACT_CLOSE, "test"), CASEACT_DONE);
	seen(f, nobody, &after);
	assert_string_equal(after.events, "closed");
	assert_int_equal(after.thanks, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	log_init(0, "test_caseact");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
