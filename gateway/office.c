/*
 * tinbao: office hours, pure code (SPEC section 3, [triage] office_hours).
 *
 * The Bureau works in a daily window on some days of the week, by default
 * 07:00-17:00 Monday to Saturday.  The triage net only counts office time:
 * notices of non-urgent cases go out in it, and untriaged_timeout is office
 * time, so a case that arrives on Saturday at 16:00 with a 4 h timeout is
 * due on Monday at 10:00.  Urgent alerts never look at office hours.
 *
 * The syntax is "HH:MM-HH:MM [DAYS]": the end may be 24:00, and an end
 * before the start is a window over midnight (it belongs to the day it
 * starts).  DAYS is a comma list of days or ranges of days, in English
 * (Mon..Sun) or Vietnamese (T2..T7, CN), default Mon-Sat.  Times are the
 * machine's local time (mktime, so a DST change is handled by the C
 * library).  Nothing here reads a clock, a file or a global: the callers
 * give the time, so the tests can give any.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tinbao.h"

#define OFFICE_SCAN_DAYS	9	/* yesterday to a week ahead, and one */

static const struct {
	const char	*name;
	int		 wday;		/* struct tm's: 0 is Sunday */
} office_days[] = {
	{ .name = "sun", .wday = 0 }, { .name = "cn", .wday = 0 },
	{ .name = "mon", .wday = 1 }, { .name = "t2", .wday = 1 },
	{ .name = "tue", .wday = 2 }, { .name = "t3", .wday = 2 },
	{ .name = "wed", .wday = 3 }, { .name = "t4", .wday = 3 },
	{ .name = "thu", .wday = 4 }, { .name = "t5", .wday = 4 },
	{ .name = "fri", .wday = 5 }, { .name = "t6", .wday = 5 },
	{ .name = "sat", .wday = 6 }, { .name = "t7", .wday = 6 },
};

static int	office_hhmm(const char *, size_t, int *);
static int	office_day(const char *, size_t);
static int	office_parse_days(const char *, struct office_hours *, char *,
		    size_t, unsigned);
static int64_t	office_midnight(int64_t, int);
static int	office_window(const struct office_hours *, int64_t, int64_t *,
		    int64_t *);

/* Reads "HH:MM" (00:00 to 24:00) of len bytes into minutes. */
static int
office_hhmm(const char *s, size_t len, int *min)
{
	int	 h, m;

	if (len != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return (-1);
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return (-1);
	*min = h * 60 + m;
	return (0);
}

/* Returns the wday of a day's name of len bytes, or -1. */
static int
office_day(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(office_days) / sizeof(office_days[0]); i++)
		if (strlen(office_days[i].name) == len &&
		    strncasecmp(office_days[i].name, s, len) == 0)
			return (office_days[i].wday);
	return (-1);
}

/*
 * Parses office hours into oh.  Returns 0, or -1 with the reason in why.
 */
int
office_parse(const char *v, struct office_hours *oh, char *why, size_t whysz)
{
	return (office_parse_days(v, oh, why, whysz, 0x7e));
}

/*
 * The same for a window that holds every day unless days are given, such
 * as [broadcast] quiet_hours ("21:00-07:00").
 */
int
office_parse_daily(const char *v, struct office_hours *oh, char *why,
    size_t whysz)
{
	return (office_parse_days(v, oh, why, whysz, 0x7f));
}

/* Parses v; defdays (bit n: wday n) when it names no day. */
static int
office_parse_days(const char *v, struct office_hours *oh, char *why,
    size_t whysz, unsigned defdays)
{
	const char	*p = v, *dash, *e, *r;
	int		 a, b, d;

	memset(oh, 0, sizeof(*oh));
	while (*p == ' ')
		p++;
	if ((dash = strchr(p, '-')) == NULL ||
	    office_hhmm(p, (size_t)(dash - p), &oh->start) == -1 ||
	    office_hhmm(dash + 1, strcspn(dash + 1, " "), &oh->end) == -1 ||
	    oh->start == 24 * 60 || oh->start == oh->end) {
		(void)snprintf(why, whysz, "\"%s\" is not office hours "
		    "HH:MM-HH:MM [DAYS] (e.g. 07:00-17:00 Mon-Sat)", v);
		return (-1);
	}
	p = dash + 1 + strcspn(dash + 1, " ");
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		oh->days = defdays;
		return (0);
	}
	while (*p != '\0') {
		e = p + strcspn(p, ", ");
		r = memchr(p, '-', (size_t)(e - p));
		if (r == NULL) {
			if ((a = office_day(p, (size_t)(e - p))) == -1)
				goto bad;
			b = a;
		} else if ((a = office_day(p, (size_t)(r - p))) == -1 ||
		    (b = office_day(r + 1, (size_t)(e - r - 1))) == -1)
			goto bad;
		/* Mon-Sun wraps to Sunday; Sat-Mon over the weekend too. */
		for (d = a;; d = (d + 1) % 7) {
			oh->days |= 1u << d;
			if (d == b)
				break;
		}
		p = e;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return (0);
bad:
	(void)snprintf(why, whysz, "\"%s\": days are Mon..Sun or T2..T7, CN, "
	    "in a list or ranges (e.g. Mon-Sat)", v);
	return (-1);
}

/* Returns local midnight of the day of t, plus days days. */
static int64_t
office_midnight(int64_t t, int days)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	localtime_r(&tt, &tm);
	tm.tm_mday += days;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm));
}

/*
 * Finds the first office window [*a, *b) that ends after t.  Returns 0, or
 * -1 when there is none (no day at all).
 */
static int
office_window(const struct office_hours *oh, int64_t t, int64_t *a,
    int64_t *b)
{
	int64_t		 day;
	time_t		 tt;
	struct tm	 tm;
	int		 i;

	if ((oh->days & 0x7f) == 0)
		return (-1);
	for (i = -1; i < OFFICE_SCAN_DAYS; i++) {
		day = office_midnight(t, i);
		tt = (time_t)day;
		localtime_r(&tt, &tm);
		if ((oh->days & (1u << tm.tm_wday)) == 0)
			continue;
		*a = day + oh->start * 60;
		if (oh->end > oh->start)
			*b = day + oh->end * 60;
		else	/* over midnight: ends on the next day */
			*b = office_midnight(t, i + 1) + oh->end * 60;
		if (*b > t)
			return (0);
	}
	return (-1);
}

/* Returns 1 when t is in office hours. */
int
office_is_open(const struct office_hours *oh, int64_t t)
{
	int64_t	 a, b;

	return (office_window(oh, t, &a, &b) == 0 && a <= t);
}

/* Returns t when the window is not open at t, else the time it closes. */
int64_t
office_closes(const struct office_hours *oh, int64_t t)
{
	int64_t	 a, b;

	if (office_window(oh, t, &a, &b) == 0 && a <= t)
		return (b);
	return (t);
}

/*
 * Returns the time at which secs seconds of office time have passed since
 * from, or INT64_MAX when office hours never come.
 */
int64_t
office_add(const struct office_hours *oh, int64_t from, int64_t secs)
{
	int64_t	 t = from, a, b;
	int	 guard;

	/* Each turn uses up one window; a year of windows is plenty. */
	for (guard = 0; guard < 800; guard++) {
		if (office_window(oh, t, &a, &b) == -1)
			return (INT64_MAX);
		if (t < a)
			t = a;
		if (secs <= b - t)
			return (t + secs);
		secs -= b - t;
		t = b;
	}
	return (INT64_MAX);
}
