/*
 * tinbao: awareness messages ("tuyên truyền", SPEC section 11).
 *
 * A broadcast goes to a group of groups.csv (parents who agreed to the
 * school's safety messages), or to the contacts of a role, optionally of
 * one commune.  Before anything is queued, broadcast_plan lists the
 * recipients and leaves out every number that sent STOP (a reporter row
 * marked silent, found by the number's keyed hash), so the caller can say
 * what it costs: recipients x parts; a STOP that comes after the
 * queueing takes back the messages to that number still queued
 * (broadcast_stop).  broadcast_queue then writes the
 * broadcast and one outbox row per recipient in one transaction, at
 * PRIO_BROADCAST, the lowest priority: the outbox always takes alerts,
 * replies, acknowledgements, digests and notices first, so an urgent
 * alert queued in the middle of a broadcast leaves before the rest of it.
 *
 * Quiet hours ([broadcast] quiet_hours, local, default 21:00-07:00 as SPEC section 3 gives it): a
 * broadcast asked for during them is held until they end, and the
 * housekeeping tick (broadcast_tick) moves every queued broadcast message
 * out of them when they begin, so none leaves at night even when a long
 * one is still going at 21:00.  The tick's clock is time_schedule's (text.c)
 * (TINBAO_TEST_NOW in the tests).
 *
 * The templates are one GSM-7 SMS each (at most 160 characters).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>

#include "tinbao.h"

#define GROUP_NAME_MAX	64
#define GROUP_FIELDS	3	/* group, phone, name */

struct broadcast_template {
	const char	*name;
	const char	*text;
	const char	*after;		/* after the hotline's number */
};

static const struct broadcast_template broadcast_templates[] = {
	{ .name = "ma-tuy", .text = "Phong GD&DT: Noi KHONG voi ma tuy. "
	  "Khong nhan keo, nuoc uong, thuoc la dien tu tu nguoi la. Thay dieu "
	  "bat thuong, bao thay co hoac goi 113." },
	{ .name = "giao-thong", .text = "Phong GD&DT: Xin dua don con dung "
	  "cho, khong dau xe truoc cong truong; doi mu bao hiem cho con khi "
	  "di xe may. Cam on quy phu huynh." },
	{ .name = "chay-no", .text = "Phong GD&DT: Phong chay: khong sac dien "
	  "thoai qua dem, tat dien khi ra ve; thay khoi, mui gas hay tia lua "
	  "o cam dien, bao ngay va goi 114." },
	{ .name = "duong-day", .text = "Duong day an toan truong hoc: nhan tin "
	  "den ", .after = " de bao bat nat, bao luc, ma tuy. Khong can ghi "
	  "ten, so cua em duoc giu kin. Khan cap goi 113, 111." },
};
#define NTEMPLATES	(sizeof(broadcast_templates) / \
			    sizeof(broadcast_templates[0]))

struct group_parse {
	struct store	*store;
	char		*field[GROUP_FIELDS];
	int		 nfield;
	int		 line;
	int		 header;
	int		 errors;
	int		 rows;
	void		(*err)(void *, int, const char *);
	void		*arg;
	char		 done[64][GROUP_NAME_MAX + 1];	/* groups emptied */
	int		 ndone;
};

static void	group_field(void *, size_t, void *);
static void	group_record(int, void *);
static void	group_row(struct group_parse *);
static int	broadcast_plan_add(const char *, void *);
static int	broadcast_plan_contact(const struct contact *, void *);

/*
 * Checks `[broadcast] quiet_hours`: a daily window, HH:MM-HH:MM, as office.c
 * reads office hours (every day unless days are given).
 */
int
broadcast_check_quiet(const char *v, char *why, size_t len)
{
	struct office_hours	 oh;

	return (office_parse_daily(v, &oh, why, len));
}

/*
 * Returns t when it is outside the quiet hours, else the (local) time
 * they end.  Hours that cross midnight (21:00-07:00) end the next day
 * when t is before midnight.
 */
int64_t
broadcast_quiet_end(const char *quiet, int64_t t)
{
	struct office_hours	 oh;
	char			 why[160];

	if (quiet == NULL || office_parse_daily(quiet, &oh, why,
	    sizeof(why)) == -1)
		return (t);
	return (office_closes(&oh, t));
}

/* Fills buf with a template's text; -1 when unknown or needing a hotline. */
int
broadcast_template(const char *name, const char *hotline, char *buf,
    size_t len)
{
	size_t	 i;

	for (i = 0; i < NTEMPLATES; i++) {
		if (strcmp(name, broadcast_templates[i].name) != 0)
			continue;
		if (broadcast_templates[i].after != NULL) {
			if (hotline == NULL)
				return (-1);
			(void)snprintf(buf, len, "%s%s%s",
			    broadcast_templates[i].text, hotline,
			    broadcast_templates[i].after);
		} else
			(void)strlcpy_checked(buf, broadcast_templates[i].text,
			    len);
		return (0);
	}
	return (-1);
}

/* The name of template i, NULL past the last. */
const char *
broadcast_template_name(size_t i)
{
	return (i < NTEMPLATES ? broadcast_templates[i].name : NULL);
}

/* Prints the templates, one "name: text" a line. */
void
broadcast_templates_print(FILE *f, const char *hotline)
{
	char	 buf[256];
	size_t	 i;

	for (i = 0; i < NTEMPLATES; i++) {
		if (broadcast_template(broadcast_templates[i].name, hotline,
		    buf, sizeof(buf)) == -1)
			(void)snprintf(buf, sizeof(buf), "(needs [broadcast] "
			    "hotline)");
		fprintf(f, "%s: %s\n", broadcast_templates[i].name, buf);
	}
}

static void
group_field(void *s, size_t len, void *arg)
{
	struct group_parse	*gp = arg;

	if (gp->nfield < GROUP_FIELDS)
		gp->field[gp->nfield] = strndup(s, len);
	gp->nfield++;
}

/* One data row: checked, then its group emptied once and the row added. */
static void
group_row(struct group_parse *gp)
{
	char		 phone[NUMBER_MAX], msg[160];
	const char	*g = gp->field[0], *p;
	int		 i;

	for (p = g; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			break;
	if (*g == '\0' || *p != '\0' || strlen(g) > GROUP_NAME_MAX) {
		gp->err(gp->arg, gp->line, "group: letters, digits, - and _, "
		    "1 to 64");
		gp->errors++;
		return;
	}
	if (phone_normalize(gp->field[1], phone, sizeof(phone)) == -1 ||
	    phone[0] != '+') {
		(void)snprintf(msg, sizeof(msg), "phone '%.40s' is not a phone "
		    "number", gp->field[1]);
		gp->err(gp->arg, gp->line, msg);
		gp->errors++;
		return;
	}
	if (gp->errors > 0)
		return;
	for (i = 0; i < gp->ndone; i++)
		if (strcmp(gp->done[i], g) == 0)
			break;
	if (i == gp->ndone) {
		if (gp->ndone == 64 || store_group_clear(gp->store, g) == -1) {
			gp->err(gp->arg, gp->line, "too many groups, or the "
			    "database failed");
			gp->errors++;
			return;
		}
		(void)strlcpy_checked(gp->done[gp->ndone++], g,
		    sizeof(gp->done[0]));
	}
	if (store_group_add(gp->store, g, phone, gp->field[2]) == -1) {
		gp->err(gp->arg, gp->line, "the database failed");
		gp->errors++;
		return;
	}
	gp->rows++;
}

static void
group_record(int c, void *arg)
{
	struct group_parse	*gp = arg;
	int			 i;

	(void)c;
	gp->line++;
	if (gp->nfield != GROUP_FIELDS) {
		gp->err(gp->arg, gp->line, "3 columns expected: group,phone,"
		    "name");
		gp->errors++;
	} else if (!gp->header) {
		gp->header = 1;
		if (strcmp(gp->field[0], "group") != 0 ||
		    strcmp(gp->field[1], "phone") != 0 ||
		    strcmp(gp->field[2], "name") != 0) {
			gp->err(gp->arg, gp->line, "the header must be "
			    "group,phone,name");
			gp->errors++;
		}
	} else
		group_row(gp);
	for (i = 0; i < GROUP_FIELDS && i < gp->nfield; i++) {
		free(gp->field[i]);
		gp->field[i] = NULL;
	}
	gp->nfield = 0;
}

/*
 * Imports groups.csv (group,phone,name) in the caller's transaction: each
 * group named in the file is replaced by its rows there (a parent who
 * withdrew is left out of the next file).  Returns the rows written, or
 * -1 after reporting every problem through err (nothing is to be kept).
 */
int
broadcast_import_groups(struct store *st, const char *data, size_t len,
    void (*err)(void *, int, const char *), void *arg)
{
	struct csv_parser	 p;
	struct group_parse	 gp;

	memset(&gp, 0, sizeof(gp));
	gp.store = st;
	gp.err = err;
	gp.arg = arg;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		fatalx("csv_init");
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		data += 3, len -= 3;
	if (csv_parse(&p, data, len, group_field, group_record, &gp) != len ||
	    csv_fini(&p, group_field, group_record, &gp) != 0) {
		err(arg, gp.line + 1, csv_strerror(csv_error(&p)));
		gp.errors++;
	}
	csv_free(&p);
	if (!gp.header && gp.errors == 0) {
		err(arg, 1, "empty file");
		gp.errors++;
	}
	return (gp.errors > 0 ? -1 : gp.rows);
}

struct plan_arg {
	struct store		*store;
	const struct secret	*sec;
	const char		*commune;
	struct broadcast_plan	*plan;
	int			 failed;
};

/* One recipient, unless the number sent STOP. */
static int
broadcast_plan_add(const char *phone, void *arg)
{
	struct plan_arg		*pa = arg;
	struct broadcast_plan	*pl = pa->plan;
	char			 alias[32];
	int			 silent = 0;
	size_t			 i;
	int64_t			 id;

	for (i = 0; i < pl->n; i++)
		if (strcmp(pl->phones[i], phone) == 0)
			return (0);
	if ((id = store_reporter_lookup(pa->store, pa->sec, phone, alias,
	    sizeof(alias), &silent)) == -1) {
		pa->failed = 1;
		return (-1);
	}
	if (id > 0 && silent) {
		pl->skipped++;
		return (0);
	}
	if (pl->n == pl->cap) {
		pl->cap = pl->cap == 0 ? 32 : pl->cap * 2;
		pl->phones = xreallocarray(pl->phones, pl->cap,
		    sizeof(*pl->phones));
	}
	pl->phones[pl->n++] = xstrdup(phone);
	return (0);
}

static int
broadcast_plan_contact(const struct contact *c, void *arg)
{
	struct plan_arg	*pa = arg;

	if (pa->commune != NULL && strcmp(c->commune, pa->commune) != 0)
		return (0);
	return (broadcast_plan_add(c->phone, arg));
}

/*
 * Lists the recipients of a group, or of a role (of one commune when
 * commune is not NULL), each number once, leaving out and counting the
 * numbers that sent STOP.  Returns the number of recipients or -1.
 */
int
broadcast_plan(struct store *st, const struct secret *sec, const char *group,
    const char *role, const char *commune, struct broadcast_plan *pl)
{
	struct plan_arg	 pa = { .store = st, .sec = sec, .commune = commune,
			    .plan = pl };

	memset(pl, 0, sizeof(*pl));
	if ((group != NULL ? store_group_members(st, group, broadcast_plan_add,
	    &pa) : store_contacts_by_role(st, role, 0, broadcast_plan_contact,
	    &pa)) == -1 || pa.failed)
		return (-1);
	return ((int)pl->n);
}

void
broadcast_plan_free(struct broadcast_plan *pl)
{
	size_t	 i;

	for (i = 0; i < pl->n; i++)
		free(pl->phones[i]);
	free(pl->phones);
	memset(pl, 0, sizeof(*pl));
}

/*
 * Writes the broadcast and its messages in one transaction, held until
 * b->send_at; with b->id set, the pending broadcast of that id becomes
 * queued (approved by b->approved_by), or nothing is written when it was
 * not pending any more.  Returns the broadcast's id or -1.
 */
int64_t
broadcast_queue(struct store *st, struct broadcast *b,
    const struct broadcast_plan *pl)
{
	struct store_outmsg	 o;
	int64_t			 oid;
	size_t			 i;

	if (store_begin(st) == -1)
		return (-1);
	/* A dashboard broadcast exists, pending: approving it queues it. */
	if (b->id > 0) {
		if (store_broadcast_decide(st, b->id, "queued", b->approved_by,
		    b) != 1)
			goto fail;
	} else if ((b->id = store_broadcast_add(st, b)) == -1)
		goto fail;
	for (i = 0; i < pl->n; i++) {
		memset(&o, 0, sizeof(o));
		o.number = pl->phones[i];
		o.text = b->text;
		o.kind = "broadcast";
		o.priority = PRIO_BROADCAST;
		o.charset = CHARSET_AUTO;
		o.created_at = b->created_at;
		if ((oid = store_outbox_add(st, &o)) == -1 ||
		    store_broadcast_link(st, b->id, oid, b->send_at) == -1)
			goto fail;
	}
	if (store_commit(st) == -1)
		return (-1);
	log_info("broadcast=%lld target=%s recipients=%zu skipped=%d parts=%d",
	    (long long)b->id, b->target, pl->n, b->skipped, b->parts);
	return (b->id);
fail:
	store_rollback(st);
	return (-1);
}

/*
 * A STOP from sender (h_keyword, in its transaction): the broadcast
 * messages still queued to it are not sent.  Returns how many, or -1.
 */
int
broadcast_stop(struct store *st, const char *sender)
{
	char	 number[NUMBER_MAX];
	int	 n;

	if (phone_normalize(sender, number, sizeof(number)) == -1 ||
	    number[0] != '+')
		return (0);
	if ((n = store_broadcast_cancel(st, number)) > 0)
		log_info("broadcast: STOP, %d queued message(s) taken back", n);
	explicit_bzero(number, sizeof(number));
	return (n);
}

/*
 * From the housekeeping timer: during quiet hours, holds every queued
 * broadcast message until they end.  Returns how many were moved, or -1.
 */
int
broadcast_tick(struct store *st, const struct config *conf, int64_t now)
{
	int64_t	 end = broadcast_quiet_end(conf->broadcast_quiet_hours, now);
	int	 n;

	if (end == now)
		return (0);
	if ((n = store_broadcast_defer(st, end)) > 0)
		log_info("broadcast: quiet hours, %d message(s) held until "
		    "%lld", n, (long long)end);
	return (n);
}
