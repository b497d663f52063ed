/*
 * libFuzzer harness: form.c, the x-www-form-urlencoded decoder every HTTP
 * form goes through, and its UTF-16BE text decoder.
 *
 * The first byte picks the limits and the flags; the rest is the form.
 * Invariants: a parsed form respects its limits; every value is NUL-
 * terminated at its length; with FORM_F_UTF8 every key and value is
 * valid UTF-8; no key holds a NUL; form_get finds the first field of a key
 * and form_count counts them; a refused form is left empty; encoding the
 * fields again (always escaping) and parsing that gives the same fields.
 * UTF-16BE always decodes to valid UTF-8, and decoding what text.c encodes
 * gives the text back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t	 encode(const char *, size_t, char *);

/* Percent-encodes every byte but letters and digits; returns the length. */
static size_t
encode(const char *s, size_t n, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, o = 0;
	unsigned char		 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	return (o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 f, g;
	const char	*why = NULL, *s, *v;
	char		*enc, *u8, *back, buf[32];
	unsigned char	*u16;
	size_t		 maxfields, maxlen, i, j, len, o, n, first;
	int		 flags;

	if (size == 0)
		return (0);
	flags = data[0] & 1 ? FORM_F_UTF8 : 0;
	maxfields = 1 + ((data[0] >> 1) & 7) * 4;	/* 1 .. 29 */
	maxlen = (data[0] >> 4) == 15 ? 100000 : (size_t)(data[0] >> 4) * 3;
	s = (const char *)data + 1;
	size--;

	if (form_parse(&f, s, size, maxfields, maxlen, flags, &why) == -1) {
		if (why == NULL || f.n != 0 || f.fields != NULL)
			abort();
		return (0);
	}
	if (f.n > maxfields)
		abort();
	enc = xmalloc(size * 3 * 3 + 16);
	for (i = 0, o = 0; i < f.n; i++) {
		len = strlen(f.fields[i].key);
		if (len > maxlen || f.fields[i].len > maxlen ||
		    f.fields[i].value[f.fields[i].len] != '\0' ||
		    len > size || f.fields[i].len > size)
			abort();
		if ((flags & FORM_F_UTF8) && (!utf8_is_valid(f.fields[i].key,
		    len) || !utf8_is_valid(f.fields[i].value,
		    f.fields[i].len)))
			abort();
		/* form_get returns the first field of that key. */
		for (first = 0; first < f.n; first++)
			if (strcmp(f.fields[first].key, f.fields[i].key) == 0)
				break;
		v = form_get(&f, f.fields[i].key, &len);
		if (v != f.fields[first].value || len != f.fields[first].len)
			abort();
		for (j = 0, n = 0; j < f.n; j++)
			if (strcmp(f.fields[j].key, f.fields[i].key) == 0)
				n++;
		if (form_count(&f, f.fields[i].key) != n)
			abort();
		if (form_copy(&f, f.fields[i].key, buf, sizeof(buf)) == 0 &&
		    (strlen(buf) != f.fields[first].len ||
		    memcmp(buf, f.fields[first].value, strlen(buf)) != 0))
			abort();
		/* Rebuild the form, everything escaped. */
		if (i > 0)
			enc[o++] = '&';
		o += encode(f.fields[i].key, strlen(f.fields[i].key),
		    enc + o);
		enc[o++] = '=';
		o += encode(f.fields[i].value, f.fields[i].len, enc + o);
	}
	/* An empty key round-trips as "=value", parsed back as key "". */
	if (form_parse(&g, enc, o, maxfields, maxlen, flags, &why) == -1 ||
	    g.n != f.n)
		abort();
	for (i = 0; i < f.n; i++)
		if (strcmp(g.fields[i].key, f.fields[i].key) != 0 ||
		    g.fields[i].len != f.fields[i].len ||
		    memcmp(g.fields[i].value, f.fields[i].value,
		    f.fields[i].len) != 0)
			abort();
	form_free(&g);
	form_free(&f);
	free(enc);

	/* UTF-16BE: always text; and the inverse of text.c's encoder. */
	u8 = form_utf16be_decode(data + 1, size);
	if (!utf8_is_valid(u8, strlen(u8)))
		abort();
	u16 = xmalloc(strlen(u8) * 2 + 2);
	n = utf8_to_utf16be(u8, u16, strlen(u8) * 2 + 2);
	if (n == 0 && u8[0] != '\0')
		abort();
	back = form_utf16be_decode(u16, n);
	if (strcmp(back, u8) != 0)
		abort();
	free(back);
	free(u16);
	free(u8);
	return (0);
}
