/*
 * tinbao: the SIM pool modem by modem, as /healthz, /metrics, the
 * dashboard's gateway page and `tinbao status` show it.
 *
 * server.c keeps each modem's link, signal and credit in struct status;
 * the outbox knows what each modem sent, failed and has in hand, and
 * whether it is in rotation.  This file puts the two side by side in the
 * words of each reader: text lines for /healthz (which `tinbao status`
 * prints), Prometheus lines with a modem label for /metrics.  It reads,
 * never changes, both.
 */
#include <string.h>

#include <event2/buffer.h>

#include "tinbao.h"

static const char *pool_network(int);

/*
 * Fills what the outbox knows of modem i (of status->modems); 0, or -1
 * when it sends nothing (send = no), with ts zeroed but its label.
 */
int
pool_modem_stat(const struct status *s, int i, struct outbox_tstat *ts)
{
	const struct modem_status	*m = &s->modems[i];

	memset(ts, 0, sizeof(*ts));
	if (m->slot < 0 || s->outbox == NULL ||
	    outbox_tstat(s->outbox, m->slot, ts) == -1) {
		(void)strlcpy_checked(ts->label, m->name, sizeof(ts->label));
		(void)strlcpy_checked(ts->why_out, "send = no",
		    sizeof(ts->why_out));
		return (-1);
	}
	return (0);
}

static const char *
pool_network(int reg)
{
	switch (reg) {
	case 1:
		return ("home");
	case 2:
		return ("none");
	case 3:
		return ("roaming");
	case 4:
		return ("denied");
	default:
		return ("unknown");
	}
}

/*
 * Writes one line per modem for /healthz when there are several:
 * "modem1 up carrier=viettel rotation=in queue=0 sent=3 failed=0
 * signal=-73dBm credit=12500", with the reason when out of rotation.
 */
void
pool_health(const struct status *s, struct evbuffer *b)
{
	const struct modem_status	*m;
	struct outbox_tstat		 ts;
	int				 i;

	if (s->nmodems < 2)
		return;
	for (i = 0; i < s->nmodems; i++) {
		m = &s->modems[i];
		(void)pool_modem_stat(s, i, &ts);
		evbuffer_add_printf(b, "%s %s carrier=%s rotation=%s%s%s%s "
		    "queue=%d sent=%llu failed=%llu", m->name,
		    modem_state_name(m->state), carrier_name(m->carrier),
		    ts.in_rotation ? "in" : "out", ts.why_out[0] ? " (" : "",
		    ts.why_out, ts.why_out[0] ? ")" : "", ts.queue,
		    (unsigned long long)ts.sent, (unsigned long long)ts.failed);
		if (m->signal_pct >= 0)
			evbuffer_add_printf(b, " signal=%ddBm", m->signal_dbm);
		if (m->registration > 0)
			evbuffer_add_printf(b, " network=%s",
			    pool_network(m->registration));
		if (m->credit >= 0)
			evbuffer_add_printf(b, " credit=%lld", m->credit);
		if (m->state != MODEM_S_UP && m->detail[0] != '\0')
			evbuffer_add_printf(b, " reason=\"%s\"", m->detail);
		evbuffer_add_printf(b, "\n");
	}
}

/* Writes the per-modem gauges and counters of /metrics. */
void
pool_metrics(const struct status *s, struct evbuffer *b)
{
	static const struct {
		const char	*name;
		const char	*type;
		const char	*help;
	} fam[] = {
		{ "tinbao_pool_modem_up", "gauge", "1 when the link is up." },
		{ "tinbao_pool_modem_in_rotation", "gauge",
		  "1 when the outbox gives it messages." },
		{ "tinbao_pool_modem_queue", "gauge",
		  "Messages handed to it, not done." },
		{ "tinbao_pool_modem_sent_total", "counter",
		  "SMS it sent." },
		{ "tinbao_pool_modem_failed_total", "counter",
		  "Sends that failed on it." },
		{ "tinbao_pool_modem_onnet_total", "counter",
		  "SMS it sent to its own carrier's numbers." },
		{ "tinbao_pool_modem_received_total", "counter",
		  "SMS read from it and committed." },
		{ "tinbao_pool_modem_credit_vnd", "gauge",
		  "Its SIM's credit from the last USSD check (-1 unknown)." },
		{ "tinbao_pool_modem_signal_dbm", "gauge",
		  "Its signal strength (0 unknown)." },
	};
	const struct modem_status	*m;
	struct outbox_tstat		 ts;
	long long			 v;
	size_t				 f;
	int				 i;

	if (s->nmodems == 0)
		return;
	for (f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n",
		    fam[f].name, fam[f].help, fam[f].name, fam[f].type);
		for (i = 0; i < s->nmodems; i++) {
			m = &s->modems[i];
			(void)pool_modem_stat(s, i, &ts);
			switch (f) {
			case 0: v = m->state == MODEM_S_UP; break;
			case 1: v = ts.in_rotation; break;
			case 2: v = ts.queue; break;
			case 3: v = (long long)ts.sent; break;
			case 4: v = (long long)ts.failed; break;
			case 5: v = (long long)ts.onnet; break;
			case 6: v = (long long)m->received; break;
			case 7: v = m->credit; break;
			default: v = m->signal_dbm; break;
			}
			evbuffer_add_printf(b, "%s{modem=\"%s\",carrier=\"%s\"} "
			    "%lld\n", fam[f].name, m->name,
			    carrier_name(m->carrier), v);
		}
	}
}
