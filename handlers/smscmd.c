/*
 * tinbao: the SMS command grammar (SPEC section 4), pure code.
 *
 * Parses the start of a message into a command: a responder's NHAN, TL,
 * XONG, TT with a case code and an optional PIN; a teacher's category code
 * with an optional KC; a reporter's follow-up (a case code first); STOP,
 * START, HD/HELP.  Whether the sender may use the command is the handlers'
 * business, not the parser's.
 *
 * Responders type in a hurry, so the grammar forgives what they do
 * (issue 15): case and diacritics ("Nhận"), a leading '#', punctuation
 * between and after the words ("nhan: 4euq.", "(4EUQ)"), fillers in front
 * ("ok da nhan 4EUQ"), the verb after the code ("4EUQ nhan", "4EUQ da
 * xong roi"), "ok" as the verb ("4EUQ ok"), and a missing space
 * ("nhan4euq", "4euqnhan", "blkc").  The PIN follows the code, or the verb
 * when the code came first ("4EUQ nhan 4821", "4EUQ 4821 nhan").  What stays ambiguous is
 * not a command: two case codes ("nhan 4EUQ 3RFY"), a code that cannot be
 * one (an O, a 1, no digit), a verb without a code.
 *
 * The text is cut into words at spaces and ASCII punctuation; each word is
 * folded (text_unaccent, upper case) for matching, and keeps where it
 * stands in the text, so that rest points into what the sender typed.
 */
#include <ctype.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

#define SMSCMD_WORDS	12	/* words looked at; the rest is text */
#define SMSCMD_WORDLEN	24	/* longer words match nothing */

#define SMSCMD_F_ALONE	0x01	/* counts only as the whole message */
#define SMSCMD_F_CASE	0x02	/* takes a case code */

static const struct {
	const char	*word;
	enum smscmd_type type;
	int		 flags;
} smscmd_words[] = {
	{ .word = "NHAN", .type = SMSCMD_NHAN, .flags = SMSCMD_F_CASE },
	{ .word = "TL", .type = SMSCMD_TL, .flags = SMSCMD_F_CASE },
	{ .word = "TRALOI", .type = SMSCMD_TL, .flags = SMSCMD_F_CASE },
	{ .word = "XONG", .type = SMSCMD_XONG, .flags = SMSCMD_F_CASE },
	{ .word = "TT", .type = SMSCMD_TT, .flags = SMSCMD_F_CASE },
	{ .word = "STOP", .type = SMSCMD_STOP, .flags = SMSCMD_F_ALONE },
	{ .word = "START", .type = SMSCMD_START, .flags = SMSCMD_F_ALONE },
	{ .word = "HD", .type = SMSCMD_HELP, .flags = SMSCMD_F_ALONE },
	{ .word = "HELP", .type = SMSCMD_HELP, .flags = SMSCMD_F_ALONE },
	/* A reporter's self-escalation (h_selfesc.c): a case code must follow. */
	{ .word = "KC", .type = SMSCMD_KC, .flags = SMSCMD_F_CASE },
	{ .word = "GAP", .type = SMSCMD_KC, .flags = SMSCMD_F_CASE },
};

/* Words a hurried "yes, got it" puts around a command: ok, đã, rồi. */
static const char *smscmd_fillers[] = { "OK", "OKE", "OKI", "OKAY", "DA",
    "ROI", "VANG", NULL };

/*
 * Two-consonant abbreviations a teacher's free text may start with, that
 * are not a mistyped category code (see smscmd_badcode): học sinh, giáo
 * viên, bảo vệ, phụ huynh, hiệu trưởng, tư vấn, cán bộ, ...
 */
static const char *smscmd_abbrev[] = { "HS", "GV", "BV", "PH", "HT", "TV",
    "CB", "TP", "XM", "ND", "CS", "GD", "DT", "SD", "BC", "NV", "PCT", NULL };

struct smscmd_word {
	const char	*start;		/* in the text */
	const char	*end;
	char		 w[SMSCMD_WORDLEN];	/* folded, upper case */
};

static int	smscmd_sep(unsigned char);
static int	smscmd_split(const char *, struct smscmd_word *, int);
static const char *smscmd_after(const char *);
static int	smscmd_is_pin(const char *);
static int	smscmd_in(const char *, const char **);
static int	smscmd_verb(const char *, int);
static int	smscmd_glued(const char *, int *, char *, size_t);
static int	smscmd_verb_at(const struct smscmd_word *, int, int, int *);
static int	smscmd_case(const struct smscmd_word *, int, struct smscmd *);
static int	smscmd_teacher(const struct smscmd_word *, int,
		    struct smscmd *);
static int	smscmd_is_kc(const struct smscmd_word *, int, int);
static int	smscmd_badcode(const struct smscmd_word *, int);

/* Returns 1 for the bytes that separate words: spaces and ASCII marks. */
static int
smscmd_sep(unsigned char c)
{
	return (c <= ' ' || (c < 0x80 && strchr("#.,:;!?()[]{}\"'*-/\\_=+<>|~`",
	    c) != NULL));
}

/* Cuts text into at most max words; returns how many. */
static int
smscmd_split(const char *text, struct smscmd_word *w, int max)
{
	const char	*p = text, *e;
	char		 raw[SMSCMD_WORDLEN * 4];
	size_t		 n, i;
	int		 k = 0;

	while (k < max) {
		while (*p != '\0' && smscmd_sep((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && !smscmd_sep((unsigned char)*e); e++)
			;
		w[k].start = p;
		w[k].end = e;
		w[k].w[0] = '\0';
		n = (size_t)(e - p);
		if (n < sizeof(raw)) {
			memcpy(raw, p, n);
			raw[n] = '\0';
			if (text_unaccent(raw, w[k].w, sizeof(w[k].w), 0) + 1 >=
			    sizeof(w[k].w))
				w[k].w[0] = '\0';	/* too long: no match */
			for (i = 0; w[k].w[i] != '\0'; i++)
				w[k].w[i] = (char)toupper(
				    (unsigned char)w[k].w[i]);
		}
		k++;
		p = e;
	}
	return (k);
}

/* Skips the spaces and marks after a command's last word. */
static const char *
smscmd_after(const char *p)
{
	while (*p != '\0' && smscmd_sep((unsigned char)*p))
		p++;
	return (p);
}

static int
smscmd_is_pin(const char *w)
{
	size_t	 n = strlen(w), i;

	if (n < 4 || n > 8)
		return (0);
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]))
			return (0);
	return (1);
}

/* Returns 1 when w is one of the NULL-terminated list. */
static int
smscmd_in(const char *w, const char **list)
{
	size_t	 i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(w, list[i]) == 0)
			return (1);
	return (0);
}

/* Returns the index in smscmd_words of a word with these flags, or -1. */
static int
smscmd_verb(const char *w, int flags)
{
	size_t	 i;

	for (i = 0; i < sizeof(smscmd_words) / sizeof(smscmd_words[0]); i++)
		if ((smscmd_words[i].flags & flags) &&
		    strcmp(w, smscmd_words[i].word) == 0)
			return ((int)i);
	return (-1);
}

/*
 * A verb and a case code without the space ("NHAN4EUQ", "4EUQNHAN"):
 * returns the verb's index and writes the code, or -1.  "TT4EUQ" is also
 * a 6-character code's shape; the command wins, and casecode.c never
 * makes a code of that shape.
 */
static int
smscmd_glued(const char *w, int *code_first, char *code, size_t codesz)
{
	size_t	 i, n = strlen(w), vn;
	char	 buf[SMSCMD_WORDLEN];

	for (i = 0; i < sizeof(smscmd_words) / sizeof(smscmd_words[0]); i++) {
		if (!(smscmd_words[i].flags & SMSCMD_F_CASE))
			continue;
		vn = strlen(smscmd_words[i].word);
		if (n <= vn)
			continue;
		if (strncmp(w, smscmd_words[i].word, vn) == 0 &&
		    casecode_normalize(w + vn, code, codesz) == 0) {
			*code_first = 0;
			return ((int)i);
		}
		(void)strlcpy_checked(buf, w, sizeof(buf));
		if (strcmp(buf + n - vn, smscmd_words[i].word) == 0) {
			buf[n - vn] = '\0';
			if (casecode_normalize(buf, code, codesz) == 0) {
				*code_first = 1;
				return ((int)i);
			}
		}
	}
	code[0] = '\0';
	return (-1);
}

/*
 * A verb at word i: returns its index in smscmd_words and sets *used to
 * the words it took ("TRA LOI" is two), or -1.
 */
static int
smscmd_verb_at(const struct smscmd_word *w, int n, int i, int *used)
{
	int	 v;

	*used = 1;
	if (i >= n)
		return (-1);
	if ((v = smscmd_verb(w[i].w, SMSCMD_F_CASE)) != -1)
		return (v);
	if (i + 1 < n && strcmp(w[i].w, "TRA") == 0 &&
	    strcmp(w[i + 1].w, "LOI") == 0) {
		*used = 2;
		return (smscmd_verb("TL", SMSCMD_F_CASE));
	}
	return (-1);
}

/*
 * A responder's command: [fillers] VERB CODE [PIN] or CODE [fillers]
 * VERB [PIN], "ok" standing for NHAN.  Fills cmd and returns its type;
 * SMSCMD_FOLLOWUP for a code first and no verb; SMSCMD_NONE when the
 * words are no command.
 */
static int
smscmd_case(const struct smscmd_word *w, int n, struct smscmd *cmd)
{
	int	 v, ok = 0, i = 0, j, used, code_first = 0, pin = -1;

	for (; i < n && smscmd_in(w[i].w, smscmd_fillers); i++)
		ok |= strncmp(w[i].w, "OK", 2) == 0;
	if (i == n)
		return (SMSCMD_NONE);
	if ((v = smscmd_glued(w[i].w, &code_first, cmd->code,
	    sizeof(cmd->code))) != -1) {
		if (code_first)
			cmd->followup = smscmd_after(w[i].end);
		i++;
	} else if ((v = smscmd_verb_at(w, n, i, &used)) != -1) {
		/* VERB CODE */
		i += used;
		if (i == n || casecode_normalize(w[i].w, cmd->code,
		    sizeof(cmd->code)) == -1)
			return (SMSCMD_NONE);
		i++;
	} else if (casecode_normalize(w[i].w, cmd->code,
	    sizeof(cmd->code)) == 0) {
		/* CODE [fillers] VERB; a code first and text: a follow-up */
		code_first = 1;
		cmd->followup = smscmd_after(w[i].end);
		j = i;
		for (i++; i < n && smscmd_in(w[i].w, smscmd_fillers); i++)
			ok |= strncmp(w[i].w, "OK", 2) == 0;
		/* "4EUQ 4821 nhan": the PIN between code and verb. */
		if (i + 1 < n && smscmd_is_pin(w[i].w) &&
		    smscmd_verb_at(w, n, i + 1, &used) != -1) {
			pin = i++;
			v = smscmd_verb_at(w, n, i, &used);
			i += used;
		} else if ((v = smscmd_verb_at(w, n, i, &used)) != -1)
			i += used;
		else if (ok && (i == n || smscmd_is_pin(w[i].w)))
			v = smscmd_verb("NHAN", SMSCMD_F_CASE);
		else if (j == 0) {
			cmd->rest = cmd->followup;
			return (SMSCMD_FOLLOWUP);
		} else
			return (SMSCMD_NONE);
	} else
		return (SMSCMD_NONE);
	cmd->code_first = code_first;
	cmd->rest = cmd->rest_after_pin = smscmd_after(w[i - 1].end);
	if (pin != -1) {
		/* rest keeps the PIN: it is where a PIN-less sender's text is. */
		(void)strlcpy_checked(cmd->pin, w[pin].w, sizeof(cmd->pin));
		cmd->rest = w[pin].start;
	} else if (i < n && smscmd_is_pin(w[i].w)) {
		(void)strlcpy_checked(cmd->pin, w[i].w, sizeof(cmd->pin));
		cmd->rest_after_pin = smscmd_after(w[i].end);
		i++;
	}
	/*
	 * Two codes: which one was meant is not ours to guess.  After TL
	 * and XONG only the next word counts: the rest is free text.
	 */
	for (j = i; j < n; j++)
		if (casecode_is_valid(w[j].w) && (j == i ||
		    smscmd_words[v].type == SMSCMD_NHAN ||
		    smscmd_words[v].type == SMSCMD_TT))
			return (SMSCMD_NONE);
	return (smscmd_words[v].type);
}

/* Returns how many words from i say "urgent": KC, KHANCAP, KHAN CAP. */
static int
smscmd_is_kc(const struct smscmd_word *w, int n, int i)
{
	if (i >= n)
		return (0);
	if (strcmp(w[i].w, "KC") == 0 || strcmp(w[i].w, "KHANCAP") == 0 ||
	    strcmp(w[i].w, "GAP") == 0)
		return (1);
	if (i + 1 < n && strcmp(w[i].w, "KHAN") == 0 &&
	    strcmp(w[i + 1].w, "CAP") == 0)
		return (2);
	return (0);
}

/*
 * A teacher's "<CODE> [KC] details", also "KC <CODE>", "<CODE>KC".
 * Returns SMSCMD_CATEGORY or SMSCMD_NONE.
 */
static int
smscmd_teacher(const struct smscmd_word *w, int n, struct smscmd *cmd)
{
	const struct category	*cat;
	char			 buf[SMSCMD_WORDLEN];
	size_t			 len;
	int			 i = 0, k;

	if ((k = smscmd_is_kc(w, n, 0)) > 0 && k < n &&
	    category_by_teacher(w[k].w) != NULL) {
		cmd->urgent = 1;
		i = k;
	}
	if (i >= n)
		return (SMSCMD_NONE);
	if ((cat = category_by_teacher(w[i].w)) == NULL) {
		len = strlen(w[i].w);
		if (len != 4 || strcmp(w[i].w + 2, "KC") != 0)
			return (SMSCMD_NONE);
		(void)strlcpy_checked(buf, w[i].w, sizeof(buf));
		buf[2] = '\0';
		if ((cat = category_by_teacher(buf)) == NULL)
			return (SMSCMD_NONE);
		cmd->urgent = 1;
	}
	cmd->category = cat->code;
	cmd->rest = smscmd_after(w[i].end);
	if ((k = smscmd_is_kc(w, n, i + 1)) > 0) {
		cmd->urgent = 1;
		cmd->rest = smscmd_after(w[i + k].end);
	}
	return (SMSCMD_CATEGORY);
}

/*
 * A first word that looks like a teacher's code and is none ("ZZ", "BX
 * hs danh nhau"): two letters, both consonants (every Vietnamese word has
 * a vowel, every code but YT has none), neither a command nor a common
 * abbreviation (HS, GV, ...).  Case does not matter.  Returns 1.
 */
static int
smscmd_badcode(const struct smscmd_word *w, int n)
{
	const char	*p;

	(void)n;
	if (strlen(w[0].w) != 2 || w[0].end - w[0].start != 2 ||
	    smscmd_in(w[0].w, smscmd_abbrev) ||
	    smscmd_verb(w[0].w, SMSCMD_F_CASE | SMSCMD_F_ALONE) != -1)
		return (0);
	for (p = w[0].w; *p != '\0'; p++)
		if (!isalpha((unsigned char)*p) || strchr("AEIOU", *p) != NULL)
			return (0);
	return (1);
}

/*
 * Parses text into cmd.  Returns the command's type (SMSCMD_NONE for free
 * text, cmd->rest then the whole text).  cmd->rest points into text after
 * the command's words.
 */
enum smscmd_type
smscmd_parse(const char *text, struct smscmd *cmd)
{
	struct smscmd_word	 w[SMSCMD_WORDS];
	int			 n, v, t;

	memset(cmd, 0, sizeof(*cmd));
	cmd->rest = text;
	if ((n = smscmd_split(text, w, SMSCMD_WORDS)) == 0)
		return (SMSCMD_NONE);

	/* STOP, START, HD: only the word alone ("stop bắt nạt em" is not). */
	if ((v = smscmd_verb(w[0].w, SMSCMD_F_ALONE)) != -1) {
		if (n > 1)
			return (SMSCMD_NONE);
		cmd->type = smscmd_words[v].type;
		cmd->rest = smscmd_after(w[0].end);
		return (cmd->type);
	}
	if ((t = smscmd_case(w, n, cmd)) != SMSCMD_NONE) {
		cmd->type = t;
		return (cmd->type);
	}
	memset(cmd, 0, sizeof(*cmd));
	cmd->rest = text;
	if (smscmd_teacher(w, n, cmd) == SMSCMD_CATEGORY) {
		cmd->type = SMSCMD_CATEGORY;
		return (cmd->type);
	}
	memset(cmd, 0, sizeof(*cmd));
	cmd->rest = text;
	if (smscmd_badcode(w, n)) {
		cmd->type = SMSCMD_BADCODE;
		cmd->rest = smscmd_after(w[0].end);
		return (cmd->type);
	}
	return (SMSCMD_NONE);
}
