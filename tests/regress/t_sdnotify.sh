# systemd's notification protocol (Type=notify, WatchdogSec=): with
# NOTIFY_SOCKET naming a unix datagram socket, `tinbao serve` sends
# READY=1 once it serves, WATCHDOG=1 from every housekeeping tick of its
# event loop, and STOPPING=1 when SIGTERM arrives; also to an abstract
# socket name (@name).  Without NOTIFY_SOCKET nothing is sent (the other
# tests).  The peer is tests/tools/notifypeer.py, stopped by its PID.
. tests/regress/lib.sh
PEER_PID=""
trap 'stop; [ -z "$PEER_PID" ] || kill $PEER_PID 2>/dev/null' EXIT
setup

# $1: the NOTIFY_SOCKET value, $2: the file the peer writes.
peer() {
	python3 tests/tools/notifypeer.py "$1" "$2" &
	PEER_PID=$!
	wait_for "notify peer bound" grep -q '^bound$' "$2"
}
unpeer() {
	kill "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
	PEER_PID=""
}

NF1=$OUT/notify.txt
peer "$OUT/notify.sock" "$NF1"
export NOTIFY_SOCKET="$OUT/notify.sock" WATCHDOG_USEC=10000000
start
unset NOTIFY_SOCKET WATCHDOG_USEC
wait_for "READY=1" grep -q '^READY=1 | STATUS=serving$' "$NF1"
WAIT=20 wait_for "three WATCHDOG=1" sh -c "[ \$(grep -c '^WATCHDOG=1\$' '$NF1') -ge 3 ]"
check "ready before the first watchdog" sh -c "[ \$(grep -n . '$NF1' | grep -m1 -E 'READY|WATCHDOG' | cut -d: -f2 | cut -d' ' -f1) = READY=1 ]"
eq "no stopping yet" "$(grep -c '^STOPPING=1$' "$NF1")" "0"
# The pings stop when the loop stops: a stopped (SIGSTOP) gateway sends none.
kill -STOP "$SERVE_PID"
sleep 0.5
n=$(grep -c '^WATCHDOG=1$' "$NF1")
sleep 2.5
eq "no watchdog from a stalled process" "$(grep -c '^WATCHDOG=1$' "$NF1")" "$n"
kill -CONT "$SERVE_PID"
WAIT=10 wait_for "pings again" sh -c "[ \$(grep -c '^WATCHDOG=1\$' '$NF1') -gt $n ]"
stop
wait_for "STOPPING=1 on SIGTERM" grep -q '^STOPPING=1$' "$NF1"
check "ready logged" grep -q 'sdnotify: ready sent, watchdog pinged every tick' "$OUT/serve.log"
unpeer

# An abstract socket name.
NF2=$OUT/notify2.txt
name="@tinbao-test-$$-$(od -An -tx4 -N4 /dev/urandom | tr -d ' ')"
peer "$name" "$NF2"
export NOTIFY_SOCKET="$name"
start
unset NOTIFY_SOCKET
wait_for "READY=1 (abstract)" grep -q '^READY=1' "$NF2"
WAIT=10 wait_for "WATCHDOG=1 (abstract)" grep -q '^WATCHDOG=1$' "$NF2"
stop
wait_for "STOPPING=1 (abstract)" grep -q '^STOPPING=1$' "$NF2"
unpeer

# A peer that went away: the gateway logs it once and keeps serving.
export NOTIFY_SOCKET="$OUT/nobody.sock"
start
unset NOTIFY_SOCKET
WAIT=10 wait_for "a failed send logged" grep -q 'sdnotify: send' "$OUT/serve.log"
sleep 2
eq "logged once" "$(grep -c 'warning: sdnotify: send' "$OUT/serve.log")" "1"
check "still serving" kill -0 "$SERVE_PID"
finish
