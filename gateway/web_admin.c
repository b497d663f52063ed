/*
 * tinbao: the dashboard's other pages: the gateway's state and the audit
 * log.  (Statistics and the directory are in web_stats.c and web_dir.c.)
 *
 * The state page shows what /healthz and /metrics show, in words: the
 * transports, the modem's signal, network and SIM credit, the queue and the
 * counters since start.  The audit log is for admins only.
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "web.h"

#define AUDIT_PAGE	100

static void	web_gateway(struct web_req *);
static void	web_pool(struct web_req *);
static void	web_audit(struct web_req *);

const struct web_page web_admin_pages[] = {
	{ .path = "/gateway", .methods = EVHTTP_REQ_GET,
	  .serve = web_gateway },
	{ .path = "/audit", .methods = EVHTTP_REQ_GET, .flags = WEB_F_ADMIN,
	  .serve = web_audit },
};
const size_t web_nadmin_pages = sizeof(web_admin_pages) /
    sizeof(web_admin_pages[0]);

static int
web_queue_cb(const char *kind, const char *status, int64_t n, void *arg)
{
	struct web_req	*r = arg;

	evbuffer_add_printf(r->out, "<tr><td>");
	web_esc(r->out, kind);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, status);
	evbuffer_add_printf(r->out, "</td><td class=\"n\">%lld</td></tr>",
	    (long long)n);
	return (0);
}

/*
 * The SIM pool, one row per modem (only when there are several): link,
 * carrier, whether the outbox gives it messages and why not, what it has
 * in hand, sent and failed, signal and credit.
 */
static void
web_pool(struct web_req *r)
{
	struct status			*s = r->ctx->status;
	const struct modem_status	*m;
	struct outbox_tstat		 ts;
	int				 i;

	if (s->nmodems < 2)
		return;
	evbuffer_add_printf(r->out, "<h2>Các modem</h2><table id=\"pool\">"
	    "<thead><tr><th>Modem</th><th>Nhà mạng</th><th>Kết nối</th>"
	    "<th>Luân phiên</th><th>Đang gửi</th><th>Đã gửi</th><th>Lỗi</th>"
	    "<th>Sóng</th><th>Tài khoản</th></tr></thead><tbody>");
	for (i = 0; i < s->nmodems; i++) {
		m = &s->modems[i];
		(void)pool_modem_stat(s, i, &ts);
		evbuffer_add_printf(r->out, "<tr><td>%s</td><td>%s</td>"
		    "<td>%s</td><td>", m->name, carrier_name(m->carrier),
		    modem_state_name(m->state));
		if (ts.in_rotation)
			evbuffer_add_printf(r->out, "có");
		else {
			evbuffer_add_printf(r->out, "không: ");
			web_esc(r->out, ts.why_out);
		}
		evbuffer_add_printf(r->out, "</td><td class=\"n\">%d</td>"
		    "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
		    ts.queue, (unsigned long long)ts.sent,
		    (unsigned long long)ts.failed);
		if (m->signal_pct >= 0)
			evbuffer_add_printf(r->out, "%d dBm", m->signal_dbm);
		else
			evbuffer_add_printf(r->out, "chưa rõ");
		if (m->credit >= 0)
			evbuffer_add_printf(r->out, "</td><td class=\"n\">"
			    "%lld đ</td></tr>", m->credit);
		else
			evbuffer_add_printf(r->out, "</td><td>chưa rõ</td>"
			    "</tr>");
	}
	evbuffer_add_printf(r->out, "</tbody></table>");
}

/* GET /gateway: transports, signal, network, credit, queue, counters. */
static void
web_gateway(struct web_req *r)
{
	struct status	*s = r->ctx->status;
	int		 pending = store_outbox_pending(r->ctx->store);

	web_begin(r, "Trạng thái", "/gateway");
	evbuffer_add_printf(r->out, "<h1>Trạng thái hệ thống</h1><div class="
	    "\"box\"><dl>");
	if (s->has_modem) {
		evbuffer_add_printf(r->out, "<dt>Modem</dt><dd id=\"modem\">%s",
		    s->modem_state == MODEM_S_UP ? "hoạt động" :
		    "không hoạt động");
		evbuffer_add_printf(r->out, " (%s)", modem_state_name(
		    s->modem_state));
		if (s->modem_detail[0] != '\0') {
			evbuffer_add_printf(r->out, ": ");
			web_esc(r->out, s->modem_detail);
		}
		evbuffer_add_printf(r->out, "</dd><dt>Sóng</dt><dd>");
		if (s->signal_pct >= 0)
			evbuffer_add_printf(r->out, "%d dBm (%d%%)",
			    s->signal_dbm, s->signal_pct);
		else
			evbuffer_add_printf(r->out, "chưa rõ");
		evbuffer_add_printf(r->out, "</dd><dt>Mạng</dt><dd>%s · ",
		    s->registration == 1 ? "mạng nhà" : s->registration == 3 ?
		    "chuyển vùng" : s->registration == 2 ? "không có mạng" :
		    s->registration == 4 ? "bị từ chối" : "chưa rõ");
		web_esc(r->out, s->operator_name[0] ? s->operator_name :
		    "chưa rõ nhà mạng");
		evbuffer_add_printf(r->out, "</dd>");
	} else
		evbuffer_add_printf(r->out, "<dt>Modem</dt><dd id=\"modem\">"
		    "không dùng</dd>");
	evbuffer_add_printf(r->out, "<dt>Tài khoản SIM</dt><dd>");
	if (s->credit >= 0) {
		evbuffer_add_printf(r->out, "%lld đ", s->credit);
		if (s->credit_valid[0] != '\0') {
			evbuffer_add_printf(r->out, ", hạn ");
			web_esc(r->out, s->credit_valid);
		}
	} else
		evbuffer_add_printf(r->out, "chưa rõ");
	evbuffer_add_printf(r->out, "</dd><dt>Kannel</dt><dd id=\"kannel\">%s"
	    "</dd><dt>Cơ sở dữ liệu</dt><dd id=\"store\">%s</dd>"
	    "<dt>Tin chờ gửi</dt><dd id=\"pending\">%d</dd></dl></div>",
	    !s->has_kannel ? "không dùng" : s->kannel_up ? "hoạt động" :
	    "không trả lời", pending < 0 ? "lỗi" : s->store_errors_recent ?
	    "không ghi được (đầy đĩa?)" : "bình thường", pending);
	web_pool(r);
	evbuffer_add_printf(r->out, "<h2>Từ lúc khởi động</h2><table><tbody>"
	    "<tr><td>SMS nhận qua modem</td><td class=\"n\">%llu</td></tr>"
	    "<tr><td>SMS nhận qua Kannel</td><td class=\"n\">%llu</td></tr>"
	    "<tr><td>Báo cáo qua USSD</td><td class=\"n\">%llu</td></tr>"
	    "<tr><td>Tin đọc lại (trùng)</td><td class=\"n\">%llu</td></tr>"
	    "<tr><td>Lỗi ghi cơ sở dữ liệu</td><td class=\"n\">%llu</td></tr>"
	    "<tr><td>Chuyển cấp</td><td class=\"n\">%llu</td></tr>"
	    "</tbody></table>", (unsigned long long)s->sms_in,
	    (unsigned long long)s->kannel_in, (unsigned long long)s->ussd_in,
	    (unsigned long long)s->sms_dup,
	    (unsigned long long)s->store_errors,
	    (unsigned long long)s->escalations);
	evbuffer_add_printf(r->out, "<h2>Tin gửi đi</h2><table><thead><tr>"
	    "<th>Loại</th><th>Trạng thái</th><th>Số tin</th></tr></thead>"
	    "<tbody>");
	(void)store_metric_groups(r->ctx->store, STORE_METRIC_OUTBOX,
	    web_queue_cb, r);
	evbuffer_add_printf(r->out, "</tbody></table>");
	web_end(r);
	web_send(r, 200);
}

static int
web_audit_cb(int64_t at, const char *actor, const char *action,
    const char *code, const char *detail, const char *addr, void *arg)
{
	struct web_req	*r = arg;
	char		 when[32];

	web_time(at, when, sizeof(when));
	evbuffer_add_printf(r->out, "<tr><td>%s</td><td>", when);
	web_esc(r->out, actor);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, action);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, code);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, detail);
	evbuffer_add_printf(r->out, "</td><td>");
	web_esc(r->out, addr);
	evbuffer_add_printf(r->out, "</td></tr>");
	return (0);
}

/* GET /audit: the newest rows of the audit log (admins only). */
static void
web_audit(struct web_req *r)
{
	const char	*p = web_param(r, "page");
	int		 page = p != NULL ? atoi(p) : 1;

	if (page < 1 || page > 100000)
		page = 1;
	web_begin(r, "Nhật ký", "/audit");
	evbuffer_add_printf(r->out, "<h1>Nhật ký truy cập</h1><table id=\""
	    "audit\"><thead><tr><th>Thời gian</th><th>Ai</th><th>Việc</th>"
	    "<th>Hồ sơ</th><th>Chi tiết</th><th>Địa chỉ</th></tr></thead>"
	    "<tbody>");
	if (store_audit_list(r->ctx->store, AUDIT_PAGE, (page - 1) *
	    AUDIT_PAGE, web_audit_cb, r) == -1) {
		web_fail(r, 500, "Lỗi cơ sở dữ liệu.");
		return;
	}
	evbuffer_add_printf(r->out, "</tbody></table><div class=\"paging\">");
	if (page > 1)
		evbuffer_add_printf(r->out, "<a href=\"/audit?page=%d\">← "
		    "Mới hơn</a>", page - 1);
	evbuffer_add_printf(r->out, "<a href=\"/audit?page=%d\">Cũ hơn →"
	    "</a></div>", page + 1);
	web_end(r);
	web_send(r, 200);
}
