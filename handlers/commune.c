/*
 * tinbao: the commune People's Committee's notices (SPEC sections 6, 7
 * and 11).  The plan asks schools to report "to the Bureau and the
 * commune"; each contact with role commune_committee (and a commune)
 * hears of every case at a school of its commune:
 *
 * - an urgent case at once, when its first alerts are queued (route.c
 *   calls commune_notice_urgent in the same transaction): code, category,
 *   school, time;
 * - the others once a day at digest_time: their count, codes and
 *   categories since the last digest;
 * - on the 1st of each month (at digest_time), the past month's summary
 *   for its commune from report.c's commune table, with the same hidden
 *   counts as the printed report.
 *
 * Never a report's text, never a number: the committee needs to know
 * that something happened and where, not who said it.  Every notice is
 * one GSM-7 SMS queued after the alerts, replies and acknowledgements
 * (PRIO_NOTICE).  The dates of the last digest and monthly summary are
 * in the meta table, so a restart neither skips nor repeats one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"
#include "category.h"

#define COMMUNE_ROLE	"commune_committee"
#define COMMUNE_SMS	160

struct commune_arg {
	struct store		*store;
	const struct config	*conf;
	const char		*commune;	/* the case's, for an urgent one */
	int64_t			 case_id;
	const char		*text;
	int64_t			 since, now;
	struct report		*rep;
	char			 buf[400];	/* a digest being written */
	int			 n;
	int			 sent;
	int			 failed;
};

static int	commune_queue(struct commune_arg *, const struct contact *,
		    const char *);
static int	commune_urgent_cb(const struct contact *, void *);
static int	commune_digest_case_cb(const char *, const char *,
		    const char *, void *);
static int	commune_digest_cb(const struct contact *, void *);
static int	commune_monthly_cb(const struct contact *, void *);
static int	commune_digest(struct store *, const struct config *, int64_t,
		    const char *);
static int	commune_monthly(struct store *, const struct config *,
		    int64_t, const struct tm *);
static void	commune_ascii(const char *, char *, size_t);

/* A name folded to unaccented GSM-7 text. */
static void
commune_ascii(const char *s, char *buf, size_t bufsz)
{
	(void)text_unaccent(s, buf, bufsz, 0);
	text_gsm7_safe(buf);
}

/* Queues one notice to a committee contact, cut to one SMS. */
static int
commune_queue(struct commune_arg *ca, const struct contact *to,
    const char *text)
{
	struct store_outmsg	 o;
	char			 sms[COMMUNE_SMS + 1], detail[96];
	int64_t			 id;

	(void)strlcpy_checked(sms, text, sizeof(sms));
	if (strlen(text) > COMMUNE_SMS)
		(void)strlcpy_checked(sms + COMMUNE_SMS - 3, "...", 4);
	memset(&o, 0, sizeof(o));
	o.case_id = ca->case_id;
	o.number = to->phone;
	o.contact_id = to->id;
	o.text = sms;
	o.kind = "notice";
	o.priority = PRIO_NOTICE;
	o.charset = CHARSET_GSM7;
	o.created_at = ca->now;
	if ((id = store_outbox_add(ca->store, &o)) == -1) {
		ca->failed = 1;
		return (-1);
	}
	ca->sent++;
	if (ca->case_id == 0)
		return (0);
	(void)snprintf(detail, sizeof(detail), "outbox=%lld to=%s:%lld",
	    (long long)id, COMMUNE_ROLE, (long long)to->id);
	if (store_event_add(ca->store, ca->case_id, ca->now, "commune_notice",
	    detail) == -1) {
		ca->failed = 1;
		return (-1);
	}
	return (0);
}

static int
commune_urgent_cb(const struct contact *to, void *arg)
{
	struct commune_arg	*ca = arg;

	if (strcmp(to->commune, ca->commune) != 0)
		return (0);
	return (commune_queue(ca, to, ca->text));
}

/*
 * Tells the committee of the case's commune about an urgent case: code,
 * category, school and time.  Runs inside the caller's transaction.
 * Returns the number of notices queued (0 when the case has no school or
 * its commune no committee), or -1.
 */
int
commune_notice_urgent(struct store *st, const struct config *conf,
    int64_t case_id, int64_t now)
{
	struct store_caserow	 c;
	struct school		 sc;
	struct commune_arg	 ca;
	char			 text[400], sch[128], when[32];
	time_t			 t;
	struct tm		 tm;

	if (store_case_by_id(st, case_id, &c) != 1)
		return (-1);
	if (c.school[0] == '\0' || store_school_get(st, c.school, &sc) != 1 ||
	    sc.commune[0] == '\0') {
		store_caserow_free(&c);
		return (0);
	}
	t = (time_t)c.created_at;
	localtime_r(&t, &tm);
	(void)strftime(when, sizeof(when), "%H:%M %d/%m", &tm);
	commune_ascii(sc.name, sch, sizeof(sch));
	(void)snprintf(text, sizeof(text), "TINBAO UBND xa: vu KHAN %s, %s, "
	    "%s, %s. Cong an va Phong GD&DT da duoc bao.", c.code,
	    category_name_ascii(c.category), sch, when);
	memset(&ca, 0, sizeof(ca));
	ca.store = st;
	ca.conf = conf;
	ca.commune = sc.commune;
	ca.case_id = case_id;
	ca.text = text;
	ca.now = now;
	if (store_contacts_by_role(st, COMMUNE_ROLE, 0, commune_urgent_cb,
	    &ca) == -1 || ca.failed) {
		store_caserow_free(&c);
		return (-1);
	}
	if (ca.sent > 0)
		log_info("case=%s commune notices=%d", c.code, ca.sent);
	store_caserow_free(&c);
	return (ca.sent);
}

/* One case of a digest: "K7QX bat nat (THCS My Phu)". */
static int
commune_digest_case_cb(const char *code, const char *category,
    const char *school, void *arg)
{
	struct commune_arg	*ca = arg;
	char			 sch[96], item[160];
	size_t			 len = strlen(ca->buf);

	commune_ascii(school, sch, sizeof(sch));
	(void)snprintf(item, sizeof(item), "%s%s %s (%s)", ca->n > 0 ? "; " :
	    "", code, category_name_ascii(category), sch);
	if (len + strlen(item) < sizeof(ca->buf))
		(void)strlcpy_checked(ca->buf + len, item,
		    sizeof(ca->buf) - len);
	ca->n++;
	return (0);
}

/* A committee's daily digest: nothing when its commune had no case. */
static int
commune_digest_cb(const struct contact *to, void *arg)
{
	struct commune_arg	*ca = arg;
	char			 name[96], head[160], text[600], when[16];
	time_t			 t = (time_t)ca->now;
	struct tm		 tm;

	ca->buf[0] = '\0';
	ca->n = 0;
	if (store_commune_cases(ca->store, to->commune, ca->since, ca->now,
	    commune_digest_case_cb, ca) == -1) {
		ca->failed = 1;
		return (-1);
	}
	if (ca->n == 0)
		return (0);
	localtime_r(&t, &tm);
	(void)strftime(when, sizeof(when), "%d/%m", &tm);
	commune_ascii(to->commune, name, sizeof(name));
	(void)snprintf(head, sizeof(head), "TINBAO %s xa %s: %d tin khong khan: ",
	    when, name, ca->n);
	(void)snprintf(text, sizeof(text), "%s%s", head, ca->buf);
	return (commune_queue(ca, to, text));
}

/* The daily digest, once a day at digest_time.  Returns notices or -1. */
static int
commune_digest(struct store *st, const struct config *conf, int64_t now,
    const char *today)
{
	struct commune_arg	 ca;
	char			 last[32] = "", stamp[32];
	int			 r;

	if ((r = store_meta_get(st, "commune_digest_last", last,
	    sizeof(last))) == -1)
		return (-1);
	if (r == 1 && strcmp(last, today) == 0)
		return (0);
	memset(&ca, 0, sizeof(ca));
	ca.store = st;
	ca.conf = conf;
	ca.now = now;
	/* Since the last digest, at most a week back. */
	ca.since = now - 24 * 3600;
	if (store_meta_get(st, "commune_digest_at", stamp, sizeof(stamp)) == 1)
		ca.since = strtoll(stamp, NULL, 10);
	if (ca.since < now - 7 * 24 * 3600)
		ca.since = now - 7 * 24 * 3600;
	if (store_begin(st) == -1)
		return (-1);
	(void)snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	if (store_contacts_by_role(st, COMMUNE_ROLE, 0, commune_digest_cb,
	    &ca) == -1 || ca.failed ||
	    store_meta_set(st, "commune_digest_last", today) == -1 ||
	    store_meta_set(st, "commune_digest_at", stamp) == -1) {
		store_rollback(st);
		return (-1);
	}
	if (store_commit(st) == -1)
		return (-1);
	log_info("commune digest date=%s sent=%d", today, ca.sent);
	return (ca.sent);
}

/* A committee's monthly summary from the report's commune table. */
static int
commune_monthly_cb(const struct contact *to, void *arg)
{
	struct commune_arg		*ca = arg;
	const struct report_table	*t = &ca->rep->sec[REPORT_BY_COMMUNE];
	char				 name[96], text[400];
	char				 v[REPORT_NSHOWN][32];
	size_t				 i;
	int				 col;

	for (col = 0; col < REPORT_NSHOWN; col++)
		(void)strlcpy_checked(v[col], "0", sizeof(v[col]));
	for (i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].key, to->commune) == 0)
			break;
	for (col = 0; i < t->n && col < REPORT_NSHOWN; col++)
		report_cell(ca->rep, REPORT_BY_COMMUNE, i, col, v[col],
		    sizeof(v[col]));
	commune_ascii(to->commune, name, sizeof(name));
	(void)snprintf(text, sizeof(text), "TINBAO BC thang %.2s/%.4s xa %s: "
	    "%s vu (khan %s), da tiep nhan %s, da xu ly %s; thang truoc %s. "
	    "x: so nho, an.", ca->rep->from + 5, ca->rep->from, name, v[0],
	    v[1], v[2], v[3], v[5]);
	return (commune_queue(ca, to, text));
}

/*
 * On the 1st of a month (or the first tick after it, if the gateway was
 * down and a summary was sent before), each committee gets the past
 * month's summary.  Returns notices or -1.
 */
static int
commune_monthly(struct store *st, const struct config *conf, int64_t now,
    const struct tm *tm)
{
	struct commune_arg	 ca;
	struct report		 rep;
	char			 month[16], last[32] = "", period[16], why[128];
	int			 r, y, m;

	(void)strftime(month, sizeof(month), "%Y-%m", tm);
	if ((r = store_meta_get(st, "commune_month_last", last,
	    sizeof(last))) == -1)
		return (-1);
	if ((r == 1 && strcmp(last, month) == 0) || (r == 0 &&
	    tm->tm_mday != 1))
		return (0);
	y = tm->tm_year + 1900;
	m = tm->tm_mon;		/* the previous month, 1-based */
	if (m == 0)
		y--, m = 12;
	(void)snprintf(period, sizeof(period), "%04d-%02d", y, m);
	memset(&rep, 0, sizeof(rep));
	rep.suppress = conf->report_suppress;
	if (report_period(conf, period, NULL, NULL, &rep, why,
	    sizeof(why)) == -1 || report_load(&rep, st) == -1) {
		report_free(&rep);
		return (-1);
	}
	memset(&ca, 0, sizeof(ca));
	ca.store = st;
	ca.conf = conf;
	ca.now = now;
	ca.rep = &rep;
	if (store_begin(st) == -1) {
		report_free(&rep);
		return (-1);
	}
	if (store_contacts_by_role(st, COMMUNE_ROLE, 0, commune_monthly_cb,
	    &ca) == -1 || ca.failed ||
	    store_meta_set(st, "commune_month_last", month) == -1) {
		store_rollback(st);
		report_free(&rep);
		return (-1);
	}
	report_free(&rep);
	if (store_commit(st) == -1)
		return (-1);
	log_info("commune monthly month=%s sent=%d", period, ca.sent);
	return (ca.sent);
}

/*
 * The committee's scheduled notices, from the housekeeping timer: after
 * digest_time, the daily digest and, on the 1st, the monthly summary.
 * Returns the number queued, or -1.
 */
int
commune_tick(struct store *st, const struct config *conf, int64_t now)
{
	struct tm	 tm;
	time_t		 t = (time_t)now;
	char		 today[16], hhmm[8];
	int		 a, b;

	localtime_r(&t, &tm);
	(void)strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	(void)strftime(hhmm, sizeof(hhmm), "%H:%M", &tm);
	if (strcmp(hhmm, conf->digest_time ? conf->digest_time : "17:00") < 0)
		return (0);
	if ((a = commune_digest(st, conf, now, today)) == -1)
		return (-1);
	if ((b = commune_monthly(st, conf, now, &tm)) == -1)
		return (-1);
	return (a + b);
}
