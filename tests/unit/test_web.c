/*
 * tinbao: unit tests for the dashboard's pure helpers in web.c: HTML
 * escaping (every character that could end an attribute or open a tag, and
 * nothing else touched), the length-bounded variant, dates from forms, and
 * the Vietnamese names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tinbao.h"
#include "web.h"

/* Escapes s (n bytes, or all of it when n is 0) and returns a copy. */
static char *
esc(const char *s, size_t n)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 len;
	char		*out;

	if (n == 0)
		web_esc(b, s);
	else
		web_esc_n(b, s, n);
	len = evbuffer_get_length(b);
	out = malloc(len + 1);
	evbuffer_remove(b, out, len);
	out[len] = '\0';
	evbuffer_free(b);
	return (out);
}

static void
test_escape(void **state)
{
	char	*s;

	(void)state;
	s = esc("<script>alert(\"x\" & 'y')</script>", 0);
	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot; &amp; "
	    "&#39;y&#39;)&lt;/script&gt;");
	free(s);
	s = esc("Có người cầm dao, cứu", 0);
	assert_string_equal(s, "Có người cầm dao, cứu");
	free(s);
	s = esc("", 0);
	assert_string_equal(s, "");
	free(s);
	/* Bounded: stops at n bytes or at the end, whichever comes first. */
	s = esc("a<b>c", 3);
	assert_string_equal(s, "a&lt;b");
	free(s);
	s = esc("ab", 10);
	assert_string_equal(s, "ab");
	free(s);
}

static void
test_names(void **state)
{
	size_t	 i;

	(void)state;
	/* Every category has a Vietnamese name, different from its key. */
	for (i = 0; web_categories[i] != NULL; i++)
		assert_string_not_equal(web_category_vi(web_categories[i]),
		    web_categories[i]);
	assert_int_equal(i, CATEGORY_N);	/* category.c's table */
	assert_string_equal(web_status_vi("acknowledged"), "Đã nhận");
	assert_string_equal(web_category_vi("unknown"), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
