/*
 * tinbao: the classifier's learned second opinion (SPEC section 5).
 *
 * A linear model over hashed features of the folded text: word unigrams,
 * word bigrams, the character 3- and 4-grams of each word between spaces,
 * and the accented form of each word written with marks.  Each feature is hashed into one of nbuckets buckets; a bucket
 * holds one weight per category of handlers/category.c's table (a softmax
 * over them gives the category's probability) and one for urgency (a
 * logistic gives the probability that the report is urgent).  Weights are
 * int16 times a scale, so the table is small and the trainer's output is a
 * deterministic C table.
 *
 * The built-in model (model_builtin, build/model_table.c) is trained at
 * build time by tests/tools/nbtrain.c from the tuning data only
 * (tests/data/tune/ *.jsonl, tests/data/eval.jsonl, tests/data/dev.jsonl),
 * never from tests/data/heldout/.  model_train() is the same trainer as a
 * function, for the evaluation tool's k-fold cross-validation.
 *
 * Pure code: predicting keeps its scratch on the stack and allocates
 * nothing, so any number of threads may call model_predict() at once.
 */
#ifndef TINBAO_MODEL_H
#define TINBAO_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "category.h"

#define MODEL_NOUT	(CATEGORY_N + 1)	/* categories, then urgent */
#define MODEL_URGENT	CATEGORY_N
#define MODEL_FEAT_MAX	1024		/* features read per message */
#define MODEL_BUCKETS_MAX 16384		/* the largest nbuckets */

/* A message's features, gathered token by token (model_token()). */
struct model_feats {
	uint32_t	 nbuckets;
	uint32_t	 prev;		/* the previous word's hash, 0 at a
					   clause's start */
	size_t		 n;
	uint32_t	 f[MODEL_FEAT_MAX];
	uint8_t		 seen[MODEL_BUCKETS_MAX / 8];
};

struct model {
	uint32_t	 nbuckets;	/* a power of 2 */
	float		 scale;		/* weight = w[] * scale */
	const int16_t	*w;		/* nbuckets * MODEL_NOUT */
	const float	*bias;		/* MODEL_NOUT */
};

/* One labelled message for model_train(). */
struct model_example {
	const char	*text;
	int		 category;	/* enum category_id */
	int		 urgent;	/* 1, 0, or -1 unknown */
};

/* Training settings; model_train_defaults() fills them. */
struct model_params {
	uint32_t	 nbuckets;
	int		 epochs;
	double		 rate;
	double		 l2;
	double		 urgent_weight;	/* loss weight of urgent examples */
	double		 always_weight;	/* category loss weight of examples
					   of an always-urgent category */
};

extern const struct model model_builtin;

struct norm_token;

void	 model_feats_init(struct model_feats *, uint32_t);
void	 model_token(struct model_feats *, const struct norm_token *);
size_t	 model_features(uint32_t, const char *, size_t, uint32_t *, size_t);
void	 model_score(const struct model *, const struct model_feats *,
	    double *, double *);
void	 model_predict(const struct model *, const char *, size_t, double *,
	    double *);
void	 model_train_defaults(struct model_params *);
struct model *model_train(const struct model_params *,
	    const struct model_example *, size_t);
void	 model_free(struct model *);

#endif /* TINBAO_MODEL_H */
