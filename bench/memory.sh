# bench/memory.sh, sourced by bench/run.sh: tinbao's resident memory idle
# after start, right after BENCH_MEM_N (100,000; 5,000 with BENCH_QUICK)
# reports, and idle again 10 s later.  The reports go through the real
# router and store via /kannel/mo (what Kannel's get-url calls: commit,
# then 200), the fastest honest path in; replies and alerts go out to a
# sendsms stand-in (bench/load.py sink), unpaced (send_interval = 0s: the
# 1 s pacing is for a modem), so the outbox drains as in use.
if want memory; then
	MN=${BENCH_MEM_N:-100000}
	[ -n "${BENCH_QUICK:-}" ] && MN=${BENCH_MEM_N:-5000}
	say "memory: tinbao's RSS idle, after $MN reports through /kannel/mo, idle again"
	d=$TMP/memory; mkdir -p "$d"
	python3 bench/load.py sink "$d/sink.port" &
	PIDS="$PIDS $!"
	waitc "test -s '$d/sink.port'" 10 || die "sink did not start"
	echo bench > "$d/kannel.pass"
	chmod 600 "$d/kannel.pass"
	cat > "$d/tinbao.conf" <<EOC
[tinbao]
database = tinbao.db
keyfile = secret.key
district = Thủ Thừa
alert_charset = gsm7
send_interval = 0s

[http]
listen = 127.0.0.1:0

[kannel]
sendsms_url = http://127.0.0.1:$(cat "$d/sink.port")/cgi-bin/sendsms
username = tinbao
password_file = kannel.pass
from = 9999
EOC
	"$TINBAO" -c "$d/tinbao.conf" db init > /dev/null 2>&1 &&
	"$TINBAO" -c "$d/tinbao.conf" import schools "$SCHOOLS" > /dev/null &&
	"$TINBAO" -c "$d/tinbao.conf" import contacts tests/data/contacts.csv > /dev/null ||
	    die "tinbao setup failed"
	"$TINBAO" -c "$d/tinbao.conf" serve > "$d/serve.log" 2>&1 &
	TB_PID=$!; PIDS="$PIDS $TB_PID"
	waitc "grep -q 'http: listening on' '$d/serve.log'" 30 || die "tinbao did not listen"
	addr=$(sed -n 's/.*http: listening on \([0-9.:]*\).*/\1/p' "$d/serve.log" | tail -n 1)
	rss() { awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%.1f %.1f", r / 1024, h / 1024 }' "/proc/$TB_PID/status"; }
	sleep 2
	set -- $(rss); idle_rss=$1
	say "  idle after start:    VmRSS $1 MB  (VmHWM $2 MB)   (target < 16 MB)"
	set -- $(python3 bench/load.py mo "$addr" "$MN" tests/data/eval.jsonl)
	load_s=$2
	set -- $(rss); after=$1
	say "  after $MN reports:  VmRSS $1 MB  (VmHWM $2 MB)   ($load_s s, $(awk -v n="$MN" -v s="$load_s" 'BEGIN { printf "%.0f", n / s }') reports/s)"
	waitc "[ \"\$(sqlite3 -cmd '.timeout 5000' '$d/tinbao.db' \"SELECT count(*) FROM outbox WHERE status NOT IN ('sent','failed')\")\" = 0 ]" 900 ||
	    say "  (outbox not drained after 15 min: idle figure taken anyway)"
	sleep 10
	set -- $(rss)
	say "  idle again:          VmRSS $1 MB  (VmHWM $2 MB)   growth over idle: $(awk -v a="$1" -v b="$idle_rss" 'BEGIN { printf "%+.1f", a - b }') MB"
	say "  stored: $(sqlite3 -cmd '.timeout 5000' "$d/tinbao.db" 'SELECT count(*) FROM messages') messages, $(sqlite3 -cmd '.timeout 5000' "$d/tinbao.db" 'SELECT count(*) FROM cases') cases"
	stop_pid "$TB_PID"
	say ""
fi
