# Responders as they type, on the fake AT modem (issue 15): an urgent
# report's alerts leave in the order police, principal, Bureau on the wire;
# the four hurried NHAN of the issue from a police number open no case and
# acknowledge the real one; a police number with a PIN sees "NHAN CODE
# <PIN>" in its alert (never the PIN), and five wrong PINs lock its
# commands (one reply, the Bureau told, the right PIN refused); an alerted
# principal may NHAN and TT; a commune with no level-1 police has level 2
# alerted at once; a counselor who reports gets no alert about her own
# report.
. tests/regress/lib.sh
setup
directory
fakemodem_setup
decoded() {	# decoded() NUMBER: the hex texts of the SMS sent to NUMBER
	fm SENTDECODED | awk -v to="$1" '$1 == "TO" && $2 == to { for (i = 3; i < NF; i++) if ($i == "TEXT") print $(i + 1) }'
}
unhex() { printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf '%b'; }
cases_n() { "$TINBAO" -c "$CONF" reports --json | wc -l; }
case_of() {	# case_of CODE FIELD
	tb show "$1" --json | jq -r ".$2"
}
sent_to() {	# how many SMS of a kind were sent to a number
	count "SELECT 1 FROM outbox WHERE number='$1' AND kind='$2' AND status IN ('sent', 'delivered')"
}

WAIT=30 start

# 1. Alert order on the wire: the commune's police, the principal, the Bureau.
fm SMSTEXT +84987500001 "Có mấy anh cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với" > /dev/null
WAIT=30 wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
WAIT=40 wait_count "alerts on the wire" "SELECT 1 FROM outbox WHERE kind='alert' AND status IN ('sent', 'delivered')" 3
order=$(fm SENTDECODED | awk '$1 == "TO" { print $2 }' | grep -E '^\+8491110000[169]$' | tr '\n' ' ')
eq "alert order on the wire" "$order" "+84911100001 +84911100006 +84911100009 "

# 2. The four hurried acknowledgements from the police: no case, acknowledged.
for msg in "$code nhan" "ok da nhan $code" "Nhan $code." "nhan$(echo "$code" | tr 'A-Z' 'a-z')"; do
	fm SMSTEXT +84911100001 "$msg" > /dev/null || fail "SMSTEXT $msg"
done
WAIT=40 wait_count "four answers" "SELECT 1 FROM outbox WHERE number='+84911100001' AND kind='command'" 4
eq "no fake case" "$(cases_n)" "1"
eq "the real case acknowledged" "$(case_of "$code" status)" "acknowledged"
eq "no pupil acknowledgement to the officer" "$(count "SELECT 1 FROM outbox WHERE number='+84911100001' AND kind='ack'")" "0"
eq "one acknowledgement, three again" "$(tb show "$code" --json | jq '[.timeline[] | select(.type == "acknowledged_again")] | length')" "3"

# 3. The PIN hint: the Nhị Thành police (PIN 4821) see <PIN>, never the PIN.
fm SMSTEXT +84987500002 "Có người cầm dao đánh nhau ở cổng trường THCS Nhị Thành, cứu" > /dev/null
WAIT=30 wait_for "second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
nt=$(newest)
WAIT=40 wait_count "Nhị Thành alerts on the wire" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$nt' AND o.kind='alert' AND o.status IN ('sent', 'delivered')" 3
alert=$(unhex "$(decoded +84911100003 | tail -n 1)")
check "the PIN hint ($alert)" sh -c "printf %s \"\$1\" | grep -q 'NHAN $nt <PIN>\$'" _ "$alert"
check "never the PIN" sh -c "! printf %s \"\$1\" | grep -q 4821" _ "$alert"
palert=$(unhex "$(decoded +84911100012 | tail -n 1)")
check "no PIN hint for the principal ($palert)" sh -c "printf %s \"\$1\" | grep -q 'NHAN $nt\$'" _ "$palert"

# 4. Five wrong PINs lock the number: three answered, one silent, one lock.
for pin in 1111 2222 3333 5555 6666; do
	fm SMSTEXT +84911100003 "TT $nt $pin" > /dev/null
done
WAIT=40 wait_count "the lock said" "SELECT 1 FROM outbox WHERE number='+84911100003' AND text LIKE '%bi khoa 15 phut, den%'" 1
eq "wrong PINs answered, throttled" "$(count "SELECT 1 FROM outbox WHERE number='+84911100003' AND text LIKE 'Sai ma PIN. %'")" "3"
WAIT=20 wait_count "the Bureau told" "SELECT 1 FROM outbox WHERE number='+84911100009' AND kind='alarm' AND text LIKE '%+84911100003%khoa%'" 1
fm SMSTEXT +84911100003 "nhan $nt 4821" > /dev/null
WAIT=30 wait_count "the right PIN refused while locked" "SELECT 1 FROM messages WHERE contact_id=(SELECT id FROM contacts WHERE phone='+84911100003') AND text LIKE 'nhan%'" 1
sleep 2
eq "still open" "$(case_of "$nt" status)" "open"
eq "nothing said while locked" "$(count "SELECT 1 FROM outbox WHERE number='+84911100003' AND kind='command'")" "4"

# 5. The principal who was alerted may NHAN and TT.
fm SMSTEXT +84911100012 "Nhận $nt." > /dev/null
WAIT=30 wait_for "the principal acknowledged" sh -c "\"$TINBAO\" -c \"$CONF\" show $nt --json | jq -e '.status == \"acknowledged\"' > /dev/null"
fm SMSTEXT +84911100012 "tt $nt" > /dev/null
WAIT=30 wait_count "the principal's summary" "SELECT 1 FROM outbox WHERE number='+84911100012' AND kind='command' AND text LIKE '$nt %'" 1
eq "no case from the principal" "$(cases_n)" "2"

# 6. The township has schools and no level-1 police: level 2 at once.
fm SMSTEXT +84987500003 "Có người cầm dao chém nhau ở cổng trường THPT Thủ Thừa, cứu với" > /dev/null
WAIT=30 wait_for "third case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
tt=$(newest)
eq "the township's school" "$(case_of "$tt" school)" "TT3"
WAIT=40 wait_count "district level-2 police alerted at once" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$tt' AND o.kind='alert' AND o.number='+84911100004' AND o.status IN ('sent', 'delivered')" 1
eq "the timeline says why" "$(tb show "$tt" --json | jq '[.timeline[] | select(.type == "alert_level2_now")] | length')" "1"
eq "the police still first" "$(sql "SELECT group_concat(number, ' ') FROM (SELECT o.number FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$tt' AND o.kind='alert' ORDER BY o.id)")" "+84911100004 +84911100009"
eq "still at step 1" "$(sql "SELECT esc_step FROM cases WHERE code='$tt'")" "1"

# 7. A counselor who reports self harm is not alerted about her own report.
fm SMSTEXT +84911100008 "TH KC em lop 8A noi muon tu tu, dang o san thuong" > /dev/null
WAIT=30 wait_for "fourth case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 4 ]"
th=$(newest)
WAIT=40 wait_count "the counselor's alerts" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$th' AND o.kind='alert' AND o.status IN ('sent', 'delivered')" 3
eq "no alert to the reporter herself" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$th' AND o.kind='alert' AND o.number='+84911100008'")" "0"
eq "the skip on the timeline" "$(tb show "$th" --json | jq '[.timeline[] | select(.type == "alert_skipped")] | length')" "1"
WAIT=30 wait_count "the counselor's acknowledgement" "SELECT 1 FROM outbox WHERE number='+84911100008' AND kind='ack' AND text LIKE 'Da nhan bao cao $th%'" 1
finish
