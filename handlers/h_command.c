/*
 * tinbao: h_command, the responders' commands (SPEC section 4).
 *
 * NHAN <CASE> acknowledges (and stops escalation), TL <CASE> <text> relays
 * a reply to the reporter through the sealed number, XONG <CASE> <outcome>
 * closes, TT <CASE> sends the case's summary.  NHAN, TL and XONG are the
 * actions of caseact.c, with the dashboard's and the API's rules (a closed
 * case refuses them all); this file is their SMS door: it checks who
 * sends, parses the words and answers the phone.  Responders are the police,
 * Bureau and admin contacts, and a principal or counselor for the NHAN and
 * TT of a case it was alerted to (handler_is_responder).  A contact with a
 * PIN must give it after the case code; a wrong or missing PIN is refused
 * and logged, and five lock the number (pinlock.c).  The same words from
 * any other number are never executed: the message is kept, the refusal
 * logged and put on the case's timeline, and nothing else changes; a
 * registered number is answered with its role's help (h_staff.c).
 *
 * Not a returned plan (issue 13): the action itself, with its writes, is
 * caseact.c's, shared with the dashboard and the API; what is left here is
 * the SMS door: a case and a contact read to check who sends, the PIN check,
 * and the answer queued with handler_reply, inside the router's transaction.
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

/*
 * A reporter's "4EUQ nhan ..." is no command (the verb after the code is
 * the responders' shorthand): h_followup takes it on the reporter's own
 * case, h_report otherwise.
 */
static int
command_match(const struct msgctx *ctx)
{
	return ((ctx->cmd.type == SMSCMD_NHAN || ctx->cmd.type == SMSCMD_TL ||
	    ctx->cmd.type == SMSCMD_XONG || ctx->cmd.type == SMSCMD_TT) &&
	    (ctx->is_contact || !ctx->cmd.code_first));
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

/* Words the result of an action for the contact's phone (unaccented). */
static void
command_answer(struct msgctx *ctx, const struct store_caserow *c, int r,
    char *reply, size_t sz)
{
	struct contact	 who;
	const char	*code = c->code;

	switch (r) {
	case CASEACT_CLOSED:
		(void)snprintf(reply, sz, "Ho so %s da dong, lenh %s khong "
		    "duoc thuc hien.", code, command_names[ctx->cmd.type]);
		break;
	case CASEACT_NO_TEXT:
	case CASEACT_BAD_TEXT:
		(void)snprintf(reply, sz, "Cu phap: %s %s <%s>",
		    command_names[ctx->cmd.type], code,
		    ctx->cmd.type == SMSCMD_TL ? "noi dung" : "ket qua");
		break;
	case CASEACT_TOO_LONG:
		(void)snprintf(reply, sz, "Tin qua dai: %s toi da %d ky tu.",
		    ctx->cmd.type == SMSCMD_TL ? "tra loi" : "ket qua",
		    ctx->cmd.type == SMSCMD_TL ? CASEACT_REPLY_CHARS :
		    CASEACT_OUTCOME_CHARS);
		break;
	case CASEACT_NOBODY:
		(void)snprintf(reply, sz, "Ho so %s khong co nguoi bao de tra "
		    "loi.", code);
		break;
	case CASEACT_ALREADY:
		if (c->ack_contact_id > 0 &&
		    c->ack_contact_id != ctx->contact.id &&
		    store_contact_by_id(ctx->store, c->ack_contact_id,
		    &who) == 1) {
			(void)snprintf(reply, sz, "%s da duoc %s nhan truoc.",
			    code, who.name);
			break;
		}
		/* FALLTHROUGH */
	default:
		if (ctx->cmd.type == SMSCMD_NHAN)
			(void)snprintf(reply, sz, "Da nhan %s. Tra loi nguoi "
			    "bao: TL %s <noi dung>. Dong: XONG %s <ket qua>.",
			    code, code, code);
		else if (ctx->cmd.type == SMSCMD_TL)
			(void)snprintf(reply, sz, "Da chuyen tra loi cho nguoi "
			    "bao ho so %s.", code);
		else
			(void)snprintf(reply, sz, "Da dong ho so %s.", code);
		break;
	}
}

/*
 * Runs NHAN, TL or XONG through caseact.c in the router's transaction and
 * answers the contact.  A refused action is answered without the case's
 * id, so that it leaves nothing on the case's timeline.
 */
static int
command_act(struct msgctx *ctx, const struct store_caserow *c)
{
	struct caseact	 a;
	char		 reply[400];
	int		 r;

	memset(&a, 0, sizeof(a));
	a.store = ctx->store;
	a.secret = ctx->secret;
	a.conf = ctx->conf;
	a.type = ctx->cmd.type == SMSCMD_NHAN ? CASEACT_ACK :
	    ctx->cmd.type == SMSCMD_TL ? CASEACT_REPLY : CASEACT_CLOSE;
	a.actor = ctx->alias;
	a.contact_id = ctx->contact.id;
	a.addr = "";
	a.text = ctx->contact.has_pin ? ctx->cmd.rest_after_pin :
	    ctx->cmd.rest;
	a.now = ctx->now;
	if ((r = caseact_apply(&a, c)) == CASEACT_ERROR)
		return (-1);
	command_answer(ctx, c, r, reply, sizeof(reply));
	log_info("command=%s case=%s by=%s result=%s",
	    command_names[ctx->cmd.type], c->code, ctx->alias,
	    caseact_result_str(r));
	return (handler_reply(ctx, r == CASEACT_DONE || r == CASEACT_ALREADY ?
	    c->id : 0, "command", PRIO_REPLY, reply));
}

/* TT: the case's summary, folded to one SMS. */
static int
command_summary(struct msgctx *ctx, const struct store_caserow *c)
{
	char	 reply[400], detail[300];

	(void)snprintf(detail, sizeof(detail), "by=%s", ctx->alias);
	if (store_event_add(ctx->store, c->id, ctx->now, "summary_sent",
	    detail) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "%s %s%s, %s, %s: ",
	    c->code, c->urgent ? "KHAN " : "", category_name_ascii(c->category),
	    c->school[0] ? c->school : "chua ro truong",
	    strcmp(c->status, "open") == 0 ? "chua nhan" :
	    strcmp(c->status, "acknowledged") == 0 ? "da nhan" : "da dong");
	(void)handler_fit(reply, sizeof(reply), detail, c->text, "", 160);
	log_info("command=TT case=%s by=%s", c->code, ctx->alias);
	return (handler_reply(ctx, c->id, "command", PRIO_REPLY, reply));
}

static int
command_handle(struct msgctx *ctx)
{
	struct store_caserow	 c;
	char			 reply[400];
	int			 r, found, ret = -1;

	if ((found = r = store_case_get(ctx->store, ctx->cmd.code, &c)) == -1)
		return (-1);
	if (!handler_is_responder(ctx)) {
		if (r == 1)
			store_caserow_free(&c);
		if (command_refuse(ctx, r == 1 ? c.id : 0, ctx->is_contact ?
		    "role may not" : "unregistered number") == -1)
			return (-1);
		/* A registered number always gets an answer: its help. */
		return (ctx->is_contact ? staff_reply_help(ctx, NULL) : 0);
	}
	/*
	 * The PIN first: without it, not even whether the case exists is
	 * told (a stolen phone must not become an oracle for case codes).
	 * pinlock.c's gate, before this handler, takes wrong PINs and
	 * locked numbers; this is its backstop.
	 */
	if (ctx->contact.has_pin && (ctx->cmd.pin[0] == '\0' ||
	    !pin_check(ctx->secret, ctx->contact.phone, ctx->cmd.pin,
	    ctx->contact.pin_mac))) {
		ret = pinlock_wrong(ctx, "wrong PIN");
		goto out;
	}
	if (r == 0) {
		(void)snprintf(reply, sizeof(reply), "Khong co ho so %s.",
		    ctx->cmd.code);
		return (handler_reply(ctx, 0, "command", PRIO_REPLY, reply));
	}
	if (store_message_set_case(ctx->store, ctx->message_id, c.id) == -1)
		goto out;
	if (ctx->cmd.type == SMSCMD_TT)
		ret = command_summary(ctx, &c);
	else
		ret = command_act(ctx, &c);
out:
	if (found == 1)
		store_caserow_free(&c);
	return (ret);
}
