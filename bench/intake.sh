#!/bin/sh
# The Kannel intake benchmark (issue 8; method and results in
# bench/INTAKE.md).  Run from the repository root: `make bench-intake`.
#
# For each run: a fresh database in a temporary folder with the school
# directory and the test contacts imported (so urgent reports queue real
# alerts), `tinbao serve` with Kannel only on a free 127.0.0.1 port, then
# build/intake_load sends N reports (unique ids and senders, varied
# Vietnamese texts) over C concurrent keep-alive connections, one request
# in flight on each, as smsbox does.  Reports/s counts from the first send
# to the last 200; afterwards the number of cases must equal N.  Three runs
# with group commit, three with TINBAO_KANNEL_BATCH=1 (one transaction
# per report, as before), three of build/commit_rate (one INSERT + COMMIT
# per row, WAL, synchronous=FULL) in the same folder; medians printed.
#
#   N=20000 C=64 RUNS=3 BENCH_DIR=/some/dir sh bench/intake.sh
set -u
: "${TINBAO:=./tinbao}"
N=${N:-20000}
C=${C:-64}
RUNS=${RUNS:-3}
ROWS=${ROWS:-3000}
BIN=${INTAKE_BIN:-./build}
SCHOOLS=$(cd "$(dirname "$0")/.." && pwd)/deploy/sample/schools.csv
for f in "$TINBAO" "$BIN/intake_load" "$BIN/commit_rate" "$BIN/freeport"; do
	[ -x "$f" ] || { echo "intake.sh: $f missing (make bench-intake)" >&2; exit 2; }
done
DIR=${BENCH_DIR:-$(mktemp -d)}	# under $TMPDIR, else /tmp
mkdir -p "$DIR"
SERVE_PID=""
cleanup() {
	if [ -n "$SERVE_PID" ]; then
		kill -TERM "$SERVE_PID" 2>/dev/null
		wait "$SERVE_PID" 2>/dev/null
	fi
	[ -n "${BENCH_DIR:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

field() {
	sed -n "s/.* $1=\\([0-9.]*\\).*/\\1/p"
}

# One run: $1 is a label, the environment gives TINBAO_KANNEL_BATCH or not.
run() {
	d=$DIR/$1
	rm -rf "$d"
	mkdir -p "$d"
	port=$("$BIN/freeport" 1)
	cat > "$d/tinbao.conf" <<EOC
[tinbao]
database = tinbao.db
keyfile = secret.key
district = Thủ Thừa

[kannel]
sendsms_url = http://127.0.0.1:9/cgi-bin/sendsms

[http]
listen = 127.0.0.1:$port
EOC
	"$TINBAO" -c "$d/tinbao.conf" db init > "$d/init.log" 2>&1 &&
	"$TINBAO" -c "$d/tinbao.conf" import schools "$SCHOOLS" \
	    >> "$d/init.log" 2>&1 &&
	"$TINBAO" -c "$d/tinbao.conf" import contacts tests/data/contacts.csv \
	    >> "$d/init.log" 2>&1 || { cat "$d/init.log" >&2; exit 1; }
	"$TINBAO" -c "$d/tinbao.conf" serve > "$d/serve.log" 2>&1 &
	SERVE_PID=$!
	i=0
	until grep -q "http: listening" "$d/serve.log" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 200 ] || { echo "intake.sh: tinbao did not start" >&2; cat "$d/serve.log" >&2; exit 1; }
		sleep 0.05
	done
	"$BIN/intake_load" -a "127.0.0.1:$port" -n "$N" -c "$C" -p "$1" \
	    > "$d/load.out" 2>&1 || { echo "intake.sh: $1: not every report answered 200:" >&2; cat "$d/load.out" >&2; exit 1; }
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID"
	SERVE_PID=""
	cases=$(sqlite3 "$d/tinbao.db" "SELECT count(*) FROM cases")
	alerts=$(sqlite3 "$d/tinbao.db" "SELECT count(*) FROM outbox WHERE kind = 'alert'")
	[ "$cases" -eq "$N" ] || { echo "intake.sh: $1: $cases cases for $N reports" >&2; exit 1; }
	echo "$1: $(cat "$d/load.out") cases=$cases alerts=$alerts" >&2
	cat "$d/load.out"
	rm -rf "$d"
}

: > "$DIR/group"; : > "$DIR/single"; : > "$DIR/base"
r=1
while [ "$r" -le "$RUNS" ]; do
	unset TINBAO_KANNEL_BATCH
	run "group$r" >> "$DIR/group"
	TINBAO_KANNEL_BATCH=1 run "single$r" >> "$DIR/single"
	unset TINBAO_KANNEL_BATCH
	"$BIN/commit_rate" "$DIR" "$ROWS" >> "$DIR/base" ||
	    { echo "intake.sh: commit_rate failed" >&2; exit 1; }
	echo "baseline$r: $(tail -n 1 "$DIR/base")" >&2
	r=$((r + 1))
done

g=$(field rate < "$DIR/group" | median)
gp50=$(field p50_ms < "$DIR/group" | median)
gp99=$(field p99_ms < "$DIR/group" | median)
s=$(field rate < "$DIR/single" | median)
sp50=$(field p50_ms < "$DIR/single" | median)
sp99=$(field p99_ms < "$DIR/single" | median)
b=$(sed -n 's/.*rate=\([0-9.]*\).*/\1/p' "$DIR/base" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "intake: $g reports/s (median of $RUNS, N=$N, C=$C), baseline $b commits/s, ratio $(ratio "$g" "$b"), p50 ${gp50} ms, p99 ${gp99} ms"
echo "intake without group commit: $s reports/s (median of $RUNS), baseline $b commits/s, ratio $(ratio "$s" "$b"), p50 ${sp50} ms, p99 ${sp99} ms"
echo "intake group commit vs one commit per report: ratio $(ratio "$g" "$s")"
