/*
 * libFuzzer harness: Kannel's MO parameters (kannel_parse_mo).  The input
 * is a query string, optionally followed by a NUL and a POST body.  A
 * parsed message always has a sender, one part, and valid UTF-8 text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sms_in	 sms;
	const uint8_t	*nul = memchr(data, '\0', size);
	const char	*why;
	char		*query;
	const unsigned char *body = NULL;
	size_t		 qlen = nul ? (size_t)(nul - data) : size, blen = 0;

	query = xstrndup((const char *)data, qlen);
	if (nul != NULL) {
		body = nul + 1;
		blen = size - qlen - 1;
	}
	if (kannel_parse_mo(query, body, blen, &sms, &why) == 0) {
		if (sms.sender[0] == '\0' || sms.nparts != 1 ||
		    !utf8_is_valid(sms.parts[0].text,
		    strlen(sms.parts[0].text)))
			abort();
		sms_in_free(&sms);
	}
	free(query);
	return (0);
}
