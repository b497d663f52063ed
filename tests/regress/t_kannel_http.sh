# The Kannel intake, spoken to as smsbox speaks (the full round trip with a
# real Kannel is in t_kannel.sh): a UTF-8 and a UTF-16BE MO become cases
# after the commit, the same Kannel id twice is one message, a POST with
# X-Kannel headers works, a malformed request is refused with 400 and
# nothing stored, and a DLR for our outbox id marks it delivered without
# ever overwriting a final state.
. tests/regress/lib.sh
setup
# Kannel only, no modem; its sendsms answers nothing (port 9 is discard).
sed -i '/^\[gammu\]/,/^$/d' "$CONF"
printf 'secret\n' > "$OUT/kannel.pass"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = http://127.0.0.1:9/cgi-bin/sendsms
username = tinbao
password_file = kannel.pass
from = 9999
dlr_url = http://127.0.0.1:8080/kannel/dlr
EOC
"$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
SERVE_PID=$!
wait_for "listening" grep -q "http: listening" "$OUT/serve.log"
addr=$(http_addr)
mo="http://$addr/kannel/mo"

q='from=%2B84987700001&to=9999&text=C%C3%B3+b%E1%BA%A1n+b%E1%BB%8B+b%E1%BA%AFt+n%E1%BA%A1t&coding=0&charset=UTF-8&smsc=fake&id=aaaa-1&ts=1795868130&udh=&dcs=00'
eq "MO accepted" "$(curl -s -o /dev/null -w '%{http_code}' "$mo?$q")" "200"
eq "committed before the 200" "$(tb reports --json | jq -r '[.text, .source] | join("|")')" "Có bạn bị bắt nạt|kannel"
eq "Kannel retries the same id" "$(curl -s -o /dev/null -w '%{http_code}' "$mo?$q")" "200"
eq "one message" "$(count "SELECT 1 FROM messages")" "1"

# UTF-16BE, as smsbox sends it without mo-recode: "Cháy" (43 68 E1 00 79 00... ).
q2='from=%2B84987700002&to=9999&text=%00C%00h%00%E1%00y%00+%00n%00h%00%E0&coding=2&charset=UTF-16BE&id=bbbb-2&ts=1795868131'
eq "UTF-16BE MO" "$(curl -s -o /dev/null -w '%{http_code}' "$mo?$q2")" "200"
eq "decoded" "$(tb reports --json | tail -n 1 | jq -r .text)" "Cháy nhà"

eq "POST" "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Kannel-From: +84987700003' -H 'X-Kannel-ID: cccc-3' -H 'X-Kannel-Time: 1795868132' -H 'Content-Type: text/plain; charset=utf-8' --data-binary 'Bạn em bị đánh ở nhà xe' "$mo")" "200"
eq "POST stored" "$(tb reports --json | tail -n 1 | jq -r .text)" "Bạn em bị đánh ở nhà xe"

eq "no from: 400" "$(curl -s -o /dev/null -w '%{http_code}' "$mo?text=hello&id=x")" "400"
eq "nothing stored from it" "$(count "SELECT 1 FROM messages")" "3"
check "no number in the log" sh -c "! grep -q 98770000 '$OUT/serve.log'"

# sendsms goes nowhere (port 9): the acks wait for a retry, nothing lost.
wait_for "acks tried" sh -c "[ \$(sqlite3 '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE attempts > 0\") -ge 1 ]"
eq "healthz says Kannel is not answering" "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/healthz")" "503"

# DLR: delivered, then a late 'failed' must not overwrite it.
sql "UPDATE outbox SET status = 'sent' WHERE id = 1"
eq "dlr" "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/kannel/dlr?id=1&status=1")" "200"
eq "delivered" "$(sql "SELECT status FROM outbox WHERE id = 1")" "delivered"
curl -s -o /dev/null "http://$addr/kannel/dlr?id=1&status=16"
eq "final state kept" "$(sql "SELECT status FROM outbox WHERE id = 1")" "delivered"
eq "bad dlr" "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/kannel/dlr?status=1")" "400"
finish
