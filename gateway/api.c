/*
 * tinbao: the JSON API at /api/v1/ (SPEC section 9, issue 6): the
 * dispatch, the token check, the request's body and query, the answers.
 *
 * The same data as the dashboard, for the Bureau's scripts: cases with
 * filters and paging, one case with its timeline and the actions on a case
 * (api_cases.c), the statistics (api_stats.c) and the directory
 * (api_directory.c).  Every request carries "Authorization: Bearer
 * tb_..."; a token is looked up by its keyed hash (the database never
 * holds a token), a revoked or unknown one gets 401.  A token has a role:
 * "bureau" reads everything and acts on cases, only "admin" writes the
 * directory.
 *
 * What leaves here follows the dashboard's rules: reporters appear only as
 * their alias (store_case_fill never selects a number, and the timeline
 * names a reporter "reporter"); every list and view of cases and every
 * action is written to the audit log as "token:NAME".
 *
 * Every answer is JSON (UTF-8), errors are {"error": "..."} with the
 * status: 400 bad parameter or body, 401 no or bad token, 403 the token's
 * role may not, 404 no such endpoint or case, 405 wrong method, 409 an
 * action on a closed case (caseact.c), 413 body over API_BODY_MAX, 500
 * store error.  Bodies are also refused when nested deeper than
 * API_JSON_DEPTH, before jansson parses them.  The pure helpers (token
 * format, depth) are exported for tests/unit/test_api.c.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "tinbao.h"
#include "api.h"

#define API_PREFIX		"/api/v1/"
#define API_BODY_MAX		(16 * 1024)	/* the listener allows 64 KB */
#define API_JSON_DEPTH		4
#define API_USED_EVERY		60	/* seconds between used_at writes */

struct api_route {
	const char	*name;		/* first path segment */
	int		 has_code;	/* a case code follows */
	const char	*action;	/* the segment after the code, or NULL */
	int		 method;	/* EVHTTP_REQ_GET or _POST */
	int		 admin;		/* only an admin token */
	int		 needs_body;	/* a JSON object is required */
	void		(*serve)(struct apireq *, const char *);
};

static int	api_auth(struct apireq *);
static int	api_read_body(struct apireq *);
static const struct api_route *api_route_find(char **, int, int, char *,
		    size_t);

static const struct api_route api_routes[] = {
	{ .name = "cases", .method = EVHTTP_REQ_GET, .serve = api_cases_list },
	{ .name = "cases", .has_code = 1, .method = EVHTTP_REQ_GET,
	  .serve = api_cases_show },
	{ .name = "cases", .has_code = 1, .action = "ack",
	  .method = EVHTTP_REQ_POST, .serve = api_cases_act },
	{ .name = "cases", .has_code = 1, .action = "reply",
	  .method = EVHTTP_REQ_POST, .needs_body = 1, .serve = api_cases_act },
	{ .name = "cases", .has_code = 1, .action = "close",
	  .method = EVHTTP_REQ_POST, .needs_body = 1, .serve = api_cases_act },
	{ .name = "cases", .has_code = 1, .action = "triage",
	  .method = EVHTTP_REQ_POST, .needs_body = 1, .serve = api_triage_act },
	{ .name = "stats", .method = EVHTTP_REQ_GET, .serve = api_stats_get },
	{ .name = "schools", .method = EVHTTP_REQ_GET,
	  .serve = api_directory_schools },
	{ .name = "schools", .method = EVHTTP_REQ_POST, .admin = 1,
	  .needs_body = 1, .serve = api_directory_school_put },
	{ .name = "contacts", .method = EVHTTP_REQ_GET,
	  .serve = api_directory_contacts },
	{ .name = "contacts", .method = EVHTTP_REQ_POST, .admin = 1,
	  .needs_body = 1, .serve = api_directory_contact_put },
};

/* ------------------------------------------------------ pure helpers */

/*
 * Computes the keyed hash under which a token is stored.  The label keeps
 * it apart from the other uses of the same key (numbers, dedup keys).
 */
void
api_token_hash(const struct secret *sec, const char *token,
    unsigned char out[32])
{
	char	 buf[32 + API_TOKEN_LEN];
	int	 n;

	n = snprintf(buf, sizeof(buf), "tinbao-api-token:%s", token);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;	/* never well-formed anyway */
	secret_mac(sec, buf, (size_t)n, out);
	explicit_bzero(buf, sizeof(buf));
}

/* Returns 1 when s looks like a token: the prefix and 43 base64url bytes. */
int
api_token_is_wellformed(const char *s)
{
	size_t	 i, plen = strlen(API_TOKEN_PREFIX);

	if (strncmp(s, API_TOKEN_PREFIX, plen) != 0 ||
	    strlen(s) != API_TOKEN_LEN)
		return (0);
	for (i = plen; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return (0);
	return (1);
}

/* Returns 1 for a token name: 1 to 63 letters, digits, '.', '-', '_'. */
int
api_name_is_valid(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > API_NAME_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return (0);
	return (1);
}

/*
 * Encodes len bytes as base64url without padding (RFC 4648 section 5).
 * Returns the length written, or 0 when out is too small.
 */
size_t
api_b64url(const unsigned char *in, size_t len, char *out, size_t outsz)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t		 i, o = 0, need = (len * 4 + 2) / 3;
	uint32_t	 v;

	if (outsz < need + 1)
		return (0);
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = abc[(v >> 6) & 63];
		out[o++] = abc[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = abc[(v >> 6) & 63];
	}
	out[o] = '\0';
	return (o);
}

/*
 * Returns the credentials of an "Authorization: Bearer X" header value (the
 * scheme is case-insensitive, RFC 7235), or NULL for any other scheme.
 */
const char *
api_bearer(const char *h)
{
	if (h == NULL || strncasecmp(h, "Bearer", 6) != 0 ||
	    (h[6] != ' ' && h[6] != '\t'))
		return (NULL);
	h += 6;
	while (*h == ' ' || *h == '\t')
		h++;
	return (*h != '\0' ? h : NULL);
}

/*
 * Returns how deeply arrays and objects nest in a JSON text (0 for a bare
 * scalar), reading only brackets outside strings.  It does not validate:
 * it runs before the parser so that a deep body costs one pass.
 */
int
api_json_depth(const char *s, size_t len)
{
	size_t	 i;
	int	 depth = 0, max = 0, instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				instr = 0;
			continue;
		}
		switch (s[i]) {
		case '"':
			instr = 1;
			break;
		case '[':
		case '{':
			if (++depth > max)
				max = depth;
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return (max);
}

/* Parses a whole decimal number in [min, max]. */
int
api_parse_int(const char *s, long min, long max, long *v)
{
	char	*end;
	long	 n;

	if (!isdigit((unsigned char)s[0]))
		return (-1);
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return (-1);
	*v = n;
	return (0);
}

/* ------------------------------------------------------------ replies */

/* Sends obj (consumed) as the JSON answer with status code. */
void
api_reply(struct apireq *ar, int code, json_t *obj)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(ar->req);
	struct evbuffer		*b = evbuffer_new();
	const char		*reason;
	char			*s;

	switch (code) {
	case 200: reason = "OK"; break;
	case 400: reason = "Bad Request"; break;
	case 401: reason = "Unauthorized"; break;
	case 403: reason = "Forbidden"; break;
	case 404: reason = "Not Found"; break;
	case 405: reason = "Method Not Allowed"; break;
	case 409: reason = "Conflict"; break;
	case 413: reason = "Payload Too Large"; break;
	default: reason = "Internal Server Error"; break;
	}
	s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    CASE_JSON_REAL);
	json_decref(obj);
	if (s == NULL) {
		code = 500;
		reason = "Internal Server Error";
		s = xstrdup("{\"error\":\"cannot encode the answer\"}");
	}
	evbuffer_add(b, s, strlen(s));
	evbuffer_add(b, "\n", 1);
	free(s);
	evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(ar->req, code, reason, b);
	evbuffer_free(b);
	log_debug("api actor=%s %s status=%d", ar->actor[0] ? ar->actor : "-",
	    evhttp_request_get_uri(ar->req), code);
}

void
api_error(struct apireq *ar, int code, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	api_reply(ar, code, json_pack("{s:s}", "error", msg));
}

/* --------------------------------------------------- request plumbing */

/*
 * Checks the bearer token.  Returns 0 with ar->tok and ar->actor set, or
 * -1 after answering 401 (or 500 when the store fails).
 */
static int
api_auth(struct apireq *ar)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(ar->req);
	const char		*tok;
	unsigned char		 hash[32];
	int			 r;

	tok = api_bearer(evhttp_find_header(
	    evhttp_request_get_input_headers(ar->req), "Authorization"));
	if (tok == NULL) {
		evhttp_add_header(h, "WWW-Authenticate",
		    "Bearer realm=\"tinbao\"");
		api_error(ar, 401, "an API token is required "
		    "(Authorization: Bearer TOKEN)");
		return (-1);
	}
	r = 0;
	if (api_token_is_wellformed(tok)) {
		api_token_hash(ar->ctx->secret, tok, hash);
		r = store_token_find(ar->ctx->store, hash, &ar->tok);
	}
	if (r == -1) {
		api_error(ar, 500, "database error");
		return (-1);
	}
	if (r == 0 || ar->tok.revoked) {
		/* Audited and logged, a flood of them aggregated (audit.c). */
		if (audit_refusal(ar->api->audit, r == 0 ? "token:?" :
		    "token:revoked", "token.refused", r == 0 ? "unknown" :
		    ar->tok.name, ar->addr, ar->now) == 1)
			log_warnx("api addr=%s refused %s token%s%s", ar->addr,
			    r == 0 ? "an unknown" : "a revoked",
			    r == 0 ? "" : " name=", r == 0 ? "" :
			    ar->tok.name);
		evhttp_add_header(h, "WWW-Authenticate",
		    "Bearer realm=\"tinbao\", error=\"invalid_token\"");
		api_error(ar, 401, r == 0 ? "unknown API token" :
		    "this API token was revoked");
		return (-1);
	}
	(void)snprintf(ar->actor, sizeof(ar->actor), "token:%s",
	    ar->tok.name);
	/* At most one write a minute per token, not one per request. */
	if (ar->tok.used_at == 0 || ar->now - ar->tok.used_at >=
	    API_USED_EVERY || ar->now < ar->tok.used_at)
		(void)store_token_used(ar->ctx->store, ar->tok.id, ar->now);
	return (0);
}

/* Reads a POST body into ar->body: one JSON object, or 400/413. */
static int
api_read_body(struct apireq *ar)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(ar->req);
	size_t		 len = evbuffer_get_length(in);
	json_error_t	 je;
	char		*p;

	if (len > API_BODY_MAX) {
		api_error(ar, 413, "the body is larger than %d bytes",
		    API_BODY_MAX);
		return (-1);
	}
	if (len == 0) {
		api_error(ar, 400, "a JSON object is required as the body");
		return (-1);
	}
	p = (char *)evbuffer_pullup(in, -1);
	if (api_json_depth(p, len) > API_JSON_DEPTH) {
		api_error(ar, 400, "the JSON body nests deeper than %d levels",
		    API_JSON_DEPTH);
		return (-1);
	}
	/* jansson refuses invalid UTF-8 and \u0000 by itself. */
	ar->body = json_loadb(p, len, JSON_REJECT_DUPLICATES, &je);
	if (ar->body == NULL) {
		api_error(ar, 400, "invalid JSON at line %d column %d: %s",
		    je.line, je.column, je.text);
		return (-1);
	}
	if (!json_is_object(ar->body)) {
		api_error(ar, 400, "the body must be a JSON object");
		return (-1);
	}
	return (0);
}

/* Refuses (400) a query with a parameter not in allowed. */
int
api_query_check(struct apireq *ar, const char *const *allowed)
{
	const struct evkeyval	*kv;
	size_t			 i;

	TAILQ_FOREACH(kv, &ar->query, next) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(kv->key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			api_error(ar, 400, "unknown parameter '%.64s'",
			    kv->key);
			return (-1);
		}
	}
	return (0);
}

/*
 * Returns the string member key of the body (NULL when absent or null),
 * or sets *bad to a message when it is not a string.
 */
const char *
api_body_string(struct apireq *ar, const char *key, const char **bad)
{
	json_t	*v = json_object_get(ar->body, key);

	if (v == NULL || json_is_null(v))
		return (NULL);
	if (!json_is_string(v)) {
		*bad = key;
		return (NULL);
	}
	return (json_string_value(v));
}

/* --------------------------------------------------------- the module */

/* Creates the API's state; ctx outlives it. */
struct api *
api_new(struct httpctx *ctx)
{
	struct api	*api = xcalloc(1, sizeof(*api));

	api->ctx = ctx;
	api->audit = audit_new(ctx->base, ctx->store);
	return (api);
}

void
api_free(struct api *api)
{
	if (api == NULL)
		return;
	audit_free(api->audit);
	free(api);
}

/*
 * Returns the route for the path's segments (seg[0], the code seg[1] when
 * nseg >= 2, the action seg[2] when nseg == 3) and method, or NULL; allow
 * gets the methods the path takes, "" when it takes none.
 */
static const struct api_route *
api_route_find(char **seg, int nseg, int method, char *allow, size_t allowsz)
{
	const struct api_route	*rt, *shape = NULL;
	size_t			 i, n;

	allow[0] = '\0';
	for (i = 0; i < sizeof(api_routes) / sizeof(api_routes[0]); i++) {
		rt = &api_routes[i];
		if (strcmp(rt->name, seg[0]) != 0 ||
		    rt->has_code != (nseg >= 2) ||
		    (nseg == 3) != (rt->action != NULL) ||
		    (nseg == 3 && strcmp(rt->action, seg[2]) != 0))
			continue;
		n = strlen(allow);
		(void)snprintf(allow + n, allowsz - n, "%s%s",
		    n > 0 ? ", " : "", rt->method == EVHTTP_REQ_GET ? "GET" :
		    "POST");
		if (rt->method == method)
			shape = rt;
	}
	return (shape);
}

/*
 * Answers one request under /api/v1/: the token first (so an unknown
 * path tells nothing to someone without one), then the route, the
 * method, the role and the body.
 */
void
api_serve(void *arg, struct evhttp_request *req)
{
	struct api			*api = arg;
	struct apireq			 ar;
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	const struct api_route		*shape;
	const char			*path, *q;
	char				*seg[4], *p, *dup;
	char				 allow[32];
	int				 nseg = 0, method;
	size_t				 i;

	memset(&ar, 0, sizeof(ar));
	ar.api = api;
	ar.ctx = api->ctx;
	ar.req = req;
	ar.now = time(NULL);
	TAILQ_INIT(&ar.query);
	httpconn_client_addr(req, api->ctx->conf->http_trusted_proxy, ar.addr,
	    sizeof(ar.addr));
	if (api_auth(&ar) == -1)
		return;

	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || strncmp(path, API_PREFIX,
	    strlen(API_PREFIX)) != 0) {
		api_error(&ar, 404, "no such endpoint");
		return;
	}
	dup = xstrdup(path + strlen(API_PREFIX));
	if ((i = strlen(dup)) > 0 && dup[i - 1] == '/')
		dup[i - 1] = '\0';	/* "cases/" is "cases" */
	for (p = dup; nseg < 4 && p != NULL; nseg++)
		seg[nseg] = strsep(&p, "/");
	if (nseg == 4 || (nseg > 0 && *seg[0] == '\0') ||
	    (nseg > 1 && *seg[1] == '\0')) {
		api_error(&ar, 404, "no such endpoint");
		goto out;
	}
	method = evhttp_request_get_command(req);
	if (method == EVHTTP_REQ_HEAD)
		method = EVHTTP_REQ_GET;
	if ((shape = api_route_find(seg, nseg, method, allow,
	    sizeof(allow))) == NULL) {
		if (allow[0] != '\0') {
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Allow", allow);
			api_error(&ar, 405, "method not allowed here (allowed:"
			    " %s)", allow);
		} else
			api_error(&ar, 404, "no such endpoint");
		goto out;
	}
	if (shape->admin && strcmp(ar.tok.role, "admin") != 0) {
		api_error(&ar, 403, "this needs an admin token");
		goto out;
	}
	if (method == EVHTTP_REQ_GET && (q = evhttp_uri_get_query(uri)) !=
	    NULL && evhttp_parse_query_str(q, &ar.query) == -1) {
		api_error(&ar, 400, "malformed query string");
		goto out;
	}
	if (shape->needs_body && api_read_body(&ar) == -1)
		goto out;
	ar.action = shape->action;
	shape->serve(&ar, nseg >= 2 ? seg[1] : NULL);
out:
	free(dup);
	json_decref(ar.body);
	evhttp_clear_headers(&ar.query);
}
