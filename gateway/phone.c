/*
 * tinbao: phone numbers.
 *
 * Vietnamese numbers arrive in many shapes (`0912 345 678`, `84912345678`,
 * `+84 912.345.678`, `0084...`).  Everything is normalised to E.164 before it
 * is hashed, encrypted or compared, so that the same phone is always the same
 * sender.  Alphanumeric senders (a carrier's "VIETTEL") are not numbers.
 */
#include <ctype.h>
#include <string.h>

#include "tinbao.h"

/* Returns 1 when s looks like a phone number (digits and separators). */
int
phone_is_number(const char *s)
{
	int	 digits = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (strchr("+ .-()", *s) == NULL)
			return (0);
	}
	return (digits >= 3);
}

/*
 * Normalises a number to E.164 into out.  National numbers (leading 0) and
 * bare 84... numbers become +84...; other international numbers keep their
 * country code.  Returns 0, or -1 when it is not a valid number.
 */
int
phone_normalize(const char *in, char *out, size_t outsz)
{
	char		 d[32];
	size_t		 n = 0;
	const char	*s = in;
	int		 plus = 0, r;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+') {
		plus = 1;
		s++;
	}
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s)) {
			if (n + 1 >= sizeof(d))
				return (-1);
			d[n++] = *s;
		} else if (strchr(" .-()", *s) == NULL)
			return (-1);
	}
	d[n] = '\0';
	if (n < 3)
		return (-1);
	if (!plus && strncmp(d, "00", 2) == 0) {
		/* International prefix. */
		memmove(d, d + 2, n - 1);
		n -= 2;
		plus = 1;
	}
	if (plus)
		r = snprintf(out, outsz, "+%s", d);
	else if (d[0] == '0' && n >= 10 && n <= 11)
		r = snprintf(out, outsz, "+84%s", d + 1);
	else if (strncmp(d, "84", 2) == 0 && n >= 11 && n <= 12)
		r = snprintf(out, outsz, "+%s", d);
	else if (n <= 6)
		r = snprintf(out, outsz, "%s", d);	/* short code */
	else
		return (-1);
	if (r < 0 || (size_t)r >= outsz)
		return (-1);
	if (out[0] == '+' && (strlen(out) < 8 || strlen(out) > 16))
		return (-1);
	return (0);
}
