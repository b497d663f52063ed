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
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

/* A late part is joined to an incomplete message of at most this age. */
#define ROUTER_JOIN_WINDOW	(24 * 3600)

static void	router_dedup_key(const struct secret *, const struct sms_in *,
		    const struct sms_part *, unsigned char[32]);
static int	router_join(struct router *, const struct sms_in *,
		    int64_t, int64_t, unsigned char (*)[32], const int *);

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
	ibuf_put_i64(&b, sms->smsc_time);
	ibuf_put_u32(&b, (uint32_t)sms->concat_ref);
	ibuf_put_u32(&b, (uint32_t)sms->parts_total);
	ibuf_put_u32(&b, (uint32_t)part->partno);
	ibuf_put_str(&b, part->text);
	secret_mac(sec, b.buf, b.len, key);
	ibuf_free(&b);
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
		    detail) == -1) {
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
	struct store_message	 m;
	struct msgctx		 ctx;
	const struct handler	*h;
	unsigned char		(*keys)[32] = NULL;
	int			*seen = NULL;
	int64_t			 message_id = 0, id, reporter_id = 0;
	char			 number[NUMBER_MAX], alias[24] = "";
	char			*text = NULL;
	int			 i, nseen = 0, silent = 0, is_contact = 0;

	memset(res, 0, sizeof(*res));
	if (store_begin(r->store) == -1)
		return (-1);
	if (sms->nparts > 0) {
		keys = xcalloc(sms->nparts, sizeof(*keys));
		seen = xcalloc(sms->nparts, sizeof(*seen));
	}
	for (i = 0; i < sms->nparts; i++) {
		router_dedup_key(r->secret, sms, &sms->parts[i], keys[i]);
		if ((id = store_part_seen(r->store, keys[i])) == -1)
			goto fail;
		if (id > 0) {
			seen[i] = 1;
			nseen++;
			message_id = id;
		}
	}
	if (sms->nparts > 0 && nseen == sms->nparts) {
		/* Read twice: a crash before the delete, or a second scan. */
		store_rollback(r->store);
		res->duplicate = 1;
		log_info("sms duplicate message=%lld", (long long)message_id);
		goto done;
	}

	/*
	 * The sender: a registered contact by its number; anyone else is a
	 * reporter, whose number is normalised, sealed and hashed.
	 */
	memset(&ctx, 0, sizeof(ctx));
	if (phone_normalize(sms->sender, number, sizeof(number)) == -1)
		(void)strlcpy_checked(number, sms->sender, sizeof(number));
	if (number[0] == '+' && (is_contact = store_contact_by_phone(r->store,
	    number, &ctx.contact)) == -1)
		goto fail;
	if (is_contact)
		(void)snprintf(alias, sizeof(alias), "%s:%lld",
		    ctx.contact.role, (long long)ctx.contact.id);
	else if (number[0] != '\0' && (reporter_id = store_reporter_get(
	    r->store, r->secret, number, alias, sizeof(alias), &silent)) == -1)
		goto fail;
	explicit_bzero(number, sizeof(number));
	if (alias[0] == '\0')
		(void)strlcpy_checked(alias, "NB-unknown", sizeof(alias));

	/* A part of a message that already has others: join it. */
	if (message_id == 0 && sms->concat_ref >= 0 && sms->nparts > 0 &&
	    (message_id = store_message_find_incomplete(r->store, reporter_id,
	    sms->concat_ref, sms->parts_total, sms->parts[0].partno,
	    now - ROUTER_JOIN_WINDOW)) == -1)
		goto fail;
	if (message_id > 0) {
		if (router_join(r, sms, message_id, now, keys, seen) == -1)
			goto fail;
		if (store_commit(r->store) == -1)
			goto fail_nocommit;
		res->joined = 1;
		goto done;
	}

	text = sms_in_text(sms);
	memset(&m, 0, sizeof(m));
	m.direction = "in";
	m.transport = sms->transport ? sms->transport : "sms";
	m.reporter_id = reporter_id;
	m.contact_id = is_contact ? ctx.contact.id : 0;
	m.text = text;
	m.flags = sms->flags;
	m.concat_ref = sms->concat_ref;
	m.parts_total = sms->parts_total;
	m.parts_have = sms->nparts;
	m.smsc_time = sms->smsc_time;
	m.created_at = now;
	if ((message_id = store_message_add(r->store, &m)) == -1)
		goto fail;
	for (i = 0; i < sms->nparts; i++)
		if (store_part_add(r->store, message_id, sms->parts[i].partno,
		    keys[i], sms->parts[i].text) == -1)
			goto fail;

	ctx.store = r->store;
	ctx.secret = r->secret;
	ctx.conf = r->conf;
	ctx.classifier = r->classifier;
	ctx.sms = sms;
	ctx.text = text;
	ctx.message_id = message_id;
	ctx.reporter_id = reporter_id;
	ctx.silent = silent;
	ctx.is_contact = is_contact;
	(void)smscmd_parse(text, &ctx.cmd);
	(void)strlcpy_checked(ctx.alias, alias, sizeof(ctx.alias));
	ctx.now = now;
	if ((h = handler_find(&ctx)) == NULL) {
		log_warnx("sms message=%lld from=%s no handler",
		    (long long)message_id, alias);
	} else if (h->handle(&ctx) == -1) {
		log_warnx("sms message=%lld from=%s handler=%s failed",
		    (long long)message_id, alias, h->name);
		goto fail;
	}
	if (store_commit(r->store) == -1)
		goto fail_nocommit;
	res->message_id = message_id;
	(void)strlcpy_checked(res->case_code, ctx.case_code,
	    sizeof(res->case_code));
	log_info("sms received message=%lld from=%s parts=%d/%d flags=0x%x "
	    "handler=%s case=%s", (long long)message_id, alias, sms->nparts,
	    sms->parts_total, sms->flags, h ? h->name : "none",
	    ctx.case_code[0] ? ctx.case_code : "-");
done:
	free(text);
	free(keys);
	free(seen);
	return (0);
fail:
	store_rollback(r->store);
fail_nocommit:
	free(text);
	free(keys);
	free(seen);
	return (-1);
}
