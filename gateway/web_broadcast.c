/*
 * tinbao: awareness messages from the dashboard (SPEC section 11): a
 * Bureau user proposes a broadcast (a group or a role, a text or a
 * template) and sees its cost; it stays pending, with no message queued,
 * until a second Bureau user (or an admin) approves it, and only then is
 * it queued by broadcast.c, with the recipients listed again, STOP
 * numbers left out, held past quiet hours and behind every alert.  The
 * proposer cannot approve their own broadcast.  The page lists every
 * broadcast with its delivery counts.  Proposals and decisions are
 * audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"
#include "web.h"

#define WB_TEXT_MAX	1000

static void	web_broadcast(struct web_req *);
static void	web_broadcast_propose(struct web_req *);
static void	web_broadcast_decide(struct web_req *, int);
static int	web_broadcast_row(const struct broadcast *, const int64_t[4],
		    void *);
static int	web_broadcast_copy(const struct broadcast *, const int64_t[4],
		    void *);

const struct web_page web_broadcast_pages[] = {
	{ .path = "/broadcast", .methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	  .serve = web_broadcast },
};
const size_t web_nbroadcast_pages = sizeof(web_broadcast_pages) /
    sizeof(web_broadcast_pages[0]);

/* A pending broadcast as read, its strings copied out of the statement. */
struct wb_pending {
	struct broadcast b;
	char		 target[300], text[WB_TEXT_MAX + 8], by[80];
	char		 group[80], role[24], commune[128], status[16];
	int		 found;
};

static int
web_broadcast_copy(const struct broadcast *b, const int64_t n[4], void *arg)
{
	struct wb_pending	*p = arg;

	(void)n;
	p->b = *b;
	(void)strlcpy_checked(p->target, b->target, sizeof(p->target));
	(void)strlcpy_checked(p->text, b->text, sizeof(p->text));
	(void)strlcpy_checked(p->by, b->created_by, sizeof(p->by));
	(void)strlcpy_checked(p->status, b->status, sizeof(p->status));
	p->group[0] = p->role[0] = p->commune[0] = '\0';
	if (b->group != NULL)
		(void)strlcpy_checked(p->group, b->group, sizeof(p->group));
	if (b->role != NULL)
		(void)strlcpy_checked(p->role, b->role, sizeof(p->role));
	if (b->commune != NULL)
		(void)strlcpy_checked(p->commune, b->commune,
		    sizeof(p->commune));
	p->b.target = p->target;
	p->b.text = p->text;
	p->b.created_by = p->by;
	p->b.status = p->status;
	p->b.group = p->group[0] ? p->group : NULL;
	p->b.role = p->role[0] ? p->role : NULL;
	p->b.commune = p->commune[0] ? p->commune : NULL;
	p->b.approved_by = NULL;
	p->found = 1;
	return (0);
}

/* POST action=propose: a pending broadcast and what it would cost. */
static void
web_broadcast_propose(struct web_req *r)
{
	struct broadcast	 b;
	struct broadcast_plan	 pl;
	const char		*group = web_field(r, "group");
	const char		*role = web_field(r, "role");
	const char		*commune = web_field(r, "commune");
	const char		*tmpl = web_field(r, "template");
	const char		*v = web_field(r, "text");
	char			 text[WB_TEXT_MAX + 8], target[300], loc[64];

	if (group != NULL && *group == '\0')
		group = NULL;
	if (role != NULL && *role == '\0')
		role = NULL;
	if (commune != NULL && *commune == '\0')
		commune = NULL;
	if ((group == NULL) == (role == NULL) || (commune != NULL &&
	    role == NULL)) {
		web_fail(r, 400, "Chọn một nhóm, hoặc một vai trò (và xã).");
		return;
	}
	if (tmpl != NULL && *tmpl != '\0') {
		if (broadcast_template(tmpl, r->ctx->conf->broadcast_hotline,
		    text, sizeof(text)) == -1) {
			web_fail(r, 400, "Mẫu tin không có.");
			return;
		}
	} else if (v == NULL || *v == '\0' || strlen(v) > WB_TEXT_MAX) {
		web_fail(r, 400, "Nội dung trống hoặc quá dài.");
		return;
	} else
		(void)strlcpy_checked(text, v, sizeof(text));
	if (broadcast_plan(r->ctx->store, r->ctx->secret, group, role, commune,
	    &pl) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	(void)snprintf(target, sizeof(target), "%s:%s%s%s", group != NULL ?
	    "group" : "role", group != NULL ? group : role, commune != NULL ?
	    "/" : "", commune != NULL ? commune : "");
	memset(&b, 0, sizeof(b));
	b.target = target;
	b.text = text;
	b.recipients = (int)pl.n;
	b.skipped = pl.skipped;
	b.parts = handler_sms_parts(text);
	b.send_at = r->now;
	b.created_by = r->actor;
	b.created_at = r->now;
	b.status = "pending";
	b.group = group;
	b.role = role;
	b.commune = commune;
	broadcast_plan_free(&pl);
	if ((b.id = store_broadcast_add(r->ctx->store, &b)) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	(void)store_audit(r->ctx->store, r->actor, "broadcast.propose", 0,
	    target, r->addr);
	(void)snprintf(loc, sizeof(loc), "/broadcast?id=%lld",
	    (long long)b.id);
	web_redirect(r, loc);
}

/* POST action=approve|reject: a second user decides a pending one. */
static void
web_broadcast_decide(struct web_req *r, int approve)
{
	struct wb_pending	 p;
	struct broadcast_plan	 pl;
	const char		*v = web_field(r, "id");
	char			 detail[64];
	long long		 id;
	int			 rc;

	memset(&p, 0, sizeof(p));
	if (v == NULL || (id = strtoll(v, NULL, 10)) <= 0 ||
	    store_broadcast_get(r->ctx->store, id, web_broadcast_copy,
	    &p) == -1 || !p.found) {
		web_fail(r, 404, "Không có tin này.");
		return;
	}
	if (strcmp(p.status, "pending") != 0) {
		web_fail(r, 409, "Tin này đã được quyết định.");
		return;
	}
	(void)snprintf(detail, sizeof(detail), "broadcast=%lld", id);
	if (strcmp(p.by, r->actor) == 0) {
		(void)store_audit(r->ctx->store, r->actor, "broadcast.denied",
		    0, detail, r->addr);
		web_fail(r, 403, "Người đề xuất không tự duyệt: cần một cán bộ "
		    "Phòng thứ hai.");
		return;
	}
	p.b.approved_by = r->actor;
	if (!approve) {
		rc = store_broadcast_decide(r->ctx->store, id, "rejected",
		    r->actor, &p.b);
	} else {
		if (broadcast_plan(r->ctx->store, r->ctx->secret, p.b.group,
		    p.b.role, p.b.commune, &pl) == -1) {
			web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
			return;
		}
		p.b.recipients = (int)pl.n;
		p.b.skipped = pl.skipped;
		p.b.send_at = broadcast_quiet_end(
		    r->ctx->conf->broadcast_quiet_hours, r->now);
		rc = broadcast_queue(r->ctx->store, &p.b, &pl) == -1 ? -1 : 1;
		broadcast_plan_free(&pl);
	}
	if (rc != 1) {
		web_fail(r, 409, "Không quyết định được (đã có người quyết "
		    "định?).");
		return;
	}
	(void)store_audit(r->ctx->store, r->actor, approve ?
	    "broadcast.approve" : "broadcast.reject", 0, detail, r->addr);
	web_redirect(r, "/broadcast");
}

/* One broadcast of the list, with the decision buttons when pending. */
static int
web_broadcast_row(const struct broadcast *b, const int64_t n[4], void *arg)
{
	struct web_req	*r = arg;
	char		 at[32];

	web_time(b->send_at, at, sizeof(at));
	evbuffer_add_printf(r->out, "<tr id=\"b%lld\"><td>%lld</td><td>%s"
	    "</td><td>", (long long)b->id, (long long)b->id,
	    strcmp(b->status, "pending") == 0 ? "Chờ duyệt" :
	    strcmp(b->status, "queued") == 0 ? "Đã duyệt" : "Từ chối");
	web_esc(r->out, b->target);
	evbuffer_add_printf(r->out, "</td><td class=\"text\">");
	web_esc(r->out, b->text);
	evbuffer_add_printf(r->out, "</td><td class=\"n\">%d × %d = %d"
	    "</td><td>", b->recipients, b->parts, b->recipients * b->parts);
	web_esc(r->out, b->created_by);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, b->approved_by != NULL ? b->approved_by : "-");
	evbuffer_add_printf(r->out, "</td><td>%s</td><td class=\"n\">%lld / "
	    "%lld / %lld / %lld</td><td>", at, (long long)n[0],
	    (long long)n[1], (long long)n[2], (long long)n[3]);
	if (strcmp(b->status, "pending") == 0 &&
	    strcmp(b->created_by, r->actor) != 0) {
		evbuffer_add_printf(r->out, "<form method=\"post\" action=\""
		    "/broadcast\"><input type=\"hidden\" name=\"id\" value=\""
		    "%lld\">", (long long)b->id);
		web_csrf_field(r);
		evbuffer_add_printf(r->out, "<button name=\"action\" value=\""
		    "approve\">Duyệt</button> <button class=\"secondary\" "
		    "name=\"action\" value=\"reject\">Từ chối</button></form>");
	}
	evbuffer_add_printf(r->out, "</td></tr>");
	return (0);
}

/* GET /broadcast: the form and the list; POST: propose or decide. */
static void
web_broadcast(struct web_req *r)
{
	const char	*action, *name;
	size_t		 i;

	if (r->method == EVHTTP_REQ_POST) {
		action = web_field(r, "action");
		if (action != NULL && strcmp(action, "propose") == 0)
			web_broadcast_propose(r);
		else if (action != NULL && (strcmp(action, "approve") == 0 ||
		    strcmp(action, "reject") == 0))
			web_broadcast_decide(r, strcmp(action, "approve") == 0);
		else
			web_fail(r, 400, "Yêu cầu không hợp lệ.");
		return;
	}
	web_begin(r, "Tin tuyên truyền", "/broadcast");
	evbuffer_add_printf(r->out, "<h1>Tin tuyên truyền</h1><form class=\""
	    "box\" method=\"post\" action=\"/broadcast\"><input type=\"hidden\""
	    " name=\"action\" value=\"propose\">");
	web_csrf_field(r);
	evbuffer_add_printf(r->out, "<label>Nhóm (groups.csv)<input name=\""
	    "group\"></label><label>hoặc vai trò<select name=\"role\"><option "
	    "value=\"\">-</option><option value=\"principal\">Hiệu trưởng"
	    "</option><option value=\"teacher\">Giáo viên</option><option "
	    "value=\"police\">Công an</option><option value=\"counselor\">Tư "
	    "vấn</option><option value=\"commune_committee\">UBND xã</option>"
	    "</select></label><label>Xã<input name=\"commune\"></label><label>"
	    "Mẫu tin<select name=\"template\"><option value=\"\">(tự viết)"
	    "</option>");
	for (i = 0; (name = broadcast_template_name(i)) != NULL; i++)
		evbuffer_add_printf(r->out, "<option>%s</option>", name);
	evbuffer_add_printf(r->out, "</select></label><label>Nội dung<textarea "
	    "name=\"text\" maxlength=\"%d\"></textarea></label><button type=\""
	    "submit\">Đề xuất (chờ người thứ hai duyệt)</button></form><p>Tin "
	    "chỉ gửi sau khi một cán bộ khác duyệt, ngoài giờ yên lặng %s, sau "
	    "mọi tin khẩn; số đã nhắn STOP được bỏ qua.</p><table id=\""
	    "broadcasts\"><thead><tr><th>#</th><th>Trạng thái</th><th>Gửi tới"
	    "</th><th>Nội dung</th><th>Người × phần</th><th>Đề xuất</th><th>"
	    "Duyệt</th><th>Gửi từ</th><th>Chờ / đã gửi / đã nhận / lỗi</th>"
	    "<th></th></tr></thead><tbody>", WB_TEXT_MAX,
	    r->ctx->conf->broadcast_quiet_hours);
	if (store_broadcast_list(r->ctx->store, web_broadcast_row, r) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	evbuffer_add_printf(r->out, "</tbody></table>");
	web_end(r);
	web_send(r, 200);
}
