/*
 * tinbao: Vietnamese text normalisation for the classifier.
 *
 * normalize.c turns raw SMS bytes into a stream of word tokens.  Each token
 * carries two forms: the accented form (canonically decomposed and case
 * folded), kept only as a 64-bit hash because the classifier only ever
 * compares it, and the folded form (no marks, `đ` as
 * `d`), kept as bytes because the matcher looks it up.  Teen spellings
 * (`ko`, `dc`, `hs`, ...) are expanded into the words they stand for.  The
 * tokenizer never allocates, never reads past the buffer and skips invalid
 * UTF-8 bytes as separators.  Nothing here has state outside the caller's
 * struct normalizer, so any number of threads may tokenize at once.
 */
#ifndef NORMALIZE_H
#define NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/* Folded bytes kept per token; a longer word is flagged NORM_F_LONG. */
#define NORM_FOLD_MAX	48

#define NORM_F_MARKS	0x01	/* the accented form differs from the fold */
#define NORM_F_EXPANDED	0x02	/* produced by teen-spelling expansion */
#define NORM_F_LONG	0x04	/* the word did not fit: fold truncated */
#define NORM_F_CLAUSE	0x08	/* punctuation between this and the last */
#define NORM_F_DIGIT	0x10	/* starts with a digit */

struct norm_token {
	char		 fold[NORM_FOLD_MAX];	/* NUL-terminated */
	size_t		 foldlen;
	uint64_t	 acc;		/* hash of the accented form */
	int		 flags;		/* NORM_F_* */
	size_t		 off;		/* the word's bytes in the input */
	size_t		 len;
};

/* A tokenizer over one buffer; lives on the caller's stack. */
struct normalizer {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
	const char		*pending;	/* rest of an expansion */
	size_t			 pend_off;
	size_t			 pend_len;
	int			 pend_flags;
};

void	 normalize_init(struct normalizer *, const char *, size_t);
int	 normalize_next(struct normalizer *, struct norm_token *);
uint64_t normalize_hash(const char *, size_t);
size_t	 normalize_squeeze(const char *, size_t, char *, size_t, int);
int	 normalize_variant(const char *, size_t, int, char *, size_t);
char	*normalize_fold(const char *, size_t);
char	*normalize_accented(const char *, size_t);

#endif /* NORMALIZE_H */
