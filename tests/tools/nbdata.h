/*
 * tinbao: reads labelled JSONL sets as model examples, for the model's
 * trainer (tests/tools/nbtrain.c) and the evaluation tool's
 * cross-validation (tests/eval/evalset.h).  Header-only, static.
 *
 * A path under a directory named `heldout` is refused: the held-out part
 * never trains anything (README "Classification").
 */
#ifndef NBDATA_H
#define NBDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinbao.h"
#include "category.h"
#include "model.h"

/* Returns 1 when path lies under a directory named heldout. */
static int __attribute__((unused))
nbdata_heldout(const char *path)
{
	return (strncmp(path, "heldout/", 8) == 0 ||
	    strstr(path, "/heldout/") != NULL);
}

/*
 * Appends the lines of a JSONL set to *ex (*n of them, *cap allocated);
 * returns the lines read, or -1 (unreadable or held out).
 */
static int __attribute__((unused))
nbdata_load(const char *path, struct model_example **ex, size_t *n,
    size_t *cap)
{
	const struct category	*k;
	json_t			*j, *u;
	json_error_t		 err;
	const char		*text, *first;
	char			*line = NULL;
	size_t			 lcap = 0;
	int			 lines = 0;
	FILE			*f;

	if (nbdata_heldout(path)) {
		fprintf(stderr, "%s: the held-out part trains nothing\n", path);
		return (-1);
	}
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (getline(&line, &lcap, f) != -1) {
		if ((j = json_loads(line, 0, &err)) == NULL)
			continue;
		text = json_string_value(json_object_get(j, "text"));
		first = json_string_value(json_array_get(json_object_get(j,
		    "category"), 0));
		if (text == NULL || first == NULL ||
		    (k = category_find(first)) == NULL) {
			json_decref(j);
			continue;
		}
		if (*n == *cap) {
			*cap = *cap == 0 ? 256 : *cap * 2;
			*ex = xreallocarray(*ex, *cap, sizeof(**ex));
		}
		u = json_object_get(j, "urgent");
		(*ex)[*n].text = xstrdup(text);
		(*ex)[*n].category = (int)k->id;
		(*ex)[*n].urgent = json_is_true(u) ? 1 : json_is_false(u) ?
		    0 : -1;
		(*n)++;
		lines++;
		json_decref(j);
	}
	free(line);
	fclose(f);
	return (lines);
}

#endif /* NBDATA_H */
