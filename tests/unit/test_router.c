/*
 * tinbao: unit tests for router.c (with handlers/h_report.c).
 *
 * Each test has its own directory from mkdtemp with a key file and a
 * migrated database, and a router over them with a zeroed configuration.
 * Messages are built by hand as the modem worker would release them and
 * passed to router_receive; the outcome is read back with SQL.
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

#define SENDER	"0912 345 678"
#define NOW	1718000000
/* "Bạn Minh lớp 7A bị đánh sau giờ học" */
#define REPORT	"B\xe1\xba\xa1n Minh l\xe1\xbb\x9bp 7A b\xe1\xbb\x8b " \
		"\xc4\x91\xc3\xa1nh sau gi\xe1\xbb\x9d h\xe1\xbb\x8d" "c"

struct fixture {
	char		 dir[64];
	char		 db[96];
	char		 key[96];
	struct secret	 sec;
	struct config	 conf;
	struct store	*st;
	struct router	 r;
};

static int	 setup(void **);
static int	 teardown(void **);
static int64_t	 qint(struct fixture *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static char	*qtext(struct fixture *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 sms_init(struct sms_in *, struct sms_part *, int,
		    const char *);

/* A key, a migrated database and a router over them. */
static int
setup(void **state)
{
	struct fixture	*f;
	int		 from, to;

	f = xcalloc(1, sizeof(*f));
	*state = f;
	(void)strlcpy_checked(f->dir, "/tmp/tinbao-router-XXXXXX",
	    sizeof(f->dir));
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	(void)snprintf(f->db, sizeof(f->db), "%s/tinbao.db", f->dir);
	(void)snprintf(f->key, sizeof(f->key), "%s/key", f->dir);
	if (secret_create(f->key) != 1 || secret_load(f->key, &f->sec) == -1)
		return (-1);
	if ((f->st = store_open(f->db, 1)) == NULL ||
	    store_migrate(f->st, &from, &to) == -1)
		return (-1);
	memset(&f->conf, 0, sizeof(f->conf));
	router_init(&f->r, f->st, &f->sec, &f->conf);
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

/*
 * Runs a formatted query (sqlite3_mprintf, so %s is not quoted) that returns
 * one integer; 0 for no row.
 */
static int64_t
qint(struct fixture *f, const char *fmt, ...)
{
	sqlite3_stmt	*s;
	va_list		 ap;
	char		*sql;
	int64_t		 v = 0;

	va_start(ap, fmt);
	assert_non_null(sql = sqlite3_vmprintf(fmt, ap));
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(store_db(f->st), sql, -1, &s,
	    NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_free(sql);
	return (v);
}

/* Runs a formatted query that returns one text; NULL for no row. */
static char *
qtext(struct fixture *f, const char *fmt, ...)
{
	sqlite3_stmt	*s;
	va_list		 ap;
	char		*sql, *v = NULL;

	va_start(ap, fmt);
	assert_non_null(sql = sqlite3_vmprintf(fmt, ap));
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(store_db(f->st), sql, -1, &s,
	    NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_free(sql);
	return (v);
}

/* A single SMS from SENDER with one part holding text. */
static void
sms_init(struct sms_in *sms, struct sms_part *parts, int nparts,
    const char *text)
{
	memset(sms, 0, sizeof(*sms));
	memset(parts, 0, (size_t)nparts * sizeof(*parts));
	sms->token = 1;
	(void)strlcpy_checked(sms->sender, SENDER, sizeof(sms->sender));
	(void)strlcpy_checked(sms->smsc, "+84980200030", sizeof(sms->smsc));
	sms->smsc_time = NOW - 5;
	sms->concat_ref = -1;
	sms->parts_total = 1;
	sms->nparts = nparts;
	sms->parts = parts;
	sms->transport = "sms";
	parts[0].partno = 1;
	parts[0].text = (char *)(uintptr_t)text;
}

/* One report: one case, one queued ack with the code and 113 and 111. */
static void
test_single(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 part;
	struct router_result	 res;
	int64_t			 case_id;
	char			*t;

	sms_init(&sms, &part, 1, REPORT);
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_int_equal(res.duplicate, 0);
	assert_int_equal(res.joined, 0);
	assert_true(res.message_id > 0);
	assert_int_equal(casecode_is_valid(res.case_code), 1);

	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 1);
	case_id = qint(f, "SELECT id FROM cases WHERE code = '%s'",
	    res.case_code);
	assert_true(case_id > 0);
	t = qtext(f, "SELECT text FROM cases WHERE id = %lld",
	    (long long)case_id);
	assert_string_equal(t, REPORT);
	free(t);
	assert_int_equal(qint(f, "SELECT case_id FROM messages WHERE id = %lld",
	    (long long)res.message_id), case_id);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM message_parts"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM events WHERE"
	    " case_id = %lld AND type = 'received'", (long long)case_id), 1);

	/* exactly one reply, an ack, by reporter and not by number */
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox WHERE"
	    " kind = 'ack' AND status = 'queued' AND case_id = %lld AND"
	    " number IS NULL AND reporter_id IS NOT NULL",
	    (long long)case_id), 1);
	t = qtext(f, "SELECT text FROM outbox WHERE kind = 'ack'");
	assert_non_null(t);
	assert_non_null(strstr(t, res.case_code));
	assert_non_null(strstr(t, "113"));
	assert_non_null(strstr(t, "111"));
	assert_null(strstr(t, "Minh"));
	assert_null(strstr(t, "\xc4\x91\xc3\xa1nh"));	/* "đánh" */
	assert_true(utf8_is_valid(t, strlen(t)));
	free(t);

	/* the reporter is known by hash, never by number */
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM reporters"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM reporters WHERE"
	    " instr(CAST(number_enc AS TEXT), '912345678') > 0 OR"
	    " instr(alias, '912345678') > 0"), 0);
}

/* The same message read again is a duplicate and makes nothing new. */
static void
test_duplicate(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 part;
	struct router_result	 res, res2;

	sms_init(&sms, &part, 1, REPORT);
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_int_equal(res.duplicate, 0);
	assert_int_equal(router_receive(&f->r, &sms, NOW + 60, &res2), 0);
	assert_int_equal(res2.duplicate, 1);
	assert_string_equal(res2.case_code, "");
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM messages"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM message_parts"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"), 1);

	/*
	 * The same text at another SMSC time is a new message, but the same
	 * reporter repeating it within the hour: it goes on the same case.
	 */
	sms.smsc_time += 100;
	assert_int_equal(router_receive(&f->r, &sms, NOW + 120, &res2), 0);
	assert_int_equal(res2.duplicate, 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM messages"), 2);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM events"
	    " WHERE type = 'repeat'"), 1);
	/* from the same reporter */
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM reporters"), 1);
}

/* Parts {1,3} released incomplete, then part 2: one message, in order. */
static void
test_late_part(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 parts[2];
	struct router_result	 res, res2;
	int64_t			 case_id, mid;
	char			*t;

	sms_init(&sms, parts, 2, "AAAA ");
	sms.concat_ref = 77;
	sms.parts_total = 3;
	sms.flags = SMS_F_INCOMPLETE;
	parts[1].partno = 3;
	parts[1].text = (char *)(uintptr_t)"CCCC.";
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_int_equal(res.joined, 0);
	assert_int_equal(casecode_is_valid(res.case_code), 1);
	mid = res.message_id;
	case_id = qint(f, "SELECT id FROM cases WHERE code = '%s'",
	    res.case_code);
	t = qtext(f, "SELECT text FROM cases WHERE id = %lld",
	    (long long)case_id);
	assert_string_equal(t, "AAAA CCCC.");
	free(t);

	/* part 2 alone, a minute later */
	sms_init(&sms, parts, 1, "BBBB ");
	sms.concat_ref = 77;
	sms.parts_total = 3;
	sms.flags = SMS_F_INCOMPLETE;
	parts[0].partno = 2;
	sms.token = 2;
	assert_int_equal(router_receive(&f->r, &sms, NOW + 60, &res2), 0);
	assert_int_equal(res2.duplicate, 0);
	assert_int_equal(res2.joined, 1);

	assert_int_equal(qint(f, "SELECT COUNT(*) FROM messages"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM message_parts"
	    " WHERE message_id = %lld", (long long)mid), 3);
	t = qtext(f, "SELECT text FROM messages WHERE id = %lld",
	    (long long)mid);
	assert_string_equal(t, "AAAA BBBB CCCC.");
	free(t);
	assert_int_equal(qint(f, "SELECT parts_have FROM messages"
	    " WHERE id = %lld", (long long)mid), 3);
	t = qtext(f, "SELECT text FROM cases WHERE id = %lld",
	    (long long)case_id);
	assert_string_equal(t, "AAAA BBBB CCCC.");
	free(t);
	assert_int_equal(qint(f, "SELECT updated_at FROM cases"
	    " WHERE id = %lld", (long long)case_id), NOW + 60);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM events WHERE"
	    " case_id = %lld AND type = 'late_part'", (long long)case_id), 1);
	t = qtext(f, "SELECT detail FROM events WHERE type = 'late_part'");
	assert_string_equal(t, "parts=3/3");
	free(t);
	/* one ack only, for the first delivery */
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"), 1);

	/* the late part read again is a duplicate */
	assert_int_equal(router_receive(&f->r, &sms, NOW + 120, &res2), 0);
	assert_int_equal(res2.duplicate, 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM message_parts"), 3);
}

/*
 * Parts 2 and 3 committed as an incomplete message, then read again with
 * part 1 (the delete never happened): each part keeps its own SMSC time in
 * its key, so 2 and 3 are recognised and only part 1 is added.
 */
static void
test_reread_with_first_part(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 parts[3];
	struct router_result	 res;

	sms_init(&sms, parts, 2, "BBBB ");
	sms.concat_ref = 91;
	sms.parts_total = 3;
	sms.flags = SMS_F_INCOMPLETE;
	parts[0].partno = 2;
	parts[0].smsc_time = NOW - 4;
	parts[1].partno = 3;
	parts[1].text = (char *)(uintptr_t)"CCCC.";
	parts[1].smsc_time = NOW - 4;
	sms.smsc_time = NOW - 4;
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 1);

	/* All three, linked: part 1 is a second older than the others. */
	sms_init(&sms, parts, 3, "AAAA ");
	sms.concat_ref = 91;
	sms.parts_total = 3;
	sms.smsc_time = NOW - 5;	/* part 1's time, as the modem gives */
	parts[0].smsc_time = NOW - 5;
	parts[1].partno = 2;
	parts[1].text = (char *)(uintptr_t)"BBBB ";
	parts[1].smsc_time = NOW - 4;
	parts[2].partno = 3;
	parts[2].text = (char *)(uintptr_t)"CCCC.";
	parts[2].smsc_time = NOW - 4;
	assert_int_equal(router_receive(&f->r, &sms, NOW + 30, &res), 0);
	assert_int_equal(res.duplicate, 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM messages"), 1);
	assert_int_equal(qint(f, "SELECT parts_have FROM messages"), 3);
	assert_int_equal(qint(f, "SELECT text = 'AAAA BBBB CCCC.' FROM cases"),
	    1);
	/* and a third read of everything is a duplicate */
	assert_int_equal(router_receive(&f->r, &sms, NOW + 60, &res), 0);
	assert_int_equal(res.duplicate, 1);
}

/* Once every part is there, the message is no longer marked incomplete. */
static void
test_late_part_flags(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 parts[2];
	struct router_result	 res;

	sms_init(&sms, parts, 2, "AAAA ");
	sms.concat_ref = 78;
	sms.parts_total = 3;
	sms.flags = SMS_F_INCOMPLETE;
	parts[1].partno = 3;
	parts[1].text = (char *)(uintptr_t)"CCCC.";
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_int_equal(qint(f, "SELECT flags & %d FROM messages",
	    SMS_F_INCOMPLETE), SMS_F_INCOMPLETE);
	sms_init(&sms, parts, 1, "BBBB ");
	sms.concat_ref = 78;
	sms.parts_total = 3;
	sms.flags = SMS_F_INCOMPLETE;
	parts[0].partno = 2;
	assert_int_equal(router_receive(&f->r, &sms, NOW + 60, &res), 0);
	assert_int_equal(res.joined, 1);
	assert_int_equal(qint(f, "SELECT parts_have FROM messages"), 3);
	assert_int_equal(qint(f, "SELECT flags & %d FROM messages",
	    SMS_F_INCOMPLETE), 0);
}

/* 8-bit data is kept as a message but makes no case and no reply. */
static void
test_binary(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 part;
	struct router_result	 res;

	sms_init(&sms, &part, 1, "0b05040b8423f0");
	sms.flags = SMS_F_BINARY;
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_true(res.message_id > 0);
	assert_string_equal(res.case_code, "");
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM messages"), 1);
	assert_int_equal(qint(f, "SELECT flags FROM messages"), SMS_F_BINARY);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"), 0);
}

/* An empty (or blank) message makes no case and gets the help text. */
static void
test_empty(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 part;
	struct router_result	 res;
	char			*t;

	sms_init(&sms, &part, 1, "");
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_true(res.message_id > 0);
	assert_string_equal(res.case_code, "");
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox WHERE"
	    " kind = 'help' AND case_id IS NULL AND status = 'queued'"), 1);
	t = qtext(f, "SELECT text FROM outbox");
	assert_string_equal(t, REPLY_HELP);
	free(t);

	/* white space only is empty too */
	sms_init(&sms, &part, 1, " \r\n\t ");
	sms.smsc_time += 10;
	assert_int_equal(router_receive(&f->r, &sms, NOW + 10, &res), 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"
	    " WHERE kind = 'help'"), 2);
}

/* A reporter who sent STOP gets a case but no ack; the case says so. */
static void
test_silent(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 part;
	struct router_result	 res;
	int64_t			 case_id;
	char			*t;

	sms_init(&sms, &part, 1, REPORT);
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"), 1);
	assert_int_equal(sqlite3_exec(store_db(f->st),
	    "UPDATE reporters SET silent = 1", NULL, NULL, NULL), SQLITE_OK);

	sms.smsc_time += 100;
	part.text = (char *)(uintptr_t)"Lại bị đánh hôm nay";
	assert_int_equal(router_receive(&f->r, &sms, NOW + 100, &res), 0);
	assert_int_equal(casecode_is_valid(res.case_code), 1);
	case_id = qint(f, "SELECT id FROM cases WHERE code = '%s'",
	    res.case_code);
	assert_true(case_id > 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 2);
	/* still only the first ack */
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM outbox"
	    " WHERE case_id = %lld", (long long)case_id), 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM events WHERE"
	    " case_id = %lld AND type = 'reply_suppressed'",
	    (long long)case_id), 1);
	t = qtext(f, "SELECT detail FROM events WHERE"
	    " type = 'reply_suppressed'");
	assert_string_equal(t, "ack");
	free(t);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM events WHERE"
	    " case_id = %lld AND type = 'reply_queued'", (long long)case_id),
	    0);
}

/* The same phone in another shape is the same reporter. */
static void
test_sender_shapes(void **state)
{
	struct fixture		*f = *state;
	struct sms_in		 sms;
	struct sms_part		 part;
	struct router_result	 res;

	sms_init(&sms, &part, 1, REPORT);
	assert_int_equal(router_receive(&f->r, &sms, NOW, &res), 0);
	(void)strlcpy_checked(sms.sender, "+84912345678", sizeof(sms.sender));
	sms.smsc_time += 1;
	part.text = (char *)(uintptr_t)"Một tin khác từ cùng số máy";
	assert_int_equal(router_receive(&f->r, &sms, NOW + 1, &res), 0);
	assert_int_equal(res.duplicate, 0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM cases"), 2);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM reporters"), 1);
	assert_int_equal(qint(f, "SELECT COUNT(DISTINCT reporter_id)"
	    " FROM cases"), 1);
}

/*
 * router_tally: the counters every transport bumps after a commit, each
 * in its own counter; a failure counts as recent until the next success.
 * No outbox attached: nothing is kicked.
 */
static void
test_tally(void **state)
{
	struct fixture	*f = *state;
	struct status	 st;

	memset(&st, 0, sizeof(st));
	f->r.status = &st;
	router_tally(&f->r, "sms", 1, 0, 0);
	router_tally(&f->r, "sms", 0, 1, 0);
	router_tally(&f->r, "kannel", 3, 1, 0);
	router_tally(&f->r, "ussd", 1, 0, 0);
	assert_int_equal(st.sms_in, 1);
	assert_int_equal(st.kannel_in, 3);
	assert_int_equal(st.ussd_in, 1);
	assert_int_equal(st.sms_dup, 2);
	router_tally(&f->r, "kannel", 0, 0, 2);
	router_tally(&f->r, "sms", 0, 0, 1);
	assert_int_equal(st.store_errors, 3);
	assert_int_equal(st.store_errors_recent, 3);
	router_tally(&f->r, "ussd", 1, 0, 0);
	assert_int_equal(st.store_errors, 3);
	assert_int_equal(st.store_errors_recent, 0);
	f->r.status = NULL;
	router_tally(&f->r, "sms", 1, 0, 0);	/* no status: no crash */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_late_part, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_late_part_flags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_with_first_part,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tally, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_shapes, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
