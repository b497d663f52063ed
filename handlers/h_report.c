/*
 * tinbao: h_report, a new report.
 *
 * The handler of last resort: every message no other handler took is a
 * report.  It becomes a case with a fresh code and is classified; an urgent
 * case is alerted at once (route.c).  The reporter gets an acknowledgement
 * that gives the code, never repeats the report's text (the phone may be
 * seen by the bully or a parent), names 113 (police) and 111 (child
 * protection), 111 first for sexual abuse and self harm, and says the
 * number is kept secret, all in one GSM-7 SMS (REPLY_ACK in tinbao.h).
 *
 * Abuse control keeps anonymity: the same text again from the same reporter
 * within an hour is put on the first case ("repeat"), and a reporter whose
 * token bucket is empty (a flood) has the message put on their latest case
 * ("flood") with no reply and no new alert.  Everything is stored.
 *
 * A report from the USSD menu (ussd.c) carries the reporter's own answers
 * in sms->menu_*: its category and school win over the classifier's, and it
 * is urgent when the reporter said it is happening now, when the category's
 * rule says so (category.c: sexual abuse, self harm and fire always; health
 * when several pupils are affected), or when the classifier finds the text
 * urgent.  It gets no SMS acknowledgement: the USSD screen already showed
 * the code, and an SMS would stay on the phone for others to see.  A repeat
 * or flood still gives the code of the case it was put on, for that screen.
 *
 * Two kinds of message do not become cases: an empty one gets the short
 * usage instead, and 8-bit binary data (a WAP push, a SIM toolkit message)
 * is kept as a message and answered with nothing, since replying to
 * machines costs credit and helps nobody.
 *
 * Not a returned plan (issue 13): the decision is a chain of reads, each
 * depending on the last (the token bucket, a recent case with the same text,
 * the school), and the writes (case, event, acknowledgement, alert) all go
 * in the router's one transaction. What decides the case is pure already and
 * tested without a database: the classifier (classify.c), the category's
 * urgency rule (category.c) and the SMS grammar (smscmd.c).
 */
#include <stdio.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

static int	report_match(const struct msgctx *);
static int	report_handle(struct msgctx *);

const struct handler handler_report = {
	.name = "report",
	.match = report_match,
	.handle = report_handle,
};

static int
report_match(const struct msgctx *ctx)
{
	(void)ctx;
	return (1);
}

/* Puts the message on an existing case instead of opening one. */
static int
report_attach(struct msgctx *ctx, int64_t case_id, const char *why)
{
	struct store_caserow	 c;
	char			 detail[64];
	int			 r;

	if ((r = store_message_set_case(ctx->store, ctx->message_id,
	    case_id)) == -1)
		return (-1);
	/* The caller may show the code (a USSD screen); an SMS gets none. */
	if (store_case_by_id(ctx->store, case_id, &c) == 1) {
		(void)strlcpy_checked(ctx->case_code, c.code,
		    sizeof(ctx->case_code));
		store_caserow_free(&c);
	}
	(void)snprintf(detail, sizeof(detail), "from=%s message=%lld",
	    ctx->alias, (long long)ctx->message_id);
	log_info("sms message=%lld from=%s %s: put on case id=%lld",
	    (long long)ctx->message_id, ctx->alias, why, (long long)case_id);
	return (store_event_add(ctx->store, case_id, ctx->now, why, detail));
}

static int
report_handle(struct msgctx *ctx)
{
	struct store_case	 c;
	struct classification	 cl;
	int64_t			 case_id;
	char			 ack[320], detail[128];
	int			 r;

	if (ctx->sms->flags & SMS_F_BINARY) {
		log_info("sms message=%lld from=%s binary data kept, no case",
		    (long long)ctx->message_id, ctx->alias);
		return (0);
	}
	if (text_is_blank(ctx->text)) {
		if (ctx->reporter_id > 0 && store_reporter_take(ctx->store,
		    ctx->reporter_id, ctx->now, REPORTER_BUCKET,
		    REPORTER_REFILL) != 1)
			return (0);
		return (handler_reply(ctx, 0, "help", PRIO_ACK, REPLY_HELP));
	}

	if (ctx->reporter_id > 0) {
		/* The same text again: the same case. */
		if ((case_id = store_case_recent(ctx->store, ctx->reporter_id,
		    ctx->text, ctx->now - REPORTER_REPEAT_WINDOW)) == -1)
			return (-1);
		if (case_id > 0)
			return (report_attach(ctx, case_id, "repeat"));
		/* A flood: heard and stored, but no reply and no alert. */
		if ((r = store_reporter_take(ctx->store, ctx->reporter_id,
		    ctx->now, REPORTER_BUCKET, REPORTER_REFILL)) == -1)
			return (-1);
		if (r == 0) {
			if ((case_id = store_case_recent(ctx->store,
			    ctx->reporter_id, NULL, ctx->now -
			    REPORTER_REPEAT_WINDOW)) == -1)
				return (-1);
			if (case_id > 0)
				return (report_attach(ctx, case_id, "flood"));
			ctx->silent = 1;	/* this once */
		}
	}

	report_classify(ctx, &cl);
	if (ctx->sms->menu_category != NULL) {
		/* The USSD menu's answers (see the top of this file). */
		cl.category = category_get(ctx->sms->menu_category)->code;
		cl.urgent = cl.urgent || ctx->sms->menu_urgent ||
		    category_is_urgent(category_get(cl.category), cl.many,
		    ctx->sms->menu_urgent);
		if (ctx->sms->menu_school[0] != '\0')
			(void)strlcpy_checked(cl.school,
			    ctx->sms->menu_school, sizeof(cl.school));
		cl.confidence = 1;	/* the pupil chose the category */
	}
	memset(&c, 0, sizeof(c));
	c.category = cl.category;
	c.urgent = cl.urgent;
	c.confidence = cl.confidence;
	(void)strlcpy_checked(c.school, cl.school, sizeof(c.school));
	if (c.school[0] == '\0' && ctx->is_contact)
		(void)strlcpy_checked(c.school, ctx->contact.school,
		    sizeof(c.school));
	if (c.school[0] != '\0') {
		struct school	 sc;

		/* A code the directory does not know is no school at all. */
		if ((r = store_school_get(ctx->store, c.school, &sc)) == -1)
			return (-1);
		if (r == 0)
			c.school[0] = '\0';
	}
	c.matched = cl.matched;
	c.source = ctx->sms->transport ? ctx->sms->transport : "sms";
	c.reporter_id = ctx->reporter_id;
	c.contact_id = ctx->is_contact ? ctx->contact.id : 0;
	c.text = ctx->text;
	c.created_at = ctx->now;
	if ((case_id = store_case_add(ctx->store, &c)) == -1)
		return (-1);
	(void)strlcpy_checked(ctx->case_code, c.code, sizeof(ctx->case_code));
	if (store_message_set_case(ctx->store, ctx->message_id, case_id) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "via=%s from=%s%s%s", c.source,
	    ctx->alias, ctx->sms->flags & SMS_F_INCOMPLETE ?
	    " incomplete" : "", ctx->sms->flags & SMS_F_FLASH ? " flash" : "");
	if (store_event_add(ctx->store, case_id, ctx->now, "received",
	    detail) == -1)
		return (-1);
	/* One incident, one alert: a report joined to one sends none. */
	if (c.urgent && (r = incident_join(ctx->store, ctx->conf, case_id,
	    c.school, c.category, ctx->now)) == -1)
		return (-1);
	if (c.urgent && r == 0 && route_alert(ctx->store,
	    ctx->conf, case_id, 1, ctx->now) == -1)
		return (-1);

	if (ctx->sms->menu_category != NULL)
		return (0);	/* the USSD screen is the acknowledgement */
	if (category_is_111_first(cl.category))
		(void)snprintf(ack, sizeof(ack), REPLY_ACK_111, c.code, c.code);
	else
		(void)snprintf(ack, sizeof(ack), REPLY_ACK, c.code, c.code);
	return (handler_reply(ctx, case_id, "ack", PRIO_ACK, ack));
}
