/*
 * tinbao: what the API's files (api*.c) share, and nothing else
 * includes.  api.c owns the dispatch, the token check, the request's body
 * and query, and the JSON answers; api_cases.c, api_stats.c and
 * api_directory.c each serve one resource through the route table in
 * api.c, as the dashboard's web_*.c files do behind web.c.
 */
#ifndef TINBAO_API_H
#define TINBAO_API_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

struct api {
	struct httpctx		*ctx;
	struct audit		*audit;		/* refused tokens, aggregated */
};

/* One request being answered. */
struct apireq {
	struct api		*api;
	struct httpctx		*ctx;
	struct evhttp_request	*req;
	struct api_token	 tok;
	char			 actor[8 + API_NAME_MAX + 1];	/* token:NAME */
	char			 addr[64];
	int64_t			 now;
	const char		*action;	/* the route's, after the code */
	struct evkeyvalq	 query;
	json_t			*body;		/* POST: the parsed object */
};

/* api.c */
void	 api_reply(struct apireq *, int, json_t *);
void	 api_error(struct apireq *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 api_query_check(struct apireq *, const char *const *);
int	 api_parse_int(const char *, long, long, long *);
const char *api_body_string(struct apireq *, const char *, const char **);

/* api_cases.c: the list, one case with its timeline, the actions */
void	 api_cases_list(struct apireq *, const char *);
void	 api_cases_show(struct apireq *, const char *);
void	 api_cases_act(struct apireq *, const char *);

/* api_triage.c: POST /api/v1/cases/CODE/triage (triage.c) */
void	 api_triage_act(struct apireq *, const char *);

/* api_stats.c */
void	 api_stats_get(struct apireq *, const char *);

/* api_directory.c: schools and contacts */
void	 api_directory_schools(struct apireq *, const char *);
void	 api_directory_school_put(struct apireq *, const char *);
void	 api_directory_contacts(struct apireq *, const char *);
void	 api_directory_contact_put(struct apireq *, const char *);

#endif /* TINBAO_API_H */
