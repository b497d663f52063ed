/*
 * libFuzzer harness: what the dashboard and the API parse themselves
 * before anything else sees a request: the Cookie header (web.c), the
 * Authorization header (api.c), the JSON nesting pre-check (api.c), and
 * HTML escaping of whatever a report may contain (web.c).
 *
 * The first byte picks the parser; the rest is the input.  Invariants: a
 * cookie value found is non-empty, fits its buffer and holds no ';'; a
 * bearer token points into the header, after "Bearer" and blanks; the
 * depth never goes negative, and jansson accepts nothing deeper than the
 * depth says; escaped HTML holds none of < > " ' and every '&' starts an
 * entity.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinbao.h"
#include "web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	tree_depth(json_t *);

static void
check_cookie(const char *s)
{
	char	 buf[64];
	size_t	 n;

	if (web_cookie_get(s, "tb_session", buf, sizeof(buf))) {
		n = strlen(buf);
		if (n == 0 || n >= sizeof(buf) || strchr(buf, ';') != NULL)
			abort();
	}
}

static void
check_bearer(const char *s)
{
	const char	*t = api_bearer(s);

	if (t == NULL)
		return;
	if (t < s + 7 || t > s + strlen(s) || *t == '\0' || *t == ' ' ||
	    *t == '\t' || strncasecmp(s, "Bearer", 6) != 0)
		abort();
}

/* The nesting of a parsed value: 0 for a scalar. */
static int
tree_depth(json_t *j)
{
	const char	*k;
	json_t		*v;
	size_t		 i;
	int		 d, max = 0;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if ((d = tree_depth(v)) > max)
				max = d;
		return (max + 1);
	}
	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			if ((d = tree_depth(v)) > max)
				max = d;
		return (max + 1);
	}
	return (0);
}

static void
check_depth(const char *s, size_t n)
{
	json_error_t	 e;
	json_t		*j;
	int		 d = api_json_depth(s, n);

	if (d < 0)
		abort();
	/* What jansson accepts is never nested deeper than counted. */
	if ((j = json_loadb(s, n, JSON_DECODE_ANY, &e)) != NULL) {
		if (tree_depth(j) > d)
			abort();
		json_decref(j);
	}
}

static void
check_escape(const char *s, size_t n)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 len, i;
	char		*out;

	web_esc_n(b, s, n);
	len = evbuffer_get_length(b);
	out = malloc(len + 1);
	evbuffer_remove(b, out, len);
	out[len] = '\0';
	evbuffer_free(b);
	for (i = 0; i < len; i++) {
		if (out[i] == '<' || out[i] == '>' || out[i] == '"' ||
		    out[i] == '\'')
			abort();
		if (out[i] == '&' && strncmp(out + i, "&amp;", 5) != 0 &&
		    strncmp(out + i, "&lt;", 4) != 0 &&
		    strncmp(out + i, "&gt;", 4) != 0 &&
		    strncmp(out + i, "&quot;", 6) != 0 &&
		    strncmp(out + i, "&#39;", 5) != 0)
			abort();
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;
	size_t	 n;

	if (size < 1)
		return (0);
	n = size - 1;
	s = malloc(n + 1);
	memcpy(s, data + 1, n);
	s[n] = '\0';
	switch (data[0] % 4) {
	case 0:
		check_cookie(s);
		break;
	case 1:
		check_bearer(s);
		break;
	case 2:
		check_depth(s, n);
		break;
	default:
		check_escape(s, n);
		break;
	}
	free(s);
	return (0);
}
