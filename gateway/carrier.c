/*
 * tinbao: which Vietnamese carrier a mobile number belongs to.
 *
 * A SIM pool sends each SMS on a SIM of the recipient's carrier when it
 * can (SPEC section 3): on-net SMS are cheaper and surer.  Since number
 * portability is rare in Vietnam, the number's prefix names the carrier.
 * The built-in table holds the prefixes in use after the 2018 move from
 * 11 to 10 digits; carriers still add prefixes, so a file named by
 * [tinbao] carriers can add or change entries without a rebuild, one
 * "PREFIX CARRIER" per line (PREFIX national, 0 included, e.g. 086, or
 * international, +8486).  The longest matching prefix wins; a number that
 * matches none (a landline, a foreign number, a short code) is
 * CARRIER_ANY, which any SIM may send to.
 *
 * Pure code: no globals but the constant built-in table, no event base, no
 * store; unit-tested in tests/unit/test_carrier.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinbao.h"

#define CARRIER_PREFIX_MAX	10	/* national digits, without the 0: a
					   whole number too (one ported) */

struct carrier_entry {
	char		 prefix[CARRIER_PREFIX_MAX + 1];
	int		 carrier;
};

struct carrier_table {
	struct carrier_entry	*e;
	size_t			 n;
};

static const char *carrier_names[CARRIER_MAX] = {
	[CARRIER_ANY] = "any",
	[CARRIER_VIETTEL] = "viettel",
	[CARRIER_VINAPHONE] = "vinaphone",
	[CARRIER_MOBIFONE] = "mobifone",
	[CARRIER_VIETNAMOBILE] = "vietnamobile",
	[CARRIER_GMOBILE] = "gmobile",
};

/*
 * The built-in prefixes (national form without the leading 0).  iTel's
 * 087 rides on VinaPhone's network, so an SMS to it is on-net there.
 */
static const struct carrier_entry carrier_builtin[] = {
	{ "86", CARRIER_VIETTEL }, { "96", CARRIER_VIETTEL },
	{ "97", CARRIER_VIETTEL }, { "98", CARRIER_VIETTEL },
	{ "32", CARRIER_VIETTEL }, { "33", CARRIER_VIETTEL },
	{ "34", CARRIER_VIETTEL }, { "35", CARRIER_VIETTEL },
	{ "36", CARRIER_VIETTEL }, { "37", CARRIER_VIETTEL },
	{ "38", CARRIER_VIETTEL }, { "39", CARRIER_VIETTEL },
	{ "88", CARRIER_VINAPHONE }, { "91", CARRIER_VINAPHONE },
	{ "94", CARRIER_VINAPHONE }, { "81", CARRIER_VINAPHONE },
	{ "82", CARRIER_VINAPHONE }, { "83", CARRIER_VINAPHONE },
	{ "84", CARRIER_VINAPHONE }, { "85", CARRIER_VINAPHONE },
	{ "87", CARRIER_VINAPHONE },
	{ "89", CARRIER_MOBIFONE }, { "90", CARRIER_MOBIFONE },
	{ "93", CARRIER_MOBIFONE }, { "70", CARRIER_MOBIFONE },
	{ "76", CARRIER_MOBIFONE }, { "77", CARRIER_MOBIFONE },
	{ "78", CARRIER_MOBIFONE }, { "79", CARRIER_MOBIFONE },
	{ "92", CARRIER_VIETNAMOBILE }, { "56", CARRIER_VIETNAMOBILE },
	{ "58", CARRIER_VIETNAMOBILE },
	{ "99", CARRIER_GMOBILE }, { "59", CARRIER_GMOBILE },
};

static const struct carrier_table carrier_default = {
	.e = (struct carrier_entry *)(uintptr_t)carrier_builtin,
	.n = sizeof(carrier_builtin) / sizeof(carrier_builtin[0]),
};

static int	 carrier_national(const char *, char *, size_t);
static void	 carrier_put(struct carrier_table *, const char *, int);

/* Returns a carrier's name ("any" for CARRIER_ANY). */
const char *
carrier_name(int c)
{
	if (c < 0 || c >= CARRIER_MAX)
		return ("any");
	return (carrier_names[c]);
}

/* Returns the carrier of a name, in any case, or -1. */
int
carrier_from_name(const char *name)
{
	int	 i;

	for (i = 0; i < CARRIER_MAX; i++)
		if (strcasecmp(carrier_names[i], name) == 0)
			return (i);
	return (-1);
}

/* Returns the built-in table. */
const struct carrier_table *
carrier_table_default(void)
{
	return (&carrier_default);
}

/*
 * The national significant digits of a Vietnamese number, without 0 or
 * +84, into out; -1 when it is not one (a foreign number, a short code).
 */
static int
carrier_national(const char *number, char *out, size_t outsz)
{
	const char	*p;
	size_t		 n;

	if (strncmp(number, "+84", 3) == 0)
		p = number + 3;
	else if (strncmp(number, "84", 2) == 0 && strlen(number) >= 11)
		p = number + 2;
	else if (number[0] == '0' && number[1] != '0')
		p = number + 1;
	else
		return (-1);
	n = strspn(p, "0123456789");
	if (n == 0 || p[n] != '\0' || n >= outsz)
		return (-1);
	memcpy(out, p, n);
	out[n] = '\0';
	return (0);
}

/* Returns the carrier a number belongs to, or CARRIER_ANY. */
int
carrier_of(const struct carrier_table *t, const char *number)
{
	char	 nat[32];
	size_t	 i, len, best = 0;
	int	 c = CARRIER_ANY;

	if (t == NULL)
		t = &carrier_default;
	if (carrier_national(number, nat, sizeof(nat)) == -1)
		return (CARRIER_ANY);
	for (i = 0; i < t->n; i++) {
		len = strlen(t->e[i].prefix);
		if (len > best && strncmp(nat, t->e[i].prefix, len) == 0) {
			best = len;
			c = t->e[i].carrier;
		}
	}
	return (c);
}

/* Adds a prefix to a table, or changes the carrier of one already there. */
static void
carrier_put(struct carrier_table *t, const char *prefix, int c)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->e[i].prefix, prefix) == 0) {
			t->e[i].carrier = c;
			return;
		}
	t->e = xreallocarray(t->e, t->n + 1, sizeof(*t->e));
	(void)strlcpy_checked(t->e[t->n].prefix, prefix,
	    sizeof(t->e[t->n].prefix));
	t->e[t->n].carrier = c;
	t->n++;
}

/*
 * Reads the built-in table plus a file's lines over it.  Problems go to
 * errf as PATH:LINE: message (every one, not just the first).  Returns the
 * table, or NULL on any problem.
 */
struct carrier_table *
carrier_table_load(const char *path, FILE *errf)
{
	struct carrier_table	*t;
	FILE			*f;
	char			 line[256], pfx[32], name[32], nat[32], *p;
	int			 lineno = 0, errors = 0, c, n;
	size_t			 i;

	if ((f = fopen(path, "r")) == NULL) {
		if (errf != NULL)
			fprintf(errf, "%s: cannot open: %s\n", path,
			    strerror(errno));
		return (NULL);
	}
	t = xcalloc(1, sizeof(*t));
	for (i = 0; i < carrier_default.n; i++)
		carrier_put(t, carrier_default.e[i].prefix,
		    carrier_default.e[i].carrier);
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if ((p = strpbrk(line, "#;")) != NULL)
			*p = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0')
			continue;
		n = sscanf(p, "%31s %31s %1s", pfx, name, line);
		c = n == 2 ? carrier_from_name(name) : -1;
		if (n != 2 || c == -1 || carrier_national(pfx, nat,
		    sizeof(nat)) == -1 || strlen(nat) > CARRIER_PREFIX_MAX) {
			if (errf != NULL)
				fprintf(errf, "%s:%d: expected \"PREFIX "
				    "CARRIER\" (e.g. 086 viettel; carriers: "
				    "viettel, vinaphone, mobifone, "
				    "vietnamobile, gmobile, any)\n", path,
				    lineno);
			errors++;
			continue;
		}
		carrier_put(t, nat, c);
	}
	fclose(f);
	if (errors > 0) {
		carrier_table_free(t);
		return (NULL);
	}
	return (t);
}

/* Frees a table read by carrier_table_load (the built-in one is kept). */
void
carrier_table_free(struct carrier_table *t)
{
	if (t == NULL || t == &carrier_default)
		return;
	free(t->e);
	free(t);
}
