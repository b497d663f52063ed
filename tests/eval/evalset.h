/*
 * tinbao: evaluation of the classifier on labelled JSONL sets.
 *
 * Shared by tests/eval/eval.c (`make eval`) and tests/unit/test_classify.c,
 * so both count the same way.  A line is {"text", "category": [..],
 * "urgent": true|false|null, "school": code|null (optional)}.  A predicted
 * category is right when it is in the list.  Per category, recall counts
 * the lines whose first listed category is that one, precision the lines
 * predicted as that one.  Urgent recall counts lines labelled true; the
 * false-urgent rate counts lines labelled false that were called urgent.
 * School accuracy counts lines with a "school" field (null means no school
 * must be found); lines without the field only count when a school was
 * found anyway ("spurious").  Header-only: every function is static.
 */
#ifndef EVALSET_H
#define EVALSET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "tinbao.h"
#include "classify.h"
#include "category.h"

/* The categories of handlers/category.c's table, in its order. */
#define EVAL_NCAT	CATEGORY_N
#define eval_categories	category_codes

struct evalstats {
	int	 n;
	int	 correct;
	int	 gold[EVAL_NCAT];	/* lines whose first category is c */
	int	 gold_hit[EVAL_NCAT];
	int	 pred[EVAL_NCAT];	/* lines predicted c */
	int	 pred_hit[EVAL_NCAT];
	int	 urgent_gold, urgent_hit;
	int	 urgent_gold_cat[EVAL_NCAT];	/* urgent lines by first cat */
	int	 urgent_hit_cat[EVAL_NCAT];
	int	 calm_gold, calm_urgent;
	int	 school_gold, school_hit;
	int	 school_none_gold, school_none_hit;
	int	 school_unlabelled, school_spurious;
};

struct eval_csv {
	struct classifier	*c;
	char			*field[5];
	int			 nfield;
	int			 row;
	int			 errors;
};

static int __attribute__((unused))
eval_cat_index(const char *s)
{
	int	 i;

	for (i = 0; i < EVAL_NCAT; i++)
		if (strcmp(s, eval_categories[i]) == 0)
			return (i);
	return (-1);
}

static void
eval_csv_field(void *s, size_t len, void *arg)
{
	struct eval_csv	*e = arg;

	if (e->nfield < 5)
		e->field[e->nfield] = xstrndup(s, len);
	e->nfield++;
}

static void
eval_csv_row(int ch, void *arg)
{
	struct eval_csv	*e = arg;
	int		 i;

	(void)ch;
	if (e->row++ > 0 && e->nfield >= 4 &&
	    classifier_add_school(e->c, e->field[0], e->field[1],
	    e->field[3], e->nfield >= 5 ? e->field[4] : "") == -1)
		e->errors++;
	for (i = 0; i < 5 && i < e->nfield; i++)
		free(e->field[i]);
	e->nfield = 0;
}

/* Adds every school of a schools.csv (SPEC section 6); 0 or -1. */
static int __attribute__((unused))
eval_load_schools(struct classifier *c, const char *path)
{
	struct csv_parser	 p;
	struct eval_csv		 e = { .c = c };
	char			 buf[4096];
	size_t			 n;
	FILE			*f;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(f);
		return (-1);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (csv_parse(&p, buf, n, eval_csv_field, eval_csv_row, &e) !=
		    n)
			e.errors++;
	csv_fini(&p, eval_csv_field, eval_csv_row, &e);
	csv_free(&p);
	fclose(f);
	return (e.errors == 0 && e.row > 1 ? 0 : -1);
}

/* Returns 1 when path lies under a directory named heldout. */
static int __attribute__((unused))
eval_heldout(const char *path)
{
	return (strncmp(path, "heldout/", 8) == 0 ||
	    strstr(path, "/heldout/") != NULL);
}

/*
 * Classifies one labelled line (parsed) into st; prints it when it is a
 * miss and verbose is not NULL.  Returns 1 when it counted, 0 when the
 * line has no text or no category.
 */
static int __attribute__((unused))
eval_line(const struct classifier *c, json_t *j, struct evalstats *st,
    FILE *verbose)
{
	struct classify_result	 res;
	json_t			*cats, *u, *sc;
	const char		*text, *first, *want;
	char			 json[8192], *dump;
	size_t			 k;
	int			 hit, pi, gi, miss;

	text = json_string_value(json_object_get(j, "text"));
	cats = json_object_get(j, "category");
	if (text == NULL || !json_is_array(cats) || json_array_size(cats) == 0)
		return (0);
	classify(c, text, strlen(text), &res);
	st->n++;
	hit = 0;
	for (k = 0; k < json_array_size(cats); k++)
		if (json_is_string(json_array_get(cats, k)) &&
		    strcmp(json_string_value(json_array_get(cats, k)),
		    res.category) == 0)
			hit = 1;
	first = json_string_value(json_array_get(cats, 0));
	gi = first == NULL ? -1 : eval_cat_index(first);
	pi = eval_cat_index(res.category);
	st->correct += hit;
	if (gi >= 0) {
		st->gold[gi]++;
		st->gold_hit[gi] += hit;
	}
	if (pi >= 0) {
		st->pred[pi]++;
		st->pred_hit[pi] += hit;
	}
	miss = !hit;
	u = json_object_get(j, "urgent");
	if (json_is_true(u)) {
		st->urgent_gold++;
		st->urgent_hit += res.urgent;
		if (gi >= 0) {
			st->urgent_gold_cat[gi]++;
			st->urgent_hit_cat[gi] += res.urgent;
		}
		miss |= !res.urgent;
	} else if (json_is_false(u)) {
		st->calm_gold++;
		st->calm_urgent += res.urgent;
		miss |= res.urgent;
	}
	sc = json_object_get(j, "school");
	if (sc == NULL) {
		st->school_unlabelled++;
		if (res.school[0] != '\0') {
			st->school_spurious++;
			miss = 1;
		}
	} else {
		want = json_is_string(sc) ? json_string_value(sc) : "";
		st->school_gold++;
		if (strcmp(want, res.school) == 0)
			st->school_hit++;
		else
			miss = 1;
		if (*want == '\0') {
			st->school_none_gold++;
			st->school_none_hit += res.school[0] == '\0';
		}
	}
	if (miss && verbose != NULL &&
	    classify_result_json(&res, json, sizeof(json)) == 0 &&
	    (dump = json_dumps(j, JSON_COMPACT)) !=
	    NULL) {
		fprintf(verbose, "MISS %s\n     got %s\n", dump, json);
		free(dump);
	}
	return (1);
}

/*
 * Classifies every line of a JSONL set into st; prints the misses to
 * verbose when it is not NULL, never for a held-out set (the held-out part
 * is only ever seen as figures).  Returns the lines read, or -1.
 */
static int __attribute__((unused))
eval_run(const struct classifier *c, const char *path, struct evalstats *st,
    FILE *verbose)
{
	json_t			*j;
	json_error_t		 err;
	char			*line = NULL;
	size_t			 cap = 0;
	ssize_t			 r;
	int			 lines = 0;
	FILE			*f;

	if (eval_heldout(path))
		verbose = NULL;
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while ((r = getline(&line, &cap, f)) != -1) {
		if (r <= 1)
			continue;
		if ((j = json_loads(line, 0, &err)) == NULL) {
			fprintf(stderr, "%s: %s\n", path, err.text);
			continue;
		}
		lines += eval_line(c, j, st, verbose);
		json_decref(j);
	}
	free(line);
	fclose(f);
	return (lines);
}

/* Adds the counts of b to a. */
static void __attribute__((unused))
eval_add(struct evalstats *a, const struct evalstats *b)
{
	int	 i;

	a->n += b->n;
	a->correct += b->correct;
	for (i = 0; i < EVAL_NCAT; i++) {
		a->gold[i] += b->gold[i];
		a->gold_hit[i] += b->gold_hit[i];
		a->pred[i] += b->pred[i];
		a->pred_hit[i] += b->pred_hit[i];
		a->urgent_gold_cat[i] += b->urgent_gold_cat[i];
		a->urgent_hit_cat[i] += b->urgent_hit_cat[i];
	}
	a->urgent_gold += b->urgent_gold;
	a->urgent_hit += b->urgent_hit;
	a->calm_gold += b->calm_gold;
	a->calm_urgent += b->calm_urgent;
	a->school_gold += b->school_gold;
	a->school_hit += b->school_hit;
	a->school_none_gold += b->school_none_gold;
	a->school_none_hit += b->school_none_hit;
	a->school_unlabelled += b->school_unlabelled;
	a->school_spurious += b->school_spurious;
}

/* The figures the targets are about, as fractions. */
static double __attribute__((unused))
eval_frac(int a, int b)
{
	return (b == 0 ? 1.0 : (double)a / b);
}

/* Urgent recall over the categories that are always urgent (0..1). */
static double __attribute__((unused))
eval_urgent_cat_min(const struct evalstats *st)
{
	double	 mn = 1.0, f;
	int	 i;

	for (i = 0; i < EVAL_NCAT; i++) {
		if (!(category_table[i].flags & CATEGORY_F_URGENT))
			continue;
		f = eval_frac(st->urgent_hit_cat[i], st->urgent_gold_cat[i]);
		if (f < mn)
			mn = f;
	}
	return (mn);
}

/* Prints one line: the figures the targets are about. */
static void __attribute__((unused))
eval_summary(const struct evalstats *st, const char *title, FILE *out)
{
	fprintf(out, "%-28s n=%4d urgent recall %.3f (%d/%d) false urgent "
	    "%.3f (%d/%d) category %.3f school %.3f\n", title, st->n,
	    eval_frac(st->urgent_hit, st->urgent_gold), st->urgent_hit,
	    st->urgent_gold, st->calm_gold == 0 ? 0.0 :
	    (double)st->calm_urgent / st->calm_gold, st->calm_urgent,
	    st->calm_gold, eval_frac(st->correct, st->n),
	    eval_frac(st->school_hit, st->school_gold));
}

static double __attribute__((unused))
eval_pct(int a, int b)
{
	return (b == 0 ? 100.0 : 100.0 * a / b);
}

/* Prints the figures of st under a title. */
static void __attribute__((unused))
eval_print(const struct evalstats *st, const char *title, FILE *out)
{
	int	 i;

	fprintf(out, "== %s: %d messages\n", title, st->n);
	fprintf(out, "%-14s %9s %9s %7s %7s\n", "category", "precision",
	    "recall", "pred", "gold");
	for (i = 0; i < EVAL_NCAT; i++)
		fprintf(out, "%-14s %8.1f%% %8.1f%% %7d %7d\n",
		    eval_categories[i], eval_pct(st->pred_hit[i], st->pred[i]),
		    eval_pct(st->gold_hit[i], st->gold[i]), st->pred[i],
		    st->gold[i]);
	fprintf(out, "category accuracy  %6.1f%% (%d/%d)\n",
	    eval_pct(st->correct, st->n), st->correct, st->n);
	fprintf(out, "urgent recall      %6.1f%% (%d/%d)\n",
	    eval_pct(st->urgent_hit, st->urgent_gold), st->urgent_hit,
	    st->urgent_gold);
	for (i = 0; i < EVAL_NCAT; i++)
		if (category_table[i].flags & CATEGORY_F_URGENT)
			fprintf(out, "  urgent %-12s%6.1f%% (%d/%d)\n",
			    eval_categories[i], eval_pct(st->urgent_hit_cat[i],
			    st->urgent_gold_cat[i]), st->urgent_hit_cat[i],
			    st->urgent_gold_cat[i]);
	fprintf(out, "false urgent       %6.1f%% (%d/%d)\n",
	    st->calm_gold == 0 ? 0.0 : 100.0 * st->calm_urgent / st->calm_gold,
	    st->calm_urgent, st->calm_gold);
	fprintf(out, "school accuracy    %6.1f%% (%d/%d; of which no school "
	    "expected %d/%d)\n", eval_pct(st->school_hit, st->school_gold),
	    st->school_hit, st->school_gold, st->school_none_hit,
	    st->school_none_gold);
	fprintf(out, "spurious school    %d of %d unlabelled messages\n",
	    st->school_spurious, st->school_unlabelled);
}

#endif /* EVALSET_H */
