/*
 * tinbao: routing and escalation of alerts (SPEC section 7).
 *
 * An urgent case is alerted at once (step 1) to the level-1 police of the
 * school's commune (every level-1 police contact when no school is known),
 * the school's principal and the Bureau's level-1 contact, queued in that
 * order so that the police, who can act, get theirs first on a one-modem
 * outbox; self harm (the categories with CATEGORY_F_COUNSELOR) also to the
 * school's counselor.  A commune with schools and no level-1 police has its
 * level-2 police (and the district's) alerted at once, first.  The contact
 * who made the report (a counselor, a principal) is never alerted about it.
 * When nobody answers NHAN within ack_timeout, the next step alerts the
 * level-2 police of the commune and of the district and the level-2 Bureau
 * contact, and so on up to level 3.
 *
 * The timer is a column of the case (esc_at), so a restart re-arms it, and
 * a step is taken with a compare-and-set on esc_step inside the same
 * transaction that queues its alerts, so it is never taken twice and never
 * lost.  Alerts are one SMS of GSM-7 (160 characters) when alert_charset is
 * gsm7: case code, category, school, time, an unaccented excerpt and the
 * NHAN hint ("NHAN CODE <PIN>" for a recipient who has a PIN: the word,
 * never the PIN); never a reporter's number.
 *
 * Not a returned plan (issue 13): routing decides from the store (the
 * recipients of the school's commune and level, the case's escalation step),
 * and a step is a compare-and-set on esc_step in the transaction that queues
 * its alerts, which a plan applied later could not keep.  The text of an
 * alert is pure code already (route_format_alert).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"
#include "category.h"

#define ROUTE_MAX_STEP	3
#define ROUTE_BATCH	32

struct route_arg;

static int	route_format(char *, size_t, const struct store_caserow *,
		    const char *, const char *, int, int, int);
static int	route_skip(struct route_arg *, const struct contact *);
static int	route_level2_police(struct store *, struct route_arg *,
		    const char *, const char *);

struct route_arg {
	struct store		*store;
	const struct config	*conf;
	const struct store_caserow *c;
	const char		*text;
	const char		*text_pin;	/* the hint with <PIN> */
	int			 step;
	int			 police_only;	/* level 2 at once: police */
	int64_t			 now;
	int			 n;
	int			 failed;
	const char		*staff;		/* accused: see route_send_cb */
};

/*
 * Writes the alert for a case into buf: at most 160 characters of GSM-7
 * when gsm7, else at most 134 (two UCS-2 parts).  school is the school's
 * name or NULL, teacher the reporting teacher's name or NULL.
 */
int
route_format_alert(char *buf, size_t bufsz, const struct store_caserow *c,
    const char *school, const char *teacher, int step, int gsm7)
{
	return (route_format(buf, bufsz, c, school, teacher, step, gsm7, 0));
}

/*
 * route_format_alert for a recipient who has a PIN (pin 1): the hint then
 * reads "NHAN CODE <PIN>", the word, never the PIN.
 */
static int
route_format(char *buf, size_t bufsz, const struct store_caserow *c,
    const char *school, const char *teacher, int step, int gsm7, int pin)
{
	char		 prefix[320], suffix[32], when[32], sch[96], who[96];
	time_t		 t = (time_t)c->created_at;
	struct tm	 tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M %d/%m", &tm);
	sch[0] = who[0] = '\0';
	if (school != NULL)
		(void)text_unaccent(school, sch, sizeof(sch), 0);
	if (teacher != NULL)
		(void)text_unaccent(teacher, who, sizeof(who), 0);
	text_gsm7_safe(sch);
	text_gsm7_safe(who);
	(void)snprintf(prefix, sizeof(prefix), "%s%s %s%s, %s, %s: %s%s",
	    step > 1 ? "CHUA AI NHAN, " : "", c->code,
	    c->urgent ? "KHAN " : "", category_name_ascii(c->category),
	    sch[0] ? sch : "chua ro truong", when, who, who[0] ? ": " : "");
	/* '-', not '|': '|' costs two septets in GSM-7. */
	(void)snprintf(suffix, sizeof(suffix), " - NHAN %s%s", c->code,
	    pin ? " <PIN>" : "");
	return (handler_fit(buf, bufsz, prefix, c->text, suffix,
	    gsm7 ? 160 : 134));
}

static int
route_send_cb(const struct contact *to, void *arg)
{
	struct route_arg	*ra = arg;
	struct store_outmsg	 o;
	char			 detail[200];
	int64_t			 id;
	int			 r;

	if ((r = route_skip(ra, to)) != 0)
		return (r == 1 ? 0 : -1);
	/*
	 * SPEC section 7: a report that names school staff as the one who
	 * hurts is not sent to the school's principal, nor to its counselor
	 * (a colleague too); the Bureau decides whom to tell.  triage.c
	 * found the same words; the timeline says why here.
	 */
	if (ra->staff != NULL && (strcmp(to->role, "principal") == 0 ||
	    strcmp(to->role, "counselor") == 0)) {
		(void)snprintf(detail, sizeof(detail), "step=%d to=%s:%lld "
		    "staff accused (%s)", ra->step, to->role,
		    (long long)to->id, ra->staff);
		if (store_event_add(ra->store, ra->c->id, ra->now,
		    "alert_withheld", detail) == -1) {
			ra->failed = 1;
			return (-1);
		}
		return (0);
	}
	memset(&o, 0, sizeof(o));
	o.case_id = ra->c->id;
	o.number = to->phone;
	o.contact_id = to->id;
	o.text = to->has_pin ? ra->text_pin : ra->text;
	o.kind = "alert";
	o.priority = PRIO_ALERT;
	o.charset = ra->conf->alert_charset;
	o.created_at = ra->now;
	if ((id = store_outbox_add(ra->store, &o)) == -1) {
		ra->failed = 1;
		return (-1);
	}
	(void)snprintf(detail, sizeof(detail), "step=%d outbox=%lld to=%s:%lld "
	    "level=%d", ra->step, (long long)id, to->role, (long long)to->id,
	    to->level);
	if (store_event_add(ra->store, ra->c->id, ra->now, "alert_queued",
	    detail) == -1) {
		ra->failed = 1;
		return (-1);
	}
	ra->n++;
	return (0);
}

/*
 * Returns 1 when a recipient is left out of a step, with the reason on the
 * case's timeline: the contact who made the report (a counselor who
 * reports gets no alert about her own report); anyone but the police when
 * only level-2 police are called at once.  0 to send, -1 on error.
 */
static int
route_skip(struct route_arg *ra, const struct contact *to)
{
	char	 detail[128];

	if (ra->police_only && strcmp(to->role, "police") != 0)
		return (1);
	if (ra->c->contact_id <= 0 || to->id != ra->c->contact_id)
		return (0);
	(void)snprintf(detail, sizeof(detail), "step=%d to=%s:%lld the "
	    "reporter", ra->step, to->role, (long long)to->id);
	if (store_event_add(ra->store, ra->c->id, ra->now, "alert_skipped",
	    detail) == -1) {
		ra->failed = 1;
		return (-1);
	}
	return (1);
}

/*
 * SPEC section 7: when the school's commune has no level-1 police, the
 * first step also alerts level 2 (the commune's and the district's) at
 * once, and the timeline says why.  Returns 0 or -1.
 */
static int
route_level2_police(struct store *st, struct route_arg *ra,
    const char *commune, const char *school)
{
	char	 detail[200];
	int	 n;

	if ((n = store_commune_police(st, commune, 1)) != 0)
		return (n == -1 ? -1 : 0);
	(void)snprintf(detail, sizeof(detail), "commune=%s has no level-1 "
	    "police: level 2 at once", commune);
	if (store_event_add(st, ra->c->id, ra->now, "alert_level2_now",
	    detail) == -1)
		return (-1);
	log_warnx("case=%s commune=%s has no level-1 police: alerting level 2",
	    ra->c->code, commune);
	ra->police_only = 1;
	ra->step = 2;
	n = store_route_recipients(st, 2, commune, school, 0, route_send_cb,
	    ra);
	ra->police_only = 0;
	ra->step = 1;
	return (n == -1 || ra->failed ? -1 : 0);
}

/*
 * Queues the alerts of one escalation step for a case and sets the timer
 * for the next.  Runs inside the caller's transaction.  Returns the number
 * of recipients, or -1.
 */
int
route_alert(struct store *st, const struct config *conf, int64_t case_id,
    int step, int64_t now)
{
	struct store_caserow	 c;
	struct school		 sc;
	struct contact		 teacher;
	struct route_arg	 ra;
	const char		*commune = NULL, *school = NULL;
	char			 text[400], text_pin[400], detail[64], staff[96];
	int			 have_school = 0, r;

	if ((r = store_case_by_id(st, case_id, &c)) != 1)
		return (-1);
	if (c.school[0] != '\0' && store_school_get(st, c.school, &sc) == 1) {
		have_school = 1;
		school = c.school;
		if (sc.commune[0] != '\0')
			commune = sc.commune;
	}
	if (c.contact_id > 0 && store_contact_by_id(st, c.contact_id,
	    &teacher) != 1)
		c.contact_id = 0;
	(void)route_format_alert(text, sizeof(text), &c,
	    have_school ? sc.name : NULL, c.contact_id > 0 ? teacher.name : NULL,
	    step, conf->alert_charset == CHARSET_GSM7);
	(void)route_format(text_pin, sizeof(text_pin), &c,
	    have_school ? sc.name : NULL, c.contact_id > 0 ? teacher.name : NULL,
	    step, conf->alert_charset == CHARSET_GSM7, 1);

	memset(&ra, 0, sizeof(ra));
	ra.store = st;
	ra.conf = conf;
	ra.c = &c;
	ra.text = text;
	ra.text_pin = text_pin;
	ra.step = step;
	ra.now = now;
	if (accused_is_staff(c.text, staff, sizeof(staff)))
		ra.staff = staff;
	/* Police first, even when they are level 2 (see the top). */
	r = step == 1 && commune != NULL ? route_level2_police(st, &ra,
	    commune, school) : 0;
	if (r != -1 && !ra.failed)
		r = store_route_recipients(st, step, commune, school,
		    category_has_counselor(c.category), route_send_cb, &ra);
	if (r == -1 || ra.failed) {
		store_caserow_free(&c);
		return (-1);
	}
	if (ra.n == 0) {
		(void)snprintf(detail, sizeof(detail), "step=%d", step);
		if (store_event_add(st, case_id, now, "alert_no_recipient",
		    detail) == -1) {
			store_caserow_free(&c);
			return (-1);
		}
		log_warnx("case=%s step=%d no contact to alert", c.code, step);
	} else
		log_info("case=%s step=%d alerts=%d", c.code, step, ra.n);
	store_caserow_free(&c);
	/* The commune committee hears of it with the first alerts. */
	if (step == 1 && commune_notice_urgent(st, conf, case_id, now) == -1)
		return (-1);
	/* After the last step the timer only marks the chain exhausted. */
	if (store_case_set_esc(st, case_id, step, now + conf->ack_timeout) == -1)
		return (-1);
	return (ra.n);
}

/*
 * Takes the escalation steps that are due: each in its own transaction,
 * advanced with a compare-and-set so that no step fires twice.  Returns
 * how many steps were taken, or -1 when the store failed.
 */
int
route_escalate(struct store *st, const struct config *conf, int64_t now)
{
	struct store_caserow	 c;
	int64_t			 ids[ROUTE_BATCH];
	int			 n, i, done = 0, r;

	if ((n = store_case_esc_due(st, now, ids, ROUTE_BATCH)) <= 0)
		return (n);
	for (i = 0; i < n; i++) {
		if (store_begin(st) == -1)
			return (-1);
		if ((r = store_case_by_id(st, ids[i], &c)) != 1)
			goto fail;
		if (c.esc_step >= ROUTE_MAX_STEP) {
			r = store_case_set_esc(st, c.id, c.esc_step, 0);
			r = r == -1 ? -1 : store_event_add(st, c.id, now,
			    "escalation_exhausted", "");
		} else if ((r = store_case_esc_advance(st, c.id, c.esc_step,
		    c.esc_step + 1, 0)) == 1) {
			char	 detail[32];

			(void)snprintf(detail, sizeof(detail), "step=%d",
			    c.esc_step + 1);
			r = store_event_add(st, c.id, now, "escalated", detail);
			if (r != -1)
				r = route_alert(st, conf, c.id, c.esc_step + 1,
				    now);
		}
		store_caserow_free(&c);
		if (r == -1)
			goto fail;
		if (store_commit(st) == -1)
			return (-1);
		crashpoint("after_escalation");
		done++;
	}
	return (done);
fail:
	store_rollback(st);
	return (-1);
}

struct alarm_arg {
	struct store	*store;
	const char	*text;
	int64_t		 now;
	int		 n;
	int		 failed;
};

static int
route_alarm_cb(const struct contact *to, void *arg)
{
	struct alarm_arg	*aa = arg;
	struct store_outmsg	 o;

	memset(&o, 0, sizeof(o));
	o.number = to->phone;
	o.contact_id = to->id;
	o.text = aa->text;
	o.kind = "alarm";
	o.priority = PRIO_ALERT;
	o.charset = CHARSET_GSM7;
	o.created_at = aa->now;
	if (store_outbox_add(aa->store, &o) == -1) {
		aa->failed = 1;
		return (-1);
	}
	aa->n++;
	return (0);
}

/*
 * Queues an operator alarm (the modem is gone, the SIM's credit is low) to
 * every admin contact, in its own transaction.  Returns how many, or -1.
 */
int
route_alarm(struct store *st, const char *text, int64_t now)
{
	struct alarm_arg	 aa;

	memset(&aa, 0, sizeof(aa));
	aa.store = st;
	aa.text = text;
	aa.now = now;
	if (store_begin(st) == -1)
		return (-1);
	if (store_contacts_by_role(st, "admin", 0, route_alarm_cb, &aa) == -1 ||
	    aa.failed) {
		store_rollback(st);
		return (-1);
	}
	if (store_commit(st) == -1)
		return (-1);
	if (aa.n == 0)
		log_warnx("alarm with no admin contact to tell: %s", text);
	else
		log_warnx("alarm sent to %d admin(s): %s", aa.n, text);
	return (aa.n);
}
