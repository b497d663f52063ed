#!/bin/sh
# tests/fakemodem/test-fakemodem.sh: drives Debian's gammu CLI (libGammu 1.42,
# connection = at) against fakemodem on a pty, and checks what reached the
# "network" through fakemodem's control socket.  Needs FAKEMODEM and FMCTL
# (set by `make test-fakemodem`).  Binds nothing on the network; every
# process it starts is stopped by PID.  Keeps the temp dir only on failure.
# Takes about a minute, mostly gammu's own fixed sleeps (init ~3.7 s per
# command, getussd waits 10 s for further replies).

set -u
: "${FAKEMODEM:?set FAKEMODEM to the fakemodem binary}"
: "${FMCTL:?set FMCTL to the fmctl binary}"

pass=0
fail=0
T=$(mktemp -d)	# under $TMPDIR, else /tmp
FMPID=
BGPID=

cleanup() {
	[ -n "$BGPID" ] && kill "$BGPID" 2>/dev/null && wait "$BGPID" 2>/dev/null
	[ -n "$FMPID" ] && kill "$FMPID" 2>/dev/null && wait "$FMPID" 2>/dev/null
	if [ "$fail" -eq 0 ]; then
		rm -rf "$T"
	else
		echo "fakemodem: logs kept in $T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1"; }
check() {	# check NAME COMMAND...: passes when COMMAND succeeds
	name=$1; shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}
ctl() { "$FMCTL" "$T/ctl" "$@"; }
g() { timeout 90 gammu -c "$T/rc" "$@"; }
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; }
now_ms() { date +%s%3N; }

if ! command -v gammu >/dev/null 2>&1; then
	echo "fakemodem: gammu CLI not installed (apt-get install gammu)"
	fail=1
	echo "fakemodem: 0 passed, 1 failed"
	exit 1
fi

cat > "$T/rc" <<EOF
[gammu]
device = $T/link
connection = at
logformat = textall
logfile = $T/gammu.log
EOF
sed 's/^connection = at$/connection = at\natgen_setcnmi = ,,,1/' \
    "$T/rc" > "$T/rc-cds"

"$FAKEMODEM" -l "$T/link" -c "$T/ctl" -v 2> "$T/fakemodem.log" &
FMPID=$!
i=0
while [ ! -S "$T/ctl" ] || [ ! -L "$T/link" ]; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		nok "fakemodem starts"
		exit 1
	fi
	sleep 0.1
done

# wait_for FILE PATTERN: waits up to 10 s for PATTERN to appear in FILE
wait_for() {
	i=0
	while ! grep -q "$2" "$1"; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

# --- identify
g identify > "$T/out" 2>&1
check "identify: manufacturer, model, IMEI" \
    grep -q 'Tinbao' "$T/out"
check "identify: IMEI and IMSI" \
    sh -c "grep -q 356938035643809 '$T/out' && grep -q 452040123456789 '$T/out'"

# --- incoming: a 150-char Vietnamese text is 3 linked UCS-2 parts
VI="Cháy nhà ở số 12 đường Lê Lợi, phường Bến Nghé, quận 1. Có người bị kẹt trên tầng 3, cần xe thang gấp. Xin gọi lại số này để xác nhận địa chỉ ngay!!!"
check "SMSTEXT stores 3 parts" sh -c "'$FMCTL' '$T/ctl' SMSTEXT +84901234567 '$VI' | grep -qx 'OK 3'"
g getallsms > "$T/out" 2>&1
check "getallsms: 3 parts, UCS-2, linked UDH" \
    sh -c "grep -c 'part [123] of 3' '$T/out' | grep -qx 3 &&
	grep -q 'Unicode' '$T/out' && grep -q '+84901234567' '$T/out'"
g geteachsms > "$T/out" 2>&1
check "geteachsms: the whole text, linked" \
    sh -c "grep -q '3 parts' '$T/out' && grep -qF '$VI' '$T/out'"

ctl SMS VIETTEL gsm7 0 0 0 "$(hex 'Hello {world} 100€')" > /dev/null
g getallsms > "$T/out" 2>&1
check "GSM-7 with extension table and alphanumeric sender" \
    sh -c "grep -q 'Remote number *: \"VIETTEL\"' '$T/out' &&
	grep -qF 'Hello {world} 100€' '$T/out'"

# --- deletesms
g deletesms 1 1 3 > "$T/out" 2>&1
ctl INBOX > "$T/inbox"
check "deletesms 1 1 3 frees locations 1-3" \
    sh -c "! grep -q '^IDX [123] ' '$T/inbox' && grep -q '^IDX 4 ' '$T/inbox'"

# --- sending, GSM-7
ctl CLEAR > /dev/null
t0=$(now_ms)
g sendsms TEXT +84912345678 -text "Xin chao" > "$T/out" 2>&1
rc=$?
t1=$(now_ms)
ctl SENTDECODED > "$T/sent"
check "sendsms TEXT: gammu reports message reference 1" \
    sh -c "[ $rc -eq 0 ] && grep -q 'message reference=1' '$T/out'"
check "sendsms TEXT: TO +84912345678 DCS 00 TEXT 'Xin chao' on the wire" \
    grep -qx "TO +84912345678 DCS 00 UDH - TEXT $(hex 'Xin chao') MR 1" \
    "$T/sent"
echo "# sendsms, 1 part: $((t1 - t0)) ms including init"

# --- sending, UCS-2 in 3 parts with one concatenation reference
LONG="Tiếng Việt có dấu, một tin nhắn dài để kiểm tra việc ghép nhiều phần với nhau. Tiếng Việt có dấu, một tin nhắn dài để kiểm tra việc ghép nhiều phần với nhau. Thêm chữ nữa cho đủ dài!!"
ctl CLEAR > /dev/null
t0=$(now_ms)
g sendsms TEXT +84912345678 -unicode -len 200 -text "$LONG" > "$T/out" 2>&1
t1=$(now_ms)
ctl SENTDECODED | grep '^TO' > "$T/sent"
check "unicode send: 3 parts, DCS 08" \
    sh -c "[ \$(grep -c ' DCS 08 ' '$T/sent') -eq 3 ] &&
	[ \$(wc -l < '$T/sent') -eq 3 ]"
refs=$(sed 's/.* UDH 050003\(..\)03\(..\) .*/\1/' "$T/sent" | sort -u | wc -l)
parts=$(sed 's/.* UDH 050003..03\(..\) .*/\1/' "$T/sent" | tr '\n' ' ')
check "unicode send: same UDH ref, parts 01 02 03" \
    sh -c "[ $refs -eq 1 ] && [ '$parts' = '01 02 03 ' ]"
check "unicode send: the parts put together are the text" \
    sh -c "[ \"\$(sed 's/.* TEXT \([0-9A-F]*\) .*/\1/' '$T/sent' |
	tr -d '\n')\" = '$(hex "$LONG")' ]"
echo "# sendsms, 3 parts: $((t1 - t0)) ms including init"

# --- a failing send
ctl FAILSEND 21 > /dev/null
g sendsms TEXT +84912345678 -text "fail me" > "$T/out" 2>&1
rc=$?
check "FAILSEND 21: gammu reports error 21 and fails" \
    sh -c "[ $rc -ne 0 ] && grep -q 'error 21' '$T/out'"
check "FAILSEND 21: the attempt is recorded as CMS 21" \
    sh -c "'$FMCTL' '$T/ctl' SENTDECODED | grep -q 'TEXT $(hex 'fail me') CMS 21'"
ctl FAILTO +84900000009 38 > /dev/null
g sendsms TEXT +84900000009 -text "unreachable" > "$T/out" 2>&1
rc=$?
g sendsms TEXT +84912345678 -text "reachable" > "$T/out2" 2>&1
rc2=$?
check "FAILTO: that recipient fails, others still work" \
    sh -c "[ $rc -ne 0 ] && grep -q 'error 38' '$T/out' && [ $rc2 -eq 0 ]"

# --- status reports: +CDSI (stored) and +CDS (direct, CNMI ds=1)
mr=$(ctl SENTDECODED | sed -n 's/.*TEXT \([0-9A-F]*\) MR \([0-9]*\)$/\2/p' |
    tail -1)
ctl DLR "$mr" 0 > "$T/dlr"
g getallsms > "$T/out" 2>&1
check "DLR: stored status report read by getallsms (+CDSI path)" \
    sh -c "grep -q 'SMS status report' '$T/out' &&
	grep -q 'Reference number *: $mr' '$T/out' &&
	grep -q 'Delivered' '$T/out'"
ctl DELETE "$(sed 's/OK //' "$T/dlr")" > /dev/null

timeout 60 gammu -c "$T/rc" monitor 100000 > "$T/mon" 2>&1 &
BGPID=$!
# gammu's CLI keeps one pending notification: let each be read in turn.
if wait_for "$T/mon" 'info about USSD'; then
	ctl SMSTEXT +84901111111 "Co chay" > /dev/null
	wait_for "$T/mon" 'Co chay'
	ctl DLR "$mr" 0 > "$T/dlr"
	wait_for "$T/mon" 'Reference number'
fi
kill "$BGPID" 2>/dev/null; wait "$BGPID" 2>/dev/null; BGPID=
check "monitor: +CMTI and +CDSI reach libGammu's SMS callback" \
    sh -c "[ \$(grep -c 'SMS message received' '$T/mon') -eq 2 ] &&
	grep -q 'Co chay' '$T/mon' && grep -q 'Reference number *: $mr' '$T/mon'"
ctl DELETE "$(sed 's/OK //' "$T/dlr")" > /dev/null

timeout 60 gammu -c "$T/rc-cds" monitor 100000 > "$T/mon" 2>&1 &
BGPID=$!
if wait_for "$T/mon" 'info about USSD'; then
	ctl DLR "$mr" 69 > "$T/dlr"
	wait_for "$T/mon" 'Delivery status'
fi
kill "$BGPID" 2>/dev/null; wait "$BGPID" 2>/dev/null; BGPID=
check "monitor with atgen_setcnmi=,,,1: +CDS report, failed status" \
    sh -c "grep -qx 'OK cds' '$T/dlr' &&
	grep -q 'Reference number *: $mr' '$T/mon' &&
	grep -q 'Delivery status *: Failed' '$T/mon'"

# --- USSD
ctl USSD "TK chính: 12.500đ, HSD: 31/12/2026" > /dev/null
g getussd '*101#' > "$T/out" 2>&1
check "getussd returns the configured text" \
    grep -qF 'Service reply        : "TK chính: 12.500đ, HSD: 31/12/2026"' \
    "$T/out"

# --- storage full
n=0
: > "$T/idx"
while ctl SMS +84901234567 gsm7 0 0 0 "$(hex "fill $n")" > "$T/ans"; do
	sed 's/^OK //' "$T/ans" >> "$T/idx"
	n=$((n + 1))
	[ $n -gt 30 ] && break
done
check "SIM storage holds 20, then SMS/SMSTEXT answer ERR full" \
    sh -c "[ \$('$FMCTL' '$T/ctl' INBOX | grep -c '^IDX') -eq 20 ] &&
	grep -qx 'ERR full' '$T/ans' &&
	'$FMCTL' '$T/ctl' SMSTEXT +84901234567 x | grep -qx 'ERR full'"
g getallsms > "$T/out" 2>&1
check "getallsms lists 20 messages" grep -q '^20 SMS parts in' "$T/out"
while read -r i; do ctl DELETE "$i" > /dev/null; done < "$T/idx"

# --- a hanging modem: gammu gets no answer; RESUME brings it back
ctl HANG 0 > /dev/null
timeout 6 gammu -c "$T/rc" identify > "$T/out" 2>&1
rc=$?
ctl RESUME > /dev/null
g identify > "$T/out2" 2>&1
rc2=$?
check "HANG 0: gammu gets nothing; after RESUME identify works" \
    sh -c "[ $rc -ne 0 ] && ! grep -q Tinbao '$T/out' && [ $rc2 -eq 0 ]"

# --- unplug / replug
ctl UNPLUG > /dev/null
t0=$(now_ms)
g identify > "$T/out" 2>&1
rc=$?
t1=$(now_ms)
check "UNPLUG: LINK is gone and gammu fails fast ($((t1 - t0)) ms)" \
    sh -c "[ ! -e '$T/link' ] && [ $rc -ne 0 ] && [ $((t1 - t0)) -lt 3000 ]"
ctl REPLUG > /dev/null
g getallsms > "$T/out" 2>&1
check "REPLUG: gammu works again and the stored SMS are still there" \
    sh -c "grep -q '^2 SMS parts in' '$T/out' &&
	grep -q 'Hello {world}' '$T/out' && grep -q 'Co chay' '$T/out'"

# --- shutting down: QUIT and SIGTERM both remove LINK and CONTROL
ctl QUIT > /dev/null
wait "$FMPID"
rc=$?
FMPID=
check "QUIT: exit 0, LINK and CONTROL removed" \
    sh -c "[ $rc -eq 0 ] && [ ! -e '$T/link' ] && [ ! -e '$T/ctl' ]"
"$FAKEMODEM" -l "$T/link2" -c "$T/ctl2" 2>> "$T/fakemodem.log" > "$T/stdout" &
FMPID=$!
i=0
while [ ! -S "$T/ctl2" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
kill -TERM "$FMPID"
wait "$FMPID"
rc=$?
FMPID=
check "SIGTERM: exit 0, LINK and CONTROL removed, nothing on stdout" \
    sh -c "[ $rc -eq 0 ] && [ ! -e '$T/link2' ] && [ ! -e '$T/ctl2' ] &&
	[ ! -s '$T/stdout' ]"

check "no sanitizer report from fakemodem" \
    sh -c "! grep -q 'runtime error\|AddressSanitizer\|LeakSanitizer' \
	'$T/fakemodem.log'"

echo "fakemodem: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
