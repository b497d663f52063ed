/*
 * tinbao: reading the SIM's credit from a carrier's USSD reply.
 *
 * Carriers answer a balance code (*101#) in free text that changes with
 * promotions: "TKC 12.500d, HSD 31/12/2026", "TK chinh=15000 VND",
 * "Tai khoan goc: 20.000 dong, han su dung den 01/01/2027".  The parser is
 * defensive: it folds the text to unaccented lower case, looks for the
 * account words first and takes the amount that follows them (dots, commas
 * or spaces between thousands), else the first amount followed by a
 * currency word; and a dd/mm/yyyy date after "hsd" or "han su dung" is the
 * validity.  Pure code, fuzzed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tinbao.h"

static const char *credit_words[] = { "tai khoan chinh", "tai khoan goc",
    "tk chinh", "tkc", "tai khoan", "so du", "balance", "tk" };

/* Reads an amount at p: digits with thousands separators.  -1: none. */
static long long
credit_amount(const char *p, const char **end)
{
	long long	 v = 0;
	int		 digits = 0;

	while (*p != '\0' && !isdigit((unsigned char)*p))
		return (-1);
	for (;;) {
		if (isdigit((unsigned char)*p)) {
			if (v > 100000000000LL)
				return (-1);
			v = v * 10 + (*p - '0');
			digits++;
			p++;
		} else if ((*p == '.' || *p == ',' || *p == ' ') &&
		    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) && !isdigit((unsigned char)p[4]))
			p++;	/* a thousands separator */
		else if ((*p == '.' || *p == ',' || *p == ' ') &&
		    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) && (p[4] == '.' || p[4] == ',' ||
		    p[4] == ' '))
			p++;
		else
			break;
	}
	if (digits == 0)
		return (-1);
	if (*p == 'k' && !isalpha((unsigned char)p[1])) {
		v *= 1000;
		p++;
	}
	*end = p;
	return (v);
}

/* Returns 1 when p starts a currency word (d, vnd, dong). */
static int
credit_is_currency(const char *p)
{
	while (*p == ' ')
		p++;
	return ((p[0] == 'd' && !isalpha((unsigned char)p[1])) ||
	    strncmp(p, "vnd", 3) == 0 || strncmp(p, "dong", 4) == 0 ||
	    (p[0] == 'd' && p[1] == 'o' && p[2] == 'n' && p[3] == 'g'));
}

/*
 * Parses a carrier's reply into the credit in VND and, when given, the
 * validity date (dd/mm/yyyy) into valid.  Returns 0, or -1 when no amount
 * could be found.
 */
int
credit_parse(const char *reply, long long *amount, char *valid,
    size_t validsz)
{
	char		 t[1024];
	const char	*p, *q, *end, *best = NULL;
	long long	 v;
	size_t		 i, n;
	int		 dd, mm, yy;

	if (validsz > 0)
		valid[0] = '\0';
	(void)text_unaccent(reply, t, sizeof(t), 1);
	/* The account words, most specific first; the earliest place wins. */
	for (i = 0; i < sizeof(credit_words) / sizeof(credit_words[0]); i++) {
		n = strlen(credit_words[i]);
		for (p = t; (p = strstr(p, credit_words[i])) != NULL; p++) {
			if ((p > t && isalpha((unsigned char)p[-1])) ||
			    isalpha((unsigned char)p[n]))
				continue;
			if (best == NULL || p < best)
				best = p + n;
			break;
		}
	}
	*amount = -1;
	if (best != NULL) {
		for (q = best; *q != '\0' && !isdigit((unsigned char)*q) &&
		    q - best < 24; q++)
			;
		if ((v = credit_amount(q, &end)) >= 0)
			*amount = v;
	}
	if (*amount < 0) {
		for (q = t; *q != '\0'; q++) {
			if (!isdigit((unsigned char)*q) || (q > t &&
			    isdigit((unsigned char)q[-1])))
				continue;
			if ((v = credit_amount(q, &end)) >= 0 &&
			    credit_is_currency(end)) {
				*amount = v;
				break;
			}
		}
	}
	if (*amount < 0)
		return (-1);
	/* The validity: a date after hsd / han su dung / het han. */
	if ((p = strstr(t, "hsd")) != NULL || (p = strstr(t, "han su dung")) !=
	    NULL || (p = strstr(t, "het han")) != NULL) {
		for (q = p; *q != '\0' && q - p < 40; q++) {
			if (sscanf(q, "%2d/%2d/%4d", &dd, &mm, &yy) == 3 &&
			    isdigit((unsigned char)*q) && dd >= 1 && dd <= 31 &&
			    mm >= 1 && mm <= 12 && yy >= 2000 && yy < 2100) {
				(void)snprintf(valid, validsz, "%02d/%02d/%04d",
				    dd, mm, yy);
				break;
			}
		}
	}
	return (0);
}
