/*
 * tinbao: `make eval`, the classifier's figures on labelled sets.
 *
 * Usage: eval [-v] SCHOOLS.csv SET.jsonl ...  Loads the built-in keywords
 * and the schools, then prints per-category precision and recall, urgent
 * recall, the false-urgent rate and school accuracy for each set and for
 * all sets together.  With -v it also prints every line it got wrong.
 */
#include <stdio.h>
#include <string.h>

#include "../eval/evalset.h"

int
main(int argc, char *argv[])
{
	struct classifier	*c;
	struct evalstats	 st, all;
	FILE			*verbose = NULL;
	int			 i, j, status = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = stdout;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: eval [-v] schools.csv set.jsonl ...\n");
		return (2);
	}
	log_init(0, "eval");
	c = classifier_new();
	if (classifier_load_builtin(c) == -1 ||
	    eval_load_schools(c, argv[1]) == -1 ||
	    classifier_compile(c) == -1) {
		fprintf(stderr, "eval: cannot load %s\n", argv[1]);
		return (1);
	}
	memset(&all, 0, sizeof(all));
	for (i = 2; i < argc; i++) {
		memset(&st, 0, sizeof(st));
		if (eval_run(c, argv[i], &st, verbose) == -1) {
			fprintf(stderr, "eval: cannot read %s\n", argv[i]);
			status = 1;
			continue;
		}
		eval_print(&st, argv[i], stdout);
		all.n += st.n;
		all.correct += st.correct;
		for (j = 0; j < EVAL_NCAT; j++) {
			all.gold[j] += st.gold[j];
			all.gold_hit[j] += st.gold_hit[j];
			all.pred[j] += st.pred[j];
			all.pred_hit[j] += st.pred_hit[j];
		}
		all.urgent_gold += st.urgent_gold;
		all.urgent_hit += st.urgent_hit;
		all.calm_gold += st.calm_gold;
		all.calm_urgent += st.calm_urgent;
		all.school_gold += st.school_gold;
		all.school_hit += st.school_hit;
		all.school_none_gold += st.school_none_gold;
		all.school_none_hit += st.school_none_hit;
		all.school_unlabelled += st.school_unlabelled;
		all.school_spurious += st.school_spurious;
	}
	if (argc > 3)
		eval_print(&all, "all sets", stdout);
	classifier_free(c);
	return (status);
}
