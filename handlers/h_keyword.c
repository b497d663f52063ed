/*
 * tinbao: h_keyword, STOP, START and HD/HELP from anyone.
 *
 * STOP puts a reporter in silent mode: nothing more is sent to the number
 * (the phone may be watched); START undoes it and is confirmed.  HD or
 * HELP answers with the short usage, a registered number's with the help
 * of its role (h_staff.c).  A registered number is not a reporter: its
 * STOP and START change nothing and are answered with that help too, since
 * every SMS from a registered number gets an answer.  Each word counts only
 * alone: "stop bắt nạt em đi" is a report.
 *
 * Not a returned plan (issue 13): one write (the reporter's silent flag) and
 * one reply, in the router's transaction; a plan struct would be longer than
 * the handler.
 */
#include <string.h>

#include "tinbao.h"

static int	keyword_match(const struct msgctx *);
static int	keyword_handle(struct msgctx *);

const struct handler handler_keyword = {
	.name = "keyword",
	.match = keyword_match,
	.handle = keyword_handle,
};

static int
keyword_match(const struct msgctx *ctx)
{
	return (ctx->cmd.type == SMSCMD_STOP ||
	    ctx->cmd.type == SMSCMD_START || ctx->cmd.type == SMSCMD_HELP);
}

static int
keyword_handle(struct msgctx *ctx)
{
	if (ctx->is_contact)
		return (staff_reply_help(ctx, NULL));
	switch (ctx->cmd.type) {
	case SMSCMD_STOP:
		if (ctx->reporter_id <= 0)
			return (0);
		log_info("sms from=%s STOP: silent mode", ctx->alias);
		/* Awareness messages still queued to it are taken back. */
		if (broadcast_stop(ctx->store, ctx->sms->sender) == -1)
			return (-1);
		return (store_reporter_set_silent(ctx->store, ctx->reporter_id,
		    1));
	case SMSCMD_START:
		if (ctx->reporter_id <= 0)
			return (0);
		log_info("sms from=%s START: replies resume", ctx->alias);
		if (store_reporter_set_silent(ctx->store, ctx->reporter_id,
		    0) == -1)
			return (-1);
		ctx->silent = 0;
		return (handler_reply(ctx, 0, "help", PRIO_ACK, REPLY_START));
	case SMSCMD_HELP:
		return (handler_reply(ctx, 0, "help", PRIO_ACK, REPLY_HELP));
	default:
		return (-1);
	}
}
