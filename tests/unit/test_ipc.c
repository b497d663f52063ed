/*
 * tinbao: unit tests for ipc.c.
 *
 * An SMS is packed and unpacked again; then every way a frame can be wrong
 * (cut short anywhere, bad part numbers or counts, bad UTF-8, bytes left
 * over) must be an error that leaves nothing allocated.  The frame header
 * is checked with ipc_peek, and ipc_write is run through a socketpair.
 */
#include <sys/socket.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tinbao.h"

/* "Cứu" and the rest of a report, in three parts. */
static const char *const part_text[] = {
	"C\xe1\xbb\xa9u v\xe1\xbb\x9bi, ",
	"em b\xe1\xbb\x8b \xc4\x91\xc3\xa1nh ",
	"\xe1\xbb\x9f c\xe1\xbb\x95ng tr\xc6\xb0\xe1\xbb\x9dng.",
};

static void	 make_sms(struct sms_in *, struct sms_part *);
static void	 pack_raw(struct ibuf *, uint32_t, uint32_t, uint32_t,
		    const uint32_t *, const char *const *);
static int	 unpack(const struct ibuf *, struct sms_in *);

/* Fills a 3-part SMS whose parts point at part_text. */
static void
make_sms(struct sms_in *sms, struct sms_part *parts)
{
	int	 i;

	memset(sms, 0, sizeof(*sms));
	sms->token = 0x1122334455667788ULL;
	(void)strlcpy_checked(sms->sender, "+84912345678",
	    sizeof(sms->sender));
	(void)strlcpy_checked(sms->smsc, "+84980200030", sizeof(sms->smsc));
	sms->smsc_time = 1718000000;
	sms->concat_ref = 201;
	sms->parts_total = 3;
	sms->nparts = 3;
	sms->flags = SMS_F_FLASH | SMS_F_INCOMPLETE;
	sms->transport = "sms";
	for (i = 0; i < 3; i++) {
		parts[i].partno = i + 1;
		parts[i].text = (char *)(uintptr_t)part_text[i];
	}
	sms->parts = parts;
}

/* Packs a frame by hand, with any counts and part numbers. */
static void
pack_raw(struct ibuf *b, uint32_t ref, uint32_t total, uint32_t n,
    const uint32_t *partno, const char *const *text)
{
	uint32_t	 i;

	ibuf_init(b);
	ibuf_put_i64(b, 42);
	ibuf_put_str(b, "+84912345678");
	ibuf_put_str(b, "");
	ibuf_put_i64(b, 0);
	ibuf_put_u32(b, ref);
	ibuf_put_u32(b, total);
	ibuf_put_u32(b, 0);
	ibuf_put_u32(b, n);
	for (i = 0; i < n; i++) {
		ibuf_put_u32(b, partno[i]);
		ibuf_put_i64(b, 0);
		ibuf_put_str(b, text[i]);
	}
}

/* Unpacks the bytes of a write buffer. */
static int
unpack(const struct ibuf *w, struct sms_in *sms)
{
	struct ibuf	 r;

	ibuf_reader(&r, w->buf, w->len);
	return (ipc_unpack_sms(&r, sms));
}

/* Every field of a multipart SMS comes back. */
static void
test_roundtrip(void **state)
{
	struct sms_in	 in, out;
	struct sms_part	 parts[3];
	struct ibuf	 w;
	char		*text;
	int		 i;

	(void)state;
	make_sms(&in, parts);
	ibuf_init(&w);
	ipc_pack_sms(&w, &in);
	assert_int_equal(unpack(&w, &out), 0);
	assert_true(out.token == in.token);
	assert_string_equal(out.sender, in.sender);
	assert_string_equal(out.smsc, in.smsc);
	assert_true(out.smsc_time == in.smsc_time);
	assert_int_equal(out.concat_ref, 201);
	assert_int_equal(out.parts_total, 3);
	assert_int_equal(out.flags, SMS_F_FLASH | SMS_F_INCOMPLETE);
	assert_string_equal(out.transport, "sms");
	assert_int_equal(out.nparts, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(out.parts[i].partno, i + 1);
		assert_string_equal(out.parts[i].text, part_text[i]);
		/* a copy, not the sender's pointer */
		assert_ptr_not_equal(out.parts[i].text, part_text[i]);
	}
	text = sms_in_text(&out);
	assert_non_null(strstr(text, part_text[0]));
	assert_int_equal(strlen(text), strlen(part_text[0]) +
	    strlen(part_text[1]) + strlen(part_text[2]));
	free(text);
	sms_in_free(&out);
	assert_null(out.parts);
	assert_int_equal(out.nparts, 0);
	ibuf_free(&w);
}

/* A single SMS (ref -1), a binary one, and one with no parts. */
static void
test_roundtrip_single(void **state)
{
	struct sms_in	 in, out;
	struct sms_part	 part;
	struct ibuf	 w;

	(void)state;
	memset(&in, 0, sizeof(in));
	(void)strlcpy_checked(in.sender, "VIETTEL", sizeof(in.sender));
	in.smsc_time = -1;
	in.concat_ref = -1;
	in.parts_total = 1;
	in.nparts = 1;
	in.flags = SMS_F_BINARY;
	part.partno = 1;
	part.text = (char *)(uintptr_t)"0b05040b8423f0";
	in.parts = &part;
	ibuf_init(&w);
	ipc_pack_sms(&w, &in);
	assert_int_equal(unpack(&w, &out), 0);
	assert_int_equal(out.concat_ref, -1);
	assert_true(out.smsc_time == -1);
	assert_true(out.token == 0);
	assert_string_equal(out.sender, "VIETTEL");
	assert_string_equal(out.smsc, "");
	assert_int_equal(out.flags, SMS_F_BINARY);
	assert_int_equal(out.nparts, 1);
	assert_string_equal(out.parts[0].text, "0b05040b8423f0");
	sms_in_free(&out);
	ibuf_free(&w);

	in.nparts = 0;
	in.parts = NULL;
	ibuf_init(&w);
	ipc_pack_sms(&w, &in);
	assert_int_equal(unpack(&w, &out), 0);
	assert_int_equal(out.nparts, 0);
	assert_null(out.parts);
	sms_in_free(&out);
	ibuf_free(&w);
}

/* Every proper prefix of a good frame is refused; nothing leaks. */
static void
test_truncated(void **state)
{
	struct sms_in	 in, out;
	struct sms_part	 parts[3];
	struct ibuf	 w, r;
	unsigned char	*copy;
	size_t		 len;

	(void)state;
	make_sms(&in, parts);
	ibuf_init(&w);
	ipc_pack_sms(&w, &in);
	for (len = 0; len < w.len; len++) {
		/* an exact-size copy, so ASan sees any read past the end */
		copy = xmalloc(len ? len : 1);
		memcpy(copy, w.buf, len);
		ibuf_reader(&r, copy, len);
		if (ipc_unpack_sms(&r, &out) != -1)
			fail_msg("prefix of %zu/%zu bytes accepted", len,
			    w.len);
		assert_null(out.parts);
		assert_int_equal(out.nparts, 0);
		free(copy);
	}
	ibuf_free(&w);
}

/* Part numbers must be within 1..total. */
static void
test_bad_partno(void **state)
{
	static const char *const t[] = { "a", "b", "c" };
	static const uint32_t zero[] = { 0 };
	static const uint32_t over[] = { 1, 3 };
	static const uint32_t huge[] = { 1, 0xffffffff };
	static const uint32_t ok[] = { 2, 1 };
	struct sms_in	 out;
	struct ibuf	 w;

	(void)state;
	pack_raw(&w, 7, 2, 1, zero, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	pack_raw(&w, 7, 2, 2, over, t);
	assert_int_equal(unpack(&w, &out), -1);
	assert_null(out.parts);
	ibuf_free(&w);
	pack_raw(&w, 7, 2, 2, huge, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	/* more parts than the total */
	pack_raw(&w, 7, 2, 3, (const uint32_t[]){ 1, 2, 2 }, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	/* the control: the same frame with good numbers */
	pack_raw(&w, 7, 2, 2, ok, t);
	assert_int_equal(unpack(&w, &out), 0);
	assert_int_equal(out.parts[0].partno, 2);
	sms_in_free(&out);
	ibuf_free(&w);
}

/* The total must be 1..255; the reference -1..65535. */
static void
test_bad_total(void **state)
{
	static const char *const t[] = { "a" };
	static const uint32_t one[] = { 1 };
	struct sms_in	 out;
	struct ibuf	 w;

	(void)state;
	pack_raw(&w, 7, 0, 0, one, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	pack_raw(&w, 7, 0, 1, one, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	pack_raw(&w, 7, 256, 1, one, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	pack_raw(&w, 7, 0xffffffff, 1, one, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	pack_raw(&w, 65536, 1, 1, one, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	pack_raw(&w, (uint32_t)-2, 1, 1, one, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);

	pack_raw(&w, 65535, 255, 1, one, t);
	assert_int_equal(unpack(&w, &out), 0);
	assert_int_equal(out.parts_total, 255);
	assert_int_equal(out.concat_ref, 65535);
	sms_in_free(&out);
	ibuf_free(&w);
}

/* A part that is not valid UTF-8, in any place, is refused. */
static void
test_bad_utf8(void **state)
{
	static const char *const bad[] = { "ok", "\xed\xa0\x80", "ok" };
	static const char *const bad_last[] = { "ok", "ok", "a\xc3" };
	static const char *const bad_first[] = { "\xff", "ok", "ok" };
	static const uint32_t n[] = { 1, 2, 3 };
	struct sms_in	 out;
	struct ibuf	 w;

	(void)state;
	pack_raw(&w, 7, 3, 3, n, bad);
	assert_int_equal(unpack(&w, &out), -1);
	assert_null(out.parts);
	ibuf_free(&w);
	pack_raw(&w, 7, 3, 3, n, bad_last);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	pack_raw(&w, 7, 3, 3, n, bad_first);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
}

/*
 * A part with an embedded NUL hides what follows it from the UTF-8 check
 * and loses it: the part must be refused.
 */
static void
test_bad_embedded_nul(void **state)
{
	struct sms_in	 out;
	struct ibuf	 w;
	int		 rc;

	(void)state;
	ibuf_init(&w);
	ibuf_put_i64(&w, 42);
	ibuf_put_str(&w, "+84912345678");
	ibuf_put_str(&w, "");
	ibuf_put_i64(&w, 0);
	ibuf_put_u32(&w, (uint32_t)-1);
	ibuf_put_u32(&w, 1);
	ibuf_put_u32(&w, 0);
	ibuf_put_u32(&w, 1);
	ibuf_put_u32(&w, 1);
	ibuf_put_i64(&w, 0);
	ibuf_put_u32(&w, 4);
	ibuf_put_u32(&w, 0);	/* placeholder, overwritten below */
	memcpy(w.buf + w.len - 4, "ok\0\xff", 4);
	rc = unpack(&w, &out);
	if (rc == 0)
		sms_in_free(&out);
	ibuf_free(&w);
	assert_int_equal(rc, -1);
}

/* Bytes after the last part are refused. */
static void
test_trailing(void **state)
{
	struct sms_in	 in, out;
	struct sms_part	 parts[3];
	struct ibuf	 w, r;
	unsigned char	*copy;

	(void)state;
	make_sms(&in, parts);
	ibuf_init(&w);
	ipc_pack_sms(&w, &in);
	ibuf_put_u32(&w, 0);
	assert_int_equal(unpack(&w, &out), -1);
	assert_null(out.parts);
	ibuf_free(&w);

	/* one byte more, in an exact-size copy */
	ibuf_init(&w);
	ipc_pack_sms(&w, &in);
	copy = xmalloc(w.len + 1);
	memcpy(copy, w.buf, w.len);
	copy[w.len] = 'x';
	ibuf_reader(&r, copy, w.len + 1);
	assert_int_equal(ipc_unpack_sms(&r, &out), -1);
	assert_null(out.parts);
	ibuf_reader(&r, copy, w.len);
	assert_int_equal(ipc_unpack_sms(&r, &out), 0);
	sms_in_free(&out);
	free(copy);
	ibuf_free(&w);
}

/* Strings longer than their field are refused. */
static void
test_too_long(void **state)
{
	static const uint32_t one[] = { 1 };
	struct sms_in	 out;
	struct ibuf	 w;
	char		 sender[NUMBER_MAX + 1], *big;
	const char	*t[1];

	(void)state;
	/* a sender of NUMBER_MAX characters has no room for its NUL */
	memset(sender, '1', NUMBER_MAX);
	sender[NUMBER_MAX] = '\0';
	ibuf_init(&w);
	ibuf_put_i64(&w, 1);
	ibuf_put_str(&w, sender);
	ibuf_put_str(&w, "");
	ibuf_put_i64(&w, 0);
	ibuf_put_u32(&w, (uint32_t)-1);
	ibuf_put_u32(&w, 1);
	ibuf_put_u32(&w, 0);
	ibuf_put_u32(&w, 0);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);

	/* a part over TEXT_MAX */
	big = xmalloc(TEXT_MAX + 2);
	memset(big, 'a', TEXT_MAX + 1);
	big[TEXT_MAX + 1] = '\0';
	t[0] = big;
	pack_raw(&w, 7, 1, 1, one, t);
	assert_int_equal(unpack(&w, &out), -1);
	ibuf_free(&w);
	big[TEXT_MAX] = '\0';
	pack_raw(&w, 7, 1, 1, one, t);
	assert_int_equal(unpack(&w, &out), 0);
	assert_int_equal(strlen(out.parts[0].text), TEXT_MAX);
	sms_in_free(&out);
	ibuf_free(&w);
	free(big);
}

/* A string length that claims more than is there is refused. */
static void
test_lying_length(void **state)
{
	struct ibuf	 w, r;
	char		*s, buf[16];
	uint32_t	 u;

	(void)state;
	ibuf_init(&w);
	ibuf_put_u32(&w, 0xfffffff0);
	ibuf_put_u32(&w, 1);
	ibuf_reader(&r, w.buf, w.len);
	assert_int_equal(ibuf_get_str(&r, &s, 0xffffffff), -1);
	ibuf_reader(&r, w.buf, w.len);
	assert_int_equal(ibuf_get_strbuf(&r, buf, sizeof(buf)), -1);
	ibuf_reader(&r, w.buf, w.len);
	assert_int_equal(ibuf_get_u32(&r, &u), 0);
	assert_int_equal(u, 0xfffffff0);
	assert_int_equal(ibuf_get_u32(&r, &u), 0);
	assert_int_equal(ibuf_get_u32(&r, &u), -1);
	ibuf_free(&w);
}

/* ipc_peek: whole frame 1, more bytes needed 0, bad header -1. */
static void
test_peek(void **state)
{
	unsigned char	 buf[64];
	uint32_t	 hdr[2], type = 0;
	size_t		 len = 0, avail;

	(void)state;
	memset(buf, 0, sizeof(buf));
	hdr[0] = IPC_SEND;
	hdr[1] = 10;
	memcpy(buf, hdr, sizeof(hdr));
	/* an incomplete header, at every length */
	for (avail = 0; avail < sizeof(hdr); avail++)
		assert_int_equal(ipc_peek(buf, avail, &type, &len), 0);
	/* a whole header, partial payload */
	assert_int_equal(ipc_peek(buf, 8, &type, &len), 0);
	assert_int_equal(ipc_peek(buf, 17, &type, &len), 0);
	assert_int_equal(ipc_peek(buf, 18, &type, &len), 1);
	assert_int_equal(type, IPC_SEND);
	assert_int_equal(len, 10);
	assert_int_equal(ipc_peek(buf, 40, &type, &len), 1);

	/* an empty payload is whole with the header */
	hdr[0] = IPC_STOP;
	hdr[1] = 0;
	memcpy(buf, hdr, sizeof(hdr));
	assert_int_equal(ipc_peek(buf, 8, &type, &len), 1);
	assert_int_equal(type, IPC_STOP);
	assert_int_equal(len, 0);

	/* bad types */
	hdr[1] = 0;
	hdr[0] = 0;
	memcpy(buf, hdr, sizeof(hdr));
	assert_int_equal(ipc_peek(buf, 8, &type, &len), -1);
	hdr[0] = IPC_MAX;
	memcpy(buf, hdr, sizeof(hdr));
	assert_int_equal(ipc_peek(buf, 8, &type, &len), -1);
	hdr[0] = 0xffffffff;
	memcpy(buf, hdr, sizeof(hdr));
	assert_int_equal(ipc_peek(buf, 8, &type, &len), -1);

	/* oversize length, even before the payload is there */
	hdr[0] = IPC_RECV;
	hdr[1] = IPC_FRAME_MAX + 1;
	memcpy(buf, hdr, sizeof(hdr));
	assert_int_equal(ipc_peek(buf, 8, &type, &len), -1);
	hdr[1] = 0xffffffff;
	memcpy(buf, hdr, sizeof(hdr));
	assert_int_equal(ipc_peek(buf, 8, &type, &len), -1);
	hdr[1] = IPC_FRAME_MAX;
	memcpy(buf, hdr, sizeof(hdr));
	assert_int_equal(ipc_peek(buf, 8, &type, &len), 0);
}

/* A frame written to a socketpair is read back whole. */
static void
test_socketpair(void **state)
{
	struct sms_in	 in, out;
	struct sms_part	 parts[3];
	struct ibuf	 w, r, empty;
	unsigned char	 buf[4096];
	size_t		 have = 0, len = 0;
	uint32_t	 type = 0;
	ssize_t		 n;
	int		 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	make_sms(&in, parts);
	ibuf_init(&w);
	ipc_pack_sms(&w, &in);
	assert_true(w.len + 8 <= sizeof(buf));
	assert_int_equal(ipc_write(sv[0], IPC_RECV, &w), 0);
	ibuf_init(&empty);
	assert_int_equal(ipc_write(sv[0], IPC_STOP, &empty), 0);
	assert_int_equal(close(sv[0]), 0);

	while ((n = read(sv[1], buf + have, sizeof(buf) - have)) > 0)
		have += (size_t)n;
	assert_int_equal(n, 0);
	assert_int_equal(have, 8 + w.len + 8);
	assert_int_equal(ipc_peek(buf, have, &type, &len), 1);
	assert_int_equal(type, IPC_RECV);
	assert_int_equal(len, w.len);
	/* the stream cut anywhere in the first frame is not yet a frame */
	assert_int_equal(ipc_peek(buf, 8 + w.len - 1, &type, &len), 0);
	ibuf_reader(&r, buf + 8, len);
	assert_int_equal(ipc_unpack_sms(&r, &out), 0);
	assert_int_equal(out.nparts, 3);
	assert_string_equal(out.parts[2].text, part_text[2]);
	assert_string_equal(out.sender, "+84912345678");
	sms_in_free(&out);

	assert_int_equal(ipc_peek(buf + 8 + w.len, 8, &type, &len), 1);
	assert_int_equal(type, IPC_STOP);
	assert_int_equal(len, 0);

	/* writing to a closed peer fails instead of blocking */
	assert_int_equal(close(sv[1]), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(close(sv[1]), 0);
	assert_int_equal(ipc_write(sv[0], IPC_RECV, &w), -1);
	assert_int_equal(close(sv[0]), 0);
	ibuf_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_single),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_partno),
		cmocka_unit_test(test_bad_total),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_bad_embedded_nul),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_lying_length),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_socketpair),
	};

	/* a write to a closed socket must fail with EPIPE, not kill us */
	signal(SIGPIPE, SIG_IGN);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

