/*
 * tinbao: unit tests for the texts sent to pupils (tinbao.h's REPLY_*) and
 * the SMS part counter they are measured with (handlers.c).
 *
 * Every reply to a pupil, rendered with the longest case code, is ONE SMS
 * (issue 12) and keeps SPEC section 4's rules: the case code where the
 * template has one, 113 and 111 (111 first in the variants for sexual
 * abuse and self harm, 113 first otherwise), and the sentence that the
 * pupil's number is kept secret.  The counter is checked at the edges of
 * one and two parts in both alphabets.
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
#include "category.h"

/* The longest case code: 6 characters (after two collisions). */
#define LONGEST_CODE	"KXQ7M4"

static void
test_sms_parts(void **state)
{
	char	 buf[512];
	size_t	 i;

	(void)state;
	assert_int_equal(handler_sms_parts(""), 1);
	memset(buf, 'a', sizeof(buf));
	buf[160] = '\0';
	assert_int_equal(handler_sms_parts(buf), 1);
	buf[160] = 'a';
	buf[161] = '\0';
	assert_int_equal(handler_sms_parts(buf), 2);
	buf[306] = '\0';			/* 2 x 153 */
	for (i = 161; i < 306; i++)
		buf[i] = 'a';
	assert_int_equal(handler_sms_parts(buf), 2);
	buf[306] = 'a';
	buf[307] = '\0';
	assert_int_equal(handler_sms_parts(buf), 3);
	/* The extension table costs two septets. */
	memset(buf, 'a', 159);
	buf[159] = '[';
	buf[160] = '\0';
	assert_int_equal(handler_sms_parts(buf), 2);
	buf[159] = '<';				/* in the default alphabet */
	assert_int_equal(handler_sms_parts(buf), 1);
	/* One accented letter: UCS-2, 70 per SMS. */
	memcpy(buf, "Đ", 2);			/* 2 bytes, 1 unit */
	memset(buf + 2, 'a', 69);
	buf[71] = '\0';
	assert_int_equal(handler_sms_parts(buf), 1);
	buf[71] = 'a';
	buf[72] = '\0';
	assert_int_equal(handler_sms_parts(buf), 2);
	assert_int_equal(handler_sms_parts("`"), 1);
	/* The accented acknowledgement of before issue 12: two parts. */
	assert_int_equal(handler_sms_parts("Đã nhận tin báo. Mã hồ sơ: "
	    "KXQ7M4. Nhắn thêm: KXQ7M4 <nội dung>. Khẩn cấp gọi 113 (công "
	    "an) hoặc 111 (bảo vệ trẻ em)."), 2);
}

/* Checks one rendered reply; first111 when 111 must come before 113. */
static void
check_reply(const char *name, const char *text, int has_code, int first111)
{
	const char	*p111, *p113;

	print_message("%s (%zu): %s\n", name, strlen(text), text);
	assert_int_equal(handler_sms_parts(text), 1);
	assert_true(strlen(text) <= 160);
	if (has_code)
		assert_non_null(strstr(text, LONGEST_CODE));
	assert_non_null(strstr(text, "giu bi mat"));
	assert_non_null(p111 = strstr(text, "111"));
	assert_non_null(p113 = strstr(text, "113"));
	assert_int_equal(p111 < p113, first111);
}

static void
test_replies_one_sms(void **state)
{
	char	 buf[512];

	(void)state;
	assert_true(casecode_is_valid(LONGEST_CODE));
	(void)snprintf(buf, sizeof(buf), REPLY_ACK, LONGEST_CODE, LONGEST_CODE);
	check_reply("REPLY_ACK", buf, 1, 0);
	(void)snprintf(buf, sizeof(buf), REPLY_ACK_111, LONGEST_CODE,
	    LONGEST_CODE);
	check_reply("REPLY_ACK_111", buf, 1, 1);
	(void)snprintf(buf, sizeof(buf), REPLY_FOLLOWUP, LONGEST_CODE);
	check_reply("REPLY_FOLLOWUP", buf, 1, 0);
	(void)snprintf(buf, sizeof(buf), REPLY_FOLLOWUP_111, LONGEST_CODE);
	check_reply("REPLY_FOLLOWUP_111", buf, 1, 1);
	(void)snprintf(buf, sizeof(buf), REPLY_CLOSED, LONGEST_CODE);
	check_reply("REPLY_CLOSED", buf, 1, 0);
	(void)snprintf(buf, sizeof(buf), REPLY_CLOSED_111, LONGEST_CODE);
	check_reply("REPLY_CLOSED_111", buf, 1, 1);
	check_reply("REPLY_START", REPLY_START, 0, 0);
	check_reply("REPLY_HELP", REPLY_HELP, 0, 0);
	/* STOP has no reply: the phone may be watched. */
}

/* The categories that name 111 first are the ones SPEC section 7 names. */
static void
test_111_first_categories(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < CATEGORY_N; i++)
		assert_int_equal(category_is_111_first(category_table[i].code),
		    i == CATEGORY_SEXUAL_ABUSE || i == CATEGORY_SELF_HARM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sms_parts),
		cmocka_unit_test(test_replies_one_sms),
		cmocka_unit_test(test_111_first_categories),
	};

	log_init(0, "test_replies");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
