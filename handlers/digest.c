/*
 * tinbao: the daily digest (SPEC section 7).
 *
 * Once a day, at digest_time (local), each principal gets the count and the
 * codes of the non-urgent cases of their school since the last digest, and
 * the Bureau's level-1 contact those of the whole district, by category.
 * No text of any report, only codes: the Bureau reads the rest on the
 * dashboard.  The date of the last digest is kept in the database, so a
 * restart neither skips nor repeats one.
 *
 * A digest is one SMS of GSM-7 when it fits; a longer one is split at case
 * codes into at most DIGEST_PARTS SMS ("... tiep:"), never a code cut, and
 * what does not fit is counted and pointed to the dashboard (issue 15).
 * A school with cases and no principal in the directory has nobody to
 * read its digest: the Bureau's level-1 contact is warned, with the
 * schools and their counts, and the log says so.
 *
 * Not a returned plan (issue 13): the digest runs from the housekeeping
 * timer in its own transaction, not from the router; it reads the
 * recipients, the cases and the date of the last digest, and its writes (the
 * digests queued, the date, the purge) are what it is for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"
#include "category.h"

#define DIGEST_SMS	160	/* characters of one GSM-7 SMS */
#define DIGEST_PARTS	3	/* SMS of one digest at most */
#define DIGEST_ORPHANS	16	/* schools without principal, listed */

struct digest_arg {
	struct store		*store;
	const struct config	*conf;
	int64_t			 since;
	int64_t			 now;
	int			 count[CATEGORY_N];
	int			 n;
	char			 codes[1024];	/* space-separated */
	int			 sent;
	int			 failed;
	char			 orphans[DIGEST_ORPHANS][16];
	int			 norphans;
};

static int	digest_queue(struct digest_arg *, const struct contact *,
		    const char *);
static int	digest_orphan_cb(const struct dirgap *, void *);
static int	digest_orphans(struct digest_arg *, const struct contact *);

static void	digest_reset(struct digest_arg *);

static int
digest_case_cb(const char *code, const char *category, void *arg)
{
	struct digest_arg	*da = arg;
	size_t			 len = strlen(da->codes);

	da->count[category_get(category)->id]++;
	da->n++;
	if (len + strlen(code) + 2 < sizeof(da->codes))
		(void)snprintf(da->codes + len, sizeof(da->codes) - len, "%s%s",
		    len ? " " : "", code);
	return (0);
}

/* Queues one SMS of a digest to a contact. */
static int
digest_queue(struct digest_arg *da, const struct contact *to,
    const char *text)
{
	struct store_outmsg	 o;

	memset(&o, 0, sizeof(o));
	o.number = to->phone;
	o.contact_id = to->id;
	o.text = text;
	o.kind = "digest";
	o.priority = PRIO_DIGEST;
	o.charset = CHARSET_GSM7;
	o.created_at = da->now;
	if (store_outbox_add(da->store, &o) == -1)
		return (-1);
	da->sent++;
	return (0);
}

/*
 * Formats and queues one digest to a contact, split at case codes into at
 * most DIGEST_PARTS SMS (see the top of this file); nothing when no case.
 */
static int
digest_send(struct digest_arg *da, const struct contact *to, const char *who)
{
	char		 text[DIGEST_SMS * 2], part[32], when[16], more[64];
	char		 codes[sizeof(da->codes)], *code, *save = NULL;
	time_t		 t = (time_t)da->now;
	struct tm	 tm;
	size_t		 i, len;
	int		 nsms = 1, left = da->n;

	if (da->n == 0)
		return (0);
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%d/%m", &tm);
	len = (size_t)snprintf(text, sizeof(text), "TINBAO %s %s: %d tin moi "
	    "khong khan (", when, who, da->n);
	for (i = 0; i < CATEGORY_N; i++) {
		if (da->count[i] == 0)
			continue;
		(void)snprintf(part, sizeof(part), "%s%s %d",
		    text[len - 1] == '(' ? "" : ", ",
		    category_table[i].teacher, da->count[i]);
		len = strlen(text);
		(void)snprintf(text + len, sizeof(text) - len, "%s", part);
		len = strlen(text);
	}
	(void)snprintf(text + len, sizeof(text) - len, "):");
	(void)strlcpy_checked(codes, da->codes, sizeof(codes));
	for (code = strtok_r(codes, " ", &save); code != NULL;
	    code = strtok_r(NULL, " ", &save)) {
		len = strlen(text);
		/* The last SMS keeps room to say how many are left. */
		if (len + 1 + strlen(code) + (nsms == DIGEST_PARTS ? 40 : 0) >
		    DIGEST_SMS) {
			if (nsms == DIGEST_PARTS)
				break;
			if (digest_queue(da, to, text) == -1)
				return (-1);
			nsms++;
			(void)snprintf(text, sizeof(text), "TINBAO %s %s tiep:",
			    when, who);
			len = strlen(text);
		}
		(void)snprintf(text + len, sizeof(text) - len, " %s", code);
		left--;
	}
	if (left > 0) {
		(void)snprintf(more, sizeof(more), " va %d ho so nua: xem trang "
		    "quan ly.", left);
		len = strlen(text);
		if (len + strlen(more) > DIGEST_SMS) {
			if (digest_queue(da, to, text) == -1)
				return (-1);
			(void)snprintf(text, sizeof(text), "TINBAO %s %s tiep:",
			    when, who);
			len = strlen(text);
		}
		(void)snprintf(text + len, sizeof(text) - len, "%s", more);
	}
	return (digest_queue(da, to, text));
}

/* Notes a school without principal (store_directory_gaps). */
static int
digest_orphan_cb(const struct dirgap *g, void *arg)
{
	struct digest_arg	*da = arg;

	if (g->kind == DIRGAP_NO_PRINCIPAL && da->norphans < DIGEST_ORPHANS)
		(void)strlcpy_checked(da->orphans[da->norphans++], g->subject,
		    sizeof(da->orphans[0]));
	return (0);
}

/*
 * Warns the Bureau's contact of the schools that had cases and have no
 * principal to read their digest.  0 or -1.
 */
static int
digest_orphans(struct digest_arg *da, const struct contact *to)
{
	char	 text[DIGEST_SMS * 2], list[DIGEST_SMS];
	size_t	 len;
	int	 i;

	da->norphans = 0;
	if (store_directory_gaps(da->store, digest_orphan_cb, da) == -1)
		return (-1);
	list[0] = '\0';
	for (i = 0; i < da->norphans; i++) {
		digest_reset(da);
		if (store_digest_cases(da->store, da->since, da->orphans[i],
		    digest_case_cb, da) == -1)
			return (-1);
		if (da->n == 0)
			continue;
		log_warnx("digest school=%s cases=%d: no principal to tell",
		    da->orphans[i], da->n);
		len = strlen(list);
		if (len + 16 < sizeof(list) - 60)
			(void)snprintf(list + len, sizeof(list) - len, "%s%s (%d)",
			    len ? ", " : "", da->orphans[i], da->n);
	}
	digest_reset(da);
	if (list[0] == '\0')
		return (0);
	(void)snprintf(text, sizeof(text), "TINBAO: truong chua co hieu truong "
	    "trong danh ba, khong ai nhan ban tin: %s. Xem trang quan ly.",
	    list);
	text[DIGEST_SMS] = '\0';
	return (digest_queue(da, to, text));
}

static void
digest_reset(struct digest_arg *da)
{
	memset(da->count, 0, sizeof(da->count));
	da->n = 0;
	da->codes[0] = '\0';
}

static int
digest_principal_cb(const struct contact *c, void *arg)
{
	struct digest_arg	*da = arg;

	if (c->school[0] == '\0')
		return (0);
	digest_reset(da);
	if (store_digest_cases(da->store, da->since, c->school, digest_case_cb,
	    da) == -1 || digest_send(da, c, c->school) == -1) {
		da->failed = 1;
		return (-1);
	}
	return (0);
}

static int
digest_bureau_cb(const struct contact *c, void *arg)
{
	struct digest_arg	*da = arg;

	digest_reset(da);
	if (store_digest_cases(da->store, da->since, NULL, digest_case_cb,
	    da) == -1 || digest_send(da, c, "toan huyen") == -1 ||
	    digest_orphans(da, c) == -1) {
		da->failed = 1;
		return (-1);
	}
	return (0);
}

/*
 * Sends today's digest when digest_time has passed and it was not sent
 * yet, then purges the numbers past the retention period.  Returns the
 * number of digests queued, or -1.
 */
int
route_digest(struct store *st, const struct config *conf, int64_t now)
{
	struct digest_arg	 da;
	struct tm		 tm;
	time_t			 t = (time_t)now;
	char			 today[16], last[32] = "", hhmm[8];
	int			 r;

	localtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	strftime(hhmm, sizeof(hhmm), "%H:%M", &tm);
	if (strcmp(hhmm, conf->digest_time ? conf->digest_time : "17:00") < 0)
		return (0);
	if ((r = store_meta_get(st, "digest_last", last, sizeof(last))) == -1)
		return (-1);
	if (r == 1 && strcmp(last, today) == 0)
		return (0);

	memset(&da, 0, sizeof(da));
	da.store = st;
	da.conf = conf;
	da.now = now;
	/* Since the last digest, at most a week back. */
	da.since = now - 24 * 3600;
	if (r == 1) {
		char	 stamp[32];

		if (store_meta_get(st, "digest_last_at", stamp,
		    sizeof(stamp)) == 1)
			da.since = strtoll(stamp, NULL, 10);
		if (da.since < now - 7 * 24 * 3600)
			da.since = now - 7 * 24 * 3600;
	}
	if (store_begin(st) == -1)
		return (-1);
	if (store_contacts_by_role(st, "principal", 0, digest_principal_cb,
	    &da) == -1 || da.failed ||
	    store_contacts_by_role(st, "bureau", 1, digest_bureau_cb,
	    &da) == -1 || da.failed)
		goto fail;
	(void)snprintf(last, sizeof(last), "%lld", (long long)now);
	if (store_meta_set(st, "digest_last", today) == -1 ||
	    store_meta_set(st, "digest_last_at", last) == -1)
		goto fail;
	if (conf->retention > 0 && (r = store_purge_numbers(st,
	    now - conf->retention)) == -1)
		goto fail;
	if (store_commit(st) == -1)
		return (-1);
	log_info("digest date=%s sent=%d purged=%d", today, da.sent, r);
	return (da.sent);
fail:
	store_rollback(st);
	return (-1);
}
