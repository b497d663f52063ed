/*
 * tinbao: a case's timeline as the dashboard shows it: one Vietnamese
 * sentence per thing that happened, who did what ("Đã nhắn cảnh báo cho
 * Trung úy Lê Văn Phú (công an)", "Chưa ai nhận — chuyển lên cấp 2"), with
 * the technical detail (the event's type and key=value detail, an SMS's
 * state) folded in a <details> under the line.
 *
 * The bookkeeping events that only repeat what an SMS's line says (an
 * alert or a reply queued, a reply sent: the SMS's line has its state) are
 * not lines of their own: their detail is folded under the line that
 * follows, so an ordinary case reads in a dozen lines instead of
 * forty-five.
 *
 * Actors come from the events' "by=" (caseact.c): "user:NAME" is a
 * dashboard user, "token:NAME" a script of the API, "ROLE:ID" a contact
 * (looked up for the name; a removed contact stays "ROLE #ID").
 */
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "web.h"

struct web_timeline {
	struct web_req	*r;
	struct evbuffer	*line;		/* the line being written */
	struct evbuffer	*pending;	/* folded detail for the next line */
	int		 lines;
};

/* Creates the state of one timeline's rendering. */
struct web_timeline *
web_timeline_new(struct web_req *r)
{
	struct web_timeline	*tl = xcalloc(1, sizeof(*tl));

	tl->r = r;
	tl->line = evbuffer_new();
	tl->pending = evbuffer_new();
	return (tl);
}

/* Frees it; pending detail with no line after it gets a line of its own. */
void
web_timeline_free(struct web_timeline *tl)
{
	if (evbuffer_get_length(tl->pending) > 0) {
		evbuffer_add_printf(tl->r->out, "<li class=\"tl-tech\"><details>"
		    "<summary>Chi tiết kỹ thuật</summary><pre>");
		evbuffer_add_buffer(tl->r->out, tl->pending);
		evbuffer_add_printf(tl->r->out, "</pre></details></li>");
	}
	evbuffer_free(tl->line);
	evbuffer_free(tl->pending);
	free(tl);
}

/*
 * Copies the value of key in a "k=v k=v" detail into buf: up to the next
 * space, or to the end for the last key a detail has (text, outcome,
 * reason, which may hold spaces).  Returns 1 found, 0 not.
 */
static int
web_kv(const char *detail, const char *key, char *buf, size_t bufsz)
{
	const char	*p = detail, *v, *e;
	size_t		 klen = strlen(key), n;
	int		 rest;

	rest = strcmp(key, "text") == 0 || strcmp(key, "outcome") == 0 ||
	    strcmp(key, "reason") == 0;
	buf[0] = '\0';
	while ((p = strstr(p, key)) != NULL) {
		if ((p == detail || p[-1] == ' ') && p[klen] == '=')
			break;
		p += klen;
	}
	if (p == NULL)
		return (0);
	v = p + klen + 1;
	if (rest) {
		/* reason= is followed by was= in a reopen's detail. */
		e = strcmp(key, "reason") == 0 ? strstr(v, " was=") : NULL;
		n = e != NULL ? (size_t)(e - v) : strlen(v);
	} else
		n = strcspn(v, " ");
	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return (1);
}

/* Writes who an event's by= names, escaped. */
static void
web_actor(struct web_timeline *tl, const char *detail)
{
	struct evbuffer	*b = tl->line;
	struct contact	 k;
	char		 by[96], *colon;
	long long	 id;

	if (!web_kv(detail, "by", by, sizeof(by)) || by[0] == '\0') {
		evbuffer_add_printf(b, "Ai đó");
		return;
	}
	if ((colon = strchr(by, ':')) == NULL) {
		web_esc(b, by);
		return;
	}
	*colon = '\0';
	if (strcmp(by, "user") == 0) {
		evbuffer_add_printf(b, "Cán bộ ");
		web_esc(b, colon + 1);
	} else if (strcmp(by, "token") == 0) {
		evbuffer_add_printf(b, "Chương trình (API) ");
		web_esc(b, colon + 1);
	} else if (strcmp(by, "cli") == 0) {
		evbuffer_add_printf(b, "Quản trị (dòng lệnh) ");
		web_esc(b, colon + 1);
	} else if ((id = atoll(colon + 1)) > 0 &&
	    store_contact_by_id(tl->r->ctx->store, id, &k) == 1) {
		web_esc(b, k.name);
		evbuffer_add_printf(b, " (");
		web_esc(b, web_role_vi(k.role));
		evbuffer_add_printf(b, ")");
	} else {
		web_esc(b, web_role_vi(by));
		evbuffer_add_printf(b, " #");
		web_esc(b, colon + 1);
	}
}

/* Writes "Name (role)" for a timeline's "role: name" recipient. */
static void
web_recipient(struct evbuffer *b, const char *who)
{
	const char	*sep = strstr(who, ": ");
	char		 role[32];
	size_t		 n;

	if (strcmp(who, "reporter") == 0) {
		evbuffer_add_printf(b, "người báo");
		return;
	}
	if (sep == NULL) {
		web_esc(b, who);
		return;
	}
	n = (size_t)(sep - who) < sizeof(role) ? (size_t)(sep - who) :
	    sizeof(role) - 1;
	memcpy(role, who, n);
	role[n] = '\0';
	web_esc(b, sep + 2);
	evbuffer_add_printf(b, " (");
	web_esc(b, web_role_vi(role));
	evbuffer_add_printf(b, ")");
}

/* Writes a quoted user text after a sentence: ": «text»". */
static void
web_quote(struct evbuffer *b, const char *label, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return;
	evbuffer_add_printf(b, "%s<q>", label);
	web_esc(b, text);
	evbuffer_add_printf(b, "</q>");
}

/* The sentence of an SMS in or out. */
static void
web_sentence_msg(struct web_timeline *tl, const struct timeline_item *t)
{
	struct evbuffer	*b = tl->line;

	if (strcmp(t->source, "in") == 0) {
		evbuffer_add_printf(b, "Tin nhắn đến từ ");
		web_recipient(b, t->who);
		web_quote(b, ": ", t->detail);
		return;
	}
	if (strcmp(t->type, "alert") == 0)
		evbuffer_add_printf(b, "Đã nhắn cảnh báo cho ");
	else if (strcmp(t->type, "relay") == 0)
		evbuffer_add_printf(b, "Đã chuyển trả lời cho ");
	else if (strcmp(t->type, "closed") == 0)
		evbuffer_add_printf(b, "Đã nhắn báo đóng hồ sơ cho ");
	else if (strcmp(t->type, "ack") == 0)
		evbuffer_add_printf(b, "Đã nhắn xác nhận và mã hồ sơ cho ");
	else
		evbuffer_add_printf(b, "Đã nhắn cho ");
	web_recipient(b, t->who);
	if (strcmp(t->status, "queued") == 0 ||
	    strcmp(t->status, "sending") == 0)
		evbuffer_add_printf(b, " — đang chờ gửi");
	else if (strcmp(t->status, "failed") == 0)
		evbuffer_add_printf(b, " — <strong>gửi không được</strong>");
	else if (strcmp(t->status, "delivered") == 0)
		evbuffer_add_printf(b, " — đã đến máy");
}

/* The sentence of an event; 0 when it is folded into the next line. */
static int
web_sentence_event(struct web_timeline *tl, const struct timeline_item *t)
{
	struct evbuffer	*b = tl->line;
	const char	*ty = t->type, *d = t->detail;
	char		 v[600], w[64];

	/* The SMS's own line says these: it was queued, then sent. */
	if (strcmp(ty, "alert_queued") == 0 || strcmp(ty, "reply_queued") == 0 ||
	    strcmp(ty, "reply_sent") == 0)
		return (0);
	if (strcmp(ty, "escalated") == 0) {
		(void)web_kv(d, "step", v, sizeof(v));
		evbuffer_add_printf(b, "Chưa ai nhận — chuyển lên cấp %d",
		    atoi(v));
	} else if (strcmp(ty, "escalation_exhausted") == 0)
		evbuffer_add_printf(b, "Đã chuyển hết các cấp — vẫn chưa ai "
		    "nhận");
	else if (strcmp(ty, "alert_no_recipient") == 0) {
		(void)web_kv(d, "step", v, sizeof(v));
		evbuffer_add_printf(b, "Không có ai để cảnh báo ở cấp %d",
		    atoi(v));
	} else if (strcmp(ty, "received") == 0)
		evbuffer_add_printf(b, "Nhận báo cáo, mở hồ sơ");
	else if (strcmp(ty, "acknowledged") == 0 ||
	    strcmp(ty, "acknowledged_again") == 0) {
		web_actor(tl, d);
		evbuffer_add_printf(b, "%s nhận xử lý", ty[12] != '\0' ?
		    " cũng" : " đã");
	} else if (strcmp(ty, "relay_to_reporter") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "text", v, sizeof(v));
		evbuffer_add_printf(b, " trả lời người báo");
		web_quote(b, ": ", v);
	} else if (strcmp(ty, "closed") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "outcome", v, sizeof(v));
		evbuffer_add_printf(b, " đóng hồ sơ");
		web_quote(b, ": ", v);
	} else if (strcmp(ty, "assigned") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "to", w, sizeof(w));
		evbuffer_add_printf(b, " giao hồ sơ cho ");
		web_esc(b, w);
	} else if (strcmp(ty, "note") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "text", v, sizeof(v));
		evbuffer_add_printf(b, " ghi chú (nội bộ)");
		web_quote(b, ": ", v);
	} else if (strcmp(ty, "triaged") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "category", w, sizeof(w));
		evbuffer_add_printf(b, " phân loại: %s", web_category_vi(w));
		(void)web_kv(d, "urgent", w, sizeof(w));
		evbuffer_add_printf(b, ", %s", atoi(w) ? "khẩn" : "không khẩn");
	} else if (strcmp(ty, "school_set") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "school", w, sizeof(w));
		evbuffer_add_printf(b, " sửa trường: ");
		web_esc(b, strcmp(w, "none") == 0 ? "chưa rõ" : w);
	} else if (strcmp(ty, "marked_invalid") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "reason", v, sizeof(v));
		evbuffer_add_printf(b, " đánh dấu không hợp lệ (không tính "
		    "thống kê)");
		web_quote(b, ": ", v);
	} else if (strcmp(ty, "marked_duplicate") == 0 ||
	    strcmp(ty, "merged_into") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, ty[0] == 'm' && ty[1] == 'e' ? "into" : "of", w,
		    sizeof(w));
		evbuffer_add_printf(b, ty[1] == 'e' ? " gộp vào hồ sơ " :
		    " đánh dấu trùng với hồ sơ ");
		web_esc(b, w);
	} else if (strcmp(ty, "merged_from") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "case", w, sizeof(w));
		(void)web_kv(d, "text", v, sizeof(v));
		evbuffer_add_printf(b, " gộp hồ sơ ");
		web_esc(b, w);
		evbuffer_add_printf(b, " vào đây");
		web_quote(b, ": ", v);
	} else if (strcmp(ty, "reopened") == 0) {
		web_actor(tl, d);
		(void)web_kv(d, "reason", v, sizeof(v));
		evbuffer_add_printf(b, " mở lại hồ sơ");
		web_quote(b, ": ", v);
	} else if (strcmp(ty, "shared") == 0) {
		web_actor(tl, d);
		evbuffer_add_printf(b, " chia sẻ nội dung với tài khoản xã");
	} else if (strcmp(ty, "made_urgent") == 0)
		evbuffer_add_printf(b, "Chuyển thành khẩn cấp, cảnh báo lại từ "
		    "cấp 1");
	else if (strcmp(ty, "escalation_stopped") == 0)
		evbuffer_add_printf(b, "Dừng chuyển cấp");
	else if (strcmp(ty, "reply_suppressed") == 0)
		evbuffer_add_printf(b, "Không nhắn cho người báo: người báo đã "
		    "xin ngừng nhận tin");
	else if (strcmp(ty, "followup") == 0)
		evbuffer_add_printf(b, "Người báo nhắn thêm");
	else if (strcmp(ty, "staff_accused") == 0)
		evbuffer_add_printf(b, "Báo cáo nêu nhân viên nhà trường: không "
		    "cảnh báo hiệu trưởng");
	else if (strcmp(ty, "reply_failed") == 0)
		evbuffer_add_printf(b, "Một tin nhắn <strong>gửi không được"
		    "</strong>");
	else if (strcmp(ty, "command_refused") == 0)
		evbuffer_add_printf(b, "Một lệnh SMS bị từ chối");
	else if (strcmp(ty, "delivered") == 0)
		evbuffer_add_printf(b, "Tin đã đến máy nhận");
	else if (strcmp(ty, "delivery_failed") == 0)
		evbuffer_add_printf(b, "Tin <strong>không đến</strong> được máy "
		    "nhận");
	else
		web_esc(b, ty);
	return (1);
}

/* Writes the folded detail of a line: pending bookkeeping, then its own. */
static void
web_timeline_detail(struct web_timeline *tl, const struct timeline_item *t)
{
	struct evbuffer	*b = tl->line;

	evbuffer_add_printf(b, "<details><summary>Chi tiết</summary><pre>");
	evbuffer_add_buffer(b, tl->pending);
	web_esc(b, t->source);
	evbuffer_add_printf(b, " ");
	web_esc(b, t->type);
	if (t->status[0] != '\0') {
		evbuffer_add_printf(b, " status=");
		web_esc(b, t->status);
	}
	if (t->who[0] != '\0') {
		evbuffer_add_printf(b, " who=");
		web_esc(b, t->who);
	}
	if (strcmp(t->source, "event") == 0 && t->detail[0] != '\0') {
		evbuffer_add_printf(b, " ");
		web_esc(b, t->detail);
	}
	evbuffer_add_printf(b, "</pre></details>");
}

/* store_case_timeline's callback: one line, or detail for the next. */
int
web_timeline_cb(const struct timeline_item *t, void *arg)
{
	struct web_timeline	*tl = arg;
	struct evbuffer		*b = tl->line;
	char			 when[32];

	web_time(t->at, when, sizeof(when));
	evbuffer_drain(b, evbuffer_get_length(b));
	evbuffer_add_printf(b, "<li class=\"tl-%s\" data-type=\"", t->source);
	web_esc(b, t->type);
	evbuffer_add_printf(b, "\"><time>%s</time> <span class=\"what\">",
	    when);
	if (strcmp(t->source, "event") != 0)
		web_sentence_msg(tl, t);
	else if (!web_sentence_event(tl, t)) {
		/* Folded: its detail goes under the next line. */
		evbuffer_add_printf(tl->pending, "%s ", when);
		web_esc(tl->pending, t->type);
		evbuffer_add_printf(tl->pending, " ");
		web_esc(tl->pending, t->detail);
		evbuffer_add_printf(tl->pending, "\n");
		return (0);
	}
	evbuffer_add_printf(b, "</span>");
	web_timeline_detail(tl, t);
	evbuffer_add_printf(b, "</li>");
	evbuffer_add_buffer(tl->r->out, b);
	tl->lines++;
	return (0);
}
