/*
 * tinbao: the dashboard's cases: the list with filters (casefilter.c, the
 * API's parser) and paging, one case with its timeline (web_timeline.c),
 * and the forms of every action of caseact.c (the rules the SMS commands
 * and the API follow too): acknowledge, reply to the reporter, close, and
 * the desk's triage, assign, note, invalid / duplicate, merge, share and,
 * on a closed case, reopen.  A commune account (web.c lets it GET only)
 * sees its commune's cases, without reporter, timeline or forms, and the
 * report's text only once the Bureau shared the case.
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
static void	web_case_desk_forms(struct web_req *,
		    const struct store_caserow *);
static void	web_case_reopen_form(struct web_req *,
		    const struct store_caserow *);
static void	web_case_commune_page(struct web_req *,
		    const struct store_caserow *);

const struct web_page web_case_pages[] = {
	{ .path = "/cases", .methods = EVHTTP_REQ_GET, .flags = WEB_F_COMMUNE,
	  .serve = web_cases },
	{ .path = "/cases", .methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	  .flags = WEB_F_PREFIX | WEB_F_COMMUNE, .serve = web_case },
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
	const char	*commune;
	const char	*level;
	const char	*assigned;
	const char	*triage;
	const char	*q;
	int		 page;
};

static void	web_cases_form_desk(struct web_req *,
		    const struct cases_args *);

struct communes {
	struct web_req	*r;
	char		 names[64][128];
	size_t		 n;
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
			    "from", "to", "commune", "level", "assigned",
			    "triage", "q" };
	const char	*v[] = { a->status, a->category, a->school,
			    a->urgent, a->from, a->to, a->commune, a->level,
			    a->assigned, a->triage, a->q };
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

/* The school a form shows selected; NULL: the query's. */
static const char *web_school_selected;

static int
web_school_option_cb(const struct school *s, void *arg)
{
	struct web_req	*r = arg;
	char		 label[200];

	(void)snprintf(label, sizeof(label), "%s · %s", s->code, s->name);
	web_option(r->out, s->code, label, web_school_selected != NULL ?
	    web_school_selected : web_param(r, "school"));
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
	evbuffer_add_printf(b, "<tr><td data-l=\"Mã\"><a href=\"/cases/");
	web_esc(b, c->code);
	evbuffer_add_printf(b, "\">");
	web_esc(b, c->code);
	evbuffer_add_printf(b, "</a></td><td data-l=\"Lúc\">%s</td><td "
	    "data-l=\"Trạng thái\" class=\"st-%s\">%s%s%s</td><td "
	    "data-l=\"Loại\">%s%s</td><td data-l=\"Trường\">", when,
	    c->status, web_status_vi(c->status), c->excluded[0] ?
	    " · không tính" : "", c->esc_step > 1 ? " · đã chuyển cấp" : "",
	    c->urgent ? "<span class=\"urgent\">KHẨN</span> " : "",
	    web_category_vi(c->category));
	web_esc(b, c->school[0] ? c->school : "—");
	evbuffer_add_printf(b, "</td><td data-l=\"Người báo\">");
	web_esc(b, c->alias[0] && !web_is_commune(l->r) ? c->alias : "—");
	evbuffer_add_printf(b, "</td><td class=\"text\">");
	if (web_is_commune(l->r) && c->shared_at == 0) {
		evbuffer_add_printf(b, "<em>(nội dung chưa chia sẻ)</em></td>"
		    "</tr>");
		return (0);
	}
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
	case CASEFILTER_COMMUNE:
		return ("Tên xã không hợp lệ.");
	case CASEFILTER_LEVEL:
		return ("Cấp chuyển phải từ 1 đến 9.");
	case CASEFILTER_ASSIGNED:
		return ("Tên cán bộ không hợp lệ.");
	case CASEFILTER_TRIAGE:
		return ("Trạng thái phân loại không hợp lệ.");
	case CASEFILTER_TEXT:
		return ("Từ khóa tìm kiếm quá dài (tối đa 200 byte).");
	default:
		return ("Ngày bắt đầu sau ngày kết thúc.");
	}
}

/* Adds each school's commune once to the commune choices. */
static int
web_commune_option_cb(const struct school *s, void *arg)
{
	struct communes	*cs = arg;
	size_t		 i;

	if (s->commune[0] == '\0')
		return (0);
	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->names[i], s->commune) == 0)
			return (0);
	if (cs->n == sizeof(cs->names) / sizeof(cs->names[0]))
		return (0);
	(void)strlcpy_checked(cs->names[cs->n++], s->commune,
	    sizeof(cs->names[0]));
	web_option(cs->r->out, s->commune, s->commune, web_param(cs->r,
	    "commune"));
	return (0);
}

/* The desk's filters: commune, level, assigned, triage, free text. */
static void
web_cases_form_desk(struct web_req *r, const struct cases_args *a)
{
	struct communes	*cs = xcalloc(1, sizeof(*cs));
	char		 n[4];
	int		 i;

	cs->r = r;
	evbuffer_add_printf(r->out, "<label>Xã<select name=\"commune\">");
	web_option(r->out, "", "Tất cả", a->commune);
	(void)store_school_list(r->ctx->store, web_commune_option_cb, cs);
	free(cs);
	evbuffer_add_printf(r->out, "</select></label><label>Cấp chuyển"
	    "<select name=\"level\">");
	web_option(r->out, "", "Tất cả", a->level);
	for (i = 1; i <= 3; i++) {
		(void)snprintf(n, sizeof(n), "%d", i);
		web_option(r->out, n, i == 1 ? "Đã cảnh báo (cấp 1+)" : i == 2 ?
		    "Đã chuyển cấp 2+" : "Đã chuyển cấp 3", a->level);
	}
	evbuffer_add_printf(r->out, "</select></label><label>Giao cho<input "
	    "name=\"assigned\" size=\"10\" placeholder=\"tên hoặc none\" "
	    "value=\"");
	web_esc(r->out, a->assigned);
	evbuffer_add_printf(r->out, "\"></label><label>Phân loại<select "
	    "name=\"triage\">");
	web_option(r->out, "", "Tất cả", a->triage);
	web_option(r->out, "untriaged", "Chưa phân loại", a->triage);
	web_option(r->out, "triaged", "Đã phân loại", a->triage);
	evbuffer_add_printf(r->out, "</select></label><label>Tìm (nội dung, "
	    "ghi chú; không cần dấu)<input type=\"search\" name=\"q\" "
	    "maxlength=\"%d\" value=\"", CASEFILTER_TEXT_MAX);
	web_esc(r->out, a->q);
	evbuffer_add_printf(r->out, "\"></label>");
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
	evbuffer_add_printf(r->out, "\"></label>");
	web_cases_form_desk(r, a);
	evbuffer_add_printf(r->out, "<button type=\"submit\">Lọc</button>"
	    "</form>");
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
	a.commune = web_param(r, "commune");
	a.level = web_param(r, "level");
	a.assigned = web_param(r, "assigned");
	a.triage = web_param(r, "triage");
	a.q = web_param(r, "q");
	p = web_param(r, "page");
	a.page = p != NULL ? atoi(p) : 1;
	if (a.page < 1 || a.page > 100000)
		a.page = 1;
	if ((bad = casefilter_parse(&f, web_cases_param, r)) !=
	    CASEFILTER_OK) {
		web_fail(r, 400, web_cases_bad(bad));
		return;
	}
	if (web_is_commune(r)) {
		/* Its commune only; no search over texts it may not read. */
		f.commune = r->user.commune;
		f.text = NULL;
	}
	f.limit = CASES_PAGE;
	f.offset = (a.page - 1) * CASES_PAGE;

	web_begin(r, "Hồ sơ", "/cases");
	web_cases_form(r, &a);
	if (web_is_commune(r)) {
		evbuffer_add_printf(r->out, "<p class=\"msg\" id=\"commune-"
		    "note\">Tài khoản xã ");
		web_esc(r->out, r->user.commune);
		evbuffer_add_printf(r->out, ": chỉ xem hồ sơ của xã; nội dung "
		    "báo cáo chỉ hiện khi Phòng Giáo dục chia sẻ.</p>");
	}
	memset(&l, 0, sizeof(l));
	l.r = r;
	evbuffer_add_printf(r->out, "<table id=\"cases\" class=\"cards\"><thead>"
	    "<tr><th>Mã</th>"
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

/* Opens a form posting to /cases/CODE/ACTION. */
static void
web_case_form(struct web_req *r, const struct store_caserow *c,
    const char *action)
{
	evbuffer_add_printf(r->out, "<form class=\"box\" id=\"form-%s\" "
	    "method=\"post\" action=\"/cases/", action);
	web_esc(r->out, c->code);
	evbuffer_add_printf(r->out, "/%s\">", action);
	web_csrf_field(r);
}

/* The triage form: category, school and urgency, as they are selected. */
static void
web_case_triage_form(struct web_req *r, const struct store_caserow *c)
{
	size_t	 i;

	web_case_form(r, c, "triage");
	evbuffer_add_printf(r->out, "<p>Phân loại: xác nhận hoặc sửa (thống "
	    "kê dùng giá trị đã sửa).</p><label>Loại<select name=\"category\">");
	for (i = 0; web_categories[i] != NULL; i++)
		web_option(r->out, web_categories[i],
		    web_category_vi(web_categories[i]), c->category);
	evbuffer_add_printf(r->out, "</select></label><label>Trường<select "
	    "name=\"school\">");
	web_option(r->out, "none", "Chưa rõ trường", c->school[0] ? c->school :
	    "none");
	web_school_selected = c->school;
	(void)store_school_list(r->ctx->store, web_school_option_cb, r);
	web_school_selected = NULL;
	evbuffer_add_printf(r->out, "</select></label><label>Khẩn cấp<select "
	    "name=\"urgent\">");
	web_option(r->out, "1", "Khẩn", c->urgent ? "1" : "0");
	web_option(r->out, "0", "Không khẩn", c->urgent ? "1" : "0");
	evbuffer_add_printf(r->out, "</select></label><button id=\"triage\" "
	    "type=\"submit\">Lưu phân loại</button></form>");
}

/* The desk's forms on an open or acknowledged case. */
static void
web_case_desk_forms(struct web_req *r, const struct store_caserow *c)
{
	web_case_triage_form(r, c);
	web_case_form(r, c, "assign");
	evbuffer_add_printf(r->out, "<label>Giao cho cán bộ (tên đăng nhập)"
	    "<input name=\"user\" id=\"assign-user\" required maxlength=\"63\" "
	    "value=\"");
	web_esc(r->out, r->user.name);
	evbuffer_add_printf(r->out, "\"></label><button id=\"assign\" "
	    "type=\"submit\">Giao</button></form>");
	web_case_form(r, c, "note");
	evbuffer_add_printf(r->out, "<label>Ghi chú nội bộ (không gửi cho ai)"
	    "<textarea name=\"text\" id=\"note-text\" required maxlength=\"%d\">"
	    "</textarea></label><button id=\"note\" type=\"submit\">Ghi chú"
	    "</button></form>", CASEACT_NOTE_CHARS);
	web_case_form(r, c, "invalid");
	evbuffer_add_printf(r->out, "<p>Không hợp lệ hoặc trùng: đóng, không "
	    "tính trong thống kê, không báo cho người báo.</p><label>Lý do"
	    "<input name=\"reason\" maxlength=\"%d\"></label><label>Trùng với "
	    "hồ sơ (mã, nếu có)<input name=\"duplicate_of\" maxlength=\"15\">"
	    "</label><button id=\"invalid\" type=\"submit\" class=\"secondary\">"
	    "Không hợp lệ / trùng</button></form>", CASEACT_OUTCOME_CHARS);
	if (c->shared_at == 0) {
		web_case_form(r, c, "share");
		evbuffer_add_printf(r->out, "<p>Chia sẻ nội dung báo cáo với "
		    "tài khoản của xã (chỉ xem).</p><button id=\"share\" "
		    "type=\"submit\" class=\"secondary\">Chia sẻ với xã"
		    "</button></form>");
	}
	web_case_form(r, c, "merge");
	evbuffer_add_printf(r->out, "<label>Gộp vào hồ sơ (mã)<input name=\""
	    "into\" id=\"merge-into\" required maxlength=\"15\"></label>"
	    "<button id=\"merge\" type=\"submit\" class=\"secondary\">Gộp"
	    "</button></form>");
}

/*
 * A case as a commune account sees it: the facts, the text only when the
 * Bureau shared it; no reporter, no timeline (messages, notes), no forms.
 */
static void
web_case_commune_page(struct web_req *r, const struct store_caserow *c)
{
	char	 when[32];

	web_time(c->created_at, when, sizeof(when));
	web_begin(r, c->code, "/cases");
	evbuffer_add_printf(r->out, "<h1>Hồ sơ <span id=\"code\">");
	web_esc(r->out, c->code);
	evbuffer_add_printf(r->out, "</span> %s</h1><div class=\"box\"><dl>"
	    "<dt>Trạng thái</dt><dd id=\"status\" class=\"st-%s\">%s</dd>"
	    "<dt>Loại</dt><dd>%s</dd><dt>Trường</dt><dd>", c->urgent ?
	    "<span class=\"urgent\">KHẨN</span>" : "", c->status,
	    web_status_vi(c->status), web_category_vi(c->category));
	web_esc(r->out, c->school[0] ? c->school : "chưa rõ");
	evbuffer_add_printf(r->out, "</dd><dt>Nhận lúc</dt><dd>%s</dd>"
	    "<dt>Nội dung</dt><dd class=\"text\" id=\"text\">", when);
	if (c->shared_at != 0)
		web_esc(r->out, c->text);
	else
		evbuffer_add_printf(r->out, "<em>Phòng Giáo dục chưa chia sẻ "
		    "nội dung hồ sơ này.</em>");
	evbuffer_add_printf(r->out, "</dd></dl></div>");
	web_end(r);
	web_send(r, 200);
}

/* The one action a closed case takes. */
static void
web_case_reopen_form(struct web_req *r, const struct store_caserow *c)
{
	evbuffer_add_printf(r->out, "<h2 id=\"act\">Xử lý</h2><div class=\""
	    "actions\">");
	web_case_triage_form(r, c);
	web_case_form(r, c, "reopen");
	evbuffer_add_printf(r->out, "<label>Mở lại hồ sơ: lý do<input name=\""
	    "reason\" maxlength=\"%d\"></label><button id=\"reopen\" type=\""
	    "submit\">Mở lại</button></form></div>", CASEACT_OUTCOME_CHARS);
}

/* Shows one case: its facts, the action forms and the timeline. */
static void
web_case_page(struct web_req *r, const struct store_caserow *c,
    const char *done)
{
	struct school		 s;
	struct web_timeline	*tl;
	char			 when[32], upd[32];

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
		    strcmp(done, "close") == 0 ? "Đã đóng hồ sơ." :
		    strcmp(done, "assign") == 0 ? "Đã giao hồ sơ." :
		    strcmp(done, "note") == 0 ? "Đã ghi chú (nội bộ, không gửi "
		    "đi)." : strcmp(done, "triage") == 0 ? "Đã phân loại." :
		    strcmp(done, "invalid") == 0 ? "Đã đánh dấu không hợp lệ / "
		    "trùng: không tính trong thống kê." : strcmp(done, "merge") ==
		    0 ? "Đã gộp vào hồ sơ kia." : strcmp(done, "reopen") == 0 ?
		    "Đã mở lại hồ sơ." : strcmp(done, "share") == 0 ?
		    "Đã chia sẻ nội dung với xã." : "Đã lưu.");
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
	evbuffer_add_printf(r->out, "<dt>Giao cho</dt><dd id=\"assigned\">");
	web_esc(r->out, c->assigned[0] ? c->assigned : "chưa giao");
	evbuffer_add_printf(r->out, "</dd>");
	if (c->excluded[0] != '\0') {
		evbuffer_add_printf(r->out, "<dt>Thống kê</dt><dd id=\"excluded"
		    "\">Không tính (%s", strcmp(c->excluded, "invalid") == 0 ?
		    "không hợp lệ" : strcmp(c->excluded, "duplicate") == 0 ?
		    "trùng với " : "đã gộp vào ");
		if (c->duplicate_of[0] != '\0') {
			evbuffer_add_printf(r->out, "<a href=\"/cases/");
			web_esc(r->out, c->duplicate_of);
			evbuffer_add_printf(r->out, "\">");
			web_esc(r->out, c->duplicate_of);
			evbuffer_add_printf(r->out, "</a>");
		}
		evbuffer_add_printf(r->out, ")</dd>");
	}
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
		evbuffer_add_printf(r->out, "<h2 id=\"act\">Xử lý</h2><div "
		    "class=\"actions\">");
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
		    "</form>", CASEACT_OUTCOME_CHARS);
		web_case_desk_forms(r, c);
		evbuffer_add_printf(r->out, "</div>");
	} else
		web_case_reopen_form(r, c);
	evbuffer_add_printf(r->out, "<h2>Diễn biến</h2><ol id=\"timeline\">");
	tl = web_timeline_new(r);
	if (store_case_timeline(r->ctx->store, c->id, web_timeline_cb, tl) ==
	    -1)
		evbuffer_add_printf(r->out, "<li>Lỗi cơ sở dữ liệu.</li>");
	web_timeline_free(tl);
	evbuffer_add_printf(r->out, "</ol>");
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
	case CASEACT_NOT_CLOSED:
		(void)snprintf(msg, sz, "Hồ sơ chưa đóng: không cần mở lại.");
		return (409);
	case CASEACT_NO_USER:
		(void)snprintf(msg, sz, "Không có cán bộ Phòng Giáo dục nào "
		    "đang hoạt động với tên này.");
		return (400);
	case CASEACT_NO_CASE:
		(void)snprintf(msg, sz, "Mã hồ sơ kia không đúng: phải là một "
		    "hồ sơ khác có thật%s.", type == CASEACT_MERGE ? ", chưa "
		    "đóng" : "");
		return (400);
	case CASEACT_BAD_VALUE:
		(void)snprintf(msg, sz, "Loại, trường hoặc mức khẩn cấp không "
		    "hợp lệ.");
		return (400);
	case CASEACT_ERROR:
		(void)snprintf(msg, sz, "Không lưu được. Hãy thử lại.");
		return (500);
	default:	/* the text */
		if (type == CASEACT_NOTE)
			(void)snprintf(msg, sz, "Ghi chú phải có nội dung và "
			    "không quá %d ký tự.", CASEACT_NOTE_CHARS);
		else if (type == CASEACT_ASSIGN)
			(void)snprintf(msg, sz, "Hãy chọn cán bộ được giao.");
		else if (type == CASEACT_MERGE)
			(void)snprintf(msg, sz, "Hãy ghi mã hồ sơ để gộp vào.");
		else if (type == CASEACT_INVALID || type == CASEACT_REOPEN)
			(void)snprintf(msg, sz, "Lý do không quá %d ký tự.",
			    CASEACT_OUTCOME_CHARS);
		else if (type == CASEACT_REPLY)
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
	const char	*v;
	char		 loc[64], msg[200];
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
	if (*caseact_text_name(a.type) != '\0')
		a.text = web_field(r, caseact_text_name(a.type));
	a.other = web_field(r, "duplicate_of");
	a.category = web_field(r, "category");
	a.school = web_field(r, "school");
	a.urgent = -1;
	if (a.category != NULL && *a.category == '\0')
		a.category = NULL;
	if (a.school != NULL && *a.school == '\0')
		a.school = NULL;
	if ((v = web_field(r, "urgent")) != NULL && *v != '\0')
		a.urgent = strcmp(v, "1") == 0 ? 1 : strcmp(v, "0") == 0 ? 0 :
		    -2;	/* caseact.c refuses it */
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
	/* From the needs-attention list, back to it. */
	if ((v = web_field(r, "back")) != NULL && strcmp(v, "/attention") == 0)
		(void)snprintf(loc, sizeof(loc), "/attention");
	else
		(void)snprintf(loc, sizeof(loc), "/cases/%s?done=%s", c->code,
		    rc == CASEACT_ALREADY ? "already" : action);
	web_redirect(r, loc);
}

/* /cases/CODE (GET) and /cases/CODE/ack|reply|close (POST). */
static void
web_case(struct web_req *r)
{
	struct store_caserow	 c;
	char			 code[16], commune[128];
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
	/* Another commune's case does not exist for a commune account. */
	if (web_is_commune(r) && (store_case_commune(r->ctx->store, c.id,
	    commune, sizeof(commune)) == -1 || strcmp(commune,
	    r->user.commune) != 0)) {
		store_caserow_free(&c);
		web_fail(r, 404, "Không có hồ sơ này.");
		return;
	}
	if (action == NULL) {
		(void)store_audit(r->ctx->store, r->actor, "case.view", c.id,
		    "", r->addr);
		if (web_is_commune(r))
			web_case_commune_page(r, &c);
		else
			web_case_page(r, &c, web_param(r, "done"));
	} else
		web_case_act(r, &c, action);
	store_caserow_free(&c);
}
