/*
 * tinbao: unit tests for phone.c.
 *
 * The same Vietnamese mobile written the ways people and carriers write it
 * must normalise to one E.164 string; short codes stay as they are and
 * anything that is not a number is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tinbao.h"

static void	 expect_norm(const char *, const char *);
static void	 expect_bad(const char *);

/* Normalises in and expects want. */
static void
expect_norm(const char *in, const char *want)
{
	char	 out[NUMBER_MAX];

	memset(out, 'x', sizeof(out));
	if (phone_normalize(in, out, sizeof(out)) != 0)
		fail_msg("\"%s\" refused, expected %s", in, want);
	if (strcmp(out, want) != 0)
		fail_msg("\"%s\" -> \"%s\", expected %s", in, out, want);
}

/* Expects in to be refused. */
static void
expect_bad(const char *in)
{
	char	 out[NUMBER_MAX];

	if (phone_normalize(in, out, sizeof(out)) != -1)
		fail_msg("\"%s\" accepted as \"%s\"", in, out);
}

/* One mobile number in every usual shape. */
static void
test_normalize_shapes(void **state)
{
	(void)state;
	expect_norm("0912345678", "+84912345678");
	expect_norm("0912 345 678", "+84912345678");
	expect_norm("0912.345.678", "+84912345678");
	expect_norm("0912-345-678", "+84912345678");
	expect_norm("84912345678", "+84912345678");
	expect_norm("+84912345678", "+84912345678");
	expect_norm("+84 912 345 678", "+84912345678");
	expect_norm("+84 912.345.678", "+84912345678");
	expect_norm("0084912345678", "+84912345678");
	expect_norm("(091) 234-5678", "+84912345678");
	expect_norm("  0912345678", "+84912345678");
	/* 11-digit national numbers (old mobile, Hanoi landline) */
	expect_norm("01212345678", "+841212345678");
	expect_norm("024 3825 3535", "+842438253535");
	/* other countries keep their code */
	expect_norm("+33612345678", "+33612345678");
	expect_norm("0033612345678", "+33612345678");
}

/* Short codes (3 to 6 digits) stay as they are. */
static void
test_normalize_short(void **state)
{
	(void)state;
	expect_norm("9999", "9999");
	expect_norm("113", "113");
	expect_norm("111", "111");
	expect_norm("123456", "123456");
	expect_norm("99 99", "9999");
}

/* Letters, nothing, too few or too many digits are not numbers. */
static void
test_normalize_bad(void **state)
{
	char	 out[NUMBER_MAX];

	(void)state;
	expect_bad("");
	expect_bad("   ");
	expect_bad("+");
	expect_bad("12");
	expect_bad("VIETTEL");
	expect_bad("0912a45678");
	expect_bad("0912345678x");
	expect_bad("091234567O");
	expect_bad("+84 912 345 678 ext");
	expect_bad("0912/345/678");
	expect_bad("0912_345_678");
	expect_bad("84+912345678");
	expect_bad("++84912345678");
	/* 7 to 9 bare digits: neither short code nor national number */
	expect_bad("1234567");
	expect_bad("912345678");
	/* a national number of 12 digits */
	expect_bad("091234567890");
	/* too long for E.164 */
	expect_bad("+8491234567890123");
	expect_bad("008491234567890123");
	/* 15 digits is the E.164 maximum */
	expect_norm("00849123456789012", "+849123456789012");
	expect_bad("0000000000000000000000000000000000000000");
	expect_bad("+123456789012345678901234567890123456789");
	/* E.164 too short */
	expect_bad("+841234");

	/* the output buffer bounds the result */
	assert_int_equal(phone_normalize("0912345678", out, 12), -1);
	assert_int_equal(phone_normalize("0912345678", out, 13), 0);
	assert_string_equal(out, "+84912345678");
}

/* phone_is_number: digits and separators, at least three digits. */
static void
test_is_number(void **state)
{
	(void)state;
	assert_int_equal(phone_is_number("+84912345678"), 1);
	assert_int_equal(phone_is_number("0912 345 678"), 1);
	assert_int_equal(phone_is_number("(091) 234-5678"), 1);
	assert_int_equal(phone_is_number("0912.345.678"), 1);
	assert_int_equal(phone_is_number("113"), 1);
	assert_int_equal(phone_is_number("12"), 0);
	assert_int_equal(phone_is_number(""), 0);
	assert_int_equal(phone_is_number("+ - ."), 0);
	assert_int_equal(phone_is_number("VIETTEL"), 0);
	assert_int_equal(phone_is_number("Viettel123"), 0);
	assert_int_equal(phone_is_number("0912345678a"), 0);
	assert_int_equal(phone_is_number("0912/345"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_shapes),
		cmocka_unit_test(test_normalize_short),
		cmocka_unit_test(test_normalize_bad),
		cmocka_unit_test(test_is_number),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
