/*
 * tinbao: the dashboard's periodic report (SPEC section 11): a form for
 * the period (a month, HK1, HK2, a school year, or two dates), the report
 * itself as report.c writes it for print (its own stylesheet at
 * /report.css: A4, a page per section, the dashboard's header hidden),
 * and the same report as CSV and XLSX downloads.  What the page shows and
 * what the files carry are the same tables with the same hidden counts.
 * Each view and download is audited (counts only: no case is named).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tinbao.h"
#include "web.h"

static void	web_report(struct web_req *);
static void	web_report_csv(struct web_req *);
static void	web_report_xlsx(struct web_req *);
static void	web_report_css(struct web_req *);
static int	web_report_load(struct web_req *, struct report *, char *,
		    size_t, char *, size_t);
static void	web_report_file(struct web_req *, const char *, const char *,
		    const char *, size_t, const char *);

const struct web_page web_report_pages[] = {
	{ .path = "/report", .methods = EVHTTP_REQ_GET, .serve = web_report },
	{ .path = "/report.csv", .methods = EVHTTP_REQ_GET,
	  .serve = web_report_csv },
	{ .path = "/report.xlsx", .methods = EVHTTP_REQ_GET,
	  .serve = web_report_xlsx },
	{ .path = "/report.css", .methods = EVHTTP_REQ_GET,
	  .serve = web_report_css },
};
const size_t web_nreport_pages = sizeof(web_report_pages) /
    sizeof(web_report_pages[0]);

/*
 * Reads period, or from and to (default: last month), builds the report,
 * writes what was asked into detail for the audit and the query that asks
 * it again into q (checked values only: digits, '-', HK).  Answers the
 * error page and returns -1 when the input is wrong.
 */
static int
web_report_load(struct web_req *r, struct report *rep, char *detail,
    size_t len, char *q, size_t qlen)
{
	const struct config	*conf = r->ctx->conf;
	const char		*period, *from, *to;
	char			 why[128], last[8];
	time_t			 now = (time_t)r->now;
	struct tm		 tm;

	memset(rep, 0, sizeof(*rep));
	localtime_r(&now, &tm);
	(void)strftime(rep->date, sizeof(rep->date), "%Y-%m-%d", &tm);
	tm.tm_mday = 1;
	tm.tm_mon--;
	tm.tm_isdst = -1;
	(void)mktime(&tm);
	(void)strftime(last, sizeof(last), "%Y-%m", &tm);
	period = web_param(r, "period");
	from = web_param(r, "from");
	to = web_param(r, "to");
	if (period != NULL && *period == '\0')
		period = NULL;
	if (from != NULL && *from == '\0')
		from = NULL;
	if (to != NULL && *to == '\0')
		to = NULL;
	if (period == NULL && from == NULL && to == NULL)
		period = last;
	rep->suppress = conf->report_suppress;
	if (report_period(conf, period, period == NULL ? from : NULL,
	    period == NULL ? to : NULL, rep, why, sizeof(why)) == -1) {
		web_fail(r, 400, "Kỳ báo cáo không hợp lệ (tháng NNNN-TT, học "
		    "kỳ NNNN-HK1/NNNN-HK2, năm học NNNN-NNNN, hoặc từ ngày đến "
		    "ngày).");
		return (-1);
	}
	(void)strlcpy_checked(rep->district, conf->district != NULL ?
	    conf->district : "", sizeof(rep->district));
	if (report_load(rep, r->ctx->store) == -1) {
		report_free(rep);
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return (-1);
	}
	(void)snprintf(detail, len, "from=%s to=%s suppress=%lld", rep->from,
	    rep->to, (long long)rep->suppress);
	if (period != NULL)
		(void)snprintf(q, qlen, "period=%s", period);
	else
		(void)snprintf(q, qlen, "from=%s&amp;to=%s", rep->from,
		    rep->to);
	return (0);
}

/* GET /report: the form, the links and the printable report. */
static void
web_report(struct web_req *r)
{
	struct report	 rep;
	char		 detail[128], q[64], *buf = NULL;
	const char	*fmt[] = { "csv", "xlsx" };
	size_t		 len = 0, i;
	FILE		*f;

	if (web_report_load(r, &rep, detail, sizeof(detail), q,
	    sizeof(q)) == -1)
		return;
	(void)store_audit(r->ctx->store, r->actor, "report.view", 0, detail,
	    r->addr);
	web_begin(r, "Báo cáo định kỳ", "/report");
	evbuffer_add_printf(r->out, "<link rel=\"stylesheet\" href=\""
	    "/report.css\"><h1 class=\"noprint\">Báo cáo định kỳ</h1><form "
	    "class=\"filters\" method=\"get\" action=\"/report\"><label>Kỳ "
	    "(2026-10, 2026-HK1, 2026-HK2, 2025-2026)<input name=\"period\" "
	    "value=\"\" placeholder=\"2026-HK1\"></label><label>hoặc từ ngày"
	    "<input type=\"date\" name=\"from\" value=\"%s\"></label><label>"
	    "đến ngày<input type=\"date\" name=\"to\" value=\"%s\"></label>"
	    "<button type=\"submit\">Xem</button></form><p class=\"noprint\">"
	    "In trang này (Ctrl+P) để có bản PDF, mỗi mục một trang.",
	    rep.from, rep.to);
	for (i = 0; i < 2; i++) {
		evbuffer_add_printf(r->out, " <a id=\"%s\" href=\"/report.%s?"
		    "%s\">Tải %s</a>", fmt[i], fmt[i], q, i == 0 ? "CSV" :
		    "Excel (XLSX)");
	}
	evbuffer_add_printf(r->out, "</p>");
	if ((f = open_memstream(&buf, &len)) != NULL) {
		report_write_html(&rep, f, 0);
		fclose(f);
		evbuffer_add(r->out, buf, len);
		free(buf);
	}
	report_free(&rep);
	web_end(r);
	web_send(r, 200);
}

/* Sends a download with its type and file name. */
static void
web_report_file(struct web_req *r, const char *type, const char *ext,
    const char *buf, size_t len, const char *from)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);
	char			 disp[128];

	evbuffer_add(r->out, buf, len);
	(void)snprintf(disp, sizeof(disp), "attachment; filename=\"bao-cao-"
	    "%s.%s\"", from, ext);
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Content-Disposition", disp);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(r->req, 200, "OK", r->out);
}

/* GET /report.csv: the same report as CSV (UTF-8 with a BOM). */
static void
web_report_csv(struct web_req *r)
{
	struct report	 rep;
	char		 detail[128], q[64], *buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	if (web_report_load(r, &rep, detail, sizeof(detail), q,
	    sizeof(q)) == -1)
		return;
	if ((f = open_memstream(&buf, &len)) == NULL) {
		report_free(&rep);
		web_fail(r, 500, "Hết bộ nhớ.");
		return;
	}
	report_write_csv(&rep, f);
	fclose(f);
	(void)store_audit(r->ctx->store, r->actor, "report.export", 0, detail,
	    r->addr);
	web_report_file(r, "text/csv; charset=utf-8", "csv", buf, len,
	    rep.from);
	free(buf);
	report_free(&rep);
}

/*
 * GET /report.xlsx: the workbook, written by libxlsxwriter to a private
 * temporary file (it writes files, not memory), read back and removed.
 */
static void
web_report_xlsx(struct web_req *r)
{
	struct report	 rep;
	char		 detail[128], q[64], path[256], *buf = NULL;
	const char	*tmp = getenv("TMPDIR");
	size_t		 len = 0;
	FILE		*f = NULL;
	int		 fd;
	long		 sz;

	if (web_report_load(r, &rep, detail, sizeof(detail), q,
	    sizeof(q)) == -1)
		return;
	if (snprintf(path, sizeof(path), "%s/tinbao-report-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp") >= (int)sizeof(path) ||
	    (fd = mkstemp(path)) == -1) {
		report_free(&rep);
		web_fail(r, 500, "Không tạo được tệp tạm.");
		return;
	}
	close(fd);
	if (report_write_xlsx(&rep, path) == 0 &&
	    (f = fopen(path, "rb")) != NULL && fseek(f, 0, SEEK_END) == 0 &&
	    (sz = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = xmalloc((size_t)sz);
		len = fread(buf, 1, (size_t)sz, f);
	}
	if (f != NULL)
		fclose(f);
	(void)unlink(path);
	if (buf == NULL || len == 0) {
		free(buf);
		report_free(&rep);
		web_fail(r, 500, "Không tạo được tệp Excel.");
		return;
	}
	(void)store_audit(r->ctx->store, r->actor, "report.export", 0, detail,
	    r->addr);
	web_report_file(r, "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet", "xlsx", buf, len, rep.from);
	free(buf);
	report_free(&rep);
}

/* GET /report.css: the printed report's stylesheet (report.c's). */
static void
web_report_css(struct web_req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);

	evbuffer_add(r->out, report_css, strlen(report_css));
	/* On paper: the report alone, without the dashboard around it. */
	evbuffer_add_printf(r->out, "@media print{header,.noprint,form,"
	    ".filters{display:none}main{max-width:none;margin:0;padding:0}"
	    "body{background:#fff}}");
	evhttp_add_header(h, "Content-Type", "text/css; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "max-age=3600");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(r->req, 200, "OK", r->out);
}
