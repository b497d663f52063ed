/*
 * tinbao: unit tests for ussd.c, the USSD menu as a pure function.
 *
 * The menu is replayed from the joined answers on every request, so the
 * tests walk it by text alone: every screen fits 182 characters with its
 * prefix and is plain ASCII (unaccented), the report and status paths end
 * with the right fields, an invalid answer re-asks the same screen and is
 * skipped, an unknown school is asked again once, and '*' separates
 * answers (a description cannot contain one).  Session expiry is driven by
 * the time given to ussd_request: 5 minutes of silence expire a session, a
 * fresh start revives it, and the retried last answer of a committed report
 * still gets its code.  The school step reads a school's name as typed
 * through the classifier (the sample district's directory): one school,
 * a short numbered choice when a name fits several, a code still, 0 for
 * none, and every choice screen fits.  (The form decoder is tested in
 * test_form.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tinbao.h"
#include "classify.h"

static int	 known_nt2(const char *, char *, size_t, void *);
static int	 known_sample(const char *, char *, size_t, void *);
static void	 step_names(const char *, struct ussd_reply *);
static void	 check_screen(const char *);
static void	 step(const char *, struct ussd_reply *);
static void	 request(struct ussd_sessions *, const char *, const char *,
		    time_t, struct ussd_reply *);

static const struct ussd_dir	 dir_nt2 = { .known = known_nt2 };

/* The sample district's schools (deploy/sample/schools.csv). */
static const struct {
	const char	*code, *name, *level;
} sample[] = {
	{ "NT1", "Trường Tiểu học Nhị Thành", "TH" },
	{ "NT2", "Trường THCS Nhị Thành", "THCS" },
	{ "TT3", "Trường THPT Thủ Thừa", "THPT" },
	{ "ML2", "Trường THCS Mỹ Lạc", "THCS" },
	{ "MP1", "Trường Tiểu học Mỹ Phú", "TH" },
	{ "MP2", "Trường THCS Mỹ Phú", "THCS" },
	{ "BT2", "Trường THCS Bình Thạnh", "THCS" },
};

/* A directory with one school, NT2. */
static int
known_nt2(const char *code, char *name, size_t size, void *arg)
{
	(void)arg;
	if (strcmp(code, "NT2") != 0)
		return (0);
	if (name != NULL)
		(void)strlcpy_checked(name, "Trường THCS Nhị Thành", size);
	return (1);
}

/* The sample directory. */
static int
known_sample(const char *code, char *name, size_t size, void *arg)
{
	size_t	 i;

	(void)arg;
	for (i = 0; i < sizeof(sample) / sizeof(sample[0]); i++)
		if (strcmp(code, sample[i].code) == 0) {
			if (name != NULL)
				(void)strlcpy_checked(name, sample[i].name,
				    size);
			return (1);
		}
	return (0);
}

/* Runs one step with the sample directory and a classifier that knows it. */
static void
step_names(const char *text, struct ussd_reply *r)
{
	static struct classifier	*c;
	struct ussd_dir			 dir;
	size_t				 i;

	if (c == NULL) {
		c = classifier_new();
		assert_int_equal(classifier_load_builtin(c), 0);
		for (i = 0; i < sizeof(sample) / sizeof(sample[0]); i++)
			assert_int_equal(classifier_add_school(c,
			    sample[i].code, sample[i].name, sample[i].level,
			    ""), 0);
		assert_int_equal(classifier_compile(c), 0);
	}
	dir.classifier = c;
	dir.known = known_sample;
	dir.arg = NULL;
	assert_int_equal(ussd_step(text, &dir, r), 0);
	if (r->kind == USSD_K_SCREEN)
		check_screen(r->screen);
}

/* A screen starts with CON or END, fits one USSD screen and is ASCII. */
static void
check_screen(const char *s)
{
	size_t	 i;

	assert_true(strncmp(s, "CON ", 4) == 0 || strncmp(s, "END ", 4) == 0);
	assert_true(strlen(s) <= USSD_SCREEN_MAX);
	for (i = 0; s[i] != '\0'; i++)
		assert_true((unsigned char)s[i] < 0x80);
}

/* Runs one step; a screen is checked for size. */
static void
step(const char *text, struct ussd_reply *r)
{
	assert_int_equal(ussd_step(text, &dir_nt2, r), 0);
	if (r->kind == USSD_K_SCREEN)
		check_screen(r->screen);
}

static void
test_every_screen_fits(void **state)
{
	static const char *paths[] = {
		"", "x", "1", "1*0", "1*1", "1*1*x!", "1*1*ABCDEFGHIJKLMNO",
		"1*1*ABCDEFGHIJKLMNOP", "1*1*0", "1*1*0* ", "1*1*0*mo ta",
		"1*1*0*mo ta*3", "2", "2*x", "2*??", "1*1*NT2",
	};
	struct ussd_reply	 r;
	char			 buf[USSD_SCREEN_MAX * 2];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		step(paths[i], &r);
		assert_int_equal(r.kind, USSD_K_SCREEN);
	}
	/* The longest code and both orders of the numbers. */
	assert_int_equal(ussd_format_done(buf, sizeof(buf), "KXQ7M4",
	    "violence"), 0);
	check_screen(buf);
	assert_int_equal(ussd_format_done(buf, sizeof(buf), "KXQ7M4",
	    "self_harm"), 0);
	check_screen(buf);
	assert_int_equal(ussd_format_done(buf, sizeof(buf), "", "other"), 0);
	check_screen(buf);
	assert_non_null(strstr(buf, "113"));
	assert_non_null(strstr(buf, "111"));
}

static void
test_report_path(void **state)
{
	struct ussd_reply	 r;
	char			 buf[USSD_SCREEN_MAX * 2];

	(void)state;
	step("1*2*nt2*Co dao o cong truong*1", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.category, "violence");
	assert_string_equal(r.school, "NT2");
	assert_string_equal(r.description, "Co dao o cong truong");
	assert_int_equal(r.now, 1);

	step("1*9*0*  ban bi treu  *2", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.category, "other");
	assert_string_equal(r.school, "");
	assert_string_equal(r.description, "ban bi treu");
	assert_int_equal(r.now, 0);

	step("1*4*0*x*1", &r);
	assert_string_equal(r.category, "sexual_abuse");
	assert_int_equal(ussd_format_done(buf, sizeof(buf), "K7QX",
	    r.category), 0);
	assert_string_equal(buf, "END Da nhan tin bao. Ma ho so: K7QX. Khan "
	    "cap goi 111 (bao ve tre em), 113 (cong an).");
	assert_int_equal(ussd_format_done(buf, sizeof(buf), "K7QX", "drugs"),
	    0);
	assert_string_equal(buf, "END Da nhan tin bao. Ma ho so: K7QX. Khan "
	    "cap goi 113 (cong an), 111 (bao ve tre em).");
	/* Answers after the end are ignored. */
	step("1*3*0*x*2*9*9", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.category, "drugs");
}

static void
test_screens_in_order(void **state)
{
	struct ussd_reply	 r;

	(void)state;
	step("", &r);
	assert_string_equal(r.screen, "CON Duong day an toan truong hoc "
	    "(khong can ghi ten)\n1 Bao tin moi\n2 Tra cuu ho so");
	step("1", &r);
	assert_true(strncmp(r.screen, "CON Loai su viec:\n1 Bat nat\n", 28)
	    == 0);
	assert_non_null(strstr(r.screen, "\n9 Khac"));
	step("1*1", &r);
	assert_true(strncmp(r.screen, "CON Nhap ma truong", 18) == 0);
	step("1*1*0", &r);
	assert_true(strncmp(r.screen, "CON Mo ta", 9) == 0);
	step("1*1*0*abc", &r);
	assert_string_equal(r.screen,
	    "CON Su viec dang xay ra?\n1 Co\n2 Khong");
	step("2", &r);
	assert_string_equal(r.screen, "CON Nhap ma ho so:");
}

static void
test_invalid_reasks(void **state)
{
	struct ussd_reply	 r;

	(void)state;
	step("9", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Duong day", 27) == 0);
	step("1*0", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Loai su viec", 30)
	    == 0);
	step("1*12", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Loai su viec", 30)
	    == 0);
	/* The invalid answer is skipped: the next one is the category. */
	step("1*12*x*3*0*abc*1", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.category, "drugs");
	/* A valid answer after an invalid one clears the prefix. */
	step("1*12*3", &r);
	assert_true(strncmp(r.screen, "CON Nhap ma truong", 18) == 0);
	/* School: not letters and digits, or too long. */
	step("1*1*a-b", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Nhap ma truong", 32)
	    == 0);
	step("1*1*ABCDEFGHIJKLMNOP", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Nhap ma truong", 32)
	    == 0);
	/* Empty description, and now? answered 3. */
	step("1*1*0*   ", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Mo ta", 23) == 0);
	step("1*1*0*abc*3", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Su viec", 25) == 0);
	/* Status: not a case code. */
	step("2*hello", &r);
	assert_string_equal(r.screen, "CON Sai lua chon. Nhap ma ho so:");
}

static void
test_unknown_school_once(void **state)
{
	struct ussd_reply	 r;

	(void)state;
	step("1*1*zz9", &r);
	assert_true(strncmp(r.screen, "CON Khong co truong ZZ9. Nhap ma truong",
	    39) == 0);
	step("1*1*zz9*nt2*abc*1", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.school, "NT2");
	/* A second unknown code goes on with no school. */
	step("1*1*zz9*zz8", &r);
	assert_true(strncmp(r.screen, "CON Mo ta", 9) == 0);
	step("1*1*zz9*zz8*abc*2", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.school, "");
	/* No directory at hand: any well-formed code is taken. */
	assert_int_equal(ussd_step("1*1*zz9*abc*2", NULL, &r), 0);
	assert_string_equal(r.school, "ZZ9");
}

static void
test_star_separates(void **state)
{
	struct ussd_reply	 r;

	(void)state;
	/* "a*b" as a description: "a" is the description, "b" the answer
	 * to "happening now?" (invalid, so it is asked again). */
	step("1*1*0*a*b", &r);
	assert_int_equal(r.kind, USSD_K_SCREEN);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Su viec", 25) == 0);
	step("1*1*0*a*b*1", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.description, "a");
	/* An empty answer between two stars is an invalid answer. */
	step("1**2", &r);
	assert_true(strncmp(r.screen, "CON Nhap ma truong", 18) == 0);
	step("1*", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Loai", 22) == 0);
}

static void
test_lookup(void **state)
{
	struct ussd_reply	 r;

	(void)state;
	step("2*k7qx", &r);
	assert_int_equal(r.kind, USSD_K_LOOKUP);
	assert_string_equal(r.code, "K7QX");
	step("2*bad*k7qx", &r);
	assert_int_equal(r.kind, USSD_K_LOOKUP);
	assert_string_equal(r.code, "K7QX");
}

static void
test_too_long(void **state)
{
	struct ussd_reply	 r;
	char			*t = malloc(8192);

	(void)state;
	memset(t, '1', 8191);
	t[8191] = '\0';
	assert_int_equal(ussd_step(t, NULL, &r), -1);
	check_screen(r.screen);
	assert_true(strncmp(r.screen, "END ", 4) == 0);
	/* A description over the limit is re-asked. */
	memcpy(t, "1*1*0*", 6);
	memset(t + 6, 'a', USSD_DESC_MAX + 1);
	t[6 + USSD_DESC_MAX + 1] = '\0';
	step(t, &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Mo ta", 23) == 0);
	free(t);
}

/* Runs one request of session id at time now. */
static void
request(struct ussd_sessions *ss, const char *id, const char *text,
    time_t now, struct ussd_reply *r)
{
	assert_int_equal(ussd_request(ss, id, text, now, &dir_nt2, r), 0);
	if (r->kind == USSD_K_SCREEN)
		check_screen(r->screen);
}

static void
test_session_expiry(void **state)
{
	struct ussd_sessions	*ss = ussd_sessions_new();
	struct ussd_reply	 r;
	time_t			 t = 1790000000;

	(void)state;
	request(ss, "s1", "", t, &r);
	assert_true(strncmp(r.screen, "CON Duong day", 13) == 0);
	/* Silence is measured from the last request, not the first. */
	request(ss, "s1", "1", t + 250, &r);
	assert_true(strncmp(r.screen, "CON Loai su viec", 16) == 0);
	request(ss, "s1", "1*2", t + 500, &r);
	assert_true(strncmp(r.screen, "CON Nhap ma truong", 18) == 0);
	/* Exactly 5 minutes of silence is still alive; one more second is
	 * not. */
	request(ss, "s1", "1*2*0", t + 800, &r);
	assert_true(strncmp(r.screen, "CON Mo ta", 9) == 0);
	request(ss, "s1", "1*2*0*abc", t + 1101, &r);
	assert_string_equal(r.screen,
	    "END Phien da het han, vui long quay lai.");
	/* It stays expired: a later answer is not taken either. */
	request(ss, "s1", "1*2*0*abc", t + 1102, &r);
	assert_true(strncmp(r.screen, "END Phien da het han", 20) == 0);
	/* A final answer after expiry commits nothing and says so. */
	request(ss, "s1", "1*2*0*abc*1", t + 1103, &r);
	assert_int_equal(r.kind, USSD_K_SCREEN);
	assert_non_null(strstr(r.screen, "CHUA duoc gui"));
	assert_non_null(strstr(r.screen, "113"));
	/* A fresh text="" starts over, and the session lives again. */
	request(ss, "s1", "", t + 1104, &r);
	assert_true(strncmp(r.screen, "CON Duong day", 13) == 0);
	request(ss, "s1", "1", t + 1105, &r);
	assert_true(strncmp(r.screen, "CON Loai su viec", 16) == 0);
	/* Another session is not touched by the first one's clock. */
	request(ss, "s2", "1", t + 1105, &r);
	assert_true(strncmp(r.screen, "CON Loai su viec", 16) == 0);
	ussd_sessions_free(ss);
}

static void
test_retry_after_expiry(void **state)
{
	struct ussd_sessions	*ss = ussd_sessions_new();
	struct ussd_reply	 r;
	time_t			 t = 1790000000;

	(void)state;
	request(ss, "s1", "", t, &r);
	request(ss, "s1", "1*5*0*em muon chet*1", t + 10, &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	/* ussd_serve committed it: the code is remembered. */
	ussd_session_done(ss, "s1", "K7QX");
	/* Before expiry a retry is a report again (the router dedups). */
	request(ss, "s1", "1*5*0*em muon chet*1", t + 20, &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	/* After expiry, the same last answer gets its code, not "lost". */
	request(ss, "s1", "1*5*0*em muon chet*1", t + 20 + 301, &r);
	assert_int_equal(r.kind, USSD_K_SCREEN);
	assert_string_equal(r.screen, "END Da nhan tin bao. Ma ho so: K7QX. "
	    "Khan cap goi 111 (bao ve tre em), 113 (cong an).");
	/* Any other answer in the expired session is just expired. */
	request(ss, "s1", "1*5", t + 20 + 302, &r);
	assert_string_equal(r.screen,
	    "END Phien da het han, vui long quay lai.");
	/* Starting over forgets the code: a new report is a new report. */
	request(ss, "s1", "", t + 1000, &r);
	request(ss, "s1", "1*1*0*khac*2", t + 1001, &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	ussd_sessions_free(ss);
}

static void
test_session_table_full(void **state)
{
	struct ussd_sessions	*ss = ussd_sessions_new();
	struct ussd_reply	 r;
	char			 id[32];
	time_t			 t = 1790000000;
	int			 i;

	(void)state;
	/* More sessions than the table holds: the oldest is forgotten, and
	 * a forgotten session is taken as new (never wrongly expired). */
	for (i = 0; i < 3000; i++) {
		(void)snprintf(id, sizeof(id), "sess%d", i);
		request(ss, id, "1", t + i / 10, &r);
		assert_true(strncmp(r.screen, "CON Loai su viec", 16) == 0);
	}
	request(ss, "sess0", "1*2", t + 400, &r);
	assert_true(strncmp(r.screen, "CON Nhap ma truong", 18) == 0);
	request(ss, "sess2999", "1*2", t + 299 + 301, &r);
	assert_true(strncmp(r.screen, "END Phien da het han", 20) == 0);
	ussd_sessions_free(ss);
}

/* A school's name as a pupil types it: one school, or the classifier's. */
static void
test_school_by_name(void **state)
{
	static const struct {
		const char	*typed, *school;
	} named[] = {
		{ "c2 nhi thanh", "NT2" },
		{ "thcs binh thanh", "BT2" },
		{ "Trường THCS Mỹ Phú", "MP2" },
		{ "tieu hoc my phu", "MP1" },
		{ "truong my lac", "ML2" },
		{ "cap 3 thu thua", "TT3" },
		{ "truong my phu lop 7", "MP2" },
		{ "mp1", "MP1" },	/* a code still works */
	};
	struct ussd_reply	 r;
	char			 text[128];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		(void)snprintf(text, sizeof(text), "1*1*%s", named[i].typed);
		step_names(text, &r);
		assert_true(strncmp(r.screen, "CON Mo ta", 9) == 0);
		(void)snprintf(text, sizeof(text), "1*1*%s*abc*2",
		    named[i].typed);
		step_names(text, &r);
		assert_int_equal(r.kind, USSD_K_REPORT);
		assert_string_equal(r.school, named[i].school);
	}
	step_names("1*1*0*abc*2", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.school, "");
}

/* A name of several schools: a numbered choice, then the one picked. */
static void
test_school_choice(void **state)
{
	struct ussd_reply	 r;

	(void)state;
	step_names("1*1*truong my phu", &r);
	assert_string_equal(r.screen, "CON Truong nao?\n1 Tieu hoc My Phu "
	    "(MP1)\n2 THCS My Phu (MP2)\n0 Khong ro");
	step_names("1*1*my phu*2*abc*1", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.school, "MP2");
	step_names("1*1*Mỹ Phú*1*abc*1", &r);
	assert_string_equal(r.school, "MP1");
	step_names("1*1*my phu*0*abc*1", &r);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.school, "");
	/* Not one of the choices: asked again. */
	step_names("1*1*my phu*3", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Truong nao?\n1 ",
	    32) == 0);
	step_names("1*1*my phu*3*2*abc*2", &r);
	assert_string_equal(r.school, "MP2");
}

/* A name of no school: said once, then the report goes on without one. */
static void
test_school_not_found(void **state)
{
	struct ussd_reply	 r;

	(void)state;
	step_names("1*1*truong ha noi", &r);
	assert_true(strncmp(r.screen, "CON Khong tim thay truong. Nhap ma "
	    "truong", 41) == 0);
	step_names("1*1*truong ha noi*nhi thanh lop 3*abc*2", &r);
	assert_string_equal(r.school, "NT1");
	step_names("1*1*truong ha noi*zz9", &r);
	assert_true(strncmp(r.screen, "CON Mo ta", 9) == 0);
	step_names("1*1*zz9", &r);
	assert_true(strncmp(r.screen, "CON Khong co truong ZZ9. ", 25) == 0);
	/* Too long to be a name: invalid. */
	step_names("1*1*truong truong truong truong truong truong truong "
	    "truong truong truong truong truong truong", &r);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Nhap ma truong", 32)
	    == 0);
}

/* Long names: the place a school's name ends with, at every level. */
static int
known_long(const char *code, char *name, size_t size, void *arg)
{
	(void)arg;
	if (name != NULL)
		(void)snprintf(name, size, "Trường %c Tân Phước Hưng Thịnh "
		    "Vượng Đông Nam Bộ Mở Rộng Thêm Nữa", code[8]);
	return (1);
}

/* Every choice screen fits, with the longest prefix, long names and codes. */
static void
test_choice_fits(void **state)
{
	static const char *const levels[] = { "TH", "THCS", "THPT", "MN" };
	static const char *const kinds[] = { "Tiểu học", "THCS", "THPT",
	    "Mầm non" };
	struct classifier	*c;
	struct ussd_dir		 dir;
	struct ussd_reply	 r;
	char			 code[16], name[160];
	int			 i;

	(void)state;
	c = classifier_new();
	assert_int_equal(classifier_load_builtin(c), 0);
	for (i = 0; i < 4; i++) {
		(void)snprintf(code, sizeof(code), "LONGCODE%cQRSTUV", "0123"[i]);
		(void)snprintf(name, sizeof(name), "Trường %s Tân Phước",
		    kinds[i]);
		assert_int_equal(classifier_add_school(c, code, name,
		    levels[i], ""), 0);
	}
	assert_int_equal(classifier_compile(c), 0);
	dir.classifier = c;
	dir.known = known_long;
	dir.arg = NULL;
	assert_int_equal(ussd_step("1*1*tan phuoc", &dir, &r), 0);
	check_screen(r.screen);
	assert_true(strncmp(r.screen, "CON Truong nao?\n1 0 Tan Phuoc", 29)
	    == 0);
	assert_non_null(strstr(r.screen, "(LONGCODE3QRSTUV)\n0 Khong ro"));
	assert_int_equal(ussd_step("1*1*tan phuoc*9", &dir, &r), 0);
	check_screen(r.screen);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Truong nao?", 29)
	    == 0);
	/* No names at hand: the codes alone. */
	dir.known = NULL;
	assert_int_equal(ussd_step("1*1*tan phuoc", &dir, &r), 0);
	check_screen(r.screen);
	assert_non_null(strstr(r.screen, "\n4 LONGCODE3QRSTUV\n0 Khong ro"));
	classifier_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_screen_fits),
		cmocka_unit_test(test_report_path),
		cmocka_unit_test(test_screens_in_order),
		cmocka_unit_test(test_invalid_reasks),
		cmocka_unit_test(test_unknown_school_once),
		cmocka_unit_test(test_star_separates),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_session_expiry),
		cmocka_unit_test(test_retry_after_expiry),
		cmocka_unit_test(test_session_table_full),
		cmocka_unit_test(test_school_by_name),
		cmocka_unit_test(test_school_choice),
		cmocka_unit_test(test_school_not_found),
		cmocka_unit_test(test_choice_fits),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
