/*
 * tinbao: the periodic report as an Excel workbook, the one file that
 * includes libxlsxwriter.  A sheet "Thông tin" with the title, district,
 * period and date, then one sheet per section (the plans' last) (report.c's tables, with
 * the same cells and the same "x"), each with its header row frozen and
 * its columns sized for Vietnamese school names.  Counts are numbers, so
 * the Bureau can sum them; hidden ones, medians and changes are text.
 */
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "tinbao.h"

static const char *const report_sheets[REPORT_NSECTIONS] = {
	[REPORT_BY_CATEGORY] = "Theo loại",
	[REPORT_BY_COMMUNE] = "Theo xã",
	[REPORT_BY_SCHOOL] = "Theo trường",
	[REPORT_BY_SCHOOL_CATEGORY] = "Trường và loại",
};

static void	report_xlsx_info(lxw_workbook *, const struct report *,
		    lxw_format *);
static void	report_xlsx_sheet(lxw_workbook *, const struct report *,
		    enum report_kind, lxw_format *);
static void	report_xlsx_cell(lxw_worksheet *, int, int, const char *,
		    lxw_format *);
static void	report_xlsx_plans(lxw_workbook *, const struct report *,
		    lxw_format *);

/* The first sheet: what the report is. */
static void
report_xlsx_info(lxw_workbook *wb, const struct report *rep,
    lxw_format *bold)
{
	lxw_worksheet	*ws = workbook_add_worksheet(wb, "Thông tin");
	char		 a[16], b[16], buf[64];

	worksheet_set_column(ws, 0, 0, 18, NULL);
	worksheet_set_column(ws, 1, 1, 60, NULL);
	worksheet_write_string(ws, 0, 0, "Báo cáo tình hình an ninh, trật tự "
	    "trường học", bold);
	worksheet_write_string(ws, 1, 0, "Huyện", NULL);
	worksheet_write_string(ws, 1, 1, rep->district, NULL);
	worksheet_write_string(ws, 2, 0, "Kỳ báo cáo", NULL);
	worksheet_write_string(ws, 2, 1, rep->period, NULL);
	report_dmy(rep->from, a, sizeof(a));
	report_dmy(rep->to, b, sizeof(b));
	(void)snprintf(buf, sizeof(buf), "%s - %s", a, b);
	worksheet_write_string(ws, 3, 0, "Từ ngày - đến ngày", NULL);
	worksheet_write_string(ws, 3, 1, buf, NULL);
	report_dmy(rep->prev_from, a, sizeof(a));
	report_dmy(rep->prev_to, b, sizeof(b));
	(void)snprintf(buf, sizeof(buf), "%s - %s", a, b);
	worksheet_write_string(ws, 4, 0, "Kỳ trước", NULL);
	worksheet_write_string(ws, 4, 1, buf, NULL);
	report_dmy(rep->date, a, sizeof(a));
	worksheet_write_string(ws, 5, 0, "Ngày lập", NULL);
	worksheet_write_string(ws, 5, 1, a, NULL);
	(void)snprintf(buf, sizeof(buf), "x: số nhỏ hơn %lld hoặc số ẩn thêm",
	    (long long)rep->suppress);
	worksheet_write_string(ws, 6, 0, "Ghi chú", NULL);
	worksheet_write_string(ws, 6, 1, buf, NULL);
}

/* A count as a number; "x", a median or a change as text. */
static void
report_xlsx_cell(lxw_worksheet *ws, int row, int col, const char *v,
    lxw_format *fmt)
{
	char	*end;
	long	 n;

	n = strtol(v, &end, 10);
	if (*v != '\0' && *v != '+' && *end == '\0')
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col,
		    (double)n, fmt);
	else
		worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, v,
		    fmt);
}

/* One section's sheet: header row (frozen), rows, the district's total. */
static void
report_xlsx_sheet(lxw_workbook *wb, const struct report *rep,
    enum report_kind kind, lxw_format *bold)
{
	lxw_worksheet	*ws = workbook_add_worksheet(wb, report_sheets[kind]);
	int		 nl = report_nlead(kind), col, row;
	char		 cell[64];
	size_t		 i;

	for (col = 0; col < nl; col++) {
		worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col,
		    nl == 1 ? 28 : col == 0 ? 10 : col == 1 ? 36 : 22, NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)col,
		    report_lead_header(kind, col), bold);
	}
	for (col = 0; col < REPORT_NSHOWN; col++) {
		worksheet_set_column(ws, (lxw_col_t)(nl + col),
		    (lxw_col_t)(nl + col), col == REPORT_NCOLS ? 22 : 13, NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)(nl + col),
		    report_cols[col], bold);
	}
	worksheet_freeze_panes(ws, 1, 0);
	row = 1;
	for (i = 0; i < rep->sec[kind].n; i++, row++) {
		for (col = 0; col < nl; col++)
			worksheet_write_string(ws, (lxw_row_t)row,
			    (lxw_col_t)col, report_lead(kind,
			    &rep->sec[kind].rows[i], col), NULL);
		for (col = 0; col < REPORT_NSHOWN; col++) {
			report_cell(rep, kind, i, col, cell, sizeof(cell));
			report_xlsx_cell(ws, row, nl + col, cell, NULL);
		}
	}
	if (kind == REPORT_BY_SCHOOL_CATEGORY)
		return;
	worksheet_write_string(ws, (lxw_row_t)row, 0, "Toàn huyện", bold);
	for (col = 0; col < REPORT_NSHOWN; col++) {
		report_cell(rep, REPORT_NSECTIONS, 0, col, cell, sizeof(cell));
		report_xlsx_cell(ws, row, nl + col, cell, bold);
	}
}

/* Section V's sheet: each school's plan and models. */
static void
report_xlsx_plans(lxw_workbook *wb, const struct report *rep,
    lxw_format *bold)
{
	lxw_worksheet	*ws = workbook_add_worksheet(wb, "Kế hoạch");
	static const double widths[REPORT_PLAN_COLS] = { 10, 36, 22, 24, 36,
			    48 };
	char		 cell[512];
	size_t		 i;
	int		 col;

	for (col = 0; col < REPORT_PLAN_COLS; col++) {
		worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col,
		    widths[col], NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)col,
		    report_plan_cols[col], bold);
	}
	worksheet_freeze_panes(ws, 1, 0);
	for (i = 0; i < rep->nplans; i++)
		for (col = 0; col < REPORT_PLAN_COLS; col++) {
			report_plan_cell(rep, i, col, cell, sizeof(cell));
			worksheet_write_string(ws, (lxw_row_t)(i + 1),
			    (lxw_col_t)col, cell, NULL);
		}
}

/* Writes the workbook to path.  Returns 0 or -1 (logged). */
int
report_write_xlsx(const struct report *rep, const char *path)
{
	lxw_workbook	*wb;
	lxw_format	*bold;
	lxw_error	 err;
	int		 k;

	if ((wb = workbook_new(path)) == NULL) {
		log_warnx("report: cannot create %s", path);
		return (-1);
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	report_xlsx_info(wb, rep, bold);
	for (k = 0; k < REPORT_NSECTIONS; k++)
		report_xlsx_sheet(wb, rep, (enum report_kind)k, bold);
	report_xlsx_plans(wb, rep, bold);
	if ((err = workbook_close(wb)) != LXW_NO_ERROR) {
		log_warnx("report: %s: %s", path, lxw_strerror(err));
		return (-1);
	}
	return (0);
}
