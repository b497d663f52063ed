/*
 * tinbao: `tinbao import schools|contacts FILE.csv` (SPEC section 6).
 *
 * The file is parsed with libcsv (RFC 4180 quoting), every row validated,
 * and then either all rows are written in one transaction or none: a file
 * with one bad row is reported in full, with the line number of each
 * problem, and changes nothing.  Re-importing updates rows by their key (the
 * school code, the contact's phone), so an import can be run again safely.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>

#include "tinbao.h"

#define IMPORT_MAX_FIELDS	16

enum import_kind {
	IMPORT_SCHOOLS,
	IMPORT_CONTACTS,
};

struct import_row {
	int		 line;
	int		 nfields;
	char		*field[IMPORT_MAX_FIELDS];
};

struct import {
	const char		*path;
	enum import_kind	 kind;
	int			 line;		/* physical line being fed */
	int			 rowline;	/* where the current row began */
	struct import_row	 cur;
	struct import_row	*rows;
	int			 nrows;
	int			 toomany;
	int			 errors;
	char			*errbuf;	/* one row's problems (API) */
	size_t			 errsz;
};

static const char *school_cols[] = { "code", "name", "commune", "level",
    "aliases" };
static const char *contact_cols[] = { "name", "phone", "role", "school",
    "commune", "level", "pin" };

static void	import_field(void *, size_t, void *);
static void	import_record(int, void *);
static void	import_error(struct import *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
import_error(struct import *im, int line, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;

	im->errors++;
	if (im->errbuf != NULL) {
		/* One row from the API: its problems joined with "; ". */
		n = strlen(im->errbuf);
		if (n > 0 && n + 2 < im->errsz) {
			(void)strlcpy_checked(im->errbuf + n, "; ",
			    im->errsz - n);
			n += 2;
		}
		if (n + 1 < im->errsz) {
			va_start(ap, fmt);
			(void)vsnprintf(im->errbuf + n, im->errsz - n, fmt, ap);
			va_end(ap);
		}
		return;
	}
	fprintf(stderr, "%s:%d: ", im->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
import_field(void *data, size_t len, void *arg)
{
	struct import	*im = arg;

	if (im->cur.nfields == 0)
		im->cur.line = im->rowline;
	if (im->cur.nfields >= IMPORT_MAX_FIELDS) {
		im->toomany = 1;
		return;
	}
	im->cur.field[im->cur.nfields++] = xstrndup(data ? data : "",
	    data ? len : 0);
}

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

static int
import_school(struct import *im, struct store *st, const int *col,
    const struct import_row *r, int write)
{
	struct school	 sc;
	const char	*level;
	int		 bad = 0;

	memset(&sc, 0, sizeof(sc));
	if (!import_code_ok(import_trim(r->field[col[0]]))) {
		import_error(im, r->line, "code '%s': 1 to 15 letters, digits, "
		    "'-' or '_'", r->field[col[0]]);
		bad = 1;
	} else
		(void)strlcpy_checked(sc.code, r->field[col[0]],
		    sizeof(sc.code));
	if (*import_trim(r->field[col[1]]) == '\0') {
		import_error(im, r->line, "name is empty");
		bad = 1;
	} else if (import_copy(im, r->line, "name", sc.name, sizeof(sc.name),
	    r->field[col[1]]) == -1)
		bad = 1;
	if (import_copy(im, r->line, "commune", sc.commune, sizeof(sc.commune),
	    import_trim(r->field[col[2]])) == -1)
		bad = 1;
	level = import_trim(r->field[col[3]]);
	if (strcmp(level, "TH") != 0 && strcmp(level, "THCS") != 0 &&
	    strcmp(level, "THPT") != 0 && strcmp(level, "MN") != 0 &&
	    strcmp(level, "GDTX") != 0) {
		import_error(im, r->line, "level '%s': one of TH, THCS, THPT, "
		    "MN, GDTX", level);
		bad = 1;
	} else
		(void)strlcpy_checked(sc.level, level, sizeof(sc.level));
	if (col[4] >= 0 && import_copy(im, r->line, "aliases", sc.aliases,
	    sizeof(sc.aliases), import_trim(r->field[col[4]])) == -1)
		bad = 1;
	if (bad || !write)
		return (bad ? -1 : 0);
	return (store_school_upsert(st, &sc));
}

static int
import_contact(struct import *im, struct store *st, const struct secret *sec,
    const int *col, const struct import_row *r, int write)
{
	static const char *roles[] = { "police", "teacher", "principal",
	    "counselor", "bureau", "admin" };
	struct contact	 c;
	struct school	 sc;
	const char	*v;
	size_t		 i;
	int		 bad = 0, found;

	memset(&c, 0, sizeof(c));
	c.level = 1;
	v = import_trim(r->field[col[0]]);
	if (*v == '\0') {
		import_error(im, r->line, "name is empty");
		bad = 1;
	} else if (import_copy(im, r->line, "name", c.name, sizeof(c.name),
	    v) == -1)
		bad = 1;
	v = import_trim(r->field[col[1]]);
	if (phone_normalize(v, c.phone, sizeof(c.phone)) == -1 ||
	    c.phone[0] != '+') {
		import_error(im, r->line, "phone '%s' is not a phone number "
		    "(0912 345 678, 84912345678, +84 912 345 678)", v);
		bad = 1;
	}
	v = import_trim(r->field[col[2]]);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(v, roles[i]) == 0)
			(void)strlcpy_checked(c.role, v, sizeof(c.role));
	if (c.role[0] == '\0') {
		import_error(im, r->line, "role '%s': one of police, teacher, "
		    "principal, counselor, bureau, admin", v);
		bad = 1;
	}
	v = col[3] >= 0 ? import_trim(r->field[col[3]]) : "";
	if (*v != '\0') {
		if ((found = store_school_get(st, v, &sc)) == -1)
			return (-1);
		if (found == 0) {
			import_error(im, r->line, "school '%s' is not in the "
			    "directory (import schools first)", v);
			bad = 1;
		} else
			(void)strlcpy_checked(c.school, v, sizeof(c.school));
	} else if (strcmp(c.role, "teacher") == 0 ||
	    strcmp(c.role, "principal") == 0 ||
	    strcmp(c.role, "counselor") == 0) {
		import_error(im, r->line, "a %s needs a school code", c.role);
		bad = 1;
	}
	if (col[4] >= 0 && import_copy(im, r->line, "commune", c.commune,
	    sizeof(c.commune), import_trim(r->field[col[4]])) == -1)
		bad = 1;
	v = col[5] >= 0 ? import_trim(r->field[col[5]]) : "";
	if (*v != '\0') {
		if (strlen(v) != 1 || *v < '1' || *v > '3') {
			import_error(im, r->line, "level '%s': 1, 2 or 3", v);
			bad = 1;
		} else
			c.level = *v - '0';
	}
	v = col[6] >= 0 ? import_trim(r->field[col[6]]) : "";
	if (*v != '\0') {
		for (i = 0; v[i] != '\0'; i++)
			if (!isdigit((unsigned char)v[i]))
				break;
		if (v[i] != '\0' || i < 4 || i > 8) {
			import_error(im, r->line, "pin: 4 to 8 digits");
			bad = 1;
		} else if (!bad) {
			pin_mac(sec, c.phone, v, c.pin_mac);
			c.has_pin = 1;
		}
	}
	if (bad || !write)
		return (bad ? -1 : 0);
	return (store_contact_upsert(st, &c, time(NULL)));
}

/*
 * Checks one school given as its IMPORT_SCHOOL_FIELDS fields in the CSV's
 * column order (trimmed in place) and writes it when valid, for the API.
 * Returns 0, or -1 with the problems in err (err empty: a store error).
 */
int
import_school_row(struct store *st, char *f[IMPORT_SCHOOL_FIELDS],
    char *err, size_t errsz)
{
	static const int	 col[IMPORT_SCHOOL_FIELDS] = { 0, 1, 2, 3, 4 };
	struct import		 im;
	struct import_row	 r;
	int			 i;

	memset(&im, 0, sizeof(im));
	memset(&r, 0, sizeof(r));
	err[0] = '\0';
	im.errbuf = err;
	im.errsz = errsz;
	r.nfields = IMPORT_SCHOOL_FIELDS;
	for (i = 0; i < IMPORT_SCHOOL_FIELDS; i++)
		r.field[i] = f[i];
	if (import_school(&im, st, col, &r, 0) == -1)
		return (-1);
	return (import_school(&im, st, col, &r, 1));
}

/*
 * Checks one contact given as its IMPORT_CONTACT_FIELDS fields (the pin
 * may be "": none) and writes it when valid, for the API.  Returns 0, or
 * -1 with the problems in err (err empty: a store error).
 */
int
import_contact_row(struct store *st, const struct secret *sec,
    char *f[IMPORT_CONTACT_FIELDS], char *err, size_t errsz)
{
	static const int	 col[IMPORT_CONTACT_FIELDS] = { 0, 1, 2, 3, 4,
	    5, 6 };
	struct import		 im;
	struct import_row	 r;
	int			 i;

	memset(&im, 0, sizeof(im));
	memset(&r, 0, sizeof(r));
	err[0] = '\0';
	im.errbuf = err;
	im.errsz = errsz;
	r.nfields = IMPORT_CONTACT_FIELDS;
	for (i = 0; i < IMPORT_CONTACT_FIELDS; i++)
		r.field[i] = f[i];
	if (import_contact(&im, st, sec, col, &r, 0) == -1)
		return (-1);
	return (import_contact(&im, st, sec, col, &r, 1));
}

/* Runs `tinbao import schools|contacts FILE.csv`. */
int
cmd_import(struct config *conf, int argc, char **argv)
{
	struct csv_parser	 p;
	struct import		 im;
	struct store		*st = NULL;
	struct secret		 sec;
	const char		**cols;
	char			 line[8192], *h;
	int			 ncols, col[IMPORT_MAX_FIELDS], i, j, ret = 1;
	int			 pass, dup;
	FILE			*f;

	if (argc != 2 || (strcmp(argv[0], "schools") != 0 &&
	    strcmp(argv[0], "contacts") != 0)) {
		fprintf(stderr, "usage: tinbao import schools|contacts "
		    "FILE.csv\n");
		return (2);
	}
	memset(&im, 0, sizeof(im));
	im.path = argv[1];
	im.kind = strcmp(argv[0], "schools") == 0 ? IMPORT_SCHOOLS :
	    IMPORT_CONTACTS;
	cols = im.kind == IMPORT_SCHOOLS ? school_cols : contact_cols;
	ncols = im.kind == IMPORT_SCHOOLS ? 5 : 7;

	if ((f = fopen(im.path, "r")) == NULL) {
		fprintf(stderr, "tinbao import: %s: %s\n", im.path,
		    strerror(errno));
		return (1);
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		fatalx("csv_init");
	im.line = 0;
	im.rowline = 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t	 n = strlen(line);

		im.line++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			import_error(&im, im.line, "line longer than %zu bytes",
			    sizeof(line) - 2);
			break;
		}
		h = line;
		if (im.line == 1 && strncmp(h, "\xef\xbb\xbf", 3) == 0) {
			h += 3;
			n -= 3;
		}
		if (!utf8_is_valid(h, n)) {
			import_error(&im, im.line, "not valid UTF-8");
			continue;
		}
		if (csv_parse(&p, h, n, import_field, import_record, &im) != n) {
			import_error(&im, im.line, "%s",
			    csv_strerror(csv_error(&p)));
			break;
		}
	}
	fclose(f);
	if (csv_fini(&p, import_field, import_record, &im) != 0)
		import_error(&im, im.line, "%s", csv_strerror(csv_error(&p)));
	csv_free(&p);
	if (im.errors > 0)
		goto out;

	/* The header names the columns; their order is free. */
	if (im.nrows == 0) {
		import_error(&im, 1, "empty file: a header line is required");
		goto out;
	}
	for (i = 0; i < ncols; i++) {
		col[i] = -1;
		for (j = 0; j < im.rows[0].nfields; j++)
			if (strcmp(import_trim(im.rows[0].field[j]),
			    cols[i]) == 0)
				col[i] = j;
	}
	for (i = 0; i < ncols; i++)
		if (col[i] == -1 && (i < (im.kind == IMPORT_SCHOOLS ? 4 : 3)))
			import_error(&im, 1, "header: column '%s' is missing",
			    cols[i]);
	if (im.errors > 0)
		goto out;
	for (i = 1; i < im.nrows; i++) {
		if (im.rows[i].nfields != im.rows[0].nfields) {
			import_error(&im, im.rows[i].line, "%d fields, the "
			    "header has %d", im.rows[i].nfields,
			    im.rows[0].nfields);
			continue;
		}
		/* The same key twice in one file is a mistake. */
		for (j = 1, dup = 0; j < i && !dup; j++) {
			const char	*a = im.rows[i].field[col[im.kind ==
			    IMPORT_SCHOOLS ? 0 : 1]];
			const char	*b = im.rows[j].field[col[im.kind ==
			    IMPORT_SCHOOLS ? 0 : 1]];

			char	 na[NUMBER_MAX], nb[NUMBER_MAX];

			/* Phones compare in E.164: 0912... is +84912... */
			if (im.kind == IMPORT_CONTACTS &&
			    phone_normalize(a, na, sizeof(na)) == 0 &&
			    phone_normalize(b, nb, sizeof(nb)) == 0) {
				a = na;
				b = nb;
			}
			if (im.rows[j].nfields == im.rows[0].nfields &&
			    strcmp(a, b) == 0) {
				import_error(&im, im.rows[i].line, "'%s' "
				    "already on line %d", im.rows[i].field[
				    col[im.kind == IMPORT_SCHOOLS ? 0 : 1]],
				    im.rows[j].line);
				dup = 1;
			}
		}
	}

	/* Every row is validated, so that one run reports every problem. */
	if (im.kind == IMPORT_CONTACTS &&
	    secret_load(conf->keyfile, &sec) == -1)
		goto out;
	if ((st = store_open(conf->database, 0)) == NULL ||
	    store_check_version(st) == -1)
		goto out;
	/* Pass 0 validates every row; pass 1 writes, in one transaction. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && store_begin(st) == -1)
			goto out;
		for (i = 1; i < im.nrows; i++) {
			int	 r;

			if (im.rows[i].nfields != im.rows[0].nfields)
				continue;

			r = im.kind == IMPORT_SCHOOLS ?
			    import_school(&im, st, col, &im.rows[i], pass) :
			    import_contact(&im, st, &sec, col, &im.rows[i],
			    pass);
			if (r == -1 && pass == 1) {
				store_rollback(st);
				goto out;
			}
		}
		if (im.errors > 0)
			goto out;
	}
	if (store_commit(st) == -1)
		goto out;
	printf("%s: %d %s imported\n", im.path, im.nrows - 1, argv[0]);
	ret = 0;
out:
	if (im.errors > 0)
		fprintf(stderr, "%s: %d problem(s), nothing imported\n",
		    im.path, im.errors);
	store_close(st);
	for (i = 0; i < im.nrows; i++)
		for (j = 0; j < im.rows[i].nfields; j++)
			free(im.rows[i].field[j]);
	for (j = 0; j < im.cur.nfields; j++)
		free(im.cur.field[j]);
	free(im.rows);
	explicit_bzero(&sec, sizeof(sec));
	return (ret);
}
