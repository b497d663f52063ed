/*
 * tinbao: unit tests for form.c, x-www-form-urlencoded decoding.
 *
 * What aggregators, Kannel and browsers send: %XX and '+', repeated and
 * empty keys, a '%' that is not an escape, limits on fields and lengths
 * that refuse rather than cut, UTF-8 only when asked (Kannel's UTF-16BE
 * text is raw bytes with NULs), and the UTF-16BE decoder.
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

static void
test_decode(void **state)
{
	struct form	 f;
	const char	*why = NULL, *v;
	size_t		 len;

	(void)state;
	assert_int_equal(form_parse_str(&f, "sessionId=ab&phoneNumber=%2B8491"
	    "&text=1*2*Co+dao%2bx&serviceCode=*123%23", 16, 256, FORM_F_UTF8,
	    &why), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(form_get(&f, "text", &len), "1*2*Co dao+x");
	assert_int_equal(len, 12);
	assert_string_equal(form_get(&f, "phoneNumber", NULL), "+8491");
	assert_string_equal(form_get(&f, "serviceCode", NULL), "*123#");
	assert_null(form_get(&f, "token", NULL));
	assert_null(form_get(&f, "Text", NULL));	/* keys are exact */
	form_free(&f);
	assert_int_equal(f.n, 0);

	/* Keys are decoded too; a key alone has an empty value; empty
	 * pieces are skipped; a lone '%' stays as it is. */
	assert_int_equal(form_parse_str(&f, "&&a%20b=1&flag&&c=%&d=%4&e=%zz"
	    "&f=100%25&", 16, 256, FORM_F_UTF8, &why), 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "a b", NULL), "1");
	assert_string_equal(form_get(&f, "flag", &len), "");
	assert_int_equal(len, 0);
	assert_string_equal(form_get(&f, "c", NULL), "%");
	assert_string_equal(form_get(&f, "d", NULL), "%4");
	assert_string_equal(form_get(&f, "e", NULL), "%zz");
	assert_string_equal(form_get(&f, "f", NULL), "100%");
	form_free(&f);

	/* '=' inside a value is part of it. */
	assert_int_equal(form_parse_str(&f, "q=a=b==", 16, 256, 0, &why), 0);
	assert_string_equal(form_get(&f, "q", NULL), "a=b==");
	form_free(&f);

	/* Nothing at all is an empty form, not an error. */
	assert_int_equal(form_parse_str(&f, "", 16, 256, 0, &why), 0);
	assert_int_equal(f.n, 0);
	form_free(&f);
	assert_int_equal(form_parse_str(&f, NULL, 16, 256, 0, &why), 0);
	assert_int_equal(f.n, 0);
	form_free(&f);

	/* Vietnamese, as a browser encodes it. */
	assert_int_equal(form_parse_str(&f, "t=C%C3%B3+d%E1%BA%A1o", 16, 256,
	    FORM_F_UTF8, &why), 0);
	v = form_get(&f, "t", NULL);
	assert_string_equal(v, "Có dạo");
	form_free(&f);
}

static void
test_repeated(void **state)
{
	struct form	 f;
	const char	*why;
	char		 buf[8];

	(void)state;
	/* The first value wins; the caller can see there were two. */
	assert_int_equal(form_parse_str(&f, "text=1&x=0&text=2&text=3", 16,
	    256, 0, &why), 0);
	assert_string_equal(form_get(&f, "text", NULL), "1");
	assert_int_equal(form_count(&f, "text"), 3);
	assert_int_equal(form_count(&f, "x"), 1);
	assert_int_equal(form_count(&f, "y"), 0);
	assert_int_equal(form_copy(&f, "x", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(form_copy(&f, "y", buf, sizeof(buf)), -1);
	form_free(&f);
}

static void
test_limits(void **state)
{
	struct form	 f;
	const char	*why = NULL;
	char		 buf[4];

	(void)state;
	/* Exactly the limits: accepted. */
	assert_int_equal(form_parse_str(&f, "a=1&b=2&c=3", 3, 8, 0, &why), 0);
	form_free(&f);
	assert_int_equal(form_parse_str(&f, "abcd=12345678", 3, 8, 0, &why),
	    0);
	form_free(&f);
	/* The limit counts decoded bytes: %41 is one. */
	assert_int_equal(form_parse_str(&f, "k=%41%41%41%41%41%41%41%41", 3,
	    8, 0, &why), 0);
	assert_string_equal(form_get(&f, "k", NULL), "AAAAAAAA");
	form_free(&f);
	/* One over: refused, never cut. */
	why = NULL;
	assert_int_equal(form_parse_str(&f, "a=1&b=2&c=3&d=4", 3, 8, 0, &why),
	    -1);
	assert_string_equal(why, "too many fields");
	assert_int_equal(f.n, 0);
	assert_null(f.fields);
	assert_int_equal(form_parse_str(&f, "a=123456789", 3, 8, 0, &why), -1);
	assert_string_equal(why, "field too long");
	assert_int_equal(form_parse_str(&f, "abcdefghi=1", 3, 8, 0, &why), -1);
	assert_string_equal(why, "field too long");
	/* Empty pieces do not count as fields. */
	assert_int_equal(form_parse_str(&f, "a=1&&&&b=2&&&", 2, 8, 0, &why),
	    0);
	form_free(&f);
	/* form_copy refuses what does not fit its buffer. */
	assert_int_equal(form_parse_str(&f, "a=123&b=1234", 3, 8, 0, &why), 0);
	assert_int_equal(form_copy(&f, "a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "123");
	assert_int_equal(form_copy(&f, "b", buf, sizeof(buf)), -1);
	form_free(&f);
}

static void
test_utf8_and_nul(void **state)
{
	struct form	 f;
	const char	*why = NULL, *v;
	char		 buf[16];
	size_t		 len;

	(void)state;
	/* Raw bytes (Kannel's UTF-16BE text): NULs and all, with a length. */
	assert_int_equal(form_parse_str(&f, "text=%00C%00%F3&charset=UTF-16BE",
	    4, 64, 0, &why), 0);
	v = form_get(&f, "text", &len);
	assert_int_equal(len, 4);
	assert_memory_equal(v, "\0C\0\xf3", 4);
	assert_int_equal(v[4], '\0');
	/* ... but form_copy wants text. */
	assert_int_equal(form_copy(&f, "text", buf, sizeof(buf)), -1);
	form_free(&f);

	/* FORM_F_UTF8: a NUL, a lone byte, an overlong form, a surrogate. */
	why = NULL;
	assert_int_equal(form_parse_str(&f, "text=%00x", 4, 64, FORM_F_UTF8,
	    &why), -1);
	assert_string_equal(why, "not valid UTF-8 text");
	assert_int_equal(form_parse_str(&f, "text=%FF", 4, 64, FORM_F_UTF8,
	    &why), -1);
	assert_int_equal(form_parse_str(&f, "text=%C0%AF", 4, 64, FORM_F_UTF8,
	    &why), -1);
	assert_int_equal(form_parse_str(&f, "text=%ED%A0%80", 4, 64,
	    FORM_F_UTF8, &why), -1);
	assert_int_equal(form_parse_str(&f, "t%E9xt=1", 4, 64, FORM_F_UTF8,
	    &why), -1);
	/* A NUL in a key is refused even for raw values. */
	assert_int_equal(form_parse_str(&f, "te%00xt=1", 4, 64, 0, &why), -1);
	assert_string_equal(why, "NUL in a key");
	/* Raw NUL bytes in the input itself (form_parse takes a length). */
	assert_int_equal(form_parse(&f, "a=b\0c&d=e", 9, 4, 64, 0, &why), 0);
	v = form_get(&f, "a", &len);
	assert_int_equal(len, 3);
	assert_string_equal(form_get(&f, "d", NULL), "e");
	form_free(&f);
	assert_int_equal(form_parse(&f, "a=b\0c", 5, 4, 64, FORM_F_UTF8, &why),
	    -1);
}

static void
test_utf16be(void **state)
{
	static const unsigned char co[] = { 0x00, 'C', 0x00, 0xf3, 0x1e, 0xa1 };
	static const unsigned char emoji[] = { 0xd8, 0x3d, 0xde, 0x00 };
	static const unsigned char lone[] = { 0xd8, 0x3d, 0x00, 'a', 0xdc,
	    0x00, 0x00 };
	static const unsigned char nul[] = { 0x00, 0x00, 0x00, 'b' };
	unsigned char	 u16[64];
	char		*s;
	size_t		 n;

	(void)state;
	s = form_utf16be_decode(co, sizeof(co));
	assert_string_equal(s, "Có" "\xe1\xba\xa1");	/* Cóạ */
	free(s);
	s = form_utf16be_decode(emoji, sizeof(emoji));
	assert_string_equal(s, "\xf0\x9f\x98\x80");
	free(s);
	/* A lone high surrogate, a lone low one, an odd last byte. */
	s = form_utf16be_decode(lone, sizeof(lone));
	assert_string_equal(s, "\xef\xbf\xbd" "a" "\xef\xbf\xbd");
	free(s);
	/* U+0000 would end the text early: it becomes U+FFFD. */
	s = form_utf16be_decode(nul, sizeof(nul));
	assert_string_equal(s, "\xef\xbf\xbd" "b");
	free(s);
	s = form_utf16be_decode(co, 0);
	assert_string_equal(s, "");
	free(s);
	/* The inverse of text.c's encoder. */
	n = utf8_to_utf16be("Bạo lực 😀 ở cổng", u16, sizeof(u16));
	assert_true(n > 0);
	s = form_utf16be_decode(u16, n);
	assert_string_equal(s, "Bạo lực 😀 ở cổng");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_repeated),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_utf8_and_nul),
		cmocka_unit_test(test_utf16be),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
