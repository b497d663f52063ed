# The classifier: built-in keywords, evaluation, benchmark and fuzzing.
#
#   make eval             precision/recall on tests/data/eval.jsonl and the
#                         shared dev.jsonl
#   make bench-classify   messages/s and MB/s (median of 5 runs)
#   make fuzz-classify    libFuzzer + ASan + UBSan, FUZZ_TIME seconds (60)
#
# The keyword table handlers/keywords.txt is compiled in as a C string;
# $(O)/keywords.o is part of LIBOBJS (see the Makefile).

SHARED	?= $(firstword $(wildcard ../shared /work/shared))
FUZZ_TIME ?= 60
CLANG	?= clang

.PHONY: eval bench-classify fuzz-classify

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

bench: bench-classify

# The fuzzer is built with clang from the sources, apart from the normal
# objects, in build/fuzz (its corpus grows in build/fuzz/corpus_classify).
FUZZ_O	= build/fuzz
FUZZ_SRCS = handlers/classify.c handlers/normalize.c gateway/xmalloc.c \
	    gateway/log.c
FUZZ_FLAGS = -std=c11 -g -O1 -D_GNU_SOURCE -Igateway -Ihandlers \
	    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer

$(FUZZ_O)/keywords.c: handlers/keywords.txt tests/tools/kw2c.sh
	@mkdir -p $(FUZZ_O)
	sh tests/tools/kw2c.sh handlers/keywords.txt > $@.tmp && mv $@.tmp $@

$(FUZZ_O)/fuzz_classify: tests/fuzz/fuzz_classify.c $(FUZZ_SRCS) \
    $(FUZZ_O)/keywords.c
	$(CLANG) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ $^ -lutf8proc

fuzz-classify: $(FUZZ_O)/fuzz_classify
	@mkdir -p $(FUZZ_O)/corpus_classify
	$(FUZZ_O)/fuzz_classify -max_total_time=$(FUZZ_TIME) \
	    -dict=tests/fuzz/classify.dict -max_len=4096 \
	    $(FUZZ_O)/corpus_classify tests/fuzz/corpus_classify

fuzz: fuzz-classify

