#!/bin/sh
# Self-test of the Kannel harness (tests/kannel/kannel.sh), without tinbao:
# mosink stands in for the application.  It checks what tinbao relies on:
# Vietnamese MO arrives as UTF-8 with coding=0/charset=UTF-8 and an id, a
# concatenated MO arrives as one request, a failed MO is retried with the
# same id, Vietnamese MT leaves as UCS-2 and decodes back, GSM-7 MT leaves
# as text, and the fake SMSC produces delivery reports 8 and 1.
#
# Run from the top of the tree: `make test-kannel`.  Logs stay in
# tests/out/test-kannel when something fails.

set -u
KANNEL_BIN=${KANNEL_BIN:-$(pwd)/build}
. "$(dirname "$0")/kannel.sh"

OUT=${TINBAO_TEST_OUT:-$(pwd)/tests/out}/test-kannel
SINK_PID=""
PASSED=0
FAILED=0

fail() {
	echo "FAIL kannel: $*"
	FAILED=$((FAILED + 1))
	return 1
}

pass() {
	PASSED=$((PASSED + 1))
}

eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}

check() {
	what=$1; shift
	if "$@"; then pass; else fail "$what"; fi
}

# Waits (up to $WAIT seconds, default 15) until the command succeeds.
wait_for() {
	what=$1; shift
	i=0
	while ! "$@" > /dev/null 2>&1; do
		i=$((i + 1))
		if [ "$i" -gt $((${WAIT:-15} * 10)) ]; then
			fail "timed out waiting for: $what"
			return 1
		fi
		sleep 0.1
	done
}

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

sink_count() {
	[ "$(wc -l < "$OUT/sink.log")" -ge "$1" ]
}

# The Nth request line of the sink.
sink_req() {
	sed -n "${1}p" "$OUT/sink.log"
}

# Prints query parameter $2 of request line $1, URL-decoded ('+' is space).
param() {
	printf '%s\n' "$1" | sed 's/^[A-Z]* [^?]*?//; s/ HTTP\/1\.[01]$//' |
	    tr '&' '\n' | sed -n "s/^$2=//p" | head -n 1 |
	    LC_ALL=C awk '{
		gsub(/\+/, " ")
		out = ""
		while (match($0, /%[0-9A-Fa-f][0-9A-Fa-f]/)) {
			out = out substr($0, 1, RSTART - 1)
			h = toupper(substr($0, RSTART + 1, 2))
			v = index("0123456789ABCDEF", substr(h, 1, 1)) * 16
			v += index("0123456789ABCDEF", substr(h, 2, 1)) - 17
			out = out sprintf("%c", v)
			$0 = substr($0, RSTART + 3)
		}
		print out $0
	}'
}

cleanup() {
	kannel_stop
	if [ -n "$SINK_PID" ] && _kalive "$SINK_PID" mosink; then
		kill -TERM "$SINK_PID"
		wait "$SINK_PID" 2> /dev/null
	fi
	SINK_PID=""
}

trap cleanup EXIT
trap 'exit 1' INT TERM

rm -rf "$OUT"
mkdir -p "$OUT"

# The sink fails its first 2 requests with 500: the first MO tests retries.
"$KANNEL_BIN/mosink" -f 2 "$OUT/sink.port" "$OUT/sink.log" \
    2> "$OUT/sink.err" < /dev/null &
SINK_PID=$!
wait_for "mosink port" test -s "$OUT/sink.port" || exit 1
SINK=http://127.0.0.1:$(cat "$OUT/sink.port")

t0=$(now_ms)
if ! kannel_start "$OUT/kannel" "$SINK/kannel/mo"; then
	fail "kannel_start"
	tail -n 20 "$OUT/kannel/"*.out "$OUT/kannel/fakesmsc.log" 2> /dev/null
	exit 1
fi
t1=$(now_ms)
echo "timing: kannel_start $((t1 - t0)) ms"
check "kannel.pass holds the password" \
    test "$(cat "$OUT/kannel/kannel.pass")" = "$KANNEL_PASS"

VI='Có bạn bị bắt nạt ở trường THCS Nhị Thành'

# 1. Retry: 500, 500, then 200, all with the same id (%I).
kannel_mo +84912345601 9999 "retry me" || fail "kannel_mo retry"
wait_for "3 attempts of one MO" sink_count 3
id1=$(param "$(sink_req 1)" id)
eq "retry 2 id" "$(param "$(sink_req 2)" id)" "$id1"
eq "retry 3 id" "$(param "$(sink_req 3)" id)" "$id1"
check "MO id is set" test -n "$id1"
eq "retry text" "$(param "$(sink_req 3)" text)" "retry me"

# 2. A short Vietnamese MO goes as UCS-2 and arrives as UTF-8, coding 0.
t0=$(now_ms)
kannel_mo +84912345678 9999 "$VI" || fail "kannel_mo ucs2"
wait_for "UCS-2 MO at the sink" sink_count 4
t1=$(now_ms)
echo "timing: MO (UCS-2) to sink $((t1 - t0)) ms"
check "MO went to fakesmsc as ucs2" grep -q '^ucs2 ' "$KANNEL_DIR/mo.lines"
r=$(sink_req 4)
eq "ucs2 MO text" "$(param "$r" text)" "$VI"
eq "ucs2 MO from" "$(param "$r" from)" "+84912345678"
eq "ucs2 MO to" "$(param "$r" to)" "9999"
eq "ucs2 MO coding" "$(param "$r" coding)" "0"
eq "ucs2 MO charset" "$(param "$r" charset)" "UTF-8"
eq "ucs2 MO smsc" "$(param "$r" smsc)" "fake1"
check "ucs2 MO id is a UUID" sh -c "printf '%s' '$(param "$r" id)' |
    grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'"
check "ucs2 MO path" sh -c "printf '%s' '$r' | grep -q '^GET /kannel/mo?'"

# 3. A 2-part Vietnamese MO (over 70 characters) arrives as ONE request.
LONG="$VI. Em ấy bị đánh sau giờ tan học, xin hãy giúp đỡ."
kannel_mo +84912345679 9999 "$LONG" || fail "kannel_mo 2 parts"
eq "long MO is 2 parts" "$(grep -c '^udh-text ' "$KANNEL_DIR/mo.lines")" 2
wait_for "2-part MO at the sink" sink_count 5
eq "2-part MO text" "$(param "$(sink_req 5)" text)" "$LONG"
eq "2-part MO udh" "$(param "$(sink_req 5)" udh)" ""

# 4. A 3-part GSM-7 MO with characters that need care ('+', '%', '@').
ASCII=$(printf 'Part %s: a+b=100%% @ home, please call 0912345678. ' \
    1 2 3 4 5 6 7 8)
kannel_mo 0912345670 9999 "$ASCII" || fail "kannel_mo gsm parts"
eq "long GSM MO parts" "$(grep -c '^udh-text ' "$KANNEL_DIR/mo.lines")" 3
wait_for "3-part MO at the sink" sink_count 6
eq "3-part MO text" "$(param "$(sink_req 6)" text)" "$ASCII"

# 5. Two MOs back to back stay two MOs, in order.
kannel_mo +84912345680 9999 "first" && kannel_mo +84912345680 9999 "second" ||
    fail "kannel_mo back to back"
wait_for "2 more MOs" sink_count 8
eq "back to back 1" "$(param "$(sink_req 7)" text)" "first"
eq "back to back 2" "$(param "$(sink_req 8)" text)" "second"
check "no request beyond" test "$(wc -l < "$OUT/sink.log")" -eq 8

# 6. Vietnamese MT: coding=2&charset=UTF-8 leaves as ucs-2 and decodes back.
t0=$(now_ms)
res=$(kannel_sendsms 9999 +84987654321 "$VI")
kannel_wait_mt 1
t1=$(now_ms)
echo "timing: sendsms (UCS-2) to fakesmsc $((t1 - t0)) ms"
eq "sendsms reply" "$res" "202 0: Accepted for delivery"
eq "ucs2 MT" "$(kannel_mt 1)" "9999 +84987654321 ucs-2 $VI"

# 7. GSM-7 MT leaves as text.
res=$(kannel_sendsms 9999 0987654321 "Da nhan tin bao, ma HS-0042. Cam on.")
kannel_wait_mt 2
eq "gsm sendsms reply" "$res" "202 0: Accepted for delivery"
eq "gsm MT" "$(kannel_mt 2)" \
    "9999 0987654321 text Da nhan tin bao, ma HS-0042. Cam on."

# 8. A long Vietnamese MT leaves as concatenated UCS-2 parts.
res=$(kannel_sendsms 9999 0987654321 "$LONG")
kannel_wait_mt 4
p1=$(kannel_mt 3); p2=$(kannel_mt 4)
check "long MT part 1 has a UDH" sh -c "printf '%s' '$p1' |
    grep -q '^9999 0987654321 udh:050003..0201:ucs-2 '"
eq "long MT reassembled" "${p1#* * * }${p2#* * * }" "$LONG"
eq "MT count" "$(kannel_mt_count)" 4

# 9. Delivery reports: the fake SMSC sends 8 (SMSC ack) and 1 (delivered).
res=$(kannel_sendsms 9999 +84987654322 "dlr test" \
    --data-urlencode dlr-mask=31 \
    --data-urlencode "dlr-url=$SINK/kannel/dlr?outbox=7&status=%d&to=%p")
eq "dlr sendsms reply" "$res" "202 0: Accepted for delivery"
wait_for "2 DLRs" sink_count 10
dlrs=$(sed -n '9,10p' "$OUT/sink.log" | while read -r l; do
	param "$l" status; done | sort -n | tr '\n' ' ')
eq "DLR statuses" "$dlrs" "1 8 "
eq "DLR outbox" "$(param "$(sink_req 9)" outbox)" "7"
eq "DLR to" "$(param "$(sink_req 9)" to)" "+84987654322"

# 10. Wrong password is refused.
res=$(KANNEL_PASS=wrong kannel_sendsms 9999 0987654321 "x")
eq "wrong password" "$res" "403 Authorization failed for sendsms"

# Every port is on 127.0.0.1 only; none is 13000.
pids=$(cat "$KANNEL_DIR/pids")
ports=$(sed -n 's/^\(admin-port\|smsbox-port\|port\|sendsms-port\) = //p' \
    "$KANNEL_DIR/kannel.conf" | tr '\n' ' ')
eq "4 ports" "$(echo $ports | wc -w)" 4
for p in $ports; do
	check "port $p is not 13000" test "$p" -ne 13000
	eq "port $p listens on 127.0.0.1 only" \
	    "$(ss -Hltn "sport = :$p" | awk '{ print $4 }' | tr '\n' ' ')" \
	    "127.0.0.1:$p "
done

# Stop, and check that every process is gone and every port closed.
t0=$(now_ms)
kannel_stop
t1=$(now_ms)
echo "timing: kannel_stop $((t1 - t0)) ms"
for p in $pids; do
	check "process $p gone" test ! -e "/proc/$p"
done
for p in $ports; do
	check "port $p closed" sh -c "! ss -Hltn 'sport = :$p' | grep -q ."
done
cleanup

echo "kannel: $PASSED passed, $FAILED failed"
if [ "$FAILED" -ne 0 ]; then
	for f in "$KANNEL_DIR"/*.out "$KANNEL_DIR"/*.log "$OUT/sink.log"; do
		echo "--- $f"
		tail -n 15 "$f"
	done
	exit 1
fi
rm -rf "$OUT"
exit 0
