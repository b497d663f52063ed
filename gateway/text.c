/*
 * tinbao: UTF-8 helpers, and ISO 8601 times for the JSON outputs.
 *
 * Text from a modem, an HTTP form or a file is never trusted to be valid
 * UTF-8: a lone UTF-16 surrogate from a bad phone, an 8-bit message or plain
 * garbage must still be stored (nothing is lost) without breaking JSON, HTML
 * or SQLite's text functions later.  Invalid sequences become U+FFFD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "tinbao.h"

/* Returns 1 when the len bytes at s are valid UTF-8 with no NUL. */
int
utf8_is_valid(const char *s, size_t len)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 c;
	utf8proc_ssize_t	 n;

	while (len > 0) {
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0 || c == 0)
			return (0);
		p += n;
		len -= n;
	}
	return (1);
}

/*
 * Returns a new NUL-terminated copy of len bytes at s in which every invalid
 * sequence, NUL and C0 control other than tab and newline is replaced by
 * U+FFFD (controls by a space).  The result is valid UTF-8.
 */
char *
utf8_sanitize(const char *s, size_t len)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 c;
	utf8proc_ssize_t	 n;
	char			*out, *o;
	int			 k;

	/* U+FFFD takes 3 bytes and replaces at least one. */
	out = o = xmalloc(len * 3 + 1);
	while (len > 0) {
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0) {
			/*
			 * One U+FFFD for a bad lead byte and the continuation
			 * bytes after it: an encoded lone surrogate (ED A0 80)
			 * is one bad character, not three.
			 */
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
			len--;
			for (k = 0; k < 3 && len > 0 && (*p & 0xc0) == 0x80;
			    k++) {
				p++;
				len--;
			}
			continue;
		}
		if (c == 0) {
			/* Kept visible: a NUL must not vanish or cut text. */
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
		} else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			*o++ = ' ';
		else {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
		len -= n;
	}
	*o = '\0';
	return (out);
}

/*
 * Encodes UTF-8 (assumed valid) as UTF-16BE into out of outsz bytes; returns
 * the number of bytes written, or 0 when it does not fit.
 */
size_t
utf8_to_utf16be(const char *s, unsigned char *out, size_t outsz)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t	 len = strlen(s), n;
	utf8proc_int32_t	 c;
	size_t			 o = 0;

	while (len > 0) {
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0) {
			c = 0xfffd;
			n = 1;
		}
		if (c >= 0x10000) {
			unsigned int	 v = c - 0x10000;
			unsigned int	 hi = 0xd800 | (v >> 10);
			unsigned int	 lo = 0xdc00 | (v & 0x3ff);

			if (o + 4 > outsz)
				return (0);
			out[o++] = hi >> 8;
			out[o++] = hi & 0xff;
			out[o++] = lo >> 8;
			out[o++] = lo & 0xff;
		} else {
			if (o + 2 > outsz)
				return (0);
			out[o++] = (c >> 8) & 0xff;
			out[o++] = c & 0xff;
		}
		p += n;
		len -= n;
	}
	return (o);
}

/* Returns 1 when the string holds only white space. */
int
text_is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\r\n", *s) == NULL)
			return (0);
	return (1);
}

/*
 * Writes s without diacritics into out (of outsz bytes): Vietnamese letters
 * lose their marks and đ/Đ become d/D, which Unicode does not decompose.
 * With lower, the result is also case-folded.  Characters that are still
 * not plain ASCII become '?', control characters a space.  The result is
 * always NUL-terminated; returns its length.
 */
size_t
text_unaccent(const char *s, char *out, size_t outsz, int lower)
{
	utf8proc_uint8_t	*m = NULL;
	const utf8proc_uint8_t	*p;
	utf8proc_int32_t	 c;
	utf8proc_ssize_t	 n, len;
	size_t			 o = 0;
	char			*clean;
	int			 opts;

	if (outsz == 0)
		return (0);
	clean = utf8_sanitize(s, strlen(s));
	opts = UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
	    UTF8PROC_STRIPMARK | (lower ? UTF8PROC_CASEFOLD : 0);
	if (utf8proc_map((const utf8proc_uint8_t *)clean, 0, &m, opts) < 0) {
		free(clean);
		out[0] = '\0';
		return (0);
	}
	free(clean);
	p = m;
	len = (utf8proc_ssize_t)strlen((const char *)m);
	while (len > 0 && o + 1 < outsz) {
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0) {
			n = 1;
			c = '?';
		}
		if (c == 0x111)			/* đ */
			c = 'd';
		else if (c == 0x110)		/* Đ */
			c = lower ? 'd' : 'D';
		if (c == '\t' || c == '\n' || c == '\r')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			c = ' ';
		else if (c > 0x7e)
			c = '?';
		out[o++] = (char)c;
		p += n;
		len -= n;
	}
	out[o] = '\0';
	free(m);
	return (o);
}

/*
 * Keeps only the characters that cost one septet in the GSM 7-bit default
 * alphabet (letters, digits, space and common punctuation), so that an
 * ASCII text's length is its length in septets.  Works in place.
 */
void
text_gsm7_safe(char *s)
{
	for (; *s != '\0'; s++)
		if (strchr("[]{}\\^~|`", *s) != NULL)
			*s = ' ';
}

/* Formats t as ISO 8601 in local time with the zone's offset. */
void
time_iso8601(int64_t t, char *buf, size_t bufsz)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;
	char		 z[8];
	size_t		 n;

	localtime_r(&tt, &tm);
	n = strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);		/* +0700 */
	if (n > 0 && strlen(z) == 5)
		(void)snprintf(buf + n, bufsz - n, "%.3s:%s", z, z + 3);
}

/*
 * The time the housekeeping schedules (the commune committee's notices,
 * broadcasts, the plans' reminders) run on: now, or TINBAO_TEST_NOW (a
 * Unix time) in the tests, so that a digest or the 1st of a month can be
 * had on demand.
 */
int64_t
time_schedule(int64_t now)
{
	const char	*s = getenv("TINBAO_TEST_NOW");
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return (now);
	v = strtoll(s, &end, 10);
	return (*end == '\0' && v > 0 ? (int64_t)v : now);
}
