/*
 * tinbao: `make eval`, the classifier's figures on labelled sets.
 *
 * Usage: eval [-v] [-M] [-K FILE] [-x SET ...] [-t CAT,OVERRIDE,URGENT[,WEAK]]
 *             SCHOOLS.csv SET.jsonl ...
 *        eval -k K [-t ...] SCHOOLS.csv SET.jsonl ...
 *        eval -g [-t ...] SCHOOLS.csv SET.jsonl ...
 *
 * Loads the built-in keywords and the schools, then prints, for each set,
 * per-category precision and recall, urgent recall (also for each category
 * that is always urgent), the false-urgent rate and school accuracy with
 * the rules and the model, and a one-line summary with the rules alone;
 * then the same for the tuning part (every set not under a `heldout`
 * directory) and the held-out part together.  -M: the rules alone.  -t:
 * the model's thresholds (classifier_set_model).  -v also prints every
 * line it got wrong, and is refused when a set is held out: the held-out
 * part is only ever seen as figures.
 *
 * -K FILE: keyword rows from FILE instead of the built-in table.  -x SET
 * (repeated): a model trained on these sets instead of the built-in one.
 * Both are for studying the rules and the model on data they never saw.
 *
 * -p BUCKETS,EPOCHS,RATE,L2,URGENT_WEIGHT[,ALWAYS_WEIGHT]: the trainer's settings for -k
 * (model_params; the build uses model_train_defaults()).
 *
 * -k K: K-fold cross-validation of the model over the sets (held-out sets
 * refused): the lines are dealt into K folds, in turn within each first
 * category; each fold is classified by the rules with a model trained on
 * the other folds (model_train, the build's trainer), and the figures of
 * all folds are printed with and without the model, and for the model
 * alone (a classifier without keyword rows: the model's category, urgent
 * at 0.5 or by category), which says how well it generalises.  With -v,
 * the lines the rules + model got wrong, each classified by a model that
 * did not see it (the held-out part is refused, as always).
 *
 * -g: cross-validation by set instead: each set is one fold, classified by
 * a model trained on the other sets.  The corpus was written in passes,
 * one file each, so this is the model's figure on a writer it never saw
 * (dealt folds put a writer's similar messages on both sides).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../eval/evalset.h"
#include "../tools/nbdata.h"
#include "model.h"

static struct model_params eval_pp, eval_pp_x;
static int	 eval_pp_set;
static int	 eval_by_file;	/* -g: one fold per set */
static double	 eval_t[3] = { CLASSIFY_MODEL_OVERRIDE, CLASSIFY_MODEL_URGENT,
		    0 };

static void
eval_model(struct classifier *c, const struct model *m)
{
	classifier_set_model(c, m, eval_t[0], eval_t[1]);
	if (eval_t[2] > 0)
		classifier_set_model_weak(c, eval_t[2]);
}

/* Reads every line of the sets as parsed JSON and as model examples. */
static size_t
eval_cv_load(int argc, char **argv, json_t ***lines,
    struct model_example **ex, size_t *ends)
{
	json_t		*j;
	json_error_t	 err;
	const char	*first;
	size_t		 n = 0, cap = 0, en = 0, ecap = 0;
	int		 a;

	for (a = 0; a < argc; a++) {
		if (nbdata_load(argv[a], ex, &en, &ecap) == -1) {
			fprintf(stderr, "eval: cannot read %s\n", argv[a]);
			exit(1);
		}
		ends[a] = en;
	}
	/* The same lines again, parsed, in the same order as nbdata_load. */
	for (a = 0; a < argc; a++) {
		FILE	*f = fopen(argv[a], "r");
		char	*line = NULL;
		size_t	 lcap = 0;

		if (f == NULL)
			exit(1);
		while (getline(&line, &lcap, f) != -1) {
			if ((j = json_loads(line, 0, &err)) == NULL)
				continue;
			first = json_string_value(json_array_get(
			    json_object_get(j, "category"), 0));
			if (json_string_value(json_object_get(j, "text")) ==
			    NULL || first == NULL || category_find(first) ==
			    NULL) {
				json_decref(j);
				continue;
			}
			if (n == cap) {
				cap = cap == 0 ? 256 : cap * 2;
				*lines = xreallocarray(*lines, cap,
				    sizeof(**lines));
			}
			(*lines)[n++] = j;
		}
		free(line);
		fclose(f);
	}
	if (n != en) {
		fprintf(stderr, "eval: %zu lines, %zu examples\n", n, en);
		exit(1);
	}
	return (n);
}

/* K-fold cross-validation; returns the exit status. */
static int
eval_cv(struct classifier *c, struct classifier *bare, int k, int argc,
    char **argv, FILE *verbose)
{
	struct evalstats	 rules, both, alone;
	struct model_params	 pp;
	struct model_example	*ex = NULL, *tr;
	struct model		*m;
	json_t			**lines = NULL;
	size_t			 n, i, nt, seen[CATEGORY_N], *ends;
	int			*fold, f;

	ends = xcalloc((size_t)argc, sizeof(*ends));
	n = eval_cv_load(argc, argv, &lines, &ex, ends);
	fold = xcalloc(n > 0 ? n : 1, sizeof(*fold));
	memset(seen, 0, sizeof(seen));
	if (eval_by_file) {
		/* Each set is a fold: a model never sees its writer. */
		k = argc;
		for (i = 0, f = 0; i < n; i++) {
			while (i >= ends[f])
				f++;
			fold[i] = f;
		}
	} else
		for (i = 0; i < n; i++)
			fold[i] = (int)(seen[ex[i].category]++ % (size_t)k);
	memset(&rules, 0, sizeof(rules));
	memset(&both, 0, sizeof(both));
	memset(&alone, 0, sizeof(alone));
	eval_model(c, NULL);
	for (i = 0; i < n; i++)
		eval_line(c, lines[i], &rules, NULL);
	model_train_defaults(&pp);
	if (eval_pp_set)
		pp = eval_pp;
	tr = xcalloc(n > 0 ? n : 1, sizeof(*tr));
	for (f = 0; f < k; f++) {
		for (i = nt = 0; i < n; i++)
			if (fold[i] != f)
				tr[nt++] = ex[i];
		m = model_train(&pp, tr, nt);
		eval_model(c, m);
		classifier_set_model(bare, m, 0, 0.5);
		for (i = 0; i < n; i++)
			if (fold[i] == f) {
				eval_line(c, lines[i], &both, verbose);
				eval_line(bare, lines[i], &alone, NULL);
			}
		eval_model(c, NULL);
		classifier_set_model(bare, NULL, 0, 0);
		model_free(m);
	}
	printf("== %d-fold cross-validation%s, %zu messages (model thresholds "
	    "%.2f %.2f)\n", k, eval_by_file ? " by set (one fold a set)" :
	    "", n, eval_t[0], eval_t[1]);
	eval_print(&both, "rules + model (cross-validated)", stdout);
	eval_summary(&rules, "rules alone", stdout);
	eval_summary(&both, "rules + model", stdout);
	eval_summary(&alone, "model alone (no keyword rows)", stdout);
	for (i = 0; i < n; i++) {
		json_decref(lines[i]);
		free((char *)(uintptr_t)ex[i].text);
	}
	free(lines);
	free(ex);
	free(tr);
	free(fold);
	free(ends);
	return (0);
}

/* Prints one group's figures with the model and its summaries. */
static void
eval_group(const struct evalstats *rules, const struct evalstats *both,
    const char *title, int full, int nomodel)
{
	char	 t[256];

	if (full)
		eval_print(nomodel ? rules : both, title, stdout);
	snprintf(t, sizeof(t), "%s, rules alone", title);
	eval_summary(rules, t, stdout);
	if (!nomodel) {
		snprintf(t, sizeof(t), "%s, rules + model", title);
		eval_summary(both, t, stdout);
	}
}

int
main(int argc, char *argv[])
{
	struct classifier	*c, *bare;
	struct evalstats	 st[2], tune[2], held[2];
	FILE			*verbose = NULL;
	int			 i, ch, k = 0, nomodel = 0, status = 0, r;
	int			 nheld = 0, ntune = 0;
	const char		*kwfile = NULL;
	char			*kw;
	struct model_example	*xex = NULL;
	struct model		*xm = NULL;
	const struct model	*use = &model_builtin;
	size_t			 nx = 0, xcap = 0;
	FILE			*kf;
	long			 kl;

	while ((ch = getopt(argc, argv, "gK:k:Mp:t:vx:")) != -1) {
		switch (ch) {
		case 'g':
			eval_by_file = 1;
			break;
		case 'K':
			kwfile = optarg;
			break;
		case 'x':
			if (nbdata_load(optarg, &xex, &nx, &xcap) == -1) {
				fprintf(stderr, "eval: cannot read %s\n",
				    optarg);
				return (1);
			}
			break;
		case 'p':
			model_train_defaults(&eval_pp);
			if (sscanf(optarg, "%u,%d,%lf,%lf,%lf,%lf",
			    &eval_pp.nbuckets, &eval_pp.epochs, &eval_pp.rate,
			    &eval_pp.l2, &eval_pp.urgent_weight,
			    &eval_pp.always_weight) < 5)
				goto usage;
			eval_pp_set = 1;
			break;
		case 'k':
			k = atoi(optarg);
			break;
		case 'M':
			nomodel = 1;
			break;
		case 't':
			if (sscanf(optarg, "%lf,%lf,%lf", &eval_t[0],
			    &eval_t[1], &eval_t[2]) < 2)
				goto usage;
			break;
		case 'v':
			verbose = stdout;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (eval_by_file && k == 0)
		k = 2;	/* replaced by the number of sets */
	if (argc < 2 || k == 1 || k < 0 || (eval_by_file && argc < 3))
		goto usage;
	for (i = 1; i < argc; i++)
		if (eval_heldout(argv[i]) && (verbose != NULL || k > 0)) {
			fprintf(stderr, "eval: %s is held out: figures only, "
			    "no -v, no -k\n", argv[i]);
			return (2);
		}
	log_init(0, "eval");
	c = classifier_new();
	if (kwfile != NULL) {
		if ((kf = fopen(kwfile, "r")) == NULL ||
		    fseek(kf, 0, SEEK_END) == -1 || (kl = ftell(kf)) < 0)
			return (1);
		rewind(kf);
		kw = xcalloc((size_t)kl + 1, 1);
		if (fread(kw, 1, (size_t)kl, kf) != (size_t)kl)
			return (1);
		fclose(kf);
		if (classifier_load_keywords(c, kw, kwfile) == -1)
			return (1);
		free(kw);
	} else if (classifier_load_builtin(c) == -1)
		return (1);
	if (nx > 0) {
		model_train_defaults(&eval_pp_x);
		if (eval_pp_set)
			eval_pp_x = eval_pp;
		xm = model_train(&eval_pp_x, xex, nx);
		use = xm;
	}
	if (eval_load_schools(c, argv[0]) == -1 ||
	    classifier_compile(c) == -1) {
		fprintf(stderr, "eval: cannot load %s\n", argv[0]);
		return (1);
	}
	if (k > 0) {
		/* The model alone: a classifier with the schools, no rows. */
		bare = classifier_new();
		if (eval_load_schools(bare, argv[0]) == -1 ||
		    classifier_compile(bare) == -1)
			return (1);
		status = eval_cv(c, bare, k, argc - 1, argv + 1, verbose);
		classifier_free(bare);
		classifier_free(c);
		return (status);
	}
	memset(tune, 0, sizeof(tune));
	memset(held, 0, sizeof(held));
	for (i = 1; i < argc; i++) {
		memset(st, 0, sizeof(st));
		eval_model(c, NULL);
		r = eval_run(c, argv[i], &st[0], nomodel ? verbose : NULL);
		eval_model(c, use);
		if (r != -1 && !nomodel)
			r = eval_run(c, argv[i], &st[1], verbose);
		if (r == -1) {
			fprintf(stderr, "eval: cannot read %s\n", argv[i]);
			status = 1;
			continue;
		}
		eval_group(&st[0], &st[1], argv[i], 1, nomodel);
		if (eval_heldout(argv[i])) {
			eval_add(&held[0], &st[0]);
			eval_add(&held[1], &st[1]);
			nheld++;
		} else {
			eval_add(&tune[0], &st[0]);
			eval_add(&tune[1], &st[1]);
			ntune++;
		}
	}
	if (ntune > 1)
		eval_group(&tune[0], &tune[1], "tuning part (all tuning sets)",
		    1, nomodel);
	if (nheld > 1)
		eval_group(&held[0], &held[1], "held-out part (all sets)", 1,
		    nomodel);
	classifier_free(c);
	model_free(xm);
	return (status);
usage:
	fprintf(stderr, "usage: eval [-v] [-M] [-t override,urgent[,weak]] "
	    "schools.csv set.jsonl ...\n"
	    "       eval -k folds [-p b,e,r,l2,uw] [-t ...] schools.csv "
	    "set.jsonl ...\n"
	    "       eval -g [-p ...] [-t ...] schools.csv set.jsonl ...\n");
	return (2);
}
