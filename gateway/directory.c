/*
 * tinbao: the directory of schools and contacts (SPEC section 6), as the
 * CSV import, the dashboard and the API all check and write it.
 *
 * The file is parsed with libcsv (RFC 4180 quoting), every row validated,
 * and then either all rows are written in one transaction or none: a file
 * with one bad row is reported in full, with the line number of each
 * problem, and changes nothing.  Re-importing updates rows by their key (the
 * school code, the contact's phone), so an import can be run again safely.
 *
 * import_parse is the pure half (bytes to validated rows, every problem
 * with its line number), shared by `tinbao import` (cmd_import.c), the
 * dashboard's paste and tests/fuzz/fuzz_csv.c; import_store adds what only
 * the database can say (does a contact's school exist) and writes.
 * import_school_row and import_contact_row check one row by the same rules
 * for the dashboard's and the API's edits.  A contact's PIN is held in
 * clear only between parse and write, and is wiped when the rows are freed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>

#include "tinbao.h"

#define IMPORT_MAX_FIELDS	16
#define IMPORT_LINE_MAX		8192	/* bytes of one physical line */

struct import_row {
	int		 line;
	int		 nfields;
	char		*field[IMPORT_MAX_FIELDS];
};

/* The parser's state: libcsv's callbacks collect rows here. */
struct import {
	enum import_kind	 kind;
	void			(*err)(void *, int, const char *);
	void			*arg;
	int			 line;		/* physical line being fed */
	int			 rowline;	/* where the current row began */
	struct import_row	 cur;
	struct import_row	*rows;
	int			 nrows;
	int			 toomany;
	int			 errors;
};

/* A row's key (school code, contact's E.164 phone), for duplicates. */
struct import_key {
	char		 key[NUMBER_MAX > 16 ? NUMBER_MAX : 16];
	int		 line;
	char		 role[16];	/* contacts: the row's role */
};

static const char *school_cols[] = { "code", "name", "commune", "level",
    "aliases" };
static const char *contact_cols[] = { "name", "phone", "role", "school",
    "commune", "level", "pin" };

static void	import_field(void *, size_t, void *);
static void	import_lines(struct import *, const char *, size_t);
static int	import_header(struct import *, int *);
static void	import_rows(struct import *, const int *, struct import_file *);
static void	import_two_roles(struct import_file *, const struct import_key *,
		    const struct import_entry *);
static void	import_record(int, void *);
static void	import_error(struct import *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static char	*import_trim(char *);
static int	import_code_ok(const char *);
static int	import_copy(struct import *, int, const char *, char *, size_t,
		    const char *);
static int	import_school(struct import *, const int *,
		    const struct import_row *, struct import_entry *);
static int	import_contact(struct import *, const int *,
		    const struct import_row *, struct import_entry *);
static int	import_check_schools(struct store *,
		    const struct import_file *, void (*)(void *, int,
		    const char *), void *);
static int	import_write(struct store *, const struct secret *,
		    struct import_file *);

/* Reports one problem of the file, with its line, to the caller. */
static void
import_error(struct import *im, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatalx("vasprintf");
	va_end(ap);
	im->err(im->arg, line, msg);
	free(msg);
	im->errors++;
}

/* libcsv: one field, trimmed of white space at both ends. */
static void
import_field(void *data, size_t len, void *arg)
{
	struct import	*im = arg;
	char		*f, *t;

	if (im->cur.nfields == 0)
		im->cur.line = im->rowline;
	if (im->cur.nfields >= IMPORT_MAX_FIELDS) {
		im->toomany = 1;
		return;
	}
	f = xstrndup(data ? data : "", data ? len : 0);
	/* Trimmed once here, so that no check sees one form and the
	 * database another (" MP2" once passed as a code and was stored
	 * with its space). */
	t = import_trim(f);
	memmove(f, t, strlen(t) + 1);
	im->cur.field[im->cur.nfields++] = f;
}

/* libcsv: the end of a row. */
static void
import_record(int c, void *arg)
{
	struct import	*im = arg;

	(void)c;
	if (im->toomany) {
		import_error(im, im->cur.line, "more than %d fields",
		    IMPORT_MAX_FIELDS);
		im->toomany = 0;
	}
	im->rows = xreallocarray(im->rows, im->nrows + 1, sizeof(*im->rows));
	im->rows[im->nrows++] = im->cur;
	memset(&im->cur, 0, sizeof(im->cur));
	im->rowline = im->line + 1;
}

/* Trims white space at both ends, in place. */
static char *
import_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

static int
import_code_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0 || n > 15)
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return (0);
	return (1);
}

/* Fits a value into a fixed field or reports it as too long. */
static int
import_copy(struct import *im, int line, const char *what, char *dst,
    size_t dstsz, const char *src)
{
	if (strlcpy_checked(dst, src, dstsz) >= dstsz) {
		import_error(im, line, "%s is too long (at most %zu bytes)",
		    what, dstsz - 1);
		return (-1);
	}
	return (0);
}

/* Validates a schools row into e->school.  Returns 0 or -1 (reported). */
static int
import_school(struct import *im, const int *col, const struct import_row *r,
    struct import_entry *e)
{
	struct school	*sc = &e->school;
	const char	*level;
	int		 bad = 0;

	if (!import_code_ok(r->field[col[0]])) {
		import_error(im, r->line, "code '%s': 1 to 15 letters, digits, "
		    "'-' or '_'", r->field[col[0]]);
		bad = 1;
	} else
		(void)strlcpy_checked(sc->code, r->field[col[0]],
		    sizeof(sc->code));
	if (r->field[col[1]][0] == '\0') {
		import_error(im, r->line, "name is empty");
		bad = 1;
	} else if (import_copy(im, r->line, "name", sc->name,
	    sizeof(sc->name), r->field[col[1]]) == -1)
		bad = 1;
	if (import_copy(im, r->line, "commune", sc->commune,
	    sizeof(sc->commune), r->field[col[2]]) == -1)
		bad = 1;
	level = r->field[col[3]];
	if (strcmp(level, "TH") != 0 && strcmp(level, "THCS") != 0 &&
	    strcmp(level, "THPT") != 0 && strcmp(level, "MN") != 0 &&
	    strcmp(level, "GDTX") != 0) {
		import_error(im, r->line, "level '%s': one of TH, THCS, THPT, "
		    "MN, GDTX", level);
		bad = 1;
	} else
		(void)strlcpy_checked(sc->level, level, sizeof(sc->level));
	if (col[4] >= 0 && import_copy(im, r->line, "aliases", sc->aliases,
	    sizeof(sc->aliases), r->field[col[4]]) == -1)
		bad = 1;
	return (bad ? -1 : 0);
}

/*
 * Validates a contacts row into e->contact and e->pin.  Whether its school
 * exists is the database's to say (import_store).  Returns 0 or -1.
 */
static int
import_contact(struct import *im, const int *col, const struct import_row *r,
    struct import_entry *e)
{
	static const char *roles[] = { "police", "teacher", "principal",
	    "counselor", "bureau", "admin", "commune_committee" };
	struct contact	*c = &e->contact;
	const char	*v;
	size_t		 i;
	int		 bad = 0;

	c->level = 1;
	v = r->field[col[0]];
	if (*v == '\0') {
		import_error(im, r->line, "name is empty");
		bad = 1;
	} else if (import_copy(im, r->line, "name", c->name, sizeof(c->name),
	    v) == -1)
		bad = 1;
	v = r->field[col[1]];
	if (phone_normalize(v, c->phone, sizeof(c->phone)) == -1 ||
	    c->phone[0] != '+') {
		import_error(im, r->line, "phone '%s' is not a phone number "
		    "(0912 345 678, 84912345678, +84 912 345 678)", v);
		c->phone[0] = '\0';
		bad = 1;
	}
	v = r->field[col[2]];
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(v, roles[i]) == 0)
			(void)strlcpy_checked(c->role, v, sizeof(c->role));
	if (c->role[0] == '\0') {
		import_error(im, r->line, "role '%s': one of police, teacher, "
		    "principal, counselor, bureau, admin, commune_committee",
		    v);
		bad = 1;
	}
	v = col[3] >= 0 ? r->field[col[3]] : "";
	if (*v != '\0') {
		if (!import_code_ok(v)) {
			import_error(im, r->line, "school '%s' is not a "
			    "school code", v);
			bad = 1;
		} else
			(void)strlcpy_checked(c->school, v, sizeof(c->school));
	} else if (strcmp(c->role, "teacher") == 0 ||
	    strcmp(c->role, "principal") == 0 ||
	    strcmp(c->role, "counselor") == 0) {
		import_error(im, r->line, "a %s needs a school code", c->role);
		bad = 1;
	}
	if (col[4] >= 0 && import_copy(im, r->line, "commune", c->commune,
	    sizeof(c->commune), r->field[col[4]]) == -1)
		bad = 1;
	else if (strcmp(c->role, "commune_committee") == 0 &&
	    c->commune[0] == '\0') {
		import_error(im, r->line, "a commune_committee needs a commune");
		bad = 1;
	}
	v = col[5] >= 0 ? r->field[col[5]] : "";
	if (*v != '\0') {
		if (strlen(v) != 1 || *v < '1' || *v > '3') {
			import_error(im, r->line, "level '%s': 1, 2 or 3", v);
			bad = 1;
		} else
			c->level = *v - '0';
	}
	v = col[6] >= 0 ? r->field[col[6]] : "";
	if (*v != '\0') {
		for (i = 0; v[i] != '\0'; i++)
			if (!isdigit((unsigned char)v[i]))
				break;
		if (v[i] != '\0' || i < 4 || i > 8) {
			import_error(im, r->line, "pin: 4 to 8 digits");
			bad = 1;
		} else
			(void)strlcpy_checked(e->pin, v, sizeof(e->pin));
	}
	return (bad ? -1 : 0);
}

/*
 * Parses and validates a whole schools or contacts file (len bytes of
 * data) into out, without touching the database: CSV (RFC 4180, a BOM and
 * CRLF accepted), the header naming the columns in any order, each row's
 * fields, and the same key twice.  Every problem goes to err(arg, line,
 * message), so that one run reports them all.  Returns 0, or -1 when there
 * was any problem (out then holds only the rows that were valid).
 */
int
import_parse(enum import_kind kind, const char *data, size_t len,
    void (*err)(void *, int, const char *), void *arg,
    struct import_file *out)
{
	struct import	 im;
	int		 col[IMPORT_MAX_FIELDS], i, j;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	memset(&im, 0, sizeof(im));
	im.kind = kind;
	im.err = err;
	im.arg = arg;
	import_lines(&im, data, len);
	if (im.errors == 0 && import_header(&im, col) == 0)
		import_rows(&im, col, out);
	out->errors = im.errors;
	for (i = 0; i < im.nrows; i++)
		for (j = 0; j < im.rows[i].nfields; j++)
			free(im.rows[i].field[j]);
	for (j = 0; j < im.cur.nfields; j++)
		free(im.cur.field[j]);
	free(im.rows);
	return (im.errors > 0 ? -1 : 0);
}

/*
 * Feeds the file to libcsv line by line, so that each problem has its
 * line number.  A line ends with LF, CRLF or a lone CR, as libcsv ends a
 * record: a row then always begins on the line after the one its
 * predecessor ended on (a file with CR line ends once had rows numbered
 * past its last line).
 */
static void
import_lines(struct import *im, const char *data, size_t len)
{
	struct csv_parser	 p;
	const char		*h, *nl, *end = data + len;
	size_t			 n;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		fatalx("csv_init");
	im->line = 0;
	im->rowline = 1;
	for (h = data; h < end; h = nl) {
		for (nl = h; nl < end && *nl != '\n' && *nl != '\r'; nl++)
			;
		if (nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n')
			nl++;
		if (nl < end)
			nl++;
		n = (size_t)(nl - h);
		im->line++;
		if (n > IMPORT_LINE_MAX - 2) {
			import_error(im, im->line, "line longer than %d bytes",
			    IMPORT_LINE_MAX - 2);
			break;
		}
		if (im->line == 1 && n >= 3 &&
		    memcmp(h, "\xef\xbb\xbf", 3) == 0) {
			h += 3;
			n -= 3;
		}
		if (!utf8_is_valid(h, n)) {
			import_error(im, im->line, "not valid UTF-8");
			continue;
		}
		if (csv_parse(&p, h, n, import_field, import_record, im) != n) {
			import_error(im, im->line, "%s",
			    csv_strerror(csv_error(&p)));
			break;
		}
	}
	if (csv_fini(&p, import_field, import_record, im) != 0)
		import_error(im, im->line, "%s", csv_strerror(csv_error(&p)));
	csv_free(&p);
}

/*
 * The header names the columns; their order is free.  Fills col with
 * each known column's place (-1: absent).  0, or -1 (reported) when the
 * file is empty or a required column is missing.
 */
static int
import_header(struct import *im, int *col)
{
	const char	**cols;
	int		 ncols, nreq, i, j, errors = im->errors;

	cols = im->kind == IMPORT_SCHOOLS ? school_cols : contact_cols;
	ncols = im->kind == IMPORT_SCHOOLS ? 5 : 7;
	nreq = im->kind == IMPORT_SCHOOLS ? 4 : 3;
	if (im->nrows == 0) {
		import_error(im, 1, "empty file: a header line is required");
		return (-1);
	}
	for (i = 0; i < ncols; i++) {
		col[i] = -1;
		for (j = 0; j < im->rows[0].nfields; j++)
			if (strcmp(im->rows[0].field[j], cols[i]) == 0)
				col[i] = j;
		if (col[i] == -1 && i < nreq)
			import_error(im, im->rows[0].line > 0 ?
			    im->rows[0].line : 1, "header: column '%s' is "
			    "missing", cols[i]);
	}
	return (im->errors > errors ? -1 : 0);
}

/*
 * Validates each row after the header into out's entries; the same key
 * twice in one file is a mistake, even on a row with other problems,
 * except one phone number given two different roles: a gap, warned about
 * (import_two_roles).
 */
static void
import_rows(struct import *im, const int *col, struct import_file *out)
{
	struct import_key	*keys;
	struct import_entry	 e;
	const char		*h;
	size_t			 nkeys = 0, k;
	int			 i, keyok, valid;
	int			 school = im->kind == IMPORT_SCHOOLS;

	keys = xcalloc(im->nrows, sizeof(*keys));
	for (i = 1; i < im->nrows; i++) {
		if (im->rows[i].nfields != im->rows[0].nfields) {
			import_error(im, im->rows[i].line, "%d fields, the "
			    "header has %d", im->rows[i].nfields,
			    im->rows[0].nfields);
			continue;
		}
		memset(&e, 0, sizeof(e));
		e.line = im->rows[i].line;
		valid = (school ? import_school(im, col, &im->rows[i], &e) :
		    import_contact(im, col, &im->rows[i], &e)) == 0;
		h = school ? e.school.code : e.contact.phone;
		keyok = h[0] != '\0';
		for (k = 0; keyok && k < nkeys; k++) {
			if (strcmp(keys[k].key, h) != 0)
				continue;
			if (!school && valid && keys[k].role[0] != '\0' &&
			    strcmp(keys[k].role, e.contact.role) != 0)
				import_two_roles(out, &keys[k], &e);
			else
				import_error(im, e.line, "'%s' already on "
				    "line %d", im->rows[i].field[col[school ?
				    0 : 1]], keys[k].line);
			keyok = valid = 0;
		}
		if (keyok) {
			(void)strlcpy_checked(keys[nkeys].key, h,
			    sizeof(keys[nkeys].key));
			if (!school)
				(void)strlcpy_checked(keys[nkeys].role,
				    e.contact.role, sizeof(keys[nkeys].role));
			keys[nkeys++].line = e.line;
		}
		if (valid) {
			out->entries = xreallocarray(out->entries, out->n + 1,
			    sizeof(*out->entries));
			out->entries[out->n++] = e;
		}
		explicit_bzero(&e, sizeof(e));
	}
	free(keys);
}

/*
 * One number given two roles (SPEC section 6): a gap, not an error.  The
 * first row is kept, the later one left out, and the number noted for the
 * warnings and, once written, for the dashboard and /healthz.
 */
static void
import_two_roles(struct import_file *out, const struct import_key *first,
    const struct import_entry *e)
{
	size_t	 len = strlen(out->two_roles);

	(void)snprintf(out->two_roles + len, sizeof(out->two_roles) - len,
	    "%s\t%s (line %d), %s (line %d)\n", first->key, first->role,
	    first->line, e->contact.role, e->line);
	out->ntwo_roles++;
}

/* Frees what import_parse returned; the PINs in clear are wiped. */
void
import_file_free(struct import_file *f)
{
	if (f->entries != NULL)
		explicit_bzero(f->entries, f->n * sizeof(*f->entries));
	free(f->entries);
	memset(f, 0, sizeof(*f));
}

/*
 * Checks what only the database can tell: that each contact's school
 * exists.  Reports problems through err; returns their number, or -1 on
 * a store error.
 */
static int
import_check_schools(struct store *st, const struct import_file *imf,
    void (*err)(void *, int, const char *), void *arg)
{
	const struct import_entry	*e;
	struct school			 sc;
	char				 msg[256];
	size_t				 i;
	int				 found, errors = 0;

	for (i = 0; i < imf->n && imf->kind == IMPORT_CONTACTS; i++) {
		e = &imf->entries[i];
		if (e->contact.school[0] == '\0')
			continue;
		if ((found = store_school_get(st, e->contact.school, &sc)) ==
		    -1)
			return (-1);
		if (found == 0) {
			(void)snprintf(msg, sizeof(msg), "school '%s' is not in "
			    "the directory (import schools first)",
			    e->contact.school);
			err(arg, e->line, msg);
			errors++;
		}
	}
	return (errors);
}

/* Writes every row, inside the caller's transaction; 0 or -1. */
static int
import_write(struct store *st, const struct secret *sec,
    struct import_file *imf)
{
	struct import_entry	*e;
	size_t			 i;

	for (i = 0; i < imf->n; i++) {
		e = &imf->entries[i];
		if (imf->kind == IMPORT_CONTACTS && e->pin[0] != '\0') {
			pin_mac(sec, e->contact.phone, e->pin,
			    e->contact.pin_mac);
			e->contact.has_pin = 1;
		}
		explicit_bzero(e->pin, sizeof(e->pin));
		if ((imf->kind == IMPORT_SCHOOLS ? store_school_upsert(st,
		    &e->school) : store_contact_upsert(st, &e->contact,
		    time(NULL))) == -1)
			return (-1);
	}
	return (0);
}

/*
 * Writes a parsed file into the store, all rows or none, in one
 * transaction, after import_check_schools.  prior is the number of
 * problems the parse found: with any, nothing is written.  Returns 0, the
 * number of problems (nothing written), or -1 on a store error.
 */
int
import_store(struct store *st, const struct secret *sec,
    struct import_file *imf, int prior, void (*err)(void *, int,
    const char *), void *arg)
{
	int	 errors;

	if ((errors = import_check_schools(st, imf, err, arg)) == -1)
		return (-1);
	if (errors + prior > 0)
		return (errors + prior);
	if (store_begin(st) == -1)
		return (-1);
	/* The gap of the last contacts import: directory gaps (issue 15). */
	if (import_write(st, sec, imf) == -1 || (imf->kind == IMPORT_CONTACTS &&
	    store_meta_set(st, DIRGAP_META_TWO_ROLES, imf->two_roles) == -1)) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st));
}

/* Collects a single row's problems, joined with "; ", into a buffer. */
struct import_errbuf {
	char	*buf;
	size_t	 sz;
};

static void
import_row_error(void *arg, int line, const char *msg)
{
	struct import_errbuf	*eb = arg;
	size_t			 n = strlen(eb->buf);

	(void)line;
	if (n > 0 && n + 2 < eb->sz) {
		(void)strlcpy_checked(eb->buf + n, "; ", eb->sz - n);
		n += 2;
	}
	if (n + 1 < eb->sz)
		(void)strlcpy_checked(eb->buf + n, msg, eb->sz - n);
}

/*
 * Checks one row given as its fields in the CSV's column order, by the
 * import's own rules, and writes it inside the caller's transaction (the
 * API's and the dashboard's edits, with their audit row).  Returns 0, or
 * -1 with the problems in err (err empty: a store error).
 */
static int
import_one(struct store *st, const struct secret *sec, enum import_kind kind,
    char **f, int nf, char *err, size_t errsz)
{
	static const int	 col[IMPORT_MAX_FIELDS] = { 0, 1, 2, 3, 4, 5,
	    6 };
	struct import		 im;
	struct import_row	 r;
	struct import_errbuf	 eb;
	struct import_file	 imf;
	struct import_entry	 e;
	char			*t;
	int			 i, rc;

	memset(&im, 0, sizeof(im));
	memset(&r, 0, sizeof(r));
	memset(&e, 0, sizeof(e));
	err[0] = '\0';
	eb.buf = err;
	eb.sz = errsz;
	im.kind = kind;
	im.err = import_row_error;
	im.arg = &eb;
	r.line = 1;
	r.nfields = nf;
	for (i = 0; i < nf; i++) {
		t = import_trim(f[i]);
		memmove(f[i], t, strlen(t) + 1);
		r.field[i] = f[i];
	}
	e.line = 1;
	if ((kind == IMPORT_SCHOOLS ? import_school(&im, col, &r, &e) :
	    import_contact(&im, col, &r, &e)) == -1)
		return (-1);
	memset(&imf, 0, sizeof(imf));
	imf.kind = kind;
	imf.entries = &e;
	imf.n = 1;
	if ((rc = import_check_schools(st, &imf, import_row_error, &eb)) == 0)
		rc = import_write(st, sec, &imf);
	explicit_bzero(&e, sizeof(e));
	return (rc == 0 ? 0 : -1);
}

/* One school (code, name, commune, level, aliases); see import_one. */
int
import_school_row(struct store *st, char *f[IMPORT_SCHOOL_FIELDS],
    char *err, size_t errsz)
{
	return (import_one(st, NULL, IMPORT_SCHOOLS, f, IMPORT_SCHOOL_FIELDS,
	    err, errsz));
}

/* One contact (name, phone, role, school, commune, level, pin). */
int
import_contact_row(struct store *st, const struct secret *sec,
    char *f[IMPORT_CONTACT_FIELDS], char *err, size_t errsz)
{
	return (import_one(st, sec, IMPORT_CONTACTS, f,
	    IMPORT_CONTACT_FIELDS, err, errsz));
}
