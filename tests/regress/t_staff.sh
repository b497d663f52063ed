# A registered number's message is never a pupil's report, and always gets
# an answer (issue 15): HD answers with the sender's role's help; an
# officer's free text, a bare case code, STOP, get the role's help and open
# no case; a teacher's code without details asks for them (with KC the
# case is opened and alerted); an unknown code lists the codes; a teacher's
# free text is a teacher's report (no pupil acknowledgement); a teacher's
# "<CASE> text" about her own case is a follow-up; a command her role may
# not use is refused and answered with her help.  A pupil's "<CASE>
# nhan ..." about her own case is a follow-up, not a refused command.
. tests/regress/lib.sh
setup
directory
start

last_to() {	# the text of the newest SMS queued to a number
	sql "SELECT text FROM outbox WHERE number='$1' ORDER BY id DESC LIMIT 1"
}
send() {	# send FROM TEXT: inject, wait until the message is handled
	n=$(count "SELECT 1 FROM messages")
	tb inject --from "$1" "$2" > /dev/null || fail "inject $2"
	wait_count "message handled" "SELECT 1 FROM messages" $((n + 1))
	sleep 0.3
}

# HD by role, each one SMS of GSM-7.
send 0911100001 "HD"
police=$(last_to +84911100001)
check "police help ($police)" sh -c "printf %s \"\$1\" | grep -q 'NHAN <ma ho so>'" _ "$police"
send 0911100003 "hd"
check "police help with the PIN" sh -c "printf %s \"\$1\" | grep -q '<PIN>'" _ "$(last_to +84911100003)"
send 0911100007 "HD"
teacher=$(last_to +84911100007)
check "teacher help ($teacher)" sh -c "printf %s \"\$1\" | grep -q 'BL bao luc'" _ "$teacher"
send 0911100006 "HD"
check "principal help" sh -c "printf %s \"\$1\" | grep -q 'NHAN <ma>'" _ "$(last_to +84911100006)"
send 0911100008 "HD"
send 0911100009 "HD"
send 0911100013 "HD"
for n in 01 03 06 07 08 09 13; do
	t=$(last_to +849111000$n)
	check "help to $n fits one SMS (${#t})" [ "$(printf %s "$t" | wc -c)" -le 160 ]
	check "help to $n is plain ASCII" sh -c "! printf %s \"\$1\" | LC_ALL=C grep -q '[^ -~]'" _ "$t"
done

# An officer's free text, a bare code, STOP: help, no case.
send 0911100001 "Dang den truong, 5 phut nua toi"
send 0911100001 "STOP"
send 0911100009 "K7QX"
check "a bare code gets its commands" sh -c "printf %s \"\$1\" | grep -q 'NHAN K7QX'" _ "$(last_to +84911100009)"
eq "no case from registered numbers" "$(ncases)" "0"
eq "every one answered" "$(count "SELECT 1 FROM outbox WHERE kind='help'")" "10"

# A teacher's code without details, an unknown code.
send 0911100007 "bl"
check "details asked ($(last_to +84911100007))" sh -c "printf %s \"\$1\" | grep -q 'Chua co noi dung. Nhan lai: BL'" _ "$(last_to +84911100007)"
send 0911100007 "ZZ"
check "codes listed" sh -c "printf %s \"\$1\" | grep -q 'Khong co ma ZZ. Ma: BN BL MT'" _ "$(last_to +84911100007)"
eq "still no case" "$(ncases)" "0"
send 0911100007 "CN KC"
eq "CN KC alone: a case" "$(ncases)" "1"
cn=$(newest)
check "and the details asked" sh -c "printf %s \"\$1\" | grep -q 'Gui ngay chi tiet: $cn'" _ "$(last_to +84911100007)"
wait_count "CN KC alerted" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$cn' AND o.kind='alert'" 3

# The teacher's follow-up on her own case.
send 0911100007 "$cn chay o phong thi nghiem tang 2"
eq "a follow-up, no new case" "$(ncases)" "1"
eq "on the case" "$(tb show "$cn" --json | jq '[.timeline[] | select(.type == "followup")] | length')" "1"

# A command the sender's role may not use: refused, and answered.
send 0911100007 "xong $cn"
eq "the teacher's XONG refused" "$(tb show "$cn" --json | jq '[.timeline[] | select(.type == "command_refused")] | length')" "1"
check "and answered with her help" sh -c "printf %s \"\$1\" | grep -q '^Bao tin: MA'" _ "$(last_to +84911100007)"
send 0911100006 "XONG $cn da xu ly"
check "the principal's XONG answered" sh -c "printf %s \"\$1\" | grep -q '^TINBAO bao tin'" _ "$(last_to +84911100006)"
eq "still open" "$(tb show "$cn" --json | jq -r .status)" "open"

# A teacher's free text: a teacher's report, the teacher's reply.
send 0911100007 "Em Lan lop 6A bi may ban treu choc, giau dep"
eq "a teacher's report" "$(ncases)" "2"
tr=$(newest)
eq "attributed to the teacher" "$(sql "SELECT c.school || ' ' || t.phone FROM cases c JOIN contacts t ON t.id=c.contact_id WHERE c.code='$tr'")" "MP2 +84911100007"
check "the teacher's reply" sh -c "printf %s \"\$1\" | grep -q '^Da nhan bao cao $tr'" _ "$(last_to +84911100007)"
eq "no pupil acknowledgement to a registered number" "$(count "SELECT 1 FROM outbox WHERE number IS NOT NULL AND text LIKE 'Da nhan tin bao%'")" "0"

# A pupil's "<CASE> nhan ..." about her own case: a follow-up.
send 0987400001 "Bạn em bị đánh ở nhà xe trường THCS Mỹ Phú"
pc=$(newest)
send 0987400001 "$pc nhan them: no lai danh em"
eq "the pupil's follow-up" "$(tb show "$pc" --json | jq '[.timeline[] | select(.type == "followup")] | length')" "1"
eq "no command refused" "$(tb show "$pc" --json | jq '[.timeline[] | select(.type == "command_refused")] | length')" "0"

# A code that is always urgent, alone: opened and alerted, details asked.
before=$(ncases)
send 0911100007 "xh"
eq "xh alone opens a case" "$(ncases)" "$((before + 1))"
xh=$(newest)
eq "urgent sexual abuse" "$(tb show "$xh" --json | jq -r '[.category, .urgent] | join(" ")')" "sexual_abuse true"
check "details asked" sh -c "printf %s \"\$1\" | grep -q 'Gui ngay chi tiet: $xh'" _ "$(last_to +84911100007)"
finish
