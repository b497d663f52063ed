/*
 * tinbao: the schools' plans and models (issue 18).  The Bureau's plan
 * asks every school to send its own security plan by a deadline (05/02 in
 * 2024) and to run at least one form of awareness work and one model:
 * camera watch, safe traffic at the school gate, a Zalo group for legal
 * awareness, or another it names.  Per school year this module keeps
 * whether each school's plan was received and when, its form and its
 * models (`tinbao plan set`, `tinbao plan list`, the dashboard's /plans),
 * and reminds the principal of a school whose plan is late by SMS: once
 * when the deadline has passed, then weekly until it arrives.
 *
 * A school year runs from September to August: "2025-2026".  The deadline
 * is `[plans] deadline` (MM-DD, default 02-05) in the year it falls in
 * (September to December: the first year, else the second); a plan is
 * late from the day after it.  The reminders go after digest_time, with
 * the housekeeping timer's clock (time_schedule in text.c: TINBAO_TEST_NOW in the
 * tests), and their time is kept per school, so a restart repeats none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"

#define PLANS_WEEK	(7 * 24 * 3600)
#define PLANS_MAXLATE	1000

static const struct {
	const char	*code;
	const char	*vi;
} plans_models[] = {
	{ .code = "camera", .vi = "Camera giám sát" },
	{ .code = "gate", .vi = "Cổng trường an toàn giao thông" },
	{ .code = "zalo", .vi = "Nhóm Zalo tuyên truyền pháp luật" },
	{ .code = "custom", .vi = "Mô hình khác" },
};
#define PLANS_NMODELS	(sizeof(plans_models) / sizeof(plans_models[0]))

/* The models' codes in order, NULL-terminated (for the dashboard's form). */
const char *const plans_model_codes[] = { "camera", "gate", "zalo",
    "custom", NULL };

struct plans_late {
	const struct config	*conf;
	int64_t			 now;
	char			 (*school)[16];
	char			 (*name)[128];
	size_t			 n;
};

struct plans_remind {
	struct store		*store;
	const char		*school;
	const char		*text;
	int64_t			 now;
	int			 sent;
	int			 failed;
};

static int	plans_models_ok(const char *);
static int	plans_late_cb(const struct plan *, void *);
static int	plans_remind_cb(const struct contact *, void *);
static int	plans_print_cb(const struct plan *, void *);
static int	plans_find_cb(const struct plan *, void *);
static int	plans_usage(const char *, const char *);

/* The school year a time falls in, "2025-2026". */
int
plans_year(int64_t t, char *buf, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;
	int		 y;

	localtime_r(&tt, &tm);
	y = tm.tm_year + 1900 - (tm.tm_mon < 8 ? 1 : 0);
	return (snprintf(buf, len, "%d-%d", y, y + 1) >= (int)len ? -1 : 0);
}

/*
 * The first second after the deadline of a school year (a plan not
 * received by then is late), or -1 for a malformed year.
 */
int64_t
plans_deadline(const struct config *conf, const char *year)
{
	char	 day[16];
	int	 y, y2, m, d;
	int64_t	 a, b;

	if (strlen(year) != 9 || sscanf(year, "%4d-%4d", &y, &y2) != 2 ||
	    y2 != y + 1 || sscanf(conf->plans_deadline, "%2d-%2d", &m,
	    &d) != 2)
		return (-1);
	(void)snprintf(day, sizeof(day), "%04d-%02d-%02d", m >= 9 ? y : y2, m,
	    d);
	if (stats_parse_day(day, &a, &b) == -1)
		return (-1);
	return (b);
}

/* 1 when a plan is not received and its deadline has passed. */
int
plans_is_late(const struct config *conf, const struct plan *p, int64_t now)
{
	int64_t	 dl = plans_deadline(conf, p->year);

	return (p->received_at == 0 && dl != -1 && now >= dl);
}

/* A model's Vietnamese name, or the code when unknown. */
const char *
plans_model_vi(const char *code)
{
	size_t	 i;

	for (i = 0; i < PLANS_NMODELS; i++)
		if (strcmp(code, plans_models[i].code) == 0)
			return (plans_models[i].vi);
	return (code);
}

/* 1 when a comma list holds only known models, each once. */
static int
plans_models_ok(const char *list)
{
	char	 buf[64], *p, *tok, *save = NULL;
	size_t	 i;
	int	 seen = 0;

	if (*list == '\0')
		return (1);
	if (strlcpy_checked(buf, list, sizeof(buf)) >= sizeof(buf))
		return (0);
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		for (i = 0; i < PLANS_NMODELS; i++)
			if (strcmp(tok, plans_models[i].code) == 0)
				break;
		if (i == PLANS_NMODELS || (seen & (1 << i)))
			return (0);
		seen |= 1 << i;
	}
	return (1);
}

static int
plans_late_cb(const struct plan *p, void *arg)
{
	struct plans_late	*pl = arg;

	if (!plans_is_late(pl->conf, p, pl->now) || (p->reminded_at != 0 &&
	    pl->now - p->reminded_at < PLANS_WEEK - 3600) ||
	    pl->n == PLANS_MAXLATE)
		return (0);
	(void)strlcpy_checked(pl->school[pl->n], p->school,
	    sizeof(pl->school[0]));
	(void)text_unaccent(p->name, pl->name[pl->n], sizeof(pl->name[0]), 0);
	text_gsm7_safe(pl->name[pl->n]);
	pl->n++;
	return (0);
}

static int
plans_remind_cb(const struct contact *c, void *arg)
{
	struct plans_remind	*pr = arg;
	struct store_outmsg	 o;

	if (strcmp(c->school, pr->school) != 0)
		return (0);
	memset(&o, 0, sizeof(o));
	o.number = c->phone;
	o.contact_id = c->id;
	o.text = pr->text;
	o.kind = "reminder";
	o.priority = PRIO_DIGEST;
	o.charset = CHARSET_GSM7;
	o.created_at = pr->now;
	if (store_outbox_add(pr->store, &o) == -1) {
		pr->failed = 1;
		return (-1);
	}
	pr->sent++;
	return (0);
}

/*
 * From the housekeeping timer: after digest_time, reminds the principals
 * of the schools whose plan for this school year is late (once, then
 * weekly).  Returns the reminders queued, or -1.
 */
int
plans_tick(struct store *st, const struct config *conf, int64_t now)
{
	struct plans_late	 pl;
	struct plans_remind	 pr;
	char			 year[16], text[200], due[16], hhmm[8];
	time_t			 t = (time_t)now;
	struct tm		 tm;
	int64_t			 dl;
	size_t			 i;
	int			 sent = 0;

	localtime_r(&t, &tm);
	(void)strftime(hhmm, sizeof(hhmm), "%H:%M", &tm);
	if (strcmp(hhmm, conf->digest_time ? conf->digest_time : "17:00") < 0 ||
	    plans_year(now, year, sizeof(year)) == -1 ||
	    (dl = plans_deadline(conf, year)) == -1 || now < dl)
		return (0);
	t = (time_t)(dl - 1);
	localtime_r(&t, &tm);
	(void)strftime(due, sizeof(due), "%d/%m/%Y", &tm);
	memset(&pl, 0, sizeof(pl));
	pl.conf = conf;
	pl.now = now;
	pl.school = xcalloc(PLANS_MAXLATE, sizeof(*pl.school));
	pl.name = xcalloc(PLANS_MAXLATE, sizeof(*pl.name));
	if (store_plans_list(st, year, plans_late_cb, &pl) == -1 ||
	    store_begin(st) == -1)
		goto fail;
	for (i = 0; i < pl.n; i++) {
		(void)snprintf(text, sizeof(text), "TINBAO Phong GD&DT: %.60s "
		    "chua gui ke hoach dam bao ANTT nam hoc %s (han %s). De "
		    "nghi gui som.", pl.name[i], year, due);
		memset(&pr, 0, sizeof(pr));
		pr.store = st;
		pr.school = pl.school[i];
		pr.text = text;
		pr.now = now;
		if (store_contacts_by_role(st, "principal", 0, plans_remind_cb,
		    &pr) == -1 || pr.failed ||
		    store_plan_reminded(st, pl.school[i], year, now) == -1) {
			store_rollback(st);
			goto fail;
		}
		sent += pr.sent;
	}
	if (store_commit(st) == -1)
		goto fail;
	if (pl.n > 0)
		log_info("plans: year=%s late=%zu reminders=%d", year, pl.n,
		    sent);
	free(pl.school);
	free(pl.name);
	return (sent);
fail:
	free(pl.school);
	free(pl.name);
	return (-1);
}

static int
plans_usage(const char *what, const char *arg)
{
	if (what != NULL)
		fprintf(stderr, "tinbao plan: %s%s%s\n", what,
		    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	else
		fprintf(stderr, "usage: tinbao plan list [--year YYYY-YYYY]\n"
		    "       tinbao plan set SCHOOL [--year YYYY-YYYY] "
		    "[--received YYYY-MM-DD|no] [--form TEXT] "
		    "[--models camera,gate,zalo,custom] [--other TEXT]\n");
	return (2);
}

struct plans_cli {
	const struct config	*conf;
	int64_t			 now;
	struct plan		*found;
	const char		*school;
};

static int
plans_print_cb(const struct plan *p, void *arg)
{
	const struct plans_cli	*pc = arg;
	char			 got[16] = "no";
	time_t			 t = (time_t)p->received_at;
	struct tm		 tm;

	if (p->received_at != 0) {
		localtime_r(&t, &tm);
		(void)strftime(got, sizeof(got), "%Y-%m-%d", &tm);
	}
	printf("%s year=%s received=%s late=%s models=%s form=%s%s%s\n",
	    p->school, p->year, got, plans_is_late(pc->conf, p, pc->now) ?
	    "yes" : "no", p->models[0] ? p->models : "-",
	    p->form[0] ? p->form : "-", p->other[0] ? " other=" : "",
	    p->other);
	return (0);
}

static int
plans_find_cb(const struct plan *p, void *arg)
{
	struct plans_cli	*pc = arg;

	if (strcmp(p->school, pc->school) == 0)
		*pc->found = *p;
	return (0);
}

/* Runs `tinbao plan list|set`. */
int
cmd_plan(struct config *conf, int argc, char **argv)
{
	struct plans_cli	 pc;
	struct plan		 p;
	struct store		*st;
	const char		*year = NULL, *recv = NULL, *form = NULL;
	const char		*models = NULL, *other = NULL;
	char			 cur[16];
	int64_t			 a, b;
	int			 i, set, ret = 1;

	memset(&pc, 0, sizeof(pc));
	memset(&p, 0, sizeof(p));
	pc.conf = conf;
	pc.now = time_schedule((int64_t)time(NULL));
	if (argc < 1 || ((set = strcmp(argv[0], "set") == 0) == 0 &&
	    strcmp(argv[0], "list") != 0) || (set && argc < 2))
		return (plans_usage(NULL, NULL));
	for (i = set ? 2 : 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return (plans_usage(NULL, NULL));
		if (strcmp(argv[i], "--year") == 0)
			year = argv[i + 1];
		else if (set && strcmp(argv[i], "--received") == 0)
			recv = argv[i + 1];
		else if (set && strcmp(argv[i], "--form") == 0)
			form = argv[i + 1];
		else if (set && strcmp(argv[i], "--models") == 0)
			models = argv[i + 1];
		else if (set && strcmp(argv[i], "--other") == 0)
			other = argv[i + 1];
		else
			return (plans_usage(NULL, NULL));
	}
	if (year == NULL) {
		(void)plans_year(pc.now, cur, sizeof(cur));
		year = cur;
	}
	if (plans_deadline(conf, year) == -1)
		return (plans_usage("--year: YYYY-YYYY", year));
	if (models != NULL && !plans_models_ok(models))
		return (plans_usage("--models: camera, gate, zalo, custom, "
		    "comma-separated, each once", models));
	if (recv != NULL && strcmp(recv, "no") != 0 &&
	    stats_parse_day(recv, &a, &b) == -1)
		return (plans_usage("--received: YYYY-MM-DD or no", recv));
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1)
		goto out;
	if (!set) {
		ret = store_plans_list(st, year, plans_print_cb, &pc) == -1;
		goto out;
	}
	pc.school = argv[1];
	pc.found = &p;
	if (store_plans_list(st, year, plans_find_cb, &pc) == -1)
		goto out;
	if (p.school[0] == '\0') {
		fprintf(stderr, "tinbao plan: school '%s' is not in the "
		    "directory\n", argv[1]);
		ret = 2;
		goto out;
	}
	(void)strlcpy_checked(p.year, year, sizeof(p.year));
	if (recv != NULL)
		p.received_at = strcmp(recv, "no") == 0 ? 0 : a;
	if (form != NULL)
		(void)strlcpy_checked(p.form, form, sizeof(p.form));
	if (models != NULL)
		(void)strlcpy_checked(p.models, models, sizeof(p.models));
	if (other != NULL)
		(void)strlcpy_checked(p.other, other, sizeof(p.other));
	if (store_plan_set(st, &p, pc.now) == -1)
		goto out;
	(void)store_audit(st, "cli", "plan.set", 0, p.school, "");
	plans_print_cb(&p, &pc);
	ret = 0;
out:
	store_close(st);
	return (ret);
}
