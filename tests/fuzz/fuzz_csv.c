/*
 * libFuzzer harness: the directory's CSV import (directory.c,
 * import_parse), the pure half of `tinbao import`, with libcsv under it.
 *
 * The first byte picks the file's kind (even: schools, odd: contacts);
 * the rest is the file.  Invariants: it returns -1 exactly when it
 * reported a problem; every problem has a line number within the file and
 * a message; every row it returns is valid (a school code of 1 to 15
 * letters, digits, '-' or '_', a known level, a name; a contact with an
 * E.164 phone, a known role, a school for the roles that need one, a level
 * of 1 to 3, a PIN of 4 to 8 digits or none), every text field is valid
 * UTF-8, rows come in file order, and no key is there twice.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	err_cb(void *, int, const char *);
static int	is_text(const char *);
static int	is_code(const char *);

struct errs {
	int	 n;
	int	 maxline;
};

static void
err_cb(void *arg, int line, const char *msg)
{
	struct errs	*e = arg;

	if (line < 1 || line > e->maxline || msg == NULL || msg[0] == '\0')
		abort();
	e->n++;
}

static int
is_text(const char *s)
{
	return (utf8_is_valid(s, strlen(s)));
}

static int
is_code(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > 15)
		return (0);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return (0);
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *levels[] = { "TH", "THCS", "THPT", "MN", "GDTX" };
	static const char *roles[] = { "police", "teacher", "principal",
	    "counselor", "bureau", "admin" };
	struct import_file	 f;
	struct import_entry	*e;
	struct errs		 errs;
	enum import_kind	 kind;
	size_t			 i, j, k;
	int			 ret, lastline = 1;

	if (size == 0)
		return (0);
	kind = data[0] & 1 ? IMPORT_CONTACTS : IMPORT_SCHOOLS;
	data++;
	size--;
	memset(&errs, 0, sizeof(errs));
	/* Lines end with LF, CRLF or CR; plus a last one without an end. */
	errs.maxline = 1;
	for (i = 0; i < size; i++)
		if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == size ||
		    data[i + 1] != '\n')))
			errs.maxline++;
	ret = import_parse(kind, (const char *)data, size, err_cb, &errs, &f);
	if ((ret == -1) != (errs.n > 0) || f.errors != errs.n || f.kind != kind)
		abort();
	for (i = 0; i < f.n; i++) {
		e = &f.entries[i];
		if (e->line <= lastline || e->line > errs.maxline)
			abort();
		lastline = e->line;
		if (kind == IMPORT_SCHOOLS) {
			if (!is_code(e->school.code) || e->school.name[0] ==
			    '\0' || !is_text(e->school.name) ||
			    !is_text(e->school.commune) ||
			    !is_text(e->school.aliases))
				abort();
			for (k = 0; k < 5; k++)
				if (strcmp(e->school.level, levels[k]) == 0)
					break;
			if (k == 5)
				abort();
			for (j = 0; j < i; j++)
				if (strcmp(f.entries[j].school.code,
				    e->school.code) == 0)
					abort();
			continue;
		}
		if (e->contact.phone[0] != '+' || e->contact.phone[1] == '\0')
			abort();
		for (k = 1; e->contact.phone[k] != '\0'; k++)
			if (!isdigit((unsigned char)e->contact.phone[k]))
				abort();
		for (k = 0; k < 6; k++)
			if (strcmp(e->contact.role, roles[k]) == 0)
				break;
		if (k == 6 || e->contact.name[0] == '\0' ||
		    !is_text(e->contact.name) || !is_text(e->contact.commune))
			abort();
		if (e->contact.school[0] != '\0' ? !is_code(e->contact.school) :
		    (k == 1 || k == 2 || k == 3))
			abort();
		if (e->contact.level < 1 || e->contact.level > 3 ||
		    e->contact.has_pin)
			abort();
		if (e->pin[0] != '\0') {
			if (strlen(e->pin) < 4 || strlen(e->pin) > 8)
				abort();
			for (k = 0; e->pin[k] != '\0'; k++)
				if (!isdigit((unsigned char)e->pin[k]))
					abort();
		}
		for (j = 0; j < i; j++)
			if (strcmp(f.entries[j].contact.phone,
			    e->contact.phone) == 0)
				abort();
	}
	import_file_free(&f);
	return (0);
}
