# A modem that goes silent in the middle of a command (the fake AT modem
# ignores the AT side: HANG 0) keeps libGammu busy for many minutes.  The
# main loop's watchdog sees the worker's heartbeat stop, aborts libGammu's
# operation (TINBAO_MODEM_STUCK_AFTER=6 here; 120 s by default), the worker
# re-opens the link with a new state machine, and when the modem answers
# again an SMS stored meanwhile becomes a case and SIGTERM stops the
# gateway cleanly (it used to hang inside libGammu until abandoned).
. tests/regress/lib.sh
setup
fakemodem_setup
export TINBAO_MODEM_STUCK_AFTER=6 TINBAO_MODEM_BACKOFF_MAX=2
WAIT=30 start
unset TINBAO_MODEM_STUCK_AFTER TINBAO_MODEM_BACKOFF_MAX
check "the knob logged" grep -q "watchdog after 6s" "$OUT/serve.log"
addr=$(http_addr)

fm HANG 0 > /dev/null
# The next scan (poll_interval 1 s) blocks inside libGammu.
fm SMSTEXT +84987990001 "Có người cầm dao đánh nhau ở cổng trường, cứu" > /dev/null
WAIT=60 wait_for "the watchdog aborts" grep -q "modem: worker stuck in libGammu" "$OUT/serve.log"
WAIT=30 wait_for "the link dropped" grep -q "modem: state up -> down" "$OUT/serve.log"
check "still running" kill -0 "$SERVE_PID"
h=$(curl -s -m 2 "http://$addr/healthz")
check "healthz says the modem is not up ($h)" sh -c "printf '%s\n' \"\$1\" | grep -q '^modem \(down\|connecting\)'" _ "$h"

fm RESUME > /dev/null
WAIT=60 wait_for "up again" sh -c "[ \$(grep -c 'state connecting -> up' '$OUT/serve.log') -ge 2 ]"
WAIT=60 wait_count "the SMS is a case" "SELECT 1 FROM cases" 1
eq "exactly one" "$(count "SELECT 1 FROM cases")" "1"
stop
check "stopped cleanly" sh -c "! grep -q 'did not stop in time' '$OUT/serve.log'"
finish
