/*
 * tinbao: the responders' PIN gate and lockout (SPEC section 4, issue 15).
 *
 * A contact with a PIN gives it after the case code.  This handler comes
 * just before h_command in the table and takes the commands that must not
 * reach it: those of a number whose commands are locked, and those with a
 * wrong or missing PIN.  Each wrong PIN is a row of pin_failures (sql/007)
 * and a "command_refused" event on the case, if there is one.
 *
 *   - The first PINLOCK_ANSWERED wrong PINs of a PINLOCK_WINDOW are
 *     answered ("Sai ma PIN"); the next are not, so that a guesser learns
 *     nothing from the replies and costs the SIM nothing.
 *   - The PINLOCK_FAILURES-th wrong PIN within PINLOCK_WINDOW locks the
 *     number's commands for PINLOCK_TIME: one reply says so and until
 *     when, and the Bureau's level-1 contacts are told (an "alarm" SMS).
 *   - While locked, every command of the number is refused with no reply,
 *     the right PIN too: 20 guesses in a row no longer find it.
 *
 * Only the commands the sender may use pass through here (the others are
 * h_command's refusals); the lock is per contact, so a stolen phone is
 * locked and the officer's colleagues are not.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"

static int	pinlock_is_command(const struct msgctx *);
static int	pinlock_match(const struct msgctx *);
static int	pinlock_lock(struct msgctx *);
static int	pinlock_handle(struct msgctx *);
static int	pinlock_event(struct msgctx *, const char *);
static int	pinlock_bureau_cb(const struct contact *, void *);

const struct handler handler_pinlock = {
	.name = "pinlock",
	.match = pinlock_match,
	.handle = pinlock_handle,
};

static const char *pinlock_verbs[] = {
	[SMSCMD_NHAN] = "NHAN",
	[SMSCMD_TL] = "TL",
	[SMSCMD_XONG] = "XONG",
	[SMSCMD_TT] = "TT",
};

static int
pinlock_is_command(const struct msgctx *ctx)
{
	return (ctx->cmd.type == SMSCMD_NHAN || ctx->cmd.type == SMSCMD_TL ||
	    ctx->cmd.type == SMSCMD_XONG || ctx->cmd.type == SMSCMD_TT);
}

static int
pinlock_match(const struct msgctx *ctx)
{
	if (!ctx->is_contact || !pinlock_is_command(ctx) ||
	    !handler_is_responder(ctx))
		return (0);
	/* A locked number: whatever it sends, the store decides below. */
	if (store_pin_locked_until(ctx->store, ctx->contact.id, ctx->now) != 0)
		return (1);
	return (ctx->contact.has_pin && (ctx->cmd.pin[0] == '\0' ||
	    !pin_check(ctx->secret, ctx->contact.phone, ctx->cmd.pin,
	    ctx->contact.pin_mac)));
}

/* Logs a refusal and puts it on the case's timeline, if there is one. */
static int
pinlock_event(struct msgctx *ctx, const char *why)
{
	struct store_caserow	 c;
	char			 detail[128];
	int			 r;

	log_warnx("sms message=%lld from=%s command=%s case=%s refused: %s",
	    (long long)ctx->message_id, ctx->alias,
	    pinlock_verbs[ctx->cmd.type], ctx->cmd.code, why);
	if ((r = store_case_get(ctx->store, ctx->cmd.code, &c)) != 1)
		return (r);
	(void)snprintf(detail, sizeof(detail), "%s from=%s: %s",
	    pinlock_verbs[ctx->cmd.type], ctx->alias, why);
	r = store_event_add(ctx->store, c.id, ctx->now, "command_refused",
	    detail);
	store_caserow_free(&c);
	return (r);
}

/* Returns 1 when the sender's commands are locked now, 0 if not, -1. */
int
pinlock_is_locked(struct msgctx *ctx)
{
	int64_t	 until;

	if ((until = store_pin_locked_until(ctx->store, ctx->contact.id,
	    ctx->now)) == -1)
		return (-1);
	return (until > 0);
}

struct pinlock_arg {
	struct msgctx	*ctx;
	const char	*text;
	int		 n;
	int		 failed;
};

static int
pinlock_bureau_cb(const struct contact *c, void *arg)
{
	struct pinlock_arg	*pa = arg;

	if (handler_to_contact(pa->ctx, c, 0, "alarm", PRIO_ALERT,
	    pa->text) == -1) {
		pa->failed = 1;
		return (-1);
	}
	pa->n++;
	return (0);
}

/* Locks the sender's commands, says so once, tells the Bureau. */
static int
pinlock_lock(struct msgctx *ctx)
{
	struct pinlock_arg	 pa;
	char			 reply[200], alarm[400], name[48], when[8];
	time_t			 t = (time_t)(ctx->now + PINLOCK_TIME);
	struct tm		 tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M", &tm);
	if (store_pin_lock(ctx->store, ctx->contact.id, ctx->now,
	    ctx->now + PINLOCK_TIME) == -1)
		return (-1);
	log_warnx("sms from=%s commands locked until %s: %d wrong PINs in "
	    "%d s", ctx->alias, when, PINLOCK_FAILURES, PINLOCK_WINDOW);
	(void)snprintf(reply, sizeof(reply), "Sai ma PIN %d lan: lenh tu so "
	    "nay bi khoa %d phut, den %s. Phong GD&DT da duoc bao.",
	    PINLOCK_FAILURES, PINLOCK_TIME / 60, when);
	if (handler_reply(ctx, 0, "command", PRIO_REPLY, reply) == -1)
		return (-1);
	(void)text_unaccent(ctx->contact.name, name, sizeof(name), 0);
	text_gsm7_safe(name);
	(void)snprintf(alarm, sizeof(alarm), "TINBAO canh bao: so %s (%s, %s) "
	    "sai ma PIN %d lan trong %d phut; lenh cua so nay bi khoa den %s.",
	    ctx->contact.phone, name, ctx->contact.role, PINLOCK_FAILURES,
	    PINLOCK_WINDOW / 60, when);
	memset(&pa, 0, sizeof(pa));
	pa.ctx = ctx;
	pa.text = alarm;
	if (store_contacts_by_role(ctx->store, "bureau", 1, pinlock_bureau_cb,
	    &pa) == -1 || pa.failed)
		return (-1);
	if (pa.n == 0)
		log_warnx("sms from=%s locked: no Bureau contact to tell",
		    ctx->alias);
	return (0);
}

/*
 * Records a wrong or missing PIN and answers it (see the top of this
 * file): answered, silent, or the lock.  Returns 0 or -1.
 */
int
pinlock_wrong(struct msgctx *ctx, const char *why)
{
	char	 reply[200];
	int	 n, answered, answer;

	if (pinlock_event(ctx, why) == -1)
		return (-1);
	if ((n = store_pin_failures(ctx->store, ctx->contact.id,
	    ctx->now - PINLOCK_WINDOW, &answered)) == -1)
		return (-1);
	n++;			/* this one */
	answer = n < PINLOCK_FAILURES && answered < PINLOCK_ANSWERED;
	if (store_pin_failure_add(ctx->store, ctx->contact.id, ctx->now,
	    answer || n >= PINLOCK_FAILURES) == -1)
		return (-1);
	if (n >= PINLOCK_FAILURES)
		return (pinlock_lock(ctx));
	if (!answer) {
		log_info("sms from=%s wrong PIN %d: not answered", ctx->alias,
		    n);
		return (0);
	}
	(void)snprintf(reply, sizeof(reply), "Sai ma PIN. Lenh %s %s khong "
	    "duoc thuc hien. Sai %d lan trong %d phut thi so nay bi khoa %d "
	    "phut.", pinlock_verbs[ctx->cmd.type], ctx->cmd.code,
	    PINLOCK_FAILURES, PINLOCK_WINDOW / 60, PINLOCK_TIME / 60);
	return (handler_reply(ctx, 0, "command", PRIO_REPLY, reply));
}

static int
pinlock_handle(struct msgctx *ctx)
{
	int	 r;

	if ((r = pinlock_is_locked(ctx)) == -1)
		return (-1);
	if (r == 1)
		return (pinlock_event(ctx, "locked (wrong PINs)"));
	return (pinlock_wrong(ctx, ctx->cmd.pin[0] == '\0' ? "no PIN" :
	    "wrong PIN"));
}
