/*
 * tinbao: the API's cases: GET /api/v1/cases (the filters of casefilter.c,
 * the dashboard's parser, with limit and offset), GET /api/v1/cases/CODE
 * (the case and its timeline) and POST /api/v1/cases/CODE/ACTION, the
 * actions of caseact.c (ack, reply, close) under the rules the SMS
 * commands and the dashboard follow too.
 *
 * Every list and view is audited as "token:NAME", and a view whose audit
 * row cannot be written is not shown; an action writes its own audit row
 * in its transaction (caseact.c).  An action answers 200 with the case's
 * state after it (also when the case was already acknowledged), 400 for
 * its text, 409 when the case is closed or has nobody to answer.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "tinbao.h"
#include "api.h"
#include "category.h"

#define API_LIMIT_DEFAULT	50
#define API_LIMIT_MAX		200
#define API_OFFSET_MAX		10000000

struct api_list {
	json_t		*cases;
};

static int	 api_cases_cb(const struct store_caserow *, void *);
static const char *api_cases_param(void *, const char *);
static void	 api_cases_bad(struct apireq *, int);
static int	 api_cases_filter(struct apireq *, struct case_filter *);
static int	 api_case_load(struct apireq *, const char *,
		    struct store_caserow *);
static void	 api_case_answer(struct apireq *, const char *);
static int	 api_timeline_cb(const struct timeline_item *, void *);

static int
api_cases_cb(const struct store_caserow *c, void *arg)
{
	struct api_list	*al = arg;

	json_array_append_new(al->cases, case_json(c));
	return (0);
}

/* The getter casefilter_parse reads the query through. */
static const char *
api_cases_param(void *arg, const char *key)
{
	struct apireq	*ar = arg;

	return (evhttp_find_header(&ar->query, key));
}

/* Answers 400 for the filter casefilter_parse refused. */
static void
api_cases_bad(struct apireq *ar, int bad)
{
	static const char *const what[] = {
		[CASEFILTER_STATUS] = "status: open, acknowledged or closed",
		[CASEFILTER_SCHOOL] = "school: a school code, or none",
		[CASEFILTER_URGENT] = "urgent: true or false",
		[CASEFILTER_FROM] = "from: a date YYYY-MM-DD",
		[CASEFILTER_TO] = "to: a date YYYY-MM-DD",
		[CASEFILTER_RANGE] = "from is after to",
		[CASEFILTER_TRIAGE] = "triage: untriaged or triaged",
	};
	char	 list[256];
	size_t	 i, n = 0;
	int	 w;

	if (bad != CASEFILTER_CATEGORY) {
		api_error(ar, 400, "%s", what[bad]);
		return;
	}
	list[0] = '\0';
	for (i = 0; category_codes[i] != NULL && n < sizeof(list); i++) {
		if ((w = snprintf(list + n, sizeof(list) - n, "%s%s",
		    i > 0 ? ", " : "", category_codes[i])) < 0)
			break;
		n += (size_t)w;
	}
	api_error(ar, 400, "category: one of %s", list);
}

/* Fills f from the query: the shared filters, then limit and offset. */
static int
api_cases_filter(struct apireq *ar, struct case_filter *f)
{
	const char	*v;
	long		 n;
	int		 bad;

	memset(f, 0, sizeof(*f));
	f->limit = API_LIMIT_DEFAULT;
	if ((bad = casefilter_parse(f, api_cases_param, ar)) !=
	    CASEFILTER_OK) {
		api_cases_bad(ar, bad);
		return (-1);
	}
	if ((v = evhttp_find_header(&ar->query, "limit")) != NULL) {
		if (api_parse_int(v, 1, API_LIMIT_MAX, &n) == -1) {
			api_error(ar, 400, "limit: 1 to %d", API_LIMIT_MAX);
			return (-1);
		}
		f->limit = (int)n;
	}
	if ((v = evhttp_find_header(&ar->query, "offset")) != NULL) {
		if (api_parse_int(v, 0, API_OFFSET_MAX, &n) == -1) {
			api_error(ar, 400, "offset: 0 to %d", API_OFFSET_MAX);
			return (-1);
		}
		f->offset = (int)n;
	}
	return (0);
}

/* GET /api/v1/cases: filters, paging and the total. */
void
api_cases_list(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { "status", "category", "school",
	    "urgent", "from", "to", "triage", "limit", "offset", NULL };
	struct case_filter	 f;
	struct api_list		 al;
	int64_t			 total = 0;
	char			 detail[64];
	json_t			*o;

	(void)code;
	if (api_query_check(ar, allowed) == -1 ||
	    api_cases_filter(ar, &f) == -1)
		return;
	al.cases = json_array();
	if (store_case_search(ar->ctx->store, &f, api_cases_cb, &al,
	    &total) == -1) {
		json_decref(al.cases);
		api_error(ar, 500, "database error");
		return;
	}
	(void)snprintf(detail, sizeof(detail), "shown=%zu total=%lld",
	    json_array_size(al.cases), (long long)total);
	if (store_audit(ar->ctx->store, ar->actor, "case.list", 0, detail,
	    ar->addr) == -1) {
		json_decref(al.cases);
		api_error(ar, 500, "the audit log cannot be written");
		return;
	}
	o = json_object();
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "offset", json_integer(f.offset));
	json_object_set_new(o, "limit", json_integer(f.limit));
	json_object_set_new(o, "cases", al.cases);
	api_reply(ar, 200, o);
}

/* Loads the case named in the path; answers 404 or 500 itself. */
static int
api_case_load(struct apireq *ar, const char *code, struct store_caserow *c)
{
	char	 norm[16];
	int	 r;

	if (casecode_normalize(code, norm, sizeof(norm)) == -1) {
		api_error(ar, 404, "no such case");
		return (-1);
	}
	if ((r = store_case_get(ar->ctx->store, norm, c)) == -1) {
		api_error(ar, 500, "database error");
		return (-1);
	}
	if (r == 0) {
		api_error(ar, 404, "no such case");
		return (-1);
	}
	return (0);
}

/* Answers with the case's state now, after an action. */
static void
api_case_answer(struct apireq *ar, const char *code)
{
	struct store_caserow	 c;

	if (api_case_load(ar, code, &c) == -1)
		return;
	api_reply(ar, 200, case_json(&c));
	store_caserow_free(&c);
}

static int
api_timeline_cb(const struct timeline_item *t, void *arg)
{
	json_t	*tl = arg, *e;
	char	 when[40];

	time_iso8601(t->at, when, sizeof(when));
	e = json_object();
	json_object_set_new(e, "at", json_string(when));
	json_object_set_new(e, "source", json_text(t->source));
	json_object_set_new(e, "type", json_text(t->type));
	json_object_set_new(e, "detail", json_text(t->detail));
	json_object_set_new(e, "status", json_text(t->status));
	json_object_set_new(e, "who", json_text(t->who));
	json_array_append_new(tl, e);
	return (0);
}

/* GET /api/v1/cases/CODE: the case and its timeline, audited. */
void
api_cases_show(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { NULL };
	struct store_caserow	 c;
	json_t			*o, *tl;

	if (api_query_check(ar, allowed) == -1 ||
	    api_case_load(ar, code, &c) == -1)
		return;
	tl = json_array();
	if (store_case_timeline(ar->ctx->store, c.id, api_timeline_cb,
	    tl) == -1) {
		json_decref(tl);
		store_caserow_free(&c);
		api_error(ar, 500, "database error");
		return;
	}
	/* No audit row, no view. */
	if (store_audit(ar->ctx->store, ar->actor, "case.view", c.id, "",
	    ar->addr) == -1) {
		json_decref(tl);
		store_caserow_free(&c);
		api_error(ar, 500, "the audit log cannot be written");
		return;
	}
	o = case_json(&c);
	json_object_set_new(o, "timeline", tl);
	store_caserow_free(&c);
	api_reply(ar, 200, o);
}

/* Answers 400 for an action's text that caseact_check refused. */
static void
api_case_bad_text(struct apireq *ar, enum caseact_type type, int r)
{
	const char	*key = type == CASEACT_REPLY ? "text" : "outcome";

	if (r == CASEACT_TOO_LONG)
		api_error(ar, 400, "%s: at most %d characters (%d bytes of "
		    "UTF-8)", key, type == CASEACT_REPLY ? CASEACT_REPLY_CHARS :
		    CASEACT_OUTCOME_CHARS, type == CASEACT_REPLY ?
		    CASEACT_REPLY_BYTES : CASEACT_OUTCOME_BYTES);
	else
		api_error(ar, 400, "%s: %s", key, caseact_result_str(r));
}

/*
 * POST /api/v1/cases/CODE/ack, .../reply {"text": "..."} and .../close
 * {"outcome": "..."}: the action named by the route (an ack's body is
 * ignored).  The body is checked before the case is looked up.
 */
void
api_cases_act(struct apireq *ar, const char *code)
{
	struct store_caserow	 c;
	struct caseact		 a;
	const char		*bad = NULL;
	int			 t, r;

	if ((t = caseact_find(ar->action)) == -1) {
		api_error(ar, 404, "no such endpoint");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.type = (enum caseact_type)t;
	if (a.type != CASEACT_ACK) {
		a.text = api_body_string(ar, a.type == CASEACT_REPLY ? "text" :
		    "outcome", &bad);
		if (bad != NULL || a.text == NULL) {
			api_error(ar, 400, "%s: a string is required",
			    a.type == CASEACT_REPLY ? "text" : "outcome");
			return;
		}
		if ((r = caseact_check(a.type, a.text)) != CASEACT_DONE) {
			api_case_bad_text(ar, a.type, r);
			return;
		}
	}
	if (api_case_load(ar, code, &c) == -1)
		return;
	a.store = ar->ctx->store;
	a.secret = ar->ctx->secret;
	a.conf = ar->ctx->conf;
	a.actor = ar->actor;
	a.addr = ar->addr;
	a.now = ar->now;
	r = caseact_run(&a, &c);
	log_info("api case=%s action=%s by=%s result=%s", c.code, ar->action,
	    ar->actor, caseact_result_str(r));
	if (r == CASEACT_CLOSED || r == CASEACT_NOBODY)
		api_error(ar, 409, "case %s: %s", c.code,
		    caseact_result_str(r));
	else if (r == CASEACT_ERROR)
		api_error(ar, 500, "database error");
	else if (r != CASEACT_DONE && r != CASEACT_ALREADY)
		api_case_bad_text(ar, a.type, r);
	else {
		if (ar->ctx->outbox != NULL)
			outbox_kick(ar->ctx->outbox);
		api_case_answer(ar, code);
	}
	store_caserow_free(&c);
}
