# The classifier: built-in keywords, evaluation, benchmark and fuzzing.
#
#   make eval             precision/recall on the tuning sets (eval.jsonl,
#                         dev.jsonl, tune/*.jsonl) and, as figures only, the
#                         held-out part (heldout/*.jsonl), with and without
#                         the model; then the model's 5-fold cross-
#                         validation on the tuning sets, and the cross-
#                         validation by set (each set, a writing pass,
#                         scored by a model trained on the others)
#   make bench-classify   messages/s and MB/s (median of 5 runs); also
#                         run by `make bench` (tests/bench.mk)
#
# The keyword table handlers/keywords.txt is compiled in as a C string by
# the main Makefile's $(O)/keywords.o, part of LIBOBJS.

EVAL_SCHOOLS = deploy/sample/schools.csv
EVAL_SETS    = tests/data/eval.jsonl tests/data/dev.jsonl \
	       $(sort $(wildcard tests/data/tune/*.jsonl))
# Figures only: the evaluation tool never prints a held-out line.
EVAL_HELDOUT = $(sort $(wildcard tests/data/heldout/*.jsonl))
EVAL_FOLDS   = 5
.PHONY: eval bench-classify

$(O)/tests/eval: tests/eval/eval.c tests/eval/evalset.h $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(LIBOBJS) $(LDLIBS)

$(O)/tests/test_classify: tests/eval/evalset.h

eval: $(O)/tests/eval
	$(O)/tests/eval $(EVAL_SCHOOLS) $(EVAL_SETS) $(EVAL_HELDOUT)
	$(O)/tests/eval -k $(EVAL_FOLDS) $(EVAL_SCHOOLS) $(EVAL_SETS)
	$(O)/tests/eval -g $(EVAL_SCHOOLS) $(EVAL_SETS)

$(O)/tests/bench_classify: tests/bench/bench_classify.c tests/eval/evalset.h \
    $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

bench-classify: $(O)/tests/bench_classify
	$(O)/tests/bench_classify $(EVAL_SCHOOLS) $(EVAL_SETS)


# The fuzz harness tests/fuzz/fuzz_classify.c is built and run by the main
# Makefile's `make fuzz` with the other harnesses.
