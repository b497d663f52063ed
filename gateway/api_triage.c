/*
 * tinbao: the API's door to the triage net (SPEC section 7): a Bureau user
 * triages a case by confirming, or correcting, its category and urgency.
 *
 *   POST /api/v1/cases/CODE/triage  {"category": "bullying", "urgent": true}
 *
 * Both keys are optional: {} confirms the case as it is.  The decision is
 * triage_case() (triage.c), the same as `tinbao triage`'s: a case made
 * urgent is alerted at once, one made not urgent stops escalating, the
 * classifier's values are kept beside the corrected ones.  One
 * transaction with its timeline event and audit row (case.triage).  The
 * answer is the case as JSON with its triage state.
 */
#include <string.h>

#include "tinbao.h"
#include "category.h"
#include "api.h"

static int	api_triage_load(struct apireq *, const char *,
		    struct store_caserow *);

/* Loads the case named in the path; answers 404 or 500 itself. */
static int
api_triage_load(struct apireq *ar, const char *code, struct store_caserow *c)
{
	char	 norm[16];
	int	 r;

	if (casecode_normalize(code, norm, sizeof(norm)) == -1 ||
	    (r = store_case_get(ar->ctx->store, norm, c)) == 0) {
		api_error(ar, 404, "no such case");
		return (-1);
	}
	if (r == -1) {
		api_error(ar, 500, "database error");
		return (-1);
	}
	return (0);
}

/* POST /api/v1/cases/CODE/triage: the body is checked before the case. */
void
api_triage_act(struct apireq *ar, const char *code)
{
	struct store		*st = ar->ctx->store;
	struct store_caserow	 c;
	struct triage_row	 t;
	const char		*category = NULL, *bad = NULL;
	json_t			*u, *o;
	char			 detail[64];
	int			 urgent = -1, r;

	if (json_object_get(ar->body, "category") != NULL) {
		category = api_body_string(ar, "category", &bad);
		if (bad != NULL || category == NULL ||
		    category_find(category) == NULL) {
			api_error(ar, 400, "category: one of the categories "
			    "is required");
			return;
		}
	}
	if ((u = json_object_get(ar->body, "urgent")) != NULL) {
		if (!json_is_boolean(u)) {
			api_error(ar, 400, "urgent: true or false");
			return;
		}
		urgent = json_is_true(u);
	}
	if (api_triage_load(ar, code, &c) == -1)
		return;
	(void)snprintf(detail, sizeof(detail), "category=%s urgent=%s",
	    category != NULL ? category : "-", urgent == -1 ? "-" :
	    urgent ? "yes" : "no");
	if (store_begin(st) == -1)
		r = -1;
	else if ((r = triage_case(st, ar->ctx->conf, &c, category, urgent,
	    ar->actor, ar->now)) == -1 || (r = store_audit(st, ar->actor,
	    "case.triage", c.id, detail, ar->addr)) == -1)
		store_rollback(st);
	else
		r = store_commit(st);
	log_info("api case=%s action=triage by=%s %s result=%s", c.code,
	    ar->actor, detail, r == 0 ? "done" : "store error");
	store_caserow_free(&c);
	if (r == -1) {
		api_error(ar, 500, "database error");
		return;
	}
	if (ar->ctx->outbox != NULL)
		outbox_kick(ar->ctx->outbox);
	if (api_triage_load(ar, code, &c) == -1)
		return;
	o = case_json(&c);
	if (store_triage_get(st, c.id, &t) == 1) {
		json_object_set_new(o, "triage", json_string(t.state));
		json_object_set_new(o, "triaged_by", json_string(t.triaged_by));
	}
	store_caserow_free(&c);
	api_reply(ar, 200, o);
}
