/*
 * tinbao: the USSD menu at /ussd (SPEC section 9).
 *
 * A USSD aggregator calls /ussd?token=SECRET with a form (POST body, or a
 * GET query for testing) of sessionId, serviceCode, phoneNumber and text,
 * where text is every answer of the session so far joined by '*' (empty at
 * the start).  We answer text/plain "CON <screen>" (ask more) or "END
 * <screen>" (session over); a screen, prefix included, fits the 182
 * characters of a USSD screen and is unaccented Vietnamese (GSM-7 safe).
 *
 * The menu is a pure function of the text (ussd_step): since the
 * aggregator resends the whole path each time, the server keeps no menu
 * state; the walk is replayed on every request.  Invalid answers are
 * SKIPPED while replaying: an answer that does not fit the screen it was
 * given to leaves the walk where it was, and when it is the last answer
 * the same screen is asked again with "Sai lua chon." in front.  So
 * "1*9*x*2" is the category menu, a wrong answer "x" and then category 2.
 * The school code is checked against the directory through a callback; an
 * unknown code is asked again once, saying so, and a second unknown code
 * goes on with no school (h_report drops codes the directory lacks anyway).
 * What is not a known code is read as a school's name ("truong my phu",
 * "c2 nhi thanh") by the classifier's school recognition (classify.c),
 * the same that finds the school in an SMS.  A name that fits several
 * schools ("my phu": a primary and a lower secondary school) gets a short
 * numbered choice, at most USSD_CHOICES and "0 Khong ro": the classifier
 * is asked again with each school level added to the name (a grade, "lop
 * 6", for the levels that have grades; a level word before it for the
 * others), and the schools it then names are the choices.  A name of no
 * school counts as an unknown code does.
 *
 * The menu:
 *   main:      1 report, 2 case status
 *   report:    category (its key in category.c's table, 1-10), school
 *              code or name or 0 (a name of several schools: which one,
 *              1-4 or 0), description, now? (1/2)
 *              -> the case is committed, END with its code, 113 and 111
 *   status:    a case code -> END with its status, only to the number that
 *              reported it; any other number, and any code that does not
 *              exist, get the same "not found" (codes cannot be probed).
 *
 * Session expiry (ussd_request) is pure too, given the time: a bounded
 * table of sessionIds with the time of each one's last request (the
 * oldest is evicted, and a forgotten session is taken as new, never as
 * expired).  After USSD_SESSION_TTL seconds of silence a session only
 * gets "expired", until a fresh start (empty text) begins it again; the
 * one exception is the retried last answer of a report already committed,
 * which gets its code again (the table remembers it) instead of a screen
 * that reads as if the report were lost.
 *
 * The HTTP glue (ussd_serve) owns the rest: the token (compared in
 * constant time through a keyed hash, so not even its length leaks), the
 * form (form.c), the clock (u->now) and the commit.  A completed report is an
 * sms_in with transport "ussd", the sessionId in the smsc field (part of
 * the dedup key: an aggregator retrying the last request gets the same case
 * and code back, not a second case) and the menu's answers in menu_*,
 * which h_report prefers over the classifier.  The reply with the code is
 * sent only after router_receive committed.  The caller's number is never
 * logged; the router stores it sealed, as for an SMS.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "tinbao.h"
#include "category.h"
#include "classify.h"

#define USSD_SESSIONS		1024	/* sessions remembered */
#define USSD_SESSION_TTL	300	/* seconds a session may last */
#define USSD_TEXT_MAX		4096	/* bytes of the joined answers */
#define USSD_ID_MAX		NUMBER_MAX
#define USSD_FORM_FIELDS	32	/* fields in one request */
#define USSD_CHOICES		4	/* schools offered for one name */
#define USSD_SCHOOL_NAME_MAX	80	/* bytes of a typed school name */

/* Screens (the part after "CON " or "END "). */
#define SCR_MAIN	"Duong day an toan truong hoc (khong can ghi ten)\n" \
	"1 Bao tin moi\n2 Tra cuu ho so"
#define SCR_CATEGORY	"Loai su viec:"	/* then category.c's keys and labels */
#define SCR_SCHOOL	"Nhap ma truong hoac ten truong (vd NT2, THCS Nhi " \
	"Thanh), hoac 0 neu khong biet:"
#define SCR_PICK	"Truong nao?"	/* the choices, then SCR_PICK_NONE */
#define SCR_PICK_NONE	"0 Khong ro"
#define SCR_DESC	"Mo ta ngan su viec (khong dung dau *):"
#define SCR_NOW		"Su viec dang xay ra?\n1 Co\n2 Khong"
#define SCR_LOOKUP	"Nhap ma ho so:"
#define PFX_INVALID	"Sai lua chon. "
#define PFX_UNKNOWN	"Khong co truong %s. "
#define PFX_NOTFOUND	"Khong tim thay truong. "
#define END_DONE	"Da nhan tin bao. Ma ho so: %s. Khan cap goi 113 " \
	"(cong an), 111 (bao ve tre em)."
#define END_DONE_111	"Da nhan tin bao. Ma ho so: %s. Khan cap goi 111 " \
	"(bao ve tre em), 113 (cong an)."
#define END_NOCODE	"Da nhan tin bao. Khan cap goi 113 (cong an), 111 " \
	"(bao ve tre em)."
#define END_STATUS	"Ho so %s: %s."
#define END_NOTFOUND	"Khong tim thay ho so."
#define END_EXPIRED	"Phien da het han, vui long quay lai."
#define END_EXPIRED_UNSENT "Phien da het han, tin bao CHUA duoc gui. Vui " \
	"long quay lai. Khan cap goi 113 (cong an), 111 (bao ve tre em)."
#define END_ERROR	"Loi he thong, vui long thu lai. Khan cap goi 113 " \
	"(cong an), 111 (bao ve tre em)."

enum ussd_state {
	USSD_S_MAIN = 0,
	USSD_S_CATEGORY,
	USSD_S_SCHOOL,
	USSD_S_PICK,		/* which of the schools a name fits */
	USSD_S_DESC,
	USSD_S_NOW,
	USSD_S_LOOKUP,
	USSD_S_REPORT,		/* complete */
	USSD_S_FOUND,		/* complete: a code to look up */
};

/* What replaying the answers carries from one answer to the next. */
struct ussd_walk {
	enum ussd_state	 st;
	int		 invalid;	/* the last answer did not fit */
	int		 tries;		/* unknown school codes so far */
	char		 unknown[16];	/* the last answer: an unknown school */
	int		 notfound;	/* the last answer: a name of none */
	char		 choice[USSD_CHOICES][16];	/* USSD_S_PICK's */
	int		 nchoice;
	const struct ussd_dir *dir;	/* NULL: any code is taken */
};

struct ussd_session {
	char		 id[USSD_ID_MAX];
	time_t		 last;		/* last request; 0: free slot */
	char		 code[8];	/* the case committed, "" if none */
};

struct ussd_sessions {
	struct ussd_session	 s[USSD_SESSIONS];
};

struct ussd {
	const struct config	*conf;
	struct router		*router;
	unsigned char		 token_mac[32];	/* keyed hash of the secret */
	struct ussd_sessions	*sessions;
	time_t			(*now)(time_t *);	/* time(3) */
};

static void	ussd_trim(char *);
static int	ussd_is_digit_answer(const char *, int, int);
static int	ussd_school_known(const char *, char *, size_t, void *);
static int	ussd_school_find(const struct classifier *, const char *,
		    char (*)[16]);
static void	ussd_school_miss(struct ussd_walk *, const char *,
		    struct ussd_reply *);
static void	ussd_answer_school(struct ussd_walk *, char *,
		    struct ussd_reply *);
static void	ussd_answer_pick(struct ussd_walk *, const char *,
		    struct ussd_reply *);
static void	ussd_screen_pick(const struct ussd_walk *, char *, size_t);
static void	ussd_answer(struct ussd_walk *, char *, struct ussd_reply *);
static const char *ussd_screen(enum ussd_state, char *, size_t);
static struct ussd_session *ussd_session_find(struct ussd_sessions *,
		    const char *, int);
static void	ussd_reply(struct evhttp_request *, int, const char *,
		    const char *);
static void	ussd_report(struct ussd *, struct evhttp_request *,
		    const struct ussd_reply *, const char *, const char *);
static void	ussd_lookup(struct ussd *, struct evhttp_request *,
		    const char *, const char *);
static int	ussd_token_ok(const struct ussd *, const char *);

/* Removes leading and trailing white space, in place. */
static void
ussd_trim(char *s)
{
	size_t	 n, i = 0;

	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, strlen(s + i) + 1);
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Returns the number when s is exactly one digit in [lo, hi], else 0. */
static int
ussd_is_digit_answer(const char *s, int lo, int hi)
{
	if (s[0] < '0' || s[0] > '9' || s[1] != '\0')
		return (0);
	if (s[0] - '0' < lo || s[0] - '0' > hi)
		return (0);
	return (s[0] - '0');
}

/*
 * Finds the schools a typed name fits with the classifier: 1 with the one
 * school in choice[0], n >= 2 with n of them (the name fits several: see
 * the top of this file), or 0 for none.
 */
static int
ussd_school_find(const struct classifier *cls, const char *name,
    char (*choice)[16])
{
	/* The levels, pupils' first: a grade after, a level word before. */
	static const struct {
		const char	*before, *after;
	} probe[] = {
		{ "", " lop 1" }, { "", " lop 6" }, { "", " lop 10" },
		{ "mam non ", "" }, { "gdtx ", "" },
	};
	struct classify_result	 r;
	char			 fold[USSD_SCHOOL_NAME_MAX * 2], text[256];
	const char		*bare;
	size_t			 i;
	int			 n = 0, k;

	if (classify(cls, name, strlen(name), &r) == -1)
		return (0);
	if (r.school[0] != '\0') {
		(void)strlcpy_checked(choice[0], r.school, sizeof(choice[0]));
		return (1);
	}
	if (!r.school_ambiguous)
		return (0);
	/* A level word must stand right before the place: no "truong". */
	(void)text_unaccent(name, fold, sizeof(fold), 1);
	bare = fold;
	if (strncmp(bare, "truong ", 7) == 0)
		bare += 7;
	else if (strncmp(bare, "trg ", 4) == 0)
		bare += 4;
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]) &&
	    n < USSD_CHOICES; i++) {
		(void)snprintf(text, sizeof(text), "%s%s%s", probe[i].before,
		    probe[i].before[0] != '\0' ? bare : fold, probe[i].after);
		if (classify(cls, text, strlen(text), &r) == -1 ||
		    r.school[0] == '\0')
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(choice[k], r.school) == 0)
				break;
		if (k == n)
			(void)strlcpy_checked(choice[n++], r.school,
			    sizeof(choice[0]));
	}
	return (n);
}

/*
 * An answer at the school screen that names no school: asked again once,
 * saying so (the code, or "not found" for a name), then no school.
 */
static void
ussd_school_miss(struct ussd_walk *w, const char *code, struct ussd_reply *out)
{
	if (w->tries++ == 0) {
		if (code != NULL)
			(void)strlcpy_checked(w->unknown, code,
			    sizeof(w->unknown));
		else
			w->notfound = 1;
		return;
	}
	out->school[0] = '\0';
	w->st = USSD_S_DESC;
}

/*
 * Takes one answer (trimmed, in a) at the school screen: "0" for none, a
 * code of 1-15 letters and digits the directory has, or with a classifier
 * a school's name (ussd_school_find): one school, or the choice among
 * several.  Without a classifier anything but a code is invalid.
 */
static void
ussd_answer_school(struct ussd_walk *w, char *a, struct ussd_reply *out)
{
	const struct classifier	*cls;
	char			 code[16];
	int			 i, n;

	cls = w->dir != NULL ? w->dir->classifier : NULL;
	if (strcmp(a, "0") == 0) {
		out->school[0] = '\0';
		w->st = USSD_S_DESC;
		return;
	}
	for (i = 0; a[i] != '\0'; i++)
		if (!isalnum((unsigned char)a[i]))
			break;
	if (a[i] == '\0' && i > 0 && i <= 15) {
		for (i = 0; a[i] != '\0'; i++)
			code[i] = (char)toupper((unsigned char)a[i]);
		code[i] = '\0';
		if (w->dir == NULL || w->dir->known == NULL ||
		    w->dir->known(code, NULL, 0, w->dir->arg) != 0) {
			(void)strlcpy_checked(out->school, code,
			    sizeof(out->school));
			w->st = USSD_S_DESC;
			return;
		}
		if (cls == NULL) {
			ussd_school_miss(w, code, out);
			return;
		}
	} else if (cls == NULL || strlen(a) > USSD_SCHOOL_NAME_MAX ||
	    !utf8_is_valid(a, strlen(a))) {
		w->invalid = 1;
		return;
	} else
		code[0] = '\0';
	if ((n = ussd_school_find(cls, a, w->choice)) == 1) {
		(void)strlcpy_checked(out->school, w->choice[0],
		    sizeof(out->school));
		w->st = USSD_S_DESC;
	} else if (n > 1) {
		w->nchoice = n;
		w->st = USSD_S_PICK;
	} else
		ussd_school_miss(w, code[0] != '\0' ? code : NULL, out);
}

/* Takes one answer at the choice among schools: 1..n, or 0 for none. */
static void
ussd_answer_pick(struct ussd_walk *w, const char *a, struct ussd_reply *out)
{
	int	 k;

	if (strcmp(a, "0") == 0)
		out->school[0] = '\0';
	else if ((k = ussd_is_digit_answer(a, 1, w->nchoice)) != 0)
		(void)strlcpy_checked(out->school, w->choice[k - 1],
		    sizeof(out->school));
	else {
		w->invalid = 1;
		return;
	}
	w->st = USSD_S_DESC;
}

/*
 * Takes one answer (trimmed, in a) at the screen the walk stands on: moves
 * the walk on and fills out, or marks the answer invalid and stays.
 */
static void
ussd_answer(struct ussd_walk *w, char *a, struct ussd_reply *out)
{
	const struct category	*cat;
	int			 k;

	switch (w->st) {
	case USSD_S_MAIN:
		if (strcmp(a, "1") == 0)
			w->st = USSD_S_CATEGORY;
		else if (strcmp(a, "2") == 0)
			w->st = USSD_S_LOOKUP;
		else
			w->invalid = 1;
		break;
	case USSD_S_CATEGORY:
		if (a[0] < '1' || a[0] > '9' || (a[1] != '\0' &&
		    (!isdigit((unsigned char)a[1]) || a[2] != '\0')) ||
		    (cat = category_by_ussd_key(atoi(a))) == NULL) {
			w->invalid = 1;
			break;
		}
		out->category = cat->code;
		w->st = USSD_S_SCHOOL;
		break;
	case USSD_S_SCHOOL:
		ussd_answer_school(w, a, out);
		break;
	case USSD_S_PICK:
		ussd_answer_pick(w, a, out);
		break;
	case USSD_S_DESC:
		if (a[0] == '\0' || strlen(a) > USSD_DESC_MAX ||
		    !utf8_is_valid(a, strlen(a))) {
			w->invalid = 1;
			break;
		}
		(void)strlcpy_checked(out->description, a,
		    sizeof(out->description));
		w->st = USSD_S_NOW;
		break;
	case USSD_S_NOW:
		if ((k = ussd_is_digit_answer(a, 1, 2)) == 0) {
			w->invalid = 1;
			break;
		}
		out->now = k == 1;
		w->st = USSD_S_REPORT;
		break;
	case USSD_S_LOOKUP:
		if (casecode_normalize(a, out->code, sizeof(out->code)) == -1) {
			w->invalid = 1;
			break;
		}
		w->st = USSD_S_FOUND;
		break;
	default:
		break;
	}
}

/*
 * Returns the screen that asks the answer of a state; the category menu is
 * written into buf from category.c's table, in the order of the keys.
 */
static const char *
ussd_screen(enum ussd_state st, char *buf, size_t size)
{
	const struct category	*cat;
	size_t			 n;
	int			 key;

	switch (st) {
	case USSD_S_CATEGORY:
		(void)strlcpy_checked(buf, SCR_CATEGORY, size);
		for (key = 1; key <= CATEGORY_N; key++) {
			if ((cat = category_by_ussd_key(key)) == NULL)
				continue;
			n = strlen(buf);
			(void)snprintf(buf + n, size - n, "\n%d %s", key,
			    cat->ussd);
		}
		return (buf);
	case USSD_S_SCHOOL:
		return (SCR_SCHOOL);
	case USSD_S_DESC:
		return (SCR_DESC);
	case USSD_S_NOW:
		return (SCR_NOW);
	case USSD_S_LOOKUP:
		return (SCR_LOOKUP);
	default:
		return (SCR_MAIN);
	}
}

/*
 * Writes the choice among the schools a name fits: each school's name from
 * the directory, unaccented, without "Truong", cut so that the screen fits
 * with the longest prefix, and its code; then "0 Khong ro".
 */
static void
ussd_screen_pick(const struct ussd_walk *w, char *buf, size_t size)
{
	char	 raw[160], name[160];
	size_t	 n;
	int	 i, room, each;

	room = USSD_SCREEN_MAX - (int)(strlen("CON ") + strlen(PFX_INVALID) +
	    strlen(SCR_PICK) + strlen("\n" SCR_PICK_NONE));
	for (i = 0; i < w->nchoice; i++)
		room -= (int)(strlen("\n1  ()") + strlen(w->choice[i]));
	each = room / w->nchoice;
	(void)strlcpy_checked(buf, SCR_PICK, size);
	for (i = 0; i < w->nchoice; i++) {
		raw[0] = name[0] = '\0';
		if (w->dir != NULL && w->dir->known != NULL &&
		    w->dir->known(w->choice[i], raw, sizeof(raw),
		    w->dir->arg) == 1) {
			(void)text_unaccent(raw, name, sizeof(name), 0);
			text_gsm7_safe(name);
		}
		n = strncasecmp(name, "truong ", 7) == 0 ? 7 : 0;
		memmove(name, name + n, strlen(name + n) + 1);
		if (each >= 0 && strlen(name) > (size_t)each)
			name[each] = '\0';
		while ((n = strlen(name)) > 0 && name[n - 1] == ' ')
			name[n - 1] = '\0';
		n = strlen(buf);
		if (name[0] != '\0')
			(void)snprintf(buf + n, size - n, "\n%d %s (%s)", i + 1,
			    name, w->choice[i]);
		else
			(void)snprintf(buf + n, size - n, "\n%d %s", i + 1,
			    w->choice[i]);
	}
	n = strlen(buf);
	(void)snprintf(buf + n, size - n, "\n%s", SCR_PICK_NONE);
}

/*
 * Replays the answers in text and decides what comes next: a screen in
 * out->screen ("CON ..." or "END ..."), or a complete report or lookup
 * (out->kind).  dir (may be NULL: any code is taken) is the directory and
 * the classifier the school step asks (struct ussd_dir).
 * A description cannot contain '*', which separates answers: whatever the
 * reporter typed after a '*' is the next answer.  Returns 0, or -1 when
 * the text is too long (out->screen then holds an END).
 */
int
ussd_step(const char *text, const struct ussd_dir *dir, struct ussd_reply *out)
{
	struct ussd_walk w;
	char		 a[USSD_DESC_MAX + 2], pfx[48] = "";
	char		 menu[USSD_SCREEN_MAX];
	const char	*p, *e;
	size_t		 n;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.st = USSD_S_MAIN;
	w.dir = dir;
	if (text == NULL)
		text = "";
	if (strlen(text) > USSD_TEXT_MAX) {
		(void)snprintf(out->screen, sizeof(out->screen), "END %s",
		    END_ERROR);
		return (-1);
	}
	for (p = text; *text != '\0' && p != NULL; p = e ? e + 1 : NULL) {
		if (w.st == USSD_S_REPORT || w.st == USSD_S_FOUND)
			break;	/* answers past the end: ignored */
		e = strchr(p, '*');
		n = e ? (size_t)(e - p) : strlen(p);
		w.invalid = w.notfound = 0;
		w.unknown[0] = '\0';
		if (n >= sizeof(a)) {
			w.invalid = 1;
			continue;
		}
		memcpy(a, p, n);
		a[n] = '\0';
		ussd_trim(a);
		ussd_answer(&w, a, out);
	}

	if (w.st == USSD_S_REPORT || w.st == USSD_S_FOUND) {
		out->kind = w.st == USSD_S_REPORT ? USSD_K_REPORT :
		    USSD_K_LOOKUP;
		return (0);
	}
	if (w.unknown[0] != '\0')
		(void)snprintf(pfx, sizeof(pfx), PFX_UNKNOWN, w.unknown);
	else if (w.notfound)
		(void)strlcpy_checked(pfx, PFX_NOTFOUND, sizeof(pfx));
	else if (w.invalid)
		(void)strlcpy_checked(pfx, PFX_INVALID, sizeof(pfx));
	out->kind = USSD_K_SCREEN;
	if (w.st == USSD_S_PICK)
		ussd_screen_pick(&w, menu, sizeof(menu));
	(void)snprintf(out->screen, sizeof(out->screen), "CON %s%s", pfx,
	    w.st == USSD_S_PICK ? menu : ussd_screen(w.st, menu,
	    sizeof(menu)));
	return (0);
}

/*
 * Writes the last screen of a report: the case code, 113 and 111 (111
 * first for sexual abuse and self harm).  code may be "" when no case was
 * made.  Returns 0, or -1 when it did not fit.
 */
int
ussd_format_done(char *buf, size_t size, const char *code,
    const char *category)
{
	int	 first111, n;

	first111 = category != NULL && category_is_111_first(category);
	if (code == NULL || code[0] == '\0')
		n = snprintf(buf, size, "END %s", END_NOCODE);
	else {
		n = snprintf(buf, size, "END ");
		if (n >= 0 && (size_t)n < size)
			n += snprintf(buf + n, size - (size_t)n, first111 ?
			    END_DONE_111 : END_DONE, code);
	}
	return (n < 0 || (size_t)n >= size ? -1 : 0);
}

/*
 * Reads the shared secret and keeps only its keyed hash.  Returns NULL,
 * logged, when the file cannot be read or is empty.
 */
struct ussd *
ussd_new(const struct config *conf, struct router *router)
{
	struct ussd	*u;
	char		 buf[256] = "";

	if (secretfile_read(conf->ussd_secret_file, "ussd: secret_file", buf,
	    sizeof(buf)) == -1)
		return (NULL);
	u = xcalloc(1, sizeof(*u));
	u->conf = conf;
	u->router = router;
	u->sessions = ussd_sessions_new();
	u->now = time;
	secret_mac(router->secret, buf, strlen(buf), u->token_mac);
	explicit_bzero(buf, sizeof(buf));
	return (u);
}

/* Frees the menu's state. */
void
ussd_free(struct ussd *u)
{
	if (u == NULL)
		return;
	explicit_bzero(u->token_mac, sizeof(u->token_mac));
	ussd_sessions_free(u->sessions);
	free(u);
}

/* Returns 1 when the token is the secret, in time independent of both. */
static int
ussd_token_ok(const struct ussd *u, const char *token)
{
	unsigned char	 mac[32], diff = 0;
	size_t		 i;

	secret_mac(u->router->secret, token, strlen(token), mac);
	for (i = 0; i < sizeof(mac); i++)
		diff |= (unsigned char)(mac[i] ^ u->token_mac[i]);
	return (diff == 0);
}

/* Asks the directory whether a school code exists, and its name. */
static int
ussd_school_known(const char *code, char *name, size_t size, void *arg)
{
	struct ussd	*u = arg;
	struct school	 sc;
	int		 r;

	if ((r = store_school_get(u->router->store, code, &sc)) == 1 &&
	    name != NULL)
		(void)strlcpy_checked(name, sc.name, size);
	return (r);
}

/*
 * Finds a session by id; with create, a new one takes a free slot or the
 * one silent the longest.  Returns NULL when absent and not created.
 */
static struct ussd_session *
ussd_session_find(struct ussd_sessions *ss, const char *id, int create)
{
	struct ussd_session	*s, *slot = NULL;
	size_t			 i;

	for (i = 0; i < USSD_SESSIONS; i++) {
		s = &ss->s[i];
		if (s->last != 0 && strcmp(s->id, id) == 0)
			return (s);
		if (slot == NULL || s->last < slot->last)
			slot = s;	/* a free slot (0) or the oldest */
	}
	if (!create)
		return (NULL);
	memset(slot, 0, sizeof(*slot));
	(void)strlcpy_checked(slot->id, id, sizeof(slot->id));
	return (slot);
}

/* Returns an empty session table. */
struct ussd_sessions *
ussd_sessions_new(void)
{
	return (xcalloc(1, sizeof(struct ussd_sessions)));
}

/* Frees a session table. */
void
ussd_sessions_free(struct ussd_sessions *ss)
{
	if (ss != NULL)
		explicit_bzero(ss, sizeof(*ss));
	free(ss);
}

/*
 * Remembers the case code committed for a session, so that a retry of its
 * last request after the session expired still gets the code.
 */
void
ussd_session_done(struct ussd_sessions *ss, const char *id, const char *code)
{
	struct ussd_session	*s;

	if ((s = ussd_session_find(ss, id, 0)) != NULL)
		(void)strlcpy_checked(s->code, code, sizeof(s->code));
}

/*
 * One request of session id at time now: expiry, then the menu
 * (ussd_step).  A session silent for more than USSD_SESSION_TTL seconds
 * has expired: a fresh start (empty text) begins it again; anything else
 * gets "expired", except the last answer of a report already committed
 * (the aggregator retrying it), which gets the case code again rather than
 * a screen that reads as if the report were lost.  An expired session
 * commits nothing new: the report was not sent, and the screen says so.
 * Returns what ussd_step returns.
 */
int
ussd_request(struct ussd_sessions *ss, const char *id, const char *text,
    time_t now, const struct ussd_dir *dir, struct ussd_reply *out)
{
	struct ussd_session	*s;
	int			 expired, ret;

	if (text == NULL)
		text = "";
	s = ussd_session_find(ss, id, 1);
	expired = s->last != 0 && now - s->last > USSD_SESSION_TTL;
	if (expired && text[0] == '\0') {
		s->code[0] = '\0';
		expired = 0;
	}
	if (!expired)
		s->last = now;
	ret = ussd_step(text, dir, out);
	if (!expired || ret == -1)
		return (ret);
	if (out->kind == USSD_K_REPORT && s->code[0] != '\0') {
		if (ussd_format_done(out->screen, sizeof(out->screen), s->code,
		    out->category) == -1)
			(void)snprintf(out->screen, sizeof(out->screen),
			    "END %s", END_NOCODE);
	} else
		(void)snprintf(out->screen, sizeof(out->screen), "END %s",
		    out->kind == USSD_K_REPORT ? END_EXPIRED_UNSENT :
		    END_EXPIRED);
	out->kind = USSD_K_SCREEN;
	return (0);
}

/* Sends a text/plain answer. */
static void
ussd_reply(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evbuffer	*b = evbuffer_new();

	evbuffer_add_printf(b, "%s", text);
	http_reply_text(req, code, reason, b);
	evbuffer_free(b);
}

/* Commits a completed report, then answers with its code. */
static void
ussd_report(struct ussd *u, struct evhttp_request *req,
    const struct ussd_reply *r, const char *session, const char *phone)
{
	struct router_result	 res;
	struct store_caserow	 c;
	struct sms_in		 sms;
	struct sms_part		 part;
	char			 code[8] = "", screen[USSD_SCREEN_MAX * 2];
	int64_t			 case_id = 0;
	int			 flags, total;

	memset(&sms, 0, sizeof(sms));
	memset(&part, 0, sizeof(part));
	sms.transport = "ussd";
	(void)strlcpy_checked(sms.sender, phone, sizeof(sms.sender));
	/* The session stands where the modem's SMSC stands: the dedup key. */
	(void)strlcpy_checked(sms.smsc, session, sizeof(sms.smsc));
	sms.concat_ref = -1;
	sms.parts_total = 1;
	sms.nparts = 1;
	part.partno = 1;
	part.text = xstrdup(r->description);
	sms.parts = &part;
	sms.menu_category = r->category;
	sms.menu_urgent = r->now;
	(void)strlcpy_checked(sms.menu_school, r->school,
	    sizeof(sms.menu_school));
	if (router_receive(u->router, &sms, u->now(NULL), &res) == -1) {
		router_tally(u->router, "ussd", 0, 0, 1);
		(void)snprintf(screen, sizeof(screen), "END %s", END_ERROR);
		ussd_reply(req, 200, "OK", screen);
		goto done;
	}
	router_tally(u->router, "ussd", !res.duplicate, res.duplicate, 0);
	if (res.duplicate) {
		/* The aggregator retried the last request: the same case. */
		if (store_message_get(u->router->store, res.message_id,
		    &case_id, &flags, &total) == 0 && case_id > 0 &&
		    store_case_by_id(u->router->store, case_id, &c) == 1) {
			(void)strlcpy_checked(code, c.code, sizeof(code));
			store_caserow_free(&c);
		}
	} else
		(void)strlcpy_checked(code, res.case_code, sizeof(code));
	log_info("ussd report message=%lld case=%s%s",
	    (long long)res.message_id, code[0] ? code : "-",
	    res.duplicate ? " duplicate" : "");
	if (code[0] != '\0')
		ussd_session_done(u->sessions, session, code);
	if (ussd_format_done(screen, sizeof(screen), code, r->category) == -1)
		(void)snprintf(screen, sizeof(screen), "END %s", END_NOCODE);
	ussd_reply(req, 200, "OK", screen);
done:
	free(part.text);
}

/*
 * Tells a case's status, only to the number that reported it; everyone
 * else, and a code that does not exist, get the same "not found".
 */
static void
ussd_lookup(struct ussd *u, struct evhttp_request *req, const char *code,
    const char *phone)
{
	struct store_caserow	 c;
	struct contact		 ct;
	char			 number[NUMBER_MAX], alias[24], screen[96];
	const char		*st;
	int64_t			 reporter_id = 0;
	int			 found, silent, mine = 0;

	if (phone_normalize(phone, number, sizeof(number)) == -1)
		(void)strlcpy_checked(number, phone, sizeof(number));
	memset(&c, 0, sizeof(c));
	if ((found = store_case_get(u->router->store, code, &c)) == -1)
		goto error;
	if (found == 1) {
		if ((reporter_id = store_reporter_lookup(u->router->store,
		    u->router->secret, number, alias, sizeof(alias),
		    &silent)) == -1)
			goto error;
		if (reporter_id > 0 && c.reporter_id == reporter_id)
			mine = 1;
		else if (c.contact_id > 0 && store_contact_by_phone(
		    u->router->store, number, &ct) == 1 &&
		    ct.id == c.contact_id)
			mine = 1;
	}
	explicit_bzero(number, sizeof(number));
	if (mine) {
		if (strcmp(c.status, "closed") == 0)
			st = "da dong";
		else if (strcmp(c.status, "acknowledged") == 0)
			st = "da nhan";
		else
			st = "chua nhan";
		(void)snprintf(screen, sizeof(screen), "END " END_STATUS,
		    c.code, st);
	} else
		(void)snprintf(screen, sizeof(screen), "END %s", END_NOTFOUND);
	log_info("ussd lookup found=%d", mine);
	if (found == 1)
		store_caserow_free(&c);
	ussd_reply(req, 200, "OK", screen);
	return;
error:
	explicit_bzero(number, sizeof(number));
	if (found == 1)
		store_caserow_free(&c);
	(void)snprintf(screen, sizeof(screen), "END %s", END_ERROR);
	ussd_reply(req, 200, "OK", screen);
}

/*
 * Serves /ussd: checks the token, decodes the form (form.c: UTF-8 only,
 * each of sessionId, phoneNumber and text at most once), then walks the
 * menu.
 */
void
ussd_serve(void *arg, struct evhttp_request *req)
{
	struct ussd		*u = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	const char		*q = uri ? evhttp_uri_get_query(uri) : NULL;
	const char		*why = NULL, *text;
	struct form		 qf, f;
	struct ussd_reply	 r;
	struct ussd_dir		 dir;
	char			 token[256] = "", session[USSD_ID_MAX];
	char			 phone[NUMBER_MAX] = "", *body = NULL;
	size_t			 len;
	int			 have_form = 0;

	memset(&qf, 0, sizeof(qf));
	if (q == NULL || form_parse_str(&qf, q, USSD_FORM_FIELDS,
	    USSD_TEXT_MAX + 1, FORM_F_UTF8, &why) == -1 ||
	    form_count(&qf, "token") != 1 ||
	    form_copy(&qf, "token", token, sizeof(token)) == -1 ||
	    !ussd_token_ok(u, token)) {
		ussd_reply(req, 403, "Forbidden", "403 Forbidden\n");
		goto done;
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
		len = evbuffer_get_length(in);
		body = xmalloc(len + 1);
		evbuffer_remove(in, body, len);
		body[len] = '\0';
		if (form_parse(&f, body, len, USSD_FORM_FIELDS,
		    USSD_TEXT_MAX + 1, FORM_F_UTF8, &why) == -1) {
			log_warnx("ussd: form refused: %s", why);
			ussd_reply(req, 400, "Bad Request", "400 bad form\n");
			goto done;
		}
	} else
		f = qf;		/* testing: the query is the form */
	have_form = 1;
	if (form_count(&f, "sessionId") != 1 ||
	    form_count(&f, "phoneNumber") != 1 ||
	    form_count(&f, "text") > 1 ||
	    form_copy(&f, "sessionId", session, sizeof(session)) == -1 ||
	    session[0] == '\0' ||
	    form_copy(&f, "phoneNumber", phone, sizeof(phone)) == -1 ||
	    phone[0] == '\0') {
		ussd_reply(req, 400, "Bad Request",
		    "400 sessionId and phoneNumber needed, once each\n");
		goto done;
	}
	/* An unescaped '+' in the number arrives as a space. */
	if (phone[0] == ' ')
		phone[0] = '+';
	if ((text = form_get(&f, "text", NULL)) == NULL)
		text = "";
	/* The classifier of now: a SIGHUP may have swapped it. */
	dir.classifier = u->router->classifier;
	dir.known = ussd_school_known;
	dir.arg = u;
	(void)ussd_request(u->sessions, session, text, u->now(NULL), &dir, &r);
	switch (r.kind) {
	case USSD_K_SCREEN:
		ussd_reply(req, 200, "OK", r.screen);
		break;
	case USSD_K_REPORT:
		ussd_report(u, req, &r, session, phone);
		break;
	case USSD_K_LOOKUP:
		ussd_lookup(u, req, r.code, phone);
		break;
	}
done:
	explicit_bzero(phone, sizeof(phone));
	explicit_bzero(token, sizeof(token));
	if (have_form && f.fields != qf.fields)
		form_free(&f);
	form_free(&qf);
	free(body);
}
