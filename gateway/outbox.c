/*
 * tinbao: the outbox, from a queued row to an SMS on a transport.
 *
 * The queue lives in the database (table outbox), so a restart loses
 * nothing: a row left 'sending' by a crash is queued again at start, and an
 * alert is sent at least once.  The next message is the most urgent one
 * that is due (alerts, then replies, then acknowledgements, then digests).
 * A failure is retried with a backoff (30 s doubling, at most an hour, ten
 * attempts) unless it is permanent.  A reporter's number is decrypted only
 * here, just before it is handed to a transport, and never logged.
 *
 * The outbox knows no transport by name: each one (each modem of a SIM
 * pool, Kannel) registers a struct transport, a small table of functions,
 * and reports its outcomes with outbox_sent.
 *
 * DESIGN (a SIM pool, SPEC section 3)
 *
 * Each transport has one message in flight at most and its own send
 * interval, so two modems send two messages at once.  A multipart message
 * is one message here: it goes to one transport, which sends every part.
 * Whenever a transport is free the most urgent due message is taken (the
 * priority comes first: an alert never waits behind an acknowledgement)
 * and given to a free transport, chosen in this order:
 *   1. the tier: modems in rotation; else a fallback transport (Kannel);
 *      else any transport up but out of rotation (better late than
 *      never: a SIM said to be out of credit may still send, and a lone
 *      transport that failed three times is still tried);
 *   2. the recipient's carrier (carrier.c): an on-net SIM first, then a
 *      SIM for any carrier, then the others;
 *   3. the least busy: the one whose last send is the oldest.
 * To find work for each free SIM, a few due messages are taken ahead
 * (staged, in priority order).  A message whose on-net SIMs are all busy
 * waits for one while fewer than OUTBOX_ONNET_AHEAD messages per on-net
 * SIM are staged before it and their sends are young (a second or two:
 * one or two sends); beyond that it goes off-net on the free SIM at
 * once: in a burst the pool's speed matters more than the price of an
 * off-net SMS, and a hung on-net SIM must not hold anything.
 *
 * Rotation.  A transport is in rotation while its link is up (is_ready),
 * nobody holds it out (outbox_hold: the SIM's credit is low) and it is not
 * failing: OUTBOX_FAILS_OUT failed sends of different messages in a row
 * take it out for a cool-off (30 s, doubling up to 10 min, reset by a
 * success), after which it is tried again by itself.  A message whose
 * send failed on one modem is due again at once when another modem is in
 * rotation: that is how a modem's queue (its message in flight; the rest
 * waits in the database, not in the modem) goes to the others.  Every
 * change of rotation is logged.
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
#define OUTBOX_TRANSPORTS	16
#define OUTBOX_FAILS_OUT	3	/* failed messages in a row: out */
#define OUTBOX_COOLOFF_MIN	30	/* seconds out of rotation, doubling */
#define OUTBOX_COOLOFF_MAX	600
#define OUTBOX_STAGE_MAX	24	/* messages looked ahead at */
#define OUTBOX_ONNET_WAIT_MS	5000	/* a busy on-net SIM is waited for
					   while its send is younger */
#define OUTBOX_ONNET_AHEAD	2	/* ... and while fewer than this many
					   per on-net SIM are before it */

/* A message taken from the queue, waiting for the right transport. */
struct outbox_staged {
	struct store_outmsg	 o;		/* o.owned: the text */
	int			 carrier;	/* of the recipient */
};

/* One registered transport, its message in flight and its pacing. */
struct outbox_slot {
	const struct transport	*t;
	void			*arg;
	char			 label[16];
	int			 carrier;	/* enum carrier of its SIM */
	int64_t			 inflight;	/* outbox id, or 0 */
	int64_t			 inflight_case;
	int			 inflight_attempts;
	int			 inflight_onnet;
	char			 inflight_kind[16];
	int64_t			 last_send_ms;
	uint64_t		 sent;
	uint64_t		 failed;
	uint64_t		 onnet;
	int			 fails;		/* different messages in a row */
	int64_t			 fail_ids[OUTBOX_FAILS_OUT];
	int64_t			 out_until_ms;	/* failing: out until then */
	int			 cooloff;	/* seconds, the next one */
	char			 hold[64];	/* held out: why; "" when not */
	int			 was_in;	/* in rotation when last looked */
};

struct outbox {
	struct store		*store;
	const struct secret	*secret;
	const struct carrier_table *carriers;
	struct outbox_slot	 slots[OUTBOX_TRANSPORTS];
	int			 nslots;
	struct outbox_staged	 staged[OUTBOX_STAGE_MAX];
	int			 nstaged;	/* by priority, then taken */
	int			 stopped;	/* hands nothing more over */
	struct event		*kick;
	uint64_t		 sent;
	uint64_t		 failed;
	int			 interval;	/* send_interval, seconds */
	int64_t			 last_recv_ms;	/* the last SMS in (modem) */
};

static void	outbox_kick_cb(evutil_socket_t, short, void *);
static int64_t	outbox_now_ms(void);
static int	outbox_is_in(struct outbox_slot *, int64_t);
static int	outbox_tier(struct outbox *, int64_t, int *);
static struct outbox_slot *outbox_pick(struct outbox *, const int *, int,
		    int, int64_t);
static int64_t	outbox_pace_left(struct outbox *, struct outbox_slot *,
		    int64_t);
static void	outbox_failing(struct outbox_slot *, int64_t, int64_t);
static int	outbox_has_other(struct outbox *, struct outbox_slot *, int64_t);
static int	outbox_number(struct outbox *, struct store_outmsg *, char *,
		    size_t, char *, size_t, int64_t);
static int	outbox_stage(struct outbox *, int64_t, int);
static int	outbox_choose(struct outbox *, const int *, int, int64_t, int,
		    struct outbox_slot **);
static void	outbox_hand(struct outbox_slot *,
		    struct store_outmsg *, const char *, const char *, int);

static int64_t
outbox_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
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
	ob->carriers = carrier_table_default();
	ob->kick = event_new(base, -1, 0, outbox_kick_cb, ob);
	return (ob);
}

/* Frees the outbox. */
void
outbox_free(struct outbox *ob)
{
	int	 i;

	if (ob == NULL)
		return;
	/* Staged rows stay 'sending': the next start queues them again. */
	for (i = 0; i < ob->nstaged; i++)
		free(ob->staged[i].o.owned);
	event_free(ob->kick);
	free(ob);
}

/*
 * Registers a transport and returns its index.  Among transports of the
 * same tier and carrier, the least busy takes the next message.
 */
int
outbox_add_transport(struct outbox *ob, const struct transport *t, void *arg)
{
	struct outbox_slot	*sl;

	if (ob->nslots == OUTBOX_TRANSPORTS)
		fatalx("outbox: too many transports");
	sl = &ob->slots[ob->nslots];
	memset(sl, 0, sizeof(*sl));
	sl->t = t;
	sl->arg = arg;
	sl->cooloff = OUTBOX_COOLOFF_MIN;
	(void)strlcpy_checked(sl->label, t->name, sizeof(sl->label));
	outbox_kick(ob);
	return (ob->nslots++);
}

/* Names transport i for logs and metrics, and says its SIM's carrier. */
void
outbox_set_label(struct outbox *ob, int i, const char *label, int carrier)
{
	if (i < 0 || i >= ob->nslots)
		return;
	(void)strlcpy_checked(ob->slots[i].label, label,
	    sizeof(ob->slots[i].label));
	ob->slots[i].carrier = carrier;
}

/* Uses a prefix table (the caller keeps it alive) for carriers. */
void
outbox_set_carriers(struct outbox *ob, const struct carrier_table *t)
{
	ob->carriers = t != NULL ? t : carrier_table_default();
}

/*
 * Holds transport i out of rotation for a reason (a SIM low on credit),
 * or puts it back with NULL.  Logged when it changes.
 */
void
outbox_hold(struct outbox *ob, int i, const char *why)
{
	struct outbox_slot	*sl;

	if (i < 0 || i >= ob->nslots)
		return;
	sl = &ob->slots[i];
	if (why == NULL && sl->hold[0] != '\0') {
		log_info("transport=%s back in rotation (was: %s)", sl->label,
		    sl->hold);
		sl->hold[0] = '\0';
		outbox_kick(ob);
	} else if (why != NULL && strcmp(sl->hold, why) != 0) {
		log_warnx("transport=%s out of rotation reason=\"%s\"",
		    sl->label, why);
		(void)strlcpy_checked(sl->hold, why, sizeof(sl->hold));
	}
}

/* Returns how many transports are registered. */
int
outbox_ntransports(const struct outbox *ob)
{
	return (ob->nslots);
}

/* Fills what the outbox knows of transport i; 0, or -1 when none. */
int
outbox_tstat(struct outbox *ob, int i, struct outbox_tstat *ts)
{
	struct outbox_slot	*sl;
	int64_t			 now = outbox_now_ms();

	if (i < 0 || i >= ob->nslots)
		return (-1);
	sl = &ob->slots[i];
	memset(ts, 0, sizeof(*ts));
	(void)strlcpy_checked(ts->label, sl->label, sizeof(ts->label));
	ts->carrier = sl->carrier;
	ts->ready = sl->t->is_ready(sl->arg);
	ts->in_rotation = outbox_is_in(sl, now);
	if (!ts->ready)
		(void)strlcpy_checked(ts->why_out, "down",
		    sizeof(ts->why_out));
	else if (sl->hold[0] != '\0')
		(void)strlcpy_checked(ts->why_out, sl->hold,
		    sizeof(ts->why_out));
	else if (now < sl->out_until_ms)
		(void)snprintf(ts->why_out, sizeof(ts->why_out),
		    "failing sends, retried in %llds",
		    (long long)((sl->out_until_ms - now + 999) / 1000));
	ts->queue = sl->inflight != 0;
	ts->sent = sl->sent;
	ts->failed = sl->failed;
	ts->onnet = sl->onnet;
	return (0);
}

/*
 * Stops handing messages over (the gateway is stopping); outcomes of the
 * messages in flight are still recorded.
 */
void
outbox_stop(struct outbox *ob)
{
	ob->stopped = 1;
}

/* Returns the id of a message with a transport, or 0. */
int64_t
outbox_inflight(const struct outbox *ob)
{
	int	 i;

	for (i = 0; i < ob->nslots; i++)
		if (ob->slots[i].inflight != 0)
			return (ob->slots[i].inflight);
	return (0);
}

/*
 * Requeues rows left 'sending' that no transport holds (an outcome that
 * could not be saved).  Returns how many, or -1.
 */
int
outbox_recover(struct outbox *ob)
{
	int64_t	 ids[OUTBOX_TRANSPORTS];
	int	 i, n = 0;

	/* Staged rows are 'sending' too: look again when none is. */
	if (ob->nstaged > 0)
		return (0);
	for (i = 0; i < ob->nslots; i++)
		if (ob->slots[i].inflight != 0)
			ids[n++] = ob->slots[i].inflight;
	return (store_outbox_recover_set(ob->store, ids, n));
}

/* Whether a transport is in rotation now; logs when that changes. */
static int
outbox_is_in(struct outbox_slot *sl, int64_t now)
{
	int	 in;

	in = sl->t->is_ready(sl->arg) && sl->hold[0] == '\0' &&
	    now >= sl->out_until_ms;
	if (in && !sl->was_in && sl->out_until_ms != 0 &&
	    sl->hold[0] == '\0') {
		log_info("transport=%s back in rotation after failing sends",
		    sl->label);
		sl->out_until_ms = 0;
	}
	sl->was_in = in;
	return (in);
}

/*
 * Fills idx with the transports that may take messages now, the first
 * non-empty tier of: modems in rotation, fallbacks (Kannel) in rotation,
 * any transport up but out of rotation (the last one is never locked
 * out).  Returns how many.
 */
static int
outbox_tier(struct outbox *ob, int64_t now, int *idx)
{
	struct outbox_slot	*sl;
	int			 tier, i, n;

	for (tier = 0; tier < 3; tier++) {
		n = 0;
		for (i = 0; i < ob->nslots; i++) {
			sl = &ob->slots[i];
			if (tier < 2 && (sl->t->fallback != (tier == 1) ||
			    !outbox_is_in(sl, now)))
				continue;
			if (tier == 2 && !sl->t->is_ready(sl->arg))
				continue;
			idx[n++] = i;
		}
		if (n > 0)
			return (n);
	}
	return (0);
}

/* Milliseconds before transport sl may send again (0: now). */
static int64_t
outbox_pace_left(struct outbox *ob, struct outbox_slot *sl, int64_t now)
{
	int64_t	 left;

	if (sl->last_send_ms == 0)
		return (0);
	left = sl->last_send_ms + (int64_t)ob->interval * 1000 - now;
	return (left > 0 ? left : 0);
}

/*
 * Picks, among the n transports of idx that are free and paced, the one
 * for a recipient of this carrier: on-net, then a SIM for any carrier,
 * then any; the least recently used within each.  With carrier -1, only
 * says whether one is free (any is returned).  NULL when none is free.
 */
static struct outbox_slot *
outbox_pick(struct outbox *ob, const int *idx, int n, int carrier,
    int64_t now)
{
	struct outbox_slot	*sl, *best = NULL;
	int			 i, rank, best_rank = 3;

	for (i = 0; i < n; i++) {
		sl = &ob->slots[idx[i]];
		if (sl->inflight != 0 || outbox_pace_left(ob, sl, now) > 0)
			continue;
		if (carrier > CARRIER_ANY && sl->carrier == carrier)
			rank = 0;
		else if (sl->carrier == CARRIER_ANY)
			rank = 1;
		else
			rank = 2;
		if (best == NULL || rank < best_rank || (rank == best_rank &&
		    sl->last_send_ms < best->last_send_ms)) {
			best = sl;
			best_rank = rank;
		}
	}
	return (best);
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

/*
 * Hands message o, to number, to transport sl: in flight before the
 * transport is called, since a transport may report the outcome at once
 * (Kannel when the request cannot even be made).
 */
static void
outbox_hand(struct outbox_slot *sl, struct store_outmsg *o,
    const char *number, const char *alias, int carrier)
{
	struct sms_out	 out;

	memset(&out, 0, sizeof(out));
	out.id = o->id;
	(void)strlcpy_checked(out.number, number, sizeof(out.number));
	out.text = o->owned;
	out.charset = o->charset;
	sl->inflight = o->id;
	sl->last_send_ms = outbox_now_ms();
	sl->inflight_case = o->case_id;
	sl->inflight_attempts = o->attempts;
	sl->inflight_onnet = carrier > CARRIER_ANY && carrier == sl->carrier;
	(void)strlcpy_checked(sl->inflight_kind, o->kindbuf,
	    sizeof(sl->inflight_kind));
	log_debug("outbox=%lld kind=%s to=%s handed over attempt=%d "
	    "transport=%s carrier=%s%s", (long long)o->id, o->kindbuf,
	    alias[0] ? alias : "contact", o->attempts, sl->label,
	    carrier_name(carrier), sl->inflight_onnet ? " on-net" : "");
	sl->t->send(sl->arg, &out);
	explicit_bzero(out.number, sizeof(out.number));
}

/*
 * Takes due messages from the queue into the staging list, up to twice
 * the transports (at least 4): enough to find one for each free SIM's
 * carrier; beyond that (up to OUTBOX_STAGE_MAX) only messages more
 * urgent than the least urgent staged, so priority still comes first.  The
 * number is decrypted only to learn its carrier, then wiped.  During the
 * settle time only alerts are taken.  Returns how many are staged.
 */
static int
outbox_stage(struct outbox *ob, int64_t now, int alerts_only)
{
	struct outbox_staged	 st;
	char			 alias[24] = "", number[NUMBER_MAX];
	int			 i, want, maxprio, worst;

	want = ob->nslots * 2 < 4 ? 4 : ob->nslots * 2;
	if (want > OUTBOX_STAGE_MAX)
		want = OUTBOX_STAGE_MAX;
	while (ob->nstaged < OUTBOX_STAGE_MAX) {
		maxprio = alerts_only ? PRIO_ALERT : INT_MAX;
		/*
		 * Full: only what is more urgent than the least urgent one
		 * staged, so that an alert queued behind a burst's
		 * acknowledgements is looked at at once.
		 */
		if (ob->nstaged >= want) {
			worst = ob->staged[ob->nstaged - 1].o.priority;
			if (worst == INT_MIN)
				break;
			if (worst - 1 < maxprio)
				maxprio = worst - 1;
		}
		memset(&st, 0, sizeof(st));
		if (store_outbox_take_upto(ob->store, now, maxprio,
		    &st.o) <= 0)
			break;
		if (outbox_number(ob, &st.o, number, sizeof(number), alias,
		    sizeof(alias), now) == -1) {
			free(st.o.owned);
			continue;
		}
		st.carrier = carrier_of(ob->carriers, number);
		explicit_bzero(number, sizeof(number));
		/* Sorted by priority; equal ones in the order taken. */
		for (i = ob->nstaged; i > 0 &&
		    ob->staged[i - 1].o.priority > st.o.priority; i--)
			ob->staged[i] = ob->staged[i - 1];
		ob->staged[i] = st;
		ob->nstaged++;
	}
	return (ob->nstaged);
}

/*
 * Chooses the next staged message and its transport among the n of idx
 * (DESIGN): messages in priority order; each goes to a free on-net SIM,
 * or waits while it is next in line for a busy on-net SIM whose send is
 * young, or else goes to the free SIM for any carrier or the least
 * recently used one.  Returns the staged index, or -1 (*slp NULL).
 */
static int
outbox_choose(struct outbox *ob, const int *idx, int n, int64_t nowms,
    int alerts_only, struct outbox_slot **slp)
{
	struct outbox_slot	*sl;
	int			 i, j, k, c, onnet, busy, ahead;

	*slp = NULL;
	for (i = 0; i < ob->nstaged; i++) {
		if (alerts_only && ob->staged[i].o.priority > PRIO_ALERT)
			continue;
		c = ob->staged[i].carrier;
		if ((sl = outbox_pick(ob, idx, n, c, nowms)) == NULL)
			return (-1);	/* nobody free */
		if (c == CARRIER_ANY || sl->carrier == c) {
			*slp = sl;
			return (i);
		}
		/* Its on-net SIMs are busy (or none is in the tier). */
		onnet = busy = 0;
		for (j = 0; j < n; j++) {
			struct outbox_slot *o = &ob->slots[idx[j]];

			if (o->carrier != c)
				continue;
			onnet++;
			if (nowms - o->last_send_ms < OUTBOX_ONNET_WAIT_MS)
				busy++;
		}
		for (ahead = 0, k = 0; k < i; k++)
			if (ob->staged[k].carrier == c)
				ahead++;
		if (onnet == 0 || busy == 0 ||
		    ahead >= busy * OUTBOX_ONNET_AHEAD) {
			*slp = sl;	/* waiting would be longer */
			return (i);
		}
	}
	return (-1);
}

/* Hands due messages to free transports while there are both. */
static void
outbox_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox		*ob = arg;
	struct outbox_slot	*sl;
	struct store_outmsg	 o;
	char			 alias[24] = "", number[NUMBER_MAX];
	int64_t			 now = time(NULL), settle, nowms, left, wait;
	int			 idx[OUTBOX_TRANSPORTS], n, i, carrier;
	struct timeval		 tv;

	(void)fd;
	(void)what;
	while (!ob->stopped) {
		nowms = outbox_now_ms();
		if ((n = outbox_tier(ob, nowms, idx)) == 0)
			return;
		wait = -1;
		if (outbox_pick(ob, idx, n, -1, nowms) == NULL) {
			/* All busy, or pacing: come back when one may send. */
			for (i = 0; i < n; i++) {
				sl = &ob->slots[idx[i]];
				left = outbox_pace_left(ob, sl, nowms);
				if (sl->inflight == 0 && left > 0 &&
				    (wait == -1 || left < wait))
					wait = left;
			}
			goto again;
		}
		settle = ob->last_recv_ms + OUTBOX_SETTLE_MS - nowms;
		(void)outbox_stage(ob, now, settle > 0);
		if ((i = outbox_choose(ob, idx, n, nowms, settle > 0,
		    &sl)) == -1) {
			/*
			 * Nothing for a free SIM now: come back when the
			 * burst has settled, or to stop waiting for a busy
			 * on-net SIM (an outcome kicks sooner).
			 */
			if (settle > 0)
				wait = settle;
			if (ob->nstaged > 0 && (wait == -1 || wait > 1000))
				wait = 1000;
			goto again;
		}
		o = ob->staged[i].o;
		carrier = ob->staged[i].carrier;
		memmove(&ob->staged[i], &ob->staged[i + 1],
		    (ob->nstaged - i - 1) * sizeof(ob->staged[0]));
		ob->nstaged--;
		if (outbox_number(ob, &o, number, sizeof(number), alias,
		    sizeof(alias), now) == -1) {
			free(o.owned);
			continue;
		}
		outbox_hand(sl, &o, number, alias, carrier);
		explicit_bzero(number, sizeof(number));
		free(o.owned);
	}
	return;
again:
	if (wait > 0) {
		tv.tv_sec = wait / 1000;
		tv.tv_usec = (wait % 1000) * 1000;
		event_add(ob->kick, &tv);
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
 * Records the message references of the parts of message id, sent through
 * the transport labelled label, for their delivery reports.
 */
void
outbox_parts(struct outbox *ob, int64_t id, const char *label,
    const int *refs, int n)
{
	(void)store_outbox_parts_add(ob->store, id, label, refs, n,
	    time(NULL));
}

/*
 * Records a delivery report from the modem labelled label: the newest
 * part it sent with this reference is delivered or failed, and its
 * message once every part is delivered, or one failed.  A reference no
 * part has (a message from before parts were kept) goes the old way.
 */
void
outbox_delivery_on(struct outbox *ob, const char *label, int reference,
    int status)
{
	int64_t	 id;
	int	 part, settled, r;

	if (status >= 0x20 && status < 0x40)
		return;
	r = store_outbox_part_delivery(ob->store, label, reference,
	    status < 0x20, &id, &part, &settled);
	if (r == 0) {
		outbox_delivery(ob, reference, status);
		return;
	}
	if (r == -1)
		return;
	log_debug("outbox=%lld part=%d report status=0x%02x ref=%d "
	    "transport=%s", (long long)id, part, status, reference, label);
	if (settled != 0)
		outbox_delivery_id(ob, id, settled > 0, status);
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

/*
 * Counts a failed send of message id on transport sl: after
 * OUTBOX_FAILS_OUT different messages in a row, it goes out of rotation
 * for a cool-off.  One message failing again and again (a recipient the
 * network refuses) counts once, so it cannot take the whole pool out.
 */
static void
outbox_failing(struct outbox_slot *sl, int64_t id, int64_t nowms)
{
	int	 i;

	for (i = 0; i < sl->fails && i < OUTBOX_FAILS_OUT; i++)
		if (sl->fail_ids[i] == id)
			return;
	sl->fail_ids[sl->fails % OUTBOX_FAILS_OUT] = id;
	if (++sl->fails < OUTBOX_FAILS_OUT)
		return;
	sl->out_until_ms = nowms + (int64_t)sl->cooloff * 1000;
	log_warnx("transport=%s out of rotation reason=\"failing sends\" "
	    "failures=%d retry_in=%ds", sl->label, sl->fails, sl->cooloff);
	sl->cooloff = sl->cooloff * 2 > OUTBOX_COOLOFF_MAX ?
	    OUTBOX_COOLOFF_MAX : sl->cooloff * 2;
	sl->fails = 0;
}

/*
 * Whether a modem other than sl is in rotation: then a message that
 * failed on sl is due again at once, on it.
 */
static int
outbox_has_other(struct outbox *ob, struct outbox_slot *sl, int64_t nowms)
{
	int	 i;

	for (i = 0; i < ob->nslots; i++)
		if (&ob->slots[i] != sl && !ob->slots[i].t->fallback &&
		    outbox_is_in(&ob->slots[i], nowms))
			return (1);
	return (0);
}

/* Records a transport's outcome for a message in flight. */
void
outbox_sent(struct outbox *ob, int64_t id, int result, int parts, int mr,
    const char *error)
{
	static struct outbox_slot	 none;
	struct outbox_slot		*sl = NULL;
	int64_t				 now = time(NULL), nowms, case_id;
	char				 detail[300];
	int				 i;

	for (i = 0; i < ob->nslots; i++)
		if (ob->slots[i].inflight == id && id != 0)
			sl = &ob->slots[i];
	if (sl == NULL) {
		log_warnx("outbox=%lld outcome for a message not in flight",
		    (long long)id);
		memset(&none, 0, sizeof(none));
		(void)strlcpy_checked(none.label, "?", sizeof(none.label));
		sl = &none;
	}
	sl->inflight = 0;
	case_id = sl->inflight_case;
	nowms = outbox_now_ms();
	switch (result) {
	case SEND_OK:
		sl->fails = 0;
		sl->cooloff = OUTBOX_COOLOFF_MIN;
		if (store_outbox_done(ob->store, id, "sent", NULL, parts, mr,
		    now) == -1)
			break;
		(void)snprintf(detail, sizeof(detail), "%s outbox=%lld parts=%d",
		    sl->inflight_kind, (long long)id, parts);
		if (case_id > 0)
			(void)store_event_add(ob->store, case_id, now,
			    "reply_sent", detail);
		log_info("outbox=%lld kind=%s sent parts=%d ref=%d "
		    "transport=%s", (long long)id, sl->inflight_kind, parts, mr,
		    sl->label);
		ob->sent++;
		sl->sent++;
		if (sl->inflight_onnet)
			sl->onnet++;
		break;
	case SEND_TEMPFAIL:
		sl->failed++;
		if (sl != &none)
			outbox_failing(sl, id, nowms);
		if (sl->inflight_attempts < OUTBOX_MAX_ATTEMPTS) {
			int64_t	 next = now + outbox_backoff(
			    sl->inflight_attempts);

			/* Another modem is up: it takes the message now. */
			if (sl != &none && !sl->t->fallback &&
			    outbox_has_other(ob, sl, nowms))
				next = now;
			(void)store_outbox_retry(ob->store, id,
			    error ? error : "temporary failure", next);
			log_warnx("outbox=%lld send failed reason=\"%s\" "
			    "attempt=%d transport=%s retry_in=%llds",
			    (long long)id, error ? error : "",
			    sl->inflight_attempts, sl->label,
			    (long long)(next - now));
			break;
		}
		/* FALLTHROUGH */
	default:
		if (result != SEND_TEMPFAIL)
			sl->failed++;
		(void)store_outbox_done(ob->store, id, "failed",
		    error ? error : "failed", parts, mr, now);
		(void)snprintf(detail, sizeof(detail),
		    "%s outbox=%lld reason=%s", sl->inflight_kind,
		    (long long)id, error ? error : "failed");
		if (case_id > 0)
			(void)store_event_add(ob->store, case_id, now,
			    "reply_failed", detail);
		log_warnx("outbox=%lld send failed for good reason=\"%s\" "
		    "transport=%s", (long long)id, error ? error : "",
		    sl->label);
		ob->failed++;
		break;
	}
	outbox_kick(ob);
}
