/*
 * tinbao: Vietnamese text normalisation for the classifier.
 *
 * A word is a run of letters, digits and combining marks; everything else
 * separates words, and sentence punctuation (. , ; : ! ? newline, brackets)
 * also marks a clause break on the next token so that the classifier does
 * not tie a word of one sentence to a word of the next.  Each word is
 * decomposed (canonical decomposition, the inverse of NFC) and case folded
 * with utf8proc, one code point at a time.  Dropping the nonspacing marks
 * and mapping `đ` (and the look-alike `ð` some phones send) to `d` gives the
 * folded form.  The accented hash is the hash of the fold plus one mixed
 * value per mark: NFC, NFD, any mix of the two, and both tone placements
 * ("hoà"/"hòa", "tuý"/"túy") give the same hash, while "đám" and "đâm"
 * differ.  Invalid UTF-8 bytes count as separators, one byte at a time.
 *
 * Teen spellings are a small table from folded short words to the folded
 * words they stand for ("hs" -> "hoc sinh"); an expansion of several words
 * is handed out one word per call.  Expanded tokens carry NORM_F_EXPANDED
 * and no accented information: they match keywords as unaccented text does.
 * Squeezing repeated letters and the f/w/j/z spelling variants depend on the
 * vocabulary (Vietnamese folds keep real double letters: cứu -> cuu, xoong),
 * so they are offered to the classifier through normalize_variant() rather
 * than applied here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tinbao.h"
#include "normalize.h"

/* Decomposed code points examined per word; the rest only extend it. */
#define NORM_CP_MAX	96

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

struct norm_expansion {
	const char	*from;
	const char	*to;
};

/*
 * Teen spellings seen in pupils' SMS.  Keys are folded; values are folded
 * words separated by one space.  Ambiguous short forms that are also real
 * words when unaccented ("hong" is also hồng, "b", "m", "a") are left out.
 */
static const struct norm_expansion norm_expansions[] = {
	{ .from = "bgio",	.to = "bay gio" },
	{ .from = "bjo",	.to = "bay gio" },
	{ .from = "bik",	.to = "biet" },
	{ .from = "bn",		.to = "ban" },
	{ .from = "bt",		.to = "biet" },
	{ .from = "cg",		.to = "cung" },
	{ .from = "ck",		.to = "chong" },
	{ .from = "cx",		.to = "cung" },
	{ .from = "dc",		.to = "duoc" },
	{ .from = "dk",		.to = "duoc" },
	{ .from = "dt",		.to = "dien thoai" },
	{ .from = "e",		.to = "em" },
	{ .from = "gv",		.to = "giao vien" },
	{ .from = "hc",		.to = "hoc" },
	{ .from = "hk",		.to = "khong" },
	{ .from = "hok",	.to = "khong" },
	{ .from = "hs",		.to = "hoc sinh" },
	{ .from = "ik",		.to = "di" },
	{ .from = "iu",		.to = "yeu" },
	{ .from = "j",		.to = "gi" },
	{ .from = "k",		.to = "khong" },
	{ .from = "kg",		.to = "khong" },
	{ .from = "kh",		.to = "khong" },
	{ .from = "khg",	.to = "khong" },
	{ .from = "khum",	.to = "khong" },
	{ .from = "ko",		.to = "khong" },
	{ .from = "kp",		.to = "khong phai" },
	{ .from = "lm",		.to = "lam" },
	{ .from = "mik",	.to = "minh" },
	{ .from = "mjk",	.to = "minh" },
	{ .from = "mk",		.to = "minh" },
	{ .from = "ms",		.to = "moi" },
	{ .from = "mun",	.to = "muon" },
	{ .from = "ng",		.to = "nguoi" },
	{ .from = "nhiu",	.to = "nhieu" },
	{ .from = "ns",		.to = "noi" },
	{ .from = "nt",		.to = "nhan tin" },
	{ .from = "ntn",	.to = "nhu the nao" },
	{ .from = "ny",		.to = "nguoi yeu" },
	{ .from = "r",		.to = "roi" },
	{ .from = "thik",	.to = "thich" },
	{ .from = "trg",	.to = "truong" },
	{ .from = "vk",		.to = "vo" },
	{ .from = "vs",		.to = "voi" },
	{ .from = "z",		.to = "vay" },
};

static int	 norm_is_word(int32_t);
static int	 norm_is_clause(int32_t);
static uint64_t	 norm_mix(uint64_t);
static const char *norm_expand(const char *, size_t);
static int	 norm_has_run(const char *);
static int	 norm_emit_pending(struct normalizer *, struct norm_token *);
static size_t	 norm_word(struct normalizer *, struct norm_token *);

/* Starts tokenizing len bytes at s; s need not be NUL-terminated. */
void
normalize_init(struct normalizer *n, const char *s, size_t len)
{
	memset(n, 0, sizeof(*n));
	n->p = (const unsigned char *)s;
	n->len = s == NULL ? 0 : len;
}

/* Returns the FNV-1a hash of len bytes. */
uint64_t
normalize_hash(const char *s, size_t len)
{
	uint64_t	 h = FNV_OFFSET;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return (h);
}

static int
norm_is_word(int32_t cp)
{
	if (cp < 0x80)
		return ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9'));
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return (1);
	default:
		return (0);
	}
}

static int
norm_is_clause(int32_t cp)
{
	switch (cp) {
	case '.': case ',': case ';': case ':': case '!': case '?':
	case '\n': case '\r': case '(': case ')': case '[': case ']':
	case '{': case '}': case '|':
	case 0x2026:	/* … */
	case 0x3002:	/* 。 */
		return (1);
	default:
		return (0);
	}
}

/* Spreads a mark's code point over 64 bits (splitmix64's finalizer). */
static uint64_t
norm_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31));
}

static const char *
norm_expand(const char *fold, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 4)
		return (NULL);
	for (i = 0; i < sizeof(norm_expansions) / sizeof(norm_expansions[0]);
	    i++) {
		if (norm_expansions[i].from[0] == fold[0] &&
		    strncmp(norm_expansions[i].from, fold, len) == 0 &&
		    norm_expansions[i].from[len] == '\0')
			return (norm_expansions[i].to);
	}
	return (NULL);
}

/* Returns 1 when a letter repeats right after itself ("koo"). */
static int
norm_has_run(const char *s)
{
	for (; s[0] != '\0'; s++)
		if (s[1] == s[0])
			return (1);
	return (0);
}

/* Hands out the next word of a pending multi-word expansion. */
static int
norm_emit_pending(struct normalizer *n, struct norm_token *t)
{
	const char	*w = n->pending, *sp;
	size_t		 wl;

	sp = strchr(w, ' ');
	wl = sp == NULL ? strlen(w) : (size_t)(sp - w);
	memcpy(t->fold, w, wl);
	t->fold[wl] = '\0';
	t->foldlen = wl;
	t->acc = normalize_hash(w, wl);
	t->flags = NORM_F_EXPANDED | n->pend_flags;
	t->off = n->pend_off;
	t->len = n->pend_len;
	n->pend_flags = 0;
	n->pending = sp == NULL ? NULL : sp + 1;
	return (1);
}

/*
 * Reads one word starting at n->off into t and returns the bytes consumed.
 * The word's code points are decomposed and case folded into cps[], then
 * the fold and the accented hash are made from cps[].
 */
static size_t
norm_word(struct normalizer *n, struct norm_token *t)
{
	int32_t			 cps[NORM_CP_MAX], cp;
	utf8proc_ssize_t	 r, k;
	size_t			 off = n->off, ncp = 0, i, fl = 0;
	uint64_t		 marks = 0;
	unsigned char		 enc[4];
	int			 flags = 0;

	while (off < n->len) {
		if (n->p[off] < 0x80) {
			cp = n->p[off];
			r = 1;
		} else {
			r = utf8proc_iterate(n->p + off,
			    (utf8proc_ssize_t)(n->len - off), &cp);
			if (r <= 0)
				break;	/* invalid byte: ends the word */
		}
		if (!norm_is_word(cp))
			break;
		off += (size_t)r;
		if (cp < 0x80) {
			if (cp >= 'A' && cp <= 'Z')
				cp += 'a' - 'A';
			if (ncp < NORM_CP_MAX)
				cps[ncp++] = cp;
			else
				flags |= NORM_F_LONG;
			continue;
		}
		k = utf8proc_decompose_char(cp, cps + ncp,
		    (utf8proc_ssize_t)(NORM_CP_MAX - ncp),
		    UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, NULL);
		if (k < 0 || (size_t)k > NORM_CP_MAX - ncp)
			flags |= NORM_F_LONG;
		else
			ncp += (size_t)k;
	}

	/*
	 * The fold drops the marks; the accented hash adds a mixed value per
	 * mark to the hash of the fold, a sum that ignores the marks' order
	 * and place (tone on either vowel: "túy" and "tuý" are one word).
	 */
	for (i = 0; i < ncp; i++) {
		cp = cps[i];
		if (cp >= 0x80) {
			if (cp == 0x111 || cp == 0xf0) {	/* đ, ð */
				marks += norm_mix(0x111);
				cp = 'd';
				flags |= NORM_F_MARKS;
			} else if (utf8proc_category(cp) ==
			    UTF8PROC_CATEGORY_MN) {
				marks += norm_mix((uint64_t)cp);
				flags |= NORM_F_MARKS;
				continue;
			}
		}
		k = utf8proc_encode_char(cp, enc);
		if (k <= 0)
			continue;
		if (fl + (size_t)k >= NORM_FOLD_MAX) {
			flags |= NORM_F_LONG;
			continue;
		}
		memcpy(t->fold + fl, enc, (size_t)k);
		fl += (size_t)k;
	}
	t->fold[fl] = '\0';
	t->foldlen = fl;
	t->acc = normalize_hash(t->fold, fl) + marks;
	t->flags |= flags;
	if (fl > 0 && t->fold[0] >= '0' && t->fold[0] <= '9')
		t->flags |= NORM_F_DIGIT;
	return (off - n->off);
}

/*
 * Fills t with the next token and returns 1, or returns 0 at the end.  Runs
 * of separators are skipped; a clause mark among them sets NORM_F_CLAUSE.
 */
int
normalize_next(struct normalizer *n, struct norm_token *t)
{
	const char		*exp;
	char			 sq[NORM_FOLD_MAX];
	size_t			 sql;
	int32_t			 cp;
	utf8proc_ssize_t	 r;
	int			 clause = 0;

	if (n->pending != NULL)
		return (norm_emit_pending(n, t));

	for (;;) {
		while (n->off < n->len) {
			if (n->p[n->off] < 0x80) {
				cp = n->p[n->off];
				r = 1;
			} else {
				r = utf8proc_iterate(n->p + n->off,
				    (utf8proc_ssize_t)(n->len - n->off), &cp);
				if (r <= 0) {
					n->off++;	/* invalid: skip it */
					continue;
				}
			}
			if (norm_is_word(cp))
				break;
			if (norm_is_clause(cp))
				clause = 1;
			n->off += (size_t)r;
		}
		if (n->off >= n->len)
			return (0);

		memset(t, 0, sizeof(*t));
		t->off = n->off;
		t->flags = clause ? NORM_F_CLAUSE : 0;
		t->len = norm_word(n, t);
		n->off += t->len;
		if (t->foldlen > 0)
			break;
		/* A word of lone ignorable code points: look further. */
	}

	if (t->flags & (NORM_F_LONG | NORM_F_DIGIT))
		return (1);
	exp = norm_expand(t->fold, t->foldlen);
	if (exp == NULL && t->foldlen <= 12 && norm_has_run(t->fold)) {
		sql = normalize_squeeze(t->fold, t->foldlen, sq, sizeof(sq), 1);
		if (sql >= 2 && sql != t->foldlen)
			exp = norm_expand(sq, sql);
	}
	if (exp != NULL) {
		n->pending = exp;
		n->pend_off = t->off;
		n->pend_len = t->len;
		n->pend_flags = t->flags & NORM_F_CLAUSE;
		return (norm_emit_pending(n, t));
	}
	return (1);
}

/*
 * Copies src to dst collapsing each run of one ASCII letter longer than
 * maxrun to maxrun letters; returns the new length (dst is NUL-terminated).
 */
size_t
normalize_squeeze(const char *src, size_t len, char *dst, size_t dstsz,
    int maxrun)
{
	size_t	 i, o = 0;
	int	 run = 0;

	if (dstsz == 0)
		return (0);
	for (i = 0; i < len && o + 1 < dstsz; i++) {
		if (i > 0 && src[i] == src[i - 1] &&
		    src[i] >= 'a' && src[i] <= 'z') {
			if (++run >= maxrun)
				continue;
		} else
			run = 0;
		dst[o++] = src[i];
	}
	dst[o] = '\0';
	return (o);
}

/*
 * Writes spelling variant number which of a folded word to dst: 0 squeezes
 * repeated letters to one, 1 to two, 2 undoes the teen consonants (f -> ph,
 * w -> qu, j -> gi, z -> d at the start) after squeezing to one.  Returns 0,
 * or -1 when the variant does not exist or equals the word.
 */
int
normalize_variant(const char *src, size_t len, int which, char *dst,
    size_t dstsz)
{
	char		 sq[NORM_FOLD_MAX];
	const char	*rep;
	size_t		 sl;

	if (dstsz < 4 || len == 0)
		return (-1);
	switch (which) {
	case 0:
	case 1:
		sl = normalize_squeeze(src, len, dst, dstsz, which + 1);
		return (sl == len ? -1 : 0);
	case 2:
		sl = normalize_squeeze(src, len, sq, sizeof(sq), 1);
		switch (sq[0]) {
		case 'f':
			rep = "ph";
			break;
		case 'w':
			rep = "qu";
			break;
		case 'j':
			rep = "gi";
			break;
		case 'z':
			rep = "d";
			break;
		default:
			return (-1);
		}
		if (strlen(rep) + sl - 1 >= dstsz)
			return (-1);
		memcpy(dst, rep, strlen(rep));
		memcpy(dst + strlen(rep), sq + 1, sl - 1);
		dst[strlen(rep) + sl - 1] = '\0';
		return (0);
	default:
		return (-1);
	}
}

/*
 * Returns a new string with the folded tokens of s joined by one space,
 * teen spellings expanded; for loading phrases and for tests, not for the
 * hot path.
 */
char *
normalize_fold(const char *s, size_t len)
{
	struct normalizer	 n;
	struct norm_token	 t;
	char			*out;
	size_t			 cap = 16, ol = 0;

	out = xmalloc(cap);
	normalize_init(&n, s, len);
	while (normalize_next(&n, &t) == 1) {
		while (ol + t.foldlen + 2 > cap) {
			out = xreallocarray(out, cap, 2);
			cap *= 2;
		}
		if (ol > 0)
			out[ol++] = ' ';
		memcpy(out + ol, t.fold, t.foldlen);
		ol += t.foldlen;
	}
	out[ol] = '\0';
	return (out);
}

/*
 * Returns a new NFC, case-folded copy of s in which each invalid byte is
 * replaced by U+FFFD; for display and tests, not for the hot path.
 */
char *
normalize_accented(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	utf8proc_uint8_t	*mapped = NULL;
	utf8proc_ssize_t	 r;
	utf8proc_int32_t	 cp;
	char			*clean, *out;
	size_t			 i = 0, o = 0;

	clean = xmalloc(len * 3 + 1);
	while (i < len) {
		r = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (r <= 0 || cp == 0) {
			memcpy(clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(clean + o, p + i, (size_t)r);
		o += (size_t)r;
		i += (size_t)r;
	}
	clean[o] = '\0';
	r = utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)o,
	    &mapped, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	free(clean);
	if (r < 0)
		return (xstrdup(""));
	out = xstrdup((const char *)mapped);
	free(mapped);
	return (out);
}
