/*
 * tinbao: the outbox, from a queued row to an SMS on a transport.
 *
 * The queue lives in the database (table outbox), so a restart loses
 * nothing: a row left 'sending' by a crash is queued again at start, and an
 * alert is sent at least once.  One message is with a transport at a time;
 * the next is the most urgent one that is due (alerts, then replies, then
 * acknowledgements, then digests).  A failure is retried with a backoff
 * (30 s doubling, at most an hour, ten attempts) unless it is permanent.
 * A reporter's number is decrypted only here, just before it is handed to
 * a transport, and never logged.
 *
 * The outbox knows no transport by name: each one (the modem, Kannel;
 * later each modem of a SIM pool) registers a struct transport, a small
 * table of functions, and reports its outcomes with outbox_sent.  The
 * first registered transport that is ready takes the next message, so
 * the modem goes first and Kannel takes over while it is down.  A SIM
 * pool registers one transport per modem; the message in flight and the
 * send interval, one of each today, then become per transport.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "tinbao.h"

#define OUTBOX_MAX_ATTEMPTS	10
#define OUTBOX_SETTLE_MS	1500	/* alerts only, after an SMS came in */
#define OUTBOX_BACKOFF_BASE	30
#define OUTBOX_BACKOFF_MAX	3600
#define OUTBOX_TRANSPORTS	8

/* One registered transport and its argument. */
struct outbox_transport {
	const struct transport	*t;
	void			*arg;
};

struct outbox {
	struct store		*store;
	const struct secret	*secret;
	struct outbox_transport	 transports[OUTBOX_TRANSPORTS];
	int			 ntransports;
	int			 stopped;	/* hands nothing more over */
	struct event		*kick;
	int64_t			 inflight;	/* outbox id with a transport */
	int64_t			 inflight_case;
	int			 inflight_attempts;
	char			 inflight_kind[16];
	uint64_t		 sent;
	uint64_t		 failed;
	int			 interval;	/* send_interval, seconds */
	int64_t			 last_send_ms;
	int64_t			 last_recv_ms;	/* the last SMS in (modem) */
};

static void	outbox_kick_cb(evutil_socket_t, short, void *);
static int64_t	outbox_now_ms(void);
static int	outbox_wait(struct outbox *);
static const struct outbox_transport *outbox_ready(struct outbox *);
static int	outbox_number(struct outbox *, struct store_outmsg *, char *,
		    size_t, char *, size_t, int64_t);

static int64_t
outbox_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Returns 1 (and arms the kick as a timer) when the last send was less
 * than send_interval ago, 0 when the next message may go now.
 */
static int
outbox_wait(struct outbox *ob)
{
	int64_t		 left;
	struct timeval	 tv;

	if (ob->last_send_ms == 0)
		return (0);
	left = ob->last_send_ms + (int64_t)ob->interval * 1000 - outbox_now_ms();
	if (left <= 0)
		return (0);
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	event_add(ob->kick, &tv);
	return (1);
}

/* Sets up the outbox over an open store; sending starts with a transport. */
struct outbox *
outbox_new(struct event_base *base, struct store *st, const struct secret *sec,
    int interval)
{
	struct outbox	*ob;

	ob = xcalloc(1, sizeof(*ob));
	ob->interval = interval;
	ob->store = st;
	ob->secret = sec;
	ob->kick = event_new(base, -1, 0, outbox_kick_cb, ob);
	return (ob);
}

/* Frees the outbox. */
void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	event_free(ob->kick);
	free(ob);
}

/*
 * Registers a transport.  Transports are tried in the order they were
 * registered: the first one ready takes the next message.
 */
void
outbox_add_transport(struct outbox *ob, const struct transport *t, void *arg)
{
	if (ob->ntransports == OUTBOX_TRANSPORTS)
		fatalx("outbox: too many transports");
	ob->transports[ob->ntransports].t = t;
	ob->transports[ob->ntransports].arg = arg;
	ob->ntransports++;
	outbox_kick(ob);
}

/*
 * Stops handing messages over (the gateway is stopping); outcomes of the
 * message in flight are still recorded.
 */
void
outbox_stop(struct outbox *ob)
{
	ob->stopped = 1;
}

/* Returns the id of the message with a transport, or 0. */
int64_t
outbox_inflight(const struct outbox *ob)
{
	return (ob->inflight);
}

/* Returns the first registered transport that is ready, or NULL. */
static const struct outbox_transport *
outbox_ready(struct outbox *ob)
{
	int	 i;

	if (ob->stopped)
		return (NULL);
	for (i = 0; i < ob->ntransports; i++)
		if (ob->transports[i].t->is_ready(ob->transports[i].arg))
			return (&ob->transports[i]);
	return (NULL);
}

/*
 * Notes that an SMS has just come in from the modem.  For OUTBOX_SETTLE_MS
 * after the last one, only alerts go out: in a burst of reports the worker
 * hands them over one after the other, and an acknowledgement taken for
 * the first would hold the modem (and the send interval) while an urgent
 * report a few messages later waits for its alert.
 */
void
outbox_received(struct outbox *ob)
{
	ob->last_recv_ms = outbox_now_ms();
}

/* Schedules a look at the queue from the event loop. */
void
outbox_kick(struct outbox *ob)
{
	event_active(ob->kick, 0, 0);
}

static int64_t
outbox_backoff(int attempts)
{
	int64_t	 d = OUTBOX_BACKOFF_BASE;

	while (--attempts > 0 && d < OUTBOX_BACKOFF_MAX)
		d *= 2;
	return (d > OUTBOX_BACKOFF_MAX ? OUTBOX_BACKOFF_MAX : d);
}

/*
 * The number to send o to: a reporter's, decrypted, or the contact's.
 * Returns 0, or -1 when the message is not to be sent (the number is
 * unavailable, or the reporter sent STOP): it is marked failed here.
 */
static int
outbox_number(struct outbox *ob, struct store_outmsg *o, char *number,
    size_t numbersz, char *alias, size_t aliassz, int64_t now)
{
	int	 silent = 0;

	if (o->reporter_id <= 0) {
		(void)strlcpy_checked(number, o->numbuf, numbersz);
		return (0);
	}
	if (store_reporter_number(ob->store, ob->secret, o->reporter_id,
	    number, numbersz, alias, aliassz, &silent) == -1) {
		log_warnx("outbox=%lld to=%s number unavailable",
		    (long long)o->id, alias);
		(void)store_outbox_done(ob->store, o->id, "failed",
		    "number unavailable", 0, -1, now);
		return (-1);
	}
	/* STOP came after this was queued: honour it now. */
	if (silent) {
		explicit_bzero(number, numbersz);
		(void)store_outbox_done(ob->store, o->id, "failed",
		    "suppressed: the reporter sent STOP", 0, -1, now);
		if (o->case_id > 0)
			(void)store_event_add(ob->store, o->case_id, now,
			    "reply_suppressed", o->kindbuf);
		return (-1);
	}
	return (0);
}

/* Hands the next due message to the first ready transport, if it is free. */
static void
outbox_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox			*ob = arg;
	const struct outbox_transport	*tr;
	struct store_outmsg		 o;
	struct sms_out			 out;
	char				 alias[24] = "", number[NUMBER_MAX];
	int64_t				 now = time(NULL), settle;
	struct timeval			 tv;

	(void)fd;
	(void)what;
	while (!ob->inflight && (tr = outbox_ready(ob)) != NULL) {
		/* The send rate: come back when the interval has passed. */
		if (outbox_wait(ob))
			return;
		settle = ob->last_recv_ms + OUTBOX_SETTLE_MS - outbox_now_ms();
		if (store_outbox_take_upto(ob->store, now, settle > 0 ?
		    PRIO_ALERT : INT_MAX, &o) <= 0) {
			/* Come back for the rest once the burst has settled. */
			if (settle > 0) {
				tv.tv_sec = settle / 1000;
				tv.tv_usec = (settle % 1000) * 1000;
				event_add(ob->kick, &tv);
			}
			return;
		}
		if (outbox_number(ob, &o, number, sizeof(number), alias,
		    sizeof(alias), now) == -1) {
			free(o.owned);
			continue;
		}
		memset(&out, 0, sizeof(out));
		out.id = o.id;
		(void)strlcpy_checked(out.number, number, sizeof(out.number));
		out.text = o.owned;
		out.charset = o.charset;
		/*
		 * In flight before the transport is called: a transport may
		 * report the outcome at once (Kannel when the request cannot
		 * even be made), and that must find this message in flight.
		 */
		ob->inflight = o.id;
		ob->last_send_ms = outbox_now_ms();
		ob->inflight_case = o.case_id;
		ob->inflight_attempts = o.attempts;
		(void)strlcpy_checked(ob->inflight_kind, o.kindbuf,
		    sizeof(ob->inflight_kind));
		log_debug("outbox=%lld kind=%s to=%s handed over attempt=%d "
		    "transport=%s", (long long)o.id, o.kindbuf,
		    alias[0] ? alias : "contact", o.attempts, tr->t->name);
		tr->t->send(tr->arg, &out);
		explicit_bzero(number, sizeof(number));
		explicit_bzero(out.number, sizeof(out.number));
		free(o.owned);
	}
}

/*
 * Records a delivery report from the network: the message with this
 * reference becomes delivered or failed.  A temporary status (the network
 * still trying) changes nothing: only final states are written, and never
 * over another final state.
 */
void
outbox_delivery(struct outbox *ob, int reference, int status)
{
	int64_t	 now = time(NULL), id, case_id = 0;
	char	 detail[64], err[32];
	int	 delivered;

	if (status >= 0x20 && status < 0x40)
		return;
	delivered = status < 0x20;
	(void)snprintf(err, sizeof(err), "delivery status 0x%02x", status);
	if ((id = store_outbox_delivery(ob->store, reference, delivered,
	    delivered ? NULL : err, now, &case_id)) <= 0) {
		log_debug("delivery report ref=%d matches no sent message",
		    reference);
		return;
	}
	(void)snprintf(detail, sizeof(detail), "outbox=%lld status=0x%02x",
	    (long long)id, status);
	if (case_id > 0)
		(void)store_event_add(ob->store, case_id, now,
		    delivered ? "delivered" : "delivery_failed", detail);
	log_info("outbox=%lld %s ref=%d", (long long)id,
	    delivered ? "delivered" : "not delivered", reference);
}

/*
 * Records a delivery report that names our outbox id (Kannel's dlr-url).
 * Only a message in state 'sent' changes: a final state is never
 * overwritten.
 */
void
outbox_delivery_id(struct outbox *ob, int64_t id, int delivered, int status)
{
	int64_t	 now = time(NULL), case_id = 0;
	char	 detail[64], err[32];

	(void)snprintf(err, sizeof(err), "delivery status %d", status);
	if (store_outbox_delivery_id(ob->store, id, delivered,
	    delivered ? NULL : err, now, &case_id) <= 0)
		return;
	(void)snprintf(detail, sizeof(detail), "outbox=%lld status=%d",
	    (long long)id, status);
	if (case_id > 0)
		(void)store_event_add(ob->store, case_id, now,
		    delivered ? "delivered" : "delivery_failed", detail);
	log_info("outbox=%lld %s", (long long)id,
	    delivered ? "delivered" : "not delivered");
}

/* Records a transport's outcome for the message in flight. */
void
outbox_sent(struct outbox *ob, int64_t id, int result, int parts, int mr,
    const char *error)
{
	int64_t	 now = time(NULL), case_id = ob->inflight_case;
	char	 detail[300];

	if (id != ob->inflight)
		log_warnx("outbox=%lld outcome for a message not in flight",
		    (long long)id);
	ob->inflight = 0;
	switch (result) {
	case SEND_OK:
		if (store_outbox_done(ob->store, id, "sent", NULL, parts, mr,
		    now) == -1)
			break;
		(void)snprintf(detail, sizeof(detail), "%s outbox=%lld parts=%d",
		    ob->inflight_kind, (long long)id, parts);
		if (case_id > 0)
			(void)store_event_add(ob->store, case_id, now,
			    "reply_sent", detail);
		log_info("outbox=%lld kind=%s sent parts=%d ref=%d",
		    (long long)id, ob->inflight_kind, parts, mr);
		ob->sent++;
		break;
	case SEND_TEMPFAIL:
		if (ob->inflight_attempts < OUTBOX_MAX_ATTEMPTS) {
			int64_t	 next = now + outbox_backoff(
			    ob->inflight_attempts);

			(void)store_outbox_retry(ob->store, id,
			    error ? error : "temporary failure", next);
			log_warnx("outbox=%lld send failed reason=\"%s\" "
			    "attempt=%d retry_in=%llds", (long long)id,
			    error ? error : "", ob->inflight_attempts,
			    (long long)(next - now));
			break;
		}
		/* FALLTHROUGH */
	default:
		(void)store_outbox_done(ob->store, id, "failed",
		    error ? error : "failed", parts, mr, now);
		(void)snprintf(detail, sizeof(detail),
		    "%s outbox=%lld reason=%s", ob->inflight_kind,
		    (long long)id, error ? error : "failed");
		if (case_id > 0)
			(void)store_event_add(ob->store, case_id, now,
			    "reply_failed", detail);
		log_warnx("outbox=%lld send failed for good reason=\"%s\"",
		    (long long)id, error ? error : "");
		ob->failed++;
		break;
	}
	outbox_kick(ob);
}
