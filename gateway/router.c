/*
 * tinbao: the router, from an incoming SMS to a committed case.
 *
 * For each message the modem worker releases, the router opens one write
 * transaction and in it: recognises parts already stored (the dedup key),
 * finds or creates the reporter (number sealed, alias derived), stores the
 * message and its parts, joins a late part to the incomplete message it
 * belongs to, and hands the message to the first handler that matches.
 * The handler creates the case and queues the replies in the same
 * transaction.  Only when it commits does the caller tell the worker to
 * delete the message from the phone.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

#define OTHER	category_table[CATEGORY_OTHER].code

/* A late part is joined to an incomplete message of at most this age. */
#define ROUTER_JOIN_WINDOW	(24 * 3600)

/*
 * What each transport counts after a commit: its crash point (for the
 * crash tests: committed, not yet answered or deleted), its counter in
 * the status, and whether its messages hold the outbox to alerts for a
 * moment (the modem: its reports come in bursts on the same link).
 */
struct router_transport {
	const char	*name;
	const char	*crashpoint;
	size_t		 counter;	/* offsetof(struct status, ...) */
	int		 settle;
};

static const struct router_transport router_transports[] = {
	{ .name = "sms", .crashpoint = "after_commit",
	  .counter = offsetof(struct status, sms_in), .settle = 1 },
	{ .name = "kannel", .crashpoint = "kannel_after_commit",
	  .counter = offsetof(struct status, kannel_in) },
	{ .name = "ussd", .crashpoint = "ussd_after_commit",
	  .counter = offsetof(struct status, ussd_in) },
};

static int	router_reclassify(struct router *, int64_t, const char *,
		    int64_t);
static void	router_redact(char *, const char *);
static void	router_dedup_key(const struct secret *, const struct sms_in *,
		    const struct sms_part *, unsigned char[32]);
static int	router_join(struct router *, const struct sms_in *,
		    int64_t, int64_t, unsigned char (*)[32], const int *);

/* One incoming message on its way through router_receive. */
struct router_intake {
	const struct sms_in	*sms;
	int64_t			 now;
	unsigned char		(*keys)[32];	/* dedup key of each part */
	int			*seen;		/* each part already stored */
	int			 nseen;
	int64_t			 message_id;
	int64_t			 reporter_id;	/* 0 for a contact */
	int			 silent;
	int			 is_contact;
	char			 alias[48];	/* role:id for a contact */
	char			*text;		/* the parts joined */
	struct msgctx		 ctx;
	const char		*handler;	/* its name, for the log */
};

static int	router_dedup(struct router *, struct router_intake *);
static int	router_sender(struct router *, struct router_intake *);
static int	router_store_message(struct router *, struct router_intake *);
static int	router_dispatch(struct router *, struct router_intake *);

/* Overwrites a PIN standing as a word in text with '*', in place. */
static void
router_redact(char *text, const char *pin)
{
	size_t	 n = strlen(pin);
	char	*p;

	for (p = text; (p = strstr(p, pin)) != NULL; p += n) {
		if ((p > text && isdigit((unsigned char)p[-1])) ||
		    isdigit((unsigned char)p[n]))
			continue;
		memset(p, '*', n);
	}
}

/* Sets up a router over an open store. */
void
router_init(struct router *r, struct store *st, const struct secret *sec,
    const struct config *conf)
{
	memset(r, 0, sizeof(*r));
	r->store = st;
	r->secret = sec;
	r->conf = conf;
}

/*
 * The bookkeeping after a transport committed incoming messages (or
 * failed to), the same for every transport: the crash point once
 * something is committed, the counters of /metrics and /healthz, and the
 * outbox kicked for the alerts and replies the commit queued.  stored,
 * duplicates and failed count messages.
 */
void
router_tally(struct router *r, const char *transport, int stored,
    int duplicates, int failed)
{
	const struct router_transport	*t = &router_transports[0];
	struct status			*st = r->status;
	size_t				 i;

	for (i = 0; i < sizeof(router_transports) /
	    sizeof(router_transports[0]); i++)
		if (strcmp(transport, router_transports[i].name) == 0)
			t = &router_transports[i];
	if (stored + duplicates > 0)
		crashpoint(t->crashpoint);
	if (st != NULL) {
		st->store_errors += (uint64_t)failed;
		if (failed > 0)
			st->store_errors_recent += failed;
		else
			st->store_errors_recent = 0;
		st->sms_dup += (uint64_t)duplicates;
		*(uint64_t *)((char *)st + t->counter) += (uint64_t)stored;
	}
	if (r->outbox == NULL)
		return;
	if (stored > 0 && t->settle)
		outbox_received(r->outbox);
	outbox_kick(r->outbox);
}

/*
 * The dedup key of one physical part: a keyed hash over the transport,
 * the sender, the SMSC (Kannel's message id), the SMSC time, the
 * concatenation reference, the part's place and its text.
 * Keyed, so that the database never holds an unkeyed hash of a number.
 */
static void
router_dedup_key(const struct secret *sec, const struct sms_in *sms,
    const struct sms_part *part, unsigned char key[32])
{
	struct ibuf	 b;

	ibuf_init(&b);
	ibuf_put_str(&b, sms->transport ? sms->transport : "sms");
	ibuf_put_str(&b, sms->sender);
	ibuf_put_str(&b, sms->smsc);	/* Kannel: its message id */
	/*
	 * The part's own SMSC time: the key must not depend on which other
	 * parts were read with it (each part has its own timestamp).
	 */
	ibuf_put_i64(&b, part->smsc_time != 0 ? part->smsc_time :
	    sms->smsc_time);
	ibuf_put_u32(&b, (uint32_t)sms->concat_ref);
	ibuf_put_u32(&b, (uint32_t)sms->parts_total);
	ibuf_put_u32(&b, (uint32_t)part->partno);
	ibuf_put_str(&b, part->text);
	secret_mac(sec, b.buf, b.len, key);
	ibuf_free(&b);
}

/*
 * Classifies a case again once a late part completed its text: a report
 * that becomes urgent ("... họ có dao" in part 2) is alerted now; one that
 * was "other" gets its category.  A teacher's coded report keeps its code.
 */
static int
router_reclassify(struct router *r, int64_t case_id, const char *text,
    int64_t now)
{
	struct store_caserow	 c;
	struct msgctx		 ctx;
	struct classification	 cl;
	struct school		 sc;
	char			 detail[96];
	int			 alert, ret = 0;

	if (r->classifier == NULL || store_case_by_id(r->store, case_id,
	    &c) != 1)
		return (0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.classifier = r->classifier;
	ctx.text = text;
	report_classify(&ctx, &cl);
	if (cl.school[0] != '\0' && store_school_get(r->store, cl.school,
	    &sc) != 1)
		cl.school[0] = '\0';
	alert = cl.urgent && !c.urgent;
	if (c.reporter_id > 0 && (alert || (strcmp(c.category, OTHER) == 0 &&
	    strcmp(cl.category, OTHER) != 0))) {
		if (store_case_set_class(r->store, case_id, cl.category,
		    cl.urgent || c.urgent, c.school[0] ? c.school : cl.school,
		    cl.matched, now) == -1 || store_case_set_confidence(
		    r->store, case_id, cl.confidence) == -1)
			ret = -1;
		(void)snprintf(detail, sizeof(detail), "category=%s urgent=%d",
		    cl.category, cl.urgent || c.urgent);
		if (ret == 0 && store_event_add(r->store, case_id, now,
		    "reclassified", detail) == -1)
			ret = -1;
		if (ret == 0 && alert && route_alert(r->store, r->conf,
		    case_id, 1, now) == -1)
			ret = -1;
	}
	store_caserow_free(&c);
	return (ret);
}

/*
 * Adds the new parts of a multipart message to the message that already
 * holds some of its parts, rebuilds the text and updates the case.
 */
static int
router_join(struct router *r, const struct sms_in *sms, int64_t message_id,
    int64_t now, unsigned char (*keys)[32], const int *seen)
{
	int64_t	 case_id;
	int	 flags, total, have, i, added = 0;
	char	*text, detail[64];

	if (store_message_get(r->store, message_id, &case_id, &flags,
	    &total) == -1)
		return (-1);
	for (i = 0; i < sms->nparts; i++) {
		if (seen[i])
			continue;
		if (store_part_add(r->store, message_id, sms->parts[i].partno,
		    keys[i], sms->parts[i].text) == -1)
			return (-1);
		added++;
	}
	if (added == 0)
		return (0);
	flags |= sms->flags & ~SMS_F_INCOMPLETE;
	if ((text = store_message_rejoin(r->store, message_id, case_id, flags,
	    total, &have)) == NULL)
		return (-1);
	if (case_id > 0) {
		(void)snprintf(detail, sizeof(detail), "parts=%d/%d", have,
		    total);
		if (store_case_set_text(r->store, case_id, text, now) == -1 ||
		    store_event_add(r->store, case_id, now, "late_part",
		    detail) == -1 ||
		    router_reclassify(r, case_id, text, now) == -1) {
			free(text);
			return (-1);
		}
	}
	free(text);
	log_info("sms joined message=%lld parts=%d/%d", (long long)message_id,
	    have, total);
	return (0);
}

/*
 * Stores one incoming message and runs its handler, all in one
 * transaction.  Returns 0 when it is committed (or was already stored) and
 * may be deleted from the modem, -1 when nothing was committed.
 */
int
router_receive(struct router *r, const struct sms_in *sms, int64_t now,
    struct router_result *res)
{
	struct router_intake	 in;
	int			 rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&in, 0, sizeof(in));
	in.sms = sms;
	in.now = now;
	if (store_begin(r->store) == -1)
		return (-1);
	if (sms->nparts > 0) {
		in.keys = xcalloc(sms->nparts, sizeof(*in.keys));
		in.seen = xcalloc(sms->nparts, sizeof(*in.seen));
	}
	if (router_dedup(r, &in) == -1)
		goto fail;
	if (sms->nparts > 0 && in.nseen == sms->nparts) {
		/* Read twice: a crash before the delete, or a second scan. */
		store_rollback(r->store);
		res->duplicate = 1;
		res->message_id = in.message_id;	/* ussd.c finds its case */
		log_info("sms duplicate message=%lld",
		    (long long)in.message_id);
		rc = 0;
		goto done;
	}
	if (router_sender(r, &in) == -1)
		goto fail;

	/* A part of a message that already has others: join it. */
	if (in.message_id == 0 && sms->concat_ref >= 0 && sms->nparts > 0 &&
	    (in.message_id = store_message_find_incomplete(r->store,
	    in.reporter_id, in.is_contact ? in.ctx.contact.id : 0,
	    sms->concat_ref, sms->parts_total, sms->parts[0].partno,
	    now - ROUTER_JOIN_WINDOW)) == -1)
		goto fail;
	if (in.message_id > 0) {
		if (router_join(r, sms, in.message_id, now, in.keys,
		    in.seen) == -1)
			goto fail;
		if (store_commit(r->store) == -1)
			goto done;
		res->joined = 1;
		rc = 0;
		goto done;
	}

	if (router_store_message(r, &in) == -1 ||
	    router_dispatch(r, &in) == -1)
		goto fail;
	if (store_commit(r->store) == -1)
		goto done;
	res->message_id = in.message_id;
	(void)strlcpy_checked(res->case_code, in.ctx.case_code,
	    sizeof(res->case_code));
	log_info("sms received message=%lld from=%s parts=%d/%d flags=0x%x "
	    "handler=%s case=%s", (long long)in.message_id, in.alias,
	    sms->nparts, sms->parts_total, sms->flags, in.handler,
	    in.ctx.case_code[0] ? in.ctx.case_code : "-");
	rc = 0;
	goto done;
fail:
	store_rollback(r->store);
done:
	free(in.text);
	free(in.keys);
	free(in.seen);
	return (rc);
}

/*
 * Recognises the parts already stored: their dedup keys, which of them
 * were seen, and the message a seen part belongs to.  0 or -1.
 */
static int
router_dedup(struct router *r, struct router_intake *in)
{
	const struct sms_in	*sms = in->sms;
	int64_t			 id;
	int			 i;

	for (i = 0; i < sms->nparts; i++) {
		router_dedup_key(r->secret, sms, &sms->parts[i], in->keys[i]);
		if ((id = store_part_seen(r->store, in->keys[i])) == -1)
			return (-1);
		if (id > 0) {
			in->seen[i] = 1;
			in->nseen++;
			in->message_id = id;
		}
	}
	return (0);
}

/*
 * The sender: a registered contact by its number; anyone else is a
 * reporter, whose number is normalised, sealed and hashed.  0 or -1.
 */
static int
router_sender(struct router *r, struct router_intake *in)
{
	char	 number[NUMBER_MAX];

	if (phone_normalize(in->sms->sender, number, sizeof(number)) == -1)
		(void)strlcpy_checked(number, in->sms->sender, sizeof(number));
	if (number[0] == '+' && (in->is_contact = store_contact_by_phone(
	    r->store, number, &in->ctx.contact)) == -1) {
		explicit_bzero(number, sizeof(number));
		return (-1);
	}
	if (in->is_contact)
		(void)snprintf(in->alias, sizeof(in->alias), "%s:%lld",
		    in->ctx.contact.role, (long long)in->ctx.contact.id);
	else if (number[0] != '\0' && (in->reporter_id = store_reporter_get(
	    r->store, r->secret, number, in->alias, sizeof(in->alias),
	    &in->silent)) == -1) {
		explicit_bzero(number, sizeof(number));
		return (-1);
	}
	explicit_bzero(number, sizeof(number));
	if (in->alias[0] == '\0')
		(void)strlcpy_checked(in->alias, "NB-unknown",
		    sizeof(in->alias));
	return (0);
}

/*
 * Stores a new message and its parts, its command parsed first: a
 * responder's PIN is not kept in the stored text (the database would hold
 * it in clear).  0 or -1.
 */
static int
router_store_message(struct router *r, struct router_intake *in)
{
	const struct sms_in	*sms = in->sms;
	struct store_message	 m;
	int			 i;

	in->text = sms_in_text(sms);
	(void)smscmd_parse(in->text, &in->ctx.cmd);
	if (in->ctx.cmd.pin[0] != '\0') {
		router_redact(in->text, in->ctx.cmd.pin);
		for (i = 0; i < sms->nparts; i++)
			router_redact(sms->parts[i].text, in->ctx.cmd.pin);
	}
	memset(&m, 0, sizeof(m));
	m.direction = "in";
	m.transport = sms->transport ? sms->transport : "sms";
	m.reporter_id = in->reporter_id;
	m.contact_id = in->is_contact ? in->ctx.contact.id : 0;
	m.text = in->text;
	m.flags = sms->flags;
	m.concat_ref = sms->concat_ref;
	m.parts_total = sms->parts_total;
	m.parts_have = sms->nparts;
	m.smsc_time = sms->smsc_time;
	m.created_at = in->now;
	if ((in->message_id = store_message_add(r->store, &m)) == -1)
		return (-1);
	for (i = 0; i < sms->nparts; i++)
		if (store_part_add(r->store, in->message_id,
		    sms->parts[i].partno, in->keys[i],
		    sms->parts[i].text) == -1)
			return (-1);
	return (0);
}

/*
 * Hands the stored message to the first handler that matches, in the
 * same transaction.  0, or -1 when the handler failed.
 */
static int
router_dispatch(struct router *r, struct router_intake *in)
{
	const struct sms_in	*sms = in->sms;
	struct msgctx		*ctx = &in->ctx;
	const struct handler	*h;

	ctx->store = r->store;
	ctx->secret = r->secret;
	ctx->conf = r->conf;
	ctx->classifier = r->classifier;
	ctx->sms = sms;
	ctx->text = in->text;
	ctx->message_id = in->message_id;
	ctx->reporter_id = in->reporter_id;
	ctx->silent = in->silent;
	ctx->is_contact = in->is_contact;
	(void)strlcpy_checked(ctx->alias, in->alias, sizeof(ctx->alias));
	ctx->now = in->now;
	/*
	 * A menu transport (USSD) is always a report: its description is not
	 * parsed as a command ("STOP", "HD", a case code).
	 */
	h = sms->menu_category != NULL ? &handler_report : handler_find(ctx);
	if (h == NULL) {
		log_warnx("sms message=%lld from=%s no handler",
		    (long long)in->message_id, in->alias);
	} else if (h->handle(ctx) == -1) {
		log_warnx("sms message=%lld from=%s handler=%s failed",
		    (long long)in->message_id, in->alias, h->name);
		return (-1);
	}
	in->handler = h ? h->name : "none";
	return (0);
}
