/*
 * tinbao: unit tests for smscmd.c, the SMS command grammar (SPEC section 4,
 * issue 15).
 *
 * One table of messages as responders, teachers and pupils type them, each
 * with the command it must be read as: the verb before or after the code,
 * fillers (ok, da, đã, rồi), punctuation, missing spaces, diacritics, case,
 * a leading '#', the PIN after the code; and messages that must not be a
 * command: a code that cannot exist, two codes, a verb without a code, a
 * pupil's free text that starts like a command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tinbao.h"
#include "category.h"

struct smscmd_case {
	const char		*text;
	enum smscmd_type	 type;
	const char		*code;		/* case code, or teacher code */
	const char		*pin;		/* NULL: none */
	int			 urgent;
	const char		*rest;		/* NULL: not checked */
};

#define N	SMSCMD_NONE
#define NHAN	SMSCMD_NHAN
#define TL	SMSCMD_TL
#define XONG	SMSCMD_XONG
#define TT	SMSCMD_TT
#define FU	SMSCMD_FOLLOWUP
#define CAT	SMSCMD_CATEGORY
#define BAD	SMSCMD_BADCODE

static const struct smscmd_case cases[] = {
	/* SPEC section 4's list: all of them mean NHAN 4EUQ. */
	{ "nhan 4euq", NHAN, "4EUQ", NULL, 0, "" },
	{ "Nhận 4EUQ", NHAN, "4EUQ", NULL, 0, "" },
	{ "4EUQ nhan", NHAN, "4EUQ", NULL, 0, "" },
	{ "ok da nhan 4EUQ", NHAN, "4EUQ", NULL, 0, "" },
	{ "nhan: 4euq", NHAN, "4EUQ", NULL, 0, "" },
	{ "Nhan 4EUQ.", NHAN, "4EUQ", NULL, 0, "" },
	{ "nhan4euq", NHAN, "4EUQ", NULL, 0, "" },
	{ "#NHẬN 4EUQ", NHAN, "4EUQ", NULL, 0, "" },
	/* Issue 15's four fake cases. */
	{ "ok da nhan 3RFY", NHAN, "3RFY", NULL, 0, "" },
	{ "Nhan 3GY9.", NHAN, "3GY9", NULL, 0, "" },
	{ "nhan3rfy", NHAN, "3RFY", NULL, 0, "" },
	/* More of the same. */
	{ "Đã nhận 4EUQ", NHAN, "4EUQ", NULL, 0, "" },
	{ "đã nhận 4euq rồi", NHAN, "4EUQ", NULL, 0, "rồi" },
	{ "4euq đã nhận", NHAN, "4EUQ", NULL, 0, "" },
	{ "4EUQ ok", NHAN, "4EUQ", NULL, 0, "" },
	{ "OK 4EUQ", NHAN, "4EUQ", NULL, 0, "" },
	{ "ok, 4euq", NHAN, "4EUQ", NULL, 0, "" },
	{ "  #nhan   #4EUQ  ", NHAN, "4EUQ", NULL, 0, "" },
	{ "NHAN (4EUQ)", NHAN, "4EUQ", NULL, 0, "" },
	{ "nhan-4euq", NHAN, "4EUQ", NULL, 0, "" },
	{ "4euqnhan", NHAN, "4EUQ", NULL, 0, "" },
	{ "NHAN K7QX6", NHAN, "K7QX6", NULL, 0, "" },
	{ "vâng, nhận K7QX", NHAN, "K7QX", NULL, 0, "" },
	{ "nhan 4EUQ dang den", NHAN, "4EUQ", NULL, 0, "dang den" },
	/* The PIN after the code (or after the verb when the code is first). */
	{ "NHAN K7QX 4821", NHAN, "K7QX", "4821", 0, "" },
	{ "nhan k7qx, 4821.", NHAN, "K7QX", "4821", 0, "" },
	{ "K7QX nhan 4821", NHAN, "K7QX", "4821", 0, "" },
	{ "nhan4euq 4821", NHAN, "4EUQ", "4821", 0, "" },
	{ "4EUQ 4821 nhan", NHAN, "4EUQ", "4821", 0, "" },
	{ "4EUQ 4821 xong da ve nha", XONG, "4EUQ", "4821", 0, "da ve nha" },
	{ "ok da nhan 4EUQ 123456", NHAN, "4EUQ", "123456", 0, "" },
	{ "TT 4EUQ 4821", TT, "4EUQ", "4821", 0, "" },
	/* TL: the rest is the reply. */
	{ "TL 4EUQ Công an đang tới", TL, "4EUQ", NULL, 0,
	    "Công an đang tới" },
	{ "tl: 4euq - em o yen trong lop", TL, "4EUQ", NULL, 0,
	    "em o yen trong lop" },
	{ "4EUQ TL da den noi", TL, "4EUQ", NULL, 0, "da den noi" },
	{ "tl4euq em dung so", TL, "4EUQ", NULL, 0, "em dung so" },
	{ "Trả lời 4EUQ: đã xử lý", TL, "4EUQ", NULL, 0, "đã xử lý" },
	{ "TL 4EUQ 4821 da toi truong", TL, "4EUQ", "4821", 0,
	    "da toi truong" },
	{ "TL 4EUQ lop 9A3 da on", TL, "4EUQ", NULL, 0, "lop 9A3 da on" },
	/* XONG: the rest is the outcome. */
	{ "XONG 4EUQ da hoa giai", XONG, "4EUQ", NULL, 0, "da hoa giai" },
	{ "xong 4euq.", XONG, "4EUQ", NULL, 0, "" },
	{ "4EUQ xong", XONG, "4EUQ", NULL, 0, "" },
	{ "4euq da xong roi", XONG, "4EUQ", NULL, 0, "roi" },
	{ "Xong4EUQ: 2 em da ve", XONG, "4EUQ", NULL, 0, "2 em da ve" },
	{ "#XONG 4EUQ 4821 giao gia dinh", XONG, "4EUQ", "4821", 0,
	    "giao gia dinh" },
	/* TT. */
	{ "TT 4EUQ", TT, "4EUQ", NULL, 0, "" },
	{ "tt: 4euq?", TT, "4EUQ", NULL, 0, "" },
	{ "4EUQ tt", TT, "4EUQ", NULL, 0, "" },
	{ "tt4euq", TT, "4EUQ", NULL, 0, "" },
	/* A reporter's self-escalation (h_selfesc.c), as forgiving. */
	{ "KC 4EUQ", SMSCMD_KC, "4EUQ", NULL, 0, "" },
	{ "gấp: 4euq!", SMSCMD_KC, "4EUQ", NULL, 0, "" },
	{ "4EUQ kc", SMSCMD_KC, "4EUQ", NULL, 0, "" },
	{ "KC cứu em với", N, NULL, NULL, 0, NULL },
	/* A pupil's follow-up: a code first, then text. */
	{ "4EUQ nó lại đánh em", FU, "4EUQ", NULL, 0, "nó lại đánh em" },
	{ "#4euq: em o nha xe", FU, "4EUQ", NULL, 0, "em o nha xe" },
	{ "4EUQ", FU, "4EUQ", NULL, 0, "" },
	/* Teachers' codes. */
	{ "BL KC 2 hs lop 8 danh nhau", CAT, "BL", NULL, 1,
	    "2 hs lop 8 danh nhau" },
	{ "bl: danh nhau o cong", CAT, "BL", NULL, 0, "danh nhau o cong" },
	{ "#mt kc hút thuốc lạ", CAT, "MT", NULL, 1, "hút thuốc lạ" },
	{ "Bn. em Lan bi treu", CAT, "BN", NULL, 0, "em Lan bi treu" },
	{ "blkc 3 em bi thuong", CAT, "BL", NULL, 1, "3 em bi thuong" },
	{ "KC XH em lop 7", CAT, "XH", NULL, 1, "em lop 7" },
	{ "yt khẩn cấp 12 em ngộ độc", CAT, "YT", NULL, 1, "12 em ngộ độc" },
	{ "bl", CAT, "BL", NULL, 0, "" },
	{ "CN KC", CAT, "CN", NULL, 1, "" },
	/* A teacher's code that is none. */
	{ "ZZ", BAD, NULL, NULL, 0, "" },
	{ "zz", BAD, NULL, NULL, 0, "" },
	{ "BX hs lop 6 danh nhau", BAD, NULL, NULL, 0, "hs lop 6 danh nhau" },
	/* Keywords. */
	{ "HD", SMSCMD_HELP, NULL, NULL, 0, "" },
	{ "hd.", SMSCMD_HELP, NULL, NULL, 0, "" },
	{ "stop", SMSCMD_STOP, NULL, NULL, 0, "" },
	{ "Start", SMSCMD_START, NULL, NULL, 0, "" },
	/* Not commands: a code that cannot exist, two codes, no code. */
	{ "nhan 4EUO", N, NULL, NULL, 0, NULL },	/* O: not a code */
	{ "nhan 1ABC", N, NULL, NULL, 0, NULL },	/* 1: not a code */
	{ "nhan ABCD", N, NULL, NULL, 0, NULL },	/* no digit */
	{ "nhan 4EU", N, NULL, NULL, 0, NULL },		/* too short */
	{ "nhan 4EUQ 3RFY", N, NULL, NULL, 0, NULL },
	{ "4EUQ nhan 3RFY", N, NULL, NULL, 0, NULL },
	{ "nhan 4EUQ va 3RFY", N, NULL, NULL, 0, NULL },
	{ "TT 4EUQ 3RFY", N, NULL, NULL, 0, NULL },
	{ "XONG 4EUQ 3RFY da xong", N, NULL, NULL, 0, NULL },
	{ "nhan", N, NULL, NULL, 0, NULL },
	{ "ok", N, NULL, NULL, 0, NULL },
	{ "ok da nhan", N, NULL, NULL, 0, NULL },
	{ "da 4EUQ", N, NULL, NULL, 0, NULL },
	{ "nhan xong 4EUQ", N, NULL, NULL, 0, NULL },
	/* A pupil's free text that starts like a command. */
	{ "Đã nhận được tin nhắn đe dọa", N, NULL, NULL, 0, NULL },
	{ "nhận tiền bảo kê ở cổng trường", N, NULL, NULL, 0, NULL },
	{ "stop bắt nạt em đi", N, NULL, NULL, 0, NULL },
	{ "TT lop em co ban bi danh", N, NULL, NULL, 0, NULL },
	{ "Em bi danh o cong truong", N, NULL, NULL, 0, NULL },
	{ "HS lop 6 bi danh", N, NULL, NULL, 0, NULL },
	{ "EM LAN LOP 6 BI DANH", N, NULL, NULL, 0, NULL },
	{ "", N, NULL, NULL, 0, NULL },
};

static void
test_table(void **state)
{
	const struct smscmd_case	*t;
	struct smscmd			 cmd;
	enum smscmd_type		 got;
	size_t				 i;
	char				 msg[256];

	(void)state;
	assert_true(sizeof(cases) / sizeof(cases[0]) >= 60);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = &cases[i];
		got = smscmd_parse(t->text, &cmd);
		(void)snprintf(msg, sizeof(msg), "'%s': type %d, want %d",
		    t->text, (int)got, (int)t->type);
		if (got != t->type)
			fail_msg("%s", msg);
		assert_int_equal(cmd.type, got);
		if (t->type == CAT) {
			assert_string_equal(category_teacher_code(cmd.category),
			    t->code);
			assert_int_equal(cmd.urgent, t->urgent);
		} else if (t->code != NULL)
			assert_string_equal(cmd.code, t->code);
		if (t->pin != NULL)
			assert_string_equal(cmd.pin, t->pin);
		else
			assert_string_equal(cmd.pin, "");
		if (t->rest != NULL) {
			const char *r = t->pin != NULL ? cmd.rest_after_pin :
			    cmd.rest;

			if (strcmp(r, t->rest) != 0)
				fail_msg("'%s': rest '%s', want '%s'", t->text,
				    r, t->rest);
		}
		if (got == N)
			assert_ptr_equal(cmd.rest, t->text);
	}
}

/* The verb after the code is marked, for the handlers (a pupil's follow-up). */
static void
test_code_first(void **state)
{
	struct smscmd	 cmd;

	(void)state;
	assert_int_equal(smscmd_parse("4EUQ nhan duoc roi", &cmd), NHAN);
	assert_int_equal(cmd.code_first, 1);
	assert_string_equal(cmd.followup, "nhan duoc roi");
	assert_int_equal(smscmd_parse("4EUQnhan roi", &cmd), NHAN);
	assert_int_equal(cmd.code_first, 1);
	assert_string_equal(cmd.followup, "roi");
	assert_int_equal(smscmd_parse("nhan 4EUQ", &cmd), NHAN);
	assert_int_equal(cmd.code_first, 0);
	assert_null(cmd.followup);
}

/* Every role's help is one SMS of plain GSM-7, with and without a PIN. */
static void
test_help_one_sms(void **state)
{
	static const char	*roles[] = { "police", "bureau", "admin",
	    "principal", "counselor", "teacher", "commune_committee", NULL };
	struct msgctx		 ctx;
	char			 buf[320];
	const char		*p;
	size_t			 i;
	int			 pin, code;

	(void)state;
	for (i = 0; roles[i] != NULL; i++)
		for (pin = 0; pin < 2; pin++)
			for (code = 0; code < 2; code++) {
				memset(&ctx, 0, sizeof(ctx));
				ctx.is_contact = 1;
				(void)strlcpy_checked(ctx.contact.role,
				    roles[i], sizeof(ctx.contact.role));
				ctx.contact.has_pin = pin;
				staff_help(&ctx, code ? "K7QX6Y" : NULL, buf,
				    sizeof(buf));
				print_message("%s: %s\n", roles[i], buf);
				assert_int_equal(handler_sms_parts(buf), 1);
				assert_true(strlen(buf) <= 160);
				for (p = buf; *p != '\0'; p++)
					assert_true(*p >= ' ' && *p <= '~');
				if (pin && strcmp(roles[i], "teacher") != 0 &&
				    strcmp(roles[i], "commune_committee") != 0)
					assert_non_null(strstr(buf, "PIN"));
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_code_first),
		cmocka_unit_test(test_help_one_sms),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
