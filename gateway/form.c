/*
 * tinbao: application/x-www-form-urlencoded bodies and query strings.
 *
 * One decoder for every form the gateway reads (the USSD aggregator's
 * callback, Kannel's MO and DLR queries, the dashboard's POSTs), so that
 * the limits and the refusals are the same everywhere and are fuzzed once
 * (tests/fuzz/fuzz_form.c).  A form is split on '&'; each piece is
 * key=value (a piece without '=' is a key with an empty value, an empty
 * piece is skipped); "%XX" and '+' are decoded in both; a '%' not followed
 * by two hex digits is kept as it is, as browsers and evhttp do.  The
 * decoded values are kept with their length, since a value may be raw
 * bytes (Kannel's UTF-16BE text) unless FORM_F_UTF8 asks for text.
 *
 * Limits are the caller's: at most maxfields fields and maxlen decoded
 * bytes per key or value.  Going over either is an error, never a silent
 * cut: a cut text would be stored as if the pupil had written it.
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

static int	form_hex(int);
static size_t	form_decode(const char *, size_t, char *);

/* Returns the value of a hex digit, or -1. */
static int
form_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Decodes n bytes of s (%XX, '+') into out, which has room for n + 1;
 * returns the decoded length and NUL-terminates out.
 */
static size_t
form_decode(const char *s, size_t n, char *out)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < n &&
		    (hi = form_hex((unsigned char)s[i + 1])) != -1 &&
		    (lo = form_hex((unsigned char)s[i + 2])) != -1) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return (o);
}

/*
 * Parses len bytes of s into f.  flags: FORM_F_UTF8 refuses a key or a
 * value that is not valid UTF-8 or holds a NUL.  Keys never hold a NUL.
 * Returns 0, or -1 with *why set and f empty.
 */
int
form_parse(struct form *f, const char *s, size_t len, size_t maxfields,
    size_t maxlen, int flags, const char **why)
{
	const char		*p = s, *end = s + len, *amp, *eq;
	struct form_field	*fld;
	size_t			 klen, vlen;
	char			*k, *v;

	memset(f, 0, sizeof(*f));
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		klen = (size_t)(eq - p);
		vlen = eq < amp ? (size_t)(amp - eq - 1) : 0;
		/* Decoding only shortens: the raw lengths bound the work. */
		if (f->n == maxfields) {
			*why = "too many fields";
			goto fail;
		}
		k = xmalloc(klen + 1);
		v = xmalloc(vlen + 1);
		klen = form_decode(p, klen, k);
		vlen = form_decode(eq < amp ? eq + 1 : amp, vlen, v);
		if (klen > maxlen || vlen > maxlen) {
			free(k);
			free(v);
			*why = "field too long";
			goto fail;
		}
		*why = NULL;
		if (strlen(k) != klen)
			*why = "NUL in a key";
		else if ((flags & FORM_F_UTF8) && (!utf8_is_valid(k, klen) ||
		    !utf8_is_valid(v, vlen)))
			*why = "not valid UTF-8 text";
		if (*why != NULL) {
			free(k);
			free(v);
			goto fail;
		}
		f->fields = xreallocarray(f->fields, f->n + 1,
		    sizeof(*f->fields));
		fld = &f->fields[f->n++];
		fld->key = k;
		fld->value = v;
		fld->len = vlen;
		p = amp < end ? amp + 1 : end;
	}
	return (0);
fail:
	form_free(f);
	return (-1);
}

/* Parses a NUL-terminated query string or body; see form_parse. */
int
form_parse_str(struct form *f, const char *s, size_t maxfields,
    size_t maxlen, int flags, const char **why)
{
	return (form_parse(f, s != NULL ? s : "", s != NULL ? strlen(s) : 0,
	    maxfields, maxlen, flags, why));
}

/*
 * Returns the value of the first field named key (NUL-terminated; its
 * length in *len when len is not NULL), or NULL when there is none.
 */
const char *
form_get(const struct form *f, const char *key, size_t *len)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->fields[i].key, key) == 0) {
			if (len != NULL)
				*len = f->fields[i].len;
			return (f->fields[i].value);
		}
	}
	return (NULL);
}

/* Returns how many fields are named key (a form may repeat one). */
size_t
form_count(const struct form *f, const char *key)
{
	size_t	 i, n = 0;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			n++;
	return (n);
}

/*
 * Copies the first value named key into buf as text.  Returns 0, or -1
 * when there is none, it does not fit or it holds a NUL.
 */
int
form_copy(const struct form *f, const char *key, char *buf, size_t size)
{
	const char	*v;
	size_t		 len;

	if ((v = form_get(f, key, &len)) == NULL || len >= size ||
	    strlen(v) != len)
		return (-1);
	memcpy(buf, v, len + 1);
	return (0);
}

/* Frees the fields; f may be parsed again. */
void
form_free(struct form *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		free(f->fields[i].key);
		free(f->fields[i].value);
	}
	free(f->fields);
	memset(f, 0, sizeof(*f));
}

/*
 * Decodes n bytes of UTF-16BE (Kannel's charset=UTF-16BE or UCS-2) into
 * new UTF-8.  A lone surrogate becomes U+FFFD, an odd last byte is
 * dropped, and U+0000 becomes U+FFFD too, so the result is always text.
 */
char *
form_utf16be_decode(const unsigned char *p, size_t n)
{
	char		*out = xmalloc(n / 2 * 3 + 1), *o = out;
	unsigned int	 c, lo;
	size_t		 i;

	for (i = 0; i + 1 < n; i += 2) {
		c = (unsigned int)p[i] << 8 | p[i + 1];
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < n) {
			lo = (unsigned int)p[i + 2] << 8 | p[i + 3];
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			}
		}
		if ((c >= 0xd800 && c < 0xe000) || c == 0)
			c = 0xfffd;
		if (c < 0x80)
			*o++ = (char)c;
		else if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			/* Two units in, four bytes out: within n / 2 * 3. */
			*o++ = (char)(0xf0 | c >> 18);
			*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	return (out);
}
