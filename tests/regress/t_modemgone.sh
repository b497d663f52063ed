# The modem gone for a long while (the fake AT modem unplugged): the
# reconnect backoff walks up to its cap and stays there (the cap scaled
# down to 4 s with TINBAO_MODEM_BACKOFF_MAX so that this takes seconds,
# not minutes: the real cap is 60 s), the gateway keeps running and
# serving HTTP, /healthz says the modem is down, alerts that come due
# meanwhile wait in the outbox without using up their attempts, and when
# the modem is back an SMS that arrived on the SIM meanwhile becomes a
# case and the waiting alerts go out on the wire.
. tests/regress/lib.sh
setup
directory
fakemodem_setup
export TINBAO_MODEM_BACKOFF_MAX=4
WAIT=30 start
unset TINBAO_MODEM_BACKOFF_MAX
check "the knob logged" grep -q "reconnect backoff capped at 4s" "$OUT/serve.log"
addr=$(http_addr)
code() {
	curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$addr/healthz"
}

fm SMSTEXT +84987980001 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
WAIT=30 wait_count "the case" "SELECT 1 FROM cases" 1
WAIT=40 wait_count "level-1 alerts and the ack out" "SELECT 1 FROM outbox WHERE status IN ('sent', 'failed')" 4
wait_for "healthz 200" sh -c "[ \$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://$addr/healthz) = 200 ]"

# Gone.  libGammu first times out the command in hand, then every
# reconnect fails at once: 1 s, 2 s, 4 s, 4 s, 4 s...
fm UNPLUG > /dev/null
WAIT=90 wait_for "the link lost" grep -q "modem: state up -> down" "$OUT/serve.log"
WAIT=60 wait_for "backoff at its cap three times" sh -c "[ \$(grep -c 'modem: connect failed.*retry_in=4s' '$OUT/serve.log') -ge 3 ]"
check "backoff doubled from 1 s" sh -c "grep 'modem: connect failed' '$OUT/serve.log' | sed -n 's/.*retry_in=\([0-9]*\)s.*/\1/p' | head -n 3 | tr '\n' ' ' | grep -qx '1 2 4 '"
check "never above the cap" sh -c "! grep 'modem: connect failed' '$OUT/serve.log' | grep -v 'retry_in=[124]s'"
eq "healthz 503 while gone" "$(code)" "503"
h=$(curl -s -m 2 "http://$addr/healthz")
check "healthz says the modem is down ($h)" sh -c "printf '%s\n' \"\$1\" | grep -q '^modem \(down\|connecting\): '" _ "$h"
check "metrics: modem not up" sh -c "curl -s -m 2 http://$addr/metrics | grep -qx 'tinbao_modem_up 0'"
check "still running" kill -0 "$SERVE_PID"

# Meanwhile: an SMS reaches the SIM, and the case's escalation comes due
# (its timer is a column), queuing level-2 alerts with no modem to take them.
fm SMSTEXT +84987980002 "Lớp 7B có bạn bị đánh trong nhà vệ sinh" > /dev/null || fail "SMSTEXT while unplugged"
sql "UPDATE cases SET esc_at = strftime('%s', 'now') WHERE id = 1"
WAIT=15 wait_count "level-2 alerts queued" "SELECT 1 FROM outbox WHERE kind = 'alert' AND id > 4" 1
sleep 6
eq "the waiting alerts used no attempt" "$(count "SELECT 1 FROM outbox WHERE status = 'queued' AND attempts > 0")" "0"
check "still backing off at the cap" sh -c "[ \$(grep -c 'modem: connect failed.*retry_in=4s' '$OUT/serve.log') -ge 4 ]"
eq "one case so far" "$(count "SELECT 1 FROM cases")" "1"
check "still running after the outage" kill -0 "$SERVE_PID"

# Back: reconnect within the cap, read the SIM, send what waited.
fm CLEAR > /dev/null
fm REPLUG > /dev/null
WAIT=60 wait_for "healthz 200 again" sh -c "[ \$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://$addr/healthz) = 200 ]"
WAIT=60 wait_count "the SMS from the outage is a case" "SELECT 1 FROM cases" 2
WAIT=90 wait_for "the outbox drained" sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')\") -eq 0 ]"
sql "SELECT number FROM outbox WHERE kind = 'alert' AND id > 4" > "$OUT/late"
check "level-2 alerts were queued" test -s "$OUT/late"
while read -r num; do
	check "alert to $num on the wire" sh -c "\"$FMCTL\" '$CTL' SENTDECODED | grep -q '^TO $num '"
done < "$OUT/late"
eq "each alert sent with one attempt" "$(count "SELECT 1 FROM outbox WHERE kind = 'alert' AND id > 4 AND (status <> 'sent' OR attempts <> 1)")" "0"
eq "the SIM emptied" "$(fm INBOX | grep -c '^IDX')" "0"
finish
