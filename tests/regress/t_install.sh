# `make install DESTDIR=... PREFIX=...` lays out the binary, the man page,
# the unit and the examples, and `systemd-analyze verify` accepts the
# installed unit without a single warning: no booted systemd is needed,
# --root points it at the DESTDIR, which gets the host's standard targets
# (the unit's implicit dependencies) and kill(1) (ExecReload) so that only
# our own files can be at fault.  Then the same for another PREFIX.
. tests/regress/lib.sh
command -v systemd-analyze > /dev/null ||
    { fail "systemd-analyze is not installed (make deps)"; finish; }
rm -rf "$OUT"
mkdir -p "$OUT"

# $1: DESTDIR, $2: PREFIX.  Installs and verifies.
install_verify() {
	root=$1; prefix=$2
	# -o: take the binary under test as it is, never rebuild it here.
	make -s -o "$TINBAO" install BIN="$TINBAO" DESTDIR="$root" \
	    PREFIX="$prefix" > "$OUT/install.log" 2>&1 ||
	    { fail "make install PREFIX=$prefix: $(cat "$OUT/install.log")";
	    return 1; }
	unit=$root/lib/systemd/system/tinbao.service
	check "binary installed" test -x "$root$prefix/bin/tinbao"
	check "man page installed" test -f "$root$prefix/share/man/man8/tinbao.8"
	check "example installed" test -f "$root$prefix/share/tinbao/tinbao.conf.example"
	check "config installed" test -f "$root/etc/tinbao/tinbao.conf"
	eq "config not world-readable" "$(stat -c %a "$root/etc/tinbao/tinbao.conf")" "640"
	eq "ExecStart under PREFIX" "$(sed -n 's/^ExecStart=//p' "$unit")" \
	    "$prefix/bin/tinbao -c /etc/tinbao/tinbao.conf serve"
	check "no /usr/local left with PREFIX=$prefix" sh -c \
	    "[ '$prefix' = /usr/local ] || ! grep -q /usr/local '$unit'"
	eq "installed binary runs" "$("$root$prefix/bin/tinbao" version | cut -d' ' -f1)" "tinbao"
	for k in Type=notify WatchdogSec=30 NoNewPrivileges=yes \
	    ProtectSystem=strict ReadWritePaths=/var/lib/tinbao PrivateTmp=yes \
	    Restart=on-failure SupplementaryGroups=dialout; do
		check "unit has $k" grep -qx "$k" "$unit"
	done
	mkdir -p "$root/usr/lib/systemd/system" "$root/bin"
	cp /lib/systemd/system/*.target "$root/usr/lib/systemd/system/"
	cp /bin/kill "$root/bin/kill"
	MANPATH=$root$prefix/share/man systemd-analyze verify \
	    --root="$root" tinbao.service > "$OUT/verify.log" 2>&1
	eq "verify exit status" "$?" "0"
	check "verify printed nothing: $(cat "$OUT/verify.log")" \
	    test ! -s "$OUT/verify.log"
}
install_verify "$OUT/root" /usr/local
install_verify "$OUT/root2" /opt/tinbao

# The check can fail: a misspelt key in the installed unit is reported.
echo "WatchdogSecs=30" >> "$OUT/root/lib/systemd/system/tinbao.service"
MANPATH=$OUT/root/usr/local/share/man systemd-analyze verify \
    --root="$OUT/root" tinbao.service > "$OUT/verify.log" 2>&1
check "a bad key is reported" grep -q "Unknown key 'WatchdogSecs'" "$OUT/verify.log"
finish
