/*
 * tinbao: the JSON API at /api/v1/ (SPEC section 9, issue 6).
 *
 * The same data as the dashboard, for the Bureau's scripts: cases with
 * filters and paging, one case with its timeline, the actions on a case
 * (acknowledge, reply, close), the statistics and the directory.  Every
 * request carries "Authorization: Bearer tb_..."; a token is looked up by
 * its keyed hash (the database never holds a token), a revoked or unknown
 * one gets 401.  A token has a role: "bureau" reads everything and acts on
 * cases, only "admin" writes the directory.
 *
 * What leaves here follows the dashboard's rules: reporters appear only as
 * their alias (store_case_fill never selects a number, and the timeline
 * names a reporter "reporter"); every list and view of cases and every
 * action is written to the audit log as "token:NAME", in the same
 * transaction as the action (cases.c), and a view whose audit row cannot
 * be written is not shown.
 *
 * Every answer is JSON (UTF-8), errors are {"error": "..."} with the
 * status: 400 bad parameter or body, 401 no or bad token, 403 the token's
 * role may not, 404 no such endpoint or case, 405 wrong method, 409 a
 * reply to a closed case, 413 body over API_BODY_MAX, 500 store error.
 * Bodies are also refused when nested deeper than API_JSON_DEPTH, before
 * jansson parses them.  The pure helpers (token format, dates, depth,
 * character counts) are exported for tests/unit/test_api.c.
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

#define API_PREFIX		"/api/v1/"
#define API_BODY_MAX		(16 * 1024)	/* the listener allows 64 KB */
#define API_JSON_DEPTH		4
#define API_LIMIT_DEFAULT	50
#define API_LIMIT_MAX		200
#define API_OFFSET_MAX		10000000
#define API_SUPPRESS_DEFAULT	5
#define API_SUPPRESS_MAX	1000000
#define API_REPLY_CHARS		500
/* Bytes of UTF-8: 500 Vietnamese characters of up to 3 bytes, at most. */
#define API_REPLY_BYTES		1500
#define API_OUTCOME_CHARS	200
#define API_OUTCOME_BYTES	255	/* store_caserow.outcome */
#define API_USED_EVERY		60	/* seconds between used_at writes */

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
	struct evkeyvalq	 query;
	json_t			*body;		/* POST: the parsed object */
};

struct api_route {
	const char	*name;		/* first path segment */
	int		 has_code;	/* a case code follows */
	const char	*action;	/* the segment after the code, or NULL */
	int		 method;	/* EVHTTP_REQ_GET or _POST */
	int		 admin;		/* only an admin token */
	int		 needs_body;	/* a JSON object is required */
	void		(*serve)(struct apireq *, const char *);
};

static void	api_reply(struct apireq *, int, json_t *);
static void	api_error(struct apireq *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	api_auth(struct apireq *);
static int	api_read_body(struct apireq *);
static int	api_query_check(struct apireq *, const char *const *);
static int	api_parse_int(const char *, long, long, long *);
static int	api_case_load(struct apireq *, const char *,
		    struct store_caserow *);
static void	api_case_answer(struct apireq *, const char *);
static const char *api_body_string(struct apireq *, const char *,
		    const char **);
static void	api_cases(struct apireq *, const char *);
static void	api_case(struct apireq *, const char *);
static void	api_case_ack(struct apireq *, const char *);
static void	api_case_reply(struct apireq *, const char *);
static const char *api_body_text(struct apireq *, const char *, long,
		    size_t);
static void	api_case_close(struct apireq *, const char *);
static void	api_stats(struct apireq *, const char *);
static void	api_schools(struct apireq *, const char *);
static void	api_school_put(struct apireq *, const char *);
static void	api_contacts(struct apireq *, const char *);
static void	api_contact_put(struct apireq *, const char *);
static int	api_cases_cb(const struct store_caserow *, void *);
static int	api_timeline_cb(const struct timeline_item *, void *);
static json_t	*api_school_json(const struct school *);
static int	api_schools_cb(const struct school *, void *);
static json_t	*api_contact_json(const struct contact *);
static int	api_contacts_cb(const struct contact *, void *);
static int	api_body_fields(struct apireq *, const char *const *, size_t,
		    const char *, char **);
static int	api_directory_put(struct apireq *, int, char **, const char *,
		    const char *);

static const struct api_route api_routes[] = {
	{ .name = "cases", .method = EVHTTP_REQ_GET, .serve = api_cases },
	{ .name = "cases", .has_code = 1, .method = EVHTTP_REQ_GET,
	  .serve = api_case },
	{ .name = "cases", .has_code = 1, .action = "ack",
	  .method = EVHTTP_REQ_POST, .serve = api_case_ack },
	{ .name = "cases", .has_code = 1, .action = "reply",
	  .method = EVHTTP_REQ_POST, .needs_body = 1,
	  .serve = api_case_reply },
	{ .name = "cases", .has_code = 1, .action = "close",
	  .method = EVHTTP_REQ_POST, .needs_body = 1,
	  .serve = api_case_close },
	{ .name = "stats", .method = EVHTTP_REQ_GET, .serve = api_stats },
	{ .name = "schools", .method = EVHTTP_REQ_GET, .serve = api_schools },
	{ .name = "schools", .method = EVHTTP_REQ_POST, .admin = 1,
	  .needs_body = 1, .serve = api_school_put },
	{ .name = "contacts", .method = EVHTTP_REQ_GET,
	  .serve = api_contacts },
	{ .name = "contacts", .method = EVHTTP_REQ_POST, .admin = 1,
	  .needs_body = 1, .serve = api_contact_put },
};

static const char *api_categories[] = { "bullying", "violence", "drugs",
    "sexual_abuse", "self_harm", "traffic", "fire", "theft", "other" };

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

/* Returns the number of characters of a UTF-8 string, -1 when invalid. */
long
api_utf8_chars(const char *s)
{
	size_t	 len = strlen(s), i;
	long	 n = 0;

	if (!utf8_is_valid(s, len))
		return (-1);
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return (n);
}

/* Parses a whole decimal number in [min, max]. */
static int
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
static void
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
	s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
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

static void
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
static int
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
static const char *
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

/* ---------------------------------------------------------- the cases */

struct api_list {
	json_t		*cases;
};

static int
api_cases_cb(const struct store_caserow *c, void *arg)
{
	struct api_list	*al = arg;

	json_array_append_new(al->cases, case_json(c));
	return (0);
}

/* GET /api/v1/cases: filters, paging and the total. */
static void
api_cases(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { "status", "category", "school",
	    "urgent", "from", "to", "limit", "offset", NULL };
	struct case_filter	 f;
	struct api_list		 al;
	const char		*v;
	int64_t			 total = 0, a, b;
	long			 n;
	size_t			 i;
	char			 detail[64];
	json_t			*o;

	(void)code;
	if (api_query_check(ar, allowed) == -1)
		return;
	memset(&f, 0, sizeof(f));
	f.urgent = -1;
	f.limit = API_LIMIT_DEFAULT;
	if ((v = evhttp_find_header(&ar->query, "status")) != NULL) {
		if (strcmp(v, "open") != 0 && strcmp(v, "acknowledged") != 0 &&
		    strcmp(v, "closed") != 0) {
			api_error(ar, 400, "status: open, acknowledged or "
			    "closed");
			return;
		}
		f.status = v;
	}
	if ((v = evhttp_find_header(&ar->query, "category")) != NULL) {
		for (i = 0; i < sizeof(api_categories) /
		    sizeof(api_categories[0]); i++)
			if (strcmp(v, api_categories[i]) == 0)
				break;
		if (i == sizeof(api_categories) / sizeof(api_categories[0])) {
			api_error(ar, 400, "category: one of bullying, "
			    "violence, drugs, sexual_abuse, self_harm, traffic,"
			    " fire, theft, other");
			return;
		}
		f.category = v;
	}
	if ((v = evhttp_find_header(&ar->query, "school")) != NULL) {
		/* "none": the cases no school was found for. */
		if (strcmp(v, "none") == 0)
			f.school = "";
		else if (*v == '\0' || strlen(v) > 15 ||
		    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
		    "wxyz0123456789-_") != strlen(v)) {
			api_error(ar, 400, "school: a school code, or none");
			return;
		} else
			f.school = v;
	}
	if ((v = evhttp_find_header(&ar->query, "urgent")) != NULL) {
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			f.urgent = 1;
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			f.urgent = 0;
		else {
			api_error(ar, 400, "urgent: true or false");
			return;
		}
	}
	if ((v = evhttp_find_header(&ar->query, "from")) != NULL) {
		if (stats_parse_day(v, &a, &b) == -1) {
			api_error(ar, 400, "from: a date YYYY-MM-DD");
			return;
		}
		f.from = a;
	}
	if ((v = evhttp_find_header(&ar->query, "to")) != NULL) {
		/* The whole day of "to" is in: up to the next midnight. */
		if (stats_parse_day(v, &a, &b) == -1) {
			api_error(ar, 400, "to: a date YYYY-MM-DD");
			return;
		}
		f.to = b;
		if (f.from > a) {
			api_error(ar, 400, "from is after to");
			return;
		}
	}
	if ((v = evhttp_find_header(&ar->query, "limit")) != NULL) {
		if (api_parse_int(v, 1, API_LIMIT_MAX, &n) == -1) {
			api_error(ar, 400, "limit: 1 to %d", API_LIMIT_MAX);
			return;
		}
		f.limit = (int)n;
	}
	if ((v = evhttp_find_header(&ar->query, "offset")) != NULL) {
		if (api_parse_int(v, 0, API_OFFSET_MAX, &n) == -1) {
			api_error(ar, 400, "offset: 0 to %d", API_OFFSET_MAX);
			return;
		}
		f.offset = (int)n;
	}
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
static void
api_case(struct apireq *ar, const char *code)
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

/* POST /api/v1/cases/CODE/ack (any body is ignored). */
static void
api_case_ack(struct apireq *ar, const char *code)
{
	struct store_caserow	 c;
	int			 r;

	if (api_case_load(ar, code, &c) == -1)
		return;
	r = case_ack(ar->ctx->store, &c, ar->actor, ar->addr, ar->now);
	store_caserow_free(&c);
	if (r == -1) {
		api_error(ar, 500, "database error");
		return;
	}
	log_info("api case=%s acknowledged by=%s%s", c.code, ar->actor,
	    r == 0 ? " (already)" : "");
	api_case_answer(ar, code);
}

/*
 * Returns the body's member key as text of 1 to maxchars characters and
 * at most maxbytes bytes, not blank; or answers 400 and returns NULL.
 */
static const char *
api_body_text(struct apireq *ar, const char *key, long maxchars,
    size_t maxbytes)
{
	const char	*v, *bad = NULL;
	long		 n;

	v = api_body_string(ar, key, &bad);
	if (bad != NULL || v == NULL) {
		api_error(ar, 400, "%s: a string is required", key);
		return (NULL);
	}
	if ((n = api_utf8_chars(v)) == -1 || n == 0 || text_is_blank(v)) {
		api_error(ar, 400, "%s: must not be empty", key);
		return (NULL);
	}
	if (n > maxchars || strlen(v) > maxbytes) {
		api_error(ar, 400, "%s: at most %ld characters (%zu bytes of "
		    "UTF-8)", key, maxchars, maxbytes);
		return (NULL);
	}
	return (v);
}

/* POST /api/v1/cases/CODE/reply {"text": "..."}: an SMS to the reporter. */
static void
api_case_reply(struct apireq *ar, const char *code)
{
	struct store_caserow	 c;
	const char		*text;
	int			 r;

	if ((text = api_body_text(ar, "text", API_REPLY_CHARS,
	    API_REPLY_BYTES)) == NULL)
		return;
	if (api_case_load(ar, code, &c) == -1)
		return;
	if (strcmp(c.status, "closed") == 0) {
		store_caserow_free(&c);
		api_error(ar, 409, "case %s is closed", c.code);
		return;
	}
	r = case_reply(ar->ctx->store, ar->ctx->secret, ar->ctx->conf, &c,
	    ar->actor, ar->addr, text, ar->now);
	store_caserow_free(&c);
	if (r == -1) {
		api_error(ar, 500, "database error");
		return;
	}
	if (ar->ctx->outbox != NULL)
		outbox_kick(ar->ctx->outbox);
	log_info("api case=%s reply queued by=%s", c.code, ar->actor);
	api_case_answer(ar, code);
}

/* POST /api/v1/cases/CODE/close {"outcome": "..."}. */
static void
api_case_close(struct apireq *ar, const char *code)
{
	struct store_caserow	 c;
	const char		*outcome;
	int			 r;

	if ((outcome = api_body_text(ar, "outcome", API_OUTCOME_CHARS,
	    API_OUTCOME_BYTES)) == NULL)
		return;
	if (api_case_load(ar, code, &c) == -1)
		return;
	r = case_close(ar->ctx->store, ar->ctx->secret, ar->ctx->conf, &c,
	    ar->actor, ar->addr, outcome, ar->now);
	store_caserow_free(&c);
	if (r == -1) {
		api_error(ar, 500, "database error");
		return;
	}
	if (ar->ctx->outbox != NULL)
		outbox_kick(ar->ctx->outbox);
	log_info("api case=%s closed by=%s%s", c.code, ar->actor,
	    r == 0 ? " (already)" : "");
	api_case_answer(ar, code);
}

/* ------------------------------------------------------ the statistics */

/*
 * GET /api/v1/stats?from=&to=&by=&suppress=: counts of cases created in
 * those local days, as `tinbao stats --format json` (stats.c).  Small
 * counts are hidden unless suppress=0 is asked for explicitly, since a
 * script's output tends to travel further than the dashboard.
 */
static void
api_stats(struct apireq *ar, const char *code)
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

/* ------------------------------------------------------ the directory */

static json_t *
api_school_json(const struct school *sc)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", sc->code,
	    "name", sc->name, "commune", sc->commune, "level", sc->level,
	    "aliases", sc->aliases));
}

static int
api_schools_cb(const struct school *sc, void *arg)
{
	json_array_append_new(arg, api_school_json(sc));
	return (0);
}

/* GET /api/v1/schools */
static void
api_schools(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { NULL };
	json_t	*a;

	(void)code;
	if (api_query_check(ar, allowed) == -1)
		return;
	a = json_array();
	if (store_school_list(ar->ctx->store, api_schools_cb, a) == -1) {
		json_decref(a);
		api_error(ar, 500, "database error");
		return;
	}
	api_reply(ar, 200, json_pack("{s:o}", "schools", a));
}

/* A staff member: their number is not secret (SPEC section 6). */
static json_t *
api_contact_json(const struct contact *c)
{
	json_t	*o = json_object();

	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "role", json_string(c->role));
	json_object_set_new(o, "school", c->school[0] ?
	    json_string(c->school) : json_null());
	json_object_set_new(o, "commune", json_string(c->commune));
	json_object_set_new(o, "level", json_integer(c->level));
	json_object_set_new(o, "phone", json_string(c->phone));
	json_object_set_new(o, "has_pin", json_boolean(c->has_pin));
	return (o);
}

static int
api_contacts_cb(const struct contact *c, void *arg)
{
	json_array_append_new(arg, api_contact_json(c));
	return (0);
}

/* GET /api/v1/contacts */
static void
api_contacts(struct apireq *ar, const char *code)
{
	static const char *const allowed[] = { NULL };
	json_t	*a;

	(void)code;
	if (api_query_check(ar, allowed) == -1)
		return;
	a = json_array();
	if (store_contact_list(ar->ctx->store, api_contacts_cb, a) == -1) {
		json_decref(a);
		api_error(ar, 500, "database error");
		return;
	}
	api_reply(ar, 200, json_pack("{s:o}", "contacts", a));
}

/*
 * Copies the body's members named in keys into fields (xstrdup'd; an
 * absent or null member is ""), refusing (400) unknown members and
 * values that are not strings; a member listed in numeric may also be a
 * whole number.
 */
static int
api_body_fields(struct apireq *ar, const char *const *keys, size_t nkeys,
    const char *numeric, char **fields)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	json_object_foreach(ar->body, k, v) {
		for (i = 0; i < nkeys; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (i == nkeys) {
			api_error(ar, 400, "unknown member '%.64s'", k);
			return (-1);
		}
	}
	for (i = 0; i < nkeys; i++) {
		v = json_object_get(ar->body, keys[i]);
		if (v == NULL || json_is_null(v))
			fields[i] = xstrdup("");
		else if (json_is_string(v))
			fields[i] = xstrdup(json_string_value(v));
		else if (json_is_integer(v) && numeric != NULL &&
		    strcmp(keys[i], numeric) == 0)
			(void)xasprintf(&fields[i], "%lld",
			    (long long)json_integer_value(v));
		else {
			while (i-- > 0)
				free(fields[i]);
			api_error(ar, 400, "%s: a string is required",
			    keys[i]);
			return (-1);
		}
	}
	return (0);
}

/*
 * Writes one directory row checked by the CSV import's own rules, with
 * its audit row, in one transaction.  Returns 0, or -1 after answering.
 */
static int
api_directory_put(struct apireq *ar, int contact, char **fields,
    const char *action, const char *detail)
{
	struct store	*st = ar->ctx->store;
	char		 err[512];
	int		 r;

	if (store_begin(st) == -1) {
		api_error(ar, 500, "database error");
		return (-1);
	}
	r = contact ? import_contact_row(st, ar->ctx->secret, fields, err,
	    sizeof(err)) : import_school_row(st, fields, err, sizeof(err));
	if (r == 0)
		r = store_audit(st, ar->actor, action, 0, detail, ar->addr);
	if (r == -1 || store_commit(st) == -1) {
		store_rollback(st);
		if (r == -1 && err[0] != '\0')
			api_error(ar, 400, "%s", err);
		else
			api_error(ar, 500, "database error");
		return (-1);
	}
	return (0);
}

/* POST /api/v1/schools: upserts one school by code (admin). */
static void
api_school_put(struct apireq *ar, const char *code)
{
	static const char *const keys[IMPORT_SCHOOL_FIELDS] = { "code",
	    "name", "commune", "level", "aliases" };
	char		*f[IMPORT_SCHOOL_FIELDS], detail[64], key[16];
	struct school	 sc;
	size_t		 i;
	int		 r;

	(void)code;
	if (api_body_fields(ar, keys, IMPORT_SCHOOL_FIELDS, NULL, f) == -1)
		return;
	(void)snprintf(detail, sizeof(detail), "code=%.40s", f[0]);
	(void)strlcpy_checked(key, f[0], sizeof(key));
	r = api_directory_put(ar, 0, f, "school.upsert", detail);
	for (i = 0; i < IMPORT_SCHOOL_FIELDS; i++)
		free(f[i]);
	if (r == -1)
		return;
	log_info("api school=%s upserted by=%s", key, ar->actor);
	if (store_school_get(ar->ctx->store, key, &sc) != 1) {
		api_error(ar, 500, "database error");
		return;
	}
	api_reply(ar, 200, api_school_json(&sc));
}

/* POST /api/v1/contacts: upserts one contact by phone (admin). */
static void
api_contact_put(struct apireq *ar, const char *code)
{
	static const char *const keys[IMPORT_CONTACT_FIELDS] = { "name",
	    "phone", "role", "school", "commune", "level", "pin" };
	char		*f[IMPORT_CONTACT_FIELDS], detail[96];
	char		 phone[NUMBER_MAX];
	struct contact	 c;
	size_t		 i;
	int		 r;

	(void)code;
	if (api_body_fields(ar, keys, IMPORT_CONTACT_FIELDS, "level",
	    f) == -1)
		return;
	if (phone_normalize(f[1], phone, sizeof(phone)) == -1)
		phone[0] = '\0';	/* the import's check says why */
	(void)snprintf(detail, sizeof(detail), "phone=%s", phone);
	r = api_directory_put(ar, 1, f, "contact.upsert", detail);
	for (i = 0; i < IMPORT_CONTACT_FIELDS; i++) {
		explicit_bzero(f[i], strlen(f[i]));	/* the PIN */
		free(f[i]);
	}
	if (r == -1)
		return;
	log_info("api contact=%s upserted by=%s", phone, ar->actor);
	if (store_contact_by_phone(ar->ctx->store, phone, &c) != 1) {
		api_error(ar, 500, "database error");
		return;
	}
	api_reply(ar, 200, api_contact_json(&c));
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
	const struct api_route		*rt, *shape = NULL;
	const char			*path, *q;
	char				*seg[4], *p, *dup;
	char				 allow[32];
	int				 nseg = 0, method, has_code;
	size_t				 i, n;

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
	has_code = nseg >= 2;
	method = evhttp_request_get_command(req);
	if (method == EVHTTP_REQ_HEAD)
		method = EVHTTP_REQ_GET;
	allow[0] = '\0';
	for (i = 0; i < sizeof(api_routes) / sizeof(api_routes[0]); i++) {
		rt = &api_routes[i];
		if (strcmp(rt->name, seg[0]) != 0 ||
		    rt->has_code != has_code ||
		    (nseg == 3) != (rt->action != NULL) ||
		    (nseg == 3 && strcmp(rt->action, seg[2]) != 0))
			continue;
		n = strlen(allow);
		(void)snprintf(allow + n, sizeof(allow) - n, "%s%s",
		    n > 0 ? ", " : "", rt->method == EVHTTP_REQ_GET ? "GET" :
		    "POST");
		if (rt->method == method)
			shape = rt;
	}
	if (shape == NULL) {
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
	shape->serve(&ar, has_code ? seg[1] : NULL);
out:
	free(dup);
	json_decref(ar.body);
	evhttp_clear_headers(&ar.query);
}
