/*
 * tinbao: libFuzzer harness for the classifier (`make fuzz-classify`).
 *
 * Builds one classifier with the built-in keywords and the example schools
 * on the first call, then classifies each input as it is (any bytes, not
 * NUL-terminated), writes the JSON line, and checks the result's
 * invariants.  The first byte also picks a tokenizer-only pass so that
 * normalize.c is fuzzed on its own.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"
#include "normalize.h"
#include "classify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct classifier *fuzz_classifier;

static void	fuzz_init(void);

static void
fuzz_init(void)
{
	struct classifier	*c;

	log_init(0, "fuzz");
	c = classifier_new();
	if (classifier_load_builtin(c) == -1)
		abort();
	classifier_add_school(c, "NT1", "Trường Tiểu học Nhị Thành", "TH", "");
	classifier_add_school(c, "NT2", "Trường THCS Nhị Thành", "THCS", "");
	classifier_add_school(c, "TT3", "Trường THPT Thủ Thừa", "THPT",
	    "Thu Thua");
	classifier_add_school(c, "MP1", "Trường Tiểu học Mỹ Phú", "TH", "");
	classifier_add_school(c, "MP2", "Trường THCS Mỹ Phú", "THCS",
	    "cấp 2 Mỹ Phú|MP 2");
	if (classifier_compile(c) == -1)
		abort();
	fuzz_classifier = c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct classify_result	 res;
	struct normalizer	 n;
	struct norm_token	 t;
	char			 json[8192];
	size_t			 i;

	if (fuzz_classifier == NULL)
		fuzz_init();
	if (size > 0 && data[0] == 0x01) {
		normalize_init(&n, (const char *)data, size);
		while (normalize_next(&n, &t) == 1) {
			if (t.foldlen >= NORM_FOLD_MAX ||
			    strlen(t.fold) != t.foldlen ||
			    t.off + t.len > size)
				abort();
		}
		return (0);
	}
	if (classify(fuzz_classifier, (const char *)data, size, &res) != 0)
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
	return (0);
}
