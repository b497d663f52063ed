/*
 * tinbao: unit tests for text.c (the decoding helpers).
 *
 * utf8_is_valid must refuse everything utf8proc calls invalid (overlong
 * forms, encoded surrogates, truncated sequences) and NUL; utf8_sanitize
 * must always give valid UTF-8 and keep good text byte for byte;
 * utf8_to_utf16be must give what the modem sends for UCS-2 messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tinbao.h"

/* "Bạn tôi bị đánh ở trường" */
#define VIET	"B\xe1\xba\xa1n t\xc3\xb4i b\xe1\xbb\x8b " \
		"\xc4\x91\xc3\xa1nh \xe1\xbb\x9f tr\xc6\xb0\xe1\xbb\x9dng"
#define FFFD	"\xef\xbf\xbd"

#define VALID(s)	utf8_is_valid((s), sizeof(s) - 1)

static int	 count_fffd(const char *);

/* Counts U+FFFD in a string. */
static int
count_fffd(const char *s)
{
	int	 n = 0;

	while ((s = strstr(s, FFFD)) != NULL) {
		n++;
		s += 3;
	}
	return (n);
}

/* Good UTF-8 of every length. */
static void
test_valid_good(void **state)
{
	(void)state;
	assert_int_equal(VALID(""), 1);
	assert_int_equal(VALID("hello"), 1);
	assert_int_equal(VALID(VIET), 1);
	assert_int_equal(VALID("\xc3\xa9"), 1);			/* é */
	assert_int_equal(VALID("\xe1\xbb\x87"), 1);		/* ệ */
	assert_int_equal(VALID("\xf0\x9f\x98\x80"), 1);	/* U+1F600 */
	assert_int_equal(VALID("\xef\xbf\xbf"), 1);		/* U+FFFF */
	assert_int_equal(VALID("\xf4\x8f\xbf\xbf"), 1);	/* U+10FFFF */
	assert_int_equal(VALID("\xed\x9f\xbf"), 1);		/* U+D7FF */
	assert_int_equal(VALID("\xee\x80\x80"), 1);		/* U+E000 */
	assert_int_equal(VALID("tab\there\nnewline"), 1);
}

/* Overlong forms, surrogates, stray and truncated bytes, NUL. */
static void
test_valid_bad(void **state)
{
	(void)state;
	/* overlong */
	assert_int_equal(VALID("\xc0\x80"), 0);
	assert_int_equal(VALID("\xc1\xbf"), 0);
	assert_int_equal(VALID("\xe0\x80\xaf"), 0);
	assert_int_equal(VALID("\xe0\x9f\xbf"), 0);
	assert_int_equal(VALID("\xf0\x80\x80\xaf"), 0);
	assert_int_equal(VALID("\xf0\x8f\xbf\xbf"), 0);
	/* encoded surrogates, alone or as a CESU-8 pair */
	assert_int_equal(VALID("\xed\xa0\x80"), 0);
	assert_int_equal(VALID("\xed\xbf\xbf"), 0);
	assert_int_equal(VALID("a\xed\xa0\x80z"), 0);
	assert_int_equal(VALID("\xed\xa0\xbd\xed\xb8\x80"), 0);
	/* beyond U+10FFFF, and bytes that never occur */
	assert_int_equal(VALID("\xf4\x90\x80\x80"), 0);
	assert_int_equal(VALID("\xf5\x80\x80\x80"), 0);
	assert_int_equal(VALID("\xfe"), 0);
	assert_int_equal(VALID("\xff"), 0);
	/* stray continuation bytes */
	assert_int_equal(VALID("\x80"), 0);
	assert_int_equal(VALID("a\xbfz"), 0);
	/* truncated sequences, at the end and in the middle */
	assert_int_equal(VALID("\xc3"), 0);
	assert_int_equal(VALID("\xe1\xbb"), 0);
	assert_int_equal(VALID("\xf0\x9f\x98"), 0);
	assert_int_equal(VALID("\xe1\xbb" "a"), 0);
	assert_int_equal(VALID("abc\xe1"), 0);
	/* embedded NUL */
	assert_int_equal(VALID("a\0b"), 0);
	assert_int_equal(VALID("\0"), 0);
	/* len is honoured: the bad byte after len is not looked at */
	assert_int_equal(utf8_is_valid("ab\xff", 2), 1);
	assert_int_equal(utf8_is_valid("\xe1\xbb\x87", 2), 0);
}

/* Good text comes out byte for byte. */
static void
test_sanitize_keeps(void **state)
{
	char	*s;

	(void)state;
	s = utf8_sanitize(VIET, sizeof(VIET) - 1);
	assert_string_equal(s, VIET);
	free(s);
	s = utf8_sanitize("line1\nline2\tcol", 15);
	assert_string_equal(s, "line1\nline2\tcol");
	free(s);
	s = utf8_sanitize("\xf0\x9f\x98\x80", 4);
	assert_string_equal(s, "\xf0\x9f\x98\x80");
	free(s);
	s = utf8_sanitize("", 0);
	assert_string_equal(s, "");
	free(s);
}

/* Bad sequences become U+FFFD; a lone surrogate is exactly one. */
static void
test_sanitize_replaces(void **state)
{
	char	*s;

	(void)state;
	s = utf8_sanitize("\xed\xa0\x80", 3);
	assert_string_equal(s, FFFD);
	free(s);
	s = utf8_sanitize("a\xed\xa0\x80z", 5);
	assert_string_equal(s, "a" FFFD "z");
	free(s);
	s = utf8_sanitize("a\xffz", 3);
	assert_string_equal(s, "a" FFFD "z");
	free(s);
	s = utf8_sanitize("\xc0\x80", 2);
	assert_string_equal(s, FFFD);
	free(s);
	/* a truncated Vietnamese letter before a good one */
	s = utf8_sanitize("\xe1\xbb" "\xe1\xbb\x87", 5);
	assert_string_equal(s, FFFD "\xe1\xbb\x87");
	free(s);
	s = utf8_sanitize("abc\xe1", 4);
	assert_string_equal(s, "abc" FFFD);
	free(s);
}

/* C0 controls and DEL become spaces, NUL U+FFFD; tab and newline stay. */
static void
test_sanitize_controls(void **state)
{
	char	*s;

	(void)state;
	s = utf8_sanitize("a\x01" "b\x1b" "c\rd\x7f" "e\0f\tg\nh", 15);
	assert_string_equal(s, "a b c d e" FFFD "f\tg\nh");
	free(s);
}

/* Whatever goes in, valid UTF-8 with no NUL comes out. */
static void
test_sanitize_always_valid(void **state)
{
	unsigned char	 buf[64];
	char		*s;
	unsigned int	 seed = 1;
	int		 round, i, len;

	(void)state;
	for (round = 0; round < 20000; round++) {
		len = round % (int)sizeof(buf);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* favour lead and continuation bytes */
			buf[i] = (seed >> 16) & 1 ? (unsigned char)(0x80 |
			    ((seed >> 8) & 0x7f)) : (unsigned char)(seed >> 8);
		}
		s = utf8_sanitize((const char *)buf, len);
		if (!utf8_is_valid(s, strlen(s)))
			fail_msg("round %d: output not valid", round);
		/* never more than 3 bytes out per byte in */
		assert_true(strlen(s) <= (size_t)len * 3);
		free(s);
	}
	/* every single byte value */
	for (i = 0; i < 256; i++) {
		buf[0] = (unsigned char)i;
		s = utf8_sanitize((const char *)buf, 1);
		assert_int_equal(utf8_is_valid(s, strlen(s)), 1);
		assert_true(strlen(s) == 1 || count_fffd(s) == 1);
		free(s);
	}
}

/* UTF-16BE of ASCII, Vietnamese and a character beyond the BMP. */
static void
test_utf16(void **state)
{
	static const unsigned char ascii[] = { 0, 'H', 0, 'i' };
	static const unsigned char viet[] = { 0x1e, 0xc7, 0, 'a' };
	static const unsigned char emoji[] = { 0xd8, 0x3d, 0xde, 0x00 };
	static const unsigned char mix[] = { 0x00, 0xe9, 0xd8, 0x3d, 0xde,
	    0x00, 0x00, '!' };
	unsigned char	 out[32];

	(void)state;
	assert_int_equal(utf8_to_utf16be("Hi", out, sizeof(out)), 4);
	assert_memory_equal(out, ascii, 4);
	assert_int_equal(utf8_to_utf16be("\xe1\xbb\x87" "a", out,
	    sizeof(out)), 4);
	assert_memory_equal(out, viet, 4);
	assert_int_equal(utf8_to_utf16be("\xf0\x9f\x98\x80", out,
	    sizeof(out)), 4);
	assert_memory_equal(out, emoji, 4);
	assert_int_equal(utf8_to_utf16be("\xc3\xa9\xf0\x9f\x98\x80!", out,
	    sizeof(out)), 8);
	assert_memory_equal(out, mix, 8);
	assert_int_equal(utf8_to_utf16be("", out, sizeof(out)), 0);
}

/* A buffer one byte too small gives 0 and never writes past its end. */
static void
test_utf16_small(void **state)
{
	unsigned char	 out[8];

	(void)state;
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(utf8_to_utf16be("Hi", out, 3), 0);
	assert_int_equal(out[3], 0xaa);
	assert_int_equal(utf8_to_utf16be("Hi", out, 4), 4);
	/* a surrogate pair needs all 4 bytes */
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(utf8_to_utf16be("a\xf0\x9f\x98\x80", out, 5), 0);
	assert_int_equal(out[5], 0xaa);
	assert_int_equal(utf8_to_utf16be("a\xf0\x9f\x98\x80", out, 6), 6);
	assert_int_equal(utf8_to_utf16be("\xe1\xbb\x87", out, 1), 0);
	assert_int_equal(utf8_to_utf16be("\xe1\xbb\x87", out, 0), 0);
}

/* text_is_blank: only spaces, tabs, CR and LF. */
static void
test_blank(void **state)
{
	(void)state;
	assert_int_equal(text_is_blank(""), 1);
	assert_int_equal(text_is_blank(" "), 1);
	assert_int_equal(text_is_blank(" \t\r\n  "), 1);
	assert_int_equal(text_is_blank("a"), 0);
	assert_int_equal(text_is_blank("   .  "), 0);
	assert_int_equal(text_is_blank("\n\n x"), 0);
	assert_int_equal(text_is_blank(VIET), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_good),
		cmocka_unit_test(test_valid_bad),
		cmocka_unit_test(test_sanitize_keeps),
		cmocka_unit_test(test_sanitize_replaces),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_always_valid),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_utf16_small),
		cmocka_unit_test(test_blank),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
