/*
 * tinbao: unit tests for the triage net's pure parts: accused.c (is school
 * staff named as the one who hurts?), office.c (office hours and office
 * time), the Bureau's notice (triage_format_notice), the HD reply's length
 * and the KC / GAP command.
 *
 * Office-hours tests run in TZ=Asia/Ho_Chi_Minh (no DST) and build their
 * times with mktime, so they hold on any machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tinbao.h"

static int64_t	 at(int, int, int, int, int);
static void	 accused(const char *, int);
static void	 check_kc_reply(const char *);

/* Local time y-m-d h:m as a UNIX time. */
static int64_t
at(int y, int mon, int d, int h, int m)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm));
}

static void
accused(const char *text, int want)
{
	char	 why[96];
	int	 got = accused_is_staff(text, why, sizeof(why));

	if (got != want)
		fail_msg("accused_is_staff(\"%s\") = %d (%s), want %d", text,
		    got, why, want);
}

/* Reports that name staff as the one who hurts. */
static void
test_accused_yes(void **state)
{
	(void)state;
	accused("thầy Nam đánh em", 1);
	accused("Thầy X đánh em ở lớp", 1);
	accused("em bị bảo vệ sờ", 1);
	accused("bị bảo vệ sờ người", 1);
	accused("cô giáo tát em trước lớp", 1);
	accused("Thầy dạy toán hay sờ soạng bạn nữ", 1);
	accused("em bị cô chủ nhiệm đánh bằng thước", 1);
	accused("thầy hiệu trưởng quấy rối em", 1);
	accused("bác bảo vệ trường đánh bạn em chảy máu", 1);
	accused("bảo mẫu đánh bé ở lớp mầm", 1);
	accused("giáo viên chủ nhiệm chửi em là đồ ngu", 1);
	accused("người sờ em là thầy Nam", 1);
	accused("thầy gọi em lên phòng rồi sờ em", 1);
	accused("em thấy thầy giáo đánh bạn Lan", 1);
	/* Unaccented, teen spelling. */
	accused("thay nam danh e", 1);
	accused("bi bao ve so nguoi", 1);
	accused("em bi co giao tat", 1);
	accused("gv chu nhiem danh hs", 1);
	accused("hom qua co Lan danh em", 1);
	accused("THAY GIAO DANH EM", 1);
}

/* Staff named, but not as the one who hurts; or no staff at all. */
static void
test_accused_no(void **state)
{
	(void)state;
	accused("cô giáo đã can ngăn", 0);
	accused("em báo cô chủ nhiệm", 0);
	accused("em báo cô chủ nhiệm là bạn Nam đánh em", 0);
	accused("bạn đánh em, cô không biết", 0);
	accused("Hôm nay em bị bạn đánh, cô giáo đã can ngăn", 0);
	accused("cô nói bạn kia đánh em", 0);
	accused("thầy đánh giá em học tốt", 0);
	accused("thầy bảo vệ em khỏi bị đánh", 0);
	accused("bạn đánh em trước mặt cô giáo", 0);
	accused("bạn Nam đánh thầy", 0);
	accused("có người đánh em ở cổng trường", 0);
	accused("các bạn đá bóng ở sân, thầy thể dục xem", 0);
	accused("thầy không đánh em", 0);
	accused("cô bảo vệ em", 0);
	accused("tụi nó đăng ảnh em lên nhóm zalo", 0);
	/* Unaccented words that are also common verbs. */
	accused("em thay ban danh nhau o cong truong", 0);
	accused("co danh nhau o cong truong", 0);
	accused("co nguoi danh em", 0);
	accused("co dua danh em o nha ve sinh", 0);
	accused("em co noi voi co giao roi", 0);
	accused("co da goi cho me em", 0);
	accused("em bao co chu nhiem", 0);
	accused("", 0);
	assert_int_equal(accused_is_staff(NULL, NULL, 0), 0);
}

/* The words that said so go to the timeline. */
static void
test_accused_why(void **state)
{
	char	 why[96];

	(void)state;
	assert_int_equal(accused_is_staff("Thầy Nam đánh em", why,
	    sizeof(why)), 1);
	assert_string_equal(why, "thay -> danh");
	assert_int_equal(accused_is_staff("em bị bảo vệ sờ", why, 8), 1);
	assert_true(strlen(why) < 8);
}

static void
test_office_parse(void **state)
{
	struct office_hours	 oh;
	char			 why[160];

	(void)state;
	assert_int_equal(office_parse("07:00-17:00", &oh, why, sizeof(why)), 0);
	assert_int_equal(oh.start, 7 * 60);
	assert_int_equal(oh.end, 17 * 60);
	assert_int_equal(oh.days, 0x7e);
	assert_int_equal(office_parse("07:00-17:00 Mon-Fri", &oh, why,
	    sizeof(why)), 0);
	assert_int_equal(oh.days, 0x3e);
	assert_int_equal(office_parse("00:00-24:00 Mon-Sun", &oh, why,
	    sizeof(why)), 0);
	assert_int_equal(oh.days, 0x7f);
	assert_int_equal(office_parse("22:00-06:00 T2-T7,CN", &oh, why,
	    sizeof(why)), 0);
	assert_int_equal(oh.days, 0x7f);
	assert_int_equal(office_parse("08:00-11:30 sat, sun", &oh, why,
	    sizeof(why)), 0);
	assert_int_equal(oh.days, 0x41);
	assert_int_equal(office_parse("7:00-17:00", &oh, why, sizeof(why)),
	    -1);
	assert_int_equal(office_parse("07:00-25:00", &oh, why, sizeof(why)),
	    -1);
	assert_int_equal(office_parse("07:00-07:00", &oh, why, sizeof(why)),
	    -1);
	assert_int_equal(office_parse("07:00-17:00 Funday", &oh, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "Mon"));
	assert_int_equal(office_parse("", &oh, why, sizeof(why)), -1);
}

static void
test_office_time(void **state)
{
	struct office_hours	 oh;
	char			 why[160];

	(void)state;
	/* 2026-12-05 is a Saturday, 2026-12-07 a Monday. */
	assert_int_equal(office_parse("07:00-17:00", &oh, why, sizeof(why)), 0);
	assert_true(office_is_open(&oh, at(2026, 12, 5, 9, 0)));
	assert_false(office_is_open(&oh, at(2026, 12, 5, 17, 0)));
	assert_false(office_is_open(&oh, at(2026, 12, 6, 9, 0)));	/* Sun */
	assert_false(office_is_open(&oh, at(2026, 12, 7, 6, 59)));
	assert_true(office_is_open(&oh, at(2026, 12, 7, 7, 0)));
	/* Saturday 16:00 + 4 h of office time: Monday 10:00. */
	assert_int_equal(office_add(&oh, at(2026, 12, 5, 16, 0), 4 * 3600),
	    at(2026, 12, 7, 10, 0));
	/* At night: counted from the next opening. */
	assert_int_equal(office_add(&oh, at(2026, 12, 7, 22, 0), 3600),
	    at(2026, 12, 8, 8, 0));
	assert_int_equal(office_add(&oh, at(2026, 12, 8, 9, 0), 60),
	    at(2026, 12, 8, 9, 1));
	/* Over midnight. */
	assert_int_equal(office_parse("22:00-02:00 Mon-Sun", &oh, why,
	    sizeof(why)), 0);
	assert_true(office_is_open(&oh, at(2026, 12, 8, 1, 0)));
	assert_true(office_is_open(&oh, at(2026, 12, 8, 23, 0)));
	assert_false(office_is_open(&oh, at(2026, 12, 8, 12, 0)));
	assert_int_equal(office_add(&oh, at(2026, 12, 8, 12, 0), 3 * 3600),
	    at(2026, 12, 9, 1, 0));
	assert_int_equal(office_add(&oh, at(2026, 12, 8, 12, 0), 5 * 3600),
	    at(2026, 12, 9, 23, 0));
	/* Always. */
	assert_int_equal(office_parse("00:00-24:00 Mon-Sun", &oh, why,
	    sizeof(why)), 0);
	assert_true(office_is_open(&oh, at(2026, 12, 6, 0, 0)));
	assert_int_equal(office_add(&oh, at(2026, 12, 6, 23, 0), 7200),
	    at(2026, 12, 7, 1, 0));
}

static void
test_notice(void **state)
{
	struct triage_item	 it[30];
	char			 buf[400];
	size_t			 i;
	int			 n;

	(void)state;
	memset(it, 0, sizeof(it));
	(void)strlcpy_checked(it[0].code, "K7QX", sizeof(it[0].code));
	(void)strlcpy_checked(it[0].category, "other",
	    sizeof(it[0].category));
	(void)strlcpy_checked(it[1].code, "M3TA", sizeof(it[1].code));
	(void)strlcpy_checked(it[1].category, "bullying",
	    sizeof(it[1].category));
	n = triage_format_notice(buf, sizeof(buf), it, 2, 2);
	assert_int_equal(n, 2);
	assert_string_equal(buf, "TINBAO: 2 tin chua phan loai: K7QX khac, "
	    "M3TA bat nat. Xem bang dieu khien hoac NHAN <ma>");
	for (i = 0; i < 30; i++) {
		(void)snprintf(it[i].code, sizeof(it[i].code), "A%03zu", i);
		(void)strlcpy_checked(it[i].category, "sexual_abuse",
		    sizeof(it[i].category));
	}
	n = triage_format_notice(buf, sizeof(buf), it, 24, 30);
	assert_true(n > 3 && n < 24);
	assert_true(strlen(buf) <= TRIAGE_NOTICE_MAX);
	assert_non_null(strstr(buf, "+"));
	assert_non_null(strstr(buf, "xem bang dieu khien"));
	for (i = 0; buf[i] != '\0'; i++)
		assert_true((unsigned char)buf[i] < 0x80);
}

/* HD stays one SMS: GSM-7 (ASCII, no extension characters), <= 160. */
static void
test_help_one_sms(void **state)
{
	const char	*p;

	(void)state;
	assert_true(strlen(REPLY_HELP) <= 160);
	for (p = REPLY_HELP; *p != '\0'; p++) {
		assert_true((unsigned char)*p < 0x80);
		assert_null(strchr("[]{}|~^\\", *p));
	}
	assert_non_null(strstr(REPLY_HELP, "KC <ma ho so>"));
}

/* Checks one of KC's replies, rendered with the longest code. */
static void
check_kc_reply(const char *buf)
{
	assert_int_equal(handler_sms_parts(buf), 1);
	assert_true(strlen(buf) <= 160);
	assert_non_null(strstr(buf, "KXQ7M4"));
	assert_non_null(strstr(buf, "giu bi mat"));
	assert_true(strstr(buf, "113") != NULL &&
	    strstr(buf, "111") > strstr(buf, "113"));
}

/* KC's replies: one GSM-7 SMS with the longest code, 113 before 111. */
static void
test_kc_replies(void **state)
{
	char	 buf[400];

	(void)state;
	(void)snprintf(buf, sizeof(buf), REPLY_KC_DONE, "KXQ7M4");
	check_kc_reply(buf);
	(void)snprintf(buf, sizeof(buf), REPLY_KC_ALREADY, "KXQ7M4");
	check_kc_reply(buf);
	(void)snprintf(buf, sizeof(buf), REPLY_KC_CLOSED, "KXQ7M4");
	check_kc_reply(buf);
	(void)snprintf(buf, sizeof(buf), REPLY_KC_REFUSED, "KXQ7M4");
	check_kc_reply(buf);
}

static void
test_kc_parse(void **state)
{
	struct smscmd	 cmd;

	(void)state;
	assert_int_equal(smscmd_parse("KC K7QX", &cmd), SMSCMD_KC);
	assert_string_equal(cmd.code, "K7QX");
	assert_int_equal(smscmd_parse("gấp k7qx", &cmd), SMSCMD_KC);
	assert_int_equal(smscmd_parse("#kc: k7qx", &cmd), SMSCMD_KC);
	/* Without a case code it is a report. */
	assert_int_equal(smscmd_parse("KC cứu em với", &cmd), SMSCMD_NONE);
	assert_int_equal(smscmd_parse("gấp lắm, bạn đánh em", &cmd),
	    SMSCMD_NONE);
	/* A teacher's KC after a category code stays the teacher's. */
	assert_int_equal(smscmd_parse("BL KC đánh nhau", &cmd),
	    SMSCMD_CATEGORY);
}

/* Loads a config text from a temporary file; returns config_load's. */
static int
load(const char *text, struct config *conf, char **errs)
{
	char	 path[] = "/tmp/tinbao-test-triage-XXXXXX";
	FILE	*f, *ef;
	size_t	 len;
	int	 fd, r;

	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
	assert_non_null(ef = open_memstream(errs, &len));
	r = config_load(path, conf, ef);
	fclose(ef);
	unlink(path);
	return (r);
}

#define MIN	"[tinbao]\ndatabase = db\nkeyfile = key\n"

/* [triage]: defaults, values, and errors that name the line. */
static void
test_config(void **state)
{
	struct config	 conf;
	char		*errs;

	(void)state;
	assert_int_equal(load(MIN, &conf, &errs), 0);
	assert_int_equal(conf.notify_interval, 15 * 60);
	assert_int_equal(conf.untriaged_timeout, 4 * 3600);
	assert_string_equal(conf.office_hours, "07:00-17:00 Mon-Sat");
	config_free(&conf);
	free(errs);
	assert_int_equal(load(MIN "[triage]\nnotify_interval = 2s\n"
	    "office_hours = 00:00-24:00 Mon-Sun\nuntriaged_timeout = 3s\n",
	    &conf, &errs), 0);
	assert_string_equal(errs, "");
	assert_int_equal(conf.notify_interval, 2);
	assert_int_equal(conf.untriaged_timeout, 3);
	assert_string_equal(conf.office_hours, "00:00-24:00 Mon-Sun");
	config_free(&conf);
	free(errs);
	assert_int_equal(load(MIN "[triage]\noffice_hours = 7-17\n"
	    "notify_intervall = 1m\n", &conf, &errs), -1);
	assert_non_null(strstr(errs, ":5: "));
	assert_non_null(strstr(errs, "not office hours"));
	assert_non_null(strstr(errs, ":6: "));
	assert_non_null(strstr(errs, "notify_interval"));
	free(errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accused_yes),
		cmocka_unit_test(test_accused_no),
		cmocka_unit_test(test_accused_why),
		cmocka_unit_test(test_office_parse),
		cmocka_unit_test(test_office_time),
		cmocka_unit_test(test_notice),
		cmocka_unit_test(test_help_one_sms),
		cmocka_unit_test(test_kc_replies),
		cmocka_unit_test(test_kc_parse),
		cmocka_unit_test(test_config),
	};

	(void)setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
