/*
 * libFuzzer harness: the pure parts of issue 16's defences.
 *
 * log_escape (log.c): whatever the bytes, the result has no control
 * character, fits its buffer, and gives every printable byte back in
 * order.  authlimit.c: the input is a script of failed logins (known or
 * unknown names, addresses, clock steps); invariant: an account that has
 * reached its five failures stays blocked until its window is over,
 * whatever else fails meanwhile (the lockout cannot be evicted).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_escape(const uint8_t *data, size_t size)
{
	char		 in[512], out[256];
	size_t		 n = size < sizeof(in) - 1 ? size : sizeof(in) - 1, i, o;
	size_t		 len;

	memcpy(in, data, n);
	in[n] = '\0';
	len = log_escape(out, sizeof(out), in);
	if (len >= sizeof(out) || strlen(out) != len)
		abort();
	for (i = 0, o = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
	/* The printable bytes come back in order. */
	for (i = 0; in[i] != '\0' && o < len; i++) {
		if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) {
			if (out[o] != '\\' || out[o + 1] != 'x')
				abort();
			o += 4;
		} else if (out[o++] != in[i])
			abort();
	}
}

static void
fuzz_authlimit(const uint8_t *data, size_t size)
{
	struct authlimit	*al = authlimit_new();
	char			 name[16], addr[32];
	int64_t			 now = 1000000, locked_at = -1;
	size_t			 i;

	/* Lock the account "lan" first. */
	for (i = 0; i < 5; i++)
		authlimit_failed(al, "lan", 1, "10.0.0.1", now);
	locked_at = now;
	for (i = 0; i + 2 < size; i += 3) {
		(void)snprintf(name, sizeof(name), "n%u", data[i]);
		(void)snprintf(addr, sizeof(addr), "127.0.%u.%u", data[i + 1],
		    data[i + 2]);
		switch (data[i] & 3) {
		case 0:
			authlimit_failed(al, name, 0, addr, now);
			break;
		case 1:
			authlimit_failed(al, name, 1, addr, now);
			break;
		case 2:
			now += data[i + 1] % 8;
			break;
		default:
			(void)authlimit_blocked(al, name, data[i + 2] & 1,
			    addr, now);
			break;
		}
		if (now - locked_at < 15 * 60 &&
		    !authlimit_blocked(al, "lan", 1, "192.0.2.1", now))
			abort();
	}
	authlimit_free(al);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return (0);
	if (data[0] & 1)
		fuzz_escape(data + 1, size - 1);
	else
		fuzz_authlimit(data + 1, size - 1);
	return (0);
}
