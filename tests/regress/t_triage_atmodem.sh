# The triage net against the fake AT modem (libGammu's real AT driver on a
# pty): an "other" report reaches the Bureau's level-1 contact on the wire,
# as one GSM-7 SMS naming the case, within notify_interval in office
# hours; KC <CASE> from the reporter's phone puts the alerts on the wire;
# the same from another phone is refused.
NOTIFY_INTERVAL=2s
OFFICE_HOURS="00:00-24:00 Mon-Sun"
. tests/regress/lib.sh
setup
directory
fakemodem_setup
decoded() {	# decoded() NUMBER: the hex texts of the SMS sent to NUMBER
	fm SENTDECODED | awk -v to="$1" '$1 == "TO" && $2 == to { for (i = 3; i < NF; i++) if ($i == "TEXT") print $(i + 1) }'
}
unhex() { printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf '%b'; }

WAIT=30 start
fm SMSTEXT +84987900001 "Em muốn hỏi chuyện ở trường, không biết nói với ai" > /dev/null || fail "SMSTEXT"
WAIT=30 wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
eq "other, not urgent" "$(tb show "$code" --json | jq -r '[.category, .urgent] | join(" ")')" "other false"
WAIT=20 wait_count "notice on the wire" "SELECT 1 FROM outbox WHERE kind='triage' AND status='sent'" 1
line=$(fm SENTDECODED | grep "^TO +84911100009 " | head -n 1)
check "notice sent as GSM-7 ($line)" sh -c "echo '$line' | grep -q ' DCS 00 UDH - '"
notice=$(unhex "$(decoded +84911100009 | head -n 1)")
eq "notice text on the wire" "$notice" "TINBAO: 1 tin chua phan loai: $code khac. Xem bang dieu khien hoac NHAN <ma>"

fm SMSTEXT +84987900002 "KC $code" > /dev/null
WAIT=30 wait_for "refused" sh -c "\"$TINBAO\" -c \"$CONF\" show $code --json | jq -e '[.timeline[].type] | index(\"command_refused\")' > /dev/null"
eq "still not urgent" "$(tb show "$code" --json | jq -r .urgent)" "false"
fm SMSTEXT +84987900001 "KC $code" > /dev/null
WAIT=30 wait_for "urgent" sh -c "[ \"\$(\"$TINBAO\" -c \"$CONF\" show $code --json | jq -r .urgent)\" = true ]"
WAIT=40 wait_count "alerts on the wire" "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$code' AND o.kind = 'alert' AND o.status = 'sent'" 3
alert=$(unhex "$(decoded +84911100001 | tail -n 1)")
check "the alert names the case ($alert)" sh -c "printf %s \"\$1\" | grep -q 'KHAN khac.*NHAN $code'" _ "$alert"
finish
