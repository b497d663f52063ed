# tinbao broadcast (SPEC section 11): groups.csv imported all or nothing;
# the cost (recipients x parts) said before anything is queued, and
# nothing queued with --dry-run; a number that sent STOP skipped; quiet
# hours respected (a test clock, TINBAO_TEST_NOW): a broadcast asked for
# in them is held until they end, and the gateway holds queued ones when
# they begin; a STOP after the queueing takes back that number's queued
# messages; an urgent alert queued in the middle of a broadcast leaves
# before the broadcast's remaining messages; the delivery counts; on the
# dashboard, a broadcast waits for a second Bureau user's approval.
SEND_INTERVAL=2s
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
# Quiet hours from 3 to 4 hours from now: not now, so the gateway sends.
# One reading of the clock for every time below: a minute that turns
# between two readings would move the quiet hours' end by 60 s.
base=$(date +%s)
qs=$(date -d "@$((base + 3 * 3600))" +%H:%M)
qe=$(date -d "@$((base + 4 * 3600))" +%H:%M)
printf '\n[broadcast]\nquiet_hours = %s-%s\n' "$qs" "$qe" >> "$CONF"
{
	echo 'group,phone,name'
	for i in 1 2 3 4 5 6; do echo "lop9,0987 111 00$i,Phụ huynh $i"; done
} > "$OUT/groups.csv"
eq "import groups" "$(tb import groups "$OUT/groups.csv")" "$OUT/groups.csv: 6 group members imported"
printf 'group,phone,name\nlop9,0987 111 007,X\nlop9,12,Y\n' > "$OUT/bad.csv"
check "a bad row: its line, nothing imported" sh -c "\"$TINBAO\" -c \"$CONF\" import groups '$OUT/bad.csv' 2>&1 | grep -q 'bad.csv:3: phone'"
eq "still 6 members" "$(count "SELECT 1 FROM groups WHERE name='lop9'")" "6"

fresh_start
tb inject --from 0987111006 "STOP" > /dev/null
wait_count "STOP recorded" "SELECT 1 FROM reporters WHERE silent = 1" 1

# The cost, and nothing queued with --dry-run.
eq "dry run: one GSM-7 SMS each" "$(tb broadcast --group lop9 --template ma-tuy --dry-run)" "recipients=5 skipped_stop=1 parts=1 sms=5"
LONG="Kính gửi quý phụ huynh lớp 9: nhà trường nhắc các em không mang điện thoại vào lớp học, cảm ơn"
eq "dry run: accents cost UCS-2 parts" "$(tb broadcast --group lop9 --text "$LONG" --dry-run)" "recipients=5 skipped_stop=1 parts=2 sms=10"
eq "nothing queued" "$(count "SELECT 1 FROM outbox WHERE kind='broadcast'")" "0"
eq "the police by role" "$(tb broadcast --role police --commune 'Mỹ Phú' --template ma-tuy --dry-run)" "recipients=2 skipped_stop=0 parts=1 sms=2"
check "an unknown template is a usage error" sh -c "\"$TINBAO\" -c \"$CONF\" broadcast --group lop9 --template nope 2>/dev/null; [ \$? -eq 2 ]"

# Asked for in quiet hours: held until they end.
quiet_now=$((base + 3 * 3600 + 30 * 60))
quiet_end=$(date -d "$(date -d "@$((base + 4 * 3600))" '+%Y-%m-%d %H:%M'):00" +%s)
[ "$quiet_end" -lt "$quiet_now" ] && quiet_end=$((quiet_end + 86400))
out=$(TINBAO_TEST_NOW=$quiet_now tb broadcast --group lop9 --template giao-thong)
check "queued ($out)" sh -c "printf %s \"\$1\" | grep -q '^queued broadcast=1 messages=5'" _ "$out"
eq "held until the quiet hours end" "$(sql "SELECT DISTINCT next_at FROM outbox WHERE kind='broadcast'")" "$quiet_end"
check "no STOP number queued" sh -c "[ \$(sqlite3 '$OUT/tinbao.db' \"SELECT count(*) FROM outbox WHERE number='+84987111006'\") -eq 0 ]"

# Queued now, then the gateway's clock enters quiet hours: held too.
stop
out=$(tb broadcast --group lop9 --template chay-no)
TINBAO_TEST_NOW=$quiet_now
export TINBAO_TEST_NOW
fresh_start
sleep 3
unset TINBAO_TEST_NOW
stop
eq "none sent in quiet hours" "$(count "SELECT 1 FROM outbox WHERE kind='broadcast' AND status <> 'queued'")" "0"
eq "all held to their end" "$(sql "SELECT count(*) FROM outbox WHERE kind='broadcast' AND next_at = $quiet_end")" "10"
# A STOP after the queueing: that number's held messages are taken back.
fresh_start
tb inject --from 0987111001 "STOP" > /dev/null
wait_count "taken back" "SELECT 1 FROM outbox WHERE kind='broadcast' AND status='failed' AND error='STOP' AND number='+84987111001'" 2
eq "the others still held" "$(sql "SELECT count(*) FROM outbox WHERE kind='broadcast' AND status='queued'")" "8"
stop
sql "UPDATE reporters SET silent = 0 WHERE id = (SELECT max(id) FROM reporters)"
sql "DELETE FROM broadcast_messages; DELETE FROM outbox WHERE kind='broadcast'; DELETE FROM broadcasts"

# An urgent alert queued during a broadcast goes before its remaining
# messages (one at a time, 2 s apart).
fresh_start
out=$(tb broadcast --group lop9 --template ma-tuy)
wait_count "the broadcast has begun" "SELECT 1 FROM outbox WHERE kind='broadcast' AND status <> 'queued'" 1
tb inject --from 0987222001 "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
WAIT=40 wait_count "alerts sent" "SELECT 1 FROM outbox WHERE kind='alert' AND status IN ('sent', 'delivered')" 3
WAIT=40 wait_count "the broadcast finished" "SELECT 1 FROM outbox WHERE kind='broadcast' AND status IN ('sent', 'delivered')" 5
# Order of sending: the outbox's ids in the order sent_at, id.
last_alert=$(sql "SELECT max(sent_at) FROM outbox WHERE kind='alert'")
case_at=$(sql "SELECT created_at FROM cases")
during=$(sql "SELECT count(*) FROM outbox WHERE kind='broadcast' AND sent_at > $case_at AND sent_at < $last_alert")
after=$(sql "SELECT count(*) FROM outbox WHERE kind='broadcast' AND sent_at > $last_alert")
check "at most the one in flight left between the report and its last alert ($during)" [ "$during" -le 1 ]
check "the broadcast's rest left after the alerts ($after)" [ "$after" -ge 1 ]
list=$(tb broadcast --list)
check "delivery counts ($list)" sh -c "printf %s \"\$1\" | grep -q 'recipients=5 skipped_stop=1 parts=1 queued=0 sent=[0-9]* delivered=[0-9]* failed=0'" _ "$list"
eq "sent or delivered: 5" "$(sql "SELECT count(*) FROM outbox o JOIN broadcast_messages m ON m.outbox_id = o.id WHERE o.status IN ('sent', 'delivered')")" "5"

# The dashboard: lan proposes, nothing is queued; lan cannot approve her
# own; minh, a second Bureau user, approves, and it is queued.
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user lan"
tb user add minh --role bureau --password-file "$OUT/pw" > /dev/null || fail "user minh"
base="http://$(http_addr)"
login() {	# login JAR NAME
	t=$(curl -s -c "$1" -b "$1" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
	curl -s -o /dev/null -c "$1" -b "$1" --data-urlencode "csrf=$t" \
	    --data-urlencode "name=$2" --data-urlencode "password=mat-khau-bureau-1" "$base/login"
}
csrf_of() {	# the CSRF token on /broadcast for JAR
	curl -s -b "$1" "$base/broadcast" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}
login "$OUT/jl" lan
login "$OUT/jm" minh
before=$(count "SELECT 1 FROM outbox WHERE kind='broadcast'")
eq "propose" "$(curl -s -o /dev/null -w '%{http_code}' -b "$OUT/jl" --data-urlencode "csrf=$(csrf_of "$OUT/jl")" \
    --data-urlencode action=propose --data-urlencode group=lop9 --data-urlencode template=giao-thong "$base/broadcast")" "303"
bid=$(sql "SELECT max(id) FROM broadcasts")
eq "pending" "$(sql "SELECT status || ' ' || created_by || ' ' || recipients FROM broadcasts WHERE id = $bid")" "pending user:lan 5"
eq "nothing queued before approval" "$(count "SELECT 1 FROM outbox WHERE kind='broadcast'")" "$before"
eq "the proposer cannot approve" "$(curl -s -o /dev/null -w '%{http_code}' -b "$OUT/jl" --data-urlencode "csrf=$(csrf_of "$OUT/jl")" \
    --data-urlencode action=approve --data-urlencode id=$bid "$base/broadcast")" "403"
check "no approve button for the proposer" sh -c "! curl -s -b '$OUT/jl' '$base/broadcast' | grep -o '<tr id=\"b$bid\">.*' | grep -q 'value=\"approve\"'"
eq "a second user approves" "$(curl -s -o /dev/null -w '%{http_code}' -b "$OUT/jm" --data-urlencode "csrf=$(csrf_of "$OUT/jm")" \
    --data-urlencode action=approve --data-urlencode id=$bid "$base/broadcast")" "303"
eq "queued" "$(sql "SELECT status || ' ' || approved_by FROM broadcasts WHERE id = $bid")" "queued user:minh"
eq "its five messages" "$(count "SELECT 1 FROM broadcast_messages WHERE broadcast_id = $bid")" "5"
eq "decided once" "$(curl -s -o /dev/null -w '%{http_code}' -b "$OUT/jm" --data-urlencode "csrf=$(csrf_of "$OUT/jm")" \
    --data-urlencode action=approve --data-urlencode id=$bid "$base/broadcast")" "409"
eq "audited" "$(count "SELECT 1 FROM audit WHERE action IN ('broadcast.propose', 'broadcast.denied', 'broadcast.approve')")" "3"
finish
