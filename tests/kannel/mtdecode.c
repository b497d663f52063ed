/*
 * mtdecode: decode the MT messages in fakesmsc's log, one line each.
 *
 * Part of the Kannel test harness (tests/kannel/kannel.sh).  fakesmsc logs
 * every MT that bearerbox's fake SMSC hands it as
 *
 *	... DEBUG: Got message N: <SENDER RECEIVER TYPE DATA>
 *
 * with TYPE one of
 *	text	DATA is the literal text (GSM coding 0)
 *	ucs-2	DATA is URL-encoded UTF-16BE (coding 2)
 *	data	DATA is URL-encoded 8-bit bytes (coding 1)
 *	udh	DATA is "UDH data BODY", both URL-encoded; the coding of BODY
 *		is not shown
 * URL encoding here is Kannel's: %XX, and '+' for a space.
 *
 * For each such line on stdin, mtdecode prints
 *
 *	SENDER RECEIVER CODING TEXT
 *
 * where TEXT is UTF-8 and CODING is `text`, `ucs-2`, `data`, or for a line
 * with a UDH `udh:HEX:ucs-2` / `udh:HEX:text` (HEX is the UDH in lower-case
 * hex; the body is guessed to be UCS-2 when its length is even and its high
 * bytes look like UTF-16BE, see mtdecode_is_ucs2()).  8-bit bodies that are
 * not valid UTF-8 are printed as hex.  Control characters and backslashes in
 * TEXT are escaped (\n, \r, \t, \\, \xHH) so each MT stays on one line.
 * Other lines are skipped.  Exit status: 0, or 1 when a line was malformed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MTDECODE_LINE_MAX	65536

static int	mtdecode_hexval(int);
static size_t	mtdecode_url(const char *, size_t, unsigned char *);
static int	mtdecode_is_ucs2(const unsigned char *, size_t);
static int	mtdecode_is_utf8(const unsigned char *, size_t);
static void	mtdecode_put_cp(unsigned long);
static void	mtdecode_put_utf8(const unsigned char *, size_t);
static void	mtdecode_put_text(const unsigned char *, size_t);
static void	mtdecode_put_ucs2(const unsigned char *, size_t);
static void	mtdecode_put_hex(const unsigned char *, size_t);
static int	mtdecode_line(char *);

/* Returns the value of hex digit c, or -1. */
static int
mtdecode_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * URL-decodes the len bytes at s into out (at least len bytes long) and
 * returns the decoded length.  A '%' not followed by two hex digits stays.
 */
static size_t
mtdecode_url(const char *s, size_t len, unsigned char *out)
{
	size_t	i, n = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[n++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = mtdecode_hexval((unsigned char)s[i + 1])) != -1 &&
		    (lo = mtdecode_hexval((unsigned char)s[i + 2])) != -1) {
			out[n++] = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else
			out[n++] = (unsigned char)s[i];
	}
	return n;
}

/*
 * Guesses whether a UDH body is UTF-16BE: even length, and either some high
 * byte is 0 (7-bit text never holds NUL) or every high byte is a small
 * non-text value (Vietnamese lives in U+00xx, U+01xx, U+03xx, U+1Exx).
 */
static int
mtdecode_is_ucs2(const unsigned char *b, size_t len)
{
	size_t	i;
	int	small = 1;

	if (len == 0 || len % 2 != 0)
		return 0;
	for (i = 0; i < len; i += 2) {
		if (b[i] == 0)
			return 1;
		if (b[i] >= 0x20 || b[i] == '\n' || b[i] == '\r')
			small = 0;
	}
	return small;
}

/* Returns 1 when the bytes are well-formed UTF-8. */
static int
mtdecode_is_utf8(const unsigned char *b, size_t len)
{
	size_t	i = 0, k, n;

	while (i < len) {
		if (b[i] < 0x80)
			n = 0;
		else if ((b[i] & 0xe0) == 0xc0 && b[i] >= 0xc2)
			n = 1;
		else if ((b[i] & 0xf0) == 0xe0)
			n = 2;
		else if ((b[i] & 0xf8) == 0xf0 && b[i] <= 0xf4)
			n = 3;
		else
			return 0;
		if (n > len - i - 1)
			return 0;
		for (k = 1; k <= n; k++)
			if ((b[i + k] & 0xc0) != 0x80)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* Prints code point cp as UTF-8, escaping controls and backslash. */
static void
mtdecode_put_cp(unsigned long cp)
{
	if (cp == '\\')
		fputs("\\\\", stdout);
	else if (cp == '\n')
		fputs("\\n", stdout);
	else if (cp == '\r')
		fputs("\\r", stdout);
	else if (cp == '\t')
		fputs("\\t", stdout);
	else if (cp < 0x20 || cp == 0x7f)
		printf("\\x%02lx", cp);
	else if (cp < 0x80)
		putchar((int)cp);
	else if (cp < 0x800) {
		putchar((int)(0xc0 | (cp >> 6)));
		putchar((int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		putchar((int)(0xe0 | (cp >> 12)));
		putchar((int)(0x80 | ((cp >> 6) & 0x3f)));
		putchar((int)(0x80 | (cp & 0x3f)));
	} else {
		putchar((int)(0xf0 | (cp >> 18)));
		putchar((int)(0x80 | ((cp >> 12) & 0x3f)));
		putchar((int)(0x80 | ((cp >> 6) & 0x3f)));
		putchar((int)(0x80 | (cp & 0x3f)));
	}
}

/* Prints well-formed UTF-8 bytes, escaping controls and backslash. */
static void
mtdecode_put_utf8(const unsigned char *b, size_t len)
{
	size_t		i = 0;
	unsigned long	cp;
	int		n;

	while (i < len) {
		if (b[i] < 0x80) {
			cp = b[i];
			n = 0;
		} else if (b[i] < 0xe0) {
			cp = b[i] & 0x1f;
			n = 1;
		} else if (b[i] < 0xf0) {
			cp = b[i] & 0x0f;
			n = 2;
		} else {
			cp = b[i] & 0x07;
			n = 3;
		}
		for (i++; n > 0; n--, i++)
			cp = (cp << 6) | (b[i] & 0x3f);
		mtdecode_put_cp(cp);
	}
}

/*
 * Prints literal text: as UTF-8 when it is well-formed, else ASCII with every
 * other byte as \xHH.
 */
static void
mtdecode_put_text(const unsigned char *b, size_t len)
{
	size_t	i;

	if (mtdecode_is_utf8(b, len)) {
		mtdecode_put_utf8(b, len);
		return;
	}
	for (i = 0; i < len; i++)
		if (b[i] < 0x80)
			mtdecode_put_cp(b[i]);
		else
			printf("\\x%02x", b[i]);
}

/* Prints UTF-16BE bytes as UTF-8; a broken surrogate becomes U+FFFD. */
static void
mtdecode_put_ucs2(const unsigned char *b, size_t len)
{
	size_t		i;
	unsigned long	u, l;

	for (i = 0; i + 1 < len; i += 2) {
		u = ((unsigned long)b[i] << 8) | b[i + 1];
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < len) {
			l = ((unsigned long)b[i + 2] << 8) | b[i + 3];
			if (l >= 0xdc00 && l <= 0xdfff) {
				mtdecode_put_cp(0x10000 +
				    ((u - 0xd800) << 10) + (l - 0xdc00));
				i += 2;
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd;
		mtdecode_put_cp(u);
	}
	if (len % 2 != 0)
		mtdecode_put_cp(0xfffd);
}

static void
mtdecode_put_hex(const unsigned char *b, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		printf("%02x", b[i]);
}

/*
 * Decodes one log line in place.  Returns 1 when it printed an MT, 0 when the
 * line is not an MT, -1 when it is a malformed MT line.
 */
static int
mtdecode_line(char *line)
{
	static unsigned char	 body[MTDECODE_LINE_MAX], udh[MTDECODE_LINE_MAX];
	char			*p, *end, *from, *to, *type, *data, *sep;
	size_t			 blen, ulen;

	if ((p = strstr(line, "Got message ")) == NULL ||
	    (p = strstr(p, ": <")) == NULL)
		return 0;
	p += 3;
	end = p + strlen(p);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end == p || end[-1] != '>')
		return -1;
	*--end = '\0';

	from = p;
	if ((to = strchr(from, ' ')) == NULL)
		return -1;
	*to++ = '\0';
	if ((type = strchr(to, ' ')) == NULL)
		return -1;
	*type++ = '\0';
	if ((data = strchr(type, ' ')) == NULL)
		data = end;		/* an empty text has no trailing space */
	else
		*data++ = '\0';

	printf("%s %s ", from, to);
	if (strcmp(type, "text") == 0) {
		fputs("text ", stdout);
		mtdecode_put_text((const unsigned char *)data, strlen(data));
	} else if (strcmp(type, "ucs-2") == 0 || strcmp(type, "ucs2") == 0) {
		blen = mtdecode_url(data, strlen(data), body);
		fputs("ucs-2 ", stdout);
		mtdecode_put_ucs2(body, blen);
	} else if (strcmp(type, "data") == 0) {
		blen = mtdecode_url(data, strlen(data), body);
		fputs("data ", stdout);
		if (mtdecode_is_utf8(body, blen))
			mtdecode_put_utf8(body, blen);
		else
			mtdecode_put_hex(body, blen);
	} else if (strcmp(type, "udh") == 0) {
		/* "UDH data BODY"; older Kannels write "UDH BODY". */
		if ((sep = strchr(data, ' ')) == NULL)
			return -1;
		*sep++ = '\0';
		if (strncmp(sep, "data ", 5) == 0)
			sep += 5;
		ulen = mtdecode_url(data, strlen(data), udh);
		blen = mtdecode_url(sep, strlen(sep), body);
		fputs("udh:", stdout);
		mtdecode_put_hex(udh, ulen);
		if (mtdecode_is_ucs2(body, blen)) {
			fputs(":ucs-2 ", stdout);
			mtdecode_put_ucs2(body, blen);
		} else if (mtdecode_is_utf8(body, blen)) {
			fputs(":text ", stdout);
			mtdecode_put_utf8(body, blen);
		} else {
			fputs(":data ", stdout);
			mtdecode_put_hex(body, blen);
		}
	} else {
		printf("%s ", type);
		mtdecode_put_text((const unsigned char *)data, strlen(data));
		putchar('\n');
		return -1;
	}
	putchar('\n');
	return 1;
}

int
main(void)
{
	static char	line[MTDECODE_LINE_MAX];
	int		rc = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (strchr(line, '\n') == NULL && !feof(stdin)) {
			fprintf(stderr, "mtdecode: line too long\n");
			return 1;
		}
		if (mtdecode_line(line) == -1) {
			fprintf(stderr, "mtdecode: malformed: %s", line);
			rc = 1;
		}
	}
	if (fflush(stdout) != 0)
		return 1;
	return rc;
}
