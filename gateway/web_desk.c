/*
 * tinbao: "Cần xử lý" (needs attention), the dashboard's home page: what
 * a Bureau officer should look at first, in three parts (store_attention):
 * urgent cases nobody has acknowledged, with the escalation level reached
 * and the time since the report, oldest first, each with its acknowledge
 * button; then the untriaged cases, "other" first; then the open cases
 * assigned to the officer.
 *
 * The count of these cases is in the menu of every page and in the tab's
 * title (web.c's web_begin).  The page reloads itself every
 * WEB_ATTENTION_REFRESH seconds with a <meta http-equiv="refresh">: a
 * poll without any script, so the dashboard's Content-Security-Policy
 * still allows none.  The list carries no form that a reload could lose
 * but the acknowledge buttons.
 */
#include <string.h>

#include "tinbao.h"
#include "web.h"

static void	web_attention(struct web_req *);

const struct web_page web_desk_pages[] = {
	{ .path = "/attention", .methods = EVHTTP_REQ_GET,
	  .serve = web_attention },
};
const size_t web_ndesk_pages = sizeof(web_desk_pages) /
    sizeof(web_desk_pages[0]);

struct attention {
	struct web_req	*r;
	int		 part;		/* the part whose table is open, or -1 */
	int		 rows[ATTENTION_NPARTS];
};

/* Writes how long ago t was, in Vietnamese ("2 giờ 5 phút"). */
void
web_age(char *buf, size_t bufsz, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 3600)
		(void)snprintf(buf, bufsz, "%d phút", (int)(secs / 60));
	else if (secs < 86400)
		(void)snprintf(buf, bufsz, "%d giờ %d phút", (int)(secs / 3600),
		    (int)(secs % 3600 / 60));
	else
		(void)snprintf(buf, bufsz, "%d ngày %d giờ", (int)(secs / 86400),
		    (int)(secs % 86400 / 3600));
}

/* Opens part's heading and table. */
static void
web_attention_part(struct attention *at, int part)
{
	static const char *const head[] = {
		[ATTENTION_URGENT_UNACKED] = "Khẩn cấp, chưa ai nhận",
		[ATTENTION_UNTRIAGED] = "Chưa phân loại",
		[ATTENTION_MINE] = "Giao cho tôi",
	};
	static const char *const id[] = {
		[ATTENTION_URGENT_UNACKED] = "urgent",
		[ATTENTION_UNTRIAGED] = "untriaged",
		[ATTENTION_MINE] = "mine",
	};
	struct evbuffer	*b = at->r->out;

	if (at->part >= 0)
		evbuffer_add_printf(b, "</tbody></table>");
	at->part = part;
	evbuffer_add_printf(b, "<h2>%s</h2><table class=\"cards attn\" "
	    "id=\"attn-%s\"><thead><tr><th>Mã</th><th>Loại</th><th>Trường</th>"
	    "<th>Cấp</th><th>Đã qua</th><th>Nội dung</th><th></th></tr>"
	    "</thead><tbody>", head[part], id[part]);
}

static int
web_attention_cb(int part, const struct store_caserow *c, void *arg)
{
	struct attention	*at = arg;
	struct evbuffer		*b = at->r->out;
	char			 age[48];
	size_t			 n;

	if (at->part != part)
		web_attention_part(at, part);
	at->rows[part]++;
	web_age(age, sizeof(age), at->r->now - c->created_at);
	evbuffer_add_printf(b, "<tr data-code=\"");
	web_esc(b, c->code);
	evbuffer_add_printf(b, "\"><td data-l=\"Mã\"><a href=\"/cases/");
	web_esc(b, c->code);
	evbuffer_add_printf(b, "\">");
	web_esc(b, c->code);
	evbuffer_add_printf(b, "</a> %s</td><td data-l=\"Loại\">%s",
	    c->urgent ? "<span class=\"urgent\">KHẨN</span>" : "",
	    web_category_vi(c->category));
	if (part == ATTENTION_UNTRIAGED && c->confidence > 0)
		evbuffer_add_printf(b, " <small class=\"conf\">(chắc %d%%)"
		    "</small>", (int)(c->confidence * 100 + 0.5));
	evbuffer_add_printf(b, "</td><td data-l=\"Trường\">");
	web_esc(b, c->school[0] ? c->school : "chưa rõ");
	evbuffer_add_printf(b, "</td><td data-l=\"Cấp\" class=\"level\">");
	if (c->esc_step > 0)
		evbuffer_add_printf(b, "cấp %d", c->esc_step);
	else
		evbuffer_add_printf(b, "—");
	evbuffer_add_printf(b, "</td><td data-l=\"Đã qua\" class=\"age\">%s"
	    "</td><td class=\"text\">", age);
	n = strlen(c->text);
	if (n > 100) {
		n = 100;
		while (n > 0 && ((unsigned char)c->text[n] & 0xc0) == 0x80)
			n--;
	}
	web_esc_n(b, c->text, n);
	evbuffer_add_printf(b, "%s</td><td>", n < strlen(c->text) ? "…" : "");
	if (part == ATTENTION_URGENT_UNACKED) {
		evbuffer_add_printf(b, "<form class=\"inline\" method=\"post\" "
		    "action=\"/cases/");
		web_esc(b, c->code);
		evbuffer_add_printf(b, "/ack\">");
		web_csrf_field(at->r);
		evbuffer_add_printf(b, "<input type=\"hidden\" name=\"back\" "
		    "value=\"/attention\"><button class=\"ack\" type=\"submit\">"
		    "Nhận xử lý</button></form>");
	} else {
		evbuffer_add_printf(b, "<a href=\"/cases/");
		web_esc(b, c->code);
		evbuffer_add_printf(b, "#act\">%s</a>", part ==
		    ATTENTION_UNTRIAGED ? "Phân loại" : "Mở");
	}
	evbuffer_add_printf(b, "</td></tr>");
	return (0);
}

/* GET /attention: the three parts, each only when it has cases. */
static void
web_attention(struct web_req *r)
{
	struct attention	 at;
	int			 n;

	memset(&at, 0, sizeof(at));
	at.r = r;
	at.part = -1;
	web_begin(r, "Cần xử lý", "/attention");
	evbuffer_add_printf(r->out, "<h1>Cần xử lý</h1>");
	if ((n = store_attention(r->ctx->store, r->user.name,
	    web_attention_cb, &at)) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	if (at.part >= 0)
		evbuffer_add_printf(r->out, "</tbody></table>");
	if (n == 0)
		evbuffer_add_printf(r->out, "<p class=\"msg\" id=\"nothing\">"
		    "Không có việc nào đang chờ.</p>");
	evbuffer_add_printf(r->out, "<p class=\"note\">Trang tự tải lại mỗi "
	    "%d giây.</p>", WEB_ATTENTION_REFRESH);
	web_end(r);
	web_send(r, 200);
}
