/*
 * tinbao: `tinbao broadcast`, an awareness message to a group of
 * groups.csv or to a role's contacts (SPEC section 11): says what it costs
 * (recipients x SMS parts) before anything is queued, stops there with
 * --dry-run, holds it past quiet hours, and lists past broadcasts with
 * their delivery counts (--list) and the one-SMS templates (--templates).
 * The recipients, STOP, the queueing and quiet hours are broadcast.c's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"

struct bc_args {
	const char	*group;
	const char	*role;
	const char	*commune;
	const char	*text;
	const char	*tmpl;
	const char	*at;
	int		 dry_run;
	int		 list;
	int		 templates;
};

static int	bc_usage(const char *, const char *);
static int	bc_parse(int, char **, struct bc_args *);
static int	bc_at(const char *, int64_t *);
static int	bc_list_cb(const struct broadcast *, const int64_t[4], void *);
static void	bc_iso(int64_t, char *, size_t);

static int
bc_usage(const char *what, const char *arg)
{
	if (what != NULL)
		fprintf(stderr, "tinbao broadcast: %s%s%s\n", what,
		    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	else
		fprintf(stderr, "usage: tinbao broadcast --group G|--role R "
		    "[--commune C] --text T|--template NAME [--at 'YYYY-MM-DD "
		    "HH:MM'] [--dry-run]\n       tinbao broadcast --list | "
		    "--templates\n");
	return (2);
}

static int
bc_parse(int argc, char **argv, struct bc_args *a)
{
	const char	**v;
	int		 i;

	for (i = 0; i < argc; i++) {
		v = NULL;
		if (strcmp(argv[i], "--dry-run") == 0)
			a->dry_run = 1;
		else if (strcmp(argv[i], "--list") == 0)
			a->list = 1;
		else if (strcmp(argv[i], "--templates") == 0)
			a->templates = 1;
		else if (strcmp(argv[i], "--group") == 0)
			v = &a->group;
		else if (strcmp(argv[i], "--role") == 0)
			v = &a->role;
		else if (strcmp(argv[i], "--commune") == 0)
			v = &a->commune;
		else if (strcmp(argv[i], "--text") == 0)
			v = &a->text;
		else if (strcmp(argv[i], "--template") == 0)
			v = &a->tmpl;
		else if (strcmp(argv[i], "--at") == 0)
			v = &a->at;
		else
			return (bc_usage(NULL, NULL));
		if (v != NULL) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return (bc_usage(argv[i], "needs a value"));
			*v = argv[++i];
		}
	}
	if (a->list || a->templates)
		return (0);
	if ((a->group != NULL) == (a->role != NULL))
		return (bc_usage("one of --group and --role", NULL));
	if (a->commune != NULL && a->role == NULL)
		return (bc_usage("--commune goes with --role", NULL));
	if ((a->text != NULL) == (a->tmpl != NULL))
		return (bc_usage("one of --text and --template", NULL));
	return (0);
}

/* Parses 'YYYY-MM-DD HH:MM' (local). */
static int
bc_at(const char *s, int64_t *t)
{
	struct tm	 tm;
	char		*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d %H:%M", &tm)) == NULL || *end != '\0')
		return (-1);
	tm.tm_isdst = -1;
	*t = (int64_t)mktime(&tm);
	return (*t == -1 ? -1 : 0);
}

static void
bc_iso(int64_t t, char *buf, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	localtime_r(&tt, &tm);
	(void)strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static int
bc_list_cb(const struct broadcast *b, const int64_t n[4], void *arg)
{
	char	 at[40];

	(void)arg;
	bc_iso(b->send_at, at, sizeof(at));
	printf("broadcast=%lld status=%s target=%s send_at=%s by=%s "
	    "approved_by=%s recipients=%d skipped_stop=%d parts=%d queued=%lld "
	    "sent=%lld delivered=%lld failed=%lld\n", (long long)b->id,
	    b->status, b->target, at, b->created_by, b->approved_by != NULL ?
	    b->approved_by : "-", b->recipients, b->skipped, b->parts,
	    (long long)n[0], (long long)n[1], (long long)n[2],
	    (long long)n[3]);
	return (0);
}

/* Runs `tinbao broadcast`. */
int
cmd_broadcast(struct config *conf, int argc, char **argv)
{
	struct bc_args		 a;
	struct broadcast	 b;
	struct broadcast_plan	 pl;
	struct secret		 sec;
	struct store		*st;
	char			 text[1024], target[300], at[40], who[64];
	int64_t			 now = time_schedule((int64_t)time(NULL));
	int			 r, ret = 1;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if ((r = bc_parse(argc, argv, &a)) != 0)
		return (r);
	if (a.templates) {
		broadcast_templates_print(stdout, conf->broadcast_hotline);
		return (0);
	}
	b.created_at = now;
	b.send_at = now;
	if (!a.list) {
		if (a.at != NULL && bc_at(a.at, &b.send_at) == -1)
			return (bc_usage("--at: 'YYYY-MM-DD HH:MM'", a.at));
		if (a.tmpl != NULL && broadcast_template(a.tmpl,
		    conf->broadcast_hotline, text, sizeof(text)) == -1)
			return (bc_usage("--template: unknown, or it needs "
			    "[broadcast] hotline (see --templates)", a.tmpl));
		if (a.text != NULL && (strlen(a.text) >= sizeof(text) ||
		    !utf8_is_valid(a.text, strlen(a.text))))
			return (bc_usage("--text: UTF-8, at most 1000 bytes",
			    NULL));
		if (a.text != NULL)
			(void)strlcpy_checked(text, a.text, sizeof(text));
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1)
		goto out;
	if (a.list) {
		ret = store_broadcast_list(st, bc_list_cb, NULL) == -1;
		goto out;
	}
	if (secret_load(conf->keyfile, &sec) == -1)
		goto out;
	r = broadcast_plan(st, &sec, a.group, a.role, a.commune, &pl);
	explicit_bzero(&sec, sizeof(sec));
	if (r == -1)
		goto out;
	(void)snprintf(target, sizeof(target), "%s:%s%s%s", a.group != NULL ?
	    "group" : "role", a.group != NULL ? a.group : a.role,
	    a.commune != NULL ? "/" : "", a.commune != NULL ? a.commune : "");
	b.target = target;
	b.text = text;
	b.group = a.group;
	b.role = a.role;
	b.commune = a.commune;
	b.recipients = (int)pl.n;
	b.skipped = pl.skipped;
	b.parts = handler_sms_parts(text);
	/* Never in quiet hours: held until they end. */
	b.send_at = broadcast_quiet_end(conf->broadcast_quiet_hours,
	    b.send_at < now ? now : b.send_at);
	printf("recipients=%d skipped_stop=%d parts=%d sms=%d\n", b.recipients,
	    b.skipped, b.parts, b.recipients * b.parts);
	if (a.dry_run || pl.n == 0) {
		if (pl.n == 0)
			printf("nothing to send\n");
		broadcast_plan_free(&pl);
		ret = 0;
		goto out;
	}
	(void)snprintf(who, sizeof(who), "cli:%s", getenv("USER") != NULL ?
	    getenv("USER") : "?");
	b.created_by = who;
	if (broadcast_queue(st, &b, &pl) == -1) {
		broadcast_plan_free(&pl);
		goto out;
	}
	(void)store_audit(st, "cli", "broadcast.queue", 0, target, "");
	bc_iso(b.send_at, at, sizeof(at));
	printf("queued broadcast=%lld messages=%zu send_at=%s\n",
	    (long long)b.id, pl.n, at);
	broadcast_plan_free(&pl);
	ret = 0;
out:
	store_close(st);
	return (ret);
}

static void
bc_import_error(void *arg, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: %s\n", (const char *)arg, line, msg);
}

/*
 * Runs `tinbao import groups FILE.csv` (group,phone,name): all rows or
 * none, every problem as FILE:LINE: message.
 */
int
cmd_import_groups(struct config *conf, const char *path)
{
	struct store	*st;
	char		*data;
	size_t		 len = 0, got, max = 16 * 1024 * 1024;
	FILE		*f;
	int		 n;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "tinbao import: %s: %s\n", path,
		    strerror(errno));
		return (1);
	}
	data = xmalloc(max + 1);
	while ((got = fread(data + len, 1, max + 1 - len, f)) > 0)
		len += got;
	if (ferror(f) || len > max) {
		fprintf(stderr, "tinbao import: %s: %s\n", path, ferror(f) ?
		    strerror(errno) : "larger than 16 MB");
		fclose(f);
		free(data);
		return (1);
	}
	fclose(f);
	if ((st = store_open(conf->database, 0)) == NULL ||
	    store_check_version(st) == -1 || store_begin(st) == -1) {
		store_close(st);
		free(data);
		return (1);
	}
	n = broadcast_import_groups(st, data, len, bc_import_error,
	    (void *)(uintptr_t)path);
	free(data);
	if (n == -1) {
		store_rollback(st);
		store_close(st);
		fprintf(stderr, "%s: nothing imported\n", path);
		return (1);
	}
	if (store_commit(st) == -1) {
		store_close(st);
		return (1);
	}
	store_close(st);
	printf("%s: %d group members imported\n", path, n);
	return (0);
}
