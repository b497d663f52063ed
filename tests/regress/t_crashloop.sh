# Crash safety under a steady flow: reports keep arriving while the
# gateway is killed with SIGKILL at random moments and restarted, for
# CRASH_ROUNDS rounds (50 by default).  Afterwards every received SMS is
# exactly one message and one case, every urgent case's alerts went out at
# least once to each recipient, and every acknowledgement at least once.
. tests/regress/lib.sh
ROUNDS=${CRASH_ROUNDS:-50}
setup
directory
rand_ms() {	# a random delay from 50 to 1049 ms, as seconds for sleep
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	printf '0.%03d' $((n % 1000))
}
mkdir -p "$OUT/phone/sms/1"
sent=0
round=1
while [ $round -le "$ROUNDS" ]; do
	# Three reports per round from three new phones, one of them urgent.
	tb inject --from "+849871$(printf %05d $((round * 3)))" "Vòng $round: có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
	tb inject --from "+849871$(printf %05d $((round * 3 + 1)))" "Vòng $round: bạn Lan lớp 6 bị trêu chọc hoài" > /dev/null
	tb inject --from "+849871$(printf %05d $((round * 3 + 2)))" "Vòng $round: có người lấy trộm xe đạp ở nhà xe" > /dev/null
	sent=$((sent + 3))
	"$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
	SERVE_PID=$!
	sleep "$(rand_ms)"
	kill -KILL "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=""
	round=$((round + 1))
done

# The last start runs to the end.
start
WAIT=120 wait_for "every SMS read" sh -c "[ -z \"\$(ls '$OUT/phone/sms/1')\" ]"
WAIT=120 wait_for "the outbox drained" sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')\") -eq 0 ]"
eq "every SMS one message" "$(count "SELECT 1 FROM messages")" "$sent"
eq "every SMS one case" "$(count "SELECT 1 FROM cases")" "$sent"
eq "no text twice" "$(count "SELECT text FROM cases GROUP BY text HAVING count(*) > 1")" "0"
urgent=$(count "SELECT 1 FROM cases WHERE urgent = 1")
eq "urgent cases" "$urgent" "$ROUNDS"
eq "every urgent case alerted to its 3 recipients" \
    "$(count "SELECT c.id FROM cases c JOIN outbox o ON o.case_id = c.id AND o.kind = 'alert' AND o.status = 'sent' WHERE c.urgent = 1 GROUP BY c.id HAVING count(DISTINCT o.number) = 3")" "$urgent"
eq "every case acknowledged" "$(count "SELECT c.id FROM cases c JOIN outbox o ON o.case_id = c.id AND o.kind = 'ack' AND o.status = 'sent' GROUP BY c.id")" "$sent"
finish
