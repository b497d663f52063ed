/*
 * tinbao: unit tests for carrier.c.
 *
 * Each carrier's prefixes in every shape a number comes in; numbers of no
 * Vietnamese mobile carrier are "any"; a prefix file adds and changes
 * entries over the built-in table, and a bad line is refused with its
 * line number.
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

static struct carrier_table *load_text(const char *, char **);

/* Writes text to a temporary file and loads it; errors into *errs. */
static struct carrier_table *
load_text(const char *text, char **errs)
{
	char			 path[] = "/tmp/tinbao-carrier-XXXXXX";
	struct carrier_table	*t;
	FILE			*f, *ef;
	size_t			 len;
	int			 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(ef = open_memstream(errs, &len));
	t = carrier_table_load(path, ef);
	assert_int_equal(fclose(ef), 0);
	unlink(path);
	return (t);
}

/* The built-in table, numbers in E.164 and national form. */
static void
test_builtin(void **state)
{
	const struct carrier_table	*t = carrier_table_default();

	(void)state;
	assert_int_equal(carrier_of(t, "+84987800001"), CARRIER_VIETTEL);
	assert_int_equal(carrier_of(t, "0987800001"), CARRIER_VIETTEL);
	assert_int_equal(carrier_of(t, "+84361234567"), CARRIER_VIETTEL);
	assert_int_equal(carrier_of(t, "+84911100001"), CARRIER_VINAPHONE);
	assert_int_equal(carrier_of(t, "84911100001"), CARRIER_VINAPHONE);
	assert_int_equal(carrier_of(t, "+84831234567"), CARRIER_VINAPHONE);
	assert_int_equal(carrier_of(t, "+84901234567"), CARRIER_MOBIFONE);
	assert_int_equal(carrier_of(t, "+84771234567"), CARRIER_MOBIFONE);
	assert_int_equal(carrier_of(t, "+84921234567"), CARRIER_VIETNAMOBILE);
	assert_int_equal(carrier_of(t, "+84591234567"), CARRIER_GMOBILE);
	/* Landlines, foreign numbers, short codes, junk: any SIM. */
	assert_int_equal(carrier_of(t, "+842723123456"), CARRIER_ANY);
	assert_int_equal(carrier_of(t, "+14155550100"), CARRIER_ANY);
	assert_int_equal(carrier_of(t, "9999"), CARRIER_ANY);
	assert_int_equal(carrier_of(t, "1900"), CARRIER_ANY);
	assert_int_equal(carrier_of(t, ""), CARRIER_ANY);
	assert_int_equal(carrier_of(t, "+84"), CARRIER_ANY);
	assert_int_equal(carrier_of(t, "+8498x"), CARRIER_ANY);
	assert_int_equal(carrier_of(NULL, "+84987800001"), CARRIER_VIETTEL);
}

/* Names both ways, any case; unknown names are -1. */
static void
test_names(void **state)
{
	int	 c;

	(void)state;
	for (c = 0; c < CARRIER_MAX; c++)
		assert_int_equal(carrier_from_name(carrier_name(c)), c);
	assert_int_equal(carrier_from_name("VinaPhone"), CARRIER_VINAPHONE);
	assert_int_equal(carrier_from_name("telstra"), -1);
	assert_string_equal(carrier_name(99), "any");
}

/* A file adds a prefix, moves one, and the longest prefix wins. */
static void
test_file(void **state)
{
	struct carrier_table	*t;
	char			*errs = NULL;

	(void)state;
	t = load_text("# local changes\n"
	    "\n"
	    "052 vietnamobile   ; a new range\n"
	    "+8487 viettel\n"
	    "09876 mobifone\n", &errs);
	assert_non_null(t);
	assert_string_equal(errs, "");
	assert_int_equal(carrier_of(t, "+84521234567"), CARRIER_VIETNAMOBILE);
	assert_int_equal(carrier_of(t, "+84871234567"), CARRIER_VIETTEL);
	assert_int_equal(carrier_of(t, "+84987612345"), CARRIER_MOBIFONE);
	assert_int_equal(carrier_of(t, "+84987800001"), CARRIER_VIETTEL);
	assert_int_equal(carrier_of(t, "+84911100001"), CARRIER_VINAPHONE);
	carrier_table_free(t);
	free(errs);
}

/* Every bad line is reported, and nothing is loaded. */
static void
test_file_errors(void **state)
{
	struct carrier_table	*t;
	char			*errs = NULL;

	(void)state;
	t = load_text("086 viettel\n"
	    "087\n"
	    "088 telstra\n"
	    "abc viettel\n"
	    "089 mobifone extra\n", &errs);
	assert_null(t);
	assert_non_null(strstr(errs, ":2: expected"));
	assert_non_null(strstr(errs, ":3: expected"));
	assert_non_null(strstr(errs, ":4: expected"));
	assert_non_null(strstr(errs, ":5: expected"));
	assert_null(strstr(errs, ":1: "));
	free(errs);
	errs = NULL;
	/* An empty file is the built-in table. */
	assert_non_null(t = load_text("", &errs));
	assert_int_equal(carrier_of(t, "+84987800001"), CARRIER_VIETTEL);
	carrier_table_free(t);
	free(errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_errors),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
