# tests/fakemodem.mk: the fake AT modem and its control client (no tinbao
# objects), and `make test-fakemodem`, which drives Debian's gammu CLI
# against it.  Included by the main Makefile; binaries go to $(O)/
# (build/, or build-san/ under SANITIZE=1).

FM_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) $(SANFLAGS)
FM_BINS	  = $(O)/fakemodem $(O)/fmctl

.PHONY: fakemodem test-fakemodem
fakemodem: $(FM_BINS)

$(O)/fakemodem: tests/fakemodem/fakemodem.c
	@mkdir -p $(dir $@)
	$(CC) $(FM_CFLAGS) $(LDFLAGS) -o $@ $<

$(O)/fmctl: tests/fakemodem/fmctl.c
	@mkdir -p $(dir $@)
	$(CC) $(FM_CFLAGS) $(LDFLAGS) -o $@ $<

test-fakemodem: $(FM_BINS)
	@FAKEMODEM=$(abspath $(O)/fakemodem) FMCTL=$(abspath $(O)/fmctl) \
	    sh tests/fakemodem/test-fakemodem.sh
