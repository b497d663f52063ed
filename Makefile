# tinbao: GNU make + pkg-config.  See README.md.
#
#   make              build ./tinbao
#   make test         unit tests (cmocka) and regress tests (real tinbao serve)
#   make SANITIZE=1 test   the same under ASan + UBSan (objects in build-san/)
#   make run          start the gateway on the simulated phone with a sample report
#   make deps         install every Debian package the build and tests need

PKGS	= gammu libevent libevent_pthreads sqlite3 libutf8proc libsodium jansson

CC	?= cc
ifeq ($(CC),cc)
CC	= gcc
endif

WARN	= -Wall -Wextra -Werror -Wformat=2 -Wstrict-prototypes \
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

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CPPFLAGS += -D_GNU_SOURCE -Igateway -Ihandlers -I$(O)
CFLAGS	+= -std=c11 $(OPT) -g $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS	+= $(SANFLAGS)
LDLIBS	+= $(PKG_LIBS) -lcsv -lpthread -lm

SRCS	:= $(wildcard gateway/*.c handlers/*.c)
MAINSRC	:= gateway/tinbao.c
LIBSRCS	:= $(filter-out $(MAINSRC),$(SRCS))
LIBOBJS	:= $(LIBSRCS:%.c=$(O)/%.o) $(O)/sqlgen.o $(O)/keywords.o
MIGRATIONS := $(sort $(wildcard sql/[0-9][0-9][0-9]_*.sql))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

.PHONY: all test unit regress run deps clean eval bench fuzz fuzz-build fuzz-long install \
	valgrind

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

test: $(BIN) $(UNIT_BINS) $(PEERS)
	@sh tests/tools/run-unit.sh $(UNIT_BINS) && \
	 $(REGRESS_ENV) sh tests/tools/run-regress.sh

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

# apt-get update, then apt-get install -y of what is missing (tests/tools/deps.sh)
deps:
	sh tests/tools/deps.sh

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

# Further targets (eval, bench, fuzz) live in fragments beside their code.
-include $(wildcard tests/*.mk)
-include $(SRCS:%.c=$(O)/%.d) $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%.d)
