/*
 * tinbao: the dashboard's login throttle.
 *
 * Failed logins are counted per account, per unknown name and per
 * address, each within AUTH_WINDOW of its first failure.  A count at its
 * limit refuses the login without a password check (429) until the
 * window is over.
 *
 * The counts must not be evictable: once one shared table forgot its
 * oldest entry when full, 144 failures under made-up names from other
 * addresses erased a real account's lockout.  So the three kinds live
 * apart.  Accounts that exist get a counter each, kept until its window
 * is over, whatever else happens (there are as many as the users table
 * has rows).  Unknown names share a fixed table that only they can
 * crowd, and one global counter: past AUTH_UNKNOWN_MAX failures of
 * unknown names within the window, every unknown name is refused, so a
 * spray of names costs a bounded number of Argon2id checks.  Addresses
 * have a fixed table too; when it is full of live counters, newcomers
 * share one overflow counter with the same limit.
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

#define AUTH_WINDOW		(15 * 60)
#define AUTH_NAME_MAX		5	/* failures per name */
#define AUTH_ADDR_MAX		20	/* per address (an office's NAT) */
#define AUTH_UNKNOWN_MAX	100	/* all unknown names together */
#define AUTH_UNKNOWN_SLOTS	256
#define AUTH_ADDR_SLOTS		1024

struct authlimit_count {
	char		 key[64];
	int64_t		 since;
	int		 count;
};

struct authlimit {
	struct authlimit_count	*accounts;	/* grows; never evicted */
	size_t			 naccounts;
	struct authlimit_count	 unknown[AUTH_UNKNOWN_SLOTS];
	struct authlimit_count	 unknown_all;
	struct authlimit_count	 addrs[AUTH_ADDR_SLOTS];
	struct authlimit_count	 addr_overflow;
};

/* Makes an empty throttle. */
struct authlimit *
authlimit_new(void)
{
	return (xcalloc(1, sizeof(struct authlimit)));
}

/* Frees it. */
void
authlimit_free(struct authlimit *al)
{
	if (al == NULL)
		return;
	free(al->accounts);
	free(al);
}

/* Forgets a count whose window is over. */
static void
authlimit_expire(struct authlimit_count *c, int64_t now)
{
	if (c->count > 0 && now - c->since >= AUTH_WINDOW)
		memset(c, 0, sizeof(*c));
}

/*
 * Finds key's count in t (n slots).  With make, takes a free or expired
 * slot; evict allows taking the oldest one when none is free (for unknown
 * names only).  NULL when there is none.
 */
static struct authlimit_count *
authlimit_find(struct authlimit_count *t, size_t n, const char *key,
    int64_t now, int make, int evict)
{
	struct authlimit_count	*c, *free_slot = NULL, *oldest = NULL;
	size_t			 i;

	for (i = 0; i < n; i++) {
		c = &t[i];
		authlimit_expire(c, now);
		if (c->count == 0) {
			if (free_slot == NULL)
				free_slot = c;
			continue;
		}
		if (strcmp(c->key, key) == 0)
			return (c);
		if (oldest == NULL || c->since < oldest->since)
			oldest = c;
	}
	if (!make)
		return (NULL);
	if (free_slot == NULL && evict)
		free_slot = oldest;
	if (free_slot == NULL)
		return (NULL);
	memset(free_slot, 0, sizeof(*free_slot));
	(void)strlcpy_checked(free_slot->key, key, sizeof(free_slot->key));
	free_slot->since = now;
	return (free_slot);
}

/* An account's count, the table growing when every slot is live. */
static struct authlimit_count *
authlimit_account(struct authlimit *al, const char *name, int64_t now,
    int make)
{
	struct authlimit_count	*c;
	size_t			 n;

	if ((c = authlimit_find(al->accounts, al->naccounts, name, now, make,
	    0)) != NULL || !make)
		return (c);
	n = al->naccounts == 0 ? 16 : al->naccounts * 2;
	al->accounts = xreallocarray(al->accounts, n, sizeof(*al->accounts));
	memset(al->accounts + al->naccounts, 0,
	    (n - al->naccounts) * sizeof(*al->accounts));
	al->naccounts = n;
	return (authlimit_find(al->accounts, al->naccounts, name, now, 1, 0));
}

/* An address's count, or the shared overflow count. */
static struct authlimit_count *
authlimit_addr(struct authlimit *al, const char *addr, int64_t now,
    int make)
{
	struct authlimit_count	*c;

	if ((c = authlimit_find(al->addrs, AUTH_ADDR_SLOTS, addr, now, make,
	    0)) != NULL)
		return (c);
	authlimit_expire(&al->addr_overflow, now);
	if (!make)
		return (al->addr_overflow.count > 0 ? &al->addr_overflow :
		    NULL);
	if (al->addr_overflow.count == 0)
		al->addr_overflow.since = now;
	return (&al->addr_overflow);
}

/*
 * Tells whether a login for name (known: an account of that name exists)
 * from addr is refused without a check.
 */
int
authlimit_blocked(struct authlimit *al, const char *name, int known,
    const char *addr, int64_t now)
{
	struct authlimit_count	*c;

	if ((c = authlimit_addr(al, addr, now, 0)) != NULL &&
	    c->count >= AUTH_ADDR_MAX)
		return (1);
	if (known)
		return ((c = authlimit_account(al, name, now, 0)) != NULL &&
		    c->count >= AUTH_NAME_MAX);
	authlimit_expire(&al->unknown_all, now);
	if (al->unknown_all.count >= AUTH_UNKNOWN_MAX)
		return (1);
	return ((c = authlimit_find(al->unknown, AUTH_UNKNOWN_SLOTS, name, now,
	    0, 0)) != NULL && c->count >= AUTH_NAME_MAX);
}

/* Counts a failed login. */
void
authlimit_failed(struct authlimit *al, const char *name, int known,
    const char *addr, int64_t now)
{
	authlimit_addr(al, addr, now, 1)->count++;
	if (known) {
		authlimit_account(al, name, now, 1)->count++;
		return;
	}
	authlimit_expire(&al->unknown_all, now);
	if (al->unknown_all.count++ == 0)
		al->unknown_all.since = now;
	authlimit_find(al->unknown, AUTH_UNKNOWN_SLOTS, name, now, 1,
	    1)->count++;
}
