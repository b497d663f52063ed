# tinbao: GNU make + pkg-config.  See README.md.
#
#   make              build ./tinbao
#   make test         unit tests (cmocka) and regress tests (real tinbao serve)
#   make SANITIZE=1 test   the same under ASan + UBSan (objects in build-san/)
#   make run          start the gateway on the simulated phone with a sample report
#   make deps         install every Debian package the build and tests need
#                     (`make deps run`: only what the build and the demo need)
#   make WERROR=0     any goal without -Werror (on by default, for development
#                     and CI; a newer compiler's new warnings need not stop you)
#   make test-fresh   the README's commands in a clean Debian 12 root
#                     (tests/tools/fresh-clone.sh; root, debootstrap)
#
# Works in one invocation from nothing (`make deps run`, `make deps test`):
# the pkg-config flags are computed when a recipe first needs them, after
# `deps` has installed the packages, never when this file is parsed.

PKGS	= gammu libevent libevent_pthreads sqlite3 libutf8proc libsodium jansson \
	  xlsxwriter

CC	?= cc
ifeq ($(CC),cc)
CC	= gcc
endif

WERROR	?= 1
WERROR_FLAG = $(if $(filter 1,$(WERROR)),-Werror)
WARN	= -Wall -Wextra $(WERROR_FLAG) -Wformat=2 -Wstrict-prototypes \
	  -Wmissing-prototypes -Wmissing-declarations -Wshadow \
	  -Wpointer-arith -Wcast-qual -Wsign-compare -Wwrite-strings

ifeq ($(FUZZ),1)
# libFuzzer build: our objects instrumented for coverage, then each harness
# in tests/fuzz/ linked with -fsanitize=fuzzer.
CC	= clang
O	= build-fuzz
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
OPT	= -O1
BIN	= $(O)/tinbao
else ifeq ($(SANITIZE),1)
O	= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
OPT	= -O1
BIN	= $(O)/tinbao
else
O	= build
SANFLAGS =
OPT	= -O2
BIN	= tinbao
endif

# pkg-config runs once, when the first recipe expands these (each then
# becomes a simple variable); a missing library stops the build there, with
# the advice to run `make deps`.
pkgconfig = $(call pkgcheck,$(1),$(shell pkg-config $(1) $(PKGS) 2>/dev/null \
	|| echo PKGCONFIG_FAILED))
pkgcheck = $(if $(filter PKGCONFIG_FAILED,$(2)),$(error pkg-config $(1) \
	$(PKGS) failed: run `make deps` first),$(2))
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkgconfig,--cflags))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(call pkgconfig,--libs))$(PKG_LIBS)

CPPFLAGS += -D_GNU_SOURCE -Igateway -Ihandlers -I$(O)
CFLAGS	+= -std=c11 $(OPT) -g $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS	+= $(SANFLAGS)
LDLIBS	+= $(PKG_LIBS) -lcsv -lpthread -lm

SRCS	:= $(wildcard gateway/*.c handlers/*.c)
MAINSRC	:= gateway/tinbao.c
LIBSRCS	:= $(filter-out $(MAINSRC),$(SRCS))
LIBOBJS	:= $(LIBSRCS:%.c=$(O)/%.o) $(O)/sqlgen.o $(O)/keywords.o
LIBOBJS	+= $(O)/model_table.o	# the classifier's model (below)
MIGRATIONS := $(sort $(wildcard sql/[0-9][0-9][0-9]_*.sql))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

.PHONY: all test unit regress run deps clean eval bench fuzz fuzz-build fuzz-long \
	install valgrind test-fresh

PREFIX	?= /usr/local
DESTDIR	?=
all: $(BIN)

$(BIN): $(O)/gateway/tinbao.o $(LIBOBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The migrations are compiled into the binary as C strings.
$(O)/sqlgen.c: $(MIGRATIONS) tests/tools/sql2c.sh
	@mkdir -p $(O)
	sh tests/tools/sql2c.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(O)/sqlgen.o: $(O)/sqlgen.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# So is the classifier's built-in keyword table handlers/keywords.txt.
$(O)/keywords.c: handlers/keywords.txt tests/tools/kw2c.sh
	@mkdir -p $(O)
	sh tests/tools/kw2c.sh handlers/keywords.txt > $@.tmp && mv $@.tmp $@

$(O)/keywords.o: $(O)/keywords.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# And the classifier's model (handlers/model.h), trained at build time from
# the tuning data only (never tests/data/heldout/) by tests/tools/nbtrain.c
# into a deterministic C table.  The trainer is built without sanitizers.
MODEL_DATA := $(sort $(wildcard tests/data/tune/*.jsonl)) \
	      tests/data/eval.jsonl tests/data/dev.jsonl
NBTRAIN_SRCS = tests/tools/nbtrain.c handlers/model.c handlers/normalize.c \
	      handlers/category.c gateway/xmalloc.c gateway/log.c

$(O)/nbtrain: $(NBTRAIN_SRCS) handlers/model.h handlers/normalize.h
	@mkdir -p $(O)
	$(CC) $(CPPFLAGS) -std=c11 -O2 $(WARN) $(PKG_CFLAGS) -o $@ \
	    $(NBTRAIN_SRCS) $(PKG_LIBS) -lm

$(O)/model_table.c: $(O)/nbtrain $(MODEL_DATA)
	$(O)/nbtrain $(MODEL_DATA) > $@.tmp && mv $@.tmp $@

$(O)/model_table.o: $(O)/model_table.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)
	@sh tests/tools/run-unit.sh $(UNIT_BINS)

# The regress tests also drive the fake AT modem (tests/fakemodem.mk).
PEERS	= $(O)/fakemodem $(O)/fmctl build/freeport build/mtdecode build/mosink
REGRESS_ENV = TINBAO=$(abspath $(BIN)) FAKEMODEM=$(abspath $(O)/fakemodem) \
	FMCTL=$(abspath $(O)/fmctl)

regress: $(BIN) $(PEERS)
	@$(REGRESS_ENV) sh tests/tools/run-regress.sh

# No category code written outside handlers/category.c, no function over
# 120 lines (tests/tools/check-literals.sh).
.PHONY: check-structure
check-structure:
	@sh tests/tools/check-literals.sh

test: check-structure test-build
	@sh tests/tools/run-unit.sh $(UNIT_BINS) && \
	 $(REGRESS_ENV) sh tests/tools/run-regress.sh

# Everything `make test` runs, built: `make -j2 SANITIZE=1 test-build` uses
# both cores before the tests start (as .ci/run does); the tests themselves
# run one at a time.
.PHONY: test-build
test-build: $(BIN) $(UNIT_BINS) $(PEERS) build/intake_load

# The regress scenarios that cover the daemon's paths, under valgrind.
VALGRIND_TESTS ?= t_single t_multipart t_odd t_relay t_commands
valgrind: $(BIN) $(PEERS)
	@rm -rf $(O)/valgrind && mkdir -p $(O)/valgrind
	@pass=0; fail=0; for t in $(VALGRIND_TESTS); do \
	    if TINBAO_REAL=$(abspath $(BIN)) VG_LOG_DIR=$(abspath $(O)/valgrind) \
		TINBAO=$(abspath tests/tools/valgrind.sh) WAIT=60 \
		sh tests/regress/$$t.sh; then pass=$$((pass + 1)); \
	    else fail=$$((fail + 1)); fi; done; \
	bad=$$(find $(O)/valgrind -name 'vg.*.log' -size +0 | wc -l); \
	[ $$bad -eq 0 ] || { cat $(O)/valgrind/vg.*.log; fail=$$((fail + bad)); }; \
	echo "valgrind: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

run: $(BIN)
	@sh tests/tools/demo.sh $(abspath $(BIN))

# apt-get update, then apt-get install -y of what is missing
# (tests/tools/deps.sh).  With only `run` (or the binary) beside it, `deps`
# installs what the build and the demo need; otherwise everything the tests,
# the benchmarks and the fuzzers need too.
DEPS_SET = $(if $(filter-out deps run all $(BIN),$(MAKECMDGOALS)),all,$(if \
	$(filter-out deps,$(MAKECMDGOALS)),run,all))
deps:
	sh tests/tools/deps.sh $(DEPS_SET)

# `make deps X` installs first, then builds: never both at once under -j.
ifneq ($(filter deps,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif

# Installs the binary, the man page, the systemd unit (pointing at PREFIX),
# the udev template and the example configuration; honours DESTDIR.
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/tinbao \
	    $(DESTDIR)/etc/tinbao
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/tinbao
	install -m 0644 deploy/tinbao.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	sed 's|/usr/local/bin/tinbao|$(PREFIX)/bin/tinbao|g' \
	    deploy/tinbao.service > $(DESTDIR)/lib/systemd/system/tinbao.service
	install -m 0644 deploy/99-tinbao-modem.rules \
	    deploy/tinbao.conf.example $(DESTDIR)$(PREFIX)/share/tinbao/
	[ -f $(DESTDIR)/etc/tinbao/tinbao.conf ] || install -m 0640 \
	    deploy/tinbao.conf.example $(DESTDIR)/etc/tinbao/tinbao.conf

# Debian package: `make deb` installs what it needs when missing
# (deps.sh deb), then builds tinbao_VERSION_ARCH.deb here with debhelper
# (debian/: PREFIX=/usr, objects in build-deb/), from clean each time.
# `make test-deb` checks it with lintian and installs and purges it in a
# clean Debian 12 root (tests/tools/deb-test.sh).
.PHONY: deb test-deb
deb:
	sh tests/tools/deps.sh deb
	@v=$$(dpkg-parsechangelog -S Version); \
	 h=$$(sed -n 's/^#define TINBAO_VERSION[^"]*"\(.*\)"/\1/p' gateway/tinbao.h); \
	 [ "$$v" = "$$h" ] || { echo "make deb: debian/changelog says $$v," \
	    "gateway/tinbao.h says $$h"; exit 1; }
	dpkg-checkbuilddeps
	rm -f tinbao_*.deb
	debian/rules clean
	TINBAO_DEB_DIR=$(CURDIR) debian/rules binary
	@ls tinbao_*.deb

test-deb:
	sh tests/tools/deb-test.sh

# Fuzzing: `make fuzz` runs every harness for FUZZ_TIME seconds each.
FUZZ_TIME ?= 60
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/fuzz/%)

fuzz:
	$(MAKE) FUZZ=1 fuzz-build
	@sh tests/tools/run-fuzz.sh $(FUZZ_TIME) $(FUZZ_BINS)

fuzz-build: $(FUZZ_BINS)

# Nightly-style, not in CI: every harness for a full minute.
fuzz-long:
	$(MAKE) FUZZ=1 fuzz-build
	@sh tests/tools/run-fuzz.sh 60 $(FUZZ_BINS)

build-fuzz/fuzz/%: tests/fuzz/%.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(LIBOBJS) $(LDLIBS)

clean:
	rm -rf build build-san build-fuzz tinbao

# The README's commands as a new user runs them: a clean Debian 12 root,
# git and make, a clone with nothing beside it, `make deps run`; then
# `make deps test` in a clone with nothing beside it (on the host, or in the
# root with FRESH_TEST=root; tests/tools/fresh-clone.sh).
test-fresh:
	sh tests/tools/fresh-clone.sh

# Further targets (eval, bench, fuzz) live in fragments beside their code.
-include $(wildcard tests/*.mk)
-include $(SRCS:%.c=$(O)/%.d) $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%.d)
