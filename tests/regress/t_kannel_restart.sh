# Kannel stopped and started again under a running tinbao (Kannel is the
# only transport): tinbao keeps running, /healthz says Kannel is down
# within seconds (503: no transport), alerts queued meanwhile are kept and
# go out once Kannel is back (without waiting out their backoff), and
# /healthz is 200 again.  Then the other way round: MOs sent while tinbao
# is stopped are retried by smsbox and arrive, each exactly once, when
# tinbao is back.
. tests/regress/lib.sh
. tests/kannel/kannel.sh
trap 'kannel_stop; stop' EXIT
KANNEL_BIN=$(pwd)/build
[ -x /usr/sbin/bearerbox ] && [ -x /usr/lib/kannel/test/fakesmsc ] ||
    { fail "Kannel is not installed (make deps)"; finish; }
setup
directory
port=$("$KANNEL_BIN/freeport")
export KANNEL_HTTP_RETRY=100 KANNEL_HTTP_QUEUE_DELAY=1
kannel_start "$OUT/kannel" "http://127.0.0.1:$port/kannel/mo" ||
    fail "kannel_start"
sed -i '/^\[gammu\]/,/^$/d' "$CONF"
sed -i "s|^listen = .*|listen = 127.0.0.1:$port|" "$CONF"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = $KANNEL_SENDSMS_URL
username = $KANNEL_USER
password_file = $OUT/kannel/kannel.pass
from = 9999
dlr_url = http://127.0.0.1:$port/kannel/dlr
EOC
serve() {
	"$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
	SERVE_PID=$!
	wait_for "listening" sh -c "grep -c 'http: listening' '$OUT/serve.log' | grep -qx $1"
}
code() {
	curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz"
}
# Starts bearerbox, smsbox and fakesmsc again with the same configuration
# and ports (kannel_start would pick new ones; tinbao's sendsms_url and
# smsbox's MO URL must stay), the way an operator restarts the service.
kannel_restart() {
	mv "$KANNEL_DIR/fakesmsc.log" "$KANNEL_DIR/fakesmsc.log.1"
	"$KANNEL_SBIN/bearerbox" "$KANNEL_DIR/kannel.conf" \
	    < /dev/null >> "$KANNEL_DIR/bearerbox.out" 2>&1 &
	KANNEL_BB_PID=$!
	_kwait "bearerbox status" 100 _kup $KANNEL_BB_PID bearerbox \
	    _kstatus_has "Status: running" || return 1
	"$KANNEL_SBIN/smsbox" "$KANNEL_DIR/kannel.conf" \
	    < /dev/null >> "$KANNEL_DIR/smsbox.out" 2>&1 &
	KANNEL_SMSBOX_PID=$!
	_kwait "smsbox on-line" 100 _kup $KANNEL_SMSBOX_PID smsbox \
	    _kstatus_has "smsbox:.*on-line" || return 1
	sleep 2147483647 > "$KANNEL_DIR/fakesmsc.in" 2> /dev/null < /dev/null &
	KANNEL_HOLD_PID=$!
	"$KANNEL_FAKESMSC" -H 127.0.0.1 -r "$KANNEL_FAKE_PORT" -i 0 \
	    < "$KANNEL_DIR/fakesmsc.in" > "$KANNEL_DIR/fakesmsc.log" 2>&1 &
	KANNEL_FAKE_PID=$!
	_kwait "fakesmsc on-line" 100 _kup "$KANNEL_FAKE_PID" fakesmsc \
	    _kstatus_has "FAKE:$KANNEL_FAKE_PORT (online"
}
# True when fakesmsc's current log has an MT to $1 with the text $2.
mt_seen() {
	grep 'Got message [0-9]*: <' "$KANNEL_DIR/fakesmsc.log" |
	    "$KANNEL_BIN/mtdecode" | grep -qxF "9999 $1 text $2"
}
serve 1

# A report, its alerts out: all well.
kannel_mo +84987970001 9999 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" ||
    fail "kannel_mo"
wait_count "the case" "SELECT 1 FROM cases" 1
WAIT=20 wait_count "level-1 alerts sent" "SELECT 1 FROM outbox WHERE kind = 'alert' AND status IN ('sent', 'delivered')" 3
wait_for "healthz 200" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/healthz) = 200 ]"
check "kannel up" sh -c "curl -s http://127.0.0.1:$port/healthz | grep -qx 'kannel up'"

# Kannel goes away; with nothing to send, /healthz notices by itself.
kannel_stop
WAIT=15 wait_for "healthz 503" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/healthz) = 503 ]"
h=$(curl -s "http://127.0.0.1:$port/healthz")
check "healthz says Kannel is down ($h)" sh -c "printf '%s\n' \"\$1\" | grep -qx 'kannel down: sendsms not reachable'" _ "$h"
check "still running" kill -0 "$SERVE_PID"

# Alerts queued now: the case's escalation comes due (its timer is a
# column), and an operator's message.
sql "UPDATE cases SET esc_at = strftime('%s', 'now') WHERE id = 1"
WAIT=15 wait_count "level-2 alerts queued" "SELECT 1 FROM outbox WHERE kind = 'alert' AND id > 4" 1
tb send +84911100001 "Kiem tra duong day Kannel" > /dev/null || fail "tb send"
WAIT=20 wait_for "sends tried and failed" sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts > 0\") -ge 4 ]"
queued=$(count "SELECT 1 FROM outbox WHERE status = 'queued'")
eq "messages waiting" "$queued" "4"
eq "none failed for good" "$(count "SELECT 1 FROM outbox WHERE status = 'failed'")" "0"
check "backing off" test "$(sql "SELECT min(next_at) - strftime('%s', 'now') FROM outbox WHERE status = 'queued' AND attempts > 0")" -gt 10
sleep 2
check "still running while Kannel is down" kill -0 "$SERVE_PID"

# Kannel back: everything queued goes out now, not after the backoff.
kannel_restart || fail "kannel_restart"
WAIT=15 wait_for "the queue sent" sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')\") -eq 0 ]"
check "retried at once" grep -q "kannel: sendsms reachable again" "$OUT/serve.log"
eq "nothing failed" "$(count "SELECT 1 FROM outbox WHERE status = 'failed'")" "0"
sql "SELECT number || ' ' || text FROM outbox WHERE kind = 'alert' AND id > 4" > "$OUT/late"
check "level-2 alerts queued while down" test -s "$OUT/late"
while read -r num text; do
	_kwait_nudge "late alert to $num at the SMS centre" 100 \
	    mt_seen "$num" "$text" || fail "alert to $num not out"
done < "$OUT/late"
WAIT=15 wait_for "healthz 200 again" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/healthz) = 200 ]"

# tinbao away: smsbox keeps the MOs and retries them.
stop
kannel_mo +84987970002 9999 "Bạn em bị mất xe đạp ở nhà xe trường THCS Nhị Thành" ||
    fail "kannel_mo 2"
kannel_mo +84987970003 9999 "Lớp 8A có bạn hút thuốc lá điện tử" ||
    fail "kannel_mo 3"
sleep 3
WAIT=10 wait_for "smsbox retrying" grep -q "Couldn't fetch" "$KANNEL_DIR/smsbox.log"
serve 2
WAIT=30 wait_count "both MOs arrived" "SELECT 1 FROM cases" 3
sleep 2
eq "each once" "$(count "SELECT 1 FROM messages WHERE direction = 'in'")" "3"
eq "three cases" "$(count "SELECT 1 FROM cases")" "3"
kannel_stop
finish
