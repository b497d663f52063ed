/*
 * tinbao: a case as JSON, the one shape that `tinbao reports --json`,
 * `tinbao show --json` and the API give: the reporter as its alias only,
 * never a number, and every text valid UTF-8.  What is done to a case is
 * in caseact.c.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinbao.h"

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
	/* Two decimals, as `tinbao classify` gives it; null: not known. */
	json_object_set_new(o, "confidence", c->confidence < 0 ? json_null() :
	    json_real((double)(int)(c->confidence * 100 + 0.5) / 100));
	json_object_set_new(o, "triage", c->triage[0] ?
	    json_string(c->triage) : json_null());
	return (o);
}
