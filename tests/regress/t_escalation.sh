# No NHAN within ack_timeout: the alert goes to level 2, then 3, each step
# on the timeline; NHAN stops it; a restart (clean, or kill -9 right after
# an escalation step's commit) neither loses nor repeats a step.
ACK_TIMEOUT=3s
. tests/regress/lib.sh
setup
directory
start

urgent() {
	tb inject --from "$1" "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với $2" > /dev/null
	wait_for "case $2" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq $3 ]"
	newest
}
steps() {
	tb show "$1" --json | jq -r '[.timeline[] | select(.type == "escalated") | .detail] | join(",")'
}
alerted() {
	sql "SELECT group_concat(number, ' ') FROM (SELECT o.number FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$1' AND o.kind = 'alert' ORDER BY o.number)"
}

a=$(urgent 0987100001 A 1)
b=$(urgent 0987100002 B 2)
tb inject --from 0911100001 "NHAN $b" > /dev/null
wait_for "B acknowledged" sh -c "\"$TINBAO\" -c \"$CONF\" show $b --json | jq -e '.status == \"acknowledged\"' > /dev/null"

WAIT=20 wait_for "A at step 3" sh -c "\"$TINBAO\" -c \"$CONF\" show $a --json | jq -e '[.timeline[].type] | index(\"escalation_exhausted\")' > /dev/null"
eq "A escalated twice" "$(steps "$a")" "step=2,step=3"
eq "A alerted up the chain" "$(alerted "$a")" "+84911100001 +84911100002 +84911100004 +84911100005 +84911100006 +84911100009 +84911100010 +84911100011"
eq "B did not escalate" "$(steps "$b")" ""
eq "B alerts only at step 1" "$(alerted "$b")" "+84911100001 +84911100006 +84911100009"
check "escalated alerts say nobody answered" sh -c "sqlite3 '$OUT/tinbao.db' \"SELECT o.text FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$a' AND o.number='+84911100002'\" | grep -q 'CHUA AI NHAN'"

# A clean stop while C waits for its step 2: the restart takes it once.
c=$(urgent 0987100003 C 3)
stop
sleep 4
start
WAIT=10 wait_for "C at step 2" sh -c "[ \"\$(\"$TINBAO\" -c \"$CONF\" show $c --json | jq -r '[.timeline[] | select(.type == \"escalated\")][0].detail')\" = step=2 ]"
eq "C's step 2 alerts once" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$c' AND o.number='+84911100002'")" "1"

# kill -9 right after a step is committed: no step twice, none lost.
stop
d=$(tb inject --from 0987100004 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với D" > /dev/null)
CRASHPOINT=after_escalation start
WAIT=20 wait_for "killed after an escalation" sh -c "! kill -0 $SERVE_PID"
SERVE_PID=""
CRASHPOINT="" start
WAIT=25 wait_for "every case exhausted" sh -c "[ \$(sqlite3 '$OUT/tinbao.db' \"SELECT count(*) FROM events WHERE type='escalation_exhausted'\") -ge 3 ]"
for code in $(tb reports --json | jq -r 'select(.status == "open") | .code'); do
	eq "$code steps once each" "$(steps "$code")" "step=2,step=3"
done
finish
