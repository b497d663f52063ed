# tests/bench.mk: `make bench`, tinbao against gammu-smsd (bench/run.sh,
# results in bench/RESULTS.md).  Programs, never timed unit tests:
#
#   make bench              everything (hours: 200 reports for each of 4
#                           systems, gammu-smsd's default ~40 s a report;
#                           BENCH_N_DEFAULT=n cuts that one)
#   BENCH_QUICK=1 make bench   20 reports per system, to try it out
#
# $(O)/bench_floor uses libGammu alone (no tinbao object); $(O)/bench_cost
# links the project's objects to use the real alert formatting.

.PHONY: bench bench-build

$(O)/bench_floor: tests/bench/bench_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lGammu

$(O)/bench_cost: tests/bench/bench_cost.c tests/eval/evalset.h $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

bench-build: $(BIN) $(O)/fakemodem $(O)/fmctl $(O)/bench_floor $(O)/bench_cost \
    $(O)/tests/bench_classify build/freeport build/intake_load build/commit_rate

bench: bench-build
	$(MAKE) -s bench-classify
	O=$(O) sh bench/run.sh
