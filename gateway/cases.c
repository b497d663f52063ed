/*
 * tinbao: what the Bureau does to a case from the dashboard or the API:
 * acknowledge it, answer the reporter, close it with an outcome.
 *
 * The SMS commands NHAN, TL and XONG (handlers/h_command.c) do the same for
 * a responder's phone; these functions are the same steps for a named
 * person who is not a contact ("user:lan", "token:script").  Each action is
 * one transaction: the case's state, its timeline event, the SMS queued for
 * the reporter and the audit row commit together or not at all.  The caller
 * kicks the outbox afterwards.  case_json is a case as the command line's
 * --json and the API show it.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinbao.h"

/* Queues text for the sender of a case: its reporter, or the contact. */
static int
case_queue_to_sender(struct store *st, const struct secret *sec,
    const struct config *conf, const struct store_caserow *c,
    const char *kind, const char *text, int64_t now)
{
	struct store_outmsg	 o;
	struct contact		 who;
	char			 number[NUMBER_MAX], alias[24], detail[96];
	int			 silent = 0;
	int64_t			 id;

	memset(&o, 0, sizeof(o));
	o.case_id = c->id;
	o.text = text;
	o.kind = kind;
	o.priority = PRIO_REPLY;
	o.created_at = now;
	if (c->reporter_id > 0) {
		if (store_reporter_number(st, sec, c->reporter_id, number,
		    sizeof(number), alias, sizeof(alias), &silent) == 0)
			explicit_bzero(number, sizeof(number));
		if (silent)
			return (store_event_add(st, c->id, now,
			    "reply_suppressed", kind));
		o.reporter_id = c->reporter_id;
		o.charset = CHARSET_AUTO;
	} else if (c->contact_id > 0 &&
	    store_contact_by_id(st, c->contact_id, &who) == 1) {
		o.number = who.phone;
		o.contact_id = who.id;
		o.charset = conf->alert_charset;
	} else
		return (0);	/* nobody to answer (an operator's case) */
	if ((id = store_outbox_add(st, &o)) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "%s outbox=%lld to=%s", kind,
	    (long long)id, c->reporter_id > 0 ? "reporter" : "contact");
	return (store_event_add(st, c->id, now, "reply_queued", detail));
}

/*
 * Acknowledges a case for actor.  Returns 1 when it was open, 0 when it
 * was already acknowledged or closed, -1 on a store error.
 */
int
case_ack(struct store *st, const struct store_caserow *c, const char *actor,
    const char *addr, int64_t now)
{
	char	 detail[128];
	int	 r;

	if (store_begin(st) == -1)
		return (-1);
	if ((r = store_case_ack(st, c->id, 0, now)) == -1)
		goto fail;
	(void)snprintf(detail, sizeof(detail), "by=%s", actor);
	if (store_event_add(st, c->id, now, r ? "acknowledged" :
	    "acknowledged_again", detail) == -1 ||
	    store_audit(st, actor, "case.ack", c->id, r ? "" : "already",
	    addr) == -1)
		goto fail;
	if (store_commit(st) == -1)
		return (-1);
	return (r);
fail:
	store_rollback(st);
	return (-1);
}

/*
 * Answers a case's reporter with text (the same SMS a responder's TL
 * command sends); answering acknowledges an open case.  Returns 1 when the
 * SMS is queued, 0 when the case is closed (nothing done), -1 on error.
 */
int
case_reply(struct store *st, const struct secret *sec,
    const struct config *conf, const struct store_caserow *c,
    const char *actor, const char *addr, const char *text, int64_t now)
{
	char	 detail[128], fitted[600], *long_detail = NULL, *sms = NULL;
	int	 r;

	if (strcmp(c->status, "closed") == 0)
		return (0);
	if (store_begin(st) == -1)
		return (-1);
	if ((r = store_case_ack(st, c->id, 0, now)) == -1)
		goto fail;
	(void)snprintf(detail, sizeof(detail), "by=%s", actor);
	if (r == 1 && store_event_add(st, c->id, now, "acknowledged",
	    detail) == -1)
		goto fail;
	/* Whole texts: a fixed buffer could cut one inside a character. */
	(void)xasprintf(&long_detail, "by=%s text=%s", actor, text);
	if (store_event_add(st, c->id, now, "relay_to_reporter",
	    long_detail) == -1)
		goto fail;
	if (c->reporter_id > 0)
		(void)xasprintf(&sms, "Hồ sơ %s - cán bộ trả lời: %s", c->code,
		    text);
	else {
		(void)handler_fit(fitted, sizeof(fitted), "", text, "", 150);
		sms = xstrdup(fitted);
	}
	if (case_queue_to_sender(st, sec, conf, c, "relay", sms, now) == -1 ||
	    store_audit(st, actor, "case.reply", c->id, "", addr) == -1)
		goto fail;
	free(long_detail);
	free(sms);
	return (store_commit(st) == -1 ? -1 : 1);
fail:
	free(long_detail);
	free(sms);
	store_rollback(st);
	return (-1);
}

/*
 * Closes a case with an outcome and thanks the reporter (as XONG does).
 * Returns 1 when it was not closed yet, 0 when it was, -1 on error.
 */
int
case_close(struct store *st, const struct secret *sec,
    const struct config *conf, const struct store_caserow *c,
    const char *actor, const char *addr, const char *outcome, int64_t now)
{
	char	*detail = NULL, sms[300];
	int	 r;

	if (store_begin(st) == -1)
		return (-1);
	if ((r = store_case_close(st, c->id, outcome, 0, now)) == -1)
		goto fail;
	(void)xasprintf(&detail, "by=%s outcome=%s", actor, outcome);
	r = store_event_add(st, c->id, now, r ? "closed" : "closed_again",
	    detail) == -1 ? -1 : r;
	free(detail);
	if (r == -1)
		goto fail;
	if (r == 1 && c->reporter_id > 0) {
		(void)snprintf(sms, sizeof(sms), "Hồ sơ %s đã được xử lý xong. "
		    "Cảm ơn bạn đã báo tin. Khẩn cấp gọi 113 (công an), 111 "
		    "(bảo vệ trẻ em).", c->code);
		if (case_queue_to_sender(st, sec, conf, c, "closed", sms,
		    now) == -1)
			goto fail;
	}
	if (store_audit(st, actor, "case.close", c->id, r ? "" : "already",
	    addr) == -1)
		goto fail;
	if (store_commit(st) == -1)
		return (-1);
	return (r);
fail:
	store_rollback(st);
	return (-1);
}

/*
 * A JSON string of s, repaired when it is not valid UTF-8 (text from
 * before the repairs at intake): jansson would refuse it and the member
 * would silently go missing.
 */
json_t *
json_text(const char *s)
{
	json_t	*j;
	char	*fixed;

	if (s == NULL)
		return (json_string(""));
	if ((j = json_string(s)) != NULL)
		return (j);
	fixed = utf8_sanitize(s, strlen(s));
	j = json_string(fixed);
	free(fixed);
	return (j);
}

/*
 * A case as `tinbao reports --json`, `tinbao show --json` and the API give
 * it: the reporter as its alias only (null for a case a contact opened).
 */
json_t *
case_json(const struct store_caserow *c)
{
	json_t	*o, *matched;
	char	 when[40];

	matched = json_loads(c->matched != NULL ? c->matched : "[]", 0, NULL);
	if (matched == NULL)
		matched = json_array();
	o = json_object();
	json_object_set_new(o, "code", json_string(c->code));
	json_object_set_new(o, "status", json_string(c->status));
	json_object_set_new(o, "category", json_string(c->category));
	json_object_set_new(o, "urgent", json_boolean(c->urgent));
	json_object_set_new(o, "school", c->school[0] ?
	    json_string(c->school) : json_null());
	time_iso8601(c->created_at, when, sizeof(when));
	json_object_set_new(o, "created_at", json_string(when));
	time_iso8601(c->updated_at, when, sizeof(when));
	json_object_set_new(o, "updated_at", json_string(when));
	json_object_set_new(o, "source", json_string(c->source));
	json_object_set_new(o, "reporter", c->alias[0] ?
	    json_string(c->alias) : json_null());
	json_object_set_new(o, "matched", matched);
	json_object_set_new(o, "text", json_text(c->text));
	json_object_set_new(o, "outcome", c->outcome[0] ?
	    json_text(c->outcome) : json_null());
	return (o);
}
