# bench/pool.sh, sourced by bench/run.sh: tinbao with a SIM pool of 1, 2
# and 3 fake modems (Viettel, VinaPhone, MobiFone SIMs; the directory's
# carriers mixed by bench/carriers.txt; reporters on Viettel numbers).
#
# pool-burst: 20 urgent reports stored at once on the first modem (its
# SIM's 20 slots), from 20 numbers, about 20 different schools' worth of
# alerts to the same officers.  Figures from the modems' own stamps
# (bench/pool.py): first report stored -> the last alert of the last case
# on the wire, p50/p90 of per-case "all responders alerted", SMS parts
# per report and the on-net share.
# pool-single: BENCH_N serialised reports with 3 modems, first alert's
# reaction time as for `tinbao` above (compare with `floor`).

pool_conf() {	# pool_conf DIR NMODEMS INCIDENT_WINDOW
	{
		printf '[tinbao]\ndatabase = tinbao.db\nkeyfile = secret.key\n'
		printf 'district = Thủ Thừa\nalert_charset = gsm7\n'
		printf 'carriers = %s\n' "$ROOT/bench/carriers.txt"
		printf '\n[http]\nlisten = 127.0.0.1:0\n\n[escalation]\nack_timeout = 7d\n'
		printf 'incident_window = %s\n' "$3"
		k=0
		for c in viettel vinaphone mobifone; do
			[ $k -lt "$2" ] || break
			s=$k; [ $k -eq 0 ] && s=
			printf '\n[gammu%s]\ndevice = %s\nconnection = at\n' "$s" "$1/m$k/modem"
			printf '[modem%s]\ncarrier = %s\n' "$s" "$c"
			echo "$c" > "$1/m$k/carrier"
			k=$((k + 1))
		done
	} > "$1/tinbao.conf"
	"$TINBAO" -c "$1/tinbao.conf" db init > /dev/null 2>&1 &&
	"$TINBAO" -c "$1/tinbao.conf" import schools "$SCHOOLS" > /dev/null &&
	"$TINBAO" -c "$1/tinbao.conf" import contacts tests/data/contacts.csv > /dev/null ||
	    die "tinbao setup failed"
}
pool_start() {	# pool_start DIR NMODEMS
	"$TINBAO" -c "$1/tinbao.conf" serve > "$1/serve.log" 2>&1 &
	TB_PID=$!
	PIDS="$PIDS $TB_PID"
	waitc "[ \$(grep -c 'state connecting -> up' '$1/serve.log') -ge $2 ]" 90 ||
	    die "tinbao did not come up with $2 modems"
}
pool_run() {	# pool_run DIR NMODEMS INCIDENT_WINDOW: the burst
	pd=$1; k=0
	while [ $k -lt "$2" ]; do
		mkdir -p "$pd/m$k"; modem_start "$pd/m$k"; k=$((k + 1))
	done
	pool_conf "$pd" "$2" "$3"
	pool_start "$pd" "$2"
	sleep 2
	i=1
	while [ $i -le 20 ]; do
		fm "$pd/m0" SMSTEXT "$(printf '+8498%07d' $((RANDOM_BASE + 7000 + i)))" \
		    "$URGENT (em thu $i)" > /dev/null || die "SMSTEXT $i"
		i=$((i + 1))
	done
	waitc "[ \$(sqlite3 '$pd/tinbao.db' \"SELECT count(*) FROM cases\") -ge 20 ] && $(tinbao_idle "$pd")" 300 ||
	    die "the burst did not drain ($2 modems)"
	k=0
	while [ $k -lt "$2" ]; do
		fm "$pd/m$k" SENTDECODED > "$pd/m$k/sent"; k=$((k + 1))
	done
	stop_pid "$TB_PID"
	python3 bench/pool.py "$pd" "$2" bench/carriers.txt
	k=0
	while [ $k -lt "$2" ]; do
		fm "$pd/m$k" QUIT > /dev/null 2>&1; k=$((k + 1))
	done
}

if want pool-burst; then
	say "SIM pool: 20 urgent reports stored at once on the first modem"
	# Not through $(...): the modems and tinbao started in it would
	# hold its pipe open.
	for nm in 1 2 3; do
		r=1
		while [ $r -le "$RUNS" ]; do
			pool_run "$TMP/pool$nm.$r" $nm 0s > "$TMP/pool.out" ||
			    exit 1
			say "  $(cat "$TMP/pool.out")"
			cat "$TMP/pool.out" >> "$TMP/pool.$nm"
			r=$((r + 1))
		done
	done
	b1=$(sed 's/.*burst_ms=\([0-9]*\).*/\1/' "$TMP/pool.1" | median)
	for nm in 2 3; do
		bn=$(sed 's/.*burst_ms=\([0-9]*\).*/\1/' "$TMP/pool.$nm" | median)
		say "  burst $nm modems / 1 modem (median): $(awk -v a="$bn" -v b="$b1" 'BEGIN { printf "%.2f", a / b }')   (target $( [ $nm -eq 2 ] && echo '<= 0.55' || echo '<= 0.40'))"
	done
	say "  the same burst as one incident (incident_window = 10m):"
	for nm in 1 3; do
		pool_run "$TMP/pooli$nm" $nm 10m > "$TMP/pool.out" || exit 1
		say "  $(cat "$TMP/pool.out")"
	done
	say ""
fi

if want pool-single; then
	say "SIM pool: single report, 3 modems, first alert (compare floor above)"
	ps=$TMP/poolsingle; mkdir -p "$ps"
	for k in 0 1 2; do mkdir -p "$ps/m$k"; modem_start "$ps/m$k"; done
	pool_conf "$ps" 3 0s
	pool_start "$ps" 3
	drive "$ps/m0" "$(tinbao_idle "$ps")" 1
	stop_pid "$TB_PID"
	sort -n -k2 "$ps/m0/stamps" "$ps/m1/stamps" "$ps/m2/stamps" > "$ps/all.stamps"
	set -- $(latencies "$ps/all.stamps" | pct)
	say "  tinbao-3-modems p50 $1 ms   p99 $2 ms   ($3 reports)"
	f=$(val floor 2)
	[ -n "$f" ] && say "  tinbao-3-modems - floor (p50):  $(( $1 - f )) ms   (target <= 100)"
	say ""
fi
