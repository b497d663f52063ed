# One incident, one alert: three pupils text about the same fight at the
# same school within the window.  Each gets a case code and an
# acknowledgement of their own; the responders get one alert set for the
# first report and then one short update ("+N tin bao nua ve CODE"), not
# an alert per report; a later report is told in a later update only
# after incident_update.  Another category or school is an incident of
# its own.  `tinbao incident split CODE` takes a wrongly joined report
# out and alerts it as its own case.
. tests/regress/lib.sh
INCIDENT_WINDOW=10m setup
sed -i "s|^\[escalation\]|[escalation]\nincident_update = 20s|" "$CONF"
directory
start
FIGHT="Có mấy anh cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với"

tb inject --from 0987000001 "$FIGHT" > /dev/null
wait_for "first case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
lead=$(newest)
wait_count "first alerts" "SELECT 1 FROM outbox WHERE kind = 'alert' AND status = 'sent'" 3
tb inject --from 0987000002 "Đánh nhau ở cổng trường THCS Mỹ Phú, có dao, nhanh lên" > /dev/null
tb inject --from 0987000003 "Cổng trường THCS Mỹ Phú có người cầm dao đánh nhau" > /dev/null
wait_for "three cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
wait_count "three acks" "SELECT 1 FROM outbox WHERE kind = 'ack' AND status = 'sent'" 3
eq "three codes" "$(sql "SELECT count(DISTINCT code) FROM cases")" "3"
eq "still three alerts" "$(count "SELECT 1 FROM outbox WHERE kind = 'alert'")" "3"
eq "two joined" "$(sql "SELECT count(*) FROM cases WHERE incident_id = (SELECT id FROM cases WHERE code = '$lead')")" "2"
wait_count "one update per responder" "SELECT 1 FROM outbox WHERE kind = 'update' AND status = 'sent'" 3
upd=$(sql "SELECT DISTINCT text FROM outbox WHERE kind = 'update'")
# The second report was told at once, the third with it or in the next.
case $upd in
"+1 tin bao nua ve $lead"|"+2 tin bao nua ve $lead") ;;
*) fail "update text: $upd" ;;
esac
eq "updates to those alerted" "$(sql "SELECT group_concat(number, ' ') FROM (SELECT DISTINCT number FROM outbox WHERE kind = 'update' ORDER BY number)")" "$(sql "SELECT group_concat(number, ' ') FROM (SELECT DISTINCT number FROM outbox WHERE kind = 'alert' ORDER BY number)")"
told=$(sql "SELECT told FROM incidents")
if [ "$told" -lt 2 ]; then
	wait_count "the rest in a later update" "SELECT 1 FROM outbox WHERE kind = 'update'" 6
	eq "later update" "$(sql "SELECT text FROM outbox WHERE kind = 'update' ORDER BY id DESC LIMIT 1")" "+1 tin bao nua ve $lead"
fi
sleep 2
n=$(count "SELECT 1 FROM outbox WHERE kind = 'update'")
tb inject --from 0987000004 "Lại đánh nhau bằng dao ở cổng trường THCS Mỹ Phú" > /dev/null
wait_for "fourth case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 4 ]"
sleep 2
eq "no update before incident_update" "$(count "SELECT 1 FROM outbox WHERE kind = 'update'")" "$n"
WAIT=40 wait_count "then one" "SELECT 1 FROM outbox WHERE kind = 'update'" $((n + 3))
eq "still three alerts" "$(count "SELECT 1 FROM outbox WHERE kind = 'alert'")" "3"

# Another school: an incident of its own.
tb inject --from 0987000005 "Có người cầm dao đánh nhau ở cổng trường THCS Nhị Thành, cứu" > /dev/null
wait_for "fifth case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 5 ]"
other=$(newest)
wait_count "its own alerts" "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$other' AND o.kind = 'alert'" 1

# Split: the fourth report was about another fight after all.
fourth=$(sql "SELECT code FROM cases WHERE incident_id IS NOT NULL ORDER BY id DESC LIMIT 1")
tb incident split "$fourth" > /dev/null || fail "incident split"
eq "split off" "$(sql "SELECT incident_id IS NULL FROM cases WHERE code = '$fourth'")" "1"
wait_count "alerted on its own" "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$fourth' AND o.kind = 'alert' AND o.status = 'sent'" 3
check "the timeline says so" sh -c "\"$TINBAO\" -c '$CONF' show '$fourth' --json | jq -e '[.timeline[] | select(.type == \"incident_split\")] | length == 1' > /dev/null"
check "a second split is refused" sh -c "! \"$TINBAO\" -c '$CONF' incident split '$fourth' 2> /dev/null"
finish
