# Against a real Kannel (bearerbox, smsbox, fakesmsc as the network, all on
# loopback): a Vietnamese MO becomes a case; the alert and the
# acknowledgement come out of fakesmsc correctly encoded; Kannel's delivery
# reports mark the outbox delivered; and when tinbao dies after the commit
# but before answering, Kannel's retry of the same id creates no duplicate.
. tests/regress/lib.sh
. tests/kannel/kannel.sh
trap 'kannel_stop; stop' EXIT
KANNEL_BIN=$(pwd)/build
[ -x /usr/sbin/bearerbox ] && [ -x /usr/lib/kannel/test/fakesmsc ] ||
    { fail "Kannel is not installed (make deps)"; finish; }
setup
directory
port=$("$KANNEL_BIN/freeport")
kannel_start "$OUT/kannel" "http://127.0.0.1:$port/kannel/mo" || fail "kannel_start"
sed -i '/^\[gammu\]/,/^$/d' "$CONF"
sed -i "s|^listen = .*|listen = 127.0.0.1:$port|" "$CONF"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = $KANNEL_SENDSMS_URL
username = $KANNEL_USER
password_file = $OUT/kannel/kannel.pass
from = 9999
dlr_url = http://127.0.0.1:$port/kannel/dlr
EOC
serve() {
	env ${CRASHPOINT:+TINBAO_CRASHPOINT=$CRASHPOINT} \
	    "$TINBAO" -c "$CONF" serve >> "$OUT/serve.log" 2>&1 &
	SERVE_PID=$!
	wait_for "listening" sh -c "grep -c 'http: listening' '$OUT/serve.log' | grep -qx $1"
}
serve 1

kannel_mo +84987950001 9999 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với" || fail "kannel_mo"
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
json=$(tb reports --json)
eq "via Kannel" "$(echo "$json" | jq -r '[.source, .urgent, .school] | join(" ")')" "kannel true MP2"
eq "text" "$(echo "$json" | jq -r .text)" "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với"

# Three alerts and the ack, each one GSM-7 SMS (the ack is unaccented since
# issue 12), come out of the fake network.
kannel_wait_mt 4 200 || fail "four MT"
i=1; alert=""; ack=""
while [ $i -le "$(kannel_mt_count)" ]; do
	mt=$(kannel_mt $i)
	case "$mt" in
	"9999 +84911100001 "*) alert=$mt ;;
	"9999 +84987950001 "*) ack=$ack$mt ;;
	esac
	i=$((i + 1))
done
want=$(sql "SELECT text FROM outbox WHERE kind='alert' AND number='+84911100001'")
eq "alert as GSM-7 text" "$alert" "9999 +84911100001 text $want"
want=$(sql "SELECT text FROM outbox WHERE kind='ack' AND case_id=1")
eq "ack as one GSM-7 SMS" "$ack" "9999 +84987950001 text $want"

# Kannel's fake SMSC reports each MT delivered to our dlr-url.
WAIT=20 wait_count "delivery reports" "SELECT 1 FROM outbox WHERE status='delivered'" 4

# Killed after the commit, before the 200: Kannel retries the same id.
stop
CRASHPOINT=kannel_after_commit serve 2
kannel_mo +84987950002 9999 "Bạn em bị mất xe đạp ở nhà xe trường THCS Nhị Thành" || fail "kannel_mo 2"
WAIT=20 wait_for "killed at the crash point" sh -c "! kill -0 $SERVE_PID"
SERVE_PID=""
eq "committed before the kill" "$(ncases)" "2"
CRASHPOINT="" serve 3
WAIT=30 wait_for "the retry recognised" grep -q "sms duplicate" "$OUT/serve.log"
eq "still two cases" "$(ncases)" "2"
eq "one message" "$(count "SELECT 1 FROM messages WHERE text LIKE 'Bạn em bị mất xe đạp%'")" "1"
kannel_stop
finish
