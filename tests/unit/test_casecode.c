/*
 * tinbao: unit tests for casecode.c.
 *
 * Case codes are random, 4 to 6 characters from CASECODE_ALPHABET, with at
 * least one letter and one digit.  The tests generate many codes and check
 * their shape, then feed casecode_is_valid and casecode_normalize the
 * look-alikes, wrong lengths and words a user might type.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tinbao.h"

#define NGEN	2000

static int	 setup(void **);
static void	 check_shape(const char *, int);

/* libsodium must be initialised before randombytes_uniform. */
static int
setup(void **state)
{
	(void)state;
	return (secret_init());
}

/* Checks one generated code character by character. */
static void
check_shape(const char *code, int len)
{
	int	 i, letters = 0, digits = 0;

	assert_int_equal(strlen(code), (size_t)len);
	for (i = 0; i < len; i++) {
		assert_non_null(strchr(CASECODE_ALPHABET, code[i]));
		if (isdigit((unsigned char)code[i]))
			digits++;
		else if (isupper((unsigned char)code[i]))
			letters++;
		else
			fail_msg("code %s: odd character 0x%02x", code,
			    (unsigned char)code[i]);
	}
	assert_true(letters >= 1);
	assert_true(digits >= 1);
	assert_int_equal(casecode_is_valid(code), 1);
}

/* Every generated code, of each allowed length, has the right shape. */
static void
test_generate_shape(void **state)
{
	char	 buf[8];
	int	 len, i;

	(void)state;
	for (len = 4; len <= 6; len++)
		for (i = 0; i < NGEN; i++) {
			memset(buf, 'x', sizeof(buf));
			assert_int_equal(casecode_generate(buf, sizeof(buf),
			    len), 0);
			check_shape(buf, len);
			/* Never a verb glued to a code (smscmd.c reads it so). */
			if (len == 6) {
				assert_true(strncmp(buf, "TT", 2) != 0);
				assert_true(strncmp(buf, "KC", 2) != 0);
				assert_true(strcmp(buf + 4, "TT") != 0);
				assert_true(strcmp(buf + 4, "KC") != 0);
			}
		}
}

/* Lengths outside 4..6 and a buffer with no room for the NUL fail. */
static void
test_generate_bad_args(void **state)
{
	char	 buf[8];

	(void)state;
	assert_int_equal(casecode_generate(buf, sizeof(buf), 3), -1);
	assert_int_equal(casecode_generate(buf, sizeof(buf), 7), -1);
	assert_int_equal(casecode_generate(buf, sizeof(buf), 0), -1);
	assert_int_equal(casecode_generate(buf, 4, 4), -1);
	assert_int_equal(casecode_generate(buf, 5, 4), 0);
	check_shape(buf, 4);
}

/* Codes are random: many draws give many distinct codes. */
static void
test_generate_random(void **state)
{
	char	 codes[200][8];
	int	 i, j, distinct = 0, dup;

	(void)state;
	for (i = 0; i < 200; i++)
		assert_int_equal(casecode_generate(codes[i], sizeof(codes[i]),
		    4), 0);
	for (i = 0; i < 200; i++) {
		dup = 0;
		for (j = 0; j < i; j++)
			if (strcmp(codes[i], codes[j]) == 0)
				dup = 1;
		if (!dup)
			distinct++;
	}
	/* ~370 000 possible codes: 200 draws collide rarely, if ever. */
	assert_true(distinct >= 190);
}

/* Look-alike characters are not in the alphabet. */
static void
test_valid_lookalikes(void **state)
{
	static const char	 lookalikes[] = "0O1IL2Z5S8B";
	char			 code[8];
	size_t			 i, pos;

	(void)state;
	assert_int_equal(casecode_is_valid("K7M4"), 1);
	for (i = 0; i < strlen(lookalikes); i++) {
		assert_null(strchr(CASECODE_ALPHABET, lookalikes[i]));
		for (pos = 0; pos < 4; pos++) {
			(void)strlcpy_checked(code, "K7M4", sizeof(code));
			code[pos] = lookalikes[i];
			if (casecode_is_valid(code) != 0)
				fail_msg("%s accepted", code);
		}
	}
}

/* Too short, too long, lower case, punctuation. */
static void
test_valid_shape(void **state)
{
	(void)state;
	assert_int_equal(casecode_is_valid(""), 0);
	assert_int_equal(casecode_is_valid("K7"), 0);
	assert_int_equal(casecode_is_valid("K7M"), 0);
	assert_int_equal(casecode_is_valid("K7M4"), 1);
	assert_int_equal(casecode_is_valid("K7M4A"), 1);
	assert_int_equal(casecode_is_valid("K7M4A9"), 1);
	assert_int_equal(casecode_is_valid("K7M4A9C"), 0);
	assert_int_equal(casecode_is_valid("K7M4A9CD3"), 0);
	assert_int_equal(casecode_is_valid("k7m4"), 0);
	assert_int_equal(casecode_is_valid("#K7M4"), 0);
	assert_int_equal(casecode_is_valid("K7 M4"), 0);
	assert_int_equal(casecode_is_valid("K7-M4"), 0);
	assert_int_equal(casecode_is_valid("K7M\xc3\xa9"), 0);
}

/* A code must mix letters and digits: words and numbers are not codes. */
static void
test_valid_mix(void **state)
{
	(void)state;
	assert_int_equal(casecode_is_valid("NHAN"), 0);
	assert_int_equal(casecode_is_valid("STOP"), 0);
	assert_int_equal(casecode_is_valid("XONG"), 0);
	assert_int_equal(casecode_is_valid("ACDEF"), 0);
	assert_int_equal(casecode_is_valid("4679"), 0);
	assert_int_equal(casecode_is_valid("346793"), 0);
	assert_int_equal(casecode_is_valid("A346"), 1);
	assert_int_equal(casecode_is_valid("ACD3"), 1);
}

/* A typed code: lower case and a leading '#' are accepted. */
static void
test_normalize(void **state)
{
	char	 buf[8];

	(void)state;
	assert_int_equal(casecode_normalize("k7m4", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "K7M4");
	assert_int_equal(casecode_normalize("#k7m4", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "K7M4");
	assert_int_equal(casecode_normalize("#K7m4a9", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "K7M4A9");
	assert_int_equal(casecode_normalize("K7M4", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "K7M4");

	/* still no look-alikes, words or bad lengths after folding */
	assert_int_equal(casecode_normalize("k7m0", buf, sizeof(buf)), -1);
	assert_int_equal(casecode_normalize("#stop", buf, sizeof(buf)), -1);
	assert_int_equal(casecode_normalize("nhan", buf, sizeof(buf)), -1);
	assert_int_equal(casecode_normalize("#", buf, sizeof(buf)), -1);
	assert_int_equal(casecode_normalize("", buf, sizeof(buf)), -1);
	assert_int_equal(casecode_normalize("##k7m4", buf, sizeof(buf)), -1);
	assert_int_equal(casecode_normalize("k7m4a9c", buf, sizeof(buf)), -1);

	/* the buffer bounds the output */
	assert_int_equal(casecode_normalize("k7m4", buf, 4), -1);
	assert_int_equal(casecode_normalize("k7m4", buf, 5), 0);
	assert_string_equal(buf, "K7M4");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_shape),
		cmocka_unit_test(test_generate_bad_args),
		cmocka_unit_test(test_generate_random),
		cmocka_unit_test(test_valid_lookalikes),
		cmocka_unit_test(test_valid_shape),
		cmocka_unit_test(test_valid_mix),
		cmocka_unit_test(test_normalize),
	};

	return (cmocka_run_group_tests(tests, setup, NULL));
}
