/*
 * tinbao: `tinbao report`, the periodic report upward (SPEC section 11)
 * as printable HTML, CSV for Excel or an XLSX workbook.  The period,
 * the tables and the suppression are report.c's; this file reads the
 * arguments and writes the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"

enum report_format {
	REPORT_HTML,
	REPORT_CSV,
	REPORT_XLSX,
};

static int	report_usage(const char *, const char *);
static int	report_args(int, char **, struct report *, const char **,
		    const char **, const char **, enum report_format *,
		    const char **);
static int	report_output(const struct report *, enum report_format,
		    const char *);

static int
report_usage(const char *what, const char *arg)
{
	if (what != NULL)
		fprintf(stderr, "tinbao report: %s%s%s\n", what,
		    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	else
		fprintf(stderr, "usage: tinbao report --from DATE --to DATE | "
		    "--period 2026-01|2026-HK1|2025-2026 [--format "
		    "html|csv|xlsx] [-o FILE] [--suppress N] [--date DATE]\n");
	return (2);
}

/* Reads the options; returns 0, or 2 after the usage line. */
static int
report_args(int argc, char **argv, struct report *rep, const char **period,
    const char **from, const char **to, enum report_format *fmt,
    const char **out)
{
	int64_t	 a, b;
	int	 i;

	for (i = 0; i < argc; i++) {
		if (i + 1 >= argc)
			return (report_usage(NULL, NULL));
		if (strcmp(argv[i], "--from") == 0)
			*from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0)
			*to = argv[++i];
		else if (strcmp(argv[i], "--period") == 0)
			*period = argv[++i];
		else if (strcmp(argv[i], "-o") == 0)
			*out = argv[++i];
		else if (strcmp(argv[i], "--format") == 0) {
			i++;
			if (strcmp(argv[i], "html") == 0)
				*fmt = REPORT_HTML;
			else if (strcmp(argv[i], "csv") == 0)
				*fmt = REPORT_CSV;
			else if (strcmp(argv[i], "xlsx") == 0)
				*fmt = REPORT_XLSX;
			else
				return (report_usage("--format: html, csv or "
				    "xlsx", argv[i]));
		} else if (strcmp(argv[i], "--suppress") == 0) {
			if (stats_parse_suppress(argv[++i], &rep->suppress) ==
			    -1)
				return (report_usage("--suppress: a whole "
				    "number from 0 to 1000000", argv[i]));
		} else if (strcmp(argv[i], "--date") == 0) {
			if (stats_parse_day(argv[++i], &a, &b) == -1)
				return (report_usage("--date: bad date "
				    "(YYYY-MM-DD)", argv[i]));
			(void)strlcpy_checked(rep->date, argv[i],
			    sizeof(rep->date));
		} else
			return (report_usage(NULL, NULL));
	}
	if ((*period != NULL) == (*from != NULL || *to != NULL))
		return (report_usage("either --period, or --from and --to",
		    NULL));
	if (*fmt == REPORT_XLSX && *out == NULL)
		return (report_usage("--format xlsx needs -o FILE", NULL));
	return (0);
}

/* Writes the report in its format to out (stdout when NULL). */
static int
report_output(const struct report *rep, enum report_format fmt,
    const char *out)
{
	FILE	*f = stdout;

	if (fmt == REPORT_XLSX)
		return (report_write_xlsx(rep, out));
	if (out != NULL && (f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "tinbao report: %s: %s\n", out,
		    strerror(errno));
		return (-1);
	}
	if (fmt == REPORT_CSV)
		report_write_csv(rep, f);
	else
		report_write_html(rep, f, 1);
	if (fflush(f) == EOF || ferror(f) || (f != stdout && fclose(f) ==
	    EOF)) {
		fprintf(stderr, "tinbao report: %s: %s\n", out != NULL ? out :
		    "stdout", strerror(errno));
		return (-1);
	}
	return (0);
}

/* Runs `tinbao report`. */
int
cmd_report(struct config *conf, int argc, char **argv)
{
	struct report		 rep;
	struct store		*st;
	enum report_format	 fmt = REPORT_HTML;
	const char		*period = NULL, *from = NULL, *to = NULL;
	const char		*out = NULL;
	char			 why[128];
	time_t			 now = time(NULL);
	struct tm		 tm;
	int			 r;

	memset(&rep, 0, sizeof(rep));
	rep.suppress = conf->report_suppress;
	localtime_r(&now, &tm);
	(void)strftime(rep.date, sizeof(rep.date), "%Y-%m-%d", &tm);
	if ((r = report_args(argc, argv, &rep, &period, &from, &to, &fmt,
	    &out)) != 0)
		return (r);
	if (report_period(conf, period, from, to, &rep, why, sizeof(why)) ==
	    -1)
		return (report_usage(why, NULL));
	(void)strlcpy_checked(rep.district, conf->district != NULL ?
	    conf->district : "", sizeof(rep.district));

	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (1);
	}
	r = report_load(&rep, st);
	store_close(st);
	if (r == -1) {
		report_free(&rep);
		return (1);
	}
	r = report_output(&rep, fmt, out);
	report_free(&rep);
	return (r == -1 ? 1 : 0);
}
