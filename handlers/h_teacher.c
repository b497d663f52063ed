/*
 * tinbao: h_teacher, a registered teacher's short code (SPEC section 4).
 *
 * "<CODE> [KC] [details]" from a teacher, principal or counselor becomes a
 * case of that category for the school of the sender's registration; KC
 * makes it urgent, as do the category's own rule (category.c: sexual abuse,
 * self harm and fire always; health when the details say several pupils
 * are affected) and a weapon or a cry for help in the details.  The alert
 * names the teacher, and never goes to the teacher (route.c).
 *
 * A code without details ("bl") opens nothing: the reply asks for them,
 * with an example; with KC ("bl kc"), or for a category that is always
 * urgent ("xh"), the case is opened and alerted at once, and the reply
 * asks for the details as a follow-up.  A teacher's
 * free text, with no code, is classified like a pupil's but stays a
 * teacher's report: attributed to the teacher, the school of the
 * registration, a teacher's reply (not the pupils' acknowledgement).
 * Principals and counselors are responders: their free text gets their
 * help (h_staff.c).
 *
 * Not a returned plan (issue 13): the handler reads nothing it decides on
 * beyond the message context (the category comes from smscmd.c, its urgency
 * rule from category.c, both pure); its writes are the case, one event and
 * the alert (route_alert, which reads the recipients), in the router's
 * transaction.
 */
#include <stdio.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

static int	teacher_match(const struct msgctx *);
static int	teacher_handle(struct msgctx *);

const struct handler handler_teacher = {
	.name = "teacher",
	.match = teacher_match,
	.handle = teacher_handle,
};

static int
teacher_match(const struct msgctx *ctx)
{
	if (!ctx->is_contact || (ctx->sms->flags & SMS_F_BINARY))
		return (0);
	if (ctx->cmd.type == SMSCMD_NONE)
		return (strcmp(ctx->contact.role, "teacher") == 0 &&
		    !text_is_blank(ctx->text));
	return (ctx->cmd.type == SMSCMD_CATEGORY &&
	    (strcmp(ctx->contact.role, "teacher") == 0 ||
	    strcmp(ctx->contact.role, "principal") == 0 ||
	    strcmp(ctx->contact.role, "counselor") == 0));
}

/* A code without details and without KC: ask for them, open nothing. */
static int
teacher_ask_details(struct msgctx *ctx, const struct category *cat)
{
	char	 reply[200];

	(void)snprintf(reply, sizeof(reply), "Chua co noi dung. Nhan lai: %s "
	    "<chuyen gi, lop, o dau>, vd: %s 2 hs lop 8 danh nhau o cong. "
	    "Khan: %s KC <noi dung>.", cat->teacher, cat->teacher,
	    cat->teacher);
	log_info("sms message=%lld from=%s code=%s without details: asked",
	    (long long)ctx->message_id, ctx->alias, cat->teacher);
	return (handler_reply(ctx, 0, "help", PRIO_ACK, reply));
}

static int
teacher_handle(struct msgctx *ctx)
{
	struct store_case	 c;
	struct classification	 cl;
	int64_t			 case_id;
	char			 reply[200], detail[128];
	const struct category	*cat;
	int			 coded = ctx->cmd.type == SMSCMD_CATEGORY;

	/*
	 * The details may still carry a weapon, a cry for help, or (for the
	 * health code) several pupils affected; free text gets its category
	 * from them.
	 */
	report_classify(ctx, &cl);
	cat = category_get(coded ? ctx->cmd.category : cl.category);
	if (coded && !ctx->cmd.urgent && !category_is_urgent(cat, 0, 0) &&
	    text_is_blank(ctx->cmd.rest))
		return (teacher_ask_details(ctx, cat));
	memset(&c, 0, sizeof(c));
	c.category = cat->code;
	c.urgent = ctx->cmd.urgent || cl.urgent ||
	    category_is_urgent(cat, cl.many, 0);
	c.confidence = 1;	/* the teacher's code names the category */
	(void)strlcpy_checked(c.school, ctx->contact.school, sizeof(c.school));
	c.matched = cl.matched;
	c.source = ctx->sms->transport ? ctx->sms->transport : "sms";
	c.contact_id = ctx->contact.id;
	c.text = ctx->text;
	c.created_at = ctx->now;
	if ((case_id = store_case_add(ctx->store, &c)) == -1)
		return (-1);
	(void)strlcpy_checked(ctx->case_code, c.code, sizeof(ctx->case_code));
	(void)snprintf(detail, sizeof(detail), "via=%s from=%s:%lld code=%s%s",
	    c.source, ctx->contact.role, (long long)ctx->contact.id,
	    coded ? cat->teacher : "none", ctx->cmd.urgent ? " KC" : "");
	if (store_message_set_case(ctx->store, ctx->message_id, case_id) == -1 ||
	    store_event_add(ctx->store, case_id, ctx->now, "received",
	    detail) == -1)
		return (-1);
	if (c.urgent && route_alert(ctx->store, ctx->conf, case_id, 1,
	    ctx->now) == -1)
		return (-1);
	if (text_is_blank(ctx->cmd.rest))
		(void)snprintf(reply, sizeof(reply), "Da nhan bao cao %s (%s "
		    "KC), da gui canh bao. Gui ngay chi tiet: %s <chuyen gi, "
		    "lop, o dau>.", c.code, cat->teacher, c.code);
	else
		(void)snprintf(reply, sizeof(reply), "Da nhan bao cao %s (%s%s)"
		    ". Nhan them: %s <noi dung>.", c.code, cat->teacher,
		    c.urgent ? " KC" : "", c.code);
	return (handler_reply(ctx, case_id, "ack", PRIO_ACK, reply));
}
