/*
 * tinbao: `make bench-classify`, the classifier's throughput on one core.
 *
 * Usage: bench_classify SET.jsonl [SCHOOLS.csv] [SET.jsonl ...]  Takes the
 * texts of the labelled sets as a realistic mix (short and long, accented
 * and not, with school names), classifies the whole mix repeatedly for
 * about half a second per run, five runs, and prints the median in
 * messages per second and MB per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../eval/evalset.h"

#define BENCH_RUNS	5

static double	bench_now(void);
static int	bench_cmp(const void *, const void *);

static double
bench_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

int
main(int argc, char *argv[])
{
	struct classifier	*c;
	struct classify_result	 res;
	json_t			*j;
	char			*line = NULL, **texts = NULL;
	size_t			*lens = NULL, n = 0, cap = 0, lcap = 0, i;
	size_t			 bytes;
	size_t			 total = 0, urgent = 0;
	ssize_t			 r;
	double			 rate[BENCH_RUNS], mbs[BENCH_RUNS], t0, dt;
	long			 msgs;
	int			 a, run;
	FILE			*f;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_classify set.jsonl "
		    "[schools.csv] ...\n");
		return (2);
	}
	log_init(0, "bench");
	c = classifier_new();
	if (classifier_load_builtin(c) == -1)
		return (1);
	for (a = 1; a < argc; a++) {
		if (strstr(argv[a], ".csv") != NULL) {
			if (eval_load_schools(c, argv[a]) == -1)
				return (1);
			continue;
		}
		if ((f = fopen(argv[a], "r")) == NULL) {
			perror(argv[a]);
			return (1);
		}
		while ((r = getline(&line, &lcap, f)) != -1) {
			if ((j = json_loads(line, 0, NULL)) == NULL)
				continue;
			if (json_is_string(json_object_get(j, "text"))) {
				if (n == cap) {
					cap = cap == 0 ? 256 : cap * 2;
					texts = xreallocarray(texts, cap,
					    sizeof(*texts));
					lens = xreallocarray(lens, cap,
					    sizeof(*lens));
				}
				texts[n] = xstrdup(json_string_value(
				    json_object_get(j, "text")));
				lens[n] = strlen(texts[n]);
				n++;
			}
			json_decref(j);
		}
		fclose(f);
	}
	free(line);
	if (n == 0 || classifier_compile(c) == -1)
		return (1);
	for (i = 0, bytes = 0; i < n; i++)
		bytes += lens[i];

	for (run = 0; run < BENCH_RUNS; run++) {
		msgs = 0;
		t0 = bench_now();
		do {
			for (i = 0; i < n; i++) {
				classify(c, texts[i], lens[i], &res);
				urgent += (size_t)res.urgent;
			}
			msgs += (long)n;
			total += bytes;
		} while ((dt = bench_now() - t0) < 0.5);
		rate[run] = msgs / dt;
		mbs[run] = (double)msgs / (double)n * (double)bytes / dt / 1e6;
	}
	qsort(rate, BENCH_RUNS, sizeof(rate[0]), bench_cmp);
	qsort(mbs, BENCH_RUNS, sizeof(mbs[0]), bench_cmp);
	printf("classify: %zu messages in the mix, %.1f bytes average\n", n,
	    (double)bytes / n);
	printf("classify: %.0f messages/s, %.2f MB/s (median of %d runs; "
	    "%zu urgent seen)\n", rate[BENCH_RUNS / 2], mbs[BENCH_RUNS / 2],
	    BENCH_RUNS, urgent);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	classifier_free(c);
	return (0);
}
