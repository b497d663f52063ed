/*
 * tinbao: typed, length-checked messages between the main loop and the
 * modem worker.
 *
 * A frame is a 4-byte type, a 4-byte payload length (both host order: the
 * two ends are threads of one process) and the payload.  Payloads are built
 * from u32, i64 and length-prefixed strings with the ibuf_put_* functions
 * and read back with ibuf_get_*, which check every length against what is
 * left, so a malformed frame is an error and never a read past the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tinbao.h"

/* Empties a buffer for writing. */
void
ibuf_init(struct ibuf *b)
{
	memset(b, 0, sizeof(*b));
}

/* Frees a buffer's memory. */
void
ibuf_free(struct ibuf *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

static void
ibuf_put(struct ibuf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		size_t	 cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->buf = xreallocarray(b->buf, cap, 1);
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

/* Appends a 32-bit number. */
void
ibuf_put_u32(struct ibuf *b, uint32_t v)
{
	ibuf_put(b, &v, sizeof(v));
}

/* Appends a signed 64-bit number. */
void
ibuf_put_i64(struct ibuf *b, int64_t v)
{
	ibuf_put(b, &v, sizeof(v));
}

/* Appends a string as its length and bytes. */
void
ibuf_put_str(struct ibuf *b, const char *s)
{
	size_t	 n = strlen(s);

	ibuf_put_u32(b, (uint32_t)n);
	ibuf_put(b, s, n);
}

/* Points a reader at n bytes of payload. */
void
ibuf_reader(struct ibuf *b, const unsigned char *p, size_t n)
{
	memset(b, 0, sizeof(*b));
	b->rbuf = p;
	b->len = n;
}

static int
ibuf_get(struct ibuf *b, void *p, size_t n)
{
	if (b->len - b->rpos < n)
		return (-1);
	memcpy(p, b->rbuf + b->rpos, n);
	b->rpos += n;
	return (0);
}

/* Reads a 32-bit number. */
int
ibuf_get_u32(struct ibuf *b, uint32_t *v)
{
	return (ibuf_get(b, v, sizeof(*v)));
}

/* Reads a signed 64-bit number. */
int
ibuf_get_i64(struct ibuf *b, int64_t *v)
{
	return (ibuf_get(b, v, sizeof(*v)));
}

/* Reads a string without NUL into a new copy of at most max bytes. */
int
ibuf_get_str(struct ibuf *b, char **s, size_t max)
{
	uint32_t	 n;

	if (ibuf_get_u32(b, &n) == -1 || n > max || b->len - b->rpos < n)
		return (-1);
	/* A NUL inside would hide the rest of the string from every check. */
	if (memchr(b->rbuf + b->rpos, '\0', n) != NULL)
		return (-1);
	*s = xmalloc((size_t)n + 1);
	memcpy(*s, b->rbuf + b->rpos, n);
	(*s)[n] = '\0';
	b->rpos += n;
	return (0);
}

/* Reads a string into a fixed buffer; too long is an error. */
int
ibuf_get_strbuf(struct ibuf *b, char *buf, size_t bufsz)
{
	uint32_t	 n;

	if (ibuf_get_u32(b, &n) == -1 || n >= bufsz ||
	    b->len - b->rpos < n || memchr(b->rbuf + b->rpos, '\0', n) != NULL)
		return (-1);
	memcpy(buf, b->rbuf + b->rpos, n);
	buf[n] = '\0';
	b->rpos += n;
	return (0);
}

/*
 * Writes one frame to a blocking descriptor (the worker's end), retrying
 * short writes.  Returns 0 or -1.
 */
int
ipc_write(int fd, uint32_t type, const struct ibuf *payload)
{
	uint32_t	 hdr[2] = { type, (uint32_t)payload->len };
	const unsigned char *p;
	size_t		 left;
	ssize_t		 n;
	int		 pass;

	for (pass = 0; pass < 2; pass++) {
		p = pass == 0 ? (const unsigned char *)hdr : payload->buf;
		left = pass == 0 ? sizeof(hdr) : payload->len;
		while (left > 0) {
			n = write(fd, p, left);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				return (-1);
			p += n;
			left -= n;
		}
	}
	return (0);
}

/*
 * Looks at the start of a byte stream: returns 1 and the frame's type and
 * payload length when a whole frame is there, 0 when more bytes are needed,
 * -1 when the header is invalid.
 */
int
ipc_peek(const unsigned char *p, size_t avail, uint32_t *type, size_t *len)
{
	uint32_t	 hdr[2];

	if (avail < sizeof(hdr))
		return (0);
	memcpy(hdr, p, sizeof(hdr));
	if (hdr[0] == 0 || hdr[0] >= IPC_MAX || hdr[1] > IPC_FRAME_MAX)
		return (-1);
	*type = hdr[0];
	*len = hdr[1];
	return (avail - sizeof(hdr) >= hdr[1] ? 1 : 0);
}

/* Serialises an incoming SMS. */
void
ipc_pack_sms(struct ibuf *b, const struct sms_in *sms)
{
	int	 i;

	ibuf_put_i64(b, (int64_t)sms->token);
	ibuf_put_str(b, sms->sender);
	ibuf_put_str(b, sms->smsc);
	ibuf_put_i64(b, sms->smsc_time);
	ibuf_put_u32(b, (uint32_t)sms->concat_ref);
	ibuf_put_u32(b, (uint32_t)sms->parts_total);
	ibuf_put_u32(b, (uint32_t)sms->flags);
	ibuf_put_u32(b, (uint32_t)sms->nparts);
	for (i = 0; i < sms->nparts; i++) {
		ibuf_put_u32(b, (uint32_t)sms->parts[i].partno);
		ibuf_put_i64(b, sms->parts[i].smsc_time);
		ibuf_put_str(b, sms->parts[i].text);
	}
}

/*
 * Reads an incoming SMS back, checking every field: part numbers within
 * 1..parts_total, at most 255 parts, texts valid UTF-8.  On error nothing
 * is left allocated.
 */
int
ipc_unpack_sms(struct ibuf *b, struct sms_in *sms)
{
	uint32_t	 u, ref, total, flags, n;
	int64_t		 token;
	int		 i;

	memset(sms, 0, sizeof(*sms));
	if (ibuf_get_i64(b, &token) == -1 ||
	    ibuf_get_strbuf(b, sms->sender, sizeof(sms->sender)) == -1 ||
	    ibuf_get_strbuf(b, sms->smsc, sizeof(sms->smsc)) == -1 ||
	    ibuf_get_i64(b, &sms->smsc_time) == -1 ||
	    ibuf_get_u32(b, &ref) == -1 || ibuf_get_u32(b, &total) == -1 ||
	    ibuf_get_u32(b, &flags) == -1 || ibuf_get_u32(b, &n) == -1)
		return (-1);
	if (total < 1 || total > 255 || n > total || (int32_t)ref < -1 ||
	    (int32_t)ref > 65535)
		return (-1);
	sms->token = (uint64_t)token;
	sms->concat_ref = (int32_t)ref;
	sms->parts_total = (int)total;
	sms->flags = (int)flags;
	sms->transport = "sms";
	if (n > 0)
		sms->parts = xcalloc(n, sizeof(*sms->parts));
	for (i = 0; i < (int)n; i++) {
		if (ibuf_get_u32(b, &u) == -1 || u < 1 || u > total ||
		    ibuf_get_i64(b, &sms->parts[i].smsc_time) == -1 ||
		    ibuf_get_str(b, &sms->parts[i].text, TEXT_MAX) == -1 ||
		    !utf8_is_valid(sms->parts[i].text,
		    strlen(sms->parts[i].text))) {
			sms->nparts = i + 1;
			sms_in_free(sms);
			return (-1);
		}
		sms->parts[i].partno = (int)u;
		sms->nparts = i + 1;
	}
	if (b->rpos != b->len) {
		sms_in_free(sms);
		return (-1);
	}
	return (0);
}

/* Frees the parts of an incoming SMS. */
void
sms_in_free(struct sms_in *sms)
{
	int	 i;

	for (i = 0; i < sms->nparts; i++)
		free(sms->parts[i].text);
	free(sms->parts);
	sms->parts = NULL;
	sms->nparts = 0;
}

/* Joins the parts' texts in order into a new string. */
char *
sms_in_text(const struct sms_in *sms)
{
	size_t	 len = 0, o = 0;
	int	 i;
	char	*t;

	for (i = 0; i < sms->nparts; i++)
		len += strlen(sms->parts[i].text);
	t = xmalloc(len + 1);
	for (i = 0; i < sms->nparts; i++) {
		size_t	 n = strlen(sms->parts[i].text);

		memcpy(t + o, sms->parts[i].text, n);
		o += n;
	}
	t[o] = '\0';
	return (t);
}
