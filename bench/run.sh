#!/bin/sh
# bench/run.sh: tinbao against what a district would otherwise run
# (gammu-smsd + a RunOnReceive shell script), on the same machine and the
# same fake AT modem (tests/fakemodem, libGammu's real AT driver on a pty).
# Run by `make bench` after the build; see bench/RESULTS.md.
#
#   BENCH_QUICK=1   20 reports per system instead of BENCH_N (200)
#   BENCH_RUNS=n    repeat each reaction run n times, print medians (1)
#   BENCH_ONLY="floor tinbao smsd-default smsd-fast burst memory cost intake
#              pool-burst pool-single"  (the last two: bench/pool.sh)
#   BENCH_B2B=1     no random pause: the next report as soon as all is idle
#   BENCH_N_DEFAULT=n  reports for gammu-smsd at its defaults (BENCH_N)
#
# Reaction time = (alert's AT+CMGS body received by the modem) - (the SMS
# stored in the modem, +CMTI raised), both stamped by the fake modem
# (fakemodem -t), so no system times itself.  Reports are serialised: the
# next one is stored only when the previous one's sends are all done, after
# a random pause of 0..P seconds (P = the system's poll period), so arrivals
# fall at random points of a polling cycle as real ones do.
#
# Every process started is stopped by its PID on exit; temp dirs only.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
O=${O:-build}
TINBAO=$ROOT/tinbao
FAKEMODEM=$ROOT/$O/fakemodem
FMCTL=$ROOT/$O/fmctl
FLOOR=$ROOT/$O/bench_floor
COST=$ROOT/$O/bench_cost
SCHOOLS=$ROOT/deploy/sample/schools.csv
N=${BENCH_N:-200}
[ -n "${BENCH_QUICK:-}" ] && N=20
RUNS=${BENCH_RUNS:-1}
ONLY=${BENCH_ONLY:-floor tinbao smsd-default smsd-fast burst memory cost intake pool-burst pool-single}
POLICE=+84911100001
URGENT="Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu"

TMP=$(mktemp -d)	# under $TMPDIR, else /tmp
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -n "${BENCH_KEEP:-}" ] && echo "bench: kept $TMP" >&2 || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

want() { case " $ONLY " in *" $1 "*) return 0;; esac; return 1; }
say() { printf '%s\n' "$*"; }
die() { say "bench: $*" >&2; exit 1; }

# The tools.  gammu-smsd from Debian when missing (tests/tools/deps.sh).
if ! command -v gammu-smsd > /dev/null && { want smsd-default || want smsd-fast; }; then
	say "bench: installing gammu-smsd" >&2
	if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q gammu-smsd > /dev/null
	else sudo apt-get install -y -q gammu-smsd > /dev/null; fi ||
	    die "gammu-smsd is needed (apt-get install gammu-smsd)"
fi
for b in "$TINBAO" "$FAKEMODEM" "$FMCTL" "$FLOOR" $(want cost && echo "$COST"); do
	[ -x "$b" ] || die "$b missing: run make bench"
done

# Waits up to $2 seconds (default 30) for a shell condition $1.
waitc() {
	_w=0; _lim=$(( ${2:-30} * 20 ))
	while ! sh -c "$1" 2>/dev/null; do
		_w=$((_w + 1))
		[ $_w -gt $_lim ] && return 1
		sleep 0.05
	done
}

# Starts a fake modem in $1 (a directory): $1/modem, $1/ctl, $1/stamps.
modem_start() {
	"$FAKEMODEM" -l "$1/modem" -c "$1/ctl" -t "$1/stamps" 2> "$1/fakemodem.log" &
	PIDS="$PIDS $!"
	waitc "test -S '$1/ctl'" 10 || die "fake modem did not start"
}
fm() { d=$1; shift; "$FMCTL" "$d/ctl" "$@"; }
outs() { awk '/^OUT /{ n++ } END { print n + 0 }' "$1/stamps" 2>/dev/null || echo 0; }

# A random pause of 0..$1 seconds, in ms steps.
pause() {
	ms=$(awk -v p="$1" -v s="$(od -An -N4 -tu4 /dev/urandom)" \
	    'BEGIN { srand(s); printf "%.3f", rand() * p }')
	sleep "$ms"
}

# The reaction times of a run: per IN (a report from number R), the first
# OUT after it to a number other than R (the first alert; acks go to R).
# Prints one value in ms per report; the first report of a run is a
# warm-up (gammu-smsd finishes its start-up after it says so) and is left
# out.
latencies() {
	awk '$1 == "IN" { t = $2; from = $4; open = 1; nin++; next }
	     $1 == "OUT" && open && $4 != from { if (nin > 1) printf "%.1f\n", ($2 - t) / 1000; open = 0 }' "$1"
}

# p50 and p99 (nearest rank) of the values on stdin: "p50 p99 n".
pct() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "- - 0"; exit }
		i50 = int(NR * 0.50 + 0.999); i99 = int(NR * 0.99 + 0.999)
		printf "%.0f %.0f %d\n", v[i50], v[i99], NR }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

# Drives $N + 1 serialised reports (the first a warm-up) into modem dir
# $1; $2 is the command that says the system is idle again (all sends
# done), $3 the poll period.
drive() {
	d=$1; idle=$2; period=$3
	i=0
	while [ $i -le $N ]; do
		from=$(printf '+8498%07d' $((RANDOM_BASE + i)))
		before=$(outs "$d")
		fm "$d" SMSTEXT "$from" "$URGENT" > /dev/null || die "SMSTEXT failed"
		waitc "[ \$(grep -c '^OUT ' '$d/stamps') -gt $before ]" 60 ||
		    die "no alert for report $i ($d)"
		waitc "$idle" 60 || die "not idle after report $i ($d)"
		[ -n "${BENCH_B2B:-}" ] || pause "$period"
		i=$((i + 1))
	done
}
RANDOM_BASE=$(( $(od -An -N2 -tu2 /dev/urandom) * 10 ))

# --- the four systems ---------------------------------------------------

tinbao_conf() {	# tinbao_conf DIR DEVICE: a real config and directory
	cat > "$1/tinbao.conf" <<EOC
[gammu]
device = $2
connection = at

[tinbao]
database = tinbao.db
keyfile = secret.key
district = Thủ Thừa
alert_charset = gsm7

[http]
listen = 127.0.0.1:0

[escalation]
# Nobody answers NHAN here: without this, every case of a run escalates
# after 10 min and its level-2 alerts mix with the next reports' sends.
ack_timeout = 7d
# Every report here names the same school and category: joined to one
# incident they would alert nobody after the first (bench/pool.sh measures
# incidents).
incident_window = 0s
EOC
	"$TINBAO" -c "$1/tinbao.conf" db init > /dev/null 2>&1 &&
	"$TINBAO" -c "$1/tinbao.conf" import schools "$SCHOOLS" > /dev/null &&
	"$TINBAO" -c "$1/tinbao.conf" import contacts tests/data/contacts.csv > /dev/null ||
	    die "tinbao setup failed"
}
tinbao_start() {
	"$TINBAO" -c "$1/tinbao.conf" serve > "$1/serve.log" 2>&1 &
	TB_PID=$!
	PIDS="$PIDS $TB_PID"
	waitc "grep -q 'state connecting -> up' '$1/serve.log'" 60 ||
	    die "tinbao did not come up"
}
stop_pid() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
tinbao_idle() {
	echo "[ \"\$(sqlite3 -cmd '.timeout 5000' '$1/tinbao.db' \"SELECT count(*) FROM outbox WHERE status NOT IN ('sent','failed')\")\" = 0 ] && ! '$FMCTL' '$1/ctl' INBOX | grep -q IDX"
}

run_tinbao() {	# run_tinbao DIR
	d=$1; mkdir -p "$d"
	modem_start "$d"
	tinbao_conf "$d" "$d/modem"
	tinbao_start "$d"
	drive "$d" "$(tinbao_idle "$d")" 1
	stop_pid "$TB_PID"
}

run_floor() {
	d=$1; mkdir -p "$d"
	modem_start "$d"
	printf '[gammu]\ndevice = %s\nconnection = at\n' "$d/modem" > "$d/gammurc"
	"$FLOOR" "$d/gammurc" $((N + 1)) "$POLICE" > "$d/floor.out" 2> "$d/floor.log" &
	fp=$!; PIDS="$PIDS $fp"
	waitc "grep -q ready '$d/floor.out'" 60 || die "bench_floor did not start"
	drive "$d" "! '$FMCTL' '$d/ctl' INBOX | grep -q IDX" 1
	wait "$fp" 2>/dev/null
}

# gammu-smsd, files backend, with the script a district would write.
run_smsd() {	# run_smsd DIR fast|default
	d=$1; mkdir -p "$d/in" "$d/out" "$d/sent" "$d/err"
	modem_start "$d"
	cat > "$d/onreceive.sh" <<EOS
#!/bin/sh
# RunOnReceive: forward reports about weapons or violence to the police.
for f in "\$@"; do
	if grep -qiE 'dao|súng|đánh|chém|đâm|bạo lực|cứu' "$d/in/\$f"; then
		gammu-smsd-inject -c "$d/smsdrc" TEXT $POLICE -unicode -text "\$(cat "$d/in/\$f")" > /dev/null 2>&1
	fi
done
EOS
	chmod +x "$d/onreceive.sh"
	{
		printf '[gammu]\ndevice = %s\nconnection = at\n\n[smsd]\n' "$d/modem"
		printf 'service = files\ninboxformat = standard\n'
		printf 'inboxpath = %s/in/\noutboxpath = %s/out/\n' "$d" "$d"
		printf 'sentsmspath = %s/sent/\nerrorsmspath = %s/err/\n' "$d" "$d"
		printf 'logfile = %s/smsd.log\ndebuglevel = 0\n' "$d"
		printf 'runonreceive = %s/onreceive.sh\n' "$d"
		if [ "$2" = fast ]; then
			printf 'receivefrequency = 1\nloopsleep = 1\ncommtimeout = 1\n'
		fi
	} > "$d/smsdrc"
	gammu-smsd -c "$d/smsdrc" > /dev/null 2>&1 &
	sp=$!; PIDS="$PIDS $sp"
	waitc "grep -qi 'Starting phone communication' '$d/smsd.log'" 60 ||
	    die "gammu-smsd did not start"
	[ "$2" = fast ] && period=1 || period=15
	drive "$d" "[ -z \"\$(ls '$d/out')\" ] && ! '$FMCTL' '$d/ctl' INBOX | grep -q IDX" "$period"
	stop_pid "$sp"
}

# --- reaction time ------------------------------------------------------

REPORT=$TMP/report
: > "$REPORT"
# react NAME: runs it $RUNS times, prints and records "NAME p50 p99 n".
react() {
	name=$1; r=1
	: > "$TMP/$name.p50"; : > "$TMP/$name.p99"; total=0
	while [ $r -le $RUNS ]; do
		d=$TMP/$name.$r
		case $name in
		floor) run_floor "$d";;
		tinbao) run_tinbao "$d";;
		smsd-default)	# ~40 s a report: BENCH_N_DEFAULT can cut it
			n_all=$N; N=${BENCH_N_DEFAULT:-$N}
			run_smsd "$d" default
			N=$n_all;;
		smsd-fast) run_smsd "$d" fast;;
		esac
		set -- $(latencies "$d/stamps" | pct)
		echo "$1" >> "$TMP/$name.p50"; echo "$2" >> "$TMP/$name.p99"
		total=$((total + $3))
		r=$((r + 1))
	done
	p50=$(median < "$TMP/$name.p50"); p99=$(median < "$TMP/$name.p99")
	echo "$name $p50 $p99 $total" >> "$REPORT"
	printf '  %-14s p50 %6s ms   p99 %6s ms   (%d reports, %d run(s))\n' \
	    "$name" "$p50" "$p99" "$total" "$RUNS"
}
val() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$REPORT"; }

say "tinbao benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say ""
if want floor || want tinbao || want smsd-default || want smsd-fast; then
	say "reaction time, urgent SMS stored on the modem -> first alert PDU on the wire"
	for s in floor tinbao smsd-fast smsd-default; do
		want "$s" && react "$s"
	done
	f=$(val floor 2); t=$(val tinbao 2); g=$(val smsd-fast 2); gd=$(val smsd-default 2)
	if [ -n "$t" ] && [ -n "$f" ]; then
		say "  tinbao - floor (p50):          $((t - f)) ms   (target <= 100)"
	fi
	if [ -n "$t" ] && [ -n "$g" ]; then
		say "  tinbao / smsd-fast (p50):      $(awk -v a="$t" -v b="$g" 'BEGIN { printf "%.2f", a / b }')   (target <= 0.70)"
	fi
	if [ -n "$t" ] && [ -n "$gd" ]; then
		say "  tinbao / smsd-default (p50):   $(awk -v a="$t" -v b="$gd" 'BEGIN { printf "%.2f", a / b }')"
	fi
	say ""
fi

# --- burst: 50 reports at once, the first urgent alert -------------------
if want burst; then
	say "burst: 50 reports stored at once (1 urgent among 49 ordinary), time to the urgent alert"
	d=$TMP/burst; mkdir -p "$d"
	modem_start "$d"
	tinbao_conf "$d" "$d/modem"
	tinbao_start "$d"
	# The SIM has 20 slots: the burst is 19 ordinary reports, the
	# urgent one last, then 30 more as slots free up; every one wants an
	# acknowledgement, which must not go out before the police alert.
	i=1
	while [ $i -le 19 ]; do
		fm "$d" SMSTEXT "$(printf '+8498%07d' $((RANDOM_BASE + 5000 + i)))" "Lớp em hay bị nói tục, mong thầy cô nhắc nhở $i" > /dev/null
		i=$((i + 1))
	done
	fm "$d" SMSTEXT +84987654321 "$URGENT" > /dev/null
	while [ $i -le 49 ]; do
		if fm "$d" SMSTEXT "$(printf '+8498%07d' $((RANDOM_BASE + 5000 + i)))" "Lớp em hay bị nói tục, mong thầy cô nhắc nhở $i" > /dev/null 2>&1; then
			i=$((i + 1))
		else
			sleep 0.05
		fi
	done
	waitc "grep -q '^OUT [0-9]* [0-9-]* $POLICE' '$d/stamps'" 120 || die "no urgent alert in the burst"
	tin=$(awk '$1 == "IN" && $4 == "+84987654321" { print $2 }' "$d/stamps")
	# The urgent case's first alert, to whichever officer it goes first
	# (as for a single report); the directory's numbers are +849111000NN,
	# the reporters' +8498...
	tout=$(awk '$1 == "OUT" && $4 ~ /^\+849111000/ { print $2; exit }' "$d/stamps")
	before=$(awk -v t="$tout" '$1 == "OUT" && $2 < t' "$d/stamps" | wc -l)
	b=$(( (tout - tin) / 1000 ))
	stop_pid "$TB_PID"
	t=$(val tinbao 2)
	say "  urgent alert after $b ms; $before other SMS went out before it"
	[ -n "$t" ] && say "  burst / single report (p50):   $(awk -v a="$b" -v b="$t" 'BEGIN { printf "%.2f", a / b }')"
	say ""
fi

# --- a SIM pool: 1, 2, 3 modems (bench/pool.sh) -------------------------
. bench/pool.sh

# --- memory -------------------------------------------------------------
. bench/memory.sh

# --- SMS cost -----------------------------------------------------------
if want cost; then
	say "SMS cost on tests/data/eval.jsonl (tinbao's real formatting code)"
	"$COST" "$SCHOOLS" tests/data/eval.jsonl | sed 's/^/  /'
	say ""
fi

# --- intake throughput (another helper's bench/intake.sh) ---------------
if want intake; then
	say "intake throughput through Kannel (bench/intake.sh)"
	sh bench/intake.sh | sed 's/^/  /'
fi
