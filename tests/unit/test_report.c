/*
 * tinbao: unit tests for the pure parts of the reporting regime: the
 * report's periods and previous periods (report.c), the suppression of a
 * grid of counts (stats.c's stats_grid_suppress, which the report uses),
 * quiet hours (broadcast.c) and the plans' school years and deadlines
 * (plans.c).  No database.  Local time is UTC+7 without DST (TZ=ICT-7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tinbao.h"

static struct config	 conf;

static void	 expect_period(const char *, const char *, const char *,
		    const char *, const char *, const char *);
static int64_t	 at(const char *);
static const char *grid_key(const void *, size_t, int);
static int64_t	 grid_cell(const void *, size_t, int);

static int64_t
at(const char *s)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(s, "%Y-%m-%d %H:%M", &tm));
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm));
}

/* A period and the range and previous range it must give. */
static void
expect_period(const char *period, const char *from, const char *to,
    const char *pfrom, const char *pto, const char *label)
{
	struct report	 rep;
	char		 why[128];

	memset(&rep, 0, sizeof(rep));
	if (report_period(&conf, period, NULL, NULL, &rep, why,
	    sizeof(why)) != 0)
		fail_msg("%s refused: %s", period, why);
	assert_string_equal(rep.from, from);
	assert_string_equal(rep.to, to);
	assert_string_equal(rep.prev_from, pfrom);
	assert_string_equal(rep.prev_to, pto);
	assert_string_equal(rep.period, label);
	assert_true(rep.t_from < rep.t_to);
	/* The previous period ends before this one begins. */
	assert_true(rep.p_from < rep.p_to && rep.p_to <= rep.t_from);
}

static void
test_periods(void **state)
{
	struct report	 rep;
	char		 why[128];

	(void)state;
	expect_period("2026-01", "2026-01-01", "2026-01-31", "2025-12-01",
	    "2025-12-31", "Tháng 01/2026");
	expect_period("2024-03", "2024-03-01", "2024-03-31", "2024-02-01",
	    "2024-02-29", "Tháng 03/2024");
	expect_period("2026-HK1", "2026-09-01", "2027-01-15", "2026-01-16",
	    "2026-05-31", "Học kỳ I năm học 2026-2027");
	expect_period("2026-HK2", "2026-01-16", "2026-05-31", "2025-09-01",
	    "2026-01-15", "Học kỳ II năm học 2025-2026");
	expect_period("2025-2026", "2025-09-01", "2026-05-31", "2024-09-01",
	    "2025-05-31", "Năm học 2025-2026");
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(report_period(&conf, NULL, "2026-10-01", "2026-10-10",
	    &rep, why, sizeof(why)), 0);
	assert_string_equal(rep.prev_from, "2026-09-21");
	assert_string_equal(rep.prev_to, "2026-09-30");
	/* The range is whole local days: [from 00:00, to + 1 day 00:00). */
	assert_int_equal(rep.t_from, at("2026-10-01 00:00"));
	assert_int_equal(rep.t_to, at("2026-10-11 00:00"));
	assert_int_equal(report_period(&conf, "2026-13", NULL, NULL, &rep, why,
	    sizeof(why)), -1);
	assert_int_equal(report_period(&conf, "2026-HK3", NULL, NULL, &rep,
	    why, sizeof(why)), -1);
	assert_int_equal(report_period(&conf, "2025-2027", NULL, NULL, &rep,
	    why, sizeof(why)), -1);
	assert_int_equal(report_period(&conf, NULL, "2026-10-10", "2026-10-01",
	    &rep, why, sizeof(why)), -1);
	assert_int_equal(report_check_mmdd("02-29", why, sizeof(why)), 0);
	assert_int_equal(report_check_mmdd("02-30", why, sizeof(why)), -1);
	assert_int_equal(report_check_mmdd("2-5", why, sizeof(why)), -1);
}

/* A grid: rows of (school, category) with counts (cases, urgent). */
static const struct {
	const char	*school, *category;
	int64_t		 n[2];
} grid_rows[] = {
	{ "A", "x", { 10, 1 } },
	{ "A", "y", { 2, 0 } },
	{ "B", "x", { 7, 0 } },
	{ "B", "y", { 8, 0 } },
};

static const char *
grid_key(const void *arg, size_t i, int k)
{
	(void)arg;
	return (k == 0 ? grid_rows[i].school : grid_rows[i].category);
}

static int64_t
grid_cell(const void *arg, size_t i, int col)
{
	(void)arg;
	return (grid_rows[i].n[col]);
}

static void
test_grid(void **state)
{
	struct stats_grid	 g = {
		.n = 4, .nkeys = 2, .ncols = 2, .key = grid_key,
		.cell = grid_cell, .suppress = 3,
	};

	(void)state;
	stats_grid_suppress(&g);
	/* A/y's 2 is small; A's and y's margins would give it back, so the
	 * smallest other counts of those groups go too: A/x and B/y, then
	 * B/x for B's margin.  A/x's urgent 1 is small. */
	assert_int_equal(g.hide[2 * 1], 1);
	assert_int_equal(g.hide[2 * 0], 1);
	assert_int_equal(g.hide[2 * 0 + 1], 1);
	assert_int_equal(g.hide[2 * 3], 1);
	assert_int_equal(g.hide[2 * 2], 1);
	free(g.hide);
	/* No threshold: nothing hidden. */
	g.suppress = 0;
	g.hide = NULL;
	stats_grid_suppress(&g);
	assert_int_equal(g.hide[0] + g.hide[2] + g.hide[4] + g.hide[6], 0);
	free(g.hide);
}

static void
test_quiet(void **state)
{
	char	 why[64];

	(void)state;
	assert_int_equal(broadcast_check_quiet("21:00-06:30", why,
	    sizeof(why)), 0);
	assert_int_equal(broadcast_check_quiet("21:00-21:00", why,
	    sizeof(why)), -1);
	assert_int_equal(broadcast_check_quiet("25:00-06:30", why,
	    sizeof(why)), -1);
	assert_int_equal(broadcast_check_quiet("21:00", why, sizeof(why)), -1);
	/* Across midnight. */
	assert_int_equal(broadcast_quiet_end("21:00-06:30",
	    at("2026-12-06 20:59")), at("2026-12-06 20:59"));
	assert_int_equal(broadcast_quiet_end("21:00-06:30",
	    at("2026-12-06 21:00")), at("2026-12-07 06:30"));
	assert_int_equal(broadcast_quiet_end("21:00-06:30",
	    at("2026-12-07 03:00")), at("2026-12-07 06:30"));
	assert_int_equal(broadcast_quiet_end("21:00-06:30",
	    at("2026-12-07 06:30")), at("2026-12-07 06:30"));
	/* Within a day. */
	assert_int_equal(broadcast_quiet_end("11:30-13:30",
	    at("2026-12-07 12:00")), at("2026-12-07 13:30"));
	assert_int_equal(broadcast_quiet_end("11:30-13:30",
	    at("2026-12-07 14:00")), at("2026-12-07 14:00"));
}

static void
test_plans(void **state)
{
	char		 year[16];
	struct plan	 p;

	(void)state;
	assert_int_equal(plans_year(at("2026-09-01 00:00"), year,
	    sizeof(year)), 0);
	assert_string_equal(year, "2026-2027");
	assert_int_equal(plans_year(at("2026-08-31 23:59"), year,
	    sizeof(year)), 0);
	assert_string_equal(year, "2025-2026");
	assert_int_equal(plans_deadline(&conf, "2025-2026"),
	    at("2026-02-06 00:00"));
	assert_int_equal(plans_deadline(&conf, "2025-2027"), -1);
	memset(&p, 0, sizeof(p));
	(void)strlcpy_checked(p.year, "2025-2026", sizeof(p.year));
	assert_int_equal(plans_is_late(&conf, &p, at("2026-02-05 23:59")), 0);
	assert_int_equal(plans_is_late(&conf, &p, at("2026-02-06 00:00")), 1);
	p.received_at = at("2026-02-07 09:00");
	assert_int_equal(plans_is_late(&conf, &p, at("2026-02-10 00:00")), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_plans),
	};

	setenv("TZ", "ICT-7", 1);
	tzset();
	conf.report_hk1_start = (char *)(uintptr_t)"09-01";
	conf.report_hk1_end = (char *)(uintptr_t)"01-15";
	conf.report_hk2_start = (char *)(uintptr_t)"01-16";
	conf.report_hk2_end = (char *)(uintptr_t)"05-31";
	conf.plans_deadline = (char *)(uintptr_t)"02-05";
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
