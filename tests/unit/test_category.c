/*
 * tinbao: unit tests for category.c, the one category table.
 *
 * The table is consistent (codes, teacher codes, USSD keys and ranks each
 * unique; the unaccented names plain GSM-7), its flags say what SPEC
 * sections 5 and 7 say (always urgent: sexual abuse, self harm, fire;
 * health urgent when several pupils are affected or now; 111 first for
 * sexual abuse and self harm; the counselor for self harm), and the
 * readers see the same table: the SMS grammar's teacher codes, the USSD
 * menu, and the classifier, which knows `health`.
 */
#include <ctype.h>
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
#include "classify.h"

static void
test_table_consistent(void **state)
{
	const struct category	*c, *d;
	const char		*p;
	size_t			 i, j;

	(void)state;
	for (i = 0; i < CATEGORY_N; i++) {
		c = &category_table[i];
		assert_int_equal(c->id, (int)i);
		assert_ptr_equal(category_codes[i], c->code);
		assert_ptr_equal(category_find(c->code), c);
		assert_ptr_equal(category_by_teacher(c->teacher), c);
		assert_ptr_equal(category_by_ussd_key(c->ussd_key), c);
		assert_int_equal(strlen(c->teacher), 2);
		assert_true(isupper((unsigned char)c->teacher[0]) &&
		    isupper((unsigned char)c->teacher[1]));
		assert_true(c->ussd_key >= 1 && c->ussd_key <= CATEGORY_N);
		assert_true(c->rank >= 1 && c->rank <= CATEGORY_N);
		assert_string_not_equal(c->name_vi, c->code);
		/* Alerts and the USSD menu: one septet per character. */
		for (p = c->name_ascii; *p != '\0'; p++)
			assert_true(islower((unsigned char)*p) || *p == ' ');
		for (p = c->ussd; *p != '\0'; p++)
			assert_true(isalpha((unsigned char)*p) || *p == ' ' ||
			    *p == ',');
		for (j = 0; j < i; j++) {
			d = &category_table[j];
			assert_string_not_equal(c->code, d->code);
			assert_string_not_equal(c->teacher, d->teacher);
			assert_int_not_equal(c->ussd_key, d->ussd_key);
			assert_int_not_equal(c->rank, d->rank);
		}
	}
	assert_null(category_codes[CATEGORY_N]);
	assert_int_equal(category_table[CATEGORY_OTHER].rank, CATEGORY_N);
	assert_null(category_find("unknown"));
	assert_null(category_find(NULL));
	assert_ptr_equal(category_get("unknown"),
	    &category_table[CATEGORY_OTHER]);
	assert_ptr_equal(category_get(NULL), &category_table[CATEGORY_OTHER]);
	assert_ptr_equal(category_by_teacher("yt"),
	    &category_table[CATEGORY_HEALTH]);
	assert_null(category_by_teacher("ZZ"));
	assert_null(category_by_ussd_key(0));
	assert_null(category_by_ussd_key(CATEGORY_N + 1));
	assert_string_equal(category_name_vi("unknown"), "unknown");
	assert_string_equal(category_name_ascii("unknown"), "khac");
	assert_string_equal(category_teacher_code("unknown"), "KH");
}

static void
test_rules(void **state)
{
	const struct category	*c;
	size_t			 i;

	(void)state;
	for (i = 0; i < CATEGORY_N; i++) {
		c = &category_table[i];
		assert_int_equal(category_is_urgent(c, 0, 0),
		    i == CATEGORY_SEXUAL_ABUSE || i == CATEGORY_SELF_HARM ||
		    i == CATEGORY_FIRE);
		assert_int_equal(category_is_urgent(c, 1, 0),
		    category_is_urgent(c, 0, 0) || i == CATEGORY_HEALTH);
		assert_int_equal(category_is_urgent(c, 0, 1),
		    category_is_urgent(c, 0, 0) || i == CATEGORY_HEALTH);
		assert_int_equal(category_is_111_first(c->code),
		    i == CATEGORY_SEXUAL_ABUSE || i == CATEGORY_SELF_HARM);
		assert_int_equal(category_has_counselor(c->code),
		    i == CATEGORY_SELF_HARM);
	}
	assert_string_equal(category_table[CATEGORY_HEALTH].teacher, "YT");
	assert_int_equal(category_is_111_first("unknown"), 0);
}

/* The SMS grammar takes every teacher code of the table, any case. */
static void
test_teacher_codes(void **state)
{
	struct smscmd	 cmd;
	char		 text[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < CATEGORY_N; i++) {
		(void)snprintf(text, sizeof(text), "#%s kc 5 ban bi ngat",
		    category_table[i].teacher);
		text[1] = (char)tolower((unsigned char)text[1]);
		assert_int_equal(smscmd_parse(text, &cmd), SMSCMD_CATEGORY);
		assert_string_equal(cmd.category, category_table[i].code);
		assert_int_equal(cmd.urgent, 1);
		assert_string_equal(cmd.rest, "5 ban bi ngat");
	}
}

/* The USSD menu lists every category by its key; health is 10. */
static void
test_ussd_menu(void **state)
{
	struct ussd_reply	 r;
	const char		*p;
	char			 line[32];
	size_t			 i;

	(void)state;
	assert_int_equal(ussd_step("1", NULL, &r), 0);
	assert_int_equal(r.kind, USSD_K_SCREEN);
	assert_true(strlen(r.screen) <= USSD_SCREEN_MAX);
	for (i = 0; i < CATEGORY_N; i++) {
		(void)snprintf(line, sizeof(line), "\n%d %s",
		    category_table[i].ussd_key, category_table[i].ussd);
		assert_non_null(p = strstr(r.screen, line));
		p += strlen(line);
		assert_true(*p == '\n' || *p == '\0');
	}
	assert_int_equal(ussd_step("1*10*0*Nhieu ban bi ngo doc*1", NULL, &r),
	    0);
	assert_int_equal(r.kind, USSD_K_REPORT);
	assert_string_equal(r.category, "health");
	assert_int_equal(ussd_step("1*9*0*abc*2", NULL, &r), 0);
	assert_string_equal(r.category, "other");
	assert_int_equal(ussd_step("1*11", NULL, &r), 0);
	assert_int_equal(r.kind, USSD_K_SCREEN);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Loai", 22) == 0);
	assert_int_equal(ussd_step("1*01", NULL, &r), 0);
	assert_true(strncmp(r.screen, "CON Sai lua chon. Loai", 22) == 0);
}

/* The classifier knows health and its urgency rule. */
static void
test_classify_health(void **state)
{
	static const struct {
		const char	*text;
		const char	*category;
		int		 urgent;
	} cases[] = {
		{ "Nhiều bạn bị ngộ độc thực phẩm sau bữa trưa", "health", 1 },
		{ "ca lop dau bung hang loat sau khi an trua", "health", 1 },
		{ "cac ban dang bi ngo doc nam la liet", "health", 1 },
		{ "hôm qua em bị ngộ độc thức ăn", "health", 0 },
		{ "thầy ơi em bị đau bụng xin về sớm", "other", 0 },
		{ "mẹ mua kẹo sinh nhật cho cả lớp", "other", 0 },
	};
	struct classifier	*c;
	struct classify_result	 r;
	size_t			 i;

	(void)state;
	c = classifier_new();
	assert_int_equal(classifier_load_builtin(c), 0);
	assert_int_equal(classifier_compile(c), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(classify(c, cases[i].text,
		    strlen(cases[i].text), &r), 0);
		assert_string_equal(r.category, cases[i].category);
		assert_int_equal(r.urgent, cases[i].urgent);
	}
	/* A row may name health; no row may name other. */
	assert_int_equal(classifier_add_keyword(c, "health", "keyword", 2,
	    "sốt xuất huyết"), 0);
	assert_int_equal(classifier_add_keyword(c, "other", "keyword", 2,
	    "abc"), -1);
	assert_int_equal(classifier_add_keyword(c, "any", "many", 0,
	    "nhiều lớp"), 0);
	classifier_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_teacher_codes),
		cmocka_unit_test(test_ussd_menu),
		cmocka_unit_test(test_classify_health),
	};

	log_init(0, "test_category");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
