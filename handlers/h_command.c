/*
 * tinbao: h_command, the responders' commands (SPEC section 4).
 *
 * NHAN <CASE> acknowledges (and stops escalation), TL <CASE> <text> relays
 * a reply to the reporter through the sealed number, XONG <CASE> [outcome]
 * closes, TT <CASE> sends the case's summary.  Responders are the police,
 * Bureau and admin contacts.  A contact with a PIN must give it after the
 * case code; a wrong or missing PIN is refused and logged.  The same words
 * from any other number are never executed: the message is kept, the
 * refusal logged and put on the case's timeline, and nothing else changes.
 */
#include <stdio.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

static int	command_match(const struct msgctx *);
static int	command_handle(struct msgctx *);

const struct handler handler_command = {
	.name = "command",
	.match = command_match,
	.handle = command_handle,
};

static const char *command_names[] = {
	[SMSCMD_NHAN] = "NHAN",
	[SMSCMD_TL] = "TL",
	[SMSCMD_XONG] = "XONG",
	[SMSCMD_TT] = "TT",
};

static int
command_match(const struct msgctx *ctx)
{
	return (ctx->cmd.type == SMSCMD_NHAN || ctx->cmd.type == SMSCMD_TL ||
	    ctx->cmd.type == SMSCMD_XONG || ctx->cmd.type == SMSCMD_TT);
}

static int
command_refuse(struct msgctx *ctx, int64_t case_id, const char *why)
{
	char	 detail[128];

	log_warnx("sms message=%lld from=%s command=%s case=%s refused: %s",
	    (long long)ctx->message_id, ctx->alias,
	    command_names[ctx->cmd.type], ctx->cmd.code, why);
	if (case_id <= 0)
		return (0);
	(void)snprintf(detail, sizeof(detail), "%s from=%s: %s",
	    command_names[ctx->cmd.type], ctx->alias, why);
	return (store_event_add(ctx->store, case_id, ctx->now,
	    "command_refused", detail));
}

static int
command_handle(struct msgctx *ctx)
{
	struct store_caserow	 c;
	struct contact		 who;
	const char		*text;
	char			 reply[400], detail[300];
	int			 r, found, ret = -1;

	if ((found = r = store_case_get(ctx->store, ctx->cmd.code, &c)) == -1)
		return (-1);
	if (!handler_is_responder(ctx)) {
		if (r == 1)
			store_caserow_free(&c);
		return (command_refuse(ctx, r == 1 ? c.id : 0,
		    ctx->is_contact ? "role may not" : "unregistered number"));
	}
	/*
	 * The PIN first: without it, not even whether the case exists is
	 * told (a stolen phone must not become an oracle for case codes).
	 */
	if (ctx->contact.has_pin && (ctx->cmd.pin[0] == '\0' ||
	    !pin_check(ctx->secret, ctx->contact.phone, ctx->cmd.pin,
	    ctx->contact.pin_mac))) {
		if (command_refuse(ctx, r == 1 ? c.id : 0, "wrong PIN") == -1)
			goto out;
		(void)snprintf(reply, sizeof(reply), "Sai ma PIN. Lenh %s %s "
		    "khong duoc thuc hien.", command_names[ctx->cmd.type],
		    ctx->cmd.code);
		ret = handler_reply(ctx, 0, "command", PRIO_REPLY, reply);
		goto out;
	}
	if (r == 0) {
		(void)snprintf(reply, sizeof(reply), "Khong co ho so %s.",
		    ctx->cmd.code);
		return (handler_reply(ctx, 0, "command", PRIO_REPLY, reply));
	}
	if (store_message_set_case(ctx->store, ctx->message_id, c.id) == -1)
		goto out;
	text = ctx->contact.has_pin ? ctx->cmd.rest_after_pin : ctx->cmd.rest;
	(void)snprintf(detail, sizeof(detail), "by=%s:%lld",
	    ctx->contact.role, (long long)ctx->contact.id);

	switch (ctx->cmd.type) {
	case SMSCMD_NHAN:
		if ((r = store_case_ack(ctx->store, c.id, ctx->contact.id,
		    ctx->now)) == -1)
			goto out;
		if (store_event_add(ctx->store, c.id, ctx->now,
		    r ? "acknowledged" : "acknowledged_again", detail) == -1)
			goto out;
		if (r == 0 && c.ack_contact_id > 0 &&
		    c.ack_contact_id != ctx->contact.id &&
		    store_contact_by_id(ctx->store, c.ack_contact_id,
		    &who) == 1)
			(void)snprintf(reply, sizeof(reply), "%s da duoc %s "
			    "nhan truoc.", c.code, who.name);
		else
			(void)snprintf(reply, sizeof(reply), "Da nhan %s. Tra "
			    "loi nguoi bao: TL %s <noi dung>. Dong: XONG %s "
			    "<ket qua>.", c.code, c.code, c.code);
		break;
	case SMSCMD_TL:
		if (text_is_blank(text)) {
			(void)snprintf(reply, sizeof(reply), "Cu phap: TL %s "
			    "<noi dung>", c.code);
			break;
		}
		/* Answering is acknowledging. */
		if ((r = store_case_ack(ctx->store, c.id, ctx->contact.id,
		    ctx->now)) == -1)
			goto out;
		if (r == 1 && store_event_add(ctx->store, c.id, ctx->now,
		    "acknowledged", detail) == -1)
			goto out;
		(void)snprintf(detail, sizeof(detail), "by=%s:%lld text=%s",
		    ctx->contact.role, (long long)ctx->contact.id, text);
		if (store_event_add(ctx->store, c.id, ctx->now,
		    "relay_to_reporter", detail) == -1)
			goto out;
		(void)snprintf(reply, sizeof(reply), "Hồ sơ %s - cán bộ trả "
		    "lời: %s", c.code, text);
		if (c.reporter_id > 0) {
			if (handler_to_reporter(ctx, c.reporter_id, c.id,
			    "relay", PRIO_REPLY, reply) == -1)
				goto out;
		} else if (c.contact_id > 0 && store_contact_by_id(ctx->store,
		    c.contact_id, &who) == 1) {
			(void)handler_fit(reply, sizeof(reply), "", text, "",
			    150);
			if (handler_to_contact(ctx, &who, c.id, "relay",
			    PRIO_REPLY, reply) == -1)
				goto out;
		}
		(void)snprintf(reply, sizeof(reply), "Da chuyen tra loi cho "
		    "nguoi bao ho so %s.", c.code);
		break;
	case SMSCMD_XONG:
		if ((r = store_case_close(ctx->store, c.id, text,
		    ctx->contact.id, ctx->now)) == -1)
			goto out;
		(void)snprintf(detail, sizeof(detail), "by=%s:%lld outcome=%s",
		    ctx->contact.role, (long long)ctx->contact.id, text);
		if (store_event_add(ctx->store, c.id, ctx->now,
		    r ? "closed" : "closed_again", detail) == -1)
			goto out;
		if (r == 1 && c.reporter_id > 0) {
			(void)snprintf(reply, sizeof(reply),
			    category_is_111_first(c.category) ?
			    REPLY_CLOSED_111 : REPLY_CLOSED, c.code);
			if (handler_to_reporter(ctx, c.reporter_id, c.id,
			    "closed", PRIO_REPLY, reply) == -1)
				goto out;
		}
		(void)snprintf(reply, sizeof(reply), "Da dong ho so %s.",
		    c.code);
		break;
	case SMSCMD_TT:
		if (store_event_add(ctx->store, c.id, ctx->now, "summary_sent",
		    detail) == -1)
			goto out;
		(void)snprintf(detail, sizeof(detail), "%s %s%s, %s, %s: ",
		    c.code, c.urgent ? "KHAN " : "",
		    category_name_ascii(c.category),
		    c.school[0] ? c.school : "chua ro truong",
		    strcmp(c.status, "open") == 0 ? "chua nhan" :
		    strcmp(c.status, "acknowledged") == 0 ? "da nhan" :
		    "da dong");
		(void)handler_fit(reply, sizeof(reply), detail, c.text, "",
		    160);
		break;
	default:
		goto out;
	}
	ret = handler_reply(ctx, c.id, "command", PRIO_REPLY, reply);
	log_info("command=%s case=%s by=%s:%lld", command_names[ctx->cmd.type],
	    c.code, ctx->contact.role, (long long)ctx->contact.id);
out:
	if (found == 1)
		store_caserow_free(&c);
	return (ret);
}
