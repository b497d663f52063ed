/*
 * tinbao: the Kannel transport (SPEC sections 3 and 9).
 *
 * The only file that knows Kannel's protocol.  Incoming: smsbox calls
 * /kannel/mo with the query of SPEC section 9 (GET, or POST with the text
 * as body and X-Kannel-* headers); the text is UTF-8 or UTF-16BE as
 * `charset` says; the message is committed through the router before the
 * 200 goes back, so Kannel keeps retrying until it is stored, and Kannel's
 * `id` (the same across its retries) is part of the dedup key, so a retry
 * is one message.  A failed commit answers 503: Kannel tries again later.
 * MOs that arrive together share one transaction and one durable commit
 * (kannel_flush): the 200s of a batch all wait for its COMMIT.
 *
 * Outgoing: one sendsms GET per message with coding=2 and charset=UTF-8
 * (coding 0 when the text is plain ASCII), `to` escaped, and a dlr-url
 * that carries our outbox id, so /kannel/dlr can record the delivery.
 * Kannel's answer 202 (queued) is success; 4xx is permanent; anything else
 * or no answer is temporary and retried by the outbox.  Kannel is one of
 * the outbox's transports (kannel_transport), and mounts its callbacks
 * under /kannel/ itself (kannel_serve), so neither the outbox nor the HTTP
 * listener knows Kannel by name.
 *
 * The probe: a failed sendsms is the only sign that Kannel is gone, and
 * the next one the only sign that it is back; meanwhile every queued
 * message backs off (up to an hour).  So the housekeeping tick has us
 * connect to the sendsms port every few seconds (connect and close, no
 * request): /healthz says "down" within seconds of bearerbox or smsbox
 * stopping, even with nothing to send, and when the port answers again
 * after an outage the waiting messages are made due at once.  Only the
 * transition does that, so a Kannel that is reachable but refuses our
 * requests is not retried faster than the backoff.  Numeric addresses
 * only (a hostname would need a resolver here): the URL is on this
 * machine anyway.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <sodium.h>

#include "tinbao.h"

#define KANNEL_TIMEOUT	20	/* seconds for a sendsms answer */
#define KANNEL_BATCH	256	/* MOs committed together at most */
#define KANNEL_PROBE_WAIT 2	/* seconds a probe may take */

/* One parsed MO waiting for its batch's commit, and its request. */
struct kannel_mo {
	TAILQ_ENTRY(kannel_mo)	 entry;
	struct evhttp_request	*req;
	struct sms_in		 sms;
};
TAILQ_HEAD(kannel_mos, kannel_mo);

struct kannel {
	struct event_base	*base;
	const struct config	*conf;
	struct router		*router;
	struct outbox		*outbox;
	struct status		*status;
	struct evhttp_uri	*uri;
	char			*password;
	char			*secret;	/* [kannel] secret_file, or NULL */
	int			 healthy;	/* the last sendsms was answered */

	struct kannel_mos	 queue;		/* parsed, not yet committed */
	struct kannel_sends	*sends;		/* sendsms requests in flight */
	int			 nqueued;
	int			 batch_max;
	struct event		*flush_ev;

	/* The sendsms port, probed with a bare TCP connect. */
	struct sockaddr_storage	 probe_ss;
	socklen_t		 probe_sslen;	/* 0: not probed */
	int			 probe_fd;	/* -1: no probe in flight */
	struct event		*probe_ev;
	int			 probe_down;	/* the last probe failed */
};

struct kannel_send {
	TAILQ_ENTRY(kannel_send) entry;
	struct kannel		*k;
	int64_t			 id;
	struct evhttp_connection *conn;
};
TAILQ_HEAD(kannel_sends, kannel_send);

static void	kannel_sent_cb(struct evhttp_request *, void *);
static void	kannel_flush(struct kannel *);
static void	kannel_flush_cb(evutil_socket_t, short, void *);
static int	kannel_is_ready(void *);
static void	kannel_send(void *, const struct sms_out *);
static void	kannel_set_healthy(struct kannel *, int);
static void	kannel_mo(struct kannel *, struct evhttp_request *);
static void	kannel_dlr(struct kannel *, struct evhttp_request *);
static const char *kannel_param(const char *, const char *, char *, size_t);
static void	kannel_probe_init(struct kannel *);
static void	kannel_probe_cb(evutil_socket_t, short, void *);
static void	kannel_probe_done(struct kannel *, int);

/* Kannel as one of the outbox's transports (the argument: a kannel). */
const struct transport kannel_transport = {
	.name = "kannel",
	.is_ready = kannel_is_ready,
	.send = kannel_send,
	.fallback = 1,	/* the modems first, Kannel while none is up */
};

/*
 * The batch size cap: $TINBAO_KANNEL_BATCH (1 to 4096) overrides it; 1
 * is one transaction per MO, as before group commit (for the benchmark).
 */
static int
kannel_batch_max(void)
{
	const char	*e = getenv("TINBAO_KANNEL_BATCH");
	long		 v;
	char		*end;

	if (e == NULL || *e == '\0')
		return (KANNEL_BATCH);
	v = strtol(e, &end, 10);
	if (*end != '\0' || v < 1 || v > 4096)
		return (KANNEL_BATCH);
	return ((int)v);
}

/* Reads the sendsms password and parses the URL; NULL on failure. */
struct kannel *
kannel_new(struct event_base *base, const struct config *conf,
    struct router *router, struct status *status)
{
	struct kannel	*k;
	char		 buf[256];

	k = xcalloc(1, sizeof(*k));
	k->base = base;
	k->conf = conf;
	k->router = router;
	k->status = status;
	k->probe_fd = -1;
	kannel_set_healthy(k, 1);
	TAILQ_INIT(&k->queue);
	k->sends = xcalloc(1, sizeof(*k->sends));
	TAILQ_INIT(k->sends);
	k->batch_max = kannel_batch_max();
	k->flush_ev = evtimer_new(base, kannel_flush_cb, k);
	if ((k->uri = evhttp_uri_parse(conf->kannel_sendsms_url)) == NULL ||
	    evhttp_uri_get_host(k->uri) == NULL) {
		log_warnx("kannel: sendsms_url %s does not parse",
		    conf->kannel_sendsms_url);
		goto fail;
	}
	k->password = xstrdup("");
	if (conf->kannel_password_file != NULL) {
		if (secretfile_read(conf->kannel_password_file,
		    "kannel: password_file", buf, sizeof(buf)) == -1)
			goto fail;
		free(k->password);
		k->password = xstrdup(buf);
		explicit_bzero(buf, sizeof(buf));
	}
	if (conf->kannel_secret_file != NULL) {
		if (secretfile_read(conf->kannel_secret_file,
		    "kannel: secret_file", buf, sizeof(buf)) == -1)
			goto fail;
		if (strlen(buf) < 16 || strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789._~-") != strlen(buf)) {
			log_warnx("kannel: secret_file %s must hold a token of "
			    "16 characters or more, letters, digits and . _ ~ -"
			    " only", conf->kannel_secret_file);
			explicit_bzero(buf, sizeof(buf));
			goto fail;
		}
		k->secret = xstrdup(buf);
		explicit_bzero(buf, sizeof(buf));
	}
	kannel_probe_init(k);
	return (k);
fail:
	kannel_free(k);
	return (NULL);
}

/* Frees the transport. */
void
kannel_free(struct kannel *k)
{
	struct kannel_mo	*m;
	struct kannel_send	*ks;

	if (k == NULL)
		return;
	/*
	 * MOs still queued were neither committed nor answered: Kannel sends
	 * them again.  Their requests went with the HTTP server, which is
	 * freed first: only our copies are freed here.
	 */
	while ((m = TAILQ_FIRST(&k->queue)) != NULL) {
		TAILQ_REMOVE(&k->queue, m, entry);
		sms_in_free(&m->sms);
		free(m);
	}
	/*
	 * A sendsms still in flight at stop: its message stays "sending" in
	 * the outbox and is sent again after the restart.  Freeing the
	 * connection frees its request without calling kannel_sent_cb.
	 */
	while ((ks = TAILQ_FIRST(k->sends)) != NULL) {
		TAILQ_REMOVE(k->sends, ks, entry);
		evhttp_connection_free(ks->conn);
		free(ks);
	}
	free(k->sends);
	if (k->flush_ev != NULL)
		event_free(k->flush_ev);
	if (k->probe_ev != NULL) {
		event_free(k->probe_ev);
		close(k->probe_fd);
	}
	if (k->uri != NULL)
		evhttp_uri_free(k->uri);
	if (k->password != NULL) {
		explicit_bzero(k->password, strlen(k->password));
		free(k->password);
	}
	if (k->secret != NULL) {
		explicit_bzero(k->secret, strlen(k->secret));
		free(k->secret);
	}
	free(k);
}

/* Attaches the outbox that gets the send outcomes. */
void
kannel_set_outbox(struct kannel *k, struct outbox *ob)
{
	k->outbox = ob;
}

/*
 * The outbox may always hand Kannel a message: when Kannel is down the
 * send fails and the message is retried with a backoff.
 */
static int
kannel_is_ready(void *arg)
{
	(void)arg;
	return (1);
}

/*
 * Notes whether the last sendsms was answered; /healthz and /metrics read
 * the result in the status: up while it answers and the port is open.
 */
static void
kannel_set_healthy(struct kannel *k, int healthy)
{
	k->healthy = healthy;
	k->status->kannel_up = k->healthy && !k->status->kannel_unreachable;
}

/*
 * Parses the sendsms URL's host and port for the probe.  No port in the
 * URL: the scheme's.
 */
static void
kannel_probe_init(struct kannel *k)
{
	const char	*host = evhttp_uri_get_host(k->uri);
	const char	*scheme = evhttp_uri_get_scheme(k->uri);
	char		 hostport[128];
	int		 port = evhttp_uri_get_port(k->uri), n;
	int		 len = sizeof(k->probe_ss);

	if (port <= 0)
		port = scheme != NULL && strcasecmp(scheme, "https") == 0 ?
		    443 : 80;
	n = snprintf(hostport, sizeof(hostport), strchr(host, ':') != NULL &&
	    host[0] != '[' ? "[%s]:%d" : "%s:%d", host, port);
	if (n < 0 || (size_t)n >= sizeof(hostport))
		return;
	if (evutil_parse_sockaddr_port(hostport,
	    (struct sockaddr *)&k->probe_ss, &len) == -1) {
		log_info("kannel: sendsms host %s is not a numeric address, "
		    "not probed", host);
		return;
	}
	k->probe_sslen = len;
}

/* Starts one probe of the sendsms port unless one is in flight. */
void
kannel_probe(struct kannel *k)
{
	struct timeval	 tv = { KANNEL_PROBE_WAIT, 0 };
	int		 fd;

	if (k->probe_sslen == 0 || k->probe_fd != -1)
		return;
	fd = socket(k->probe_ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_debug("kannel: probe socket: %s", strerror(errno));
		return;		/* out of fds: not Kannel's fault */
	}
	if (connect(fd, (struct sockaddr *)&k->probe_ss,
	    k->probe_sslen) == 0) {
		close(fd);
		kannel_probe_done(k, 1);
		return;
	}
	if (errno != EINPROGRESS) {
		close(fd);
		kannel_probe_done(k, 0);
		return;
	}
	k->probe_fd = fd;
	k->probe_ev = event_new(k->base, fd, EV_WRITE, kannel_probe_cb, k);
	event_add(k->probe_ev, &tv);
}

static void
kannel_probe_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kannel	*k = arg;
	int		 err = ETIMEDOUT;
	socklen_t	 len = sizeof(err);

	if ((what & EV_WRITE) &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	event_free(k->probe_ev);
	k->probe_ev = NULL;
	close(k->probe_fd);
	k->probe_fd = -1;
	kannel_probe_done(k, err == 0);
}

/* The outcome of a probe: up (1) or down (0). */
static void
kannel_probe_done(struct kannel *k, int up)
{
	int	 n;

	if (!up) {
		if (!k->probe_down)
			log_warnx("kannel: sendsms %s not reachable",
			    k->conf->kannel_sendsms_url);
		k->probe_down = 1;
		k->status->kannel_unreachable = 1;
		kannel_set_healthy(k, k->healthy);
		return;
	}
	k->status->kannel_unreachable = 0;
	kannel_set_healthy(k, k->healthy);
	if (!k->probe_down)
		return;
	k->probe_down = 0;
	n = store_outbox_retry_now(k->router->store, time(NULL));
	log_info("kannel: sendsms reachable again, %d message(s) due now",
	    n > 0 ? n : 0);
	if (k->outbox != NULL)
		outbox_kick(k->outbox);
}

/*
 * Kannel's callbacks are trusted like smsbox itself, so they are taken
 * only from this machine: anyone else could forge a responder's command or
 * a pupil's follow-up.
 */
static int
kannel_from_loopback(struct evhttp_request *req)
{
	struct evhttp_connection	*c = evhttp_request_get_connection(req);
	char				*addr = NULL;
	ev_uint16_t			 port;

	if (c == NULL)
		return (0);
	evhttp_connection_get_peer(c, &addr, &port);
	return (addr != NULL && (strncmp(addr, "127.", 4) == 0 ||
	    strcmp(addr, "::1") == 0 || strncmp(addr, "::ffff:127.", 11) == 0));
}

/*
 * With [kannel] secret_file, a callback must carry token=SECRET in its
 * query string (Kannel's get-url and our dlr-url have it): a proxy on this
 * machine that forwards /kannel/ would otherwise make every caller local.
 * Compared in constant time.
 */
static int
kannel_has_token(struct kannel *k, struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*q = uri != NULL ? evhttp_uri_get_query(uri) :
				    NULL;
	char			 tok[256];
	size_t			 n;
	int			 ok;

	if (k->secret == NULL)
		return (1);
	if (q == NULL || kannel_param(q, "token", tok, sizeof(tok)) == NULL)
		return (0);
	n = strlen(k->secret);
	ok = strlen(tok) == n && sodium_memcmp(tok, k->secret, n) == 0;
	explicit_bzero(tok, sizeof(tok));
	return (ok);
}

/* Serves what is mounted under /kannel/: the MO and the DLR callbacks. */
void
kannel_serve(void *arg, struct evhttp_request *req)
{
	struct kannel		*k = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	struct evbuffer		*b;
	int			 code = 0;
	const char		*reason = NULL;

	if (path == NULL || (strcmp(path, "/kannel/mo") != 0 &&
	    strcmp(path, "/kannel/dlr") != 0)) {
		code = 404;
		reason = "Not Found";
	} else if ((evhttp_request_get_command(req) &
	    (EVHTTP_REQ_GET | EVHTTP_REQ_POST)) == 0) {
		code = 405;
		reason = "Method Not Allowed";
	} else if (!kannel_has_token(k, req) || !kannel_from_loopback(req)) {
		code = 403;
		reason = "Forbidden";
	}
	if (code != 0) {
		b = evbuffer_new();
		evbuffer_add_printf(b, "%d %s\n", code, reason);
		http_reply_text(req, code, reason, b);
		evbuffer_free(b);
	} else if (strcmp(path, "/kannel/mo") == 0)
		kannel_mo(k, req);
	else
		kannel_dlr(k, req);
}

/*
 * Decodes a query-string value (%XX and '+' for a space) into raw bytes;
 * returns a new buffer and its length.
 */
static unsigned char *
kannel_unescape(const char *s, size_t *len)
{
	unsigned char	*out = xmalloc(strlen(s) + 1);
	size_t		 o = 0;
	int		 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			out[o++] = ' ';
		else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hi = isdigit((unsigned char)s[1]) ? s[1] - '0' :
			    (tolower((unsigned char)s[1]) - 'a' + 10);
			lo = isdigit((unsigned char)s[2]) ? s[2] - '0' :
			    (tolower((unsigned char)s[2]) - 'a' + 10);
			out[o++] = (unsigned char)(hi << 4 | lo);
			s += 2;
		} else
			out[o++] = (unsigned char)*s;
	}
	out[o] = '\0';
	*len = o;
	return (out);
}

/* Finds key=value in a raw query string and returns the raw value. */
static const char *
kannel_param(const char *query, const char *key, char *buf, size_t bufsz)
{
	size_t		 klen = strlen(key);
	const char	*p = query, *e;

	while (p != NULL && *p != '\0') {
		e = strchr(p, '&');
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t	 n = (e ? (size_t)(e - p) : strlen(p)) - klen - 1;

			if (n >= bufsz)
				n = bufsz - 1;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return (buf);
		}
		p = e ? e + 1 : NULL;
	}
	return (NULL);
}

/*
 * Parses one Kannel MO (the raw query, and for a POST its body and
 * headers' values already folded into the query by the caller) into an
 * sms_in.  Pure, so that it can be fuzzed.  Returns 0, or -1 with why.
 */
int
kannel_parse_mo(const char *query, const unsigned char *body, size_t bodylen,
    struct sms_in *sms, const char **why)
{
	char		 v[TEXT_MAX * 3 + 1], charset[32] = "", coding[8] = "";
	unsigned char	*raw = NULL;
	size_t		 n = 0;
	char		*text;

	memset(sms, 0, sizeof(*sms));
	sms->transport = "kannel";
	sms->concat_ref = -1;
	sms->parts_total = 1;
	if (kannel_param(query, "from", v, sizeof(v)) == NULL || v[0] == '\0') {
		*why = "missing from";
		return (-1);
	}
	raw = kannel_unescape(v, &n);
	if (n == 0 || n >= sizeof(sms->sender) || !utf8_is_valid((char *)raw,
	    n)) {
		free(raw);
		*why = "bad from";
		return (-1);
	}
	memcpy(sms->sender, raw, n + 1);
	free(raw);
	/* Kannel's id stands where the modem's SMSC number stands. */
	if (kannel_param(query, "id", v, sizeof(v)) != NULL) {
		raw = kannel_unescape(v, &n);
		if (n < sizeof(sms->smsc) && utf8_is_valid((char *)raw, n))
			memcpy(sms->smsc, raw, n + 1);
		free(raw);
	}
	if (kannel_param(query, "ts", v, sizeof(v)) != NULL)
		sms->smsc_time = strtoll(v, NULL, 10);
	if (kannel_param(query, "charset", v, sizeof(v)) != NULL) {
		raw = kannel_unescape(v, &n);
		(void)strlcpy_checked(charset, (char *)raw, sizeof(charset));
		free(raw);
	}
	if (kannel_param(query, "coding", v, sizeof(v)) != NULL)
		(void)strlcpy_checked(coding, v, sizeof(coding));

	if (body != NULL) {
		raw = xmalloc(bodylen + 1);
		memcpy(raw, body, bodylen);
		raw[bodylen] = '\0';
		n = bodylen;
	} else if (kannel_param(query, "text", v, sizeof(v)) != NULL)
		raw = kannel_unescape(v, &n);
	else {
		raw = (unsigned char *)xstrdup("");
		n = 0;
	}
	if (n > TEXT_MAX) {
		free(raw);
		*why = "text too long";
		return (-1);
	}
	if (strcasecmp(charset, "UTF-16BE") == 0 ||
	    strcasecmp(charset, "UCS-2") == 0 ||
	    strcasecmp(charset, "UCS2") == 0)
		text = form_utf16be_decode(raw, n);
	else if (strcmp(coding, "1") == 0) {
		/* 8-bit data: kept as hex, like the modem does. */
		size_t	 i;

		text = xmalloc(n * 2 + 1);
		for (i = 0; i < n; i++)
			(void)snprintf(text + 2 * i, 3, "%02x", raw[i]);
		text[2 * n] = '\0';
		sms->flags |= SMS_F_BINARY;
	} else
		text = utf8_sanitize((char *)raw, n);
	free(raw);
	sms->nparts = 1;
	sms->parts = xcalloc(1, sizeof(*sms->parts));
	sms->parts[0].partno = 1;
	sms->parts[0].text = text;
	sms->parts[0].smsc_time = sms->smsc_time;
	return (0);
}

/*
 * Serves /kannel/mo: parses the MO now (a bad one is refused at once) and
 * queues it; kannel_flush commits the queue in one transaction and only
 * then answers.  The flush comes when the queue reaches its cap, or from
 * a zero timer, which the loop runs after every request that was ready
 * with this one: under load a batch gathers what arrived together, and a
 * lone MO waits no longer than one turn of the loop.
 */
static void
kannel_mo(struct kannel *k, struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq	*hin = evhttp_request_get_input_headers(req);
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct evbuffer		*out;
	struct kannel_mo	*m;
	struct timeval		 zero = { 0, 0 };
	const char		*q = uri ? evhttp_uri_get_query(uri) : NULL;
	const char		*why = NULL, *h;
	char			*query = NULL;
	unsigned char		*body = NULL;
	size_t			 bodylen = 0;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
		/* POST: the body is the text, the rest in X-Kannel-* headers. */
		static const struct { const char *hdr, *key; } map[] = {
			{ "X-Kannel-From", "from" }, { "X-Kannel-To", "to" },
			{ "X-Kannel-Coding", "coding" },
			{ "X-Kannel-Charset", "charset" },
			{ "X-Kannel-SMSC", "smsc" }, { "X-Kannel-ID", "id" },
			{ "X-Kannel-Time", "ts" },
		};
		size_t	 i;
		char	*esc, *t;

		query = xstrdup(q ? q : "");
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if ((h = evhttp_find_header(hin, map[i].hdr)) == NULL)
				continue;
			esc = evhttp_encode_uri(h);
			xasprintf(&t, "%s&%s=%s", query, map[i].key, esc);
			free(esc);
			free(query);
			query = t;
		}
		bodylen = evbuffer_get_length(in);
		body = xmalloc(bodylen + 1);
		evbuffer_remove(in, body, bodylen);
		q = query;
	}
	m = xcalloc(1, sizeof(*m));
	if (kannel_parse_mo(q ? q : "", body, bodylen, &m->sms, &why) == -1) {
		log_warnx("kannel: MO refused: %s", why);
		out = evbuffer_new();
		evbuffer_add_printf(out, "400 %s\n", why);
		http_reply_text(req, 400, "Bad Request", out);
		evbuffer_free(out);
		free(m);
		goto done;
	}
	m->req = req;
	TAILQ_INSERT_TAIL(&k->queue, m, entry);
	if (++k->nqueued >= k->batch_max)
		kannel_flush(k);
	else if (!evtimer_pending(k->flush_ev, NULL))
		evtimer_add(k->flush_ev, &zero);
done:
	free(query);
	free(body);
}

static void
kannel_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	kannel_flush(arg);
}

/*
 * Commits the queued MOs in one transaction, each through the router as
 * before (its dedup sees the earlier ones of the same batch, so one id
 * twice is one message), and answers them: 200 only once the COMMIT has
 * returned, 503 to every one when the batch is not committed.  One MO the
 * router refuses (its savepoint undone) gets 503 alone.  The crash
 * point, counters and the outbox kick (router_tally) come after the
 * commit, before the answers.
 */
static void
kannel_flush(struct kannel *k)
{
	struct kannel_mos	 batch;
	struct kannel_mo	*m;
	struct router_result	 res;
	struct evbuffer		*out;
	struct store		*st = k->router->store;
	int64_t			 now = time(NULL);
	int			 ok, n = k->nqueued, failed = 0, stored = 0;
	int			 dup = 0;
	char			*fail;

	if (n == 0)
		return;
	evtimer_del(k->flush_ev);
	TAILQ_INIT(&batch);
	TAILQ_CONCAT(&batch, &k->queue, entry);
	k->nqueued = 0;

	fail = xcalloc((size_t)n, 1);
	ok = store_batch_begin(st) == 0;
	if (ok) {
		int	 i = 0;

		TAILQ_FOREACH(m, &batch, entry) {
			if (router_receive(k->router, &m->sms, now,
			    &res) == -1) {
				fail[i] = 1;
				failed++;
				if (!store_batch_alive(st)) {
					ok = 0;
					break;
				}
			} else if (res.duplicate)
				dup++;
			else
				stored++;
			i++;
		}
		if (ok)
			ok = store_batch_commit(st) == 0;
		else
			store_batch_rollback(st);
	}
	if (!ok) {
		log_warnx("kannel: batch of %d not stored, answered 503", n);
		failed = n;
		dup = stored = 0;
	}
	router_tally(k->router, "kannel", stored, dup, failed);

	out = evbuffer_new();
	{
		int	 i = 0;

		while ((m = TAILQ_FIRST(&batch)) != NULL) {
			TAILQ_REMOVE(&batch, m, entry);
			if (!ok || fail[i]) {
				/* Not stored: Kannel keeps it, tries again. */
				evbuffer_add_printf(out,
				    "503 not stored, try again\n");
				http_reply_text(m->req, 503,
				    "Service Unavailable", out);
			} else {
				evbuffer_add_printf(out, "ok\n");
				http_reply_text(m->req, 200, "OK", out);
			}
			evbuffer_drain(out, evbuffer_get_length(out));
			sms_in_free(&m->sms);
			free(m);
			i++;
		}
	}
	evbuffer_free(out);
	free(fail);

	log_info("kannel batch mos=%d stored=%d duplicates=%d failed=%d", n,
	    stored, dup, failed);
}

/*
 * Serves /kannel/dlr?id=OUTBOX&status=%d.  Kannel's status is a bit set:
 * 1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC, 16 rejected
 * by the SMSC.  Only final states (1, 2, 16) are written.
 */
static void
kannel_dlr(struct kannel *k, struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*q = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evbuffer		*out = evbuffer_new();
	char			 v[32];
	int64_t			 id = 0;
	int			 st = 0;

	if (q != NULL && kannel_param(q, "id", v, sizeof(v)) != NULL)
		id = strtoll(v, NULL, 10);
	if (q != NULL && kannel_param(q, "status", v, sizeof(v)) != NULL)
		st = atoi(v);
	if (id <= 0 || st <= 0) {
		evbuffer_add_printf(out, "400 id and status needed\n");
		http_reply_text(req, 400, "Bad Request", out);
	} else {
		if (st & 1)
			outbox_delivery_id(k->outbox, id, 1, st);
		else if (st & (2 | 16))
			outbox_delivery_id(k->outbox, id, 0, st);
		evbuffer_add_printf(out, "ok\n");
		http_reply_text(req, 200, "OK", out);
	}
	evbuffer_free(out);
}

/* Appends key=escaped(value) to a query string. */
static void
kannel_add(struct evbuffer *b, const char *key, const char *value)
{
	char	*esc = evhttp_encode_uri(value);

	evbuffer_add_printf(b, "%s%s=%s", evbuffer_get_length(b) ? "&" : "",
	    key, esc);
	free(esc);
}

/* Sends one message through sendsms; the outcome reaches the outbox. */
static void
kannel_send(void *arg, const struct sms_out *o)
{
	struct kannel		*k = arg;
	struct kannel_send	*ks;
	struct evhttp_request	*req;
	struct evbuffer		*q = evbuffer_new();
	const char		*host = evhttp_uri_get_host(k->uri);
	const char		*path = evhttp_uri_get_path(k->uri);
	char			*dlr = NULL, *target = NULL, ascii;
	const char		*p;
	int			 port = evhttp_uri_get_port(k->uri);

	for (ascii = 1, p = o->text; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	if (k->conf->kannel_username != NULL)
		kannel_add(q, "username", k->conf->kannel_username);
	kannel_add(q, "password", k->password);
	if (k->conf->kannel_from != NULL)
		kannel_add(q, "from", k->conf->kannel_from);
	kannel_add(q, "to", o->number);
	kannel_add(q, "text", o->text);
	kannel_add(q, "charset", "UTF-8");
	kannel_add(q, "coding", ascii && o->charset != CHARSET_UCS2 ? "0" :
	    "2");
	if (k->conf->kannel_dlr_url != NULL) {
		/* The token is URL-safe (checked when read). */
		xasprintf(&dlr, "%s%sid=%lld&status=%%d%s%s",
		    k->conf->kannel_dlr_url,
		    strchr(k->conf->kannel_dlr_url, '?') ? "&" : "?",
		    (long long)o->id, k->secret != NULL ? "&token=" : "",
		    k->secret != NULL ? k->secret : "");
		kannel_add(q, "dlr-mask", "31");
		kannel_add(q, "dlr-url", dlr);
		free(dlr);
	}
	xasprintf(&target, "%s?", path && *path ? path : "/cgi-bin/sendsms");
	{
		size_t	 n = evbuffer_get_length(q);
		char	*t;

		t = xmalloc(strlen(target) + n + 1);
		memcpy(t, target, strlen(target));
		evbuffer_remove(q, t + strlen(target), n);
		t[strlen(target) + n] = '\0';
		free(target);
		target = t;
	}
	evbuffer_free(q);

	ks = xcalloc(1, sizeof(*ks));
	ks->k = k;
	ks->id = o->id;
	ks->conn = evhttp_connection_base_new(k->base, NULL, host,
	    (ev_uint16_t)(port > 0 ? port : 80));
	evhttp_connection_set_timeout(ks->conn, KANNEL_TIMEOUT);
	req = evhttp_request_new(kannel_sent_cb, ks);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", host);
	if (evhttp_make_request(ks->conn, req, EVHTTP_REQ_GET, target) != 0) {
		/* The request is freed by libevent on failure. */
		evhttp_connection_free(ks->conn);
		free(ks);
		free(target);
		kannel_set_healthy(k, 0);
		outbox_sent(k->outbox, o->id, SEND_TEMPFAIL, 0, -1,
		    "kannel: request failed");
		return;
	}
	TAILQ_INSERT_TAIL(k->sends, ks, entry);
	explicit_bzero(target, strlen(target));
	free(target);
}

static void
kannel_free_conn_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evhttp_connection_free(arg);
}

static void
kannel_sent_cb(struct evhttp_request *req, void *arg)
{
	struct kannel_send	*ks = arg;
	struct kannel		*k = ks->k;
	char			 why[160], body[120] = "";
	struct evbuffer		*in;
	int			 code = req ? evhttp_request_get_response_code(req) : 0;
	size_t			 n;

	if (req != NULL && (in = evhttp_request_get_input_buffer(req)) != NULL) {
		n = evbuffer_copyout(in, body, sizeof(body) - 1);
		body[n > 0 ? n : 0] = '\0';
		body[strcspn(body, "\r\n")] = '\0';
	}
	if (code == 0) {
		kannel_set_healthy(k, 0);
		outbox_sent(k->outbox, ks->id, SEND_TEMPFAIL, 0, -1,
		    "kannel: no answer");
	} else if (code >= 200 && code < 300) {
		kannel_set_healthy(k, 1);
		outbox_sent(k->outbox, ks->id, SEND_OK, 1, -1, NULL);
	} else {
		kannel_set_healthy(k, 1);
		(void)snprintf(why, sizeof(why), "kannel: HTTP %d %s", code,
		    body);
		outbox_sent(k->outbox, ks->id, code >= 400 && code < 500 ?
		    SEND_PERMFAIL : SEND_TEMPFAIL, 0, -1, why);
	}
	/* The connection cannot be freed inside its own callback. */
	event_base_once(k->base, -1, EV_TIMEOUT, kannel_free_conn_cb,
	    ks->conn, NULL);
	TAILQ_REMOVE(k->sends, ks, entry);
	free(ks);
}
