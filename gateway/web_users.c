/*
 * tinbao: the dashboard's accounts page, for admins: every user with its
 * role, state and live sessions, and a button to disable or enable it.
 * Disabling ends the user's sessions at once (store_user_set_disabled);
 * `tinbao user disable|enable|list` does the same from the shell.  An
 * admin cannot disable the account they are using.
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "web.h"

static void	web_users(struct web_req *);

const struct web_page web_user_pages[] = {
	{ .path = "/users", .methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	  .flags = WEB_F_ADMIN | WEB_F_PREFIX, .serve = web_users },
};
const size_t web_nuser_pages = sizeof(web_user_pages) /
    sizeof(web_user_pages[0]);

static int
web_users_cb(const char *name, const char *role, int disabled,
    int64_t created, int sessions, void *arg)
{
	struct web_req	*r = arg;
	char		 when[32];

	web_time(created, when, sizeof(when));
	evbuffer_add_printf(r->out, "<tr><td>");
	web_esc(r->out, name);
	evbuffer_add_printf(r->out, "</td><td>%s</td><td>%s</td><td>%s</td>"
	    "<td class=\"n\">%d</td><td>", strcmp(role, "admin") == 0 ?
	    "quản trị" : "Phòng Giáo dục", disabled ? "đã khóa" :
	    "hoạt động", when, sessions);
	if (strcmp(name, r->user.name) != 0) {
		evbuffer_add_printf(r->out, "<form method=\"post\" action=\""
		    "/users/");
		web_url_esc(r->out, name);
		evbuffer_add_printf(r->out, "/%s\">", disabled ? "enable" :
		    "disable");
		web_csrf_field(r);
		evbuffer_add_printf(r->out, "<button%s>%s</button></form>",
		    disabled ? "" : " class=\"secondary\"", disabled ?
		    "Mở khóa" : "Khóa và đăng xuất");
	}
	evbuffer_add_printf(r->out, "</td></tr>");
	return (0);
}

/* POST /users/NAME/disable|enable. */
static void
web_users_act(struct web_req *r)
{
	char	 name[64];
	const char *slash = strchr(r->rest, '/');
	size_t	 n;
	int	 disable, rc;

	if (r->method != EVHTTP_REQ_POST || slash == NULL ||
	    (n = (size_t)(slash - r->rest)) == 0 || n >= sizeof(name) ||
	    (strcmp(slash + 1, "disable") != 0 &&
	    strcmp(slash + 1, "enable") != 0)) {
		web_fail(r, 404, "Không có trang này.");
		return;
	}
	memcpy(name, r->rest, n);
	name[n] = '\0';
	disable = strcmp(slash + 1, "disable") == 0;
	if (disable && strcmp(name, r->user.name) == 0) {
		web_fail(r, 409, "Không thể tự khóa tài khoản đang dùng.");
		return;
	}
	if ((rc = store_user_set_disabled(r->ctx->store, name, disable)) ==
	    -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	if (rc == 0) {
		web_fail(r, 404, "Không có tài khoản này.");
		return;
	}
	(void)store_audit(r->ctx->store, r->actor, disable ? "user.disable" :
	    "user.enable", 0, name, r->addr);
	log_info("web: user=%s %s by=%s", name, disable ? "disabled" :
	    "enabled", r->user.name);
	web_redirect(r, "/users");
}

/* GET /users: the accounts; POST /users/NAME/ACTION: disable, enable. */
static void
web_users(struct web_req *r)
{
	if (r->rest != NULL) {
		web_users_act(r);
		return;
	}
	if (r->method != EVHTTP_REQ_GET) {
		web_fail(r, 405, "Phương thức không được phép.");
		return;
	}
	web_begin(r, "Tài khoản", "/users");
	evbuffer_add_printf(r->out, "<h1>Tài khoản</h1><p>Khóa một tài khoản "
	    "sẽ đăng xuất mọi phiên của nó ngay lập tức.</p><table id=\""
	    "users\"><thead><tr><th>Tên</th><th>Vai trò</th><th>Trạng thái"
	    "</th><th>Tạo lúc</th><th>Phiên</th><th></th></tr></thead>"
	    "<tbody>");
	if (store_user_list(r->ctx->store, r->now, web_users_cb, r) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	evbuffer_add_printf(r->out, "</tbody></table>");
	web_end(r);
	web_send(r, 200);
}
