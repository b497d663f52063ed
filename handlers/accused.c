/*
 * tinbao: does a report name school staff as the one who hurts?  Pure code.
 *
 * SPEC section 7: when a report names school staff (thầy, cô, bảo vệ, bảo
 * mẫu, giáo viên, hiệu trưởng, ...) as the agent of the harm, the school's
 * principal is not alerted and the Bureau decides whom to tell.  A miss
 * sends the report to a colleague of the accused; a false alarm only keeps
 * one principal out of one alert, so the rules lean towards "yes".
 *
 * The text goes through the classifier's tokenizer (normalize.c), and a
 * word is read as written: an accented word matches only the same accents
 * (có is not cô, thấy is not thầy), an unaccented one matches the folded
 * form.  Then, within one clause:
 *
 *   STAFF [name, adverbs, object ...] HARM     "thầy Nam hay đánh em"
 *   bị/do STAFF [name] HARM                    "bị bảo vệ sờ"
 *   HARM ... là/bởi STAFF                      "người sờ em là thầy X"
 *
 * Between the staff word and the harm verb at most ACCUSED_GAP words may
 * stand, and none of the words that hand the clause to someone else: a
 * new subject (bạn, nó, đứa, người, ...), speech or conjunction (nói, là,
 * nhưng, và, ...), a negation (không, chưa), a passive (bị, được) or help
 * (can ngăn, bảo vệ, giúp).  So "cô giáo đã can ngăn" and "cô nói bạn đánh
 * em" are not accusations.  A staff word after a verb of telling is an
 * object ("em báo cô chủ nhiệm").  The unaccented words that are also
 * common verbs (thay/thấy, co/có, bảo vệ = to protect) count only with a
 * title or a name next to them, after bị/do, or at the start of a clause.
 * Harm verbs have their harmless continuations (đánh giá, đánh nhau, đá
 * bóng); a few unaccented forms that are everyday words (da = đã, hon =
 * hơn, day = dạy) count only when written with their accents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tinbao.h"
#include "normalize.h"

#define ACCUSED_GAP	8	/* words between staff and harm */
#define ACCUSED_WORDS	4	/* words in one phrase of a list */

#define W_AMBIG		0x01	/* unaccented, it is also a common word */
#define W_ACCENTED	0x02	/* counts only when written with accents */
#define W_VERBLIKE	0x04	/* also a verb (bảo vệ): always needs a title */

struct accused_phrase {
	const char	*text;
	int		 flags;
};

/* A phrase of a list, tokenized: its words' folds and accent hashes. */
struct accused_word {
	int		 n;
	int		 flags;
	const char	*text;
	char		 fold[ACCUSED_WORDS][NORM_FOLD_MAX];
	uint64_t	 acc[ACCUSED_WORDS];
	int		 marks[ACCUSED_WORDS];
};

struct accused_list {
	struct accused_word	*w;
	size_t			 n;
};

static const struct accused_phrase accused_staff[] = {
	{ "thầy", W_AMBIG }, { "cô", W_AMBIG }, { "thầy giáo", 0 },
	{ "cô giáo", 0 }, { "giáo viên", 0 }, { "gvcn", 0 },
	{ "giám thị", 0 }, { "hiệu trưởng", 0 }, { "hiệu phó", 0 },
	{ "bảo mẫu", 0 }, { "cô nuôi", 0 }, { "tổng phụ trách", 0 },
	{ "quản sinh", 0 }, { "lao công", 0 }, { "bảo vệ", W_VERBLIKE },
	{ "thầy cô", 0 },
};

/* After thầy or cô: a title that makes the word a teacher's. */
static const struct accused_phrase accused_titles[] = {
	{ "giáo", 0 }, { "chủ nhiệm", 0 }, { "gvcn", 0 }, { "dạy", 0 },
	{ "giám thị", 0 }, { "hiệu trưởng", 0 }, { "hiệu phó", 0 },
	{ "tổng phụ trách", 0 }, { "thể dục", 0 }, { "toán", 0 },
	{ "văn", 0 }, { "bảo vệ", 0 }, { "bảo mẫu", 0 }, { "quản sinh", 0 },
	{ "cô", 0 }, { "thầy", 0 }, { "lao công", 0 },
};

/* Before bảo vệ: a person word that makes it the guard, not "protect". */
static const struct accused_phrase accused_persons[] = {
	{ "bác", 0 }, { "chú", 0 }, { "anh", 0 }, { "ông", 0 }, { "cô", 0 },
	{ "người", 0 }, { "nhân viên", 0 }, { "bị", 0 }, { "do", 0 },
	{ "tên", 0 }, { "thằng", 0 },
};

/* Before a staff word: it is the agent (passive) ... */
static const struct accused_phrase accused_passive[] = {
	{ "bị", 0 }, { "do", 0 }, { "bởi", 0 },
};

/* ... or it is named as the one who did what was said before. */
static const struct accused_phrase accused_is[] = {
	{ "là", 0 }, { "bởi", 0 }, { "do", 0 },
};

/* Before a staff word: it is the object of telling, not the agent. */
static const struct accused_phrase accused_objects[] = {
	{ "báo", 0 }, { "nói", 0 }, { "kể", 0 }, { "méc", 0 }, { "mách", 0 },
	{ "hỏi", 0 }, { "nhờ", 0 }, { "gọi", 0 }, { "gặp", 0 }, { "với", 0 },
	{ "xin", 0 }, { "nghe", 0 }, { "theo", 0 }, { "của", 0 },
	{ "thưa", 0 }, { "tìm", 0 }, { "mời", 0 }, { "được", 0 },
	{ "như", 0 }, { "cho", 0 }, { "và", 0 },
};

/* Words that end the staff word's reach before a harm verb. */
static const struct accused_phrase accused_blockers[] = {
	{ "bạn", 0 }, { "nó", 0 }, { "thằng", 0 }, { "đứa", 0 },
	{ "anh", 0 }, { "chị", 0 }, { "mấy", 0 }, { "nhóm", 0 },
	{ "bọn", 0 }, { "tụi", 0 }, { "chúng", 0 }, { "người", 0 },
	{ "ai", 0 }, { "học sinh", 0 }, { "hắn", 0 }, { "họ", 0 },
	{ "mẹ", 0 }, { "bố", 0 }, { "cha", 0 }, { "nói", 0 }, { "bảo", 0 },
	{ "kể", 0 }, { "kêu", 0 }, { "là", 0 }, { "rằng", 0 }, { "thì", 0 },
	{ "mà", 0 }, { "nhưng", 0 }, { "và", 0 }, { "khi", 0 }, { "nếu", 0 },
	{ "để", 0 }, { "biết", 0 }, { "thấy", W_ACCENTED },
	{ "nhìn", 0 }, { "xem", 0 }, { "can", 0 }, { "ngăn", 0 },
	{ "giúp", 0 }, { "cứu", 0 }, { "khen", 0 }, { "không", 0 },
	{ "chưa", 0 }, { "chẳng", 0 }, { "chả", 0 }, { "đừng", 0 },
	{ "bị", 0 }, { "được", 0 }, { "có", W_ACCENTED },
};

/* Before a harm verb: it did not happen. */
static const struct accused_phrase accused_negations[] = {
	{ "không", 0 }, { "chưa", 0 }, { "chẳng", 0 }, { "chả", 0 },
	{ "đừng", 0 }, { "đâu", 0 },
};

/* The harm an adult does to a pupil. */
static const struct accused_phrase accused_harms[] = {
	{ "đánh", 0 }, { "tát", 0 }, { "bạt tai", 0 }, { "đấm", 0 },
	{ "đá", W_ACCENTED }, { "đạp", 0 }, { "véo", 0 }, { "nhéo", 0 },
	{ "cấu", W_ACCENTED }, { "khẻ", W_ACCENTED }, { "vụt", W_ACCENTED },
	{ "quất", W_ACCENTED }, { "quật", 0 }, { "đẩy", W_ACCENTED },
	{ "bóp", 0 }, { "kéo tai", 0 }, { "nắm tóc", 0 }, { "giật tóc", 0 },
	{ "sờ", 0 }, { "sàm sỡ", 0 }, { "quấy rối", 0 }, { "xâm hại", 0 },
	{ "hiếp", 0 }, { "dâm ô", 0 }, { "cưỡng", 0 }, { "hôn", W_ACCENTED },
	{ "chạm", W_ACCENTED }, { "đụng chạm", 0 }, { "động chạm", 0 },
	{ "chửi", 0 }, { "mắng", W_ACCENTED }, { "lăng mạ", 0 },
	{ "xúc phạm", 0 }, { "sỉ nhục", 0 }, { "làm nhục", 0 },
	{ "dọa", 0 }, { "bạo hành", 0 }, { "hành hạ", 0 },
	{ "ngược đãi", 0 }, { "bắt nạt", 0 }, { "nhốt", 0 },
	{ "trói", W_ACCENTED }, { "quỳ", W_ACCENTED }, { "cởi", W_ACCENTED },
	{ "ép", 0 }, { "dụ dỗ", 0 }, { "gạ", W_ACCENTED }, { "gạ gẫm", 0 },
	{ "làm đau", 0 }, { "đòn", W_ACCENTED },
};

/* After a harm word: the harmless phrase it begins (đánh giá, đá bóng). */
static const struct accused_phrase accused_harmless[] = {
	{ "giá", 0 }, { "dấu", 0 }, { "vần", 0 }, { "răng", 0 },
	{ "đàn", 0 }, { "cờ", 0 }, { "nhau", 0 }, { "trống", 0 },
	{ "bóng", 0 }, { "banh", 0 }, { "cầu", 0 }, { "thức", 0 },
	{ "máy", 0 }, { "chữ", 0 }, { "son", 0 }, { "phấn", 0 },
	{ "sách", 0 }, { "hiệu", 0 }, { "tiếng", 0 }, { "cưới", 0 },
	{ "đông", 0 }, { "ma", 0 }, { "tang", 0 }, { "số", 0 },
	{ "điện", 0 }, { "điểm", 0 }, { "đèn", 0 }, { "cả", 0 },
	{ "thoại", 0 }, { "lượng", 0 }, { "đt", 0 },
};

struct accused_ctx {
	struct norm_token	*t;
	size_t			 n;
	const char		*text;
	struct accused_list	 staff, titles, persons, passive, is, objects,
				 blockers, negations, harms, harmless;
};

static void	accused_load(struct accused_list *,
		    const struct accused_phrase *, size_t);
static size_t	accused_match(const struct accused_ctx *, size_t,
		    const struct accused_list *, const struct accused_word **);
static int	accused_capital(const struct accused_ctx *, size_t);
static int	accused_harm(const struct accused_ctx *, size_t, size_t *);
static int	accused_is_agent(const struct accused_ctx *, size_t, size_t,
		    const struct accused_word *, size_t *);
static void	accused_append(char *, size_t, const char *);
static void	accused_why(const struct accused_ctx *, size_t, size_t, size_t,
		    size_t, char *, size_t);

#define LOAD(l, a)	accused_load(&(l), (a), sizeof(a) / sizeof((a)[0]))

/* Tokenizes each phrase of a list into its words. */
static void
accused_load(struct accused_list *l, const struct accused_phrase *p,
    size_t n)
{
	struct normalizer	 nz;
	struct norm_token	 t;
	size_t			 i;

	l->w = xcalloc(n, sizeof(*l->w));
	l->n = n;
	for (i = 0; i < n; i++) {
		l->w[i].text = p[i].text;
		l->w[i].flags = p[i].flags;
		normalize_init(&nz, p[i].text, strlen(p[i].text));
		while (l->w[i].n < ACCUSED_WORDS && normalize_next(&nz,
		    &t) == 1) {
			(void)strlcpy_checked(l->w[i].fold[l->w[i].n], t.fold,
			    NORM_FOLD_MAX);
			l->w[i].acc[l->w[i].n] = t.acc;
			l->w[i].marks[l->w[i].n] = (t.flags & NORM_F_MARKS) != 0;
			l->w[i].n++;
		}
	}
}

/*
 * Returns how many tokens from i match a phrase of the list (the longest),
 * 0 when none.  A word written with accents matches the same accents; one
 * written without matches the fold, unless the phrase wants its accents.
 * A phrase does not run over a clause break.
 */
static size_t
accused_match(const struct accused_ctx *c, size_t i,
    const struct accused_list *l, const struct accused_word **which)
{
	const struct norm_token	*t;
	size_t			 k, best = 0;
	int			 j, ok;

	for (k = 0; k < l->n; k++) {
		const struct accused_word	*w = &l->w[k];

		if (w->n == 0 || i + (size_t)w->n > c->n ||
		    (size_t)w->n <= best)
			continue;
		ok = 1;
		for (j = 0; j < w->n && ok; j++) {
			t = &c->t[i + (size_t)j];
			if (j > 0 && (t->flags & NORM_F_CLAUSE))
				ok = 0;
			else if (t->flags & NORM_F_MARKS)
				ok = t->acc == w->acc[j];
			else
				ok = strcmp(t->fold, w->fold[j]) == 0 &&
				    (!(w->flags & W_ACCENTED) ||
				    !w->marks[j]);
		}
		if (ok) {
			best = (size_t)w->n;
			if (which != NULL)
				*which = w;
		}
	}
	return (best);
}

/* Returns 1 when token i was written with a capital (a name). */
static int
accused_capital(const struct accused_ctx *c, size_t i)
{
	utf8proc_int32_t	 cp;

	if (c->t[i].flags & NORM_F_EXPANDED)
		return (0);
	if (utf8proc_iterate((const utf8proc_uint8_t *)c->text + c->t[i].off,
	    (utf8proc_ssize_t)c->t[i].len, &cp) <= 0)
		return (0);
	return (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU);
}

/*
 * Returns 1 when a harm phrase starts at token i and is not the start of a
 * harmless one; *len is its length.
 */
static int
accused_harm(const struct accused_ctx *c, size_t i, size_t *len)
{
	size_t	 n;

	if ((n = accused_match(c, i, &c->harms, NULL)) == 0)
		return (0);
	if (i + n < c->n && !(c->t[i + n].flags & NORM_F_CLAUSE) &&
	    accused_match(c, i + n, &c->harmless, NULL) > 0)
		return (0);
	*len = n;
	return (1);
}

/*
 * Given a staff phrase at [i, i + n), returns 1 when it is the agent of a
 * harm in its clause, with the harm's place in *h.
 */
static int
accused_is_agent(const struct accused_ctx *c, size_t i, size_t n,
    const struct accused_word *w, size_t *h)
{
	size_t	 j, hl, gap, k;
	int	 first = i == 0 || (c->t[i].flags & NORM_F_CLAUSE);
	int	 passive = 0, titled = 0, named = 0, ambig;

	if (!first && accused_match(c, i - 1, &c->passive, NULL) > 0)
		passive = 1;
	/* "người sờ em là thầy X": the harm came before, in the clause. */
	if (!first && accused_match(c, i - 1, &c->is, NULL) > 0) {
		for (k = i - 1; k-- > 0 && i - 1 - k <= ACCUSED_GAP;) {
			if (c->t[k + 1].flags & NORM_F_CLAUSE)
				break;
			if (accused_harm(c, k, &hl) && (k == 0 ||
			    (c->t[k].flags & NORM_F_CLAUSE) ||
			    accused_match(c, k - 1, &c->negations, NULL) == 0)) {
				*h = k;
				return (1);
			}
		}
	}
	if (!first && !passive &&
	    accused_match(c, i - 1, &c->objects, NULL) > 0)
		return (0);

	if (i + n < c->n && !(c->t[i + n].flags & NORM_F_CLAUSE)) {
		titled = accused_match(c, i + n, &c->titles, NULL) > 0;
		named = accused_capital(c, i + n) &&
		    accused_match(c, i + n, &c->blockers, NULL) == 0;
	}
	ambig = (w->flags & W_AMBIG) && !(c->t[i].flags & NORM_F_MARKS);
	if (w->flags & W_VERBLIKE) {
		/* bảo vệ is "to protect" unless a person word or bị precedes. */
		if (!passive && !first && accused_match(c, i - 1, &c->persons,
		    NULL) == 0)
			return (0);
	} else if (ambig && !passive && !first && !titled && !named)
		return (0);

	for (j = i + n, gap = 0; j < c->n && gap <= ACCUSED_GAP; gap++) {
		if (c->t[j].flags & NORM_F_CLAUSE)
			break;
		if (accused_harm(c, j, &hl)) {
			*h = j;
			return (1);
		}
		if (accused_match(c, j, &c->blockers, NULL) > 0)
			break;
		/* A second staff word (thầy hiệu trưởng) or a title: skip it. */
		if ((k = accused_match(c, j, &c->titles, NULL)) > 0 ||
		    (k = accused_match(c, j, &c->staff, NULL)) > 0)
			j += k;
		else
			j++;
	}
	return (0);
}

/* Appends word (after a space unless first) to why, if it still fits. */
static void
accused_append(char *why, size_t whysz, const char *word)
{
	size_t	 len = strlen(why);

	if (len + (len > 0) + strlen(word) < whysz)
		(void)snprintf(why + len, whysz - len, "%s%s", len > 0 ?
		    " " : "", word);
}

/* Writes "STAFF -> HARM" (folded words) into why, as much as fits. */
static void
accused_why(const struct accused_ctx *c, size_t s, size_t sn, size_t h,
    size_t hn, char *why, size_t whysz)
{
	size_t	 k;

	if (why == NULL || whysz == 0)
		return;
	why[0] = '\0';
	for (k = s; k < s + sn && k < c->n; k++)
		accused_append(why, whysz, c->t[k].fold);
	accused_append(why, whysz, "->");
	for (k = h; k < h + hn && k < c->n; k++)
		accused_append(why, whysz, c->t[k].fold);
}

/*
 * Returns 1 when text names school staff as the one who hurts, and writes
 * the words that said so ("thay -> danh") into why; 0 otherwise.
 */
int
accused_is_staff(const char *text, char *why, size_t whysz)
{
	struct accused_ctx		 c;
	struct normalizer		 nz;
	const struct accused_word	*w = NULL;
	size_t				 cap = 64, i, n, h = 0, hn;
	int				 found = 0;

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (text == NULL)
		return (0);
	memset(&c, 0, sizeof(c));
	c.text = text;
	c.t = xcalloc(cap, sizeof(*c.t));
	normalize_init(&nz, text, strlen(text));
	while (normalize_next(&nz, &c.t[c.n]) == 1)
		if (++c.n == cap) {
			c.t = xreallocarray(c.t, cap, 2 * sizeof(*c.t));
			cap *= 2;
		}
	LOAD(c.staff, accused_staff);
	LOAD(c.titles, accused_titles);
	LOAD(c.persons, accused_persons);
	LOAD(c.passive, accused_passive);
	LOAD(c.is, accused_is);
	LOAD(c.objects, accused_objects);
	LOAD(c.blockers, accused_blockers);
	LOAD(c.negations, accused_negations);
	LOAD(c.harms, accused_harms);
	LOAD(c.harmless, accused_harmless);

	for (i = 0; i < c.n && !found; i++) {
		if ((n = accused_match(&c, i, &c.staff, &w)) == 0)
			continue;
		if (accused_is_agent(&c, i, n, w, &h)) {
			found = 1;
			if (!accused_harm(&c, h, &hn))
				hn = 1;
			accused_why(&c, i, n, h, hn, why, whysz);
		}
	}
	free(c.t);
	free(c.staff.w);
	free(c.titles.w);
	free(c.persons.w);
	free(c.passive.w);
	free(c.is.w);
	free(c.objects.w);
	free(c.blockers.w);
	free(c.negations.w);
	free(c.harms.w);
	free(c.harmless.w);
	return (found);
}
