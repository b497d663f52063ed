/*
 * tinbao: the actions on a case, one rule each, whichever door they come
 * through: a responder's SMS command (handlers/h_command.c: NHAN, TL,
 * XONG), the dashboard (web_cases.c) and the API (api_cases.c).
 *
 * A door authenticates its caller (a contact's number and PIN, a session
 * and its CSRF token, a bearer token), loads the case, fills a struct
 * caseact and calls caseact_apply (inside the router's transaction) or
 * caseact_run (its own transaction).  What the action does and when it is
 * refused is decided here only; the door maps the CASEACT_* result to its
 * own answer: an SMS to the contact, a dashboard page, an HTTP status with
 * JSON.  The rules:
 *
 *   action  open                acknowledged          closed
 *   ack     -> acknowledged     ALREADY: recorded     refused (CLOSED)
 *   reply   acks, relays        relays                refused (CLOSED)
 *   close   -> closed, thanks   -> closed, thanks     refused (CLOSED)
 *
 * - A closed case is final: every action on it is refused and changes
 *   nothing.  (Reopening, later, will be the one action a closed case
 *   takes.)  The outcome of a closed case is never overwritten and its
 *   reporter is thanked once.
 * - Acknowledging an acknowledged case changes nothing but is recorded
 *   (an "acknowledged_again" event and an audit row): a second officer on
 *   the case is worth knowing.
 * - A reply needs a text of 1 to CASEACT_REPLY_CHARS characters (at most
 *   CASEACT_REPLY_BYTES bytes) and someone to answer (the reporter, or the
 *   contact who opened the case); answering an open case acknowledges it.
 *   A reporter who sent STOP gets nothing: the relay is recorded and a
 *   "reply_suppressed" event says why nothing left.
 * - A close takes an optional outcome (SPEC section 4: XONG <CASE>
 *   [outcome]) of at most CASEACT_OUTCOME_CHARS characters (at most
 *   CASEACT_OUTCOME_BYTES bytes, what a case row keeps); an officer who
 *   closes in a hurry is not sent back for one.
 * - A refused action writes nothing: no state, no timeline event, no audit
 *   row (the door logs it and answers).  An action that is done writes its
 *   state, its timeline events, the SMS it queues and its audit row in one
 *   transaction.  The caller kicks the outbox afterwards.
 *
 * The table below has one entry per action, so that the dashboard's and
 * the API's URLs (/cases/CODE/ack) and the audit's names (case.ack) come
 * from one place; the actions of the Bureau's desk (assign, note, triage,
 * invalid, merge, reopen) are meant to be new rows.
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

struct caseact_entry {
	const char	*name;		/* URL segment; "case.NAME" in audit */
	const char	*text_name;	/* what the text is, "" none needed */
	int		 optional;	/* the text may be left out */
	size_t		 max_chars;
	size_t		 max_bytes;
	int		(*exec)(const struct caseact *,
			    const struct store_caserow *);
};

static int	caseact_ack(const struct caseact *, const struct store_caserow *);
static int	caseact_reply(const struct caseact *,
		    const struct store_caserow *);
static int	caseact_close(const struct caseact *,
		    const struct store_caserow *);

static const struct caseact_entry caseact_table[CASEACT_NTYPES] = {
	[CASEACT_ACK] = { .name = "ack", .text_name = "",
	    .exec = caseact_ack },
	[CASEACT_REPLY] = { .name = "reply", .text_name = "text",
	    .max_chars = CASEACT_REPLY_CHARS,
	    .max_bytes = CASEACT_REPLY_BYTES, .exec = caseact_reply },
	[CASEACT_CLOSE] = { .name = "close", .text_name = "outcome",
	    .optional = 1,
	    .max_chars = CASEACT_OUTCOME_CHARS,
	    .max_bytes = CASEACT_OUTCOME_BYTES, .exec = caseact_close },
};

/* Returns the action named name ("ack", "reply", "close"), or -1. */
int
caseact_find(const char *name)
{
	int	 i;

	for (i = 0; i < CASEACT_NTYPES; i++)
		if (strcmp(caseact_table[i].name, name) == 0)
			return (i);
	return (-1);
}

/* Returns the action's name, as in URLs and (after "case.") the audit. */
const char *
caseact_name(enum caseact_type type)
{
	return (caseact_table[type].name);
}

/* Returns a short English phrase for a result, for logs and the API. */
const char *
caseact_result_str(int result)
{
	switch (result) {
	case CASEACT_DONE:
		return ("done");
	case CASEACT_ALREADY:
		return ("already");
	case CASEACT_CLOSED:
		return ("the case is closed");
	case CASEACT_NO_TEXT:
		return ("must not be empty");
	case CASEACT_BAD_TEXT:
		return ("must be valid UTF-8");
	case CASEACT_TOO_LONG:
		return ("too long");
	case CASEACT_NOBODY:
		return ("nobody to answer");
	default:
		return ("store error");
	}
}

/*
 * Checks the text an action needs (the reply's text, the outcome): there,
 * valid UTF-8, not blank, within the action's limits.  Pure, so that a
 * door can check its input before it loads the case.  Returns CASEACT_DONE
 * or the refusal.
 */
int
caseact_check(enum caseact_type type, const char *text)
{
	const struct caseact_entry	*e = &caseact_table[type];
	size_t				 len, chars = 0, i;

	if (e->text_name[0] == '\0')
		return (CASEACT_DONE);
	if (text == NULL || text_is_blank(text))
		return (e->optional ? CASEACT_DONE : CASEACT_NO_TEXT);
	len = strlen(text);
	if (!utf8_is_valid(text, len))
		return (CASEACT_BAD_TEXT);
	for (i = 0; i < len; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			chars++;
	if (chars > e->max_chars || len > e->max_bytes)
		return (CASEACT_TOO_LONG);
	return (CASEACT_DONE);
}

/* Returns 1 when a reply to the case has someone to reach. */
static int
caseact_has_sender(const struct store_caserow *c)
{
	return (c->reporter_id > 0 || c->contact_id > 0);
}

/*
 * Returns the refusal of the action on the case as it was read (its
 * text, a closed case, nobody to answer), or CASEACT_DONE.
 */
static int
caseact_refusal(const struct caseact *a, const struct store_caserow *c)
{
	int	 r;

	if ((r = caseact_check(a->type, a->text)) != CASEACT_DONE)
		return (r);
	if (strcmp(c->status, "closed") == 0)
		return (CASEACT_CLOSED);
	if (a->type == CASEACT_REPLY && !caseact_has_sender(c))
		return (CASEACT_NOBODY);
	return (CASEACT_DONE);
}

/*
 * Applies the action to the case inside the caller's transaction (the
 * router's, for an SMS command).  Returns a CASEACT_* result; on
 * CASEACT_ERROR the caller rolls back.
 */
int
caseact_apply(const struct caseact *a, const struct store_caserow *c)
{
	int	 r;

	if ((r = caseact_refusal(a, c)) != CASEACT_DONE)
		return (r);
	return (caseact_table[a->type].exec(a, c));
}

/*
 * Applies the action in a transaction of its own (the dashboard, the
 * API); a refusal opens none.  Returns a CASEACT_* result.
 */
int
caseact_run(const struct caseact *a, const struct store_caserow *c)
{
	int	 r;

	if ((r = caseact_refusal(a, c)) != CASEACT_DONE)
		return (r);
	if (store_begin(a->store) == -1)
		return (CASEACT_ERROR);
	r = caseact_table[a->type].exec(a, c);
	if (r == CASEACT_ERROR || r == CASEACT_CLOSED) {
		store_rollback(a->store);
		return (r);
	}
	if (store_commit(a->store) == -1)
		return (CASEACT_ERROR);
	return (r);
}

/* Writes the action's audit row. */
static int
caseact_audit(const struct caseact *a, const struct store_caserow *c,
    const char *detail)
{
	char	 action[32];

	(void)snprintf(action, sizeof(action), "case.%s",
	    caseact_table[a->type].name);
	return (store_audit(a->store, a->actor, action, c->id, detail,
	    a->addr != NULL ? a->addr : ""));
}

/* Queues text for the sender of a case: its reporter, or the contact. */
static int
caseact_to_sender(const struct caseact *a, const struct store_caserow *c,
    const char *kind, const char *text)
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
	o.created_at = a->now;
	if (c->reporter_id > 0) {
		if (store_reporter_number(a->store, a->secret, c->reporter_id,
		    number, sizeof(number), alias, sizeof(alias), &silent) == 0)
			explicit_bzero(number, sizeof(number));
		if (silent)
			return (store_event_add(a->store, c->id, a->now,
			    "reply_suppressed", kind));
		o.reporter_id = c->reporter_id;
		o.charset = CHARSET_AUTO;
	} else if (c->contact_id > 0 &&
	    store_contact_by_id(a->store, c->contact_id, &who) == 1) {
		o.number = who.phone;
		o.contact_id = who.id;
		o.charset = a->conf->alert_charset;
	} else
		return (0);	/* the contact was removed since */
	if ((id = store_outbox_add(a->store, &o)) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "%s outbox=%lld to=%s", kind,
	    (long long)id, c->reporter_id > 0 ? "reporter" : "contact");
	return (store_event_add(a->store, c->id, a->now, "reply_queued",
	    detail));
}

/*
 * Acknowledges the case (the escalation stops), or records that one more
 * person is on an acknowledged case.
 */
static int
caseact_ack(const struct caseact *a, const struct store_caserow *c)
{
	char	 detail[128];
	int	 r;

	if ((r = store_case_ack(a->store, c->id, a->contact_id, a->now)) == -1)
		return (CASEACT_ERROR);
	(void)snprintf(detail, sizeof(detail), "by=%s", a->actor);
	if (store_event_add(a->store, c->id, a->now, r ? "acknowledged" :
	    "acknowledged_again", detail) == -1 ||
	    caseact_audit(a, c, r ? "" : "already") == -1)
		return (CASEACT_ERROR);
	return (r ? CASEACT_DONE : CASEACT_ALREADY);
}

/*
 * Relays a.text to the case's sender without either number showing:
 * whole to a reporter, folded to unaccented ASCII and cut to one SMS for a
 * contact (the alerts' alphabet).  Answering acknowledges an open case.
 */
static int
caseact_reply(const struct caseact *a, const struct store_caserow *c)
{
	char	 detail[128], fitted[600], *long_detail = NULL, *sms = NULL;
	int	 r, ret = CASEACT_ERROR;

	if ((r = store_case_ack(a->store, c->id, a->contact_id, a->now)) == -1)
		return (CASEACT_ERROR);
	(void)snprintf(detail, sizeof(detail), "by=%s", a->actor);
	if (r == 1 && store_event_add(a->store, c->id, a->now, "acknowledged",
	    detail) == -1)
		return (CASEACT_ERROR);
	/* Whole texts: a fixed buffer could cut one inside a character. */
	(void)xasprintf(&long_detail, "by=%s text=%s", a->actor, a->text);
	if (c->reporter_id > 0)
		(void)xasprintf(&sms, "Hồ sơ %s - cán bộ trả lời: %s", c->code,
		    a->text);
	else {
		(void)handler_fit(fitted, sizeof(fitted), "", a->text, "", 150);
		sms = xstrdup(fitted);
	}
	if (store_event_add(a->store, c->id, a->now, "relay_to_reporter",
	    long_detail) == 0 &&
	    caseact_to_sender(a, c, "relay", sms) == 0 &&
	    caseact_audit(a, c, "") == 0)
		ret = CASEACT_DONE;
	free(long_detail);
	free(sms);
	return (ret);
}

/* Closes the case with its outcome and thanks the reporter. */
static int
caseact_close(const struct caseact *a, const struct store_caserow *c)
{
	const char	*outcome = a->text;
	char		*detail = NULL, sms[300];
	int		 r;

	if (outcome != NULL && text_is_blank(outcome))
		outcome = NULL;
	if ((r = store_case_close(a->store, c->id, outcome, a->contact_id,
	    a->now)) == -1)
		return (CASEACT_ERROR);
	if (r == 0)
		return (CASEACT_CLOSED);	/* closed since it was read */
	if (outcome != NULL)
		(void)xasprintf(&detail, "by=%s outcome=%s", a->actor, outcome);
	else
		(void)xasprintf(&detail, "by=%s", a->actor);
	r = store_event_add(a->store, c->id, a->now, "closed", detail);
	free(detail);
	if (r == -1)
		return (CASEACT_ERROR);
	if (c->reporter_id > 0) {
		/* One GSM-7 SMS, 111 first where the category says so. */
		(void)snprintf(sms, sizeof(sms),
		    category_is_111_first(c->category) ? REPLY_CLOSED_111 :
		    REPLY_CLOSED, c->code);
		if (caseact_to_sender(a, c, "closed", sms) == -1)
			return (CASEACT_ERROR);
	}
	if (caseact_audit(a, c, "") == -1)
		return (CASEACT_ERROR);
	return (CASEACT_DONE);
}
