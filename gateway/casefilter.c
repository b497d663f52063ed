/*
 * tinbao: the case list's filters, parsed once for the dashboard's
 * /cases and the API's /api/v1/cases, so that both accept and refuse the
 * same values.
 *
 * The parameters are status, category, school, urgent, from, to and
 * triage (untriaged, triaged: untriaged lists in the triage queue's order,
 * store.h's TRIAGE_QUEUE_ORDER); each
 * door reads them from its own query through a getter and keeps its own
 * paging (the dashboard's page, the API's limit and offset).  An absent
 * or empty parameter means "any" (an HTML form sends its empty choices).
 * A date is a local day YYYY-MM-DD, parsed by stats_parse_day: a day that
 * does not exist (2026-02-31) is refused, never carried into the next
 * month; "to" includes its whole day (up to the next local midnight, not
 * +86400, for a DST day); "from" after "to" is refused.  A category is
 * a code of the category table (handlers/category.c).  School is a school
 * code or "none" (the cases no school was found for).  Nothing is read
 * from the store: the parser is pure.
 */
#include <string.h>

#include "tinbao.h"
#include "category.h"

#define SCHOOL_CODE_CHARS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define SCHOOL_CODE_MAX		15	/* store_caserow.school */

/* Returns the parameter's value, or NULL when absent or empty. */
static const char *
casefilter_get(const char *(*get)(void *, const char *), void *arg,
    const char *key)
{
	const char	*v = get(arg, key);

	return (v != NULL && *v != '\0' ? v : NULL);
}

/* Returns the entry of list equal to v, or NULL. */
static const char *
casefilter_one_of(const char *v, const char *const *list)
{
	size_t	 i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(v, list[i]) == 0)
			return (list[i]);
	return (NULL);
}

/* Parses status, category, school, urgent and triage into f. */
static int
casefilter_words(struct case_filter *f,
    const char *(*get)(void *, const char *), void *arg)
{
	static const char *const statuses[] = { "open", "acknowledged",
	    "closed", NULL };
	static const char *const states[] = { "untriaged", "triaged", NULL };
	const struct category	*cat;
	const char		*v;

	if ((v = casefilter_get(get, arg, "status")) != NULL &&
	    (f->status = casefilter_one_of(v, statuses)) == NULL)
		return (CASEFILTER_STATUS);
	if ((v = casefilter_get(get, arg, "category")) != NULL) {
		if ((cat = category_find(v)) == NULL)
			return (CASEFILTER_CATEGORY);
		f->category = cat->code;
	}
	if ((v = casefilter_get(get, arg, "school")) != NULL) {
		if (strcmp(v, "none") == 0)
			f->school = "";
		else if (strlen(v) > SCHOOL_CODE_MAX ||
		    strspn(v, SCHOOL_CODE_CHARS) != strlen(v))
			return (CASEFILTER_SCHOOL);
		else
			f->school = v;
	}
	if ((v = casefilter_get(get, arg, "urgent")) != NULL) {
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
			f->urgent = 1;
		else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
			f->urgent = 0;
		else
			return (CASEFILTER_URGENT);
	}
	if ((v = casefilter_get(get, arg, "triage")) != NULL &&
	    (f->triage = casefilter_one_of(v, states)) == NULL)
		return (CASEFILTER_TRIAGE);
	return (CASEFILTER_OK);
}

/*
 * Fills f's filters (status, category, school, urgent, triage, from, to)
 * from the parameters get(arg, name) returns.  f's other members are left
 * as they are; strings in f point into the values or the tables.  Returns
 * CASEFILTER_OK, or the CASEFILTER_* of the first bad parameter.
 */
int
casefilter_parse(struct case_filter *f,
    const char *(*get)(void *, const char *), void *arg)
{
	const char	*v;
	int64_t		 start, end, to_start = 0;
	int		 r;

	f->status = f->category = f->school = f->triage = NULL;
	f->urgent = -1;
	f->from = f->to = 0;
	if ((r = casefilter_words(f, get, arg)) != CASEFILTER_OK)
		return (r);
	if ((v = casefilter_get(get, arg, "from")) != NULL) {
		if (stats_parse_day(v, &start, &end) == -1)
			return (CASEFILTER_FROM);
		f->from = start;
	}
	if ((v = casefilter_get(get, arg, "to")) != NULL) {
		if (stats_parse_day(v, &to_start, &end) == -1)
			return (CASEFILTER_TO);
		f->to = end;
		if (f->from > to_start)
			return (CASEFILTER_RANGE);
	}
	return (CASEFILTER_OK);
}
