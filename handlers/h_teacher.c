/*
 * tinbao: h_teacher, a registered teacher's short code (SPEC section 4).
 *
 * "<CODE> [KC] [details]" from a teacher, principal or counselor becomes a
 * case of that category for the school of the sender's registration; KC
 * makes it urgent, as do the category's own rule (category.c: sexual abuse,
 * self harm and fire always; health when the details say several pupils
 * are affected) and a weapon or a cry for help in the details.  The alert
 * names the teacher.  A registered sender's message without a code is
 * classified like a pupil's (h_report).
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
	return (ctx->cmd.type == SMSCMD_CATEGORY && ctx->is_contact &&
	    (strcmp(ctx->contact.role, "teacher") == 0 ||
	    strcmp(ctx->contact.role, "principal") == 0 ||
	    strcmp(ctx->contact.role, "counselor") == 0));
}

static int
teacher_handle(struct msgctx *ctx)
{
	struct store_case	 c;
	struct classification	 cl;
	int64_t			 case_id;
	char			 reply[200], detail[128];
	const struct category	*cat = category_get(ctx->cmd.category);

	/*
	 * The details may still carry a weapon, a cry for help, or (for the
	 * health code) several pupils affected.
	 */
	report_classify(ctx, &cl);
	memset(&c, 0, sizeof(c));
	c.category = cat->code;
	c.urgent = ctx->cmd.urgent || cl.urgent ||
	    category_is_urgent(cat, cl.many, 0);
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
	    cat->teacher, ctx->cmd.urgent ? " KC" : "");
	if (store_message_set_case(ctx->store, ctx->message_id, case_id) == -1 ||
	    store_event_add(ctx->store, case_id, ctx->now, "received",
	    detail) == -1)
		return (-1);
	if (c.urgent && route_alert(ctx->store, ctx->conf, case_id, 1,
	    ctx->now) == -1)
		return (-1);
	(void)snprintf(reply, sizeof(reply), "Da nhan bao cao %s (%s%s). "
	    "Nhan them: %s <noi dung>.", c.code, cat->teacher,
	    c.urgent ? " KC" : "", c.code);
	return (handler_reply(ctx, case_id, "ack", PRIO_ACK, reply));
}
