/*
 * tinbao: case codes (SPEC section 4).
 *
 * A case code is 4 to 6 characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), with at least one letter and one digit so
 * that it never reads as a Vietnamese word or a command (NHAN, XONG, STOP).
 * Codes are random, not sequential, so a code says nothing about how many
 * reports came before it and cannot be guessed from another one.
 */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "tinbao.h"

/* Returns 1 when the code has the shape of a case code. */
int
casecode_is_valid(const char *code)
{
	size_t	 len = strlen(code), i;
	int	 digit = 0, alpha = 0;

	if (len < 4 || len > 6)
		return (0);
	for (i = 0; i < len; i++) {
		if (code[i] == '\0' || strchr(CASECODE_ALPHABET, code[i]) == NULL)
			return (0);
		if (isdigit((unsigned char)code[i]))
			digit = 1;
		else
			alpha = 1;
	}
	return (digit && alpha);
}

/*
 * Returns 1 when a 6-character code could be read as a responder's
 * two-letter verb glued to a 4-character code ("TT4EUQ", "4EUQKC"): the
 * grammar reads such a word as the command (handlers/smscmd.c), so a new
 * code never has that shape.
 */
static int
casecode_reads_as_command(const char *code)
{
	static const char *const verbs[] = { "TT", "TL", "KC", NULL };
	size_t	 len = strlen(code), i;

	if (len != 6)
		return (0);
	for (i = 0; verbs[i] != NULL; i++)
		if (strncmp(code, verbs[i], 2) == 0 ||
		    strcmp(code + 4, verbs[i]) == 0)
			return (1);
	return (0);
}

/*
 * Writes a new random code of len characters into buf.  The caller retries
 * on a UNIQUE collision and lengthens the code after a few.
 */
int
casecode_generate(char *buf, size_t bufsz, int len)
{
	size_t	 na = strlen(CASECODE_ALPHABET);
	int	 i;

	if (len < 4 || len > 6 || bufsz < (size_t)len + 1)
		return (-1);
	do {
		for (i = 0; i < len; i++)
			buf[i] = CASECODE_ALPHABET[randombytes_uniform(na)];
		buf[len] = '\0';
	} while (!casecode_is_valid(buf) || casecode_reads_as_command(buf));
	return (0);
}

/*
 * Copies a code as a user typed it (any case, with a leading '#') into buf
 * in canonical form; returns 0 when the result is a valid code.
 */
int
casecode_normalize(const char *in, char *buf, size_t bufsz)
{
	size_t	 n = 0;

	if (*in == '#')
		in++;
	for (; *in != '\0'; in++) {
		if (n + 1 >= bufsz)
			return (-1);
		buf[n++] = toupper((unsigned char)*in);
	}
	buf[n] = '\0';
	return (casecode_is_valid(buf) ? 0 : -1);
}
