/*
 * libFuzzer harness: the text helpers every input goes through
 * (utf8_sanitize, utf8_to_utf16be, phone_normalize, casecode_normalize,
 * text_unaccent), the SMS command grammar (smscmd_parse) and the carrier's
 * USSD credit reply (credit_parse).
 * Invariants: sanitized text is always valid UTF-8; a normalised number is
 * always '+' or digits only; a normalised case code is always valid.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*clean, *s, num[NUMBER_MAX], code[16];
	unsigned char	 u16[512];
	size_t		 i;

	clean = utf8_sanitize((const char *)data, size);
	if (!utf8_is_valid(clean, strlen(clean)))
		abort();
	(void)utf8_to_utf16be(clean, u16, sizeof(u16));
	(void)text_is_blank(clean);
	free(clean);

	s = xstrndup((const char *)data, size);
	if (phone_normalize(s, num, sizeof(num)) == 0) {
		for (i = 0; num[i] != '\0'; i++)
			if (!isdigit((unsigned char)num[i]) &&
			    !(i == 0 && num[i] == '+'))
				abort();
	}
	(void)phone_is_number(s);
	{
		long long	 amount;
		char		 valid[32];

		/* The carrier's credit reply: an amount is never negative. */
		if (credit_parse(s, &amount, valid, sizeof(valid)) == 0 &&
		    amount < 0)
			abort();
	}
	{
		struct smscmd	 cmd;
		char		 ascii[256];

		/* The SMS grammar: a parsed code is always a valid code. */
		if (smscmd_parse(s, &cmd) != SMSCMD_NONE &&
		    cmd.code[0] != '\0' && !casecode_is_valid(cmd.code))
			abort();
		if (cmd.rest < s || cmd.rest > s + strlen(s))
			abort();
		(void)text_unaccent(s, ascii, sizeof(ascii), 1);
		for (i = 0; ascii[i] != '\0'; i++)
			if ((unsigned char)ascii[i] < 0x20 ||
			    (unsigned char)ascii[i] > 0x7e)
				abort();
	}
	if (casecode_normalize(s, code, sizeof(code)) == 0 &&
	    !casecode_is_valid(code))
		abort();
	free(s);
	return (0);
}
