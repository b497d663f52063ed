# Shared helpers for the regress tests: each test sources this file, calls
# setup, starts the real `tinbao serve` against libGammu's dummy phone and
# asserts on what a user or a peer sees (the CLI's JSON, the database rows,
# the phone's folder).  Every process started is stopped by its PID.

set -u
# Secret files and the database must not be open to others, or the
# gateway refuses to start (secretfile.c): every file a test makes is 0600.
umask 077
: "${TINBAO:?TINBAO must point at the tinbao binary}"
TEST=$(basename "$0" .sh)
OUT=${TINBAO_TEST_OUT:-$(pwd)/tests/out}/$TEST
SERVE_PID=""
FAILED=0

# Office hours that are not now (they open in two hours), so that a test
# that is not about the triage net sees no triage notice and no untriaged
# escalation, whenever it runs.  t_triage.sh sets OFFICE_HOURS itself.
closed_hours() {
	echo "$(date -d '+2 hours' +%H):00-$(date -d '+3 hours' +%H):00 Mon-Sun"
}

setup() {
	rm -rf "$OUT"
	mkdir -p "$OUT/phone"
	CONF=$OUT/tinbao.conf
	cat > "$CONF" <<EOC
[gammu]
model = dummy
connection = none
device = phone

[tinbao]
database = tinbao.db
keyfile = secret.key
district = Thủ Thừa
poll_interval = 1s
multipart_timeout = ${MULTIPART_TIMEOUT:-4s}
send_timeout = 5s
send_interval = ${SEND_INTERVAL:-0s}
digest_time = ${DIGEST_TIME:-17:00}
alert_charset = ${ALERT_CHARSET:-gsm7}

[escalation]
ack_timeout = ${ACK_TIMEOUT:-10m}
incident_window = ${INCIDENT_WINDOW:-0s}

[http]
listen = 127.0.0.1:0

[triage]
notify_interval = ${NOTIFY_INTERVAL:-15m}
office_hours = ${OFFICE_HOURS:-$(closed_hours)}
untriaged_timeout = ${UNTRIAGED_TIMEOUT:-4h}
EOC
	"$TINBAO" -c "$CONF" db init > "$OUT/dbinit.log" 2>&1 ||
	    fail "db init failed: $(cat "$OUT/dbinit.log")"
}

# The sample school directory, in the repository (deploy/sample/README.md).
SCHOOLS=$(cd "$(dirname "$0")/../.." && pwd)/deploy/sample/schools.csv

# Loads the school directory and the test contacts.
# The directory's gaps are warnings on stderr: kept in import.log.
directory() {
	tb import schools "$SCHOOLS" > /dev/null 2>> "$OUT/import.log" ||
	    fail "import schools"
	tb import contacts tests/data/contacts.csv > /dev/null \
	    2>> "$OUT/import.log" || fail "import contacts"
}

# Counts rows of a SQL query's result.
count() {
	sql "SELECT count(*) FROM ($1)"
}

# The code of the newest case.
newest() {
	tb reports --json | tail -n 1 | jq -r .code
}

# Waits until a SQL count reaches n.
wait_count() {
	what=$1; q=$2; n=$3
	wait_for "$what" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT count(*) FROM ($q)\")\" -ge $n ]"
}

# Starts the fake AT modem and points [gammu] at it (libGammu's real AT
# driver on a pty); fm talks to its control socket.  Stopped on exit.
fakemodem_setup() {
	: "${FAKEMODEM:?}" "${FMCTL:?}"
	LINK=$OUT/modem
	CTL=$OUT/modem.ctl
	"$FAKEMODEM" -l "$LINK" -c "$CTL" 2> "$OUT/fakemodem.log" &
	FM_PID=$!
	trap 'stop; kill $FM_PID 2>/dev/null' EXIT
	wait_for "fake modem" test -S "$CTL"
	sed -i -e "s|^model = dummy|connection = at|" \
	    -e "/^connection = none/d" -e "s|^device = .*|device = $LINK|" \
	    "$CONF"
}

fm() {
	"$FMCTL" "$CTL" "$@"
}

tb() {
	"$TINBAO" -c "$CONF" "$@"
}

start() {
	env ${CRASHPOINT:+TINBAO_CRASHPOINT=$CRASHPOINT} \
	    "$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
	SERVE_PID=$!
	wait_for "modem up" grep -q "state connecting -> up" "$OUT/serve.log"
}

# The address the gateway's HTTP listener took (port 0: any free port).
http_addr() {
	sed -n 's/.*http: listening on \([0-9.:]*\).*/\1/p' "$OUT/serve.log" | tail -n 1
}

stop() {
	if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
		kill -TERM "$SERVE_PID"
		wait "$SERVE_PID" 2>/dev/null
	fi
	SERVE_PID=""
}

# Waits (up to $WAIT seconds, default 15) until the command succeeds.
wait_for() {
	what=$1; shift
	i=0
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt $((${WAIT:-15} * 10)) ]; then
			fail "timed out waiting for: $what"
			return 1
		fi
		sleep 0.1
	done
}

fail() {
	echo "FAIL $TEST: $*"
	FAILED=1
	return 1
}

check() {
	what=$1; shift
	if "$@"; then :; else fail "$what"; fi
}

eq() {
	what=$1; got=$2; want=$3
	[ "$got" = "$want" ] || fail "$what: got '$got', want '$want'"
}

ncases() {
	tb reports --json | wc -l
}

sql() {
	sqlite3 -cmd ".timeout 5000" "$OUT/tinbao.db" "$1"
}

finish() {
	stop
	if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" \
	    "$OUT/serve.log" 2>/dev/null; then
		fail "sanitizer report in serve.log"
	fi
	if [ "$FAILED" -ne 0 ]; then
		echo "--- $TEST: serve.log"
		tail -n 40 "$OUT/serve.log" 2>/dev/null
		exit 1
	fi
	echo "ok $TEST"
	rm -rf "$OUT"
	exit 0
}

trap 'stop' EXIT
