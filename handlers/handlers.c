/*
 * tinbao: the handler table and what handlers share.
 *
 * Each incoming message goes to the first handler in the table whose match
 * function accepts it; h_report, which accepts everything, comes last,
 * after h_staff, which takes whatever a registered number sent: such a
 * message is never a pupil's report.
 * Handlers run inside the router's transaction: whatever they store and
 * queue is committed together with the message, or not at all.
 *
 * Messages to reporters are queued by reference to the reporter, never by
 * number; the outbox decrypts the number just before sending.  Messages to
 * registered contacts carry their (staff) number.
 *
 * Why handlers call the store rather than return a plan (issue 13): they run
 * inside the router's one transaction, so what they write commits or rolls
 * back with the message already; their store calls are mostly the reads they
 * decide on (the case, the contact, the token bucket), and the writes are
 * few and end in these helpers (handler_reply, handler_to_reporter,
 * handler_to_contact, the events). A plan applied in one place would mostly
 * carry those reads back and forth. The deciding code that is worth testing
 * without a database is pure already: smscmd.c (the grammar), classify.c and
 * normalize.c (the classifier), model.c, category.c (the table) and
 * accused.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tinbao.h"

extern const struct handler handler_pinlock;
extern const struct handler handler_command;
extern const struct handler handler_keyword;
extern const struct handler handler_selfesc;	/* triage: KC <CASE> */
extern const struct handler handler_followup;
extern const struct handler handler_teacher;
extern const struct handler handler_staff;
extern const struct handler handler_report;

const struct handler *handlers[] = {
	&handler_pinlock,	/* before command: the PIN gate and lockout */
	&handler_followup,	/* before command: a reporter's "4EUQ nhan" */
	&handler_command,
	&handler_keyword,
	&handler_selfesc,
	&handler_teacher,
	&handler_staff,		/* a registered number's anything else */
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
 * Returns 1 when the sender may use the responders' command it sent: the
 * police, Bureau and admin contacts any; a principal or counselor NHAN and
 * TT about a case it was alerted to (h_staff.c).
 */
int
handler_is_responder(const struct msgctx *ctx)
{
	return (ctx->is_contact && (strcmp(ctx->contact.role, "police") == 0 ||
	    strcmp(ctx->contact.role, "bureau") == 0 ||
	    strcmp(ctx->contact.role, "admin") == 0 || staff_is_alerted(ctx)));
}

static int
handler_queue(struct msgctx *ctx, struct store_outmsg *o, int64_t case_id,
    const char *to)
{
	char	 detail[96];
	int64_t	 id;

	if ((id = store_outbox_add(ctx->store, o)) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "%s outbox=%lld to=%s", o->kind,
	    (long long)id, to);
	if (case_id > 0 && store_event_add(ctx->store, case_id, ctx->now,
	    "reply_queued", detail) == -1)
		return (-1);
	return (0);
}

/*
 * Queues an SMS to a reporter and records it on the case's timeline.  A
 * reporter who sent STOP gets nothing.  Returns 0 or -1.
 */
int
handler_to_reporter(struct msgctx *ctx, int64_t reporter_id, int64_t case_id,
    const char *kind, int priority, const char *text)
{
	struct store_outmsg	 o;
	char			 alias[24], number[NUMBER_MAX];
	int			 silent = 0;

	if (reporter_id <= 0)
		return (0);
	if (reporter_id == ctx->reporter_id)
		silent = ctx->silent;
	else if (store_reporter_number(ctx->store, ctx->secret, reporter_id,
	    number, sizeof(number), alias, sizeof(alias), &silent) == 0)
		explicit_bzero(number, sizeof(number));
	if (silent) {
		if (case_id > 0 && store_event_add(ctx->store, case_id,
		    ctx->now, "reply_suppressed", kind) == -1)
			return (-1);
		return (0);
	}
	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.reporter_id = reporter_id;
	o.text = text;
	o.kind = kind;
	o.priority = priority;
	o.charset = CHARSET_AUTO;
	o.created_at = ctx->now;
	return (handler_queue(ctx, &o, case_id, "reporter"));
}

/* Queues an SMS to a registered contact, in the alerts' alphabet. */
int
handler_to_contact(struct msgctx *ctx, const struct contact *c,
    int64_t case_id, const char *kind, int priority, const char *text)
{
	struct store_outmsg	 o;
	char			 to[160];

	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.number = c->phone;
	o.contact_id = c->id;
	o.text = text;
	o.kind = kind;
	o.priority = priority;
	o.charset = ctx->conf->alert_charset;
	o.created_at = ctx->now;
	(void)snprintf(to, sizeof(to), "%s:%lld", c->role, (long long)c->id);
	return (handler_queue(ctx, &o, case_id, to));
}

/* Answers the sender of the current message, reporter or contact. */
int
handler_reply(struct msgctx *ctx, int64_t case_id, const char *kind,
    int priority, const char *text)
{
	if (ctx->is_contact)
		return (handler_to_contact(ctx, &ctx->contact, case_id, kind,
		    priority, text));
	return (handler_to_reporter(ctx, ctx->reporter_id, case_id, kind,
	    priority, text));
}

/*
 * Writes prefix, as much of text (folded to unaccented ASCII and cut on a
 * word with "...") as fits, and suffix into buf, within max characters.
 * Returns the length.
 */
int
handler_fit(char *buf, size_t bufsz, const char *prefix, const char *text,
    const char *suffix, size_t max)
{
	char	 folded[TEXT_MAX / 2];
	size_t	 room, n;

	(void)text_unaccent(text, folded, sizeof(folded), 0);
	text_gsm7_safe(folded);
	if (max >= bufsz)
		max = bufsz - 1;
	n = strlen(prefix) + strlen(suffix);
	room = n < max ? max - n : 0;
	if (strlen(folded) > room) {
		n = room > 3 ? room - 3 : 0;
		while (n > 0 && folded[n] != ' ')
			n--;
		if (n == 0 && room > 3)
			n = room - 3;
		(void)snprintf(folded + n, sizeof(folded) - n, "%s",
		    room >= 3 ? "..." : "");
	}
	(void)snprintf(buf, bufsz, "%s%s%s", prefix, folded, suffix);
	buf[max] = '\0';
	return ((int)strlen(buf));
}

/*
 * Returns how many SMS parts text (UTF-8) takes when queued with
 * CHARSET_AUTO, as the modem (libGammu's auto text) and Kannel (coding 0
 * for ASCII) send it: GSM 7-bit when it is all ASCII of the GSM default
 * alphabet, 160 septets in one SMS and 153 per part beyond, the
 * characters of the extension table ([ ] { } | ^ ~ \) costing two; else
 * UCS-2, 70 UTF-16 units in one SMS and 67 per part.  A non-ASCII letter
 * counts as UCS-2 even where GSM-7 has it (é): never fewer parts than sent.
 */
int
handler_sms_parts(const char *text)
{
	const unsigned char	*p;
	size_t			 septets = 0, units = 0;
	int			 gsm7 = 1;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if ((*p & 0xc0) != 0x80)
			units += *p >= 0xf0 ? 2 : 1;	/* a pair beyond BMP */
		if (*p >= 0x80 || *p == '`' || (*p < 0x20 && *p != '\n' &&
		    *p != '\r'))
			gsm7 = 0;
		else
			septets += strchr("[]{}|^~\\", *p) != NULL ? 2 : 1;
	}
	if (gsm7)
		return (septets <= 160 ? 1 : (int)((septets + 152) / 153));
	return (units <= 70 ? 1 : (int)((units + 66) / 67));
}
