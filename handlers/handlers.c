/*
 * tinbao: the handler table and what handlers share.
 *
 * Each incoming message goes to the first handler in the table whose match
 * function accepts it; h_report, which accepts everything, comes last.
 * Handlers run inside the router's transaction: whatever they store and
 * queue is committed together with the message, or not at all.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tinbao.h"

extern const struct handler handler_report;

const struct handler *handlers[] = {
	&handler_report,
	NULL
};

/* Returns the first handler that accepts the message. */
const struct handler *
handler_find(const struct msgctx *ctx)
{
	int	 i;

	for (i = 0; handlers[i] != NULL; i++)
		if (handlers[i]->match(ctx))
			return (handlers[i]);
	return (NULL);
}

/*
 * Queues an SMS to the message's reporter, by reference to the reporter and
 * never by number, and records it on the case's timeline.  A reporter who
 * sent STOP gets nothing.  Returns 0 or -1.
 */
int
handler_reply(struct msgctx *ctx, int64_t case_id, const char *kind,
    int priority, const char *text)
{
	struct store_outmsg	 o;
	char			 detail[64];
	int64_t			 id;

	if (ctx->reporter_id <= 0)
		return (0);
	if (ctx->silent) {
		if (case_id > 0 && store_event_add(ctx->store, case_id,
		    ctx->now, "reply_suppressed", kind) == -1)
			return (-1);
		return (0);
	}
	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.reporter_id = ctx->reporter_id;
	o.text = text;
	o.kind = kind;
	o.priority = priority;
	o.charset = CHARSET_AUTO;
	o.created_at = ctx->now;
	if ((id = store_outbox_add(ctx->store, &o)) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "%s outbox=%lld", kind,
	    (long long)id);
	if (case_id > 0 && store_event_add(ctx->store, case_id, ctx->now,
	    "reply_queued", detail) == -1)
		return (-1);
	return (0);
}
