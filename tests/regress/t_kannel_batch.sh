# Group commit of the Kannel intake: 500 MOs over 50 concurrent keep-alive
# connections (bench/intake_load, as smsbox sends them), every 10th one the
# previous MO again, sent right behind it: every request is answered 200,
# each distinct MO is exactly one message and one case, the duplicates are
# stored once, alerts are queued, and MOs were in fact committed in
# batches.  Then a batch that cannot be committed (another process holds
# the write lock longer than the busy timeout) answers 503 to every one of
# its requests and stores nothing, and Kannel's retry of the same MOs
# succeeds once the lock is gone.
. tests/regress/lib.sh
LOAD=${INTAKE_LOAD:-./build/intake_load}
LOCK_PID=""
cleanup() {
	[ -n "$LOCK_PID" ] && kill "$LOCK_PID" 2>/dev/null
	stop
}
trap cleanup EXIT
setup
directory
sed -i '/^\[gammu\]/,/^$/d' "$CONF"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = http://127.0.0.1:9/cgi-bin/sendsms
EOC
TINBAO_BUSY_MS=300 "$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
SERVE_PID=$!
wait_for "listening" grep -q "http: listening" "$OUT/serve.log"
addr=$(http_addr)

"$LOAD" -a "$addr" -n 500 -c 50 -D 10 -p batch > "$OUT/load.out" 2>&1
eq "every MO answered 200" "$?" "0"
eq "load summary" "$(sed 's/ secs=.*//' "$OUT/load.out")" \
    "sent=500 ok=500 dup=49 s503=0 other=0"
eq "one message per distinct MO" "$(count "SELECT 1 FROM messages WHERE direction = 'in'")" "451"
eq "one case per distinct MO" "$(count "SELECT 1 FROM cases")" "451"
eq "no text twice" "$(count "SELECT text FROM messages WHERE direction = 'in' GROUP BY text HAVING count(*) > 1")" "0"
eq "the repeated ones once" "$(count "SELECT 1 FROM cases WHERE text LIKE '%(9)' OR text LIKE '%(99)' OR text LIKE '%(489)'")" "3"
check "alerts queued" test "$(count "SELECT 1 FROM outbox WHERE kind = 'alert'")" -gt 0
check "acks queued" test "$(count "SELECT 1 FROM outbox WHERE kind = 'ack'")" -ge 451
check "batches of more than one MO" grep -Eq "kannel batch mos=([2-9]|[1-9][0-9]+) " "$OUT/serve.log"
check "batches add up" test "$(sed -n 's/.*kannel batch mos=\([0-9]*\) stored=\([0-9]*\) duplicates=\([0-9]*\).*/\2 \3/p' "$OUT/serve.log" | awk '{s += $1; d += $2} END {print s "/" d}')" = "451/49"
check "no number in the log" sh -c "! grep -q 8498000 '$OUT/serve.log'"

# Another process takes the write lock and keeps it: a batch cannot begin
# within the busy timeout (300 ms here), so none of it is stored and
# every request in it hears 503.
python3 - "$OUT/tinbao.db" "$OUT/locked" "$OUT/release" <<'EOP' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
for _ in range(300):
	if os.path.exists(sys.argv[3]):
		break
	time.sleep(0.1)
db.execute("ROLLBACK")
EOP
LOCK_PID=$!
wait_for "lock held" test -e "$OUT/locked"
before=$(grep -c "kannel batch" "$OUT/serve.log")
"$LOAD" -a "$addr" -n 20 -c 20 -p lock -s 5000 > "$OUT/load2.out" 2>&1
eq "locked: every MO refused" "$(sed 's/ secs=.*//' "$OUT/load2.out")" \
    "sent=20 ok=0 dup=0 s503=20 other=0"
check "failed batches logged" grep -q "kannel: batch of [0-9]* not stored" "$OUT/serve.log"
touch "$OUT/release"
wait "$LOCK_PID"
LOCK_PID=""
eq "nothing of the failed batches stored" "$(count "SELECT 1 FROM cases")" "451"
"$LOAD" -a "$addr" -n 20 -c 20 -p lock -s 5000 > "$OUT/load3.out" 2>&1
eq "Kannel's retry succeeds" "$(sed 's/ secs=.*//' "$OUT/load3.out")" \
    "sent=20 ok=20 dup=0 s503=0 other=0"
eq "retried MOs stored once" "$(count "SELECT 1 FROM cases")" "471"
"$LOAD" -a "$addr" -n 20 -c 5 -p lock -s 5000 > "$OUT/load4.out" 2>&1
eq "a second retry is a duplicate" "$(count "SELECT 1 FROM cases")" "471"
[ "$before" -ge 1 ] || fail "no batch before the lock"
finish
