# Crash safety through the real Kannel (fakesmsc -> bearerbox -> smsbox ->
# /kannel/mo, and sendsms -> bearerbox -> fakesmsc back): reports keep
# arriving while tinbao is killed with SIGKILL at random moments and
# restarted, for CRASH_ROUNDS rounds (30 by default; t_crashloop does 50
# on the dummy phone); every fourth round dies instead at the crash point
# between the commit and the 200 (waited for, not raced).  smsbox retries
# an MO until tinbao answers 200 (its retry count is raised so that no MO
# is given up on meanwhile).
# Afterwards every MO is exactly one message and one case, and every
# urgent case's three alerts came out of the fake SMS centre at least once.
. tests/regress/lib.sh
. tests/kannel/kannel.sh
trap 'kannel_stop; stop' EXIT
KANNEL_BIN=$(pwd)/build
[ -x /usr/sbin/bearerbox ] && [ -x /usr/lib/kannel/test/fakesmsc ] ||
    { fail "Kannel is not installed (make deps)"; finish; }
ROUNDS=${CRASH_ROUNDS:-30}
setup
directory
port=$("$KANNEL_BIN/freeport")
KANNEL_HTTP_RETRY=1000 KANNEL_HTTP_QUEUE_DELAY=1 \
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
rand_ms() {	# a random delay below a second, as seconds for sleep
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	printf '0.%03d' $((n % 1000))
}

sent=0
round=1
while [ $round -le "$ROUNDS" ]; do
	# Two reports per round from two new phones, one urgent: the first
	# while tinbao is down (smsbox retries it), the second once it runs.
	kannel_mo "+849872$(printf %05d $((round * 2)))" 9999 \
	    "V$round: cầm dao đánh nhau ở cổng THCS Mỹ Phú, cứu" ||
	    fail "kannel_mo round $round"
	# Every fourth round dies right after a commit, before the
	# 200: smsbox's retry of the same id must not make a second case.
	cp=""
	[ $((round % 4)) -ne 0 ] || cp=kannel_after_commit
	env ${cp:+TINBAO_CRASHPOINT=$cp} \
	    "$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
	SERVE_PID=$!
	kannel_mo "+849872$(printf %05d $((round * 2 + 1)))" 9999 \
	    "V$round: bạn lớp 6 bị trêu chọc hoài" ||
	    fail "kannel_mo round $round"
	sent=$((sent + 2))
	if [ -n "$cp" ]; then
		# Let it reach the crash point by itself: a random kill
		# could come before any batch is committed (smsbox's
		# retry waits a second), and on a slow machine every
		# crash-point round could then miss it.
		i=0
		while kill -0 "$SERVE_PID" 2>/dev/null && [ $i -lt 200 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ $i -lt 200 ] || fail "round $round: crash point not reached in 20 s"
	else
		sleep "$(rand_ms)"
	fi
	kill -KILL "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=""
	round=$((round + 1))
done

# The last start runs to the end.
"$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
SERVE_PID=$!
WAIT=90 wait_count "every MO committed" "SELECT 1 FROM messages WHERE direction = 'in'" "$sent"
WAIT=90 wait_for "the outbox drained" sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')\") -eq 0 ]"
sleep 2	# a late retry from smsbox would show as a duplicate, not a case
check "retries after a commit recognised" grep -q "sms duplicate" "$OUT/serve.log"
check "died at the crash point" grep -q "crashpoint=kannel_after_commit reached" "$OUT/serve.log"
eq "every MO one message" "$(count "SELECT 1 FROM messages WHERE direction = 'in'")" "$sent"
eq "every MO one case" "$(count "SELECT 1 FROM cases")" "$sent"
eq "no text twice" "$(count "SELECT text FROM cases GROUP BY text HAVING count(*) > 1")" "0"
eq "all through Kannel" "$(count "SELECT 1 FROM cases WHERE source = 'kannel'")" "$sent"
urgent=$(count "SELECT 1 FROM cases WHERE urgent = 1")
eq "urgent cases" "$urgent" "$ROUNDS"
eq "every urgent case has its 3 alerts sent" \
    "$(count "SELECT c.id FROM cases c JOIN outbox o ON o.case_id = c.id AND o.kind = 'alert' AND o.status IN ('sent', 'delivered') WHERE c.urgent = 1 GROUP BY c.id HAVING count(DISTINCT o.number) = 3")" "$urgent"

# Each alert (recipient and text) came out of the fake SMS centre.
sql "SELECT '9999 ' || number || ' text ' || text FROM outbox WHERE kind = 'alert'" |
    sort -u > "$OUT/alerts.want"
eq "alerts to look for" "$(wc -l < "$OUT/alerts.want")" $((urgent * 3))
all_alerts_out() {
	grep 'Got message [0-9]*: <' "$KANNEL_DIR/fakesmsc.log" |
	    "$KANNEL_BIN/mtdecode" | sort -u > "$OUT/mt.got"
	[ -z "$(comm -23 "$OUT/alerts.want" "$OUT/mt.got")" ]
}
_kwait_nudge "every alert at the fake SMS centre" 300 all_alerts_out ||
    fail "alerts missing at the SMS centre: $(comm -23 "$OUT/alerts.want" "$OUT/mt.got" | head -n 3)"
kannel_stop
finish
