/*
 * tinbao: the classifier's learned second opinion; see model.h.
 *
 * Features.  The text goes through the classifier's normaliser (folded,
 * teen spelling expanded).  For each word: the word itself, the word with
 * the one before it (in the same clause), and every 3- and 4-gram of its
 * letters with a space on each side (" em ", "danh" -> " da", "dan", ...),
 * which lets the model read a misspelt or unseen form of a known word.
 * Each is hashed (FNV-1a, one seed per kind) into nbuckets; a message's
 * buckets are sorted and counted once, and each counts 1/sqrt(n).
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

static uint32_t	 model_hash(uint32_t, const char *, size_t);
static int	 model_cmp(const void *, const void *);
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

static int
model_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/*
 * Stores the distinct feature buckets (< nbuckets, a power of 2) of len
 * bytes of text into f, at most max of them, sorted; returns their number.
 */
size_t
model_features(uint32_t nbuckets, const char *text, size_t len, uint32_t *f,
    size_t max)
{
	struct normalizer	 nz;
	struct norm_token	 t;
	char			 b[NORM_FOLD_MAX + 2];
	uint32_t		 prev = 0, h, mask = nbuckets - 1;
	size_t			 n = 0, i, j, bl;
	int			 g;

	if (max == 0)
		return (0);
	normalize_init(&nz, text, len);
	while (normalize_next(&nz, &t) == 1 && n + 16 <= max) {
		if (t.flags & NORM_F_CLAUSE)
			prev = 0;
		h = model_hash(MODEL_SEED_WORD, t.fold, t.foldlen);
		f[n++] = h & mask;
		if (prev != 0)
			f[n++] = model_hash(MODEL_SEED_BIGRAM ^ prev, t.fold,
			    t.foldlen) & mask;
		prev = h | 1;
		if (t.flags & NORM_F_DIGIT)
			continue;
		b[0] = ' ';
		memcpy(b + 1, t.fold, t.foldlen);
		b[t.foldlen + 1] = ' ';
		bl = t.foldlen + 2;
		for (g = 3; g <= 4; g++)
			for (i = 0; i + (size_t)g <= bl && n < max; i++)
				f[n++] = model_hash(g == 3 ? MODEL_SEED_CHAR3 :
				    MODEL_SEED_CHAR4, b + i, (size_t)g) & mask;
	}
	if (n > max)
		n = max;
	qsort(f, n, sizeof(*f), model_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || f[j - 1] != f[i])
			f[j++] = f[i];
	return (j);
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
 * Reads len bytes of text; stores each category's probability into
 * pcat[CATEGORY_N] and the probability that it is urgent into *purgent.
 */
void
model_predict(const struct model *m, const char *text, size_t len,
    double *pcat, double *purgent)
{
	uint32_t	 f[MODEL_FEAT_MAX];
	double		 z[MODEL_NOUT], x;
	const int16_t	*row;
	size_t		 n, i;
	int		 k;

	n = model_features(m->nbuckets, text, len, f, MODEL_FEAT_MAX);
	for (k = 0; k < MODEL_NOUT; k++)
		z[k] = 0;
	for (i = 0; i < n; i++) {
		row = m->w + (size_t)f[i] * MODEL_NOUT;
		for (k = 0; k < MODEL_NOUT; k++)
			z[k] += row[k];
	}
	x = n == 0 ? 0 : m->scale / sqrt((double)n);
	for (k = 0; k < MODEL_NOUT; k++)
		z[k] = z[k] * x + m->bias[k];
	*purgent = 1.0 / (1.0 + exp(-z[MODEL_URGENT]));
	model_softmax(z, CATEGORY_N);
	for (k = 0; k < CATEGORY_N; k++)
		pcat[k] = z[k];
}

void
model_train_defaults(struct model_params *p)
{
	p->nbuckets = 1u << 13;
	p->epochs = 30;
	p->rate = 1.0;
	p->l2 = 1e-4;
	p->urgent_weight = 2.0;
}

/* Trains a model on n examples; free it with model_free(). */
struct model *
model_train(const struct model_params *pp, const struct model_example *ex,
    size_t n)
{
	struct model	*m;
	uint32_t	*feat, *nfeat, *order, seed = 12345, r, tmp;
	double		*w, bias[MODEL_NOUT], z[MODEL_NOUT], g[MODEL_NOUT];
	double		 x, lr, mx, u;
	int16_t		*w16;
	float		*b;
	size_t		 i, j, e, nb = pp->nbuckets, wn;
	int		 k, epoch;

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
			for (k = 0; k < CATEGORY_N; k++)
				g[k] = z[k] - (k == ex[e].category);
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
