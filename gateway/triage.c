/*
 * tinbao: the triage net (SPEC sections 3 [triage] and 7: nothing waits
 * unseen).
 *
 * Every case is untriaged until a Bureau user triages it (triage_case:
 * today `tinbao triage`, later the dashboard and the API) or a responder
 * acknowledges or closes it (a trigger of sql/005_triage.sql).  The
 * housekeeping tick (triage_tick, every second from server.c) does three
 * things, each in its own short transaction:
 *
 *  1. It reads each new case once (and again after its text changed): is
 *     school staff named as the one who hurts (accused.c)?  Then the
 *     timeline says so, route.c keeps the alert from the school's
 *     principal, and the principal's digest leaves the case out.  It also
 *     arms the untriaged timer: due_at is untriaged_timeout of office time
 *     after the case came in, a column of the table, so a restart keeps it.
 *  2. When an untriaged, non-urgent, open case's time is up it is escalated
 *     like an unacknowledged alert, with the same machinery: a
 *     compare-and-set of the case's esc_step from 0 to 1 and route_alert()
 *     in one transaction (so the step is never taken twice), after which
 *     route_escalate() takes it up the levels every ack_timeout until
 *     someone answers NHAN.
 *  3. In office hours, at most once per notify_interval, the new non-urgent
 *     untriaged cases go to the Bureau's level-1 contact in ONE SMS: codes
 *     and categories, "other" first; what does not fit is "+N, see the
 *     dashboard".  Outside office hours they wait for the next opening.  An
 *     urgent case never waits for this: it was alerted when it came in.
 *
 * The time of the last notice is kept in meta (triage_notice_at), so a
 * restart neither repeats nor skips one.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tinbao.h"
#include "category.h"

#define TRIAGE_BATCH		64	/* cases read or fired per tick */
#define TRIAGE_NOTICE_ITEMS	24	/* more never fit one SMS */

struct triage_notice_arg {
	struct store		*store;
	const char		*text;
	int64_t			 now;
	int			 n;
	int64_t			 first_outbox;
	int			 failed;
};

static int	triage_arm(struct store *, const struct config *,
		    const struct office_hours *, int64_t);
static int	triage_fire(struct store *, const struct config *, int64_t);
static int	triage_notice(struct store *, const struct config *,
		    const struct office_hours *, int64_t);
static int	triage_notice_cb(const struct contact *, void *);
static void	triage_hours(const struct config *, struct office_hours *);

/* Checks an office_hours value for config.c's option table. */
int
triage_check_hours(const char *v, char *why, size_t whysz)
{
	struct office_hours	 oh;

	return (office_parse(v, &oh, why, whysz));
}

/* The configured office hours (config.c has checked them already). */
static void
triage_hours(const struct config *conf, struct office_hours *oh)
{
	char	 why[160];

	if (conf->office_hours == NULL || office_parse(conf->office_hours, oh,
	    why, sizeof(why)) == -1)
		(void)office_parse("07:00-17:00 Mon-Sat", oh, why,
		    sizeof(why));
}

/*
 * Writes the triage notice for n listed items out of total into buf, in
 * at most TRIAGE_NOTICE_MAX characters of unaccented GSM-7.  Items that do
 * not fit are counted as "+N".  Returns how many items were written.
 */
int
triage_format_notice(char *buf, size_t bufsz, const struct triage_item *it,
    size_t n, size_t total)
{
	char	 head[64], tail[80], item[48], body[TRIAGE_NOTICE_MAX + 1];
	size_t	 i, len, max = bufsz - 1 < TRIAGE_NOTICE_MAX ? bufsz - 1 :
		    TRIAGE_NOTICE_MAX;

	(void)snprintf(head, sizeof(head), "TINBAO: %zu tin chua phan loai: ",
	    total);
	body[0] = '\0';
	for (i = 0; i < n; i++) {
		(void)snprintf(item, sizeof(item), "%s%s %s", i > 0 ? ", " : "",
		    it[i].code, category_name_ascii(it[i].category));
		if (i + 1 < total)
			(void)snprintf(tail, sizeof(tail), " +%zu: xem bang "
			    "dieu khien", total - i - 1);
		else
			(void)snprintf(tail, sizeof(tail), ". Xem bang dieu "
			    "khien hoac NHAN <ma>");
		len = strlen(head) + strlen(body) + strlen(item) + strlen(tail);
		if (len > max)
			break;
		(void)strlcpy_checked(body + strlen(body), item,
		    sizeof(body) - strlen(body));
	}
	if (i < total)
		(void)snprintf(tail, sizeof(tail), " +%zu: xem bang dieu khien",
		    total - i);
	else
		(void)snprintf(tail, sizeof(tail), ". Xem bang dieu khien "
		    "hoac NHAN <ma>");
	(void)snprintf(buf, bufsz, "%s%s%s", head, body, tail);
	if (strlen(buf) > max)
		buf[max] = '\0';
	text_gsm7_safe(buf);
	return ((int)i);
}

/* Reads the new and changed cases: staff accused?  Arms their timers. */
static int
triage_arm(struct store *st, const struct config *conf,
    const struct office_hours *oh, int64_t now)
{
	struct store_caserow	 c;
	struct triage_row	 t;
	int64_t			 ids[TRIAGE_BATCH], due;
	char			 why[96], detail[192];
	int			 n, i, r;

	if ((n = store_triage_unchecked(st, ids, TRIAGE_BATCH)) <= 0)
		return (n);
	if (store_begin(st) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((r = store_case_by_id(st, ids[i], &c)) == -1 ||
		    store_triage_get(st, ids[i], &t) == -1)
			goto fail;
		if (r == 0) {
			if (store_triage_set_checked(st, ids[i], NULL, 0) == -1)
				goto fail;
			continue;
		}
		due = 0;
		if (strcmp(t.state, "untriaged") == 0 && t.due_at == 0 &&
		    !c.urgent && strcmp(c.status, "open") == 0) {
			due = office_add(oh, t.since, conf->untriaged_timeout);
			if (due == INT64_MAX)
				due = 0;
		}
		r = accused_is_staff(c.text, why, sizeof(why));
		if (r && t.staff_accused[0] == '\0') {
			(void)snprintf(detail, sizeof(detail), "principal not "
			    "told: school staff named as the one who hurts "
			    "(%s)", why);
			if (store_event_add(st, c.id, now, "staff_accused",
			    detail) == -1) {
				store_caserow_free(&c);
				goto fail;
			}
			log_info("case=%s staff accused: %s", c.code, why);
		}
		store_caserow_free(&c);
		if (store_triage_set_checked(st, ids[i], r ? why : NULL,
		    due) == -1)
			goto fail;
	}
	if (store_commit(st) == -1)
		return (-1);
	return (n);
fail:
	store_rollback(st);
	return (-1);
}

/*
 * Escalates the untriaged cases whose untriaged_timeout of office time is
 * up, each in its own transaction.  Returns how many, or -1.
 */
static int
triage_fire(struct store *st, const struct config *conf, int64_t now)
{
	struct store_caserow	 c;
	struct triage_row	 t;
	int64_t			 ids[TRIAGE_BATCH];
	char			 detail[64];
	int			 n, i, r, ret, cas = 0, done = 0;

	if ((n = store_triage_due(st, now, ids, TRIAGE_BATCH)) <= 0)
		return (n);
	for (i = 0; i < n; i++) {
		if (store_begin(st) == -1)
			return (-1);
		if ((r = store_case_by_id(st, ids[i], &c)) == -1) {
			store_rollback(st);
			return (-1);
		}
		ret = store_triage_get(st, ids[i], &t) == -1 ||
		    store_triage_clear_due(st, ids[i]) == -1 ? -1 : 0;
		/*
		 * Only a case nobody has looked at and that is not on the
		 * alert chain already: the compare-and-set from step 0 keeps
		 * it from firing twice, even after a crash.
		 */
		if (ret == 0 && r == 1 && strcmp(t.state, "untriaged") == 0 &&
		    !c.urgent && strcmp(c.status, "open") == 0 &&
		    c.esc_step == 0) {
			if ((cas = store_case_esc_advance(st, c.id, 0, 1,
			    0)) == -1)
				ret = -1;
			(void)snprintf(detail, sizeof(detail), "after=%ds of "
			    "office time", conf->untriaged_timeout);
			if (cas == 1 && (store_event_add(st, c.id, now,
			    "untriaged_timeout", detail) == -1 ||
			    route_alert(st, conf, c.id, 1, now) == -1))
				ret = -1;
			if (cas == 1 && ret == 0) {
				log_info("case=%s untriaged for %ds of office "
				    "time: escalated", c.code,
				    conf->untriaged_timeout);
				done++;
			}
		}
		if (r == 1)
			store_caserow_free(&c);
		if (ret == -1) {
			store_rollback(st);
			return (-1);
		}
		if (store_commit(st) == -1)
			return (-1);
		crashpoint("after_untriaged_escalation");
	}
	return (done);
}

static int
triage_notice_cb(const struct contact *to, void *arg)
{
	struct triage_notice_arg	*na = arg;
	struct store_outmsg		 o;
	int64_t				 id;

	memset(&o, 0, sizeof(o));
	o.number = to->phone;
	o.contact_id = to->id;
	o.text = na->text;
	o.kind = "triage";
	o.priority = PRIO_REPLY;	/* before acks and digests */
	o.charset = CHARSET_GSM7;
	o.created_at = na->now;
	if ((id = store_outbox_add(na->store, &o)) == -1) {
		na->failed = 1;
		return (-1);
	}
	if (na->first_outbox == 0)
		na->first_outbox = id;
	na->n++;
	return (0);
}

/*
 * Sends the Bureau's level-1 contact the new non-urgent untriaged cases
 * when office hours are on and notify_interval has passed since the last
 * notice.  Returns 1 when a notice was queued, 0 when none was due, -1.
 */
static int
triage_notice(struct store *st, const struct config *conf,
    const struct office_hours *oh, int64_t now)
{
	struct triage_item		 items[TRIAGE_NOTICE_ITEMS];
	struct triage_notice_arg	 na;
	char				 last[32], text[TRIAGE_NOTICE_MAX + 1];
	char				 detail[64];
	int				 n, total, listed, i, r;

	if (!office_is_open(oh, now))
		return (0);
	if ((r = store_meta_get(st, "triage_notice_at", last,
	    sizeof(last))) == -1)
		return (-1);
	if (r == 1 && now - strtoll(last, NULL, 10) < conf->notify_interval &&
	    now >= strtoll(last, NULL, 10))
		return (0);
	if (store_begin(st) == -1)
		return (-1);
	if ((n = store_triage_pending(st, items, TRIAGE_NOTICE_ITEMS,
	    &total)) <= 0) {
		store_rollback(st);
		return (n);
	}
	listed = triage_format_notice(text, sizeof(text), items, (size_t)n,
	    (size_t)total);
	memset(&na, 0, sizeof(na));
	na.store = st;
	na.text = text;
	na.now = now;
	if (store_contacts_by_role(st, "bureau", 1, triage_notice_cb,
	    &na) == -1 || na.failed)
		goto fail;
	if (na.n == 0) {
		/* Nobody to tell: the cases stay pending, the log says why. */
		store_rollback(st);
		log_warnx("triage: %d untriaged case(s) and no level-1 bureau "
		    "contact to tell", total);
		(void)snprintf(last, sizeof(last), "%lld", (long long)now);
		if (store_begin(st) == -1)
			return (-1);
		if (store_meta_set(st, "triage_notice_at", last) == -1) {
			store_rollback(st);
			return (-1);
		}
		return (store_commit(st) == -1 ? -1 : 0);
	}
	(void)snprintf(detail, sizeof(detail), "outbox=%lld to=bureau "
	    "contacts=%d", (long long)na.first_outbox, na.n);
	for (i = 0; i < listed; i++) {
		struct store_caserow	 c;

		if (store_triage_set_notified(st, items[i].code, now) == -1)
			goto fail;
		if (store_case_get(st, items[i].code, &c) == 1) {
			r = store_event_add(st, c.id, now, "triage_notice",
			    detail);
			store_caserow_free(&c);
			if (r == -1)
				goto fail;
		}
	}
	(void)snprintf(last, sizeof(last), "%lld", (long long)now);
	if (store_meta_set(st, "triage_notice_at", last) == -1)
		goto fail;
	if (store_commit(st) == -1)
		return (-1);
	log_info("triage notice: %d of %d untriaged case(s) to %d bureau "
	    "contact(s)", listed, total, na.n);
	return (1);
fail:
	store_rollback(st);
	return (-1);
}

/*
 * Runs the triage net's periodic work: reads new cases, escalates those
 * untriaged too long, sends the Bureau's notice.  Returns the number of
 * escalations, or -1 when the store failed (the next tick tries again).
 */
int
triage_tick(struct store *st, const struct config *conf, int64_t now)
{
	struct office_hours	 oh;
	int			 n, ret = 0;

	triage_hours(conf, &oh);
	if (triage_arm(st, conf, &oh, now) == -1)
		ret = -1;
	if ((n = triage_fire(st, conf, now)) == -1)
		ret = -1;
	else if (ret == 0)
		ret = n;
	if (triage_notice(st, conf, &oh, now) == -1)
		ret = -1;
	return (ret);
}

/*
 * Marks a case urgent and alerts as for an urgent report (step 1 of the
 * alert chain), with why on the timeline.  Inside the caller's
 * transaction.  Returns the number of alerts queued, or -1.
 */
int
triage_make_urgent(struct store *st, const struct config *conf,
    const struct store_caserow *c, const char *why, int64_t now)
{
	if (store_case_set_class(st, c->id, c->category, 1, c->school,
	    c->matched != NULL ? c->matched : "[]", now) == -1 ||
	    store_event_add(st, c->id, now, "made_urgent", why) == -1)
		return (-1);
	/* A case already on the chain (step >= 1) starts it again at 1. */
	return (route_alert(st, conf, c->id, 1, now));
}

/*
 * Records a Bureau user's triage of case c: category (NULL: confirmed as
 * it is) and urgent (-1: confirmed).  A case made urgent is alerted at
 * once; one made not urgent stops escalating.  who names the user
 * ("cli:root", later "user:NAME").  Inside the caller's transaction.
 * Returns 0 or -1.
 */
int
triage_case(struct store *st, const struct config *conf,
    const struct store_caserow *c, const char *category, int urgent,
    const char *who, int64_t now)
{
	char		 detail[160];
	const char	*cat = category != NULL ? category : c->category;
	int		 urg = urgent == -1 ? c->urgent : urgent;

	(void)snprintf(detail, sizeof(detail), "by=%s category=%s urgent=%d"
	    " (was %s urgent=%d)", who, cat, urg, c->category, c->urgent);
	if (store_event_add(st, c->id, now, "triaged", detail) == -1 ||
	    store_triage_set(st, c->id, who, "triage", c, cat, urg, now) == -1)
		return (-1);
	if (strcmp(cat, c->category) != 0 && store_case_set_class(st, c->id,
	    cat, c->urgent, c->school, c->matched != NULL ? c->matched : "[]",
	    now) == -1)
		return (-1);
	if (urg && !c->urgent && strcmp(c->status, "closed") == 0) {
		/* A closed case is corrected for the record, not alerted. */
		return (store_case_set_class(st, c->id, cat, 1, c->school,
		    c->matched != NULL ? c->matched : "[]", now));
	}
	if (urg && !c->urgent) {
		struct store_caserow	 now_c;
		int			 r;

		if (store_case_by_id(st, c->id, &now_c) != 1)
			return (-1);
		(void)snprintf(detail, sizeof(detail), "triage by=%s", who);
		r = triage_make_urgent(st, conf, &now_c, detail, now);
		store_caserow_free(&now_c);
		return (r == -1 ? -1 : 0);
	}
	if (!urg && c->urgent) {
		if (store_case_set_class(st, c->id, cat, 0, c->school,
		    c->matched != NULL ? c->matched : "[]", now) == -1)
			return (-1);
		/* Not urgent after all: the alert chain stops here. */
		if (c->esc_at > 0 && (store_case_set_esc(st, c->id, c->esc_step,
		    0) == -1 || store_event_add(st, c->id, now,
		    "escalation_stopped", "triaged not urgent") == -1))
			return (-1);
	}
	return (0);
}
