# Against the fake AT modem (libGammu's real AT driver on a pty): a 3-part
# UCS-2 report is joined; an alert goes over the wire as one GSM-7 SMS to
# the right number with the right text, the reporter's acknowledgement too
# (unaccented since issue 12, one SMS); a recipient whose sends fail for good does not block the others;
# unplugged and plugged back, the gateway reconnects and delivers what
# arrived meanwhile, nothing lost and nothing doubled; a full SIM is read
# and emptied and reception resumes.
. tests/regress/lib.sh
setup
directory
fakemodem_setup
decoded() {	# decoded() NUMBER: the hex text of the SMS sent to NUMBER
	fm SENTDECODED | awk -v to="$1" '$1 == "TO" && $2 == to { for (i = 3; i < NF; i++) if ($i == "TEXT") print $(i + 1) }'
}
unhex() { printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf '%b'; }

WAIT=30 start
LONG="Em là học sinh lớp 8A trường THCS Mỹ Phú. Có mấy anh lớp 9 mang dao vào trường, đang chặn đánh bạn em ở nhà xe sau giờ học, cứu với, em sợ lắm."
fm SMSTEXT +84987800001 "$LONG" > /dev/null || fail "SMSTEXT"
WAIT=30 wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
json=$(tb reports --json)
eq "3 parts joined" "$(echo "$json" | jq -r .text)" "$LONG"
eq "urgent" "$(echo "$json" | jq -r '[.urgent, .school] | join(" ")')" "true MP2"
code=$(echo "$json" | jq -r .code)

# On the wire: the alert to the commune's police is one GSM-7 SMS.
WAIT=40 wait_count "alerts and ack on the wire" "SELECT 1 FROM outbox WHERE status IN ('sent', 'failed')" 4
line=$(fm SENTDECODED | grep "^TO +84911100001 ")
check "alert sent as GSM-7 ($line)" sh -c "echo '$line' | grep -q ' DCS 00 UDH - '"
alert=$(unhex "$(decoded +84911100001)")
eq "alert text on the wire" "$alert" "$(sql "SELECT text FROM outbox WHERE kind='alert' AND number='+84911100001'")"
check "alert names the case" sh -c "printf %s \"\$1\" | grep -q 'NHAN $code'" _ "$alert"
ackline=$(fm SENTDECODED | grep "^TO +84987800001 " | head -n 1)
check "ack as one GSM-7 SMS ($ackline)" sh -c "echo '$ackline' | grep -q ' DCS 00 UDH - '"
check "no pupil number in any alert" sh -c "! \"$FMCTL\" '$CTL' SENTDECODED | grep -v '^TO +84987800001' | grep -qi '3938373830303030'"

# A recipient whose sends fail for good does not hold the others back.
fm FAILTO +84911100006 21 > /dev/null
fm CLEAR > /dev/null
fm SMSTEXT +84987800002 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
WAIT=40 wait_for "second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
code2=$(newest)
WAIT=40 wait_count "the other alerts sent" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$code2' AND o.kind='alert' AND o.status='sent'" 2
WAIT=20 wait_count "the failing one failed for good" "SELECT 1 FROM outbox WHERE number='+84911100006' AND status='failed'" 1
check "the reason is kept" sh -c "sqlite3 '$OUT/tinbao.db' \"SELECT error FROM outbox WHERE number='+84911100006' AND status='failed'\" | grep -q 'CMS error 21'"

# Unplugged: messages that arrive meanwhile are delivered after the replug.
fm UNPLUG > /dev/null
WAIT=60 wait_for "link lost" grep -q "modem: link lost\|state up -> down\|connect failed" "$OUT/serve.log"
fm SMSTEXT +84987800003 "Có bạn bị đánh ở sân sau trường THCS Nhị Thành" > /dev/null
fm REPLUG > /dev/null
WAIT=60 wait_for "third case after the replug" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
check "still running" kill -0 "$SERVE_PID"
WAIT=20 wait_for "SIM emptied" sh -c "[ -z \"\$(\"$FMCTL\" '$CTL' INBOX | grep IDX)\" ]"
eq "nothing doubled" "$(count "SELECT 1 FROM messages")" "3"

# A full SIM (20 slots) filled while the gateway is stopped.
stop
i=1
while [ $i -le 20 ]; do
	fm SMSTEXT "+849879000$(printf %02d $i)" "Tin nhắn thứ $i về trật tự trường học" > /dev/null || fail "store $i"
	i=$((i + 1))
done
check "the SIM is full" sh -c "! \"$FMCTL\" '$CTL' SMSTEXT +84987900099 'one too many' > /dev/null"
WAIT=30 start
WAIT=90 wait_for "all 20 read" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 23 ]"
WAIT=30 wait_for "SIM emptied again" sh -c "[ -z \"\$(\"$FMCTL\" '$CTL' INBOX | grep IDX)\" ]"
fm SMSTEXT +84987900099 "Sau khi SIM đầy, tin này vẫn đến" > /dev/null || fail "reception resumes"
WAIT=30 wait_for "reception resumed" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 24 ]"
finish
