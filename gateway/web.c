/*
 * tinbao: the Bureau's dashboard (SPEC section 9), server-rendered HTML.
 *
 * This file owns what every page shares: the page table and dispatch,
 * accounts and sessions, CSRF tokens, the login rate limit, the layout, the
 * stylesheet (built in) and HTML escaping.  The pages themselves live in
 * web_cases.c (cases, timeline, actions), web_stats.c (statistics, chart,
 * CSV), web_dir.c (the directory) and web_admin.c (the gateway's state, the
 * audit log).
 *
 * Sessions: a random 256-bit token in a cookie (HttpOnly, SameSite=Strict,
 * Path=/); the database keeps only its keyed hash, so a copied database
 * opens no session.  A session ends after WEB_IDLE of silence or WEB_MAX
 * after login, at logout, or when its user is disabled.  Every POST carries
 * the session's CSRF token in a hidden field; the login form, which has no
 * session yet, uses a double-submit cookie instead.  Failed logins are
 * counted by authlimit.c (per account, per unknown name, per address; an
 * office shares one address behind its router) and refused without a
 * password check past their limits.  Refusals go to the audit log through
 * audit.c, which aggregates a flood of them.  The client's address is the
 * peer's, or X-Forwarded-For's from [http] trusted_proxy.
 *
 * Every value written into a page goes through web_esc; pages send a
 * Content-Security-Policy that allows no script at all.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "tinbao.h"
#include "web.h"

#define WEB_COOKIE	"tb_session"
#define WEB_LOGIN_COOKIE "tb_login"
#define WEB_IDLE	(30 * 60)
#define WEB_MAX		(12 * 60 * 60)
#define WEB_TOUCH	60		/* write seen_at at most this often */
#define WEB_FORM_FIELDS	64
#define WEB_FORM_VALUE	(64 * 1024)	/* the listener's body limit */

struct web {
	struct httpctx		*ctx;
	struct authlimit	*limit;
	struct audit		*audit;
	struct pwcheck		*pwcheck;
};

static void	web_login(struct web_req *);
static void	web_logout(struct web_req *);
static void	web_style(struct web_req *);
static void	web_root(struct web_req *);
static void	web_nothing(struct web_req *);

static const struct web_page web_pages[] = {
	{ .path = "/login", .methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	  .flags = WEB_F_PUBLIC, .serve = web_login },
	{ .path = "/logout", .methods = EVHTTP_REQ_POST, .serve = web_logout },
	{ .path = "/static/style.css", .methods = EVHTTP_REQ_GET,
	  .flags = WEB_F_PUBLIC, .serve = web_style },
	{ .path = "/", .methods = EVHTTP_REQ_GET, .serve = web_root },
	{ .path = "/favicon.ico", .methods = EVHTTP_REQ_GET,
	  .flags = WEB_F_PUBLIC, .serve = web_nothing },
};

/* The statuses' names; the categories' are in handlers/category.c. */
static const struct {
	const char	*name;
	const char	*vi;
} web_names[] = {
	{ .name = "open", .vi = "Mới" },
	{ .name = "acknowledged", .vi = "Đã nhận" },
	{ .name = "closed", .vi = "Đã đóng" },
};

/*
 * The whole stylesheet.  Small, readable on a phone and on an old office
 * screen, and printable.
 */
static const char web_css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'Noto Sans',sans-serif;color:#1d2430;background:#f4f6f8}"
	"header{display:flex;flex-wrap:wrap;align-items:center;gap:1em;"
	"padding:.6em 1em;background:#17324d;color:#fff}"
	"header a{color:#fff;text-decoration:none}"
	".brand{font-weight:700;font-size:1.15em;margin-right:1em}"
	"nav a{margin-right:1em;opacity:.85}nav a.on{opacity:1;"
	"border-bottom:2px solid #ffd166}"
	".who{margin-left:auto;display:flex;gap:.6em;align-items:center}"
	"main{max-width:1100px;margin:1em auto;padding:0 1em}"
	"h1{font-size:1.35em;margin:.4em 0 .8em}h2{font-size:1.1em;"
	"margin:1.4em 0 .5em}"
	"table{border-collapse:collapse;width:100%;background:#fff}"
	"th,td{border-bottom:1px solid #dde3ea;padding:.4em .5em;"
	"text-align:left;vertical-align:top}"
	"th{background:#e9eef3;font-weight:600}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".urgent{color:#fff;background:#c0392b;padding:0 .4em;"
	"border-radius:3px;font-weight:600}"
	".st-open{color:#c0392b;font-weight:600}.st-acknowledged{color:#b9770e}"
	".st-closed{color:#1e8449}"
	"form.filters{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;"
	"margin-bottom:1em;background:#fff;padding:.6em;border:1px solid #dde3ea}"
	"label{display:flex;flex-direction:column;font-size:.85em;gap:.15em}"
	"input,select,textarea,button{font:inherit;padding:.3em .4em}"
	"textarea{width:100%;min-height:5em}"
	"button{background:#17324d;color:#fff;border:0;border-radius:3px;"
	"padding:.4em .9em;cursor:pointer}"
	"button.secondary{background:#5d6d7e}"
	".box{background:#fff;border:1px solid #dde3ea;padding:.8em 1em;"
	"margin-bottom:1em}"
	".msg{padding:.6em 1em;margin-bottom:1em;border-left:4px solid #1e8449;"
	"background:#eafaf1}.err{border-color:#c0392b;background:#fdedec}"
	".text{white-space:pre-wrap;word-break:break-word}"
	".paging{margin:1em 0;display:flex;gap:1em}"
	".actions{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(260px,1fr));gap:1em}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em;"
	"margin:0}dt{font-weight:600}"
	".login{max-width:360px;margin:4em auto}"
	".login form{display:flex;flex-direction:column;gap:.7em}"
	"svg text{font-size:11px;fill:#1d2430}"
	"@media print{header,form,.paging{display:none}}";

/* Returns the Vietnamese name of a category (category.c's table). */
const char *
web_category_vi(const char *name)
{
	return (category_name_vi(name));
}

/* Returns the Vietnamese name of a case's status. */
const char *
web_status_vi(const char *status)
{
	size_t	 i;

	for (i = 0; i < sizeof(web_names) / sizeof(web_names[0]); i++)
		if (strcmp(status, web_names[i].name) == 0)
			return (web_names[i].vi);
	return (status);
}

/* Writes s into b with &, <, >, " and ' escaped. */
void
web_esc_n(struct evbuffer *b, const char *s, size_t n)
{
	size_t	 i, from = 0;
	const char *rep;

	for (i = 0; i < n && s[i] != '\0'; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		evbuffer_add(b, s + from, i - from);
		evbuffer_add(b, rep, strlen(rep));
		from = i + 1;
	}
	evbuffer_add(b, s + from, i - from);
}

/* Writes s into b, HTML-escaped. */
void
web_esc(struct evbuffer *b, const char *s)
{
	if (s != NULL)
		web_esc_n(b, s, strlen(s));
}

/* Writes s into b as a query-string value (percent-encoded). */
void
web_url_esc(struct evbuffer *b, const char *s)
{
	char	*e;

	if (s == NULL)
		return;
	if ((e = evhttp_encode_uri(s)) != NULL) {
		evbuffer_add(b, e, strlen(e));
		free(e);
	}
}

/* Formats t as local "YYYY-MM-DD HH:MM". */
void
web_time(int64_t t, char *buf, size_t bufsz)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, bufsz, "%Y-%m-%d %H:%M", &tm) == 0)
		(void)strlcpy_checked(buf, "-", bufsz);
}

/* Returns a query-string parameter, or NULL. */
const char *
web_param(struct web_req *r, const char *key)
{
	return (form_get(&r->query, key, NULL));
}

/* Returns a POST field, or NULL. */
const char *
web_field(struct web_req *r, const char *key)
{
	return (form_get(&r->form, key, NULL));
}

/* Writes the hidden CSRF field every form of a session carries. */
void
web_csrf_field(struct web_req *r)
{
	evbuffer_add_printf(r->out, "<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">", r->csrf);
}

/* Starts a page: the head, the header with the menu, and <main>. */
void
web_begin(struct web_req *r, const char *title, const char *section)
{
	static const struct {
		const char	*path;
		const char	*label;
		int		 admin;
	} menu[] = {
		{ .path = "/cases", .label = "Hồ sơ" },
		{ .path = "/stats", .label = "Thống kê" },
		{ .path = "/report", .label = "Báo cáo" },
		{ .path = "/plans", .label = "Kế hoạch" },
		{ .path = "/broadcast", .label = "Tuyên truyền" },
		{ .path = "/directory", .label = "Danh bạ" },
		{ .path = "/gateway", .label = "Trạng thái" },
		{ .path = "/audit", .label = "Nhật ký", .admin = 1 },
		{ .path = "/users", .label = "Tài khoản", .admin = 1 },
	};
	size_t	 i;

	evbuffer_add_printf(r->out, "<!doctype html>\n<html lang=\"vi\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width, initial-scale=1\"><title>");
	web_esc(r->out, title);
	evbuffer_add_printf(r->out, " · tinbao</title><link rel=\"stylesheet\" "
	    "href=\"/static/style.css\"></head><body><header><a class=\"brand\""
	    " href=\"/cases\">tinbao</a>");
	if (r->authed) {
		evbuffer_add_printf(r->out, "<nav>");
		for (i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
			if (menu[i].admin && strcmp(r->user.role, "admin") != 0)
				continue;
			evbuffer_add_printf(r->out, "<a href=\"%s\"%s>%s</a>",
			    menu[i].path, section != NULL &&
			    strcmp(section, menu[i].path) == 0 ?
			    " class=\"on\"" : "", menu[i].label);
		}
		evbuffer_add_printf(r->out, "</nav><form class=\"who\" "
		    "method=\"post\" action=\"/logout\"><span>");
		web_esc(r->out, r->user.name);
		evbuffer_add_printf(r->out, " (%s)</span>",
		    strcmp(r->user.role, "admin") == 0 ? "quản trị" :
		    "Phòng Giáo dục");
		web_csrf_field(r);
		evbuffer_add_printf(r->out, "<button class=\"secondary\">"
		    "Đăng xuất</button></form>");
	}
	evbuffer_add_printf(r->out, "</header><main>");
}

/* Ends a page. */
void
web_end(struct web_req *r)
{
	evbuffer_add_printf(r->out, "</main></body></html>\n");
}

/* Sends r->out as an HTML page with the security headers. */
void
web_send(struct web_req *r, int code)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);

	evhttp_add_header(h, "Content-Type", "text/html; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'none'; "
	    "style-src 'self'; img-src 'self'; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'");
	evhttp_send_reply(r->req, code, code == 200 ? "OK" : code == 400 ?
	    "Bad Request" : code == 401 ? "Unauthorized" : code == 403 ?
	    "Forbidden" : code == 404 ? "Not Found" : code == 429 ?
	    "Too Many Requests" : code == 413 ? "Payload Too Large" :
	    code == 405 ? "Method Not Allowed" : code == 409 ? "Conflict" :
	    code == 503 ? "Service Unavailable" :
	    "Error", r->out);
}

/* Answers 303 See Other to a path of this site. */
void
web_redirect(struct web_req *r, const char *location)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);

	evhttp_add_header(h, "Location", location);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(r->req, 303, "See Other", NULL);
}

/* Sends an error page with a Vietnamese explanation. */
void
web_fail(struct web_req *r, int code, const char *msg)
{
	evbuffer_drain(r->out, evbuffer_get_length(r->out));
	web_begin(r, "Lỗi", NULL);
	evbuffer_add_printf(r->out, "<h1>Lỗi %d</h1><p class=\"msg err\">",
	    code);
	web_esc(r->out, msg);
	evbuffer_add_printf(r->out, "</p><p><a href=\"/cases\">Về danh sách "
	    "hồ sơ</a></p>");
	web_end(r);
	web_send(r, code);
}

/*
 * Finds cookie name in a Cookie header ("a=1; b=2") and copies its value
 * into buf.  Returns 1 when found with a value that fits, else 0.
 */
int
web_cookie_get(const char *header, const char *name, char *buf,
    size_t bufsz)
{
	const char	*p, *end;
	size_t		 n = strlen(name), len;

	for (p = header; p != NULL && *p != '\0'; p = end) {
		while (*p == ' ' || *p == ';')
			p++;
		end = p + strcspn(p, ";");
		if ((size_t)(end - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == '=') {
			len = (size_t)(end - p) - n - 1;
			if (len == 0 || len >= bufsz)
				return (0);
			memcpy(buf, p + n + 1, len);
			buf[len] = '\0';
			return (1);
		}
	}
	return (0);
}

/* Finds a cookie's value in the request; copies it into buf. */
static int
web_cookie(struct web_req *r, const char *name, char *buf, size_t bufsz)
{
	return (web_cookie_get(evhttp_find_header(
	    evhttp_request_get_input_headers(r->req), "Cookie"), name, buf,
	    bufsz));
}

/* Makes a random token of 32 bytes, URL-safe base64 without padding. */
static void
web_token(char *buf, size_t bufsz)
{
	unsigned char	 raw[32];

	randombytes_buf(raw, sizeof(raw));
	(void)sodium_bin2base64(buf, bufsz, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* Constant-time comparison of two NUL-terminated tokens. */
static int
web_token_eq(const char *a, const char *b)
{
	size_t	 n = strlen(a);

	return (n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0);
}

static void
web_session_hash(struct web_req *r, const char *token, unsigned char h[32])
{
	secret_mac(r->ctx->secret, token, strlen(token), h);
}

/*
 * Finds the request's session.  A session seen more than WEB_TOUCH ago is
 * extended, never past WEB_MAX after its login.
 */
static void
web_session(struct web_req *r)
{
	char		 token[64];
	unsigned char	 h[32];
	int64_t		 seen, created, expires;

	if (!web_cookie(r, WEB_COOKIE, token, sizeof(token)))
		return;
	web_session_hash(r, token, h);
	sodium_memzero(token, sizeof(token));
	if (store_session_get(r->ctx->store, h, r->now, &r->user, r->csrf,
	    sizeof(r->csrf), &seen, &created) != 1)
		return;
	r->authed = 1;
	(void)snprintf(r->actor, sizeof(r->actor), "user:%s", r->user.name);
	if (r->now - seen >= WEB_TOUCH) {
		expires = r->now + WEB_IDLE;
		if (expires > created + WEB_MAX)
			expires = created + WEB_MAX;
		(void)store_session_touch(r->ctx->store, h, r->now, expires);
	}
}

/*
 * Audits a refusal (aggregated per address and minute by audit.c); returns
 * 1 when the caller should log it too.
 */
static int
web_refused(struct web_req *r, const char *actor, const char *action,
    const char *detail)
{
	return (audit_refusal(r->w->audit, actor, action, detail, r->addr,
	    r->now) == 1);
}

static void
web_login_form(struct web_req *r, int code, const char *error)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);
	char			 token[64], cookie[160];

	/*
	 * Keep the token a browser already has: another tab, or a request
	 * the browser makes by itself and that lands here (the favicon),
	 * must not invalidate the form on screen.
	 */
	if (!web_cookie(r, WEB_LOGIN_COOKIE, token, sizeof(token)) ||
	    strlen(token) != 43 || strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") != 43) {
		web_token(token, sizeof(token));
		(void)snprintf(cookie, sizeof(cookie), "%s=%s; Path=/login; "
		    "HttpOnly; SameSite=Strict", WEB_LOGIN_COOKIE, token);
		evhttp_add_header(h, "Set-Cookie", cookie);
	}
	web_begin(r, "Đăng nhập", NULL);
	evbuffer_add_printf(r->out, "<div class=\"login box\"><h1>Đăng nhập"
	    "</h1>");
	if (error != NULL) {
		evbuffer_add_printf(r->out, "<p class=\"msg err\" "
		    "id=\"login-error\">");
		web_esc(r->out, error);
		evbuffer_add_printf(r->out, "</p>");
	}
	evbuffer_add_printf(r->out, "<form method=\"post\" action=\"/login\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<label>Tên đăng nhập<input name=\"name\" autocomplete=\"username\""
	    " required maxlength=\"63\" autofocus></label>"
	    "<label>Mật khẩu<input name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required maxlength=\"256\">"
	    "</label><button type=\"submit\">Đăng nhập</button></form></div>",
	    token);
	web_end(r);
	web_send(r, code);
}

/* A login waiting for its password check (pwcheck.c). */
struct web_login_job {
	struct web		*w;
	struct evhttp_request	*req;
	struct web_user		 u;
	int			 found;
	char			 name[64];
	char			 addr[64];
};

/*
 * "; Secure" when the session cookie must not travel over plain HTTP:
 * [http] secure_cookie = yes, or auto and the trusted proxy says the
 * browser spoke HTTPS (X-Forwarded-Proto).
 */
static const char *
web_cookie_secure(struct web_req *r)
{
	const struct config	*conf = r->ctx->conf;
	const char		*proto;
	char			 peer[64];

	if (conf->http_secure_cookie == HTTP_SECURE_YES)
		return ("; Secure");
	if (conf->http_secure_cookie == HTTP_SECURE_NO ||
	    conf->http_trusted_proxy == NULL)
		return ("");
	httpconn_client_addr(r->req, NULL, peer, sizeof(peer));
	proto = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    "X-Forwarded-Proto");
	return (strcmp(peer, conf->http_trusted_proxy) == 0 && proto != NULL &&
	    strcasecmp(proto, "https") == 0 ? "; Secure" : "");
}

/*
 * Ends a login once its password is checked: a session and the redirect,
 * or the failure counted, audited and shown.  The account is read again:
 * disabled or given a new password meanwhile, the old one opens nothing.
 */
static void
web_login_finish(struct web_req *r, const struct web_login_job *j, int ok)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);
	struct web_user		 u;
	char			 token[64], csrf_new[64], cookie[220];
	char			 actor[96];
	unsigned char		 hash[32];

	(void)snprintf(actor, sizeof(actor), "user:%s", j->name);
	if (ok && (store_user_get(r->ctx->store, j->name, &u) != 1 ||
	    u.id != j->u.id || u.disabled ||
	    strcmp(u.pw_hash, j->u.pw_hash) != 0))
		ok = 0;
	if (!ok) {
		authlimit_failed(r->w->limit, j->name, j->found, r->addr,
		    r->now);
		if (web_refused(r, actor, "login.fail", j->found ?
		    "wrong password" : "unknown user"))
			log_warnx("web: login failed name=%s addr=%s", j->name,
			    r->addr);
		web_login_form(r, 401, "Sai tên đăng nhập hoặc mật khẩu.");
		return;
	}
	web_token(token, sizeof(token));
	web_token(csrf_new, sizeof(csrf_new));
	web_session_hash(r, token, hash);
	(void)store_session_end(r->ctx->store, NULL, r->now);
	if (store_session_add(r->ctx->store, hash, u.id, csrf_new, r->now,
	    r->now + WEB_IDLE) == -1) {
		sodium_memzero(token, sizeof(token));
		web_login_form(r, 500, "Lỗi cơ sở dữ liệu. Hãy thử lại.");
		return;
	}
	(void)store_audit(r->ctx->store, actor, "login", 0, "", r->addr);
	log_info("web: login name=%s role=%s addr=%s", u.name, u.role,
	    r->addr);
	(void)snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict%s", WEB_COOKIE, token, web_cookie_secure(r));
	sodium_memzero(token, sizeof(token));
	sodium_memzero(csrf_new, sizeof(csrf_new));
	evhttp_add_header(h, "Set-Cookie", cookie);
	evhttp_add_header(h, "Set-Cookie", WEB_LOGIN_COOKIE "=; Path=/login; "
	    "Max-Age=0; HttpOnly; SameSite=Strict");
	web_redirect(r, "/cases");
}

/* The worker has checked a login's password: answer it. */
static void
web_login_done(int result, void *arg)
{
	struct web_login_job	*j = arg;
	struct web_req		 r;

	if (result != PWCHECK_GONE) {
		memset(&r, 0, sizeof(r));
		r.w = j->w;
		r.ctx = j->w->ctx;
		r.req = j->req;
		r.method = EVHTTP_REQ_POST;
		r.path = "/login";
		r.now = (int64_t)time(NULL);
		(void)strlcpy_checked(r.addr, j->addr, sizeof(r.addr));
		r.out = evbuffer_new();
		web_login_finish(&r, j, result == PWCHECK_OK && j->found &&
		    !j->u.disabled);
		evbuffer_free(r.out);
	}
	sodium_memzero(j, sizeof(*j));
	free(j);
}

/*
 * GET shows the form; POST checks the throttle, then hands the password
 * to a worker thread (pwcheck.c): the answer comes from web_login_done.
 */
static void
web_login(struct web_req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);
	struct web_login_job	*j;
	const char		*name, *pw, *csrf;
	char			 want[64], actor[96];

	if (r->method == EVHTTP_REQ_GET) {
		if (r->authed)
			web_redirect(r, "/cases");
		else
			web_login_form(r, 200, NULL);
		return;
	}
	name = web_field(r, "name");
	pw = web_field(r, "password");
	csrf = web_field(r, "csrf");
	if (csrf == NULL || !web_cookie(r, WEB_LOGIN_COOKIE, want,
	    sizeof(want)) || !web_token_eq(csrf, want)) {
		web_login_form(r, 403, "Phiên đăng nhập không hợp lệ. Vui lòng "
		    "thử lại.");
		return;
	}
	if (name == NULL || pw == NULL || name[0] == '\0' ||
	    strlen(name) > 63 || strlen(pw) > 256) {
		web_login_form(r, 400, "Hãy nhập tên đăng nhập và mật khẩu.");
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->w = r->w;
	j->req = r->req;
	(void)strlcpy_checked(j->name, name, sizeof(j->name));
	(void)strlcpy_checked(j->addr, r->addr, sizeof(j->addr));
	(void)snprintf(actor, sizeof(actor), "user:%s", name);
	if ((j->found = store_user_get(r->ctx->store, name, &j->u)) == -1) {
		free(j);
		web_login_form(r, 500, "Lỗi cơ sở dữ liệu. Hãy thử lại.");
		return;
	}
	if (authlimit_blocked(r->w->limit, name, j->found == 1, r->addr,
	    r->now)) {
		free(j);
		if (web_refused(r, actor, "login.blocked", ""))
			log_warnx("web: login refused name=%s addr=%s: too "
			    "many failures", name, r->addr);
		web_login_form(r, 429, "Đăng nhập sai quá nhiều lần. Hãy thử "
		    "lại sau 15 phút.");
		return;
	}
	/* An unknown name is checked against a dummy hash: same cost. */
	if (pwcheck_submit(r->w->pwcheck, j->found == 1 ? j->u.pw_hash : NULL,
	    pw, web_login_done, j) == -1) {
		sodium_memzero(j, sizeof(*j));
		free(j);
		evhttp_add_header(h, "Retry-After", "2");
		web_login_form(r, 503, "Hệ thống đang bận. Hãy thử lại sau "
		    "giây lát.");
		return;
	}
}

/* Ends the session (the CSRF check has passed). */
static void
web_logout(struct web_req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);
	char			 token[64];
	unsigned char		 hash[32];

	if (web_cookie(r, WEB_COOKIE, token, sizeof(token))) {
		web_session_hash(r, token, hash);
		(void)store_session_end(r->ctx->store, hash, r->now);
	}
	(void)store_audit(r->ctx->store, r->actor, "logout", 0, "", r->addr);
	evhttp_add_header(h, "Set-Cookie", WEB_COOKIE "=; Path=/; Max-Age=0; "
	    "HttpOnly; SameSite=Strict");
	web_redirect(r, "/login");
}

static void
web_style(struct web_req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);

	evbuffer_add(r->out, web_css, sizeof(web_css) - 1);
	evhttp_add_header(h, "Content-Type", "text/css; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "max-age=3600");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(r->req, 200, "OK", r->out);
}

/* No icon: an empty answer, so the browser stops asking. */
static void
web_nothing(struct web_req *r)
{
	evhttp_send_reply(r->req, 204, "No Content", NULL);
}

static void
web_root(struct web_req *r)
{
	web_redirect(r, "/cases");
}

/* Finds the page for a path in one table; sets r->rest for a prefix. */
static const struct web_page *
web_find(const struct web_page *t, size_t n, struct web_req *r)
{
	size_t	 i, len;

	for (i = 0; i < n; i++) {
		if (strcmp(r->path, t[i].path) == 0)
			return (&t[i]);
		len = strlen(t[i].path);
		if ((t[i].flags & WEB_F_PREFIX) &&
		    strncmp(r->path, t[i].path, len) == 0 &&
		    r->path[len] == '/' && r->path[len + 1] != '\0') {
			r->rest = r->path + len + 1;
			return (&t[i]);
		}
	}
	return (NULL);
}

/*
 * Reads a form body (application/x-www-form-urlencoded) into r->form with
 * form.c, the decoder every form of the gateway goes through: text only
 * (valid UTF-8, no NUL), at most WEB_FORM_FIELDS fields.
 */
static int
web_read_form(struct web_req *r)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->req);
	const char	*ct, *why;
	size_t		 n = evbuffer_get_length(in);
	unsigned char	*body;

	ct = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    "Content-Type");
	if (ct == NULL || strncmp(ct, "application/x-www-form-urlencoded",
	    33) != 0)
		return (-1);
	if ((body = evbuffer_pullup(in, (ev_ssize_t)n)) == NULL && n > 0)
		return (-1);
	return (form_parse(&r->form, (const char *)body, n, WEB_FORM_FIELDS,
	    WEB_FORM_VALUE, FORM_F_UTF8, &why));
}

/* Serves everything under "/" that no other module took. */
void
web_serve(void *arg, struct evhttp_request *req)
{
	struct web		*w = arg;
	struct web_req		 r;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const struct web_page	*p;
	const char		*q, *csrf, *why;

	memset(&r, 0, sizeof(r));
	r.w = w;
	r.ctx = w->ctx;
	r.req = req;
	r.method = evhttp_request_get_command(req);
	r.now = (int64_t)time(NULL);
	r.path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (r.path == NULL || *r.path == '\0')
		r.path = "/";
	httpconn_client_addr(req, w->ctx->conf->http_trusted_proxy, r.addr,
	    sizeof(r.addr));
	r.out = evbuffer_new();

	q = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	if (form_parse_str(&r.query, q, WEB_FORM_FIELDS, WEB_FORM_VALUE,
	    FORM_F_UTF8, &why) == -1) {
		web_fail(&r, 400, "Địa chỉ không hợp lệ.");
		goto out;
	}
	web_session(&r);
	if ((p = web_find(web_pages, sizeof(web_pages) / sizeof(web_pages[0]),
	    &r)) == NULL && (p = web_find(web_case_pages, web_ncase_pages,
	    &r)) == NULL && (p = web_find(web_admin_pages, web_nadmin_pages,
	    &r)) == NULL && (p = web_find(web_dir_pages, web_ndir_pages,
	    &r)) == NULL && (p = web_find(web_stats_pages, web_nstats_pages,
	    &r)) == NULL && (p = web_find(web_report_pages, web_nreport_pages,
	    &r)) == NULL && (p = web_find(web_plans_pages, web_nplans_pages,
	    &r)) == NULL && (p = web_find(web_broadcast_pages,
	    web_nbroadcast_pages, &r)) == NULL && (p = web_find(web_user_pages,
	    web_nuser_pages, &r)) == NULL) {
		if (!r.authed)
			web_redirect(&r, "/login");
		else
			web_fail(&r, 404, "Không có trang này.");
		goto out;
	}
	if (!(p->flags & WEB_F_PUBLIC) && !r.authed) {
		/* Nothing but the way to the login page. */
		if (r.method == EVHTTP_REQ_GET)
			web_redirect(&r, "/login");
		else
			evhttp_send_error(req, 403, "Forbidden");
		goto out;
	}
	if ((r.method & p->methods) == 0) {
		web_fail(&r, 405, "Phương thức không được phép.");
		goto out;
	}
	if ((p->flags & WEB_F_ADMIN) && strcmp(r.user.role, "admin") != 0) {
		(void)web_refused(&r, r.actor, "denied", r.path);
		web_fail(&r, 403, "Trang này chỉ dành cho quản trị viên.");
		goto out;
	}
	if (r.method == EVHTTP_REQ_POST) {
		if (web_read_form(&r) == -1) {
			web_fail(&r, 400, "Dữ liệu gửi lên không hợp lệ.");
			goto out;
		}
		/* The login form checks its own double-submit token. */
		csrf = web_field(&r, "csrf");
		if (p->serve != web_login && (csrf == NULL ||
		    !web_token_eq(csrf, r.csrf))) {
			if (web_refused(&r, r.actor, "csrf.refused", r.path))
				log_warnx("web: CSRF token refused path=%s "
				    "user=%s", r.path, r.user.name);
			web_fail(&r, 403, "Phiên làm việc không hợp lệ hoặc đã "
			    "hết hạn. Hãy tải lại trang và thử lại.");
			goto out;
		}
	}
	p->serve(&r);
out:
	form_free(&r.query);
	form_free(&r.form);
	evbuffer_free(r.out);
	sodium_memzero(r.csrf, sizeof(r.csrf));
}

/* Creates the dashboard. */
struct web *
web_new(struct httpctx *ctx)
{
	struct web	*w;

	w = xcalloc(1, sizeof(*w));
	w->ctx = ctx;
	w->limit = authlimit_new();
	w->audit = audit_new(ctx->base, ctx->store);
	if ((w->pwcheck = pwcheck_new(ctx->base)) == NULL)
		fatalx("web: cannot start the password checks");
	return (w);
}

/* Frees the dashboard. */
void
web_free(struct web *w)
{
	if (w == NULL)
		return;
	pwcheck_free(w->pwcheck);
	authlimit_free(w->limit);
	audit_free(w->audit);
	free(w);
}
