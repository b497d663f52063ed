/*
 * tinbao: counts of cases for the district's reports, with small-count
 * suppression: the engine behind `tinbao stats`, the dashboard's statistics
 * page and CSV export, and the API's /api/v1/stats.
 *
 * Counts the cases created between two local dates (both whole days
 * included), grouped by school, category and month in the order the
 * operator names them, with the number of urgent cases beside each count.
 * This file reads the counts, sorts them, decides what is hidden and
 * writes CSV or JSON; cmd_stats.c adds the aligned table.  Callers only
 * ever see counts (store_stats.c selects no text), so no
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
#define STATS_CELL		32	/* a count or "x" */

const struct stats_key stats_keys[STATS_NKEYS] = {
	{ .name = "school", .bit = STATS_BY_SCHOOL },
	{ .name = "category", .bit = STATS_BY_CATEGORY },
	{ .name = "month", .bit = STATS_BY_MONTH },
};

static int	stats_collect_cb(const struct stats_row *, void *);
static int	stats_cmp(const void *, const void *, void *);
static int	stats_cmp_mask(const void *, const void *, void *);
static int	stats_suppress_groups(struct stats_grid *, size_t *, int, int);
static const char *stats_set_key(const void *, size_t, int);
static int64_t	stats_set_cell(const void *, size_t, int);
static void	stats_suppress(struct stats_set *);
static void	stats_csv_field(FILE *, const char *, int);
static json_t	*stats_json_count(const struct stats_set *, size_t, int);

/*
 * Parses YYYY-MM-DD as a local date: the first second of that day in
 * *start and the first second of the next day in *end.  Only that exact
 * form is accepted, and a day that does not exist (2026-02-30) is refused
 * rather than silently carried into the next month by mktime.
 */
int
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
int
stats_parse_by(const char *arg, struct stats_set *set)
{
	const char	*p = arg, *comma;
	size_t		 len;
	int		 i;

	int		*by = &set->by;

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

int
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
const char *
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
int64_t
stats_cell(const struct stats_set *set, size_t i, int col)
{
	return (col == 0 ? set->rows[i].cases : set->rows[i].urgent);
}

int
stats_is_hidden(const struct stats_set *set, size_t i, int col)
{
	return (set->hide != NULL && set->hide[2 * i + col]);
}

/* Orders row indexes by the grid's keys in g->mask (bit k: key k). */
static int
stats_cmp_mask(const void *a, const void *b, void *arg)
{
	const struct stats_grid	*g = arg;
	size_t			 ia = *(const size_t *)a, ib = *(const size_t *)b;
	const char		*va, *vb;
	int			 k, c;

	for (k = 0; k < g->nkeys; k++) {
		if ((g->mask & (1 << k)) == 0)
			continue;
		va = g->key(g->arg, ia, k);
		vb = g->key(g->arg, ib, k);
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
stats_suppress_groups(struct stats_grid *g, size_t *idx, int mask, int col)
{
	size_t	 a, b, j, nhid, best;
	int64_t	 v, vbest = 0;
	int	 changed = 0;

	g->mask = mask;
	for (j = 0; j < g->n; j++)
		idx[j] = j;
	qsort_r(idx, g->n, sizeof(*idx), stats_cmp_mask, g);
	for (a = 0; a < g->n; a = b) {
		for (b = a + 1; b < g->n &&
		    stats_cmp_mask(&idx[a], &idx[b], g) == 0; b++)
			;
		nhid = 0;
		best = g->n;
		for (j = a; j < b; j++) {
			v = g->cell(g->arg, idx[j], col);
			if (g->hide[g->ncols * idx[j] + col])
				nhid++;
			else if (v > 0 && (best == g->n || v < vbest)) {
				best = idx[j];
				vbest = v;
			}
		}
		if (nhid == 1 && best != g->n) {
			g->hide[g->ncols * best + col] = 1;
			changed = 1;
		}
	}
	return (changed);
}

/*
 * Decides which counts of a grid are hidden (g->hide, ncols per row): the
 * small ones (0 < count < suppress), then complementary ones until no
 * group of rows sharing any subset of the keys has a lone hidden count
 * (see the top of this file).  Column 0 is the rows' case count and every
 * other column counts a part of those cases (urgent, acknowledged,
 * closed), so a hidden column 0 hides the row's other non-zero counts:
 * they would bound it.  The tables of `tinbao stats` and `tinbao report`
 * both go through here.
 */
void
stats_grid_suppress(struct stats_grid *g)
{
	size_t	*idx, i;
	int	 col, mask, changed;

	g->hide = xcalloc(g->n > 0 ? g->n : 1, (size_t)g->ncols);
	if (g->suppress <= 1 || g->n == 0)
		return;
	for (i = 0; i < g->n; i++)
		for (col = 0; col < g->ncols; col++)
			if (g->cell(g->arg, i, col) > 0 &&
			    g->cell(g->arg, i, col) < g->suppress)
				g->hide[g->ncols * i + col] = 1;
	idx = xcalloc(g->n, sizeof(*idx));
	do {
		changed = 0;
		for (i = 0; i < g->n; i++)
			for (col = 1; col < g->ncols; col++)
				if (g->hide[g->ncols * i] &&
				    g->cell(g->arg, i, col) > 0 &&
				    !g->hide[g->ncols * i + col]) {
					g->hide[g->ncols * i + col] = 1;
					changed = 1;
				}
		/* Every proper subset of the keys: the full set is a row. */
		for (col = 0; col < g->ncols; col++)
			for (mask = 0; mask < (1 << g->nkeys) - 1; mask++)
				changed |= stats_suppress_groups(g, idx,
				    mask, col);
	} while (changed);
	free(idx);
}

static const char *
stats_set_key(const void *arg, size_t i, int k)
{
	const struct stats_set	*set = arg;

	return (stats_value(&set->rows[i], set->keys[k]));
}

static int64_t
stats_set_cell(const void *arg, size_t i, int col)
{
	return (stats_cell(arg, i, col));
}

/* Decides which of a set's counts are hidden, through its grid. */
static void
stats_suppress(struct stats_set *set)
{
	struct stats_grid	 g = {
		.n = set->n, .nkeys = set->nkeys, .ncols = 2,
		.key = stats_set_key, .cell = stats_set_cell, .arg = set,
		.suppress = set->suppress,
	};

	if (set->suppress <= 1 || set->n == 0)
		return;
	stats_grid_suppress(&g);
	set->hide = g.hide;
}

/*
 * The columns s takes on a terminal: precomposed and combining Vietnamese
 * letters are one column each however many bytes they take; a byte that
 * is not UTF-8 counts as one.
 */
size_t
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

/* Formats a row's count (col 0 cases, 1 urgent), "x" when hidden. */
void
stats_count(const struct stats_set *set, size_t i, int col, char *buf,
    size_t bufsz)
{
	if (stats_is_hidden(set, i, col))
		(void)strlcpy_checked(buf, STATS_HIDDEN, bufsz);
	else
		(void)snprintf(buf, bufsz, "%lld",
		    (long long)stats_cell(set, i, col));
}

/* Writes one CSV field, quoted only when it holds , " CR or LF. */
static void
stats_csv_field(FILE *f, const char *v, int first)
{
	const char	*p;

	if (!first)
		putc(',', f);
	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, f);
		return;
	}
	putc('"', f);
	for (p = v; *p != '\0'; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	putc('"', f);
}

/* Writes the groups and the total as RFC 4180 CSV (CRLF) to f. */
void
stats_write_csv(const struct stats_set *set, FILE *f)
{
	const char	*v;
	char		 cell[STATS_CELL];
	size_t		 i;
	int		 k;

	for (k = 0; k < set->nkeys; k++)
		stats_csv_field(f, set->keys[k]->name, k == 0);
	stats_csv_field(f, "cases", 0);
	stats_csv_field(f, "urgent", 0);
	fputs("\r\n", f);
	for (i = 0; i < set->n; i++) {
		for (k = 0; k < set->nkeys; k++) {
			v = stats_value(&set->rows[i], set->keys[k]);
			stats_csv_field(f, v != NULL ? v : "-", k == 0);
		}
		stats_count(set, i, 0, cell, sizeof(cell));
		stats_csv_field(f, cell, 0);
		stats_count(set, i, 1, cell, sizeof(cell));
		stats_csv_field(f, cell, 0);
		fputs("\r\n", f);
	}
	/* District-wide, never hidden; the other key columns stay empty. */
	stats_csv_field(f, "total", 1);
	for (k = 1; k < set->nkeys; k++)
		stats_csv_field(f, "", 0);
	(void)snprintf(cell, sizeof(cell), "%lld", (long long)set->total);
	stats_csv_field(f, cell, 0);
	stats_csv_field(f, "", 0);
	fputs("\r\n", f);
}

/* A count for JSON: a number, or the string "x" when hidden. */
static json_t *
stats_json_count(const struct stats_set *set, size_t i, int col)
{
	if (stats_is_hidden(set, i, col))
		return (json_string(STATS_HIDDEN));
	return (json_integer((json_int_t)stats_cell(set, i, col)));
}

/*
 * Returns the groups and the total as a JSON document: {"groups": [{KEY:
 * value, ..., "cases": n, "urgent": n}], "total": n}, a hidden count being
 * the string "x".
 */
json_t *
stats_json(const struct stats_set *set)
{
	json_t		*doc, *groups, *g;
	const char	*v;
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
	return (doc);
}

/* Starts an empty set grouped by category, nothing hidden. */
void
stats_init(struct stats_set *set)
{
	memset(set, 0, sizeof(*set));
	set->keys[0] = &stats_keys[1];		/* category */
	set->nkeys = 1;
	set->by = STATS_BY_CATEGORY;
}

/*
 * Reads the counts of cases created in [from, to) grouped by set's keys,
 * sorts them and decides what set->suppress hides.  Returns 0 or -1.
 */
int
stats_load(struct stats_set *set, struct store *st, int64_t from, int64_t to)
{
	if (store_stats_groups(st, from, to, set->by, stats_collect_cb,
	    set) == -1)
		return (-1);
	if (set->n > 1)
		qsort_r(set->rows, set->n, sizeof(*set->rows), stats_cmp, set);
	stats_suppress(set);
	return (0);
}

/* Frees what stats_load read. */
void
stats_free(struct stats_set *set)
{
	free(set->rows);
	free(set->hide);
	set->rows = NULL;
	set->hide = NULL;
	set->n = set->cap = 0;
	set->total = 0;
}
