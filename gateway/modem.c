/*
 * tinbao: the modem, through libGammu.
 *
 * This is the only file that includes gammu.h.  libGammu is blocking, gives
 * no descriptor to watch and is not thread-safe, so one worker thread owns
 * the GSM_StateMachine for its whole life and the main loop never calls
 * libGammu.  The two talk over a socketpair with the typed frames of ipc.c.
 *
 * DESIGN
 *
 * Receiving.  The worker scans the inbox every poll_interval (and at once
 * after a +CMTI notification, which is only a hint: its location is not
 * trusted).  It links multipart messages with GSM_LinkSMS.  A message whose
 * parts are not all there stays on the phone and is looked at again on the
 * next scan; after multipart_timeout it is released as incomplete, and a
 * part that comes later still is joined to it by the store.  Any number of
 * incomplete messages can wait at once: the phone's memory is the buffer.
 *
 * Nothing is deleted before it is committed.  A released message gets a
 * token and its locations are remembered as pending (so later scans skip
 * it).  The main loop commits it and answers IPC_CONFIRM; only then does
 * the worker delete it, one message per turn of its loop and only when no
 * command waits, so that sends go before a burst's deletes.  If the commit failed (a full disk), the confirm
 * says so, the pending entry is dropped and the message is read again on
 * a later scan.  If the process dies between commit and delete, the next
 * start reads it again and the store's dedup key recognises it.
 *
 * Sending.  One message at a time, in the order the main loop hands them
 * over (it picks by priority).  Each part waits for the send-status
 * callback, pumping GSM_ReadDevice, up to send_timeout.
 *
 * Link.  When the device fails (unplugged, not there yet, stops answering)
 * the worker terminates the connection and retries with a backoff from 1 s
 * to 60 s, re-registering every callback after each init.  It never exits
 * on a device error.
 *
 * Watchdog.  A modem that stops answering in the middle of a command can
 * keep libGammu busy for many minutes (GetNextSMS walks the SIM's
 * locations, each waiting for its timeout).  The worker stamps a heartbeat
 * at every turn of its loop and while it pumps a send; the main loop's
 * tick calls modem_watchdog, which aborts libGammu's operation (the one
 * thread-safe call, GSM_AbortOperation) when the heartbeat is older than
 * the limit.  The abort is sticky in libGammu, so the worker then frees
 * the state machine and connects a new one.  sm_lock guards w->sm between
 * the two threads: the worker holds it only to allocate or free.
 *
 * Several modems (a SIM pool).  Each [gammuN] gets a struct modem of its
 * own: its own worker thread, socketpair and GSM_StateMachine, read from
 * [gammuN] by GSM_ReadConfig(..., N).  State machines are never shared.
 * What libGammu keeps in static buffers is not thread-safe (GSM_LinkSMS
 * compares texts through DecodeUnicodeString's static buffer; the
 * encoder's helpers are no better), so gammu_lock, one for the process,
 * serialises linking and encoding; both are pure computation, a few
 * microseconds, never a wait on a device.  Each modem is its own
 * transport for the outbox, which picks between them.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <gammu.h>

#include "tinbao.h"

#define WORKER_MAX_READ		64	/* messages per scan; the rest wait */
#define WORKER_MAX_PENDING	256
#define WORKER_BACKOFF_MAX	60
#define WORKER_STUCK_AFTER	120	/* seconds without a heartbeat */
#define WORKER_HEALTH_EVERY	30000	/* ms between signal/network checks */
#define WORKER_USSD_WAIT	30000	/* ms to wait for a USSD reply */

/* libGammu's static buffers, shared by every worker (see DESIGN). */
static pthread_mutex_t	 gammu_lock = PTHREAD_MUTEX_INITIALIZER;

struct worker_loc {
	int		 folder;
	int		 location;
};

struct worker_pending {
	uint64_t		 token;
	int			 confirmed;	/* committed: delete when idle */
	int			 nlocs;
	struct worker_loc	 locs[GSM_MAX_MULTI_SMS];
};

/* An incomplete multipart message seen on the phone, and since when. */
struct worker_partial {
	char		 key[NUMBER_MAX + 32];
	int64_t		 first;		/* ms, monotonic */
	int		 seen;		/* in the current scan */
};

struct worker {
	int			 fd;
	int			 num;		/* N of [gammuN] */
	char			 name[16];	/* "modem", "modem1", for logs */
	int			 receive;	/* read the inbox */
	char			*confpath;
	char			*device;
	char			*connection;
	char			*model;
	int			 poll_interval;
	int			 multipart_timeout;
	int			 send_timeout;
	int			 is_dummy;

	GSM_StateMachine	*sm;
	int			 connected;
	int			 backoff;
	int			 backoff_max;	/* seconds */
	int64_t			 next_connect;	/* ms, monotonic */
	int64_t			 next_poll;
	int			 errors;	/* consecutive */
	int			 hint;		/* +CMTI seen */
	GSM_SMSC		 smsc;
	int			 have_smsc;
	int			 ref8;

	struct worker_pending	*pending;
	int			 npending;
	struct worker_partial	*partials;
	int			 npartials;
	uint64_t		 next_token;

	int64_t			 next_health;
	char			*ussd_code;	/* balance_ussd, or NULL */
	int			 ussd_interval;	/* seconds */
	int64_t			 next_ussd;
	int			 ussd_waiting;
	int64_t			 ussd_deadline;
	char			 ussd_reply[512];
	int			 ussd_got;

	int			 send_done;
	int			 send_status;
	int			 send_mr;

	unsigned char		*in;		/* frames from the main loop */
	size_t			 inlen;
	size_t			 incap;
	int			 stop;

	pthread_mutex_t		 sm_lock;	/* w->sm, for the watchdog */
	_Atomic int64_t		 beat;		/* ms, the loop's last turn */
	int			 abort_sent;	/* under sm_lock */
};

struct modem {
	struct event_base	*base;
	struct bufferevent	*bev;
	int			 fd[2];
	pthread_t		 thread;
	int			 running;
	struct worker		*w;
	struct modem_cb		 cb;
	int			 stuck_after;	/* seconds, for the watchdog */
	enum modem_state	 state;		/* as the worker last said */
	char			 name[16];
};

static int	 modem_backoff_max(void);
static int	 modem_stuck_after(int);
static void	 worker_free_sm(struct worker *);
static int	 worker_delete_one(struct worker *);
static int	 worker_has_deletes(struct worker *);
static void	*worker_main(void *);
static void	 worker_connect(struct worker *);
static void	 worker_disconnect(struct worker *, const char *);
static int	 worker_error(struct worker *, GSM_Error, const char *);
static void	 worker_state(struct worker *, enum modem_state, const char *);
static void	 worker_commands(struct worker *, int);
static void	 worker_dispatch(struct worker *, uint32_t, struct ibuf *);
static void	 worker_scan(struct worker *);
static void	 worker_release(struct worker *, GSM_MultiSMSMessage *, int64_t);
static void	 worker_confirm(struct worker *, uint64_t, int);
static void	 worker_send(struct worker *, int64_t, const char *,
		    const char *, int);
static void	 worker_sent(struct worker *, int64_t, int, int, int,
		    const char *, const int *);
static int	 worker_is_pending(struct worker *, int, int);
static void	 worker_send_cb(GSM_StateMachine *, int, int, void *);
static void	 worker_sms_cb(GSM_StateMachine *, GSM_SMSMessage *, void *);
static void	 worker_ussd_cb(GSM_StateMachine *, GSM_USSDMessage *, void *);
static void	 worker_health(struct worker *);
static void	 worker_ussd(struct worker *);
static int64_t	 worker_now(void);
static int64_t	 worker_smsc_time(const GSM_DateTime *);
static void	 worker_nul_units(GSM_SMSMessage *);
static void	 modem_read_cb(struct bufferevent *, void *);
static void	 modem_event_cb(struct bufferevent *, short, void *);
static int	 modem_is_ready(void *);
static void	 modem_send(void *, const struct sms_out *);

/* The modem as one of the outbox's transports (the argument: a modem). */
const struct transport modem_transport = {
	.name = "modem",
	.is_ready = modem_is_ready,
	.send = modem_send,
};

static const char *modem_state_names[] = {
	[MODEM_S_DOWN] = "down",
	[MODEM_S_CONNECTING] = "connecting",
	[MODEM_S_UP] = "up",
	[MODEM_S_STOPPED] = "stopped",
};

/* Returns the name of a link state. */
const char *
modem_state_name(enum modem_state s)
{
	if ((unsigned)s >= sizeof(modem_state_names) / sizeof(char *))
		return ("unknown");
	return (modem_state_names[s]);
}

/* ------------------------------------------------- main-loop side */

/*
 * The reconnect backoff's cap: WORKER_BACKOFF_MAX seconds, or less with
 * TINBAO_MODEM_BACKOFF_MAX (1 to 60), a test knob so that a test can walk
 * the whole backoff to its cap in seconds instead of minutes.
 */
static int
modem_backoff_max(void)
{
	const char	*s = getenv("TINBAO_MODEM_BACKOFF_MAX");
	char		*end;
	long		 n;

	if (s == NULL)
		return (WORKER_BACKOFF_MAX);
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || n < 1 || n > WORKER_BACKOFF_MAX) {
		log_warnx("modem: TINBAO_MODEM_BACKOFF_MAX=%s ignored (1 to %d)",
		    s, WORKER_BACKOFF_MAX);
		return (WORKER_BACKOFF_MAX);
	}
	log_info("modem: reconnect backoff capped at %lds "
	    "(TINBAO_MODEM_BACKOFF_MAX)", n);
	return ((int)n);
}

/*
 * How long the worker may go without a heartbeat before the watchdog
 * aborts libGammu: WORKER_STUCK_AFTER seconds, never less than twice the
 * send timeout (a send pumps with heartbeats, but one libGammu call can
 * last that long), or TINBAO_MODEM_STUCK_AFTER (5 to 3600), a test knob.
 */
static int
modem_stuck_after(int send_timeout)
{
	const char	*s = getenv("TINBAO_MODEM_STUCK_AFTER");
	char		*end;
	long		 n;

	if (s != NULL) {
		n = strtol(s, &end, 10);
		if (end != s && *end == '\0' && n >= 5 && n <= 3600) {
			log_info("modem: watchdog after %lds "
			    "(TINBAO_MODEM_STUCK_AFTER)", n);
			return ((int)n);
		}
		log_warnx("modem: TINBAO_MODEM_STUCK_AFTER=%s ignored (5 to "
		    "3600)", s);
	}
	return (send_timeout * 2 > WORKER_STUCK_AFTER ? send_timeout * 2 :
	    WORKER_STUCK_AFTER);
}

/*
 * Starts the worker thread for one modem of conf, mc (its [gammuN] and
 * [modemN]).  Incoming messages, send outcomes and link changes come back
 * through cb.
 */
struct modem *
modem_start(struct event_base *base, const struct config *conf,
    const struct modem_conf *mc, const struct modem_cb *cb)
{
	struct modem	*m;
	struct worker	*w;

	m = xcalloc(1, sizeof(*m));
	m->base = base;
	m->cb = *cb;
	if (mc->num == 0)
		(void)strlcpy_checked(m->name, "modem", sizeof(m->name));
	else
		(void)snprintf(m->name, sizeof(m->name), "modem%d", mc->num);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, m->fd) == -1) {
		log_warn("modem: socketpair");
		free(m);
		return (NULL);
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = m->fd[1];
	w->num = mc->num;
	(void)strlcpy_checked(w->name, m->name, sizeof(w->name));
	w->receive = mc->receive;
	w->confpath = xstrdup(conf->path);
	w->device = xstrdup(mc->device ? mc->device : "");
	w->connection = xstrdup(mc->connection ? mc->connection : "at");
	w->model = xstrdup(mc->model ? mc->model : "");
	w->is_dummy = strcmp(w->model, "dummy") == 0;
	w->poll_interval = conf->poll_interval > 0 ? conf->poll_interval : 5;
	w->multipart_timeout = conf->multipart_timeout;
	w->send_timeout = conf->send_timeout > 0 ? conf->send_timeout : 30;
	w->backoff = 1;
	w->backoff_max = modem_backoff_max();
	w->ref8 = (int)(time(NULL) & 0xff);
	if (mc->balance_ussd != NULL)
		w->ussd_code = xstrdup(mc->balance_ussd);
	w->ussd_interval = conf->balance_interval > 0 ?
	    conf->balance_interval : 86400;
	pthread_mutex_init(&w->sm_lock, NULL);
	atomic_store(&w->beat, worker_now());
	m->stuck_after = modem_stuck_after(w->send_timeout);
	m->w = w;

	evutil_make_socket_nonblocking(m->fd[0]);
	m->bev = bufferevent_socket_new(base, m->fd[0], 0);
	bufferevent_setcb(m->bev, modem_read_cb, NULL, modem_event_cb, m);
	bufferevent_enable(m->bev, EV_READ | EV_WRITE);

	if (pthread_create(&m->thread, NULL, worker_main, w) != 0) {
		log_warnx("modem: cannot start the worker thread");
		modem_free(m, 1);
		return (NULL);
	}
	m->running = 1;
	return (m);
}

static void
modem_write(struct modem *m, uint32_t type, const struct ibuf *b)
{
	uint32_t	 hdr[2] = { type, (uint32_t)b->len };

	bufferevent_write(m->bev, hdr, sizeof(hdr));
	if (b->len > 0)
		bufferevent_write(m->bev, b->buf, b->len);
}

/* Hands one SMS to the worker; the outcome comes back through cb.sent. */
static void
modem_send(void *arg, const struct sms_out *o)
{
	struct modem	*m = arg;
	struct ibuf	 b;

	ibuf_init(&b);
	ibuf_put_i64(&b, o->id);
	ibuf_put_str(&b, o->number);
	ibuf_put_str(&b, o->text);
	ibuf_put_u32(&b, (uint32_t)o->charset);
	modem_write(m, IPC_SEND, &b);
	ibuf_free(&b);
}

/* The outbox may hand a message over while the link is up. */
static int
modem_is_ready(void *arg)
{
	struct modem	*m = arg;

	return (m->state == MODEM_S_UP);
}

/* Returns the modem's name in logs and metrics: "modem", "modem1", ... */
const char *
modem_name(const struct modem *m)
{
	return (m->name);
}

/*
 * Tells the worker whether the message with this token is committed (it
 * deletes it from the phone) or not (it will be read again later).
 */
void
modem_confirm(struct modem *m, uint64_t token, int committed)
{
	struct ibuf	 b;

	ibuf_init(&b);
	ibuf_put_i64(&b, (int64_t)token);
	ibuf_put_u32(&b, committed ? 1 : 0);
	modem_write(m, IPC_CONFIRM, &b);
	ibuf_free(&b);
}

/*
 * Asks the worker to stop: it finishes the operation in hand (a send, a
 * delete) and answers with MODEM_S_STOPPED through cb.state.  The frame
 * goes after everything already queued, confirms included.
 */
void
modem_request_stop(struct modem *m)
{
	struct ibuf	 b;

	ibuf_init(&b);
	modem_write(m, IPC_STOP, &b);
	ibuf_free(&b);
}

/*
 * Frees the modem.  When the worker has said it stopped, the thread is
 * joined; otherwise it is stuck inside libGammu and is left to die with
 * the process.
 */
void
modem_free(struct modem *m, int stopped)
{
	if (m == NULL)
		return;
	if (m->running && stopped)
		pthread_join(m->thread, NULL);
	else if (m->running) {
		log_warnx("modem: worker did not stop in time, abandoning it");
		return;
	}
	if (m->bev != NULL)
		bufferevent_free(m->bev);
	close(m->fd[0]);
	close(m->fd[1]);
	if (m->w != NULL) {
		free(m->w->confpath);
		free(m->w->device);
		free(m->w->connection);
		free(m->w->model);
		free(m->w->in);
		free(m->w->pending);
		free(m->w->partials);
		free(m->w->ussd_code);
		pthread_mutex_destroy(&m->w->sm_lock);
		free(m->w);
	}
	free(m);
}

static void
modem_read_cb(struct bufferevent *bev, void *arg)
{
	struct modem	*m = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct ibuf	 b;
	struct sms_in	 sms;
	uint32_t	 type, u32, parts, result;
	int64_t		 id, mr, mr2;
	size_t		 len, avail;
	unsigned char	*p;
	char		*err;
	int		 r;

	for (;;) {
		avail = evbuffer_get_length(in);
		if (avail < 8)
			return;
		p = evbuffer_pullup(in, 8);
		r = ipc_peek(p, avail, &type, &len);
		if (r == 0)
			return;
		/* Both ends are ours: a bad frame is a broken invariant. */
		if (r == -1)
			fatalx("modem: invalid frame from the worker");
		p = evbuffer_pullup(in, 8 + len);
		ibuf_reader(&b, p + 8, len);
		switch (type) {
		case IPC_RECV:
			if (ipc_unpack_sms(&b, &sms) == -1)
				fatalx("modem: invalid IPC_RECV");
			m->cb.recv(&sms, m->cb.arg);
			sms_in_free(&sms);
			break;
		case IPC_STATE:
			if (ibuf_get_u32(&b, &u32) == -1 ||
			    ibuf_get_str(&b, &err, 1024) == -1)
				fatalx("modem: invalid IPC_STATE");
			m->state = (enum modem_state)u32;
			m->cb.state((enum modem_state)u32, err, m->cb.arg);
			free(err);
			break;
		case IPC_SENT:
			if (ibuf_get_i64(&b, &id) == -1 ||
			    ibuf_get_u32(&b, &result) == -1 ||
			    ibuf_get_u32(&b, &parts) == -1 ||
			    ibuf_get_i64(&b, &mr) == -1 ||
			    ibuf_get_str(&b, &err, 1024) == -1 ||
			    ibuf_get_u32(&b, &u32) == -1 ||
			    u32 > GSM_MAX_MULTI_SMS)
				fatalx("modem: invalid IPC_SENT");
			{
				int	 refs[GSM_MAX_MULTI_SMS];
				uint32_t k;

				for (k = 0; k < u32; k++) {
					if (ibuf_get_i64(&b, &mr2) == -1)
						fatalx("modem: invalid IPC_SENT");
					refs[k] = (int)mr2;
				}
				if (u32 > 0 && m->cb.parts != NULL)
					m->cb.parts(id, refs, (int)u32,
					    m->cb.arg);
			}
			m->cb.sent(id, (int)result, (int)parts, (int)mr,
			    err[0] ? err : NULL, m->cb.arg);
			free(err);
			break;
		case IPC_HEALTH: {
			uint32_t	 dbm, pct, reg;
			char		*op;

			if (ibuf_get_u32(&b, &dbm) == -1 ||
			    ibuf_get_u32(&b, &pct) == -1 ||
			    ibuf_get_u32(&b, &reg) == -1 ||
			    ibuf_get_str(&b, &op, 256) == -1)
				fatalx("modem: invalid IPC_HEALTH");
			if (m->cb.health != NULL)
				m->cb.health((int)dbm, (int)pct, (int)reg, op,
				    m->cb.arg);
			free(op);
			break;
		}
		case IPC_USSD:
			if (ibuf_get_str(&b, &err, 1024) == -1)
				fatalx("modem: invalid IPC_USSD");
			if (m->cb.ussd != NULL)
				m->cb.ussd(err, m->cb.arg);
			free(err);
			break;
		case IPC_DLR:
			if (ibuf_get_u32(&b, &u32) == -1 ||
			    ibuf_get_u32(&b, &result) == -1)
				fatalx("modem: invalid IPC_DLR");
			if (m->cb.dlr != NULL)
				m->cb.dlr((int)u32, (int)result, m->cb.arg);
			break;
		default:
			fatalx("modem: unexpected frame type %u", type);
		}
		evbuffer_drain(in, 8 + len);
	}
}

static void
modem_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		log_warnx("modem: worker channel closed (events=0x%x)", what);
}

/* ---------------------------------------------------- worker side */

/* Returns the monotonic clock in milliseconds. */
static int64_t
worker_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
worker_state(struct worker *w, enum modem_state s, const char *detail)
{
	struct ibuf	 b;

	ibuf_init(&b);
	ibuf_put_u32(&b, s);
	ibuf_put_str(&b, detail ? detail : "");
	if (ipc_write(w->fd, IPC_STATE, &b) == -1)
		w->stop = 1;
	ibuf_free(&b);
}

/*
 * Reports a send's outcome; refs, when not NULL, holds the message
 * reference of each of the parts sent (for their delivery reports).
 */
static void
worker_sent(struct worker *w, int64_t id, int result, int parts, int mr,
    const char *error, const int *refs)
{
	struct ibuf	 b;
	int		 i;

	ibuf_init(&b);
	ibuf_put_i64(&b, id);
	ibuf_put_u32(&b, (uint32_t)result);
	ibuf_put_u32(&b, (uint32_t)parts);
	ibuf_put_i64(&b, mr);
	ibuf_put_str(&b, error ? error : "");
	ibuf_put_u32(&b, refs != NULL ? (uint32_t)parts : 0);
	for (i = 0; refs != NULL && i < parts; i++)
		ibuf_put_i64(&b, refs[i]);
	if (ipc_write(w->fd, IPC_SENT, &b) == -1)
		w->stop = 1;
	ibuf_free(&b);
}

/* The thread: connect, scan, serve commands, until told to stop. */
static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	int64_t		 now, wait_ms;

	w->next_connect = worker_now();
	while (!w->stop) {
		now = worker_now();
		atomic_store(&w->beat, now);
		if (!w->connected && now >= w->next_connect)
			worker_connect(w);
		if (w->stop)
			break;
		if (w->connected && w->receive &&
		    (now >= w->next_poll || w->hint)) {
			w->hint = 0;
			worker_scan(w);
			w->next_poll = worker_now() + w->poll_interval * 1000;
		}
		if (w->connected && now >= w->next_health)
			worker_health(w);
		if (w->connected && w->ussd_code != NULL &&
		    (now >= w->next_ussd || w->ussd_waiting))
			worker_ussd(w);
		/*
		 * Wait for commands.  On a real modem we come back every
		 * 50 ms to pump GSM_ReadDevice, which is what delivers the
		 * +CMTI and send-status callbacks.
		 */
		now = worker_now();
		if (!w->connected)
			wait_ms = w->next_connect - now;
		else if (!w->is_dummy)
			wait_ms = 50;
		else
			wait_ms = w->next_poll - now;
		if (wait_ms > 1000)
			wait_ms = 1000;
		if (wait_ms < 0 || (w->connected && worker_has_deletes(w)))
			wait_ms = 0;
		worker_commands(w, (int)wait_ms);
		if (w->connected && !w->is_dummy && !w->stop)
			GSM_ReadDevice(w->sm, FALSE);
		/* Sends first: one delete per turn, when no command waits. */
		if (w->connected && !w->stop)
			(void)worker_delete_one(w);
	}
	/* Stopping: what was committed leaves the phone now. */
	while (w->connected && worker_delete_one(w))
		;
	if (w->sm != NULL) {
		if (w->connected)
			GSM_TerminateConnection(w->sm);
		worker_free_sm(w);
	}
	worker_state(w, MODEM_S_STOPPED, "");
	return (NULL);
}

/* Frees the state machine, under sm_lock so the watchdog never sees it. */
static void
worker_free_sm(struct worker *w)
{
	pthread_mutex_lock(&w->sm_lock);
	GSM_FreeStateMachine(w->sm);
	w->sm = NULL;
	w->abort_sent = 0;
	pthread_mutex_unlock(&w->sm_lock);
}

/*
 * Called by the main loop every tick: when the worker's heartbeat is older
 * than stuck_after seconds, it is stuck inside libGammu; abort that
 * operation (once).  Returns 1 when it aborted, else 0.
 */
int
modem_watchdog(struct modem *m)
{
	struct worker	*w;
	int64_t		 idle;
	int		 aborted = 0;

	if (m == NULL || !m->running || (w = m->w) == NULL)
		return (0);
	idle = worker_now() - atomic_load(&w->beat);
	if (idle < (int64_t)m->stuck_after * 1000)
		return (0);
	pthread_mutex_lock(&w->sm_lock);
	if (w->sm != NULL && !w->abort_sent) {
		(void)GSM_AbortOperation(w->sm);
		w->abort_sent = 1;
		aborted = 1;
	}
	pthread_mutex_unlock(&w->sm_lock);
	if (aborted)
		log_warnx("modem: worker stuck in libGammu for %llds; operation "
		    "aborted, the link will be re-opened", (long long)(idle /
		    1000));
	return (aborted);
}

/* Reads and runs the commands waiting on the socket, for up to wait_ms. */
static void
worker_commands(struct worker *w, int wait_ms)
{
	struct pollfd	 pfd = { .fd = w->fd, .events = POLLIN };
	struct ibuf	 b;
	uint32_t	 type;
	size_t		 len, off;
	ssize_t		 n;
	int		 r;

	r = poll(&pfd, 1, wait_ms);
	atomic_store(&w->beat, worker_now());
	if (r <= 0)
		return;
	for (;;) {
		if (w->incap - w->inlen < 4096) {
			w->incap = w->incap ? w->incap * 2 : 8192;
			w->in = xreallocarray(w->in, w->incap, 1);
		}
		n = recv(w->fd, w->in + w->inlen, w->incap - w->inlen,
		    MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0) {
			/* The main loop is gone. */
			w->stop = 1;
			return;
		}
		if (n == -1)
			break;
		w->inlen += n;
	}
	off = 0;
	while ((r = ipc_peek(w->in + off, w->inlen - off, &type, &len)) == 1) {
		ibuf_reader(&b, w->in + off + 8, len);
		worker_dispatch(w, type, &b);
		off += 8 + len;
	}
	if (r == -1)
		fatalx("modem: invalid frame from the main loop");
	memmove(w->in, w->in + off, w->inlen - off);
	w->inlen -= off;
}

static void
worker_dispatch(struct worker *w, uint32_t type, struct ibuf *b)
{
	int64_t		 id;
	uint32_t	 u;
	char		*number, *text;

	switch (type) {
	case IPC_CONFIRM:
		if (ibuf_get_i64(b, &id) == -1 || ibuf_get_u32(b, &u) == -1)
			fatalx("modem: invalid IPC_CONFIRM");
		worker_confirm(w, (uint64_t)id, u);
		break;
	case IPC_SEND:
		if (ibuf_get_i64(b, &id) == -1 ||
		    ibuf_get_str(b, &number, NUMBER_MAX) == -1)
			fatalx("modem: invalid IPC_SEND");
		if (ibuf_get_str(b, &text, TEXT_MAX) == -1 ||
		    ibuf_get_u32(b, &u) == -1)
			fatalx("modem: invalid IPC_SEND");
		worker_send(w, id, number, text, (int)u);
		free(number);
		free(text);
		break;
	case IPC_STOP:
		w->stop = 1;
		break;
	default:
		fatalx("modem: unexpected frame type %u", type);
	}
}

static void
worker_sms_cb(GSM_StateMachine *sm, GSM_SMSMessage *sms, void *arg)
{
	struct worker	*w = arg;

	(void)sm;
	(void)sms;
	/* Only a hint: the location in +CMTI is not trusted (libGammu 1.42). */
	w->hint = 1;
}

static void
worker_send_cb(GSM_StateMachine *sm, int status, int mr, void *arg)
{
	struct worker	*w = arg;

	(void)sm;
	w->send_done = 1;
	w->send_status = status;
	w->send_mr = mr;
}

static void
worker_ussd_cb(GSM_StateMachine *sm, GSM_USSDMessage *ussd, void *arg)
{
	struct worker	*w = arg;
	char		 buf[sizeof(ussd->Text) * 2];

	(void)sm;
	EncodeUTF8(buf, ussd->Text);
	(void)strlcpy_checked(w->ussd_reply, buf, sizeof(w->ussd_reply));
	w->ussd_got = 1;
}

/*
 * Asks for the signal and the network, and tells the main loop.  On a hung
 * modem each call may take its timeout: this is the worker, not the loop.
 */
static void
worker_health(struct worker *w)
{
	GSM_SignalQuality	 sig;
	GSM_NetworkInfo		 net;
	struct ibuf		 b;
	char			 name[sizeof(net.NetworkName) * 2], op[96];
	int			 dbm = 0, pct = -1, reg = 0;

	w->next_health = worker_now() + WORKER_HEALTH_EVERY;
	memset(&sig, 0, sizeof(sig));
	if (GSM_GetSignalQuality(w->sm, &sig) == ERR_NONE) {
		dbm = sig.SignalStrength;
		pct = sig.SignalPercent;
	}
	memset(&net, 0, sizeof(net));
	op[0] = '\0';
	if (GSM_GetNetworkInfo(w->sm, &net) == ERR_NONE) {
		reg = (int)net.State;
		EncodeUTF8(name, net.NetworkName);
		(void)snprintf(op, sizeof(op), "%s%s%s", net.NetworkCode,
		    name[0] ? " " : "", name);
	}
	ibuf_init(&b);
	ibuf_put_u32(&b, (uint32_t)dbm);
	ibuf_put_u32(&b, (uint32_t)pct);
	ibuf_put_u32(&b, (uint32_t)reg);
	ibuf_put_str(&b, op);
	if (ipc_write(w->fd, IPC_HEALTH, &b) == -1)
		w->stop = 1;
	ibuf_free(&b);
}

/*
 * Checks the SIM's credit: dials the USSD code, then waits (pumping the
 * device, in slices, between the other work) for the reply.
 */
static void
worker_ussd(struct worker *w)
{
	struct ibuf	 b;
	GSM_Error	 err;
	int64_t		 now = worker_now();

	if (!w->ussd_waiting) {
		w->next_ussd = now + (int64_t)w->ussd_interval * 1000;
		w->ussd_got = 0;
		if ((err = GSM_DialService(w->sm, w->ussd_code)) != ERR_NONE) {
			log_warnx("%s: USSD %s failed: %s", w->name, w->ussd_code,
			    GSM_ErrorString(err));
			return;
		}
		w->ussd_waiting = 1;
		w->ussd_deadline = now + WORKER_USSD_WAIT;
	}
	if (!w->ussd_got && now < w->ussd_deadline)
		return;		/* the main loop pumps ReadDevice */
	w->ussd_waiting = 0;
	if (!w->ussd_got) {
		log_warnx("%s: no USSD reply to %s", w->name, w->ussd_code);
		return;
	}
	ibuf_init(&b);
	ibuf_put_str(&b, w->ussd_reply);
	if (ipc_write(w->fd, IPC_USSD, &b) == -1)
		w->stop = 1;
	ibuf_free(&b);
}

/* Opens the connection (first time, or again after a failure). */
static void
worker_connect(struct worker *w)
{
	GSM_Config	*cfg;
	INI_Section	*ini = NULL;
	GSM_Error	 err;
	char		 detail[256];

	worker_state(w, MODEM_S_CONNECTING, "");
	if (w->sm == NULL) {
		pthread_mutex_lock(&w->sm_lock);
		w->sm = GSM_AllocStateMachine();
		pthread_mutex_unlock(&w->sm_lock);
		if (w->sm == NULL)
			fatalx("modem: GSM_AllocStateMachine");
		cfg = GSM_GetConfig(w->sm, 0);
		/*
		 * [gammu] goes to libGammu as it is.  Defaults first: a
		 * zeroed config breaks SetIncomingSMS (CNMI mode 0).
		 */
		(void)GSM_ReadConfig(NULL, cfg, 0);
		if (GSM_FindGammuRC(&ini, w->confpath) == ERR_NONE &&
		    ini != NULL) {
			free(cfg->Device);
			free(cfg->Connection);
			cfg->Device = cfg->Connection = NULL;
			/* [gammu] for 0, [gammuN] for N. */
			err = GSM_ReadConfig(ini, cfg, w->num);
			if (err != ERR_NONE && err != ERR_USING_DEFAULTS)
				log_warnx("%s: [gammu%.0d] section: %s",
				    w->name, w->num, GSM_ErrorString(err));
			INI_Free(ini);
		}
		/* Our own parse resolved relative paths and comments. */
		free(cfg->Device);
		cfg->Device = xstrdup(w->device);
		free(cfg->Connection);
		cfg->Connection = xstrdup(w->connection);
		(void)strlcpy_checked(cfg->Model, w->model, sizeof(cfg->Model));
		GSM_SetConfigNum(w->sm, 1);
	}
	err = GSM_InitConnection(w->sm, 1);
	if (err != ERR_NONE) {
		(void)snprintf(detail, sizeof(detail), "%s (error %d)",
		    GSM_ErrorString(err), (int)err);
		log_warnx("%s: connect failed device=%s error=\"%s\" "
		    "retry_in=%ds", w->name, w->device, detail, w->backoff);
		if (err == ERR_ABORTED)
			/* The abort flag is sticky: start from scratch. */
			worker_free_sm(w);
		worker_state(w, MODEM_S_DOWN, detail);
		w->next_connect = worker_now() + w->backoff * 1000;
		w->backoff = w->backoff * 2 > w->backoff_max ?
		    w->backoff_max : w->backoff * 2;
		return;
	}
	/* InitConnection resets every callback: register them each time. */
	GSM_SetSendSMSStatusCallback(w->sm, worker_send_cb, w);
	GSM_SetIncomingSMSCallback(w->sm, worker_sms_cb, w);
	GSM_SetIncomingUSSDCallback(w->sm, worker_ussd_cb, w);
	if (w->ussd_code != NULL &&
	    (err = GSM_SetIncomingUSSD(w->sm, TRUE)) != ERR_NONE)
		log_warnx("%s: no USSD replies (%s): credit not checked",
		    w->name, GSM_ErrorString(err));
	err = GSM_SetIncomingSMS(w->sm, TRUE);
	if (err != ERR_NONE)
		log_debug("%s: no SMS notifications (%s), polling only",
		    w->name, GSM_ErrorString(err));
	memset(&w->smsc, 0, sizeof(w->smsc));
	w->smsc.Location = 1;
	w->have_smsc = GSM_GetSMSC(w->sm, &w->smsc) == ERR_NONE;
	w->connected = 1;
	w->backoff = 1;
	w->errors = 0;
	w->next_poll = worker_now();
	w->next_health = worker_now();
	w->ussd_waiting = 0;
	/* Messages pending before a reconnect will be read again. */
	w->npending = 0;
	log_info("%s: connected device=%s model=%s", w->name, w->device,
	    w->model[0] ? w->model : "auto");
	worker_state(w, MODEM_S_UP, "");
}

static void
worker_disconnect(struct worker *w, const char *why)
{
	log_warnx("%s: link lost device=%s reason=\"%s\"", w->name,
	    w->device, why);
	GSM_TerminateConnection(w->sm);
	w->connected = 0;
	w->next_connect = worker_now() + w->backoff * 1000;
	worker_state(w, MODEM_S_DOWN, why);
}

/*
 * Counts an error from libGammu; device errors and repeated timeouts drop
 * the link so that it is re-opened.  Returns -1 when the link was dropped.
 */
static int
worker_error(struct worker *w, GSM_Error err, const char *what)
{
	char	 why[256];

	(void)snprintf(why, sizeof(why), "%s: %s (error %d)", what,
	    GSM_ErrorString(err), (int)err);
	w->errors++;
	switch (err) {
	case ERR_DEVICEWRITEERROR:
	case ERR_DEVICEREADERROR:
	case ERR_DEVICENOTEXIST:
	case ERR_DEVICEOPENERROR:
	case ERR_NOTCONNECTED:
	case ERR_DEVICEBUSY:
		worker_disconnect(w, why);
		return (-1);
	case ERR_ABORTED:
		/* The watchdog's abort is sticky: a new state machine. */
		worker_disconnect(w, why);
		worker_free_sm(w);
		return (-1);
	case ERR_TIMEOUT:
		if (w->errors >= 3) {
			worker_disconnect(w, why);
			return (-1);
		}
		break;
	default:
		break;
	}
	log_warnx("%s: %s", w->name, why);
	return (0);
}

static int
worker_is_pending(struct worker *w, int folder, int location)
{
	int	 i, j;

	for (i = 0; i < w->npending; i++)
		for (j = 0; j < w->pending[i].nlocs; j++)
			if (w->pending[i].locs[j].folder == folder &&
			    w->pending[i].locs[j].location == location)
				return (1);
	return (0);
}

/* Reads the inbox, links the parts and releases what is complete. */
static void
worker_scan(struct worker *w)
{
	GSM_MultiSMSMessage	 msg, **in, **out;
	GSM_SMSMessage		*s;
	GSM_Error		 err;
	int64_t			 now = worker_now();
	int			 n = 0, i, start = 1;

	in = xcalloc(WORKER_MAX_READ + 1, sizeof(*in));
	memset(&msg, 0, sizeof(msg));
	while (n < WORKER_MAX_READ) {
		/*
		 * GetNextSMS continues from the location left in msg; the
		 * folder is reset to 0 (all folders) as gammu-smsd does.
		 */
		msg.SMS[0].Folder = 0;
		err = GSM_GetNextSMS(w->sm, &msg, start);
		start = 0;
		if (err == ERR_EMPTY)
			break;
		if (err != ERR_NONE) {
			(void)worker_error(w, err, "reading the inbox");
			break;
		}
		s = &msg.SMS[0];
		if (msg.Number < 1 || !s->InboxFolder)
			continue;
		if (worker_is_pending(w, s->Folder, s->Location))
			continue;
		if (s->PDU == SMS_Status_Report) {
			/*
			 * A delivery report: handed to the main loop and
			 * deleted at once (losing one costs a status, not a
			 * report), so that reports never fill the SIM.
			 */
			struct ibuf	 b;

			ibuf_init(&b);
			ibuf_put_u32(&b, (uint32_t)s->MessageReference);
			ibuf_put_u32(&b, (uint32_t)s->DeliveryStatus);
			if (ipc_write(w->fd, IPC_DLR, &b) == -1)
				w->stop = 1;
			ibuf_free(&b);
			(void)GSM_DeleteSMS(w->sm, s);
			continue;
		}
		in[n] = xmalloc(sizeof(msg));
		memcpy(in[n], &msg, sizeof(msg));
		n++;
	}
	for (i = 0; i < w->npartials; i++)
		w->partials[i].seen = 0;
	if (n > 0) {
		out = xcalloc(n + 1, sizeof(*out));
		pthread_mutex_lock(&gammu_lock);
		err = GSM_LinkSMS(GSM_GetDebug(w->sm), in, out, TRUE);
		pthread_mutex_unlock(&gammu_lock);
		if (err != ERR_NONE)
			log_warnx("%s: linking failed: %s",
			    w->name, GSM_ErrorString(err));
		for (i = 0; i < n && out[i] != NULL; i++) {
			if (err == ERR_NONE && w->connected && !w->stop)
				worker_release(w, out[i], now);
			free(out[i]);
		}
		free(out);
	}
	for (i = 0; i < n; i++)
		free(in[i]);
	free(in);
	/* Forget incomplete messages that are no longer on the phone. */
	for (i = 0; i < w->npartials; ) {
		if (!w->partials[i].seen)
			w->partials[i] = w->partials[--w->npartials];
		else
			i++;
	}
	if (w->connected)
		w->errors = 0;
}

/*
 * A U+0000 inside a message (a UCS-2 SMS may carry one) would end
 * libGammu's string there and cut the rest of the report: it becomes
 * U+FFFD, as every other transport does.
 */
static void
worker_nul_units(GSM_SMSMessage *s)
{
	size_t	 i, n = (size_t)s->Length;

	if (n > sizeof(s->Text) / 2 - 1)
		n = sizeof(s->Text) / 2 - 1;
	for (i = 0; i < n; i++)
		if (s->Text[2 * i] == 0 && s->Text[2 * i + 1] == 0) {
			s->Text[2 * i] = 0xff;
			s->Text[2 * i + 1] = 0xfd;
		}
}

static int64_t
worker_smsc_time(const GSM_DateTime *dt)
{
	struct tm	 tm;
	time_t		 t;

	if (dt->Year == 0)
		return (0);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt->Year - 1900;
	tm.tm_mon = dt->Month - 1;
	tm.tm_mday = dt->Day;
	tm.tm_hour = dt->Hour;
	tm.tm_min = dt->Minute;
	tm.tm_sec = dt->Second;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return (0);
	return ((int64_t)t - dt->Timezone);
}

static void
worker_hex(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n && 2 * i + 2 < outsz; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * i] = '\0';
}

/*
 * Releases one linked message to the main loop, or keeps waiting for its
 * missing parts while multipart_timeout has not passed since it was first
 * seen.
 */
static void
worker_release(struct worker *w, GSM_MultiSMSMessage *m, int64_t now)
{
	GSM_SMSMessage		*s = &m->SMS[0];
	struct sms_in		 sms;
	struct worker_pending	*p;
	struct worker_partial	*pt = NULL;
	struct ibuf		 b;
	char			 buf[(GSM_MAX_SMS_LENGTH + 1) * 4];
	int			 i, concat;

	memset(&sms, 0, sizeof(sms));
	concat = (s->UDH.Type == UDH_ConcatenatedMessages ||
	    s->UDH.Type == UDH_ConcatenatedMessages16bit) &&
	    s->UDH.AllParts > 1;
	EncodeUTF8(buf, s->Number);
	(void)strlcpy_checked(sms.sender, buf, sizeof(sms.sender));
	EncodeUTF8(buf, s->SMSC.Number);
	(void)strlcpy_checked(sms.smsc, buf, sizeof(sms.smsc));
	sms.smsc_time = worker_smsc_time(&s->DateTime);
	sms.concat_ref = -1;
	sms.parts_total = 1;
	if (concat) {
		sms.concat_ref = s->UDH.ID16bit != -1 ? s->UDH.ID16bit :
		    s->UDH.ID8bit;
		sms.parts_total = s->UDH.AllParts;
	}

	if (concat && m->Number < s->UDH.AllParts) {
		char	 key[sizeof(pt->key)];

		(void)snprintf(key, sizeof(key), "%s/%d/%d", sms.sender,
		    sms.concat_ref, sms.parts_total);
		for (i = 0; i < w->npartials; i++)
			if (strcmp(w->partials[i].key, key) == 0)
				pt = &w->partials[i];
		if (pt == NULL) {
			w->partials = xreallocarray(w->partials,
			    w->npartials + 1, sizeof(*w->partials));
			pt = &w->partials[w->npartials++];
			(void)strlcpy_checked(pt->key, key, sizeof(pt->key));
			pt->first = now;
			log_debug("%s: waiting for parts have=%d of=%d",
			    w->name, m->Number, sms.parts_total);
		}
		pt->seen = 1;
		if (now - pt->first < (int64_t)w->multipart_timeout * 1000)
			return;
		sms.flags |= SMS_F_INCOMPLETE;
		pt->seen = 0;	/* released: forget it */
	}

	if (w->npending >= WORKER_MAX_PENDING)
		return;		/* the main loop is behind; next scan */

	sms.nparts = m->Number;
	sms.parts = xcalloc(m->Number, sizeof(*sms.parts));
	for (i = 0; i < m->Number; i++) {
		s = &m->SMS[i];
		sms.parts[i].partno = concat ? s->UDH.PartNumber : 1;
		sms.parts[i].smsc_time = worker_smsc_time(&s->DateTime);
		if (sms.parts[i].partno < 1 ||
		    sms.parts[i].partno > sms.parts_total)
			sms.parts[i].partno = i + 1;
		if (s->Class == 0)
			sms.flags |= SMS_F_FLASH;
		if (s->Coding == SMS_Coding_8bit) {
			sms.flags |= SMS_F_BINARY;
			worker_hex(s->Text, (size_t)s->Length, buf,
			    sizeof(buf));
			sms.parts[i].text = xstrdup(buf);
		} else {
			worker_nul_units(s);
			/* Never DecodeUnicodeString: static, locale-bound. */
			EncodeUTF8(buf, s->Text);
			sms.parts[i].text = utf8_sanitize(buf, strlen(buf));
		}
	}

	sms.token = ++w->next_token;
	w->pending = xreallocarray(w->pending, w->npending + 1,
	    sizeof(*w->pending));
	p = &w->pending[w->npending++];
	memset(p, 0, sizeof(*p));
	p->token = sms.token;
	p->nlocs = m->Number;
	for (i = 0; i < m->Number; i++) {
		p->locs[i].folder = m->SMS[i].Folder;
		p->locs[i].location = m->SMS[i].Location;
	}

	ibuf_init(&b);
	ipc_pack_sms(&b, &sms);
	if (ipc_write(w->fd, IPC_RECV, &b) == -1)
		w->stop = 1;
	ibuf_free(&b);
	sms_in_free(&sms);
}

/* Deletes a committed message from the phone, or forgets an uncommitted one. */
static void
worker_confirm(struct worker *w, uint64_t token, int committed)
{
	int	 i;

	for (i = 0; i < w->npending; i++)
		if (w->pending[i].token == token)
			break;
	if (i == w->npending)
		return;		/* from before a reconnect: read again */
	if (committed)
		w->pending[i].confirmed = 1;
	else
		w->pending[i] = w->pending[--w->npending];
}

/*
 * Deletes one committed message from the phone.  Deletes wait for the
 * worker to be otherwise idle, one per turn of its loop, so that a send
 * handed over meanwhile (an urgent alert after a burst of reports) does
 * not queue behind a SIM's worth of AT+CMGD.  A message not deleted yet
 * (a crash, a reconnect) is read again and recognised by its dedup key.
 * Returns 1 when it deleted one, 0 when there was none.
 */
static int
worker_delete_one(struct worker *w)
{
	GSM_SMSMessage	 s;
	GSM_Error	 err;
	int		 i, j;

	for (i = 0; i < w->npending; i++)
		if (w->pending[i].confirmed)
			break;
	if (i == w->npending || !w->connected)
		return (0);
	for (j = 0; j < w->pending[i].nlocs; j++) {
		memset(&s, 0, sizeof(s));
		s.Folder = w->pending[i].locs[j].folder;
		s.Location = w->pending[i].locs[j].location;
		err = GSM_DeleteSMS(w->sm, &s);
		if (err != ERR_NONE && err != ERR_EMPTY) {
			(void)worker_error(w, err, "deleting a message");
			break;
		}
	}
	/* A reconnect in worker_error may have emptied the table. */
	if (i < w->npending)
		w->pending[i] = w->pending[--w->npending];
	return (1);
}

/* Whether a committed message waits to be deleted. */
static int
worker_has_deletes(struct worker *w)
{
	int	 i;

	for (i = 0; i < w->npending; i++)
		if (w->pending[i].confirmed)
			return (1);
	return (0);
}

/*
 * Classifies a CMS error code from the send-status callback: the numbers
 * listed mean the recipient or the message itself is wrong, and trying
 * again will not help (3GPP TS 24.011 / 27.005).
 */
static int
worker_cms_permanent(int status)
{
	switch (status) {
	case 1:		/* unassigned number */
	case 8:		/* operator determined barring */
	case 10:	/* call barred */
	case 21:	/* short message transfer rejected */
	case 28:	/* unidentified subscriber */
	case 29:	/* facility rejected */
	case 30:	/* unknown subscriber */
	case 96:	/* invalid mandatory information */
	case 304:	/* invalid PDU mode parameter */
	case 305:	/* invalid text mode parameter */
		return (1);
	default:
		return (0);
	}
}

/* Sends one message, part after part, and reports the outcome. */
static void
worker_send(struct worker *w, int64_t id, const char *number,
    const char *text, int charset)
{
	GSM_MultiPartSMSInfo	 info;
	GSM_MultiSMSMessage	*multi;
	GSM_SMSMessage		*s;
	GSM_Error		 err;
	unsigned char		*ucs;
	size_t			 len = strlen(text);
	int64_t			 deadline;
	char			 why[256];
	int			 i, mr = -1, ref;
	int			 refs[GSM_MAX_MULTI_SMS];

	if (!w->connected) {
		worker_sent(w, id, SEND_TEMPFAIL, 0, -1, "modem not connected",
		    NULL);
		return;
	}
	ucs = xcalloc(len + 2, 2);
	DecodeUTF8(ucs, text, len);
	/* 50 parts of 67 UCS-2 characters; libGammu would cut silently. */
	if (UnicodeLength(ucs) > GSM_MAX_MULTI_SMS * 67) {
		free(ucs);
		worker_sent(w, id, SEND_PERMFAIL, 0, -1,
		    "text longer than 50 parts", NULL);
		return;
	}
	GSM_ClearMultiPartSMSInfo(&info);
	info.Class = -1;
	info.EntriesNum = 1;
	info.UnicodeCoding = charset == CHARSET_UCS2;
	info.Entries[0].ID = charset == CHARSET_UCS2 ?
	    SMS_ConcatenatedTextLong : SMS_ConcatenatedAutoTextLong;
	info.Entries[0].Buffer = ucs;
	multi = xcalloc(1, sizeof(*multi));
	pthread_mutex_lock(&gammu_lock);
	err = GSM_EncodeMultiPartSMS(GSM_GetDebug(w->sm), &info, multi);
	pthread_mutex_unlock(&gammu_lock);
	/* Not GSM_FreeMultiPartSMSInfo: it would free our buffer. */
	free(ucs);
	if (err != ERR_NONE) {
		(void)snprintf(why, sizeof(why), "encoding failed: %s",
		    GSM_ErrorString(err));
		free(multi);
		worker_sent(w, id, SEND_PERMFAIL, 0, -1, why, NULL);
		return;
	}
	/* Our own concatenation reference: the clock-based one repeats. */
	ref = w->ref8 = (w->ref8 + 1) & 0xff;
	for (i = 0; i < multi->Number; i++) {
		s = &multi->SMS[i];
		if (multi->Number > 1) {
			s->UDH.ID8bit = ref;
			GSM_EncodeUDHHeader(GSM_GetDebug(w->sm), &s->UDH);
		}
		EncodeUnicode(s->Number, number, strlen(number));
		if (w->have_smsc) {
			s->SMSC = w->smsc;
			s->SMSC.Location = 0;
		} else
			s->SMSC.Location = 1;
		s->SMSC.Validity.Format = SMS_Validity_RelativeFormat;
		s->SMSC.Validity.Relative = SMS_VALID_1_Day;
		s->PDU = SMS_Status_Report;	/* ask for a delivery report */
		s->Class = -1;

		w->send_done = 0;
		err = GSM_SendSMS(w->sm, s);
		if (err != ERR_NONE) {
			(void)snprintf(why, sizeof(why), "part %d/%d: %s", i + 1,
			    multi->Number, GSM_ErrorString(err));
			free(multi);
			worker_sent(w, id, SEND_TEMPFAIL, i, mr, why, NULL);
			(void)worker_error(w, err, "sending");
			return;
		}
		deadline = worker_now() + w->send_timeout * 1000;
		while (!w->send_done && worker_now() < deadline &&
		    w->connected) {
			atomic_store(&w->beat, worker_now());
			GSM_ReadDevice(w->sm, TRUE);
		}
		if (!w->send_done) {
			(void)snprintf(why, sizeof(why),
			    "part %d/%d: no send status within %ds", i + 1,
			    multi->Number, w->send_timeout);
			free(multi);
			worker_sent(w, id, SEND_TEMPFAIL, i, mr, why, NULL);
			return;
		}
		if (w->send_status != 0) {
			(void)snprintf(why, sizeof(why), "part %d/%d: CMS error %d",
			    i + 1, multi->Number, w->send_status);
			free(multi);
			worker_sent(w, id, worker_cms_permanent(w->send_status) ?
			    SEND_PERMFAIL : SEND_TEMPFAIL, i, mr, why, NULL);
			return;
		}
		if (i == 0)
			mr = w->send_mr;
		refs[i] = w->send_mr;
	}
	i = multi->Number;
	free(multi);
	worker_sent(w, id, SEND_OK, i, mr, NULL, refs);
}
