/*
 * tinbao: one incident, one alert (issue 19).
 *
 * When twenty pupils text about the same fight, the responders must not
 * get twenty alerts: an urgent report of the same school and category as
 * an open urgent case created within [escalation] incident_window (10 min
 * by default; 0s turns this off) joins that first case's incident.  It
 * stays a case of its own, with its own code and acknowledgement, but
 * sends no alert and starts no escalation (the first case escalates).
 * The responders already alerted for the first case get one short update,
 * "+N tin bao nua ve CODE", at once for the first joined report and then
 * at most every incident_update (3 min) for the ones since.  A report
 * joined by mistake is split off with `tinbao incident split CODE`, which
 * alerts it as the case of its own it then is.
 *
 * incident_join runs inside the report's transaction; incident_updates
 * runs from the gateway's tick, one transaction per incident.
 */
#include <string.h>

#include "tinbao.h"

#define INCIDENT_UPDATE	"+%d tin bao nua ve %s"

struct incident_arg {
	struct store		*store;
	const struct config	*conf;
	int64_t			 now;
	int64_t			 lead;
	char			 text[64];
	int			 n;
};

static int	 incident_update_cb(int64_t, int, void *);
static int	 incident_send_cb(const struct contact *, void *);

/*
 * Joins the new urgent case case_id to an incident when one is open for
 * its school and category.  Returns 1 when joined (no alert is to be
 * sent), 0 when it is the first of its incident, -1 on error.
 */
int
incident_join(struct store *st, const struct config *conf, int64_t case_id,
    const char *school, const char *category, int64_t now)
{
	struct store_caserow	 lead;
	int64_t			 id;
	char			 detail[64];

	if (conf->incident_window <= 0 || school == NULL || school[0] == '\0')
		return (0);
	if ((id = store_incident_find(st, school, category,
	    now - conf->incident_window, case_id)) <= 0)
		return (id == -1 ? -1 : 0);
	if (store_incident_join(st, case_id, id) == -1 ||
	    store_case_by_id(st, id, &lead) != 1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "incident=%s", lead.code);
	if (store_event_add(st, case_id, now, "incident_joined", detail) ==
	    -1) {
		store_caserow_free(&lead);
		return (-1);
	}
	log_info("case_id=%lld joined incident=%s: no new alert",
	    (long long)case_id, lead.code);
	store_caserow_free(&lead);
	return (1);
}

/* Queues the update to one responder already alerted. */
static int
incident_send_cb(const struct contact *to, void *arg)
{
	struct incident_arg	*ia = arg;
	struct store_outmsg	 o;

	memset(&o, 0, sizeof(o));
	o.case_id = ia->lead;
	o.number = to->phone;
	o.contact_id = to->id;
	o.text = ia->text;
	o.kind = "update";
	o.priority = PRIO_REPLY;
	o.charset = CHARSET_GSM7;
	o.created_at = ia->now;
	if (store_outbox_add(ia->store, &o) == -1)
		return (-1);
	ia->n++;
	return (0);
}

/* Tells one incident's responders of the reports joined since. */
static int
incident_update_cb(int64_t lead, int untold, void *arg)
{
	struct incident_arg	*ia = arg;
	struct store_caserow	 c;
	char			 detail[64];

	if (store_begin(ia->store) == -1)
		return (-1);
	if (store_case_by_id(ia->store, lead, &c) != 1)
		goto fail;
	ia->lead = lead;
	ia->n = 0;
	(void)snprintf(ia->text, sizeof(ia->text), INCIDENT_UPDATE, untold,
	    c.code);
	if (store_incident_alerted(ia->store, lead, incident_send_cb,
	    ia) == -1 || store_incident_told(ia->store, lead, ia->now) == -1) {
		store_caserow_free(&c);
		goto fail;
	}
	(void)snprintf(detail, sizeof(detail), "more=%d recipients=%d",
	    untold, ia->n);
	if (store_event_add(ia->store, lead, ia->now, "incident_update",
	    detail) == -1 || store_commit(ia->store) == -1) {
		store_caserow_free(&c);
		goto fail;
	}
	log_info("case=%s incident update more=%d recipients=%d", c.code,
	    untold, ia->n);
	store_caserow_free(&c);
	return (0);
fail:
	store_rollback(ia->store);
	return (-1);
}

/*
 * Queues the updates that are due.  Returns how many incidents were
 * updated, or -1.
 */
int
incident_updates(struct store *st, const struct config *conf, int64_t now)
{
	struct incident_arg	 ia;

	if (conf->incident_window <= 0)
		return (0);
	memset(&ia, 0, sizeof(ia));
	ia.store = st;
	ia.conf = conf;
	ia.now = now;
	return (store_incident_due(st, now - conf->incident_update,
	    incident_update_cb, &ia));
}

/*
 * Takes a case out of the incident it was joined to and alerts it as its
 * own, in one transaction.  Returns 1, 0 when it was in no incident, -1.
 */
int
incident_split(struct store *st, const struct config *conf, int64_t case_id,
    int64_t now)
{
	int64_t	 lead;
	int	 r;

	if (store_begin(st) == -1)
		return (-1);
	if ((r = store_incident_split(st, case_id, &lead)) != 1)
		goto out;
	if (store_event_add(st, case_id, now, "incident_split", NULL) == -1 ||
	    route_alert(st, conf, case_id, 1, now) == -1) {
		r = -1;
		goto out;
	}
	if (store_commit(st) == -1)
		return (-1);
	return (1);
out:
	store_rollback(st);
	return (r);
}
