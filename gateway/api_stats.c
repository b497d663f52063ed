/*
 * tinbao: the API's statistics, GET /api/v1/stats: the counts behind
 * `tinbao stats --format json` (stats.c), with small counts suppressed
 * unless the caller asks for exact ones.
 */
#include <string.h>

#include <jansson.h>

#include "tinbao.h"
#include "api.h"

#define API_SUPPRESS_DEFAULT	5
#define API_SUPPRESS_MAX	1000000

/*
 * GET /api/v1/stats?from=&to=&by=&suppress=: counts of cases created in
 * those local days, as `tinbao stats --format json` (stats.c).  Small
 * counts are hidden unless suppress=0 is asked for explicitly, since a
 * script's output tends to travel further than the dashboard.
 */
void
api_stats_get(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { "from", "to", "by",
	    "suppress", NULL };
	struct stats_set	 set;
	const char		*from_s, *to_s, *v;
	int64_t			 from, from_end, to_start, to;
	int			 i;
	json_t			*o, *keys, *doc;

	(void)code;
	if (api_query_check(ar, allowed) == -1)
		return;
	stats_init(&set);
	set.suppress = API_SUPPRESS_DEFAULT;
	from_s = evhttp_find_header(&ar->query, "from");
	to_s = evhttp_find_header(&ar->query, "to");
	if (from_s == NULL || to_s == NULL) {
		api_error(ar, 400, "from and to are required (YYYY-MM-DD)");
		return;
	}
	if (stats_parse_day(from_s, &from, &from_end) == -1) {
		api_error(ar, 400, "from: a date YYYY-MM-DD");
		return;
	}
	if (stats_parse_day(to_s, &to_start, &to) == -1) {
		api_error(ar, 400, "to: a date YYYY-MM-DD");
		return;
	}
	if (from > to_start) {
		api_error(ar, 400, "from is after to");
		return;
	}
	if ((v = evhttp_find_header(&ar->query, "by")) != NULL &&
	    stats_parse_by(v, &set) == -1) {
		api_error(ar, 400, "by: a list of school, category and month, "
		    "each once");
		return;
	}
	if ((v = evhttp_find_header(&ar->query, "suppress")) != NULL &&
	    stats_parse_suppress(v, &set.suppress) == -1) {
		api_error(ar, 400, "suppress: 0 to %d", API_SUPPRESS_MAX);
		return;
	}
	if (stats_load(&set, ar->ctx->store, from, to) == -1) {
		stats_free(&set);
		api_error(ar, 500, "database error");
		return;
	}
	keys = json_array();
	for (i = 0; i < set.nkeys; i++)
		json_array_append_new(keys, json_string(set.keys[i]->name));
	o = json_object();
	json_object_set_new(o, "from", json_string(from_s));
	json_object_set_new(o, "to", json_string(to_s));
	json_object_set_new(o, "by", keys);
	json_object_set_new(o, "suppress", json_integer(set.suppress));
	doc = stats_json(&set);
	json_object_update(o, doc);
	json_decref(doc);
	stats_free(&set);
	api_reply(ar, 200, o);
}

