/*
 * tinbao: unit tests for casefilter.c, the case list's filters that the
 * dashboard and the API share.
 *
 * Each test hands the parser a small query through the same kind of
 * getter the doors use.  Dates are local days in a fixed zone (UTC+7): a
 * day that does not exist (2026-02-31, 2025-02-29) is refused, never
 * carried into the next month; "to" reaches the next local midnight, also
 * on a daylight-saving day; "from" after "to" is refused.  An empty value
 * means "any", as an HTML form sends it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tinbao.h"

/* A query: NULL-terminated pairs of key and value. */
struct query {
	const char	*kv[16];
};

static const char *
query_get(void *arg, const char *key)
{
	struct query	*q = arg;
	size_t		 i;

	for (i = 0; q->kv[i] != NULL; i += 2)
		if (strcmp(q->kv[i], key) == 0)
			return (q->kv[i + 1]);
	return (NULL);
}

/* Parses the query given as key, value, ..., NULL into f. */
static int
parse(struct case_filter *f, ...)
{
	struct query	 q;
	va_list		 ap;
	size_t		 n = 0;
	const char	*k;

	memset(&q, 0, sizeof(q));
	va_start(ap, f);
	while ((k = va_arg(ap, const char *)) != NULL && n + 2 < 16) {
		q.kv[n++] = k;
		q.kv[n++] = va_arg(ap, const char *);
	}
	va_end(ap);
	memset(f, 0, sizeof(*f));
	return (casefilter_parse(f, query_get, &q));
}

static int
setup_tz(void **state)
{
	(void)state;
	setenv("TZ", "ICT-7", 1);	/* UTC+7, no DST */
	tzset();
	return (0);
}

static void
test_nothing(void **state)
{
	struct case_filter	 f;

	(void)state;
	assert_int_equal(parse(&f, NULL), CASEFILTER_OK);
	assert_null(f.status);
	assert_null(f.category);
	assert_null(f.school);
	assert_int_equal(f.urgent, -1);
	assert_int_equal(f.from, 0);
	assert_int_equal(f.to, 0);
	/* The dashboard's form sends every field, empty for "any". */
	assert_int_equal(parse(&f, "status", "", "category", "", "school", "",
	    "urgent", "", "from", "", "to", "", NULL), CASEFILTER_OK);
	assert_null(f.status);
	assert_null(f.category);
	assert_null(f.school);
	assert_int_equal(f.urgent, -1);
	assert_int_equal(f.from + f.to, 0);
}

static void
test_words(void **state)
{
	struct case_filter	 f;

	(void)state;
	assert_int_equal(parse(&f, "status", "acknowledged", "category",
	    "violence", "school", "MP2", "urgent", "1", NULL), CASEFILTER_OK);
	assert_string_equal(f.status, "acknowledged");
	assert_string_equal(f.category, "violence");
	assert_string_equal(f.school, "MP2");
	assert_int_equal(f.urgent, 1);
	assert_int_equal(parse(&f, "urgent", "true", NULL), CASEFILTER_OK);
	assert_int_equal(f.urgent, 1);
	assert_int_equal(parse(&f, "urgent", "0", NULL), CASEFILTER_OK);
	assert_int_equal(f.urgent, 0);
	assert_int_equal(parse(&f, "urgent", "false", NULL), CASEFILTER_OK);
	assert_int_equal(f.urgent, 0);
	/* "none": the cases no school was found for. */
	assert_int_equal(parse(&f, "school", "none", NULL), CASEFILTER_OK);
	assert_string_equal(f.school, "");

	assert_int_equal(parse(&f, "status", "lost", NULL), CASEFILTER_STATUS);
	assert_int_equal(parse(&f, "status", "Open", NULL), CASEFILTER_STATUS);
	assert_int_equal(parse(&f, "category", "Violence", NULL),
	    CASEFILTER_CATEGORY);
	assert_int_equal(parse(&f, "category", "bạo lực", NULL),
	    CASEFILTER_CATEGORY);
	assert_int_equal(parse(&f, "school", "MP2'; --", NULL),
	    CASEFILTER_SCHOOL);
	assert_int_equal(parse(&f, "school", "ABCDEFGHIJKLMNOP", NULL),
	    CASEFILTER_SCHOOL);
	assert_int_equal(parse(&f, "urgent", "yes", NULL), CASEFILTER_URGENT);
	assert_int_equal(parse(&f, "triage", "untriaged", NULL), CASEFILTER_OK);
	assert_string_equal(f.triage, "untriaged");
	assert_int_equal(parse(&f, "triage", "triaged", NULL), CASEFILTER_OK);
	assert_string_equal(f.triage, "triaged");
	assert_int_equal(parse(&f, "triage", "", NULL), CASEFILTER_OK);
	assert_null(f.triage);
	assert_int_equal(parse(&f, "triage", "Untriaged", NULL),
	    CASEFILTER_TRIAGE);
	/* The first bad parameter is the one named. */
	assert_int_equal(parse(&f, "status", "x", "urgent", "x", NULL),
	    CASEFILTER_STATUS);
}

static void
test_dates(void **state)
{
	static const char *bad[] = { "2026-02-31", "2026-02-30", "2025-02-29",
	    "2026-04-31", "2026-13-01", "2026-00-10", "2026-11-2",
	    "2026/11/28", "28/11/2026", "2026-11-28x", "2026-11-28T00:00",
	    " 2026-11-28", "yesterday", "1969-12-31" };
	struct case_filter	 f;
	size_t			 i;

	(void)state;
	assert_int_equal(parse(&f, "from", "2026-11-28", "to", "2026-11-28",
	    NULL), CASEFILTER_OK);
	assert_int_equal(f.from, 1795798800);	/* 2026-11-27T17:00:00Z */
	assert_int_equal(f.to - f.from, 86400);	/* the whole day of "to" */
	assert_int_equal(parse(&f, "from", "2024-02-29", NULL), CASEFILTER_OK);
	assert_int_equal(parse(&f, "to", "2026-02-28", NULL), CASEFILTER_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&f, "from", bad[i], NULL),
		    CASEFILTER_FROM);
		assert_int_equal(parse(&f, "to", bad[i], NULL), CASEFILTER_TO);
	}
	assert_int_equal(parse(&f, "from", "2026-11-02", "to", "2026-11-01",
	    NULL), CASEFILTER_RANGE);
	assert_int_equal(parse(&f, "from", "2026-11-01", "to", "2026-11-02",
	    NULL), CASEFILTER_OK);

	/* A 23-hour day: "to" ends at the next local midnight. */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	assert_int_equal(parse(&f, "from", "2026-03-29", "to", "2026-03-29",
	    NULL), CASEFILTER_OK);
	assert_int_equal(f.to - f.from, 23 * 3600);
	setup_tz(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_words),
		cmocka_unit_test_setup(test_dates, setup_tz),
	};

	return (cmocka_run_group_tests(tests, setup_tz, NULL));
}
