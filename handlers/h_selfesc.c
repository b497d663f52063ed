/*
 * tinbao: h_selfesc, a reporter's "KC <CASE>" or "GAP <CASE>" (SPEC
 * section 4, reporter self-escalation).
 *
 * From the number that opened the case (a pupil's, or the registered
 * teacher's who sent a coded report) it marks the case urgent and alerts
 * as for an urgent report: step 1 of the alert chain, then escalation every
 * ack_timeout until someone answers NHAN (triage_make_urgent).  A case that
 * is urgent already is not alerted again (the chain is running), and a
 * closed one is not reopened: the reply asks for a new report.  From any
 * other number nothing changes: the refusal is logged and put on the
 * case's timeline, and the reply says so, in the same words whether the
 * case exists or not, so that KC is no oracle for case codes.  Replies to
 * a reporter spend the reporter's token bucket like any other reply.
 *
 * Not a returned plan (issue 13): the decision reads the case and the token
 * bucket; making the case urgent is triage_make_urgent, shared with the CLI,
 * dashboard and API; the writes (events, the message on the case, one reply)
 * go in the router's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "tinbao.h"

static int	selfesc_match(const struct msgctx *);
static int	selfesc_handle(struct msgctx *);
static int	selfesc_reply(struct msgctx *, int64_t, const char *);

const struct handler handler_selfesc = {
	.name = "selfesc",
	.match = selfesc_match,
	.handle = selfesc_handle,
};

static int
selfesc_match(const struct msgctx *ctx)
{
	return (ctx->cmd.type == SMSCMD_KC);
}

/* Answers the sender; a reporter's answer spends a token. */
static int
selfesc_reply(struct msgctx *ctx, int64_t case_id, const char *reply)
{
	int	 r;

	if (!ctx->is_contact && ctx->reporter_id > 0) {
		if ((r = store_reporter_take(ctx->store, ctx->reporter_id,
		    ctx->now, REPORTER_BUCKET, REPORTER_REFILL)) == -1)
			return (-1);
		if (r == 0)
			return (0);
	}
	return (handler_reply(ctx, case_id, "command", PRIO_REPLY, reply));
}

static int
selfesc_handle(struct msgctx *ctx)
{
	struct store_caserow	 c;
	char			 detail[96], reply[320];
	int			 found, mine = 0, ret = -1;

	if ((found = store_case_get(ctx->store, ctx->cmd.code, &c)) == -1)
		return (-1);
	if (found == 1)
		mine = (ctx->reporter_id > 0 && c.reporter_id ==
		    ctx->reporter_id) || (ctx->is_contact && c.contact_id ==
		    ctx->contact.id && c.contact_id > 0);
	if (!mine) {
		log_warnx("sms message=%lld from=%s KC case=%s refused: not "
		    "the reporter", (long long)ctx->message_id, ctx->alias,
		    ctx->cmd.code);
		if (found == 1) {
			(void)snprintf(detail, sizeof(detail), "KC from=%s: "
			    "not the reporter", ctx->alias);
			if (store_event_add(ctx->store, c.id, ctx->now,
			    "command_refused", detail) == -1)
				goto out;
		}
		(void)snprintf(reply, sizeof(reply), REPLY_KC_REFUSED,
		    ctx->cmd.code);
		ret = selfesc_reply(ctx, 0, reply);
		goto out;
	}

	(void)strlcpy_checked(ctx->case_code, c.code, sizeof(ctx->case_code));
	if (store_message_set_case(ctx->store, ctx->message_id, c.id) == -1)
		goto out;
	(void)snprintf(detail, sizeof(detail), "by the reporter from=%s",
	    ctx->alias);
	if (strcmp(c.status, "closed") == 0) {
		if (store_event_add(ctx->store, c.id, ctx->now,
		    "self_escalation_closed", detail) == -1)
			goto out;
		(void)snprintf(reply, sizeof(reply), REPLY_KC_CLOSED, c.code);
		ret = selfesc_reply(ctx, c.id, reply);
	} else if (c.urgent) {
		if (store_event_add(ctx->store, c.id, ctx->now,
		    "self_escalation_again", detail) == -1)
			goto out;
		(void)snprintf(reply, sizeof(reply), REPLY_KC_ALREADY, c.code);
		ret = selfesc_reply(ctx, c.id, reply);
	} else {
		if (triage_make_urgent(ctx->store, ctx->conf, &c, detail,
		    ctx->now) == -1)
			goto out;
		log_info("case=%s made urgent by its reporter from=%s", c.code,
		    ctx->alias);
		(void)snprintf(reply, sizeof(reply), REPLY_KC_DONE, c.code);
		ret = selfesc_reply(ctx, c.id, reply);
	}
out:
	if (found == 1)
		store_caserow_free(&c);
	return (ret);
}
