# 200 messages in a minute from one number: every one is stored and on a
# case, but only a handful of replies go out and no storm of cases; the
# same text twice is one case.  Another reporter is not slowed down.
. tests/regress/lib.sh
setup
start

i=1
while [ $i -le 200 ]; do
	tb inject --from 0987400001 "tin nhắn số $i: bọn nó chửi em suốt" > /dev/null
	i=$((i + 1))
done
tb inject --from 0987400002 "Em bị bạn cùng lớp bắt nạt" > /dev/null
WAIT=60 wait_count "all stored" "SELECT 1 FROM messages" 201
wait_for "phone inbox empty" sh -c "[ -z \"\$(ls '$OUT/phone/sms/1')\" ]"
sleep 1
flooder=$(sql "SELECT reporter_id FROM messages GROUP BY reporter_id ORDER BY count(*) DESC LIMIT 1")
eq "every message on a case" "$(count "SELECT 1 FROM messages WHERE case_id IS NULL")" "0"
replies=$(count "SELECT 1 FROM outbox WHERE reporter_id = $flooder")
check "a handful of replies ($replies)" [ "$replies" -le 6 ]
cases=$(count "SELECT 1 FROM cases WHERE reporter_id = $flooder")
check "a handful of cases ($cases)" [ "$cases" -le 6 ]
eq "the other reporter answered" "$(count "SELECT 1 FROM outbox WHERE reporter_id <> $flooder AND kind='ack'")" "1"

# The same text again within the hour: the same case, no reply.
# (Two SMSC times: the same text at the same second is the same SMS.)
tb inject --from 0987400003 --time "$(date -u +%Y%m%dT%H%M00Z)" "Có bạn lấy trộm xe đạp ở nhà xe" > /dev/null
tb inject --from 0987400003 --time "$(date -u +%Y%m%dT%H%M30Z)" "Có bạn lấy trộm xe đạp ở nhà xe" > /dev/null
WAIT=20 wait_count "both stored" "SELECT 1 FROM messages" 203
eq "one case for the repeat" "$(count "SELECT 1 FROM cases c JOIN reporters r ON r.id=c.reporter_id WHERE c.text LIKE 'Có bạn lấy trộm%'")" "1"
finish
