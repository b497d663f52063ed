/*
 * tinbao: the dashboard's page of the schools' plans and models for a
 * school year (plans.c): which schools sent their plan and when, which
 * are late, their form of awareness work and their models; a Bureau user
 * or an admin records a plan received (date, form, models) with the
 * row's form.  Every change is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"
#include "web.h"

static void	web_plans(struct web_req *);
static void	web_plans_post(struct web_req *);
static int	web_plans_row(const struct plan *, void *);

const struct web_page web_plans_pages[] = {
	{ .path = "/plans", .methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	  .serve = web_plans },
};
const size_t web_nplans_pages = sizeof(web_plans_pages) /
    sizeof(web_plans_pages[0]);

struct web_plans_arg {
	struct web_req	*r;
	int		 late;
};

/* One school: its state, and a form to record its plan. */
static int
web_plans_row(const struct plan *p, void *arg)
{
	struct web_plans_arg	*a = arg;
	struct web_req		*r = a->r;
	char			 day[16] = "";
	time_t			 t = (time_t)p->received_at;
	struct tm		 tm;
	int			 late = plans_is_late(r->ctx->conf, p, r->now);
	size_t			 i;

	if (p->received_at != 0) {
		localtime_r(&t, &tm);
		(void)strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	}
	a->late += late;
	evbuffer_add_printf(r->out, "<tr id=\"plan-%s\"><td>", p->school);
	web_esc(r->out, p->school);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, p->name);
	evbuffer_add_printf(r->out, "</td><td>%s</td><td><form method=\"post\" "
	    "action=\"/plans\">", p->received_at != 0 ? "Đã nhận" : late ?
	    "<span class=\"urgent\">Quá hạn</span>" : "Chưa nhận");
	web_csrf_field(r);
	evbuffer_add_printf(r->out, "<input type=\"hidden\" name=\"school\" "
	    "value=\"");
	web_esc(r->out, p->school);
	evbuffer_add_printf(r->out, "\"><input type=\"hidden\" name=\"year\" "
	    "value=\"%s\"><label>Ngày nhận<input type=\"date\" name=\"received\""
	    " value=\"%s\"></label><label>Hình thức<input name=\"form\" "
	    "value=\"", p->year, day);
	web_esc(r->out, p->form);
	evbuffer_add_printf(r->out, "\"></label>");
	for (i = 0; plans_model_codes[i] != NULL; i++)
		evbuffer_add_printf(r->out, "<label><input type=\"checkbox\" "
		    "name=\"m_%s\" value=\"1\"%s>%s</label>",
		    plans_model_codes[i], strstr(p->models,
		    plans_model_codes[i]) != NULL ? " checked" : "",
		    plans_model_vi(plans_model_codes[i]));
	evbuffer_add_printf(r->out, "<label>Mô hình khác<input "
	    "name=\"custom_name\" value=\"");
	web_esc(r->out, p->other);
	evbuffer_add_printf(r->out, "\"></label><button type=\"submit\">Lưu"
	    "</button></form></td></tr>");
	return (0);
}

/* POST /plans: one school's plan, from its row's form. */
static void
web_plans_post(struct web_req *r)
{
	struct plan	 p;
	const char	*v;
	char		 loc[64], detail[64];
	int64_t		 a, b;
	size_t		 i, len;

	memset(&p, 0, sizeof(p));
	if ((v = web_field(r, "school")) == NULL ||
	    strlcpy_checked(p.school, v, sizeof(p.school)) >= sizeof(p.school)) {
		web_fail(r, 400, "Trường không hợp lệ.");
		return;
	}
	if ((v = web_field(r, "year")) == NULL ||
	    strlcpy_checked(p.year, v, sizeof(p.year)) >= sizeof(p.year) ||
	    plans_deadline(r->ctx->conf, p.year) == -1) {
		web_fail(r, 400, "Năm học không hợp lệ.");
		return;
	}
	if ((v = web_field(r, "received")) != NULL && *v != '\0') {
		if (stats_parse_day(v, &a, &b) == -1) {
			web_fail(r, 400, "Ngày nhận không hợp lệ.");
			return;
		}
		p.received_at = a;
	}
	if ((v = web_field(r, "form")) != NULL)
		(void)strlcpy_checked(p.form, v, sizeof(p.form));
	if ((v = web_field(r, "custom_name")) != NULL)
		(void)strlcpy_checked(p.other, v, sizeof(p.other));
	for (i = 0; plans_model_codes[i] != NULL; i++) {
		(void)snprintf(loc, sizeof(loc), "m_%s", plans_model_codes[i]);
		if (web_field(r, loc) == NULL)
			continue;
		len = strlen(p.models);
		(void)snprintf(p.models + len, sizeof(p.models) - len, "%s%s",
		    len > 0 ? "," : "", plans_model_codes[i]);
	}
	if (store_plan_set(r->ctx->store, &p, r->now) == -1) {
		web_fail(r, 400, "Không lưu được (trường không có trong danh "
		    "bạ?).");
		return;
	}
	(void)snprintf(detail, sizeof(detail), "%s %s", p.school, p.year);
	(void)store_audit(r->ctx->store, r->actor, "plan.set", 0, detail,
	    r->addr);
	(void)snprintf(loc, sizeof(loc), "/plans?year=%s", p.year);
	web_redirect(r, loc);
}

/* GET /plans: the year's table; POST: record one school's plan. */
static void
web_plans(struct web_req *r)
{
	struct web_plans_arg	 a = { .r = r };
	const char		*v;
	char			 year[16], due[16];
	int64_t			 dl;
	time_t			 t;
	struct tm		 tm;

	if (r->method == EVHTTP_REQ_POST) {
		web_plans_post(r);
		return;
	}
	(void)plans_year(r->now, year, sizeof(year));
	if ((v = web_param(r, "year")) != NULL && *v != '\0')
		(void)strlcpy_checked(year, v, sizeof(year));
	if ((dl = plans_deadline(r->ctx->conf, year)) == -1) {
		web_fail(r, 400, "Năm học không hợp lệ (NNNN-NNNN).");
		return;
	}
	t = (time_t)(dl - 1);
	localtime_r(&t, &tm);
	(void)strftime(due, sizeof(due), "%d/%m/%Y", &tm);
	web_begin(r, "Kế hoạch các trường", "/plans");
	evbuffer_add_printf(r->out, "<h1>Kế hoạch và mô hình của các trường, "
	    "năm học %s</h1><form class=\"filters\" method=\"get\" action=\""
	    "/plans\"><label>Năm học<input name=\"year\" value=\"%s\"></label>"
	    "<button type=\"submit\">Xem</button></form><p>Hạn nộp kế hoạch: "
	    "%s. Hiệu trưởng trường quá hạn được nhắc bằng tin nhắn một lần, "
	    "rồi mỗi tuần.</p><table id=\"plans\"><thead><tr><th>Mã</th><th>"
	    "Trường</th><th>Kế hoạch</th><th>Ghi nhận</th></tr></thead><tbody>",
	    year, year, due);
	if (store_plans_list(r->ctx->store, year, web_plans_row, &a) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	evbuffer_add_printf(r->out, "</tbody></table><p id=\"late\">Quá hạn: "
	    "%d trường.</p>", a.late);
	web_end(r);
	web_send(r, 200);
}
