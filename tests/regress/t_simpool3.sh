# A SIM pool of three fake AT modems: [gammu] Viettel, [gammu1] VinaPhone
# whose SIM reports low credit, [gammu2] a SIM for any carrier.  The low
# SIM is taken out of rotation (log, /metrics, /healthz, tinbao status,
# the dashboard's gateway page) and sends
# nothing: the alerts to VinaPhone numbers go through the others, the SIM
# for any carrier first.  Delivery reports of a 3-part message match each
# part by its own reference on its own modem: the reports of parts 2 and
# 3 do not deliver the message (part 1 has none yet) and never mark
# another modem's message with the same reference; part 1's completes it.
. tests/regress/lib.sh
setup
directory
: "${FAKEMODEM:?}" "${FMCTL:?}"
FM_PIDS=""
trap 'stop; for p in $FM_PIDS; do kill $p 2>/dev/null; done' EXIT
pool_modem() {
	"$FAKEMODEM" -l "$OUT/$1" -c "$OUT/$1.ctl" 2> "$OUT/$1.log" &
	FM_PIDS="$FM_PIDS $!"
	wait_for "fake modem $1" test -S "$OUT/$1.ctl"
}
pool_modem vt
pool_modem vn
pool_modem any
f() { c=$1; shift; "$FMCTL" "$OUT/$c.ctl" "$@"; }
sed -i -e "s|^model = dummy|connection = at|" -e "/^connection = none/d" \
    -e "s|^device = .*|device = $OUT/vt|" \
    -e "s|^\[tinbao\]|[tinbao]\nbalance_threshold = 20000|" "$CONF"
cat >> "$CONF" <<EOC

[modem]
carrier = viettel

[gammu1]
device = $OUT/vn
connection = at

[modem1]
carrier = vinaphone
balance_ussd = *101#

[gammu2]
device = $OUT/any
connection = at
EOC
tb check-config > /dev/null || fail "check-config: $(tb check-config 2>&1)"
f vn USSD "TK chinh: 2.000d, HSD: 31/12/2026." > /dev/null
drained() {
	wait_for "outbox drained" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'failed')\")\" = 0 ]"
}
sent_on() {	# sent_on MODEM: how many SMS it sent
	f "$1" SENTDECODED | grep -c ' MR '
}

WAIT=30 start
for m in modem1 modem2; do
	WAIT=30 wait_for "$m up" grep -q "$m: state connecting -> up" "$OUT/serve.log"
done
WAIT=40 wait_for "low SIM out of rotation" grep -q 'transport=modem1 out of rotation reason="credit 2000 VND below 20000"' "$OUT/serve.log"
addr=$(http_addr)
m=$(curl -s "http://$addr/metrics")
check "rotation metric" sh -c "printf '%s\n' \"\$1\" | grep -qx 'tinbao_pool_modem_in_rotation{modem=\"modem1\",carrier=\"vinaphone\"} 0'" _ "$m"
check "credit metric" sh -c "printf '%s\n' \"\$1\" | grep -qx 'tinbao_pool_modem_credit_vnd{modem=\"modem1\",carrier=\"vinaphone\"} 2000'" _ "$m"
h=$(curl -s "http://$addr/healthz")
check "healthz says why ($h)" sh -c "printf '%s\n' \"\$1\" | grep -q '^modem1 up carrier=vinaphone rotation=out (credit 2000 VND below 20000)'" _ "$h"
sed -i "s|^listen = .*|listen = $addr|" "$CONF"
check "tinbao status shows each modem" sh -c "\"$TINBAO\" -c '$CONF' status | grep -q '^modem2 up carrier=any rotation=in'"
# The dashboard's gateway page: one row per modem, and why one is out.
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add"
base=http://$addr
t=$(curl -s -c "$OUT/jar" -b "$OUT/jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$OUT/jar" -b "$OUT/jar" --data-urlencode "csrf=$t" \
    --data-urlencode "name=lan" --data-urlencode "password=mat-khau-bureau-1" "$base/login"
page=$(curl -s -b "$OUT/jar" "$base/gateway")
check "gateway page lists the pool" sh -c "printf '%s' \"\$1\" | grep -q 'id=\"pool\"'" _ "$page"
check "gateway page: modem1 out for its credit" sh -c "printf '%s' \"\$1\" | grep -q '<td>modem1</td><td>vinaphone</td><td>up</td><td>không: credit 2000 VND below 20000</td>'" _ "$page"

f vt SMSTEXT +84987800001 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
WAIT=30 wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
WAIT=40 wait_count "alerts sent" "SELECT 1 FROM outbox WHERE kind = 'alert' AND status = 'sent'" 2
WAIT=40 drained
eq "nothing through the low SIM" "$(sent_on vn)" "0"
check "the SIM for any carrier took VinaPhone numbers" sh -c "\"$FMCTL\" '$OUT/any.ctl' SENTDECODED | grep -q '^TO +8491.* MR '"
eq "every message sent" "$(count "SELECT 1 FROM outbox WHERE status <> 'sent'")" "0"

# A 3-part message; its parts' references, on the modem that sent it.
f vt CLEAR > /dev/null; f any CLEAR > /dev/null
LONG=$(printf 'Thong bao thu nghiem so %03d cua duong day an toan truong hoc. ' $(seq 1 7))
tb send +84911100009 "$LONG" > /dev/null || fail "tinbao send"
WAIT=40 wait_count "long message sent" "SELECT 1 FROM outbox WHERE kind = 'operator' AND status = 'sent'" 1
id=$(sql "SELECT id FROM outbox WHERE kind = 'operator'")
eq "three parts" "$(sql "SELECT parts FROM outbox WHERE id = $id")" "3"
via=$(sql "SELECT transport FROM outbox_parts WHERE outbox_id = $id AND part = 1")
case $via in modem) c=vt;; modem2) c=any;; *) c=vn;; esac
refs=$(sql "SELECT reference FROM outbox_parts WHERE outbox_id = $id ORDER BY part" | tr '\n' ' ')
set -- $refs
eq "parts on the wire with those references" "$(f $c SENTDECODED | grep '^TO +84911100009 ' | awk '{ print $NF }' | tr '\n' ' ')" "$refs"
# Another modem's message with the reference of part 2, sent before.
other=$(sql "SELECT count(*) FROM outbox_parts WHERE transport <> '$via' AND reference = $2")
f $c DLR "$2" 0 > /dev/null
f $c DLR "$3" 0 > /dev/null
WAIT=20 wait_for "reports of parts 2 and 3 read" sh -c "[ \$(sqlite3 '$OUT/tinbao.db' \"SELECT count(*) FROM outbox_parts WHERE outbox_id = $id AND status = 'delivered'\") -eq 2 ]"
eq "not delivered while part 1 has no report" "$(sql "SELECT status FROM outbox WHERE id = $id")" "sent"
eq "no other message marked" "$(count "SELECT 1 FROM outbox WHERE status = 'delivered'")" "0"
[ "$other" -gt 0 ] || echo "note: no other modem had reference $2"
f $c DLR "$1" 0 > /dev/null
WAIT=20 wait_for "delivered with its last report" sh -c "[ \"\$(sqlite3 '$OUT/tinbao.db' \"SELECT status FROM outbox WHERE id = $id\")\" = delivered ]"
eq "only it delivered" "$(count "SELECT 1 FROM outbox WHERE status = 'delivered'")" "1"
finish
