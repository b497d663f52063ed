/*
 * libFuzzer harness: the classifier's tables as operators give them, the
 * keyword rows (classifier_load_keywords: the keywords.txt format, and
 * through it classifier_add_keyword, which the database's `keywords` rows
 * go through) and the directory's schools (classifier_add_school).
 *
 * The input is keyword rows, then optionally a NUL and school lines
 * (code TAB name TAB level TAB aliases).  A fresh classifier is built from
 * them alone, compiled, and asked to classify a few reports and the input
 * itself.  Invariants: nothing crashes or leaks, whatever the rows; a
 * compiled classifier classifies every text with a category and a valid
 * result; its JSON fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "classify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	run(const struct classifier *, const char *, size_t);

static void
run(const struct classifier *c, const char *text, size_t len)
{
	struct classify_result	 res;
	char			 json[8192];
	size_t			 i;

	if (classify(c, text, len, &res) != 0)
		abort();
	if (res.category == NULL || (res.urgent != 0 && res.urgent != 1) ||
	    res.nmatched > CLASSIFY_MATCHED_MAX ||
	    memchr(res.school, '\0', sizeof(res.school)) == NULL)
		abort();
	for (i = 0; i < res.nmatched; i++)
		if (res.matched[i] == NULL)
			abort();
	if (classify_result_json(&res, json, sizeof(json)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *texts[] = {
		"Có bạn mang dao vào lớp 9C trường THCS Mỹ Phú, cứu với",
		"tui no dang danh nhau o cong trg thcs my phu",
		"em bị bắt nạt, không có ma túy đâu",
	};
	struct classifier	*c;
	char			*kw, *line, *next, *f[4], empty[1] = "";
	const uint8_t		*nul;
	size_t			 i;
	int			 nf;
	static int		 init;

	if (!init) {
		log_init(0, "fuzz");
		init = 1;
	}
	if (size > 16384)
		return (0);
	nul = memchr(data, '\0', size);
	kw = xstrndup((const char *)data, size);
	c = classifier_new();
	(void)classifier_load_keywords(c, kw, "fuzz");
	if (nul != NULL) {
		/* School lines after the NUL. */
		line = xstrndup((const char *)nul + 1, size -
		    (size_t)(nul - data) - 1);
		for (next = line; next != NULL; ) {
			f[0] = next;
			if ((next = strchr(next, '\n')) != NULL)
				*next++ = '\0';
			for (nf = 1; nf < 4; nf++) {
				if ((f[nf] = strchr(f[nf - 1], '\t')) == NULL)
					break;
				*f[nf]++ = '\0';
			}
			for (; nf < 4; nf++)
				f[nf] = empty;
			(void)classifier_add_school(c, f[0], f[1], f[2], f[3]);
		}
		free(line);
	}
	if (classifier_compile(c) == 0) {
		for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
			run(c, texts[i], strlen(texts[i]));
		run(c, (const char *)data, size);
	}
	classifier_free(c);
	free(kw);
	return (0);
}
