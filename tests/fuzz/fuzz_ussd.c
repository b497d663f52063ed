/*
 * libFuzzer harness: the USSD menu (ussd.c) as the aggregator drives it.
 *
 * The input is a request body, decoded as ussd_serve decodes it (form.c,
 * UTF-8 only, 32 fields of at most 4097 bytes), then walked through
 * ussd_request with a session table kept across inputs and a clock that
 * the input moves; the raw input is also given to ussd_step as the text
 * itself, so that invalid UTF-8 and NULs reach the menu too.
 * Invariants: a screen starts with "CON " or "END ", fits the 182
 * characters of a USSD screen and is printable ASCII (GSM-7 safe); a
 * finished report has a category of the menu, a non-empty valid UTF-8
 * description without '*' and a well-formed school code or none; a lookup
 * has a valid case code; the last screen of a report fits as well.  The
 * school step has a classifier that knows two schools of one place (NA1,
 * NA2: a name of both gets the choice) and NB2, all known to the directory.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"
#include "classify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check_reply(int, const struct ussd_reply *, int);
static int	known(const char *, char *, size_t, void *);

static struct ussd_sessions	*sessions;
static struct ussd_dir		 directory = { .known = known };
static time_t			 clock_now = 1790000000;

/* A directory whose answer depends on the code: some known, some not. */
static int
known(const char *code, char *name, size_t size, void *arg)
{
	(void)arg;
	if (name != NULL)
		(void)snprintf(name, size, "Truong %s", code);
	return (code[0] == 'N' ? 1 : code[0] == 'Q' ? -1 : 0);
}

/* dir: whether the directory was asked (it knows only N..., Q...). */
static void
check_reply(int ret, const struct ussd_reply *r, int dir)
{
	char		 done[USSD_SCREEN_MAX * 2];
	const char	*s;
	size_t		 i, n;

	if (ret == -1 || r->kind == USSD_K_SCREEN) {
		s = r->screen;
		n = strlen(s);
		if (n > USSD_SCREEN_MAX || (strncmp(s, "CON ", 4) != 0 &&
		    strncmp(s, "END ", 4) != 0))
			abort();
		for (i = 0; i < n; i++)
			if (s[i] != '\n' && (s[i] < 0x20 || s[i] > 0x7e))
				abort();
		if (ret == -1 && r->kind != USSD_K_SCREEN)
			abort();
		return;
	}
	if (r->kind == USSD_K_LOOKUP) {
		if (!casecode_is_valid(r->code))
			abort();
		return;
	}
	if (r->kind != USSD_K_REPORT || r->category == NULL)
		abort();
	if (category_find(r->category) == NULL)
		abort();
	n = strlen(r->description);
	if (n == 0 || n > USSD_DESC_MAX || strchr(r->description, '*') ||
	    !utf8_is_valid(r->description, n) ||
	    isspace((unsigned char)r->description[0]) ||
	    isspace((unsigned char)r->description[n - 1]))
		abort();
	for (i = 0; r->school[i] != '\0'; i++)
		if (!isupper((unsigned char)r->school[i]) &&
		    !isdigit((unsigned char)r->school[i]))
			abort();
	if (i > 15 || (dir && i > 0 && r->school[0] != 'N' &&
	    r->school[0] != 'Q'))
		abort();
	if (ussd_format_done(done, sizeof(done), "KXQ7M4", r->category) ==
	    -1 || strlen(done) > USSD_SCREEN_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ussd_reply	 r;
	struct form		 f;
	const char		*why, *text, *id;
	char			*raw;
	struct classifier	*c;
	int			 ret;

	if (sessions == NULL) {
		sessions = ussd_sessions_new();
		c = classifier_new();
		if (classifier_load_builtin(c) == -1 ||
		    classifier_add_school(c, "NA1", "Trường Tiểu học Mỹ Phú",
		    "TH", "") == -1 ||
		    classifier_add_school(c, "NA2", "Trường THCS Mỹ Phú", "THCS",
		    "") == -1 ||
		    classifier_add_school(c, "NB2", "Trường THCS Bình Thạnh",
		    "THCS", "") == -1 || classifier_compile(c) == -1)
			abort();
		directory.classifier = c;
	}

	/* The raw bytes as the text (NUL ends it, as a C string would). */
	raw = xstrndup((const char *)data, size);
	check_reply(ussd_step(raw, &directory, &r), &r, 1);
	check_reply(ussd_step(raw, NULL, &r), &r, 0);
	free(raw);

	/* The body as ussd_serve decodes it. */
	if (form_parse(&f, (const char *)data, size, 32, 4097, FORM_F_UTF8,
	    &why) == -1)
		return (0);
	if ((id = form_get(&f, "sessionId", NULL)) == NULL)
		id = "s";
	if ((text = form_get(&f, "text", NULL)) == NULL)
		text = "";
	/* The clock: each input moves it by 0 to 10 minutes. */
	clock_now += size > 0 ? data[0] * 600 / 255 : 0;
	ret = ussd_request(sessions, id, text, clock_now, &directory, &r);
	check_reply(ret, &r, 1);
	if (r.kind == USSD_K_REPORT && size > 1 && data[1] & 1)
		ussd_session_done(sessions, id, "K7QX");
	form_free(&f);
	return (0);
}
