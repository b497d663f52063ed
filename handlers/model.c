/*
 * tinbao: the classifier's learned second opinion; see model.h.
 *
 * Features.  The text goes through the classifier's normaliser (folded,
 * teen spelling expanded).  For each word: the word itself, the word with
 * the one before it (in the same clause), and every 3- and 4-gram of its
 * letters with a space on each side (" em ", "danh" -> " da", "dan", ...),
 * which lets the model read a misspelt or unseen form of a known word;
 * and a word written with marks also gives its accented form, so that
 * where the writer used accents "đăng" (posted) and "đang" (now) differ.
 * Each is hashed (FNV-1a, one seed per kind) into nbuckets; a bucket is
 * counted once per message (a bitmap), and each counts 1/sqrt(n).  The
 * classifier feeds the tokens it reads anyway (model_token()), so the
 * text is tokenized once.
 *
 * Training.  Multinomial logistic regression for the category (a softmax
 * over category_table's order) and a logistic regression for urgency
 * (examples whose urgency is unknown do not train it), both by plain
 * stochastic gradient descent with L2 decay on the weights an example
 * touches, a fixed number of epochs, a learning rate that decays by
 * epoch, and a fixed pseudo-random order: the same examples give the same
 * table, bit for bit.  The weights are then quantised to int16.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "normalize.h"
#include "model.h"

#define MODEL_SEED_WORD		0x9e3779b9u
#define MODEL_SEED_BIGRAM	0x85ebca6bu
#define MODEL_SEED_CHAR3	0xc2b2ae35u
#define MODEL_SEED_CHAR4	0x27d4eb2fu
#define MODEL_SEED_ACCENT	0x165667b1u

static uint32_t	 model_hash(uint32_t, const char *, size_t);
static void	 model_add(struct model_feats *, uint32_t);
static void	 model_softmax(double *, int);

static uint32_t
model_hash(uint32_t seed, const char *s, size_t len)
{
	uint32_t	 h = 2166136261u ^ seed;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return (h);
}

/* Starts an empty feature set for a model of nbuckets (a power of 2). */
void
model_feats_init(struct model_feats *mf, uint32_t nbuckets)
{
	mf->nbuckets = nbuckets;
	mf->prev = 0;
	mf->n = 0;
	memset(mf->seen, 0, (nbuckets + 7) / 8);
}

static void
model_add(struct model_feats *mf, uint32_t h)
{
	h &= mf->nbuckets - 1;
	if (mf->n == MODEL_FEAT_MAX || (mf->seen[h >> 3] & (1u << (h & 7))))
		return;
	mf->seen[h >> 3] |= (uint8_t)(1u << (h & 7));
	mf->f[mf->n++] = h;
}

/* Adds the features of one token of the normaliser (the header comment). */
void
model_token(struct model_feats *mf, const struct norm_token *t)
{
	char		 b[NORM_FOLD_MAX + 2];
	uint32_t	 h;
	size_t		 i, bl;

	if (t->flags & NORM_F_CLAUSE)
		mf->prev = 0;
	h = model_hash(MODEL_SEED_WORD, t->fold, t->foldlen);
	model_add(mf, h);
	if (mf->prev != 0)
		model_add(mf, model_hash(MODEL_SEED_BIGRAM ^ mf->prev, t->fold,
		    t->foldlen));
	mf->prev = h | 1;
	if (t->flags & NORM_F_MARKS)
		model_add(mf, model_hash(MODEL_SEED_ACCENT, (const char *)&t->acc,
		    sizeof(t->acc)));
	if (t->flags & NORM_F_DIGIT)
		return;
	b[0] = ' ';
	memcpy(b + 1, t->fold, t->foldlen);
	b[t->foldlen + 1] = ' ';
	bl = t->foldlen + 2;
	for (i = 0; i + 3 <= bl; i++)
		model_add(mf, model_hash(MODEL_SEED_CHAR3, b + i, 3));
	for (i = 0; i + 4 <= bl; i++)
		model_add(mf, model_hash(MODEL_SEED_CHAR4, b + i, 4));
}

/*
 * Stores the distinct feature buckets (< nbuckets, a power of 2) of len
 * bytes of text into f, at most max of them; returns their number.
 */
size_t
model_features(uint32_t nbuckets, const char *text, size_t len, uint32_t *f,
    size_t max)
{
	struct normalizer	 nz;
	struct norm_token	 t;
	struct model_feats	*mf;
	size_t			 n;

	mf = xmalloc(sizeof(*mf));
	model_feats_init(mf, nbuckets);
	normalize_init(&nz, text, len);
	while (normalize_next(&nz, &t) == 1)
		model_token(mf, &t);
	n = mf->n < max ? mf->n : max;
	memcpy(f, mf->f, n * sizeof(*f));
	free(mf);
	return (n);
}

static void
model_softmax(double *z, int k)
{
	double	 mx = z[0], sum = 0;
	int	 i;

	for (i = 1; i < k; i++)
		if (z[i] > mx)
			mx = z[i];
	for (i = 0; i < k; i++) {
		z[i] = exp(z[i] - mx);
		sum += z[i];
	}
	for (i = 0; i < k; i++)
		z[i] /= sum;
}

/*
 * Stores each category's probability into pcat[CATEGORY_N] and the
 * probability that the message is urgent into *purgent, from its features.
 */
void
model_score(const struct model *m, const struct model_feats *mf,
    double *pcat, double *purgent)
{
	int32_t		 acc[MODEL_NOUT];
	double		 z[MODEL_NOUT], x;
	const int16_t	*row;
	size_t		 i;
	int		 k;

	memset(acc, 0, sizeof(acc));
	for (i = 0; i < mf->n; i++) {
		row = m->w + (size_t)mf->f[i] * MODEL_NOUT;
		for (k = 0; k < MODEL_NOUT; k++)
			acc[k] += row[k];
	}
	x = mf->n == 0 ? 0 : m->scale / sqrt((double)mf->n);
	for (k = 0; k < MODEL_NOUT; k++)
		z[k] = acc[k] * x + m->bias[k];
	*purgent = 1.0 / (1.0 + exp(-z[MODEL_URGENT]));
	model_softmax(z, CATEGORY_N);
	for (k = 0; k < CATEGORY_N; k++)
		pcat[k] = z[k];
}

/* As model_score(), from len bytes of text. */
void
model_predict(const struct model *m, const char *text, size_t len,
    double *pcat, double *purgent)
{
	struct normalizer	 nz;
	struct norm_token	 t;
	struct model_feats	 mf;

	model_feats_init(&mf, m->nbuckets);
	normalize_init(&nz, text, len);
	while (normalize_next(&nz, &t) == 1)
		model_token(&mf, &t);
	model_score(m, &mf, pcat, purgent);
}

void
model_train_defaults(struct model_params *p)
{
	p->nbuckets = 1u << 13;
	p->epochs = 30;
	p->rate = 2.0;
	p->l2 = 1e-4;
	p->urgent_weight = 2.0;
	p->always_weight = 1.0;
}

/* Trains a model on n examples; free it with model_free(). */
struct model *
model_train(const struct model_params *pp, const struct model_example *ex,
    size_t n)
{
	struct model	*m;
	uint32_t	*feat, *nfeat, *order, seed = 12345, r, tmp;
	double		*w, bias[MODEL_NOUT], z[MODEL_NOUT], g[MODEL_NOUT];
	double		 x, lr, mx, u, cw;
	int16_t		*w16;
	float		*b;
	size_t		 i, j, e, nb = pp->nbuckets, wn;
	int		 k, epoch;

	if (nb == 0 || nb > MODEL_BUCKETS_MAX || (nb & (nb - 1)) != 0)
		fatalx("model_train: %zu buckets", nb);
	m = xcalloc(1, sizeof(*m));
	wn = nb * MODEL_NOUT;
	w = xcalloc(wn, sizeof(*w));
	memset(bias, 0, sizeof(bias));
	feat = xcalloc(n > 0 ? n * MODEL_FEAT_MAX : 1, sizeof(*feat));
	nfeat = xcalloc(n > 0 ? n : 1, sizeof(*nfeat));
	order = xcalloc(n > 0 ? n : 1, sizeof(*order));
	for (i = 0; i < n; i++) {
		nfeat[i] = (uint32_t)model_features((uint32_t)nb, ex[i].text,
		    strlen(ex[i].text), feat + i * MODEL_FEAT_MAX,
		    MODEL_FEAT_MAX);
		order[i] = (uint32_t)i;
	}
	for (epoch = 0; epoch < pp->epochs; epoch++) {
		lr = pp->rate / (1.0 + 0.2 * epoch);
		for (i = n; i > 1; i--) {	/* Fisher-Yates, xorshift */
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			r = seed % (uint32_t)i;
			tmp = order[i - 1];
			order[i - 1] = order[r];
			order[r] = tmp;
		}
		for (j = 0; j < n; j++) {
			e = order[j];
			x = nfeat[e] == 0 ? 0 : 1.0 / sqrt((double)nfeat[e]);
			for (k = 0; k < MODEL_NOUT; k++)
				z[k] = 0;
			for (i = 0; i < nfeat[e]; i++)
				for (k = 0; k < MODEL_NOUT; k++)
					z[k] += w[(size_t)feat[e *
					    MODEL_FEAT_MAX + i] * MODEL_NOUT +
					    (size_t)k];
			for (k = 0; k < MODEL_NOUT; k++)
				z[k] = z[k] * x + bias[k];
			u = 1.0 / (1.0 + exp(-z[MODEL_URGENT]));
			model_softmax(z, CATEGORY_N);
			cw = (category_table[ex[e].category].flags &
			    CATEGORY_F_URGENT) ? pp->always_weight : 1.0;
			for (k = 0; k < CATEGORY_N; k++)
				g[k] = (z[k] - (k == ex[e].category)) * cw;
			if (ex[e].urgent < 0)
				g[MODEL_URGENT] = 0;
			else
				g[MODEL_URGENT] = (u - ex[e].urgent) *
				    (ex[e].urgent ? pp->urgent_weight : 1.0);
			for (k = 0; k < MODEL_NOUT; k++)
				bias[k] -= lr * g[k];
			for (i = 0; i < nfeat[e]; i++) {
				double *row = w + (size_t)feat[e *
				    MODEL_FEAT_MAX + i] * MODEL_NOUT;

				for (k = 0; k < MODEL_NOUT; k++)
					row[k] -= lr * (g[k] * x +
					    pp->l2 * row[k]);
			}
		}
	}
	mx = 0;
	for (i = 0; i < wn; i++)
		if (fabs(w[i]) > mx)
			mx = fabs(w[i]);
	if (mx == 0)
		mx = 1;
	w16 = xcalloc(wn, sizeof(*w16));
	for (i = 0; i < wn; i++)
		w16[i] = (int16_t)lround(w[i] / mx * 32767.0);
	b = xcalloc(MODEL_NOUT, sizeof(*b));
	for (k = 0; k < MODEL_NOUT; k++)
		b[k] = (float)bias[k];
	m->nbuckets = (uint32_t)nb;
	m->scale = (float)(mx / 32767.0);
	m->w = w16;
	m->bias = b;
	free(w);
	free(feat);
	free(nfeat);
	free(order);
	return (m);
}

/* Frees a model made by model_train(). */
void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	free((void *)(uintptr_t)m->w);
	free((void *)(uintptr_t)m->bias);
	free(m);
}
