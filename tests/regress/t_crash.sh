# kill -9 after the commit and before the delete: the SMS is still on the
# phone, the restarted gateway reads it again and recognises it, so there
# is exactly one case and one acknowledgement, and then it is deleted.
. tests/regress/lib.sh
setup
CRASHPOINT=after_commit start
tb inject --from 0977777777 "Có bạn mang dao vào lớp 9C" > /dev/null
wait_for "killed at the crash point" sh -c "! kill -0 $SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
check "killed by SIGKILL" grep -q "crashpoint=after_commit" "$OUT/serve.log"
eq "committed before the kill" "$(ncases)" "1"
check "still on the phone" sh -c "[ -n \"\$(ls '$OUT/phone/sms/1')\" ]"

SERVE_PID=""
CRASHPOINT="" start
wait_for "deleted after restart" sh -c "[ -z \"\$(ls '$OUT/phone/sms/1')\" ]"
wait_for "ack sent" sh -c "[ \"\$(sqlite3 '$OUT/tinbao.db' \"SELECT status FROM outbox\")\" = sent ]"
eq "exactly one case" "$(ncases)" "1"
eq "exactly one message" "$(sql 'SELECT count(*) FROM messages')" "1"
eq "exactly one ack" "$(sql 'SELECT count(*) FROM outbox')" "1"
check "duplicate recognised" grep -q "sms duplicate" "$OUT/serve.log"
finish
