/*
 * tinbao: `tinbao reports`, `tinbao show` and `tinbao send`.
 *
 * The operator's view of the cases.  Reporters appear by alias only; the
 * JSON forms (one object per line for reports) are what scripts and the
 * tests read.  Times are ISO 8601 in the machine's local time zone with
 * its offset.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tinbao.h"

struct list_arg {
	int		 json;
};

static int	parse_date(const char *, int64_t *);

/* Parses YYYY-MM-DD (local midnight) or YYYY-MM-DDTHH:MM[:SS]. */
static int
parse_date(const char *s, int64_t *t)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL) {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL) {
			memset(&tm, 0, sizeof(tm));
			end = strptime(s, "%Y-%m-%d", &tm);
		}
	}
	if (end == NULL || *end != '\0')
		return (-1);
	tm.tm_isdst = -1;
	*t = (int64_t)mktime(&tm);
	return (0);
}

static int
list_cb(const struct store_caserow *c, void *arg)
{
	struct list_arg	*la = arg;
	json_t		*o;
	char		*s, when[40], excerpt[64];

	if (la->json) {
		o = case_json(c);
		s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII * 0 |
		    CASE_JSON_REAL);
		printf("%s\n", s);
		free(s);
		json_decref(o);
		return (0);
	}
	time_iso8601(c->created_at, when, sizeof(when));
	/* An excerpt cut on a character boundary. */
	(void)strlcpy_checked(excerpt, c->text, sizeof(excerpt));
	if (strlen(c->text) >= sizeof(excerpt)) {
		size_t	 n = strlen(excerpt);

		while (n > 0 && ((unsigned char)excerpt[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)excerpt[n - 1] & 0xc0) == 0xc0)
			n--;
		excerpt[n] = '\0';
	}
	printf("%-6s %-12s %-12s %-3s %-5s %s %-10s %s\n", c->code, c->status,
	    c->category, c->urgent ? "KC" : "-", c->school[0] ? c->school : "-",
	    when, c->alias, excerpt);
	return (0);
}

/* Runs `tinbao reports`. */
int
cmd_reports(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	struct list_arg	 la;
	const char	*status = NULL;
	int64_t		 since = 0;
	int		 i, n;

	memset(&la, 0, sizeof(la));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			la.json = 1;
		else if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
			status = argv[++i];
			if (strcmp(status, "open") != 0 &&
			    strcmp(status, "acknowledged") != 0 &&
			    strcmp(status, "closed") != 0) {
				fprintf(stderr, "tinbao reports: --status: "
				    "open, acknowledged or closed\n");
				return (2);
			}
		} else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
			if (parse_date(argv[++i], &since) == -1) {
				fprintf(stderr, "tinbao reports: --since: "
				    "bad date %s (YYYY-MM-DD)\n", argv[i]);
				return (2);
			}
		} else {
			fprintf(stderr, "usage: tinbao reports [--status S] "
			    "[--since DATE] [--json]\n");
			return (2);
		}
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (1);
	}
	n = store_case_list(st, status, since, list_cb, &la);
	store_close(st);
	return (n == -1 ? 1 : 0);
}

struct show_arg {
	json_t		*timeline;
};

static int
show_event_cb(int64_t at, const char *type, const char *detail, void *arg)
{
	struct show_arg	*sa = arg;
	json_t		*e;
	char		 when[40];

	time_iso8601(at, when, sizeof(when));
	if (sa->timeline != NULL) {
		e = json_object();
		json_object_set_new(e, "at", json_string(when));
		json_object_set_new(e, "type", json_string(type));
		json_object_set_new(e, "detail", json_string(detail));
		json_array_append_new(sa->timeline, e);
	} else
		printf("  %s  %-16s %s\n", when, type, detail);
	return (0);
}

/* Runs `tinbao show CASE`. */
int
cmd_show(struct config *conf, int argc, char **argv)
{
	struct store		*st;
	struct store_caserow	 c;
	struct show_arg		 sa;
	const char		*code = NULL;
	char			 norm[16], when[40], *s, actor[80];
	struct passwd		*pw;
	json_t			*o;
	int			 i, json = 0, r;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (code == NULL)
			code = argv[i];
		else
			code = NULL, i = argc;
	}
	if (code == NULL) {
		fprintf(stderr, "usage: tinbao show CASE [--json]\n");
		return (2);
	}
	if (casecode_normalize(code, norm, sizeof(norm)) == -1) {
		fprintf(stderr, "tinbao show: %s: not a case code\n", code);
		return (2);
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (1);
	}
	if ((r = store_case_get(st, norm, &c)) != 1) {
		if (r == 0)
			fprintf(stderr, "tinbao show: %s: no such case\n",
			    norm);
		store_close(st);
		return (1);
	}
	/* Operators' views are audited like the dashboard's. */
	pw = getpwuid(getuid());
	(void)snprintf(actor, sizeof(actor), "cli:%s", pw != NULL ?
	    pw->pw_name : "?");
	(void)store_audit(st, actor, "case.view", c.id, "", "");
	memset(&sa, 0, sizeof(sa));
	if (json) {
		o = case_json(&c);
		sa.timeline = json_array();
		(void)store_event_list(st, c.id, show_event_cb, &sa);
		json_object_set_new(o, "timeline", sa.timeline);
		s = json_dumps(o, JSON_COMPACT | CASE_JSON_REAL);
		printf("%s\n", s);
		free(s);
		json_decref(o);
	} else {
		time_iso8601(c.created_at, when, sizeof(when));
		printf("case      %s\nstatus    %s\ncategory  %s%s\n"
		    "school    %s\nreceived  %s via %s\nreporter  %s\n"
		    "matched   %s\n\n%s\n\ntimeline\n", c.code, c.status,
		    c.category, c.urgent ? " (urgent)" : "",
		    c.school[0] ? c.school : "-", when, c.source, c.alias,
		    c.matched, c.text);
		(void)store_event_list(st, c.id, show_event_cb, &sa);
	}
	store_caserow_free(&c);
	store_close(st);
	return (0);
}

/* Runs `tinbao send NUMBER TEXT`: queues an operator's SMS. */
int
cmd_send(struct config *conf, int argc, char **argv)
{
	struct store		*st;
	struct secret		 sec;
	struct store_outmsg	 o;
	char			 number[NUMBER_MAX], alias[24];
	int64_t			 id, rep;
	int			 silent;

	if (argc != 2) {
		fprintf(stderr, "usage: tinbao send NUMBER TEXT\n");
		return (2);
	}
	if (phone_normalize(argv[0], number, sizeof(number)) == -1) {
		fprintf(stderr, "tinbao send: %s: not a phone number\n",
		    argv[0]);
		return (2);
	}
	if (!utf8_is_valid(argv[1], strlen(argv[1])) ||
	    text_is_blank(argv[1]) || strlen(argv[1]) > TEXT_MAX / 2) {
		fprintf(stderr, "tinbao send: the text must be non-empty "
		    "UTF-8 of at most %d bytes\n", TEXT_MAX / 2);
		return (2);
	}
	if (secret_load(conf->keyfile, &sec) == -1)
		return (1);
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1 || store_begin(st) == -1) {
		store_close(st);
		return (1);
	}
	memset(&o, 0, sizeof(o));
	/* To a reporter, by reference: the number stays sealed. */
	rep = store_reporter_lookup(st, &sec, number, alias, sizeof(alias),
	    &silent);
	if (rep > 0)
		o.reporter_id = rep;
	else
		o.number = number;
	o.text = argv[1];
	o.kind = "operator";
	o.priority = PRIO_REPLY;
	o.charset = CHARSET_AUTO;
	o.created_at = time(NULL);
	if (rep == -1 || (id = store_outbox_add(st, &o)) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		store_close(st);
		return (1);
	}
	store_close(st);
	printf("queued outbox=%lld\n", (long long)id);
	return (0);
}
