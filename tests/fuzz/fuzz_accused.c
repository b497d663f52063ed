/*
 * libFuzzer harness: does a report name school staff as the one who hurts
 * (handlers/accused.c, accused_is_staff)?
 *
 * Invariants, for any bytes: the answer is 0 or 1; the words that said so
 * fit the buffer given, NUL-terminated, even a tiny one, and are empty when
 * the answer is 0; the same text gives the same answer again, and a buffer
 * of any size does not change it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, why[96], tiny[4];
	int	 r, r2;

	s = xstrndup((const char *)data, size);
	r = accused_is_staff(s, why, sizeof(why));
	if ((r != 0 && r != 1) || memchr(why, '\0', sizeof(why)) == NULL ||
	    (r == 0 && why[0] != '\0') || (r == 1 && why[0] == '\0'))
		abort();
	r2 = accused_is_staff(s, tiny, sizeof(tiny));
	if (r2 != r || memchr(tiny, '\0', sizeof(tiny)) == NULL)
		abort();
	if (accused_is_staff(s, NULL, 0) != r)
		abort();
	free(s);
	return (0);
}
