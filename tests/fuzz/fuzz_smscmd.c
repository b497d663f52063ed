/*
 * libFuzzer harness: the SMS command grammar (handlers/smscmd.c,
 * smscmd_parse), beyond what fuzz_text checks.
 *
 * Invariants, for any bytes: rest and rest_after_pin point into the text,
 * in order; free text leaves rest at the start; STOP, START and HD stand
 * alone; a responder's command and a follow-up carry a valid case code; a
 * PIN is 4 to 8 digits; a teacher's category maps back to its code.  And
 * what SPEC section 4 promises: a leading '#' and extra spaces, and ASCII
 * case, change nothing (same command, same code, same PIN).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check(const char *, const struct smscmd *, enum smscmd_type);
static void	same(const struct smscmd *, const struct smscmd *);

static void
check(const char *s, const struct smscmd *c, enum smscmd_type t)
{
	size_t	 n = strlen(s), i;

	if (t != c->type || c->rest < s || c->rest > s + n)
		abort();
	switch (t) {
	case SMSCMD_NONE:
		if (c->rest != s)
			abort();
		break;
	case SMSCMD_STOP:
	case SMSCMD_START:
	case SMSCMD_HELP:
		if (*c->rest != '\0')
			abort();
		break;
	case SMSCMD_NHAN:
	case SMSCMD_TL:
	case SMSCMD_XONG:
	case SMSCMD_TT:
	case SMSCMD_KC:
		if (!casecode_is_valid(c->code) || c->rest_after_pin <
		    c->rest || c->rest_after_pin > s + n)
			abort();
		if (c->pin[0] != '\0') {
			if (strlen(c->pin) < 4 || strlen(c->pin) > 8 ||
			    c->rest_after_pin == c->rest)
				abort();
			for (i = 0; c->pin[i] != '\0'; i++)
				if (!isdigit((unsigned char)c->pin[i]))
					abort();
		} else if (c->rest_after_pin != c->rest)
			abort();
		break;
	case SMSCMD_FOLLOWUP:
		if (!casecode_is_valid(c->code))
			abort();
		break;
	case SMSCMD_CATEGORY:
		if (c->category == NULL || c->code[0] != '\0' ||
		    category_find(c->category) == NULL)
			abort();
		break;
	case SMSCMD_BADCODE:
		if (c->category != NULL || c->code[0] != '\0')
			abort();
		break;
	}
	/* "4EUQ nhan": the follow-up's text is after the code, in the text. */
	if (c->code_first && (c->followup == NULL || c->followup < s ||
	    c->followup > s + n))
		abort();
}

/* The same command: type, code, PIN, category, urgency. */
static void
same(const struct smscmd *a, const struct smscmd *b)
{
	if (a->type != b->type || a->urgent != b->urgent)
		abort();
	if (a->type == SMSCMD_NONE)
		return;
	if (strcmp(a->code, b->code) != 0 || strcmp(a->pin, b->pin) != 0)
		abort();
	if ((a->category == NULL) != (b->category == NULL) ||
	    (a->category != NULL && strcmp(a->category, b->category) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smscmd	 c, c2;
	char		*s, *t;
	size_t		 n, i;

	s = xstrndup((const char *)data, size);
	n = strlen(s);
	check(s, &c, smscmd_parse(s, &c));

	/* "#  " in front: the same command. */
	t = xmalloc(n + 4);
	memcpy(t, "#  ", 3);
	memcpy(t + 3, s, n + 1);
	check(t, &c2, smscmd_parse(t, &c2));
	same(&c, &c2);

	/* ASCII case does not matter. */
	for (i = 0; i <= n; i++)
		t[i] = (char)(isupper((unsigned char)s[i]) ?
		    tolower((unsigned char)s[i]) : (unsigned char)s[i] < 0x80 ?
		    toupper((unsigned char)s[i]) : s[i]);
	check(t, &c2, smscmd_parse(t, &c2));
	same(&c, &c2);
	free(t);
	free(s);
	return (0);
}
