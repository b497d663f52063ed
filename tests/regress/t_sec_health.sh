# /healthz and /metrics seen from outside (issue 16): behind the proxy
# ([http] trusted_proxy, whose requests come from anywhere) /healthz says
# only ok or degraded, /metrics is 403; the metrics token opens both; a
# local caller that is not the proxy (tinbao status, a local Prometheus)
# reads everything; small case counts are left out of /metrics.
. tests/regress/lib.sh
setup
TOKEN=m3tr1cs-t0ken-for-prometheus
printf '%s\n' "$TOKEN" > "$OUT/metrics.token"
port=$(build/freeport)
sed -i "s/^listen = 127.0.0.1:0\$/listen = 127.0.0.1:$port\ntrusted_proxy = 127.0.0.1\nmetrics_token_file = metrics.token/" "$CONF"
start
base="http://$(http_addr)"
tb inject --from 0987600001 "Có người cầm dao đánh nhau ở cổng trường, cứu" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"

eq "through the proxy: ok only" "$(curl -s "$base/healthz")" "ok"
eq "through the proxy: no metrics" "$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")" "403"
eq "wrong token: no metrics" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer x$TOKEN" "$base/metrics")" "403"
check "token: the detail" sh -c "curl -s -H 'Authorization: Bearer $TOKEN' '$base/healthz' | grep -q '^modem up'"
m=$(curl -s -H "Authorization: Bearer $TOKEN" "$base/metrics")
check "token: metrics" sh -c "printf '%s\n' \"\$1\" | grep -q '^tinbao_sms_received_total{transport=\"sms\"} 1'" _ "$m"
check "one case: its count left out" sh -c "! printf '%s\n' \"\$1\" | grep -q '^tinbao_cases{'" _ "$m"
check "local, not the proxy: the detail" sh -c "curl -s --interface 127.0.0.2 '$base/healthz' | grep -q '^store ok'"
check "tinbao status sends the token" sh -c "'$TINBAO' -c '$CONF' status | grep -q 'modem up'"

# Five more reports of the same kind: the count is published from 5 on.
for i in 2 3 4 5; do
	tb inject --from "098760000$i" "Có người cầm dao đánh nhau ở cổng trường số $i, cứu" > /dev/null
done
wait_for "five cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 5 ]"
check "five: published" sh -c "curl -s -H 'Authorization: Bearer $TOKEN' '$base/metrics' | grep -q '^tinbao_cases{category=\"violence\",urgent=\"true\"} 5'"
finish
