/*
 * tinbao: the report classifier (SPEC section 5).
 *
 * Tables.  Every rule is a phrase row: category, kind, weight, phrase, the
 * same four fields as handlers/keywords.txt and the `keywords` table.  The
 * kinds are:
 *   keyword    evidence for its category, worth weight.
 *   weapon     a keyword (usually violence) that also makes the report
 *              urgent.
 *   negative   a harmless context ("đánh giá", "đám đông"): cancels every
 *              keyword, weapon, help, now and negation match lying inside
 *              it whose category is the row's, or any when it is `any`.
 *   negation   "không", "chưa", "không hề có": cancels a keyword, weapon,
 *              help or now match that starts inside it (after its first
 *              word), right after it or one word later, in the same clause
 *              ("không có ma túy", "ko bị đánh"); a match that starts on
 *              the negation's first word is not cancelled, so a keyword may
 *              itself begin with "không" ("không muốn sống").  Whatever
 *              lies inside a cancelled match is cancelled too.
 *   help       a call for help ("cứu", "khẩn cấp", "KC"): urgent.
 *   now        happening now ("đang", "bây giờ"): urgent only near an
 *              incident (below).
 *   many       several pupils are affected ("nhiều bạn", "cả lớp"): urgent
 *              for a category whose rule says so (health, category.c).
 *   level      a school level word; its category is TH, THCS, THPT, MN or
 *              GDTX ("cấp 2", "c2", "trung học cơ sở").
 *   schoolword "trường", "trg".
 *   admin      "huyện", "xã", "thị trấn": a place after them is a commune,
 *              not a school, unless a level word or "trường" says so.
 *   context    a harmless setting for the whole message ("diễn tập",
 *              "tập huấn", "hội thi" for fire): cancels every match of its
 *              category anywhere in the text, as a negative does inside
 *              itself.  Only for settings that cannot hold the incident
 *              itself (a drill's smoke); a report that slips through so
 *              still has its case and reaches the Bureau by the triage
 *              net.
 * Weights only matter for keyword and weapon rows; other kinds take 0.
 *
 * Matching.  Phrases are folded token sequences.  Each token of the text is
 * looked up in the vocabulary (every word of every phrase); a word that is
 * not there is retried squeezed ("cuuuu" -> "cu", then "cuu") and with teen
 * consonants undone ("fai" -> "phai").  Token ids drive one Aho-Corasick
 * automaton over all phrases, so the text is read once whatever the number
 * of rows.  A match is then graded against the accented forms: EXACT when
 * every token has the phrase's accents, PLAIN when the differing tokens were
 * written without accents (or came from teen spelling or squeezing), and it
 * is dropped when the writer used accents that differ ("đám" is not "đâm").
 * In a text written with diacritics (half its words or more carry a mark,
 * cls_accented()) every word is read as written: an unaccented word there
 * only matches the same unaccented word, so "dang" is not "đang"; folded
 * matching is for unaccented texts.
 *
 * Decision, in order:
 *  1. negative rows, then negation rows, cancel matches as above;
 *  2. a keyword or weapon match lying strictly inside a longer one is not
 *     counted (the longest phrase wins: "dao lam" over "dao");
 *  3. each category scores the sum of weight * (1.0 EXACT, 0.9 PLAIN) of its
 *     remaining matches; the highest score wins when it is at least
 *     CLS_THRESHOLD, otherwise the category is `other`; ties go to the more
 *     serious category (the rank of category.c's table: self_harm,
 *     sexual_abuse, fire, violence, health, drugs, theft, bullying,
 *     traffic);
 *  4. urgent when the table says the category always is (sexual_abuse,
 *     self_harm, fire); or a weapon match remains; or a help match remains;
 *     or the category is urgent when several pupils are affected (health)
 *     and a many match remains; or a now match remains
 *     with an incident in the same clause: a keyword or weapon match of any
 *     category and a weight of at least CLS_NOW_WEIGHT ("cổng trường" is a
 *     place, not an incident) that starts at most CLS_NOW_AFTER tokens
 *     after the now match or ends at most CLS_NOW_BEFORE tokens before it,
 *     the now match not being itself part of a keyword ("đăng lên mạng"
 *     folds to "dang ...").  "đang" is everywhere ("em đang học lớp 7"),
 *     so it only counts next to an incident word, and the tables cancel its
 *     usual harmless uses ("đang học"); "giúp em với" is a now word for the
 *     same reason (homework).  A count of 2 or more right before a word for
 *     pupils ("12 cháu", "5-6 em", not "lớp 8 em") is a many match too;
 *  5. the learned second opinion (model.h).  Where the text has
 *     CLS_MODEL_MINTOK words or more besides a school's name, level words
 *     and a grade, and at most CLS_MODEL_MAXTOK words (the model learnt
 *     from SMS, not from pages), and no weapon made it urgent (a weapon's
 *     report is the rules' to name), the category is the one with the
 *     highest log p + CLS_RULES_WEIGHT * log(1 + score): the model's
 *     probability and the rules' score added as evidence, so that strong
 *     rules win over a hesitant model and a sure model over weak rules,
 *     `other` included ("nồi cơm bị khét", burnt rice, is no fire: `other`
 *     is still notified to the Bureau within the triage interval).  The
 *     rules' category stays when it is always urgent (sexual_abuse,
 *     self_harm, fire) with a score of CLS_PROTECT or more.  A category
 *     changed so loses an urgency that was only its category's when the
 *     model's urgency is under CLS_DEMOTE_URGENT, and brings its own
 *     (step 4's table rules).  With fewer words, a report that is not
 *     urgent, with weak rules (under model_weak) in what the model reads
 *     as `other` at model_override, becomes `other` ("not recognised",
 *     first in the triage queue, rather than a wrong category).  Then a
 *     report with a category that is still not urgent becomes urgent
 *     ("model") when the model's urgency is at least model_urgent, except
 *     health (SPEC 5: several pupils or now); and a report made urgent by
 *     a now match alone is not urgent when the model's urgency is under
 *     CLS_NOW_VETO ("bị đánh tháng trước, nhà trường đang giải quyết").
 *     The model never names a category whose keyword a negation or a
 *     context row dismissed ("không có ma túy" is not drugs): the rules
 *     have read those words.  A longer negative row around a keyword
 *     ("đánh giá") only stops the rules counting it, and a negative row of
 *     exactly the same words is another reading of them (unaccented "lua"
 *     is lúa, rice, or lửa, fire): the model may read the rest.  `matched`
 *     lists only the rules' phrases.  The confidence is the model's
 *     probability p of the final category, raised by the rules'
 *     strength s = 1 - exp(-score) when they chose it: 1 - (1 - p)(1 - s);
 *     without a model, s (or CLS_OTHER_CONFIDENCE for `other`).
 *
 * Schools.  classifier_compile() strips "Trường" and the level words from
 * each school's name and aliases; what is left is a place ("Mỹ Phú"), and a
 * place may name several schools.  The school code itself is a phrase too.
 * A place match picks, best first: the school named by its code (5); the
 * school of the place whose level is given by a level word just before the
 * place, an admin word allowed in between ("THCS xã Mỹ Phú"), or just
 * after it ("Nhị Thành cấp 2") (4); the only
 * school of the place, after "trường" (3) or bare (2); the one school of
 * the place whose level fits the grade the text gives ("lớp 7" is THCS) (2);
 * the only school of the place when the given level does not exist (1).
 * A bare place with several schools and no level or grade picks nothing and
 * sets school_ambiguous: a wrong school would send the alert to the wrong
 * principal, while no school still reaches the district police.  A place
 * right after an admin word with no level word is the commune, not a
 * school (the admin rows include landmarks: the bridge, the market, the
 * road of Mỹ Phú).  The best score wins; the first in the text on a tie.
 * With no place, a level word alone names the directory's only school of
 * that level, if it has one ("trường cấp 3" in a district with one THPT)
 * (1).  A class's name gives the grade too ("8A1" is THCS).
 *
 * Threads.  After classifier_compile() nothing is written: classify() keeps
 * all its scratch on the stack (CLS_MATCH_MAX matches; in a text with more,
 * later matches only count when they are a weapon or a cry for help, which
 * makes the report urgent) and allocates nothing.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinbao.h"
#include "normalize.h"
#include "classify.h"
#include "category.h"
#include "model.h"

#define CLS_PHRASE_MAXTOK	8
#define CLS_RING		16	/* > CLS_PHRASE_MAXTOK, power of 2 */
#define CLS_MATCH_MAX		256
#define CLS_THRESHOLD		0.9
#define CLS_PLAIN		0.9
#define CLS_NOW_AFTER		7
#define CLS_NOW_BEFORE		3
#define CLS_NOW_WEIGHT		0.5	/* weaker words are context, not incidents */
#define CLS_VARIANTS		3
#define CLS_WEAK		2.5	/* a rules score the model may overrule */
#define CLS_OTHER_CONFIDENCE	0.5	/* `other` by the rules alone */
#define CLS_MODEL_MINTOK	4	/* fewer words: too little to learn from */
#define CLS_DEMOTE_URGENT	0.50	/* the model's urgency under which a
					   category changed loses its own */
#define CLS_NOW_VETO		0.10	/* the model's urgency under which a
					   now match alone is not urgent */
#define CLS_DEAD_AROUND		1	/* in a longer negative */
#define CLS_DEAD_CONTEXT	4	/* a context in the message */
#define CLS_DEAD_READING	2	/* a negative row of the same words
					   (unaccented "lua": lúa, not lửa) */
#define CLS_DEAD_NEGATED	3	/* after a negation: "không có" */
#define CLS_RULES_WEIGHT	1.0	/* log(1 + score) added to log(p) */
#define CLS_PROTECT		2.5	/* an always-urgent category's rules
					   score the model does not overrule */
#define CLS_MODEL_MAXTOK	200	/* longer: beyond what it learnt from */

enum cls_kind {
	KIND_KEYWORD = 0,
	KIND_WEAPON,
	KIND_NEGATIVE,
	KIND_NEGATION,
	KIND_HELP,
	KIND_NOW,
	KIND_MANY,
	KIND_LEVEL,
	KIND_SCHOOLWORD,
	KIND_ADMIN,
	KIND_CONTEXT,
	KIND_NUSER,		/* kinds below are generated, not rows */
	KIND_PLACE = KIND_NUSER,
	KIND_CODE,
};

static const char *cls_kind_names[KIND_NUSER] = {
	[KIND_KEYWORD] = "keyword",
	[KIND_WEAPON] = "weapon",
	[KIND_NEGATIVE] = "negative",
	[KIND_NEGATION] = "negation",
	[KIND_HELP] = "help",
	[KIND_NOW] = "now",
	[KIND_MANY] = "many",
	[KIND_LEVEL] = "level",
	[KIND_SCHOOLWORD] = "schoolword",
	[KIND_ADMIN] = "admin",
	[KIND_CONTEXT] = "context",
};

/* Rows may name a category of the table (category.c) or `any`. */
#define CAT_ANY		(-1)

enum cls_level {
	LEVEL_NONE = 0,
	LEVEL_MN,
	LEVEL_TH,
	LEVEL_THCS,
	LEVEL_THPT,
	LEVEL_GDTX,
	LEVEL_N,
};

static const char *cls_level_names[LEVEL_N] = {
	[LEVEL_NONE] = "",
	[LEVEL_MN] = "MN",
	[LEVEL_TH] = "TH",
	[LEVEL_THCS] = "THCS",
	[LEVEL_THPT] = "THPT",
	[LEVEL_GDTX] = "GDTX",
};

enum cls_quality {
	QUAL_MISMATCH = 0,
	QUAL_PLAIN,
	QUAL_EXACT,
};

#define CLS_T_PLAIN	0x100	/* ring flag: matched through a variant */

struct cls_phrase {
	int		 kind;		/* enum cls_kind */
	int		 cat;		/* category, CAT_ANY, or level */
	double		 weight;
	char		*fold;		/* tokens joined by spaces */
	int		 agnostic;	/* written without any accent */
	int		 ntok;
	uint32_t	 tok[CLS_PHRASE_MAXTOK];
	uint64_t	 acc[CLS_PHRASE_MAXTOK];
	int		 plain[CLS_PHRASE_MAXTOK];	/* teen-spelt token */
	int		 ref;		/* place or school index */
};

struct cls_word {
	char		*s;
	size_t		 len;
	uint64_t	 h;
};

struct cls_node {
	uint32_t	 fail;
	uint32_t	 dict;		/* next fail-chain node with outputs */
	uint32_t	 edge0;
	uint32_t	 out0;
	uint32_t	 nedge;
	uint32_t	 nout;
};

struct cls_edge {
	uint32_t	 tok;
	uint32_t	 node;
};

struct cls_school {
	char		 code[16];
	char		*name;
	char		*aliases;
	int		 level;
};

struct cls_place {
	char		*fold;
	size_t		 nschool;
	size_t		*schools;
};

struct classifier {
	/* words: id i + 1 is words[i]; slots hold id, 0 when empty */
	struct cls_word		*words;
	size_t			 nwords, capwords;
	uint32_t		*slots;
	size_t			 nslots;

	struct cls_phrase	*phrases;
	size_t			 nphrases, capphrases;
	size_t			 nuser;		/* rows; then generated */

	struct cls_school	*schools;
	size_t			 nschools, capschools;
	struct cls_place	*places;
	size_t			 nplaces;

	/* the automaton, valid when compiled */
	int			 compiled;
	struct cls_node		*nodes;
	size_t			 nnodes;
	struct cls_edge		*edges;
	uint32_t		*outs;

	/* the learned second opinion (model.h); NULL when off */
	const struct model	*model;
	double			 model_override;
	double			 model_weak;
	double			 model_urgent;
};

struct cls_match {
	uint32_t	 ph;
	uint32_t	 start;		/* first token */
	uint32_t	 end;		/* one past the last token */
	uint32_t	 clause;
	uint8_t		 qual;
	uint8_t		 dead;		/* cancelled: CLS_DEAD_* */
	uint8_t		 inner;		/* inside a longer keyword match */
};

struct cls_ring {
	uint64_t	 acc;
	int		 flags;
};

static int	 cls_parse_kind(const char *);
static int	 cls_parse_category(int, const char *);
static int	 cls_parse_level(const char *);
static uint32_t	 cls_word_intern(struct classifier *, const char *, size_t);
static uint32_t	 cls_word_lookup(const struct classifier *, const char *,
		    size_t);
static void	 cls_slots_grow(struct classifier *);
static struct cls_phrase *cls_phrase_new(struct classifier *);
static int	 cls_phrase_tokens(struct classifier *, struct cls_phrase *,
		    const char *);
static void	 cls_uncompile(struct classifier *);
static int	 cls_strip_prefix(const struct classifier *,
		    const struct cls_phrase *, int *);
static void	 cls_add_place(struct classifier *, size_t, const char *);
static void	 cls_build_schools(struct classifier *);
static void	 cls_build_automaton(struct classifier *);
static uint32_t	 cls_goto(const struct classifier *, uint32_t, uint32_t);
static int	 cls_grade(const char *, size_t);
static int	 cls_classname(const char *, size_t);
static int	 cls_number(const char *, size_t);
static int	 cls_count(int, const struct norm_token *);
static int	 cls_quality(const struct cls_phrase *, const struct cls_ring *,
		    uint32_t, int);
static int	 cls_accented(const char *, size_t);
static void	 cls_cancel(const struct classifier *, struct cls_match *,
		    size_t);
static void	 cls_decide(const struct classifier *, struct cls_match *,
		    size_t, double *, struct classify_result *);
static size_t	 cls_ending(const struct classifier *, const struct cls_match *,
		    size_t, uint32_t, int);
static size_t	 cls_starting(const struct classifier *,
		    const struct cls_match *, size_t, uint32_t, int);
static size_t	 cls_content_words(const struct classifier *,
		    const struct cls_match *, size_t, size_t, size_t);
static int	 cls_school_bylevel(const struct classifier *,
		    const struct cls_match *, size_t, size_t *);
static void	 cls_school(const struct classifier *, const struct cls_match *,
		    size_t, int, struct classify_result *);
static int	 cls_urgent_by(const struct classify_result *,
		    const char *);
static void	 cls_second_opinion(const struct classifier *,
		    const struct cls_match *, size_t, size_t, const double *,
		    const struct model_feats *, struct classify_result *);
static int	 cls_combine(const double *, const double *, unsigned int);
static int	 cls_json_str(char **, size_t *, const char *);

/* Returns an empty classifier; load or add rows, then compile it. */
struct classifier *
classifier_new(void)
{
	struct classifier	*c;

	const char		*e;

	c = xcalloc(1, sizeof(*c));
	c->nslots = 1024;
	c->slots = xcalloc(c->nslots, sizeof(*c->slots));
	/* TINBAO_MODEL=0: the rules alone, for comparisons. */
	e = getenv("TINBAO_MODEL");
	classifier_set_model(c, e != NULL && strcmp(e, "0") == 0 ? NULL :
	    &model_builtin, CLASSIFY_MODEL_OVERRIDE,
	    CLASSIFY_MODEL_URGENT);
	return (c);
}

/*
 * Sets the rules' score under which the model may replace their category
 * (CLS_WEAK by default); for the evaluation tool.
 */
void
classifier_set_model_weak(struct classifier *c, double weak)
{
	c->model_weak = weak;
}

/*
 * Sets the learned second opinion (NULL: the rules alone) and how sure it
 * must be: override, the probability of `other` at which it makes a short
 * report with weak rules (a score under CLS_WEAK, or
 * classifier_set_model_weak()) `other`; urgent, the one at which it makes
 * a report urgent.  Longer reports take the combined category (the header
 * comment, step 5).  The model must outlive the classifier.
 */
void
classifier_set_model(struct classifier *c, const struct model *m,
    double override, double urgent)
{
	c->model = m;
	c->model_override = override;
	if (c->model_weak == 0)
		c->model_weak = CLS_WEAK;
	c->model_urgent = urgent;
}

/* Frees the classifier and everything it owns. */
void
classifier_free(struct classifier *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	cls_uncompile(c);
	for (i = 0; i < c->nphrases; i++)
		free(c->phrases[i].fold);
	free(c->phrases);
	for (i = 0; i < c->nwords; i++)
		free(c->words[i].s);
	free(c->words);
	free(c->slots);
	for (i = 0; i < c->nschools; i++) {
		free(c->schools[i].name);
		free(c->schools[i].aliases);
	}
	free(c->schools);
	free(c);
}

static int
cls_parse_kind(const char *s)
{
	int	 k;

	for (k = 0; k < KIND_NUSER; k++)
		if (strcmp(s, cls_kind_names[k]) == 0)
			return (k);
	return (-1);
}

static int
cls_parse_level(const char *s)
{
	int	 l;

	for (l = LEVEL_NONE + 1; l < LEVEL_N; l++)
		if (strcasecmp(s, cls_level_names[l]) == 0)
			return (l);
	return (LEVEL_NONE);
}

/* Returns the category (or level) a row of this kind may name, or -2. */
static int
cls_parse_category(int kind, const char *s)
{
	const struct category	*k;
	int			 c;

	if (kind == KIND_LEVEL) {
		c = cls_parse_level(s);
		return (c == LEVEL_NONE ? -2 : c);
	}
	if (strcmp(s, "any") == 0)
		return (kind == KIND_KEYWORD || kind == KIND_WEAPON ||
		    kind == KIND_CONTEXT ? -2 : CAT_ANY);
	/* `other` is what no row points to. */
	if ((k = category_find(s)) == NULL || k->id == CATEGORY_OTHER)
		return (-2);
	return (k->id);
}

static void
cls_slots_grow(struct classifier *c)
{
	size_t	 i, j, n = c->nslots * 2;

	free(c->slots);
	c->slots = xcalloc(n, sizeof(*c->slots));
	c->nslots = n;
	for (i = 0; i < c->nwords; i++) {
		j = c->words[i].h & (n - 1);
		while (c->slots[j] != 0)
			j = (j + 1) & (n - 1);
		c->slots[j] = (uint32_t)(i + 1);
	}
}

static uint32_t
cls_word_lookup(const struct classifier *c, const char *s, size_t len)
{
	const struct cls_word	*w;
	uint64_t		 h = normalize_hash(s, len);
	size_t			 j = h & (c->nslots - 1);

	while (c->slots[j] != 0) {
		w = &c->words[c->slots[j] - 1];
		if (w->h == h && w->len == len && memcmp(w->s, s, len) == 0)
			return (c->slots[j]);
		j = (j + 1) & (c->nslots - 1);
	}
	return (0);
}

static uint32_t
cls_word_intern(struct classifier *c, const char *s, size_t len)
{
	struct cls_word	*w;
	uint32_t	 id;
	size_t		 j;

	if ((id = cls_word_lookup(c, s, len)) != 0)
		return (id);
	if (c->nwords == c->capwords) {
		c->capwords = c->capwords == 0 ? 256 : c->capwords * 2;
		c->words = xreallocarray(c->words, c->capwords,
		    sizeof(*c->words));
	}
	w = &c->words[c->nwords++];
	w->s = xstrndup(s, len);
	w->len = len;
	w->h = normalize_hash(s, len);
	if (c->nwords * 2 > c->nslots)
		cls_slots_grow(c);
	else {
		j = w->h & (c->nslots - 1);
		while (c->slots[j] != 0)
			j = (j + 1) & (c->nslots - 1);
		c->slots[j] = (uint32_t)c->nwords;
	}
	return ((uint32_t)c->nwords);
}

static struct cls_phrase *
cls_phrase_new(struct classifier *c)
{
	struct cls_phrase	*p;

	if (c->nphrases == c->capphrases) {
		c->capphrases = c->capphrases == 0 ? 256 : c->capphrases * 2;
		c->phrases = xreallocarray(c->phrases, c->capphrases,
		    sizeof(*c->phrases));
	}
	p = &c->phrases[c->nphrases++];
	memset(p, 0, sizeof(*p));
	return (p);
}

/* Tokenizes text into p; returns 0, or -1 when it is empty or too long. */
static int
cls_phrase_tokens(struct classifier *c, struct cls_phrase *p,
    const char *text)
{
	struct normalizer	 n;
	struct norm_token	 t;
	int			 marks = 0;

	p->ntok = 0;
	normalize_init(&n, text, strlen(text));
	while (normalize_next(&n, &t) == 1) {
		if (p->ntok == CLS_PHRASE_MAXTOK || (t.flags & NORM_F_LONG))
			return (-1);
		p->tok[p->ntok] = cls_word_intern(c, t.fold, t.foldlen);
		p->acc[p->ntok] = t.acc;
		p->plain[p->ntok] = (t.flags & NORM_F_EXPANDED) != 0;
		if (t.flags & NORM_F_MARKS)
			marks = 1;
		p->ntok++;
	}
	if (p->ntok == 0)
		return (-1);
	p->agnostic = !marks;
	p->fold = normalize_fold(text, strlen(text));
	return (0);
}

/*
 * Adds one row (category, kind, weight, phrase), as in keywords.txt and the
 * keywords table; returns -1 with a warning logged when a field is wrong.
 */
int
classifier_add_keyword(struct classifier *c, const char *category,
    const char *kind, double weight, const char *phrase)
{
	struct cls_phrase	*p;
	int			 k, cat;

	if (category == NULL || kind == NULL || phrase == NULL) {
		log_warnx("classify: keyword row with a missing field");
		return (-1);
	}
	if ((k = cls_parse_kind(kind)) == -1) {
		log_warnx("classify: unknown kind \"%s\"", kind);
		return (-1);
	}
	if ((cat = cls_parse_category(k, category)) == -2) {
		log_warnx("classify: category \"%s\" not valid for kind %s",
		    category, kind);
		return (-1);
	}
	if (!isfinite(weight) || weight < 0 || weight > 100) {
		log_warnx("classify: weight %g out of range 0-100", weight);
		return (-1);
	}
	cls_uncompile(c);
	if (c->nphrases != c->nuser) {
		/* Drop generated phrases; compile makes them again. */
		while (c->nphrases > c->nuser)
			free(c->phrases[--c->nphrases].fold);
	}
	p = cls_phrase_new(c);
	p->kind = k;
	p->cat = cat;
	p->weight = weight;
	if (cls_phrase_tokens(c, p, phrase) == -1) {
		free(p->fold);
		c->nphrases--;
		log_warnx("classify: phrase \"%s\" is empty or longer than %d "
		    "words", phrase, CLS_PHRASE_MAXTOK);
		return (-1);
	}
	c->nuser = c->nphrases;
	return (0);
}

/*
 * Parses rows in the keywords.txt format from text (name is for messages);
 * returns 0, or -1 after logging every bad line (good lines are kept).
 */
int
classifier_load_keywords(struct classifier *c, const char *text,
    const char *name)
{
	const char	*line = text, *nl;
	char		 buf[1024], *f[4], *s, *end;
	size_t		 ll;
	int		 lineno = 0, nf, ret = 0;
	double		 w;

	for (; *line != '\0'; line = nl == NULL ? line + ll : nl + 1) {
		lineno++;
		nl = strchr(line, '\n');
		ll = nl == NULL ? strlen(line) : (size_t)(nl - line);
		if (ll >= sizeof(buf)) {
			log_warnx("%s:%d: line too long", name, lineno);
			ret = -1;
			continue;
		}
		memcpy(buf, line, ll);
		buf[ll] = '\0';
		/* Not --ll: ll also moves to the next line, and a last line
		 * ending in a lone CR would never be left. */
		if (ll > 0 && buf[ll - 1] == '\r')
			buf[ll - 1] = '\0';
		s = buf + strspn(buf, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		for (nf = 0; nf < 4 && s != NULL; nf++) {
			f[nf] = s;
			if (nf == 3)
				break;
			if ((s = strchr(s, '\t')) != NULL) {
				*s++ = '\0';
				s += strspn(s, "\t");
			}
		}
		if (nf < 3 || s == NULL) {
			log_warnx("%s:%d: expected category, kind, weight and "
			    "phrase separated by tabs", name, lineno);
			ret = -1;
			continue;
		}
		w = strtod(f[2], &end);
		if (end == f[2] || *end != '\0') {
			log_warnx("%s:%d: bad weight \"%s\"", name, lineno,
			    f[2]);
			ret = -1;
			continue;
		}
		if (classifier_add_keyword(c, f[0], f[1], w, f[3]) == -1) {
			log_warnx("%s:%d: row not added", name, lineno);
			ret = -1;
		}
	}
	return (ret);
}

/* Adds the rows of the built-in keywords.txt. */
int
classifier_load_builtin(struct classifier *c)
{
	return (classifier_load_keywords(c, classifier_builtin_keywords,
	    "keywords.txt"));
}

/*
 * Adds a school of the directory (SPEC section 6): its code, its name with
 * or without "Trường" and the level words, its level (TH, THCS, THPT, MN,
 * GDTX; NULL or "" to take it from the name) and aliases separated by `|`.
 */
int
classifier_add_school(struct classifier *c, const char *code,
    const char *name, const char *level, const char *aliases)
{
	struct cls_school	*s;
	int			 lv = LEVEL_NONE;

	if (code == NULL || *code == '\0' || strlen(code) >= sizeof(s->code) ||
	    name == NULL) {
		log_warnx("classify: school without a code or a name");
		return (-1);
	}
	if (level != NULL && *level != '\0' &&
	    (lv = cls_parse_level(level)) == LEVEL_NONE) {
		log_warnx("classify: school %s: unknown level \"%s\"", code,
		    level);
		return (-1);
	}
	cls_uncompile(c);
	if (c->nschools == c->capschools) {
		c->capschools = c->capschools == 0 ? 16 : c->capschools * 2;
		c->schools = xreallocarray(c->schools, c->capschools,
		    sizeof(*c->schools));
	}
	s = &c->schools[c->nschools++];
	memset(s, 0, sizeof(*s));
	strlcpy_checked(s->code, code, sizeof(s->code));
	s->name = xstrdup(name);
	s->aliases = xstrdup(aliases == NULL ? "" : aliases);
	s->level = lv;
	return (0);
}

static void
cls_uncompile(struct classifier *c)
{
	size_t	 i;

	if (!c->compiled)
		return;
	free(c->nodes);
	free(c->edges);
	free(c->outs);
	c->nodes = NULL;
	c->edges = NULL;
	c->outs = NULL;
	c->nnodes = 0;
	for (i = 0; i < c->nplaces; i++) {
		free(c->places[i].fold);
		free(c->places[i].schools);
	}
	free(c->places);
	c->places = NULL;
	c->nplaces = 0;
	c->compiled = 0;
}

/*
 * Returns how many leading tokens of p are "trường", admin or level words;
 * the last level word seen is stored in *lv.
 */
static int
cls_strip_prefix(const struct classifier *c, const struct cls_phrase *p,
    int *lv)
{
	const struct cls_phrase	*q;
	size_t			 i;
	int			 at = 0, again = 1;

	while (again && at < p->ntok) {
		again = 0;
		for (i = 0; i < c->nuser; i++) {
			q = &c->phrases[i];
			if (q->kind != KIND_LEVEL && q->kind != KIND_SCHOOLWORD)
				continue;
			if (q->ntok > p->ntok - at || memcmp(q->tok,
			    p->tok + at, q->ntok * sizeof(q->tok[0])) != 0)
				continue;
			if (q->kind == KIND_LEVEL)
				*lv = q->cat;
			at += q->ntok;
			again = 1;
			break;
		}
	}
	return (at);
}

/* Records that school si is named by the place spelled text. */
static void
cls_add_place(struct classifier *c, size_t si, const char *text)
{
	struct cls_phrase	 tmp, *p;
	struct cls_place	*pl;
	char			*fold;
	size_t			 i, pi;
	int			 lv = LEVEL_NONE, skip, j;

	memset(&tmp, 0, sizeof(tmp));
	if (cls_phrase_tokens(c, &tmp, text) == -1) {
		free(tmp.fold);
		return;
	}
	free(tmp.fold);
	skip = cls_strip_prefix(c, &tmp, &lv);
	if (skip >= tmp.ntok)
		return;
	if (c->schools[si].level == LEVEL_NONE)
		c->schools[si].level = lv;

	/* The place's fold: the remaining words. */
	{
		size_t	 len = 0, o = 0;

		for (j = skip; j < tmp.ntok; j++)
			len += c->words[tmp.tok[j] - 1].len + 1;
		fold = xmalloc(len);
		for (j = skip; j < tmp.ntok; j++) {
			const struct cls_word *w = &c->words[tmp.tok[j] - 1];

			if (o > 0)
				fold[o++] = ' ';
			memcpy(fold + o, w->s, w->len);
			o += w->len;
		}
		fold[o] = '\0';
	}

	for (pi = 0; pi < c->nplaces; pi++)
		if (strcmp(c->places[pi].fold, fold) == 0)
			break;
	if (pi == c->nplaces) {
		c->places = xreallocarray(c->places, c->nplaces + 1,
		    sizeof(*c->places));
		pl = &c->places[c->nplaces++];
		memset(pl, 0, sizeof(*pl));
		pl->fold = fold;
		p = cls_phrase_new(c);
		p->kind = KIND_PLACE;
		p->cat = CAT_ANY;
		p->agnostic = 1;	/* names are matched without accents */
		p->ntok = tmp.ntok - skip;
		memcpy(p->tok, tmp.tok + skip, p->ntok * sizeof(p->tok[0]));
		p->fold = xstrdup(fold);
		p->ref = (int)pi;
	} else {
		free(fold);
		pl = &c->places[pi];
	}
	for (i = 0; i < pl->nschool; i++)
		if (pl->schools[i] == si)
			return;
	pl->schools = xreallocarray(pl->schools, pl->nschool + 1,
	    sizeof(*pl->schools));
	pl->schools[pl->nschool++] = si;
}

/* Makes the place and code phrases of the schools. */
static void
cls_build_schools(struct classifier *c)
{
	struct cls_phrase	*p;
	char			*a, *s, *tok;
	size_t			 i;

	for (i = 0; i < c->nschools; i++) {
		cls_add_place(c, i, c->schools[i].name);
		a = xstrdup(c->schools[i].aliases);
		for (s = a; (tok = strsep(&s, "|")) != NULL;)
			if (*tok != '\0')
				cls_add_place(c, i, tok);
		free(a);
		p = cls_phrase_new(c);
		if (cls_phrase_tokens(c, p, c->schools[i].code) == -1) {
			free(p->fold);
			c->nphrases--;
			continue;
		}
		p->kind = KIND_CODE;
		p->cat = CAT_ANY;
		p->agnostic = 1;
		p->ref = (int)i;
	}
}

static uint32_t
cls_goto(const struct classifier *c, uint32_t node, uint32_t tok)
{
	const struct cls_node	*n = &c->nodes[node];
	const struct cls_edge	*e = c->edges + n->edge0;
	uint32_t		 lo = 0, hi = n->nedge, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (e[mid].tok == tok)
			return (e[mid].node);
		if (e[mid].tok < tok)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (UINT32_MAX);
}

static int
cls_edge_cmp(const void *a, const void *b)
{
	const struct cls_edge	*x = a, *y = b;

	return (x->tok < y->tok ? -1 : x->tok > y->tok);
}

/*
 * Builds the token trie of all phrases, flattens it into sorted edge
 * arrays, then sets the failure and dictionary links breadth first.
 */
static void
cls_build_automaton(struct classifier *c)
{
	struct tmpedge { uint32_t tok, child, next; } *te = NULL;
	uint32_t	*first, *end, *queue, u, v, f, x, cur;
	size_t		 nte = 0, capte = 0, capn = 1, nn = 1, i, k, ne, no;
	size_t		 qh, qt;
	int		 j;

	first = xcalloc(capn, sizeof(*first));
	first[0] = UINT32_MAX;
	/* An empty table still compiles (to an automaton that matches
	 * nothing); xcalloc refuses a zero size. */
	end = xcalloc(c->nphrases > 0 ? c->nphrases : 1, sizeof(*end));
	for (i = 0; i < c->nphrases; i++) {
		cur = 0;
		for (j = 0; j < c->phrases[i].ntok; j++) {
			uint32_t t = c->phrases[i].tok[j], e;

			for (e = first[cur]; e != UINT32_MAX; e = te[e].next)
				if (te[e].tok == t)
					break;
			if (e != UINT32_MAX) {
				cur = te[e].child;
				continue;
			}
			if (nn == capn) {
				first = xreallocarray(first, capn, 2 *
				    sizeof(*first));
				capn *= 2;
			}
			first[nn] = UINT32_MAX;
			if (nte == capte) {
				capte = capte == 0 ? 256 : capte * 2;
				te = xreallocarray(te, capte, sizeof(*te));
			}
			te[nte].tok = t;
			te[nte].child = (uint32_t)nn;
			te[nte].next = first[cur];
			first[cur] = (uint32_t)nte++;
			cur = (uint32_t)nn++;
		}
		end[i] = cur;
	}

	c->nnodes = nn;
	c->nodes = xcalloc(nn, sizeof(*c->nodes));
	c->edges = xcalloc(nte > 0 ? nte : 1, sizeof(*c->edges));
	c->outs = xcalloc(c->nphrases > 0 ? c->nphrases : 1,
	    sizeof(*c->outs));
	for (u = 0, ne = 0; u < nn; u++) {
		c->nodes[u].edge0 = (uint32_t)ne;
		for (k = first[u]; k != UINT32_MAX; k = te[k].next) {
			c->edges[ne].tok = te[k].tok;
			c->edges[ne].node = te[k].child;
			ne++;
		}
		c->nodes[u].nedge = (uint32_t)ne - c->nodes[u].edge0;
		qsort(c->edges + c->nodes[u].edge0, c->nodes[u].nedge,
		    sizeof(*c->edges), cls_edge_cmp);
	}
	/* Outputs grouped by node, phrases in row order within a node. */
	for (i = 0; i < c->nphrases; i++)
		c->nodes[end[i]].nout++;
	for (u = 0, no = 0; u < nn; u++) {
		c->nodes[u].out0 = (uint32_t)no;
		no += c->nodes[u].nout;
		c->nodes[u].nout = 0;
	}
	for (i = 0; i < c->nphrases; i++) {
		u = end[i];
		c->outs[c->nodes[u].out0 + c->nodes[u].nout++] = (uint32_t)i;
	}

	queue = xcalloc(nn, sizeof(*queue));
	qh = qt = 0;
	c->nodes[0].fail = 0;
	c->nodes[0].dict = UINT32_MAX;
	for (k = 0; k < c->nodes[0].nedge; k++) {
		v = c->edges[c->nodes[0].edge0 + k].node;
		c->nodes[v].fail = 0;
		c->nodes[v].dict = UINT32_MAX;
		queue[qt++] = v;
	}
	while (qh < qt) {
		u = queue[qh++];
		for (k = 0; k < c->nodes[u].nedge; k++) {
			const struct cls_edge *e =
			    &c->edges[c->nodes[u].edge0 + k];

			v = e->node;
			f = c->nodes[u].fail;
			while ((x = cls_goto(c, f, e->tok)) == UINT32_MAX &&
			    f != 0)
				f = c->nodes[f].fail;
			c->nodes[v].fail = x == UINT32_MAX ? 0 : x;
			f = c->nodes[v].fail;
			c->nodes[v].dict = c->nodes[f].nout > 0 ? f :
			    c->nodes[f].dict;
			queue[qt++] = v;
		}
	}
	free(queue);
	free(first);
	free(te);
	free(end);
}

/*
 * Makes the school phrases and the automaton; call it after the last row or
 * school is added and before classify().  Returns 0.
 */
int
classifier_compile(struct classifier *c)
{
	cls_uncompile(c);
	while (c->nphrases > c->nuser)
		free(c->phrases[--c->nphrases].fold);
	cls_build_schools(c);
	cls_build_automaton(c);
	c->compiled = 1;
	return (0);
}

/* Grades a match ending at token pos against the ring of recent tokens. */
static int
cls_quality(const struct cls_phrase *p, const struct cls_ring *ring,
    uint32_t pos, int accented)
{
	const struct cls_ring	*r;
	uint32_t		 start = pos + 1 - (uint32_t)p->ntok;
	int			 i, q = QUAL_EXACT;

	for (i = 0; i < p->ntok; i++) {
		r = &ring[(start + (uint32_t)i) & (CLS_RING - 1)];
		if (i > 0 && (r->flags & NORM_F_CLAUSE))
			return (QUAL_MISMATCH);
		if (p->agnostic || p->plain[i] ||
		    (r->flags & (NORM_F_EXPANDED | CLS_T_PLAIN)))
			q = QUAL_PLAIN;
		else if (r->acc == p->acc[i])
			continue;
		else if ((r->flags & NORM_F_MARKS) || accented)
			return (QUAL_MISMATCH);
		else
			q = QUAL_PLAIN;
	}
	return (q);
}

/*
 * Returns 1 when the text is written with diacritics: at least two words,
 * and half of them, carry a Vietnamese letter or mark (U+00C0-U+01BF,
 * the combining marks, U+1E80-U+1EFF).  A word of such a text is read as
 * written: "dang" there is not "đang".  A plain byte scan, before the
 * tokenizer, so classify() still reads the text once.
 */
static int
cls_accented(const char *text, size_t len)
{
	const unsigned char	*t = (const unsigned char *)text;
	size_t			 i, words = 0, marked = 0;
	int			 inword = 0, mark = 0, letter;

	for (i = 0; i < len; i++) {
		letter = (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= 'A' && t[i] <= 'Z') || t[i] >= 0x80;
		if (!letter) {
			marked += inword && mark;
			inword = 0;
			continue;
		}
		if (!inword) {
			inword = 1;
			mark = 0;
			words++;
		}
		if ((t[i] >= 0xc3 && t[i] <= 0xc6) || t[i] == 0xcc ||
		    t[i] == 0xcd || (t[i] == 0xe1 && i + 1 < len &&
		    (t[i + 1] == 0xba || t[i + 1] == 0xbb)))
			mark = 1;
	}
	marked += inword && mark;
	return (marked >= 2 && marked * 2 >= words);
}

/* Returns the number a digit token spells (at most 1000), or 0. */
static int
cls_number(const char *fold, size_t len)
{
	int	 n = 0;
	size_t	 i;

	for (i = 0; i < len && fold[i] >= '0' && fold[i] <= '9'; i++)
		if ((n = n * 10 + fold[i] - '0') > 1000)
			return (0);
	return (n);
}

/*
 * Returns 1 when a count of 2 or more (num, the number just before, not a
 * grade) stands before a word for pupils: "12 cháu", "5-6 em", "8 HS".
 * Several pupils affected make a health report urgent (the many kind).
 */
static int
cls_count(int num, const struct norm_token *t)
{
	static const char *const pupils[] = {
		"em", "chau", "ban", "dua", "be", "hoc", "nguoi", "hs",
	};
	size_t	 i;

	if (num < 2)
		return (0);
	for (i = 0; i < sizeof(pupils) / sizeof(pupils[0]); i++)
		if (strlen(pupils[i]) == t->foldlen &&
		    memcmp(pupils[i], t->fold, t->foldlen) == 0)
			return (1);
	return (0);
}

/*
 * Is the token a class's name, "8a1", "10a6", "7b": a grade of 1 to 12,
 * one letter a to e, at most two digits?  Pupils name their class so,
 * without "lớp" ("bạn đó học 8A1 Nhị Thành").
 */
static int
cls_classname(const char *fold, size_t len)
{
	size_t	 i = 0, d;

	while (i < len && fold[i] >= '0' && fold[i] <= '9')
		i++;
	if (i == 0 || i > 2 || i == len || fold[i] < 'a' || fold[i] > 'e')
		return (0);
	for (d = ++i; i < len && fold[i] >= '0' && fold[i] <= '9'; i++)
		;
	return (i == len && i - d <= 2);
}

/* Returns the school level the text's "lớp N" / "khối N" points to. */
static int
cls_grade(const char *fold, size_t len)
{
	int	 g = 0;
	size_t	 i;

	for (i = 0; i < len && fold[i] >= '0' && fold[i] <= '9'; i++) {
		g = g * 10 + fold[i] - '0';
		if (g > 12)
			return (LEVEL_NONE);
	}
	if (g >= 1 && g <= 5)
		return (LEVEL_TH);
	if (g >= 6 && g <= 9)
		return (LEVEL_THCS);
	if (g >= 10 && g <= 12)
		return (LEVEL_THPT);
	return (LEVEL_NONE);
}

/* Applies the negative rows, then the negations. */
static void
cls_cancel(const struct classifier *c, struct cls_match *m, size_t n)
{
	const struct cls_phrase	*p, *q;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		p = &c->phrases[m[i].ph];
		if (p->kind != KIND_NEGATIVE && p->kind != KIND_CONTEXT)
			continue;
		for (j = 0; j < n; j++) {
			q = &c->phrases[m[j].ph];
			if (q->kind > KIND_MANY || q->kind == KIND_NEGATIVE)
				continue;
			if (p->cat != CAT_ANY && p->cat != q->cat)
				continue;
			if (p->kind == KIND_NEGATIVE &&
			    m[j].start == m[i].start && m[j].end == m[i].end) {
				/* The same letters read another way. */
				if (m[j].dead == 0)
					m[j].dead = CLS_DEAD_READING;
			} else if (p->kind == KIND_CONTEXT || (m[j].start >=
			    m[i].start && m[j].end <= m[i].end))
				m[j].dead = p->kind == KIND_CONTEXT ?
				    CLS_DEAD_CONTEXT : CLS_DEAD_AROUND;
		}
	}
	for (i = 0; i < n; i++) {
		p = &c->phrases[m[i].ph];
		if (p->kind != KIND_NEGATION || m[i].dead)
			continue;
		for (j = 0; j < n; j++) {
			q = &c->phrases[m[j].ph];
			if (q->kind > KIND_MANY || q->kind == KIND_NEGATIVE ||
			    q->kind == KIND_NEGATION)
				continue;
			if (m[j].clause == m[i].clause &&
			    m[j].start > m[i].start &&
			    m[j].start <= m[i].end + 1)
				m[j].dead = CLS_DEAD_NEGATED;
		}
	}
	/* What lies inside a cancelled match is cancelled with it. */
	for (i = 0; i < n; i++) {
		p = &c->phrases[m[i].ph];
		if (!m[i].dead || p->kind > KIND_MANY ||
		    p->kind == KIND_NEGATIVE || p->kind == KIND_NEGATION)
			continue;
		for (j = 0; j < n; j++) {
			q = &c->phrases[m[j].ph];
			if (q->kind > KIND_MANY || q->kind == KIND_NEGATIVE ||
			    q->kind == KIND_NEGATION)
				continue;
			if (m[j].start >= m[i].start &&
			    m[j].end <= m[i].end && (m[j].dead == 0 ||
			    m[j].dead == CLS_DEAD_READING))
				m[j].dead = m[i].dead;
		}
	}
	/* The longest phrase wins: drop keywords inside longer ones. */
	for (i = 0; i < n; i++) {
		p = &c->phrases[m[i].ph];
		if (m[i].dead || (p->kind != KIND_KEYWORD &&
		    p->kind != KIND_WEAPON))
			continue;
		for (j = 0; j < n; j++) {
			q = &c->phrases[m[j].ph];
			if (j == i || m[j].dead || (q->kind != KIND_KEYWORD &&
			    q->kind != KIND_WEAPON))
				continue;
			if (m[j].start <= m[i].start && m[i].end <= m[j].end &&
			    m[j].end - m[j].start > m[i].end - m[i].start) {
				m[i].inner = 1;
				break;
			}
		}
	}
}

/*
 * Returns the category with the highest score, ties going to the lower
 * rank of the table (the more serious); `other` under CLS_THRESHOLD.
 */
static int
cls_pick(const double *score, double *best)
{
	int	 k, cat = CATEGORY_OTHER;

	*best = 0;
	for (k = 0; k < CATEGORY_OTHER; k++) {
		if (score[k] < 1e-9)
			continue;
		if (score[k] > *best + 1e-9 || (score[k] > *best - 1e-9 &&
		    category_table[k].rank < category_table[cat].rank)) {
			*best = score[k];
			cat = k;
		}
	}
	if (*best < CLS_THRESHOLD - 1e-9) {
		cat = CATEGORY_OTHER;
		*best = 0;
	}
	return (cat);
}

/* Adds a phrase to the result's matched list, once. */
static void
cls_matched(struct classify_result *res, const char *fold)
{
	size_t	 k;

	for (k = 0; k < res->nmatched; k++)
		if (res->matched[k] == fold || strcmp(res->matched[k], fold) == 0)
			return;
	if (k < CLASSIFY_MATCHED_MAX)
		res->matched[res->nmatched++] = fold;
}

/* Picks the category and the urgency from the live matches. */
static void
cls_decide(const struct classifier *c, struct cls_match *m, size_t n,
    double *scores, struct classify_result *res)
{
	const struct cls_phrase	*p, *q;
	const struct category	*k;
	const char		*many = NULL;
	double			 score[CATEGORY_N], best;
	size_t			 i, j;
	int			 weapon = 0, help = 0, now = 0, near;

	memset(score, 0, sizeof(score));
	for (i = 0; i < n; i++) {
		p = &c->phrases[m[i].ph];
		if (m[i].dead || m[i].inner)
			continue;
		switch (p->kind) {
		case KIND_WEAPON:
			weapon = 1;
			/* FALLTHROUGH */
		case KIND_KEYWORD:
			score[p->cat] += p->weight *
			    (m[i].qual == QUAL_EXACT ? 1.0 : CLS_PLAIN);
			break;
		case KIND_HELP:
			help = 1;
			break;
		case KIND_MANY:
			/* Reported only if the category's rule reads it. */
			many = p->fold;
			continue;
		case KIND_NOW:
			/* "đang" inside "đăng lên mạng" is no time word. */
			for (j = 0, near = 0; j < n; j++) {
				q = &c->phrases[m[j].ph];
				if (!m[j].dead && (q->kind == KIND_KEYWORD ||
				    q->kind == KIND_WEAPON) &&
				    m[j].start <= m[i].start &&
				    m[i].end <= m[j].end)
					break;
			}
			if (j < n)
				continue;
			for (j = 0; j < n && !near; j++) {
				q = &c->phrases[m[j].ph];
				if (m[j].dead || m[j].clause != m[i].clause ||
				    (q->kind != KIND_KEYWORD &&
				    q->kind != KIND_WEAPON) ||
				    q->weight < CLS_NOW_WEIGHT)
					continue;
				if ((m[j].start >= m[i].end &&
				    m[j].start - m[i].end <= CLS_NOW_AFTER) ||
				    (m[i].start >= m[j].end &&
				    m[i].start - m[j].end <= CLS_NOW_BEFORE))
					now = 1;
			}
			if (!now)
				continue;
			break;
		default:
			continue;
		}
		cls_matched(res, p->fold);
	}
	memcpy(scores, score, sizeof(score));
	k = &category_table[cls_pick(score, &best)];
	res->category = k->code;
	res->score = best;
	res->many |= many != NULL;
	if (k->flags & CATEGORY_F_URGENT)
		res->urgent_reason = "category";
	else if (weapon)
		res->urgent_reason = "weapon";
	else if (help)
		res->urgent_reason = "help";
	else if (now)
		res->urgent_reason = "now";
	else if (category_is_urgent(k, res->many, now)) {
		res->urgent_reason = "many";
		if (many != NULL)
			cls_matched(res, many);
	}
	res->urgent = res->urgent_reason != NULL;
}

/* Returns a match of a kind that starts at token at, or n. */
static size_t
cls_starting(const struct classifier *c, const struct cls_match *m,
    size_t n, uint32_t at, int kind)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (m[i].start == at && c->phrases[m[i].ph].kind == kind)
			return (i);
	return (n);
}

/* Returns the longest match of a kind that ends at token at, or n. */
static size_t
cls_ending(const struct classifier *c, const struct cls_match *m, size_t n,
    uint32_t at, int kind)
{
	size_t	 i, best = n;

	for (i = 0; i < n; i++) {
		if (m[i].end != at || c->phrases[m[i].ph].kind != kind)
			continue;
		if (best == n || m[i].start < m[best].start)
			best = i;
	}
	return (best);
}

/*
 * Picks the school named in the text, as the header comment says: the
 * words right before a place are read backwards, an admin word first
 * ("THCS xã Mỹ Phú"), then a level word, then "trường".
 */
static void
cls_school(const struct classifier *c, const struct cls_match *m, size_t n,
    int grade, struct classify_result *res)
{
	const struct cls_phrase	*p;
	const struct cls_place	*pl;
	size_t			 i, k, si, pick = 0, found;
	uint32_t		 at;
	int			 best = 0, sc, lv, truong, admin;

	for (i = 0; i < n; i++) {
		p = &c->phrases[m[i].ph];
		sc = 0;
		if (p->kind == KIND_CODE) {
			sc = 5;
			si = (size_t)p->ref;
		} else if (p->kind == KIND_PLACE) {
			/* What stands right before the place? */
			lv = LEVEL_NONE;
			truong = admin = 0;
			at = m[i].start;
			if ((k = cls_ending(c, m, n, at, KIND_ADMIN)) < n) {
				admin = 1;
				at = m[k].start;
			}
			if ((k = cls_ending(c, m, n, at, KIND_LEVEL)) < n) {
				lv = c->phrases[m[k].ph].cat;
				at = m[k].start;
			}
			if (cls_ending(c, m, n, at, KIND_SCHOOLWORD) < n)
				truong = 1;
			/* "Nhị Thành cấp 2": the level after the place. */
			if (lv == LEVEL_NONE && (k = cls_starting(c, m, n,
			    m[i].end, KIND_LEVEL)) < n)
				lv = c->phrases[m[k].ph].cat;
			pl = &c->places[p->ref];
			si = pl->schools[0];
			if (lv != LEVEL_NONE) {
				for (k = 0; k < pl->nschool; k++)
					if (c->schools[pl->schools[k]].level ==
					    lv)
						break;
				if (k < pl->nschool) {
					sc = 4;
					si = pl->schools[k];
				} else if (pl->nschool == 1)
					sc = 1;
			} else if (admin && !truong) {
				sc = 0;
			} else if (pl->nschool == 1) {
				sc = truong ? 3 : 2;
			} else {
				found = 0;
				for (k = 0; k < pl->nschool; k++)
					if (grade != LEVEL_NONE && c->schools[
					    pl->schools[k]].level == grade) {
						found++;
						si = pl->schools[k];
					}
				if (found == 1)
					sc = 2;
				else
					res->school_ambiguous = 1;
			}
		} else
			continue;
		if (sc > best) {
			best = sc;
			pick = si;
		}
	}
	if (best == 0 && !res->school_ambiguous)
		best = cls_school_bylevel(c, m, n, &pick);
	if (best > 0) {
		strlcpy_checked(res->school, c->schools[pick].code,
		    sizeof(res->school));
		res->school_ambiguous = 0;
	}
}

/*
 * No place named: "trường cấp 3", "c3" names the district's school of
 * that level when the directory has exactly one (a district with one
 * THPT).  Returns 1 and stores it, or 0.
 */
static int
cls_school_bylevel(const struct classifier *c, const struct cls_match *m,
    size_t n, size_t *pick)
{
	size_t	 i, k, found, si = 0;
	int	 lv;

	for (i = 0; i < n; i++) {
		if (c->phrases[m[i].ph].kind != KIND_LEVEL)
			continue;
		lv = c->phrases[m[i].ph].cat;
		for (k = found = 0; k < c->nschools; k++)
			if (c->schools[k].level == lv) {
				found++;
				si = k;
			}
		if (found == 1) {
			*pick = si;
			return (1);
		}
	}
	return (0);
}

/*
 * Classifies len bytes of text (any bytes; invalid UTF-8 is skipped) into
 * res.  Returns 0, or -1 when the classifier is not compiled.
 */
int
classify(const struct classifier *c, const char *text, size_t len,
    struct classify_result *res)
{
	struct normalizer	 nz;
	struct norm_token	 t;
	struct cls_ring		 ring[CLS_RING];
	struct cls_match	 m[CLS_MATCH_MAX];
	struct model_feats	 mf;
	int			 late_urgent = 0;
	const struct cls_node	*nd;
	const struct cls_phrase	*p;
	char			 var[NORM_FOLD_MAX];
	size_t			 n = 0;
	uint32_t		 pos = 0, clause = 0, node = 0, id, x, o, k;
	int			 grade = LEVEL_NONE, after_lop = 0, v, q;
	size_t			 gradetok = 0;
	double			 scores[CATEGORY_N];
	int			 accented, num = 0;

	memset(res, 0, sizeof(*res));
	res->category = category_table[CATEGORY_OTHER].code;
	if (c == NULL || !c->compiled)
		return (-1);
	accented = cls_accented(text, len);
	if (c->model != NULL)
		model_feats_init(&mf, c->model->nbuckets);
	normalize_init(&nz, text, len);
	while (normalize_next(&nz, &t) == 1) {
		if (t.flags & NORM_F_CLAUSE) {
			clause++;
			node = 0;
		}
		if (t.flags & NORM_F_LONG)
			id = 0;
		else if ((id = cls_word_lookup(c, t.fold, t.foldlen)) == 0 &&
		    !(t.flags & (NORM_F_DIGIT | NORM_F_EXPANDED))) {
			for (v = 0; v < CLS_VARIANTS && id == 0; v++) {
				if (normalize_variant(t.fold, t.foldlen, v, var,
				    sizeof(var)) == 0 &&
				    (id = cls_word_lookup(c, var,
				    strlen(var))) != 0)
					t.flags |= CLS_T_PLAIN;
			}
		}
		ring[pos & (CLS_RING - 1)].acc = t.acc;
		ring[pos & (CLS_RING - 1)].flags = t.flags;

		if ((after_lop || cls_classname(t.fold, t.foldlen)) &&
		    (t.flags & NORM_F_DIGIT)) {
			/* "lớp 7", "8A1": a grade, like a level word */
			gradetok += after_lop ? 2 : 1;
			if (grade == LEVEL_NONE)
				grade = cls_grade(t.fold, t.foldlen);
		}
		if (c->model != NULL)
			model_token(&mf, &t);
		res->many |= cls_count(num, &t);
		num = (t.flags & NORM_F_DIGIT) && !after_lop ?
		    cls_number(t.fold, t.foldlen) : 0;
		after_lop = (t.foldlen == 3 && memcmp(t.fold, "lop", 3) == 0) ||
		    (t.foldlen == 4 && memcmp(t.fold, "khoi", 4) == 0);

		if (id == 0)
			node = 0;
		else {
			while ((x = cls_goto(c, node, id)) == UINT32_MAX &&
			    node != 0)
				node = c->nodes[node].fail;
			node = x == UINT32_MAX ? 0 : x;
		}
		for (o = node; o != UINT32_MAX && o != 0; o = nd->dict) {
			nd = &c->nodes[o];
			for (k = 0; k < nd->nout; k++) {
				p = &c->phrases[c->outs[nd->out0 + k]];
				q = cls_quality(p, ring, pos, accented);
				if (q == QUAL_MISMATCH)
					continue;
				/*
				 * A text with more than CLS_MATCH_MAX matches
				 * (far beyond any SMS) keeps the first ones for
				 * the category; a weapon or a cry for help
				 * after that still makes it urgent, without the
				 * negation check: a missed urgent report costs
				 * more than a false alarm.
				 */
				if (n == CLS_MATCH_MAX) {
					if (p->kind == KIND_WEAPON ||
					    p->kind == KIND_HELP)
						late_urgent = p->kind;
					continue;
				}
				m[n].ph = c->outs[nd->out0 + k];
				m[n].start = pos + 1 - (uint32_t)p->ntok;
				m[n].end = pos + 1;
				m[n].clause = clause;
				m[n].qual = (uint8_t)q;
				m[n].dead = m[n].inner = 0;
				n++;
			}
		}
		pos++;
	}
	res->ntokens = pos;
	cls_cancel(c, m, n);
	cls_decide(c, m, n, scores, res);
	if (late_urgent != 0 && !res->urgent) {
		res->urgent = 1;
		res->urgent_reason = late_urgent == KIND_WEAPON ? "weapon" :
		    "help";
	}
	cls_second_opinion(c, m, n, gradetok, scores, &mf, res);
	cls_school(c, m, n, grade, res);
	return (0);
}

/*
 * The words of a text that may tell an incident: all of them but those of
 * a school's name, its code, a level word, "trường" and "xã" ("trg tieu
 * hoc my phu" has none) and the gradetok words of grades ("lớp 7", "8A1").
 * Counted exactly up to 64 words; a longer text has enough anyway.
 */
static size_t
cls_content_words(const struct classifier *c, const struct cls_match *m,
    size_t n, size_t ntokens, size_t gradetok)
{
	uint64_t	 named = 0;
	size_t		 i, t, count = 0;
	int		 kind;

	if (ntokens >= 64)
		return (ntokens);
	for (i = 0; i < n; i++) {
		kind = c->phrases[m[i].ph].kind;
		if (kind != KIND_PLACE && kind != KIND_CODE &&
		    kind != KIND_LEVEL && kind != KIND_SCHOOLWORD &&
		    kind != KIND_ADMIN)
			continue;
		for (t = m[i].start; t < m[i].end && t < 64; t++)
			named |= (uint64_t)1 << t;
	}
	for (t = 0; t < ntokens; t++)
		if (!(named & ((uint64_t)1 << t)))
			count++;
	return (count > gradetok ? count - gradetok : 0);
}

/* Whether the report is urgent for that reason alone (urgent_reason). */
static int
cls_urgent_by(const struct classify_result *res, const char *reason)
{
	return (res->urgent && res->urgent_reason != NULL &&
	    strcmp(res->urgent_reason, reason) == 0);
}

/*
 * Lets the model raise the category or the urgency where the rules found
 * nothing or little, then sets the confidence (the header comment).  Where
 * a negative or negation row dismissed a match, the rules have read the
 * text and the model does not overrule them.
 */
static void
cls_second_opinion(const struct classifier *c, const struct cls_match *m,
    size_t n, size_t gradetok, const double *scores,
    const struct model_feats *mf, struct classify_result *res)
{
	const struct category	*k = category_get(res->category), *mk;
	const struct cls_phrase	*ph;
	double			 pcat[CATEGORY_N], purg, s, p;
	size_t			 j;
	unsigned int		 negated = 0;
	int			 ruled;

	/* The rules' own strength: 0.59 at the threshold, 0.86 at 2. */
	s = res->score > 0 ? 1.0 - exp(-res->score) : 0;
	ruled = k->id != CATEGORY_OTHER;
	if (c->model == NULL) {
		res->confidence = ruled ? s : CLS_OTHER_CONFIDENCE;
		return;
	}
	model_score(c->model, mf, pcat, &purg);
	/* A category whose words a negation or a context dismissed ("không
	 * có ma túy"): the rules have read it; the model may not put it
	 * back.  A report made urgent by a weapon is the rules' to name. */
	for (j = 0; j < n; j++) {
		ph = &c->phrases[m[j].ph];
		if ((m[j].dead == CLS_DEAD_NEGATED ||
		    m[j].dead == CLS_DEAD_CONTEXT) && (ph->kind ==
		    KIND_KEYWORD || ph->kind == KIND_WEAPON) && ph->cat >= 0)
			negated |= 1u << ph->cat;
	}
	if (!cls_urgent_by(res, "weapon") &&
	    res->ntokens <= CLS_MODEL_MAXTOK && cls_content_words(c, m, n,
	    res->ntokens, gradetok) >= CLS_MODEL_MINTOK) {
		mk = &category_table[cls_combine(pcat, scores, negated)];
		if (mk->id != k->id && !((k->flags & CATEGORY_F_URGENT) &&
		    res->score >= CLS_PROTECT)) {
			/* Undone with the category, where the model reads
			 * the report as not urgent: its own urgency, and a
			 * now word's when no incident is left. */
			if (purg < CLS_DEMOTE_URGENT &&
			    ((cls_urgent_by(res, "category") &&
			    !(mk->flags & CATEGORY_F_URGENT)) ||
			    (cls_urgent_by(res, "now") &&
			    mk->id == CATEGORY_OTHER))) {
				res->urgent = 0;
				res->urgent_reason = NULL;
			}
			k = mk;
			res->category = k->code;
			res->model = 1;
			ruled = 0;
			if (!res->urgent && category_is_urgent(k, res->many,
			    0)) {
				res->urgent = 1;
				res->urgent_reason = (k->flags &
				    CATEGORY_F_URGENT) ? "category" : "many";
			}
		}
	} else if (ruled && !res->urgent && res->score < c->model_weak &&
	    pcat[CATEGORY_OTHER] >= c->model_override) {
		/* A few weak words in what the model reads as harmless:
		 * not recognised (first in the triage queue). */
		k = &category_table[CATEGORY_OTHER];
		res->category = k->code;
		res->model = 1;
		ruled = 0;
	}
	if (!res->urgent && k->id != CATEGORY_OTHER &&
	    !(k->flags & CATEGORY_F_URGENT_MANY) && purg >= c->model_urgent) {
		res->urgent = 1;
		res->urgent_reason = "model";
		res->model = 1;
	} else if (purg < CLS_NOW_VETO && cls_urgent_by(res, "now")) {
		res->urgent = 0;
		res->urgent_reason = NULL;
		res->model = 1;
	}
	p = pcat[k->id];
	res->confidence = ruled ? 1.0 - (1.0 - p) * (1.0 - s) : p;
}

/*
 * The category that rules and model name together: the highest
 * log(p) + CLS_RULES_WEIGHT * log(1 + score), p the model's probability and
 * score the rules' (0 where they found none), a negated category left out.
 */
static int
cls_combine(const double *pcat, const double *scores, unsigned int negated)
{
	double	 v, bv = -HUGE_VAL;
	int	 i, best = CATEGORY_OTHER;

	for (i = 0; i < CATEGORY_N; i++) {
		if (negated & (1u << i))
			continue;
		v = log(pcat[i] + 1e-9) + CLS_RULES_WEIGHT * log1p(scores[i]);
		if (v > bv) {
			bv = v;
			best = i;
		}
	}
	return (best);
}

/* Appends s to the buffer as a JSON string; returns -1 when it is full. */
static int
cls_json_str(char **bp, size_t *left, const char *s)
{
	char		*b = *bp;
	size_t		 l = *left;
	unsigned char	 ch;
	int		 w;

	if (l < 2)
		return (-1);
	*b++ = '"';
	l--;
	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			if (l < 3)
				return (-1);
			*b++ = '\\';
			*b++ = (char)ch;
			l -= 2;
		} else if (ch < 0x20) {
			w = snprintf(b, l, "\\u%04x", ch);
			if (w < 0 || (size_t)w >= l)
				return (-1);
			b += w;
			l -= (size_t)w;
		} else {
			if (l < 2)
				return (-1);
			*b++ = (char)ch;
			l--;
		}
	}
	if (l < 2)
		return (-1);
	*b++ = '"';
	l--;
	*b = '\0';
	*bp = b;
	*left = l;
	return (0);
}

/*
 * Writes res as one JSON object without a newline into buf; returns 0, or
 * -1 when bufsz is too small.
 */
int
classify_result_json(const struct classify_result *res, char *buf,
    size_t bufsz)
{
	char	*b = buf;
	size_t	 l = bufsz, i;
	int	 w;

#define CLS_PUT(...) do {						\
	w = snprintf(b, l, __VA_ARGS__);				\
	if (w < 0 || (size_t)w >= l)					\
		return (-1);						\
	b += w;								\
	l -= (size_t)w;							\
} while (0)

	if (bufsz == 0)
		return (-1);
	CLS_PUT("{\"category\":");
	if (cls_json_str(&b, &l, res->category) == -1)
		return (-1);
	CLS_PUT(",\"urgent\":%s,\"school\":", res->urgent ? "true" : "false");
	if (res->school[0] == '\0')
		CLS_PUT("null");
	else if (cls_json_str(&b, &l, res->school) == -1)
		return (-1);
	CLS_PUT(",\"matched\":[");
	for (i = 0; i < res->nmatched; i++) {
		if (i > 0)
			CLS_PUT(",");
		if (cls_json_str(&b, &l, res->matched[i]) == -1)
			return (-1);
	}
	CLS_PUT("],\"confidence\":%.2f", res->confidence);
	if (res->urgent_reason != NULL) {
		CLS_PUT(",\"urgent_reason\":");
		if (cls_json_str(&b, &l, res->urgent_reason) == -1)
			return (-1);
	}
	CLS_PUT("}");
#undef CLS_PUT
	return (0);
}

/*
 * Runs `tinbao classify`: classifies each argument, or each line of in when
 * there is none, and prints one JSON line each to out.  Compiles c first
 * when needed.  Returns the exit status (0, or 1 on an output error).
 */
int
classify_cli(struct classifier *c, int argc, char **argv, FILE *in,
    FILE *out)
{
	struct classify_result	 res;
	char			 json[8192], *line = NULL;
	size_t			 cap = 0, len;
	ssize_t			 r;
	int			 i, status = 0;

	if (!c->compiled && classifier_compile(c) == -1)
		return (1);
	for (i = 0; i < argc; i++) {
		if (classify(c, argv[i], strlen(argv[i]), &res) == -1 ||
		    classify_result_json(&res, json, sizeof(json)) == -1 ||
		    fprintf(out, "%s\n", json) < 0)
			status = 1;
	}
	if (argc == 0 && in != NULL) {
		while ((r = getline(&line, &cap, in)) != -1) {
			len = (size_t)r;
			while (len > 0 && (line[len - 1] == '\n' ||
			    line[len - 1] == '\r'))
				len--;
			if (classify(c, line, len, &res) == -1 ||
			    classify_result_json(&res, json,
			    sizeof(json)) == -1 ||
			    fprintf(out, "%s\n", json) < 0)
				status = 1;
		}
		free(line);
		if (ferror(in))
			status = 1;
	}
	if (fflush(out) == EOF)
		status = 1;
	return (status);
}
