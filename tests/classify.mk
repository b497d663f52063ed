# The classifier: built-in keywords, evaluation, benchmark and fuzzing.
#
#   make eval             precision/recall on tests/data/eval.jsonl and the
#                         shared dev.jsonl
#   make bench-classify   messages/s and MB/s (median of 5 runs); also
#                         run by `make bench` (tests/bench.mk)
#
# The keyword table handlers/keywords.txt is compiled in as a C string;
# $(O)/keywords.o is part of LIBOBJS (see the Makefile).

SHARED	?= $(firstword $(wildcard ../shared /work/shared))
.PHONY: eval bench-classify

$(O)/keywords.c: handlers/keywords.txt tests/tools/kw2c.sh
	@mkdir -p $(O)
	sh tests/tools/kw2c.sh handlers/keywords.txt > $@.tmp && mv $@.tmp $@

$(O)/keywords.o: $(O)/keywords.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/tests/eval: tests/eval/eval.c tests/eval/evalset.h $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(LIBOBJS) $(LDLIBS)

$(O)/tests/test_classify: tests/eval/evalset.h

eval: $(O)/tests/eval
	$(O)/tests/eval $(SHARED)/corpus/schools.csv tests/data/eval.jsonl \
	    $(SHARED)/corpus/dev.jsonl

$(O)/tests/bench_classify: tests/bench/bench_classify.c tests/eval/evalset.h \
    $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

bench-classify: $(O)/tests/bench_classify
	$(O)/tests/bench_classify $(SHARED)/corpus/schools.csv \
	    tests/data/eval.jsonl $(SHARED)/corpus/dev.jsonl


# The fuzz harness tests/fuzz/fuzz_classify.c is built and run by the main
# Makefile's `make fuzz` with the other harnesses.
