/*
 * tinbao: the dashboard's cases: the list with filters (casefilter.c, the
 * API's parser) and paging, one case with its whole timeline, and the
 * actions acknowledge, reply to the reporter and close (caseact.c, the
 * rules the SMS commands and the API follow too).
 *
 * Reporters appear as their alias only.  Opening a case and every action
 * is written to the audit log.  Actions are POSTs (the CSRF check is done
 * by web.c) answered with a redirect back to the case, so a reload never
 * sends a reply twice; a refused action is answered with its status (400,
 * 409) and a page that says why.
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "web.h"

#define CASES_PAGE	25

static void	web_cases(struct web_req *);
static void	web_case(struct web_req *);

const struct web_page web_case_pages[] = {
	{ .path = "/cases", .methods = EVHTTP_REQ_GET, .serve = web_cases },
	{ .path = "/cases", .methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	  .flags = WEB_F_PREFIX, .serve = web_case },
};
const size_t web_ncase_pages = sizeof(web_case_pages) /
    sizeof(web_case_pages[0]);

/* What the list is asked for, as given (for the form and the paging). */
struct cases_args {
	const char	*status;
	const char	*category;
	const char	*school;
	const char	*urgent;
	const char	*from;
	const char	*to;
	int		 page;
};

struct cases_list {
	struct web_req	*r;
	int		 rows;
};

/* The getter casefilter_parse reads the query through. */
static const char *
web_cases_param(void *arg, const char *key)
{
	return (web_param(arg, key));
}

/* Writes the filters as a query string, for the paging links. */
static void
web_cases_query(struct evbuffer *b, const struct cases_args *a, int page)
{
	const char	*k[] = { "status", "category", "school", "urgent",
			    "from", "to" };
	const char	*v[] = { a->status, a->category, a->school,
			    a->urgent, a->from, a->to };
	size_t		 i;

	evbuffer_add_printf(b, "/cases?page=%d", page);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (v[i] == NULL || *v[i] == '\0')
			continue;
		evbuffer_add_printf(b, "&amp;%s=", k[i]);
		web_url_esc(b, v[i]);
	}
}

static void
web_option(struct evbuffer *b, const char *value, const char *label,
    const char *selected)
{
	evbuffer_add_printf(b, "<option value=\"");
	web_esc(b, value);
	evbuffer_add_printf(b, "\"%s>", selected != NULL &&
	    strcmp(selected, value) == 0 ? " selected" : "");
	web_esc(b, label);
	evbuffer_add_printf(b, "</option>");
}

static int
web_school_option_cb(const struct school *s, void *arg)
{
	struct web_req	*r = arg;
	char		 label[200];

	(void)snprintf(label, sizeof(label), "%s · %s", s->code, s->name);
	web_option(r->out, s->code, label, web_param(r, "school"));
	return (0);
}

static int
web_cases_row_cb(const struct store_caserow *c, void *arg)
{
	struct cases_list	*l = arg;
	struct evbuffer		*b = l->r->out;
	char			 when[32];
	size_t			 n;

	l->rows++;
	web_time(c->created_at, when, sizeof(when));
	evbuffer_add_printf(b, "<tr><td><a href=\"/cases/");
	web_esc(b, c->code);
	evbuffer_add_printf(b, "\">");
	web_esc(b, c->code);
	evbuffer_add_printf(b, "</a></td><td>%s</td><td class=\"st-%s\">%s"
	    "</td><td>%s%s</td><td>", when, c->status,
	    web_status_vi(c->status), c->urgent ?
	    "<span class=\"urgent\">KHẨN</span> " : "",
	    web_category_vi(c->category));
	web_esc(b, c->school[0] ? c->school : "—");
	evbuffer_add_printf(b, "</td><td>");
	web_esc(b, c->alias[0] ? c->alias : "—");
	evbuffer_add_printf(b, "</td><td class=\"text\">");
	/* The first 120 bytes, cut on a character boundary. */
	n = strlen(c->text);
	if (n > 120) {
		n = 120;
		while (n > 0 && ((unsigned char)c->text[n] & 0xc0) == 0x80)
			n--;
	}
	web_esc_n(b, c->text, n);
	evbuffer_add_printf(b, "%s</td></tr>", n < strlen(c->text) ? "…" : "");
	return (0);
}

/* The dashboard's words for a filter casefilter_parse refused. */
static const char *
web_cases_bad(int bad)
{
	switch (bad) {
	case CASEFILTER_STATUS:
		return ("Trạng thái không hợp lệ.");
	case CASEFILTER_CATEGORY:
		return ("Loại không hợp lệ.");
	case CASEFILTER_SCHOOL:
		return ("Mã trường không hợp lệ.");
	case CASEFILTER_URGENT:
		return ("Mức khẩn cấp không hợp lệ.");
	case CASEFILTER_FROM:
		return ("Ngày bắt đầu phải là một ngày có thật, dạng "
		    "NNNN-TT-NN.");
	case CASEFILTER_TO:
		return ("Ngày kết thúc phải là một ngày có thật, dạng "
		    "NNNN-TT-NN.");
	case CASEFILTER_TRIAGE:
		return ("Trạng thái phân loại không hợp lệ.");
	default:
		return ("Ngày bắt đầu sau ngày kết thúc.");
	}
}

/* Writes the filter form, with the choices made so far selected. */
static void
web_cases_form(struct web_req *r, const struct cases_args *a)
{
	static const char *const statuses[] = { "open", "acknowledged",
	    "closed", NULL };
	size_t	 i;

	evbuffer_add_printf(r->out, "<h1>Hồ sơ</h1><form class=\"filters\" "
	    "method=\"get\" action=\"/cases\"><label>Trạng thái<select "
	    "name=\"status\">");
	web_option(r->out, "", "Tất cả", a->status);
	for (i = 0; statuses[i] != NULL; i++)
		web_option(r->out, statuses[i], web_status_vi(statuses[i]),
		    a->status);
	evbuffer_add_printf(r->out, "</select></label><label>Loại<select "
	    "name=\"category\">");
	web_option(r->out, "", "Tất cả", a->category);
	for (i = 0; web_categories[i] != NULL; i++)
		web_option(r->out, web_categories[i],
		    web_category_vi(web_categories[i]), a->category);
	evbuffer_add_printf(r->out, "</select></label><label>Trường<select "
	    "name=\"school\">");
	web_option(r->out, "", "Tất cả", a->school);
	web_option(r->out, "none", "Chưa rõ trường", a->school);
	(void)store_school_list(r->ctx->store, web_school_option_cb, r);
	evbuffer_add_printf(r->out, "</select></label><label>Khẩn cấp<select "
	    "name=\"urgent\">");
	web_option(r->out, "", "Tất cả", a->urgent);
	web_option(r->out, "1", "Khẩn", a->urgent);
	web_option(r->out, "0", "Không khẩn", a->urgent);
	evbuffer_add_printf(r->out, "</select></label><label>Từ ngày<input "
	    "type=\"date\" name=\"from\" value=\"");
	web_esc(r->out, a->from);
	evbuffer_add_printf(r->out, "\"></label><label>Đến ngày<input "
	    "type=\"date\" name=\"to\" value=\"");
	web_esc(r->out, a->to);
	evbuffer_add_printf(r->out, "\"></label><button type=\"submit\">Lọc"
	    "</button></form>");
}

/* Writes the paging line and its links. */
static void
web_cases_paging(struct web_req *r, const struct cases_args *a,
    int64_t total)
{
	int	 pages;

	pages = (int)((total + CASES_PAGE - 1) / CASES_PAGE);
	evbuffer_add_printf(r->out, "</tbody></table><div class=\"paging\">"
	    "<span>%lld hồ sơ · trang %d/%d</span>", (long long)total, a->page,
	    pages > 0 ? pages : 1);
	if (a->page > 1) {
		evbuffer_add_printf(r->out, "<a rel=\"prev\" href=\"");
		web_cases_query(r->out, a, a->page - 1);
		evbuffer_add_printf(r->out, "\">← Trang trước</a>");
	}
	if (a->page < pages) {
		evbuffer_add_printf(r->out, "<a rel=\"next\" href=\"");
		web_cases_query(r->out, a, a->page + 1);
		evbuffer_add_printf(r->out, "\">Trang sau →</a>");
	}
	evbuffer_add_printf(r->out, "</div>");
}

/* GET /cases: the filters, one page of cases, the paging. */
static void
web_cases(struct web_req *r)
{
	struct cases_args	 a;
	struct case_filter	 f;
	struct cases_list	 l;
	const char		*p;
	int64_t			 total = 0;
	int			 bad;

	memset(&a, 0, sizeof(a));
	memset(&f, 0, sizeof(f));
	a.status = web_param(r, "status");
	a.category = web_param(r, "category");
	a.school = web_param(r, "school");
	a.urgent = web_param(r, "urgent");
	a.from = web_param(r, "from");
	a.to = web_param(r, "to");
	p = web_param(r, "page");
	a.page = p != NULL ? atoi(p) : 1;
	if (a.page < 1 || a.page > 100000)
		a.page = 1;
	if ((bad = casefilter_parse(&f, web_cases_param, r)) !=
	    CASEFILTER_OK) {
		web_fail(r, 400, web_cases_bad(bad));
		return;
	}
	f.limit = CASES_PAGE;
	f.offset = (a.page - 1) * CASES_PAGE;

	web_begin(r, "Hồ sơ", "/cases");
	web_cases_form(r, &a);
	memset(&l, 0, sizeof(l));
	l.r = r;
	evbuffer_add_printf(r->out, "<table id=\"cases\"><thead><tr><th>Mã</th>"
	    "<th>Thời gian</th><th>Trạng thái</th><th>Loại</th><th>Trường</th>"
	    "<th>Người báo</th><th>Nội dung</th></tr></thead><tbody>");
	if (store_case_search(r->ctx->store, &f, web_cases_row_cb, &l,
	    &total) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	if (l.rows == 0)
		evbuffer_add_printf(r->out, "<tr><td colspan=\"7\">Không có hồ "
		    "sơ nào.</td></tr>");
	web_cases_paging(r, &a, total);
	web_end(r);
	web_send(r, 200);
}

/* The Vietnamese words for a timeline line. */
static const char *
web_event_vi(const struct timeline_item *t)
{
	static const struct {
		const char	*type;
		const char	*vi;
	} names[] = {
		{ .type = "received", .vi = "Nhận báo cáo" },
		{ .type = "followup", .vi = "Tin bổ sung" },
		{ .type = "late_part", .vi = "Phần tin đến muộn" },
		{ .type = "reclassified", .vi = "Phân loại lại" },
		{ .type = "alert_queued", .vi = "Cảnh báo xếp hàng gửi" },
		{ .type = "alert_no_recipient", .vi = "Không có người nhận "
		  "cảnh báo" },
		{ .type = "escalated", .vi = "Chuyển cấp" },
		{ .type = "escalation_exhausted", .vi = "Hết cấp chuyển" },
		{ .type = "acknowledged", .vi = "Đã nhận xử lý" },
		{ .type = "acknowledged_again", .vi = "Nhận lại" },
		{ .type = "relay_to_reporter", .vi = "Trả lời người báo" },
		{ .type = "reply_queued", .vi = "Tin nhắn xếp hàng gửi" },
		{ .type = "reply_sent", .vi = "Đã gửi tin" },
		{ .type = "reply_failed", .vi = "Gửi tin thất bại" },
		{ .type = "reply_suppressed", .vi = "Không gửi (người báo "
		  "đã hủy nhận tin)" },
		{ .type = "delivered", .vi = "Đã đến máy nhận" },
		{ .type = "delivery_failed", .vi = "Không đến được máy nhận" },
		{ .type = "closed", .vi = "Đóng hồ sơ" },
		{ .type = "closed_again", .vi = "Đóng lại" },
		{ .type = "summary_sent", .vi = "Gửi tóm tắt" },
		{ .type = "command_refused", .vi = "Lệnh bị từ chối" },
	};
	size_t	 i;

	if (strcmp(t->source, "in") == 0)
		return ("Tin đến");
	if (strcmp(t->source, "out") == 0)
		return (strcmp(t->type, "alert") == 0 ? "Tin cảnh báo" :
		    "Tin gửi đi");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(t->type, names[i].type) == 0)
			return (names[i].vi);
	return (t->type);
}

static int
web_timeline_cb(const struct timeline_item *t, void *arg)
{
	struct web_req	*r = arg;
	struct evbuffer	*b = r->out;
	char		 when[32];

	web_time(t->at, when, sizeof(when));
	evbuffer_add_printf(b, "<tr class=\"tl-%s\" data-type=\"", t->source);
	web_esc(b, t->type);
	evbuffer_add_printf(b, "\"><td>%s</td><td>", when);
	web_esc(b, web_event_vi(t));
	evbuffer_add_printf(b, "</td><td>");
	if (t->who[0] != '\0') {
		web_esc(b, strcmp(t->who, "reporter") == 0 ? "người báo" :
		    t->who);
		if (t->status[0] != '\0') {
			evbuffer_add_printf(b, " · ");
			web_esc(b, t->status);
		}
	}
	evbuffer_add_printf(b, "</td><td class=\"text\">");
	web_esc(b, t->detail);
	evbuffer_add_printf(b, "</td></tr>");
	return (0);
}

/* Shows one case: its facts, the action forms and the timeline. */
static void
web_case_page(struct web_req *r, const struct store_caserow *c,
    const char *done)
{
	struct school	 s;
	char		 when[32], upd[32];

	web_time(c->created_at, when, sizeof(when));
	web_time(c->updated_at, upd, sizeof(upd));
	web_begin(r, c->code, "/cases");
	evbuffer_add_printf(r->out, "<h1>Hồ sơ <span id=\"code\">");
	web_esc(r->out, c->code);
	evbuffer_add_printf(r->out, "</span> %s</h1>", c->urgent ?
	    "<span class=\"urgent\">KHẨN</span>" : "");
	if (done != NULL)
		evbuffer_add_printf(r->out, "<p class=\"msg\" id=\"done\">%s"
		    "</p>", strcmp(done, "ack") == 0 ? "Đã nhận xử lý hồ sơ." :
		    strcmp(done, "already") == 0 ? "Hồ sơ đã được nhận xử lý "
		    "trước đó; đã ghi thêm bạn." : strcmp(done, "reply") == 0 ?
		    "Đã xếp hàng gửi tin trả lời cho người báo." :
		    strcmp(done, "close") == 0 ? "Đã đóng hồ sơ." : "Đã lưu.");
	evbuffer_add_printf(r->out, "<div class=\"box\"><dl><dt>Trạng thái"
	    "</dt><dd id=\"status\" class=\"st-%s\">%s</dd><dt>Loại</dt><dd>%s"
	    "</dd><dt>Trường</dt><dd>", c->status, web_status_vi(c->status),
	    web_category_vi(c->category));
	if (c->school[0] != '\0' &&
	    store_school_get(r->ctx->store, c->school, &s) == 1) {
		web_esc(r->out, s.code);
		evbuffer_add_printf(r->out, " · ");
		web_esc(r->out, s.name);
	} else
		evbuffer_add_printf(r->out, "chưa rõ");
	evbuffer_add_printf(r->out, "</dd><dt>Người báo</dt><dd>");
	web_esc(r->out, c->alias[0] ? c->alias : c->contact_id > 0 ?
	    "cán bộ đã đăng ký" : "—");
	evbuffer_add_printf(r->out, "</dd><dt>Nguồn</dt><dd>");
	web_esc(r->out, c->source);
	evbuffer_add_printf(r->out, "</dd><dt>Nhận lúc</dt><dd>%s</dd>"
	    "<dt>Cập nhật</dt><dd>%s</dd>", when, upd);
	if (c->outcome[0] != '\0') {
		evbuffer_add_printf(r->out, "<dt>Kết quả</dt><dd>");
		web_esc(r->out, c->outcome);
		evbuffer_add_printf(r->out, "</dd>");
	}
	evbuffer_add_printf(r->out, "<dt>Nội dung</dt><dd class=\"text\" "
	    "id=\"text\">");
	web_esc(r->out, c->text);
	evbuffer_add_printf(r->out, "</dd></dl></div>");

	if (strcmp(c->status, "closed") != 0) {
		evbuffer_add_printf(r->out, "<h2>Xử lý</h2><div class=\""
		    "actions\">");
		if (strcmp(c->status, "open") == 0) {
			evbuffer_add_printf(r->out, "<form class=\"box\" "
			    "method=\"post\" action=\"/cases/");
			web_esc(r->out, c->code);
			evbuffer_add_printf(r->out, "/ack\">");
			web_csrf_field(r);
			evbuffer_add_printf(r->out, "<p>Nhận xử lý: dừng chuyển "
			    "cấp cảnh báo.</p><button id=\"ack\" type=\"submit\">"
			    "Nhận xử lý</button></form>");
		}
		if (c->reporter_id > 0 || c->contact_id > 0) {
			evbuffer_add_printf(r->out, "<form class=\"box\" "
			    "method=\"post\" action=\"/cases/");
			web_esc(r->out, c->code);
			evbuffer_add_printf(r->out, "/reply\">");
			web_csrf_field(r);
			evbuffer_add_printf(r->out, "<label>Trả lời người báo "
			    "(gửi SMS, không lộ số)<textarea name=\"text\" "
			    "id=\"reply-text\" required maxlength=\"%d\">"
			    "</textarea></label><button id=\"reply\" "
			    "type=\"submit\">Gửi trả lời</button></form>",
			    CASEACT_REPLY_CHARS);
		}
		evbuffer_add_printf(r->out, "<form class=\"box\" method=\"post\""
		    " action=\"/cases/");
		web_esc(r->out, c->code);
		evbuffer_add_printf(r->out, "/close\">");
		web_csrf_field(r);
		evbuffer_add_printf(r->out, "<label>Kết quả xử lý<input name=\""
		    "outcome\" id=\"outcome\" required maxlength=\"%d\"></label>"
		    "<button id=\"close\" type=\"submit\">Đóng hồ sơ</button>"
		    "</form></div>", CASEACT_OUTCOME_CHARS);
	}
	evbuffer_add_printf(r->out, "<h2>Diễn biến</h2><table id=\"timeline\">"
	    "<thead><tr><th>Thời gian</th><th>Sự việc</th><th>Ai</th><th>Chi "
	    "tiết</th></tr></thead><tbody>");
	if (store_case_timeline(r->ctx->store, c->id, web_timeline_cb, r) ==
	    -1)
		evbuffer_add_printf(r->out, "<tr><td colspan=\"4\">Lỗi cơ sở "
		    "dữ liệu.</td></tr>");
	evbuffer_add_printf(r->out, "</tbody></table>");
	web_end(r);
	web_send(r, 200);
}

/* The dashboard's words for an action caseact.c refused; its status. */
static int
web_case_refusal(int r, enum caseact_type type, char *msg, size_t sz)
{
	switch (r) {
	case CASEACT_CLOSED:
		(void)snprintf(msg, sz, "Hồ sơ đã đóng: %s.",
		    type == CASEACT_ACK ? "không cần nhận xử lý nữa" :
		    type == CASEACT_REPLY ? "không gửi trả lời được nữa" :
		    "kết quả đã ghi không thay đổi");
		return (409);
	case CASEACT_NOBODY:
		(void)snprintf(msg, sz, "Hồ sơ này không có người báo để trả "
		    "lời.");
		return (409);
	case CASEACT_ERROR:
		(void)snprintf(msg, sz, "Không lưu được. Hãy thử lại.");
		return (500);
	default:	/* the text */
		if (type == CASEACT_REPLY)
			(void)snprintf(msg, sz, "Tin trả lời phải có nội dung "
			    "và không quá %d ký tự.", CASEACT_REPLY_CHARS);
		else
			(void)snprintf(msg, sz, "Hãy ghi kết quả xử lý (không "
			    "quá %d ký tự, %d byte).", CASEACT_OUTCOME_CHARS,
			    CASEACT_OUTCOME_BYTES);
		return (400);
	}
}

/* POST /cases/CODE/ACTION: runs the action, redirects back to the case. */
static void
web_case_act(struct web_req *r, const struct store_caserow *c,
    const char *action)
{
	struct caseact	 a;
	char		 loc[64], msg[160];
	int		 t, rc;

	if ((t = caseact_find(action)) == -1) {
		web_fail(r, 404, "Không có thao tác này.");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.store = r->ctx->store;
	a.secret = r->ctx->secret;
	a.conf = r->ctx->conf;
	a.type = (enum caseact_type)t;
	a.actor = r->actor;
	a.addr = r->addr;
	a.text = a.type == CASEACT_REPLY ? web_field(r, "text") :
	    a.type == CASEACT_CLOSE ? web_field(r, "outcome") : NULL;
	a.now = r->now;
	rc = caseact_run(&a, c);
	log_info("web: case=%s action=%s by=%s result=%s", c->code, action,
	    r->actor, caseact_result_str(rc));
	if (rc != CASEACT_DONE && rc != CASEACT_ALREADY) {
		web_fail(r, web_case_refusal(rc, a.type, msg, sizeof(msg)), msg);
		return;
	}
	if (r->ctx->outbox != NULL)
		outbox_kick(r->ctx->outbox);
	(void)snprintf(loc, sizeof(loc), "/cases/%s?done=%s", c->code,
	    rc == CASEACT_ALREADY ? "already" : action);
	web_redirect(r, loc);
}

/* /cases/CODE (GET) and /cases/CODE/ack|reply|close (POST). */
static void
web_case(struct web_req *r)
{
	struct store_caserow	 c;
	char			 code[16];
	const char		*action = NULL, *slash;
	size_t			 n;
	int			 rc;

	slash = strchr(r->rest, '/');
	n = slash != NULL ? (size_t)(slash - r->rest) : strlen(r->rest);
	if (n == 0 || n >= sizeof(code)) {
		web_fail(r, 404, "Không có hồ sơ này.");
		return;
	}
	memcpy(code, r->rest, n);
	code[n] = '\0';
	if (slash != NULL)
		action = slash + 1;
	if ((action == NULL) != (r->method == EVHTTP_REQ_GET)) {
		web_fail(r, 405, "Phương thức không được phép.");
		return;
	}
	if ((rc = store_case_get(r->ctx->store, code, &c)) != 1) {
		web_fail(r, rc == 0 ? 404 : 500, rc == 0 ?
		    "Không có hồ sơ này." : "Lỗi cơ sở dữ liệu.");
		return;
	}
	if (action == NULL) {
		(void)store_audit(r->ctx->store, r->actor, "case.view", c.id,
		    "", r->addr);
		web_case_page(r, &c, web_param(r, "done"));
	} else
		web_case_act(r, &c, action);
	store_caserow_free(&c);
}
