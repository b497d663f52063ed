# A connection flood (issue 16): slowly trickling connections must neither
# outlive the per-request deadline (it is not restarted by each byte) nor
# keep /healthz and Kannel's /kannel/mo from answering, and descriptors
# running out must not make accept() spin or the log grow by a line per
# try.  The gateway runs with `ulimit -n 64` (cap 32), so this takes
# seconds; the flood (tests/tools/flood.py) targets 127.0.0.1 only and
# stops by itself.
. tests/regress/lib.sh
setup
printf 'secret\n' > "$OUT/kannel.pass"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = http://127.0.0.1:9/cgi-bin/sendsms
username = tinbao
password_file = kannel.pass
from = 9999
EOC

serve_limited() {
	(ulimit -n 64 && exec env "$@" "$TINBAO" -c "$CONF" serve) \
	    >> "$OUT/serve.log" 2>&1 &
	SERVE_PID=$!
	wait_for "modem up" grep -q "state connecting -> up" "$OUT/serve.log"
}

# CPU time (user + system, clock ticks) of the gateway so far.
ticks() {
	awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat"
}

serve_limited TINBAO_X=1
addr=$(http_addr)
check "cap below the descriptor limit" grep -q "http: at most 32 connections (descriptors 64)" "$OUT/serve.log"
check "the unit raises the descriptor limit" grep -q "^LimitNOFILE=8192" deploy/tinbao.service

# 1. Twenty connections, one byte each half second, for 13 s: the 10 s
#    deadline ends every one of them.
res=$(python3 tests/tools/flood.py "$addr" 20 13)
eq "trickling connections cut at the deadline" "$res" "opened=20 closed_by_server=20"

# 2. Four hundred connections (the cap is 32) while /healthz and a Kannel MO
#    are asked for: each answers.
python3 tests/tools/flood.py "$addr" 400 10 > "$OUT/flood.out" &
FLOOD=$!
sleep 2
ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	c=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://$addr/healthz")
	[ "$c" = 200 ] && ok=$((ok + 1))
	sleep 0.3
done
eq "healthz during the flood" "$ok" "10"
q='from=%2B84987700009&to=9999&text=chay+nha&coding=0&charset=UTF-8&id=flood-1&ts=1795868130'
eq "Kannel MO during the flood" "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://$addr/kannel/mo?$q")" "200"
wait $FLOOD
check "the flood's connections were ended" grep -q "closed_by_server=[1-9]" "$OUT/flood.out"
lines=$(grep -c "http: connections ended unfinished" "$OUT/serve.log")
check "one log line a minute for the cap, not one per connection ($lines)" [ "$lines" -le 2 ]
stop

# 3. The cap forced above the descriptor limit: accept() fails with EMFILE.
#    The listener pauses instead of spinning, one line is logged, and the
#    gateway answers again once the flood is gone.
: > "$OUT/serve.log"
serve_limited TINBAO_HTTP_MAXCONN=1000
addr=$(http_addr)
t0=$(ticks)
python3 tests/tools/flood.py "$addr" 150 6 > "$OUT/flood2.out"
t1=$(ticks)
check "EMFILE reached" grep -q "accept failed .*Too many open files" "$OUT/serve.log"
check "no busy loop on accept ($((t1 - t0)) ticks in 6 s)" [ $((t1 - t0)) -lt 150 ]
lines=$(wc -l < "$OUT/serve.log")
check "the log did not grow with each accept ($lines lines)" [ "$lines" -lt 40 ]
# The gateway answers again once the flood is gone: polled (it does within
# a second) for as long as the 11 s the last connections take to pass
# their deadline, which a fixed sleep waited for.
WAIT=14 wait_for "healthz after the flood" sh -c "[ \"\$(curl -s -o /dev/null -m 3 -w '%{http_code}' 'http://$addr/healthz')\" = 200 ]"
finish
