/*
 * tinbao: h_staff, a registered number's message that nothing else took
 * (SPEC section 4, issue 15).
 *
 * A message from a registered number is never a pupil's report, and it
 * always gets an answer.  This handler comes just before h_report in the
 * table and takes every message of a registered number that the others
 * left: it answers with the help of the sender's role, never opens a
 * case.  A first word that looks like a teacher's code and is none ("ZZ")
 * gets the list of codes; a case code without a verb ("4EUQ", "4EUQ dang
 * den") gets the commands for that case, so that an officer sees at once
 * what to type.  Help replies are throttled (STAFF_HELP_MAX in
 * STAFF_HELP_WINDOW) so that an auto-responder on a contact's phone cannot
 * start an endless exchange.
 *
 * The help of each role (staff_help) is one GSM-7 SMS: police, Bureau and
 * admin get the commands, with the PIN where they have one; principals and
 * counselors the codes to report with and the NHAN and TT they may send
 * about cases they were alerted to; teachers the codes with their names,
 * from category.c's table.  HD (h_keyword.c) answers with the same text.
 */
#include <stdio.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

#define STAFF_HELP_MAX		5
#define STAFF_HELP_WINDOW	(10 * 60)

static int	staff_match(const struct msgctx *);
static int	staff_handle(struct msgctx *);
static int	staff_alerted_cb(const struct contact *, void *);
static int	staff_is_reporter_role(const char *);
static void	staff_codes(char *, size_t, int);

const struct handler handler_staff = {
	.name = "staff",
	.match = staff_match,
	.handle = staff_handle,
};

static int
staff_match(const struct msgctx *ctx)
{
	return (ctx->is_contact && !(ctx->sms->flags & SMS_F_BINARY));
}

/* Returns 1 for the roles that report with a teacher's code. */
static int
staff_is_reporter_role(const char *role)
{
	return (strcmp(role, "teacher") == 0 ||
	    strcmp(role, "principal") == 0 || strcmp(role, "counselor") == 0);
}

/* The teachers' codes, with their names when long, from category.c. */
static void
staff_codes(char *buf, size_t sz, int names)
{
	size_t	 i, len;

	buf[0] = '\0';
	for (i = 0; i < CATEGORY_N; i++) {
		len = strlen(buf);
		if (names)
			(void)snprintf(buf + len, sz - len, "%s%s %s",
			    i > 0 ? ", " : "", category_table[i].teacher,
			    category_table[i].name_ascii);
		else
			(void)snprintf(buf + len, sz - len, "%s%s",
			    i > 0 ? " " : "", category_table[i].teacher);
	}
}

/*
 * Writes the help of the sender's role into buf: one GSM-7 SMS.  code,
 * when not NULL, is a case code the sender typed without a verb: the
 * help then names it.
 */
void
staff_help(const struct msgctx *ctx, const char *code, char *buf, size_t sz)
{
	const char	*role = ctx->contact.role;
	const char	*pin = ctx->contact.has_pin ? " <PIN>" : "";
	char		 codes[256];

	if (strcmp(role, "police") == 0 || strcmp(role, "bureau") == 0 ||
	    strcmp(role, "admin") == 0) {
		if (code != NULL)
			(void)snprintf(buf, sz, "Ho so %s: NHAN %s%s (da nhan), "
			    "TL %s%s <tra loi>, XONG %s%s <ket qua>, TT %s%s "
			    "(tom tat).", code, code, pin, code, pin, code, pin,
			    code, pin);
		else
			(void)snprintf(buf, sz, "TINBAO lenh: NHAN <ma ho so>%s "
			    "(da nhan), TL <ma>%s <tra loi>, XONG <ma>%s <ket "
			    "qua>, TT <ma>%s (tom tat). Vd: NHAN K7QX%s", pin,
			    pin, pin, pin, pin);
		if (strlen(buf) > 160)	/* the PIN five times: shorter */
			(void)snprintf(buf, sz, "TINBAO lenh, ma PIN sau ma ho "
			    "so: NHAN <ma> <PIN>, TL <ma> <PIN> <tra loi>, "
			    "XONG <ma> <PIN> <ket qua>, TT <ma> <PIN>.");
		return;
	}
	if (strcmp(role, "principal") == 0 || strcmp(role, "counselor") == 0) {
		staff_codes(codes, sizeof(codes), 0);
		(void)snprintf(buf, sz, "TINBAO bao tin: <MA> [KC] <noi dung>, "
		    "MA: %s. Ho so da bao cho ban: NHAN <ma>%s, TT <ma>%s.",
		    codes, pin, pin);
		return;
	}
	if (strcmp(role, "teacher") == 0) {
		staff_codes(codes, sizeof(codes), 1);
		(void)snprintf(buf, sz, "Bao tin: MA [KC: khan] noi dung. %s",
		    codes);
		if (strlen(buf) > 160) {
			staff_codes(codes, sizeof(codes), 0);
			(void)snprintf(buf, sz, "TINBAO bao tin: <MA> [KC] <noi "
			    "dung>, KC la khan. MA: %s. Vd: BL KC 2 hs lop 8 "
			    "danh nhau o cong.", codes);
		}
		return;
	}
	(void)snprintf(buf, sz, "TINBAO: so nay chi nhan thong bao. Can ho "
	    "tro, goi Phong GD&DT.");
}

/*
 * Queues the help of the sender's role (see staff_help), unless the
 * throttle says enough help went to this number lately.  0 or -1.
 */
int
staff_reply_help(struct msgctx *ctx, const char *code)
{
	char	 reply[320];
	int	 n;

	if ((n = store_contact_sent_since(ctx->store, ctx->contact.id, "help",
	    ctx->now - STAFF_HELP_WINDOW)) == -1)
		return (-1);
	if (n >= STAFF_HELP_MAX) {
		log_warnx("sms message=%lld from=%s help not sent: %d in %d s",
		    (long long)ctx->message_id, ctx->alias, n,
		    STAFF_HELP_WINDOW);
		return (0);
	}
	staff_help(ctx, code, reply, sizeof(reply));
	return (handler_reply(ctx, 0, "help", PRIO_REPLY, reply));
}

struct staff_alerted_arg {
	int64_t		 id;
	int		 found;
};

static int
staff_alerted_cb(const struct contact *c, void *arg)
{
	struct staff_alerted_arg	*a = arg;

	if (c->id == a->id)
		a->found = 1;
	return (0);
}

/*
 * Returns 1 when the sender (a principal or counselor) was alerted about
 * the case its command names, and the command is NHAN or TT: SPEC section
 * 4 lets them acknowledge it and read its summary.  0 otherwise.
 */
int
staff_is_alerted(const struct msgctx *ctx)
{
	struct store_caserow		 c;
	struct staff_alerted_arg	 a;
	int				 r;

	if (!ctx->is_contact || (ctx->cmd.type != SMSCMD_NHAN &&
	    ctx->cmd.type != SMSCMD_TT) ||
	    (strcmp(ctx->contact.role, "principal") != 0 &&
	    strcmp(ctx->contact.role, "counselor") != 0))
		return (0);
	if (store_case_get(ctx->store, ctx->cmd.code, &c) != 1)
		return (0);
	memset(&a, 0, sizeof(a));
	a.id = ctx->contact.id;
	r = store_case_alerted(ctx->store, c.id, ctx->contact.role,
	    staff_alerted_cb, &a);
	store_caserow_free(&c);
	return (r != -1 && a.found);
}

static int
staff_handle(struct msgctx *ctx)
{
	char	 reply[320], codes[64], bad[8];
	const char *p = ctx->text;

	log_info("sms message=%lld from=%s type=%d: %s's help",
	    (long long)ctx->message_id, ctx->alias, (int)ctx->cmd.type,
	    ctx->contact.role);
	if (ctx->cmd.type == SMSCMD_BADCODE &&
	    staff_is_reporter_role(ctx->contact.role)) {
		staff_codes(codes, sizeof(codes), 0);
		p += strspn(p, " \t\r\n#");
		(void)text_unaccent(p, bad, sizeof(bad), 0);
		bad[strcspn(bad, " .,:;")] = '\0';
		text_gsm7_safe(bad);
		(void)snprintf(reply, sizeof(reply), "Khong co ma %s. Ma: %s. "
		    "Vd: BL KC 2 hs lop 8 danh nhau o cong. HD: huong dan.",
		    bad, codes);
		return (handler_reply(ctx, 0, "help", PRIO_REPLY, reply));
	}
	return (staff_reply_help(ctx, ctx->cmd.type == SMSCMD_FOLLOWUP ||
	    ctx->cmd.code_first ? ctx->cmd.code : NULL));
}
