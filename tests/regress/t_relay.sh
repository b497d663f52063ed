# The anonymous two-way relay: TL reaches the reporter through the sealed
# number, the reporter's follow-up reaches the officer who acknowledged, and
# neither learns the other's number.  A follow-up from another number is a
# new report.  XONG closes and tells the reporter.  STOP silences replies;
# START brings them back.
. tests/regress/lib.sh
setup
directory
start

PUPIL=0987200001
tb inject --from $PUPIL "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
tb inject --from 0911100001 "nhận $code" > /dev/null
wait_for "acknowledged" sh -c "\"$TINBAO\" -c \"$CONF\" show $code --json | jq -e '.status == \"acknowledged\"' > /dev/null"

tb inject --from 0911100001 "TL $code Công an đang tới, em ở yên trong lớp" > /dev/null
wait_count "relay to the reporter" "SELECT 1 FROM outbox WHERE kind='relay' AND reporter_id IS NOT NULL" 1
eq "relay by reference" "$(sql "SELECT number IS NULL FROM outbox WHERE kind='relay' AND reporter_id IS NOT NULL")" "1"
relay=$(sql "SELECT text FROM outbox WHERE kind='relay' AND reporter_id IS NOT NULL")
check "relay carries the officer's words" sh -c "printf %s \"\$1\" | grep -q 'Công an đang tới'" _ "$relay"
check "relay hides the officer's number" sh -c "! printf %s \"\$1\" | grep -q 911100001" _ "$relay"

tb inject --from $PUPIL "$code em đang trốn trong nhà vệ sinh tầng 2" > /dev/null
wait_count "follow-up relayed to the officer" "SELECT 1 FROM outbox WHERE kind='relay' AND number='+84911100001'" 1
fwd=$(sql "SELECT text FROM outbox WHERE kind='relay' AND number='+84911100001'")
check "follow-up text reaches the officer" sh -c "printf %s \"\$1\" | grep -q 'em dang tron trong nha ve sinh'" _ "$fwd"
check "follow-up hides the pupil's number" sh -c "! printf %s \"\$1\" | grep -q 987200001" _ "$fwd"
eq "still one case" "$(ncases)" "1"
eq "follow-up on the timeline" "$(tb show "$code" --json | jq '[.timeline[] | select(.type == "followup")] | length')" "1"

# The same words from another phone are a new report.
tb inject --from 0987200002 "$code em cũng thấy" > /dev/null
wait_for "a second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"

# STOP: no more replies; a relay is suppressed and shown as such.
tb inject --from $PUPIL "STOP" > /dev/null
sleep 1.5
before=$(count "SELECT 1 FROM outbox WHERE reporter_id IS NOT NULL AND case_id = (SELECT id FROM cases WHERE code='$code')")
tb inject --from 0911100001 "TL $code em còn ở đó không?" > /dev/null
wait_for "suppressed" sh -c "\"$TINBAO\" -c \"$CONF\" show $code --json | jq -e '[.timeline[].type] | index(\"reply_suppressed\")' > /dev/null"
eq "nothing queued to a silent reporter" "$(count "SELECT 1 FROM outbox WHERE reporter_id IS NOT NULL AND case_id = (SELECT id FROM cases WHERE code='$code')")" "$before"
tb inject --from $PUPIL "start" > /dev/null
wait_count "START confirmed" "SELECT 1 FROM outbox WHERE kind='help' AND reporter_id IS NOT NULL" 1

tb inject --from 0911100001 "XONG $code Đã bắt giữ, các em an toàn" > /dev/null
wait_for "closed" sh -c "\"$TINBAO\" -c \"$CONF\" show $code --json | jq -e '.status == \"closed\"' > /dev/null"
wait_count "reporter told" "SELECT 1 FROM outbox WHERE kind='closed' AND reporter_id IS NOT NULL" 1
tb inject --from 0911100001 "TT $code" > /dev/null
wait_count "summary to the officer" "SELECT 1 FROM outbox WHERE kind='command' AND number='+84911100001' AND text LIKE '$code%da dong%'" 1

# No pupil number anywhere an officer could see it.
eq "outbox numbers are staff numbers" "$(count "SELECT 1 FROM outbox WHERE number LIKE '%98720000%'")" "0"
finish
