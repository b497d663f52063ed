/*
 * tinbao: unit tests for api.c's pure helpers.
 *
 * The token's encoding (base64url, RFC 4648's own test vectors), its
 * format check and its hash (stable, keyed, apart from a number's hash of
 * the same text); the Authorization header's parsing; token names; the
 * query dates, in a fixed zone and on a daylight-saving day, with the
 * dates that do not exist; the depth scan that runs before the JSON
 * parser; and the text checks behind the reply's and the outcome's limits
 * (caseact.c, which the API shares with the dashboard and the SMS door).
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

static void
test_b64url(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	static const unsigned char url[] = { 0xfb, 0xff, 0xbf };
	char	 buf[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(api_b64url((const unsigned char *)v[i].in,
		    strlen(v[i].in), buf, sizeof(buf)), strlen(v[i].out));
		assert_string_equal(buf, v[i].out);
	}
	/* The URL-safe alphabet: '-' and '_' where base64 has '+' and '/'. */
	assert_int_equal(api_b64url(url, sizeof(url), buf, sizeof(buf)), 4);
	assert_string_equal(buf, "-_-_");
	/* Too small a buffer writes nothing and says so. */
	assert_int_equal(api_b64url((const unsigned char *)"foobar", 6, buf,
	    8), 0);
	assert_int_equal(api_b64url((const unsigned char *)"foobar", 6, buf,
	    9), 8);
}

static void
test_token_format(void **state)
{
	unsigned char	 raw[32];
	char		 tok[API_TOKEN_LEN + 1];

	(void)state;
	memset(raw, 0xa5, sizeof(raw));
	strcpy(tok, API_TOKEN_PREFIX);
	assert_int_equal(api_b64url(raw, sizeof(raw), tok + 3,
	    sizeof(tok) - 3), 43);
	assert_int_equal(strlen(tok), API_TOKEN_LEN);
	assert_true(api_token_is_wellformed(tok));
	tok[10] = '+';
	assert_false(api_token_is_wellformed(tok));
	tok[10] = 'A';
	tok[0] = 'x';
	assert_false(api_token_is_wellformed(tok));
	tok[0] = 't';
	tok[API_TOKEN_LEN - 1] = '\0';
	assert_false(api_token_is_wellformed(tok));
	assert_false(api_token_is_wellformed(""));
	assert_false(api_token_is_wellformed("tb_"));
}

static void
test_token_hash(void **state)
{
	struct secret	 a, b;
	unsigned char	 h1[32], h2[32], h3[32];
	const char	*t1 = "tb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	const char	*t2 = "tb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB";

	(void)state;
	assert_int_equal(secret_init(), 0);
	memset(&a, 1, sizeof(a));
	memset(&b, 2, sizeof(b));
	api_token_hash(&a, t1, h1);
	api_token_hash(&a, t1, h2);
	assert_memory_equal(h1, h2, 32);
	api_token_hash(&a, t2, h2);
	assert_memory_not_equal(h1, h2, 32);
	/* Keyed: another key file, another hash. */
	api_token_hash(&b, t1, h2);
	assert_memory_not_equal(h1, h2, 32);
	/* Apart from the number hashes made with the same key. */
	number_hash(&a, t1, h3);
	assert_memory_not_equal(h1, h3, 32);
}

static void
test_bearer(void **state)
{
	(void)state;
	assert_string_equal(api_bearer("Bearer tb_x"), "tb_x");
	assert_string_equal(api_bearer("bearer  tb_x"), "tb_x");
	assert_string_equal(api_bearer("BEARER\ttb_x"), "tb_x");
	assert_null(api_bearer(NULL));
	assert_null(api_bearer("Bearer"));
	assert_null(api_bearer("Bearer   "));
	assert_null(api_bearer("Bearertb_x"));
	assert_null(api_bearer("Basic dXNlcjpwYXNz"));
	assert_null(api_bearer(""));
}

static void
test_names(void **state)
{
	char	 longname[API_NAME_MAX + 2];

	(void)state;
	assert_true(api_name_is_valid("script"));
	assert_true(api_name_is_valid("bureau.report-2026_a"));
	assert_false(api_name_is_valid(""));
	assert_false(api_name_is_valid("a b"));
	assert_false(api_name_is_valid("a:b"));
	assert_false(api_name_is_valid("Việt"));
	memset(longname, 'a', sizeof(longname));
	longname[API_NAME_MAX] = '\0';
	assert_true(api_name_is_valid(longname));
	longname[API_NAME_MAX] = 'a';
	longname[API_NAME_MAX + 1] = '\0';
	assert_false(api_name_is_valid(longname));
}

static void
test_parse_day(void **state)
{
	static const char *bad[] = { "", "2026-11-2", "2026-1-28",
	    "2026/11/28", "2026-11-28x", "2026-11-28T00:00", "2026-02-30",
	    "2026-13-01", "2026-00-10", "1969-12-31", " 2026-11-28",
	    "2025-02-29", "+026-11-28" };
	int64_t		 start, end;
	size_t		 i;

	(void)state;
	setenv("TZ", "ICT-7", 1);	/* UTC+7, no DST */
	tzset();
	assert_int_equal(stats_parse_day("2026-11-28", &start, &end), 0);
	assert_int_equal(start, 1795798800);	/* 2026-11-27T17:00:00Z */
	assert_int_equal(end - start, 86400);
	assert_int_equal(stats_parse_day("2024-02-29", &start, &end), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(stats_parse_day(bad[i], &start, &end), -1);

	/* Central Europe: 2026-03-29 has 23 hours, 2026-10-25 has 25. */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	assert_int_equal(stats_parse_day("2026-03-29", &start, &end), 0);
	assert_int_equal(end - start, 23 * 3600);
	assert_int_equal(stats_parse_day("2026-10-25", &start, &end), 0);
	assert_int_equal(end - start, 25 * 3600);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_json_depth(void **state)
{
	static const struct {
		const char	*s;
		int		 depth;
	} v[] = {
		{ "1", 0 }, { "\"x\"", 0 }, { "{}", 1 }, { "[[[]]]", 3 },
		{ "{\"a\": [1, {\"b\": []}]}", 4 },
		{ "{\"a\": \"[[[[{{{{\"}", 1 },
		{ "{\"a\": \"\\\"[[[[\"}", 1 },
		{ "{\"a\": \"\\\\\", \"b\": [[1]]}", 3 },
		{ "]]]]{", 1 },
		{ "[[[[[[[[[[", 10 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(api_json_depth(v[i].s, strlen(v[i].s)),
		    v[i].depth);
}

/* Fills buf with n copies of the UTF-8 character ch. */
static char *
repeat(const char *ch, size_t n)
{
	size_t	 len = strlen(ch), i;
	char	*buf = xcalloc(n * len + 1, 1);

	for (i = 0; i < n; i++)
		memcpy(buf + i * len, ch, len);
	return (buf);
}

/*
 * The texts behind the reply's and the outcome's limits (caseact_check,
 * what the API, the dashboard and the SMS commands all apply): characters
 * are counted, not bytes; bytes are capped too; blank and invalid UTF-8
 * are refused; an acknowledgement needs no text.
 */
static void
test_caseact_check(void **state)
{
	char	*s;

	(void)state;
	assert_int_equal(caseact_check(CASEACT_ACK, NULL), CASEACT_DONE);
	assert_int_equal(caseact_check(CASEACT_REPLY, NULL), CASEACT_NO_TEXT);
	assert_int_equal(caseact_check(CASEACT_REPLY, ""), CASEACT_NO_TEXT);
	assert_int_equal(caseact_check(CASEACT_REPLY, " \t\n"),
	    CASEACT_NO_TEXT);
	/* The outcome is optional (XONG <CASE> [outcome]), the reply not. */
	assert_int_equal(caseact_check(CASEACT_CLOSE, "  "), CASEACT_DONE);
	assert_int_equal(caseact_check(CASEACT_CLOSE, NULL), CASEACT_DONE);
	assert_int_equal(caseact_check(CASEACT_REPLY, "  "), CASEACT_NO_TEXT);
	assert_int_equal(caseact_check(CASEACT_REPLY, "công an đang tới"),
	    CASEACT_DONE);
	assert_int_equal(caseact_check(CASEACT_REPLY, "\xff"),
	    CASEACT_BAD_TEXT);
	assert_int_equal(caseact_check(CASEACT_REPLY, "a\xc3"),
	    CASEACT_BAD_TEXT);
	/* 500 three-byte characters are one reply; 501 are not. */
	s = repeat("ạ", CASEACT_REPLY_CHARS);
	assert_int_equal(caseact_check(CASEACT_REPLY, s), CASEACT_DONE);
	free(s);
	s = repeat("ạ", CASEACT_REPLY_CHARS + 1);
	assert_int_equal(caseact_check(CASEACT_REPLY, s), CASEACT_TOO_LONG);
	free(s);
	/* An outcome: 200 characters, but no more than 255 bytes. */
	s = repeat("a", CASEACT_OUTCOME_CHARS);
	assert_int_equal(caseact_check(CASEACT_CLOSE, s), CASEACT_DONE);
	free(s);
	s = repeat("a", CASEACT_OUTCOME_CHARS + 1);
	assert_int_equal(caseact_check(CASEACT_CLOSE, s), CASEACT_TOO_LONG);
	free(s);
	s = repeat("ạ", 86);		/* 258 bytes */
	assert_int_equal(caseact_check(CASEACT_CLOSE, s), CASEACT_TOO_LONG);
	free(s);
	s = repeat("ạ", 85);		/* 255 bytes */
	assert_int_equal(caseact_check(CASEACT_CLOSE, s), CASEACT_DONE);
	free(s);
	/* The actions by the names the URLs use. */
	assert_int_equal(caseact_find("ack"), CASEACT_ACK);
	assert_int_equal(caseact_find("reply"), CASEACT_REPLY);
	assert_int_equal(caseact_find("close"), CASEACT_CLOSE);
	assert_int_equal(caseact_find("reopen"), -1);
	assert_string_equal(caseact_name(CASEACT_CLOSE), "close");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_token_format),
		cmocka_unit_test(test_token_hash),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_day),
		cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_caseact_check),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
