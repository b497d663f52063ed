/*
 * tinbao: unit tests for handlers/normalize.c (cmocka).
 *
 * Folding, accents, teen spellings, squeezing, clause marks, and hostile
 * input: invalid UTF-8, truncated sequences, overlong words, empty input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tinbao.h"
#include "normalize.h"

static void	assert_fold(const char *, const char *);
static uint64_t	acc_of(const char *);

static void
assert_fold(const char *in, const char *want)
{
	char	*got = normalize_fold(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

static uint64_t
acc_of(const char *word)
{
	struct normalizer	 n;
	struct norm_token	 t;

	normalize_init(&n, word, strlen(word));
	assert_int_equal(normalize_next(&n, &t), 1);
	return (t.acc);
}

static void
test_fold_basic(void **state)
{
	(void)state;
	assert_fold("Cứu EM VỚI", "cuu em voi");
	assert_fold("ĐÁNH ĐẬP đâm chém", "danh dap dam chem");
	assert_fold("Trường THCS Mỹ Phú", "truong thcs my phu");
	assert_fold("  ...  ", "");
	assert_fold("", "");
	/* ð (U+00F0) and Ð (U+00D0), sent by some phones for đ */
	assert_fold("\xc3\x90\xc3\xa1nh \xc3\xb0\xc3\xa1nh", "danh danh");
	/* Other scripts keep their letters, lower-cased. */
	assert_fold("ÀÉ ÖSTERREICH", "ae osterreich");
}

static void
test_fold_nfd(void **state)
{
	(void)state;
	/* "tiếng" decomposed: e + circumflex + acute */
	assert_fold("ti\x65\xcc\x82\xcc\x81ng", "tieng");
	assert_true(acc_of("ti\x65\xcc\x82\xcc\x81ng") == acc_of("tiếng"));
	/* marks in the other order are the same word */
	assert_true(acc_of("ti\x65\xcc\x81\xcc\x82ng") == acc_of("tiếng"));
}

static void
test_accents(void **state)
{
	(void)state;
	/* tone placement: old and new style are one word */
	assert_true(acc_of("tuý") == acc_of("túy"));
	assert_true(acc_of("hoà") == acc_of("hòa"));
	assert_true(acc_of("ĐÁNH") == acc_of("đánh"));
	/* different accents are different words */
	assert_true(acc_of("đám") != acc_of("đâm"));
	assert_true(acc_of("cháy") != acc_of("chạy"));
	assert_true(acc_of("dam") != acc_of("đâm"));
}

static void
test_flags(void **state)
{
	struct normalizer	 n;
	struct norm_token	 t;
	const char		*s = "đánh, lop 7A";

	(void)state;
	normalize_init(&n, s, strlen(s));
	assert_int_equal(normalize_next(&n, &t), 1);
	assert_string_equal(t.fold, "danh");
	assert_true(t.flags & NORM_F_MARKS);
	assert_false(t.flags & NORM_F_CLAUSE);
	assert_int_equal(t.off, 0);
	assert_int_equal(t.len, strlen("đánh"));
	assert_int_equal(normalize_next(&n, &t), 1);
	assert_string_equal(t.fold, "lop");
	assert_true(t.flags & NORM_F_CLAUSE);
	assert_false(t.flags & NORM_F_MARKS);
	assert_int_equal(normalize_next(&n, &t), 1);
	assert_string_equal(t.fold, "7a");
	assert_true(t.flags & NORM_F_DIGIT);
	assert_int_equal(normalize_next(&n, &t), 0);
	assert_int_equal(normalize_next(&n, &t), 0);
}

static void
test_teen(void **state)
{
	(void)state;
	assert_fold("ko dc hs trg e j ng mk ns bn",
	    "khong duoc hoc sinh truong em gi nguoi minh noi ban");
	assert_fold("k hok kh đc mik", "khong khong khong duoc minh");
	assert_fold("KOOOO", "khong");
	/* laughter is not "không" */
	assert_fold("kkkk", "kkkk");
	/* a digit word is never expanded */
	assert_fold("5k", "5k");
}

static void
test_teen_flags(void **state)
{
	struct normalizer	 n;
	struct norm_token	 t;
	const char		*s = "hs";

	(void)state;
	normalize_init(&n, s, strlen(s));
	assert_int_equal(normalize_next(&n, &t), 1);
	assert_string_equal(t.fold, "hoc");
	assert_true(t.flags & NORM_F_EXPANDED);
	assert_int_equal(t.off, 0);
	assert_int_equal(t.len, 2);
	assert_int_equal(normalize_next(&n, &t), 1);
	assert_string_equal(t.fold, "sinh");
	assert_int_equal(normalize_next(&n, &t), 0);
}

static void
test_squeeze(void **state)
{
	char	 buf[NORM_FOLD_MAX];

	(void)state;
	assert_int_equal(normalize_squeeze("cuuuuu", 6, buf, sizeof(buf), 1),
	    2);
	assert_string_equal(buf, "cu");
	assert_int_equal(normalize_squeeze("cuuuuu", 6, buf, sizeof(buf), 2),
	    3);
	assert_string_equal(buf, "cuu");
	assert_int_equal(normalize_variant("xoong", 5, 1, buf, sizeof(buf)),
	    -1);
	assert_int_equal(normalize_variant("xoong", 5, 0, buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "xong");
	assert_int_equal(normalize_variant("fai", 3, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "phai");
	assert_int_equal(normalize_variant("wa", 2, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "qua");
	assert_int_equal(normalize_variant("jet", 3, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "giet");
	assert_int_equal(normalize_variant("dao", 3, 2, buf, sizeof(buf)), -1);
	assert_int_equal(normalize_variant("dao", 3, 9, buf, sizeof(buf)), -1);
	/* the fold keeps the letters: squeezing is the classifier's call */
	assert_fold("cứuuuu", "cuuuuu");
}

static void
test_invalid_utf8(void **state)
{
	char	*got;

	(void)state;
	/* stray continuation, bad lead bytes, a truncated sequence at end */
	assert_fold("\x80\xff" "ab\xfe" "cd\xc3", "ab cd");
	assert_fold("\xe1\xba", "");
	/* an overlong encoding of '/' and a surrogate are rejected */
	assert_fold("x\xc0\xafy\xed\xa0\x80w", "x y w");
	/* NUL bytes separate words and do not end the input */
	got = normalize_fold("ab\0cd", 5);
	assert_string_equal(got, "ab cd");
	free(got);
	got = normalize_accented("\xff" "Đ", 3);
	assert_string_equal(got, "\xef\xbf\xbd" "đ");
	free(got);
}

static void
test_accented_nfc(void **state)
{
	char	*got;
	const char *nfd = "Ti\x65\xcc\x82\xcc\x81ng";

	(void)state;
	got = normalize_accented(nfd, strlen(nfd));
	assert_string_equal(got, "tiếng");
	free(got);
}

static void
test_long_word(void **state)
{
	struct normalizer	 n;
	struct norm_token	 t;
	char			 buf[400];

	(void)state;
	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	memcpy(buf + 300, " ok", 4);
	normalize_init(&n, buf, strlen(buf));
	assert_int_equal(normalize_next(&n, &t), 1);
	assert_true(t.flags & NORM_F_LONG);
	assert_true(t.foldlen < NORM_FOLD_MAX);
	assert_int_equal(t.len, 300);
	assert_int_equal(normalize_next(&n, &t), 1);
	assert_string_equal(t.fold, "ok");
}

static void
test_null(void **state)
{
	struct normalizer	 n;
	struct norm_token	 t;

	(void)state;
	normalize_init(&n, NULL, 10);
	assert_int_equal(normalize_next(&n, &t), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_basic),
		cmocka_unit_test(test_fold_nfd),
		cmocka_unit_test(test_accents),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_teen),
		cmocka_unit_test(test_teen_flags),
		cmocka_unit_test(test_squeeze),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_accented_nfc),
		cmocka_unit_test(test_long_word),
		cmocka_unit_test(test_null),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
