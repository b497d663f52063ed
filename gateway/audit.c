/*
 * tinbao: refusals in the audit log, aggregated.
 *
 * A refused request (a failed or throttled login, a CSRF refusal, a page
 * denied by role, an unknown API token) is an audit row and a log line.
 * Sent five thousand times a second, that is five thousand rows and lines:
 * the audit table and the journal become the attack's target.  So per
 * source address and action, the first AUDIT_SINGLE refusals of a minute
 * are written as they come, and the rest of that minute is counted into
 * one row (detail "count=N", the actor of the last one) written when the
 * minute is over, with one log line.  Memory is AUDIT_SLOTS sources; when
 * more than that refuse within one minute, the newcomers share one slot
 * ("*" as the address), which still gives one row a minute.
 *
 * The audit table stays append-only: rows are only ever added.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "tinbao.h"

#define AUDIT_SLOTS	256
#define AUDIT_SINGLE	3	/* rows written one by one each minute */
#define AUDIT_FLUSH	10	/* seconds between flushes of past minutes */

struct audit_slot {
	char		 addr[64];
	char		 action[32];
	char		 actor[80];
	int64_t		 minute;	/* now / 60; 0: free */
	unsigned long	 seen;		/* refusals this minute */
};

struct audit {
	struct store		*store;
	struct event		*ev_flush;
	struct audit_slot	 slots[AUDIT_SLOTS];
};

static void	audit_flush_cb(evutil_socket_t, short, void *);

/* Aggregates the refusals written to st; flushed every AUDIT_FLUSH s. */
struct audit *
audit_new(struct event_base *base, struct store *st)
{
	struct audit	*a;
	struct timeval	 tv = { AUDIT_FLUSH, 0 };

	a = xcalloc(1, sizeof(*a));
	a->store = st;
	if (base != NULL) {
		a->ev_flush = event_new(base, -1, EV_PERSIST, audit_flush_cb, a);
		evtimer_add(a->ev_flush, &tv);
	}
	return (a);
}

/* Writes a slot's count row, if it has one, and frees the slot. */
static void
audit_slot_close(struct audit *a, struct audit_slot *s)
{
	char	 detail[32];

	if (s->minute != 0 && s->seen > AUDIT_SINGLE) {
		(void)snprintf(detail, sizeof(detail), "count=%lu",
		    s->seen - AUDIT_SINGLE);
		(void)store_audit(a->store, s->actor, s->action, 0, detail,
		    s->addr);
		log_warnx("audit: %lu more %s from addr=%s in one minute "
		    "(one row)", s->seen - AUDIT_SINGLE, s->action, s->addr);
	}
	memset(s, 0, sizeof(*s));
}

/* Writes the count rows of every minute before now's. */
void
audit_flush(struct audit *a, int64_t now)
{
	size_t	 i;

	for (i = 0; i < AUDIT_SLOTS; i++)
		if (a->slots[i].minute != 0 && a->slots[i].minute < now / 60)
			audit_slot_close(a, &a->slots[i]);
}

static void
audit_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	audit_flush(arg, (int64_t)time(NULL));
}

/* Finds the slot of (addr, action) this minute, making one if needed. */
static struct audit_slot *
audit_slot(struct audit *a, const char *addr, const char *action,
    int64_t minute)
{
	struct audit_slot	*s, *free_slot = NULL, *shared = NULL;
	size_t			 i;

	for (i = 0; i < AUDIT_SLOTS; i++) {
		s = &a->slots[i];
		if (s->minute != 0 && s->minute < minute)
			audit_slot_close(a, s);
		if (s->minute == 0) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		if (strcmp(s->action, action) != 0)
			continue;
		if (strcmp(s->addr, addr) == 0)
			return (s);
		if (strcmp(s->addr, "*") == 0)
			shared = s;
	}
	if (free_slot == NULL && shared != NULL)
		return (shared);
	if ((s = free_slot) == NULL) {
		/* Every slot busy this minute: newcomers share the last. */
		s = &a->slots[AUDIT_SLOTS - 1];
		audit_slot_close(a, s);
		addr = "*";
	}
	(void)strlcpy_checked(s->addr, addr, sizeof(s->addr));
	(void)strlcpy_checked(s->action, action, sizeof(s->action));
	s->minute = minute;
	return (s);
}

/*
 * Records one refusal.  Returns 1 when it was written as its own row (the
 * caller may log it too), 0 when it was counted into the minute's row,
 * -1 when the store failed.
 */
int
audit_refusal(struct audit *a, const char *actor, const char *action,
    const char *detail, const char *addr, int64_t now)
{
	struct audit_slot	*s;

	s = audit_slot(a, addr != NULL && addr[0] != '\0' ? addr : "-",
	    action, now / 60);
	(void)strlcpy_checked(s->actor, actor, sizeof(s->actor));
	if (++s->seen > AUDIT_SINGLE)
		return (0);
	return (store_audit(a->store, actor, action, 0, detail, addr) == -1 ?
	    -1 : 1);
}

/* Writes what is still counted, and frees. */
void
audit_free(struct audit *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < AUDIT_SLOTS; i++)
		audit_slot_close(a, &a->slots[i]);
	if (a->ev_flush != NULL)
		event_free(a->ev_flush);
	free(a);
}
