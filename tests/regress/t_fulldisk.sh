# A full disk under the database: the state folder (database, WAL) is a
# small tmpfs filled to the last byte.  SMS arriving then cannot be
# committed, so they must stay on the phone (nothing deleted), /healthz
# must answer 503 naming the full disk, /metrics must count the failed
# commits, and the gateway must keep running without spinning.  Once the
# filler is deleted every SMS becomes exactly one case, the inbox drains
# and /healthz is 200 again.  Needs root for mount; otherwise SKIP.
. tests/regress/lib.sh
STATE=""
cleanup() {
	stop
	if [ -n "$STATE" ] && mountpoint -q "$STATE"; then
		umount "$STATE" || umount -l "$STATE"
	fi
}
trap cleanup EXIT
setup
directory
STATE=$OUT/state
mkdir -p "$STATE"
if ! mount -t tmpfs -o size=4m,mode=0700 tinbao-fulldisk "$STATE" 2> "$OUT/mount.err"; then
	STATE=""
	echo "SKIP t_fulldisk: cannot mount a tmpfs (not root?): $(cat "$OUT/mount.err")"
	rm -rf "$OUT"
	exit 0
fi
mv "$OUT/tinbao.db" "$STATE/tinbao.db"
sed -i "s|^database = .*|database = $STATE/tinbao.db|" "$CONF"
sqls() {
	sqlite3 -cmd ".timeout 5000" "$STATE/tinbao.db" "$1"
}
inbox() {
	ls "$OUT/phone/sms/1" 2>/dev/null | wc -l
}
metric() {
	curl -s "http://$addr/metrics" | sed -n "s/^$1 //p"
}

start
addr=$(http_addr)
wait_for "healthy" sh -c "curl -s http://$addr/healthz | grep -q '^ok'"
ncases_before=$(sqls "SELECT count(*) FROM cases")
eq "no case yet" "$ncases_before" "0"

# Fill the tmpfs: dd stops at ENOSPC.
dd if=/dev/zero of="$STATE/filler" bs=4k > /dev/null 2>&1
eq "the disk is full" "$(df --output=avail -B1 "$STATE" | tail -n 1 | tr -d ' ')" "0"

# Five reports arrive, one urgent.
tb inject --from +84987960001 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
i=2
while [ $i -le 5 ]; do
	tb inject --from "+8498796000$i" "Đĩa đầy $i: bạn lớp 7 bị bắt nạt trong giờ ra chơi" > /dev/null
	i=$((i + 1))
done
eq "five SMS in the inbox" "$(inbox)" "5"

WAIT=20 wait_for "a commit failed" grep -q "not stored, left on the modem" "$OUT/serve.log"
WAIT=20 wait_for "healthz 503" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://$addr/healthz) = 503 ]"
h=$(curl -s "http://$addr/healthz")
check "healthz names the full disk ($h)" sh -c "printf '%s\n' \"\$1\" | grep -q '^store failing to commit: .*disk is full'" _ "$h"
check "healthz says unhealthy" sh -c "printf '%s\n' \"\$1\" | head -n 1 | grep -qx unhealthy" _ "$h"
check "store errors counted" test "$(metric tinbao_store_errors_total)" -ge 1

# For a few seconds: scans go on at poll_interval, nothing is deleted.
sleep 4
eq "all five still on the phone" "$(inbox)" "5"
eq "no case committed" "$(sqls "SELECT count(*) FROM cases")" "0"
check "still running" kill -0 "$SERVE_PID"
# No busy loop: the CPU time of a few seconds stays small (the scan is
# once per poll_interval, each failed commit once per scan).
t0=$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat")
sleep 3
t1=$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat")
check "no busy loop while full (ticks $t0 -> $t1)" test $((t1 - t0)) -lt 150
errs=$(metric tinbao_store_errors_total)
check "errors bounded by the scans ($errs)" test "$errs" -lt 200
eq "still five on the phone" "$(inbox)" "5"

# Room again: everything flows.
rm -f "$STATE/filler"
WAIT=30 wait_for "the inbox drained" sh -c "[ -z \"\$(ls '$OUT/phone/sms/1')\" ]"
WAIT=30 wait_for "healthz 200" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://$addr/healthz) = 200 ]"
eq "five cases" "$(sqls "SELECT count(*) FROM cases")" "5"
eq "five messages" "$(sqls "SELECT count(*) FROM messages WHERE direction = 'in'")" "5"
eq "one urgent" "$(sqls "SELECT count(*) FROM cases WHERE urgent = 1")" "1"
WAIT=30 wait_for "the outbox drained" sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$STATE/tinbao.db' \"SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')\") -eq 0 ]"
eq "the urgent case alerted" "$(sqls "SELECT count(DISTINCT number) FROM outbox WHERE kind = 'alert' AND status = 'sent'")" "3"
eq "every case acknowledged" "$(sqls "SELECT count(DISTINCT case_id) FROM outbox WHERE kind = 'ack' AND status = 'sent'")" "5"
check "healthz ok" sh -c "curl -s http://$addr/healthz | head -n 1 | grep -qx ok"
stop
cleanup
STATE=""
finish
