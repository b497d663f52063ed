/*
 * tinbao: `tinbao serve`, the gateway's event loop.
 *
 * The main thread runs one libevent loop.  It owns the store (every SQLite
 * call happens here) and the outbox; each modem's worker thread owns its
 * libGammu state machine (one per [gammuN]: a SIM pool, SPEC section 3).
 * Every modem's SMS go through the same router, with the same dedup key,
 * and each modem is a transport of its own for the outbox; its state,
 * signal and credit are kept per modem, and a SIM whose credit is below
 * balance_threshold is held out of the outbox's rotation until a later
 * check finds it topped up.
 * Signals arrive through evsignal events only: SIGTERM and SIGINT stop the
 * loop gracefully (the worker finishes the operation in hand and the queue
 * state is already in the database), SIGHUP reloads what can be reloaded.
 * One housekeeping timer runs the periodic tasks.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>

#include "tinbao.h"

#define SERVER_TICK	1	/* seconds between housekeeping runs */
#define SERVER_STOP_GRACE 60	/* seconds the worker has to stop */
#define SERVER_DISK_LOW	(1024 * 1024)	/* bytes: below this, "disk is full" */
#define SERVER_PROBE_EVERY 3	/* ticks between probes of Kannel's sendsms */

struct server;

/* One modem of the pool, the argument of its callbacks. */
struct server_modem {
	struct server		*sv;
	struct modem		*modem;
	const struct modem_conf	*mc;
	struct modem_status	*st;		/* in sv->status.modems */
	int64_t			 down_since;	/* not up since, or 0 */
	int			 down_alarmed;
	int			 stopped;
};

struct server {
	struct event_base	*base;
	struct config		*conf;
	struct secret		 secret;
	struct store		*store;
	struct router		 router;
	struct classifier	*classifier;
	struct outbox		*outbox;
	struct server_modem	 modems[MODEM_MAX];
	int			 nmodems;
	struct carrier_table	*carriers;	/* [tinbao] carriers, or NULL */
	struct http		*http;
	struct kannel		*kannel;
	struct ussd		*ussd;
	struct web		*web;
	struct api		*api;
	struct httpctx		 hctx;
	struct sdnotify		*sdnotify;
	struct status		 status;
	int			 stopping;
	struct event		*ev_grace;
	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
	struct event		*ev_tick;
	uint64_t		 ticks;
};

static void	server_recv(struct sms_in *, void *);
static void	server_sent(int64_t, int, int, int, const char *, void *);
static void	server_modem_state(enum modem_state, const char *, void *);
static void	server_dlr(int, int, void *);
static void	server_parts(int64_t, const int *, int, void *);
static void	server_health(int, int, int, const char *, void *);
static void	server_ussd(const char *, void *);
static void	server_signal(evutil_socket_t, short, void *);
static void	server_tick(evutil_socket_t, short, void *);
static void	server_grace(evutil_socket_t, short, void *);
static void	server_reload(struct server *);
static void	server_store_reason(struct server *);
static int	server_check_config(const struct config *);
static int	server_open_store(struct server *);
static void	server_events(struct server *);
static void	server_start_modem(struct server *);
static void	server_start_http(struct server *);
static void	server_http_readers(struct server *);
static void	server_notify_ready(struct server *);
static void	server_teardown(struct server *);
static void	server_modem_alarm(struct server_modem *);
static void	server_pool_state(struct server *);

/*
 * Says why commits fail, for /healthz: the database's file system full (of
 * bytes or of inodes) or read-only, or else only that they fail (the log
 * has SQLite's words).  SQLite's own error is gone by now (the rollback
 * replaced it), and the file system is what the operator must fix anyway.
 */
static void
server_store_reason(struct server *sv)
{
	struct statvfs	 vfs;
	char		*dir, *slash;
	const char	*why = "see the log";
	char		 buf[sizeof(sv->status.store_detail)];

	/* The folder, not the file: the file may be what cannot be made. */
	dir = xstrdup(sv->conf->database);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (statvfs(slash != NULL ? dir : ".", &vfs) == 0) {
		if (vfs.f_flag & ST_RDONLY)
			why = "read-only file system";
		else if ((unsigned long long)vfs.f_bavail * vfs.f_frsize <
		    SERVER_DISK_LOW) {
			(void)snprintf(buf, sizeof(buf), "disk is full (%llu KiB "
			    "free for the database)",
			    (unsigned long long)vfs.f_bavail * vfs.f_frsize /
			    1024);
			why = buf;
		} else if (vfs.f_files > 0 && vfs.f_favail == 0)
			why = "disk is full (no free inodes)";
	}
	(void)strlcpy_checked(sv->status.store_detail, why,
	    sizeof(sv->status.store_detail));
	free(dir);
}

/* An incoming SMS from a worker: commit it, then let the worker delete it. */
static void
server_recv(struct sms_in *sms, void *arg)
{
	struct server_modem	*sm = arg;
	struct server		*sv = sm->sv;
	struct router_result	 res;

	if (router_receive(&sv->router, sms, time(NULL), &res) == -1) {
		/* Not committed: the message stays on the phone. */
		router_tally(&sv->router, "sms", 0, 0, 1);
		server_store_reason(sv);
		log_warnx("sms token=%llu not stored, left on the modem "
		    "modem=%s store=\"%s\"", (unsigned long long)sms->token,
		    sm->st->name, sv->status.store_detail);
		modem_confirm(sm->modem, sms->token, 0);
		return;
	}
	/* The crash point, counters and outbox first: then the delete. */
	router_tally(&sv->router, "sms", !res.duplicate, res.duplicate, 0);
	if (!res.duplicate)
		sm->st->received++;
	modem_confirm(sm->modem, sms->token, 1);
}

static void
server_sent(int64_t id, int result, int parts, int mr, const char *error,
    void *arg)
{
	struct server_modem	*sm = arg;

	outbox_sent(sm->sv->outbox, id, result, parts, mr, error);
}

static void
server_parts(int64_t id, const int *refs, int n, void *arg)
{
	struct server_modem	*sm = arg;

	outbox_parts(sm->sv->outbox, id, sm->st->name, refs, n);
}

/* A delivery report: references are the SIM's own, so per modem. */
static void
server_dlr(int reference, int status, void *arg)
{
	struct server_modem	*sm = arg;

	outbox_delivery_on(sm->sv->outbox, sm->st->name, reference, status);
}

static void
server_health(int dbm, int pct, int reg, const char *op, void *arg)
{
	struct server_modem	*sm = arg;
	struct server		*sv = sm->sv;

	sm->st->signal_dbm = dbm;
	sm->st->signal_pct = pct;
	sm->st->registration = reg;
	(void)strlcpy_checked(sm->st->operator_name, op,
	    sizeof(sm->st->operator_name));
	/* The gateway-wide lines (/healthz, one modem): the first modem. */
	if (sm == &sv->modems[0]) {
		sv->status.signal_dbm = dbm;
		sv->status.signal_pct = pct;
		sv->status.registration = reg;
		(void)strlcpy_checked(sv->status.operator_name, op,
		    sizeof(sv->status.operator_name));
	}
	log_debug("%s: signal=%ddBm (%d%%) registration=%d operator=\"%s\"",
	    sm->st->name, dbm, pct, reg, op);
}

/*
 * The carrier's answer to the credit check: kept for the operator, and an
 * alarm to the admins, once a day, when the credit is below the threshold.
 */
static void
server_ussd(const char *reply, void *arg)
{
	struct server_modem	*sm = arg;
	struct server		*sv = sm->sv;
	long long		 credit;
	char			 valid[32], text[200], today[16], last[16] = "";
	char			 why[64], key[32], sim[24] = "";
	time_t			 now = time(NULL);
	struct tm		 tm;
	int			 first = sm == &sv->modems[0];

	/* The first modem keeps the single-modem keys and texts. */
	if (!first)
		(void)snprintf(sim, sizeof(sim), " %s", sm->st->name);
	if (first)
		(void)strlcpy_checked(sv->status.ussd_reply, reply,
		    sizeof(sv->status.ussd_reply));
	(void)snprintf(key, sizeof(key), "ussd_last%s%s", first ? "" : "_",
	    first ? "" : sm->st->name);
	(void)store_meta_set(sv->store, key, reply);
	if (credit_parse(reply, &credit, valid, sizeof(valid)) == -1) {
		log_warnx("%s: credit not found in the USSD reply",
		    sm->st->name);
		return;
	}
	sm->st->credit = credit;
	(void)strlcpy_checked(sm->st->credit_valid, valid,
	    sizeof(sm->st->credit_valid));
	if (first) {
		sv->status.credit = credit;
		(void)strlcpy_checked(sv->status.credit_valid, valid,
		    sizeof(sv->status.credit_valid));
	}
	log_info("%s: credit=%lld valid=%s", sm->st->name, credit,
	    valid[0] ? valid : "-");
	if (credit >= sv->conf->balance_threshold) {
		outbox_hold(sv->outbox, sm->st->slot, NULL);
		return;
	}
	/* Out of rotation while another SIM can send; back once topped up. */
	(void)snprintf(why, sizeof(why), "credit %lld VND below %d", credit,
	    sv->conf->balance_threshold);
	outbox_hold(sv->outbox, sm->st->slot, why);
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	(void)snprintf(key, sizeof(key), "credit_alarm%s%s", first ? "" : "_",
	    first ? "" : sm->st->name);
	if (store_meta_get(sv->store, key, last, sizeof(last)) == 1 &&
	    strcmp(last, today) == 0)
		return;
	(void)snprintf(text, sizeof(text), "TINBAO: tai khoan SIM%s con %lld d "
	    "(duoi %d d)%s%s. Nap them the de duong day khong bi gian doan.",
	    sim, credit, sv->conf->balance_threshold,
	    valid[0] ? ", HSD " : "", valid);
	if (route_alarm(sv->store, text, now) >= 0)
		(void)store_meta_set(sv->store, key, today);
	outbox_kick(sv->outbox);
}

/*
 * The gateway-wide modem state for /healthz and the single-modem lines:
 * up when any modem is up, else the first modem's state and reason.
 */
static void
server_pool_state(struct server *sv)
{
	int	 i;

	sv->status.modem_state = sv->modems[0].st->state;
	(void)strlcpy_checked(sv->status.modem_detail,
	    sv->modems[0].st->detail, sizeof(sv->status.modem_detail));
	for (i = 0; i < sv->nmodems; i++)
		if (sv->modems[i].st->state == MODEM_S_UP)
			sv->status.modem_state = MODEM_S_UP;
}

static void
server_modem_state(enum modem_state state, const char *detail, void *arg)
{
	struct server_modem	*sm = arg;
	struct server		*sv = sm->sv;
	int			 i;

	if (state == MODEM_S_STOPPED) {
		sm->stopped = 1;
		for (i = 0; i < sv->nmodems; i++)
			if (!sv->modems[i].stopped)
				return;
		event_base_loopexit(sv->base, NULL);
		return;
	}
	if (state != sm->st->state)
		log_info("%s: state %s -> %s%s%s", sm->st->name,
		    modem_state_name(sm->st->state), modem_state_name(state),
		    detail[0] ? " reason=" : "", detail);
	sm->st->state = state;
	if (state == MODEM_S_UP) {
		if (sm->down_alarmed)
			log_info("%s: back after an alarm", sm->st->name);
		sm->down_since = 0;
		sm->down_alarmed = 0;
	} else if (sm->down_since == 0)
		sm->down_since = time(NULL);
	/* Keep the last reason through "connecting" for the operator. */
	if (detail[0] != '\0' || state == MODEM_S_UP)
		(void)strlcpy_checked(sm->st->detail, detail,
		    sizeof(sm->st->detail));
	server_pool_state(sv);
	/* The modem is a transport again: what waits may go. */
	if (state == MODEM_S_UP && !sv->stopping)
		outbox_kick(sv->outbox);
}

/* A modem gone longer than modem_alarm_after: tell the admins, once. */
static void
server_modem_alarm(struct server_modem *sm)
{
	struct server	*sv = sm->sv;
	char		 text[200];
	const char	*name = sv->nmodems > 1 ? sm->st->name : "modem";

	if (sm->down_since == 0 || sm->down_alarmed || sv->stopping ||
	    time(NULL) - sm->down_since < sv->conf->modem_alarm_after)
		return;
	(void)snprintf(text, sizeof(text), "TINBAO: mat ket noi %s "
	    "tu %lld giay (%.60s). Kiem tra USB, SIM, nguon dien.", name,
	    (long long)(time(NULL) - sm->down_since),
	    sm->st->detail[0] ? sm->st->detail : "khong ro");
	text_gsm7_safe(text);
	if (route_alarm(sv->store, text, time(NULL)) >= 0)
		sm->down_alarmed = 1;
	outbox_kick(sv->outbox);
}

/*
 * Reloads the keyword tables, the school directory and the carrier
 * prefixes.  The new classifier replaces the old one only when it built; a
 * broken row keeps the old one.
 */
static void
server_reload(struct server *sv)
{
	struct classifier	*c;

	if ((c = classification_load(sv->store)) == NULL) {
		log_warnx("reload failed: keeping the previous keyword tables");
		return;
	}
	classification_free(sv->classifier);
	sv->classifier = c;
	sv->router.classifier = c;
	log_info("reload: keyword tables and schools loaded");
	/* The carrier prefixes too: a file with errors keeps the old table. */
	if (sv->conf->carriers != NULL) {
		struct carrier_table	*t;

		if ((t = carrier_table_load(sv->conf->carriers, stderr)) ==
		    NULL) {
			log_warnx("reload: %s has errors, keeping the previous "
			    "carrier prefixes", sv->conf->carriers);
			return;
		}
		outbox_set_carriers(sv->outbox, t);
		carrier_table_free(sv->carriers);
		sv->carriers = t;
		log_info("reload: carrier prefixes loaded from %s",
		    sv->conf->carriers);
	}
}

static void
server_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server	*sv = arg;
	struct timeval	 grace = { SERVER_STOP_GRACE, 0 };
	int		 i;

	(void)what;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (sv->stopping)
			break;
		sv->stopping = 1;
		log_info("signal=%d stopping", (int)sig);
		(void)sdnotify_send(sv->sdnotify, "STOPPING=1");
		/* Let the worker finish what it holds, then leave the loop. */
		outbox_stop(sv->outbox);
		if (sv->nmodems == 0) {
			event_base_loopexit(sv->base, NULL);
			break;
		}
		for (i = 0; i < sv->nmodems; i++)
			modem_request_stop(sv->modems[i].modem);
		evtimer_add(sv->ev_grace, &grace);
		break;
	case SIGHUP:
		log_info("signal=HUP reloading");
		log_setverbose(sv->conf->log_verbose);
		server_reload(sv);
		break;
	}
}

static void
server_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server	*sv = arg;
	int		 n, i;

	(void)fd;
	(void)what;
	/*
	 * The loop is alive: tell systemd's watchdog.  Sent from the tick, not
	 * from a thread of its own, so that a stalled loop stops the pings.
	 */
	(void)sdnotify_send(sv->sdnotify, "WATCHDOG=1");
	/* Every second: escalations that have come due, then retries. */
	if ((n = route_escalate(sv->store, sv->conf, time(NULL))) > 0)
		sv->status.escalations += n;
	/* Responders told of the reports joined to their incident. */
	if (incident_updates(sv->store, sv->conf, time(NULL)) > 0)
		outbox_kick(sv->outbox);
	/* The triage net: staff accused?  Untriaged too long?  Notices. */
	if ((n = triage_tick(sv->store, sv->conf, time(NULL))) > 0)
		sv->status.escalations += n;
	if (sv->kannel != NULL && !sv->stopping &&
	    sv->ticks % SERVER_PROBE_EVERY == 0)
		kannel_probe(sv->kannel);
	/* A worker stuck inside libGammu (a modem gone silent): abort it. */
	for (i = 0; i < sv->nmodems && !sv->stopping; i++)
		(void)modem_watchdog(sv->modems[i].modem);
	/* Commits failing (any transport): keep the reason current. */
	if (sv->status.store_errors_recent > 0)
		server_store_reason(sv);
	else
		sv->status.store_detail[0] = '\0';
	/* A modem gone too long: tell the admins, once per outage. */
	for (i = 0; i < sv->nmodems; i++)
		server_modem_alarm(&sv->modems[i]);
	/* Every 30 seconds: the daily digest and the retention purge. */
	if (sv->ticks++ % 30 == 0) {
		(void)route_digest(sv->store, sv->conf, time(NULL));
		(void)commune_tick(sv->store, sv->conf,
		    time_schedule(time(NULL)));
		(void)plans_tick(sv->store, sv->conf,
		    time_schedule(time(NULL)));
		/* A row left 'sending' because an outcome could not be saved. */
		if ((n = outbox_recover(sv->outbox)) > 0)
			log_warnx("outbox: %d message(s) requeued", n);
	}
	/* Quiet hours hold the awareness messages (broadcast.c). */
	(void)broadcast_tick(sv->store, sv->conf, time_schedule(time(NULL)));
	outbox_kick(sv->outbox);
}

static void
server_grace(evutil_socket_t fd, short what, void *arg)
{
	struct server	*sv = arg;

	(void)fd;
	(void)what;
	event_base_loopexit(sv->base, NULL);
}

/* Refuses a configuration with nothing to serve; 0 or -1, logged. */
static int
server_check_config(const struct config *conf)
{
	if (!conf->has_gammu && !conf->has_kannel) {
		log_warnx("config=%s has neither [gammu] nor [kannel]: no "
		    "transport to serve", conf->path);
		return (-1);
	}
	if (conf->has_kannel && conf->http_listen == NULL) {
		log_warnx("config=%s has [kannel] but no [http] listen: Kannel "
		    "could not reach tinbao", conf->path);
		return (-1);
	}
	return (0);
}

/*
 * Opens the store and checks it, requeues what a stop left 'sending',
 * and sets up the router with its classifier.  0, or -1 (logged, the
 * store closed).
 */
static int
server_open_store(struct server *sv)
{
	struct config	*conf = sv->conf;
	int		 n;

	if (secret_load(conf->keyfile, &sv->secret) == -1 ||
	    secretfile_check_db(conf->database) == -1)
		return (-1);
	if ((sv->store = store_open(conf->database, 0)) == NULL)
		return (-1);
	if (store_check_start(sv->store, conf->database) == -1 ||
	    store_check_version(sv->store) == -1) {
		store_close(sv->store);
		return (-1);
	}
	if ((n = store_outbox_recover(sv->store, 0)) > 0)
		log_info("outbox: %d message(s) requeued after a stop", n);
	/* Before the outbox's first turn: none leaves in quiet hours. */
	(void)broadcast_tick(sv->store, conf, time_schedule(time(NULL)));
	router_init(&sv->router, sv->store, &sv->secret, conf);
	if ((sv->classifier = classification_load(sv->store)) == NULL) {
		log_warnx("the keyword tables did not load");
		store_close(sv->store);
		return (-1);
	}
	sv->router.classifier = sv->classifier;
	sv->router.status = &sv->status;
	sv->status.store = sv->store;
	sv->status.signal_pct = -1;
	sv->status.credit = -1;
	(void)store_meta_get(sv->store, "ussd_last", sv->status.ussd_reply,
	    sizeof(sv->status.ussd_reply));
	return (0);
}

/* The event loop, the outbox, the signals and the housekeeping tick. */
static void
server_events(struct server *sv)
{
	struct timeval	 tv = { SERVER_TICK, 0 };

	signal(SIGPIPE, SIG_IGN);
	if ((sv->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	sv->outbox = outbox_new(sv->base, sv->store, &sv->secret,
	    sv->conf->send_interval);
	if (sv->conf->carriers != NULL) {
		if ((sv->carriers = carrier_table_load(sv->conf->carriers,
		    stderr)) == NULL)
			fatalx("cannot read the carrier prefixes %s",
			    sv->conf->carriers);
		outbox_set_carriers(sv->outbox, sv->carriers);
	}
	sv->status.outbox = sv->outbox;
	sv->router.outbox = sv->outbox;
	sv->ev_term = evsignal_new(sv->base, SIGTERM, server_signal, sv);
	sv->ev_int = evsignal_new(sv->base, SIGINT, server_signal, sv);
	sv->ev_hup = evsignal_new(sv->base, SIGHUP, server_signal, sv);
	evsignal_add(sv->ev_term, NULL);
	evsignal_add(sv->ev_int, NULL);
	evsignal_add(sv->ev_hup, NULL);
	sv->ev_tick = event_new(sv->base, -1, EV_PERSIST, server_tick, sv);
	sv->ev_grace = evtimer_new(sv->base, server_grace, sv);
	evtimer_add(sv->ev_tick, &tv);
}

/*
 * Starts one worker per modem ([gammu], [gammu1], ...), each one of the
 * outbox's transports unless its [modemN] says send = no (the dummy
 * phone's folder made when missing).
 */
static void
server_start_modem(struct server *sv)
{
	struct config		*conf = sv->conf;
	struct modem_cb		 cb;
	struct server_modem	*sm;
	const struct modem_conf	*mc;
	int			 i;

	for (i = 0; i < conf->nmodems; i++) {
		mc = &conf->modems[i];
		sm = &sv->modems[i];
		sm->sv = sv;
		sm->mc = mc;
		sm->st = &sv->status.modems[i];
		sm->st->carrier = mc->carrier;
		sm->st->slot = -1;
		sm->st->signal_pct = -1;
		sm->st->credit = -1;
		if (mc->model != NULL && strcmp(mc->model, "dummy") == 0 &&
		    mc->device != NULL && mkdir(mc->device, 0700) == 0)
			log_info("modem: created the dummy phone's folder %s",
			    mc->device);
		memset(&cb, 0, sizeof(cb));
		cb.recv = server_recv;
		cb.sent = server_sent;
		cb.parts = server_parts;
		cb.state = server_modem_state;
		cb.dlr = server_dlr;
		cb.health = server_health;
		cb.ussd = server_ussd;
		cb.arg = sm;
		if ((sm->modem = modem_start(sv->base, conf, mc, &cb)) == NULL)
			fatalx("cannot start the modem worker for [gammu%.0d]",
			    mc->num);
		(void)strlcpy_checked(sm->st->name, modem_name(sm->modem),
		    sizeof(sm->st->name));
		sv->nmodems++;
		sv->status.nmodems++;
		if (mc->send) {
			sm->st->slot = outbox_add_transport(sv->outbox,
			    &modem_transport, sm->modem);
			outbox_set_label(sv->outbox, sm->st->slot,
			    sm->st->name, mc->carrier);
		}
		if (conf->nmodems > 1)
			log_info("%s: device=%s carrier=%s send=%s receive=%s",
			    sm->st->name, mc->device ? mc->device : "-",
			    carrier_name(mc->carrier), mc->send ? "yes" : "no",
			    mc->receive ? "yes" : "no");
	}
	sv->status.has_modem = sv->nmodems > 0;
}

/*
 * Starts the HTTP listener and mounts what lives on it: Kannel's
 * callbacks (Kannel also the outbox's failover transport), the dashboard,
 * the API and the USSD menu.
 */
static void
server_start_http(struct server *sv)
{
	struct config	*conf = sv->conf;

	if (conf->http_listen != NULL &&
	    (sv->http = http_start(sv->base, conf->http_listen,
	    &sv->status)) == NULL)
		fatalx("cannot listen on %s", conf->http_listen);
	if (sv->http != NULL)
		server_http_readers(sv);
	if (conf->has_kannel) {
		if ((sv->kannel = kannel_new(sv->base, conf, &sv->router,
		    &sv->status)) == NULL)
			fatalx("cannot set up the Kannel transport");
		kannel_set_outbox(sv->kannel, sv->outbox);
		outbox_add_transport(sv->outbox, &kannel_transport, sv->kannel);
		http_mount(sv->http, "/kannel/", EVHTTP_REQ_GET |
		    EVHTTP_REQ_POST, kannel_serve, sv->kannel);
		sv->status.has_kannel = 1;
	}
	if (sv->http != NULL) {
		sv->hctx.base = sv->base;
		sv->hctx.store = sv->store;
		sv->hctx.conf = conf;
		sv->hctx.secret = &sv->secret;
		sv->hctx.outbox = sv->outbox;
		sv->hctx.status = &sv->status;
		sv->web = web_new(&sv->hctx);
		http_mount(sv->http, "/", 0, web_serve, sv->web);
		sv->api = api_new(&sv->hctx);
		http_mount(sv->http, "/api/v1/", 0, api_serve, sv->api);
	}
	if (conf->ussd_secret_file != NULL && sv->http != NULL) {
		if ((sv->ussd = ussd_new(conf, &sv->router)) == NULL)
			fatalx("cannot set up the USSD menu");
		http_mount(sv->http, "/ussd", EVHTTP_REQ_GET | EVHTTP_REQ_POST,
		    ussd_serve, sv->ussd);
	} else if (conf->ussd_secret_file != NULL)
		log_warnx("config=%s has [ussd] but no [http] listen: the "
		    "USSD menu is off", conf->path);
}

/* Who may read /metrics and /healthz's detail ([http], http.c). */
static void
server_http_readers(struct server *sv)
{
	char	 tok[256];

	tok[0] = '\0';
	if (sv->conf->http_metrics_token_file != NULL &&
	    secretfile_read(sv->conf->http_metrics_token_file,
	    "http: metrics_token_file", tok, sizeof(tok)) == -1)
		fatalx("cannot read the metrics token");
	http_set_readers(sv->http, sv->conf->http_trusted_proxy,
	    tok[0] != '\0' ? tok : NULL);
	explicit_bzero(tok, sizeof(tok));
}

/* Tells systemd the gateway is serving, when it runs under systemd. */
static void
server_notify_ready(struct server *sv)
{
	unsigned long long	 wd;

	if ((sv->sdnotify = sdnotify_open()) == NULL)
		return;
	wd = sdnotify_watchdog_usec();
	if (wd > 0 && wd < 3ULL * SERVER_TICK * 1000000)
		log_warnx("sdnotify: WatchdogSec=%llums is shorter than "
		    "three housekeeping ticks: expect false restarts",
		    wd / 1000);
	if (sdnotify_send(sv->sdnotify, "READY=1\nSTATUS=serving") == 0)
		log_info("sdnotify: ready sent%s", wd > 0 ?
		    ", watchdog pinged every tick" : "");
}

/* Frees everything, the listener first (it holds Kannel's requests). */
static void
server_teardown(struct server *sv)
{
	int	 i;

	sdnotify_close(sv->sdnotify);
	http_free(sv->http);
	web_free(sv->web);
	kannel_free(sv->kannel);
	ussd_free(sv->ussd);
	api_free(sv->api);
	for (i = 0; i < sv->nmodems; i++)
		modem_free(sv->modems[i].modem, sv->modems[i].stopped);
	outbox_free(sv->outbox);
	carrier_table_free(sv->carriers);
	event_free(sv->ev_tick);
	event_free(sv->ev_grace);
	event_free(sv->ev_term);
	event_free(sv->ev_int);
	event_free(sv->ev_hup);
	event_base_free(sv->base);
	classification_free(sv->classifier);
	store_close(sv->store);
}

/*
 * Runs the gateway until SIGTERM or SIGINT.  Returns 0 after a clean stop,
 * 1 when it could not start.
 */
int
server_run(struct config *conf)
{
	struct server	 sv;

	memset(&sv, 0, sizeof(sv));
	sv.conf = conf;
	if (server_check_config(conf) == -1 || server_open_store(&sv) == -1)
		return (1);
	server_events(&sv);
	server_start_modem(&sv);
	server_start_http(&sv);
	log_info("tinbao %s serving database=%s schema=%d device=%s",
	    TINBAO_VERSION, conf->database, store_schema_version(),
	    conf->gammu_device ? conf->gammu_device : "-");
	server_notify_ready(&sv);
	event_base_dispatch(sv.base);
	server_teardown(&sv);
	log_info("stopped received=%llu kannel=%llu duplicates=%llu "
	    "store_errors=%llu", (unsigned long long)sv.status.sms_in,
	    (unsigned long long)sv.status.kannel_in,
	    (unsigned long long)sv.status.sms_dup,
	    (unsigned long long)sv.status.store_errors);
	return (0);
}
