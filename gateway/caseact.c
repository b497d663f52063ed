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
 *
 * and the Bureau's desk (issue 17), none of which sends an SMS:
 *
 *   assign  USER: a bureau or admin user, not disabled (else NO_USER)
 *   note    TEXT: internal, kept in notes and on the timeline, never sent
 *   triage  confirm or correct category, school, urgency (triage.c's
 *           triage_case: recorded with who and when; made urgent, the
 *           alerts go out, but not for a closed case; the statistics
 *           count the corrected values)
 *   invalid [REASON] [duplicate of CODE]: closed, out of the statistics,
 *           reporter not told
 *   merge   CODE: closed as merged into CODE (open, not excluded), out of
 *           the statistics; CODE's timeline gets this case's report
 *   reopen  [REASON]: the one action a closed case takes (NOT_CLOSED
 *           otherwise); acknowledged again, outcome and exclusion cleared
 *   share   the report's text with the accounts of the case's commune
 *           (read-only; without it they see the case but not its text)
 *
 * - A closed case is final but for reopen and triage: every other action
 *   on it is refused and changes nothing.  Triage corrects a closed case
 *   for the record and the statistics; it alerts nobody (triage_case).  The outcome of a closed case is never
 *   overwritten and its reporter is thanked once.
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
 * from one place.
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
static int	caseact_assign(const struct caseact *,
		    const struct store_caserow *);
static int	caseact_note(const struct caseact *,
		    const struct store_caserow *);
static int	caseact_triage(const struct caseact *,
		    const struct store_caserow *);
static int	caseact_invalid(const struct caseact *,
		    const struct store_caserow *);
static int	caseact_merge(const struct caseact *,
		    const struct store_caserow *);
static int	caseact_reopen(const struct caseact *,
		    const struct store_caserow *);
static int	caseact_share(const struct caseact *,
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
	[CASEACT_ASSIGN] = { .name = "assign", .text_name = "user",
	    .max_chars = 63, .max_bytes = 63, .exec = caseact_assign },
	[CASEACT_NOTE] = { .name = "note", .text_name = "text",
	    .max_chars = CASEACT_NOTE_CHARS, .max_bytes = CASEACT_NOTE_BYTES,
	    .exec = caseact_note },
	[CASEACT_TRIAGE] = { .name = "triage", .text_name = "",
	    .exec = caseact_triage },
	[CASEACT_INVALID] = { .name = "invalid", .text_name = "reason",
	    .optional = 1, .max_chars = CASEACT_OUTCOME_CHARS,
	    .max_bytes = CASEACT_OUTCOME_BYTES, .exec = caseact_invalid },
	[CASEACT_MERGE] = { .name = "merge", .text_name = "into",
	    .max_chars = 15, .max_bytes = 15, .exec = caseact_merge },
	[CASEACT_REOPEN] = { .name = "reopen", .text_name = "reason",
	    .optional = 1, .max_chars = CASEACT_OUTCOME_CHARS,
	    .max_bytes = CASEACT_OUTCOME_BYTES, .exec = caseact_reopen },
	[CASEACT_SHARE] = { .name = "share", .text_name = "",
	    .exec = caseact_share },
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

/* Returns the name of the action's text ("text", "user", ...), "" none. */
const char *
caseact_text_name(enum caseact_type type)
{
	return (caseact_table[type].text_name);
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
	case CASEACT_NOT_CLOSED:
		return ("the case is not closed");
	case CASEACT_NO_USER:
		return ("no such active bureau or admin user");
	case CASEACT_NO_CASE:
		return ("no such other case (it must exist, be another case and,"
		    " to merge into, be neither closed nor excluded)");
	case CASEACT_BAD_VALUE:
		return ("category: a category code; school: a school code or"
		    " none; urgent: true or false");
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
	if (a->type == CASEACT_REOPEN)
		return (strcmp(c->status, "closed") == 0 ? CASEACT_DONE :
		    CASEACT_NOT_CLOSED);
	if (a->type == CASEACT_TRIAGE)
		return (CASEACT_DONE);
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
	if (r != CASEACT_DONE && r != CASEACT_ALREADY) {
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

/* Returns 1 when text is given and not blank. */
static int
caseact_has(const char *text)
{
	return (text != NULL && !text_is_blank(text));
}

/* Assigns the case to a.text, an active bureau or admin user. */
static int
caseact_assign(const struct caseact *a, const struct store_caserow *c)
{
	struct web_user	 u;
	char		 detail[160];
	int		 r;

	if ((r = store_user_get(a->store, a->text, &u)) == -1)
		return (CASEACT_ERROR);
	if (r == 0 || u.disabled || (strcmp(u.role, "bureau") != 0 &&
	    strcmp(u.role, "admin") != 0))
		return (CASEACT_NO_USER);
	(void)snprintf(detail, sizeof(detail), "by=%s to=%s", a->actor,
	    u.name);
	if (store_case_assign(a->store, c->id, u.name, a->now) == -1 ||
	    store_event_add(a->store, c->id, a->now, "assigned", detail) == -1 ||
	    caseact_audit(a, c, detail + strlen("by=") + strlen(a->actor) +
	    1) == -1)
		return (CASEACT_ERROR);
	return (CASEACT_DONE);
}

/* Adds an internal note: kept, shown to the Bureau, never sent. */
static int
caseact_note(const struct caseact *a, const struct store_caserow *c)
{
	char	*detail = NULL;
	int	 r = CASEACT_DONE;

	(void)xasprintf(&detail, "by=%s text=%s", a->actor, a->text);
	if (store_note_add(a->store, c->id, a->actor, a->text, a->now) == -1 ||
	    store_event_add(a->store, c->id, a->now, "note", detail) == -1 ||
	    caseact_audit(a, c, "") == -1)
		r = CASEACT_ERROR;
	free(detail);
	return (r);
}

/*
 * Confirms or corrects the category, school and urgency (triage.c's
 * triage_case records the triage with who and when and starts or stops
 * the alerts); a new school is set on the case and on its timeline.
 */
static int
caseact_triage(const struct caseact *a, const struct store_caserow *c)
{
	const struct category	*cat = NULL;
	struct school		 sch;
	struct store_caserow	 now_c;
	const char		*school = NULL;
	char			 detail[160];
	int			 r;

	if (a->category != NULL && (cat = category_find(a->category)) == NULL)
		return (CASEACT_BAD_VALUE);
	if (a->urgent < -1 || a->urgent > 1)
		return (CASEACT_BAD_VALUE);
	if (a->school != NULL && strcmp(a->school, "none") == 0)
		school = "";
	else if (a->school != NULL) {
		if ((r = store_school_get(a->store, a->school, &sch)) == -1)
			return (CASEACT_ERROR);
		if (r == 0)
			return (CASEACT_BAD_VALUE);
		school = a->school;
	}
	if (triage_case(a->store, a->conf, c, cat != NULL ? cat->code : NULL,
	    a->urgent, a->actor, a->now) == -1)
		return (CASEACT_ERROR);
	if (school != NULL && strcmp(school, c->school) != 0) {
		if (store_case_by_id(a->store, c->id, &now_c) != 1)
			return (CASEACT_ERROR);
		r = store_case_set_class(a->store, c->id, now_c.category,
		    now_c.urgent, school, now_c.matched != NULL ? now_c.matched :
		    "[]", a->now);
		store_caserow_free(&now_c);
		(void)snprintf(detail, sizeof(detail), "by=%s school=%s (was "
		    "%s)", a->actor, school[0] ? school : "none",
		    c->school[0] ? c->school : "none");
		if (r == -1 || store_event_add(a->store, c->id, a->now,
		    "school_set", detail) == -1)
			return (CASEACT_ERROR);
	}
	(void)snprintf(detail, sizeof(detail), "category=%s urgent=%d "
	    "school=%s", cat != NULL ? cat->code : c->category,
	    a->urgent == -1 ? c->urgent : a->urgent, school != NULL ?
	    (school[0] ? school : "none") : (c->school[0] ? c->school : "none"));
	if (caseact_audit(a, c, detail) == -1)
		return (CASEACT_ERROR);
	return (CASEACT_DONE);
}

/* Loads the other case named code: not c itself.  1, 0 none, -1 error. */
static int
caseact_other(const struct caseact *a, const struct store_caserow *c,
    const char *code, struct store_caserow *o)
{
	char	 norm[16];
	int	 r;

	if (casecode_normalize(code, norm, sizeof(norm)) == -1)
		return (0);
	if ((r = store_case_get(a->store, norm, o)) != 1)
		return (r);
	if (o->id == c->id) {
		store_caserow_free(o);
		return (0);
	}
	return (1);
}

/*
 * Marks the case invalid, or a duplicate of a.other: closed, out of the
 * statistics, its escalation stopped; the reporter is not told.
 */
static int
caseact_invalid(const struct caseact *a, const struct store_caserow *c)
{
	struct store_caserow	 o;
	char			*detail = NULL;
	const char		*reason = caseact_has(a->text) ? a->text : "";
	int64_t			 other = 0;
	int			 r;

	memset(&o, 0, sizeof(o));
	if (caseact_has(a->other)) {
		if ((r = caseact_other(a, c, a->other, &o)) == -1)
			return (CASEACT_ERROR);
		if (r == 0)
			return (CASEACT_NO_CASE);
		other = o.id;
	}
	if ((r = store_case_exclude(a->store, c->id, other ? "duplicate" :
	    "invalid", other, reason[0] ? reason : other ? "trùng" :
	    "không hợp lệ", a->now)) == 1) {
		if (other)
			(void)xasprintf(&detail, "by=%s of=%s reason=%s",
			    a->actor, o.code, reason);
		else
			(void)xasprintf(&detail, "by=%s reason=%s", a->actor,
			    reason);
		r = store_event_add(a->store, c->id, a->now, other ?
		    "marked_duplicate" : "marked_invalid", detail) == 0 &&
		    caseact_audit(a, c, detail + strlen("by=") +
		    strlen(a->actor) + 1) == 0 ? CASEACT_DONE : CASEACT_ERROR;
	} else
		r = r == 0 ? CASEACT_CLOSED : CASEACT_ERROR;
	free(detail);
	store_caserow_free(&o);
	return (r);
}

/*
 * Merges the case into the open case a.text: this one is closed as merged
 * (out of the statistics, reporter not told); the other's timeline gets
 * this one's report.
 */
static int
caseact_merge(const struct caseact *a, const struct store_caserow *c)
{
	struct store_caserow	 o;
	char			*detail = NULL;
	int			 r;

	if ((r = caseact_other(a, c, a->text, &o)) == -1)
		return (CASEACT_ERROR);
	if (r == 0)
		return (CASEACT_NO_CASE);
	if (strcmp(o.status, "closed") == 0 || o.excluded[0] != '\0') {
		store_caserow_free(&o);
		return (CASEACT_NO_CASE);
	}
	if ((r = store_case_exclude(a->store, c->id, "merged", o.id, "gộp",
	    a->now)) == 1) {
		(void)xasprintf(&detail, "by=%s into=%s", a->actor, o.code);
		r = store_event_add(a->store, c->id, a->now, "merged_into",
		    detail) == 0 ? CASEACT_DONE : CASEACT_ERROR;
		free(detail);
		(void)xasprintf(&detail, "by=%s case=%s text=%s", a->actor,
		    c->code, c->text);
		if (r == CASEACT_DONE && (store_event_add(a->store, o.id, a->now,
		    "merged_from", detail) == -1 || caseact_audit(a, c,
		    o.code) == -1))
			r = CASEACT_ERROR;
	} else
		r = r == 0 ? CASEACT_CLOSED : CASEACT_ERROR;
	free(detail);
	store_caserow_free(&o);
	return (r);
}

/* Reopens a closed case; its old outcome stays on the timeline. */
static int
caseact_reopen(const struct caseact *a, const struct store_caserow *c)
{
	char	*detail = NULL;
	int	 r;

	if ((r = store_case_reopen(a->store, c->id, a->now)) != 1)
		return (r == 0 ? CASEACT_NOT_CLOSED : CASEACT_ERROR);
	(void)xasprintf(&detail, "by=%s reason=%s was=%s%s%s", a->actor,
	    caseact_has(a->text) ? a->text : "", c->excluded[0] ? c->excluded :
	    "closed", c->outcome[0] ? " outcome=" : "", c->outcome);
	r = store_event_add(a->store, c->id, a->now, "reopened", detail) == 0 &&
	    caseact_audit(a, c, caseact_has(a->text) ? a->text : "") == 0 ?
	    CASEACT_DONE : CASEACT_ERROR;
	free(detail);
	return (r);
}

/* Shares the report's text with the case's commune accounts. */
static int
caseact_share(const struct caseact *a, const struct store_caserow *c)
{
	char	 detail[96];
	int	 r;

	if ((r = store_case_share(a->store, c->id, a->now)) == -1)
		return (CASEACT_ERROR);
	(void)snprintf(detail, sizeof(detail), "by=%s", a->actor);
	if (store_event_add(a->store, c->id, a->now, "shared", detail) == -1 ||
	    caseact_audit(a, c, "") == -1)
		return (CASEACT_ERROR);
	return (CASEACT_DONE);
}
