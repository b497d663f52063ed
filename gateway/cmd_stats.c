/*
 * tinbao: `tinbao stats`, counts of cases for the district's reports, as
 * an aligned table (padded by display width: Vietnamese school names),
 * RFC 4180 CSV or one JSON document.  The counting, the sorting and the
 * small-count suppression (see the top of stats.c) are stats.c's; this
 * file reads the arguments and prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinbao.h"

#define STATS_CELL		32	/* a count or "x" */

enum stats_format {
	STATS_TABLE,
	STATS_CSV,
	STATS_JSON,
};

static const char *stats_formats[] = {
	[STATS_TABLE] = "table",
	[STATS_CSV] = "csv",
	[STATS_JSON] = "json",
};

static int	stats_parse_format(const char *, enum stats_format *);
static void	stats_pad(const char *, size_t, int);
static void	stats_print_table(const struct stats_set *);
static int	stats_print_json(const struct stats_set *);
static int	stats_usage(const char *, const char *);

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

static int
stats_print_json(const struct stats_set *set)
{
	json_t	*doc = stats_json(set);
	char	*s;

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
	int			 i, n, ret = 0;

	stats_init(&set);
	for (i = 0; i < argc; i++) {
		if (i + 1 >= argc)
			return (stats_usage(NULL, NULL));
		if (strcmp(argv[i], "--from") == 0)
			from_arg = argv[++i];
		else if (strcmp(argv[i], "--to") == 0)
			to_arg = argv[++i];
		else if (strcmp(argv[i], "--by") == 0) {
			if (stats_parse_by(argv[++i], &set) == -1)
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
	n = stats_load(&set, st, from, to);
	store_close(st);
	if (n == -1) {
		stats_free(&set);
		return (1);
	}
	switch (fmt) {
	case STATS_TABLE:
		stats_print_table(&set);
		break;
	case STATS_CSV:
		stats_write_csv(&set, stdout);
		break;
	case STATS_JSON:
		if (stats_print_json(&set) == -1)
			ret = 1;
		break;
	}
	stats_free(&set);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "tinbao stats: stdout: %s\n", strerror(errno));
		ret = 1;
	}
	return (ret);
}
