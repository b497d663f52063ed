/*
 * tinbao: the SMS command grammar (SPEC section 4), pure code.
 *
 * Parses the start of a message into a command: a responder's NHAN, TL,
 * XONG, TT with a case code and an optional PIN; a teacher's category code
 * with an optional KC; a reporter's follow-up (a case code first); STOP,
 * START, HD/HELP.  Matching is case- and accent-insensitive, a leading '#'
 * and extra spaces are ignored.  Whether the sender may use the command is
 * the handlers' business, not the parser's.
 */
#include <ctype.h>
#include <string.h>

#include "tinbao.h"
#include "category.h"

static const struct {
	const char	*word;
	enum smscmd_type type;
} smscmd_words[] = {
	{ .word = "NHAN", .type = SMSCMD_NHAN },
	{ .word = "TL", .type = SMSCMD_TL },
	{ .word = "XONG", .type = SMSCMD_XONG },
	{ .word = "TT", .type = SMSCMD_TT },
	{ .word = "STOP", .type = SMSCMD_STOP },
	{ .word = "START", .type = SMSCMD_START },
	{ .word = "HD", .type = SMSCMD_HELP },
	{ .word = "HELP", .type = SMSCMD_HELP },
	/* A reporter's self-escalation (h_selfesc.c): a case code must follow. */
	{ .word = "KC", .type = SMSCMD_KC },
	{ .word = "GAP", .type = SMSCMD_KC },
};

/*
 * Takes the next word of s (in the original text) into the folded,
 * upper-case ASCII form; returns a pointer after it and its spaces, and
 * sets *start to where the word began.
 */
static const char *
smscmd_word(const char *s, char *word, size_t wordsz, const char **start)
{
	const char	*e;
	char		 raw[64], *w;
	size_t		 n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
	    *s == '#' || *s == ',' || *s == ':' || *s == '.')
		s++;
	*start = s;
	for (e = s; *e != '\0' && *e != ' ' && *e != '\t' && *e != '\n' &&
	    *e != '\r' && *e != ',' && *e != ':'; e++)
		;
	n = (size_t)(e - s);
	if (n >= sizeof(raw))
		n = sizeof(raw) - 1;
	memcpy(raw, s, n);
	raw[n] = '\0';
	(void)text_unaccent(raw, word, wordsz, 0);
	for (w = word; *w != '\0'; w++)
		*w = toupper((unsigned char)*w);
	while (*e == ' ' || *e == '\t' || *e == '\n' || *e == '\r' ||
	    *e == ',' || *e == ':')
		e++;
	return (e);
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

/*
 * Parses text into cmd.  Returns the command's type (SMSCMD_NONE for free
 * text).  cmd->rest points into text after the command's words.
 */
enum smscmd_type
smscmd_parse(const char *text, struct smscmd *cmd)
{
	const struct category	*cat;
	const char		*p, *q, *start;
	char			 w[64], w2[64], w3[64];
	size_t			 i;

	memset(cmd, 0, sizeof(*cmd));
	cmd->rest = text;
	p = smscmd_word(text, w, sizeof(w), &start);

	for (i = 0; i < sizeof(smscmd_words) / sizeof(smscmd_words[0]); i++) {
		if (strcmp(w, smscmd_words[i].word) != 0)
			continue;
		cmd->type = smscmd_words[i].type;
		if (cmd->type == SMSCMD_STOP || cmd->type == SMSCMD_START ||
		    cmd->type == SMSCMD_HELP) {
			/* Only the word alone: "stop bắt nạt em" is a report. */
			if (*p != '\0') {
				cmd->type = SMSCMD_NONE;
				return (SMSCMD_NONE);
			}
			cmd->rest = p;
			return (cmd->type);
		}
		/* A responder's command needs a case code next. */
		q = smscmd_word(p, w2, sizeof(w2), &start);
		if (casecode_normalize(w2, cmd->code, sizeof(cmd->code)) == -1) {
			cmd->type = SMSCMD_NONE;
			return (SMSCMD_NONE);
		}
		cmd->rest = q;
		/* A PIN may follow; whether one is needed is the sender's. */
		p = smscmd_word(q, w3, sizeof(w3), &start);
		if (smscmd_is_pin(w3)) {
			(void)strlcpy_checked(cmd->pin, w3, sizeof(cmd->pin));
			cmd->rest_after_pin = p;
		} else
			cmd->rest_after_pin = q;
		return (cmd->type);
	}

	/* A case code first: a follow-up to that case. */
	if (casecode_normalize(w, cmd->code, sizeof(cmd->code)) == 0) {
		cmd->type = SMSCMD_FOLLOWUP;
		cmd->rest = p;
		return (cmd->type);
	}
	cmd->code[0] = '\0';

	/* A category code first (category.c's teacher codes): a report. */
	if ((cat = category_by_teacher(w)) != NULL) {
		cmd->type = SMSCMD_CATEGORY;
		cmd->category = cat->code;
		cmd->rest = p;
		q = smscmd_word(p, w2, sizeof(w2), &start);
		if (strcmp(w2, "KC") == 0) {
			cmd->urgent = 1;
			cmd->rest = q;
		}
		return (cmd->type);
	}
	return (SMSCMD_NONE);
}
