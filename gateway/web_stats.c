/*
 * tinbao: the dashboard's statistics: counts of cases by school, category
 * and month (any of them, in the order chosen) between two dates, as a
 * table, a bar chart drawn here as SVG (no script, no outside library),
 * and a CSV export.  The counting and the small-count suppression are
 * stats.c's, the same as `tinbao stats` and the API: a hidden count is "x"
 * everywhere.
 *
 * Who sees what (issue 17): a Bureau officer's own screen shows exact
 * counts unless asked to hide (suppress=N previews what leaves); the CSV,
 * which leaves the office, always hides counts below at least
 * STATS_DEFAULT_SUPPRESS; a commune account sees its commune's schools
 * only, hidden the same way on the page and in the CSV.  The page says
 * which of these applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"
#include "web.h"

#define STATS_DEFAULT_SUPPRESS	5
#define CHART_MAX_BARS		60
#define CHART_BAR		22	/* pixels per bar, with its gap */
#define CHART_LABEL		230	/* pixels for the labels */
#define CHART_BARS_W		520

static void	web_stats(struct web_req *);
static void	web_stats_csv(struct web_req *);

const struct web_page web_stats_pages[] = {
	{ .path = "/stats", .methods = EVHTTP_REQ_GET, .flags = WEB_F_COMMUNE,
	  .serve = web_stats },
	{ .path = "/stats.csv", .methods = EVHTTP_REQ_GET,
	  .flags = WEB_F_COMMUNE, .serve = web_stats_csv },
};
const size_t web_nstats_pages = sizeof(web_stats_pages) /
    sizeof(web_stats_pages[0]);

/* What was asked, after defaults; the strings point into the query. */
struct stats_ask {
	char		 from[11];
	char		 to[11];
	const char	*by;
	int64_t		 suppress;
	int64_t		 t_from;
	int64_t		 t_to;
};

/*
 * Reads from, to, by and suppress (defaults: this year until today, by
 * category, exact on the page; at least 5 for an export or a commune
 * account) and loads the set.  Answers the error
 * page and returns -1 when the input is wrong.
 */
static int
web_stats_load(struct web_req *r, struct stats_ask *a, struct stats_set *set,
    int export)
{
	const char	*v;
	time_t		 now = (time_t)r->now;
	struct tm	 tm;
	int64_t		 from_end, to_start;

	memset(a, 0, sizeof(*a));
	stats_init(set);
	localtime_r(&now, &tm);
	(void)strftime(a->to, sizeof(a->to), "%Y-%m-%d", &tm);
	(void)strftime(a->from, sizeof(a->from), "%Y-01-01", &tm);
	if ((v = web_param(r, "from")) != NULL && *v != '\0')
		(void)strlcpy_checked(a->from, v, sizeof(a->from));
	if ((v = web_param(r, "to")) != NULL && *v != '\0')
		(void)strlcpy_checked(a->to, v, sizeof(a->to));
	if (stats_parse_day(a->from, &a->t_from, &from_end) == -1 ||
	    stats_parse_day(a->to, &to_start, &a->t_to) == -1 ||
	    a->t_from > to_start) {
		web_fail(r, 400, "Khoảng ngày không hợp lệ (dạng NNNN-TT-NN, "
		    "ngày bắt đầu không sau ngày kết thúc).");
		return (-1);
	}
	a->by = web_param(r, "by");
	if (a->by == NULL || *a->by == '\0')
		a->by = "category";
	if (stats_parse_by(a->by, set) == -1) {
		web_fail(r, 400, "Cách nhóm không hợp lệ.");
		return (-1);
	}
	a->suppress = 0;
	if ((v = web_param(r, "suppress")) != NULL && *v != '\0' &&
	    stats_parse_suppress(v, &a->suppress) == -1) {
		web_fail(r, 400, "Ngưỡng ẩn số nhỏ không hợp lệ.");
		return (-1);
	}
	/* What leaves the office, and what a commune sees, is hidden. */
	if ((export || web_is_commune(r)) &&
	    a->suppress < STATS_DEFAULT_SUPPRESS)
		a->suppress = STATS_DEFAULT_SUPPRESS;
	if (web_is_commune(r))
		set->commune = r->user.commune;
	set->suppress = a->suppress;
	if (stats_load(set, r->ctx->store, a->t_from, a->t_to) == -1) {
		stats_free(set);
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return (-1);
	}
	return (0);
}

/* A group's label: its key values, categories in Vietnamese. */
static void
web_stats_label(const struct stats_set *set, size_t i, char *buf,
    size_t bufsz)
{
	const char	*v;
	size_t		 len;
	int		 k;

	buf[0] = '\0';
	for (k = 0; k < set->nkeys; k++) {
		v = stats_value(&set->rows[i], set->keys[k]);
		if (v == NULL)
			v = "không rõ trường";
		else if (set->keys[k]->bit == STATS_BY_CATEGORY)
			v = web_category_vi(v);
		len = strlen(buf);
		(void)snprintf(buf + len, bufsz - len, "%s%s", k > 0 ? " · " :
		    "", v);
	}
}

/* The chart: one horizontal bar per group; a hidden count has none. */
static void
web_stats_chart(struct web_req *r, const struct stats_set *set)
{
	char		 label[256];
	int64_t		 max = 0;
	size_t		 i, n = set->n < CHART_MAX_BARS ? set->n :
			    CHART_MAX_BARS;
	int		 y, w;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		if (!stats_is_hidden(set, i, 0) && set->rows[i].cases > max)
			max = set->rows[i].cases;
	evbuffer_add_printf(r->out, "<figure class=\"box\"><svg id=\"chart\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	    "aria-label=\"Biểu đồ số hồ sơ\" width=\"100%%\" viewBox=\"0 0 %d "
	    "%d\">", CHART_LABEL + CHART_BARS_W + 60, (int)n * CHART_BAR + 10);
	for (i = 0; i < n; i++) {
		y = (int)i * CHART_BAR + 5;
		web_stats_label(set, i, label, sizeof(label));
		evbuffer_add_printf(r->out, "<text x=\"%d\" y=\"%d\" "
		    "text-anchor=\"end\">", CHART_LABEL - 8, y + 14);
		web_esc(r->out, label);
		evbuffer_add_printf(r->out, "</text>");
		if (stats_is_hidden(set, i, 0)) {
			evbuffer_add_printf(r->out, "<text x=\"%d\" y=\"%d\">"
			    "%s (ẩn)</text>", CHART_LABEL + 4, y + 14,
			    STATS_HIDDEN);
			continue;
		}
		w = max > 0 ? (int)(set->rows[i].cases * CHART_BARS_W / max) :
		    0;
		evbuffer_add_printf(r->out, "<rect class=\"bar\" x=\"%d\" "
		    "y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#2e6da4\"/>",
		    CHART_LABEL, y, w > 0 ? w : 1, CHART_BAR - 6);
		if (!stats_is_hidden(set, i, 1) && set->rows[i].urgent > 0)
			evbuffer_add_printf(r->out, "<rect x=\"%d\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\" fill=\"#c0392b\"/>",
			    CHART_LABEL, y, (int)(set->rows[i].urgent *
			    CHART_BARS_W / max), CHART_BAR - 6);
		evbuffer_add_printf(r->out, "<text x=\"%d\" y=\"%d\">%lld"
		    "</text>", CHART_LABEL + w + 6, y + 14,
		    (long long)set->rows[i].cases);
	}
	evbuffer_add_printf(r->out, "</svg><figcaption>Xanh: số hồ sơ; đỏ: "
	    "trong đó khẩn cấp.%s</figcaption></figure>", set->n > n ?
	    " (Chỉ vẽ 60 nhóm đầu.)" : "");
}

/* The form's choice of grouping. */
static void
web_stats_by_option(struct web_req *r, const char *value, const char *label,
    const char *current)
{
	evbuffer_add_printf(r->out, "<option value=\"%s\"%s>%s</option>",
	    value, strcmp(value, current) == 0 ? " selected" : "", label);
}

/* GET /stats: the form, the table, the chart and the CSV link. */
static void
web_stats(struct web_req *r)
{
	struct stats_ask	 a;
	struct stats_set	 set;
	char			 cell[32], detail[128];
	size_t			 i;
	int			 k, col;

	if (web_stats_load(r, &a, &set, 0) == -1)
		return;
	(void)snprintf(detail, sizeof(detail), "from=%s to=%s by=%s "
	    "suppress=%lld", a.from, a.to, a.by, (long long)a.suppress);
	(void)store_audit(r->ctx->store, r->actor, "stats.view", 0, detail,
	    r->addr);
	web_begin(r, "Thống kê", "/stats");
	evbuffer_add_printf(r->out, "<h1>Thống kê hồ sơ</h1><form class=\""
	    "filters\" method=\"get\" action=\"/stats\"><label>Từ ngày<input "
	    "type=\"date\" name=\"from\" value=\"");
	web_esc(r->out, a.from);
	evbuffer_add_printf(r->out, "\"></label><label>Đến ngày<input type=\""
	    "date\" name=\"to\" value=\"");
	web_esc(r->out, a.to);
	evbuffer_add_printf(r->out, "\"></label><label>Nhóm theo<select name="
	    "\"by\">");
	web_stats_by_option(r, "category", "Loại", a.by);
	web_stats_by_option(r, "school", "Trường", a.by);
	web_stats_by_option(r, "month", "Tháng", a.by);
	web_stats_by_option(r, "school,category", "Trường, loại", a.by);
	web_stats_by_option(r, "month,category", "Tháng, loại", a.by);
	web_stats_by_option(r, "school,month", "Trường, tháng", a.by);
	evbuffer_add_printf(r->out, "</select></label><label>Ẩn số nhỏ hơn"
	    "<input type=\"number\" name=\"suppress\" min=\"0\" max=\"100\" "
	    "value=\"%lld\"></label><button type=\"submit\">Xem</button>"
	    "</form>", (long long)a.suppress);

	web_stats_chart(r, &set);
	evbuffer_add_printf(r->out, "<table id=\"stats\"><thead><tr>");
	for (k = 0; k < set.nkeys; k++)
		evbuffer_add_printf(r->out, "<th>%s</th>",
		    set.keys[k]->bit == STATS_BY_SCHOOL ? "Trường" :
		    set.keys[k]->bit == STATS_BY_CATEGORY ? "Loại" : "Tháng");
	evbuffer_add_printf(r->out, "<th>Số hồ sơ</th><th>Khẩn cấp</th></tr>"
	    "</thead><tbody>");
	for (i = 0; i < set.n; i++) {
		evbuffer_add_printf(r->out, "<tr>");
		for (k = 0; k < set.nkeys; k++) {
			const char *v = stats_value(&set.rows[i], set.keys[k]);

			evbuffer_add_printf(r->out, "<td>");
			web_esc(r->out, v == NULL ? "không rõ trường" :
			    set.keys[k]->bit == STATS_BY_CATEGORY ?
			    web_category_vi(v) : v);
			evbuffer_add_printf(r->out, "</td>");
		}
		for (col = 0; col < 2; col++) {
			stats_count(&set, i, col, cell, sizeof(cell));
			evbuffer_add_printf(r->out, "<td class=\"n\">%s</td>",
			    cell);
		}
		evbuffer_add_printf(r->out, "</tr>");
	}
	if (set.n == 0)
		evbuffer_add_printf(r->out, "<tr><td colspan=\"%d\">Không có "
		    "hồ sơ nào trong khoảng này.</td></tr>", set.nkeys + 2);
	/* A commune's small total would tell as much as a small cell. */
	if (web_is_commune(r) && set.total > 0 && set.total < a.suppress)
		(void)snprintf(cell, sizeof(cell), "%s", STATS_HIDDEN);
	else
		(void)snprintf(cell, sizeof(cell), "%lld", (long long)set.total);
	evbuffer_add_printf(r->out, "</tbody><tfoot><tr><th colspan=\"%d\">"
	    "%s</th><td class=\"n\" id=\"total\">%s</td><td></td>"
	    "</tr></tfoot></table>", set.nkeys, web_is_commune(r) ? "Cả xã" :
	    "Toàn huyện", cell);
	if (web_is_commune(r)) {
		evbuffer_add_printf(r->out, "<p class=\"msg\" id=\"suppress-"
		    "note\">Chỉ các trường của xã ");
		web_esc(r->out, r->user.commune);
		evbuffer_add_printf(r->out, "; số nhỏ hơn %lld được ẩn (%s).</p>",
		    (long long)a.suppress, STATS_HIDDEN);
	} else if (a.suppress == 0)
		evbuffer_add_printf(r->out, "<p class=\"msg\" id=\"suppress-"
		    "note\">Số chính xác, chỉ để xem tại Phòng. Bản CSV tải về "
		    "và những gì tài khoản xã thấy ẩn số nhỏ hơn %d.</p>",
		    STATS_DEFAULT_SUPPRESS);
	else
		evbuffer_add_printf(r->out, "<p class=\"msg\" id=\"suppress-"
		    "note\">Đang ẩn số nhỏ hơn %lld, như khi gửi ra ngoài.</p>",
		    (long long)a.suppress);
	evbuffer_add_printf(r->out, "<p>%s là số đã ẩn để không ai đoán ra một "
	    "học sinh ở trường nhỏ (và số cần ẩn thêm để không tính ngược "
	    "được). <a id=\"csv\" href=\"/stats.csv?from=", STATS_HIDDEN);
	web_url_esc(r->out, a.from);
	evbuffer_add_printf(r->out, "&amp;to=");
	web_url_esc(r->out, a.to);
	evbuffer_add_printf(r->out, "&amp;by=");
	web_url_esc(r->out, a.by);
	evbuffer_add_printf(r->out, "&amp;suppress=%lld\">Tải CSV (ẩn số nhỏ "
	    "hơn %lld)</a></p>", (long long)a.suppress, (long long)(a.suppress <
	    STATS_DEFAULT_SUPPRESS ? STATS_DEFAULT_SUPPRESS : a.suppress));
	stats_free(&set);
	web_end(r);
	web_send(r, 200);
}

/* GET /stats.csv: the same counts, hidden the same way, as CSV. */
static void
web_stats_csv(struct web_req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);
	struct stats_ask	 a;
	struct stats_set	 set;
	char			*buf = NULL, disp[128], detail[128];
	size_t			 len = 0;
	FILE			*f;

	if (web_stats_load(r, &a, &set, 1) == -1)
		return;
	if ((f = open_memstream(&buf, &len)) == NULL) {
		stats_free(&set);
		web_fail(r, 500, "Hết bộ nhớ.");
		return;
	}
	stats_write_csv(&set, f);
	fclose(f);
	stats_free(&set);
	(void)snprintf(detail, sizeof(detail), "from=%s to=%s by=%s "
	    "suppress=%lld", a.from, a.to, a.by, (long long)a.suppress);
	(void)store_audit(r->ctx->store, r->actor, "stats.export", 0, detail,
	    r->addr);
	evbuffer_add(r->out, buf, len);
	free(buf);
	(void)snprintf(disp, sizeof(disp), "attachment; filename=\"tinbao-"
	    "%s-%s.csv\"", a.from, a.to);
	evhttp_add_header(h, "Content-Type", "text/csv; charset=utf-8");
	evhttp_add_header(h, "Content-Disposition", disp);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(r->req, 200, "OK", r->out);
}
