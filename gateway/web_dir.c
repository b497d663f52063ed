/*
 * tinbao: the dashboard's directory: schools and contacts, readable by the
 * Bureau, edited by admins one row at a time (the same checks as the CSV
 * import, through import_school_row and import_contact_row) or by pasting
 * a whole CSV file (all or nothing, like `tinbao import`).
 *
 * Contacts are staff (police, teachers, principals, the Bureau): their
 * numbers are shown.  A PIN is never shown, only whether there is one.
 * A change reaches the running classifier's school names at the next
 * SIGHUP or restart, as after `tinbao import`; routing reads the database
 * and sees it at once.  The page opens with the directory's gaps (a
 * commune with schools and no level-1 police, a school without a
 * principal, one number in two roles: store_directory_gaps), so that the
 * Bureau sees where an alert would find nobody.
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "web.h"

static void	web_directory(struct web_req *);
static int	web_gap_cb(const struct dirgap *, void *);
static void	web_dir_school(struct web_req *);
static void	web_dir_contact(struct web_req *);
static void	web_dir_import(struct web_req *);
static void	web_dir_import_error(void *, int, const char *);

const struct web_page web_dir_pages[] = {
	{ .path = "/directory", .methods = EVHTTP_REQ_GET,
	  .serve = web_directory },
	{ .path = "/directory/school", .methods = EVHTTP_REQ_POST,
	  .flags = WEB_F_ADMIN, .serve = web_dir_school },
	{ .path = "/directory/contact", .methods = EVHTTP_REQ_POST,
	  .flags = WEB_F_ADMIN, .serve = web_dir_contact },
	{ .path = "/directory/import", .methods = EVHTTP_REQ_POST,
	  .flags = WEB_F_ADMIN, .serve = web_dir_import },
};
const size_t web_ndir_pages = sizeof(web_dir_pages) /
    sizeof(web_dir_pages[0]);

static const char *const web_roles[] = {
	"police", "teacher", "principal", "counselor", "bureau", "admin",
	"commune_committee", NULL
};

static const char *
web_role_vi(const char *role)
{
	if (strcmp(role, "police") == 0)
		return ("Công an");
	if (strcmp(role, "teacher") == 0)
		return ("Giáo viên");
	if (strcmp(role, "principal") == 0)
		return ("Hiệu trưởng");
	if (strcmp(role, "counselor") == 0)
		return ("Tư vấn tâm lý");
	if (strcmp(role, "bureau") == 0)
		return ("Phòng Giáo dục");
	if (strcmp(role, "admin") == 0)
		return ("Quản trị");
	if (strcmp(role, "commune_committee") == 0)
		return ("UBND xã");
	return (role);
}

static int
web_school_row_cb(const struct school *s, void *arg)
{
	struct web_req	*r = arg;

	evbuffer_add_printf(r->out, "<tr><td>");
	web_esc(r->out, s->code);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, s->name);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, s->commune);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, s->level);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, s->aliases);
	evbuffer_add_printf(r->out, "</td></tr>");
	return (0);
}

static int
web_contact_row_cb(const struct contact *c, void *arg)
{
	struct web_req	*r = arg;

	evbuffer_add_printf(r->out, "<tr><td>");
	web_esc(r->out, c->name);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, web_role_vi(c->role));
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, c->school);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, c->commune);
	evbuffer_add_printf(r->out, "</td><td class=\"n\">%d</td><td>",
	    c->level);
	web_esc(r->out, c->phone);
	evbuffer_add_printf(r->out, "</td><td>%s</td></tr>", c->has_pin ?
	    "có" : "không");
	return (0);
}

/* One directory gap, in the Bureau's words (SPEC section 6, issue 15). */
static int
web_gap_cb(const struct dirgap *g, void *arg)
{
	struct web_req	*r = arg;

	evbuffer_add_printf(r->out, "<li>");
	switch (g->kind) {
	case DIRGAP_NO_POLICE:
		evbuffer_add_printf(r->out, "Xã ");
		web_esc(r->out, g->subject);
		evbuffer_add_printf(r->out, " có trường (");
		web_esc(r->out, g->detail);
		evbuffer_add_printf(r->out, ") nhưng không có công an cấp 1: "
		    "tin khẩn báo ngay công an cấp 2.");
		break;
	case DIRGAP_NO_PRINCIPAL:
		evbuffer_add_printf(r->out, "Trường ");
		web_esc(r->out, g->subject);
		evbuffer_add_printf(r->out, " (");
		web_esc(r->out, g->detail);
		evbuffer_add_printf(r->out, ") chưa có hiệu trưởng: không ai "
		    "của trường nhận cảnh báo và bản tin ngày.");
		break;
	case DIRGAP_TWO_ROLES:
		evbuffer_add_printf(r->out, "Số ");
		web_esc(r->out, g->subject);
		evbuffer_add_printf(r->out, " có hai vai trò (");
		web_esc(r->out, g->detail);
		evbuffer_add_printf(r->out, "): chỉ giữ dòng đầu.");
		break;
	}
	evbuffer_add_printf(r->out, "</li>");
	return (0);
}

/* A text input of a form, with its label. */
static void
web_input(struct web_req *r, const char *label, const char *name,
    int required, int max)
{
	evbuffer_add_printf(r->out, "<label>%s<input name=\"%s\"%s "
	    "maxlength=\"%d\"></label>", label, name, required ? " required" :
	    "", max);
}

/* GET /directory: the tables, and for admins the forms. */
static void
web_directory(struct web_req *r)
{
	const char	*done = web_param(r, "done");
	int		 admin = strcmp(r->user.role, "admin") == 0;
	size_t		 i;

	web_begin(r, "Danh bạ", "/directory");
	evbuffer_add_printf(r->out, "<h1>Danh bạ</h1>");
	if (done != NULL)
		evbuffer_add_printf(r->out, "<p class=\"msg\" id=\"done\">%s</p>",
		    strcmp(done, "school") == 0 ? "Đã lưu trường." :
		    strcmp(done, "contact") == 0 ? "Đã lưu liên hệ." :
		    "Đã nhập danh bạ.");
	evbuffer_add_printf(r->out, "<h2>Danh bạ còn thiếu</h2><ul id=\"gaps\">");
	if (store_directory_gaps(r->ctx->store, web_gap_cb, r) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	evbuffer_add_printf(r->out, "</ul>");
	evbuffer_add_printf(r->out, "<h2>Trường học</h2><table id=\"schools\">"
	    "<thead><tr><th>Mã</th><th>Tên</th><th>Xã</th><th>Cấp</th><th>Tên "
	    "khác</th></tr></thead><tbody>");
	if (store_school_list(r->ctx->store, web_school_row_cb, r) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	evbuffer_add_printf(r->out, "</tbody></table><h2>Liên hệ</h2><table "
	    "id=\"contacts\"><thead><tr><th>Tên</th><th>Vai trò</th><th>"
	    "Trường</th><th>Xã</th><th>Cấp</th><th>Số điện thoại</th><th>PIN"
	    "</th></tr></thead><tbody>");
	if (store_contact_list(r->ctx->store, web_contact_row_cb, r) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	evbuffer_add_printf(r->out, "</tbody></table>");
	if (!admin) {
		evbuffer_add_printf(r->out, "<p>Chỉ quản trị viên sửa được danh "
		    "bạ.</p>");
		web_end(r);
		web_send(r, 200);
		return;
	}
	evbuffer_add_printf(r->out, "<h2>Sửa danh bạ</h2><div class=\"actions"
	    "\"><form class=\"box\" method=\"post\" action=\"/directory/"
	    "school\"><p>Thêm hoặc sửa một trường (theo mã)</p>");
	web_csrf_field(r);
	web_input(r, "Mã", "code", 1, 15);
	web_input(r, "Tên", "name", 1, 150);
	web_input(r, "Xã", "commune", 0, 120);
	evbuffer_add_printf(r->out, "<label>Cấp<select name=\"level\">"
	    "<option value=\"MN\">Mầm non</option><option value=\"TH\">Tiểu "
	    "học</option><option value=\"THCS\">THCS</option><option value="
	    "\"THPT\">THPT</option><option value=\"GDTX\">GDTX</option>"
	    "</select></label>");
	web_input(r, "Tên khác (cách nhau bằng |)", "aliases", 0, 500);
	evbuffer_add_printf(r->out, "<button type=\"submit\">Lưu trường"
	    "</button></form><form class=\"box\" method=\"post\" action=\""
	    "/directory/contact\"><p>Thêm hoặc sửa một liên hệ (theo số điện "
	    "thoại)</p>");
	web_csrf_field(r);
	web_input(r, "Tên", "name", 1, 150);
	web_input(r, "Số điện thoại", "phone", 1, 20);
	evbuffer_add_printf(r->out, "<label>Vai trò<select name=\"role\">");
	for (i = 0; web_roles[i] != NULL; i++)
		evbuffer_add_printf(r->out, "<option value=\"%s\">%s</option>",
		    web_roles[i], web_role_vi(web_roles[i]));
	evbuffer_add_printf(r->out, "</select></label>");
	web_input(r, "Mã trường", "school", 0, 15);
	web_input(r, "Xã", "commune", 0, 120);
	evbuffer_add_printf(r->out, "<label>Cấp chuyển<select name=\"level\">"
	    "<option>1</option><option>2</option><option>3</option></select>"
	    "</label>");
	web_input(r, "PIN (để trống: không dùng PIN)", "pin", 0, 8);
	evbuffer_add_printf(r->out, "<button type=\"submit\">Lưu liên hệ"
	    "</button></form></div><h2>Nhập từ tệp CSV</h2><form class=\"box\" "
	    "method=\"post\" action=\"/directory/import\"><p>Dán nội dung tệp "
	    "CSV (dòng đầu là tên cột, như <code>tinbao import</code>). Có một "
	    "dòng sai thì không nhập dòng nào.</p>");
	web_csrf_field(r);
	evbuffer_add_printf(r->out, "<label>Loại<select name=\"kind\"><option "
	    "value=\"schools\">Trường học</option><option value=\"contacts\">"
	    "Liên hệ</option></select></label><label>Nội dung CSV<textarea "
	    "name=\"csv\" id=\"csv\" required></textarea></label><button "
	    "type=\"submit\">Nhập</button></form>");
	web_end(r);
	web_send(r, 200);
}

/* Copies a field for the row checks (which trim in place). */
static char *
web_dir_field(struct web_req *r, const char *key)
{
	const char	*v = web_field(r, key);

	return (xstrdup(v != NULL ? v : ""));
}

/*
 * Ends a row's transaction (begun by the caller) with its audit row, and
 * answers: back to the directory, or the problems.
 */
static void
web_dir_done(struct web_req *r, int rc, const char *err, const char *what,
    const char *key)
{
	char	 loc[64], msg[600];

	if (rc == 0 && store_audit(r->ctx->store, r->actor, what, 0, key,
	    r->addr) == -1)
		rc = -1;
	if (rc == 0 && store_commit(r->ctx->store) == -1)
		rc = -1;
	if (rc == -1)
		store_rollback(r->ctx->store);
	if (rc == -1) {
		/* The checks speak the import's words (English, like the CSV). */
		(void)snprintf(msg, sizeof(msg), "Dữ liệu không hợp lệ, chưa "
		    "lưu gì: %s", err);
		web_fail(r, err[0] != '\0' ? 400 : 500, err[0] != '\0' ? msg :
		    "Lỗi cơ sở dữ liệu.");
		return;
	}
	log_info("web: directory %s %s by=%s", what, key, r->actor);
	(void)snprintf(loc, sizeof(loc), "/directory?done=%s",
	    strcmp(what, "school.upsert") == 0 ? "school" : "contact");
	web_redirect(r, loc);
}

/* POST /directory/school (admins). */
static void
web_dir_school(struct web_req *r)
{
	static const char *const keys[IMPORT_SCHOOL_FIELDS] = {
		"code", "name", "commune", "level", "aliases"
	};
	char	*f[IMPORT_SCHOOL_FIELDS], err[512], code[32];
	int	 i, rc;

	for (i = 0; i < IMPORT_SCHOOL_FIELDS; i++)
		f[i] = web_dir_field(r, keys[i]);
	err[0] = '\0';
	rc = store_begin(r->ctx->store) == -1 ? -1 :
	    import_school_row(r->ctx->store, f, err, sizeof(err));
	(void)strlcpy_checked(code, f[0], sizeof(code));
	for (i = 0; i < IMPORT_SCHOOL_FIELDS; i++)
		free(f[i]);
	web_dir_done(r, rc, err, "school.upsert", code);
}

/* POST /directory/contact (admins). */
static void
web_dir_contact(struct web_req *r)
{
	static const char *const keys[IMPORT_CONTACT_FIELDS] = {
		"name", "phone", "role", "school", "commune", "level", "pin"
	};
	char	*f[IMPORT_CONTACT_FIELDS], err[512], who[96];
	int	 i, rc;

	for (i = 0; i < IMPORT_CONTACT_FIELDS; i++)
		f[i] = web_dir_field(r, keys[i]);
	err[0] = '\0';
	rc = store_begin(r->ctx->store) == -1 ? -1 :
	    import_contact_row(r->ctx->store, r->ctx->secret, f, err,
	    sizeof(err));
	/* The audit names the contact by role, not by number. */
	(void)snprintf(who, sizeof(who), "%s %s", f[2], f[0]);
	for (i = 0; i < IMPORT_CONTACT_FIELDS; i++) {
		explicit_bzero(f[i], strlen(f[i]));
		free(f[i]);
	}
	web_dir_done(r, rc, err, "contact.upsert", who);
}

/* Lists an import's problems, one per line with its line number. */
static void
web_dir_import_error(void *arg, int line, const char *msg)
{
	struct evbuffer	*b = arg;

	evbuffer_add_printf(b, "<li>Dòng %d: ", line);
	web_esc(b, msg);
	evbuffer_add_printf(b, "</li>");
}

/*
 * POST /directory/import (admins): a pasted CSV file, checked and written
 * exactly as `tinbao import` does it (import_parse, import_store): all
 * rows or none, every problem listed with its line.
 */
static void
web_dir_import(struct web_req *r)
{
	struct import_file	 imf;
	struct evbuffer		*errs;
	const char		*kind = web_field(r, "kind"), *csv;
	enum import_kind	 k;
	char			 detail[64];
	size_t			 len;
	int			 rc;

	if (kind == NULL || (strcmp(kind, "schools") != 0 &&
	    strcmp(kind, "contacts") != 0)) {
		web_fail(r, 400, "Hãy chọn loại: trường học hoặc liên hệ.");
		return;
	}
	k = strcmp(kind, "schools") == 0 ? IMPORT_SCHOOLS : IMPORT_CONTACTS;
	if ((csv = form_get(&r->form, "csv", &len)) == NULL) {
		web_fail(r, 400, "Không có nội dung CSV.");
		return;
	}
	errs = evbuffer_new();
	rc = import_parse(k, csv, len, web_dir_import_error, errs, &imf);
	rc = import_store(r->ctx->store, r->ctx->secret, &imf,
	    rc == -1 ? imf.errors : 0, web_dir_import_error, errs);
	if (rc != 0) {
		web_begin(r, "Lỗi nhập danh bạ", "/directory");
		evbuffer_add_printf(r->out, "<h1>Chưa nhập gì</h1>");
		if (rc == -1)
			evbuffer_add_printf(r->out, "<p class=\"msg err\">Lỗi "
			    "cơ sở dữ liệu.</p>");
		else
			evbuffer_add_printf(r->out, "<p class=\"msg err\">%d "
			    "lỗi, không dòng nào được nhập:</p><ul id=\""
			    "import-errors\">", rc);
		evbuffer_add_buffer(r->out, errs);
		evbuffer_add_printf(r->out, "</ul><p><a href=\"/directory\">"
		    "Về danh bạ</a></p>");
		web_end(r);
		web_send(r, rc == -1 ? 500 : 400);
	} else {
		(void)snprintf(detail, sizeof(detail), "%s rows=%zu", kind,
		    imf.n);
		(void)store_audit(r->ctx->store, r->actor, "directory.import",
		    0, detail, r->addr);
		log_info("web: directory import %s by=%s", detail, r->actor);
		web_redirect(r, "/directory?done=import");
	}
	evbuffer_free(errs);
	import_file_free(&imf);
}
