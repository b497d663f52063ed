# The commune People's Committee (role commune_committee, SPEC sections 6
# and 7) on the fake AT modem: an urgent case at a school of its commune
# is on the wire to it at once, a non-urgent one in its daily digest, and
# on the 1st (a test clock, TINBAO_TEST_NOW) the past month's summary from
# the report's commune table (3 urgent of 6: below 5, hidden); another
# commune's committee hears nothing of it; no notice carries a word of the
# report or the pupil's number.
DIGEST_TIME=00:00
. tests/regress/lib.sh
nstart=0
fresh_start() {	# start, waiting for this run's own log lines
	nstart=$((nstart + 1))
	[ -f "$OUT/serve.log" ] && mv "$OUT/serve.log" "$OUT/serve.$nstart.log"
	start
}
TZ=ICT-7
export TZ
setup
directory
cp tests/data/contacts.csv "$OUT/contacts.csv"
printf '%s\n' 'UBND xã Mỹ Phú,0911 100 051,commune_committee,,Mỹ Phú,,' \
    'UBND xã Nhị Thành,0911 100 052,commune_committee,,Nhị Thành,,' >> "$OUT/contacts.csv"
tb import contacts "$OUT/contacts.csv" > /dev/null || fail "import committees"
printf 'name,phone,role,school,commune,level,pin\nX,0911 100 053,commune_committee,,,,\n' > "$OUT/bad.csv"
check "a committee without a commune is refused" sh -c "\"$TINBAO\" -c \"$CONF\" import contacts '$OUT/bad.csv' 2>&1 | grep -q 'commune_committee needs a commune'"
fakemodem_setup
decoded() {	# decoded() NUMBER: the hex texts of the SMS sent to NUMBER
	fm SENTDECODED | awk -v to="$1" '$1 == "TO" && $2 == to { for (i = 3; i < NF; i++) if ($i == "TEXT") print $(i + 1) }'
}
unhex() { printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf '%b'; }
# What a notice must never carry: the pupils' numbers (as sent, UTF-16
# hex, digits) and the reports' words.
clean() {
	! printf '%s' "$1" | grep -qi '987800\|dao\|cuu\|treu\|chon\|Lan'
}

today=$(date +%Y-%m-%d)
sql "INSERT INTO meta (k, v) VALUES ('commune_digest_last', '$today')"
WAIT=30 fresh_start
fm SMSTEXT +84987800001 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
WAIT=30 wait_for "urgent case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
fm SMSTEXT +84987800002 "Bạn Lan lớp 6 trường THCS Mỹ Phú bị trêu chọc, giấu dép hoài" > /dev/null
WAIT=30 wait_for "second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
code2=$(newest)
WAIT=60 wait_count "urgent notice on the wire" "SELECT 1 FROM outbox WHERE kind='notice' AND status='sent'" 1
notice=$(unhex "$(decoded +84911100051)")
check "notice names code, category, school ($notice)" sh -c "printf %s \"\$1\" | grep -q '$code.*bao luc.*My Phu'" _ "$notice"
check "notice: no text, no number" clean "$notice"
check "notice: one GSM-7 SMS" sh -c "fm() { \"$FMCTL\" '$CTL' \"\$@\"; }; fm SENTDECODED | grep '^TO +84911100051 ' | grep -q ' DCS 00 UDH - '"
check "on the case's timeline" sh -c "tb() { \"$TINBAO\" -c \"$CONF\" \"\$@\"; }; tb show $code --json | jq -e '.timeline[] | select(.type == \"commune_notice\")' > /dev/null"
eq "the other commune hears nothing" "$(count "SELECT 1 FROM outbox WHERE number='+84911100052'")" "0"
eq "no notice for the non-urgent case yet" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$code2' AND o.kind='notice'")" "0"

# The daily digest, once its time has come.
stop
sql "DELETE FROM meta WHERE k = 'commune_digest_last'"
WAIT=30 fresh_start
WAIT=60 wait_count "digest on the wire" "SELECT 1 FROM outbox WHERE kind='notice' AND number='+84911100051' AND status='sent'" 2
digest=$(unhex "$(decoded +84911100051 | tail -n 1)")
check "digest lists the non-urgent case ($digest)" sh -c "printf %s \"\$1\" | grep -q '1 tin khong khan: $code2 bat nat (Truong THCS My Phu)'" _ "$digest"
check "digest: no text, no number" clean "$digest"
eq "no empty digest to the other commune" "$(count "SELECT 1 FROM outbox WHERE number='+84911100052'")" "0"

# The 1st of December: November's summary for each commune.
stop
at=$(date -d "2026-11-10 10:00:00" +%s)
for i in 1 2 3 4 5 6; do
	sql "INSERT INTO cases (code, category, urgent, school, source, text,
	    created_at, updated_at) VALUES ('N$i', 'violence', $((i % 2)),
	    'MP2', 'sms', 'dao', $at, $at)" || fail "insert"
done
TINBAO_TEST_NOW=$(date -d "2026-12-01 17:30:00" +%s)
export TINBAO_TEST_NOW
WAIT=30 fresh_start
WAIT=60 wait_count "monthly summaries on the wire" "SELECT 1 FROM outbox WHERE kind='notice' AND text LIKE 'TINBAO BC%' AND status='sent'" 2
mp=$(unhex "$(decoded +84911100051 | tail -n 1)")
eq "My Phu's November" "$mp" "TINBAO BC thang 11/2026 xa My Phu: 6 vu (khan x), da tiep nhan 0, da xu ly 0; thang truoc 0. x: so nho, an."
nt=$(unhex "$(decoded +84911100052 | tail -n 1)")
eq "Nhi Thanh's November" "$nt" "TINBAO BC thang 11/2026 xa Nhi Thanh: 0 vu (khan 0), da tiep nhan 0, da xu ly 0; thang truoc 0. x: so nho, an."
stop
WAIT=30 fresh_start
sleep 2
eq "sent once a month" "$(count "SELECT 1 FROM outbox WHERE text LIKE 'TINBAO BC%'")" "2"
finish
