# Who may do what: a teacher's "MT KC ..." is an urgent drugs case of the
# teacher's school naming the teacher; "BN ..." without KC is not urgent.
# NHAN from an unregistered number or from a teacher, and a missing or
# wrong PIN, change nothing and are logged; the right PIN works.
. tests/regress/lib.sh
setup
directory
start

tb inject --from 0911100007 "MT KC phát hiện 2 hs lớp 9 hút thuốc lá điện tử có chất lạ" > /dev/null
wait_for "teacher case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
json=$(tb reports --json)
eq "teacher code" "$(echo "$json" | jq -r '[.category, .urgent, .school] | join(" ")')" "drugs true MP2"
code=$(echo "$json" | jq -r .code)
wait_count "alerts" "SELECT 1 FROM outbox WHERE kind='alert'" 3
check "the alert names the teacher" sh -c "sqlite3 '$OUT/tinbao.db' \"SELECT text FROM outbox WHERE kind='alert' LIMIT 1\" | grep -q 'Vo Van Nam'"
eq "teacher acknowledged" "$(count "SELECT 1 FROM outbox WHERE kind='ack' AND number='+84911100007' AND text LIKE '%$code%MT KC%'")" "1"

tb inject --from 0911100007 "BN em Lan lớp 6 bị các bạn trêu chọc" > /dev/null
wait_for "second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
eq "BN not urgent" "$(tb reports --json | tail -n 1 | jq -r '[.category, .urgent] | join(" ")')" "bullying false"

# A case in Nhị Thành, whose police officer has a PIN.
tb inject --from 0987300001 "Có người cầm dao đánh nhau ở cổng trường THCS Nhị Thành, cứu" > /dev/null
wait_for "third case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
nt=$(newest)
wait_count "Nhị Thành police alerted" "SELECT 1 FROM outbox WHERE kind='alert' AND number='+84911100003'" 1

tb inject --from 0987300002 "NHAN $nt" > /dev/null          # unregistered
tb inject --from 0911100007 "NHAN $nt" > /dev/null          # a teacher
tb inject --from 0911100003 "NHAN $nt" > /dev/null          # no PIN
tb inject --from 0911100003 "NHAN $nt 1111" > /dev/null     # wrong PIN
wait_for "four refusals" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" show $nt --json | jq '[.timeline[] | select(.type == \"command_refused\")] | length') -eq 4 ]"
eq "still open" "$(tb show "$nt" --json | jq -r .status)" "open"
eq "no new case from the refused commands" "$(ncases)" "3"
check "refusals logged" sh -c "[ \$(grep -c 'refused' '$OUT/serve.log') -ge 4 ]"
eq "wrong PIN answered" "$(count "SELECT 1 FROM outbox WHERE number='+84911100003' AND text LIKE 'Sai ma PIN%'")" "2"
eq "nothing sent to the impostor" "$(count "SELECT 1 FROM outbox o JOIN reporters r ON r.id=o.reporter_id WHERE o.kind='command'")" "0"

tb inject --from 0911100003 "#nhan $nt 4821" > /dev/null
wait_for "acknowledged with the PIN" sh -c "\"$TINBAO\" -c \"$CONF\" show $nt --json | jq -e '.status == \"acknowledged\"' > /dev/null"
stop
check "the PIN is not stored in clear" sh -c "! cat '$OUT'/tinbao.db* | grep -aq 4821"
eq "the command kept, PIN masked" "$(count "SELECT 1 FROM messages WHERE text = '#nhan $nt ****'")" "1"
finish
