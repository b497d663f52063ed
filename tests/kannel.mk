# The Kannel test harness (tests/kannel/): helpers and the harness self-test.
#
#   make kannel-tools   build/freeport, build/mtdecode, build/mosink
#   make test-kannel    start a real Kannel (bearerbox, smsbox, fakesmsc)
#                       against mosink and check MO, MT, retries and DLRs
#
# The helpers are plain C with no tinbao objects and no libraries, always in
# build/ (kannel.sh finds them through KANNEL_BIN, default ./build).  Kannel
# itself comes from the Debian packages kannel and kannel-extras (make deps).

KANNEL_O	= build
KANNEL_CFLAGS	= -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra $(WERROR_FLAG) \
		  -Wshadow -Wcast-qual -Wmissing-prototypes \
		  -Wstrict-prototypes -Wwrite-strings
KANNEL_TOOLS	= $(KANNEL_O)/freeport $(KANNEL_O)/mtdecode $(KANNEL_O)/mosink

.PHONY: kannel-tools test-kannel

kannel-tools: $(KANNEL_TOOLS)

$(KANNEL_O)/freeport: tests/kannel/freeport.c
	@mkdir -p $(dir $@)
	$(CC) $(KANNEL_CFLAGS) -o $@ $<

$(KANNEL_O)/mtdecode: tests/kannel/mtdecode.c
	@mkdir -p $(dir $@)
	$(CC) $(KANNEL_CFLAGS) -o $@ $<

$(KANNEL_O)/mosink: tests/kannel/mosink.c
	@mkdir -p $(dir $@)
	$(CC) $(KANNEL_CFLAGS) -o $@ $<

test-kannel: $(KANNEL_TOOLS)
	@KANNEL_BIN=$(abspath $(KANNEL_O)) sh tests/kannel/test-kannel.sh
