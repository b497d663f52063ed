# The HTTP listener: /healthz is 200 while the store and the modem work and
# 503 with the reason when the modem is missing (the gateway keeps running
# and keeps retrying); /metrics counts what happened, in Prometheus text
# format, without any number or text; unknown paths and methods are refused.
. tests/regress/lib.sh
setup
start
addr=$(http_addr)
check "listening ($addr)" [ -n "$addr" ]
eq "healthz" "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/healthz")" "200"
check "healthz says why" sh -c "curl -s http://$addr/healthz | grep -q 'modem up'"

tb inject --from 0987600001 "Có người cầm dao đánh nhau ở cổng trường, cứu" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
wait_count "ack sent" "SELECT 1 FROM outbox WHERE status='sent'" 1
m=$(curl -s "http://$addr/metrics")
check "sms counter" sh -c "printf '%s\n' \"\$1\" | grep -qx 'tinbao_sms_received_total{transport=\"sms\"} 1'" _ "$m"
# One case: a count below 5 is left out, as the dashboard hides it.
check "a small case count left out" sh -c "! printf '%s\n' \"\$1\" | grep -q '^tinbao_cases{'" _ "$m"
check "sent by kind" sh -c "printf '%s\n' \"\$1\" | grep -qx 'tinbao_sms_sent{kind=\"ack\",status=\"sent\"} 1'" _ "$m"
check "modem gauge" sh -c "printf '%s\n' \"\$1\" | grep -qx 'tinbao_modem_up 1'" _ "$m"
if command -v promtool > /dev/null; then
	printf '%s\n' "$m" > "$OUT/metrics.txt"
	check "promtool accepts /metrics" sh -c "promtool check metrics < '$OUT/metrics.txt' > '$OUT/promtool.log' 2>&1"
else
	fail "promtool is not installed (make deps)"
fi
check "no number in metrics" sh -c "! printf '%s\n' \"\$1\" | grep -q 987600001" _ "$m"
eq "unknown path, anonymous: to the login page" "$(curl -s -o /dev/null -w "%{http_code}" "http://$addr/nope")" "303"
eq "405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$addr/healthz")" "405"
stop

# A modem that is not there: the gateway runs, retries and says so.
sed -i "s|^device = .*|device = $OUT/no/such/dir|" "$CONF"
start_nowait() {
	"$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
	SERVE_PID=$!
}
: > "$OUT/serve.log"
start_nowait
wait_for "listening" sh -c "grep -q 'http: listening' '$OUT/serve.log'"
addr=$(http_addr)
wait_for "connect failed" grep -q "modem: connect failed" "$OUT/serve.log"
eq "healthz 503" "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/healthz")" "503"
check "503 explains" sh -c "curl -s http://$addr/healthz | grep -q '^modem down'"
WAIT=8 wait_for "retried" sh -c "[ \$(grep -c 'modem: connect failed' '$OUT/serve.log') -ge 3 ]"
check "still running" kill -0 "$SERVE_PID"
finish
