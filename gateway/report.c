/*
 * tinbao: the periodic report the Bureau sends upward (SPEC section 11):
 * for a month, a semester, a school year or any range of days, the cases
 * by category, by commune, by school and by school and category, each
 * with the urgent ones, how many were acknowledged and closed, the median
 * time to the first acknowledgement and the change against the previous
 * period of the same length.  `tinbao report` (cmd_report.c) and the
 * dashboard (web_report.c) both build it here; this file writes the CSV
 * and the printable HTML, report_xlsx.c the workbook.
 *
 * Periods: `2026-01` a month; `2026-HK1` the first semester that starts
 * in 2026 (1 Sep 2026 to 15 Jan 2027 by default), `2026-HK2` the second
 * semester that starts in 2026 (16 Jan to 31 May 2026), both from
 * `[report]`; `2025-2026` the school year from the first day of HK1 to
 * the last of HK2.  The previous period is the previous month, the other
 * semester before it, the previous school year, or for --from/--to the
 * same number of days just before.
 *
 * Suppression is stats.c's (stats_grid_suppress), table by table: a count
 * of cases between 1 and N-1 is "x", its urgent, acknowledged and closed
 * counts and its median with it, and complementary counts are hidden so
 * that no group of rows sharing a commune, a school or a category has a
 * lone hidden count for a margin to give back.  The previous period's
 * counts are suppressed the same way, and a change is shown only when
 * both its counts are.  The district's totals name no school and are
 * never hidden.  Only counts and times are read (store_report.c): no
 * text, outcome or number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"
#include "category.h"

#define REPORT_MAXROWS	100000

static int	report_day(int, int, int, char *, size_t);
static void	report_ymd_add(int *, int *, int *, int);
static int	report_mmdd(const char *, int *, int *);
static int	report_set_range(struct report *, int, int, int, int, int,
		    int, char *, size_t);
static void	report_set_prev(struct report *, int, int, int, int, int,
		    int);
static struct report_row *report_row_get(struct report_table *,
		    const char *, const char *);
static int	report_school_cb(const char *, const char *, const char *,
		    void *);
static int	report_case_cb(const struct report_case *, void *);
static int	report_prev_cb(const struct report_case *, void *);
static void	report_add(struct report_row *, const struct report_case *);
static int	report_cmp_delay(const void *, const void *);
static void	report_median(struct report_row *);
static int	report_cmp_row(const void *, const void *, void *);
static const char *report_grid_key(const void *, size_t, int);
static int64_t	report_grid_cell(const void *, size_t, int);
static int64_t	report_grid_prev(const void *, size_t, int);
static void	report_suppress(struct report *, enum report_kind);
static void	report_duration(int64_t, char *, size_t);

static void	report_csv_field(FILE *, const char *, int);
static void	report_html_esc(FILE *, const char *);
static void	report_html_table(const struct report *, enum report_kind,
		    FILE *);
static int	report_plan_cb(const struct plan *, void *);
static void	report_html_plans(const struct report *, FILE *);

/* The count columns after the lead ones, as every format heads them. */
const char *const report_cols[REPORT_NSHOWN] = {
	"Số vụ", "Khẩn cấp", "Đã tiếp nhận", "Đã xử lý xong",
	"Thời gian tiếp nhận (trung vị)", "Kỳ trước", "Tăng/giảm",
};

/* Section V: each school's plan for the school year of the period's end. */
const char *const report_plan_cols[REPORT_PLAN_COLS] = {
	"Mã trường", "Trường", "Xã, thị trấn", "Kế hoạch",
	"Hình thức tuyên truyền", "Mô hình",
};
#define REPORT_PLAN_TITLE	"V. Kế hoạch và mô hình của các trường"

static const char *const report_titles[REPORT_NSECTIONS] = {
	[REPORT_BY_CATEGORY] = "I. Theo loại vụ việc",
	[REPORT_BY_COMMUNE] = "II. Theo xã, thị trấn",
	[REPORT_BY_SCHOOL] = "III. Theo trường",
	[REPORT_BY_SCHOOL_CATEGORY] = "IV. Theo trường và loại vụ việc",
};

/* The printed report's stylesheet: the CLI inlines it, the dashboard
 * serves it as /report.css. */
const char report_css[] =
	"@page{size:A4;margin:18mm 15mm}"
	".report{font-family:'Times New Roman','Noto Serif',serif;"
	"font-size:13pt;color:#000;background:#fff;max-width:1000px}"
	".report .head{display:flex;justify-content:space-between;"
	"text-align:center;gap:2em}"
	".report h1{text-align:center;font-size:15pt;margin:1.2em 0 .3em}"
	".report .period{text-align:center;margin:.2em 0 1em}"
	".report h2{font-size:13pt;margin:1em 0 .3em}"
	".report table{border-collapse:collapse;width:100%;margin:.5em 0}"
	".report th,.report td{border:1px solid #000;padding:.2em .4em;"
	"font-size:11pt}"
	".report td.n{text-align:right}"
	".report tr.total td{font-weight:bold}"
	".report .sec+.sec{break-before:page}"
	".report .sign{display:flex;justify-content:space-around;"
	"text-align:center;margin-top:2em;break-inside:avoid}"
	".report .sign div{min-height:8em}"
	".report .note{font-size:10pt;font-style:italic}"
	"@media print{.report{max-width:none}}";

/* Formats a date as YYYY-MM-DD after checking that it exists. */
static int
report_day(int y, int m, int d, char *buf, size_t bufsz)
{
	int64_t	 a, b;

	if (snprintf(buf, bufsz, "%04d-%02d-%02d", y, m, d) >= (int)bufsz)
		return (-1);
	return (stats_parse_day(buf, &a, &b));
}

/* Moves a date by delta days (noon, so no DST edge moves it twice). */
static void
report_ymd_add(int *y, int *m, int *d, int delta)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = *y - 1900;
	tm.tm_mon = *m - 1;
	tm.tm_mday = *d + delta;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	(void)mktime(&tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

/* Parses MM-DD (a day that exists in a leap year). */
static int
report_mmdd(const char *s, int *m, int *d)
{
	char	 buf[16];

	if (strlen(s) != 5 || s[2] != '-' || sscanf(s, "%2d-%2d", m, d) != 2)
		return (-1);
	return (report_day(2024, *m, *d, buf, sizeof(buf)));
}

/* Checks a `[report]` semester boundary, MM-DD. */
int
report_check_mmdd(const char *v, char *why, size_t len)
{
	int	 m, d;

	if (report_mmdd(v, &m, &d) == -1) {
		(void)snprintf(why, len, "expected MM-DD, e.g. 09-01");
		return (-1);
	}
	return (0);
}

/*
 * Sets the report's range from y1-m1-d1 to y2-m2-d2 (both days in) and
 * its previous period, the same number of days just before.
 */
static int
report_set_range(struct report *rep, int y1, int m1, int d1, int y2, int m2,
    int d2, char *why, size_t len)
{
	int64_t	 a, b;
	int	 days, py, pm, pd;

	if (report_day(y1, m1, d1, rep->from, sizeof(rep->from)) == -1 ||
	    report_day(y2, m2, d2, rep->to, sizeof(rep->to)) == -1 ||
	    stats_parse_day(rep->from, &rep->t_from, &a) == -1 ||
	    stats_parse_day(rep->to, &b, &rep->t_to) == -1 ||
	    rep->t_from > b) {
		(void)snprintf(why, len, "bad range %s to %s", rep->from,
		    rep->to);
		return (-1);
	}
	days = (int)((rep->t_to - rep->t_from + 43200) / 86400);
	py = y1, pm = m1, pd = d1;
	report_ymd_add(&py, &pm, &pd, -1);
	(void)report_day(py, pm, pd, rep->prev_to, sizeof(rep->prev_to));
	report_ymd_add(&py, &pm, &pd, -(days - 1));
	(void)report_day(py, pm, pd, rep->prev_from, sizeof(rep->prev_from));
	(void)stats_parse_day(rep->prev_from, &rep->p_from, &a);
	(void)stats_parse_day(rep->prev_to, &b, &rep->p_to);
	return (0);
}

/* Sets the previous period to y1-m1-d1 .. y2-m2-d2, both days in. */
static void
report_set_prev(struct report *rep, int y1, int m1, int d1, int y2, int m2,
    int d2)
{
	int64_t	 a, b;

	(void)report_day(y1, m1, d1, rep->prev_from, sizeof(rep->prev_from));
	(void)report_day(y2, m2, d2, rep->prev_to, sizeof(rep->prev_to));
	(void)stats_parse_day(rep->prev_from, &rep->p_from, &a);
	(void)stats_parse_day(rep->prev_to, &b, &rep->p_to);
}

static int	report_period_range(const struct config *, const char *,
		    const char *, const char *, struct report *, char *, size_t);

/*
 * Fills rep's period, range and previous period from --period, or from
 * --from and --to (YYYY-MM-DD), and the school year whose plans section V
 * shows (that of the period's last day).  Returns -1 with the reason in
 * why.
 */
int
report_period(const struct config *conf, const char *period,
    const char *from, const char *to, struct report *rep, char *why,
    size_t len)
{
	if (report_period_range(conf, period, from, to, rep, why, len) == -1)
		return (-1);
	(void)plans_year(rep->t_to - 1, rep->plans_year,
	    sizeof(rep->plans_year));
	rep->plans_deadline = plans_deadline(conf, rep->plans_year);
	return (0);
}

static int
report_period_range(const struct config *conf, const char *period,
    const char *from, const char *to, struct report *rep, char *why,
    size_t len)
{
	int	 y, y2, m, s1m, s1d, e1m, e1d, s2m, s2d, e2m, e2d, e1y, e2y;
	char	 tail, a[16], b[16];
	int	 py, pm, pd;

	if (report_mmdd(conf->report_hk1_start, &s1m, &s1d) == -1 ||
	    report_mmdd(conf->report_hk1_end, &e1m, &e1d) == -1 ||
	    report_mmdd(conf->report_hk2_start, &s2m, &s2d) == -1 ||
	    report_mmdd(conf->report_hk2_end, &e2m, &e2d) == -1) {
		(void)snprintf(why, len, "bad [report] semester dates");
		return (-1);
	}
	if (period == NULL) {
		if (from == NULL || to == NULL || strlen(from) != 10 ||
		    strlen(to) != 10 || sscanf(from, "%4d-%2d-%2d", &y, &m,
		    &py) != 3 || sscanf(to, "%4d-%2d-%2d", &y2, &pm, &pd) != 3) {
			(void)snprintf(why, len, "--from and --to (YYYY-MM-DD),"
			    " or --period");
			return (-1);
		}
		if (report_set_range(rep, y, m, py, y2, pm, pd, why, len) == -1)
			return (-1);
		report_dmy(rep->from, a, sizeof(a));
		report_dmy(rep->to, b, sizeof(b));
		(void)snprintf(rep->period, sizeof(rep->period),
		    "Từ %s đến %s", a, b);
		return (0);
	}
	/* A semester ends in the year it starts, or in the next. */
	e1y = e1m * 100 + e1d < s1m * 100 + s1d;
	e2y = e2m * 100 + e2d < s2m * 100 + s2d;
	if (strlen(period) == 7 && sscanf(period, "%4d-%2d%c", &y, &m,
	    &tail) == 2 && period[4] == '-' && m >= 1 && m <= 12) {
		py = y, pm = m + 1, pd = 1;
		if (pm == 13)
			py++, pm = 1;
		report_ymd_add(&py, &pm, &pd, -1);
		if (report_set_range(rep, y, m, 1, py, pm, pd, why, len) == -1)
			return (-1);
		/* The previous month, not the same number of days. */
		py = y, pm = m, pd = 1;
		report_ymd_add(&py, &pm, &pd, -1);
		report_set_prev(rep, py, pm, 1, py, pm, pd);
		(void)snprintf(rep->period, sizeof(rep->period),
		    "Tháng %02d/%04d", m, y);
		return (0);
	}
	if (strlen(period) == 8 && sscanf(period, "%4d-HK%1d%c", &y, &m,
	    &tail) == 2 && (m == 1 || m == 2)) {
		if (m == 1) {
			if (report_set_range(rep, y, s1m, s1d, y + e1y, e1m,
			    e1d, why, len) == -1)
				return (-1);
			/* The HK2 before it, of the same school year. */
			report_set_prev(rep, y, s2m, s2d, y + e2y, e2m, e2d);
			(void)snprintf(rep->period, sizeof(rep->period),
			    "Học kỳ I năm học %d-%d", y, y + 1);
		} else {
			if (report_set_range(rep, y, s2m, s2d, y + e2y, e2m,
			    e2d, why, len) == -1)
				return (-1);
			/* The HK1 before it, of the same school year. */
			report_set_prev(rep, y - 1, s1m, s1d, y - 1 + e1y, e1m,
			    e1d);
			(void)snprintf(rep->period, sizeof(rep->period),
			    "Học kỳ II năm học %d-%d", y - 1, y);
		}
		return (0);
	}
	if (strlen(period) == 9 && sscanf(period, "%4d-%4d%c", &y, &y2,
	    &tail) == 2 && y2 == y + 1) {
		if (report_set_range(rep, y, s1m, s1d, y + 1 + (e2y ? 1 : 0),
		    e2m, e2d, why, len) == -1)
			return (-1);
		report_set_prev(rep, y - 1, s1m, s1d, y + (e2y ? 1 : 0), e2m,
		    e2d);
		(void)snprintf(rep->period, sizeof(rep->period),
		    "Năm học %d-%d", y, y2);
		return (0);
	}
	(void)snprintf(why, len, "--period: YYYY-MM, YYYY-HK1, YYYY-HK2 or "
	    "YYYY-YYYY");
	return (-1);
}

/* Writes "dd/mm/yyyy" for YYYY-MM-DD. */
void
report_dmy(const char *ymd, char *buf, size_t bufsz)
{
	(void)snprintf(buf, bufsz, "%.2s/%.2s/%.4s", ymd + 8, ymd + 5, ymd);
}

/* The row of a table with these keys, added (all counts 0) if new. */
static struct report_row *
report_row_get(struct report_table *t, const char *key, const char *key2)
{
	struct report_row	*r;
	size_t			 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].key, key) == 0 &&
		    strcmp(t->rows[i].key2, key2) == 0)
			return (&t->rows[i]);
	if (t->n == REPORT_MAXROWS)
		return (NULL);
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->rows = xreallocarray(t->rows, t->cap, sizeof(*t->rows));
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	(void)strlcpy_checked(r->key, key, sizeof(r->key));
	(void)strlcpy_checked(r->key2, key2, sizeof(r->key2));
	r->median = -1;
	return (r);
}

/* Every school and commune of the directory gets a row, even at zero. */
static int
report_school_cb(const char *code, const char *name, const char *commune,
    void *arg)
{
	struct report		*rep = arg;
	struct report_row	*r;

	if ((r = report_row_get(&rep->sec[REPORT_BY_SCHOOL], code, "")) ==
	    NULL)
		return (-1);
	(void)strlcpy_checked(r->name, name, sizeof(r->name));
	(void)strlcpy_checked(r->commune, commune, sizeof(r->commune));
	if ((r = report_row_get(&rep->sec[REPORT_BY_COMMUNE], commune, "")) ==
	    NULL)
		return (-1);
	(void)strlcpy_checked(r->name, commune, sizeof(r->name));
	return (0);
}

/* Adds one case to a row's counts and acknowledgement delays. */
static void
report_add(struct report_row *r, const struct report_case *c)
{
	r->n[0]++;
	r->n[1] += c->urgent != 0;
	r->n[2] += c->acked != 0;
	r->n[3] += c->closed != 0;
	if (c->ack_at == 0)
		return;
	if (r->ndelays == r->capdelays) {
		r->capdelays = r->capdelays == 0 ? 8 : r->capdelays * 2;
		r->delays = xreallocarray(r->delays, r->capdelays,
		    sizeof(*r->delays));
	}
	r->delays[r->ndelays++] = c->ack_at > c->created_at ?
	    c->ack_at - c->created_at : 0;
}

/* The rows one case counts in: its category, commune, school, both. */
static int
report_case_cb(const struct report_case *c, void *arg)
{
	struct report		*rep = arg;
	struct report_row	*r[REPORT_NSECTIONS];
	int			 k;

	r[REPORT_BY_CATEGORY] = report_row_get(&rep->sec[REPORT_BY_CATEGORY],
	    c->category, "");
	r[REPORT_BY_COMMUNE] = report_row_get(&rep->sec[REPORT_BY_COMMUNE],
	    c->commune, "");
	r[REPORT_BY_SCHOOL] = report_row_get(&rep->sec[REPORT_BY_SCHOOL],
	    c->school, "");
	r[REPORT_BY_SCHOOL_CATEGORY] = report_row_get(
	    &rep->sec[REPORT_BY_SCHOOL_CATEGORY], c->school, c->category);
	for (k = 0; k < REPORT_NSECTIONS; k++) {
		if (r[k] == NULL)
			return (-1);
		report_add(r[k], c);
	}
	report_add(&rep->total, c);
	(void)strlcpy_checked(r[REPORT_BY_SCHOOL]->name, c->school_name,
	    sizeof(r[REPORT_BY_SCHOOL]->name));
	(void)strlcpy_checked(r[REPORT_BY_SCHOOL]->commune, c->commune,
	    sizeof(r[REPORT_BY_SCHOOL]->commune));
	(void)strlcpy_checked(r[REPORT_BY_SCHOOL_CATEGORY]->name,
	    c->school_name, sizeof(r[REPORT_BY_SCHOOL_CATEGORY]->name));
	(void)strlcpy_checked(r[REPORT_BY_SCHOOL_CATEGORY]->commune,
	    c->commune, sizeof(r[REPORT_BY_SCHOOL_CATEGORY]->commune));
	(void)strlcpy_checked(r[REPORT_BY_COMMUNE]->name, c->commune,
	    sizeof(r[REPORT_BY_COMMUNE]->name));
	return (0);
}

/*
 * A case of the previous period: counted in the rows it would have, but
 * a school x category pair is not added for it alone (the section lists
 * what happened in this period).
 */
static int
report_prev_cb(const struct report_case *c, void *arg)
{
	struct report		*rep = arg;
	struct report_table	*t = &rep->sec[REPORT_BY_SCHOOL_CATEGORY];
	struct report_row	*r;
	size_t			 i;

	if ((r = report_row_get(&rep->sec[REPORT_BY_CATEGORY], c->category,
	    "")) == NULL)
		return (-1);
	r->prev++;
	if ((r = report_row_get(&rep->sec[REPORT_BY_COMMUNE], c->commune,
	    "")) == NULL)
		return (-1);
	r->prev++;
	(void)strlcpy_checked(r->name, c->commune, sizeof(r->name));
	if ((r = report_row_get(&rep->sec[REPORT_BY_SCHOOL], c->school,
	    "")) == NULL)
		return (-1);
	r->prev++;
	if (r->name[0] == '\0') {
		(void)strlcpy_checked(r->name, c->school_name,
		    sizeof(r->name));
		(void)strlcpy_checked(r->commune, c->commune,
		    sizeof(r->commune));
	}
	for (i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].key, c->school) == 0 &&
		    strcmp(t->rows[i].key2, c->category) == 0)
			t->rows[i].prev++;
	rep->total.prev++;
	return (0);
}

static int
report_cmp_delay(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

/* The median of a row's delays (the lower middle of an even count). */
static void
report_median(struct report_row *r)
{
	if (r->ndelays == 0) {
		r->median = -1;
		return;
	}
	qsort(r->delays, r->ndelays, sizeof(*r->delays), report_cmp_delay);
	r->median = r->ndelays % 2 == 1 ? r->delays[r->ndelays / 2] :
	    (r->delays[r->ndelays / 2 - 1] + r->delays[r->ndelays / 2]) / 2;
}

/*
 * Orders rows: categories in the table's order, communes by name, schools
 * by code, the unknown ("") last.
 */
static int
report_cmp_row(const void *a, const void *b, void *arg)
{
	const struct report_row	*ra = a, *rb = b;
	const struct category	*ca, *cb;
	enum report_kind	 kind = *(const enum report_kind *)arg;
	int			 c;

	if ((ra->key[0] == '\0') != (rb->key[0] == '\0'))
		return (ra->key[0] == '\0' ? 1 : -1);
	if (kind == REPORT_BY_CATEGORY) {
		ca = category_find(ra->key);
		cb = category_find(rb->key);
		if (ca != NULL && cb != NULL && ca->id != cb->id)
			return (ca->id < cb->id ? -1 : 1);
	}
	if ((c = strcmp(ra->key, rb->key)) != 0 || kind !=
	    REPORT_BY_SCHOOL_CATEGORY)
		return (c);
	ca = category_find(ra->key2);
	cb = category_find(rb->key2);
	if (ca != NULL && cb != NULL && ca->id != cb->id)
		return (ca->id < cb->id ? -1 : 1);
	return (strcmp(ra->key2, rb->key2));
}

/* The grid's view of a table: keys k of row i (NULL: unknown). */
struct report_grid {
	const struct report_table	*t;
	enum report_kind		 kind;
};

static const char *
report_grid_key(const void *arg, size_t i, int k)
{
	const struct report_grid	*g = arg;
	const struct report_row		*r = &g->t->rows[i];
	const char			*v;

	if (g->kind == REPORT_BY_SCHOOL)
		v = k == 0 ? r->commune : r->key;
	else
		v = k == 0 ? r->key : r->key2;
	return (v[0] != '\0' ? v : NULL);
}

static int64_t
report_grid_cell(const void *arg, size_t i, int col)
{
	const struct report_grid	*g = arg;

	return (g->t->rows[i].n[col]);
}

static int64_t
report_grid_prev(const void *arg, size_t i, int col)
{
	const struct report_grid	*g = arg;

	(void)col;
	return (g->t->rows[i].prev);
}

/* Hides a table's small counts and their complements, both periods. */
static void
report_suppress(struct report *rep, enum report_kind kind)
{
	struct report_table	*t = &rep->sec[kind];
	struct report_grid	 rg = { .t = t, .kind = kind };
	struct stats_grid	 g = {
		.n = t->n, .ncols = REPORT_NCOLS, .key = report_grid_key,
		.cell = report_grid_cell, .arg = &rg,
		.suppress = rep->suppress,
		.nkeys = kind == REPORT_BY_SCHOOL ||
		    kind == REPORT_BY_SCHOOL_CATEGORY ? 2 : 1,
	};

	stats_grid_suppress(&g);
	t->hide = g.hide;
	g.ncols = 1;
	g.cell = report_grid_prev;
	g.hide = NULL;
	stats_grid_suppress(&g);
	t->hide_prev = g.hide;
}

/*
 * Reads the cases of the period and of the previous one and builds every
 * table: counts, medians, order, suppression.  rep's range and suppress
 * are set (report_period).  Returns 0 or -1.
 */
int
report_load(struct report *rep, struct store *st)
{
	enum report_kind	 kind;
	size_t			 i;
	int			 k;

	memset(&rep->total, 0, sizeof(rep->total));
	memset(rep->sec, 0, sizeof(rep->sec));
	rep->total.median = -1;
	rep->plans = NULL;
	rep->nplans = rep->capplans = 0;
	if (store_plans_list(st, rep->plans_year, report_plan_cb, rep) == -1 ||
	    store_report_schools(st, report_school_cb, rep) == -1 ||
	    store_report_cases(st, rep->t_from, rep->t_to, report_case_cb,
	    rep) == -1 ||
	    store_report_cases(st, rep->p_from, rep->p_to, report_prev_cb,
	    rep) == -1)
		return (-1);
	report_median(&rep->total);
	for (k = 0; k < REPORT_NSECTIONS; k++) {
		for (i = 0; i < rep->sec[k].n; i++)
			report_median(&rep->sec[k].rows[i]);
		kind = (enum report_kind)k;
		if (rep->sec[k].n > 1)
			qsort_r(rep->sec[k].rows, rep->sec[k].n,
			    sizeof(*rep->sec[k].rows), report_cmp_row, &kind);
		report_suppress(rep, (enum report_kind)k);
	}
	return (0);
}

/* Frees what report_load built. */
void
report_free(struct report *rep)
{
	size_t	 i;
	int	 k;

	for (k = 0; k < REPORT_NSECTIONS; k++) {
		for (i = 0; i < rep->sec[k].n; i++)
			free(rep->sec[k].rows[i].delays);
		free(rep->sec[k].rows);
		free(rep->sec[k].hide);
		free(rep->sec[k].hide_prev);
	}
	free(rep->total.delays);
	free(rep->plans);
	rep->plans = NULL;
	rep->nplans = rep->capplans = 0;
	memset(rep->sec, 0, sizeof(rep->sec));
	memset(&rep->total, 0, sizeof(rep->total));
}

static int
report_plan_cb(const struct plan *p, void *arg)
{
	struct report	*rep = arg;

	if (rep->nplans == rep->capplans) {
		rep->capplans = rep->capplans == 0 ? 16 : rep->capplans * 2;
		rep->plans = xreallocarray(rep->plans, rep->capplans,
		    sizeof(*rep->plans));
	}
	rep->plans[rep->nplans++] = *p;
	return (0);
}

/*
 * Formats column col (report_plan_cols) of school i's plan: received
 * and when, or not and whether late on the report's date; the models by
 * their Vietnamese names.
 */
void
report_plan_cell(const struct report *rep, size_t i, int col, char *buf,
    size_t bufsz)
{
	const struct plan	*p = &rep->plans[i];
	char			 d[16], m[sizeof(p->models)], *tok, *save = NULL;
	int64_t			 day, end;
	size_t			 len;

	buf[0] = '\0';
	switch (col) {
	case 0:
		(void)strlcpy_checked(buf, p->school, bufsz);
		break;
	case 1:
		(void)strlcpy_checked(buf, p->name, bufsz);
		break;
	case 2:
		(void)strlcpy_checked(buf, p->commune, bufsz);
		break;
	case 3:
		if (p->received_at != 0) {
			time_t		 t = (time_t)p->received_at;
			struct tm	 tm;

			localtime_r(&t, &tm);
			(void)strftime(d, sizeof(d), "%d/%m/%Y", &tm);
			(void)snprintf(buf, bufsz, "Đã nhận %s", d);
		} else if (stats_parse_day(rep->date, &day, &end) == 0 &&
		    rep->plans_deadline > 0 && day >= rep->plans_deadline)
			(void)strlcpy_checked(buf, "Chưa nhận (quá hạn)", bufsz);
		else
			(void)strlcpy_checked(buf, "Chưa nhận", bufsz);
		break;
	case 4:
		(void)strlcpy_checked(buf, p->form[0] ? p->form : "-", bufsz);
		break;
	default:
		(void)strlcpy_checked(m, p->models, sizeof(m));
		for (tok = strtok_r(m, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			len = strlen(buf);
			(void)snprintf(buf + len, bufsz - len, "%s%s",
			    len > 0 ? "; " : "", strcmp(tok, "custom") == 0 &&
			    p->other[0] ? p->other : plans_model_vi(tok));
		}
		if (buf[0] == '\0')
			(void)strlcpy_checked(buf, "-", bufsz);
	}
}

const char *
report_section_title(enum report_kind kind)
{
	return (report_titles[kind]);
}

/* "45 phút", "3 giờ 5 phút", "2 ngày 4 giờ". */
static void
report_duration(int64_t s, char *buf, size_t bufsz)
{
	int64_t	 m = (s + 30) / 60;

	if (m < 60)
		(void)snprintf(buf, bufsz, "%lld phút", (long long)m);
	else if (m < 48 * 60 && m % 60 == 0)
		(void)snprintf(buf, bufsz, "%lld giờ", (long long)(m / 60));
	else if (m < 48 * 60)
		(void)snprintf(buf, bufsz, "%lld giờ %lld phút",
		    (long long)(m / 60), (long long)(m % 60));
	else
		(void)snprintf(buf, bufsz, "%lld ngày %lld giờ",
		    (long long)(m / 1440), (long long)(m % 1440 / 60));
}

/*
 * Formats shown column col (report_cols) of row i of a section, or of
 * the district's total when kind is REPORT_NSECTIONS: a count, "x" when
 * hidden, a median, a signed change.
 */
void
report_cell(const struct report *rep, enum report_kind kind, size_t i,
    int col, char *buf, size_t bufsz)
{
	const struct report_table	*t = NULL;
	const struct report_row		*r = &rep->total;
	int				 hid0 = 0, hidp = 0;

	if (kind != REPORT_NSECTIONS) {
		t = &rep->sec[kind];
		r = &t->rows[i];
		hid0 = t->hide[REPORT_NCOLS * i];
		hidp = t->hide_prev[i];
	}
	if (col < REPORT_NCOLS) {
		if (t != NULL && t->hide[REPORT_NCOLS * i + col])
			(void)strlcpy_checked(buf, STATS_HIDDEN, bufsz);
		else
			(void)snprintf(buf, bufsz, "%lld", (long long)r->n[col]);
	} else if (col == REPORT_NCOLS) {
		if (hid0)
			(void)strlcpy_checked(buf, STATS_HIDDEN, bufsz);
		else if (r->median < 0)
			(void)strlcpy_checked(buf, "-", bufsz);
		else
			report_duration(r->median, buf, bufsz);
	} else if (col == REPORT_NCOLS + 1) {
		if (hidp)
			(void)strlcpy_checked(buf, STATS_HIDDEN, bufsz);
		else
			(void)snprintf(buf, bufsz, "%lld", (long long)r->prev);
	} else {
		if (hid0 || hidp)
			(void)strlcpy_checked(buf, STATS_HIDDEN, bufsz);
		else
			(void)snprintf(buf, bufsz, "%s%lld", r->n[0] > r->prev ?
			    "+" : "", (long long)(r->n[0] - r->prev));
	}
}

/* How many columns name a row: 1, or 3 for schools (code, name, ...). */
int
report_nlead(enum report_kind kind)
{
	return (kind == REPORT_BY_SCHOOL || kind == REPORT_BY_SCHOOL_CATEGORY ?
	    3 : 1);
}

/* The header of lead column k. */
const char *
report_lead_header(enum report_kind kind, int k)
{
	switch (kind) {
	case REPORT_BY_CATEGORY:
		return ("Loại vụ việc");
	case REPORT_BY_COMMUNE:
		return ("Xã, thị trấn");
	case REPORT_BY_SCHOOL:
		return (k == 0 ? "Mã trường" : k == 1 ? "Trường" :
		    "Xã, thị trấn");
	default:
		return (k == 0 ? "Mã trường" : k == 1 ? "Trường" :
		    "Loại vụ việc");
	}
}

/* A row's lead column k, in Vietnamese; the unknown named as such. */
const char *
report_lead(enum report_kind kind, const struct report_row *r, int k)
{
	switch (kind) {
	case REPORT_BY_CATEGORY:
		return (category_name_vi(r->key));
	case REPORT_BY_COMMUNE:
		return (r->key[0] != '\0' ? r->name : "Không rõ xã");
	default:
		if (k == 0)
			return (r->key[0] != '\0' ? r->key : "-");
		if (k == 1)
			return (r->key[0] != '\0' ? r->name : "Không rõ trường");
		if (kind == REPORT_BY_SCHOOL)
			return (r->commune);
		return (category_name_vi(r->key2));
	}
}

/* Writes one CSV field, quoted only when it holds , " CR or LF. */
static void
report_csv_field(FILE *f, const char *v, int first)
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

/*
 * Writes the report as CSV for Excel: UTF-8 with a BOM, CRLF, the title
 * lines, then each section's title, header, rows and district total,
 * separated by an empty line.
 */
void
report_write_csv(const struct report *rep, FILE *f)
{
	char	 cell[64], a[16], b[16], plan[512];
	size_t	 i;
	int	 k, col, nl;

	fputs("\xef\xbb\xbf", f);
	report_csv_field(f, "Báo cáo tình hình an ninh, trật tự trường học",
	    1);
	fputs("\r\n", f);
	report_csv_field(f, "Huyện", 1);
	report_csv_field(f, rep->district, 0);
	fputs("\r\nKỳ báo cáo,", f);
	report_csv_field(f, rep->period, 1);
	report_dmy(rep->from, a, sizeof(a));
	report_dmy(rep->to, b, sizeof(b));
	fprintf(f, "\r\nTừ ngày,%s\r\nĐến ngày,%s\r\n", a, b);
	report_dmy(rep->prev_from, a, sizeof(a));
	report_dmy(rep->prev_to, b, sizeof(b));
	fprintf(f, "Kỳ trước,%s - %s\r\n", a, b);
	report_dmy(rep->date, a, sizeof(a));
	fprintf(f, "Ngày lập,%s\r\n", a);
	fprintf(f, "Ghi chú,x: số nhỏ hơn %lld hoặc số ẩn thêm để không tính "
	    "ngược được\r\n", (long long)rep->suppress);
	for (k = 0; k < REPORT_NSECTIONS; k++) {
		nl = report_nlead((enum report_kind)k);
		fputs("\r\n", f);
		report_csv_field(f, report_titles[k], 1);
		fputs("\r\n", f);
		for (col = 0; col < nl; col++)
			report_csv_field(f, report_lead_header(
			    (enum report_kind)k, col), col == 0);
		for (col = 0; col < REPORT_NSHOWN; col++)
			report_csv_field(f, report_cols[col], 0);
		fputs("\r\n", f);
		for (i = 0; i < rep->sec[k].n; i++) {
			for (col = 0; col < nl; col++)
				report_csv_field(f, report_lead(
				    (enum report_kind)k, &rep->sec[k].rows[i],
				    col), col == 0);
			for (col = 0; col < REPORT_NSHOWN; col++) {
				report_cell(rep, (enum report_kind)k, i, col,
				    cell, sizeof(cell));
				report_csv_field(f, cell, 0);
			}
			fputs("\r\n", f);
		}
		if (k == REPORT_BY_SCHOOL_CATEGORY)
			continue;
		report_csv_field(f, "Toàn huyện", 1);
		for (col = 1; col < nl; col++)
			report_csv_field(f, "", 0);
		for (col = 0; col < REPORT_NSHOWN; col++) {
			report_cell(rep, REPORT_NSECTIONS, 0, col, cell,
			    sizeof(cell));
			report_csv_field(f, cell, 0);
		}
		fputs("\r\n", f);
	}
	fprintf(f, "\r\n%s (năm học %s)\r\n", REPORT_PLAN_TITLE,
	    rep->plans_year);
	for (col = 0; col < REPORT_PLAN_COLS; col++)
		report_csv_field(f, report_plan_cols[col], col == 0);
	fputs("\r\n", f);
	for (i = 0; i < rep->nplans; i++) {
		for (col = 0; col < REPORT_PLAN_COLS; col++) {
			report_plan_cell(rep, i, col, plan, sizeof(plan));
			report_csv_field(f, plan, col == 0);
		}
		fputs("\r\n", f);
	}
}

/* Writes s with & < > " escaped. */
static void
report_html_esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			putc(*s, f);
		}
	}
}

/* One section: its title and table, with the district's total. */
static void
report_html_table(const struct report *rep, enum report_kind kind, FILE *f)
{
	char	 cell[64];
	size_t	 i;
	int	 col, nl = report_nlead(kind);

	fprintf(f, "<section class=\"sec\" id=\"sec%d\"><h2>", (int)kind + 1);
	report_html_esc(f, report_titles[kind]);
	fputs("</h2><table><thead><tr>", f);
	for (col = 0; col < nl; col++)
		fprintf(f, "<th>%s</th>", report_lead_header(kind, col));
	for (col = 0; col < REPORT_NSHOWN; col++)
		fprintf(f, "<th>%s</th>", report_cols[col]);
	fputs("</tr></thead><tbody>", f);
	for (i = 0; i < rep->sec[kind].n; i++) {
		fputs("<tr>", f);
		for (col = 0; col < nl; col++) {
			fputs("<td>", f);
			report_html_esc(f, report_lead(kind,
			    &rep->sec[kind].rows[i], col));
			fputs("</td>", f);
		}
		for (col = 0; col < REPORT_NSHOWN; col++) {
			report_cell(rep, kind, i, col, cell, sizeof(cell));
			fprintf(f, "<td class=\"n\">%s</td>", cell);
		}
		fputs("</tr>\n", f);
	}
	if (rep->sec[kind].n == 0)
		fprintf(f, "<tr><td colspan=\"%d\">Không có vụ việc nào."
		    "</td></tr>", nl + REPORT_NSHOWN);
	fputs("</tbody>", f);
	if (kind != REPORT_BY_SCHOOL_CATEGORY) {
		fprintf(f, "<tfoot><tr class=\"total\"><td colspan=\"%d\">"
		    "Toàn huyện</td>", nl);
		for (col = 0; col < REPORT_NSHOWN; col++) {
			report_cell(rep, REPORT_NSECTIONS, 0, col, cell,
			    sizeof(cell));
			fprintf(f, "<td class=\"n\">%s</td>", cell);
		}
		fputs("</tr></tfoot>", f);
	}
	fputs("</table></section>\n", f);
}

/* Section V: the schools' plans and models. */
static void
report_html_plans(const struct report *rep, FILE *f)
{
	char	 cell[512];
	size_t	 i;
	int	 col;

	fprintf(f, "<section class=\"sec\" id=\"sec%d\"><h2>%s (năm học %s)"
	    "</h2><table><thead><tr>", REPORT_NSECTIONS + 1, REPORT_PLAN_TITLE,
	    rep->plans_year);
	for (col = 0; col < REPORT_PLAN_COLS; col++)
		fprintf(f, "<th>%s</th>", report_plan_cols[col]);
	fputs("</tr></thead><tbody>", f);
	for (i = 0; i < rep->nplans; i++) {
		fputs("<tr>", f);
		for (col = 0; col < REPORT_PLAN_COLS; col++) {
			report_plan_cell(rep, i, col, cell, sizeof(cell));
			fputs("<td>", f);
			report_html_esc(f, cell);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}

/*
 * Writes the printable report: the administrative heading, the title, the
 * period, the five sections (a page each when printed) and the signature
 * block.  standalone: a whole document with the stylesheet inline (the
 * CLI); otherwise the <article> alone, for the dashboard's page.
 */
void
report_write_html(const struct report *rep, FILE *f, int standalone)
{
	char	 a[16], b[16];
	int	 k;

	if (standalone) {
		fputs("<!doctype html>\n<html lang=\"vi\"><head><meta charset="
		    "\"utf-8\"><title>", f);
		report_html_esc(f, rep->period);
		fprintf(f, "</title><style>%s</style></head><body>\n",
		    report_css);
	}
	fputs("<article class=\"report\"><div class=\"head\"><div>UBND huyện ",
	    f);
	report_html_esc(f, rep->district);
	fputs("<br><b>PHÒNG GIÁO DỤC VÀ ĐÀO TẠO</b></div><div><b>CỘNG HÒA XÃ "
	    "HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b>"
	    "<br><i>", f);
	report_html_esc(f, rep->district);
	fprintf(f, ", ngày %.2s tháng %.2s năm %.4s</i></div></div>\n",
	    rep->date + 8, rep->date + 5, rep->date);
	fputs("<h1>BÁO CÁO<br>Tình hình an ninh, trật tự trường học</h1>"
	    "<p class=\"period\">", f);
	report_html_esc(f, rep->period);
	report_dmy(rep->from, a, sizeof(a));
	report_dmy(rep->to, b, sizeof(b));
	fprintf(f, " (từ ngày %s đến ngày %s)", a, b);
	report_dmy(rep->prev_from, a, sizeof(a));
	report_dmy(rep->prev_to, b, sizeof(b));
	fprintf(f, "<br>So sánh với kỳ trước: từ ngày %s đến ngày %s</p>\n"
	    "<p class=\"note\">%s: số nhỏ hơn %lld, hoặc số ẩn thêm để không "
	    "tính ngược được, nhằm không ai đoán ra học sinh ở trường nhỏ. "
	    "Thời gian tiếp nhận: từ lúc nhận tin đến lần xác nhận (NHAN) đầu "
	    "tiên.</p>\n", a, b, STATS_HIDDEN, (long long)rep->suppress);
	for (k = 0; k < REPORT_NSECTIONS; k++)
		report_html_table(rep, (enum report_kind)k, f);
	report_html_plans(rep, f);
	fputs("<div class=\"sign\"><div><b>Người lập biểu</b><br><i>(Ký, ghi "
	    "rõ họ tên)</i></div><div><b>Trưởng phòng</b><br><i>(Ký tên, đóng "
	    "dấu)</i></div></div></article>\n", f);
	if (standalone)
		fputs("</body></html>\n", f);
}
