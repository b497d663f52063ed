/*
 * tinbao: the glue between the store, a report and the classifier.
 *
 * The classifier itself (classify.c) is pure code.  Here it is loaded: the
 * built-in keyword table, then the operators' rows of the `keywords` table,
 * then every school of the directory; the server loads it at start and
 * again on SIGHUP, swapping the new one in only when it compiled.  Without
 * a classifier every report is `other` and not urgent: it is still stored,
 * acknowledged and shown, and nothing is lost.
 *
 * Not a handler's plan (issue 13): its store calls load the operators'
 * keyword rows and the schools once, at start and on SIGHUP; applying the
 * classifier to a report (report_classify) touches no store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinbao.h"
#include "classify.h"
#include "category.h"

static int
classification_keyword_cb(const char *category, const char *kind,
    double weight, const char *phrase, void *arg)
{
	struct classifier	*c = arg;

	/* A bad operator row is logged by the classifier and skipped. */
	(void)classifier_add_keyword(c, category, kind, weight, phrase);
	return (0);
}

static int
classification_school_cb(const struct school *sc, void *arg)
{
	struct classifier	*c = arg;

	(void)classifier_add_school(c, sc->code, sc->name, sc->level,
	    sc->aliases);
	return (0);
}

/*
 * Builds a classifier from the built-in table, the store's keyword rows and
 * its schools (st may be NULL for the built-in table alone).  Returns NULL
 * when it could not be built.
 */
struct classifier *
classification_load(struct store *st)
{
	struct classifier	*c;

	c = classifier_new();
	if (classifier_load_builtin(c) == -1)
		goto fail;
	if (st != NULL) {
		if (store_keyword_list(st, classification_keyword_cb, c) == -1 ||
		    store_school_list(st, classification_school_cb, c) == -1)
			goto fail;
	}
	if (classifier_compile(c) == -1)
		goto fail;
	return (c);
fail:
	classifier_free(c);
	return (NULL);
}

/* Frees a classifier from classification_load. */
void
classification_free(struct classifier *c)
{
	if (c != NULL)
		classifier_free(c);
}

/*
 * Classifies the message's text for the report handler.  Without a
 * classifier the report is `other` at confidence 0: nobody read it.
 */
void
report_classify(const struct msgctx *ctx, struct classification *cl)
{
	struct classify_result	 r;
	json_t			*list;
	char			*s;
	size_t			 i;

	memset(cl, 0, sizeof(*cl));
	cl->category = category_table[CATEGORY_OTHER].code;
	(void)strlcpy_checked(cl->matched, "[]", sizeof(cl->matched));
	if (ctx->classifier == NULL ||
	    classify(ctx->classifier, ctx->text, strlen(ctx->text), &r) == -1)
		return;
	cl->category = r.category;
	cl->urgent = r.urgent;
	cl->many = r.many;
	cl->confidence = r.confidence;
	(void)strlcpy_checked(cl->school, r.school, sizeof(cl->school));
	list = json_array();
	for (i = 0; i < r.nmatched; i++)
		json_array_append_new(list, json_string(r.matched[i]));
	if ((s = json_dumps(list, JSON_COMPACT)) != NULL &&
	    strlen(s) < sizeof(cl->matched))
		(void)strlcpy_checked(cl->matched, s, sizeof(cl->matched));
	free(s);
	json_decref(list);
}

/*
 * Runs `tinbao classify [TEXT ...]`: the built-in tables without a
 * configuration, the database's keywords and schools with -c.
 */
int
cmd_classify(struct config *conf, int argc, char **argv)
{
	struct store		*st = NULL;
	struct classifier	*c;
	int			 ret;

	if (conf->path != NULL) {
		if ((st = store_open(conf->database, 0)) == NULL)
			return (1);
		if (store_check_version(st) == -1) {
			store_close(st);
			return (1);
		}
	}
	c = classification_load(st);
	store_close(st);
	if (c == NULL) {
		fprintf(stderr, "tinbao classify: the keyword tables did not "
		    "load\n");
		return (1);
	}
	ret = classify_cli(c, argc, argv, stdin, stdout);
	classification_free(c);
	return (ret);
}
