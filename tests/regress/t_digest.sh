# The daily digest gives principals and the Bureau counts and codes of the
# non-urgent cases, never their text, once a day; the retention purge
# erases the sealed numbers of old closed cases so that nobody can be
# answered any more; a delivery report marks the sent message delivered.
DIGEST_TIME=00:00
. tests/regress/lib.sh
setup
directory
today=$(date +%Y-%m-%d)
sql "INSERT INTO meta (k, v) VALUES ('digest_last', '$today')"
start

tb inject --from 0987500001 "Bạn Lan lớp 6 trường THCS Mỹ Phú bị trêu chọc, giấu dép hoài" > /dev/null
tb inject --from 0987500002 "Có bạn lấy trộm tiền trong cặp ở trường THCS Mỹ Phú" > /dev/null
tb inject --from 0987500003 "Có anh lớp 9 trường THCS Nhị Thành hút thuốc lá điện tử trong nhà vệ sinh" > /dev/null
wait_for "three cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
wait_count "acks sent" "SELECT 1 FROM outbox WHERE kind='ack' AND status='sent'" 3

# A delivery report for the last message sent (the dummy phone's MR is 255).
tb inject --from +84900000000 --report 255 > /dev/null
wait_count "delivered" "SELECT 1 FROM outbox WHERE status='delivered'" 1
eq "only the newest sent message" "$(count "SELECT 1 FROM outbox WHERE status='delivered'")" "1"

stop
eq "no digest before its time" "$(count "SELECT 1 FROM outbox WHERE kind='digest'")" "0"
sql "DELETE FROM meta WHERE k = 'digest_last'"
start
wait_count "digests" "SELECT 1 FROM outbox WHERE kind='digest'" 3
mp2=$(sql "SELECT text FROM outbox WHERE kind='digest' AND number='+84911100006'")
check "MP2 principal: 2 cases ($mp2)" sh -c "printf %s \"\$1\" | grep -q '2 tin moi'" _ "$mp2"
nt2=$(sql "SELECT text FROM outbox WHERE kind='digest' AND number='+84911100012'")
check "NT2 principal: 1 case ($nt2)" sh -c "printf %s \"\$1\" | grep -q '1 tin moi'" _ "$nt2"
bureau=$(sql "SELECT text FROM outbox WHERE kind='digest' AND number='+84911100009'")
check "Bureau: 3 cases ($bureau)" sh -c "printf %s \"\$1\" | grep -q '3 tin moi'" _ "$bureau"
for c in $(tb reports --json | jq -r .code); do
	check "bureau digest lists $c" sh -c "printf %s \"\$1\" | grep -q $c" _ "$bureau"
done
check "no report text in a digest" sh -c "! sqlite3 '$OUT/tinbao.db' \"SELECT text FROM outbox WHERE kind='digest'\" | grep -qi 'dep\|tien\|thuoc'"
stop
start
sleep 1.5
eq "one digest a day" "$(count "SELECT 1 FROM outbox WHERE kind='digest'")" "3"

# Retention: an old closed case's reporter can no longer be reached.
code=$(tb reports --json | head -n 1 | jq -r .code)
tb inject --from 0911100001 "XONG $code da giai quyet" > /dev/null
wait_for "closed" sh -c "\"$TINBAO\" -c \"$CONF\" show $code --json | jq -e '.status == \"closed\"' > /dev/null"
stop
sql "UPDATE cases SET updated_at = updated_at - 200 * 86400 WHERE code = '$code'"
eq "purge" "$(tb purge --older-than 180d)" "1 reporter number(s) erased"
eq "number gone" "$(count "SELECT 1 FROM reporters WHERE number_enc IS NULL")" "1"
eq "case kept" "$(tb show "$code" --json | jq -r .status)" "closed"
eq "purge is idempotent" "$(tb purge --older-than 180d)" "0 reporter number(s) erased"
finish
