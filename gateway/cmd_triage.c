/*
 * tinbao: `tinbao triage`, the operator's door to the triage net.
 *
 *   tinbao triage                     the queue: open untriaged cases,
 *                                     "other" first, then the least sure
 *                                     (the classifier's confidence), then
 *                                     the oldest (TRIAGE_QUEUE_ORDER)
 *   tinbao triage CASE [--category C] [--urgent yes|no]
 *                                     triage CASE: confirm, or correct
 *
 * The decision itself is triage_case() (triage.c), which the dashboard and
 * the API will call too.  The command writes to the database the running
 * gateway uses (WAL, short transaction); the alerts it queues when a case
 * becomes urgent leave at the gateway's next housekeeping tick.  Each use
 * is in the audit log as cli:USER.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tinbao.h"
#include "category.h"

static int	triage_list_cb(const struct store_caserow *,
		    const struct triage_row *, void *);
static int	triage_usage(void);

static int
triage_usage(void)
{
	fprintf(stderr, "usage: tinbao triage [CASE [--category C] "
	    "[--urgent yes|no]]\n");
	return (2);
}

static int
triage_list_cb(const struct store_caserow *c, const struct triage_row *t,
    void *arg)
{
	char	 when[40], conf[8] = "-";

	(void)arg;
	time_iso8601(c->created_at, when, sizeof(when));
	if (c->confidence >= 0)
		(void)snprintf(conf, sizeof(conf), "%.2f", c->confidence);
	printf("%-6s %-12s %-3s %-6s %-4s %s%s%s\n", c->code, c->category,
	    c->urgent ? "KC" : "-", c->school[0] ? c->school : "-", conf, when,
	    t->staff_accused[0] ? " staff-accused" : "",
	    t->notified_at ? " notified" : "");
	return (0);
}

/* Runs `tinbao triage`. */
int
cmd_triage(struct config *conf, int argc, char **argv)
{
	struct store		*st;
	struct store_caserow	 c;
	struct passwd		*pw;
	const char		*code = NULL, *category = NULL;
	char			 norm[16], who[80], detail[64];
	int			 i, urgent = -1, r;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--category") == 0 && i + 1 < argc)
			category = argv[++i];
		else if (strcmp(argv[i], "--urgent") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "yes") == 0)
				urgent = 1;
			else if (strcmp(argv[i], "no") == 0)
				urgent = 0;
			else
				return (triage_usage());
		} else if (argv[i][0] != '-' && code == NULL)
			code = argv[i];
		else
			return (triage_usage());
	}
	if (category != NULL) {
		if (category_find(category) == NULL) {
			fprintf(stderr, "tinbao triage: %s: not a category\n",
			    category);
			return (2);
		}
	}
	if (code == NULL && (category != NULL || urgent != -1))
		return (triage_usage());
	if (code != NULL && casecode_normalize(code, norm, sizeof(norm)) == -1) {
		fprintf(stderr, "tinbao triage: %s: not a case code\n", code);
		return (2);
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (1);
	}
	if (code == NULL) {
		r = store_triage_queue(st, triage_list_cb, NULL);
		store_close(st);
		return (r == -1 ? 1 : 0);
	}

	pw = getpwuid(getuid());
	(void)snprintf(who, sizeof(who), "cli:%s", pw != NULL ?
	    pw->pw_name : "?");
	if (store_begin(st) == -1) {
		store_close(st);
		return (1);
	}
	if ((r = store_case_get(st, norm, &c)) != 1) {
		store_rollback(st);
		store_close(st);
		if (r == 0)
			fprintf(stderr, "tinbao triage: %s: no such case\n",
			    norm);
		return (1);
	}
	r = triage_case(st, conf, &c, category, urgent, who, time(NULL));
	(void)snprintf(detail, sizeof(detail), "category=%s urgent=%s",
	    category != NULL ? category : "-", urgent == -1 ? "-" :
	    urgent ? "yes" : "no");
	if (r == 0)
		r = store_audit(st, who, "case.triage", c.id, detail, "");
	if (r == -1 || store_commit(st) == -1) {
		store_rollback(st);
		store_caserow_free(&c);
		store_close(st);
		fprintf(stderr, "tinbao triage: %s: not recorded\n", norm);
		return (1);
	}
	printf("%s triaged: %s%s\n", c.code, category != NULL ? category :
	    c.category, (urgent == -1 ? c.urgent : urgent) ? ", urgent" : "");
	store_caserow_free(&c);
	store_close(st);
	return (0);
}
