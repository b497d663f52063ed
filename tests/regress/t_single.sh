# A single Vietnamese UCS-2 SMS becomes one case, is acknowledged with the
# case code, 113 and 111 and without its own text, is deleted from the
# phone only after the commit, and the sender's number is nowhere in clear.
. tests/regress/lib.sh
setup
start

TEXT="Em bị mấy bạn lớp 8A chặn đánh ở cổng trường, em sợ lắm"
tb inject --from "0912 345 678" "$TEXT" > /dev/null
wait_for "one case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
wait_for "ack sent" sh -c "[ \"\$(sqlite3 '$OUT/tinbao.db' \"SELECT status FROM outbox WHERE kind='ack'\")\" = sent ]"

json=$(tb reports --json)
eq "text" "$(echo "$json" | jq -r .text)" "$TEXT"
eq "status" "$(echo "$json" | jq -r .status)" "open"
eq "source" "$(echo "$json" | jq -r .source)" "sms"
code=$(echo "$json" | jq -r .code)
check "case code shape ($code)" sh -c "echo '$code' | grep -Eq '^[ACDEFGHJKMNPQRTUVWXY34679]{4,6}\$'"
check "created_at is ISO 8601" sh -c "echo '$json' | jq -r .created_at | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}\$'"

ack=$(sql "SELECT text FROM outbox WHERE kind='ack'")
check "ack names the case code" sh -c "echo \"\$1\" | grep -q \"$code\"" _ "$ack"
check "ack names 113" sh -c "echo \"\$1\" | grep -q 113" _ "$ack"
check "ack names 111" sh -c "echo \"\$1\" | grep -q 111" _ "$ack"
check "ack does not repeat the report" sh -c "! echo \"\$1\" | grep -q 'cổng trường'" _ "$ack"
eq "ack goes to the reporter by reference" "$(sql "SELECT number IS NULL AND reporter_id IS NOT NULL FROM outbox WHERE kind='ack'")" "1"

# The timeline shows the report and the acknowledgement.
show=$(tb show "$code" --json)
eq "timeline" "$(echo "$show" | jq -r '[.timeline[].type] | join(",")')" "received,reply_queued,reply_sent"

# Deleted from the phone once committed.
wait_for "phone inbox empty" sh -c "[ -z \"\$(ls '$OUT/phone/sms/1')\" ]"

# A second SMS from the same phone is the same reporter (same alias).
tb inject --from "+84912345678" "Tin thứ hai" > /dev/null
wait_for "two cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
eq "same alias" "$(tb reports --json | jq -r .reporter | sort -u | wc -l)" "1"

stop
# The number is nowhere in clear: database, WAL, logs.
for f in "$OUT"/tinbao.db* "$OUT/serve.log"; do
	check "no number in $(basename "$f")" sh -c "! grep -aq '912345678' '$f'"
	check "no number (UTF-16) in $(basename "$f")" sh -c "! LC_ALL=C grep -aqP '9\\x001\\x002\\x003\\x004\\x005' '$f'"
done
eq "reporter number sealed" "$(sql "SELECT length(number_enc) > 16 FROM reporters")" "1"
finish
