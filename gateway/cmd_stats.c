/*
 * tinbao: `tinbao stats`, counts of cases for the district's reports.
 *
 * Counts the cases created between two local dates (both whole days
 * included), grouped by school, category and month in the order the
 * operator names them, with the number of urgent cases beside each count.
 * Output is an aligned table, RFC 4180 CSV or one JSON document.  The
 * command only ever sees counts (store_stats.c selects no text), so no
 * message a pupil wrote can appear in a report that leaves the office.
 *
 * --suppress N hides every count between 1 and N-1, so a group at a small
 * school cannot be traced back to a few pupils.  Zero stays 0: "nothing
 * happened" identifies nobody.  The total is district-wide and names no
 * school, so it is never hidden.
 *
 * Hiding the small counts alone is not enough: the total minus the
 * visible counts gives back a hidden count when it is the only one hidden,
 * and the same holds within any margin that another run of the command
 * prints (`--by school` prints what `--by school,category` sums to per
 * school).  So stats_suppress also hides, in every group of rows sharing
 * the values of any subset of the keys (the whole table being one), the
 * smallest other count when a group has exactly one hidden; it repeats
 * until no group has a lone hidden count.  A hidden count of cases hides
 * its urgent count too (urgent <= cases would bound it).  Every hidden
 * count prints the same "x", whether small or hidden to protect a small
 * one: a distinct mark for the second kind would tell the reader which
 * one is small and give the subtraction back.  What it cannot do: a group
 * of one row is its own margin, and counts shown by a coarser --by are
 * not hidden in step with a finer one (a lone hidden count whose group
 * has no other count to hide stays derivable from that margin); runs over
 * different date ranges can be subtracted from each other.  It protects
 * one table, not every table the store could print.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <utf8proc.h>

#include "tinbao.h"

#define STATS_SUPPRESS_MAX	1000000
#define STATS_NKEYS		3
#define STATS_CELL		32	/* a count or "x" */
#define STATS_HIDDEN		"x"	/* a hidden count */

enum stats_format {
	STATS_TABLE,
	STATS_CSV,
	STATS_JSON,
};

struct stats_key {
	const char	*name;
	int		 bit;
};

static const struct stats_key stats_keys[STATS_NKEYS] = {
	{ .name = "school", .bit = STATS_BY_SCHOOL },
	{ .name = "category", .bit = STATS_BY_CATEGORY },
	{ .name = "month", .bit = STATS_BY_MONTH },
};

static const char *stats_formats[] = {
	[STATS_TABLE] = "table",
	[STATS_CSV] = "csv",
	[STATS_JSON] = "json",
};

/* The groups read from the store, sorted by the keys in --by order. */
struct stats_set {
	struct stats_row	*rows;
	size_t			 n;
	size_t			 cap;
	int64_t			 total;
	const struct stats_key	*keys[STATS_NKEYS];
	int			 nkeys;
	int64_t			 suppress;
	unsigned char		*hide;		/* 2 per row: cases, urgent */
	int			 mask;		/* keys compared by stats_cmp */
};

static int	stats_parse_day(const char *, int64_t *, int64_t *);
static int	stats_parse_by(const char *, struct stats_set *, int *);
static int	stats_parse_format(const char *, enum stats_format *);
static int	stats_parse_suppress(const char *, int64_t *);
static int	stats_collect_cb(const struct stats_row *, void *);
static int	stats_cmp(const void *, const void *, void *);
static const char *stats_value(const struct stats_row *,
		    const struct stats_key *);
static int64_t	stats_cell(const struct stats_set *, size_t, int);
static int	stats_is_hidden(const struct stats_set *, size_t, int);
static int	stats_cmp_mask(const void *, const void *, void *);
static int	stats_suppress_groups(struct stats_set *, size_t *, int, int);
static void	stats_suppress(struct stats_set *);
static size_t	stats_width(const char *);
static void	stats_pad(const char *, size_t, int);
static void	stats_count(const struct stats_set *, size_t, int, char *,
		    size_t);
static void	stats_print_table(const struct stats_set *);
static void	stats_csv_field(const char *, int);
static void	stats_print_csv(const struct stats_set *);
static json_t	*stats_json_count(const struct stats_set *, size_t, int);
static int	stats_print_json(const struct stats_set *);
static int	stats_usage(const char *, const char *);

/*
 * Parses YYYY-MM-DD as a local date: the first second of that day in
 * *start and the first second of the next day in *end.  Only that exact
 * form is accepted, and a day that does not exist (2026-02-30) is refused
 * rather than silently carried into the next month by mktime.
 */
static int
stats_parse_day(const char *s, int64_t *start, int64_t *end)
{
	struct tm	 tm, chk;
	int		 y, m, d, i;
	time_t		 t;

	if (strlen(s) != 10)
		return (-1);
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return (-1);
		} else if (s[i] < '0' || s[i] > '9')
			return (-1);
	}
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1970 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return (-1);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	chk = tm;
	if ((t = mktime(&chk)) == (time_t)-1 || chk.tm_year != tm.tm_year ||
	    chk.tm_mon != tm.tm_mon || chk.tm_mday != tm.tm_mday)
		return (-1);
	*start = (int64_t)t;
	/* The next local midnight, not +86400: a DST day is 23 or 25 hours. */
	chk = tm;
	chk.tm_mday++;
	if ((t = mktime(&chk)) == (time_t)-1)
		return (-1);
	*end = (int64_t)t;
	return (0);
}

/* Parses a comma-separated list of keys, each at most once, in order. */
static int
stats_parse_by(const char *arg, struct stats_set *set, int *by)
{
	const char	*p = arg, *comma;
	size_t		 len;
	int		 i;

	set->nkeys = 0;
	*by = 0;
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		for (i = 0; i < STATS_NKEYS; i++) {
			if (strlen(stats_keys[i].name) == len &&
			    strncmp(stats_keys[i].name, p, len) == 0)
				break;
		}
		if (i == STATS_NKEYS || (*by & stats_keys[i].bit) != 0)
			return (-1);
		*by |= stats_keys[i].bit;
		set->keys[set->nkeys++] = &stats_keys[i];
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return (0);
}

static int
stats_parse_format(const char *arg, enum stats_format *fmt)
{
	size_t	 i;

	for (i = 0; i < sizeof(stats_formats) / sizeof(stats_formats[0]);
	    i++) {
		if (strcmp(arg, stats_formats[i]) == 0) {
			*fmt = (enum stats_format)i;
			return (0);
		}
	}
	return (-1);
}

static int
stats_parse_suppress(const char *arg, int64_t *n)
{
	char		*end;
	long long	 v;

	if (arg[0] < '0' || arg[0] > '9')
		return (-1);
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > STATS_SUPPRESS_MAX)
		return (-1);
	*n = v;
	return (0);
}

static int
stats_collect_cb(const struct stats_row *r, void *arg)
{
	struct stats_set	*set = arg;

	if (set->n == set->cap) {
		set->cap = set->cap == 0 ? 32 : set->cap * 2;
		set->rows = xreallocarray(set->rows, set->cap,
		    sizeof(*set->rows));
	}
	set->rows[set->n++] = *r;
	set->total += r->cases;
	return (0);
}

/* The value of one key in a group, NULL for a case without a school. */
static const char *
stats_value(const struct stats_row *r, const struct stats_key *k)
{
	switch (k->bit) {
	case STATS_BY_SCHOOL:
		return (r->has_school ? r->school : NULL);
	case STATS_BY_CATEGORY:
		return (r->has_category ? r->category : NULL);
	default:
		return (r->has_month ? r->month : NULL);
	}
}

/* Orders groups by the keys as given; cases without a school go last. */
static int
stats_cmp(const void *a, const void *b, void *arg)
{
	const struct stats_set	*set = arg;
	const char		*va, *vb;
	int			 i, c;

	for (i = 0; i < set->nkeys; i++) {
		va = stats_value(a, set->keys[i]);
		vb = stats_value(b, set->keys[i]);
		if (va == NULL || vb == NULL)
			c = (va == NULL) - (vb == NULL);
		else
			c = strcmp(va, vb);
		if (c != 0)
			return (c);
	}
	return (0);
}

/* A row's count: col 0 the cases, col 1 the urgent ones. */
static int64_t
stats_cell(const struct stats_set *set, size_t i, int col)
{
	return (col == 0 ? set->rows[i].cases : set->rows[i].urgent);
}

static int
stats_is_hidden(const struct stats_set *set, size_t i, int col)
{
	return (set->hide != NULL && set->hide[2 * i + col]);
}

/* Orders row indexes by the keys in set->mask (bits of set->keys[]). */
static int
stats_cmp_mask(const void *a, const void *b, void *arg)
{
	const struct stats_set	*set = arg;
	const struct stats_row	*ra = &set->rows[*(const size_t *)a];
	const struct stats_row	*rb = &set->rows[*(const size_t *)b];
	const char		*va, *vb;
	int			 k, c;

	for (k = 0; k < set->nkeys; k++) {
		if ((set->mask & (1 << k)) == 0)
			continue;
		va = stats_value(ra, set->keys[k]);
		vb = stats_value(rb, set->keys[k]);
		if (va == NULL || vb == NULL)
			c = (va == NULL) - (vb == NULL);
		else
			c = strcmp(va, vb);
		if (c != 0)
			return (c);
	}
	return (0);
}

/*
 * One pass over the groups of rows that share the keys in mask: where a
 * group has exactly one hidden count in column col, hides its smallest
 * visible non-zero count.  Returns 1 when it hid anything.
 */
static int
stats_suppress_groups(struct stats_set *set, size_t *idx, int mask, int col)
{
	size_t	 a, b, j, nhid, best;
	int	 changed = 0;

	set->mask = mask;
	for (j = 0; j < set->n; j++)
		idx[j] = j;
	qsort_r(idx, set->n, sizeof(*idx), stats_cmp_mask, set);
	for (a = 0; a < set->n; a = b) {
		for (b = a + 1; b < set->n &&
		    stats_cmp_mask(&idx[a], &idx[b], set) == 0; b++)
			;
		nhid = 0;
		best = set->n;
		for (j = a; j < b; j++) {
			if (stats_is_hidden(set, idx[j], col))
				nhid++;
			else if (stats_cell(set, idx[j], col) > 0 &&
			    (best == set->n || stats_cell(set, idx[j], col) <
			    stats_cell(set, best, col)))
				best = idx[j];
		}
		if (nhid == 1 && best != set->n) {
			set->hide[2 * best + col] = 1;
			changed = 1;
		}
	}
	return (changed);
}

/*
 * Decides which counts are hidden: the small ones (0 < count < N), then
 * complementary ones until no group of rows sharing any subset of the keys
 * has a lone hidden count (see the top of this file).
 */
static void
stats_suppress(struct stats_set *set)
{
	size_t	*idx, i;
	int	 col, mask, changed;

	if (set->suppress <= 1 || set->n == 0)
		return;
	set->hide = xcalloc(set->n, 2);
	for (i = 0; i < set->n; i++)
		for (col = 0; col < 2; col++)
			if (stats_cell(set, i, col) > 0 &&
			    stats_cell(set, i, col) < set->suppress)
				set->hide[2 * i + col] = 1;
	idx = xcalloc(set->n, sizeof(*idx));
	do {
		changed = 0;
		for (i = 0; i < set->n; i++)
			if (set->hide[2 * i] && set->rows[i].urgent > 0 &&
			    !set->hide[2 * i + 1]) {
				set->hide[2 * i + 1] = 1;
				changed = 1;
			}
		/* Every proper subset of the keys: the full set is a row. */
		for (col = 0; col < 2; col++)
			for (mask = 0; mask < (1 << set->nkeys) - 1; mask++)
				changed |= stats_suppress_groups(set, idx,
				    mask, col);
	} while (changed);
	free(idx);
}

/*
 * The columns s takes on a terminal: precomposed and combining Vietnamese
 * letters are one column each however many bytes they take; a byte that
 * is not UTF-8 counts as one.
 */
static size_t
stats_width(const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t	 len = strlen(s), n;
	utf8proc_int32_t	 c;
	size_t			 w = 0;
	int			 cw;

	while (len > 0) {
		if ((n = utf8proc_iterate(p, len, &c)) <= 0) {
			n = 1;
			w++;
		} else if ((cw = utf8proc_charwidth(c)) > 0)
			w += (size_t)cw;
		p += n;
		len -= n;
	}
	return (w);
}

/* Prints s padded with spaces to w columns, on the left or the right. */
static void
stats_pad(const char *s, size_t w, int right)
{
	size_t	 sw = stats_width(s);

	if (right)
		printf("%*s", (int)(w > sw ? w - sw : 0), "");
	fputs(s, stdout);
	if (!right)
		printf("%*s", (int)(w > sw ? w - sw : 0), "");
}

/* Formats a row's count (col 0 cases, 1 urgent), "x" when hidden. */
static void
stats_count(const struct stats_set *set, size_t i, int col, char *buf,
    size_t bufsz)
{
	if (stats_is_hidden(set, i, col))
		(void)strlcpy_checked(buf, STATS_HIDDEN, bufsz);
	else
		(void)snprintf(buf, bufsz, "%lld",
		    (long long)stats_cell(set, i, col));
}

static void
stats_print_table(const struct stats_set *set)
{
	size_t		 w[STATS_NKEYS + 2], len, i;
	const char	*v;
	char		 cell[2][STATS_CELL];
	int		 k;

	for (k = 0; k < set->nkeys; k++)
		w[k] = strlen(set->keys[k]->name);
	w[set->nkeys] = strlen("cases");
	w[set->nkeys + 1] = strlen("urgent");
	for (i = 0; i < set->n; i++) {
		for (k = 0; k < set->nkeys; k++) {
			v = stats_value(&set->rows[i], set->keys[k]);
			if ((len = stats_width(v != NULL ? v : "-")) > w[k])
				w[k] = len;
		}
		for (k = 0; k < 2; k++) {
			stats_count(set, i, k, cell[k], sizeof(cell[k]));
			if ((len = strlen(cell[k])) > w[set->nkeys + k])
				w[set->nkeys + k] = len;
		}
	}
	for (k = 0; k < set->nkeys; k++) {
		stats_pad(set->keys[k]->name, w[k], 0);
		fputs("  ", stdout);
	}
	printf("%*s  %*s\n", (int)w[set->nkeys], "cases",
	    (int)w[set->nkeys + 1], "urgent");
	for (i = 0; i < set->n; i++) {
		for (k = 0; k < set->nkeys; k++) {
			v = stats_value(&set->rows[i], set->keys[k]);
			stats_pad(v != NULL ? v : "-", w[k], 0);
			fputs("  ", stdout);
		}
		stats_count(set, i, 0, cell[0], sizeof(cell[0]));
		stats_count(set, i, 1, cell[1], sizeof(cell[1]));
		printf("%*s  %*s\n", (int)w[set->nkeys], cell[0],
		    (int)w[set->nkeys + 1], cell[1]);
	}
	/* The total is district-wide: it names no school, so never hidden. */
	printf("total %lld\n", (long long)set->total);
}

/* Writes one CSV field, quoted only when it holds , " CR or LF. */
static void
stats_csv_field(const char *v, int first)
{
	const char	*p;

	if (!first)
		putchar(',');
	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, stdout);
		return;
	}
	putchar('"');
	for (p = v; *p != '\0'; p++) {
		if (*p == '"')
			putchar('"');
		putchar(*p);
	}
	putchar('"');
}

static void
stats_print_csv(const struct stats_set *set)
{
	const char	*v;
	char		 cell[STATS_CELL];
	size_t		 i;
	int		 k;

	for (k = 0; k < set->nkeys; k++)
		stats_csv_field(set->keys[k]->name, k == 0);
	stats_csv_field("cases", 0);
	stats_csv_field("urgent", 0);
	fputs("\r\n", stdout);
	for (i = 0; i < set->n; i++) {
		for (k = 0; k < set->nkeys; k++) {
			v = stats_value(&set->rows[i], set->keys[k]);
			stats_csv_field(v != NULL ? v : "-", k == 0);
		}
		stats_count(set, i, 0, cell, sizeof(cell));
		stats_csv_field(cell, 0);
		stats_count(set, i, 1, cell, sizeof(cell));
		stats_csv_field(cell, 0);
		fputs("\r\n", stdout);
	}
	/* District-wide, never hidden; the other key columns stay empty. */
	stats_csv_field("total", 1);
	for (k = 1; k < set->nkeys; k++)
		stats_csv_field("", 0);
	(void)snprintf(cell, sizeof(cell), "%lld", (long long)set->total);
	stats_csv_field(cell, 0);
	stats_csv_field("", 0);
	fputs("\r\n", stdout);
}

/* A count for JSON: a number, or the string "x" when hidden. */
static json_t *
stats_json_count(const struct stats_set *set, size_t i, int col)
{
	if (stats_is_hidden(set, i, col))
		return (json_string(STATS_HIDDEN));
	return (json_integer((json_int_t)stats_cell(set, i, col)));
}

static int
stats_print_json(const struct stats_set *set)
{
	json_t		*doc, *groups, *g;
	const char	*v;
	char		*s;
	size_t		 i;
	int		 k;

	groups = json_array();
	for (i = 0; i < set->n; i++) {
		g = json_object();
		for (k = 0; k < set->nkeys; k++) {
			v = stats_value(&set->rows[i], set->keys[k]);
			json_object_set_new(g, set->keys[k]->name,
			    v != NULL ? json_string(v) : json_null());
		}
		json_object_set_new(g, "cases", stats_json_count(set, i, 0));
		json_object_set_new(g, "urgent", stats_json_count(set, i, 1));
		json_array_append_new(groups, g);
	}
	doc = json_object();
	json_object_set_new(doc, "groups", groups);
	/* The total is district-wide: it names no school, so never hidden. */
	json_object_set_new(doc, "total", json_integer((json_int_t)set->total));
	s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (s == NULL)
		return (-1);
	printf("%s\n", s);
	free(s);
	return (0);
}

static int
stats_usage(const char *what, const char *arg)
{
	if (what != NULL)
		fprintf(stderr, "tinbao stats: %s%s%s\n", what,
		    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	else
		fprintf(stderr, "usage: tinbao stats --from DATE --to DATE "
		    "[--by school,category,month] [--format table|csv|json] "
		    "[--suppress N]\n");
	return (2);
}

/* Runs `tinbao stats`. */
int
cmd_stats(struct config *conf, int argc, char **argv)
{
	struct store		*st;
	struct stats_set	 set;
	enum stats_format	 fmt = STATS_TABLE;
	int64_t			 from = 0, to = 0, from_end, to_start;
	const char		*from_arg = NULL, *to_arg = NULL;
	int			 i, by, n, ret = 0;

	memset(&set, 0, sizeof(set));
	set.keys[0] = &stats_keys[1];		/* category */
	set.nkeys = 1;
	by = STATS_BY_CATEGORY;
	for (i = 0; i < argc; i++) {
		if (i + 1 >= argc)
			return (stats_usage(NULL, NULL));
		if (strcmp(argv[i], "--from") == 0)
			from_arg = argv[++i];
		else if (strcmp(argv[i], "--to") == 0)
			to_arg = argv[++i];
		else if (strcmp(argv[i], "--by") == 0) {
			if (stats_parse_by(argv[++i], &set, &by) == -1)
				return (stats_usage("--by: a list of school, "
				    "category and month, each once", argv[i]));
		} else if (strcmp(argv[i], "--format") == 0) {
			if (stats_parse_format(argv[++i], &fmt) == -1)
				return (stats_usage("--format: table, csv or "
				    "json", argv[i]));
		} else if (strcmp(argv[i], "--suppress") == 0) {
			if (stats_parse_suppress(argv[++i], &set.suppress) ==
			    -1)
				return (stats_usage("--suppress: a whole "
				    "number from 0 to 1000000", argv[i]));
		} else
			return (stats_usage(NULL, NULL));
	}
	if (from_arg == NULL || to_arg == NULL)
		return (stats_usage("--from and --to are required", NULL));
	if (stats_parse_day(from_arg, &from, &from_end) == -1)
		return (stats_usage("--from: bad date (YYYY-MM-DD)", from_arg));
	/* --to includes its whole day: the range ends at the next midnight. */
	if (stats_parse_day(to_arg, &to_start, &to) == -1)
		return (stats_usage("--to: bad date (YYYY-MM-DD)", to_arg));
	if (from > to_start)
		return (stats_usage("--from is after --to", NULL));

	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (1);
	}
	n = store_stats_groups(st, from, to, by, stats_collect_cb, &set);
	store_close(st);
	if (n == -1) {
		free(set.rows);
		return (1);
	}
	if (set.n > 1)
		qsort_r(set.rows, set.n, sizeof(*set.rows), stats_cmp, &set);
	stats_suppress(&set);
	switch (fmt) {
	case STATS_TABLE:
		stats_print_table(&set);
		break;
	case STATS_CSV:
		stats_print_csv(&set);
		break;
	case STATS_JSON:
		if (stats_print_json(&set) == -1)
			ret = 1;
		break;
	}
	free(set.rows);
	free(set.hide);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "tinbao stats: stdout: %s\n", strerror(errno));
		ret = 1;
	}
	return (ret);
}
