# The USSD menu at /ussd, spoken to as an aggregator speaks: a whole report
# path ends with a case whose category, school and urgency are the answers
# and a screen with its code, 113 and 111; a retried last request is the
# same case; a wrong token gets 403; invalid answers re-ask; the status
# lookup answers the reporter only; the caller's number is never in clear.
. tests/regress/lib.sh
setup
printf 'tok-s3cret\n' > "$OUT/ussd.secret"
cat >> "$CONF" <<EOC

[ussd]
secret_file = ussd.secret
EOC
directory
start
addr=$(http_addr)
U="http://$addr/ussd?token=tok-s3cret"
PUPIL=%2B84987711111

# ussd SESSION TEXT [NUMBER]: the reply's body.
ussd() {
	curl -s --data "sessionId=$1&serviceCode=*123%23&phoneNumber=${3:-$PUPIL}&text=$2" "$U"
}

eq "wrong token" "$(curl -s -o /dev/null -w '%{http_code}' --data 'sessionId=s0&phoneNumber=%2B84987711111&text=' "http://$addr/ussd?token=nope")" "403"
eq "no token" "$(curl -s -o /dev/null -w '%{http_code}' --data 'sessionId=s0&phoneNumber=%2B84987711111&text=' "http://$addr/ussd")" "403"

r=$(ussd s1 "")
check "main menu: $r" sh -c "printf '%s' '$r' | head -n 1 | grep -q '^CON '"
check "main menu items" sh -c "printf '%s' '$r' | grep -q '^1 Bao tin moi'"
r=$(ussd s1 "1")
check "category menu" sh -c "printf '%s' '$r' | grep -q '^9 Khac'"
r=$(ussd s1 "1*12")
check "invalid category re-asks: $r" sh -c "printf '%s' '$r' | grep -q '^CON Sai lua chon. Loai su viec'"
r=$(ussd s1 "1*12*2")
check "school asked: $r" sh -c "printf '%s' '$r' | grep -q '^CON Nhap ma truong'"
r=$(ussd s1 "1*12*2*ZZ9")
check "unknown school re-asked: $r" sh -c "printf '%s' '$r' | grep -q '^CON Khong co truong ZZ9'"
r=$(ussd s1 "1*12*2*ZZ9*nt2")
check "description asked: $r" sh -c "printf '%s' '$r' | grep -q '^CON Mo ta'"
D='Co+nhom+hoc+sinh+danh+ban+o+cong+sau'
r=$(ussd s1 "1*12*2*ZZ9*nt2*$D")
check "now? asked: $r" sh -c "printf '%s' '$r' | grep -q '^2 Khong'"
eq "no case before the end" "$(ncases)" "0"
r=$(ussd s1 "1*12*2*ZZ9*nt2*$D*1")
code=$(newest)
check "a case: $r" [ -n "$code" ]
eq "END with the code" "$r" "END Da nhan tin bao. Ma ho so: $code. Khan cap goi 113 (cong an), 111 (bao ve tre em)."
eq "category, urgency, school, source" "$(tb reports --json | jq -r '[.category, .urgent, .school, .source, .text] | join("|")')" "violence|true|NT2|ussd|Co nhom hoc sinh danh ban o cong sau"
r2=$(ussd s1 "1*12*2*ZZ9*nt2*$D*1")
eq "retry: same answer" "$r2" "$r"
eq "retry: one case" "$(ncases)" "1"
eq "retry: one message" "$(count "SELECT 1 FROM messages WHERE direction = 'in'")" "1"
eq "no SMS ack for a USSD report" "$(count "SELECT 1 FROM outbox WHERE kind = 'ack'")" "0"

# Not happening now, other, no school: not urgent; self harm: 111 first.
ussd s2 "1*9*0*Ban+em+hay+bi+trêu+choc*2" > /dev/null
eq "not urgent" "$(tb reports --json | tail -n 1 | jq -r '[.category, .urgent, .school] | join("|")')" "other|false|"
r=$(ussd s3 "1*5*0*Ban+em+noi+muon+chet*2")
c3=$(newest)
eq "self harm: 111 first" "$r" "END Da nhan tin bao. Ma ho so: $c3. Khan cap goi 111 (bao ve tre em), 113 (cong an)."
eq "self harm is urgent" "$(tb reports --json | tail -n 1 | jq -r .urgent)" "true"

# Status lookup: the reporter only; the same answer for a stranger and a
# code that does not exist.
r=$(ussd s4 "2")
check "lookup asks for a code: $r" sh -c "printf '%s' '$r' | grep -q '^CON Nhap ma ho so'"
eq "lookup by the reporter" "$(ussd s5 "2*$code")" "END Ho so $code: chua nhan."
eq "lookup by another number" "$(ussd s6 "2*$code" %2B84987722222)" "END Khong tim thay ho so."
eq "lookup of a code that does not exist" "$(ussd s7 "2*QQ99")" "END Khong tim thay ho so."
r=$(ussd s8 "2*??")
check "bad code re-asks: $r" sh -c "printf '%s' '$r' | grep -q '^CON Sai lua chon. Nhap ma ho so'"
r=$(ussd s9 "7")
check "bad main choice re-asks: $r" sh -c "printf '%s' '$r' | grep -q '^CON Sai lua chon. Duong day'"

eq "missing sessionId" "$(curl -s -o /dev/null -w '%{http_code}' --data 'phoneNumber=%2B84987711111&text=' "$U")" "400"
eq "sessionId twice" "$(curl -s -o /dev/null -w '%{http_code}' --data 'sessionId=a&sessionId=b&phoneNumber=%2B84987711111&text=' "$U")" "400"
eq "text twice" "$(curl -s -o /dev/null -w '%{http_code}' --data 'sessionId=a&phoneNumber=%2B84987711111&text=1&text=2' "$U")" "400"
eq "invalid UTF-8" "$(curl -s -o /dev/null -w '%{http_code}' --data 'sessionId=u8&phoneNumber=%2B84987711111&text=1*1*0*%C3' "$U")" "400"
eq "token twice" "$(curl -s -o /dev/null -w '%{http_code}' --data 'sessionId=t2&phoneNumber=%2B84987711111&text=' "$U&token=x")" "403"
eq "no case from refused forms" "$(ncases)" "3"
eq "GET works for testing" "$(curl -s "$U&sessionId=g1&phoneNumber=%2B84987711111&text=1" | head -n 1)" "CON Loai su viec:"

# The same report by SMS makes the same case: category, urgency, school,
# the same alert recipients, the same escalation timer, and a reporter
# alias (never a number).
tb inject --from 0987733333 "Có nhóm học sinh đang đánh bạn ở cổng sau trường THCS Nhị Thành" > /dev/null
wait_for "the SMS case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 4 ]"
sms=$(newest)
wait_count "its alerts" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$sms' AND o.kind='alert'" 1
shape() {	# what a case is, but for its code, source and text
	tb show "$1" --json | jq -r '[.category, .urgent, .school, .status, (.reporter | startswith("NB-"))] | map(tostring) | join("|")'
}
alerted() {
	sql "SELECT group_concat(number, ',') FROM (SELECT o.number FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$1' AND o.kind='alert' ORDER BY o.number)"
}
eq "the USSD case" "$(shape "$code")" "violence|true|NT2|open|true"
eq "USSD case = SMS case" "$(shape "$code")" "$(shape "$sms")"
check "alerts went out" [ -n "$(alerted "$code")" ]
eq "the same officers alerted" "$(alerted "$code")" "$(alerted "$sms")"
eq "the same escalation step" "$(sql "SELECT esc_step FROM cases WHERE code='$code'")" "$(sql "SELECT esc_step FROM cases WHERE code='$sms'")"

# The school step reads a school's name as a pupil types it (the
# classifier's school recognition); a name of two schools gets a numbered
# choice; a code still works; a name of no school is said once.  A USSD
# report chose its own category: confidence 1.  (Each from its own number:
# one number's sixth report in a few minutes would be a flood.)
r=$(ussd n1 "1*1*truong+my+phu")
eq "a name of two schools: the choice" "$r" "$(printf 'CON Truong nao?\n1 Tieu hoc My Phu (MP1)\n2 THCS My Phu (MP2)\n0 Khong ro')"
r=$(ussd n1 "1*1*truong+my+phu*2")
check "then the description: $r" sh -c "printf '%s' '$r' | grep -q '^CON Mo ta'"
ussd n1 "1*1*truong+my+phu*2*Ban+bi+treu*2" %2B84987712001 > /dev/null
eq "the school picked, confidence 1" "$(tb reports --json | tail -n 1 | jq -r '[.school, .confidence == 1, .triage] | map(tostring) | join(" ")')" "MP2 true untriaged"
ussd n2 "1*1*c2+nhi+thanh*Ban+bi+giau+dep*2" %2B84987712002 > /dev/null
eq "c2 nhi thanh" "$(tb reports --json | tail -n 1 | jq -r .school)" "NT2"
ussd n3 "1*1*Trường+THCS+Bình+Thạnh*Ban+bi+che+gieu*2" %2B84987712003 > /dev/null
eq "Trường THCS Bình Thạnh" "$(tb reports --json | tail -n 1 | jq -r .school)" "BT2"
ussd n4 "1*1*mp1*Ban+bi+doa*2" %2B84987712004 > /dev/null
eq "a code still works" "$(tb reports --json | tail -n 1 | jq -r .school)" "MP1"
r=$(ussd n5 "1*1*my+phu*0")
check "0: no school: $r" sh -c "printf '%s' '$r' | grep -q '^CON Mo ta'"
r=$(ussd n6 "1*1*truong+ha+noi")
check "a name of no school: $r" sh -c "printf '%s' '$r' | grep -q '^CON Khong tim thay truong. Nhap ma truong'"

check "no number in the log" sh -c "! grep -q '987711111' '$OUT/serve.log'"
check "no number in the database" sh -c "! sqlite3 '$OUT/tinbao.db' .dump | grep -q '987711111'"
finish
