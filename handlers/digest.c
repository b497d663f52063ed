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

struct digest_arg {
	struct store		*store;
	const struct config	*conf;
	int64_t			 since;
	int64_t			 now;
	int			 count[CATEGORY_N];
	int			 n;
	char			 codes[200];
	int			 sent;
	int			 failed;
};

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

/* Formats and queues one digest to a contact; nothing when no case. */
static int
digest_send(struct digest_arg *da, const struct contact *to, const char *who)
{
	struct store_outmsg	 o;
	char			 text[400], part[32], when[16];
	time_t			 t = (time_t)da->now;
	struct tm		 tm;
	size_t			 i, len;

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
	(void)snprintf(text + len, sizeof(text) - len, "): %s", da->codes);
	/* One SMS: the list of codes is cut, the counts are not. */
	if (strlen(text) > 160) {
		text[157] = '\0';
		(void)strlcpy_checked(text + 157, "...", 4);
	}
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
	    da) == -1 || digest_send(da, c, "toan huyen") == -1) {
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
