# Kannel's callbacks behind a proxy on the same machine (issue 16): with
# [kannel] secret_file, /kannel/mo and /kannel/dlr need token=SECRET, so a
# request that a local proxy forwards from anywhere (it arrives from
# 127.0.0.1) cannot pose as a police officer's NHAN or fake a delivery
# report.  Against the real Kannel: its get-url carries the token, and the
# dlr-url tinbao hands it does too, so MOs and delivery reports still work.
. tests/regress/lib.sh
. tests/kannel/kannel.sh
trap 'kannel_stop; stop' EXIT
KANNEL_BIN=$(pwd)/build
[ -x /usr/sbin/bearerbox ] && [ -x /usr/lib/kannel/test/fakesmsc ] ||
    { fail "Kannel is not installed (make deps)"; finish; }
setup
directory
SECRET=k7Hq2-Vb9_xPz4mW0aLr
printf '%s\n' "$SECRET" > "$OUT/kannel.secret"
port=$("$KANNEL_BIN/freeport")
kannel_start "$OUT/kannel" "http://127.0.0.1:$port/kannel/mo?token=$SECRET" || fail "kannel_start"
sed -i '/^\[gammu\]/,/^$/d' "$CONF"
sed -i "s|^listen = .*|listen = 127.0.0.1:$port|" "$CONF"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = $KANNEL_SENDSMS_URL
username = $KANNEL_USER
password_file = $OUT/kannel/kannel.pass
from = 9999
dlr_url = http://127.0.0.1:$port/kannel/dlr
secret_file = kannel.secret
EOC
"$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
SERVE_PID=$!
wait_for "listening" grep -q 'http: listening' "$OUT/serve.log"
base="http://127.0.0.1:$port"

# Through Kannel: the report, its alerts, and their delivery reports.
kannel_mo +84987950001 9999 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với" || fail "kannel_mo"
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
WAIT=20 wait_count "delivery reports through the tokened dlr-url" "SELECT 1 FROM outbox WHERE status='delivered'" 1
check "the token is not logged" sh -c "! grep -q '$SECRET' '$OUT/serve.log'"

# The attack: a police officer's NHAN, forged through a local proxy (so
# from 127.0.0.1), without the token or with a wrong one.
q="from=%2B84911100001&to=9999&text=NHAN+$code&coding=0&charset=UTF-8&id=forged-1&ts=1795868130"
eq "MO without token" "$(curl -s -o /dev/null -w '%{http_code}' "$base/kannel/mo?$q")" "403"
eq "MO with a wrong token" "$(curl -s -o /dev/null -w '%{http_code}' "$base/kannel/mo?$q&token=k7Hq2-Vb9_xPz4mW0aLs")" "403"
eq "MO with a prefix of the token" "$(curl -s -o /dev/null -w '%{http_code}' "$base/kannel/mo?$q&token=k7Hq2")" "403"
eq "POST without token" "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Kannel-From: +84911100001' -H 'X-Kannel-ID: forged-2' --data-binary "NHAN $code" "$base/kannel/mo")" "403"
eq "case still open" "$(tb show "$code" --json | jq -r .status)" "open"
sent=$(sql "SELECT max(id) FROM outbox")
sql "UPDATE outbox SET status='sent' WHERE id=$sent"
eq "DLR without token" "$(curl -s -o /dev/null -w '%{http_code}' "$base/kannel/dlr?id=$sent&status=1")" "403"
eq "DLR changed nothing" "$(sql "SELECT status FROM outbox WHERE id=$sent")" "sent"
eq "DLR with the token" "$(curl -s -o /dev/null -w '%{http_code}' "$base/kannel/dlr?id=$sent&status=1&token=$SECRET")" "200"
eq "DLR recorded" "$(sql "SELECT status FROM outbox WHERE id=$sent")" "delivered"
eq "MO with the token" "$(curl -s -o /dev/null -w '%{http_code}' "$base/kannel/mo?$q&token=$SECRET")" "200"
eq "the officer's NHAN with the token acknowledges" "$(tb show "$code" --json | jq -r .status)" "acknowledged"

# A secret file too short is refused at start.
stop
printf 'short\n' > "$OUT/kannel.secret"
check "short secret refused" sh -c "! '$TINBAO' -c '$CONF' serve >> '$OUT/serve2.log' 2>&1"
kannel_stop
finish
