/*
 * tinbao: the report classifier (SPEC section 5).
 *
 * A struct classifier holds keyword tables and the school directory, built
 * once (classifier_new, classifier_load_builtin and/or classifier_add_*,
 * then classifier_compile) and read-only afterwards: classify() takes a
 * const pointer, keeps its scratch on the stack, never allocates and may be
 * called from any number of threads at once.  A struct classify_result
 * points into the classifier's memory (category names, matched phrases), so
 * it is valid as long as the classifier is.  See classify.c for the rules
 * and handlers/keywords.txt for the row format.
 *
 * Typical use: classifier_new(); classifier_load_builtin(); then the
 * operator's rows of the `keywords` table through classifier_add_keyword()
 * (they extend the built-in table; level words from the built-in table are
 * needed to strip "THCS" and the like from school names); then each school
 * of the directory through classifier_add_school(); then
 * classifier_compile().  Adding rows or schools later is allowed (SIGHUP
 * reload) but needs another classifier_compile() before classify(); a
 * reload that must not stall readers builds a new classifier and swaps it.
 */
#ifndef CLASSIFY_H
#define CLASSIFY_H

#include <stddef.h>
#include <stdio.h>

struct classifier;

/* Matched phrases reported per message; further ones are dropped. */
#define CLASSIFY_MATCHED_MAX	16

struct classify_result {
	const char	*category;	/* a code of category_table[] */
	int		 urgent;	/* 0/1 */
	const char	*urgent_reason;	/* "category", "weapon", "help",
					   "now", "many", or NULL when not
					   urgent */
	int		 many;		/* several pupils are affected */
	int		 model;		/* the model raised the category or
					   the urgency (urgent_reason
					   "model") */
	double		 confidence;	/* 0..1: how sure the category is */
	double		 score;		/* the winning category's score */
	char		 school[16];	/* school code, "" when none */
	int		 school_ambiguous; /* a place named several schools */
	size_t		 nmatched;
	const char	*matched[CLASSIFY_MATCHED_MAX];	/* folded phrases */
	size_t		 ntokens;	/* tokens read */
};

/* The keyword table embedded from handlers/keywords.txt (build/keywords.c). */
extern const char classifier_builtin_keywords[];

/* The model's default thresholds (classifier_set_model). */
#define CLASSIFY_MODEL_OVERRIDE	0.60
#define CLASSIFY_MODEL_URGENT	0.80

struct model;

struct classifier *classifier_new(void);
void	 classifier_set_model(struct classifier *, const struct model *,
	    double, double);
void	 classifier_set_model_weak(struct classifier *, double);
int	 classifier_load_builtin(struct classifier *);
int	 classifier_load_keywords(struct classifier *, const char *,
	    const char *);
int	 classifier_add_keyword(struct classifier *, const char *,
	    const char *, double, const char *);
int	 classifier_add_school(struct classifier *, const char *,
	    const char *, const char *, const char *);
int	 classifier_compile(struct classifier *);
int	 classify(const struct classifier *, const char *, size_t,
	    struct classify_result *);
int	 classify_result_json(const struct classify_result *, char *, size_t);
int	 classify_cli(struct classifier *, int, char **, FILE *, FILE *);
void	 classifier_free(struct classifier *);

#endif /* CLASSIFY_H */
