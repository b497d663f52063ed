# The triage net (SPEC section 7, nothing waits unseen): non-urgent cases
# wait for office hours, then reach the Bureau's level-1 contact in one SMS
# within notify_interval, "other" first; KC <CASE> from the reporter makes
# a case urgent and alerts at once, from anyone else it is refused; a
# report that names school staff as the one who hurts does not reach the
# principal; a case untriaged for untriaged_timeout of office time is
# escalated like an unacknowledged alert, once, across a restart; a
# responder's NHAN, `tinbao triage` and the API triage a case; the principal's
# daily digest leaves out a staff-accused case, the Bureau's does not.
NOTIFY_INTERVAL=2s
DIGEST_TIME=00:00
UNTRIAGED_TIMEOUT=1h
. tests/regress/lib.sh
setup
directory
BUREAU=+84911100009
PRINCIPAL=+84911100006
open_hours() {
	sed -i "s|^office_hours = .*|office_hours = 00:00-24:00 Mon-Sun|" "$CONF"
}
timeout_is() {
	sed -i "s|^untriaged_timeout = .*|untriaged_timeout = $1|" "$CONF"
}
notices() {
	count "SELECT 1 FROM outbox WHERE kind='triage' AND number='$BUREAU'"
}
report() {	# report FROM TEXT: injects, waits for the case, prints its code
	n=$(ncases)
	tb inject --from "$1" "$2" > /dev/null
	wait_for "case from $1" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -gt $n ]"
	newest
}
field() {	# field CODE JQ
	tb show "$1" --json | jq -r "$2"
}
alerted() {
	sql "SELECT group_concat(number, ' ') FROM (SELECT o.number FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$1' AND o.kind = 'alert' ORDER BY o.number)"
}
state() {
	sql "SELECT t.state || ' ' || COALESCE(t.how, '-') FROM triage t JOIN cases c ON c.id = t.case_id WHERE c.code = '$1'"
}

# No digest until the end (see t_digest.sh).
sql "INSERT INTO meta (k, v) VALUES ('digest_last', '$(date +%Y-%m-%d)')"

# Outside office hours: the cases wait, nobody is told.
start
b1=$(report 0987300001 "Bạn Lan lớp 6 trường THCS Mỹ Phú bị trêu chọc, giấu dép hoài")
o1=$(report 0987300002 "Em muốn hỏi chuyện ở trường, không biết nói với ai")
eq "bullying, not urgent" "$(field "$b1" '[.category, .urgent] | join(" ")')" "bullying false"
eq "other" "$(field "$o1" .category)" "other"
eq "untriaged" "$(state "$o1")" "untriaged -"
sleep 3
eq "no notice outside office hours" "$(notices)" "0"
eq "no untriaged escalation outside office hours" "$(alerted "$o1")" ""

# Office hours open: one SMS to the Bureau's level-1 contact, other first.
stop
open_hours
start
WAIT=4 wait_count "notice within notify_interval" "SELECT 1 FROM outbox WHERE kind='triage' AND number='$BUREAU'" 1
eq "one notice" "$(notices)" "1"
eq "only the Bureau's level 1" "$(count "SELECT 1 FROM outbox WHERE kind='triage'")" "1"
text=$(sql "SELECT text FROM outbox WHERE kind='triage'")
eq "codes and categories, other first" "$text" "TINBAO: 2 tin chua phan loai: $o1 khac, $b1 bat nat. Xem bang dieu khien hoac NHAN <ma>"
check "fits one SMS" test "${#text}" -le 160
check "notice on the timeline" sh -c "\"$TINBAO\" -c \"$CONF\" show $o1 --json | jq -e '[.timeline[].type] | index(\"triage_notice\")' > /dev/null"

# The next case: in the next notice, within notify_interval, alone.
o2=$(report 0987300003 "alo cho em hoi cai nay")
WAIT=5 wait_count "second notice" "SELECT 1 FROM outbox WHERE kind='triage' AND number='$BUREAU'" 2
eq "second notice lists the new case only" "$(sql "SELECT text FROM outbox WHERE kind='triage' ORDER BY id DESC LIMIT 1")" "TINBAO: 1 tin chua phan loai: $o2 khac. Xem bang dieu khien hoac NHAN <ma>"
sleep 2.5
eq "nothing new, no notice" "$(notices)" "2"

# KC <CASE> from the reporter: urgent, alerted as an urgent report.
tb inject --from 0987300001 "KC $b1" > /dev/null
wait_for "KC makes B1 urgent" sh -c "[ \"\$(\"$TINBAO\" -c \"$CONF\" show $b1 --json | jq -r .urgent)\" = true ]"
wait_count "B1 alerts" "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$b1' AND o.kind = 'alert'" 3
eq "B1 alerted at step 1" "$(alerted "$b1")" "+84911100001 $PRINCIPAL $BUREAU"
check "KC on the timeline" sh -c "\"$TINBAO\" -c \"$CONF\" show $b1 --json | jq -e '[.timeline[].type] | index(\"made_urgent\")' > /dev/null"
wait_count "KC answered" "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$b1' AND o.reporter_id IS NOT NULL AND o.text LIKE '%KHAN CAP%'" 1

# GAP from another number: refused, nothing changes, the reply says so.
tb inject --from 0987300009 "gấp $o1" > /dev/null
wait_for "refusal on the timeline" sh -c "\"$TINBAO\" -c \"$CONF\" show $o1 --json | jq -e '[.timeline[].type] | index(\"command_refused\")' > /dev/null"
eq "O1 still not urgent" "$(field "$o1" .urgent)" "false"
eq "O1 not alerted" "$(alerted "$o1")" ""
wait_count "refusal answered" "SELECT 1 FROM outbox WHERE text LIKE 'Chi so da gui tin bao $o1%'" 1
eq "no case made of it" "$(ncases)" "3"
# GAP from the reporter works as KC does.
tb inject --from 0987300003 "Gấp $o2" > /dev/null
wait_for "GAP makes O2 urgent" sh -c "[ \"\$(\"$TINBAO\" -c \"$CONF\" show $o2 --json | jq -r .urgent)\" = true ]"

# Staff named as the one who hurts: police and Bureau, not the principal.
s1=$(report 0987300004 "Thầy Nam trường THCS Mỹ Phú đánh em chảy máu, cứu em")
eq "urgent, school known" "$(field "$s1" '[.urgent, .school] | join(" ")')" "true MP2"
wait_count "S1 alerts" "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$s1' AND o.kind = 'alert'" 2
sleep 1
eq "S1: not the principal" "$(alerted "$s1")" "+84911100001 $BUREAU"
check "the timeline says why" sh -c "\"$TINBAO\" -c \"$CONF\" show $s1 --json | jq -e '[.timeline[] | select(.type == \"alert_withheld\") | .detail] | .[0] | test(\"staff accused\")' > /dev/null"
wait_for "staff accused recorded" sh -c "[ \"\$(sqlite3 '$OUT/tinbao.db' \"SELECT staff_accused FROM triage t JOIN cases c ON c.id = t.case_id WHERE c.code = '$s1'\")\" = 'thay -> danh' ]"
eq "nothing to the principal at all" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$s1' AND o.number = '$PRINCIPAL'")" "0"

# A responder's NHAN triages; so does `tinbao triage`.
tb inject --from 0911100001 "NHAN $s1" > /dev/null
wait_for "NHAN triages" sh -c "[ \"\$(sqlite3 '$OUT/tinbao.db' \"SELECT t.state || ' ' || t.how FROM triage t JOIN cases c ON c.id = t.case_id WHERE c.code = '$s1'\")\" = 'triaged ack' ]"
eq "triage CLI" "$(tb triage "$o1" --category bullying)" "$o1 triaged: bullying"
eq "triaged by the CLI" "$(state "$o1")" "triaged triage"
eq "category corrected" "$(field "$o1" .category)" "bullying"
eq "the classifier's value kept" "$(sql "SELECT class_category FROM triage t JOIN cases c ON c.id = t.case_id WHERE c.code = '$o1'")" "other"
check "queue lists untriaged only" sh -c "! \"$TINBAO\" -c \"$CONF\" triage | grep -q $o1"

# untriaged_timeout of office time: escalated like an unacknowledged alert,
# once, and a restart neither loses nor repeats it.
stop
timeout_is 3s
start
u1=$(report 0987300005 "Em có chuyện muốn nói ở trường THCS Nhị Thành")
t1=$(report 0987300006 "Cho em hỏi lịch thi ở trường THCS Nhị Thành")
eq "T1 triaged in time" "$(tb triage "$t1")" "$t1 triaged: other"
WAIT=10 wait_for "U1 escalated" sh -c "\"$TINBAO\" -c \"$CONF\" show $u1 --json | jq -e '[.timeline[].type] | index(\"untriaged_timeout\")' > /dev/null"
eq "U1 alerted at step 1" "$(alerted "$u1")" "+84911100003 $BUREAU +84911100012"
eq "U1 on the alert chain" "$(sql "SELECT esc_step FROM cases WHERE code = '$u1'")" "1"
sleep 1
eq "T1 not escalated" "$(alerted "$t1")" ""
u2=$(report 0987300007 "Em muốn gặp ai đó để nói chuyện")
wait_for "U2 armed" sh -c "[ \"\$(sqlite3 '$OUT/tinbao.db' \"SELECT due_at IS NOT NULL FROM triage t JOIN cases c ON c.id = t.case_id WHERE c.code = '$u2'\")\" = 1 ]"
stop
sleep 4
start
WAIT=10 wait_for "U2 escalated after the restart" sh -c "\"$TINBAO\" -c \"$CONF\" show $u2 --json | jq -e '[.timeline[].type] | index(\"untriaged_timeout\")' > /dev/null"
sleep 2
eq "U1 escalated once" "$(count "SELECT 1 FROM events e JOIN cases c ON c.id = e.case_id WHERE c.code = '$u1' AND e.type = 'untriaged_timeout'")" "1"
eq "U2 escalated once" "$(count "SELECT 1 FROM events e JOIN cases c ON c.id = e.case_id WHERE c.code = '$u2' AND e.type = 'untriaged_timeout'")" "1"

# The API's door: POST /api/v1/cases/CODE/triage.
BUR=$(tb token add triage-desk --role bureau 2> /dev/null) || fail "token add"
A=$(http_addr)
a1=$(report 0987300011 "Cho em hỏi chút việc ở trường THCS Mỹ Phú")
st=$(curl -s -o "$OUT/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $BUR" -H 'Content-Type: application/json' --data-binary '{"category":"bullying","urgent":true}' "http://$A/api/v1/cases/$a1/triage")
eq "API triage answered" "$st" "200"
eq "API triage state" "$(jq -r '[.triage, .category, .urgent] | map(tostring) | join(" ")' "$OUT/body")" "triaged bullying true"
eq "by the token" "$(jq -r .triaged_by "$OUT/body")" "token:triage-desk"
wait_count "made urgent by triage: alerted" "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$a1' AND o.kind = 'alert'" 3
st=$(curl -s -o "$OUT/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $BUR" -H 'Content-Type: application/json' --data-binary '{"category":"nonsense"}' "http://$A/api/v1/cases/$a1/triage")
eq "unknown category refused" "$st" "400"
eq "audited" "$(count "SELECT 1 FROM audit WHERE action = 'case.triage' AND actor = 'token:triage-desk'")" "1"

# The queue: other first, then the least sure, then the oldest; the same
# from `tinbao triage` and from the API's triage=untriaged.  The case JSON
# has the classifier's confidence and the triage state.
eq "A1's JSON" "$(field "$a1" '[.triage, (.confidence | type)] | join(" ")')" "triaged number"
sql "UPDATE cases SET confidence = 0.1 WHERE code = '$b1'"
sql "UPDATE cases SET confidence = 0.9 WHERE code = '$o2'"
sql "UPDATE cases SET category = 'other', confidence = 0.5 WHERE code = '$u1'"
sql "UPDATE cases SET category = 'other', confidence = 0.2 WHERE code = '$u2'"
eq "B1's JSON" "$(field "$b1" '[.triage, .confidence] | map(tostring) | join(" ")')" "untriaged 0.1"
eq "queue order (CLI)" "$(tb triage | awk '{ printf "%s ", $1 }')" "$u2 $u1 $o2 $b1 "
check "the CLI shows the confidence" sh -c ""$TINBAO" -c "$CONF" triage | grep -q '^$b1 .* 0.10 '"
api=$(curl -s -H "Authorization: Bearer $BUR" "http://$A/api/v1/cases?triage=untriaged" | jq -r '[.cases[].code] | join(" ")')
eq "queue order (API)" "$api" "$u2 $u1 $o2 $b1"
eq "triaged filter" "$(curl -s -H "Authorization: Bearer $BUR" "http://$A/api/v1/cases?triage=triaged&limit=200" | jq -r '.cases | map(.triage) | unique | join(" ")')" "triaged"
eq "bad triage filter" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BUR" "http://$A/api/v1/cases?triage=maybe")" "400"

# The daily digest: a non-urgent staff-accused case is not in the
# principal's, and is in the Bureau's.
stop
timeout_is 1h
start
n1=$(report 0987300008 "Cô giáo lớp 7 trường THCS Nhị Thành hay chửi em là đồ ngu")
n2=$(report 0987300010 "Bạn Tuấn lớp 7 trường THCS Nhị Thành hay trêu chọc em")
eq "N1 not urgent, NT2" "$(field "$n1" '[.urgent, .school] | join(" ")')" "false NT2"
wait_for "N1 staff accused" sh -c "[ -n \"\$(sqlite3 '$OUT/tinbao.db' \"SELECT staff_accused FROM triage t JOIN cases c ON c.id = t.case_id WHERE c.code = '$n1'\")\" ]"
stop
sql "DELETE FROM meta WHERE k = 'digest_last'"
start
wait_count "digests (NT2's principal, the Bureau)" "SELECT 1 FROM outbox WHERE kind='digest'" 2
nt2=$(sql "SELECT text FROM outbox WHERE kind='digest' AND number='+84911100012'")
check "NT2 principal's digest lists N2 ($nt2)" sh -c "printf %s \"\$1\" | grep -q $n2" _ "$nt2"
check "NT2 principal's digest leaves N1 out ($nt2)" sh -c "! printf %s \"\$1\" | grep -q $n1" _ "$nt2"
bureau=$(sql "SELECT text FROM outbox WHERE kind='digest' AND number='$BUREAU'")
check "the Bureau's digest lists N1 ($bureau)" sh -c "printf %s \"\$1\" | grep -q $n1" _ "$bureau"
finish
