/*
 * tinbao: unit tests for directory.c's import_parse, the directory's CSV
 * files parsed and validated without a database.
 *
 * Every problem is reported with the line it is on (quoted fields over
 * several lines, CRLF and lone CR line ends, a BOM), a file with problems
 * returns only its valid rows, fields are trimmed, the header's columns
 * may come in any order, and a key twice is refused even in E.164 guise.
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

struct errs {
	int	 n;
	int	 line[16];
	char	 msg[16][256];
};

static void	 err_cb(void *, int, const char *);
static int	 parse(enum import_kind, const char *, struct import_file *,
		    struct errs *);

static void
err_cb(void *arg, int line, const char *msg)
{
	struct errs	*e = arg;

	if (e->n < 16) {
		e->line[e->n] = line;
		(void)snprintf(e->msg[e->n], sizeof(e->msg[e->n]), "%s", msg);
	}
	e->n++;
}

static int
parse(enum import_kind kind, const char *text, struct import_file *f,
    struct errs *e)
{
	memset(e, 0, sizeof(*e));
	return (import_parse(kind, text, strlen(text), err_cb, e, f));
}

static void
test_schools(void **state)
{
	struct import_file	 f;
	struct errs		 e;

	(void)state;
	/* A BOM, CRLF, columns in another order, spaces, a quoted name. */
	assert_int_equal(parse(IMPORT_SCHOOLS, "\xef\xbb\xbflevel, code,name,"
	    "commune\r\nTHCS, MP2 ,\" Trường THCS Mỹ Phú, cơ sở 2 \",Mỹ Phú"
	    "\r\nTH,NT1,Trường TH Nhị Thành,\r\n", &f, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.entries[0].line, 2);
	assert_string_equal(f.entries[0].school.code, "MP2");
	assert_string_equal(f.entries[0].school.name,
	    "Trường THCS Mỹ Phú, cơ sở 2");
	assert_string_equal(f.entries[0].school.level, "THCS");
	assert_string_equal(f.entries[0].school.aliases, "");
	assert_int_equal(f.entries[1].line, 3);
	assert_string_equal(f.entries[1].school.commune, "");
	import_file_free(&f);
}

static void
test_lines(void **state)
{
	struct import_file	 f;
	struct errs		 e;

	(void)state;
	/* A quoted field over two lines: the next row's line is right. */
	assert_int_equal(parse(IMPORT_SCHOOLS, "code,name,commune,level\n"
	    "A1,\"two\nlines\",x,TH\nbad code,n,x,TH\nA2,n,x,XX\n", &f, &e),
	    -1);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.line[0], 4);
	assert_non_null(strstr(e.msg[0], "code 'bad code'"));
	assert_int_equal(e.line[1], 5);
	assert_non_null(strstr(e.msg[1], "level 'XX'"));
	assert_int_equal(f.errors, 2);
	/* Only the valid row comes back. */
	assert_int_equal(f.n, 1);
	assert_string_equal(f.entries[0].school.name, "two\nlines");
	import_file_free(&f);

	/* Lone CR line ends. */
	assert_int_equal(parse(IMPORT_SCHOOLS, "code,name,commune,level\r"
	    "A1,n,x,TH\rA2,n,x,ZZ\r", &f, &e), -1);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.line[0], 3);
	import_file_free(&f);

	/* Invalid UTF-8, and a row with the wrong number of fields. */
	assert_int_equal(parse(IMPORT_SCHOOLS, "code,name,commune,level\n"
	    "A1,\xc3\x28,x,TH\n", &f, &e), -1);
	assert_int_equal(e.line[0], 2);
	assert_string_equal(e.msg[0], "not valid UTF-8");
	import_file_free(&f);
	assert_int_equal(parse(IMPORT_SCHOOLS, "code,name,commune,level\n"
	    "A1,n,x\n", &f, &e), -1);
	assert_string_equal(e.msg[0], "3 fields, the header has 4");
	import_file_free(&f);

	/* Bad quoting is libcsv's to report, with its line. */
	assert_int_equal(parse(IMPORT_SCHOOLS, "code,name,commune,level\n"
	    "A1,\"n\"x,x,TH\n", &f, &e), -1);
	assert_int_equal(e.line[0], 2);
	import_file_free(&f);

	/* No header, a header without a required column. */
	assert_int_equal(parse(IMPORT_SCHOOLS, "", &f, &e), -1);
	assert_non_null(strstr(e.msg[0], "header line is required"));
	import_file_free(&f);
	assert_int_equal(parse(IMPORT_SCHOOLS, "code,name,level\nA,b,TH\n",
	    &f, &e), -1);
	assert_string_equal(e.msg[0], "header: column 'commune' is missing");
	assert_int_equal(f.n, 0);
	import_file_free(&f);
}

static void
test_contacts(void **state)
{
	struct import_file	 f;
	struct errs		 e;

	(void)state;
	assert_int_equal(parse(IMPORT_CONTACTS, "name,phone,role,school,"
	    "commune,level,pin\nAn,0912 000 001,police,,Mỹ Phú,2,4821\n"
	    "Bình,+84912000002,principal, MP2 ,,,\n", &f, &e), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.entries[0].contact.phone, "+84912000001");
	assert_int_equal(f.entries[0].contact.level, 2);
	assert_string_equal(f.entries[0].pin, "4821");
	assert_int_equal(f.entries[0].contact.has_pin, 0);
	assert_string_equal(f.entries[1].contact.school, "MP2");
	assert_int_equal(f.entries[1].contact.level, 1);
	import_file_free(&f);

	/* Every problem of every row, and the same phone in two guises. */
	assert_int_equal(parse(IMPORT_CONTACTS, "name,phone,role,school,"
	    "level,pin\nAn,0912000001,police,,,\n,09x,janitor,,4,12\n"
	    "Ba,84912000001,teacher,,,\n", &f, &e), -1);
	assert_int_equal(e.n, 7);
	assert_string_equal(e.msg[0], "name is empty");
	assert_int_equal(e.line[0], 3);
	assert_non_null(strstr(e.msg[1], "phone '09x'"));
	assert_non_null(strstr(e.msg[2], "role 'janitor'"));
	assert_non_null(strstr(e.msg[3], "level '4'"));
	assert_string_equal(e.msg[4], "pin: 4 to 8 digits");
	assert_string_equal(e.msg[5], "a teacher needs a school code");
	assert_int_equal(e.line[5], 4);
	assert_string_equal(e.msg[6], "'84912000001' already on line 2");
	assert_int_equal(f.n, 1);
	import_file_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schools),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_contacts),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
