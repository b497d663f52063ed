/*
 * tinbao: the HTTP listener (SPEC section 9), on libevent's evhttp.
 *
 * One listener for everything the gateway serves over HTTP.  This file
 * owns evhttp: it binds [http] listen (port 0 takes any free port, which
 * the tests use; the chosen address is logged), sets a body limit and a
 * timeout on every connection, and dispatches by path through one table.
 * httpconn.c watches the connections (a cap, a deadline per request,
 * accept() backing off when descriptors run out).
 * Everything else is mounted by its owner with http_mount (the dashboard,
 * the API, Kannel's callbacks, the USSD menu): this file knows none of
 * them.  It serves /healthz (200 when the store answers and a transport is up,
 * 503 with the reasons otherwise; the directory's gaps as detail, never a
 * 503) and /metrics (Prometheus text format).  Every value it prints is a
 * count or a state: never a number or a text (a staff number given two
 * roles is left out of its gap's line).
 * The reasons, the gaps, the modem's operator and credit, and /metrics go
 * only to a reader: a caller with [http] metrics_token_file's token
 * (Bearer), or one on this machine that is not [http] trusted_proxy (whose
 * requests come from anywhere); anyone else gets "ok" or "degraded", and
 * 403 on /metrics.  Case counts below HTTP_SMALL are left out of /metrics.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <sodium.h>

#include "tinbao.h"

#define HTTP_BODY_MAX	(64 * 1024)
#define HTTP_TIMEOUT	30
#define HTTP_MOUNTS_MAX	8
#define HTTP_SMALL	5	/* case counts below are not published */

/* A path or subtree served by another module. */
struct http_mount {
	const char	*prefix;
	int		 methods;	/* EVHTTP_REQ_*, 0: any */
	http_handler	 serve;
	void		*arg;
};

struct http {
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct httpconn			*conns;
	struct status			*status;
	struct http_mount		 mounts[HTTP_MOUNTS_MAX];
	int				 nmounts;
	char				 addr[128];
	char				*proxy;		/* trusted_proxy */
	char				*token;		/* metrics token */
};

struct http_route {
	const char	*path;
	int		 methods;	/* EVHTTP_REQ_* */
	void		(*serve)(struct http *, struct evhttp_request *);
};

static void	http_healthz(struct http *, struct evhttp_request *);
static int	http_healthz_gap(const struct dirgap *, void *);
static void	http_metrics(struct http *, struct evhttp_request *);
static void	http_dispatch(struct evhttp_request *, void *);
static void	http_error(struct evhttp_request *, int, const char *);

static const struct http_route http_routes[] = {
	{ .path = "/healthz", .methods = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD,
	  .serve = http_healthz },
	{ .path = "/metrics", .methods = EVHTTP_REQ_GET,
	  .serve = http_metrics },
};

/*
 * Hands a path to serve: every path under prefix when it ends in '/',
 * else that path alone; unless a fixed route above takes it.  The longest
 * matching prefix wins, so "/" can be the dashboard while "/api/v1/" is
 * the API.  methods (EVHTTP_REQ_*) are those the mount takes, 0 any: the
 * others are answered 405.
 */
void
http_mount(struct http *h, const char *prefix, int methods,
    http_handler serve, void *arg)
{
	if (h->nmounts == HTTP_MOUNTS_MAX)
		fatalx("http: too many mounts");
	h->mounts[h->nmounts].prefix = prefix;
	h->mounts[h->nmounts].methods = methods;
	h->mounts[h->nmounts].serve = serve;
	h->mounts[h->nmounts].arg = arg;
	h->nmounts++;
}

/* Returns 1 when path is served by the mount m. */
static int
http_mount_matches(const struct http_mount *m, const char *path)
{
	size_t	 len = strlen(m->prefix);

	if (len > 0 && m->prefix[len - 1] != '/')
		return (strcmp(path, m->prefix) == 0);
	return (strncmp(path, m->prefix, len) == 0);
}

/* Sends a plain-text reply. */
void
http_reply_text(struct evhttp_request *req, int code, const char *reason,
    struct evbuffer *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(req, code, reason, body);
}

static void
http_error(struct evhttp_request *req, int code, const char *reason)
{
	struct evbuffer	*b = evbuffer_new();

	evbuffer_add_printf(b, "%d %s\n", code, reason);
	http_reply_text(req, code, reason, b);
	evbuffer_free(b);
}

static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http		*h = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	const struct http_mount	*best = NULL;
	size_t			 i, len;
	int			 m;

	h->status->http_requests++;
	httpconn_request(h->conns, req);
	if (path == NULL || *path == '\0')
		path = "/";
	for (i = 0; i < sizeof(http_routes) / sizeof(http_routes[0]); i++) {
		if (strcmp(path, http_routes[i].path) != 0)
			continue;
		if ((evhttp_request_get_command(req) &
		    http_routes[i].methods) == 0) {
			http_error(req, 405, "Method Not Allowed");
			return;
		}
		http_routes[i].serve(h, req);
		return;
	}
	for (m = 0; m < h->nmounts; m++) {
		if (!http_mount_matches(&h->mounts[m], path))
			continue;
		len = strlen(h->mounts[m].prefix);
		if (best == NULL || len > strlen(best->prefix))
			best = &h->mounts[m];
	}
	if (best == NULL)
		http_error(req, 404, "Not Found");
	else if (best->methods != 0 &&
	    (evhttp_request_get_command(req) & best->methods) == 0)
		http_error(req, 405, "Method Not Allowed");
	else
		best->serve(best->arg, req);
}

/* One directory gap as a line of /healthz. */
static int
http_healthz_gap(const struct dirgap *g, void *arg)
{
	char	 line[512];

	if (g->kind == DIRGAP_TWO_ROLES)
		(void)snprintf(line, sizeof(line), "a number is given two roles "
		    "(%s)", g->detail);
	else
		dirgap_format(g, line, sizeof(line));
	evbuffer_add_printf(arg, "directory gap: %s\n", line);
	return (0);
}

/*
 * Sets who may read the gateway's detail: not trusted_proxy's callers,
 * and anyone with token (either may be NULL).
 */
void
http_set_readers(struct http *h, const char *trusted_proxy,
    const char *token)
{
	if (trusted_proxy != NULL)
		h->proxy = xstrdup(trusted_proxy);
	if (token != NULL)
		h->token = xstrdup(token);
}

/* Tells whether req may read /metrics and /healthz's detail. */
static int
http_is_reader(struct http *h, struct evhttp_request *req)
{
	struct evhttp_connection	*c = evhttp_request_get_connection(req);
	const char			*auth;
	char				*peer = NULL;
	ev_uint16_t			 port;
	size_t				 n;

	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h->token != NULL && auth != NULL &&
	    strncasecmp(auth, "Bearer ", 7) == 0) {
		n = strlen(h->token);
		if (strlen(auth + 7) == n &&
		    sodium_memcmp(auth + 7, h->token, n) == 0)
			return (1);
	}
	if (c == NULL)
		return (0);
	evhttp_connection_get_peer(c, &peer, &port);
	if (peer == NULL || (h->proxy != NULL && strcmp(peer, h->proxy) == 0))
		return (0);
	return (strncmp(peer, "127.", 4) == 0 || strcmp(peer, "::1") == 0);
}

static void
http_healthz(struct http *h, struct evhttp_request *req)
{
	struct status	*s = h->status;
	struct evbuffer	*b = evbuffer_new();
	int		 store_ok, transport_ok, pending;

	pending = store_outbox_pending(s->store);
	store_ok = pending >= 0 && s->store_errors_recent == 0;
	transport_ok = s->modem_state == MODEM_S_UP || s->kannel_up;
	if (!http_is_reader(h, req)) {
		evbuffer_add_printf(b, "%s\n", store_ok && transport_ok ?
		    "ok" : "degraded");
		if (store_ok && transport_ok)
			http_reply_text(req, 200, "OK", b);
		else
			http_reply_text(req, 503, "Service Unavailable", b);
		evbuffer_free(b);
		return;
	}
	evbuffer_add_printf(b, "%s\n", store_ok && transport_ok ? "ok" :
	    "unhealthy");
	if (pending < 0)
		evbuffer_add_printf(b, "store failing\n");
	else if (s->store_errors_recent)
		evbuffer_add_printf(b, "store failing to commit%s%s\n",
		    s->store_detail[0] ? ": " : "", s->store_detail);
	else
		evbuffer_add_printf(b, "store ok\n");
	if (s->has_modem)
		evbuffer_add_printf(b, "modem %s%s%s\n",
		    modem_state_name(s->modem_state),
		    s->modem_detail[0] ? ": " : "", s->modem_detail);
	if (s->has_modem && s->signal_pct >= 0)
		evbuffer_add_printf(b, "signal %d dBm (%d%%)\n",
		    s->signal_dbm, s->signal_pct);
	if (s->has_modem && s->registration > 0)
		evbuffer_add_printf(b, "network %s, operator %s\n",
		    s->registration == 1 ? "home" : s->registration == 3 ?
		    "roaming" : s->registration == 2 ? "none" :
		    s->registration == 4 ? "denied" : "unknown",
		    s->operator_name[0] ? s->operator_name : "unknown");
	if (s->credit >= 0)
		evbuffer_add_printf(b, "credit %lld VND%s%s\n", s->credit,
		    s->credit_valid[0] ? " valid until " : "",
		    s->credit_valid);
	pool_health(s, b);
	if (s->has_kannel)
		evbuffer_add_printf(b, "kannel %s\n", s->kannel_up ? "up" :
		    s->kannel_unreachable ? "down: sendsms not reachable" :
		    "not answering");
	evbuffer_add_printf(b, "outbox %d pending\n", pending);
	/* The directory's gaps: detail only, never a 503 (SPEC section 6). */
	if (store_ok)
		(void)store_directory_gaps(s->store, http_healthz_gap, b);
	if (store_ok && transport_ok)
		http_reply_text(req, 200, "OK", b);
	else
		http_reply_text(req, 503, "Service Unavailable", b);
	evbuffer_free(b);
}

struct metrics_arg {
	struct evbuffer	*b;
	const char	*name;
	const char	*l1;
	const char	*l2;
	int		 small;		/* leave out counts below HTTP_SMALL */
};

static int
metrics_group_cb(const char *v1, const char *v2, int64_t n, void *arg)
{
	struct metrics_arg	*ma = arg;

	/* A small count could name a pupil, as on the dashboard. */
	if (ma->small && n > 0 && n < HTTP_SMALL)
		return (0);
	evbuffer_add_printf(ma->b, "%s{%s=\"%s\",%s=\"%s\"} %lld\n", ma->name,
	    ma->l1, v1, ma->l2, v2, (long long)n);
	return (0);
}

static void
http_metrics(struct http *h, struct evhttp_request *req)
{
	struct status		*s = h->status;
	struct evbuffer		*b = evbuffer_new();
	struct metrics_arg	 ma;
	struct evkeyvalq	*hd = evhttp_request_get_output_headers(req);

	if (!http_is_reader(h, req)) {
		evbuffer_add_printf(b, "403 Forbidden\n");
		http_reply_text(req, 403, "Forbidden", b);
		evbuffer_free(b);
		return;
	}
	evbuffer_add_printf(b,
	    "# HELP tinbao_sms_received_total SMS committed, by transport.\n"
	    "# TYPE tinbao_sms_received_total counter\n"
	    "tinbao_sms_received_total{transport=\"sms\"} %llu\n"
	    "tinbao_sms_received_total{transport=\"kannel\"} %llu\n"
	    "tinbao_sms_received_total{transport=\"ussd\"} %llu\n"
	    "# HELP tinbao_sms_duplicates_total SMS read again and recognised.\n"
	    "# TYPE tinbao_sms_duplicates_total counter\n"
	    "tinbao_sms_duplicates_total %llu\n"
	    "# HELP tinbao_store_errors_total Commits that failed.\n"
	    "# TYPE tinbao_store_errors_total counter\n"
	    "tinbao_store_errors_total %llu\n"
	    "# HELP tinbao_escalations_total Escalation steps taken.\n"
	    "# TYPE tinbao_escalations_total counter\n"
	    "tinbao_escalations_total %llu\n"
	    "# HELP tinbao_http_requests_total HTTP requests served.\n"
	    "# TYPE tinbao_http_requests_total counter\n"
	    "tinbao_http_requests_total %llu\n"
	    "# HELP tinbao_modem_up 1 when the modem link is up.\n"
	    "# TYPE tinbao_modem_up gauge\n"
	    "tinbao_modem_up %d\n",
	    (unsigned long long)s->sms_in, (unsigned long long)s->kannel_in,
	    (unsigned long long)s->ussd_in,
	    (unsigned long long)s->sms_dup,
	    (unsigned long long)s->store_errors,
	    (unsigned long long)s->escalations,
	    (unsigned long long)s->http_requests,
	    s->modem_state == MODEM_S_UP);
	evbuffer_add_printf(b, "# HELP tinbao_modem_signal_dbm Signal "
	    "strength.\n# TYPE tinbao_modem_signal_dbm gauge\n"
	    "tinbao_modem_signal_dbm %d\n"
	    "# HELP tinbao_modem_registered 1 on the home or a roaming "
	    "network.\n# TYPE tinbao_modem_registered gauge\n"
	    "tinbao_modem_registered %d\n", s->signal_dbm,
	    s->registration == 1 || s->registration == 3);
	if (s->credit >= 0)
		evbuffer_add_printf(b, "# HELP tinbao_sim_credit_vnd The SIM's "
		    "credit from the last USSD check.\n"
		    "# TYPE tinbao_sim_credit_vnd gauge\n"
		    "tinbao_sim_credit_vnd %lld\n", s->credit);
	pool_metrics(s, b);
	evbuffer_add_printf(b, "# HELP tinbao_outbox_queue Messages waiting "
	    "to be sent.\n# TYPE tinbao_outbox_queue gauge\n"
	    "tinbao_outbox_queue %d\n", store_outbox_pending(s->store));

	memset(&ma, 0, sizeof(ma));
	ma.b = b;
	evbuffer_add_printf(b, "# HELP tinbao_cases Cases by category and "
	    "urgency (counts below %d left out).\n# TYPE tinbao_cases gauge\n",
	    HTTP_SMALL);
	ma.name = "tinbao_cases";
	ma.l1 = "category";
	ma.l2 = "urgent";
	ma.small = 1;
	(void)store_metric_groups(s->store, STORE_METRIC_CASES,
	    metrics_group_cb, &ma);
	ma.small = 0;
	evbuffer_add_printf(b, "# HELP tinbao_sms_sent Outgoing SMS by kind "
	    "and final state.\n# TYPE tinbao_sms_sent gauge\n");
	ma.name = "tinbao_sms_sent";
	ma.l1 = "kind";
	ma.l2 = "status";
	(void)store_metric_groups(s->store, STORE_METRIC_OUTBOX,
	    metrics_group_cb, &ma);

	evhttp_add_header(hd, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/*
 * Starts the listener on host:port (port 0: any free one).  Returns NULL,
 * logged, when it cannot bind.
 */
struct http *
http_start(struct event_base *base, const char *listen, struct status *st)
{
	struct http		*h;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			*host, *p, ip[INET6_ADDRSTRLEN];
	int			 port;

	h = xcalloc(1, sizeof(*h));
	h->status = st;
	host = xstrdup(listen);
	if ((p = strrchr(host, ':')) == NULL) {
		free(host);
		free(h);
		return (NULL);
	}
	*p = '\0';
	port = atoi(p + 1);
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	h->evh = evhttp_new(base);
	evhttp_set_max_body_size(h->evh, HTTP_BODY_MAX);
	evhttp_set_max_headers_size(h->evh, 16 * 1024);
	evhttp_set_timeout(h->evh, HTTP_TIMEOUT);
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD);
	evhttp_set_gencb(h->evh, http_dispatch, h);
	if ((h->bound = evhttp_bind_socket_with_handle(h->evh, host,
	    (ev_uint16_t)port)) == NULL) {
		log_warn("http: cannot listen on %s", listen);
		evhttp_free(h->evh);
		free(host);
		free(h);
		return (NULL);
	}
	free(host);
	h->conns = httpconn_new(base, h->evh, h->bound);
	if (getsockname(evhttp_bound_socket_get_fd(h->bound),
	    (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
			(void)snprintf(h->addr, sizeof(h->addr), "[%s]:%d", ip,
			    ntohs(s6->sin6_port));
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
			(void)snprintf(h->addr, sizeof(h->addr), "%s:%d", ip,
			    ntohs(s4->sin_port));
		}
	}
	log_info("http: listening on %s", h->addr);
	return (h);
}

/* Closes the listener and every connection. */
void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	evhttp_free(h->evh);
	httpconn_free(h->conns);
	free(h->proxy);
	if (h->token != NULL) {
		sodium_memzero(h->token, strlen(h->token));
		free(h->token);
	}
	free(h);
}
