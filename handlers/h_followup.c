/*
 * tinbao: h_followup, a reporter's "<CASE> text".
 *
 * A message that starts with a case code and comes from the number that
 * opened that case is added to it and relayed to the officers on the case
 * (the one who acknowledged it, else the police who were alerted), without
 * the number.  From any other number it is not a follow-up: the router
 * falls through to h_report and it becomes a new report.  A registered
 * teacher's "<CASE> text" about a case the teacher opened is a follow-up
 * too (the teacher's reply says so), and so is a reporter's "4EUQ nhan
 * ..." about the reporter's own case: the responders' word after the code
 * is a responder's command only from a responder.
 *
 * Not a returned plan (issue 13): the handler decides on what it reads (the
 * case, whether the sender opened it, who acknowledged or was alerted, the
 * token bucket); its writes are few (the message put on the case, one event,
 * the relays and one reply) and go in the router's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

static const char *followup_text(const struct msgctx *);
static int	followup_match(const struct msgctx *);
static int	followup_handle(struct msgctx *);

const struct handler handler_followup = {
	.name = "followup",
	.match = followup_match,
	.handle = followup_handle,
};

struct followup_arg {
	struct msgctx		*ctx;
	int64_t			 case_id;
	const char		*text;
	int			 n;
	int			 failed;
};

/* The follow-up's text: after the code (a verb after it is text here). */
static const char *
followup_text(const struct msgctx *ctx)
{
	return (ctx->cmd.type == SMSCMD_FOLLOWUP ? ctx->cmd.rest :
	    ctx->cmd.followup);
}

static int
followup_match(const struct msgctx *ctx)
{
	struct store_caserow	 c;
	int			 mine;

	if (ctx->cmd.type != SMSCMD_FOLLOWUP && !(ctx->cmd.code_first &&
	    !ctx->is_contact && ctx->cmd.type != SMSCMD_KC))
		return (0);
	if (ctx->reporter_id <= 0 && !ctx->is_contact)
		return (0);
	if (store_case_get(ctx->store, ctx->cmd.code, &c) != 1)
		return (0);
	mine = ctx->is_contact ? c.contact_id == ctx->contact.id &&
	    !text_is_blank(ctx->cmd.rest) : c.reporter_id == ctx->reporter_id;
	store_caserow_free(&c);
	return (mine);
}

static int
followup_relay_cb(const struct contact *to, void *arg)
{
	struct followup_arg	*fa = arg;

	if (handler_to_contact(fa->ctx, to, fa->case_id, "relay", PRIO_ALERT,
	    fa->text) == -1) {
		fa->failed = 1;
		return (-1);
	}
	fa->n++;
	return (0);
}

static int
followup_handle(struct msgctx *ctx)
{
	struct store_caserow	 c;
	struct followup_arg	 fa;
	struct contact		 officer;
	char			 relay[200], prefix[64], detail[64];
	int			 ret = -1;

	if (store_case_get(ctx->store, ctx->cmd.code, &c) != 1)
		return (-1);
	(void)strlcpy_checked(ctx->case_code, c.code, sizeof(ctx->case_code));
	(void)snprintf(detail, sizeof(detail), "from=%s", ctx->alias);
	if (store_message_set_case(ctx->store, ctx->message_id, c.id) == -1 ||
	    store_event_add(ctx->store, c.id, ctx->now, "followup",
	    detail) == -1)
		goto out;

	(void)snprintf(prefix, sizeof(prefix), "%s nguoi bao nhan them: ",
	    c.code);
	(void)handler_fit(relay, sizeof(relay), prefix, followup_text(ctx), "",
	    160);
	memset(&fa, 0, sizeof(fa));
	fa.ctx = ctx;
	fa.case_id = c.id;
	fa.text = relay;
	if (c.ack_contact_id > 0 && store_contact_by_id(ctx->store,
	    c.ack_contact_id, &officer) == 1)
		(void)followup_relay_cb(&officer, &fa);
	else if (store_case_alerted(ctx->store, c.id, "police",
	    followup_relay_cb, &fa) == -1)
		goto out;
	if (fa.failed)
		goto out;

	if (ctx->is_contact) {
		(void)snprintf(relay, sizeof(relay), "Da nhan them cho ho so %s"
		    ", da chuyen cho can bo xu ly.", c.code);
		ret = handler_reply(ctx, c.id, "ack", PRIO_ACK, relay);
		goto out;
	}
	/* A flood of follow-ups gets one answer, not one each. */
	if (store_reporter_take(ctx->store, ctx->reporter_id, ctx->now,
	    REPORTER_BUCKET, REPORTER_REFILL) != 1) {
		ret = 0;
		goto out;
	}
	if (category_is_111_first(c.category))
		(void)snprintf(relay, sizeof(relay), REPLY_FOLLOWUP_111, c.code);
	else
		(void)snprintf(relay, sizeof(relay), REPLY_FOLLOWUP, c.code);
	ret = handler_reply(ctx, c.id, "ack", PRIO_ACK, relay);
out:
	store_caserow_free(&c);
	return (ret);
}
