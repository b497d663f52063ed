/*
 * tinbao: the HTTP listener's connections: a cap, deadlines, accept
 * back-off, and who a request comes from.
 *
 * evhttp accepts and reads requests by itself; its timeout restarts with
 * every byte, it accepts until descriptors run out, and then libevent's
 * listener retries accept() in a busy loop and logs every failure.  A
 * thousand slowly trickling connections stopped all HTTP that way.  This
 * file keeps evhttp but watches every connection it makes:
 *
 *   - a cap on connections, below the descriptor limit with headroom left
 *     for the database, the modem, Kannel's client and the log;
 *   - a deadline for a connection's first request (headers and body)
 *     that no byte restarts, and HTTPCONN_IDLE from each answer to the
 *     end of the next request on a kept-alive connection;
 *   - at the cap, the oldest connection still reading a request gives its
 *     place to the new one: a request that completes takes milliseconds,
 *     so /healthz and Kannel's callbacks get through a flood, while the
 *     flood's connections go first;
 *   - accept() failing (EMFILE, ENFILE, ENOBUFS) pauses the listener for
 *     HTTPCONN_PAUSE_MS instead of spinning, and the condition is logged
 *     once a minute with a count.
 *
 * DESIGN.  evhttp makes each connection's bufferevent through the callback
 * set by evhttp_set_bevcb: that is where a connection is first seen.  The
 * evhttp_connection around it exists once evhttp_set_bevcb's caller
 * returns, so the new entry waits on a list that an event made active at
 * once resolves, in the same loop iteration: the bufferevent's callback
 * argument is then its connection (libevent sets it so in every 2.x),
 * which gets a close callback, the one place an entry leaves.  Until then
 * the entry holds a reference on the bufferevent, so an evhttp error path
 * cannot free it under us.  A connection still reading is freed at once
 * (no handler holds its request); one whose request is with a handler is
 * only shut down, and evhttp, seeing the error, detaches the request so
 * the handler's late reply is dropped safely.
 *
 * X-Forwarded-For is believed only from [http] trusted_proxy.
 */
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "tinbao.h"

#define HTTPCONN_DEADLINE	10	/* seconds for one request, not reset */
#define HTTPCONN_IDLE		30	/* seconds a kept-alive one may wait */
#define HTTPCONN_BUSY_MAX	60	/* seconds a handler may hold one */
#define HTTPCONN_PAUSE_MS	250	/* listener pause after accept fails */
#define HTTPCONN_LOG_EVERY	60	/* seconds between two lines */
#define HTTPCONN_CAP_MAX	4096
#define HTTPCONN_CAP_MIN	8

enum httpconn_state {
	HTTPCONN_S_NEW,		/* made by evhttp, not yet resolved */
	HTTPCONN_S_READING,	/* reading its first request */
	HTTPCONN_S_IDLE,	/* answered, kept alive for the next one */
	HTTPCONN_S_BUSY,	/* its request is with a handler */
	HTTPCONN_S_CLOSING,	/* shut down, evhttp has yet to free it */
};

struct httpconn_entry {
	TAILQ_ENTRY(httpconn_entry)	 link;
	struct httpconn			*hc;
	struct bufferevent		*bev;	/* held while NEW */
	struct evhttp_connection	*evcon;
	evutil_socket_t			 fd;
	enum httpconn_state		 state;
	int64_t				 since;	/* ms, this state began */
};
TAILQ_HEAD(httpconn_list, httpconn_entry);

struct httpconn {
	LIST_ENTRY(httpconn)	 all;
	struct event_base	*base;
	struct evhttp		*evh;
	struct evconnlistener	*lev;
	struct event		*ev_resolve;
	struct event		*ev_tick;
	struct event		*ev_resume;
	struct httpconn_list	 fresh, reading, idle, busy, closing;
	struct httpconn_entry	**byfd;
	int			 nbyfd;
	int			 n;		/* every entry */
	int			 nlive;		/* reading + idle + busy */
	int			 cap;
	int			 deadline;
	int			 paused;
	/* since the last log line */
	unsigned long		 accept_failed;
	int			 accept_errno;
	unsigned long		 evicted;
	unsigned long		 expired;
	int64_t			 logged_at;	/* ms */
};

static LIST_HEAD(, httpconn) httpconn_all = LIST_HEAD_INITIALIZER(httpconn_all);

static struct bufferevent *httpconn_bev_cb(struct event_base *, void *);
static void	httpconn_resolve_cb(evutil_socket_t, short, void *);
static void	httpconn_tick(evutil_socket_t, short, void *);
static void	httpconn_resume_cb(evutil_socket_t, short, void *);
static void	httpconn_accept_error(struct evconnlistener *, void *);
static void	httpconn_closed_cb(struct evhttp_connection *, void *);
static void	httpconn_done_cb(struct evhttp_request *, void *);
static void	httpconn_enter(struct httpconn_entry *, enum httpconn_state);
static void	httpconn_evict(struct httpconn_entry *);
static void	httpconn_log(struct httpconn *, int);

static int64_t
httpconn_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static struct httpconn_list *
httpconn_list_of(struct httpconn *hc, enum httpconn_state s)
{
	switch (s) {
	case HTTPCONN_S_NEW:
		return (&hc->fresh);
	case HTTPCONN_S_READING:
		return (&hc->reading);
	case HTTPCONN_S_IDLE:
		return (&hc->idle);
	case HTTPCONN_S_BUSY:
		return (&hc->busy);
	default:
		return (&hc->closing);
	}
}

/*
 * Entries past the cap that are not yet evicted (made in one accept
 * round), and connections shut down but not yet freed, may go over the
 * cap a little; this far over it, the listener rests.
 */
static int
httpconn_hard(const struct httpconn *hc)
{
	return (hc->cap + hc->cap / 8 + 4);
}

static int
httpconn_is_live(enum httpconn_state s)
{
	return (s == HTTPCONN_S_READING || s == HTTPCONN_S_IDLE ||
	    s == HTTPCONN_S_BUSY);
}

/* Moves an entry to the tail of its new state's list (oldest first). */
static void
httpconn_enter(struct httpconn_entry *e, enum httpconn_state s)
{
	struct httpconn	*hc = e->hc;
	int		 live_before, live_after;

	live_before = httpconn_is_live(e->state);
	live_after = httpconn_is_live(s);
	TAILQ_REMOVE(httpconn_list_of(hc, e->state), e, link);
	e->state = s;
	e->since = httpconn_now();
	TAILQ_INSERT_TAIL(httpconn_list_of(hc, s), e, link);
	hc->nlive += live_after - live_before;
}

/*
 * The descriptor limit decides the cap: a quarter of it (at least 32) is
 * left for everything else.  TINBAO_HTTP_MAXCONN overrides it, for the
 * test that makes accept() fail on purpose.
 */
static int
httpconn_cap(int *nofile)
{
	struct rlimit	 rl;
	const char	*s;
	long		 lim = 1024, cap;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		lim = (long)rl.rlim_cur;
	if (lim > (1 << 20))
		lim = 1 << 20;
	*nofile = (int)lim;
	cap = lim - (lim / 4 > 32 ? lim / 4 : 32);
	if (cap > HTTPCONN_CAP_MAX)
		cap = HTTPCONN_CAP_MAX;
	if (cap < HTTPCONN_CAP_MIN)
		cap = HTTPCONN_CAP_MIN;
	if ((s = getenv("TINBAO_HTTP_MAXCONN")) != NULL && atoi(s) > 0)
		cap = atoi(s);
	return ((int)cap);
}

/*
 * Starts watching the connections of evh, bound to b.
 */
struct httpconn *
httpconn_new(struct event_base *base, struct evhttp *evh,
    struct evhttp_bound_socket *b)
{
	struct httpconn	*hc;
	struct timeval	 tv = { 1, 0 };

	hc = xcalloc(1, sizeof(*hc));
	hc->base = base;
	hc->evh = evh;
	hc->cap = httpconn_cap(&hc->nbyfd);
	hc->byfd = xcalloc((size_t)hc->nbyfd, sizeof(*hc->byfd));
	hc->deadline = HTTPCONN_DEADLINE;
	TAILQ_INIT(&hc->fresh);
	TAILQ_INIT(&hc->reading);
	TAILQ_INIT(&hc->idle);
	TAILQ_INIT(&hc->busy);
	TAILQ_INIT(&hc->closing);
	hc->ev_resolve = event_new(base, -1, 0, httpconn_resolve_cb, hc);
	hc->ev_resume = evtimer_new(base, httpconn_resume_cb, hc);
	hc->ev_tick = event_new(base, -1, EV_PERSIST, httpconn_tick, hc);
	evtimer_add(hc->ev_tick, &tv);
	evhttp_set_bevcb(evh, httpconn_bev_cb, hc);
	LIST_INSERT_HEAD(&httpconn_all, hc, all);
	if (b != NULL && (hc->lev = evhttp_bound_socket_get_listener(b)) !=
	    NULL)
		evconnlistener_set_error_cb(hc->lev, httpconn_accept_error);
	log_info("http: at most %d connections (descriptors %d), %d s for "
	    "a request", hc->cap, hc->nbyfd, hc->deadline);
	return (hc);
}

/* Stops watching; after evhttp_free, which closed every connection. */
void
httpconn_free(struct httpconn *hc)
{
	struct httpconn_entry	*e;

	if (hc == NULL)
		return;
	while ((e = TAILQ_FIRST(&hc->fresh)) != NULL) {
		TAILQ_REMOVE(&hc->fresh, e, link);
		bufferevent_decref(e->bev);
		free(e);
	}
	/* evhttp_free ran every close callback; anything left is a bug. */
	LIST_REMOVE(hc, all);
	event_free(hc->ev_resolve);
	event_free(hc->ev_resume);
	event_free(hc->ev_tick);
	free(hc->byfd);
	free(hc);
}

/* evhttp's bufferevent for a new connection: the first sight of it. */
static struct bufferevent *
httpconn_bev_cb(struct event_base *base, void *arg)
{
	struct httpconn		*hc = arg;
	struct httpconn_entry	*e;
	struct bufferevent	*bev;

	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) ==
	    NULL)
		return (NULL);		/* evhttp tries its own, and fails */
	bufferevent_incref(bev);
	e = xcalloc(1, sizeof(*e));
	e->hc = hc;
	e->bev = bev;
	e->fd = -1;
	e->state = HTTPCONN_S_NEW;
	e->since = httpconn_now();
	TAILQ_INSERT_TAIL(&hc->fresh, e, link);
	hc->n++;
	event_active(hc->ev_resolve, EV_TIMEOUT, 1);
	/* Far over the cap (evictions not yet done): stop accepting. */
	if (hc->n >= httpconn_hard(hc) && hc->lev != NULL && !hc->paused) {
		evconnlistener_disable(hc->lev);
		hc->paused = 1;
	}
	return (bev);
}

/* Gives each new connection its close callback, then applies the cap. */
static void
httpconn_resolve_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpconn			*hc = arg;
	struct httpconn_entry		*e;
	struct evhttp_connection	*evcon;
	bufferevent_data_cb		 readcb;
	void				*cbarg;

	(void)fd;
	(void)what;
	while ((e = TAILQ_FIRST(&hc->fresh)) != NULL) {
		bufferevent_getcb(e->bev, &readcb, NULL, NULL, &cbarg);
		if (readcb == NULL || cbarg == NULL) {
			/* evhttp freed it already (an error path). */
			TAILQ_REMOVE(&hc->fresh, e, link);
			hc->n--;
			bufferevent_decref(e->bev);
			free(e);
			continue;
		}
		evcon = cbarg;
		e->evcon = evcon;
		e->fd = bufferevent_getfd(e->bev);
		evhttp_connection_set_closecb(evcon, httpconn_closed_cb, e);
		if (e->fd >= 0 && e->fd < hc->nbyfd)
			hc->byfd[e->fd] = e;
		httpconn_enter(e, HTTPCONN_S_READING);
		bufferevent_decref(e->bev);
		e->bev = NULL;
	}
	while (hc->nlive > hc->cap) {
		/* An idle one goes first, else the oldest unfinished. */
		if ((e = TAILQ_FIRST(&hc->idle)) == NULL &&
		    (e = TAILQ_FIRST(&hc->reading)) == NULL)
			break;
		hc->evicted++;
		httpconn_evict(e);
	}
	if (hc->evicted > 0)
		httpconn_log(hc, 0);
}

/*
 * Ends a connection.  One that is reading is freed now; one whose request
 * is with a handler is shut down (evhttp then frees it and detaches the
 * request from it).
 */
static void
httpconn_evict(struct httpconn_entry *e)
{
	if (e->state == HTTPCONN_S_READING || e->state == HTTPCONN_S_IDLE) {
		evhttp_connection_free(e->evcon);	/* runs closed_cb */
		return;
	}
	if (e->state == HTTPCONN_S_BUSY) {
		if (e->fd >= 0)
			(void)shutdown(e->fd, SHUT_RDWR);
		httpconn_enter(e, HTTPCONN_S_CLOSING);
	}
}

/* evhttp frees a connection: the entry goes with it. */
static void
httpconn_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct httpconn_entry	*e = arg;
	struct httpconn		*hc = e->hc;

	(void)evcon;
	if (httpconn_is_live(e->state))
		hc->nlive--;
	TAILQ_REMOVE(httpconn_list_of(hc, e->state), e, link);
	if (e->fd >= 0 && e->fd < hc->nbyfd && hc->byfd[e->fd] == e)
		hc->byfd[e->fd] = NULL;
	hc->n--;
	free(e);
	if (hc->paused && hc->n < httpconn_hard(hc) &&
	    !evtimer_pending(hc->ev_resume, NULL)) {
		evconnlistener_enable(hc->lev);
		hc->paused = 0;
	}
}

/* Finds the entry of a request's connection, or NULL. */
static struct httpconn_entry *
httpconn_find(struct httpconn *hc, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	evutil_socket_t			 fd;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return (NULL);
	fd = bufferevent_getfd(bev);
	if (fd < 0 || fd >= hc->nbyfd || hc->byfd[fd] == NULL ||
	    hc->byfd[fd]->evcon != evcon)
		return (NULL);
	return (hc->byfd[fd]);
}

/*
 * A whole request has been read and goes to its handler: its connection's
 * deadline stops until the answer is written.
 */
void
httpconn_request(struct httpconn *hc, struct evhttp_request *req)
{
	struct httpconn_entry	*e;

	if (hc == NULL || (e = httpconn_find(hc, req)) == NULL ||
	    (e->state != HTTPCONN_S_READING && e->state != HTTPCONN_S_IDLE))
		return;
	httpconn_enter(e, HTTPCONN_S_BUSY);
	evhttp_request_set_on_complete_cb(req, httpconn_done_cb, e);
}

/*
 * The answer is written: the connection may wait for the next request,
 * as long as evhttp's idle timeout used to let it (a client's pool of
 * kept-alive connections, smsbox's among them, expects no less).
 */
static void
httpconn_done_cb(struct evhttp_request *req, void *arg)
{
	struct httpconn_entry	*e = arg;

	(void)req;
	if (e->state == HTTPCONN_S_BUSY)
		httpconn_enter(e, HTTPCONN_S_IDLE);
}

/* Once a second: the deadlines, and the log line when one is due. */
static void
httpconn_tick(evutil_socket_t fd, short what, void *arg)
{
	struct httpconn		*hc = arg;
	struct httpconn_entry	*e;
	int64_t			 now = httpconn_now();

	(void)fd;
	(void)what;
	while ((e = TAILQ_FIRST(&hc->reading)) != NULL &&
	    now - e->since >= (int64_t)hc->deadline * 1000) {
		hc->expired++;
		httpconn_evict(e);
	}
	while ((e = TAILQ_FIRST(&hc->idle)) != NULL &&
	    now - e->since >= (int64_t)HTTPCONN_IDLE * 1000)
		httpconn_evict(e);	/* as evhttp's timeout did: no count */
	while ((e = TAILQ_FIRST(&hc->busy)) != NULL &&
	    now - e->since >= (int64_t)HTTPCONN_BUSY_MAX * 1000) {
		hc->expired++;
		httpconn_evict(e);
	}
	if (hc->paused && hc->n < httpconn_hard(hc) &&
	    !evtimer_pending(hc->ev_resume, NULL)) {
		evconnlistener_enable(hc->lev);
		hc->paused = 0;
	}
	httpconn_log(hc, 0);
}

/*
 * Logs what happened since the last line, at most once a minute (force:
 * now), so that a flood costs one line a minute, not one per connection.
 */
static void
httpconn_log(struct httpconn *hc, int force)
{
	int64_t	 now = httpconn_now();

	if (hc->accept_failed == 0 && hc->evicted == 0 && hc->expired == 0)
		return;
	if (!force && hc->logged_at != 0 &&
	    now - hc->logged_at < HTTPCONN_LOG_EVERY * 1000)
		return;
	if (hc->accept_failed > 0)
		log_warnx("http: accept failed %lu time(s) (%s), listener "
		    "paused %d ms each time; connections=%d cap=%d",
		    hc->accept_failed, strerror(hc->accept_errno),
		    HTTPCONN_PAUSE_MS, hc->n, hc->cap);
	if (hc->evicted > 0 || hc->expired > 0)
		log_warnx("http: connections ended unfinished: %lu at the cap "
		    "(%d), %lu past the %d s deadline; connections=%d",
		    hc->evicted, hc->cap, hc->expired, hc->deadline, hc->n);
	hc->accept_failed = 0;
	hc->evicted = 0;
	hc->expired = 0;
	hc->logged_at = now;
}

/*
 * accept() failed with something else than "try again": out of
 * descriptors or memory.  Retrying at once would spin, so the listener
 * rests; the pending connections wait in the kernel's backlog.
 */
static void
httpconn_accept_error(struct evconnlistener *lev, void *arg)
{
	struct httpconn	*hc;
	struct timeval	 tv = { 0, HTTPCONN_PAUSE_MS * 1000 };
	int		 err = errno;

	/* The listener's argument is evhttp's; find ours by it. */
	LIST_FOREACH(hc, &httpconn_all, all)
		if (hc->evh == arg)
			break;
	if (hc == NULL) {
		evconnlistener_disable(lev);
		return;
	}
	hc->accept_errno = err;
	hc->accept_failed++;
	evconnlistener_disable(lev);
	hc->paused = 1;
	evtimer_add(hc->ev_resume, &tv);
	httpconn_log(hc, 0);
}

static void
httpconn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpconn	*hc = arg;

	(void)fd;
	(void)what;
	if (hc->n < httpconn_hard(hc)) {
		evconnlistener_enable(hc->lev);
		hc->paused = 0;
	} else {
		struct timeval	 tv = { 0, HTTPCONN_PAUSE_MS * 1000 };

		evtimer_add(hc->ev_resume, &tv);
	}
}

/*
 * Copies the address a request comes from into buf: the peer, or, when
 * the peer is trusted_proxy ([http] trusted_proxy, NULL: none), the last
 * address of X-Forwarded-For (the one that proxy added; earlier ones the
 * client could have forged).
 */
void
httpconn_client_addr(struct evhttp_request *req, const char *trusted_proxy,
    char *buf, size_t bufsz)
{
	struct evhttp_connection	*conn;
	const char			*xff, *last;
	char				*peer = NULL;
	ev_uint16_t			 port;
	size_t				 n;

	buf[0] = '\0';
	if ((conn = evhttp_request_get_connection(req)) == NULL)
		return;
	evhttp_connection_get_peer(conn, &peer, &port);
	if (peer == NULL)
		return;
	(void)strlcpy_checked(buf, peer, bufsz);
	if (trusted_proxy == NULL || strcmp(peer, trusted_proxy) != 0)
		return;
	xff = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Forwarded-For");
	if (xff == NULL)
		return;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	last += strspn(last, " \t");
	n = strcspn(last, " \t");
	if (n == 0 || n >= bufsz || n >= 64 ||
	    strspn(last, "0123456789abcdefABCDEF.:") < n)
		return;
	memcpy(buf, last, n);
	buf[n] = '\0';
}
