# An urgent report naming a school reaches exactly that commune's level-1
# police, the school's principal and the Bureau's level-1 contact, in one
# GSM-7 SMS each that never holds the pupil's number; self harm also
# reaches the counselor and the reply names 111 first.  A non-urgent report
# alerts nobody.
. tests/regress/lib.sh
setup
directory
start

tb inject --from 0987000001 "Có mấy anh cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
eq "urgent" "$(tb show "$code" --json | jq -r '[.urgent, .school] | join(" ")')" "true MP2"
wait_count "alerts sent" "SELECT 1 FROM outbox WHERE kind='alert' AND status='sent'" 3
eq "recipients" "$(sql "SELECT group_concat(number, ' ') FROM (SELECT number FROM outbox WHERE kind='alert' ORDER BY number)")" "+84911100001 +84911100006 +84911100009"
for t in $(sql "SELECT id FROM outbox WHERE kind='alert'"); do
	text=$(sql "SELECT text FROM outbox WHERE id=$t")
	check "alert $t fits one SMS (${#text})" [ "$(printf %s "$text" | wc -c)" -le 160 ]
	check "alert $t is plain ASCII" sh -c "! printf %s \"\$1\" | LC_ALL=C grep -q '[^ -~]'" _ "$text"
	check "alert $t has the code and NHAN" sh -c "printf %s \"\$1\" | grep -q 'NHAN $code'" _ "$text"
	check "alert $t names the school" sh -c "printf %s \"\$1\" | grep -q 'THCS My Phu'" _ "$text"
	check "alert $t has no pupil number" sh -c "! printf %s \"\$1\" | grep -q 987000001" _ "$text"
done
eq "timeline shows the alerts" "$(tb show "$code" --json | jq '[.timeline[] | select(.type == "alert_queued")] | length')" "3"

# Self harm: the counselor too, and 111 first in the reply.
tb inject --from 0987000002 "Bạn em lớp 8 trường THCS Mỹ Phú nói muốn tự tử, bạn ấy rạch tay" > /dev/null
wait_for "second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
code2=$(newest)
eq "self harm" "$(tb show "$code2" --json | jq -r .category)" "self_harm"
wait_count "counselor alerted" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$code2' AND o.number='+84911100008'" 1
ack=$(sql "SELECT o.text FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$code2' AND o.kind='ack'")
check "111 before 113" sh -c "printf %s \"\$1\" | grep -q '111.*113'" _ "$ack"

# Not urgent: nobody is alerted.
tb inject --from 0987000003 "Bạn Lan lớp 6A hay bị mấy bạn trêu chọc, giấu dép" > /dev/null
wait_for "third case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
code3=$(newest)
sleep 1
eq "no alert for a non-urgent case" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$code3' AND o.kind='alert'")" "0"
eq "the Nhị Thành police got nothing" "$(count "SELECT 1 FROM outbox WHERE number='+84911100003'")" "0"
finish
