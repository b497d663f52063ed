# The Kannel intake benchmark (bench/INTAKE.md):
#
#   make bench-intake   bench/intake.sh: reports/s through /kannel/mo with
#                       group commit, without it, and the disk's commit rate
#
# build/intake_load (the smsbox-like load generator, plain C) is also used
# by tests/regress/t_kannel_batch.sh; build/commit_rate links SQLite only.

INTAKE_CFLAGS	= -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra $(WERROR_FLAG) \
		  -Wshadow -Wcast-qual -Wmissing-prototypes \
		  -Wstrict-prototypes -Wwrite-strings

.PHONY: bench-intake intake-tools

intake-tools: build/intake_load build/commit_rate

build/intake_load: bench/intake_load.c
	@mkdir -p $(dir $@)
	$(CC) $(INTAKE_CFLAGS) -o $@ $<

build/commit_rate: bench/commit_rate.c
	@mkdir -p $(dir $@)
	$(CC) $(INTAKE_CFLAGS) $(shell pkg-config --cflags sqlite3) -o $@ $< \
	    $(shell pkg-config --libs sqlite3)

bench-intake: $(BIN) build/freeport build/intake_load build/commit_rate
	TINBAO=./$(BIN) sh bench/intake.sh

# The regress test t_kannel_batch needs the load generator.
regress test: build/intake_load
